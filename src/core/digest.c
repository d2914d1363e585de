/*
 * One-shot digests of short inputs (see bos/digest.h), OpenSSL 3 EVP (man EVP_DigestInit(3)).
 *
 * EVP_Digest makes and frees an EVP_MD_CTX, and the provider's context inside it, on every
 * call: for the 40 bytes of a Community ID that was half as much work again as SHA-1
 * itself. Each thread instead keeps, per algorithm, a context initialised once, and one
 * working context that each digest starts as a copy of (EVP_MD_CTX_copy_ex). The copy was
 * fewer instructions (callgrind) than EVP_DigestInit_ex2 on a reused context, since
 * OpenSSL 3.0 frees and remakes the provider's context there as well.
 *
 * The algorithms are fetched once: EVP_sha1() and friends make OpenSSL 3 look the
 * implementation up by name on every use ("implicit fetch").
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "bos/digest.h"
#include "bos/err.h"

struct md_thread {
	EVP_MD_CTX *init[BOS_MD__COUNT]; /* initialised, never updated; NULL until first use */
	EVP_MD_CTX *work;		 /* the digest being computed */
};

static const char *const md_names[BOS_MD__COUNT] = {"MD5", "SHA1", "SHA256"};
static EVP_MD *md_algo[BOS_MD__COUNT];
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
/* The key only serves its destructor, which frees a thread's contexts when it exits; the
 * thread-local pointer is the fast way to them. */
static pthread_key_t md_key;
static bool md_key_ok;
static _Thread_local struct md_thread *md_self;

static void md_thread_free(void *p)
{
	struct md_thread *t = p;

	if (!t)
		return;
	for (int i = 0; i < BOS_MD__COUNT; i++)
		EVP_MD_CTX_free(t->init[i]);
	EVP_MD_CTX_free(t->work);
	free(t);
	md_self = NULL;
}

static void md_setup(void)
{
	for (int i = 0; i < BOS_MD__COUNT; i++) {
		md_algo[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
		if (md_algo[i] && EVP_MD_get_size(md_algo[i]) > BOS_MD_MAX_LEN) {
			EVP_MD_free(md_algo[i]);	/* would not fit out[]: treat as missing */
			md_algo[i] = NULL;
		}
	}
	md_key_ok = pthread_key_create(&md_key, md_thread_free) == 0;
}

/* This thread's contexts, made on its first digest; NULL if that failed (out of memory,
 * or no key to free them with): then the caller falls back to EVP_Digest. */
static struct md_thread *md_thread_get(void)
{
	struct md_thread *t = md_self;

	if (t || !md_key_ok)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->work = EVP_MD_CTX_new();
	if (!t->work || pthread_setspecific(md_key, t) != 0) {
		md_thread_free(t);
		return NULL;
	}
	md_self = t;
	return t;
}

/* The initialised context of md in t, made on first use; NULL on failure. */
static const EVP_MD_CTX *md_init_ctx(struct md_thread *t, enum bos_md md)
{
	EVP_MD_CTX *c = t->init[md];

	if (c)
		return c;
	c = EVP_MD_CTX_new();
	if (!c || !EVP_DigestInit_ex2(c, md_algo[md], NULL)) {
		EVP_MD_CTX_free(c);
		return NULL;
	}
	t->init[md] = c;
	return c;
}

size_t bos_md_digest(enum bos_md md, const void *data, size_t len, uint8_t out[BOS_MD_MAX_LEN])
{
	const EVP_MD_CTX *init = NULL;
	struct md_thread *t;
	unsigned int n = 0;
	bool ok;

	BOS_ASSERT((unsigned)md < BOS_MD__COUNT);
	pthread_once(&md_once, md_setup);
	if (!md_algo[md])
		BOS_BUG("OpenSSL digest %s unavailable", md_names[md]);
	t = md_thread_get();
	if (t)
		init = md_init_ctx(t, md);
	if (init)
		ok = EVP_MD_CTX_copy_ex(t->work, init) && EVP_DigestUpdate(t->work, data, len) &&
		     EVP_DigestFinal_ex(t->work, out, &n);
	else
		ok = EVP_Digest(data, len, out, &n, md_algo[md], NULL);
	if (!ok)
		BOS_BUG("OpenSSL digest %s failed", md_names[md]);
	return n;
}
