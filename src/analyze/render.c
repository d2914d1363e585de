/*
 * analysis.json (docs/levels.md "analysis.json") and the terminal summary.
 * Deterministic: keys in a fixed order, candidates sorted by (level desc, first evidence,
 * index), evidence in the classifier's order, no wall-clock time anywhere. Every string
 * that came from the case goes through bos_json (JSON) or bos_escape (terminal).
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/escape.h"
#include "bos/json.h"
#include "bos/limits.h"
#include "bos/version.h"

static void kv_str_or_null(struct bos_json *j, const char *k, const char *v)
{
	bos_json_key(j, k);
	bos_json_str(j, v);
}

static void kv_time(struct bos_json *j, const char *k, int64_t ns)
{
	bos_json_key(j, k);
	if (ns)
		bos_json_time_ns(j, ns);
	else
		bos_json_null(j);
}

static void kv_pkt(struct bos_json *j, uint64_t pkt)
{
	bos_json_key(j, "pkt");
	if (pkt)
		bos_json_uint(j, pkt);
	else
		bos_json_null(j);
}

static const char *proto_str(enum bos_cls_l4 p)
{
	switch (p) {
	case BOS_CLS_L4_TCP: return "tcp";
	case BOS_CLS_L4_UDP: return "udp";
	case BOS_CLS_L4_ICMP: return "icmp";
	case BOS_CLS_L4_OTHER:
	default: return "other";
	}
}

static void endpoint(struct bos_json *j, const char *k, const char *h, uint16_t p)
{
	struct bos_buf b = BOS_BUF_INIT;

	bos_buf_addf(&b, "%s:%u", h ? h : "?", p);
	bos_json_kv_str(j, k, b.data);
	bos_buf_release(&b);
}

/* The fact behind a piece of evidence, as JSON members (inside an open object). */
static void fact_members(struct bos_json *j, const struct ana *a, enum bos_cls_ev_kind kind,
			 size_t idx)
{
	switch (kind) {
	case BOS_CLS_EV_DNS: {
		const struct bos_cls_dns *d = &a->dns[idx];

		kv_str_or_null(j, "uid", d->uid);
		kv_pkt(j, d->pkt);
		bos_json_kv_str(j, "query", d->query);
		bos_json_key(j, "rcode");
		if (d->rcode >= 0)
			bos_json_int(j, d->rcode);
		else
			bos_json_null(j);
		kv_str_or_null(j, "answers", a->dns_answers[idx]);
		break;
	}
	case BOS_CLS_EV_FLOW: {
		const struct bos_cls_flow *f = &a->flows[idx];

		kv_str_or_null(j, "uid", f->uid);
		kv_str_or_null(j, "community_id", f->community_id);
		kv_pkt(j, f->pkt);
		bos_json_kv_str(j, "proto", proto_str(f->proto));
		endpoint(j, "orig", f->orig_h, f->orig_p);
		endpoint(j, "resp", f->resp_h, f->resp_p);
		kv_str_or_null(j, "conn_state", f->conn_state);
		kv_str_or_null(j, "history", f->history);
		bos_json_kv_uint(j, "orig_bytes", f->orig_bytes);
		bos_json_kv_uint(j, "resp_bytes", f->resp_bytes);
		/* The process connect that opened it (same Community ID), if traced. */
		bos_json_key(j, "process_event");
		if (a->flow_pev && a->flow_pev[idx] >= 0)
			bos_json_str(j, a->pevs[a->flow_pev[idx]].id);
		else
			bos_json_null(j);
		break;
	}
	case BOS_CLS_EV_HTTP: {
		const struct bos_cls_http *h = &a->http[idx];

		kv_str_or_null(j, "uid", h->uid);
		kv_pkt(j, h->pkt);
		kv_str_or_null(j, "method", h->method);
		kv_str_or_null(j, "host", h->host);
		kv_str_or_null(j, "uri", a->http_uri[idx]);
		bos_json_key(j, "status");
		if (h->status)
			bos_json_int(j, h->status);
		else
			bos_json_null(j);
		bos_json_kv_uint(j, "request_body_len", h->req_body_len);
		break;
	}
	case BOS_CLS_EV_TLS: {
		const struct bos_cls_tls *t = &a->tls[idx];

		kv_str_or_null(j, "uid", t->uid);
		kv_pkt(j, t->pkt);
		kv_str_or_null(j, "server_name", t->server_name);
		bos_json_kv_bool(j, "established", t->established);
		kv_str_or_null(j, "last_alert", t->last_alert);
		break;
	}
	case BOS_CLS_EV_PROXY: {
		const struct bos_cls_proxy *p = &a->proxy[idx];
		char rs[64];

		bos_json_kv_str(j, "file", "proxy.log");
		bos_json_kv_uint(j, "line", p->line);
		snprintf(rs, sizeof(rs), "%.40s/%03d", p->result ? p->result : "-", p->status);
		bos_json_kv_str(j, "result", rs);
		kv_str_or_null(j, "method", p->method);
		kv_str_or_null(j, "url", a->proxy_url[idx]);
		kv_str_or_null(j, "hier", p->hier);
		kv_str_or_null(j, "peer", p->peer);
		kv_str_or_null(j, "err", p->err);
		break;
	}
	case BOS_CLS_EV_PEV: {
		const struct bos_cls_pev *pe = &a->pevs[idx];

		bos_json_kv_str(j, "file", "process.jsonl");
		kv_str_or_null(j, "id", pe->id);
		bos_json_kv_int(j, "pid", pe->pid);
		if (pe->kind == BOS_CLS_PEV_EXEC) {
			kv_str_or_null(j, "image", pe->path);
			kv_str_or_null(j, "command_line", pe->cmdline);
		} else if (pe->kind == BOS_CLS_PEV_FILE) {
			kv_str_or_null(j, "path", pe->path);
		} else if (pe->kind == BOS_CLS_PEV_CONNECT) {
			endpoint(j, "resp", pe->addr, pe->port);
			kv_str_or_null(j, "community_id", pe->community_id);
			bos_json_kv_int(j, "result", pe->result);
		}
		break;
	}
	default:
		break;
	}
}

