/* SPDX-License-Identifier: MIT */
/*
 * Forwarding (ip_forward): the checks in Linux's order, the TTL decrement
 * before FORWARD, then POST_ROUTING and output by ip_output().
 */
#include <string.h>

#include "core/csum.h"
#include "ipv4/ipv4-private.h"

static int forward_finish(struct nfu_net *net, struct nfu_pkt *pkt)
{
	if (pkt->ipopt.optlen)
		nfu_ip_forward_options(net, pkt);
	net->stats.forwarded++;
	return nfu_ip_output(net, pkt);
}

int nfu_ip_forward(struct nfu_net *net, struct nfu_pkt *pkt)
{
	struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	uint32_t mtu;
	uint16_t old;

	/* a unicast IP packet in a link-layer broadcast is not forwarded */
	if (pkt->pkt_type != NFU_PACKET_HOST) {
		nfu_pkt_drop(pkt, NFU_DROP_OTHERHOST);
		return 0;
	}
	if (iph->ttl <= 1) {
		nfu_icmp_send(net, pkt, NFU_ICMP_TIME_EXCEEDED, 0, 0);
		nfu_pkt_drop(pkt, NFU_DROP_TTL_EXCEEDED);
		return 0;
	}
	mtu = pkt->out->mtu;
	/* ip_exceeds_mtu(): only DF packets are refused here; the others
	 * are fragmented on output, and so is a datagram conntrack's
	 * defrag made (ignore_df) from fragments that each fit. */
	if (pkt->len > mtu && (iph->frag_off & __builtin_bswap16(NFU_IP_DF)) &&
	    (pkt->frag_max_size > mtu || !pkt->ignore_df)) {
		nfu_icmp_send(net, pkt, NFU_ICMP_DEST_UNREACH,
			      NFU_ICMP_FRAG_NEEDED, __builtin_bswap32(mtu));
		nfu_pkt_drop(pkt, NFU_DROP_FRAG_NEEDED);
		return 0;
	}
	/* ip_decrease_ttl(): the checksum adjusted incrementally */
	memcpy(&old, &iph->ttl, 2);
	iph->ttl--;
	{
		uint16_t now;
		memcpy(&now, &iph->ttl, 2);
		nfu_csum_replace2(&iph->check, old, now);
	}
	/* after the decrement, as Linux: the redirect quotes the new TTL */
	if (pkt->do_redirect)
		nfu_ip_send_redirect(net, pkt);
	return nfu_nf_hook(net, NFU_PROTO_IPV4, NFU_INET_FORWARD, pkt, pkt->in,
			   pkt->out, forward_finish);
}
