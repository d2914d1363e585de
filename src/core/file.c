/*
 * Safe opening of case files and whole-buffer writes (see bos/file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bos/file.h"

int bos_open_regular(const char *path, struct bos_err *err)
{
	struct stat st;
	int fd, flags;

	/* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		if (errno == ELOOP)
			return bos_err_set(err, -BOS_EINPUT, "%s: not a regular file (symlink)",
					   path);
		return bos_err_sys(err, "open %s", path);
	}
	if (fstat(fd, &st) < 0) {
		bos_err_sys(err, "fstat %s", path);
		close(fd);
		return err ? err->code : -EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return bos_err_set(err, -BOS_EINPUT, "%s: not a regular file", path);
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		bos_err_sys(err, "fcntl %s", path);
		close(fd);
		return err ? err->code : -EIO;
	}
	return fd;
}

FILE *bos_fopen_regular(const char *path, int *code, struct bos_err *err)
{
	int fd = bos_open_regular(path, err);
	FILE *f;

	if (fd < 0) {
		*code = fd;
		return NULL;
	}
	f = fdopen(fd, "rb");
	if (!f) {
		*code = bos_err_sys(err, "fdopen %s", path);
		close(fd);
		return NULL;
	}
	*code = 0;
	return f;
}

int bos_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
