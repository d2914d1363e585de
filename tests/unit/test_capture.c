/*
 * Unit tests of the capture module: pcap/pcapng reader over memory (byte orders,
 * timestamp resolutions, sections, interfaces, damage messages) and the L2-L4 decoder on
 * hand-built frames (every byte is written out below, so each expectation can be checked
 * against the wire format by eye).
 */
#include <arpa/inet.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/capture.h"
#include "bos/pkt.h"
#include "harness.h"

static void le32(struct bos_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	bos_buf_add(b, x, 4);
}

static void be32(struct bos_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	bos_buf_add(b, x, 4);
}

static void le16(struct bos_buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	bos_buf_add(b, x, 2);
}

static void be16(struct bos_buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	bos_buf_add(b, x, 2);
}

static const uint8_t frame4[] = { 1, 2, 3, 4 };

void test_capture__pcap_le_usec_and_be_nsec(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_capture *c;
	struct bos_frame f;
	struct bos_err err = BOS_ERR_INIT;

	le32(&b, 0xa1b2c3d4); le16(&b, 2); le16(&b, 4); le32(&b, 0); le32(&b, 0);
	le32(&b, 65535); le32(&b, 1);
	le32(&b, 100); le32(&b, 250000); le32(&b, 4); le32(&b, 60);
	bos_buf_add(&b, frame4, 4);
	BT_ASSERT_EQ_INT(bos_capture_open_mem(&c, b.data, b.len, "le.pcap", &err), 0);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 1);
	BT_ASSERT_EQ_INT(f.ts_ns, 100250000000LL);
	BT_ASSERT_EQ_INT(f.caplen, 4);
	BT_ASSERT_EQ_INT(f.wirelen, 60);
	BT_ASSERT_EQ_INT(f.linktype, 1);
	BT_ASSERT_EQ_INT(f.offset, 24);
	BT_ASSERT_EQ_MEM(f.data, frame4, 4);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 0);
	bos_capture_free(c);

	bos_buf_reset(&b);
	be32(&b, 0xa1b23c4d); be16(&b, 2); be16(&b, 4); be32(&b, 0); be32(&b, 0);
	be32(&b, 65535); be32(&b, 101);
	be32(&b, 7); be32(&b, 123); be32(&b, 4); be32(&b, 4);
	bos_buf_add(&b, frame4, 4);
	BT_ASSERT_EQ_INT(bos_capture_open_mem(&c, b.data, b.len, "be.pcap", &err), 0);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 1);
	BT_ASSERT_EQ_INT(f.ts_ns, 7000000123LL);
	BT_ASSERT_EQ_INT(f.linktype, 101);
	bos_capture_free(c);
	bos_buf_release(&b);
}

void test_capture__pcap_damage_names_record_and_offset(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_capture *c;
	struct bos_frame f;
	struct bos_err err = BOS_ERR_INIT;

	le32(&b, 0xa1b2c3d4); le16(&b, 2); le16(&b, 4); le32(&b, 0); le32(&b, 0);
	le32(&b, 65535); le32(&b, 1);
	le32(&b, 1); le32(&b, 0); le32(&b, 4); le32(&b, 4);
	bos_buf_add(&b, frame4, 4);
	le32(&b, 2); le32(&b, 0); le32(&b, 0x7fffffff); le32(&b, 4);	/* absurd caplen */
	BT_ASSERT_EQ_INT(bos_capture_open_mem(&c, b.data, b.len, "bad.pcap", &err), 0);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 1);	/* the good one first */
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), -BOS_EINPUT);
	BT_ASSERT(strstr(err.msg, "bad.pcap: record 2 at offset 44:") != NULL);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 0);	/* stays ended */
	bos_capture_free(c);

	bos_buf_setlen(&b, b.len - 16);
	le32(&b, 2); le32(&b, 0); le32(&b, 100); le32(&b, 100);	/* cut by EOF */
	bos_buf_add(&b, frame4, 4);
	BT_ASSERT_EQ_INT(bos_capture_open_mem(&c, b.data, b.len, "cut.pcap", &err), 0);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 1);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), -BOS_EINPUT);
	BT_ASSERT(strstr(err.msg, "record 2 at offset 44: truncated record") != NULL);
	bos_capture_free(c);
	bos_buf_release(&b);
}

void test_capture__not_a_capture(void)
{
	struct bos_capture *c;
	struct bos_err err = BOS_ERR_INIT;

	BT_ASSERT(bos_capture_open_mem(&c, "hello world, not pcap", 21, "x", &err) < 0);
	BT_ASSERT(strstr(err.msg, "not a pcap or pcapng file") != NULL);
	BT_ASSERT(c == NULL);
}

