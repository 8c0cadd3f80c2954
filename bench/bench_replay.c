/* SPDX-License-Identifier: MIT */
/*
 * bench_replay - the throughput of `nfu replay': a real ruleset
 * (medium-company.v4) over a capture of a million packets, measured in
 * process the way tools/replay.c replays, with reading the capture
 * included and excluded, against baselines taken in the same run.
 *
 *   build/bench/bench_replay [-r RUNS] [--rules FILE] [--topo FILE]
 *                            [--only-replay] [PACKETS]
 *   build/bench/bench_replay --write-only DIR [PACKETS]
 *
 * What?
 *   A deterministic traffic of PACKETS packets (default 1,000,000; its own
 *   PRNG with a fixed seed) as the company's gateway of
 *   bench/medium-company.topo sees it, written with nfu's capture writer
 *   to DIR/eth0.pcap (Ethernet), DIR/ppp0.pcap and DIR/tun0.pcap (raw IP),
 *   what `tcpdump -i IFACE' would have saved on each interface: what
 *   arrived there, and the host's own packets.  Then, each RUNS times
 *   (minimum and median printed):
 *     1. reading alone: the three captures read to the end, merged by
 *        time as replay merges its inputs;
 *     2. the replay with the ruleset: a stack from the topology, the
 *        ruleset restored and committed, each packet given to the stack
 *        as replay_one() does (nfu_rx, nfu_rx_ip, or nfu_send_ip for the
 *        host's own), the stack's clock at the packet's time; once read
 *        from the files as it goes (reading included), once from packets
 *        read into memory beforehand (reading excluded);
 *     3. baselines, from memory: the same packets with empty tables, and
 *        with 1,001 rules more at the head of FORWARD (one that counts
 *        every packet, 1,000 that match none, of the ruleset's own shape),
 *        whose difference gives the cost of one rule tried;
 *     4. the replay with the ruleset, from memory, one class of traffic at
 *        a time (a fresh stack for each): where the time goes.
 *   After the replay it prints what became of the packets (delivered,
 *   forwarded, sent, dropped and why, the LOG lines) and how many rules
 *   counted at least one packet, per chain: the traffic is meant to
 *   exercise the ruleset, not to be dropped by its first rule.
 *
 *   With --write-only DIR it only writes the captures (for
 *   bench/bench_replay.sh, which times the nfu command on them); with
 *   --only-replay it runs only the replay from memory with the ruleset
 *   (for perf record).
 *
 * Basic design
 *   - Traffic is made of flows (a TCP connection, a DNS question and its
 *     answer, pings…), 256 of them open at a time, each a script of
 *     packets between up to four endpoints; the next packet comes from a
 *     flow picked at random, 2 to 999 µs after the previous one (about
 *     eight minutes of traffic for a million packets).  Each endpoint
 *     says on which interface its packets were captured and how (sent to
 *     the host's MAC, or by the host itself).
 *   - Replies from the Internet come to the public address (the ruleset
 *     masquerades the LAN), as a capture on ppp0 shows them.  nfu has no
 *     connection tracking yet (issue 5): the ruleset's conntrack matches
 *     never match, so these replies end in INPUT's portscan rules (LOG,
 *     REJECT) instead of being taken back to the LAN.  The figures are
 *     those of nfu as it is; they will change when conntrack lands.
 *   - LOG lines are formatted (the log callback is set, as replay sets
 *     it) and counted, not written: bench_replay.sh times the real
 *     command, which writes them.
 *   - Timestamps strictly increase over the three captures, so the merged
 *     order is the order the packets were made in, and each packet's class
 *     is known when it is read back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nfu/nfu.h"
#include "xtables/lang.h"

#ifndef BENCH_DIR
#define BENCH_DIR "bench"
#endif
#define RULES "/work/shared/data/rulesets/medium-company.v4"
#define TOPO BENCH_DIR "/medium-company.topo"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The PRNG: splitmix64, fixed seed.
 */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* 0 <= x < n */
static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/*
 * The host and its networks (bench/medium-company.topo), host order.
 */

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))
#define HOST_LAN IP4(172, 16, 2, 1)
#define HOST_PUB IP4(198, 51, 100, 20)
#define LAN(x) IP4(172, 16, 2, x)
#define VPN(x) IP4(192, 168, 255, x)

enum { IF_ETH0, IF_PPP0, IF_TUN0, NIF, IF_NONE = NIF };

static const char *const if_name[NIF] = { "eth0", "ppp0", "tun0" };
static const uint32_t if_linktype[NIF] = {
	NFU_LINKTYPE_ETHERNET, NFU_LINKTYPE_RAW, NFU_LINKTYPE_RAW,
};
static const uint8_t eth0_mac[6] = { 0x02, 0x00, 0xac, 0x10, 0x02, 0x01 };

/* The ruleset lets these LAN hosts go anywhere (FW-OPEN -s ... -i eth0). */
static bool privileged(uint32_t lan)
{
	unsigned int x = lan & 0xff;

	return x < 16 || x >= 248 || x == 34 || x == 230 || x == 247;
}

/*
 * Traffic classes.
 */

enum kind {
	K_WEB,          /* LAN -> Internet tcp/80,443, replies on ppp0 */
	K_WEB_BLOCKED,  /* LAN -> an address of FW (REJECT) */
	K_TCP_OTHER,    /* LAN -> Internet, other TCP ports */
	K_UDP_OUT,      /* LAN -> Internet udp/53,123,443 */
	K_PING_OUT,     /* LAN -> Internet echo, replies on ppp0 */
	K_HOST_DNS,     /* LAN -> host udp/53, the host's answers */
	K_HOST_SSH,     /* LAN -> host tcp/22, both ways */
	K_HOST_PING,    /* LAN -> host echo, the host's replies */
	K_BCAST,        /* LAN -> 172.16.2.255 udp/137,138 */
	K_VPN,          /* tun0 <-> LAN, OpenVPN's udp/1194 on ppp0 */
	K_INET_SVC,     /* Internet -> host tcp/4081,7122,53 udp/53,1194 */
	K_SCAN,         /* Internet -> host, other ports */
	K_INET_PING,    /* Internet -> host echo */
	K_SPOOF,        /* sources the reverse path filter refuses */
	NKINDS
};

static const struct {
	const char *name;
	unsigned int weight; /* of new flows */
} kinds[NKINDS] = {
	[K_WEB] = { "LAN -> web (tcp 80/443), replies on ppp0", 180 },
	[K_WEB_BLOCKED] = { "LAN -> blocked address (FW)", 60 },
	[K_TCP_OTHER] = { "LAN -> other TCP ports", 80 },
	[K_UDP_OUT] = { "LAN -> Internet UDP (53/123/443)", 140 },
	[K_PING_OUT] = { "LAN -> Internet ping", 30 },
	[K_HOST_DNS] = { "LAN -> host DNS, the host's answers", 220 },
	[K_HOST_SSH] = { "LAN -> host ssh, both ways", 6 },
	[K_HOST_PING] = { "LAN -> host ping, the host's replies", 40 },
	[K_BCAST] = { "LAN broadcasts (netbios)", 50 },
	[K_VPN] = { "VPN (tun0) <-> LAN, udp/1194 on ppp0", 25 },
	[K_INET_SVC] = { "Internet -> host 4081/7122/53/1194", 120 },
	[K_SCAN] = { "Internet -> host, scans", 200 },
	[K_INET_PING] = { "Internet -> host ping", 50 },
	[K_SPOOF] = { "spoofed sources (rpfilter)", 30 },
};

