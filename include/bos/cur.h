#ifndef BOS_CUR_H
#define BOS_CUR_H
/*
 * The cursor: the only way bos reads untrusted bytes (STYLE.md §6).
 * The error is sticky: after the first failure every read returns 0 and the cursor
 * sits at its end, so a record is read straight through and checked once.
 * Lengths are compared, pointers past `end` are never formed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bos/err.h"

struct bos_cur {
	const uint8_t *p;	/* next unread byte */
	const uint8_t *end;	/* one past the last readable byte */
	enum bos_parse err;	/* first failure wins */
};

static inline struct bos_cur bos_cur_make(const void *data, size_t len)
{
	const uint8_t *p = data;
	return (struct bos_cur){ .p = p, .end = p + len, .err = BOS_PARSE_OK };
}

static inline size_t bos_cur_left(const struct bos_cur *c)
{
	return (size_t)(c->end - c->p);
}

static inline bool bos_cur_ok(const struct bos_cur *c)
{
	return c->err == BOS_PARSE_OK;
}

static inline void bos_cur_fail(struct bos_cur *c, enum bos_parse why)
{
	if (c->err == BOS_PARSE_OK)
		c->err = why;
	c->p = c->end;
}

static inline bool bos_cur_need(struct bos_cur *c, size_t n)
{
	if (c->err == BOS_PARSE_OK && n > bos_cur_left(c))
		bos_cur_fail(c, BOS_PARSE_TRUNCATED);
	return c->err == BOS_PARSE_OK;
}

static inline void bos_cur_skip(struct bos_cur *c, size_t n)
{
	if (bos_cur_need(c, n))
		c->p += n;
}

static inline uint8_t bos_cur_u8(struct bos_cur *c)
{
	uint8_t v = 0;

	if (bos_cur_need(c, 1))
		v = *c->p++;
	return v;
}

static inline uint16_t bos_cur_be16(struct bos_cur *c)
{
	uint16_t v = 0;

	if (bos_cur_need(c, 2)) {
		v = (uint16_t)(c->p[0] << 8 | c->p[1]);
		c->p += 2;
	}
	return v;
}

static inline uint32_t bos_cur_be24(struct bos_cur *c)
{
	uint32_t v = 0;

	if (bos_cur_need(c, 3)) {
		v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
		c->p += 3;
	}
	return v;
}

static inline uint32_t bos_cur_be32(struct bos_cur *c)
{
	uint32_t v = 0;

	if (bos_cur_need(c, 4)) {
		v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
		    c->p[3];
		c->p += 4;
	}
	return v;
}

static inline uint16_t bos_cur_le16(struct bos_cur *c)
{
	uint16_t v = 0;

	if (bos_cur_need(c, 2)) {
		v = (uint16_t)(c->p[1] << 8 | c->p[0]);
		c->p += 2;
	}
	return v;
}

static inline uint32_t bos_cur_le32(struct bos_cur *c)
{
	uint32_t v = 0;

	if (bos_cur_need(c, 4)) {
		v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 |
		    c->p[0];
		c->p += 4;
	}
	return v;
}

static inline uint64_t bos_cur_le64(struct bos_cur *c)
{
	uint64_t lo = bos_cur_le32(c);
	uint64_t hi = bos_cur_le32(c);

	return hi << 32 | lo;
}

/* Copy n bytes out; on failure dst is zeroed. */
static inline void bos_cur_copy(struct bos_cur *c, void *dst, size_t n)
{
	if (bos_cur_need(c, n)) {
		memcpy(dst, c->p, n);
		c->p += n;
	} else {
		memset(dst, 0, n);
	}
}

/* Carve a length-prefixed child. The parent moves past it whatever happens inside. */
static inline struct bos_cur bos_cur_sub(struct bos_cur *c, size_t n)
{
	struct bos_cur s = { .p = c->end, .end = c->end, .err = BOS_PARSE_TRUNCATED };

	if (bos_cur_need(c, n)) {
		s = (struct bos_cur){ .p = c->p, .end = c->p + n, .err = BOS_PARSE_OK };
		c->p += n;
	}
	return s;
}

#endif
