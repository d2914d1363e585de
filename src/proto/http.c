/*
 * HTTP/1.x streaming dissector (see bos/http.h).
 * References: RFC 9112 (HTTP/1.1 message syntax: start lines 3, fields 5, obs-fold 5.2,
 * message body length 6.3, chunked coding 7.1), RFC 9110 (CONNECT 9.3.6, 1xx 15.2,
 * 204/304 have no content 6.4.1), Zeek base/protocols/http/main.zeek (http.log fields).
 *
 *   request   = method SP request-target SP "HTTP/" D "." D CRLF *( field CRLF ) CRLF [ body ]
 *   response  = "HTTP/" D "." D SP 3DIGIT SP [ reason ] CRLF *( field CRLF ) CRLF [ body ]
 *   chunked   = *( HEXSIZE [ ";" ext ] CRLF data CRLF ) "0" [ ";" ext ] CRLF *( trailer CRLF ) CRLF
 *
 * Design: one state machine per direction. Both are line machines while reading heads,
 * chunk-size lines and trailers (a line is buffered up to BOS_HTTP_MAX_LINE), and byte
 * counters while skipping bodies (never buffered). Requests are queued in order; each
 * response belongs to the oldest queued request without one (pipelining, RFC 9112 9.3.2).
 * A transaction is reported when both its request and its response are complete, in
 * request order. Bare LF line ends are accepted (RFC 9112 2.2 allows it for robustness),
 * and so are a few empty lines before a start line.
 */
#include <stdlib.h>
#include <string.h>

#include "bos/http.h"
#include "proto_int.h"

enum hstate {
	HS_START,		/* expecting a start line */
	HS_HEADERS,
	HS_BODY_LEN,		/* remain bytes of body */
	HS_CHUNK_SIZE,
	HS_CHUNK_DATA,		/* remain bytes of chunk */
	HS_CHUNK_END,		/* the CRLF after chunk data */
	HS_TRAILERS,
	HS_BODY_CLOSE,		/* response body until the connection closes */
	HS_CONNECT_WAIT,	/* client sent CONNECT; hold its bytes until the answer */
	HS_TUNNEL,
	HS_DEAD,		/* not HTTP any more (or lost sync): ignore */
};

/* Field values of a transaction are usually short (method, URI, Host, ...): they are
 * stored in the entry's own arena while it has room, so a transaction costs one allocation,
 * not one per field; longer values go to the heap as before. An arena-backed bos_buf has
 * alloc 0 ("storage not owned"), so bos_buf_release leaves it alone; set_field is the only
 * writer, never appends to one, and never puts one with heap storage into the arena. */
#define ENTRY_ARENA 256

struct entry {
	struct bos_http_txn t;
	bool req_done;
	bool resp_started;
	bool resp_done;
	bool is_head;
	bool is_connect;
	size_t arena_used;
	char arena[ENTRY_ARENA];
};

struct hdir {
	enum hstate st;
	struct bos_buf line;	/* partial line */
	struct bos_buf fold;	/* last header line, kept until we know it is not folded */
	/* The same, still in the caller's bytes (not copied): set instead of fold while
	 * dir_feed runs, copied into fold only if the feed ends before the next line. */
	const uint8_t *fold_p;
	size_t fold_n;
	struct entry *cur;	/* message being parsed (request or response side) */
	size_t nheaders;
	size_t header_bytes;
	uint64_t remain;
	bool chunked;
	bool have_len;
	uint64_t clen;
	bool final_resp;	/* response side: this head is a final (non-1xx) response */
	unsigned empty_lines;	/* before a start line */
};

struct bos_http_conn {
	struct bos_http_cb cb;
	void *ctx;
	struct hdir dir[2];
	/* Requests in order, oldest first: q_first while at most 4 are pending (keeps the
	 * connection small enough for malloc's fast path), then a heap array up to
	 * BOS_HTTP_MAX_PENDING. */
	struct entry **q;
	size_t nq, qcap;
	struct entry *q_first[4];
	struct entry scratch;			/* parse target for dropped requests */
	struct bos_buf hold;			/* client bytes during CONNECT_WAIT */
	uint32_t depth;
	bool finished;
	bool tunnel;
	size_t stored;				/* field bytes held by live transactions */
	struct bos_http_stats stats;
};

static void txn_init(struct bos_http_txn *t)
{
	struct bos_buf *bufs[] = {
		&t->method, &t->uri, &t->version, &t->host, &t->user_agent, &t->referrer,
		&t->origin, &t->req_content_type, &t->resp_version, &t->status_msg, &t->info_msg,
		&t->resp_content_type,
	};

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < BOS_ARRAY_SIZE(bufs); i++)
		bos_buf_init(bufs[i]);
}

