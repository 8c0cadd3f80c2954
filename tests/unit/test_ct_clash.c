/* SPDX-License-Identifier: MIT */
/*
 * test_ct_clash.c - two new connections of one flow at confirm: Linux
 * 6.18's clash resolution (nf_ct_resolve_clash() and its helpers), driven
 * through the whole stack.
 *
 * Each test builds the two-network host of ipv4_scene.h (A 10.0.0.2 on
 * e0, B 10.0.1.2 on e1, 192.168.0.0/16 via B, forwarding on) and holds
 * the packets of one flow in an in-process queue handler: a hook at
 * FORWARD (or at POST_ROUTING after SNAT) answers NFU_QUEUE while 'hold'
 * is set, the handler keeps the entries, and the test reinjects them in
 * the order it wants.  So both packets made their own connection before
 * either is confirmed, as two threads sending at once or a queue make
 * them in Linux.
 *
 * What Linux does (nf_conntrack_core.c as of 6.12, read, with the 6.12
 * "reverse collisions" change; run against Linux 6.18 by the conformance
 * scenarios ct-clash-udp, ct-clash-tcp, ct-clash-icmp, nat-clash-udp and
 * nat-clash-merge, whose queue handler holds the first packet):
 *   - UDP (and UDP-Lite, GRE, the generic tracker: allow_clash) with the
 *     same tuples, translated the same way or not at all: the second
 *     packet takes the first's connection (merged), clash_resolve counts;
 *   - UDP whose two translations differ: the second connection goes into
 *     the table by its reply tuple only (IPS_NAT_CLASH, one second, never
 *     ASSURED, not listed), so the replies to both translations reach the
 *     client;
 *   - TCP and ICMP: the second packet is dropped (insert_failed, drop).
 */
#include <arpa/inet.h>
#include <errno.h>

#include "conntrack/ct-private.h"
#include "ipv4_scene.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

#define NAT_HEAD                                                             \
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"              \
	":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"

#define SRV A4(192, 168, 0, 1)  /* what A sends to */
#define REAL A4(192, 168, 0, 10) /* where DNAT sends it */

/* The queue: a hook that queues while 'hold', a handler that keeps. */
static struct {
	bool hold;
	struct nfu_queue_entry *e[8];
	unsigned int n;
	struct nfu_hook_ops ops;
} q;

static unsigned int queue_fn(void *priv, struct nfu_pkt *pkt,
			     const struct nfu_hook_state *state)
{
	(void)priv;
	(void)pkt;
	(void)state;
	return q.hold ? NFU_VERDICT_QUEUE(0, 0) : NFU_ACCEPT;
}

static int hold_out(void *priv, struct nfu_queue_entry *e, unsigned int num)
{
	(void)priv;
	(void)num;
	if (q.n == 8)
		return -ENOSPC;
	q.e[q.n++] = e;
	return 0;
}

static void hold_drop(void *priv, struct nfu_net *net)
{
	(void)priv;
	(void)net;
	while (q.n)
		nfu_reinject(q.e[--q.n], NFU_DROP);
}

static const struct nfu_queue_handler handler = {
	.outfn = hold_out,
	.hook_drop = hold_drop,
};

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

/* The host with conntrack, counters per connection, the nat table
 * 'nat' (rules, or NULL: no nat table at all) and the queueing hook at
 * 'hook' with 'prio'. */
static bool clash_up(const char *nat, unsigned int hook, int prio)
{
	char text[4096];

	memset(&q, 0, sizeof(q));
	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	nfu_net_set_time(sc.net, 1000000000ull);
	if (nfu_ct_enable(sc.net) ||
	    nfu_sysctl_set(sc.net, "net.netfilter.nf_conntrack_acct", "1")) {
		HARNESS_FAIL("conntrack");
		return false;
	}
	if (nat) {
		snprintf(text, sizeof(text), NAT_HEAD "%sCOMMIT\n", nat);
		if (!load(text))
			return false;
	}
	q.ops = (struct nfu_hook_ops){ .hook = queue_fn,
				       .pf = NFU_PROTO_IPV4,
				       .hooknum = (uint8_t)hook,
				       .priority = prio };
	if (nfu_hook_register(sc.net, &q.ops) ||
	    nfu_queue_handler_register(sc.net, NFU_PROTO_IPV4, &handler)) {
		HARNESS_FAIL("queue");
		return false;
	}
	return true;
}

static struct nfu_ct_net *cn(void)
{
	return sc.net->ct;
}

static void set_time(double secs)
{
	nfu_net_set_time(sc.net, (uint64_t)(secs * 1e9));
}

