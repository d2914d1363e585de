/*
 * Unit tests of the DNS dissector and transaction tracker (src/proto/dns.c). Messages are
 * hand-built byte arrays (RFC 1035 4.1) or, where marked, real responses cut from the
 * corpus with tshark (expected values are tshark's dns.* fields for that frame).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/dns.h"
#include "harness.h"

/* Response to "www.example.com A": CNAME -> example.com (compressed), A 93.184.216.34. */
static const uint8_t resp_cname_a[] = {
	0xbe, 0xef, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
	/* 12: www.example.com */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0, 1, 0, 1,
	/* answer 1: name ptr 12, CNAME, IN, ttl 300, rdata ptr to 16 (example.com) */
	0xc0, 12, 0, 5, 0, 1, 0, 0, 1, 44, 0, 2, 0xc0, 16,
	/* answer 2: name ptr 16, A, IN, ttl 60, 93.184.216.34 */
	0xc0, 16, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34,
};

static enum bos_parse parse(const uint8_t *d, size_t n, struct bos_dns_msg *m)
{
	return bos_dns_parse(bt_guard_dup(d, n), n, m);
}

void test_dns__response_with_compression(void)
{
	struct bos_dns_msg m;

	BT_ASSERT_EQ_INT(parse(resp_cname_a, sizeof(resp_cname_a), &m), BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(m.id, 0xbeef);
	BT_ASSERT(m.qr && m.rd && m.ra && !m.aa && !m.tc);
	BT_ASSERT_EQ_INT(m.rcode, 0);
	BT_ASSERT_EQ_INT(m.n_qd, 1);
	BT_ASSERT_EQ_STR(m.qd[0].name, "www.example.com");
	BT_ASSERT_EQ_INT(m.qd[0].qtype, BOS_DNS_TYPE_A);
	BT_ASSERT_EQ_INT(m.n_an, 2);
	BT_ASSERT_EQ_STR(m.an[0].name, "www.example.com");
	BT_ASSERT_EQ_STR(m.an[0].rdata, "example.com");
	BT_ASSERT_EQ_INT(m.an[0].ttl, 300);
	BT_ASSERT_EQ_STR(m.an[1].name, "example.com");
	BT_ASSERT_EQ_STR(m.an[1].rdata, "93.184.216.34");
	BT_ASSERT_EQ_INT(m.anomalies, 0);
	bos_dns_msg_release(&m);
}

void test_dns__every_prefix_is_truncated_not_ok(void)
{
	for (size_t n = 0; n < sizeof(resp_cname_a); n++) {
		struct bos_dns_msg m;
		enum bos_parse r = parse(resp_cname_a, n, &m);

		/* Cut inside the rdata pointer the name is complete but points past the end. */
		if (r != BOS_PARSE_TRUNCATED && r != BOS_PARSE_MALFORMED)
			bt_fail(__FILE__, __LINE__, "prefix %zu gave %d", n, (int)r);
		BT_ASSERT(r != BOS_PARSE_OK);
		bos_dns_msg_release(&m);
	}
}

void test_dns__pointer_to_itself_is_malformed(void)
{
	static const uint8_t pkt[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
				       0xc0, 0x0c, 0, 1, 0, 1 };
	struct bos_dns_msg m;

	BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_MALFORMED);
	BT_ASSERT(m.anomalies & BOS_DNS_ANOM_POINTER_LOOP);
	bos_dns_msg_release(&m);
}

void test_dns__two_pointer_loop_is_malformed(void)
{
	/* Question at 12: label "a" then pointer to 17; at 17 a pointer back to 12. */
	static const uint8_t pkt[] = { 0x12, 0x34, 0x01, 0x00, 0, 2, 0, 0, 0, 0, 0, 0,
				       1, 'a', 0xc0, 17, 0, 0xc0, 12, 0, 1, 0, 1 };
	struct bos_dns_msg m;

	BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_MALFORMED);
	BT_ASSERT(m.anomalies & BOS_DNS_ANOM_POINTER_LOOP);
	bos_dns_msg_release(&m);
}

