/*
 * pcapng files (draft-ietf-opsawg-pcapng). Every block:
 *
 *   type u32 | total_length u32 | body ... (padded to 4) | total_length u32
 *
 *   SHB 0x0a0d0d0a  byte-order magic 0x1a2b3c4d | major u16 (1) | minor u16 | section len i64
 *   IDB 1           linktype u16 | reserved u16 | snaplen u32 | options (if_tsresol 9,
 *                   if_tsoffset 14)
 *   EPB 6           if_id u32 | ts_hi u32 | ts_lo u32 | caplen u32 | origlen u32 | data
 *   SPB 3           origlen u32 | data (interface 0, no timestamp)
 *   OPB 2           if_id u16 | drops u16 | ts_hi | ts_lo | caplen | len | data (obsolete)
 *
 * A new SHB starts a section: byte order and interfaces are reset. Other blocks (NRB, ISB,
 * DSB, custom) are skipped whole. Lengths are checked against the block before use.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "bos/cur.h"
#include "bos/limits.h"
#include "capture_int.h"

#define NG_SHB 0x0a0d0d0au
#define NG_IDB 1u
#define NG_OPB 2u
#define NG_SPB 3u
#define NG_EPB 6u

/* Read a block's type and length; for an SHB first learn the section's byte order. */
static int block_head(struct bos_capture *c, uint32_t *type, uint32_t *blen, uint64_t off,
		      struct bos_err *err)
{
	const uint8_t *p;
	int r = cap_fill(c, 12, err);

	if (r < 0)
		return r;
	if (r == 0) {
		size_t have = c->len - c->pos;

		if (have == 0)
			return 0;
		return cap_damage(c, off, err, "truncated block header (%zu bytes)", have);
	}
	p = c->buf + c->pos;
	if (p[0] == 0x0a && p[1] == 0x0d && p[2] == 0x0d && p[3] == 0x0a) {
		uint32_t bom =
		    (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];

		if (bom == 0x1a2b3c4du)
			c->swap = true;
		else if (bom == 0x4d3c2b1au)
			c->swap = false;
		else
			return cap_damage(c, off, err, "section header with bad byte-order magic");
	} else if (!c->seen_shb) {
		return cap_damage(c, off, err, "pcapng file does not start with a section header");
	}
	*type = cap_u32(c, p);
	*blen = cap_u32(c, p + 4);
	if (*blen < 12 || *blen % 4 != 0)
		return cap_damage(c, off, err, "bad block length %" PRIu32, *blen);
	if (*blen > BOS_CAPTURE_MAX_BLOCK)
		return cap_damage(c, off, err, "block length %" PRIu32 " exceeds the maximum %u",
				  *blen, BOS_CAPTURE_MAX_BLOCK);
	r = cap_fill(c, *blen, err);
	if (r < 0)
		return r;
	if (r == 0)
		return cap_damage(c, off, err, "truncated block (%zu of %" PRIu32 " bytes)",
				  c->len - c->pos, *blen);
	if (cap_u32(c, c->buf + c->pos + *blen - 4) != *blen)
		return cap_damage(c, off, err, "block total length in header and trailer differ");
	return 1;
}

static int on_shb(struct bos_capture *c, const uint8_t *body, size_t len, uint64_t off,
		  struct bos_err *err)
{
	uint16_t major, minor;

	if (len < 16)
		return cap_damage(c, off, err, "section header too short");
	major = cap_u16(c, body + 4);
	minor = cap_u16(c, body + 6);
	if (major != 1)
		return cap_damage(c, off, err, "unsupported pcapng version %u.%u", major, minor);
	c->seen_shb = true;
	c->n_ifs = 0;
	return 0;
}

/* Units per second from an if_tsresol byte: 10^v, or 2^v with the top bit set. */
static bool tsresol_units(uint8_t v, uint64_t *units)
{
	uint64_t u = 1;

	if (v & 0x80) {
		if ((v & 0x7f) > 63)
			return false;
		*units = (uint64_t)1 << (v & 0x7f);
		return true;
	}
	if (v > 19)
		return false;
	for (uint8_t i = 0; i < v; i++)
		u *= 10;
	*units = u;
	return true;
}

static int on_idb(struct bos_capture *c, const uint8_t *body, size_t len, uint64_t off,
		  struct bos_err *err)
{
	struct cap_iface ifc = {.units = 1000000};
	struct bos_cur cur = bos_cur_make(body, len);

	if (len < 8)
		return cap_damage(c, off, err, "interface description too short");
	ifc.linktype = cap_u16(c, body);
	ifc.snaplen = cap_u32(c, body + 4);
	bos_cur_skip(&cur, 8);
	/* Options: code u16 | length u16 | value padded to 4; opt_endofopt (0) ends them. */
	while (bos_cur_left(&cur) >= 4) {
		uint16_t code = cap_u16(c, cur.p);
		uint16_t olen = cap_u16(c, cur.p + 2);
		struct bos_cur v;

		bos_cur_skip(&cur, 4);
		if (code == 0)
			break;
		v = bos_cur_sub(&cur, olen);
		bos_cur_skip(&cur, (size_t)((4u - olen % 4u) % 4u));
		if (!bos_cur_ok(&v))
			return cap_damage(c, off, err, "interface option %u runs past the block",
					  code);
		if (code == 9 && olen >= 1) {
			if (!tsresol_units(v.p[0], &ifc.units))
				return cap_damage(c, off, err, "bad if_tsresol 0x%02x", v.p[0]);
		} else if (code == 14 && olen == 8) {
			uint32_t a = cap_u32(c, v.p), b = cap_u32(c, v.p + 4);
			uint64_t o = c->swap ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;

			ifc.offset_s = (int64_t)o;
		}
	}
	if (c->n_ifs >= BOS_CAPTURE_MAX_IFACES)
		return cap_damage(c, off, err, "more than %u interfaces in a section",
				  BOS_CAPTURE_MAX_IFACES);
	if (c->n_ifs == c->cap_ifs) {
		size_t n = c->cap_ifs ? c->cap_ifs * 2 : 4;
		struct cap_iface *ni = realloc(c->ifs, n * sizeof(*ni));

		if (!ni)
			return bos_err_set(err, -ENOMEM, "%s: interfaces", c->name);
		c->ifs = ni;
		c->cap_ifs = n;
	}
	c->ifs[c->n_ifs++] = ifc;
	return 0;
}

