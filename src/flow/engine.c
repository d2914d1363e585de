/*
 * The network engine: captures -> frames -> packets -> connections -> logs (bos/net.h).
 *
 * Per packet: decode (capture), find or create the connection (table.c; a TCP SYN on a
 * finished tuple starts a new one, as Zeek's IsReuse), update Zeek state (conn.c),
 * reassemble TCP payload per direction (reasm.c) and hand the in-order bytes to the
 * dissector picked for the flow (proto: by port, then by the first client bytes). DNS over
 * UDP is parsed per datagram. Records are written as they complete: dns/http as each
 * transaction ends, conn and tls when the connection expires (Zeek's timers on capture
 * time, see bos_conn_expiry) or at the end of input.
 *
 * Output is JSON Lines through bos_json; each file has one bos_buf flushed every 256 KiB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "bos/capture.h"
#include "bos/dns.h"
#include "bos/http.h"
#include "bos/json.h"
#include "bos/limits.h"
#include "bos/net.h"
#include "bos/pkt.h"
#include "bos/tls.h"
#include "flow_int.h"

enum out_file { OUT_CONN, OUT_DNS, OUT_HTTP, OUT_TLS, OUT__COUNT };

static const char *const out_names[OUT__COUNT] = {"conn.jsonl", "dns.jsonl", "http.jsonl",
						  "tls.jsonl"};

struct engine {
	const struct bos_net_opts *opts;
	struct bos_net_stats *st;
	struct flow_table ft;
	uint8_t seed[16];
	uint64_t flow_seq;
	FILE *out[OUT__COUNT];
	struct bos_buf buf[OUT__COUNT];
	int write_err;
	int64_t now;
	const char *const *captures;
	size_t cur_capture;
	/* TLS connection state of finished flows, reset, for the next TLS flows: making one
	 * (~4 KB, calloc'ed) per TLS flow was a visible part of the per-flow cost. At most
	 * 32 spares (128 KB), whatever the input. */
	struct bos_tls_conn *tls_spare[32];
	size_t n_tls_spare;
	/* Earliest timer among the heads of the expiry lists, so that a packet with
	 * nothing to expire costs one comparison instead of four bos_conn_expiry calls.
	 * Valid only while !expiry_stale: anything that may change which flow heads a
	 * list, or the connection state of a head, marks it stale (flow_finish, and
	 * on_packet when the packet's flow is or becomes a head). */
	int64_t next_expiry;
	bool expiry_stale;
	/* Live flows in the order they were created, which is the order of their first
	 * packet (capture, frame): finish_all's order, kept as flows come and go (two
	 * pointer updates each) instead of sorting what is left at the end. */
	struct flow *first_made, *last_made;
	/* The "capture" field of conn records, for the capture last written: its file name,
	 * and whether that is plain text (BOS_JSON_KV_PLAIN), checked once instead of being
	 * scanned for escaping on every record. */
	const char *name;
	size_t name_capture;
	bool name_plain;
};

static struct bos_tls_conn *tls_get(struct engine *e)
{
	if (e->n_tls_spare)
		return e->tls_spare[--e->n_tls_spare];
	return bos_tls_conn_new();
}

static void tls_put(struct engine *e, struct bos_tls_conn *c)
{
	if (!c)
		return;
	if (e->n_tls_spare == BOS_ARRAY_SIZE(e->tls_spare)) {
		bos_tls_conn_free(c);
		return;
	}
	bos_tls_conn_reset(c);
	e->tls_spare[e->n_tls_spare++] = c;
}

/* ---- output ---- */

static void out_flush(struct engine *e, enum out_file o)
{
	struct bos_buf *b = &e->buf[o];

	if (b->len && fwrite(b->data, 1, b->len, e->out[o]) != b->len && !e->write_err)
		e->write_err = errno ? errno : EIO;
	bos_buf_reset(b);
}

static void out_line_done(struct engine *e, enum out_file o)
{
	bos_buf_addch(&e->buf[o], '\n');
	if (e->buf[o].len >= (256u << 10))
		out_flush(e, o);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void write_id(struct engine *e, struct bos_json *j, const struct flow *f)
{
	const struct bos_conn *c = &f->c;
	char a[64];

	BOS_JSON_KEY(j, "ts");
	bos_json_epoch(j, c->start_ns);
	BOS_JSON_KV_PLAIN(j, "uid", f->uid);
	BOS_JSON_KV_PLAIN(j, "id.orig_h", bos_pkt_addr_str(a, sizeof(a), c->orig_h, c->v6));
	BOS_JSON_KV_UINT(j, "id.orig_p", c->orig_p);
	BOS_JSON_KV_PLAIN(j, "id.resp_h", bos_pkt_addr_str(a, sizeof(a), c->resp_h, c->v6));
	BOS_JSON_KV_UINT(j, "id.resp_p", c->resp_p);
	(void)e;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
	case 58:
		return "icmp";
	default:
		return "unknown_transport";
	}
}

