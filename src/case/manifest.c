/*
 * manifest.json: writer (bos_json, fixed key order) and reader (json-c).
 * Schema: docs/case-format.md, "manifest.json". The reader treats the manifest as hostile
 * (a case may come from anywhere): the bytes are checked with a bos_cur before json-c sees
 * them (size cap, no NUL), json-c's depth is capped, every field used is type-checked, and
 * every path is validated before verify ever opens anything with it.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bos/clock.h"
#include "bos/cur.h"
#include "bos/escape.h"
#include "bos/json.h"
#include "bos/limits.h"
#include "case_int.h"

/* Manifests are flat: files[i] is at depth 3; anything deeper than this is hostile. */
#define MANIFEST_MAX_DEPTH 8

static void emit_kvs(struct bos_json *j, const char *key, const struct case_kvlist *l)
{
	const struct case_kv **sorted = calloc(l->n ? l->n : 1, sizeof(*sorted));

	if (!sorted)
		BOS_BUG("out of memory");
	for (size_t i = 0; i < l->n; i++)
		sorted[i] = &l->v[i];
	/* Insertion sort by key: at most BOS_CASE_MAX_KV entries. */
	for (size_t i = 1; i < l->n; i++)
		for (size_t k = i; k > 0 && strcmp(sorted[k - 1]->key, sorted[k]->key) > 0; k--) {
			const struct case_kv *t = sorted[k];

			sorted[k] = sorted[k - 1];
			sorted[k - 1] = t;
		}
	bos_json_key(j, key);
	bos_json_obj_begin(j);
	for (size_t i = 0; i < l->n; i++) {
		if (sorted[i]->str)
			bos_json_kv_str(j, sorted[i]->key, sorted[i]->str);
		else
			bos_json_kv_int(j, sorted[i]->key, sorted[i]->num);
	}
	bos_json_obj_end(j);
	free(sorted);
}

void case_manifest_emit(const struct bos_case *c, bool complete, const char *reason,
			const struct case_file *files, size_t n, struct bos_buf *out)
{
	struct bos_json j;
	char hex[65];

	bos_json_init(&j, out, BOS_JSON_PRETTY);
	bos_json_obj_begin(&j);
	bos_json_kv_int(&j, "format_version", BOS_CASE_FORMAT_VERSION);
	bos_json_kv_str(&j, "case_id", c->id);
	bos_json_key(&j, "tool");
	bos_json_obj_begin(&j);
	bos_json_kv_str(&j, "name", "bos");
	bos_json_kv_str(&j, "version", c->tool_version);
	bos_json_obj_end(&j);
	bos_json_kv_str(&j, "command", c->command);
	bos_json_kv_bool(&j, "complete", complete);
	bos_json_kv_str(&j, "incomplete_reason", reason);
	bos_json_kv_time_ns(&j, "start", c->start_ns);
	bos_json_kv_time_ns(&j, "end", c->end_ns);
	bos_json_kv_int(&j, "duration_ns", c->end_ns - c->start_ns);
	bos_json_key(&j, "sample");
	if (c->have_sample) {
		const struct bos_sample *s = &c->sample;

		bos_json_obj_begin(&j);
		bos_json_kv_str(&j, "name", s->name);
		bos_json_kv_uint(&j, "size", s->size);
		bos_json_kv_str(&j, "mime_type", s->mime);
		bos_json_kv_str(&j, "md5", s->md5_hex);
		bos_json_kv_str(&j, "sha1", s->sha1_hex);
		bos_json_kv_str(&j, "sha256", s->sha256_hex);
		bos_json_kv_str(&j, "sha512", s->sha512_hex);
		bos_json_obj_end(&j);
	} else {
		bos_json_null(&j);
	}
	bos_json_kv_str(&j, "profile", c->profile);
	emit_kvs(&j, "settings", &c->settings);
	emit_kvs(&j, "outcome", &c->outcome);
	bos_json_key(&j, "files");
	bos_json_arr_begin(&j);
	for (size_t i = 0; i < n; i++) {
		bos_json_obj_begin(&j);
		bos_json_kv_str(&j, "path", files[i].path);
		bos_json_kv_uint(&j, "size", files[i].size);
		case_hex(hex, files[i].sha256, sizeof(files[i].sha256));
		bos_json_kv_str(&j, "sha256", hex);
		bos_json_obj_end(&j);
	}
	bos_json_arr_end(&j);
	bos_json_obj_end(&j);
	bos_buf_addch(out, '\n');
}

