/*
 * Unit tests of the TLS dissector (src/proto/tls.c): record layer, hellos, handshake outcome,
 * alerts, JA3/JA4. Expected fingerprints are not computed by bos: JA3 values are tshark
 * 4.0's tls.handshake.ja3 on the corpus pcaps the hellos were cut from, and the JA3/JA4 of
 * the Chrome-like hello are the values browserleaks.com published for that exact hello
 * (ja3_text/ja4_ro lists give its content; see test_tls__ja4_published_chrome).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/tls.h"
#include "harness.h"

/* TCP payloads of the first ClientHello, from tshark -e tcp.payload:
 * google: corpus pcap/tls/zeek_tls_sni_google.pcap frame 4,
 * beacon: pcap/c2/strat_tls_beacon_2s.pcap frame 4, c2: pcap/c2/sv_tls_malicious_c2_hello.pcap
 * frame 4. */
static const char hello_google_hex[] =
"16030100cc010000c80303ee181414cc5464d43b1046f68825acf46d92663289d2f905ecfa687e856affaa000028c02b"
	"c02f009ecc14cc13c00ac009c013c014c007c011003300320039009c002f0035000a00050004010000770000000e000c"
	"000009676f6f676c652e6465ff01000100000a00080006001700180019000b0002010000230000337400000010001b00"
	"1906737064792f3308737064792f332e3108687474702f312e3175500000000500050100000000000d00120010040105"
	"0102010403050302030402020200120000";

static const char hello_beacon_hex[] =
	"1603010200010001fc03030c30673f1546541894eb42f72a99493be0a7f09049f079815097fc522a1bc81720c067ea5b"
	"36ca8d76be6c43188aee14514b79d557bc1ef2a8ca7183ecf232dac5003e130213031301c02cc030009fcca9cca8ccaa"
	"c02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff01000175"
	"00000010000e00000b74657374696e672e636f6d000b000403000102000a000c000a001d0017001e0019001833740000"
	"0010000e000c02683208687474702f312e31001600000017000000310000000d002a0028040305030603080708080809"
	"080a080b080408050806040105010601030303010302040205020602002b00050403040303002d000201010033002600"
	"24001d00206b28cd2ac78f986bba283a3e61fc9cf409ed865379c07ea086a62f2129a21172001500bc00000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"00000000000000000000000000000000000000000000000000000000000000000000000000";

static const char hello_c2_hex[] =
	"16030100630100005f0301637f446dcd85125fd92500d38403dd1ea1215aae7ecc05fd6e749fe7bb73104300000ec00a"
	"c009c014c0130035002f000a01000028000500050100000000000a00080006001d00170018000b000201000023000000"
	"170000ff01000100";

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n && i < cap; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n < cap ? n : cap;
}

/* A small byte builder with length back-patching. */
struct bb {
	uint8_t d[4096];
	size_t n;
};

static void put8(struct bb *b, unsigned v)
{
	b->d[b->n++] = (uint8_t)v;
}

static void put16(struct bb *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v & 0xff);
}

