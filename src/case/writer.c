/*
 * The case writer (bos/case.h): a temporary directory beside the target, sealed by a
 * manifest and renamed into place.
 *
 * Crash safety follows the usual POSIX recipe (see rename(2), fsync(2)): every file and
 * every directory of the case is fsync'ed, then manifest.json is written and fsync'ed,
 * then the case directory, then it is renamed with renameat2(RENAME_NOREPLACE) (so an
 * existing case is never replaced, even by a race) and the parent directory is fsync'ed.
 * After a crash the case is either under its temporary name (possibly without manifest:
 * an interrupted case, docs/case-format.md says how to recognise it) or complete under
 * its final name; never half-renamed, and nothing is ever deleted.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bos/clock.h"
#include "bos/escape.h"
#include "bos/limits.h"
#include "bos/version.h"
#include "case_int.h"

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		BOS_BUG("out of memory");
	return d;
}

int bos_case_create(struct bos_case **out, const char *final_dir, const struct bos_case_meta *meta,
		    struct bos_err *err)
{
	struct bos_case *c = NULL;
	const char *slash, *base;
	char shown[256];
	struct bos_buf tmp = BOS_BUF_INIT;
	int ret = 0;

	bos_escape_str(shown, sizeof(shown), final_dir ? final_dir : "(null)");
	if (!final_dir || !*final_dir) {
		ret = bos_err_set(err, -BOS_EUSAGE, "case directory name is empty");
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		BOS_BUG("out of memory");
	c->dirfd = -1;
	c->parentfd = -1;
	c->final_dir = xstrdup(final_dir);
	/* Trailing slashes name the same directory: "cases/x/" -> "cases/x". */
	for (size_t n = strlen(c->final_dir); n > 1 && c->final_dir[n - 1] == '/'; n--)
		c->final_dir[n - 1] = '\0';
	slash = strrchr(c->final_dir, '/');
	base = slash ? slash + 1 : c->final_dir;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		ret = bos_err_set(err, -BOS_EUSAGE, "%s: not usable as a case directory name",
				  shown);
		goto out;
	}
	if (!slash)
		c->parent = xstrdup(".");
	else if (slash == c->final_dir)
		c->parent = xstrdup("/");
	else
		c->parent = strndup(c->final_dir, (size_t)(slash - c->final_dir));
	if (!c->parent)
		BOS_BUG("out of memory");
	bos_buf_addf(&tmp, "%s/.%s.partial-XXXXXX", c->parent, base);
	if (!mkdtemp(tmp.data)) {
		ret = bos_case_err_errno(err, errno, "%s: cannot create the temporary directory "
					 "beside it", shown);
		goto out;
	}
	c->tmp_dir = bos_buf_detach(&tmp, NULL);
	c->base = xstrdup(base);
	c->tmp_base = xstrdup(strrchr(c->tmp_dir, '/') + 1);
	/* Renames go through this fd, so a later chdir() of the caller changes nothing. */
	c->parentfd = open(c->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->parentfd < 0) {
		ret = bos_case_err_errno(err, errno, "%s: open", c->parent);
		goto out;
	}
	c->dirfd = open(c->tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0) {
		ret = bos_case_err_errno(err, errno, "%s: open", c->tmp_dir);
		goto out;
	}
	/* mkdtemp makes 0700; a case is read by analysts and tools running as other users,
	 * like its files (0644), so open it up the same way. */
	if (fchmod(c->dirfd, 0755) < 0) {
		ret = bos_case_err_errno(err, errno, "%s: chmod", c->tmp_dir);
		goto out;
	}
	c->id = xstrdup(meta && meta->id ? meta->id : base);
	if (!bos_utf8_valid(c->id, strlen(c->id))) {
		/* case_id must be a JSON string for readers; keep the bytes visible as \xHH. */
		char esc[256];

		bos_escape_str(esc, sizeof(esc), c->id);
		free(c->id);
		c->id = xstrdup(esc);
	}
	c->command = meta && meta->command ? xstrdup(meta->command) : NULL;
	c->start_ns = meta && meta->start_ns ? meta->start_ns : bos_clock_now_ns();
	c->tool_version = xstrdup(BOS_VERSION);
	*out = c;
	c = NULL;
out:
	bos_buf_release(&tmp);
	bos_case_free(c);
	return ret;
}

const char *bos_case_dir(const struct bos_case *c)
{
	return c->tmp_dir;
}

