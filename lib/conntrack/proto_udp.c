/* SPDX-License-Identifier: MIT */
/*
 * The UDP tracker (Linux's nf_conntrack_proto_udp.c): a datagram that is
 * short, whose length field disagrees with the packet, or (at PRE_ROUTING,
 * with nf_conntrack_checksum) whose checksum is wrong is INVALID.  An
 * unreplied flow lives nf_conntrack_udp_timeout (30 s) after each packet;
 * one that saw a reply and is still active two seconds after it began is
 * a stream: ASSURED, and it lives nf_conntrack_udp_timeout_stream (120 s).
 *
 * UDP-Lite (protocol 136, Linux's nf_conntrack_udplite in the same file)
 * is tracked the same way, by its ports and with UDP's timeouts; only its
 * checks differ (udplite_error()): a checksum coverage other than 0 (the
 * whole datagram) that is below the header or beyond the datagram, or a
 * zero checksum (UDP-Lite mandates one), is INVALID, and so is a wrong
 * checksum of the covered bytes at PRE_ROUTING.  As in Linux, that
 * checksum is verified with protocol 17 in the pseudo-header
 * (nf_checksum_partial(..., IPPROTO_UDP, ...)), not RFC 3828's 136: a
 * datagram a UDP-Lite stack checksummed is INVALID to conntrack there.
 */
#include <string.h>

#include "conntrack/ct-private.h"
#include "core/csum.h"

#define NS_PER_SEC 1000000000ull

static bool udp_pkt_to_tuple(const uint8_t *l4, size_t len,
			     struct nfu_ct_tuple *t)
{
	if (len < 4) /* the ports are enough (Linux reads only them) */
		return false;
	memcpy(&t->sport, l4, 2);
	memcpy(&t->dport, l4 + 2, 2);
	return true;
}

static bool udp_invert(struct nfu_ct_tuple *inv, const struct nfu_ct_tuple *orig)
{
	inv->sport = orig->dport;
	inv->dport = orig->sport;
	return true;
}

/* udp_error() */
static bool udp_bad(const struct nfu_ct *ct, const struct nfu_pkt *pkt,
		    unsigned int thoff, unsigned int hook)
{
	size_t l4len = nfu_ct_l4_len(pkt, thoff);
	const uint8_t *uh = nfu_pkt_network_header(pkt) + thoff;
	unsigned int ulen;

	if (l4len < 8)
		return true; /* short packet */
	ulen = (unsigned int)uh[4] << 8 | uh[5];
	if (ulen > l4len || ulen < 8)
		return true; /* truncated/malformed packet */
	if (!uh[6] && !uh[7])
		return false; /* no checksum */
	return hook == NFU_INET_PRE_ROUTING && ct->cn->sysctl.checksum &&
	       !nfu_ct_l4_csum_ok(pkt, thoff, l4len, 17);
}

/* udplite_error() */
static bool udplite_bad(const struct nfu_ct *ct, const struct nfu_pkt *pkt,
			unsigned int thoff, unsigned int hook)
{
	size_t l4len = nfu_ct_l4_len(pkt, thoff);
	const uint8_t *ip = nfu_pkt_network_header(pkt);
	const uint8_t *uh = ip + thoff;
	uint32_t s, d, sum;
	size_t cscov;

	if (l4len < 8)
		return true; /* short packet */
	cscov = (size_t)uh[4] << 8 | uh[5];
	if (cscov == 0)
		cscov = l4len;
	else if (cscov < 8 || cscov > l4len)
		return true; /* invalid checksum coverage */
	if (!uh[6] && !uh[7])
		return true; /* checksum missing */
	if (hook != NFU_INET_PRE_ROUTING || !ct->cn->sysctl.checksum)
		return false;
	/* the pseudo-header with the datagram's length and, as Linux has
	 * it, protocol 17; the sum over the covered bytes only */
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	sum = nfu_csum_pseudo(s, d, 17, (uint16_t)l4len);
	return nfu_csum_fold(nfu_csum_partial(uh, cscov, sum)) != 0;
}

/* nf_conntrack_udp_packet(), once the datagram passed its checks. */
static int udp_track(struct nfu_ct *ct)
{
	const struct nfu_ct_sysctl *sc = &ct->cn->sysctl;

	if (!(ct->status & NFU_IPS_CONFIRMED))
		ct->proto.udp.stream_ts = nfu_net_now(ct->cn->net) + 2 * NS_PER_SEC;
	if (ct->status & NFU_IPS_SEEN_REPLY) {
		uint32_t t = sc->udp_timeout;
		bool stream = false;

		/* still active two seconds after it began: a stream, and
		 * only then ASSURED (Linux 6.18, checked in a namespace:
		 * a reply alone does not assure it) */
		if ((int64_t)(nfu_net_now(ct->cn->net) - ct->proto.udp.stream_ts) > 0) {
			t = sc->udp_timeout_stream;
			stream = true;
		}
		nfu_ct_refresh(ct, t);
		/* a clash entry's timeout is fixed (a second) and it never
		 * becomes ASSURED: it may always be evicted (Linux's "never
		 * set ASSURED for IPS_NAT_CLASH, they time out soon") */
		if (stream && !(ct->status & NFU_IPS_NAT_CLASH))
			ct->status |= NFU_IPS_ASSURED;
	} else {
		nfu_ct_refresh(ct, sc->udp_timeout);
	}
	return NFU_ACCEPT;
}

static int udp_packet(struct nfu_ct *ct, struct nfu_pkt *pkt,
		      unsigned int thoff, enum nfu_ctinfo ctinfo,
		      unsigned int hook)
{
	(void)ctinfo;
	if (udp_bad(ct, pkt, thoff, hook))
		return -(int)NFU_ACCEPT;
	return udp_track(ct);
}

static int udplite_packet(struct nfu_ct *ct, struct nfu_pkt *pkt,
			  unsigned int thoff, enum nfu_ctinfo ctinfo,
			  unsigned int hook)
{
	(void)ctinfo;
	if (udplite_bad(ct, pkt, thoff, hook))
		return -(int)NFU_ACCEPT;
	return udp_track(ct);
}

const struct nfu_ct_l4proto nfu_ct_l4proto_udp = {
	.proto = 17,
	.name = "udp",
	.allow_clash = true,
	.pkt_to_tuple = udp_pkt_to_tuple,
	.invert_tuple = udp_invert,
	.packet = udp_packet,
};

const struct nfu_ct_l4proto nfu_ct_l4proto_udplite = {
	.proto = 136,
	.name = "udplite",
	.allow_clash = true,
	.pkt_to_tuple = udp_pkt_to_tuple,
	.invert_tuple = udp_invert,
	.packet = udplite_packet,
};
