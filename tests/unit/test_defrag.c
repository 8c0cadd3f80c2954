/* SPDX-License-Identifier: MIT */
/*
 * test_defrag.c - IPv4 reassembly (lib/ipv4/defrag.c) as Linux's
 * ip_defrag() before LOCAL_IN, in the scene of ipv4_scene.h (peer A sends
 * to the host's 10.0.0.1 on e0).
 *
 * Fixed cases: fragments in order, reversed, in every order; duplicates
 * (inside a run of fragments: still a duplicate), overlaps (the datagram
 * is dropped and later fragments start over), inconsistent ends, trimming
 * of non-last fragments to a multiple of 8, ECN, the size limit, the
 * memory threshold, ipfrag_max_dist, the timer (from creation, not
 * refreshed; restarted by ipfrag_max_dist; ICMP time exceeded only with
 * the first fragment, sent at the deadline), sysctls.  Every one of them
 * was run against Linux 6.18 in network namespaces (veth, crafted frames
 * from a peer namespace, iptables-legacy counting rules in mangle); the
 * expectations here are what Linux did.
 *
 * A random test compares the stack with a deliberately naive reference
 * written here from the rules: one byte map per datagram telling which run
 * holds each byte, scanned in full for every fragment.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4/ipv4-private.h"
#include "ipv4_scene.h"

#define S 1000000000ull /* ns */
#define MAXD 70000

/* ---- what reached LOCAL_IN and the host, what left ---- */

static struct {
	unsigned int n;               /* datagrams delivered */
	size_t len;                   /* the last one */
	uint8_t b[MAXD];
	uint16_t frag_max_size;
	int in;                       /* its input device */
	uint64_t tstamp;
	bool take;                    /* take it (no responder) */
} dl;

static uint64_t out_ts[SCENE_MAX_FRAMES]; /* pkt->tstamp of each frame */

static int on_deliver(void *priv, struct nfu_pkt *pkt)
{
	(void)priv;
	dl.n++;
	dl.len = pkt->len;
	if (pkt->len <= sizeof(dl.b))
		memcpy(dl.b, pkt->data, pkt->len);
	dl.frag_max_size = pkt->frag_max_size;
	dl.in = pkt->in ? pkt->in->ifindex : 0;
	dl.tstamp = pkt->tstamp;
	if (dl.take) {
		nfu_pkt_free(pkt);
		return 1;
	}
	return 0;
}

static void on_xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		    size_t len, const struct nfu_pkt *pkt)
{
	if (sc.nout < SCENE_MAX_FRAMES)
		out_ts[sc.nout] = pkt->tstamp;
	scene_xmit(priv, dev, frame, len, pkt);
}

static bool up(const char *extra)
{
	static const struct nfu_net_ops ops = {
		.xmit = on_xmit,
		.deliver = on_deliver,
		.dropped = scene_dropped,
	};

	memset(&dl, 0, sizeof(dl));
	if (!scene_up(extra))
		return false;
	nfu_net_set_ops(sc.net, &ops);
	return true;
}

/* 'ip' in an Ethernet frame from the peer of 'ifx' to the host (any
 * size: the scene's helper stops at 9000 bytes). */
static int rx(int ifx, const uint8_t *ip, size_t n)
{
	static uint8_t f[MAXD + 14];

	memcpy(f, ifx == E1 ? MAC_E1 : MAC_E0, 6);
	memcpy(f + 6, ifx == E1 ? MAC_B : MAC_A, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memcpy(f + 14, ip, n);
	return nfu_rx(sc.net, ifx, f, n + 14);
}

static void set_time(uint64_t t)
{
	nfu_net_set_time(sc.net, t);
}

static struct nfu_stats stats(void)
{
	struct nfu_stats st;

	nfu_net_get_stats(sc.net, &st);
	return st;
}

/* ---- datagrams and their fragments ---- */

static uint8_t dg[MAXD]; /* the datagram being cut */
static size_t dglen;

static void dg_echo(unsigned int id, size_t dlen)
{
	dglen = build_echo(dg, IP_A, IP_E0, 0x77, 1, dlen);
	wr16(dg + 4, id);
	ip_fix_csum(dg);
}

static void dg_udp(unsigned int id, size_t dlen)
{
	dglen = build_udp(dg, IP_A, IP_E0, 40000, 9, dlen);
	wr16(dg + 4, id);
	ip_fix_csum(dg);
}

/* A fragment of 'dg' (20-byte header) holding payload [off, end), with MF
 * unless it reaches the end ('mf' -1), or as 'mf' says; 'tos', DF. */
static size_t frag_ex(uint8_t *b, size_t off, size_t end, int mf, uint8_t tos,
		      bool df)
{
	size_t plen = dglen - 20;

	for (size_t x = off; x < end; x++) /* past the datagram: zeros */
		b[20 + x - off] = x < plen ? dg[20 + x] : 0;
	memcpy(b, dg, 20);
	if (mf < 0)
		mf = end < plen;
	b[1] = tos;
	wr16(b + 2, (unsigned int)(20 + end - off));
	wr16(b + 6, (unsigned int)(off / 8) | (mf ? 0x2000u : 0) |
			    (df ? 0x4000u : 0));
	ip_fix_csum(b);
	return 20 + end - off;
}

static int rx_frag(size_t off, size_t end)
{
	static uint8_t b[MAXD];
	size_t n = frag_ex(b, off, end, -1, dg[1], false);

	return rx(E0, b, n);
}

static int rx_frag_mf(size_t off, size_t end, int mf)
{
	static uint8_t b[MAXD];
	size_t n = frag_ex(b, off, end, mf, dg[1], false);

	return rx(E0, b, n);
}

static unsigned int ndrops_of(enum nfu_drop_reason r)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < sc.ndrops && i < SCENE_MAX_FRAMES; i++)
		n += sc.drops[i] == r;
	return n;
}

/* The echo reply to 'dg' in frame 'i' (not fragmented). */
static void check_echo_reply(unsigned int i)
{
	const uint8_t *r;

	if (i >= sc.nout) {
		HARNESS_FAIL("no frame %u", i);
		return;
	}
	r = out_ip(i);
	CHECK_FRAME(i, E0, MAC_A);
	CHECK_INT(rd16(r + 2), dglen);
	CHECK_INT(rd16(r + 6) & 0x3fff, 0);
	CHECK_INT(rd32(r + 12), IP_E0);
	CHECK_INT(rd32(r + 16), IP_A);
	CHECK_INT(r[20], 0); /* echo reply */
	CHECK(icmp_csum_ok(r));
	CHECK_MEM(r + 24, dg + 24, dglen - 24);
}

/* The datagram delivered last is 'dg' itself. */
static void check_delivered_dg(void)
{
	CHECK_INT(dl.len, dglen);
	if (dl.len == dglen)
		CHECK_MEM(dl.b, dg, dglen);
	CHECK(ip_csum_ok(dl.b));
}

/* ---- in order, reversed, any order ---- */

/* A UDP datagram in three fragments, in order: LOCAL_IN sees it once, as
 * it was sent (the header of the first fragment, tot_len restored, no
 * fragment bits, checksum valid); the port unreachable quotes it whole. */
