/* SPDX-License-Identifier: MIT */
/*
 * test_topology.c - topology files: good ones checked through the stack's
 * API (and its FIB, for the route fields the parser fills), bad ones by
 * their exact error, and the transaction: a text that fails leaves the
 * stack as it was.
 *
 * Runs with the repository root as working directory (fixtures under
 * tests/unit/data/topology/).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipv4/fib.h"
#include "ipv4/ipv4-private.h"
#include "nfu/error.h"
#include "nfu/net.h"
#include "nfu/topology.h"

#define DATA "tests/unit/data/topology/"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static int load(struct nfu_net *net, const char *text, struct nfu_error *err)
{
	return nfu_topology_load(net, text, strlen(text), "t", err);
}

static const char *formatted(const struct nfu_error *err)
{
	static char buf[1024];

	nfu_error_format(err, buf, sizeof(buf));
	return buf;
}

static int ifindex(const struct nfu_net *net, const char *name)
{
	const struct nfu_dev *d = nfu_dev_by_name(net, name);

	return d ? d->ifindex : -1;
}

static long sysctl(const struct nfu_net *net, const char *name)
{
	long v = -12345;

	if (nfu_sysctl_get(net, name, &v))
		return -12345;
	return v;
}

struct find {
	uint8_t table;
	uint32_t dst;
	uint8_t plen;
	uint32_t metric;
	const struct nfu_route *rt;
};

static int find_fn(void *priv, const struct nfu_route *rt)
{
	struct find *f = priv;

	if (rt->table == f->table && rt->dst == f->dst &&
	    rt->plen == f->plen && rt->metric == f->metric) {
		f->rt = rt;
		return 1;
	}
	return 0;
}

/* The route of 'table' for 'dst'/'plen' with 'metric', or NULL. */
static const struct nfu_route *route(const struct nfu_net *net,
				     unsigned int table, const char *dst,
				     unsigned int plen, uint32_t metric)
{
	struct find f = { (uint8_t)table, ip(dst), (uint8_t)plen, metric,
			  NULL };

	nfu_fib_walk(nfu_ipv4(net)->fib, find_fn, &f);
	return f.rt;
}

/* The example of the format, as the embedding documentation shows it. */
static void test_router_example(void)
{
	static const uint8_t f0_mac[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 1, 3 };
	struct nfu_net *net = nfu_net_new();
	const struct nfu_route *rt;
	struct nfu_error err;
	uint8_t mac[6];
	int rc;

	REQUIRE(net);
	rc = nfu_topology_load_file(net, "examples/router.topo", &err);
	CHECK_INT(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", formatted(&err));

	CHECK_INT(nfu_dev_count(net), 3);
	CHECK_INT(ifindex(net, "lo"), 1);
	CHECK_INT(ifindex(net, "f0"), 2);
	CHECK_INT(ifindex(net, "f1"), 3);
	CHECK_MEM(nfu_dev_by_index(net, 2)->mac, f0_mac, 6);
	CHECK_INT(nfu_dev_by_index(net, 2)->mtu, 1500);
	CHECK_INT(nfu_dev_by_index(net, 3)->mtu, 1400);
	CHECK_INT(nfu_dev_by_index(net, 2)->up, 1);
	CHECK_INT(nfu_dev_by_index(net, 3)->up, 1);
	CHECK_INT(nfu_addr_primary(net, 2), ip("10.9.0.2"));
	CHECK_INT(nfu_addr_primary(net, 3), ip("10.9.1.2"));
	CHECK_INT(nfu_neigh_lookup(net, 3, ip("10.9.1.3"), mac), 0);
	CHECK_MEM(mac, gw_mac, 6);
	CHECK_INT(nfu_neigh_lookup(net, 2, ip("10.9.1.3"), mac), -ENOENT);
	CHECK_INT(sysctl(net, "net.ipv4.ip_forward"), 1);
	CHECK_INT(sysctl(net, "net.ipv4.conf.f0.rp_filter"), 1);

	rt = route(net, NFU_RT_TABLE_MAIN, "0.0.0.0", 0, 0);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_UNICAST);
	CHECK_INT(rt->gateway, ip("10.9.1.3"));
	CHECK_INT(rt->ifindex, 3);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_UNIVERSE);
	rt = route(net, NFU_RT_TABLE_MAIN, "192.0.2.0", 24, 0);
	REQUIRE(rt);
	CHECK_INT(rt->gateway, ip("10.9.0.1"));
	CHECK_INT(rt->ifindex, 2); /* found from the gateway */
	CHECK_INT(rt->scope, NFU_RT_SCOPE_UNIVERSE);
	nfu_net_free(net);
}

