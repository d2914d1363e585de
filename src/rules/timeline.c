/*
 * The attacker-behaviour timeline (bos/timeline.h, docs/report.md "Timeline").
 *
 * Two phases. Phase 1 reads the case's files line by line (json-c, one capped line at a
 * time) into unsorted entries, a process table (key -> image, parent, bytes written) and a
 * list of "C2 data" intervals: the spans during which bytes from a C2 candidate arrived
 * (a flow with server bytes covers [start, end]). Phase 2 sorts the entries, marks each
 * operator-driven when it falls in an interval widened by the window (the causality rule of
 * DESIGN.md section 4), merges repeated identical C2 contacts (beacons) and derives the
 * technique sequence.
 *
 * The input files come from the case, written while a hostile sample ran: lines may be cut,
 * huge, not JSON, or lie about anything. Each line is capped (BOS_TIMELINE_MAX_LINE) and
 * parsed with a depth-limited json-c tokener; a bad line is counted and skipped.
 * The process table is keyed by the tracer's process key ("pid.starttime"), which the
 * sample does not choose; lookups are a linear probe on FNV-1a of that key.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bos/timeline.h"
#include "bos/buf.h"
#include "bos/clock.h"
#include "bos/escape.h"
#include "bos/file.h"
#include "bos/limits.h"

#define MAX_PROCS 65536
#define MAX_ANCESTRY 64
#define MAX_EVIDENCE 8
#define MAX_SOCKS 65536
#define UPLOAD_MIN_BYTES 1024u
#define BEACON_MERGE_NS (120LL * 1000000000LL)

static const char *const kind_names[BOS_TL_KIND_COUNT] = {
	[BOS_TL_SAMPLE_START] = "sample_start", [BOS_TL_C2_CONTACT] = "c2_contact",
	[BOS_TL_COMMAND] = "command",		[BOS_TL_FILE] = "file",
	[BOS_TL_INTERNAL] = "internal",		[BOS_TL_UPLOAD] = "upload",
	[BOS_TL_CONNECT] = "connect",
};

const char *bos_tl_kind_name(enum bos_tl_kind k)
{
	return (unsigned)k < BOS_TL_KIND_COUNT ? kind_names[k] : "unknown";
}

/* The techniques bos's own rules (rules/linux) use, with their ATT&CK v14 names. */
static const struct {
	const char *id;
	const char *name;
} attack_names[] = {
	{ "T1003.008", "OS Credential Dumping: /etc/passwd and /etc/shadow" },
	{ "T1005", "Data from Local System" },
	{ "T1016", "System Network Configuration Discovery" },
	{ "T1018", "Remote System Discovery" },
	{ "T1021", "Remote Services" },
	{ "T1021.002", "Remote Services: SMB/Windows Admin Shares" },
	{ "T1021.004", "Remote Services: SSH" },
	{ "T1033", "System Owner/User Discovery" },
	{ "T1041", "Exfiltration Over C2 Channel" },
	{ "T1046", "Network Service Discovery" },
	{ "T1048", "Exfiltration Over Alternative Protocol" },
	{ "T1049", "System Network Connections Discovery" },
	{ "T1053.003", "Scheduled Task/Job: Cron" },
	{ "T1057", "Process Discovery" },
	{ "T1059.004", "Command and Scripting Interpreter: Unix Shell" },
	{ "T1070.002", "Indicator Removal: Clear Linux or Mac System Logs" },
	{ "T1070.003", "Indicator Removal: Clear Command History" },
	{ "T1071", "Application Layer Protocol" },
	{ "T1082", "System Information Discovery" },
	{ "T1083", "File and Directory Discovery" },
	{ "T1087.001", "Account Discovery: Local Account" },
	{ "T1090.003", "Proxy: Multi-hop Proxy" },
	{ "T1095", "Non-Application Layer Protocol" },
	{ "T1098.004", "Account Manipulation: SSH Authorized Keys" },
	{ "T1105", "Ingress Tool Transfer" },
	{ "T1222.002", "File and Directory Permissions Modification: Linux and Mac" },
	{ "T1543.002", "Create or Modify System Process: Systemd Service" },
	{ "T1546.004", "Event Triggered Execution: Unix Shell Configuration Modification" },
	{ "T1552.003", "Unsecured Credentials: Bash History" },
	{ "T1552.004", "Unsecured Credentials: Private Keys" },
	{ "T1555.003", "Credentials from Password Stores: Credentials from Web Browsers" },
	{ "T1560.001", "Archive Collected Data: Archive via Utility" },
};

const char *bos_attack_name(const char *id)
{
	for (size_t i = 0; i < BOS_ARRAY_SIZE(attack_names); i++)
		if (!strcmp(attack_names[i].id, id))
			return attack_names[i].name;
	return NULL;
}

/* ---------- small helpers ---------- */

static char *xstrdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		BOS_BUG("out of memory");
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		BOS_BUG("out of memory");
	return p;
}

/* Make room for one more element in an array of n (capacity doubles: a sanitizer's
 * realloc copies every time, and +1 growth would make building quadratic). */
static void *grow1(void *p, size_t n, size_t size)
{
	if (n == 0)
		return xrealloc(p, 8 * size);
	if (n < 8 || (n & (n - 1)))	/* capacity is 8, then the next power of two */
		return p;
	return xrealloc(p, 2 * n * size);
}

/* Add s to a set of strings (distinct; kept sorted when sorted is set). */
static void strv_add(char ***v, size_t *n, const char *s, size_t cap, bool sorted)
{
	size_t at = *n;

	for (size_t i = 0; i < *n; i++) {
		int c = strcmp((*v)[i], s);

		if (!c)
			return;
		if (sorted && c > 0 && at == *n)
			at = i;
	}
	if (*n >= cap)
		return;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	memmove(*v + at + 1, *v + at, (*n - at) * sizeof(**v));
	(*v)[at] = xstrdup(s);
	(*n)++;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool addr_private(const char *a)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, a, b) == 1)
		return b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || b[0] == 0;
	if (inet_pton(AF_INET6, a, b) == 1) {
		static const uint8_t lo[16] = { [15] = 1 };

		return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
		       !memcmp(b, lo, 16);
	}
	return false;
}

static bool addr_loopback(const char *a)
{
	return !strncmp(a, "127.", 4) || !strcmp(a, "::1");
}

/* The lab's own infrastructure (docs/lab.md): the router/DNS/proxy 10.66.0.1 and the
 * corp-link 10.255.255.0/30; elsewhere, anything on the DNS or proxy port. Connections to
 * them are plumbing, not lateral movement. */
static bool infra(const char *a, int64_t port)
{
	return !strcmp(a, "10.66.0.1") || !strncmp(a, "10.255.255.", 11) || port == 53 ||
	       port == 3128;
}

/* ---------- JSON access (json-c) ---------- */

static struct json_object *jget(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v = jget(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Zeek nests or flattens "id.resp_h"; accept both. */
static const char *jstr2(struct json_object *o, const char *flat, const char *outer,
			 const char *inner)
{
	const char *s = jstr(o, flat);

	return s ? s : jstr(jget(o, outer), inner);
}

static bool jint(struct json_object *o, const char *k, int64_t *out)
{
	struct json_object *v = jget(o, k);

	if (!v)
		return false;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return true;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);

		if (d > -9.2e18 && d < 9.2e18) {
			*out = (int64_t)d;
			return true;
		}
	}
	return false;
}

