#ifndef BOS_DIGEST_H
#define BOS_DIGEST_H
/*
 * One-shot digests of short inputs (OpenSSL 3 EVP, libcrypto) for the callers that make
 * one per flow or per TLS ClientHello: Community IDs (SHA-1), JA3 (MD5) and JA4 (SHA-256).
 * Streamed digests of files keep their own EVP_MD_CTX (case/, export/).
 */
#include <stddef.h>
#include <stdint.h>

enum bos_md {
	BOS_MD_MD5,
	BOS_MD_SHA1,
	BOS_MD_SHA256,
	BOS_MD__COUNT,
};

/* The largest digest of enum bos_md (SHA-256). */
#define BOS_MD_MAX_LEN 32

/*
 * Digest of len bytes into out; returns its length (16, 20 or 32). Safe from any thread:
 * each thread keeps its own OpenSSL contexts, made on its first call and freed when it
 * exits. A missing algorithm (a broken OpenSSL installation, never input) is a bug.
 */
size_t bos_md_digest(enum bos_md md, const void *data, size_t len, uint8_t out[BOS_MD_MAX_LEN]);

#endif