/* Abbreviations, 'ip link add', route types, tables and scopes. */
static void test_lab_file(void)
{
	static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 7, 0xff };
	struct nfu_net *net = nfu_net_new();
	const struct nfu_route *rt;
	struct nfu_error err;
	uint8_t mac[6];
	int rc;

	REQUIRE(net);
	rc = nfu_topology_load_file(net, DATA "lab.topo", &err);
	CHECK_INT(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", formatted(&err));

	/* veth1 is only an argument of the type: not created */
	CHECK_INT(nfu_dev_count(net), 3);
	CHECK_INT(ifindex(net, "br0"), 2);
	CHECK_INT(ifindex(net, "veth0"), 3);
	CHECK_INT(ifindex(net, "veth1"), -1);
	CHECK_INT(nfu_dev_by_index(net, 2)->up, 1);
	CHECK_INT(nfu_dev_by_index(net, 2)->mtu, 9000);
	CHECK_INT(nfu_dev_by_index(net, 3)->up, 1);
	CHECK_INT(nfu_addr_primary(net, 2), ip("192.168.7.1"));
	CHECK_INT(nfu_addr_primary(net, 3), ip("172.16.0.1"));

	/* "b +": the directed broadcast */
	rt = route(net, NFU_RT_TABLE_LOCAL, "192.168.7.255", 32, 0);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_BROADCAST);
	/* "/255.255.0.0" is /16 */
	CHECK(route(net, NFU_RT_TABLE_MAIN, "172.16.0.0", 16, 0) != NULL);

	rt = route(net, NFU_RT_TABLE_MAIN, "10.0.0.0", 8, 20);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_UNICAST);
	CHECK_INT(rt->gateway, ip("192.168.7.254"));
	CHECK_INT(rt->ifindex, 2);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_UNIVERSE);

	rt = route(net, NFU_RT_TABLE_MAIN, "203.0.113.0", 24, 0);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_UNREACHABLE);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_UNIVERSE);
	CHECK_INT(rt->ifindex, 0);
	rt = route(net, NFU_RT_TABLE_MAIN, "198.51.100.0", 24, 0);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_BLACKHOLE);
	rt = route(net, NFU_RT_TABLE_MAIN, "100.64.0.0", 10, 0);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_PROHIBIT);

	/* a local route goes to the local table with host scope */
	rt = route(net, NFU_RT_TABLE_LOCAL, "192.0.2.1", 32, 0);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_LOCAL);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_HOST);
	CHECK_INT(rt->ifindex, 1);
	CHECK(route(net, NFU_RT_TABLE_MAIN, "192.0.2.1", 32, 0) == NULL);

	/* explicit scope wins over the link scope of a route without
	 * gateway; "src" is the preferred source */
	rt = route(net, NFU_RT_TABLE_MAIN, "172.17.0.0", 16, 0);
	REQUIRE(rt);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_UNIVERSE);
	CHECK_INT(rt->prefsrc, ip("172.16.0.1"));
	CHECK_INT(rt->ifindex, 3);
	rt = route(net, NFU_RT_TABLE_MAIN, "172.18.0.0", 16, 5);
	REQUIRE(rt);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_LINK);
	CHECK_INT(rt->gateway, 0);

	/* replace changed the address of the first entry */
	CHECK_INT(nfu_neigh_lookup(net, 2, ip("192.168.7.254"), mac), 0);
	CHECK_MEM(mac, gw_mac, 6);
	CHECK_INT(nfu_neigh_lookup(net, 3, ip("172.16.0.9"), mac), 0);

	CHECK_INT(sysctl(net, "net.ipv4.conf.br0.forwarding"), 1);
	CHECK_INT(sysctl(net, "net.ipv4.icmp_ratelimit"), 250);
	CHECK_INT(sysctl(net, "net.ipv4.conf.all.rp_filter"), 2);
	nfu_net_free(net);
}

