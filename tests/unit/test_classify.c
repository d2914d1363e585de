/*
 * Unit tests of the pure classifier (src/classify) on hand-built facts: one case per level
 * and one per point of docs/levels.md that needs care. Times are seconds (S(x)) from 0.
 */
#include <errno.h>
#include <stdio.h>

#include "bos/classify.h"
#include "harness.h"

#define S(x) ((int64_t)((x) * 1000000000.0))

struct fx {
	struct bos_cls_facts f;
	struct bos_cls_cand cands[8];
	struct bos_cls_dns dns[8];
	struct bos_cls_flow flows[200];
	struct bos_cls_http http[64];
	struct bos_cls_tls tls[8];
	struct bos_cls_proxy proxy[8];
	struct bos_cls_pev pevs[32];
	struct bos_cls_settings set;
	struct bos_cls_result res;
};

static struct fx *fx_new(void)
{
	static struct fx x;

	memset(&x, 0, sizeof(x));
	x.f.cands = x.cands;
	x.f.dns = x.dns;
	x.f.flows = x.flows;
	x.f.http = x.http;
	x.f.tls = x.tls;
	x.f.proxy = x.proxy;
	x.f.pevs = x.pevs;
	bos_cls_settings_init(&x.set);
	return &x;
}

static int add_cand(struct fx *x, const char *name, const char *addr)
{
	x->cands[x->f.n_cands] = (struct bos_cls_cand){ .name = name, .addr = addr };
	return (int)x->f.n_cands++;
}

static void add_dns(struct fx *x, int cand, double t, const char *q, int rcode, size_t nans)
{
	x->dns[x->f.n_dns++] = (struct bos_cls_dns){
		.ts_ns = S(t), .uid = "Cdns", .pkt = 1, .query = q, .rcode = rcode,
		.n_answers = nans, .cand = cand,
	};
}

static int add_flow(struct fx *x, int cand, double t, double dur, const char *resp_h,
		    uint16_t port, const char *state, uint64_t ob, uint64_t rb)
{
	x->flows[x->f.n_flows] = (struct bos_cls_flow){
		.ts_ns = S(t), .dur_ns = S(dur), .uid = "Cflow", .pkt = 3,
		.proto = BOS_CLS_L4_TCP, .orig_h = "10.66.0.10", .resp_h = resp_h, .orig_p = 40000,
		.resp_p = port, .conn_state = state, .orig_bytes = ob, .resp_bytes = rb,
		.where = BOS_CLS_WHERE_EXTERNAL, .from_sample = true, .cand = cand,
	};
	return (int)x->f.n_flows++;
}

static void add_http(struct fx *x, int cand, int flow, double t, const char *method, int status,
		     uint64_t body)
{
	x->http[x->f.n_http++] = (struct bos_cls_http){
		.ts_ns = S(t), .uid = "Cflow", .pkt = 4, .flow = flow, .method = method,
		.host = "c2.example", .status = status, .req_body_len = body, .cand = cand,
	};
}

static void add_proxy(struct fx *x, int cand, double t, const char *result, int status,
		      const char *host, const char *hier, const char *peer, const char *err)
{
	x->proxy[x->f.n_proxy] = (struct bos_cls_proxy){
		.ts_ns = S(t), .line = (uint32_t)x->f.n_proxy + 1, .result = result,
		.status = status, .method = "GET", .host = host, .hier = hier, .peer = peer,
		.err = err, .cand = cand,
	};
	x->f.n_proxy++;
}

static void add_pev(struct fx *x, double t, enum bos_cls_pev_kind kind, const char *path,
		    bool root, int result)
{
	x->pevs[x->f.n_pevs] = (struct bos_cls_pev){
		.ts_ns = S(t), .id = "ev", .kind = kind, .pid = root ? 100 : 101, .root = root,
		.path = path, .cmdline = kind == BOS_CLS_PEV_EXEC ? path : NULL,
		.result = result, .cand = -1,
	};
	x->f.n_pevs++;
}

static int run(struct fx *x)
{
	struct bos_err err = BOS_ERR_INIT;

	return bos_classify_run(&x->f, &x->set, &x->res, &err);
}

