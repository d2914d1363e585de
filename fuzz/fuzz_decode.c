/*
 * libFuzzer harness: the L2-L4 decoder on one frame. The first byte picks the link type
 * (index into the supported ones), the rest is the frame. Seeds: fuzz/corpus/decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bos/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t links[] = { 1, 0, 101, 108, 113, 228, 229, 276, 12, 14, 147 };
	struct bos_pkt p;
	uint8_t *copy;

	if (size < 1)
		return 0;
	/* An exact-size heap copy so ASan sees any read past the frame. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	(void)bos_pkt_decode(&p, links[data[0] % (sizeof(links) / sizeof(links[0]))], copy,
			     size - 1);
	if (p.flags & BOS_PKT_HAS_L4) {
		/* The payload view must lie inside the frame. */
		if (p.payload_len && (p.payload < copy || p.payload + p.payload_len > copy + size - 1))
			abort();
	}
	free(copy);
	return 0;
}
