/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ct_sctp: sequences of SCTP packets between two hosts (A on e0, B
 * on e1) through a router with conntrack and NAT (A's associations
 * masqueraded on e1, port 81 of B forwarded to B's port 9000), some to
 * the router itself.  The first byte sets nf_conntrack_checksum (bit 0)
 * and whether NAT rules are loaded (bit 1); then each packet takes 13
 * bytes:
 *
 *   0  bit 0 sender (A/B), bits 1-2 which of 4 port pairs, bit 3 to the
 *      router, bit 4 a wrong CRC32c, bits 5-6 the vtag: 0 the one the
 *      peer's INIT gave (what a right packet carries), 1 zero, 2 bytes
 *      8-11, 3 the sender's own tag; bit 7 the INIT tags from bytes 8-11
 *   1  bits 0-1 chunks less one; bits 2-7 their value's length (0-63)
 *   2-5 the chunks' types: bit 7 set, the other bits as the type; else
 *      the byte mod 15 (DATA to SHUTDOWN_COMPLETE)
 *   6  the chunks' flags (bit 0: T)
 *   7  bit 0 the first chunk's length 0, bit 1 the last one's length
 *      beyond the packet, bit 2 cut the packet to bytes 8-9's length
 *   8-11 a number (vtag, tags, a length)
 *   12 time to let pass: 0-127 ms, or 128+ seconds (expiry)
 *
 * After each packet every SCTP connection must have a state of the table
 * and the counts must add up; every SCTP packet that leaves must carry a
 * right CRC32c when it came in with one (NAT computes it again after it
 * rewrote a port); once the table is flushed, no connection may be left.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/ct-private.h"
#include "core/crc32c.h"
#include "core/csum.h"
#include "nfu/nfu.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

static const char topo[] =
	"ip link set e0 address 02:00:00:00:00:01 up\n"
	"ip link set e1 address 02:00:00:00:00:02 up\n"
	"ip addr add 10.0.0.1/24 dev e0\n"
	"ip addr add 10.0.1.1/24 dev e1\n"
	"ip neigh add 10.0.0.2 lladdr 02:00:00:00:aa:02 dev e0\n"
	"ip neigh add 10.0.1.2 lladdr 02:00:00:00:bb:02 dev e1\n"
	"sysctl -w net.ipv4.ip_forward=1\n";

static const char nat_rules[] =
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
	"-A PREROUTING -i e0 -p sctp -m sctp --dport 81 "
	"-j DNAT --to-destination 10.0.1.2:9000\n"
	"-A POSTROUTING -o e1 -p sctp -j MASQUERADE\n"
	"COMMIT\n";
static const char no_rules[] =
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n";

static bool crc_in_ok; /* the packet being fed had a right CRC32c */

static bool crc_ok(const uint8_t *l4, size_t len)
{
	uint32_t c = nfu_sctp_csum(l4, len);

	return memcmp(&c, l4 + 8, 4) == 0;
}

static void xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		 size_t len, const struct nfu_pkt *pkt)
{
	const uint8_t *ip = frame + 14;
	size_t hl, tot;

	(void)priv;
	(void)dev;
	(void)pkt;
	if (len < 14 + 20 || ip[9] != 132 || (ip[6] & 0x3f) || ip[7])
		return;
	hl = (ip[0] & 15u) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	if (tot > len - 14 || tot < hl + 12)
		return;
	if (crc_in_ok && !crc_ok(ip + hl, tot - hl))
		abort(); /* NAT left a stale CRC32c */
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

	if (ct->tuplehash[0].tuple.proto == 132 &&
	    ct->proto.sctp.state >= NFU_CT_SCTP_MAX)
		abort();
	(*n)++;
}

