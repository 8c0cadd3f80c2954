/* SPDX-License-Identifier: MIT */
/*
 * test_nat.c - NAT (lib/nat): the choice of a connection's translated
 * tuple, the rewriting of its packets and their checksums, ICMP errors
 * about translated connections, the null binding, MASQUERADE's device.
 *
 * Each test builds the two-network host of ipv4_scene.h (A 10.0.0.2 on
 * e0, B 10.0.1.2 on e1, 192.168.0.0/16 via B, forwarding on), restores
 * a nat table with nfu_xt_restore(), feeds frames with nfu_rx() and
 * reads what leaves.  Every checksum that leaves is recomputed from
 * scratch with ipv4_scene.h's plain word sum, never with lib/nat's
 * arithmetic.
 *
 * The expectations are Linux 6.18's (nf_nat_core.c, nf_nat_proto.c,
 * nf_nat_masquerade.c).  The addresses a range's hash picks were
 * computed by hand from the definition of Bob Jenkins' lookup3
 * hashword() (Linux's jhash2(); a 40-line script, not lib/nat's code)
 * over the 16-byte source address with the destination (xor the zone)
 * as the initial value, or 0 when persistent, scaled as
 * reciprocal_scale() does; the conformance scenarios nat-snat-range and
 * nat-dnat show the kernel choosing the same way.  Where Linux draws a
 * random port, the tests check the class of ports it draws from.
 */
#include "conntrack/ct-private.h"
#include "ipv4_scene.h"
#include "nat/nat-private.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

#define NAT_HEAD                                                             \
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"              \
	":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"

#define C(a) A4(192, 168, 0, a) /* servers behind B */

/* Each protocol with ports (ids) to 10.0.1.1:6000. */
#define SNAT_6000                                                            \
	"-A POSTROUTING -o e1 -p tcp -j SNAT --to-source 10.0.1.1:6000\n"    \
	"-A POSTROUTING -o e1 -p udp -j SNAT --to-source 10.0.1.1:6000\n"    \
	"-A POSTROUTING -o e1 -p icmp -j SNAT --to-source 10.0.1.1:6000\n"

static bool up(void)
{
	return scene_up("sysctl -w net.ipv4.ip_forward=1\n");
}

static bool load(const char *text)
{
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_clone(nfu_xt_current(sc.net));
	struct nfu_error err = { 0 };

	if (!rs || nfu_xt_restore(rs, text, strlen(text), 0, NULL, &err) ||
	    nfu_xt_commit(sc.net, rs, &err)) {
		HARNESS_FAIL("load: %s", err.msg);
		nfu_xt_ruleset_free(rs);
		return false;
	}
	return true;
}

/* The host with forwarding and the nat table 'rules' (lines after the
 * chains, before COMMIT). */
static bool nat_up(const char *rules)
{
	char text[4096];

	if (!up())
		return false;
	snprintf(text, sizeof(text), NAT_HEAD "%sCOMMIT\n", rules);
	return load(text);
}

static struct nfu_ct_net *cn(void)
{
	return sc.net->ct;
}

/* The IP packet of the last frame that left, or NULL (a failure) when
 * none did since the last scene_clear(). */
static const uint8_t *last_out(int ifx)
{
	if (!sc.nout) {
		HARNESS_FAIL("nothing left the host (trace %s, %u drops, the "
			     "first %d)", sc.trace, sc.ndrops,
			     sc.ndrops ? (int)sc.drops[0] : -1);
		return NULL;
	}
	if (sc.out[sc.nout - 1].ifindex != ifx) {
		HARNESS_FAIL("the last frame left by %d, not %d",
			     sc.out[sc.nout - 1].ifindex, ifx);
		return NULL;
	}
	return out_ip(sc.nout - 1);
}

/* Every checksum of 'ip' right, recomputed from scratch: the header's,
 * and the transport's over the whole packet (a UDP checksum of 0 means
 * none). */
static bool sums_ok(const uint8_t *ip)
{
	unsigned int hl = ip_hlen(ip);

	if (!ip_csum_ok(ip))
		return false;
	switch (ip[9]) {
	case 6:
		return l4_csum_ok(ip);
	case 17:
		return rd16(ip + hl + 6) == 0 || l4_csum_ok(ip);
	case 1:
		return icmp_csum_ok(ip);
	default:
		return true;
	}
}

static void tcp_rx(int ifx, uint32_t s, uint32_t d, unsigned int sp,
		   unsigned int dp, uint8_t flags, size_t dlen)
{
	uint8_t p[1600];

	scene_rx(ifx, p, build_tcp(p, s, d, sp, dp, 1000, flags & TH_ACK ? 1 : 0,
				   flags, dlen));
}

static void udp_rx(int ifx, uint32_t s, uint32_t d, unsigned int sp,
		   unsigned int dp, size_t dlen)
{
	uint8_t p[1600];

	scene_rx(ifx, p, build_udp(p, s, d, sp, dp, dlen));
}

/* A UDP datagram with the payload 'data' and a checksum of 0 (none) when
 * 'nocsum'. */
static size_t build_udp_data(uint8_t *b, uint32_t s, uint32_t d,
			     unsigned int sp, unsigned int dp,
			     const uint8_t *data, size_t n, bool nocsum)
{
	uint8_t *u = b + 20;

	wr16(u, sp);
	wr16(u + 2, dp);
	wr16(u + 4, (unsigned int)(8 + n));
	wr16(u + 6, 0);
	memcpy(u + 8, data, n);
	build_ip(b, s, d, 17, 8 + n);
	if (!nocsum) {
		wr16(u + 6, ~word_sum(u, 8 + n,
				      pseudo_sum(b, (unsigned int)(8 + n))) &
				    0xffff);
		if (rd16(u + 6) == 0)
			wr16(u + 6, 0xffff);
	}
	return 20 + 8 + n;
}

/* The connection whose tuple (either direction) is this, or NULL. */
static struct nfu_ct *find(uint8_t proto, uint32_t s, uint32_t d,
			   unsigned int sp, unsigned int dp, unsigned int *dir)
{
	struct nfu_ct_tuple t = { 0 };

	t.src = __builtin_bswap32(s);
	t.dst = __builtin_bswap32(d);
	t.sport = __builtin_bswap16((uint16_t)sp);
	t.dport = __builtin_bswap16((uint16_t)dp);
	t.proto = proto;
	return nfu_ct_find(cn(), &t, 0, dir);
}

/*
 * The choice of the tuple.
 */

