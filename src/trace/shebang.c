/*
 * The "#!" line of a script, parsed the way the kernel's fs/binfmt_script.c does: the line
 * ends at '\n' or at BOS_TRACE_SHEBANG_MAX bytes; leading blanks (space, tab) are skipped,
 * the interpreter runs to the next blank, and everything after the following blanks up to
 * the end of the line (trailing blanks removed) is one optional argument. The bytes are the
 * sample's: only views are returned, the JSON writer escapes them.
 */
#include "bos/cur.h"
#include "bos/limits.h"
#include "bos/trace.h"

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

enum bos_parse bos_trace_shebang_parse(const uint8_t *data, size_t len,
				       struct bos_trace_shebang *out)
{
	struct bos_cur c = bos_cur_make(data, len > BOS_TRACE_SHEBANG_MAX ?
					BOS_TRACE_SHEBANG_MAX : len);
	const uint8_t *line, *end, *p;

	*out = (struct bos_trace_shebang){ 0 };
	if (bos_cur_u8(&c) != '#' || bos_cur_u8(&c) != '!' || !bos_cur_ok(&c))
		return BOS_PARSE_UNSUPPORTED;
	line = c.p;
	end = line;
	while (end < c.end && *end != '\n' && *end != '\0')
		end++;
	if (end == c.end)
		out->truncated = true;
	while (end > line && is_blank(end[-1]))
		end--;
	p = line;
	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return BOS_PARSE_MALFORMED;
	out->interp = p;
	while (p < end && !is_blank(*p))
		p++;
	out->interp_len = (size_t)(p - out->interp);
	while (p < end && is_blank(*p))
		p++;
	if (p < end) {
		out->arg = p;
		out->arg_len = (size_t)(end - p);
	}
	return BOS_PARSE_OK;
}
