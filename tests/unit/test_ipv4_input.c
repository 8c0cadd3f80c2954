/* SPDX-License-Identifier: MIT */
/*
 * test_ipv4_input.c - the IPv4 input path up to the routing decision:
 * Linux's ip_rcv_core() checks (dropped before PRE_ROUTING), the link
 * layer's padding, frames for another host, martian sources and
 * destinations (dropped after PRE_ROUTING, by ip_route_input_slow), and
 * the reverse path filter (fib_validate_source) with rp_filter 0, 1, 2 and
 * the max(conf.all, conf.DEV) rule.  The scene is ipv4_scene.h.
 *
 * Where Linux's behaviour is surprising (0.0.0.0/8 addresses other than
 * 0.0.0.0 are unicast; a route back that is unreachable is a failed
 * lookup), the tests say what Linux 6.18 did in the same scene.
 */
#include "ipv4_scene.h"

/* ---- malformed headers: dropped before PRE_ROUTING ---- */

/* Sends 'ip' ('len' bytes) on e0 to the host's MAC and checks it was
 * dropped for 'reason' before any hook, with nothing sent. */
static void expect_early_drop(const uint8_t *ip, size_t len,
			      enum nfu_drop_reason reason)
{
	CHECK_INT(scene_rx(E0, ip, len), 0);
	CHECK_STR(sc.trace, "");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], reason);
	CHECK_INT(drops_of(reason), 1);
}

/* A forwardable UDP datagram from A to B (forwarding on), so that any
 * check that failed to drop would show as a FORWARD pass or a frame. */
static size_t good_udp(uint8_t *b)
{
	return build_udp(b, IP_A, IP_B, 40000, 9, 12);
}

static void test_short_packet(void)
{
	uint8_t b[64];

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	good_udp(b);
	/* 19 bytes: less than an IPv4 header */
	expect_early_drop(b, 19, NFU_DROP_IP_TOO_SHORT);
	scene_down();
}

static void test_short_for_ihl(void)
{
	uint8_t b[64];

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	build_ip(b, IP_A, IP_B, 253, 0);
	b[0] = 0x46; /* says 24 bytes of header, 20 present */
	wr16(b + 2, 24);
	ip_fix_csum(b); /* over the 24 bytes the header claims */
	expect_early_drop(b, 20, NFU_DROP_IP_TOO_SHORT);
	scene_down();
}

static void test_version_not_4(void)
{
	uint8_t b[64];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = good_udp(b);
	b[0] = 0x65;
	ip_fix_csum(b);
	expect_early_drop(b, n, NFU_DROP_IP_VERSION);
	scene_down();
}

static void test_ihl_below_5(void)
{
	uint8_t b[64];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = good_udp(b);
	b[0] = 0x44;
	/* a checksum that verifies over the 16 bytes IHL 4 covers */
	wr16(b + 10, 0);
	wr16(b + 10, ~word_sum(b, 16, 0) & 0xffff);
	expect_early_drop(b, n, NFU_DROP_IP_IHL);
	scene_down();
}

static void test_bad_header_checksum(void)
{
	uint8_t b[64];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = good_udp(b);
	b[10] ^= 0x01;
	expect_early_drop(b, n, NFU_DROP_IP_CSUM);
	scene_down();
}

static void test_totlen_above_buffer(void)
{
	uint8_t b[64];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = good_udp(b);
	wr16(b + 2, (unsigned int)n + 1);
	ip_fix_csum(b);
	expect_early_drop(b, n, NFU_DROP_IP_TOTLEN);
	scene_down();
}

static void test_totlen_below_ihl(void)
{
	uint8_t b[64];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = good_udp(b);
	wr16(b + 2, 19);
	ip_fix_csum(b);
	expect_early_drop(b, n, NFU_DROP_IP_TOTLEN);
	scene_down();
}

/* A frame that is not IPv4 (an ARP ethertype) never reaches IPv4. */
static void test_not_ipv4(void)
{
	uint8_t f[60] = { 0 };

	REQUIRE(scene_up(NULL));
	memcpy(f, MAC_E0, 6);
	memcpy(f + 6, MAC_A, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	CHECK_INT(nfu_rx(sc.net, E0, f, sizeof(f)), 0);
	CHECK_STR(sc.trace, "");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_NOT_IPV4), 1);
	scene_down();
}

/* eth_type_trans() marks a frame to another unicast MAC PACKET_OTHERHOST
 * and ip_rcv_core() drops it first thing: even a packet to the host's own
 * address is not seen by PRE_ROUTING. */
