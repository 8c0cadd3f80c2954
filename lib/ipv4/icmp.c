/* SPDX-License-Identifier: MIT */
/*
 * ICMP: errors about packets (icmp_send), answers to echo and timestamp
 * requests (icmp_reply), and Linux's rate limits: the global token bucket
 * (icmp_msgs_per_sec, icmp_msgs_burst) and the per-destination one
 * (icmp_ratelimit, icmp_ratemask) kept in the inet_peer of the destination,
 * which ip_error() shares.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "ipv4/ipv4-private.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull
#define XRLIM_BURST_FACTOR 6

struct nfu_icmphdr {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	uint32_t un;
};

static bool icmp_is_error(uint8_t type)
{
	return type == NFU_ICMP_DEST_UNREACH || type == NFU_ICMP_SOURCE_QUENCH ||
	       type == NFU_ICMP_REDIRECT || type == NFU_ICMP_TIME_EXCEEDED ||
	       type == NFU_ICMP_PARAMETERPROB;
}

struct nfu_peer *nfu_peer_get(struct nfu_net *net, uint32_t addr)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	unsigned int b = ((__builtin_bswap32(addr) * 2654435761u) >> 16) %
			 NFU_PEER_BUCKETS;
	struct nfu_peer *p, *oldest = NULL;

	for (p = in->peers[b]; p; p = p->next) {
		if (p->addr == addr)
			return p;
		if (!oldest || p->rate_last < oldest->rate_last)
			oldest = p;
	}
	/* Bounded memory, whatever the sources: past NFU_PEER_MAX the
	 * least recently used peer of the bucket is reused (Linux's
	 * inet_peer garbage-collects old entries past a threshold too). */
	if (in->npeers >= NFU_PEER_MAX && oldest) {
		p = oldest;
		struct nfu_peer *next = p->next;
		memset(p, 0, sizeof(*p));
		p->next = next;
	} else {
		p = calloc(1, sizeof(*p));
		if (!p)
			return NULL; /* Linux too sends without a peer */
		p->next = in->peers[b];
		in->peers[b] = p;
		in->npeers++;
	}
	p->addr = addr;
	/* inet_getpeer(): "chosen enough high so that the first calculation
	 * of tokens is at its maximum" */
	p->rate_last = nfu_net_now(net) - 60 * NS_PER_S;
	return p;
}

void nfu_peers_free(struct nfu_ipv4_net *in)
{
	for (unsigned int i = 0; i < NFU_PEER_BUCKETS; i++) {
		while (in->peers[i]) {
			struct nfu_peer *p = in->peers[i];
			in->peers[i] = p->next;
			free(p);
		}
	}
}

/* inet_peer_xrlim_allow() */
static bool peer_xrlim_allow(struct nfu_net *net, struct nfu_peer *p,
			     uint64_t timeout)
{
	uint64_t now = nfu_net_now(net), token;
	bool rc = false;

	if (!p)
		return true;
	token = p->rate_tokens + (now - p->rate_last);
	p->rate_last = now;
	if (token > XRLIM_BURST_FACTOR * timeout)
		token = XRLIM_BURST_FACTOR * timeout;
	if (token >= timeout) {
		token -= timeout;
		rc = true;
	}
	p->rate_tokens = token;
	return rc;
}

bool nfu_ip_error_allow(struct nfu_net *net, uint32_t saddr)
{
	const uint64_t cost = NS_PER_S, burst = 5 * NS_PER_S;
	struct nfu_peer *p = nfu_peer_get(net, saddr);
	uint64_t now = nfu_net_now(net);

	if (!p)
		return true;
	p->rate_tokens += now - p->rate_last;
	if (p->rate_tokens > burst)
		p->rate_tokens = burst;
	p->rate_last = now;
	if (p->rate_tokens >= cost) {
		p->rate_tokens -= cost;
		return true;
	}
	return false;
}

/* icmpv4_mask_allow(): types the rate mask leaves alone. */
static bool mask_allow(const struct nfu_ipv4_net *in, uint8_t type,
		       uint8_t code)
{
	if (type > NFU_NR_ICMP_TYPES)
		return true;
	if (type == NFU_ICMP_DEST_UNREACH && code == NFU_ICMP_FRAG_NEEDED)
		return true;
	return !((1u << type) & (unsigned int)in->icmp_ratemask);
}

/* icmp_global_allow(), deterministic: Linux consumes 0, 1 or 2 credits at
 * random per message (icmp_global_consume); nfu consumes 1, the mean. */