static void putn(struct bb *b, const void *p, size_t n)
{
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

/* Reserve a length field of w bytes; patch() fills it with the bytes written since. */
static size_t mark(struct bb *b, int w)
{
	size_t at = b->n;

	b->n += (size_t)w;
	return at;
}

static void patch(struct bb *b, size_t at, int w)
{
	size_t len = b->n - at - (size_t)w;

	for (int i = w - 1; i >= 0; i--) {
		b->d[at + (size_t)i] = (uint8_t)(len & 0xff);
		len >>= 8;
	}
}

static void put16_list(struct bb *b, int lenw, const uint16_t *v, size_t n)
{
	size_t m = mark(b, lenw);

	for (size_t i = 0; i < n; i++)
		put16(b, v[i]);
	patch(b, m, lenw);
}

/* Wrap a handshake body into handshake header + one record. */
static void wrap_record(struct bb *out, uint8_t ctype, const uint8_t *p, size_t n)
{
	put8(out, ctype);
	put16(out, 0x0301);
	put16(out, (unsigned)n);
	putn(out, p, n);
}

/* The ClientHello whose JA3 text and JA4_ro lists browserleaks published (Chrome 143):
 * GREASE cipher/extensions/group/version added where Chrome puts them. */
static void build_chrome_hello(struct bb *rec)
{
	static const uint16_t ciphers[] = {
		0xfafa, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
		0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
	};
	static const uint16_t groups[] = { 0x2a2a, 0x11ec, 0x001d, 0x0017, 0x0018 };
	static const uint16_t sigs[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
					 0x0806, 0x0601 };
	static const char sni[] = "tls-outer.browserleaks.com";
	struct bb h = { .n = 0 };
	size_t hs, exts, e, l;
	uint8_t rnd[32] = { 1 };

	put8(&h, 1);
	hs = mark(&h, 3);
	put16(&h, 0x0303);
	putn(&h, rnd, 32);
	put8(&h, 0);			/* session id */
	put16_list(&h, 2, ciphers, BOS_ARRAY_SIZE(ciphers));
	put8(&h, 1);
	put8(&h, 0);
	exts = mark(&h, 2);
	put16(&h, 0x0a0a); put16(&h, 0);					/* GREASE */
	put16(&h, 0x002d); put16(&h, 2); put8(&h, 1); put8(&h, 1);		/* psk modes */
	put16(&h, 0x0033); e = mark(&h, 2); l = mark(&h, 2);			/* key_share */
	put16(&h, 0x001d); put16(&h, 4); put16(&h, 0x1111); put16(&h, 0x2222);
	patch(&h, l, 2); patch(&h, e, 2);
	put16(&h, 0x0010); e = mark(&h, 2); l = mark(&h, 2);			/* ALPN */
	put8(&h, 2); putn(&h, "h2", 2); put8(&h, 8); putn(&h, "http/1.1", 8);
	patch(&h, l, 2); patch(&h, e, 2);
	put16(&h, 0xfe0d); put16(&h, 3); put8(&h, 0); put16(&h, 0x0001);	/* ECH (opaque) */
	put16(&h, 0x0017); put16(&h, 0);
	put16(&h, 0x44cd); put16(&h, 5); put16(&h, 3); put8(&h, 2); putn(&h, "h2", 2);
	put16(&h, 0x0000); e = mark(&h, 2); l = mark(&h, 2);			/* SNI */
	put8(&h, 0); put16(&h, sizeof(sni) - 1); putn(&h, sni, sizeof(sni) - 1);
	patch(&h, l, 2); patch(&h, e, 2);
	put16(&h, 0x000b); put16(&h, 2); put8(&h, 1); put8(&h, 0);		/* point fmts */
	put16(&h, 0x000a); e = mark(&h, 2);					/* groups */
	put16_list(&h, 2, groups, BOS_ARRAY_SIZE(groups));
	patch(&h, e, 2);
	put16(&h, 0x002b); put16(&h, 7); put8(&h, 6);				/* versions */
	put16(&h, 0x3a3a); put16(&h, 0x0304); put16(&h, 0x0303);
	put16(&h, 0xff01); put16(&h, 1); put8(&h, 0);
	put16(&h, 0x0023); put16(&h, 0);
	put16(&h, 0x0012); put16(&h, 0);
	put16(&h, 0x0005); put16(&h, 5); put8(&h, 1); put16(&h, 0); put16(&h, 0);
	put16(&h, 0x000d); e = mark(&h, 2);					/* sig algs */
	put16_list(&h, 2, sigs, BOS_ARRAY_SIZE(sigs));
	patch(&h, e, 2);
	put16(&h, 0x001b); put16(&h, 3); put8(&h, 2); put16(&h, 0x0002);	/* cert compr */
	put16(&h, 0x1a1a); put16(&h, 1); put8(&h, 0);				/* GREASE */
	patch(&h, exts, 2);
	patch(&h, hs, 3);
	wrap_record(rec, 22, h.d, h.n);
}

/* Feed a whole client flight split at `split` (0: in one piece). */
static struct bos_tls_conn *feed_client(const uint8_t *p, size_t n, size_t split)
{
	struct bos_tls_conn *c = bos_tls_conn_new();

	if (split && split < n) {
		bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, p, split);
		bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, p + split, n - split);
	} else {
		bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, p, n);
	}
	return c;
}

