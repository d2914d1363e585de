/*
 * Squid native access.log lines (squid.conf "logformat squid", the default):
 *
 *   %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt
 *   1579776395.123     43 10.66.0.10 TCP_MISS/503 4021 GET http://c2.example/x - HIER_NONE/- text/html
 *
 * Reference: Squid wiki "Features/LogFormat" and squid.conf.documented (logformat). The line
 * is hostile (URLs come from the sample), so it is read with a cursor, every number is
 * bounded and every field is a span into the caller's buffer.
 */
#include "bos/analyze.h"

#include <string.h>

#include "bos/cur.h"

static bool is_sp(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Next whitespace-separated token; empty span at the end of the line. */
static struct bos_span token(struct bos_cur *c)
{
	struct bos_span s = { NULL, 0 };

	while (bos_cur_left(c) && is_sp(*c->p))
		c->p++;
	s.p = (const char *)c->p;
	while (bos_cur_left(c) && !is_sp(*c->p))
		c->p++;
	s.len = (size_t)((const char *)c->p - s.p);
	return s;
}

/* Unsigned decimal of at most max_digits digits; false if anything else. */
static bool span_u64(struct bos_span s, size_t max_digits, uint64_t *out)
{
	uint64_t v = 0;

	if (!s.len || s.len > max_digits)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	*out = v;
	return true;
}

/* "1579776395.123" or "1579776395" -> ns. */
static bool parse_time(struct bos_span s, int64_t *ns)
{
	const char *dot = memchr(s.p, '.', s.len);
	struct bos_span sec = s, frac = { NULL, 0 };
	uint64_t secs, f = 0, scale = 1000000000u;

	if (dot) {
		sec.len = (size_t)(dot - s.p);
		frac.p = dot + 1;
		frac.len = s.len - sec.len - 1;
		if (!frac.len || frac.len > 9 || !span_u64(frac, 9, &f))
			return false;
		for (size_t i = 0; i < frac.len; i++)
			scale /= 10;
	}
	/* At most 10 digits and below 2^63 ns (year 2262): no overflow below. */
	if (!span_u64(sec, 10, &secs) || secs >= 9223372036u)
		return false;
	*ns = (int64_t)secs * 1000000000LL + (int64_t)(f * (dot ? scale : 0));
	return true;
}

/* Split "a/b" at the first slash. */
static bool split_slash(struct bos_span s, struct bos_span *a, struct bos_span *b)
{
	const char *sl = memchr(s.p, '/', s.len);

	if (!sl)
		return false;
	a->p = s.p;
	a->len = (size_t)(sl - s.p);
	b->p = sl + 1;
	b->len = s.len - a->len - 1;
	return true;
}

/* Host of a URL (scheme://[user@]host[:port]/...) or of a CONNECT target (host:port). */
static struct bos_span url_host(struct bos_span url)
{
	struct bos_span h = url;
	const char *p = url.p, *end = url.p + url.len;
	const char *at, *stop;

	/* Lengths compared, never q + 2 formed past the end (STYLE.md §6). */
	for (const char *q = p; end - q > 2; q++) {
		if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
			p = q + 3;
			break;
		}
		if (q[0] == '/')
			break;
	}
	stop = p;
	while (stop < end && *stop != '/' && *stop != '?' && *stop != '#')
		stop++;
	at = memchr(p, '@', (size_t)(stop - p));
	if (at)
		p = at + 1;
	if (p < stop && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(stop - p));

		if (!rb)
			return (struct bos_span){ p, 0 };
		h.p = p + 1;
		h.len = (size_t)(rb - p - 1);
		return h;
	}
	h.p = p;
	h.len = (size_t)(stop - p);
	for (size_t i = h.len; i > 0; i--) {
		if (h.p[i - 1] == ':') {
			h.len = i - 1;
			break;
		}
	}
	return h;
}

static bool span_eq(struct bos_span s, const char *lit)
{
	return s.len == strlen(lit) && !memcmp(s.p, lit, s.len);
}

enum bos_parse bos_analyze_proxy_line(const char *line, size_t len, struct bos_proxy_rec *r)
{
	struct bos_cur c = bos_cur_make(line, len);
	struct bos_span ts, el, code, bytes, user, hier, tok;
	uint64_t v;

	memset(r, 0, sizeof(*r));
	ts = token(&c);
	el = token(&c);
	r->client = token(&c);
	code = token(&c);
	bytes = token(&c);
	r->method = token(&c);
	r->url = token(&c);
	user = token(&c);
	hier = token(&c);
	r->type = token(&c);
	(void)user;
	if (!r->type.len) {
		memset(r, 0, sizeof(*r));
		return BOS_PARSE_TRUNCATED;
	}
	if (!parse_time(ts, &r->ts_ns) || !span_u64(el, 10, &v))
		goto malformed;
	r->elapsed_ms = (int64_t)v;
	{
		struct bos_span st;

		if (!split_slash(code, &r->result, &st) || !r->result.len || st.len != 3 ||
		    !span_u64(st, 3, &v))
			goto malformed;
		r->status = (int)v;
	}
	if (span_eq(bytes, "-"))
		r->bytes = 0;
	else if (!span_u64(bytes, 19, &r->bytes))
		goto malformed;
	if (!split_slash(hier, &r->hier, &r->peer) || !r->hier.len)
		goto malformed;
	if (span_eq(r->peer, "-"))
		r->peer.len = 0;
	r->host = url_host(r->url);
	/* Extra fields of a custom logformat: look for Squid's error code. */
	for (tok = token(&c); tok.len; tok = token(&c)) {
		if (tok.len > 4 && !memcmp(tok.p, "ERR_", 4)) {
			const char *sl = memchr(tok.p, '/', tok.len);

			r->err = tok;
			if (sl)
				r->err.len = (size_t)(sl - tok.p);
			break;
		}
	}
	return BOS_PARSE_OK;
malformed:
	memset(r, 0, sizeof(*r));
	return BOS_PARSE_MALFORMED;
}