/* --- levels 1 and 2 --- */

void test_classify__level1_exec_failed(void)
{
	struct fx *x = fx_new();

	x->f.have_process = true;
	x->f.exec_failed = true;
	add_pev(x, 0, BOS_CLS_PEV_EXEC, "/sample", true, ENOEXEC);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 1);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "not_run");
	bos_cls_result_release(&x->res);
}

void test_classify__level2_ran_without_traffic(void)
{
	struct fx *x = fx_new();

	x->f.have_process = true;
	add_pev(x, 1, BOS_CLS_PEV_EXEC, "/sample", true, 0);
	add_pev(x, 1.1, BOS_CLS_PEV_FILE, "/home/user/notes.txt", true, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 2);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "no_traffic");
	BT_ASSERT_EQ_INT(x->res.first_reached[2], S(1));
	BT_ASSERT(!(x->res.caveats & BOS_CLS_CAV_NO_PROCESS));
	bos_cls_result_release(&x->res);
}

void test_classify__no_process_no_traffic_is_level1_with_caveat(void)
{
	struct fx *x = fx_new();

	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 1);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "no_evidence");
	BT_ASSERT(x->res.caveats & BOS_CLS_CAV_NO_PROCESS);
	bos_cls_result_release(&x->res);
}

/* --- level 3 --- */

void test_classify__level3_nxdomain(void)
{
	struct fx *x = fx_new();
	int c = add_cand(x, "c2.invalid", NULL);

	add_dns(x, c, 1, "c2.invalid", 3, 0);
	add_dns(x, c, 2, "c2.invalid", 3, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 3);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "nxdomain");
	BT_ASSERT_EQ_INT(x->res.cands[c].n_ev, 2);
	BT_ASSERT_EQ_INT(x->res.cands[c].ev[0].kind, BOS_CLS_EV_DNS);
	BT_ASSERT_EQ_INT(x->res.first_reached[3], S(1));
	bos_cls_result_release(&x->res);
}

void test_classify__level3_variants(void)
{
	static const struct { int rcode; size_t nans; const char *why; } v[] = {
		{ 2, 0, "servfail" }, { 5, 0, "dns_refused" }, { -1, 0, "dns_no_answer" },
		{ 0, 0, "no_address" }, { 0, 1, "not_contacted" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct fx *x = fx_new();
		int c = add_cand(x, "c2.example", NULL);

		add_dns(x, c, 1, "c2.example", v[i].rcode, v[i].nans);
		BT_ASSERT_EQ_INT(run(x), 0);
		BT_ASSERT_EQ_INT(x->res.level, 3);
		BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), v[i].why);
		bos_cls_result_release(&x->res);
	}
}

/* --- level 4: no answer and refused are told apart --- */

void test_classify__level4_syn_only_and_refused(void)
{
	struct fx *x = fx_new();
	int a = add_cand(x, NULL, "203.0.113.5");
	int b = add_cand(x, NULL, "203.0.113.6");

	add_flow(x, a, 1, 3, "203.0.113.5", 443, "S0", 0, 0);
	add_flow(x, b, 2, 0, "203.0.113.6", 443, "REJ", 0, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 4);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.cands[a].reason), "no_answer");
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.cands[b].reason), "refused");
	BT_ASSERT_EQ_INT(x->res.cands[b].level, 4);
	/* The earliest candidate at the top level decides. */
	BT_ASSERT_EQ_INT(x->res.best_cand, a);
	bos_cls_result_release(&x->res);
}

void test_classify__level4_from_history_without_state(void)
{
	struct fx *x = fx_new();
	int a = add_cand(x, NULL, "203.0.113.5");
	int f = add_flow(x, a, 1, 0, "203.0.113.5", 80, NULL, 0, 0);

	x->flows[f].history = "Sr";
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 4);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "refused");
	bos_cls_result_release(&x->res);
}

/* --- level 5 --- */

