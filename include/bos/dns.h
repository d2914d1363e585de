#ifndef BOS_DNS_H
#define BOS_DNS_H
/*
 * DNS message dissector (RFC 1035, 3596 AAAA, 2782 SRV, 6891 OPT) and a per-flow
 * transaction tracker pairing queries with responses, for Zeek dns.log-style records.
 *
 * Parsing: bos_dns_parse() reads one DNS message (a UDP payload, or one TCP message
 * after its 2-byte length prefix: see bos_dns_tcp_split()). Names are decompressed with
 * pointers that must strictly move backwards (a loop or a forward pointer is MALFORMED),
 * capped at BOS_DNS_MAX_NAME wire bytes. Names and rdata are rendered as text:
 * labels joined by '.', bytes outside [!-~] and '.' or '\' inside a label as "\xHH";
 * the root name is "" . The qd and an arrays and every string live in one heap block
 * owned by the message (mem), freed by bos_dns_msg_release.
 *
 * Result: OK, TRUNCATED (message ended inside a section: what was read is kept, counts
 * say what was promised), MALFORMED (pointer loop/forward pointer, label type 0x40/0x80,
 * name too long: what was read before is kept). m is always initialised, even on failure,
 * and must be released with bos_dns_msg_release().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/err.h"
#include "bos/json.h"
#include "bos/limits.h"

/* Well-known numbers used by callers (RFC 1035 3.2.2, 4.1.1; RFC 3596). */
enum {
	BOS_DNS_TYPE_A = 1,
	BOS_DNS_TYPE_NS = 2,
	BOS_DNS_TYPE_CNAME = 5,
	BOS_DNS_TYPE_SOA = 6,
	BOS_DNS_TYPE_PTR = 12,
	BOS_DNS_TYPE_MX = 15,
	BOS_DNS_TYPE_TXT = 16,
	BOS_DNS_TYPE_AAAA = 28,
	BOS_DNS_TYPE_SRV = 33,
	BOS_DNS_TYPE_OPT = 41,
	BOS_DNS_TYPE_RRSIG = 46,
	BOS_DNS_TYPE_SPF = 99,
	BOS_DNS_RCODE_NOERROR = 0,
	BOS_DNS_RCODE_FORMERR = 1,
	BOS_DNS_RCODE_SERVFAIL = 2,
	BOS_DNS_RCODE_NXDOMAIN = 3,
	BOS_DNS_RCODE_NOTIMP = 4,
	BOS_DNS_RCODE_REFUSED = 5,
};

/* Anomalies seen in one message (bit set), reported as data, never logged. */
enum bos_dns_anomaly_flags {
	BOS_DNS_ANOM_POINTER_LOOP = 1u << 0,	/* compression pointer not strictly backwards */
	BOS_DNS_ANOM_BAD_LABEL = 1u << 1,	/* label type 0x40 / 0x80 (RFC 6891 obsoleted) */
	BOS_DNS_ANOM_NAME_TOO_LONG = 1u << 2,	/* > BOS_DNS_MAX_NAME wire bytes */
	BOS_DNS_ANOM_TRUNCATED = 1u << 3,	/* message ended before the counts said */
	BOS_DNS_ANOM_RDATA_LEN = 1u << 4,	/* rdata shorter/longer than its type needs */
	BOS_DNS_ANOM_TRAILING = 1u << 5,	/* bytes after the last record */
	BOS_DNS_ANOM_CAP_QUESTIONS = 1u << 6,	/* more than BOS_DNS_MAX_QUESTIONS: rest skipped */
	BOS_DNS_ANOM_CAP_RECORDS = 1u << 7,	/* more than BOS_DNS_MAX_RECORDS answers kept */
};

struct bos_dns_question {
	char *name;		/* rendered, owned */
	uint16_t qtype;
	uint16_t qclass;	/* without the mDNS unicast-response bit (0x8000) */
};

struct bos_dns_rr {
	char *name;		/* owner name, rendered, owned */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	/* Rendered rdata, as Zeek's dns.log "answers" shows it: A/AAAA address text,
	 * CNAME/NS/PTR target name, MX exchange name, SRV target name, SOA mname,
	 * TXT/SPF "TXT <len> <string>" per string joined by ' ' (strings escaped),
	 * RRSIG "RRSIG <type covered> <signer>", any other type "<unknown type=N>".
	 * Owned; capped at BOS_DNS_MAX_RDATA_TEXT bytes (then ends with "..."). */
	char *rdata;
};

