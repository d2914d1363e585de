#ifndef BOS_NET_H
#define BOS_NET_H
/*
 * The network engine (module src/flow): captures in, Zeek-style logs out.
 *
 *	struct bos_net_opts o = BOS_NET_OPTS_INIT;
 *	struct bos_net_stats st;
 *	ret = bos_net_run(&o, paths, n, "case-x/", &st, &err);
 *
 * Reads the captures in the order given as one stream (rotated traffic-NNNN.pcap files
 * continue each other's flows), follows TCP/UDP/ICMP connections with Zeek's semantics
 * (bos/flow.h), reassembles TCP, runs the DNS/HTTP/TLS dissectors (bos/proto.h) and writes
 * into outdir: conn.jsonl, dns.jsonl, http.jsonl, tls.jsonl (one JSON object per line) and
 * net_stats.json (counters, caps hit, damage). docs/net-logs.md has every schema.
 *
 * Memory is bounded by live flows (idle flows expire on capture time, BOS_FLOW_MAX_FLOWS
 * caps them), never by file size.
 *
 * Returns 0 on success. A damaged capture (truncated, corrupt record) does not stop the
 * run: its earlier frames are analysed, the next capture is read, every file is written,
 * and then -BOS_EINPUT is returned with err naming the (first) file, record and offset.
 * Other errors (cannot open a capture, cannot write outdir) return < 0 with err filled;
 * output files may then be incomplete.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/err.h"
#include "bos/pkt.h"

struct bos_net_opts {
	/* uids derived from the flow and a fixed seed instead of a random one, so the same
	 * input gives byte-identical output (golden tests). */
	bool deterministic;
	/* Live-flow cap; 0 means BOS_FLOW_MAX_FLOWS. */
	size_t max_flows;
	/* Called now and then (about every 4 MiB read): capture index, bytes read of it, its
	 * size. May be NULL. */
	void (*progress)(void *ctx, size_t capture, uint64_t done, uint64_t total);
	void *progress_ctx;
};

#define BOS_NET_OPTS_INIT                                                                          \
	{                                                                                          \
		.deterministic = false, .max_flows = 0, .progress = NULL                           \
	}

struct bos_net_stats {
	uint64_t captures, captures_damaged;
	uint64_t frames, frame_bytes;
	uint64_t ip_packets, tcp_packets, udp_packets, icmp_packets;
	uint64_t skipped[BOS_SKIP__COUNT]; /* frames not followed, by reason */
	uint64_t ts_backwards;		   /* frames older than the previous one */
	uint64_t flows_created, flows_peak, flows_evicted_cap;
	uint64_t conn_records, dns_records, http_records, tls_records;
	uint64_t reasm_gap_bytes, reasm_cap_hits;
	uint64_t dns_malformed, dns_evicted, http_malformed, http_cap_hits, app_buf_cap_hits;
};

int bos_net_run(const struct bos_net_opts *opts, const char *const *captures, size_t n,
		const char *outdir, struct bos_net_stats *st, struct bos_err *err);

#endif
