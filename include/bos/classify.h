#ifndef BOS_CLASSIFY_H
#define BOS_CLASSIFY_H
/*
 * The progress-level classifier (DESIGN.md section 4, the rules in docs/levels.md).
 *
 * Pure: no I/O, no clock, no globals. The caller (src/analyze) builds a facts model out of
 * a case - C2 candidates and the DNS transactions, flows, HTTP transactions, TLS sessions,
 * proxy log entries and process events that belong to them - and bos_classify_run grades
 * it: the level (1-8) of the case, of each candidate, with the evidence that decided it,
 * the operations (levels 7 and 8) and what could not be told apart.
 *
 * Ownership: the facts are borrowed for the call; the result refers to facts by index
 * (never by pointer), so it stays valid after the facts are gone. The result owns its
 * arrays: release with bos_cls_result_release.
 *
 * Time is nanoseconds since the Unix epoch on the capture clock. Every array of the facts
 * is read in any order; the result is the same whatever the order (determinism: ties are
 * broken by index).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/err.h"

#define BOS_LEVEL_MIN 1
#define BOS_LEVEL_MAX 8

/* "no traffic", "no traffic (ran)", ... the short names used in analysis.json. */
const char *bos_level_name(unsigned level);

/* Where an address lies, as decided by the caller (lab LAN, lab infrastructure, outside). */
enum bos_cls_where {
	BOS_CLS_WHERE_EXTERNAL = 0,	/* outside the LAN: may be a C2 */
	BOS_CLS_WHERE_LAN,		/* another host of the simulated LAN (decoys, peers) */
	BOS_CLS_WHERE_INFRA,		/* the environment: resolver, proxy, gateway, itself */
};

enum bos_cls_l4 {
	BOS_CLS_L4_OTHER = 0,
	BOS_CLS_L4_TCP,
	BOS_CLS_L4_UDP,
	BOS_CLS_L4_ICMP,
};

/* A destination the sample's tree tried to reach: a name, an address, or both. */
struct bos_cls_cand {
	const char *name;	/* DNS name or proxy host, NULL if only an address */
	const char *addr;	/* first address seen for it, NULL if never resolved */
};

/* DNS transaction (Zeek dns.log). rcode -1: no response was seen. */
struct bos_cls_dns {
	int64_t ts_ns;
	const char *uid;
	uint64_t pkt;			/* packet number of the query, 1-based; 0 unknown */
	const char *query;
	int rcode;
	size_t n_answers;		/* answers that are addresses or names (A/AAAA/CNAME) */
	int cand;			/* candidate index, -1: not about a candidate */
};

/* A flow (Zeek conn.log). Bytes are payload bytes (Zeek orig_bytes/resp_bytes). */
struct bos_cls_flow {
	int64_t ts_ns;
	int64_t dur_ns;
	const char *uid;
	const char *community_id;
	uint64_t pkt;			/* first packet number, 0 unknown */
	enum bos_cls_l4 proto;
	const char *orig_h;
	const char *resp_h;
	uint16_t orig_p;
	uint16_t resp_p;
	const char *conn_state;		/* Zeek conn_state (S0, REJ, SF, ...), NULL unknown */
	const char *history;		/* Zeek history, NULL unknown */
	uint64_t orig_bytes;
	uint64_t resp_bytes;
	enum bos_cls_where where;	/* of resp_h */
	bool from_sample;		/* originated by the sample's tree (or: no process data) */
	int cand;			/* candidate index, -1: not to a candidate */
};

/* HTTP transaction (Zeek http.log). status 0: no response seen. */
struct bos_cls_http {
	int64_t ts_ns;
	const char *uid;
	uint64_t pkt;
	int flow;			/* index into flows, -1 unknown */
	const char *method;
	const char *host;
	int status;
	uint64_t req_body_len;
	int cand;
};

/* TLS session (Zeek ssl.log). */
struct bos_cls_tls {
	int64_t ts_ns;
	const char *uid;
	uint64_t pkt;
	int flow;
	const char *server_name;
	bool established;		/* handshake completed */
	const char *last_alert;		/* alert description, NULL none */
	int cand;
};

/* What the proxy's own upstream connection did (seen in the lab's uplink capture). */
enum bos_cls_upstream {
	BOS_CLS_UP_UNKNOWN = 0,		/* not captured / not matched */
	BOS_CLS_UP_ANSWERED,		/* the upstream TCP handshake completed */
	BOS_CLS_UP_NO_ANSWER,		/* SYNs never answered */
	BOS_CLS_UP_REFUSED,		/* SYN answered by RST */
};

