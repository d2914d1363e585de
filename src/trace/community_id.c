/*
 * Community ID v1 (https://github.com/corelight/community-id-spec, "Community ID Flow
 * Hashing"): base64(SHA-1(seed:16be, saddr, daddr, proto:8, pad:8, sport:16be, dport:16be))
 * with the two endpoints ordered so both directions of a flow hash the same: the smaller
 * (address, port) pair goes first. Seed 0, as Zeek and Suricata default to. SHA-1 comes from
 * OpenSSL's libcrypto; the capture side computes the same value per flow.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/evp.h>

#include "bos/trace.h"

int bos_trace_community_id(char *dst, int family, uint8_t proto, const uint8_t *saddr,
			   uint16_t sport, const uint8_t *daddr, uint16_t dport)
{
	uint8_t in[2 + 16 + 16 + 4 + 4], md[EVP_MAX_MD_SIZE];
	size_t alen, n = 0;
	unsigned mdlen = 0;
	const uint8_t *a = saddr, *b = daddr;
	uint16_t pa = sport, pb = dport;
	int c;

	if (family == AF_INET)
		alen = 4;
	else if (family == AF_INET6)
		alen = 16;
	else
		return -EINVAL;
	c = memcmp(saddr, daddr, alen);
	if (c > 0 || (c == 0 && sport > dport)) {
		a = daddr;
		b = saddr;
		pa = dport;
		pb = sport;
	}
	in[n++] = 0;			/* seed, big endian */
	in[n++] = 0;
	memcpy(in + n, a, alen);
	n += alen;
	memcpy(in + n, b, alen);
	n += alen;
	in[n++] = proto;
	in[n++] = 0;
	in[n++] = (uint8_t)(pa >> 8);
	in[n++] = (uint8_t)pa;
	in[n++] = (uint8_t)(pb >> 8);
	in[n++] = (uint8_t)pb;
	if (!EVP_Digest(in, n, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return -EINVAL;
	memcpy(dst, "1:", 2);
	/* 20 bytes -> 28 base64 characters + NUL. */
	EVP_EncodeBlock((unsigned char *)dst + 2, md, 20);
	return 0;
}
