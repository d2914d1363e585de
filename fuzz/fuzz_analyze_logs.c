/*
 * libFuzzer harness for the case readers of src/analyze (Zeek-style JSONL via json-c, Squid
 * proxy.log, process.jsonl, events.jsonl) and everything after them (candidates, classifier,
 * analysis.json): the input is split at NUL bytes into the files of a small case directory
 * (conn.jsonl, dns.jsonl, http.jsonl, tls.jsonl, proxy.log, process.jsonl, events.jsonl, in
 * that order), which is analysed without writing analysis.json. The output must always be
 * one valid JSON document. Slow-ish (files per run); keep -max_len small.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bos/analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = { "conn.jsonl", "dns.jsonl", "http.jsonl", "tls.jsonl",
				     "proxy.log", "process.jsonl", "events.jsonl" };

static char dir[256];

/* Leave no directory behind when the fuzzer or the replay ends. */
static void cleanup(void)
{
	char path[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bos_analyze_opts o;
	struct bos_analyze_out out;
	struct bos_err err = BOS_ERR_INIT;
	const uint8_t *p = data, *end = data + size;
	struct json_object *j;
	char path[512];

	if (!dir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/bos-fuzz-analyze-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(cleanup);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const uint8_t *nul = p < end ? memchr(p, 0, (size_t)(end - p)) : NULL;
		size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		f = fopen(path, "wb");
		if (!f)
			abort();
		if (n)
			fwrite(p, 1, n, f);
		fclose(f);
		p = nul ? nul + 1 : end;
	}
	bos_analyze_opts_init(&o);
	o.write_case = false;
	bos_analyze_out_init(&out);
	if (bos_analyze_path(dir, &o, &out, &err) == 0) {
		j = json_tokener_parse(out.json.data);
		if (!j || out.level < 1 || out.level > 8)
			__builtin_trap();
		json_object_put(j);
	}
	bos_analyze_out_release(&out);
	return 0;
}
