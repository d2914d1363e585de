#ifndef BOS_TESTS_HARNESS_H
#define BOS_TESTS_HARNESS_H
/*
 * Minimal TAP unit-test harness. A test file defines `void test_<suite>__<case>(void)`
 * functions; the build finds them (cmake/TestList.cmake) and harness_main.c runs each,
 * printing TAP. A failed assertion reports file:line and returns from the test.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

extern int bt_failed_asserts;
void bt_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Skip the current test with a reason (capability truly missing). */
void bt_skip(const char *why);
extern bool bt_skipped;

#define BT_ASSERT(e)                                                             \
	do {                                                                     \
		if (!(e)) {                                                      \
			bt_fail(__FILE__, __LINE__, "%s", #e);                   \
			return;                                                  \
		}                                                                \
	} while (0)

#define BT_ASSERT_EQ_INT(a, b)                                                   \
	do {                                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);              \
		if (a_ != b_) {                                                  \
			bt_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, \
				a_, b_);                                         \
			return;                                                  \
		}                                                                \
	} while (0)

#define BT_ASSERT_EQ_STR(a, b)                                                   \
	do {                                                                     \
		const char *a_ = (a), *b_ = (b);                                 \
		if (!a_ || !b_ || strcmp(a_, b_)) {                              \
			bt_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, \
				#b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
			return;                                                  \
		}                                                                \
	} while (0)

#define BT_ASSERT_EQ_MEM(a, b, n)                                                \
	do {                                                                     \
		if (memcmp((a), (b), (n))) {                                     \
			bt_fail(__FILE__, __LINE__, "memcmp(%s, %s, %s) != 0", #a, #b, #n); \
			return;                                                  \
		}                                                                \
	} while (0)

/* Copy data so that it ends flush against an unmapped page: any over-read faults
 * (strace's tail_alloc). The copy lives until the test binary exits. */
const uint8_t *bt_guard_dup(const void *data, size_t len);

/* A fresh empty directory under $TMPDIR, removed at exit. */
const char *bt_tmpdir(void);

#endif