/* A free source port is kept; the address and both checksums are right. */
static void test_snat_keeps_free_port(void)
{
	const uint8_t *ip;
	struct nfu_ct *ct;
	unsigned int dir = 9;

	REQUIRE(nat_up("-A POSTROUTING -o e1 -j SNAT --to-source 10.0.1.1\n"));
	tcp_rx(E0, IP_A, C(5), 40000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(rd32(ip + 16), C(5));
	CHECK_INT(rd16(ip + 20), 40000);
	CHECK_INT(rd16(ip + 22), 80);
	CHECK(sums_ok(ip));
	/* the reply tuple is the translated one */
	ct = find(6, C(5), IP_E1, 80, 40000, &dir);
	REQUIRE(ct);
	CHECK_INT(dir, NFU_CT_DIR_REPLY);
	CHECK(ct->status & NFU_IPS_SRC_NAT);
	CHECK(ct->status & NFU_IPS_SRC_NAT_DONE);
	CHECK(ct->status & NFU_IPS_DST_NAT_DONE); /* PREROUTING's null binding */
	CHECK(!(ct->status & NFU_IPS_DST_NAT));
	/* the reply is translated back to A */
	scene_clear();
	tcp_rx(E1, C(5), IP_E1, 80, 40000, TH_SYN | TH_ACK, 0);
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), C(5));
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 22), 40000);
	CHECK(sums_ok(ip));
}

/* Clients behind one address, all with source port 'port' to the same
 * server: the first keeps it, the others move to distinct free ports of
 * [lo, hi] (Linux's classes 1-511, 600-1023, 1024-65535 without a port
 * range). */
static void clash_class(const char *rule, unsigned int port, unsigned int lo,
			unsigned int hi, unsigned int clients)
{
	unsigned int seen[32], n = 0;

	REQUIRE(clients <= 32);
	REQUIRE(nat_up(rule));
	for (unsigned int i = 0; i < clients; i++) {
		const uint8_t *ip;
		unsigned int p;

		scene_clear();
		tcp_rx(E0, A4(10, 0, 0, 10 + i), C(5), port, 80, TH_SYN, 0);
		ip = last_out(E1);
		REQUIRE(ip);
		CHECK(sums_ok(ip));
		p = rd16(ip + 20);
		if (i == 0) {
			CHECK_INT(p, port);
		} else {
			CHECK(p != port);
			if (p < lo || p > hi)
				HARNESS_FAIL("client %u: port %u out of %u-%u", i,
					     p, lo, hi);
		}
		for (unsigned int j = 0; j < n; j++)
			if (seen[j] == p)
				HARNESS_FAIL("port %u given twice", p);
		seen[n++] = p;
	}
	/* a reply to each port reaches its client with the port it used */
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *ip;

		scene_clear();
		tcp_rx(E1, C(5), IP_E1, 80, seen[i], TH_SYN | TH_ACK, 0);
		ip = last_out(E0);
		REQUIRE(ip);
		CHECK_INT(rd32(ip + 16), A4(10, 0, 0, 10 + i));
		CHECK_INT(rd16(ip + 22), port);
		CHECK(sums_ok(ip));
	}
}

static void test_clash_class_low(void)
{
	clash_class("-A POSTROUTING -o e1 -j SNAT --to-source 10.0.1.1\n", 80, 1,
		    511, 20);
}

static void test_clash_class_mid(void)
{
	clash_class("-A POSTROUTING -o e1 -j MASQUERADE\n", 700, 600, 1023, 20);
}

static void test_clash_class_high(void)
{
	clash_class("-A POSTROUTING -o e1 -j MASQUERADE\n", 5000, 1024, 65535,
		    20);
}

/* With a port range: the rule's range, whatever the original port; a
 * port in the range is kept when free. */
static void test_clash_rule_range(void)
{
	clash_class("-A POSTROUTING -o e1 -p tcp -j SNAT "
		    "--to-source 10.0.1.1:2000-2009\n",
		    2005, 2000, 2009, 10);
}

/* A range full: the clash is left to the confirm, which drops it. */
static void test_range_exhausted(void)
{
	REQUIRE(nat_up("-A POSTROUTING -o e1 -p tcp -j MASQUERADE "
		       "--to-ports 3000-3001\n"));
	tcp_rx(E0, A4(10, 0, 0, 10), C(5), 3000, 80, TH_SYN, 0);
	tcp_rx(E0, A4(10, 0, 0, 11), C(5), 3001, 80, TH_SYN, 0);
	CHECK_INT(sc.nout, 2);
	/* 10.0.0.12 finds 3000 and 3001 taken */
	tcp_rx(E0, A4(10, 0, 0, 12), C(5), 3000, 80, TH_SYN, 0);
	CHECK_INT(sc.nout, 2);
	CHECK(!find(6, A4(10, 0, 0, 12), C(5), 3000, 80, NULL));
	/* the same from another server is free again */
	tcp_rx(E0, A4(10, 0, 0, 12), C(6), 3000, 80, TH_SYN, 0);
	CHECK_INT(sc.nout, 3);
	CHECK(find(6, A4(10, 0, 0, 12), C(6), 3000, 80, NULL));
}

/* The address of a range: the hash of source and destination. */
struct hash_case {
	uint32_t src, dst, expect;
};

static void snat_addresses(const char *rule, const struct hash_case *cs,
			   size_t n, uint8_t proto)
{
	REQUIRE(nat_up(rule));
	for (size_t i = 0; i < n; i++) {
		const uint8_t *ip;

		scene_clear();
		if (proto == 17)
			udp_rx(E0, cs[i].src, cs[i].dst, 4000 + (unsigned int)i,
			       53, 8);
		else
			tcp_rx(E0, cs[i].src, cs[i].dst, 4000 + (unsigned int)i,
			       80, TH_SYN, 0);
		ip = last_out(E1);
		REQUIRE(ip);
		if (rd32(ip + 12) != cs[i].expect)
			HARNESS_FAIL("%zu: source %08x, expected %08x", i,
				     rd32(ip + 12), cs[i].expect);
		CHECK_INT(rd16(ip + 20), 4000 + i); /* free: kept */
		CHECK(sums_ok(ip));
	}
}

static void test_snat_range_hash(void)
{
	static const struct hash_case cs[] = {
		{ A4(10, 0, 0, 2), C(5), A4(10, 0, 1, 10) },
		{ A4(10, 0, 0, 2), C(6), A4(10, 0, 1, 11) },
		{ A4(10, 0, 0, 2), C(7), A4(10, 0, 1, 12) },
		{ A4(10, 0, 0, 3), C(6), A4(10, 0, 1, 13) },
		{ A4(10, 0, 0, 4), C(5), A4(10, 0, 1, 12) },
		{ A4(10, 0, 0, 4), C(7), A4(10, 0, 1, 10) },
		{ A4(10, 0, 0, 5), C(6), A4(10, 0, 1, 13) },
	};

	snat_addresses("-A POSTROUTING -o e1 -j SNAT "
		       "--to-source 10.0.1.10-10.0.1.13\n",
		       cs, sizeof(cs) / sizeof(cs[0]), 6);
}

