/*
 * The simulated internet's servers, one epoll loop in the inet namespace:
 *  - DNS on BOS_INET_DNS_ADDR:53, UDP and TCP (RFC 1035 4.2.2 length framing), answers from
 *    dns.c; port 53 to any other address is redirected here by the nft rules;
 *  - the TCP sinkhole on the redirect port: the original destination comes from conntrack
 *    (SO_ORIGINAL_DST) and picks the profile's host entry. The first bytes decide what is
 *    served: 0x16 (a TLS handshake record) -> TLS with a generated certificate, then HTTP
 *    inside; an HTTP request line -> HTTP; anything else -> echoed back; nothing -> the
 *    connection is held open until the client leaves or the idle timeout;
 *  - the UDP sinkhole (TPROXY, so the original destination is known): datagrams are
 *    logged, not answered;
 *  - the profile's C2 programs, each in its own process group, killed at the end.
 *
 * Every answered query and every finished connection is one line on env->events_fd.
 * Per-connection trouble is an event, never an error of the whole server. Connection
 * state is capped (BOS_INET_MAX_CONNS, BOS_INET_MAX_REQUEST bytes buffered each).
 *
 * After answering HTTP the server half-closes and drains what the client still sends for a
 * moment before closing: closing with unread bytes would make the kernel send an RST, and a
 * capture would then show a refused-looking connection where the profile said 200.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter_ipv4.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bos/buf.h"
#include "bos/clock.h"
#include "bos/inet.h"
#include "bos/json.h"
#include "bos/limits.h"
#include "inet_int.h"

#define NS_PER_S 1000000000LL
#define DRAIN_NS (2 * NS_PER_S)
#define TICK_MS 200
#define DNS_TCP_MAX 4096		/* a query over TCP is small; longer ones are dropped */
#define C2_MAX 64

enum item_type { IT_DNS_UDP, IT_DNS_TCP_LISTEN, IT_SINK_LISTEN, IT_SINK_UDP, IT_CONN };

enum conn_state {
	CS_SNIFF,		/* waiting for the first bytes */
	CS_HANDSHAKE,		/* TLS handshake in progress */
	CS_READ,		/* reading a request (plain or inside TLS) */
	CS_BODY,		/* reading (and discarding) the request body */
	CS_WRITE,		/* sending the answer */
	CS_RAW,			/* not HTTP: echo */
	CS_DRAIN,		/* answered and half-closed: discard until EOF */
	CS_DNS,			/* DNS over TCP */
};

struct item {
	enum item_type type;
	int fd;
};

struct conn {
	struct item it;			/* first: epoll data points here */
	enum conn_state state;
	SSL *ssl;
	struct sockaddr_in src, dst;
	const struct bos_profile_host *host;	/* NULL: the default (sinkhole) */
	uint8_t *in;
	size_t in_len;
	struct bos_buf out;
	size_t out_off;
	int64_t start_ns, deadline_ns;
	uint64_t bytes_in, bytes_out;
	const char *outcome;		/* "http", "tls", "raw", "closed", ... */
	uint32_t events;		/* what epoll is waiting for now */
	size_t slot;
	struct inet_http_req req;	/* CS_BODY: the request being read */
	uint64_t body_left, body_bytes;
	int64_t drain_until;		/* CS_DRAIN: never held open past this */
};

struct c2_proc {
	pid_t pid;
	const struct bos_profile_host *host;
	bool exited;
};

struct server {
	const struct bos_profile *p;
	const struct bos_inet_env *env;
	int ep;
	struct item dns_udp, dns_tcp, sink_tcp, sink_udp;
	struct conn *conns[BOS_INET_MAX_CONNS];
	size_t n_conns;
	uint64_t conns_refused;		/* over the cap */
	struct inet_tls *tls;
	struct c2_proc c2[C2_MAX];
	size_t n_c2;
	int64_t idle_ns;
	struct bos_profile_http_rule not_found;
};

/* --- events --- */

static void ep_str(const struct sockaddr_in *sa, char *dst, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, a, sizeof(a));
	snprintf(dst, len, "%s:%u", a, ntohs(sa->sin_port));
}

static void ev_begin(struct bos_json *j, struct bos_buf *b, const char *kind)
{
	bos_json_init(j, b, 0);
	bos_json_obj_begin(j);
	bos_json_kv_time_ns(j, "ts", bos_clock_now_ns());
	bos_json_kv_str(j, "kind", kind);
}

static void ev_end(struct server *s, struct bos_json *j, struct bos_buf *b)
{
	bos_json_obj_end(j);
	bos_buf_addch(b, '\n');
	if (s->env->events_fd >= 0) {
		/* One write per line: concurrent writers with O_APPEND do not interleave. */
		ssize_t n = write(s->env->events_fd, b->data, b->len);

		(void)n;	/* a full disk loses event lines, not the servers */
	}
	bos_buf_release(b);
}