/* pcapng block: type, body, with total length front and back (little endian) */
static void ng_block(struct bos_buf *b, uint32_t type, const struct bos_buf *body)
{
	le32(b, type);
	le32(b, (uint32_t)body->len + 12);
	bos_buf_add(b, body->data, body->len);
	le32(b, (uint32_t)body->len + 12);
}

void test_capture__pcapng_sections_interfaces_tsresol(void)
{
	struct bos_buf b = BOS_BUF_INIT, body = BOS_BUF_INIT;
	struct bos_capture *c;
	struct bos_frame f;
	struct bos_err err = BOS_ERR_INIT;

	/* section 1: SHB, IDB 0 (ethernet, us), IDB 1 (raw, ns via if_tsresol=9), EPB on 1 */
	le32(&body, 0x1a2b3c4d); le16(&body, 1); le16(&body, 0); le32(&body, 0xffffffff);
	le32(&body, 0xffffffff);
	ng_block(&b, 0x0a0d0d0a, &body);
	bos_buf_reset(&body);
	le16(&body, 1); le16(&body, 0); le32(&body, 0);
	ng_block(&b, 1, &body);
	bos_buf_reset(&body);
	le16(&body, 101); le16(&body, 0); le32(&body, 0);
	le16(&body, 9); le16(&body, 1); bos_buf_add(&body, "\x09\0\0\0", 4);
	le16(&body, 0); le16(&body, 0);
	ng_block(&b, 1, &body);
	bos_buf_reset(&body);
	le32(&body, 1); le32(&body, 0); le32(&body, 1500000000); le32(&body, 4); le32(&body, 4);
	bos_buf_add(&body, frame4, 4);
	ng_block(&b, 6, &body);
	/* an unknown block is skipped */
	bos_buf_reset(&body);
	le32(&body, 0);
	ng_block(&b, 0x0bad, &body);
	/* section 2 resets interfaces: IDB 0 is now linux cooked v2, microseconds */
	bos_buf_reset(&body);
	le32(&body, 0x1a2b3c4d); le16(&body, 1); le16(&body, 0); le32(&body, 0xffffffff);
	le32(&body, 0xffffffff);
	ng_block(&b, 0x0a0d0d0a, &body);
	bos_buf_reset(&body);
	le16(&body, 276); le16(&body, 0); le32(&body, 0);
	ng_block(&b, 1, &body);
	bos_buf_reset(&body);
	le32(&body, 0); le32(&body, 0); le32(&body, 2000001); le32(&body, 4); le32(&body, 9);
	bos_buf_add(&body, frame4, 4);
	ng_block(&b, 6, &body);

	BT_ASSERT_EQ_INT(bos_capture_open_mem(&c, b.data, b.len, "x.pcapng", &err), 0);
	BT_ASSERT_EQ_INT(bos_capture_format(c), BOS_CAPTURE_PCAPNG);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 1);
	BT_ASSERT_EQ_INT(f.linktype, 101);
	BT_ASSERT_EQ_INT(f.ifindex, 1);
	BT_ASSERT_EQ_INT(f.ts_ns, 1500000000LL);	/* 1.5e9 ns units */
	BT_ASSERT_EQ_INT(f.record, 4);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 1);
	BT_ASSERT_EQ_INT(f.linktype, 276);
	BT_ASSERT_EQ_INT(f.ts_ns, 2000001000LL);	/* microseconds */
	BT_ASSERT_EQ_INT(f.wirelen, 9);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 0);
	bos_capture_free(c);

	/* an EPB for an interface that was never declared is damage */
	bos_buf_reset(&body);
	le32(&body, 5); le32(&body, 0); le32(&body, 0); le32(&body, 4); le32(&body, 4);
	bos_buf_add(&body, frame4, 4);
	ng_block(&b, 6, &body);
	BT_ASSERT_EQ_INT(bos_capture_open_mem(&c, b.data, b.len, "x.pcapng", &err), 0);
	for (int i = 0; i < 2; i++)
		BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), 1);
	BT_ASSERT_EQ_INT(bos_capture_next(c, &f, &err), -BOS_EINPUT);
	BT_ASSERT(strstr(err.msg, "undeclared interface 5") != NULL);
	bos_capture_free(c);
	bos_buf_release(&body);
	bos_buf_release(&b);
}

