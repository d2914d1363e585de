/* Unit tests of the dissector registry (src/proto/registry.c): port map and sniffing. */
#include <string.h>

#include "bos/proto.h"
#include "harness.h"

void test_registry__ports(void)
{
	BT_ASSERT_EQ_INT(bos_proto_by_port(17, 40000, 53), BOS_PROTO_DNS);
	BT_ASSERT_EQ_INT(bos_proto_by_port(6, 40000, 53), BOS_PROTO_DNS);
	BT_ASSERT_EQ_INT(bos_proto_by_port(17, 5353, 5353), BOS_PROTO_DNS);
	BT_ASSERT_EQ_INT(bos_proto_by_port(17, 137, 137), BOS_PROTO_DNS);
	BT_ASSERT_EQ_INT(bos_proto_by_port(6, 40000, 80), BOS_PROTO_HTTP);
	BT_ASSERT_EQ_INT(bos_proto_by_port(6, 40000, 3128), BOS_PROTO_HTTP);
	BT_ASSERT_EQ_INT(bos_proto_by_port(6, 40000, 443), BOS_PROTO_TLS);
	BT_ASSERT_EQ_INT(bos_proto_by_port(17, 40000, 443), BOS_PROTO_NONE);	/* QUIC: no */
	BT_ASSERT_EQ_INT(bos_proto_by_port(6, 80, 40000), BOS_PROTO_NONE);	/* TCP: dport only */
	BT_ASSERT_EQ_STR(bos_proto_name(BOS_PROTO_TLS), "tls");
	BT_ASSERT_EQ_STR(bos_proto_name(BOS_PROTO_NONE), "-");
}

void test_registry__content_beats_port_on_tcp(void)
{
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0, 0, 0x3c };
	static const uint8_t get[] = "GET / HTTP/1.1\r\n";
	static const uint8_t junk[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05 };

	/* TLS to port 80 and HTTP to port 443: malware ignores conventions. */
	BT_ASSERT_EQ_INT(bos_proto_pick(6, 40000, 80, bt_guard_dup(hello, sizeof(hello)),
					sizeof(hello)), BOS_PROTO_TLS);
	BT_ASSERT_EQ_INT(bos_proto_pick(6, 40000, 443, get, sizeof(get) - 1), BOS_PROTO_HTTP);
	BT_ASSERT_EQ_INT(bos_proto_pick(6, 40000, 4444, get, sizeof(get) - 1), BOS_PROTO_HTTP);
	/* Unknown bytes: the port decides. */
	BT_ASSERT_EQ_INT(bos_proto_pick(6, 40000, 443, junk, sizeof(junk)), BOS_PROTO_TLS);
	BT_ASSERT_EQ_INT(bos_proto_pick(6, 40000, 4444, junk, sizeof(junk)), BOS_PROTO_NONE);
	BT_ASSERT_EQ_INT(bos_proto_pick(6, 40000, 4444, NULL, 0), BOS_PROTO_NONE);
}

void test_registry__dns_query_sniff(void)
{
	static const uint8_t q[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
				     3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };
	uint8_t r[sizeof(q)];

	BT_ASSERT_EQ_INT(bos_proto_sniff(17, bt_guard_dup(q, sizeof(q)), sizeof(q)),
			 BOS_PROTO_DNS);
	BT_ASSERT_EQ_INT(bos_proto_pick(17, 40000, 9999, q, sizeof(q)), BOS_PROTO_DNS);
	memcpy(r, q, sizeof(q));
	r[2] = 0x81;	/* a response is not a first datagram of a DNS client */
	BT_ASSERT_EQ_INT(bos_proto_sniff(17, r, sizeof(r)), BOS_PROTO_NONE);
	BT_ASSERT_EQ_INT(bos_proto_sniff(17, q, 12), BOS_PROTO_NONE);		/* too short */
	BT_ASSERT_EQ_INT(bos_proto_sniff(6, q, sizeof(q)), BOS_PROTO_NONE);	/* not on TCP */
}