/* Time of a record: ts_ns (int), else ts as epoch seconds (Zeek) or RFC 3339 text. */
static int64_t jtime(struct json_object *o)
{
	struct json_object *v;
	int64_t ns;

	if (jint(o, "ts_ns", &ns))
		return ns;
	v = jget(o, "ts");
	if (v && (json_object_is_type(v, json_type_double) ||
		  json_object_is_type(v, json_type_int))) {
		double d = json_object_get_double(v);

		if (d > 0 && d < 9.2e9)
			return (int64_t)(d * 1e9);
	}
	if (v && json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		int y, mo, d, h, mi, se, n = 0;
		char frac[16] = "";

		if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) == 6) {
			struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
					 .tm_hour = h, .tm_min = mi, .tm_sec = se };
			int64_t t = (int64_t)timegm(&tm) * 1000000000LL;
			size_t k = 0;

			if (s[n] == '.')
				for (n++; s[n] >= '0' && s[n] <= '9' && k < 9; n++)
					frac[k++] = s[n];
			while (k < 9)
				frac[k++] = '0';
			frac[9] = '\0';
			return t + strtoll(frac, NULL, 10);
		}
	}
	return 0;
}

/* The event's evidence id: file:id, else file:line. */
static void evid(char *dst, size_t len, const char *file, struct json_object *o, uint64_t line)
{
	struct json_object *v = jget(o, "id");
	const char *uid = jstr(o, "uid");

	if (v && json_object_is_type(v, json_type_int))
		snprintf(dst, len, "%s:%" PRId64, file, json_object_get_int64(v));
	else if (v && json_object_is_type(v, json_type_string))
		snprintf(dst, len, "%s:%.64s", file, json_object_get_string(v));
	else if (uid)
		snprintf(dst, len, "%s:%.64s", file, uid);
	else
		snprintf(dst, len, "%s#L%" PRIu64, file, line);
}

typedef void (*line_fn)(struct json_object *o, uint64_t line, void *arg);

/* {"b64": "..."} (bos's form of bytes that are not UTF-8, docs/process-events.md) as a
 * json-c string of the exact bytes, or NULL if v is not that form. */
static struct json_object *unb64(struct json_object *v)
{
	struct json_object *b = NULL;
	struct bos_buf out = BOS_BUF_INIT;
	struct json_object *s;

	if (!json_object_is_type(v, json_type_object) || json_object_object_length(v) != 1 ||
	    !json_object_object_get_ex(v, "b64", &b) || !json_object_is_type(b, json_type_string))
		return NULL;
	bos_base64_decode(&out, json_object_get_string(b));
	s = json_object_new_string_len(out.data, (int)out.len);
	bos_buf_release(&out);
	return s;
}

/* Turn every top-level {"b64": ...} value (and those in argv) into a plain string, so the
 * readers see one form. A string cut at an embedded NUL is what matching and display get;
 * the exact bytes stay in the case. */
static void normalize_bytes(struct json_object *o)
{
	struct json_object *argv = NULL;

	json_object_object_foreach(o, k, v)
	{
		struct json_object *s = unb64(v);

		if (s)
			json_object_object_add(o, k, s);
	}
	if (json_object_object_get_ex(o, "argv", &argv) &&
	    json_object_is_type(argv, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(argv); i++) {
			struct json_object *s = unb64(json_object_array_get_idx(argv, i));

			if (s)
				json_object_array_put_idx(argv, i, s);
		}
	}
}

/* Call fn for every JSON object line of path. Returns 1 if the file was missing. */
static int each_line(const char *dir, const char *name, line_fn fn, void *arg, uint64_t *lines,
		     uint64_t *bad, struct bos_err *err)
{
	struct bos_buf path = BOS_BUF_INIT, line = BOS_BUF_INIT;
	struct json_tokener *tok = NULL;
	FILE *f;
	uint64_t no = 0;
	bool over = false;
	int c, ret = 0;

	bos_buf_addf(&path, "%s/%s", dir, name);
	f = bos_fopen_regular(path.data, &ret, err);
	if (!f) {
		ret = ret == -ENOENT ? 1 : ret;
		goto out;
	}
	tok = json_tokener_new_ex(16);
	if (!tok) {
		ret = bos_err_set(err, -ENOMEM, "json tokener");
		goto out;
	}
	/* getc keeps the line cap exact without trusting a length from the file. */
	for (;;) {
		c = getc(f);
		if (c != EOF && c != '\n') {
			if (line.len < BOS_TIMELINE_MAX_LINE)
				bos_buf_addch(&line, (char)c);
			else
				over = true;
			continue;
		}
		if (line.len || over) {
			struct json_object *o;

			no++;
			json_tokener_reset(tok);
			o = over ? NULL : json_tokener_parse_ex(tok, line.data, (int)line.len);
			if (o && json_object_is_type(o, json_type_object) &&
			    json_tokener_get_error(tok) == json_tokener_success)
			{
				normalize_bytes(o);
				fn(o, no, arg);
			}
			else
				(*bad)++;
			json_object_put(o);
		}
		bos_buf_reset(&line);
		over = false;
		if (c == EOF)
			break;
	}
	if (ferror(f))
		ret = bos_err_sys(err, "read %s", path.data);
	if (lines)
		*lines += no;
out:
	if (tok)
		json_tokener_free(tok);
	if (f)
		fclose(f);
	bos_buf_release(&line);
	bos_buf_release(&path);
	return ret;
}

/* ---------- builder state ---------- */

struct proc {
	int64_t start_ns;
	char *key;
	char *parent;		/* parent key */
	char *image;
	char *cmdline;
	int32_t pid;
	uint64_t out_bytes;
	size_t entry;		/* command entry, SIZE_MAX none */
	bool root;
};

struct sock {
	char *key;		/* proc key + "/" + fd */
	int64_t ts_ns;
	char *dst;
	bool c2;
};

struct span {
	int64_t from, to;
	char *evidence;
};

struct builder {
	struct bos_timeline *tl;
	const struct bos_tl_opts *o;
	struct proc *procs;
	size_t nprocs;
	size_t *slots;		/* hash of procs by key, SIZE_MAX empty */
	size_t nslots;
	struct sock *socks;
	size_t nsocks;
	struct span *spans;
	size_t nspans;
	size_t *best;		/* after sort_spans: running argmax of span ends */
	bool c2_any_external;	/* no candidate list: every external destination counts */
	char **seen;		/* dedup keys of file entries: open-addressing set */
	size_t nseen, seen_slots;
	bool have_root;
	const char *file;	/* current input name */
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct proc *proc_find(struct builder *b, const char *key)
{
	if (!b->nslots)
		return NULL;
	for (size_t i = fnv1a(key) & (b->nslots - 1);; i = (i + 1) & (b->nslots - 1)) {
		if (b->slots[i] == SIZE_MAX)
			return NULL;
		if (!strcmp(b->procs[b->slots[i]].key, key))
			return &b->procs[b->slots[i]];
	}
}

static void proc_rehash(struct builder *b, size_t nslots)
{
	free(b->slots);
	b->slots = xrealloc(NULL, nslots * sizeof(*b->slots));
	b->nslots = nslots;
	for (size_t i = 0; i < nslots; i++)
		b->slots[i] = SIZE_MAX;
	for (size_t k = 0; k < b->nprocs; k++) {
		size_t i = fnv1a(b->procs[k].key) & (nslots - 1);

		while (b->slots[i] != SIZE_MAX)
			i = (i + 1) & (nslots - 1);
		b->slots[i] = k;
	}
}

static struct proc *proc_get(struct builder *b, const char *key, const char *parent)
{
	struct proc *p = proc_find(b, key), *pp;

