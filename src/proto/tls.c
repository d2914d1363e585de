/*
 * TLS streaming dissector and ClientHello fingerprints (see bos/tls.h).
 * References: RFC 8446 (TLS 1.3: 4.1.2 ClientHello, 4.1.3 ServerHello, 4.2.1
 * supported_versions, 5.1 record layer, 6 alerts), RFC 5246 (TLS 1.2), RFC 6066 3 (SNI),
 * RFC 7301 (ALPN), RFC 8701 (GREASE), RFC 8422 (groups, point formats).
 * JA3: github.com/salesforce/ja3 (README: "SSLVersion,Cipher,SSLExtension,EllipticCurve,
 * EllipticCurvePointFormat", decimal, '-'-joined, GREASE dropped, MD5).
 * JA4: github.com/FoxIO-LLC/ja4 technical_details/JA4.md (JA4_a, sorted-cipher and
 * sorted-extension SHA-256 truncated to 12 hex).
 * Zeek base/protocols/ssl/main.zeek: ssl_history letters (client upper case).
 *
 *  Record:    +------+---------+---------+------------------+
 *             | type | version | length  | fragment         |   type 20 CCS, 21 alert,
 *             |  1   |    2    |    2    | length bytes     |   22 handshake, 23 app data
 *             +------+---------+---------+------------------+
 *  Handshake: +------+-----------+-------------------------+   (may span records)
 *             | type | length 24 | body                    |
 *             +------+-----------+-------------------------+
 *  ClientHello body: version(2) random(32) session_id<0..32> cipher_suites<2..2^16-2>
 *             compression<1..2^8-1> extensions<0..2^16-1> { type(2) len(2) data }
 *  ServerHello body: version(2) random(32) session_id<0..32> cipher(2) compression(1)
 *             extensions<0..2^16-1>
 *
 * State per direction: a 5-byte record header accumulator, then the record body is
 * consumed by type. Handshake bytes run through a second accumulator (4-byte header, body
 * buffered only for the two hellos, up to BOS_TLS_MAX_HELLO). Once a direction is
 * encrypted (after its ChangeCipherSpec, or after a TLS 1.3 ServerHello) record contents
 * are only counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/cur.h"
#include "bos/digest.h"
#include "bos/tls.h"
#include "proto_int.h"

#define TLS_CT_CCS 20
#define TLS_CT_ALERT 21
#define TLS_CT_HANDSHAKE 22
#define TLS_CT_APPDATA 23
#define TLS_CT_HEARTBEAT 24
/* RFC 8446 5.2: TLSCiphertext.length <= 2^14 + 256; TLS 1.2 allows + 2048. */
#define TLS_MAX_RECORD (16384 + 2048)

#define EXT_SNI 0
#define EXT_GROUPS 10
#define EXT_POINT_FORMATS 11
#define EXT_SIG_ALGS 13
#define EXT_ALPN 16
#define EXT_PSK 41
#define EXT_SUPPORTED_VERSIONS 43

struct tdir {
	uint8_t rhdr[5];
	size_t rhdr_have;
	uint8_t ctype;
	size_t rremain;		/* record body bytes left; 0 with rhdr_have < 5: in header */
	bool records_seen;
	/* handshake message reassembly */
	uint8_t hhdr[4];
	size_t hhdr_have;
	uint8_t htype;
	size_t hremain;		/* handshake body bytes left */
	bool hkeep;		/* buffering the body (a hello) */
	struct bos_buf hbody;
	/* alert reassembly (2 bytes may span records in theory) */
	uint8_t alert[2];
	size_t alert_have;
	bool dead;
};

struct bos_tls_conn {
	struct tdir dir[2];
	struct bos_tls_info info;
	bool server_cert;	/* server sent a Certificate (for "resumed") */
	bool tls13;
	bool psk_accepted;
};

/* --- helpers --- */

