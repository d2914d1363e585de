/*
 * libFuzzer harness: the "#!" line of a file a tracee execs (bytes chosen by the sample).
 * Checks that every view returned lies inside the input and within the cap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "bos/limits.h"
#include "bos/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bos_trace_shebang sb;

	if (bos_trace_shebang_parse(data, size, &sb) != BOS_PARSE_OK)
		return 0;
	if (sb.interp < data || sb.interp_len == 0 || sb.interp_len > BOS_TRACE_SHEBANG_MAX ||
	    (size_t)(sb.interp - data) + sb.interp_len > size)
		abort();
	if (sb.arg && (sb.arg < sb.interp + sb.interp_len ||
		       (size_t)(sb.arg - data) + sb.arg_len > size ||
		       (size_t)(sb.arg - data) + sb.arg_len > BOS_TRACE_SHEBANG_MAX))
		abort();
	return 0;
}