void test_dns__forward_pointer_is_malformed(void)
{
	static const uint8_t pkt[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
				       0xc0, 18, 0, 1, 0, 1, 1, 'x', 0 };
	struct bos_dns_msg m;

	BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_MALFORMED);
	BT_ASSERT(m.anomalies & BOS_DNS_ANOM_POINTER_LOOP);
	bos_dns_msg_release(&m);
}

void test_dns__pointer_beyond_message_is_malformed(void)
{
	static const uint8_t pkt[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
				       0xff, 0xff, 0, 1, 0, 1 };
	struct bos_dns_msg m;

	BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_MALFORMED);
	bos_dns_msg_release(&m);
}

void test_dns__name_longer_than_255_is_malformed(void)
{
	uint8_t pkt[12 + 5 * 64 + 1 + 4] = { 0x12, 0x34, 0x01, 0x00, 0, 1 };
	size_t o = 12;
	struct bos_dns_msg m;

	for (int l = 0; l < 5; l++) {	/* 5 labels of 63: 320 wire bytes */
		pkt[o++] = 63;
		memset(pkt + o, 'a', 63);
		o += 63;
	}
	pkt[o++] = 0;
	BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_MALFORMED);
	BT_ASSERT(m.anomalies & BOS_DNS_ANOM_NAME_TOO_LONG);
	bos_dns_msg_release(&m);
}

void test_dns__name_of_exactly_255_is_ok(void)
{
	/* 3 labels of 63 + one of 61: 3*64 + 62 + 1 = 255 wire bytes. */
	uint8_t pkt[12 + 255 + 4] = { 0x12, 0x34, 0x01, 0x00, 0, 1 };
	size_t o = 12;
	struct bos_dns_msg m;

	for (int l = 0; l < 4; l++) {
		uint8_t n = l < 3 ? 63 : 61;

		pkt[o++] = n;
		memset(pkt + o, 'b', n);
		o += n;
	}
	pkt[o++] = 0;
	pkt[o + 1] = 1;
	pkt[o + 3] = 1;
	BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(strlen(m.qd[0].name), 253);
	bos_dns_msg_release(&m);
}

void test_dns__label_types_0x40_0x80_are_malformed(void)
{
	static const uint8_t bits[] = { 0x40, 0x80 };

	for (size_t i = 0; i < 2; i++) {
		uint8_t pkt[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
				  (uint8_t)(bits[i] | 1), 'x', 0, 0, 1, 0, 1 };
		struct bos_dns_msg m;

		BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_MALFORMED);
		BT_ASSERT(m.anomalies & BOS_DNS_ANOM_BAD_LABEL);
		bos_dns_msg_release(&m);
	}
}

void test_dns__odd_bytes_in_labels_are_escaped(void)
{
	static const uint8_t pkt[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
				       4, 'a', '.', 0x00, '\\', 2, 0xff, ' ', 0, 0, 16, 0, 1 };
	struct bos_dns_msg m;

	BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_OK);
	BT_ASSERT_EQ_STR(m.qd[0].name, "a\\x2e\\x00\\x5c.\\xff\\x20");
	BT_ASSERT_EQ_INT(m.qd[0].qtype, BOS_DNS_TYPE_TXT);
	bos_dns_msg_release(&m);
}

/* Corpus: pcap/dns/sv_dns_nxdomain_soa.pcap frame 2; tshark: dne.oisf.net, rcode 3,
 * 0 answers, 1 authority (SOA ns-110.awsdns-13.com), 1 additional (OPT). */
static const char nx_soa_hex[] =
	"82958183000100000001000103646e65046f697366036e65740000010001c010000600010000038300450"
	"66e732d31313009617773646e732d313303636f6d0011617773646e732d686f73746d617374657206616d"
	"617a6f6ec03b0000000100001c200000038400127500000151800000290200000000000000";

