/* SPDX-License-Identifier: MIT */
/*
 * test_icmp.c - the host's answers (icmp_reply for echo and timestamp,
 * the UDP port unreachable, tcp_v4_send_reset, protocol unreachable), the
 * cases where Linux's icmp_send() stays silent (about an ICMP error, a
 * broadcast, a non-first fragment), and Linux's rate limits of ICMP:
 * icmp_ratelimit/icmp_ratemask per destination (inet_peer_xrlim_allow,
 * burst of 6), echo replies unlimited, icmp_ratelimit=0.
 *
 * Every answer is checked byte by byte with checksums recomputed here;
 * the values (TOS of errors, RST's ID 0 and DF, the 576-byte quote, the
 * 6-then-1 rate pattern) are those Linux 6.18 sent in the same scene.
 */
#include "ipv4_scene.h"

/* An answer in frame 0 to A's packet on e0: one frame, out of e0 to A's
 * MAC, from 'src' to A, TTL 64, protocol 'proto'; the trace is "PIOS". */
static bool expect_answer(uint32_t src, uint8_t proto)
{
	CHECK_STR(sc.trace, "PIOS");
	if (sc.nout != 1) {
		HARNESS_FAIL("%u frames, want 1", sc.nout);
		return false;
	}
	CHECK_FRAME(0, E0, MAC_A);
	CHECK_INT(out_ip(0)[0], 0x45);
	CHECK_INT(out_ip(0)[8], 64);
	CHECK_INT(out_ip(0)[9], proto);
	CHECK_INT(rd32(out_ip(0) + 12), src);
	CHECK_INT(rd32(out_ip(0) + 16), IP_A);
	return true;
}

/* ---- echo ---- */

/* The reply to a ping of e1's address arriving on e0: from the address
 * pinged, TOS kept (ECN bits too), id, sequence and data echoed, both
 * checksums right. */
static void test_echo_reply(void)
{
	uint8_t b[256];
	struct nfu_stats st;
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_echo(b, IP_A, IP_E1, 0x1234, 7, 56);
	b[1] = 0x2b;
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (expect_answer(IP_E1, 1)) {
		const uint8_t *r = out_ip(0);
		CHECK_INT(r[1], 0x2b);
		CHECK_INT(rd16(r + 2), n);
		CHECK_INT(rd16(r + 6), 0); /* no DF, as Linux's ICMP socket */
		CHECK_INT(r[20], 0); /* echo reply */
		CHECK_INT(r[21], 0);
		CHECK_INT(rd16(r + 24), 0x1234);
		CHECK_INT(rd16(r + 26), 7);
		CHECK_MEM(r + 28, b + 28, 56);
		CHECK(icmp_csum_ok(r));
		CHECK(ip_csum_ok(r));
	}
	nfu_net_get_stats(sc.net, &st);
	CHECK_INT(st.in_delivers, 1);
	CHECK_INT(st.out_requests, 1);
	scene_down();
}

/* The request's code is echoed (icmp_echo copies the header). */
static void test_echo_code_kept(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_icmp(b, IP_A, IP_E0, 8, 5, 0x00010002, NULL, 8);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (expect_answer(IP_E0, 1)) {
		CHECK_INT(out_ip(0)[20], 0);
		CHECK_INT(out_ip(0)[21], 5);
		CHECK_INT(rd32(out_ip(0) + 24), 0x00010002);
		CHECK(icmp_csum_ok(out_ip(0)));
	}
	scene_down();
}

/* An echo request with a bad ICMP checksum is dropped unanswered. */
static void test_echo_bad_checksum(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_echo(b, IP_A, IP_E0, 1, 1, 8);
	b[22] ^= 0x40;
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_L4_CSUM), 1);
	scene_down();
}

static void test_echo_ignore_all(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.icmp_echo_ignore_all=1\n"));
	n = build_echo(b, IP_A, IP_E0, 1, 1, 8);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], NFU_DROP_ICMP_IGNORED);
	scene_down();
}

/* icmp_echo_ignore_broadcasts defaults to 1: pings of the directed and
 * of the limited broadcast are delivered and ignored. */