static void evidence(struct bos_json *j, const struct ana *a, const struct bos_cls_evidence *e)
{
	bos_json_obj_begin(j);
	bos_json_kv_str(j, "kind", bos_cls_ev_kind_str(e->kind));
	bos_json_kv_int(j, "level", e->level);
	bos_json_kv_str(j, "reason", bos_cls_reason_str(e->reason));
	kv_time(j, "ts", e->ts_ns);
	fact_members(j, a, e->kind, e->idx);
	bos_json_obj_end(j);
}

static const char *cand_label(const struct ana *a, int c)
{
	if (c < 0 || (size_t)c >= a->n_cands)
		return NULL;
	return a->cands[c].name ? a->cands[c].name : a->cands[c].addr;
}

static int cand_cmp(const void *x, const void *y, void *arg)
{
	const struct bos_cls_result *res = arg;
	size_t i = *(const size_t *)x, k = *(const size_t *)y;
	const struct bos_cls_cand_result *a = &res->cands[i], *b = &res->cands[k];

	if (a->level != b->level)
		return (int)b->level - (int)a->level;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	return i < k ? -1 : i > k;
}

#define ADDRS_PER_CAND 16

/* Addresses each candidate was reached at (DNS answer / first address, then flow peers), in
 * one pass over the flows: addrs[c * ADDRS_PER_CAND ...], n_addrs[c]. */
static void collect_addresses(const struct ana *a, const char **addrs, uint8_t *n_addrs)
{
	for (size_t c = 0; c < a->n_cands; c++)
		if (a->cands[c].addr)
			addrs[c * ADDRS_PER_CAND + n_addrs[c]++] = a->cands[c].addr;
	for (size_t i = 0; i < a->n_flows; i++) {
		int c = a->flows[i].cand;
		const char **v;
		bool dup = false;

		if (c < 0 || (size_t)c >= a->n_cands || !a->flows[i].resp_h ||
		    n_addrs[c] >= ADDRS_PER_CAND)
			continue;
		v = &addrs[(size_t)c * ADDRS_PER_CAND];
		for (size_t k = 0; k < n_addrs[c]; k++)
			dup |= !strcmp(v[k], a->flows[i].resp_h);
		if (!dup)
			v[n_addrs[c]++] = a->flows[i].resp_h;
	}
}