static void write_capture_name(struct engine *e, struct bos_json *j, size_t capture)
{
	if (!e->name || e->name_capture != capture) {
		e->name = base_name(e->captures[capture]);
		e->name_capture = capture;
		e->name_plain = bos_json_is_plain(e->name, strlen(e->name));
	}
	if (e->name_plain)
		BOS_JSON_KV_PLAIN(j, "capture", e->name);
	else
		BOS_JSON_KV_STR(j, "capture", e->name);
}

static void write_conn(struct engine *e, struct flow *f)
{
	/* Zeek joins the service set sorted; bos has at most these three. Index: dns 1,
	 * http 2, ssl 4. */
	static const char *const services[8] = {
		"", "dns", "http", "dns,http", "ssl", "dns,ssl", "http,ssl", "dns,http,ssl",
	};
	const struct bos_conn *c = &f->c;
	struct bos_json j;
	char cid[BOS_COMMUNITY_ID_LEN];
	unsigned svc = (unsigned)f->svc_dns | (unsigned)f->svc_http << 1 | (unsigned)f->svc_tls << 2;
	int64_t dur = c->last_ns - c->start_ns;

	bos_json_init(&j, &e->buf[OUT_CONN], 0);
	bos_json_obj_begin(&j);
	write_id(e, &j, f);
	BOS_JSON_KV_PLAIN(&j, "proto", proto_name(c->proto));
	if (svc)
		BOS_JSON_KV_PLAIN(&j, "service", services[svc]);
	if (dur > 0) { /* Zeek: duration and byte counts only when duration > 0 */
		BOS_JSON_KEY(&j, "duration");
		bos_json_seconds_ns(&j, dur);
		BOS_JSON_KV_UINT(&j, "orig_bytes", bos_conn_bytes(c, true));
		BOS_JSON_KV_UINT(&j, "resp_bytes", bos_conn_bytes(c, false));
	}
	BOS_JSON_KV_PLAIN(&j, "conn_state", bos_conn_state(c));
	BOS_JSON_KV_UINT(&j, "missed_bytes", c->missed_bytes);
	if (c->hist_len)
		BOS_JSON_KV_PLAIN(&j, "history", c->history);
	BOS_JSON_KV_UINT(&j, "orig_pkts", c->orig_pkts);
	BOS_JSON_KV_UINT(&j, "orig_ip_bytes", c->orig_ip_bytes);
	BOS_JSON_KV_UINT(&j, "resp_pkts", c->resp_pkts);
	BOS_JSON_KV_UINT(&j, "resp_ip_bytes", c->resp_ip_bytes);
	BOS_JSON_KV_UINT(&j, "ip_proto", c->proto);
	if (c->proto == 1 || c->proto == 58) {
		/* conn ports are already (type, counterpart-or-code); give the hash the
		 * (type, code) it maps itself: code is the port for one-way types, and any
		 * code maps to the same counterpart for paired ones. */
		uint16_t sp, dp;
		bool one_way;

		bos_icmp_ports(c->proto == 58, (uint8_t)c->orig_p, 0, &sp, &dp, &one_way);
		bos_community_id_v1(cid, 0, c->orig_h, c->resp_h, c->v6, c->proto, c->orig_p,
				    one_way ? c->resp_p : 0);
	} else {
		bos_community_id_v1(cid, 0, c->orig_h, c->resp_h, c->v6, c->proto, c->orig_p,
				    c->resp_p);
	}
	BOS_JSON_KV_PLAIN(&j, "community_id", cid);
	write_capture_name(e, &j, f->capture);
	BOS_JSON_KV_UINT(&j, "first_pkt", f->first_rec);
	bos_json_obj_end(&j);
	out_line_done(e, OUT_CONN);
	e->st->conn_records++;
}

/* ---- application layer callbacks ---- */

