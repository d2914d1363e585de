/*
 * libFuzzer harness for the HTTP/1.x streaming dissector (src/proto/http.c).
 * Input: two streams, fed interleaved in chunks of 1..64 bytes (two_streams.h;
 * fuzz/corpus/http seeds are built that way from corpus pcaps); tunnel bytes go on to the
 * TLS dissector as the flow engine does. Every transaction is written as http.log JSON.
 */
#include <stddef.h>
#include <stdint.h>

#include "bos/http.h"
#include "bos/tls.h"
#include "two_streams.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bos_http_cb cb = { .txn = on_txn, .tunnel_data = on_tunnel };
	struct bos_buf out = BOS_BUF_INIT;
	struct ctx c;
	struct bos_http_conn *h;
	struct two_streams in;
	const uint8_t *p;
	size_t n;
	bool gap;
	int d;

	if (!two_streams_init(&in, data, size, 64))
		return 0;

	bos_json_init(&c.j, &out, 0);
	bos_json_arr_begin(&c.j);
	c.tls = bos_tls_conn_new();
	h = bos_http_conn_new(&cb, &c);
	while (two_streams_next(&in, &d, &p, &n, &gap)) {
		if (gap)
			bos_http_conn_gap(h, (enum bos_dir)d, n);
		else
			bos_http_conn_feed(h, (enum bos_dir)d, p, n);
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