void test_classify__level5_http_403_404_503(void)
{
	static const int codes[] = { 403, 404, 503 };

	for (size_t i = 0; i < 3; i++) {
		struct fx *x = fx_new();
		int c = add_cand(x, "c2.example", "198.51.100.7");
		int f = add_flow(x, c, 1, 1, "198.51.100.7", 80, "SF", 120, 300);

		add_dns(x, c, 0.5, "c2.example", 0, 1);
		add_http(x, c, f, 1.01, "GET", codes[i], 0);
		BT_ASSERT_EQ_INT(run(x), 0);
		/* The flow has payload both ways, yet HTTP says refused. */
		BT_ASSERT_EQ_INT(x->res.level, 5);
		BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "http_refused");
		BT_ASSERT_EQ_INT(x->res.cands[c].ev[0].kind, BOS_CLS_EV_HTTP);
		BT_ASSERT_EQ_INT(x->res.first_reached[3], S(0.5));
		BT_ASSERT_EQ_INT(x->res.first_reached[5], S(1.01));
		BT_ASSERT_EQ_INT(x->res.first_reached[6], 0);
		bos_cls_result_release(&x->res);
	}
}

void test_classify__level5_tls_alert_and_failed_and_no_data(void)
{
	struct fx *x = fx_new();
	int a = add_cand(x, "a.example", "198.51.100.1");
	int b = add_cand(x, "b.example", "198.51.100.2");
	int c = add_cand(x, "c.example", "198.51.100.3");
	int fa = add_flow(x, a, 1, 1, "198.51.100.1", 443, "SF", 200, 7);
	int fb = add_flow(x, b, 1, 1, "198.51.100.2", 443, "RSTR", 200, 0);

	x->tls[x->f.n_tls++] = (struct bos_cls_tls){ .ts_ns = S(1), .flow = fa,
		.last_alert = "handshake_failure", .cand = a };
	x->tls[x->f.n_tls++] = (struct bos_cls_tls){ .ts_ns = S(1), .flow = fb, .cand = b };
	add_flow(x, c, 1, 1, "198.51.100.3", 8443, "SF", 0, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 5);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.cands[a].reason), "tls_alert");
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.cands[b].reason), "tls_failed");
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.cands[c].reason), "closed_no_data");
	bos_cls_result_release(&x->res);
}

/* --- the proxy's answer is the evidence --- */

void test_classify__proxy_levels(void)
{
	static const struct {
		const char *result; int status; const char *host; const char *hier;
		const char *peer; const char *err; int level; const char *why;
	} v[] = {
		{ "TCP_MISS", 503, "nx.example", "HIER_NONE", NULL, "ERR_DNS_FAIL", 3, "proxy_dns_fail" },
		{ "TCP_MISS", 503, "nx.example", "HIER_NONE", NULL, NULL, 3, "proxy_dns_fail" },
		/* measured with the lab's Squid 5.7 for an NXDOMAIN name */
		{ "TCP_MISS", 502, "c2-nx.evil.example", "HIER_NONE", NULL, NULL, 3, "proxy_dns_fail" },
		{ "TCP_MISS", 503, "c2.example", "HIER_DIRECT", "203.0.113.9", "ERR_CONNECT_FAIL", 4,
		  "proxy_connect_fail" },
		{ "TCP_MISS", 503, "203.0.113.9", "HIER_NONE", NULL, NULL, 4, "proxy_connect_fail" },
		{ "TCP_MISS_ABORTED", 0, "c2.example", "HIER_NONE", NULL, NULL, 4, "proxy_connect_fail" },
		{ "TCP_MISS", 403, "c2.example", "HIER_DIRECT", "203.0.113.9", NULL, 5, "proxy_refused" },
		{ "TCP_MISS", 404, "c2.example", "HIER_DIRECT", "203.0.113.9", NULL, 5, "proxy_refused" },
		{ "TCP_MISS", 503, "c2.example", "HIER_DIRECT", "203.0.113.9", NULL, 5, "proxy_refused" },
		{ "TCP_MISS", 200, "c2.example", "HIER_DIRECT", "203.0.113.9", NULL, 6, "proxy_ok" },
		{ "TCP_TUNNEL", 200, "c2.example", "HIER_DIRECT", "203.0.113.9", NULL, 6, "proxy_ok" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct fx *x = fx_new();
		int c = add_cand(x, v[i].host, NULL);

		add_proxy(x, c, 1, v[i].result, v[i].status, v[i].host, v[i].hier, v[i].peer,
			  v[i].err);
		BT_ASSERT_EQ_INT(run(x), 0);
		if (x->res.level != v[i].level)
			bt_fail(__FILE__, __LINE__, "case %zu: level %u", i, x->res.level);
		BT_ASSERT_EQ_INT(x->res.level, v[i].level);
		BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), v[i].why);
		BT_ASSERT_EQ_INT(x->res.cands[c].ev[0].kind, BOS_CLS_EV_PROXY);
		bos_cls_result_release(&x->res);
	}
}

