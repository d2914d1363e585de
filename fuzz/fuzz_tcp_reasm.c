/*
 * libFuzzer harness: TCP reassembly. The input is a program of operations on one stream:
 *   op (1) | seq offset (2, big endian) | len (1) | len bytes   data at start + offset
 *   op & 3 == 1: ack up to start + offset;  == 2: flush;  else data
 * Checks the invariants: every delivered byte equals what was sent at its position, the
 * stream position only moves forward, and buffered bytes stay under the caps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bos/flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	uint8_t truth[65536 + 256];	/* what was sent at each offset (first copy) */
	uint8_t known[65536 + 256];
	uint64_t pos;			/* next offset the sink expects */
};

static struct check ck;

static void sink(void *ctx, const uint8_t *d, size_t len)
{
	struct check *c = ctx;

	if (d) {
		for (size_t i = 0; i < len; i++) {
			uint64_t at = c->pos + i;

			if (at >= sizeof(c->truth) || !c->known[at] || c->truth[at] != d[i])
				abort();	/* delivered a byte that was never sent there */
		}
	}
	c->pos += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint64_t start = 1000;
	struct bos_reasm r;
	size_t i = 0;

	memset(&ck, 0, sizeof(ck));
	ck.pos = 0;
	bos_reasm_init(&r);
	bos_reasm_start(&r, start);
	while (i + 4 <= size) {
		uint8_t op = data[i];
		uint16_t off = (uint16_t)(data[i + 1] << 8 | data[i + 2]);
		size_t len = data[i + 3];
		uint64_t before = r.next;

		i += 4;
		if ((op & 3) == 1) {
			bos_reasm_ack(&r, start + off, sink, &ck);
		} else if ((op & 3) == 2) {
			bos_reasm_flush(&r, sink, &ck);
		} else {
			if (len > size - i)
				len = size - i;
			/* a retransmission may carry different bytes: the first copy wins, and
			 * only bytes not yet delivered or buffered are recorded as truth */
			for (size_t k = 0; k < len; k++) {
				if (!ck.known[off + k]) {
					ck.known[off + k] = 1;
					ck.truth[off + k] = data[i + k];
				}
			}
			bos_reasm_data(&r, start + off, data + i, len, sink, &ck);
			i += len;
		}
		if (r.next < before || r.next - start != ck.pos)
			abort();
		if (r.n_segs > BOS_FLOW_MAX_OOO_SEGS || r.bytes > BOS_FLOW_MAX_OOO_BYTES)
			abort();
	}
	bos_reasm_flush(&r, sink, &ck);
	if (r.n_segs != 0)
		abort();
	bos_reasm_release(&r);
	return 0;
}