/* A /24's worth: the scaling of the hash, not only its low bits. */
static void test_snat_wide_range_hash(void)
{
	static const struct hash_case cs[] = {
		{ A4(10, 0, 0, 2), C(5), A4(10, 0, 1, 30) },
		{ A4(10, 0, 0, 2), C(6), A4(10, 0, 1, 109) },
		{ A4(10, 0, 0, 3), C(6), A4(10, 0, 1, 194) },
		{ A4(10, 0, 0, 5), C(6), A4(10, 0, 1, 246) },
		{ A4(10, 0, 0, 4), C(7), A4(10, 0, 1, 36) },
	};

	snat_addresses("-A POSTROUTING -o e1 -p udp -j SNAT "
		       "--to-source 10.0.1.0-10.0.1.255\n",
		       cs, sizeof(cs) / sizeof(cs[0]), 17);
}

/* --persistent: the source alone decides (initval 0). */
static void test_snat_persistent(void)
{
	static const struct hash_case cs[] = {
		{ A4(10, 0, 0, 2), C(5), A4(10, 0, 1, 13) },
		{ A4(10, 0, 0, 2), C(6), A4(10, 0, 1, 13) },
		{ A4(10, 0, 0, 4), C(5), A4(10, 0, 1, 10) },
		{ A4(10, 0, 0, 4), C(7), A4(10, 0, 1, 10) },
		{ A4(10, 0, 0, 5), C(7), A4(10, 0, 1, 13) },
	};

	snat_addresses("-A POSTROUTING -o e1 -j SNAT "
		       "--to-source 10.0.1.10-10.0.1.13 --persistent\n",
		       cs, sizeof(cs) / sizeof(cs[0]), 6);
}

/* The zone is in the hash: the destination xor the zone's id. */
static void test_snat_zone_hash(void)
{
	static const struct hash_case cs[] = {
		{ A4(10, 0, 0, 2), C(5), A4(10, 0, 1, 12) },
		{ A4(10, 0, 0, 2), C(6), A4(10, 0, 1, 13) },
		{ A4(10, 0, 0, 3), C(6), A4(10, 0, 1, 10) },
		{ A4(10, 0, 0, 4), C(7), A4(10, 0, 1, 11) },
	};

	REQUIRE(up());
	REQUIRE(load("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A PREROUTING -i e0 -j CT --zone 5\nCOMMIT\n"));
	REQUIRE(load(NAT_HEAD "-A POSTROUTING -o e1 -j SNAT "
		     "--to-source 10.0.1.10-10.0.1.13\nCOMMIT\n"));
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		const uint8_t *ip;

		scene_clear();
		tcp_rx(E0, cs[i].src, cs[i].dst, 4000 + (unsigned int)i, 80,
		       TH_SYN, 0);
		ip = last_out(E1);
		REQUIRE(ip);
		if (rd32(ip + 12) != cs[i].expect)
			HARNESS_FAIL("%zu: source %08x, expected %08x", i,
				     rd32(ip + 12), cs[i].expect);
	}
}

/* find_appropriate_src(): a source already mapped keeps its mapping to
 * a new destination, where the hash would have chosen another address;
 * a new source port of the same client follows the hash. */
static void test_appropriate_src(void)
{
	const uint8_t *ip;

	REQUIRE(nat_up("-A POSTROUTING -o e1 -j SNAT "
		       "--to-source 10.0.1.10-10.0.1.13\n"));
	tcp_rx(E0, IP_A, C(5), 4000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 10));
	/* to C(6) the hash says .11: the mapping of A:4000 wins */
	scene_clear();
	tcp_rx(E0, IP_A, C(6), 4000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 10));
	CHECK_INT(rd16(ip + 20), 4000);
	CHECK(sums_ok(ip));
	/* UDP from the same address and port: another protocol, the hash */
	scene_clear();
	udp_rx(E0, IP_A, C(6), 4000, 80, 4);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 11));
	/* another port of A: the hash */
	scene_clear();
	tcp_rx(E0, IP_A, C(6), 4001, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 11));
}

/* find_appropriate_src() with a port range: a mapping kept only when
 * it is in the rule's range. */
static void test_appropriate_src_port_range(void)
{
	const uint8_t *ip;

	REQUIRE(nat_up("-A POSTROUTING -o e1 -p tcp -d 192.168.0.5 -j SNAT "
		       "--to-source 10.0.1.10-10.0.1.13:2000\n"
		       "-A POSTROUTING -o e1 -p tcp -j SNAT "
		       "--to-source 10.0.1.10-10.0.1.13:3000\n"));
	tcp_rx(E0, IP_A, C(5), 4000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 10));
	CHECK_INT(rd16(ip + 20), 2000);
	/* to C(6): 10.0.1.10:2000 is not in the rule's range (port 3000):
	 * the hash's .11 with 3000 */
	scene_clear();
	tcp_rx(E0, IP_A, C(6), 4000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 11));
	CHECK_INT(rd16(ip + 20), 3000);
	CHECK(sums_ok(ip));
}

/* DNAT to a range: the hash of the client and the original destination;
 * the destination port is kept without a port range, even when the
 * tuple is taken (the confirm drops it). */
static void test_dnat_range_keeps_port(void)
{
	static const struct {
		uint32_t src, expect;
	} cs[] = {
		{ C(5), A4(10, 0, 0, 21) },
		{ C(6), A4(10, 0, 0, 22) },
		{ C(7), A4(10, 0, 0, 23) },
		{ A4(192, 168, 3, 9), A4(10, 0, 0, 21) },
	};

	REQUIRE(nat_up("-A PREROUTING -i e1 -d 10.0.1.1 -p tcp -j DNAT "
		       "--to-destination 10.0.0.20-10.0.0.23\n"));
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		const uint8_t *ip;

		scene_clear();
		tcp_rx(E1, cs[i].src, IP_E1, 5555, 8080, TH_SYN, 0);
		ip = last_out(E0);
		REQUIRE(ip);
		CHECK_INT(rd32(ip + 12), cs[i].src);
		if (rd32(ip + 16) != cs[i].expect)
			HARNESS_FAIL("%zu: destination %08x, expected %08x", i,
				     rd32(ip + 16), cs[i].expect);
		CHECK_INT(rd16(ip + 20), 5555);
		CHECK_INT(rd16(ip + 22), 8080);
		CHECK(sums_ok(ip));
	}
}

