#ifndef BOS_FLOW_H
#define BOS_FLOW_H
/*
 * Connections with Zeek's semantics (src/flow): one struct bos_conn per TCP/UDP/ICMP
 * connection, fed packet by packet, giving Zeek's conn.log facts: conn_state (S0 S1 SF REJ
 * S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH), history (ShADaFfRrTtWwGgIiQq^ with Zeek's
 * repetition rules), orig/resp payload bytes (TCP: from sequence numbers, as Zeek), packets,
 * IP bytes, duration. docs/net-logs.md gives every field's meaning and the places where
 * bos knowingly differs from Zeek.
 *
 * Also here: Community ID v1 (https://github.com/corelight/community-id-spec), and the TCP
 * reassembler used to feed application dissectors in order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/community_id.h"
#include "bos/limits.h"
#include "bos/pkt.h"

/* ---- Zeek connection state ---- */

enum bos_tcp_state {
	BOS_TCP_INACTIVE = 0,
	BOS_TCP_SYN_SENT,
	BOS_TCP_SYN_ACK_SENT,
	BOS_TCP_PARTIAL,
	BOS_TCP_ESTABLISHED,
	BOS_TCP_CLOSED,
	BOS_TCP_RESET,
};

/* One side of a TCP connection (Zeek's TCP_Endpoint, the parts conn.log needs). */
struct bos_tcp_endp {
	enum bos_tcp_state state, prev_state;
	uint32_t start_seq, last_seq, ack_seq;
	uint32_t seq_wraps, ack_wraps;
	uint64_t hist_last_syn, hist_last_fin, hist_last_rst;
	uint32_t fin_cnt;
	uint32_t rxmt_cnt, rxmt_thresh;
	uint32_t win0_cnt, win0_thresh;
	uint32_t gap_cnt, gap_thresh;
	bool did_close;
};

struct bos_conn {
	uint8_t proto; /* 6, 17, 1 or 58 */
	bool v6;
	uint8_t orig_h[16], resp_h[16];
	uint16_t orig_p, resp_p; /* ICMP: see bos_icmp_ports */
	int64_t start_ns, last_ns;
	uint64_t first_pkt; /* capture-wide packet number of the first packet */
	uint64_t orig_pkts, resp_pkts, orig_ip_bytes, resp_ip_bytes;
	uint64_t orig_size, resp_size; /* UDP/ICMP payload bytes (TCP: bos_conn_tcp_size) */
	uint64_t missed_bytes;
	bool orig_active, resp_active; /* UDP/ICMP: saw a packet that way */
	bool flipped;
	struct bos_tcp_endp orig, resp; /* TCP only */
	uint32_t hist_seen;
	uint8_t hist_len;
	char history[BOS_FLOW_MAX_HISTORY + 1];
};

/* Start a connection from its first packet. The originator is the sender of `p` unless
 * Zeek's heuristics flip it (TCP without SYN or SYN-ACK from a likely server port, UDP
 * from a likely server port): then *flipped is true and c->orig_* are p's destination. */
void bos_conn_init(struct bos_conn *c, const struct bos_pkt *p, int64_t ts_ns, uint64_t pkt_num);
/* What a TCP packet means for reassembly (filled by bos_conn_packet). */
struct bos_conn_seg {
	bool deliver;	   /* payload goes to the stream at data_seq */
	uint64_t data_seq; /* relative position of the first payload byte */
	bool acked;	   /* the packet acknowledged the peer's bytes below rel_ack */
	uint64_t rel_ack;
	bool closed; /* FIN or RST: this side's stream ended */
};

/* Feed one packet of the connection; is_orig says which way it went (after any flip:
 * compare p's source with c->orig_h/orig_p). seg may be NULL. */
void bos_conn_packet(struct bos_conn *c, const struct bos_pkt *p, int64_t ts_ns, bool is_orig,
		     struct bos_conn_seg *seg);
/* Is p (a TCP SYN of this connection) the start of a new connection on the same tuple
 * (Zeek's IsReuse)? The caller then finishes c and starts another. */
bool bos_conn_tcp_is_reuse(const struct bos_conn *c, const struct bos_pkt *p);
/* Record a content gap of len bytes in one direction (from the reassembler). */
void bos_conn_gap(struct bos_conn *c, bool is_orig, uint64_t len);
/* Zeek's conn_state name for the connection now ("S0", "SF", ...). */
const char *bos_conn_state(const struct bos_conn *c);
/* Payload bytes one side sent: TCP from sequence numbers (Zeek's TCP_Endpoint::Size),
 * UDP/ICMP the sum of payload lengths. */
uint64_t bos_conn_bytes(const struct bos_conn *c, bool orig);
/* Both sides closed or reset: the connection is finished and lingers only briefly. */
bool bos_conn_tcp_closed(const struct bos_conn *c);
/* When (capture ns) the connection expires if nothing more arrives, per Zeek's timers:
 * attempt 5 s after the first SYN, 5 s after a close, else idle timeouts. */
int64_t bos_conn_expiry(const struct bos_conn *c);
/* Is this port a likely server port for proto (Zeek's likely_server_ports, bos's list). */
bool bos_conn_likely_server_port(uint8_t proto, uint16_t port);

/* ---- TCP reassembly ---- */

/*
 * In-order delivery of one direction's bytes. Sequence numbers are 64-bit relative
 * positions (no wrap). Data at the expected position is delivered at once; data beyond it
 * is buffered (up to BOS_FLOW_MAX_OOO_BYTES / _SEGS, counted when hit); retransmitted and
 * overlapping bytes are delivered once (first copy wins, as most stacks). A hole is given
 * up on (reported as a gap, deliver(ctx, NULL, len)) when the peer acknowledges past it,
 * when the buffer cap is hit, or at flush.
 */
typedef void (*bos_reasm_fn)(void *ctx, const uint8_t *data, size_t len);

struct bos_reasm_seg;

struct bos_reasm {
	uint64_t next; /* next relative seq to deliver */
	bool started;
	struct bos_reasm_seg *segs; /* buffered, sorted by seq, non-overlapping */
	size_t n_segs, bytes;
	uint64_t delivered, gap_bytes, cap_hits;
};

void bos_reasm_init(struct bos_reasm *r);
/* Set the first expected position (after the SYN). Before this, the first data seen
 * starts the stream. */
void bos_reasm_start(struct bos_reasm *r, uint64_t seq);
void bos_reasm_data(struct bos_reasm *r, uint64_t seq, const uint8_t *data, size_t len,
		    bos_reasm_fn fn, void *ctx);
/* The peer acknowledged everything below ack: a hole below it will never be filled. */
void bos_reasm_ack(struct bos_reasm *r, uint64_t ack, bos_reasm_fn fn, void *ctx);
/* End of stream: deliver what is buffered, holes become gaps. */
void bos_reasm_flush(struct bos_reasm *r, bos_reasm_fn fn, void *ctx);
void bos_reasm_release(struct bos_reasm *r);

#endif
