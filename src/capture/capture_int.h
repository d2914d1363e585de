#ifndef BOS_CAPTURE_INT_H
#define BOS_CAPTURE_INT_H
/* Internals shared by reader.c, pcap.c and pcapng.c. Not part of the module's API. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/capture.h"
#include "bos/err.h"

struct cap_iface {
	uint32_t linktype;
	uint32_t snaplen;
	uint64_t units;	  /* timestamp units per second */
	int64_t offset_s; /* if_tsoffset */
};

struct bos_capture {
	char name[256];	 /* file name for messages */
	int fd;		 /* -1 when reading memory */
	uint8_t *buf;	 /* owned (file) or borrowed (memory) */
	size_t cap;	 /* allocated size (file) */
	size_t pos, len; /* unread window buf[pos, len) */
	uint64_t base;	 /* file offset of buf[0] */
	bool eof;
	bool done; /* error or end reported: next returns 0 */
	enum bos_capture_format fmt;
	bool swap;	 /* file byte order differs from little endian reads */
	uint64_t record; /* records (blocks) read so far */
	uint64_t frames; /* frames returned so far */
	/* pcap */
	bool nsec;
	uint32_t linktype;
	uint32_t snaplen;
	/* pcapng: interfaces of the current section */
	struct cap_iface *ifs;
	size_t n_ifs, cap_ifs;
	bool seen_shb;
};

int cap_fill_more(struct bos_capture *c, size_t n, struct bos_err *err);

/* Make n unread bytes available at buf[pos]: 1 yes, 0 short (EOF), < 0 I/O error.
 * Inline for the common case, twice per record: the bytes are already in the buffer. */
static inline int cap_fill(struct bos_capture *c, size_t n, struct bos_err *err)
{
	if (c->len - c->pos >= n)
		return 1;
	return cap_fill_more(c, n, err);
}
/* Fail the reader: message "<name>: record N at offset O: <what>". Returns -BOS_EINPUT. */
int cap_damage(struct bos_capture *c, uint64_t offset, struct bos_err *err, const char *fmt, ...)
    BOS_PRINTF(4, 5);

static inline uint32_t cap_u32(const struct bos_capture *c, const uint8_t *p)
{
	if (c->swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint16_t cap_u16(const struct bos_capture *c, const uint8_t *p)
{
	if (c->swap)
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

int cap_pcap_open(struct bos_capture *c, struct bos_err *err);
int cap_pcap_next(struct bos_capture *c, struct bos_frame *f, struct bos_err *err);
int cap_pcapng_open(struct bos_capture *c, struct bos_err *err);
int cap_pcapng_next(struct bos_capture *c, struct bos_frame *f, struct bos_err *err);

#endif