	if (p || b->nprocs >= MAX_PROCS)
		return p;
	b->procs = grow1(b->procs, b->nprocs, sizeof(*b->procs));
	p = &b->procs[b->nprocs++];
	*p = (struct proc){ .key = xstrdup(key), .parent = xstrdup(parent), .pid = -1,
			    .entry = SIZE_MAX };
	/* A forked child runs its parent's image until it execs. */
	pp = parent ? proc_find(b, parent) : NULL;
	if (pp) {
		p->image = xstrdup(pp->image);
		p->cmdline = xstrdup(pp->cmdline);
	}
	if (b->nprocs * 2 > b->nslots)
		proc_rehash(b, b->nslots ? b->nslots * 2 : 256);
	else {
		size_t i = fnv1a(p->key) & (b->nslots - 1);

		while (b->slots[i] != SIZE_MAX)
			i = (i + 1) & (b->nslots - 1);
		b->slots[i] = b->nprocs - 1;
	}
	return proc_find(b, key);
}

static bool is_c2(struct builder *b, const char *s)
{
	if (!s || !*s)
		return false;
	for (size_t i = 0; i < b->tl->nc2; i++)
		if (!strcasecmp(b->tl->c2[i], s))
			return true;
	if (b->c2_any_external) {
		uint8_t tmp[16];
		bool is_addr = inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;

		return is_addr ? !addr_private(s) : true;
	}
	return false;
}

static struct bos_tl_entry *entry_new(struct builder *b, enum bos_tl_kind kind, int64_t ts)
{
	struct bos_timeline *tl = b->tl;
	struct bos_tl_entry *e;

	if (tl->n >= BOS_TIMELINE_MAX_ENTRIES) {
		tl->dropped++;
		return NULL;
	}
	tl->entries = grow1(tl->entries, tl->n, sizeof(*tl->entries));
	e = &tl->entries[tl->n++];
	*e = (struct bos_tl_entry){ .ts_ns = ts, .kind = kind, .pid = -1 };
	return e;
}

static void entry_actor(struct builder *b, struct bos_tl_entry *e, struct proc *p)
{
	const char *chain[MAX_ANCESTRY];
	size_t n = 0;

	if (!p)
		return;
	e->pid = p->pid;
	e->image = xstrdup(p->image ? p->image : "?");
	for (struct proc *q = p; q && n < MAX_ANCESTRY;
	     q = q->parent ? proc_find(b, q->parent) : NULL) {
		chain[n++] = q->image ? q->image : "?";
		if (q->root)
			break;
	}
	e->ancestry = xrealloc(NULL, n * sizeof(*e->ancestry));
	for (size_t i = 0; i < n; i++)
		e->ancestry[i] = xstrdup(chain[n - 1 - i]);
	e->nancestry = n;
}

struct rule_hits {
	struct builder *b;
	struct bos_tl_entry *e;
	size_t n;
};

static void on_rule(const struct bos_sigma_rule *r, void *arg)
{
	struct rule_hits *h = arg;
	const struct bos_sigma_info *in = bos_sigma_rule_info(r);

	h->n++;
	if (!h->e)
		return;
	for (size_t i = 0; i < in->ntechniques; i++)
		strv_add(&h->e->techniques, &h->e->ntechniques, in->techniques[i], 64, true);
	strv_add(&h->e->rules, &h->e->nrules, in->title, 64, false);
}

/* Fields of the event for Sigma: every top-level scalar (the tracer already uses Sysmon's
 * names) plus derived ones. Values live in `store` until the match is done. */
struct fields {
	struct bos_sigma_field f[96];
	size_t n;
	char store[96][32];
};

static void fields_add(struct fields *fs, const char *name, const char *value)
{
	if (!name || !value || fs->n >= BOS_ARRAY_SIZE(fs->f))
		return;
	for (size_t i = 0; i < fs->n; i++) {
		if (!strcmp(fs->f[i].name, name)) {
			fs->f[i].value = value;	/* derived values override */
			return;
		}
	}
	fs->f[fs->n].name = name;
	fs->f[fs->n].value = value;
	fs->n++;
}

static void fields_from_json(struct fields *fs, struct json_object *o)
{
	json_object_object_foreach(o, k, v)
	{
		if (fs->n >= BOS_ARRAY_SIZE(fs->f) - 16)
			break;
		if (json_object_is_type(v, json_type_string)) {
			fields_add(fs, k, json_object_get_string(v));
		} else if (json_object_is_type(v, json_type_int)) {
			snprintf(fs->store[fs->n], sizeof(fs->store[0]), "%" PRId64,
				 json_object_get_int64(v));
			fields_add(fs, k, fs->store[fs->n]);
		} else if (json_object_is_type(v, json_type_boolean)) {
			fields_add(fs, k, json_object_get_boolean(v) ? "true" : "false");
		}
	}
}

static size_t match(struct builder *b, enum bos_sigma_cat cat, struct fields *fs,
		    struct bos_tl_entry *e)
{
	struct bos_sigma_event ev = { cat, fs->f, fs->n };
	struct rule_hits h = { b, e, 0 };

