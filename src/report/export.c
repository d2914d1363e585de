/*
 * Exports of a case (bos/export_case.h, docs/export.md): the STIX 2.1 bundle and JSON Lines.
 * References: STIX 2.1 OASIS Standard (2021-06-10) sections 2.9 (deterministic SCO ids),
 * 4.2 (attack-pattern), 4.7 (indicator), 4.11 (malware), 4.12 (malware-analysis, result
 * from malware-av-result-ov), 4.14 (observed-data), 6.x (SCOs), 9 (patterning); MITRE
 * ATT&CK in STIX (external_references source_name "mitre-attack").
 *
 * Determinism: object ids are UUIDv5 (SCOs over their ID-contributing properties as the
 * spec says, SDOs over seed + type + key with bos's own namespace), timestamps come from
 * the case (the sample's start), output keys are in a fixed order. Every string from the
 * case goes through the JSON writer, which escapes it; STIX pattern literals additionally
 * escape ' and \ (STIX 2.1 section 9.2).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "report_int.h"
#include "bos/clock.h"
#include "bos/export_case.h"
#include "bos/json.h"
#include "bos/limits.h"
#include "bos/stix.h"
#include "bos/version.h"

/* bos's namespace for the UUIDv5 of SDOs and SROs it derives from a case (random, fixed). */
static const uint8_t bos_case_ns[16] = { 0x6b, 0x1e, 0x0f, 0x52, 0x9d, 0x3a, 0x4e, 0x71,
					 0xa8, 0x2c, 0x5f, 0x90, 0x13, 0xd4, 0x7e, 0x26 };

#define MAX_SCO 256

struct bundle {
	struct rp_case *c;
	struct bos_json *j;
	char seed[160];			/* sample SHA-256, case id or directory */
	int64_t ts;			/* created/modified of every SDO */
	const char *file_id;		/* sample file SCO id, or NULL */
	char malware_id[64];
	char *sco[MAX_SCO];		/* ids of SCOs written (for observed-data) */
	size_t nsco;
};

static void sdo_id(char *dst, size_t len, const struct bundle *b, const char *type,
		   const char *key)
{
	struct bos_buf name = BOS_BUF_INIT;
	char uuid[37];

	bos_buf_addf(&name, "%s|%s|%s", b->seed, type, key);
	bos_stix_uuid5(uuid, bos_case_ns, name.data, name.len);
	snprintf(dst, len, "%s--%s", type, uuid);
	bos_buf_release(&name);
}

/* SCO id per STIX 2.1 section 2.9: UUIDv5 over the JCS form of {"value": v}. */
static void sco_value_id(char *dst, size_t len, const char *type, const char *value)
{
	struct bos_buf canon = BOS_BUF_INIT;
	char uuid[37];

	bos_buf_addstr(&canon, "{\"value\":");
	bos_json_quote(&canon, value, strlen(value));
	bos_buf_addch(&canon, '}');
	bos_stix_uuid5(uuid, bos_stix_sco_namespace, canon.data, canon.len);
	snprintf(dst, len, "%s--%s", type, uuid);
	bos_buf_release(&canon);
}

static void common(struct bundle *b, const char *type, const char *id)
{
	bos_json_kv_str(b->j, "type", type);
	bos_json_kv_str(b->j, "spec_version", "2.1");
	bos_json_kv_str(b->j, "id", id);
	bos_json_kv_time_ns(b->j, "created", b->ts);
	bos_json_kv_time_ns(b->j, "modified", b->ts);
}

/* Remember an SCO for observed-data; false if it was already written (or the table is
 * full), so each SCO is in the bundle once. */
static bool add_sco_ref(struct bundle *b, const char *id)
{
	for (size_t i = 0; i < b->nsco; i++)
		if (!strcmp(b->sco[i], id))
			return false;
	if (b->nsco >= MAX_SCO)
		return false;
	b->sco[b->nsco] = strdup(id);
	if (!b->sco[b->nsco])
		return false;
	b->nsco++;
	return true;
}

