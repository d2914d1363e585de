/*
 * The simulated internet's authoritative DNS: one query in, one answer out (RFC 1035
 * sections 4.1.1-4.1.3). Like INetSim's DNS it claims authority for every name; what it
 * answers comes from the profile (bos_profile_match_name).
 *
 *   header  | ID | QR opcode AA TC RD | RA Z rcode | QD | AN | NS | AR |
 *   question  QNAME (labels, no compression in queries) QTYPE QCLASS
 *   answers   C0 0C (pointer to the question's name) TYPE CLASS TTL RDLENGTH RDATA
 *
 * Queries are hostile bytes: read with bos_cur, labels capped at 63, names at 255 bytes,
 * exactly one question. A message with QR set is never answered (no reflection loops);
 * any other malformed query gets FORMERR if at least the header could be read.
 */
#include <arpa/inet.h>
#include <string.h>

#include "bos/cur.h"
#include "inet_int.h"

#define DNS_HDR 12
#define DNS_T_A 1
#define DNS_T_AAAA 28
#define DNS_T_ANY 255
#define DNS_C_IN 1
#define DNS_RC_FORMERR 1
#define DNS_RC_SERVFAIL 2
#define DNS_RC_NXDOMAIN 3
#define DNS_RC_NOTIMP 4
#define DNS_RC_REFUSED 5

static void put16(struct bos_buf *b, uint16_t v)
{
	char x[2] = { (char)(v >> 8), (char)(v & 0xff) };

	bos_buf_add(b, x, 2);
}

static void put32(struct bos_buf *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b, (uint16_t)(v & 0xffff));
}

/* Read QNAME into info->qname. Compression pointers in a query are not allowed. */
static void read_qname(struct bos_cur *c, struct inet_dns_info *info)
{
	size_t total = 0;

	info->qname_len = 0;
	for (;;) {
		uint8_t len = bos_cur_u8(c);

		if (!bos_cur_ok(c))
			return;
		if (len == 0)
			break;
		if (len > 63) {		/* 0xc0 pointers and the reserved 0x40/0x80 types */
			bos_cur_fail(c, BOS_PARSE_MALFORMED);
			return;
		}
		total += (size_t)len + 1;
		if (total > 254) {
			bos_cur_fail(c, BOS_PARSE_MALFORMED);
			return;
		}
		if (!bos_cur_need(c, len))
			return;
		if (info->qname_len)
			info->qname[info->qname_len++] = '.';
		memcpy(info->qname + info->qname_len, c->p, len);
		info->qname_len += len;
		bos_cur_skip(c, len);
	}
	info->qname[info->qname_len] = 0;
}

