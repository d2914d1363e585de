/* Unit tests of the simulated internet's pure parts: the DNS responder (queries built by
 * hand after RFC 1035 4.1), the HTTP request-head parser and response writer, and the
 * nftables ruleset a profile makes. */
#include <arpa/inet.h>
#include <string.h>

#include "../../src/inet/inet_int.h"
#include "bos/buf.h"
#include "bos/inet.h"
#include "bos/profile.h"
#include "harness.h"

static const char profile_text[] =
	"dns:\n"
	"  names:\n"
	"    - {name: c2.evil.example, addresses: [203.0.113.66, \"2001:db8::66\"], ttl: 77}\n"
	"    - {name: gone.example, action: nxdomain}\n"
	"    - {name: broken.example, action: servfail}\n"
	"    - {name: nope.example, action: refused}\n"
	"    - {name: empty.example, action: nodata}\n"
	"    - {name: quiet.example, action: timeout}\n"
	"hosts:\n"
	"  - {address: 203.0.113.66, action: drop}\n"
	"  - {address: 203.0.113.67, port: 443, action: refuse}\n"
	"  - {address: 203.0.113.68, proto: tcp, ports: [80, \"8000-8080\"], action: http,"
	" http: {status: 403}}\n"
	"  - {address: 203.0.113.69, port: 4444, action: c2, c2: {argv: [/bin/true]}}\n";

static struct bos_profile *profile(void)
{
	struct bos_profile *p = NULL;
	struct bos_err err = BOS_ERR_INIT;

	if (bos_profile_parse("t.yaml", profile_text, sizeof(profile_text) - 1, &p, &err) < 0)
		bt_fail(__FILE__, __LINE__, "%s", err.msg);
	return p;
}

/* A query: id 0x1234, RD, one question for name/qtype/IN. */
static size_t query(uint8_t *q, const char *name, uint16_t qtype)
{
	size_t n = 0;
	const char *l = name;

	memcpy(q, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
	n = 12;
	while (*l) {
		const char *dot = strchr(l, '.');
		size_t len = dot ? (size_t)(dot - l) : strlen(l);

		q[n++] = (uint8_t)len;
		memcpy(q + n, l, len);
		n += len;
		l += len + (dot ? 1 : 0);
	}
	q[n++] = 0;
	q[n++] = (uint8_t)(qtype >> 8);
	q[n++] = (uint8_t)qtype;
	q[n++] = 0;
	q[n++] = 1;
	return n;
}

static void ask(const struct bos_profile *p, const char *name, uint16_t qtype, struct bos_buf *r,
		struct inet_dns_info *info)
{
	uint8_t q[300];
	size_t n = query(q, name, qtype);

	bos_buf_reset(r);
	inet_dns_answer(p, bt_guard_dup(q, n), n, 512, r, info);
}

void test_inet__dns_answers_a_record(void)
{
	struct bos_profile *p = profile();
	struct bos_buf r = BOS_BUF_INIT;
	struct inet_dns_info info;
	const uint8_t *d;
	size_t qlen = 12 + 17 + 4;	/* header + \x02c2\x04evil\x07example\x00 + type/class */

	BT_ASSERT(p);
	ask(p, "C2.evil.example", 1, &r, &info);
	d = (const uint8_t *)r.data;
	BT_ASSERT_EQ_INT(info.rcode, 0);
	BT_ASSERT_EQ_INT(r.len, qlen + 16);
	BT_ASSERT(d[0] == 0x12 && d[1] == 0x34);
	BT_ASSERT_EQ_INT(d[2], 0x85);		/* QR, AA, RD */
	BT_ASSERT_EQ_INT(d[3], 0x80);		/* RA, NOERROR */
	BT_ASSERT_EQ_INT(d[5], 1);		/* QD */
	BT_ASSERT_EQ_INT(d[7], 1);		/* AN: only the A, not the AAAA */
	/* The question is echoed with the case the client used (0x20 bit randomisation). */
	BT_ASSERT_EQ_MEM(d + 12, "\x02" "C2\x04" "evil", 8);
	/* pointer to the question, A, IN, TTL 77, length 4, 203.0.113.66 */
	BT_ASSERT_EQ_MEM(d + qlen,
			 "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x4d\x00\x04\xcb\x00\x71\x42", 16);
	ask(p, "c2.evil.example", 28, &r, &info);
	BT_ASSERT_EQ_INT(info.n_answers, 1);
	BT_ASSERT_EQ_INT(r.len, qlen + 28);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[qlen + 3], 28);
	/* Other names get the sinkhole address from the default. */
	ask(p, "www.example.com", 1, &r, &info);
	BT_ASSERT_EQ_INT(info.n_answers, 1);
	BT_ASSERT_EQ_MEM(r.data + r.len - 4, "\xc6\x33\x64\x01", 4);	/* 198.51.100.1 */
	bos_buf_release(&r);
	bos_profile_free(p);
}

