/*
 * libFuzzer harness for the HTTP/1.x streaming dissector (src/proto/http.c).
 * Input layout: byte 0 seeds the segmentation, bytes 1-2 (big endian) give the length of
 * the client stream, then the client bytes, then the server bytes (fuzz/corpus/http seeds
 * are built that way from corpus pcaps). The two streams are fed interleaved in chunks of
 * pseudo-random sizes (1..64 bytes, sometimes a gap instead), so framing is exercised at
 * arbitrary split points across both directions; tunnel bytes go on to the TLS dissector
 * as the flow engine does. Every transaction is written as http.log JSON.
 */
#include <stddef.h>
#include <stdint.h>

#include "bos/http.h"
#include "bos/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct bos_json j;
	struct bos_tls_conn *tls;
};

static void on_txn(void *vctx, const struct bos_http_txn *t)
{
	struct ctx *c = vctx;

	bos_json_obj_begin(&c->j);
	bos_http_write_json(t, &c->j);
	bos_json_obj_end(&c->j);
}

static void on_tunnel(void *vctx, enum bos_dir dir, const uint8_t *p, size_t len)
{
	struct ctx *c = vctx;

	bos_tls_conn_feed(c->tls, dir, p, len);
}

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bos_http_cb cb = { .txn = on_txn, .tunnel_data = on_tunnel };
	struct bos_buf out = BOS_BUF_INIT;
	struct ctx c;
	struct bos_http_conn *h;
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

	bos_json_init(&c.j, &out, 0);
	bos_json_arr_begin(&c.j);
	c.tls = bos_tls_conn_new();
	h = bos_http_conn_new(&cb, &c);
	while (left[0] || left[1]) {
		uint32_t r = next(&seed);
		int d = left[0] && left[1] ? (int)(r & 1) : (left[0] ? 0 : 1);
		size_t n = 1 + (r >> 1 & 63);

		if (n > left[d])
			n = left[d];
		if ((r >> 8 & 255) == 0)	/* rarely: the capture lost these bytes */
			bos_http_conn_gap(h, (enum bos_dir)d, n);
		else
			bos_http_conn_feed(h, (enum bos_dir)d, s[d], n);
		s[d] += n;
		left[d] -= n;
	}
	bos_http_conn_finish(h);
	(void)bos_http_conn_stats(h);
	bos_http_conn_free(h);
	bos_json_obj_begin(&c.j);
	bos_tls_write_json(bos_tls_conn_info(c.tls), &c.j);
	bos_json_obj_end(&c.j);
	bos_tls_conn_free(c.tls);
	bos_json_arr_end(&c.j);
	bos_buf_release(&out);
	return 0;
}
