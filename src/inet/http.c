/*
 * The sinkhole's HTTP/1.x: just enough of RFC 9112 to read a request head (request line
 * and the Host header) and to write one response with Connection: close.
 *
 * The request bytes come from the sample: read with bos_cur, the whole head capped at
 * BOS_INET_MAX_REQUEST (a head that does not end by then is answered anyway), method,
 * path and host cut to their buffers, Content-Length taken when it is a plain number.
 * Bodies are not read here: the server reads (and discards) Content-Length bytes before
 * answering, as a real server would, and drains what still comes after answering, so
 * that closing does not turn into an RST.
 */
#include <string.h>
#include <strings.h>

#include "bos/cur.h"
#include "bos/limits.h"
#include "inet_int.h"

static bool is_tchar(uint8_t ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* Copy [p, p+n) into dst (cap bytes incl. NUL), cutting if needed. */
static void copy_cut(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = 0;
}

/* Read up to the next CRLF (or LF). Returns the line length and moves past the EOL, or
 * fails INCOMPLETE when no EOL is in the buffer yet. */
static size_t read_line(struct bos_cur *c, const uint8_t **line)
{
	const uint8_t *eol = memchr(c->p, '\n', bos_cur_left(c));
	size_t n;

	if (!eol) {
		bos_cur_fail(c, BOS_PARSE_INCOMPLETE);
		return 0;
	}
	*line = c->p;
	n = (size_t)(eol - c->p);
	bos_cur_skip(c, n + 1);
	if (n && (*line)[n - 1] == '\r')
		n--;
	return n;
}

enum bos_parse inet_http_parse(const uint8_t *data, size_t len, struct inet_http_req *req)
{
	struct bos_cur c = bos_cur_make(data, len);
	const uint8_t *line = NULL, *sp1, *sp2;
	size_t n, i, mlen;

	memset(req, 0, sizeof(*req));
	req->content_length = -1;
	/* The method decides whether this is HTTP at all, before the line is complete. */
	for (mlen = 0; mlen < len && mlen < sizeof(req->method) && is_tchar(data[mlen]); mlen++)
		;
	if (mlen == len && len < sizeof(req->method))
		return BOS_PARSE_INCOMPLETE;
	if (mlen == 0 || mlen >= sizeof(req->method) || data[mlen] != ' ')
		return BOS_PARSE_MALFORMED;
	req->looks_http = true;
	copy_cut(req->method, sizeof(req->method), data, mlen);

	n = read_line(&c, &line);
	if (!bos_cur_ok(&c))
		return c.err;
	sp1 = memchr(line, ' ', n);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line)) : NULL;
	if (!sp1 || !sp2 || (size_t)(line + n - sp2) < 9 || memcmp(sp2 + 1, "HTTP/", 5))
		return BOS_PARSE_MALFORMED;
	copy_cut(req->path, sizeof(req->path), sp1 + 1, (size_t)(sp2 - sp1 - 1));
	for (i = 0; i < 200; i++) {		/* header lines, bounded by count and bytes */
		n = read_line(&c, &line);
		if (!bos_cur_ok(&c))
			return c.err;
		if (n == 0) {
			req->complete = true;
			req->head_len = (size_t)(c.p - data);
			return BOS_PARSE_OK;
		}
		if (n > 15 && !strncasecmp((const char *)line, "content-length:", 15)) {
			const uint8_t *v = line + 15, *e = line + n;
			int64_t cl = 0;
			size_t digits = 0;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			/* Digits only, at most 15 of them: anything else is "unknown". */
			for (; v < e && *v >= '0' && *v <= '9' && digits < 15; v++, digits++)
				cl = cl * 10 + (*v - '0');
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			req->content_length = digits && v == e ? cl : -1;
		}
		if (n > 5 && !strncasecmp((const char *)line, "host:", 5)) {
			const uint8_t *v = line + 5, *e = line + n;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			copy_cut(req->host, sizeof(req->host), v, (size_t)(e - v));
		}
	}
	return BOS_PARSE_MALFORMED;
}

static const char *reason_for(int status)
{
	static const struct {
		int code;
		const char *text;
	} reasons[] = {
		{ 200, "OK" },
		{ 201, "Created" },
		{ 204, "No Content" },
		{ 301, "Moved Permanently" },
		{ 302, "Found" },
		{ 304, "Not Modified" },
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 410, "Gone" },
		{ 429, "Too Many Requests" },
		{ 500, "Internal Server Error" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};
	size_t i;

	for (i = 0; i < BOS_ARRAY_SIZE(reasons); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "Status";
}

void inet_http_response(const struct bos_profile_http_rule *r, bool head_only,
			struct bos_buf *out)
{
	bool have_ct = false, have_server = false;
	size_t i;

	bos_buf_addf(out, "HTTP/1.1 %d %s\r\n", r->status, r->reason ? r->reason : reason_for(
									r->status));
	for (i = 0; i < r->n_headers; i++) {
		const char *name = r->headers[i].name;

		/* bos owns the framing headers: a profile must not desync the stream. */
		if (!strcasecmp(name, "content-length") || !strcasecmp(name, "connection") ||
		    !strcasecmp(name, "transfer-encoding"))
			continue;
		have_ct |= !strcasecmp(name, "content-type");
		have_server |= !strcasecmp(name, "server");
		bos_buf_addf(out, "%s: %s\r\n", name, r->headers[i].value);
	}
	if (!have_server)
		bos_buf_addstr(out, "Server: nginx\r\n");
	if (!have_ct && r->body_len)
		bos_buf_addstr(out, "Content-Type: text/html\r\n");
	bos_buf_addf(out, "Content-Length: %zu\r\nConnection: close\r\n\r\n", r->body_len);
	if (!head_only && r->body_len)
		bos_buf_add(out, r->body, r->body_len);
}