static void on_dns(void *ctx, const struct bos_dns_txn *tx)
{
	struct flow *f = ctx;
	struct engine *e = f->eng;
	struct bos_json j;

	bos_json_init(&j, &e->buf[OUT_DNS], 0);
	bos_json_obj_begin(&j);
	BOS_JSON_KEY(&j, "ts");
	bos_json_epoch(&j, tx->query ? tx->query_ts_ns : tx->resp_ts_ns);
	BOS_JSON_KV_PLAIN(&j, "uid", f->uid);
	{
		char a[64];
		const struct bos_conn *c = &f->c;

		BOS_JSON_KV_PLAIN(&j, "id.orig_h",
				  bos_pkt_addr_str(a, sizeof(a), c->orig_h, c->v6));
		BOS_JSON_KV_UINT(&j, "id.orig_p", c->orig_p);
		BOS_JSON_KV_PLAIN(&j, "id.resp_h",
				  bos_pkt_addr_str(a, sizeof(a), c->resp_h, c->v6));
		BOS_JSON_KV_UINT(&j, "id.resp_p", c->resp_p);
		BOS_JSON_KV_PLAIN(&j, "proto", proto_name(c->proto));
	}
	bos_dns_write_json(tx, &j);
	bos_json_obj_end(&j);
	out_line_done(e, OUT_DNS);
	e->st->dns_records++;
	f->svc_dns = true;
}

static void on_http(void *ctx, const struct bos_http_txn *t)
{
	struct flow *f = ctx;
	struct engine *e = f->eng;
	struct bos_json j;

	if (t->method.len || t->status_code)
		f->svc_http = true;
	bos_json_init(&j, &e->buf[OUT_HTTP], 0);
	bos_json_obj_begin(&j);
	write_id(e, &j, f);
	bos_http_write_json(t, &j);
	bos_json_obj_end(&j);
	out_line_done(e, OUT_HTTP);
	e->st->http_records++;
}

static void write_tls(struct engine *e, struct flow *f)
{
	const struct bos_tls_info *info;
	struct bos_json j;

	if (!f->tls)
		return;
	info = bos_tls_conn_info(f->tls);
	if (!info->client_hello_seen && !info->server_hello_seen)
		return;
	bos_json_init(&j, &e->buf[OUT_TLS], 0);
	bos_json_obj_begin(&j);
	write_id(e, &j, f);
	bos_tls_write_json(info, &j);
	bos_json_obj_end(&j);
	out_line_done(e, OUT_TLS);
	e->st->tls_records++;
}

/* Bytes inside a CONNECT tunnel (after the proxy's 2xx): usually TLS, so the TLS dissector
 * gets them and the tls record carries the SNI the client asked the proxy to reach. */
static void on_tunnel(void *ctx, enum bos_dir dir, const uint8_t *p, size_t len)
{
	struct flow *f = ctx;

	if (!f->tls)
		f->tls = tls_get(f->eng);
	if (f->tls) {
		bos_tls_conn_feed(f->tls, dir, p, len);
		if (bos_tls_conn_info(f->tls)->client_hello_seen)
			f->svc_tls = true;
	}
}

static void app_pick(struct flow *f, bool from_orig, const uint8_t *p, size_t len)
{
	const struct bos_conn *c = &f->c;
	static const struct bos_http_cb http_cb = {.txn = on_http, .tunnel_data = on_tunnel};

	f->app_decided = true;
	if (from_orig)
		f->app = bos_proto_pick(c->proto, c->orig_p, c->resp_p, p, len);
	else
		f->app = bos_proto_by_port(c->proto, c->orig_p, c->resp_p);
	switch (f->app) {
	case BOS_PROTO_DNS:
		f->dns = bos_dns_tracker_new(on_dns, f);
		break;
	case BOS_PROTO_HTTP:
		if (c->proto == 6)
			f->http = bos_http_conn_new(&http_cb, f);
		break;
	case BOS_PROTO_TLS:
		if (c->proto == 6)
			f->tls = tls_get(f->eng);
		break;
	case BOS_PROTO_NONE:
	default:
		break;
	}
}

static void dns_msg(struct flow *f, const uint8_t *p, size_t len)
{
	struct bos_dns_msg m;
	enum bos_parse r = f->c.orig_p == 137 || f->c.resp_p == 137 ? /* NetBIOS NS (proto) */
			       bos_dns_parse_nbns(p, len, &m)
								    : bos_dns_parse(p, len, &m);

	if (r == BOS_PARSE_MALFORMED)
		f->eng->st->dns_malformed++;
	if (r == BOS_PARSE_OK || r == BOS_PARSE_TRUNCATED || m.n_qd > 0)
		bos_dns_tracker_add_take(f->dns, &m, f->eng->now);
	bos_dns_msg_release(&m);
}