/*
 * Flows.
 */

#define MAX_STEPS 160
#define MAX_EPS 4
#define NFLOWS 256

/* How the packets of one side of a flow were captured. */
struct ep {
	uint32_t src, dst;      /* host order */
	uint16_t sport, dport;  /* or ICMP id in sport */
	uint8_t iface;          /* IF_*, IF_NONE: not captured */
	uint8_t ttl;
	bool host_sent;         /* eth0: from the host's MAC */
	bool bcast;             /* eth0: to ff:ff:ff:ff:ff:ff */
	uint32_t seq;           /* TCP: next sequence number to send */
	uint16_t ipid;
};

enum { S_TCP, S_UDP, S_ICMP };

struct step {
	uint8_t ep;      /* who sends */
	uint8_t peer;    /* whose sequence it acknowledges (TCP) */
	uint8_t proto;   /* S_* */
	uint8_t flags;   /* TCP flags; ICMP type */
	uint16_t len;    /* payload */
};

struct flow {
	uint8_t kind;
	bool vpn;            /* tun0 packets carried by udp/1194 on ppp0 */
	uint32_t vpn_peer;   /* the client's public address */
	uint16_t vpn_port;
	uint16_t nsteps, next;
	struct ep ep[MAX_EPS];
	struct step steps[MAX_STEPS];
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

struct gen {
	struct rng rng;
	uint32_t servers[4096];  /* the Internet's popular servers */
	uint32_t blocked[256];   /* FW's addresses, read from the ruleset */
	unsigned int nblocked;
	struct flow flows[NFLOWS];
	uint64_t ts;             /* ns since the epoch */
	uint64_t count, limit;
	uint64_t per_kind[NKINDS], per_if[NIF];
	struct nfu_cap_writer *w[NIF];
	uint8_t *kind_of;        /* per packet, in order */
	int werr;
};

static bool public_addr(uint32_t a)
{
	unsigned int o = a >> 24;

	return o && o != 10 && o != 127 && o < 224 &&
	       (a & 0xfff00000u) != IP4(172, 16, 0, 0) &&
	       (a & 0xffff0000u) != IP4(192, 168, 0, 0) &&
	       (a & 0xffff0000u) != IP4(169, 254, 0, 0) &&
	       (a & 0xffc00000u) != IP4(100, 64, 0, 0) &&
	       (a & 0xffffff00u) != IP4(198, 51, 100, 0);
}

static uint32_t random_public(struct gen *g)
{
	for (;;) {
		uint32_t a = (uint32_t)rng_next(&g->rng);

		if (!public_addr(a))
			continue;
		for (unsigned int i = 0; i < g->nblocked; i++)
			if (g->blocked[i] == a)
				a = 0;
		if (a)
			return a;
	}
}

/* Popular servers more often: index below a random bound. */
static uint32_t server(struct gen *g)
{
	return g->servers[below(&g->rng, below(&g->rng, N(g->servers)) + 1)];
}

static uint32_t lan_client(struct gen *g, bool priv)
{
	for (;;) {
		uint32_t a = LAN(2 + below(&g->rng, 253));

		if (privileged(a) == priv)
			return a;
	}
}

static uint16_t eph_port(struct gen *g)
{
	return (uint16_t)(32768 + below(&g->rng, 28232));
}

static void add_step(struct flow *f, uint8_t ep, uint8_t peer, uint8_t proto,
		     uint8_t flags, unsigned int len)
{
	if (f->nsteps == MAX_STEPS)
		return;
	f->steps[f->nsteps++] = (struct step){ .ep = ep, .peer = peer,
					       .proto = proto, .flags = flags,
					       .len = (uint16_t)len };
}

static void ep_set(struct gen *g, struct ep *e, uint32_t src, uint32_t dst,
		   uint16_t sport, uint16_t dport, uint8_t iface, uint8_t ttl)
{
	*e = (struct ep){ .src = src, .dst = dst, .sport = sport,
			  .dport = dport, .iface = iface, .ttl = ttl,
			  .seq = (uint32_t)rng_next(&g->rng),
			  .ipid = (uint16_t)rng_next(&g->rng) };
}

static uint8_t inet_ttl(struct gen *g)
{
	return (uint8_t)(40 + below(&g->rng, 20));
}

/* A TCP connection between endpoints 0 (client) and 1 (server): the
 * handshake, 'rounds' requests with their answers of up to 'segs' full
 * segments of 'mss' bytes, the client acknowledging every second one,
 * and the close. */
static void tcp_script(struct gen *g, struct flow *f, unsigned int rounds,
		       unsigned int segs, unsigned int mss)
{
	add_step(f, 0, 1, S_TCP, TH_SYN, 0);
	add_step(f, 1, 0, S_TCP, TH_SYN | TH_ACK, 0);
	add_step(f, 0, 1, S_TCP, TH_ACK, 0);
	for (unsigned int r = 0; r < rounds; r++) {
		unsigned int n = 1 + below(&g->rng, segs);

		add_step(f, 0, 1, S_TCP, TH_PSH | TH_ACK, 150 + below(&g->rng, 750));
		for (unsigned int i = 0; i < n; i++) {
			bool last = i + 1 == n;

			add_step(f, 1, 0, S_TCP, last ? TH_PSH | TH_ACK : TH_ACK,
				 last ? 1 + below(&g->rng, mss) : mss);
			if (i % 2 == 1 || last)
				add_step(f, 0, 1, S_TCP, TH_ACK, 0);
		}
	}
	add_step(f, 0, 1, S_TCP, TH_FIN | TH_ACK, 0);
	add_step(f, 1, 0, S_TCP, TH_FIN | TH_ACK, 0);
	add_step(f, 0, 1, S_TCP, TH_ACK, 0);
}

/* An interactive TCP connection (ssh): small packets both ways. */
static void tcp_interactive(struct gen *g, struct flow *f, unsigned int n)
{
	add_step(f, 0, 1, S_TCP, TH_SYN, 0);
	add_step(f, 1, 0, S_TCP, TH_SYN | TH_ACK, 0);
	add_step(f, 0, 1, S_TCP, TH_ACK, 0);
	for (unsigned int i = 0; i < n; i++) {
		add_step(f, 0, 1, S_TCP, TH_PSH | TH_ACK, 36 + below(&g->rng, 60));
		add_step(f, 1, 0, S_TCP, TH_PSH | TH_ACK, 36 + below(&g->rng, 400));
		if (chance(&g->rng, 50))
			add_step(f, 0, 1, S_TCP, TH_ACK, 0);
	}
	add_step(f, 0, 1, S_TCP, TH_FIN | TH_ACK, 0);
	add_step(f, 1, 0, S_TCP, TH_FIN | TH_ACK, 0);
	add_step(f, 0, 1, S_TCP, TH_ACK, 0);
}

/* 'n' SYNs from endpoint 0 that nobody answers (retransmissions). */
static void tcp_syns(struct flow *f, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		add_step(f, 0, 1, S_TCP, TH_SYN, 0);
}

/* 'n' echo requests from 0, answered by 1 when 'answered'. */
static void pings(struct flow *f, unsigned int n, bool answered)
{
	for (unsigned int i = 0; i < n; i++) {
		add_step(f, 0, 1, S_ICMP, 8, 56);
		if (answered)
			add_step(f, 1, 0, S_ICMP, 0, 56);
	}
}

static void flow_new(struct gen *g, struct flow *f)
{
	unsigned int total = 0, pick;
	uint32_t c, s;
	uint16_t cp, sp;
	bool priv;
	enum kind k = K_WEB;

	for (unsigned int i = 0; i < NKINDS; i++)
		total += kinds[i].weight;
	pick = below(&g->rng, total);
	for (unsigned int i = 0; i < NKINDS; i++) {
		if (pick < kinds[i].weight) {
			k = (enum kind)i;
			break;
		}
		pick -= kinds[i].weight;
	}
	memset(f, 0, offsetof(struct flow, steps));
	f->kind = (uint8_t)k;
	priv = chance(&g->rng, 15);
	cp = eph_port(g);
	switch (k) {
	case K_WEB:
		c = lan_client(g, priv);
		s = server(g);
		sp = chance(&g->rng, 75) ? 443 : 80;
		/* the reply comes to the public address: masqueraded,
		 * keeping the client's port */
		ep_set(g, &f->ep[0], c, s, cp, sp, IF_ETH0, 64);
		ep_set(g, &f->ep[1], s, HOST_PUB, sp, cp, IF_PPP0, inet_ttl(g));
		tcp_script(g, f, 1 + below(&g->rng, 3), 24, 1440);
		break;
	case K_WEB_BLOCKED:
		c = lan_client(g, priv);
		s = g->nblocked ? g->blocked[below(&g->rng, g->nblocked)] : server(g);
		sp = chance(&g->rng, 75) ? 443 : 80;
		ep_set(g, &f->ep[0], c, s, cp, sp, IF_ETH0, 64);
		tcp_syns(f, 1 + below(&g->rng, 2));
		break;
	case K_TCP_OTHER: {
		static const uint16_t ports[] = { 22, 25, 587, 993, 995, 3389,
						  5222, 8080, 8443 };

		c = lan_client(g, priv);
		s = server(g);
		sp = ports[below(&g->rng, N(ports))];
		ep_set(g, &f->ep[0], c, s, cp, sp, IF_ETH0, 64);
		ep_set(g, &f->ep[1], s, HOST_PUB, sp, cp, IF_PPP0, inet_ttl(g));
		if (priv)
			tcp_script(g, f, 1 + below(&g->rng, 2), 6, 1440);
		else /* REJECTed with host-unreachable: a retry or two */
			tcp_syns(f, 1 + below(&g->rng, 3));
		break;
	}
	case K_UDP_OUT: {
		static const uint32_t resolvers[] = { IP4(8, 8, 8, 8),
						      IP4(1, 1, 1, 1),
						      IP4(9, 9, 9, 9) };
		unsigned int n = 1 + below(&g->rng, 3);

		c = lan_client(g, priv);
		switch (below(&g->rng, 3)) {
		case 0:
			s = resolvers[below(&g->rng, N(resolvers))];
			sp = 53;
			break;
		case 1:
			s = server(g);
			sp = 123;
			break;
		default:
			s = server(g);
			sp = 443; /* QUIC */
			n = 2 + below(&g->rng, 12);
			break;
		}
		ep_set(g, &f->ep[0], c, s, cp, sp, IF_ETH0, 64);
		ep_set(g, &f->ep[1], s, HOST_PUB, sp, cp, IF_PPP0, inet_ttl(g));
		for (unsigned int i = 0; i < n; i++) {
			add_step(f, 0, 1, S_UDP, 0, sp == 443 ? 1200 : 40 + below(&g->rng, 30));
			if (priv) /* REJECTed otherwise: no answer */
				add_step(f, 1, 0, S_UDP, 0, sp == 443 ? 1200 : 48 + below(&g->rng, 200));
		}
		break;
	}
	case K_PING_OUT:
		c = lan_client(g, priv);
		s = server(g);
		cp = (uint16_t)rng_next(&g->rng);
		ep_set(g, &f->ep[0], c, s, cp, 0, IF_ETH0, 64);
		ep_set(g, &f->ep[1], s, HOST_PUB, cp, 0, IF_PPP0, inet_ttl(g));
		pings(f, 1 + below(&g->rng, 4), true);
		break;
	case K_HOST_DNS:
		/* the question, maybe the host's own question upstream (out
		 * of ppp0) and its answer, then the answer to the client */
		c = lan_client(g, priv);
		ep_set(g, &f->ep[0], c, HOST_LAN, cp, 53, IF_ETH0, 64);
		ep_set(g, &f->ep[1], HOST_LAN, c, 53, cp, IF_ETH0, 64);
		f->ep[1].host_sent = true;
		add_step(f, 0, 1, S_UDP, 0, 30 + below(&g->rng, 40));
		if (chance(&g->rng, 30)) {
			uint16_t up = eph_port(g);

			s = IP4(8, 8, 8, 8);
			ep_set(g, &f->ep[2], HOST_PUB, s, up, 53, IF_PPP0, 64);
			ep_set(g, &f->ep[3], s, HOST_PUB, 53, up, IF_PPP0, inet_ttl(g));
			add_step(f, 2, 3, S_UDP, 0, 30 + below(&g->rng, 40));
			add_step(f, 3, 2, S_UDP, 0, 60 + below(&g->rng, 200));
		}
		add_step(f, 1, 0, S_UDP, 0, 60 + below(&g->rng, 200));
		break;
	case K_HOST_SSH:
		c = lan_client(g, priv);
		ep_set(g, &f->ep[0], c, HOST_LAN, cp, 22, IF_ETH0, 64);
		ep_set(g, &f->ep[1], HOST_LAN, c, 22, cp, IF_ETH0, 64);
		f->ep[1].host_sent = true;
		tcp_interactive(g, f, 10 + below(&g->rng, 50));
		break;
	case K_HOST_PING:
		c = lan_client(g, priv);
		cp = (uint16_t)rng_next(&g->rng);
		ep_set(g, &f->ep[0], c, HOST_LAN, cp, 0, IF_ETH0, 64);
		ep_set(g, &f->ep[1], HOST_LAN, c, cp, 0, IF_ETH0, 64);
		f->ep[1].host_sent = true;
		pings(f, 1 + below(&g->rng, 4), true);
		break;
	case K_BCAST:
		c = lan_client(g, priv);
		sp = chance(&g->rng, 50) ? 137 : 138;
		ep_set(g, &f->ep[0], c, LAN(255), sp, sp, IF_ETH0, 64);
		f->ep[0].bcast = true;
		for (unsigned int i = 1 + below(&g->rng, 3); i; i--)
			add_step(f, 0, 1, S_UDP, 0, 50 + below(&g->rng, 200));
		break;
	case K_VPN: {
		/* a VPN client and a LAN server; to 172.16.2.34:4081 now and
		 * then, the service the ruleset opens (FW-OPEN's first rule) */
		static const uint16_t ports[] = { 445, 3389, 22, 80, 443, 4081 };

		c = VPN(2 + below(&g->rng, 60));
		sp = ports[below(&g->rng, N(ports))];
		s = sp == 4081 ? LAN(34) : lan_client(g, chance(&g->rng, 30));
		ep_set(g, &f->ep[0], c, s, cp, sp, IF_TUN0, 64);
		ep_set(g, &f->ep[1], s, c, sp, cp, IF_ETH0, 64);
		f->vpn = true;
		f->vpn_peer = random_public(g);
		f->vpn_port = eph_port(g);
		if (sp == 3389 || sp == 22)
			tcp_interactive(g, f, 5 + below(&g->rng, 30));
		else
			tcp_script(g, f, 1 + below(&g->rng, 3), 8, 1360);
		break;
	}
	case K_INET_SVC: {
		static const struct {
			uint16_t port;
			uint8_t proto;
		} svc[] = { { 4081, S_TCP }, { 7122, S_TCP }, { 53, S_TCP },
			    { 53, S_UDP }, { 1194, S_UDP } };
		unsigned int i = below(&g->rng, N(svc));

		s = random_public(g);
		ep_set(g, &f->ep[0], s, HOST_PUB, cp, svc[i].port, IF_PPP0,
		       inet_ttl(g));
		if (svc[i].proto == S_TCP) {
			tcp_syns(f, 1 + below(&g->rng, 3));
		} else {
			for (unsigned int n = 1 + below(&g->rng, 3); n; n--)
				add_step(f, 0, 1, S_UDP, 0, 40 + below(&g->rng, 100));
		}
		break;
	}
	case K_SCAN:
		s = random_public(g);
		ep_set(g, &f->ep[0], s, HOST_PUB, cp, 0, IF_PPP0, inet_ttl(g));
		/* a few ports each: the port is drawn at each packet */
		for (unsigned int n = 1 + below(&g->rng, 4); n; n--)
			add_step(f, 0, 1, chance(&g->rng, 75) ? S_TCP : S_UDP,
				 TH_SYN, 0);
		break;
	case K_INET_PING:
		s = random_public(g);
		ep_set(g, &f->ep[0], s, HOST_PUB, (uint16_t)rng_next(&g->rng), 0,
		       IF_PPP0, inet_ttl(g));
		pings(f, 1 + below(&g->rng, 3), false);
		break;
	case K_SPOOF:
		if (chance(&g->rng, 50)) {
			/* on eth0, from outside the LAN */
			c = chance(&g->rng, 50) ? IP4(10, 0, below(&g->rng, 4), 2 + below(&g->rng, 200)) :
						  IP4(192, 168, 1, 2 + below(&g->rng, 200));
			ep_set(g, &f->ep[0], c, server(g), cp, 443, IF_ETH0, 64);
		} else {
			/* on ppp0, from the LAN's addresses */
			ep_set(g, &f->ep[0], lan_client(g, priv),
			       chance(&g->rng, 50) ? HOST_PUB : lan_client(g, false),
			       cp, 445, IF_PPP0, inet_ttl(g));
		}
		tcp_syns(f, 1 + below(&g->rng, 2));
		break;
	case NKINDS:
		break;
	}
}

/*
 * Packets.
 */

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv4 packet at 'ip' (room for 1500 bytes); returns its length. */
static size_t build_ip(struct gen *g, struct ep *e, struct ep *peer,
		       const struct step *st, uint8_t *ip)
{
	uint8_t *l4 = ip + 20;
	size_t l4len = 0;
	uint8_t proto = 0;
	uint32_t ph;

	switch (st->proto) {
	case S_TCP: {
		size_t hl = st->flags & TH_SYN ? 40 : 32;
		uint16_t dport = e->dport ? e->dport : (uint16_t)(1 + below(&g->rng, 65535));

		proto = 6;
		put16(l4, e->sport);
		put16(l4 + 2, dport);
		put32(l4 + 4, e->seq);
		put32(l4 + 8, st->flags & TH_ACK ? peer->seq : 0);
		l4[12] = (uint8_t)(hl / 4 << 4);
		l4[13] = st->flags;
		put16(l4 + 14, 64240);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		if (hl == 40) { /* MSS, SACK permitted, timestamps, WS */
			static const uint8_t o[20] = { 2, 4, 0x05, 0xac, 4, 2, 8, 10,
						       0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7 };

			memcpy(l4 + 20, o, sizeof(o));
			put32(l4 + 28, (uint32_t)(g->ts / 1000000));
		} else { /* NOP NOP timestamps */
			l4[20] = 1;
			l4[21] = 1;
			l4[22] = 8;
			l4[23] = 10;
			put32(l4 + 24, (uint32_t)(g->ts / 1000000));
			put32(l4 + 28, (uint32_t)(g->ts / 1000000) - 20);
		}
		for (size_t i = 0; i < st->len; i++)
			l4[hl + i] = (uint8_t)(i * 7 + 3);
		l4len = hl + st->len;
		e->seq += st->len + !!(st->flags & (TH_SYN | TH_FIN));
		break;
	}
	case S_UDP: {
		uint16_t dport = e->dport ? e->dport : (uint16_t)(1 + below(&g->rng, 65535));

		proto = 17;
		l4len = 8 + st->len;
		put16(l4, e->sport);
		put16(l4 + 2, dport);
		put16(l4 + 4, (uint32_t)l4len);
		put16(l4 + 6, 0);
		for (size_t i = 0; i < st->len; i++)
			l4[8 + i] = (uint8_t)(i * 13 + 1);
		break;
	}
	case S_ICMP:
		proto = 1;
		l4len = 8 + st->len;
		l4[0] = st->flags;
		l4[1] = 0;
		put16(l4 + 2, 0);
		put16(l4 + 4, e->sport);
		put16(l4 + 6, (uint32_t)(st->flags == 8 ? ++e->seq : peer->seq) & 0xffff);
		for (size_t i = 0; i < st->len; i++)
			l4[8 + i] = (uint8_t)(0x10 + i);
		put16(l4 + 2, fold(sum16(l4, l4len, 0)));
		break;
	default:
		break;
	}
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint32_t)(20 + l4len));
	put16(ip + 4, e->ipid++);
	put16(ip + 6, proto == 6 ? 0x4000 : 0); /* DF for TCP */
	ip[8] = e->ttl;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, e->src);
	put32(ip + 16, e->dst);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	if (proto != 1) {
		ph = sum16(ip + 12, 8, 0) + proto + (uint32_t)l4len;
		put16(l4 + (proto == 6 ? 16 : 6), fold(sum16(l4, l4len, ph)));
	}
	return 20 + l4len;
}