static void test_in_order_udp(void)
{
	struct nfu_stats st;

	REQUIRE(up(NULL));
	dg_udp(0x800, 300 - 8);
	CHECK_INT(rx_frag(0, 160), 0);
	CHECK_INT(rx_frag(160, 240), 0);
	CHECK_STR(sc.trace, "PP");
	CHECK_INT(dl.n, 0);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	CHECK_INT(rx_frag(240, 300), 0);
	CHECK_STR(sc.trace, "PPPIOS");
	CHECK_INT(dl.n, 1);
	check_delivered_dg();
	CHECK_INT(dl.frag_max_size, 180);
	CHECK_INT(dl.in, E0);
	check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, 3, 0, 0xc0, dg, dglen);
	st = stats();
	CHECK_INT(st.reasm_reqds, 3);
	CHECK_INT(st.reasm_oks, 1);
	CHECK_INT(st.reasm_fails, 0);
	CHECK_INT(st.in_delivers, 1);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	CHECK_INT(nfu_ip_defrag_mem(sc.net), 0);
	scene_down();
}

/* An echo request in three fragments, last one first: the reply. */
static void test_reverse_echo(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x101, 192);
	rx_frag(128, 200);
	rx_frag(64, 128);
	rx_frag(0, 64);
	CHECK_STR(sc.trace, "PPPIOS");
	CHECK_INT(dl.n, 1);
	check_delivered_dg();
	CHECK_INT(sc.nout, 1);
	check_echo_reply(0);
	scene_down();
}

static bool next_perm(unsigned int *a, unsigned int n)
{
	unsigned int i = n - 1, j = n - 1;

	while (i > 0 && a[i - 1] >= a[i])
		i--;
	if (i == 0)
		return false;
	while (a[j] <= a[i - 1])
		j--;
	unsigned int t = a[i - 1];
	a[i - 1] = a[j];
	a[j] = t;
	for (j = n - 1; i < j; i++, j--) {
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	return true;
}

/* Five fragments of an echo request in each of the 120 orders: one
 * delivery and one reply each time. */
static void test_every_order(void)
{
	static const size_t cut[6] = { 0, 48, 96, 144, 192, 208 };
	unsigned int a[5] = { 0, 1, 2, 3, 4 }, id = 0x2000, bad = 0;

	REQUIRE(up(NULL));
	do {
		scene_clear();
		dl.n = 0;
		dg_echo(id++, 200);
		for (unsigned int i = 0; i < 5; i++)
			rx_frag(cut[a[i]], cut[a[i] + 1]);
		if (dl.n != 1 || sc.nout != 1 || dl.len != dglen ||
		    memcmp(dl.b, dg, dglen) || strcmp(sc.trace, "PPPPPIOS")) {
			if (!bad++)
				HARNESS_FAIL("order %u%u%u%u%u: %u delivered, %u "
					     "sent, trace %s", a[0], a[1], a[2],
					     a[3], a[4], dl.n, sc.nout, sc.trace);
		} else {
			check_echo_reply(0);
		}
	} while (next_perm(a, 5));
	CHECK_INT(bad, 0);
	CHECK_INT(stats().reasm_oks, 120);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	scene_down();
}

/* Two datagrams interleaved: both reassembled. */
static void test_interleaved(void)
{
	uint8_t b1[400], b2[400], f[400];
	size_t n1, n2;

	REQUIRE(up(NULL));
	dg_echo(0x113, 192);
	n1 = dglen;
	memcpy(b1, dg, n1);
	dg_echo(0x114, 300);
	n2 = dglen;
	memcpy(b2, dg, n2);

	memcpy(dg, b1, n1), dglen = n1;
	rx(E0, f, frag_ex(f, 0, 64, -1, 0, false));
	memcpy(dg, b2, n2), dglen = n2;
	rx(E0, f, frag_ex(f, 0, 104, -1, 0, false));
	rx(E0, f, frag_ex(f, 208, 308, -1, 0, false));
	memcpy(dg, b1, n1), dglen = n1;
	rx(E0, f, frag_ex(f, 128, 200, -1, 0, false));
	rx(E0, f, frag_ex(f, 64, 128, -1, 0, false));
	CHECK_INT(dl.n, 1);
	CHECK_MEM(dl.b, b1, n1);
	memcpy(dg, b2, n2), dglen = n2;
	rx(E0, f, frag_ex(f, 104, 208, -1, 0, false));
	CHECK_INT(dl.n, 2);
	CHECK_INT(dl.len, n2);
	CHECK_MEM(dl.b, b2, n2);
	CHECK_INT(sc.nout, 2);
	scene_down();
}

/* A datagram of 3000 bytes: the reply is fragmented at e0's MTU, as
 * Linux's was (1500, 1500, 60 bytes on the wire). */
static void test_echo_reply_fragmented(void)
{
	uint8_t r[4000];

	REQUIRE(up(NULL));
	dg_echo(0x900, 2992);
	rx_frag(0, 1480);
	rx_frag(1480, 2960);
	rx_frag(2960, 3000);
	CHECK_INT(dl.n, 1);
	check_delivered_dg();
	CHECK_INT(dl.frag_max_size, 1500);
	REQUIRE(sc.nout == 3);
	CHECK_INT(sc.out[0].len, 14 + 1500);
	CHECK_INT(sc.out[1].len, 14 + 1500);
	CHECK_INT(sc.out[2].len, 14 + 60);
	for (unsigned int i = 0; i < 3; i++) {
		const uint8_t *ip = out_ip(i);
		unsigned int fo = rd16(ip + 6);

		CHECK_FRAME(i, E0, MAC_A);
		CHECK_INT(fo & 0x1fff, i * 185);
		CHECK_INT(!!(fo & 0x2000), i < 2);
		CHECK_INT(rd16(ip + 4), rd16(out_ip(0) + 4));
		memcpy(r + 20 + (fo & 0x1fff) * 8, ip + 20, rd16(ip + 2) - 20u);
	}
	memcpy(r, out_ip(0), 20);
	wr16(r + 2, 3020);
	CHECK_INT(r[20], 0);
	CHECK_INT(word_sum(r + 20, 3000, 0), 0xffff); /* ICMP checksum */
	CHECK_MEM(r + 24, dg + 24, 2996);
	scene_down();
}

/* ---- duplicates and overlaps ---- */

/* Exact duplicates are dropped alone: still one delivery. */
static void test_duplicate(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x103, 192);
	rx_frag(0, 64);
	rx_frag(0, 64);
	rx_frag(128, 200);
	rx_frag(128, 200);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_DUP), 2);
	rx_frag(64, 128);
	CHECK_INT(dl.n, 1);
	check_delivered_dg();
	CHECK_INT(sc.nout, 1);
	CHECK_INT(stats().reasm_fails, 0);
	scene_down();
}

/* A fragment inside a run of fragments is a duplicate too, even if it
 * matches none of them (inet_frag_queue_insert): [8,24) inside [0,64),
 * [48,80) inside the run [0,64)+[64,128). */
static void test_duplicate_inside_run(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x104, 192);
	rx_frag(0, 64);
	rx_frag_mf(8, 24, 1);
	rx_frag(64, 128);
	rx_frag(48, 80);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_DUP), 2);
	rx_frag(128, 200);
	CHECK_INT(dl.n, 1);
	check_delivered_dg();
	scene_down();
}

