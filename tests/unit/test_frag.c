/* SPDX-License-Identifier: MIT */
/*
 * IPv4 fragmentation on output (lib/ipv4/frag.c).
 *
 * Fixed cases check layouts worked out by hand (and seen on the wire from
 * Linux: 1500 bytes over MTU 576 leave as 572 + 572 + 396 at offsets 0,
 * 552, 1104); a random test checks every fragment, byte for byte, against
 * a deliberately naive reference fragmenter written here from the rules,
 * and reassembles the payload.  Header checksums are verified from
 * scratch with a plain word sum, not with the library's helper.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipv4/frag.h"
#include "nfu/net.h"
#include "nfu/pkt.h"

#define MAXFRAGS 9000
#define MAXDGRAM 65535

static struct nfu_pkt *got[MAXFRAGS];
static unsigned int ngot;
static int fail_at = -1; /* index of the fragment 'output' refuses */
static int fail_err;

static struct nfu_net *net;

static enum nfu_drop_reason last_drop;
static unsigned int ndrops;

static void on_drop(void *priv, const struct nfu_pkt *pkt,
		    enum nfu_drop_reason reason)
{
	(void)priv;
	(void)pkt;
	last_drop = reason;
	ndrops++;
}

static int capture(struct nfu_net *n, struct nfu_pkt *pkt)
{
	(void)n;
	if ((int)ngot == fail_at) {
		fail_at = -1;
		nfu_pkt_free(pkt);
		return fail_err;
	}
	if (ngot == MAXFRAGS) {
		nfu_pkt_free(pkt);
		return -ENOSPC;
	}
	got[ngot++] = pkt;
	return 0;
}

static void reset(void)
{
	for (unsigned int i = 0; i < ngot; i++)
		nfu_pkt_free(got[i]);
	ngot = 0;
	fail_at = -1;
	ndrops = 0;
	last_drop = NFU_DROP_NONE;
}

static unsigned int rd16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static void wr16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One's complement sum of 'n' bytes as big-endian words, folded. */
static unsigned int word_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += rd16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static bool csum_ok(const uint8_t *ip)
{
	return word_sum(ip, (ip[0] & 15u) * 4u) == 0xffff;
}

static void set_csum(uint8_t *ip)
{
	wr16(ip + 10, 0);
	wr16(ip + 10, ~word_sum(ip, (ip[0] & 15u) * 4u) & 0xffff);
}

/* A datagram in 'buf': header with 'opt' ('optlen', a multiple of 4),
 * 'plen' payload bytes (a UDP or ICMP-looking start, then a pattern),
 * fragment field 'fo' (host order), ID 'id'.  Returns its length. */
static size_t make_dgram(uint8_t *buf, uint8_t proto, const uint8_t *opt,
			 unsigned int optlen, unsigned int plen,
			 unsigned int fo, unsigned int id)
{
	unsigned int hlen = 20 + optlen;
	uint8_t *pl = buf + hlen;

	buf[0] = (uint8_t)(0x40 | hlen / 4);
	buf[1] = 0x10;
	wr16(buf + 2, hlen + plen);
	wr16(buf + 4, id);
	wr16(buf + 6, fo);
	buf[8] = 63;
	buf[9] = proto;
	memcpy(buf + 12, "\x0a\x00\x00\x01\x0a\x00\x01\x02", 8);
	if (optlen)
		memcpy(buf + 20, opt, optlen);
	for (unsigned int i = 0; i < plen; i++)
		pl[i] = (uint8_t)(i * 131u + 17u + (i >> 9));
	if (proto == 17 && plen >= 8) {
		wr16(pl, 40000);
		wr16(pl + 2, 9);
		wr16(pl + 4, plen);
	} else if (proto == 1 && plen >= 8) {
		pl[0] = 8;
		pl[1] = 0;
	}
	set_csum(buf);
	return hlen + plen;
}

static struct nfu_pkt *pkt_of(const uint8_t *buf, size_t len)
{
	struct nfu_pkt *p = nfu_pkt_from_bytes(net, buf, len);

	if (p)
		nfu_pkt_reset_network_header(p);
	return p;
}

static int fragment(const uint8_t *buf, size_t len, unsigned int mtu)
{
	struct nfu_pkt *p = pkt_of(buf, len);

	if (!p)
		return -ENOMEM;
	return nfu_ip_fragment(net, p, mtu, capture);
}

static unsigned int frag_off(const struct nfu_pkt *f)
{
	return (rd16(f->data + 6) & 0x1fff) * 8;
}

