/* SPDX-License-Identifier: MIT */
/*
 * The SCTP tracker: Linux 6.x's nf_conntrack_proto_sctp.c in nfu's words.
 *
 * What?
 *   An SCTP association tracked by its ports (the tuple), a state moved
 *   by the control chunks each packet carries, and the verification tags
 *   of both directions (RFC 9260 section 8.5), as Linux tracks it:
 *   NONE, CLOSED, COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_SENT,
 *   SHUTDOWN_RECD, SHUTDOWN_ACK_SENT, HEARTBEAT_SENT (a path opened by a
 *   HEARTBEAT alone: a secondary path of a multihomed association).
 *
 * Basic design
 *   - A packet is first checked on its own (sctp_error()): shorter than
 *     the 12-byte common header, or (at PRE_ROUTING, with
 *     nf_conntrack_checksum) a CRC32c that is wrong: INVALID.  Then its
 *     chunks are walked (do_basic_checks()): none, one of length 0, a
 *     COOKIE_ECHO or COOKIE_ACK that is not the first chunk, an INIT,
 *     INIT_ACK or SHUTDOWN_COMPLETE with any other chunk: INVALID.  The
 *     walk steps by each chunk's length rounded up to 4 while a chunk
 *     header fits in the IP packet, without checking that the chunk does.
 *   - A new connection: a packet with ABORT, SHUTDOWN_COMPLETE or
 *     COOKIE_ACK is INVALID (section 8.4); every chunk must move NONE
 *     somewhere in the original direction's table (so DATA alone, or
 *     with another chunk, makes none).  An INIT (its vtag must be 0)
 *     gives the reply direction's vtag its Initiate Tag, a HEARTBEAT the
 *     original's the packet's vtag, any other chunk the reply's the
 *     packet's vtag.  As in Linux 6.x, the INIT leaves it in CLOSED (the
 *     table's NONE column), the INIT_ACK moves it to COOKIE_WAIT.
 *   - The vtag of a packet without INIT, SHUTDOWN_COMPLETE, COOKIE_ECHO,
 *     ABORT, SHUTDOWN_ACK, HEARTBEAT or HEARTBEAT_ACK must be the one its
 *     direction expects; per chunk: INIT's must be 0, ABORT's and
 *     SHUTDOWN_COMPLETE's the direction's own, or with the T bit the
 *     other direction's, COOKIE_ECHO's the direction's own.  INIT and
 *     INIT_ACK set the other direction's vtag from their Initiate Tag
 *     (an INIT_ACK whose tag differs from one already known is INVALID
 *     unless an INIT of the other direction allows it).  A HEARTBEAT or
 *     HEARTBEAT_ACK learns a direction's vtag when it has none; one with
 *     a vtag that differs is let through once without a refresh (a new
 *     path), and its answer from the other side with its own vtag then
 *     replaces the tags.
 *   - The next state comes from Linux's table by direction, chunk type
 *     and state, chunk after chunk (DATA, SACK and other chunks do not
 *     move it); a chunk the table calls invalid makes the packet INVALID,
 *     what the chunks before it did stays.  ESTABLISHED, reached by a
 *     COOKIE_ACK or a HEARTBEAT_ACK, makes the connection ASSURED.
 *   - The timeout is nf_conntrack_sctp_timeout_* of the state the last
 *     chunk left it in; an INIT retransmitted in CLOSED does not refresh
 *     it (a port reused by a client or a NAT could keep it for ever).
 *   - Closing connections (SHUTDOWN_SENT, SHUTDOWN_RECD,
 *     SHUTDOWN_ACK_SENT) may be dropped early by the collector.
 *
 * What is not here: Linux's nf_conntrack_log_invalid lines (nfu's trackers
 * do not log them), per-connection timeout policies, multihoming beyond
 * what the vtags give.
 *
 * Thread-safety
 *   The stack's thread only.
 */
#include <string.h>

#include "conntrack/ct-private.h"
#include "core/crc32c.h"