	if (!b->o->rules)
		return 0;
	return bos_sigma_set_match(b->o->rules, &ev, on_rule, &h);
}

static void add_evidence(struct bos_tl_entry *e, const char *id)
{
	strv_add(&e->evidence, &e->nevidence, id, MAX_EVIDENCE, false);
}

static const char *event_name(struct json_object *o)
{
	const char *ev = jstr(o, "event");

	return ev ? ev : "";
}

static bool result_ok(struct json_object *o)
{
	const char *r = jstr(o, "result");
	int64_t e;

	/* net.connect says connected / in_progress (non-blocking) where others say ok. */
	if (r)
		return !strcmp(r, "ok") || !strcmp(r, "connected") || !strcmp(r, "in_progress");
	return !(jint(o, "errno", &e) && e);
}

/* Command line: CommandLine, else argv joined by spaces. */
static char *cmdline_of(struct json_object *o)
{
	struct json_object *argv = jget(o, "argv");
	const char *cl = jstr(o, "CommandLine");
	struct bos_buf b = BOS_BUF_INIT;

	if (cl)
		return xstrdup(cl);
	if (!argv || !json_object_is_type(argv, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(argv) && b.len < BOS_MAX_STRING; i++) {
		struct json_object *a = json_object_array_get_idx(argv, i);

		if (i)
			bos_buf_addch(&b, ' ');
		if (json_object_is_type(a, json_type_string))
			bos_buf_addstr(&b, json_object_get_string(a));
	}
	return bos_buf_detach(&b, NULL);
}

static void on_exec(struct builder *b, struct json_object *o, const char *id, int64_t ts)
{
	const char *key = jstr(o, "key"), *image = jstr(o, "Image");
	char pidkey[32];
	struct proc *p, *parent;
	struct bos_tl_entry *e;
	struct fields fs = { .n = 0 };
	int64_t pid = -1;

	if (!image)
		image = jstr(o, "image") ? jstr(o, "image") : jstr(o, "path");
	jint(o, "pid", &pid);
	if (!key) {
		snprintf(pidkey, sizeof(pidkey), "%" PRId64, pid);
		key = pidkey;
	}
	p = proc_get(b, key, jstr(o, "parent_key"));
	if (!p)
		return;
	p->pid = (int32_t)pid;
	if (!p->start_ns)
		p->start_ns = ts;
	free(p->image);
	free(p->cmdline);
	p->image = xstrdup(image ? image : "?");
	p->cmdline = cmdline_of(o);
	if (!b->have_root) {
		b->have_root = true;
		p->root = true;
	}
	e = entry_new(b, p->root && p->entry == SIZE_MAX ? BOS_TL_SAMPLE_START : BOS_TL_COMMAND,
		      ts);
	if (!e)
		return;
	p->entry = b->tl->n - 1;
	e->summary = xstrdup(p->cmdline && *p->cmdline ? p->cmdline : p->image);
	e->detail = xstrdup(p->cmdline);
	entry_actor(b, e, p);
	add_evidence(e, id);
	parent = p->parent ? proc_find(b, p->parent) : NULL;
	fields_from_json(&fs, o);
	fields_add(&fs, "Image", p->image);
	fields_add(&fs, "CommandLine", p->cmdline ? p->cmdline : "");
	if (parent) {
		fields_add(&fs, "ParentImage", parent->image);
		fields_add(&fs, "ParentCommandLine", parent->cmdline);
	}
	fields_add(&fs, "User", jstr(o, "User") ? jstr(o, "User") : jstr(o, "user"));
	fields_add(&fs, "CurrentDirectory", jstr(o, "cwd"));
	match(b, BOS_SIGMA_CAT_PROCESS_CREATION, &fs, e);
}

/* Add key to the dedup set; false if it was there. The set doubles at half full. */
static bool seen_add(struct builder *b, const char *key)
{
	size_t i;

	if (b->nseen * 2 >= b->seen_slots) {
		size_t ns = b->seen_slots ? b->seen_slots * 2 : 1024;
		char **nv = xrealloc(NULL, ns * sizeof(*nv));

		memset(nv, 0, ns * sizeof(*nv));
		for (size_t k = 0; k < b->seen_slots; k++) {
			if (!b->seen[k])
				continue;
			for (i = fnv1a(b->seen[k]) & (ns - 1); nv[i]; i = (i + 1) & (ns - 1))
				;
			nv[i] = b->seen[k];
		}
		free(b->seen);
		b->seen = nv;
		b->seen_slots = ns;
	}
	for (i = fnv1a(key) & (b->seen_slots - 1); b->seen[i]; i = (i + 1) & (b->seen_slots - 1))
		if (!strcmp(b->seen[i], key))
			return false;
	b->seen[i] = xstrdup(key);
	b->nseen++;
	return true;
}

static bool boring_path(const char *p)
{
	/* pipe:[n], socket:[n], anon_inode:... are not files anyone reads later. */
	return p[0] != '/' || !strncmp(p, "/proc/", 6) || !strncmp(p, "/dev/", 5) ||
	       !strncmp(p, "/sys/", 5);
}

static void on_file(struct builder *b, struct json_object *o, const char *ev, const char *id,
		    int64_t ts)
{
	const char *path = jstr(o, "TargetFilename"), *key = jstr(o, "key");
	const char *real = jstr(o, "ResolvedPath");
	const char *sub = ev + 5, *op = jstr(o, "Operation");
	struct proc *p = key ? proc_get(b, key, jstr(o, "parent_key")) : NULL;
	struct fields fs = { .n = 0 };
	struct bos_tl_entry *e;
	struct bos_buf dk = BOS_BUF_INIT;
	int64_t wr = 0, rd = 0;
	const char *flags = jstr(o, "flags");
	bool hit, writes;

	jint(o, "bytes_written", &wr);
	jint(o, "bytes_read", &rd);
	if (p && wr > 0)
		p->out_bytes += (uint64_t)wr;
	if (path && path[0] != '/' && real && real[0] == '/')
		path = real;	/* openat relative to a directory: the tracer resolved it */
	if (!path || !result_ok(o))
		return;
	if (!op) {
		if (!strcmp(sub, "open") || !strcmp(sub, "close")) {
			bool w = wr > 0 || (flags && (strstr(flags, "O_WRONLY") ||
						      strstr(flags, "O_RDWR") ||
						      strstr(flags, "O_CREAT") ||
						      strstr(flags, "O_TRUNC")));
			op = w ? "write" : "read";
		} else if (!strcmp(sub, "unlink") || !strcmp(sub, "delete") ||
			   !strcmp(sub, "rmdir")) {
			op = "delete";
		} else {
			op = sub;	/* create, rename, chmod, ... */
		}
	}
	fields_from_json(&fs, o);
	fields_add(&fs, "Operation", op);
	if (p)
		fields_add(&fs, "Image", p->image);
	hit = match(b, BOS_SIGMA_CAT_FILE_EVENT, &fs, NULL) > 0;
	writes = strcmp(op, "read") != 0;
	if (!hit && (!writes || boring_path(path)))
		return;
	/* One entry per (process, path, operation): open and close would say it twice. */
	bos_buf_addf(&dk, "%s\n%s\n%s", key ? key : "", path, op);
	if (!seen_add(b, dk.data)) {
		bos_buf_release(&dk);
		return;
	}
	bos_buf_release(&dk);
	e = entry_new(b, BOS_TL_FILE, ts);
	if (!e)
		return;
	{
		struct bos_buf s = BOS_BUF_INIT;

		bos_buf_addf(&s, "%s %s", op, path);
		e->summary = bos_buf_detach(&s, NULL);
	}
	entry_actor(b, e, p);
	add_evidence(e, id);
	match(b, BOS_SIGMA_CAT_FILE_EVENT, &fs, e);
}

static void add_span(struct builder *b, int64_t from, int64_t to, const char *id)
{
	if (b->nspans >= BOS_TIMELINE_MAX_ENTRIES)
		return;
	b->spans = grow1(b->spans, b->nspans, sizeof(*b->spans));
	b->spans[b->nspans++] = (struct span){ from, to > from ? to : from, xstrdup(id) };
}

static void on_connect(struct builder *b, struct json_object *o, const char *id, int64_t ts)
{
	const char *key = jstr(o, "key"), *dst = jstr(o, "DestinationIp");
	const char *host = jstr(o, "DestinationHostname");
	struct proc *p = key ? proc_get(b, key, jstr(o, "parent_key")) : NULL;
	struct fields fs = { .n = 0 };
	struct bos_tl_entry *e;
	struct bos_buf s = BOS_BUF_INIT;
	int64_t port = 0, fd = -1;
	bool c2, internal;
	enum bos_tl_kind kind;
	size_t hits;

	if (!dst)
		return;
	jint(o, "DestinationPort", &port);
	jint(o, "fd", &fd);
	c2 = is_c2(b, dst) || is_c2(b, host);
	internal = !c2 && addr_private(dst) && !addr_loopback(dst) && !infra(dst, port);
	if (key && fd >= 0 && b->nsocks < MAX_SOCKS) {
		bos_buf_addf(&s, "%s/%" PRId64, key, fd);
		b->socks = grow1(b->socks, b->nsocks, sizeof(*b->socks));
		b->socks[b->nsocks++] = (struct sock){ bos_buf_detach(&s, NULL), ts, xstrdup(dst),
						       c2 };
	}
	fields_from_json(&fs, o);
	fields_add(&fs, "Initiated", "true");
	if (p)
		fields_add(&fs, "Image", p->image);
	hits = match(b, BOS_SIGMA_CAT_NETWORK_CONNECTION, &fs, NULL);
	if (c2 && b->tl->have_net)
		return;		/* the network logs tell the C2 contacts better */
	kind = c2 ? BOS_TL_C2_CONTACT : internal ? BOS_TL_INTERNAL : BOS_TL_CONNECT;
	if (kind == BOS_TL_CONNECT && !hits)
		return;
	e = entry_new(b, kind, ts);
	if (!e)
		return;
	bos_buf_addf(&s, "connect %s%s%s port %" PRId64, dst, host ? " " : "", host ? host : "",
		     port);
	e->summary = bos_buf_detach(&s, NULL);
	e->outcome = xstrdup(result_ok(o) ? "connected" : jstr(o, "result") ? jstr(o, "result")
									 : "failed");
	entry_actor(b, e, p);
	add_evidence(e, id);
	match(b, BOS_SIGMA_CAT_NETWORK_CONNECTION, &fs, e);
}

static void on_net_close(struct builder *b, struct json_object *o, const char *id, int64_t ts)
{
	const char *key = jstr(o, "key");
	struct bos_buf s = BOS_BUF_INIT;
	int64_t fd = -1, rd = 0, wr = 0;

	jint(o, "fd", &fd);
	jint(o, "bytes_read", &rd);
	jint(o, "bytes_written", &wr);
	if (!key)
		return;
	bos_buf_addf(&s, "%s/%" PRId64, key, fd);
	for (size_t i = b->nsocks; i-- > 0;) {
		struct sock *k = &b->socks[i];

		if (strcmp(k->key, s.data))
			continue;
		if (k->c2 && rd > 0 && !b->tl->have_net)
			add_span(b, k->ts_ns, ts, id);
		if (!k->c2 && !addr_private(k->dst) && wr >= UPLOAD_MIN_BYTES) {
			struct proc *p = proc_find(b, key);
			struct bos_tl_entry *e = entry_new(b, BOS_TL_UPLOAD, ts);
			struct bos_buf m = BOS_BUF_INIT;

			if (e) {
				bos_buf_addf(&m, "sent %" PRId64 " bytes to %s", wr, k->dst);
				e->summary = bos_buf_detach(&m, NULL);
				e->out_bytes = (uint64_t)wr;
				e->has_out_bytes = true;
				entry_actor(b, e, p);
				add_evidence(e, id);
			}
		}
		break;
	}
	bos_buf_release(&s);
}

static void on_process_line(struct json_object *o, uint64_t line, void *arg)
{
	struct builder *b = arg;
	const char *ev = event_name(o);
	int64_t ts = jtime(o);
	char id[96];

	evid(id, sizeof(id), "process.jsonl", o, line);
	if ((!strncmp(ev, "process.", 8) && (strstr(ev, "exec") || strstr(ev, "start"))) ||
	    !strcmp(ev, "exec")) {
		if (result_ok(o))
			on_exec(b, o, id, ts);
	} else if (!strncmp(ev, "file.", 5)) {
		on_file(b, o, ev, id, ts);
	} else if (!strcmp(ev, "net.connect") || !strcmp(ev, "net.sendto")) {
		on_connect(b, o, id, ts);
	} else if (!strcmp(ev, "net.close")) {
		on_net_close(b, o, id, ts);
	} else if ((!strncmp(ev, "process.", 8) || !strncmp(ev, "thread.", 7)) && jstr(o, "key")) {
		int64_t pid = -1;
		struct proc *p = proc_get(b, jstr(o, "key"), jstr(o, "parent_key"));

		if (p && p->pid < 0 && jint(o, "pid", &pid))
			p->pid = (int32_t)pid;
	}
}

/* ---------- network logs ---------- */

static struct bos_tl_entry *contact(struct builder *b, int64_t ts, const char *id,
				    const char *summary, const char *outcome)
{
	struct bos_tl_entry *e = entry_new(b, BOS_TL_C2_CONTACT, ts);

	if (!e)
		return NULL;
	e->summary = xstrdup(summary);
	e->outcome = xstrdup(outcome);
	add_evidence(e, id);
	return e;
}

static void on_dns_line(struct json_object *o, uint64_t line, void *arg)
{
	struct builder *b = arg;
	const char *q = jstr(o, "query"), *rc = jstr(o, "rcode_name");
	struct bos_buf s = BOS_BUF_INIT;
	char id[96];

	if (!is_c2(b, q))
		return;
	evid(id, sizeof(id), "dns.jsonl", o, line);
	bos_buf_addf(&s, "DNS query %s", q);
	contact(b, jtime(o), id, s.data, rc ? rc : "no answer");
	bos_buf_release(&s);
}

static void on_conn_line(struct json_object *o, uint64_t line, void *arg)
{
	struct builder *b = arg;
	const char *h = jstr2(o, "id.resp_h", "id", "resp_h"), *st = jstr(o, "conn_state");
	const char *proto = jstr(o, "proto");
	struct json_object *pv = jget(o, "id.resp_p");
	struct bos_buf s = BOS_BUF_INIT;
	int64_t ts = jtime(o), port = 0, rb = 0, ob = 0, dur = 0;
	double d = 0;
	char id[96];

	if (!h)
		return;
	if (!pv)
		pv = jget(jget(o, "id"), "resp_p");
	if (pv && json_object_is_type(pv, json_type_int))
		port = json_object_get_int64(pv);
	jint(o, "resp_bytes", &rb);
	jint(o, "orig_bytes", &ob);
	if (jget(o, "duration"))
		d = json_object_get_double(jget(o, "duration"));
	if (d > 0 && d < 1e9)
		dur = (int64_t)(d * 1e9);
	evid(id, sizeof(id), "conn.jsonl", o, line);
	if (!is_c2(b, h)) {
		if (!b->tl->have_process && addr_private(h) && !addr_loopback(h) &&
		    !infra(h, port)) {
			struct bos_tl_entry *e = entry_new(b, BOS_TL_INTERNAL, ts);

			if (e) {
				bos_buf_addf(&s, "%s %s port %" PRId64, proto ? proto : "conn", h,
					     port);
				e->summary = bos_buf_detach(&s, NULL);
				e->outcome = xstrdup(st);
				add_evidence(e, id);
			}
		}
		bos_buf_release(&s);
		return;
	}
	if (rb > 0)
		add_span(b, ts, ts + dur, id);
	bos_buf_addf(&s, "%s %s port %" PRId64, proto ? proto : "conn", h, port);
	{
		struct bos_tl_entry *e = contact(b, ts, id, s.data, st ? st : "?");

		if (e) {
			e->out_bytes = ob > 0 ? (uint64_t)ob : 0;
			e->has_out_bytes = true;
			e->dur_ns = dur;
		}
	}
	bos_buf_release(&s);
}

static void on_http_line(struct json_object *o, uint64_t line, void *arg)
{
	struct builder *b = arg;
	const char *host = jstr(o, "host"), *m = jstr(o, "method"), *uri = jstr(o, "uri");
	const char *dst = jstr2(o, "id.resp_h", "id", "resp_h");
	struct bos_buf s = BOS_BUF_INIT, out = BOS_BUF_INIT;
	int64_t status = 0, body = 0;
	char id[96];
	bool c2;

	jint(o, "status_code", &status);
	jint(o, "request_body_len", &body);
	evid(id, sizeof(id), "http.jsonl", o, line);
	c2 = is_c2(b, host) || is_c2(b, dst);
	bos_buf_addf(&s, "HTTP %s %s%s", m ? m : "?", host ? host : dst ? dst : "?",
		     uri ? uri : "");
	if (c2) {
		if (status)
			bos_buf_addf(&out, "HTTP %" PRId64, status);
		else
			bos_buf_addstr(&out, "no response");
		struct bos_tl_entry *e = contact(b, jtime(o), id, s.data, out.data);

		if (e && body > 0) {
			e->out_bytes = (uint64_t)body;
			e->has_out_bytes = true;
		}
	}
	if (body >= UPLOAD_MIN_BYTES) {
		struct bos_tl_entry *e = entry_new(b, BOS_TL_UPLOAD, jtime(o));

		if (e) {
			e->summary = xstrdup(s.data);
			e->out_bytes = (uint64_t)body;
			e->has_out_bytes = true;
			add_evidence(e, id);
		}
	}
	bos_buf_release(&s);
	bos_buf_release(&out);
}

static void on_tls_line(struct json_object *o, uint64_t line, void *arg)
{
	struct builder *b = arg;
	const char *sni = jstr(o, "server_name"), *dst = jstr2(o, "id.resp_h", "id", "resp_h");
	struct json_object *est = jget(o, "established");
	const char *alert = jstr(o, "last_alert");
	struct bos_buf s = BOS_BUF_INIT;
	char id[96];

	if (!is_c2(b, sni) && !is_c2(b, dst))
		return;
	evid(id, sizeof(id), "tls.jsonl", o, line);
	bos_buf_addf(&s, "TLS %s", sni ? sni : dst ? dst : "?");
	if (!alert)
		alert = est && json_object_get_boolean(est) ? "established" : "not established";
	contact(b, jtime(o), id, s.data, alert);
	bos_buf_release(&s);
}

/* ---------- C2 candidates from analysis.json ---------- */

static void c2_from_value(struct bos_timeline *tl, struct json_object *v)
{
	static const char *const keys[] = { "candidate", "name", "host", "addr", "address", "ip",
					    "domain", "query", "server_name" };

	if (json_object_is_type(v, json_type_string)) {
		strv_add(&tl->c2, &tl->nc2, json_object_get_string(v), 256, false);
		return;
	}
	for (size_t k = 0; k < BOS_ARRAY_SIZE(keys); k++) {
		const char *s = jstr(v, keys[k]);

		if (s && *s)
			strv_add(&tl->c2, &tl->nc2, s, 256, false);
	}
	{
		struct json_object *addrs = jget(v, "addresses");

		if (addrs && json_object_is_type(addrs, json_type_array))
			for (size_t i = 0; i < json_object_array_length(addrs) && i < 64; i++)
				c2_from_value(tl, json_object_array_get_idx(addrs, i));
	}
}

static int c2_from_analysis(struct bos_timeline *tl, const char *dir, bool *found,
			    struct bos_err *err)
{
	struct bos_buf path = BOS_BUF_INIT;
	struct json_object *root, *c2;
	int fd, ret = 0;

	*found = false;
	bos_buf_addf(&path, "%s/analysis.json", dir);
	fd = bos_open_regular(path.data, err);
	if (fd < 0) {
		bos_buf_release(&path);
		return fd == -ENOENT ? 0 : fd;
	}
	root = json_object_from_fd(fd);
	close(fd);
	if (!root) {
		/* Present but unreadable JSON: a broken analysis, not a missing one. */
		ret = bos_err_set(err, -BOS_EINPUT, "%s: not valid JSON", path.data);
		bos_buf_release(&path);
		return ret;
	}
	c2 = jget(root, "c2");
	if (c2 && json_object_is_type(c2, json_type_array)) {
		*found = true;
		for (size_t i = 0; i < json_object_array_length(c2) && i < 256; i++)
			c2_from_value(tl, json_object_array_get_idx(c2, i));
	}
	json_object_put(root);
	bos_buf_release(&path);
	return 0;
}

/* ---------- phase 2 ---------- */

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return strcmp(x->evidence, y->evidence);
}

/* Sort spans by start; best[i] = index of the span ending last among spans[0..i]. */
static void sort_spans(struct builder *b)
{
	if (b->nspans)
		qsort(b->spans, b->nspans, sizeof(*b->spans), cmp_span);
	b->best = xrealloc(NULL, (b->nspans ? b->nspans : 1) * sizeof(*b->best));
	for (size_t i = 0; i < b->nspans; i++)
		b->best[i] = i && b->spans[b->best[i - 1]].to >= b->spans[i].to ? b->best[i - 1]
										 : i;
}

/* The span (started at or before ts) whose end + window is at or after ts, preferring the
 * one that ends last; NULL if none. */
static const struct span *span_covering(const struct builder *b, int64_t ts)
{
	size_t lo = 0, hi = b->nspans;
	const struct span *s;

	while (lo < hi) {	/* first span starting after ts */
		size_t mid = lo + (hi - lo) / 2;

		if (b->spans[mid].from <= ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &b->spans[b->best[lo - 1]];
	return ts <= s->to + b->tl->window_ns ? s : NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct bos_tl_entry *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->kind != y->kind)		/* sample start first, then contacts, then ops */
		return x->kind < y->kind ? -1 : 1;
	return 0;
}

static void entry_release(struct bos_tl_entry *e)
{
	free(e->summary);
	free(e->detail);
	free(e->image);
	strv_free(e->ancestry, e->nancestry);
	strv_free(e->evidence, e->nevidence);
	free(e->trigger);
	strv_free(e->techniques, e->ntechniques);
	strv_free(e->rules, e->nrules);
	free(e->outcome);
}

static void finish(struct builder *b)
{
	struct bos_timeline *tl = b->tl;
	size_t w = 0;

	/* Output sizes of commands, known only once the process has written everything; the
	 * entry indexes of the process table are valid until the sort below. Only what went
	 * through fds the tracer follows counts: output into a pipe (back to the implant) is
	 * not seen, so 0 means "not seen". */
	for (size_t k = 0; k < b->nprocs; k++) {
		struct proc *p = &b->procs[k];

		if (p->entry < tl->n) {
			tl->entries[p->entry].out_bytes = p->out_bytes;
			tl->entries[p->entry].has_out_bytes = p->out_bytes > 0;
		}
	}
	/* A record without a time takes the time of the one before it in its file. */
	for (size_t i = 0; i < tl->n; i++)
		if (tl->entries[i].ts_ns == 0 && i > 0)
			tl->entries[i].ts_ns = tl->entries[i - 1].ts_ns;
	{
		/* Stable merge sort by (ts, kind) over an index array. */
		size_t n = tl->n;
		struct bos_tl_entry *tmp = xrealloc(NULL, n * sizeof(*tmp));

		for (size_t width = 1; width < n; width *= 2) {
			for (size_t lo = 0; lo < n; lo += 2 * width) {
				size_t mid = lo + width < n ? lo + width : n;
				size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
				size_t i = lo, j = mid, k = lo;

				while (i < mid && j < hi)
					tmp[k++] = cmp_entry(&tl->entries[j], &tl->entries[i]) < 0
							   ? tl->entries[j++]
							   : tl->entries[i++];
				while (i < mid)
					tmp[k++] = tl->entries[i++];
				while (j < hi)
					tmp[k++] = tl->entries[j++];
			}
			memcpy(tl->entries, tmp, n * sizeof(*tmp));
		}
		free(tmp);
	}
	/* Causality: inside a C2 data span widened by the window. Contacts themselves are
	 * the C2's doing, never "operations". Spans sorted by start with a running maximum of
	 * their ends make each lookup a binary search. */
	sort_spans(b);
	for (size_t i = 0; i < tl->n; i++) {
		struct bos_tl_entry *e = &tl->entries[i];
		const struct span *sp;

		if (e->kind == BOS_TL_C2_CONTACT || e->kind == BOS_TL_SAMPLE_START)
			continue;
		sp = span_covering(b, e->ts_ns);
		if (sp) {
			e->operator_driven = true;
			e->trigger = xstrdup(sp->evidence);
		}
	}
	/* Beacons: a contact identical (summary and outcome) to an earlier one that ended less
	 * than 2 minutes before is folded into it, whatever happened in between: `repeats`
	 * counts them, the duration grows to cover them, evidence keeps the first ids. The
	 * operations keep their own `trigger`, so no causality is lost. */
	for (size_t i = 0; i < tl->n; i++) {
		struct bos_tl_entry *e = &tl->entries[i];
		bool merged = false;

		for (size_t k = w, seen = 0; e->kind == BOS_TL_C2_CONTACT && k-- > 0 && seen < 4096;
		     seen++) {
			struct bos_tl_entry *p = &tl->entries[k];

			if (p->kind != BOS_TL_C2_CONTACT || strcmp(p->summary, e->summary) ||
			    !p->outcome || !e->outcome || strcmp(p->outcome, e->outcome))
				continue;
			if (e->ts_ns - (p->ts_ns + p->dur_ns) < BEACON_MERGE_NS) {
				for (size_t v = 0; v < e->nevidence; v++)
					add_evidence(p, e->evidence[v]);
				p->out_bytes += e->out_bytes;
				p->repeats++;
				if (e->ts_ns + e->dur_ns > p->ts_ns + p->dur_ns)
					p->dur_ns = e->ts_ns + e->dur_ns - p->ts_ns;
				merged = true;
			}
			break;
		}
		if (merged) {
			entry_release(e);
			continue;
		}
		tl->entries[w++] = *e;
	}
	tl->n = w;
	/* Technique sequence: distinct techniques in order of first use. */
	for (size_t i = 0; i < tl->n; i++) {
		struct bos_tl_entry *e = &tl->entries[i];

		for (size_t t = 0; t < e->ntechniques; t++) {
			struct bos_tl_technique *q = NULL;

			for (size_t k = 0; k < tl->ntechniques; k++)
				if (!strcmp(tl->techniques[k].id, e->techniques[t]))
					q = &tl->techniques[k];
			if (!q) {
				tl->techniques = xrealloc(tl->techniques, (tl->ntechniques + 1) *
									  sizeof(*tl->techniques));
				q = &tl->techniques[tl->ntechniques++];
				*q = (struct bos_tl_technique){
					.id = xstrdup(e->techniques[t]),
					.name = bos_attack_name(e->techniques[t]),
					.first_ns = e->ts_ns,
					.first_entry = i,
				};
			}
			q->count++;
		}
	}
	/* Tactics per technique, from the rules that carried it. */
	if (b->o->rules) {
		const struct bos_sigma_set *rs = b->o->rules;

		for (size_t k = 0; k < tl->ntechniques; k++) {
			for (size_t r = 0; r < rs->nrules; r++) {
				const struct bos_sigma_info *in = bos_sigma_rule_info(rs->rules[r]);
				bool has = false;

				for (size_t t = 0; t < in->ntechniques; t++)
					if (!strcmp(in->techniques[t], tl->techniques[k].id))
						has = true;
				for (size_t a = 0; has && a < in->ntactics; a++)
					strv_add(&tl->techniques[k].tactics,
						 &tl->techniques[k].ntactics, in->tactics[a], 16,
						 false);
			}
		}
	}
}

/* ---------- public ---------- */

void bos_timeline_init(struct bos_timeline *tl)
{
	memset(tl, 0, sizeof(*tl));
}

void bos_timeline_release(struct bos_timeline *tl)
{
	for (size_t i = 0; i < tl->n; i++)
		entry_release(&tl->entries[i]);
	free(tl->entries);
	for (size_t i = 0; i < tl->ntechniques; i++) {
		free(tl->techniques[i].id);
		strv_free(tl->techniques[i].tactics, tl->techniques[i].ntactics);
	}
	free(tl->techniques);
	for (size_t i = 0; i < tl->nprocs; i++) {
		free(tl->procs[i].key);
		free(tl->procs[i].parent);
		free(tl->procs[i].image);
		free(tl->procs[i].cmdline);
	}
	free(tl->procs);
	strv_free(tl->c2, tl->nc2);
	bos_timeline_init(tl);
}

int bos_timeline_build(struct bos_timeline *tl, const char *dir, const struct bos_tl_opts *o,
		       struct bos_err *err)
{
	static const struct {
		const char *name;
		line_fn fn;
	} net[] = {
		{ "dns.jsonl", on_dns_line },
		{ "conn.jsonl", on_conn_line },
		{ "http.jsonl", on_http_line },
		{ "tls.jsonl", on_tls_line },
	};
	struct builder b = { .tl = tl, .o = o };
	bool found = false;
	int ret = 0;

	bos_timeline_release(tl);
	tl->window_ns = o->window_ns > 0 ? o->window_ns : BOS_TL_DEFAULT_WINDOW_NS;
	for (size_t i = 0; i < o->nc2; i++)
		strv_add(&tl->c2, &tl->nc2, o->c2[i], 256, false);
	if (!o->nc2) {
		ret = c2_from_analysis(tl, dir, &found, err);
		if (ret)
			goto out;
		b.c2_any_external = !found;
	}
	/* Which inputs exist decides where contacts come from; look first. */
	for (size_t i = 0; i < BOS_ARRAY_SIZE(net); i++) {
		struct bos_buf p = BOS_BUF_INIT;
		FILE *f;
		int code;

		bos_buf_addf(&p, "%s/%s", o->net_dir ? o->net_dir : dir, net[i].name);
		f = bos_fopen_regular(p.data, &code, NULL);
		if (f) {
			tl->have_net = true;
			fclose(f);
		}
		bos_buf_release(&p);
	}
	{
		struct bos_buf p = BOS_BUF_INIT;
		FILE *f;
		int code;

		bos_buf_addf(&p, "%s/process.jsonl", dir);
		f = bos_fopen_regular(p.data, &code, NULL);
		if (f) {
			tl->have_process = true;
			fclose(f);
		}
		bos_buf_release(&p);
	}
	b.file = "process.jsonl";
	ret = each_line(dir, "process.jsonl", on_process_line, &b, &tl->lines, &tl->bad_lines,
			err);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < BOS_ARRAY_SIZE(net); i++) {
		b.file = net[i].name;
		ret = each_line(o->net_dir ? o->net_dir : dir, net[i].name, net[i].fn, &b, NULL,
				&tl->bad_lines, err);
		if (ret < 0)
			goto out;
	}
	ret = 0;
	finish(&b);
	/* Hand the process table over for the report's tree. */
	tl->procs = xrealloc(NULL, b.nprocs * sizeof(*tl->procs));
	for (size_t i = 0; i < b.nprocs; i++) {
		struct proc *p = &b.procs[i], *pp = p->parent ? proc_find(&b, p->parent) : NULL;

		tl->procs[i] = (struct bos_tl_proc){
			.key = p->key, .parent = p->parent, .pid = p->pid, .image = p->image,
			.cmdline = p->cmdline, .start_ns = p->start_ns, .out_bytes = p->out_bytes,
			.root = p->root,
			.parent_idx = pp ? (size_t)(pp - b.procs) : SIZE_MAX,
			/* the same causality rule as its command entry */
			.operator_driven =
				!p->root && p->start_ns && span_covering(&b, p->start_ns),
		};
	}
	/* only now: proc_find needs every key */
	for (size_t i = 0; i < b.nprocs; i++)
		b.procs[i].key = b.procs[i].parent = b.procs[i].image = b.procs[i].cmdline = NULL;
	tl->nprocs = b.nprocs;
out:
	for (size_t i = 0; i < b.nprocs; i++) {
		free(b.procs[i].key);
		free(b.procs[i].parent);
		free(b.procs[i].image);
		free(b.procs[i].cmdline);
	}
	free(b.procs);
	free(b.slots);
	for (size_t i = 0; i < b.nsocks; i++) {
		free(b.socks[i].key);
		free(b.socks[i].dst);
	}
	free(b.socks);
	for (size_t i = 0; i < b.nspans; i++)
		free(b.spans[i].evidence);
	free(b.spans);
	free(b.best);
	for (size_t i = 0; i < b.seen_slots; i++)
		free(b.seen[i]);
	free(b.seen);
	if (ret)
		bos_timeline_release(tl);
	return ret;
}

static void strv_json(struct bos_json *j, const char *key, char *const *v, size_t n)
{
	bos_json_key(j, key);
	bos_json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		bos_json_str(j, v[i]);
	bos_json_arr_end(j);
}

void bos_timeline_entry_json(const struct bos_tl_entry *e, struct bos_json *j)
{
	bos_json_obj_begin(j);
	bos_json_kv_time_ns(j, "ts", e->ts_ns);
	bos_json_kv_int(j, "ts_ns", e->ts_ns);
	bos_json_kv_str(j, "kind", bos_tl_kind_name(e->kind));
	bos_json_kv_str(j, "summary", e->summary);
	if (e->detail)
		bos_json_kv_str(j, "detail", e->detail);
	if (e->outcome)
		bos_json_kv_str(j, "outcome", e->outcome);
	if (e->image) {
		bos_json_key(j, "actor");
		bos_json_obj_begin(j);
		bos_json_kv_int(j, "pid", e->pid);
		bos_json_kv_str(j, "image", e->image);
		strv_json(j, "ancestry", e->ancestry, e->nancestry);
		bos_json_obj_end(j);
	}
	bos_json_kv_str(j, "driven", e->kind == BOS_TL_C2_CONTACT ? "c2"
				     : e->operator_driven	   ? "operator"
								   : "automatic");
	if (e->dur_ns)
		bos_json_kv_int(j, "duration_ns", e->dur_ns);
	if (e->repeats)
		bos_json_kv_uint(j, "repeats", e->repeats);
	if (e->trigger)
		bos_json_kv_str(j, "trigger", e->trigger);
	if (e->has_out_bytes)
		bos_json_kv_uint(j, e->kind == BOS_TL_COMMAND || e->kind == BOS_TL_SAMPLE_START
					    ? "output_bytes"
					    : "sent_bytes",
				 e->out_bytes);
	strv_json(j, "evidence", e->evidence, e->nevidence);
	strv_json(j, "techniques", e->techniques, e->ntechniques);
	strv_json(j, "rules", e->rules, e->nrules);
	bos_json_obj_end(j);
}

void bos_timeline_write_json(const struct bos_timeline *tl, struct bos_json *j)
{
	bos_json_key(j, "timeline");
	bos_json_arr_begin(j);
	for (size_t i = 0; i < tl->n; i++)
		bos_timeline_entry_json(&tl->entries[i], j);
	bos_json_arr_end(j);
	bos_json_key(j, "techniques");
	bos_json_arr_begin(j);
	for (size_t i = 0; i < tl->ntechniques; i++) {
		const struct bos_tl_technique *t = &tl->techniques[i];

		bos_json_obj_begin(j);
		bos_json_kv_str(j, "id", t->id);
		if (t->name)
			bos_json_kv_str(j, "name", t->name);
		strv_json(j, "tactics", t->tactics, t->ntactics);
		bos_json_kv_time_ns(j, "first_ts", t->first_ns);
		bos_json_kv_uint(j, "count", t->count);
		bos_json_kv_uint(j, "first_entry", t->first_entry);
		bos_json_obj_end(j);
	}
	bos_json_arr_end(j);
	bos_json_key(j, "technique_sequence");
	bos_json_arr_begin(j);
	for (size_t i = 0; i < tl->ntechniques; i++)
		bos_json_str(j, tl->techniques[i].id);
	bos_json_arr_end(j);
	bos_json_key(j, "timeline_stats");
	bos_json_obj_begin(j);
	bos_json_kv_uint(j, "entries", tl->n);
	bos_json_kv_uint(j, "dropped", tl->dropped);
	bos_json_kv_uint(j, "process_lines", tl->lines);
	bos_json_kv_uint(j, "bad_lines", tl->bad_lines);
	bos_json_kv_bool(j, "have_process", tl->have_process);
	bos_json_kv_bool(j, "have_net", tl->have_net);
	bos_json_kv_int(j, "window_ns", tl->window_ns);
	strv_json(j, "c2", tl->c2, tl->nc2);
	bos_json_obj_end(j);
}

int bos_timeline_analysis_append(struct bos_buf *json, const char *case_dir, const char *net_dir)
{
	struct bos_sigma_set rules;
	struct bos_timeline tl;
	struct bos_err err = BOS_ERR_INIT;
	struct json_object *root = NULL, *c2;
	const char **names = NULL;
	struct bos_tl_opts o = { .rules = &rules, .net_dir = net_dir };
	struct bos_json j;
	size_t n = json->len;
	int ret;

	/* The analysis so far: a pretty object ending in "}\n". Its C2 candidates are ours. */
	while (n && (json->data[n - 1] == '\n' || json->data[n - 1] == ' '))
		n--;
	if (!n || json->data[n - 1] != '}')
		return bos_err_set(NULL, -EINVAL, "not an object");
	root = json_tokener_parse(json->data);
	c2 = jget(root, "c2");
	if (c2 && json_object_is_type(c2, json_type_array)) {
		size_t m = json_object_array_length(c2);

		names = xrealloc(NULL, (2 * m + 1) * sizeof(*names));
		for (size_t i = 0; i < m && o.nc2 < 256; i++) {
			struct json_object *x = json_object_array_get_idx(c2, i), *ad;

			if (jstr(x, "candidate"))
				names[o.nc2++] = jstr(x, "candidate");
			ad = jget(x, "addresses");
			if (ad && json_object_is_type(ad, json_type_array) &&
			    json_object_array_length(ad) &&
			    json_object_is_type(json_object_array_get_idx(ad, 0), json_type_string))
				names[o.nc2++] =
					json_object_get_string(json_object_array_get_idx(ad, 0));
		}
		o.c2 = names;
	}
	bos_sigma_set_init(&rules);
	bos_timeline_init(&tl);
	ret = bos_sigma_set_load_dir(&rules, bos_sigma_default_dir(), &err);
	if (!ret)
		ret = bos_timeline_build(&tl, case_dir, &o, &err);
	/* Continue the writer inside the top-level object: depth 1, after other members. */
	n--;
	while (n && (json->data[n - 1] == '\n' || json->data[n - 1] == ' '))
		n--;
	bos_buf_setlen(json, n);
	bos_json_init(&j, json, BOS_JSON_PRETTY);
	j.depth = 1;
	j.need_comma[0] = true;
	if (ret) {
		bos_json_kv_str(&j, "timeline_error", err.msg);
	} else {
		bos_timeline_write_json(&tl, &j);
		if (rules.nskipped)
			bos_json_kv_uint(&j, "rules_skipped", rules.nskipped);
	}
	bos_json_obj_end(&j);
	bos_buf_addch(json, '\n');
	bos_timeline_release(&tl);
	bos_sigma_set_release(&rules);
	free(names);
	json_object_put(root);
	return ret;
}