int bos_case_dirfd(const struct bos_case *c)
{
	return c->dirfd;
}

const char *bos_case_id(const struct bos_case *c)
{
	return c->id;
}

const char *bos_case_final_dir(const struct bos_case *c)
{
	return c->done_dir ? c->done_dir : c->tmp_dir;
}

int bos_case_open_file(struct bos_case *c, const char *relname, int flags, struct bos_err *err)
{
	const char *why;
	char shown[256];
	char *path = NULL;
	int dfd = -1, fd = -1;
	char *comp, *next;

	bos_escape_str(shown, sizeof(shown), relname);
	if (c->finished)
		return bos_err_set(err, -EINVAL, "%s: case already finished", shown);
	if (!case_path_ok(relname, strlen(relname), &why))
		return bos_err_set(err, -EINVAL, "%s: not a case file name: %s", shown, why);
	path = xstrdup(relname);
	dfd = dup(c->dirfd);
	if (dfd < 0) {
		fd = bos_case_err_errno(err, errno, "%s: dup", shown);
		goto out;
	}
	/* Walk the components: create missing directories, never follow a symlink. */
	for (comp = path; (next = strchr(comp, '/')); comp = next + 1) {
		int sub;

		*next = '\0';
		if (mkdirat(dfd, comp, 0755) < 0 && errno != EEXIST) {
			fd = bos_case_err_errno(err, errno, "%s: mkdir", shown);
			goto out;
		}
		sub = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			fd = bos_case_err_errno(err, errno, "%s: open directory '%s'", shown, comp);
			goto out;
		}
		close(dfd);
		dfd = sub;
	}
	fd = openat(dfd, comp, flags | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		fd = bos_case_err_errno(err, errno, "%s", shown);
out:
	if (dfd >= 0)
		close(dfd);
	free(path);
	return fd;
}

int bos_case_write_file(struct bos_case *c, const char *relname, const void *data, size_t len,
			struct bos_err *err)
{
	const uint8_t *p = data;
	int fd = bos_case_open_file(c, relname, O_WRONLY | O_CREAT | O_EXCL, err);
	int ret = 0;

	if (fd < 0)
		return fd;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = bos_case_err_errno(err, errno, "%s: write", relname);
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && ret == 0)
		ret = bos_case_err_errno(err, errno, "%s: close", relname);
	return ret;
}

void bos_case_set_sample(struct bos_case *c, const struct bos_sample *s)
{
	c->sample = *s;
	c->have_sample = true;
}

static int set_str(char **dst, const char *val, const char *what, struct bos_err *err)
{
	if (!val)
		return bos_err_set(err, -EINVAL, "case %s: NULL", what);
	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

int bos_case_set_profile(struct bos_case *c, const char *profile_name, struct bos_err *err)
{
	return set_str(&c->profile, profile_name, "profile", err);
}

int bos_case_set_tool_version(struct bos_case *c, const char *version, struct bos_err *err)
{
	return set_str(&c->tool_version, version, "tool version", err);
}

void bos_case_set_start_ns(struct bos_case *c, int64_t unix_ns)
{
	c->start_ns = unix_ns;
}

void bos_case_set_end_ns(struct bos_case *c, int64_t unix_ns)
{
	c->end_ns = unix_ns;
}

static int kv_set(struct case_kvlist *l, const char *what, const char *key, const char *str,
		  int64_t num, struct bos_err *err)
{
	struct case_kv *kv = NULL;

	if (!key || !*key)
		return bos_err_set(err, -EINVAL, "case %s: empty key", what);
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key))
			kv = &l->v[i];
	if (!kv) {
		struct case_kv *nv;

		if (l->n >= BOS_CASE_MAX_KV)
			return bos_err_set(err, -BOS_ELIMIT, "case %s: more than %d entries", what,
					   BOS_CASE_MAX_KV);
		nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
		if (!nv)
			BOS_BUG("out of memory");
		l->v = nv;
		kv = &l->v[l->n++];
		kv->key = xstrdup(key);
		kv->str = NULL;
	}
	free(kv->str);
	kv->str = str ? xstrdup(str) : NULL;
	kv->num = num;
	return 0;
}

int bos_case_setting_str(struct bos_case *c, const char *key, const char *val, struct bos_err *err)
{
	if (!val)
		return bos_err_set(err, -EINVAL, "case setting %s: NULL value", key ? key : "");
	return kv_set(&c->settings, "settings", key, val, 0, err);
}

