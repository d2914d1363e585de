/* Unit tests of the live-flow table (src/flow/table.c): symmetric keyed hash, lookup both
 * ways, removal from any place in a bucket, growth. */
#include <stdlib.h>
#include <string.h>

#include "../../src/flow/flow_int.h"
#include "harness.h"

static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void set_flow(struct flow_table *ft, struct flow *f, uint32_t i, bool v6)
{
	memset(f, 0, sizeof(*f));
	f->c.proto = 6;
	f->c.v6 = v6;
	f->c.orig_h[0] = 10;
	f->c.orig_h[3] = (uint8_t)i;
	f->c.orig_h[15] = v6 ? (uint8_t)(i >> 8) : 0;
	f->c.resp_h[0] = 192;
	f->c.resp_h[3] = 1;
	f->c.orig_p = (uint16_t)(1024 + i);
	f->c.resp_p = 80;
	f->hash = ft_hash(ft, f->c.orig_h, f->c.orig_p, f->c.resp_h, f->c.resp_p, 6, v6);
}

static struct flow *find(struct flow_table *ft, const struct flow *f, bool reverse,
			 bool *is_orig)
{
	const struct bos_conn *c = &f->c;

	if (reverse)
		return ft_find(ft, f->hash, c->resp_h, c->resp_p, c->orig_h, c->orig_p, 6, c->v6,
			       is_orig);
	return ft_find(ft, f->hash, c->orig_h, c->orig_p, c->resp_h, c->resp_p, 6, c->v6,
		       is_orig);
}

void test_flow_table__hash_is_symmetric_and_keyed(void)
{
	struct flow_table a, b;
	uint8_t x[16] = {10, 0, 0, 1}, y[16] = {10, 0, 0, 2};

	BT_ASSERT_EQ_INT(ft_init(&a, 100, key), 0);
	BT_ASSERT_EQ_INT(ft_init(&b, 100, key), 0);
	for (int v6 = 0; v6 <= 1; v6++) {
		uint64_t h = ft_hash(&a, x, 1000, y, 80, 6, v6);

		BT_ASSERT(h == ft_hash(&a, y, 80, x, 1000, 6, v6));
		BT_ASSERT(h != ft_hash(&a, x, 1001, y, 80, 6, v6));
		BT_ASSERT(h != ft_hash(&a, x, 1000, y, 80, 17, v6));
		/* Same address, ports decide the order. */
		BT_ASSERT(ft_hash(&a, x, 1, x, 2, 17, v6) == ft_hash(&a, x, 2, x, 1, 17, v6));
		/* Each table draws its own random key: the caller's key alone does not
		 * predict the buckets. */
		BT_ASSERT(h != ft_hash(&b, x, 1000, y, 80, 6, v6));
	}
	BT_ASSERT(ft_hash(&a, x, 1000, y, 80, 6, false) != ft_hash(&a, x, 1000, y, 80, 6, true));
	ft_release(&a);
	ft_release(&b);
}

/* SipHash-2-4 (flow uids) against the paper's vectors (key 00..0f, message 00..n-1):
 * the empty message and 15 bytes, whose last 7 take both tail paths. */