/* Broadcast routes and scopes by iproute2's rules, abbreviations. */
static void test_route_defaults(void)
{
	struct nfu_net *net = nfu_net_new();
	const struct nfu_route *rt;
	struct nfu_error err;
	int rc;

	REQUIRE(net);
	rc = load(net,
		  "ip addr add 10.0.0.2/24 dev f0\n"
		  "ip route add brd 10.0.0.0 dev f0\n"
		  "ip route add 10.5.0.0/16 via 10.0.0.1 scope link\n"
		  "ip r a 10.6/16 via inet 10.0.0.1 p 7 t local\n"
		  "ip route add unicast 10.7.0.0/16 dev f0 table 0\n"
		  "ip route add bl default metric 9\n",
		  &err);
	CHECK_INT(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", formatted(&err));

	rt = route(net, NFU_RT_TABLE_LOCAL, "10.0.0.0", 32, 0);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_BROADCAST);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_LINK);
	rt = route(net, NFU_RT_TABLE_MAIN, "10.5.0.0", 16, 0);
	REQUIRE(rt);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_LINK);
	/* "p" is priority, "t" table */
	rt = route(net, NFU_RT_TABLE_LOCAL, "10.6.0.0", 16, 7);
	REQUIRE(rt);
	CHECK_INT(rt->gateway, ip("10.0.0.1"));
	CHECK_INT(rt->scope, NFU_RT_SCOPE_UNIVERSE);
	/* table 0 is main, as in Linux */
	rt = route(net, NFU_RT_TABLE_MAIN, "10.7.0.0", 16, 0);
	REQUIRE(rt);
	CHECK_INT(rt->scope, NFU_RT_SCOPE_LINK);
	rt = route(net, NFU_RT_TABLE_MAIN, "0.0.0.0", 0, 9);
	REQUIRE(rt);
	CHECK_INT(rt->type, NFU_RTN_BLACKHOLE);
	nfu_net_free(net);
}

/* Devices exist once named, indexed in order of first mention; 'ip link
 * add' creates them down unless "up" is given. */