void test_tls__ja3_matches_tshark_on_corpus_hellos(void)
{
	static const struct {
		const char *hex, *ja3, *sni;
		uint16_t version;
	} cases[] = {
		{ hello_google_hex, "a607f3a5c94c2ee592af1456f36c8367", "google.de", 0x0303 },
		{ hello_beacon_hex, "f436b9416f37d134cadd04886327d3e8", "testing.com", 0x0303 },
		{ hello_c2_hex, "49ed2ef3f1321e5f044f1e71b0e6fdd5", "", 0x0301 },
	};

	for (size_t i = 0; i < BOS_ARRAY_SIZE(cases); i++) {
		uint8_t raw[1024];
		size_t n = unhex(cases[i].hex, raw, sizeof(raw));
		const uint8_t *p = bt_guard_dup(raw, n);

		/* Every split point: records spanning segments must not change the result. */
		for (size_t split = 0; split < n; split++) {
			struct bos_tls_conn *c = feed_client(p, n, split);
			const struct bos_tls_info *info = bos_tls_conn_info(c);
			bool ok = info->client_hello_seen && !strcmp(info->ja3, cases[i].ja3) &&
				  !strcmp(info->ch.sni, cases[i].sni) &&
				  info->ch.legacy_version == cases[i].version && !info->anomalies;

			bos_tls_conn_free(c);
			if (!ok)
				bt_fail(__FILE__, __LINE__, "case %zu split %zu", i, split);
			BT_ASSERT(ok);
		}
	}
}

void test_tls__beacon_hello_fields(void)
{
	uint8_t raw[1024];
	size_t n = unhex(hello_beacon_hex, raw, sizeof(raw));
	struct bos_tls_conn *c = feed_client(bt_guard_dup(raw, n), n, 0);
	const struct bos_tls_info *info = bos_tls_conn_info(c);

	/* tshark: supported_versions 0x0304 0x0303, ALPN h2 http/1.1, 31 ciphers. */
	BT_ASSERT_EQ_INT(info->ch.n_versions, 2);
	BT_ASSERT_EQ_INT(info->ch.versions[0], 0x0304);
	BT_ASSERT_EQ_INT(info->ch.n_alpn, 2);
	BT_ASSERT_EQ_STR(info->ch.alpn[0], "h2");
	BT_ASSERT_EQ_INT(info->ch.n_ciphers, 31);
	BT_ASSERT_EQ_INT(info->ja4[0], 't');
	BT_ASSERT(!strncmp(info->ja4, "t13d3113h2_", 11));
	BT_ASSERT_EQ_STR(info->history, "C");
	bos_tls_conn_free(c);
}

void test_tls__ja4_published_chrome(void)
{
	struct bb rec = { .n = 0 };
	struct bos_tls_conn *c;
	const struct bos_tls_info *info;

	build_chrome_hello(&rec);
	c = feed_client(bt_guard_dup(rec.d, rec.n), rec.n, 7);
	info = bos_tls_conn_info(c);
	BT_ASSERT(info->client_hello_seen);
	BT_ASSERT_EQ_STR(info->ja3_str, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-"
			 "49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-"
			 "18-5-13-27,4588-29-23-24,0");
	BT_ASSERT_EQ_STR(info->ja3, "98487aa16281980e7d1120d399efb6a4");
	BT_ASSERT_EQ_STR(info->ja4, "t13d1516h2_8daaf6152771_d8a2da3f94cd");
	BT_ASSERT_EQ_STR(info->ch.sni, "tls-outer.browserleaks.com");
	bos_tls_conn_free(c);
}

void test_tls__hello_prefixes_never_overread(void)
{
	struct bb rec = { .n = 0 };

	build_chrome_hello(&rec);
	/* The handshake body alone, cut at every length, straight into the hello parser. */
	for (size_t n = 0; n <= rec.n - 9; n++) {
		const uint8_t *p = bt_guard_dup(rec.d + 9, n);
		struct bos_tls_info info;
		enum bos_parse r;

		memset(&info, 0, sizeof(info));
		r = bos_tls_parse_client_hello(p, n, &info);
		/* Cut right after the compression methods it is a valid extension-less
		 * (pre-TLS 1.2) hello: 2 + 32 + 1 + (2 + 16 * 2) + 2 = 71 bytes. */
		if (n == 71)
			BT_ASSERT_EQ_INT(r, BOS_PARSE_OK);
		else if (n < rec.n - 9)
			BT_ASSERT(r != BOS_PARSE_OK);
		else
			BT_ASSERT_EQ_INT(r, BOS_PARSE_OK);
	}
}