/* Reinjects held entry 'i' with ACCEPT (the others keep their places). */
static void release(unsigned int i)
{
	struct nfu_queue_entry *e;

	if (i >= q.n) {
		HARNESS_FAIL("no entry %u held (%u)", i, q.n);
		return;
	}
	e = q.e[i];
	memmove(q.e + i, q.e + i + 1, (q.n - i - 1) * sizeof(q.e[0]));
	q.n--;
	nfu_reinject(e, NFU_ACCEPT);
}

static size_t udp_len(size_t dlen)
{
	return 20 + 8 + dlen;
}

/* A's UDP datagram 5000 -> SRV:53 with 'dlen' bytes, from e0. */
static void a_udp(size_t dlen)
{
	uint8_t p[200];

	scene_rx(E0, p, build_udp(p, IP_A, SRV, 5000, 53, dlen));
}

/* The connections conntrack -L lists. */
static size_t listed(void)
{
	struct nfu_ct **v;
	size_t n = 0;

	if (nfu_ct_list(cn(), &v, &n))
		return (size_t)-1;
	free(v);
	return n;
}

static struct nfu_ct_tuple udp_tuple(uint32_t s, uint32_t d, unsigned int sp,
				     unsigned int dp)
{
	struct nfu_ct_tuple t;

	memset(&t, 0, sizeof(t));
	t.src = htonl(s);
	t.dst = htonl(d);
	t.sport = htons((uint16_t)sp);
	t.dport = htons((uint16_t)dp);
	t.proto = 17;
	return t;
}

/* The same flow twice, no NAT: the second packet is merged into the
 * first's connection (nf_ct_match()), with its bytes counted there. */
static void test_udp_merge_plain(void)
{
	struct nfu_ct_tuple t = udp_tuple(IP_A, SRV, 5000, 53);
	struct nfu_ct *ct;
	unsigned int dir = 9;

	REQUIRE(clash_up(NULL, NFU_INET_FORWARD, NFU_IP_PRI_FILTER));
	q.hold = true;
	a_udp(10);
	a_udp(30);
	REQUIRE(q.n == 2);
	CHECK_INT(cn()->count, 2); /* each its own, unconfirmed */
	q.hold = false;
	release(0);
	CHECK_INT(cn()->insert, 1);
	release(0);
	CHECK_INT(sc.nout, 2); /* both left */
	CHECK_INT(cn()->clash_resolve, 1);
	CHECK_INT(cn()->insert_failed, 0);
	CHECK_INT(cn()->drop, 0);
	CHECK_INT(cn()->insert, 1);
	CHECK_INT(cn()->confirmed, 1);
	CHECK_INT(cn()->count, 1); /* the loser is gone with its packet */
	CHECK_INT(listed(), 1);
	ct = nfu_ct_find(cn(), &t, 0, &dir);
	REQUIRE(ct);
	CHECK_INT(dir, NFU_CT_DIR_ORIGINAL);
	CHECK_INT(ct->packets[0], 2);
	CHECK_INT(ct->bytes[0], udp_len(10) + udp_len(30));
	CHECK(!(ct->status & NFU_IPS_NAT_CLASH));
	scene_down();
}

/* SNAT of both while unconfirmed (held after SNAT, before confirm): both
 * keep port 5000 on 10.0.1.1, the same translation, merged. */
static void test_udp_merge_same_nat(void)
{
	REQUIRE(clash_up("-A POSTROUTING -o e1 -j SNAT --to-source 10.0.1.1\n",
			 NFU_INET_POST_ROUTING, NFU_IP_PRI_NAT_SRC + 1));
	q.hold = true;
	a_udp(10);
	a_udp(10);
	REQUIRE(q.n == 2);
	q.hold = false;
	release(1); /* the second first: order does not matter */
	release(0);
	REQUIRE(sc.nout == 2);
	for (unsigned int i = 0; i < 2; i++) {
		CHECK_INT(rd32(out_ip(i) + 12), IP_E1);
		CHECK_INT(rd16(out_ip(i) + 20), 5000);
	}
	CHECK_INT(cn()->clash_resolve, 1);
	CHECK_INT(cn()->insert_failed, 0);
	CHECK_INT(cn()->confirmed, 1);
	CHECK_INT(listed(), 1);
	scene_down();
}

/* The reply from 'port' of the real server to A, from e1; returns the
 * index of what left, or -1. */
static int reply_from(uint32_t src, unsigned int port)
{
	uint8_t p[200];
	unsigned int before = sc.nout;

	scene_rx(E1, p, build_udp(p, src, IP_A, port, 5000, 4));
	return sc.nout == before + 1 ? (int)before : -1;
}

/* DNAT to a range of ports with --random: each of the two connections
 * draws its own port.  The first goes into the table; the second only
 * by its reply tuple (nf_ct_resolve_clash_harder()), so the server's
 * answers from both ports reach A, rewritten to SRV:53.  The clash entry
 * is not listed, never assured, and gone after its one second. */