static void txn_release(struct bos_http_txn *t)
{
	struct bos_buf *bufs[] = {
		&t->method, &t->uri, &t->version, &t->host, &t->user_agent, &t->referrer,
		&t->origin, &t->req_content_type, &t->resp_version, &t->status_msg, &t->info_msg,
		&t->resp_content_type,
	};

	for (size_t i = 0; i < BOS_ARRAY_SIZE(bufs); i++)
		bos_buf_release(bufs[i]);
}

static size_t txn_stored(const struct bos_http_txn *t)
{
	return t->method.len + t->uri.len + t->version.len + t->host.len + t->user_agent.len +
	       t->referrer.len + t->origin.len + t->req_content_type.len + t->resp_version.len +
	       t->status_msg.len + t->info_msg.len + t->resp_content_type.len;
}

static struct entry *entry_new(void)
{
	struct entry *e = proto_xcalloc(1, sizeof(*e));

	txn_init(&e->t);
	return e;
}

static void entry_free(struct bos_http_conn *c, struct entry *e)
{
	if (e) {
		c->stored -= txn_stored(&e->t);
		txn_release(&e->t);
		free(e);
	}
}

struct bos_http_conn *bos_http_conn_new(const struct bos_http_cb *cb, void *ctx)
{
	struct bos_http_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (cb)
		c->cb = *cb;
	c->ctx = ctx;
	for (int d = 0; d < 2; d++) {
		bos_buf_init(&c->dir[d].line);
		bos_buf_init(&c->dir[d].fold);
	}
	bos_buf_init(&c->hold);
	txn_init(&c->scratch.t);
	c->q = c->q_first;
	c->qcap = BOS_ARRAY_SIZE(c->q_first);
	return c;
}

void bos_http_conn_free(struct bos_http_conn *c)
{
	if (!c)
		return;
	for (int d = 0; d < 2; d++) {
		struct hdir *h = &c->dir[d];
		bool queued = false;

		for (size_t i = 0; i < c->nq; i++)
			queued |= c->q[i] == h->cur;
		if (h->cur && h->cur != &c->scratch && !queued)
			entry_free(c, h->cur);	/* an orphan response */
		bos_buf_release(&h->line);
		bos_buf_release(&h->fold);
	}
	for (size_t i = 0; i < c->nq; i++)
		entry_free(c, c->q[i]);
	txn_release(&c->scratch.t);
	bos_buf_release(&c->hold);
	if (c->q != c->q_first)
		free(c->q);
	free(c);
}

const struct bos_http_stats *bos_http_conn_stats(const struct bos_http_conn *c)
{
	return &c->stats;
}

bool bos_http_conn_is_tunnel(const struct bos_http_conn *c)
{
	return c->tunnel;
}

/* --- reporting --- */

static void report(struct bos_http_conn *c, struct entry *e)
{
	c->stats.transactions++;
	if (c->cb.txn)
		c->cb.txn(c->ctx, &e->t);
}

/* Report queued transactions from the head while both halves are complete. */
static void flush_done(struct bos_http_conn *c)
{
	while (c->nq && c->q[0]->req_done && c->q[0]->resp_done) {
		struct entry *e = c->q[0];

		memmove(&c->q[0], &c->q[1], (c->nq - 1) * sizeof(c->q[0]));
		c->nq--;
		report(c, e);
		entry_free(c, e);
	}
}

static bool is_queued(const struct bos_http_conn *c, const struct entry *e)
{
	for (size_t i = 0; i < c->nq; i++)
		if (c->q[i] == e)
			return true;
	return false;
}

/* --- small parsing helpers --- */

/* Store a field value, capped per field (BOS_HTTP_MAX_FIELD) and per connection
 * (BOS_HTTP_MAX_CONN_BYTES over all transactions held, so 64 pipelined requests with
 * maximal fields cannot pin megabytes). c NULL: a scratch value, not accounted. */
