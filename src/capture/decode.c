/*
 * L2-L4 decode into struct bos_pkt (bos/pkt.h). References: IEEE 802.3/802.1Q, the
 * tcpdump.org LINKTYPE registry (SLL, SLL2, NULL/LOOP), RFC 791 (IPv4), RFC 8200 (IPv6
 * and its extension headers), RFC 9293 (TCP), RFC 768 (UDP), RFC 792/4443 (ICMP).
 *
 *   Ethernet   dst(6) src(6) type(2) [0x8100/0x88a8/0x9100: tci(2) type(2)]... payload
 *   SLL        pkttype(2) hatype(2) halen(2) addr(8) proto(2)              16 bytes
 *   SLL2       proto(2) rsvd(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)  20
 *   NULL/LOOP  address family u32 (host order / network order)
 *   IPv4       ver|ihl tos totlen id flags|frag ttl proto csum src dst [options]
 *   IPv6       ver|tc|flow(4) plen(2) next(1) hlim(1) src(16) dst(16) [ext headers]
 *
 * Lengths: the IP header's total length bounds everything after it (Ethernet padding is
 * not payload); when the capture holds less (snaplen), the payload is flagged truncated
 * but the wire length is kept, as Zeek does for sizes. Checksums are not verified (the
 * capture host's offload makes them unreliable; Zeek's -C).
 */
#include <stdio.h>
#include <string.h>

#include "bos/addr_text.h"
#include "bos/cur.h"
#include "bos/limits.h"
#include "bos/pkt.h"

#define ETH_IPV4 0x0800u
#define ETH_IPV6 0x86ddu

static const char *const skip_names[BOS_SKIP__COUNT] = {
    [BOS_SKIP_NONE] = "none",
    [BOS_SKIP_NOT_IP] = "not_ip",
    [BOS_SKIP_LINKTYPE] = "unsupported_linktype",
    [BOS_SKIP_TRUNC_L2] = "truncated_l2",
    [BOS_SKIP_TRUNC_L3] = "truncated_ip",
    [BOS_SKIP_BAD_L3] = "bad_ip_header",
    [BOS_SKIP_TRUNC_L4] = "truncated_l4_header",
    [BOS_SKIP_BAD_L4] = "bad_l4_header",
    [BOS_SKIP_FRAGMENT] = "ip_fragment",
    [BOS_SKIP_OTHER_L4] = "other_l4",
};

const char *bos_pkt_skip_name(enum bos_pkt_skip s)
{
	if ((unsigned)s >= BOS_SKIP__COUNT)
		return "unknown";
	return skip_names[s];
}

const char *bos_pkt_addr_str(char *dst, size_t len, const uint8_t addr[16], bool v6)
{
	if (!bos_addr_text(dst, len, addr, v6) && len)
		snprintf(dst, len, "?");
	return dst;
}

static enum bos_parse skip(struct bos_pkt *pkt, enum bos_pkt_skip why, enum bos_parse ret)
{
	pkt->skip = why;
	return ret;
}

/*
 * Fixed-size headers are read in place once the caller has checked that all their bytes are
 * there: one bounds check per header instead of one per field (this runs for every packet).
 * When fewer bytes are left the cursor reads are used as before, so a truncated header
 * leaves exactly the same partial fields behind.
 */
static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The 20 bytes of a TCP header without options at h; returns the data-offset byte. */
static uint8_t tcp_fixed(struct bos_pkt *pkt, const uint8_t *h)
{
	pkt->sport = be16_at(h);
	pkt->dport = be16_at(h + 2);
	pkt->seq = be32_at(h + 4);
	pkt->ack = be32_at(h + 8);
	pkt->tcp_flags = h[13];
	pkt->win = be16_at(h + 14);
	return h[12];
}

