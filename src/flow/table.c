/*
 * The live-flow table: chained hash keyed with SipHash-2-4 under a random key (an attacker
 * choosing tuples cannot aim at one bucket; suricata's hash_rand), a cap on live flows,
 * and four expiry lists (flow_int.h) so that expiring idle flows costs O(1) per flow.
 * The table grows by doubling up to the slot count the flow cap needs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&m, in + i, 8);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; i + j < n; j++)
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
	memset(ft, 0, sizeof(*ft));
	ft->n_slots = 1024;
	ft->slots = calloc(ft->n_slots, sizeof(*ft->slots));
	if (!ft->slots)
		return -ENOMEM;
	ft->max = max;
	memcpy(ft->key, key, 16);
	return 0;
}

void ft_release(struct flow_table *ft)
{
	free(ft->slots);
	ft->slots = NULL;
}

uint64_t ft_hash(const struct flow_table *ft, const uint8_t *a, uint16_t pa, const uint8_t *b,
		 uint16_t pb, uint8_t proto, bool v6)
{
	uint8_t buf[16 + 16 + 2 + 2 + 1];
	size_t alen = v6 ? 16 : 4, n = 0;
	int cmp = memcmp(a, b, alen);

	if (cmp > 0 || (cmp == 0 && pa > pb)) {
		const uint8_t *t = a;
		uint16_t tp = pa;

		a = b;
		b = t;
		pa = pb;
		pb = tp;
	}
	memcpy(buf, a, alen);
	n += alen;
	memcpy(buf + n, b, alen);
	n += alen;
	memcpy(buf + n, &pa, 2);
	memcpy(buf + n + 2, &pb, 2);
	buf[n + 4] = proto;
	return ft_siphash(ft->key, buf, n + 5);
}

struct flow *ft_find(struct flow_table *ft, uint64_t h, const uint8_t *src, uint16_t sp,
		     const uint8_t *dst, uint16_t dp, uint8_t proto, bool v6, bool *is_orig)
{
	size_t alen = v6 ? 16 : 4;

	for (struct flow *f = ft->slots[h & (ft->n_slots - 1)]; f; f = f->hnext) {
		const struct bos_conn *c = &f->c;

		if (f->hash != h || c->proto != proto || c->v6 != v6)
			continue;
		if (c->orig_p == sp && c->resp_p == dp && !memcmp(c->orig_h, src, alen) &&
		    !memcmp(c->resp_h, dst, alen)) {
			*is_orig = true;
			return f;
		}
		if (c->orig_p == dp && c->resp_p == sp && !memcmp(c->orig_h, dst, alen) &&
		    !memcmp(c->resp_h, src, alen)) {
			*is_orig = false;
			return f;
		}
	}
	return NULL;
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
			f->hnext = slots[f->hash & (n - 1)];
			slots[f->hash & (n - 1)] = f;
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
	f->hnext = ft->slots[i];
	ft->slots[i] = f;
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

void ft_remove(struct flow_table *ft, struct flow *f)
{
	struct flow **pp = &ft->slots[f->hash & (ft->n_slots - 1)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == f) {
			*pp = f->hnext;
			ft->live--;
			break;
		}
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
