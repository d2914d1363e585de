/*
 * Community ID v1 (https://github.com/corelight/community-id-spec):
 *
 *   "1:" + base64( SHA-1( seed u16 | saddr | daddr | proto u8 | 0 u8 | sport u16 | dport u16 ) )
 *
 * all in network byte order, with the endpoints ordered so both directions hash alike:
 * the smaller address first, or on equal addresses the smaller port. ICMP types are mapped
 * to (type, counterpart) for request/reply pairs; one-way ICMP types keep the observed
 * order. Protocols other than TCP/UDP/SCTP/ICMP hash without ports. SHA-1 and base64 come
 * from OpenSSL's libcrypto (SHA-1 through bos/digest.h: a reused context per thread, as the
 * tracer may compute IDs from other threads).
 */
#include <openssl/evp.h>
#include <string.h>

#include "bos/community_id.h"
#include "bos/digest.h"

void bos_community_id_v1(char out[BOS_COMMUNITY_ID_LEN], uint16_t seed, const uint8_t *saddr,
			 const uint8_t *daddr, bool v6, uint8_t proto, uint16_t sport,
			 uint16_t dport)
{
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	uint8_t md[BOS_MD_MAX_LEN];
	size_t alen = v6 ? 16 : 4, n = 0;
	bool ports = proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
	bool one_way = false;
	int cmp;

	if (proto == 1 || proto == 58)
		bos_icmp_ports(proto == 58, (uint8_t)sport, (uint8_t)dport, &sport, &dport,
			       &one_way);
	cmp = memcmp(saddr, daddr, alen);
	if (!one_way && (cmp > 0 || (cmp == 0 && ports && sport > dport))) {
		const uint8_t *t = saddr;
		uint16_t p = sport;

		saddr = daddr;
		daddr = t;
		sport = dport;
		dport = p;
	}
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, saddr, alen);
	n += alen;
	memcpy(buf + n, daddr, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	if (ports) {
		buf[n++] = (uint8_t)(sport >> 8);
		buf[n++] = (uint8_t)sport;
		buf[n++] = (uint8_t)(dport >> 8);
		buf[n++] = (uint8_t)dport;
	}
	n = bos_md_digest(BOS_MD_SHA1, buf, n, md); /* 20 bytes: 28 characters of base64 */
	out[0] = '1';
	out[1] = ':';
	EVP_EncodeBlock((unsigned char *)out + 2, md, (int)n);
}

void bos_icmp_ports(bool v6, uint8_t type, uint8_t code, uint16_t *sport, uint16_t *dport,
		    bool *one_way)
{
	static const uint8_t v4_pairs[][2] = {{8, 0},	{0, 8},	 {13, 14}, {14, 13}, {15, 16},
					      {16, 15}, {10, 9}, {9, 10},  {17, 18}, {18, 17}};
	static const uint8_t v6_pairs[][2] = {{128, 129}, {129, 128}, {133, 134}, {134, 133},
					      {135, 136}, {136, 135}, {130, 131}, {131, 130},
					      {144, 145}, {145, 144}, {146, 147}, {147, 146}};
	const uint8_t(*pairs)[2] = v6 ? v6_pairs : v4_pairs;
	size_t n =
	    v6 ? sizeof(v6_pairs) / sizeof(v6_pairs[0]) : sizeof(v4_pairs) / sizeof(v4_pairs[0]);

	*sport = type;
	for (size_t i = 0; i < n; i++) {
		if (pairs[i][0] == type) {
			*dport = pairs[i][1];
			*one_way = false;
			return;
		}
	}
	*dport = code;
	*one_way = true;
}