/* In-order stream bytes (data NULL: a gap of len bytes) for one direction. */
static void stream_bytes(struct flow *f, int dir, const uint8_t *data, size_t len)
{
	enum bos_dir d = dir == 0 ? BOS_DIR_TO_SERVER : BOS_DIR_TO_CLIENT;

	if (!data) {
		bos_conn_gap(&f->c, dir == 0, len);
		f->eng->st->reasm_gap_bytes += len;
	}
	if (!f->app_decided) {
		if (!data)
			return;
		if (f->c.proto == 6 && !f->saw_syn) {
			/* Partial connection (capture started mid-stream): like Zeek, no
			 * application analysis, as a parser cannot know where it is. */
			f->app_decided = true;
			return;
		}
		app_pick(f, dir == 0, data, len);
	}
	if (f->app_dead)
		return;
	if (f->http) {
		if (data)
			bos_http_conn_feed(f->http, d, data, len);
		else
			bos_http_conn_gap(f->http, d, len);
	} else if (f->tls) {
		if (data)
			bos_tls_conn_feed(f->tls, d, data, len);
		else
			bos_tls_conn_gap(f->tls, d, len);
		if (bos_tls_conn_info(f->tls)->client_hello_seen)
			f->svc_tls = true;
	} else if (f->dns) {
		struct bos_buf *b = &f->dnsbuf[dir];
		size_t off = 0, msg_len, need;

		if (!data) { /* lost framing: stop this direction's DNS */
			bos_buf_release(b);
			f->app_dead = true;
			return;
		}
		bos_buf_add(b, data, len);
		while (bos_dns_tcp_split((const uint8_t *)b->data + off, b->len - off, &msg_len,
					 &need) == BOS_PARSE_OK) {
			dns_msg(f, (const uint8_t *)b->data + off + 2, msg_len);
			off += 2 + msg_len;
		}
		if (off) {
			memmove(b->data, b->data + off, b->len - off);
			bos_buf_setlen(b, b->len - off);
		}
		if (b->len > BOS_FLOW_MAX_APP_BUF) {
			f->eng->st->app_buf_cap_hits++;
			bos_buf_release(b);
			f->app_dead = true;
		}
	}
}

static void deliver_orig(void *ctx, const uint8_t *data, size_t len)
{
	stream_bytes(ctx, 0, data, len);
}

static void deliver_resp(void *ctx, const uint8_t *data, size_t len)
{
	stream_bytes(ctx, 1, data, len);
}

/* ---- flow lifecycle ---- */

/* Zeek-style uid: 'C' + 17 base62 digits of 96 bits, from SipHash of the flow's tuple,
 * start time and creation number under the run's seed (random, or fixed with
 * --deterministic: then the same input gives the same uids). */