int bos_case_setting_int(struct bos_case *c, const char *key, int64_t val, struct bos_err *err)
{
	return kv_set(&c->settings, "settings", key, NULL, val, err);
}

int bos_case_outcome_str(struct bos_case *c, const char *key, const char *val, struct bos_err *err)
{
	if (!val)
		return bos_err_set(err, -EINVAL, "case outcome %s: NULL value", key ? key : "");
	return kv_set(&c->outcome, "outcome", key, val, 0, err);
}

int bos_case_outcome_int(struct bos_case *c, const char *key, int64_t val, struct bos_err *err)
{
	return kv_set(&c->outcome, "outcome", key, NULL, val, err);
}

/* ---- finish ---- */

struct collect {
	struct case_file *files;
	size_t n, alloc;
};

static int collect_file(void *ctx, const char *relpath, int parentfd, const char *name,
			const struct stat *st, struct bos_err *err)
{
	struct collect *col = ctx;
	struct case_file *f;
	const char *why = "not valid UTF-8";
	char shown[256];
	int fd, ret;

	/* A sample can name files that end up in the case: escape before quoting. */
	bos_escape_str(shown, sizeof(shown), relpath);
	if (!S_ISREG(st->st_mode))
		return bos_err_set(err, -BOS_EINPUT, "%s: a case holds only regular files, this is "
				   "a %s", shown, case_mode_str(st->st_mode));
	if (!case_path_ok(relpath, strlen(relpath), &why) ||
	    !bos_utf8_valid(relpath, strlen(relpath)))
		return bos_err_set(err, -BOS_EINPUT, "file name not allowed in a case: %s: %s",
				   shown, why);
	fd = openat(parentfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return bos_case_err_errno(err, errno, "%s: open", shown);
	if (col->n == col->alloc) {
		size_t na = col->alloc ? col->alloc * 2 : 16;
		struct case_file *nf = realloc(col->files, na * sizeof(*nf));

		if (!nf)
			BOS_BUG("out of memory");
		col->files = nf;
		col->alloc = na;
	}
	f = &col->files[col->n];
	ret = bos_case_hash_fd(fd, f->sha256, &f->size, err);
	if (ret < 0)
		bos_err_prefix(err, "%s: ", shown);
	else if (fsync(fd) < 0)
		ret = bos_case_err_errno(err, errno, "%s: fsync", shown);
	close(fd);
	if (ret < 0)
		return ret;
	f->path = xstrdup(relpath);
	col->n++;
	return 0;
}

static int sync_dir(void *ctx, const char *relpath, int dfd, struct bos_err *err)
{
	(void)ctx;
	if (fsync(dfd) < 0)
		return bos_case_err_errno(err, errno, "%s: fsync directory", relpath);
	return 0;
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct case_file *)a)->path, ((const struct case_file *)b)->path);
}

