/* SPDX-License-Identifier: MIT */
/*
 * Creating a stack: the core instance, the IPv4 layer and the loopback
 * device, with Linux's defaults.  Also devices as the IPv4 layer sees them
 * (a new device takes net.ipv4.conf.default.*).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4/ipv4-private.h"

static void ipv4_exit(struct nfu_net *net, void *priv)
{
	struct nfu_ipv4_net *in = priv;

	nfu_ip_defrag_exit(net);
	while (in->backlog) {
		struct nfu_pkt *p = in->backlog;
		in->backlog = p->next;
		nfu_pkt_free(p);
	}
	for (unsigned int i = 0; i < NFU_MAX_DEVS; i++) {
		while (in->ifa[i]) {
			struct nfu_ifaddr *a = in->ifa[i];
			in->ifa[i] = a->next;
			free(a);
		}
	}
	while (in->neigh) {
		struct nfu_neigh *n = in->neigh;
		in->neigh = n->next;
		free(n);
	}
	nfu_peers_free(in);
	nfu_fib_free(in->fib);
	free(in);
}

static const struct nfu_devconf devconf_defaults = {
	.forwarding = 0,
	.rp_filter = 0,          /* a new namespace's default, not Debian's */
	.accept_local = 0,
	.route_localnet = 0,
	.send_redirects = 1,
	.log_martians = 0,
	.accept_source_route = 0,
};

struct nfu_net *nfu_net_new(void)
{
	struct nfu_net *net = nfu_net_core_alloc();
	struct nfu_ipv4_net *in;
	int lo;

	if (!net)
		return NULL;
	in = calloc(1, sizeof(*in));
	if (!in)
		goto err_net;
	in->fib = nfu_fib_new();
	if (!in->fib)
		goto err_in;
	in->backlog_tail = &in->backlog;
	in->conf_all = devconf_defaults;
	in->conf_default = devconf_defaults;
	in->ip_default_ttl = 64;
	in->icmp_echo_ignore_all = 0;
	in->icmp_echo_ignore_broadcasts = 1;
	in->icmp_ignore_bogus_error_responses = 1;
	in->icmp_ratelimit = 1000;
	in->icmp_ratemask = 0x1818;
	in->icmp_msgs_per_sec = 1000;
	in->icmp_msgs_burst = 50;
	in->icmp_global_credit = 50;
	in->ip_id_next = 1;
	nfu_ip_defrag_init(in);
	net->ipv4 = in;
	net->ip_reroute = nfu_ip_route_me_harder;
	if (nfu_net_add_exit(net, ipv4_exit, in) < 0) {
		nfu_fib_free(in->fib);
		goto err_in;
	}
	/* the FIB and ARP's NETDEV_DOWN/UP, first of the notifiers as
	 * fib_netdev_event() is registered before NAT's */
	if (nfu_net_add_dev_down(net, nfu_ipv4_dev_down, NULL) < 0 ||
	    nfu_net_add_dev_up(net, nfu_ipv4_dev_up, NULL) < 0)
		goto err_all;
	lo = nfu_dev_add(net, "lo");
	if (lo != 1)
		goto err_all;
	if (nfu_addr_add(net, lo, __builtin_bswap32(NFU_IP(127, 0, 0, 1)), 8,
			 0) < 0)
		goto err_all;
	return net;

err_in:
	free(in);
err_net:
	nfu_net_core_free(net);
	return NULL;
err_all:
	nfu_net_core_free(net);
	return NULL;
}

void nfu_net_free(struct nfu_net *net)
{
	nfu_net_core_free(net);
}

int nfu_dev_add(struct nfu_net *net, const char *name)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	int ifindex;

	ifindex = nfu_dev_core_add(net, name, net->ndevs == 0 &&
					       !strcmp(name, "lo"));
	if (ifindex < 0)
		return ifindex;
	in->conf[ifindex] = in->conf_default;
	in->conf[ifindex].forwarding = in->ip_forward;
	return ifindex;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

int nfu_devconf_rpfilter(const struct nfu_net *net, int ifindex)
{
	const struct nfu_ipv4_net *in = nfu_ipv4(net);

	return max_int(in->conf_all.rp_filter, in->conf[ifindex].rp_filter);
}

bool nfu_devconf_forward(const struct nfu_net *net, int ifindex)
{
	return nfu_ipv4(net)->conf[ifindex].forwarding != 0;
}

bool nfu_devconf_accept_local(const struct nfu_net *net, int ifindex)
{
	const struct nfu_ipv4_net *in = nfu_ipv4(net);

	return in->conf_all.accept_local || in->conf[ifindex].accept_local;
}

bool nfu_devconf_route_localnet(const struct nfu_net *net, int ifindex)
{
	const struct nfu_ipv4_net *in = nfu_ipv4(net);

	return in->conf_all.route_localnet || in->conf[ifindex].route_localnet;
}

bool nfu_devconf_tx_redirects(const struct nfu_net *net, int ifindex)
{
	const struct nfu_ipv4_net *in = nfu_ipv4(net);

	return in->conf_all.send_redirects || in->conf[ifindex].send_redirects;
}

void nfu_net_run_timers(struct nfu_net *net)
{
	nfu_ip_defrag_expire(net);
	nfu_ip_backlog_run(net);
}
