#ifndef BOS_CASE_CASE_INT_H
#define BOS_CASE_CASE_INT_H
/*
 * Internals shared by the files of the case module (not part of the API).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <openssl/evp.h>

#include "bos/buf.h"
#include "bos/case.h"
#include "bos/err.h"
#include "bos/sample.h"

/* A setting or outcome entry. */
struct case_kv {
	char *key;
	char *str;		/* NULL: integer value */
	int64_t num;
};

struct case_kvlist {
	struct case_kv *v;
	size_t n;
};

/* A file found in the case when it is sealed. */
struct case_file {
	char *path;
	uint64_t size;
	uint8_t sha256[32];
};

struct bos_case {
	char *final_dir;	/* as requested */
	char *parent;		/* directory holding final_dir ("." if none) */
	char *tmp_dir;		/* parent/.<base>.partial-XXXXXX */
	char *base;		/* base name of final_dir */
	char *tmp_base;		/* base name of tmp_dir */
	char *done_dir;		/* where finish put it; NULL before */
	int parentfd;		/* on parent: every rename is relative to it */
	int dirfd;		/* on tmp_dir */
	char *id;
	char *command;
	char *profile;
	char *tool_version;
	int64_t start_ns;
	int64_t end_ns;		/* 0: not set */
	bool have_sample;
	struct bos_sample sample;
	struct case_kvlist settings;
	struct case_kvlist outcome;
	bool finished;
};

/* bos_err with "fmt: <strerror(errnum) starting lowercase>" and code -errnum. */
int bos_case_err_errno(struct bos_err *err, int errnum, const char *fmt, ...) BOS_PRINTF(3, 4);
/* strerror(errnum) starting lowercase ("permission denied") into buf; returns buf. */
const char *case_strerror(int errnum, char *buf, size_t len);

/* Lowercase hex of src[0..n) into dst (2n + 1 bytes, NUL-terminated). */
void case_hex(char *dst, const uint8_t *src, size_t n);

/*
 * Stream fd to its end through the n digest contexts (already initialised), reading
 * BOS_HASH_CHUNK bytes at a time, so any file hashes in constant memory. first_chunk (may be
 * NULL) sees the first bytes read, for file-type sniffing. *total gets the byte count.
 * On a read error err says "read at offset N: reason" (callers add the file name).
 */
int case_digest_fd(int fd, EVP_MD_CTX *const *ctx, size_t n,
		   void (*first_chunk)(void *arg, const void *data, size_t len), void *arg,
		   uint64_t *total, struct bos_err *err);

/*
 * Check a relative path inside a case: non-empty, at most BOS_CASE_MAX_PATH bytes, no NUL,
 * not absolute, no empty, "." or ".." component, not manifest.json. On failure returns
 * false and points *why at a static reason.
 */
bool case_path_ok(const char *p, size_t len, const char **why);

/*
 * Walk the tree under rootfd without following symlinks. fn is called for every entry that
 * is not a directory (and for directories that could not be opened), with its relative
 * path and lstat data; directories are descended into. Stops at the first fn < 0.
 * Caps: BOS_CASE_MAX_DEPTH levels, BOS_CASE_MAX_FILES entries, BOS_CASE_MAX_PATH bytes.
 * dir_fn (may be NULL) is called with each directory's fd after its entries.
 */
typedef int (*case_walk_fn)(void *ctx, const char *relpath, int parentfd, const char *name,
			    const struct stat *st, struct bos_err *err);
typedef int (*case_walk_dir_fn)(void *ctx, const char *relpath, int dirfd, struct bos_err *err);
int case_walk(int rootfd, case_walk_fn fn, case_walk_dir_fn dir_fn, void *ctx,
	      struct bos_err *err);

/* Write manifest.json text for c with files[0..n) (sorted) into out. */
void case_manifest_emit(const struct bos_case *c, bool complete, const char *reason,
			const struct case_file *files, size_t n, struct bos_buf *out);

/* "symlink", "fifo", ... for an lstat mode. */
const char *case_mode_str(mode_t m);

#endif