/* Copy a JSON value from sample.stix.json into the bundle through the writer. */
static void copy_value(struct bos_json *j, struct json_object *v, int depth)
{
	if (depth > 16) {
		bos_json_null(j);
		return;
	}
	switch (json_object_get_type(v)) {
	case json_type_object:
		bos_json_obj_begin(j);
		json_object_object_foreach(v, k, x)
		{
			bos_json_key(j, k);
			copy_value(j, x, depth + 1);
		}
		bos_json_obj_end(j);
		break;
	case json_type_array:
		bos_json_arr_begin(j);
		for (size_t i = 0; i < json_object_array_length(v); i++)
			copy_value(j, json_object_array_get_idx(v, i), depth + 1);
		bos_json_arr_end(j);
		break;
	case json_type_string:
		bos_json_strn(j, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_int:
		bos_json_int(j, json_object_get_int64(v));
		break;
	case json_type_boolean:
		bos_json_bool(j, json_object_get_boolean(v));
		break;
	case json_type_double:
		bos_json_double(j, json_object_get_double(v), 6);
		break;
	case json_type_null:
	default:
		bos_json_null(j);
		break;
	}
}

static const char *stix_result(int64_t level)
{
	if (level >= 7)
		return "malicious";	/* an operator used it: it is malware, whatever else */
	if (level >= 3)
		return "suspicious";	/* it tried to reach a C2 candidate */
	return "unknown";		/* no traffic: 1 and 2 say nothing either way */
}

static const char *const level_short[9] = {
	"not graded",
	"no traffic",
	"ran, no traffic",
	"C2 name did not resolve",
	"C2 not answering",
	"C2 refused",
	"C2 session established",
	"attacker operations observed",
	"attacker operations continuing",
};

/* value for a STIX pattern literal: ' and \ escaped (section 9.2). */
static void pattern_literal(struct bos_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			bos_buf_addch(out, '\\');
		bos_buf_addch(out, *s);
	}
}

static bool is_ip(const char *s, int *af)
{
	uint8_t tmp[16];

	if (inet_pton(AF_INET, s, tmp) == 1) {
		*af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, tmp) == 1) {
		*af = AF_INET6;
		return true;
	}
	return false;
}

static void relationship(struct bundle *b, const char *rtype, const char *src, const char *dst)
{
	char id[96];
	struct bos_buf key = BOS_BUF_INIT;

	bos_buf_addf(&key, "%s|%s|%s", rtype, src, dst);
	sdo_id(id, sizeof(id), b, "relationship", key.data);
	bos_json_obj_begin(b->j);
	common(b, "relationship", id);
	bos_json_kv_str(b->j, "relationship_type", rtype);
	bos_json_kv_str(b->j, "source_ref", src);
	bos_json_kv_str(b->j, "target_ref", dst);
	bos_json_obj_end(b->j);
	bos_buf_release(&key);
}

static void indicator(struct bundle *b, const char *kind, const char *value, const char *label)
{
	struct bos_buf pat = BOS_BUF_INIT, name = BOS_BUF_INIT;
	char id[96];

	bos_buf_addf(&pat, "[%s:value = '", kind);
	pattern_literal(&pat, value);
	bos_buf_addstr(&pat, "']");
	sdo_id(id, sizeof(id), b, "indicator", pat.data);
	bos_buf_addf(&name, "%s %s", label, value);
	bos_json_obj_begin(b->j);
	common(b, "indicator", id);
	bos_json_kv_str(b->j, "name", name.data);
	bos_json_key(b->j, "indicator_types");
	bos_json_arr_begin(b->j);
	bos_json_str(b->j, "malicious-activity");
	bos_json_arr_end(b->j);
	bos_json_kv_str(b->j, "pattern", pat.data);
	bos_json_kv_str(b->j, "pattern_type", "stix");
	bos_json_kv_time_ns(b->j, "valid_from", b->ts);
	bos_json_obj_end(b->j);
	relationship(b, "indicates", id, b->malware_id);
	bos_buf_release(&pat);
	bos_buf_release(&name);
}

