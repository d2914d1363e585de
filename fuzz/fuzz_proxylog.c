/*
 * libFuzzer harness for the Squid native access.log line parser (bos_analyze_proxy_line,
 * src/analyze/proxylog.c): proxy.log holds URLs chosen by the sample. Checks the parser's
 * promises on every input: spans lie inside the line, a failure leaves the record zeroed,
 * the status fits in three digits.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bos/analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_span(const char *base, size_t size, struct bos_span s)
{
	if (!s.len)
		return;
	if (s.p < base || s.p > base + size || s.len > size || (size_t)(s.p - base) > size - s.len)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct bos_proxy_rec r;
	enum bos_parse e = bos_analyze_proxy_line(line, size, &r);

	if (e != BOS_PARSE_OK) {
		static const struct bos_proxy_rec zero;

		if (memcmp(&r, &zero, sizeof(r)))
			__builtin_trap();
		return 0;
	}
	if (r.status < 0 || r.status > 999 || r.elapsed_ms < 0 || r.ts_ns < 0)
		__builtin_trap();
	check_span(line, size, r.client);
	check_span(line, size, r.result);
	check_span(line, size, r.method);
	check_span(line, size, r.url);
	check_span(line, size, r.host);
	check_span(line, size, r.hier);
	check_span(line, size, r.peer);
	check_span(line, size, r.type);
	check_span(line, size, r.err);
	return 0;
}