static bool global_allow(struct nfu_net *net)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	uint64_t now = nfu_net_now(net), delta;
	int64_t incr;

	if (in->icmp_global_credit > 0)
		return true;
	delta = now - in->icmp_global_stamp;
	if (delta > NS_PER_S)
		delta = NS_PER_S;
	if (delta < NS_PER_S / 50)
		return false;
	incr = (int64_t)((uint64_t)in->icmp_msgs_per_sec * delta / NS_PER_S);
	if (!incr)
		return false;
	in->icmp_global_stamp = now;
	in->icmp_global_credit += incr;
	if (in->icmp_global_credit > in->icmp_msgs_burst)
		in->icmp_global_credit = in->icmp_msgs_burst;
	return true;
}

/* Both limits, in Linux's order.  'in_loopback': the offending packet came
 * in on lo; 'out_ifindex' the device the message leaves by. */
static bool icmp_allow(struct nfu_net *net, uint8_t type, uint8_t code,
		       uint32_t daddr, bool in_loopback, int out_ifindex)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	bool apply = false;

	if (!in_loopback && !mask_allow(in, type, code)) {
		if (!global_allow(net))
			return false;
		apply = true;
	}
	if (!apply)
		return true;
	if (out_ifindex == 1) { /* no per-peer limit on loopback */
		in->icmp_global_credit--;
		return true;
	}
	if (!peer_xrlim_allow(net, nfu_peer_get(net, daddr),
			      (uint64_t)in->icmp_ratelimit * NS_PER_MS))
		return false;
	in->icmp_global_credit--;
	return true;
}

/* Builds and sends an ICMP message: header 'h', then 'len' bytes of
 * 'data', from 'saddr' (0: the route's choice) to 'daddr', with the IP
 * options 'opt' (reflected from the packet answered). */
static void icmp_push(struct nfu_net *net, const struct nfu_icmphdr *h,
		      const void *data, size_t len, uint32_t saddr,
		      uint32_t daddr, uint8_t tos,
		      const unsigned char *opts, const struct nfu_ip_opt *opt,
		      const struct nfu_pkt *about)
{
	size_t hl = 20 + opt->optlen;
	struct nfu_pkt *pkt = nfu_pkt_alloc(net, hl + sizeof(*h) + len);
	struct nfu_iphdr *iph;
	struct nfu_icmphdr *ic;

	if (!pkt)
		return;
	iph = (struct nfu_iphdr *)nfu_pkt_put(pkt, hl);
	memset(iph, 0, 20);
	iph->ver_ihl = (uint8_t)(0x40 | (hl / 4));
	iph->tos = tos;
	iph->id = nfu_ip_select_id(net);
	iph->ttl = (uint8_t)nfu_ipv4(net)->ip_default_ttl;
	iph->protocol = NFU_IPPROTO_ICMP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	memcpy((unsigned char *)iph + 20, opts, opt->optlen);
	nfu_ip_options_build(net, (unsigned char *)iph, opt);
	/* ip_options_build() leaves them in IPCB(skb)->opt: an ICMP error
	 * about this message (REJECT in OUTPUT) reflects them in turn */
	pkt->ipopt = *opt;
	ic = (struct nfu_icmphdr *)nfu_pkt_put(pkt, sizeof(*h));
	*ic = *h;
	ic->checksum = 0;
	memcpy(nfu_pkt_put(pkt, len), data, len);
	ic->checksum = nfu_csum_fold(nfu_csum_partial(ic, sizeof(*h) + len, 0));
	/* IP4_REPLY_MARK(): an answer carries the mark of the packet it
	 * answers only with net.ipv4.fwmark_reflect, off by default (and not
	 * a sysctl of nfu's) */
	pkt->mark = 0;
	/* an error carries the connection of the packet it is about, as
	 * Linux's icmp_glue_bits() attaches it (nf_ct_attach) */
	if (about)
		nfu_pkt_ct_attach(pkt, about);
	nfu_ipv4(net)->icmp_xmit_busy = true;
	nfu_ip_local_out(net, pkt);
	nfu_ipv4(net)->icmp_xmit_busy = false;
}

