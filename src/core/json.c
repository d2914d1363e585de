/*
 * Streaming JSON writer (see bos/json.h), RFC 8259. Strings that are not valid UTF-8 are
 * written as {"b64": "..."} so no byte from a sample is lost or turned into U+FFFD.
 */
#include <math.h>
#include <string.h>

#include "bos/clock.h"
#include "bos/err.h"
#include "bos/escape.h"
#include "bos/json.h"

void bos_json_init(struct bos_json *j, struct bos_buf *out, unsigned flags)
{
	*j = (struct bos_json){ .out = out, .flags = flags };
}

static void newline_indent(struct bos_json *j)
{
	if (!(j->flags & BOS_JSON_PRETTY))
		return;
	bos_buf_addch(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		bos_buf_add(j->out, "  ", 2);
}

/* Called before every value: separators and indentation. */
static void before_value(struct bos_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->need_comma[j->depth - 1])
			bos_buf_addch(j->out, ',');
		j->need_comma[j->depth - 1] = true;
		newline_indent(j);
	}
}

static void open_container(struct bos_json *j, char c)
{
	before_value(j);
	if (j->depth >= BOS_JSON_MAX_DEPTH)
		BOS_BUG("JSON nesting deeper than %d", BOS_JSON_MAX_DEPTH);
	bos_buf_addch(j->out, c);
	j->need_comma[j->depth++] = false;
}

static void close_container(struct bos_json *j, char c)
{
	bool had_items;

	if (j->depth <= 0 || j->after_key)
		BOS_BUG("unbalanced JSON writer calls");
	had_items = j->need_comma[--j->depth];
	if (had_items)
		newline_indent(j);
	bos_buf_addch(j->out, c);
}

void bos_json_obj_begin(struct bos_json *j)
{
	open_container(j, '{');
}

void bos_json_obj_end(struct bos_json *j)
{
	close_container(j, '}');
}

void bos_json_arr_begin(struct bos_json *j)
{
	open_container(j, '[');
}

void bos_json_arr_end(struct bos_json *j)
{
	close_container(j, ']');
}

/*
 * What one pass over a string value does with each byte: copy it (plain), escape it
 * (controls, DEL, '"', '\\'), check the UTF-8 sequence it starts (>= 0x80), or give up on
 * text (NUL, which bos_utf8_valid rejects). A table instead of comparisons: this loop runs
 * over every string of every log line.
 */
enum { JC_PLAIN, JC_ESC, JC_HIGH, JC_NUL };

static const uint8_t jclass[256] = {
	3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* 0x50 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,	/* 0x70 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0x80 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0x90 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0xa0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0xb0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0xc0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0xd0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0xe0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0xf0 */
};

/* Two decimal digits per entry: numbers are most of what conn.jsonl holds. */
static const char digits2[] =
	"00010203040506070809101112131415161718192021222324"
	"25262728293031323334353637383940414243444546474849"
	"50515253545556575859606162636465666768697071727374"
	"75767778798081828384858687888990919293949596979899";

/* Write the escape for c at w (room for 6); returns its length. */
static size_t put_escape(char *w, unsigned char c)
{
	static const char hexd[] = "0123456789abcdef";

	w[0] = '\\';
	switch (c) {
	case '"':
	case '\\':
		w[1] = (char)c;
		return 2;
	case '\n':
		w[1] = 'n';
		return 2;
	case '\r':
		w[1] = 'r';
		return 2;
	case '\t':
		w[1] = 't';
		return 2;
	default:
		memcpy(w + 1, "u00", 3);
		w[4] = hexd[c >> 4];
		w[5] = hexd[c & 15];
		return 6;
	}
}

/*
 * True if the 8 bytes at p are all plain (jclass JC_PLAIN): none below 0x20, none with the
 * high bit, no '"', '\\' or DEL. Word-at-a-time tests (a byte below n: (x - n*0x01..) &
 * ~x & 0x80..; a byte equal to v: the same with n = 1 on x ^ v*0x01..), exact as a yes/no.
 */
static inline bool plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t x, q, b, d, bad;

	memcpy(&x, p, sizeof(x));
	q = x ^ (ones * '"');
	b = x ^ (ones * '\\');
	d = x ^ (ones * 0x7f);
	bad = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) | ((d - ones) & ~d) |
	      x;
	return !(bad & high);
}

/* Room for n bytes at pos (out->len is stale while a writer fills the buffer directly). */
static char *room(struct bos_buf *out, size_t pos, size_t n)
{
	if (n >= out->alloc - pos) {
		out->len = pos;
		bos_buf_grow(out, n);
	}
	return out->data;
}

