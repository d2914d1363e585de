/*
 * The live-flow table: chained hash keyed with SipHash-1-3 under a random key (an attacker
 * choosing tuples cannot aim at one bucket; suricata's hash_rand), a cap on live flows,
 * and four expiry lists (flow_int.h) so that expiring idle flows costs O(1) per flow.
 * The table grows by doubling up to the slot count the flow cap needs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "flow_int.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

/* SipHash-2-4 (Aumasson, Bernstein 2012) of n bytes. */
uint64_t ft_siphash(const uint64_t k[2], const uint8_t *in, size_t n)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ k[0], v1 = 0x646f72616e646f6dULL ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ k[0], v3 = 0x7465646279746573ULL ^ k[1];
	uint64_t b = (uint64_t)n << 56, m;
	size_t i = 0, j = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&m, in + i, 8);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	/* The last n % 8 bytes, little-endian: four at once when there are four or more
	 * (the flow uids' 52-byte message ends with four), then one by one. */
	if (n - i >= 4) {
		b |= (uint64_t)in[i] | (uint64_t)in[i + 1] << 8 | (uint64_t)in[i + 2] << 16 |
		     (uint64_t)in[i + 3] << 24;
		j = 4;
	}
	for (; i + j < n; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

int ft_init(struct flow_table *ft, size_t max, const uint8_t key[16])
{
	uint64_t rnd[2];

	memset(ft, 0, sizeof(*ft));
	ft->n_slots = 1024;
	ft->slots = calloc(ft->n_slots, sizeof(*ft->slots));
	if (!ft->slots)
		return -ENOMEM;
	ft->max = max;
	memcpy(ft->key, key, 16);
	/* The caller's key may be fixed (--deterministic uids): the table's order never
	 * reaches the output, so it always gets fresh random bits as well, and a capture
	 * crafted against a known key still cannot fill one bucket. */
	if (getrandom(rnd, sizeof(rnd), 0) == (ssize_t)sizeof(rnd)) {
		ft->key[0] ^= rnd[0];
		ft->key[1] ^= rnd[1];
	}
	return 0;
}

void ft_release(struct flow_table *ft)
{
	free(ft->slots);
	ft->slots = NULL;
}

/*
 * SipHash-1-3 (the variant Rust's and CPython's hash tables use) of a message given as
 * whole little-endian words plus its last, partial word. The table needs a keyed hash an
 * attacker cannot aim, not a MAC: one compression round per word and three at the end are
 * enough for that. The state stays in registers: the tuple is fed word by word by the
 * caller (no message array on the stack, no loop), which ft_hash does for every packet.
 */
struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline struct sip_state sip_begin(const uint64_t k[2])
{
	return (struct sip_state){0x736f6d6570736575ULL ^ k[0], 0x646f72616e646f6dULL ^ k[1],
				  0x6c7967656e657261ULL ^ k[0], 0x7465646279746573ULL ^ k[1]};
}

static inline void sip13_word(struct sip_state *s, uint64_t m)
{
	uint64_t v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3 ^ m;

	SIPROUND;
	*s = (struct sip_state){v0 ^ m, v1, v2, v3};
}

/* last: the message's final 0-7 bytes; len: the whole message's length in bytes. */
static inline uint64_t sip13_end(struct sip_state *s, uint64_t last, uint8_t len)
{
	uint64_t b = (uint64_t)len << 56 | last;
	uint64_t v0, v1, v2, v3;

	sip13_word(s, b);
	v0 = s->v0;
	v1 = s->v1;
	v2 = s->v2 ^ 0xff;
	v3 = s->v3;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The message is the lower endpoint, the other one and the protocol, the lower endpoint
 * being the one with the smaller address bytes, then port: both directions give the same
 * message. v4: an endpoint is its address as a big-endian number and its port in one
 * 48-bit integer, so a single comparison orders them as memcmp then the ports would, and
 * the message is those 12 bytes and the protocol (13). v6: the addresses, the ports and
 * the protocol (37 bytes; host byte order: the hash only has to be the same within one
 * run).
 */
uint64_t ft_hash(const struct flow_table *ft, const uint8_t *a, uint16_t pa, const uint8_t *b,
		 uint16_t pb, uint8_t proto, bool v6)
{
	struct sip_state s = sip_begin(ft->key);
	int cmp;

	if (!v6) {
		uint64_t ea = (uint64_t)be32(a) << 16 | pa, eb = (uint64_t)be32(b) << 16 | pb;
		uint64_t lo = ea < eb ? ea : eb, hi = ea < eb ? eb : ea;

		sip13_word(&s, lo | hi << 48);
		return sip13_end(&s, hi >> 16 | (uint64_t)proto << 32, 13);
	}
	cmp = memcmp(a, b, 16);
	if (cmp > 0 || (cmp == 0 && pa > pb)) {
		const uint8_t *t = a;
		uint16_t tp = pa;

		a = b;
		b = t;
		pa = pb;
		pb = tp;
	}
	sip13_word(&s, le64(a));
	sip13_word(&s, le64(a + 8));
	sip13_word(&s, le64(b));
	sip13_word(&s, le64(b + 8));
	return sip13_end(&s, (uint64_t)pa | (uint64_t)pb << 16 | (uint64_t)proto << 32, 37);
}

/* Constant sizes: the compiler compares inline instead of calling memcmp. */
static bool addr_eq(const uint8_t *a, const uint8_t *b, bool v6)
{
	return v6 ? !memcmp(a, b, 16) : !memcmp(a, b, 4);
}

struct flow *ft_find(struct flow_table *ft, uint64_t h, const uint8_t *src, uint16_t sp,
		     const uint8_t *dst, uint16_t dp, uint8_t proto, bool v6, bool *is_orig)
{
	for (struct flow *f = ft->slots[h & (ft->n_slots - 1)]; f; f = f->hnext) {
		const struct bos_conn *c = &f->c;

		if (f->hash != h || c->proto != proto || c->v6 != v6)
			continue;
		if (c->orig_p == sp && c->resp_p == dp && addr_eq(c->orig_h, src, v6) &&
		    addr_eq(c->resp_h, dst, v6)) {
			*is_orig = true;
			return f;
		}
		if (c->orig_p == dp && c->resp_p == sp && addr_eq(c->orig_h, dst, v6) &&
		    addr_eq(c->resp_h, src, v6)) {
			*is_orig = false;
			return f;
		}
	}
	return NULL;
}

static void chain_push(struct flow **head, struct flow *f)
{
	f->hnext = *head;
	if (*head)
		(*head)->hpprev = &f->hnext;
	f->hpprev = head;
	*head = f;
}

static void grow(struct flow_table *ft)
{
	size_t n = ft->n_slots * 2;
	struct flow **slots = calloc(n, sizeof(*slots));

	if (!slots)
		return; /* keep the smaller table: slower, still correct */
	for (size_t i = 0; i < ft->n_slots; i++) {
		struct flow *f = ft->slots[i], *next;

		for (; f; f = next) {
			next = f->hnext;
			chain_push(&slots[f->hash & (n - 1)], f);
		}
	}
	free(ft->slots);
	ft->slots = slots;
	ft->n_slots = n;
}

void ft_insert(struct flow_table *ft, struct flow *f)
{
	size_t i;

	if (ft->live >= ft->n_slots && ft->n_slots < ft->max * 2)
		grow(ft);
	i = f->hash & (ft->n_slots - 1);
	chain_push(&ft->slots[i], f);
	ft->live++;
	f->list = FL__COUNT;
	f->lprev = f->lnext = NULL;
}

static void list_unlink(struct flow_table *ft, struct flow *f)
{
	if (f->list == FL__COUNT)
		return;
	if (f->lprev)
		f->lprev->lnext = f->lnext;
	else
		ft->head[f->list] = f->lnext;
	if (f->lnext)
		f->lnext->lprev = f->lprev;
	else
		ft->tail[f->list] = f->lprev;
	f->lprev = f->lnext = NULL;
	f->list = FL__COUNT;
}

/* O(1): the chain is doubly linked, so removing a flow does not walk its bucket. */
void ft_remove(struct flow_table *ft, struct flow *f)
{
	if (f->hpprev) {
		*f->hpprev = f->hnext;
		if (f->hnext)
			f->hnext->hpprev = f->hpprev;
		f->hnext = NULL;
		f->hpprev = NULL;
		ft->live--;
	}
	list_unlink(ft, f);
}

void ft_touch(struct flow_table *ft, struct flow *f, enum flow_list l)
{
	if (f->list == l && ft->tail[l] == f)
		return;
	list_unlink(ft, f);
	f->list = l;
	f->lprev = ft->tail[l];
	f->lnext = NULL;
	if (ft->tail[l])
		ft->tail[l]->lnext = f;
	else
		ft->head[l] = f;
	ft->tail[l] = f;
}
