#ifndef BOS_BUF_H
#define BOS_BUF_H
/*
 * Growable byte buffer with git strbuf's invariants: `data` is never NULL and always
 * NUL-terminated (embedded NULs allowed); bos_buf_detach is the only way to take the
 * storage out. Allocation failure is treated as fatal (BOS_BUG): bos's buffers are
 * bounded by caps in bos/limits.h, so running out of memory there is not an input error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bos/compiler.h"

struct bos_buf {
	char *data;
	size_t len;
	size_t alloc;	/* 0: data points at a static empty string */
};

#define BOS_BUF_INIT { bos_buf_empty, 0, 0 }
extern char bos_buf_empty[];

/* Inline, as the appenders below: buffers are made and released per flow, per record and
 * per HTTP transaction, most of them never written to: the calls were 0.7 % of bos net. */
static inline void bos_buf_init(struct bos_buf *b)
{
	*b = (struct bos_buf)BOS_BUF_INIT;
}

static inline void bos_buf_release(struct bos_buf *b)
{
	if (b->alloc)
		free(b->data);
	bos_buf_init(b);
}

static inline void bos_buf_reset(struct bos_buf *b)	/* len = 0, keeps storage */
{
	b->len = 0;
	if (b->alloc)
		b->data[0] = '\0';
}

void bos_buf_grow(struct bos_buf *b, size_t extra);
void bos_buf_addstr(struct bos_buf *b, const char *s);
void bos_buf_addf(struct bos_buf *b, const char *fmt, ...) BOS_PRINTF(2, 3);
void bos_buf_vaddf(struct bos_buf *b, const char *fmt, va_list ap) BOS_PRINTF(2, 0);
void bos_buf_setlen(struct bos_buf *b, size_t len);
/* Take the storage (caller frees); b is re-initialised. */
char *bos_buf_detach(struct bos_buf *b, size_t *len);

/*
 * Writers that produce many small pieces (the JSON writer, escapers) reserve room once and
 * store bytes directly: bos_buf_reserve makes room for n more bytes (plus the NUL) and
 * returns where they go; bos_buf_commit then counts the n' <= n bytes written there and
 * restores the NUL. Nothing else may touch b in between.
 */
static inline char *bos_buf_reserve(struct bos_buf *b, size_t n)
{
	if (n >= b->alloc - b->len)	/* also true for the static empty buffer (alloc 0) */
		bos_buf_grow(b, n);
	return b->data + b->len;
}

static inline void bos_buf_commit(struct bos_buf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

/* Inline: these are called per field of every log line; the slow path is bos_buf_grow. */
static inline void bos_buf_add(struct bos_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	memcpy(bos_buf_reserve(b, len), data, len);
	bos_buf_commit(b, len);
}

static inline void bos_buf_addch(struct bos_buf *b, char c)
{
	*bos_buf_reserve(b, 1) = c;
	bos_buf_commit(b, 1);
}

#endif