/* A minimal ServerHello record: version, cipher, optional supported_versions; hrr: with
 * the HelloRetryRequest random of RFC 8446 4.1.3. */
static void build_server_hello_x(struct bb *rec, uint16_t legacy, uint16_t cipher, uint16_t sel,
				 bool hrr)
{
	static const uint8_t hrr_rnd[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65,
		0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
		0xc8, 0xa8, 0x33, 0x9c,
	};
	struct bb h = { .n = 0 };
	uint8_t rnd[32] = { 2 };

	if (hrr)
		memcpy(rnd, hrr_rnd, sizeof(rnd));
	size_t hs, exts;

	put8(&h, 2);
	hs = mark(&h, 3);
	put16(&h, legacy);
	putn(&h, rnd, 32);
	put8(&h, 0);
	put16(&h, cipher);
	put8(&h, 0);
	exts = mark(&h, 2);
	if (sel) {
		put16(&h, 0x002b);
		put16(&h, 2);
		put16(&h, sel);
	}
	patch(&h, exts, 2);
	patch(&h, hs, 3);
	wrap_record(rec, 22, h.d, h.n);
}

static void build_server_hello(struct bb *rec, uint16_t legacy, uint16_t cipher, uint16_t sel)
{
	build_server_hello_x(rec, legacy, cipher, sel, false);
}

void test_tls__hello_retry_request_then_real_hello(void)
{
	static const uint8_t ccs[] = { 20, 3, 3, 0, 1, 1 };
	static const uint8_t app[] = { 23, 3, 3, 0, 3, 1, 2, 3 };
	struct bb ch = { .n = 0 }, hrr = { .n = 0 }, sh = { .n = 0 };
	struct bos_tls_conn *c = bos_tls_conn_new();
	const struct bos_tls_info *info = bos_tls_conn_info(c);

	build_chrome_hello(&ch);
	build_server_hello_x(&hrr, 0x0303, 0x1302, 0x0304, true);
	build_server_hello(&sh, 0x0303, 0x1302, 0x0304);
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, ch.d, ch.n);
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, hrr.d, hrr.n);
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, ccs, sizeof(ccs));	/* compat CCS */
	BT_ASSERT(info->hello_retry);
	BT_ASSERT(!info->server_hello_seen);
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, ccs, sizeof(ccs));
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, ch.d, ch.n);		/* second hello */
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, sh.d, sh.n);		/* plaintext, parsed */
	BT_ASSERT(info->server_hello_seen);
	BT_ASSERT_EQ_INT(info->version, 0x0304);
	BT_ASSERT(!info->established);
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, app, sizeof(app));
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, app, sizeof(app));
	BT_ASSERT(info->established);
	BT_ASSERT_EQ_STR(info->ja3, "98487aa16281980e7d1120d399efb6a4");
	BT_ASSERT_EQ_INT(info->anomalies, 0);
	bos_tls_conn_free(c);
}

void test_tls__tls12_established_by_ccs_both_ways(void)
{
	static const uint8_t ccs[] = { 20, 3, 3, 0, 1, 1 };
	static const uint8_t fin[] = { 22, 3, 3, 0, 4, 0xde, 0xad, 0xbe, 0xef };
	struct bb ch = { .n = 0 }, sh = { .n = 0 };
	struct bos_tls_conn *c = bos_tls_conn_new();
	const struct bos_tls_info *info = bos_tls_conn_info(c);

	build_chrome_hello(&ch);
	build_server_hello(&sh, 0x0303, 0xc02f, 0);
	BT_ASSERT_EQ_INT(bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, ch.d, ch.n), BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, sh.d, sh.n), BOS_PARSE_OK);
	BT_ASSERT(!info->established);
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, ccs, sizeof(ccs));
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, fin, sizeof(fin));	/* encrypted Finished */
	BT_ASSERT(!info->established);
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, ccs, sizeof(ccs));
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, fin, sizeof(fin));
	BT_ASSERT(info->established);
	BT_ASSERT_EQ_INT(info->version, 0x0303);
	BT_ASSERT_EQ_INT(info->sh.cipher, 0xc02f);
	/* Server changed cipher spec without a Certificate: an abbreviated handshake. */
	BT_ASSERT(info->resumed);
	BT_ASSERT_EQ_STR(info->history, "CsIi");
	BT_ASSERT_EQ_INT(info->anomalies, 0);
	bos_tls_conn_free(c);
}

