/*
 * DNS message dissector and per-flow transaction tracker (see bos/dns.h).
 * References: RFC 1035 (format, compression), RFC 3596 (AAAA), RFC 2782 (SRV),
 * RFC 6891 (OPT, label types 0x40/0x80 deprecated), RFC 7766 (DNS over TCP),
 * Zeek base/protocols/dns/main.zeek (dns.log field meanings).
 *
 *  Header (12 bytes):
 *                                  1  1  1  1  1  1
 *    0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                      ID                       |
 *  |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
 *  |             QDCOUNT / ANCOUNT                 |
 *  |             NSCOUNT / ARCOUNT                 |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  Question: QNAME QTYPE(16) QCLASS(16)
 *  RR:       NAME TYPE(16) CLASS(16) TTL(32) RDLENGTH(16) RDATA
 *  NAME: labels <len 0..63><bytes>..., ended by 0 or by a pointer 11xxxxxx xxxxxxxx
 *        (14-bit offset from the message start).
 *
 * Compression pointers are the classic attack on DNS parsers (loops, forward references).
 * Each pointer must point strictly before the start of the label run it interrupts... and
 * more strictly, before the previous pointer's target: so targets strictly decrease, any
 * chain ends, and each byte is rendered at most once per name (tcpdump's fqdn_print uses
 * the same rule). The wire length of the decompressed name is capped at 255 bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/addr_text.h"
#include "bos/buf.h"
#include "bos/cur.h"
#include "bos/dns.h"
#include "bos/escape.h"
#include "proto_int.h"

/* --- names --- */

static void render_label_bytes(struct bos_buf *out, const uint8_t *l, size_t n)
{
	static const char hexd[] = "0123456789abcdef";

	size_t run = 0;		/* plain bytes are copied in runs, not one by one */

	for (size_t i = 0; i < n; i++) {
		uint8_t b = l[i];

		if (b > 0x20 && b < 0x7f && b != '.' && b != '\\') {
			run++;
		} else {
			char esc[4] = { '\\', 'x', hexd[b >> 4], hexd[b & 15] };

			bos_buf_add(out, l + i - run, run);
			run = 0;
			bos_buf_add(out, esc, 4);
		}
	}
	bos_buf_add(out, l + n - run, run);
}

/*
 * Read a (possibly compressed) name at c (which may be a sub-cursor inside rdata); pointer
 * targets index the whole message msg[0, msglen). c ends after the name's in-place part.
 * Appends the rendered name to out (NULL: the name is only checked, for records that are
 * not kept). Returns OK, TRUNCATED or MALFORMED (and sets the anomaly bit).
 */
static enum bos_parse read_name(const uint8_t *msg, size_t msglen, struct bos_cur *c,
				struct bos_buf *out, unsigned *anom)
{
	struct bos_cur r = *c;		/* where labels are read now */
	bool jumped = false;
	size_t limit = (size_t)(c->p - msg);	/* targets must be below this */
	size_t wire = 1;		/* the final zero byte */
	unsigned jumps = 0;
	bool first = true;