static void set_field(struct bos_http_conn *c, struct entry *e, struct bos_buf *dst,
		      const uint8_t *p, size_t n, unsigned *flags)
{
	if (c)
		c->stored -= dst->len;
	if (dst->alloc)
		bos_buf_reset(dst);
	else
		bos_buf_init(dst);	/* was in the arena (or empty): start over */
	if (n > BOS_HTTP_MAX_FIELD) {
		n = BOS_HTTP_MAX_FIELD;
		*flags |= BOS_HTTP_F_CAP;
	}
	if (c && n > BOS_HTTP_MAX_CONN_BYTES - c->stored) {
		n = BOS_HTTP_MAX_CONN_BYTES - c->stored;
		*flags |= BOS_HTTP_F_CAP;
	}
	/* A field that already has heap storage keeps it: only an empty (or arena) one moves
	 * into the arena, so no heap buffer is ever dropped or arena byte freed. */
	if (e && n && !dst->alloc && n < sizeof(e->arena) - e->arena_used) {
		dst->data = e->arena + e->arena_used;
		memcpy(dst->data, p, n);
		dst->data[n] = '\0';
		dst->len = n;
		e->arena_used += n + 1;
	} else {
		bos_buf_add(dst, p, n);
	}
	if (c)
		c->stored += n;
}

static bool is_tchar(uint8_t ch)
{
	/* RFC 9110 5.6.2 token characters */
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || proto_is_digit(ch))
		return true;
	switch (ch) {	/* a switch, not strchr: this runs for every byte of every field name */
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
	case '-': case '.': case '^': case '_': case '`': case '|': case '~':
		return true;
	default:
		return false;
	}
}