/* An overlap drops the datagram: the fragment and those held; LOCAL_IN
 * sees nothing. */
static void test_overlap(void)
{
	struct nfu_stats st;

	REQUIRE(up(NULL));
	dg_echo(0x105, 192);
	rx_frag(0, 64);
	rx_frag_mf(32, 96, 1);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_OVERLAP), 2);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	rx_frag(64, 128);
	rx_frag(128, 200);
	CHECK_INT(dl.n, 0);
	CHECK_STR(sc.trace, "PPPP");
	CHECK_INT(sc.nout, 0);
	st = stats();
	CHECK_INT(st.reasm_overlaps, 1);
	CHECK_INT(st.reasm_fails, 1);
	/* the last two started a new queue, without the first fragment */
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	scene_down();
}

/* Two runs built out of order ([64,128) then [0,64)) stay two runs: a
 * fragment across both is an overlap, not a duplicate. */
static void test_overlap_across_runs(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x10b, 192);
	rx_frag(64, 128);
	rx_frag(0, 64);
	rx_frag(56, 72);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_OVERLAP), 3);
	rx_frag(128, 200);
	CHECK_INT(dl.n, 0);
	scene_down();
}

/* After an overlap, the fragments sent again make the datagram. */
static void test_overlap_then_again(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x10c, 192);
	rx_frag(64, 128);
	rx_frag_mf(96, 160, 1);
	rx_frag(0, 64);
	rx_frag(64, 128);
	rx_frag(128, 200);
	CHECK_INT(dl.n, 1);
	check_delivered_dg();
	CHECK_STR(sc.trace, "PPPPPIOS");
	scene_down();
}

/* ---- lengths ---- */

/* A first fragment with 70 bytes and MF: cut to 64, so the next one at
 * 64 fits. */
static void test_trim_to_8(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x109, 192);
	rx_frag_mf(0, 70, 1);
	rx_frag(64, 200);
	CHECK_INT(dl.n, 1);
	check_delivered_dg();
	CHECK_INT(dl.frag_max_size, 156);
	CHECK_INT(sc.nout, 1);
	scene_down();
}

/* What kills a queue: a fragment with MF of under 8 bytes (empty once
 * cut), a last fragment ending before data already held, data after the
 * known end, a second last fragment with another end.  Nothing is
 * delivered (Linux answered none of these). */
static void test_inconsistent_ends(void)
{
	static uint8_t b[400];

	REQUIRE(up(NULL));
	dg_echo(0x10e, 192);
	rx_frag(0, 64);
	rx_frag_mf(64, 68, 1);          /* 4 bytes with MF */
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_INVALID), 2);
	rx_frag(64, 200);
	CHECK_INT(dl.n, 0);

	scene_clear();
	dg_echo(0x10f, 192);
	rx_frag(0, 64);
	rx_frag(64, 128);
	rx_frag_mf(64, 100, 0);         /* ends at 100 < 128 */
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_INVALID), 3);
	rx_frag(128, 200);
	CHECK_INT(dl.n, 0);

	scene_clear();
	dg_echo(0x111, 192);
	rx_frag(128, 200);
	rx_frag(0, 64);
	rx_frag_mf(200, 208, 1);        /* past the end */
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_INVALID), 3);
	rx_frag(64, 128);
	CHECK_INT(dl.n, 0);

	scene_clear();
	dg_echo(0x112, 192);
	rx_frag(128, 200);
	rx(E0, b, frag_ex(b, 128, 208, 0, 0, false)); /* end 208 */
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_INVALID), 2);
	rx_frag(0, 64);
	rx_frag(64, 128);
	CHECK_INT(dl.n, 0);
	CHECK_INT(sc.nout, 0);
	scene_down();
}

/* A datagram of 65535 bytes is delivered; of 65536, dropped once
 * complete (three fragments, all counted). */
static void test_size_limit(void)
{
	static uint8_t b[MAXD];
	size_t n;

	REQUIRE(up("ip link set e0 mtu 65535\n"));
	dl.take = true;
	dg_udp(0x7ff, 65535 - 28);
	CHECK_INT(dglen, 65535);
	rx_frag(0, 32768);
	rx_frag(32768, 65512);
	rx_frag(65512, 65515);
	CHECK_INT(dl.n, 1);
	check_delivered_dg();
	CHECK(l4_csum_ok(dl.b));

	/* one byte more: the last fragment ends at 65516 */
	n = frag_ex(b, 65512, 65516, 0, 0, false);
	rx_frag(0, 32768);
	rx_frag(32768, 65512);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	rx(E0, b, n);
	CHECK_INT(dl.n, 1);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_TOO_BIG), 3);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	CHECK_INT(stats().reasm_fails, 1);
	scene_down();
}

/* A fragment ending past 65535 is queued like any other: the datagram
 * times out, with its ICMP, as Linux's did. */
static void test_past_limit_waits(void)
{
	static uint8_t b[200], first[200];
	size_t n;

	REQUIRE(up(NULL));
	dg_echo(0x11a, 192);
	n = frag_ex(first, 0, 64, -1, 0, false);
	rx(E0, first, n);
	rx(E0, b, frag_ex(b, 65528, 65628, 0, 0, false));
	CHECK_INT(sc.ndrops, 0);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	set_time(30 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(sc.nout, 1);
	check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 11, 1, 0, 0xc0, first, n);
	scene_down();
}

/* ---- the header and the metadata of the datagram ---- */

/* ECN: ECT(0) with CE makes CE; ECT(0) with ECT(1) keeps the first
 * fragment's; not-ECT with ECT drops the datagram, and the fragments sent
 * again (all not-ECT) make it. */
static void test_ecn(void)
{
	uint8_t f[300];

	REQUIRE(up(NULL));
	dg_echo(0x115, 192);
	rx(E0, f, frag_ex(f, 0, 64, -1, 0x02, false));
	rx(E0, f, frag_ex(f, 64, 128, -1, 0x03, false));
	rx(E0, f, frag_ex(f, 128, 200, -1, 0x02, false));
	CHECK_INT(dl.n, 1);
	CHECK_INT(dl.b[1], 0x03);
	CHECK(ip_csum_ok(dl.b));
	CHECK_INT(out_ip(0)[1], 0x03); /* the reply keeps the TOS */

	dg_echo(0x116, 192);
	rx(E0, f, frag_ex(f, 0, 64, -1, 0x01, false));
	rx(E0, f, frag_ex(f, 64, 128, -1, 0x02, false));
	rx(E0, f, frag_ex(f, 128, 200, -1, 0x02, false));
	CHECK_INT(dl.n, 2);
	CHECK_INT(dl.b[1], 0x01);

	scene_clear();
	dg_echo(0x117, 192);
	rx(E0, f, frag_ex(f, 0, 64, -1, 0x00, false));
	rx(E0, f, frag_ex(f, 64, 128, -1, 0x02, false));
	rx(E0, f, frag_ex(f, 128, 200, -1, 0x00, false));
	CHECK_INT(dl.n, 2);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_ECN), 3);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	rx_frag(0, 64);
	rx_frag(64, 200);
	CHECK_INT(dl.n, 3);
	scene_down();
}