	for (;;) {
		uint8_t len = bos_cur_u8(&r);

		if (!bos_cur_ok(&r))
			break;
		if ((len & 0xc0) == 0xc0) {
			uint8_t lo = bos_cur_u8(&r);
			size_t target = (size_t)(len & 0x3f) << 8 | lo;

			if (!bos_cur_ok(&r))
				break;
			if (!jumped) {
				*c = r;		/* the name's in-place part ends here */
				jumped = true;
			}
			if (target >= limit || target >= msglen || ++jumps > BOS_DNS_MAX_JUMPS) {
				*anom |= BOS_DNS_ANOM_POINTER_LOOP;
				bos_cur_fail(&r, BOS_PARSE_MALFORMED);
				break;
			}
			limit = target;
			r = bos_cur_make(msg + target, msglen - target);
			continue;
		}
		if (len & 0xc0) {
			*anom |= BOS_DNS_ANOM_BAD_LABEL;
			bos_cur_fail(&r, BOS_PARSE_MALFORMED);
			break;
		}
		if (len == 0)
			break;
		wire += (size_t)len + 1;
		if (wire > BOS_DNS_MAX_NAME) {
			*anom |= BOS_DNS_ANOM_NAME_TOO_LONG;
			bos_cur_fail(&r, BOS_PARSE_MALFORMED);
			break;
		}
		if (!bos_cur_need(&r, len))
			break;
		if (out && !first)
			bos_buf_addch(out, '.');
		if (out)
			render_label_bytes(out, r.p, len);
		bos_cur_skip(&r, len);
		first = false;
	}
	if (!jumped) {
		enum bos_parse e = r.err;

		*c = r;
		return e;
	}
	if (!bos_cur_ok(&r)) {
		/* A pointer target running off the end is a bad pointer, not a short capture:
		 * the message itself was complete up to the pointer. */
		if (r.err == BOS_PARSE_TRUNCATED)
			*anom |= BOS_DNS_ANOM_POINTER_LOOP;
		bos_cur_fail(c, BOS_PARSE_MALFORMED);
		return BOS_PARSE_MALFORMED;
	}
	return BOS_PARSE_OK;
}

/* --- rdata --- */

/* The text from start on is one rdata: cap it. */
static void cap_text(struct bos_buf *t, size_t start)
{
	if (t->len - start > BOS_DNS_MAX_RDATA_TEXT) {
		bos_buf_setlen(t, start + BOS_DNS_MAX_RDATA_TEXT - 3);
		bos_buf_addstr(t, "...");
	}
}

/* Render rdata of an RR, appended to t. rd is a sub-cursor over exactly rdlength bytes. A
 * bad rdata is an anomaly of that record only: the message parse goes on. */
static void render_rdata(const uint8_t *msg, size_t msglen, uint16_t type, struct bos_cur rd,
			 struct bos_buf *t, unsigned *anom)
{
	size_t rdlen = bos_cur_left(&rd), start = t->len;
	unsigned name_anom = 0;
	char addr[BOS_ADDR_TEXT_MAX];
	uint8_t raw[16];

	switch (type) {
	case BOS_DNS_TYPE_A:
	case BOS_DNS_TYPE_AAAA: {
		size_t need = type == BOS_DNS_TYPE_A ? 4 : 16;

		if (rdlen != need) {
			*anom |= BOS_DNS_ANOM_RDATA_LEN;
			bos_buf_addf(t, "<bad %s rdata, %zu bytes>", bos_dns_type_name(type), rdlen);
			return;
		}
		bos_cur_copy(&rd, raw, need);
		bos_addr_text(addr, sizeof(addr), raw, type == BOS_DNS_TYPE_AAAA);
		bos_buf_addstr(t, addr);
		return;
	}
	case BOS_DNS_TYPE_CNAME:
	case BOS_DNS_TYPE_NS:
	case BOS_DNS_TYPE_PTR:
		read_name(msg, msglen, &rd, t, &name_anom);
		break;
	case BOS_DNS_TYPE_MX:
		bos_cur_skip(&rd, 2);		/* preference: Zeek logs the exchange only */
		read_name(msg, msglen, &rd, t, &name_anom);
		break;
	case BOS_DNS_TYPE_SRV:
		bos_cur_skip(&rd, 6);		/* priority, weight, port: Zeek logs the target */
		read_name(msg, msglen, &rd, t, &name_anom);
		break;
	case BOS_DNS_TYPE_SOA:
		read_name(msg, msglen, &rd, t, &name_anom);	/* Zeek logs the mname */
		read_name(msg, msglen, &rd, NULL, &name_anom);	/* rname: checked only */
		bos_cur_skip(&rd, 20);		/* serial refresh retry expire minimum */
		break;
	case BOS_DNS_TYPE_TXT:
	case BOS_DNS_TYPE_SPF: {
		bool first = true;

		/* Zeek: "TXT <len> <string>" per character-string, joined by ' '. */
		while (bos_cur_ok(&rd) && bos_cur_left(&rd) > 0 &&
		       t->len - start <= BOS_DNS_MAX_RDATA_TEXT) {
			uint8_t n = bos_cur_u8(&rd);

			if (!bos_cur_need(&rd, n))
				break;
			bos_buf_addf(t, "%s%s %u ", first ? "" : " ",
				     type == BOS_DNS_TYPE_TXT ? "TXT" : "SPF", n);
			bos_escape(t, rd.p, n);
			bos_cur_skip(&rd, n);
			first = false;
		}
		/* Text beyond the cap is not rendered, but is not an anomaly either. */
		if (bos_cur_ok(&rd))
			rd.p = rd.end;
		break;
	}
	case BOS_DNS_TYPE_RRSIG: {
		uint16_t covered = bos_cur_be16(&rd);

		/* algorithm(1) labels(1) ttl(4) expiration(4) inception(4) key tag(2) */
		bos_cur_skip(&rd, 16);
		bos_buf_addf(t, "RRSIG %u ", covered);
		read_name(msg, msglen, &rd, t, &name_anom);	/* signer */
		if (bos_cur_ok(&rd))
			rd.p = rd.end;				/* the signature */
		break;
	}
	default:
		bos_buf_addf(t, "<unknown type=%u>", type);
		rd.p = rd.end;
		break;
	}
	*anom |= name_anom;
	if (!bos_cur_ok(&rd) || bos_cur_left(&rd))
		*anom |= BOS_DNS_ANOM_RDATA_LEN;
	cap_text(t, start);
}

