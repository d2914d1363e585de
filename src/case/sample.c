/*
 * Sample identity (bos/sample.h): one streaming pass over the file through four OpenSSL
 * EVP digests (OpenSSL 3 EVP_DigestInit_ex/Update/Final, man EVP_DigestInit(3)) and one
 * libmagic lookup (libmagic(3), MAGIC_MIME_TYPE) over the first chunk.
 *
 * Why O_NONBLOCK + fstat first: open(2) of a FIFO without O_NONBLOCK waits for a writer,
 * which would hang `bos stix` on a hostile path; with it the open returns at once and
 * fstat rejects everything that is not a regular file before a byte is read. The size is
 * re-checked against what was read so a file that grows or shrinks during hashing is an
 * error rather than a silently inconsistent identity.
 */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bos/escape.h"
#include "bos/limits.h"
#include "bos/sample.h"
#include "case_int.h"

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "is a directory";
	if (S_ISFIFO(m))
		return "not a regular file: fifo";
	if (S_ISCHR(m))
		return "not a regular file: character device";
	if (S_ISBLK(m))
		return "not a regular file: block device";
	if (S_ISSOCK(m))
		return "not a regular file: socket";
	return "not a regular file";
}

/* libmagic is slow to load (~10 ms) and its database is immutable: load once. Not thread
 * safe, like the rest of the CLI's start-up; bos identifies samples from one thread. */
static magic_t magic_handle(void)
{
	static magic_t m;
	static bool tried;

	if (!tried) {
		tried = true;
		m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
		if (m && magic_load(m, NULL) != 0) {
			magic_close(m);
			m = NULL;
		}
	}
	return m;
}

static void set_mime(void *arg, const void *buf, size_t n)
{
	struct bos_sample *s = arg;
	magic_t m = magic_handle();
	const char *t = m ? magic_buffer(m, buf, n) : NULL;

	if (t)
		snprintf(s->mime, sizeof(s->mime), "%s", t);
}

int bos_sample_identify(const char *path, struct bos_sample *out, struct bos_err *err)
{
	static const char *const names[4] = { "MD5", "SHA1", "SHA256", "SHA512" };
	uint8_t *digests[4] = { out->md5, out->sha1, out->sha256, out->sha512 };
	EVP_MD_CTX *ctx[4] = { NULL, NULL, NULL, NULL };
	char shown[256];
	const char *base;
	uint64_t total = 0;
	struct stat st;
	int fd = -1, ret = 0;

	memset(out, 0, sizeof(*out));
	bos_escape_str(shown, sizeof(shown), path);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = bos_case_err_errno(err, errno, "%s", shown);
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		ret = bos_case_err_errno(err, errno, "%s: fstat", shown);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = bos_err_set(err, -BOS_EINPUT, "%s: %s", shown, file_kind(st.st_mode));
		goto out;
	}
	for (int i = 0; i < 4; i++) {
		ctx[i] = EVP_MD_CTX_new();
		if (!ctx[i] || !EVP_DigestInit_ex(ctx[i], EVP_get_digestbyname(names[i]), NULL)) {
			ret = bos_err_set(err, -BOS_ENOTIMPL, "%s: OpenSSL has no %s digest", shown,
					  names[i]);
			goto out;
		}
	}
	ret = case_digest_fd(fd, ctx, 4, set_mime, out, &total, err);
	if (ret < 0) {
		bos_err_prefix(err, "%s: ", shown);
		goto out;
	}
	if (total == 0)
		set_mime(out, "", 0);
	if (total != (uint64_t)st.st_size) {
		ret = bos_err_set(err, -BOS_EINPUT,
				  "%s: size changed while reading (%llu, then %llu)",
				  shown, (unsigned long long)st.st_size, (unsigned long long)total);
		goto out;
	}
	for (int i = 0; i < 4; i++)
		EVP_DigestFinal_ex(ctx[i], digests[i], NULL);
	out->size = total;
	case_hex(out->md5_hex, out->md5, sizeof(out->md5));
	case_hex(out->sha1_hex, out->sha1, sizeof(out->sha1));
	case_hex(out->sha256_hex, out->sha256, sizeof(out->sha256));
	case_hex(out->sha512_hex, out->sha512, sizeof(out->sha512));
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(out->name, sizeof(out->name), "%s", base);
out:
	for (int i = 0; i < 4; i++)
		EVP_MD_CTX_free(ctx[i]);
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		memset(out, 0, sizeof(*out));
	return ret;
}
