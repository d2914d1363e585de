#ifndef BOS_ANALYZE_MODEL_H
#define BOS_ANALYZE_MODEL_H
/*
 * Private to src/analyze: the facts being built from a case, their string arena, and the
 * readers (readers.c), the candidate builder (cands.c) and the writer (render.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/analyze.h"
#include "bos/buf.h"
#include "bos/classify.h"

struct arena_blk;
struct json_tokener;

/* Input file, for analysis.json "inputs" and problem messages. */
struct ana_input {
	char name[64];			/* file name inside the case / log dir */
	char sha256[65];
	uint64_t lines, used, skipped, capped;
	bool derived;			/* written by the network engine from a capture */
};

/* What a process event said about addresses before classification. */
struct ana_pev_extra {
	uint16_t port;
};

struct ana {
	struct arena_blk *arena;
	struct json_tokener *tok;	/* shared by every JSONL reader */
	const struct bos_analyze_opts *opts;
	struct bos_analyze_out *out;

	bool lab;			/* a bos case on the lab LAN (10.66.0.0/24) */
	bool have_proxy_log;
	bool lan_as_c2;			/* no peer outside the LAN: LAN peers are candidates */
	int64_t start_ns;		/* case start from the manifest, 0 unknown */
	const char *case_id;
	const char *sample_name;
	const char *sample_sha256;
	const char *input_kind;		/* "case", "logs", "capture" */
	const char *input_name;		/* base name of PATH */
	const char *derived_dir;	/* the network engine's temporary output, if any */
	uint64_t capture_drops;		/* from the manifest outcome, if recorded */
	uint64_t tracer_lost;
	bool truncated_capture;

	struct ana_input inputs[16];
	size_t n_inputs;

	struct bos_cls_cand *cands;
	size_t n_cands, a_cands;
	const char **cand_addrs;	/* second address list: all addresses per candidate */
	struct bos_cls_dns *dns;
	size_t n_dns, a_dns;
	const char **dns_answers;	/* answers joined by ", " per dns entry */
	const char **dns_orig;		/* id.orig_h per dns entry (may be NULL) */
	struct bos_cls_flow *flows;
	size_t n_flows, a_flows;
	struct bos_cls_http *http;
	size_t n_http, a_http;
	const char **http_uri;
	struct bos_cls_tls *tls;
	size_t n_tls, a_tls;
	struct bos_cls_proxy *proxy;
	size_t n_proxy, a_proxy;
	const char **proxy_url;
	const char **proxy_client;	/* client address per proxy line */
	int *flow_pev;			/* per flow: the process connect with its Community ID */
	struct bos_cls_flow *uplink;	/* flows of the lab's uplink capture (gateway.pcap) */
	size_t n_uplink, a_uplink;
	bool reading_uplink;		/* conn reader fills uplink[] instead of flows[] */
	struct bos_cls_pev *pevs;
	size_t n_pevs, a_pevs;
	bool have_process;
	bool exec_failed;
	bool started;			/* events.jsonl: sample_started */
	uint64_t facts_capped;
};

/* Copy len bytes (capped at BOS_MAX_STRING, cut at an embedded NUL) into the arena. */
char *ana_strndup(struct ana *a, const char *s, size_t len);
const char *ana_strdup(struct ana *a, const char *s);
void ana_arena_free(struct ana *a);

/* Grow *v (n used, *alloc slots of elem bytes) for one more; false: cap hit or no memory. */
bool ana_grow(struct ana *a, void **v, size_t n, size_t *alloc, size_t elem);

/* Report "file:line: why" (capped in the output, always counted). */
void ana_problem(struct ana *a, const char *file, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Readers: each reads one file of dir if it exists (absent is fine: returns 0). */
int ana_read_conn(struct ana *a, const char *dir, const char *file, struct bos_err *err);
int ana_read_dns(struct ana *a, const char *dir, const char *file, struct bos_err *err);
int ana_read_http(struct ana *a, const char *dir, const char *file, struct bos_err *err);
int ana_read_tls(struct ana *a, const char *dir, const char *file, struct bos_err *err);
int ana_read_proxy(struct ana *a, const char *dir, struct bos_err *err);
int ana_read_process(struct ana *a, const char *dir, struct bos_err *err);
int ana_read_events(struct ana *a, const char *dir, struct bos_err *err);
int ana_read_manifest(struct ana *a, const char *dir, struct bos_err *err);
/* Hash a file into a new inputs[] entry (name = base name); returns the entry or NULL. */
struct ana_input *ana_add_input(struct ana *a, const char *dir, const char *file);

/* Tell Squid's connect-failure pages from relayed answers by its upstream flows. */
void ana_match_upstream(struct ana *a);

/* Decide address classes, candidates and the joins (cands.c). */
int ana_build_candidates(struct ana *a, struct bos_err *err);
bool ana_addr_private(const char *addr);

/* analysis.json and the summary (render.c). */
void ana_render(struct ana *a, const struct bos_cls_result *res);

#endif
