/* SPDX-License-Identifier: MIT */
/*
 * io/capture.c - pcap and pcapng files, read and written by nfu's own
 * code (nfu/capture.h).
 *
 * The formats are those of the pcap and pcapng drafts of the IETF OPSAWG
 * (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng) and of
 * www.tcpdump.org/linktypes.html for the link headers.
 *
 * Reading goes one record at a time: fill() makes the first n bytes of the
 * record at the current offset readable, from the caller's memory as it is
 * or from the file into a buffer that grows to the largest record seen.
 * Every length is checked against what fill() returned before anything
 * behind it is read, and against NFU_CAP_MAX_RECORD before it is used to
 * allocate, so a broken file fails with a message and never reads or
 * allocates past what it holds.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfu/capture.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_MAGIC_KUZNETZOV 0xa1b2cd34u /* 8 more bytes a record */
#define PCAP_HDR_LEN 24
#define PCAP_REC_LEN 16

#define NG_SHB 0x0a0d0d0au
#define NG_IDB 1u
#define NG_PB 2u /* obsolete packet block */
#define NG_SPB 3u
#define NG_EPB 6u
#define NG_BOM 0x1a2b3c4du

#define NG_OPT_END 0
#define NG_OPT_IF_NAME 2
#define NG_OPT_IF_TSRESOL 9
#define NG_OPT_IF_TSOFFSET 14

/* An interface description of a pcapng section costs memory, a packet
 * block names one with 32 bits: a bound keeps a file from asking for
 * gigabytes with a few bytes per description. */
#define NG_MAX_IFACES 65536u

#define NSEC_PER_SEC 1000000000ull

struct iface {
	uint32_t linktype;
	uint32_t snaplen; /* 0: none */
	uint8_t tsresol;  /* if_tsresol as in the file: bit 7 set, power of 2 */
	uint64_t tsoffset_ns; /* if_tsoffset in ns, modulo 2^64 */
	char *name;       /* if_name, or NULL */
};

enum format { FMT_PCAP, FMT_PCAPNG };

struct nfu_cap_reader {
	char *name; /* for messages */

	/* The input: the caller's memory, or a file read into 'buf'. */
	const uint8_t *mem;
	size_t mem_len;
	FILE *f;
	bool own_f;
	uint8_t *buf;
	size_t cap;  /* allocated in 'buf' */
	size_t have; /* bytes of the current record in 'buf' */

	uint64_t off;       /* file offset of the current record */
	const uint8_t *rec; /* the current record, after fill() */

	enum format fmt;
	bool be; /* the file (pcapng: the section) is big-endian */

	/* pcap */
	bool nsec;
	uint32_t snaplen;
	uint32_t linktype;

	/* pcapng: the interfaces of the current section */
	struct iface *ifaces;
	uint32_t n_ifaces, cap_ifaces;
	uint64_t last_ts; /* for simple packet blocks */

	uint64_t count; /* packets returned */
	/* The record being read, for messages, kept as its parts and
	 * formatted only when a message needs it (formatting it for every
	 * packet cost 14% of a replay). */
	const char *what_name;     /* "packet", a block's name, or a phrase */
	uint64_t what_num;         /* a packet's number, 0: none */
	uint64_t what_off;
	bool what_has_off;
	int failed;     /* once negative, every call returns it */
	struct nfu_error error;
};