void test_inet__dns_failure_actions(void)
{
	struct bos_profile *p = profile();
	struct bos_buf r = BOS_BUF_INIT;
	struct inet_dns_info info;

	BT_ASSERT(p);
	ask(p, "gone.example", 1, &r, &info);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 3);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[7], 0);
	ask(p, "broken.example", 1, &r, &info);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 2);
	ask(p, "nope.example", 1, &r, &info);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 5);
	ask(p, "empty.example", 1, &r, &info);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 0);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[7], 0);
	BT_ASSERT(r.len > 12);
	ask(p, "quiet.example", 1, &r, &info);
	BT_ASSERT_EQ_INT(r.len, 0);
	BT_ASSERT_EQ_INT(info.rcode, -1);
	BT_ASSERT(info.rule && info.rule->action == BOS_PROFILE_DNS_TIMEOUT);
	bos_buf_release(&r);
	bos_profile_free(p);
}

void test_inet__dns_malformed_queries(void)
{
	struct bos_profile *p = profile();
	struct bos_buf r = BOS_BUF_INIT;
	struct inet_dns_info info;
	uint8_t q[300];
	size_t n;

	BT_ASSERT(p);
	/* Short header: nothing to answer. */
	inet_dns_answer(p, bt_guard_dup("\x12\x34\x01", 3), 3, 512, &r, &info);
	BT_ASSERT_EQ_INT(r.len, 0);
	BT_ASSERT_EQ_INT(info.parse, BOS_PARSE_TRUNCATED);
	/* A response (QR set) is never answered: no reflection between two responders. */
	n = query(q, "a.example", 1);
	q[2] |= 0x80;
	inet_dns_answer(p, bt_guard_dup(q, n), n, 512, &r, &info);
	BT_ASSERT_EQ_INT(r.len, 0);
	/* A compression pointer in the question: FORMERR, header only. */
	n = query(q, "a.example", 1);
	q[12] = 0xc0;
	q[13] = 0x0c;
	inet_dns_answer(p, bt_guard_dup(q, n), n, 512, &r, &info);
	BT_ASSERT_EQ_INT(r.len, 12);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 1);
	BT_ASSERT_EQ_INT(info.parse, BOS_PARSE_MALFORMED);
	/* Question cut short. */
	bos_buf_reset(&r);
	n = query(q, "a.example", 1);
	inet_dns_answer(p, bt_guard_dup(q, n - 3), n - 3, 512, &r, &info);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 1);
	/* Two questions. */
	bos_buf_reset(&r);
	n = query(q, "a.example", 1);
	q[5] = 2;
	inet_dns_answer(p, bt_guard_dup(q, n), n, 512, &r, &info);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 1);
	/* Opcode STATUS: NOTIMP. */
	bos_buf_reset(&r);
	n = query(q, "a.example", 1);
	q[2] = 0x10;
	inet_dns_answer(p, bt_guard_dup(q, n), n, 512, &r, &info);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 4);
	/* A label with a non-hostname byte: NXDOMAIN, never the sinkhole. */
	bos_buf_reset(&r);
	n = query(q, "a\x01" "b.example", 1);
	inet_dns_answer(p, bt_guard_dup(q, n), n, 512, &r, &info);
	BT_ASSERT_EQ_INT(((const uint8_t *)r.data)[3] & 0xf, 3);
	bos_buf_release(&r);
	bos_profile_free(p);
}