static void test_otherhost_mac(void)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0x99, 0x99 };
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = build_echo(b, IP_A, IP_E0, 1, 1, 8);
	CHECK_INT(scene_rx_frame(E0, other, b, n, 0), 0);
	n = good_udp(b);
	CHECK_INT(scene_rx_frame(E0, other, b, n, 0), 0);
	CHECK_STR(sc.trace, "");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_OTHERHOST), 2);
	scene_down();
}

/* A 28-byte datagram in a frame padded to Ethernet's 60 bytes: the
 * padding is trimmed before PRE_ROUTING (pskb_trim_rcsum) and the
 * forwarded packet is the IP total length, not 46 bytes. */
static void test_padding_trimmed(void)
{
	uint8_t b[64], want[64];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = build_udp(b, IP_A, IP_B, 40000, 9, 0);
	CHECK_INT(n, 28);
	CHECK_INT(scene_rx_frame(E0, MAC_E0, b, n, 60), 0);
	CHECK_STR(sc.trace, "PFS");
	CHECK_INT(sc.seen_len[NFU_INET_PRE_ROUTING], 28);
	CHECK_INT(sc.seen_len[NFU_INET_POST_ROUTING], 28);
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	CHECK_INT(sc.out[0].len, 14 + 28);
	memcpy(want, b, n);
	want[8]--;
	ip_fix_csum(want);
	CHECK_MEM(out_ip(0), want, n);
	CHECK(l4_csum_ok(out_ip(0)));
	scene_down();
}

/* ---- martians: dropped after PRE_ROUTING ---- */

/* 'src' -> 'dst' arriving on e0 (UDP, to a closed port, or forwarded):
 * PRE_ROUTING sees it, routing drops it for 'reason', nothing leaves and
 * no ICMP error is sent. */
static void expect_martian(uint32_t src, uint32_t dst,
			   enum nfu_drop_reason reason)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = build_udp(b, src, dst, 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "P");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], reason);
	CHECK_INT(drops_of(reason), 1);
	scene_down();
}

static void test_martian_src_multicast(void)
{
	expect_martian(A4(224, 1, 2, 3), IP_E0, NFU_DROP_MARTIAN_SOURCE);
	expect_martian(A4(239, 0, 0, 1), IP_B, NFU_DROP_MARTIAN_SOURCE);
}

static void test_martian_src_lbcast(void)
{
	expect_martian(A4(255, 255, 255, 255), IP_E0, NFU_DROP_MARTIAN_SOURCE);
	expect_martian(A4(255, 255, 255, 255), IP_B, NFU_DROP_MARTIAN_SOURCE);
}

/* 0.0.0.0 to a unicast address: martian source. */
static void test_martian_src_zero(void)
{
	expect_martian(A4(0, 0, 0, 0), IP_E0, NFU_DROP_MARTIAN_SOURCE);
	expect_martian(A4(0, 0, 0, 0), IP_B, NFU_DROP_MARTIAN_SOURCE);
}

/*
 * The rest of 0.0.0.0/8 is an ordinary source since Linux 5.3 ("Allow
 * 0.0.0.0/8 as a valid address range": ipv4_is_zeronet() became
 * 'addr == 0').  Linux 6.18 forwarded 0.1.2.3 > 10.0.1.2 (hooks P F S,
 * TTL 63 out of e1), and delivered 0.1.2.3 > 10.0.0.1 (P I O S).
 */
