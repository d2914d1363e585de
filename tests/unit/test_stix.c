/*
 * Unit tests of the STIX 2.1 writer (bos/stix.h). The bundle is parsed back with json-c
 * and checked field by field; full schema validation is in tests/e2e/stix.sh.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/clock.h"
#include "bos/stix.h"
#include "harness.h"

static const uint8_t ns_dns[16] = {	/* RFC 4122 appendix C NameSpace_DNS */
	0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
};

void test_stix__uuid5_known_vector(void)
{
	char u[37];

	/* Python documentation: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') */
	bos_stix_uuid5(u, ns_dns, "python.org", 10);
	BT_ASSERT_EQ_STR(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

void test_stix__uuid4_shape(void)
{
	struct bos_err err = BOS_ERR_INIT;
	char a[37], b[37];

	BT_ASSERT_EQ_INT(bos_stix_uuid4(a, &err), 0);
	BT_ASSERT_EQ_INT(bos_stix_uuid4(b, &err), 0);
	BT_ASSERT_EQ_INT(strlen(a), 36);
	BT_ASSERT_EQ_INT(a[14], '4');
	BT_ASSERT(strchr("89ab", a[19]));
	BT_ASSERT(strcmp(a, b));
}

static void fake_sample(struct bos_sample *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->size = 3;
	snprintf(s->mime, sizeof(s->mime), "text/plain");
	snprintf(s->md5_hex, sizeof(s->md5_hex), "900150983cd24fb0d6963f7d28e17f72");
	snprintf(s->sha1_hex, sizeof(s->sha1_hex), "a9993e364706816aba3e25717850c26c9cd0d89d");
	snprintf(s->sha256_hex, sizeof(s->sha256_hex),
		 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	snprintf(s->sha512_hex, sizeof(s->sha512_hex), "%0128d", 0);
}

void test_stix__file_id_matches_spec_recipe(void)
{
	struct bos_sample s;
	char id[64], u[37];
	const char *canon = "{\"hashes\":{\"MD5\":\"900150983cd24fb0d6963f7d28e17f72\"},"
			    "\"name\":\"a\\\"b\\n\"}";

	fake_sample(&s, "a\"b\n");
	bos_stix_file_id(id, sizeof(id), &s);
	bos_stix_uuid5(u, bos_stix_sco_namespace, canon, strlen(canon));
	BT_ASSERT(!strncmp(id, "file--", 6));
	BT_ASSERT_EQ_STR(id + 6, u);
}

void test_stix__bundle_fields(void)
{
	struct bos_buf out = BOS_BUF_INIT, again = BOS_BUF_INIT;
	struct bos_err err = BOS_ERR_INIT;
	struct json_object *root, *objs, *o, *v;
	struct bos_sample s;
	char file_id[64];

	fake_sample(&s, "abc.bin");
	bos_clock_pin(INT64_C(1577836800) * 1000000000 + 123456789);
	BT_ASSERT_EQ_INT(bos_stix_sample_bundle(&out, &s, BOS_STIX_DETERMINISTIC, &err), 0);
	BT_ASSERT_EQ_INT(bos_stix_sample_bundle(&again, &s, BOS_STIX_DETERMINISTIC, &err), 0);
	bos_clock_pin(0);
	BT_ASSERT_EQ_STR(out.data, again.data);
	root = json_tokener_parse(out.data);
	BT_ASSERT(root);
	BT_ASSERT(json_object_object_get_ex(root, "objects", &objs));
	BT_ASSERT_EQ_INT(json_object_array_length(objs), 4);
	bos_stix_file_id(file_id, sizeof(file_id), &s);

	o = json_object_array_get_idx(objs, 0);
	BT_ASSERT(json_object_object_get_ex(o, "id", &v));
	BT_ASSERT_EQ_STR(json_object_get_string(v), file_id);
	BT_ASSERT(json_object_object_get_ex(o, "hashes", &v));
	BT_ASSERT(json_object_object_get_ex(v, "SHA-256", &v));
	BT_ASSERT_EQ_STR(json_object_get_string(v), s.sha256_hex);

	o = json_object_array_get_idx(objs, 1);
	BT_ASSERT(json_object_object_get_ex(o, "is_family", &v));
	BT_ASSERT(json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v));
	BT_ASSERT(json_object_object_get_ex(o, "sample_refs", &v));
	BT_ASSERT_EQ_STR(json_object_get_string(json_object_array_get_idx(v, 0)), file_id);
	BT_ASSERT(json_object_object_get_ex(o, "created", &v));
	BT_ASSERT_EQ_STR(json_object_get_string(v), "2020-01-01T00:00:00.123Z");

	o = json_object_array_get_idx(objs, 2);
	BT_ASSERT(json_object_object_get_ex(o, "pattern", &v));
	BT_ASSERT_EQ_STR(json_object_get_string(v),
			 "[file:hashes.'SHA-256' = "
			 "'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad']");
	BT_ASSERT(json_object_object_get_ex(o, "valid_from", &v));
	BT_ASSERT_EQ_STR(json_object_get_string(v), "2020-01-01T00:00:00.123Z");
	json_object_put(root);
	bos_buf_release(&out);
	bos_buf_release(&again);
}

void test_stix__random_ids_differ(void)
{
	struct bos_buf a = BOS_BUF_INIT, b = BOS_BUF_INIT;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_sample s;

	fake_sample(&s, "abc.bin");
	BT_ASSERT_EQ_INT(bos_stix_sample_bundle(&a, &s, 0, &err), 0);
	BT_ASSERT_EQ_INT(bos_stix_sample_bundle(&b, &s, 0, &err), 0);
	BT_ASSERT(strstr(a.data, "\"malware--") && strstr(a.data, "-4"));
	BT_ASSERT(strcmp(a.data, b.data));
	bos_buf_release(&a);
	bos_buf_release(&b);
}

void test_stix__non_utf8_name_left_out(void)
{
	struct bos_buf a = BOS_BUF_INIT;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_sample s;

	fake_sample(&s, "bad\xff\xfe.exe");
	BT_ASSERT_EQ_INT(bos_stix_sample_bundle(&a, &s, 0, &err), 0);
	BT_ASSERT(!strstr(a.data, "\"name\""));
	BT_ASSERT(!strstr(a.data, "{\"b64\""));
	bos_buf_release(&a);
}
