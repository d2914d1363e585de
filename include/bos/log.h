#ifndef BOS_LOG_H
#define BOS_LOG_H
/*
 * Diagnostics to stderr as `bos[pid]: <level>: <module>: msg`. The level is tested
 * before the arguments are evaluated. Libraries log at DEBUG/TRACE only; facts about
 * packets or syscalls are counters or events, never log lines. Attacker bytes reach a
 * log only through bos_escape().
 */
#include "bos/compiler.h"

enum bos_log_level {
	BOS_LOG_ERROR,
	BOS_LOG_WARN,
	BOS_LOG_INFO,
	BOS_LOG_DEBUG,
	BOS_LOG_TRACE,
};

extern enum bos_log_level bos_log_threshold;

void bos_log_write(enum bos_log_level lvl, const char *module, const char *fmt, ...)
	BOS_PRINTF(3, 4);

#define BOS_LOG(lvl, module, ...)                                      \
	do {                                                           \
		if ((lvl) <= bos_log_threshold)                        \
			bos_log_write((lvl), (module), __VA_ARGS__);   \
	} while (0)

#endif
