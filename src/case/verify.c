/*
 * bos verify: a case against its manifest.json (bos/case.h, docs/case-format.md).
 *
 * Containment: verify opens the case directory once and from then on only uses openat(2)
 * relative to fds it holds, one path component at a time, each with O_NOFOLLOW (and
 * O_DIRECTORY for intermediate components). A symlink anywhere in a listed path is
 * reported, never followed; a FIFO is opened with O_NONBLOCK and rejected by fstat before
 * any read, so a hostile case can neither make verify read outside it nor hang it.
 * Paths come from the manifest only after bos_manifest_parse validated them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bos/compiler.h"
#include "bos/escape.h"
#include "bos/limits.h"
#include "case_int.h"

struct vctx {
	struct bos_verify_result *res;
	size_t alloc;
};

static void add_problem(struct vctx *v, enum bos_verify_kind kind, const char *path,
			const char *fmt, ...) BOS_PRINTF(4, 5);

static void add_problem(struct vctx *v, enum bos_verify_kind kind, const char *path,
			const char *fmt, ...)
{
	struct bos_verify_result *r = v->res;
	struct bos_verify_problem *p;
	va_list ap;

	if (r->nproblems >= BOS_CASE_MAX_PROBLEMS) {
		r->truncated = true;
		return;
	}
	if (r->nproblems == v->alloc) {
		size_t na = v->alloc ? v->alloc * 2 : 16;
		struct bos_verify_problem *np = realloc(r->problems, na * sizeof(*np));

		if (!np)
			BOS_BUG("out of memory");
		r->problems = np;
		v->alloc = na;
	}
	p = &r->problems[r->nproblems++];
	p->kind = kind;
	p->path = strdup(path);
	if (!p->path)
		BOS_BUG("out of memory");
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
}

/* Check one manifest entry. Problems go into v; only allocation failure is fatal. */
static void check_entry(struct vctx *v, int rootfd, const struct bos_manifest_file *f)
{
	char *path = strdup(f->path), *comp, *next;
	char ebuf[96], hex[65];
	int dfd = dup(rootfd), fd = -1;
	uint8_t sha[32];
	uint64_t size;
	struct stat st;
	struct bos_err err = BOS_ERR_INIT;

	if (!path)
		BOS_BUG("out of memory");
	if (dfd < 0) {
		add_problem(v, BOS_VERIFY_UNREADABLE, f->path, "dup: %s",
			    case_strerror(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	for (comp = path; (next = strchr(comp, '/')); comp = next + 1) {
		int sub;

		*next = '\0';
		if (fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				add_problem(v, BOS_VERIFY_MISSING, f->path,
					    "directory '%s' missing", path);
			else
				add_problem(v, BOS_VERIFY_UNREADABLE, f->path, "%s: %s", path,
					    case_strerror(errno, ebuf, sizeof(ebuf)));
			goto out;
		}
		if (!S_ISDIR(st.st_mode)) {
			add_problem(v, BOS_VERIFY_TYPE, f->path, "'%s' is a %s, not a directory",
				    path, case_mode_str(st.st_mode));
			goto out;
		}
		sub = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			add_problem(v, errno == ELOOP || errno == ENOTDIR ? BOS_VERIFY_TYPE :
				    BOS_VERIFY_UNREADABLE, f->path, "%s: %s", path,
				    case_strerror(errno, ebuf, sizeof(ebuf)));
			goto out;
		}
		close(dfd);
		dfd = sub;
		*next = '/';
	}
	if (fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			add_problem(v, BOS_VERIFY_MISSING, f->path, "missing");
		else
			add_problem(v, BOS_VERIFY_UNREADABLE, f->path, "%s",
				    case_strerror(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		add_problem(v, BOS_VERIFY_TYPE, f->path, "is a %s, not a regular file",
			    case_mode_str(st.st_mode));
		goto out;
	}
	fd = openat(dfd, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		add_problem(v, errno == ELOOP ? BOS_VERIFY_TYPE : BOS_VERIFY_UNREADABLE, f->path,
			    "%s", case_strerror(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	/* Re-check on the fd: the entry may have been swapped since fstatat. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		add_problem(v, BOS_VERIFY_TYPE, f->path, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size != f->size) {
		add_problem(v, BOS_VERIFY_SIZE, f->path, "size %llu, manifest says %llu",
			    (unsigned long long)st.st_size, (unsigned long long)f->size);
		goto out;
	}
	if (bos_case_hash_fd(fd, sha, &size, &err) < 0) {
		add_problem(v, BOS_VERIFY_UNREADABLE, f->path, "%s", err.msg);
		goto out;
	}
	if (size != f->size) {
		add_problem(v, BOS_VERIFY_SIZE, f->path, "read %llu bytes, manifest says %llu",
			    (unsigned long long)size, (unsigned long long)f->size);
		goto out;
	}
	if (memcmp(sha, f->sha256, sizeof(sha))) {
		case_hex(hex, sha, sizeof(sha));
		add_problem(v, BOS_VERIFY_HASH, f->path, "sha256 %.16s..., manifest differs", hex);
		goto out;
	}
	v->res->nchecked++;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	free(path);
}

static int find_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct bos_manifest_file *)elem)->path);
}

const char *const bos_case_derived_files[] = {
	"analysis.json", "report.html", "case.stix.json", "conn.jsonl", "dns.jsonl",
	"http.jsonl", "tls.jsonl", "net_stats.json",
};
const size_t bos_case_n_derived = BOS_ARRAY_SIZE(bos_case_derived_files);

/* Index in bos_case_derived_files of a top-level regular file, or -1. */
static int derived_index(const char *relpath, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return -1;
	for (size_t i = 0; i < bos_case_n_derived; i++)
		if (!strcmp(relpath, bos_case_derived_files[i]))
			return (int)i;
	return -1;
}

static int unexpected_fn(void *ctx, const char *relpath, int parentfd, const char *name,
			 const struct stat *st, struct bos_err *err)
{
	struct vctx *v = ctx;
	const struct bos_manifest *m = &v->res->manifest;
	int d;

	(void)parentfd;
	(void)name;
	(void)err;
	if (bsearch(relpath, m->files, m->nfiles, sizeof(*m->files), find_cmp))
		return 0;
	d = derived_index(relpath, st);
	if (d >= 0)
		v->res->derived |= 1u << d;
	else
		add_problem(v, BOS_VERIFY_UNEXPECTED, relpath, "%s not in the manifest",
			    case_mode_str(st->st_mode));
	return 0;
}

static int problem_cmp(const void *a, const void *b)
{
	const struct bos_verify_problem *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (int)x->kind - (int)y->kind;
}

static int read_manifest(int rootfd, struct bos_buf *out, struct bos_err *err)
{
	struct stat st;
	int fd, ret = 0;

	fd = openat(rootfd, BOS_CASE_MANIFEST,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			return bos_err_set(err, -BOS_EINPUT, "%s: is a symlink (not followed)",
					   BOS_CASE_MANIFEST);
		if (errno == ENOENT)
			return bos_err_set(err, -BOS_EINPUT, "%s: missing: not a case, or an "
					   "interrupted one that was never finished",
					   BOS_CASE_MANIFEST);
		return bos_case_err_errno(err, errno, "%s", BOS_CASE_MANIFEST);
	}
	if (fstat(fd, &st) < 0) {
		ret = bos_case_err_errno(err, errno, "%s: fstat", BOS_CASE_MANIFEST);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = bos_err_set(err, -BOS_EINPUT, "%s: is a %s, not a regular file",
				  BOS_CASE_MANIFEST, case_mode_str(st.st_mode));
		goto out;
	}
	if ((uint64_t)st.st_size > BOS_MANIFEST_MAX_BYTES) {
		ret = bos_err_set(err, -BOS_ELIMIT, "%s: %llu bytes, over the %u-byte cap",
				  BOS_CASE_MANIFEST, (unsigned long long)st.st_size,
				  BOS_MANIFEST_MAX_BYTES);
		goto out;
	}
	bos_buf_grow(out, (size_t)st.st_size + 1);
	for (;;) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = bos_case_err_errno(err, errno, "%s: read", BOS_CASE_MANIFEST);
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > BOS_MANIFEST_MAX_BYTES) {
			ret = bos_err_set(err, -BOS_ELIMIT, "%s: grew over the %u-byte cap",
					  BOS_CASE_MANIFEST, BOS_MANIFEST_MAX_BYTES);
			goto out;
		}
		bos_buf_add(out, chunk, (size_t)n);
	}
out:
	close(fd);
	return ret;
}

int bos_case_verify(const char *case_dir, struct bos_verify_result *res, struct bos_err *err)
{
	struct vctx v = { .res = res };
	struct bos_buf text = BOS_BUF_INIT;
	char shown[256];
	int rootfd, ret;

	memset(res, 0, sizeof(*res));
	bos_escape_str(shown, sizeof(shown), case_dir);
	rootfd = open(case_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return bos_case_err_errno(err, errno, "%s", shown);
	ret = read_manifest(rootfd, &text, err);
	if (ret == 0)
		ret = bos_manifest_parse(&res->manifest, text.data, text.len, err);
	if (ret < 0) {
		/* Only the file's name: a hostile manifest's text stays out of the message
		 * except for escaped fragments bos_manifest_parse chose to show. */
		bos_err_prefix(err, "%s: manifest rejected: ", shown);
		goto out;
	}
	for (size_t i = 0; i < res->manifest.nfiles; i++)
		check_entry(&v, rootfd, &res->manifest.files[i]);
	ret = case_walk(rootfd, unexpected_fn, NULL, &v, err);
	if (ret < 0) {
		bos_err_prefix(err, "%s: ", shown);
		goto out;
	}
	if (res->nproblems > 1)
		qsort(res->problems, res->nproblems, sizeof(*res->problems), problem_cmp);
out:
	close(rootfd);
	bos_buf_release(&text);
	return ret;
}

void bos_verify_result_release(struct bos_verify_result *res)
{
	for (size_t i = 0; i < res->nproblems; i++)
		free(res->problems[i].path);
	free(res->problems);
	bos_manifest_release(&res->manifest);
	memset(res, 0, sizeof(*res));
}

const char *bos_verify_kind_str(enum bos_verify_kind k)
{
	switch (k) {
	case BOS_VERIFY_MISSING:
		return "missing";
	case BOS_VERIFY_SIZE:
		return "changed";
	case BOS_VERIFY_HASH:
		return "changed";
	case BOS_VERIFY_TYPE:
		return "not a regular file";
	case BOS_VERIFY_UNEXPECTED:
		return "unexpected";
	case BOS_VERIFY_UNREADABLE:
		return "unreadable";
	default:
		return "problem";
	}
}
