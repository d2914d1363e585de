/*
 * Loading an analysed case for the report and the exports: analysis.json, sample.stix.json,
 * manifest.json (json-c, each read into a capped buffer first), the Sigma rules, the
 * timeline, and - when the case has a capture but no network logs - the network engine's
 * logs in a temporary directory (removed in rp_case_release).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_int.h"
#include "bos/case.h"
#include "bos/escape.h"
#include "bos/file.h"
#include "bos/limits.h"
#include "bos/net.h"

struct json_object *rp_get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

const char *rp_str(struct json_object *o, const char *k)
{
	struct json_object *v = rp_get(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool rp_int(struct json_object *o, const char *k, int64_t *out)
{
	struct json_object *v = rp_get(o, k);

	if (!v || !(json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_double)))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

void rp_text(struct bos_buf *out, struct json_object *v)
{
	if (!v)
		return;
	switch (json_object_get_type(v)) {
	case json_type_string:
		bos_buf_add(out, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_int:
		bos_buf_addf(out, "%lld", (long long)json_object_get_int64(v));
		break;
	case json_type_double:
		bos_buf_addf(out, "%.6f", json_object_get_double(v));
		break;
	case json_type_boolean:
		bos_buf_addstr(out, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_object: {
		/* bos writes bytes that are not UTF-8 as {"b64": "..."} (bos/json.h). */
		const char *s = rp_str(v, "b64");

		if (s)
			bos_base64_decode(out, s);
		break;
	}
	case json_type_null:
	case json_type_array:
	default:
		break;
	}
}

/* Read a JSON file (at most BOS_REPORT_MAX_JSON bytes). *out NULL and 0 if missing. */
static int load_json(const char *dir, const char *name, struct json_object **out,
		     struct bos_err *err)
{
	struct bos_buf path = BOS_BUF_INIT, data = BOS_BUF_INIT;
	struct json_tokener *tok = NULL;
	char chunk[16384];
	ssize_t n;
	int fd, ret = 0;