/*
 * Append data as a quoted JSON string: runs of plain bytes are copied at once, room is
 * reserved once for the common case (nothing to escape) and again only at an escape.
 * validate: the bytes must be UTF-8 text (bos_utf8_valid); if they are not, returns false
 * with out holding a partial string the caller cuts off. Without validate every byte is
 * taken (bos_json_quote's contract: NUL is escaped, bytes >= 0x80 are copied).
 */
static inline bool quote_into(struct bos_buf *out, const unsigned char *p, size_t len,
			      bool validate)
{
	size_t pos = out->len, start = 0, i = 0;
	char *d = room(out, pos, len + 2);

	d[pos++] = '"';
	while (i < len) {
		unsigned cl;

		if (len - i >= 8 && plain8(p + i)) {
			i += 8;
			continue;
		}
		cl = jclass[p[i]];
		if (BOS_LIKELY(cl == JC_PLAIN)) {
			i++;
			continue;
		}
		if (cl == JC_HIGH) {
			size_t n = validate ? bos_utf8_seq_len(p + i, len - i) : 1;

			if (!n)
				return false;
			i += n;
			continue;
		}
		if (validate && cl == JC_NUL)
			return false;
		memcpy(d + pos, p + start, i - start);
		pos += i - start;
		/* the escape, then at most the rest of the input and the closing quote */
		d = room(out, pos, 6 + (len - i));
		pos += put_escape(d + pos, p[i]);
		start = ++i;
	}
	memcpy(d + pos, p + start, len - start);
	pos += len - start;
	d[pos++] = '"';
	out->len = pos;
	d[pos] = '\0';
	return true;
}

void bos_json_quote(struct bos_buf *out, const void *data, size_t len)
{
	quote_into(out, data, len, false);
}

void bos_json_key(struct bos_json *j, const char *key)
{
	before_value(j);
	quote_into(j->out, (const unsigned char *)key, strlen(key), false);
	bos_buf_addch(j->out, ':');
	if (j->flags & BOS_JSON_PRETTY)
		bos_buf_addch(j->out, ' ');
	j->after_key = true;
}

/* Literal keys and plain values are copied unescaped: make sure no call site passes
 * text that needs escaping. */
bool bos_json_is_plain(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (jclass[(unsigned char)s[i]] != JC_PLAIN)
			return false;
	return true;
}

void bos_json_plain_check(const char *s, size_t len)
{
	if (!bos_json_is_plain(s, len))
		BOS_BUG("JSON text \"%s\" given as plain needs escaping", s);
}

void bos_json_key_lit_slow(struct bos_json *j, const char *key, size_t len)
{
	before_value(j);
	bos_buf_addch(j->out, '"');
	bos_buf_add(j->out, key, len);
	bos_buf_add(j->out, "\":", 2);
	if (j->flags & BOS_JSON_PRETTY)
		bos_buf_addch(j->out, ' ');
	j->after_key = true;
}

void bos_json_strn(struct bos_json *j, const void *data, size_t len)
{
	size_t mark = j->out->len;
	bool after_key = j->after_key;
	bool comma = j->depth > 0 ? j->need_comma[j->depth - 1] : false;

	/* One pass validates and copies; the rare non-text value is undone and redone. */
	before_value(j);
	if (quote_into(j->out, data, len, true))
		return;
	bos_buf_setlen(j->out, mark);
	j->after_key = after_key;
	if (j->depth > 0)
		j->need_comma[j->depth - 1] = comma;
	/* Not UTF-8 (or has NUL): keep every byte, say how. */
	bos_json_obj_begin(j);
	bos_json_key(j, "b64");
	before_value(j);
	bos_buf_addch(j->out, '"');
	bos_base64(j->out, data, len);
	bos_buf_addch(j->out, '"');
	bos_json_obj_end(j);
}

void bos_json_str(struct bos_json *j, const char *s)
{
	if (!s)
		bos_json_null(j);
	else
		bos_json_strn(j, s, strlen(s));
}

/* Store the two digits of v < 100 at w. Byte stores, not memcpy: with _FORTIFY_SOURCE a
 * memcpy into a local array becomes a __memcpy_chk call. */
static inline void put2(char *w, unsigned v)
{
	w[0] = digits2[2 * v];
	w[1] = digits2[2 * v + 1];
}

/* Number of decimal digits of v. */
static size_t dec_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 100) {
		v /= 100;
		n += 2;
	}
	return n + (v >= 10);
}

/* Decimal digits of v ending just before end; returns where they start. */
static char *fmt_u64(char *end, uint64_t v)
{
	char *s = end;

	while (v >= 100) {
		s -= 2;
		put2(s, (unsigned)(v % 100));
		v /= 100;
	}
	if (v >= 10) {
		s -= 2;
		put2(s, (unsigned)v);
	} else {
		*--s = (char)('0' + v);
	}
	return s;
}