static void test_zeronet_src_not_martian(void)
{
	uint8_t b[128], want[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	n = build_udp(b, A4(0, 1, 2, 3), IP_B, 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	/* Linux 6.18: only 0.0.0.0 is a martian source since 5.3, 0.1.2.3
	 * is forwarded */
	CHECK_STR(sc.trace, "PFS");
	CHECK_INT(drops_of(NFU_DROP_MARTIAN_SOURCE), 0);
	CHECK_INT(sc.nout, 1);
	if (sc.nout == 1) {
		CHECK_FRAME(0, E1, MAC_B);
		memcpy(want, b, n);
		want[8]--;
		ip_fix_csum(want);
		CHECK_MEM(out_ip(0), want, n);
	}
	scene_down();

	/* to the host: delivered, and the port unreachable goes back by the
	 * default route (Linux: out of e1 from 10.0.0.1, hooks P I O S) */
	REQUIRE(scene_up("ip route add default via 10.0.1.2\n"));
	n = build_udp(b, A4(0, 1, 2, 3), IP_E0, 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PIOS");
	REQUIRE(sc.nout == 1);
	check_icmp_error(0, E1, MAC_B, IP_E0, A4(0, 1, 2, 3), 3, 3, 0, 0xc0,
			 b, n);
	scene_down();
}

/* 0.0.0.0 to the limited broadcast is not martian (a DHCP client): it is
 * delivered, and UDP to a closed port sends nothing about a broadcast. */
static void test_zero_src_to_lbcast_accepted(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, 0, A4(255, 255, 255, 255), 68, 67, 16);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	CHECK_STR(sc.trace, "PI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_MARTIAN_SOURCE), 0);
	CHECK_INT(drops_of(NFU_DROP_NO_RESPONDER), 1);
	scene_down();
}

static void test_martian_src_loopback(void)
{
	expect_martian(A4(127, 0, 0, 1), IP_E0, NFU_DROP_MARTIAN_SOURCE);
	expect_martian(A4(127, 9, 9, 9), IP_B, NFU_DROP_MARTIAN_SOURCE);
}

/* A source that is one of the host's addresses (of either device) is
 * martian whether the packet is for the host or forwarded. */
static void test_martian_src_own_address(void)
{
	expect_martian(IP_E0, IP_E0, NFU_DROP_MARTIAN_SOURCE);
	expect_martian(IP_E1, IP_E0, NFU_DROP_MARTIAN_SOURCE);
	expect_martian(IP_E0, IP_B, NFU_DROP_MARTIAN_SOURCE);
	expect_martian(IP_E1, IP_B, NFU_DROP_MARTIAN_SOURCE);
}

/* Multicast: the all-hosts group is delivered (UDP to it answered by no
 * one), a group no one joined is dropped after PRE_ROUTING. */
static void test_multicast_groups(void)
{
	static const uint8_t mac2[6] = { 0x01, 0x00, 0x5e, 0, 0, 0x02 };
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_A, A4(224, 0, 0, 1), 40000, 9, 10);
	CHECK_INT(scene_rx_frame(E0, MAC_ALLHOSTS, b, n, 0), 0);
	CHECK_STR(sc.trace, "PI");
	scene_clear();
	n = build_udp(b, IP_A, A4(224, 0, 0, 2), 40000, 9, 10);
	CHECK_INT(scene_rx_frame(E0, mac2, b, n, 0), 0);
	CHECK_STR(sc.trace, "P");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 1);
	scene_down();
}

static void test_martian_dst_loopback(void)
{
	expect_martian(IP_A, A4(127, 0, 0, 1), NFU_DROP_MARTIAN_DEST);
	expect_martian(IP_A, A4(127, 1, 2, 3), NFU_DROP_MARTIAN_DEST);
}

static void test_martian_dst_zero(void)
{
	expect_martian(IP_A, A4(0, 0, 0, 0), NFU_DROP_MARTIAN_DEST);
}

/* A destination in 0.0.0.0/8 other than 0.0.0.0 is routed as any other
 * since Linux 5.3: Linux 6.18 forwarded 10.0.0.2 > 0.1.2.3 by a default
 * route (hooks P F S), and without one answered net unreachable (P O S). */
static void test_zeronet_dst_routed(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"
			 "ip route add default via 10.0.1.2\n"));
	n = build_udp(b, IP_A, A4(0, 1, 2, 3), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	/* Linux 6.18: only 0.0.0.0 is a martian destination */
	CHECK_STR(sc.trace, "PFS");
	CHECK_INT(drops_of(NFU_DROP_MARTIAN_DEST), 0);
	CHECK_INT(sc.nout, 1);
	if (sc.nout == 1) {
		CHECK_FRAME(0, E1, MAC_B);
		CHECK_INT(out_ip(0)[8], 63);
	}
	scene_down();

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "POS");
	REQUIRE(sc.nout == 1);
	check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, 0, 0, 0xc0, b, n);
	scene_down();
}

/* route_localnet=1 on the input device lets 127/8 in: delivered (lo
 * holds 127.0.0.1), and the UDP port unreachable goes back to A. */
