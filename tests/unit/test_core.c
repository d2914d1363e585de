/* Unit tests of the core module: cursor, buffer, escaping, JSON writer, clock, digests. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/clock.h"
#include "bos/cur.h"
#include "bos/digest.h"
#include "bos/err.h"
#include "bos/escape.h"
#include "bos/json.h"
#include "harness.h"

void test_cur__reads_big_endian(void)
{
	static const uint8_t d[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde };
	struct bos_cur c = bos_cur_make(bt_guard_dup(d, sizeof(d)), sizeof(d));

	BT_ASSERT_EQ_INT(bos_cur_be16(&c), 0x1234);
	BT_ASSERT_EQ_INT(bos_cur_be32(&c), 0x56789abc);
	BT_ASSERT_EQ_INT(bos_cur_left(&c), 1);
	BT_ASSERT(bos_cur_ok(&c));
}

void test_cur__error_is_sticky(void)
{
	static const uint8_t d[] = { 1, 2, 3 };
	struct bos_cur c = bos_cur_make(bt_guard_dup(d, sizeof(d)), sizeof(d));

	BT_ASSERT_EQ_INT(bos_cur_be32(&c), 0);	/* too short */
	BT_ASSERT_EQ_INT(c.err, BOS_PARSE_TRUNCATED);
	BT_ASSERT_EQ_INT(bos_cur_u8(&c), 0);	/* even though a byte was there */
	BT_ASSERT_EQ_INT(bos_cur_left(&c), 0);
}

void test_cur__sub_moves_parent_past_child(void)
{
	static const uint8_t d[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	struct bos_cur c = bos_cur_make(bt_guard_dup(d, sizeof(d)), sizeof(d));
	struct bos_cur s = bos_cur_sub(&c, 2);

	BT_ASSERT_EQ_INT(bos_cur_be32(&s), 0);		/* child is only 2 bytes */
	BT_ASSERT_EQ_INT(s.err, BOS_PARSE_TRUNCATED);
	BT_ASSERT_EQ_INT(bos_cur_u8(&c), 0xcc);		/* parent unaffected */
	s = bos_cur_sub(&c, 5);
	BT_ASSERT_EQ_INT(s.err, BOS_PARSE_TRUNCATED);
	BT_ASSERT_EQ_INT(c.err, BOS_PARSE_TRUNCATED);
}

void test_buf__addf_grows(void)
{
	struct bos_buf b = BOS_BUF_INIT;

	BT_ASSERT_EQ_STR(b.data, "");
	for (int i = 0; i < 1000; i++)
		bos_buf_addf(&b, "%d,", i);
	BT_ASSERT_EQ_INT(strncmp(b.data, "0,1,2,", 6), 0);
	BT_ASSERT_EQ_INT(strlen(b.data), b.len);
	bos_buf_release(&b);
	BT_ASSERT_EQ_STR(b.data, "");
}

void test_escape__control_bytes_become_hex(void)
{
	struct bos_buf b = BOS_BUF_INIT;

	bos_escape(&b, "a\x1b[31m\"\\\xff", 9);
	BT_ASSERT_EQ_STR(b.data, "a\\x1b[31m\\\"\\\\\\xff");
	bos_buf_release(&b);
}

void test_escape__utf8_validation(void)
{
	BT_ASSERT(bos_utf8_valid("h\xc3\xa9llo", 6));
	BT_ASSERT(!bos_utf8_valid("\xc0\xaf", 2));		/* overlong '/' */
	BT_ASSERT(!bos_utf8_valid("\xed\xa0\x80", 3));		/* surrogate */
	BT_ASSERT(!bos_utf8_valid("a\0b", 3));			/* NUL */
	BT_ASSERT(!bos_utf8_valid("\xe2\x82", 2));		/* cut short */
	BT_ASSERT(bos_utf8_valid("\xf0\x9f\x98\x80", 4));
}

void test_escape__base64_vectors(void)
{
	/* RFC 4648 section 10 */
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					   "Zm9vYmFy" };

	for (size_t i = 0; i < 7; i++) {
		struct bos_buf b = BOS_BUF_INIT;

		bos_base64(&b, in[i], strlen(in[i]));
		BT_ASSERT_EQ_STR(b.data, out[i]);
		bos_buf_release(&b);
	}
}

