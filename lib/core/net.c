/* SPDX-License-Identifier: MIT */
/*
 * The stack instance: allocation and teardown, devices, the clock and the
 * counters.  The IPv4 layer builds nfu_net_new() on top of this.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/net-private.h"

struct nfu_net *nfu_net_core_alloc(void)
{
	return calloc(1, sizeof(struct nfu_net));
}

int nfu_net_add_exit(struct nfu_net *net,
		     void (*fn)(struct nfu_net *net, void *priv), void *priv)
{
	struct nfu_net_exit *x = malloc(sizeof(*x));

	if (!x)
		return -ENOMEM;
	x->fn = fn;
	x->priv = priv;
	x->next = net->exits;
	net->exits = x;
	return 0;
}

void nfu_net_core_free(struct nfu_net *net)
{
	if (!net)
		return;
	/* Queued packets first: their handler drops them back to us. */
	for (unsigned int pf = 0; pf < NFU_PROTO_NUMPROTO; pf++)
		nfu_queue_handler_unregister(net, (uint8_t)pf);
	while (net->exits) { /* upper layers, last registered first */
		struct nfu_net_exit *x = net->exits;
		net->exits = x->next;
		x->fn(net, x->priv);
		free(x);
	}
	while (net->dev_down) {
		struct nfu_net_dev_down *n = net->dev_down;

		net->dev_down = n->next;
		free(n);
	}
	while (net->dev_up) {
		struct nfu_net_dev_down *n = net->dev_up;

		net->dev_up = n->next;
		free(n);
	}
	while (net->addr_del) {
		struct nfu_net_addr_del *n = net->addr_del;

		net->addr_del = n->next;
		free(n);
	}
	nfu_hook_release_all(net);
	for (unsigned int i = 0; i < NFU_MAX_DEVS; i++)
		free(net->devs[i]);
	nfu_net_pool_release(net);
	free(net);
}

void nfu_net_set_ops(struct nfu_net *net, const struct nfu_net_ops *ops)
{
	if (ops)
		net->ops = *ops;
	else
		memset(&net->ops, 0, sizeof(net->ops));
}

void nfu_net_set_time(struct nfu_net *net, uint64_t ns)
{
	net->now = ns;
}

void nfu_net_set_clock(struct nfu_net *net, uint64_t (*clock)(void *priv),
		       void *priv)
{
	net->clock = clock;
	net->clock_priv = priv;
}

uint64_t nfu_net_now(const struct nfu_net *net)
{
	return net->clock ? net->clock(net->clock_priv) : net->now;
}

void nfu_net_get_stats(const struct nfu_net *net, struct nfu_stats *st)
{
	*st = net->stats;
}

uint64_t nfu_net_drop_count(const struct nfu_net *net,
			    enum nfu_drop_reason reason)
{
	if ((unsigned int)reason >= NFU_DROP_MAX)
		return 0;
	return net->drops[reason];
}

/* Linux's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or
 * white space. */
static bool dev_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= NFU_IFNAMSIZ)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || *p == '\t' ||
		    *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
			return false;
	return true;
}

int nfu_dev_core_add(struct nfu_net *net, const char *name, bool loopback)
{
	struct nfu_dev *d;
	int ifindex;

	if (!name || !dev_name_valid(name))
		return -EINVAL;
	if (nfu_dev_by_name(net, name))
		return -EEXIST;
	if (net->ndevs + 1 >= NFU_MAX_DEVS)
		return -ENOSPC;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	ifindex = (int)net->ndevs + 1;
	strcpy(d->name, name);
	d->ifindex = ifindex;
	d->net = net;
	d->up = 1;
	d->loopback = loopback;
	d->mtu = loopback ? 65536 : 1500;
	if (!loopback) {
		d->mac[0] = 0x02;
		d->mac[4] = (uint8_t)(ifindex >> 8);
		d->mac[5] = (uint8_t)ifindex;
	}
	net->devs[ifindex] = d;
	net->ndevs = (unsigned int)ifindex;
	return ifindex;
}

struct nfu_dev *nfu_dev_by_name(const struct nfu_net *net, const char *name)
{
	for (unsigned int i = 1; i <= net->ndevs; i++)
		if (net->devs[i] && !strcmp(net->devs[i]->name, name))
			return net->devs[i];
	return NULL;
}

