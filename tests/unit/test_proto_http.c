/*
 * Unit tests of the HTTP/1.x streaming dissector (src/proto/http.c): message framing
 * (Content-Length, chunked with extensions and trailers, close-delimited, no-body
 * responses), pipelining, 1xx, CONNECT tunnels, caps, gaps. Every multi-message stream is
 * also fed split at every offset and byte by byte: framing must not depend on segmentation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/http.h"
#include "harness.h"

#define MAX_TX 16

struct got {
	int n;
	struct {
		char method[16], uri[64], host[64], ua[64], msg[32], ctype[64];
		unsigned status, info;
		uint64_t req_body, resp_body;
		unsigned flags, depth;
	} t[MAX_TX];
	char tunnel[2][256];
	size_t tunnel_len[2];
	char json[2048];
};

static void cp(char *dst, size_t cap, const struct bos_buf *b)
{
	snprintf(dst, cap, "%.*s", (int)b->len, b->data);
}

static void on_txn(void *ctx, const struct bos_http_txn *t)
{
	struct got *g = ctx;
	struct bos_buf out = BOS_BUF_INIT;
	struct bos_json j;

	if (g->n < MAX_TX) {
		cp(g->t[g->n].method, sizeof(g->t[0].method), &t->method);
		cp(g->t[g->n].uri, sizeof(g->t[0].uri), &t->uri);
		cp(g->t[g->n].host, sizeof(g->t[0].host), &t->host);
		cp(g->t[g->n].ua, sizeof(g->t[0].ua), &t->user_agent);
		cp(g->t[g->n].msg, sizeof(g->t[0].msg), &t->status_msg);
		cp(g->t[g->n].ctype, sizeof(g->t[0].ctype), &t->resp_content_type);
		g->t[g->n].status = t->status_code;
		g->t[g->n].info = t->info_code;
		g->t[g->n].req_body = t->request_body_len;
		g->t[g->n].resp_body = t->response_body_len;
		g->t[g->n].flags = t->flags;
		g->t[g->n].depth = t->trans_depth;
	}
	g->n++;
	bos_json_init(&j, &out, 0);
	bos_json_obj_begin(&j);
	bos_http_write_json(t, &j);
	bos_json_obj_end(&j);
	snprintf(g->json, sizeof(g->json), "%s", out.data);
	bos_buf_release(&out);
}

static void on_tunnel(void *ctx, enum bos_dir dir, const uint8_t *p, size_t len)
{
	struct got *g = ctx;
	size_t room = sizeof(g->tunnel[0]) - 1 - g->tunnel_len[dir];

	if (len > room)
		len = room;
	memcpy(g->tunnel[dir] + g->tunnel_len[dir], p, len);
	g->tunnel_len[dir] += len;
}

static const struct bos_http_cb cbs = { .txn = on_txn, .tunnel_data = on_tunnel };

/* Feed req and resp streams: request stream first, split at rs; response split at ps;
 * step 1 feeds byte by byte. 0 means unsplit. Interleaving: all request bytes, then all
 * response bytes (responses must pair with already-seen requests). */
static struct bos_http_conn *run(struct got *g, const char *req, const char *resp, size_t rs,
				 size_t ps, bool bytewise)
{
	struct bos_http_conn *c = bos_http_conn_new(&cbs, g);
	const char *s[2] = { req, resp };
	size_t sp[2] = { rs, ps };

	memset(g, 0, sizeof(*g));
	for (int d = 0; d < 2; d++) {
		size_t n = strlen(s[d]);
		const uint8_t *p = bt_guard_dup(s[d], n);

		if (bytewise) {
			for (size_t i = 0; i < n; i++)
				bos_http_conn_feed(c, (enum bos_dir)d, p + i, 1);
		} else if (sp[d] && sp[d] < n) {
			bos_http_conn_feed(c, (enum bos_dir)d, p, sp[d]);
			bos_http_conn_feed(c, (enum bos_dir)d, p + sp[d], n - sp[d]);
		} else {
			bos_http_conn_feed(c, (enum bos_dir)d, p, n);
		}
	}
	return c;
}

