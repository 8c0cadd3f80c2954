/* SPDX-License-Identifier: MIT */
/*
 * The TCP tracker: a placeholder until the state machine lands (ports
 * only, the established timeout, every packet valid).
 */
#include <string.h>

#include "conntrack/ct-private.h"

static bool tcp_pkt_to_tuple(const uint8_t *l4, size_t len,
			     struct nfu_ct_tuple *t)
{
	if (len < 4)
		return false;
	memcpy(&t->sport, l4, 2);
	memcpy(&t->dport, l4 + 2, 2);
	return true;
}

static bool tcp_invert(struct nfu_ct_tuple *inv, const struct nfu_ct_tuple *orig)
{
	inv->sport = orig->dport;
	inv->dport = orig->sport;
	return true;
}

static int tcp_packet(struct nfu_ct *ct, struct nfu_pkt *pkt,
		      unsigned int thoff, enum nfu_ctinfo ctinfo,
		      unsigned int hook)
{
	(void)pkt;
	(void)thoff;
	(void)ctinfo;
	(void)hook;
	nfu_ct_refresh(ct, ct->cn->sysctl.tcp_timeouts[NFU_CT_TCP_ESTABLISHED]);
	return NFU_ACCEPT;
}

const struct nfu_ct_l4proto nfu_ct_l4proto_tcp = {
	.proto = 6,
	.name = "tcp",
	.pkt_to_tuple = tcp_pkt_to_tuple,
	.invert_tuple = tcp_invert,
	.packet = tcp_packet,
};
