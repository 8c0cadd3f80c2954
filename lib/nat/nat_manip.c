/* SPDX-License-Identifier: MIT */
/*
 * nat/nat_manip.c - rewriting a packet to the tuple of its binding: the
 * IP addresses, TCP, UDP and SCTP ports, ICMP query ids, and ICMP errors
 * with the packet they quote (Linux's nf_nat_proto.c, IPv4).
 *
 * Checksums are updated incrementally with Linux's own arithmetic
 * (csum_replace4() and inet_proto_csum_replace4(): 32-bit one's
 * complement sums of the old value's complement and the new value,
 * folded), so that the result is the same bits Linux stores, 0x0000 and
 * 0xffff included.  Packets here always carry complete checksums (no
 * offload), as Linux's do when they come from a device; Linux recomputes
 * the checksum of a socket's own TCP and UDP at the device instead, which
 * nfu, without sockets, never sends.
 */
#include <string.h>

#include "core/crc32c.h"
#include "core/csum.h"
#include "nat/nat-private.h"

/* inet_proto_csum_replace2(): a 16-bit field, as the 32-bit one with
 * the values zero-extended. */
static void lx_replace2(unsigned char *check, uint16_t from, uint16_t to)
{
	nfu_csum_replace4_linux(check, from, to);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t get16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

bool nfu_nat_invert_tuple(struct nfu_ct_tuple *inv, const struct nfu_ct_tuple *t)
{
	memset(inv, 0, sizeof(*inv));
	inv->src = t->dst;
	inv->dst = t->src;
	inv->proto = t->proto;
	if (t->proto == 1) {
		/* the query's type and its reply's (Linux's invmap) */
		static const uint8_t rev[19] = {
			[0] = 8 + 1, [8] = 0 + 1, [13] = 14 + 1, [14] = 13 + 1,
			[15] = 16 + 1, [16] = 15 + 1, [17] = 18 + 1, [18] = 17 + 1,
		};
		uint8_t type = (uint8_t)(t->dport >> 8);

		if (type >= sizeof(rev) || !rev[type])
			return false;
		inv->sport = t->sport; /* the id, the same both ways */
		inv->dport = (uint16_t)((rev[type] - 1u) << 8 | (t->dport & 0xff));
		return true;
	}
	inv->sport = t->dport;
	inv->dport = t->sport;
	return true;
}

/* The bytes of the packet from its network header. */
static unsigned char *net_bytes(struct nfu_pkt *pkt, size_t *len)
{
	unsigned char *ip = nfu_pkt_network_header(pkt);

	*len = pkt->len - (size_t)(ip - pkt->data);
	return ip;
}

/* nf_nat_ipv4_csum_update(): the pseudo-header's address in the
 * transport checksum at 'check' (the IP header at 'iph'). */
static void pseudo_update(const unsigned char *iph, unsigned char *check,
			  const struct nfu_ct_tuple *t,
			  enum nfu_nat_manip_type manip)
{
	if (manip == NFU_NAT_MANIP_SRC)
		nfu_csum_replace4_linux(check, get32(iph + 12), t->src);
	else
		nfu_csum_replace4_linux(check, get32(iph + 16), t->dst);
}

/* tcp_manip_pkt(): the port, and the checksum when the whole header is
 * there (a quoted header may be only its first 8 bytes). */
static bool tcp_manip(unsigned char *b, size_t len, unsigned int iphoff,
		      unsigned int hdroff, const struct nfu_ct_tuple *t,
		      enum nfu_nat_manip_type manip)
{
	unsigned int hdrsize = 8;
	unsigned char *hdr = b + hdroff, *portp;
	uint16_t oldport, newport;

	if (len >= (size_t)hdroff + 20)
		hdrsize = 20;
	if (len < (size_t)hdroff + hdrsize)
		return false;
	if (manip == NFU_NAT_MANIP_SRC) {
		newport = t->sport;
		portp = hdr;
	} else {
		newport = t->dport;
		portp = hdr + 2;
	}
	oldport = get16(portp);
	memcpy(portp, &newport, 2);
	if (hdrsize < 20)
		return true;
	pseudo_update(b + iphoff, hdr + 16, t, manip);
	lx_replace2(hdr + 16, oldport, newport);
	return true;
}

/* udp_manip_pkt(): a zero checksum (none) stays zero; a computed one
 * that comes out zero is stored as 0xffff (CSUM_MANGLED_0).  UDP-Lite
 * (udplite_manip_pkt()) always has one: 'lite' updates it whatever it
 * holds. */
static bool udp_manip(unsigned char *b, size_t len, unsigned int iphoff,
		      unsigned int hdroff, const struct nfu_ct_tuple *t,
		      enum nfu_nat_manip_type manip, bool lite)
{
	unsigned char *hdr = b + hdroff, *portp;
	uint16_t newport;

	if (len < (size_t)hdroff + 8)
		return false;
	if (manip == NFU_NAT_MANIP_SRC) {
		newport = t->sport;
		portp = hdr;
	} else {
		newport = t->dport;
		portp = hdr + 2;
	}
	if (lite || get16(hdr + 6)) {
		pseudo_update(b + iphoff, hdr + 6, t, manip);
		lx_replace2(hdr + 6, get16(portp), newport);
		if (!get16(hdr + 6))
			memset(hdr + 6, 0xff, 2);
	}
	memcpy(portp, &newport, 2);
	return true;
}

/*
 * sctp_manip_pkt(): the port; then, when the whole common header is there
 * (a quoted header may be only 8 bytes), the CRC32c computed again from
 * scratch over everything from the header to the end of 'b' (of 'len'
 * bytes), as Linux's sctp_compute_cksum() runs to the end of the skb: for
 * a quoted packet inside an ICMP error that is the rest of the error.
 * Linux leaves the CRC to the device for a CHECKSUM_PARTIAL packet (a
 * local socket's, GSO): nfu has none.  The CRC does not cover the IP
 * header, so an address alone changes nothing here.
 */
static bool sctp_manip(unsigned char *b, size_t len, unsigned int hdroff,
		       const struct nfu_ct_tuple *t,
		       enum nfu_nat_manip_type manip)
{
	unsigned char *hdr = b + hdroff;
	uint32_t c;

	if (len < (size_t)hdroff + 8)
		return false;
	if (manip == NFU_NAT_MANIP_SRC)
		memcpy(hdr, &t->sport, 2);
	else
		memcpy(hdr + 2, &t->dport, 2);
	if (len < (size_t)hdroff + 12)
		return true;
	c = nfu_sctp_csum(hdr, len - hdroff);
	memcpy(hdr + 8, &c, 4);
	return true;
}

/* icmp_manip_pkt(): a query's id (the tuple's, either way); errors and
 * other types are left alone. */
static bool icmp_manip(unsigned char *b, size_t len, unsigned int hdroff,
		       const struct nfu_ct_tuple *t)
{
	unsigned char *hdr = b + hdroff;

	if (len < (size_t)hdroff + 8)
		return false;
	switch (hdr[0]) {
	case 0: case 8: case 13: case 14: case 15: case 16: case 17: case 18:
		break;
	default:
		return true;
	}
	lx_replace2(hdr + 2, get16(hdr + 4), t->sport);
	memcpy(hdr + 4, &t->sport, 2);
	return true;
}

/* nf_nat_ipv4_manip_pkt() on the bytes 'b' of 'len' (from the packet's
 * network header): the IP header at 'iphoff'. */
static bool manip_bytes(unsigned char *b, size_t len, unsigned int iphoff,
			const struct nfu_ct_tuple *t,
			enum nfu_nat_manip_type manip)
{
	unsigned char *iph = b + iphoff;
	unsigned int hdroff;
	bool ok = true;

	if (len < (size_t)iphoff + 20)
		return false;
	hdroff = iphoff + (iph[0] & 15u) * 4;
	switch (t->proto) {
	case 6:
		ok = tcp_manip(b, len, iphoff, hdroff, t, manip);
		break;
	case 17:
		ok = udp_manip(b, len, iphoff, hdroff, t, manip, false);
		break;
	case 136:
		ok = udp_manip(b, len, iphoff, hdroff, t, manip, true);
		break;
	case 1:
		ok = icmp_manip(b, len, hdroff, t);
		break;
	case 132:
		ok = sctp_manip(b, len, hdroff, t, manip);
		break;
	default:
		/* nothing of the transport to rewrite (GRE's keys only
		 * PPTP's NAT changes) */
		break;
	}
	if (!ok)
		return false;
	if (manip == NFU_NAT_MANIP_SRC) {
		nfu_csum_replace4_linux(iph + 10, get32(iph + 12), t->src);
		memcpy(iph + 12, &t->src, 4);
	} else {
		nfu_csum_replace4_linux(iph + 10, get32(iph + 16), t->dst);
		memcpy(iph + 16, &t->dst, 4);
	}
	return true;
}

bool nfu_nat_manip_pkt(struct nfu_pkt *pkt, unsigned int iphoff,
		       const struct nfu_ct_tuple *target,
		       enum nfu_nat_manip_type manip)
{
	size_t len;
	unsigned char *b = net_bytes(pkt, &len);

	return manip_bytes(b, len, iphoff, target, manip);
}

unsigned int nfu_nat_packet(struct nfu_ct *ct, uint32_t ctinfo,
			    unsigned int hook, struct nfu_pkt *pkt)
{
	enum nfu_nat_manip_type manip = nfu_nat_hook2manip(hook);
	unsigned int dir = nfu_ctinfo_dir(ctinfo);
	uint32_t bit = manip == NFU_NAT_MANIP_SRC ? NFU_IPS_SRC_NAT
						  : NFU_IPS_DST_NAT;
	struct nfu_ct_tuple target;

	if (dir == NFU_CT_DIR_REPLY)
		bit ^= NFU_IPS_SRC_NAT | NFU_IPS_DST_NAT;
	if (!(ct->status & bit))
		return NFU_ACCEPT;
	/* to look like the reverse of the other direction */
	if (!nfu_nat_invert_tuple(&target, &ct->tuplehash[!dir].tuple))
		return NFU_DROP;
	if (!nfu_nat_manip_pkt(pkt, 0, &target, manip)) {
		pkt->drop_reason = NFU_DROP_NETFILTER;
		return NFU_DROP;
	}
	return NFU_ACCEPT;
}

bool nfu_nat_icmp_reply_translation(struct nfu_pkt *pkt, struct nfu_ct *ct,
				    uint32_t ctinfo, unsigned int hook)
{
	enum nfu_nat_manip_type manip = nfu_nat_hook2manip(hook);
	unsigned int dir = nfu_ctinfo_dir(ctinfo);
	uint32_t bit = manip == NFU_NAT_MANIP_SRC ? NFU_IPS_SRC_NAT
						  : NFU_IPS_DST_NAT;
	struct nfu_ct_tuple target;
	unsigned int hdrlen;
	unsigned char *b, *icmp;
	size_t len;
	uint16_t c;

	b = net_bytes(pkt, &len);
	hdrlen = (b[0] & 15u) * 4;
	/* the ICMP header and the quoted IP header must be there */
	if (len < (size_t)hdrlen + 8 + 20)
		return false;
	icmp = b + hdrlen;
	/* nf_ip_checksum(): a wrong checksum is not translated (dropped) */
	if (nfu_csum_fold(nfu_csum_partial(icmp, len - hdrlen, 0)) != 0)
		return false;
	if (icmp[0] == 5) { /* a redirect about a translated connection */
		uint32_t done = NFU_IPS_SRC_NAT_DONE | NFU_IPS_DST_NAT_DONE;

		if ((ct->status & done) != done)
			return false;
		if (ct->status & (NFU_IPS_SRC_NAT | NFU_IPS_DST_NAT))
			return false;
	}
	if (dir == NFU_CT_DIR_REPLY)
		bit ^= NFU_IPS_SRC_NAT | NFU_IPS_DST_NAT;
	if (!(ct->status & bit))
		return true;
	/* the quoted packet went the other way: the other direction's tuple
	 * as it is, with the other manip */
	if (!manip_bytes(b, len, hdrlen + 8, &ct->tuplehash[!dir].tuple,
			 manip == NFU_NAT_MANIP_SRC ? NFU_NAT_MANIP_DST
						    : NFU_NAT_MANIP_SRC))
		return false;
	/* the ICMP checksum computed again over the message */
	memset(icmp + 2, 0, 2);
	c = nfu_csum_fold(nfu_csum_partial(icmp, len - hdrlen, 0));
	memcpy(icmp + 2, &c, 2);
	/* the outer header made to look like the reply to an incoming
	 * packet: the other direction's tuple reversed (an ICMP error
	 * type, whose id nothing touches) */
	memset(&target, 0, sizeof(target));
	target.src = ct->tuplehash[!dir].tuple.dst;
	target.dst = ct->tuplehash[!dir].tuple.src;
	target.proto = 1;
	return manip_bytes(b, len, 0, &target, manip);
}