void nfu_icmp_send(struct nfu_net *net, const struct nfu_pkt *skb_in,
		   uint8_t type, uint8_t code, uint32_t info)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	const struct nfu_iphdr *iph = nfu_ip_hdr(skb_in);
	unsigned int hlen = nfu_ip_hlen(iph);
	const unsigned char *nh = nfu_pkt_network_header(skb_in);
	size_t have = (size_t)(skb_in->data + skb_in->len - nh);
	struct nfu_rt_result rt;
	struct nfu_icmphdr h;
	struct nfu_ip_opt dopt;
	unsigned char opts[40];
	uint32_t saddr;
	size_t room, len, optlen;
	uint8_t tos;

	if (have < 20)
		return;
	/* icmp_xmit_lock() fails while this stack is sending an ICMP message:
	 * observed on Linux 6.18 (REJECT of the host's own echo reply in
	 * OUTPUT sends nothing; the same REJECT of its TCP reset does) */
	if (in->icmp_xmit_busy)
		return;
	/* no replies to physical multicast/broadcast */
	if (skb_in->pkt_type != NFU_PACKET_HOST && !skb_in->local_out)
		return;
	/* nor to packets routed as broadcast or multicast */
	if (skb_in->rt_type == NFU_RTN_BROADCAST ||
	    skb_in->rt_type == NFU_RTN_MULTICAST)
		return;
	/* only about fragment 0 */
	if (iph->frag_off & __builtin_bswap16(NFU_IP_OFFSET))
		return;
	if (icmp_is_error(type) && iph->protocol == NFU_IPPROTO_ICMP) {
		/* never an error about an error; an unknown type counts as
		 * one */
		if (have < hlen + 1)
			return;
		uint8_t inner = nh[hlen];
		if (inner > NFU_NR_ICMP_TYPES || icmp_is_error(inner))
			return;
	}

	/* the source: the address the offending packet was sent to when
	 * that was us; otherwise the route's choice */
	saddr = iph->daddr;
	if (skb_in->rt_type != NFU_RTN_LOCAL) {
		saddr = 0;
		if (skb_in->in && !skb_in->local_out &&
		    in->icmp_errors_use_inbound_ifaddr)
			saddr = nfu_inet_select_addr(net, skb_in->in->ifindex,
						     iph->saddr,
						     NFU_RT_SCOPE_LINK);
	}
	if (nfu_ip_route_output(net, iph->saddr, saddr, &rt) < 0)
		return;
	if (!icmp_allow(net, type, code, iph->saddr,
			skb_in->in && skb_in->in->loopback, rt.ifindex)) {
		net->drops[NFU_DROP_ICMP_RATELIMIT]++;
		return;
	}
	tos = icmp_is_error(type) ? (uint8_t)((iph->tos & 0x1e) | 0xc0)
				  : iph->tos;
	optlen = nfu_ip_options_echo(net, skb_in, opts, &dopt);
	if (optlen == (size_t)-1)
		return;
	/* "return as much as we can without exceeding 576 bytes" */
	room = 576;
	{
		const struct nfu_dev *d = nfu_dev_by_index(net, rt.ifindex);
		if (d && d->mtu < room)
			room = d->mtu;
	}
	room -= 20 + optlen + sizeof(struct nfu_icmphdr);
	if (room <= 20)
		return;
	len = have;
	if (len > room)
		len = room;
	h.type = type;
	h.code = code;
	h.checksum = 0;
	h.un = info;
	if (!saddr)
		saddr = rt.prefsrc;
	if (!saddr)
		saddr = __builtin_bswap32(NFU_IP(192, 0, 0, 8)); /* INADDR_DUMMY */
	icmp_push(net, &h, nh, len, saddr, iph->saddr, tos, opts, &dopt,
		  skb_in);
}

void nfu_ip_send_redirect(struct nfu_net *net, const struct nfu_pkt *pkt)
{
	/* ip_rt_redirect_silence, _number and _load of Linux */
	const uint64_t silence = (NS_PER_S / 50) << 10, load = NS_PER_S / 50;
	const uint32_t number = 9;
	struct nfu_peer *p = nfu_peer_get(net, nfu_ip_hdr(pkt)->saddr);
	uint64_t now = nfu_net_now(net);

	if (!p) {
		nfu_icmp_send(net, pkt, NFU_ICMP_REDIRECT, 1, pkt->nexthop);
		return;
	}
	if (now > p->rate_last + silence) {
		p->rate_tokens = 0;
		p->n_redirects = 0;
	}
	if (p->n_redirects >= number) {
		p->rate_last = now;
		return;
	}
	if (p->n_redirects == 0 ||
	    now > p->rate_last + (load << p->n_redirects)) {
		nfu_icmp_send(net, pkt, NFU_ICMP_REDIRECT, 1, pkt->nexthop);
		p->rate_last = now;
		p->n_redirects++;
	}
}