/*
 * A message being parsed. Its strings are rendered one after the other (each ended by a
 * NUL) into one buffer, which becomes the message's only allocation (bos_dns_msg.mem):
 * room for the question and answer arrays first, the strings after. One malloc per
 * message, where each name, each rdata and both arrays had their own: allocations were
 * most of a DNS message's cost. Strings are kept as offsets until the buffer stops moving.
 */
struct msg_build {
	struct bos_buf b;
	bool netbios;
	struct bos_dns_question qd[BOS_DNS_MAX_QUESTIONS];
	size_t qd_name[BOS_DNS_MAX_QUESTIONS];
	struct bos_dns_rr an[BOS_DNS_MAX_RECORDS];
	size_t an_name[BOS_DNS_MAX_RECORDS], an_rdata[BOS_DNS_MAX_RECORDS];
	size_t qcap, acap;	/* array sizes at the start of b */
};

static void netbios_decode(struct bos_buf *s, size_t start);

/* End the name rendered from start on (NetBIOS-decoded if the message is NBNS). */
static size_t name_done(struct msg_build *mb, size_t start)
{
	if (mb->netbios)
		netbios_decode(&mb->b, start);
	bos_buf_addch(&mb->b, '\0');
	return start;
}

/* One resource record, rendered into mb when keep (else only walked). Returns whether
 * its fixed fields were all there (then *rr and the offsets are set if keep). */
static bool read_rr(const uint8_t *msg, size_t msglen, struct bos_cur *c, struct msg_build *mb,
		    bool keep, struct bos_dns_rr *rr, size_t *name_off, size_t *rdata_off,
		    unsigned *anom)
{
	size_t start = mb->b.len;
	struct bos_cur rd;
	uint16_t rdlen;

	*rr = (struct bos_dns_rr){ 0 };
	if (read_name(msg, msglen, c, keep ? &mb->b : NULL, anom) != BOS_PARSE_OK)
		goto fail;
	rr->type = bos_cur_be16(c);
	rr->rclass = bos_cur_be16(c);
	rr->ttl = bos_cur_be32(c);
	rdlen = bos_cur_be16(c);
	rd = bos_cur_sub(c, rdlen);
	if (!bos_cur_ok(c))
		goto fail;
	if (!keep)
		return true;
	*name_off = name_done(mb, start);
	*rdata_off = mb->b.len;
	render_rdata(msg, msglen, rr->type, rd, &mb->b, anom);
	bos_buf_addch(&mb->b, '\0');
	return true;
fail:
	bos_buf_setlen(&mb->b, start);
	return false;
}