/* ---- reader ---- */

static char *dup_str(struct json_object *o)
{
	const char *s = json_object_get_string(o);
	char *d = strndup(s ? s : "", (size_t)json_object_get_string_len(o));

	if (!d)
		BOS_BUG("out of memory");
	return d;
}

static struct json_object *get(struct json_object *obj, const char *key, enum json_type type)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bos_manifest_file *)a)->path,
		      ((const struct bos_manifest_file *)b)->path);
}

/* Line and column (1-based) of byte offset off. */
static void line_of(const char *data, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int parse_file_entry(struct bos_manifest_file *f, struct json_object *e, size_t i,
			    struct bos_err *err)
{
	struct json_object *jp, *js, *jh;
	const char *why, *hex;
	char shown[128];
	int64_t size;

	if (!json_object_is_type(e, json_type_object))
		return bos_err_set(err, -BOS_EINPUT, "files[%zu]: not an object", i);
	jp = get(e, "path", json_type_string);
	js = get(e, "size", json_type_int);
	jh = get(e, "sha256", json_type_string);
	if (!jp)
		return bos_err_set(err, -BOS_EINPUT, "files[%zu].path: missing or not a string", i);
	bos_escape_str(shown, sizeof(shown), json_object_get_string(jp));
	if (!case_path_ok(json_object_get_string(jp), (size_t)json_object_get_string_len(jp),
			  &why))
		return bos_err_set(err, -BOS_EINPUT, "files[%zu].path '%s': %s", i, shown, why);
	if (!js)
		return bos_err_set(err, -BOS_EINPUT, "files[%zu].size ('%s'): missing or not an "
				   "integer", i, shown);
	errno = 0;
	size = json_object_get_int64(js);
	/* json-c saturates out-of-range numbers at INT64_MAX and sets errno. */
	if (size < 0 || errno || size > (INT64_C(1) << 62))
		return bos_err_set(err, -BOS_EINPUT, "files[%zu].size ('%s'): out of range", i,
				   shown);
	if (!jh || json_object_get_string_len(jh) != 64)
		return bos_err_set(err, -BOS_EINPUT, "files[%zu].sha256 ('%s'): missing or not 64 "
				   "hex digits", i, shown);
	hex = json_object_get_string(jh);
	for (size_t k = 0; k < 32; k++) {
		int hi = hexval(hex[2 * k]), lo = hexval(hex[2 * k + 1]);

		if (hi < 0 || lo < 0)
			return bos_err_set(err, -BOS_EINPUT, "files[%zu].sha256 ('%s'): not "
					   "lowercase hex", i, shown);
		f->sha256[k] = (uint8_t)(hi << 4 | lo);
	}
	f->size = (uint64_t)size;
	f->path = dup_str(jp);
	return 0;
}

int bos_manifest_parse(struct bos_manifest *m, const void *data, size_t len, struct bos_err *err)
{
	struct bos_cur cur = bos_cur_make(data, len);
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL, *v, *files;
	enum json_tokener_error jerr;
	size_t nfiles, end, line, col;
	int ret = 0;

	memset(m, 0, sizeof(*m));
	if (len > BOS_MANIFEST_MAX_BYTES)
		return bos_err_set(err, -BOS_ELIMIT, "manifest is %zu bytes, over the %u-byte cap",
				   len, BOS_MANIFEST_MAX_BYTES);
	/* JSON text never holds a raw NUL; json-c would stop there and miss the rest. */
	for (size_t off = 0; bos_cur_left(&cur) > 0; off++) {
		if (bos_cur_u8(&cur) == 0) {
			line_of(data, off, &line, &col);
			return bos_err_set(err, -BOS_EINPUT, "invalid JSON at line %zu, column %zu "
					   "(offset %zu): NUL byte", line, col, off);
		}
	}
	if (len > INT32_MAX)
		return bos_err_set(err, -BOS_ELIMIT, "manifest too large");
	tok = json_tokener_new_ex(MANIFEST_MAX_DEPTH);
	if (!tok)
		BOS_BUG("out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, data, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue || (jerr == json_tokener_success && !root)) {
		ret = bos_err_set(err, -BOS_EINPUT, "invalid JSON: ends early (%zu bytes)", len);
		goto out;
	}
	if (jerr != json_tokener_success) {
		/* json-c stops on the byte it could not take (parse_end points at it). */
		size_t at = end < len ? end : (len ? len - 1 : 0);

		line_of(data, at, &line, &col);
		ret = bos_err_set(err, -BOS_EINPUT, "invalid JSON at line %zu, column %zu (offset "
				  "%zu): %s", line, col, at, json_tokener_error_desc(jerr));
		goto out;
	}
	for (size_t off = end; off < len; off++) {
		char ch = ((const char *)data)[off];

		if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
			line_of(data, off, &line, &col);
			ret = bos_err_set(err, -BOS_EINPUT, "invalid JSON at line %zu, column %zu "
					  "(offset %zu): data after the top-level value", line,
					  col, off);
			goto out;
		}
	}
	if (!json_object_is_type(root, json_type_object)) {
		ret = bos_err_set(err, -BOS_EINPUT, "manifest is not a JSON object");
		goto out;
	}
	v = get(root, "format_version", json_type_int);
	if (!v) {
		ret = bos_err_set(err, -BOS_EINPUT, "format_version: missing or not an integer");
		goto out;
	}
	if (json_object_get_int64(v) != BOS_CASE_FORMAT_VERSION) {
		ret = bos_err_set(err, -BOS_EINPUT,
				  "format_version %lld: this bos reads version %d",
				  (long long)json_object_get_int64(v), BOS_CASE_FORMAT_VERSION);
		goto out;
	}
	m->format_version = BOS_CASE_FORMAT_VERSION;
	v = get(root, "case_id", json_type_string);
	if (!v) {
		ret = bos_err_set(err, -BOS_EINPUT, "case_id: missing or not a string");
		goto out;
	}
	m->case_id = dup_str(v);
	v = get(root, "complete", json_type_boolean);
	if (!v) {
		ret = bos_err_set(err, -BOS_EINPUT, "complete: missing or not true/false");
		goto out;
	}
	m->complete = json_object_get_boolean(v);
	v = get(root, "incomplete_reason", json_type_string);
	if (v)
		m->incomplete_reason = dup_str(v);
	v = get(root, "tool", json_type_object);
	if (v && (v = get(v, "version", json_type_string)))
		m->tool_version = dup_str(v);
	files = get(root, "files", json_type_array);
	if (!files) {
		ret = bos_err_set(err, -BOS_EINPUT, "files: missing or not an array");
		goto out;
	}
	nfiles = json_object_array_length(files);
	if (nfiles > BOS_CASE_MAX_FILES) {
		ret = bos_err_set(err, -BOS_ELIMIT, "files: %zu entries, over the cap of %d",
				  nfiles, BOS_CASE_MAX_FILES);
		goto out;
	}
	m->files = calloc(nfiles ? nfiles : 1, sizeof(*m->files));
	if (!m->files)
		BOS_BUG("out of memory");
	for (size_t i = 0; i < nfiles; i++) {
		ret = parse_file_entry(&m->files[i], json_object_array_get_idx(files, i), i, err);
		if (ret < 0)
			goto out;
		m->nfiles++;
	}
	qsort(m->files, m->nfiles, sizeof(*m->files), path_cmp);
	for (size_t i = 1; i < m->nfiles; i++) {
		if (!strcmp(m->files[i - 1].path, m->files[i].path)) {
			char shown[128];

			bos_escape_str(shown, sizeof(shown), m->files[i].path);
			ret = bos_err_set(err, -BOS_EINPUT, "files: '%s' is listed twice", shown);
			goto out;
		}
	}
out:
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}

void bos_manifest_release(struct bos_manifest *m)
{
	for (size_t i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	free(m->case_id);
	free(m->tool_version);
	free(m->incomplete_reason);
	memset(m, 0, sizeof(*m));
}