/* ---- decoder ---- */

/* IPv4 header (20 bytes) + TCP header (20) + 3 payload bytes, 10.0.0.1:1234 -> 10.0.0.2:80 */
static const uint8_t ip4_tcp[] = {
	0x45, 0, 0, 43, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
	0x04, 0xd2, 0, 80, 0, 0, 0, 100, 0, 0, 0, 0, 0x50, 0x18, 0x10, 0, 0, 0, 0, 0,
	'a', 'b', 'c',
};

void test_decode__ethernet_qinq_ipv4_tcp(void)
{
	uint8_t fr[14 + 8 + sizeof(ip4_tcp) + 5];
	struct bos_pkt p;
	size_t n = 0;

	memset(fr, 0, sizeof(fr));
	n = 12;
	fr[n++] = 0x88; fr[n++] = 0xa8; fr[n++] = 0; fr[n++] = 10;	/* 802.1ad */
	fr[n++] = 0x81; fr[n++] = 0x00; fr[n++] = 0; fr[n++] = 20;	/* 802.1Q */
	fr[n++] = 0x08; fr[n++] = 0x00;
	memcpy(fr + n, ip4_tcp, sizeof(ip4_tcp));	/* then 5 bytes of Ethernet padding */
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 1, bt_guard_dup(fr, sizeof(fr)), sizeof(fr)),
			 BOS_PARSE_OK);
	BT_ASSERT(p.flags & BOS_PKT_HAS_L4);
	BT_ASSERT_EQ_INT(p.ip_proto, 6);
	BT_ASSERT_EQ_INT(p.sport, 1234);
	BT_ASSERT_EQ_INT(p.dport, 80);
	BT_ASSERT_EQ_INT(p.seq, 100);
	BT_ASSERT_EQ_INT(p.tcp_flags, 0x18);
	BT_ASSERT_EQ_INT(p.ip_len, 43);
	BT_ASSERT_EQ_INT(p.payload_wire, 3);	/* padding is not payload */
	BT_ASSERT_EQ_INT(p.payload_len, 3);
	BT_ASSERT_EQ_MEM(p.payload, "abc", 3);
}

/* The fixed IPv4 and TCP headers are read in place when all their bytes are there, through
 * the cursor otherwise: every cut of the frame must land on the right verdict either way. */
void test_decode__every_cut_of_ipv4_tcp(void)
{
	struct bos_pkt p;

	for (size_t n = 0; n <= sizeof(ip4_tcp); n++) {
		enum bos_parse r = bos_pkt_decode(&p, 101, bt_guard_dup(ip4_tcp, n), n);

		if (n < 20) {
			BT_ASSERT_EQ_INT(r, BOS_PARSE_TRUNCATED);
			BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_TRUNC_L3);
		} else if (n < 40) {
			BT_ASSERT_EQ_INT(r, BOS_PARSE_TRUNCATED);
			BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_TRUNC_L4);
			BT_ASSERT_EQ_INT(p.ip_proto, 6);
			BT_ASSERT_EQ_MEM(p.dst, "\x0a\x00\x00\x02", 4);
		} else {
			BT_ASSERT_EQ_INT(r, BOS_PARSE_OK);
			BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_NONE);
			BT_ASSERT_EQ_INT(p.sport, 1234);
			BT_ASSERT_EQ_INT(p.dport, 80);
			BT_ASSERT_EQ_INT(p.seq, 100);
			BT_ASSERT_EQ_INT(p.ack, 0);
			BT_ASSERT_EQ_INT(p.win, 0x1000);
			BT_ASSERT_EQ_INT(p.tcp_flags, 0x18);
			BT_ASSERT_EQ_INT(p.ttl, 64);
			BT_ASSERT_EQ_INT(p.payload_len, n - 40);
			BT_ASSERT_EQ_INT(!!(p.flags & BOS_PKT_L4_TRUNC), n < sizeof(ip4_tcp));
		}
	}
}

