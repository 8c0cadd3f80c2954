/* SPDX-License-Identifier: MIT */
/*
 * Output: locally generated packets (ip_local_out: route, LOCAL_OUT) and
 * every packet leaving (ip_output: POST_ROUTING, fragmentation, the
 * neighbour's link header, the device).  Packets to the host itself go
 * through lo and come back in by the backlog.
 */
#include <errno.h>
#include <string.h>

#include "core/csum.h"
#include "ipv4/frag.h"
#include "ipv4/ipv4-private.h"

#define ETH_HLEN 14

uint16_t nfu_ip_select_id(struct nfu_net *net)
{
	/* Linux hashes (daddr, saddr, protocol) into a table of counters
	 * perturbed at random; nfu counts, so that replays are
	 * reproducible.  Conformance tests mask this field. */
	return __builtin_bswap16(nfu_ipv4(net)->ip_id_next++);
}

static bool is_l2_broadcast(const struct nfu_net *net, const struct nfu_pkt *pkt)
{
	const struct nfu_ifaddr *a;

	if (pkt->rt_type == NFU_RTN_BROADCAST || nfu_ipv4_is_lbcast(pkt->nexthop))
		return true;
	for (a = nfu_ifaddr_list(net, pkt->out->ifindex); a; a = a->next)
		if (a->plen < 31 && pkt->nexthop == (a->local | ~a->mask))
			return true;
	return false;
}

static int neigh_output(struct nfu_net *net, struct nfu_pkt *pkt)
{
	struct nfu_dev *dev = pkt->out;
	unsigned char *eth;

	if (dev->loopback) {
		/* loopback_xmit(): back in through lo */
		pkt->in = dev;
		pkt->out = NULL;
		pkt->pkt_type = NFU_PACKET_HOST;
		pkt->rt_kept = 1;
		net->stats.tx++;
		nfu_ip_backlog_add(net, pkt);
		return 0;
	}
	if (!dev->up) {
		nfu_pkt_drop(pkt, NFU_DROP_DEV_DOWN);
		return 0;
	}
	if (nfu_pkt_headroom(pkt) < ETH_HLEN) {
		nfu_pkt_drop(pkt, NFU_DROP_NOMEM);
		return -ENOMEM;
	}
	eth = nfu_pkt_push(pkt, ETH_HLEN);
	pkt->mac_off = (uint32_t)nfu_pkt_headroom(pkt);
	if (nfu_ipv4_is_multicast(pkt->nexthop)) {
		uint32_t h = __builtin_bswap32(pkt->nexthop);
		const uint8_t m[6] = { 0x01, 0x00, 0x5e, (uint8_t)((h >> 16) & 0x7f),
				       (uint8_t)(h >> 8), (uint8_t)h };
		memcpy(eth, m, 6);
	} else if (is_l2_broadcast(net, pkt)) {
		memset(eth, 0xff, 6);
	} else if (nfu_neigh_lookup(net, dev->ifindex, pkt->nexthop, eth) < 0) {
		memset(eth, 0, 6);
		net->stats.neigh_unresolved++;
	}
	memcpy(eth + 6, dev->mac, 6);
	eth[12] = 0x08;
	eth[13] = 0x00;
	net->stats.tx++;
	if (net->ops.xmit)
		net->ops.xmit(net->ops.priv, dev, pkt->data, pkt->len, pkt);
	nfu_pkt_free(pkt);
	return 0;
}

/* ip_finish_output(): fragment what does not fit the device, and a
 * datagram reassembled from fragments whatever its size (Linux's
 * __ip_finish_output() sends every one with a frag_max_size through
 * ip_fragment(): it leaves in fragments again). */
static int finish_output(struct nfu_net *net, struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	uint32_t mtu = pkt->out->mtu;

	if (pkt->len <= mtu && !pkt->frag_max_size)
		return neigh_output(net, pkt);
	/* ip_fragment(): DF refuses, unless conntrack's defrag made the
	 * datagram (ignore_df) from fragments that each fit */
	if ((iph->frag_off & __builtin_bswap16(NFU_IP_DF)) &&
	    (!pkt->ignore_df || pkt->frag_max_size > mtu)) {
		nfu_icmp_send(net, pkt, NFU_ICMP_DEST_UNREACH,
			      NFU_ICMP_FRAG_NEEDED, __builtin_bswap32(mtu));
		nfu_pkt_drop(pkt, NFU_DROP_FRAG_NEEDED);
		return -EMSGSIZE;
	}
	return nfu_ip_fragment(net, pkt, mtu, neigh_output);
}

/* dev_loopback_xmit(): the local copy of a broadcast comes back in by the
 * device it was sent on. */
static int loop_copy(struct nfu_net *net, struct nfu_pkt *pkt)
{
	pkt->in = pkt->out;
	pkt->out = NULL;
	pkt->pkt_type = NFU_PACKET_LOOPBACK;
	pkt->rt_kept = 1;
	nfu_ip_backlog_add(net, pkt);
	return 0;
}