static bool is_ows(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

static void trim(const uint8_t **p, size_t *n)
{
	while (*n && is_ows(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_ows((*p)[*n - 1]))
		(*n)--;
}

/* "HTTP/d.d" at p (len n): copies "d.d" into ver. Like Zeek, a sloppy version of up to
 * three digits and dots ("HTTP/1.", "HTTP/1") is accepted and flagged malformed. */
static bool parse_version(struct bos_http_conn *c, struct entry *e, const uint8_t *p, size_t n,
			  struct bos_buf *ver, unsigned *flags)
{
	if (n < 5 || n > 8 || memcmp(p, "HTTP/", 5))
		return false;
	for (size_t i = 5; i < n; i++)
		if (!proto_is_digit(p[i]) && p[i] != '.')
			return false;
	if (n != 8 || !proto_is_digit(p[5]) || p[6] != '.' || !proto_is_digit(p[7]))
		*flags |= BOS_HTTP_F_MALFORMED;
	if (ver)
		set_field(c, e, ver, p + 5, n - 5, flags);
	return true;
}

/* Decimal Content-Length; false on anything else or overflow past 2^62. */
static bool parse_u64(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!proto_is_digit(p[i]) || v > (UINT64_C(1) << 62) / 10)
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return true;
}

/* Does the comma-separated list end with the token "chunked"? (RFC 9112 6.3 item 4) */
static bool te_is_chunked(const uint8_t *p, size_t n)
{
	size_t start = n;

	while (start && p[start - 1] != ',')
		start--;
	p += start;
	n -= start;
	trim(&p, &n);
	return proto_ieq(p, n, "chunked");
}

/* --- direction handling --- */

static void dir_dead(struct bos_http_conn *c, struct hdir *h, unsigned flag)
{
	if (h->cur)
		h->cur->t.flags |= flag;
	if (flag & BOS_HTTP_F_MALFORMED)
		c->stats.malformed++;
	if (flag & BOS_HTTP_F_CAP)
		c->stats.cap_hits++;
	h->st = HS_DEAD;
}

static void dir_feed(struct bos_http_conn *c, enum bos_dir d, const uint8_t *p, size_t len);

static void reset_head(struct hdir *h)
{
	h->nheaders = 0;
	h->header_bytes = 0;
	h->chunked = false;
	h->have_len = false;
	h->clen = 0;
	bos_buf_reset(&h->fold);
	h->fold_p = NULL;
	h->fold_n = 0;
}

static uint64_t *body_counter(struct hdir *h, enum bos_dir d)
{
	return d == BOS_DIR_TO_SERVER ? &h->cur->t.request_body_len :
					&h->cur->t.response_body_len;
}

/* The message of direction d is complete. */
static void message_done(struct bos_http_conn *c, enum bos_dir d)
{
	struct hdir *h = &c->dir[d];
	struct entry *e = h->cur;

	h->cur = NULL;
	h->st = HS_START;
	h->empty_lines = 0;
	if (!e)
		return;
	if (d == BOS_DIR_TO_SERVER) {
		e->req_done = true;
		if (e->is_connect)
			h->st = HS_CONNECT_WAIT;
		if (e != &c->scratch)
			flush_done(c);
		return;
	}
	e->resp_done = true;
	if (!is_queued(c, e)) {		/* orphan response */
		report(c, e);
		entry_free(c, e);
		return;
	}
	if (e->is_connect) {
		struct hdir *cl = &c->dir[BOS_DIR_TO_SERVER];
		bool ok = e->t.status_code >= 200 && e->t.status_code < 300;
		struct bos_buf held = c->hold;

		bos_buf_init(&c->hold);
		if (ok) {
			e->t.flags |= BOS_HTTP_F_TUNNEL;
			c->tunnel = true;
			h->st = HS_TUNNEL;
			if (cl->st == HS_CONNECT_WAIT)
				cl->st = HS_TUNNEL;
		} else if (cl->st == HS_CONNECT_WAIT) {
			cl->st = HS_START;
		}
		flush_done(c);
		/* Release what the client sent while waiting, as tunnel data or as HTTP. */
		if (held.len)
			dir_feed(c, BOS_DIR_TO_SERVER, (const uint8_t *)held.data, held.len);
		bos_buf_release(&held);
		return;
	}
	flush_done(c);
}

/* The head (start line + fields) of direction d ended: decide how the body is delimited. */
static void head_done(struct bos_http_conn *c, enum bos_dir d)
{
	struct hdir *h = &c->dir[d];
	struct entry *e = h->cur;
	uint16_t code = e->t.status_code;

	if (d == BOS_DIR_TO_CLIENT) {
		if (!h->final_resp) {
			/* 1xx interim: the final response follows on the same transaction. */
			h->st = HS_START;
			return;
		}
		if (e->is_head || code == 204 || code == 304 ||
		    (e->is_connect && code >= 200 && code < 300)) {
			message_done(c, d);
			return;
		}
		if (code == 101) {
			/* Switching protocols: what follows is not HTTP/1.x. */
			message_done(c, d);
			c->dir[0].st = HS_DEAD;
			c->dir[1].st = HS_DEAD;
			return;
		}
	}
	if (h->chunked) {
		e->t.flags |= d == BOS_DIR_TO_SERVER ? BOS_HTTP_F_CHUNKED_REQ :
						      BOS_HTTP_F_CHUNKED_RESP;
		h->st = HS_CHUNK_SIZE;
	} else if (h->have_len && h->clen) {
		h->remain = h->clen;
		h->st = HS_BODY_LEN;
	} else if (h->have_len || d == BOS_DIR_TO_SERVER) {
		message_done(c, d);
	} else {
		e->t.flags |= BOS_HTTP_F_BODY_BY_CLOSE;
		h->st = HS_BODY_CLOSE;
	}
}

static void header_field(struct bos_http_conn *c, enum bos_dir d, const uint8_t *p, size_t n)
{
	struct hdir *h = &c->dir[d];
	struct bos_http_txn *t = &h->cur->t;
	const uint8_t *colon = memchr(p, ':', n);
	const uint8_t *v;
	size_t nlen, vlen;

	if (++h->nheaders > BOS_HTTP_MAX_HEADERS) {
		if (!(t->flags & BOS_HTTP_F_CAP))
			c->stats.cap_hits++;
		t->flags |= BOS_HTTP_F_CAP;
		return;
	}
	if (!colon || colon == p) {
		/* Not a field: note it, keep going (servers are lenient too). */
		t->flags |= BOS_HTTP_F_MALFORMED;
		return;
	}
	nlen = (size_t)(colon - p);
	for (size_t i = 0; i < nlen; i++) {
		if (!is_tchar(p[i])) {
			t->flags |= BOS_HTTP_F_MALFORMED;
			return;
		}
	}
	v = colon + 1;
	vlen = n - nlen - 1;
	trim(&v, &vlen);
	if (proto_ieq(p, nlen, "content-length")) {
		uint64_t cl;

		if (!parse_u64(v, vlen, &cl) || (h->have_len && cl != h->clen)) {
			/* RFC 9112 6.3: an invalid or conflicting length is unrecoverable. */
			dir_dead(c, h, BOS_HTTP_F_MALFORMED);
			return;
		}
		h->have_len = true;
		h->clen = cl;
	} else if (proto_ieq(p, nlen, "transfer-encoding")) {
		h->chunked = te_is_chunked(v, vlen);
	} else if (proto_ieq(p, nlen, "content-type")) {
		set_field(c, h->cur,
			  d == BOS_DIR_TO_SERVER ? &t->req_content_type : &t->resp_content_type, v,
			  vlen, &t->flags);
	} else if (d == BOS_DIR_TO_SERVER) {
		if (proto_ieq(p, nlen, "host"))
			set_field(c, h->cur, &t->host, v, vlen, &t->flags);
		else if (proto_ieq(p, nlen, "user-agent"))
			set_field(c, h->cur, &t->user_agent, v, vlen, &t->flags);
		else if (proto_ieq(p, nlen, "referer"))
			set_field(c, h->cur, &t->referrer, v, vlen, &t->flags);
		else if (proto_ieq(p, nlen, "origin"))
			set_field(c, h->cur, &t->origin, v, vlen, &t->flags);
	}
}

/* Room for one more queued request (the caller checked BOS_HTTP_MAX_PENDING). */
static void queue_room(struct bos_http_conn *c)
{
	size_t cap = 2 * c->qcap;
	struct entry **q;

	if (c->nq < c->qcap)
		return;
	if (cap > BOS_HTTP_MAX_PENDING)
		cap = BOS_HTTP_MAX_PENDING;
	q = proto_xcalloc(cap, sizeof(*q));
	memcpy(q, c->q, c->nq * sizeof(*q));
	if (c->q != c->q_first)
		free(c->q);
	c->q = q;
	c->qcap = cap;
}

static bool request_line(struct bos_http_conn *c, const uint8_t *p, size_t n)
{
	struct hdir *h = &c->dir[BOS_DIR_TO_SERVER];
	const uint8_t *sp1 = memchr(p, ' ', n), *sp2;
	struct entry *e;
	size_t mlen, ulen;

	if (!sp1 || sp1 == p)
		return false;
	mlen = (size_t)(sp1 - p);
	for (size_t i = 0; i < mlen; i++)
		if (!is_tchar(p[i]))
			return false;
	/* The version is after the last space: a URI with raw spaces still parses. */
	sp2 = p + n;
	while (sp2 > sp1 + 1 && sp2[-1] != ' ')
		sp2--;
	if (sp2 <= sp1 + 1 || n - (size_t)(sp2 - p) < 5 || n - (size_t)(sp2 - p) > 8)
		return false;
	ulen = (size_t)(sp2 - 1 - (sp1 + 1));
	if (!ulen)
		return false;
	if (c->nq == BOS_HTTP_MAX_PENDING) {
		c->stats.pending_evicted++;
		c->stored -= txn_stored(&c->scratch.t);
		txn_release(&c->scratch.t);
		txn_init(&c->scratch.t);
		c->scratch.arena_used = 0;
		e = &c->scratch;
		e->req_done = false;
	} else {
		e = entry_new();
		queue_room(c);
		c->q[c->nq++] = e;
	}
	if (!parse_version(c, e, sp2, n - (size_t)(sp2 - p), &e->t.version, &e->t.flags)) {
		if (e != &c->scratch) {
			c->nq--;
			entry_free(c, e);
		}
		return false;
	}
	e->t.trans_depth = ++c->depth;
	set_field(c, e, &e->t.method, p, mlen, &e->t.flags);
	set_field(c, e, &e->t.uri, sp1 + 1, ulen, &e->t.flags);
	e->is_head = proto_ieq(p, mlen, "HEAD");
	e->is_connect = proto_ieq(p, mlen, "CONNECT");
	h->cur = e;
	return true;
}

static bool status_line(struct bos_http_conn *c, const uint8_t *p, size_t n)
{
	struct hdir *h = &c->dir[BOS_DIR_TO_CLIENT];
	struct entry *e = h->cur;	/* set while between a 1xx and the final response */
	unsigned flags = 0;
	uint16_t code;
	const uint8_t *reason;
	size_t rlen;

	/* the version is p[5..8) ("HTTP/d.d"), stored below once the line is known good */
	if (n < 12 || !parse_version(NULL, NULL, p, 8, NULL, &flags) || p[8] != ' ' ||
	    !proto_is_digit(p[9]) || !proto_is_digit(p[10]) || !proto_is_digit(p[11]) ||
	    (n > 12 && p[12] != ' '))
		return false;
	code = (uint16_t)((p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0'));
	if (!e) {
		for (size_t i = 0; i < c->nq && !e; i++)
			if (!c->q[i]->resp_started)
				e = c->q[i];
		if (!e) {
			e = entry_new();
			e->req_done = true;
			e->t.flags |= BOS_HTTP_F_NO_REQUEST;
		}
		e->resp_started = true;
		h->cur = e;
	}
	e->t.flags |= flags;
	reason = n > 13 ? p + 13 : p + n;
	rlen = n > 13 ? n - 13 : 0;
	h->final_resp = code >= 200 || code < 100 || code == 101;
	if (!h->final_resp) {
		e->t.info_code = code;
		set_field(c, e, &e->t.info_msg, reason, rlen, &e->t.flags);
	} else {
		e->t.status_code = code;
		set_field(c, e, &e->t.status_msg, reason, rlen, &e->t.flags);
		set_field(c, e, &e->t.resp_version, p + 5, 3, &e->t.flags);
	}
	return true;
}

/* Chunk-size line: 1*HEXDIG [ BWS ";" ext ]. */
static bool chunk_size(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < n; i++) {
		uint8_t ch = proto_lower(p[i]);
		unsigned dv;

		if (proto_is_digit(ch))
			dv = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			dv = (unsigned)(ch - 'a' + 10);
		else
			break;
		if (v >> 56)
			return false;	/* more than 2^60: nobody sends that */
		v = v << 4 | dv;
	}
	if (i == 0)
		return false;
	while (i < n && is_ows(p[i]))
		i++;
	if (i < n && p[i] != ';')
		return false;
	*out = v;
	return true;
}

/* Flush the pending (possibly folded) header line. */
static void flush_fold(struct bos_http_conn *c, enum bos_dir d)
{
	struct hdir *h = &c->dir[d];

	if (h->fold_p) {
		const uint8_t *p = h->fold_p;

		h->fold_p = NULL;
		header_field(c, d, p, h->fold_n);
	} else if (h->fold.len) {
		header_field(c, d, (const uint8_t *)h->fold.data, h->fold.len);
		bos_buf_reset(&h->fold);
	}
}

/* Copy a pending header line that is still in the caller's bytes into fold: needed
 * before appending an obs-fold continuation, and before those bytes go away. */
static void keep_fold(struct hdir *h)
{
	if (h->fold_p) {
		bos_buf_add(&h->fold, h->fold_p, h->fold_n);
		h->fold_p = NULL;
	}
}

/* One complete line (without CR LF) in a line state. in_place: p points into the bytes
 * being fed (valid until dir_feed returns), not into h->line (reused for the next line). */
static void process_line(struct bos_http_conn *c, enum bos_dir d, const uint8_t *p, size_t n,
			 bool in_place)
{
	struct hdir *h = &c->dir[d];
	uint64_t sz;

	switch (h->st) {
	case HS_START:
		if (n == 0) {
			if (++h->empty_lines > 4)
				dir_dead(c, h, BOS_HTTP_F_MALFORMED);
			return;
		}
		reset_head(h);
		if (!(d == BOS_DIR_TO_SERVER ? request_line(c, p, n) : status_line(c, p, n))) {
			dir_dead(c, h, BOS_HTTP_F_MALFORMED);
			return;
		}
		h->header_bytes = n;
		h->st = HS_HEADERS;
		return;
	case HS_HEADERS:
	case HS_TRAILERS:
		h->header_bytes += n + 2;
		if (h->header_bytes > BOS_HTTP_MAX_HEADER_BYTES) {
			dir_dead(c, h, BOS_HTTP_F_CAP);
			return;
		}
		if (n && is_ows(p[0]) && (h->fold_p || h->fold.len)) {
			/* obs-fold (RFC 9112 5.2): continuation of the previous field. */
			keep_fold(h);
			trim(&p, &n);
			if (h->fold.len + 1 + n <= BOS_HTTP_MAX_LINE) {
				bos_buf_addch(&h->fold, ' ');
				bos_buf_add(&h->fold, p, n);
			}
			return;
		}
		if (h->st == HS_TRAILERS) {
			/* Trailer fields are not recorded; the empty line ends the message. */
			if (!n)
				message_done(c, d);
			return;
		}
		flush_fold(c, d);
		if (h->st == HS_DEAD)
			return;
		if (n) {
			if (in_place) {
				h->fold_p = p;
				h->fold_n = n;
			} else {
				bos_buf_add(&h->fold, p, n);
			}
			return;
		}
		head_done(c, d);
		return;
	case HS_CHUNK_SIZE:
		if (!chunk_size(p, n, &sz)) {
			dir_dead(c, h, BOS_HTTP_F_MALFORMED);
			return;
		}
		if (sz == 0) {
			h->header_bytes = 0;
			h->st = HS_TRAILERS;
		} else {
			h->remain = sz;
			h->st = HS_CHUNK_DATA;
		}
		return;
	case HS_CHUNK_END:
		if (n) {
			dir_dead(c, h, BOS_HTTP_F_MALFORMED);
			return;
		}
		h->st = HS_CHUNK_SIZE;
		return;
	case HS_BODY_LEN:
	case HS_CHUNK_DATA:
	case HS_BODY_CLOSE:
	case HS_CONNECT_WAIT:
	case HS_TUNNEL:
	case HS_DEAD:
	default:
		BOS_BUG("http: line in state %d", (int)h->st);
	}
}

static void dir_feed_bytes(struct bos_http_conn *c, enum bos_dir d, const uint8_t *p,
			   size_t len)
{
	struct hdir *h = &c->dir[d];

	while (len) {
		size_t n;

		switch (h->st) {
		case HS_DEAD:
			return;
		case HS_TUNNEL:
			c->stats.tunnel_bytes += len;
			if (c->cb.tunnel_data)
				c->cb.tunnel_data(c->ctx, d, p, len);
			return;
		case HS_CONNECT_WAIT:
			n = BOS_HTTP_MAX_TUNNEL_HOLD - c->hold.len;
			if (len > n) {
				c->stats.cap_hits++;
				len = n;
			}
			bos_buf_add(&c->hold, p, len);
			return;
		case HS_BODY_CLOSE:
			*body_counter(h, d) += len;
			return;
		case HS_BODY_LEN:
		case HS_CHUNK_DATA:
			n = len < h->remain ? len : (size_t)h->remain;
			*body_counter(h, d) += n;
			h->remain -= n;
			p += n;
			len -= n;
			if (h->remain == 0) {
				if (h->st == HS_CHUNK_DATA)
					h->st = HS_CHUNK_END;
				else
					message_done(c, d);
			}
			break;
		case HS_START:
		case HS_HEADERS:
		case HS_CHUNK_SIZE:
		case HS_CHUNK_END:
		case HS_TRAILERS:
		default: {
			const uint8_t *nl = memchr(p, '\n', len);
			size_t take = nl ? (size_t)(nl - p) + 1 : len;
			const uint8_t *lp = p;
			size_t ln = take - 1;
			bool in_place = nl && !h->line.len;

			if (h->line.len + take > BOS_HTTP_MAX_LINE) {
				dir_dead(c, h, BOS_HTTP_F_CAP | BOS_HTTP_F_MALFORMED);
				return;
			}
			/* A line wholly inside these bytes is parsed where it is; only one
			 * that spans feeds is gathered in h->line. */
			if (!in_place) {
				bos_buf_add(&h->line, p, take);
				lp = (const uint8_t *)h->line.data;
				ln = h->line.len - 1;
			}
			p += take;
			len -= take;
			if (!nl)
				return;
			if (ln && lp[ln - 1] == '\r')
				ln--;
			process_line(c, d, lp, ln, in_place);
			if (!in_place)
				bos_buf_reset(&h->line);
			break;
		}
		}
	}
}

static void dir_feed(struct bos_http_conn *c, enum bos_dir d, const uint8_t *p, size_t len)
{
	dir_feed_bytes(c, d, p, len);
	keep_fold(&c->dir[d]);	/* p is the caller's: a pending line must not point there */
}

void bos_http_conn_feed(struct bos_http_conn *c, enum bos_dir dir, const uint8_t *p, size_t len)
{
	if (c->finished || (dir != BOS_DIR_TO_SERVER && dir != BOS_DIR_TO_CLIENT))
		return;
	dir_feed(c, dir, p, len);
}

void bos_http_conn_gap(struct bos_http_conn *c, enum bos_dir dir, uint64_t len)
{
	struct hdir *h;

	if (c->finished || (dir != BOS_DIR_TO_SERVER && dir != BOS_DIR_TO_CLIENT) || !len)
		return;
	h = &c->dir[dir];
	c->stats.gaps++;
	if (h->cur)
		h->cur->t.flags |= BOS_HTTP_F_GAP;
	switch (h->st) {
	case HS_TUNNEL:
	case HS_DEAD:
		return;
	case HS_BODY_CLOSE:
		*body_counter(h, dir) += len;
		return;
	case HS_BODY_LEN:
	case HS_CHUNK_DATA:
		if (len <= h->remain) {
			*body_counter(h, dir) += len;
			h->remain -= len;
			if (h->remain == 0) {
				if (h->st == HS_CHUNK_DATA)
					h->st = HS_CHUNK_END;
				else
					message_done(c, dir);
			}
			return;
		}
		break;
	case HS_START:
		/* A gap between messages: if nothing is half-read we can try to resync on
		 * the next start line; a body gap beyond remain lands here too. */
		if (!h->line.len && !h->cur)
			return;
		break;
	case HS_HEADERS:
	case HS_CHUNK_SIZE:
	case HS_CHUNK_END:
	case HS_TRAILERS:
	case HS_CONNECT_WAIT:
	default:
		break;
	}
	h->st = HS_DEAD;
}

void bos_http_conn_finish(struct bos_http_conn *c)
{
	struct hdir *rq = &c->dir[BOS_DIR_TO_SERVER], *rs = &c->dir[BOS_DIR_TO_CLIENT];

	if (c->finished)
		return;
	/* A response delimited by close is now complete. */
	if (rs->st == HS_BODY_CLOSE && rs->cur)
		message_done(c, BOS_DIR_TO_CLIENT);
	c->finished = true;
	if (rq->cur && !rq->cur->req_done) {
		rq->cur->t.flags |= BOS_HTTP_F_REQ_TRUNCATED;
		rq->cur->req_done = true;
	}
	if (rs->cur && !rs->cur->resp_done) {
		struct entry *e = rs->cur;

		rs->cur = NULL;
		e->t.flags |= BOS_HTTP_F_RESP_TRUNCATED;
		e->resp_done = true;
		if (!is_queued(c, e)) {
			report(c, e);
			entry_free(c, e);
		}
	}
	rq->cur = NULL;
	for (size_t i = 0; i < c->nq; i++) {
		struct entry *e = c->q[i];

		if (!e->resp_started)
			e->t.flags |= BOS_HTTP_F_NO_RESPONSE;
		e->req_done = true;
		e->resp_done = true;
	}
	flush_done(c);
	rq->st = HS_DEAD;
	rs->st = HS_DEAD;
}

/* --- sniffing --- */

bool bos_http_looks_like_request(const uint8_t *p, size_t len)
{
	static const char *const methods[] = {
		"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "TRACE ",
		"PATCH ", "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ", "MOVE ", "LOCK ",
		"UNLOCK ", "SEARCH ",
	};

	for (size_t i = 0; i < BOS_ARRAY_SIZE(methods); i++) {
		size_t n = strlen(methods[i]);

		if (len >= n && !memcmp(p, methods[i], n))
			return true;
		/* A prefix of a method is not proof; require the whole token + space. */
	}
	return false;
}

/* --- JSON --- */

/* key is a literal (KV_BUF): see BOS_JSON_KEY. */
static void kv_buf(struct bos_json *j, const char *key, size_t klen, const struct bos_buf *b)
{
	if (b->len)
		bos_json_kvl_strn(j, key, klen, b->data, b->len);
}

#define KV_BUF(j, lit, b) kv_buf((j), "" lit, sizeof(lit) - 1, (b))

static const char *const flag_names[] = {
	"no_response", "no_request", "request_truncated", "response_truncated", "malformed",
	"gap", "cap", "tunnel", "chunked_request", "chunked_response", "body_by_close",
};

void bos_http_write_json(const struct bos_http_txn *t, struct bos_json *j)
{
	if (t->trans_depth)
		BOS_JSON_KV_UINT(j, "trans_depth", t->trans_depth);
	KV_BUF(j, "method", &t->method);
	KV_BUF(j, "host", &t->host);
	KV_BUF(j, "uri", &t->uri);
	KV_BUF(j, "referrer", &t->referrer);
	/* Zeek: the response's version overwrites the request's. */
	KV_BUF(j, "version", t->resp_version.len ? &t->resp_version : &t->version);
	KV_BUF(j, "user_agent", &t->user_agent);
	KV_BUF(j, "origin", &t->origin);
	BOS_JSON_KV_UINT(j, "request_body_len", t->request_body_len);
	BOS_JSON_KV_UINT(j, "response_body_len", t->response_body_len);
	if (t->status_code) {
		BOS_JSON_KV_UINT(j, "status_code", t->status_code);
		KV_BUF(j, "status_msg", &t->status_msg);
	}
	if (t->info_code) {
		BOS_JSON_KV_UINT(j, "info_code", t->info_code);
		KV_BUF(j, "info_msg", &t->info_msg);
	}
	KV_BUF(j, "request_content_type", &t->req_content_type);
	KV_BUF(j, "response_content_type", &t->resp_content_type);
	if (t->flags) {
		BOS_JSON_KEY(j, "flags");
		bos_json_arr_begin(j);
		for (size_t i = 0; i < BOS_ARRAY_SIZE(flag_names); i++)
			if (t->flags & (1u << i))
				bos_json_str(j, flag_names[i]);
		bos_json_arr_end(j);
	}
}
