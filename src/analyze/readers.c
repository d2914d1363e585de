/*
 * Readers of a case's files into the facts model. Every file is hostile: a line longer
 * than BOS_ANALYZE_MAX_LINE, a line that is not one JSON object, or a field of the wrong
 * type is reported as "file:line: why" and skipped; the rest of the file is still read.
 * JSON is parsed by json-c (depth-limited tokener), one line at a time, so memory is
 * bounded by the line cap plus the capped fact tables.
 *
 * Field names: Zeek's (conn.log, dns.log, http.log, ssl.log; docs/net-logs.md) with both
 * flat ("id.orig_h", Zeek's JSON writer) and nested ("id": {"orig_h": ..}) forms accepted;
 * process.jsonl per docs/process-events.md (Sysmon-aligned names, every event has an id).
 */
#include "model.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bos/case.h"
#include "bos/escape.h"
#include "bos/file.h"
#include "bos/limits.h"

/* ---- arena ---- */

struct arena_blk {
	struct arena_blk *next;
	size_t used, size;
	char data[];
};

char *ana_strndup(struct ana *a, const char *s, size_t len)
{
	struct arena_blk *b = a->arena;
	const char *nul = s ? memchr(s, 0, len) : NULL;
	char *d;

	if (!s)
		return NULL;
	if (nul)
		len = (size_t)(nul - s);
	if (len > BOS_MAX_STRING)
		len = BOS_MAX_STRING;
	if (!b || b->size - b->used < len + 1) {
		size_t sz = len + 1 > 65536 ? len + 1 : 65536;

		b = malloc(sizeof(*b) + sz);
		if (!b)
			return NULL;
		b->next = a->arena;
		b->used = 0;
		b->size = sz;
		a->arena = b;
	}
	d = b->data + b->used;
	memcpy(d, s, len);
	d[len] = 0;
	b->used += len + 1;
	return d;
}

const char *ana_strdup(struct ana *a, const char *s)
{
	return s ? ana_strndup(a, s, strlen(s)) : NULL;
}

void ana_arena_free(struct ana *a)
{
	if (a->tok)
		json_tokener_free(a->tok);
	a->tok = NULL;
	while (a->arena) {
		struct arena_blk *n = a->arena->next;

		free(a->arena);
		a->arena = n;
	}
}

bool ana_grow(struct ana *a, void **v, size_t n, size_t *alloc, size_t elem)
{
	if (n >= BOS_ANALYZE_MAX_FACTS) {
		a->facts_capped++;
		return false;
	}
	if (n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 64;
		void *nv = realloc(*v, na * elem);

		if (!nv)
			return false;
		*v = nv;
		*alloc = na;
	}
	return true;
}

void ana_problem(struct ana *a, const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	a->out->n_problems++;
	if (a->out->n_problems > BOS_ANALYZE_MAX_PROBLEMS)
		return;
	bos_buf_addf(&a->out->problems, "%s:%llu: ", file, (unsigned long long)line);
	va_start(ap, fmt);
	bos_buf_vaddf(&a->out->problems, fmt, ap);
	va_end(ap);
	bos_buf_addch(&a->out->problems, '\n');
}

/* ---- inputs and hashing ---- */

static void path_join(char *dst, size_t len, const char *dir, const char *file)
{
	snprintf(dst, len, "%s/%s", dir, file);
}

/* Hash what fd holds into a new inputs[] entry named file; fd's offset is left at 0. */
static struct ana_input *add_input_fd(struct ana *a, const char *file, int fd)
{
	uint8_t md[32];
	uint64_t size;
	struct bos_err herr = BOS_ERR_INIT;
	struct bos_buf hex = BOS_BUF_INIT;
	struct ana_input *in;

	if (a->n_inputs >= sizeof(a->inputs) / sizeof(a->inputs[0]))
		return NULL;
	in = &a->inputs[a->n_inputs];
	memset(in, 0, sizeof(*in));
	snprintf(in->name, sizeof(in->name), "%s", file);
	/* A read error leaves the hash empty; the reader that follows reports the error. */
	if (bos_case_hash_fd(fd, md, &size, &herr) == 0) {
		bos_hex(&hex, md, sizeof(md));
		snprintf(in->sha256, sizeof(in->sha256), "%s", hex.data);
	}
	bos_buf_release(&hex);
	lseek(fd, 0, SEEK_SET);
	a->n_inputs++;
	return in;
}

struct ana_input *ana_add_input(struct ana *a, const char *dir, const char *file)
{
	char path[4096];
	struct ana_input *in;
	int fd;