/* Room for the arrays at the start of the buffer, before any string. */
static void msg_build_init(struct msg_build *mb, const struct bos_dns_msg *m, bool netbios)
{
	size_t head;

	mb->b = (struct bos_buf)BOS_BUF_INIT;
	mb->netbios = netbios;
	mb->qcap = m->qdcount < BOS_DNS_MAX_QUESTIONS ? m->qdcount : BOS_DNS_MAX_QUESTIONS;
	mb->acap = m->ancount < BOS_DNS_MAX_RECORDS ? m->ancount : BOS_DNS_MAX_RECORDS;
	head = mb->qcap * sizeof(mb->qd[0]) + mb->acap * sizeof(mb->an[0]);
	if (head) {	/* + the strings of a usual question and answer, without a realloc */
		bos_buf_grow(&mb->b, head + 128);
		bos_buf_setlen(&mb->b, head);
	}
}

/* Give m the buffer: arrays copied to its start, strings pointed at. */
static void msg_build_finish(struct msg_build *mb, struct bos_dns_msg *m)
{
	char *mem;

	if (!m->n_qd && !m->n_an) {
		bos_buf_release(&mb->b);
		return;
	}
	/* malloc'ed, so aligned for the arrays; the strings follow them. */
	mem = bos_buf_detach(&mb->b, NULL);
	m->mem = mem;
	m->qd = (struct bos_dns_question *)(void *)mem;
	m->an = (struct bos_dns_rr *)(void *)(mem + mb->qcap * sizeof(mb->qd[0]));
	for (size_t i = 0; i < m->n_qd; i++) {
		m->qd[i] = mb->qd[i];
		m->qd[i].name = mem + mb->qd_name[i];
	}
	for (size_t i = 0; i < m->n_an; i++) {
		m->an[i] = mb->an[i];
		m->an[i].name = mem + mb->an_name[i];
		m->an[i].rdata = mem + mb->an_rdata[i];
	}
}

