/* SPDX-License-Identifier: MIT */
/*
 * The generic tracker: protocols without one of their own (Linux's
 * nf_conntrack_proto_generic.c): the tuple is the addresses and the
 * protocol; every packet refreshes nf_conntrack_generic_timeout.
 */
#include "conntrack/ct-private.h"

static bool generic_pkt_to_tuple(const uint8_t *l4, size_t len,
				 struct nfu_ct_tuple *t)
{
	(void)l4;
	(void)len;
	t->sport = t->dport = 0;
	return true;
}

static bool generic_invert(struct nfu_ct_tuple *inv,
			   const struct nfu_ct_tuple *orig)
{
	(void)orig;
	inv->sport = inv->dport = 0;
	return true;
}

static int generic_packet(struct nfu_ct *ct, struct nfu_pkt *pkt,
			  unsigned int thoff, enum nfu_ctinfo ctinfo,
			  unsigned int hook)
{
	(void)pkt;
	(void)thoff;
	(void)ctinfo;
	(void)hook;
	nfu_ct_refresh(ct, ct->cn->sysctl.generic_timeout);
	return NFU_ACCEPT;
}

const struct nfu_ct_l4proto nfu_ct_l4proto_generic = {
	.proto = 0,
	.name = "unknown",
	.allow_clash = true,
	.pkt_to_tuple = generic_pkt_to_tuple,
	.invert_tuple = generic_invert,
	.packet = generic_packet,
};

const struct nfu_ct_l4proto *nfu_ct_l4proto_find(uint8_t proto)
{
	switch (proto) {
	case 6:
		return &nfu_ct_l4proto_tcp;
	case 17:
		return &nfu_ct_l4proto_udp;
	case 1:
		return &nfu_ct_l4proto_icmp;
	case 136:
		return &nfu_ct_l4proto_udplite;
	case 47:
		return &nfu_ct_l4proto_gre;
	case 132:
		return &nfu_ct_l4proto_sctp;
	default:
		return &nfu_ct_l4proto_generic;
	}
}