	if (a->n_inputs >= sizeof(a->inputs) / sizeof(a->inputs[0]))
		return NULL;
	path_join(path, sizeof(path), dir, file);
	fd = bos_open_regular(path, NULL);	/* never wait on a FIFO planted in a case */
	if (fd < 0)
		return NULL;
	in = add_input_fd(a, file, fd);
	close(fd);
	return in;
}

/* ---- line reading ---- */

typedef void (*line_fn)(struct ana *a, struct ana_input *in, uint64_t lineno, const char *line,
			size_t len);

/*
 * Next line of f without its "\n" and trailing "\r"s: at most cap bytes of it go into buf
 * (NUL-terminated, embedded NULs kept), *full is its whole length. A longer line is read
 * to its end but not kept, so memory stays at the cap whatever a hostile log holds
 * (getline(3) would allocate the whole line first). False at end of file.
 */
static bool next_line(FILE *f, char *buf, size_t cap, size_t *kept, size_t *full)
{
	size_t n = 0, k = 0, crs = 0;
	int ch;

	while ((ch = getc_unlocked(f)) != EOF && ch != '\n') {
		if (k < cap)
			buf[k++] = (char)ch;
		n++;
		crs = ch == '\r' ? crs + 1 : 0;
	}
	if (ch == EOF && n == 0)
		return false;
	*full = n - crs;
	*kept = k < *full ? k : *full;
	buf[*kept] = '\0';
	return true;
}

/* Read dir/file line by line; a missing file is not an error. */
static int read_lines(struct ana *a, const char *dir, const char *file, line_fn fn,
		      struct bos_err *err)
{
	char path[4096];
	struct ana_input *in;
	char *line;
	size_t len, full;
	uint64_t lineno = 0;
	FILE *f;
	int fd;

	path_join(path, sizeof(path), dir, file);
	/* A FIFO or a device under a log's name (a hostile case) is skipped at once
	 * instead of blocking or reading forever. */
	fd = bos_open_regular(path, err);
	if (fd == -ENOENT)
		return 0;
	if (fd == -BOS_EINPUT) {
		ana_problem(a, file, 0, "not a regular file: ignored");
		return 0;
	}
	if (fd < 0)
		return fd;
	in = add_input_fd(a, file, fd);
	if (!in) {
		close(fd);
		return bos_err_set(err, -BOS_ELIMIT, "%s: too many input files", path);
	}
	f = fdopen(fd, "rb");
	if (!f) {
		bos_err_sys(err, "fdopen %s", path);
		close(fd);
		return err->code;
	}
	in->derived = a->derived_dir && !strcmp(dir, a->derived_dir);
	line = malloc(BOS_ANALYZE_MAX_LINE + 1);
	if (!line) {
		fclose(f);
		return bos_err_set(err, -ENOMEM, "%s: no memory for a line buffer", path);
	}
	while (next_line(f, line, BOS_ANALYZE_MAX_LINE, &len, &full)) {
		lineno++;
		in->lines++;
		if (!full)
			continue;
		if (full > BOS_ANALYZE_MAX_LINE) {
			ana_problem(a, file, lineno, "line of %zu bytes is over the cap (%u)", full,
				    BOS_ANALYZE_MAX_LINE);
			in->skipped++;
			continue;
		}
		fn(a, in, lineno, line, len);
	}
	free(line);
	if (ferror(f)) {
		fclose(f);
		return bos_err_sys(err, "read %s", path);
	}
	fclose(f);
	return 0;
}

/* One JSON object per line; NULL (reported) if not. Caller puts the object. */
static struct json_object *json_line(struct ana *a, struct ana_input *in, uint64_t lineno,
				     const char *line, size_t len)
{
	struct json_tokener *tok = a->tok;
	struct json_object *o = NULL;
	enum json_tokener_error e;

	/* One depth-limited tokener for all lines, reset per line (allocation is most of the
	 * cost of reading a big conn.jsonl otherwise). */
	if (!tok) {
		tok = a->tok = json_tokener_new_ex(16);
		if (!tok)
			return NULL;
	}
	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, line, (int)len);
	e = json_tokener_get_error(tok);
	if (e == json_tokener_success) {
		size_t end = json_tokener_get_parse_end(tok);

		while (end < len && (line[end] == ' ' || line[end] == '\t'))
			end++;
		if (end != len)
			e = json_tokener_error_parse_unexpected;
	}
	if (e != json_tokener_success || !o || !json_object_is_type(o, json_type_object)) {
		ana_problem(a, in->name, lineno, "not a JSON object: %s",
			    e == json_tokener_success ? "wrong type" :
			    e == json_tokener_continue ? "unexpected end of line" :
			    json_tokener_error_desc(e));
		json_object_put(o);
		o = NULL;
		in->skipped++;
	}
	return o;
}