void test_decode__truncated_and_bad_headers(void)
{
	uint8_t fr[sizeof(ip4_tcp)];
	struct bos_pkt p;

	/* snaplen cut inside the payload: decoded, payload flagged truncated */
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 101, bt_guard_dup(ip4_tcp, 41), 41), BOS_PARSE_OK);
	BT_ASSERT(p.flags & BOS_PKT_L4_TRUNC);
	BT_ASSERT_EQ_INT(p.payload_len, 1);
	BT_ASSERT_EQ_INT(p.payload_wire, 3);
	/* cut inside the TCP header */
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 101, bt_guard_dup(ip4_tcp, 30), 30),
			 BOS_PARSE_TRUNCATED);
	BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_TRUNC_L4);
	/* IHL 0 (Zeek's ip_hdr_len_zero) */
	memcpy(fr, ip4_tcp, sizeof(fr));
	fr[0] = 0x40;
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 101, bt_guard_dup(fr, sizeof(fr)), sizeof(fr)),
			 BOS_PARSE_MALFORMED);
	BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_BAD_L3);
	/* TCP data offset 15 words = 60 bytes > the 23 left */
	memcpy(fr, ip4_tcp, sizeof(fr));
	fr[32] = 0xf0;
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 101, bt_guard_dup(fr, sizeof(fr)), sizeof(fr)),
			 BOS_PARSE_MALFORMED);
	BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_BAD_L4);
	/* a non-first fragment has no L4 header: counted, skipped */
	memcpy(fr, ip4_tcp, sizeof(fr));
	fr[6] = 0x00;
	fr[7] = 0x10;
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 101, bt_guard_dup(fr, sizeof(fr)), sizeof(fr)),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_FRAGMENT);
	BT_ASSERT(!(p.flags & BOS_PKT_HAS_L4));
	/* unknown link type */
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 281, bt_guard_dup(fr, sizeof(fr)), sizeof(fr)),
			 BOS_PARSE_UNSUPPORTED);
	BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_LINKTYPE);
	/* one byte of Ethernet */
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 1, bt_guard_dup(fr, 1), 1), BOS_PARSE_TRUNCATED);
	BT_ASSERT_EQ_INT(p.skip, BOS_SKIP_TRUNC_L2);
}

void test_decode__sll2_ipv6_ext_udp(void)
{
	uint8_t fr[20 + 40 + 8 + 8 + 4];
	struct bos_pkt p;
	size_t n = 0;

	memset(fr, 0, sizeof(fr));
	fr[0] = 0x86; fr[1] = 0xdd;			/* SLL2 protocol */
	n = 20;
	fr[n] = 0x60;					/* IPv6 */
	fr[n + 4] = 0; fr[n + 5] = 8 + 8 + 4;		/* payload length */
	fr[n + 6] = 0;					/* next: hop-by-hop */
	fr[n + 7] = 1;
	fr[n + 8 + 15] = 1;				/* src ::1 */
	fr[n + 24 + 15] = 2;				/* dst ::2 */
	n += 40;
	fr[n] = 17; fr[n + 1] = 0;			/* HBH: next UDP, 8 bytes */
	n += 8;
	fr[n] = 0x13; fr[n + 1] = 0x88; fr[n + 2] = 0; fr[n + 3] = 53;	/* 5000 -> 53 */
	fr[n + 4] = 0; fr[n + 5] = 12;
	memcpy(fr + n + 8, "dns!", 4);
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 276, bt_guard_dup(fr, sizeof(fr)), sizeof(fr)),
			 BOS_PARSE_OK);
	BT_ASSERT(p.flags & BOS_PKT_V6);
	BT_ASSERT_EQ_INT(p.ip_proto, 17);
	BT_ASSERT_EQ_INT(p.sport, 5000);
	BT_ASSERT_EQ_INT(p.dport, 53);
	BT_ASSERT_EQ_INT(p.ip_len, 60);
	BT_ASSERT_EQ_INT(p.payload_wire, 4);
	BT_ASSERT_EQ_MEM(p.payload, "dns!", 4);
	BT_ASSERT_EQ_INT(p.src[15], 1);
}

void test_decode__null_loopback_icmp(void)
{
	uint8_t fr[4 + 20 + 8] = { 2, 0, 0, 0,		/* AF_INET, little endian */
		0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
		8, 0, 0, 0, 0, 1, 0, 1 };
	struct bos_pkt p;

	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 0, bt_guard_dup(fr, sizeof(fr)), sizeof(fr)),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(p.ip_proto, 1);
	BT_ASSERT_EQ_INT(p.icmp_type, 8);
	BT_ASSERT_EQ_INT(p.payload_wire, 0);
	fr[0] = 0; fr[3] = 2;				/* written by a big-endian host */
	BT_ASSERT_EQ_INT(bos_pkt_decode(&p, 0, bt_guard_dup(fr, sizeof(fr)), sizeof(fr)),
			 BOS_PARSE_OK);
	BT_ASSERT(p.flags & BOS_PKT_HAS_L4);
}