struct nfu_dev *nfu_dev_by_index(const struct nfu_net *net, int ifindex)
{
	if (ifindex <= 0 || ifindex >= NFU_MAX_DEVS)
		return NULL;
	return net->devs[ifindex];
}

unsigned int nfu_dev_count(const struct nfu_net *net)
{
	return net->ndevs;
}

int nfu_dev_set_mac(struct nfu_net *net, int ifindex, const uint8_t mac[6])
{
	struct nfu_dev *d = nfu_dev_by_index(net, ifindex);

	if (!d)
		return -ENODEV;
	/* as Linux's eth_validate_addr(): no multicast, not all zeros */
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EADDRNOTAVAIL;
	memcpy(d->mac, mac, 6);
	return 0;
}

int nfu_dev_set_mtu(struct nfu_net *net, int ifindex, uint32_t mtu)
{
	struct nfu_dev *d = nfu_dev_by_index(net, ifindex);

	if (!d)
		return -ENODEV;
	/* veth's limits: 68 .. 65535 (lo: up to 65536) */
	if (mtu < 68 || mtu > (d->loopback ? 65536u : 65535u))
		return -EINVAL;
	d->mtu = mtu;
	return 0;
}

int nfu_dev_set_up(struct nfu_net *net, int ifindex, int up)
{
	struct nfu_dev *d = nfu_dev_by_index(net, ifindex);

	if (!d)
		return -ENODEV;
	if (d->up && !up)
		for (struct nfu_net_dev_down *n = net->dev_down; n; n = n->next)
			n->fn(net, ifindex, n->priv);
	if (!d->up && up) {
		d->up = true;
		for (struct nfu_net_dev_down *n = net->dev_up; n; n = n->next)
			n->fn(net, ifindex, n->priv);
	}
	d->up = up != 0;
	return 0;
}

static int add_dev_event(struct nfu_net_dev_down **list,
			 void (*fn)(struct nfu_net *net, int ifindex,
				    void *priv),
			 void *priv)
{
	struct nfu_net_dev_down *n = malloc(sizeof(*n)), **pp;

	if (!n)
		return -ENOMEM;
	n->fn = fn;
	n->priv = priv;
	n->next = NULL;
	for (pp = list; *pp; pp = &(*pp)->next)
		;
	*pp = n;
	return 0;
}

int nfu_net_add_dev_down(struct nfu_net *net,
			 void (*fn)(struct nfu_net *net, int ifindex, void *priv),
			 void *priv)
{
	return add_dev_event(&net->dev_down, fn, priv);
}

int nfu_net_add_dev_up(struct nfu_net *net,
		       void (*fn)(struct nfu_net *net, int ifindex, void *priv),
		       void *priv)
{
	return add_dev_event(&net->dev_up, fn, priv);
}

void nfu_net_del_dev_down(struct nfu_net *net,
			  void (*fn)(struct nfu_net *net, int ifindex,
				     void *priv),
			  void *priv)
{
	for (struct nfu_net_dev_down **pp = &net->dev_down; *pp;
	     pp = &(*pp)->next) {
		struct nfu_net_dev_down *n = *pp;

		if (n->fn == fn && n->priv == priv) {
			*pp = n->next;
			free(n);
			return;
		}
	}
}

int nfu_net_add_addr_del(struct nfu_net *net,
			 void (*fn)(struct nfu_net *net, int ifindex,
				    uint32_t addr, void *priv),
			 void *priv)
{
	struct nfu_net_addr_del *n = malloc(sizeof(*n)), **pp;

	if (!n)
		return -ENOMEM;
	n->fn = fn;
	n->priv = priv;
	n->next = NULL;
	for (pp = &net->addr_del; *pp; pp = &(*pp)->next)
		;
	*pp = n;
	return 0;
}

void nfu_net_addr_deleted(struct nfu_net *net, int ifindex, uint32_t addr)
{
	for (struct nfu_net_addr_del *n = net->addr_del; n; n = n->next)
		n->fn(net, ifindex, addr, n->priv);
}
