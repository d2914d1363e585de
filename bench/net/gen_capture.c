/*
 * Deterministic synthetic capture for benchmarking bos net (bench/README.md).
 *
 *   gen_capture OUT.pcap [MEGABYTES]      (default 1024)
 *
 * Writes an Ethernet pcap (little endian, microseconds) of interleaved sessions, 256 live
 * at a time, chosen by a fixed-seed PRNG so every run writes the same bytes:
 *   20% SYN-only (SYN + 2 retransmissions), 10% refused (SYN, RST-ACK),
 *   30% HTTP (handshake, GET, response 200/403/404/503 with a 0-24 KiB body, FINs),
 *   20% TLS (handshake, ClientHello with SNI, server bytes, FINs),
 *   20% DNS over UDP (query; NOERROR with an A record, or NXDOMAIN).
 * Checksums are left zero (bos and tshark do not verify them by default).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIVE 256

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

enum kind { K_SYN, K_REFUSED, K_HTTP, K_TLS, K_DNS };

struct sess {
	enum kind kind;
	int step;
	uint32_t cip, sip;
	uint16_t cport, sport;
	uint32_t cseq, sseq;
	int status;		/* HTTP status */
	uint32_t body, sent;	/* HTTP body bytes */
	int nx;			/* DNS NXDOMAIN */
	uint16_t txid;
	char name[64];
};

static FILE *out;
static uint64_t written, limit;
static uint64_t now_us = 1700000000ULL * 1000000;
static uint8_t pkt[2048];

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static void emit(size_t len)
{
	uint8_t h[16];

	now_us += 1 + rnd() % 400;	/* ~5000 packets per second of capture time */
	le32(h, (uint32_t)(now_us / 1000000));
	le32(h + 4, (uint32_t)(now_us % 1000000));
	le32(h + 8, (uint32_t)len);
	le32(h + 12, (uint32_t)len);
	fwrite(h, 1, 16, out);
	fwrite(pkt, 1, len, out);
	written += 16 + len;
}

/* Ethernet + IPv4 header for an L4 segment of l4len bytes; returns the L4 offset. */
static size_t ip(uint32_t src, uint32_t dst, uint8_t proto, size_t l4len)
{
	memset(pkt, 0, 34);
	memcpy(pkt, "\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00", 14);
	pkt[14] = 0x45;
	put16(pkt + 16, (uint32_t)(20 + l4len));
	pkt[22] = 64;
	pkt[23] = proto;
	put32(pkt + 26, src);
	put32(pkt + 30, dst);
	return 34;
}

static void tcp(struct sess *s, int from_client, uint8_t flags, const void *data, size_t len)
{
	size_t o = ip(from_client ? s->cip : s->sip, from_client ? s->sip : s->cip, 6, 20 + len);
	uint32_t *seq = from_client ? &s->cseq : &s->sseq, *ack = from_client ? &s->sseq : &s->cseq;

	memset(pkt + o, 0, 20);
	put16(pkt + o, from_client ? s->cport : s->sport);
	put16(pkt + o + 2, from_client ? s->sport : s->cport);
	put32(pkt + o + 4, *seq);
	put32(pkt + o + 8, (flags & 0x10) ? *ack : 0);
	pkt[o + 12] = 0x50;
	pkt[o + 13] = flags;
	put16(pkt + o + 14, 64240);
	if (len)
		memcpy(pkt + o + 20, data, len);
	emit(o + 20 + len);
	*seq += (uint32_t)len + ((flags & 0x02) ? 1 : 0) + ((flags & 0x01) ? 1 : 0);
}

static size_t dns_name(uint8_t *p, const char *name)
{
	size_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		p[n++] = (uint8_t)l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return n;
}