static bool frag_mf(const struct nfu_pkt *f)
{
	return rd16(f->data + 6) & 0x2000;
}

static unsigned int frag_hlen(const struct nfu_pkt *f)
{
	return (f->data[0] & 15u) * 4;
}

/* Checks what every fragment of 'orig' must satisfy whatever the layout:
 * total length, ID, the untouched header fields, checksum, packet
 * offsets.  Then reassembles the payload and compares it. */
static void check_common(const uint8_t *orig, size_t len, unsigned int mtu)
{
	unsigned int hlen = (orig[0] & 15u) * 4;
	unsigned int base = (rd16(orig + 6) & 0x1fff) * 8;
	static uint8_t re[MAXDGRAM];
	static bool have[MAXDGRAM];
	size_t plen = len - hlen;

	memset(have, 0, plen);
	for (unsigned int i = 0; i < ngot; i++) {
		const struct nfu_pkt *f = got[i];
		const uint8_t *ip = f->data;
		unsigned int fl, o;

		CHECK_INT(f->len, rd16(ip + 2));
		CHECK(f->len <= mtu);
		CHECK_INT(frag_hlen(f), hlen);
		CHECK_INT(rd16(ip + 4), rd16(orig + 4)); /* ID */
		CHECK_MEM(ip, orig, 2);                 /* version, ihl, tos */
		CHECK_MEM(ip + 8, orig + 8, 2);         /* ttl, protocol */
		CHECK_MEM(ip + 12, orig + 12, 8);       /* addresses */
		CHECK(csum_ok(ip));
		CHECK(nfu_pkt_network_header(f) == f->data);
		CHECK_INT(f->transport_off, f->network_off + hlen);
		CHECK_INT(f->fragment, 1);
		fl = f->len - hlen;
		o = frag_off(f);
		REQUIRE(o >= base && o - base + fl <= plen);
		if (i + 1 < ngot)
			CHECK_INT(fl % 8, 0);
		for (unsigned int k = 0; k < fl; k++) {
			CHECK(!have[o - base + k]);
			have[o - base + k] = true;
		}
		memcpy(re + (o - base), ip + hlen, fl);
	}
	for (size_t k = 0; k < plen; k++)
		REQUIRE(have[k]);
	CHECK_MEM(re, orig + hlen, plen);
}

struct want {
	unsigned int len;  /* total length */
	unsigned int off;  /* byte offset */
	bool mf;
};

static void check_layout(const struct want *w, unsigned int n)
{
	CHECK_INT(ngot, n);
	for (unsigned int i = 0; i < n && i < ngot; i++) {
		CHECK_INT(got[i]->len, w[i].len);
		CHECK_INT(frag_off(got[i]), w[i].off);
		CHECK_INT(frag_mf(got[i]), w[i].mf);
	}
}

static uint8_t dg[MAXDGRAM];

static void test_udp_1500_mtu576(void)
{
	static const struct want w[] = {
		{572, 0, true}, {572, 552, true}, {396, 1104, false}};
	struct nfu_stats before, after;
	size_t len = make_dgram(dg, 17, NULL, 0, 1480, 0, 0x1234);

	nfu_net_get_stats(net, &before);
	CHECK_INT(fragment(dg, len, 576), 0);
	nfu_net_get_stats(net, &after);
	check_layout(w, 3);
	check_common(dg, len, 576);
	CHECK_INT(after.frag_oks - before.frag_oks, 1);
	CHECK_INT(after.frag_creates - before.frag_creates, 3);
	CHECK_INT(after.dropped - before.dropped, 0);
	/* DF was clear: every fragment's flags are MF or nothing. */
	for (unsigned int i = 0; i < ngot; i++)
		CHECK_INT(rd16(got[i]->data + 6) & 0xc000, 0);
	reset();
}

static void test_udp_1500_mtu1400(void)
{
	static const struct want w[] = {{1396, 0, true}, {124, 1376, false}};
	size_t len = make_dgram(dg, 17, NULL, 0, 1480, 0, 0xbeef);

	CHECK_INT(fragment(dg, len, 1400), 0);
	check_layout(w, 2);
	check_common(dg, len, 1400);
	reset();
}

