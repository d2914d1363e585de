/*
 * TCP stream reassembly for one direction (bos/flow.h). Positions are 64-bit relative
 * sequence numbers from the connection code, so wrap-around is already handled there.
 *
 * Buffered segments live in a sorted singly linked list of non-overlapping copies; the list
 * is bounded by BOS_FLOW_MAX_OOO_SEGS and BOS_FLOW_MAX_OOO_BYTES. Policy on overlap: the
 * first copy of a byte wins (bytes already delivered or buffered are never replaced),
 * which is what Zeek does by default and what most stacks accept. When a cap is hit the
 * hole in front of the buffer is given up: it is reported as a gap and delivery resumes,
 * so memory stays bounded whatever an attacker sends.
 */
#include <stdlib.h>
#include <string.h>

#include "bos/flow.h"

struct bos_reasm_seg {
	struct bos_reasm_seg *next;
	uint64_t seq;
	size_t len;
	uint8_t data[];
};

void bos_reasm_init(struct bos_reasm *r)
{
	memset(r, 0, sizeof(*r));
}

void bos_reasm_start(struct bos_reasm *r, uint64_t seq)
{
	if (!r->started) {
		r->next = seq;
		r->started = true;
	}
}

static void deliver(struct bos_reasm *r, const uint8_t *data, size_t len, bos_reasm_fn fn,
		    void *ctx)
{
	if (!len)
		return;
	r->delivered += len;
	r->next += len;
	fn(ctx, data, len);
}

static void gap(struct bos_reasm *r, uint64_t len, bos_reasm_fn fn, void *ctx)
{
	if (!len)
		return;
	r->gap_bytes += len;
	r->next += len;
	fn(ctx, NULL, (size_t)len);
}

/* Deliver buffered segments that now start at or before r->next. */
static void drain(struct bos_reasm *r, bos_reasm_fn fn, void *ctx)
{
	while (r->segs && r->segs->seq <= r->next) {
		struct bos_reasm_seg *s = r->segs;
		uint64_t end = s->seq + s->len;

		r->segs = s->next;
		r->n_segs--;
		r->bytes -= s->len;
		if (end > r->next)
			deliver(r, s->data + (r->next - s->seq), (size_t)(end - r->next), fn, ctx);
		free(s);
	}
}

/* Give up on the hole in front of the first buffered segment. */
static void skip_hole(struct bos_reasm *r, bos_reasm_fn fn, void *ctx)
{
	if (r->segs && r->segs->seq > r->next)
		gap(r, r->segs->seq - r->next, fn, ctx);
	drain(r, fn, ctx);
}

/* Insert [seq, seq+len) minus what is already buffered. */
static void buffer(struct bos_reasm *r, uint64_t seq, const uint8_t *data, size_t len)
{
	struct bos_reasm_seg **pp = &r->segs;
	uint64_t end = seq + len;

	while (seq < end) {
		struct bos_reasm_seg *cur = *pp, *s;
		uint64_t piece_end = end;

		if (cur && cur->seq <= seq) {
			if (cur->seq + cur->len > seq)
				seq = cur->seq + cur->len; /* covered: first copy wins */
			pp = &cur->next;
			continue;
		}
		if (cur && cur->seq < piece_end)
			piece_end = cur->seq;
		if (piece_end > seq) {
			size_t n = (size_t)(piece_end - seq);

			if (r->n_segs >= BOS_FLOW_MAX_OOO_SEGS ||
			    r->bytes + n > BOS_FLOW_MAX_OOO_BYTES) {
				r->cap_hits++;
				return;
			}
			s = malloc(sizeof(*s) + n);
			if (!s) {
				r->cap_hits++;
				return;
			}
			s->seq = seq;
			s->len = n;
			memcpy(s->data, data + (size_t)(seq - (end - len)), n);
			s->next = cur;
			*pp = s;
			pp = &s->next;
			r->n_segs++;
			r->bytes += n;
			seq = piece_end;
		}
	}
}

void bos_reasm_data(struct bos_reasm *r, uint64_t seq, const uint8_t *data, size_t len,
		    bos_reasm_fn fn, void *ctx)
{
	uint64_t end = seq + len, hits;

	if (!len)
		return;
	if (!r->started) {
		r->next = seq;
		r->started = true;
	}
	if (end <= r->next)
		return; /* retransmission of delivered bytes */
	if (seq <= r->next) {
		/* In order. Bytes already buffered keep their first copy: deliver the new
		 * data only up to the next buffered segment, then that segment, and so on. */
		while (end > r->next) {
			uint64_t stop = end;

			if (r->segs && r->segs->seq < stop)
				stop = r->segs->seq;
			if (stop > r->next)
				deliver(r, data + (r->next - seq), (size_t)(stop - r->next), fn,
					ctx);
			drain(r, fn, ctx);
		}
		return;
	}
	hits = r->cap_hits;
	buffer(r, seq, data, len);
	if (r->cap_hits == hits)
		return;
	/* Full: the holes in front of this segment will not be waited for any longer. */
	while (r->segs && r->segs->seq <= seq)
		skip_hole(r, fn, ctx);
	if (seq > r->next)
		gap(r, seq - r->next, fn, ctx);
	bos_reasm_data(r, seq, data, len, fn, ctx);
}

void bos_reasm_ack(struct bos_reasm *r, uint64_t ack, bos_reasm_fn fn, void *ctx)
{
	if (!r->started || ack <= r->next)
		return;
	/* Everything below ack reached the peer; what we lack of it was not captured. */
	while (r->next < ack) {
		if (r->segs && r->segs->seq <= ack) {
			skip_hole(r, fn, ctx);
		} else {
			gap(r, ack - r->next, fn, ctx);
			drain(r, fn, ctx);
		}
	}
}

void bos_reasm_flush(struct bos_reasm *r, bos_reasm_fn fn, void *ctx)
{
	while (r->segs)
		skip_hole(r, fn, ctx);
}

void bos_reasm_release(struct bos_reasm *r)
{
	while (r->segs) {
		struct bos_reasm_seg *s = r->segs;

		r->segs = s->next;
		free(s);
	}
	r->n_segs = r->bytes = 0;
}
