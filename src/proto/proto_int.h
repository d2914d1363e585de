#ifndef BOS_PROTO_PROTO_INT_H
#define BOS_PROTO_PROTO_INT_H
/* Helpers shared by the dissectors of src/proto; not part of any public API. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bos/err.h"

/* Allocation failure is fatal, as for bos_buf: every size here is bounded by a cap. */
static inline void *proto_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		BOS_BUG("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

static inline char *proto_xstrndup(const char *s, size_t n)
{
	char *d = proto_xcalloc(n + 1, 1);

	memcpy(d, s, n);
	return d;
}

/* Locale-free ASCII classes (STYLE.md §8: never <ctype.h>). */
static inline uint8_t proto_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

static inline bool proto_is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static inline bool proto_is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Case-insensitive ASCII compare of a (len an) with NUL-terminated b. */
static inline bool proto_ieq(const uint8_t *a, size_t an, const char *b)
{
	size_t bn = strlen(b);

	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (proto_lower(a[i]) != proto_lower((uint8_t)b[i]))
			return false;
	return true;
}

#endif