static void emit(struct gen *g, uint8_t kind, uint8_t iface, const uint8_t *ip,
		 size_t len, const struct ep *e)
{
	uint8_t frame[1600];
	const uint8_t *data = ip;
	int rc;

	if (g->count == g->limit)
		return;
	if (iface == IF_ETH0) {
		uint8_t *f = frame;

		if (e->bcast)
			memset(f, 0xff, 6);
		else if (e->host_sent) /* to the LAN host's MAC */
			memcpy(f, (const uint8_t[]){ 0x02, 0x1c, 0x42, 0x10, 0x02,
						     (uint8_t)e->dst }, 6);
		else
			memcpy(f, eth0_mac, 6);
		if (e->host_sent)
			memcpy(f + 6, eth0_mac, 6);
		else
			memcpy(f + 6, (const uint8_t[]){ 0x02, 0x1c, 0x42, 0x10,
							 0x02, (uint8_t)e->src }, 6);
		f[12] = 0x08;
		f[13] = 0x00;
		memcpy(f + 14, ip, len);
		data = frame;
		len += 14;
	}
	rc = nfu_cap_write(g->w[iface], g->ts, data, (uint32_t)len);
	if (rc && !g->werr)
		g->werr = rc;
	g->kind_of[g->count++] = kind;
	g->per_kind[kind]++;
	g->per_if[iface]++;
	/* strictly increasing over the captures: the merged order is this
	 * order */
	g->ts += 2000 + 1000ull * below(&g->rng, 998);
}