/* Field by Zeek name: "id.orig_h" flat, or nested under "id". */
static struct json_object *field(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	const char *dot;

	if (json_object_object_get_ex(o, key, &v))
		return v;
	dot = strchr(key, '.');
	if (dot) {
		char head[32];
		size_t hl = (size_t)(dot - key);
		struct json_object *sub;

		if (hl < sizeof(head)) {
			memcpy(head, key, hl);
			head[hl] = 0;
			if (json_object_object_get_ex(o, head, &sub) &&
			    json_object_is_type(sub, json_type_object))
				return field(sub, dot + 1);
		}
	}
	return NULL;
}

static const char *fstr(struct ana *a, struct json_object *o, const char *key)
{
	struct json_object *v = field(o, key);

	if (!v || !json_object_is_type(v, json_type_string))
		return NULL;
	return ana_strndup(a, json_object_get_string(v), (size_t)json_object_get_string_len(v));
}

/* Integer field, any sign (json-c saturates at INT64_MIN/MAX); def if absent or not an
 * integer. Callers range-check before narrowing. */
static int64_t fint(struct json_object *o, const char *key, int64_t def)
{
	struct json_object *v = field(o, key);

	if (!v || !json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_int64(v);
}

static bool fbool(struct json_object *o, const char *key)
{
	struct json_object *v = field(o, key);

	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* Decimal seconds "1234567890.123456789" (as written) to ns; false if out of shape. */
static bool secs_to_ns(const char *s, int64_t *ns)
{
	int64_t sec = 0, frac = 0, scale = 1000000000;
	const char *p = s;
	int digits = 0;

	if (!s || !*s)
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 10)
			return false;
		sec = sec * 10 + (*p - '0');
	}
	/* Below 2^63 ns (year 2262): sec * 1e9 + frac can not overflow. */
	if (!digits || sec >= 9223372036LL)
		return false;
	if (*p == '.') {
		int fd = 0;

		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (fd < 9) {
				frac = frac * 10 + (*p - '0');
				scale /= 10;
				fd++;
			}
		}
		frac *= scale;
	}
	if (*p == 'e' || *p == 'E')
		return false;
	*ns = sec * 1000000000LL + frac;
	return true;
}

/* RFC 3339 UTC "2026-11-26T10:58:29.123456789Z". */
static bool rfc3339_to_ns(const char *s, int64_t *ns)
{
	int y, mo, d, h, mi, sec, n = 0;
	int64_t frac = 0, scale = 1000000000, days;
	const char *p;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970 ||
	    y > 2261)
		return false;
	p = s + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale > 1) {
				frac = frac * 10 + (*p - '0');
				scale /= 10;
			}
		}
		frac *= scale;
	}
	if (strcmp(p, "Z"))
		return false;
	/* Days from civil (Howard Hinnant's algorithm). */
	{
		int yy = y - (mo <= 2);
		int era = yy / 400;
		int yoe = yy - era * 400;
		int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		days = (int64_t)era * 146097 + doe - 719468;
	}
	*ns = ((days * 86400 + h * 3600 + mi * 60 + sec) * 1000000000LL) + frac;
	return true;
}

/* A time field: Zeek epoch seconds (number), integer ns ("*_ns" keys), or RFC 3339. */
static bool ftime(struct json_object *o, const char *key, int64_t *ns)
{
	struct json_object *v = field(o, key);

	if (!v)
		return false;
	if (json_object_is_type(v, json_type_double))
		return secs_to_ns(json_object_get_string(v), ns);
	if (json_object_is_type(v, json_type_int)) {
		int64_t x = json_object_get_int64(v);

		if (x < 0)
			return false;
		/* Plain seconds are < 1e10 (year 2286: past int64 ns anyway); bigger is ns. */
		*ns = x < 9223372036LL ? x * 1000000000LL : x;
		return true;
	}
	if (json_object_is_type(v, json_type_string))
		return rfc3339_to_ns(json_object_get_string(v), ns) ||
		       secs_to_ns(json_object_get_string(v), ns);
	return false;
}

static uint16_t fport(struct json_object *o, const char *key)
{
	int64_t v = fint(o, key, 0);

	return v > 0 && v <= 65535 ? (uint16_t)v : 0;
}

