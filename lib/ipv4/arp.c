/* SPDX-License-Identifier: MIT */
/*
 * ARP as the host's side of it (arp_process): requests for one of the
 * host's addresses are answered and their sender learnt; replies and other
 * requests update an entry that exists.  No ARP netfilter hooks (arptables)
 * and no proxy ARP.  nfu never sends requests of its own: next hops come
 * from 'ip neigh' lines or from what was learnt (see nfu/net.h).
 */
#include <string.h>

#include "ipv4/ipv4-private.h"

#define ARPHRD_ETHER 1
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2
#define ARP_LEN 28

static void arp_reply(struct nfu_net *net, struct nfu_dev *dev,
		      const unsigned char *sha, uint32_t sip, uint32_t tip)
{
	struct nfu_pkt *r = nfu_pkt_alloc(net, 14 + ARP_LEN);
	unsigned char *f;

	if (!r)
		return;
	f = nfu_pkt_put(r, 14 + ARP_LEN);
	memcpy(f, sha, 6);
	memcpy(f + 6, dev->mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	r->mac_off = (uint32_t)nfu_pkt_headroom(r);
	r->network_off = r->mac_off + 14;
	f += 14;
	f[0] = 0;
	f[1] = ARPHRD_ETHER;
	f[2] = 0x08;
	f[3] = 0x00;
	f[4] = 6;
	f[5] = 4;
	f[6] = 0;
	f[7] = ARPOP_REPLY;
	memcpy(f + 8, dev->mac, 6);
	memcpy(f + 14, &tip, 4);
	memcpy(f + 18, sha, 6);
	memcpy(f + 24, &sip, 4);
	r->out = dev;
	r->local_out = 1;
	r->pkt_type = NFU_PACKET_OUTGOING;
	net->stats.tx++;
	if (net->ops.xmit)
		net->ops.xmit(net->ops.priv, dev, r->data, r->len, r);
	nfu_pkt_free(r);
}

int nfu_arp_rcv(struct nfu_net *net, struct nfu_pkt *pkt)
{
	const unsigned char *a = pkt->data;
	struct nfu_dev *dev = pkt->in;
	const struct nfu_route *rt;
	uint32_t sip, tip;
	unsigned int op;
	unsigned char sha[6];

	/* arp_rcv(): what does not reach arp_process() */
	if (pkt->len < ARP_LEN || pkt->pkt_type == NFU_PACKET_OTHERHOST ||
	    dev->loopback)
		goto drop;
	if (((a[0] << 8) | a[1]) != ARPHRD_ETHER ||
	    ((a[2] << 8) | a[3]) != 0x0800 || a[4] != 6 || a[5] != 4)
		goto drop;
	op = (unsigned int)((a[6] << 8) | a[7]);
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY)
		goto drop;
	memcpy(sha, a + 8, 6);
	memcpy(&sip, a + 14, 4);
	memcpy(&tip, a + 24, 4);
	if (nfu_ipv4_is_multicast(tip) ||
	    (nfu_ipv4_is_loopback(tip) &&
	     !nfu_devconf_route_localnet(net, dev->ifindex)))
		goto drop;
	if (!nfu_ifaddr_list(net, dev->ifindex))
		goto drop;

	if (sip == 0) {
		/* duplicate address detection probe: answer for ours */
		rt = nfu_fib_lookup_net(net, tip);
		if (op == ARPOP_REQUEST && rt && rt->type == NFU_RTN_LOCAL)
			arp_reply(net, dev, sha, sip, tip);
		goto done;
	}
	if (op == ARPOP_REQUEST) {
		/* ip_route_input_noref(skb, tip, sip): the sender passes the
		 * martian and reverse path checks like an IPv4 packet */
		struct nfu_pkt probe = *pkt;
		unsigned char hdr[20] = { 0x45 };
		enum nfu_drop_reason reason;
		int rt_err;

		memcpy(hdr + 12, &sip, 4);
		memcpy(hdr + 16, &tip, 4);
		probe.head = hdr;
		probe.network_off = 0;
		probe.pkt_type = NFU_PACKET_HOST;
		if (nfu_ip_route_input(net, &probe, &reason, &rt_err) == 0 &&
		    probe.rt_type == NFU_RTN_LOCAL) {
			nfu_neigh_learn(net, dev->ifindex, sip, sha);
			arp_reply(net, dev, sha, sip, tip);
			goto done;
		}
	}
	/* a reply, or a request not for us: refresh what we know; Linux
	 * creates no entry here (arp_accept=0) */
	{
		uint8_t old[6];
		if (nfu_neigh_lookup(net, dev->ifindex, sip, old) == 0)
			nfu_neigh_learn(net, dev->ifindex, sip, sha);
	}
done:
	nfu_pkt_free(pkt);
	return 0;
drop:
	nfu_pkt_drop(pkt, NFU_DROP_NOT_IPV4);
	return 0;
}
