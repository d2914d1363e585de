/*
 * Address text without printf: every conn, http, tls and dns log line has two or more
 * addresses, and glibc's inet_ntop formats each byte or group with sprintf (about 1,800
 * instructions for a dotted quad, 3,700 for IPv6). The text is exactly inet_ntop's; the
 * unit tests compare the two over every octet, every zero-group pattern and random
 * addresses.
 */
#include <string.h>

#include "bos/addr_text.h"

/*
 * The decimal text of every octet value, NUL-padded to 4 bytes so that one fixed-size copy
 * moves it: a dotted quad then costs four table loads instead of up to twelve divisions
 * (every conn.log line formats two addresses).
 */
#define OCTETS10(p) p "0", p "1", p "2", p "3", p "4", p "5", p "6", p "7", p "8", p "9"
static const char octet_text[256][4] = {
    OCTETS10(""),   OCTETS10("1"),  OCTETS10("2"),  OCTETS10("3"),  OCTETS10("4"),  OCTETS10("5"),
    OCTETS10("6"),  OCTETS10("7"),  OCTETS10("8"),  OCTETS10("9"),  OCTETS10("10"), OCTETS10("11"),
    OCTETS10("12"), OCTETS10("13"), OCTETS10("14"), OCTETS10("15"), OCTETS10("16"), OCTETS10("17"),
    OCTETS10("18"), OCTETS10("19"), OCTETS10("20"), OCTETS10("21"), OCTETS10("22"), OCTETS10("23"),
    OCTETS10("24"), "250",	    "251",	    "252",	    "253",	    "254",
    "255",
};
#undef OCTETS10

/* Writes the dotted quad of a[0..3] at out, which has room for 16 bytes (the text and a dot
 * after it); returns the text's length. */
static inline size_t dotted_quad(char *out, const uint8_t a[4])
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		const char *t = octet_text[v];
		char t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];

		/* Loaded first, then stored: the compiler merges them into one 4-byte copy, which
		 * a memcpy at a variable offset is not in the _FORTIFY_SOURCE=3 release build
		 * (a __memcpy_chk call). */
		out[n] = t0;
		out[n + 1] = t1;
		out[n + 2] = t2;
		out[n + 3] = t3;
		n += 1u + (v >= 10) + (v >= 100);
		out[n++] = '.';
	}
	return n - 1; /* without the last dot */
}

/* Dotted quad without printf (glibc's inet_ntop uses sprintf): every log line has two. */
static bool ipv4_text(char *dst, size_t len, const uint8_t addr[4])
{
	char tmp[16] = {0}; /* "255.255.255.255" and the dot written after the last octet */
	size_t n = dotted_quad(tmp, addr);

	if (n >= len)
		return false;
	/* The usual buffer holds all of tmp: one fixed-size copy instead of a memcpy call. */
	if (len >= sizeof(tmp))
		memcpy(dst, tmp, sizeof(tmp));
	else
		memcpy(dst, tmp, n);
	dst[n] = '\0';
	return true;
}

/*
 * IPv6 text exactly as glibc's inet_ntop writes it, without its sprintf per group:
 * lowercase hex groups without leading zeros, the first longest run of two or more zero
 * groups written "::", and the last 32 bits as a dotted quad for IPv4-compatible (::a.b.c.d,
 * six zero groups) and IPv4-mapped (::ffff:a.b.c.d) addresses.
 */
static bool ipv6_text(char *dst, size_t len, const uint8_t a[16])
{
	static const char hex[] = "0123456789abcdef";
	char tmp[64]; /* 45 at most, and the dotted quad's spare bytes; only n are copied */
	unsigned w[8];
	int zbase = -1, zlen = 0, run = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8; i++) {
		run = w[i] ? 0 : run + 1;
		if (run > zlen) { /* strictly longer: the first of equal runs wins */
			zlen = run;
			zbase = i + 1 - run;
		}
	}
	if (zlen < 2)
		zbase = -1;
	for (int i = 0; i < 8; i++) {
		unsigned v = w[i];
		int shift;

		if (zbase >= 0 && i >= zbase && i < zbase + zlen) {
			if (i == zbase)
				tmp[n++] = ':';
			continue;
		}
		if (i)
			tmp[n++] = ':';
		if (i == 6 && zbase == 0 && (zlen == 6 || (zlen == 5 && w[5] == 0xffff))) {
			n += dotted_quad(tmp + n, a + 12);
			break;
		}
		shift = v >= 0x1000 ? 12 : v >= 0x100 ? 8 : v >= 0x10 ? 4 : 0;
		for (; shift >= 0; shift -= 4)
			tmp[n++] = hex[(v >> shift) & 15];
	}
	if (zbase >= 0 && zbase + zlen == 8)
		tmp[n++] = ':';
	if (n >= len)
		return false;
	memcpy(dst, tmp, n);
	dst[n] = '\0';
	return true;
}

bool bos_addr_text(char *dst, size_t len, const uint8_t *addr, bool v6)
{
	return v6 ? ipv6_text(dst, len, addr) : ipv4_text(dst, len, addr);
}
