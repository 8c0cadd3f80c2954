/* SPDX-License-Identifier: MIT */
/*
 * test_addr_del.c - an IPv4 address leaves a device (nfu_addr_del(),
 * 'ip addr del' through nfu_topology_exec()): the routes Linux takes away
 * with it, and MASQUERADE's connections of that address.
 *
 * The route tables expected are those Linux 6.18 showed for the same
 * commands in a network namespace (veth devices; `ip -4 route show table
 * all`, `ip neigh`):
 *   e0 10.0.0.1/24; e1 10.0.1.1/24 brd +, 10.0.1.7/24 (secondary),
 *   10.0.2.1/24; 192.168.0.0/16 via 10.0.1.2; 172.16.0.0/16 dev e0 src
 *   10.0.2.1; 172.17.0.0/16 via 10.0.0.2 src 10.0.1.7
 *   - del 10.0.2.1/24: its prefix, local and broadcast routes go, and
 *     172.16.0.0/16 (its source is no longer the host's);
 *   - del 10.0.1.1/24: 10.0.1.7 goes with it (promote_secondaries 0), and
 *     172.17.0.0/16 (source 10.0.1.7); e1 has no address left: every route
 *     through it (192.168.0.0/16 too) and its ARP entries, the permanent
 *     one included, go; e0's stay.
 * (One older difference shows: nfu's local route of a secondary has the
 * secondary as its source, Linux's the primary; nfu_addr_add() is left.)
 */
#include <arpa/inet.h>
#include <errno.h>

#include "conntrack/ct-private.h"
#include "ipv4/fib.h"
#include "ipv4/ipv4-private.h"
#include "ipv4_scene.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

/* The routes of devices other than lo, one text a line, sorted as the
 * FIB walks them, in 'buf'. */
struct dump {
	char *buf;
	size_t len, off;
};

static int dump_one(void *priv, const struct nfu_route *rt)
{
	struct dump *d = priv;
	char dst[16], src[16], gw[16];
	uint32_t a;
	int n;

	if (rt->ifindex == 1)
		return 0;
	a = rt->dst;
	inet_ntop(AF_INET, &a, dst, sizeof(dst));
	a = rt->prefsrc;
	inet_ntop(AF_INET, &a, src, sizeof(src));
	a = rt->gateway;
	inet_ntop(AF_INET, &a, gw, sizeof(gw));
	n = snprintf(d->buf + d->off, d->len - d->off, "%s%s/%u%s%s dev %d%s%s\n",
		     rt->type == NFU_RTN_LOCAL ? "local " :
		     rt->type == NFU_RTN_BROADCAST ? "broadcast " : "",
		     dst, rt->plen, rt->gateway ? " via " : "",
		     rt->gateway ? gw : "", rt->ifindex,
		     rt->prefsrc ? " src " : "", rt->prefsrc ? src : "");
	if (n > 0 && (size_t)n < d->len - d->off)
		d->off += (size_t)n;
	return 0;
}

static const char *routes(void)
{
	static char buf[4096];
	struct dump d = { .buf = buf, .len = sizeof(buf) };

	buf[0] = 0;
	nfu_fib_walk(nfu_ipv4(sc.net)->fib, dump_one, &d);
	return buf;
}

static int exec(const char *line)
{
	struct nfu_error err;
	int rc = nfu_topology_exec(sc.net, line, strlen(line), "test", 1, &err);

	if (rc)
		printf("exec `%s': %s\n", line, err.msg);
	return rc;
}

static bool has_neigh(int ifx, uint32_t addr)
{
	uint8_t mac[6];

	return nfu_neigh_lookup(sc.net, ifx, htonl(addr), mac) == 0;
}

