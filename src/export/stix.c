/*
 * STIX 2.1 bundle for a sample (bos/stix.h).
 * Normative: STIX Version 2.1 (OASIS Standard, 10 June 2021):
 *   §2.9  identifier: SCO ids are UUIDv5 (RFC 4122 §4.3, SHA-1) in the namespace
 *         00abedb4-aa42-466c-9c01-fed23315a9b7 over the canonical JSON (RFC 8785, JCS) of
 *         the object's ID contributing properties; of a hashes dictionary only one hash is
 *         used, the first present of MD5, SHA-1, SHA-256, SHA-512.
 *   §6.7  file: ID contributing properties hashes, name, extensions, parent_directory_ref.
 *         bos writes no extensions or parent directory, so the canonical input is
 *         {"hashes":{"MD5":"<md5>"},"name":"<name>"} (JCS sorts keys: "hashes" < "name").
 *   §3.2  timestamps: created/modified to the millisecond.
 * The OASIS reference library (stix2, base.py _generate_id / _choose_one_hash) does the
 * same; tests/e2e/stix.sh recomputes the id independently with Python's uuid module.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "bos/clock.h"
#include "bos/escape.h"
#include "bos/json.h"
#include "bos/stix.h"

const uint8_t bos_stix_sco_namespace[16] = {
	0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
	0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7,
};

static void uuid_fmt(char dst[37], const uint8_t b[16])
{
	snprintf(dst, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

void bos_stix_uuid5(char dst[37], const uint8_t ns[16], const void *name, size_t len)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) ||
	    !EVP_DigestUpdate(ctx, ns, 16) || !EVP_DigestUpdate(ctx, name, len) ||
	    !EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen < 16)
		BOS_BUG("OpenSSL SHA-1 unavailable");
	EVP_MD_CTX_free(ctx);
	md[6] = (uint8_t)((md[6] & 0x0f) | 0x50);	/* version 5 */
	md[8] = (uint8_t)((md[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	uuid_fmt(dst, md);
}

int bos_stix_uuid4(char dst[37], struct bos_err *err)
{
	uint8_t b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bos_err_sys(err, "getrandom");
		got += (size_t)n;
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	uuid_fmt(dst, b);
	return 0;
}

/* RFC 8785 §3.2.2.2 string: only '"', '\\' and C0 controls are escaped; \b \t \n \f \r
 * short forms, others \u00xx with lowercase hex; all else (UTF-8) is copied. */
static void jcs_string(struct bos_buf *out, const char *s)
{
	bos_buf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			bos_buf_addstr(out, "\\\"");
			break;
		case '\\':
			bos_buf_addstr(out, "\\\\");
			break;
		case '\b':
			bos_buf_addstr(out, "\\b");
			break;
		case '\t':
			bos_buf_addstr(out, "\\t");
			break;
		case '\n':
			bos_buf_addstr(out, "\\n");
			break;
		case '\f':
			bos_buf_addstr(out, "\\f");
			break;
		case '\r':
			bos_buf_addstr(out, "\\r");
			break;
		default:
			if (*p < 0x20)
				bos_buf_addf(out, "\\u%04x", *p);
			else
				bos_buf_addch(out, (char)*p);
		}
	}
	bos_buf_addch(out, '"');
}

/* A STIX string must be Unicode: names that are not valid UTF-8 are left out. */
static bool name_usable(const struct bos_sample *s)
{
	return s->name[0] && bos_utf8_valid(s->name, strlen(s->name));
}

void bos_stix_file_id(char *dst, size_t len, const struct bos_sample *s)
{
	struct bos_buf canon = BOS_BUF_INIT;
	char uuid[37];

	bos_buf_addstr(&canon, "{\"hashes\":{\"MD5\":");
	jcs_string(&canon, s->md5_hex);
	bos_buf_addch(&canon, '}');
	if (name_usable(s)) {
		bos_buf_addstr(&canon, ",\"name\":");
		jcs_string(&canon, s->name);
	}
	bos_buf_addch(&canon, '}');
	bos_stix_uuid5(uuid, bos_stix_sco_namespace, canon.data, canon.len);
	snprintf(dst, len, "file--%s", uuid);
	bos_buf_release(&canon);
}

/* An SDO/bundle id: random, or in deterministic mode derived from the sample and type. */
static int sdo_id(char *dst, size_t len, const char *type, const struct bos_sample *s,
		  unsigned flags, struct bos_err *err)
{
	char uuid[37];
	int ret = 0;

	if (flags & BOS_STIX_DETERMINISTIC) {
		struct bos_buf name = BOS_BUF_INIT;

		bos_buf_addf(&name, "bos:%s:%s", type, s->sha256_hex);
		bos_stix_uuid5(uuid, bos_stix_sco_namespace, name.data, name.len);
		bos_buf_release(&name);
	} else {
		ret = bos_stix_uuid4(uuid, err);
	}
	if (ret == 0)
		snprintf(dst, len, "%s--%s", type, uuid);
	return ret;
}

