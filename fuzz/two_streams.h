/*
 * Input layout of the stream-dissector harnesses (fuzz_http, fuzz_tls): byte 0 seeds the
 * segmentation, bytes 1-2 (big endian) give the length of the client stream, then the
 * client bytes, then the server bytes. The two streams come back interleaved in chunks of
 * pseudo-random sizes (1..max_chunk bytes), now and then as a gap (bytes the capture lost),
 * so framing is exercised at arbitrary split points across both directions.
 */
#ifndef BOS_FUZZ_TWO_STREAMS_H
#define BOS_FUZZ_TWO_STREAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct two_streams {
	const uint8_t *s[2];
	size_t left[2];
	uint32_t seed;
	uint32_t chunk_mask;		/* max_chunk - 1, a power of two minus one */
};

/* False when the input is too short to hold the header. */
static inline bool two_streams_init(struct two_streams *t, const uint8_t *data, size_t size,
				    uint32_t max_chunk)
{
	size_t clen;

	if (size < 3)
		return false;
	t->seed = 0x9e3779b9u ^ data[0];
	clen = (size_t)data[1] << 8 | data[2];
	data += 3;
	size -= 3;
	if (clen > size)
		clen = size;
	t->s[0] = data;
	t->left[0] = clen;
	t->s[1] = data + clen;
	t->left[1] = size - clen;
	t->chunk_mask = max_chunk - 1;
	return true;
}

/* The next chunk: direction, bytes, length, and whether to feed it as a gap. False when
 * both streams are used up. */
static inline bool two_streams_next(struct two_streams *t, int *dir, const uint8_t **p,
				    size_t *n, bool *gap)
{
	uint32_t r;
	int d;

	if (!t->left[0] && !t->left[1])
		return false;
	t->seed ^= t->seed << 13;	/* xorshift32 */
	t->seed ^= t->seed >> 17;
	t->seed ^= t->seed << 5;
	r = t->seed;
	d = t->left[0] && t->left[1] ? (int)(r & 1) : (t->left[0] ? 0 : 1);
	*n = 1 + (r >> 1 & t->chunk_mask);
	if (*n > t->left[d])
		*n = t->left[d];
	*gap = (r >> 8 & 255) == 0;
	*dir = d;
	*p = t->s[d];
	t->s[d] += *n;
	t->left[d] -= *n;
	return true;
}

#endif
