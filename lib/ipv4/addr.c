/* SPDX-License-Identifier: MIT */
/*
 * IPv4 addresses of devices, and the routes Linux derives from them
 * (fib_add_ifaddr): the local route, the prefix route, broadcast routes.
 * Also the static neighbour table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4/ipv4-private.h"

const struct nfu_ifaddr *nfu_ifaddr_list(const struct nfu_net *net,
					 int ifindex)
{
	if (ifindex <= 0 || ifindex >= NFU_MAX_DEVS)
		return NULL;
	return nfu_ipv4(net)->ifa[ifindex];
}

static int magic_route(struct nfu_net *net, uint8_t type, uint8_t table,
		       uint32_t dst, uint8_t plen, int ifindex,
		       uint32_t prefsrc)
{
	struct nfu_route rt = {
		.dst = dst,
		.plen = plen,
		.type = type,
		.table = table,
		.scope = type == NFU_RTN_LOCAL ? NFU_RT_SCOPE_HOST
						: NFU_RT_SCOPE_LINK,
		.ifindex = ifindex,
		.prefsrc = prefsrc,
	};
	int err = nfu_fib_insert(nfu_ipv4(net)->fib, &rt);

	return err == -EEXIST ? 0 : err;
}

int nfu_addr_add(struct nfu_net *net, int ifindex, uint32_t addr,
		 uint8_t plen, uint32_t brd)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	struct nfu_dev *dev = nfu_dev_by_index(net, ifindex);
	struct nfu_ifaddr *a, **pp;
	uint32_t mask, prefix;
	bool secondary = false;
	int err;

	if (!dev)
		return -ENODEV;
	if (plen > 32 || addr == 0 || nfu_ipv4_is_multicast(addr) ||
	    nfu_ipv4_is_lbcast(addr))
		return -EINVAL;
	mask = nfu_inet_mask(plen);
	prefix = addr & mask;
	for (pp = &in->ifa[ifindex]; *pp; pp = &(*pp)->next) {
		if ((*pp)->local == addr && (*pp)->plen == plen)
			return -EEXIST;
		if (!(*pp)->secondary && (*pp)->plen == plen &&
		    ((*pp)->local & mask) == prefix)
			secondary = true;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->local = addr;
	a->plen = plen;
	a->mask = mask;
	a->brd = brd;
	a->secondary = secondary;
	a->scope = nfu_ipv4_is_loopback(addr) ? NFU_RT_SCOPE_HOST
					      : NFU_RT_SCOPE_UNIVERSE;
	*pp = a;

	err = magic_route(net, NFU_RTN_LOCAL, NFU_RT_TABLE_LOCAL, addr, 32,
			  ifindex, addr);
	if (!err && !nfu_ipv4_is_zeronet(prefix) && !secondary &&
	    (prefix != addr || plen < 32))
		err = magic_route(net,
				  dev->loopback ? NFU_RTN_LOCAL : NFU_RTN_UNICAST,
				  dev->loopback ? NFU_RT_TABLE_LOCAL
						: NFU_RT_TABLE_MAIN,
				  prefix, plen, ifindex, addr);
	if (!err && brd && brd != 0xffffffffu)
		err = magic_route(net, NFU_RTN_BROADCAST, NFU_RT_TABLE_LOCAL,
				  brd, 32, ifindex, addr);
	/* The directed broadcast of the prefix, as Linux adds it for
	 * prefixes shorter than /31 (no route for the network address: Linux
	 * stopped adding that one). */
	if (!err && !secondary && plen < 31 && (prefix | ~mask) != brd)
		err = magic_route(net, NFU_RTN_BROADCAST, NFU_RT_TABLE_LOCAL,
				  prefix | ~mask, 32, ifindex, addr);
	/* A failure here leaves the address with part of its routes; only
	 * -ENOMEM can cause it. */
	return err;
}

