/* SPDX-License-Identifier: MIT */
/*
 * IPv4 addresses of devices, and the routes Linux derives from them
 * (fib_add_ifaddr): the local route, the prefix route, broadcast routes;
 * their removal with the address (__inet_del_ifa, fib_del_ifaddr,
 * fib_disable_ip).  Also the static neighbour table.
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

/* The routes of address 'a' of 'dev' but its local one: the prefix's and
 * the broadcasts (fib_add_ifaddr() past its IFF_UP test). */
static int ifa_routes(struct nfu_net *net, const struct nfu_dev *dev,
		      const struct nfu_ifaddr *a)
{
	uint32_t prefix = a->local & a->mask;
	int ifindex = dev->ifindex, err = 0;

	if (!nfu_ipv4_is_zeronet(prefix) && !a->secondary &&
	    (prefix != a->local || a->plen < 32))
		err = magic_route(net,
				  dev->loopback ? NFU_RTN_LOCAL : NFU_RTN_UNICAST,
				  dev->loopback ? NFU_RT_TABLE_LOCAL
						: NFU_RT_TABLE_MAIN,
				  prefix, a->plen, ifindex, a->local);
	if (!err && a->brd && a->brd != 0xffffffffu)
		err = magic_route(net, NFU_RTN_BROADCAST, NFU_RT_TABLE_LOCAL,
				  a->brd, 32, ifindex, a->local);
	/* The directed broadcast of the prefix, as Linux adds it for
	 * prefixes shorter than /31 (no route for the network address: Linux
	 * stopped adding that one). */
	if (!err && !a->secondary && a->plen < 31 &&
	    (prefix | ~a->mask) != a->brd)
		err = magic_route(net, NFU_RTN_BROADCAST, NFU_RT_TABLE_LOCAL,
				  prefix | ~a->mask, 32, ifindex, a->local);
	return err;
}

static void flush_dev(struct nfu_net *net, int ifindex, bool keep_local);

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
	/* As fib_add_ifaddr(): the rest only on a device that is up (it
	 * comes with NETDEV_UP otherwise: nfu_ipv4_dev_up()). */
	if (!err && dev->up)
		err = ifa_routes(net, dev, a);
	/* A failure here leaves the address with part of its routes; only
	 * -ENOMEM can cause it. */
	return err;
}

/* NETDEV_DOWN (fib_netdev_event(): fib_disable_ip() and arp_ifdown()):
 * every route through the device goes but the local ones of its
 * addresses, and its ARP entries, static ones too (seen on Linux 6.18:
 * after `ip link set DEV down', `ip route show table all' keeps only
 * `local ADDR', `ip neigh' shows nothing of it). */
void nfu_ipv4_dev_down(struct nfu_net *net, int ifindex, void *priv)
{
	(void)priv;
	flush_dev(net, ifindex, true);
}

/* NETDEV_UP: fib_add_ifaddr() again for each address (the prefix and
 * broadcast routes come back; other routes through it do not). */
void nfu_ipv4_dev_up(struct nfu_net *net, int ifindex, void *priv)
{
	struct nfu_dev *dev = nfu_dev_by_index(net, ifindex);

	(void)priv;
	if (!dev || ifindex <= 0 || ifindex >= NFU_MAX_DEVS)
		return;
	for (struct nfu_ifaddr *a = nfu_ipv4(net)->ifa[ifindex]; a; a = a->next)
		ifa_routes(net, dev, a); /* -ENOMEM leaves some out */
}

/*
 * Removing an address: Linux 6.18's __inet_del_ifa() and, on its
 * NETDEV_DOWN inetaddr notification, fib_inetaddr_event() with
 * fib_del_ifaddr(), then the other notifiers (NAT's MASQUERADE).
 */

/* The primary address of 'ifindex' of prefix 'prefix'/'mask'
 * (inet_ifa_byprefix()), or NULL. */
static const struct nfu_ifaddr *ifa_byprefix(const struct nfu_net *net,
					     int ifindex, uint32_t prefix,
					     uint32_t mask)
{
	for (const struct nfu_ifaddr *a = nfu_ifaddr_list(net, ifindex); a;
	     a = a->next)
		if (!a->secondary && a->mask == mask &&
		    (a->local & mask) == (prefix & mask))
			return a;
	return NULL;
}

/* fib_magic(RTM_DELROUTE, ...): the route of 'type' for 'dst'/'plen' that
 * the address of primary 'prim' made on 'ifindex' (metric 0), if it is
 * there: one made for another device or another primary stays.  nfu's
 * nfu_addr_add() gives a secondary's own routes the secondary as their
 * source where Linux gives the primary: either is taken as that
 * address's. */
struct del_key {
	struct nfu_route rt;
	uint32_t src1, src2;
	bool found;
};