void test_dns__corpus_nxdomain_with_soa(void)
{
	uint8_t raw[256];
	size_t n = strlen(nx_soa_hex) / 2;
	struct bos_dns_msg m;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(nx_soa_hex + 2 * i, "%2x", &v);
		raw[i] = (uint8_t)v;
	}
	BT_ASSERT_EQ_INT(parse(raw, n, &m), BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(m.rcode, BOS_DNS_RCODE_NXDOMAIN);
	BT_ASSERT_EQ_STR(bos_dns_rcode_name(m.rcode), "NXDOMAIN");
	BT_ASSERT_EQ_STR(m.qd[0].name, "dne.oisf.net");
	BT_ASSERT_EQ_INT(m.ancount, 0);
	BT_ASSERT_EQ_INT(m.n_an, 0);
	BT_ASSERT_EQ_INT(m.n_ns_parsed, 1);
	BT_ASSERT_EQ_INT(m.n_ar_parsed, 1);
	BT_ASSERT_EQ_INT(m.anomalies, 0);
	bos_dns_msg_release(&m);
}

void test_dns__rdata_rendering(void)
{
	static const uint8_t pkt[] = {
		0, 7, 0x84, 0x00, 0, 0, 0, 4, 0, 0, 0, 0,
		/* 12: AAAA for "h" 2001:db8::1 */
		1, 'h', 0, 0, 28, 0, 1, 0, 0, 0, 5, 0, 16,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		/* MX 10 ptr->12 */
		0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 5, 0, 4, 0, 10, 0xc0, 12,
		/* TXT "hi" "x\"y" */
		0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 5, 0, 7, 2, 'h', 'i', 3, 'x', '"', 'y',
		/* A with a 3-byte rdata: anomaly, record kept */
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 3, 1, 2, 3,
	};
	struct bos_dns_msg m;

	BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_OK);
	BT_ASSERT(m.aa);
	BT_ASSERT_EQ_INT(m.n_an, 4);
	BT_ASSERT_EQ_STR(m.an[0].rdata, "2001:db8::1");
	BT_ASSERT_EQ_STR(m.an[1].rdata, "h");			/* Zeek: exchange only */
	BT_ASSERT_EQ_STR(m.an[2].rdata, "TXT 2 hi TXT 3 x\\\"y");	/* Zeek's TXT form */
	BT_ASSERT(m.anomalies & BOS_DNS_ANOM_RDATA_LEN);
	bos_dns_msg_release(&m);
}

/* A rdata is written with bos_addr_text, not inet_ntop: the same text for byte values of one,
 * two and three digits, zeros and 255 in every position. */
void test_dns__a_rdata_matches_inet_ntop(void)
{
	static const uint8_t values[] = { 0, 1, 9, 10, 99, 100, 109, 110, 199, 200, 250, 255 };
	uint8_t pkt[] = {
		0, 7, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0,
		/* 12: A for "h" */
		1, 'h', 0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 0, 0, 0, 0,
	};
	const size_t at = sizeof(pkt) - 4;
	char want[INET_ADDRSTRLEN];

	for (size_t i = 0; i < 4 * sizeof(values); i++) {
		struct bos_dns_msg m;

		for (size_t k = 0; k < 4; k++)	/* each value in each position, with others */
			pkt[at + k] = values[(i + k * (i / sizeof(values) + 1)) % sizeof(values)];
		BT_ASSERT(inet_ntop(AF_INET, pkt + at, want, sizeof(want)));
		BT_ASSERT_EQ_INT(parse(pkt, sizeof(pkt), &m), BOS_PARSE_OK);
		BT_ASSERT_EQ_INT(m.n_an, 1);
		BT_ASSERT_EQ_STR(m.an[0].rdata, want);
		bos_dns_msg_release(&m);
	}
}