static uint64_t fu64(struct json_object *o, const char *key)
{
	int64_t v = fint(o, key, 0);

	return v > 0 ? (uint64_t)v : 0;
}

/* Packet number: bos's net logs name it "pkt" / "first_pkt"; Zeek has none. */
static uint64_t fpkt(struct json_object *o)
{
	uint64_t p = fu64(o, "first_pkt");

	return p ? p : fu64(o, "pkt");
}

/* Grow a side table (one string per fact) to alloc entries, like the fact table beside it.
 * On failure the table and its entries are kept as they were. */
static bool side_grow(const char ***v, size_t alloc)
{
	const char **nv = realloc(*v, alloc * sizeof(**v));

	if (!nv)
		return false;
	*v = nv;
	return true;
}

/* ---- conn ---- */

static void conn_line(struct ana *a, struct ana_input *in, uint64_t lineno, const char *line,
		      size_t len)
{
	struct json_object *o = json_line(a, in, lineno, line, len);
	struct bos_cls_flow fl = { .cand = -1 };
	const char *proto;
	struct json_object *dur;

	if (!o)
		return;
	fl.uid = fstr(a, o, "uid");
	fl.orig_h = fstr(a, o, "id.orig_h");
	fl.resp_h = fstr(a, o, "id.resp_h");
	proto = fstr(a, o, "proto");
	if (!ftime(o, "ts", &fl.ts_ns) || !fl.orig_h || !fl.resp_h || !proto) {
		ana_problem(a, in->name, lineno,
			    "conn record without ts, id.orig_h, id.resp_h or proto");
		in->skipped++;
		goto out;
	}
	fl.orig_p = fport(o, "id.orig_p");
	fl.resp_p = fport(o, "id.resp_p");
	fl.proto = !strcmp(proto, "tcp") ? BOS_CLS_L4_TCP : !strcmp(proto, "udp") ? BOS_CLS_L4_UDP :
		   !strcmp(proto, "icmp") ? BOS_CLS_L4_ICMP : BOS_CLS_L4_OTHER;
	dur = field(o, "duration");
	if (dur &&
	    (json_object_is_type(dur, json_type_double) || json_object_is_type(dur, json_type_int)))
		secs_to_ns(json_object_get_string(dur), &fl.dur_ns);
	fl.community_id = fstr(a, o, "community_id");
	fl.conn_state = fstr(a, o, "conn_state");
	fl.history = fstr(a, o, "history");
	fl.orig_bytes = fu64(o, "orig_bytes");
	fl.resp_bytes = fu64(o, "resp_bytes");
	fl.pkt = fpkt(o);
	if (a->reading_uplink) {
		if (!ana_grow(a, (void **)&a->uplink, a->n_uplink, &a->a_uplink,
			      sizeof(*a->uplink))) {
			in->capped++;
			goto out;
		}
		a->uplink[a->n_uplink++] = fl;
		in->used++;
		goto out;
	}
	if (!ana_grow(a, (void **)&a->flows, a->n_flows, &a->a_flows, sizeof(*a->flows))) {
		in->capped++;
		goto out;
	}
	a->flows[a->n_flows++] = fl;
	in->used++;
out:
	json_object_put(o);
}

int ana_read_conn(struct ana *a, const char *dir, const char *file, struct bos_err *err)
{
	return read_lines(a, dir, file, conn_line, err);
}

/* ---- dns ---- */