static void ev_error(struct server *s, const char *what, const char *msg)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	ev_begin(&j, &b, "inet_error");
	bos_json_kv_str(&j, "what", what);
	bos_json_kv_str(&j, "msg", msg);
	ev_end(s, &j, &b);
}

static void ev_addr(struct bos_json *j, const char *key, const struct sockaddr_in *sa)
{
	char buf[64];

	ep_str(sa, buf, sizeof(buf));
	bos_json_kv_str(j, key, buf);
}

/* --- sockets --- */

static int listen_on(struct server *s, struct item *it, enum item_type type, int sotype,
		     const char *addr, uint16_t port, struct bos_err *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = it };
	int one = 1;

	it->type = type;
	inet_pton(AF_INET, addr, &sa.sin_addr);
	it->fd = socket(AF_INET, sotype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (it->fd < 0)
		return bos_err_sys(err, "inet: socket");
	setsockopt(it->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == IT_SINK_UDP) {
		/* TPROXY only hands packets to transparent sockets. */
		if (setsockopt(it->fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) < 0 ||
		    setsockopt(it->fd, SOL_IP, IP_RECVORIGDSTADDR, &one, sizeof(one)) < 0)
			return bos_err_sys(err, "inet: UDP sinkhole: IP_TRANSPARENT");
	}
	if (bind(it->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return bos_err_sys(err, "inet: bind %s:%u/%s", addr, port,
				   sotype == SOCK_STREAM ? "tcp" : "udp");
	if (sotype == SOCK_STREAM && listen(it->fd, 512) < 0)
		return bos_err_sys(err, "inet: listen %s:%u", addr, port);
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, it->fd, &ev) < 0)
		return bos_err_sys(err, "inet: epoll_ctl");
	return 0;
}

static void conn_watch(struct server *s, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (c->events == events)
		return;
	c->events = events;
	epoll_ctl(s->ep, EPOLL_CTL_MOD, c->it.fd, &ev);
}

static const char *svc_name(const struct conn *c)
{
	return c->host ? bos_profile_svc_str(c->host->svc) : "sinkhole";
}

static void conn_close(struct server *s, struct conn *c)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	if (c->state != CS_DNS) {
		ev_begin(&j, &b, "inet_tcp");
		ev_addr(&j, "src", &c->src);
		ev_addr(&j, "dst", &c->dst);
		bos_json_kv_str(&j, "svc", svc_name(c));
		if (c->host && c->host->comment)
			bos_json_kv_str(&j, "host", c->host->comment);
		bos_json_kv_str(&j, "outcome", c->outcome ? c->outcome : "closed");
		bos_json_kv_uint(&j, "bytes_in", c->bytes_in);
		bos_json_kv_uint(&j, "bytes_out", c->bytes_out);
		bos_json_kv_int(&j, "duration_ms", (bos_clock_now_ns() - c->start_ns) / 1000000);
		ev_end(s, &j, &b);
	}
	if (c->ssl)
		SSL_free(c->ssl);
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->it.fd, NULL);
	close(c->it.fd);
	s->conns[c->slot] = s->conns[--s->n_conns];
	s->conns[c->slot]->slot = c->slot;
	bos_buf_release(&c->out);
	free(c->in);
	free(c);
}

static struct conn *conn_new(struct server *s, int fd, enum conn_state st)
{
	struct conn *c = calloc(1, sizeof(*c));
	socklen_t len = sizeof(c->src);
	struct epoll_event ev = { .events = EPOLLIN };

	if (!c)
		BOS_BUG("out of memory");
	c->in = malloc(BOS_INET_MAX_REQUEST);
	if (!c->in)
		BOS_BUG("out of memory");
	c->it.type = IT_CONN;
	c->it.fd = fd;
	c->state = st;
	bos_buf_init(&c->out);
	c->start_ns = bos_clock_now_ns();
	c->deadline_ns = c->start_ns + s->idle_ns;
	getpeername(fd, (struct sockaddr *)&c->src, &len);
	len = sizeof(c->dst);
	getsockname(fd, (struct sockaddr *)&c->dst, &len);
	c->events = EPOLLIN;
	ev.data.ptr = c;
	epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
	c->slot = s->n_conns;
	s->conns[s->n_conns++] = c;
	return c;
}

static void start_drain(struct server *s, struct conn *c);

