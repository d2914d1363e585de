/*
 * Unit tests of the flow module's connection semantics: Community ID v1 against the
 * spec's published baseline (corelight/community-id-spec baseline/baseline_deflt.json),
 * and Zeek's conn_state/history/byte counting on hand-built packet sequences whose
 * expected results follow Zeek's documented rules (base/protocols/conn/main.zeek).
 */
#include <arpa/inet.h>
#include <string.h>

#include "bos/flow.h"
#include "bos/pkt.h"
#include "harness.h"

static void addr(uint8_t out[16], const char *s, bool v6)
{
	memset(out, 0, 16);
	inet_pton(v6 ? AF_INET6 : AF_INET, s, out);
}

static const char *cid(const char *s, const char *d, bool v6, uint8_t proto, uint16_t sp,
		       uint16_t dp)
{
	static char out[BOS_COMMUNITY_ID_LEN];
	uint8_t a[16], b[16];

	addr(a, s, v6);
	addr(b, d, v6);
	bos_community_id_v1(out, 0, a, b, v6, proto, sp, dp);
	return out;
}

void test_community_id__spec_tcp_udp(void)
{
	BT_ASSERT_EQ_STR(cid("128.232.110.120", "66.35.250.204", false, 6, 34855, 80),
			 "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	BT_ASSERT_EQ_STR(cid("66.35.250.204", "128.232.110.120", false, 6, 80, 34855),
			 "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	BT_ASSERT_EQ_STR(cid("192.168.1.52", "8.8.8.8", false, 17, 54585, 53),
			 "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
	BT_ASSERT_EQ_STR(cid("2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a",
			     true, 6, 63943, 25), "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
	BT_ASSERT_EQ_STR(cid("192.168.170.8", "192.168.170.56", false, 132, 7, 7),
			 "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=");
	BT_ASSERT_EQ_STR(cid("10.1.12.1", "10.1.12.2", false, 46, 0, 0),
			 "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=");
}

void test_community_id__spec_icmp(void)
{
	/* ICMP input is (type, code); echo request and reply hash alike. */
	BT_ASSERT_EQ_STR(cid("192.168.0.89", "192.168.0.1", false, 1, 8, 0),
			 "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
	BT_ASSERT_EQ_STR(cid("192.168.0.1", "192.168.0.89", false, 1, 0, 0),
			 "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
	BT_ASSERT_EQ_STR(cid("10.0.0.1", "10.0.0.2", false, 1, 11, 0),
			 "1:YHxtAirCG//0OzkcVAukqKQN9xM=");
	BT_ASSERT_EQ_STR(cid("fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", true, 58, 135,
			     0), "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=");
	BT_ASSERT_EQ_STR(cid("fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", true, 58, 136,
			     0), "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=");
	BT_ASSERT_EQ_STR(cid("3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", true, 58,
			     3, 0), "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=");
	BT_ASSERT_EQ_STR(cid("3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da",
			     true, 58, 1, 4), "1:hLZd0XGWojozrvxqE0dWB1iM6R0=");
}

/* ---- a tiny TCP conversation builder ---- */

struct convo {
	struct bos_conn c;
	bool started;
	int64_t t;
	uint32_t cseq, sseq;	/* next seq of client / server */
};

static void tcp(struct convo *v, bool from_client, uint8_t flags, uint32_t len)
{
	struct bos_pkt p = { .ip_proto = 6, .flags = BOS_PKT_HAS_L4, .win = 1000 };
	uint32_t *seq = from_client ? &v->cseq : &v->sseq;
	uint32_t *peer = from_client ? &v->sseq : &v->cseq;

	addr(p.src, from_client ? "10.0.0.1" : "10.0.0.2", false);
	addr(p.dst, from_client ? "10.0.0.2" : "10.0.0.1", false);
	p.sport = from_client ? 40000 : 8081;
	p.dport = from_client ? 8081 : 40000;
	p.tcp_flags = flags;
	p.seq = *seq;
	p.ack = (flags & BOS_TCP_ACK) ? *peer : 0;
	p.payload_wire = p.payload_len = len;
	p.ip_len = 40 + len;
	v->t += 1000000;
	if (!v->started) {
		bos_conn_init(&v->c, &p, v->t, 1);
		v->started = true;
	}
	bos_conn_packet(&v->c, &p, v->t, memcmp(p.src, v->c.orig_h, 4) == 0, NULL);
	*seq += len + !!(flags & BOS_TCP_SYN) + !!(flags & BOS_TCP_FIN);
}

static void convo_init(struct convo *v)
{
	memset(v, 0, sizeof(*v));
	v->cseq = 1000;
	v->sseq = 5000;
}

#define S BOS_TCP_SYN
#define A BOS_TCP_ACK
#define F BOS_TCP_FIN
#define R BOS_TCP_RST

void test_conn__sf_full_exchange(void)
{
	struct convo v;

	convo_init(&v);
	tcp(&v, true, S, 0);
	tcp(&v, false, S | A, 0);
	tcp(&v, true, A, 0);
	tcp(&v, true, A, 100);
	tcp(&v, false, A, 0);
	tcp(&v, false, A, 300);
	tcp(&v, true, A, 0);
	tcp(&v, true, F | A, 0);
	tcp(&v, false, F | A, 0);
	tcp(&v, true, A, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "SF");
	BT_ASSERT_EQ_STR(v.c.history, "ShADadFf");
	BT_ASSERT_EQ_INT(bos_conn_bytes(&v.c, true), 100);
	BT_ASSERT_EQ_INT(bos_conn_bytes(&v.c, false), 300);
	BT_ASSERT_EQ_INT(v.c.orig_pkts, 6);
	BT_ASSERT_EQ_INT(v.c.resp_pkts, 4);
	BT_ASSERT(bos_conn_tcp_closed(&v.c));
}

void test_conn__s0_syn_only_with_retransmits(void)
{
	struct convo v;

	convo_init(&v);
	tcp(&v, true, S, 0);
	v.cseq--;		/* the retransmitted SYN has the same sequence number */
	tcp(&v, true, S, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "S0");
	BT_ASSERT_EQ_STR(v.c.history, "S");	/* same seq: S recorded once */
	BT_ASSERT_EQ_INT(v.c.orig_pkts, 2);
	BT_ASSERT_EQ_INT(v.c.resp_pkts, 0);
}

void test_conn__rej_refused_with_rst(void)
{
	struct convo v;

	convo_init(&v);
	tcp(&v, true, S, 0);
	v.sseq = 0;
	tcp(&v, false, R | A, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "REJ");
	BT_ASSERT_EQ_STR(v.c.history, "Sr");
}

void test_conn__rstos0_client_rst_after_syn(void)
{
	struct convo v;

	convo_init(&v);
	tcp(&v, true, S, 0);
	tcp(&v, true, R, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "RSTOS0");
	BT_ASSERT_EQ_STR(v.c.history, "SR");
}

void test_conn__rsto_and_rstr(void)
{
	struct convo v;

	convo_init(&v);
	tcp(&v, true, S, 0);
	tcp(&v, false, S | A, 0);
	tcp(&v, true, A, 0);
	tcp(&v, true, R | A, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "RSTO");
	convo_init(&v);
	tcp(&v, true, S, 0);
	tcp(&v, false, S | A, 0);
	tcp(&v, true, A, 0);
	tcp(&v, false, R | A, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "RSTR");
	BT_ASSERT_EQ_STR(v.c.history, "ShAr");
}

void test_conn__s1_s2_s3_sh(void)
{
	struct convo v;

	convo_init(&v);
	tcp(&v, true, S, 0);
	tcp(&v, false, S | A, 0);
	tcp(&v, true, A, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "S1");
	tcp(&v, true, F | A, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "S2");
	convo_init(&v);
	tcp(&v, true, S, 0);
	tcp(&v, false, S | A, 0);
	tcp(&v, true, A, 0);
	tcp(&v, false, F | A, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "S3");
	convo_init(&v);
	tcp(&v, true, S, 0);
	tcp(&v, true, F, 0);
	BT_ASSERT_EQ_STR(bos_conn_state(&v.c), "SH");
}

void test_conn__retransmission_and_bytes_by_seq(void)
{
	struct convo v;

	convo_init(&v);
	tcp(&v, true, S, 0);
	tcp(&v, false, S | A, 0);
	tcp(&v, true, A, 0);
	tcp(&v, true, A, 50);
	v.cseq -= 50;		/* the same 50 bytes again */
	tcp(&v, true, A, 50);
	BT_ASSERT_EQ_STR(v.c.history, "ShADT");
	BT_ASSERT_EQ_INT(bos_conn_bytes(&v.c, true), 50);	/* not 100 */
	/* data the capture lost still counts: sequence numbers say it was sent */
	v.cseq += 1000;
	tcp(&v, true, A, 10);
	BT_ASSERT_EQ_INT(bos_conn_bytes(&v.c, true), 1060);
}

void test_conn__partial_flipped_by_server_port(void)
{
	struct convo v;
	uint8_t srv[16];

	convo_init(&v);
	/* First packet is a SYN-ACK from port 8081 to 40000: 8081 is not a likely server
	 * port, so no flip; a SYN-ACK from 80 would be. */
	tcp(&v, false, S | A, 0);
	BT_ASSERT(!v.c.flipped);
	BT_ASSERT(bos_conn_likely_server_port(6, 80));
	BT_ASSERT(!bos_conn_likely_server_port(6, 8081));
	{
		struct bos_pkt p = { .ip_proto = 6, .flags = BOS_PKT_HAS_L4, .sport = 80,
				     .dport = 40000, .tcp_flags = S | A, .seq = 7, .ack = 100, .win = 1,
				     .ip_len = 40 };
		struct bos_conn c;

		addr(p.src, "10.0.0.2", false);
		addr(p.dst, "10.0.0.1", false);
		bos_conn_init(&c, &p, 1, 1);
		bos_conn_packet(&c, &p, 1, false, NULL);
		BT_ASSERT(c.flipped);
		addr(srv, "10.0.0.2", false);
		BT_ASSERT_EQ_MEM(c.resp_h, srv, 4);
		BT_ASSERT_EQ_INT(c.resp_p, 80);
		BT_ASSERT_EQ_STR(c.history, "^h");
		BT_ASSERT_EQ_STR(bos_conn_state(&c), "OTH");
		BT_ASSERT_EQ_INT(c.resp_pkts, 1);
	}
}

void test_conn__reuse_after_close(void)
{
	struct convo v;
	struct bos_pkt syn = { .ip_proto = 6, .flags = BOS_PKT_HAS_L4, .sport = 40000,
			       .dport = 8081, .tcp_flags = S, .seq = 1000 };

	convo_init(&v);
	tcp(&v, true, S, 0);
	BT_ASSERT(!bos_conn_tcp_is_reuse(&v.c, &syn));	/* same ISN: retransmission */
	syn.seq = 99;
	BT_ASSERT(bos_conn_tcp_is_reuse(&v.c, &syn));	/* new ISN: new connection */
	tcp(&v, false, S | A, 0);
	tcp(&v, true, F | A, 0);
	tcp(&v, false, F | A, 0);
	syn.seq = v.cseq;
	BT_ASSERT(bos_conn_tcp_is_reuse(&v.c, &syn));
}

void test_conn__udp_states(void)
{
	struct bos_pkt q = { .ip_proto = 17, .flags = BOS_PKT_HAS_L4, .sport = 5555, .dport = 53,
			     .payload_wire = 30, .ip_len = 58 };
	struct bos_pkt r = q;
	struct bos_conn c;

	addr(q.src, "10.0.0.1", false);
	addr(q.dst, "10.0.0.53", false);
	bos_conn_init(&c, &q, 1000, 1);
	bos_conn_packet(&c, &q, 1000, true, NULL);
	BT_ASSERT_EQ_STR(bos_conn_state(&c), "S0");
	memcpy(r.src, q.dst, 16);
	memcpy(r.dst, q.src, 16);
	r.sport = 53;
	r.dport = 5555;
	r.payload_wire = 70;
	bos_conn_packet(&c, &r, 2000, false, NULL);
	BT_ASSERT_EQ_STR(bos_conn_state(&c), "SF");
	BT_ASSERT_EQ_STR(c.history, "Dd");
	BT_ASSERT_EQ_INT(bos_conn_bytes(&c, true), 30);
	BT_ASSERT_EQ_INT(bos_conn_bytes(&c, false), 70);
	/* A first packet from port 53 to a high port is the server's: flipped. */
	bos_conn_init(&c, &r, 3000, 2);
	BT_ASSERT(c.flipped);
	BT_ASSERT_EQ_INT(c.resp_p, 53);
}

void test_conn__attempt_expires_after_5s(void)
{
	struct convo v;

	convo_init(&v);
	tcp(&v, true, S, 0);
	BT_ASSERT_EQ_INT(bos_conn_expiry(&v.c), v.c.start_ns + 5000000000LL);
	tcp(&v, false, S | A, 0);
	BT_ASSERT_EQ_INT(bos_conn_expiry(&v.c), v.c.last_ns + 300000000000LL);
}
