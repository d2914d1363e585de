/*
 * Zeek's connection semantics, re-implemented from Zeek's documented behaviour and its
 * TCP analyzer (src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc, TCP_Endpoint.cc,
 * base/protocols/conn/main.zeek at zeek/zeek a13de64), so that conn_state and history read
 * exactly as analysts know them:
 *
 *  - each TCP endpoint walks INACTIVE -> SYN_SENT/SYN_ACK_SENT/PARTIAL -> ESTABLISHED ->
 *    CLOSED/RESET; conn_state is a function of the two endpoint states (bos_conn_state);
 *  - history letters: S H A D F R (upper = originator), recorded once per direction except
 *    S/H/F/R, which repeat when their sequence number differs from the last of that kind;
 *    T (retransmission), W (zero window), G (gap) are logarithmic: 1st, 10th, 100th...;
 *    I (FIN+RST), Q (SYN+FIN/SYN+RST) once; ^ when the roles were flipped;
 *  - payload bytes come from sequence numbers (highest seq or ack seen minus the initial
 *    sequence number, less SYN and FIN), so retransmissions do not count twice and data
 *    missing from the capture does.
 * Checksums are not verified (no C history letter): bos reads captures as Zeek's -C does.
 */
#include <string.h>

#include "bos/flow.h"

#define TOO_LARGE_SEQ_DELTA 1048576

enum hist_mask {
	H_SYN = 1u << 0,
	H_FIN = 1u << 1,
	H_RST = 1u << 2,
	H_FIN_RST = 1u << 3,
	H_DATA = 1u << 4,
	H_ACK = 1u << 5,
	H_MULTI = 1u << 6,
	H_UDP_ORIG = 1u << 7,
	H_UDP_RESP = 1u << 8,
};

static const uint16_t tcp_server_ports[] = {
    21,	  22,	23,   25,   53,	  80,	81,   88,   110,  135,	139,  143,  389,  443,	445,   502,
    563,  585,	587,  614,  631,  636,	989,  990,  992,  993,	995,  1080, 1883, 2811, 3128,  3268,
    3306, 3389, 5222, 5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
};
static const uint16_t udp_server_ports[] = {
    53,	  67,	68,   88,   123,  137,	161,  162,  389,  443,	514,
    1812, 2123, 2152, 3544, 4789, 5060, 5072, 5353, 5355, 6081,
};

bool bos_conn_likely_server_port(uint8_t proto, uint16_t port)
{
	const uint16_t *v = proto == 6 ? tcp_server_ports : udp_server_ports;
	size_t n = proto == 6 ? sizeof(tcp_server_ports) / sizeof(*v)
			      : sizeof(udp_server_ports) / sizeof(*v);

	if (proto != 6 && proto != 17)
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i] == port)
			return true;
	return false;
}