static void do_accept(struct server *s, struct item *l)
{
	for (;;) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0)
			return;		/* EAGAIN, or a client gone before accept */
		if (s->n_conns >= BOS_INET_MAX_CONNS) {
			s->conns_refused++;
			close(fd);
			continue;
		}
		c = conn_new(s, fd, l->type == IT_DNS_TCP_LISTEN ? CS_DNS : CS_SNIFF);
		if (l->type == IT_SINK_LISTEN) {
			struct sockaddr_in orig;
			socklen_t len = sizeof(orig);
			struct bos_profile_addr a = { .family = AF_INET };

			/* Where the client meant to go, before the redirect. */
			if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &orig, &len) == 0)
				c->dst = orig;
			memcpy(a.a, &c->dst.sin_addr, 4);
			c->host = bos_profile_match_host(s->p, &a, BOS_PROFILE_PROTO_TCP,
							 ntohs(c->dst.sin_port));
			if (c->host && c->host->svc == BOS_PROFILE_SVC_CLOSE) {
				/* Accepted, then an orderly close (FIN) before any byte. */
				c->outcome = "closed_by_server";
				start_drain(s, c);
			}
		}
	}
}

/* --- DNS --- */

static void ev_dns(struct server *s, const struct sockaddr_in *src, const char *proto,
		   const struct inet_dns_info *info)
{
	static const char *const rcodes[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					      "NOTIMP", "REFUSED" };
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;
	char a[64];
	size_t i;

	ev_begin(&j, &b, "inet_dns");
	ev_addr(&j, "src", src);
	bos_json_kv_str(&j, "proto", proto);
	bos_json_kv_strn(&j, "qname", info->qname, info->qname_len);
	bos_json_kv_uint(&j, "qtype", info->qtype);
	if (info->parse != BOS_PARSE_OK)
		bos_json_kv_str(&j, "malformed", bos_parse_str(info->parse));
	bos_json_kv_str(&j, "action", info->rule ? bos_profile_dns_action_str(info->rule->action) :
						   "none");
	if (info->rule && info->rule->line)
		bos_json_kv_uint(&j, "profile_line", info->rule->line);
	if (info->rcode < 0)
		bos_json_kv_str(&j, "rcode", "no-reply");
	else if ((size_t)info->rcode < BOS_ARRAY_SIZE(rcodes))
		bos_json_kv_str(&j, "rcode", rcodes[info->rcode]);
	else
		bos_json_kv_int(&j, "rcode", info->rcode);
	bos_json_key(&j, "answers");
	bos_json_arr_begin(&j);
	for (i = 0; i < info->n_answers; i++)
		bos_json_str(&j, bos_profile_addr_str(&info->answers[i], a, sizeof(a)));
	bos_json_arr_end(&j);
	if (info->truncated)
		bos_json_kv_bool(&j, "truncated", true);
	ev_end(s, &j, &b);
}

static void dns_udp(struct server *s)
{
	uint8_t q[4096];
	struct bos_buf resp = BOS_BUF_INIT;
	struct inet_dns_info info;
	int burst;

	for (burst = 0; burst < 64; burst++) {
		struct sockaddr_in src;
		socklen_t slen = sizeof(src);
		ssize_t n = recvfrom(s->dns_udp.fd, q, sizeof(q), 0, (struct sockaddr *)&src,
				     &slen);

		if (n < 0)
			break;
		bos_buf_reset(&resp);
		inet_dns_answer(s->p, q, (size_t)n, 512, &resp, &info);
		if (resp.len)
			sendto(s->dns_udp.fd, resp.data, resp.len, 0, (struct sockaddr *)&src,
			       slen);
		ev_dns(s, &src, "udp", &info);
	}
	bos_buf_release(&resp);
}

/* DNS over TCP: 2-byte length, then the message; several per connection. */
static void dns_tcp_input(struct server *s, struct conn *c)
{
	struct inet_dns_info info;
	size_t mlen;

	while (c->in_len >= 2) {
		mlen = (size_t)c->in[0] << 8 | c->in[1];
		if (mlen > DNS_TCP_MAX || mlen > BOS_INET_MAX_REQUEST - 2) {
			c->in_len = 0;
			c->outcome = "closed";
			c->deadline_ns = 0;	/* close at the next tick */
			return;
		}
		if (c->in_len < mlen + 2)
			return;
		{
			struct bos_buf resp = BOS_BUF_INIT;
			uint8_t hdr[2];

			inet_dns_answer(s->p, c->in + 2, mlen, 65535, &resp, &info);
			if (resp.len) {
				hdr[0] = (uint8_t)(resp.len >> 8);
				hdr[1] = (uint8_t)resp.len;
				bos_buf_add(&c->out, hdr, 2);
				bos_buf_add(&c->out, resp.data, resp.len);
			}
			bos_buf_release(&resp);
		}
		ev_dns(s, &c->src, "tcp", &info);
		memmove(c->in, c->in + mlen + 2, c->in_len - mlen - 2);
		c->in_len -= mlen + 2;
	}
}