int nfu_ip_output(struct nfu_net *net, struct nfu_pkt *pkt)
{
	/* ip_mc_output(): a broadcast the host sends is also delivered to
	 * the host itself: a copy passes POST_ROUTING first and loops back */
	if (pkt->local_out && pkt->rt_type == NFU_RTN_BROADCAST &&
	    !pkt->out->loopback) {
		struct nfu_pkt *copy = nfu_pkt_copy(pkt);

		if (copy)
			nfu_nf_hook(net, NFU_PROTO_IPV4, NFU_INET_POST_ROUTING,
				    copy, NULL, copy->out, loop_copy);
	}
	/* As Linux's ip_output(), which passes skb->dev as the input device:
	 * a forwarded packet shows POST_ROUTING the device it came in by (a
	 * "-i" in a user chain reached from there matches it), a packet of
	 * the host none. */
	return nfu_nf_hook(net, NFU_PROTO_IPV4, NFU_INET_POST_ROUTING, pkt,
			   pkt->in, pkt->out, finish_output);
}

static int local_out_finish(struct nfu_net *net, struct nfu_pkt *pkt)
{
	return nfu_ip_output(net, pkt);
}

int nfu_ip_local_out(struct nfu_net *net, struct nfu_pkt *pkt)
{
	struct nfu_iphdr *iph;
	struct nfu_rt_result res;
	unsigned int hlen;
	int err;

	nfu_pkt_reset_network_header(pkt);
	iph = nfu_ip_hdr(pkt);
	hlen = nfu_ip_hlen(iph);
	pkt->transport_off = pkt->network_off + hlen;
	err = nfu_ip_route_output(net, iph->daddr, iph->saddr, &res);
	if (err < 0) {
		nfu_pkt_drop(pkt, err == -ENETUNREACH ? NFU_DROP_NO_ROUTE
						      : NFU_DROP_UNREACHABLE);
		return err;
	}
	if (!iph->saddr) {
		iph->saddr = res.prefsrc;
		/* the transport checksum covers the source: the caller left
		 * it to us only for protocols without a pseudo-header */
	}
	pkt->out = nfu_dev_by_index(net, res.ifindex);
	pkt->nexthop = res.nexthop;
	pkt->rt_type = res.type;
	pkt->in = NULL;
	pkt->local_out = 1;
	/* As in Linux, where a new skb's pkt_type is 0: PACKET_HOST, which
	 * "-m pkttype --pkt-type unicast" matches in OUTPUT and POSTROUTING
	 * (PACKET_OUTGOING is only what packet taps see). */
	pkt->pkt_type = NFU_PACKET_HOST;
	iph->tot_len = __builtin_bswap16((uint16_t)pkt->len);
	iph->check = 0;
	iph->check = nfu_ip_fast_csum(iph, hlen / 4);
	net->stats.out_requests++;
	return nfu_nf_hook(net, NFU_PROTO_IPV4, NFU_INET_LOCAL_OUT, pkt, NULL,
			   pkt->out, local_out_finish);
}

int nfu_ip_route_me_harder(struct nfu_net *net, struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = (const struct nfu_iphdr *)(const void *)
					      nfu_pkt_network_header(pkt);
	struct nfu_rt_result res;
	int err;

	/* Linux keeps the source as it is when it is the host's or a
	 * unicast address (FLOWI_FLAG_ANYSRC), and lets the route choose
	 * otherwise; the route decides the device, next hop and type */
	err = nfu_ip_route_output(net, iph->daddr, iph->saddr, &res);
	if (err < 0) {
		/* the caller's hook drops it */
		pkt->drop_reason = err == -ENETUNREACH ? NFU_DROP_NO_ROUTE
						       : NFU_DROP_UNREACHABLE;
		return err;
	}
	pkt->out = nfu_dev_by_index(net, res.ifindex);
	pkt->nexthop = res.nexthop;
	pkt->rt_type = res.type;
	return 0;
}

int nfu_send_ip(struct nfu_net *net, const void *ip, size_t len)
{
	const unsigned char *b = ip;
	struct nfu_pkt *pkt;
	unsigned int hlen;
	int err;

	nfu_ip_defrag_expire(net); /* the reassembly timers that ran out */
	if (len < 20 || (b[0] >> 4) != 4)
		return -EINVAL;
	hlen = (b[0] & 0x0fu) * 4u;
	if (hlen < 20 || hlen > len || len > 65535)
		return -EINVAL;
	pkt = nfu_pkt_from_bytes(net, ip, len);
	if (!pkt)
		return -ENOMEM;
	err = nfu_ip_local_out(net, pkt);
	nfu_ip_backlog_run(net);
	return err == -EPERM ? 0 : err;
}