static void caveats(struct bos_json *j, struct bos_buf *sum, const struct ana *a,
		    const struct bos_cls_result *res)
{
	struct bos_buf b = BOS_BUF_INIT;

#define CAVEAT(...)                                              \
	do {                                                     \
		bos_buf_reset(&b);                               \
		bos_buf_addf(&b, __VA_ARGS__);                   \
		bos_json_str(j, b.data);                         \
		bos_buf_addf(sum, "  caveat: %s\n", b.data);     \
	} while (0)

	bos_json_key(j, "caveats");
	bos_json_arr_begin(j);
	if (res->caveats & BOS_CLS_CAV_NO_PROCESS)
		CAVEAT("no process data: graded from the network alone; level 6 can not be told "
		       "from 7/8 except by internal connections and uploads seen on the wire, and "
		       "level 1 not from 2");
	if (a->lan_as_c2)
		CAVEAT("no peer outside the LAN: LAN peers were taken as C2 candidates");
	if (res->caveats & BOS_CLS_CAV_SCAN_IGNORED)
		CAVEAT("scan traffic was treated as propagation, not as C2 contact");
	if (res->caveats & BOS_CLS_CAV_EVIDENCE_CAPPED)
		CAVEAT("evidence lists cut to %d items per C2 candidate", BOS_CLS_MAX_EVIDENCE);
	if (res->caveats & BOS_CLS_CAV_OPS_CAPPED)
		CAVEAT("operation list cut to %d of %zu", BOS_CLS_MAX_OPS, res->n_ops_total);
	if (a->capture_drops)
		CAVEAT("capture dropped %llu packets", (unsigned long long)a->capture_drops);
	if (a->tracer_lost)
		CAVEAT("process tracer lost %llu events", (unsigned long long)a->tracer_lost);
	if (a->truncated_capture)
		CAVEAT("capture is truncated");
	if (a->facts_capped)
		CAVEAT("%llu records over the caps were not graded",
		       (unsigned long long)a->facts_capped);
	if (a->out->n_problems)
		CAVEAT("%zu malformed input lines were skipped", a->out->n_problems);
	bos_json_arr_end(j);
	bos_buf_release(&b);
#undef CAVEAT
}

static void summary_evidence(struct bos_buf *sum, const struct ana *a,
			     const struct bos_cls_evidence *e)
{
	char esc[160];

	/* Every string here may be missing from a hostile input line. */
#define S_(x) ((x) ? (x) : "-")
	switch (e->kind) {
	case BOS_CLS_EV_DNS:
		bos_buf_addf(sum, "dns %s rcode %d",
			     bos_escape_str(esc, sizeof(esc), S_(a->dns[e->idx].query)),
			     a->dns[e->idx].rcode);
		break;
	case BOS_CLS_EV_FLOW: {
		char h[64], st[16];

		bos_buf_addf(sum, "flow %s %s:%u %s",
			     bos_escape_str(esc, 64, S_(a->flows[e->idx].uid)),
			     bos_escape_str(h, sizeof(h), S_(a->flows[e->idx].resp_h)),
			     a->flows[e->idx].resp_p,
			     bos_escape_str(st, sizeof(st), S_(a->flows[e->idx].conn_state)));
		break;
	}
	case BOS_CLS_EV_HTTP:
		bos_buf_addf(sum, "http %d %s", a->http[e->idx].status,
			     bos_escape_str(esc, sizeof(esc), S_(a->http_uri[e->idx])));
		break;
	case BOS_CLS_EV_TLS:
		bos_buf_addf(sum, "tls %s", a->tls[e->idx].established ? "established" : "failed");
		break;
	case BOS_CLS_EV_PROXY:
		bos_buf_addf(sum, "proxy.log:%u %s/%03d", a->proxy[e->idx].line,
			     bos_escape_str(esc, 64, S_(a->proxy[e->idx].result)),
			     a->proxy[e->idx].status);
		break;
	case BOS_CLS_EV_PEV:
		bos_buf_addf(sum, "process event %s",
			     bos_escape_str(esc, 64, S_(a->pevs[e->idx].id)));
		break;
	default:
		break;
	}
#undef S_
}