/* "2026-11-26T10:58:29.123Z": STIX wants millisecond precision for created/modified. */
static void stix_time(char dst[32], int64_t unix_ns)
{
	char full[40];

	bos_clock_rfc3339(full, sizeof(full), unix_ns);
	/* full is "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ": keep 3 fraction digits. */
	snprintf(dst, 32, "%.23sZ", full);
}

static void common(struct bos_json *j, const char *type, const char *id, const char *ts)
{
	bos_json_kv_str(j, "type", type);
	bos_json_kv_str(j, "spec_version", "2.1");
	bos_json_kv_str(j, "id", id);
	if (ts) {
		bos_json_kv_str(j, "created", ts);
		bos_json_kv_str(j, "modified", ts);
	}
}

int bos_stix_sample_bundle(struct bos_buf *out, const struct bos_sample *s, unsigned flags,
			   struct bos_err *err)
{
	char bundle_id[64], file_id[64], mal_id[64], ind_id[64], rel_id[64], ts[32];
	struct bos_buf pattern = BOS_BUF_INIT;
	struct bos_json j;
	int ret;

	if ((ret = sdo_id(bundle_id, sizeof(bundle_id), "bundle", s, flags, err)) < 0 ||
	    (ret = sdo_id(mal_id, sizeof(mal_id), "malware", s, flags, err)) < 0 ||
	    (ret = sdo_id(ind_id, sizeof(ind_id), "indicator", s, flags, err)) < 0 ||
	    (ret = sdo_id(rel_id, sizeof(rel_id), "relationship", s, flags, err)) < 0)
		return ret;
	bos_stix_file_id(file_id, sizeof(file_id), s);
	stix_time(ts, bos_clock_now_ns());
	/* The hex digest has no quote or backslash, so no pattern escaping is needed. */
	bos_buf_addf(&pattern, "[file:hashes.'SHA-256' = '%s']", s->sha256_hex);

	bos_json_init(&j, out, (flags & BOS_STIX_PRETTY) ? BOS_JSON_PRETTY : 0);
	bos_json_obj_begin(&j);
	bos_json_kv_str(&j, "type", "bundle");
	bos_json_kv_str(&j, "id", bundle_id);
	bos_json_key(&j, "objects");
	bos_json_arr_begin(&j);

	bos_json_obj_begin(&j);
	common(&j, "file", file_id, NULL);
	bos_json_key(&j, "hashes");
	bos_json_obj_begin(&j);
	bos_json_kv_str(&j, "MD5", s->md5_hex);
	bos_json_kv_str(&j, "SHA-1", s->sha1_hex);
	bos_json_kv_str(&j, "SHA-256", s->sha256_hex);
	bos_json_kv_str(&j, "SHA-512", s->sha512_hex);
	bos_json_obj_end(&j);
	bos_json_kv_uint(&j, "size", s->size);
	if (name_usable(s))
		bos_json_kv_str(&j, "name", s->name);
	if (s->mime[0])
		bos_json_kv_str(&j, "mime_type", s->mime);
	bos_json_obj_end(&j);

	bos_json_obj_begin(&j);
	common(&j, "malware", mal_id, ts);
	if (name_usable(s))
		bos_json_kv_str(&j, "name", s->name);
	bos_json_kv_bool(&j, "is_family", false);
	bos_json_key(&j, "sample_refs");
	bos_json_arr_begin(&j);
	bos_json_str(&j, file_id);
	bos_json_arr_end(&j);
	bos_json_obj_end(&j);

	bos_json_obj_begin(&j);
	common(&j, "indicator", ind_id, ts);
	bos_json_key(&j, "indicator_types");
	bos_json_arr_begin(&j);
	bos_json_str(&j, "malicious-activity");
	bos_json_arr_end(&j);
	bos_json_kv_str(&j, "pattern", pattern.data);
	bos_json_kv_str(&j, "pattern_type", "stix");
	bos_json_kv_str(&j, "pattern_version", "2.1");
	bos_json_kv_str(&j, "valid_from", ts);
	bos_json_obj_end(&j);

	bos_json_obj_begin(&j);
	common(&j, "relationship", rel_id, ts);
	bos_json_kv_str(&j, "relationship_type", "indicates");
	bos_json_kv_str(&j, "source_ref", ind_id);
	bos_json_kv_str(&j, "target_ref", mal_id);
	bos_json_obj_end(&j);

	bos_json_arr_end(&j);
	bos_json_obj_end(&j);
	bos_buf_addch(out, '\n');
	bos_buf_release(&pattern);
	return 0;
}