/* The next packet of 'f'; false when it has none left. */
static bool flow_step(struct gen *g, struct flow *f)
{
	uint8_t ip[1600], carrier[1600];
	const struct step *st;
	struct ep *e;

	if (f->next >= f->nsteps)
		return false;
	st = &f->steps[f->next++];
	e = &f->ep[st->ep];
	if (e->iface == IF_NONE)
		return true;
	{
		size_t len = build_ip(g, e, &f->ep[st->peer], st, ip);

		if (f->vpn && e->iface == IF_TUN0) {
			/* the OpenVPN datagram that carried it, first */
			struct ep c;
			struct step cs = { .proto = S_UDP, .len = (uint16_t)(len + 41) };
			size_t clen;

			ep_set(g, &c, f->vpn_peer, HOST_PUB, f->vpn_port, 1194,
			       IF_PPP0, 50);
			clen = build_ip(g, &c, &c, &cs, carrier);
			emit(g, f->kind, IF_PPP0, carrier, clen, &c);
		}
		emit(g, f->kind, e->iface, ip, len, e);
		if (f->vpn && e->iface == IF_ETH0) {
			/* forwarded to tun0, it leaves in an OpenVPN datagram
			 * that the host sends */
			struct ep c;
			struct step cs = { .proto = S_UDP, .len = (uint16_t)(len + 41) };
			size_t clen;

			ep_set(g, &c, HOST_PUB, f->vpn_peer, 1194, f->vpn_port,
			       IF_PPP0, 64);
			clen = build_ip(g, &c, &c, &cs, carrier);
			emit(g, f->kind, IF_PPP0, carrier, clen, &c);
		}
	}
	return true;
}