static void test_routes_as_linux(void)
{
	REQUIRE(scene_up("ip addr add 10.0.1.7/24 dev e1\n"
			 "ip addr add 10.0.2.1/24 dev e1\n"
			 "ip route add 172.16.0.0/16 dev e0 src 10.0.2.1\n"
			 "ip route add 172.17.0.0/16 via 10.0.0.2 src 10.0.1.7\n"));
	CHECK_STR(routes(),
		  "10.0.0.0/24 dev 2 src 10.0.0.1\n"
		  "local 10.0.0.1/32 dev 2 src 10.0.0.1\n"
		  "broadcast 10.0.0.255/32 dev 2 src 10.0.0.1\n"
		  "10.0.1.0/24 dev 3 src 10.0.1.1\n"
		  "local 10.0.1.1/32 dev 3 src 10.0.1.1\n"
		  "local 10.0.1.7/32 dev 3 src 10.0.1.7\n"
		  "broadcast 10.0.1.255/32 dev 3 src 10.0.1.1\n"
		  "10.0.2.0/24 dev 3 src 10.0.2.1\n"
		  "local 10.0.2.1/32 dev 3 src 10.0.2.1\n"
		  "broadcast 10.0.2.255/32 dev 3 src 10.0.2.1\n"
		  "172.16.0.0/16 dev 2 src 10.0.2.1\n"
		  "172.17.0.0/16 via 10.0.0.2 dev 2 src 10.0.1.7\n"
		  "192.168.0.0/16 via 10.0.1.2 dev 3\n");
	/* not there, or not with that prefix length */
	CHECK_INT(exec("ip addr del 10.0.2.9/24 dev e1"), -EADDRNOTAVAIL);
	CHECK_INT(exec("ip addr del 10.0.2.1/16 dev e1"), -EADDRNOTAVAIL);
	CHECK_INT(exec("ip addr del 10.0.2.1/24 dev e0"), -EADDRNOTAVAIL);
	CHECK_INT(exec("ip addr del 10.0.2.1/24 dev nosuch"), -ENODEV);
	CHECK_INT(exec("ip addr del 10.0.2.1/24 dev e1 brd +"), -EINVAL);
	CHECK_INT(exec("ip addr del dev e1"), -EINVAL);

	CHECK_INT(exec("ip addr del 10.0.2.1/24 dev e1"), 0);
	CHECK_STR(routes(),
		  "10.0.0.0/24 dev 2 src 10.0.0.1\n"
		  "local 10.0.0.1/32 dev 2 src 10.0.0.1\n"
		  "broadcast 10.0.0.255/32 dev 2 src 10.0.0.1\n"
		  "10.0.1.0/24 dev 3 src 10.0.1.1\n"
		  "local 10.0.1.1/32 dev 3 src 10.0.1.1\n"
		  "local 10.0.1.7/32 dev 3 src 10.0.1.7\n"
		  "broadcast 10.0.1.255/32 dev 3 src 10.0.1.1\n"
		  "172.17.0.0/16 via 10.0.0.2 dev 2 src 10.0.1.7\n"
		  "192.168.0.0/16 via 10.0.1.2 dev 3\n");
	CHECK(!nfu_addr_is_local(sc.net, htonl(A4(10, 0, 2, 1))));

	/* the primary, with its secondary; e1's last */
	CHECK_INT(exec("ip a d 10.0.1.1/24 dev e1"), 0);
	CHECK_STR(routes(),
		  "10.0.0.0/24 dev 2 src 10.0.0.1\n"
		  "local 10.0.0.1/32 dev 2 src 10.0.0.1\n"
		  "broadcast 10.0.0.255/32 dev 2 src 10.0.0.1\n");
	CHECK(nfu_ifaddr_list(sc.net, E1) == NULL);
	CHECK(!has_neigh(E1, IP_B));
	CHECK(has_neigh(E0, IP_A));
	scene_down();
}

/* A device going down and up (seen on Linux 6.18, `ip -4 route show
 * table all' and `ip neigh' in a namespace): down takes every route
 * through it but its local ones, and its ARP entries, static ones too; up
 * brings back its addresses' prefix and broadcast routes only. */