/* The header is the first fragment's (its TOS, its options), whatever the
 * order; other fragments' headers do not matter. */
static void test_header_of_first(void)
{
	uint8_t f[300], o[300];
	size_t n;

	REQUIRE(up(NULL));
	dg_echo(0x119, 192);
	rx(E0, f, frag_ex(f, 64, 200, -1, 0x10, false));
	/* the first fragment with 4 bytes of options: NOP NOP NOP EOL */
	n = frag_ex(f, 0, 64, -1, 0x28, false);
	memcpy(o, f, 20);
	memcpy(o + 24, f + 20, n - 20);
	memcpy(o + 20, "\x01\x01\x01\x00", 4);
	o[0] = 0x46;
	wr16(o + 2, (unsigned int)n + 4);
	ip_fix_csum(o);
	rx(E0, o, n + 4);
	CHECK_INT(dl.n, 1);
	REQUIRE(dl.len == dglen + 4);
	CHECK_INT(dl.b[0], 0x46);
	CHECK_INT(dl.b[1], 0x28);
	CHECK_INT(rd16(dl.b + 2), dglen + 4);
	CHECK_INT(rd16(dl.b + 6), 0);
	CHECK_MEM(dl.b + 20, "\x01\x01\x01\x00", 4);
	CHECK_MEM(dl.b + 24, dg + 20, dglen - 20);
	CHECK(ip_csum_ok(dl.b));
	CHECK_INT(dl.frag_max_size, 156);
	scene_down();
}

/* DF stays when the largest fragment had it (ip_frag_reasm), and
 * frag_max_size is the largest fragment; the reserved bit goes. */
static void test_df_and_max_size(void)
{
	uint8_t f[300];

	REQUIRE(up(NULL));
	dg_echo(0xa00, 192);
	rx(E0, f, frag_ex(f, 0, 64, -1, 0, true));
	rx(E0, f, frag_ex(f, 64, 200, -1, 0, true));
	CHECK_INT(dl.n, 1);
	CHECK_INT(rd16(dl.b + 6), 0x4000);
	CHECK_INT(dl.frag_max_size, 156);

	dg_echo(0xa01, 192);
	rx(E0, f, frag_ex(f, 0, 64, -1, 0, true));   /* small, DF */
	rx(E0, f, frag_ex(f, 64, 200, -1, 0, false)); /* large */
	CHECK_INT(dl.n, 2);
	CHECK_INT(rd16(dl.b + 6), 0);
	CHECK_INT(dl.frag_max_size, 156);

	dg_echo(0xa02, 192);
	rx(E0, f, frag_ex(f, 0, 128, -1, 0, false));
	frag_ex(f, 128, 200, -1, 0, false);
	f[6] |= 0x80; /* reserved bit on the last fragment */
	ip_fix_csum(f);
	rx(E0, f, 92);
	CHECK_INT(dl.n, 3);
	CHECK_INT(rd16(dl.b + 6), 0);
	CHECK(ip_csum_ok(dl.b));
	scene_down();
}

/* The datagram continues as received on the device of the fragment that
 * completed it (skb->dev = dev in ip_frag_reasm), with its time. */
static void test_device_and_time_of_last(void)
{
	uint8_t f[300];

	REQUIRE(up(NULL));
	dg_echo(0x120, 192);
	set_time(5 * S);
	rx(E0, f, frag_ex(f, 0, 64, -1, 0, false));
	set_time(6 * S);
	rx(E1, f, frag_ex(f, 64, 200, -1, 0, false));
	CHECK_INT(dl.n, 1);
	CHECK_INT(dl.in, E1);
	CHECK_INT(dl.tstamp, 6 * S);
	scene_down();
}

/* ---- the timer ---- */

/* With the first fragment held: at ipfrag_time after the queue was made
 * (30 s), an ICMP time exceeded, code 1, quoting the first fragment; the
 * fragments are dropped.  Not a nanosecond before. */
static void test_timeout_with_first(void)
{
	uint8_t first[200];
	size_t n;

	REQUIRE(up(NULL));
	dg_echo(0x107, 192);
	set_time(10 * S);
	n = frag_ex(first, 0, 64, -1, 0, false);
	rx(E0, first, n);
	rx_frag(128, 200);
	set_time(40 * S - 1);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(sc.nout, 0);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	set_time(40 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(sc.nout, 1);
	check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 11, 1, 0, 0xc0, first, n);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_TIMEOUT), 2);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	CHECK_INT(nfu_ip_defrag_mem(sc.net), 0);
	CHECK_INT(stats().reasm_timeout, 1);
	CHECK_INT(stats().reasm_fails, 1);
	CHECK_INT(dl.n, 0);
	scene_down();
}

/* With no traffic, the public nfu_net_run_timers() expires the queue. */
static void test_run_timers_public(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x131, 192);
	set_time(1 * S);
	rx_frag(0, 64);
	set_time(31 * S);
	nfu_net_run_timers(sc.net);
	CHECK_INT(sc.nout, 1);
	if (sc.nout == 1)
		CHECK_INT(out_ip(0)[20], 11);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	scene_down();
}

/* The error leaves at the deadline even when the stack notices later (the
 * next packet comes 15 s after it), and the clock is left where it was. */
static void test_timeout_sent_at_deadline(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x121, 192);
	set_time(1 * S);
	rx_frag(0, 64);
	set_time(46 * S);
	dg_echo(0x122, 56);
	rx(E0, dg, dglen); /* an unfragmented ping: expiry first */
	CHECK_INT(sc.nout, 2);
	CHECK_INT(out_ip(0)[20], 11);
	CHECK_INT(out_ts[0], 31 * S);
	CHECK_INT(out_ip(1)[20], 0); /* then the echo reply */
	CHECK_INT(out_ts[1], 46 * S);
	CHECK_INT(nfu_net_now(sc.net), 46 * S);
	scene_down();
}

/* Without the first fragment: dropped silently. */
static void test_timeout_without_first(void)
{
	REQUIRE(up(NULL));
	dg_echo(0x108, 192);
	rx_frag(64, 128);
	rx_frag(128, 200);
	set_time(30 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(sc.nout, 0);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_TIMEOUT), 2);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	scene_down();
}

/* The quote is of the first fragment as held: cut to 64 bytes of payload,
 * its header unchanged (tot_len 90), as Linux's was. */
static void test_timeout_quote_trimmed(void)
{
	uint8_t first[200];
	size_t n;

	REQUIRE(up(NULL));
	dg_echo(0x10d, 192);
	n = frag_ex(first, 0, 70, 1, 0, false);
	rx(E0, first, n);
	set_time(30 * S);
	nfu_ip_defrag_expire(sc.net);
	REQUIRE(sc.nout == 1);
	CHECK_INT(rd16(out_ip(0) + 2), 28 + 84);
	CHECK_INT(rd16(out_ip(0) + 28 + 2), 90);
	CHECK_MEM(out_ip(0) + 28, first, 84);
	scene_down();
}

/* The deadline is set when the queue is made: a later fragment does not
 * move it. */
