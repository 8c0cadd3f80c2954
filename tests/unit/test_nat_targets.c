/* SPDX-License-Identifier: MIT */
/*
 * test_nat_targets.c - REDIRECT and NETMAP on the host's own packets, in
 * the nat table's OUTPUT chain: what the conformance scenarios
 * (nat-redirect, nat-netmap) cannot show, since the host they test has
 * no sockets and its answers never start a connection.
 *
 * Each test builds the two-network host of ipv4_scene.h, restores a nat
 * ruleset, sends a packet from the host with nfu_send_ip() and looks at
 * the hooks it passed, the frames that left and the connection table.
 * What they must be is what Linux 6.18 did in a namespace with the same
 * addresses (a veth d0 10.0.1.1/24 to a peer namespace, 192.168.0.0/16
 * via 10.0.1.2, iptables-legacy mangle rules counting each hook, the
 * datagrams sent from a socket bound to 10.0.1.1, conntrack -L):
 *  - REDIRECT in OUTPUT: UDP 10.0.1.1:1000 > 10.0.1.2:53 with
 *    --to-ports 5353 goes to 127.0.0.1:5353 by lo (OUTPUT, POSTROUTING -o
 *    lo, PREROUTING -i lo, INPUT), nothing leaves d0, the port
 *    unreachable comes back the same way (the socket gets ECONNREFUSED);
 *    the connection stays, "src=10.0.1.1 dst=10.0.1.2 sport=1000
 *    dport=53 [UNREPLIED] src=127.0.0.1 dst=10.0.1.1 sport=5353
 *    dport=1000".  A TCP SYN to port 80 without --to-ports: the same
 *    way, the reset too, and the connection is gone.
 *  - NETMAP --to 192.168.7.0/24 in OUTPUT: the datagram to 10.0.1.2
 *    leaves d0 to 192.168.7.2 (routed again after the NAT hook); reply
 *    tuple "src=192.168.7.2 dst=10.0.1.1 sport=53 dport=1000".
 */
#include "conntrack/ct-private.h"
#include "ipv4_scene.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

static const char nat_head[] =
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n";

/* The scene with 'rules' (nat lines) committed. */
static bool up(const char *rules)
{
	struct nfu_xt_ruleset *rs;
	struct nfu_error err = { 0 };
	char text[1024];

	if (!scene_up(NULL))
		return false;
	snprintf(text, sizeof(text), "%s%sCOMMIT\n", nat_head, rules);
	rs = nfu_xt_ruleset_clone(nfu_xt_current(sc.net));
	if (!rs || nfu_xt_restore(rs, text, strlen(text), 0, NULL, &err) ||
	    nfu_xt_commit(sc.net, rs, &err)) {
		HARNESS_FAIL("load: %s", err.msg);
		nfu_xt_ruleset_free(rs);
		return false;
	}
	return true;
}

struct ct_list {
	char text[2048];
	unsigned int n;
};

static void ct_one(struct nfu_ct *ct, void *priv)
{
	struct ct_list *l = priv;
	size_t used = strlen(l->text);

	nfu_ct_format(ct, false, l->text + used, sizeof(l->text) - used - 1);
	strcat(l->text, "\n");
	l->n++;
}

/* The connection table as conntrack -L lines. */
static void ct_list(struct ct_list *l)
{
	memset(l, 0, sizeof(*l));
	if (sc.net->ct)
		nfu_ct_walk(sc.net->ct, ct_one, l);
}

/* The packets counted by the nat rule saved as 'rule', or -1. */
static long long nat_pkts(const char *rule)
{
	struct nfu_strbuf sb;
	long long n = -1;
	const char *at;

	nfu_sb_init(&sb);
	nfu_xt_save(nfu_xt_current(sc.net), "nat", true, &sb);
	at = sb.s ? strstr(sb.s, rule) : NULL;
	if (at && at > sb.s + 2 && at[-1] == ' ') {
		const char *open = at - 2;

		while (open > sb.s && *open != '[')
			open--;
		n = strtoll(open + 1, NULL, 10);
	}
	nfu_sb_free(&sb);
	return n;
}

static void test_redirect_output_udp(void)
{
	uint8_t p[200];
	struct ct_list l;
	size_t n;

	REQUIRE(up("-A OUTPUT -p udp -m udp --dport 53 -j REDIRECT "
		   "--to-ports 5353\n"));
	n = build_udp(p, IP_E1, IP_B, 1000, 53, 8);
	CHECK_INT(nfu_send_ip(sc.net, p, n), 0);
	/* by lo there and back: the datagram, then its port unreachable */
	CHECK_STR(sc.trace, "OSPIOSPI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(nat_pkts("-A OUTPUT -p udp -m udp --dport 53 -j REDIRECT "
			   "--to-ports 5353"), 1);
	ct_list(&l);
	CHECK_INT(l.n, 1);
	CHECK(strstr(l.text, "src=10.0.1.1 dst=10.0.1.2 sport=1000 dport=53 "
			     "[UNREPLIED] src=127.0.0.1 dst=10.0.1.1 "
			     "sport=5353 dport=1000 ") != NULL);
	scene_down();
}

static void test_redirect_output_tcp(void)
{
	uint8_t p[200];
	struct ct_list l;
	size_t n;

	REQUIRE(up("-A OUTPUT -p tcp -m tcp --dport 80 -j REDIRECT\n"));
	n = build_tcp(p, IP_E1, IP_B, 1001, 80, 1000, 0, TH_SYN, 0);
	CHECK_INT(nfu_send_ip(sc.net, p, n), 0);
	/* the SYN to 127.0.0.1:80, the reset back: neither leaves */
	CHECK_STR(sc.trace, "OSPIOSPI");
	CHECK_INT(sc.nout, 0);
	CHECK_INT(nat_pkts("-A OUTPUT -p tcp -m tcp --dport 80 -j REDIRECT"),
		  1);
	/* the reset ended the connection, as in Linux */
	ct_list(&l);
	CHECK_INT(l.n, 0);
	scene_down();
}

static void test_netmap_output(void)
{
	uint8_t p[200];
	struct ct_list l;
	const uint8_t *ip;
	size_t n;

	REQUIRE(up("-A OUTPUT -p udp -j NETMAP --to 192.168.7.0/24\n"));
	n = build_udp(p, IP_E1, IP_B, 1000, 53, 8);
	CHECK_INT(nfu_send_ip(sc.net, p, n), 0);
	CHECK_STR(sc.trace, "OS");
	REQUIRE(sc.nout == 1);
	CHECK_INT(sc.out[0].ifindex, E1);
	CHECK_MEM(sc.out[0].b, MAC_B, 6);
	ip = sc.out[0].b + 14;
	CHECK_INT(rd32(ip + 12), IP_E1);
	CHECK_INT(rd32(ip + 16), A4(192, 168, 7, 2)); /* the host part kept */
	CHECK_INT(rd16(ip + 20), 1000);
	CHECK_INT(rd16(ip + 22), 53);
	CHECK(ip_csum_ok(ip));
	CHECK(l4_csum_ok(ip));
	ct_list(&l);
	CHECK_INT(l.n, 1);
	CHECK(strstr(l.text, "src=10.0.1.1 dst=10.0.1.2 sport=1000 dport=53 "
			     "[UNREPLIED] src=192.168.7.2 dst=10.0.1.1 "
			     "sport=53 dport=1000 ") != NULL);
	scene_down();
}

int main(void)
{
	RUN(test_redirect_output_udp);
	RUN(test_redirect_output_tcp);
	RUN(test_netmap_output);
	return harness_done();
}
