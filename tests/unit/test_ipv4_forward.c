/* SPDX-License-Identifier: MIT */
/*
 * test_ipv4_forward.c - forwarding (ip_forward: TTL, MTU, the FORWARD and
 * POST_ROUTING hooks, fragmentation on output), the ICMP errors of a router
 * (time exceeded, fragmentation needed, ip_error's net/host unreachable and
 * packet filtered), and packets the host itself sends with nfu_send_ip()
 * (LOCAL_OUT, POST_ROUTING, the neighbour's MAC).  The scene is
 * ipv4_scene.h; each expectation about a router was checked on Linux 6.18
 * in the same scene.
 */
#include <errno.h>

#include "ipv4_scene.h"

static const char fwd_on[] = "sysctl -w net.ipv4.ip_forward=1\n";

/* 'want' is 'in' as forwarded: TTL one less, header checksum redone. */
static void expect_forwarded_copy(const uint8_t *in, size_t n, uint8_t *want)
{
	memcpy(want, in, n);
	want[8]--;
	ip_fix_csum(want);
}

/* ---- ip_forward off ---- */

/* A host (ip_forward=0) drops a packet that is not for it after
 * PRE_ROUTING and says nothing: ip_error() sends no ICMP when the input
 * device does not forward. */
static void test_forward_off(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up("ip route add unreachable 172.17.0.0/16\n"
			 "ip route add prohibit 172.18.0.0/16\n"));
	n = build_udp(b, IP_A, IP_B, 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "P");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], NFU_DROP_FORWARDING_OFF);
	/* no route, unreachable and prohibit routes alike */
	n = build_udp(b, IP_A, A4(172, 16, 0, 1), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	n = build_udp(b, IP_A, A4(172, 17, 0, 1), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	n = build_udp(b, IP_A, A4(172, 18, 0, 1), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PPPP");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_FORWARDING_OFF), 4);
	scene_down();
}

/* ---- forwarding ---- */

static void test_forward_on(void)
{
	uint8_t b[128], want[128];
	struct nfu_stats st;
	size_t n;

	REQUIRE(scene_up(fwd_on));
	n = build_udp(b, IP_A, IP_B, 40000, 9, 16);
	b[1] = 0x2b; /* TOS and ECN are left alone */
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PFS");
	CHECK_INT(sc.ndrops, 0);
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	CHECK_INT(sc.out[0].len, 14 + n);
	CHECK_INT(out_ip(0)[8], 63);
	CHECK(ip_csum_ok(out_ip(0)));
	expect_forwarded_copy(b, n, want);
	CHECK_MEM(out_ip(0), want, n);
	nfu_net_get_stats(sc.net, &st);
	CHECK_INT(st.forwarded, 1);
	CHECK_INT(st.in_delivers, 0);
	CHECK_INT(st.tx, 1);
	scene_down();
}

/* The incremental checksum update is right for every TTL, including the
 * carries around 0x0000/0xffff: the header is checked from scratch. */
static void test_forward_ttl_checksums(void)
{
	uint8_t b[128], want[128];
	size_t n;

	REQUIRE(scene_up(fwd_on));
	for (unsigned int ttl = 2; ttl <= 255; ttl++) {
		for (unsigned int id = 0; id < 0x10000; id += 0x1111) {
			n = build_udp(b, IP_A, IP_B, 40000, 9, 4);
			b[8] = (uint8_t)ttl;
			wr16(b + 4, id);
			ip_fix_csum(b);
			scene_clear();
			CHECK_INT(scene_rx(E0, b, n), 0);
			if (sc.nout != 1) {
				HARNESS_FAIL("ttl %u id %#x: %u frames", ttl,
					     id, sc.nout);
				continue;
			}
			expect_forwarded_copy(b, n, want);
			if (memcmp(out_ip(0), want, n) ||
			    !ip_csum_ok(out_ip(0)))
				HARNESS_FAIL("ttl %u id %#x: wrong header", ttl,
					     id);
		}
	}
	scene_down();
}

/* Through the gateway of 192.168.0.0/16: the gateway's MAC. */
static void test_forward_via_gateway(void)
{
	uint8_t b[128], want[128];
	size_t n;

	REQUIRE(scene_up(fwd_on));
	n = build_tcp(b, IP_A, A4(192, 168, 5, 5), 40000, 80, 1, 0, TH_SYN, 0);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PFS");
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	expect_forwarded_copy(b, n, want);
	CHECK_MEM(out_ip(0), want, n);
	scene_down();
}

/* ip_forward() drops what did not come to the host's MAC (here a unicast
 * IP packet in a link-layer broadcast) before FORWARD, silently. */
static void test_forward_l2_broadcast_not_forwarded(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(fwd_on));
	n = build_udp(b, IP_A, IP_B, 40000, 9, 16);
	CHECK_INT(scene_rx_frame(E0, MAC_BCAST, b, n, 0), 0);
	CHECK_STR(sc.trace, "P");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(sc.ndrops, 1);
	scene_down();
}

/* The directed broadcast of the other network is delivered to the host
 * (bc_forwarding is off), not forwarded; UDP to it is answered by no
 * one. */
static void test_forward_directed_broadcast(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(fwd_on));
	n = build_udp(b, IP_A, A4(10, 0, 1, 255), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PI");
	CHECK_INT(sc.nout, 0);
	scene_down();
}

/* TTL 1 (and 0): time exceeded from the input side's address, about the
 * packet as received, before FORWARD. */
static void test_forward_ttl_exceeded(void)
{
	uint8_t b[128];
	size_t n;

	for (unsigned int ttl = 0; ttl <= 1; ttl++) {
		REQUIRE(scene_up(fwd_on));
		n = build_udp(b, IP_A, IP_B, 40000, 9, 16);
		b[8] = (uint8_t)ttl;
		ip_fix_csum(b);
		CHECK_INT(scene_rx(E0, b, n), 0);
		CHECK_STR(sc.trace, "POS");
		REQUIRE(sc.nout == 1);
		check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 11, 0, 0, 0xc0, b,
				 n);
		CHECK_INT(out_ip(0)[28 + 8], ttl); /* the quote's TTL */
		CHECK_INT(sc.ndrops, 1);
		CHECK_INT(sc.drops[0], NFU_DROP_TTL_EXCEEDED);
		scene_down();
	}
}