static void dns_line(struct ana *a, struct ana_input *in, uint64_t lineno, const char *line,
		     size_t len)
{
	struct json_object *o = json_line(a, in, lineno, line, len);
	struct bos_cls_dns d = { .cand = -1, .rcode = -1 };
	struct json_object *ans;
	int64_t rcode;
	struct bos_buf joined = BOS_BUF_INIT;

	if (!o)
		return;
	d.uid = fstr(a, o, "uid");
	d.query = fstr(a, o, "query");
	if (!ftime(o, "ts", &d.ts_ns) || !d.query) {
		/* Zeek logs responses without a question too: nothing to attribute. */
		if (!d.query && field(o, "ts"))
			goto out;
		ana_problem(a, in->name, lineno, "dns record without ts or query");
		in->skipped++;
		goto out;
	}
	rcode = fint(o, "rcode", -1);
	/* Checked before narrowing: 2^32 + 3 is not NXDOMAIN. */
	d.rcode = rcode >= 0 && rcode <= 4095 ? (int)rcode : -1;
	d.pkt = fpkt(o);
	ans = field(o, "answers");
	if (ans && json_object_is_type(ans, json_type_array)) {
		size_t n = json_object_array_length(ans);

		for (size_t i = 0; i < n && i < 64; i++) {
			struct json_object *e = json_object_array_get_idx(ans, i);

			if (!json_object_is_type(e, json_type_string))
				continue;
			if (joined.len)
				bos_buf_addstr(&joined, ", ");
			bos_buf_add(&joined, json_object_get_string(e),
				    (size_t)json_object_get_string_len(e));
			d.n_answers++;
		}
	}
	if (!ana_grow(a, (void **)&a->dns, a->n_dns, &a->a_dns, sizeof(*a->dns))) {
		in->capped++;
		goto out;
	}
	if (!side_grow(&a->dns_answers, a->a_dns)) {
		in->capped++;
		goto out;
	}
	if (!side_grow(&a->dns_orig, a->a_dns)) {
		in->capped++;
		goto out;
	}
	a->dns_orig[a->n_dns] = fstr(a, o, "id.orig_h");
	a->dns_answers[a->n_dns] = d.n_answers ? ana_strndup(a, joined.data, joined.len) : NULL;
	a->dns[a->n_dns++] = d;
	in->used++;
out:
	bos_buf_release(&joined);
	json_object_put(o);
}

int ana_read_dns(struct ana *a, const char *dir, const char *file, struct bos_err *err)
{
	return read_lines(a, dir, file, dns_line, err);
}

/* ---- http ---- */

static void http_line(struct ana *a, struct ana_input *in, uint64_t lineno, const char *line,
		      size_t len)
{
	struct json_object *o = json_line(a, in, lineno, line, len);
	struct bos_cls_http h = { .cand = -1, .flow = -1 };
	const char *uri;
	int64_t st;

	if (!o)
		return;
	h.uid = fstr(a, o, "uid");
	if (!ftime(o, "ts", &h.ts_ns) || !h.uid) {
		ana_problem(a, in->name, lineno, "http record without ts or uid");
		in->skipped++;
		goto out;
	}
	h.method = fstr(a, o, "method");
	h.host = fstr(a, o, "host");
	uri = fstr(a, o, "uri");
	st = fint(o, "status_code", 0);
	h.status = st > 0 && st < 1000 ? (int)st : 0;
	h.req_body_len = fu64(o, "request_body_len");
	h.pkt = fpkt(o);
	if (!ana_grow(a, (void **)&a->http, a->n_http, &a->a_http, sizeof(*a->http))) {
		in->capped++;
		goto out;
	}
	if (!side_grow(&a->http_uri, a->a_http)) {
		in->capped++;
		goto out;
	}
	a->http_uri[a->n_http] = uri;
	a->http[a->n_http++] = h;
	in->used++;
out:
	json_object_put(o);
}

int ana_read_http(struct ana *a, const char *dir, const char *file, struct bos_err *err)
{
	return read_lines(a, dir, file, http_line, err);
}

/* ---- tls (Zeek ssl.log) ---- */

static void tls_line(struct ana *a, struct ana_input *in, uint64_t lineno, const char *line,
		     size_t len)
{
	struct json_object *o = json_line(a, in, lineno, line, len);
	struct bos_cls_tls t = { .cand = -1, .flow = -1 };

	if (!o)
		return;
	t.uid = fstr(a, o, "uid");
	if (!ftime(o, "ts", &t.ts_ns) || !t.uid) {
		ana_problem(a, in->name, lineno, "tls record without ts or uid");
		in->skipped++;
		goto out;
	}
	t.server_name = fstr(a, o, "server_name");
	t.established = fbool(o, "established");
	t.last_alert = fstr(a, o, "last_alert");
	t.pkt = fpkt(o);
	if (!ana_grow(a, (void **)&a->tls, a->n_tls, &a->a_tls, sizeof(*a->tls))) {
		in->capped++;
		goto out;
	}
	a->tls[a->n_tls++] = t;
	in->used++;
out:
	json_object_put(o);
}

int ana_read_tls(struct ana *a, const char *dir, const char *file, struct bos_err *err)
{
	return read_lines(a, dir, file, tls_line, err);
}

/* ---- proxy.log ---- */