/* --- level 6 --- */

void test_classify__level6_http_tls_udp(void)
{
	struct fx *x = fx_new();
	int a = add_cand(x, "a.example", "198.51.100.1");
	int b = add_cand(x, "b.example", "198.51.100.2");
	int c = add_cand(x, NULL, "198.51.100.3");
	int fa = add_flow(x, a, 1, 1, "198.51.100.1", 80, "SF", 100, 100);
	int fb = add_flow(x, b, 2, 1, "198.51.100.2", 443, "SF", 900, 4000);
	int fc = add_flow(x, c, 3, 1, "198.51.100.3", 443, "SF", 1200, 3000);

	add_http(x, a, fa, 1, "GET", 200, 0);
	x->tls[x->f.n_tls++] = (struct bos_cls_tls){ .ts_ns = S(2), .flow = fb,
		.established = true, .cand = b };
	x->flows[fc].proto = BOS_CLS_L4_UDP;	/* QUIC */
	x->tls[x->f.n_tls++] = (struct bos_cls_tls){ .ts_ns = S(3), .flow = fc, .cand = c };
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 6);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.cands[a].reason), "http_ok");
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.cands[b].reason), "tls_data");
	/* QUIC's TLS is inside UDP: the payload both ways decides, not a TLS record. */
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.cands[c].reason), "payload_both");
	BT_ASSERT(x->res.caveats & BOS_CLS_CAV_NO_PROCESS);
	bos_cls_result_release(&x->res);
}

void test_classify__nxdomain_noise_does_not_pull_level_down(void)
{
	struct fx *x = fx_new();
	int noise1 = add_cand(x, "dbl.example.zen", NULL);
	int c2 = add_cand(x, "c2.example", "198.51.100.1");
	int noise2 = add_cand(x, "c2.example.corp.local", NULL);
	int f;

	add_dns(x, noise1, 0.1, "dbl.example.zen", 3, 0);
	add_dns(x, noise2, 0.2, "c2.example.corp.local", 3, 0);
	add_dns(x, c2, 0.3, "c2.example", 0, 1);
	f = add_flow(x, c2, 1, 5, "198.51.100.1", 80, "SF", 300, 300);
	add_http(x, c2, f, 1, "GET", 200, 0);
	add_dns(x, noise1, 9, "dbl.example.zen", 3, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 6);
	BT_ASSERT_EQ_INT(x->res.best_cand, c2);
	BT_ASSERT_EQ_INT(x->res.cands[noise1].level, 3);
	BT_ASSERT_EQ_INT(x->res.first_reached[3], S(0.1));
	BT_ASSERT_EQ_INT(x->res.first_reached[6], S(1));
	bos_cls_result_release(&x->res);
}

/* --- mass scanning is propagation, not C2 --- */

void test_classify__scan_is_an_operation_not_level4(void)
{
	static char hosts[100][16];
	struct fx *x = fx_new();
	int c2 = add_cand(x, "c2.invalid", NULL);

	add_dns(x, c2, 0.5, "c2.invalid", 3, 0);
	for (int i = 0; i < 100; i++) {
		int cand;

		snprintf(hosts[i], sizeof(hosts[i]), "203.0.%d.%d", i / 50, i % 50 + 1);
		cand = add_cand(x, NULL, hosts[i]);
		if (x->f.n_cands > 7)
			x->f.n_cands = 7;	/* cands[] is small: reuse the last slot */
		if (cand > 6)
			cand = 6;
		add_flow(x, cand, 1 + i * 0.01, 3, hosts[i], 445, "S0", 0, 0);
	}
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 3);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "nxdomain");
	BT_ASSERT(x->res.caveats & BOS_CLS_CAV_SCAN_IGNORED);
	BT_ASSERT_EQ_INT(x->res.n_ops, 1);
	BT_ASSERT_EQ_INT(x->res.ops[0].kind, BOS_CLS_OP_SCAN);
	BT_ASSERT_EQ_INT(x->res.ops[0].scan_targets, 100);
	BT_ASSERT_EQ_INT(x->res.ops[0].scan_flows, 100);
	BT_ASSERT(!x->res.ops[0].caused);	/* no C2 data ever arrived */
	BT_ASSERT(x->res.cands[6].scan_only);
	bos_cls_result_release(&x->res);
}