static bool is_grease(uint16_t v)
{
	/* RFC 8701: 0x0a0a, 0x1a1a, ..., 0xfafa */
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static void history_add(struct bos_tls_info *info, enum bos_dir d, char lower)
{
	char ch = lower;

	if (d == BOS_DIR_TO_SERVER && lower >= 'a' && lower <= 'z')
		ch = (char)(lower - 'a' + 'A');
	if (info->history_len < BOS_TLS_MAX_HISTORY) {
		info->history[info->history_len++] = ch;
		info->history[info->history_len] = '\0';
	}
}

/* Zeek's ssl_history letter for a handshake type (lower case). */
static char hs_letter(uint8_t type)
{
	switch (type) {
	case 0: return 'h';
	case 1: return 'c';
	case 2: return 's';
	case 3: return 'v';
	case 4: return 't';
	case 5: return 'e';
	case 6: return 'j';
	case 8: return 'o';
	case 11: return 'x';
	case 12: return 'k';
	case 13: return 'r';
	case 14: return 'n';
	case 15: return 'y';
	case 16: return 'g';
	case 20: return 'f';
	case 21: return 'w';
	case 22: return 'u';
	case 23: return 'a';
	case 24: return 'p';
	case 254: return 'm';
	default: return 'z';
	}
}

/* Lower-case hex of the digest of data, cut to keep characters (JA4 keeps 12). The digest
 * comes from bos/digest.h: it reuses the thread's OpenSSL contexts, where EVP_Digest made
 * and freed one for each of the three digests of every ClientHello. */
static void digest_hex(enum bos_md md, const void *data, size_t len, char *out, size_t keep)
{
	static const char hexd[] = "0123456789abcdef";
	uint8_t h[BOS_MD_MAX_LEN];
	size_t hl = bos_md_digest(md, data, len, h), i;

	for (i = 0; i < hl && 2 * i < keep; i++) {
		out[2 * i] = hexd[h[i] >> 4];
		out[2 * i + 1] = hexd[h[i] & 15];
	}
	out[keep < 2 * hl ? keep : 2 * hl] = '\0';
}

/* --- fingerprints --- */

/* Append sep (if not 0) and v in decimal. Hand-written (printf dominated the profile), and
 * straight into the buffer: a variable-length bos_buf_add is a memcpy call per value. */
static void add_dec(struct bos_buf *b, char sep, uint16_t v)
{
	size_t digits = v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
	size_t n = digits + (sep != 0);
	char *o = bos_buf_reserve(b, n), *d = o + n;
	unsigned x = v;

	if (sep)
		o[0] = sep;
	do {
		*--d = (char)('0' + x % 10);
		x /= 10;
	} while (x);
	bos_buf_commit(b, n);
}

static void add_hex4(struct bos_buf *b, char sep, uint16_t v)
{
	static const char hexd[] = "0123456789abcdef";
	char *o = bos_buf_reserve(b, 5);
	size_t k = 0;

	if (sep)
		o[k++] = sep;
	o[k++] = hexd[v >> 12];
	o[k++] = hexd[v >> 8 & 15];
	o[k++] = hexd[v >> 4 & 15];
	o[k++] = hexd[v & 15];
	bos_buf_commit(b, k);
}

static void add_dec_list(struct bos_buf *b, const uint16_t *v, size_t n, bool skip_grease)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (skip_grease && is_grease(v[i]))
			continue;
		add_dec(b, first ? 0 : '-', v[i]);
		first = false;
	}
}

static void compute_ja3(struct bos_tls_info *info)
{
	const struct bos_tls_client_hello *ch = &info->ch;
	struct bos_buf b = BOS_BUF_INIT;
	bool first = true;

	add_dec(&b, 0, ch->legacy_version);
	bos_buf_addch(&b, ',');
	add_dec_list(&b, ch->ciphers, ch->n_ciphers, true);
	bos_buf_addch(&b, ',');
	add_dec_list(&b, ch->exts, ch->n_exts, true);
	bos_buf_addch(&b, ',');
	add_dec_list(&b, ch->groups, ch->n_groups, true);
	bos_buf_addch(&b, ',');
	for (size_t i = 0; i < ch->n_point_formats; i++) {
		add_dec(&b, first ? 0 : '-', ch->point_formats[i]);
		first = false;
	}
	digest_hex(BOS_MD_MD5, b.data, b.len, info->ja3, 32);
	if (b.len > BOS_TLS_MAX_JA3_STR)
		bos_buf_setlen(&b, BOS_TLS_MAX_JA3_STR);	/* text only; hash is of all */
	memcpy(info->ja3_str, b.data, b.len + 1);
	bos_buf_release(&b);
}

/* Insertion sort: the lists are short (a dozen values typically, at most the cap of 128)
 * and glibc's qsort (merge sort through a comparison callback) cost more than the whole
 * hello parse. */
