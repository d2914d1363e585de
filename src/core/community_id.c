/*
 * Community ID v1 (https://github.com/corelight/community-id-spec):
 *
 *   "1:" + base64( SHA-1( seed u16 | saddr | daddr | proto u8 | 0 u8 | sport u16 | dport u16 ) )
 *
 * all in network byte order, with the endpoints ordered so both directions hash alike:
 * the smaller address first, or on equal addresses the smaller port. ICMP types are mapped
 * to (type, counterpart) for request/reply pairs; one-way ICMP types keep the observed
 * order. Protocols other than TCP/UDP/SCTP/ICMP hash without ports. Base64 comes from
 * OpenSSL's libcrypto; SHA-1 is computed here (FIPS 180-4 6.1) for the one block the at most
 * 40 input bytes fill: one ID is written per flow, and OpenSSL's EVP layer (context
 * allocation, provider dispatch, algorithm fetch) cost three times the compression itself.
 * test_flow_conn checks it against OpenSSL's SHA-1 and the spec's baseline.
 */
#include <openssl/evp.h>
#include <string.h>

#include "bos/community_id.h"
#include "bos/err.h"

static uint32_t rol32(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

void bos_sha1_block(const void *msg, size_t n, uint8_t out[20])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	uint32_t w[80], a, b, c, d, e;
	uint8_t blk[64] = { 0 };

	if (n > 55)
		BOS_BUG("bos_sha1_block: %zu bytes do not fit one block", n);
	/* Padding (5.1.1): 0x80, zeros, the length in bits as a big-endian 64-bit number. */
	memcpy(blk, msg, n);
	blk[n] = 0x80;
	blk[62] = (uint8_t)(n * 8 >> 8);
	blk[63] = (uint8_t)(n * 8);
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)blk[4 * t] << 24 | (uint32_t)blk[4 * t + 1] << 16 |
		       (uint32_t)blk[4 * t + 2] << 8 | blk[4 * t + 3];
	for (int t = 16; t < 80; t++)
		w[t] = rol32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	/*
	 * 80 rounds (6.1.2 step 3) in four runs of 20, one function each (Ch, Parity, Maj,
	 * Parity), five rounds per loop step with the variables renamed instead of shifted
	 * (round t's e += ... and b rotated is the same as the spec's five assignments).
	 */
#define SHA1_R(v, w_, x, y, z, f, kt, t)                          \
	do {                                                      \
		z += rol32(v, 5) + (f) + (kt) + w[t];             \
		w_ = rol32(w_, 30);                               \
	} while (0)
#define SHA1_R5(f1, kt, t)                                                      \
	do {                                                                    \
		SHA1_R(a, b, c, d, e, f1(b, c, d), kt, (t));                     \
		SHA1_R(e, a, b, c, d, f1(a, b, c), kt, (t) + 1);                 \
		SHA1_R(d, e, a, b, c, f1(e, a, b), kt, (t) + 2);                 \
		SHA1_R(c, d, e, a, b, f1(d, e, a), kt, (t) + 3);                 \
		SHA1_R(b, c, d, e, a, f1(c, d, e), kt, (t) + 4);                 \
	} while (0)
#define SHA1_CH(x, y, z) (((x) & (y)) | (~(x) & (z)))
#define SHA1_PAR(x, y, z) ((x) ^ (y) ^ (z))
#define SHA1_MAJ(x, y, z) (((x) & (y)) | ((x) & (z)) | ((y) & (z)))
	for (int t = 0; t < 20; t += 5)
		SHA1_R5(SHA1_CH, 0x5a827999u, t);
	for (int t = 20; t < 40; t += 5)
		SHA1_R5(SHA1_PAR, 0x6ed9eba1u, t);
	for (int t = 40; t < 60; t += 5)
		SHA1_R5(SHA1_MAJ, 0x8f1bbcdcu, t);
	for (int t = 60; t < 80; t += 5)
		SHA1_R5(SHA1_PAR, 0xca62c1d6u, t);
#undef SHA1_R
#undef SHA1_R5
#undef SHA1_CH
#undef SHA1_PAR
#undef SHA1_MAJ
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

void bos_community_id_v1(char out[BOS_COMMUNITY_ID_LEN], uint16_t seed, const uint8_t *saddr,
			 const uint8_t *daddr, bool v6, uint8_t proto, uint16_t sport,
			 uint16_t dport)
{
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	uint8_t md[20];
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
	bos_sha1_block(buf, n, md);
	out[0] = '1';
	out[1] = ':';
	EVP_EncodeBlock((unsigned char *)out + 2, md, sizeof(md));
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
