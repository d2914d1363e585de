/*
 * HTML escaping: the one function every string from a case goes through on its way into
 * report.html (bos/report.h). Reference: HTML Living Standard 13.1.2.6 (restrictions on
 * text content) and OWASP's XSS prevention rule #1: escape & < > " ' in text and in quoted
 * attribute values.
 *
 * Beyond markup, a sample can try to mislead the reader: invalid UTF-8 (rendered as U+FFFD
 * by browsers, hiding bytes), control characters, and bidirectional overrides (U+202A-E,
 * U+2066-9) that reorder a command line on screen ("Trojan Source"). All of those are
 * shown as visible \xHH escapes of their bytes instead.
 */
#include <string.h>

#include "bos/escape.h"
#include "bos/report.h"

/* Length of a well-formed UTF-8 sequence at p (RFC 3629), 0 if invalid. */
static size_t seq_len(const unsigned char *p, size_t left)
{
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	/* bos_utf8_valid checks continuation bytes, overlongs, surrogates and the range. */
	return bos_utf8_valid(p, n) ? n : 0;
}

static bool must_show_bytes(const unsigned char *p, size_t n)
{
	if (n == 1)
		return (p[0] < 0x20 && p[0] != '\t' && p[0] != '\n') || p[0] == 0x7f;
	if (n == 2)
		return p[0] == 0xc2 && p[1] < 0xa0;		/* C1 controls */
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x80)
		return p[2] >= 0xaa && p[2] <= 0xae;		/* LRE RLE PDF LRO RLO */
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x81)
		return p[2] >= 0xa6 && p[2] <= 0xa9;		/* LRI RLI FSI PDI */
	return false;
}

void bos_html_escape(struct bos_buf *out, const void *data, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *p = data;
	size_t i = 0;

	while (i < len) {
		size_t n = seq_len(p + i, len - i);

		if (n == 0 || must_show_bytes(p + i, n)) {
			size_t k = n ? n : 1;

			for (size_t b = 0; b < k; b++) {
				char esc[4] = { '\\', 'x', hexd[p[i + b] >> 4],
						 hexd[p[i + b] & 15] };

				bos_buf_add(out, esc, 4);
			}
			i += k;
			continue;
		}
		if (n == 1) {
			switch (p[i]) {
			case '&':
				bos_buf_addstr(out, "&amp;");
				break;
			case '<':
				bos_buf_addstr(out, "&lt;");
				break;
			case '>':
				bos_buf_addstr(out, "&gt;");
				break;
			case '"':
				bos_buf_addstr(out, "&quot;");
				break;
			case '\'':
				bos_buf_addstr(out, "&#39;");
				break;
			default:
				bos_buf_addch(out, (char)p[i]);
				break;
			}
		} else {
			bos_buf_add(out, p + i, n);
		}
		i += n;
	}
}

void bos_html_escape_str(struct bos_buf *out, const char *s)
{
	if (s)
		bos_html_escape(out, s, strlen(s));
}