static void test_echo_broadcast_ignored(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_echo(b, IP_A, A4(10, 0, 0, 255), 1, 1, 8);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	n = build_echo(b, IP_A, A4(255, 255, 255, 255), 1, 2, 8);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	/* the all-hosts group, which every device with IPv4 joins */
	n = build_echo(b, IP_A, A4(224, 0, 0, 1), 1, 3, 8);
	CHECK_INT(scene_rx_frame(E0, MAC_ALLHOSTS, b, n, 0), 0);
	CHECK_STR(sc.trace, "PIPIPI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_ICMP_IGNORED), 3);
	scene_down();
}

/* With icmp_echo_ignore_broadcasts=0 the broadcast ping is answered from
 * the preferred source of the route back (fib_compute_spec_dst). */
static void test_echo_broadcast_answered(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.icmp_echo_ignore_broadcasts=0\n"));
	n = build_echo(b, IP_A, A4(10, 0, 0, 255), 1, 1, 8);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	if (expect_answer(IP_E0, 1)) {
		CHECK_INT(out_ip(0)[20], 0);
		CHECK(icmp_csum_ok(out_ip(0)));
	}
	scene_down();
}

/* A ping of the host's unicast address in a link-layer broadcast frame is
 * answered (drop_unicast_in_l2_multicast is off by default). */
static void test_echo_unicast_in_l2_broadcast(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_echo(b, IP_A, IP_E0, 1, 1, 8);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	if (expect_answer(IP_E0, 1))
		CHECK_INT(out_ip(0)[20], 0);
	scene_down();
}

/* Timestamp request: a reply of type 14 echoing the originate time, with
 * receive and transmit times equal (one instant). */
static void test_timestamp_reply(void)
{
	uint8_t b[128], ts[12] = { 1, 2, 3, 4 };
	size_t n;

	REQUIRE(scene_up(NULL));
	nfu_net_set_time(sc.net, 3723004000000ull); /* 01:02:03.004 */
	n = build_icmp(b, IP_A, IP_E0, 13, 0, 0x00050001, ts, sizeof(ts));
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (expect_answer(IP_E0, 1)) {
		const uint8_t *r = out_ip(0);
		CHECK_INT(rd16(r + 2), 40);
		CHECK_INT(r[20], 14);
		CHECK_INT(r[21], 0);
		CHECK_INT(rd32(r + 24), 0x00050001);
		CHECK_MEM(r + 28, ts, 4);
		CHECK_INT(rd32(r + 32), 3723004);
		CHECK_INT(rd32(r + 36), 3723004);
		CHECK(icmp_csum_ok(r));
	}
	scene_down();
}

/* ---- UDP ---- */

/* 1000 bytes to a closed port: port unreachable of 576 bytes quoting the
 * IP header and 528 bytes of the datagram; TOS 0xc0 | (TOS & 0x1e)
 * (0x2b gives 0xca, as Linux sent). */
static void test_udp_port_unreachable(void)
{
	static uint8_t b[1100];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_A, IP_E0, 40000, 9, 1000);
	b[1] = 0x2b;
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (expect_answer(IP_E0, 1)) {
		check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, 3, 0, 0xca, b,
				 n);
		CHECK_INT(rd16(out_ip(0) + 2), 576);
		CHECK_INT(sc.out[0].len, 14 + 576);
	}
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], NFU_DROP_NO_RESPONDER);
	scene_down();
}

/* TOS 0xff: 0xde. A small datagram with no checksum (0) is answered,
 * quoted whole. */
static void test_udp_port_unreachable_small(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_A, IP_E0, 40000, 9, 10);
	wr16(b + 26, 0);
	b[1] = 0xff;
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (expect_answer(IP_E0, 1))
		check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, 3, 0, 0xde, b,
				 n);
	scene_down();
}

/* The quote ends where the UDP length says (pskb_trim_rcsum in
 * __udp4_lib_rcv), even when the IP packet carries more. */
static void test_udp_quote_trimmed_to_udp_length(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_A, IP_E0, 40000, 9, 10); /* 38 bytes */
	wr16(b + 24, 8 + 4);                          /* UDP: 12 bytes */
	wr16(b + 26, 0);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (expect_answer(IP_E0, 1)) {
		check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, 3, 0, 0xc0, b,
				 32);
		CHECK_INT(rd16(out_ip(0) + 2), 28 + 32);
	}
	scene_down();
}

/* The route back has an MTU below 576 (e1: 400): the message is cut to
 * it (400 bytes, a quote of 372, as Linux sent). */
