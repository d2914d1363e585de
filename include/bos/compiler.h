#ifndef BOS_COMPILER_H
#define BOS_COMPILER_H
/* The only place compiler extensions are named (STYLE.md §0.5). */

#define BOS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define BOS_NORETURN __attribute__((noreturn))
#define BOS_UNUSED __attribute__((unused))
#define BOS_WARN_UNUSED __attribute__((warn_unused_result))
#define BOS_LIKELY(x) __builtin_expect(!!(x), 1)
#define BOS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define BOS_FALLTHROUGH __attribute__((fallthrough))

#define BOS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