static void test_timer_not_refreshed(void)
{
	REQUIRE(up(NULL));
	dg_echo(0xb00, 192);
	rx_frag(0, 64);
	set_time(20 * S);
	rx_frag(128, 200);
	set_time(30 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(sc.nout, 1);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	scene_down();
}

/* ipfrag_time may change: queues keep their deadline, new ones take the
 * new value; expiry follows the deadlines, not the order of creation.  A
 * negative or zero time expires a queue at the next look. */
static void test_timeout_sysctl_change(void)
{
	uint8_t f[200];

	REQUIRE(up(NULL));
	dg_echo(0xc00, 192);
	rx(E0, f, frag_ex(f, 0, 64, -1, 0, false));     /* at 30 s */
	scene_sysctl("net.ipv4.ipfrag_time", "5");
	set_time(1 * S);
	dg_echo(0xc01, 192);
	rx(E0, f, frag_ex(f, 0, 64, -1, 0, false));     /* at 6 s */
	set_time(2 * S);
	dg_echo(0xc02, 192);
	rx(E0, f, frag_ex(f, 64, 128, -1, 0, false));   /* at 7 s */
	scene_sysctl("net.ipv4.ipfrag_time", "10");
	dg_echo(0xc03, 192);
	rx(E0, f, frag_ex(f, 64, 128, -1, 0, false));   /* at 12 s */
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 4);
	set_time(6 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 3);
	CHECK_INT(sc.nout, 1);
	CHECK_INT(rd16(out_ip(0) + 28 + 4), 0xc01);
	set_time(12 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	set_time(30 * S - 1);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	set_time(30 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	CHECK_INT(sc.nout, 2);
	CHECK_INT(rd16(out_ip(1) + 28 + 4), 0xc00);

	scene_sysctl("net.ipv4.ipfrag_time", "-3");
	dg_echo(0xc04, 192);
	rx_frag(0, 64);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	rx_frag(64, 200); /* the queue ran out first: a new one */
	CHECK_INT(dl.n, 0);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	scene_down();
}

/* Expiry runs as packets enter by any door: nfu_rx, nfu_rx_ip,
 * nfu_send_ip. */
static void test_expiry_doors(void)
{
	uint8_t b[100];
	size_t n;

	REQUIRE(up(NULL));
	dg_echo(0xd00, 192);
	rx_frag(64, 128);
	set_time(30 * S);
	CHECK_INT(nfu_rx(sc.net, E0, "\xff", 1), 0);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);

	rx_frag(64, 128);
	set_time(60 * S);
	n = build_udp(b, IP_A, IP_E0, 1, 2, 4);
	CHECK_INT(nfu_rx_ip(sc.net, E0, b, n), 0);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);

	rx_frag(64, 128);
	set_time(90 * S);
	n = build_udp(b, IP_E0, IP_A, 1, 2, 4);
	CHECK_INT(nfu_send_ip(sc.net, b, n), 0);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	scene_down();
}

/* ---- ipfrag_max_dist ---- */

/* 'n' fragments of other datagrams from the same source between two of
 * one datagram; returns whether that datagram was delivered. */
static bool between(unsigned int n, unsigned int id)
{
	unsigned int before = dl.n;

	dg_echo(id, 192);
	rx_frag(0, 64);
	for (unsigned int i = 0; i < n; i++) {
		dg_echo(id + 1 + i, 192);
		rx_frag(64, 128);
	}
	dg_echo(id, 192);
	rx_frag(64, 128);
	rx_frag(128, 200);
	return dl.n == before + 1;
}

/* 63 in between are fine; with 64 the queue starts over (the first
 * fragment is dropped), as Linux's did; with ipfrag_max_dist 0, never. */
static void test_max_dist(void)
{
	REQUIRE(up(NULL));
	CHECK(between(63, 0x1000));
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_TOO_FAR), 0);
	CHECK(!between(64, 0x2000));
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_TOO_FAR), 1);
	scene_sysctl("net.ipv4.ipfrag_max_dist", "0");
	CHECK(between(100, 0x3000));
	scene_down();

	/* the count is per source: other sources do not count */
	REQUIRE(up(NULL));
	dg_echo(0x4000, 192);
	rx_frag(0, 64);
	for (unsigned int i = 0; i < 100; i++) {
		uint8_t f[200];

		dg_echo(0x4001 + i, 192);
		wr32(dg + 12, A4(10, 0, 0, 9));
		ip_fix_csum(dg);
		rx(E0, f, frag_ex(f, 64, 128, -1, 0, false));
	}
	dg_echo(0x4000, 192);
	rx_frag(64, 200);
	CHECK_INT(dl.n, 1);
	scene_down();
}

/* Starting over restarts the timer (ip_frag_reinit): Linux's error came
 * at 3.5 s for ipfrag_time 2 and a restart at 1.5 s. */
static void test_max_dist_restarts_timer(void)
{
	REQUIRE(up(NULL));
	scene_sysctl("net.ipv4.ipfrag_time", "2");
	dg_echo(0x202, 192);
	rx_frag(0, 64);
	set_time(1500000000ull);
	for (unsigned int i = 0; i < 64; i++) {
		dg_echo(0x500 + i, 192);
		rx_frag(64, 128);
	}
	dg_echo(0x202, 192);
	rx_frag(0, 64);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_TOO_FAR), 1);
	set_time(2 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 65);
	CHECK_INT(sc.nout, 0);
	set_time(3500000000ull);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	CHECK_INT(sc.nout, 1);
	CHECK_INT(out_ts[0], 3500000000ull);
	scene_down();
}

/* ---- memory ---- */

/* Over ipfrag_high_thresh, every fragment is dropped, for an existing
 * queue too (Linux with high 1: the first fragment makes a queue, the
 * second is dropped); high 0 lets nothing in.  Once the queues are gone,
 * fragments get in again. */
static void test_memory_threshold(void)
{
	char v[32];

	REQUIRE(up(NULL));
	scene_sysctl("net.ipv4.ipfrag_low_thresh", "0");
	scene_sysctl("net.ipv4.ipfrag_high_thresh", "1");
	dg_echo(0x600, 192);
	rx_frag(0, 64);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	CHECK(nfu_ip_defrag_mem(sc.net) > 1);
	rx_frag(64, 200);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_MEM), 1);
	CHECK_INT(dl.n, 0);
	set_time(30 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(sc.nout, 1); /* that queue had its first fragment */
	CHECK_INT(nfu_ip_defrag_mem(sc.net), 0);
	dg_echo(0x601, 192);
	rx_frag(0, 64);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);

	scene_sysctl("net.ipv4.ipfrag_high_thresh", "0");
	set_time(60 * S);
	nfu_ip_defrag_expire(sc.net);
	scene_clear();
	rx_frag(0, 64);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_MEM), 1);
	set_time(90 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(sc.nout, 0);
	scene_down();

	/* "over" is strictly over: at the threshold, still in */
	REQUIRE(up(NULL));
	dg_echo(0x602, 192);
	rx_frag(0, 64);
	snprintf(v, sizeof(v), "%zu", nfu_ip_defrag_mem(sc.net));
	scene_sysctl("net.ipv4.ipfrag_low_thresh", "0");
	scene_sysctl("net.ipv4.ipfrag_high_thresh", v);
	rx_frag(64, 128);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_MEM), 0);
	rx_frag(128, 200);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_MEM), 1);
	CHECK_INT(dl.n, 0);
	scene_down();
}

