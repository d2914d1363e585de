/*
 * libFuzzer harness for the TLS dissector (src/proto/tls.c).
 * Input layout (as fuzz_http): byte 0 seeds the segmentation, bytes 1-2 (big endian) the
 * length of the client stream, then client bytes, then server bytes. Both streams are fed
 * interleaved in pseudo-random chunks (sometimes a gap). The client stream is also given
 * straight to bos_tls_parse_client_hello (as a bare hello body, the fingerprint path), and
 * the result is written as ssl.log JSON.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bos/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bos_tls_info info;
	struct bos_buf out = BOS_BUF_INIT;
	struct bos_json j;
	struct bos_tls_conn *c;
	const uint8_t *s[2];
	size_t left[2], clen;
	uint32_t seed;

	if (size < 3)
		return 0;
	seed = 0x9e3779b9u ^ data[0];
	clen = (size_t)data[1] << 8 | data[2];
	data += 3;
	size -= 3;
	if (clen > size)
		clen = size;
	s[0] = data;
	left[0] = clen;
	s[1] = data + clen;
	left[1] = size - clen;

	bos_json_init(&j, &out, 0);
	bos_json_arr_begin(&j);
	/* The bare hello parser on the client bytes after a record + handshake header. */
	memset(&info, 0, sizeof(info));
	if (clen > 9)
		bos_tls_parse_client_hello(data + 9, clen - 9, &info);

	c = bos_tls_conn_new();
	while (left[0] || left[1]) {
		uint32_t r = next(&seed);
		int d = left[0] && left[1] ? (int)(r & 1) : (left[0] ? 0 : 1);
		size_t n = 1 + (r >> 1 & 127);

		if (n > left[d])
			n = left[d];
		if ((r >> 8 & 255) == 0)
			bos_tls_conn_gap(c, (enum bos_dir)d, n);
		else
			bos_tls_conn_feed(c, (enum bos_dir)d, s[d], n);
		s[d] += n;
		left[d] -= n;
	}
	bos_json_obj_begin(&j);
	bos_tls_write_json(bos_tls_conn_info(c), &j);
	bos_json_obj_end(&j);
	bos_tls_conn_free(c);
	bos_json_arr_end(&j);
	bos_buf_release(&out);
	return 0;
}
