/*
 * TLS for the simulated internet (OpenSSL 3): the sinkhole and the profile's HTTPS services
 * complete a handshake with whatever the sample asks for, like INetSim and FakeNet-NG.
 *
 * One P-256 key is generated per run (fast, unlike RSA); a certificate is made per SNI name
 * on first use, self-signed, CN and subjectAltName = that name, valid from a day ago for a
 * year. The cache is capped (BOS_INET_MAX_CERTS); beyond it the default certificate is
 * served. The security level is 0 so that old clients in old malware still get through:
 * this server protects nothing, its job is to complete the handshake.
 */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bos/buf.h"
#include "bos/limits.h"
#include "inet_int.h"

#define TLS_DEFAULT_CN "bos-sinkhole"

struct tls_cert {
	char name[256];
	X509 *x509;
};

struct inet_tls {
	SSL_CTX *ctx;
	EVP_PKEY *key;
	struct tls_cert certs[BOS_INET_MAX_CERTS];	/* [0] is the default */
	size_t n_certs;
};

static X509 *make_cert(EVP_PKEY *key, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext = NULL;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	char san[300];
	X509V3_CTX v3;

	if (!x)
		return NULL;
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;		/* positive */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		goto fail;
	if (!X509_set_version(x, 2) || !X509_gmtime_adj(X509_getm_notBefore(x), -86400) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400) || !X509_set_pubkey(x, key))
		goto fail;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
					-1, 0) ||
	    !X509_set_issuer_name(x, name))
		goto fail;
	snprintf(san, sizeof(san), "DNS:%s", cn);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
	if (!ext || !X509_add_ext(x, ext, -1))
		goto fail;
	if (!X509_sign(x, key, EVP_sha256()))
		goto fail;
	X509_EXTENSION_free(ext);
	BN_free(bn);
	return x;
fail:
	X509_EXTENSION_free(ext);
	BN_free(bn);
	X509_free(x);
	return NULL;
}

/* Only hostname bytes go into a certificate; anything else gets the default one. */
static bool sane_sni(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.' || s[i] == '_'))
			return false;
	return true;
}

static X509 *cert_for(struct inet_tls *t, const char *sni)
{
	size_t i;
	X509 *x;

	if (!sni || !sane_sni(sni))
		return t->certs[0].x509;
	for (i = 0; i < t->n_certs; i++)
		if (!strcasecmp(t->certs[i].name, sni))
			return t->certs[i].x509;
	if (t->n_certs == BOS_ARRAY_SIZE(t->certs))
		return t->certs[0].x509;
	x = make_cert(t->key, sni);
	if (!x)
		return t->certs[0].x509;
	snprintf(t->certs[t->n_certs].name, sizeof(t->certs[0].name), "%s", sni);
	t->certs[t->n_certs++].x509 = x;
	return x;
}

static int on_servername(SSL *ssl, int *alert, void *arg)
{
	struct inet_tls *t = arg;
	const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	(void)alert;
	if (SSL_use_certificate(ssl, cert_for(t, sni)) != 1 || SSL_use_PrivateKey(ssl, t->key) != 1)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	return SSL_TLSEXT_ERR_OK;
}

static int ssl_fail(struct bos_err *err, const char *what)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	ERR_clear_error();
	return bos_err_set(err, -BOS_EINPUT, "tls: %s: %s", what, buf);
}

int inet_tls_new(const char *dir, struct inet_tls **out, struct bos_err *err)
{
	struct inet_tls *t = calloc(1, sizeof(*t));
	struct bos_buf path = BOS_BUF_INIT;
	FILE *f;
	int ret = 0;

	*out = NULL;
	if (!t)
		BOS_BUG("out of memory");
	t->key = EVP_EC_gen("P-256");
	if (!t->key) {
		ret = ssl_fail(err, "key generation");
		goto out;
	}
	t->certs[0].x509 = make_cert(t->key, TLS_DEFAULT_CN);
	if (!t->certs[0].x509) {
		ret = ssl_fail(err, "certificate");
		goto out;
	}
	snprintf(t->certs[0].name, sizeof(t->certs[0].name), "%s", TLS_DEFAULT_CN);
	t->n_certs = 1;
	t->ctx = SSL_CTX_new(TLS_server_method());
	if (!t->ctx) {
		ret = ssl_fail(err, "SSL_CTX_new");
		goto out;
	}
	SSL_CTX_set_security_level(t->ctx, 0);
	SSL_CTX_set_min_proto_version(t->ctx, 0);
	SSL_CTX_set_cipher_list(t->ctx, "ALL:@SECLEVEL=0");
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_TICKET);
	if (SSL_CTX_use_certificate(t->ctx, t->certs[0].x509) != 1 ||
	    SSL_CTX_use_PrivateKey(t->ctx, t->key) != 1) {
		ret = ssl_fail(err, "default certificate");
		goto out;
	}
	SSL_CTX_set_tlsext_servername_callback(t->ctx, on_servername);
	SSL_CTX_set_tlsext_servername_arg(t->ctx, t);
	if (dir) {
		bos_buf_addf(&path, "%s/tls-cert.pem", dir);
		f = fopen(path.data, "we");
		if (!f) {
			ret = bos_err_sys(err, "tls: %s", path.data);
			goto out;
		}
		if (PEM_write_X509(f, t->certs[0].x509) != 1) {
			fclose(f);
			ERR_clear_error();
			ret = bos_err_set(err, -EIO, "tls: %s: writing the certificate failed",
					  path.data);
			goto out;
		}
		if (fclose(f) != 0) {
			ret = bos_err_sys(err, "tls: %s", path.data);
			goto out;
		}
	}
	*out = t;
	t = NULL;
out:
	bos_buf_release(&path);
	inet_tls_free(t);
	return ret;
}

void inet_tls_free(struct inet_tls *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n_certs; i++)
		X509_free(t->certs[i].x509);
	SSL_CTX_free(t->ctx);
	EVP_PKEY_free(t->key);
	free(t);
}

struct ssl_st *inet_tls_accept(struct inet_tls *t, int fd)
{
	SSL *ssl = SSL_new(t->ctx);

	if (!ssl)
		return NULL;
	if (SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	SSL_set_accept_state(ssl);
	return ssl;
}

const char *inet_tls_sni(struct ssl_st *ssl)
{
	const char *s = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	return s ? s : "";
}