static void test_route_localnet(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.conf.e0.route_localnet=1\n"));
	n = build_udp(b, IP_A, A4(127, 0, 0, 1), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PIOS");
	CHECK_INT(drops_of(NFU_DROP_MARTIAN_DEST), 0);
	REQUIRE(sc.nout == 1);
	check_icmp_error(0, E0, MAC_A, A4(127, 0, 0, 1), IP_A, 3, 3, 0, 0xc0,
			 b, n);
	scene_down();
}

/* ---- reverse path filter ---- */

/*
 * An echo request from 192.168.1.1 arriving on e0, while the route back
 * to 192.168.0.0/16 is via e1: a spoofed source on the wrong interface.
 * 'sysctls' are set first; 'accepted' says whether the host must answer
 * (out of e1, to the gateway's MAC) or drop it after PRE_ROUTING for
 * rp_filter.
 */
static void expect_rpf(const char *sysctls, uint32_t src, bool accepted)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(sysctls));
	n = build_echo(b, src, IP_E0, 0x77, 1, 24);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (accepted) {
		CHECK_STR(sc.trace, "PIOS");
		CHECK_INT(drops_of(NFU_DROP_RP_FILTER), 0);
		REQUIRE(sc.nout == 1);
		CHECK_FRAME(0, E1, MAC_B);
		CHECK_INT(out_ip(0)[20], 0); /* echo reply */
		CHECK_INT(rd32(out_ip(0) + 12), IP_E0);
		CHECK_INT(rd32(out_ip(0) + 16), src);
	} else {
		CHECK_STR(sc.trace, "P");
		CHECK_INT(sc.nout, 0);
		CHECK_INT(sc.ndrops, 1);
		CHECK_INT(sc.drops[0], NFU_DROP_RP_FILTER);
		CHECK_INT(drops_of(NFU_DROP_RP_FILTER), 1);
	}
	scene_down();
}

#define SPOOF A4(192, 168, 1, 1)

static void test_rpf_off_accepts_spoofed(void)
{
	expect_rpf("sysctl -w net.ipv4.conf.all.rp_filter=0\n"
		   "sysctl -w net.ipv4.conf.e0.rp_filter=0\n",
		   SPOOF, true);
}

static void test_rpf_strict_drops_spoofed(void)
{
	expect_rpf("sysctl -w net.ipv4.conf.e0.rp_filter=1\n", SPOOF, false);
}

/* Strict mode accepts a source whose route back is the input device. */
static void test_rpf_strict_accepts_right_interface(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.conf.all.rp_filter=1\n"
			 "sysctl -w net.ipv4.conf.e0.rp_filter=1\n"
			 "sysctl -w net.ipv4.conf.e1.rp_filter=1\n"));
	n = build_echo(b, IP_A, IP_E0, 0x77, 1, 24);
	CHECK_INT(scene_rx(E0, b, n), 0);
	n = build_echo(b, SPOOF, IP_E1, 0x77, 2, 24);
	CHECK_INT(scene_rx(E1, b, n), 0);
	CHECK_STR(sc.trace, "PIOSPIOS");
	CHECK_INT(sc.nout, 2);
	CHECK_INT(drops_of(NFU_DROP_RP_FILTER), 0);
	scene_down();
}

/* Loose mode: any route back will do, whatever its device. */
static void test_rpf_loose_accepts_spoofed(void)
{
	expect_rpf("sysctl -w net.ipv4.conf.e0.rp_filter=2\n", SPOOF, true);
}

/* Loose mode with no route back at all (no default route): dropped. */
static void test_rpf_loose_drops_unroutable(void)
{
	expect_rpf("sysctl -w net.ipv4.conf.e0.rp_filter=2\n",
		   A4(172, 16, 0, 1), false);
}

/* With rp_filter off, a source with no route back is accepted; the reply
 * has no route either and is not sent. */
static void test_rpf_off_unroutable(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_echo(b, A4(172, 16, 0, 1), IP_E0, 0x77, 1, 24);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_RP_FILTER), 0);
	scene_down();
}

/* The effective value is max(conf.all, conf.DEV). */
static void test_rpf_max_rule(void)
{
	/* all=1, e0=0: strict */
	expect_rpf("sysctl -w net.ipv4.conf.all.rp_filter=1\n"
		   "sysctl -w net.ipv4.conf.e0.rp_filter=0\n",
		   SPOOF, false);
	/* all=0, e0=1: strict */
	expect_rpf("sysctl -w net.ipv4.conf.all.rp_filter=0\n"
		   "sysctl -w net.ipv4.conf.e0.rp_filter=1\n",
		   SPOOF, false);
	/* all=2, e0=1: loose */
	expect_rpf("sysctl -w net.ipv4.conf.all.rp_filter=2\n"
		   "sysctl -w net.ipv4.conf.e0.rp_filter=1\n",
		   SPOOF, true);
	/* all=1, e0=2: loose */
	expect_rpf("sysctl -w net.ipv4.conf.all.rp_filter=1\n"
		   "sysctl -w net.ipv4.conf.e0.rp_filter=2\n",
		   SPOOF, true);
	/* all=0, e1=1: e0 is what counts: off */
	expect_rpf("sysctl -w net.ipv4.conf.e1.rp_filter=1\n", SPOOF, true);
}