void test_classify__vertical_scan_only_is_level2(void)
{
	struct fx *x = fx_new();
	int c = add_cand(x, NULL, "198.51.100.9");

	for (int i = 0; i < 40; i++)
		add_flow(x, c, 1 + i * 0.001, 0, "198.51.100.9", (uint16_t)(1 + i), "REJ", 0, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 2);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "no_c2_traffic");
	BT_ASSERT_EQ_INT(x->res.n_ops, 1);
	BT_ASSERT_EQ_INT(x->res.ops[0].scan_targets, 40);
	bos_cls_result_release(&x->res);
}

void test_classify__many_working_https_hosts_are_not_a_scan(void)
{
	static char hosts[30][16];
	struct fx *x = fx_new();
	int c = add_cand(x, "cdn.example", NULL);

	for (int i = 0; i < 30; i++) {
		snprintf(hosts[i], sizeof(hosts[i]), "198.51.100.%d", i + 1);
		add_flow(x, c, 1 + i, 1, hosts[i], 443, "SF", 500, 5000);
	}
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 6);
	BT_ASSERT_EQ_INT(x->res.n_ops, 0);
	bos_cls_result_release(&x->res);
}

/* --- levels 7 and 8: causality --- */

/* A polling agent: start-up, then polls every second; `burst2` adds a second burst. */
static void agent_facts(struct fx *x, bool burst2, double burst2_at)
{
	int c = add_cand(x, "c2.example", "198.51.100.1");

	x->f.have_process = true;
	add_pev(x, 0, BOS_CLS_PEV_EXEC, "/sample", true, 0);
	add_pev(x, 0.01, BOS_CLS_PEV_FILE, "/lib/x86_64-linux-gnu/libc.so.6", true, 0);
	add_pev(x, 0.02, BOS_CLS_PEV_FILE, "/home/user/.agentrc", true, 0);
	add_pev(x, 0.03, BOS_CLS_PEV_EXEC, "/bin/sh -c uname", false, 0);	/* start-up */
	add_dns(x, c, 0.5, "c2.example", 0, 1);
	for (int i = 0; i < 20; i++) {
		int f = add_flow(x, c, 1 + i, 0.1, "198.51.100.1", 80, "SF", 100, 150);

		add_http(x, c, f, 1 + i, "GET", 200, 0);
	}
	/* Automatic: re-reads its own config and runs the same start-up probe each poll. */
	add_pev(x, 2.5, BOS_CLS_PEV_FILE, "/home/user/.agentrc", true, 0);
	add_pev(x, 2.6, BOS_CLS_PEV_EXEC, "/bin/sh -c uname", false, 0);
	add_pev(x, 2.7, BOS_CLS_PEV_FILE, "/etc/resolv.conf", true, 0);
	if (!burst2)
		return;
	add_pev(x, burst2_at, BOS_CLS_PEV_EXEC, "/bin/sh -c id", false, 0);
	add_pev(x, burst2_at + 0.1, BOS_CLS_PEV_FILE, "/home/user/Documents/budget.xlsx", false, 0);
}

void test_classify__level6_agent_automatic_behaviour_is_not_operation(void)
{
	struct fx *x = fx_new();

	agent_facts(x, false, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 6);
	BT_ASSERT_EQ_INT(x->res.n_ops, 0);
	bos_cls_result_release(&x->res);
}

