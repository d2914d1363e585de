#ifndef BOS_PKT_H
#define BOS_PKT_H
/*
 * L2-L4 view of one captured frame (STYLE.md §5: packet bytes are views). bos_pkt_decode
 * fills a struct bos_pkt from a frame's bytes and link type without copying: every
 * pointer in it points into the frame and is valid only as long as the frame is.
 *
 * Decoded: Ethernet II (+ 802.1Q/802.1ad/QinQ, up to BOS_PKT_MAX_VLAN tags), Linux cooked
 * v1 (SLL) and v2 (SLL2), raw IP (DLT_RAW, LINKTYPE_IPV4/IPV6), BSD loopback (DLT_NULL,
 * DLT_LOOP), IPv4 (options skipped), IPv6 with extension headers (hop-by-hop, routing,
 * destination options, fragment; capped at BOS_PKT_MAX_V6_EXT), TCP, UDP, ICMP, ICMPv6.
 * IP fragments are not reassembled: they are flagged (BOS_PKT_FRAGMENT) and counted by
 * the engine, and only a first fragment's L4 header is read (see docs/net-logs.md).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/err.h"

/* Link types (LINKTYPE_* values from the tcpdump.org registry). */
enum bos_linktype {
	BOS_LINK_NULL = 0, /* BSD loopback, host byte order AF */
	BOS_LINK_ETHERNET = 1,
	BOS_LINK_RAW = 101,  /* raw IPv4/IPv6 */
	BOS_LINK_LOOP = 108, /* OpenBSD loopback, network byte order AF */
	BOS_LINK_LINUX_SLL = 113,
	BOS_LINK_IPV4 = 228,
	BOS_LINK_IPV6 = 229,
	BOS_LINK_LINUX_SLL2 = 276,
	BOS_LINK_DLT_RAW12 = 12, /* DLT_RAW on some BSDs */
	BOS_LINK_DLT_RAW14 = 14, /* DLT_RAW on OpenBSD */
};

enum bos_pkt_flags {
	BOS_PKT_V6 = 1u << 0,	    /* IPv6 (else IPv4) */
	BOS_PKT_FRAGMENT = 1u << 1, /* part of a fragmented datagram */
	BOS_PKT_L4_TRUNC = 1u << 2, /* L4 payload cut by snaplen */
	BOS_PKT_HAS_L4 = 1u << 3,   /* sport/dport/tcp fields are valid */
};

/* Why a frame was not decoded to L4 (for the stats record). */
enum bos_pkt_skip {
	BOS_SKIP_NONE = 0,
	BOS_SKIP_NOT_IP,   /* ARP, LLDP, ...: not an error */
	BOS_SKIP_LINKTYPE, /* link type not supported */
	BOS_SKIP_TRUNC_L2,
	BOS_SKIP_TRUNC_L3,
	BOS_SKIP_BAD_L3, /* bad version, header length, total length */
	BOS_SKIP_TRUNC_L4,
	BOS_SKIP_BAD_L4,
	BOS_SKIP_FRAGMENT, /* non-first fragment: no L4 header */
	BOS_SKIP_OTHER_L4, /* valid IP carrying e.g. GRE, SCTP, ESP */
	BOS_SKIP__COUNT,
};

#define BOS_TCP_FIN 0x01u
#define BOS_TCP_SYN 0x02u
#define BOS_TCP_RST 0x04u
#define BOS_TCP_PSH 0x08u
#define BOS_TCP_ACK 0x10u
#define BOS_TCP_URG 0x20u

struct bos_pkt {
	unsigned flags;		/* enum bos_pkt_flags */
	enum bos_pkt_skip skip; /* BOS_SKIP_NONE when decoded to L4 */
	uint8_t ip_proto;	/* 6 tcp, 17 udp, 1 icmp, 58 icmpv6, ... */
	uint8_t ttl;
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes, rest zero */
	uint32_t ip_len;	  /* IP total length from the header (v6: 40 + payload) */
	uint16_t sport, dport;	  /* ICMP: type and code (see flow.h for conn ports) */
	/* TCP */
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint16_t win;
	/* ICMP/ICMPv6 */
	uint8_t icmp_type, icmp_code;
	/* L4 payload: `payload_len` bytes captured, of `payload_wire` on the wire (from IP/UDP
	 * lengths). payload_len <= payload_wire unless the capture holds padding. */
	const uint8_t *payload;
	uint32_t payload_len;
	uint32_t payload_wire;
};

/*
 * Decode a frame of link type `linktype`. Returns BOS_PARSE_OK when IP and the L4 header
 * were decoded (BOS_PKT_HAS_L4) or the frame is simply not something bos follows
 * (BOS_SKIP_NOT_IP, BOS_SKIP_OTHER_L4, BOS_SKIP_FRAGMENT: pkt->skip says which);
 * BOS_PARSE_TRUNCATED / BOS_PARSE_MALFORMED / BOS_PARSE_UNSUPPORTED otherwise, with
 * pkt->skip saying where. Never reads outside data[0, caplen).
 */
enum bos_parse bos_pkt_decode(struct bos_pkt *pkt, uint32_t linktype, const uint8_t *data,
			      size_t caplen);

/* Human name of a skip reason ("trunc_l3", ...), used as a JSON key. */
const char *bos_pkt_skip_name(enum bos_pkt_skip s);

/* Format an address from pkt->src/dst as text, the same as inet_ntop writes it (without its
 * sprintf); dst at least 46 bytes. "?" if it does not fit. */
const char *bos_pkt_addr_str(char *dst, size_t len, const uint8_t addr[16], bool v6);

#endif