/* SCTP chunk types (RFC 9260 section 3.2, Linux's SCTP_CID_*). */
enum {
	CID_DATA = 0,
	CID_INIT = 1,
	CID_INIT_ACK = 2,
	CID_SACK = 3,
	CID_HEARTBEAT = 4,
	CID_HEARTBEAT_ACK = 5,
	CID_ABORT = 6,
	CID_SHUTDOWN = 7,
	CID_SHUTDOWN_ACK = 8,
	CID_ERROR = 9,
	CID_COOKIE_ECHO = 10,
	CID_COOKIE_ACK = 11,
	CID_SHUTDOWN_COMPLETE = 14,
};

#define CHUNK_FLAG_T 0x01           /* ABORT, SHUTDOWN_COMPLETE */
#define FLAG_HEARTBEAT_VTAG_FAILED 1
#define COMMON_HDR 12u              /* ports, vtag, checksum */
#define CHUNK_HDR 4u                /* type, flags, length */
#define INIT_HDR 16u                /* struct sctp_inithdr */

/* Short names for the table. */
#define sNO NFU_CT_SCTP_NONE
#define sCL NFU_CT_SCTP_CLOSED
#define sCW NFU_CT_SCTP_COOKIE_WAIT
#define sCE NFU_CT_SCTP_COOKIE_ECHOED
#define sES NFU_CT_SCTP_ESTABLISHED
#define sSS NFU_CT_SCTP_SHUTDOWN_SENT
#define sSR NFU_CT_SCTP_SHUTDOWN_RECD
#define sSA NFU_CT_SCTP_SHUTDOWN_ACK_SENT
#define sHS NFU_CT_SCTP_HEARTBEAT_SENT
#define sIV NFU_CT_SCTP_MAX          /* invalid */

/* The rows of the table, by chunk type (sctp_new_state()'s index). */
enum row {
	R_INIT, R_INIT_ACK, R_ABORT, R_SHUTDOWN, R_SHUTDOWN_ACK, R_ERROR,
	R_COOKIE_ECHO, R_COOKIE_ACK, R_SHUTDOWN_COMPLETE, R_HEARTBEAT,
	R_HEARTBEAT_ACK, R_MAX,
	R_NONE = -1,                /* DATA, SACK...: the state stays */
};

/*
 * Linux 6.x's sctp_conntracks[dir][row][state] (the columns: NONE, CLOSED,
 * COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_SENT, SHUTDOWN_RECD,
 * SHUTDOWN_ACK_SENT, HEARTBEAT_SENT), the same transitions written out.
 */