void test_inet__dns_truncates_to_fit(void)
{
	struct bos_buf text = BOS_BUF_INIT, r = BOS_BUF_INIT;
	struct bos_profile *p = NULL;
	struct bos_err err = BOS_ERR_INIT;
	struct inet_dns_info info;
	uint8_t q[300];
	size_t n;
	int i;

	bos_buf_addstr(&text, "dns:\n  names:\n    - name: many.example\n      addresses: [");
	for (i = 0; i < 32; i++)
		bos_buf_addf(&text, "%s2001:db8::%d", i ? ", " : "", i + 1);
	bos_buf_addstr(&text, "]\n");
	BT_ASSERT_EQ_INT(bos_profile_parse("t.yaml", text.data, text.len, &p, &err), 0);
	n = query(q, "many.example", 28);
	inet_dns_answer(p, q, n, 512, &r, &info);
	BT_ASSERT(r.len <= 512);
	BT_ASSERT(info.truncated);
	BT_ASSERT(((const uint8_t *)r.data)[2] & 0x02);			/* TC */
	BT_ASSERT_EQ_INT(info.n_answers, (512 - 12 - 14 - 4) / 28);
	bos_buf_reset(&r);
	inet_dns_answer(p, q, n, 65535, &r, &info);			/* TCP: all 32 */
	BT_ASSERT_EQ_INT(info.n_answers, 32);
	BT_ASSERT(!info.truncated);
	bos_buf_release(&text);
	bos_buf_release(&r);
	bos_profile_free(p);
}