/* A frame of packet 'c' (13 bytes) into 'f'; returns its length. */
static size_t build(uint8_t *f, const uint8_t *c, int *ifindex)
{
	static const uint8_t mac_e[2][6] = { { 2, 0, 0, 0, 0, 1 },
					     { 2, 0, 0, 0, 0, 2 } };
	static const uint8_t mac_peer[2][6] = { { 2, 0, 0, 0, 0xaa, 2 },
						{ 2, 0, 0, 0, 0xbb, 2 } };
	unsigned int side = c[0] & 1, pair = (c[0] >> 1) & 3;
	bool local = c[0] & 8, badsum = c[0] & 16;
	uint8_t *ip = f + 14, *s = ip + 20, *ch;
	uint32_t num = (uint32_t)c[8] << 24 | (uint32_t)c[9] << 16 |
		       (uint32_t)c[10] << 8 | c[11];
	uint32_t tag_own = 0x1000u + pair * 2 + side;
	uint32_t tag_peer = 0x1000u + pair * 2 + !side;
	uint32_t src = side ? 0x0a000102 : 0x0a000002;
	uint32_t dst = local ? (side ? 0x0a000101 : 0x0a000001)
			     : (side ? 0x0a000002 : 0x0a000102);
	unsigned int cport = 40000 + pair, sport_srv = 80 + pair;
	unsigned int nch = (c[1] & 3) + 1, vlen = c[1] >> 2;
	size_t off = 12, tot;
	uint32_t vtag, crc;

	switch ((c[0] >> 5) & 3) {
	case 0: vtag = tag_peer; break;
	case 1: vtag = 0; break;
	case 2: vtag = num; break;
	default: vtag = tag_own; break;
	}
	put16(s, side ? sport_srv : cport);
	put16(s + 2, side ? cport : sport_srv);
	put32(s + 4, vtag);
	for (unsigned int i = 0; i < nch; i++) {
		uint8_t type = c[2 + i] & 0x80 ? c[2 + i] & 0x7f : c[2 + i] % 15;
		size_t n = 4 + vlen;

		ch = s + off;
		ch[0] = type;
		ch[1] = c[6];
		for (unsigned int k = 0; k < vlen; k++)
			ch[4 + k] = (uint8_t)k;
		if ((type == 1 || type == 2) && vlen >= 4)
			put32(ch + 4, c[0] & 0x80 ? num : tag_own);
		put16(ch + 2, (unsigned int)n);
		if (i == 0 && (c[7] & 1))
			put16(ch + 2, 0);
		if (i == nch - 1 && (c[7] & 2))
			put16(ch + 2, (unsigned int)n + 200);
		while (n & 3)
			ch[n++] = 0;
		off += n;
	}
	tot = off;
	if ((c[7] & 4) && (size_t)(c[8] << 8 | c[9]) % 16 < tot)
		tot = (size_t)(c[8] << 8 | c[9]) % 16; /* short, even below 12 */
	if (tot >= 12) {
		memset(s + 8, 0, 4);
		crc = nfu_sctp_csum(s, tot);
		if (badsum)
			crc ^= 0x10;
		memcpy(s + 8, &crc, 4);
	}
	crc_in_ok = tot >= 12 && !badsum;
	memcpy(f, mac_e[side], 6);
	memcpy(f + 6, mac_peer[side], 6);
	f[12] = 8;
	f[13] = 0;
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (unsigned int)(20 + tot));
	put16(ip + 4, 1);
	put16(ip + 6, 0);
	ip[8] = 64;
	ip[9] = 132;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	{
		uint16_t ck = nfu_ip_fast_csum(ip, 5);

		memcpy(ip + 10, &ck, 2);
	}
	*ifindex = side ? 3 : 2;
	return 14 + 20 + tot;
}

static bool load(struct nfu_net *n, const char *text)
{
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_clone(nfu_xt_current(n));
	struct nfu_error err = { 0 };

	if (!rs || nfu_xt_restore(rs, text, strlen(text), 0, NULL, &err) ||
	    nfu_xt_commit(n, rs, &err)) {
		nfu_xt_ruleset_free(rs);
		return false;
	}
	return true;
}

/*
 * One stack for the whole run, its connections flushed before each input
 * (as fuzz_ct_tcp).
 */
static struct nfu_net *net;
static uint64_t now_ns = 1000000000000ull;
static bool nat_loaded;

static struct nfu_ct_net *stack(bool want_nat)
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
		cn->sysctl.buckets = 64;
		if (nfu_ct_enable(net) < 0)
			abort();
	}
	if (want_nat != nat_loaded) {
		if (!load(net, want_nat ? nat_rules : no_rules))
			abort();
		nat_loaded = want_nat;
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
	struct nfu_ct_net *cn;
	uint8_t f[14 + 20 + 12 + 4 * 72];

	if (size < 1)
		return 0;
	cn = stack(data[0] & 2);
	cn->sysctl.checksum = data[0] & 1;
	now_ns += 1000000000000ull; /* far from the last input's */
	nfu_net_set_time(net, now_ns);
	for (size_t i = 1; i + 13 <= size; i += 13) {
		const uint8_t *c = data + i;
		unsigned int n = 0;
		int ifindex;
		size_t len = build(f, c, &ifindex);

		nfu_rx(net, ifindex, f, len);
		now_ns += c[12] < 128 ? (uint64_t)c[12] * 1000000ull
				      : (uint64_t)(c[12] - 127) * 1000000000ull;
		nfu_net_set_time(net, now_ns);
		nfu_ct_walk(cn, check_one, &n);
		if (n != cn->confirmed || cn->count < cn->confirmed)
			abort();
	}
	return 0;
}