static void test_udp_port_unreachable_small_mtu(void)
{
	static uint8_t b[1100];
	size_t n;

	REQUIRE(scene_up(NULL));
	CHECK_INT(dev_mtu(E1, 400), 0);
	n = build_udp(b, A4(192, 168, 1, 20), IP_E0, 40000, 9, 1000);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PIOS");
	REQUIRE(sc.nout == 1);
	check_icmp_error_limit(0, E1, MAC_B, IP_E0, A4(192, 168, 1, 20), 3,
			       3, 0, 0xc0, b, n, 400);
	CHECK_INT(rd16(out_ip(0) + 2), 400);
	scene_down();
}

/* An echo reply larger than the MTU back is fragmented (it never has DF,
 * even when the request had): 1028 bytes over MTU 400 leave as 396 + 396
 * + 276, as Linux sent them. */
static void test_echo_reply_fragmented(void)
{
	static uint8_t b[1100], whole[1100];
	size_t n;

	REQUIRE(scene_up(NULL));
	CHECK_INT(dev_mtu(E1, 400), 0);
	n = build_echo(b, A4(192, 168, 1, 21), IP_E0, 1, 1, 1000);
	wr16(b + 6, 0x4000);
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PIOS");
	REQUIRE(sc.nout == 3);
	CHECK_INT(rd16(out_ip(0) + 2), 396);
	CHECK_INT(rd16(out_ip(1) + 2), 396);
	CHECK_INT(rd16(out_ip(2) + 2), 276);
	CHECK_INT(rd16(out_ip(0) + 6), 0x2000);
	CHECK_INT(rd16(out_ip(1) + 6), 0x2000 | 376 / 8);
	CHECK_INT(rd16(out_ip(2) + 6), 752 / 8);
	for (unsigned int i = 0; i < 3; i++) {
		CHECK_FRAME(i, E1, MAC_B);
		CHECK_INT(rd16(out_ip(i) + 4), rd16(out_ip(0) + 4));
		memcpy(whole + 376 * i, out_ip(i) + 20,
		       rd16(out_ip(i) + 2) - 20u);
	}
	CHECK_INT(whole[0], 0);
	CHECK_INT(word_sum(whole, 1008, 0), 0xffff);
	CHECK_MEM(whole + 4, b + 24, 1004);
	scene_down();
}

/* To e1's address, arriving on e0: the error comes from the address the
 * datagram was sent to. */
static void test_udp_port_unreachable_other_address(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_A, IP_E1, 40000, 9, 10);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (expect_answer(IP_E1, 1))
		check_icmp_error(0, E0, MAC_A, IP_E1, IP_A, 3, 3, 0, 0xc0, b,
				 n);
	scene_down();
}

static void test_udp_bad_checksum(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_A, IP_E0, 40000, 9, 10);
	b[26] ^= 0x01;
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], NFU_DROP_L4_CSUM);
	scene_down();
}

/* ---- TCP ---- */

/* Checks the reset in frame 0: ports swapped, 'seq', 'ack', 'flags',
 * header only, window 0, TOS 'tos', DF with ID 0 (as Linux's control
 * socket sends it), checksum right. */
static void expect_rst(uint32_t seq, uint32_t ack, uint8_t flags,
		       uint8_t tos)
{
	const uint8_t *r, *t;

	if (!expect_answer(IP_E0, 6))
		return;
	r = out_ip(0);
	t = r + 20;
	CHECK_INT(rd16(r + 2), 40);
	CHECK_INT(r[1], tos);
	CHECK_INT(rd16(r + 4), 0);
	CHECK_INT(rd16(r + 6), 0x4000);
	CHECK_INT(rd16(t), 80);
	CHECK_INT(rd16(t + 2), 40000);
	CHECK_INT(rd32(t + 4), seq);
	CHECK_INT(rd32(t + 8), ack);
	CHECK_INT(t[12], 5 << 4);
	CHECK_INT(t[13], flags);
	CHECK_INT(rd16(t + 14), 0);
	CHECK_INT(rd16(t + 18), 0);
	CHECK(l4_csum_ok(r));
}

/* SYN: RST|ACK with seq 0 and ack = seq + 1; the ECN bits of the TOS are
 * cleared (0x2b gives 0x28). */