/* ping -s 1400: 1428 bytes of IPv4. */
static void test_icmp_1428(void)
{
	static const struct want w576[] = {
		{572, 0, true}, {572, 552, true}, {324, 1104, false}};
	static const struct want w1400[] = {{1396, 0, true}, {52, 1376, false}};
	size_t len = make_dgram(dg, 1, NULL, 0, 1408, 0, 7);

	CHECK_INT(fragment(dg, len, 576), 0);
	check_layout(w576, 3);
	check_common(dg, len, 576);
	reset();
	CHECK_INT(fragment(dg, len, 1400), 0);
	check_layout(w1400, 2);
	check_common(dg, len, 1400);
	reset();
}

/* NOP, record route (not copied), security and LSRR (copied), EOL, pad. */
static const uint8_t opts_mixed[32] = {
	0x01,
	0x07, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0,
	0x82, 11, 0xf1, 0x35, 0, 0, 0, 0, 0, 0, 0,
	0x83, 7, 4, 10, 9, 9, 9,
	0x00, 0x00,
};
static const uint8_t opts_mixed_later[32] = {
	0x01,
	0x01, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0x82, 11, 0xf1, 0x35, 0, 0, 0, 0, 0, 0, 0,
	0x83, 7, 4, 10, 9, 9, 9,
	0x00, 0x00,
};

static void test_options_copied_or_not(void)
{
	size_t len = make_dgram(dg, 17, opts_mixed, 32, 1480, 0, 99);
	unsigned int room = (576 - 52) & ~7u; /* 520 */

	CHECK_INT(fragment(dg, len, 576), 0);
	CHECK_INT(ngot, 3);
	check_common(dg, len, 576);
	REQUIRE(ngot == 3);
	CHECK_INT(got[0]->len, 52 + room);
	CHECK_INT(got[1]->len, 52 + room);
	CHECK_INT(got[2]->len, 52 + 1480 - 2 * room);
	CHECK_INT(frag_off(got[1]), room);
	/* The first keeps the original header, options and all. */
	CHECK_MEM(got[0]->data + 20, opts_mixed, 32);
	for (unsigned int i = 1; i < 3; i++)
		CHECK_MEM(got[i]->data + 20, opts_mixed_later, 32);
	/* The caller's datagram is not what later fragments are cut from:
	 * a second run gives the same. */
	reset();
	CHECK_INT(fragment(dg, len, 576), 0);
	REQUIRE(ngot == 3);
	CHECK_MEM(got[0]->data + 20, opts_mixed, 32);
	reset();
}

/* Timestamp (not copied), then EOL: what follows EOL stays, even bytes
 * that look like an option. */
static void test_options_after_eol(void)
{
	static const uint8_t o[16] = {0x44, 12, 5, 0, 1, 2, 3, 4, 5, 6, 7, 8,
				      0x00, 0x07, 3, 4};
	static const uint8_t later[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
					  0x00, 0x07, 3, 4};
	size_t len = make_dgram(dg, 1, o, 16, 1000, 0, 5);

	CHECK_INT(fragment(dg, len, 576), 0);
	check_common(dg, len, 576);
	REQUIRE(ngot == 2);
	CHECK_MEM(got[0]->data + 20, o, 16);
	CHECK_MEM(got[1]->data + 20, later, 16);
	reset();
}

/* A malformed list is left alone from the bad option on, as Linux's walk
 * stops there. */
static void test_options_malformed(void)
{
	/* NOP, RR claiming 11 bytes in the 7 left: untouched. */
	static const uint8_t long_rr[8] = {0x01, 0x07, 11, 4, 0, 0, 0, 0};
	/* TS of 4 bytes (stripped), then an option of length 1: stop. */
	static const uint8_t short_len[8] = {0x44, 4, 5, 0, 0x07, 1, 0x07, 2};
	static const uint8_t short_later[8] = {1, 1, 1, 1, 0x07, 1, 0x07, 2};
	/* Three NOPs, then a non-copied type with no length byte left. */
	static const uint8_t no_len[4] = {1, 1, 1, 0x07};
	size_t len;

	len = make_dgram(dg, 17, long_rr, 8, 1000, 0, 1);
	CHECK_INT(fragment(dg, len, 576), 0);
	REQUIRE(ngot == 2);
	CHECK_MEM(got[1]->data + 20, long_rr, 8);
	reset();

	len = make_dgram(dg, 17, short_len, 8, 1000, 0, 2);
	CHECK_INT(fragment(dg, len, 576), 0);
	REQUIRE(ngot == 2);
	CHECK_MEM(got[1]->data + 20, short_later, 8);
	reset();

	len = make_dgram(dg, 17, no_len, 4, 1000, 0, 3);
	CHECK_INT(fragment(dg, len, 576), 0);
	REQUIRE(ngot == 2);
	CHECK_MEM(got[1]->data + 20, no_len, 4);
	check_common(dg, len, 576);
	reset();
}