static void test_dnat_persistent_and_ports(void)
{
	const uint8_t *ip;

	REQUIRE(nat_up("-A PREROUTING -i e1 -p tcp --dport 443 -j DNAT "
		       "--to-destination 10.0.0.20-10.0.0.23 --persistent\n"
		       "-A PREROUTING -i e1 -p udp --dport 5000:5009 -j DNAT "
		       "--to-destination 10.0.0.9:6000-6009\n"
		       "-A PREROUTING -i e1 -p udp --dport 7000:7009 -j DNAT "
		       "--to-destination 10.0.0.9:8000-8009/7000\n"));
	tcp_rx(E1, C(6), IP_E1, 5555, 443, TH_SYN, 0);
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 16), A4(10, 0, 0, 23));
	/* a destination's port search starts at the range's first port */
	scene_clear();
	udp_rx(E1, C(6), IP_E1, 5555, 5004, 4);
	udp_rx(E1, C(6), IP_E1, 5555, 5007, 4);
	REQUIRE(sc.nout == 2);
	CHECK_INT(rd16(out_ip(0) + 22), 6000);
	CHECK_INT(rd16(out_ip(1) + 22), 6001);
	CHECK(sums_ok(out_ip(0)));
	CHECK(sums_ok(out_ip(1)));
	/* with a base: the offset from it */
	scene_clear();
	udp_rx(E1, C(6), IP_E1, 5555, 7003, 4);
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd16(ip + 22), 8003);
	CHECK(sums_ok(ip));
}

/* ICMP: the id kept when free; another client's same id to the same
 * server moves (anywhere in 0-65535), and the reply gets it back. */
static void test_icmp_ids(void)
{
	uint8_t p[200];
	const uint8_t *ip;
	unsigned int id2;

	REQUIRE(nat_up("-A POSTROUTING -o e1 -j MASQUERADE\n"));
	scene_rx(E0, p, build_echo(p, A4(10, 0, 0, 10), C(5), 77, 1, 16));
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(rd16(ip + 24), 77);
	CHECK_INT(rd16(ip + 26), 1);
	CHECK(sums_ok(ip));
	scene_clear();
	scene_rx(E0, p, build_echo(p, A4(10, 0, 0, 11), C(5), 77, 1, 17));
	ip = last_out(E1);
	REQUIRE(ip);
	id2 = rd16(ip + 24);
	CHECK(id2 != 77);
	CHECK(sums_ok(ip));
	CHECK_MEM(ip + 28, p + 28, 17); /* the data untouched */
	/* the replies, each to its client with its own id */
	scene_clear();
	scene_rx(E1, p, build_icmp(p, C(5), IP_E1, 0, 0, (uint32_t)id2 << 16 | 1,
				   NULL, 17));
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 16), A4(10, 0, 0, 11));
	CHECK_INT(rd16(ip + 24), 77);
	CHECK(sums_ok(ip));
	scene_clear();
	scene_rx(E1, p, build_icmp(p, C(5), IP_E1, 0, 0, 77u << 16 | 1, NULL, 16));
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 16), A4(10, 0, 0, 10));
	CHECK_INT(rd16(ip + 24), 77);
	CHECK(sums_ok(ip));
}

/* ICMP ids with --to-ports: the range of ids. */
static void test_icmp_id_range(void)
{
	uint8_t p[200];

	REQUIRE(nat_up("-A POSTROUTING -o e1 -p icmp -j MASQUERADE "
		       "--to-ports 100-102\n"));
	scene_rx(E0, p, build_echo(p, A4(10, 0, 0, 11), C(5), 101, 1, 8));
	scene_rx(E0, p, build_echo(p, A4(10, 0, 0, 10), C(5), 7, 1, 8));
	scene_rx(E0, p, build_echo(p, A4(10, 0, 0, 12), C(5), 101, 1, 8));
	REQUIRE(sc.nout == 3);
	/* 101 kept; 7 is out of the range: 100 or 102 (the search starts
	 * at random); the other 101 gets the one left */
	CHECK_INT(rd16(out_ip(0) + 24), 101);
	CHECK(rd16(out_ip(1) + 24) == 100 || rd16(out_ip(1) + 24) == 102);
	CHECK_INT(rd16(out_ip(2) + 24),
		  rd16(out_ip(1) + 24) == 100 ? 102 : 100);
	for (unsigned int i = 0; i < 3; i++)
		CHECK(sums_ok(out_ip(i)));
}

/*
 * Rewriting and checksums.
 */

/* TCP with data, both ways and both translations, every checksum right. */
static void test_tcp_rewrite_both(void)
{
	const uint8_t *ip;
	uint8_t p[1600];
	size_t n;

	REQUIRE(nat_up("-A PREROUTING -i e1 -p tcp --dport 8080 -j DNAT "
		       "--to-destination 10.0.0.2:80\n"
		       "-A POSTROUTING -o e0 -j SNAT --to-source 10.0.0.1\n"));
	for (unsigned int len = 0; len < 40; len += 13) {
		scene_clear();
		n = build_tcp(p, C(9), IP_E1, 33000 + len, 8080, 7, 0,
			      len ? TH_ACK | TH_PSH : TH_SYN, len);
		scene_rx(E1, p, n);
		ip = last_out(E0);
		REQUIRE(ip);
		CHECK_INT(rd32(ip + 12), IP_E0);
		CHECK_INT(rd32(ip + 16), IP_A);
		CHECK_INT(rd16(ip + 20), 33000 + len);
		CHECK_INT(rd16(ip + 22), 80);
		CHECK_INT(ip[8], 63);
		CHECK(sums_ok(ip));
		/* the rest of TCP as sent, but for the checksum */
		CHECK_MEM(ip + 24, p + 24, 12);
		CHECK_MEM(ip + 38, p + 38, n - 38);
	}
	/* the reply: both undone */
	scene_clear();
	n = build_tcp(p, IP_A, IP_E0, 80, 33000, 5, 8, TH_SYN | TH_ACK, 3);
	scene_rx(E0, p, n);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(rd32(ip + 16), C(9));
	CHECK_INT(rd16(ip + 20), 8080);
	CHECK_INT(rd16(ip + 22), 33000);
	CHECK(sums_ok(ip));
}

/* UDP: a checksum updated; a zero checksum (none) stays zero; an update
 * that comes out zero is stored as 0xffff (CSUM_MANGLED_0). */
