/* SPDX-License-Identifier: MIT */
/*
 * Local delivery (ip_local_deliver): reassembly of fragments (defrag.c),
 * LOCAL_IN, then the embedding application or the built-in host, which
 * answers as a Linux host with no listening sockets.
 */
#include "ipv4/ipv4-private.h"

#define NFU_IPPROTO_IGMP 2

static int local_deliver_finish(struct nfu_net *net, struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);

	net->stats.in_delivers++;
	if (net->ops.deliver && net->ops.deliver(net->ops.priv, pkt))
		return 0;
	switch (iph->protocol) {
	case NFU_IPPROTO_ICMP:
		return nfu_icmp_rcv(net, pkt);
	case NFU_IPPROTO_TCP:
		return nfu_tcp_v4_rcv(net, pkt);
	case NFU_IPPROTO_UDP:
		return nfu_udp_rcv(net, pkt);
	case NFU_IPPROTO_IGMP:
		/* igmp_rcv() consumes it: nothing to answer as a host */
		nfu_pkt_drop(pkt, NFU_DROP_NO_RESPONDER);
		return 0;
	default:
		/* no raw socket, no handler: protocol unreachable */
		nfu_icmp_send(net, pkt, NFU_ICMP_DEST_UNREACH,
			      NFU_ICMP_PROT_UNREACH, 0);
		nfu_pkt_drop(pkt, NFU_DROP_UNHANDLED_PROTO);
		return 0;
	}
}

int nfu_ip_local_deliver(struct nfu_net *net, struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);

	/* As Linux, fragments are reassembled here, before LOCAL_IN:
	 * PRE_ROUTING saw each fragment, LOCAL_IN sees the datagram. */
	if (iph->frag_off & __builtin_bswap16(NFU_IP_MF | NFU_IP_OFFSET)) {
		if (nfu_ip_defrag(net, &pkt, NFU_IP_DEFRAG_LOCAL_DELIVER))
			return 0;
	}
	return nfu_nf_hook(net, NFU_PROTO_IPV4, NFU_INET_LOCAL_IN, pkt, pkt->in,
			   NULL, local_deliver_finish);
}