/* The first fragment of a 1500-byte datagram cut for MTU 1400 (MF, offset
 * 0) and then its last fragment, cut again for smaller links: MF stays on
 * every piece of the first, offsets continue from the original. */
static void test_refragment(void)
{
	static const struct want first[] = {
		{572, 0, true}, {572, 552, true}, {292, 1104, true}};
	static const struct want last[] = {
		{68, 1376, true}, {68, 1424, true}, {28, 1472, false}};
	static uint8_t f0[1500], f1[200];
	size_t len = make_dgram(dg, 17, NULL, 0, 1480, 0, 0x4242);
	size_t l0, l1;

	CHECK_INT(fragment(dg, len, 1400), 0);
	REQUIRE(ngot == 2);
	l0 = got[0]->len;
	l1 = got[1]->len;
	memcpy(f0, got[0]->data, l0);
	memcpy(f1, got[1]->data, l1);
	reset();

	CHECK_INT(fragment(f0, l0, 576), 0);
	check_layout(first, 3);
	check_common(f0, l0, 576);
	reset();

	CHECK_INT(fragment(f1, l1, 68), 0);
	check_layout(last, 3);
	check_common(f1, l1, 68);
	reset();
}

/* A non-first fragment's options were fixed by whoever cut it: Linux
 * strips nothing more when cutting it again, so a record route left in
 * it (by a careless sender) stays in every piece. */
static void test_refragment_options(void)
{
	static const uint8_t rr[12] = {0x07, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0,
				       0x00};
	static const uint8_t rr_later[12] = {1, 1, 1, 1, 1, 1, 1, 1,
					     1, 1, 1, 0x00};
	size_t len;

	len = make_dgram(dg, 17, rr, 12, 1000, 0x2000 | 100, 6);
	CHECK_INT(fragment(dg, len, 576), 0);
	REQUIRE(ngot == 2);
	CHECK_INT(frag_off(got[0]), 800);
	CHECK(frag_mf(got[0]) && frag_mf(got[1]));
	CHECK_MEM(got[0]->data + 20, rr, 12);
	CHECK_MEM(got[1]->data + 20, rr, 12);
	check_common(dg, len, 576);
	reset();

	/* A first fragment (offset 0, MF) is stripped after its first piece. */
	len = make_dgram(dg, 17, rr, 12, 1000, 0x2000, 6);
	CHECK_INT(fragment(dg, len, 576), 0);
	REQUIRE(ngot == 2);
	CHECK_MEM(got[0]->data + 20, rr, 12);
	CHECK_MEM(got[1]->data + 20, rr_later, 12);
	CHECK(frag_mf(got[1]));
	reset();
}

static void test_boundaries(void)
{
	static const struct want fits[] = {{1500, 0, false}};
	static const struct want over[] = {{1500, 0, true}, {21, 1480, false}};
	static const struct want odd_fit[] = {{1499, 0, false}};
	static const struct want odd_over[] = {{1492, 0, true},
					       {28, 1472, false}};
	static const struct want exact2[] = {{1500, 0, true},
					     {1500, 1480, false}};
	size_t len;

	/* Payload exactly fills the data space: one piece, no MF. */
	len = make_dgram(dg, 17, NULL, 0, 1480, 0, 1);
	CHECK_INT(fragment(dg, len, 1500), 0);
	check_layout(fits, 1);
	check_common(dg, len, 1500);
	reset();

	/* One byte over. */
	len = make_dgram(dg, 17, NULL, 0, 1481, 0, 1);
	CHECK_INT(fragment(dg, len, 1500), 0);
	check_layout(over, 2);
	check_common(dg, len, 1500);
	reset();

	/* A data space that is not a multiple of 8: the last piece may use
	 * all of it, the others round down. */
	len = make_dgram(dg, 17, NULL, 0, 1479, 0, 1);
	CHECK_INT(fragment(dg, len, 1499), 0);
	check_layout(odd_fit, 1);
	reset();
	len = make_dgram(dg, 17, NULL, 0, 1480, 0, 1);
	CHECK_INT(fragment(dg, len, 1499), 0);
	check_layout(odd_over, 2);
	check_common(dg, len, 1499);
	reset();

	/* Two full pieces exactly. */
	len = make_dgram(dg, 17, NULL, 0, 2960, 0, 1);
	CHECK_INT(fragment(dg, len, 1500), 0);
	check_layout(exact2, 2);
	check_common(dg, len, 1500);
	reset();

	/* The smallest MTU that carries 8 bytes, and one below. */
	len = make_dgram(dg, 17, NULL, 0, 20, 0, 1);
	CHECK_INT(fragment(dg, len, 28), 0);
	CHECK_INT(ngot, 3);
	check_common(dg, len, 28);
	reset();
	CHECK_INT(fragment(dg, len, 27), -EMSGSIZE);
	CHECK_INT(ngot, 0);
	CHECK_INT(last_drop, NFU_DROP_PKT_TOO_BIG);
	reset();
}

