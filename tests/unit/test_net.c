/*
 * Unit tests of the engine entry point (bos_net_run) and regressions found by fuzzing
 * (fuzz/regress/pcap/...: each file there has a test here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bos/flow.h"
#include "bos/net.h"
#include "harness.h"

static int run_one(const char *path, const char *outdir, struct bos_net_stats *st,
		   struct bos_err *err)
{
	struct bos_net_opts o = BOS_NET_OPTS_INIT;
	const char *paths[1] = { path };

	o.deterministic = true;
	return bos_net_run(&o, paths, 1, outdir, st, err);
}

/* fuzz_pcap found: a pcapng timestamp near 2^63 ns overflowed last_ns + idle timeout
 * (UBSan, conn.c bos_conn_expiry). Now clamped in the reader and saturating in expiry. */
void test_net__regress_huge_timestamp_no_overflow(void)
{
	const char *src = getenv("BOS_SRC");
	char path[4096];
	struct bos_err err = BOS_ERR_INIT;
	struct bos_net_stats st;
	struct bos_conn c;
	int r;

	if (!src) {
		bt_skip("BOS_SRC not set");
		return;
	}
	snprintf(path, sizeof(path), "%s/fuzz/regress/pcap/ubsan-expiry-overflow-huge-ts", src);
	r = run_one(path, bt_tmpdir(), &st, &err);
	BT_ASSERT(r == 0 || r == -BOS_EINPUT);
	BT_ASSERT(st.frames > 0);
	memset(&c, 0, sizeof(c));
	c.proto = 17;
	c.last_ns = INT64_MAX - 5;
	BT_ASSERT_EQ_INT(bos_conn_expiry(&c), INT64_MAX);
}

void test_net__missing_capture_is_an_error(void)
{
	struct bos_err err = BOS_ERR_INIT;
	struct bos_net_stats st;

	BT_ASSERT(run_one("/nonexistent/x.pcap", bt_tmpdir(), &st, &err) < 0);
	BT_ASSERT(strstr(err.msg, "/nonexistent/x.pcap") != NULL);
}

void test_net__writes_every_log_file(void)
{
	const char *shared = getenv("BOS_SHARED");
	const char *names[] = { "conn.jsonl", "dns.jsonl", "http.jsonl", "tls.jsonl",
				"net_stats.json" };
	char path[4096];
	const char *dir = bt_tmpdir();
	struct bos_err err = BOS_ERR_INIT;
	struct bos_net_stats st;
	struct stat sb;

	if (!shared) {
		bt_skip("BOS_SHARED not set");
		return;
	}
	snprintf(path, sizeof(path), "%s/corpus/pcap/mixed/zeek_wikipedia.pcap", shared);
	if (stat(path, &sb) != 0) {
		bt_skip("corpus not present");
		return;
	}
	BT_ASSERT_EQ_INT(run_one(path, dir, &st, &err), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		BT_ASSERT(stat(path, &sb) == 0);
	}
	/* Zeek's own logs for this trace have 34 conn, 34 dns and 14 http rows. */
	BT_ASSERT_EQ_INT(st.conn_records, 34);
	BT_ASSERT_EQ_INT(st.dns_records, 34);
	BT_ASSERT_EQ_INT(st.http_records, 14);
	BT_ASSERT_EQ_INT(st.frames, 136);
}
