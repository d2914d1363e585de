/*
 * Escaping and encoding of untrusted bytes (see bos/escape.h). Character classes are
 * written out by hand: <ctype.h> depends on the locale, and a sample must not be able to
 * make a byte "printable" by choosing one.
 */
#include <string.h>

#include "bos/escape.h"

static bool is_print_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

void bos_escape(struct bos_buf *out, const void *data, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *p = data;
	char esc[4] = { '\\', 'x', 0, 0 };

	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c == '\\' || c == '"') {
			bos_buf_addch(out, '\\');
			bos_buf_addch(out, (char)c);
		} else if (is_print_ascii(c)) {
			bos_buf_addch(out, (char)c);
		} else {
			esc[2] = hexd[c >> 4];
			esc[3] = hexd[c & 15];
			bos_buf_add(out, esc, 4);
		}
	}
}

const char *bos_escape_str(char *dst, size_t dstlen, const char *s)
{
	struct bos_buf b = BOS_BUF_INIT;

	if (!dstlen)
		return dst;
	bos_escape(&b, s, strlen(s));
	if (b.len < dstlen) {
		memcpy(dst, b.data, b.len + 1);
	} else {
		size_t keep = dstlen > 4 ? dstlen - 4 : 0;

		memcpy(dst, b.data, keep);
		memcpy(dst + keep, "...", dstlen - keep - 1 < 3 ? dstlen - keep - 1 : 3);
		dst[dstlen - 1] = '\0';
	}
	bos_buf_release(&b);
	return dst;
}

/* Length of the UTF-8 sequence starting at p (0 if invalid), per RFC 3629 table 3.9. */
size_t bos_utf8_seq_len(const void *data, size_t left)
{
	const unsigned char *p = data;
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (c == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (c == 0xf0)
		lo = 0x90;	/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;	/* > U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

bool bos_utf8_valid(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0;

	while (i < len) {
		size_t n;

		if (p[i] - 1u < 0x7fu) {	/* ASCII other than NUL: the common case */
			i++;
			continue;
		}
		n = bos_utf8_seq_len(p + i, len - i);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

void bos_base64(struct bos_buf *out, const void *data, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 3 <= len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63] };

		bos_buf_add(out, q, 4);
	}
	if (len - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], '=', '=' };

		bos_buf_add(out, q, 4);
	} else if (len - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], '=' };

		bos_buf_add(out, q, 4);
	}
}

static int base64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

void bos_base64_decode(struct bos_buf *out, const char *text)
{
	unsigned acc = 0, bits = 0;

	for (const char *p = text; *p; p++) {
		int x = base64_value((unsigned char)*p);

		if (x < 0)
			continue;
		acc = (acc << 6 | (unsigned)x) & 0xffffff;	/* keep only what is pending */
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bos_buf_addch(out, (char)((acc >> bits) & 0xff));
		}
	}
}

void bos_hex(struct bos_buf *out, const void *data, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *p = data;

	bos_buf_grow(out, len * 2);
	for (size_t i = 0; i < len; i++) {
		bos_buf_addch(out, hexd[p[i] >> 4]);
		bos_buf_addch(out, hexd[p[i] & 15]);
	}
}