void test_classify__level7_one_burst(void)
{
	struct fx *x = fx_new();

	agent_facts(x, true, 5.2);
	add_pev(x, 5.3, BOS_CLS_PEV_CONNECT, NULL, false, 0);
	x->pevs[x->f.n_pevs - 1].addr = "10.66.0.20";
	x->pevs[x->f.n_pevs - 1].port = 445;
	x->pevs[x->f.n_pevs - 1].where = BOS_CLS_WHERE_LAN;
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 7);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "operations");
	BT_ASSERT_EQ_INT(x->res.n_ops, 3);
	BT_ASSERT_EQ_INT(x->res.ops[0].kind, BOS_CLS_OP_EXEC);
	BT_ASSERT_EQ_INT(x->res.ops[1].kind, BOS_CLS_OP_FILE);
	BT_ASSERT_EQ_INT(x->res.ops[2].kind, BOS_CLS_OP_INTERNAL);
	BT_ASSERT(x->res.ops[0].caused);
	/* The poll at t=5 carried the command. */
	BT_ASSERT_EQ_INT(x->res.ops[0].trigger.kind, BOS_CLS_EV_HTTP);
	BT_ASSERT_EQ_INT(x->res.ops[0].trigger.ts_ns, S(5));
	BT_ASSERT_EQ_INT(x->res.n_bursts, 1);
	BT_ASSERT_EQ_INT(x->res.first_reached[7], S(5.2));
	BT_ASSERT_EQ_INT(x->res.first_reached[8], 0);
	bos_cls_result_release(&x->res);
}

void test_classify__operation_outside_window_is_not_caused(void)
{
	struct fx *x = fx_new();

	agent_facts(x, true, 20 + 0.1 + 31);	/* last poll ends at 20.1 */
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 6);
	BT_ASSERT_EQ_INT(x->res.n_ops, 2);
	BT_ASSERT(!x->res.ops[0].caused);
	bos_cls_result_release(&x->res);
}

void test_classify__level8_two_bursts(void)
{
	struct fx *x = fx_new();

	x->set.gap_ns = S(5);
	agent_facts(x, true, 3.2);
	add_pev(x, 15.2, BOS_CLS_PEV_EXEC, "/bin/sh -c whoami", false, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 8);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "bursts");
	BT_ASSERT_EQ_INT(x->res.n_bursts, 2);
	BT_ASSERT_EQ_INT(x->res.first_reached[7], S(3.2));
	BT_ASSERT_EQ_INT(x->res.first_reached[8], S(15.2));
	/* With the default gap (120 s) the same facts are one burst: level 7. */
	bos_cls_result_release(&x->res);
	x->set.gap_ns = BOS_CLS_DEFAULT_GAP_NS;
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 7);
	bos_cls_result_release(&x->res);
}

void test_classify__level8_two_sessions(void)
{
	struct fx *x = fx_new();
	int c = add_cand(x, NULL, "198.51.100.1");
	int f1, f2;

	x->f.have_process = true;
	x->set.gap_ns = S(60);
	x->set.window_ns = S(100);
	add_pev(x, 0, BOS_CLS_PEV_EXEC, "/sample", true, 0);
	/* A reverse shell: one session at 1-2 s, the operator comes back at 100 s. */
	f1 = add_flow(x, c, 1, 1, "198.51.100.1", 4444, "SF", 50, 60);
	f2 = add_flow(x, c, 100, 1, "198.51.100.1", 4444, "SF", 50, 60);
	(void)f1;
	(void)f2;
	add_pev(x, 1.5, BOS_CLS_PEV_EXEC, "/bin/sh -c id", false, 0);
	/* Within the gap of the first op, yet caused by the second session's data. */
	add_pev(x, 100.5, BOS_CLS_PEV_EXEC, "/bin/sh -c ls", false, 0);
	x->set.gap_ns = S(60);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 8);
	BT_ASSERT_EQ_INT(x->res.n_sessions, 2);
	bos_cls_result_release(&x->res);
}

