/*
 * Classic pcap files (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html):
 *
 *   file header (24)  magic u32 | major u16 | minor u16 | thiszone i32 | sigfigs u32 |
 *                     snaplen u32 | linktype u32 (low 16 bits: LINKTYPE_*; 16-25 reserved)
 *   record (16 + n)   ts_sec u32 | ts_frac u32 (us or ns by magic) | caplen u32 | len u32 | data
 *
 * Magic a1b2c3d4 = microseconds, a1b23c4d = nanoseconds, either byte order. Versions as
 * libpcap accepts them (2.x with x <= 4, and 543.0 from an old AIX bug are refused here too
 * except 2.x). A record with caplen above BOS_CAPTURE_MAX_CAPLEN or cut by EOF ends the file.
 */
#include <inttypes.h>

#include "bos/cur.h"
#include "bos/limits.h"
#include "capture_int.h"

#define PCAP_HDR_LEN 24u
#define PCAP_REC_LEN 16u

int cap_pcap_open(struct bos_capture *c, struct bos_err *err)
{
	struct bos_cur cur;
	uint32_t magic;
	uint16_t major, minor;
	int r = cap_fill(c, PCAP_HDR_LEN, err);

	if (r < 0)
		return r;
	cur = bos_cur_make(c->buf + c->pos, c->len - c->pos);
	magic = bos_cur_le32(&cur);
	switch (magic) {
	case 0xa1b2c3d4u:
		c->swap = false;
		c->nsec = false;
		break;
	case 0xa1b23c4du:
		c->swap = false;
		c->nsec = true;
		break;
	case 0xd4c3b2a1u:
		c->swap = true;
		c->nsec = false;
		break;
	case 0x4d3cb2a1u:
		c->swap = true;
		c->nsec = true;
		break;
	default:
		return bos_err_set(err, -BOS_EINPUT,
				   "%s: not a pcap or pcapng file (magic 0x%08" PRIx32 ")", c->name,
				   magic);
	}
	if (r == 0)
		return bos_err_set(err, -BOS_EINPUT,
				   "%s: truncated pcap file header (%zu of %u bytes)", c->name,
				   c->len - c->pos, PCAP_HDR_LEN);
	major = cap_u16(c, c->buf + c->pos + 4);
	minor = cap_u16(c, c->buf + c->pos + 6);
	if (major != 2 || minor > 4)
		return bos_err_set(err, -BOS_EINPUT, "%s: unsupported pcap version %u.%u", c->name,
				   major, minor);
	c->snaplen = cap_u32(c, c->buf + c->pos + 16);
	c->linktype = cap_u32(c, c->buf + c->pos + 20);
	/* Bits 26-31 give an FCS length (frames keep their FCS); bits 16-25 are reserved:
	 * a value with them set is kept whole, so frames count as an unsupported link type,
	 * as libpcap reports it. */
	c->linktype &= 0x03ffffffu;
	if (c->snaplen == 0 || c->snaplen > BOS_CAPTURE_MAX_CAPLEN)
		c->snaplen = BOS_CAPTURE_MAX_CAPLEN;
	c->pos += PCAP_HDR_LEN;
	return 0;
}

int cap_pcap_next(struct bos_capture *c, struct bos_frame *f, struct bos_err *err)
{
	const uint8_t *h;
	uint64_t off = c->base + c->pos;
	uint32_t sec, frac, caplen, wirelen;
	int r = cap_fill(c, PCAP_REC_LEN, err);

	if (r < 0) {
		c->done = true;
		return r;
	}
	c->record++;
	if (r == 0) {
		size_t have = c->len - c->pos;

		c->done = true;
		if (have == 0)
			return 0;
		return cap_damage(c, off, err, "truncated record header (%zu of %u bytes)", have,
				  PCAP_REC_LEN);
	}
	h = c->buf + c->pos;
	sec = cap_u32(c, h);
	frac = cap_u32(c, h + 4);
	caplen = cap_u32(c, h + 8);
	wirelen = cap_u32(c, h + 12);
	if (caplen > BOS_CAPTURE_MAX_CAPLEN)
		return cap_damage(c, off, err, "capture length %" PRIu32 " exceeds the maximum %u",
				  caplen, BOS_CAPTURE_MAX_CAPLEN);
	r = cap_fill(c, PCAP_REC_LEN + (size_t)caplen, err);
	if (r < 0) {
		c->done = true;
		return r;
	}
	if (r == 0)
		return cap_damage(c, off, err, "truncated record (%zu of %zu bytes)",
				  c->len - c->pos, PCAP_REC_LEN + (size_t)caplen);
	*f = (struct bos_frame){
	    .ts_ns = (int64_t)sec * 1000000000 + (int64_t)frac * (c->nsec ? 1 : 1000),
	    .data = c->buf + c->pos + PCAP_REC_LEN,
	    /* As libpcap: a record longer than the file's snaplen is read whole but
	     * reported cut to the snaplen (it cannot hold more than was captured). */
	    .caplen = caplen > c->snaplen ? c->snaplen : caplen,
	    .wirelen = wirelen,
	    .linktype = c->linktype,
	    .ifindex = 0,
	    .frame = ++c->frames,
	    .record = c->record,
	    .offset = off,
	};
	c->pos += PCAP_REC_LEN + caplen;
	return 1;
}