/* The C2 candidates' names and addresses as SCOs + indicators + relationships. */
static void c2_objects(struct bundle *b)
{
	const struct bos_timeline *tl = &b->c->tl;

	for (size_t i = 0; i < tl->nc2 && i < MAX_SCO / 2; i++) {
		const char *v = tl->c2[i];
		char id[96];
		int af;
		bool ip = is_ip(v, &af);
		const char *type = ip ? (af == AF_INET ? "ipv4-addr" : "ipv6-addr") : "domain-name";

		sco_value_id(id, sizeof(id), type, v);
		bos_json_obj_begin(b->j);
		bos_json_kv_str(b->j, "type", type);
		bos_json_kv_str(b->j, "spec_version", "2.1");
		bos_json_kv_str(b->j, "id", id);
		bos_json_kv_str(b->j, "value", v);
		bos_json_obj_end(b->j);
		add_sco_ref(b, id);
		indicator(b, type, v, ip ? "C2 candidate address" : "C2 candidate name");
		relationship(b, "communicates-with", b->malware_id, id);
	}
}

struct flows {
	struct bundle *b;
	size_t n;
	int64_t first, last;
};

/* network-traffic SCOs for the flows to C2 candidates (conn.jsonl), capped. */
static void flow_line(struct json_object *o, void *arg)
{
	struct flows *f = arg;
	struct bundle *b = f->b;
	const char *resp = rp_str(o, "id.resp_h"), *orig = rp_str(o, "id.orig_h");
	const char *proto = rp_str(o, "proto"), *uid = rp_str(o, "uid");
	struct json_object *ts = rp_get(o, "ts");
	char id[96], src[96], dst[96];
	int64_t port = 0, ns = 0, ob = 0, rb = 0;
	int af;

	if (!resp || !rp_is_c2(b->c, resp) || f->n >= 64 || !is_ip(resp, &af))
		return;
	if (ts && (json_object_is_type(ts, json_type_double) ||
		   json_object_is_type(ts, json_type_int)))
		ns = (int64_t)(json_object_get_double(ts) * 1e9);
	rp_int(o, "id.resp_p", &port);
	rp_int(o, "orig_bytes", &ob);
	rp_int(o, "resp_bytes", &rb);
	sco_value_id(dst, sizeof(dst), af == AF_INET ? "ipv4-addr" : "ipv6-addr", resp);
	src[0] = '\0';
	if (orig && is_ip(orig, &af)) {
		sco_value_id(src, sizeof(src), af == AF_INET ? "ipv4-addr" : "ipv6-addr", orig);
		if (add_sco_ref(b, src)) {
			bos_json_obj_begin(b->j);
			bos_json_kv_str(b->j, "type", af == AF_INET ? "ipv4-addr" : "ipv6-addr");
			bos_json_kv_str(b->j, "spec_version", "2.1");
			bos_json_kv_str(b->j, "id", src);
			bos_json_kv_str(b->j, "value", orig);
			bos_json_obj_end(b->j);
		} else if (b->nsco >= MAX_SCO) {
			src[0] = '\0';	/* not in the bundle: do not refer to it */
		}
	}
	sdo_id(id, sizeof(id), b, "network-traffic", uid ? uid : resp);
	bos_json_obj_begin(b->j);
	bos_json_kv_str(b->j, "type", "network-traffic");
	bos_json_kv_str(b->j, "spec_version", "2.1");
	bos_json_kv_str(b->j, "id", id);
	if (ns)
		bos_json_kv_time_ns(b->j, "start", ns);
	if (src[0])
		bos_json_kv_str(b->j, "src_ref", src);
	bos_json_kv_str(b->j, "dst_ref", dst);
	if (port > 0 && port < 65536)
		bos_json_kv_int(b->j, "dst_port", port);
	bos_json_key(b->j, "protocols");
	bos_json_arr_begin(b->j);
	bos_json_str(b->j, af == AF_INET6 ? "ipv6" : "ipv4");
	if (proto && (!strcmp(proto, "tcp") || !strcmp(proto, "udp")))
		bos_json_str(b->j, proto);
	bos_json_arr_end(b->j);
	if (ob >= 0)
		bos_json_kv_int(b->j, "src_byte_count", ob);
	if (rb >= 0)
		bos_json_kv_int(b->j, "dst_byte_count", rb);
	if (uid)
		bos_json_kv_str(b->j, "x_bos_uid", uid);
	bos_json_obj_end(b->j);
	add_sco_ref(b, id);
	if (ns && (!f->first || ns < f->first))
		f->first = ns;
	if (ns > f->last)
		f->last = ns;
	f->n++;
}

