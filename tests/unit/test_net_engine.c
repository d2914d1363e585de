/*
 * The engine end to end on hand-built captures (every packet spelled out below): TCP
 * reassembly feeding the dissectors across reordered segments, DNS over TCP framing,
 * content gaps counted as missed_bytes, and the flow cap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/net.h"
#include "harness.h"

struct cap {
	struct bos_buf b;
	uint32_t t;		/* microseconds */
	uint32_t cseq, sseq;
};

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static void le32(struct bos_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	bos_buf_add(b, x, 4);
}

static void cap_init(struct cap *c)
{
	static const uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					 0xff, 0xff, 0, 0, 1, 0, 0, 0 };

	memset(c, 0, sizeof(*c));
	bos_buf_init(&c->b);
	bos_buf_add(&c->b, hdr, sizeof(hdr));
	c->cseq = 1000;
	c->sseq = 9000;
}

/* 10.0.0.1:40000 <-> 10.0.0.2:port, Ethernet/IPv4/TCP, seq given explicitly (rel to ISN). */
static void segn(struct cap *c, bool from_client, uint16_t port, uint8_t flags, uint32_t rel_seq,
		 uint32_t rel_ack, const void *data, size_t len)
{
	uint8_t f[14 + 20 + 20 + 1500];
	size_t n = 14 + 20 + 20 + len;

	memset(f, 0, 54);
	f[12] = 0x08;
	f[14] = 0x45;
	put16(f + 16, (uint32_t)(40 + len));
	f[22] = 64;
	f[23] = 6;
	put32(f + 26, from_client ? 0x0a000001 : 0x0a000002);
	put32(f + 30, from_client ? 0x0a000002 : 0x0a000001);
	put16(f + 34, from_client ? 40000 : port);
	put16(f + 36, from_client ? port : 40000);
	put32(f + 38, (from_client ? c->cseq : c->sseq) + rel_seq);
	put32(f + 42, (flags & 0x10) ? (from_client ? c->sseq : c->cseq) + rel_ack : 0);
	f[46] = 0x50;
	f[47] = flags;
	put16(f + 48, 1000);
	if (len)
		memcpy(f + 54, data, len);
	c->t += 1000;
	le32(&c->b, 1700000000);
	le32(&c->b, c->t);
	le32(&c->b, (uint32_t)n);
	le32(&c->b, (uint32_t)n);
	bos_buf_add(&c->b, f, n);
}

static void seg(struct cap *c, bool from_client, uint16_t port, uint8_t flags, uint32_t rel_seq,
		uint32_t rel_ack, const char *data)
{
	segn(c, from_client, port, flags, rel_seq, rel_ack, data, data ? strlen(data) : 0);
}

static char *run(struct cap *c, const char *log, const char *dir)
{
	char path[4096];
	const char *paths[1] = { path };
	struct bos_net_opts o = BOS_NET_OPTS_INIT;
	struct bos_net_stats st;
	struct bos_err err = BOS_ERR_INIT;
	FILE *fp;
	static char text[65536];
	size_t n;

	snprintf(path, sizeof(path), "%s/in.pcap", dir);
	fp = fopen(path, "wb");
	if (!fp)
		return NULL;
	fwrite(c->b.data, 1, c->b.len, fp);
	fclose(fp);
	o.deterministic = true;
	if (bos_net_run(&o, paths, 1, dir, &st, &err) != 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, log);
	fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	return text;
}