void test_json__nested_compact(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	bos_json_init(&j, &b, 0);
	bos_json_obj_begin(&j);
	bos_json_kv_str(&j, "a", "x\"y\n");
	bos_json_key(&j, "list");
	bos_json_arr_begin(&j);
	bos_json_int(&j, -3);
	bos_json_uint(&j, 18446744073709551615ull);
	bos_json_bool(&j, true);
	bos_json_null(&j);
	bos_json_arr_end(&j);
	bos_json_key(&j, "empty");
	bos_json_obj_begin(&j);
	bos_json_obj_end(&j);
	bos_json_obj_end(&j);
	BT_ASSERT_EQ_STR(b.data, "{\"a\":\"x\\\"y\\n\",\"list\":[-3,18446744073709551615,true,null],"
				 "\"empty\":{}}");
	bos_buf_release(&b);
}

void test_json__invalid_utf8_is_base64(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	bos_json_init(&j, &b, 0);
	bos_json_arr_begin(&j);
	bos_json_strn(&j, "\xff\xfe", 2);
	bos_json_str(&j, "ok");
	bos_json_arr_end(&j);
	BT_ASSERT_EQ_STR(b.data, "[{\"b64\":\"//4=\"},\"ok\"]");
	bos_buf_release(&b);
}

void test_json__pretty(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	bos_json_init(&j, &b, BOS_JSON_PRETTY);
	bos_json_obj_begin(&j);
	bos_json_kv_int(&j, "a", 1);
	bos_json_key(&j, "b");
	bos_json_arr_begin(&j);
	bos_json_int(&j, 2);
	bos_json_arr_end(&j);
	bos_json_obj_end(&j);
	BT_ASSERT_EQ_STR(b.data, "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}");
	bos_buf_release(&b);
}

void test_clock__rfc3339_and_epoch(void)
{
	char t[40];
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	BT_ASSERT_EQ_STR(bos_clock_rfc3339(t, sizeof(t), 1795690709123456789LL),
			 "2026-11-26T10:58:29.123456789Z");
	BT_ASSERT_EQ_STR(bos_clock_compact(t, sizeof(t), 1795690709123456789LL),
			 "20261126T105829Z");
	bos_json_init(&j, &b, 0);
	bos_json_epoch(&j, 1795690709123456789LL);
	BT_ASSERT_EQ_STR(b.data, "1795690709.123456");
	bos_buf_release(&b);
}

void test_err__sys_appends_strerror(void)
{
	struct bos_err e = BOS_ERR_INIT;

	errno = ENOENT;
	BT_ASSERT_EQ_INT(bos_err_sys(&e, "open %s", "x.pcap"), -ENOENT);
	BT_ASSERT_EQ_STR(e.msg, "open x.pcap: No such file or directory");
	bos_err_prefix(&e, "net: ");
	BT_ASSERT_EQ_STR(e.msg, "net: open x.pcap: No such file or directory");
}

void test_json__escapes_between_plain_runs(void)
{
	struct bos_buf b = BOS_BUF_INIT;

	bos_json_quote(&b, "ab\"cd\x01" "ef\\", 9);
	BT_ASSERT_EQ_STR(b.data, "\"ab\\\"cd\\u0001ef\\\\\"");
	bos_buf_release(&b);
}

void test_json__integer_extremes_and_negative_epoch(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	bos_json_init(&j, &b, 0);
	bos_json_arr_begin(&j);
	bos_json_int(&j, INT64_MIN);
	bos_json_int(&j, 0);
	bos_json_uint(&j, 7);
	bos_json_epoch(&j, -1500000);		/* 1.5 ms before 1970 */
	bos_json_epoch(&j, 5000);		/* 5 us after */
	bos_json_arr_end(&j);
	BT_ASSERT_EQ_STR(b.data, "[-9223372036854775808,0,7,-0.001500,0.000005]");
	bos_buf_release(&b);
}