void test_inet__http_parse(void)
{
	static const char req[] = "GET /gate.php?id=1 HTTP/1.1\r\nUser-Agent: x\r\n"
				  "HOST:  c2.evil.example:8080 \r\n\r\nbody";
	struct inet_http_req r;
	size_t i;

	BT_ASSERT_EQ_INT(inet_http_parse(bt_guard_dup(req, sizeof(req) - 1), sizeof(req) - 1, &r),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_STR(r.method, "GET");
	BT_ASSERT_EQ_STR(r.path, "/gate.php?id=1");
	BT_ASSERT_EQ_STR(r.host, "c2.evil.example:8080");
	/* Every prefix of the head is INCOMPLETE, never a wrong verdict. */
	for (i = 1; i < sizeof(req) - 1 - 4; i++) {
		enum bos_parse pr = inet_http_parse(bt_guard_dup(req, i), i, &r);

		if (pr != BOS_PARSE_INCOMPLETE) {
			bt_fail(__FILE__, __LINE__, "prefix %zu: %d", i, pr);
			return;
		}
	}
	BT_ASSERT_EQ_INT(inet_http_parse(bt_guard_dup("\x16\x03\x01", 3), 3, &r),
			 BOS_PARSE_MALFORMED);
	BT_ASSERT_EQ_INT(inet_http_parse(bt_guard_dup("SSH-2.0-x\r\n", 11), 11, &r),
			 BOS_PARSE_MALFORMED);
	BT_ASSERT_EQ_INT(inet_http_parse(bt_guard_dup("GET / FTP/1\r\n", 13), 13, &r),
			 BOS_PARSE_MALFORMED);
	BT_ASSERT_EQ_INT(inet_http_parse(bt_guard_dup("POST", 4), 4, &r), BOS_PARSE_INCOMPLETE);
}

void test_inet__http_content_length(void)
{
	static const char req[] = "POST /up HTTP/1.1\r\nContent-Length:  12 \r\n\r\nabcd";
	static const char *const bad[] = { "4x", "-1", "", "1 2", "1234567890123456" };
	struct inet_http_req r;
	char buf[128];
	size_t i, n;

	BT_ASSERT_EQ_INT(inet_http_parse(bt_guard_dup(req, sizeof(req) - 1), sizeof(req) - 1, &r),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(r.content_length, 12);
	BT_ASSERT_EQ_INT(r.head_len, sizeof(req) - 1 - 4);	/* "abcd" is body */
	for (i = 0; i < BOS_ARRAY_SIZE(bad); i++) {
		n = (size_t)snprintf(buf, sizeof(buf), "PUT / HTTP/1.1\ncontent-length: %s\n\n",
				     bad[i]);
		BT_ASSERT_EQ_INT(inet_http_parse(bt_guard_dup(buf, n), n, &r), BOS_PARSE_OK);
		if (r.content_length != -1) {
			bt_fail(__FILE__, __LINE__, "\"%s\" gave %lld", bad[i],
				(long long)r.content_length);
			return;
		}
	}
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\n\r\n");
	BT_ASSERT_EQ_INT(inet_http_parse(bt_guard_dup(buf, n), n, &r), BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(r.content_length, -1);
}

void test_inet__http_response_owns_framing(void)
{
	struct bos_profile_header h[] = { { (char *)"Content-Length", (char *)"999" },
					  { (char *)"X-A", (char *)"b" } };
	struct bos_profile_http_rule r = { .status = 503, .headers = h, .n_headers = 2,
					   .body = (char *)"down", .body_len = 4 };
	struct bos_buf out = BOS_BUF_INIT;

	inet_http_response(&r, false, &out);
	BT_ASSERT(!strncmp(out.data, "HTTP/1.1 503 Service Unavailable\r\n", 34));
	BT_ASSERT(strstr(out.data, "X-A: b\r\n") != NULL);
	BT_ASSERT(strstr(out.data, "999") == NULL);
	BT_ASSERT(strstr(out.data, "Content-Length: 4\r\nConnection: close\r\n\r\ndown") != NULL);
	bos_buf_reset(&out);
	inet_http_response(&r, true, &out);			/* HEAD: no body */
	BT_ASSERT(out.len > 4 && !strcmp(out.data + out.len - 4, "\r\n\r\n"));
	bos_buf_release(&out);
}

void test_inet__ruleset(void)
{
	struct bos_profile *p = profile();
	struct bos_inet_env env;
	struct bos_buf b = BOS_BUF_INIT;
	const char *filt, *nat;

	BT_ASSERT(p);
	bos_inet_env_init(&env);
	env.uplink_ifname = "vinet0";
	bos_inet_ruleset(p, &env, &b);
	filt = strstr(b.data, "chain filter");
	nat = strstr(b.data, "chain nat");
	BT_ASSERT(filt && nat && filt < nat);
	BT_ASSERT(strstr(b.data, "iifname != \"vinet0\" accept") != NULL);
	/* drop and refuse in the filter chain, before anything else can redirect them */
	BT_ASSERT(strstr(filt, "ip daddr 203.0.113.66/32 drop\n") < nat);
	BT_ASSERT(strstr(filt, "ip daddr 203.0.113.67/32 meta l4proto tcp th dport 443 reject "
			       "with tcp reset\n") < nat);
	/* http entry: both port ranges redirected to the sinkhole */
	BT_ASSERT(strstr(nat, "ip daddr 203.0.113.68/32 meta l4proto tcp th dport 8000-8080 "
			      "redirect to :65080\n") != NULL);
	BT_ASSERT(strstr(nat, "ip daddr 203.0.113.68/32 meta l4proto tcp th dport 80 redirect "
			      "to :65080\n") != NULL);
	/* the C2 address is left alone: its program listens there itself */
	BT_ASSERT(strstr(nat, "ip daddr 203.0.113.69/32 meta l4proto tcp th dport 4444 accept\n") !=
		  NULL);
	/* DNS to any address reaches the fake DNS; the default is the sinkhole */
	BT_ASSERT(strstr(nat, "th dport 53 redirect to :53\n") != NULL);
	BT_ASSERT(strstr(nat, "meta l4proto tcp redirect to :65080\n") != NULL);
	/* default UDP: TPROXY in the filter chain (keeps the destination), DNS exempted */
	BT_ASSERT(strstr(filt, "udp dport 53 accept\n\t\tmeta l4proto udp tproxy to :65053 "
			       "accept\n") < nat);
	BT_ASSERT(strstr(nat, "udp redirect") == NULL);
	bos_buf_release(&b);
	bos_profile_free(p);
}
