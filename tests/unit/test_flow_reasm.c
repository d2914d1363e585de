/* Unit tests of TCP reassembly (bos_reasm_*): order, overlap, gaps, caps. */
#include <stdlib.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/flow.h"
#include "harness.h"

struct sink {
	struct bos_buf b;
	uint64_t gaps, gap_bytes;
};

static void on_bytes(void *ctx, const uint8_t *d, size_t len)
{
	struct sink *s = ctx;

	if (!d) {
		s->gaps++;
		s->gap_bytes += len;
		bos_buf_add(&s->b, "_", 1);
		return;
	}
	bos_buf_add(&s->b, d, len);
}

#define FEED(r, s, seq, str) bos_reasm_data((r), (seq), (const uint8_t *)(str), strlen(str), on_bytes, (s))

void test_reasm__in_order_and_out_of_order(void)
{
	struct bos_reasm r;
	struct sink s = { .b = BOS_BUF_INIT };

	bos_reasm_init(&r);
	bos_reasm_start(&r, 1);
	FEED(&r, &s, 1, "GET ");
	FEED(&r, &s, 9, "HTTP");	/* ahead: buffered */
	BT_ASSERT_EQ_STR(s.b.data, "GET ");
	FEED(&r, &s, 5, "/x y");	/* fills the hole, releases the buffer */
	BT_ASSERT_EQ_STR(s.b.data, "GET /x yHTTP");
	BT_ASSERT_EQ_INT(r.n_segs, 0);
	bos_reasm_release(&r);
	bos_buf_release(&s.b);
}

void test_reasm__retransmission_and_overlap_delivered_once(void)
{
	struct bos_reasm r;
	struct sink s = { .b = BOS_BUF_INIT };

	bos_reasm_init(&r);
	bos_reasm_start(&r, 1);
	FEED(&r, &s, 1, "abcd");
	FEED(&r, &s, 1, "abcd");	/* full retransmission */
	FEED(&r, &s, 3, "cdef");	/* overlap: only "ef" is new */
	FEED(&r, &s, 10, "jk");
	FEED(&r, &s, 9, "XJKl");	/* overlaps buffered "jk": first copy wins */
	FEED(&r, &s, 7, "gh");
	BT_ASSERT_EQ_STR(s.b.data, "abcdefghXjkl");
	BT_ASSERT_EQ_INT(r.delivered, 12);
	bos_reasm_release(&r);
	bos_buf_release(&s.b);
}

void test_reasm__ack_past_hole_is_a_gap(void)
{
	struct bos_reasm r;
	struct sink s = { .b = BOS_BUF_INIT };

	bos_reasm_init(&r);
	bos_reasm_start(&r, 1);
	FEED(&r, &s, 1, "ab");
	FEED(&r, &s, 6, "fg");		/* 3 bytes lost */
	bos_reasm_ack(&r, 8, on_bytes, &s);
	BT_ASSERT_EQ_STR(s.b.data, "ab_fg");
	BT_ASSERT_EQ_INT(s.gap_bytes, 3);
	BT_ASSERT_EQ_INT(r.gap_bytes, 3);
	bos_reasm_ack(&r, 20, on_bytes, &s);	/* acked bytes never seen */
	BT_ASSERT_EQ_INT(r.gap_bytes, 15);
	bos_reasm_release(&r);
	bos_buf_release(&s.b);
}

void test_reasm__flush_reports_holes(void)
{
	struct bos_reasm r;
	struct sink s = { .b = BOS_BUF_INIT };

	bos_reasm_init(&r);
	bos_reasm_start(&r, 1);
	FEED(&r, &s, 5, "ef");
	FEED(&r, &s, 10, "j");
	bos_reasm_flush(&r, on_bytes, &s);
	BT_ASSERT_EQ_STR(s.b.data, "_ef_j");
	BT_ASSERT_EQ_INT(s.gaps, 2);
	BT_ASSERT_EQ_INT(r.n_segs, 0);
	bos_reasm_release(&r);
	bos_buf_release(&s.b);
}

void test_reasm__cap_bounds_memory(void)
{
	struct bos_reasm r;
	struct sink s = { .b = BOS_BUF_INIT };
	static uint8_t chunk[1000];

	memset(chunk, 'x', sizeof(chunk));
	bos_reasm_init(&r);
	bos_reasm_start(&r, 1);
	/* Never fill the first byte: every segment is out of order. */
	for (uint64_t i = 0; i < 2 * BOS_FLOW_MAX_OOO_SEGS; i++)
		bos_reasm_data(&r, 2 + i * 2000, chunk, sizeof(chunk), on_bytes, &s);
	BT_ASSERT(r.n_segs <= BOS_FLOW_MAX_OOO_SEGS);
	BT_ASSERT(r.bytes <= BOS_FLOW_MAX_OOO_BYTES);
	BT_ASSERT(r.cap_hits > 0);
	BT_ASSERT(r.gap_bytes > 0);		/* holes were given up, data delivered */
	BT_ASSERT(r.delivered > 0);
	bos_reasm_release(&r);
	bos_buf_release(&s.b);
}

/* fuzz_tcp_reasm found: an in-order segment overlapping bytes already buffered out of
 * order was delivered whole, replacing the buffered first copy (fuzz/regress/tcp_reasm/
 * inorder-overwrites-buffered-first-copy). The buffered copy must win. */
void test_reasm__regress_in_order_does_not_replace_buffered(void)
{
	struct bos_reasm r;
	struct sink s = { .b = BOS_BUF_INIT };

	bos_reasm_init(&r);
	bos_reasm_start(&r, 0);
	FEED(&r, &s, 6, "2w rl");		/* buffered: positions 6..10 */
	FEED(&r, &s, 0, "hello XXXXXd!");	/* in order, covers 6..10 with other bytes */
	BT_ASSERT_EQ_STR(s.b.data, "hello 2w rld!");
	BT_ASSERT_EQ_INT(r.n_segs, 0);
	bos_reasm_release(&r);
	bos_buf_release(&s.b);
}
