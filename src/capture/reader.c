/*
 * Capture file reader front end: one bounded read buffer (or a borrowed memory buffer),
 * format detection by magic, and the damage message shared by pcap.c and pcapng.c.
 *
 * Why an own reader and not pcap_next_ex: the engine needs the record number and byte
 * offset of damage (libpcap's message has neither), must keep every frame before it, and
 * the benchmark (bench/net) shows reading from one large buffer with no per-frame copy is
 * faster than libpcap's. libpcap stays the reference: the cross-check test compares both on
 * every corpus capture.
 *
 * Why read(2) and not mmap: measured on the benchmark's 1 GiB capture (page cache), a
 * reader mapping the file (populated a 4 MiB window ahead with MADV_POPULATE_READ and
 * unmapped behind, or simply faulted in) took 0.26-0.35 s CPU against 0.17 s for read(2)
 * into this buffer: a fault per 64 KiB of file costs more than the kernel's copy, and the
 * copy leaves the next frames in cache where the map makes the parser miss. read(2) also
 * cannot SIGBUS on a file truncated under the reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bos/limits.h"
#include "capture_int.h"

/* cap_fill when the buffer holds fewer than n unread bytes: read more, or say EOF. */
int cap_fill_more(struct bos_capture *c, size_t n, struct bos_err *err)
{
	if (c->len - c->pos >= n)
		return 1;
	if (c->fd < 0 || c->eof)
		return 0;
	if (n > c->cap) {
		size_t ncap = c->cap;
		uint8_t *nb;

		while (ncap < n)
			ncap *= 2;
		nb = realloc(c->buf, ncap);
		if (!nb)
			return bos_err_set(err, -ENOMEM, "%s: read buffer of %zu bytes", c->name,
					   ncap);
		c->buf = nb;
		c->cap = ncap;
	}
	if (c->pos + n > c->cap || c->pos > c->cap / 2) {
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->base += c->pos;
		c->len -= c->pos;
		c->pos = 0;
	}
	while (c->len - c->pos < n) {
		ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return bos_err_sys(err, "%s: read at offset %llu", c->name,
					   (unsigned long long)(c->base + c->len));
		}
		if (r == 0) {
			c->eof = true;
			return 0;
		}
		c->len += (size_t)r;
	}
	return 1;
}

int cap_damage(struct bos_capture *c, uint64_t offset, struct bos_err *err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	c->done = true;
	return bos_err_set(err, -BOS_EINPUT, "%s: record %llu at offset %llu: %s", c->name,
			   (unsigned long long)c->record, (unsigned long long)offset, what);
}

static int detect(struct bos_capture *c, struct bos_err *err)
{
	const uint8_t *p;
	int r = cap_fill(c, 4, err);

	if (r < 0)
		return r;
	if (r == 0) {
		return bos_err_set(err, -BOS_EINPUT, "%s: %zu bytes: too short for a capture file",
				   c->name, c->len - c->pos);
	}
	p = c->buf + c->pos;
	if (p[0] == 0x0a && p[1] == 0x0d && p[2] == 0x0d && p[3] == 0x0a) {
		c->fmt = BOS_CAPTURE_PCAPNG;
		return cap_pcapng_open(c, err);
	}
	c->fmt = BOS_CAPTURE_PCAP;
	return cap_pcap_open(c, err);
}

static struct bos_capture *cap_new(const char *name)
{
	struct bos_capture *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = -1;
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

int bos_capture_open(struct bos_capture **out, const char *path, struct bos_err *err)
{
	struct bos_capture *c = cap_new(path);
	int ret;

	*out = NULL;
	if (!c)
		return bos_err_set(err, -ENOMEM, "%s: reader", path);
	c->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0) {
		ret = bos_err_sys(err, "open %s", path);
		goto out;
	}
	c->cap = BOS_CAPTURE_READ_CHUNK;
	c->buf = malloc(c->cap);
	if (!c->buf) {
		ret = bos_err_set(err, -ENOMEM, "%s: read buffer", path);
		goto out;
	}
	(void)posix_fadvise(c->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	ret = detect(c, err);
	if (ret == 0) {
		*out = c;
		c = NULL;
	}
out:
	bos_capture_free(c);
	return ret;
}

int bos_capture_open_mem(struct bos_capture **out, const void *data, size_t len, const char *name,
			 struct bos_err *err)
{
	struct bos_capture *c = cap_new(name);
	int ret;

	*out = NULL;
	if (!c)
		return bos_err_set(err, -ENOMEM, "%s: reader", name);
	/* The buffer is only read, never written or freed, when fd < 0. */
	c->buf = (uint8_t *)(uintptr_t)data;
	c->len = len;
	c->eof = true;
	ret = detect(c, err);
	if (ret == 0) {
		*out = c;
		c = NULL;
	}
	bos_capture_free(c);
	return ret;
}

int bos_capture_next(struct bos_capture *c, struct bos_frame *f, struct bos_err *err)
{
	if (c->done)
		return 0;
	if (c->fmt == BOS_CAPTURE_PCAPNG)
		return cap_pcapng_next(c, f, err);
	return cap_pcap_next(c, f, err);
}

void bos_capture_free(struct bos_capture *c)
{
	if (!c)
		return;
	if (c->fd >= 0) {
		close(c->fd);
		free(c->buf);
	}
	free(c->ifs);
	free(c);
}

enum bos_capture_format bos_capture_format(const struct bos_capture *c)
{
	return c->fmt;
}

uint32_t bos_capture_linktype(const struct bos_capture *c)
{
	if (c->fmt == BOS_CAPTURE_PCAPNG)
		return c->n_ifs ? c->ifs[0].linktype : 0;
	return c->linktype;
}

uint64_t bos_capture_offset(const struct bos_capture *c)
{
	return c->base + c->pos;
}