static void attack_patterns(struct bundle *b)
{
	const struct bos_timeline *tl = &b->c->tl;

	for (size_t i = 0; i < tl->ntechniques; i++) {
		const struct bos_tl_technique *t = &tl->techniques[i];
		struct bos_buf url = BOS_BUF_INIT;
		char id[96];

		sdo_id(id, sizeof(id), b, "attack-pattern", t->id);
		bos_buf_addstr(&url, "https://attack.mitre.org/techniques/");
		for (const char *s = t->id; *s; s++)
			bos_buf_addch(&url, *s == '.' ? '/' : *s);
		bos_buf_addch(&url, '/');
		bos_json_obj_begin(b->j);
		common(b, "attack-pattern", id);
		bos_json_kv_str(b->j, "name", t->name ? t->name : t->id);
		bos_json_key(b->j, "external_references");
		bos_json_arr_begin(b->j);
		bos_json_obj_begin(b->j);
		bos_json_kv_str(b->j, "source_name", "mitre-attack");
		bos_json_kv_str(b->j, "external_id", t->id);
		bos_json_kv_str(b->j, "url", url.data);
		bos_json_obj_end(b->j);
		bos_json_arr_end(b->j);
		if (t->ntactics) {
			bos_json_key(b->j, "kill_chain_phases");
			bos_json_arr_begin(b->j);
			for (size_t a = 0; a < t->ntactics; a++) {
				struct bos_buf ph = BOS_BUF_INIT;

				/* Sigma writes credential_access, ATT&CK credential-access */
				for (const char *s = t->tactics[a]; *s; s++)
					bos_buf_addch(&ph, *s == '_' ? '-' : *s);
				bos_json_obj_begin(b->j);
				bos_json_kv_str(b->j, "kill_chain_name", "mitre-attack");
				bos_json_kv_str(b->j, "phase_name", ph.data);
				bos_json_obj_end(b->j);
				bos_buf_release(&ph);
			}
			bos_json_arr_end(b->j);
		}
		bos_json_kv_uint(b->j, "x_bos_first_use_order", i + 1);
		bos_json_obj_end(b->j);
		relationship(b, "uses", b->malware_id, id);
		bos_buf_release(&url);
	}
}

static int64_t case_start(const struct rp_case *c)
{
	for (size_t i = 0; i < c->tl.n; i++)
		if (c->tl.entries[i].kind == BOS_TL_SAMPLE_START)
			return c->tl.entries[i].ts_ns;
	return c->tl.n ? c->tl.entries[0].ts_ns : 0;
}

static int64_t case_end(const struct rp_case *c)
{
	int64_t e = 0;

	for (size_t i = 0; i < c->tl.n; i++)
		if (c->tl.entries[i].ts_ns + c->tl.entries[i].dur_ns > e)
			e = c->tl.entries[i].ts_ns + c->tl.entries[i].dur_ns;
	return e;
}

int bos_export_stix(struct bos_buf *out, const char *case_dir, const struct bos_report_opts *o,
		    struct bos_err *err)
{
	struct rp_case c;
	struct bos_json j;
	struct bundle b = { .c = &c, .j = &j };
	struct json_object *file, *objs, *h;
	struct flows fl = { .b = &b };
	struct bos_buf name = BOS_BUF_INIT;
	char id[96], ma_id[96], od_id[96];
	int64_t level = -1;
	int ret;

