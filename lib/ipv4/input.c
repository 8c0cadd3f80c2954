/* SPDX-License-Identifier: MIT */
/*
 * IPv4 input: frames in, Linux's ip_rcv_core() checks before PRE_ROUTING,
 * then PRE_ROUTING, then routing (ip_rcv_finish) and the route's input
 * function: local delivery, forwarding, or ip_error().
 */
#include <errno.h>
#include <string.h>

#include "core/csum.h"
#include "ipv4/ipv4-private.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define NET_IP_ALIGN 2

static int deliver_in(struct nfu_net *net, struct nfu_pkt *pkt);

int nfu_rx(struct nfu_net *net, int ifindex, const void *frame, size_t len)
{
	struct nfu_dev *dev = nfu_dev_by_index(net, ifindex);
	const unsigned char *f = frame;
	struct nfu_pkt *pkt;

	nfu_ip_defrag_expire(net); /* the reassembly timers that ran out */
	if (!dev)
		return -ENODEV;
	net->stats.rx++;
	pkt = nfu_pkt_alloc(net, len + NET_IP_ALIGN);
	if (!pkt) {
		net->drops[NFU_DROP_NOMEM]++;
		net->stats.dropped++;
		return -ENOMEM;
	}
	/* as Linux's NET_IP_ALIGN: the IP header after the 14-byte
	 * Ethernet header lands on a 4-byte boundary */
	pkt->data += NET_IP_ALIGN;
	memcpy(nfu_pkt_put(pkt, len), frame, len);
	pkt->in = dev;
	pkt->mac_off = (uint32_t)nfu_pkt_headroom(pkt);
	if (len < ETH_HLEN) {
		nfu_pkt_drop(pkt, NFU_DROP_NOT_IPV4);
		return 0;
	}
	/* eth_type_trans(): the packet type from the destination MAC */
	if (f[0] & 1)
		pkt->pkt_type = memcmp(f, "\xff\xff\xff\xff\xff\xff", 6)
					? NFU_PACKET_MULTICAST
					: NFU_PACKET_BROADCAST;
	else if (memcmp(f, dev->mac, 6))
		pkt->pkt_type = NFU_PACKET_OTHERHOST;
	else
		pkt->pkt_type = NFU_PACKET_HOST;
	nfu_pkt_pull(pkt, ETH_HLEN);
	if (((f[12] << 8) | f[13]) == ETH_P_ARP) {
		nfu_pkt_reset_network_header(pkt);
		if (!dev->up)
			nfu_pkt_drop(pkt, NFU_DROP_DEV_DOWN);
		else
			nfu_arp_rcv(net, pkt);
		return 0;
	}
	if (((f[12] << 8) | f[13]) != ETH_P_IP) {
		nfu_pkt_drop(pkt, NFU_DROP_NOT_IPV4);
		return 0;
	}
	return deliver_in(net, pkt);
}

int nfu_rx_ip(struct nfu_net *net, int ifindex, const void *ip, size_t len)
{
	struct nfu_dev *dev = nfu_dev_by_index(net, ifindex);
	struct nfu_pkt *pkt;

	nfu_ip_defrag_expire(net);
	if (!dev)
		return -ENODEV;
	net->stats.rx++;
	pkt = nfu_pkt_from_bytes(net, ip, len);
	if (!pkt) {
		net->drops[NFU_DROP_NOMEM]++;
		net->stats.dropped++;
		return -ENOMEM;
	}
	pkt->in = dev;
	pkt->pkt_type = NFU_PACKET_HOST;
	pkt->mac_off = (uint32_t)nfu_pkt_headroom(pkt);
	return deliver_in(net, pkt);
}

static int deliver_in(struct nfu_net *net, struct nfu_pkt *pkt)
{
	if (!pkt->in->up) {
		nfu_pkt_drop(pkt, NFU_DROP_DEV_DOWN);
		return 0;
	}
	nfu_ip_rcv(net, pkt);
	nfu_ip_backlog_run(net);
	return 0;
}

static int ip_rcv_finish(struct nfu_net *net, struct nfu_pkt *pkt);

