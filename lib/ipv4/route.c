/* SPDX-License-Identifier: MIT */
/*
 * Routing: adding routes, the output route of locally generated packets,
 * and the input route of received ones with Linux's martian and reverse
 * path checks (ip_route_input_slow, fib_validate_source).
 */
#include <errno.h>
#include <string.h>

#include "ipv4/ipv4-private.h"

static int route_usable(void *priv, const struct nfu_route *rt)
{
	const struct nfu_net *net = priv;
	const struct nfu_dev *d;

	/* Local routes survive their device going down: their next hop has
	 * scope nowhere, which fib_sync_down_dev() leaves alive (observed:
	 * Linux still answers an echo to the address of a down device). */
	if (!rt->ifindex || rt->type == NFU_RTN_LOCAL)
		return 1;
	d = nfu_dev_by_index(net, rt->ifindex);
	return d && d->up;
}

const struct nfu_route *nfu_fib_lookup_net(const struct nfu_net *net,
					   uint32_t daddr)
{
	return nfu_fib_lookup(nfu_ipv4(net)->fib, daddr, route_usable,
			      (void *)net);
}

int nfu_route_add(struct nfu_net *net, const struct nfu_route *rt)
{
	struct nfu_route r;
	const struct nfu_route *gw;

	if (!rt || rt->plen > 32)
		return -EINVAL;
	r = *rt;
	if (r.table != NFU_RT_TABLE_MAIN && r.table != NFU_RT_TABLE_LOCAL)
		return -EINVAL;
	if (r.type == NFU_RTN_UNSPEC)
		r.type = NFU_RTN_UNICAST;
	if (r.ifindex && !nfu_dev_by_index(net, r.ifindex))
		return -ENODEV;
	if (r.type == NFU_RTN_UNICAST || r.type == NFU_RTN_LOCAL ||
	    r.type == NFU_RTN_BROADCAST) {
		if (r.gateway) {
			/* Linux's fib_check_nh(): the gateway must be on a
			 * connected network (a scope link route), and gives
			 * the device when none is named. */
			gw = nfu_fib_lookup_net(net, r.gateway);
			if (!gw || gw->type != NFU_RTN_UNICAST ||
			    gw->gateway || (r.ifindex && gw->ifindex != r.ifindex))
				return -ENETUNREACH;
			if (!r.ifindex)
				r.ifindex = gw->ifindex;
		}
		if (!r.ifindex)
			return -ENODEV;
	}
	if (r.prefsrc && !nfu_addr_is_local(net, r.prefsrc))
		return -EINVAL;
	return nfu_fib_insert(nfu_ipv4(net)->fib, &r);
}

int nfu_route_del(struct nfu_net *net, const struct nfu_route *rt)
{
	if (!rt)
		return -EINVAL;
	return nfu_fib_delete(nfu_ipv4(net)->fib, rt);
}

static int type_error(uint8_t type)
{
	switch (type) {
	case NFU_RTN_UNREACHABLE:
		return -EHOSTUNREACH;
	case NFU_RTN_PROHIBIT:
		return -EACCES;
	case NFU_RTN_BLACKHOLE:
		return -EINVAL;
	default:
		return 0;
	}
}

int nfu_ip_route_output(struct nfu_net *net, uint32_t daddr, uint32_t saddr,
			struct nfu_rt_result *res)
{
	const struct nfu_route *rt;