void test_dns__tcp_split(void)
{
	static const uint8_t s[] = { 0, 3, 'a', 'b', 'c', 0, 1 };
	size_t len, need;

	BT_ASSERT_EQ_INT(bos_dns_tcp_split(s, 1, &len, &need), BOS_PARSE_INCOMPLETE);
	BT_ASSERT_EQ_INT(bos_dns_tcp_split(s, 4, &len, &need), BOS_PARSE_INCOMPLETE);
	BT_ASSERT_EQ_INT(need, 5);
	BT_ASSERT_EQ_INT(bos_dns_tcp_split(s, sizeof(s), &len, &need), BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(len, 3);
	BT_ASSERT_EQ_INT(bos_dns_tcp_split((const uint8_t *)"\0\0", 2, &len, &need),
			 BOS_PARSE_MALFORMED);
}

/* --- tracker --- */

struct seen {
	int n;
	int answered, unanswered, orphan;
	int64_t last_rtt;
	char json[1024];
};

static void on_txn(void *ctx, const struct bos_dns_txn *tx)
{
	struct seen *s = ctx;
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	s->n++;
	if (tx->query && tx->resp) {
		s->answered++;
		s->last_rtt = tx->resp_ts_ns - tx->query_ts_ns;
	} else if (tx->query) {
		s->unanswered++;
	} else {
		s->orphan++;
	}
	bos_json_init(&j, &b, 0);
	bos_json_obj_begin(&j);
	bos_dns_write_json(tx, &j);
	bos_json_obj_end(&j);
	snprintf(s->json, sizeof(s->json), "%s", b.data);
	bos_buf_release(&b);
}

/* Query with id and name "www.example.com" A. */
static void make_query(uint8_t *q, size_t *n, uint16_t id)
{
	memcpy(q, resp_cname_a, 33);
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[2] = 0x01;
	q[3] = 0x00;
	q[7] = 0;	/* ancount 0 */
	*n = 33;
}

static void add(struct bos_dns_tracker *t, const uint8_t *d, size_t n, int64_t ts)
{
	struct bos_dns_msg m;

	bos_dns_parse(d, n, &m);
	bos_dns_tracker_add_take(t, &m, ts);
}

void test_dns__tracker_pairs_and_reports_unanswered(void)
{
	struct seen s = { 0 };
	struct bos_dns_tracker *t = bos_dns_tracker_new(on_txn, &s);
	uint8_t q[64];
	size_t qn;

	make_query(q, &qn, 0xbeef);
	add(t, q, qn, 1000000000);
	make_query(q, &qn, 0x1111);
	add(t, q, qn, 1100000000);
	BT_ASSERT_EQ_INT(s.n, 0);
	add(t, resp_cname_a, sizeof(resp_cname_a), 1250000000);	/* answers 0xbeef */
	BT_ASSERT_EQ_INT(s.answered, 1);
	BT_ASSERT_EQ_INT(s.last_rtt, 250000000);
	BT_ASSERT(strstr(s.json, "\"trans_id\":48879,\"rtt\":0.250000,\"query\":\"www.example.com\""));
	BT_ASSERT(strstr(s.json, "\"rcode\":0,\"rcode_name\":\"NOERROR\""));
	BT_ASSERT(strstr(s.json, "\"answers\":[\"example.com\",\"93.184.216.34\"],\"TTLs\":[300,60]"));
	BT_ASSERT(strstr(s.json, "\"rejected\":false"));
	/* Same response again: no query waits for it any more. */
	add(t, resp_cname_a, sizeof(resp_cname_a), 1300000000);
	BT_ASSERT_EQ_INT(s.orphan, 1);
	bos_dns_tracker_finish(t);
	BT_ASSERT_EQ_INT(s.unanswered, 1);
	BT_ASSERT(strstr(s.json, "\"trans_id\":4369"));
	BT_ASSERT(!strstr(s.json, "rcode"));
	bos_dns_tracker_free(t);
}

void test_dns__tracker_needs_same_question(void)
{
	struct seen s = { 0 };
	struct bos_dns_tracker *t = bos_dns_tracker_new(on_txn, &s);
	uint8_t q[64], r[sizeof(resp_cname_a)];
	size_t qn;

	make_query(q, &qn, 0xbeef);
	add(t, q, qn, 1);
	memcpy(r, resp_cname_a, sizeof(r));
	r[12 + 1] = 'x';	/* "xww.example.com": same id, other question */
	add(t, r, sizeof(r), 2);
	BT_ASSERT_EQ_INT(s.orphan, 1);
	BT_ASSERT_EQ_INT(s.answered, 0);
	/* Case differs only: still the same question (DNS names are case-insensitive). */
	r[12 + 1] = 'W';
	add(t, r, sizeof(r), 3);
	BT_ASSERT_EQ_INT(s.answered, 1);
	bos_dns_tracker_free(t);
}

void test_dns__tracker_cap_evicts_oldest(void)
{
	struct seen s = { 0 };
	struct bos_dns_tracker *t = bos_dns_tracker_new(on_txn, &s);
	uint8_t q[64];
	size_t qn;

	for (unsigned i = 0; i < BOS_DNS_MAX_PENDING + 3; i++) {
		make_query(q, &qn, (uint16_t)i);
		add(t, q, qn, i);
	}
	BT_ASSERT_EQ_INT(s.unanswered, 3);
	BT_ASSERT_EQ_INT(bos_dns_tracker_evicted(t), 3);
	bos_dns_tracker_finish(t);
	BT_ASSERT_EQ_INT(s.unanswered, BOS_DNS_MAX_PENDING + 3);
	bos_dns_tracker_free(t);
}

void test_dns__rejected_follows_zeek(void)
{
	/* NXDOMAIN without any record: Zeek's dns_rejected (all of an/ns/ar empty). */
	static const uint8_t nx[] = { 0, 9, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0,
				      1, 'z', 0, 0, 1, 0, 1 };
	struct seen s = { 0 };
	struct bos_dns_tracker *t = bos_dns_tracker_new(on_txn, &s);

	add(t, nx, sizeof(nx), 5);
	BT_ASSERT(strstr(s.json, "\"rcode\":3,\"rcode_name\":\"NXDOMAIN\""));
	BT_ASSERT(strstr(s.json, "\"rejected\":true"));
	BT_ASSERT(!strstr(s.json, "answers"));
	bos_dns_tracker_free(t);
}

void test_dns__json_query_lowercase_and_answer_fallback(void)
{
	/* mDNS-style response without a question: Zeek takes the query from the first
	 * answer's owner name, lower-cased. */
	static const uint8_t pkt[] = {
		0, 0, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0,
		6, 'G', 'e', 'm', 'I', 'n', 'i', 5, 'l', 'o', 'c', 'a', 'l', 0,
		0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 0, 0, 7,
	};
	struct seen s = { 0 };
	struct bos_dns_tracker *t = bos_dns_tracker_new(on_txn, &s);

	add(t, pkt, sizeof(pkt), 1);
	BT_ASSERT_EQ_INT(s.orphan, 1);
	BT_ASSERT(strstr(s.json, "\"query\":\"gemini.local\""));
	BT_ASSERT(strstr(s.json, "\"answers\":[\"10.0.0.7\"],\"TTLs\":[120]"));
	bos_dns_tracker_free(t);
}

void test_dns__netbios_names_decoded(void)
{
	/* NBNS query from the corpus (zeek_wikipedia.pcap, port 137); Zeek's dns.log shows
	 * the name as BRWC0CB383D1F42 and the workgroup one as WORKGROUP. */
	static const char enc[] = "ECFCFHEDDAEDECDDDIDDEEDBEGDEDCAA";
	uint8_t pkt[12 + 34 + 4] = { 0x12, 0x34, 0x01, 0x10, 0, 1 };
	struct bos_dns_msg m;

	pkt[12] = 32;
	memcpy(pkt + 13, enc, 32);
	pkt[45] = 0;
	pkt[47] = 0x20;		/* NB */
	pkt[49] = 1;
	BT_ASSERT_EQ_INT(bos_dns_parse_nbns(bt_guard_dup(pkt, sizeof(pkt)), sizeof(pkt), &m),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_STR(m.qd[0].name, "BRWC0CB383D1F42");
	bos_dns_msg_release(&m);
	memcpy(pkt + 13, "FHEPFCELEHFCEPFFFACACACACACACABN", 32);
	BT_ASSERT_EQ_INT(bos_dns_parse_nbns(pkt, sizeof(pkt), &m), BOS_PARSE_OK);
	BT_ASSERT_EQ_STR(m.qd[0].name, "WORKGROUP");
	bos_dns_msg_release(&m);
	/* Plain DNS parsing leaves it encoded. */
	BT_ASSERT_EQ_INT(bos_dns_parse(pkt, sizeof(pkt), &m), BOS_PARSE_OK);
	BT_ASSERT_EQ_STR(m.qd[0].name, "FHEPFCELEHFCEPFFFACACACACACACABN");
	bos_dns_msg_release(&m);
}

/* A decoded NetBIOS name longer than its 32 letters (every byte escaped) and scope labels
 * after it: the scope follows the decoded name, in the question and in the answer owner. */
void test_dns__netbios_escaped_name_with_scope(void)
{
	uint8_t pkt[12 + 1 + 32 + 5 + 1 + 4 + 2 + 10 + 6] = { 0x12, 0x34, 0x85, 0x00, 0, 1, 0, 1 };
	char want[15 * 4 + 6] = "";
	struct bos_dns_msg m;
	size_t k = 12;

	pkt[k++] = 32;
	for (int i = 0; i < 15; i++) {	/* byte 0x01: "AB" */
		pkt[k++] = 'A';
		pkt[k++] = 'B';
		strcat(want, "\\x01");
	}
	pkt[k++] = 'A';			/* suffix byte 0x00 */
	pkt[k++] = 'A';
	memcpy(pkt + k, "\x04" "corp" "\0", 6);
	k += 6;
	pkt[k + 1] = 0x20;		/* NB, IN */
	pkt[k + 3] = 1;
	k += 4;
	pkt[k++] = 0xc0;		/* answer: owner -> the question name */
	pkt[k++] = 12;
	pkt[k + 1] = 0x20;
	pkt[k + 3] = 1;
	pkt[k + 7] = 60;		/* ttl */
	pkt[k + 9] = 6;			/* rdlength: flags + address */
	k += 10;
	memcpy(pkt + k, "\x60\x00\x0a\x00\x00\x07", 6);
	k += 6;
	BT_ASSERT_EQ_INT(k, sizeof(pkt));
	strcat(want, ".corp");
	BT_ASSERT_EQ_INT(bos_dns_parse_nbns(bt_guard_dup(pkt, sizeof(pkt)), sizeof(pkt), &m),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(m.n_qd, 1);
	BT_ASSERT_EQ_STR(m.qd[0].name, want);
	BT_ASSERT_EQ_INT(m.n_an, 1);
	BT_ASSERT_EQ_STR(m.an[0].name, want);
	BT_ASSERT_EQ_STR(m.an[0].rdata, "<unknown type=32>");
	bos_dns_msg_release(&m);
}

static bool plain_text(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

/* dns.log writes these names without escaping (BOS_JSON_KV_PLAIN's contract). */
void test_dns__table_names_are_plain_text(void)
{
	for (unsigned v = 0; v <= 0xffff; v++) {
		const char *t = bos_dns_type_name((uint16_t)v), *c = bos_dns_class_name((uint16_t)v);
		const char *r = v <= 0xff ? bos_dns_rcode_name((uint8_t)v) : NULL;

		BT_ASSERT(!t || plain_text(t));
		BT_ASSERT(!c || plain_text(c));
		BT_ASSERT(!r || plain_text(r));
	}
}