/* A middle fragment (MF set, offset 800) cut again: MF on every piece,
 * the last included. */
static void test_mf_kept(void)
{
	static const struct want w[] = {
		{572, 800, true}, {572, 1352, true}, {136, 1904, true}};
	size_t len = make_dgram(dg, 1, NULL, 0, 1220, 0x2000 | 100, 77);

	CHECK_INT(fragment(dg, len, 576), 0);
	check_layout(w, 3);
	check_common(dg, len, 576);
	reset();
}

/* DF on a datagram that is fragmented anyway (Linux: reassembled from
 * fragments that all had DF) stays on the pieces; the reserved bit goes. */
static void test_df_and_reserved(void)
{
	size_t len = make_dgram(dg, 17, NULL, 0, 1480, 0x4000, 1);

	CHECK_INT(fragment(dg, len, 576), 0);
	REQUIRE(ngot == 3);
	CHECK_INT(rd16(got[0]->data + 6), 0x4000 | 0x2000);
	CHECK_INT(rd16(got[2]->data + 6), 0x4000 | 138);
	reset();

	len = make_dgram(dg, 17, NULL, 0, 1480, 0x8000, 1);
	CHECK_INT(fragment(dg, len, 576), 0);
	REQUIRE(ngot == 3);
	CHECK_INT(rd16(got[0]->data + 6), 0x2000);
	CHECK_INT(rd16(got[2]->data + 6), 138);
	reset();
}

static void test_metadata(void)
{
	static struct nfu_dev din, dout;
	/* a connection's reference count (struct nfu_ct_common): the
	 * packet holds one of 1000, each fragment takes its own */
	static uint32_t ct = 1000;
	size_t len = make_dgram(dg, 17, NULL, 0, 1480, 0, 3);
	struct nfu_pkt *p = pkt_of(dg, len);

	REQUIRE(p);
	p->in = &din;
	p->out = &dout;
	p->mark = 0xdeadbeef;
	p->nexthop = 0x0102000a;
	p->rt_type = NFU_RTN_UNICAST;
	p->tstamp = 123456789;
	p->ct = &ct;
	p->ctinfo = 2;
	p->pkt_type = NFU_PACKET_OTHERHOST;
	p->local_out = 1;
	p->tos = 0x10;
	nfu_net_set_time(net, 999);
	CHECK_INT(nfu_ip_fragment(net, p, 576, capture), 0);
	REQUIRE(ngot == 3);
	for (unsigned int i = 0; i < ngot; i++) {
		const struct nfu_pkt *f = got[i];

		CHECK(f->in == &din);
		CHECK(f->out == &dout);
		CHECK_INT(f->mark, 0xdeadbeef);
		CHECK_INT(f->nexthop, 0x0102000a);
		CHECK_INT(f->rt_type, NFU_RTN_UNICAST);
		CHECK_INT(f->tstamp, 123456789);
		CHECK(f->ct == &ct);
		CHECK_INT(f->ctinfo, 2);
		CHECK_INT(f->pkt_type, NFU_PACKET_OTHERHOST);
		CHECK_INT(f->local_out, 1);
		CHECK_INT(f->tos, 0x10);
		CHECK_INT(f->fragment, 1);
		CHECK(f->net == net);
		CHECK_INT(f->drop_reason, NFU_DROP_NONE);
	}
	CHECK_INT(ct, 1000 - 1 + 3); /* the datagram's gone, 3 fragments' */
	nfu_net_set_time(net, 0);
	reset();
	CHECK_INT(ct, 999);
}

/* frag_max_size (the largest fragment a reassembled datagram came in)
 * caps the pieces, as in Linux. */
static void test_frag_max_size(void)
{
	size_t len = make_dgram(dg, 17, NULL, 0, 1480, 0, 3);
	struct nfu_pkt *p = pkt_of(dg, len);

	REQUIRE(p);
	p->frag_max_size = 500;
	CHECK_INT(nfu_ip_fragment(net, p, 1500, capture), 0);
	CHECK_INT(ngot, 4); /* 480 + 480 + 480 + 40 */
	check_common(dg, len, 500);
	reset();
}