static void test_tcp_syn_rst(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_tcp(b, IP_A, IP_E0, 40000, 80, 1000, 0, TH_SYN, 0);
	b[1] = 0x2b;
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	expect_rst(0, 1001, TH_RST | TH_ACK, 0x28);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], NFU_DROP_NO_RESPONDER);
	scene_down();
}

/* SYN|FIN with 10 bytes: ack = seq + 1 + 10 + 1. */
static void test_tcp_syn_fin_data_rst(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_tcp(b, IP_A, IP_E0, 40000, 80, 1000, 0, TH_SYN | TH_FIN,
		      10);
	CHECK_INT(scene_rx(E0, b, n), 0);
	expect_rst(0, 1012, TH_RST | TH_ACK, 0);
	scene_down();
}

/* A segment with ACK: a bare RST whose sequence is the segment's
 * acknowledgment number. */
static void test_tcp_ack_rst(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_tcp(b, IP_A, IP_E0, 40000, 80, 1000, 5000, TH_ACK, 0);
	CHECK_INT(scene_rx(E0, b, n), 0);
	expect_rst(5000, 0, TH_RST, 0);
	scene_down();

	REQUIRE(scene_up(NULL));
	n = build_tcp(b, IP_A, IP_E0, 40000, 80, 1000, 5000, TH_PSH | TH_ACK,
		      10);
	CHECK_INT(scene_rx(E0, b, n), 0);
	expect_rst(5000, 0, TH_RST, 0);
	scene_down();
}

/* Never a reset for a reset, with or without ACK. */
static void test_tcp_no_rst_for_rst(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_tcp(b, IP_A, IP_E0, 40000, 80, 1000, 0, TH_RST, 0);
	CHECK_INT(scene_rx(E0, b, n), 0);
	n = build_tcp(b, IP_A, IP_E0, 40000, 80, 1000, 5, TH_RST | TH_ACK, 0);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PIPI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_NO_RESPONDER), 2);
	scene_down();
}

/* No reset for a segment that came in a link-layer broadcast (tcp_v4_rcv
 * drops what is not PACKET_HOST) or to a broadcast address. */
static void test_tcp_no_rst_for_broadcast(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_tcp(b, IP_A, IP_E0, 40000, 80, 1000, 0, TH_SYN, 0);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	n = build_tcp(b, IP_A, A4(10, 0, 0, 255), 40000, 80, 1000, 0, TH_SYN,
		      0);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	CHECK_STR(sc.trace, "PIPI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 2);
	scene_down();
}

static void test_tcp_bad_checksum(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_tcp(b, IP_A, IP_E0, 40000, 80, 1000, 0, TH_SYN, 0);
	b[36] ^= 0x01;
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], NFU_DROP_L4_CSUM);
	scene_down();
}

/* ---- other protocols ---- */

/* No handler for protocol 253: protocol unreachable quoting it all. */
static void test_unknown_protocol(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	fill(b + 20, 30, 1);
	n = build_ip(b, IP_A, IP_E0, 253, 30);
	b[1] = 0x2b;
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (expect_answer(IP_E0, 1))
		check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, 2, 0, 0xca, b,
				 n);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], NFU_DROP_UNHANDLED_PROTO);
	scene_down();
}

/* ---- when icmp_send() stays silent ---- */

/* A forwarded ICMP packet with TTL 1: time exceeded about an echo request
 * or an address mask reply (type 18, the last known, not an error); none
 * about a destination unreachable, nor about an unknown type (99), which
 * counts as an error. */
static void test_no_error_about_icmp_error(void)
{
	static const struct {
		uint8_t type;
		bool answered;
	} cases[] = { { 8, true }, { 18, true }, { 3, false },
		      { 11, false }, { 5, false }, { 99, false } };
	uint8_t b[128];
	size_t n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
		n = build_icmp(b, IP_A, IP_B, cases[i].type, 0, 0, NULL, 28);
		b[8] = 1;
		ip_fix_csum(b);
		CHECK_INT(scene_rx(E0, b, n), 0);
		if (cases[i].answered) {
			CHECK_STR(sc.trace, "POS");
			REQUIRE(sc.nout == 1);
			check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 11, 0, 0,
					 0xc0, b, n);
		} else {
			CHECK_STR(sc.trace, "P");
			CHECK_INT(sc.nout, 0);
		}
		CHECK_INT(drops_of(NFU_DROP_TTL_EXCEEDED), 1);
		scene_down();
	}
}