static void sort_u16(uint16_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint16_t x = v[i];
		size_t k = i;

		for (; k > 0 && v[k - 1] > x; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
}

/* Sorted (or not) 4-hex-digit list, GREASE dropped, skipping values in drop[]. */
static size_t hex_list(struct bos_buf *b, const uint16_t *v, size_t n, bool sort,
		       const uint16_t *drop, size_t ndrop)
{
	uint16_t tmp[BOS_TLS_MAX_CIPHERS > BOS_TLS_MAX_EXTENSIONS ? BOS_TLS_MAX_CIPHERS :
			 BOS_TLS_MAX_EXTENSIONS];
	size_t k = 0;

	for (size_t i = 0; i < n && k < BOS_ARRAY_SIZE(tmp); i++) {
		bool skip = is_grease(v[i]);

		for (size_t j = 0; j < ndrop; j++)
			skip |= v[i] == drop[j];
		if (!skip)
			tmp[k++] = v[i];
	}
	if (sort)
		sort_u16(tmp, k);
	for (size_t i = 0; i < k; i++)
		add_hex4(b, i ? ',' : 0, tmp[i]);
	return k;
}

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

static bool is_alnum(uint8_t c)
{
	return proto_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void compute_ja4(struct bos_tls_info *info)
{
	static const char hexd[] = "0123456789abcdef";
	static const uint16_t drop_c[] = { EXT_SNI, EXT_ALPN };
	const struct bos_tls_client_hello *ch = &info->ch;
	struct bos_buf b = BOS_BUF_INIT;
	uint16_t ver = ch->legacy_version;
	size_t nc = 0, ne = 0;
	bool sni = false;
	char alpn[3] = "00";
	char hb[13], hc[13];
	char *w;

	/* The highest supported_version wins even when below legacy_version. */
	if (ch->n_versions) {
		uint16_t hi = 0;

		for (size_t i = 0; i < ch->n_versions; i++)
			if (!is_grease(ch->versions[i]) && ch->versions[i] > hi)
				hi = ch->versions[i];
		if (hi)
			ver = hi;
	}
	for (size_t i = 0; i < ch->n_ciphers; i++)
		nc += !is_grease(ch->ciphers[i]);
	for (size_t i = 0; i < ch->n_exts; i++) {
		ne += !is_grease(ch->exts[i]);
		sni |= ch->exts[i] == EXT_SNI;
	}
	if (ch->n_alpn && ch->alpn_len[0]) {
		const uint8_t *a = (const uint8_t *)ch->alpn[0];
		size_t n = ch->alpn_len[0];

		if (is_alnum(a[0]) && is_alnum(a[n - 1])) {
			alpn[0] = (char)a[0];
			alpn[1] = (char)a[n - 1];
		} else {
			/* JA4.md: first and last characters of the value's hex form. */
			alpn[0] = hexd[a[0] >> 4];
			alpn[1] = hexd[a[n - 1] & 15];
		}
	}
	/* JA4_b: sorted ciphers. */
	if (hex_list(&b, ch->ciphers, ch->n_ciphers, true, NULL, 0))
		digest_hex(BOS_MD_SHA256, b.data, b.len, hb, 12);
	else
		memcpy(hb, "000000000000", 13);
	/* JA4_c: sorted extensions without SNI and ALPN, '_', signature algorithms as sent. */
	bos_buf_reset(&b);
	if (hex_list(&b, ch->exts, ch->n_exts, true, drop_c, BOS_ARRAY_SIZE(drop_c))) {
		if (ch->n_sig_algs) {
			bos_buf_addch(&b, '_');
			hex_list(&b, ch->sig_algs, ch->n_sig_algs, false, NULL, 0);
		}
		digest_hex(BOS_MD_SHA256, b.data, b.len, hc, 12);
	} else {
		memcpy(hc, "000000000000", 13);
	}
	/* "t" version sni nc(2) ne(2) alpn(2) "_" hb "_" hc: fixed widths, no printf (it
	 * was a tenth of the hello's cost). */
	if (nc > 99)
		nc = 99;
	if (ne > 99)
		ne = 99;
	w = info->ja4;
	*w++ = 't';
	memcpy(w, ja4_version(ver), 2);
	w += 2;
	*w++ = sni ? 'd' : 'i';
	*w++ = (char)('0' + nc / 10);
	*w++ = (char)('0' + nc % 10);
	*w++ = (char)('0' + ne / 10);
	*w++ = (char)('0' + ne % 10);
	memcpy(w, alpn, 2);
	w += 2;
	*w++ = '_';
	memcpy(w, hb, 12);
	w += 12;
	*w++ = '_';
	memcpy(w, hc, 12);
	w += 12;
	*w = '\0';
	bos_buf_release(&b);
}

/* --- hello decoding --- */

/* Read a u16 list of byte length n into arr (cap), counting the rest as capped. */
static void read_u16_list(struct bos_cur *c, size_t nbytes, uint16_t *arr, size_t *n, size_t cap,
			  bool *capped)
{
	struct bos_cur s = bos_cur_sub(c, nbytes);

	if (nbytes % 2)
		bos_cur_fail(c, BOS_PARSE_MALFORMED);
	while (bos_cur_ok(&s) && bos_cur_left(&s) >= 2) {
		uint16_t v = bos_cur_be16(&s);

		if (*n < cap)
			arr[(*n)++] = v;
		else
			*capped = true;
	}
}

static void client_ext(struct bos_tls_client_hello *ch, uint16_t type, struct bos_cur e)
{
	struct bos_cur s;
	uint16_t n16;
	uint8_t n8;

	switch (type) {
	case EXT_SNI:
		s = bos_cur_sub(&e, bos_cur_be16(&e));
		while (bos_cur_ok(&s) && bos_cur_left(&s)) {
			uint8_t nt = bos_cur_u8(&s);
			uint16_t nl = bos_cur_be16(&s);

			if (!bos_cur_need(&s, nl))
				break;
			if (nt == 0 && !ch->sni_len && nl) {
				size_t k = nl > BOS_TLS_MAX_SNI ? BOS_TLS_MAX_SNI : nl;

				if (nl > BOS_TLS_MAX_SNI)
					ch->capped = true;
				memcpy(ch->sni, s.p, k);
				ch->sni[k] = '\0';
				ch->sni_len = k;
			}
			bos_cur_skip(&s, nl);
		}
		break;
	case EXT_GROUPS:
		n16 = bos_cur_be16(&e);
		read_u16_list(&e, n16, ch->groups, &ch->n_groups, BOS_TLS_MAX_LIST, &ch->capped);
		break;
	case EXT_SIG_ALGS:
		n16 = bos_cur_be16(&e);
		read_u16_list(&e, n16, ch->sig_algs, &ch->n_sig_algs, BOS_TLS_MAX_LIST,
			      &ch->capped);
		break;
	case EXT_SUPPORTED_VERSIONS:
		n8 = bos_cur_u8(&e);
		read_u16_list(&e, n8, ch->versions, &ch->n_versions, BOS_TLS_MAX_LIST,
			      &ch->capped);
		break;
	case EXT_POINT_FORMATS:
		n8 = bos_cur_u8(&e);
		s = bos_cur_sub(&e, n8);
		while (bos_cur_ok(&s) && bos_cur_left(&s)) {
			uint8_t v = bos_cur_u8(&s);

			if (ch->n_point_formats < BOS_TLS_MAX_LIST)
				ch->point_formats[ch->n_point_formats++] = v;
			else
				ch->capped = true;
		}
		break;
	case EXT_ALPN:
		s = bos_cur_sub(&e, bos_cur_be16(&e));
		while (bos_cur_ok(&s) && bos_cur_left(&s)) {
			uint8_t nl = bos_cur_u8(&s);

			if (!bos_cur_need(&s, nl))
				break;
			if (ch->n_alpn < BOS_TLS_MAX_ALPN) {
				size_t k = nl > BOS_TLS_MAX_ALPN_LEN ? BOS_TLS_MAX_ALPN_LEN : nl;

				memcpy(ch->alpn[ch->n_alpn], s.p, k);
				ch->alpn[ch->n_alpn][k] = '\0';
				ch->alpn_len[ch->n_alpn++] = k;
				if (k < nl)
					ch->capped = true;
			} else {
				ch->capped = true;
			}
			bos_cur_skip(&s, nl);
		}
		break;
	default:
		break;
	}
}

enum bos_parse bos_tls_parse_client_hello(const uint8_t *p, size_t len, struct bos_tls_info *info)
{
	struct bos_tls_client_hello *ch = &info->ch;
	struct bos_cur c = bos_cur_make(p, len), s, exts;
	uint16_t n;

	memset(ch, 0, sizeof(*ch));
	info->ja3[0] = info->ja3_str[0] = info->ja4[0] = '\0';
	ch->legacy_version = bos_cur_be16(&c);
	bos_cur_skip(&c, 32);			/* random */
	bos_cur_skip(&c, bos_cur_u8(&c));	/* legacy_session_id */
	n = bos_cur_be16(&c);
	read_u16_list(&c, n, ch->ciphers, &ch->n_ciphers, BOS_TLS_MAX_CIPHERS, &ch->capped);
	bos_cur_skip(&c, bos_cur_u8(&c));	/* compression methods */
	if (!bos_cur_ok(&c))
		return c.err;
	if (bos_cur_left(&c)) {			/* extensions are optional before TLS 1.2 */
		exts = bos_cur_sub(&c, bos_cur_be16(&c));
		while (bos_cur_ok(&exts) && bos_cur_left(&exts)) {
			uint16_t type = bos_cur_be16(&exts);

			s = bos_cur_sub(&exts, bos_cur_be16(&exts));
			if (!bos_cur_ok(&exts))
				break;
			if (ch->n_exts < BOS_TLS_MAX_EXTENSIONS)
				ch->exts[ch->n_exts++] = type;
			else
				ch->capped = true;
			client_ext(ch, type, s);
		}
		if (!bos_cur_ok(&exts))
			bos_cur_fail(&c, exts.err);
	}
	if (ch->capped)
		info->anomalies |= BOS_TLS_ANOM_CAPPED;
	/* Fingerprint even a hello cut short: what a sample sent is still evidence. */
	compute_ja3(info);
	compute_ja4(info);
	return c.err;
}

/* RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static enum bos_parse parse_server_hello(struct bos_tls_conn *c, const uint8_t *p, size_t len,
					 bool *hrr)
{
	struct bos_tls_server_hello *sh = &c->info.sh;
	struct bos_cur cur = bos_cur_make(p, len), exts, s;
	uint8_t rnd[32];

	memset(sh, 0, sizeof(*sh));
	sh->legacy_version = bos_cur_be16(&cur);
	bos_cur_copy(&cur, rnd, sizeof(rnd));
	*hrr = bos_cur_ok(&cur) && !memcmp(rnd, hrr_random, sizeof(rnd));
	bos_cur_skip(&cur, bos_cur_u8(&cur));
	sh->cipher = bos_cur_be16(&cur);
	sh->compression = bos_cur_u8(&cur);
	if (bos_cur_ok(&cur) && bos_cur_left(&cur)) {
		exts = bos_cur_sub(&cur, bos_cur_be16(&cur));
		while (bos_cur_ok(&exts) && bos_cur_left(&exts)) {
			uint16_t type = bos_cur_be16(&exts);

			s = bos_cur_sub(&exts, bos_cur_be16(&exts));
			if (type == EXT_SUPPORTED_VERSIONS) {
				sh->selected_version = bos_cur_be16(&s);
			} else if (type == EXT_PSK) {
				c->psk_accepted = true;
			} else if (type == EXT_ALPN) {
				struct bos_cur l = bos_cur_sub(&s, bos_cur_be16(&s));
				uint8_t nl = bos_cur_u8(&l);
				size_t k = nl > BOS_TLS_MAX_ALPN_LEN ? BOS_TLS_MAX_ALPN_LEN : nl;

				if (bos_cur_need(&l, nl)) {
					memcpy(sh->alpn, l.p, k);
					sh->alpn[k] = '\0';
					sh->alpn_len = k;
				}
			}
		}
		if (!bos_cur_ok(&exts))
			bos_cur_fail(&cur, exts.err);
	}
	c->info.version = sh->selected_version ? sh->selected_version : sh->legacy_version;
	c->tls13 = c->info.version == 0x0304;
	return cur.err;
}

/* --- streaming --- */

struct bos_tls_conn *bos_tls_conn_new(void)
{
	struct bos_tls_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	for (int d = 0; d < 2; d++)
		bos_buf_init(&c->dir[d].hbody);
	return c;
}

void bos_tls_conn_reset(struct bos_tls_conn *c)
{
	for (int d = 0; d < 2; d++)
		bos_buf_release(&c->dir[d].hbody);
	memset(c, 0, sizeof(*c));
	for (int d = 0; d < 2; d++)
		bos_buf_init(&c->dir[d].hbody);
}

void bos_tls_conn_free(struct bos_tls_conn *c)
{
	if (!c)
		return;
	for (int d = 0; d < 2; d++)
		bos_buf_release(&c->dir[d].hbody);
	free(c);
}

const struct bos_tls_info *bos_tls_conn_info(const struct bos_tls_conn *c)
{
	return &c->info;
}

static bool dir_encrypted(const struct bos_tls_conn *c, enum bos_dir d)
{
	/* TLS 1.3: everything after the (real) ServerHello is encrypted, and a
	 * ChangeCipherSpec is only a middlebox-compatibility no-op (RFC 8446 D.4), which
	 * may even come right after a HelloRetryRequest. */
	if (c->tls13 || c->info.hello_retry)
		return c->info.server_hello_seen;
	return c->info.ccs[d];
}

static void update_established(struct bos_tls_conn *c)
{
	struct bos_tls_info *info = &c->info;

	if (!info->server_hello_seen)
		return;
	/* Resumption: TLS 1.3 server accepted a PSK; <= 1.2 abbreviated handshake (the
	 * server changed cipher spec without sending a Certificate). */
	info->resumed = c->tls13 ? c->psk_accepted : (info->ccs[1] && !c->server_cert);
	if (info->established)
		return;
	if (c->tls13)
		info->established = info->app_records[0] && info->app_records[1];
	else
		info->established = (info->ccs[0] && info->ccs[1]) ||
				    (info->app_records[0] && info->app_records[1]);
}

static void handshake_done(struct bos_tls_conn *c, enum bos_dir d)
{
	struct tdir *t = &c->dir[d];
	struct bos_tls_info *info = &c->info;
	enum bos_parse r;

	history_add(info, d, hs_letter(t->htype));
	if (t->htype == 11 && d == BOS_DIR_TO_CLIENT)
		c->server_cert = true;
	if (!t->hkeep)
		return;
	if (t->htype == 1 && d == BOS_DIR_TO_SERVER && !info->client_hello_seen) {
		r = bos_tls_parse_client_hello((const uint8_t *)t->hbody.data, t->hbody.len, info);
		info->client_hello_seen = true;
		if (r != BOS_PARSE_OK)
			info->anomalies |= BOS_TLS_ANOM_BAD_HELLO;
	} else if (t->htype == 2 && d == BOS_DIR_TO_CLIENT && !info->server_hello_seen) {
		bool hrr = false;

		r = parse_server_hello(c, (const uint8_t *)t->hbody.data, t->hbody.len, &hrr);
		if (r != BOS_PARSE_OK)
			info->anomalies |= BOS_TLS_ANOM_BAD_HELLO;
		if (hrr && !info->hello_retry) {
			/* Not the real ServerHello: the client sends a second ClientHello and the
			 * server a ServerHello, both in plaintext. Keep the first hello's
			 * fingerprint (what the client offered unprompted). */
			info->hello_retry = true;
			c->tls13 = false;
		} else {
			info->server_hello_seen = true;
		}
	}
	bos_buf_reset(&t->hbody);
}

/* Plaintext handshake bytes of direction d. */
static void handshake_bytes(struct bos_tls_conn *c, enum bos_dir d, const uint8_t *p, size_t len)
{
	struct tdir *t = &c->dir[d];

	while (len) {
		if (t->hhdr_have < 4) {
			t->hhdr[t->hhdr_have++] = *p++;
			len--;
			if (t->hhdr_have < 4)
				continue;
			t->htype = t->hhdr[0];
			t->hremain = (size_t)t->hhdr[1] << 16 | (size_t)t->hhdr[2] << 8 | t->hhdr[3];
			t->hkeep = (t->htype == 1 || t->htype == 2);
			bos_buf_reset(&t->hbody);
			if (t->hkeep && t->hremain > BOS_TLS_MAX_HELLO) {
				c->info.anomalies |= BOS_TLS_ANOM_HELLO_TOO_BIG;
				t->hkeep = false;
			}
		} else {
			size_t n = len < t->hremain ? len : t->hremain;

			if (t->hkeep)
				bos_buf_add(&t->hbody, p, n);
			p += n;
			len -= n;
			t->hremain -= n;
		}
		if (t->hhdr_have == 4 && t->hremain == 0) {
			handshake_done(c, d);
			t->hhdr_have = 0;
		}
	}
}

static void alert_bytes(struct bos_tls_conn *c, enum bos_dir d, const uint8_t *p, size_t len)
{
	struct tdir *t = &c->dir[d];
	struct bos_tls_info *info = &c->info;

	for (size_t i = 0; i < len; i++) {
		t->alert[t->alert_have++] = p[i];
		if (t->alert_have < 2)
			continue;
		t->alert_have = 0;
		if (!info->alert_seen) {
			info->alert_seen = true;
			info->alert_level = t->alert[0];
			info->alert_desc = t->alert[1];
			info->alert_dir = d;
		}
		info->last_alert_level = t->alert[0];
		info->last_alert_desc = t->alert[1];
		history_add(info, d, 'l');
	}
}

static void dir_stop(struct bos_tls_conn *c, enum bos_dir d, unsigned anomaly)
{
	c->dir[d].dead = true;
	c->info.anomalies |= anomaly;
}

enum bos_parse bos_tls_conn_feed(struct bos_tls_conn *c, enum bos_dir d, const uint8_t *p,
				 size_t len)
{
	struct tdir *t;

	if (d != BOS_DIR_TO_SERVER && d != BOS_DIR_TO_CLIENT)
		return BOS_PARSE_MALFORMED;
	t = &c->dir[d];
	while (len && !t->dead) {
		if (t->rhdr_have < 5) {
			size_t n = 5 - t->rhdr_have < len ? 5 - t->rhdr_have : len;
			uint16_t ver, rlen;

			memcpy(t->rhdr + t->rhdr_have, p, n);
			t->rhdr_have += n;
			p += n;
			len -= n;
			if (t->rhdr_have < 5)
				break;
			t->ctype = t->rhdr[0];
			ver = (uint16_t)(t->rhdr[1] << 8 | t->rhdr[2]);
			rlen = (uint16_t)(t->rhdr[3] << 8 | t->rhdr[4]);
			if (t->ctype < TLS_CT_CCS || t->ctype > TLS_CT_HEARTBEAT ||
			    (ver >> 8) != 3 || rlen > TLS_MAX_RECORD) {
				dir_stop(c, d, t->records_seen ? BOS_TLS_ANOM_BAD_RECORD :
						 BOS_TLS_ANOM_NOT_TLS);
				break;
			}
			t->records_seen = true;
			t->rremain = rlen;
			if (t->ctype == TLS_CT_CCS) {
				c->info.ccs[d] = true;
				history_add(&c->info, d, 'i');
				t->hhdr_have = 0;	/* what follows is encrypted */
			} else if (t->ctype == TLS_CT_APPDATA) {
				c->info.app_records[d]++;
			} else if (t->ctype == TLS_CT_ALERT && dir_encrypted(c, d)) {
				c->info.encrypted_alerts++;
			}
			update_established(c);
			if (rlen == 0)
				t->rhdr_have = 0;
			continue;
		}
		{
			size_t n = len < t->rremain ? len : t->rremain;
			bool enc = dir_encrypted(c, d);

			if (t->ctype == TLS_CT_HANDSHAKE && !enc)
				handshake_bytes(c, d, p, n);
			else if (t->ctype == TLS_CT_ALERT && !enc)
				alert_bytes(c, d, p, n);
			p += n;
			len -= n;
			t->rremain -= n;
			if (t->rremain == 0)
				t->rhdr_have = 0;
		}
	}
	return t->dead ? BOS_PARSE_MALFORMED : BOS_PARSE_OK;
}

void bos_tls_conn_gap(struct bos_tls_conn *c, enum bos_dir d, uint64_t len)
{
	struct tdir *t;

	if ((d != BOS_DIR_TO_SERVER && d != BOS_DIR_TO_CLIENT) || !len)
		return;
	t = &c->dir[d];
	if (t->dead)
		return;
	if (t->rhdr_have == 5 && len <= t->rremain &&
	    (t->ctype == TLS_CT_APPDATA || dir_encrypted(c, d))) {
		t->rremain -= (size_t)len;
		if (t->rremain == 0)
			t->rhdr_have = 0;
		return;
	}
	dir_stop(c, d, BOS_TLS_ANOM_GAP);
}

bool bos_tls_looks_like_client_hello(const uint8_t *p, size_t len)
{
	return len >= 6 && p[0] == TLS_CT_HANDSHAKE && p[1] == 3 && p[2] <= 4 &&
	       (p[3] << 8 | p[4]) >= 4 && p[5] == 1;
}

/* --- names --- */

const char *bos_tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300: return "SSLv3";
	case 0x0301: return "TLSv10";
	case 0x0302: return "TLSv11";
	case 0x0303: return "TLSv12";
	case 0x0304: return "TLSv13";
	case 0xfeff: return "DTLSv10";
	case 0xfefd: return "DTLSv12";
	case 0xfefc: return "DTLSv13";
	default: return NULL;
	}
}