static inline enum bos_parse decode_l4(struct bos_pkt *pkt, struct bos_cur *c, uint32_t l4_wire)
{
	size_t have;

	switch (pkt->ip_proto) {
	case 6: {
		uint8_t off;
		uint32_t thl;

		if (bos_cur_left(c) >= 20) {
			off = tcp_fixed(pkt, c->p);
			c->p += 20;
		} else {
			pkt->sport = bos_cur_be16(c);
			pkt->dport = bos_cur_be16(c);
			pkt->seq = bos_cur_be32(c);
			pkt->ack = bos_cur_be32(c);
			off = bos_cur_u8(c);
			pkt->tcp_flags = bos_cur_u8(c);
			pkt->win = bos_cur_be16(c);
			bos_cur_skip(c, 4); /* checksum, urgent pointer */
			if (!bos_cur_ok(c))
				return skip(pkt, BOS_SKIP_TRUNC_L4, BOS_PARSE_TRUNCATED);
		}
		thl = (uint32_t)(off >> 4) * 4;
		if (thl < 20 || thl > l4_wire)
			return skip(pkt, BOS_SKIP_BAD_L4, BOS_PARSE_MALFORMED);
		if (thl > 20) { /* options */
			bos_cur_skip(c, thl - 20);
			if (!bos_cur_ok(c))
				return skip(pkt, BOS_SKIP_TRUNC_L4, BOS_PARSE_TRUNCATED);
		}
		pkt->payload_wire = l4_wire - thl;
		break;
	}
	case 17: {
		uint16_t ulen;

		if (bos_cur_left(c) >= 8) {
			pkt->sport = be16_at(c->p);
			pkt->dport = be16_at(c->p + 2);
			ulen = be16_at(c->p + 4);
			c->p += 8;
		} else {
			pkt->sport = bos_cur_be16(c);
			pkt->dport = bos_cur_be16(c);
			ulen = bos_cur_be16(c);
			bos_cur_skip(c, 2);
			if (!bos_cur_ok(c))
				return skip(pkt, BOS_SKIP_TRUNC_L4, BOS_PARSE_TRUNCATED);
		}
		if (ulen < 8 || l4_wire < 8)
			return skip(pkt, BOS_SKIP_BAD_L4, BOS_PARSE_MALFORMED);
		/* The smaller of the UDP and IP lengths: a UDP length past the IP datagram
		 * would read someone else's bytes. */
		pkt->payload_wire = (ulen < l4_wire ? ulen : l4_wire) - 8u;
		break;
	}
	case 1:
	case 58:
		pkt->icmp_type = bos_cur_u8(c);
		pkt->icmp_code = bos_cur_u8(c);
		bos_cur_skip(c, 6); /* checksum, rest of header (id/seq, mtu, ...) */
		if (!bos_cur_ok(c))
			return skip(pkt, BOS_SKIP_TRUNC_L4, BOS_PARSE_TRUNCATED);
		if (l4_wire < 8)
			return skip(pkt, BOS_SKIP_BAD_L4, BOS_PARSE_MALFORMED);
		pkt->sport = pkt->icmp_type;
		pkt->dport = pkt->icmp_code;
		pkt->payload_wire = l4_wire - 8;
		break;
	default:
		return skip(pkt, BOS_SKIP_OTHER_L4, BOS_PARSE_OK);
	}
	have = bos_cur_left(c);
	pkt->payload = c->p;
	if (have < pkt->payload_wire) {
		pkt->payload_len = (uint32_t)have;
		pkt->flags |= BOS_PKT_L4_TRUNC;
	} else {
		pkt->payload_len = pkt->payload_wire;
	}
	pkt->flags |= BOS_PKT_HAS_L4;
	return BOS_PARSE_OK;
}

static enum bos_parse decode_ipv4(struct bos_pkt *pkt, struct bos_cur *c)
{
	uint8_t vihl;
	uint32_t hl;
	uint16_t totlen, frag;