static int del_match(void *priv, const struct nfu_route *rt)
{
	struct del_key *k = priv;

	if (rt->table == k->rt.table && rt->dst == k->rt.dst &&
	    rt->plen == k->rt.plen && rt->metric == 0 &&
	    rt->type == k->rt.type && rt->ifindex == k->rt.ifindex &&
	    (rt->prefsrc == k->src1 || rt->prefsrc == k->src2))
		k->found = true;
	return k->found;
}

static void magic_del(struct nfu_net *net, uint8_t type, uint8_t table,
		      uint32_t dst, uint8_t plen, int ifindex,
		      const struct nfu_ifaddr *prim, const struct nfu_ifaddr *ifa)
{
	struct nfu_fib *fib = nfu_ipv4(net)->fib;
	struct del_key k = {
		.rt = { .dst = dst, .plen = plen, .type = type, .table = table,
			.ifindex = ifindex },
		.src1 = prim->local,
		.src2 = ifa->local,
	};

	nfu_fib_walk(fib, del_match, &k);
	if (k.found)
		nfu_fib_delete(fib, &k.rt);
}

/* Routes to take out of the FIB after a walk (which must not change it). */
struct route_list {
	struct nfu_route *v;
	size_t n, cap;
	int ifindex;      /* fib_sync_down_dev(): those through it */
	uint32_t prefsrc; /* fib_sync_down_addr(): main's with this source */
	bool keep_local;  /* not forced: the local routes stay */
	bool oom;
};

static int collect(void *priv, const struct nfu_route *rt)
{
	struct route_list *l = priv;

	if (l->ifindex ? rt->ifindex != l->ifindex ||
				 (l->keep_local && rt->type == NFU_RTN_LOCAL)
		       : rt->table != NFU_RT_TABLE_MAIN || rt->prefsrc != l->prefsrc)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct nfu_route *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->oom = true;
			return 1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *rt;
	return 0;
}

/* fib_sync_down_addr() + fib_flush() (with 'ifindex' 0: the main table's
 * routes whose preferred source is 'prefsrc', whatever their device), or
 * fib_sync_down_dev(force) + fib_flush() (every route through 'ifindex',
 * in every table).  -ENOMEM leaves some. */
static int flush_routes(struct nfu_net *net, int ifindex, uint32_t prefsrc,
			bool keep_local)
{
	struct nfu_fib *fib = nfu_ipv4(net)->fib;
	struct route_list l = { .ifindex = ifindex, .prefsrc = prefsrc,
				.keep_local = keep_local };

	nfu_fib_walk(fib, collect, &l);
	for (size_t i = 0; i < l.n; i++)
		nfu_fib_delete(fib, &l.v[i]);
	free(l.v);
	return l.oom ? -ENOMEM : 0;
}

/* Every route through 'ifindex' (but its local ones, 'keep_local') and
 * its ARP entries, static ones included (arp_ifdown()). */
static void flush_dev(struct nfu_net *net, int ifindex, bool keep_local)
{
	struct nfu_neigh **np = &nfu_ipv4(net)->neigh;

	flush_routes(net, ifindex, 0, keep_local);
	while (*np) {
		struct nfu_neigh *n = *np;

		if (n->ifindex == ifindex) {
			*np = n->next;
			free(n);
		} else {
			np = &n->next;
		}
	}
}

static bool local_route_left(const struct nfu_net *net, uint32_t addr)
{
	const struct nfu_route *rt = nfu_fib_lookup(nfu_ipv4(net)->fib, addr,
						    NULL, NULL);

	return rt && rt->type == NFU_RTN_LOCAL;
}

/* fib_del_ifaddr(ifa, NULL) for 'ifa', already out of the device's list:
 * the routes it made go unless another address of the device (of the
 * same primary source) still makes them. */
enum { LOCAL_OK = 1, BRD_OK = 2, BRD0_OK = 4, BRD1_OK = 8 };