static void test_udp_checksums(void)
{
	uint8_t p[200], q[200], data[6] = { 1, 2, 3, 4, 0, 0 };
	const uint8_t *ip;
	uint32_t s;
	size_t n;

	REQUIRE(nat_up("-A POSTROUTING -o e1 -p udp -j SNAT --to-source 10.0.1.1:7777\n"));
	udp_rx(E0, IP_A, C(5), 1234, 53, 11);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd16(ip + 20), 7777);
	CHECK(rd16(ip + 26) != 0);
	CHECK(l4_csum_ok(ip));
	CHECK(ip_csum_ok(ip));
	/* no checksum (to another server: 7777 is taken towards C(5)) */
	scene_clear();
	n = build_udp_data(p, IP_A, C(6), 1235, 53, data, sizeof(data), true);
	scene_rx(E0, p, n);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(rd16(ip + 20), 7777);
	CHECK_INT(rd16(ip + 26), 0);
	CHECK(ip_csum_ok(ip));
	/* the last payload word chosen so that the translated datagram's
	 * checksum is 0: what leaves must carry 0xffff, and verify */
	n = build_udp_data(q, IP_E1, C(7), 7777, 53, data, sizeof(data), true);
	s = word_sum(q + 20, n - 20, pseudo_sum(q, (unsigned int)(n - 20)));
	wr16(data + 4, 0xffff - s);
	n = build_udp_data(q, IP_E1, C(7), 7777, 53, data, sizeof(data), true);
	REQUIRE(word_sum(q + 20, n - 20, pseudo_sum(q, (unsigned int)(n - 20))) ==
		0xffff);
	n = build_udp_data(p, IP_A, C(7), 1236, 53, data, sizeof(data), false);
	CHECK(l4_csum_ok(p));
	CHECK(rd16(p + 26) != 0xffff);
	scene_clear();
	scene_rx(E0, p, n);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd16(ip + 20), 7777);
	CHECK_INT(rd16(ip + 26), 0xffff);
	CHECK(l4_csum_ok(ip));
}

/* UDP-Lite (protocol 136), tracked by ports: its checksum is always
 * updated (udplite_manip_pkt()), and a clash moves its port like UDP's.
 * Its checksum is made as Linux's conntrack checks it, with 17 in the
 * pseudo-header (test_ct_udplite says why), and checked so after NAT. */
static size_t build_udplite(uint8_t *b, uint32_t s, uint32_t d,
			    unsigned int sp, unsigned int dp, size_t dlen)
{
	uint8_t *u = b + 20;
	uint32_t ps;

	wr16(u, sp);
	wr16(u + 2, dp);
	wr16(u + 4, 0); /* coverage: all */
	wr16(u + 6, 0);
	fill(u + 8, dlen, 9);
	build_ip(b, s, d, 136, 8 + dlen);
	ps = word_sum(b + 12, 8, 0) + 17 + (uint32_t)(8 + dlen);
	wr16(u + 6, ~word_sum(u, 8 + dlen, ps) & 0xffff);
	if (!rd16(u + 6))
		wr16(u + 6, 0xffff);
	return 28 + dlen;
}

static bool udplite_ok(const uint8_t *ip)
{
	unsigned int hl = ip_hlen(ip), l4 = rd16(ip + 2) - hl;
	uint32_t ps = word_sum(ip + 12, 8, 0) + 17 + l4;

	return word_sum(ip + hl, l4, ps) == 0xffff;
}

static void test_udplite(void)
{
	uint8_t p[200];
	const uint8_t *ip;
	unsigned int port;

	REQUIRE(nat_up("-A POSTROUTING -o e1 -j MASQUERADE\n"));
	scene_rx(E0, p, build_udplite(p, IP_A, C(5), 4000, 53, 9));
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(rd16(ip + 20), 4000);
	CHECK(ip_csum_ok(ip));
	CHECK(udplite_ok(ip));
	/* another client's 4000 to the same server: moved (1024-65535) */
	scene_clear();
	scene_rx(E0, p, build_udplite(p, A4(10, 0, 0, 3), C(5), 4000, 53, 10));
	ip = last_out(E1);
	REQUIRE(ip);
	port = rd16(ip + 20);
	CHECK(port != 4000 && port >= 1024);
	CHECK(udplite_ok(ip));
	/* the answer to it reaches that client */
	scene_clear();
	scene_rx(E1, p, build_udplite(p, C(5), IP_E1, 53, port, 3));
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 16), A4(10, 0, 0, 3));
	CHECK_INT(rd16(ip + 22), 4000);
	CHECK(udplite_ok(ip));
}

/* The echo's id and checksum, with an odd length of data. */
static void test_icmp_echo_rewrite(void)
{
	uint8_t p[200];
	const uint8_t *ip;

	REQUIRE(nat_up("-A POSTROUTING -o e1 -p icmp -j SNAT "
		       "--to-source 10.0.1.1:4242\n"));
	scene_rx(E0, p, build_echo(p, IP_A, C(5), 9, 3, 31));
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(ip[20], 8);
	CHECK_INT(rd16(ip + 24), 4242);
	CHECK_INT(rd16(ip + 26), 3);
	CHECK(sums_ok(ip));
	scene_clear();
	scene_rx(E1, p, build_icmp(p, C(5), IP_E1, 0, 0, 4242u << 16 | 3, NULL, 31));
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 24), 9);
	CHECK(sums_ok(ip));
}

/*
 * ICMP errors.
 */

/* An ICMP error from B about 'sent' (the packet as it left the host,
 * 'slen' bytes), quoting 'qlen' bytes of it; what reaches A must quote
 * 'orig' (the packet A sent, TTL one less) in as many bytes, with the
 * outer addresses from B's router to A, and every checksum right. */
static void error_about(const uint8_t *sent, size_t slen, size_t qlen,
			const uint8_t *orig, uint8_t type, uint8_t code)
{
	uint8_t p[1600], want[1600];
	const uint8_t *ip;
	size_t n;

	REQUIRE(qlen <= slen);
	memcpy(want, orig, slen);
	want[8] = 63;
	ip_fix_csum(want);
	n = build_icmp(p, IP_B, IP_E1, type, code, 0, sent, qlen);
	scene_clear();
	scene_rx(E1, p, n);
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_B);
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 2), 28 + qlen);
	CHECK_INT(ip[20], type);
	CHECK_INT(ip[21], code);
	CHECK(sums_ok(ip));
	CHECK_MEM(ip + 28, want, qlen);
	/* the quoted header's checksum, recomputed */
	CHECK(ip_csum_ok(ip + 28));
}

static void test_icmp_error_quoting_tcp(void)
{
	uint8_t a[200], sent[200];
	size_t n;

	REQUIRE(nat_up(SNAT_6000));
	n = build_tcp(a, IP_A, C(5), 40000, 80, 1000, 0, TH_SYN, 0);
	scene_rx(E0, a, n);
	REQUIRE(sc.nout == 1);
	memcpy(sent, out_ip(0), n);
	CHECK_INT(rd16(sent + 20), 6000);
	/* the whole header: the quoted TCP checksum updated too */
	error_about(sent, n, n, a, 3, 1);
	REQUIRE(sc.nout);
	CHECK(l4_csum_ok(out_ip(sc.nout - 1) + 28));
	/* 8 bytes of it: ports only */
	error_about(sent, n, 28, a, 11, 0);
	/* 12 bytes: still too short for the checksum, ports only */
	error_about(sent, n, 32, a, 3, 4);
	/* data quoted too (a SYN with data: a new connection) */
	scene_clear();
	n = build_tcp(a, IP_A, C(6), 40001, 80, 1001, 0, TH_SYN, 25);
	scene_rx(E0, a, n);
	REQUIRE(sc.nout == 1);
	memcpy(sent, out_ip(0), n);
	error_about(sent, n, n, a, 12, 0);
	REQUIRE(sc.nout);
	CHECK(l4_csum_ok(out_ip(sc.nout - 1) + 28));
}

