#ifndef BOS_SAMPLE_H
#define BOS_SAMPLE_H
/*
 * Sample identity: the facts about a sample file that every case and every STIX bundle
 * carries (DESIGN.md §1 part (a)): MD5, SHA-1, SHA-256, SHA-512, size, base name and
 * MIME type. Module: bos_case (src/case/sample.c).
 *
 * The file is opened with O_NONBLOCK (a FIFO never blocks the open) and checked with
 * fstat before any byte is read: only regular files are hashed. It is streamed once
 * through OpenSSL EVP digests in BOS_HASH_CHUNK pieces, so memory use is constant
 * whatever its size; the MIME type comes from libmagic over the first chunk.
 */
#include <stdbool.h>
#include <stdint.h>

#include "bos/err.h"

#define BOS_SAMPLE_NAME_MAX 255	/* NAME_MAX: a base name never exceeds it */
#define BOS_SAMPLE_MIME_MAX 127

struct bos_sample {
	char name[BOS_SAMPLE_NAME_MAX + 1];	/* base name of the path, raw bytes */
	uint64_t size;				/* bytes hashed (== st_size at open) */
	char mime[BOS_SAMPLE_MIME_MAX + 1];	/* "application/x-executable"; "" if unknown */
	uint8_t md5[16];
	uint8_t sha1[20];
	uint8_t sha256[32];
	uint8_t sha512[64];
	/* The same digests as lowercase hex, NUL-terminated. */
	char md5_hex[33];
	char sha1_hex[41];
	char sha256_hex[65];
	char sha512_hex[129];
};

/*
 * Fill *out with the identity of the file at path. Fails (negative code, err says
 * "PATH: reason") for a nonexistent or unreadable file, a directory, a FIFO, a device or
 * socket ("not a regular file: fifo"), a read error, or a file that changed size while
 * being read. *out is fully written on success and zeroed on failure.
 * Never blocks on a FIFO, never follows nothing but the path the caller gave.
 */
int bos_sample_identify(const char *path, struct bos_sample *out, struct bos_err *err);

#endif