/* Reads FW's "-A FW -d ADDR/32" lines of the ruleset text. */
static void read_blocked(struct gen *g, const char *text)
{
	const char *p = text;

	while ((p = strstr(p, "\n-A FW -d "))) {
		char a[32];
		size_t n = 0;
		struct in_addr in;

		p += 10;
		for (; n < sizeof(a) - 1 && p[n] && p[n] != '/' && p[n] != ' '; n++)
			a[n] = p[n];
		a[n] = 0;
		if (inet_pton(AF_INET, a, &in) == 1 && g->nblocked < N(g->blocked))
			g->blocked[g->nblocked++] = ntohl(in.s_addr);
	}
}

/* Writes 'npkts' packets to DIR/IFACE.pcap; 'kind_of' gets each one's
 * class.  0 or 1 after saying why. */
static int generate(const char *dir, const char *rules_text, uint64_t npkts,
		    uint8_t *kind_of, bool quiet)
{
	static struct gen g;
	struct nfu_error err;
	char path[4096], msg[1024];
	int ret = 0;

	memset(&g, 0, sizeof(g));
	g.rng.s = 0x6e66752d62656e63u; /* "nfu-benc" */
	g.ts = 1795856400ull * 1000000000u; /* 2026-11-28 09:00 UTC */
	g.limit = npkts;
	g.kind_of = kind_of;
	read_blocked(&g, rules_text);
	for (size_t i = 0; i < N(g.servers); i++)
		g.servers[i] = random_public(&g);
	for (unsigned int i = 0; i < NIF; i++) {
		snprintf(path, sizeof(path), "%s/%s.pcap", dir, if_name[i]);
		if (nfu_cap_writer_open(path, if_linktype[i], &g.w[i], &err)) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "bench_replay: %s\n", msg);
			ret = 1;
			goto out;
		}
	}
	for (unsigned int i = 0; i < NFLOWS; i++)
		flow_new(&g, &g.flows[i]);
	while (g.count < g.limit) {
		struct flow *f = &g.flows[below(&g.rng, NFLOWS)];

		if (!flow_step(&g, f))
			flow_new(&g, f);
	}
	if (g.werr) {
		fprintf(stderr, "bench_replay: %s: %s\n", dir, strerror(-g.werr));
		ret = 1;
	}
out:
	for (unsigned int i = 0; i < NIF; i++) {
		if (g.w[i] && nfu_cap_writer_close(g.w[i], &err)) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "bench_replay: %s\n", msg);
			ret = 1;
		}
	}
	if (ret || quiet)
		return ret;
	printf("capture: %" PRIu64 " packets, %.1f s of traffic, %u blocked"
	       " addresses from FW\n", g.count,
	       (double)(g.ts - 1795856400ull * 1000000000u) / 1e9, g.nblocked);
	for (unsigned int i = 0; i < NIF; i++) {
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s.pcap", dir, if_name[i]);
		printf("  %s: %8" PRIu64 " packets, %6.1f MB\n", if_name[i],
		       g.per_if[i], stat(path, &sb) ? 0.0 : (double)sb.st_size / 1e6);
	}
	for (unsigned int i = 0; i < NKINDS; i++)
		printf("  %-42s %7" PRIu64 " packets (%4.1f%%)\n", kinds[i].name,
		       g.per_kind[i], 100.0 * (double)g.per_kind[i] / (double)g.count);
	return 0;
}

/*
 * Reading.
 */

struct input {
	struct nfu_cap_reader *r;
	struct nfu_cap_pkt p;
	bool have;
};

static struct nfu_cap_reader *open_cap(const char *dir, unsigned int i)
{
	struct nfu_cap_reader *r = NULL;
	struct nfu_error err;
	char path[4096], msg[1024];

	snprintf(path, sizeof(path), "%s/%s.pcap", dir, if_name[i]);
	if (nfu_cap_open(path, &r, &err)) {
		nfu_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "bench_replay: %s\n", msg);
		exit(1);
	}
	return r;
}

/* The input with the earliest next packet, as replay's next_input();
 * -1 at the end of all. */
static int next_input(struct input in[NIF])
{
	struct nfu_error err;
	char msg[1024];
	int best = -1;

	for (int i = 0; i < NIF; i++) {
		if (!in[i].have && in[i].r) {
			int n = nfu_cap_next(in[i].r, &in[i].p, &err);

			if (n < 0) {
				nfu_error_format(&err, msg, sizeof(msg));
				fprintf(stderr, "bench_replay: %s\n", msg);
				exit(1);
			}
			if (n == 0) {
				nfu_cap_close(in[i].r);
				in[i].r = NULL;
				continue;
			}
			in[i].have = true;
		}
		if (in[i].have && (best < 0 || in[i].p.ts_ns < in[best].p.ts_ns))
			best = i;
	}
	return best;
}

static void open_inputs(struct input in[NIF], const char *dir)
{
	for (unsigned int i = 0; i < NIF; i++)
		in[i] = (struct input){ .r = open_cap(dir, i) };
}

/* The packets in memory, in the merged order. */
struct mem_pkt {
	struct nfu_cap_pkt p;
	uint8_t iface;
};

struct mem {
	struct mem_pkt *pkts;
	uint8_t *bytes;
	size_t n, nbytes;
};

static const uint8_t *rebase(const uint8_t *ptr, const uint8_t *from,
			     uint8_t *to)
{
	return ptr ? to + (ptr - from) : NULL;
}

/* Reads the captures of 'dir' into 'm' ('npkts' of them, written by
 * generate()): the bytes into one buffer as large as the files. */
