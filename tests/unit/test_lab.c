/* Unit tests of the lab (src/sandbox) and observe (src/observe) parts that need no root:
 * the live-capture packet classifier, plan validation, duration parsing. The lab itself is
 * tested for real in tests/priv/observe_*.sh and contain_*.sh. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bos/observe.h"
#include "bos/sandbox.h"
#include "harness.h"

/* Ethernet + IPv4 (ihl words) + the given L4 bytes. */
static size_t frame(uint8_t *out, uint16_t ethertype, uint8_t proto, int ihl, uint16_t frag,
		    const uint8_t *l4, size_t l4len)
{
	size_t n = 0, iplen = (size_t)ihl * 4;

	memset(out, 0x02, 12);
	n = 12;
	out[n++] = (uint8_t)(ethertype >> 8);
	out[n++] = (uint8_t)ethertype;
	memset(out + n, 0, iplen);
	out[n] = (uint8_t)(0x40 | ihl);
	out[n + 6] = (uint8_t)(frag >> 8);
	out[n + 7] = (uint8_t)frag;
	out[n + 8] = 64;
	out[n + 9] = proto;
	n += iplen;
	memcpy(out + n, l4, l4len);
	return n + l4len;
}

static const uint8_t tcp_syn[20] = { 0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02 };
static const uint8_t tcp_synack[20] = { 0, 80, 0x9c, 0x40, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x12 };
static const uint8_t udp_dnsq[20] = { 0x14, 0xe9, 0, 53, 0, 20, 0, 0, 0x12, 0x34, 0x01, 0x00 };
static const uint8_t udp_dnsr[20] = { 0x14, 0xe9, 0, 53, 0, 20, 0, 0, 0x12, 0x34, 0x81, 0x80 };

void test_lab__classifies_syn_not_synack(void)
{
	uint8_t f[128];
	struct bos_lab_pkt_class k;
	size_t n = frame(f, 0x0800, 6, 5, 0, tcp_syn, sizeof(tcp_syn));

	bos_lab_pkt_classify(bt_guard_dup(f, n), n, &k);
	BT_ASSERT(k.tcp_syn);
	BT_ASSERT(!k.dns_query);
	n = frame(f, 0x0800, 6, 5, 0, tcp_synack, sizeof(tcp_synack));
	bos_lab_pkt_classify(bt_guard_dup(f, n), n, &k);
	BT_ASSERT(!k.tcp_syn);
	/* IP options move the TCP header; a later fragment has none. */
	n = frame(f, 0x0800, 6, 7, 0, tcp_syn, sizeof(tcp_syn));
	bos_lab_pkt_classify(bt_guard_dup(f, n), n, &k);
	BT_ASSERT(k.tcp_syn);
	n = frame(f, 0x0800, 6, 5, 0x0010, tcp_syn, sizeof(tcp_syn));
	bos_lab_pkt_classify(bt_guard_dup(f, n), n, &k);
	BT_ASSERT(!k.tcp_syn);
}

void test_lab__classifies_dns_queries(void)
{
	uint8_t f[128];
	struct bos_lab_pkt_class k;
	size_t n = frame(f, 0x0800, 17, 5, 0, udp_dnsq, sizeof(udp_dnsq));

	bos_lab_pkt_classify(bt_guard_dup(f, n), n, &k);
	BT_ASSERT(k.dns_query);
	n = frame(f, 0x0800, 17, 5, 0, udp_dnsr, sizeof(udp_dnsr));
	bos_lab_pkt_classify(bt_guard_dup(f, n), n, &k);
	BT_ASSERT(!k.dns_query);
}

void test_lab__truncated_frames_classify_as_nothing(void)
{
	uint8_t f[128];
	struct bos_lab_pkt_class k;
	size_t n = frame(f, 0x0800, 6, 5, 0, tcp_syn, sizeof(tcp_syn));

	/* Cut before the TCP flags byte (14 eth + 20 ip + 13): no SYN, no read past end. */
	for (size_t cut = 0; cut < 14 + 20 + 14; cut++) {
		bos_lab_pkt_classify(bt_guard_dup(f, cut), cut, &k);
		BT_ASSERT(!k.tcp_syn);
		BT_ASSERT(!k.dns_query);
	}
	/* Not IPv4 (ARP), and IPv4 with a bad header length. */
	n = frame(f, 0x0806, 6, 5, 0, tcp_syn, sizeof(tcp_syn));
	bos_lab_pkt_classify(bt_guard_dup(f, n), n, &k);
	BT_ASSERT(!k.tcp_syn);
	n = frame(f, 0x0800, 6, 5, 0, tcp_syn, sizeof(tcp_syn));
	f[14] = 0x43;
	bos_lab_pkt_classify(bt_guard_dup(f, n), n, &k);
	BT_ASSERT(!k.tcp_syn);
}

void test_lab__plan_validation(void)
{
	struct bos_lab_plan p;
	struct bos_err err = BOS_ERR_INIT;

	bos_lab_plan_init(&p);
	BT_ASSERT_EQ_INT((int)strlen(p.runid), BOS_LAB_RUNID_LEN);
	snprintf(p.logdir, sizeof(p.logdir), "/");
	BT_ASSERT_EQ_INT(bos_lab_plan_validate(&p, &err), 0);
	BT_ASSERT(p.validated);
	BT_ASSERT(strstr(p.statedir, p.runid) != NULL);

	bos_lab_plan_init(&p);
	snprintf(p.logdir, sizeof(p.logdir), "/");
	snprintf(p.hostname, sizeof(p.hostname), "Bad Host");
	BT_ASSERT_EQ_INT(bos_lab_plan_validate(&p, &err), -BOS_EUSAGE);

	bos_lab_plan_init(&p);
	snprintf(p.logdir, sizeof(p.logdir), "/");
	snprintf(p.user, sizeof(p.user), "root:x");
	BT_ASSERT_EQ_INT(bos_lab_plan_validate(&p, &err), -BOS_EUSAGE);

	bos_lab_plan_init(&p);
	snprintf(p.logdir, sizeof(p.logdir), "/");
	p.uid = 0;
	BT_ASSERT_EQ_INT(bos_lab_plan_validate(&p, &err), -BOS_EUSAGE);

	bos_lab_plan_init(&p);
	snprintf(p.logdir, sizeof(p.logdir), "relative/dir");
	BT_ASSERT_EQ_INT(bos_lab_plan_validate(&p, &err), -BOS_EUSAGE);

	bos_lab_plan_init(&p);
	snprintf(p.logdir, sizeof(p.logdir), "/");
	snprintf(p.runid, sizeof(p.runid), "../../x");
	BT_ASSERT_EQ_INT(bos_lab_plan_validate(&p, &err), -BOS_EUSAGE);
}

void test_lab__fresh_run_ids_differ(void)
{
	struct bos_lab_plan a, b;

	bos_lab_plan_init(&a);
	bos_lab_plan_init(&b);
	BT_ASSERT(strcmp(a.runid, b.runid) != 0);
}

void test_observe__parse_duration(void)
{
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("2m"), 120000);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("90s"), 90000);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("45"), 45000);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("500ms"), 500);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("1h"), 3600000);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("25h"), -1);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("-5s"), -1);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("5x"), -1);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration(""), -1);
	BT_ASSERT_EQ_INT(bos_observe_parse_duration("99999999999999999999"), -1);
}
