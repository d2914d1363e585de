/*
 * Operational errors (struct bos_err) and bug reports (BOS_BUG). See bos/err.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "bos/err.h"

int bos_err_set(struct bos_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

int bos_err_sys(struct bos_err *err, const char *fmt, ...)
{
	int saved = errno;	/* before anything can clobber it */
	size_t n;
	va_list ap;

	if (saved == 0)
		saved = EIO;
	if (err) {
		err->code = -saved;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(saved));
	}
	return -saved;
}

void bos_err_prefix(struct bos_err *err, const char *fmt, ...)
{
	char head[sizeof(err->msg)];
	char old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Cut deliberately: a long context must not push out the end of the message. */
	if (snprintf(err->msg, sizeof(err->msg), "%s", head) >= 0)
		strncat(err->msg, old, sizeof(err->msg) - strlen(err->msg) - 1);
}

void bos_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bos: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

const char *bos_parse_str(enum bos_parse p)
{
	switch (p) {
	case BOS_PARSE_OK:
		return "ok";
	case BOS_PARSE_INCOMPLETE:
		return "incomplete";
	case BOS_PARSE_TRUNCATED:
		return "truncated";
	case BOS_PARSE_MALFORMED:
		return "malformed";
	case BOS_PARSE_UNSUPPORTED:
		return "unsupported";
	default:
		return "unknown";
	}
}