static void read_all(const char *dir, struct mem *m, uint64_t npkts)
{
	struct input in[NIF];
	size_t cap = 0;
	int i;

	for (unsigned int k = 0; k < NIF; k++) {
		char path[4096];
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s.pcap", dir, if_name[k]);
		if (stat(path, &sb)) {
			fprintf(stderr, "bench_replay: %s: %s\n", path, strerror(errno));
			exit(1);
		}
		cap += (size_t)sb.st_size;
	}
	m->pkts = malloc(npkts * sizeof(*m->pkts));
	m->bytes = malloc(cap);
	m->n = m->nbytes = 0;
	if (!m->pkts || !m->bytes) {
		fprintf(stderr, "bench_replay: out of memory\n");
		exit(1);
	}
	open_inputs(in, dir);
	while ((i = next_input(in)) >= 0) {
		const struct nfu_cap_pkt *p = &in[i].p;
		struct mem_pkt *mp;
		uint8_t *d;

		if (m->n == npkts || m->nbytes + p->caplen > cap) {
			fprintf(stderr, "bench_replay: %s: more than was written\n", dir);
			exit(1);
		}
		d = m->bytes + m->nbytes;
		memcpy(d, p->data, p->caplen);
		mp = &m->pkts[m->n++];
		mp->p = *p;
		mp->iface = (uint8_t)i;
		mp->p.data = d;
		mp->p.l3 = rebase(p->l3, p->data, d);
		mp->p.src_mac = rebase(p->src_mac, p->data, d);
		mp->p.dst_mac = rebase(p->dst_mac, p->data, d);
		mp->p.iface_name = NULL;
		m->nbytes += p->caplen;
		in[i].have = false;
	}
}

/*
 * The replay, as tools/replay.c does it without --trace and -o: the same
 * choice between nfu_rx, nfu_rx_ip and nfu_send_ip, the same callbacks
 * (LOG lines counted instead of printed), the stack's counters read
 * around each packet.
 */

struct replay {
	struct nfu_net *net;
	int ifindex[NIF];
	uint64_t t0, now;
	bool started;
	/* what became of the packets */
	uint64_t fed, rx, local_out, copies, not_ipv4, bad_link, held, queued;
	uint64_t delivered, forwarded, generated, dropped, log_lines, log_bytes;
};

static void on_xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		    size_t len, const struct nfu_pkt *pkt)
{
	struct replay *rp = priv;

	(void)dev;
	(void)frame;
	(void)len;
	if (pkt && pkt->local_out)
		rp->generated++;
	else
		rp->forwarded++;
}

static int on_deliver(void *priv, struct nfu_pkt *pkt)
{
	struct replay *rp = priv;

	(void)pkt;
	rp->delivered++;
	return 0; /* the responder answers, as replay with -t */
}

static void on_dropped(void *priv, const struct nfu_pkt *pkt,
		       enum nfu_drop_reason reason)
{
	struct replay *rp = priv;

	(void)pkt;
	(void)reason;
	rp->dropped++;
}

static void on_log(void *priv, int level, const char *line)
{
	struct replay *rp = priv;

	(void)level;
	rp->log_lines++;
	rp->log_bytes += strlen(line) + 18; /* replay's "[s.us] " and \n */
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1))) {
		*len = fread(s, 1, (size_t)n, f);
		s[*len] = '\0';
	}
	fclose(f);
	return s;
}

/* A stack from 'topo' with 'rules' ('len' bytes of iptables-save text;
 * NULL: empty tables) in force, as replay's load_rules(). */
static struct replay *replay_new(const char *topo, const char *rules,
				 size_t len)
{
	struct replay *rp = calloc(1, sizeof(*rp));
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_net_ops ops = {
		.xmit = on_xmit, .deliver = on_deliver, .dropped = on_dropped,
		.log = on_log,
	};
	struct nfu_error err;
	char msg[1024];

	if (!rp || !rs || !(rp->net = nfu_net_new())) {
		fprintf(stderr, "bench_replay: out of memory\n");
		exit(1);
	}
	if (nfu_topology_load_file(rp->net, topo, &err)) {
		nfu_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "bench_replay: %s\n", msg);
		exit(1);
	}
	for (unsigned int i = 0; i < NIF; i++) {
		struct nfu_dev *dev = nfu_dev_by_name(rp->net, if_name[i]);

		if (!dev) {
			fprintf(stderr, "bench_replay: %s has no %s\n", topo, if_name[i]);
			exit(1);
		}
		rp->ifindex[i] = dev->ifindex;
	}
	if (rules && nfu_xt_restore(rs, rules, len, NFU_XT_RESTORE_COUNTERS,
				    NULL, &err)) {
		fprintf(stderr, "bench_replay: the ruleset is refused:\n%s", err.msg);
		exit(1);
	}
	if (nfu_xt_commit(rp->net, rs, &err)) {
		fprintf(stderr, "bench_replay: the ruleset is refused: %s\n", err.msg);
		exit(1);
	}
	ops.priv = rp;
	nfu_net_set_ops(rp->net, &ops);
	return rp;
}

static void replay_free(struct replay *rp)
{
	if (!rp)
		return;
	nfu_net_free(rp->net);
	free(rp);
}

/* One packet of capture 'iface', as replay_one(). */
static void feed(struct replay *rp, unsigned int iface,
		 const struct nfu_cap_pkt *p)
{
	struct nfu_stats before, after;
	struct nfu_dev *dev;
	bool sent_by_host, local_src = false;
	uint32_t src;
	int rc;

	if (!rp->started) {
		rp->t0 = rp->now = p->ts_ns;
		rp->started = true;
	}
	if (p->ts_ns > rp->now)
		rp->now = p->ts_ns;
	nfu_net_set_time(rp->net, rp->now - rp->t0);
	if (!p->l3) {
		rp->bad_link++;
		return;
	}
	if (p->ethertype != 0x0800) {
		rp->not_ipv4++;
		return;
	}
	dev = nfu_dev_by_index(rp->net, rp->ifindex[iface]);
	if (p->l3_len >= 20) {
		memcpy(&src, p->l3 + 12, 4);
		local_src = src != 0 && nfu_addr_is_local(rp->net, src);
	}
	if (p->sll_pkttype != NFU_CAP_PKTTYPE_NONE) {
		sent_by_host = p->sll_pkttype == 4;
	} else if (p->src_mac && p->dst_mac) {
		if (!memcmp(p->src_mac, dev->mac, 6))
			sent_by_host = true;
		else if (!memcmp(p->dst_mac, dev->mac, 6) || (p->dst_mac[0] & 1))
			sent_by_host = false;
		else
			sent_by_host = local_src;
	} else {
		sent_by_host = local_src;
	}
	if (sent_by_host && !local_src) {
		rp->copies++;
		return;
	}
	rp->fed++;
	nfu_net_get_stats(rp->net, &before);
	if (sent_by_host) {
		rp->local_out++;
		/* not sent (no route...): replay says so and goes on */
		(void)nfu_send_ip(rp->net, p->l3, p->l3_len);
		rc = 0;
	} else {
		rp->rx++;
		if (p->linktype == NFU_LINKTYPE_ETHERNET)
			rc = nfu_rx(rp->net, dev->ifindex, p->data, p->caplen);
		else
			rc = nfu_rx_ip(rp->net, dev->ifindex, p->l3, p->l3_len);
	}
	if (rc) {
		fprintf(stderr, "bench_replay: packet %" PRIu64 ": %s\n", p->index,
			strerror(-rc));
		exit(1);
	}
	nfu_net_get_stats(rp->net, &after);
	if (after.reasm_reqds > before.reasm_reqds &&
	    after.reasm_oks == before.reasm_oks &&
	    after.dropped == before.dropped)
		rp->held++;
	if (after.queued > before.queued)
		rp->queued++;
}