/* One line of the proxy's access log (Squid native format), as parsed by analyze. */
struct bos_cls_proxy {
	int64_t ts_ns;
	uint32_t line;			/* 1-based line number in proxy.log */
	const char *result;		/* Squid result code: TCP_MISS, TCP_TUNNEL, NONE, ... */
	int status;			/* HTTP status the proxy sent; 0 = "000" (none) */
	const char *method;
	const char *host;		/* host part of the URL */
	const char *hier;		/* hierarchy code: HIER_DIRECT, HIER_NONE, ... */
	const char *peer;		/* upstream address, NULL when "-" */
	const char *err;		/* Squid error code if logged (ERR_DNS_FAIL, ...), or NULL */
	int64_t dur_ns;			/* Squid elapsed time: the line is logged at the end */
	uint64_t bytes;
	enum bos_cls_upstream upstream;	/* Squid's native log can not tell a relayed 503 from
					 * its own connect-failure page; the uplink can */
	bool tunnel_tls;		/* CONNECT: a TLS record for this host was seen inside
					 * the tunnel (the tls fact grades it, not this line) */
	int cand;
};

enum bos_cls_pev_kind {
	BOS_CLS_PEV_EXEC = 0,		/* process start (execve); result != 0: exec failed */
	BOS_CLS_PEV_FILE,		/* file open/create/delete/rename */
	BOS_CLS_PEV_CONNECT,		/* socket connect / sendto to an address */
	BOS_CLS_PEV_EXIT,		/* process exit */
};

/* A process event of the sample's tree (docs/process-events.md), by id. */
struct bos_cls_pev {
	int64_t ts_ns;
	const char *id;			/* the event's id in process.jsonl */
	enum bos_cls_pev_kind kind;
	int32_t pid;
	bool root;			/* the sample's own (first) process */
	const char *path;		/* EXEC: image; FILE: path */
	const char *cmdline;		/* EXEC: argv joined by spaces */
	const char *addr;		/* CONNECT: destination address */
	uint16_t port;
	const char *community_id;	/* CONNECT: joins to a flow */
	enum bos_cls_where where;	/* CONNECT: of addr */
	int result;			/* 0 ok; else the errno (exec failed, connect failed) */
	int cand;			/* CONNECT to a candidate: its index, else -1 */
};

struct bos_cls_settings {
	int64_t window_ns;		/* an operation must follow C2 data within this */
	int64_t gap_ns;			/* quiet time that separates two bursts / C2 sessions */
	uint32_t scan_min_targets;	/* distinct hosts on one port (or ports on one host) */
	uint64_t upload_min_bytes;	/* HTTP request body that counts as an upload */
};

/* Defaults, documented in docs/levels.md. */
#define BOS_CLS_DEFAULT_WINDOW_NS (30LL * 1000000000LL)
#define BOS_CLS_DEFAULT_GAP_NS (120LL * 1000000000LL)
#define BOS_CLS_DEFAULT_SCAN_MIN 16u
#define BOS_CLS_DEFAULT_UPLOAD_MIN 1024u

void bos_cls_settings_init(struct bos_cls_settings *s);

struct bos_cls_facts {
	const struct bos_cls_cand *cands;
	size_t n_cands;
	const struct bos_cls_dns *dns;
	size_t n_dns;
	const struct bos_cls_flow *flows;
	size_t n_flows;
	const struct bos_cls_http *http;
	size_t n_http;
	const struct bos_cls_tls *tls;
	size_t n_tls;
	const struct bos_cls_proxy *proxy;
	size_t n_proxy;
	const struct bos_cls_pev *pevs;
	size_t n_pevs;
	bool have_process;		/* process data of the sample's tree was available */
	bool exec_failed;		/* the environment says the sample could not be started */
	bool started;			/* the environment says it was started (no tracer needed) */
};

/* Why a level was given. Stable strings (bos_cls_reason_str) go into analysis.json. */
enum bos_cls_reason {
	BOS_CLS_R_NONE = 0,
	BOS_CLS_R_NOT_RUN,		/* 1: exec failed or no process ever ran */
	BOS_CLS_R_NO_EVIDENCE,		/* 1: no process data and no traffic: 1 vs 2 unknown */
	BOS_CLS_R_NO_TRAFFIC,		/* 2: ran, nothing on the network */
	BOS_CLS_R_NO_C2_TRAFFIC,	/* 2: traffic, but none to a C2 candidate (scan only) */
	BOS_CLS_R_NXDOMAIN,		/* 3 */
	BOS_CLS_R_SERVFAIL,		/* 3 */
	BOS_CLS_R_DNS_REFUSED,		/* 3 */
	BOS_CLS_R_DNS_NO_ANSWER,	/* 3: query never answered */
	BOS_CLS_R_NO_ADDRESS,		/* 3: NOERROR without an address (NODATA), other rcode */
	BOS_CLS_R_NOT_CONTACTED,	/* 3: resolved, never contacted */
	BOS_CLS_R_RESOLVED,		/* 3 (evidence only): the name resolved */
	BOS_CLS_R_PROXY_DNS_FAIL,	/* 3: proxy says the name did not resolve */
	BOS_CLS_R_NO_ANSWER,		/* 4: SYN (or UDP request) never answered */
	BOS_CLS_R_REFUSED,		/* 4: SYN answered by RST only */
	BOS_CLS_R_PROXY_CONNECT_FAIL,	/* 4: proxy could not connect upstream */
	BOS_CLS_R_HTTP_REFUSED,		/* 5: HTTP 4xx/5xx */
	BOS_CLS_R_PROXY_REFUSED,	/* 5: origin's 4xx/5xx relayed by the proxy */
	BOS_CLS_R_TLS_ALERT,		/* 5: TLS alert during the handshake */
	BOS_CLS_R_TLS_FAILED,		/* 5: handshake never completed */
	BOS_CLS_R_CLOSED_NO_DATA,	/* 5: established, no data both ways */
	BOS_CLS_R_HTTP_OK,		/* 6: HTTP 2xx/3xx */
	BOS_CLS_R_PROXY_OK,		/* 6: 2xx/3xx through the proxy (or CONNECT tunnel) */
	BOS_CLS_R_TLS_DATA,		/* 6: TLS handshake completed, data both ways */
	BOS_CLS_R_PAYLOAD_BOTH,		/* 6: raw TCP/UDP payload both ways */
	BOS_CLS_R_OPERATIONS,		/* 7 */
	BOS_CLS_R_BURSTS,		/* 8: operations in two or more bursts */
	BOS_CLS_R_SESSIONS,		/* 8: operations in two or more C2 sessions */
};

