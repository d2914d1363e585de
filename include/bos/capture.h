#ifndef BOS_CAPTURE_H
#define BOS_CAPTURE_H
/*
 * Capture file reader: pcap (both byte orders, micro- and nanosecond timestamps) and
 * pcapng (several sections, several interfaces, EPB/SPB/OPB packet blocks), over a file
 * (read(2) into one bounded buffer: memory does not grow with the file) or over a memory
 * buffer (fuzzing, tests). libpcap is the reference reader: tests/e2e/net_reader_vs_libpcap.sh
 * checks that both return the same frames on every corpus file.
 *
 * Hostile files: every length is validated before it is used (caps in bos/limits.h). A
 * damaged record ends the file: bos_capture_next returns < 0 with a message naming the
 * file, the record number (1-based) and the byte offset; every earlier frame was already
 * returned, so the caller can still analyse and write them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/err.h"

struct bos_capture;

enum bos_capture_format {
	BOS_CAPTURE_PCAP,
	BOS_CAPTURE_PCAPNG,
};

/* One frame, a view into the reader's buffer valid until the next call. */
struct bos_frame {
	int64_t ts_ns; /* Unix time, nanoseconds */
	const uint8_t *data;
	uint32_t caplen;   /* bytes in data */
	uint32_t wirelen;  /* length on the wire */
	uint32_t linktype; /* LINKTYPE_* of the frame's interface */
	uint32_t ifindex;  /* pcapng interface id (within its section); pcap: 0 */
	uint64_t frame;	   /* 1-based frame number in the file (Wireshark's) */
	uint64_t record;   /* 1-based record (block) number in the file */
	uint64_t offset;   /* byte offset of the record in the file */
};

/* Open a file. On error returns < 0 and fills err ("x.pcap: not a pcap or pcapng file"). */
int bos_capture_open(struct bos_capture **out, const char *path, struct bos_err *err);
/* Read from memory (borrowed: data must outlive the reader); name is used in messages. */
int bos_capture_open_mem(struct bos_capture **out, const void *data, size_t len, const char *name,
			 struct bos_err *err);
/*
 * Next frame: 1 and *f filled, 0 at a clean end of file, < 0 on damage or I/O error (err
 * names file, record and offset; later calls return 0). Non-packet pcapng blocks are
 * skipped internally.
 */
int bos_capture_next(struct bos_capture *c, struct bos_frame *f, struct bos_err *err);
void bos_capture_free(struct bos_capture *c);

enum bos_capture_format bos_capture_format(const struct bos_capture *c);
/* Link type of the first interface (pcap: the file's); 0 if none seen yet. */
uint32_t bos_capture_linktype(const struct bos_capture *c);
/* Bytes consumed so far (progress display). */
uint64_t bos_capture_offset(const struct bos_capture *c);

#endif