void test_escape__base64_decode_roundtrip_and_junk(void)
{
	static const uint8_t bytes[] = { 0x00, 0xff, 0x10, 0x80, 0x7f, 'a', 0xfe };
	struct bos_buf enc = BOS_BUF_INIT, dec = BOS_BUF_INIT;

	for (size_t n = 0; n <= sizeof(bytes); n++) {
		bos_buf_reset(&enc);
		bos_buf_reset(&dec);
		bos_base64(&enc, bytes, n);
		bos_base64_decode(&dec, enc.data);
		BT_ASSERT_EQ_INT(dec.len, n);
		BT_ASSERT_EQ_MEM(dec.data, bytes, n);
	}
	bos_buf_reset(&dec);
	bos_base64_decode(&dec, "Zm9v\n YmFy!*");	/* junk between and after is skipped */
	BT_ASSERT_EQ_STR(dec.data, "foobar");
	bos_buf_release(&enc);
	bos_buf_release(&dec);
}

/* BOS_JSON_KV_* (literal keys copied at once) write what the generic calls write, in
 * every position: first in an object, after a value, and as the b64 form of non-text. */
void test_json__literal_keys_match_generic(void)
{
	struct bos_buf a = BOS_BUF_INIT, b = BOS_BUF_INIT;
	struct bos_json ja, jb;

	for (unsigned flags = 0; flags <= BOS_JSON_PRETTY; flags += BOS_JSON_PRETTY) {
		bos_buf_reset(&a);
		bos_buf_reset(&b);
		bos_json_init(&ja, &a, flags);
		bos_json_init(&jb, &b, flags);
		bos_json_obj_begin(&ja);
		bos_json_obj_begin(&jb);
		BOS_JSON_KV_UINT(&ja, "n", 18446744073709551615ull);
		bos_json_kv_uint(&jb, "n", 18446744073709551615ull);
		BOS_JSON_KV_STR(&ja, "s", "caf\xc3\xa9 \"x\"\x7f");
		bos_json_kv_str(&jb, "s", "caf\xc3\xa9 \"x\"\x7f");
		BOS_JSON_KV_STRN(&ja, "bad", "a\xff", 2);
		bos_json_kv_strn(&jb, "bad", "a\xff", 2);
		BOS_JSON_KV_STRN(&ja, "nul", "a\0b", 3);
		bos_json_kv_strn(&jb, "nul", "a\0b", 3);
		BOS_JSON_KV_STR(&ja, "none", NULL);
		bos_json_kv_str(&jb, "none", NULL);
		BOS_JSON_KV_BOOL(&ja, "t", true);
		bos_json_kv_bool(&jb, "t", true);
		BOS_JSON_KEY(&ja, "arr");
		bos_json_key(&jb, "arr");
		bos_json_arr_begin(&ja);
		bos_json_arr_begin(&jb);
		bos_json_strn(&ja, "\xed\xa0\x80", 3);	/* a surrogate: not UTF-8 text */
		bos_json_strn(&jb, "\xed\xa0\x80", 3);
		bos_json_uint(&ja, 0);
		bos_json_uint(&jb, 0);
		bos_json_arr_end(&ja);
		bos_json_arr_end(&jb);
		bos_json_obj_end(&ja);
		bos_json_obj_end(&jb);
		BT_ASSERT_EQ_STR(a.data, b.data);
	}
	BT_ASSERT_EQ_STR(a.data, "{\n  \"n\": 18446744073709551615,\n"
				 "  \"s\": \"caf\xc3\xa9 \\\"x\\\"\\u007f\",\n"
				 "  \"bad\": {\n    \"b64\": \"Yf8=\"\n  },\n"
				 "  \"nul\": {\n    \"b64\": \"YQBi\"\n  },\n"
				 "  \"none\": null,\n  \"t\": true,\n"
				 "  \"arr\": [\n    {\n      \"b64\": \"7aCA\"\n    },\n    0\n  ]\n}");
	bos_buf_release(&a);
	bos_buf_release(&b);
}

/* A long string with escapes spread over it: the writer re-reserves room at each escape. */
void test_json__long_string_with_many_escapes(void)
{
	struct bos_buf b = BOS_BUF_INIT, want = BOS_BUF_INIT;
	char s[3000];

	for (size_t i = 0; i < sizeof(s); i++)
		s[i] = i % 3 ? 'a' : '\n';
	bos_json_quote(&b, s, sizeof(s));
	bos_buf_addch(&want, '"');
	for (size_t i = 0; i < sizeof(s); i++)
		bos_buf_addstr(&want, i % 3 ? "a" : "\\n");
	bos_buf_addch(&want, '"');
	BT_ASSERT_EQ_INT(b.len, want.len);
	BT_ASSERT_EQ_STR(b.data, want.data);
	bos_buf_release(&b);
	bos_buf_release(&want);
}