void test_classify__network_only_internal_connection_and_upload(void)
{
	struct fx *x = fx_new();
	int c = add_cand(x, NULL, "10.10.10.5");
	int f, g, u;

	f = add_flow(x, c, 1, 100, "10.10.10.5", 80, "SF", 5000, 9000);
	add_http(x, c, f, 1, "GET", 200, 0);
	add_http(x, c, f, 10, "GET", 200, 0);
	/* The upload's own transaction can not be its cause; the poll at 10 s is. */
	add_http(x, c, f, 12, "POST", 200, 4096);
	g = add_flow(x, -1, 11, 1, "172.18.38.5", 445, "SF", 300, 300);
	x->flows[g].where = BOS_CLS_WHERE_LAN;
	u = add_flow(x, -1, 11.5, 1, "172.18.38.5", 88, "SF", 300, 300);	/* Kerberos */
	x->flows[u].where = BOS_CLS_WHERE_LAN;
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 7);
	BT_ASSERT_EQ_INT(x->res.n_ops, 2);
	BT_ASSERT_EQ_INT(x->res.ops[0].kind, BOS_CLS_OP_INTERNAL);
	BT_ASSERT_EQ_INT(x->res.ops[1].kind, BOS_CLS_OP_UPLOAD);
	BT_ASSERT_EQ_INT(x->res.ops[1].trigger.idx, 1);
	BT_ASSERT(x->res.caveats & BOS_CLS_CAV_NO_PROCESS);
	bos_cls_result_release(&x->res);
}

void test_classify__evidence_is_capped_and_sorted(void)
{
	struct fx *x = fx_new();
	int c = add_cand(x, NULL, "198.51.100.1");

	for (int i = 0; i < 60; i++)
		add_flow(x, c, 100 - i, 0, "198.51.100.1", 80, "S0", 0, 0);
	add_flow(x, c, 200, 1, "198.51.100.1", 80, "SF", 10, 10);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 6);
	BT_ASSERT_EQ_INT(x->res.cands[c].n_ev_total, 61);
	BT_ASSERT_EQ_INT(x->res.cands[c].n_ev, 32);
	BT_ASSERT_EQ_INT(x->res.cands[c].ev[0].level, 6);
	BT_ASSERT_EQ_INT(x->res.cands[c].ev[1].ts_ns, S(41));	/* earliest S0 next */
	BT_ASSERT(x->res.caveats & BOS_CLS_CAV_EVIDENCE_CAPPED);
	BT_ASSERT_EQ_INT(x->res.first_reached[4], S(41));
	bos_cls_result_release(&x->res);
}

void test_classify__names_are_stable(void)
{
	BT_ASSERT_EQ_STR(bos_level_name(4), "C2 not reached: only SYN sent");
	BT_ASSERT_EQ_STR(bos_level_name(0), "unknown");
	BT_ASSERT_EQ_STR(bos_level_name(9), "unknown");
	BT_ASSERT_EQ_STR(bos_cls_op_kind_str(BOS_CLS_OP_SCAN), "scan");
	BT_ASSERT_EQ_STR(bos_cls_ev_kind_str(BOS_CLS_EV_PEV), "process");
}

/* Squid's TCP_MISS/503 HIER_DIRECT/<addr> is its own error page when its upstream SYNs
 * went unanswered or were refused, and the origin's answer when the handshake completed. */
void test_classify__proxy_503_told_apart_by_upstream(void)
{
	static const struct { enum bos_cls_upstream up; int level; const char *why; } v[] = {
		{ BOS_CLS_UP_NO_ANSWER, 4, "proxy_connect_fail" },
		{ BOS_CLS_UP_REFUSED, 4, "proxy_connect_fail" },
		{ BOS_CLS_UP_ANSWERED, 5, "proxy_refused" },
		{ BOS_CLS_UP_UNKNOWN, 5, "proxy_refused" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct fx *x = fx_new();
		int c = add_cand(x, "c2.example", NULL);

		add_proxy(x, c, 12, "TCP_MISS", 503, "c2.example", "HIER_DIRECT", "203.0.113.66", NULL);
		x->proxy[0].upstream = v[i].up;
		x->proxy[0].dur_ns = S(11);
		BT_ASSERT_EQ_INT(run(x), 0);
		BT_ASSERT_EQ_INT(x->res.level, v[i].level);
		BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), v[i].why);
		/* The evidence time is when Squid started the transaction. */
		BT_ASSERT_EQ_INT(x->res.cands[c].ev[0].ts_ns, S(1));
		bos_cls_result_release(&x->res);
	}
	/* A 200 is the origin's whatever the uplink says. */
	{
		struct fx *x = fx_new();
		int c = add_cand(x, "c2.example", NULL);

		add_proxy(x, c, 1, "TCP_MISS", 200, "c2.example", "HIER_DIRECT", "203.0.113.66", NULL);
		x->proxy[0].upstream = BOS_CLS_UP_NO_ANSWER;
		BT_ASSERT_EQ_INT(run(x), 0);
		BT_ASSERT_EQ_INT(x->res.level, 6);
		bos_cls_result_release(&x->res);
	}
}