/* True if the name is something bos_profile_match_name can compare (hostname bytes). */
static bool plain_name(const struct inet_dns_info *info)
{
	size_t i;

	for (i = 0; i < info->qname_len; i++) {
		char ch = info->qname[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return false;
	}
	return true;
}

static void header(struct bos_buf *out, uint16_t id, uint16_t qflags, int rcode, bool tc,
		   uint16_t qd, uint16_t an)
{
	/* QR=1, opcode from the query, AA=1, TC, RD copied, RA=1. */
	uint16_t flags = (uint16_t)(0x8000 | (qflags & 0x7800) | 0x0400 | (tc ? 0x0200 : 0) |
				    (qflags & 0x0100) | 0x0080 | (rcode & 0xf));

	put16(out, id);
	put16(out, flags);
	put16(out, qd);
	put16(out, an);
	put16(out, 0);
	put16(out, 0);
}

void inet_dns_answer(const struct bos_profile *p, const uint8_t *q, size_t qlen, size_t max_len,
		     struct bos_buf *resp, struct inet_dns_info *info)
{
	struct bos_cur c = bos_cur_make(q, qlen);
	const struct bos_profile_name *rule;
	const uint8_t *qstart, *qend;
	uint16_t flags, qd;
	size_t start = resp->len, i, want_len;
	int rcode = 0;

	memset(info, 0, sizeof(*info));
	info->rcode = -1;
	info->id = bos_cur_be16(&c);
	flags = bos_cur_be16(&c);
	qd = bos_cur_be16(&c);
	bos_cur_skip(&c, 6);
	if (!bos_cur_ok(&c)) {
		info->parse = c.err;
		return;			/* not even a header: nothing to answer to */
	}
	if (flags & 0x8000) {
		info->parse = BOS_PARSE_MALFORMED;	/* a response: never answer those */
		return;
	}
	if ((flags & 0x7800) != 0) {
		info->parse = BOS_PARSE_UNSUPPORTED;
		info->rcode = DNS_RC_NOTIMP;
		header(resp, info->id, flags, DNS_RC_NOTIMP, false, 0, 0);
		return;
	}
	qstart = c.p;
	if (qd == 1)
		read_qname(&c, info);
	info->qtype = bos_cur_be16(&c);
	info->qclass = bos_cur_be16(&c);
	qend = c.p;
	if (qd != 1 || !bos_cur_ok(&c)) {
		info->parse = qd != 1 ? BOS_PARSE_MALFORMED : c.err;
		info->rcode = DNS_RC_FORMERR;
		header(resp, info->id, flags, DNS_RC_FORMERR, false, 0, 0);
		return;
	}
	/* Additional records (EDNS OPT) are ignored: answers stay within 512 bytes on UDP. */
	if (!plain_name(info)) {
		/* Not a hostname: nothing in a profile can name it; answer like an unknown name
		 * would be, but never with the sinkhole for garbage. */
		rule = NULL;
		rcode = DNS_RC_NXDOMAIN;
	} else {
		rule = bos_profile_match_name(p, info->qname);
		switch (rule->action) {
		case BOS_PROFILE_DNS_TIMEOUT:
			info->rule = rule;
			return;		/* no reply at all */
		case BOS_PROFILE_DNS_NXDOMAIN:
			rcode = DNS_RC_NXDOMAIN;
			break;
		case BOS_PROFILE_DNS_SERVFAIL:
			rcode = DNS_RC_SERVFAIL;
			break;
		case BOS_PROFILE_DNS_REFUSED:
			rcode = DNS_RC_REFUSED;
			break;
		case BOS_PROFILE_DNS_RESOLVE:
		case BOS_PROFILE_DNS_NODATA:
		default:
			rcode = 0;
			break;
		}
	}
	info->rule = rule;
	info->rcode = rcode;
	header(resp, info->id, flags, rcode, false, 1, 0);
	bos_buf_add(resp, qstart, (size_t)(qend - qstart));
	if (!rule || rule->action != BOS_PROFILE_DNS_RESOLVE || info->qclass != DNS_C_IN)
		return;
	for (i = 0; i < rule->n_addrs && info->n_answers < BOS_ARRAY_SIZE(info->answers); i++) {
		const struct bos_profile_addr *a = &rule->addrs[i];
		bool v4 = a->family == AF_INET;
		uint16_t type = v4 ? DNS_T_A : DNS_T_AAAA;

		if (info->qtype != type && info->qtype != DNS_T_ANY)
			continue;
		want_len = 12 + (v4 ? 4u : 16u);
		if (resp->len - start + want_len > max_len) {
			info->truncated = true;
			resp->data[start + 2] |= 0x02;	/* TC */
			break;
		}
		put16(resp, 0xc00c);		/* the question's name, at offset 12 */
		put16(resp, type);
		put16(resp, DNS_C_IN);
		put32(resp, rule->ttl);
		put16(resp, v4 ? 4 : 16);
		bos_buf_add(resp, a->a, v4 ? 4 : 16);
		info->answers[info->n_answers++] = *a;
	}
	resp->data[start + 6] = (char)(info->n_answers >> 8);
	resp->data[start + 7] = (char)(info->n_answers & 0xff);
}