static void test_udp_dnat_differs(void)
{
	struct nfu_ct_tuple t = udp_tuple(IP_A, SRV, 5000, 53), r;
	struct nfu_ct *ct, *clash;
	unsigned int p1, p2, dir = 9;
	int i;

	REQUIRE(clash_up("-A PREROUTING -i e0 -p udp -d 192.168.0.1 --dport 53 "
			 "-j DNAT --to-destination 192.168.0.10:7000-7999 --random\n",
			 NFU_INET_FORWARD, NFU_IP_PRI_FILTER));
	q.hold = true;
	a_udp(10);
	a_udp(20);
	REQUIRE(q.n == 2);
	q.hold = false;
	release(0);
	release(0);
	REQUIRE(sc.nout == 2);
	CHECK_INT(rd32(out_ip(0) + 16), REAL);
	CHECK_INT(rd32(out_ip(1) + 16), REAL);
	p1 = rd16(out_ip(0) + 22);
	p2 = rd16(out_ip(1) + 22);
	CHECK(p1 >= 7000 && p1 <= 7999 && p2 >= 7000 && p2 <= 7999);
	REQUIRE(p1 != p2); /* two draws (else the scene proves nothing) */
	CHECK_INT(cn()->clash_resolve, 1);
	CHECK_INT(cn()->insert_failed, 0);
	CHECK_INT(cn()->drop, 0);
	CHECK_INT(cn()->confirmed, 2);
	CHECK_INT(cn()->count, 2);
	CHECK_INT(listed(), 1); /* conntrack -L shows the first only */
	/* the original tuple finds the first */
	ct = nfu_ct_find(cn(), &t, 0, &dir);
	REQUIRE(ct);
	CHECK_INT(dir, NFU_CT_DIR_ORIGINAL);
	CHECK_INT(ntohs(ct->tuplehash[NFU_CT_DIR_REPLY].tuple.sport), p1);
	CHECK_INT(ct->packets[0], 1); /* not merged: its own packet only */
	/* the second's reply tuple finds the clash entry */
	r = udp_tuple(REAL, IP_A, p2, 5000);
	clash = nfu_ct_find(cn(), &r, 0, &dir);
	REQUIRE(clash && clash != ct);
	CHECK_INT(dir, NFU_CT_DIR_REPLY);
	CHECK((clash->status & (NFU_IPS_NAT_CLASH | NFU_IPS_FIXED_TIMEOUT |
				NFU_IPS_CONFIRMED | NFU_IPS_DST_NAT)) ==
	      (NFU_IPS_NAT_CLASH | NFU_IPS_FIXED_TIMEOUT | NFU_IPS_CONFIRMED |
	       NFU_IPS_DST_NAT));
	CHECK_INT(clash->timeout, 2000000000ull); /* one second */
	/* answers from both ports reach A as from SRV:53 */
	set_time(1.5);
	i = reply_from(REAL, p2);
	REQUIRE(i >= 0);
	CHECK_INT(sc.out[i].ifindex, E0);
	CHECK_INT(rd32(out_ip(i) + 12), SRV);
	CHECK_INT(rd16(out_ip(i) + 20), 53);
	CHECK_INT(rd32(out_ip(i) + 16), IP_A);
	CHECK(clash->status & NFU_IPS_SEEN_REPLY);
	i = reply_from(REAL, p1);
	REQUIRE(i >= 0);
	CHECK_INT(rd32(out_ip(i) + 12), SRV);
	CHECK_INT(rd16(out_ip(i) + 20), 53);
	/* later packets of A go to the first's port */
	set_time(1.9);
	a_udp(5);
	CHECK_INT(rd16(out_ip(sc.nout - 1) + 22), p1);
	/* past the second stream: the first is assured, the clash entry
	 * is not, and its timeout did not move */
	set_time(1.95);
	reply_from(REAL, p2);
	reply_from(REAL, p1);
	set_time(3.5);
	reply_from(REAL, p1);
	CHECK(ct->status & NFU_IPS_ASSURED);
	/* the clash entry is gone: an answer from p2 is not rewritten */
	i = reply_from(REAL, p2);
	REQUIRE(i >= 0);
	CHECK_INT(rd32(out_ip(i) + 12), REAL);
	CHECK_INT(rd16(out_ip(i) + 20), p2);
	scene_down();
}

/* SNAT with a random port from a range: the two draws differ, the
 * second goes in by its reply tuple; answers to both ports reach A. */
