/*
 * The progress-level rules of DESIGN.md section 4 over the facts model of bos/classify.h.
 * docs/levels.md is the prose version of this file; keep the two in step.
 *
 * Passes, in order:
 *  1. scans: flows that carried no data both ways are grouped by destination port (many
 *     hosts) and by destination host (many ports); a group with scan_min_targets or more
 *     targets is a scan. Scan flows grade nothing: they become one SCAN operation each.
 *  2. evidence: every DNS transaction, flow, HTTP transaction, TLS session and proxy line
 *     that belongs to a candidate is graded 3..6 with a reason. A flow that carries HTTP or
 *     (over TCP) TLS is graded by those, not by its bytes: a 404 has payload both ways and
 *     is still a refusal.
 *  3. operations: level-6 evidence gives "C2 data received" intervals (triggers); process
 *     starts, file accesses outside the start-up set, connections to LAN hosts, uploads and
 *     scans that start within `window` after a trigger are caused operations (level 7);
 *     caused operations in two or more bursts (split by `gap`) or C2 sessions (a candidate's
 *     triggers split by `gap`) make level 8.
 *  4. the case: the highest candidate; without any candidate at 3 or more, 1 or 2 from the
 *     process data (or 1 "no evidence" when there is none).
 * Ties are broken by fact index everywhere, so the result does not depend on qsort.
 */
#include "bos/classify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bos/limits.h"

void bos_cls_settings_init(struct bos_cls_settings *s)
{
	*s = (struct bos_cls_settings){
		.window_ns = BOS_CLS_DEFAULT_WINDOW_NS,
		.gap_ns = BOS_CLS_DEFAULT_GAP_NS,
		.scan_min_targets = BOS_CLS_DEFAULT_SCAN_MIN,
		.upload_min_bytes = BOS_CLS_DEFAULT_UPLOAD_MIN,
	};
}

/* Growable evidence vector used while grading (capped only when copied out). */
struct evvec {
	struct bos_cls_evidence *v;
	size_t n, alloc;
};