struct bos_dns_msg {
	uint16_t id;
	bool qr;		/* response */
	uint8_t opcode;
	bool aa, tc, rd, ra;
	uint8_t z;		/* the 3 Z bits (includes AD, CD), as Zeek reports them */
	uint8_t rcode;		/* header RCODE (4 bits); extended rcode from OPT not merged */
	uint16_t qdcount, ancount, nscount, arcount;	/* header counts as sent */
	struct bos_dns_question *qd;	/* n_qd <= BOS_DNS_MAX_QUESTIONS parsed questions */
	size_t n_qd;
	struct bos_dns_rr *an;		/* answer section, n_an <= BOS_DNS_MAX_RECORDS */
	size_t n_an;
	size_t n_ns_parsed, n_ar_parsed;	/* authority/additional records walked (not kept) */
	unsigned anomalies;		/* enum bos_dns_anomaly_flags */
	bool netbios;			/* parsed by bos_dns_parse_nbns */
	void *mem;			/* the one allocation behind qd, an and their strings */
};

/* Parse one DNS message of len bytes. See the header comment for results. */
enum bos_parse bos_dns_parse(const uint8_t *p, size_t len, struct bos_dns_msg *m);
/* Like bos_dns_parse, for a message on UDP port 137 (NetBIOS name service, RFC 1002
 * 4.1: DNS message format with "first-level encoded" names). A name whose first label is
 * the 32-letter encoding ('A'..'P' pairs) is shown decoded as Zeek's dns.log does: the 15
 * name bytes with trailing spaces dropped, without the suffix byte, then any scope labels
 * ("ECFCFHED...CACA" -> "BRWC0CB383D1F42"). Other bytes are escaped as in bos_dns_parse. */
enum bos_parse bos_dns_parse_nbns(const uint8_t *p, size_t len, struct bos_dns_msg *m);
/* Free the strings and arrays; m is left zeroed (safe to release twice). */
void bos_dns_msg_release(struct bos_dns_msg *m);

/* DNS over TCP (RFC 1035 4.2.2, RFC 7766): messages are prefixed with a 2-byte length.
 * Given the in-order stream bytes buffered so far, return the size of the first complete
 * message (its bytes start at p + 2) in *msg_len and OK; INCOMPLETE if more bytes are
 * needed (*need says how many in total); MALFORMED for a zero length. */
enum bos_parse bos_dns_tcp_split(const uint8_t *p, size_t len, size_t *msg_len, size_t *need);

/* Names of numbers, for logs: "A", "NXDOMAIN", "C_INTERNET". NULL when unknown
 * (Zeek then prints "unknown-N"; bos_dns_write_json does that too). */
const char *bos_dns_type_name(uint16_t type);
const char *bos_dns_rcode_name(uint8_t rcode);
const char *bos_dns_class_name(uint16_t qclass);

/*
 * Transaction tracker (one per flow). Queries are kept until a response with the same id
 * (and, when both carry one, the same first question name/type/class, case-insensitive)
 * arrives; then the pair is reported. A response without a pending query is reported alone,
 * queries still pending at bos_dns_tracker_finish() are reported unanswered. At most
 * BOS_DNS_MAX_PENDING queries wait: adding one more reports the oldest as unanswered and
 * counts it in evicted.
 */
struct bos_dns_txn {
	const struct bos_dns_msg *query;	/* NULL: response without a seen query */
	const struct bos_dns_msg *resp;		/* NULL: query never answered */
	int64_t query_ts_ns;			/* capture times as given to _add (0 if absent) */
	int64_t resp_ts_ns;
};

/* Called for every finished transaction; pointers are valid only during the call. */
typedef void (*bos_dns_txn_fn)(void *ctx, const struct bos_dns_txn *tx);

struct bos_dns_tracker;

struct bos_dns_tracker *bos_dns_tracker_new(bos_dns_txn_fn cb, void *ctx);
/* Takes ownership of *m (left zeroed). ts_ns: capture time of the packet. */
void bos_dns_tracker_add_take(struct bos_dns_tracker *t, struct bos_dns_msg *m, int64_t ts_ns);
/* Report every pending query as unanswered. The tracker stays usable. */
void bos_dns_tracker_finish(struct bos_dns_tracker *t);
/* Queries reported unanswered because the pending cap was hit. */
uint64_t bos_dns_tracker_evicted(const struct bos_dns_tracker *t);
void bos_dns_tracker_free(struct bos_dns_tracker *t);	/* finish() first to see pending */

/*
 * Write the Zeek dns.log fields of tx as keys into the JSON object the caller has opened
 * (caller adds ts, uid, id.*, proto). Fields, absent when unknown as in Zeek:
 *   trans_id, rtt (seconds, 6 decimals; both seen), query, qclass, qclass_name, qtype,
 *   qtype_name, rcode, rcode_name (response seen), AA, TC, RD, RA, Z, answers (array of
 *   rendered rdata), TTLs (array, seconds), rejected (Zeek's rule: a response whose
 *   answer, authority and additional counts are all zero), opcode, opcode_name; plus bos
 *   extras: ancount (header count of the response), anomalies (array of names, only when
 *   non-empty).
 * The query fields come from the query when present, else from the response.
 */
void bos_dns_write_json(const struct bos_dns_txn *tx, struct bos_json *j);

#endif