/* --- sinkhole TCP --- */

static void ev_http(struct server *s, struct conn *c, const struct inet_http_req *req,
		    int status)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	ev_begin(&j, &b, "inet_http");
	ev_addr(&j, "src", &c->src);
	ev_addr(&j, "dst", &c->dst);
	bos_json_kv_str(&j, "svc", svc_name(c));
	bos_json_kv_bool(&j, "tls", c->ssl != NULL);
	if (c->ssl)
		bos_json_kv_str(&j, "sni", inet_tls_sni(c->ssl));
	bos_json_kv_str(&j, "method", req->method);
	bos_json_kv_str(&j, "host", req->host);
	bos_json_kv_str(&j, "path", req->path);
	if (req->content_length >= 0)
		bos_json_kv_uint(&j, "body_bytes", c->body_bytes);
	bos_json_kv_int(&j, "status", status);
	ev_end(s, &j, &b);
}

static void answer_http(struct server *s, struct conn *c, const struct inet_http_req *req)
{
	const struct bos_profile_http_rule *r = &s->p->sinkhole_http;

	if (c->host && (c->host->svc == BOS_PROFILE_SVC_HTTP ||
			c->host->svc == BOS_PROFILE_SVC_HTTPS)) {
		r = bos_profile_match_http(c->host, req->host, req->path);
		if (!r)
			r = &s->not_found;
	}
	inet_http_response(r, !strcmp(req->method, "HEAD"), &c->out);
	c->outcome = c->ssl ? "https" : "http";
	c->state = CS_WRITE;
	ev_http(s, c, req, r->status);
}

/* Read what is there into c->in (or echo it in raw mode). Returns bytes read, 0 on EOF,
 * -1 on "nothing now" (EAGAIN, TLS wants I/O), -2 on error. */
static ssize_t conn_read(struct conn *c, uint8_t *buf, size_t len)
{
	ssize_t n;

	if (len == 0)
		return -1;
	if (c->ssl) {
		int r = SSL_read(c->ssl, buf, (int)len);

		if (r > 0)
			return r;
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			return -1;
		case SSL_ERROR_ZERO_RETURN:
			return 0;
		default:
			ERR_clear_error();
			return -2;
		}
	}
	n = recv(c->it.fd, buf, len, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
	return n;
}

/* Send c->out from out_off. Returns true when all is sent. */
static bool conn_flush(struct conn *c)
{
	while (c->out_off < c->out.len) {
		size_t left = c->out.len - c->out_off;
		ssize_t n;

		if (c->ssl) {
			int r = SSL_write(c->ssl, c->out.data + c->out_off, (int)left);

			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);

				if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
					ERR_clear_error();
					c->out_off = c->out.len;	/* give up */
					return true;
				}
				return false;
			}
			n = r;
		} else {
			n = send(c->it.fd, c->out.data + c->out_off, left, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
					return false;
				c->out_off = c->out.len;
				return true;
			}
		}
		c->out_off += (size_t)n;
		c->bytes_out += (uint64_t)n;
	}
	bos_buf_reset(&c->out);
	c->out_off = 0;
	return true;
}

static void start_drain(struct server *s, struct conn *c)
{
	if (c->ssl)
		SSL_shutdown(c->ssl);	/* close_notify; the answer is not awaited */
	shutdown(c->it.fd, SHUT_WR);
	c->state = CS_DRAIN;
	c->deadline_ns = bos_clock_now_ns() + DRAIN_NS;
	c->drain_until = bos_clock_now_ns() + s->idle_ns;
}

/* action tls-alert: a TLS client gets a fatal handshake_failure alert (RFC 8446 6.2) in
 * the record version it used; anything else gets an orderly close. */
static void tls_alert(struct server *s, struct conn *c)
{
	uint8_t hdr[3] = { 0 };
	ssize_t n = recv(c->it.fd, hdr, sizeof(hdr), MSG_PEEK);

	if (n == 3 && hdr[0] == 0x16 && hdr[1] == 3) {
		const uint8_t alert[] = { 0x15, 3, hdr[2] <= 3 ? hdr[2] : 1, 0, 2, 2, 40 };

		bos_buf_add(&c->out, alert, sizeof(alert));
		c->outcome = "tls_alert";
		c->state = CS_WRITE;
		return;
	}
	c->outcome = "closed_by_server";
	start_drain(s, c);
}

