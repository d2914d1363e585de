#ifndef BOS_COMMUNITY_ID_H
#define BOS_COMMUNITY_ID_H
/*
 * Community ID v1 (https://github.com/corelight/community-id-spec): one string per flow,
 * the same from both directions and in every tool that implements it. bos writes it on
 * every flow of the capture (flow) and on every connected socket of the tracer (trace), so
 * the two join exactly; both use this one implementation.
 */
#include <stdbool.h>
#include <stdint.h>

/* "1:" + base64(SHA-1) = 2 + 28 characters, plus NUL. */
#define BOS_COMMUNITY_ID_LEN 31

/*
 * Community ID v1 of a flow seen from its originator (saddr/sport -> daddr/dport). For
 * ICMP/ICMPv6, sport/dport are the ICMP type and code; the spec's type mapping is applied
 * here. Addresses are 4 (v6 false) or 16 bytes. Writes a NUL-terminated string into out.
 */
void bos_community_id_v1(char out[BOS_COMMUNITY_ID_LEN], uint16_t seed, const uint8_t *saddr,
			 const uint8_t *daddr, bool v6, uint8_t proto, uint16_t sport,
			 uint16_t dport);

/* ICMP "ports" as Zeek and Community ID use them: (type, counterpart type) for
 * request/reply pairs, else (type, code). *one_way is set for types with no counterpart. */
void bos_icmp_ports(bool v6, uint8_t type, uint8_t code, uint16_t *sport, uint16_t *dport,
		    bool *one_way);

#endif
