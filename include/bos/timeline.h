#ifndef BOS_TIMELINE_H
#define BOS_TIMELINE_H
/*
 * The attacker-behaviour timeline of a case (module bos_rules; docs/report.md): the ordered
 * operations - sample start, C2 contacts and their outcome, every command with its output
 * size, file reads/writes of interest, internal connections, uploads - each with its time,
 * actor (process and ancestry), evidence ids, whether it was automatic or operator-driven,
 * and the MITRE ATT&CK techniques that Sigma rules (bos/sigma.h) gave it; plus the
 * technique sequence (distinct techniques in order of first use).
 *
 * Inputs are files of the case, all untrusted (the sample wrote much of what they hold):
 *  - process.jsonl (docs/process-events.md): process, file and socket events;
 *  - conn/dns/http/tls.jsonl when present (docs/net-logs.md): C2 contacts and outcomes;
 *  - analysis.json when present: the C2 candidates chosen by the classifier.
 * Every line is capped (BOS_TIMELINE_MAX_LINE), entries are capped
 * (BOS_TIMELINE_MAX_ENTRIES; the rest counted in `dropped`), unparsable lines are counted,
 * never fatal.
 *
 * Causality (DESIGN.md section 4): an entry is operator-driven when it happens while data
 * from a C2 candidate is arriving or within window_ns after it (a C2 flow with bytes from
 * the server covers [start, end + window]); otherwise it is automatic. C2 contacts are the
 * C2's own traffic: "driven" is "c2" for them in the JSON.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/err.h"
#include "bos/json.h"
#include "bos/sigma.h"

enum bos_tl_kind {
	BOS_TL_SAMPLE_START = 0,	/* the sample's first process */
	BOS_TL_C2_CONTACT,		/* DNS / connection / HTTP / TLS to a C2 candidate */
	BOS_TL_COMMAND,			/* a process started by the sample's tree */
	BOS_TL_FILE,			/* a file access a rule flagged, or any write */
	BOS_TL_INTERNAL,		/* connection to another host of the LAN */
	BOS_TL_UPLOAD,			/* data sent out: HTTP body, bytes over a cap */
	BOS_TL_CONNECT,			/* other outbound connection a rule flagged */
	BOS_TL_KIND_COUNT,
};

/* "sample_start", "c2_contact", "command", "file", "internal", "upload", "connect". */
const char *bos_tl_kind_name(enum bos_tl_kind k);

struct bos_tl_entry {
	int64_t ts_ns;
	enum bos_tl_kind kind;
	char *summary;		/* one line for people, e.g. "whoami", "read /etc/shadow" */
	char *detail;		/* command line, URL, outcome ...; may be NULL */
	int32_t pid;		/* -1 for network-only entries */
	char *image;		/* actor's executable; NULL for network-only entries */
	char **ancestry;	/* images, the sample's process first, the actor last */
	size_t nancestry;
	char **evidence;	/* "process.jsonl:17", "conn.jsonl:C4J4Th3PJpwUYZZ6gc" */
	size_t nevidence;
	bool operator_driven;
	char *trigger;		/* evidence id of the C2 data it followed; NULL: automatic */
	char **techniques;	/* "T1033" ... sorted, distinct */
	size_t ntechniques;
	char **rules;		/* titles of the rules that matched */
	size_t nrules;
	char *outcome;		/* C2 contact: "NXDOMAIN", "S0", "HTTP 200", ... else NULL */
	uint64_t out_bytes;	/* command: bytes the process wrote; upload: bytes sent */
	bool has_out_bytes;
	int64_t dur_ns;		/* C2 contact over a flow: its duration; else 0 */
	size_t repeats;		/* C2 contact: identical contacts folded into this one */
};