static void make_uid(struct engine *e, struct flow *f)
{
	static const char b62[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	uint8_t in[16 + 16 + 8 + 8 + 4];
	const struct bos_conn *c = &f->c;
	uint64_t k1[2], k2[2], hi, lo;
	size_t n = 0;

	memcpy(k1, e->seed, 16);
	memcpy(k2, e->seed, 16);
	k2[0] ^= 0x5bd1e9955bd1e995ULL;
	memcpy(in, c->orig_h, 16);
	n += 16;
	memcpy(in + n, c->resp_h, 16);
	n += 16;
	memcpy(in + n, &c->start_ns, 8);
	n += 8;
	memcpy(in + n, &e->flow_seq, 8);
	n += 8;
	in[n++] = (uint8_t)(c->orig_p >> 8);
	in[n++] = (uint8_t)c->orig_p;
	in[n++] = (uint8_t)(c->resp_p >> 8);
	in[n++] = (uint8_t)c->resp_p;
	hi = ft_siphash(k1, in, n);
	lo = ft_siphash(k2, in, n) & 0xffffffffu;
	f->uid[0] = 'C';
	for (int i = 1; i <= 11; i++, hi /= 62)
		f->uid[i] = b62[hi % 62];
	for (int i = 12; i <= 17; i++, lo /= 62)
		f->uid[i] = b62[lo % 62];
	f->uid[18] = '\0';
}

static void made_append(struct engine *e, struct flow *f)
{
	f->cprev = e->last_made;
	f->cnext = NULL;
	if (e->last_made)
		e->last_made->cnext = f;
	else
		e->first_made = f;
	e->last_made = f;
}

static void made_unlink(struct engine *e, struct flow *f)
{
	if (f->cprev)
		f->cprev->cnext = f->cnext;
	else
		e->first_made = f->cnext;
	if (f->cnext)
		f->cnext->cprev = f->cprev;
	else
		e->last_made = f->cprev;
}

static void flow_finish(struct engine *e, struct flow *f)
{
	bos_reasm_flush(&f->rs[0], deliver_orig, f);
	bos_reasm_flush(&f->rs[1], deliver_resp, f);
	e->st->reasm_cap_hits += f->rs[0].cap_hits + f->rs[1].cap_hits;
	if (f->http) {
		const struct bos_http_stats *hs;

		bos_http_conn_finish(f->http);
		hs = bos_http_conn_stats(f->http);
		e->st->http_malformed += hs->malformed;
		e->st->http_cap_hits += hs->cap_hits;
	}
	if (f->dns) {
		bos_dns_tracker_finish(f->dns);
		e->st->dns_evicted += bos_dns_tracker_evicted(f->dns);
	}
	write_tls(e, f);
	write_conn(e, f);
	ft_remove(&e->ft, f);
	made_unlink(e, f);
	e->expiry_stale = true;
	bos_reasm_release(&f->rs[0]);
	bos_reasm_release(&f->rs[1]);
	bos_buf_release(&f->dnsbuf[0]);
	bos_buf_release(&f->dnsbuf[1]);
	bos_http_conn_free(f->http);
	tls_put(e, f->tls);
	bos_dns_tracker_free(f->dns);
	free(f);
}

static enum flow_list list_for(const struct bos_conn *c)
{
	if (c->proto != 6)
		return FL_UDP;
	if ((c->orig.state == BOS_TCP_SYN_SENT || c->orig.state == BOS_TCP_SYN_ACK_SENT) &&
	    c->resp.state == BOS_TCP_INACTIVE)
		return FL_ATTEMPT;
	if (c->orig.did_close || c->resp.did_close)
		return FL_CLOSING;
	return FL_TCP;
}

static bool is_list_head(const struct engine *e, const struct flow *f)
{
	return f->list != FL__COUNT && e->ft.head[f->list] == f;
}

static int64_t earliest_head_expiry(const struct engine *e)
{
	int64_t t = INT64_MAX;

	for (int l = 0; l < FL__COUNT; l++) {
		const struct flow *f = e->ft.head[l];

		if (f) {
			int64_t x = bos_conn_expiry(&f->c);

			if (x < t)
				t = x;
		}
	}
	return t;
}

/* Finish every flow whose timer ran out by capture time now. Only the heads are
 * looked at (as before the cache): the cache skips the loop exactly when it would
 * finish nothing, so the order of expired flows does not change. */
static void expire(struct engine *e, int64_t now)
{
	if (e->expiry_stale) {
		e->next_expiry = earliest_head_expiry(e);
		e->expiry_stale = false;
	}
	if (e->next_expiry >= now)
		return;
	for (int l = 0; l < FL__COUNT; l++) {
		struct flow *f;

		while ((f = e->ft.head[l]) && bos_conn_expiry(&f->c) < now)
			flow_finish(e, f);
	}
}

static struct flow *flow_new(struct engine *e, const struct bos_pkt *p, uint64_t h,
			     const struct bos_frame *fr)
{
	struct flow *f;

	if (e->ft.live >= e->ft.max) {
		/* Cap: end early the flow that loses least: one already closed and only
		 * lingering, else the oldest unanswered attempt, else the idlest UDP/ICMP
		 * flow, and only then the idlest open TCP connection. */
		static const enum flow_list order[] = {FL_CLOSING, FL_ATTEMPT, FL_UDP, FL_TCP};

		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			if (e->ft.head[order[i]]) {
				flow_finish(e, e->ft.head[order[i]]);
				e->st->flows_evicted_cap++;
				break;
			}
		}
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->eng = e;
	f->hash = h;
	f->capture = e->cur_capture;
	f->first_rec = fr->frame;
	bos_conn_init(&f->c, p, fr->ts_ns, fr->frame);
	bos_reasm_init(&f->rs[0]);
	bos_reasm_init(&f->rs[1]);
	bos_buf_init(&f->dnsbuf[0]);
	bos_buf_init(&f->dnsbuf[1]);
	e->flow_seq++;
	make_uid(e, f);
	ft_insert(&e->ft, f);
	made_append(e, f);
	e->st->flows_created++;
	if (e->ft.live > e->st->flows_peak)
		e->st->flows_peak = e->ft.live;
	return f;
}

static void on_packet(struct engine *e, const struct bos_pkt *p, const struct bos_frame *fr)
{
	bool v6 = (p->flags & BOS_PKT_V6) != 0, is_orig = true;
	uint16_t sp = p->sport, dp = p->dport;
	struct bos_conn_seg seg;
	struct flow *f;
	uint64_t h;
	int dir;

	if (p->ip_proto == 1 || p->ip_proto == 58) {
		bool one_way;

		bos_icmp_ports(p->ip_proto == 58, p->icmp_type, p->icmp_code, &sp, &dp, &one_way);
	}
	h = ft_hash(&e->ft, p->src, sp, p->dst, dp, p->ip_proto, v6);
	f = ft_find(&e->ft, h, p->src, sp, p->dst, dp, p->ip_proto, v6, &is_orig);
	if (f && (bos_conn_expiry(&f->c) < fr->ts_ns || bos_conn_tcp_is_reuse(&f->c, p))) {
		flow_finish(e, f);
		f = NULL;
	}
	if (!f) {
		f = flow_new(e, p, h, fr);
		if (!f)
			return;
		is_orig = !f->c.flipped;
	}
	/* A head's timer is about to change: the cached earliest expiry with it. */
	if (is_list_head(e, f))
		e->expiry_stale = true;
	bos_conn_packet(&f->c, p, fr->ts_ns, is_orig, &seg);
	{
		/* Keep each expiry list ordered by the time its timer counts from: attempts
		 * by their first SYN, closed connections by their last counted packet. */
		enum flow_list l = list_for(&f->c);

		if (f->list != l ||
		    (l != FL_ATTEMPT && !(f->c.orig.did_close && f->c.resp.did_close)))
			ft_touch(&e->ft, f, l);
		/* Became a head (its list was empty): its timer is not in the cache yet.
		 * Leaving a head was caught above, before the packet changed the flow. */
		if (is_list_head(e, f))
			e->expiry_stale = true;
	}
	if (p->ip_proto == 17) {
		if (p->payload_len && !f->app_decided)
			app_pick(f, is_orig, p->payload, p->payload_len);
		if (f->dns && p->payload_len)
			dns_msg(f, p->payload, p->payload_len);
		return;
	}
	if (p->ip_proto != 6)
		return;
	dir = is_orig ? 0 : 1;
	if (p->tcp_flags & BOS_TCP_SYN) {
		f->saw_syn = true;
		bos_reasm_start(&f->rs[dir], seg.data_seq);
	}
	if (seg.deliver && p->payload_len) {
		/* Bytes past the capture (snaplen) are a gap, not payload. */
		bos_reasm_data(&f->rs[dir], seg.data_seq, p->payload, p->payload_len,
			       dir == 0 ? deliver_orig : deliver_resp, f);
	}
	if ((p->tcp_flags & BOS_TCP_FIN) && !(p->tcp_flags & BOS_TCP_RST))
		f->fin_end[dir] = seg.data_seq + p->payload_wire;
	if (seg.acked && !(p->tcp_flags & BOS_TCP_RST)) {
		uint64_t ack = seg.rel_ack;

		if (f->fin_end[!dir] && ack > f->fin_end[!dir])
			ack = f->fin_end[!dir];
		bos_reasm_ack(&f->rs[!dir], ack, dir == 0 ? deliver_resp : deliver_orig, f);
	}
}

/* ---- driver ---- */

static int open_outputs(struct engine *e, const char *outdir, struct bos_err *err)
{
	char path[4096];

	for (int o = 0; o < OUT__COUNT; o++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, out_names[o]);
		e->out[o] = fopen(path, "we");
		if (!e->out[o])
			return bos_err_sys(err, "create %s", path);
		bos_buf_init(&e->buf[o]);
	}
	return 0;
}