	if (bos_cur_left(c) >= 20) {
		/* Common case: the fixed header is all there; one bounds check, not ten. */
		const uint8_t *h = c->p;

		vihl = h[0];
		totlen = be16_at(h + 2);
		frag = be16_at(h + 6);
		pkt->ttl = h[8];
		pkt->ip_proto = h[9];
		memcpy(pkt->src, h + 12, 4);
		memcpy(pkt->dst, h + 16, 4);
		c->p += 20;
	} else {
		vihl = bos_cur_u8(c);
		bos_cur_skip(c, 1);
		totlen = bos_cur_be16(c);
		bos_cur_skip(c, 2);
		frag = bos_cur_be16(c);
		pkt->ttl = bos_cur_u8(c);
		pkt->ip_proto = bos_cur_u8(c);
		bos_cur_skip(c, 2);
		bos_cur_copy(c, pkt->src, 4);
		bos_cur_copy(c, pkt->dst, 4);
		if (!bos_cur_ok(c))
			return skip(pkt, BOS_SKIP_TRUNC_L3, BOS_PARSE_TRUNCATED);
	}
	hl = (uint32_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || hl < 20 || totlen < hl)
		return skip(pkt, BOS_SKIP_BAD_L3, BOS_PARSE_MALFORMED);
	if (hl > 20) { /* options */
		bos_cur_skip(c, hl - 20);
		if (!bos_cur_ok(c))
			return skip(pkt, BOS_SKIP_TRUNC_L3, BOS_PARSE_TRUNCATED);
	}
	pkt->ip_len = totlen;
	/* The datagram ends at totlen even if the frame carries padding after it. */
	if (bos_cur_left(c) > totlen - hl)
		c->end = c->p + (totlen - hl);
	if (frag & 0x3fff) { /* MF set or offset != 0 */
		pkt->flags |= BOS_PKT_FRAGMENT;
		return skip(pkt, BOS_SKIP_FRAGMENT, BOS_PARSE_OK);
	}
	return decode_l4(pkt, c, totlen - hl);
}

static bool v6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 51 || nh == 44;
}

static enum bos_parse decode_ipv6(struct bos_pkt *pkt, struct bos_cur *c)
{
	uint32_t vtf = bos_cur_be32(c);
	uint32_t plen = bos_cur_be16(c);
	uint8_t nh = bos_cur_u8(c);

	pkt->ttl = bos_cur_u8(c);
	bos_cur_copy(c, pkt->src, 16);
	bos_cur_copy(c, pkt->dst, 16);
	pkt->flags |= BOS_PKT_V6;
	if (!bos_cur_ok(c))
		return skip(pkt, BOS_SKIP_TRUNC_L3, BOS_PARSE_TRUNCATED);
	if ((vtf >> 28) != 6)
		return skip(pkt, BOS_SKIP_BAD_L3, BOS_PARSE_MALFORMED);
	pkt->ip_len = 40 + plen;
	if (bos_cur_left(c) > plen)
		c->end = c->p + plen;
	for (int i = 0; v6_ext(nh); i++) {
		uint8_t next = bos_cur_u8(c);
		uint8_t hlen = bos_cur_u8(c);
		uint32_t len;

		if (i >= BOS_PKT_MAX_V6_EXT)
			return skip(pkt, BOS_SKIP_BAD_L3, BOS_PARSE_MALFORMED);
		if (nh == 44) {
			uint16_t off = bos_cur_be16(c);

			if (!bos_cur_ok(c))
				return skip(pkt, BOS_SKIP_TRUNC_L3, BOS_PARSE_TRUNCATED);
			pkt->flags |= BOS_PKT_FRAGMENT;
			pkt->ip_proto = next;
			(void)off;
			return skip(pkt, BOS_SKIP_FRAGMENT, BOS_PARSE_OK);
		}
		len = nh == 51 ? ((uint32_t)hlen + 2) * 4 : ((uint32_t)hlen + 1) * 8;
		bos_cur_skip(c, len - 2);
		if (!bos_cur_ok(c))
			return skip(pkt, BOS_SKIP_TRUNC_L3, BOS_PARSE_TRUNCATED);
		if (len > plen)
			return skip(pkt, BOS_SKIP_BAD_L3, BOS_PARSE_MALFORMED);
		plen -= len;
		nh = next;
	}
	pkt->ip_proto = nh;
	return decode_l4(pkt, c, plen);
}

