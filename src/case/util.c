/*
 * Helpers shared by the case writer and verify: path rules, hashing an fd, and a tree walk
 * that never follows a symlink (openat(2) with O_NOFOLLOW | O_DIRECTORY on every level,
 * fstatat(2) with AT_SYMLINK_NOFOLLOW on every entry).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bos/limits.h"
#include "case_int.h"

const char *case_strerror(int errnum, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(errnum));
	/* "Permission denied" -> "permission denied": messages read "bos: stix: x: permission
	 * denied" like the rest of bos's own reasons. Only the ASCII capital is touched. */
	if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

int bos_case_err_errno(struct bos_err *err, int errnum, const char *fmt, ...)
{
	char head[sizeof(err->msg)];
	char reason[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	return bos_err_set(err, -errnum, "%s: %s", head,
			   case_strerror(errnum, reason, sizeof(reason)));
}

void case_hex(char *dst, const uint8_t *src, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		dst[2 * i] = digits[src[i] >> 4];
		dst[2 * i + 1] = digits[src[i] & 15];
	}
	dst[2 * n] = '\0';
}

bool case_path_ok(const char *p, size_t len, const char **why)
{
	size_t start = 0;

	if (len == 0) {
		*why = "empty path";
		return false;
	}
	if (len > BOS_CASE_MAX_PATH) {
		*why = "path too long";
		return false;
	}
	if (memchr(p, '\0', len)) {
		*why = "NUL byte in path";
		return false;
	}
	if (p[0] == '/') {
		*why = "absolute path";
		return false;
	}
	for (size_t i = 0; i <= len; i++) {
		size_t n;

		if (i < len && p[i] != '/')
			continue;
		n = i - start;
		if (n == 0) {
			*why = "empty path component ('//' or trailing '/')";
			return false;
		}
		if (n == 1 && p[start] == '.') {
			*why = "'.' component";
			return false;
		}
		if (n == 2 && p[start] == '.' && p[start + 1] == '.') {
			*why = "'..' component";
			return false;
		}
		start = i + 1;
	}
	if (len == strlen(BOS_CASE_MANIFEST) && !memcmp(p, BOS_CASE_MANIFEST, len)) {
		*why = "names the manifest itself";
		return false;
	}
	return true;
}

int case_digest_fd(int fd, EVP_MD_CTX *const *ctx, size_t n,
		   void (*first_chunk)(void *arg, const void *data, size_t len), void *arg,
		   uint64_t *total, struct bos_err *err)
{
	uint8_t *chunk = malloc(BOS_HASH_CHUNK);
	int ret = 0;

	*total = 0;
	if (!chunk)
		return bos_err_set(err, -ENOMEM, "no memory for the read buffer");
	for (;;) {
		ssize_t got = read(fd, chunk, BOS_HASH_CHUNK);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = bos_case_err_errno(err, errno, "read at offset %llu",
						 (unsigned long long)*total);
			break;
		}
		if (got == 0)
			break;
		if (first_chunk && *total == 0)
			first_chunk(arg, chunk, (size_t)got);
		for (size_t i = 0; i < n; i++)
			EVP_DigestUpdate(ctx[i], chunk, (size_t)got);
		*total += (uint64_t)got;
	}
	free(chunk);
	return ret;
}

int bos_case_hash_fd(int fd, uint8_t sha256[32], uint64_t *size, struct bos_err *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ret;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		ret = bos_err_set(err, -ENOMEM, "sha256: cannot set up the digest");
		goto out;
	}
	ret = case_digest_fd(fd, &ctx, 1, NULL, NULL, size, err);
	if (ret == 0)
		EVP_DigestFinal_ex(ctx, sha256, NULL);
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

const char *case_mode_str(mode_t m)
{
	if (S_ISREG(m))
		return "regular file";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symlink";
	if (S_ISFIFO(m))
		return "fifo";
	if (S_ISCHR(m))
		return "character device";
	if (S_ISBLK(m))
		return "block device";
	if (S_ISSOCK(m))
		return "socket";
	return "unknown file type";
}

struct walk {
	case_walk_fn fn;
	case_walk_dir_fn dir_fn;
	void *ctx;
	size_t entries;
	char path[BOS_CASE_MAX_PATH + 1];
};

static int walk_dir(struct walk *w, int dfd, size_t plen, int depth, struct bos_err *err)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		ret = bos_case_err_errno(err, errno, "%s: opendir", plen ? w->path : ".");
		close(dfd);
		return ret;
	}
	for (;;) {
		struct stat st;
		size_t nlen, newlen;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				ret = bos_case_err_errno(err, errno, "%s: readdir",
							 plen ? w->path : ".");
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (depth == 0 && !strcmp(de->d_name, BOS_CASE_MANIFEST))
			continue;
		if (++w->entries > BOS_CASE_MAX_FILES) {
			ret = bos_err_set(err, -BOS_ELIMIT, "more than %d entries in the case",
					  BOS_CASE_MAX_FILES);
			break;
		}
		nlen = strlen(de->d_name);
		newlen = plen + (plen ? 1 : 0) + nlen;
		if (newlen > BOS_CASE_MAX_PATH) {
			ret = bos_err_set(err, -BOS_ELIMIT, "path longer than %d bytes under '%s'",
					  BOS_CASE_MAX_PATH, plen ? w->path : ".");
			break;
		}
		if (plen)
			w->path[plen] = '/';
		memcpy(w->path + plen + (plen ? 1 : 0), de->d_name, nlen + 1);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = bos_case_err_errno(err, errno, "%s: stat", w->path);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub;

			if (depth + 1 >= BOS_CASE_MAX_DEPTH) {
				ret = bos_err_set(err, -BOS_ELIMIT,
						  "%s: directories nested deeper than %d", w->path,
						  BOS_CASE_MAX_DEPTH);
				break;
			}
			sub = openat(dirfd(d), de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				/* Report as an entry; the callback decides whether it is fatal. */
				ret = w->fn(w->ctx, w->path, dirfd(d), de->d_name, &st, err);
			} else {
				ret = walk_dir(w, sub, newlen, depth + 1, err);
			}
		} else {
			ret = w->fn(w->ctx, w->path, dirfd(d), de->d_name, &st, err);
		}
		w->path[plen] = '\0';
		if (ret < 0)
			break;
	}
	if (ret == 0 && w->dir_fn)
		ret = w->dir_fn(w->ctx, plen ? w->path : ".", dirfd(d), err);
	closedir(d);
	return ret;
}

int case_walk(int rootfd, case_walk_fn fn, case_walk_dir_fn dir_fn, void *ctx,
	      struct bos_err *err)
{
	struct walk *w = calloc(1, sizeof(*w));
	int dfd, ret;

	if (!w)
		return bos_err_set(err, -ENOMEM, "walk: out of memory");
	w->fn = fn;
	w->dir_fn = dir_fn;
	w->ctx = ctx;
	/* Own fd: fdopendir takes ownership and closedir closes it. */
	dfd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = bos_case_err_errno(err, errno, "open case directory");
		free(w);
		return ret;
	}
	ret = walk_dir(w, dfd, 0, 0, err);
	free(w);
	return ret;
}