static void test_link_down_up(void)
{

	REQUIRE(scene_up(""));
	CHECK_STR(routes(), "10.0.0.0/24 dev 2 src 10.0.0.1\n"
		  "local 10.0.0.1/32 dev 2 src 10.0.0.1\n"
		  "broadcast 10.0.0.255/32 dev 2 src 10.0.0.1\n"
		  "10.0.1.0/24 dev 3 src 10.0.1.1\n"
		  "local 10.0.1.1/32 dev 3 src 10.0.1.1\n"
		  "broadcast 10.0.1.255/32 dev 3 src 10.0.1.1\n"
		  "192.168.0.0/16 via 10.0.1.2 dev 3\n");
	CHECK(has_neigh(E1, IP_B));
	CHECK_INT(exec("ip link set e1 down"), 0);
	CHECK_STR(routes(), "10.0.0.0/24 dev 2 src 10.0.0.1\n"
		  "local 10.0.0.1/32 dev 2 src 10.0.0.1\n"
		  "broadcast 10.0.0.255/32 dev 2 src 10.0.0.1\n"
		  "local 10.0.1.1/32 dev 3 src 10.0.1.1\n");
	CHECK(!has_neigh(E1, IP_B));
	CHECK(has_neigh(E0, IP_A));
	/* an address given meanwhile: its local route only */
	CHECK_INT(exec("ip addr add 10.0.3.1/24 dev e1"), 0);
	CHECK_STR(routes(), "10.0.0.0/24 dev 2 src 10.0.0.1\n"
		  "local 10.0.0.1/32 dev 2 src 10.0.0.1\n"
		  "broadcast 10.0.0.255/32 dev 2 src 10.0.0.1\n"
		  "local 10.0.1.1/32 dev 3 src 10.0.1.1\n"
		  "local 10.0.3.1/32 dev 3 src 10.0.3.1\n");
	CHECK_INT(exec("ip link set e1 up"), 0);
	CHECK_STR(routes(), "10.0.0.0/24 dev 2 src 10.0.0.1\n"
		  "local 10.0.0.1/32 dev 2 src 10.0.0.1\n"
		  "broadcast 10.0.0.255/32 dev 2 src 10.0.0.1\n"
		  "10.0.1.0/24 dev 3 src 10.0.1.1\n"
		  "local 10.0.1.1/32 dev 3 src 10.0.1.1\n"
		  "broadcast 10.0.1.255/32 dev 3 src 10.0.1.1\n"
		  "10.0.3.0/24 dev 3 src 10.0.3.1\n"
		  "local 10.0.3.1/32 dev 3 src 10.0.3.1\n"
		  "broadcast 10.0.3.255/32 dev 3 src 10.0.3.1\n");
	scene_down();
}

/* A secondary alone: its local route goes; the prefix and broadcast stay
 * for the primary.  A bare address deletes whatever its prefix. */
