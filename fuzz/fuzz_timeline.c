/*
 * libFuzzer harness for the timeline's readers (src/rules/timeline.c): the input, split at
 * NUL bytes, becomes a case's process.jsonl, conn.jsonl, dns.jsonl, http.jsonl, tls.jsonl
 * and analysis.json in a scratch directory; the timeline is built with bos's own rules and
 * written as JSON. Those files are written by a hostile sample's run (or imported), so every
 * shape of line must end in a counted bad line, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bos/json.h"
#include "bos/sigma.h"
#include "bos/timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"process.jsonl", "conn.jsonl", "dns.jsonl",
				    "http.jsonl",    "tls.jsonl",  "analysis.json"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[] = "/tmp/bos-fuzz-timeline-XXXXXX";
	static struct bos_sigma_set rules;
	static int ready;
	struct bos_tl_opts o = {.rules = &rules};
	struct bos_timeline tl;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_buf out = BOS_BUF_INIT;
	struct bos_json j;
	char path[128];
	size_t at = 0;

	if (!ready) {
		if (!mkdtemp(dir))
			abort();
		bos_sigma_set_init(&rules);
		(void)bos_sigma_set_load_dir(&rules, bos_sigma_default_dir(), &err);
		ready = 1;
	}
	for (size_t f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
		const uint8_t *end = at < size ? memchr(data + at, 0, size - at) : NULL;
		size_t len = end ? (size_t)(end - (data + at)) : (at < size ? size - at : 0);
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", dir, names[f]);
		unlink(path);
		if (at >= size && f > 0)
			continue;
		fp = fopen(path, "wb");
		if (!fp)
			abort();
		if (len)
			fwrite(data + at, 1, len, fp);
		fclose(fp);
		at += len + 1;
	}
	bos_timeline_init(&tl);
	if (bos_timeline_build(&tl, dir, &o, &err) == 0) {
		bos_json_init(&j, &out, 0);
		bos_json_obj_begin(&j);
		bos_timeline_write_json(&tl, &j);
		bos_json_obj_end(&j);
	}
	bos_timeline_release(&tl);
	bos_buf_release(&out);
	return 0;
}