void test_flow_table__siphash24_vectors(void)
{
	uint64_t k[2];
	uint8_t kb[16], msg[15];

	for (int i = 0; i < 16; i++)
		kb[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	/* The key is read as two little-endian words. */
	k[0] = k[1] = 0;
	for (int i = 0; i < 8; i++) {
		k[0] |= (uint64_t)kb[i] << (8 * i);
		k[1] |= (uint64_t)kb[8 + i] << (8 * i);
	}
	BT_ASSERT(ft_siphash(k, msg, 0) == 0x726fdb47dd0e0e31ULL);
	BT_ASSERT(ft_siphash(k, msg, 15) == 0xa129ca6149be45e5ULL);
}

/* v4 orders the endpoints by address then port in one 48-bit comparison: both ways agree
 * whichever field decides, and distinct tuples do not collide (a 64-bit hash: a collision
 * among these 4096 would mean two fields overlap in the message). */
void test_flow_table__hash_v4_order_and_fields(void)
{
	static const uint8_t lo[16] = {10, 0, 0, 1}, hi[16] = {200, 0, 0, 1};
	static const uint16_t ports[] = {0, 1, 80, 255, 256, 32768, 65535};
	struct flow_table a;
	uint64_t *seen = calloc(4096, sizeof(*seen));
	size_t n = 0;

	BT_ASSERT(seen != NULL);
	BT_ASSERT_EQ_INT(ft_init(&a, 100, key), 0);
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		for (size_t j = 0; j < sizeof(ports) / sizeof(ports[0]); j++) {
			uint16_t p = ports[i], q = ports[j];

			BT_ASSERT(ft_hash(&a, lo, p, hi, q, 6, false) ==
				  ft_hash(&a, hi, q, lo, p, 6, false));
			BT_ASSERT(ft_hash(&a, lo, p, lo, q, 6, false) ==
				  ft_hash(&a, lo, q, lo, p, 6, false));
		}
	}
	for (uint32_t i = 0; i < 4096; i++) {
		uint8_t x[16] = {10, 0, (uint8_t)(i >> 8), (uint8_t)i}, y[16] = {10, 0, 0, 1};

		/* Vary one field at a time: an address, each port, and protocol + ports. */
		switch (i % 4) {
		case 0:
			seen[n++] = ft_hash(&a, x, 1000, y, 80, 6, false);
			break;
		case 1:
			seen[n++] = ft_hash(&a, y, (uint16_t)i, y, 80, 6, false);
			break;
		case 2:
			seen[n++] = ft_hash(&a, y, 1000, y, (uint16_t)(i + 5000), 6, false);
			break;
		default:
			seen[n++] = ft_hash(&a, x, 80, y, 1000, 17, false);
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			BT_ASSERT(seen[i] != seen[j]);
	ft_release(&a);
	free(seen);
}

/* 3000 flows in a table that starts at 1024 slots: chains of several flows, then growth;
 * every flow is found both ways, then removed in an order that hits chain heads, middles
 * and tails, and the rest stays findable. */
static void fill_find_remove(bool v6)
{
	enum { N = 3000 };
	struct flow_table ft;
	struct flow *fl = calloc(N, sizeof(*fl));
	bool is_orig;

	BT_ASSERT(fl != NULL);
	BT_ASSERT_EQ_INT(ft_init(&ft, N, key), 0);
	for (uint32_t i = 0; i < N; i++) {
		set_flow(&ft, &fl[i], i, v6);
		ft_insert(&ft, &fl[i]);
	}
	BT_ASSERT_EQ_INT(ft.live, N);
	BT_ASSERT(ft.n_slots >= N);
	for (uint32_t i = 0; i < N; i++) {
		BT_ASSERT(find(&ft, &fl[i], false, &is_orig) == &fl[i] && is_orig);
		BT_ASSERT(find(&ft, &fl[i], true, &is_orig) == &fl[i] && !is_orig);
	}
	for (uint32_t i = 0; i < N; i += 3)
		ft_remove(&ft, &fl[i]);
	for (uint32_t i = 0; i < N; i++) {
		struct flow *want = i % 3 == 0 ? NULL : &fl[i];

		BT_ASSERT(find(&ft, &fl[i], false, &is_orig) == want);
		BT_ASSERT(find(&ft, &fl[i], true, &is_orig) == want);
	}
	for (uint32_t i = 0; i < N; i++)
		ft_remove(&ft, &fl[i]); /* removed twice: a no-op */
	BT_ASSERT_EQ_INT(ft.live, 0);
	for (size_t s = 0; s < ft.n_slots; s++)
		BT_ASSERT(ft.slots[s] == NULL);
	ft_release(&ft);
	free(fl);
}

void test_flow_table__find_and_remove_v4(void)
{
	fill_find_remove(false);
}

void test_flow_table__find_and_remove_v6(void)
{
	fill_find_remove(true);
}