uint32_t nfu_addr_primary(const struct nfu_net *net, int ifindex)
{
	const struct nfu_ifaddr *a = nfu_ifaddr_list(net, ifindex);

	for (; a; a = a->next)
		if (!a->secondary)
			return a->local;
	return 0;
}

int nfu_addr_is_local(const struct nfu_net *net, uint32_t addr)
{
	const struct nfu_ipv4_net *in = nfu_ipv4(net);

	for (unsigned int i = 1; i <= net->ndevs; i++)
		for (const struct nfu_ifaddr *a = in->ifa[i]; a; a = a->next)
			if (a->local == addr)
				return 1;
	return 0;
}

bool nfu_addr_on_link(const struct nfu_net *net, int ifindex, uint32_t addr)
{
	for (const struct nfu_ifaddr *a = nfu_ifaddr_list(net, ifindex); a;
	     a = a->next)
		if ((a->local & a->mask) == (addr & a->mask))
			return true;
	return false;
}

uint32_t nfu_inet_select_addr(const struct nfu_net *net, int ifindex,
			      uint32_t dst, uint8_t scope)
{
	const struct nfu_ifaddr *a;
	uint32_t first = 0;

	for (a = nfu_ifaddr_list(net, ifindex); a; a = a->next) {
		if (a->secondary || a->scope > scope)
			continue;
		if (!dst || (a->local & a->mask) == (dst & a->mask))
			return a->local;
		if (!first)
			first = a->local;
	}
	if (first)
		return first;
	/* Linux then takes a universe-scope address of any device. */
	for (unsigned int i = 1; i <= net->ndevs; i++) {
		for (a = nfu_ifaddr_list(net, (int)i); a; a = a->next)
			if (!a->secondary && a->scope <= scope &&
			    a->scope < NFU_RT_SCOPE_LINK)
				return a->local;
	}
	return 0;
}

/* Linux's neighbour table grows to gc_thresh3 (1024) by default; nfu keeps
 * at most this many learnt entries. */
#define NEIGH_LEARNT_MAX 4096

static int neigh_update(struct nfu_ipv4_net *in, int ifindex, uint32_t addr,
			const uint8_t mac[6], bool permanent)
{
	struct nfu_neigh *n;
	unsigned int learnt = 0;

	for (n = in->neigh; n; n = n->next) {
		if (n->ifindex == ifindex && n->addr == addr) {
			/* 'ip neigh replace'; learning never overrides a
			 * permanent entry */
			if (permanent || !n->permanent) {
				memcpy(n->mac, mac, 6);
				n->permanent = n->permanent || permanent;
			}
			return 0;
		}
		learnt += !n->permanent;
	}
	if (!permanent && learnt >= NEIGH_LEARNT_MAX)
		return -ENOSPC;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->ifindex = ifindex;
	n->addr = addr;
	n->permanent = permanent;
	memcpy(n->mac, mac, 6);
	n->next = in->neigh;
	in->neigh = n;
	return 0;
}

int nfu_neigh_add(struct nfu_net *net, int ifindex, uint32_t addr,
		  const uint8_t mac[6])
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);

	if (!nfu_dev_by_index(net, ifindex))
		return -ENODEV;
	if (nfu_ipv4_is_multicast(addr) || addr == 0)
		return -EINVAL;
	return neigh_update(in, ifindex, addr, mac, true);
}

int nfu_neigh_learn(struct nfu_net *net, int ifindex, uint32_t addr,
		    const uint8_t mac[6])
{
	return neigh_update(nfu_ipv4(net), ifindex, addr, mac, false);
}

int nfu_neigh_lookup(const struct nfu_net *net, int ifindex, uint32_t addr,
		     uint8_t mac[6])
{
	for (const struct nfu_neigh *n = nfu_ipv4(net)->neigh; n; n = n->next) {
		if (n->ifindex == ifindex && n->addr == addr) {
			memcpy(mac, n->mac, 6);
			return 0;
		}
	}
	return -ENOENT;
}