/* A process of the sample's tree (for the report's process tree). */
struct bos_tl_proc {
	char *key;		/* tracer's process key */
	char *parent;		/* parent's key; NULL for the sample */
	size_t parent_idx;	/* index of the parent in procs; SIZE_MAX if not seen */
	int32_t pid;
	char *image;		/* last image it exec'd (or its parent's, if it never did) */
	char *cmdline;
	int64_t start_ns;	/* its first exec (0: seen only through other events) */
	uint64_t out_bytes;
	bool root;
	bool operator_driven;	/* its start was operator-driven */
};

/* A technique in the sequence: first use and how often. */
struct bos_tl_technique {
	char *id;		/* "T1059.004" */
	const char *name;	/* from bos's ATT&CK table, or NULL when not known */
	char **tactics;		/* from the rules' tactic tags */
	size_t ntactics;
	int64_t first_ns;
	size_t count;
	size_t first_entry;	/* index into entries */
};

struct bos_timeline {
	struct bos_tl_entry *entries;	/* time order (ties: input order) */
	size_t n;
	struct bos_tl_technique *techniques;	/* order of first use */
	size_t ntechniques;
	struct bos_tl_proc *procs;	/* order of first appearance; [0] is the sample if seen */
	size_t nprocs;
	char **c2;			/* C2 candidates used (names and addresses) */
	size_t nc2;
	int64_t window_ns;
	/* Accounting, written to analysis.json so a short timeline says why. */
	uint64_t lines;		/* process.jsonl lines read */
	uint64_t bad_lines;	/* unparsable or over the line cap (all inputs) */
	uint64_t dropped;	/* entries over BOS_TIMELINE_MAX_ENTRIES */
	bool have_process;	/* process.jsonl was there */
	bool have_net;		/* at least one network log was there */
};

struct bos_tl_opts {
	const struct bos_sigma_set *rules;	/* borrowed; may be NULL (no ATT&CK tags) */
	/* Where conn/dns/http/tls.jsonl are (analyze runs the network engine into a temporary
	 * directory); NULL: the case directory. */
	const char *net_dir;
	int64_t window_ns;			/* 0: BOS_TL_DEFAULT_WINDOW_NS */
	/* C2 candidates (DNS names or addresses). NULL/0: read analysis.json "c2"; if that is
	 * missing too, every destination outside the private ranges counts. */
	const char *const *c2;
	size_t nc2;
};

#define BOS_TL_DEFAULT_WINDOW_NS (30LL * 1000000000LL)

void bos_timeline_init(struct bos_timeline *tl);
void bos_timeline_release(struct bos_timeline *tl);

/*
 * Build the timeline of the case at case_dir. Missing inputs give a shorter timeline, not
 * an error (have_process / have_net say what was there). Returns 0, or -errno when a file
 * that exists cannot be read, -ENOMEM; err filled.
 */
int bos_timeline_build(struct bos_timeline *tl, const char *case_dir,
		       const struct bos_tl_opts *o, struct bos_err *err);

/*
 * Write the keys "timeline", "techniques", "technique_sequence" and "timeline_stats" into
 * the JSON object that j is currently inside (analysis.json's top level).
 */
void bos_timeline_write_json(const struct bos_timeline *tl, struct bos_json *j);
/* One entry as a JSON object (also used by `bos export --jsonl`). */
void bos_timeline_entry_json(const struct bos_tl_entry *e, struct bos_json *j);

/*
 * For `bos analyze`: json holds the analysis.json being written (a pretty JSON object, as
 * src/analyze renders it). Build the timeline of case_dir with bos's own rules, the C2
 * candidates named in that JSON, and the network logs in net_dir (NULL: the case), and add
 * its keys (see bos_timeline_write_json) before the closing brace. On failure the key
 * "timeline_error" says why instead; the analysis itself is never lost. Returns 0 or < 0.
 */
int bos_timeline_analysis_append(struct bos_buf *json, const char *case_dir, const char *net_dir);

/* MITRE ATT&CK name of a technique id bos's rules use ("T1033" -> "System Owner/User
 * Discovery"); NULL when not in bos's table. */
const char *bos_attack_name(const char *technique_id);

#endif