void ana_render(struct ana *a, const struct bos_cls_result *res)
{
	struct bos_json j;
	struct bos_buf *sum = &a->out->summary;
	const struct bos_cls_settings *s = &a->opts->cls;
	size_t *order = NULL, n_order = 0;
	const char **addrs = NULL;
	uint8_t *n_addrs = NULL;
	char esc[256];

	bos_json_init(&j, &a->out->json, BOS_JSON_PRETTY);
	bos_json_obj_begin(&j);
	bos_json_kv_str(&j, "format", "bos-analysis");
	bos_json_kv_int(&j, "format_version", 1);
	bos_json_kv_str(&j, "tool_version", BOS_VERSION);
	bos_json_kv_str(&j, "input_kind", a->input_kind);
	kv_str_or_null(&j, "case_id", a->case_id);
	kv_str_or_null(&j, "sample", a->sample_name);
	bos_json_kv_int(&j, "level", res->level);
	bos_json_kv_str(&j, "level_name", bos_level_name(res->level));
	bos_json_kv_str(&j, "reason", bos_cls_reason_str(res->reason));
	kv_str_or_null(&j, "decided_by", cand_label(a, res->best_cand));

	bos_json_key(&j, "first_reached");
	bos_json_obj_begin(&j);
	for (unsigned l = 2; l <= BOS_LEVEL_MAX && l <= res->level; l++) {
		char k[4];

		if (!res->first_reached[l])
			continue;
		snprintf(k, sizeof(k), "%u", l);
		bos_json_kv_time_ns(&j, k, res->first_reached[l]);
	}
	bos_json_obj_end(&j);

	bos_buf_addf(sum, "level %u: %s (%s)\n", res->level, bos_level_name(res->level),
		     bos_cls_reason_str(res->reason));

	order = calloc(res->n_cands + 1, sizeof(*order));
	addrs = calloc(a->n_cands * ADDRS_PER_CAND + 1, sizeof(*addrs));
	n_addrs = calloc(a->n_cands + 1, sizeof(*n_addrs));
	if (!addrs || !n_addrs) {
		free(addrs);
		free(n_addrs);
		addrs = NULL;
		n_addrs = NULL;
	} else {
		collect_addresses(a, addrs, n_addrs);
	}
	for (size_t i = 0; order && i < res->n_cands; i++)
		if (res->cands[i].n_ev || res->cands[i].n_ops)
			order[n_order++] = i;
	if (n_order)
		qsort_r(order, n_order, sizeof(*order), cand_cmp, (void *)(uintptr_t)res);

	bos_json_key(&j, "c2");
	bos_json_arr_begin(&j);
	for (size_t oi = 0; oi < n_order; oi++) {
		size_t c = order[oi];
		const struct bos_cls_cand_result *cr = &res->cands[c];
		bool kinds[BOS_CLS_EV_PEV + 1] = { false };

		bos_json_obj_begin(&j);
		bos_json_kv_str(&j, "candidate", cand_label(a, (int)c));
		kv_str_or_null(&j, "name", a->cands[c].name);
		bos_json_key(&j, "addresses");
		bos_json_arr_begin(&j);
		for (size_t k = 0; addrs && k < n_addrs[c]; k++)
			bos_json_str(&j, addrs[c * ADDRS_PER_CAND + k]);
		bos_json_arr_end(&j);
		bos_json_kv_int(&j, "level", cr->level);
		bos_json_kv_str(&j, "level_name", bos_level_name(cr->level));
		bos_json_kv_str(&j, "reason", bos_cls_reason_str(cr->reason));
		kv_time(&j, "first_seen", cr->first_ns);
		bos_json_kv_uint(&j, "operations", cr->n_ops);
		for (size_t k = 0; k < cr->n_ev; k++)
			kinds[cr->ev[k].kind] = true;
		bos_json_key(&j, "evidence_kinds");
		bos_json_arr_begin(&j);
		for (int k = 0; k <= BOS_CLS_EV_PEV; k++)
			if (kinds[k])
				bos_json_str(&j, bos_cls_ev_kind_str((enum bos_cls_ev_kind)k));
		bos_json_arr_end(&j);
		bos_json_kv_uint(&j, "evidence_total", cr->n_ev_total);
		bos_json_key(&j, "evidence");
		bos_json_arr_begin(&j);
		for (size_t k = 0; k < cr->n_ev; k++)
			evidence(&j, a, &cr->ev[k]);
		bos_json_arr_end(&j);
		bos_json_obj_end(&j);

		if (oi < 10) {
			const char *label = cand_label(a, (int)c);

			bos_buf_addf(sum, "  c2 %s: level %u %s",
				     bos_escape_str(esc, 80, label ? label : "-"), cr->level,
				     bos_cls_reason_str(cr->reason));
			if (cr->n_ev) {
				bos_buf_addstr(sum, " [");
				summary_evidence(sum, a, &cr->ev[0]);
				bos_buf_addch(sum, ']');
			}
			if (cr->n_ops)
				bos_buf_addf(sum, ", %zu operations", cr->n_ops);
			bos_buf_addch(sum, '\n');
		}
	}
	bos_json_arr_end(&j);
	if (n_order > 10)
		bos_buf_addf(sum, "  ... and %zu more C2 candidates\n", n_order - 10);
	free(order);
	free(addrs);
	free(n_addrs);

	bos_json_key(&j, "operations");
	bos_json_obj_begin(&j);
	{
		size_t caused = 0;

		for (size_t i = 0; i < res->n_ops; i++)
			caused += res->ops[i].caused;
		bos_json_kv_uint(&j, "caused", caused);
		bos_json_kv_uint(&j, "automatic", res->n_ops - caused);
		bos_json_kv_uint(&j, "bursts", res->n_bursts);
		bos_json_kv_uint(&j, "sessions", res->n_sessions);
		bos_buf_addf(sum, "  operations: %zu after C2 data, %u burst(s), %u C2 session(s); "
			     "%zu automatic\n", caused, res->n_bursts, res->n_sessions,
			     res->n_ops - caused);
	}
	bos_json_key(&j, "list");
	bos_json_arr_begin(&j);
	for (size_t i = 0; i < res->n_ops; i++) {
		const struct bos_cls_op *op = &res->ops[i];

		bos_json_obj_begin(&j);
		bos_json_kv_str(&j, "kind", bos_cls_op_kind_str(op->kind));
		kv_time(&j, "ts", op->ts_ns);
		bos_json_kv_bool(&j, "caused", op->caused);
		if (op->caused) {
			bos_json_kv_uint(&j, "burst", op->burst);
			bos_json_kv_uint(&j, "session", op->session);
			kv_str_or_null(&j, "c2", cand_label(a, op->cand));
		}
		if (op->kind == BOS_CLS_OP_SCAN) {
			bos_json_kv_uint(&j, "targets", op->scan_targets);
			bos_json_kv_uint(&j, "flows", op->scan_flows);
		}
		bos_json_kv_str(&j, "source", bos_cls_ev_kind_str(op->ev_kind));
		fact_members(&j, a, op->ev_kind, op->idx);
		if (op->caused) {
			bos_json_key(&j, "after");
			evidence(&j, a, &op->trigger);
		}
		bos_json_obj_end(&j);
	}
	bos_json_arr_end(&j);
	bos_json_kv_uint(&j, "total", res->n_ops_total);
	bos_json_obj_end(&j);

	caveats(&j, sum, a, res);

	bos_json_key(&j, "settings");
	bos_json_obj_begin(&j);
	bos_json_kv_int(&j, "window_ms", s->window_ns / 1000000);
	bos_json_kv_int(&j, "gap_ms", s->gap_ns / 1000000);
	bos_json_kv_uint(&j, "scan_min_targets", s->scan_min_targets);
	bos_json_kv_uint(&j, "upload_min_bytes", s->upload_min_bytes);
	bos_json_obj_end(&j);

	bos_json_key(&j, "inputs");
	bos_json_arr_begin(&j);
	for (size_t i = 0; i < a->n_inputs; i++) {
		const struct ana_input *in = &a->inputs[i];

		bos_json_obj_begin(&j);
		bos_json_kv_str(&j, "file", in->name);
		bos_json_kv_bool(&j, "derived", in->derived);
		kv_str_or_null(&j, "sha256", in->sha256[0] ? in->sha256 : NULL);
		bos_json_kv_uint(&j, "lines", in->lines);
		bos_json_kv_uint(&j, "used", in->used);
		bos_json_kv_uint(&j, "skipped", in->skipped);
		bos_json_obj_end(&j);
	}
	bos_json_arr_end(&j);
	bos_json_obj_end(&j);
	bos_buf_addch(&a->out->json, '\n');
}
