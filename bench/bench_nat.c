/* SPDX-License-Identifier: MIT */
/*
 * bench_nat - NAT at scale: N TCP connections (default 100,000) from a
 * LAN through MASQUERADE, and N connections from the Internet to a port
 * forward (DNAT), through a router with a stateful filter; each
 * connection's SYN (a new connection: the nat table, a binding), its
 * SYN/ACK (the reply, rewritten back) and ACK (established, rewritten).
 * The same frames through the same router without the nat table are the
 * baseline, run in the same process: the difference is NAT's cost.  A
 * last run makes every LAN connection use one source port to one server,
 * so that each binding after the first must search for a free port.
 *
 * Printed: ns per packet (CPU time of the process, the figures hold on a
 * loaded machine) and packets per second for each step, NAT's share, and
 * new bindings per second; then what became of the packets (forwarded,
 * dropped) as a check that the run did what it says.
 *
 *   build/bench/bench_nat [connections [runs]]
 *
 * (each figure the least of 'runs', default 5).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nat/nat-private.h"
#include "nfu/nfu.h"
#include "xtables/lang.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* lan0: 10.0.0.0/8, the clients; wan0: 172.16.0.1, the provider's router
 * 172.16.0.2 and the Internet (192.168.0.0/16, 11.0.0.0/8) behind it. */
static const char topo[] =
	"ip link set lan0 address 02:00:00:00:00:01\n"
	"ip link set wan0 address 02:00:00:00:00:02\n"
	"ip addr add 10.0.0.1/8 dev lan0\n"
	"ip addr add 172.16.0.1/12 dev wan0\n"
	"ip neigh add 172.16.0.2 lladdr 02:00:00:00:bb:02 dev wan0\n"
	"ip neigh add 10.0.0.50 lladdr 02:00:00:00:aa:50 dev lan0\n"
	"ip route add default via 172.16.0.2\n"
	"sysctl -w net.ipv4.ip_forward=1\n";

static const char rules_nat[] =
	"*nat\n"
	":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
	"-A PREROUTING -i wan0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.50:80\n"
	"-A POSTROUTING -o wan0 -j MASQUERADE\n"
	"COMMIT\n";

static const char rules_filter[] =
	"*filter\n"
	":INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	"-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
	"-A FORWARD -i lan0 -o wan0 -j ACCEPT\n"
	"-A FORWARD -i wan0 -o lan0 -p tcp -m conntrack --ctstate DNAT -j ACCEPT\n"
	"-A FORWARD -i wan0 -o lan0 -p tcp -m tcp --dport 80 -j ACCEPT\n"
	"COMMIT\n";

#define PUBLIC 0xac100001u /* 172.16.0.1 */
#define SERVER 0x0a000032u /* 10.0.0.50, the forward's server */

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	return s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* An Ethernet frame to 'dmac' with a TCP segment (host-order values). */
static size_t tcp_frame(uint8_t *f, const char *dmac, uint32_t src, uint16_t sport,
			uint32_t dst, uint16_t dport, uint8_t flags, uint32_t seq,
			uint32_t ack)
{
	uint8_t *ip = f + 14, *th = ip + 20;
	uint32_t s;

	memcpy(f, dmac, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\xcc\x01", 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 40);
	ip[0] = 0x45;
	put16(ip + 2, 40);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(th, sport);
	put16(th + 2, dport);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 14, 65535);
	s = sum16(ip + 12, 8, 6 + 20);
	put16(th + 16, fold(sum16(th, 20, s)));
	return 14 + 40;
}

enum { SYN = 0x02, ACK = 0x10, SYNACK = 0x12 };
static const char lan_mac[] = "\x02\x00\x00\x00\x00\x01";
static const char wan_mac[] = "\x02\x00\x00\x00\x00\x02";

/* Client i of the LAN: 10.1.x.y, a port of its own, a server of its own
 * (no two connections share a tuple after MASQUERADE) unless 'clash':
 * then all use port 40000 to one server. */
static void lan_flow(uint32_t i, bool clash, uint32_t *cli, uint16_t *cport,
		     uint32_t *srv)
{
	*cli = 0x0a010000u + (i % 60000u) + 1;
	*cport = clash ? 40000 : (uint16_t)(1024 + i % 60000u);
	*srv = clash ? 0xc0a80001u : 0xc0a80000u + (i / 60000u) * 256u + 7;
}

struct step {
	double ns;
	uint64_t n;
};

struct run {
	struct step syn, synack, ack, fwd_syn, fwd_synack;
	struct nfu_stats st;
	uint64_t bound;
};

static struct nfu_net *router(bool nat)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_xt_ruleset *rs;
	struct nfu_error err;
	char text[2048];

	snprintf(text, sizeof(text), "%s%s", nat ? rules_nat : "", rules_filter);
	if (!net || nfu_topology_load(net, topo, strlen(topo), "bench", &err)) {
		fprintf(stderr, "bench_nat: the stack: %s\n", err.msg);
		exit(1);
	}
	rs = nfu_xt_ruleset_new();
	if (!rs || nfu_xt_restore(rs, text, strlen(text), 0, NULL, &err) ||
	    nfu_xt_commit(net, rs, &err)) {
		fprintf(stderr, "bench_nat: the ruleset: %s\n", err.msg);
		exit(1);
	}
	return net;
}