/* Returns false when the connection was closed. */
static bool conn_step(struct server *s, struct conn *c)
{
	struct inet_http_req req;
	uint8_t peek[8], junk[4096];
	enum bos_parse pr;
	ssize_t n;

	for (;;) {
		switch (c->state) {
		case CS_SNIFF:
			n = recv(c->it.fd, peek, 1, MSG_PEEK);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				return true;
			if (n <= 0) {
				c->outcome = c->outcome ? c->outcome : "closed";
				conn_close(s, c);
				return false;
			}
			if (c->host && c->host->svc == BOS_PROFILE_SVC_TLS_ALERT) {
				tls_alert(s, c);
				break;
			}
			if (peek[0] == 0x16) {
				c->ssl = inet_tls_accept(s->tls, c->it.fd);
				if (!c->ssl) {
					c->outcome = "tls_error";
					conn_close(s, c);
					return false;
				}
				c->outcome = "tls_handshake";
				c->state = CS_HANDSHAKE;
			} else {
				c->state = CS_READ;
			}
			break;
		case CS_HANDSHAKE: {
			int r = SSL_accept(c->ssl);

			if (r == 1) {
				c->outcome = "tls";
				c->state = CS_READ;
				break;
			}
			r = SSL_get_error(c->ssl, r);
			if (r == SSL_ERROR_WANT_READ) {
				conn_watch(s, c, EPOLLIN);
				return true;
			}
			if (r == SSL_ERROR_WANT_WRITE) {
				conn_watch(s, c, EPOLLOUT);
				return true;
			}
			ERR_clear_error();
			c->outcome = "tls_failed";
			conn_close(s, c);
			return false;
		}
		case CS_READ:
			n = conn_read(c, c->in + c->in_len, BOS_INET_MAX_REQUEST - c->in_len);
			if (n == -1 && c->in_len < BOS_INET_MAX_REQUEST) {
				conn_watch(s, c, EPOLLIN);
				return true;
			}
			if (n == 0 || n == -2) {
				conn_close(s, c);
				return false;
			}
			if (n > 0) {
				c->in_len += (size_t)n;
				c->bytes_in += (uint64_t)n;
				c->deadline_ns = bos_clock_now_ns() + s->idle_ns;
			}
			pr = inet_http_parse(c->in, c->in_len, &req);
			if (pr == BOS_PARSE_OK && req.content_length > 0) {
				/* Read the body first, as a server would; what came with the
				 * head counts. Bounded by the idle timeout, not by a size. */
				uint64_t have = c->in_len - req.head_len;

				c->req = req;
				c->body_bytes = have < (uint64_t)req.content_length ?
							have : (uint64_t)req.content_length;
				c->body_left = (uint64_t)req.content_length - c->body_bytes;
				c->in_len = 0;
				c->state = CS_BODY;
				if (!c->body_left)
					answer_http(s, c, &c->req);
			} else if (pr == BOS_PARSE_OK ||
				   (req.looks_http && c->in_len == BOS_INET_MAX_REQUEST)) {
				answer_http(s, c, &req);
			} else if (pr == BOS_PARSE_MALFORMED) {
				/* Not HTTP: echo what came, and whatever comes next. */
				c->outcome = c->ssl ? "tls_raw" : "raw";
				bos_buf_add(&c->out, c->in, c->in_len);
				c->in_len = 0;
				c->state = CS_RAW;
			}
			break;
		case CS_BODY:
			n = conn_read(c, junk, sizeof(junk));
			if (n == -1) {
				conn_watch(s, c, EPOLLIN);
				return true;
			}
			if (n <= 0) {
				c->outcome = "http_body_cut";	/* the client gave up */
				conn_close(s, c);
				return false;
			}
			c->bytes_in += (uint64_t)n;
			c->deadline_ns = bos_clock_now_ns() + s->idle_ns;
			if ((uint64_t)n >= c->body_left) {
				c->body_bytes += c->body_left;
				c->body_left = 0;
				answer_http(s, c, &c->req);
			} else {
				c->body_bytes += (uint64_t)n;
				c->body_left -= (uint64_t)n;
			}
			break;
		case CS_WRITE:
			if (!conn_flush(c)) {
				conn_watch(s, c, EPOLLOUT);
				return true;
			}
			start_drain(s, c);
			conn_watch(s, c, EPOLLIN);
			break;
		case CS_RAW:
			if (!conn_flush(c)) {
				conn_watch(s, c, EPOLLOUT);
				return true;
			}
			n = conn_read(c, junk, sizeof(junk));
			if (n == -1) {
				conn_watch(s, c, EPOLLIN);
				return true;
			}
			if (n <= 0) {
				conn_close(s, c);
				return false;
			}
			c->bytes_in += (uint64_t)n;
			c->deadline_ns = bos_clock_now_ns() + s->idle_ns;
			bos_buf_add(&c->out, junk, (size_t)n);
			break;
		case CS_DRAIN:
			n = recv(c->it.fd, junk, sizeof(junk), 0);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				return true;
			if (n <= 0) {
				conn_close(s, c);
				return false;
			}
			c->bytes_in += (uint64_t)n;
			/* Still sending (an upload without Content-Length): keep draining. */
			if (bos_clock_now_ns() + DRAIN_NS < c->drain_until)
				c->deadline_ns = bos_clock_now_ns() + DRAIN_NS;
			break;
		case CS_DNS:
		default:
			if (!conn_flush(c)) {
				conn_watch(s, c, EPOLLOUT);
				return true;
			}
			n = conn_read(c, c->in + c->in_len, BOS_INET_MAX_REQUEST - c->in_len);
			if (n == -1) {
				conn_watch(s, c, EPOLLIN);
				return true;
			}
			if (n <= 0) {
				conn_close(s, c);
				return false;
			}
			c->in_len += (size_t)n;
			c->deadline_ns = bos_clock_now_ns() + s->idle_ns;
			dns_tcp_input(s, c);
			if (c->deadline_ns == 0) {
				conn_close(s, c);
				return false;
			}
			break;
		}
	}
}