/* The error about a forwarded packet comes from the preferred source of
 * the route back to its sender (here through e1: 10.0.1.1), not from the
 * device it came in by; icmp_errors_use_inbound_ifaddr=1 makes it the
 * input device's address (10.0.0.1), as Linux 6.18 did. */
static void test_forward_error_source(void)
{
	uint8_t b[128];
	size_t n;

	for (int inbound = 0; inbound <= 1; inbound++) {
		REQUIRE(scene_up(inbound ? "sysctl -w net.ipv4.ip_forward=1\n"
					   "sysctl -w net.ipv4."
					   "icmp_errors_use_inbound_ifaddr=1\n"
					 : fwd_on));
		n = build_udp(b, A4(192, 168, 1, 9), IP_B, 40000, 9, 10);
		b[8] = 1;
		ip_fix_csum(b);
		CHECK_INT(scene_rx(E0, b, n), 0);
		CHECK_STR(sc.trace, "POS");
		REQUIRE(sc.nout == 1);
		check_icmp_error(0, E1, MAC_B, inbound ? IP_E0 : IP_E1,
				 A4(192, 168, 1, 9), 11, 0, 0, 0xc0, b, n);
		scene_down();
	}
}

/* Forwarding is decided by the input device's conf.DEV.forwarding:
 * ip_forward=1 then conf.e0.forwarding=0 stops what comes in on e0
 * (silently, even with no route) but not what comes in on e1. */
static void test_forward_per_device(void)
{
	uint8_t b[128], want[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"
			 "sysctl -w net.ipv4.conf.e0.forwarding=0\n"));
	n = build_udp(b, IP_A, IP_B, 40000, 9, 10);
	CHECK_INT(scene_rx(E0, b, n), 0);
	n = build_udp(b, IP_A, A4(172, 16, 0, 1), 40000, 9, 10);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PP");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_FORWARDING_OFF), 2);
	scene_clear();
	n = build_udp(b, IP_B, IP_A, 40000, 9, 10);
	CHECK_INT(scene_rx(E1, b, n), 0);
	CHECK_STR(sc.trace, "PFS");
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E0, MAC_A);
	expect_forwarded_copy(b, n, want);
	CHECK_MEM(out_ip(0), want, n);
	scene_down();
}

/* DF and larger than e1's MTU of 1000: fragmentation needed with the MTU
 * in the low half of the word after the checksum, the quote cut at 576
 * bytes, before FORWARD.  A DF packet of exactly the MTU goes through. */