static inline enum bos_parse decode_ip(struct bos_pkt *pkt, struct bos_cur *c)
{
	uint8_t v;

	if (!bos_cur_need(c, 1))
		return skip(pkt, BOS_SKIP_TRUNC_L3, BOS_PARSE_TRUNCATED);
	v = c->p[0] >> 4;
	if (v == 4)
		return decode_ipv4(pkt, c);
	if (v == 6)
		return decode_ipv6(pkt, c);
	return skip(pkt, BOS_SKIP_BAD_L3, BOS_PARSE_MALFORMED);
}

static inline enum bos_parse decode_ethertype(struct bos_pkt *pkt, struct bos_cur *c, uint16_t type)
{
	for (int i = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; i++) {
		if (i >= BOS_PKT_MAX_VLAN)
			return skip(pkt, BOS_SKIP_NOT_IP, BOS_PARSE_OK);
		bos_cur_skip(c, 2);
		type = bos_cur_be16(c);
		if (!bos_cur_ok(c))
			return skip(pkt, BOS_SKIP_TRUNC_L2, BOS_PARSE_TRUNCATED);
	}
	if (type == ETH_IPV4 || type == ETH_IPV6)
		return decode_ip(pkt, c);
	return skip(pkt, BOS_SKIP_NOT_IP, BOS_PARSE_OK);
}

/* BSD loopback address families: AF_INET is 2 everywhere, AF_INET6 is 24, 28 or 30. */
static enum bos_parse decode_af(struct bos_pkt *pkt, struct bos_cur *c, uint32_t af)
{
	if (af == 2 || af == 24 || af == 28 || af == 30 || af == 10)
		return decode_ip(pkt, c);
	return skip(pkt, BOS_SKIP_NOT_IP, BOS_PARSE_OK);
}

enum bos_parse bos_pkt_decode(struct bos_pkt *pkt, uint32_t linktype, const uint8_t *data,
			      size_t caplen)
{
	struct bos_cur c = bos_cur_make(data, caplen);
	uint16_t type;
	uint32_t af;

	memset(pkt, 0, sizeof(*pkt));
	switch (linktype) {
	case BOS_LINK_ETHERNET:
		/* dst(6) src(6) type(2): read in place once all 14 bytes are known to be there */
		if (caplen < 14)
			return skip(pkt, BOS_SKIP_TRUNC_L2, BOS_PARSE_TRUNCATED);
		c.p += 14;
		return decode_ethertype(pkt, &c, be16_at(data + 12));
	case BOS_LINK_LINUX_SLL:
		bos_cur_skip(&c, 14);
		type = bos_cur_be16(&c);
		if (!bos_cur_ok(&c))
			return skip(pkt, BOS_SKIP_TRUNC_L2, BOS_PARSE_TRUNCATED);
		return decode_ethertype(pkt, &c, type);
	case BOS_LINK_LINUX_SLL2:
		type = bos_cur_be16(&c);
		bos_cur_skip(&c, 18);
		if (!bos_cur_ok(&c))
			return skip(pkt, BOS_SKIP_TRUNC_L2, BOS_PARSE_TRUNCATED);
		return decode_ethertype(pkt, &c, type);
	case BOS_LINK_NULL:
		af = bos_cur_le32(&c);
		if (!bos_cur_ok(&c))
			return skip(pkt, BOS_SKIP_TRUNC_L2, BOS_PARSE_TRUNCATED);
		if (af > 0xffff) /* written on a big-endian host */
			af = (af >> 24) | ((af >> 8) & 0xff00u);
		return decode_af(pkt, &c, af);
	case BOS_LINK_LOOP:
		af = bos_cur_be32(&c);
		if (!bos_cur_ok(&c))
			return skip(pkt, BOS_SKIP_TRUNC_L2, BOS_PARSE_TRUNCATED);
		return decode_af(pkt, &c, af);
	case BOS_LINK_RAW:
	case BOS_LINK_DLT_RAW12:
	case BOS_LINK_DLT_RAW14:
	case BOS_LINK_IPV4:
	case BOS_LINK_IPV6:
		return decode_ip(pkt, &c);
	default:
		return skip(pkt, BOS_SKIP_LINKTYPE, BOS_PARSE_UNSUPPORTED);
	}
}
