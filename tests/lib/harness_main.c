/*
 * main() of every unit-test binary. BT_LIST names the generated header listing the
 * file's test functions as BT_CASE(name) lines.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define BT_CASE(n) void n(void);
#include BT_LIST
#undef BT_CASE

struct bt_case {
	const char *name;
	void (*fn)(void);
};

static const struct bt_case cases[] = {
#define BT_CASE(n) { #n, n },
#include BT_LIST
#undef BT_CASE
};

int main(int argc, char **argv)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	int failed = 0, skipped = 0;

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		int before = bt_failed_asserts;

		if (argc > 1 && !strstr(cases[i].name, argv[1])) {
			printf("ok %zu - %s # SKIP filtered\n", i + 1, cases[i].name);
			skipped++;
			continue;
		}
		bt_skipped = false;
		cases[i].fn();
		fflush(stdout);
		if (bt_failed_asserts != before) {
			printf("not ok %zu - %s\n", i + 1, cases[i].name);
			failed++;
		} else if (bt_skipped) {
			printf("ok %zu - %s # SKIP\n", i + 1, cases[i].name);
			skipped++;
		} else {
			printf("ok %zu - %s\n", i + 1, cases[i].name);
		}
	}
	if (failed)
		return 1;
	return (size_t)skipped == n && n ? 77 : 0;
}
