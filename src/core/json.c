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

/* Bytes that need an escape in a JSON string: controls, DEL, '"' and '\\'. */
static bool needs_escape(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '"' || c == '\\';
}

static void quote_escape(struct bos_buf *out, unsigned char c)
{
	static const char hexd[] = "0123456789abcdef";

	switch (c) {
	case '"':
		bos_buf_add(out, "\\\"", 2);
		break;
	case '\\':
		bos_buf_add(out, "\\\\", 2);
		break;
	case '\n':
		bos_buf_add(out, "\\n", 2);
		break;
	case '\r':
		bos_buf_add(out, "\\r", 2);
		break;
	case '\t':
		bos_buf_add(out, "\\t", 2);
		break;
	default: {
		char u[6] = { '\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15] };

		bos_buf_add(out, u, 6);
	}
	}
}

void bos_json_quote(struct bos_buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t run = 0;

	/* Runs of plain bytes are copied at once: this is the hot path of every log bos writes. */
	bos_buf_grow(out, len + 2);
	bos_buf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (!needs_escape(p[i]))
			continue;
		bos_buf_add(out, p + run, i - run);
		quote_escape(out, p[i]);
		run = i + 1;
	}
	bos_buf_add(out, p + run, len - run);
	bos_buf_addch(out, '"');
}

void bos_json_key(struct bos_json *j, const char *key)
{
	before_value(j);
	bos_json_quote(j->out, key, strlen(key));
	bos_buf_addch(j->out, ':');
	if (j->flags & BOS_JSON_PRETTY)
		bos_buf_addch(j->out, ' ');
	j->after_key = true;
}

void bos_json_strn(struct bos_json *j, const void *data, size_t len)
{
	if (bos_utf8_valid(data, len)) {
		before_value(j);
		bos_json_quote(j->out, data, len);
		return;
	}
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

/* Decimal digits of v, without printf: numbers are most of what conn.jsonl holds. */
static void add_u64(struct bos_buf *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	bos_buf_add(out, tmp + sizeof(tmp) - n, n);
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

void bos_json_bool(struct bos_json *j, bool v)
{
	before_value(j);
	bos_buf_addstr(j->out, v ? "true" : "false");
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
	char frac[7];

	before_value(j);
	if (us < 0)
		bos_buf_addch(j->out, '-');
	add_u64(j->out, mag / 1000000);
	frac[0] = '.';
	for (int i = 6, f = (int)(mag % 1000000); i >= 1; i--, f /= 10)
		frac[i] = (char)('0' + f % 10);
	bos_buf_add(j->out, frac, sizeof(frac));
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