static void proxy_line(struct ana *a, struct ana_input *in, uint64_t lineno, const char *line,
		       size_t len)
{
	struct bos_proxy_rec r;
	struct bos_cls_proxy p = { .cand = -1 };
	enum bos_parse e = bos_analyze_proxy_line(line, len, &r);

	if (e != BOS_PARSE_OK) {
		ana_problem(a, in->name, lineno, "not a Squid native log line (%s)",
			    bos_parse_str(e));
		in->skipped++;
		return;
	}
	if (lineno > UINT32_MAX)
		return;
	/* Squid's own bookkeeping lines ("error:transaction-end-before-headers", method "-")
	 * are no request of anybody's. */
	if ((r.method.len == 1 && r.method.p[0] == '-') ||
	    (r.url.len >= 6 && !memcmp(r.url.p, "error:", 6))) {
		in->used++;
		return;
	}
	p.ts_ns = r.ts_ns;
	p.dur_ns = r.elapsed_ms * 1000000LL;
	p.line = (uint32_t)lineno;
	p.result = ana_strndup(a, r.result.p, r.result.len);
	p.status = r.status;
	p.method = ana_strndup(a, r.method.p, r.method.len);
	p.host = r.host.len ? ana_strndup(a, r.host.p, r.host.len) : NULL;
	p.hier = ana_strndup(a, r.hier.p, r.hier.len);
	p.peer = r.peer.len ? ana_strndup(a, r.peer.p, r.peer.len) : NULL;
	p.err = r.err.len ? ana_strndup(a, r.err.p, r.err.len) : NULL;
	p.bytes = r.bytes;
	if (!ana_grow(a, (void **)&a->proxy, a->n_proxy, &a->a_proxy, sizeof(*a->proxy))) {
		in->capped++;
		return;
	}
	if (!side_grow(&a->proxy_url, a->a_proxy)) {
		in->capped++;
		return;
	}
	if (!side_grow(&a->proxy_client, a->a_proxy)) {
		in->capped++;
		return;
	}
	a->proxy_client[a->n_proxy] = ana_strndup(a, r.client.p, r.client.len);
	a->proxy_url[a->n_proxy] = ana_strndup(a, r.url.p, r.url.len);
	a->proxy[a->n_proxy++] = p;
	in->used++;
}

int ana_read_proxy(struct ana *a, const char *dir, struct bos_err *err)
{
	char path[4096];

	path_join(path, sizeof(path), dir, "proxy.log");
	a->have_proxy_log = access(path, F_OK) == 0;
	return read_lines(a, dir, "proxy.log", proxy_line, err);
}

/* ---- process.jsonl ---- */

/* First present string field among names. */
static const char *fstr_any(struct ana *a, struct json_object *o, const char *const *names)
{
	for (; *names; names++) {
		const char *s = fstr(a, o, *names);

		if (s)
			return s;
	}
	return NULL;
}

static bool ftime_any(struct json_object *o, int64_t *ns)
{
	static const char *const names[] = { "ts_ns", "ts", "time", "timestamp", "UtcTime", NULL };

	for (const char *const *n = names; *n; n++)
		if (ftime(o, *n, ns))
			return true;
	return false;
}

/* argv array joined with spaces. */
static const char *argv_joined(struct ana *a, struct json_object *o)
{
	struct json_object *v = field(o, "argv");
	struct bos_buf b = BOS_BUF_INIT;
	const char *s;
	size_t n;

	if (!v || !json_object_is_type(v, json_type_array))
		return NULL;
	n = json_object_array_length(v);
	for (size_t i = 0; i < n && b.len < BOS_MAX_STRING; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string))
			continue;
		if (i)
			bos_buf_addch(&b, ' ');
		bos_buf_add(&b, json_object_get_string(e), (size_t)json_object_get_string_len(e));
	}
	s = ana_strndup(a, b.data, b.len);
	bos_buf_release(&b);
	return s;
}

