/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ct_tcp: sequences of TCP segments between two hosts (A on e0, B on
 * e1) through a router with conntrack, some of them to the router itself
 * (its answers pass LOCAL_OUT's conntrack).  The first byte sets the
 * sysctls (loose, be_liberal, ignore_invalid_rst, checksum, max_retrans);
 * then each segment takes 10 bytes:
 *
 *   0  bit 0 sender (A/B), bits 1-2 which of 4 port pairs, bit 3 to the
 *      router, bit 4 a wrong checksum, bit 5 a data offset off by the
 *      value of bits 6-7 (when not 0)
 *   1  TCP flags, as sent
 *   2  how seq and ack are chosen: bits 0-1 for seq, 2-3 for ack:
 *      0 what the model expects next, 1 that plus the signed byte 3 (seq)
 *      or 4 (ack) times 64, 2 bytes 3-4 and 5-6 as numbers, 3 zero;
 *      bits 4-6 the options (none, MSS, WS, SACK-permitted, WS+SACK-perm,
 *      timestamps, a SACK block, garbage); bit 7 a zero window
 *   5-6 window (or part of a number, see above)
 *   7  payload length
 *   8  window scale shift of the WS option (taken mod 16)
 *   9  time to let pass: 0-127 ms, or 128+ seconds (expiry)
 *
 * The model only tracks the next sequence each side of a pair would use,
 * so that many segments are in the window and the states are reached.
 * After each segment every connection must have a state of the table and
 * a count that adds up; once the table is flushed, no connection may be
 * left (all references returned).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/ct-private.h"
#include "core/csum.h"
#include "nfu/nfu.h"

static const char topo[] =
	"ip link set e0 address 02:00:00:00:00:01 up\n"
	"ip link set e1 address 02:00:00:00:00:02 up\n"
	"ip addr add 10.0.0.1/24 dev e0\n"
	"ip addr add 10.0.1.1/24 dev e1\n"
	"ip neigh add 10.0.0.2 lladdr 02:00:00:00:aa:02 dev e0\n"
	"ip neigh add 10.0.1.2 lladdr 02:00:00:00:bb:02 dev e1\n"
	"sysctl -w net.ipv4.ip_forward=1\n";

static void xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		 size_t len, const struct nfu_pkt *pkt)
{
	(void)priv;
	(void)dev;
	(void)frame;
	(void)len;
	(void)pkt;
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void check_one(struct nfu_ct *ct, void *priv)
{
	unsigned int *n = priv;

	if (ct->tuplehash[0].tuple.proto == 6 &&
	    (ct->proto.tcp.state >= NFU_CT_TCP_MAX ||
	     ct->proto.tcp.seen[0].td_scale > 14 ||
	     ct->proto.tcp.seen[1].td_scale > 14))
		abort();
	(*n)++;
}

/* A frame of segment 'c' (10 bytes) into 'f'; returns its length. */
static size_t build(uint8_t *f, const uint8_t *c, uint32_t next[4][2],
		    int *ifindex)
{
	static const uint8_t mac_e[2][6] = { { 2, 0, 0, 0, 0, 1 },
					     { 2, 0, 0, 0, 0, 2 } };
	static const uint8_t mac_peer[2][6] = { { 2, 0, 0, 0, 0xaa, 2 },
						{ 2, 0, 0, 0, 0xbb, 2 } };
	unsigned int side = c[0] & 1, pair = (c[0] >> 1) & 3;
	bool local = c[0] & 8, badsum = c[0] & 16;
	uint8_t *ip = f + 14, *t = ip + 20, flags = c[1];
	uint32_t src = side ? 0x0a000102 : 0x0a000002;
	uint32_t dst = local ? (side ? 0x0a000101 : 0x0a000001)
			     : (side ? 0x0a000002 : 0x0a000102);
	unsigned int sport = side ? 80 + pair : 40000 + pair;
	unsigned int dport = side ? 40000 + pair : 80 + pair;
	unsigned int win = (unsigned int)c[5] << 8 | c[6], optlen = 0, hl;
	unsigned int dlen = c[7], wsc = c[8] & 15;
	uint32_t s_n, d_n;
	uint16_t ck;
	uint32_t seq, ack, num1, num2;
	uint8_t *o = t + 20;

	num1 = (uint32_t)c[3] << 24 | (uint32_t)c[4] << 16 | (uint32_t)c[5] << 8 | c[6];
	num2 = (uint32_t)c[5] << 24 | (uint32_t)c[6] << 16 | (uint32_t)c[7] << 8 | c[8];
	switch (c[2] & 3) {
	case 0: seq = next[pair][side]; break;
	case 1: seq = next[pair][side] + (uint32_t)((int8_t)c[3] * 64); break;
	case 2: seq = num1; break;
	default: seq = 0; break;
	}
	switch ((c[2] >> 2) & 3) {
	case 0: ack = next[pair][!side]; break;
	case 1: ack = next[pair][!side] + (uint32_t)((int8_t)c[4] * 64); break;
	case 2: ack = num2; break;
	default: ack = 0; break;
	}
	if (c[2] & 0x80)
		win = 0;
	switch ((c[2] >> 4) & 7) {
	case 1: /* MSS */
		memcpy(o, "\x02\x04\x05\xb4", 4);
		optlen = 4;
		break;
	case 2: /* window scale */
		memcpy(o, "\x01\x03\x03", 3);
		o[3] = (uint8_t)wsc;
		optlen = 4;
		break;
	case 3: /* SACK permitted */
		memcpy(o, "\x04\x02\x01\x01", 4);
		optlen = 4;
		break;
	case 4:
		memcpy(o, "\x04\x02\x01\x03\x03", 5);
		o[5] = (uint8_t)wsc;
		optlen = 8;
		o[6] = o[7] = 0;
		break;
	case 5: /* timestamps */
		memcpy(o, "\x01\x01\x08\x0a", 4);
		put32(o + 4, num1);
		put32(o + 8, num2);
		optlen = 12;
		break;
	case 6: /* one SACK block around what the peer sent */
		memcpy(o, "\x01\x01\x05\x0a", 4);
		put32(o + 4, ack);
		put32(o + 8, ack + (uint32_t)((int8_t)c[8] * 16));
		optlen = 12;
		break;
	case 7: /* whatever the bytes say */
		memcpy(o, c + 3, 6);
		optlen = 8;
		o[6] = c[0];
		o[7] = c[1];
		break;
	default:
		break;
	}
	hl = 20 + optlen;
	memcpy(f, mac_e[side], 6);
	memcpy(f + 6, mac_peer[side], 6);
	f[12] = 8;
	f[13] = 0;
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)((hl / 4) << 4);
	if (c[0] & 32)
		t[12] = (uint8_t)(t[12] + ((c[0] >> 6) << 4));
	t[13] = flags;
	put16(t + 14, win);
	put16(t + 16, 0);
	put16(t + 18, 0);
	for (unsigned int i = 0; i < dlen; i++)
		t[hl + i] = (uint8_t)i;
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, 20 + hl + dlen);
	put16(ip + 4, 1);
	put16(ip + 6, 0);
	ip[8] = 64;
	ip[9] = 6;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	ck = nfu_ip_fast_csum(ip, 5);
	memcpy(ip + 10, &ck, 2);
	memcpy(&s_n, ip + 12, 4);
	memcpy(&d_n, ip + 16, 4);
	ck = nfu_csum_fold(nfu_csum_partial(
		t, hl + dlen, nfu_csum_pseudo(s_n, d_n, 6, (uint16_t)(hl + dlen))));
	if (badsum)
		ck ^= 0x1234;
	memcpy(t + 16, &ck, 2);
	/* the model: this side goes on after what it sent */
	next[pair][side] = seq + dlen + !!(flags & 2) + !!(flags & 1);
	*ifindex = side ? 3 : 2;
	return 14 + 20 + hl + dlen;
}