	*out = NULL;
	bos_buf_addf(&path, "%s/%s", dir, name);
	fd = bos_open_regular(path.data, err);
	if (fd < 0) {
		ret = fd == -ENOENT ? 0 : fd;
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (data.len + (size_t)n > BOS_REPORT_MAX_JSON) {
			ret = bos_err_set(err, -BOS_ELIMIT, "%s: larger than %u bytes", path.data,
					  (unsigned)BOS_REPORT_MAX_JSON);
			goto out;
		}
		bos_buf_add(&data, chunk, (size_t)n);
	}
	if (n < 0) {
		ret = bos_err_sys(err, "read %s", path.data);
		goto out;
	}
	tok = json_tokener_new_ex(64);
	if (!tok) {
		ret = bos_err_set(err, -ENOMEM, "json tokener");
		goto out;
	}
	*out = json_tokener_parse_ex(tok, data.data, (int)data.len);
	if (!*out || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(*out, json_type_object)) {
		ret = bos_err_set(err, -BOS_EINPUT, "%s: not a valid JSON object (offset %zu: %s)",
				  path.data, json_tokener_get_parse_end(tok),
				  json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(*out);
		*out = NULL;
	}
out:
	if (tok)
		json_tokener_free(tok);
	if (fd >= 0)
		close(fd);
	bos_buf_release(&data);
	bos_buf_release(&path);
	return ret;
}

static bool exists(const char *dir, const char *name)
{
	struct bos_buf p = BOS_BUF_INIT;
	struct stat st;
	bool ok;

	bos_buf_addf(&p, "%s/%s", dir, name);
	ok = lstat(p.data, &st) == 0 && S_ISREG(st.st_mode);
	bos_buf_release(&p);
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* traffic.pcap and traffic-NNNN.pcap (rotation), in order. */
static size_t find_captures(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < 4096) {
		size_t l = strlen(de->d_name);
		char **nv;

		if (strncmp(de->d_name, "traffic", 7) ||
		    !(l > 5 && (!strcmp(de->d_name + l - 5, ".pcap") ||
				(l > 7 && !strcmp(de->d_name + l - 7, ".pcapng")))))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[n] = malloc(strlen(dir) + l + 2);
		if (!v[n])
			break;
		sprintf(v[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static void rm_tmp(const char *dir)
{
	static const char *const names[] = { "conn.jsonl", "dns.jsonl", "http.jsonl",
					     "tls.jsonl", "net_stats.json" };
	struct bos_buf p = BOS_BUF_INIT;

	for (size_t i = 0; i < BOS_ARRAY_SIZE(names); i++) {
		bos_buf_reset(&p);
		bos_buf_addf(&p, "%s/%s", dir, names[i]);
		unlink(p.data);
	}
	bos_buf_release(&p);
	rmdir(dir);
}

static int run_engine(struct rp_case *c, const struct bos_report_opts *o, struct bos_err *err)
{
	struct bos_net_opts no = BOS_NET_OPTS_INIT;
	struct bos_net_stats st;
	struct bos_err e = BOS_ERR_INIT;
	struct bos_buf tmpl = BOS_BUF_INIT;
	const char *tmp = o && o->tmpdir ? o->tmpdir : getenv("TMPDIR");
	char **caps = NULL;
	size_t n = find_captures(c->dir, &caps);
	int ret = 0;

	if (!n)
		goto out;
	bos_buf_addf(&tmpl, "%s/bos-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl.data)) {
		ret = bos_err_sys(err, "mkdtemp %s", tmpl.data);
		goto out;
	}
	c->net_tmp = bos_buf_detach(&tmpl, NULL);
	no.deterministic = true;
	ret = bos_net_run(&no, (const char *const *)caps, n, c->net_tmp, &st, &e);
	if (ret == -BOS_EINPUT) {
		/* A damaged capture: its good part was analysed; the report says so. */
		c->net_damaged = true;
		snprintf(c->net_error, sizeof(c->net_error), "%s", e.msg);
		ret = 0;
	} else if (ret) {
		snprintf(c->net_error, sizeof(c->net_error), "%s", e.msg);
		ret = 0;	/* the report is still useful without the network part */
	}
	c->net_dir = c->net_tmp;
out:
	for (size_t i = 0; i < n; i++)
		free(caps[i]);
	free(caps);
	bos_buf_release(&tmpl);
	return ret;
}

int rp_case_load(struct rp_case *c, const char *dir, const struct bos_report_opts *o,
		 struct bos_err *err)
{
	static const struct bos_report_opts none = { .nrules_dirs = 0 };
	struct bos_tl_opts to = { .rules = NULL };
	struct stat st;
	int ret;

	memset(c, 0, sizeof(*c));
	c->dir = dir;
	c->net_dir = dir;
	bos_sigma_set_init(&c->rules);
	bos_timeline_init(&c->tl);
	if (!o)
		o = &none;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return bos_err_set(err, errno ? -errno : -ENOTDIR, "%s: not a case directory",
				   dir);
	if ((ret = load_json(dir, "analysis.json", &c->analysis, err)) ||
	    (ret = load_json(dir, "sample.stix.json", &c->sample, err)) ||
	    (ret = load_json(dir, BOS_CASE_MANIFEST, &c->manifest, err)))
		return ret;
	if (!o->no_builtin_rules) {
		ret = bos_sigma_set_load_dir(&c->rules, bos_sigma_default_dir(), err);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < o->nrules_dirs; i++) {
		ret = bos_sigma_set_load_dir(&c->rules, o->rules_dirs[i], err);
		if (ret)
			return ret;
	}
	if (!exists(dir, "conn.jsonl") && !exists(dir, "dns.jsonl")) {
		ret = run_engine(c, o, err);
		if (ret)
			return ret;
	}
	to.rules = &c->rules;
	to.net_dir = c->net_dir;
	return bos_timeline_build(&c->tl, dir, &to, err);
}

void rp_case_release(struct rp_case *c)
{
	json_object_put(c->analysis);
	json_object_put(c->sample);
	json_object_put(c->manifest);
	bos_sigma_set_release(&c->rules);
	bos_timeline_release(&c->tl);
	if (c->net_tmp) {
		rm_tmp(c->net_tmp);
		free(c->net_tmp);
	}
	memset(c, 0, sizeof(*c));
}

struct json_object *rp_sample_file(const struct rp_case *c)
{
	struct json_object *objs = rp_get(c->sample, "objects");

	if (!objs || !json_object_is_type(objs, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(objs); i++) {
		struct json_object *x = json_object_array_get_idx(objs, i);
		const char *t = rp_str(x, "type");

		if (t && !strcmp(t, "file"))
			return x;
	}
	return NULL;
}

uint64_t rp_each_log(const struct rp_case *c, const char *name, rp_line_fn fn, void *arg)
{
	struct bos_buf path = BOS_BUF_INIT, line = BOS_BUF_INIT;
	struct json_tokener *tok;
	FILE *f;
	uint64_t n = 0;
	bool over = false;
	int ch, code;

	bos_buf_addf(&path, "%s/%s", c->net_dir, name);
	/* A FIFO or device under a log's name is skipped, not waited on. */
	f = bos_fopen_regular(path.data, &code, NULL);
	bos_buf_release(&path);
	if (!f)
		return 0;
	tok = json_tokener_new_ex(16);
	while (tok) {
		ch = getc(f);
		if (ch != EOF && ch != '\n') {
			if (line.len < BOS_TIMELINE_MAX_LINE)
				bos_buf_addch(&line, (char)ch);
			else
				over = true;
			continue;
		}
		if (line.len && !over) {
			struct json_object *o;

			json_tokener_reset(tok);
			o = json_tokener_parse_ex(tok, line.data, (int)line.len);
			if (o && json_object_is_type(o, json_type_object) &&
			    json_tokener_get_error(tok) == json_tokener_success) {
				fn(o, arg);
				n++;
			}
			json_object_put(o);
		}
		bos_buf_reset(&line);
		over = false;
		if (ch == EOF)
			break;
	}
	if (tok)
		json_tokener_free(tok);
	fclose(f);
	bos_buf_release(&line);
	return n;
}

bool rp_is_c2(const struct rp_case *c, const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < c->tl.nc2; i++)
		if (!strcasecmp(c->tl.c2[i], s))
			return true;
	return false;
}
