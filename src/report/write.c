/*
 * Atomic file output for report.html and the exports: a reader never sees half a file,
 * and an interrupted run leaves the previous file (or none), never a torn one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bos/report.h"

int bos_report_write_file(const char *path, const void *data, size_t len, struct bos_err *err)
{
	struct bos_buf tmp = BOS_BUF_INIT;
	const char *p = data;
	int fd, ret = 0;

	bos_buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid());
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = bos_err_sys(err, "create %s", tmp.data);
		goto out;
	}
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = bos_err_sys(err, "write %s", tmp.data);
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!ret && fsync(fd))
		ret = bos_err_sys(err, "fsync %s", tmp.data);
	if (close(fd) && !ret)
		ret = bos_err_sys(err, "close %s", tmp.data);
	if (!ret && rename(tmp.data, path))
		ret = bos_err_sys(err, "rename to %s", path);
	if (ret)
		unlink(tmp.data);
out:
	bos_buf_release(&tmp);
	return ret;
}