void test_tls__tls13_needs_app_data_both_ways(void)
{
	static const uint8_t app[] = { 23, 3, 3, 0, 3, 1, 2, 3 };
	struct bb ch = { .n = 0 }, sh = { .n = 0 };
	struct bos_tls_conn *c = bos_tls_conn_new();
	const struct bos_tls_info *info = bos_tls_conn_info(c);

	build_chrome_hello(&ch);
	build_server_hello(&sh, 0x0303, 0x1301, 0x0304);
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, ch.d, ch.n);
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, sh.d, sh.n);
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, app, sizeof(app));
	BT_ASSERT(!info->established);
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, app, sizeof(app));
	BT_ASSERT(info->established);
	BT_ASSERT_EQ_INT(info->version, 0x0304);
	BT_ASSERT_EQ_STR(bos_tls_version_name(info->version), "TLSv13");
	BT_ASSERT_EQ_STR(bos_tls_cipher_name(info->sh.cipher), "TLS_AES_128_GCM_SHA256");
	bos_tls_conn_free(c);
}

void test_tls__handshake_failure_alert(void)
{
	static const uint8_t alert[] = { 21, 3, 3, 0, 2, 2, 40 };
	struct bb ch = { .n = 0 };
	struct bos_tls_conn *c = bos_tls_conn_new();
	const struct bos_tls_info *info = bos_tls_conn_info(c);
	struct bos_buf out = BOS_BUF_INIT;
	struct bos_json j;

	build_chrome_hello(&ch);
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, ch.d, ch.n);
	/* Alert split in the middle of its record. */
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, alert, 6);
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, alert + 6, 1);
	BT_ASSERT(info->alert_seen);
	BT_ASSERT_EQ_INT(info->alert_level, 2);
	BT_ASSERT_EQ_INT(info->alert_desc, 40);
	BT_ASSERT_EQ_INT(info->alert_dir, BOS_DIR_TO_CLIENT);
	BT_ASSERT(!info->established);
	/* Zeek's ssl_history for its tls-1.2-handshake-failure trace is "Cl" as well. */
	BT_ASSERT_EQ_STR(info->history, "Cl");
	bos_json_init(&j, &out, 0);
	bos_json_obj_begin(&j);
	bos_tls_write_json(info, &j);
	bos_json_obj_end(&j);
	BT_ASSERT(strstr(out.data, "\"last_alert\":\"handshake_failure\""));
	BT_ASSERT(strstr(out.data, "\"established\":false"));
	BT_ASSERT(strstr(out.data, "\"server_name\":\"tls-outer.browserleaks.com\""));
	BT_ASSERT(strstr(out.data, "\"ja4\":\"t13d1516h2_8daaf6152771_d8a2da3f94cd\""));
	bos_buf_release(&out);
	bos_tls_conn_free(c);
}

void test_tls__handshake_spanning_records(void)
{
	struct bb ch = { .n = 0 }, two = { .n = 0 };
	struct bos_tls_conn *c = bos_tls_conn_new();
	size_t body = 0;

	build_chrome_hello(&ch);
	body = ch.n - 5;
	/* Same handshake message carried in two records of 100 and body-100 bytes. */
	wrap_record(&two, 22, ch.d + 5, 100);
	wrap_record(&two, 22, ch.d + 105, body - 100);
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, bt_guard_dup(two.d, two.n), two.n);
	BT_ASSERT_EQ_STR(bos_tls_conn_info(c)->ja3, "98487aa16281980e7d1120d399efb6a4");
	bos_tls_conn_free(c);
}

void test_tls__not_tls_stops_direction(void)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n\r\n";
	struct bos_tls_conn *c = bos_tls_conn_new();

	BT_ASSERT_EQ_INT(bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, http, sizeof(http) - 1),
			 BOS_PARSE_MALFORMED);
	BT_ASSERT(bos_tls_conn_info(c)->anomalies & BOS_TLS_ANOM_NOT_TLS);
	BT_ASSERT(!bos_tls_conn_info(c)->client_hello_seen);
	bos_tls_conn_free(c);
}