	ret = rp_case_load(&c, case_dir, o, err);
	if (ret)
		goto out;
	file = rp_sample_file(&c);
	h = rp_get(file, "hashes");
	if (rp_str(h, "SHA-256"))
		snprintf(b.seed, sizeof(b.seed), "%s", rp_str(h, "SHA-256"));
	else if (rp_str(c.manifest, "case_id"))
		snprintf(b.seed, sizeof(b.seed), "%s", rp_str(c.manifest, "case_id"));
	else
		snprintf(b.seed, sizeof(b.seed), "%s", case_dir);
	b.ts = case_start(&c);
	if (!b.ts)
		b.ts = bos_clock_now_ns();
	rp_int(c.analysis, "level", &level);
	if (level < 0 || level > 8)
		level = -1;

	bos_json_init(&j, out, 0);
	bos_json_obj_begin(&j);
	bos_json_kv_str(&j, "type", "bundle");
	sdo_id(id, sizeof(id), &b, "bundle", "case");
	bos_json_kv_str(&j, "id", id);
	bos_json_key(&j, "objects");
	bos_json_arr_begin(&j);

	/* The sample's objects, as `bos stix` wrote them (same ids, so bundles join). */
	objs = rp_get(c.sample, "objects");
	for (size_t i = 0; objs && json_object_is_type(objs, json_type_array) &&
			   i < json_object_array_length(objs) && i < 64;
	     i++) {
		struct json_object *x = json_object_array_get_idx(objs, i);
		const char *t = rp_str(x, "type"), *xid = rp_str(x, "id");

		if (!t || !xid || !strcmp(t, "relationship") ||
		    (strcmp(t, "file") && strcmp(t, "malware") && strcmp(t, "indicator")))
			continue;
		if (!strcmp(t, "malware") && !b.malware_id[0])
			snprintf(b.malware_id, sizeof(b.malware_id), "%s", xid);
		copy_value(&j, x, 0);
		if (!strcmp(t, "file"))
			b.file_id = xid;
	}
	rp_text(&name, rp_get(file, "name"));
	if (!b.malware_id[0]) {
		sdo_id(b.malware_id, sizeof(b.malware_id), &b, "malware", "sample");
		bos_json_obj_begin(&j);
		common(&b, "malware", b.malware_id);
		bos_json_kv_str(&j, "name", name.len ? name.data : "sample");
		bos_json_kv_bool(&j, "is_family", false);
		if (b.file_id) {
			bos_json_key(&j, "sample_refs");
			bos_json_arr_begin(&j);
			bos_json_str(&j, b.file_id);
			bos_json_arr_end(&j);
		}
		bos_json_obj_end(&j);
	}
	/* Indicators from the sample bundle point at its malware: keep that link. */
	for (size_t i = 0; objs && json_object_is_type(objs, json_type_array) &&
			   i < json_object_array_length(objs) && i < 64;
	     i++) {
		struct json_object *x = json_object_array_get_idx(objs, i);
		const char *t = rp_str(x, "type"), *xid = rp_str(x, "id");

		if (t && xid && !strcmp(t, "indicator"))
			relationship(&b, "indicates", xid, b.malware_id);
	}

	c2_objects(&b);
	rp_each_log(&c, "conn.jsonl", flow_line, &fl);
	attack_patterns(&b);

	if (b.nsco) {
		sdo_id(od_id, sizeof(od_id), &b, "observed-data", "c2");
		bos_json_obj_begin(&j);
		common(&b, "observed-data", od_id);
		bos_json_kv_time_ns(&j, "first_observed", fl.first ? fl.first : b.ts);
		bos_json_kv_time_ns(&j, "last_observed",
				    fl.last > b.ts ? fl.last : (fl.first ? fl.first : b.ts));
		bos_json_kv_uint(&j, "number_observed", fl.n ? fl.n : 1);
		bos_json_key(&j, "object_refs");
		bos_json_arr_begin(&j);
		for (size_t i = 0; i < b.nsco; i++)
			bos_json_str(&j, b.sco[i]);
		bos_json_arr_end(&j);
		bos_json_obj_end(&j);
	}