void test_capture__ipv4_addr_str(void)
{
	static const uint8_t a[][16] = { { 0, 0, 0, 0 }, { 255, 255, 255, 255 },
					 { 10, 66, 0, 10 }, { 1, 20, 100, 9 } };
	static const char *const want[] = { "0.0.0.0", "255.255.255.255", "10.66.0.10",
					     "1.20.100.9" };
	char s[64];

	for (size_t i = 0; i < 4; i++)
		BT_ASSERT_EQ_STR(bos_pkt_addr_str(s, sizeof(s), a[i], false), want[i]);
	BT_ASSERT_EQ_STR(bos_pkt_addr_str(s, 8, a[1], false), "?");	/* does not fit */
}

/* Every octet value in every position, and every buffer size, against the C library. */
void test_capture__ipv4_addr_str_matches_inet_ntop(void)
{
	char got[64], want[64];

	for (int pos = 0; pos < 4; pos++) {
		for (unsigned v = 0; v < 256; v++) {
			uint8_t a[16] = { 192, 0, 2, 77 };

			a[pos] = (uint8_t)v;
			BT_ASSERT(inet_ntop(AF_INET, a, want, sizeof(want)) != NULL);
			BT_ASSERT_EQ_STR(bos_pkt_addr_str(got, sizeof(got), a, false), want);
		}
	}
	for (size_t len = 1; len <= 20; len++) {
		static const uint8_t a[16] = { 255, 0, 25, 100 };	/* "255.0.25.100": 12 + NUL */

		memset(got, 'x', sizeof(got));
		bos_pkt_addr_str(got, len, a, false);
		BT_ASSERT_EQ_STR(got, len >= 13 ? "255.0.25.100" : len >= 2 ? "?" : "");
		BT_ASSERT(got[len] == 'x'); /* nothing written past len */
	}
}

static void check_v6(const uint8_t a[16])
{
	char got[64], want[64];

	BT_ASSERT(inet_ntop(AF_INET6, a, want, sizeof(want)) != NULL);
	BT_ASSERT_EQ_STR(bos_pkt_addr_str(got, sizeof(got), a, true), want);
}

/* Every pattern of zero groups (which run becomes "::", ties, IPv4-compatible and -mapped
 * forms) with several group values, then pseudo-random addresses, against the C library. */
void test_capture__ipv6_addr_str_matches_inet_ntop(void)
{
	static const uint16_t vals[] = { 0x1, 0xffff, 0xab, 0xabc, 0xabcd, 0x10, 0x100, 0x1000 };
	uint32_t x = 12345;
	char got[64];

	for (unsigned zero = 0; zero < 256; zero++) {
		for (size_t k = 0; k <= sizeof(vals) / sizeof(vals[0]); k++) {
			uint8_t a[16];

			for (int i = 0; i < 8; i++) {
				/* k == n: a different value in each group */
				uint16_t v = k < sizeof(vals) / sizeof(vals[0])
						 ? vals[k]
						 : vals[(i + zero) % (sizeof(vals) / sizeof(vals[0]))];

				if (zero >> i & 1)
					v = 0;
				a[2 * i] = (uint8_t)(v >> 8);
				a[2 * i + 1] = (uint8_t)v;
			}
			check_v6(a);
			/* The same with ffff in group 5 (IPv4-mapped when 0-4 are zero). */
			a[10] = a[11] = 0xff;
			check_v6(a);
		}
	}
	for (int n = 0; n < 20000; n++) {
		uint8_t a[16];

		for (int i = 0; i < 16; i++) {
			x = x * 1103515245u + 12345u;
			a[i] = (uint8_t)(x >> 16);
		}
		/* Clear a few groups or bytes so that runs and short groups are common. */
		for (int i = 0; i < 8; i++) {
			x = x * 1103515245u + 12345u;
			if ((x >> 16) % 3 == 0)
				a[2 * i] = a[2 * i + 1] = 0;
			else if ((x >> 16) % 3 == 1)
				a[2 * i] = 0;
		}
		check_v6(a);
	}
	for (size_t len = 1; len <= 48; len++) {
		static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
					       0, 0, 0, 0, 0x12, 0x34, 0, 1 };
		const char *want = "2001:db8::1234:1"; /* 16 + NUL */

		memset(got, 'x', sizeof(got));
		bos_pkt_addr_str(got, len, a, true);
		BT_ASSERT_EQ_STR(got, len >= 17 ? want : len >= 2 ? "?" : "");
		BT_ASSERT(got[len] == 'x');
	}
}