static enum bos_parse parse_msg(const uint8_t *p, size_t len, struct bos_dns_msg *m,
				bool netbios)
{
	struct bos_cur c = bos_cur_make(p, len);
	struct msg_build mb;
	uint16_t flags;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->netbios = netbios;
	m->id = bos_cur_be16(&c);
	flags = bos_cur_be16(&c);
	m->qdcount = bos_cur_be16(&c);
	m->ancount = bos_cur_be16(&c);
	m->nscount = bos_cur_be16(&c);
	m->arcount = bos_cur_be16(&c);
	if (!bos_cur_ok(&c)) {
		m->anomalies |= BOS_DNS_ANOM_TRUNCATED;
		return c.err;
	}
	m->qr = flags >> 15;
	m->opcode = (uint8_t)(flags >> 11 & 0xf);
	m->aa = flags >> 10 & 1;
	m->tc = flags >> 9 & 1;
	m->rd = flags >> 8 & 1;
	m->ra = flags >> 7 & 1;
	m->z = (uint8_t)(flags >> 4 & 7);
	m->rcode = (uint8_t)(flags & 0xf);

	msg_build_init(&mb, m, netbios);
	for (i = 0; i < m->qdcount && bos_cur_ok(&c); i++) {
		bool keep = m->n_qd < BOS_DNS_MAX_QUESTIONS;
		size_t start = mb.b.len;
		uint16_t qtype, qclass;

		if (read_name(p, len, &c, keep ? &mb.b : NULL, &m->anomalies) != BOS_PARSE_OK) {
			bos_buf_setlen(&mb.b, start);
			break;
		}
		qtype = bos_cur_be16(&c);
		qclass = bos_cur_be16(&c);
		if (!bos_cur_ok(&c)) {
			bos_buf_setlen(&mb.b, start);
			break;
		}
		if (!keep) {
			m->anomalies |= BOS_DNS_ANOM_CAP_QUESTIONS;
			continue;
		}
		mb.qd_name[m->n_qd] = name_done(&mb, start);
		mb.qd[m->n_qd++] = (struct bos_dns_question){
			.qtype = qtype, .qclass = qclass & 0x7fff,
		};
	}

	for (i = 0; i < m->ancount && bos_cur_ok(&c); i++) {
		bool keep = m->n_an < BOS_DNS_MAX_RECORDS;
		struct bos_dns_rr rr;
		size_t no = 0, ro = 0;

		if (!keep)
			m->anomalies |= BOS_DNS_ANOM_CAP_RECORDS;
		if (read_rr(p, len, &c, &mb, keep, &rr, &no, &ro, &m->anomalies) && keep &&
		    bos_cur_ok(&c)) {
			mb.an[m->n_an] = rr;
			mb.an_name[m->n_an] = no;
			mb.an_rdata[m->n_an] = ro;
			m->n_an++;
		}
	}
	for (i = 0; i < m->nscount && bos_cur_ok(&c); i++) {
		struct bos_dns_rr rr;
		size_t no, ro;

		read_rr(p, len, &c, &mb, false, &rr, &no, &ro, &m->anomalies);
		if (bos_cur_ok(&c))
			m->n_ns_parsed++;
	}
	for (i = 0; i < m->arcount && bos_cur_ok(&c); i++) {
		struct bos_dns_rr rr;
		size_t no, ro;

		read_rr(p, len, &c, &mb, false, &rr, &no, &ro, &m->anomalies);
		if (bos_cur_ok(&c))
			m->n_ar_parsed++;
	}
	msg_build_finish(&mb, m);
	if (c.err == BOS_PARSE_TRUNCATED)
		m->anomalies |= BOS_DNS_ANOM_TRUNCATED;
	else if (bos_cur_ok(&c) && bos_cur_left(&c))
		m->anomalies |= BOS_DNS_ANOM_TRAILING;
	return c.err;
}

enum bos_parse bos_dns_parse(const uint8_t *p, size_t len, struct bos_dns_msg *m)
{
	return parse_msg(p, len, m, false);
}

/*
 * RFC 1002 4.1 first-level encoding: each byte as two letters 'A' + nibble. If the name
 * rendered in s from start on begins with such a 32-letter label, it is replaced in place
 * by the decoded bytes (trailing spaces and NULs dropped, the suffix byte not shown, others
 * escaped as in names), followed by the scope labels as they were.
 */
static void netbios_decode(struct bos_buf *s, size_t start)
{
	static const char hexd[] = "0123456789abcdef";
	const char *name = s->data + start;
	size_t name_len = s->len - start, n = 15, k = 0, tail;
	char dec[15 * 4];
	uint8_t raw[16];

	if (name_len < 32 || (name_len > 32 && name[32] != '.'))
		return;
	for (size_t i = 0; i < 32; i++) {
		uint8_t c = (uint8_t)(proto_lower((uint8_t)name[i]) - 'a');

		if (c > 15)
			return;
		if (i % 2 == 0)
			raw[i / 2] = (uint8_t)(c << 4);
		else
			raw[i / 2] |= c;
	}
	while (n && (raw[n - 1] == ' ' || raw[n - 1] == '\0'))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (raw[i] > 0x20 && raw[i] < 0x7f && raw[i] != '.' && raw[i] != '\\') {
			dec[k++] = (char)raw[i];
		} else {
			dec[k++] = '\\';
			dec[k++] = 'x';
			dec[k++] = hexd[raw[i] >> 4];
			dec[k++] = hexd[raw[i] & 15];
		}
	}
	tail = name_len - 32;	/* "" or ".scope..." */
	if (k > 32)
		bos_buf_reserve(s, k - 32);	/* may move s->data */
	memmove(s->data + start + k, s->data + start + 32, tail);
	memcpy(s->data + start, dec, k);
	bos_buf_setlen(s, start + k + tail);
}