/* fib_compute_spec_dst(): the source of a reply to 'pkt'. */
static uint32_t reply_source(struct nfu_net *net, const struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	struct nfu_rt_result rt;

	if (pkt->rt_type == NFU_RTN_LOCAL)
		return iph->daddr;
	if (!nfu_ipv4_is_zeronet(iph->saddr) &&
	    nfu_ip_route_output(net, iph->saddr, 0, &rt) == 0)
		return rt.prefsrc;
	return nfu_inet_select_addr(net, pkt->in ? pkt->in->ifindex : 0,
				    iph->saddr, NFU_RT_SCOPE_LINK);
}

static uint32_t ms_since_midnight(const struct nfu_net *net)
{
	uint64_t ms = nfu_net_now(net) / NS_PER_MS;

	return __builtin_bswap32((uint32_t)(ms % (24ull * 3600 * 1000)));
}

int nfu_icmp_rcv(struct nfu_net *net, struct nfu_pkt *pkt)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	const unsigned char *ic = nfu_pkt_transport_header(pkt);
	size_t len = (size_t)(pkt->data + pkt->len - ic);
	struct nfu_icmphdr h;
	struct nfu_ip_opt dopt;
	unsigned char opts[40];
	bool bcast;

	if (len < sizeof(h)) {
		nfu_pkt_drop(pkt, NFU_DROP_L4_TOO_SHORT);
		return 0;
	}
	if (nfu_csum_fold(nfu_csum_partial(ic, len, 0)) != 0) {
		nfu_pkt_drop(pkt, NFU_DROP_L4_CSUM);
		return 0;
	}
	memcpy(&h, ic, sizeof(h));
	bcast = pkt->rt_type == NFU_RTN_BROADCAST ||
		pkt->rt_type == NFU_RTN_MULTICAST;
	if (h.type > NFU_NR_ICMP_TYPES) {
		nfu_pkt_drop(pkt, NFU_DROP_NO_RESPONDER);
		return 0;
	}
	if (bcast) {
		if ((h.type == NFU_ICMP_ECHO || h.type == NFU_ICMP_TIMESTAMP) &&
		    in->icmp_echo_ignore_broadcasts) {
			nfu_pkt_drop(pkt, NFU_DROP_ICMP_IGNORED);
			return 0;
		}
		if (h.type != NFU_ICMP_ECHO && h.type != NFU_ICMP_TIMESTAMP &&
		    h.type != NFU_ICMP_ADDRESS &&
		    h.type != NFU_ICMP_ADDRESSREPLY) {
			nfu_pkt_drop(pkt, NFU_DROP_ICMP_IGNORED);
			return 0;
		}
	}
	if (h.type == NFU_ICMP_ECHO) {
		if (in->icmp_echo_ignore_all) {
			nfu_pkt_drop(pkt, NFU_DROP_ICMP_IGNORED);
			return 0;
		}
		h.type = NFU_ICMP_ECHOREPLY;
		if (nfu_ip_options_echo(net, pkt, opts, &dopt) != (size_t)-1 &&
		    icmp_allow(net, h.type, h.code, iph->saddr,
			       pkt->in && pkt->in->loopback, 0))
			icmp_push(net, &h, ic + sizeof(h), len - sizeof(h),
				  reply_source(net, pkt), iph->saddr, iph->tos,
				  opts, &dopt, NULL);
		nfu_pkt_free(pkt);
		return 0;
	}
	if (h.type == NFU_ICMP_TIMESTAMP) {
		uint32_t times[3];

		if (len < sizeof(h) + 4) {
			nfu_pkt_drop(pkt, NFU_DROP_L4_TOO_SHORT);
			return 0;
		}
		memcpy(&times[0], ic + sizeof(h), 4);
		times[1] = times[2] = ms_since_midnight(net);
		h.type = NFU_ICMP_TIMESTAMPREPLY;
		h.code = 0;
		if (nfu_ip_options_echo(net, pkt, opts, &dopt) != (size_t)-1 &&
		    icmp_allow(net, h.type, h.code, iph->saddr,
			       pkt->in && pkt->in->loopback, 0))
			icmp_push(net, &h, times, sizeof(times),
				  reply_source(net, pkt), iph->saddr, iph->tos,
				  opts, &dopt, NULL);
		nfu_pkt_free(pkt);
		return 0;
	}
	/* replies and errors: a host with no sockets consumes them */
	nfu_pkt_drop(pkt, NFU_DROP_NO_RESPONDER);
	return 0;
}