void test_net_engine__http_across_reordered_segments(void)
{
	struct cap c;
	const char *dir = bt_tmpdir();
	char *t;

	cap_init(&c);
	seg(&c, true, 80, 0x02, 0, 0, NULL);
	seg(&c, false, 80, 0x12, 0, 1, NULL);
	seg(&c, true, 80, 0x10, 1, 1, NULL);
	/* the request (17 + 19 bytes) in two segments, second one first */
	seg(&c, true, 80, 0x18, 18, 1, "Host: a.example\r\n\r\n");
	seg(&c, true, 80, 0x18, 1, 1, "GET /x HTTP/1.1\r\n");
	/* the response: 24 + 19 + 2 + 3 = 48 bytes */
	seg(&c, false, 80, 0x18, 1, 37, "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!");
	seg(&c, true, 80, 0x11, 37, 49, NULL);
	seg(&c, false, 80, 0x11, 49, 38, NULL);
	seg(&c, true, 80, 0x10, 38, 50, NULL);
	t = run(&c, "http.jsonl", dir);
	BT_ASSERT(t != NULL);
	BT_ASSERT(strstr(t, "\"uri\":\"/x\"") != NULL);
	BT_ASSERT(strstr(t, "\"host\":\"a.example\"") != NULL);
	BT_ASSERT(strstr(t, "\"status_code\":404") != NULL);
	t = run(&c, "conn.jsonl", dir);
	BT_ASSERT(strstr(t, "\"service\":\"http\"") != NULL);
	BT_ASSERT(strstr(t, "\"conn_state\":\"SF\"") != NULL);
	BT_ASSERT(strstr(t, "\"orig_bytes\":36") != NULL);
	BT_ASSERT(strstr(t, "\"resp_bytes\":48") != NULL);
	BT_ASSERT(strstr(t, "\"missed_bytes\":0") != NULL);
	bos_buf_release(&c.b);
}

void test_net_engine__lost_segment_is_missed_bytes(void)
{
	struct cap c;
	const char *dir = bt_tmpdir();
	char *t;

	cap_init(&c);
	seg(&c, true, 8081, 0x02, 0, 0, NULL);
	seg(&c, false, 8081, 0x12, 0, 1, NULL);
	seg(&c, true, 8081, 0x10, 1, 1, NULL);
	seg(&c, true, 8081, 0x18, 1, 1, "aaaaaaaaaa");
	/* bytes 11..30 were sent but not captured; the server acknowledges them */
	seg(&c, true, 8081, 0x18, 31, 1, "cccccccccc");
	seg(&c, false, 8081, 0x10, 1, 41, NULL);
	t = run(&c, "conn.jsonl", dir);
	BT_ASSERT(t != NULL);
	BT_ASSERT(strstr(t, "\"missed_bytes\":20") != NULL);
	BT_ASSERT(strstr(t, "\"orig_bytes\":40") != NULL);	/* by sequence numbers */
	BT_ASSERT(strstr(t, "\"history\":\"ShADaG\"") != NULL);
	bos_buf_release(&c.b);
}

void test_net_engine__dns_over_tcp_two_messages_in_one_segment(void)
{
	/* Two queries for "a.b" type A (ids 0x1234, 0x1235), each with its 2-byte length
	 * prefix (RFC 1035 4.2.2), in one segment; the third message is cut in half. */
	static const uint8_t q[23] = { 0x00, 0x15, 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 'a', 0x01, 'b',
				       0x00, 0x00, 0x01, 0x00, 0x01 };
	uint8_t p[23 * 2 + 10];
	struct cap c;
	const char *dir = bt_tmpdir();
	char *t, *second;

	memcpy(p, q, 23);
	memcpy(p + 23, q, 23);
	p[23 + 3] = 0x35;
	memcpy(p + 46, q, 10);
	cap_init(&c);
	seg(&c, true, 53, 0x02, 0, 0, NULL);
	seg(&c, false, 53, 0x12, 0, 1, NULL);
	seg(&c, true, 53, 0x10, 1, 1, NULL);
	segn(&c, true, 53, 0x18, 1, 1, p, sizeof(p));
	t = run(&c, "dns.jsonl", dir);
	BT_ASSERT(t != NULL);
	BT_ASSERT(strstr(t, "\"trans_id\":4660") != NULL);	/* 0x1234 */
	BT_ASSERT(strstr(t, "\"trans_id\":4661") != NULL);	/* 0x1235 */
	BT_ASSERT(strstr(t, "\"query\":\"a.b\"") != NULL);
	BT_ASSERT(strstr(t, "\"proto\":\"tcp\"") != NULL);
	second = strchr(t, '\n');
	BT_ASSERT(second != NULL);
	BT_ASSERT(strchr(second + 1, '\n') != NULL);
	BT_ASSERT(strchr(strchr(second + 1, '\n') + 1, '\n') == NULL);	/* exactly 2 */
	bos_buf_release(&c.b);
}