static const uint8_t next_state[2][R_MAX][sHS + 1] = {
	{ /* original */
	[R_INIT] =              { sCL, sCL, sCW, sCE, sES, sCL, sCL, sSA, sCW },
	[R_INIT_ACK] =          { sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sCL },
	[R_ABORT] =             { sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
	[R_SHUTDOWN] =          { sCL, sCL, sCW, sCE, sSS, sSS, sSR, sSA, sCL },
	[R_SHUTDOWN_ACK] =      { sSA, sCL, sCW, sCE, sES, sSA, sSA, sSA, sSA },
	[R_ERROR] =             { sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sCL },
	[R_COOKIE_ECHO] =       { sCL, sCL, sCE, sCE, sES, sSS, sSR, sSA, sCL },
	[R_COOKIE_ACK] =        { sCL, sCL, sCW, sES, sES, sSS, sSR, sSA, sCL },
	[R_SHUTDOWN_COMPLETE] = { sCL, sCL, sCW, sCE, sES, sSS, sSR, sCL, sCL },
	[R_HEARTBEAT] =         { sHS, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS },
	[R_HEARTBEAT_ACK] =     { sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS },
	},
	{ /* reply */
	[R_INIT] =              { sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sIV },
	[R_INIT_ACK] =          { sIV, sCW, sCW, sCE, sES, sSS, sSR, sSA, sIV },
	[R_ABORT] =             { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sIV },
	[R_SHUTDOWN] =          { sIV, sCL, sCW, sCE, sSR, sSS, sSR, sSA, sIV },
	[R_SHUTDOWN_ACK] =      { sIV, sCL, sCW, sCE, sES, sSA, sSA, sSA, sIV },
	[R_ERROR] =             { sIV, sCL, sCW, sCL, sES, sSS, sSR, sSA, sIV },
	[R_COOKIE_ECHO] =       { sIV, sCL, sCE, sCE, sES, sSS, sSR, sSA, sIV },
	[R_COOKIE_ACK] =        { sIV, sCL, sCW, sES, sES, sSS, sSR, sSA, sIV },
	[R_SHUTDOWN_COMPLETE] = { sIV, sCL, sCW, sCE, sES, sSS, sSR, sCL, sIV },
	[R_HEARTBEAT] =         { sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS },
	[R_HEARTBEAT_ACK] =     { sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sES },
	},
};

/*
 * conntrack -L's names (libnetfilter_conntrack 1.0.9's, the kernel's
 * own; HEARTBEAT_SENT seen from conntrack-tools 1.4.7 on Linux 6.18),
 * NONE for a number it has no name for.
 */
static const char *const state_names[NFU_CT_SCTP_MAX] = {
	[NFU_CT_SCTP_NONE] = "NONE",
	[NFU_CT_SCTP_CLOSED] = "CLOSED",
	[NFU_CT_SCTP_COOKIE_WAIT] = "COOKIE_WAIT",
	[NFU_CT_SCTP_COOKIE_ECHOED] = "COOKIE_ECHOED",
	[NFU_CT_SCTP_ESTABLISHED] = "ESTABLISHED",
	[NFU_CT_SCTP_SHUTDOWN_SENT] = "SHUTDOWN_SENT",
	[NFU_CT_SCTP_SHUTDOWN_RECD] = "SHUTDOWN_RECD",
	[NFU_CT_SCTP_SHUTDOWN_ACK_SENT] = "SHUTDOWN_ACK_SENT",
	[NFU_CT_SCTP_HEARTBEAT_SENT] = "HEARTBEAT_SENT",
	[NFU_CT_SCTP_HEARTBEAT_ACKED] = "HEARTBEAT_ACKED",
};

const char *nfu_ct_sctp_state_name(unsigned int st)
{
	if (st >= NFU_CT_SCTP_MAX || !state_names[st])
		return state_names[NFU_CT_SCTP_NONE];
	return state_names[st];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A 32-bit field as stored (network order kept). */
static uint32_t raw32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The chunk types a packet carries (Linux's map of 256 bits). */
struct chunk_map {
	uint64_t bits[4];
};

static void map_set(struct chunk_map *m, uint8_t type)
{
	m->bits[type >> 6] |= 1ull << (type & 63);
}

static bool map_has(const struct chunk_map *m, uint8_t type)
{
	return (m->bits[type >> 6] >> (type & 63)) & 1;
}

/*
 * for_each_sctp_chunk(): the chunk after the one at 'off' (the first: 0
 * in '*off' on entry is taken as "start"), while a chunk header fits in
 * the 'len' bytes of 'l4'.  Returns false at the end.
 */
static bool next_chunk(const uint8_t *l4, size_t len, size_t *off, bool first)
{
	if (first)
		*off = COMMON_HDR;
	else
		*off += ((size_t)get16(l4 + *off + 2) + 3) & ~(size_t)3;
	return *off < len && *off + CHUNK_HDR <= len;
}

/* do_basic_checks(): true if the chunks are not fine.  'map' gets their
 * types. */
static bool bad_chunks(const uint8_t *l4, size_t len, struct chunk_map *map)
{
	unsigned int count = 0;
	bool flag = false;
	size_t off = 0;

	for (bool more = next_chunk(l4, len, &off, true); more;
	     more = next_chunk(l4, len, &off, false), count++) {
		uint8_t type = l4[off];

		if (type == CID_INIT || type == CID_INIT_ACK ||
		    type == CID_SHUTDOWN_COMPLETE)
			flag = true;
		/* COOKIE_ACK/ECHO not first, INIT, INIT_ACK or
		 * SHUTDOWN_COMPLETE not alone, or a length of 0 */
		if (((type == CID_COOKIE_ACK || type == CID_COOKIE_ECHO || flag) &&
		     count != 0) || get16(l4 + off + 2) == 0)
			return true;
		map_set(map, type);
	}
	return count == 0;
}

static enum row row_of(uint8_t type)
{
	switch (type) {
	case CID_INIT: return R_INIT;
	case CID_INIT_ACK: return R_INIT_ACK;
	case CID_ABORT: return R_ABORT;
	case CID_SHUTDOWN: return R_SHUTDOWN;
	case CID_SHUTDOWN_ACK: return R_SHUTDOWN_ACK;
	case CID_ERROR: return R_ERROR;
	case CID_COOKIE_ECHO: return R_COOKIE_ECHO;
	case CID_COOKIE_ACK: return R_COOKIE_ACK;
	case CID_SHUTDOWN_COMPLETE: return R_SHUTDOWN_COMPLETE;
	case CID_HEARTBEAT: return R_HEARTBEAT;
	case CID_HEARTBEAT_ACK: return R_HEARTBEAT_ACK;
	default: return R_NONE;
	}
}

/* sctp_new_state() */
static uint8_t new_state(unsigned int dir, uint8_t cur, uint8_t type)
{
	enum row r = row_of(type);

	if (r == R_NONE || cur > sHS)
		return cur; /* other chunks (DATA, SACK) do not move it */
	return next_state[dir][r][cur];
}

/* sctp_new(): the first packet of a connection sets its vtags.  false:
 * no connection for it (INVALID). */
static bool sctp_new(struct nfu_ct_sctp *sc, const uint8_t *l4, size_t len)
{
	uint32_t vtag = raw32(l4 + 4);
	size_t off = 0;

	memset(sc, 0, sizeof(*sc));
	for (bool more = next_chunk(l4, len, &off, true); more;
	     more = next_chunk(l4, len, &off, false)) {
		uint8_t type = l4[off];
		uint8_t ns = new_state(NFU_CT_DIR_ORIGINAL, NFU_CT_SCTP_NONE, type);

		if (ns == NFU_CT_SCTP_NONE || ns == NFU_CT_SCTP_MAX)
			return false;
		if (type == CID_INIT) {
			/* section 8.5.1 (A): an INIT's vtag is 0 */
			if (vtag || off + CHUNK_HDR + INIT_HDR > len)
				return false;
			sc->vtag[NFU_CT_DIR_REPLY] = raw32(l4 + off + CHUNK_HDR);
		} else if (type == CID_HEARTBEAT) {
			/* a secondary path's heartbeat */
			sc->vtag[NFU_CT_DIR_ORIGINAL] = vtag;
		} else {
			/* out of the blue (a SHUTDOWN_ACK expects a
			 * SHUTDOWN_COMPLETE, others an ABORT, sections 8.4
			 * (5) and (8)): the answer reflects its vtag */
			sc->vtag[NFU_CT_DIR_REPLY] = vtag;
		}
		sc->state = NFU_CT_SCTP_NONE;
	}
	return true;
}

/* sctp_error(): short, or a wrong CRC32c at PRE_ROUTING. */
static bool sctp_bad(const struct nfu_ct *ct, const uint8_t *l4, size_t len,
		     unsigned int hook)
{
	uint32_t c;

	if (len < COMMON_HDR)
		return true; /* "nf_ct_sctp: short packet" */
	/* Linux checks only what a device did not (CHECKSUM_NONE): every
	 * packet that reaches nfu's PRE_ROUTING */
	if (hook != NFU_INET_PRE_ROUTING || !ct->cn->sysctl.checksum)
		return false;
	c = nfu_sctp_csum(l4, len);
	return memcmp(&c, l4 + 8, 4) != 0; /* "nf_ct_sctp: bad CRC" */
}

/* A (or SHUTDOWN_COMPLETE) whose vtag is neither the direction's own
 * (T unset) nor, with T, the other's (section 8.5.1 (B), (C)). */
static bool t_bit_vtag_bad(const struct nfu_ct_sctp *sc, unsigned int dir,
			   uint8_t flags, uint32_t vtag)
{
	if (flags & CHUNK_FLAG_T)
		return vtag != sc->vtag[!dir];
	return vtag != sc->vtag[dir];
}

/* nf_conntrack_sctp_packet() */
static int sctp_packet(struct nfu_ct *ct, struct nfu_pkt *pkt,
		       unsigned int thoff, enum nfu_ctinfo ctinfo,
		       unsigned int hook)
{
	const uint8_t *l4 = nfu_pkt_network_header(pkt) + thoff;
	size_t len = nfu_ct_l4_len(pkt, thoff);
	struct nfu_ct_sctp *sc = &ct->proto.sctp;
	unsigned int dir = nfu_ctinfo_dir(ctinfo);
	uint8_t old_state, ns;
	struct chunk_map map;
	bool ignore = false;
	uint32_t vtag;
	size_t off = 0;

	if (sctp_bad(ct, l4, len, hook))
		return -(int)NFU_ACCEPT;
	memset(&map, 0, sizeof(map));
	if (bad_chunks(l4, len, &map))
		return -(int)NFU_ACCEPT;
	vtag = raw32(l4 + 4);

	if (!(ct->status & NFU_IPS_CONFIRMED)) {
		/* out of the blue with any of these: discard (8.4) */
		if (map_has(&map, CID_ABORT) ||
		    map_has(&map, CID_SHUTDOWN_COMPLETE) ||
		    map_has(&map, CID_COOKIE_ACK))
			return -(int)NFU_ACCEPT;
		if (!sctp_new(sc, l4, len))
			return -(int)NFU_ACCEPT;
	}

	/* the verification tag (8.5), unless a chunk with rules of its own
	 * is there */
	if (!map_has(&map, CID_INIT) && !map_has(&map, CID_SHUTDOWN_COMPLETE) &&
	    !map_has(&map, CID_COOKIE_ECHO) && !map_has(&map, CID_ABORT) &&
	    !map_has(&map, CID_SHUTDOWN_ACK) && !map_has(&map, CID_HEARTBEAT) &&
	    !map_has(&map, CID_HEARTBEAT_ACK) && vtag != sc->vtag[dir])
		return -(int)NFU_ACCEPT;

	old_state = ns = NFU_CT_SCTP_NONE;
	for (bool more = next_chunk(l4, len, &off, true); more;
	     more = next_chunk(l4, len, &off, false)) {
		uint8_t type = l4[off], flags = l4[off + 1];

		/* the special cases of the vtag check (8.5.1) */
		switch (type) {
		case CID_INIT:
			if (vtag != 0) /* (A) */
				return -(int)NFU_ACCEPT;
			break;
		case CID_ABORT:             /* (B) */
		case CID_SHUTDOWN_COMPLETE: /* (C) */
			if (t_bit_vtag_bad(sc, dir, flags, vtag))
				return -(int)NFU_ACCEPT;
			break;
		case CID_COOKIE_ECHO:
			/* (D): the tag the INIT_ACK gave */
			if (vtag != sc->vtag[dir])
				return -(int)NFU_ACCEPT;
			break;
		case CID_COOKIE_ACK:
			sc->init[dir] = sc->init[!dir] = 0;
			break;
		case CID_HEARTBEAT:
			if (sc->vtag[dir] == 0) {
				sc->vtag[dir] = vtag;
			} else if (vtag != sc->vtag[dir]) {
				/* another path's: let it through once,
				 * unchanged, unless it carries data */
				if (map_has(&map, CID_DATA) || ignore)
					return -(int)NFU_ACCEPT;
				sc->flags |= FLAG_HEARTBEAT_VTAG_FAILED;
				sc->last_dir = (uint8_t)dir;
				ignore = true;
				continue;
			} else {
				sc->flags &= (uint8_t)~FLAG_HEARTBEAT_VTAG_FAILED;
			}
			break;
		case CID_HEARTBEAT_ACK:
			if (sc->vtag[dir] == 0) {
				sc->vtag[dir] = vtag;
			} else if (vtag != sc->vtag[dir]) {
				if (map_has(&map, CID_DATA) || ignore)
					return -(int)NFU_ACCEPT;
				/* only the answer to such a heartbeat, from
				 * the other side, changes the tags */
				if (!(sc->flags & FLAG_HEARTBEAT_VTAG_FAILED) ||
				    sc->last_dir == dir)
					return -(int)NFU_ACCEPT;
				sc->flags &= (uint8_t)~FLAG_HEARTBEAT_VTAG_FAILED;
				sc->vtag[dir] = vtag;
				sc->vtag[!dir] = 0;
			} else {
				sc->flags &= (uint8_t)~FLAG_HEARTBEAT_VTAG_FAILED;
			}
			break;
		default:
			break;
		}

		old_state = sc->state;
		ns = new_state(dir, old_state, type);
		if (ns == NFU_CT_SCTP_MAX)
			return -(int)NFU_ACCEPT;

		if (type == CID_INIT) {
			if (off + CHUNK_HDR + INIT_HDR > len)
				return -(int)NFU_ACCEPT;
			if (sc->init[dir] && sc->init[!dir])
				sc->init[!dir] = 0;
			sc->init[dir] = 1;
			sc->vtag[!dir] = raw32(l4 + off + CHUNK_HDR);
			/* a retransmitted INIT does not renew the timeout */
			if (ns == NFU_CT_SCTP_CLOSED &&
			    old_state == NFU_CT_SCTP_CLOSED &&
			    (ct->status & NFU_IPS_CONFIRMED))
				ignore = true;
		} else if (type == CID_INIT_ACK) {
			uint32_t known = sc->vtag[!dir], tag;

			if (off + CHUNK_HDR + INIT_HDR > len)
				return -(int)NFU_ACCEPT;
			tag = raw32(l4 + off + CHUNK_HDR);
			if (!sc->init[!dir] && known && known != tag)
				return -(int)NFU_ACCEPT;
			/* an INIT collision: both sides sent one */
			if (sc->init[dir] && sc->init[!dir] && known != tag)
				return -(int)NFU_ACCEPT;
			sc->vtag[!dir] = tag;
		}

		sc->state = ns;
		if (old_state != ns && ns == NFU_CT_SCTP_ESTABLISHED)
			ct->status |= NFU_IPS_ASSURED;
	}

	if (ignore)
		return NFU_ACCEPT; /* let through, not refreshed */
	nfu_ct_refresh(ct, ct->cn->sysctl.sctp_timeouts[ns]);
	return NFU_ACCEPT;
}

static bool sctp_pkt_to_tuple(const uint8_t *l4, size_t len,
			      struct nfu_ct_tuple *t)
{
	if (len < 4) /* the ports, as Linux's nf_ct_get_tuple_ports() */
		return false;
	memcpy(&t->sport, l4, 2);
	memcpy(&t->dport, l4 + 2, 2);
	return true;
}

static bool sctp_invert(struct nfu_ct_tuple *inv, const struct nfu_ct_tuple *orig)
{
	inv->sport = orig->dport;
	inv->dport = orig->sport;
	return true;
}

static void sctp_print_state(const struct nfu_ct *ct, char *buf, size_t len)
{
	size_t used = strnlen(buf, len);
	const char *name = nfu_ct_sctp_state_name(ct->proto.sctp.state);
	size_t n = strlen(name);

	if (used + n + 2 > len)
		return;
	memcpy(buf + used, name, n);
	buf[used + n] = ' ';
	buf[used + n + 1] = 0;
}

/* sctp_can_early_drop(): a closing association may go early. */
static bool sctp_can_early_drop(const struct nfu_ct *ct)
{
	switch (ct->proto.sctp.state) {
	case NFU_CT_SCTP_SHUTDOWN_SENT:
	case NFU_CT_SCTP_SHUTDOWN_RECD:
	case NFU_CT_SCTP_SHUTDOWN_ACK_SENT:
		return true;
	default:
		return false;
	}
}

const struct nfu_ct_l4proto nfu_ct_l4proto_sctp = {
	.proto = 132,
	.name = "sctp",
	.pkt_to_tuple = sctp_pkt_to_tuple,
	.invert_tuple = sctp_invert,
	.packet = sctp_packet,
	.print_state = sctp_print_state,
	.can_early_drop = sctp_can_early_drop,
};