const char *bos_tls_cipher_name(uint16_t cs)
{
	switch (cs) {
	case 0x0004: return "TLS_RSA_WITH_RC4_128_MD5";
	case 0x0005: return "TLS_RSA_WITH_RC4_128_SHA";
	case 0x000a: return "TLS_RSA_WITH_3DES_EDE_CBC_SHA";
	case 0x002f: return "TLS_RSA_WITH_AES_128_CBC_SHA";
	case 0x0033: return "TLS_DHE_RSA_WITH_AES_128_CBC_SHA";
	case 0x0035: return "TLS_RSA_WITH_AES_256_CBC_SHA";
	case 0x0039: return "TLS_DHE_RSA_WITH_AES_256_CBC_SHA";
	case 0x003c: return "TLS_RSA_WITH_AES_128_CBC_SHA256";
	case 0x003d: return "TLS_RSA_WITH_AES_256_CBC_SHA256";
	case 0x009c: return "TLS_RSA_WITH_AES_128_GCM_SHA256";
	case 0x009d: return "TLS_RSA_WITH_AES_256_GCM_SHA384";
	case 0x009e: return "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256";
	case 0x009f: return "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384";
	case 0x1301: return "TLS_AES_128_GCM_SHA256";
	case 0x1302: return "TLS_AES_256_GCM_SHA384";
	case 0x1303: return "TLS_CHACHA20_POLY1305_SHA256";
	case 0xc009: return "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA";
	case 0xc00a: return "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA";
	case 0xc013: return "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";
	case 0xc014: return "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA";
	case 0xc023: return "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";
	case 0xc024: return "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384";
	case 0xc027: return "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256";
	case 0xc028: return "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384";
	case 0xc02b: return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
	case 0xc02c: return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
	case 0xc02f: return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
	case 0xc030: return "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
	case 0xcca8: return "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
	case 0xcca9: return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
	case 0xccaa: return "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
	default: return NULL;
	}
}