/* ip_rcv() and ip_rcv_core(): what is dropped before PRE_ROUTING. */
int nfu_ip_rcv(struct nfu_net *net, struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph;
	unsigned int hlen, tot;

	nfu_pkt_reset_network_header(pkt);
	if (pkt->pkt_type == NFU_PACKET_OTHERHOST) {
		nfu_pkt_drop(pkt, NFU_DROP_OTHERHOST);
		return 0;
	}
	if (pkt->len < sizeof(struct nfu_iphdr)) {
		nfu_pkt_drop(pkt, NFU_DROP_IP_TOO_SHORT);
		return 0;
	}
	iph = nfu_ip_hdr(pkt);
	hlen = nfu_ip_hlen(iph);
	if ((iph->ver_ihl >> 4) != 4) {
		nfu_pkt_drop(pkt, NFU_DROP_IP_VERSION);
		return 0;
	}
	if (hlen < 20) {
		nfu_pkt_drop(pkt, NFU_DROP_IP_IHL);
		return 0;
	}
	if (pkt->len < hlen) {
		nfu_pkt_drop(pkt, NFU_DROP_IP_TOO_SHORT);
		return 0;
	}
	if (nfu_csum_fold(nfu_csum_partial(iph, hlen, 0)) != 0) {
		nfu_pkt_drop(pkt, NFU_DROP_IP_CSUM);
		return 0;
	}
	tot = __builtin_bswap16(iph->tot_len);
	if (pkt->len < tot || tot < hlen) {
		nfu_pkt_drop(pkt, NFU_DROP_IP_TOTLEN);
		return 0;
	}
	/* the link layer may have padded the frame */
	nfu_pkt_trim(pkt, tot);
	pkt->transport_off = pkt->network_off + hlen;
	return nfu_nf_hook(net, NFU_PROTO_IPV4, NFU_INET_PRE_ROUTING, pkt,
			   pkt->in, NULL, ip_rcv_finish);
}

/* ip_error(): an input route that leads nowhere. */
static int ip_error(struct nfu_net *net, struct nfu_pkt *pkt, int err)
{
	uint8_t code;

	if (!nfu_devconf_forward(net, pkt->in->ifindex))
		goto out;
	switch (err) {
	case -EHOSTUNREACH:
		code = NFU_ICMP_HOST_UNREACH;
		break;
	case -ENETUNREACH:
		code = NFU_ICMP_NET_UNREACH;
		break;
	case -EACCES:
		code = NFU_ICMP_PKT_FILTERED;
		break;
	default:
		goto out;
	}
	if (nfu_ip_error_allow(net, nfu_ip_hdr(pkt)->saddr))
		nfu_icmp_send(net, pkt, NFU_ICMP_DEST_UNREACH, code, 0);
out:
	nfu_pkt_drop(pkt, err == -EINVAL ? NFU_DROP_BLACKHOLE
		     : !nfu_devconf_forward(net, pkt->in->ifindex)
			     ? NFU_DROP_FORWARDING_OFF
		     : err == -ENETUNREACH ? NFU_DROP_NO_ROUTE
					   : NFU_DROP_UNREACHABLE);
	return 0;
}

static int ip_rcv_finish(struct nfu_net *net, struct nfu_pkt *pkt)
{
	enum nfu_drop_reason reason = NFU_DROP_NONE;
	int rt_err, err;

	/* A packet looped back (through lo, or a broadcast's copy) keeps the
	 * route it was sent by, as Linux keeps its skb_dst: no martian
	 * checks, no second lookup. */
	if (pkt->rt_kept)
		err = 0, rt_err = 0, pkt->out = NULL;
	else
		err = nfu_ip_route_input(net, pkt, &reason, &rt_err);
	if (err < 0) {
		nfu_pkt_drop(pkt, reason);
		return 0;
	}
	/* ip_rcv_options(), after routing as in Linux */
	if (nfu_ip_hlen(nfu_ip_hdr(pkt)) > 20) {
		int bad = nfu_ip_options_compile(net, pkt);
		struct nfu_ipv4_net *in = nfu_ipv4(net);

		if (bad > 0) {
			nfu_icmp_send(net, pkt, NFU_ICMP_PARAMETERPROB, 0,
				      __builtin_bswap32((uint32_t)bad << 24));
			nfu_pkt_drop(pkt, NFU_DROP_IP_OPTIONS);
			return 0;
		}
		if (pkt->ipopt.srr && pkt->in &&
		    !in->conf_all.accept_source_route &&
		    !in->conf[pkt->in->ifindex].accept_source_route) {
			nfu_pkt_drop(pkt, NFU_DROP_IP_OPTIONS);
			return 0;
		}
	}
	switch (pkt->rt_type) {
	case NFU_RTN_LOCAL:
	case NFU_RTN_BROADCAST:
	case NFU_RTN_MULTICAST:
		return nfu_ip_local_deliver(net, pkt);
	case NFU_RTN_UNICAST:
		return nfu_ip_forward(net, pkt);
	default:
		return ip_error(net, pkt, rt_err);
	}
}

/* Packets sent through lo come back in here, after the current packet is
 * done, as netif_rx() defers them to the softirq. */
void nfu_ip_backlog_add(struct nfu_net *net, struct nfu_pkt *pkt)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);

	pkt->next = NULL;
	*in->backlog_tail = pkt;
	in->backlog_tail = &pkt->next;
}

void nfu_ip_backlog_run(struct nfu_net *net)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);

	if (in->in_backlog)
		return;
	in->in_backlog = true;
	while (in->backlog) {
		struct nfu_pkt *pkt = in->backlog;

		in->backlog = pkt->next;
		if (!in->backlog)
			in->backlog_tail = &in->backlog;
		pkt->next = NULL;
		nfu_ip_rcv(net, pkt);
	}
	in->in_backlog = false;
}
