#ifndef BOS_CASE_H
#define BOS_CASE_H
/*
 * The case directory (DESIGN.md §3, docs/case-format.md): one observation, one directory,
 * one manifest.json naming every file with its SHA-256 and size. Module bos_case.
 *
 * Writing a case (every recorder: observe, stix --case, imports):
 *
 *	struct bos_case *c;
 *	struct bos_case_meta meta = { .command = "observe" };
 *	if (bos_case_create(&c, "cases/case-20261126T105829Z-3f2a", &meta, &err) < 0)
 *		return cli_fail("observe", &err);
 *	fd = bos_case_open_file(c, "process.jsonl", O_WRONLY | O_CREAT | O_EXCL, &err);
 *	... or write into bos_case_dir(c) directly (libpcap's pcap_dump_open) ...
 *	bos_case_set_sample(c, &sample);
 *	bos_case_setting_str(c, "timeout", "60s");
 *	bos_case_outcome_int(c, "exit_status", 0);
 *	rc = bos_case_finish(c, true, NULL, &err);       // or false, "interrupted by SIGINT"
 *	printf("%s\n", bos_case_final_dir(c));
 *	bos_case_free(c);
 *
 * bos_case_create makes ".<name>.partial-XXXXXX" beside final_dir; everything is written
 * there. bos_case_finish closes nothing the caller owns (close your fds first), hashes
 * every regular file under the directory, writes manifest.json (pretty, fixed key order,
 * files sorted by path bytewise), fsyncs every file, the directory tree and the parent,
 * then renames the directory to final_dir. If final_dir exists it is never overwritten:
 * final_dir-1, final_dir-2, ... up to -99 are tried, then finish fails, leaving the
 * finished case under its temporary name (whose manifest is already valid).
 *
 * Nothing recorded is ever deleted: on any failure, and in bos_case_free of a case that
 * was never finished, the temporary directory stays where it is. An interrupted run
 * (error, SIGINT, SIGTERM) calls bos_case_finish(c, false, "interrupted by SIGINT", err)
 * so the case is kept, renamed into place and marked "complete": false with the reason.
 * bos_case_catch_signals below is the helper for that: the recorder polls
 * bos_case_caught_signal() in its loop and finishes the case when it returns non-zero.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/err.h"
#include "bos/sample.h"

/* manifest.json "format_version"; bumped on any incompatible change. */
#define BOS_CASE_FORMAT_VERSION 1
#define BOS_CASE_MANIFEST "manifest.json"

struct bos_case;

struct bos_case_meta {
	const char *id;		/* case id; NULL: the base name of final_dir */
	const char *command;	/* which bos command made it: "observe", "stix", ... */
	int64_t start_ns;	/* start of the observation; 0: now (bos_clock_now_ns) */
};

/*
 * Start a case that will end up at final_dir (its parent must exist). Fails if the
 * parent is missing or not writable, or final_dir's base name is empty, "." or "..".
 * *out is set only on success.
 */
int bos_case_create(struct bos_case **out, const char *final_dir, const struct bos_case_meta *meta,
		    struct bos_err *err);

/* The temporary directory everything is written into (valid until bos_case_free). */
const char *bos_case_dir(const struct bos_case *c);
/* An O_DIRECTORY fd on bos_case_dir (owned by the case; for openat). */
int bos_case_dirfd(const struct bos_case *c);
const char *bos_case_id(const struct bos_case *c);
/* Where the case is after a successful bos_case_finish (final_dir or final_dir-N);
 * before that, the temporary directory. */
const char *bos_case_final_dir(const struct bos_case *c);

/*
 * Open relname inside the case with flags (O_WRONLY|O_CREAT|O_EXCL typical; O_CLOEXEC
 * and O_NOFOLLOW are always added; mode 0644). relname is a relative path of plain
 * components: no "", ".", ".." components, not absolute, not "manifest.json"; missing
 * intermediate directories are created (0755). Returns the fd (caller closes) or < 0.
 */
int bos_case_open_file(struct bos_case *c, const char *relname, int flags, struct bos_err *err);
/* Create relname (must not exist) holding exactly data[0..len). */
int bos_case_write_file(struct bos_case *c, const char *relname, const void *data, size_t len,
			struct bos_err *err);

/* Manifest facts. Strings are copied. Setting a key twice replaces the value. The setters
 * only fail on a NULL/empty key or too many entries (BOS_CASE_MAX_KV). */
void bos_case_set_sample(struct bos_case *c, const struct bos_sample *s);
int bos_case_set_profile(struct bos_case *c, const char *profile_name, struct bos_err *err);
/* Tool version written into the manifest; default BOS_VERSION. */
int bos_case_set_tool_version(struct bos_case *c, const char *version, struct bos_err *err);
void bos_case_set_start_ns(struct bos_case *c, int64_t unix_ns);
/* End of the observation; if never set, bos_case_finish uses bos_clock_now_ns(). */
void bos_case_set_end_ns(struct bos_case *c, int64_t unix_ns);
/* "settings": how the observer was configured (written sorted by key). */
int bos_case_setting_str(struct bos_case *c, const char *key, const char *val, struct bos_err *err);
int bos_case_setting_int(struct bos_case *c, const char *key, int64_t val, struct bos_err *err);
/* "outcome": what happened (exit status, signal, timeout, ...), sorted by key. */
int bos_case_outcome_str(struct bos_case *c, const char *key, const char *val, struct bos_err *err);
int bos_case_outcome_int(struct bos_case *c, const char *key, int64_t val, struct bos_err *err);