/* Nothing about a broadcast: UDP and an unknown protocol to the directed
 * broadcast, UDP to the limited broadcast, to the host's address in a
 * link-layer broadcast frame, and to the all-hosts group. */
static void test_no_error_about_broadcast(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_A, A4(10, 0, 0, 255), 40000, 9, 10);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	n = build_udp(b, IP_A, A4(255, 255, 255, 255), 40000, 9, 10);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	n = build_udp(b, IP_A, IP_E0, 40000, 9, 10);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	fill(b + 20, 30, 1);
	n = build_ip(b, IP_A, A4(10, 0, 0, 255), 253, 30);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	n = build_udp(b, IP_A, A4(224, 0, 0, 1), 40000, 9, 10);
	CHECK_INT(scene_rx_frame(E0, MAC_ALLHOSTS, b, n, 0), 0);
	CHECK_STR(sc.trace, "PIPIPIPIPI");
	CHECK_INT(sc.nout, 0);
	scene_down();
}

/* Only about fragment 0: a forwarded TTL-1 fragment at offset 8 gets no
 * time exceeded, the first fragment (MF, offset 0) gets one. */
static void test_error_only_about_fragment_0(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = build_udp(b, IP_A, IP_B, 40000, 9, 16);
	b[8] = 1;
	wr16(b + 6, 0x2001);
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "P");
	CHECK_INT(sc.nout, 0);
	scene_clear();
	wr16(b + 6, 0x2000);
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "POS");
	REQUIRE(sc.nout == 1);
	check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 11, 0, 0, 0xc0, b, n);
	scene_down();
}

/* ---- rate limits ---- */

#define T0 5000000000ull /* 5 s */
#define SECOND 1000000000ull

/* 'count' UDP datagrams from 'src' (on e0) to a closed port of the host;
 * returns how many port unreachables left. */
static unsigned int udp_burst(uint32_t src, unsigned int count)
{
	uint8_t b[128];
	unsigned int before = sc.nout;
	size_t n = build_udp(b, src, IP_E0, 40000, 9, 8);

	for (unsigned int i = 0; i < count; i++)
		CHECK_INT(scene_rx(E0, b, n), 0);
	for (unsigned int i = before; i < sc.nout; i++)
		CHECK_INT(out_ip(i)[20], 3);
	return sc.nout - before;
}

/* icmp_ratelimit=1000 ms and a burst of 6 tokens per destination: 6 of 10
 * at one instant, then one a second (Linux 6.18: 6 sent and
 * IcmpOutRateLimitHost 4; 1 s later 1 of 2). */
static void test_ratelimit_port_unreachable(void)
{
	REQUIRE(scene_up(NULL));
	nfu_net_set_time(sc.net, T0);
	CHECK_INT(udp_burst(IP_A, 10), 6);
	CHECK_INT(drops_of(NFU_DROP_ICMP_RATELIMIT), 4);
	CHECK_STR(sc.trace, "PIOSPIOSPIOSPIOSPIOSPIOSPIPIPIPI");
	nfu_net_set_time(sc.net, T0 + SECOND);
	CHECK_INT(udp_burst(IP_A, 2), 1);
	nfu_net_set_time(sc.net, T0 + SECOND + SECOND / 2);
	CHECK_INT(udp_burst(IP_A, 1), 0);
	nfu_net_set_time(sc.net, T0 + 2 * SECOND);
	CHECK_INT(udp_burst(IP_A, 1), 1);
	/* after a long silence the burst is back, and no more than 6 */
	nfu_net_set_time(sc.net, T0 + 100 * SECOND);
	CHECK_INT(udp_burst(IP_A, 10), 6);
	scene_down();
}

/* The stack's clock starts at 0: a new peer still has its full burst. */
static void test_ratelimit_at_time_zero(void)
{
	REQUIRE(scene_up(NULL));
	CHECK_INT(udp_burst(IP_A, 10), 6);
	scene_down();
}

/* The limit is per destination: A and 10.0.0.3 have 6 each. */
static void test_ratelimit_per_destination(void)
{
	REQUIRE(scene_up("ip neigh add 10.0.0.3 lladdr 02:00:00:00:aa:03"
			 " dev e0\n"));
	nfu_net_set_time(sc.net, T0);
	CHECK_INT(udp_burst(IP_A, 10), 6);
	CHECK_INT(udp_burst(A4(10, 0, 0, 3), 10), 6);
	CHECK_INT(udp_burst(IP_A, 1), 0);
	scene_down();
}

