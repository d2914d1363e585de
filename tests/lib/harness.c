/*
 * TAP harness runtime (see harness.h). Each test binary is one CTest test; it exits 0 if
 * every case passed, 1 otherwise, 77 if every case skipped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"

int bt_failed_asserts;
bool bt_skipped;
static char tmpdir_path[256];

void bt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	bt_failed_asserts++;
	printf("#   %s:%d: assertion failed: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void bt_skip(const char *why)
{
	bt_skipped = true;
	printf("#   skip: %s\n", why);
}

const uint8_t *bt_guard_dup(const void *data, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t span = (len + (size_t)page - 1) / (size_t)page * (size_t)page + (size_t)page;
	uint8_t *base = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
	uint8_t *dst;

	if (base == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	if (mprotect(base + span - (size_t)page, (size_t)page, PROT_NONE)) {
		perror("mprotect");
		exit(1);
	}
	dst = base + span - (size_t)page - len;
	memcpy(dst, data, len);
	return dst;
}

static void remove_tmpdir(void)
{
	char cmd[300];

	if (tmpdir_path[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir_path);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", tmpdir_path);
	}
}

const char *bt_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (!tmpdir_path[0]) {
		snprintf(tmpdir_path, sizeof(tmpdir_path), "%s/bos-test-XXXXXX",
			 base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir_path)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(remove_tmpdir);
	}
	return tmpdir_path;
}
