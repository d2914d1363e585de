#ifndef BOS_REPORT_H
#define BOS_REPORT_H
/*
 * The HTML report of an analysed case (module bos_report, docs/report.md).
 *
 * report.html is one self-contained file: inline CSS, inline SVG, no script at all, and a
 * Content-Security-Policy that forbids scripts and every fetch, so it opens from disk and a
 * string the sample planted cannot make the browser do anything. Every string from the
 * case goes through bos_html_escape (the sample controls most of them).
 *
 * It shows: the sample and its hashes; the level with its reason, the C2 candidate that
 * decided it and its evidence; a visual timeline (C2 sessions, operator bursts and automatic
 * activity, levels reached over time); the timeline table with ATT&CK techniques; the
 * process tree with command lines; the network sessions (C2 candidates, DNS, HTTP, TLS,
 * connections); the technique sequence; the caveats.
 *
 * Inputs: analysis.json (from `bos analyze`), sample.stix.json, manifest.json, and the
 * timeline (bos/timeline.h) built from process.jsonl and the network logs. When the case
 * holds a capture but no conn/dns/http/tls.jsonl, the network engine is run into a
 * temporary directory that is removed afterwards.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/buf.h"
#include "bos/err.h"
#include "bos/timeline.h"

/*
 * Append data as HTML text (element content and quoted attribute values alike): & < > " '
 * become entities; valid UTF-8 passes; invalid bytes, C0 controls other than tab and
 * newline, DEL and C1 controls become a visible "\xHH". The output is always valid UTF-8
 * with no markup in it.
 */
void bos_html_escape(struct bos_buf *out, const void *data, size_t len);
void bos_html_escape_str(struct bos_buf *out, const char *s);	/* NULL writes nothing */

struct bos_report_opts {
	const char *const *rules_dirs;	/* extra Sigma rule directories (--rules) */
	size_t nrules_dirs;
	bool no_builtin_rules;		/* leave out bos's own rules/linux */
	const char *tmpdir;		/* for the network engine; NULL: $TMPDIR or /tmp */
};

/* What the loaded case gave, for the CLI to tell the user. */
struct bos_report_info {
	int level;			/* -1: no analysis.json */
	size_t entries;			/* timeline entries */
	size_t techniques;
	size_t rules;			/* Sigma rules loaded */
	char **skipped_rules;		/* "file:line:col: why" per rule file not loaded */
	size_t nskipped_rules;
};

void bos_report_info_release(struct bos_report_info *in);

/*
 * Render the report of the case at case_dir into out. info (may be NULL) says what went in.
 * Returns 0, or < 0 with err filled (case_dir unreadable, analysis.json or another input
 * present but not valid JSON, rules directory missing, out of memory).
 */
int bos_report_html(struct bos_buf *out, const char *case_dir, const struct bos_report_opts *o,
		    struct bos_report_info *info, struct bos_err *err);

/* Write data to path atomically: a temporary file beside it, fsync, rename. 0 or -errno. */
int bos_report_write_file(const char *path, const void *data, size_t len, struct bos_err *err);

#endif