static void test_devices(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;
	int rc;

	REQUIRE(net);
	rc = load(net,
		  "ip route add 10.0.0.0/8 dev f3   # f3 first\n"
		  "ip link set f2\n"
		  "ip link add dummy0 type dummy\n"
		  "ip link add name d1 up\n"
		  "ip link set dummy0 down\n"
		  "ip link set f2 down\n"
		  "ip l s dev f2 up\n",
		  &err);
	CHECK_INT(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", formatted(&err));
	CHECK_INT(nfu_dev_count(net), 5);
	CHECK_INT(ifindex(net, "f3"), 2);
	CHECK_INT(ifindex(net, "f2"), 3);
	CHECK_INT(ifindex(net, "dummy0"), 4);
	CHECK_INT(ifindex(net, "d1"), 5);
	CHECK_INT(nfu_dev_by_index(net, 3)->up, 1);
	CHECK_INT(nfu_dev_by_index(net, 4)->up, 0);
	CHECK_INT(nfu_dev_by_index(net, 5)->up, 1);
	nfu_net_free(net);
}

/* Comments, blank lines, CR LF, a missing last newline, 'len'. */
static void test_text(void)
{
	static const char text[] = "ip link set f0\nip link set f1\n";
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;

	REQUIRE(net);
	CHECK_INT(load(net,
		       "# comment\n\n   \t\n"
		       "ip link set f0 up # trailing comment\r\n"
		       "ip link set f#1 up\r\n"
		       "sysctl net.ipv4.ip_forward=1",
		       &err), 0);
	CHECK(nfu_dev_by_name(net, "f#1") != NULL);
	CHECK_INT(sysctl(net, "net.ipv4.ip_forward"), 1);
	CHECK_INT(nfu_dev_count(net), 3);
	nfu_net_free(net);

	net = nfu_net_new();
	REQUIRE(net);
	CHECK_INT(nfu_topology_load(net, text, strlen("ip link set f0\n"),
				    NULL, &err), 0);
	CHECK_INT(nfu_dev_count(net), 2);
	CHECK_INT(nfu_topology_load(net, "", 0, NULL, &err), 0);
	CHECK_INT(nfu_topology_load(net, NULL, 0, NULL, NULL), 0);
	/* no name: "<string>"; no error object: still refused */
	CHECK_INT(nfu_topology_load(net, "ipx", 3, NULL, &err), -EINVAL);
	CHECK_STR(formatted(&err), "<string>:1:1: unknown command `ipx'");
	CHECK_INT(nfu_topology_load(net, "ipx", 3, NULL, NULL), -EINVAL);
	nfu_net_free(net);
}

/* 64 words a line at most: "ip link set f0" and 60 "up" fit, one more
 * does not. */
static void test_long_line(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;
	char text[400] = "ip link set f0";

	REQUIRE(net);
	for (int i = 0; i < 60; i++)
		strcat(text, " up");
	CHECK_INT(load(net, text, &err), 0);
	strcat(text, " up");
	CHECK_INT(load(net, text, &err), -EINVAL);
	CHECK_STR(formatted(&err), "t:1:196: too many words (at most 64)");
	nfu_net_free(net);
}

struct bad {
	const char *text;
	int rc;
	const char *error;
};

static const struct bad bad[] = {
	{ "ipx link set f0 up", -EINVAL, "t:1:1: unknown command `ipx'" },
	{ "ip route add 10.0.0.0/8 foo 1", -EINVAL,
	  "t:1:25: unknown keyword `foo' in ip route" },
	{ "ip route add 10/8 via 10.0.0.300", -EINVAL,
	  "t:1:23: invalid address `10.0.0.300'" },
	{ "ip addr add 10.0.0.300/24 dev f0", -EINVAL,
	  "t:1:13: invalid address `10.0.0.300/24'" },
	{ "ip addr add 010.0.0.1/8 dev f0", -EINVAL,
	  "t:1:13: invalid address `010.0.0.1/8'" },
	{ "ip link set f0 address 02:00", -EINVAL,
	  "t:1:24: invalid MAC address `02:00'" },
	{ "ip link set f0 address 02:00:00:00:00:001", -EINVAL,
	  "t:1:24: invalid MAC address `02:00:00:00:00:001'" },
	{ "ip link set f0 address 01:00:5e:00:00:01", -EADDRNOTAVAIL,
	  "t:1:24: cannot assign MAC address `01:00:5e:00:00:01': multicast or zero" },
	{ "ip link set f0 mtu", -EINVAL, "t:1:16: missing value after `mtu'" },
	{ "ip link set f0 mtu 0x10", -EINVAL, "t:1:20: invalid MTU `0x10'" },
	{ "ip link set f0 mtu 20", -EINVAL, "t:1:20: invalid MTU `20'" },
	{ "ip link set f0 mtu 1400 mtu 1500", -EINVAL,
	  "t:1:25: duplicate `mtu'" },
	{ "ip link set f0 f1", -EINVAL,
	  "t:1:16: unknown keyword `f1' in ip link" },
	{ "ip link set f0 name f1", -EINVAL,
	  "t:1:16: unsupported keyword `name' in ip link set" },
	{ "ip link set f0 promisc on", -EINVAL,
	  "t:1:16: unsupported keyword `promisc' in ip link" },
	{ "ip link set up", -EINVAL, "t:1:9: missing device in ip link set" },
	{ "ip link set f0/x up", -EINVAL,
	  "t:1:13: invalid device name `f0/x'" },
	{ "ip link set abcdefghijklmnop up", -EINVAL,
	  "t:1:13: invalid device name `abcdefghijklmnop'" },
	{ "ip link set f0\nip link add f0 type dummy", -EEXIST,
	  "t:2:13: device `f0' exists" },
	{ "ip route add 192.0.2.0/24 via 10.9.9.1", -ENETUNREACH,
	  "t:1:31: route gateway 10.9.9.1 is not on a connected network" },
	{ "ip addr add 10.0.0.1/24 dev f0\n"
	  "ip route add 10.1.0.0/16 via 10.0.0.9\n"
	  "ip route add 10.1.0.0/16 via 10.0.0.8",
	  -EEXIST, "t:3:14: route `10.1.0.0/16' exists" },
	{ "ip route add 10.1.2.0/16 dev f0", -EINVAL,
	  "t:1:14: invalid prefix for given prefix length `10.1.2.0/16'" },
	{ "ip route add 10.0.0.0/33 dev f0", -EINVAL,
	  "t:1:14: invalid prefix `10.0.0.0/33'" },
	{ "ip route add 10.0.0.0/8", -EINVAL,
	  "t:1:14: missing `dev' or `via' for route `10.0.0.0/8'" },
	{ "ip route add via 10.0.0.1", -EINVAL,
	  "t:1:10: missing destination in ip route add" },
	{ "ip route add defualt via 10.0.0.1", -EINVAL,
	  "t:1:14: unknown keyword `defualt' in ip route" },
	{ "ip route add 10.0.0.0/8 dev f0 mtu 1400", -EINVAL,
	  "t:1:32: unsupported keyword `mtu' in ip route" },
	{ "ip route add 10.0.0.0/8 dev f0 dev f1", -EINVAL,
	  "t:1:32: duplicate `dev'" },
	{ "ip route add 10.0.0.0/8 table 100 dev f0", -EINVAL,
	  "t:1:31: unsupported table `100' (only main and local)" },
	{ "ip route add 10.0.0.0/8 dev f0 scope far", -EINVAL,
	  "t:1:38: invalid scope `far'" },
	{ "ip route add 10.0.0.0/8 dev f0 proto nobody", -EINVAL,
	  "t:1:38: invalid protocol `nobody'" },
	{ "ip route add blackhole 10.0.0.0/8 dev f0", -EINVAL,
	  "t:1:35: `dev' cannot be used with a blackhole route" },
	{ "ip route add any 10.0.0.0/8 dev f0", -EINVAL,
	  "t:1:14: unsupported route type `any'" },
	{ "ip addr add 10.0.0.2/24 dev f0\n"
	  "ip route add 10.1.0.0/16 via 10.0.0.1 src 10.0.0.5",
	  -EINVAL, "t:2:43: source address `10.0.0.5' is not a local address" },
	{ "ip route del 10.0.0.0/8", -EINVAL,
	  "t:1:10: unsupported command `del' in ip route (a topology only adds)" },
	{ "ip route frob", -EINVAL, "t:1:10: unknown command `frob' in ip route" },
	{ "ip rule add from all", -EINVAL, "t:1:4: unsupported object `rule' in ip" },
	{ "ip foo", -EINVAL, "t:1:4: unknown object `foo' in ip" },
	{ "ip -6 route add ::/0 dev f0", -EINVAL,
	  "t:1:4: unsupported option `-6' in ip" },
	{ "ip", -EINVAL, "t:1:1: missing object after `ip'" },
	{ "ip route", -EINVAL, "t:1:4: missing command after `route'" },
	{ "ip addr add 10.0.0.1/24", -EINVAL,
	  "t:1:9: missing `dev' in ip address add" },
	{ "ip addr add dev f0", -EINVAL,
	  "t:1:9: missing address in ip address add" },
	{ "ip addr add 10.0.0.1/24 label f0:1 dev f0", -EINVAL,
	  "t:1:25: unsupported keyword `label' in ip address" },
	{ "ip addr add 10.0.0.1/24 10.0.0.2/24 dev f0", -EINVAL,
	  "t:1:25: unknown keyword `10.0.0.2/24' in ip address" },
	{ "ip addr add 10.0.0.1/24 brd 10.0.0.256 dev f0", -EINVAL,
	  "t:1:29: invalid address `10.0.0.256'" },
	{ "ip addr add 224.0.0.1/24 dev f0", -EINVAL,
	  "t:1:13: invalid address `224.0.0.1/24'" },
	{ "ip addr add 10.0.0.1/24 dev f0\nip addr add 10.0.0.1/24 dev f0",
	  -EEXIST, "t:2:13: address `10.0.0.1/24' exists on f0" },
	{ "ip neigh add 10.0.0.1 dev f0", -EINVAL,
	  "t:1:10: missing `lladdr' in ip neigh add" },
	{ "ip neigh add lladdr 02:00:00:00:00:01 dev f0", -EINVAL,
	  "t:1:10: missing address in ip neigh add" },
	{ "ip neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 dev f0 nud delay",
	  -EINVAL, "t:1:59: unsupported nud state `delay'" },
	{ "ip neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 dev f0 nud sleepy",
	  -EINVAL, "t:1:59: invalid nud state `sleepy'" },
	{ "ip neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 dev f0 proxy x",
	  -EINVAL, "t:1:55: unsupported keyword `proxy' in ip neigh" },
	{ "ip neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 dev f0\n"
	  "ip neigh add 10.0.0.1 lladdr 02:00:00:00:00:02 dev f0",
	  -EEXIST, "t:2:14: neighbour `10.0.0.1' exists on f0" },
	{ "ip neigh add 0.0.0.0 lladdr 02:00:00:00:00:01 dev f0", -EINVAL,
	  "t:1:14: invalid neighbour address `0.0.0.0'" },
	{ "sysctl -w net.ipv4.ip_forward=abc", -EINVAL,
	  "t:1:31: invalid value `abc' for net.ipv4.ip_forward" },
	{ "sysctl net.ipv4.nope=1", -ENOENT,
	  "t:1:8: unknown sysctl `net.ipv4.nope'" },
	{ "sysctl -w net/ipv4/conf/f9/rp_filter=1", -ENOENT,
	  "t:1:11: unknown sysctl `net/ipv4/conf/f9/rp_filter'" },
	{ "sysctl -p", -EINVAL, "t:1:8: unsupported option `-p' in sysctl" },
	{ "sysctl net.ipv4.ip_forward", -EINVAL,
	  "t:1:8: `net.ipv4.ip_forward' must be of the form NAME=VALUE" },
	{ "sysctl -w", -EINVAL, "t:1:8: missing NAME=VALUE after `-w'" },
	{ "sysctl -w =1", -EINVAL, "t:1:11: `=1' must be of the form NAME=VALUE" },
	{ "# c\n\nip link set f0 up # ok\n  ip  bogus", -EINVAL,
	  "t:4:7: unknown object `bogus' in ip" },
	{ "ip link\001 set", -EINVAL, "t:1:8: invalid character 0x01" },
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nfu_net *net = nfu_net_new();
		struct nfu_error err;
		int rc;

		REQUIRE(net);
		rc = load(net, bad[i].text, &err);
		CHECK_INT(rc, bad[i].rc);
		CHECK_STR(formatted(&err), bad[i].error);
		/* nothing of it stays */
		CHECK_INT(nfu_dev_count(net), 1);
		nfu_net_free(net);
	}
}