static void sink_udp(struct server *s)
{
	uint8_t buf[2048];
	int burst;

	for (burst = 0; burst < 64; burst++) {
		struct sockaddr_in src, dst = { 0 };
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(struct sockaddr_in))];
		} ctl;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_name = &src, .msg_namelen = sizeof(src), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = ctl.buf,
				     .msg_controllen = sizeof(ctl.buf) };
		struct cmsghdr *cm;
		ssize_t n = recvmsg(s->sink_udp.fd, &mh, MSG_TRUNC);
		struct bos_buf b = BOS_BUF_INIT;
		struct bos_json j;

		if (n < 0)
			break;
		/* TPROXY keeps the destination the sample used; the kernel hands it back. */
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_ORIGDSTADDR &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(dst)))
				memcpy(&dst, CMSG_DATA(cm), sizeof(dst));
		ev_begin(&j, &b, "inet_udp");
		ev_addr(&j, "src", &src);
		if (dst.sin_family == AF_INET)
			ev_addr(&j, "dst", &dst);
		bos_json_kv_uint(&j, "bytes", (uint64_t)n);
		ev_end(s, &j, &b);
	}
}

/* --- C2 programs --- */

/* "${VAR}" -> getenv("VAR") ("" if unset). */
static char *expand(const char *in)
{
	struct bos_buf b = BOS_BUF_INIT;
	const char *p = in, *open, *close;

	while ((open = strstr(p, "${")) && (close = strchr(open + 2, '}'))) {
		char name[128];
		size_t n = (size_t)(close - open - 2);
		const char *v;

		bos_buf_add(&b, p, (size_t)(open - p));
		if (n < sizeof(name)) {
			memcpy(name, open + 2, n);
			name[n] = 0;
			v = getenv(name);
			if (v)
				bos_buf_addstr(&b, v);
		}
		p = close + 1;
	}
	bos_buf_addstr(&b, p);
	return bos_buf_detach(&b, NULL);
}

static void strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void ev_c2(struct server *s, const struct c2_proc *c, const char *what, int status)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;
	char a[64];
	size_t i;

	ev_begin(&j, &b, "inet_c2");
	bos_json_kv_str(&j, "event", what);
	bos_json_kv_int(&j, "pid", c->pid);
	bos_json_kv_str(&j, "address", bos_profile_addr_str(&c->host->net.addr, a, sizeof(a)));
	bos_json_kv_uint(&j, "profile_line", c->host->line);
	bos_json_key(&j, "argv");
	bos_json_arr_begin(&j);
	for (i = 0; c->host->c2.argv[i]; i++)
		bos_json_str(&j, c->host->c2.argv[i]);
	bos_json_arr_end(&j);
	if (!strcmp(what, "exit") || !strcmp(what, "killed")) {
		if (WIFEXITED(status))
			bos_json_kv_int(&j, "exit_code", WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			bos_json_kv_int(&j, "signal", WTERMSIG(status));
	}
	ev_end(s, &j, &b);
}

static int c2_start(struct server *s, const struct bos_profile_host *h, size_t idx,
		    struct bos_err *err)
{
	struct bos_buf path = BOS_BUF_INIT, tmp = BOS_BUF_INIT;
	char **argv = NULL, **envp = NULL;
	char *cwd = NULL, a[64];
	size_t n_argv = 0, n_env = 0, i;
	int out_fd = -1, err_fd = -1, ret = 0;
	pid_t pid;