static int evvec_push(struct evvec *e, struct bos_cls_evidence ev)
{
	if (e->n == e->alloc) {
		size_t na = e->alloc ? e->alloc * 2 : 16;
		struct bos_cls_evidence *nv = realloc(e->v, na * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		e->v = nv;
		e->alloc = na;
	}
	e->v[e->n++] = ev;
	return 0;
}

/* A span of time during which data from a C2 candidate arrived. */
struct trigger {
	int64_t start, end;
	int cand;
	unsigned session;	/* global session number, 1-based */
	struct bos_cls_evidence ev;
};

struct ctx {
	const struct bos_cls_facts *f;
	const struct bos_cls_settings *s;
	struct bos_cls_result *res;
	bool *scan_flow;		/* per flow */
	bool *flow_has_http;
	bool *flow_has_tls;
	struct evvec *cev;		/* per candidate */
	struct trigger *trig;
	size_t n_trig;
	size_t *by_start;		/* trigger indexes by start time (find_trigger) */
	int64_t *max_end;		/* max end over by_start[0..i] */
	struct sset *startup;		/* paths / command lines before the first C2 data */
	struct bos_cls_op *ops;
	size_t n_ops, alloc_ops;
};

/* --- helpers --- */

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_sz(size_t a, size_t b)
{
	return (a > b) - (a < b);
}

static bool valid_cand(const struct ctx *c, int cand)
{
	return cand >= 0 && (size_t)cand < c->f->n_cands;
}

/* A flow that carried no data both ways: what a scan probe looks like. */
static bool flow_is_probe(const struct bos_cls_flow *fl)
{
	return fl->orig_bytes == 0 || fl->resp_bytes == 0;
}

/* --- pass 1: scans --- */

struct scan_sort {
	const struct bos_cls_flow *flows;
	bool by_port;	/* group by resp_p (many hosts) or by resp_h (many ports) */
};

static int scan_cmp(const void *a, const void *b, void *arg)
{
	const struct scan_sort *ss = arg;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct bos_cls_flow *fa = &ss->flows[ia], *fb = &ss->flows[ib];
	int r;

	if (ss->by_port) {
		r = (fa->resp_p > fb->resp_p) - (fa->resp_p < fb->resp_p);
		if (!r)
			r = (int)fa->proto - (int)fb->proto;
		if (!r)
			r = cmp_str(fa->resp_h, fb->resp_h);
	} else {
		r = cmp_str(fa->resp_h, fb->resp_h);
		if (!r)
			r = (fa->resp_p > fb->resp_p) - (fa->resp_p < fb->resp_p);
	}
	return r ? r : cmp_sz(ia, ib);
}

static bool same_group(const struct bos_cls_flow *a, const struct bos_cls_flow *b, bool by_port)
{
	if (by_port)
		return a->resp_p == b->resp_p && a->proto == b->proto;
	return str_eq(a->resp_h, b->resp_h);
}

static bool same_target(const struct bos_cls_flow *a, const struct bos_cls_flow *b, bool by_port)
{
	return by_port ? str_eq(a->resp_h, b->resp_h) : a->resp_p == b->resp_p;
}

static int push_op(struct ctx *c, struct bos_cls_op op)
{
	if (c->n_ops == c->alloc_ops) {
		size_t na = c->alloc_ops ? c->alloc_ops * 2 : 64;
		struct bos_cls_op *nv = realloc(c->ops, na * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		c->ops = nv;
		c->alloc_ops = na;
	}
	c->ops[c->n_ops++] = op;
	return 0;
}

static int find_scans(struct ctx *c)
{
	const struct bos_cls_facts *f = c->f;
	size_t *idx = NULL, n = 0;
	int ret = 0;

	if (!f->n_flows)
		return 0;
	idx = calloc(f->n_flows, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < f->n_flows; i++) {
		const struct bos_cls_flow *fl = &f->flows[i];

		if (fl->from_sample && fl->where != BOS_CLS_WHERE_INFRA && fl->resp_h &&
		    (fl->proto == BOS_CLS_L4_TCP || fl->proto == BOS_CLS_L4_UDP) &&
		    flow_is_probe(fl))
			idx[n++] = i;
	}
	for (int pass = 0; pass < 2 && n; pass++) {
		struct scan_sort ss = { .flows = f->flows, .by_port = pass == 0 };

		qsort_r(idx, n, sizeof(*idx), scan_cmp, &ss);
		for (size_t g = 0; g < n;) {
			size_t e = g + 1;
			uint32_t targets = 1;
			int64_t first = f->flows[idx[g]].ts_ns;
			size_t first_i = idx[g];

			while (e < n &&
			       same_group(&f->flows[idx[g]], &f->flows[idx[e]], ss.by_port)) {
				const struct bos_cls_flow *fe = &f->flows[idx[e]];

				if (!same_target(&f->flows[idx[e - 1]], fe, ss.by_port))
					targets++;
				if (fe->ts_ns < first || (fe->ts_ns == first && idx[e] < first_i)) {
					first = fe->ts_ns;
					first_i = idx[e];
				}
				e++;
			}
			if (targets >= c->s->scan_min_targets) {
				struct bos_cls_op op = {
					.kind = BOS_CLS_OP_SCAN, .ev_kind = BOS_CLS_EV_FLOW,
					.idx = first_i, .ts_ns = first, .cand = -1,
					.scan_targets = targets, .scan_flows = (uint32_t)(e - g),
				};
				bool fresh = false;

				for (size_t k = g; k < e; k++) {
					fresh |= !c->scan_flow[idx[k]];
					c->scan_flow[idx[k]] = true;
				}
				/* A flow in both scan kinds is reported once. */
				if (fresh) {
					ret = push_op(c, op);
					if (ret)
						goto out;
				}
				c->res->caveats |= BOS_CLS_CAV_SCAN_IGNORED;
			}
			g = e;
		}
	}
out:
	free(idx);
	return ret;
}

/* --- pass 2: evidence --- */

static int add_ev(struct ctx *c, int cand, enum bos_cls_ev_kind kind, size_t idx, unsigned level,
		  enum bos_cls_reason reason, int64_t ts)
{
	struct bos_cls_evidence ev = {
		.kind = kind, .idx = idx, .level = (uint8_t)level, .reason = reason, .ts_ns = ts,
	};

	if (!valid_cand(c, cand))
		return 0;
	return evvec_push(&c->cev[cand], ev);
}

static void grade_dns(const struct bos_cls_dns *d, unsigned *level, enum bos_cls_reason *r)
{
	*level = 3;
	switch (d->rcode) {
	case -1: *r = BOS_CLS_R_DNS_NO_ANSWER; break;
	case 0: *r = d->n_answers ? BOS_CLS_R_RESOLVED : BOS_CLS_R_NO_ADDRESS; break;
	case 2: *r = BOS_CLS_R_SERVFAIL; break;
	case 3: *r = BOS_CLS_R_NXDOMAIN; break;
	case 5: *r = BOS_CLS_R_DNS_REFUSED; break;
	default: *r = BOS_CLS_R_NO_ADDRESS; break;
	}
}

static bool state_is(const char *st, const char *want)
{
	return st && !strcmp(st, want);
}

/* History letters (Zeek): upper case = originator, lower = responder. */
static bool hist_has(const char *h, char ch)
{
	return h && strchr(h, ch) != NULL;
}

/* Grade a flow by its state and bytes. Returns 0 when it says nothing (e.g. ICMP). */
static unsigned grade_flow(const struct bos_cls_flow *fl, enum bos_cls_reason *r)
{
	const char *st = fl->conn_state;
	bool both = fl->orig_bytes > 0 && fl->resp_bytes > 0;

	if (fl->proto == BOS_CLS_L4_UDP) {
		if (both) {
			*r = BOS_CLS_R_PAYLOAD_BOTH;
			return 6;
		}
		if (fl->resp_bytes == 0 && fl->orig_bytes > 0) {
			*r = BOS_CLS_R_NO_ANSWER;
			return 4;
		}
		return 0;
	}
	if (fl->proto != BOS_CLS_L4_TCP)
		return 0;
	/* Never answered: S0 (SYN only), SH (SYN+FIN, no SYN-ACK), RSTOS0 (SYN then own RST). */
	if (state_is(st, "S0") || state_is(st, "SH") || state_is(st, "RSTOS0")) {
		*r = BOS_CLS_R_NO_ANSWER;
		return 4;
	}
	/* REJ: the SYN was answered by a RST. */
	if (state_is(st, "REJ")) {
		*r = BOS_CLS_R_REFUSED;
		return 4;
	}
	if (!st) {
		/* No state from the engine: use the history. */
		if (hist_has(fl->history, 'S') && !hist_has(fl->history, 'h')) {
			bool rst = hist_has(fl->history, 'r');

			*r = rst ? BOS_CLS_R_REFUSED : BOS_CLS_R_NO_ANSWER;
			return 4;
		}
	}
	if (both) {
		*r = BOS_CLS_R_PAYLOAD_BOTH;
		return 6;
	}
	*r = BOS_CLS_R_CLOSED_NO_DATA;
	return 5;
}

static unsigned grade_http(const struct bos_cls_http *h, enum bos_cls_reason *r)
{
	if (h->status >= 200 && h->status < 400) {
		*r = BOS_CLS_R_HTTP_OK;
		return 6;
	}
	if (h->status >= 400) {
		*r = BOS_CLS_R_HTTP_REFUSED;
		return 5;
	}
	if (h->status == 0) {
		*r = BOS_CLS_R_CLOSED_NO_DATA;	/* request sent, no response */
		return 5;
	}
	return 0;	/* 1xx: interim, the final status is another transaction */
}

static unsigned grade_tls(const struct bos_cls_tls *t, enum bos_cls_reason *r)
{
	if (t->established) {
		*r = BOS_CLS_R_TLS_DATA;
		return 6;
	}
	if (t->last_alert && strcmp(t->last_alert, "close_notify")) {
		*r = BOS_CLS_R_TLS_ALERT;
		return 5;
	}
	*r = BOS_CLS_R_TLS_FAILED;
	return 5;
}

static bool is_ip_literal(const char *h)
{
	bool dot = false;

	if (!h || !*h)
		return false;
	if (strchr(h, ':') || h[0] == '[')
		return true;	/* IPv6 literal (host:port never reaches here) */
	for (const char *p = h; *p; p++) {
		if (*p == '.')
			dot = true;
		else if (*p < '0' || *p > '9')
			return false;
	}
	return dot;
}

/*
 * Squid's view. An explicit error code (lab's logformat logs %err_code) decides; without it
 * a proxy-made error (hierarchy NONE, no upstream address) is a DNS failure for a name and a
 * connect failure for an address literal, and "000" means no reply from upstream at all.
 * A status with an upstream peer is what the origin answered.
 */
static unsigned grade_proxy(const struct bos_cls_proxy *p, enum bos_cls_reason *r)
{
	bool no_upstream = !p->peer || !p->hier || !strcmp(p->hier, "HIER_NONE") ||
			   !strcmp(p->hier, "NONE");

	if (p->err && strstr(p->err, "ERR_DNS_FAIL")) {
		*r = BOS_CLS_R_PROXY_DNS_FAIL;
		return 3;
	}
	if (p->err &&
	    (strstr(p->err, "ERR_CONNECT_FAIL") || strstr(p->err, "ERR_CONNECT_TIMEOUT") ||
	     strstr(p->err, "ERR_GATEWAY_FAILURE"))) {
		*r = BOS_CLS_R_PROXY_CONNECT_FAIL;
		return 4;
	}
	if (p->status == 0) {
		*r = BOS_CLS_R_PROXY_CONNECT_FAIL;
		return 4;
	}
	/* The proxy's own connection upstream never got an answer: its error page. */
	if (p->status >= 400 &&
	    (p->upstream == BOS_CLS_UP_NO_ANSWER || p->upstream == BOS_CLS_UP_REFUSED)) {
		*r = BOS_CLS_R_PROXY_CONNECT_FAIL;
		return 4;
	}
	if (p->status < 200)
		return 0;
	/* A CONNECT tunnel is only a TCP connection to the origin: what went through it says
	 * how far it got. TLS seen inside decides; else bytes from the origin (%<st). */
	if (p->method && !strcmp(p->method, "CONNECT") && p->status < 300) {
		if (p->tunnel_tls)
			return 0;
		*r = p->bytes ? BOS_CLS_R_PROXY_OK : BOS_CLS_R_CLOSED_NO_DATA;
		return p->bytes ? 6 : 5;
	}
	if (p->status >= 400 && no_upstream) {
		if (is_ip_literal(p->host)) {
			*r = BOS_CLS_R_PROXY_CONNECT_FAIL;
			return 4;
		}
		*r = BOS_CLS_R_PROXY_DNS_FAIL;
		return 3;
	}
	if (p->status < 400) {
		*r = BOS_CLS_R_PROXY_OK;
		return 6;
	}
	*r = BOS_CLS_R_PROXY_REFUSED;
	return 5;
}

static int push_trigger(struct ctx *c, size_t *alloc, int cand, struct bos_cls_evidence ev,
			int64_t start, int64_t end)
{
	if (c->n_trig == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 32;
		struct trigger *nv = realloc(c->trig, na * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		c->trig = nv;
		*alloc = na;
	}
	c->trig[c->n_trig++] = (struct trigger){
		.start = start, .end = end < start ? start : end, .cand = cand, .ev = ev,
	};
	return 0;
}

static int collect_evidence(struct ctx *c)
{
	const struct bos_cls_facts *f = c->f;
	size_t talloc = 0;
	unsigned lv;
	enum bos_cls_reason r = BOS_CLS_R_NONE;
	int ret = 0;

	for (size_t i = 0; i < f->n_http; i++) {
		int fl = f->http[i].flow;

		if (fl >= 0 && (size_t)fl < f->n_flows)
			c->flow_has_http[fl] = true;
	}
	for (size_t i = 0; i < f->n_tls; i++) {
		int fl = f->tls[i].flow;

		if (fl >= 0 && (size_t)fl < f->n_flows && f->flows[fl].proto == BOS_CLS_L4_TCP)
			c->flow_has_tls[fl] = true;
	}
	for (size_t i = 0; i < f->n_dns && !ret; i++) {
		grade_dns(&f->dns[i], &lv, &r);
		ret = add_ev(c, f->dns[i].cand, BOS_CLS_EV_DNS, i, lv, r, f->dns[i].ts_ns);
	}
	for (size_t i = 0; i < f->n_flows && !ret; i++) {
		const struct bos_cls_flow *fl = &f->flows[i];

		if (!valid_cand(c, fl->cand) || c->scan_flow[i] || !fl->from_sample)
			continue;
		if (c->flow_has_http[i] || c->flow_has_tls[i])
			continue;
		lv = grade_flow(fl, &r);
		if (!lv)
			continue;
		ret = add_ev(c, fl->cand, BOS_CLS_EV_FLOW, i, lv, r, fl->ts_ns);
		if (!ret && lv == 6)
			ret = push_trigger(c, &talloc, fl->cand,
					   c->cev[fl->cand].v[c->cev[fl->cand].n - 1], fl->ts_ns,
					   fl->ts_ns + fl->dur_ns);
	}
	for (size_t i = 0; i < f->n_http && !ret; i++) {
		const struct bos_cls_http *h = &f->http[i];

		if (!valid_cand(c, h->cand))
			continue;
		if (h->flow >= 0 && (size_t)h->flow < f->n_flows && c->scan_flow[h->flow])
			continue;
		lv = grade_http(h, &r);
		if (!lv)
			continue;
		ret = add_ev(c, h->cand, BOS_CLS_EV_HTTP, i, lv, r, h->ts_ns);
		if (!ret && lv == 6)
			ret = push_trigger(c, &talloc, h->cand,
					   c->cev[h->cand].v[c->cev[h->cand].n - 1], h->ts_ns,
					   h->ts_ns);
	}
	for (size_t i = 0; i < f->n_tls && !ret; i++) {
		const struct bos_cls_tls *t = &f->tls[i];
		int64_t start = t->ts_ns, end = t->ts_ns;

		if (!valid_cand(c, t->cand))
			continue;
		if (t->flow >= 0 && (size_t)t->flow < f->n_flows) {
			const struct bos_cls_flow *fl = &f->flows[t->flow];

			if (c->scan_flow[t->flow] || fl->proto != BOS_CLS_L4_TCP)
				continue;	/* QUIC is graded by its UDP flow */
			end = fl->ts_ns + fl->dur_ns;
		}
		lv = grade_tls(t, &r);
		ret = add_ev(c, t->cand, BOS_CLS_EV_TLS, i, lv, r, t->ts_ns);
		if (!ret && lv == 6)
			ret = push_trigger(c, &talloc, t->cand,
					   c->cev[t->cand].v[c->cev[t->cand].n - 1], start, end);
	}
	for (size_t i = 0; i < f->n_proxy && !ret; i++) {
		const struct bos_cls_proxy *p = &f->proxy[i];

		if (!valid_cand(c, p->cand))
			continue;
		lv = grade_proxy(p, &r);
		if (!lv)
			continue;
		/* Squid logs when the transaction ends: it started dur_ns earlier. */
		ret = add_ev(c, p->cand, BOS_CLS_EV_PROXY, i, lv, r, p->ts_ns - p->dur_ns);
		if (!ret && lv == 6)
			ret = push_trigger(c, &talloc, p->cand,
					   c->cev[p->cand].v[c->cev[p->cand].n - 1],
					   p->ts_ns - p->dur_ns, p->ts_ns);
	}
	/* Process connects to a candidate that never showed up on the wire (capture loss). */
	for (size_t i = 0; i < f->n_pevs && !ret; i++) {
		const struct bos_cls_pev *pe = &f->pevs[i];

		if (pe->kind != BOS_CLS_PEV_CONNECT || !valid_cand(c, pe->cand))
			continue;
		if (pe->result == ECONNREFUSED)
			ret =
			    add_ev(c, pe->cand, BOS_CLS_EV_PEV, i, 4, BOS_CLS_R_REFUSED, pe->ts_ns);
		else if (pe->result == ETIMEDOUT || pe->result == EHOSTUNREACH)
			ret = add_ev(c, pe->cand, BOS_CLS_EV_PEV, i, 4, BOS_CLS_R_NO_ANSWER,
				     pe->ts_ns);
	}
	return ret;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct bos_cls_evidence *x = a, *y = b;
	int r = (int)y->level - (int)x->level;

	if (!r)
		r = cmp_i64(x->ts_ns, y->ts_ns);
	if (!r)
		r = (int)x->kind - (int)y->kind;
	if (!r)
		r = cmp_sz(x->idx, y->idx);
	return r;
}

/* --- pass 3: operations --- */

static int trig_cmp(const void *a, const void *b)
{
	const struct trigger *x = a, *y = b;
	int r = x->cand - y->cand;

	if (!r)
		r = cmp_i64(x->start, y->start);
	if (!r)
		r = (int)x->ev.kind - (int)y->ev.kind;
	if (!r)
		r = cmp_sz(x->ev.idx, y->ev.idx);
	return r;
}

/* Number C2 sessions: per candidate, triggers more than gap apart start a new one. */
static void number_sessions(struct ctx *c)
{
	unsigned sess = 0;
	int64_t last_end = 0;

	if (c->n_trig)
		qsort(c->trig, c->n_trig, sizeof(*c->trig), trig_cmp);
	for (size_t i = 0; i < c->n_trig; i++) {
		struct trigger *t = &c->trig[i];

		if (i == 0 || t->cand != c->trig[i - 1].cand ||
		    t->start - last_end > c->s->gap_ns) {
			sess++;
			last_end = t->end;
		}
		if (t->end > last_end)
			last_end = t->end;
		t->session = sess;
	}
}

static int by_start_cmp(const void *a, const void *b, void *arg)
{
	const struct trigger *t = arg;
	size_t i = *(const size_t *)a, k = *(const size_t *)b;
	int r = cmp_i64(t[i].start, t[k].start);

	return r ? r : trig_cmp(&t[i], &t[k]);
}

/* Index the triggers by start time, with the running maximum of their ends, so each
 * operation finds its trigger without scanning them all. */
static int index_triggers(struct ctx *c)
{
	c->by_start = calloc(c->n_trig + 1, sizeof(*c->by_start));
	c->max_end = calloc(c->n_trig + 1, sizeof(*c->max_end));
	if (!c->by_start || !c->max_end)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_trig; i++)
		c->by_start[i] = i;
	if (c->n_trig)
		qsort_r(c->by_start, c->n_trig, sizeof(*c->by_start), by_start_cmp, c->trig);
	for (size_t i = 0; i < c->n_trig; i++) {
		int64_t e = c->trig[c->by_start[i]].end;

		c->max_end[i] = i && c->max_end[i - 1] > e ? c->max_end[i - 1] : e;
	}
	return 0;
}

/* The most recent trigger that started before ts and whose data ended within the window
 * (ties: the first in trig_cmp order). An upload can not be caused by its own transaction
 * (self_kind/self_idx). */
static const struct trigger *find_trigger(const struct ctx *c, int64_t ts,
					  enum bos_cls_ev_kind self_kind, size_t self_idx,
					  bool has_self)
{
	const struct trigger *best = NULL;
	size_t lo = 0, hi = c->n_trig;

	/* First index whose start is >= ts. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->trig[c->by_start[mid]].start < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Walk back while some earlier trigger could still end inside the window. */
	for (size_t j = lo; j-- > 0 && ts - c->max_end[j] <= c->s->window_ns;) {
		const struct trigger *t = &c->trig[c->by_start[j]];

		if (best && t->start < best->start)
			break;
		if (has_self && t->ev.kind == self_kind && t->ev.idx == self_idx)
			continue;
		if (ts - t->end > c->s->window_ns)
			continue;
		if (!best || trig_cmp(t, best) < 0)
			best = t;
	}
	return best;
}

/* Files every program touches while starting or resolving names: never an operation. */
static bool system_path(const char *p)
{
	static const char *const prefixes[] = {
		"/lib/", "/lib32/", "/lib64/", "/libx32/", "/usr/lib/", "/usr/lib32/",
		"/usr/lib64/", "/usr/libx32/", "/usr/share/locale/", "/usr/share/zoneinfo/",
		"/usr/lib/locale/", "/etc/ld.so.", "/proc/self/", "/proc/thread-self/",
		"/sys/devices/system/cpu/",
	};
	static const char *const exact[] = {
		"/etc/localtime", "/etc/nsswitch.conf", "/etc/resolv.conf", "/etc/hosts",
		"/etc/host.conf", "/etc/gai.conf", "/etc/services", "/dev/null", "/dev/zero",
		"/dev/urandom", "/dev/random", "/dev/tty", "/etc/locale.alias",
	};

	if (!p)
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(p, prefixes[i], strlen(prefixes[i])))
			return true;
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(p, exact[i]))
			return true;
	return false;
}