static void fib_del_ifaddr(struct nfu_net *net, int ifindex,
			   const struct nfu_ifaddr *ifa)
{
	const struct nfu_dev *dev = nfu_dev_by_index(net, ifindex);
	const struct nfu_ifaddr *prim = ifa, *prim1 = NULL;
	uint32_t brd = ifa->local | ~ifa->mask, any = ifa->local & ifa->mask;
	bool subnet = false, same_prefsrc = false;
	unsigned int ok = 0;

	if (ifa->secondary) {
		prim = ifa_byprefix(net, ifindex, any, ifa->mask);
		if (!prim)
			return; /* Linux: "bug: prim == NULL" */
	} else if (!nfu_ipv4_is_zeronet(any) &&
		   (any != ifa->local || ifa->plen < 32)) {
		magic_del(net, dev->loopback ? NFU_RTN_LOCAL : NFU_RTN_UNICAST,
			  dev->loopback ? NFU_RT_TABLE_LOCAL : NFU_RT_TABLE_MAIN,
			  any, ifa->plen, ifindex, prim, ifa);
		subnet = true;
	}
	/* what the addresses left on the device still need */
	for (const struct nfu_ifaddr *a = nfu_ifaddr_list(net, ifindex); a;
	     a = a->next) {
		if (a->secondary) {
			if (a->mask == prim->mask &&
			    (a->local & prim->mask) == (prim->local & prim->mask)) {
				prim1 = prim;
			} else {
				if (!same_prefsrc)
					continue;
				if (!prim1 || a->mask != prim1->mask ||
				    (a->local & prim1->mask) !=
					    (prim1->local & prim1->mask))
					prim1 = ifa_byprefix(net, ifindex,
							     a->local, a->mask);
				if (!prim1 || prim1->local != prim->local)
					continue;
			}
		} else {
			if (prim->local != a->local)
				continue;
			prim1 = a;
			if (prim != prim1)
				same_prefsrc = true;
		}
		if (ifa->local == a->local)
			ok |= LOCAL_OK;
		if (ifa->brd == a->brd)
			ok |= BRD_OK;
		if (brd == a->brd)
			ok |= BRD1_OK;
		if (any == a->brd)
			ok |= BRD0_OK;
		/* a primary has its prefix's broadcasts */
		if (prim1 == a && a->plen < 31) {
			uint32_t brd1 = a->local | ~a->mask;
			uint32_t any1 = a->local & a->mask;

			if (!nfu_ipv4_is_zeronet(any1)) {
				if (ifa->brd == brd1 || ifa->brd == any1)
					ok |= BRD_OK;
				if (brd == brd1 || brd == any1)
					ok |= BRD1_OK;
				if (any == brd1 || any == any1)
					ok |= BRD0_OK;
			}
		}
	}
	if (!(ok & BRD_OK))
		magic_del(net, NFU_RTN_BROADCAST, NFU_RT_TABLE_LOCAL, ifa->brd,
			  32, ifindex, prim, ifa);
	if (subnet && ifa->plen < 31) {
		if (!(ok & BRD1_OK))
			magic_del(net, NFU_RTN_BROADCAST, NFU_RT_TABLE_LOCAL, brd,
				  32, ifindex, prim, ifa);
		if (!(ok & BRD0_OK))
			magic_del(net, NFU_RTN_BROADCAST, NFU_RT_TABLE_LOCAL, any,
				  32, ifindex, prim, ifa);
	}
	if (!(ok & LOCAL_OK)) {
		magic_del(net, NFU_RTN_LOCAL, NFU_RT_TABLE_LOCAL, ifa->local, 32,
			  ifindex, prim, ifa);
		/* gone from the host: the routes that used it as their
		 * source go too (fib_sync_down_addr(), main table) */
		if (!local_route_left(net, ifa->local))
			flush_routes(net, 0, ifa->local, false);
	}
}

/* Unlinks 'ifa' (in the list of 'ifindex' at '*pp') and tells the FIB and
 * the other listeners, as __inet_del_ifa()'s NETDEV_DOWN notification
 * does; frees it. */
static void ifa_remove(struct nfu_net *net, int ifindex,
		       struct nfu_ifaddr **pp)
{
	struct nfu_ifaddr *ifa = *pp;

	*pp = ifa->next;
	fib_del_ifaddr(net, ifindex, ifa);
	if (!nfu_ipv4(net)->ifa[ifindex]) {
		/* the device's last address: IPv4 is off on it
		 * (fib_disable_ip(): every route through it, and the ARP
		 * table's entries of it, static ones included, as
		 * arp_ifdown() flushes them) */
		flush_dev(net, ifindex, false);
	}
	nfu_net_addr_deleted(net, ifindex, ifa->local);
	free(ifa);
}

int nfu_addr_del(struct nfu_net *net, int ifindex, uint32_t addr, int plen)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	struct nfu_ifaddr **pp, *ifa;

	if (!nfu_dev_by_index(net, ifindex))
		return -ENODEV;
	if (plen > 32)
		return -EINVAL;
	/* inet_rtm_deladdr(): the address, and its prefix length when one
	 * is given (iproute2 sends none for a bare address: a "wildcard
	 * deletion") */
	for (pp = &in->ifa[ifindex]; *pp; pp = &(*pp)->next)
		if ((*pp)->local == addr && (plen < 0 || (*pp)->plen == plen))
			break;
	if (!*pp)
		return -EADDRNOTAVAIL;
	ifa = *pp;
	/* A primary takes the secondaries of its prefix with it, each
	 * told first (net.ipv4.conf.DEV.promote_secondaries 0, Linux's
	 * default; nfu has no promotion). */
	if (!ifa->secondary) {
		struct nfu_ifaddr **sp = &in->ifa[ifindex];

		while (*sp) {
			struct nfu_ifaddr *a = *sp;

			if (a->secondary && a->mask == ifa->mask &&
			    (a->local & a->mask) == (ifa->local & ifa->mask))
				ifa_remove(net, ifindex, sp);
			else
				sp = &a->next;
		}
		for (pp = &in->ifa[ifindex]; *pp != ifa; pp = &(*pp)->next)
			;
	}
	ifa_remove(net, ifindex, pp);
	return 0;
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
