/*
 * libFuzzer harness for the manifest reader (bos_manifest_parse, src/case/manifest.c):
 * a case may come from anywhere, so its manifest.json is hostile input. Checks that every
 * accepted manifest upholds the reader's promises: paths validated, sorted, unique.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bos/case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Independent restatement of the path rule: no empty, "." or ".." component. */
static int path_bad(const char *p)
{
	const char *c = p;

	if (!*p || *p == '/' || !strcmp(p, "manifest.json"))
		return 1;
	for (;;) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return 1;
		if (!c[n])
			return 0;
		c += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bos_manifest m;
	struct bos_err err = BOS_ERR_INIT;

	if (bos_manifest_parse(&m, data, size, &err) == 0) {
		for (size_t i = 0; i < m.nfiles; i++) {
			if (path_bad(m.files[i].path))
				__builtin_trap();
			if (i && strcmp(m.files[i - 1].path, m.files[i].path) >= 0)
				__builtin_trap();
		}
	}
	bos_manifest_release(&m);
	return 0;
}