	while (h->c2.argv[n_argv])
		n_argv++;
	while (h->c2.env && h->c2.env[n_env])
		n_env++;
	argv = calloc(n_argv + 1, sizeof(*argv));
	envp = calloc(n_env + 4, sizeof(*envp));
	if (!argv || !envp)
		BOS_BUG("out of memory");
	for (i = 0; i < n_argv; i++)
		argv[i] = expand(h->c2.argv[i]);
	if (argv[0][0] != '/' && strchr(argv[0], '/')) {
		bos_buf_addf(&tmp, "%s/%s", s->p->dir, argv[0]);
		free(argv[0]);
		argv[0] = bos_buf_detach(&tmp, NULL);
	}
	envp[0] = strdup("PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
	bos_buf_addf(&tmp, "BOS_C2_ADDR=%s", bos_profile_addr_str(&h->net.addr, a, sizeof(a)));
	envp[1] = bos_buf_detach(&tmp, NULL);
	bos_buf_addf(&tmp, "BOS_C2_PORT=%u", h->port_lo == h->port_hi ? h->port_lo : 0);
	envp[2] = bos_buf_detach(&tmp, NULL);
	for (i = 0; i < n_env; i++)
		envp[3 + i] = expand(h->c2.env[i]);
	cwd = h->c2.cwd ? expand(h->c2.cwd) : strdup(s->env->work_dir);

	bos_buf_addf(&path, "%s/c2-%zu.out", s->env->work_dir, idx);
	out_fd = open(path.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	bos_buf_reset(&path);
	bos_buf_addf(&path, "%s/c2-%zu.err", s->env->work_dir, idx);
	err_fd = open(path.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out_fd < 0 || err_fd < 0) {
		ret = bos_err_sys(err, "inet: c2 log %s", path.data);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = bos_err_sys(err, "inet: fork c2");
		goto out;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);	/* dup2 keeps fd 0 */
		sigset_t none;

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		if (chdir(cwd) < 0) {
			dprintf(2, "bos: c2: chdir %s: %s\n", cwd, strerror(errno));
			_exit(127);
		}
		execve(argv[0], argv, envp);
		dprintf(2, "bos: c2: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also here: no race with the kill at the end */
	s->c2[s->n_c2].pid = pid;
	s->c2[s->n_c2].host = h;
	ev_c2(s, &s->c2[s->n_c2], "start", 0);
	s->n_c2++;
out:
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);
	strv_free(argv);
	strv_free(envp);
	free(cwd);
	bos_buf_release(&path);
	bos_buf_release(&tmp);
	return ret;
}

static void c2_reap(struct server *s)
{
	size_t i;

	for (i = 0; i < s->n_c2; i++) {
		int status;

		if (s->c2[i].exited)
			continue;
		if (waitpid(s->c2[i].pid, &status, WNOHANG) == s->c2[i].pid) {
			s->c2[i].exited = true;
			ev_c2(s, &s->c2[i], "exit", status);
		}
	}
}

static void c2_stop_all(struct server *s)
{
	struct timespec tick = { 0, 20 * 1000000 };
	size_t i;
	int round, status;

	for (i = 0; i < s->n_c2; i++)
		if (!s->c2[i].exited)
			kill(-s->c2[i].pid, SIGTERM);
	for (round = 0; round <= 50; round++) {
		bool left = false;

		for (i = 0; i < s->n_c2; i++) {
			if (s->c2[i].exited)
				continue;
			if (round == 50)
				kill(-s->c2[i].pid, SIGKILL);
			if (waitpid(s->c2[i].pid, &status, round == 50 ? 0 : WNOHANG) ==
			    s->c2[i].pid) {
				s->c2[i].exited = true;
				ev_c2(s, &s->c2[i], "killed", status);
			} else {
				left = true;
			}
		}
		if (!left)
			break;
		nanosleep(&tick, NULL);
	}
	/* Anything left in the groups (the program's own children) goes too. */
	for (i = 0; i < s->n_c2; i++)
		kill(-s->c2[i].pid, SIGKILL);
}

/* --- the loop --- */

static void expire(struct server *s)
{
	int64_t now = bos_clock_now_ns();
	size_t i = 0;

	while (i < s->n_conns) {
		struct conn *c = s->conns[i];

		if (c->deadline_ns > now) {
			i++;
			continue;
		}
		if (c->state == CS_SNIFF && !c->outcome)
			c->outcome = "held";	/* the client never spoke */
		else if (c->state == CS_BODY)
			c->outcome = "http_body_timeout";
		else if (c->state == CS_DRAIN || c->state == CS_WRITE)
			;			/* keep the outcome (http) */
		else if (!c->outcome)
			c->outcome = "idle";
		conn_close(s, c);		/* swaps the last one into slot i */
	}
}

int bos_inet_serve(const struct bos_profile *p, const struct bos_inet_env *env,
		   volatile sig_atomic_t *stop, struct bos_err *err)
{
	struct server *s = calloc(1, sizeof(*s));
	struct epoll_event evs[64];
	int ret = 0;
	size_t i;

	if (!s)
		BOS_BUG("out of memory");
	s->p = p;
	s->env = env;
	s->ep = -1;
	s->dns_udp.fd = s->dns_tcp.fd = s->sink_tcp.fd = s->sink_udp.fd = -1;
	s->idle_ns = (int64_t)(env->idle_timeout_s ? env->idle_timeout_s : 60) * NS_PER_S;
	s->not_found.status = 404;
	signal(SIGPIPE, SIG_IGN);
	if (!env->work_dir) {
		ret = bos_err_set(err, -BOS_EUSAGE, "inet serve: no work directory");
		goto out;
	}
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0) {
		ret = bos_err_sys(err, "inet: epoll_create1");
		goto out;
	}
	ret = inet_tls_new(env->work_dir, &s->tls, err);
	if (!ret)
		ret = listen_on(s, &s->dns_udp, IT_DNS_UDP, SOCK_DGRAM, BOS_INET_DNS_ADDR,
				BOS_INET_DNS_PORT, err);
	if (!ret)
		ret = listen_on(s, &s->dns_tcp, IT_DNS_TCP_LISTEN, SOCK_STREAM, BOS_INET_DNS_ADDR,
				BOS_INET_DNS_PORT, err);
	if (!ret)
		ret = listen_on(s, &s->sink_tcp, IT_SINK_LISTEN, SOCK_STREAM, "0.0.0.0",
				env->sink_tcp_port ? env->sink_tcp_port : BOS_INET_SINK_TCP_PORT,
				err);
	if (!ret)
		ret = listen_on(s, &s->sink_udp, IT_SINK_UDP, SOCK_DGRAM, "0.0.0.0",
				env->sink_udp_port ? env->sink_udp_port : BOS_INET_SINK_UDP_PORT,
				err);
	for (i = 0; !ret && i < p->n_hosts; i++) {
		const struct bos_profile_host *h = &p->hosts[i];

		/* Port lists expand into several entries of one line: one program for them. */
		if (h->svc != BOS_PROFILE_SVC_C2 || (i && p->hosts[i - 1].line == h->line))
			continue;
		if (s->n_c2 == C2_MAX) {
			ev_error(s, "c2", "too many C2 programs; the rest are not started");
			break;
		}
		ret = c2_start(s, h, s->n_c2, err);
	}
	if (ret)
		goto out;

	while (!*stop) {
		int n = epoll_wait(s->ep, evs, (int)BOS_ARRAY_SIZE(evs), TICK_MS);
		int k;

		if (n < 0 && errno != EINTR) {
			ret = bos_err_sys(err, "inet: epoll_wait");
			break;
		}
		for (k = 0; k < n; k++) {
			struct item *it = evs[k].data.ptr;

			switch (it->type) {
			case IT_DNS_UDP:
				dns_udp(s);
				break;
			case IT_SINK_UDP:
				sink_udp(s);
				break;
			case IT_DNS_TCP_LISTEN:
			case IT_SINK_LISTEN:
				do_accept(s, it);
				break;
			case IT_CONN:
			default: {
				/* A conn closed earlier in this batch may be named again: look
				 * it up among the live ones before touching it. */
				size_t j;

				for (j = 0; j < s->n_conns; j++)
					if (&s->conns[j]->it == it)
						break;
				if (j < s->n_conns)
					conn_step(s, s->conns[j]);
				break;
			}
			}
		}
		expire(s);
		c2_reap(s);
	}
out:
	c2_stop_all(s);
	while (s->n_conns) {
		if (s->conns[0]->state == CS_SNIFF && !s->conns[0]->outcome)
			s->conns[0]->outcome = "held";	/* open till the end, never spoke */
		conn_close(s, s->conns[0]);
	}
	if (s->conns_refused) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%llu connections over the cap of %d were closed",
			 (unsigned long long)s->conns_refused, BOS_INET_MAX_CONNS);
		ev_error(s, "conns", msg);
	}
	if (s->dns_udp.fd >= 0)
		close(s->dns_udp.fd);
	if (s->dns_tcp.fd >= 0)
		close(s->dns_tcp.fd);
	if (s->sink_tcp.fd >= 0)
		close(s->sink_tcp.fd);
	if (s->sink_udp.fd >= 0)
		close(s->sink_udp.fd);
	if (s->ep >= 0)
		close(s->ep);
	inet_tls_free(s->tls);
	free(s);
	return ret;
}
