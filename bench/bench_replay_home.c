/* SPDX-License-Identifier: MIT */
/*
 * bench_replay_home - a mixed replay with connection tracking: 100,000
 * flows through home-user.v4 (a home router whose rules are nearly all
 * conntrack matches), in process the way tools/replay.c replays, against
 * baselines taken in the same run.
 *
 *   build/bench/bench_replay_home [-r RUNS] [--rules FILE] [--topo FILE]
 *                                 [--only-replay] [FLOWS]
 *   build/bench/bench_replay_home --write-only DIR [FLOWS]
 *
 * What?
 *   A deterministic traffic of FLOWS flows (default 100,000; about ten
 *   packets a flow), 4,096 of them open at a time, as the router of
 *   bench/home-user.topo captured it on each of its interfaces (eth0.10 ...
 *   eth0.50, eth1, tun0: one capture each, written with nfu's capture
 *   writer): the VLANs' TCP connections to the Internet (handshake, data
 *   both ways, close), between VLANs on the ports the ruleset opens
 *   (22, 80, 139, 445, 631, 53) and on others it refuses, into the VPN;
 *   UDP (DNS to the router and upstream, NTP, QUIC-like 443); pings both
 *   ways; DHCP broadcasts; the Internet at the forwarded port 24562,
 *   scans; spoofed sources that the raw table drops, and packets that the
 *   tracker calls INVALID.  The router's own answers (DNS, pings) are in
 *   the captures, so the responder is off, as `nfu replay --responder
 *   off'.  Then, each RUNS times (the least CPU time printed):
 *     1. reading alone, the captures merged by time;
 *     2. the replay with the ruleset from memory (a stack from the
 *        topology, the ruleset restored and committed, each packet given
 *        to nfu_rx or, for the host's own, nfu_send_ip, the clock at its
 *        time): conntrack is on, as the ruleset's rules turn it on;
 *     3. baselines: the same packets through empty tables (no conntrack),
 *        and through empty tables with one conntrack rule that changes
 *        nothing (conntrack on, its cost alone); and the ruleset without
 *        the 4 hashlimit rules of icmp-ratelimit (what they cost);
 *     4. the replay with the ruleset, one class of traffic at a time;
 *   then one more replay that watches each packet (not timed): what
 *   conntrack made of it (its ctinfo at PRE_ROUTING or LOCAL_OUT, through
 *   a hook function just after conntrack's) and what became of it, per
 *   class; the connection table at the end (connections, the most at
 *   once, early drops, TCP states, its size); the rules that counted.
 *
 *   With --write-only DIR it only writes the captures (for
 *   bench/bench_replay_home.sh, which times the nfu command on them);
 *   with --only-replay it runs only the replay with the ruleset (for perf
 *   record).
 *
 * Basic design
 *   - The writing, reading and replaying are bench_replay's
 *     (replay_scene.c); this file is the scene: its interfaces, its kinds
 *     of flows and how each goes.
 *   - nfu has no NAT yet (issue 6): the nat table is parsed, not
 *     evaluated.  The Internet's answers are written as Linux would have
 *     captured them on eth1, to the router's public address after
 *     MASQUERADE (and on tun0 to its VPN address); without NAT they match
 *     no connection and end in INPUT's policy.  The figures change when
 *     NAT lands.
 *   - home-user.v4 leaves out the counters of the built-in chains of nat,
 *     mangle and raw (`:PREROUTING ACCEPT'); nfu replay restores as
 *     `iptables-restore -c' and refuses them, so the bench adds `[0:0]'
 *     (the same ruleset) before it restores.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conntrack/ct-private.h"
#include "nfu/nfu.h"
#include "replay_scene.h"
#include "xtables/lang.h"

#ifndef BENCH_DIR
#define BENCH_DIR "bench"
#endif
#define RULES "/work/shared/data/rulesets/home-user.v4"
#define TOPO BENCH_DIR "/home-user.topo"

/*
 * The router and its networks (bench/home-user.topo), host order.
 */

#define HOST_PUB IP4(81, 200, 64, 17)
#define HOST_VPN IP4(10, 8, 0, 2)
#define NET(v, x) IP4(192, 168, v, x)
#define ROUTER(v) NET(v, 1)
#define NTP_19 IP4(131, 159, 20, 148) /* the one server eth0.19 may reach */

static const uint8_t vlans[] = { 10, 11, 12, 13, 14, 19, 20, 21, 22, 23, 24, 50 };
#define NVLAN N(vlans)
enum { IF_ETH1 = NVLAN, IF_TUN0, NIF };