/* Fixtures whose first line is "# expect: ERROR". */
static void test_bad_files(void)
{
	static const char *const files[] = {
		DATA "bad-gateway.topo", DATA "bad-host-bits.topo",
		DATA "bad-sysctl.topo", DATA "bad-exists.topo",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct nfu_net *net = nfu_net_new();
		char expect[600] = "";
		struct nfu_error err;
		FILE *f = fopen(files[i], "r");
		int rc;

		REQUIRE(net);
		REQUIRE(f);
		REQUIRE(fgets(expect, sizeof(expect), f));
		fclose(f);
		REQUIRE(!strncmp(expect, "# expect: ", 10));
		expect[strcspn(expect, "\n")] = '\0';

		rc = nfu_topology_load_file(net, files[i], &err);
		CHECK(rc < 0);
		CHECK_STR(formatted(&err), expect + 10);
		CHECK_INT(nfu_dev_count(net), 1);
		nfu_net_free(net);
	}
}

static void test_missing_file(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;

	REQUIRE(net);
	CHECK_INT(nfu_topology_load_file(net, DATA "none.topo", &err), -ENOENT);
	CHECK_STR(formatted(&err),
		  DATA "none.topo: cannot open `" DATA
		  "none.topo': No such file or directory");
	nfu_net_free(net);
}