/* bos_json_seconds_ns must give exactly printf's "%.6f" of ns / 1e9, whichever path it
 * takes: ties at the 7th decimal, carries, the 2^50 boundary, negatives, big values. */
void test_json__seconds_ns_equals_printf(void)
{
	static const int64_t fixed[] = {
		0, 1, 499, 500, 501, 999, 1000, 1500, 2500, 999999499, 999999500, 999999501,
		155831000, 1000000000, 86400000000500, (INT64_C(1) << 50) - 1, INT64_C(1) << 50,
		(INT64_C(1) << 50) + 500, -1, -500, -1000, -1500000, INT64_MAX, INT64_MIN,
	};
	struct bos_buf a = BOS_BUF_INIT, b = BOS_BUF_INIT;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct bos_json j;

	for (size_t i = 0; i < BOS_ARRAY_SIZE(fixed) + 200000; i++) {
		int64_t ns;

		if (i < BOS_ARRAY_SIZE(fixed)) {
			ns = fixed[i];
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* mostly realistic durations, some anywhere in the range */
			ns = (int64_t)(i % 4 ? x % 100000000000ull : x >> (i % 64));
		}
		bos_buf_reset(&a);
		bos_buf_reset(&b);
		bos_json_init(&j, &a, 0);
		bos_json_seconds_ns(&j, ns);
		bos_buf_addf(&b, "%.6f", (double)ns / 1e9);
		BT_ASSERT_EQ_STR(a.data, b.data);
	}
	bos_buf_release(&a);
	bos_buf_release(&b);
}

/* Reference for one byte of a quoted string (as the writer escaped before the word-at-a-
 * time scan): every byte value at every offset of a word must come out the same. */
static void ref_quote_byte(struct bos_buf *b, unsigned char c)
{
	static const char hexd[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		bos_buf_addch(b, '\\');
		bos_buf_addch(b, (char)c);
	} else if (c == '\n') {
		bos_buf_addstr(b, "\\n");
	} else if (c == '\r') {
		bos_buf_addstr(b, "\\r");
	} else if (c == '\t') {
		bos_buf_addstr(b, "\\t");
	} else if (c < 0x20 || c == 0x7f) {
		bos_buf_addstr(b, "\\u00");
		bos_buf_addch(b, hexd[c >> 4]);
		bos_buf_addch(b, hexd[c & 15]);
	} else {
		bos_buf_addch(b, (char)c);
	}
}

void test_json__every_byte_at_every_word_offset(void)
{
	struct bos_buf got = BOS_BUF_INIT, want = BOS_BUF_INIT, js = BOS_BUF_INIT;
	unsigned char s[19];
	struct bos_json j;

	for (unsigned c = 0; c < 256; c++) {
		for (size_t k = 0; k < sizeof(s); k++) {
			memset(s, 'a', sizeof(s));
			s[k] = (unsigned char)c;
			bos_buf_reset(&got);
			bos_buf_reset(&want);
			bos_json_quote(&got, s, sizeof(s));
			bos_buf_addch(&want, '"');
			for (size_t i = 0; i < sizeof(s); i++)
				ref_quote_byte(&want, s[i]);
			bos_buf_addch(&want, '"');
			BT_ASSERT_EQ_INT(got.len, want.len);
			BT_ASSERT_EQ_MEM(got.data, want.data, want.len);
			/* as a value: text iff bos_utf8_valid, else the b64 object */
			bos_buf_reset(&js);
			bos_json_init(&j, &js, 0);
			bos_json_strn(&j, s, sizeof(s));
			BT_ASSERT_EQ_INT(js.data[0] == '"', bos_utf8_valid(s, sizeof(s)));
			if (js.data[0] == '"')
				BT_ASSERT_EQ_STR(js.data, want.data);
		}
	}
	bos_buf_release(&got);
	bos_buf_release(&want);
	bos_buf_release(&js);
}