enum bos_parse bos_dns_parse_nbns(const uint8_t *p, size_t len, struct bos_dns_msg *m)
{
	return parse_msg(p, len, m, true);
}

void bos_dns_msg_release(struct bos_dns_msg *m)
{
	free(m->mem);
	memset(m, 0, sizeof(*m));
}

enum bos_parse bos_dns_tcp_split(const uint8_t *p, size_t len, size_t *msg_len, size_t *need)
{
	struct bos_cur c = bos_cur_make(p, len);
	uint16_t n = bos_cur_be16(&c);

	*msg_len = 0;
	*need = 2;
	if (!bos_cur_ok(&c))
		return BOS_PARSE_INCOMPLETE;
	if (n == 0)
		return BOS_PARSE_MALFORMED;
	*need = (size_t)n + 2;
	if (bos_cur_left(&c) < n)
		return BOS_PARSE_INCOMPLETE;
	*msg_len = n;
	return BOS_PARSE_OK;
}

/* --- names of numbers --- */

const char *bos_dns_type_name(uint16_t type)
{
	switch (type) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 12: return "PTR";
	case 13: return "HINFO";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 29: return "LOC";
	case 33: return "SRV";
	case 35: return "NAPTR";
	case 39: return "DNAME";
	case 41: return "OPT";
	case 43: return "DS";
	case 46: return "RRSIG";
	case 47: return "NSEC";
	case 48: return "DNSKEY";
	case 50: return "NSEC3";
	case 64: return "SVCB";
	case 65: return "HTTPS";
	case 99: return "SPF";
	case 250: return "TSIG";
	case 251: return "IXFR";
	case 252: return "AXFR";
	case 255: return "*";
	case 257: return "CAA";
	default: return NULL;
	}
}

const char *bos_dns_rcode_name(uint8_t rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	};

	return rcode < BOS_ARRAY_SIZE(names) ? names[rcode] : NULL;
}

const char *bos_dns_class_name(uint16_t qclass)
{
	switch (qclass) {
	case 1: return "C_INTERNET";
	case 3: return "C_CHAOS";
	case 4: return "C_HESIOD";
	case 254: return "C_NONE";
	case 255: return "C_ANY";
	default: return NULL;
	}
}

static const char *opcode_name(uint8_t op)
{
	switch (op) {
	case 0: return "query";
	case 1: return "iquery";
	case 2: return "status";
	case 4: return "notify";
	case 5: return "update";
	default: return NULL;
	}
}

/* --- transaction tracker --- */

struct pending {
	struct bos_dns_msg q;
	int64_t ts_ns;
};

/* Most flows have one query in flight: the FIFO starts in the tracker itself, with room
 * for a few, and moves to the heap, doubling up to BOS_DNS_MAX_PENDING, only when more
 * wait (one allocation per DNS flow, not two, and no 64 zeroed slots). */
#define DNS_PENDING_FIRST 2

struct bos_dns_tracker {
	bos_dns_txn_fn cb;
	void *ctx;
	struct pending *q;	/* FIFO, oldest first; cap slots: first, or the heap */
	size_t n, cap;
	uint64_t evicted;
	struct pending first[DNS_PENDING_FIRST];
};

struct bos_dns_tracker *bos_dns_tracker_new(bos_dns_txn_fn cb, void *ctx)
{
	struct bos_dns_tracker *t = malloc(sizeof(*t));

	if (t) {
		*t = (struct bos_dns_tracker){
			.cb = cb, .ctx = ctx, .q = t->first, .cap = DNS_PENDING_FIRST,
		};
	}
	return t;
}

static bool same_question(const struct bos_dns_msg *q, const struct bos_dns_msg *r)
{
	const struct bos_dns_question *a, *b;

	if (q->id != r->id)
		return false;
	if (!q->n_qd || !r->n_qd)
		return true;
	a = &q->qd[0];
	b = &r->qd[0];
	return a->qtype == b->qtype && a->qclass == b->qclass &&
	       proto_ieq((const uint8_t *)a->name, strlen(a->name), b->name);
}

