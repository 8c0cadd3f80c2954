/* SPDX-License-Identifier: MIT */
/*
 * fuzz_rx: arbitrary frames into a router with hooks on every hook, the
 * responder answering, lo looping back.  The first byte picks the input
 * interface and whether the frame is Ethernet or bare IPv4, the next two
 * advance the clock (rate limits); the rest is the frame.  Every reply and
 * forwarded frame is checked to carry a valid IPv4 header checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "nfu/nfu.h"

static const char topo[] =
	"ip link set f0 address 02:00:00:00:00:02\n"
	"ip link set f1 address 02:00:00:00:01:02\n"
	"ip link set f1 mtu 576\n"
	"ip addr add 10.9.0.2/24 dev f0\n"
	"ip addr add 10.9.1.2/24 dev f1\n"
	"ip route add default via 10.9.1.3\n"
	"ip route add unreachable 10.66.0.0/16\n"
	"ip neigh add 10.9.1.3 lladdr 02:00:00:00:01:03 dev f1\n"
	"sysctl -w net.ipv4.ip_forward=1\n"
	"sysctl -w net.ipv4.conf.f0.rp_filter=1\n";

static unsigned int pass(void *priv, struct nfu_pkt *pkt,
			 const struct nfu_hook_state *state)
{
	(void)priv;
	(void)state;
	/* mark every 7th packet DROP so that path runs too */
	return pkt->id % 7 == 3 ? NFU_DROP : NFU_ACCEPT;
}

static void xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		 size_t len, const struct nfu_pkt *pkt)
{
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	unsigned int hl = (ip[0] & 0x0f) * 4u;

	(void)priv;
	(void)frame;
	if (len < 34 || len > dev->mtu + 14u || hl < 20 ||
	    nfu_csum_fold(nfu_csum_partial(ip, hl, 0)) != 0)
		abort();
}

static struct nfu_hook_ops hooks[NFU_INET_NUMHOOKS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t t;
	struct nfu_net *net;
	struct nfu_net_ops ops = { .xmit = xmit };
	struct nfu_error err;

	if (size < 3)
		return 0;
	net = nfu_net_new();
	if (!net)
		return 0;
	if (nfu_topology_load(net, topo, strlen(topo), "fuzz", &err) < 0)
		abort();
	nfu_net_set_ops(net, &ops);
	for (unsigned int h = 0; h < NFU_INET_NUMHOOKS; h++) {
		hooks[h].hook = pass;
		hooks[h].pf = NFU_PROTO_IPV4;
		hooks[h].hooknum = (uint8_t)h;
		nfu_hook_register(net, &hooks[h]);
	}
	/* Several frames per input: split on the byte sequence "\xff\x00". */
	const uint8_t *p = data + 3, *end = data + size;
	t += (uint64_t)(data[1] << 8 | data[2]) * 1000000ull;
	nfu_net_set_time(net, t);
	while (p < end) {
		const uint8_t *q = p;
		while (q + 1 < end && !(q[0] == 0xff && q[1] == 0x00))
			q++;
		if (q + 1 >= end)
			q = end;
		int ifindex = 2 + (data[0] & 1);
		if (data[0] & 2)
			nfu_rx_ip(net, ifindex, p, (size_t)(q - p));
		else
			nfu_rx(net, ifindex, p, (size_t)(q - p));
		p = q + 2;
	}
	nfu_net_free(net);
	return 0;
}