	sdo_id(ma_id, sizeof(ma_id), &b, "malware-analysis", "bos");
	bos_json_obj_begin(&j);
	common(&b, "malware-analysis", ma_id);
	bos_json_kv_str(&j, "product", "bos");
	bos_json_kv_str(&j, "version", BOS_VERSION);
	bos_json_kv_time_ns(&j, "analysis_started", b.ts);
	if (case_end(&c) > b.ts)
		bos_json_kv_time_ns(&j, "analysis_ended", case_end(&c));
	if (level >= 0) {
		struct bos_buf rn = BOS_BUF_INIT;

		bos_buf_addf(&rn, "progress level %" PRId64 ": %s", level, level_short[level]);
		bos_json_kv_str(&j, "result_name", rn.data);
		bos_buf_release(&rn);
	}
	bos_json_kv_str(&j, "result", stix_result(level));
	if (b.file_id)
		bos_json_kv_str(&j, "sample_ref", b.file_id);
	if (b.nsco) {
		bos_json_key(&j, "analysis_sco_refs");
		bos_json_arr_begin(&j);
		for (size_t i = 0; i < b.nsco; i++)
			bos_json_str(&j, b.sco[i]);
		bos_json_arr_end(&j);
	}
	if (level >= 0)
		bos_json_kv_int(&j, "x_bos_progress_level", level);
	if (rp_str(c.analysis, "reason"))
		bos_json_kv_str(&j, "x_bos_reason", rp_str(c.analysis, "reason"));
	if (c.tl.ntechniques) {
		bos_json_key(&j, "x_bos_technique_sequence");
		bos_json_arr_begin(&j);
		for (size_t i = 0; i < c.tl.ntechniques; i++)
			bos_json_str(&j, c.tl.techniques[i].id);
		bos_json_arr_end(&j);
	}
	bos_json_obj_end(&j);
	relationship(&b, "analysis-of", ma_id, b.malware_id);

	bos_json_arr_end(&j);
	bos_json_obj_end(&j);
	bos_buf_addch(out, '\n');
out:
	for (size_t i = 0; i < b.nsco; i++)
		free(b.sco[i]);
	bos_buf_release(&name);
	rp_case_release(&c);
	return ret;
}

/* ---------- JSON Lines ---------- */

struct jl {
	struct rp_case *c;
	struct bos_buf buf;
	int fd;
	int ret;
	struct bos_err *err;
	const char *type;
	const char *case_id;
};

