/*
 * Growable buffer (see bos/buf.h). Modelled on git's strbuf: data is never NULL and
 * always NUL-terminated, so it can be handed to C string functions at any time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/err.h"

char bos_buf_empty[1];

void bos_buf_grow(struct bos_buf *b, size_t extra)
{
	size_t want;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		BOS_BUG("buffer size overflow");
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return;
	if (want < b->alloc + b->alloc / 2)
		want = b->alloc + b->alloc / 2;
	if (want < 64)
		want = 64;
	p = realloc(b->alloc ? b->data : NULL, want);
	if (!p)
		BOS_BUG("out of memory growing buffer to %zu bytes", want);
	if (!b->alloc)
		p[0] = '\0';
	b->data = p;
	b->alloc = want;
}

void bos_buf_addstr(struct bos_buf *b, const char *s)
{
	bos_buf_add(b, s, strlen(s));
}

void bos_buf_vaddf(struct bos_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, b->alloc ? b->alloc - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BOS_BUG("vsnprintf failed");
	if (b->alloc && (size_t)n < b->alloc - b->len) {
		b->len += (size_t)n;
		return;
	}
	bos_buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, b->alloc - b->len, fmt, ap);
	b->len += (size_t)n;
}

void bos_buf_addf(struct bos_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bos_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void bos_buf_setlen(struct bos_buf *b, size_t len)
{
	if (len > (b->alloc ? b->alloc - 1 : 0))
		BOS_BUG("bos_buf_setlen beyond allocation");
	b->len = len;
	if (b->alloc)
		b->data[len] = '\0';
}

char *bos_buf_detach(struct bos_buf *b, size_t *len)
{
	char *p;

	if (!b->alloc)
		bos_buf_grow(b, 0);
	p = b->data;
	if (len)
		*len = b->len;
	bos_buf_init(b);
	return p;
}
