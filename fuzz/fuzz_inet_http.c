/*
 * libFuzzer harness for the sinkhole's HTTP request-head parser (src/inet/http.c): any
 * bytes, and every prefix of them (the server parses after each read). A complete head
 * must stay complete when more bytes follow.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../src/inet/inet_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inet_http_req req;
	bool complete = false;
	size_t i;

	if (size > 4096)
		size = 4096;
	for (i = 0; i <= size; i++) {
		enum bos_parse pr = inet_http_parse(data, i, &req);

		if (complete && pr != BOS_PARSE_OK)
			abort();
		complete = pr == BOS_PARSE_OK;
	}
	return 0;
}
