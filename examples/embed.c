/* SPDX-License-Identifier: MIT */
/*
 * embed.c - nfu embedded in a program: a router with two interfaces, a hook
 * of our own in FORWARD that drops UDP to port 53, and two packets fed in.
 * Prints what left each interface and why the other packet was dropped.
 *
 *   build/examples/embed
 */
#include <stdio.h>
#include <string.h>

#include "nfu/nfu.h"

static const char topology[] =
	"ip link set f0 address 02:00:00:00:00:02\n"
	"ip link set f1 address 02:00:00:00:01:02\n"
	"ip addr add 10.9.0.2/24 dev f0\n"
	"ip addr add 10.9.1.2/24 dev f1\n"
	"ip neigh add 10.9.1.3 lladdr 02:00:00:00:01:03 dev f1\n"
	"sysctl -w net.ipv4.ip_forward=1\n";

/* Our hook: drop UDP to port 53, accept the rest. */
static unsigned int no_dns(void *priv, struct nfu_pkt *pkt,
			   const struct nfu_hook_state *state)
{
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	const unsigned char *l4 = ip + (ip[0] & 0x0f) * 4;
	unsigned int *count = priv;

	(void)state;
	if (ip[9] == 17 && l4[2] == 0 && l4[3] == 53) {
		(*count)++;
		return NFU_DROP;
	}
	return NFU_ACCEPT;
}

static void on_xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		    size_t len, const struct nfu_pkt *pkt)
{
	(void)priv;
	(void)frame;
	printf("out %s: %zu bytes, ttl %u\n", dev->name, len,
	       nfu_pkt_network_header(pkt)[8]);
}

static void on_drop(void *priv, const struct nfu_pkt *pkt,
		    enum nfu_drop_reason reason)
{
	(void)priv;
	printf("dropped packet %llu: %s\n", (unsigned long long)pkt->id,
	       nfu_drop_reason_name(reason));
}

/* A UDP datagram from 10.9.0.1:40000 to 10.9.1.3:'dport', in Ethernet. */
static size_t make_frame(unsigned char *f, unsigned int dport)
{
	static const unsigned char hdr[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 9, 0, 1, 10, 9, 1, 3,
		0x9c, 0x40, 0, 0, 0, 12, 0, 0, 'h', 'i', '!', '\n',
	};
	unsigned int sum = 0;

	memcpy(f, hdr, sizeof(hdr));
	f[36] = (unsigned char)(dport >> 8);
	f[37] = (unsigned char)dport;
	for (int i = 14; i < 34; i += 2)
		sum += (unsigned int)(f[i] << 8 | f[i + 1]);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	f[24] = (unsigned char)(sum >> 8);
	f[25] = (unsigned char)sum;
	return sizeof(hdr); /* UDP checksum 0: none */
}

int main(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;
	unsigned int dns_dropped = 0;
	struct nfu_hook_ops ops = {
		.hook = no_dns,
		.priv = &dns_dropped,
		.pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_FORWARD,
		.priority = NFU_IP_PRI_FILTER,
	};
	struct nfu_net_ops io = { .xmit = on_xmit, .dropped = on_drop };
	unsigned char frame[64];
	size_t len;
	int f0, rc = 1;

	if (!net)
		return 1;
	if (nfu_topology_load(net, topology, strlen(topology), "embed", &err) < 0) {
		char msg[1024];
		nfu_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		goto out;
	}
	nfu_net_set_ops(net, &io);
	if (nfu_hook_register(net, &ops) < 0)
		goto out;
	f0 = nfu_dev_by_name(net, "f0")->ifindex;

	nfu_net_set_time(net, 1000000000ull);
	len = make_frame(frame, 7);   /* forwarded out f1 */
	nfu_rx(net, f0, frame, len);
	len = make_frame(frame, 53);  /* dropped by our hook */
	nfu_rx(net, f0, frame, len);

	struct nfu_stats st;
	nfu_net_get_stats(net, &st);
	printf("forwarded %llu, dropped %llu (our hook: %u)\n",
	       (unsigned long long)st.forwarded,
	       (unsigned long long)st.dropped, dns_dropped);
	rc = st.forwarded == 1 && dns_dropped == 1 ? 0 : 1;
out:
	nfu_net_free(net);
	return rc;
}
