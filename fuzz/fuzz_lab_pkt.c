/*
 * libFuzzer harness for the lab's live-capture packet classifier (bos_lab_pkt_classify in
 * src/sandbox/capture.c): it reads the Ethernet, VLAN, IPv4, TCP/UDP and DNS header bytes
 * of every frame the sample sends, so it gets hostile input. The input is one frame; it
 * is also classified at every shorter length, so each truncation point is exercised.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bos/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bos_lab_pkt_class k;

	if (size > 4096)
		size = 4096;
	for (size_t n = 0; n <= size; n++) {
		/* A fresh copy of exactly n bytes, so ASan sees any read past the end. */
		uint8_t *p = malloc(n ? n : 1);

		if (!p)
			return 0;
		if (n)
			memcpy(p, data, n);
		bos_lab_pkt_classify(p, n, &k);
		free(p);
	}
	return 0;
}