static void udp_dns(struct sess *s, int response)
{
	uint8_t m[300];
	size_t n = 12, o;

	memset(m, 0, 12);
	put16(m, s->txid);
	m[2] = response ? 0x81 : 0x01;
	m[3] = response ? (s->nx ? 0x83 : 0x80) : 0x00;
	put16(m + 4, 1);
	if (response && !s->nx)
		put16(m + 6, 1);
	n += dns_name(m + n, s->name);
	put16(m + n, 1);
	put16(m + n + 2, 1);
	n += 4;
	if (response && !s->nx) {
		m[n++] = 0xc0; m[n++] = 12;
		put16(m + n, 1); put16(m + n + 2, 1); put32(m + n + 4, 300); put16(m + n + 8, 4);
		put32(m + n + 10, 0xc6336400u | (rnd() & 0xff));
		n += 14;
	}
	o = ip(response ? s->sip : s->cip, response ? s->cip : s->sip, 17, 8 + n);
	put16(pkt + o, response ? 53 : s->cport);
	put16(pkt + o + 2, response ? s->cport : 53);
	put16(pkt + o + 4, (uint32_t)(8 + n));
	put16(pkt + o + 6, 0);
	memcpy(pkt + o + 8, m, n);
	emit(o + 8 + n);
}

static size_t client_hello(uint8_t *b, const char *sni)
{
	size_t sl = strlen(sni), n = 0, ext_start, hs_start;
	static const uint16_t ciphers[] = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030 };

	b[n++] = 0x16; b[n++] = 3; b[n++] = 1; n += 2;		/* record, length later */
	hs_start = n;
	b[n++] = 1; n += 3;					/* ClientHello, length later */
	b[n++] = 3; b[n++] = 3;
	for (int i = 0; i < 32; i++)
		b[n++] = (uint8_t)rnd();
	b[n++] = 0;						/* session id */
	put16(b + n, sizeof(ciphers)); n += 2;
	for (size_t i = 0; i < sizeof(ciphers) / 2; i++, n += 2)
		put16(b + n, ciphers[i]);
	b[n++] = 1; b[n++] = 0;					/* compression: null */
	ext_start = n; n += 2;
	put16(b + n, 0); put16(b + n + 2, (uint32_t)(sl + 5)); put16(b + n + 4, (uint32_t)(sl + 3));
	b[n + 6] = 0; put16(b + n + 7, (uint32_t)sl); memcpy(b + n + 9, sni, sl); n += 9 + sl;
	put16(b + n, 10); put16(b + n + 2, 6); put16(b + n + 4, 4); put16(b + n + 6, 0x001d);
	put16(b + n + 8, 0x0017); n += 10;
	put16(b + n, 43); put16(b + n + 2, 5); b[n + 4] = 4; put16(b + n + 5, 0x0304);
	put16(b + n + 7, 0x0303); n += 9;
	put16(b + ext_start, (uint32_t)(n - ext_start - 2));
	b[hs_start + 1] = 0;
	put16(b + hs_start + 2, (uint32_t)(n - hs_start - 4));
	put16(b + 3, (uint32_t)(n - 5));
	return n;
}

static void new_sess(struct sess *s, uint32_t id)
{
	static const int codes[] = { 200, 200, 403, 404, 503 };
	uint32_t r = rnd() % 10;

	memset(s, 0, sizeof(*s));
	s->kind = r < 2 ? K_SYN : r < 3 ? K_REFUSED : r < 6 ? K_HTTP : r < 8 ? K_TLS : K_DNS;
	s->cip = 0x0a010000u | (rnd() & 0xffff);
	s->sip = (s->kind == K_DNS) ? 0x0a000035u : 0xcb007100u | (rnd() & 0xff);
	s->cport = (uint16_t)(10000 + (id * 7 + rnd()) % 50000);
	s->sport = s->kind == K_TLS ? 443 : 80;
	s->cseq = rnd();
	s->sseq = rnd();
	s->status = codes[rnd() % 5];
	s->body = rnd() % 24576;
	s->nx = rnd() % 3 == 0;
	s->txid = (uint16_t)rnd();
	snprintf(s->name, sizeof(s->name), "host%u.example%u.test", rnd() % 1000, rnd() % 50);
}

