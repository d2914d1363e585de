#ifndef BOS_INET_INET_INT_H
#define BOS_INET_INET_INT_H
/* Internals of the inet module shared between its files (and its fuzz harness). */
#include <stddef.h>
#include <stdint.h>

#include "bos/buf.h"
#include "bos/err.h"
#include "bos/profile.h"

/* Write all of data[0..len) to fd, retrying on EINTR and short writes. 0 or -errno (errno
 * is left set for bos_err_sys). */
int inet_write_all(int fd, const void *data, size_t len);

/* What one DNS query was and what was answered (for the event line). */
struct inet_dns_info {
	char qname[256];		/* as received, labels joined with '.'; may hold any byte */
	size_t qname_len;
	uint16_t id, qtype, qclass;
	enum bos_parse parse;		/* OK, or why the query was malformed */
	const struct bos_profile_name *rule;	/* NULL if the query was not understood */
	int rcode;			/* -1: no reply sent (timeout action, or a response) */
	size_t n_answers;
	struct bos_profile_addr answers[32];
	bool truncated;
};

/* Answer one DNS message q (UDP payload or TCP message without its length prefix).
 * Appends the response to resp (nothing if none is to be sent: info->rcode == -1).
 * max_len caps the response (512 for UDP without EDNS, 65535 for TCP); answers that do not
 * fit are left out and TC is set. Never fails: malformed queries get FORMERR or nothing. */
void inet_dns_answer(const struct bos_profile *p, const uint8_t *q, size_t qlen, size_t max_len,
		     struct bos_buf *resp, struct inet_dns_info *info);

/* HTTP request head seen by the sinkhole. */
struct inet_http_req {
	char method[16];
	char path[1024];
	char host[256];
	bool complete;			/* the head (up to CRLF CRLF) was seen */
	bool looks_http;		/* starts like an HTTP request line */
	size_t head_len;		/* bytes of the head, the empty line included */
	int64_t content_length;		/* -1: none given (or not a number) */
};

/* Parse the head of an HTTP request from the bytes received so far (bounded, via
 * bos_cur). Returns BOS_PARSE_OK when the head is complete, BOS_PARSE_INCOMPLETE when more
 * bytes are needed, BOS_PARSE_MALFORMED when it is not an HTTP request. */
enum bos_parse inet_http_parse(const uint8_t *data, size_t len, struct inet_http_req *req);

/* Build an HTTP/1.1 response for rule r (Content-Length, Connection: close added). */
void inet_http_response(const struct bos_profile_http_rule *r, bool head_only,
			struct bos_buf *out);

/* TLS for the sinkhole and HTTPS services: one EC key per run, a self-signed certificate
 * per SNI name (CN and subjectAltName = the name; "bos-sinkhole" without SNI), cached up to
 * BOS_INET_MAX_CERTS. The default certificate is written to <dir>/tls-cert.pem. */
struct inet_tls;
int inet_tls_new(const char *dir, struct inet_tls **out, struct bos_err *err);
void inet_tls_free(struct inet_tls *t);
/* A new server-side SSL object for fd (non-blocking), or NULL. */
struct ssl_st *inet_tls_accept(struct inet_tls *t, int fd);
/* The SNI the client sent on ssl ("" if none). */
const char *inet_tls_sni(struct ssl_st *ssl);

#endif