static void test_icmp_error_quoting_udp(void)
{
	uint8_t a[200], sent[200];
	size_t n;

	REQUIRE(nat_up(SNAT_6000));
	n = build_udp(a, IP_A, C(5), 1111, 53, 13);
	scene_rx(E0, a, n);
	REQUIRE(sc.nout == 1);
	memcpy(sent, out_ip(0), n);
	error_about(sent, n, n, a, 3, 3);
	REQUIRE(sc.nout);
	CHECK(l4_csum_ok(out_ip(sc.nout - 1) + 28));
	/* the header alone: its checksum is updated all the same */
	error_about(sent, n, 28, a, 3, 3);
	/* without a checksum */
	scene_clear();
	{
		static const uint8_t d[5] = { 9, 8, 7, 6, 5 };

		/* to another server: 6000 is taken towards C(5) */
		n = build_udp_data(a, IP_A, C(6), 1112, 53, d, sizeof(d), true);
	}
	scene_rx(E0, a, n);
	REQUIRE(sc.nout == 1);
	memcpy(sent, out_ip(0), n);
	CHECK_INT(rd16(sent + 26), 0);
	error_about(sent, n, n, a, 3, 3);
	REQUIRE(sc.nout);
	CHECK_INT(rd16(out_ip(sc.nout - 1) + 28 + 26), 0);
}

static void test_icmp_error_quoting_echo(void)
{
	uint8_t a[200], sent[200];
	size_t n;

	REQUIRE(nat_up(SNAT_6000));
	n = build_echo(a, IP_A, C(5), 31, 1, 12);
	scene_rx(E0, a, n);
	REQUIRE(sc.nout == 1);
	memcpy(sent, out_ip(0), n);
	CHECK_INT(rd16(sent + 24), 6000);
	error_about(sent, n, n, a, 3, 1);
	REQUIRE(sc.nout);
	CHECK(icmp_csum_ok(out_ip(sc.nout - 1) + 28));
	error_about(sent, n, 28, a, 11, 0);
}

/* A quote too short for the ports' rewriting (the IP header and 4 bytes
 * of TCP: enough for conntrack to find the connection, not for
 * tcp_manip_pkt()'s 8) is dropped; a wrong ICMP checksum too. */
static void test_icmp_error_short_or_bad(void)
{
	uint8_t a[200], sent[200], p[300];
	size_t n, m;

	REQUIRE(nat_up(SNAT_6000));
	n = build_tcp(a, IP_A, C(5), 40000, 80, 1000, 0, TH_SYN, 0);
	scene_rx(E0, a, n);
	REQUIRE(sc.nout == 1);
	memcpy(sent, out_ip(0), n);
	scene_clear();
	m = build_icmp(p, IP_B, IP_E1, 3, 1, 0, sent, 24);
	scene_rx(E1, p, m);
	CHECK_INT(sc.nout, 0);
	m = build_icmp(p, IP_B, IP_E1, 3, 1, 0, sent, n);
	p[22] ^= 0x40;
	ip_fix_csum(p);
	scene_rx(E1, p, m);
	CHECK_INT(sc.nout, 0);
	/* right, it passes */
	m = build_icmp(p, IP_B, IP_E1, 3, 1, 0, sent, n);
	scene_rx(E1, p, m);
	CHECK_INT(sc.nout, 1);
}

/* The router's own time exceeded about a forwarded packet of a DNATed
 * connection: it quotes the packet after DNAT, and POSTROUTING makes it
 * quote what the client sent, from the address the client sent to. */
static void test_own_error_about_dnat(void)
{
	uint8_t p[200];
	const uint8_t *ip;
	size_t n;

	REQUIRE(nat_up("-A PREROUTING -i e1 -p tcp --dport 8080 -j DNAT "
		       "--to-destination 10.0.0.2:80\n"));
	n = build_tcp(p, C(5), IP_E1, 5000, 8080, 1, 0, TH_SYN, 0);
	scene_rx(E1, p, n);
	REQUIRE(sc.nout == 1);
	scene_clear();
	n = build_tcp(p, C(5), IP_E1, 5000, 8080, 1, 0, TH_SYN, 0);
	p[8] = 1;
	ip_fix_csum(p);
	scene_rx(E1, p, n);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(ip[20], 11);
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(rd32(ip + 16), C(5));
	CHECK(sums_ok(ip));
	CHECK_MEM(ip + 28, p, 28); /* as the client sent it */
}

/*
 * The null binding.
 */

/* A connection no rule translates keeps its tuple; one whose tuple a
 * translated connection holds moves its source port (in its class), and
 * its replies come back to it. */
static void test_null_binding_moves_port(void)
{
	const uint8_t *ip;
	struct nfu_ct *ct;
	unsigned int p;

	REQUIRE(nat_up("-A POSTROUTING -s 10.0.0.2 -o e1 -j SNAT "
		       "--to-source 10.0.0.9\n"));
	/* untranslated: the null binding, nothing moves */
	tcp_rx(E0, A4(10, 0, 0, 7), C(5), 5000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 0, 7));
	CHECK_INT(rd16(ip + 20), 5000);
	ct = find(6, A4(10, 0, 0, 7), C(5), 5000, 80, NULL);
	REQUIRE(ct);
	CHECK(!(ct->status & (NFU_IPS_SRC_NAT | NFU_IPS_DST_NAT)));
	CHECK(ct->status & NFU_IPS_SRC_NAT_DONE);
	CHECK(ct->status & NFU_IPS_DST_NAT_DONE);
	/* A as 10.0.0.9:5000 */
	scene_clear();
	tcp_rx(E0, IP_A, C(5), 5000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 0, 9));
	CHECK_INT(rd16(ip + 20), 5000);
	/* 10.0.0.9:5000 itself: its port moves */
	scene_clear();
	tcp_rx(E0, A4(10, 0, 0, 9), C(5), 5000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 0, 9));
	p = rd16(ip + 20);
	CHECK(p != 5000 && p >= 1024);
	CHECK(sums_ok(ip));
	ct = find(6, A4(10, 0, 0, 9), C(5), 5000, 80, NULL);
	REQUIRE(ct);
	CHECK(ct->status & NFU_IPS_SRC_NAT);
	/* the replies: to A, and to 10.0.0.9 on its own port */
	scene_clear();
	tcp_rx(E1, C(5), A4(10, 0, 0, 9), 80, 5000, TH_SYN | TH_ACK, 0);
	tcp_rx(E1, C(5), A4(10, 0, 0, 9), 80, p, TH_SYN | TH_ACK, 0);
	REQUIRE(sc.nout == 2);
	CHECK_INT(rd32(out_ip(0) + 16), IP_A);
	CHECK_INT(rd16(out_ip(0) + 22), 5000);
	CHECK_INT(rd32(out_ip(1) + 16), A4(10, 0, 0, 9));
	CHECK_INT(rd16(out_ip(1) + 22), 5000);
	CHECK(sums_ok(out_ip(0)));
	CHECK(sums_ok(out_ip(1)));
}

