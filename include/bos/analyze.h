#ifndef BOS_ANALYZE_H
#define BOS_ANALYZE_H
/*
 * Analysis of a case (module bos_analyze): read what a case recorded, build the facts of
 * bos/classify.h, grade them, and render analysis.json and a short summary.
 *
 * Inputs (all hostile: a sample wrote or caused every byte of them):
 *  - network logs with Zeek field names (docs/net-logs.md): conn, dns, http, tls (or ssl)
 *    .jsonl files. When the case has a capture (traffic.pcap, traffic-NNNN.pcap) and the
 *    network engine is built in, it is run into a temporary directory; a directory holding
 *    only the .jsonl logs (an import, or Zeek's own JSON logs) is read as it is;
 *  - proxy.log: Squid native access.log lines (bos_analyze_proxy_line);
 *  - process.jsonl (docs/process-events.md) and events.jsonl (docs/case-format.md);
 *  - manifest.json: the case's start time, id and sample.
 * A line that does not parse is reported as "file:line: why" in the output's problems and
 * skipped; it never stops the rest. Every count is capped (bos/limits.h, BOS_ANALYZE_*).
 *
 * Addresses: the lab LAN is 10.66.0.0/24 (docs/lab.md); 10.66.0.1 (resolver, proxy,
 * gateway) and 10.255.255.0/30 are the lab's infrastructure. For a capture that is not a
 * bos case (no manifest, or addresses outside the lab LAN) an RFC 1918 / ULA peer in the
 * same /16 (IPv6: /48) as the host that opened the connection is LAN; see docs/levels.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/buf.h"
#include "bos/classify.h"
#include "bos/err.h"

struct bos_analyze_opts {
	struct bos_cls_settings cls;
	bool write_case;		/* write analysis.json into a case directory */
	const char *tmpdir;		/* for the network engine's logs; NULL: $TMPDIR or /tmp */
};

void bos_analyze_opts_init(struct bos_analyze_opts *o);

struct bos_analyze_out {
	unsigned level;
	struct bos_buf json;		/* analysis.json, pretty, fixed key order, ends in \n */
	struct bos_buf summary;		/* lines for people; attacker bytes escaped */
	struct bos_buf problems;	/* "file:line: why\n" per skipped line (capped) */
	size_t n_problems;		/* all of them, also past the cap */
	bool wrote_case;		/* analysis.json was written into the case */
};

void bos_analyze_out_init(struct bos_analyze_out *out);
void bos_analyze_out_release(struct bos_analyze_out *out);

/*
 * Analyze PATH: a case directory, a directory of .jsonl logs, or a capture file.
 * Returns 0 or a negative code with err set (unreadable path, no usable input, the
 * network engine failed on the capture file, writing analysis.json failed).
 */
int bos_analyze_path(const char *path, const struct bos_analyze_opts *o,
		     struct bos_analyze_out *out, struct bos_err *err);

/* ---- proxy.log (Squid native access.log) ---- */

/* A span of the line (not NUL-terminated). */
struct bos_span {
	const char *p;
	size_t len;
};

/*
 * One line of Squid's native format (logformat "squid"):
 *   time.ms elapsed client result/status bytes method URL user hier/peer type [extra...]
 * Fields are separated by runs of spaces/tabs. time may lack ".ms" (Squid 4 examples do).
 * Extra fields after type (a lab logformat appending %err_code/%err_detail) are searched
 * for a Squid error code: the first token starting with "ERR_" becomes `err`.
 * host is taken from the URL: "scheme://host[:port]/..." or, for CONNECT, "host:port";
 * IPv6 literals keep their brackets stripped.
 * Returns OK, TRUNCATED (too few fields) or MALFORMED (a field out of shape); on failure
 * *r is zeroed. Spans point into line, which is not modified.
 */
struct bos_proxy_rec {
	int64_t ts_ns;
	int64_t elapsed_ms;
	struct bos_span client, result, method, url, host, hier, peer, type, err;
	int status;			/* 0..999; 0 for "000" */
	uint64_t bytes;
};

enum bos_parse bos_analyze_proxy_line(const char *line, size_t len, struct bos_proxy_rec *r);

#endif
