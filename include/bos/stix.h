#ifndef BOS_STIX_H
#define BOS_STIX_H
/*
 * STIX 2.1 writer for a sample's identity (module bos_export, src/export/stix.c).
 * Reference: STIX Version 2.1, OASIS Standard, 10 June 2021, sections 2.9 (identifier),
 * 3.2 (timestamps), 4.3 (indicator), 4.11 (malware), 6.7 (file), 9.1 (pattern).
 *
 * The bundle holds exactly four objects, in this order:
 *   file      SCO  id file--<UUIDv5>  (deterministic, spec §2.9: namespace
 *                  00abedb4-aa42-466c-9c01-fed23315a9b7 over the JCS-canonical JSON of the
 *                  contributing properties {"hashes": {"MD5": ...}, "name": ...}),
 *                  hashes MD5, SHA-1, SHA-256, SHA-512, size, name, mime_type
 *   malware   SDO  is_family false, sample_refs [file id], name = sample name
 *   indicator SDO  pattern "[file:hashes.'SHA-256' = '<hex>']", pattern_type stix,
 *                  valid_from = created, indicator_types ["malicious-activity"]
 *   relationship   indicator --indicates--> malware
 *
 * SDO ids are random UUIDv4 (getrandom) unless BOS_STIX_DETERMINISTIC: then they are
 * UUIDv5 over the sample's SHA-256 and the object type, so the same sample always gives
 * the same bundle (with timestamps from bos_clock_now_ns, which the CLI pins for golden
 * tests). Output is compact JSON with a trailing newline, keys in a fixed order.
 */
#include <stddef.h>
#include <stdint.h>

#include "bos/buf.h"
#include "bos/err.h"
#include "bos/sample.h"

enum bos_stix_flags {
	BOS_STIX_DETERMINISTIC = 1u << 0,	/* derived ids instead of random ones */
	BOS_STIX_PRETTY = 1u << 1,		/* indented output */
};

/* The STIX 2.1 namespace for deterministic SCO ids (spec §2.9). */
extern const uint8_t bos_stix_sco_namespace[16];

/* "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" (37 bytes with NUL) from SHA-1(ns || name). */
void bos_stix_uuid5(char dst[37], const uint8_t ns[16], const void *name, size_t len);
/* A random version-4 UUID from getrandom(2). Fails only if the kernel has no entropy API. */
int bos_stix_uuid4(char dst[37], struct bos_err *err);
/* "file--<uuid5>" for the sample (dst at least 48 bytes). */
void bos_stix_file_id(char *dst, size_t len, const struct bos_sample *s);

/* Append the bundle for sample s to out. Timestamps are bos_clock_now_ns(). */
int bos_stix_sample_bundle(struct bos_buf *out, const struct bos_sample *s, unsigned flags,
			   struct bos_err *err);

#endif