static void write_stats(struct engine *e, const char *outdir, const char *damage,
			struct bos_err *err)
{
	const struct bos_net_stats *st = e->st;
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;
	char path[4096];
	FILE *fp;

	bos_json_init(&j, &b, BOS_JSON_PRETTY);
	bos_json_obj_begin(&j);
	BOS_JSON_KV_STR(&j, "schema", "bos.net_stats.v1");
	BOS_JSON_KEY(&j, "captures");
	bos_json_arr_begin(&j);
	for (size_t i = 0; i < st->captures; i++)
		bos_json_str(&j, base_name(e->captures[i]));
	bos_json_arr_end(&j);
	BOS_JSON_KV_UINT(&j, "captures_damaged", st->captures_damaged);
	if (damage)
		BOS_JSON_KV_STR(&j, "damage", damage);
	BOS_JSON_KV_UINT(&j, "frames", st->frames);
	BOS_JSON_KV_UINT(&j, "frame_bytes", st->frame_bytes);
	BOS_JSON_KV_UINT(&j, "ip_packets", st->ip_packets);
	BOS_JSON_KV_UINT(&j, "tcp_packets", st->tcp_packets);
	BOS_JSON_KV_UINT(&j, "udp_packets", st->udp_packets);
	BOS_JSON_KV_UINT(&j, "icmp_packets", st->icmp_packets);
	BOS_JSON_KEY(&j, "skipped");
	bos_json_obj_begin(&j);
	for (int s = 1; s < BOS_SKIP__COUNT; s++)
		bos_json_kv_uint(&j, bos_pkt_skip_name((enum bos_pkt_skip)s), st->skipped[s]);
	bos_json_obj_end(&j);
	BOS_JSON_KV_UINT(&j, "ts_backwards", st->ts_backwards);
	BOS_JSON_KEY(&j, "flows");
	bos_json_obj_begin(&j);
	BOS_JSON_KV_UINT(&j, "created", st->flows_created);
	BOS_JSON_KV_UINT(&j, "peak_live", st->flows_peak);
	BOS_JSON_KV_UINT(&j, "max_live", e->ft.max);
	BOS_JSON_KV_UINT(&j, "evicted_cap", st->flows_evicted_cap);
	bos_json_obj_end(&j);
	BOS_JSON_KEY(&j, "records");
	bos_json_obj_begin(&j);
	BOS_JSON_KV_UINT(&j, "conn", st->conn_records);
	BOS_JSON_KV_UINT(&j, "dns", st->dns_records);
	BOS_JSON_KV_UINT(&j, "http", st->http_records);
	BOS_JSON_KV_UINT(&j, "tls", st->tls_records);
	bos_json_obj_end(&j);
	BOS_JSON_KEY(&j, "reassembly");
	bos_json_obj_begin(&j);
	BOS_JSON_KV_UINT(&j, "gap_bytes", st->reasm_gap_bytes);
	BOS_JSON_KV_UINT(&j, "ooo_cap_hits", st->reasm_cap_hits);
	BOS_JSON_KV_UINT(&j, "app_buf_cap_hits", st->app_buf_cap_hits);
	bos_json_obj_end(&j);
	BOS_JSON_KEY(&j, "anomalies");
	bos_json_obj_begin(&j);
	BOS_JSON_KV_UINT(&j, "dns_malformed", st->dns_malformed);
	BOS_JSON_KV_UINT(&j, "dns_unanswered_evicted", st->dns_evicted);
	BOS_JSON_KV_UINT(&j, "http_malformed", st->http_malformed);
	BOS_JSON_KV_UINT(&j, "http_cap_hits", st->http_cap_hits);
	bos_json_obj_end(&j);
	bos_json_obj_end(&j);
	bos_buf_addch(&b, '\n');
	snprintf(path, sizeof(path), "%s/net_stats.json", outdir);
	fp = fopen(path, "we");
	if (!fp || fwrite(b.data, 1, b.len, fp) != b.len) {
		if (!e->write_err)
			bos_err_sys(err, "write %s", path);
		e->write_err = EIO;
	}
	if (fp && fclose(fp) != 0 && !e->write_err) {
		bos_err_sys(err, "close %s", path);
		e->write_err = EIO;
	}
	bos_buf_release(&b);
}