/*
 * Seal the case: manifest.json with "complete": complete and "incomplete_reason": reason
 * (required when !complete), fsync, rename into place (see above). The case's files must
 * be closed by the caller. Refuses (and records as a failure) a case that holds a symlink,
 * FIFO, device or socket, or more than BOS_CASE_MAX_FILES files. Can be called once; on
 * failure the temporary directory is left as it is.
 */
int bos_case_finish(struct bos_case *c, bool complete, const char *reason, struct bos_err *err);

/* Release memory and the dir fd. Never deletes anything on disk. NULL is fine. */
void bos_case_free(struct bos_case *c);

/*
 * SHA-256 and length of everything readable from fd, from its current offset, in
 * BOS_HASH_CHUNK reads (constant memory). The one file hasher of bos: the case writer,
 * verify and analyze's "inputs" all use it. err says "read at offset N: why" on failure.
 */
int bos_case_hash_fd(int fd, uint8_t sha256[32], uint64_t *size, struct bos_err *err);

/* "case-20261126T105829Z-3f2a" (UTC of unix_ns + 4 random hex digits) into dst
 * (at least 32 bytes). Returns dst. */
char *bos_case_default_name(char *dst, size_t len, int64_t unix_ns);

/*
 * SIGINT/SIGTERM/SIGHUP handlers that only record the signal (no SA_RESTART, so blocking
 * calls return EINTR). For recorders; the CLI calls it, libraries never do on their own.
 * bos_case_caught_signal() is 0 or the first signal caught; bos_case_signal_reason() is
 * "interrupted by SIGINT" etc., the reason to pass to bos_case_finish.
 */
int bos_case_catch_signals(struct bos_err *err);
int bos_case_caught_signal(void);
const char *bos_case_signal_reason(int signo);

/* ------------------------------------------------------------------------------------- */
/* Reading and verifying (manifest.c, verify.c). */

struct bos_manifest_file {
	char *path;		/* relative, validated: plain components, no "..", not absolute */
	uint64_t size;
	uint8_t sha256[32];
};

struct bos_manifest {
	int format_version;
	char *case_id;
	char *tool_version;
	bool complete;
	char *incomplete_reason;	/* NULL when complete */
	struct bos_manifest_file *files;	/* sorted by path, no duplicates */
	size_t nfiles;
};

/*
 * Parse manifest bytes (json-c). Rejects, with a precise message naming the offending entry
 * ("files[3].path: '..' component", "line 4, offset 57: unexpected character"): invalid
 * JSON, a format_version other than BOS_CASE_FORMAT_VERSION, missing or mistyped fields,
 * paths that are absolute, empty, contain "." or ".." components, "//", NUL, or name
 * manifest.json, duplicate paths, sizes over 2^62, sha256 not 64 lowercase hex digits, more
 * than BOS_CASE_MAX_FILES entries or more than BOS_MANIFEST_MAX_BYTES of input.
 * m is initialised by this call; release with bos_manifest_release even on failure.
 */
int bos_manifest_parse(struct bos_manifest *m, const void *data, size_t len, struct bos_err *err);
void bos_manifest_release(struct bos_manifest *m);

enum bos_verify_kind {
	BOS_VERIFY_MISSING,	/* named in the manifest, not there */
	BOS_VERIFY_SIZE,	/* size differs */
	BOS_VERIFY_HASH,	/* same size, sha256 differs */
	BOS_VERIFY_TYPE,	/* there, but a symlink, directory, FIFO, ... (never followed) */
	BOS_VERIFY_UNEXPECTED,	/* in the case, not in the manifest */
	BOS_VERIFY_UNREADABLE,	/* open/read failed (message says why) */
};

struct bos_verify_problem {
	enum bos_verify_kind kind;
	char *path;		/* relative to the case; raw bytes from disk or manifest */
	char detail[160];	/* "size 10, manifest says 11", "is a symlink, not a regular
				 * file", "permission denied" */
};

/*
 * Files that `bos net`, `bos analyze`, `bos report` and `bos export` write into a case
 * after it was sealed. They are derived: re-created at will from the recorded files, so
 * they are not in the manifest, and verify lists them apart (a regular file of one of
 * these names at the top of the case) instead of reporting them as unexpected.
 */
extern const char *const bos_case_derived_files[];
extern const size_t bos_case_n_derived;

struct bos_verify_result {
	struct bos_manifest manifest;
	size_t nchecked;	/* manifest entries found intact */
	uint32_t derived;	/* bit i: bos_case_derived_files[i] is there (not verified) */
	struct bos_verify_problem *problems;
	size_t nproblems;	/* capped at BOS_CASE_MAX_PROBLEMS; truncated says if more */
	bool truncated;
};

/*
 * Check the case at case_dir against its manifest.json. Returns 0 when the check ran (the
 * case is intact iff res->nproblems == 0), < 0 when it could not: case_dir or manifest.json
 * missing, manifest.json a symlink or not regular, manifest rejected (see
 * bos_manifest_parse; code -BOS_EINPUT). Every file is opened component by component with
 * openat(O_NOFOLLOW) relative to the case dir fd: nothing outside the case is ever opened
 * or followed. The whole tree is walked to find unexpected entries (depth and entry caps
 * BOS_CASE_MAX_DEPTH, BOS_CASE_MAX_FILES). res is initialised by this call; release it with
 * bos_verify_result_release in every case.
 */
int bos_case_verify(const char *case_dir, struct bos_verify_result *res, struct bos_err *err);
void bos_verify_result_release(struct bos_verify_result *res);
const char *bos_verify_kind_str(enum bos_verify_kind k);	/* "missing", "changed", ... */

#endif