static int32_t seq_delta(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static uint64_t full_seq(uint32_t seq, uint32_t wraps)
{
	return (uint64_t)wraps << 32 | seq;
}

/* ---- history ---- */

static void add_history(struct bos_conn *c, char code)
{
	if (c->hist_len < BOS_FLOW_MAX_HISTORY) {
		c->history[c->hist_len++] = code;
		c->history[c->hist_len] = '\0';
	}
}

static char lower(char code)
{
	return code >= 'A' && code <= 'Z' ? (char)(code + ('a' - 'A')) : code;
}

/* Record code once per direction; returns true if it had been seen already. */
static bool check_history(struct bos_conn *c, bool is_orig, uint32_t mask, char code)
{
	if (!is_orig) {
		mask <<= 16;
		code = lower(code);
	}
	if (c->hist_seen & mask)
		return true;
	c->hist_seen |= mask;
	add_history(c, code);
	return false;
}

static void scaled_history(struct bos_conn *c, bool is_orig, char code, uint32_t *cnt,
			   uint32_t *thresh)
{
	if (*thresh == 0)
		*thresh = 1;
	if (++*cnt == *thresh) {
		add_history(c, is_orig ? code : lower(code));
		*thresh = *thresh > UINT32_MAX / 10 ? UINT32_MAX : *thresh * 10;
	}
}


/* ---- TCP endpoint bookkeeping (TCP_Endpoint) ---- */

static uint64_t endp_rel(const struct bos_tcp_endp *e, uint32_t seq, uint32_t wraps)
{
	return full_seq(seq, wraps) - e->start_seq;
}

static void endp_init_seqs(struct bos_tcp_endp *e, uint32_t start, uint32_t last)
{
	e->start_seq = start;
	e->ack_seq = start;
	e->last_seq = last;
}

static void set_state(struct bos_tcp_endp *e, enum bos_tcp_state s)
{
	if (s != e->state) {
		e->prev_state = e->state;
		e->state = s;
	}
}

static bool no_data_acked(const struct bos_tcp_endp *e)
{
	uint64_t ack = full_seq(e->ack_seq, e->ack_wraps);

	return ack == e->start_seq || ack == (uint64_t)e->start_seq + 1;
}

static uint64_t endp_size(const struct bos_tcp_endp *e, const struct bos_tcp_endp *peer)
{
	uint64_t last = full_seq(e->last_seq, e->seq_wraps);
	uint64_t ack = full_seq(e->ack_seq, e->ack_wraps);
	uint64_t size;

	if (e->prev_state == BOS_TCP_SYN_SENT && e->state == BOS_TCP_RESET &&
	    peer->state == BOS_TCP_INACTIVE && !no_data_acked(e))
		return 0;
	/* Unsigned wrap here mirrors Zeek's uint64 arithmetic on odd RST sequences. */
	size = (last > ack ? last : ack) - e->start_seq;
	if (size)
		size--;
	if (e->fin_cnt > 0 && size)
		size--;
	return size;
}

/* A position relative to the endpoint's start; underflow: it lies before the start. Returned
 * by value (two registers), not through a pointer: no local of tcp_packet has its address
 * taken, so the per-packet path needs no stack canary. Inline: it runs once or twice per
 * TCP packet, and the call cost more than its body. */
struct rel_seq {
	uint64_t pos;
	bool underflow;
};

static inline struct rel_seq relative_seq(const struct bos_tcp_endp *e, uint32_t cur, uint32_t last,
					  uint32_t wraps)
{
	int32_t delta = seq_delta(cur, last);

	if (delta < 0) {
		if (wraps && cur > last)
			wraps--;
	} else if (delta > 0) {
		if (cur < last)
			wraps++;
	}
	if (wraps == 0) {
		delta = seq_delta(cur, e->start_seq);
		return (struct rel_seq){(uint64_t)(int64_t)delta, delta < 0};
	}
	return (struct rel_seq){endp_rel(e, cur, wraps), false};
}

static void init_endpoint(struct bos_tcp_endp *e, uint8_t fl, uint32_t seq, uint32_t last)
{
	bool syn = fl & BOS_TCP_SYN;

	switch (e->state) {
	case BOS_TCP_INACTIVE:
		if (syn)
			endp_init_seqs(e, seq, last);
		else /* partial: number as if a SYN was seen */
			endp_init_seqs(e, seq - 1, seq);
		break;
	case BOS_TCP_SYN_SENT:
	case BOS_TCP_SYN_ACK_SENT:
		if (syn && seq != e->start_seq)
			endp_init_seqs(e, seq, last);
		break;
	case BOS_TCP_ESTABLISHED:
	case BOS_TCP_PARTIAL:
		if (syn)
			endp_init_seqs(e, seq, last);
		break;
	case BOS_TCP_RESET:
		if (syn && e->prev_state == BOS_TCP_INACTIVE)
			endp_init_seqs(e, seq, last);
		break;
	case BOS_TCP_CLOSED:
	default:
		break;
	}
}

static void update_history(struct bos_conn *c, bool is_orig, struct bos_tcp_endp *e, uint8_t fl,
			   uint64_t rel_seq, uint32_t len)
{
	/* How many of FIN (1), SYN (2), RST (4) are set: a table instead of three tests. */
	static const uint8_t n_set[8] = {0, 1, 1, 2, 1, 2, 2, 3};
	int bits = n_set[fl & (BOS_TCP_FIN | BOS_TCP_SYN | BOS_TCP_RST)];

	if (bits > 1) {
		if ((fl & BOS_TCP_FIN) && (fl & BOS_TCP_RST))
			check_history(c, is_orig, H_FIN_RST, 'I');
		else
			check_history(c, is_orig, H_MULTI, 'Q');
	} else if (bits == 1) {
		if (fl & BOS_TCP_SYN) {
			char code = (fl & BOS_TCP_ACK) ? 'H' : 'S';

			if (check_history(c, is_orig, H_SYN, code) && rel_seq != e->hist_last_syn)
				add_history(c, is_orig ? code : lower(code));
			e->hist_last_syn = rel_seq;
		}
		if (fl & BOS_TCP_FIN) {
			if (check_history(c, is_orig, H_FIN, 'F') &&
			    rel_seq + len != e->hist_last_fin)
				add_history(c, is_orig ? 'F' : 'f');
			e->hist_last_fin = rel_seq + len;
		}
		if (fl & BOS_TCP_RST) {
			if (check_history(c, is_orig, H_RST, 'R') && rel_seq != e->hist_last_rst)
				add_history(c, is_orig ? 'R' : 'r');
			e->hist_last_rst = rel_seq;
		}
	} else if (len) {
		check_history(c, is_orig, H_DATA, 'D');
	} else if (fl & BOS_TCP_ACK) {
		check_history(c, is_orig, H_ACK, 'A');
	}
}

static void flip(struct bos_conn *c)
{
	uint8_t h[16];
	uint16_t port;
	uint64_t n;
	struct bos_tcp_endp e;
	bool b;

	memcpy(h, c->orig_h, 16);
	memcpy(c->orig_h, c->resp_h, 16);
	memcpy(c->resp_h, h, 16);
	port = c->orig_p;
	c->orig_p = c->resp_p;
	c->resp_p = port;
	n = c->orig_pkts, c->orig_pkts = c->resp_pkts, c->resp_pkts = n;
	n = c->orig_ip_bytes, c->orig_ip_bytes = c->resp_ip_bytes, c->resp_ip_bytes = n;
	n = c->orig_size, c->orig_size = c->resp_size, c->resp_size = n;
	b = c->orig_active, c->orig_active = c->resp_active, c->resp_active = b;
	e = c->orig, c->orig = c->resp, c->resp = e;
	c->flipped = !c->flipped;
	add_history(c, '^');
}

/* Zeek's ConnectionClosed, reduced to what the log depends on. */
static void conn_closed(struct bos_tcp_endp *e)
{
	e->did_close = true;
}

/* UpdateStateMachine and its Update*State helpers. Returns true if is_orig flipped. */
static bool state_machine(struct bos_conn *c, struct bos_tcp_endp *e, struct bos_tcp_endp *peer,
			  bool is_orig, uint8_t fl, uint32_t seq, uint32_t len, bool *do_close)
{
	bool syn = fl & BOS_TCP_SYN, ack = fl & BOS_TCP_ACK, fin = fl & BOS_TCP_FIN;
	bool rst = fl & BOS_TCP_RST;
	bool flipped = false;

	*do_close = false;
	switch (e->state) {
	case BOS_TCP_INACTIVE:
		if (syn) {
			if (is_orig) {
				set_state(e, ack ? BOS_TCP_SYN_ACK_SENT : BOS_TCP_SYN_SENT);
			} else {
				if (!ack && peer->state == BOS_TCP_SYN_ACK_SENT &&
				    seq == e->start_seq) {
					/* SYN/SYN-ACK seen reversed: flip and establish. */
					set_state(peer, BOS_TCP_ESTABLISHED);
					flipped = true;
				}
				if (peer->state == BOS_TCP_SYN_SENT)
					set_state(peer, BOS_TCP_ESTABLISHED);
				set_state(e, BOS_TCP_ESTABLISHED);
			}
		}
		if (fin) {
			set_state(e, BOS_TCP_CLOSED);
			*do_close = true;
		}
		if (rst) {
			set_state(e, BOS_TCP_RESET);
			*do_close = true;
		}
		if (e->state == BOS_TCP_INACTIVE) {
			if (!is_orig && len == 0 && c->orig.state == BOS_TCP_SYN_SENT) {
				/* ACK of a SYN before the SYN-ACK: not a partial connection */
			} else if (ack && peer->state == BOS_TCP_ESTABLISHED) {
				set_state(e, BOS_TCP_ESTABLISHED);
			} else {
				set_state(e, BOS_TCP_PARTIAL);
			}
		}
		break;
	case BOS_TCP_SYN_SENT:
	case BOS_TCP_SYN_ACK_SENT:
		if (fin) {
			set_state(e, BOS_TCP_CLOSED);
			*do_close = true;
		}
		if (rst) {
			set_state(e, BOS_TCP_RESET);
			*do_close = true;
		}
		break;
	case BOS_TCP_ESTABLISHED:
	case BOS_TCP_PARTIAL:
		if (syn && e->state == BOS_TCP_PARTIAL && peer->state == BOS_TCP_INACTIVE && !ack)
			set_state(e, BOS_TCP_SYN_SENT);
		if (fin && !rst) {
			set_state(e, BOS_TCP_CLOSED);
			if (peer->state == BOS_TCP_RESET && peer->prev_state == BOS_TCP_CLOSED)
				set_state(peer, BOS_TCP_CLOSED); /* FIN then RST: normal */
			*do_close = true;
		}
		if (rst) {
			set_state(e, BOS_TCP_RESET);
			*do_close = true;
		}
		break;
	case BOS_TCP_CLOSED:
		if (rst && peer->state != BOS_TCP_CLOSED) {
			set_state(e, BOS_TCP_RESET);
			if (!e->did_close)
				*do_close = true;
		}
		break;
	case BOS_TCP_RESET:
	default:
		break;
	}
	return flipped;
}

static void tcp_packet(struct bos_conn *c, const struct bos_pkt *p, int64_t ts, bool is_orig,
		       struct bos_conn_seg *seg)
{
	struct bos_tcp_endp *e = is_orig ? &c->orig : &c->resp;
	struct bos_tcp_endp *peer = is_orig ? &c->resp : &c->orig;
	uint8_t fl = p->tcp_flags;
	uint32_t len = p->payload_wire;
	uint32_t seg_len = len, past;
	bool underflow, do_close;
	struct rel_seq r;
	uint64_t rel_seq, rel_ack = 0;
	int32_t delta_last;

	if (fl & BOS_TCP_SYN)
		seg_len++;
	if (fl & BOS_TCP_FIN)
		seg_len++;
	if (fl & BOS_TCP_RST)
		seg_len -= len;
	past = p->seq + seg_len;
	init_endpoint(e, fl, p->seq, past);
	r = relative_seq(e, p->seq, e->last_seq, e->seq_wraps);
	rel_seq = r.pos;
	underflow = r.underflow;
	update_history(c, is_orig, e, fl, rel_seq, len);
	/* Zero window: boring with or after a RST, or after the peer's FIN. */
	if (p->win == 0 && !(fl & BOS_TCP_RST) && peer->state != BOS_TCP_CLOSED &&
	    e->state != BOS_TCP_RESET)
		scaled_history(c, is_orig, 'W', &e->win0_cnt, &e->win0_thresh);
	if (!c->orig.did_close || !c->resp.did_close)
		c->last_ns = ts;
	if (fl & BOS_TCP_FIN)
		e->fin_cnt++;
	if (fl & BOS_TCP_ACK) {
		if (peer->state == BOS_TCP_INACTIVE) {
			rel_ack = 1;
			endp_init_seqs(peer, p->ack - 1, p->ack - 1);
		} else {
			struct rel_seq a =
			    relative_seq(peer, p->ack, peer->ack_seq, peer->ack_wraps);

			rel_ack = a.pos;
			if (a.underflow) {
				rel_ack = 0;
			} else if (!(fl & BOS_TCP_RST)) {
				int32_t d = seq_delta(p->ack, peer->ack_seq);

				if (p->ack == 0 && d > TOO_LARGE_SEQ_DELTA) {
					/* a broken ack, not a wrap onto 0 */
				} else if (d > 0) {
					if (p->ack < peer->ack_seq)
						peer->ack_wraps++;
					peer->ack_seq = p->ack;
				}
			}
		}
	}
	/* update_last_seq */
	delta_last = seq_delta(past, e->last_seq);
	if ((fl & (BOS_TCP_SYN | BOS_TCP_RST)) &&
	    (delta_last > TOO_LARGE_SEQ_DELTA || delta_last < -TOO_LARGE_SEQ_DELTA)) {
		/* do not trust far jumps on SYN/RST */
	} else if ((fl & BOS_TCP_FIN) && e->last_seq == e->start_seq + 1) {
		if (past < e->last_seq)
			e->seq_wraps++;
		e->last_seq = past;
	} else if (e->state == BOS_TCP_RESET) {
		/* no later sequence number is trusted */
	} else if (delta_last > 0) {
		if (past < e->last_seq)
			e->seq_wraps++;
		e->last_seq = past;
	} else if (len > 0) {
		scaled_history(c, is_orig, 'T', &e->rxmt_cnt, &e->rxmt_thresh);
	}
	if (state_machine(c, e, peer, is_orig, fl, p->seq, len, &do_close)) {
		flip(c);
		is_orig = !is_orig;
		e = is_orig ? &c->orig : &c->resp;
		peer = is_orig ? &c->resp : &c->orig;
	}
	if (do_close && !e->did_close)
		conn_closed(e);
	if (seg) {
		*seg = (struct bos_conn_seg){
		    .deliver = len > 0 && !(fl & BOS_TCP_RST) && !underflow,
		    .data_seq = (fl & BOS_TCP_SYN) ? rel_seq + 1 : rel_seq,
		    .acked = (fl & BOS_TCP_ACK) && rel_ack > 0,
		    .rel_ack = rel_ack,
		    .closed = (fl & (BOS_TCP_FIN | BOS_TCP_RST)) != 0,
		};
	}
}

void bos_conn_init(struct bos_conn *c, const struct bos_pkt *p, int64_t ts_ns, uint64_t pkt_num)
{
	size_t alen = (p->flags & BOS_PKT_V6) ? 16 : 4;
	bool do_flip = false;

	memset(c, 0, sizeof(*c));
	c->proto = p->ip_proto;
	c->v6 = (p->flags & BOS_PKT_V6) != 0;
	memcpy(c->orig_h, p->src, alen);
	memcpy(c->resp_h, p->dst, alen);
	c->start_ns = c->last_ns = ts_ns;
	c->first_pkt = pkt_num;
	if (c->proto == 1 || c->proto == 58) {
		bool one_way;

		bos_icmp_ports(c->v6, p->icmp_type, p->icmp_code, &c->orig_p, &c->resp_p, &one_way);
		return;
	}
	c->orig_p = p->sport;
	c->resp_p = p->dport;
	if (c->proto == 6) {
		uint8_t fl = p->tcp_flags;

		/* Started without a SYN, or with a SYN-ACK: guess the server by port. */
		if (!(fl & BOS_TCP_SYN) || (fl & BOS_TCP_ACK)) {
			if (bos_conn_likely_server_port(6, p->sport)) {
				if (bos_conn_likely_server_port(6, p->dport))
					do_flip = !(fl & BOS_TCP_SYN) && p->sport < p->dport;
				else
					do_flip = true;
			}
		}
	} else if (c->proto == 17) {
		do_flip = bos_conn_likely_server_port(17, p->sport) &&
			  !bos_conn_likely_server_port(17, p->dport);
	}
	if (do_flip)
		flip(c);
}

void bos_conn_packet(struct bos_conn *c, const struct bos_pkt *p, int64_t ts_ns, bool is_orig,
		     struct bos_conn_seg *seg)
{
	if (c->proto == 6) {
		tcp_packet(c, p, ts_ns, is_orig, seg); /* fills all of *seg */
	} else {
		if (seg)
			memset(seg, 0, sizeof(*seg));
		c->last_ns = ts_ns;
		if (is_orig) {
			c->orig_active = true;
			c->orig_size += p->payload_wire;
		} else {
			c->resp_active = true;
			c->resp_size += p->payload_wire;
		}
		if (c->proto == 17)
			check_history(c, true, is_orig ? H_UDP_ORIG : H_UDP_RESP,
				      is_orig ? 'D' : 'd');
	}
	/* ConnSize: every packet, IP total length. */
	if (is_orig) {
		c->orig_pkts++;
		c->orig_ip_bytes += p->ip_len;
	} else {
		c->resp_pkts++;
		c->resp_ip_bytes += p->ip_len;
	}
}

bool bos_conn_tcp_is_reuse(const struct bos_conn *c, const struct bos_pkt *p)
{
	const struct bos_tcp_endp *co = &c->orig;

	if (c->proto != 6 || !(p->tcp_flags & BOS_TCP_SYN))
		return false;
	if (p->tcp_flags & BOS_TCP_ACK) {
		if (c->orig.state != BOS_TCP_INACTIVE)
			return false;
		co = &c->resp;
	}
	if (!c->orig.did_close && !c->resp.did_close) {
		if (p->seq == co->start_seq)
			return false;
		if (!(p->tcp_flags & BOS_TCP_ACK) && co->state == BOS_TCP_SYN_ACK_SENT &&
		    c->resp.state == BOS_TCP_INACTIVE && p->seq == c->resp.start_seq)
			return false;
	}
	return true;
}

void bos_conn_gap(struct bos_conn *c, bool is_orig, uint64_t len)
{
	struct bos_tcp_endp *e = is_orig ? &c->orig : &c->resp;

	c->missed_bytes += len;
	if (c->proto == 6)
		scaled_history(c, is_orig, 'G', &e->gap_cnt, &e->gap_thresh);
}

const char *bos_conn_state(const struct bos_conn *c)
{
	enum bos_tcp_state os = c->orig.state, rs = c->resp.state;
	bool o_inactive = os == BOS_TCP_INACTIVE || os == BOS_TCP_PARTIAL;
	bool r_inactive = rs == BOS_TCP_INACTIVE || rs == BOS_TCP_PARTIAL;

	if (c->proto == 17) {
		if (c->orig_active)
			return c->resp_active ? "SF" : "S0";
		return c->resp_active ? "SHR" : "OTH";
	}
	if (c->proto != 6)
		return "OTH";
	if (rs == BOS_TCP_RESET) {
		if (os == BOS_TCP_SYN_SENT || os == BOS_TCP_SYN_ACK_SENT ||
		    (os == BOS_TCP_RESET && bos_conn_bytes(c, true) == 0 &&
		     bos_conn_bytes(c, false) == 0))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == BOS_TCP_RESET) {
		if (r_inactive) {
			/* /^\^?S[^HAFGIQ]*R/: a SYN, then nothing but more SYNs/data, then RST */
			const char *h = c->history;

			if (*h == '^')
				h++;
			if (*h == 'S') {
				for (h++; *h && !strchr("HAFGIQ", *h); h++)
					if (*h == 'R')
						return "RSTOS0";
			}
			return "OTH";
		}
		return "RSTO";
	}
	if (rs == BOS_TCP_CLOSED && os == BOS_TCP_CLOSED)
		return "SF";
	if (os == BOS_TCP_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == BOS_TCP_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == BOS_TCP_SYN_SENT && rs == BOS_TCP_INACTIVE)
		return "S0";
	if (os == BOS_TCP_ESTABLISHED && rs == BOS_TCP_ESTABLISHED)
		return "S1";
	return "OTH";
}

uint64_t bos_conn_bytes(const struct bos_conn *c, bool orig)
{
	if (c->proto == 6) {
		const struct bos_tcp_endp *e = orig ? &c->orig : &c->resp;
		const struct bos_tcp_endp *peer = orig ? &c->resp : &c->orig;

		return endp_size(e, peer);
	}
	return orig ? c->orig_size : c->resp_size;
}

bool bos_conn_tcp_closed(const struct bos_conn *c)
{
	const struct bos_tcp_endp *o = &c->orig, *r = &c->resp;

	if (!o->did_close && !r->did_close)
		return false;
	/* Zeek's close_complete: a RST, both FINs, or a close with a silent peer. */
	return o->state == BOS_TCP_RESET || r->state == BOS_TCP_RESET ||
	       (o->did_close && r->did_close) || o->state == BOS_TCP_INACTIVE ||
	       r->state == BOS_TCP_INACTIVE;
}

/* t + secs, saturating (capture times are bounded by the reader, but stay safe). */
static int64_t add_s(int64_t t, int64_t secs)
{
	const int64_t d = secs * 1000000000;

	return t > INT64_MAX - d ? INT64_MAX : t + d;
}

int64_t bos_conn_expiry(const struct bos_conn *c)
{
	if (c->proto == 6) {
		if ((c->orig.state == BOS_TCP_SYN_SENT || c->orig.state == BOS_TCP_SYN_ACK_SENT) &&
		    c->resp.state == BOS_TCP_INACTIVE)
			return add_s(c->start_ns, BOS_FLOW_TCP_ATTEMPT_S);
		if (c->orig.did_close || c->resp.did_close)
			return add_s(c->last_ns, BOS_FLOW_TCP_CLOSE_S);
		return add_s(c->last_ns, BOS_FLOW_TCP_IDLE_S);
	}
	if (c->proto == 17)
		return add_s(c->last_ns, BOS_FLOW_UDP_IDLE_S);
	return add_s(c->last_ns, BOS_FLOW_ICMP_IDLE_S);
}