/* With the defaults (4 MiB): fragments get in while the memory held is at
 * most the threshold, so the last one in crosses it; then none.  The
 * figure counts each fragment's buffer and each queue. */
static void test_memory_default(void)
{
	unsigned int id = 0x3000, in = 0;
	size_t before = 0;

	REQUIRE(up(NULL));
	for (unsigned int i = 0; i < 100000; i++) {
		unsigned int q = nfu_ip_defrag_queues(sc.net);

		before = nfu_ip_defrag_mem(sc.net);
		dg_echo(id++, 192);
		rx_frag(0, 64);
		if (nfu_ip_defrag_queues(sc.net) == q)
			break;
		in++;
	}
	CHECK(before > 4u * 1024 * 1024);
	CHECK(before - nfu_ip_defrag_mem(sc.net) == 0);
	CHECK(in > 100);
	CHECK_INT(drops_of(NFU_DROP_FRAG_MEM), 1);
	/* a fragment of a queue held is refused too */
	dg_echo(0x3000, 192);
	rx_frag(64, 200);
	CHECK_INT(drops_of(NFU_DROP_FRAG_MEM), 2);
	CHECK_INT(dl.n, 0);
	scene_down();
}

/* ---- sysctls and the API ---- */

static void test_sysctls(void)
{
	long v;

	REQUIRE(up(NULL));
	CHECK_INT(nfu_sysctl_get(sc.net, "net.ipv4.ipfrag_time", &v), 0);
	CHECK_INT(v, 30);
	CHECK_INT(nfu_sysctl_get(sc.net, "net.ipv4.ipfrag_max_dist", &v), 0);
	CHECK_INT(v, 64);
	CHECK_INT(nfu_sysctl_get(sc.net, "net.ipv4.ipfrag_high_thresh", &v), 0);
	CHECK_INT(v, 4194304);
	CHECK_INT(nfu_sysctl_get(sc.net, "net/ipv4/ipfrag_low_thresh", &v), 0);
	CHECK_INT(v, 3145728);
	/* Linux's bounds, as this kernel (HZ 250) answered */
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_time", "8589934"), 0);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_time", "8589935"),
		  -EINVAL);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_time", "-8589934"), 0);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_max_dist", "-1"),
		  -EINVAL);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_max_dist",
				 "2147483647"), 0);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_high_thresh",
				 "3145727"), -EINVAL);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_high_thresh",
				 "3145728"), 0);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_low_thresh",
				 "3145729"), -EINVAL);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_low_thresh", "-1"),
		  -EINVAL);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_high_thresh", "-5"),
		  -EINVAL);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_high_thresh",
				 " 5000000 "), 0);
	CHECK_INT(nfu_sysctl_get(sc.net, "net.ipv4.ipfrag_high_thresh", &v), 0);
	CHECK_INT(v, 5000000);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_low_thresh", "0"), 0);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_high_thresh", "0"), 0);
	/* Linux takes up to ULONG_MAX (and then compares as a long); nfu
	 * stops at LONG_MAX */
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_high_thresh",
				 "9223372036854775808"), -EINVAL);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.ipv4.ipfrag_high_thresh", "1x"),
		  -EINVAL);
	scene_down();
}

/* Fragments through the API: a non-fragment is left alone; users keep
 * their queues apart; the whole datagram replaces the packet. */
static struct nfu_pkt *mkpkt(const uint8_t *ip, size_t n, int ifindex)
{
	struct nfu_pkt *p = nfu_pkt_from_bytes(sc.net, ip, n);

	if (!p)
		return NULL;
	nfu_pkt_reset_network_header(p);
	p->transport_off = p->network_off + ip_hlen(ip);
	p->in = nfu_dev_by_index(sc.net, ifindex);
	p->pkt_type = NFU_PACKET_HOST;
	return p;
}

static void test_api_users(void)
{
	uint8_t f[300];
	struct nfu_pkt *p, *orig;

	REQUIRE(up(NULL));
	dg_echo(0xe00, 192);
	p = mkpkt(dg, dglen, E0);
	REQUIRE(p);
	orig = p;
	CHECK_INT(nfu_ip_defrag(sc.net, &p, NFU_IP_DEFRAG_LOCAL_DELIVER), 0);
	CHECK(p == orig);
	nfu_pkt_free(p);
	CHECK_INT(stats().reasm_reqds, 0);

	p = mkpkt(f, frag_ex(f, 0, 64, -1, 0, false), E0);
	CHECK_INT(nfu_ip_defrag(sc.net, &p, NFU_IP_DEFRAG_CONNTRACK_IN),
		  -EINPROGRESS);
	p = mkpkt(f, frag_ex(f, 64, 200, -1, 0, false), E0);
	CHECK_INT(nfu_ip_defrag(sc.net, &p, NFU_IP_DEFRAG_CONNTRACK_IN + 1),
		  -EINPROGRESS);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 2);
	p = mkpkt(f, frag_ex(f, 64, 200, -1, 0, false), E0);
	orig = p;
	CHECK_INT(nfu_ip_defrag(sc.net, &p, NFU_IP_DEFRAG_CONNTRACK_IN), 0);
	REQUIRE(p && p != orig);
	CHECK_INT(p->len, dglen);
	CHECK_MEM(p->data, dg, dglen);
	CHECK_INT(p->network_off, nfu_pkt_headroom(p));
	CHECK_INT(p->transport_off, p->network_off + 20);
	CHECK_INT(p->in->ifindex, E0);
	nfu_pkt_free(p);
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 1);
	scene_down();
}

/* The pieces a datagram came in, for conntrack's users (Linux keeps them
 * in its frag_list: no coalescing but for local delivery), in offset
 * order whatever the order they came in; none for local delivery; a copy
 * of the datagram has none (skb_copy() is linear). */
static void test_pieces_kept(void)
{
	static const uint32_t users[2] = { NFU_IP_DEFRAG_CONNTRACK_IN,
					   NFU_IP_DEFRAG_LOCAL_DELIVER };
	uint8_t f[300];
	struct nfu_pkt *p, *copy;

	REQUIRE(up(NULL));
	dg_udp(0xe10, 292); /* 300 bytes of payload */
	for (unsigned int u = 0; u < 2; u++) {
		/* 200..300 (a run of its own), 0..96, 96..200 joining it */
		p = mkpkt(f, frag_ex(f, 200, 300, -1, 0, false), E0);
		CHECK_INT(nfu_ip_defrag(sc.net, &p, users[u]), -EINPROGRESS);
		p = mkpkt(f, frag_ex(f, 0, 96, -1, 0, false), E0);
		CHECK_INT(nfu_ip_defrag(sc.net, &p, users[u]), -EINPROGRESS);
		p = mkpkt(f, frag_ex(f, 96, 200, -1, 0, false), E0);
		CHECK_INT(nfu_ip_defrag(sc.net, &p, users[u]), 0);
		REQUIRE(p);
		CHECK_MEM(p->data, dg, dglen);
		if (users[u] == NFU_IP_DEFRAG_LOCAL_DELIVER) {
			CHECK(p->frag_lens == NULL);
			CHECK_INT(p->frag_count, 0);
			nfu_pkt_free(p);
			continue;
		}
		REQUIRE(p->frag_lens && p->frag_count == 3);
		CHECK_INT(p->frag_lens[0], 96);
		CHECK_INT(p->frag_lens[1], 104);
		CHECK_INT(p->frag_lens[2], 100);
		CHECK_INT(p->frag_max_size, 124);
		copy = nfu_pkt_copy(p);
		REQUIRE(copy);
		CHECK(copy->frag_lens == NULL && copy->frag_count == 0);
		nfu_pkt_free(copy);
		nfu_pkt_linearize(p);
		CHECK(p->frag_lens == NULL && p->frag_count == 0);
		nfu_pkt_free(p);
	}
	scene_down();
}

