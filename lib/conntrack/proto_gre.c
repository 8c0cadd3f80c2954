/* SPDX-License-Identifier: MIT */
/*
 * The GRE tracker (Linux's nf_conntrack_proto_gre.c, without the PPTP
 * helper's key map).  GRE version 0 (RFC 2784, 2890) is tracked as the
 * generic tracker would, by addresses alone (keys 0); version 1 (the
 * enhanced GRE of PPTP, RFC 2637) by the call ID of its header as the
 * destination key, the source key 0 (only the pptp helper, which nfu does
 * not have, maps the peer's call ID to it).  A version 1 header of another
 * protocol than PPP (0x880b) is INVALID; one too short to hold the call ID
 * is tracked with keys 0, as Linux does.  An unanswered flow lives
 * net.netfilter.nf_conntrack_gre_timeout (30 s) after each packet, one
 * answered nf_conntrack_gre_timeout_stream (180 s), and is ASSURED from
 * the first packet after the reply.
 */
#include <string.h>

#include "conntrack/ct-private.h"

#define GRE_VERSION_MASK 0x07
#define GRE_VERSION_1 0x01
#define GRE_PROTO_PPP 0x880b

/* gre_pkt_to_tuple() */
static bool gre_pkt_to_tuple(const uint8_t *l4, size_t len,
			     struct nfu_ct_tuple *t)
{
	t->sport = t->dport = 0;
	if (len < 4 || (l4[1] & GRE_VERSION_MASK) != GRE_VERSION_1)
		return true; /* "behave like nf_conntrack_proto_generic" */
	if (len < 8)
		return true; /* no call ID: keys 0 */
	if (((unsigned int)l4[2] << 8 | l4[3]) != GRE_PROTO_PPP)
		return false; /* unsupported GRE protocol: INVALID */
	memcpy(&t->dport, l4 + 6, 2); /* the call ID, network order */
	return true;
}

static bool gre_invert(struct nfu_ct_tuple *inv, const struct nfu_ct_tuple *orig)
{
	inv->sport = orig->dport;
	inv->dport = orig->sport;
	return true;
}

/* nf_conntrack_gre_packet() */
static int gre_packet(struct nfu_ct *ct, struct nfu_pkt *pkt,
		      unsigned int thoff, enum nfu_ctinfo ctinfo,
		      unsigned int hook)
{
	(void)pkt;
	(void)thoff;
	(void)ctinfo;
	(void)hook;
	if (ct->status & NFU_IPS_SEEN_REPLY) {
		nfu_ct_refresh(ct, ct->cn->sysctl.gre_timeout_stream);
		/* a clash entry is never assured: it is gone within the
		 * second (Linux's "never set ASSURED for IPS_NAT_CLASH") */
		if (!(ct->status & NFU_IPS_NAT_CLASH))
			ct->status |= NFU_IPS_ASSURED;
	} else {
		nfu_ct_refresh(ct, ct->cn->sysctl.gre_timeout);
	}
	return NFU_ACCEPT;
}

const struct nfu_ct_l4proto nfu_ct_l4proto_gre = {
	.proto = 47,
	.name = "gre",
	.allow_clash = true,
	.pkt_to_tuple = gre_pkt_to_tuple,
	.invert_tuple = gre_invert,
	.packet = gre_packet,
};