static void test_udp_snat_differs(void)
{
	unsigned int p1, p2;
	int i;

	REQUIRE(clash_up("-A POSTROUTING -o e1 -p udp -j SNAT "
			 "--to-source 10.0.1.1:6000-6999 --random\n",
			 NFU_INET_POST_ROUTING, NFU_IP_PRI_NAT_SRC + 1));
	q.hold = true;
	a_udp(10);
	a_udp(10);
	REQUIRE(q.n == 2);
	q.hold = false;
	release(0);
	release(0);
	REQUIRE(sc.nout == 2);
	p1 = rd16(out_ip(0) + 20);
	p2 = rd16(out_ip(1) + 20);
	REQUIRE(p1 != p2);
	CHECK_INT(cn()->clash_resolve, 1);
	CHECK_INT(cn()->confirmed, 2);
	CHECK_INT(listed(), 1);
	for (unsigned int k = 0; k < 2; k++) {
		uint8_t p[200];
		unsigned int before = sc.nout;

		scene_rx(E1, p, build_udp(p, SRV, IP_E1, 53, k ? p2 : p1, 4));
		REQUIRE(sc.nout == before + 1);
		i = (int)before;
		CHECK_INT(sc.out[i].ifindex, E0);
		CHECK_INT(rd32(out_ip(i) + 16), IP_A);
		CHECK_INT(rd16(out_ip(i) + 22), 5000);
	}
	scene_down();
}

/* Both ends' first packets at once: A -> SRV and SRV -> A, held; the
 * second is the first's flow seen from the other end
 * (nf_ct_match_reverse(), Linux 6.12 and later): merged. */
static void test_udp_reverse(void)
{
	uint8_t p[200];

	REQUIRE(clash_up(NULL, NFU_INET_FORWARD, NFU_IP_PRI_FILTER));
	q.hold = true;
	a_udp(10);
	scene_rx(E1, p, build_udp(p, SRV, IP_A, 53, 5000, 10));
	REQUIRE(q.n == 2);
	q.hold = false;
	release(0);
	release(0);
	CHECK_INT(sc.nout, 2);
	CHECK_INT(cn()->clash_resolve, 1);
	CHECK_INT(cn()->insert_failed, 0);
	CHECK_INT(cn()->confirmed, 1);
	scene_down();
}

/* TCP does not allow clashes: the second SYN is dropped at confirm. */
static void test_tcp_dropped(void)
{
	uint8_t p[200];

	REQUIRE(clash_up(NULL, NFU_INET_FORWARD, NFU_IP_PRI_FILTER));
	q.hold = true;
	scene_rx(E0, p, build_tcp(p, IP_A, SRV, 5000, 80, 1000, 0, TH_SYN, 0));
	scene_rx(E0, p, build_tcp(p, IP_A, SRV, 5000, 80, 1000, 0, TH_SYN, 0));
	REQUIRE(q.n == 2);
	q.hold = false;
	release(0);
	release(0);
	CHECK_INT(sc.nout, 1);
	CHECK_INT(cn()->clash_resolve, 0);
	CHECK_INT(cn()->insert_failed, 1);
	CHECK_INT(cn()->drop, 1);
	CHECK_INT(cn()->confirmed, 1);
	CHECK_INT(cn()->count, 1);
	CHECK_INT(drops_of(NFU_DROP_CT_CLASH), 1);
	scene_down();
}

/* ICMP does not either (Linux's ICMP tracker has no allow_clash; Linux
 * 6.18 drops the second echo request in ct-clash-icmp). */
static void test_icmp_dropped(void)
{
	uint8_t p[200];

	REQUIRE(clash_up(NULL, NFU_INET_FORWARD, NFU_IP_PRI_FILTER));
	q.hold = true;
	scene_rx(E0, p, build_echo(p, IP_A, SRV, 77, 1, 8));
	scene_rx(E0, p, build_echo(p, IP_A, SRV, 77, 1, 8));
	REQUIRE(q.n == 2);
	q.hold = false;
	release(0);
	release(0);
	CHECK_INT(sc.nout, 1);
	CHECK_INT(cn()->insert_failed, 1);
	CHECK_INT(cn()->drop, 1);
	scene_down();
}

/* The generic tracker allows clashes (protocol 99, no ports): merged. */
static void test_generic_merge(void)
{
	uint8_t p[200];

	REQUIRE(clash_up(NULL, NFU_INET_FORWARD, NFU_IP_PRI_FILTER));
	q.hold = true;
	for (int k = 0; k < 2; k++) {
		fill(p + 20, 12, 1);
		scene_rx(E0, p, build_ip(p, IP_A, SRV, 99, 12));
	}
	REQUIRE(q.n == 2);
	q.hold = false;
	release(0);
	release(0);
	CHECK_INT(sc.nout, 2);
	CHECK_INT(cn()->clash_resolve, 1);
	CHECK_INT(cn()->insert_failed, 0);
	scene_down();
}

int main(void)
{
	RUN(test_udp_merge_plain);
	RUN(test_udp_merge_same_nat);
	RUN(test_udp_dnat_differs);
	RUN(test_udp_snat_differs);
	RUN(test_udp_reverse);
	RUN(test_tcp_dropped);
	RUN(test_icmp_dropped);
	RUN(test_generic_merge);
	return harness_done();
}