static void test_output_fails(void)
{
	struct nfu_stats before, after;
	uint64_t nomem = nfu_net_drop_count(net, NFU_DROP_NOMEM);
	size_t len = make_dgram(dg, 17, NULL, 0, 1480, 0, 3);

	/* The second piece is refused: the third is never made, the rest
	 * of the datagram is dropped. */
	nfu_net_get_stats(net, &before);
	fail_at = 1;
	fail_err = -ENOBUFS;
	CHECK_INT(fragment(dg, len, 576), -ENOBUFS);
	nfu_net_get_stats(net, &after);
	CHECK_INT(ngot, 1);
	CHECK_INT(after.frag_creates - before.frag_creates, 1);
	CHECK_INT(after.frag_oks - before.frag_oks, 0);
	CHECK_INT(nfu_net_drop_count(net, NFU_DROP_NOMEM) - nomem, 1);
	CHECK_INT(ndrops, 1);
	reset();

	/* The last piece is refused: nothing is left to drop. */
	nfu_net_get_stats(net, &before);
	fail_at = 2;
	fail_err = -EPERM;
	CHECK_INT(fragment(dg, len, 576), -EPERM);
	nfu_net_get_stats(net, &after);
	CHECK_INT(ngot, 2);
	CHECK_INT(after.frag_creates - before.frag_creates, 2);
	CHECK_INT(after.frag_oks - before.frag_oks, 0);
	CHECK_INT(ndrops, 0);
	reset();
}

/* A datagram 'len' bytes in 'dg' as reassembled from pieces of 'lens'
 * ('n' of them) payload bytes. */
static struct nfu_pkt *pkt_of_pieces(size_t len, const uint16_t *lens,
				     unsigned int n)
{
	struct nfu_pkt *p = pkt_of(dg, len);

	if (!p)
		return NULL;
	p->frag_lens = malloc(n * sizeof(*lens));
	if (!p->frag_lens) {
		nfu_pkt_free(p);
		return NULL;
	}
	memcpy(p->frag_lens, lens, n * sizeof(*lens));
	p->frag_count = (uint16_t)n;
	return p;
}

/* ip_do_fragment()'s fast path: the pieces a reassembled datagram came in
 * leave as they were, in order, when each fits the MTU: the first with
 * the whole header, the others with the options that are not copied made
 * NOPs; none with DF, whatever the datagram had (what Linux 6.18 sent in
 * the ct-frag-pieces scenario). */
static void test_pieces_fast_path(void)
{
	static const uint16_t lens[3] = { 96, 96, 116 };
	static const struct want w[] = {
		{52 + 96, 0, true}, {52 + 96, 96, true}, {52 + 116, 192, false}};
	size_t len = make_dgram(dg, 17, opts_mixed, 32, 308, 0x4000, 5);
	struct nfu_stats before, after;
	struct nfu_pkt *p = pkt_of_pieces(len, lens, 3);

	REQUIRE(p);
	nfu_net_get_stats(net, &before);
	CHECK_INT(nfu_ip_fragment(net, p, 1500, capture), 0);
	nfu_net_get_stats(net, &after);
	check_layout(w, 3);
	check_common(dg, len, 1500);
	REQUIRE(ngot == 3);
	CHECK_INT(rd16(got[0]->data + 6), 0x2000); /* no DF */
	CHECK_INT(rd16(got[2]->data + 6), 192 / 8);
	CHECK_MEM(got[0]->data + 20, opts_mixed, 32);
	for (unsigned int i = 1; i < 3; i++)
		CHECK_MEM(got[i]->data + 20, opts_mixed_later, 32);
	CHECK_INT(after.frag_creates - before.frag_creates, 3);
	CHECK_INT(after.frag_oks - before.frag_oks, 1);
	reset();

	/* the MTU exactly the largest piece's: still as they came */
	p = pkt_of_pieces(len, lens, 3);
	REQUIRE(p);
	CHECK_INT(nfu_ip_fragment(net, p, 52 + 116, capture), 0);
	check_layout(w, 3);
	reset();
}

/* The slow path, cut by the MTU as without pieces, when one does not fit
 * (a smaller MTU, or frag_max_size for the first piece's longer header),
 * when one but the last is not a multiple of 8, when they do not add up
 * to the payload (changed since), or when the datagram is itself a
 * fragment; DF then kept, as IPSKB_FRAG_PMTU does. */