void test_net_engine__flow_cap_evicts_and_counts(void)
{
	struct cap c;
	char path[4096];
	const char *dir = bt_tmpdir();
	const char *paths[1] = { path };
	struct bos_net_opts o = BOS_NET_OPTS_INIT;
	struct bos_net_stats st;
	struct bos_err err = BOS_ERR_INIT;
	FILE *fp;

	cap_init(&c);
	for (uint16_t port = 1; port <= 50; port++)
		seg(&c, true, (uint16_t)(10000 + port), 0x02, 0, 0, NULL);
	snprintf(path, sizeof(path), "%s/in.pcap", dir);
	fp = fopen(path, "wb");
	BT_ASSERT(fp != NULL);
	fwrite(c.b.data, 1, c.b.len, fp);
	fclose(fp);
	o.deterministic = true;
	o.max_flows = 10;
	BT_ASSERT_EQ_INT(bos_net_run(&o, paths, 1, dir, &st, &err), 0);
	BT_ASSERT_EQ_INT(st.flows_created, 50);
	BT_ASSERT_EQ_INT(st.conn_records, 50);		/* evicted ones are still written */
	BT_ASSERT_EQ_INT(st.flows_evicted_cap, 40);
	BT_ASSERT(st.flows_peak <= 10);
	bos_buf_release(&c.b);
}

static bool write_file(const char *path, const struct bos_buf *b)
{
	FILE *fp = fopen(path, "wb");
	bool ok = fp && fwrite(b->data, 1, b->len, fp) == b->len;

	if (fp && fclose(fp) != 0)
		ok = false;
	return ok;
}

/* The "capture" field names each flow's own capture, escaped when the file name needs it
 * (the engine checks each name once and writes plain names without scanning), also when
 * flows of both captures end together at the end of input. */
void test_net_engine__capture_name_per_flow_and_escaped(void)
{
	struct cap a, b;
	char pa[4096], pb[4096], path[4096], text[4096];
	const char *dir = bt_tmpdir();
	const char *paths[2] = { pa, pb };
	struct bos_net_opts o = BOS_NET_OPTS_INIT;
	struct bos_net_stats st;
	struct bos_err err = BOS_ERR_INIT;
	const char *l1, *l2, *c1;
	size_t n;
	FILE *fp;

	cap_init(&a);
	seg(&a, true, 80, 0x02, 0, 0, NULL);
	cap_init(&b);
	b.t = a.t;
	seg(&b, true, 81, 0x02, 0, 0, NULL);
	snprintf(pa, sizeof(pa), "%s/plain.pcap", dir);
	snprintf(pb, sizeof(pb), "%s/q\"b\\s \xc3\xa9.pcap", dir);
	BT_ASSERT(write_file(pa, &a.b) && write_file(pb, &b.b));
	o.deterministic = true;
	BT_ASSERT_EQ_INT(bos_net_run(&o, paths, 2, dir, &st, &err), 0);
	BT_ASSERT_EQ_INT(st.conn_records, 2);
	snprintf(path, sizeof(path), "%s/conn.jsonl", dir);
	fp = fopen(path, "rb");
	BT_ASSERT(fp != NULL);
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	l1 = strstr(text, "\"id.resp_p\":80,");
	l2 = strstr(text, "\"id.resp_p\":81,");
	BT_ASSERT(l1 && l2 && l1 < l2);		/* finished in the order they began */
	c1 = strstr(l1, "\"capture\":\"plain.pcap\"");
	BT_ASSERT(c1 && c1 < l2);
	BT_ASSERT(strstr(l2, "\"capture\":\"q\\\"b\\\\s \xc3\xa9.pcap\"") != NULL);
	bos_buf_release(&a.b);
	bos_buf_release(&b.b);
}