/* An empty nat table does not start connection tracking (Linux's
 * iptable_nat registers the NAT hooks, but only the targets' check()
 * takes conntrack): nothing is tracked or translated.  With conntrack
 * started by a filter rule, every connection gets both null bindings
 * (at PREROUTING and POSTROUTING): both done, nothing translated, the
 * packet untouched. */
static void test_null_binding_empty_table(void)
{
	uint8_t p[200];
	struct nfu_ct *ct;
	size_t n;

	REQUIRE(nat_up(""));
	n = build_tcp(p, IP_A, C(5), 5000, 80, 1, 0, TH_SYN, 7);
	scene_rx(E0, p, n);
	REQUIRE(sc.nout == 1);
	CHECK(!cn() || !cn()->enabled);
	REQUIRE(load("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m state --state NEW\nCOMMIT\n"));
	REQUIRE(cn() && cn()->enabled);
	scene_clear();
	scene_rx(E0, p, n);
	REQUIRE(sc.nout == 1);
	p[8]--;
	ip_fix_csum(p);
	CHECK_MEM(out_ip(0), p, n);
	ct = find(6, IP_A, C(5), 5000, 80, NULL);
	REQUIRE(ct);
	CHECK_INT(ct->status & (NFU_IPS_SRC_NAT | NFU_IPS_DST_NAT), 0);
	CHECK(ct->status & NFU_IPS_SRC_NAT_DONE);
	CHECK(ct->status & NFU_IPS_DST_NAT_DONE);
}

/* Connections that are freed leave the source hash: a source whose old
 * mappings died gets the hash's address again, not the dead one's, and
 * the chains stay sound through many bindings and expiries (ASan's
 * build checks the memory).  (An expired connection that nothing has
 * looked up yet is still there, as in Linux until its GC passes, and
 * its mapping with it: the lookups below remove them first.) */
static void test_bysource_after_expiry(void)
{
	const uint8_t *ip;

	REQUIRE(nat_up("-A POSTROUTING -o e1 -p udp -j SNAT "
		       "--to-source 10.0.1.10-10.0.1.13\n"));
	nfu_net_set_time(sc.net, 1000000000ull);
	udp_rx(E0, IP_A, C(5), 4000, 53, 4);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 10));
	/* to C(6) while it lives: its mapping */
	scene_clear();
	udp_rx(E0, IP_A, C(6), 4000, 53, 4);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 10));
	/* both gone after 30 s unreplied, removed by a lookup; many others
	 * come and go meanwhile; then to C(6): the hash's .11 */
	nfu_net_set_time(sc.net, 40000000000ull);
	CHECK(!find(17, IP_A, C(5), 4000, 53, NULL));
	CHECK(!find(17, IP_A, C(6), 4000, 53, NULL));
	for (unsigned int i = 0; i < 600; i++) {
		scene_clear();
		udp_rx(E0, A4(10, 0, 0, 100 + i % 100), C(i % 7), 5000 + i, 53,
		       1);
	}
	scene_clear();
	udp_rx(E0, IP_A, C(6), 4000, 53, 4);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), A4(10, 0, 1, 11));
	/* the 600 expire and are replaced, from the same sources */
	nfu_net_set_time(sc.net, 80000000000ull);
	for (unsigned int i = 0; i < 600; i++) {
		CHECK(!find(17, A4(10, 0, 0, 100 + i % 100), C(i % 7), 5000 + i,
			    53, NULL));
		scene_clear();
		udp_rx(E0, A4(10, 0, 0, 100 + i % 100), C(i % 7), 5000 + i, 53,
		       1);
		REQUIRE(sc.nout == 1);
		CHECK_INT(rd16(out_ip(0) + 20), 5000 + i);
	}
	CHECK(cn()->nat->bound >= 1203);
}

/*
 * Expected connections.
 */

/* TFTP through MASQUERADE: the server answers from another port, a
 * connection the tftp helper expected; it is bound back to the client
 * (Linux's nf_nat_tftp gives the expectation nf_nat_follow_master()),
 * not by the nat table, whose rules would leave it to the router. */
static void test_tftp_follows_master(void)
{
	static const uint8_t rrq[] = { 0, 1, 'f', 0, 'o', 'c', 't', 'e', 't', 0 };
	static const uint8_t ack[] = { 0, 4, 0, 0 };
	uint8_t p[200];
	const uint8_t *ip;
	struct nfu_ct *ct, *m;
	uint64_t bound;

	REQUIRE(up());
	REQUIRE(load("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A PREROUTING -p udp -m udp --dport 69 -j CT --helper tftp\n"
		     "COMMIT\n"));
	REQUIRE(load(NAT_HEAD "-A POSTROUTING -o e1 -j MASQUERADE\nCOMMIT\n"));
	scene_rx(E0, p, build_udp_data(p, IP_A, C(5), 3300, 69, rrq, sizeof(rrq),
				       false));
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	m = find(17, IP_A, C(5), 3300, 69, NULL);
	REQUIRE(m);
	bound = cn()->nat->bound;
	/* the answer from port 41000 to the router's address */
	scene_clear();
	scene_rx(E1, p, build_udp_data(p, C(5), IP_E1, 41000, 3300, ack,
				       sizeof(ack), false));
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), C(5));
	CHECK_INT(rd16(ip + 20), 41000);
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 22), 3300);
	CHECK(sums_ok(ip));
	ct = find(17, C(5), IP_E1, 41000, 3300, NULL);
	REQUIRE(ct);
	CHECK(ct->master == m);
	CHECK(ct->status & NFU_IPS_DST_NAT);
	CHECK(!(ct->status & NFU_IPS_SRC_NAT));
	/* both bindings by the expectation: two, no null binding */
	CHECK_INT(cn()->nat->bound - bound, 2);
	/* the client's next block goes back to the server's new port */
	scene_clear();
	scene_rx(E0, p, build_udp_data(p, IP_A, C(5), 3300, 41000, ack,
				       sizeof(ack), false));
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(rd16(ip + 20), 3300);
	CHECK(sums_ok(ip));
}

/* Without a translated master, an expected connection goes through the
 * nat table as any other (nf_nat_tftp is called only for a connection
 * with IPS_NAT_MASK). */