	memset(res, 0, sizeof(*res));
	if (nfu_ipv4_is_lbcast(daddr)) {
		/* limited broadcast goes out of the device of the source
		 * address, or of the first device with an address */
		res->type = NFU_RTN_BROADCAST;
		for (unsigned int i = 2; i <= net->ndevs; i++) {
			if (nfu_ifaddr_list(net, (int)i) &&
			    (!saddr || nfu_addr_on_link(net, (int)i, saddr))) {
				res->ifindex = (int)i;
				break;
			}
		}
		res->nexthop = daddr;
		res->prefsrc = saddr ? saddr
				     : nfu_inet_select_addr(net, res->ifindex, 0,
							    NFU_RT_SCOPE_LINK);
		return res->ifindex ? 0 : -ENETUNREACH;
	}
	rt = nfu_fib_lookup_net(net, daddr);
	if (!rt)
		return -ENETUNREACH;
	res->type = rt->type;
	res->error = type_error(rt->type);
	if (res->error)
		return res->error;
	res->scope = rt->scope;
	if (rt->type == NFU_RTN_LOCAL) {
		res->ifindex = 1; /* through lo, as Linux */
		res->nexthop = daddr;
		res->prefsrc = saddr ? saddr : daddr;
		return 0;
	}
	res->ifindex = rt->ifindex;
	res->nexthop = rt->gateway ? rt->gateway : daddr;
	if (saddr)
		res->prefsrc = saddr;
	else if (rt->prefsrc)
		res->prefsrc = rt->prefsrc;
	else
		res->prefsrc = nfu_inet_select_addr(
			net, rt->ifindex, res->nexthop,
			rt->gateway ? NFU_RT_SCOPE_UNIVERSE : NFU_RT_SCOPE_LINK);
	return 0;
}

/*
 * fib_validate_source(): may a packet from 'saddr' arrive on 'ifindex'?
 * Returns 0 or 1 (1: the source is directly reachable via another route
 * scope; only used for redirects in Linux), -EINVAL for a martian source,
 * -EXDEV when the reverse path filter refuses it.
 */
static int validate_source(struct nfu_net *net, uint32_t saddr, int ifindex,
			   int oif)
{
	int rpf = nfu_devconf_rpfilter(net, ifindex);
	const struct nfu_route *rt;
	bool no_addr;

	if (!rpf && (ifindex != oif || !nfu_devconf_tx_redirects(net, ifindex))) {
		if (nfu_devconf_accept_local(net, ifindex))
			return 0;
		if (nfu_addr_is_local(net, saddr))
			return -EINVAL;
		return 0;
	}
	no_addr = nfu_ifaddr_list(net, ifindex) == NULL;
	rt = nfu_fib_lookup_net(net, saddr);
	/* an unreachable, prohibit or blackhole route is a failed lookup
	 * to Linux: the last resort decides */
	if (!rt || type_error(rt->type)) {
		if (rpf)
			return -EXDEV;
		return 0;
	}
	if (rt->type != NFU_RTN_UNICAST &&
	    (rt->type != NFU_RTN_LOCAL ||
	     !nfu_devconf_accept_local(net, ifindex)))
		return -EINVAL;
	/* 1 when the source is directly connected there: Linux compares the
	 * next hop's scope with host's, and it is host for a route without
	 * gateway, nowhere (above) for a local one (a source of the host's
	 * own, with accept_local, may so earn a redirect, to the host) */
	if (rt->ifindex == ifindex ||
	    (rt->type == NFU_RTN_LOCAL && ifindex == 1))
		return rt->type == NFU_RTN_LOCAL ||
		       (rt->type == NFU_RTN_UNICAST && !rt->gateway);
	if (no_addr)
		return rpf ? -EXDEV : 0;
	if (rpf == 1)
		return -EXDEV;
	return 0;
}

/*
 * ip_route_input_noref() for a packet that passed PRE_ROUTING: decides
 * local delivery, forwarding or an error.  Sets pkt->rt_type to the
 * route's type (NFU_RTN_UNREACHABLE for ip_error with *rt_error set).
 */