/* Decimal digits of v, without printf. */
static void add_u64(struct bos_buf *out, uint64_t v)
{
	size_t n = dec_len(v);

	fmt_u64(bos_buf_reserve(out, n) + n, v);
	bos_buf_commit(out, n);
}

/* "." and six digits of f (< 1000000): the fixed decimals of epochs and durations. */
static void add_frac6(struct bos_buf *out, unsigned f)
{
	char *w = bos_buf_reserve(out, 7);

	w[0] = '.';
	put2(w + 1, f / 10000);
	put2(w + 3, f / 100 % 100);
	put2(w + 5, f % 100);
	bos_buf_commit(out, 7);
}

void bos_json_int(struct bos_json *j, int64_t v)
{
	before_value(j);
	if (v < 0) {
		bos_buf_addch(j->out, '-');
		add_u64(j->out, (uint64_t)0 - (uint64_t)v);
	} else {
		add_u64(j->out, (uint64_t)v);
	}
}

void bos_json_uint(struct bos_json *j, uint64_t v)
{
	before_value(j);
	add_u64(j->out, v);
}

void bos_json_double(struct bos_json *j, double v, int decimals)
{
	before_value(j);
	if (!isfinite(v))
		bos_buf_add(j->out, "null", 4);
	else
		bos_buf_addf(j->out, "%.*f", decimals, v);
}

void bos_json_seconds_ns(struct bos_json *j, int64_t ns)
{
	uint64_t us;

	/*
	 * printf rounds the double d = ns / 1e9 (correctly rounded) to 6 decimals. Below 2^50 ns
	 * (2^21 s) d is within 2^-32 s of ns / 1e9 and ns converts exactly; unless the 7th-9th
	 * digits are exactly 500, ns / 1e9 is at least 1e-9 s from a rounding tie, so d rounds
	 * the same way as the integer here. Anything else keeps printf's answer.
	 */
	if (ns < 0 || ns >= (INT64_C(1) << 50) || ns % 1000 == 500) {
		bos_json_double(j, (double)ns / 1e9, 6);
		return;
	}
	us = (uint64_t)ns / 1000 + ((uint64_t)ns % 1000 > 500);
	before_value(j);
	add_u64(j->out, us / 1000000);
	add_frac6(j->out, (unsigned)(us % 1000000));
}

void bos_json_bool(struct bos_json *j, bool v)
{
	before_value(j);
	if (v)
		bos_buf_add(j->out, "true", 4);
	else
		bos_buf_add(j->out, "false", 5);
}

void bos_json_null(struct bos_json *j)
{
	before_value(j);
	bos_buf_add(j->out, "null", 4);
}

void bos_json_time_ns(struct bos_json *j, int64_t unix_ns)
{
	char t[40];

	bos_json_str(j, bos_clock_rfc3339(t, sizeof(t), unix_ns));
}

void bos_json_epoch(struct bos_json *j, int64_t unix_ns)
{
	int64_t us = unix_ns / 1000;
	uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;

	before_value(j);
	if (us < 0)
		bos_buf_addch(j->out, '-');
	add_u64(j->out, mag / 1000000);
	add_frac6(j->out, (unsigned)(mag % 1000000));
}

void bos_json_kv_str(struct bos_json *j, const char *key, const char *s)
{
	bos_json_key(j, key);
	bos_json_str(j, s);
}

void bos_json_kv_strn(struct bos_json *j, const char *key, const void *data, size_t len)
{
	bos_json_key(j, key);
	bos_json_strn(j, data, len);
}

void bos_json_kv_int(struct bos_json *j, const char *key, int64_t v)
{
	bos_json_key(j, key);
	bos_json_int(j, v);
}

void bos_json_kv_uint(struct bos_json *j, const char *key, uint64_t v)
{
	bos_json_key(j, key);
	bos_json_uint(j, v);
}

void bos_json_kv_bool(struct bos_json *j, const char *key, bool v)
{
	bos_json_key(j, key);
	bos_json_bool(j, v);
}

void bos_json_kv_time_ns(struct bos_json *j, const char *key, int64_t unix_ns)
{
	bos_json_key(j, key);
	bos_json_time_ns(j, unix_ns);
}

void bos_json_kvl_str(struct bos_json *j, const char *key, size_t klen, const char *s)
{
	bos_json_key_lit(j, key, klen);
	bos_json_str(j, s);
}

void bos_json_kvl_strn(struct bos_json *j, const char *key, size_t klen, const void *data,
		       size_t len)
{
	bos_json_key_lit(j, key, klen);
	bos_json_strn(j, data, len);
}