static void test_forward_frag_needed(void)
{
	static uint8_t b[1500], want[1500];
	size_t n;

	REQUIRE(scene_up(fwd_on));
	CHECK_INT(dev_mtu(E1, 1000), 0);
	n = build_udp(b, IP_A, IP_B, 40000, 9, 1172);
	CHECK_INT(n, 1200);
	wr16(b + 6, 0x4000);
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "POS");
	REQUIRE(sc.nout == 1);
	check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, 4, 1000, 0xc0, b, n);
	CHECK_INT(rd16(out_ip(0) + 2), 576);
	CHECK_INT(drops_of(NFU_DROP_FRAG_NEEDED), 1);

	scene_clear();
	n = build_udp(b, IP_A, IP_B, 40000, 9, 972);
	wr16(b + 6, 0x4000);
	ip_fix_csum(b);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PFS");
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	expect_forwarded_copy(b, n, want);
	CHECK_MEM(out_ip(0), want, n);
	scene_down();
}

/* Without DF: fragments after POST_ROUTING (which sees the datagram
 * once), 996 + 224 bytes for 1200 over MTU 1000, as Linux sends them. */
static void test_forward_fragments(void)
{
	static uint8_t b[1500], whole[1500];
	struct nfu_stats st;
	size_t n;

	REQUIRE(scene_up(fwd_on));
	CHECK_INT(dev_mtu(E1, 1000), 0);
	n = build_udp(b, IP_A, IP_B, 40000, 9, 1172);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PFS");
	CHECK_INT(sc.seen_len[NFU_INET_POST_ROUTING], 1200);
	REQUIRE(sc.nout == 2);
	CHECK_FRAME(0, E1, MAC_B);
	CHECK_FRAME(1, E1, MAC_B);
	CHECK_INT(rd16(out_ip(0) + 2), 996);
	CHECK_INT(rd16(out_ip(1) + 2), 224);
	CHECK_INT(rd16(out_ip(0) + 6), 0x2000);       /* MF, offset 0 */
	CHECK_INT(rd16(out_ip(1) + 6), 976 / 8);      /* last, offset 976 */
	for (unsigned int i = 0; i < 2; i++) {
		const uint8_t *f = out_ip(i);
		CHECK_INT(f[0], 0x45);
		CHECK_INT(rd16(f + 4), 0x1234);
		CHECK_INT(f[8], 63);
		CHECK_INT(f[9], 17);
		CHECK_MEM(f + 12, b + 12, 8);
	}
	/* the payloads put back together are the original's */
	memcpy(whole, out_ip(0) + 20, 976);
	memcpy(whole + 976, out_ip(1) + 20, 204);
	CHECK_MEM(whole, b + 20, 1180);
	nfu_net_get_stats(sc.net, &st);
	CHECK_INT(st.frag_oks, 1);
	CHECK_INT(st.frag_creates, 2);
	CHECK_INT(st.forwarded, 1);
	scene_down();
}

/* ip_error(): no route with forwarding on: net unreachable. */
static void test_forward_no_route(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(fwd_on));
	n = build_udp(b, IP_A, A4(172, 16, 0, 1), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "POS");
	REQUIRE(sc.nout == 1);
	check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, 0, 0, 0xc0, b, n);
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], NFU_DROP_NO_ROUTE);
	scene_down();
}

/* A route of type 'type' (topology word) for 172.17.0.0/16: the ICMP
 * code it gives ('code' < 0: none at all) and the drop reason. */
static void expect_reject_route(const char *type, int code,
				enum nfu_drop_reason reason)
{
	char topo[256];
	uint8_t b[128];
	size_t n;

	snprintf(topo, sizeof(topo), "%sip route add %s 172.17.0.0/16\n",
		 fwd_on, type);
	REQUIRE(scene_up(topo));
	n = build_udp(b, IP_A, A4(172, 17, 0, 1), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	if (code < 0) {
		CHECK_STR(sc.trace, "P");
		CHECK_INT(sc.nout, 0);
	} else {
		CHECK_STR(sc.trace, "POS");
		REQUIRE(sc.nout == 1);
		check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 3, (uint8_t)code,
				 0, 0xc0, b, n);
	}
	CHECK_INT(sc.ndrops, 1);
	CHECK_INT(sc.drops[0], reason);
	scene_down();
}

static void test_forward_unreachable_route(void)
{
	expect_reject_route("unreachable", 1, NFU_DROP_UNREACHABLE);
}

static void test_forward_prohibit_route(void)
{
	expect_reject_route("prohibit", 13, NFU_DROP_UNREACHABLE);
}