/*
 * One stack for the whole run, its connections flushed before each input:
 * a new stack per input costs more than the segments (the connection
 * chunk of the core is set up whole), and the inputs stay independent
 * but for the clock, which only goes forward.
 */
static struct nfu_net *net;
static uint64_t now_ns = 1000000000000ull;

static struct nfu_ct_net *stack(void)
{
	static const struct nfu_net_ops ops = { .xmit = xmit };
	struct nfu_error err;
	struct nfu_ct_net *cn;

	if (!net) {
		net = nfu_net_new();
		if (!net || nfu_topology_load(net, topo, strlen(topo), "fuzz",
					      &err) < 0)
			abort();
		nfu_net_set_ops(net, &ops);
		cn = nfu_ct_net(net);
		if (!cn)
			abort();
		cn->sysctl.buckets = 64; /* small: collisions get exercised */
		if (nfu_ct_enable(net) < 0)
			abort();
	}
	cn = net->ct;
	for (uint32_t b = 0; b < cn->nbuckets; b++)
		while (cn->buckets[b])
			nfu_ct_kill(nfu_ct_of_hash(cn->buckets[b]));
	if (cn->count || cn->confirmed)
		abort(); /* a connection outlived its packets */
	return cn;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t next[4][2] = { { 1000, 5000 }, { 1000, 5000 },
				{ 0xfffffff0u, 0x7ffffff0u }, { 0, 0 } };
	struct nfu_ct_net *cn;
	uint8_t f[14 + 60 + 60 + 256];

	if (size < 1)
		return 0;
	cn = stack();
	cn->sysctl.tcp_loose = data[0] & 1;
	cn->sysctl.tcp_be_liberal = (data[0] >> 1) & 1;
	cn->sysctl.tcp_ignore_invalid_rst = (data[0] >> 2) & 1;
	cn->sysctl.checksum = !((data[0] >> 3) & 1);
	cn->sysctl.tcp_max_retrans = (uint8_t)(data[0] >> 4);
	now_ns += 1000000000000ull; /* far from the last input's */
	nfu_net_set_time(net, now_ns);
	for (size_t i = 1; i + 10 <= size; i += 10) {
		const uint8_t *c = data + i;
		unsigned int n = 0;
		int ifindex;
		size_t len = build(f, c, next, &ifindex);

		nfu_rx(net, ifindex, f, len);
		now_ns += c[9] < 128 ? (uint64_t)c[9] * 1000000ull
				     : (uint64_t)(c[9] - 127) * 1000000000ull;
		nfu_net_set_time(net, now_ns);
		nfu_ct_walk(cn, check_one, &n);
		if (n != cn->confirmed || cn->count < cn->confirmed)
			abort();
	}
	return 0;
}