/* Echo replies are not in icmp_ratemask: 20 pings, 20 replies. */
static void test_ratelimit_not_echo(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	nfu_net_set_time(sc.net, T0);
	for (unsigned int i = 0; i < 20; i++) {
		n = build_echo(b, IP_A, IP_E0, 1, i, 8);
		CHECK_INT(scene_rx(E0, b, n), 0);
	}
	CHECK_INT(sc.nout, 20);
	for (unsigned int i = 0; i < sc.nout; i++)
		CHECK_INT(rd16(out_ip(i) + 26), i);
	CHECK_INT(drops_of(NFU_DROP_ICMP_RATELIMIT), 0);
	scene_down();
}

static void test_ratelimit_disabled(void)
{
	REQUIRE(scene_up("sysctl -w net.ipv4.icmp_ratelimit=0\n"));
	nfu_net_set_time(sc.net, T0);
	CHECK_INT(udp_burst(IP_A, 10), 10);
	CHECK_INT(drops_of(NFU_DROP_ICMP_RATELIMIT), 0);
	scene_down();
}

/* icmp_ratemask=0: no type is limited. */
static void test_ratemask_zero(void)
{
	REQUIRE(scene_up("sysctl -w net.ipv4.icmp_ratemask=0\n"));
	nfu_net_set_time(sc.net, T0);
	CHECK_INT(udp_burst(IP_A, 10), 10);
	scene_down();
}

/* Time exceeded is limited as port unreachable is (6 of 10); frag needed
 * never is (10 of 10), as icmpv4_mask_allow() exempts it. */
static void test_ratelimit_router_errors(void)
{
	static uint8_t b[1300];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	nfu_net_set_time(sc.net, T0);
	n = build_udp(b, IP_A, IP_B, 40000, 9, 16);
	b[8] = 1;
	ip_fix_csum(b);
	for (unsigned int i = 0; i < 10; i++)
		CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_INT(sc.nout, 6);
	scene_down();

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	nfu_net_set_time(sc.net, T0);
	CHECK_INT(dev_mtu(E1, 1000), 0);
	n = build_udp(b, IP_A, IP_B, 40000, 9, 1172);
	wr16(b + 6, 0x4000);
	ip_fix_csum(b);
	for (unsigned int i = 0; i < 10; i++)
		CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_INT(sc.nout, 10);
	for (unsigned int i = 0; i < sc.nout; i++) {
		CHECK_INT(out_ip(i)[20], 3);
		CHECK_INT(out_ip(i)[21], 4);
	}
	scene_down();
}

int main(void)
{
	RUN(test_echo_reply);
	RUN(test_echo_code_kept);
	RUN(test_echo_bad_checksum);
	RUN(test_echo_ignore_all);
	RUN(test_echo_broadcast_ignored);
	RUN(test_echo_broadcast_answered);
	RUN(test_echo_unicast_in_l2_broadcast);
	RUN(test_timestamp_reply);
	RUN(test_udp_port_unreachable);
	RUN(test_udp_port_unreachable_small);
	RUN(test_udp_quote_trimmed_to_udp_length);
	RUN(test_udp_port_unreachable_small_mtu);
	RUN(test_echo_reply_fragmented);
	RUN(test_udp_port_unreachable_other_address);
	RUN(test_udp_bad_checksum);
	RUN(test_tcp_syn_rst);
	RUN(test_tcp_syn_fin_data_rst);
	RUN(test_tcp_ack_rst);
	RUN(test_tcp_no_rst_for_rst);
	RUN(test_tcp_no_rst_for_broadcast);
	RUN(test_tcp_bad_checksum);
	RUN(test_unknown_protocol);
	RUN(test_no_error_about_icmp_error);
	RUN(test_no_error_about_broadcast);
	RUN(test_error_only_about_fragment_0);
	RUN(test_ratelimit_port_unreachable);
	RUN(test_ratelimit_at_time_zero);
	RUN(test_ratelimit_per_destination);
	RUN(test_ratelimit_not_echo);
	RUN(test_ratelimit_disabled);
	RUN(test_ratemask_zero);
	RUN(test_ratelimit_router_errors);
	scene_down();
	return harness_done();
}
