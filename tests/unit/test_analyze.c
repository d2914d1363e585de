/*
 * Unit tests of src/analyze: the Squid native log line parser, and whole analyses of small
 * hand-written log directories (Zeek field names), including hostile lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bos/analyze.h"
#include "bos/limits.h"
#include "harness.h"

static enum bos_parse parse(const char *line, struct bos_proxy_rec *r)
{
	size_t n = strlen(line);

	return bos_analyze_proxy_line((const char *)bt_guard_dup(line, n), n, r);
}

static bool span_is(struct bos_span s, const char *want)
{
	return s.len == strlen(want) && !memcmp(s.p, want, s.len);
}

void test_proxylog__native_line(void)
{
	struct bos_proxy_rec r;

	BT_ASSERT_EQ_INT(parse("1795696392.268      5 10.66.0.10 TCP_MISS/503 4021 GET "
			       "http://c2-nx.evil.example/gate.php - HIER_NONE/- text/html", &r),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(r.ts_ns, 1795696392268000000LL);
	BT_ASSERT_EQ_INT(r.elapsed_ms, 5);
	BT_ASSERT(span_is(r.client, "10.66.0.10"));
	BT_ASSERT(span_is(r.result, "TCP_MISS"));
	BT_ASSERT_EQ_INT(r.status, 503);
	BT_ASSERT_EQ_INT(r.bytes, 4021);
	BT_ASSERT(span_is(r.method, "GET"));
	BT_ASSERT(span_is(r.host, "c2-nx.evil.example"));
	BT_ASSERT(span_is(r.hier, "HIER_NONE"));
	BT_ASSERT_EQ_INT(r.peer.len, 0);
	BT_ASSERT_EQ_INT(r.err.len, 0);
}

void test_proxylog__squid4_connect_without_millis(void)
{
	struct bos_proxy_rec r;

	/* From the corpus (dodancs_squid4_native.log): whole seconds, CONNECT host:port. */
	BT_ASSERT_EQ_INT(parse("1579776395     43 127.0.0.1 TCP_TUNNEL/200 39 CONNECT "
			       "www.gstatic.com:443 - HIER_DIRECT/172.217.167.99 -", &r), BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(r.ts_ns, 1579776395000000000LL);
	BT_ASSERT(span_is(r.host, "www.gstatic.com"));
	BT_ASSERT(span_is(r.peer, "172.217.167.99"));
	BT_ASSERT_EQ_INT(r.status, 200);
}

void test_proxylog__extra_fields_give_error_code_and_ipv6_host(void)
{
	struct bos_proxy_rec r;

	BT_ASSERT_EQ_INT(parse("1.5 0 10.66.0.10 TCP_MISS/503 0 GET http://user@[2001:db8::5]:8080/x "
			       "- HIER_DIRECT/- text/html ERR_CONNECT_FAIL/WITH_SERVER", &r),
			 BOS_PARSE_OK);
	BT_ASSERT(span_is(r.host, "2001:db8::5"));
	BT_ASSERT(span_is(r.err, "ERR_CONNECT_FAIL"));
	BT_ASSERT_EQ_INT(r.ts_ns, 1500000000LL);
}