/* Environment services a host uses on its own (name resolution, time, discovery, Kerberos
 * ticket traffic): a connection to them is not an operation. */
static bool env_port(uint16_t port)
{
	switch (port) {
	case 53: case 67: case 68: case 88: case 123: case 137: case 138:
	case 546: case 547: case 1900: case 5353: case 5355:
		return true;
	default:
		return false;
	}
}

/* A set of (kind, string): the start-up set of paths and command lines. */
struct sset {
	const char **k;
	uint8_t *kind;
	size_t cap;
};

static uint64_t hash_str(const char *s, uint8_t kind)
{
	uint64_t h = 1469598103934665603ULL ^ kind;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static const char *pev_key(const struct bos_cls_pev *pe)
{
	if (pe->kind == BOS_CLS_PEV_EXEC)
		return pe->cmdline ? pe->cmdline : pe->path;
	return pe->kind == BOS_CLS_PEV_FILE ? pe->path : NULL;
}

/* Insert or look up (insert false). The table is sized for every event: never full. */
static bool sset_op(struct sset *set, const struct bos_cls_pev *pe, bool insert)
{
	const char *key = pev_key(pe);
	uint8_t kind = (uint8_t)pe->kind;
	size_t i;

	if (!key || !set->cap)
		return false;
	for (i = hash_str(key, kind) & (set->cap - 1); set->k[i]; i = (i + 1) & (set->cap - 1))
		if (set->kind[i] == kind && !strcmp(set->k[i], key))
			return true;
	if (insert) {
		set->k[i] = key;
		set->kind[i] = kind;
	}
	return false;
}

static int build_startup_set(struct ctx *c, struct sset *set, int64_t t_first)
{
	size_t cap = 16;

	while (cap < 2 * c->f->n_pevs + 2)
		cap *= 2;
	set->k = calloc(cap, sizeof(*set->k));
	set->kind = calloc(cap, sizeof(*set->kind));
	if (!set->k || !set->kind)
		return -ENOMEM;
	set->cap = cap;
	for (size_t i = 0; i < c->f->n_pevs; i++)
		if (c->f->pevs[i].ts_ns < t_first)
			sset_op(set, &c->f->pevs[i], true);
	return 0;
}

/* Was the same path (FILE) or command line (EXEC) seen before the first C2 data? */
static bool in_startup_set(const struct ctx *c, const struct bos_cls_pev *pe)
{
	return sset_op(c->startup, pe, false);
}

static int collect_ops(struct ctx *c)
{
	const struct bos_cls_facts *f = c->f;
	int64_t t_first = INT64_MAX;
	int ret = 0;

	for (size_t i = 0; i < c->n_trig; i++)
		if (c->trig[i].start < t_first)
			t_first = c->trig[i].start;
	ret = build_startup_set(c, c->startup, t_first);

	for (size_t i = 0; i < f->n_pevs && !ret; i++) {
		const struct bos_cls_pev *pe = &f->pevs[i];
		struct bos_cls_op op = {
			.ev_kind = BOS_CLS_EV_PEV, .idx = i, .ts_ns = pe->ts_ns, .cand = -1,
		};

		switch (pe->kind) {
		case BOS_CLS_PEV_EXEC:
			if (pe->root || pe->result != 0 || in_startup_set(c, pe))
				continue;
			op.kind = BOS_CLS_OP_EXEC;
			break;
		case BOS_CLS_PEV_FILE:
			if (system_path(pe->path) || in_startup_set(c, pe))
				continue;
			op.kind = BOS_CLS_OP_FILE;
			break;
		case BOS_CLS_PEV_CONNECT:
			if (pe->where != BOS_CLS_WHERE_LAN || env_port(pe->port))
				continue;
			op.kind = BOS_CLS_OP_INTERNAL;
			break;
		case BOS_CLS_PEV_EXIT:
		default:
			continue;
		}
		/* Before the first C2 data nothing can be caused: listing all start-up activity
		 * would only repeat process.jsonl. */
		if (pe->ts_ns <= t_first)
			continue;
		ret = push_op(c, op);
	}
	/* Network-only: connections to LAN hosts are seen on the wire. With process data the
	 * process connects above are the source (one op per connect, not per flow). */
	for (size_t i = 0; i < f->n_flows && !ret && !f->have_process; i++) {
		const struct bos_cls_flow *fl = &f->flows[i];
		struct bos_cls_op op = {
			.kind = BOS_CLS_OP_INTERNAL, .ev_kind = BOS_CLS_EV_FLOW, .idx = i,
			.ts_ns = fl->ts_ns, .cand = -1,
		};

		if (!fl->from_sample || fl->where != BOS_CLS_WHERE_LAN || c->scan_flow[i] ||
		    env_port(fl->resp_p) || fl->ts_ns <= t_first)
			continue;
		ret = push_op(c, op);
	}
	for (size_t i = 0; i < f->n_http && !ret; i++) {
		const struct bos_cls_http *h = &f->http[i];
		struct bos_cls_op op = {
			.kind = BOS_CLS_OP_UPLOAD, .ev_kind = BOS_CLS_EV_HTTP, .idx = i,
			.ts_ns = h->ts_ns, .cand = -1,
		};

		if (h->req_body_len < c->s->upload_min_bytes || h->ts_ns <= t_first)
			continue;
		if (h->flow >= 0 && (size_t)h->flow < f->n_flows &&
		    (f->flows[h->flow].where == BOS_CLS_WHERE_LAN ||
		     !f->flows[h->flow].from_sample))
			continue;
		ret = push_op(c, op);
	}
	return ret;
}

static int op_cmp(const void *a, const void *b)
{
	const struct bos_cls_op *x = a, *y = b;
	int r = cmp_i64(x->ts_ns, y->ts_ns);

	if (!r)
		r = (int)x->kind - (int)y->kind;
	if (!r)
		r = (int)x->ev_kind - (int)y->ev_kind;
	if (!r)
		r = cmp_sz(x->idx, y->idx);
	return r;
}

/* Decide causality, bursts and sessions; *caused gets the number of caused operations. */
static int link_ops(struct ctx *c, size_t *caused)
{
	struct bos_cls_result *res = c->res;
	int64_t last = 0;
	unsigned burst = 0;
	unsigned *seen = calloc(c->n_trig + 1, sizeof(*seen));
	size_t n_seen = 0;

	*caused = 0;
	if (!seen)
		return -ENOMEM;
	if (c->n_ops)
		qsort(c->ops, c->n_ops, sizeof(*c->ops), op_cmp);
	for (size_t i = 0; i < c->n_ops; i++) {
		struct bos_cls_op *op = &c->ops[i];
		const struct trigger *t = find_trigger(c, op->ts_ns, op->ev_kind, op->idx,
						       op->kind == BOS_CLS_OP_UPLOAD);
		bool dup = false;

		if (!t)
			continue;
		op->caused = true;
		op->cand = t->cand;
		op->trigger = t->ev;
		op->session = t->session;
		if (*caused == 0 || op->ts_ns - last > c->s->gap_ns)
			burst++;
		op->burst = burst;
		last = op->ts_ns;
		(*caused)++;
		for (size_t k = 0; k < n_seen; k++)
			dup |= seen[k] == t->session;
		if (!dup)
			seen[n_seen++] = t->session;
		res->cands[t->cand].n_ops++;
	}
	free(seen);
	res->n_bursts = burst;
	res->n_sessions = (unsigned)n_seen;
	return 0;
}

/* Level of one candidate from its caused operations (0 if none). */
static unsigned cand_op_level(const struct ctx *c, int cand, enum bos_cls_reason *r,
			      int64_t *t7, int64_t *t8)
{
	unsigned first_burst = 0, first_sess = 0;
	unsigned level = 0;

	for (size_t i = 0; i < c->n_ops; i++) {
		const struct bos_cls_op *op = &c->ops[i];

		if (!op->caused || op->cand != cand)
			continue;
		if (!level) {
			level = 7;
			*r = BOS_CLS_R_OPERATIONS;
			*t7 = op->ts_ns;
			first_burst = op->burst;
			first_sess = op->session;
			continue;
		}
		if (level == 7 && op->burst != first_burst) {
			level = 8;
			*r = BOS_CLS_R_BURSTS;
			*t8 = op->ts_ns;
		} else if (level == 7 && op->session != first_sess) {
			level = 8;
			*r = BOS_CLS_R_SESSIONS;
			*t8 = op->ts_ns;
		}
	}
	return level;
}

static void set_first(int64_t *slot, int64_t ts)
{
	if (*slot == 0 || ts < *slot)
		*slot = ts;
}

/* --- pass 4: the case --- */

/*
 * execvp(3) semantics: when the sample's own execve fails with ENOEXEC (a text file, a
 * Windows PE, a binary for another CPU), the file is handed to /bin/sh as a script. That
 * shell starting is not the sample running: `sh sample` erroring out on garbage is level 1.
 * (A shebang-less script that does something starts other programs or sends packets, and
 * those count.) The fallback: same pid as the failed root exec, a shell image, the root's
 * path among its arguments.
 */
static bool shell_fallback(const struct bos_cls_facts *f, const struct bos_cls_pev *pe)
{
	const char *img = pe->path ? strrchr(pe->path, '/') : NULL;

	img = img ? img + 1 : pe->path;
	if (!img || (strcmp(img, "sh") && strcmp(img, "dash") && strcmp(img, "bash")))
		return false;
	for (size_t i = 0; i < f->n_pevs; i++) {
		const struct bos_cls_pev *r = &f->pevs[i];

		if (r->kind == BOS_CLS_PEV_EXEC && r->root && r->result == ENOEXEC &&
		    r->pid == pe->pid && r->ts_ns <= pe->ts_ns && r->path && pe->cmdline &&
		    strstr(pe->cmdline, r->path))
			return true;
	}
	return false;
}

static void grade_case(struct ctx *c, size_t caused)
{
	const struct bos_cls_facts *f = c->f;
	struct bos_cls_result *res = c->res;
	bool ran = false, traffic = false;
	int64_t t_ran = 0, t_traffic = 0;

	for (size_t i = 0; i < res->n_cands; i++) {
		const struct bos_cls_cand_result *cr = &res->cands[i];

		if (cr->level > res->level ||
		    (cr->level == res->level && res->best_cand >= 0 &&
		     cr->first_ns < res->cands[res->best_cand].first_ns)) {
			res->level = cr->level;
			res->reason = cr->reason;
			res->best_cand = (int)i;
		}
	}
	/* Operations caused by one candidate and continued from another: still level 8. */
	if (res->level == 7 && caused && (res->n_bursts >= 2 || res->n_sessions >= 2)) {
		res->level = 8;
		res->reason = res->n_bursts >= 2 ? BOS_CLS_R_BURSTS : BOS_CLS_R_SESSIONS;
	}
	for (size_t i = 0; i < f->n_pevs; i++) {
		if (f->pevs[i].kind == BOS_CLS_PEV_EXEC && f->pevs[i].result == 0 &&
		    !shell_fallback(f, &f->pevs[i])) {
			if (!ran || f->pevs[i].ts_ns < t_ran)
				t_ran = f->pevs[i].ts_ns;
			ran = true;
		}
	}
	for (size_t i = 0; i < f->n_flows; i++) {
		if (!f->flows[i].from_sample)
			continue;
		if (!traffic || f->flows[i].ts_ns < t_traffic)
			t_traffic = f->flows[i].ts_ns;
		traffic = true;
	}
	traffic |= f->n_dns > 0 || f->n_proxy > 0;
	if (res->level >= 3) {
		if (ran)
			set_first(&res->first_reached[2], t_ran);
		else if (!f->have_process && traffic && t_traffic)
			set_first(&res->first_reached[2], t_traffic);
		return;
	}
	res->best_cand = -1;
	if (f->exec_failed && !traffic) {
		res->level = 1;
		res->reason = BOS_CLS_R_NOT_RUN;
	} else if (f->have_process) {
		if (ran || traffic) {
			res->level = 2;
			res->reason = traffic ? BOS_CLS_R_NO_C2_TRAFFIC : BOS_CLS_R_NO_TRAFFIC;
			set_first(&res->first_reached[2], ran ? t_ran : t_traffic);
		} else {
			res->level = 1;
			res->reason = BOS_CLS_R_NOT_RUN;
		}
	} else if (traffic) {
		/* Packets prove it ran; none of them went to a C2 candidate. */
		res->level = 2;
		res->reason = BOS_CLS_R_NO_C2_TRAFFIC;
		if (t_traffic)
			set_first(&res->first_reached[2], t_traffic);
	} else if (f->started) {
		/* No tracer, but the environment started it and nothing failed. */
		res->level = 2;
		res->reason = BOS_CLS_R_NO_TRAFFIC;
	} else {
		res->level = 1;
		res->reason = BOS_CLS_R_NO_EVIDENCE;
	}
}

static int finish_cands(struct ctx *c)
{
	struct bos_cls_result *res = c->res;

	for (size_t i = 0; i < res->n_cands; i++) {
		struct evvec *e = &c->cev[i];
		struct bos_cls_cand_result *cr = &res->cands[i];
		int64_t t7 = 0, t8 = 0;
		enum bos_cls_reason r = BOS_CLS_R_NONE;
		unsigned olv;
		size_t keep;

		if (e->n)
			qsort(e->v, e->n, sizeof(*e->v), ev_cmp);
		cr->n_ev_total = e->n;
		for (size_t k = 0; k < e->n; k++) {
			for (unsigned l = 3; l <= e->v[k].level && l <= 6; l++)
				set_first(&res->first_reached[l], e->v[k].ts_ns);
			if (!cr->first_ns || e->v[k].ts_ns < cr->first_ns)
				cr->first_ns = e->v[k].ts_ns;
		}
		if (e->n) {
			cr->level = e->v[0].level;
			cr->reason = e->v[0].reason;
			if (cr->reason == BOS_CLS_R_RESOLVED)
				cr->reason = BOS_CLS_R_NOT_CONTACTED;
		}
		olv = cand_op_level(c, (int)i, &r, &t7, &t8);
		if (olv > cr->level) {
			cr->level = (uint8_t)olv;
			cr->reason = r;
		}
		if (t7)
			set_first(&res->first_reached[7], t7);
		if (t8)
			set_first(&res->first_reached[8], t8);
		cr->scan_only = !e->n;
		keep = e->n < BOS_CLS_MAX_EVIDENCE ? e->n : BOS_CLS_MAX_EVIDENCE;
		if (keep < e->n)
			res->caveats |= BOS_CLS_CAV_EVIDENCE_CAPPED;
		if (keep) {
			cr->ev = calloc(keep, sizeof(*cr->ev));
			if (!cr->ev)
				return -ENOMEM;
			memcpy(cr->ev, e->v, keep * sizeof(*cr->ev));
		}
		cr->n_ev = keep;
	}
	return 0;
}

/* Level 8 across candidates: the time the second burst or session began. */
static void first_reached_8(struct ctx *c)
{
	struct bos_cls_result *res = c->res;
	unsigned b0 = 0, s0 = 0;

	if (res->level != 8 || res->first_reached[8])
		return;
	for (size_t i = 0; i < c->n_ops; i++) {
		const struct bos_cls_op *op = &c->ops[i];

		if (!op->caused)
			continue;
		if (!b0) {
			b0 = op->burst;
			s0 = op->session;
		} else if (op->burst != b0 || op->session != s0) {
			res->first_reached[8] = op->ts_ns;
			return;
		}
	}
}

int bos_classify_run(const struct bos_cls_facts *facts, const struct bos_cls_settings *set,
		     struct bos_cls_result *res, struct bos_err *err)
{
	struct sset startup = { 0 };
	struct ctx c = { .f = facts, .s = set, .res = res, .startup = &startup };
	size_t nf = facts->n_flows ? facts->n_flows : 1;
	size_t nc = facts->n_cands ? facts->n_cands : 1;
	size_t caused;
	int ret = 0;

	*res = (struct bos_cls_result){ .best_cand = -1 };
	c.scan_flow = calloc(nf, sizeof(bool));
	c.flow_has_http = calloc(nf, sizeof(bool));
	c.flow_has_tls = calloc(nf, sizeof(bool));
	c.cev = calloc(nc, sizeof(*c.cev));
	res->cands = calloc(nc, sizeof(*res->cands));
	if (!c.scan_flow || !c.flow_has_http || !c.flow_has_tls || !c.cev || !res->cands) {
		ret = -ENOMEM;
		goto out;
	}
	res->n_cands = facts->n_cands;
	if (!facts->have_process)
		res->caveats |= BOS_CLS_CAV_NO_PROCESS;

	ret = find_scans(&c);
	if (!ret)
		ret = collect_evidence(&c);
	if (ret)
		goto out;
	number_sessions(&c);
	ret = index_triggers(&c);
	if (!ret)
		ret = collect_ops(&c);
	if (ret)
		goto out;
	ret = link_ops(&c, &caused);
	if (!ret)
		ret = finish_cands(&c);
	if (ret)
		goto out;
	grade_case(&c, caused);
	first_reached_8(&c);
	/* Hand over the operations, capped. */
	res->n_ops_total = c.n_ops;
	res->n_ops = c.n_ops < BOS_CLS_MAX_OPS ? c.n_ops : BOS_CLS_MAX_OPS;
	if (res->n_ops < c.n_ops)
		res->caveats |= BOS_CLS_CAV_OPS_CAPPED;
	res->ops = c.ops;
	c.ops = NULL;
out:
	if (c.cev)
		for (size_t i = 0; i < nc; i++)
			free(c.cev[i].v);
	free(c.cev);
	free(c.scan_flow);
	free(c.flow_has_http);
	free(c.flow_has_tls);
	free(c.trig);
	free(c.by_start);
	free(c.max_end);
	free(startup.k);
	free(startup.kind);
	free(c.ops);
	if (ret) {
		bos_cls_result_release(res);
		return bos_err_set(err, ret, "classify: out of memory");
	}
	return 0;
}

void bos_cls_result_release(struct bos_cls_result *res)
{
	if (res->cands)
		for (size_t i = 0; i < res->n_cands; i++)
			free(res->cands[i].ev);
	free(res->cands);
	free(res->ops);
	*res = (struct bos_cls_result){ .best_cand = -1 };
}