/* What is due after the last packet, as replay's end. */
static void finish(struct replay *rp)
{
	nfu_net_set_time(rp->net, rp->now - rp->t0);
	nfu_net_run_timers(rp->net);
}

/*
 * Measurements.
 */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct bench {
	const char *dir, *topo;
	const char *rules;       /* the ruleset's text */
	size_t rules_len;
	char *plus;              /* with 1,001 rules more in FORWARD */
	size_t plus_len;
	struct mem mem;
	const uint8_t *kind_of;
	unsigned int runs;
	struct replay *last;     /* of the last run, for its outcome */
	uint64_t last_count;     /* packets of the last run */
	uint64_t read_bytes;
};

enum what { W_READ, W_REPLAY_FILES, W_REPLAY_MEM };

struct times {
	uint64_t wall, cpu; /* ns */
};

/* One run: the time of its timed part.  'rules' NULL: empty tables;
 * 'kind' < 0: every packet, else those of one class. */
static struct times run_once(struct bench *b, enum what w, const char *rules,
			     size_t len, int kind)
{
	struct replay *rp = NULL;
	struct input in[NIF];
	uint64_t w0, w1, c0, c1, n = 0;
	int i;

	if (w != W_READ)
		rp = replay_new(b->topo, rules, len);
	w0 = now_ns();
	c0 = cpu_ns();
	switch (w) {
	case W_READ:
		open_inputs(in, b->dir);
		while ((i = next_input(in)) >= 0) {
			n++;
			b->read_bytes += in[i].p.caplen;
			in[i].have = false;
		}
		break;
	case W_REPLAY_FILES:
		open_inputs(in, b->dir);
		while ((i = next_input(in)) >= 0) {
			n++;
			feed(rp, (unsigned int)i, &in[i].p);
			in[i].have = false;
		}
		finish(rp);
		break;
	case W_REPLAY_MEM:
		for (size_t k = 0; k < b->mem.n; k++) {
			const struct mem_pkt *mp = &b->mem.pkts[k];

			if (kind >= 0 && b->kind_of[k] != kind)
				continue;
			n++;
			feed(rp, mp->iface, &mp->p);
		}
		finish(rp);
		break;
	}
	c1 = cpu_ns();
	w1 = now_ns();
	replay_free(b->last);
	b->last = rp;
	b->last_count = n;
	return (struct times){ .wall = w1 - w0, .cpu = c1 - c0 };
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ns per packet: the least CPU time of the runs (what the process did,
 * whatever else the machine was doing), the least and the median wall
 * time. */
struct figure {
	double cpu, wall, wall_med;
};

static struct figure measure(struct bench *b, const char *label, enum what w,
			     const char *rules, size_t len, int kind)
{
	uint64_t wall[64], cpu[64];
	unsigned int runs = b->runs < N(wall) ? b->runs : N(wall);
	struct figure f;
	double n;

	for (unsigned int r = 0; r < runs; r++) {
		struct times t = run_once(b, w, rules, len, kind);

		wall[r] = t.wall;
		cpu[r] = t.cpu;
	}
	qsort(wall, runs, sizeof(wall[0]), cmp_u64);
	qsort(cpu, runs, sizeof(cpu[0]), cmp_u64);
	n = b->last_count ? (double)b->last_count : 1;
	f.cpu = (double)cpu[0] / n;
	f.wall = (double)wall[0] / n;
	f.wall_med = (double)wall[runs / 2] / n;
	printf("%-44s %8" PRIu64 " %8.1f %8.1f %8.1f %8.3f\n", label,
	       b->last_count, f.cpu, f.wall, f.wall_med, 1e3 / f.cpu);
	fflush(stdout);
	return f;
}

static void print_outcome(const struct replay *rp)
{
	uint64_t nf = nfu_net_drop_count(rp->net, NFU_DROP_NETFILTER);
	uint64_t noso = nfu_net_drop_count(rp->net, NFU_DROP_NO_RESPONDER);
	struct nfu_stats st;
	bool other = false;

	nfu_net_get_stats(rp->net, &st);
	printf("  given to the stack %" PRIu64 ": %" PRIu64 " arrived, %" PRIu64
	       " sent by the host (nfu_send_ip); passed over %" PRIu64 "\n",
	       rp->fed, rp->rx, rp->local_out,
	       rp->copies + rp->not_ipv4 + rp->bad_link);
	printf("  of those that arrived: dropped by the ruleset %" PRIu64
	       " (DROP, REJECT), delivered to the host %" PRIu64 " (%" PRIu64
	       " to no socket: the responder answers), forwarded %" PRIu64 "\n",
	       nf, rp->delivered, noso, rp->forwarded);
	printf("  frames out %" PRIu64 ": forwarded %" PRIu64 ", sent by the host %"
	       PRIu64 " (its %" PRIu64 " from the capture, answers: resets,"
	       " ICMP errors, replies)\n", rp->forwarded + rp->generated,
	       rp->forwarded, rp->generated, rp->local_out);
	printf("  other drops:");
	for (int r = 1; r < NFU_DROP_MAX; r++) {
		uint64_t n = nfu_net_drop_count(rp->net, (enum nfu_drop_reason)r);

		if (!n || r == NFU_DROP_NETFILTER || r == NFU_DROP_NO_RESPONDER)
			continue;
		printf(" %s %" PRIu64, nfu_drop_reason_name((enum nfu_drop_reason)r), n);
		other = true;
	}
	printf("%s\n", other ? "" : " none");
	printf("  LOG lines %" PRIu64 " (%.1f MB as replay writes them); frames"
	       " out with no neighbour entry %" PRIu64 "\n",
	       rp->log_lines, (double)rp->log_bytes / 1e6, st.neigh_unresolved);
}

/* Rules that counted a packet, per chain; the rules of short chains that
 * counted none are printed. */
static void print_rules(struct nfu_net *net)
{
	const struct nfu_xt_ruleset *rs = nfu_xt_current(net);
	unsigned int total = 0, hit = 0;

	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		const struct nfu_xt_table *t = &rs->tables[i];

		for (unsigned int j = 0; j < t->nchains; j++) {
			const struct nfu_xt_chain *c = t->chains[j];
			unsigned int h = 0;

			if (!c->nrules)
				continue;
			for (unsigned int k = 0; k < c->nrules; k++)
				h += c->rules[k]->pcnt != 0;
			total += c->nrules;
			hit += h;
			printf("  %-8s %-8s %3u of %3u rules hit", t->def->name,
			       c->name, h, c->nrules);
			if (c->builtin)
				printf(", policy %s %" PRIu64 " packets",
				       c->policy == NFU_XT_STD_DROP ? "DROP" : "ACCEPT",
				       c->pcnt);
			printf("\n");
			if (c->nrules > 20)
				continue;
			for (unsigned int k = 0; k < c->nrules; k++) {
				struct nfu_strbuf sb;

				if (c->rules[k]->pcnt)
					continue;
				nfu_sb_init(&sb);
				nfu_xt_save_rule(c->rules[k], &sb);
				printf("      not hit: -A %s%s\n", c->name,
				       sb.s ? sb.s : "");
				nfu_sb_free(&sb);
			}
		}
	}
	printf("  rules with a non-zero counter: %u of %u\n", total ? hit : 0, total);
}

/* The ruleset with, before its first FORWARD rule, one rule that counts
 * every packet and 1,000 that match none, -s/-d x/32 as its own. */
