/* SPDX-License-Identifier: MIT */
/*
 * fuzz_defrag: sequences of IPv4 fragments into a host, reassembled before
 * LOCAL_IN (lib/ipv4/defrag.c).
 *
 * The first byte sets the reassembly sysctls (ipfrag_max_dist,
 * ipfrag_high_thresh, ipfrag_time); then each 8-byte record is one
 * fragment:
 *   [0] bit 0 MF, bit 1 DF, bit 2 from the second device, bit 3 a 24-byte
 *       header (options NOP NOP NOP EOL), bits 4-5 ECN, bit 6 the clock
 *       moves on by [6] * 100 ms first, bit 7 from a second source
 *   [1] the datagram's id (low 3 bits: few ids, many collisions)
 *   [2..3] offset in 8-byte units, [4..5] payload length (14 bits)
 *   [6] protocol (ICMP, UDP, TCP, other) and the clock step, [7] TOS
 * Every payload byte is a function of its datagram and its offset, so any
 * datagram the host sees must carry exactly those bytes: each delivery is
 * checked for that, for a clean header (tot_len, no fragment bits,
 * checksum, at most 65535 bytes), and every frame that leaves for a valid
 * header.  At the end every queue must expire and the memory count
 * return to zero.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "ipv4/ipv4-private.h"
#include "nfu/nfu.h"

static const char topo[] =
	"ip link set f0 address 02:00:00:00:00:02\n"
	"ip link set f1 address 02:00:00:00:01:02\n"
	"ip link set f0 mtu 65535\n"
	"ip addr add 10.9.0.2/24 dev f0\n"
	"ip addr add 10.9.1.2/24 dev f1\n"
	"ip neigh add 10.9.0.1 lladdr 02:00:00:00:00:01 dev f0\n"
	"ip neigh add 10.9.0.3 lladdr 02:00:00:00:00:03 dev f0\n";

static const uint8_t protos[4] = { 1, 17, 6, 99 };

static uint8_t pattern(uint32_t saddr, unsigned int id, unsigned int proto,
		       uint32_t x)
{
	return (uint8_t)(x * 31u + id * 7u + (x >> 8) + proto + (saddr & 0xff));
}

static unsigned int rd16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static uint64_t delivered;

static int deliver(void *priv, struct nfu_pkt *pkt)
{
	const uint8_t *ip = pkt->data;
	unsigned int hl;
	uint32_t saddr;

	(void)priv;
	delivered++;
	if (pkt->len < 20 || pkt->len > 65535)
		abort();
	hl = (ip[0] & 0x0fu) * 4u;
	if (hl < 20 || hl > pkt->len || rd16(ip + 2) != pkt->len ||
	    (rd16(ip + 6) & 0x3fff) ||
	    nfu_csum_fold(nfu_csum_partial(ip, hl, 0)) != 0)
		abort();
	if (pkt->frag_max_size > pkt->len || nfu_pkt_network_header(pkt) != ip)
		abort();
	memcpy(&saddr, ip + 12, 4);
	for (uint32_t x = 0; x < pkt->len - hl; x++)
		if (ip[hl + x] != pattern(saddr, rd16(ip + 4), ip[9], x))
			abort();
	return 0; /* the responder may answer (bad checksums aside) */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t b[14 + 60 + 16384];
	struct nfu_net_ops ops = { .xmit = xmit, .deliver = deliver };
	struct nfu_stats st;
	struct nfu_error err;
	struct nfu_net *net;
	uint64_t t = 0, plain = 0;

	if (size < 1)
		return 0;
	net = nfu_net_new();
	if (!net)
		return 0;
	if (nfu_topology_load(net, topo, strlen(topo), "fuzz", &err) < 0)
		abort();
	nfu_net_set_ops(net, &ops);
	nfu_sysctl_set(net, "net.ipv4.ipfrag_max_dist",
		       (const char *[]){ "64", "0", "2", "1" }[data[0] & 3]);
	if (data[0] & 4) {
		nfu_sysctl_set(net, "net.ipv4.ipfrag_low_thresh", "0");
		nfu_sysctl_set(net, "net.ipv4.ipfrag_high_thresh",
			       data[0] & 8 ? "0" : "60000");
	}
	nfu_sysctl_set(net, "net.ipv4.ipfrag_time",
		       (const char *[]){ "30", "1", "0", "-1" }[data[0] >> 4 & 3]);
	delivered = 0;

	for (const uint8_t *r = data + 1; r + 8 <= data + size; r += 8) {
		unsigned int hl = r[0] & 8 ? 24 : 20;
		unsigned int id = r[1] & 7, proto = protos[r[6] & 3];
		uint32_t off = (uint32_t)rd16(r + 2) & 0x1fff;
		uint32_t plen = (uint32_t)rd16(r + 4) & 0x3fff;
		uint32_t saddr = r[0] & 0x80 ? 0x0300090a : 0x0100090a;
		int ifindex = r[0] & 4 ? 3 : 2;
		uint8_t *ip = b + 14;
		uint16_t sum;

		if (r[0] & 0x40) {
			t += (uint64_t)(r[6] >> 2) * 100000000ull;
			nfu_net_set_time(net, t);
		}
		if (hl + plen > 65535)
			plen = 65535 - hl;
		memcpy(b, ifindex == 2 ? "\x02\0\0\0\0\x02" : "\x02\0\0\0\x01\x02",
		       6);
		memcpy(b + 6, "\x02\0\0\0\0\x01", 6);
		b[12] = 0x08;
		b[13] = 0x00;
		memset(ip, 0, hl);
		ip[0] = (uint8_t)(0x40 | hl / 4);
		ip[1] = (uint8_t)((r[7] & 0xfc) | (r[0] >> 4 & 3));
		ip[2] = (uint8_t)((hl + plen) >> 8);
		ip[3] = (uint8_t)(hl + plen);
		ip[4] = 0;
		ip[5] = (uint8_t)id;
		ip[6] = (uint8_t)((off >> 8) | (r[0] & 1 ? 0x20 : 0) |
				  (r[0] & 2 ? 0x40 : 0));
		ip[7] = (uint8_t)off;
		ip[8] = 64;
		ip[9] = (uint8_t)proto;
		memcpy(ip + 12, &saddr, 4);
		memcpy(ip + 16, "\x0a\x09\x00\x02", 4);
		if (hl == 24)
			memcpy(ip + 20, "\x01\x01\x01\x00", 4);
		sum = nfu_csum_fold(nfu_csum_partial(ip, hl, 0));
		memcpy(ip + 10, &sum, 2);
		for (uint32_t x = 0; x < plen; x++)
			ip[hl + x] = pattern(saddr, id, proto, off * 8 + x);
		if (!(r[0] & 1) && off == 0)
			plain++;
		nfu_rx(net, ifindex, b, 14 + hl + plen);
	}

	/* every datagram seen came from reassembly or was never cut */
	nfu_net_get_stats(net, &st);
	if (delivered > st.reasm_oks + plain)
		abort();
	/* and every queue runs out */
	nfu_net_set_time(net, t + 10000000000000ull);
	nfu_rx(net, 2, "", 0);
	if (nfu_ip_defrag_queues(net) || nfu_ip_defrag_mem(net))
		abort();
	nfu_net_free(net);
	return 0;
}