/* Emit the next packet of s; returns 0 when the session is over. */
static int step(struct sess *s)
{
	char buf[1600];
	size_t n;

	switch (s->kind) {
	case K_SYN:
		tcp(s, 1, 0x02, NULL, 0);
		s->cseq--;	/* retransmissions keep the ISN */
		return ++s->step < 3;
	case K_REFUSED:
		if (s->step++ == 0) {
			tcp(s, 1, 0x02, NULL, 0);
			return 1;
		}
		tcp(s, 0, 0x14, NULL, 0);
		return 0;
	case K_DNS:
		udp_dns(s, s->step);
		return ++s->step < 2;
	case K_HTTP:
	case K_TLS:
		break;
	}
	switch (s->step++) {
	case 0: tcp(s, 1, 0x02, NULL, 0); return 1;
	case 1: tcp(s, 0, 0x12, NULL, 0); return 1;
	case 2: tcp(s, 1, 0x10, NULL, 0); return 1;
	case 3:
		if (s->kind == K_HTTP) {
			n = (size_t)snprintf(buf, sizeof(buf),
					     "GET /api/v1/item%u HTTP/1.1\r\nHost: %s\r\nUser-Agent: bench/1.0\r\n"
					     "Accept: */*\r\n\r\n", rnd() % 100000, s->name);
		} else {
			n = client_hello((uint8_t *)buf, s->name);
		}
		tcp(s, 1, 0x18, buf, n);
		return 1;
	case 4:
		if (s->kind == K_HTTP) {
			n = (size_t)snprintf(buf, sizeof(buf),
					     "HTTP/1.1 %d X\r\nServer: bench\r\nContent-Type: text/html\r\n"
					     "Content-Length: %u\r\n\r\n", s->status, s->body);
		} else {
			/* ServerHello-sized handshake record (contents not parsed for the bench) */
			n = 1200;
			memset(buf, 0x42, n);
			buf[0] = 0x16; buf[1] = 3; buf[2] = 3; put16((uint8_t *)buf + 3, (uint32_t)(n - 5));
			s->body = 0;
		}
		tcp(s, 0, 0x18, buf, n);
		return 1;
	default:
		if (s->sent < s->body) {
			n = s->body - s->sent > 1460 ? 1460 : s->body - s->sent;
			memset(buf, 'x', n);
			tcp(s, 0, 0x10, buf, n);
			s->sent += (uint32_t)n;
			return 1;
		}
		if (s->step < 100) {
			s->step = 100;
			tcp(s, 1, 0x11, NULL, 0);
			return 1;
		}
		if (s->step == 101) {
			tcp(s, 0, 0x11, NULL, 0);
			return 1;
		}
		tcp(s, 1, 0x10, NULL, 0);
		return 0;
	}
}

int main(int argc, char **argv)
{
	static struct sess live[LIVE];
	uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	uint32_t id = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_capture OUT.pcap [MEGABYTES]\n");
		return 2;
	}
	limit = (uint64_t)(argc > 2 ? strtoull(argv[2], NULL, 10) : 1024) << 20;
	out = fopen(argv[1], "wb");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	setvbuf(out, NULL, _IOFBF, 1 << 20);
	le32(hdr + 16, 65535);
	le32(hdr + 20, 1);
	fwrite(hdr, 1, 24, out);
	written = 24;
	for (int i = 0; i < LIVE; i++)
		new_sess(&live[i], id++);
	while (written < limit) {
		struct sess *s = &live[rnd() % LIVE];

		if (!step(s))
			new_sess(s, id++);
	}
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 1;
	}
	fprintf(stderr, "gen_capture: %s: %llu bytes, %u sessions started\n", argv[1],
		(unsigned long long)written, id);
	return 0;
}