static void done(struct bos_http_conn *c)
{
	bos_http_conn_finish(c);
	bos_http_conn_free(c);
}

void test_http__simple_get(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g,
		"GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\n"
		"Referer: http://a/\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello",
		0, 0, false);

	BT_ASSERT_EQ_INT(g.n, 1);	/* complete before finish */
	BT_ASSERT_EQ_STR(g.t[0].method, "GET");
	BT_ASSERT_EQ_STR(g.t[0].uri, "/index.html?q=1");
	BT_ASSERT_EQ_STR(g.t[0].host, "example.com");
	BT_ASSERT_EQ_STR(g.t[0].ua, "curl/8.0");
	BT_ASSERT_EQ_INT(g.t[0].status, 200);
	BT_ASSERT_EQ_STR(g.t[0].msg, "OK");
	BT_ASSERT_EQ_STR(g.t[0].ctype, "text/html");
	BT_ASSERT_EQ_INT(g.t[0].resp_body, 5);
	BT_ASSERT_EQ_INT(g.t[0].flags, 0);
	BT_ASSERT(strstr(g.json, "\"trans_depth\":1,\"method\":\"GET\",\"host\":\"example.com\","
			 "\"uri\":\"/index.html?q=1\",\"referrer\":\"http://a/\",\"version\":\"1.1\""));
	BT_ASSERT(strstr(g.json, "\"status_code\":200,\"status_msg\":\"OK\""));
	done(c);
	BT_ASSERT_EQ_INT(g.n, 1);
}

/* Three pipelined requests (GET, POST with a body, HEAD) and their responses: chunked with
 * an extension and a trailer, 404 with Content-Length, HEAD with a length but no body. */
static const char pipe_req[] =
	"GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
	"POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\nabc=def"
	"HEAD /c HTTP/1.1\r\nHost: h\r\n\r\n";
static const char pipe_resp[] =
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	"5;name=val\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n"
	"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop"
	"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";

static bool pipe_ok(const struct got *g)
{
	return g->n == 3 && !strcmp(g->t[0].uri, "/a") && g->t[0].status == 200 &&
	       g->t[0].resp_body == 31 && g->t[0].flags == BOS_HTTP_F_CHUNKED_RESP &&
	       !strcmp(g->t[1].method, "POST") && g->t[1].req_body == 7 &&
	       g->t[1].status == 404 && g->t[1].resp_body == 3 && !strcmp(g->t[2].method, "HEAD") &&
	       g->t[2].status == 200 && g->t[2].resp_body == 0 && g->t[2].flags == 0 &&
	       g->t[2].depth == 3;
}

void test_http__pipelined_split_everywhere(void)
{
	struct got g;
	struct bos_http_conn *c;

	c = run(&g, pipe_req, pipe_resp, 0, 0, true);
	BT_ASSERT(pipe_ok(&g));		/* complete without finish */
	done(c);
	BT_ASSERT_EQ_INT(g.n, 3);
	for (size_t s = 1; s < sizeof(pipe_resp) - 1; s++) {
		c = run(&g, pipe_req, pipe_resp, s % (sizeof(pipe_req) - 1), s, false);
		bos_http_conn_finish(c);
		if (!pipe_ok(&g))
			bt_fail(__FILE__, __LINE__, "split at %zu", s);
		bos_http_conn_free(c);
		BT_ASSERT(pipe_ok(&g));
	}
}

void test_http__chunked_request_and_trailers(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g,
		"POST /up HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
		"4\r\nabcd\r\n0;ext\r\nTrailer-A: x\r\nTrailer-B: y\r\n\r\n",
		"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0, 0, false);

	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT_EQ_INT(g.t[0].req_body, 4);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_CHUNKED_REQ);
	BT_ASSERT_EQ_INT(g.t[0].status, 201);
	done(c);
}