static void test_forward_blackhole_route(void)
{
	expect_reject_route("blackhole", -1, NFU_DROP_BLACKHOLE);
}

/*
 * ip_error() has its own limit (1 s of tokens per message, 5 s of burst)
 * in the source's peer entry, and icmp_send() then takes 1 s from the same
 * tokens: of 10 packets with no route at one instant, 2 get an answer.
 * Linux 6.18 sent exactly 2 (IcmpOutRateLimitHost 1).
 */
static void test_forward_no_route_ratelimit(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(fwd_on));
	nfu_net_set_time(sc.net, 7000000000ull);
	n = build_udp(b, IP_A, A4(172, 16, 0, 1), 40000, 9, 16);
	for (unsigned int i = 0; i < 10; i++)
		CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_INT(sc.nout, 2);
	CHECK_INT(drops_of(NFU_DROP_NO_ROUTE), 10);
	scene_down();
}

/*
 * Forwarded back out of the device it came in by, to a host on the same
 * network: Linux sends an ICMP host redirect (type 5 code 1, the better
 * gateway in the word after the checksum) to the source before FORWARD,
 * quoting the packet with its TTL already decremented, then forwards the
 * packet anyway (send_redirects defaults to 1).  Seen on Linux 6.18:
 *   10.0.0.1 > 10.0.0.2: ICMP redirect 10.0.0.20 to host 10.0.0.20
 *   then 10.0.0.2 > 10.0.0.20 TTL 63 out of e0; hooks P=1 F=1 O=1 S=2.
 */
static void test_forward_same_interface_redirect(void)
{
	uint8_t b[128], want[128];
	size_t n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"
			 "ip neigh add 10.0.0.20 lladdr 02:00:00:00:aa:20"
			 " dev e0\n"));
	n = build_udp(b, IP_A, A4(10, 0, 0, 20), 40000, 9, 16);
	CHECK_INT(scene_rx(E0, b, n), 0);
	expect_forwarded_copy(b, n, want);
	CHECK_STR(sc.trace, "POSFS");
	REQUIRE(sc.nout == 2);
	check_icmp_error(0, E0, MAC_A, IP_E0, IP_A, 5, 1, A4(10, 0, 0, 20),
			 0xc0, want, n);
	CHECK_INT(sc.out[1].ifindex, E0);
	CHECK_MEM(out_ip(1), want, n);
	scene_down();

	/* send_redirects is conf.all OR conf.DEV: both 0, no redirect */
	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"
			 "ip neigh add 10.0.0.20 lladdr 02:00:00:00:aa:20"
			 " dev e0\n"
			 "sysctl -w net.ipv4.conf.all.send_redirects=0\n"
			 "sysctl -w net.ipv4.conf.e0.send_redirects=0\n"));
	CHECK_INT(scene_rx(E0, b, n), 0);
	CHECK_STR(sc.trace, "PFS");
	REQUIRE(sc.nout == 1);
	CHECK_MEM(out_ip(0), want, n);
	scene_down();
}

/* ---- local output ---- */

/* nfu_send_ip() with a header whose checksum is garbage: it is recomputed;
 * the packet passes LOCAL_OUT and POST_ROUTING and leaves by e1 to the
 * neighbour's MAC. */
static void test_send_ip_routed(void)
{
	uint8_t b[128], want[128];
	struct nfu_stats st;
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_E1, IP_B, 5000, 9, 20);
	memcpy(want, b, n);
	wr16(b + 10, 0xdead);
	CHECK_INT(nfu_send_ip(sc.net, b, n), 0);
	CHECK_STR(sc.trace, "OS");
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	CHECK_MEM(out_ip(0), want, n);
	CHECK(l4_csum_ok(out_ip(0)));
	nfu_net_get_stats(sc.net, &st);
	CHECK_INT(st.out_requests, 1);
	CHECK_INT(st.tx, 1);
	CHECK_INT(st.neigh_unresolved, 0);
	scene_down();
}

static void test_send_ip_via_gateway(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_E1, A4(192, 168, 7, 7), 5000, 9, 20);
	CHECK_INT(nfu_send_ip(sc.net, b, n), 0);
	CHECK_STR(sc.trace, "OS");
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	CHECK_MEM(out_ip(0), b, n);
	scene_down();
}

/* No neighbour entry for 10.0.1.7: the frame leaves with a zero
 * destination MAC and the stack counts it. */