/* Linux's ip_expire(): connection tracking of incoming packets tells the
 * sender only when the first fragment was for the host; the local
 * delivery user (and conntrack's output user) always; a first fragment
 * that no longer routes gets no error. */
static void test_expire_users(void)
{
	static const uint32_t users[3] = { NFU_IP_DEFRAG_LOCAL_DELIVER,
					   NFU_IP_DEFRAG_CONNTRACK_IN,
					   NFU_IP_DEFRAG_CONNTRACK_OUT };
	static const unsigned int want_fwd[3] = { 1, 0, 1 };
	uint8_t f[300];
	struct nfu_pkt *p;

	REQUIRE(up("sysctl -w net.ipv4.ip_forward=1\n"));
	for (unsigned int u = 0; u < 3; u++) {
		scene_clear();
		/* to the host */
		dg_echo(0xf00 + u, 192);
		p = mkpkt(f, frag_ex(f, 0, 64, -1, 0, false), E0);
		CHECK_INT(nfu_ip_defrag(sc.net, &p, users[u]), -EINPROGRESS);
		/* through it, to 192.168.0.9 behind e1 */
		dg_echo(0xf10 + u, 192);
		wr32(dg + 16, A4(192, 168, 0, 9));
		ip_fix_csum(dg);
		p = mkpkt(f, frag_ex(f, 0, 64, -1, 0, false), E0);
		CHECK_INT(nfu_ip_defrag(sc.net, &p, users[u]), -EINPROGRESS);
		set_time((u + 1) * 100 * S);
		nfu_ip_defrag_expire(sc.net);
		CHECK_INT(sc.nout, 1 + want_fwd[u]);
		if (sc.nout >= 1)
			CHECK_INT(rd16(out_ip(0) + 28 + 4), 0xf00 + u);
		if (sc.nout >= 2) {
			CHECK_INT(rd16(out_ip(1) + 28 + 4), 0xf10 + u);
			CHECK_INT(rd32(out_ip(1) + 12), IP_E0);
		}
	}

	/* a first fragment from a source that routing now calls martian */
	scene_clear();
	dg_echo(0xf20, 192);
	wr32(dg + 12, A4(127, 0, 0, 5));
	ip_fix_csum(dg);
	p = mkpkt(f, frag_ex(f, 0, 64, -1, 0, false), E0);
	CHECK_INT(nfu_ip_defrag(sc.net, &p, NFU_IP_DEFRAG_LOCAL_DELIVER),
		  -EINPROGRESS);
	set_time(1000 * S);
	nfu_ip_defrag_expire(sc.net);
	CHECK_INT(sc.nout, 0);
	CHECK_INT(ndrops_of(NFU_DROP_FRAG_TIMEOUT), 1);
	scene_down();
}

/* Queues left when the stack goes are freed with it (the sanitizer build
 * checks that nothing leaks). */
static void test_teardown(void)
{
	REQUIRE(up(NULL));
	for (unsigned int i = 0; i < 50; i++) {
		dg_echo(0x100 + i, 1000);
		rx_frag(0, 512);
		rx_frag(768, 1008);
	}
	CHECK_INT(nfu_ip_defrag_queues(sc.net), 50);
	scene_down();
}

/* ---- against a naive reference ---- */

/* Linux's rules, written the plain way: a byte map saying which run holds
 * each payload byte, scanned whole for every fragment. */
#define REF_MAX 4096

struct ref {
	bool exists;
	unsigned int flags; /* 1 first, 2 last */
	uint32_t len, meat, tail;
	unsigned int ecn;
	int owner[REF_MAX];
	int last_run, nruns;
	unsigned int held; /* fragments */
	uint8_t hdr[60];   /* the first fragment's header */
	unsigned int hlen;
	uint32_t max_size, max_df;
	uint8_t data[REF_MAX];
};

struct ref_out {
	unsigned int drops[NFU_DROP_MAX];
	unsigned int delivered;
	size_t len;
	uint8_t b[REF_MAX + 60];
};

static void ref_reset(struct ref *r)
{
	r->exists = false;
}

static void ref_kill(struct ref *r, struct ref_out *o,
		     enum nfu_drop_reason why)
{
	o->drops[why] += r->held + 1;
	ref_reset(r);
}