static char *ruleset_plus(const char *text, size_t len, size_t *out_len)
{
	const char *at = strstr(text, "\n-A FORWARD ");
	struct nfu_strbuf sb;
	size_t head;

	if (!at)
		return NULL;
	head = (size_t)(at - text) + 1;
	nfu_sb_init(&sb);
	nfu_sb_printf(&sb, "%.*s-A FORWARD\n", (int)head, text);
	for (unsigned int i = 0; i < 1000; i++)
		nfu_sb_printf(&sb, "-A FORWARD -%c 203.0.113.%u/32\n",
			      i % 2 ? 'd' : 's', i / 2 % 250 + 1);
	nfu_sb_printf(&sb, "%.*s", (int)(len - head), text + head);
	if (sb.oom) {
		nfu_sb_free(&sb);
		return NULL;
	}
	*out_len = sb.len;
	return sb.s;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_replay [-r RUNS] [--rules FILE] [--topo FILE] [--only-replay] [PACKETS]\n"
		"       bench_replay --write-only DIR [--rules FILE] [PACKETS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *rules_path = RULES, *write_only = NULL;
	bool only_replay = false;
	uint8_t *kind_of;
	struct bench b = { .topo = TOPO, .runs = 3 };
	uint64_t npkts = 1000000, t0, t1;
	char tmpl[4096], path[4096], *text;
	struct figure rd, rfile, rmem, empty, plus;
	const struct nfu_xt_chain *fwd;
	uint64_t traversals;
	size_t len = 0;
	double per_rule;
	int ret = 1;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "-r") && v) {
			b.runs = (unsigned int)strtoul(v, NULL, 10);
			i++;
		} else if (!strcmp(argv[i], "--rules") && v) {
			rules_path = v;
			i++;
		} else if (!strcmp(argv[i], "--topo") && v) {
			b.topo = v;
			i++;
		} else if (!strcmp(argv[i], "--only-replay")) {
			only_replay = true;
		} else if (!strcmp(argv[i], "--write-only") && v) {
			write_only = v;
			i++;
		} else if (argv[i][0] >= '1' && argv[i][0] <= '9') {
			npkts = strtoull(argv[i], NULL, 10);
		} else {
			return usage();
		}
	}
	if (!b.runs)
		b.runs = 1;
	text = slurp(rules_path, &len);
	kind_of = malloc(npkts);
	if (!text || !kind_of) {
		fprintf(stderr, "bench_replay: %s: %s\n", rules_path,
			text ? "out of memory" : strerror(errno));
		return 1;
	}
	if (write_only) {
		if (mkdir(write_only, 0777) && errno != EEXIST) {
			fprintf(stderr, "bench_replay: %s: %s\n", write_only,
				strerror(errno));
			return 1;
		}
		ret = generate(write_only, text, npkts, kind_of, false);
		free(kind_of);
		free(text);
		return ret;
	}
	snprintf(tmpl, sizeof(tmpl), "%s/nfubench.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "bench_replay: %s: %s\n", tmpl, strerror(errno));
		return 1;
	}
	b.dir = tmpl;
	b.rules = text;
	b.rules_len = len;
	b.kind_of = kind_of;
	printf("nfu replay in process: %s, topology %s\n", rules_path, b.topo);
	t0 = now_ns();
	if (generate(b.dir, text, npkts, kind_of, false))
		goto fail;
	t1 = now_ns();
	printf("  (written in %.2f s, to the page cache of %s)\n",
	       (double)(t1 - t0) / 1e9, b.dir);
	b.plus = ruleset_plus(text, len, &b.plus_len);
	if (!b.plus) {
		fprintf(stderr, "bench_replay: %s: no FORWARD rule\n", rules_path);
		goto fail;
	}
	t0 = now_ns();
	replay_free(replay_new(b.topo, text, len));
	t1 = now_ns();
	printf("stack: topology, restore and commit of the ruleset: %.2f ms"
	       " (not in the figures)\n", (double)(t1 - t0) / 1e6);

	printf("\nns/packet: the least CPU time of %u runs, the least and the"
	       " median wall time;\nM packets/s from the CPU time\n", b.runs);
	printf("%-44s %8s %8s %8s %8s %8s\n", "", "packets", "cpu", "wall",
	       "wall med", "M pkt/s");
	if (only_replay) { /* for perf record: the replay from memory alone */
		read_all(b.dir, &b.mem, npkts);
		measure(&b, "replay, ruleset, from memory", W_REPLAY_MEM, text,
			len, -1);
		goto done;
	}
	rd = measure(&b, "read the captures (nfu_cap_next, merged)", W_READ,
		     NULL, 0, -1);
	rfile = measure(&b, "replay, ruleset, reading included", W_REPLAY_FILES,
			text, len, -1);
	read_all(b.dir, &b.mem, npkts);
	if (b.mem.n != npkts) {
		fprintf(stderr, "bench_replay: read %zu packets of %" PRIu64 "\n",
			b.mem.n, npkts);
		goto fail;
	}
	rmem = measure(&b, "replay, ruleset, from memory", W_REPLAY_MEM, text,
		       len, -1);
	printf("\nwhat became of the packets (ruleset, the last run):\n");
	print_outcome(b.last);
	print_rules(b.last->net);

	printf("\nbaselines, from memory:\n");
	empty = measure(&b, "replay, empty tables", W_REPLAY_MEM, NULL, 0, -1);
	print_outcome(b.last);
	plus = measure(&b, "replay, ruleset + 1,001 FORWARD rules", W_REPLAY_MEM,
		       b.plus, b.plus_len, -1);
	fwd = nfu_xt_chain_find(nfu_xt_ruleset_table(nfu_xt_current(b.last->net),
						     "filter"), "FORWARD");
	traversals = fwd && fwd->nrules ? fwd->rules[0]->pcnt : 0;
	per_rule = traversals ? (plus.cpu - rmem.cpu) * (double)npkts /
					(1001.0 * (double)traversals) : 0;
	printf("\n  packets through FORWARD: %" PRIu64 " (%.1f%%)\n", traversals,
	       100.0 * (double)traversals / (double)npkts);
	printf("  one rule tried: %.2f ns (the 1,001 rules' time over 1,001 x %"
	       PRIu64 " tries)\n", per_rule, traversals);
	printf("  the ruleset's cost: %.1f ns/packet over empty tables (%.0f%%"
	       " of the replay)\n", rmem.cpu - empty.cpu,
	       100.0 * (rmem.cpu - empty.cpu) / rmem.cpu);
	printf("  reading: %.1f ns/packet alone (%.0f bytes a packet); the replay"
	       " from the files costs %.1f ns/packet more than from memory\n",
	       rd.cpu, (double)b.read_bytes / (double)b.runs / (double)npkts,
	       rfile.cpu - rmem.cpu);

	printf("\nper class, ruleset, from memory (a fresh stack for each):\n");
	for (int k = 0; k < NKINDS; k++)
		measure(&b, kinds[k].name, W_REPLAY_MEM, text, len, k);
done:
	ret = 0;
fail:
	replay_free(b.last);
	for (unsigned int i = 0; i < NIF; i++) {
		snprintf(path, sizeof(path), "%s/%s.pcap", b.dir, if_name[i]);
		unlink(path);
	}
	rmdir(b.dir);
	free(b.mem.pkts);
	free(b.mem.bytes);
	free(b.plus);
	free(kind_of);
	free(text);
	return ret;
}