void test_http__bad_chunk_size_stops_direction(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g, "GET / HTTP/1.1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, 0, false);

	done(c);
	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT_EQ_INT(g.t[0].status, 200);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_MALFORMED);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_RESP_TRUNCATED);
}

void test_http__no_body_statuses_and_interim(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g,
		"POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"
		"GET /y HTTP/1.1\r\n\r\nGET /z HTTP/1.1\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
		"HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
		"HTTP/1.1 204 No Content\r\n\r\n", 0, 0, false);

	BT_ASSERT_EQ_INT(g.n, 3);
	BT_ASSERT_EQ_INT(g.t[0].info, 100);
	BT_ASSERT_EQ_INT(g.t[0].status, 200);
	BT_ASSERT_EQ_INT(g.t[0].resp_body, 2);
	BT_ASSERT_EQ_INT(g.t[1].status, 304);
	BT_ASSERT_EQ_INT(g.t[1].resp_body, 0);
	BT_ASSERT_EQ_INT(g.t[2].status, 204);
	done(c);
}

void test_http__body_until_close(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g, "GET / HTTP/1.0\r\n\r\n",
				      "HTTP/1.0 200 OK\r\n\r\nsome bytes until FIN", 0, 0, false);

	BT_ASSERT_EQ_INT(g.n, 0);
	done(c);
	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT_EQ_INT(g.t[0].resp_body, 20);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_BODY_BY_CLOSE);
	BT_ASSERT(!(g.t[0].flags & BOS_HTTP_F_RESP_TRUNCATED));
}

void test_http__connect_tunnel(void)
{
	struct got g;
	/* The client already sends its ClientHello before the proxy answered. */
	struct bos_http_conn *c = run(&g,
		"CONNECT c2.example:443 HTTP/1.1\r\nHost: c2.example:443\r\n\r\n\x16\x03\x01HELLO",
		"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03SERVER", 0, 0, false);

	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT_EQ_STR(g.t[0].method, "CONNECT");
	BT_ASSERT_EQ_STR(g.t[0].uri, "c2.example:443");
	BT_ASSERT_EQ_INT(g.t[0].status, 200);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_TUNNEL);
	BT_ASSERT(bos_http_conn_is_tunnel(c));
	BT_ASSERT_EQ_STR(g.tunnel[BOS_DIR_TO_SERVER], "\x16\x03\x01HELLO");
	BT_ASSERT_EQ_STR(g.tunnel[BOS_DIR_TO_CLIENT], "\x16\x03\x03SERVER");
	bos_http_conn_feed(c, BOS_DIR_TO_SERVER, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18);
	BT_ASSERT_EQ_INT(g.tunnel_len[BOS_DIR_TO_SERVER], 8 + 18);	/* not parsed as HTTP */
	done(c);
	BT_ASSERT_EQ_INT(g.n, 1);
}

void test_http__connect_refused_goes_on_as_http(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g,
		"CONNECT x:443 HTTP/1.1\r\n\r\nGET http://x/ HTTP/1.1\r\n\r\n",
		"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\ndeny"
		"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", 0, 0, false);

	BT_ASSERT_EQ_INT(g.n, 2);
	BT_ASSERT_EQ_INT(g.t[0].status, 407);
	BT_ASSERT(!(g.t[0].flags & BOS_HTTP_F_TUNNEL));
	BT_ASSERT_EQ_STR(g.t[1].uri, "http://x/");
	BT_ASSERT_EQ_INT(g.t[1].status, 403);
	BT_ASSERT(!bos_http_conn_is_tunnel(c));
	done(c);
}

void test_http__no_response_and_orphan_response(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g, "GET /never HTTP/1.1\r\n\r\n", "", 0, 0, false);

	done(c);
	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_NO_RESPONSE);
	BT_ASSERT(strstr(g.json, "\"flags\":[\"no_response\"]"));
	c = run(&g, "", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", 0, 0,
		false);
	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT_EQ_INT(g.t[0].status, 503);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_NO_REQUEST);
	done(c);
}