static uint16_t get16(const struct nfu_cap_reader *r, const uint8_t *p)
{
	return r->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t get32(const struct nfu_cap_reader *r, const uint8_t *p)
{
	if (r->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get64(const struct nfu_cap_reader *r, const uint8_t *p)
{
	uint64_t a = get32(r, p), b = get32(r, p + 4);

	return r->be ? a << 32 | b : b << 32 | a;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

/* The record being read is 'name' (a phrase, or "packet" with its
 * number 'num' when not 0), at 'off' when 'has_off'. */
static void set_what(struct nfu_cap_reader *r, const char *name, uint64_t num,
		     uint64_t off, bool has_off)
{
	r->what_name = name;
	r->what_num = num;
	r->what_off = off;
	r->what_has_off = has_off;
}

static void what_text(const struct nfu_cap_reader *r, char *buf, size_t len)
{
	buf[0] = 0;
	if (!r->what_name)
		return;
	if (r->what_num && r->what_has_off)
		snprintf(buf, len, "%s %llu at offset %llu", r->what_name,
			 (unsigned long long)r->what_num,
			 (unsigned long long)r->what_off);
	else if (r->what_has_off)
		snprintf(buf, len, "%s at offset %llu", r->what_name,
			 (unsigned long long)r->what_off);
	else
		snprintf(buf, len, "%s", r->what_name);
}

/* Fails the reader with 'rc': "name: what: message". */
static int fail(struct nfu_cap_reader *r, struct nfu_error *err, int rc,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(struct nfu_cap_reader *r, struct nfu_error *err, int rc,
		const char *fmt, ...)
{
	char msg[sizeof(r->error.msg)], what[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	what_text(r, what, sizeof(what));
	if (what[0])
		nfu_error_set(&r->error, r->name, 0, 0, "%s: %s", what, msg);
	else
		nfu_error_set(&r->error, r->name, 0, 0, "%s", msg);
	r->failed = rc;
	if (err)
		*err = r->error;
	return rc;
}

/* The failure of fill(): out of memory or a read error. */
static int fill_fail(struct nfu_cap_reader *r, struct nfu_error *err, long rc)
{
	if (rc == -ENOMEM)
		return fail(r, err, -ENOMEM, "out of memory");
	return fail(r, err, (int)rc, "read error: %s", strerror((int)-rc));
}

/* Makes the first 'n' bytes of the record at r->off readable at r->rec.
 * Returns how many are: 'n', fewer where the input ends, or a negative
 * errno.  Reading the file, bytes already read for this record are kept,
 * so a record is filled by growing calls (header, then the rest).  The
 * buffer grows by doubling as bytes arrive, so a length that the file
 * does not hold costs no more memory than the bytes it does. */
static long fill(struct nfu_cap_reader *r, size_t n)
{
	if (r->mem) {
		size_t left = r->mem_len - r->off;

		r->rec = r->mem + r->off;
		return (long)(n < left ? n : left);
	}
	while (r->have < n) {
		size_t want = n, got;

		if (r->have == r->cap) {
			size_t most = n > 4096 ? n : 4096;
			size_t cap = r->cap ? r->cap * 2 : 4096;
			uint8_t *b;

			if (cap > most)
				cap = most;
			b = realloc(r->buf, cap);
			if (!b)
				return -ENOMEM;
			r->buf = b;
			r->cap = cap;
		}
		if (want > r->cap)
			want = r->cap;
		errno = 0;
		got = fread(r->buf + r->have, 1, want - r->have, r->f);
		r->have += got;
		if (r->have < want) {
			if (ferror(r->f))
				return errno ? -errno : -EIO;
			break; /* the end of the file */
		}
	}
	r->rec = r->buf;
	return (long)(r->have < n ? r->have : n);
}

/* Goes past the current record of 'n' bytes, all of them filled. */
static void advance(struct nfu_cap_reader *r, size_t n)
{
	r->off += n;
	r->have = 0;
}

/* The link header of p->data: ethertype, L3, addresses. */
static void decode_link(struct nfu_cap_pkt *p)
{
	const uint8_t *d = p->data;
	uint32_t n = p->caplen, hdr;

	p->ifindex = 0;
	p->sll_pkttype = NFU_CAP_PKTTYPE_NONE;
	p->ethertype = 0;
	p->l3 = NULL;
	p->l3_len = 0;
	p->src_mac = p->dst_mac = NULL;

	switch (p->linktype) {
	case NFU_LINKTYPE_ETHERNET:
		if (n < 14)
			return;
		p->dst_mac = d;
		p->src_mac = d + 6;
		p->ethertype = be16(d + 12);
		hdr = 14;
		break;
	case NFU_LINKTYPE_RAW:
	case NFU_LINKTYPE_DLT_RAW1:
	case NFU_LINKTYPE_DLT_RAW2:
		if (n < 1)
			return;
		p->ethertype = d[0] >> 4 == 4 ? 0x0800 :
			       d[0] >> 4 == 6 ? 0x86dd : 0;
		hdr = 0;
		break;
	case NFU_LINKTYPE_IPV4:
		p->ethertype = 0x0800;
		hdr = 0;
		break;
	case NFU_LINKTYPE_IPV6:
		p->ethertype = 0x86dd;
		hdr = 0;
		break;
	case NFU_LINKTYPE_LINUX_SLL:
		/* packet type, ARPHRD type, address length, address[8],
		 * protocol: network byte order whatever the file's */
		if (n < 16)
			return;
		p->sll_pkttype = be16(d);
		if (be16(d + 4) == 6)
			p->src_mac = d + 6;
		p->ethertype = be16(d + 14);
		hdr = 16;
		break;
	case NFU_LINKTYPE_LINUX_SLL2:
		/* protocol, reserved, ifindex, ARPHRD type, packet type,
		 * address length, address[8] */
		if (n < 20)
			return;
		p->ethertype = be16(d);
		p->ifindex = be32(d + 4);
		p->sll_pkttype = d[10];
		if (d[11] == 6)
			p->src_mac = d + 12;
		hdr = 20;
		break;
	default:
		return;
	}
	p->l3 = d + hdr;
	p->l3_len = n - hdr;
}

/* The packet of 'caplen' bytes at 'data' into 'p', counted. */
static void emit(struct nfu_cap_reader *r, struct nfu_cap_pkt *p,
		 const uint8_t *data, uint32_t caplen, uint32_t origlen,
		 uint64_t ts_ns, uint32_t linktype)
{
	p->ts_ns = ts_ns;
	p->data = data;
	p->caplen = caplen;
	p->origlen = origlen < caplen ? caplen : origlen;
	p->linktype = linktype;
	p->iface_id = 0;
	p->iface_name = NULL;
	p->index = ++r->count;
	decode_link(p);
}

/* pcap */

static int pcap_header(struct nfu_cap_reader *r, struct nfu_error *err)
{
	const uint8_t *h;
	long n;

	set_what(r, "file header", 0, 0, false);
	n = fill(r, PCAP_HDR_LEN);
	if (n < 0)
		return fill_fail(r, err, n);
	if (n < PCAP_HDR_LEN)
		return fail(r, err, -EINVAL,
			    "truncated: %ld of its %d bytes in the file", n,
			    PCAP_HDR_LEN);
	h = r->rec;
	if (get16(r, h + 4) != 2)
		return fail(r, err, -EINVAL, "pcap version %u.%u is not 2.x",
			    get16(r, h + 4), get16(r, h + 6));
	r->snaplen = get32(r, h + 16);
	/* The upper 16 bits hold the FCS length and reserved bits. */
	r->linktype = get32(r, h + 20) & 0xffff;
	advance(r, PCAP_HDR_LEN);
	return 0;
}

static int pcap_next(struct nfu_cap_reader *r, struct nfu_cap_pkt *p,
		     struct nfu_error *err)
{
	uint32_t sec, frac, caplen, origlen;
	const uint8_t *h;
	uint64_t ts;
	long n;

	set_what(r, "packet", r->count + 1, r->off, true);
	n = fill(r, PCAP_REC_LEN);
	if (n < 0)
		return fill_fail(r, err, n);
	if (n == 0)
		return 0;
	if (n < PCAP_REC_LEN)
		return fail(r, err, -EINVAL,
			    "truncated record header: %ld of its %d bytes in the file",
			    n, PCAP_REC_LEN);
	h = r->rec;
	sec = get32(r, h);
	frac = get32(r, h + 4);
	caplen = get32(r, h + 8);
	origlen = get32(r, h + 12);
	if (r->snaplen && caplen > r->snaplen)
		return fail(r, err, -EINVAL, "caplen %u exceeds snaplen %u",
			    caplen, r->snaplen);
	if (caplen > NFU_CAP_MAX_RECORD)
		return fail(r, err, -EINVAL, "caplen %u exceeds the maximum of %u",
			    caplen, NFU_CAP_MAX_RECORD);
	n = fill(r, PCAP_REC_LEN + caplen);
	if (n < 0)
		return fill_fail(r, err, n);
	if (n < PCAP_REC_LEN + (long)caplen)
		return fail(r, err, -EINVAL,
			    "truncated: %ld of its %u captured bytes in the file",
			    n - PCAP_REC_LEN, caplen);
	ts = sec * NSEC_PER_SEC + (r->nsec ? frac : frac * 1000ull);
	emit(r, p, r->rec + PCAP_REC_LEN, caplen, origlen, ts, r->linktype);
	advance(r, PCAP_REC_LEN + caplen);
	return 1;
}

/* pcapng */

static void free_ifaces(struct nfu_cap_reader *r)
{
	for (uint32_t i = 0; i < r->n_ifaces; i++)
		free(r->ifaces[i].name);
	r->n_ifaces = 0;
}

/* 'ts' in the units of 'ifc' to ns since the epoch.  Out-of-range values
 * wrap modulo 2^64: deterministic, never undefined. */
static uint64_t ng_ts_ns(const struct iface *ifc, uint64_t ts)
{
	static const uint64_t pow10[] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
		10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
		100000000000ull, 1000000000000ull, 10000000000000ull,
		100000000000000ull, 1000000000000000ull, 10000000000000000ull,
		100000000000000000ull, 1000000000000000000ull,
		10000000000000000000ull,
	};
	unsigned int e = ifc->tsresol & 0x7f;
	uint64_t ns;

	if (!(ifc->tsresol & 0x80)) {
		/* units of 10^-e s; e <= 19 (checked at the description) */
		if (e <= 9)
			ns = ts * pow10[9 - e];
		else
			ns = ts / pow10[e - 9];
	} else {
		/* units of 2^-e s, e <= 63: whole seconds, then the fraction
		 * times 10^9 in 96 bits (hi·2^32 + lo) shifted down by e */
		uint64_t sec = ts >> e, frac = ts & ((1ull << e) - 1);

		if (e <= 32) {
			ns = frac * NSEC_PER_SEC >> e;
		} else {
			uint64_t hi = (frac >> 32) * NSEC_PER_SEC;
			uint64_t lo = (frac & 0xffffffffu) * NSEC_PER_SEC;

			ns = (hi + (lo >> 32)) >> (e - 32);
		}
		ns += sec * NSEC_PER_SEC;
	}
	return ns + ifc->tsoffset_ns;
}

static const char *ng_block_name(uint32_t type)
{
	switch (type) {
	case NG_SHB:
		return "section header block";
	case NG_IDB:
		return "interface description block";
	case 4:
		return "name resolution block";
	case 5:
		return "interface statistics block";
	default:
		return "block";
	}
}

static bool ng_is_packet(uint32_t type)
{
	return type == NG_EPB || type == NG_SPB || type == NG_PB;
}

/* The least length of a block of 'type': 12 of framing and its fixed
 * fields. */
static uint32_t ng_min_len(uint32_t type)
{
	switch (type) {
	case NG_SHB:
		return 28; /* byte-order magic, version, section length */
	case NG_IDB:
		return 20; /* link type, reserved, snaplen */
	case NG_EPB:
	case NG_PB:
		return 32; /* interface, timestamp, caplen, origlen */
	case NG_SPB:
		return 16; /* origlen */
	default:
		return 12;
	}
}

/* Reads the whole block at r->off: its type and total length in
 * '*type' and '*len', the block at r->rec.  Returns 1, 0 at the end of
 * the file, or a negative errno.  A section header sets the byte order. */
static int ng_block(struct nfu_cap_reader *r, struct nfu_error *err,
		    uint32_t *type, uint32_t *len)
{
	const uint8_t *b;
	long n;

	set_what(r, "block", 0, r->off, true);
	n = fill(r, 8);
	if (n < 0)
		return fill_fail(r, err, n);
	if (n == 0)
		return 0;
	if (n >= 4) {
		/* NG_SHB reads the same in both byte orders */
		*type = get32(r, r->rec);
		if (ng_is_packet(*type))
			set_what(r, "packet", r->count + 1, r->off, true);
		else
			set_what(r, ng_block_name(*type), 0, r->off, true);
	}
	if (n < 8)
		return fail(r, err, -EINVAL,
			    "truncated block header: %ld of its 8 bytes in the file",
			    n);
	if (*type == NG_SHB) {
		n = fill(r, 12);
		if (n < 0)
			return fill_fail(r, err, n);
		if (n < 12)
			return fail(r, err, -EINVAL,
				    "truncated: %ld of its first 12 bytes in the file",
				    n);
		if (le32(r->rec + 8) == NG_BOM)
			r->be = false;
		else if (be32(r->rec + 8) == NG_BOM)
			r->be = true;
		else
			return fail(r, err, -EINVAL,
				    "byte-order magic 0x%08x is not 0x1a2b3c4d in either byte order",
				    be32(r->rec + 8));
	}
	*len = get32(r, r->rec + 4);
	if (*len % 4)
		return fail(r, err, -EINVAL,
			    "block length %u is not a multiple of 4", *len);
	if (*len < ng_min_len(*type))
		return fail(r, err, -EINVAL,
			    "block length %u is less than the %u of its fixed part",
			    *len, ng_min_len(*type));
	if (*len > NFU_CAP_MAX_RECORD)
		return fail(r, err, -EINVAL,
			    "block length %u exceeds the maximum of %u", *len,
			    NFU_CAP_MAX_RECORD);
	n = fill(r, *len);
	if (n < 0)
		return fill_fail(r, err, n);
	if (n < (long)*len)
		return fail(r, err, -EINVAL,
			    "truncated: %ld of its %u bytes in the file", n, *len);
	b = r->rec;
	if (get32(r, b + *len - 4) != *len)
		return fail(r, err, -EINVAL,
			    "trailing block length %u differs from the leading %u",
			    get32(r, b + *len - 4), *len);
	return 1;
}

static int ng_section(struct nfu_cap_reader *r, struct nfu_error *err,
		      const uint8_t *body)
{
	uint16_t major = get16(r, body + 4), minor = get16(r, body + 6);

	if (major != 1)
		return fail(r, err, -EINVAL, "pcapng version %u.%u is not 1.x",
			    major, minor);
	/* Interface ids start again in each section. */
	free_ifaces(r);
	return 0;
}

static int ng_iface(struct nfu_cap_reader *r, struct nfu_error *err,
		    const uint8_t *body, uint32_t blen)
{
	struct iface ifc = { .tsresol = 6 };
	uint32_t pos = 8;

	if (r->n_ifaces == NG_MAX_IFACES)
		return fail(r, err, -EINVAL,
			    "more than %u interfaces in one section",
			    NG_MAX_IFACES);
	ifc.linktype = get16(r, body);
	ifc.snaplen = get32(r, body + 4);
	while (blen - pos >= 4) {
		uint16_t code = get16(r, body + pos);
		uint16_t olen = get16(r, body + pos + 2);
		const uint8_t *v = body + pos + 4;

		if (code == NG_OPT_END)
			break;
		if (olen > blen - pos - 4) {
			free(ifc.name);
			return fail(r, err, -EINVAL,
				    "option %u: length %u runs past the end of the block",
				    code, olen);
		}
		if (code == NG_OPT_IF_NAME) {
			char *s = malloc((size_t)olen + 1);

			if (!s) {
				free(ifc.name);
				return fail(r, err, -ENOMEM, "out of memory");
			}
			memcpy(s, v, olen);
			s[olen] = '\0'; /* a name that has a NUL ends there */
			free(ifc.name);
			ifc.name = s;
		} else if (code == NG_OPT_IF_TSRESOL) {
			uint8_t e = olen == 1 ? v[0] & 0x7f : 0;

			if (olen != 1 || (v[0] & 0x80 ? e > 63 : e > 19)) {
				free(ifc.name);
				if (olen != 1)
					return fail(r, err, -EINVAL,
						    "if_tsresol has length %u, not 1",
						    olen);
				return fail(r, err, -EINVAL,
					    "if_tsresol 0x%02x is finer than the 10^-19 s or 2^-63 s nfu reads",
					    v[0]);
			}
			ifc.tsresol = v[0];
		} else if (code == NG_OPT_IF_TSOFFSET) {
			if (olen != 8) {
				free(ifc.name);
				return fail(r, err, -EINVAL,
					    "if_tsoffset has length %u, not 8",
					    olen);
			}
			ifc.tsoffset_ns = get64(r, v) * NSEC_PER_SEC;
		}
		/* the value is padded to 32 bits, within the block since
		 * block lengths are multiples of 4 */
		pos += 4 + olen;
		pos += (4 - pos % 4) % 4;
		assert(pos <= blen);
	}
	if (r->n_ifaces == r->cap_ifaces) {
		uint32_t cap = r->cap_ifaces ? r->cap_ifaces * 2 : 4;
		struct iface *a = realloc(r->ifaces, cap * sizeof(*a));

		if (!a) {
			free(ifc.name);
			return fail(r, err, -ENOMEM, "out of memory");
		}
		r->ifaces = a;
		r->cap_ifaces = cap;
	}
	r->ifaces[r->n_ifaces++] = ifc;
	return 0;
}

/* A packet block of 'type' whose body of 'blen' bytes is at 'body'. */
static int ng_packet(struct nfu_cap_reader *r, struct nfu_cap_pkt *p,
		     struct nfu_error *err, uint32_t type, const uint8_t *body,
		     uint32_t blen)
{
	uint32_t id, caplen, origlen, room, hdr;
	const struct iface *ifc;
	uint64_t ts;

	if (type == NG_SPB) {
		if (!r->n_ifaces)
			return fail(r, err, -EINVAL,
				    "simple packet block in a section without interfaces");
		ifc = &r->ifaces[0];
		id = 0;
		hdr = 4;
		origlen = get32(r, body);
		/* its captured length is the original cut to the snaplen */
		caplen = ifc->snaplen && origlen > ifc->snaplen ? ifc->snaplen :
								  origlen;
		ts = r->last_ts;
	} else {
		if (type == NG_EPB) {
			id = get32(r, body);
		} else {
			id = get16(r, body); /* then a 16-bit drops count */
		}
		if (id >= r->n_ifaces)
			return fail(r, err, -EINVAL,
				    "interface %u is not described in its section (%u interface%s)",
				    id, r->n_ifaces,
				    r->n_ifaces == 1 ? "" : "s");
		ifc = &r->ifaces[id];
		hdr = 20;
		caplen = get32(r, body + 12);
		origlen = get32(r, body + 16);
		ts = ng_ts_ns(ifc, (uint64_t)get32(r, body + 4) << 32 |
					   get32(r, body + 8));
		if (ifc->snaplen && caplen > ifc->snaplen)
			return fail(r, err, -EINVAL,
				    "caplen %u exceeds snaplen %u", caplen,
				    ifc->snaplen);
	}
	room = blen - hdr;
	if (caplen > room)
		return fail(r, err, -EINVAL,
			    "caplen %u runs past the end of the block (%u bytes of packet data)",
			    caplen, room);
	r->last_ts = ts;
	emit(r, p, body + hdr, caplen, origlen, ts, ifc->linktype);
	p->iface_id = id;
	p->iface_name = ifc->name;
	return 0;
}

static int ng_next(struct nfu_cap_reader *r, struct nfu_cap_pkt *p,
		   struct nfu_error *err)
{
	for (;;) {
		uint32_t type = 0, len = 0;
		const uint8_t *body;
		int rc;

		rc = ng_block(r, err, &type, &len);
		if (rc <= 0)
			return rc;
		body = r->rec + 8;
		switch (type) {
		case NG_SHB:
			rc = ng_section(r, err, body);
			break;
		case NG_IDB:
			rc = ng_iface(r, err, body, len - 12);
			break;
		case NG_EPB:
		case NG_SPB:
		case NG_PB:
			rc = ng_packet(r, p, err, type, body, len - 12);
			if (rc == 0) {
				advance(r, len);
				return 1;
			}
			break;
		default:
			rc = 0; /* NRB, ISB, DSB, custom …: not packets */
			break;
		}
		if (rc < 0)
			return rc;
		advance(r, len);
	}
}

/* Reads the magic and the file header (pcap) or first section (pcapng). */
static int cap_start(struct nfu_cap_reader *r, struct nfu_error *err)
{
	uint32_t type = 0, len = 0;
	const uint8_t *m;
	long n;
	int rc;

	n = fill(r, 4);
	if (n < 0)
		return fill_fail(r, err, n);
	if (n == 0)
		return fail(r, err, -EINVAL, "empty file");
	if (n < 4)
		return fail(r, err, -EINVAL,
			    "not a pcap or pcapng file: only %ld bytes long", n);
	m = r->rec;
	if (le32(m) == PCAP_MAGIC_US || be32(m) == PCAP_MAGIC_US ||
	    le32(m) == PCAP_MAGIC_NS || be32(m) == PCAP_MAGIC_NS) {
		r->fmt = FMT_PCAP;
		r->be = be32(m) == PCAP_MAGIC_US || be32(m) == PCAP_MAGIC_NS;
		r->nsec = le32(m) == PCAP_MAGIC_NS || be32(m) == PCAP_MAGIC_NS;
		return pcap_header(r, err);
	}
	if (be32(m) == NG_SHB) {
		r->fmt = FMT_PCAPNG;
		rc = ng_block(r, err, &type, &len);
		if (rc < 0)
			return rc;
		rc = ng_section(r, err, r->rec + 8);
		if (rc < 0)
			return rc;
		advance(r, len);
		return 0;
	}
	if (le32(m) == PCAP_MAGIC_KUZNETZOV || be32(m) == PCAP_MAGIC_KUZNETZOV)
		return fail(r, err, -EINVAL,
			    "modified pcap (magic 0xa1b2cd34, tcpdump -w of old Red Hat patches) is not read: convert it with editcap");
	return fail(r, err, -EINVAL,
		    "not a pcap or pcapng file (it starts with %02x %02x %02x %02x)",
		    m[0], m[1], m[2], m[3]);
}

static struct nfu_cap_reader *reader_new(const char *name)
{
	struct nfu_cap_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = strdup(name);
	if (!r->name) {
		free(r);
		return NULL;
	}
	return r;
}

static int reader_start(struct nfu_cap_reader *r, struct nfu_cap_reader **out,
			struct nfu_error *err)
{
	int rc = cap_start(r, err);

	if (rc < 0) {
		nfu_cap_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* A reader of the stream 'f' (closed with it when 'own'). */
static int open_stream(FILE *f, bool own, const char *name,
		       struct nfu_cap_reader **out, struct nfu_error *err)
{
	struct nfu_cap_reader *r = reader_new(name);

	if (!r) {
		if (own)
			fclose(f);
		nfu_error_set(err, name, 0, 0, "out of memory");
		return -ENOMEM;
	}
	r->f = f;
	r->own_f = own;
	return reader_start(r, out, err);
}

int nfu_cap_open(const char *path, struct nfu_cap_reader **out,
		 struct nfu_error *err)
{
	FILE *f;
	int e;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		return open_stream(stdin, false, path, out, err);
	f = fopen(path, "rb");
	if (!f) {
		e = errno;
		nfu_error_set(err, path, 0, 0, "%s", strerror(e));
		return -e;
	}
	/* stdio's 4 KiB would cost a read() every few packets */
	setvbuf(f, NULL, _IOFBF, 1u << 20);
	return open_stream(f, true, path, out, err);
}

int nfu_cap_open_mem(const void *buf, size_t len, const char *name,
		     struct nfu_cap_reader **out, struct nfu_error *err)
{
	struct nfu_cap_reader *r;

	*out = NULL;
	if (!name)
		name = "<memory>";
	r = reader_new(name);
	if (!r) {
		nfu_error_set(err, name, 0, 0, "out of memory");
		return -ENOMEM;
	}
	/* fill() needs a pointer even for nothing */
	r->mem = buf ? buf : (const uint8_t *)"";
	r->mem_len = buf ? len : 0;
	return reader_start(r, out, err);
}

int nfu_cap_next(struct nfu_cap_reader *r, struct nfu_cap_pkt *p,
		 struct nfu_error *err)
{
	if (r->failed) {
		if (err)
			*err = r->error;
		return r->failed;
	}
	if (r->fmt == FMT_PCAP)
		return pcap_next(r, p, err);
	return ng_next(r, p, err);
}

void nfu_cap_close(struct nfu_cap_reader *r)
{
	if (!r)
		return;
	if (r->own_f)
		fclose(r->f);
	free_ifaces(r);
	free(r->ifaces);
	free(r->buf);
	free(r->name);
	free(r);
}

/* Writing */

struct nfu_cap_writer {
	FILE *f;
	bool own_f;
	int error; /* the first write error, a negative errno */
	char *path;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static int writer_put(struct nfu_cap_writer *w, const void *data, size_t len)
{
	if (w->error)
		return w->error;
	errno = 0;
	if (len && fwrite(data, 1, len, w->f) != len)
		w->error = errno ? -errno : -EIO;
	return w->error;
}

int nfu_cap_writer_open(const char *path, uint32_t linktype,
			struct nfu_cap_writer **out, struct nfu_error *err)
{
	struct nfu_cap_writer *w;
	uint8_t h[PCAP_HDR_LEN];
	int e;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path))) {
		free(w);
		nfu_error_set(err, path, 0, 0, "out of memory");
		return -ENOMEM;
	}
	if (strcmp(path, "-") == 0) {
		w->f = stdout;
	} else {
		w->f = fopen(path, "wb");
		if (w->f)
			setvbuf(w->f, NULL, _IOFBF, 1u << 20);
		if (!w->f) {
			e = errno;
			free(w->path);
			free(w);
			nfu_error_set(err, path, 0, 0, "%s", strerror(e));
			return -e;
		}
		w->own_f = true;
	}
	put32(h, PCAP_MAGIC_NS);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);  /* thiszone */
	put32(h + 12, 0); /* sigfigs */
	put32(h + 16, NFU_CAP_WRITE_SNAPLEN);
	put32(h + 20, linktype);
	writer_put(w, h, sizeof(h));
	*out = w;
	return 0;
}

int nfu_cap_write(struct nfu_cap_writer *w, uint64_t ts_ns, const void *data,
		  uint32_t len)
{
	uint32_t caplen = len < NFU_CAP_WRITE_SNAPLEN ? len :
							NFU_CAP_WRITE_SNAPLEN;
	uint8_t h[PCAP_REC_LEN];

	if (w->error)
		return w->error;
	if (ts_ns / NSEC_PER_SEC > UINT32_MAX)
		return -ERANGE;
	put32(h, (uint32_t)(ts_ns / NSEC_PER_SEC));
	put32(h + 4, (uint32_t)(ts_ns % NSEC_PER_SEC));
	put32(h + 8, caplen);
	put32(h + 12, len);
	writer_put(w, h, sizeof(h));
	return writer_put(w, data, caplen);
}

int nfu_cap_writer_close(struct nfu_cap_writer *w, struct nfu_error *err)
{
	int rc;

	if (!w)
		return 0;
	errno = 0;
	if (fflush(w->f) && !w->error)
		w->error = errno ? -errno : -EIO;
	if (w->own_f && fclose(w->f) && !w->error)
		w->error = errno ? -errno : -EIO;
	rc = w->error;
	if (rc)
		nfu_error_set(err, w->path, 0, 0, "write error: %s",
			      strerror(-rc));
	free(w->path);
	free(w);
	return rc;
}
