#ifndef BOS_PROTO_H
#define BOS_PROTO_H
/*
 * Protocol dissectors (module src/proto): pure functions of bytes + direction.
 * No flow table, no I/O, no clock: timestamps, when a dissector needs one (DNS round-trip
 * time), are passed in by the caller as capture time in nanoseconds.
 *
 * The per-protocol APIs are in bos/dns.h, bos/http.h and bos/tls.h. This header holds
 * what they share (direction) and the registry that tells the flow engine which dissector
 * to attach to a flow: by well-known port first, then by sniffing the first payload bytes
 * the client sent (src/proto/registry.c is the only file naming every dissector).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Direction of bytes within a connection. The client is the side that opened it (TCP SYN
 * sender, first UDP datagram sender). */
enum bos_dir {
	BOS_DIR_TO_SERVER = 0,
	BOS_DIR_TO_CLIENT = 1,
};

enum bos_proto_kind {
	BOS_PROTO_NONE = 0,
	BOS_PROTO_DNS,
	BOS_PROTO_HTTP,
	BOS_PROTO_TLS,
};

/* "dns", "http", "tls" or "-" for NONE. Static string. */
const char *bos_proto_name(enum bos_proto_kind k);

/* Guess from ports alone. ipproto is 6 (TCP) or 17 (UDP); sport/dport are the client's
 * source and the server's destination port in host order.
 * DNS: 53 (UDP, TCP), 5353 (mDNS), 5355 (LLMNR), 137 (NetBIOS NS, UDP: parse those with
 * bos_dns_parse_nbns); HTTP: 80, 8000, 8008, 8080, 3128 (proxy);
 * TLS: 443, 8443, 993, 995, 465, 636, 853. Returns NONE when no port is known. */
enum bos_proto_kind bos_proto_by_port(uint8_t ipproto, uint16_t sport, uint16_t dport);

/* Guess from the first bytes the client sent (p may be a prefix of the first segment;
 * len >= 1 is useful, more is better). TCP: an HTTP request line start or a TLS
 * handshake record carrying a ClientHello. UDP: a plausible DNS query header.
 * Returns NONE when nothing matches. Reads at most len bytes. */
enum bos_proto_kind bos_proto_sniff(uint8_t ipproto, const uint8_t *p, size_t len);

/* Port first, then content: what the engine should use for a new flow.
 * Content wins over port when the port says one protocol and the bytes clearly are another
 * (TLS on port 80, HTTP on 443): malware does not respect port conventions. */
enum bos_proto_kind bos_proto_pick(uint8_t ipproto, uint16_t sport, uint16_t dport,
				   const uint8_t *p, size_t len);

#endif