static void ref_frag(struct ref *r, struct ref_out *o, const uint8_t *ip)
{
	static const uint8_t ecn_tab[16] = { [0xc] = 3, [0xa] = 3, [0xe] = 3,
					     [0x9] = 0xff, [0x5] = 0xff,
					     [0x3] = 0xff, [0x7] = 0xff,
					     [0xd] = 0xff, [0xb] = 0xff,
					     [0xf] = 0xff };
	unsigned int hl = ip_hlen(ip), fo = rd16(ip + 6);
	uint32_t off = (fo & 0x1fff) * 8u, end = off + rd16(ip + 2) - hl;
	int run = -1;

	if (!r->exists) {
		memset(r, 0, sizeof(*r));
		r->exists = true;
		for (unsigned int i = 0; i < REF_MAX; i++)
			r->owner[i] = -1;
		r->last_run = -1;
	}
	if (!(fo & 0x2000)) {
		if (end < r->len || ((r->flags & 2) && end != r->len))
			return ref_kill(r, o, NFU_DROP_FRAG_INVALID);
		r->flags |= 2;
		r->len = end;
	} else {
		end &= ~7u;
		if (end > r->len) {
			if (r->flags & 2)
				return ref_kill(r, o, NFU_DROP_FRAG_INVALID);
			r->len = end;
		}
	}
	if (end == off)
		return ref_kill(r, o, NFU_DROP_FRAG_INVALID);
	if (r->held && r->tail < end) {
		if (off < r->tail)
			return ref_kill(r, o, NFU_DROP_FRAG_OVERLAP);
		run = off == r->tail ? r->last_run : (r->last_run = r->nruns++);
	} else if (!r->held) {
		run = r->last_run = r->nruns++;
	} else {
		int seen = -2; /* -2 nothing yet, -3 mixed */

		for (uint32_t i = off; i < end; i++)
			if (seen == -2)
				seen = r->owner[i];
			else if (seen != r->owner[i])
				seen = -3;
		if (seen == -3)
			return ref_kill(r, o, NFU_DROP_FRAG_OVERLAP);
		if (seen >= 0) {
			o->drops[NFU_DROP_FRAG_DUP]++;
			return;
		}
		run = r->nruns++;
	}
	for (uint32_t i = off; i < end; i++) {
		r->owner[i] = run;
		r->data[i] = ip[hl + i - off];
	}
	if (end > r->tail)
		r->tail = end;
	r->held++;
	r->meat += end - off;
	r->ecn |= 1u << (ip[1] & 3);
	if (off == 0) {
		r->flags |= 1;
		memcpy(r->hdr, ip, hl);
		r->hlen = hl;
	}
	if (end - off + hl > r->max_size)
		r->max_size = end - off + hl;
	if ((fo & 0x4000) && end - off + hl > r->max_df)
		r->max_df = end - off + hl;
	if (r->flags == 3 && r->meat == r->len) {
		uint8_t e = ecn_tab[r->ecn];

		if (e == 0xff) {
			o->drops[NFU_DROP_FRAG_ECN] += r->held;
			ref_reset(r);
			return;
		}
		if (r->hlen + r->len > 65535) {
			o->drops[NFU_DROP_FRAG_TOO_BIG] += r->held;
			ref_reset(r);
			return;
		}
		o->delivered++;
		o->len = r->hlen + r->len;
		memcpy(o->b, r->hdr, r->hlen);
		memcpy(o->b + r->hlen, r->data, r->len);
		wr16(o->b + 2, (unsigned int)o->len);
		o->b[1] |= e;
		wr16(o->b + 6, r->max_df == r->max_size ? 0x4000 : 0);
		ip_fix_csum(o->b);
		ref_reset(r);
	}
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/* One fragment of a datagram of 'plen' payload bytes: mostly a piece of a
 * true cut, sometimes anything. */
static size_t random_frag(uint8_t *b, unsigned int id, uint32_t plen,
			  const uint32_t *cut, unsigned int ncut)
{
	uint32_t off, end;
	unsigned int i = rnd(ncut), hl = rnd(8) ? 20 : 24;
	bool mf;
	int k = (int)rnd(10);

	off = cut[i];
	end = cut[i + 1];
	mf = end < plen;
	if (k == 0) { /* a piece of another size */
		off = rnd(plen / 8 + 2) * 8;
		end = off + rnd(300);
	} else if (k == 1) { /* MF flipped */
		mf = !mf;
	} else if (k == 2 && end - off > 16) { /* inside */
		off += 8;
		end -= 3;
	}
	if (end > REF_MAX - 8)
		end = REF_MAX - 8;
	if (off > end)
		off = end;
	if (off == 0 && !mf) /* that would not be a fragment */
		mf = true;
	memset(b, 0, hl);
	b[0] = (uint8_t)(0x40 | hl / 4);
	b[1] = (uint8_t)(rnd(6) ? 0 : rnd(4)) | 0x20;
	wr16(b + 2, hl + end - off);
	wr16(b + 4, id);
	wr16(b + 6, off / 8 | (mf ? 0x2000u : 0) | (rnd(5) ? 0 : 0x4000u));
	b[8] = 64;
	b[9] = 17;
	wr32(b + 12, IP_A);
	wr32(b + 16, IP_E0);
	if (hl == 24)
		memcpy(b + 20, "\x01\x01\x01\x00", 4);
	/* bytes that tell which fragment they came from */
	uint8_t tag = (uint8_t)rnd(256);
	for (uint32_t x = off; x < end; x++)
		b[hl + x - off] = (uint8_t)(x * 13u + tag);
	ip_fix_csum(b);
	return hl + end - off;
}

static void test_against_reference(void)
{
	static struct ref r;
	static struct ref_out o;
	static uint8_t b[REF_MAX + 64];
	unsigned int mismatches = 0;

	REQUIRE(up(NULL));
	dl.take = true;
	for (unsigned int t = 0; t < 3000; t++) {
		uint32_t plen = 8 + rnd(2000), cut[64];
		unsigned int ncut = 0, nfr = 1 + rnd(14), id = 0x5000 + t;
		uint64_t d0[NFU_DROP_MAX];
		unsigned int n0 = dl.n;
		bool bad = false;

		cut[ncut++] = 0;
		while (cut[ncut - 1] < plen && ncut < 60) {
			uint32_t step = 8 * (1 + rnd(40));
			cut[ncut] = cut[ncut - 1] + step > plen
					    ? plen
					    : cut[ncut - 1] + step;
			ncut++;
		}
		ncut--; /* pieces */
		memset(&o, 0, sizeof(o));
		ref_reset(&r);
		for (unsigned int i = 0; i < NFU_DROP_MAX; i++)
			d0[i] = drops_of((enum nfu_drop_reason)i);
		for (unsigned int i = 0; i < nfr; i++) {
			size_t n = random_frag(b, id, plen, cut, ncut);
			unsigned int before = dl.n;

			ref_frag(&r, &o, b);
			rx(E0, b, n);
			if (dl.n != before) { /* compare now */
				if (dl.len != o.len || memcmp(dl.b, o.b, o.len))
					bad = true;
			}
		}
		if (dl.n - n0 != o.delivered)
			bad = true;
		for (unsigned int i = 0; i < NFU_DROP_MAX; i++)
			if (drops_of((enum nfu_drop_reason)i) - d0[i] !=
			    o.drops[i])
				bad = true;
		if (bad && !mismatches++)
			HARNESS_FAIL("trial %u (id %#x): delivered %u/%u", t, id,
				     dl.n - n0, o.delivered);
		/* start the next trial empty */
		set_time((t + 1) * 100 * S);
		nfu_ip_defrag_expire(sc.net);
		scene_clear();
		CHECK_INT(nfu_ip_defrag_queues(sc.net), 0);
	}
	CHECK_INT(mismatches, 0);
	CHECK(stats().reasm_oks > 300);
	scene_down();
}

int main(void)
{
	RUN(test_in_order_udp);
	RUN(test_reverse_echo);
	RUN(test_every_order);
	RUN(test_interleaved);
	RUN(test_echo_reply_fragmented);
	RUN(test_duplicate);
	RUN(test_duplicate_inside_run);
	RUN(test_overlap);
	RUN(test_overlap_across_runs);
	RUN(test_overlap_then_again);
	RUN(test_trim_to_8);
	RUN(test_inconsistent_ends);
	RUN(test_size_limit);
	RUN(test_past_limit_waits);
	RUN(test_ecn);
	RUN(test_header_of_first);
	RUN(test_df_and_max_size);
	RUN(test_device_and_time_of_last);
	RUN(test_timeout_with_first);
	RUN(test_run_timers_public);
	RUN(test_timeout_sent_at_deadline);
	RUN(test_timeout_without_first);
	RUN(test_timeout_quote_trimmed);
	RUN(test_timer_not_refreshed);
	RUN(test_timeout_sysctl_change);
	RUN(test_expiry_doors);
	RUN(test_max_dist);
	RUN(test_max_dist_restarts_timer);
	RUN(test_memory_threshold);
	RUN(test_memory_default);
	RUN(test_sysctls);
	RUN(test_api_users);
	RUN(test_pieces_kept);
	RUN(test_expire_users);
	RUN(test_teardown);
	RUN(test_against_reference);
	return harness_done();
}