/* Report pending entry i as unanswered (or answered by r) and remove it. */
static void report_pending(struct bos_dns_tracker *t, size_t i, const struct bos_dns_msg *r,
			   int64_t r_ts)
{
	struct bos_dns_txn tx = {
		.query = &t->q[i].q, .resp = r, .query_ts_ns = t->q[i].ts_ns, .resp_ts_ns = r_ts,
	};

	if (t->cb)
		t->cb(t->ctx, &tx);
	bos_dns_msg_release(&t->q[i].q);
	memmove(&t->q[i], &t->q[i + 1], (t->n - i - 1) * sizeof(t->q[0]));
	t->n--;
}

/* Room for one more pending query (the cap is checked by the caller). */
static void pending_room(struct bos_dns_tracker *t)
{
	size_t cap = 2 * t->cap;
	bool inline_q = t->q == t->first;
	struct pending *q;

	if (t->n < t->cap)
		return;
	if (cap > BOS_DNS_MAX_PENDING)
		cap = BOS_DNS_MAX_PENDING;
	q = realloc(inline_q ? NULL : t->q, cap * sizeof(*q));
	if (!q)
		BOS_BUG("out of memory (%zu DNS queries pending)", cap);
	if (inline_q)
		memcpy(q, t->first, t->n * sizeof(*q));
	t->q = q;
	t->cap = cap;
}

void bos_dns_tracker_add_take(struct bos_dns_tracker *t, struct bos_dns_msg *m, int64_t ts_ns)
{
	if (!m->qr) {
		if (t->n == BOS_DNS_MAX_PENDING) {
			t->evicted++;
			report_pending(t, 0, NULL, 0);
		}
		pending_room(t);
		t->q[t->n].q = *m;
		t->q[t->n].ts_ns = ts_ns;
		t->n++;
		memset(m, 0, sizeof(*m));
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		if (same_question(&t->q[i].q, m)) {
			report_pending(t, i, m, ts_ns);
			bos_dns_msg_release(m);
			return;
		}
	}
	if (t->cb) {
		struct bos_dns_txn tx = { .resp = m, .resp_ts_ns = ts_ns };

		t->cb(t->ctx, &tx);
	}
	bos_dns_msg_release(m);
}

void bos_dns_tracker_finish(struct bos_dns_tracker *t)
{
	while (t->n)
		report_pending(t, 0, NULL, 0);
}

uint64_t bos_dns_tracker_evicted(const struct bos_dns_tracker *t)
{
	return t->evicted;
}

void bos_dns_tracker_free(struct bos_dns_tracker *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		bos_dns_msg_release(&t->q[i].q);
	if (t->q != t->first)
		free(t->q);
	free(t);
}

/* --- JSON --- */

/* key is a literal (KV_NAME / KV_LOWER): see BOS_JSON_KEY. The value is a name from
 * dns.c's tables or "unknown-N": plain text, written without an escaping scan. */
static void kv_name(struct bos_json *j, const char *key, size_t klen, const char *name,
		    unsigned n)
{
	char buf[32];

	if (!name) {
		snprintf(buf, sizeof(buf), "unknown-%u", n);
		name = buf;
	}
	bos_json_kv_plain(j, key, klen, name);
}

#define KV_NAME(j, lit, name, n) kv_name((j), "" lit, sizeof(lit) - 1, (name), (n))

/* Zeek logs the query name lower-cased (its analyzer does; original case is in the
 * message). ASCII only: escapes stay as they are ("\\x41" keeps its 'x'). A rendered
 * name fits the stack buffer (255 wire bytes, at most 4 characters each); anything
 * longer still goes through the heap. */
static void kv_lower(struct bos_json *j, const char *key, size_t klen, const char *name)
{
	size_t n = strlen(name);
	char stack[1088];
	char *low = n < sizeof(stack) ? stack : proto_xstrndup(name, n);

	for (size_t i = 0; i <= n; i++)	/* with the NUL: low is a string, as name */
		low[i] = (char)proto_lower((uint8_t)name[i]);
	bos_json_kvl_strn(j, key, klen, low, n);
	if (low != stack)
		free(low);
}