void test_http__malformed_start_line(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g, "\x16\x03\x01 hello\r\n", "", 0, 0, false);

	BT_ASSERT_EQ_INT(bos_http_conn_stats(c)->malformed, 1);
	done(c);
	BT_ASSERT_EQ_INT(g.n, 0);
}

void test_http__header_caps(void)
{
	struct bos_buf req = BOS_BUF_INIT;
	struct got g;
	struct bos_http_conn *c;

	bos_buf_addstr(&req, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < BOS_HTTP_MAX_HEADERS + 5; i++)
		bos_buf_addf(&req, "X-H%d: v\r\n", i);
	bos_buf_addstr(&req, "Host: late\r\n\r\n");
	c = run(&g, req.data, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, false);
	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_CAP);
	BT_ASSERT_EQ_STR(g.t[0].host, "");	/* beyond the cap: not read */
	BT_ASSERT_EQ_INT(g.t[0].status, 200);
	done(c);

	/* One line longer than BOS_HTTP_MAX_LINE: the direction stops. */
	bos_buf_reset(&req);
	bos_buf_addstr(&req, "GET /");
	for (int i = 0; i < BOS_HTTP_MAX_LINE; i++)
		bos_buf_addch(&req, 'a');
	bos_buf_addstr(&req, " HTTP/1.1\r\n\r\n");
	c = run(&g, req.data, "", 0, 0, false);
	BT_ASSERT_EQ_INT(bos_http_conn_stats(c)->cap_hits, 1);
	done(c);
	BT_ASSERT_EQ_INT(g.n, 0);
	bos_buf_release(&req);
}

void test_http__long_field_is_cut_and_flagged(void)
{
	struct bos_buf req = BOS_BUF_INIT;
	struct got g;
	struct bos_http_conn *c;

	bos_buf_addstr(&req, "GET / HTTP/1.1\r\nUser-Agent: ");
	for (int i = 0; i < BOS_HTTP_MAX_FIELD + 10; i++)
		bos_buf_addch(&req, 'u');
	bos_buf_addstr(&req, "\r\n\r\n");
	c = run(&g, req.data, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, false);
	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_CAP);
	done(c);
	bos_buf_release(&req);
}

void test_http__folded_header(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g,
		"GET / HTTP/1.1\r\nUser-Agent: Mozilla/4.0\r\n  (compatible)\r\nHost: h\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, false);

	BT_ASSERT_EQ_STR(g.t[0].ua, "Mozilla/4.0 (compatible)");
	BT_ASSERT_EQ_STR(g.t[0].host, "h");
	done(c);
}

void test_http__conflicting_content_length_is_malformed(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g,
		"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "", 0,
		0, false);

	BT_ASSERT_EQ_INT(bos_http_conn_stats(c)->malformed, 1);
	done(c);
	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_MALFORMED);
}