#define ROUTER_MAC { 0x02, 0x00, 0xc0, 0xa8, 0x00, 0x01 }
static const struct scene_if ifs[NIF] = {
	{ "eth0.10", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.11", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.12", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.13", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.14", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.19", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.20", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.21", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.22", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.23", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.24", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth0.50", NFU_LINKTYPE_ETHERNET, ROUTER_MAC },
	{ "eth1", NFU_LINKTYPE_ETHERNET, { 0x02, 0x00, 0x51, 0xc8, 0x40, 0x11 } },
	{ "tun0", NFU_LINKTYPE_RAW, { 0 } },
};

/* What the ruleset lets each VLAN do. */
static const uint8_t inet_vlans[] = { 10, 11, 12, 14, 20, 21, 24 };   /* -o eth1 */
static const uint8_t vpn_vlans[] = { 13, 22 };                        /* -o tun0 */
static const uint8_t dns_vlans[] = { 10, 11, 12, 14, 19, 20, 21, 24 };
static const uint8_t nodns_vlans[] = { 13, 22, 23 };
static const uint8_t dhcp_vlans[] = { 10, 11, 12, 13, 14, 20, 21, 22, 23, 24 };

/* Between VLANs: FORWARD's -i eth0.A -o eth0.B --dports, and some that
 * no rule opens. */
struct pair {
	uint8_t from, to;
	uint16_t port;
};

static const struct pair lan_ok[] = {
	{ 12, 10, 139 }, { 12, 10, 445 }, { 13, 10, 139 }, { 13, 10, 445 },
	{ 11, 10, 139 }, { 11, 10, 445 }, { 11, 10, 631 }, { 20, 11, 22 },
	{ 10, 11, 139 }, { 10, 11, 445 }, { 10, 11, 631 }, { 12, 11, 22 },
	{ 12, 11, 139 }, { 12, 11, 445 }, { 13, 11, 445 }, { 10, 13, 22 },
	{ 11, 13, 22 }, { 11, 13, 80 }, { 23, 13, 53 }, { 23, 13, 80 },
};

static const struct pair lan_refused[] = {
	{ 10, 12, 445 }, { 14, 10, 22 }, { 21, 11, 445 }, { 24, 13, 631 },
	{ 20, 10, 139 }, { 11, 12, 22 }, { 10, 11, 22 }, { 13, 12, 445 },
};

static uint8_t vif(unsigned int vlan)
{
	for (unsigned int i = 0; i < NVLAN; i++)
		if (vlans[i] == vlan)
			return (uint8_t)i;
	abort(); /* not a VLAN of the topology */
}

#define PICK(g, a) ((a)[below(&(g)->rng, N(a))])

/* A host of VLAN 'v' that its raw chain lets in (.1-.191; .1 is the
 * router). */
static uint32_t lan_host(struct gen *g, unsigned int v)
{
	return NET(v, 2 + below(&g->rng, 190));
}

/* Addresses that invalid_ext drops beyond those public_addr() refuses. */
static bool not_bogon(uint32_t a)
{
	return (a & 0xffffff00u) != IP4(192, 0, 0, 0) &&
	       (a & 0xffffff00u) != IP4(192, 0, 2, 0) &&
	       (a & 0xffffff00u) != IP4(192, 88, 99, 0) &&
	       (a & 0xfffe0000u) != IP4(198, 18, 0, 0) &&
	       (a & 0xffffff00u) != IP4(203, 0, 113, 0) &&
	       (a & 0xffffff00u) != (HOST_PUB & 0xffffff00u);
}

/*
 * Traffic classes.
 */

enum kind {
	K_WEB,          /* LAN -> Internet tcp/80,443, answers on eth1 */
	K_UDP_OUT,      /* LAN -> Internet udp/53,123,443 */
	K_PING_OUT,     /* LAN -> Internet echo */
	K_VPN,          /* eth0.13/22 -> 10.20.0.0/16 by tun0 */
	K_LAN_OK,       /* VLAN -> VLAN, a port FORWARD opens */
	K_LAN_REFUSED,  /* VLAN -> VLAN or Internet, no rule opens it */
	K_HOST_DNS,     /* LAN -> router udp,tcp/53, its answers */
	K_HOST_REFUSED, /* LAN -> router, REJECTed */
	K_HOST_PING,    /* LAN -> router echo, its replies */
	K_DHCP,         /* 0.0.0.0:68 -> 255.255.255.255:67 */
	K_INET_IN,      /* Internet -> router: echo, tcp/24562 */
	K_SCAN,         /* Internet -> router, other ports */
	K_SPOOF,        /* what the raw table drops */
	K_INVALID,      /* what conntrack calls INVALID */
	NKINDS
};

static const struct kind_def kinds[NKINDS] = {
	[K_WEB] = { "LAN -> Internet tcp 80/443", 260 },
	[K_UDP_OUT] = { "LAN -> Internet UDP (DNS, NTP, QUIC)", 150 },
	[K_PING_OUT] = { "LAN -> Internet ping", 30 },
	[K_VPN] = { "eth0.13/22 -> VPN (tun0)", 40 },
	[K_LAN_OK] = { "VLAN -> VLAN, allowed ports", 80 },
	[K_LAN_REFUSED] = { "VLAN -> VLAN/Internet, refused", 40 },
	[K_HOST_DNS] = { "LAN -> router DNS, its answers", 180 },
	[K_HOST_REFUSED] = { "LAN -> router, refused (REJECT)", 30 },
	[K_HOST_PING] = { "LAN -> router ping, its replies", 30 },
	[K_DHCP] = { "DHCP broadcasts", 20 },
	[K_INET_IN] = { "Internet -> router ping, port 24562", 40 },
	[K_SCAN] = { "Internet -> router, scans", 50 },
	[K_SPOOF] = { "spoofed sources (raw)", 25 },
	[K_INVALID] = { "INVALID (flags, stray SYN/ACK, checksum)", 25 },
};

static const struct scene scene = {
	.prog = "bench_replay_home", .nif = NIF, .ifs = ifs,
	.nkinds = NKINDS, .kinds = kinds,
};

#define NFLOWS 4096
#define MSS 1448 /* 1500 - IP - TCP with timestamps */

/* The Internet's answer to 'c' of VLAN 'v' (ep 1): to the public
 * address, as masqueraded, the client's port kept. */
static void to_inet(struct gen *g, struct flow *f, unsigned int v, uint32_t c,
		    uint32_t s, uint16_t cp, uint16_t sp)
{
	ep_set(g, &f->ep[0], c, s, cp, sp, vif(v), 64);
	ep_set(g, &f->ep[1], s, HOST_PUB, sp, cp, IF_ETH1, inet_ttl(g));
}

/* A client of VLAN 'v' and the router answering from ROUTER(v). */
static void to_router(struct gen *g, struct flow *f, unsigned int v,
		      uint16_t cp, uint16_t sp)
{
	uint32_t c = lan_host(g, v);

	ep_set(g, &f->ep[0], c, ROUTER(v), cp, sp, vif(v), 64);
	ep_set(g, &f->ep[1], ROUTER(v), c, sp, cp, vif(v), 64);
	f->ep[1].host_sent = true;
}

static void udp_exchange(struct gen *g, struct flow *f, unsigned int n,
			 unsigned int qlen, unsigned int alen, bool answered)
{
	for (unsigned int i = 0; i < n; i++) {
		add_step(f, 0, 1, S_UDP, 0, qlen + below(&g->rng, 30));
		if (answered)
			add_step(f, 1, 0, S_UDP, 0, alen + below(&g->rng, 200));
	}
}

static void flow_lan_inet(struct gen *g, struct flow *f, enum kind k,
			  uint16_t cp)
{
	static const uint32_t resolvers[] = { IP4(8, 8, 8, 8), IP4(1, 1, 1, 1),
					      IP4(9, 9, 9, 9) };
	unsigned int v = PICK(g, inet_vlans);
	uint32_t c = lan_host(g, v);

	switch (k) {
	case K_WEB:
		to_inet(g, f, v, c, server(g), cp, chance(&g->rng, 75) ? 443 : 80);
		tcp_script(g, f, 1 + below(&g->rng, 3), 12, MSS);
		break;
	case K_UDP_OUT:
		if (chance(&g->rng, 10)) { /* eth0.19's one server */
			v = 19;
			to_inet(g, f, v, lan_host(g, v), NTP_19, cp, 123);
			udp_exchange(g, f, 1 + below(&g->rng, 3), 48, 48, true);
			break;
		}
		switch (below(&g->rng, 3)) {
		case 0:
			to_inet(g, f, v, c, PICK(g, resolvers), cp, 53);
			udp_exchange(g, f, 1, 30, 60, true);
			break;
		case 1:
			to_inet(g, f, v, c, server(g), 123, 123);
			udp_exchange(g, f, 1 + below(&g->rng, 2), 48, 0, true);
			break;
		default: /* QUIC */
			to_inet(g, f, v, c, server(g), cp, 443);
			for (unsigned int n = 2 + below(&g->rng, 12); n; n--) {
				add_step(f, 0, 1, S_UDP, 0, 1200);
				add_step(f, 1, 0, S_UDP, 0, 1200);
			}
			break;
		}
		break;
	default: /* K_PING_OUT: the reply has the request's id */
		to_inet(g, f, v, c, server(g), (uint16_t)rng_next(&g->rng), 0);
		f->ep[1].sport = f->ep[0].sport;
		pings(f, 1 + below(&g->rng, 4), true);
		break;
	}
}

/* A TCP connection on 'port' between hosts of two VLANs, or its SYNs
 * alone when 'refused'. */
static void flow_lan_lan(struct gen *g, struct flow *f, const struct pair *p,
			 uint16_t cp, bool refused)
{
	uint32_t c = lan_host(g, p->from), s = lan_host(g, p->to);

	ep_set(g, &f->ep[0], c, s, cp, p->port, vif(p->from), 64);
	ep_set(g, &f->ep[1], s, c, p->port, cp, vif(p->to), 64);
	if (refused)
		tcp_syns(f, 1 + below(&g->rng, 3));
	else if (p->port == 22)
		tcp_interactive(g, f, 5 + below(&g->rng, 30));
	else if (p->port == 53)
		tcp_script(g, f, 1, 1, 300);
	else if (p->port == 631)
		tcp_script(g, f, 1 + below(&g->rng, 2), 2, MSS);
	else
		tcp_script(g, f, 1 + below(&g->rng, 4), 6, MSS);
}

static void flow_router(struct gen *g, struct flow *f, enum kind k, uint16_t cp)
{
	unsigned int v;

	switch (k) {
	case K_HOST_DNS:
		v = PICK(g, dns_vlans);
		to_router(g, f, v, cp, 53);
		if (chance(&g->rng, 15)) {
			tcp_script(g, f, 1, 1, 400);
			break;
		}
		add_step(f, 0, 1, S_UDP, 0, 30 + below(&g->rng, 40));
		if (chance(&g->rng, 30)) {
			/* its own question upstream, and the answer */
			uint16_t up = eph_port(g);

			ep_set(g, &f->ep[2], HOST_PUB, IP4(9, 9, 9, 9), up, 53,
			       IF_ETH1, 64);
			f->ep[2].host_sent = true;
			ep_set(g, &f->ep[3], IP4(9, 9, 9, 9), HOST_PUB, 53, up,
			       IF_ETH1, inet_ttl(g));
			add_step(f, 2, 3, S_UDP, 0, 30 + below(&g->rng, 40));
			add_step(f, 3, 2, S_UDP, 0, 60 + below(&g->rng, 200));
		}
		add_step(f, 1, 0, S_UDP, 0, 60 + below(&g->rng, 200));
		break;
	case K_HOST_REFUSED:
		if (chance(&g->rng, 50)) { /* DNS where INPUT has no rule */
			to_router(g, f, PICK(g, nodns_vlans), cp, 53);
			udp_exchange(g, f, 1 + below(&g->rng, 2), 30, 0, false);
		} else { /* the router's web pages, ssh */
			static const uint16_t ports[] = { 80, 443, 22 };

			do
				v = PICK(g, vlans);
			while (v == 50);
			to_router(g, f, v, cp, PICK(g, ports));
			tcp_syns(f, 1 + below(&g->rng, 3));
		}
		break;
	case K_HOST_PING:
		do
			v = PICK(g, vlans);
		while (v == 50);
		to_router(g, f, v, (uint16_t)rng_next(&g->rng), 0);
		f->ep[1].sport = f->ep[0].sport;
		pings(f, 1 + below(&g->rng, 4), true);
		break;
	default: { /* K_DHCP: DISCOVER and REQUEST; dhcpd answers by a
		    * packet socket, beside netfilter, so its answers are
		    * not given to the stack */
		v = chance(&g->rng, 10) ? 19 : PICK(g, dhcp_vlans);
		ep_set(g, &f->ep[0], 0, 0xffffffffu, 68, 67, vif(v), 64);
		f->ep[0].bcast = true;
		add_step(f, 0, 1, S_UDP, 0, 300);
		add_step(f, 0, 1, S_UDP, 0, 300);
		break;
	}
	}
}

static void flow_inbound(struct gen *g, struct flow *f, enum kind k,
			 uint16_t cp)
{
	uint32_t s = random_public(g);

	switch (k) {
	case K_INET_IN:
		if (chance(&g->rng, 40)) {
			ep_set(g, &f->ep[0], s, HOST_PUB,
			       (uint16_t)rng_next(&g->rng), 0, IF_ETH1, inet_ttl(g));
			ep_set(g, &f->ep[1], HOST_PUB, s, f->ep[0].sport, 0,
			       IF_ETH1, 64);
			f->ep[1].host_sent = true;
			pings(f, 1 + below(&g->rng, 3), true);
		} else { /* the port forward (DNAT to 192.168.10.64:443) */
			ep_set(g, &f->ep[0], s, HOST_PUB, cp, 24562, IF_ETH1,
			       inet_ttl(g));
			tcp_syns(f, 1 + below(&g->rng, 3));
		}
		break;
	default: /* K_SCAN: a port drawn at each packet */
		ep_set(g, &f->ep[0], s, HOST_PUB, cp, 0, IF_ETH1, inet_ttl(g));
		for (unsigned int n = 1 + below(&g->rng, 4); n; n--)
			add_step(f, 0, 1, chance(&g->rng, 75) ? S_TCP : S_UDP,
				 TH_SYN, 0);
		break;
	}
}

static void flow_spoof(struct gen *g, struct flow *f, uint16_t cp)
{
	static const uint32_t bogons[] = { IP4(10, 1, 2, 0), IP4(192, 168, 10, 0),
					   IP4(127, 0, 0, 0), IP4(172, 16, 5, 0),
					   IP4(100, 64, 1, 0), IP4(0, 0, 0, 0) };
	unsigned int p = below(&g->rng, 100), v;

	if (p < 35) { /* a VLAN's host outside its range, or another's */
		do
			v = PICK(g, vlans);
		while (v == 50);
		ep_set(g, &f->ep[0], chance(&g->rng, 70) ?
				NET(v, 192 + below(&g->rng, 63)) :
				lan_host(g, v == 10 ? 11 : 10),
		       server(g), cp, 443, vif(v), 64);
	} else if (p < 50) { /* eth0.50: spoof_vlan_50 drops everything */
		ep_set(g, &f->ep[0], lan_host(g, 50),
		       chance(&g->rng, 50) ? ROUTER(50) : server(g), cp, 22,
		       vif(50), 64);
	} else if (p < 85) { /* eth1: invalid_ext's sources */
		ep_set(g, &f->ep[0], PICK(g, bogons) | (1 + below(&g->rng, 250)),
		       HOST_PUB, cp, chance(&g->rng, 50) ? 22 : 445, IF_ETH1,
		       inet_ttl(g));
	} else { /* tun0: invalid_vpn's */
		ep_set(g, &f->ep[0], lan_host(g, PICK(g, dns_vlans)), HOST_VPN,
		       cp, 445, IF_TUN0, 60);
	}
	tcp_syns(f, 1 + below(&g->rng, 2));
}

static void flow_invalid(struct gen *g, struct flow *f, uint16_t cp)
{
	static const uint8_t bad_flags[] = { TH_SYN | TH_FIN, 0,
					     TH_FIN | TH_PSH | TH_URG };
	unsigned int p = below(&g->rng, 100);
	unsigned int v = PICK(g, inet_vlans);

	if (p < 30) { /* backscatter: SYN/ACKs for nothing */
		ep_set(g, &f->ep[0], random_public(g), HOST_PUB,
		       chance(&g->rng, 50) ? 80 : 443, cp, IF_ETH1, inet_ttl(g));
		for (unsigned int n = 1 + below(&g->rng, 2); n; n--)
			add_step(f, 0, 1, S_TCP, TH_SYN | TH_ACK, 0);
	} else if (p < 50) { /* flags no TCP sends: SYN+FIN, null, xmas */
		ep_set(g, &f->ep[0], random_public(g), HOST_PUB, cp, 0,
		       IF_ETH1, inet_ttl(g));
		for (unsigned int n = 1 + below(&g->rng, 3); n; n--)
			add_step(f, 0, 1, S_TCP, PICK(g, bad_flags), 0);
	} else if (p < 70) { /* a SYN with a wrong checksum */
		to_inet(g, f, v, lan_host(g, v), server(g), cp, 443);
		add_step(f, 0, 1, S_TCP, TH_SYN, 0);
		f->steps[f->nsteps - 1].opt = STEP_BAD_CSUM;
	} else if (p < 85) { /* an echo reply nobody asked for */
		ep_set(g, &f->ep[0], random_public(g), HOST_PUB,
		       (uint16_t)rng_next(&g->rng), 0, IF_ETH1, inet_ttl(g));
		add_step(f, 0, 1, S_ICMP, 0, 56);
	} else { /* a reset for no connection */
		to_inet(g, f, v, lan_host(g, v), server(g), cp, 443);
		add_step(f, 0, 1, S_TCP, TH_RST | TH_ACK, 0);
	}
}

static void flow_new(struct gen *g, struct flow *f)
{
	enum kind k = (enum kind)gen_pick_kind(g);
	uint16_t cp = eph_port(g);

	memset(f, 0, offsetof(struct flow, steps));
	f->kind = (uint8_t)k;
	switch (k) {
	case K_WEB:
	case K_UDP_OUT:
	case K_PING_OUT:
		flow_lan_inet(g, f, k, cp);
		break;
	case K_VPN: {
		static const uint16_t ports[] = { 443, 22, 445 };
		unsigned int v = PICK(g, vpn_vlans);
		uint16_t sp = PICK(g, ports);
		uint32_t s = IP4(10, 20, below(&g->rng, 256), 1 + below(&g->rng, 254));

		ep_set(g, &f->ep[0], lan_host(g, v), s, cp, sp, vif(v), 64);
		ep_set(g, &f->ep[1], s, HOST_VPN, sp, cp, IF_TUN0, 62);
		if (sp == 22)
			tcp_interactive(g, f, 5 + below(&g->rng, 30));
		else
			tcp_script(g, f, 1 + below(&g->rng, 3), 6, 1348);
		break;
	}
	case K_LAN_OK:
		flow_lan_lan(g, f, &PICK(g, lan_ok), cp, false);
		break;
	case K_LAN_REFUSED:
		if (chance(&g->rng, 70)) {
			flow_lan_lan(g, f, &PICK(g, lan_refused), cp, true);
		} else { /* 13, 22 (VPN only) and 23 to the Internet */
			static const uint8_t vs[] = { 13, 22, 23 };
			unsigned int v = PICK(g, vs);

			to_inet(g, f, v, lan_host(g, v), server(g), cp, 443);
			tcp_syns(f, 1 + below(&g->rng, 3));
		}
		break;
	case K_HOST_DNS:
	case K_HOST_REFUSED:
	case K_HOST_PING:
	case K_DHCP:
		flow_router(g, f, k, cp);
		break;
	case K_INET_IN:
	case K_SCAN:
		flow_inbound(g, f, k, cp);
		break;
	case K_SPOOF:
		flow_spoof(g, f, cp);
		break;
	case K_INVALID:
		flow_invalid(g, f, cp);
		break;
	case NKINDS:
		break;
	}
}

/* Writes the captures of 'nflows' flows to DIR/IFACE.pcap; '*kind_of'
 * gets each packet's class (malloc'ed), '*npkts' their number.  0 or 1
 * after saying why. */
static int generate(const char *dir, uint64_t nflows, uint8_t **kind_of,
		    uint64_t *npkts, bool quiet)
{
	static const struct scene_ops ops = { flow_new, gen_emit_step };
	static struct gen g;
	int ret;

	gen_init(&g, &scene, NFLOWS);
	g.rng.s = 0x686f6d652d757372u; /* "home-usr" */
	g.flow_limit = nflows;
	g.gap_min = 20000; /* 20-179 us, 100 on average */
	g.gap_unit = 160;
	g.usable = not_bogon;
	for (size_t i = 0; i < N(g.servers); i++)
		g.servers[i] = random_public(&g);
	ret = gen_run(&g, &ops, dir, quiet);
	*kind_of = g.kind_of;
	*npkts = g.count;
	g.kind_of = NULL;
	gen_free(&g);
	return ret;
}

/*
 * Watching each packet (the outcome run, not timed).
 */

enum { CI_NEW, CI_EST, CI_REL, CI_EST_REPLY, CI_REL_REPLY, CI_INVALID,
       CI_UNTRACKED, CI_NONE, NCI };

static const char *const ci_name[NCI] = {
	"NEW", "EST", "REL", "EST-r", "REL-r", "INVAL", "UNTRK", "none",
};

enum { O_DELIVERED, O_FORWARDED, O_SENT, O_RULES, O_OTHER, O_ANSWERS, NO };

static const char *const o_name[NO] = {
	"deliv", "fwd", "sent", "ruled", "other", "answ",
};

struct watch {
	struct nfu_hook_ops ops[2];
	int ci;                           /* of the packet being fed */
	uint64_t ci_count[NKINDS][NCI];
	uint64_t out[NKINDS][NO];
	uint64_t pkts[NKINDS];
	uint64_t delivered, forwarded, generated, ruled, dropped, local_out;
	uint32_t max_count;
	const uint8_t *kind_of;
};

static unsigned int watch_hook(void *priv, struct nfu_pkt *pkt,
			       const struct nfu_hook_state *state)
{
	struct watch *w = priv;

	(void)state;
	if (w->ci >= 0)
		return NFU_ACCEPT; /* the host's answer to it */
	if (pkt->ct) {
		switch (pkt->ctinfo) {
		case NFU_CT_NEW: w->ci = CI_NEW; break;
		case NFU_CT_ESTABLISHED: w->ci = CI_EST; break;
		case NFU_CT_RELATED: w->ci = CI_REL; break;
		case NFU_CT_ESTABLISHED_REPLY: w->ci = CI_EST_REPLY; break;
		default: w->ci = CI_REL_REPLY; break;
		}
	} else {
		w->ci = pkt->ctinfo == NFU_CT_UNTRACKED ? CI_UNTRACKED : CI_INVALID;
	}
	return NFU_ACCEPT;
}

static void watch_before(struct replay *rp, void *arg)
{
	struct watch *w = arg;

	for (unsigned int i = 0; i < 2; i++) {
		w->ops[i] = (struct nfu_hook_ops){
			.hook = watch_hook, .priv = w, .pf = NFU_PROTO_IPV4,
			.hooknum = i ? NFU_INET_LOCAL_OUT : NFU_INET_PRE_ROUTING,
			.priority = NFU_IP_PRI_CONNTRACK + 1,
		};
		if (nfu_hook_register(rp->net, &w->ops[i])) {
			fprintf(stderr, "bench_replay_home: no hook\n");
			exit(1);
		}
	}
	w->ci = -1;
}

static void watch_after(struct replay *rp, size_t k, void *arg)
{
	struct watch *w = arg;
	unsigned int kind = w->kind_of[k];
	uint64_t ruled = nfu_net_drop_count(rp->net, NFU_DROP_NETFILTER);
	struct nfu_ct_net *cn = nfu_ct_net(rp->net);
	struct nfu_stats st;
	uint64_t *o = w->out[kind];

	nfu_net_get_stats(rp->net, &st);
	w->pkts[kind]++;
	w->ci_count[kind][w->ci < 0 ? CI_NONE : w->ci]++;
	if (rp->local_out > w->local_out) /* the host's own */
		o[rp->generated > w->generated ? O_SENT :
		  ruled > w->ruled ? O_RULES : O_OTHER]++;
	else if (rp->delivered > w->delivered)
		o[O_DELIVERED]++;
	else if (rp->forwarded > w->forwarded)
		o[O_FORWARDED]++;
	else if (ruled > w->ruled)
		o[O_RULES]++;
	else if (st.dropped > w->dropped)
		o[O_OTHER]++;
	if (rp->local_out == w->local_out && rp->generated > w->generated)
		o[O_ANSWERS] += rp->generated - w->generated;
	w->local_out = rp->local_out;
	w->delivered = rp->delivered;
	w->forwarded = rp->forwarded;
	w->generated = rp->generated;
	w->ruled = ruled;
	w->dropped = st.dropped;
	if (cn && cn->count > w->max_count)
		w->max_count = cn->count;
	w->ci = -1;
}

struct ct_census {
	uint64_t by_proto[3], other, assured, seen_reply;
	uint64_t tcp_state[NFU_CT_TCP_MAX];
};

static void census(struct nfu_ct *ct, void *priv)
{
	struct ct_census *c = priv;
	uint8_t proto = ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.proto;

	if (proto == 6) {
		c->by_proto[0]++;
		if (ct->proto.tcp.state < NFU_CT_TCP_MAX)
			c->tcp_state[ct->proto.tcp.state]++;
	} else if (proto == 17) {
		c->by_proto[1]++;
	} else if (proto == 1) {
		c->by_proto[2]++;
	} else {
		c->other++;
	}
	c->assured += !!(ct->status & NFU_IPS_ASSURED);
	c->seen_reply += !!(ct->status & NFU_IPS_SEEN_REPLY);
}

/* The hash table's chains: how many are used, the longest. */
static void print_chains(const struct nfu_ct_net *cn)
{
	uint64_t used = 0, entries = 0, longest = 0;

	for (uint32_t i = 0; i < cn->nbuckets; i++) {
		uint64_t n = 0;

		for (const struct nfu_ct_tuplehash *h = cn->buckets[i]; h; h = h->next)
			n++;
		used += n != 0;
		entries += n;
		longest = n > longest ? n : longest;
	}
	printf("  hash chains: %" PRIu64 " tuples (two a connection) in %" PRIu64
	       " of %u buckets, %.2f a used bucket, the longest %" PRIu64 "\n",
	       entries, used, cn->nbuckets,
	       used ? (double)entries / (double)used : 0.0, longest);
}

static void print_watch(const struct watch *w, struct replay *rp)
{
	struct nfu_ct_net *cn = nfu_ct_net(rp->net);
	struct ct_census c = { 0 };

	printf("\nper class: conntrack's ctinfo of each packet (at PRE_ROUTING or"
	       " LOCAL_OUT; none: dropped before, in raw),\nthen what became of"
	       " it (delivered, forwarded, sent by the host, dropped by the"
	       " rules,\ndropped otherwise) and the host's answers to it"
	       " (REJECT's errors)\n");
	printf("%-42s %7s", "", "packets");
	for (unsigned int i = 0; i < NCI; i++)
		printf(" %6s", ci_name[i]);
	printf(" |");
	for (unsigned int i = 0; i < NO; i++)
		printf(" %6s", o_name[i]);
	printf("\n");
	for (unsigned int k = 0; k < NKINDS; k++) {
		printf("%-42s %7" PRIu64, kinds[k].name, w->pkts[k]);
		for (unsigned int i = 0; i < NCI; i++)
			printf(" %6" PRIu64, w->ci_count[k][i]);
		printf(" |");
		for (unsigned int i = 0; i < NO; i++)
			printf(" %6" PRIu64, w->out[k][i]);
		printf("\n");
	}
	if (!cn) {
		printf("conntrack is off\n");
		return;
	}
	nfu_ct_walk(cn, census, &c);
	printf("\nconnection tracking at the end: %u connections (%u in the"
	       " table), %u at most at once; tcp %" PRIu64 ", udp %" PRIu64
	       ", icmp %" PRIu64 ", other %" PRIu64 "; assured %" PRIu64
	       ", seen reply %" PRIu64 "\n", cn->count, cn->confirmed,
	       w->max_count, c.by_proto[0], c.by_proto[1], c.by_proto[2],
	       c.other, c.assured, c.seen_reply);
	printf("  tcp states:");
	for (unsigned int i = 1; i < NFU_CT_TCP_MAX; i++)
		if (c.tcp_state[i])
			printf(" %s %" PRIu64, nfu_ct_tcp_state_name(i),
			       c.tcp_state[i]);
	printf("\n  statistics (conntrack -S): found %" PRIu64 " invalid %" PRIu64
	       " insert %" PRIu64 " insert_failed %" PRIu64 " drop %" PRIu64
	       " early_drop %" PRIu64 " error %" PRIu64 "\n", cn->found,
	       cn->invalid, cn->insert, cn->insert_failed, cn->drop,
	       cn->early_drop, cn->error);
	printf("  table: %u buckets (%.1f MB), %zu bytes a connection: %.1f MB"
	       " for those alive; nf_conntrack_max %u\n", cn->nbuckets,
	       (double)cn->nbuckets * sizeof(void *) / 1e6,
	       sizeof(struct nfu_ct),
	       (double)cn->count * sizeof(struct nfu_ct) / 1e6, cn->sysctl.max);
	print_chains(cn);
}

/* 'text' with the counters [0:0] after the built-in chains' policies
 * that have none (`:PREROUTING ACCEPT'), which nfu replay's restore
 * requires as iptables-restore -c does; without the lines that start
 * with 'drop' if it is set. */
static char *with_policy_counters(const char *text, size_t *len,
				  const char *drop)
{
	struct nfu_strbuf sb;
	const char *p = text;

	nfu_sb_init(&sb);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (drop && !strncmp(p, drop, strlen(drop))) {
			p += n + (nl != NULL);
			continue;
		}
		nfu_sb_printf(&sb, "%.*s", (int)n, p);
		if (n > 7 && p[0] == ':' && (!memcmp(p + n - 7, " ACCEPT", 7) ||
					    !memcmp(p + n - 5, " DROP", 5)))
			nfu_sb_printf(&sb, " [0:0]");
		nfu_sb_printf(&sb, "%s", nl ? "\n" : "");
		p += n + (nl != NULL);
	}
	if (sb.oom) {
		nfu_sb_free(&sb);
		return NULL;
	}
	*len = sb.len;
	return sb.s;
}