#define KV_LOWER(j, lit, name) kv_lower((j), "" lit, sizeof(lit) - 1, (name))

static const char *const anomaly_names[] = {
	"pointer_loop", "bad_label", "name_too_long", "truncated",
	"rdata_length", "trailing_bytes", "cap_questions", "cap_records",
};

void bos_dns_write_json(const struct bos_dns_txn *tx, struct bos_json *j)
{
	const struct bos_dns_msg *q = tx->query, *r = tx->resp;
	const struct bos_dns_msg *any = q ? q : r;
	const struct bos_dns_msg *flags = r ? r : q;
	const struct bos_dns_question *qd = NULL;
	unsigned anom = (q ? q->anomalies : 0) | (r ? r->anomalies : 0);

	if (!any)
		return;
	if (q && q->n_qd)
		qd = &q->qd[0];
	else if (r && r->n_qd)
		qd = &r->qd[0];
	BOS_JSON_KV_UINT(j, "trans_id", any->id);
	if (q && r) {
		BOS_JSON_KEY(j, "rtt");
		bos_json_seconds_ns(j, tx->resp_ts_ns - tx->query_ts_ns);
	}
	if (qd && any->netbios)
		BOS_JSON_KV_STR(j, "query", qd->name);	/* Zeek: decoded NetBIOS names keep case */
	else if (qd)
		KV_LOWER(j, "query", qd->name);
	else if (r && r->n_an)
		KV_LOWER(j, "query", r->an[0].name);	/* Zeek: mDNS answers carry no question */
	if (qd) {
		BOS_JSON_KV_UINT(j, "qclass", qd->qclass);
		KV_NAME(j, "qclass_name", bos_dns_class_name(qd->qclass), qd->qclass);
		BOS_JSON_KV_UINT(j, "qtype", qd->qtype);
		KV_NAME(j, "qtype_name", bos_dns_type_name(qd->qtype), qd->qtype);
	}
	if (r) {
		BOS_JSON_KV_UINT(j, "rcode", r->rcode);
		KV_NAME(j, "rcode_name", bos_dns_rcode_name(r->rcode), r->rcode);
	}
	BOS_JSON_KV_BOOL(j, "AA", r && r->aa);
	BOS_JSON_KV_BOOL(j, "TC", flags->tc);
	BOS_JSON_KV_BOOL(j, "RD", flags->rd);
	BOS_JSON_KV_BOOL(j, "RA", r && r->ra);
	BOS_JSON_KV_UINT(j, "Z", flags->z);
	if (r && r->n_an) {
		BOS_JSON_KEY(j, "answers");
		bos_json_arr_begin(j);
		for (size_t i = 0; i < r->n_an; i++)
			bos_json_str(j, r->an[i].rdata);
		bos_json_arr_end(j);
		BOS_JSON_KEY(j, "TTLs");
		bos_json_arr_begin(j);
		for (size_t i = 0; i < r->n_an; i++)
			bos_json_uint(j, r->an[i].ttl);
		bos_json_arr_end(j);
	}
	BOS_JSON_KV_BOOL(j, "rejected", r && !r->ancount && !r->nscount && !r->arcount);
	BOS_JSON_KV_UINT(j, "opcode", any->opcode);
	KV_NAME(j, "opcode_name", opcode_name(any->opcode), any->opcode);
	if (r)
		BOS_JSON_KV_UINT(j, "ancount", r->ancount);
	if (anom) {
		BOS_JSON_KEY(j, "anomalies");
		bos_json_arr_begin(j);
		for (size_t i = 0; i < BOS_ARRAY_SIZE(anomaly_names); i++)
			if (anom & (1u << i))
				bos_json_str(j, anomaly_names[i]);
		bos_json_arr_end(j);
	}
}