void test_tls__gap_in_app_data_is_skipped(void)
{
	static const uint8_t app_hdr[] = { 23, 3, 3, 0, 10 };
	static const uint8_t tail[] = { 1, 2, 3, 4, 23, 3, 3, 0, 1, 9 };
	struct bos_tls_conn *c = bos_tls_conn_new();

	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, app_hdr, sizeof(app_hdr));
	bos_tls_conn_gap(c, BOS_DIR_TO_CLIENT, 6);
	BT_ASSERT_EQ_INT(bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, tail, sizeof(tail)),
			 BOS_PARSE_OK);
	BT_ASSERT_EQ_INT(bos_tls_conn_info(c)->app_records[BOS_DIR_TO_CLIENT], 2);
	/* A gap in a record header loses sync. */
	bos_tls_conn_feed(c, BOS_DIR_TO_CLIENT, app_hdr, 2);
	bos_tls_conn_gap(c, BOS_DIR_TO_CLIENT, 3);
	BT_ASSERT(bos_tls_conn_info(c)->anomalies & BOS_TLS_ANOM_GAP);
	bos_tls_conn_free(c);
}

void test_tls__sniff(void)
{
	uint8_t raw[1024];
	size_t n = unhex(hello_google_hex, raw, sizeof(raw));

	BT_ASSERT(bos_tls_looks_like_client_hello(bt_guard_dup(raw, 6), 6));
	BT_ASSERT(!bos_tls_looks_like_client_hello(bt_guard_dup(raw, 5), 5));
	raw[5] = 2;	/* a ServerHello */
	BT_ASSERT(!bos_tls_looks_like_client_hello(raw, n));
}

/* A reset connection (the engine reuses them) is indistinguishable from a new one: feed
 * one hello half-way, reset, feed another whole: same info as on a fresh connection. */
void test_tls__reset_conn_is_like_new(void)
{
	uint8_t a[1024], b[1024];
	size_t na = unhex(hello_google_hex, a, sizeof(a));
	size_t nb = unhex(hello_beacon_hex, b, sizeof(b));
	struct bos_tls_conn *fresh = feed_client(bt_guard_dup(b, nb), nb, 0);
	struct bos_tls_conn *c = bos_tls_conn_new();
	struct bos_json jf, jc;
	struct bos_buf of = BOS_BUF_INIT, oc = BOS_BUF_INIT;

	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, bt_guard_dup(a, na), na / 2);
	bos_tls_conn_reset(c);
	bos_tls_conn_feed(c, BOS_DIR_TO_SERVER, bt_guard_dup(b, nb), nb);
	BT_ASSERT(!memcmp(bos_tls_conn_info(c), bos_tls_conn_info(fresh),
			  sizeof(struct bos_tls_info)));
	bos_json_init(&jf, &of, 0);
	bos_json_init(&jc, &oc, 0);
	bos_json_obj_begin(&jf);
	bos_json_obj_begin(&jc);
	bos_tls_write_json(bos_tls_conn_info(fresh), &jf);
	bos_tls_write_json(bos_tls_conn_info(c), &jc);
	bos_json_obj_end(&jf);
	bos_json_obj_end(&jc);
	BT_ASSERT_EQ_STR(oc.data, of.data);
	bos_buf_release(&of);
	bos_buf_release(&oc);
	bos_tls_conn_free(c);
	bos_tls_conn_free(fresh);
}

static bool plain_text(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

/* tls.log writes these names without escaping (BOS_JSON_KV_PLAIN's contract). */
void test_tls__table_names_are_plain_text(void)
{
	for (unsigned v = 0; v <= 0xffff; v++) {
		const char *n = bos_tls_version_name((uint16_t)v), *c = bos_tls_cipher_name((uint16_t)v);
		const char *a = v <= 0xff ? bos_tls_alert_name((uint8_t)v) : NULL;

		BT_ASSERT(!n || plain_text(n));
		BT_ASSERT(!c || plain_text(c));
		BT_ASSERT(!a || plain_text(a));
	}
}