static int run_capture(struct engine *e, const char *path, struct bos_err *err,
		       struct bos_err *damage)
{
	struct bos_capture *cap = NULL;
	struct bos_frame fr;
	struct bos_pkt pkt;
	struct stat sb;
	uint64_t total = 0, next_progress = 4u << 20;
	int r;

	r = bos_capture_open(&cap, path, err);
	if (r < 0) {
		if (r == -BOS_EINPUT) { /* bad header: a damaged capture, not a failure */
			*damage = *err;
			err->code = 0;
			err->msg[0] = '\0';
			e->st->captures_damaged++;
			return 0;
		}
		return r;
	}
	if (stat(path, &sb) == 0)
		total = (uint64_t)sb.st_size;
	while ((r = bos_capture_next(cap, &fr, damage)) > 0) {
		enum bos_parse pr;

		e->st->frames++;
		e->st->frame_bytes += fr.caplen;
		if (fr.ts_ns < e->now)
			e->st->ts_backwards++;
		else
			e->now = fr.ts_ns;
		expire(e, fr.ts_ns);
		pr = bos_pkt_decode(&pkt, fr.linktype, fr.data, fr.caplen);
		if (pkt.skip != BOS_SKIP_NONE || !(pkt.flags & BOS_PKT_HAS_L4)) {
			e->st->skipped[pkt.skip]++;
			if (pkt.skip != BOS_SKIP_NOT_IP && pkt.skip != BOS_SKIP_LINKTYPE &&
			    pkt.skip != BOS_SKIP_TRUNC_L2)
				e->st->ip_packets++;
			(void)pr;
			continue;
		}
		e->st->ip_packets++;
		if (pkt.ip_proto == 6)
			e->st->tcp_packets++;
		else if (pkt.ip_proto == 17)
			e->st->udp_packets++;
		else
			e->st->icmp_packets++;
		on_packet(e, &pkt, &fr);
		if (e->opts->progress && bos_capture_offset(cap) >= next_progress) {
			e->opts->progress(e->opts->progress_ctx, e->cur_capture,
					  bos_capture_offset(cap), total);
			next_progress = bos_capture_offset(cap) + (4u << 20);
		}
	}
	if (r < 0) {
		e->st->captures_damaged++;
		if (r != -BOS_EINPUT) {
			*err = *damage;
			bos_capture_free(cap);
			return r;
		}
	}
	if (e->opts->progress)
		e->opts->progress(e->opts->progress_ctx, e->cur_capture, total, total);
	bos_capture_free(cap);
	return 0;
}

