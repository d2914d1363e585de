/*
 * libFuzzer harness for the TLS dissector (src/proto/tls.c).
 * Input: two streams, fed interleaved in chunks of 1..128 bytes (two_streams.h). The
 * client stream is also given
 * straight to bos_tls_parse_client_hello (as a bare hello body, the fingerprint path), and
 * the result is written as ssl.log JSON.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bos/tls.h"
#include "two_streams.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bos_tls_info info;
	struct bos_buf out = BOS_BUF_INIT;
	struct bos_json j;
	struct bos_tls_conn *c;
	struct two_streams in;
	const uint8_t *p;
	size_t n;
	bool gap;
	int d;

	if (!two_streams_init(&in, data, size, 128))
		return 0;

	bos_json_init(&j, &out, 0);
	bos_json_arr_begin(&j);
	/* The bare hello parser on the client bytes after a record + handshake header. */
	memset(&info, 0, sizeof(info));
	if (in.left[0] > 9)
		bos_tls_parse_client_hello(in.s[0] + 9, in.left[0] - 9, &info);

	c = bos_tls_conn_new();
	while (two_streams_next(&in, &d, &p, &n, &gap)) {
		if (gap)
			bos_tls_conn_gap(c, (enum bos_dir)d, n);
		else
			bos_tls_conn_feed(c, (enum bos_dir)d, p, n);
	}
	bos_json_obj_begin(&j);
	bos_tls_write_json(bos_tls_conn_info(c), &j);
	bos_json_obj_end(&j);
	bos_tls_conn_free(c);
	bos_json_arr_end(&j);
	bos_buf_release(&out);
	return 0;
}