/* Timestamps are clamped to [0, 2^62] ns (year 2116): hostile resolutions and offsets
 * must not overflow the arithmetic downstream (durations, expiry times). */
#define TS_MAX_NS ((int64_t)1 << 62)

static int64_t ts_to_ns(const struct cap_iface *ifc, uint64_t ts)
{
	uint64_t sec = ts / ifc->units, frac = ts % ifc->units, ns;
	int64_t off = ifc->offset_s, v;

	if (ifc->units <= 1000000000u)
		ns =
		    frac * (1000000000u / ifc->units) +
		    (1000000000u % ifc->units ? frac * (1000000000u % ifc->units) / ifc->units : 0);
	else
		ns = frac / (ifc->units / 1000000000u);
	if (sec > (uint64_t)(TS_MAX_NS / 1000000000))
		return TS_MAX_NS;
	if (off > (int64_t)1 << 32)
		off = (int64_t)1 << 32;
	if (off < -((int64_t)1 << 32))
		off = -((int64_t)1 << 32);
	v = (int64_t)sec * 1000000000 + (int64_t)ns + off * 1000000000;
	return v < 0 ? 0 : v > TS_MAX_NS ? TS_MAX_NS : v;
}

int cap_pcapng_open(struct bos_capture *c, struct bos_err *err)
{
	uint32_t type = 0, blen = 0;
	int r;

	c->record = 1;
	r = block_head(c, &type, &blen, 0, err);
	if (r == 0)
		return bos_err_set(err, -BOS_EINPUT, "%s: empty pcapng file", c->name);
	if (r < 0) {
		/* A file that is damaged at its very first block is not opened at all. */
		return r;
	}
	r = on_shb(c, c->buf + c->pos + 8, blen - 12, 0, err);
	if (r < 0)
		return r;
	c->pos += blen;
	return 0;
}

int cap_pcapng_next(struct bos_capture *c, struct bos_frame *f, struct bos_err *err)
{
	for (;;) {
		uint64_t off = c->base + c->pos;
		uint32_t type = 0, blen = 0, ifid, caplen, wirelen, max;
		const uint8_t *b;
		size_t blen_body;
		uint64_t ts;
		int r;

		c->record++;
		r = block_head(c, &type, &blen, off, err);
		if (r <= 0) {
			c->done = true;
			return r;
		}
		b = c->buf + c->pos + 8;
		blen_body = blen - 12;
		switch (type) {
		case NG_SHB:
			r = on_shb(c, b, blen_body, off, err);
			break;
		case NG_IDB:
			r = on_idb(c, b, blen_body, off, err);
			break;
		case NG_EPB:
		case NG_OPB:
			if (blen_body < 20)
				return cap_damage(c, off, err, "packet block too short");
			if (type == NG_EPB)
				ifid = cap_u32(c, b);
			else
				ifid = cap_u16(c, b);
			ts = (uint64_t)cap_u32(c, b + 4) << 32 | cap_u32(c, b + 8);
			caplen = cap_u32(c, b + 12);
			wirelen = cap_u32(c, b + 16);
			if (ifid >= c->n_ifs)
				return cap_damage(c, off, err,
						  "packet for undeclared interface %" PRIu32, ifid);
			if (caplen > blen_body - 20 || caplen > BOS_CAPTURE_MAX_CAPLEN)
				return cap_damage(c, off, err,
						  "capture length %" PRIu32 " exceeds its block",
						  caplen);
			*f = (struct bos_frame){
			    .ts_ns = ts_to_ns(&c->ifs[ifid], ts),
			    .data = b + 20,
			    .caplen = caplen,
			    .wirelen = wirelen,
			    .linktype = c->ifs[ifid].linktype,
			    .ifindex = ifid,
			    .frame = ++c->frames,
			    .record = c->record,
			    .offset = off,
			};
			c->pos += blen;
			return 1;
		case NG_SPB:
			if (blen_body < 4)
				return cap_damage(c, off, err, "simple packet block too short");
			if (c->n_ifs == 0)
				return cap_damage(c, off, err,
						  "simple packet block without interface");
			wirelen = cap_u32(c, b);
			max = (uint32_t)(blen_body - 4);
			caplen = wirelen < max ? wirelen : max;
			if (c->ifs[0].snaplen && caplen > c->ifs[0].snaplen)
				caplen = c->ifs[0].snaplen;
			if (caplen > BOS_CAPTURE_MAX_CAPLEN)
				return cap_damage(c, off, err,
						  "capture length %" PRIu32 " too large", caplen);
			*f = (struct bos_frame){
			    .ts_ns = 0,
			    .data = b + 4,
			    .caplen = caplen,
			    .wirelen = wirelen,
			    .linktype = c->ifs[0].linktype,
			    .frame = ++c->frames,
			    .record = c->record,
			    .offset = off,
			};
			c->pos += blen;
			return 1;
		default:
			r = 0;
			break;
		}
		if (r < 0) {
			c->done = true;
			return r;
		}
		c->pos += blen;
	}
}