const char *bos_cls_reason_str(enum bos_cls_reason r);

enum bos_cls_ev_kind {
	BOS_CLS_EV_DNS = 0,
	BOS_CLS_EV_FLOW,
	BOS_CLS_EV_HTTP,
	BOS_CLS_EV_TLS,
	BOS_CLS_EV_PROXY,
	BOS_CLS_EV_PEV,
};

const char *bos_cls_ev_kind_str(enum bos_cls_ev_kind k);

/* One piece of evidence: facts array `kind`, element `idx`, graded `level` for `reason`. */
struct bos_cls_evidence {
	enum bos_cls_ev_kind kind;
	size_t idx;
	uint8_t level;
	enum bos_cls_reason reason;
	int64_t ts_ns;
};

enum bos_cls_op_kind {
	BOS_CLS_OP_EXEC = 0,		/* a process start */
	BOS_CLS_OP_FILE,		/* file access outside the start-up set */
	BOS_CLS_OP_INTERNAL,		/* connection to another LAN host */
	BOS_CLS_OP_UPLOAD,		/* HTTP request body >= upload_min_bytes */
	BOS_CLS_OP_SCAN,		/* many targets on one port / ports on one host */
};

const char *bos_cls_op_kind_str(enum bos_cls_op_kind k);

/* An operation candidate. Only `caused` ones (following C2 data within the window) count
 * toward levels 7 and 8; the others are listed as automatic behaviour. */
struct bos_cls_op {
	enum bos_cls_op_kind kind;
	enum bos_cls_ev_kind ev_kind;	/* facts array the op comes from */
	size_t idx;			/* element; for SCAN: the first flow of the scan */
	int64_t ts_ns;
	bool caused;
	int cand;			/* candidate whose data it followed, -1 none */
	struct bos_cls_evidence trigger; /* that data (valid if caused) */
	unsigned burst;			/* 1-based burst number (caused ops only) */
	unsigned session;		/* 1-based C2 session number (caused ops only) */
	uint32_t scan_targets;		/* SCAN: distinct targets */
	uint32_t scan_flows;		/* SCAN: flows in the scan */
};

struct bos_cls_cand_result {
	uint8_t level;			/* 3-8; 0: only reached by a scan (not a C2) */
	enum bos_cls_reason reason;
	int64_t first_ns;		/* first evidence */
	struct bos_cls_evidence *ev;	/* sorted: level desc, time, kind, index; capped */
	size_t n_ev;
	size_t n_ev_total;		/* before the cap */
	size_t n_ops;			/* caused operations that followed its data */
	bool scan_only;
};

enum bos_cls_caveat {
	BOS_CLS_CAV_NO_PROCESS = 1u << 0,	/* network only: 6 vs 7/8 and 1 vs 2 unclear */
	BOS_CLS_CAV_EVIDENCE_CAPPED = 1u << 1,	/* some evidence lists were cut */
	BOS_CLS_CAV_OPS_CAPPED = 1u << 2,	/* the operation list was cut */
	BOS_CLS_CAV_SCAN_IGNORED = 1u << 3,	/* scan flows did not grade anything */
};

struct bos_cls_result {
	uint8_t level;
	enum bos_cls_reason reason;
	int best_cand;			/* candidate that decided the level, -1 none */
	int64_t first_reached[BOS_LEVEL_MAX + 1];	/* 0: not reached / unknown time */
	struct bos_cls_cand_result *cands;	/* n_cands entries, facts order */
	size_t n_cands;
	struct bos_cls_op *ops;		/* time order */
	size_t n_ops;
	size_t n_ops_total;
	unsigned n_bursts;
	unsigned n_sessions;
	unsigned caveats;		/* enum bos_cls_caveat */
};

/*
 * Grade facts. Returns 0, or -ENOMEM / -BOS_ELIMIT (err filled). Inputs larger than the
 * caps in bos/limits.h are graded on their first entries and say so in caveats.
 */
int bos_classify_run(const struct bos_cls_facts *facts, const struct bos_cls_settings *set,
		     struct bos_cls_result *res, struct bos_err *err);
void bos_cls_result_release(struct bos_cls_result *res);

#endif