/* A text that fails on its last line leaves the stack as it was: devices,
 * addresses, sysctls. */
static void test_transaction(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;

	REQUIRE(net);
	CHECK_INT(load(net,
		       "ip link set f0 up\n"
		       "ip addr add 10.0.0.2/24 dev f0\n"
		       "sysctl -w net.ipv4.ip_forward=1\n"
		       "ip route add 10.1.0.0/16 via 10.0.0.1\n"
		       "ip route add 10.2.0.0/16 via 10.9.9.9\n",
		       &err), -ENETUNREACH);
	CHECK_STR(formatted(&err),
		  "t:5:30: route gateway 10.9.9.9 is not on a connected network");
	CHECK_INT(nfu_dev_count(net), 1);
	CHECK(nfu_dev_by_name(net, "f0") == NULL);
	CHECK_INT(nfu_addr_is_local(net, ip("10.0.0.2")), 0);
	CHECK_INT(sysctl(net, "net.ipv4.ip_forward"), 0);

	/* the same on a stack that has a topology already */
	CHECK_INT(nfu_topology_load_file(net, "examples/router.topo", &err), 0);
	CHECK_INT(load(net,
		       "ip link set f7 up\n"
		       "ip link set f0 mtu 9000\n"
		       "sysctl -w net.ipv4.ip_forward=0\n"
		       "ip addr add 10.7.0.1/24 dev f7\n"
		       "sysctl -w net.ipv4.conf.f0.rp_filter=9 x\n",
		       &err), -EINVAL);
	CHECK_STR(formatted(&err),
		  "t:5:40: `x' must be of the form NAME=VALUE");
	CHECK_INT(nfu_dev_count(net), 3);
	CHECK_INT(nfu_dev_by_index(net, 2)->mtu, 1500);
	CHECK_INT(sysctl(net, "net.ipv4.ip_forward"), 1);
	CHECK_INT(nfu_addr_is_local(net, ip("10.7.0.1")), 0);
	nfu_net_free(net);
}