static int write_all_fd(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Rename tmp_dir to final_dir, or final_dir-N if taken; never replaces anything. */
static int place_case(struct bos_case *c, struct bos_err *err)
{
	struct bos_buf dst = BOS_BUF_INIT;
	char shown[256];
	int ret = 0;

	for (int i = 0; i < 100; i++) {
		int r;

		bos_buf_reset(&dst);
		bos_buf_addstr(&dst, c->base);
		if (i)
			bos_buf_addf(&dst, "-%d", i);
		r = renameat2(c->parentfd, c->tmp_base, c->parentfd, dst.data, RENAME_NOREPLACE);
		if (r < 0 && errno == EINVAL) {
			/* File system without RENAME_NOREPLACE: check, then rename. rename(2)
			 * would replace an empty directory, so the check is what protects it. */
			struct stat st;

			if (fstatat(c->parentfd, dst.data, &st, AT_SYMLINK_NOFOLLOW) == 0)
				errno = EEXIST;
			else
				r = renameat(c->parentfd, c->tmp_base, c->parentfd, dst.data);
		}
		if (r == 0) {
			struct bos_buf full = BOS_BUF_INIT;

			if (strcmp(c->parent, "."))
				bos_buf_addf(&full, "%s%s", c->parent,
					     strcmp(c->parent, "/") ? "/" : "");
			bos_buf_addstr(&full, dst.data);
			c->done_dir = bos_buf_detach(&full, NULL);
			goto out;
		}
		if (errno != EEXIST && errno != ENOTEMPTY) {
			bos_escape_str(shown, sizeof(shown), dst.data);
			ret = bos_case_err_errno(err, errno, "rename %s to %s", c->tmp_dir, shown);
			goto out;
		}
	}
	bos_escape_str(shown, sizeof(shown), c->final_dir);
	ret = bos_err_set(err, -EEXIST, "%s and %s-1 .. -99 all exist; the case stays in %s",
			  shown, shown, c->tmp_dir);
out:
	bos_buf_release(&dst);
	return ret;
}

int bos_case_finish(struct bos_case *c, bool complete, const char *reason, struct bos_err *err)
{
	struct collect col = { 0 };
	struct bos_buf man = BOS_BUF_INIT;
	int fd = -1, ret = 0;

	if (c->finished)
		return bos_err_set(err, -EINVAL, "case %s: already finished", c->id);
	c->finished = true;
	if (!complete && (!reason || !*reason))
		reason = "incomplete (no reason given)";
	if (complete)
		reason = NULL;
	if (!c->end_ns)
		c->end_ns = bos_clock_now_ns();
	ret = case_walk(c->dirfd, collect_file, sync_dir, &col, err);
	if (ret < 0)
		goto fail;
	if (col.n > 1)
		qsort(col.files, col.n, sizeof(*col.files), file_cmp);
	case_manifest_emit(c, complete, reason, col.files, col.n, &man);
	fd = openat(c->dirfd, BOS_CASE_MANIFEST,
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = bos_case_err_errno(err, errno, "%s", BOS_CASE_MANIFEST);
		goto fail;
	}
	if (write_all_fd(fd, man.data, man.len) < 0 || fsync(fd) < 0) {
		ret = bos_case_err_errno(err, errno, "%s: write", BOS_CASE_MANIFEST);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = bos_case_err_errno(err, errno, "%s: close", BOS_CASE_MANIFEST);
		goto fail;
	}
	fd = -1;
	if (fsync(c->dirfd) < 0) {
		ret = bos_case_err_errno(err, errno, "%s: fsync", c->tmp_dir);
		goto fail;
	}
	ret = place_case(c, err);
	if (ret < 0)
		goto fail;
	if (fsync(c->parentfd) < 0) {
		ret = bos_case_err_errno(err, errno, "%s: fsync", c->parent);
		goto fail;
	}
	goto out;
fail:
	/* Nothing is deleted: say where the recorded files are. */
	bos_err_prefix(err, "finishing case (files kept in %s): ", c->tmp_dir);
out:
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < col.n; i++)
		free(col.files[i].path);
	free(col.files);
	bos_buf_release(&man);
	return ret;
}

static void kv_release(struct case_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].str);
	}
	free(l->v);
}

void bos_case_free(struct bos_case *c)
{
	if (!c)
		return;
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->parentfd >= 0)
		close(c->parentfd);
	free(c->final_dir);
	free(c->base);
	free(c->tmp_base);
	free(c->parent);
	free(c->tmp_dir);
	free(c->done_dir);
	free(c->id);
	free(c->command);
	free(c->profile);
	free(c->tool_version);
	kv_release(&c->settings);
	kv_release(&c->outcome);
	free(c);
}

char *bos_case_default_name(char *dst, size_t len, int64_t unix_ns)
{
	char stamp[32];
	uint16_t r = 0;

	/* The suffix only separates cases started in the same second; if getrandom fails
	 * the low bits of the clock still do that job. */
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint16_t)(unix_ns ^ (unix_ns >> 16) ^ getpid());
	bos_clock_compact(stamp, sizeof(stamp), unix_ns);
	snprintf(dst, len, "case-%s-%04x", stamp, (unsigned)r);
	return dst;
}

/* ---- signals ---- */

static volatile sig_atomic_t caught_signal;

static void on_signal(int signo)
{
	if (!caught_signal)
		caught_signal = signo;
}

int bos_case_catch_signals(struct bos_err *err)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: blocking calls return EINTR */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return bos_case_err_errno(err, errno, "sigaction");
	return 0;
}

int bos_case_caught_signal(void)
{
	return caught_signal;
}

const char *bos_case_signal_reason(int signo)
{
	switch (signo) {
	case SIGINT:
		return "interrupted by SIGINT";
	case SIGTERM:
		return "interrupted by SIGTERM";
	case SIGHUP:
		return "interrupted by SIGHUP";
	default:
		return "interrupted by a signal";
	}
}