static bool kind_of(const char *type, enum bos_cls_pev_kind *k)
{
	static const struct { const char *name; enum bos_cls_pev_kind kind; } map[] = {
		/* bos's tracer (docs/process-events.md) */
		{ "process.exec", BOS_CLS_PEV_EXEC }, { "process.exit", BOS_CLS_PEV_EXIT },
		{ "file.open", BOS_CLS_PEV_FILE }, { "file.delete", BOS_CLS_PEV_FILE },
		{ "file.rename", BOS_CLS_PEV_FILE }, { "file.truncate", BOS_CLS_PEV_FILE },
		{ "file.mkdir", BOS_CLS_PEV_FILE }, { "file.chmod", BOS_CLS_PEV_FILE },
		{ "net.connect", BOS_CLS_PEV_CONNECT }, { "net.sendto", BOS_CLS_PEV_CONNECT },
		/* Sysmon-style names (imports) */
		{ "ProcessCreate", BOS_CLS_PEV_EXEC }, { "process_create", BOS_CLS_PEV_EXEC },
		{ "exec", BOS_CLS_PEV_EXEC }, { "ExecFailed", BOS_CLS_PEV_EXEC },
		{ "exec_failed", BOS_CLS_PEV_EXEC },
		{ "ProcessTerminate", BOS_CLS_PEV_EXIT }, { "exit", BOS_CLS_PEV_EXIT },
		{ "FileCreate", BOS_CLS_PEV_FILE }, { "FileOpen", BOS_CLS_PEV_FILE },
		{ "FileAccess", BOS_CLS_PEV_FILE }, { "FileRead", BOS_CLS_PEV_FILE },
		{ "FileWrite", BOS_CLS_PEV_FILE }, { "FileDelete", BOS_CLS_PEV_FILE },
		{ "FileRename", BOS_CLS_PEV_FILE }, { "file_open", BOS_CLS_PEV_FILE },
		{ "open", BOS_CLS_PEV_FILE }, { "NetworkConnect", BOS_CLS_PEV_CONNECT },
		{ "network_connect", BOS_CLS_PEV_CONNECT }, { "connect", BOS_CLS_PEV_CONNECT },
	};

	if (!type)
		return false;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcmp(type, map[i].name)) {
			*k = map[i].kind;
			return true;
		}
	}
	return false;
}

static void process_line(struct ana *a, struct ana_input *in, uint64_t lineno, const char *line,
			 size_t len)
{
	static const char *const type_f[] = { "event", "type", "EventType", "kind", NULL };
	static const char *const id_f[] = { "id", "event_id", NULL };
	static const char *const image_f[] = { "image", "Image", "exe", "path", NULL };
	static const char *const cmd_f[] = { "command_line", "CommandLine", "cmdline", NULL };
	static const char *const file_f[] = { "target_filename", "TargetFilename", "path", "file",
					      "filename", NULL };
	static const char *const addr_f[] = { "destination_ip", "DestinationIp", "dst_ip", "daddr",
					      "addr", NULL };
	struct json_object *o = json_line(a, in, lineno, line, len);
	struct bos_cls_pev pe = { .cand = -1 };
	const char *type;
	int64_t res, pid;

	if (!o)
		return;
	type = fstr_any(a, o, type_f);
	pe.id = fstr_any(a, o, id_f);
	if (!pe.id) {
		int64_t nid = fint(o, "id", -1);
		char buf[32];

		if (nid >= 0) {
			snprintf(buf, sizeof(buf), "%lld", (long long)nid);
			pe.id = ana_strdup(a, buf);
		}
	}
	if (!type || !ftime_any(o, &pe.ts_ns)) {
		ana_problem(a, in->name, lineno, "process event without type or time");
		in->skipped++;
		goto out;
	}
	a->have_process = true;
	if (!strcmp(type, "trace.summary"))
		a->tracer_lost += fu64(o, "lost");
	if (!kind_of(type, &pe.kind)) {
		in->used++;	/* a kind the classifier does not need */
		goto out;
	}
	pid = fint(o, "pid", fint(o, "ProcessId", 0));
	pe.pid = pid > 0 && pid <= INT32_MAX ? (int32_t)pid : 0;
	res = fint(o, "errno", fint(o, "result", 0));
	/* |res| capped at 4095 without negating INT64_MIN (signed overflow). */
	if (res < -4095 || res > 4095)
		res = 4095;
	pe.result = (int)(res < 0 ? -res : res);
	if (!strcmp(type, "ExecFailed") || !strcmp(type, "exec_failed"))
		pe.result = pe.result ? pe.result : ENOEXEC;
	switch (pe.kind) {
	case BOS_CLS_PEV_EXEC:
		pe.path = fstr_any(a, o, image_f);
		pe.cmdline = fstr_any(a, o, cmd_f);
		if (!pe.cmdline)
			pe.cmdline = argv_joined(a, o);
		pe.root = fbool(o, "root") || fbool(o, "is_sample") || fint(o, "depth", -1) == 0;
		break;
	case BOS_CLS_PEV_FILE:
		pe.path = fstr_any(a, o, file_f);
		break;
	case BOS_CLS_PEV_CONNECT:
		pe.addr = fstr_any(a, o, addr_f);
		pe.port = fport(o, "destination_port");
		if (!pe.port)
			pe.port = fport(o, "DestinationPort");
		if (!pe.port)
			pe.port = fport(o, "dst_port");
		if (!pe.port)
			pe.port = fport(o, "port");
		pe.community_id = fstr(a, o, "CommunityId");
		if (!pe.community_id)
			pe.community_id = fstr(a, o, "community_id");
		break;
	case BOS_CLS_PEV_EXIT:
	default:
		break;
	}
	if (!ana_grow(a, (void **)&a->pevs, a->n_pevs, &a->a_pevs, sizeof(*a->pevs))) {
		in->capped++;
		goto out;
	}
	a->pevs[a->n_pevs++] = pe;
	in->used++;
out:
	json_object_put(o);
}