static void timed(struct step *s, uint64_t t0, uint64_t n)
{
	s->ns = (double)(now_ns() - t0) / (double)n;
	s->n = n;
}

static void run(struct run *r, bool nat, bool clash, uint32_t n)
{
	struct nfu_net *net = router(nat);
	struct nfu_ct_net *cn;
	uint8_t f[128];
	uint64_t t0;
	uint32_t i, cli, srv;
	uint16_t cport;

	/* the LAN out: SYN (new connection, binding), SYN/ACK (its reply to
	 * the public address), ACK (established) */
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		lan_flow(i, clash, &cli, &cport, &srv);
		nfu_rx(net, 2, f, tcp_frame(f, lan_mac, cli, cport, srv, 443, SYN, 1000, 0));
	}
	timed(&r->syn, t0, n);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		lan_flow(i, clash, &cli, &cport, &srv);
		/* without NAT the reply goes to the client itself */
		nfu_rx(net, 3, f, tcp_frame(f, wan_mac, srv, 443, nat ? PUBLIC : cli,
					    cport, SYNACK, 5000, 1001));
	}
	timed(&r->synack, t0, n);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		lan_flow(i, clash, &cli, &cport, &srv);
		nfu_rx(net, 2, f, tcp_frame(f, lan_mac, cli, cport, srv, 443, ACK, 1001, 5001));
	}
	timed(&r->ack, t0, n);
	/* the Internet to the port forward (without NAT: to the server) */
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		uint32_t c = 0x0b000000u + i;

		nfu_rx(net, 3, f, tcp_frame(f, wan_mac, c, (uint16_t)(1024 + i % 60000),
					    nat ? PUBLIC : SERVER, nat ? 8080 : 80,
					    SYN, 7000, 0));
	}
	timed(&r->fwd_syn, t0, n);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		uint32_t c = 0x0b000000u + i;

		nfu_rx(net, 2, f, tcp_frame(f, lan_mac, SERVER, 80, c,
					    (uint16_t)(1024 + i % 60000), SYNACK, 9000,
					    7001));
	}
	timed(&r->fwd_synack, t0, n);
	nfu_net_get_stats(net, &r->st);
	cn = nfu_ct_net(net);
	r->bound = cn && cn->nat ? cn->nat->bound : 0;
	nfu_net_free(net);
}

static void min_step(struct step *a, const struct step *b)
{
	if (b->ns < a->ns)
		*a = *b;
}

/* 'r' the least of itself and 't' step by step ('k' == 0: the first). */
static void keep_min(struct run *r, const struct run *t, unsigned int k)
{
	if (!k) {
		*r = *t;
		return;
	}
	min_step(&r->syn, &t->syn);
	min_step(&r->synack, &t->synack);
	min_step(&r->ack, &t->ack);
	min_step(&r->fwd_syn, &t->fwd_syn);
	min_step(&r->fwd_synack, &t->fwd_synack);
}

static void line(const char *what, const struct step *s, const struct step *base)
{
	printf("  %-40s %8.1f ns/packet (%5.2f M/s)", what, s->ns, 1e3 / s->ns);
	if (base)
		printf("   without nat %7.1f   NAT's share %7.1f", base->ns,
		       s->ns - base->ns);
	printf("\n");
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 100000;
	unsigned int runs = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 5;
	struct run nat, plain, clash;

	if (!n || n > 1000000 || !runs || runs > 100) {
		fprintf(stderr, "usage: bench_nat [connections (1-1000000) [runs (1-100)]]\n");
		return 2;
	}
	/* the least of 'runs' of each (the machine may be shared) */
	for (unsigned int k = 0; k < runs; k++) {
		struct run t;

		run(&t, false, false, n);
		keep_min(&plain, &t, k);
		run(&t, true, false, n);
		keep_min(&nat, &t, k);
		run(&t, true, true, n < 20000 ? n : 20000);
		keep_min(&clash, &t, k);
	}
	printf("bench_nat: %u connections out through MASQUERADE, %u in through a DNAT port forward (least of %u runs)\n",
	       n, n, runs);
	line("SYN out (new connection, MASQUERADE)", &nat.syn, &plain.syn);
	line("SYN/ACK back (reply, rewritten)", &nat.synack, &plain.synack);
	line("ACK out (established, rewritten)", &nat.ack, &plain.ack);
	line("SYN in to :8080 (new connection, DNAT)", &nat.fwd_syn, &plain.fwd_syn);
	line("SYN/ACK out of the server (rewritten)", &nat.fwd_synack, &plain.fwd_synack);
	printf("  new bindings: %.2f M/s (a SYN out with its binding, whole path)\n",
	       1e3 / nat.syn.ns);
	printf("  %u connections from one source port to one server (each binding searches):\n",
	       (unsigned int)clash.syn.n);
	line("SYN out, port searched", &clash.syn, NULL);
	printf("  check: forwarded %" PRIu64 " (nat) %" PRIu64 " (without), "
	       "%" PRIu64 " bindings (null ones included), clash run forwarded %" PRIu64 " of %" PRIu64 "\n",
	       nat.st.forwarded, plain.st.forwarded, nat.bound, clash.st.forwarded,
	       3 * clash.syn.n + 2 * clash.syn.n);
	return 0;
}
