#ifndef BOS_JSON_H
#define BOS_JSON_H
/*
 * Streaming JSON writer used for every JSON and JSON Lines file bos writes.
 * Output is deterministic (keys in call order, no floats unless asked) and always valid:
 * strings are escaped, and bytes that are not valid UTF-8 are written losslessly as
 * {"b64": "..."} (STYLE.md §8). Reading JSON is done with json-c, not here.
 *
 *	struct bos_json j;
 *	bos_json_init(&j, &buf, 0);
 *	bos_json_obj_begin(&j);
 *	bos_json_kv_str(&j, "name", "x");
 *	bos_json_obj_end(&j);
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/buf.h"

#define BOS_JSON_MAX_DEPTH 32

enum bos_json_flags {
	BOS_JSON_PRETTY = 1u << 0,	/* newlines + two-space indent (manifest, analysis) */
};

struct bos_json {
	struct bos_buf *out;		/* borrowed */
	unsigned flags;
	int depth;
	bool need_comma[BOS_JSON_MAX_DEPTH];
	bool after_key;
};

void bos_json_init(struct bos_json *j, struct bos_buf *out, unsigned flags);

void bos_json_obj_begin(struct bos_json *j);
void bos_json_obj_end(struct bos_json *j);
void bos_json_arr_begin(struct bos_json *j);
void bos_json_arr_end(struct bos_json *j);
void bos_json_key(struct bos_json *j, const char *key);

void bos_json_str(struct bos_json *j, const char *s);		/* NULL writes null */
void bos_json_strn(struct bos_json *j, const void *data, size_t len);
void bos_json_int(struct bos_json *j, int64_t v);
void bos_json_uint(struct bos_json *j, uint64_t v);
void bos_json_double(struct bos_json *j, double v, int decimals);
void bos_json_bool(struct bos_json *j, bool v);
void bos_json_null(struct bos_json *j);
/* RFC 3339 UTC with nanoseconds: "2026-11-26T10:58:29.123456789Z". */
void bos_json_time_ns(struct bos_json *j, int64_t unix_ns);
/* Zeek-style epoch seconds with 6 decimals: 1234567890.123456 */
void bos_json_epoch(struct bos_json *j, int64_t unix_ns);

void bos_json_kv_str(struct bos_json *j, const char *key, const char *s);
void bos_json_kv_strn(struct bos_json *j, const char *key, const void *data, size_t len);
void bos_json_kv_int(struct bos_json *j, const char *key, int64_t v);
void bos_json_kv_uint(struct bos_json *j, const char *key, uint64_t v);
void bos_json_kv_bool(struct bos_json *j, const char *key, bool v);
void bos_json_kv_time_ns(struct bos_json *j, const char *key, int64_t unix_ns);

/* Seconds with 6 decimals from nanoseconds (durations, RTTs): exactly the bytes of
 * bos_json_double(j, ns / 1e9, 6), computed with integers where that is provably the
 * same (0 <= ns < 2^50 and not a tie at the 7th decimal), else through printf. */
void bos_json_seconds_ns(struct bos_json *j, int64_t ns);

/* Append the JSON string literal for data (with quotes) to out. */
void bos_json_quote(struct bos_buf *out, const void *data, size_t len);

/*
 * Keys that are string literals, for the log writers (one line per flow or transaction):
 * "key": is copied with its length known at compile time (inline, so the copy is a few
 * moves) and the separator logic is one test. The literal must be plain printable ASCII
 * without '"' or '\\' (it is not escaped); builds without NDEBUG check that and BOS_BUG
 * otherwise. Output is byte for byte what bos_json_key / bos_json_kv_* write. j is
 * evaluated more than once.
 *
 *	BOS_JSON_KV_UINT(&j, "orig_pkts", c->orig_pkts);
 */
#define BOS_JSON_KEY(j, lit) bos_json_key_lit((j), "" lit, sizeof(lit) - 1)
#define BOS_JSON_KV_STR(j, lit, s) (BOS_JSON_KEY(j, lit), bos_json_str((j), (s)))
#define BOS_JSON_KV_STRN(j, lit, d, n) (BOS_JSON_KEY(j, lit), bos_json_strn((j), (d), (n)))
#define BOS_JSON_KV_UINT(j, lit, v) (BOS_JSON_KEY(j, lit), bos_json_uint((j), (v)))
#define BOS_JSON_KV_BOOL(j, lit, v) (BOS_JSON_KEY(j, lit), bos_json_bool((j), (v)))

/* Same with the literal's length passed along (helpers that take the key as a parameter). */
void bos_json_kvl_str(struct bos_json *j, const char *key, size_t klen, const char *s);
void bos_json_kvl_strn(struct bos_json *j, const char *key, size_t klen, const void *data,
		       size_t len);

/*
 * A literal key with a value bos generated itself (uids, addresses it formatted, names
 * from its tables, hex and base64 digests), written without scanning: s must be printable
 * ASCII without '"' or '\\'. Builds without NDEBUG check that and BOS_BUG otherwise. Never
 * for bytes that came from input (names, URIs, file names): those take BOS_JSON_KV_STR.
 */
#define BOS_JSON_KV_PLAIN(j, lit, s) bos_json_kv_plain((j), "" lit, sizeof(lit) - 1, (s))

/* Whether s may be written with BOS_JSON_KV_PLAIN: printable ASCII without '"' or '\\'. */
bool bos_json_is_plain(const char *s, size_t len);

/* Out-of-line parts of bos_json_key_lit: pretty output and misuse; the NDEBUG check. */
void bos_json_key_lit_slow(struct bos_json *j, const char *key, size_t len);
void bos_json_plain_check(const char *s, size_t len);

static inline void bos_json_key_lit(struct bos_json *j, const char *key, size_t len)
{
	bool *comma;
	size_t c;
	char *w;

#ifndef NDEBUG
	bos_json_plain_check(key, len);
#endif
	if (BOS_UNLIKELY(j->after_key || j->depth <= 0 || (j->flags & BOS_JSON_PRETTY))) {
		bos_json_key_lit_slow(j, key, len);
		return;
	}
	comma = &j->need_comma[j->depth - 1];
	c = *comma;		/* the ',' written first stays only after a first member */
	w = bos_buf_reserve(j->out, len + 4);
	w[0] = ',';
	w[c] = '"';
	memcpy(w + c + 1, key, len);
	w[c + len + 1] = '"';
	w[c + len + 2] = ':';
	bos_buf_commit(j->out, c + len + 3);
	*comma = true;
	j->after_key = true;
}

static inline void bos_json_kv_plain(struct bos_json *j, const char *key, size_t klen,
				     const char *s)
{
	size_t len = strlen(s);
	char *w;

#ifndef NDEBUG
	bos_json_plain_check(s, len);
#endif
	bos_json_key_lit(j, key, klen);
	w = bos_buf_reserve(j->out, len + 2);
	w[0] = '"';
	memcpy(w + 1, s, len);
	w[len + 1] = '"';
	bos_buf_commit(j->out, len + 2);
	j->after_key = false;	/* what before_value does for the value after a key */
}

#endif