int nfu_ip_route_input(struct nfu_net *net, struct nfu_pkt *pkt,
		       enum nfu_drop_reason *reason, int *rt_error)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	uint32_t saddr = iph->saddr, daddr = iph->daddr;
	int ifindex = pkt->in->ifindex;
	const struct nfu_route *rt;
	int err;

	*rt_error = 0;
	if (nfu_ipv4_is_multicast(daddr)) {
		/* Only the all-hosts group is joined (by every device with
		 * IPv4): ip_check_mc_rcu(). */
		if (daddr != __builtin_bswap32(NFU_IP(224, 0, 0, 1)) ||
		    !nfu_ifaddr_list(net, ifindex)) {
			*reason = NFU_DROP_MARTIAN_DEST;
			return -EINVAL;
		}
		if (nfu_ipv4_is_multicast(saddr) || nfu_ipv4_is_lbcast(saddr) ||
		    nfu_ipv4_is_loopback(saddr)) {
			*reason = NFU_DROP_MARTIAN_SOURCE;
			return -EINVAL;
		}
		if (!nfu_ipv4_is_zeronet(saddr) &&
		    validate_source(net, saddr, ifindex, 0) < 0) {
			*reason = NFU_DROP_MARTIAN_SOURCE;
			return -EINVAL;
		}
		pkt->rt_type = NFU_RTN_MULTICAST;
		pkt->out = NULL;
		return 0;
	}
	if (nfu_ipv4_is_multicast(saddr) || nfu_ipv4_is_lbcast(saddr))
		goto martian_source;
	if (nfu_ipv4_is_lbcast(daddr) || (saddr == 0 && daddr == 0))
		goto brd_input;
	if (nfu_ipv4_is_zeronet(saddr))
		goto martian_source;
	if (nfu_ipv4_is_zeronet(daddr))
		goto martian_destination;
	if (nfu_ipv4_is_loopback(daddr)) {
		if (!nfu_devconf_route_localnet(net, ifindex))
			goto martian_destination;
	} else if (nfu_ipv4_is_loopback(saddr)) {
		if (!nfu_devconf_route_localnet(net, ifindex))
			goto martian_source;
	}

	rt = nfu_fib_lookup_net(net, daddr);
	if (!rt || type_error(rt->type)) {
		err = rt ? type_error(rt->type) : -ENETUNREACH;
		if (!nfu_devconf_forward(net, ifindex))
			err = -EHOSTUNREACH;
		goto no_route;
	}
	if (rt->type == NFU_RTN_BROADCAST)
		goto brd_input;
	if (rt->type == NFU_RTN_LOCAL) {
		if (validate_source(net, saddr, ifindex, 0) < 0)
			goto martian_source_rpf;
		pkt->rt_type = NFU_RTN_LOCAL;
		pkt->out = NULL;
		return 0;
	}
	if (!nfu_devconf_forward(net, ifindex)) {
		err = -EHOSTUNREACH;
		goto no_route;
	}
	if (rt->type != NFU_RTN_UNICAST)
		goto martian_destination;
	err = validate_source(net, saddr, ifindex, rt->ifindex);
	if (err < 0)
		goto martian_source_rpf_err;
	/* __mkroute_input(): forwarding back out of the device it came in
	 * by, to a sender on that link, earns the sender a redirect
	 * (shared_media is on by default, so the link test is enough) */
	pkt->do_redirect = rt->ifindex == ifindex && err == 1 &&
			   nfu_devconf_tx_redirects(net, ifindex);
	pkt->rt_type = NFU_RTN_UNICAST;
	pkt->out = nfu_dev_by_index(net, rt->ifindex);
	pkt->nexthop = rt->gateway ? rt->gateway : daddr;
	return 0;

brd_input:
	if (!nfu_ipv4_is_zeronet(saddr) &&
	    validate_source(net, saddr, ifindex, 0) < 0)
		goto martian_source_rpf;
	pkt->rt_type = NFU_RTN_BROADCAST;
	pkt->out = NULL;
	return 0;

no_route:
	pkt->rt_type = NFU_RTN_UNREACHABLE;
	*rt_error = err;
	return 0;

martian_destination:
	*reason = NFU_DROP_MARTIAN_DEST;
	return -EINVAL;

martian_source_rpf:
	err = validate_source(net, saddr, ifindex, 0);
martian_source_rpf_err:
	*reason = err == -EXDEV ? NFU_DROP_RP_FILTER : NFU_DROP_MARTIAN_SOURCE;
	return err;

martian_source:
	*reason = NFU_DROP_MARTIAN_SOURCE;
	return -EINVAL;
}