/* End of input: finish the remaining flows in the order they began. */
static void finish_all(struct engine *e)
{
	while (e->first_made)
		flow_finish(e, e->first_made);
}

int bos_net_run(const struct bos_net_opts *opts, const char *const *captures, size_t n,
		const char *outdir, struct bos_net_stats *st, struct bos_err *err)
{
	static const struct bos_net_opts defaults = BOS_NET_OPTS_INIT;
	struct bos_err damage = BOS_ERR_INIT, first_damage = BOS_ERR_INIT;
	struct engine *e = calloc(1, sizeof(*e));
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (!e)
		return bos_err_set(err, -ENOMEM, "net engine");
	e->opts = opts ? opts : &defaults;
	e->st = st;
	e->captures = captures;
	e->now = INT64_MIN;
	e->expiry_stale = true;
	if (!e->opts->deterministic && getrandom(e->seed, sizeof(e->seed), 0) != sizeof(e->seed))
		memset(e->seed, 0x5a, sizeof(e->seed));
	if (ft_init(&e->ft, e->opts->max_flows ? e->opts->max_flows : BOS_FLOW_MAX_FLOWS, e->seed) <
	    0) {
		ret = bos_err_set(err, -ENOMEM, "flow table");
		goto out;
	}
	ret = open_outputs(e, outdir, err);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		e->cur_capture = i;
		st->captures++;
		damage = (struct bos_err)BOS_ERR_INIT;
		ret = run_capture(e, captures[i], err, &damage);
		if (ret < 0)
			break;
		if (damage.code && !first_damage.code)
			first_damage = damage;
	}
	finish_all(e);
	write_stats(e, outdir, first_damage.code ? first_damage.msg : NULL, err);
	for (int o = 0; o < OUT__COUNT; o++) {
		if (!e->out[o])
			continue;
		out_flush(e, (enum out_file)o);
		if (fclose(e->out[o]) != 0 && !e->write_err)
			e->write_err = errno;
		e->out[o] = NULL;
	}
	if (ret == 0 && e->write_err) {
		errno = e->write_err;
		ret = bos_err_sys(err, "write to %s", outdir);
	}
	if (ret == 0 && first_damage.code) {
		*err = first_damage;
		ret = first_damage.code;
	}
out:
	for (int o = 0; o < OUT__COUNT; o++) {
		if (e->out[o])
			fclose(e->out[o]);
		bos_buf_release(&e->buf[o]);
	}
	ft_release(&e->ft);
	while (e->n_tls_spare)
		bos_tls_conn_free(e->tls_spare[--e->n_tls_spare]);
	free(e);
	return ret;
}