static void test_send_ip_no_neighbour(void)
{
	uint8_t b[128];
	struct nfu_stats st;
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_E1, A4(10, 0, 1, 7), 5000, 9, 20);
	CHECK_INT(nfu_send_ip(sc.net, b, n), 0);
	CHECK_STR(sc.trace, "OS");
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_ZERO);
	CHECK_MEM(out_ip(0), b, n);
	nfu_net_get_stats(sc.net, &st);
	CHECK_INT(st.neigh_unresolved, 1);
	CHECK_INT(st.tx, 1);
	scene_down();
}

/* A zero source gets the route's preferred source (e1's address). */
static void test_send_ip_zero_source(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_icmp(b, 0, IP_B, 8, 0, 0x00010001, NULL, 8);
	CHECK_INT(nfu_send_ip(sc.net, b, n), 0);
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	CHECK_INT(rd32(out_ip(0) + 12), IP_E1);
	CHECK(icmp_csum_ok(out_ip(0)));
	scene_down();
}

/* No route: -ENETUNREACH, nothing passes a hook (the route is looked up
 * before LOCAL_OUT, as for a Linux raw socket). */
static void test_send_ip_no_route(void)
{
	uint8_t b[128];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_E0, A4(172, 16, 0, 1), 5000, 9, 20);
	CHECK_INT(nfu_send_ip(sc.net, b, n), -ENETUNREACH);
	CHECK_STR(sc.trace, "");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_NO_ROUTE), 1);
	scene_down();
}

/* To the host's own address: through lo and back in (OUTPUT, POSTROUTING,
 * PREROUTING, INPUT), and the echo reply the same way; nothing leaves. */
static void test_send_ip_to_self(void)
{
	uint8_t b[128];
	struct nfu_stats st;
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_echo(b, IP_E0, IP_E1, 9, 1, 8);
	CHECK_INT(nfu_send_ip(sc.net, b, n), 0);
	CHECK_STR(sc.trace, "OSPIOSPI");
	CHECK_INT(sc.nout, 0);
	nfu_net_get_stats(sc.net, &st);
	CHECK_INT(st.in_delivers, 2);
	CHECK_INT(st.out_requests, 2);
	scene_down();
}

/* Larger than the device's MTU without DF: fragments after POST_ROUTING. */
static void test_send_ip_fragmented(void)
{
	static uint8_t b[2100];
	size_t n;

	REQUIRE(scene_up(NULL));
	n = build_udp(b, IP_E1, IP_B, 5000, 9, 1972);
	CHECK_INT(n, 2000);
	CHECK_INT(nfu_send_ip(sc.net, b, n), 0);
	CHECK_STR(sc.trace, "OS");
	REQUIRE(sc.nout == 2);
	CHECK_FRAME(0, E1, MAC_B);
	CHECK_FRAME(1, E1, MAC_B);
	CHECK_INT(rd16(out_ip(0) + 2), 1500);
	CHECK_INT(rd16(out_ip(1) + 2), 520);
	CHECK_INT(rd16(out_ip(0) + 6), 0x2000);
	CHECK_INT(rd16(out_ip(1) + 6), 1480 / 8);
	CHECK_MEM(out_ip(0) + 20, b + 20, 1480);
	CHECK_MEM(out_ip(1) + 20, b + 20 + 1480, 500);
	scene_down();
}

int main(void)
{
	RUN(test_forward_off);
	RUN(test_forward_on);
	RUN(test_forward_ttl_checksums);
	RUN(test_forward_via_gateway);
	RUN(test_forward_l2_broadcast_not_forwarded);
	RUN(test_forward_directed_broadcast);
	RUN(test_forward_ttl_exceeded);
	RUN(test_forward_error_source);
	RUN(test_forward_per_device);
	RUN(test_forward_frag_needed);
	RUN(test_forward_fragments);
	RUN(test_forward_no_route);
	RUN(test_forward_unreachable_route);
	RUN(test_forward_prohibit_route);
	RUN(test_forward_blackhole_route);
	RUN(test_forward_no_route_ratelimit);
	RUN(test_forward_same_interface_redirect);
	RUN(test_send_ip_routed);
	RUN(test_send_ip_via_gateway);
	RUN(test_send_ip_no_neighbour);
	RUN(test_send_ip_zero_source);
	RUN(test_send_ip_no_route);
	RUN(test_send_ip_to_self);
	RUN(test_send_ip_fragmented);
	scene_down();
	return harness_done();
}