/* The dry run knows the devices the stack has (but not its addresses: a
 * conflict with one is found when applying to the stack itself). */
static void test_existing_stack(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;

	REQUIRE(net);
	REQUIRE(nfu_dev_add(net, "eth0") == 2);
	CHECK_INT(load(net, "sysctl -w net.ipv4.conf.eth0.rp_filter=2\n", &err),
		  0);
	CHECK_INT(sysctl(net, "net.ipv4.conf.eth0.rp_filter"), 2);
	CHECK_INT(load(net, "ip link add eth0 type dummy\n", &err), -EEXIST);
	CHECK_STR(formatted(&err), "t:1:13: device `eth0' exists");

	CHECK_INT(load(net, "ip addr add 10.0.0.1/24 dev eth0\n", &err), 0);
	CHECK_INT(load(net, "ip addr add 10.0.0.1/24 dev eth0\n", &err),
		  -EEXIST);
	CHECK_STR(formatted(&err), "t:1:13: address `10.0.0.1/24' exists on eth0");
	CHECK_INT(nfu_dev_count(net), 2);
	nfu_net_free(net);
}

static void test_error_format(void)
{
	struct nfu_error err;
	char buf[64];

	CHECK_INT(nfu_error_set(&err, "f.topo", 3, 18, "unknown device `%s'",
				"f9"), -EINVAL);
	CHECK_STR(formatted(&err), "f.topo:3:18: unknown device `f9'");
	nfu_error_set(&err, "f.topo", 3, 0, "bad");
	CHECK_STR(formatted(&err), "f.topo:3: bad");
	nfu_error_set(&err, "f.topo", 0, 7, "bad");
	CHECK_STR(formatted(&err), "f.topo: bad");
	nfu_error_set(&err, NULL, 0, 0, "bad");
	CHECK_STR(formatted(&err), "bad");
	nfu_error_set(&err, "", 2, 1, "bad");
	CHECK_STR(formatted(&err), "2:1: bad");
	CHECK_INT(nfu_error_set(NULL, "x", 1, 1, "ignored"), -EINVAL);
	nfu_error_set(&err, "f.topo", 3, 18, "%s", "a message too long for buf");
	nfu_error_format(&err, buf, 16);
	CHECK_STR(buf, "f.topo:3:18: a ");
	nfu_error_format(NULL, buf, sizeof(buf));
	CHECK_STR(buf, "");
}

int main(void)
{
	RUN(test_router_example);
	RUN(test_lab_file);
	RUN(test_route_defaults);
	RUN(test_devices);
	RUN(test_text);
	RUN(test_long_line);
	RUN(test_bad);
	RUN(test_bad_files);
	RUN(test_missing_file);
	RUN(test_transaction);
	RUN(test_existing_stack);
	RUN(test_error_format);
	return harness_done();
}