/* No tracer (--tracer none): the environment's word that the sample started is enough for 2;
 * its word that exec failed gives 1. */
void test_classify__no_tracer_uses_the_environment(void)
{
	struct fx *x = fx_new();

	x->f.started = true;
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 2);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "no_traffic");
	BT_ASSERT(x->res.caveats & BOS_CLS_CAV_NO_PROCESS);
	bos_cls_result_release(&x->res);
	x = fx_new();
	x->f.exec_failed = true;
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 1);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "not_run");
	bos_cls_result_release(&x->res);
}

/* CONNECT through the proxy: the tunnel's 200 is a TCP connection; TLS inside decides. */
void test_classify__proxy_connect_tunnel(void)
{
	struct fx *x = fx_new();
	int c = add_cand(x, "c2.example", NULL);
	int f = add_flow(x, -1, 1, 2, "10.66.0.1", 3128, "SF", 500, 300);

	x->flows[f].where = BOS_CLS_WHERE_INFRA;
	add_proxy(x, c, 3, "TCP_TUNNEL", 200, "c2.example", "HIER_DIRECT", "203.0.113.66", NULL);
	x->proxy[0].method = "CONNECT";
	x->proxy[0].bytes = 7;
	x->proxy[0].dur_ns = S(2);
	x->proxy[0].tunnel_tls = true;
	x->tls[x->f.n_tls++] = (struct bos_cls_tls){ .ts_ns = S(1.1), .flow = f,
		.last_alert = "handshake_failure", .cand = c };
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 5);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "tls_alert");
	bos_cls_result_release(&x->res);
	/* Without TLS seen inside: bytes from the origin make it 6, none make it 5. */
	x->proxy[0].tunnel_tls = false;
	x->f.n_tls = 0;
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 6);
	bos_cls_result_release(&x->res);
	x->proxy[0].bytes = 0;
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 5);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "closed_no_data");
	bos_cls_result_release(&x->res);
}

/* The lab runs a file that execve refuses (ENOEXEC) through /bin/sh, as execvp does. The
 * shell starting and failing on garbage is not the sample running. */
void test_classify__enoexec_shell_fallback_is_level1(void)
{
	struct fx *x = fx_new();

	x->f.have_process = true;
	x->f.started = true;
	add_pev(x, 0, BOS_CLS_PEV_EXEC, "/home/u/Downloads/invoice.exe", true, ENOEXEC);
	add_pev(x, 0.01, BOS_CLS_PEV_EXEC, "/bin/sh", true, 0);
	x->pevs[1].root = false;
	x->pevs[1].pid = x->pevs[0].pid;
	x->pevs[1].cmdline = "/bin/sh /home/u/Downloads/invoice.exe";
	add_pev(x, 0.02, BOS_CLS_PEV_FILE, "/home/u/Downloads/invoice.exe", false, 0);
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 1);
	BT_ASSERT_EQ_STR(bos_cls_reason_str(x->res.reason), "not_run");
	bos_cls_result_release(&x->res);
	/* A shebang-less script that starts a program did run. */
	add_pev(x, 0.03, BOS_CLS_PEV_EXEC, "/usr/bin/uname", false, 0);
	x->pevs[x->f.n_pevs - 1].cmdline = "uname -a";
	BT_ASSERT_EQ_INT(run(x), 0);
	BT_ASSERT_EQ_INT(x->res.level, 2);
	bos_cls_result_release(&x->res);
}