static const char empty_rules[] =
	"*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\nCOMMIT\n";
/* Empty tables, conntrack on: a rule that needs it and changes nothing. */
static const char ct_rules[] =
	"*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n-A FORWARD -m conntrack --ctstate UNTRACKED\n"
	"COMMIT\n";

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_replay_home [-r RUNS] [--rules FILE] [--topo FILE] [--only-replay] [FLOWS]\n"
		"       bench_replay_home --write-only DIR [FLOWS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct bench_args a = { .runs = 5, .rules = RULES, .topo = TOPO,
				.count = 100000 };
	uint8_t *kind_of = NULL;
	struct bench b = { .sc = &scene };
	uint64_t npkts = 0, t0, t1;
	char tmpl[4096], *raw, *text = NULL, *no_hl = NULL;
	struct figure rmem, empty, ct_only, nohl;
	size_t no_hl_len = 0;
	static struct watch w;
	size_t len = 0;
	int ret = 1;

	if (bench_parse_args(argc, argv, &a))
		return usage();
	b.topo = a.topo;
	b.runs = a.runs;
	if (a.write_only) {
		if (bench_mkdir(&scene, a.write_only))
			return 1;
		ret = generate(a.write_only, a.count, &kind_of, &npkts, false);
		free(kind_of);
		return ret;
	}
	raw = slurp(a.rules, &len);
	if (!raw || !(no_hl = with_policy_counters(raw, &no_hl_len,
						     "-A icmp-ratelimit ")) ||
	    !(text = with_policy_counters(raw, &len, NULL))) {
		fprintf(stderr, "bench_replay_home: %s: %s\n", a.rules,
			raw ? "out of memory" : strerror(errno));
		return 1;
	}
	free(raw);
	if (bench_tmpdir(&scene, tmpl, sizeof(tmpl)))
		return 1;
	b.dir = tmpl;
	printf("nfu replay in process: %s, topology %s, responder off\n",
	       a.rules, b.topo);
	t0 = now_ns();
	if (generate(b.dir, a.count, &kind_of, &npkts, false))
		goto fail;
	t1 = now_ns();
	b.kind_of = kind_of;
	printf("  (written in %.2f s, to the page cache of %s)\n",
	       (double)(t1 - t0) / 1e9, b.dir);
	bench_time_setup(&b, text, len);
	read_all(&scene, b.dir, &b.mem, npkts);
	if (b.mem.n != npkts) {
		fprintf(stderr, "bench_replay_home: read %zu packets of %" PRIu64
			"\n", b.mem.n, npkts);
		goto fail;
	}

	print_heading(b.runs);
	rmem = measure(&b, "replay, ruleset (conntrack on)", W_REPLAY_MEM, text,
		       len, -1);
	if (a.only_replay)
		goto done;
	empty = measure(&b, "baseline: empty tables (no conntrack)",
			W_REPLAY_MEM, empty_rules, strlen(empty_rules), -1);
	ct_only = measure(&b, "baseline: empty tables, conntrack on",
			  W_REPLAY_MEM, ct_rules, strlen(ct_rules), -1);
	print_outcome(b.last);
	nohl = measure(&b, "ruleset without icmp-ratelimit's hashlimits",
		       W_REPLAY_MEM, no_hl, no_hl_len, -1);
	measure(&b, "read the captures (nfu_cap_next, merged)", W_READ, NULL, 0,
		-1);
	printf("\n  conntrack alone: %.1f ns/packet; the ruleset's matches and"
	       " targets: %.1f ns/packet more, of which the 4 hashlimit rules"
	       " of icmp-ratelimit %.1f\n", ct_only.cpu - empty.cpu,
	       rmem.cpu - ct_only.cpu, rmem.cpu - nohl.cpu);

	printf("\nper class, ruleset, from memory (a fresh stack for each):\n");
	for (int k = 0; k < NKINDS; k++)
		measure(&b, kinds[k].name, W_REPLAY_MEM, text, len, k);

	printf("\nwhat became of the packets (ruleset, one more replay watching"
	       " each packet):\n");
	w.kind_of = kind_of;
	b.before = watch_before;
	b.after_pkt = watch_after;
	b.arg = &w;
	run_once(&b, W_REPLAY_MEM, text, len, -1);
	b.before = NULL;
	b.after_pkt = NULL;
	print_outcome(b.last);
	print_watch(&w, b.last);
	print_rules(b.last->net);
done:
	ret = 0;
fail:
	replay_free(b.last);
	remove_captures(&scene, b.dir);
	mem_free(&b.mem);
	free(kind_of);
	free(text);
	free(no_hl);
	return ret;
}
