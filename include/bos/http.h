#ifndef BOS_HTTP_H
#define BOS_HTTP_H
/*
 * HTTP/1.x dissector (RFC 9112 message syntax, RFC 9110 semantics): one streaming state
 * object per TCP connection, fed the reassembled bytes of each direction in order.
 * Completed transactions (a request paired with its response, in order, so pipelining
 * works) are handed to a callback as they finish.
 *
 * What it handles: request/status lines, header fields (folded lines joined), bodies by
 * Content-Length, chunked transfer coding (chunk extensions, trailers) and
 * read-until-close; responses that have no body (HEAD, 1xx, 204, 304, 2xx to CONNECT);
 * 1xx interim responses (recorded as info_code/info_msg, the final one completes the
 * transaction); CONNECT: the proxy's status is the result, and after a 2xx the stream is an
 * opaque tunnel: bytes of both directions from then on go to cb->tunnel_data (client bytes
 * sent before the proxy answered are held, up to BOS_HTTP_MAX_TUNNEL_HOLD, and released
 * in order). Caps: line length, header count and bytes, stored field length, field bytes
 * held per connection, pending requests (bos/limits.h "proto" section); hitting one sets
 * a flag on the transaction.
 *
 * When a direction stops looking like HTTP (bad start line, cap on a line/header block,
 * unknown gap in a header), that direction is marked and ignored from then on; the
 * transactions seen so far stay valid. Nothing is ever printed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/buf.h"
#include "bos/json.h"
#include "bos/limits.h"
#include "bos/proto.h"

enum bos_http_txn_flags {
	BOS_HTTP_F_NO_RESPONSE = 1u << 0,	/* request without a response at finish */
	BOS_HTTP_F_NO_REQUEST = 1u << 1,	/* response without a request seen */
	BOS_HTTP_F_REQ_TRUNCATED = 1u << 2,	/* request (head or body) ended early */
	BOS_HTTP_F_RESP_TRUNCATED = 1u << 3,	/* response (head or body) ended early */
	BOS_HTTP_F_MALFORMED = 1u << 4,		/* syntax error; that direction stopped */
	BOS_HTTP_F_GAP = 1u << 5,		/* capture gap inside this transaction */
	BOS_HTTP_F_CAP = 1u << 6,		/* a cap was hit (headers/line/field) */
	BOS_HTTP_F_TUNNEL = 1u << 7,		/* CONNECT answered 2xx: tunnel follows */
	BOS_HTTP_F_CHUNKED_REQ = 1u << 8,
	BOS_HTTP_F_CHUNKED_RESP = 1u << 9,
	BOS_HTTP_F_BODY_BY_CLOSE = 1u << 10,	/* response body delimited by connection close */
};

/* One request/response exchange. Strings are bos_buf (may hold any bytes, capped at
 * BOS_HTTP_MAX_FIELD and then flagged CAP); empty when absent. */
struct bos_http_txn {
	uint32_t trans_depth;		/* 1-based index of the request on this connection */
	struct bos_buf method;
	struct bos_buf uri;
	struct bos_buf version;		/* "1.1" (Zeek style, without "HTTP/") */
	struct bos_buf host;		/* Host header */
	struct bos_buf user_agent;
	struct bos_buf referrer;
	struct bos_buf origin;
	struct bos_buf req_content_type;
	struct bos_buf resp_version;
	uint16_t status_code;		/* 0: no final response */
	struct bos_buf status_msg;
	uint16_t info_code;		/* last 1xx interim code, 0 if none */
	struct bos_buf info_msg;
	struct bos_buf resp_content_type;
	uint64_t request_body_len;	/* decoded body bytes (chunk framing excluded) */
	uint64_t response_body_len;
	unsigned flags;			/* enum bos_http_txn_flags */
};

struct bos_http_cb {
	/* A transaction is complete (or given up at finish). Pointer valid during the call. */
	void (*txn)(void *ctx, const struct bos_http_txn *t);
	/* Tunnel bytes after a 2xx CONNECT, in order per direction. May be NULL. */
	void (*tunnel_data)(void *ctx, enum bos_dir dir, const uint8_t *p, size_t len);
};

/* Connection-wide counters (caps hit, anomalies), for the engine's stats output. */
struct bos_http_stats {
	uint64_t transactions;
	uint64_t malformed;		/* directions that stopped on a syntax error */
	uint64_t cap_hits;		/* any cap hit */
	uint64_t gaps;
	uint64_t pending_evicted;	/* requests dropped for BOS_HTTP_MAX_PENDING */
	uint64_t tunnel_bytes;
};

struct bos_http_conn;

/* cb is copied; ctx is passed back to the callbacks. Returns NULL only on ENOMEM. */
struct bos_http_conn *bos_http_conn_new(const struct bos_http_cb *cb, void *ctx);
/* Feed len in-order bytes of one direction. Callbacks may run from inside. */
void bos_http_conn_feed(struct bos_http_conn *c, enum bos_dir dir, const uint8_t *p, size_t len);
/* len bytes of dir are missing from the capture (reassembly gap). Inside a body of known
 * length they are skipped; elsewhere the direction loses sync and stops. */
void bos_http_conn_gap(struct bos_http_conn *c, enum bos_dir dir, uint64_t len);
/* Connection closed or capture ended: a body delimited by close completes, everything
 * still pending is reported with the proper NO_RESPONSE / TRUNCATED flags. Idempotent. */
void bos_http_conn_finish(struct bos_http_conn *c);
/* True once a CONNECT tunnel was established (bytes now go to tunnel_data). */
bool bos_http_conn_is_tunnel(const struct bos_http_conn *c);
const struct bos_http_stats *bos_http_conn_stats(const struct bos_http_conn *c);
void bos_http_conn_free(struct bos_http_conn *c);	/* does not call finish */

/* Does p look like the start of an HTTP/1.x request ("GET ", "POST ", ... a known method
 * token followed by a space)? Needs len >= 4 for a useful answer. */
bool bos_http_looks_like_request(const uint8_t *p, size_t len);

/*
 * Write Zeek http.log fields of t into the JSON object the caller has opened (caller adds
 * ts, uid, id.*): trans_depth, method, host, uri (as sent; Zeek percent-decodes), referrer,
 * version (the response's if any, else the request's, as Zeek), user_agent, origin,
 * request_body_len, response_body_len, status_code, status_msg, info_code, info_msg
 * (absent when unknown, as Zeek's "-"); bos extras: request_content_type,
 * response_content_type, and flags (array of names, only when non-empty: "no_response",
 * "no_request", "request_truncated", "response_truncated", "malformed", "gap", "cap",
 * "tunnel", "chunked_request", "chunked_response", "body_by_close").
 */
void bos_http_write_json(const struct bos_http_txn *t, struct bos_json *j);

#endif
