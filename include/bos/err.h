#ifndef BOS_ERR_H
#define BOS_ERR_H
/*
 * Three kinds of failure, three mechanisms (STYLE.md §4):
 *  - bugs: BOS_BUG / BOS_ASSERT abort with file:line;
 *  - operational failures: functions return 0 or a negative code (-errno or -BOS_E*)
 *    and fill a caller-owned struct bos_err once, where the context is known;
 *  - hostile input: enum bos_parse, reported as data (anomaly counters/events), never logged.
 * Libraries never print or exit; only src/cli does.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bos/compiler.h"

/* bos's own error codes, negative like -errno but outside its range. */
enum bos_errcode {
	BOS_EINPUT = 4096,	/* bad input file or data (message names file and offset) */
	BOS_EUSAGE,		/* bad arguments */
	BOS_ELIMIT,		/* a configured cap was hit */
	BOS_ENOTIMPL,		/* feature not built or not supported here */
	BOS_EINTEGRITY,		/* a case failed verification */
};

struct bos_err {
	int code;		/* 0, -errno or -BOS_E* */
	char msg[512];
};

#define BOS_ERR_INIT { 0, { 0 } }

/* Fill err (if not NULL) with code and message; returns code so callers can
 * `return bos_err_set(err, -EINVAL, "...")`. */
int bos_err_set(struct bos_err *err, int code, const char *fmt, ...) BOS_PRINTF(3, 4);
/* Like bos_err_set with code -errno; appends ": strerror(errno)". errno is read first. */
int bos_err_sys(struct bos_err *err, const char *fmt, ...) BOS_PRINTF(2, 3);
/* Prefix an existing message with more context ("case x: " + msg). */
void bos_err_prefix(struct bos_err *err, const char *fmt, ...) BOS_PRINTF(2, 3);

BOS_NORETURN void bos_bug(const char *file, int line, const char *fmt, ...) BOS_PRINTF(3, 4);
#define BOS_BUG(...) bos_bug(__FILE__, __LINE__, __VA_ARGS__)
#define BOS_ASSERT(e) ((e) ? (void)0 : bos_bug(__FILE__, __LINE__, "assertion failed: %s", #e))

/* Outcome of parsing hostile bytes. */
enum bos_parse {
	BOS_PARSE_OK = 0,
	BOS_PARSE_INCOMPLETE,	/* streaming: need more bytes */
	BOS_PARSE_TRUNCATED,	/* capture ended early: snaplen, EOF, killed sample */
	BOS_PARSE_MALFORMED,	/* violates the spec: an anomaly */
	BOS_PARSE_UNSUPPORTED,	/* valid but not decoded */
};

const char *bos_parse_str(enum bos_parse p);

#endif