static void test_pieces_slow_path(void)
{
	static const uint16_t fit[3] = { 96, 96, 116 };
	static const uint16_t odd[3] = { 96, 100, 112 };
	static const uint16_t less[3] = { 96, 96, 100 };
	static const struct want by100[] = {
		{100, 0, true}, {100, 80, true}, {100, 160, true}, {88, 240, false}};
	size_t len = make_dgram(dg, 17, NULL, 0, 308, 0x4000, 6);
	struct nfu_pkt *p;

	p = pkt_of_pieces(len, fit, 3);
	REQUIRE(p);
	CHECK_INT(nfu_ip_fragment(net, p, 100, capture), 0);
	check_layout(by100, 4);
	check_common(dg, len, 100);
	REQUIRE(ngot == 4);
	CHECK_INT(rd16(got[0]->data + 6), 0x4000 | 0x2000);
	reset();

	p = pkt_of_pieces(len, fit, 3);
	REQUIRE(p);
	p->frag_max_size = 100;
	CHECK_INT(nfu_ip_fragment(net, p, 1500, capture), 0);
	check_layout(by100, 4);
	reset();

	p = pkt_of_pieces(len, odd, 3);
	REQUIRE(p);
	CHECK_INT(nfu_ip_fragment(net, p, 140, capture), 0);
	CHECK_INT(ngot, 3); /* 120 bytes each but the last */
	REQUIRE(ngot == 3);
	CHECK_INT(got[0]->len, 140);
	CHECK_INT(got[2]->len, 20 + 308 - 240);
	reset();

	p = pkt_of_pieces(len, less, 3);
	REQUIRE(p);
	CHECK_INT(nfu_ip_fragment(net, p, 140, capture), 0);
	REQUIRE(ngot == 3);
	CHECK_INT(got[0]->len, 140);
	reset();

	len = make_dgram(dg, 17, NULL, 0, 308, 0x2000 | 100, 7);
	p = pkt_of_pieces(len, fit, 3);
	REQUIRE(p);
	CHECK_INT(nfu_ip_fragment(net, p, 1500, capture), 0);
	CHECK_INT(ngot, 1); /* a fragment that fits: one piece, MF kept */
	REQUIRE(ngot == 1);
	CHECK_INT(got[0]->len, len);
	CHECK_INT(rd16(got[0]->data + 6), 0x2000 | 100);
	reset();
}

/* A piece refused by 'output': the rest is dropped, as in the slow path. */
static void test_pieces_output_fails(void)
{
	static const uint16_t lens[3] = { 96, 96, 116 };
	size_t len = make_dgram(dg, 17, NULL, 0, 308, 0, 8);
	struct nfu_pkt *p = pkt_of_pieces(len, lens, 3);
	uint64_t nomem = nfu_net_drop_count(net, NFU_DROP_NOMEM);

	REQUIRE(p);
	fail_at = 1;
	fail_err = -ENOBUFS;
	CHECK_INT(nfu_ip_fragment(net, p, 1500, capture), -ENOBUFS);
	CHECK_INT(ngot, 1);
	CHECK_INT(nfu_net_drop_count(net, NFU_DROP_NOMEM) - nomem, 1);
	reset();
}

/* ---- the naive reference ---- */

static uint32_t rng = 0x12345678;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Blanks the option bytes Linux blanks, walking the list by position:
 * it stops at EOL or at a bad length. */
static void naive_strip(uint8_t *opt, unsigned int n)
{
	unsigned int at = 0;

	while (at < n && opt[at] != 0) {
		unsigned int olen;

		if (opt[at] == 1) {
			at++;
			continue;
		}
		if (at + 1 >= n)
			return;
		olen = opt[at + 1];
		if (olen < 2 || at + olen > n)
			return;
		if (opt[at] < 128)
			for (unsigned int k = at; k < at + olen; k++)
				opt[k] = 1;
		at += olen;
	}
}

/* Fragment 'k' of the naive layout of 'orig' into 'out'; returns its
 * length, or 0 past the last one.  Every piece carries the data space
 * rounded down to 8 bytes, until the rest fits the data space whole. */