void test_http__gap_inside_body_keeps_sync(void)
{
	struct got g;
	struct bos_http_conn *c = run(&g, "GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n",
				      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", 0, 0, false);
	static const char rest[] = "ijHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";

	bos_http_conn_gap(c, BOS_DIR_TO_CLIENT, 6);
	bos_http_conn_feed(c, BOS_DIR_TO_CLIENT, (const uint8_t *)rest, sizeof(rest) - 1);
	BT_ASSERT_EQ_INT(g.n, 2);
	BT_ASSERT_EQ_INT(g.t[0].resp_body, 10);
	BT_ASSERT(g.t[0].flags & BOS_HTTP_F_GAP);
	BT_ASSERT_EQ_INT(g.t[1].status, 404);
	done(c);
}

void test_http__sniff(void)
{
	BT_ASSERT(bos_http_looks_like_request((const uint8_t *)"GET / HTTP/1.1", 14));
	BT_ASSERT(bos_http_looks_like_request((const uint8_t *)"CONNECT a:1 HTTP/1.1", 20));
	BT_ASSERT(!bos_http_looks_like_request((const uint8_t *)"GE", 2));
	BT_ASSERT(!bos_http_looks_like_request((const uint8_t *)"HTTP/1.1 200", 12));
}

void test_http__connection_field_budget(void)
{
	struct bos_buf req = BOS_BUF_INIT, resp = BOS_BUF_INIT;
	struct got g;
	struct bos_http_conn *c;
	int n = BOS_HTTP_MAX_PENDING - 4;

	/* n pipelined requests with 1500-byte URIs (more than the budget in total), no
	 * response yet: all held at once. */
	BT_ASSERT(n * 1500 > BOS_HTTP_MAX_CONN_BYTES);
	for (int i = 0; i < n; i++) {
		bos_buf_addstr(&req, "GET /");
		for (int k = 0; k < 1499; k++)
			bos_buf_addch(&req, 'a');
		bos_buf_addstr(&req, " HTTP/1.1\r\n\r\n");
		bos_buf_addstr(&resp, "HTTP/1.1 204 No Content\r\n\r\n");
	}
	c = run(&g, req.data, "", 0, 0, false);
	BT_ASSERT_EQ_INT(g.n, 0);
	bos_http_conn_feed(c, BOS_DIR_TO_CLIENT, (const uint8_t *)resp.data, resp.len);
	BT_ASSERT_EQ_INT(g.n, n);
	/* The first request fit whole (the test copy keeps 63 bytes); its response arrived
	 * with the budget exhausted by the later requests, so its status_msg is cut. */
	BT_ASSERT_EQ_INT(g.t[0].status, 204);
	BT_ASSERT_EQ_INT(strlen(g.t[0].uri), 63);
	/* The last ones no longer fit the budget: cut and flagged, still paired. */
	BT_ASSERT(strstr(g.json, "\"status_code\":204"));
	BT_ASSERT(strstr(g.json, "\"trans_depth\":60,"));
	BT_ASSERT(strstr(g.json, "\"flags\":[\"cap\"]"));
	done(c);
	bos_buf_release(&req);
	bos_buf_release(&resp);
}

/* Field values live in the transaction's arena until it is full, then on the heap; a
 * header given twice keeps the last value. Every split must give the same record. */
void test_http__fields_past_the_arena_and_repeated(void)
{
	struct bos_buf req = BOS_BUF_INIT, ua = BOS_BUF_INIT, want = BOS_BUF_INIT;
	static const char resp[] =
		"HTTP/1.0 200 OK\r\nContent-Type: text/a\r\nContent-Type: text/plain\r\n"
		"Content-Length: 0\r\n\r\n";
	struct got g;
	struct bos_http_conn *c;

	for (int k = 0; k < 200; k++)
		bos_buf_addch(&ua, (char)('a' + k % 26));
	bos_buf_addstr(&req, "POST /upload?x=1 HTTP/1.1\r\nHost: first.test\r\nHost: second.test\r\n"
			     "User-Agent: ");
	bos_buf_add(&req, ua.data, ua.len);
	bos_buf_addstr(&req, "\r\nReferer: http://r.test/\r\nOrigin: http://o.test\r\n"
			     "Content-Length: 0\r\n\r\n");
	bos_buf_addstr(&want, "{\"trans_depth\":1,\"method\":\"POST\",\"host\":\"second.test\","
			      "\"uri\":\"/upload?x=1\",\"referrer\":\"http://r.test/\","
			      "\"version\":\"1.0\",\"user_agent\":\"");
	bos_buf_add(&want, ua.data, ua.len);
	bos_buf_addstr(&want, "\",\"origin\":\"http://o.test\",\"request_body_len\":0,"
			      "\"response_body_len\":0,\"status_code\":200,\"status_msg\":\"OK\","
			      "\"response_content_type\":\"text/plain\"}");
	for (size_t s = 0; s < req.len; s += 7) {
		c = run(&g, req.data, resp, s, s % (sizeof(resp) - 1), false);
		done(c);
		BT_ASSERT_EQ_INT(g.n, 1);
		BT_ASSERT_EQ_STR(g.t[0].host, "second.test");
		BT_ASSERT_EQ_STR(g.json, want.data);
	}
	bos_buf_release(&req);
	bos_buf_release(&ua);
	bos_buf_release(&want);
}

/* fuzz/regress/http/field-heap-then-arena: a field first set to a long value (heap) and
 * then to a short one must keep its heap storage, not move into the arena (that leaked the
 * heap buffer and later freed an arena address). Host twice, and two 1xx reason phrases. */
void test_http__field_long_then_short(void)
{
	struct bos_buf req = BOS_BUF_INIT, resp = BOS_BUF_INIT;
	struct got g;
	struct bos_http_conn *c;

	bos_buf_addstr(&req, "GET / HTTP/1.1\r\nHost: ");
	for (int k = 0; k < 300; k++)
		bos_buf_addch(&req, 'h');
	bos_buf_addstr(&req, "\r\nHost: short.test\r\n\r\n");
	bos_buf_addstr(&resp, "HTTP/1.1 100 ");
	for (int k = 0; k < 300; k++)
		bos_buf_addch(&resp, 'x');
	bos_buf_addstr(&resp, "\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
			      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	c = run(&g, req.data, resp.data, 0, 0, false);
	done(c);
	BT_ASSERT_EQ_INT(g.n, 1);
	BT_ASSERT_EQ_STR(g.t[0].host, "short.test");
	BT_ASSERT_EQ_INT(g.t[0].info, 102);
	BT_ASSERT(strstr(g.json, "\"info_msg\":\"Processing\""));
	bos_buf_release(&req);
	bos_buf_release(&resp);
}

/* Each piece is fed from its own heap copy, wiped and freed right after the call: nothing
 * the dissector keeps between feeds (a header line waiting to see whether the next line
 * folds into it, a partial line) may still point into the caller's bytes. */
static void feed_copy(struct bos_http_conn *c, enum bos_dir d, const char *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	BT_ASSERT(b != NULL);
	memcpy(b, p, n);
	bos_http_conn_feed(c, d, b, n);
	memset(b, 'X', n);
	free(b);
}

void test_http__header_lines_split_anywhere(void)
{
	static const char req[] = "GET /f HTTP/1.1\r\nHost: example.com\r\n"
				  "User-Agent: Mozilla/4.0\r\n  (compatible)\r\nReferer: r\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\tcharset=x\r\n"
				   "Content-Length: 2\r\n\r\nok";
	const size_t nq = sizeof(req) - 1, np = sizeof(resp) - 1;

	for (size_t s = 0; s <= nq; s++) {
		struct got g;
		struct bos_http_conn *c = bos_http_conn_new(&cbs, &g);
		size_t ps = s % (np + 1);

		memset(&g, 0, sizeof(g));
		feed_copy(c, BOS_DIR_TO_SERVER, req, s);
		feed_copy(c, BOS_DIR_TO_SERVER, req + s, nq - s);
		feed_copy(c, BOS_DIR_TO_CLIENT, resp, ps);
		feed_copy(c, BOS_DIR_TO_CLIENT, resp + ps, np - ps);
		if (g.n != 1 || strcmp(g.t[0].host, "example.com") ||
		    strcmp(g.t[0].ua, "Mozilla/4.0 (compatible)") ||
		    strcmp(g.t[0].ctype, "text/plain charset=x") || g.t[0].resp_body != 2 ||
		    g.t[0].flags || !strstr(g.json, "\"referrer\":\"r\""))
			bt_fail(__FILE__, __LINE__, "split at %zu", s);
		done(c);
	}
}