/*
 * The route back is an unreachable route: fib_lookup() fails for it, so
 * fib_validate_source() takes its "last resort", which refuses with
 * -EXDEV when rp_filter is on: an rp_filter drop, for 1 and 2 alike
 * (Linux 6.18: TcpExtIPReversePathFilter 1, hooks P only).  With
 * rp_filter off the packet is accepted.
 */
static void test_rpf_unreachable_route_back(void)
{
	/* an unreachable, prohibit or blackhole route back counts as an
	 * rp_filter drop, not a martian source */
	expect_rpf("ip route add unreachable 172.16.0.0/16\n"
		   "sysctl -w net.ipv4.conf.e0.rp_filter=2\n",
		   A4(172, 16, 0, 1), false);
	expect_rpf("ip route add unreachable 172.16.0.0/16\n"
		   "sysctl -w net.ipv4.conf.e0.rp_filter=1\n",
		   A4(172, 16, 0, 1), false);
}

/*
 * rp_filter off, forwarded back out of the input device (so that
 * send_redirects makes fib_validate_source() do its full check), from a
 * source under an unreachable route: the failed lookup is the "last
 * resort", which accepts when rp_filter is off.  Linux 6.18 forwarded
 * 172.16.0.1 > 10.0.0.20 out of e0 (P F S), without a redirect.
 */
static void test_rpf_off_unreachable_route_back_same_device(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"
			 "ip route add unreachable 172.16.0.0/16\n"
			 "ip neigh add 10.0.0.20 lladdr 02:00:00:00:aa:20"
			 " dev e0\n"));
	n = build_udp(b, A4(172, 16, 0, 1), A4(10, 0, 0, 20), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	/* Linux's fib_lookup() fails on the unreachable route back and
	 * "last_resort" accepts with rp_filter off */
	CHECK_STR(sc.trace, "PFS");
	CHECK_INT(drops_of(NFU_DROP_MARTIAN_SOURCE), 0);
	CHECK_INT(sc.nout, 1);
	if (sc.nout == 1) {
		CHECK_INT(sc.out[0].ifindex, E0);
		CHECK_INT(out_ip(0)[8], 63);
	}
	scene_down();
}

/* A forwarded packet is checked as well: A's spoofed packet to B is
 * dropped by strict mode, forwarded by loose mode. */
static void test_rpf_forwarded(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"
			 "sysctl -w net.ipv4.conf.e0.rp_filter=1\n"));
	n = build_udp(b, SPOOF, IP_B, 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "P");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_RP_FILTER), 1);
	scene_sysctl("net.ipv4.conf.e0.rp_filter", "2");
	scene_clear();
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PFS");
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	scene_down();
}

int main(void)
{
	RUN(test_short_packet);
	RUN(test_short_for_ihl);
	RUN(test_version_not_4);
	RUN(test_ihl_below_5);
	RUN(test_bad_header_checksum);
	RUN(test_totlen_above_buffer);
	RUN(test_totlen_below_ihl);
	RUN(test_not_ipv4);
	RUN(test_otherhost_mac);
	RUN(test_padding_trimmed);
	RUN(test_martian_src_multicast);
	RUN(test_martian_src_lbcast);
	RUN(test_martian_src_zero);
	RUN(test_zeronet_src_not_martian);
	RUN(test_zero_src_to_lbcast_accepted);
	RUN(test_martian_src_loopback);
	RUN(test_martian_src_own_address);
	RUN(test_multicast_groups);
	RUN(test_martian_dst_loopback);
	RUN(test_martian_dst_zero);
	RUN(test_zeronet_dst_routed);
	RUN(test_route_localnet);
	RUN(test_rpf_off_accepts_spoofed);
	RUN(test_rpf_strict_drops_spoofed);
	RUN(test_rpf_strict_accepts_right_interface);
	RUN(test_rpf_loose_accepts_spoofed);
	RUN(test_rpf_loose_drops_unroutable);
	RUN(test_rpf_off_unroutable);
	RUN(test_rpf_max_rule);
	RUN(test_rpf_unreachable_route_back);
	RUN(test_rpf_off_unreachable_route_back_same_device);
	RUN(test_rpf_forwarded);
	scene_down();
	return harness_done();
}