static void test_secondary(void)
{
	REQUIRE(scene_up("ip addr add 10.0.1.7/24 dev e1\n"));
	CHECK_INT(exec("ip addr del 10.0.1.7 dev e1"), 0);
	CHECK_STR(routes(),
		  "10.0.0.0/24 dev 2 src 10.0.0.1\n"
		  "local 10.0.0.1/32 dev 2 src 10.0.0.1\n"
		  "broadcast 10.0.0.255/32 dev 2 src 10.0.0.1\n"
		  "10.0.1.0/24 dev 3 src 10.0.1.1\n"
		  "local 10.0.1.1/32 dev 3 src 10.0.1.1\n"
		  "broadcast 10.0.1.255/32 dev 3 src 10.0.1.1\n"
		  "192.168.0.0/16 via 10.0.1.2 dev 3\n");
	CHECK(has_neigh(E1, IP_B));
	/* in a topology text: deleted after it is added */
	{
		struct nfu_error err;
		const char *t = "ip addr add 10.0.5.1/24 dev e0\n"
				"ip addr del 10.0.5.1/24 dev e0\n";

		CHECK_INT(nfu_topology_load(sc.net, t, strlen(t), "t", &err), 0);
		CHECK(!nfu_addr_is_local(sc.net, htonl(A4(10, 0, 5, 1))));
	}
	scene_down();
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

static struct nfu_ct *flow(uint32_t dst, unsigned int sport, unsigned int dport)
{
	struct nfu_ct_tuple t;

	memset(&t, 0, sizeof(t));
	t.src = htonl(IP_A);
	t.dst = htonl(dst);
	t.sport = htons((uint16_t)sport);
	t.dport = htons((uint16_t)dport);
	t.proto = 17;
	return nfu_ct_find(sc.net->ct, &t, 0, NULL);
}

/* MASQUERADE through e1 chose 10.0.3.1 for 10.0.3.2 and 10.0.1.1 for what
 * goes via 10.0.1.2: removing 10.0.3.1 kills the first only (Linux's
 * inet_cmp(): the device and the reply's destination); an SNAT to the
 * same address, and the connection masqueraded to 10.0.1.1, stay. */
static void test_masquerade(void)
{
	uint8_t p[200];
	struct nfu_ct *keep1, *keep2;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"
			 "ip addr add 10.0.3.1/24 dev e1\n"
			 "ip neigh add 10.0.3.2 lladdr 02:00:00:00:bb:03 dev e1\n"));
	REQUIRE(load("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
		     "-A POSTROUTING -o e1 -p udp --dport 53 -j MASQUERADE\n"
		     "-A POSTROUTING -o e1 -p udp --dport 54 -j SNAT "
		     "--to-source 10.0.3.1\n"
		     "COMMIT\n"));
	scene_rx(E0, p, build_udp(p, IP_A, A4(10, 0, 3, 2), 5000, 53, 4));
	scene_rx(E0, p, build_udp(p, IP_A, A4(192, 168, 0, 1), 5001, 53, 4));
	scene_rx(E0, p, build_udp(p, IP_A, A4(10, 0, 3, 2), 5002, 54, 4));
	REQUIRE(sc.nout == 3);
	CHECK_INT(rd32(out_ip(0) + 12), A4(10, 0, 3, 1));
	CHECK_INT(rd32(out_ip(1) + 12), IP_E1);
	CHECK_INT(rd32(out_ip(2) + 12), A4(10, 0, 3, 1));
	REQUIRE(flow(A4(10, 0, 3, 2), 5000, 53));
	keep1 = flow(A4(192, 168, 0, 1), 5001, 53);
	keep2 = flow(A4(10, 0, 3, 2), 5002, 54);
	REQUIRE(keep1 && keep2);
	CHECK_INT(sc.net->ct ? ((struct nfu_ct_net *)sc.net->ct)->confirmed : 0, 3);

	CHECK_INT(exec("ip addr del 10.0.3.1/24 dev e1"), 0);
	CHECK(flow(A4(10, 0, 3, 2), 5000, 53) == NULL);
	CHECK(flow(A4(192, 168, 0, 1), 5001, 53) == keep1);
	CHECK(flow(A4(10, 0, 3, 2), 5002, 54) == keep2);
	CHECK_INT(((struct nfu_ct_net *)sc.net->ct)->confirmed, 2);
	/* removing the other address of e1 takes the rest of its
	 * masqueraded ones */
	CHECK_INT(exec("ip addr del 10.0.1.1/24 dev e1"), 0);
	CHECK(flow(A4(192, 168, 0, 1), 5001, 53) == NULL);
	CHECK(flow(A4(10, 0, 3, 2), 5002, 54) == keep2);
	scene_down();
}

int main(void)
{
	RUN(test_routes_as_linux);
	RUN(test_secondary);
	RUN(test_link_down_up);
	RUN(test_masquerade);
	return harness_done();
}