int ana_read_process(struct ana *a, const char *dir, struct bos_err *err)
{
	int ret = read_lines(a, dir, "process.jsonl", process_line, err);
	int64_t first = INT64_MAX;
	size_t root = SIZE_MAX;

	/* Without an explicit marker, the first successful exec is the sample's own. */
	for (size_t i = 0; i < a->n_pevs; i++) {
		if (a->pevs[i].kind != BOS_CLS_PEV_EXEC)
			continue;
		if (a->pevs[i].root)
			return ret;
		if (a->pevs[i].ts_ns < first) {
			first = a->pevs[i].ts_ns;
			root = i;
		}
	}
	if (root != SIZE_MAX)
		a->pevs[root].root = true;
	return ret;
}

/* ---- events.jsonl (the environment's own log) ---- */

static void events_line(struct ana *a, struct ana_input *in, uint64_t lineno, const char *line,
			size_t len)
{
	static const char *const type_f[] = { "event", "type", "kind", NULL };
	struct json_object *o = json_line(a, in, lineno, line, len);
	const char *type;

	if (!o)
		return;
	in->used++;
	type = fstr_any(a, o, type_f);
	if (type && (strstr(type, "exec_fail") || strstr(type, "exec_error") ||
		     strstr(type, "sample_exec_failed")))
		a->exec_failed = true;
	if (type && !strcmp(type, "sample_started"))
		a->started = true;
	if (type && !strcmp(type, "capture_stats") && fstr(a, o, "capture") &&
	    !strcmp(fstr(a, o, "capture"), "traffic"))
		a->capture_drops += fu64(o, "kernel_dropped") + fu64(o, "interface_dropped");
	if (type && (strstr(type, "tracer_lost") || strstr(type, "trace_lost")))
		a->tracer_lost += fu64(o, "lost") + fu64(o, "count");
	json_object_put(o);
}

int ana_read_events(struct ana *a, const char *dir, struct bos_err *err)
{
	return read_lines(a, dir, "events.jsonl", events_line, err);
}

/* ---- manifest.json ---- */

int ana_read_manifest(struct ana *a, const char *dir, struct bos_err *err)
{
	char path[4096];
	struct json_object *o, *v, *s;
	struct stat st;
	int fd;

	(void)err;
	path_join(path, sizeof(path), dir, "manifest.json");
	/* Checked on the fd that is read: a symlink is not followed and a FIFO swapped in
	 * after a stat(2) can not make analyze wait (as in bos verify). */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			ana_problem(a, "manifest.json", 0, "a symlink (not followed): ignored");
		return 0;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	if ((uint64_t)st.st_size > BOS_MANIFEST_MAX_BYTES) {
		ana_problem(a, "manifest.json", 0, "over %u bytes: ignored",
			    BOS_MANIFEST_MAX_BYTES);
		close(fd);
		return 0;
	}
	o = json_object_from_fd_ex(fd, 16);
	close(fd);
	if (!o || !json_object_is_type(o, json_type_object)) {
		ana_problem(a, "manifest.json", 0, "not a JSON object: ignored");
		json_object_put(o);
		return 0;
	}
	a->lab = true;
	a->case_id = fstr(a, o, "case_id");
	if (!a->case_id)
		a->case_id = fstr(a, o, "id");
	if (!ftime(o, "start_ns", &a->start_ns))
		ftime(o, "start", &a->start_ns);
	if (json_object_object_get_ex(o, "sample", &v) &&
	    json_object_is_type(v, json_type_object)) {
		a->sample_name = fstr(a, v, "name");
		a->sample_sha256 = fstr(a, v, "sha256");
	}
	if (json_object_object_get_ex(o, "outcome", &v) &&
	    json_object_is_type(v, json_type_object)) {
		a->capture_drops += fu64(v, "capture_dropped") + fu64(v, "capture_drops");
		a->tracer_lost += fu64(v, "tracer_lost") + fu64(v, "trace_lost");
		if (json_object_object_get_ex(v, "exec_failed", &s) && json_object_get_boolean(s))
			a->exec_failed = true;
	}
	json_object_put(o);
	return 0;
}
