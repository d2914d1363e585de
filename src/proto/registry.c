/*
 * Dissector registry (see bos/proto.h): the only file that names every dissector.
 * Picking is by well-known port (IANA service-names registry) and by content: the first
 * client bytes of a TCP stream are checked for an HTTP request line or a TLS ClientHello
 * record, a UDP datagram for a plausible DNS query header (RFC 1035 4.1.1).
 */
#include "bos/dns.h"
#include "bos/http.h"
#include "bos/proto.h"
#include "bos/tls.h"
#include "proto_int.h"

#define IPPROTO_TCP_NUM 6
#define IPPROTO_UDP_NUM 17

struct port_map {
	uint8_t ipproto;
	uint16_t port;
	enum bos_proto_kind kind;
};

static const struct port_map ports[] = {
	{ IPPROTO_UDP_NUM, 53, BOS_PROTO_DNS },
	{ IPPROTO_TCP_NUM, 53, BOS_PROTO_DNS },
	{ IPPROTO_UDP_NUM, 137, BOS_PROTO_DNS },	/* NetBIOS NS: see bos_dns_parse_nbns */
	{ IPPROTO_UDP_NUM, 5353, BOS_PROTO_DNS },
	{ IPPROTO_UDP_NUM, 5355, BOS_PROTO_DNS },	/* LLMNR: DNS message format */
	{ IPPROTO_TCP_NUM, 80, BOS_PROTO_HTTP },
	{ IPPROTO_TCP_NUM, 3128, BOS_PROTO_HTTP },
	{ IPPROTO_TCP_NUM, 8000, BOS_PROTO_HTTP },
	{ IPPROTO_TCP_NUM, 8008, BOS_PROTO_HTTP },
	{ IPPROTO_TCP_NUM, 8080, BOS_PROTO_HTTP },
	{ IPPROTO_TCP_NUM, 443, BOS_PROTO_TLS },
	{ IPPROTO_TCP_NUM, 465, BOS_PROTO_TLS },
	{ IPPROTO_TCP_NUM, 636, BOS_PROTO_TLS },
	{ IPPROTO_TCP_NUM, 853, BOS_PROTO_TLS },
	{ IPPROTO_TCP_NUM, 993, BOS_PROTO_TLS },
	{ IPPROTO_TCP_NUM, 995, BOS_PROTO_TLS },
	{ IPPROTO_TCP_NUM, 8443, BOS_PROTO_TLS },
};

const char *bos_proto_name(enum bos_proto_kind k)
{
	switch (k) {
	case BOS_PROTO_DNS: return "dns";
	case BOS_PROTO_HTTP: return "http";
	case BOS_PROTO_TLS: return "tls";
	case BOS_PROTO_NONE:
	default: return "-";
	}
}

static enum bos_proto_kind port_lookup(uint8_t ipproto, uint16_t port)
{
	for (size_t i = 0; i < BOS_ARRAY_SIZE(ports); i++)
		if (ports[i].ipproto == ipproto && ports[i].port == port)
			return ports[i].kind;
	return BOS_PROTO_NONE;
}

enum bos_proto_kind bos_proto_by_port(uint8_t ipproto, uint16_t sport, uint16_t dport)
{
	enum bos_proto_kind k = port_lookup(ipproto, dport);

	/* mDNS and LLMNR answers may go to the service port from the service port. */
	if (k == BOS_PROTO_NONE && ipproto == IPPROTO_UDP_NUM)
		k = port_lookup(ipproto, sport);
	return k;
}

/* A DNS query: QR=0, opcode QUERY/NOTIFY/UPDATE, 1..8 questions, no answers, and the first
 * question's name starts with a label length or a zero. */
static bool looks_like_dns_query(const uint8_t *p, size_t len)
{
	uint16_t flags, qd, an;

	if (len < 17)
		return false;
	flags = (uint16_t)(p[2] << 8 | p[3]);
	qd = (uint16_t)(p[4] << 8 | p[5]);
	an = (uint16_t)(p[6] << 8 | p[7]);
	if (flags & 0x8000 || (flags >> 11 & 0xf) > 5 || (flags >> 11 & 0xf) == 3)
		return false;
	return qd >= 1 && qd <= 8 && an == 0 && p[12] < 64;
}

enum bos_proto_kind bos_proto_sniff(uint8_t ipproto, const uint8_t *p, size_t len)
{
	if (ipproto == IPPROTO_TCP_NUM) {
		if (bos_tls_looks_like_client_hello(p, len))
			return BOS_PROTO_TLS;
		if (bos_http_looks_like_request(p, len))
			return BOS_PROTO_HTTP;
		return BOS_PROTO_NONE;
	}
	if (ipproto == IPPROTO_UDP_NUM && looks_like_dns_query(p, len))
		return BOS_PROTO_DNS;
	return BOS_PROTO_NONE;
}

enum bos_proto_kind bos_proto_pick(uint8_t ipproto, uint16_t sport, uint16_t dport,
				   const uint8_t *p, size_t len)
{
	enum bos_proto_kind by_port = bos_proto_by_port(ipproto, sport, dport);
	enum bos_proto_kind by_content = len ? bos_proto_sniff(ipproto, p, len) : BOS_PROTO_NONE;

	/* TCP content is unambiguous (a ClientHello record or a request line); for UDP the
	 * DNS sniff is weak, so the port wins there. */
	if (ipproto == IPPROTO_TCP_NUM && by_content != BOS_PROTO_NONE)
		return by_content;
	if (by_port != BOS_PROTO_NONE)
		return by_port;
	return by_content;
}