void test_proxylog__status_000_and_bookkeeping(void)
{
	struct bos_proxy_rec r;

	BT_ASSERT_EQ_INT(parse("1795696392.268      0 10.66.0.1 NONE_NONE/000 0 - "
			       "error:transaction-end-before-headers - HIER_NONE/- -", &r),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(r.status, 0);
	BT_ASSERT(span_is(r.method, "-"));
}

void test_proxylog__malformed_lines(void)
{
	static const char *const bad[] = {
		"",
		"1579776395 43 127.0.0.1 TCP_TUNNEL/200 39 CONNECT x:443 -",	/* too few */
		"abc 43 127.0.0.1 TCP_MISS/200 39 GET http://x/ - HIER_DIRECT/1.2.3.4 -",
		"1.2 43 127.0.0.1 TCP_MISS200 39 GET http://x/ - HIER_DIRECT/1.2.3.4 -",
		"1.2 43 127.0.0.1 TCP_MISS/2000 39 GET http://x/ - HIER_DIRECT/1.2.3.4 -",
		"1.2 43 127.0.0.1 TCP_MISS/200 -5 GET http://x/ - HIER_DIRECT/1.2.3.4 -",
		"1.2 43 127.0.0.1 TCP_MISS/200 39 GET http://x/ - HIER_DIRECT -",
		"1.2345678901 43 127.0.0.1 TCP_MISS/200 39 GET http://x/ - HIER_DIRECT/a -",
		"999999999999 43 127.0.0.1 TCP_MISS/200 39 GET http://x/ - HIER_DIRECT/a -",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bos_proxy_rec r;
		enum bos_parse e = parse(bad[i], &r);

		if (e == BOS_PARSE_OK)
			bt_fail(__FILE__, __LINE__, "accepted: %s", bad[i]);
		BT_ASSERT(e != BOS_PARSE_OK);
		BT_ASSERT_EQ_INT(r.status, 0);
		BT_ASSERT(r.host.p == NULL);
	}
}

void test_proxylog__corpus_file_parses(void)
{
	const char *shared = getenv("BOS_SHARED");
	char path[1024], *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;
	FILE *f;

	if (!shared) {
		bt_skip("BOS_SHARED not set (run through ctest)");
		return;
	}
	snprintf(path, sizeof(path), "%s/corpus/squid/dodancs_squid4_native.log", shared);
	f = fopen(path, "r");
	if (!f) {
		bt_skip("corpus squid log not found");
		return;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		struct bos_proxy_rec r;

		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (bos_analyze_proxy_line(line, (size_t)len, &r) != BOS_PARSE_OK)
			bt_fail(__FILE__, __LINE__, "line %zu does not parse", n + 1);
		n++;
	}
	free(line);
	fclose(f);
	BT_ASSERT_EQ_INT(n, 55);	/* the corpus README: 55 lines, 0 unparsable */
}

/* --- whole analyses of log directories --- */

/* A new empty directory for one test (bt_tmpdir is shared by the whole binary). */
static const char *fresh_dir(const char *name)
{
	static char dirs[8][1024];
	static int n;
	char *d = dirs[n++ % 8];

	snprintf(d, 1024, "%s/%s", bt_tmpdir(), name);
	mkdir(d, 0755);
	return d;
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static struct json_object *analyze(const char *dir, struct bos_analyze_out *out, int *ret)
{
	struct bos_analyze_opts o;
	struct bos_err err = BOS_ERR_INIT;

	bos_analyze_opts_init(&o);
	bos_analyze_out_init(out);
	*ret = bos_analyze_path(dir, &o, out, &err);
	return *ret ? NULL : json_tokener_parse(out->json.data);
}

static int jint(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : -1;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

void test_analyze__logs_dir_level5_with_hostile_lines(void)
{
	const char *dir = fresh_dir("level5");
	struct bos_analyze_out out;
	struct json_object *a, *c2, *first;
	int ret;

	put(dir, "conn.jsonl",
	    "{\"ts\":1600000000.5,\"uid\":\"C1\",\"id.orig_h\":\"192.168.1.10\",\"id.orig_p\":40000,"
	    "\"id.resp_h\":\"198.51.100.7\",\"id.resp_p\":80,\"proto\":\"tcp\",\"duration\":0.2,"
	    "\"orig_bytes\":100,\"resp_bytes\":300,\"conn_state\":\"SF\",\"history\":\"ShADadFf\","
	    "\"community_id\":\"1:abc\",\"first_pkt\":3}\n"
	    "{\"ts\": \"not a time\"}\n"
	    "[1,2,3]\n"
	    "{\"ts\":1600000001,\"uid\":\"C2\"\n"
	    "\x01\xff garbage\n"
	    "{\"ts\":1600000002.0,\"uid\":\"C3\",\"id\":{\"orig_h\":\"192.168.1.10\",\"orig_p\":1,"
	    "\"resp_h\":\"198.51.100.8\",\"resp_p\":443},\"proto\":\"tcp\",\"conn_state\":\"REJ\"}\n");
	put(dir, "dns.jsonl",
	    "{\"ts\":1600000000.1,\"uid\":\"D1\",\"id.orig_h\":\"192.168.1.10\",\"query\":\"C2.Example.\","
	    "\"rcode\":0,\"answers\":[\"198.51.100.7\"]}\n"
	    "{\"ts\":1600000000.2,\"uid\":\"D2\",\"id.orig_h\":\"192.168.1.10\","
	    "\"query\":\"c2.example.corp.lan\",\"rcode\":3}\n"
	    "{\"ts\":1600000000.3,\"uid\":\"D3\",\"query\":\"7.100.51.198.in-addr.arpa\",\"rcode\":3}\n");
	put(dir, "http.jsonl",
	    "{\"ts\":1600000000.6,\"uid\":\"C1\",\"method\":\"GET\",\"host\":\"c2.example\","
	    "\"uri\":\"/gate\",\"status_code\":404}\n");
	a = analyze(dir, &out, &ret);
	BT_ASSERT_EQ_INT(ret, 0);
	BT_ASSERT(a != NULL);
	BT_ASSERT_EQ_INT(jint(a, "level"), 5);
	BT_ASSERT_EQ_STR(jstr(a, "reason"), "http_refused");
	/* The name and its address are one candidate; the search-suffix and PTR lookups are
	 * noise; the refused address is its own candidate. */
	BT_ASSERT_EQ_STR(jstr(a, "decided_by"), "c2.example");
	json_object_object_get_ex(a, "c2", &c2);
	BT_ASSERT_EQ_INT(json_object_array_length(c2), 2);
	first = json_object_array_get_idx(c2, 1);
	BT_ASSERT_EQ_STR(jstr(first, "candidate"), "198.51.100.8");
	BT_ASSERT_EQ_STR(jstr(first, "reason"), "refused");
	/* Four bad conn lines, each reported by file:line, none fatal. */
	BT_ASSERT_EQ_INT(out.n_problems, 4);
	BT_ASSERT(strstr(out.problems.data, "conn.jsonl:2: "));
	BT_ASSERT(strstr(out.problems.data, "conn.jsonl:3: "));
	BT_ASSERT(strstr(out.problems.data, "conn.jsonl:4: "));
	BT_ASSERT(strstr(out.problems.data, "conn.jsonl:5: "));
	BT_ASSERT(strstr(out.json.data, "\"malformed input lines were skipped\"") == NULL);
	BT_ASSERT(strstr(out.json.data, "4 malformed input lines were skipped"));
	BT_ASSERT(out.wrote_case);	/* a logs directory gets its analysis.json too */
	json_object_put(a);
	bos_analyze_out_release(&out);
}

void test_analyze__deterministic_output(void)
{
	const char *dir = fresh_dir("determinism");
	struct bos_analyze_out o1, o2;
	struct json_object *a, *b;
	int r1, r2;

	put(dir, "dns.jsonl",
	    "{\"ts\":1600000000.1,\"uid\":\"D1\",\"query\":\"b.example\",\"rcode\":3}\n"
	    "{\"ts\":1600000000.1,\"uid\":\"D2\",\"query\":\"a.example\",\"rcode\":2}\n");
	a = analyze(dir, &o1, &r1);
	b = analyze(dir, &o2, &r2);
	BT_ASSERT_EQ_INT(r1, 0);
	BT_ASSERT_EQ_INT(r2, 0);
	BT_ASSERT_EQ_INT(o1.json.len, o2.json.len);
	BT_ASSERT_EQ_MEM(o1.json.data, o2.json.data, o1.json.len);
	BT_ASSERT_EQ_INT(jint(a, "level"), 3);
	/* Same time: the first in file order decides. */
	BT_ASSERT_EQ_STR(jstr(a, "decided_by"), "b.example");
	json_object_put(a);
	json_object_put(b);
	bos_analyze_out_release(&o1);
	bos_analyze_out_release(&o2);
}

void test_analyze__case_with_process_and_proxy(void)
{
	const char *dir = fresh_dir("case");
	struct bos_analyze_out out;
	struct json_object *a, *ops, *list, *op;
	int ret;

	put(dir, "manifest.json", "{\"format_version\":1,\"case_id\":\"t1\",\"sample\":{\"name\":\"x\"}}");
	put(dir, "proxy.log",
	    "1600000001.000      0 10.66.0.1 NONE_NONE/000 0 - error:transaction-end-before-headers - HIER_NONE/- -\n"
	    "1600000002.000     10 10.66.0.10 TCP_MISS/200 120 GET http://c2.example/task - HIER_DIRECT/203.0.113.66 text/plain\n"
	    "this is not squid\n"
	    "1600000009.000     10 10.66.0.10 TCP_MISS/503 3900 GET http://nx.example/ - HIER_NONE/- text/html\n");
	put(dir, "process.jsonl",
	    "{\"id\":1,\"ts_ns\":1600000000000000000,\"event\":\"process.exec\",\"pid\":2,"
	    "\"Image\":\"/home/u/agent\",\"CommandLine\":\"/home/u/agent\",\"result\":\"ok\"}\n"
	    "{\"id\":2,\"ts_ns\":1600000002500000000,\"event\":\"process.exec\",\"pid\":3,"
	    "\"Image\":\"/usr/bin/id\",\"CommandLine\":\"id\",\"result\":\"ok\"}\n"
	    "{\"id\":3,\"ts_ns\":1600000002600000000,\"event\":\"net.connect\",\"pid\":3,"
	    "\"DestinationIp\":\"10.66.0.20\",\"DestinationPort\":445,\"result\":\"refused\",\"errno\":111}\n"
	    "{\"id\":4,\"ts_ns\":1600000002700000000,\"event\":\"net.connect\",\"pid\":3,"
	    "\"DestinationIp\":\"10.66.0.1\",\"DestinationPort\":53,\"result\":\"connected\"}\n");
	put(dir, "events.jsonl", "{\"kind\":\"capture_stats\",\"capture\":\"traffic\",\"kernel_dropped\":3}\n");
	a = analyze(dir, &out, &ret);
	BT_ASSERT_EQ_INT(ret, 0);
	BT_ASSERT(a != NULL);
	BT_ASSERT_EQ_STR(jstr(a, "input_kind"), "case");
	BT_ASSERT_EQ_STR(jstr(a, "case_id"), "t1");
	BT_ASSERT_EQ_INT(jint(a, "level"), 7);
	BT_ASSERT_EQ_STR(jstr(a, "decided_by"), "c2.example");
	json_object_object_get_ex(a, "operations", &ops);
	json_object_object_get_ex(ops, "list", &list);
	BT_ASSERT_EQ_INT(json_object_array_length(list), 2);	/* id, connect to the decoy */
	op = json_object_array_get_idx(list, 1);
	BT_ASSERT_EQ_STR(jstr(op, "kind"), "internal_connection");
	BT_ASSERT_EQ_STR(jstr(op, "id"), "3");
	BT_ASSERT(strstr(out.json.data, "capture dropped 3 packets"));
	BT_ASSERT(strstr(out.problems.data, "proxy.log:3: "));
	/* The proxy's own bookkeeping line is nobody's request: no "error" candidate. */
	BT_ASSERT(strstr(out.json.data, "\"candidate\": \"error\"") == NULL);
	BT_ASSERT(strstr(out.json.data, "\"candidate\": \"nx.example\""));
	json_object_put(a);
	bos_analyze_out_release(&out);
}

void test_analyze__missing_and_empty_inputs(void)
{
	struct bos_analyze_opts o;
	struct bos_analyze_out out;
	struct bos_err err = BOS_ERR_INIT;
	const char *dir = fresh_dir("empty");

	bos_analyze_opts_init(&o);
	bos_analyze_out_init(&out);
	BT_ASSERT(bos_analyze_path("/nonexistent/bos-case", &o, &out, &err) < 0);
	BT_ASSERT(strstr(err.msg, "/nonexistent/bos-case"));
	err = (struct bos_err)BOS_ERR_INIT;
	BT_ASSERT_EQ_INT(bos_analyze_path(dir, &o, &out, &err), -BOS_EINPUT);	/* empty dir */
	bos_analyze_out_release(&out);
}

/* Found by fuzz_proxylog (fuzz/regress/proxylog/ts-overflow): 11-digit seconds overflowed
 * int64 nanoseconds. Anything at or past 2^63 ns is malformed. */
void test_proxylog__huge_timestamp_is_malformed(void)
{
	struct bos_proxy_rec r;

	BT_ASSERT_EQ_INT(parse("15797763953    43 127.0.0.1 TCP_TUNNEL/200 39 CONNECT x:443 - "
			       "HIER_DIRECT/1.2.3.4 -", &r), BOS_PARSE_MALFORMED);
	BT_ASSERT_EQ_INT(parse("9223372036.000 43 127.0.0.1 TCP_TUNNEL/200 39 CONNECT x:443 - "
			       "HIER_DIRECT/1.2.3.4 -", &r), BOS_PARSE_MALFORMED);
	BT_ASSERT_EQ_INT(parse("9223372035.999 43 127.0.0.1 TCP_TUNNEL/200 39 CONNECT x:443 - "
			       "HIER_DIRECT/1.2.3.4 -", &r), BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(r.ts_ns, 9223372035999000000LL);
}

/* Found by fuzz_analyze_logs (fuzz/regress/analyze_logs/null-summary-string): a flow without
 * uid or conn_state reached the summary as a NULL string. */
void test_analyze__records_without_optional_strings(void)
{
	const char *dir = fresh_dir("nouid");
	struct bos_analyze_out out;
	struct json_object *a;
	int ret;

	put(dir, "conn.jsonl",
	    "{\"ts\":1600000000.5,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"198.51.100.7\","
	    "\"proto\":\"tcp\",\"orig_bytes\":5,\"resp_bytes\":5}\n"
	    "{\"ts\":99999999999.5,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"198.51.100.8\","
	    "\"proto\":\"tcp\"}\n");
	a = analyze(dir, &out, &ret);
	BT_ASSERT_EQ_INT(ret, 0);
	BT_ASSERT(a != NULL);
	BT_ASSERT_EQ_INT(jint(a, "level"), 6);
	BT_ASSERT(strstr(out.summary.data, "flow - 198.51.100.7:0 -"));
	/* The out-of-range time is a malformed record, reported, not a wrapped number. */
	BT_ASSERT_EQ_INT(out.n_problems, 1);
	json_object_put(a);
	bos_analyze_out_release(&out);
}

/* HTTPS through the proxy: the CONNECT line names the host, the TLS record inside the
 * victim's tunnel (same SNI) says the handshake failed: level 5, not the tunnel's 200. */
void test_analyze__tls_inside_connect_tunnel(void)
{
	const char *dir = fresh_dir("tunnel");
	struct bos_analyze_out out;
	struct json_object *a;
	int ret;

	put(dir, "manifest.json", "{\"case_id\":\"t2\"}");
	put(dir, "conn.jsonl",
	    "{\"ts\":1600000001.0,\"uid\":\"CT\",\"id.orig_h\":\"10.66.0.10\",\"id.orig_p\":40000,"
	    "\"id.resp_h\":\"10.66.0.1\",\"id.resp_p\":3128,\"proto\":\"tcp\",\"duration\":1.0,"
	    "\"orig_bytes\":400,\"resp_bytes\":120,\"conn_state\":\"SF\"}\n");
	put(dir, "tls.jsonl",
	    "{\"ts\":1600000001.1,\"uid\":\"CT\",\"server_name\":\"C2.example\",\"established\":false,"
	    "\"last_alert\":\"handshake_failure\"}\n");
	put(dir, "proxy.log",
	    "1600000002.000   1000 10.66.0.10 TCP_TUNNEL/200 7 CONNECT c2.example:443 - "
	    "HIER_DIRECT/203.0.113.66 -\n");
	a = analyze(dir, &out, &ret);
	BT_ASSERT_EQ_INT(ret, 0);
	BT_ASSERT(a != NULL);
	BT_ASSERT_EQ_INT(jint(a, "level"), 5);
	BT_ASSERT_EQ_STR(jstr(a, "reason"), "tls_alert");
	BT_ASSERT_EQ_STR(jstr(a, "decided_by"), "c2.example");
	json_object_put(a);
	bos_analyze_out_release(&out);
}

/* A line over BOS_ANALYZE_MAX_LINE is skipped by file:line without being kept whole;
 * CRLF endings and a line that starts valid but holds a NUL are handled per line. */
void test_analyze__overlong_crlf_and_nul_lines(void)
{
	const char *dir = fresh_dir("overlong");
	size_t big = BOS_ANALYZE_MAX_LINE + 100;
	struct bos_analyze_out out;
	struct json_object *a;
	char p[1024];
	FILE *f;
	int ret;

	snprintf(p, sizeof(p), "%s/conn.jsonl", dir);
	f = fopen(p, "w");
	BT_ASSERT(f != NULL);
	fputs("{\"ts\":1600000000.5,\"uid\":\"C1\",\"id.orig_h\":\"192.168.1.10\","
	      "\"id.resp_h\":\"198.51.100.7\",\"id.resp_p\":80,\"proto\":\"tcp\","
	      "\"conn_state\":\"REJ\"}\r\n", f);
	fputc('{', f);
	for (size_t i = 1; i < big; i++)
		fputc(' ', f);
	fputs("\r\n", f);
	fwrite("{\"ts\":1}\0{\"x\":1}\n", 1, 17, f);
	fputs("\r\n", f);
	fclose(f);
	a = analyze(dir, &out, &ret);
	BT_ASSERT_EQ_INT(ret, 0);
	BT_ASSERT(a != NULL);
	BT_ASSERT_EQ_INT(out.n_problems, 2);
	BT_ASSERT(strstr(out.problems.data, "conn.jsonl:2: line of 65636 bytes is over the cap"));
	BT_ASSERT(strstr(out.problems.data, "conn.jsonl:3: "));
	json_object_put(a);
	bos_analyze_out_release(&out);
}

/* manifest.json is read through one O_NOFOLLOW|O_NONBLOCK fd: a symlink is reported and
 * not followed, a FIFO is skipped without waiting for a writer. */
void test_analyze__manifest_symlink_and_fifo(void)
{
	const char *dir = fresh_dir("manifest-link");
	const char *dir2 = fresh_dir("manifest-fifo");
	struct bos_analyze_out out;
	struct json_object *a;
	char p[1024], t[1024];
	int ret;

	put(dir, "real.json", "{\"format_version\":1,\"case_id\":\"linked\"}");
	put(dir, "conn.jsonl", "");
	snprintf(p, sizeof(p), "%s/manifest.json", dir);
	snprintf(t, sizeof(t), "%s/real.json", dir);
	BT_ASSERT_EQ_INT(symlink(t, p), 0);
	a = analyze(dir, &out, &ret);
	BT_ASSERT_EQ_INT(ret, 0);
	BT_ASSERT(strstr(out.problems.data, "manifest.json:0: a symlink (not followed)"));
	BT_ASSERT(strstr(out.json.data, "\"linked\"") == NULL);
	json_object_put(a);
	bos_analyze_out_release(&out);

	put(dir2, "conn.jsonl", "");
	snprintf(p, sizeof(p), "%s/manifest.json", dir2);
	BT_ASSERT_EQ_INT(mkfifo(p, 0600), 0);
	a = analyze(dir2, &out, &ret);
	BT_ASSERT_EQ_INT(ret, 0);
	json_object_put(a);
	bos_analyze_out_release(&out);
}

/* Hostile integers are range-checked before narrowing: an rcode of 2^32 + 3 is no
 * NXDOMAIN, and errno INT64_MIN is not negated (signed overflow, UBSan). */
void test_analyze__hostile_integers(void)
{
	const char *dir = fresh_dir("hostile-ints");
	struct bos_analyze_out out;
	struct json_object *a;
	int ret;

	put(dir, "dns.jsonl",
	    "{\"ts\":1600000000.1,\"uid\":\"D1\",\"id.orig_h\":\"192.168.1.10\","
	    "\"query\":\"c2.example\",\"rcode\":4294967299}\n");
	put(dir, "process.jsonl",
	    "{\"event\":\"process.exec\",\"id\":1,\"ts\":1600000000.0,\"pid\":-9223372036854775808,"
	    "\"errno\":-9223372036854775808,\"image\":\"/tmp/s\"}\n");
	a = analyze(dir, &out, &ret);
	BT_ASSERT_EQ_INT(ret, 0);
	BT_ASSERT(a != NULL);
	BT_ASSERT(strstr(out.json.data, "\"nxdomain\"") == NULL);
	BT_ASSERT(strstr(out.json.data, "\"rcode\": 3") == NULL);
	json_object_put(a);
	bos_analyze_out_release(&out);
}