static size_t naive_frag(const uint8_t *orig, size_t len, unsigned int mtu,
			 unsigned int k, uint8_t *out)
{
	unsigned int hlen = (orig[0] & 15u) * 4;
	unsigned int plen = (unsigned int)len - hlen;
	unsigned int space = mtu - hlen;
	unsigned int chunk = space / 8 * 8;
	unsigned int fo = rd16(orig + 6);
	unsigned int start, size, n = 0;

	if (plen > 0)
		for (n = 1; plen - (n - 1) * chunk > space; n++)
			;
	if (k >= n)
		return 0;
	start = k * chunk;
	size = k + 1 < n ? chunk : plen - start;
	memcpy(out, orig, hlen);
	if (k > 0 && (fo & 0x1fff) == 0)
		naive_strip(out + 20, hlen - 20);
	wr16(out + 2, hlen + size);
	wr16(out + 6, ((fo & 0x1fff) + start / 8) | (fo & 0x4000) |
			      ((k + 1 < n || (fo & 0x2000)) ? 0x2000 : 0));
	set_csum(out);
	memcpy(out + hlen, orig + hlen + start, size);
	return hlen + size;
}

static void random_options(uint8_t *opt, unsigned int n)
{
	static const uint8_t types[] = {0x07, 0x44, 0x82, 0x83, 0x89, 0x94,
					0x88, 0x19, 0x01, 0x00};
	unsigned int at = 0;

	while (at < n) {
		uint8_t t = types[rnd() % sizeof(types)];
		unsigned int room = n - at, olen;

		opt[at] = t;
		if (t <= 1 || room < 2) {
			at++;
			continue;
		}
		olen = 2 + rnd() % (room - 1);
		if (rnd() % 16 == 0)
			olen = rnd() % 48; /* now and then a bad length */
		opt[at + 1] = (uint8_t)olen;
		for (unsigned int k = 2; k < olen && at + k < n; k++)
			opt[at + k] = (uint8_t)rnd();
		at += olen < 2 ? 2 : olen;
	}
}

static void test_random_against_reference(void)
{
	static uint8_t opt[40], want[MAXDGRAM];

	for (int iter = 0; iter < 3000; iter++) {
		unsigned int optlen = rnd() % 3 ? 0 : 4 * (1 + rnd() % 10);
		unsigned int hlen = 20 + optlen;
		unsigned int plen = 1 + rnd() % 4000;
		unsigned int mtu = hlen + 8 + rnd() % 1600;
		unsigned int fo = 0;
		size_t len, wl;
		int before = harness_failures;

		if (rnd() % 3 == 0)
			fo = rnd() % 400;
		if (rnd() % 3 == 0)
			fo |= 0x2000;
		if (rnd() % 5 == 0)
			fo |= 0x4000;
		if (iter % 50 == 0)
			plen = 20000 + rnd() % 45000;
		if (hlen + plen > 65535)
			plen = 65535 - hlen;
		random_options(opt, optlen);
		len = make_dgram(dg, 17, opt, optlen, plen, fo, rnd() & 0xffff);
		REQUIRE(fragment(dg, len, mtu) == 0);
		check_common(dg, len, mtu);
		for (unsigned int k = 0;; k++) {
			wl = naive_frag(dg, len, mtu, k, want);
			if (!wl) {
				CHECK_INT(ngot, k);
				break;
			}
			if (k >= ngot) {
				CHECK_INT(ngot, k + 1);
				break;
			}
			CHECK_INT(got[k]->len, wl);
			if (got[k]->len == wl)
				CHECK_MEM(got[k]->data, want, wl);
		}
		reset();
		if (harness_failures != before) {
			fprintf(stderr, "  (iteration %d, optlen %u, plen %u,"
				" mtu %u, fo %#x)\n", iter, optlen, plen,
				mtu, fo);
			return;
		}
	}
}

int main(void)
{
	static const struct nfu_net_ops ops = {.dropped = on_drop};

	net = nfu_net_new();
	if (!net) {
		fprintf(stderr, "nfu_net_new failed\n");
		return 1;
	}
	nfu_net_set_ops(net, &ops);
	RUN(test_udp_1500_mtu576);
	RUN(test_udp_1500_mtu1400);
	RUN(test_icmp_1428);
	RUN(test_options_copied_or_not);
	RUN(test_options_after_eol);
	RUN(test_options_malformed);
	RUN(test_refragment);
	RUN(test_refragment_options);
	RUN(test_boundaries);
	RUN(test_mf_kept);
	RUN(test_df_and_reserved);
	RUN(test_metadata);
	RUN(test_frag_max_size);
	RUN(test_output_fails);
	RUN(test_pieces_fast_path);
	RUN(test_pieces_slow_path);
	RUN(test_pieces_output_fails);
	RUN(test_random_against_reference);
	reset();
	nfu_net_free(net);
	return harness_done();
}