static void jl_flush(struct jl *l, bool force)
{
	const char *p = l->buf.data;
	size_t n = l->buf.len;

	if (l->ret || (!force && n < (1u << 20)))
		return;
	while (n) {
		ssize_t w = write(l->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			l->ret = bos_err_sys(l->err, "write");
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	bos_buf_reset(&l->buf);
}

static void jl_head(struct jl *l, struct bos_json *j, const char *type, int64_t ts)
{
	bos_json_init(j, &l->buf, 0);
	bos_json_obj_begin(j);
	bos_json_kv_str(j, "bos_type", type);
	if (ts)
		bos_json_kv_time_ns(j, "@timestamp", ts);
	bos_json_kv_str(j, "case_id", l->case_id);
}

static void jl_end(struct jl *l, struct bos_json *j)
{
	bos_json_obj_end(j);
	bos_buf_addch(&l->buf, '\n');
	jl_flush(l, false);
}

static void log_line(struct json_object *o, void *arg)
{
	struct jl *l = arg;
	struct json_object *ts = rp_get(o, "ts");
	struct bos_json j;
	int64_t ns = 0;

	if (ts && (json_object_is_type(ts, json_type_double) ||
		   json_object_is_type(ts, json_type_int)))
		ns = (int64_t)(json_object_get_double(ts) * 1e9);
	else if (!rp_int(o, "ts_ns", &ns))
		ns = 0;
	jl_head(l, &j, l->type, ns);
	json_object_object_foreach(o, k, v)
	{
		/* Zeek's "id.orig_h" style keys are kept: both tools map them as they are. */
		if (!strcmp(k, "bos_type") || !strcmp(k, "@timestamp") || !strcmp(k, "case_id"))
			continue;
		bos_json_key(&j, k);
		copy_value(&j, v, 0);
	}
	jl_end(l, &j);
}

int bos_export_jsonl(int fd, const char *case_dir, const struct bos_report_opts *o,
		     struct bos_err *err)
{
	static const char *const logs[] = { "conn", "dns", "http", "tls" };
	struct rp_case c;
	struct jl l = { .c = &c, .buf = BOS_BUF_INIT, .fd = fd, .err = err };
	struct bos_buf cid = BOS_BUF_INIT, tmpdir = BOS_BUF_INIT;
	struct bos_json j;
	int64_t level = -1;
	int ret;

	ret = rp_case_load(&c, case_dir, o, err);
	if (ret)
		goto out;
	rp_text(&cid, rp_get(c.manifest, "case_id") ? rp_get(c.manifest, "case_id")
						     : rp_get(c.analysis, "case_id"));
	l.case_id = cid.len ? cid.data : case_dir;

	/* One "case" record: the summary a dashboard starts from. */
	rp_int(c.analysis, "level", &level);
	jl_head(&l, &j, "case", case_start(&c));
	if (level >= 0 && level <= 8)
		bos_json_kv_int(&j, "level", level);
	if (rp_get(c.analysis, "reason"))
		bos_json_kv_str(&j, "reason", rp_str(c.analysis, "reason"));
	if (rp_sample_file(&c)) {
		bos_json_key(&j, "sample");
		copy_value(&j, rp_sample_file(&c), 0);
	}
	bos_json_key(&j, "c2");
	bos_json_arr_begin(&j);
	for (size_t i = 0; i < c.tl.nc2; i++)
		bos_json_str(&j, c.tl.c2[i]);
	bos_json_arr_end(&j);
	bos_json_key(&j, "technique_sequence");
	bos_json_arr_begin(&j);
	for (size_t i = 0; i < c.tl.ntechniques; i++)
		bos_json_str(&j, c.tl.techniques[i].id);
	bos_json_arr_end(&j);
	jl_end(&l, &j);

	for (size_t i = 0; i < c.tl.n; i++) {
		jl_head(&l, &j, "timeline", c.tl.entries[i].ts_ns);
		bos_json_key(&j, "entry");
		bos_timeline_entry_json(&c.tl.entries[i], &j);
		jl_end(&l, &j);
	}
	for (size_t i = 0; i < c.tl.ntechniques; i++) {
		const struct bos_tl_technique *t = &c.tl.techniques[i];

		jl_head(&l, &j, "technique", t->first_ns);
		bos_json_kv_str(&j, "technique_id", t->id);
		if (t->name)
			bos_json_kv_str(&j, "technique_name", t->name);
		bos_json_kv_uint(&j, "order", i + 1);
		bos_json_kv_uint(&j, "count", t->count);
		jl_end(&l, &j);
	}
	for (size_t i = 0; i < BOS_ARRAY_SIZE(logs); i++) {
		bos_buf_reset(&tmpdir);
		bos_buf_addf(&tmpdir, "%s.jsonl", logs[i]);
		l.type = logs[i];
		rp_each_log(&c, tmpdir.data, log_line, &l);
	}
	/* process.jsonl lives in the case directory itself. */
	{
		const char *saved = c.net_dir;

		c.net_dir = case_dir;
		l.type = "process";
		rp_each_log(&c, "process.jsonl", log_line, &l);
		c.net_dir = saved;
	}
	jl_flush(&l, true);
	ret = l.ret;
out:
	bos_buf_release(&l.buf);
	bos_buf_release(&cid);
	bos_buf_release(&tmpdir);
	rp_case_release(&c);
	return ret;
}
