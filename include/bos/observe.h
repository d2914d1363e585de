#ifndef BOS_OBSERVE_H
#define BOS_OBSERVE_H
/*
 * One observation run (module bos_observe): a case is created, the sample identified
 * (sample.stix.json), the lab built (bos/sandbox.h), captures and services started, the
 * sample run in the victim under the process tracer (or plain fork/exec with tracer "none"),
 * until the duration passes, the sample's whole tree is gone, or a signal arrives. Then the
 * tree is killed, captures and services stopped, logs collected, the profile copied, the
 * lab torn down and the case finished: complete, or complete=false with the reason when
 * an error or SIGINT/SIGTERM cut it short (everything recorded so far is kept).
 *
 * Case files written here: events.jsonl (the environment's own log, docs/lab.md lists the
 * kinds), sample.stix.json, profile.yaml, process.jsonl (tracer), traffic.pcap (victim
 * link), gateway.pcap (corp uplink), dns.log (dnsmasq), proxy.log (Squid, native format),
 * sample-output.log (the sample's stdout+stderr), lab/ (generated configs).
 *
 * The caller (the CLI) installs the signal handlers (bos_case_catch_signals); this module
 * polls bos_case_caught_signal() and never prints: live status goes to the progress
 * callback.
 */
#include <stdbool.h>
#include <stdint.h>

#include "bos/err.h"
#include "bos/limits.h"

#define BOS_OBSERVE_DEFAULT_DURATION_MS 120000
#define BOS_OBSERVE_MAX_DURATION_MS (24LL * 3600 * 1000)

enum bos_observe_tracer {
	BOS_OBSERVE_TRACER_AUTO = 0,	/* eBPF if available, else ptrace */
	BOS_OBSERVE_TRACER_PTRACE,
	BOS_OBSERVE_TRACER_EBPF,
	BOS_OBSERVE_TRACER_NONE,	/* plain fork/exec: no process.jsonl */
};

/* Live counters, given to the progress callback about 4 times a second. */
struct bos_observe_status {
	const char *phase;		/* "lab", "running", "stopping", "done" */
	int64_t elapsed_ms;
	int64_t duration_ms;
	uint64_t packets;		/* victim link */
	uint64_t dns_queries;		/* seen on the victim link */
	uint64_t connections;		/* TCP SYNs from/to the victim */
	int processes;			/* in the victim's cgroup; -1 unknown */
	const char *case_dir;		/* temporary dir while running */
	const char *message;		/* a milestone ("lab up in 84 ms"), or NULL */
};

typedef void (*bos_observe_progress_fn)(void *ctx, const struct bos_observe_status *st);

struct bos_observe_opts {
	const char *sample;		/* path of the sample file */
	char *const *args;		/* arguments after "--" */
	int nargs;
	const char *profile;		/* profile file; NULL: the built-in default profile */
	int64_t duration_ms;		/* 0: the profile's lab.duration, else the default */
	enum bos_observe_tracer tracer;
	const char *out;		/* final case dir; NULL: ./case-<time>-<rand> */
	bool no_services;		/* lab without dnsmasq/Squid (bench, tests) */
	uint64_t rotate_bytes;		/* capture file size before rotation; 0: default */
	bos_observe_progress_fn progress;	/* may be NULL */
	void *progress_ctx;
};

struct bos_observe_result {
	char case_dir[BOS_LAB_PATH_MAX];	/* where the case ended up */
	bool complete;
	char reason[512];			/* why incomplete ("interrupted by SIGINT") */
	char end[32];				/* "exited", "timeout", "signal", "error" */
	int exit_code;				/* exit code, 128+signal; -1 unknown */
	int killed;				/* processes still alive at the end */
	int64_t lab_up_ms, teardown_ms;
};

/* Run one observation. Returns 0 when a case was written (complete or not: see res), < 0
 * when not even a case could be made (err says why). */
int bos_observe_run(const struct bos_observe_opts *o, struct bos_observe_result *res,
		    struct bos_err *err);

/* "2m", "90s", "500ms", "1h", "45" (seconds) -> milliseconds; < 0 on bad input. */
int64_t bos_observe_parse_duration(const char *s);

#endif