/* BOS_JSON_KV_PLAIN (generated text, copied unscanned) writes what bos_json_kv_str writes. */
void test_json__plain_values_match_generic(void)
{
	struct bos_buf a = BOS_BUF_INIT, b = BOS_BUF_INIT;
	struct bos_json ja, jb;

	for (unsigned flags = 0; flags <= BOS_JSON_PRETTY; flags += BOS_JSON_PRETTY) {
		bos_buf_reset(&a);
		bos_buf_reset(&b);
		bos_json_init(&ja, &a, flags);
		bos_json_init(&jb, &b, flags);
		bos_json_obj_begin(&ja);
		bos_json_obj_begin(&jb);
		BOS_JSON_KV_PLAIN(&ja, "uid", "CnGJU3NytvUg261mZ0");
		bos_json_kv_str(&jb, "uid", "CnGJU3NytvUg261mZ0");
		BOS_JSON_KV_PLAIN(&ja, "empty", "");
		bos_json_kv_str(&jb, "empty", "");
		BOS_JSON_KV_UINT(&ja, "n", 1);
		bos_json_kv_uint(&jb, "n", 1);
		BOS_JSON_KV_PLAIN(&ja, "cid", "1:S5bRx5cccS4XujNxTmtyAJfykKY=");
		bos_json_kv_str(&jb, "cid", "1:S5bRx5cccS4XujNxTmtyAJfykKY=");
		bos_json_obj_end(&ja);
		bos_json_obj_end(&jb);
		BT_ASSERT_EQ_STR(a.data, b.data);
	}
	bos_buf_release(&a);
	bos_buf_release(&b);
}

static void digest_hex(char *out, const uint8_t *d, size_t n)
{
	static const char hexd[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexd[d[i] >> 4];
		out[2 * i + 1] = hexd[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Known answers (RFC 1321, FIPS 180-2 "abc"), interleaved so that a context reused by the
 * next digest, of the same or another algorithm, cannot carry state over. */
void test_digest__known_answers_interleaved(void)
{
	static const struct {
		enum bos_md md;
		const char *in, *hex;
	} v[] = {
		{BOS_MD_MD5, "", "d41d8cd98f00b204e9800998ecf8427e"},
		{BOS_MD_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72"},
		{BOS_MD_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{BOS_MD_SHA256, "abc",
		 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{BOS_MD_SHA1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{BOS_MD_SHA256, "",
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	};
	uint8_t d[BOS_MD_MAX_LEN];
	char h[2 * BOS_MD_MAX_LEN + 1];

	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < BOS_ARRAY_SIZE(v); i++) {
			size_t n = bos_md_digest(v[i].md, v[i].in, strlen(v[i].in), d);

			BT_ASSERT_EQ_INT(2 * n, strlen(v[i].hex));
			digest_hex(h, d, n);
			BT_ASSERT_EQ_STR(h, v[i].hex);
		}
	}
}

struct digest_thread {
	pthread_t id;
	int bad;
};

static void *digest_thread_run(void *arg)
{
	struct digest_thread *t = arg;
	uint8_t d[BOS_MD_MAX_LEN];
	char h[2 * BOS_MD_MAX_LEN + 1];

	for (int i = 0; i < 500; i++) {
		bos_md_digest(i % 2 ? BOS_MD_SHA1 : BOS_MD_SHA256, "abc", 3, d);
		digest_hex(h, d, i % 2 ? 20 : 32);
		if (strcmp(h, i % 2 ? "a9993e364706816aba3e25717850c26c9cd0d89d"
				    : "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
			t->bad++;
	}
	return NULL;
}

/* Each thread has its own contexts: concurrent digests give the right answers, and a
 * thread's contexts are freed when it exits (LeakSanitizer in the dev preset would say). */
void test_digest__threads(void)
{
	struct digest_thread t[4] = {{0}};

	for (size_t i = 0; i < BOS_ARRAY_SIZE(t); i++)
		BT_ASSERT_EQ_INT(pthread_create(&t[i].id, NULL, digest_thread_run, &t[i]), 0);
	for (size_t i = 0; i < BOS_ARRAY_SIZE(t); i++) {
		BT_ASSERT_EQ_INT(pthread_join(t[i].id, NULL), 0);
		BT_ASSERT_EQ_INT(t[i].bad, 0);
	}
}