const char *bos_tls_alert_name(uint8_t desc)
{
	switch (desc) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 21: return "decryption_failed";
	case 22: return "record_overflow";
	case 30: return "decompression_failure";
	case 40: return "handshake_failure";
	case 41: return "no_certificate";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 60: return "export_restriction";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 100: return "no_renegotiation";
	case 109: return "missing_extension";
	case 110: return "unsupported_extension";
	case 111: return "certificate_unobtainable";
	case 112: return "unrecognized_name";
	case 113: return "bad_certificate_status_response";
	case 114: return "bad_certificate_hash_value";
	case 115: return "unknown_psk_identity";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	default: return NULL;
	}
}

/* --- JSON --- */

/* key is a literal (KV_NAMED): see BOS_JSON_KEY. The value is a name from tls.c's tables
 * or fmt ("unknown-%u") of the number: plain text, written without an escaping scan. */
static void kv_named(struct bos_json *j, const char *key, size_t klen, const char *name,
		     const char *fmt, unsigned v)
{
	char buf[32];

	if (!name) {
		snprintf(buf, sizeof(buf), fmt, v);
		name = buf;
	}
	bos_json_kv_plain(j, key, klen, name);
}

#define KV_NAMED(j, lit, name, fmt, v) kv_named((j), "" lit, sizeof(lit) - 1, (name), (fmt), (v))

