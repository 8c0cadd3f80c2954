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
 *     the host's MAC, or by the host itself).  The writing, reading and
 *     replaying are shared with bench_replay_home (replay_scene.c); this
 *     file is the scene.
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

#include "nfu/nfu.h"
#include "replay_scene.h"
#include "xtables/lang.h"

#ifndef BENCH_DIR
#define BENCH_DIR "bench"
#endif
#define RULES "/work/shared/data/rulesets/medium-company.v4"
#define TOPO BENCH_DIR "/medium-company.topo"

/*
 * The host and its networks (bench/medium-company.topo), host order.
 */

#define HOST_LAN IP4(172, 16, 2, 1)
#define HOST_PUB IP4(198, 51, 100, 20)
#define LAN(x) IP4(172, 16, 2, x)
#define VPN(x) IP4(192, 168, 255, x)

enum { IF_ETH0, IF_PPP0, IF_TUN0, NIF };

static const struct scene_if ifs[NIF] = {
	{ "eth0", NFU_LINKTYPE_ETHERNET, { 0x02, 0x00, 0xac, 0x10, 0x02, 0x01 } },
	{ "ppp0", NFU_LINKTYPE_RAW, { 0 } },
	{ "tun0", NFU_LINKTYPE_RAW, { 0 } },
};


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

static const struct kind_def kinds[NKINDS] = {
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

static const struct scene scene = {
	.prog = "bench_replay", .nif = NIF, .ifs = ifs,
	.nkinds = NKINDS, .kinds = kinds,
};

#define NFLOWS 256

static uint32_t lan_client(struct gen *g, bool priv)
{
	for (;;) {
		uint32_t a = LAN(2 + below(&g->rng, 253));

		if (privileged(a) == priv)
			return a;
	}
}

static void flow_new(struct gen *g, struct flow *f)
{
	enum kind k = (enum kind)gen_pick_kind(g);
	uint32_t c, s;
	uint16_t cp, sp;
	bool priv;

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

static bool flow_step(struct gen *g, struct flow *f)
{
	uint8_t ip[1600], carrier[1600];
	const struct step *st;
	struct ep *e = NULL;

	if (!f->vpn)
		return gen_emit_step(g, f);
	st = flow_next(f, &e);
	if (!st || e->iface == IF_NONE)
		return st != NULL;
	{
		size_t len = build_ip(g, e, &f->ep[st->peer], st, ip);

		if (e->iface == IF_TUN0) {
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
		if (e->iface == IF_ETH0) {
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

/* Writes 'npkts' packets to DIR/IFACE.pcap; '*kind_of' gets each one's
 * class (malloc'ed).  0 or 1 after saying why. */
static int generate(const char *dir, const char *rules_text, uint64_t npkts,
		    uint8_t **kind_of, bool quiet)
{
	static const struct scene_ops ops = { flow_new, flow_step };
	static struct gen g;
	int ret;

	gen_init(&g, &scene, NFLOWS);
	g.limit = npkts;
	read_blocked(&g, rules_text);
	for (size_t i = 0; i < N(g.servers); i++)
		g.servers[i] = random_public(&g);
	if (!quiet)
		printf("%u blocked addresses from FW\n", g.nblocked);
	ret = gen_run(&g, &ops, dir, quiet);
	*kind_of = g.kind_of;
	g.kind_of = NULL;
	gen_free(&g);
	return ret;
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
	struct bench_args a = { .runs = 3, .rules = RULES, .topo = TOPO,
				.count = 1000000 };
	const char *rules_path;
	uint8_t *kind_of = NULL;
	struct bench b = { .sc = &scene, .responder = true };
	uint64_t npkts, t0, t1;
	char tmpl[4096], *text, *plus_text = NULL;
	struct figure rd, rfile, rmem, empty, plus;
	const struct nfu_xt_chain *fwd;
	uint64_t traversals;
	size_t len = 0, plus_len = 0;
	double per_rule;
	int ret = 1;

	if (bench_parse_args(argc, argv, &a))
		return usage();
	rules_path = a.rules;
	b.topo = a.topo;
	b.runs = a.runs;
	npkts = a.count;
	text = slurp(rules_path, &len);
	if (!text) {
		fprintf(stderr, "bench_replay: %s: %s\n", rules_path,
			strerror(errno));
		return 1;
	}
	if (a.write_only) {
		if (bench_mkdir(&scene, a.write_only))
			return 1;
		ret = generate(a.write_only, text, npkts, &kind_of, false);
		free(kind_of);
		free(text);
		return ret;
	}
	if (bench_tmpdir(&scene, tmpl, sizeof(tmpl)))
		return 1;
	b.dir = tmpl;
	printf("nfu replay in process: %s, topology %s\n", rules_path, b.topo);
	t0 = now_ns();
	if (generate(b.dir, text, npkts, &kind_of, false))
		goto fail;
	b.kind_of = kind_of;
	t1 = now_ns();
	printf("  (written in %.2f s, to the page cache of %s)\n",
	       (double)(t1 - t0) / 1e9, b.dir);
	plus_text = ruleset_plus(text, len, &plus_len);
	if (!plus_text) {
		fprintf(stderr, "bench_replay: %s: no FORWARD rule\n", rules_path);
		goto fail;
	}
	bench_time_setup(&b, text, len);

	print_heading(b.runs);
	if (a.only_replay) { /* for perf record: the replay from memory alone */
		read_all(&scene, b.dir, &b.mem, npkts);
		measure(&b, "replay, ruleset, from memory", W_REPLAY_MEM, text,
			len, -1);
		goto done;
	}
	rd = measure(&b, "read the captures (nfu_cap_next, merged)", W_READ,
		     NULL, 0, -1);
	rfile = measure(&b, "replay, ruleset, reading included", W_REPLAY_FILES,
			text, len, -1);
	read_all(&scene, b.dir, &b.mem, npkts);
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
		       plus_text, plus_len, -1);
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
	remove_captures(&scene, b.dir);
	mem_free(&b.mem);
	free(plus_text);
	free(kind_of);
	free(text);
	return ret;
}
