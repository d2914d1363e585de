/*
 * libFuzzer harness for the DNS dissector (src/proto/dns.c). The input is used three ways:
 * as one DNS message (UDP payload, also parsed as NetBIOS NS), as a DNS-over-TCP byte stream (2-byte length prefixes,
 * RFC 7766) whose messages go through a transaction tracker, and every parsed message is
 * written as dns.log JSON so the renderers run on whatever was decoded.
 */
#include <stddef.h>
#include <stdint.h>

#include "bos/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_txn(void *ctx, const struct bos_dns_txn *tx)
{
	struct bos_json *j = ctx;

	bos_json_obj_begin(j);
	bos_dns_write_json(tx, j);
	bos_json_obj_end(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bos_buf out = BOS_BUF_INIT;
	struct bos_json j;
	struct bos_dns_tracker *t;
	struct bos_dns_msg m;
	size_t off = 0;
	int64_t ts = 0;

	bos_json_init(&j, &out, 0);
	bos_json_arr_begin(&j);
	t = bos_dns_tracker_new(on_txn, &j);

	/* UDP: the whole input is one message, as DNS and as NetBIOS name service. */
	bos_dns_parse(data, size, &m);
	bos_dns_tracker_add_take(t, &m, ts++);
	bos_dns_parse_nbns(data, size, &m);
	bos_dns_tracker_add_take(t, &m, ts++);

	/* TCP: a stream of length-prefixed messages. */
	while (off < size) {
		size_t len = 0, need = 0;

		if (bos_dns_tcp_split(data + off, size - off, &len, &need) != BOS_PARSE_OK)
			break;
		bos_dns_parse(data + off + 2, len, &m);
		bos_dns_tracker_add_take(t, &m, ts++);
		off += 2 + len;
	}
	bos_dns_tracker_finish(t);
	bos_dns_tracker_free(t);
	bos_json_arr_end(&j);
	bos_buf_release(&out);
	return 0;
}