static const char *const anomaly_names[] = {
	"bad_record", "bad_hello", "hello_too_big", "capped", "gap", "not_tls",
};

void bos_tls_write_json(const struct bos_tls_info *info, struct bos_json *j)
{
	const struct bos_tls_client_hello *ch = &info->ch;

	if (info->server_hello_seen) {
		KV_NAMED(j, "version", bos_tls_version_name(info->version), "unknown-%u",
			 info->version);
		KV_NAMED(j, "cipher", bos_tls_cipher_name(info->sh.cipher), "unknown-%u",
			 info->sh.cipher);
	}
	if (info->client_hello_seen && ch->sni_len)
		BOS_JSON_KV_STRN(j, "server_name", ch->sni, ch->sni_len);
	BOS_JSON_KV_BOOL(j, "resumed", info->resumed);
	if (info->hello_retry)
		BOS_JSON_KV_BOOL(j, "hello_retry", true);
	if (info->alert_seen)
		KV_NAMED(j, "last_alert", bos_tls_alert_name(info->last_alert_desc), "unknown-%u",
			 info->last_alert_desc);
	if (info->sh.alpn_len)
		BOS_JSON_KV_STRN(j, "next_protocol", info->sh.alpn, info->sh.alpn_len);
	BOS_JSON_KV_BOOL(j, "established", info->established);
	BOS_JSON_KV_PLAIN(j, "ssl_history", info->history);
	if (info->client_hello_seen) {
		KV_NAMED(j, "client_version", bos_tls_version_name(ch->legacy_version),
			 "unknown-%u", ch->legacy_version);
		if (ch->n_versions) {
			BOS_JSON_KEY(j, "client_supported_versions");
			bos_json_arr_begin(j);
			for (size_t i = 0; i < ch->n_versions; i++) {
				const char *n = bos_tls_version_name(ch->versions[i]);

				char buf[32];

				if (is_grease(ch->versions[i]))
					continue;
				if (!n) {
					snprintf(buf, sizeof(buf), "unknown-%u", ch->versions[i]);
					n = buf;
				}
				bos_json_str(j, n);
			}
			bos_json_arr_end(j);
		}
		if (ch->n_alpn) {
			BOS_JSON_KEY(j, "alpn");
			bos_json_arr_begin(j);
			for (size_t i = 0; i < ch->n_alpn; i++)
				bos_json_strn(j, ch->alpn[i], ch->alpn_len[i]);
			bos_json_arr_end(j);
		}
	}
	if (info->server_hello_seen)
		KV_NAMED(j, "server_version", bos_tls_version_name(info->sh.legacy_version),
			 "unknown-%u", info->sh.legacy_version);
	if (info->alert_seen) {
		BOS_JSON_KV_UINT(j, "alert_level", info->alert_level);
		KV_NAMED(j, "alert_desc", bos_tls_alert_name(info->alert_desc), "unknown-%u",
			 info->alert_desc);
		BOS_JSON_KV_STR(j, "alert_from",
				info->alert_dir == BOS_DIR_TO_SERVER ? "client" : "server");
	}
	if (info->encrypted_alerts)
		BOS_JSON_KV_UINT(j, "encrypted_alerts", info->encrypted_alerts);
	if (info->ja3[0]) {
		BOS_JSON_KV_PLAIN(j, "ja3", info->ja3);
		BOS_JSON_KV_PLAIN(j, "ja3_string", info->ja3_str);
		BOS_JSON_KV_PLAIN(j, "ja4", info->ja4);
	}
	if (info->anomalies) {
		BOS_JSON_KEY(j, "anomalies");
		bos_json_arr_begin(j);
		for (size_t i = 0; i < BOS_ARRAY_SIZE(anomaly_names); i++)
			if (info->anomalies & (1u << i))
				bos_json_str(j, anomaly_names[i]);
		bos_json_arr_end(j);
	}
}
