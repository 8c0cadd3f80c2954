/* SPDX-License-Identifier: MIT */
/*
 * bench_path: the cost of the IPv4 path in nfu, per packet: a router
 * forwarding UDP datagrams with nothing registered on its hooks (the
 * baseline: "a hook with nothing registered costs nothing"), then with one
 * accepting function on each of the five hooks, and local delivery of echo
 * requests answered by the host.  Prints ns/packet and packets/s.
 *
 *   build/bench/bench_path [packets]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/csum.h"
#include "nfu/nfu.h"

static const char topo[] =
	"ip link set f0 address 02:00:00:00:00:02\n"
	"ip link set f1 address 02:00:00:00:01:02\n"
	"ip addr add 10.9.0.2/24 dev f0\n"
	"ip addr add 10.9.1.2/24 dev f1\n"
	"ip neigh add 10.9.0.1 lladdr 02:00:00:00:00:01 dev f0\n"
	"ip neigh add 10.9.1.3 lladdr 02:00:00:00:01:03 dev f1\n"
	"sysctl -w net.ipv4.ip_forward=1\n"
	"sysctl -w net.ipv4.icmp_ratelimit=0\n";

static unsigned long long sent;

static void xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		 size_t len, const struct nfu_pkt *pkt)
{
	(void)priv;
	(void)dev;
	(void)frame;
	(void)len;
	(void)pkt;
	sent++;
}

static unsigned int accept_fn(void *priv, struct nfu_pkt *pkt,
			      const struct nfu_hook_state *state)
{
	(void)pkt;
	(void)state;
	(*(unsigned long *)priv)++;
	return NFU_ACCEPT;
}

static size_t frame_udp(unsigned char *f)
{
	static const unsigned char t[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 60, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 9, 0, 1, 10, 9, 1, 3,
		0x9c, 0x40, 0, 53, 0, 40, 0, 0,
	};
	uint16_t check;

	memcpy(f, t, sizeof(t));
	memset(f + sizeof(t), 'x', 32);
	check = nfu_ip_fast_csum(f + 14, 5);
	memcpy(f + 24, &check, 2);
	return sizeof(t) + 32;
}

static size_t frame_echo(unsigned char *f)
{
	static const unsigned char t[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 60, 0, 1, 0, 0, 64, 1, 0, 0,
		10, 9, 0, 1, 10, 9, 0, 2,
		8, 0, 0, 0, 0, 1, 0, 1,
	};
	unsigned int sum = 0;
	unsigned char *ic = f + 34;
	uint16_t check;

	memcpy(f, t, sizeof(t));
	memset(f + sizeof(t), 'x', 32);
	check = nfu_ip_fast_csum(f + 14, 5);
	memcpy(f + 24, &check, 2);
	for (int i = 0; i < 40; i += 2)
		sum += (unsigned int)(ic[i] << 8 | ic[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ic[2] = (unsigned char)(sum >> 8);
	ic[3] = (unsigned char)sum;
	return sizeof(t) + 32;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void run(const char *what, int hooks, size_t (*mk)(unsigned char *),
		unsigned long n)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_net_ops ops = { .xmit = xmit };
	struct nfu_hook_ops h[NFU_INET_NUMHOOKS];
	unsigned long calls = 0;
	struct nfu_error err;
	unsigned char f[128];
	size_t len = mk(f);
	double t0, t1;

	if (!net || nfu_topology_load(net, topo, strlen(topo), "bench", &err))
		exit(1);
	nfu_net_set_ops(net, &ops);
	for (int i = 0; hooks && i < NFU_INET_NUMHOOKS; i++) {
		h[i] = (struct nfu_hook_ops){ .hook = accept_fn, .priv = &calls,
					      .pf = NFU_PROTO_IPV4,
					      .hooknum = (uint8_t)i };
		nfu_hook_register(net, &h[i]);
	}
	sent = 0;
	for (unsigned long i = 0; i < 1000; i++) /* warm the pool */
		nfu_rx(net, 2, f, len);
	sent = 0;
	t0 = now_ns();
	for (unsigned long i = 0; i < n; i++)
		nfu_rx(net, 2, f, len);
	t1 = now_ns();
	printf("%-34s %8.1f ns/packet %10.0f packets/s  (%llu sent, %lu hook calls)\n",
	       what, (t1 - t0) / n, n / ((t1 - t0) / 1e9), sent, calls);
	nfu_net_free(net);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;

	printf("IPv4 path, %lu packets of 74 bytes, one core\n", n);
	run("forward, no hooks (baseline)", 0, frame_udp, n);
	run("forward, a function on each hook", 1, frame_udp, n);
	run("echo request answered, no hooks", 0, frame_echo, n);
	run("echo request answered, all hooks", 1, frame_echo, n);
	return 0;
}
