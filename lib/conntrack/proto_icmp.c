/* SPDX-License-Identifier: MIT */
/*
 * The ICMP tracker (Linux's nf_conntrack_proto_icmp.c).  Queries (echo,
 * timestamp, information, address mask) make connections keyed by their
 * identifier, answered by the matching reply type; each packet refreshes
 * nf_conntrack_icmp_timeout.  A reply or other type without its query is
 * INVALID.  An error (unreachable, source quench, redirect, time
 * exceeded, parameter problem) is RELATED to the connection of the packet
 * it quotes, when that connection exists and its direction's destination
 * is the error's destination; else INVALID.  Short messages, unknown
 * types and (at PRE_ROUTING, with nf_conntrack_checksum) bad checksums
 * are INVALID.
 */
#include <string.h>

#include "conntrack/ct-private.h"

#define NR_ICMP_TYPES 18

/* The reply type of each query, plus one (0: none). */
static const uint8_t invmap[] = {
	[8] = 0 + 1, [0] = 8 + 1,   /* echo */
	[13] = 14 + 1, [14] = 13 + 1, /* timestamp */
	[15] = 16 + 1, [16] = 15 + 1, /* information */
	[17] = 18 + 1, [18] = 17 + 1, /* address mask */
};

/* The types that may start a connection. */
static bool valid_new(uint8_t type)
{
	return type == 8 || type == 13 || type == 15 || type == 17;
}

static bool icmp_is_err(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static bool icmp_pkt_to_tuple(const uint8_t *l4, size_t len,
			      struct nfu_ct_tuple *t)
{
	if (len < 8)
		return false;
	memcpy(&t->sport, l4 + 4, 2);                      /* id */
	t->dport = (uint16_t)((unsigned int)l4[0] << 8 | l4[1]); /* type, code */
	return true;
}

static bool icmp_invert(struct nfu_ct_tuple *inv, const struct nfu_ct_tuple *orig)
{
	uint8_t type = (uint8_t)(orig->dport >> 8);

	if (type >= sizeof(invmap) || !invmap[type])
		return false;
	inv->sport = orig->sport;
	inv->dport = (uint16_t)((invmap[type] - 1u) << 8 | (orig->dport & 0xff));
	return true;
}

/* nf_conntrack_inet_error(): the quoted packet's connection.  'off' is
 * where the quoted IP header starts (from the outer one). */
static int inet_error(struct nfu_ct_net *cn, struct nfu_pkt *pkt,
		      unsigned int off, const struct nfu_ct_zone *zone)
{
	const uint8_t *ip = nfu_pkt_network_header(pkt);
	size_t iplen = nfu_ct_l4_len(pkt, 0);
	const struct nfu_ct_l4proto *l4;
	struct nfu_ct_tuple orig, inner;
	unsigned int ihl, dir;
	uint32_t outer_daddr, ct_daddr;
	struct nfu_ct *ct;
	const uint8_t *q;

	if (off + 20 > iplen)
		return -(int)NFU_ACCEPT;
	q = ip + off;
	if (((unsigned int)(q[6] & 0x1f) << 8 | q[7]) != 0)
		return -(int)NFU_ACCEPT; /* a later fragment quoted */
	ihl = (q[0] & 15u) * 4;
	if (off + ihl > iplen)
		return -(int)NFU_ACCEPT;
	memset(&orig, 0, sizeof(orig));
	memcpy(&orig.src, q + 12, 4);
	memcpy(&orig.dst, q + 16, 4);
	orig.proto = q[9];
	l4 = nfu_ct_l4proto_find(q[9]);
	if (!l4->pkt_to_tuple(q + ihl, iplen - off - ihl, &orig))
		return -(int)NFU_ACCEPT;
	/* the quoted packet went the other way: its inverse is ours */
	memset(&inner, 0, sizeof(inner));
	inner.src = orig.dst;
	inner.dst = orig.src;
	inner.proto = orig.proto;
	if (!l4->invert_tuple(&inner, &orig))
		return -(int)NFU_ACCEPT;
	ct = nfu_ct_find_zone(cn, &inner, zone, &dir);
	if (!ct)
		return -(int)NFU_ACCEPT;
	memcpy(&outer_daddr, ip + 16, 4);
	ct_daddr = ct->tuplehash[dir].tuple.dst;
	if (outer_daddr != ct_daddr)
		return -(int)NFU_ACCEPT; /* "outer daddr != inner" */
	ct->common.use++;
	pkt->ct = ct;
	pkt->ctinfo = NFU_CT_RELATED + (dir == NFU_CT_DIR_REPLY ? NFU_CT_IS_REPLY : 0);
	return NFU_ACCEPT;
}

/* nf_conntrack_icmpv4_error() */
static int icmp_error(struct nfu_ct_net *cn, struct nfu_pkt *pkt,
		      unsigned int thoff, unsigned int hook,
		      const struct nfu_ct_zone *zone)
{
	size_t len = nfu_ct_l4_len(pkt, thoff);
	const uint8_t *ih = nfu_pkt_network_header(pkt) + thoff;

	if (len < 8)
		return -(int)NFU_ACCEPT; /* short packet */
	if (cn->sysctl.checksum && hook == NFU_INET_PRE_ROUTING &&
	    !nfu_ct_l4_csum_ok(pkt, thoff, len, 0))
		return -(int)NFU_ACCEPT; /* bad checksum */
	if (ih[0] > NR_ICMP_TYPES)
		return -(int)NFU_ACCEPT; /* invalid icmp type */
	if (!icmp_is_err(ih[0]))
		return NFU_ACCEPT;
	return inet_error(cn, pkt, thoff + 8, zone);
}

static int icmp_packet(struct nfu_ct *ct, struct nfu_pkt *pkt,
		       unsigned int thoff, enum nfu_ctinfo ctinfo,
		       unsigned int hook)
{
	(void)pkt;
	(void)thoff;
	(void)ctinfo;
	(void)hook;
	if (!valid_new((uint8_t)(ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.dport >> 8)))
		return -(int)NFU_ACCEPT; /* cannot make a connection */
	nfu_ct_refresh(ct, ct->cn->sysctl.icmp_timeout);
	return NFU_ACCEPT;
}

const struct nfu_ct_l4proto nfu_ct_l4proto_icmp = {
	.proto = 1,
	.name = "icmp",
	.pkt_to_tuple = icmp_pkt_to_tuple,
	.invert_tuple = icmp_invert,
	.error = icmp_error,
	.packet = icmp_packet,
};
