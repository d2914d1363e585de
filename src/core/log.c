/*
 * stderr diagnostics (see bos/log.h). The threshold defaults to WARN; the CLI raises it
 * with -v and BOS_LOG=debug.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "bos/log.h"

enum bos_log_level bos_log_threshold = BOS_LOG_WARN;

static const char *const level_names[] = {
	[BOS_LOG_ERROR] = "error", [BOS_LOG_WARN] = "warning", [BOS_LOG_INFO] = "info",
	[BOS_LOG_DEBUG] = "debug", [BOS_LOG_TRACE] = "trace",
};

void bos_log_write(enum bos_log_level lvl, const char *module, const char *fmt, ...)
{
	char line[1024];
	int n;
	va_list ap;

	n = snprintf(line, sizeof(line), "bos[%d]: %s: %s: ", (int)getpid(), level_names[lvl],
		     module);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per line so lines from several processes do not interleave. */
	fprintf(stderr, "%s\n", line);
}