static void test_expected_untranslated_master(void)
{
	static const uint8_t rrq[] = { 0, 1, 'f', 0, 'o', 'c', 't', 'e', 't', 0 };
	static const uint8_t ack[] = { 0, 4, 0, 0 };
	uint8_t p[200];
	const uint8_t *ip;
	struct nfu_ct *ct;

	REQUIRE(up());
	REQUIRE(load("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A PREROUTING -p udp -m udp --dport 69 -j CT --helper tftp\n"
		     "COMMIT\n"));
	REQUIRE(load(NAT_HEAD "-A POSTROUTING -o e0 -j MASQUERADE\nCOMMIT\n"));
	scene_rx(E0, p, build_udp_data(p, IP_A, C(5), 3300, 69, rrq, sizeof(rrq),
				       false));
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_A);
	/* the answer: RELATED, and masqueraded by the table on its way out
	 * of e0 */
	scene_clear();
	scene_rx(E1, p, build_udp_data(p, C(5), IP_A, 41000, 3300, ack,
				       sizeof(ack), false));
	ip = last_out(E0);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E0);
	CHECK_INT(rd32(ip + 16), IP_A);
	ct = find(17, C(5), IP_A, 41000, 3300, NULL);
	REQUIRE(ct);
	CHECK(ct->master != NULL);
	CHECK(ct->nat && ct->nat->masq_index == E0);
}

/*
 * MASQUERADE's device.
 */

/* A masqueraded connection whose packets leave by another device than
 * the one it was bound to is killed and the packet dropped
 * (nf_nat_oif_changed()); its replies are not concerned. */
static void test_masquerade_oif_change(void)
{
	struct nfu_route rt = { 0 };
	struct nfu_ct *ct;
	const uint8_t *ip;

	REQUIRE(nat_up("-A POSTROUTING -j MASQUERADE\n"));
	tcp_rx(E0, IP_A, C(5), 40000, 80, TH_SYN, 0);
	ip = last_out(E1);
	REQUIRE(ip);
	CHECK_INT(rd32(ip + 12), IP_E1);
	scene_clear();
	tcp_rx(E1, C(5), IP_E1, 80, 40000, TH_SYN | TH_ACK, 0);
	CHECK_INT(sc.nout, 1);
	ct = find(6, IP_A, C(5), 40000, 80, NULL);
	REQUIRE(ct);
	CHECK(ct->nat && ct->nat->masq_index == E1);
	/* 192.168.0.5 is now reached by e0 (through A, as it happens) */
	rt.dst = __builtin_bswap32(C(5));
	rt.plen = 32;
	rt.type = NFU_RTN_UNICAST;
	rt.table = NFU_RT_TABLE_MAIN;
	rt.scope = NFU_RT_SCOPE_UNIVERSE;
	rt.gateway = __builtin_bswap32(IP_A);
	REQUIRE(nfu_route_add(sc.net, &rt) == 0);
	scene_clear();
	tcp_rx(E0, IP_A, C(5), 40000, 80, TH_ACK, 0);
	CHECK_INT(sc.nout, 0);
	CHECK(!find(6, IP_A, C(5), 40000, 80, NULL));
}

/* A device that goes down takes the connections MASQUERADE bound to it
 * (Linux's masq_device_event() on NETDEV_DOWN), and only those: a
 * connection through the other device, or not masqueraded, stays. */
static void test_masquerade_device_down(void)
{
	REQUIRE(nat_up("-A POSTROUTING -o e1 -j MASQUERADE\n"));
	tcp_rx(E0, IP_A, C(5), 40000, 80, TH_SYN, 0);
	udp_rx(E1, IP_B, IP_A, 999, 53, 4);
	REQUIRE(find(6, IP_A, C(5), 40000, 80, NULL));
	REQUIRE(find(17, IP_B, IP_A, 999, 53, NULL));
	CHECK_INT(nfu_dev_set_up(sc.net, E0, 0), 0);
	CHECK(find(6, IP_A, C(5), 40000, 80, NULL) != NULL);
	CHECK_INT(nfu_dev_set_up(sc.net, E0, 1), 0);
	CHECK_INT(nfu_dev_set_up(sc.net, E1, 0), 0);
	CHECK(!find(6, IP_A, C(5), 40000, 80, NULL));
	CHECK(find(17, IP_B, IP_A, 999, 53, NULL) != NULL);
	CHECK_INT(nfu_dev_set_up(sc.net, E1, 1), 0);
}

/* A MASQUERADE on e0 takes e0's address; the same client out e1 gets
 * e1's. */
static void test_masquerade_address_per_device(void)
{
	REQUIRE(nat_up("-A POSTROUTING -j MASQUERADE\n"));
	udp_rx(E1, IP_B, IP_A, 999, 53, 4);
	udp_rx(E0, IP_A, C(5), 999, 53, 4);
	REQUIRE(sc.nout == 2);
	CHECK_INT(sc.out[0].ifindex, E0);
	CHECK_INT(rd32(out_ip(0) + 12), IP_E0);
	CHECK_INT(sc.out[1].ifindex, E1);
	CHECK_INT(rd32(out_ip(1) + 12), IP_E1);
	CHECK(sums_ok(out_ip(0)));
	CHECK(sums_ok(out_ip(1)));
}

int main(void)
{
	RUN(test_snat_keeps_free_port);
	RUN(test_clash_class_low);
	RUN(test_clash_class_mid);
	RUN(test_clash_class_high);
	RUN(test_clash_rule_range);
	RUN(test_range_exhausted);
	RUN(test_snat_range_hash);
	RUN(test_snat_wide_range_hash);
	RUN(test_snat_persistent);
	RUN(test_snat_zone_hash);
	RUN(test_appropriate_src);
	RUN(test_appropriate_src_port_range);
	RUN(test_dnat_range_keeps_port);
	RUN(test_dnat_persistent_and_ports);
	RUN(test_icmp_ids);
	RUN(test_icmp_id_range);
	RUN(test_tcp_rewrite_both);
	RUN(test_udp_checksums);
	RUN(test_udplite);
	RUN(test_icmp_echo_rewrite);
	RUN(test_icmp_error_quoting_tcp);
	RUN(test_icmp_error_quoting_udp);
	RUN(test_icmp_error_quoting_echo);
	RUN(test_icmp_error_short_or_bad);
	RUN(test_own_error_about_dnat);
	RUN(test_null_binding_moves_port);
	RUN(test_null_binding_empty_table);
	RUN(test_bysource_after_expiry);
	RUN(test_tftp_follows_master);
	RUN(test_expected_untranslated_master);
	RUN(test_masquerade_oif_change);
	RUN(test_masquerade_device_down);
	RUN(test_masquerade_address_per_device);
	scene_down();
	return harness_done();
}
