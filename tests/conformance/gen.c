/* SPDX-License-Identifier: MIT */
/*
 * gen.c - random conformance scenarios, one per seed.
 *
 *   conform_gen SEED OUTDIR    writes OUTDIR/topology, OUTDIR/packets and,
 *                              most of the time, OUTDIR/rules
 *   conform_gen --version      prints "conform_gen VERSION"
 *   conform_gen --nat SEED OUTDIR, --nat --version: a NAT router, the
 *                              "NAT mode" section below
 *
 * What?
 *   A scenario (scenario.h) made from a 64-bit seed by a PRNG of our own
 *   (splitmix64), so that a seed means the same scenario on every machine
 *   and with every C library.  GEN_VERSION names the generator: whatever
 *   changes what a seed makes must change it, and the golden results
 *   stored per seed (random/expected/SEED.result) say which version made
 *   them, so that run.sh can say "regenerate" rather than fail oddly.
 *
 * Basic design
 *   The host is a router with 2 or 3 interfaces, each on its own subnet
 *   with a gateway and a few more peers (all static neighbours: nothing
 *   resolves by ARP), routes to remote networks through the gateways,
 *   sometimes a default route, an unreachable/prohibit/blackhole route, a
 *   small MTU, forwarding off, rp_filter, a few ICMP sysctls.
 *
 *   The rules are iptables-save text for the tables filter, mangle and
 *   raw (never nat, nor anything that loads connection tracking on the
 *   kernel side, nor LOG, whose lines show the IP ID Linux randomises):
 *   policies, user chains reached by -j and -g (always from a chain
 *   listed before them, so there is no loop), RETURN, inverted matches,
 *   the matches and targets nfu implements.  A match that Linux allows
 *   only at some hooks (mac, addrtype --limit-iface-*, rpfilter, TCPMSS
 *   --clamp-mss-to-pmtu) is used only where the chain's hooks allow it:
 *   the hooks of a user chain are those of the chains that reach it.
 *
 *   The packets (5 to 20 of them) come in by any interface, to the host,
 *   through it, back out the same way, to nowhere, to broadcast and
 *   multicast addresses, from martian sources; TCP, UDP, ICMP (queries
 *   and errors with their quote), other protocols; with a TTL of 0 or 1,
 *   TOS, DF, IP options, fragments, bad checksums, short or broken
 *   headers, Ethernet padding, the wrong MAC.
 *
 *   What Linux does not do the same way twice is avoided, since both
 *   sides must be compared exactly:
 *   - ICMP errors are rate limited per destination (a burst of 6, one
 *     more per second; an unroutable packet takes two tokens): a source
 *     address sends at most two packets that could draw an error (a
 *     fragment other than the first draws none).
 *   - ICMP redirects are limited per source by time between them: a
 *     packet that may leave by the interface it came in by (and so may
 *     draw a redirect) has a source address of its own.
 *   - No ICMP timestamp request reaches the host (the reply holds the
 *     time of day), and the IP timestamp option is only sent full.
 *   - No local delivery of protocols Linux may have a handler for
 *     (IGMP, GRE, ESP, SCTP…): only 99, 253, 254 besides ICMP/TCP/UDP.
 *
 * Thread-safety: none needed (one scenario per process).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GEN_VERSION 2

#define MAX_IF 3
#define MAX_PEERS 4
#define MAX_ROUTES 8
#define MAX_SRC 256
#define MAX_CHAINS 8
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- text */

struct sb {
	char *s;
	size_t len, cap;
};

static void sbf(struct sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sbf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			fprintf(stderr, "conform_gen: out of memory\n");
			exit(2);
		}
	}
}

static const char *ip4(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
	return buf;
}

/* ----------------------------------------------------------------- PRNG */

struct gen;

/* splitmix64: the same numbers from a seed everywhere. */
static uint64_t next64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ------------------------------------------------------------ the model */

enum { H_PRE, H_IN, H_FWD, H_OUT, H_POST, H_NUM };
#define HB(h) (1u << (h))

static const char *const hook_chain[H_NUM] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

enum rtype { RT_VIA, RT_UNREACHABLE, RT_PROHIBIT, RT_BLACKHOLE, RT_LOCAL };

struct iface {
	char name[4];
	uint32_t net, mask, addr, bcast;
	unsigned int plen;
	uint32_t peer[MAX_PEERS]; /* peer[0]: the gateway of the link */
	unsigned int npeers;
	unsigned int mtu;         /* 0: the default */
	/* a second address, on a subnet of its own with no neighbour (the
	 * generator sends to the address and its broadcast only), or 0 */
	uint32_t addr2, net2, mask2, bcast2;
	unsigned int plen2;
};

struct route {
	uint32_t net, mask;
	unsigned int plen;
	enum rtype type;
	int dev;
	uint32_t via, src; /* src: the host's address it prefers, or 0 */
	unsigned int metric;
};

/* What a source address has drawn so far: ICMP error tokens, and whether
 * it is kept for one packet alone. */
struct src {
	uint32_t addr;
	unsigned int cost;
	bool exclusive;
};

struct chain {
	char name[16];
	int hook;          /* -1: a user chain */
	unsigned int mask; /* the hooks it is reached from */
	struct sb body;
};

struct gen {
	uint64_t rng;
	unsigned int nif;
	struct iface ifs[MAX_IF];
	struct route rt[MAX_ROUTES];
	unsigned int nrt;
	bool forward, has_default, source_route;
	bool used_oct[256];
	struct src src[MAX_SRC];
	unsigned int nsrc;
	/* rules */
	bool has_rules;
	bool mark_set;     /* some MARK target so far */
	unsigned int pktno; /* packets written so far */
	unsigned int ipid;  /* for fragments: one id per datagram */
};

static unsigned int rnd(struct gen *g, unsigned int n)
{
	return n ? (unsigned int)(next64(&g->rng) % n) : 0;
}

static bool chance(struct gen *g, unsigned int pct)
{
	return rnd(g, 100) < pct;
}

#define PICK(g, arr) ((arr)[rnd((g), ARRAY_SIZE(arr))])

/* A weighted choice: 'w' lists weights, 'n' of them. */
static unsigned int wpick(struct gen *g, const unsigned int *w, unsigned int n)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < n; i++)
		total += w[i];
	r = rnd(g, total);
	for (i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

static uint32_t mask_of(unsigned int plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

/* A second octet for a network of 10/8 not used yet, in [lo, hi]. */
static unsigned int fresh_oct(struct gen *g, unsigned int lo, unsigned int hi)
{
	unsigned int o;

	do
		o = lo + rnd(g, hi - lo + 1);
	while (g->used_oct[o]);
	g->used_oct[o] = true;
	return o;
}

static void host_mac(unsigned int i, char buf[18])
{
	snprintf(buf, 18, "02:00:00:00:00:%02x", (i + 1) & 0xff);
}

/* The MAC of peer 'k' of interface 'i': the gateway's is the peer
 * namespace's own (02:00:00:00:ff:NN), the others' are made up (the frames
 * reach the peer namespace anyway, and show which neighbour was used). */
static void peer_mac(unsigned int i, unsigned int k, char buf[18])
{
	if (k == 0)
		snprintf(buf, 18, "02:00:00:00:ff:%02x", (i + 1) & 0xff);
	else
		snprintf(buf, 18, "02:00:00:00:f%x:%02x", (i + 1) & 0xf,
			 k & 0xff);
}

/* ------------------------------------------------------------- topology */

static void gen_topology(struct gen *g, struct sb *t)
{
	static const unsigned int plens[] = { 24, 24, 24, 24, 25, 26, 28, 29,
					      16, 20 };
	char a[16], b[16], mac[18];
	unsigned int i, k, n, mtu_if = MAX_IF;
	struct sb sys = { 0 };

	g->nif = chance(g, 40) ? 3 : 2;
	for (i = 0; i < g->nif; i++) {
		struct iface *f = &g->ifs[i];
		unsigned int size, hosts[MAX_PEERS + 1], nh, want;

		snprintf(f->name, sizeof(f->name), "f%u", i);
		f->plen = PICK(g, plens);
		f->mask = mask_of(f->plen);
		f->net = (10u << 24 | fresh_oct(g, 1, 200) << 16 |
			  rnd(g, 256) << 8) & f->mask;
		f->bcast = f->net | ~f->mask;
		size = ~f->mask - 1; /* usable host numbers 1..size */
		want = 2 + rnd(g, MAX_PEERS);
		if (want > size)
			want = size;
		/* distinct host numbers, the first the host's */
		for (nh = 0; nh < want;) {
			unsigned int h = 1 + rnd(g, size), j;

			if (size > 200 && chance(g, 70))
				h = 1 + rnd(g, 40); /* read more easily */
			for (j = 0; j < nh && hosts[j] != h; j++)
				;
			if (j == nh)
				hosts[nh++] = h;
		}
		f->addr = f->net | hosts[0];
		f->npeers = nh - 1;
		for (k = 0; k < f->npeers; k++)
			f->peer[k] = f->net | hosts[k + 1];
	}
	for (i = 0; i < g->nif; i++) {
		struct iface *f = &g->ifs[i];

		if (!chance(g, 12))
			continue;
		f->plen2 = chance(g, 50) ? 24 : 28;
		f->mask2 = mask_of(f->plen2);
		f->net2 = (10u << 24 | fresh_oct(g, 1, 200) << 16 |
			   rnd(g, 256) << 8) & f->mask2;
		f->bcast2 = f->net2 | ~f->mask2;
		f->addr2 = f->net2 | (1 + rnd(g, ~f->mask2 - 1));
	}
	if (chance(g, 15))
		mtu_if = rnd(g, g->nif);

	/* remote networks behind the gateways */
	n = 1 + rnd(g, 3);
	for (k = 0; k < n; k++) {
		struct route *r = &g->rt[g->nrt++];

		r->type = RT_VIA;
		r->dev = (int)rnd(g, g->nif);
		r->via = g->ifs[r->dev].peer[0];
		if (chance(g, 20))
			r->src = g->ifs[rnd(g, g->nif)].addr;
		r->plen = chance(g, 70) ? 16 : 24;
		r->mask = mask_of(r->plen);
		r->net = (10u << 24 | fresh_oct(g, 1, 200) << 16 |
			  rnd(g, 256) << 8) & r->mask;
	}
	if (chance(g, 15)) {
		/* the same network by another gateway, at another metric */
		struct route *r = &g->rt[g->nrt], *o = &g->rt[rnd(g, g->nrt)];

		*r = *o;
		r->dev = (int)rnd(g, g->nif);
		r->via = g->ifs[r->dev].peer[0];
		r->src = 0;
		r->metric = 10 + rnd(g, 90);
		if (chance(g, 50))
			o->metric = r->metric + 1 + rnd(g, 50);
		g->nrt++;
	}
	if (chance(g, 8)) {
		/* an address on lo, whose prefix is all the host's: only the
		 * address itself is sent to, since the harness knows as the
		 * host's (to leave their IP ID aside) only the addresses of
		 * "ip addr add" lines */
		struct route *r = &g->rt[g->nrt++];

		r->type = RT_LOCAL;
		r->plen = 28;
		r->mask = mask_of(28);
		r->net = (10u << 24 | fresh_oct(g, 1, 200) << 16 |
			  rnd(g, 256) << 8 | rnd(g, 16) << 4);
		r->via = r->net | (1 + rnd(g, 14)); /* the address */
		r->dev = -1;
	}
	if (chance(g, 25)) {
		static const enum rtype types[] = { RT_UNREACHABLE, RT_PROHIBIT,
						    RT_BLACKHOLE };
		struct route *r = &g->rt[g->nrt++];

		r->type = PICK(g, types);
		r->plen = 16;
		r->mask = mask_of(16);
		r->net = 10u << 24 | fresh_oct(g, 201, 230) << 16;
		r->dev = -1;
	}
	if (chance(g, 30)) {
		struct route *r = &g->rt[g->nrt++];

		r->type = RT_VIA;
		r->dev = (int)rnd(g, g->nif);
		r->via = g->ifs[r->dev].peer[0];
		r->plen = 0;
		r->mask = 0;
		r->net = 0;
		g->has_default = true;
	}
	g->forward = chance(g, 85);

	for (i = 0; i < g->nif; i++) {
		host_mac(i, mac);
		sbf(t, "ip link set %s address %s\n", g->ifs[i].name, mac);
	}
	for (i = 0; i < g->nif; i++) {
		struct iface *f = &g->ifs[i];

		if (i == mtu_if) {
			static const unsigned int mtus[] = { 576, 1000, 1280,
							     1400 };

			f->mtu = PICK(g, mtus);
			sbf(t, "ip link set %s mtu %u\n", f->name, f->mtu);
		}
		sbf(t, "ip addr add %s/%u dev %s\n", ip4(f->addr, a), f->plen,
		    f->name);
		if (f->addr2)
			sbf(t, "ip addr add %s/%u dev %s\n", ip4(f->addr2, a),
			    f->plen2, f->name);
	}
	for (i = 0; i < g->nif; i++)
		for (k = 0; k < g->ifs[i].npeers; k++) {
			peer_mac(i, k, mac);
			sbf(t, "ip neigh add %s lladdr %s dev %s\n",
			    ip4(g->ifs[i].peer[k], a), mac, g->ifs[i].name);
		}
	for (k = 0; k < g->nrt; k++) {
		const struct route *r = &g->rt[k];
		static const char *const tname[] = { "", "unreachable ",
						     "prohibit ", "blackhole ",
						     "local " };

		if (r->type == RT_LOCAL)
			sbf(t, "ip addr add %s/%u dev lo\n", ip4(r->via, a),
			    r->plen);
		else if (r->type != RT_VIA)
			sbf(t, "ip route add %s%s/%u\n", tname[r->type],
			    ip4(r->net, a), r->plen);
		else if (r->plen == 0)
			sbf(t, "ip route add default via %s dev %s\n",
			    ip4(r->via, b), g->ifs[r->dev].name);
		else
			sbf(t, "ip route add %s/%u via %s dev %s",
			    ip4(r->net, a), r->plen, ip4(r->via, b),
			    g->ifs[r->dev].name);
		if (r->type == RT_VIA && r->plen) {
			if (r->src)
				sbf(t, " src %s", ip4(r->src, a));
			if (r->metric)
				sbf(t, " metric %u", r->metric);
			sbf(t, "\n");
		}
	}

	/* the sysctls on one line: one command less for the kernel side */
	if (g->forward)
		sbf(&sys, " net.ipv4.ip_forward=1");
	if (g->forward && chance(g, 5)) {
		/* one device that does not forward what comes by it */
		sbf(&sys, " net.ipv4.conf.%s.forwarding=0",
		    g->ifs[rnd(g, g->nif)].name);
	}
	if (chance(g, 25)) {
		unsigned int v = 1 + rnd(g, 2);

		if (chance(g, 50))
			sbf(&sys, " net.ipv4.conf.all.rp_filter=%u", v);
		else
			sbf(&sys, " net.ipv4.conf.%s.rp_filter=%u",
			    g->ifs[rnd(g, g->nif)].name, v);
	}
	if (chance(g, 10))
		sbf(&sys, " net.ipv4.icmp_echo_ignore_broadcasts=0");
	if (chance(g, 8))
		sbf(&sys, " net.ipv4.icmp_errors_use_inbound_ifaddr=1");
	if (chance(g, 4))
		sbf(&sys, " net.ipv4.icmp_echo_ignore_all=1");
	if (chance(g, 6))
		sbf(&sys, " net.ipv4.ip_default_ttl=%u", 1 + rnd(g, 255));
	if (chance(g, 8)) {
		sbf(&sys, " net.ipv4.conf.all.send_redirects=0");
		for (i = 0; i < g->nif; i++)
			sbf(&sys, " net.ipv4.conf.%s.send_redirects=0",
			    g->ifs[i].name);
	}
	if (chance(g, 5)) {
		/* the devices have it from conf.default (kernel.sh) */
		sbf(&sys, " net.ipv4.conf.all.accept_source_route=1");
		g->source_route = true;
	}
	if (chance(g, 4))
		sbf(&sys, " net.ipv4.conf.all.accept_local=1");
	if (sys.s)
		sbf(t, "sysctl -w%s\n", sys.s);
	free(sys.s);
}

/* Where the host sends a packet to 'dst': the interface (0…), or one of
 * these.  Close enough to Linux for the generator's choices. */
enum { TO_LOCAL = -1, TO_BCAST = -2, TO_NOWHERE = -3 };

static int egress(const struct gen *g, uint32_t dst)
{
	unsigned int i, best_plen = 0, best_metric = 0;
	int best = TO_NOWHERE;
	bool found = false;

	for (i = 0; i < g->nif; i++) {
		if (dst == g->ifs[i].addr ||
		    (g->ifs[i].addr2 && dst == g->ifs[i].addr2))
			return TO_LOCAL;
		if ((dst == g->ifs[i].bcast && g->ifs[i].plen < 31) ||
		    (g->ifs[i].addr2 && dst == g->ifs[i].bcast2))
			return TO_BCAST;
	}
	if (dst == 0xffffffffu || (dst >> 28) == 0xe)
		return TO_BCAST;
	for (i = 0; i < g->nif; i++) {
		if ((dst & g->ifs[i].mask) == g->ifs[i].net &&
		    (!found || g->ifs[i].plen > best_plen)) {
			found = true;
			best = (int)i;
			best_plen = g->ifs[i].plen;
		}
		if (g->ifs[i].addr2 && (dst & g->ifs[i].mask2) == g->ifs[i].net2 &&
		    (!found || g->ifs[i].plen2 > best_plen)) {
			found = true;
			best = (int)i;
			best_plen = g->ifs[i].plen2;
		}
	}
	for (i = 0; i < g->nrt; i++)
		if (g->rt[i].type == RT_LOCAL &&
		    (dst & g->rt[i].mask) == g->rt[i].net)
			return TO_LOCAL; /* the local table comes first */
	for (i = 0; i < g->nrt; i++)
		if ((dst & g->rt[i].mask) == g->rt[i].net &&
		    (!found || g->rt[i].plen > best_plen ||
		     (g->rt[i].plen == best_plen &&
		      g->rt[i].metric < best_metric))) {
			found = true;
			best = g->rt[i].type == RT_VIA ? g->rt[i].dev
						       : TO_NOWHERE;
			best_plen = g->rt[i].plen;
			best_metric = g->rt[i].metric;
		}
	return best;
}

/* A random address in a routed remote network (one of RT_VIA, not the
 * default) whose route leaves by 'dev' (-1: any); 0 when there is none. */
static uint32_t remote_addr(struct gen *g, int dev)
{
	unsigned int i, n = 0, cand[MAX_ROUTES];

	for (i = 0; i < g->nrt; i++)
		if (g->rt[i].type == RT_VIA && g->rt[i].plen &&
		    (dev < 0 || g->rt[i].dev == dev))
			cand[n++] = i;
	if (!n)
		return 0;
	i = cand[rnd(g, n)];
	return g->rt[i].net | (1 + rnd(g, (~g->rt[i].mask) - 1));
}

/* An address no route of the host covers but the default route, if any. */
static uint32_t unrouted_addr(struct gen *g)
{
	return 10u << 24 | (231 + rnd(g, 20)) << 16 | rnd(g, 256) << 8 |
	       (1 + rnd(g, 254));
}

/* An address behind a special route (unreachable…), or 0. */
static uint32_t special_addr(struct gen *g)
{
	unsigned int i;

	for (i = 0; i < g->nrt; i++)
		if (g->rt[i].type != RT_VIA && g->rt[i].type != RT_LOCAL)
			return g->rt[i].net | rnd(g, 65536);
	return 0;
}

/* ---------------------------------------------------------------- rules */

enum { T_FILTER, T_MANGLE, T_RAW };

static const unsigned short ports[] = { 22, 53, 80, 123, 443, 1000, 8080,
					33434, 40000, 65535 };
static const unsigned int marks[] = { 0x1, 0x2, 0x3, 0x10, 0x20, 0xff,
				      0x100, 0x1000 };
static const unsigned int tos_values[] = { 0x00, 0x02, 0x04, 0x08, 0x10,
					   0x03, 0x28, 0xb8, 0x12, 0xff };

/* A port or a port range, for tcp/udp ('multiport': iptables wants there
 * both ends, the first below the second). */
static void port_spec(struct gen *g, struct sb *r, bool multiport)
{
	if (chance(g, 30)) {
		unsigned int a = PICK(g, ports), b = PICK(g, ports);

		if (a > b) {
			unsigned int t = a;

			a = b;
			b = t;
		}
		if (multiport && a == b) {
			sbf(r, "%u", a);
			return;
		}
		if (!multiport && chance(g, 15))
			sbf(r, "%u:", a);
		else
			sbf(r, "%u:%u", a, b);
	} else {
		sbf(r, "%u", chance(g, 85) ? PICK(g, ports) : rnd(g, 65536));
	}
}

/* An address with a prefix length for -s/-d, from what the scenario uses. */
static void addr_spec(struct gen *g, struct sb *r)
{
	char a[16];
	unsigned int k = rnd(g, 7);
	const struct iface *f = &g->ifs[rnd(g, g->nif)];
	uint32_t addr;
	unsigned int plen = 32;

	switch (k) {
	case 0:
		addr = f->addr2 && chance(g, 40) ? f->addr2 : f->addr;
		break;
	case 1:
	case 2:
		addr = f->peer[rnd(g, f->npeers)];
		break;
	case 3:
		addr = f->net;
		plen = f->plen;
		break;
	case 4: {
		const struct route *rt = &g->rt[rnd(g, g->nrt)];

		addr = rt->net;
		plen = rt->plen;
		if (plen == 0) {
			addr = 10u << 24;
			plen = 8;
		}
		break;
	}
	case 5:
		/* a shorter prefix around the link, host bits left set */
		addr = f->peer[0];
		plen = f->plen > 4 ? f->plen - rnd(g, 5) : f->plen;
		break;
	default:
		addr = remote_addr(g, -1);
		if (!addr)
			addr = f->bcast;
		break;
	}
	if (plen == 32 && chance(g, 50))
		sbf(r, "%s", ip4(addr, a));
	else
		sbf(r, "%s/%u", ip4(addr, a), plen);
}

static const char *ifname_spec(struct gen *g)
{
	static const char *const extra[] = { "f+", "lo", "f9" };

	if (chance(g, 80))
		return g->ifs[rnd(g, g->nif)].name;
	return PICK(g, extra);
}

static const char *neg(struct gen *g, unsigned int pct)
{
	return chance(g, pct) ? "! " : "";
}

struct rule_ctx {
	int table;
	const struct chain *chain;
	bool builtin;
	unsigned int mask; /* hooks the chain is reached from */
	int proto;         /* 0: none, 6, 17, 1, other; negative: inverted */
	bool need_syn;     /* TCPMSS: a tcp match that requires SYN */
	unsigned int used; /* generic match kinds used */
};

static void tcp_flag_list(struct gen *g, struct sb *r)
{
	static const char *const flags[] = { "SYN", "ACK", "FIN", "RST",
					     "URG", "PSH" };
	unsigned int bits = 1 + rnd(g, 63), i;
	bool first = true;

	if (chance(g, 10)) {
		sbf(r, chance(g, 50) ? "ALL" : "NONE");
		return;
	}
	for (i = 0; i < 6; i++)
		if (bits & (1u << i)) {
			sbf(r, "%s%s", first ? "" : ",", flags[i]);
			first = false;
		}
}

static void proto_matches(struct gen *g, struct rule_ctx *c, struct sb *r)
{
	static const char *const icmp_types[] = {
		"echo-request", "echo-reply", "destination-unreachable",
		"port-unreachable", "host-unreachable", "fragmentation-needed",
		"time-exceeded", "ttl-zero-during-transit", "parameter-problem",
		"source-quench", "redirect", "any", "8", "0", "3/3", "11/0",
		"42", "13",
	};
	bool any = false;

	if (c->proto == 6 && (c->need_syn || chance(g, 70))) {
		sbf(r, " -m tcp");
		if (chance(g, 35)) {
			sbf(r, " %s--sport ", neg(g, 20));
			port_spec(g, r, false);
			any = true;
		}
		if (chance(g, 50)) {
			sbf(r, " %s--dport ", neg(g, 20));
			port_spec(g, r, false);
			any = true;
		}
		if (c->need_syn) {
			if (chance(g, 50))
				sbf(r, " --syn");
			else
				sbf(r, " --tcp-flags SYN,RST SYN");
		} else if (chance(g, 25)) {
			sbf(r, " %s--syn", neg(g, 30));
		} else if (chance(g, 25)) {
			sbf(r, " %s--tcp-flags ", neg(g, 20));
			tcp_flag_list(g, r);
			sbf(r, " ");
			tcp_flag_list(g, r);
		} else if (chance(g, 8)) {
			sbf(r, " %s--tcp-option %u", neg(g, 30),
			    chance(g, 50) ? 2 : 1 + rnd(g, 8));
		}
		(void)any;
	} else if (c->proto == 17 && chance(g, 70)) {
		sbf(r, " -m udp");
		if (chance(g, 40)) {
			sbf(r, " %s--sport ", neg(g, 20));
			port_spec(g, r, false);
		}
		if (chance(g, 70)) {
			sbf(r, " %s--dport ", neg(g, 20));
			port_spec(g, r, false);
		}
	} else if (c->proto == 1 && chance(g, 70)) {
		sbf(r, " -m icmp %s--icmp-type %s", neg(g, 20),
		    PICK(g, icmp_types));
	}
	if ((c->proto == 6 || c->proto == 17) && chance(g, 20)) {
		static const char *const kinds[] = { "--dports", "--sports",
						     "--ports" };
		unsigned int n = 1 + rnd(g, 4), i;

		sbf(r, " -m multiport %s%s ", neg(g, 20), PICK(g, kinds));
		for (i = 0; i < n; i++) {
			if (i)
				sbf(r, ",");
			port_spec(g, r, true);
		}
	}
}

enum {
	M_SRC, M_DST, M_IN, M_OUT, M_FRAG, M_IPRANGE, M_LENGTH, M_TTL, M_TOS,
	M_DSCP, M_MARK, M_PKTTYPE, M_ADDRTYPE, M_MAC, M_COMMENT, M_RPFILTER,
	M_RECENT, M_NUM
};

static void range_spec(struct gen *g, struct sb *r)
{
	const struct iface *f = &g->ifs[rnd(g, g->nif)];
	char a[16], b[16];
	uint32_t lo, hi;

	if (chance(g, 70)) {
		lo = f->net + rnd(g, 4);
		hi = f->net + rnd(g, 1 + (~f->mask & 0x3f));
	} else {
		lo = remote_addr(g, -1);
		if (!lo)
			lo = f->net;
		hi = lo + rnd(g, 300);
	}
	if (lo > hi) {
		uint32_t t = lo;

		lo = hi;
		hi = t;
	}
	sbf(r, "%s-%s", ip4(lo, a), ip4(hi, b));
}

static const char *const addrtypes[] = { "UNICAST", "LOCAL", "BROADCAST",
					 "MULTICAST", "UNREACHABLE",
					 "PROHIBIT", "BLACKHOLE", "UNSPEC" };

static void addrtype_list(struct gen *g, struct sb *r)
{
	unsigned int n = chance(g, 75) ? 1 : 2, i, first = rnd(g, 8);

	for (i = 0; i < n; i++)
		sbf(r, "%s%s", i ? "," : "",
		    addrtypes[(first + i * (1 + rnd(g, 7))) % 8]);
}

/* One generic match of kind 'k' if the rule's chain allows it: true when
 * written. */
static bool generic_match(struct gen *g, struct rule_ctx *c, unsigned int k,
			  struct sb *r)
{
	const unsigned int in_hooks = HB(H_PRE) | HB(H_IN) | HB(H_FWD);
	const unsigned int out_hooks = HB(H_OUT) | HB(H_POST) | HB(H_FWD);
	int hook = c->chain->hook;
	char a[16];

	if (c->used & (1u << k))
		return false;
	switch (k) {
	case M_SRC:
		sbf(r, " %s-s ", neg(g, 25));
		addr_spec(g, r);
		break;
	case M_DST:
		sbf(r, " %s-d ", neg(g, 25));
		addr_spec(g, r);
		break;
	case M_IN:
		/* iptables refuses -i in OUTPUT and POSTROUTING (not in the
		 * user chains they reach) */
		if (hook == H_OUT || hook == H_POST)
			return false;
		sbf(r, " %s-i %s", neg(g, 25), ifname_spec(g));
		break;
	case M_OUT:
		if (hook == H_PRE || hook == H_IN)
			return false;
		sbf(r, " %s-o %s", neg(g, 25), ifname_spec(g));
		break;
	case M_FRAG:
		sbf(r, " %s-f", neg(g, 40));
		break;
	case M_IPRANGE: {
		bool src = chance(g, 60), dst = !src || chance(g, 40);

		sbf(r, " -m iprange");
		if (src) {
			sbf(r, " %s--src-range ", neg(g, 25));
			range_spec(g, r);
		}
		if (dst) {
			sbf(r, " %s--dst-range ", neg(g, 25));
			range_spec(g, r);
		}
		break;
	}
	case M_LENGTH: {
		unsigned int lo = 20 + rnd(g, 100);

		sbf(r, " -m length %s--length ", neg(g, 25));
		if (chance(g, 40))
			sbf(r, "%u", lo);
		else if (chance(g, 15))
			sbf(r, "%u:", lo);
		else
			sbf(r, "%u:%u", lo, lo + rnd(g, 1500));
		break;
	}
	case M_TTL: {
		static const unsigned int ttls[] = { 0, 1, 2, 63, 64, 128, 255 };

		switch (rnd(g, 3)) {
		case 0:
			sbf(r, " -m ttl %s--ttl-eq %u", neg(g, 30),
			    PICK(g, ttls));
			break;
		case 1:
			sbf(r, " -m ttl --ttl-lt %u", PICK(g, ttls));
			break;
		default:
			sbf(r, " -m ttl --ttl-gt %u", PICK(g, ttls));
			break;
		}
		break;
	}
	case M_TOS: {
		static const char *const names[] = { "Minimize-Delay",
						     "Maximize-Throughput",
						     "Maximize-Reliability",
						     "Minimize-Cost",
						     "Normal-Service" };

		sbf(r, " -m tos %s--tos ", neg(g, 25));
		if (chance(g, 25))
			sbf(r, "%s", PICK(g, names));
		else if (chance(g, 50))
			sbf(r, "0x%02x", PICK(g, tos_values));
		else
			sbf(r, "0x%02x/0x%02x", PICK(g, tos_values),
			    PICK(g, tos_values));
		break;
	}
	case M_DSCP: {
		static const char *const classes[] = { "BE", "CS1", "AF11",
						       "AF41", "EF", "CS6" };

		if (chance(g, 30))
			sbf(r, " -m dscp %s--dscp-class %s", neg(g, 25),
			    PICK(g, classes));
		else
			sbf(r, " -m dscp %s--dscp 0x%02x", neg(g, 25),
			    chance(g, 60) ? PICK(g, tos_values) >> 2
					  : rnd(g, 64));
		break;
	}
	case M_MARK:
		sbf(r, " -m mark %s--mark 0x%x", neg(g, 25), PICK(g, marks));
		if (chance(g, 30))
			sbf(r, "/0x%x", chance(g, 50) ? 0xfu : 0xf0u);
		break;
	case M_PKTTYPE: {
		static const char *const types[] = { "unicast", "broadcast",
						     "multicast" };

		sbf(r, " -m pkttype %s--pkt-type %s", neg(g, 30),
		    PICK(g, types));
		break;
	}
	case M_ADDRTYPE: {
		bool src = chance(g, 40), dst = !src || chance(g, 30);

		sbf(r, " -m addrtype");
		if (src) {
			sbf(r, " %s--src-type ", neg(g, 25));
			addrtype_list(g, r);
		}
		if (dst) {
			sbf(r, " %s--dst-type ", neg(g, 25));
			addrtype_list(g, r);
		}
		if (chance(g, 25)) {
			if (!(c->mask & ~in_hooks) && chance(g, 50))
				sbf(r, " --limit-iface-in");
			else if (!(c->mask & ~out_hooks))
				sbf(r, " --limit-iface-out");
		}
		break;
	}
	case M_MAC: {
		const struct iface *f;
		char mac[18];
		unsigned int i;

		if (c->mask & ~in_hooks)
			return false;
		i = rnd(g, g->nif);
		f = &g->ifs[i];
		peer_mac(i, rnd(g, f->npeers), mac);
		sbf(r, " -m mac %s--mac-source %s", neg(g, 25), mac);
		break;
	}
	case M_COMMENT:
		sbf(r, " -m comment --comment %s",
		    chance(g, 50) ? "gen" : "\"a comment\"");
		break;
	case M_RECENT: {
		/* lists of addresses, without --seconds: no clock involved */
		static const char *const cmds[] = { "set", "set", "rcheck",
						    "rcheck", "update",
						    "remove" };
		const char *cmd = PICK(g, cmds);
		bool check = cmd[0] == 'r' && cmd[1] == 'c' ? true
			     : cmd[0] == 'u';

		sbf(r, " -m recent %s--%s --name %s", check ? neg(g, 20) : "",
		    cmd, chance(g, 60) ? "A" : "B");
		if (chance(g, 25))
			sbf(r, " --rdest");
		if (check && chance(g, 30))
			sbf(r, " --hitcount %u", 1 + rnd(g, 3));
		if (check && chance(g, 10))
			sbf(r, " --rttl");
		break;
	}
	case M_RPFILTER:
		if (c->table == T_FILTER || (c->mask & ~HB(H_PRE)))
			return false;
		sbf(r, " -m rpfilter");
		if (chance(g, 40))
			sbf(r, " --loose");
		if (chance(g, 20))
			sbf(r, " --validmark");
		if (chance(g, 25))
			sbf(r, " --accept-local");
		if (chance(g, 30))
			sbf(r, " --invert");
		break;
	default:
		abort();
	}
	(void)a;
	c->used |= 1u << k;
	return true;
}

/* The target of a rule in chain 'ci' of 'chains'; jumps and gotos go to a
 * user chain listed later, whose hooks grow by ours. */
static void gen_target(struct gen *g, struct rule_ctx *c, struct chain *chains,
		       unsigned int nchains, unsigned int ci, struct sb *r)
{
	enum { X_ACCEPT, X_DROP, X_REJECT, X_RETURN, X_JUMP, X_GOTO, X_NONE,
	       X_MARK, X_DSCP, X_TOS, X_CLASSIFY, X_NUM };
	static const unsigned int w_filter[X_NUM] = { 22, 18, 12, 6, 14, 6, 8,
						      2, 0, 0, 0 };
	static const unsigned int w_mangle[X_NUM] = { 8, 5, 0, 6, 14, 6, 10,
						      25, 8, 10, 3 };
	static const unsigned int w_raw[X_NUM] = { 15, 12, 0, 8, 14, 6, 15, 6,
						   0, 0, 0 };
	const unsigned int *w = c->table == T_FILTER ? w_filter
				: c->table == T_MANGLE ? w_mangle : w_raw;
	unsigned int x, j;

	for (;;) {
		x = wpick(g, w, X_NUM);
		if ((x == X_JUMP || x == X_GOTO) &&
		    (ci + 1 >= nchains || chains[nchains - 1].hook >= 0))
			continue;
		/* Linux's CLASSIFY: OUTPUT, FORWARD, POSTROUTING only */
		if (x == X_CLASSIFY &&
		    (c->mask & ~(HB(H_OUT) | HB(H_FWD) | HB(H_POST))))
			continue;
		break;
	}
	switch (x) {
	case X_ACCEPT:
		sbf(r, " -j ACCEPT");
		break;
	case X_DROP:
		sbf(r, " -j DROP");
		break;
	case X_RETURN:
		sbf(r, " -j RETURN");
		break;
	case X_NONE:
		break;
	case X_JUMP:
	case X_GOTO:
		do
			j = ci + 1 + rnd(g, nchains - ci - 1);
		while (chains[j].hook >= 0);
		chains[j].mask |= c->mask;
		sbf(r, " -%c %s", x == X_JUMP ? 'j' : 'g', chains[j].name);
		break;
	case X_REJECT: {
		static const char *const with[] = {
			"icmp-net-unreachable", "icmp-host-unreachable",
			"icmp-port-unreachable", "icmp-proto-unreachable",
			"icmp-net-prohibited", "icmp-host-prohibited",
			"icmp-admin-prohibited",
		};

		sbf(r, " -j REJECT");
		if (c->proto == 6 && chance(g, 40))
			sbf(r, " --reject-with tcp-reset");
		else if (chance(g, 70))
			sbf(r, " --reject-with %s", PICK(g, with));
		break;
	}
	case X_MARK: {
		unsigned int v = PICK(g, marks);

		g->mark_set = true;
		switch (rnd(g, 6)) {
		case 0:
			sbf(r, " -j MARK --set-xmark 0x%x/0x%x", v,
			    chance(g, 50) ? 0xffu : 0xf0u);
			break;
		case 1:
			sbf(r, " -j MARK --or-mark 0x%x", v);
			break;
		case 2:
			sbf(r, " -j MARK --and-mark 0x%x", v | 0xf);
			break;
		case 3:
			sbf(r, " -j MARK --xor-mark 0x%x", v);
			break;
		case 4:
			sbf(r, " -j MARK --set-mark 0x%x/0x%x", v, 0xffu);
			break;
		default:
			sbf(r, " -j MARK --set-mark 0x%x", v);
			break;
		}
		break;
	}
	case X_DSCP: {
		static const char *const classes[] = { "CS1", "AF41", "EF",
						       "CS0" };

		if (chance(g, 30))
			sbf(r, " -j DSCP --set-dscp-class %s", PICK(g, classes));
		else
			sbf(r, " -j DSCP --set-dscp 0x%02x", rnd(g, 64));
		break;
	}
	case X_TOS:
		switch (rnd(g, 5)) {
		case 0:
			sbf(r, " -j TOS --set-tos 0x%02x", PICK(g, tos_values));
			break;
		case 1:
			sbf(r, " -j TOS --set-tos 0x%02x/0x%02x",
			    PICK(g, tos_values) & 0x3f,
			    PICK(g, tos_values) & 0x3f);
			break;
		case 2:
			sbf(r, " -j TOS --and-tos 0x%02x", PICK(g, tos_values));
			break;
		case 3:
			sbf(r, " -j TOS --or-tos 0x%02x", PICK(g, tos_values));
			break;
		default:
			sbf(r, " -j TOS --xor-tos 0x%02x", PICK(g, tos_values));
			break;
		}
		break;
	case X_CLASSIFY:
		sbf(r, " -j CLASSIFY --set-class %x:%x", rnd(g, 3),
		    rnd(g, 0x20));
		break;
	default:
		abort();
	}
}

static void gen_rule(struct gen *g, int table, struct chain *chains,
		     unsigned int nchains, unsigned int ci, struct sb *out)
{
	static const unsigned int w_kind[M_NUM] = {
		[M_SRC] = 14, [M_DST] = 14, [M_IN] = 10, [M_OUT] = 8,
		[M_FRAG] = 3, [M_IPRANGE] = 6, [M_LENGTH] = 6, [M_TTL] = 6,
		[M_TOS] = 5, [M_DSCP] = 4, [M_MARK] = 8, [M_PKTTYPE] = 5,
		[M_ADDRTYPE] = 6, [M_MAC] = 3, [M_COMMENT] = 2,
		[M_RPFILTER] = 3, [M_RECENT] = 4,
	};
	static const unsigned int w_n[] = { 25, 45, 22, 8 }; /* 0…3 matches */
	static const int other_protos[] = { 47, 50, 99, 132, 253 };
	struct rule_ctx c;
	struct sb m = { 0 }, t = { 0 };
	unsigned int n, i, tries;
	bool tcpmss;

	memset(&c, 0, sizeof(c));
	c.table = table;
	c.chain = &chains[ci];
	c.builtin = chains[ci].hook >= 0;
	c.mask = chains[ci].mask;

	/* TCPMSS decides the protocol: pick it first, sometimes. */
	tcpmss = table == T_MANGLE && chance(g, 3);
	if (tcpmss) {
		c.proto = 6;
		c.need_syn = true;
	} else {
		unsigned int p = rnd(g, 100);

		c.proto = p < 40 ? 0 : p < 60 ? 6 : p < 75 ? 17 : p < 90 ? 1
			: PICK(g, other_protos);
	}

	n = wpick(g, w_n, ARRAY_SIZE(w_n));
	if (table == T_FILTER && g->mark_set && chance(g, 35))
		generic_match(g, &c, M_MARK, &m);
	for (i = 0, tries = 0; i < n && tries < 20; tries++)
		if (generic_match(g, &c, wpick(g, w_kind, M_NUM), &m))
			i++;

	if (c.proto) {
		bool inverted = !tcpmss && chance(g, 15);

		if (inverted) {
			sbf(&m, " ! -p %s", c.proto == 6 ? "tcp"
					    : c.proto == 17 ? "udp"
					    : c.proto == 1 ? "icmp" : "");
			if (c.proto != 6 && c.proto != 17 && c.proto != 1)
				sbf(&m, "%d", c.proto);
			c.proto = -c.proto;
		} else if (c.proto == 6 || c.proto == 17 || c.proto == 1) {
			sbf(&m, " -p %s", c.proto == 6 ? "tcp"
					  : c.proto == 17 ? "udp" : "icmp");
			proto_matches(g, &c, &m);
		} else {
			sbf(&m, " -p %d", c.proto);
		}
	}
	if (tcpmss) {
		/* Linux: only with a tcp match requiring SYN; the PMTU
		 * variant only in FORWARD, OUTPUT and POSTROUTING */
		if (!(c.mask & ~(HB(H_FWD) | HB(H_OUT) | HB(H_POST))) &&
		    chance(g, 50))
			sbf(&t, " -j TCPMSS --clamp-mss-to-pmtu");
		else
			sbf(&t, " -j TCPMSS --set-mss %u", 500 + rnd(g, 1000));
	} else {
		gen_target(g, &c, chains, nchains, ci, &t);
	}
	sbf(out, "-A %s%s%s\n", chains[ci].name, m.s ? m.s : "",
	    t.s ? t.s : "");
	free(m.s);
	free(t.s);
}

static void gen_table(struct gen *g, int table, struct sb *out)
{
	static const char *const names[] = { "filter", "mangle", "raw" };
	static const unsigned int hooks[] = {
		HB(H_IN) | HB(H_FWD) | HB(H_OUT),
		HB(H_PRE) | HB(H_IN) | HB(H_FWD) | HB(H_OUT) | HB(H_POST),
		HB(H_PRE) | HB(H_OUT),
	};
	struct chain chains[MAX_CHAINS];
	unsigned int n = 0, nuser, h, i, k, nrules;

	memset(chains, 0, sizeof(chains));
	for (h = 0; h < H_NUM; h++)
		if (hooks[table] & HB(h)) {
			snprintf(chains[n].name, sizeof(chains[n].name), "%s",
				 hook_chain[h]);
			chains[n].hook = (int)h;
			chains[n].mask = HB(h);
			n++;
		}
	nuser = chance(g, 30) ? 0 : 1 + rnd(g, 3);
	for (i = 0; i < nuser; i++) {
		snprintf(chains[n].name, sizeof(chains[n].name), "U%u", i + 1);
		chains[n].hook = -1;
		n++;
	}
	for (i = 0; i < n; i++) {
		nrules = chains[i].hook >= 0 ? rnd(g, 6) : 1 + rnd(g, 4);
		for (k = 0; k < nrules; k++)
			gen_rule(g, table, chains, n, i, &chains[i].body);
	}

	sbf(out, "*%s\n", names[table]);
	for (i = 0; i < n; i++) {
		const char *policy = "-";

		if (chains[i].hook >= 0)
			policy = chance(g, table == T_FILTER ? 25 : 8)
					 ? "DROP" : "ACCEPT";
		sbf(out, ":%s %s [0:0]\n", chains[i].name, policy);
	}
	for (i = 0; i < n; i++) {
		if (chains[i].body.s)
			sbf(out, "%s", chains[i].body.s);
		free(chains[i].body.s);
	}
	sbf(out, "COMMIT\n");
}

static void gen_rules(struct gen *g, struct sb *out)
{
	bool filter, mangle, raw;

	g->has_rules = !chance(g, 8);
	if (!g->has_rules)
		return;
	filter = chance(g, 85);
	mangle = chance(g, 55);
	raw = chance(g, 25);
	if (!filter && !mangle && !raw)
		filter = true;
	/* the order of the kernel's hooks: raw, mangle, filter, so that a
	 * MARK in raw or mangle comes before the filter that matches it */
	if (raw)
		gen_table(g, T_RAW, out);
	if (mangle)
		gen_table(g, T_MANGLE, out);
	if (filter)
		gen_table(g, T_FILTER, out);
}

/* -------------------------------------------------------------- packets */

/* Takes 'cost' ICMP error tokens from source 'addr' (see the top); false
 * when it has not that many left, or is kept for a packet alone. */
static bool take_src(struct gen *g, uint32_t addr, unsigned int cost,
		     bool exclusive)
{
	unsigned int i;

	for (i = 0; i < g->nsrc; i++)
		if (g->src[i].addr == addr)
			break;
	if (i == g->nsrc) {
		if (g->nsrc == MAX_SRC)
			return false;
		g->src[g->nsrc].addr = addr;
		g->src[g->nsrc].cost = 0;
		g->src[g->nsrc].exclusive = false;
		g->nsrc++;
	}
	if (g->src[i].exclusive || (exclusive && g->src[i].cost) ||
	    g->src[i].cost + cost > 4)
		return false;
	g->src[i].cost += cost;
	g->src[i].exclusive = exclusive;
	return true;
}

enum dcat { D_LOCAL, D_FWD, D_SAMEIF, D_NOROUTE, D_BCAST, D_MARTIAN,
	    D_OTHERHOST, D_ODD, D_NUM };

struct pkt {
	int in;
	enum dcat cat;
	uint32_t src, dst;
	bool local;      /* delivered to the host (as far as we know) */
	char ethdst[18]; /* "" for the host's MAC */
	char ethsrc[18];
};

/* The source of packet 'p' (in, dst, cat set): false when no address
 * fits the ICMP error budget. */
static bool pick_src(struct gen *g, struct pkt *p, bool exclusive)
{
	const struct iface *f = &g->ifs[p->in];
	unsigned int tries;

	for (tries = 0; tries < 30; tries++) {
		unsigned int k = rnd(g, 100), pk = 0;
		uint32_t s;

		if (k < 62) {
			pk = rnd(g, f->npeers);
			s = f->peer[pk];
		} else if (k < 82) {
			s = remote_addr(g, p->in);
		} else if (k < 90) {
			/* an address that lives behind another interface */
			int o = (int)rnd(g, g->nif);

			s = o == p->in ? 0 : chance(g, 50)
				? g->ifs[o].peer[rnd(g, g->ifs[o].npeers)]
				: remote_addr(g, o);
		} else {
			s = unrouted_addr(g);
		}
		if (!s || s == p->dst || !take_src(g, s, 2, exclusive))
			continue;
		p->src = s;
		/* a neighbour's frames mostly come from its own MAC */
		if (pk > 0 && chance(g, 70))
			peer_mac((unsigned int)p->in, pk, p->ethsrc);
		return true;
	}
	return false;
}

/* Destination of a packet arriving by p->in, by category. */
static bool pick_dst(struct gen *g, struct pkt *p)
{
	const struct iface *f = &g->ifs[p->in];
	unsigned int i;
	uint32_t d = 0;

	switch (p->cat) {
	case D_LOCAL:
	case D_OTHERHOST: {
		const struct iface *o = &g->ifs[rnd(g, g->nif)];

		d = chance(g, 70) ? f->addr : o->addr;
		if (o->addr2 && chance(g, 40))
			d = o->addr2;
		for (i = 0; i < g->nrt; i++)
			if (g->rt[i].type == RT_LOCAL && chance(g, 40))
				d = g->rt[i].via;
		p->local = true;
		if (p->cat == D_OTHERHOST && chance(g, 50)) {
			d = remote_addr(g, -1);
			p->local = false;
		}
		break;
	}
	case D_FWD:
		for (i = 0; i < 10 && !d; i++) {
			unsigned int o = rnd(g, g->nif), k = rnd(g, 3);

			if ((int)o == p->in)
				continue;
			if (k == 0)
				d = g->ifs[o].peer[rnd(g, g->ifs[o].npeers)];
			else if (k == 1)
				d = remote_addr(g, (int)o);
			else if (g->has_default)
				d = unrouted_addr(g);
		}
		if (!d)
			d = remote_addr(g, -1);
		break;
	case D_SAMEIF:
		if (f->npeers > 1 && chance(g, 50))
			d = f->peer[rnd(g, f->npeers)];
		else
			d = remote_addr(g, p->in);
		break;
	case D_NOROUTE:
		d = special_addr(g);
		if (!d || chance(g, 40))
			d = g->has_default ? special_addr(g) : unrouted_addr(g);
		break;
	case D_BCAST:
		switch (rnd(g, 7)) {
		case 0:
		case 1:
			d = f->bcast;
			strcpy(p->ethdst, "bcast");
			break;
		case 2:
			d = 0xffffffffu;
			strcpy(p->ethdst, "bcast");
			break;
		case 3: {
			const struct iface *o = &g->ifs[rnd(g, g->nif)];

			d = o->addr2 && chance(g, 50) ? o->bcast2 : o->bcast;
			if (chance(g, 50))
				strcpy(p->ethdst, "bcast");
			break;
		}
		case 4:
			d = 0xe0000001u;
			strcpy(p->ethdst, "01:00:5e:00:00:01");
			break;
		case 5:
			d = 0xef010203u;
			strcpy(p->ethdst, "01:00:5e:01:02:03");
			break;
		default:
			d = chance(g, 50) ? f->addr : f->bcast;
			strcpy(p->ethdst, chance(g, 50) ? "bcast"
							: "01:00:5e:00:00:fb");
			break;
		}
		p->local = true;
		break;
	case D_MARTIAN: {
		static const uint32_t dsts[] = { 0x7f000001u, 0x00000000u,
						 0x00010203u, 0xf0000001u,
						 0x7f010203u };
		static const uint32_t srcs[] = { 0x7f000001u, 0x00000000u,
						 0xe0000005u, 0xffffffffu,
						 0xf0000001u };

		if (chance(g, 50)) {
			d = PICK(g, dsts);
			p->local = true;
		} else {
			/* the source is martian: chosen here, no budget */
			d = chance(g, 60) ? f->addr : remote_addr(g, -1);
			p->src = chance(g, 70) ? PICK(g, srcs)
				 : chance(g, 50) ? g->ifs[rnd(g, g->nif)].addr
						 : f->bcast;
			p->local = d == f->addr;
		}
		break;
	}
	default:
		return false;
	}
	if (!d)
		return false;
	p->dst = d;
	return true;
}

static unsigned short pick_port(struct gen *g, bool ephemeral)
{
	if (ephemeral && chance(g, 50))
		return (unsigned short)(1024 + rnd(g, 64512));
	return chance(g, 85) ? PICK(g, ports) : (unsigned short)rnd(g, 65536);
}

/* 'mac' ("aa:bb:…") as 12 hex digits. */
static void mac_hex(struct sb *out, const char *mac)
{
	unsigned int i;

	for (i = 0; i < 17; i += 3)
		sbf(out, "%c%c", mac[i], mac[i + 1]);
}

/* ARP, IPv6 or some other Ethernet type: frames no IPv4 hook sees. */
static void odd_frame(struct gen *g, struct sb *out, const struct pkt *p)
{
	const struct iface *f = &g->ifs[p->in];
	unsigned int pk = rnd(g, f->npeers);
	char mac[18];

	peer_mac((unsigned int)p->in, pk, mac);
	switch (rnd(g, 3)) {
	case 0:
		/* who-has the host's address (or the gateway's), from a
		 * known neighbour: Ethernet, then the ARP request */
		sbf(out, "%s raw ffffffffffff", f->name);
		mac_hex(out, mac);
		sbf(out, "0806" "0001080006040001");
		mac_hex(out, mac);
		sbf(out, "%08x000000000000%08x\n", f->peer[pk],
		    chance(g, 80) ? f->addr : f->peer[0]);
		break;
	case 1:
		sbf(out, "%s udp 10.0.0.1:1 > 10.0.0.2:9 len=8 ethtype=0x86dd\n",
		    f->name);
		break;
	default:
		sbf(out, "%s icmp 10.0.0.1 > 10.0.0.2 echo id=1 seq=1"
		    " ethtype=0x%04x\n", f->name,
		    chance(g, 50) ? 0x0806 : 0x88b5);
		break;
	}
}

static const char *const ipopts[] = {
	"01010101",               /* NOPs */
	"070b040000000000000000", /* record route, room for two */
	"07070400000000",         /* record route, room for one */
	"44040500",               /* timestamp, full: the overflow count */
	"94040000",               /* router alert */
	"9e040000",               /* unknown, copied */
	"07020000",               /* malformed: length 2 */
	"8307040a090101",         /* loose source route */
	"00",                     /* end of list */
};

/* An address for an IP option: a neighbour, a remote host, or (with
 * 'local_ok') one of the host's. */
static uint32_t option_addr(struct gen *g, bool local_ok)
{
	const struct iface *f = &g->ifs[rnd(g, g->nif)];
	unsigned int k = rnd(g, 100);
	uint32_t a = 0;

	if (k < 20 && local_ok)
		return f->addr;
	if (k < 45)
		a = remote_addr(g, -1);
	return a ? a : f->peer[rnd(g, f->npeers)];
}

/* An IP option list, as hex, for ipopt=. */
static void ip_option(struct gen *g, struct sb *o)
{
	unsigned int k = rnd(g, 100), n, i, ptr;

	if (k < 55) {
		sbf(o, "%s", PICK(g, ipopts));
	} else if (k < 85) {
		/* a loose or strict source route of one or two hops, from
		 * its start, partly gone, or all gone */
		n = 1 + rnd(g, 2);
		ptr = 4;
		if (chance(g, 25))
			ptr = 4 + 4 * rnd(g, n + 1);
		sbf(o, "%02x%02x%02x", chance(g, 70) ? 0x83 : 0x89, 3 + 4 * n,
		    ptr);
		for (i = 0; i < n; i++)
			sbf(o, "%08x", option_addr(g, true));
	} else if (k < 95) {
		/* timestamps at given addresses, none the host's (it would
		 * write the time of day) */
		n = 1 + rnd(g, 2);
		sbf(o, "44%02x0503", 4 + 8 * n);
		for (i = 0; i < n; i++)
			sbf(o, "%08x00000000", option_addr(g, false));
	} else {
		/* timestamps with addresses, no room left */
		sbf(o, "440c0d01%08x00000000", option_addr(g, false));
	}
}

/* Writes one packet (or two, the fragments of a datagram); returns how
 * many lines it wrote, 0 when it found nothing that fits the budget. */
static unsigned int gen_packet(struct gen *g, struct sb *out, unsigned int left)
{
	static const unsigned int w_cat[D_NUM] = {
		[D_LOCAL] = 28, [D_FWD] = 38, [D_SAMEIF] = 5, [D_NOROUTE] = 6,
		[D_BCAST] = 9, [D_MARTIAN] = 5, [D_OTHERHOST] = 3, [D_ODD] = 3,
	};
	static const char *const tcp_flags[] = { "S", "S", "S", "SA", "A",
						 "PA", "R", "RA", "F", "FA",
						 ".", "SF", "SR", "FPU",
						 "FSRPAU", "SE", "SEC" };
	struct pkt p;
	struct sb base = { 0 }, opts = { 0 }, quote = { 0 };
	char a[16], b[16];
	unsigned int proto, l4len = 0, lines = 0, payload = 0;
	bool exclusive, frag, can_frag = true, big = false;
	int eg;

	memset(&p, 0, sizeof(p));
	p.in = (int)rnd(g, g->nif);
	p.cat = (enum dcat)wpick(g, w_cat, D_NUM);
	if (p.cat == D_ODD) {
		odd_frame(g, out, &p);
		return 1;
	}
	if (!pick_dst(g, &p))
		return 0;
	eg = egress(g, p.dst);
	exclusive = eg == p.in || p.cat == D_SAMEIF;
	if (!p.src && !pick_src(g, &p, exclusive))
		return 0;
	if (p.cat == D_OTHERHOST)
		strcpy(p.ethdst, chance(g, 80) ? "02:00:00:00:99:99"
					       : "01:00:5e:00:00:09");

	/* the protocol */
	proto = rnd(g, 100);
	proto = proto < 30 ? 6 : proto < 60 ? 17 : proto < 88 ? 1 : 0;
	if (proto == 6) {
		const char *fl = PICK(g, tcp_flags);

		sbf(&base, "tcp %s:%u > %s:%u %s", ip4(p.src, a),
		    pick_port(g, true), ip4(p.dst, b), pick_port(g, false), fl);
		if (chance(g, 50))
			sbf(&opts, " seq=%u", (unsigned int)next64(&g->rng));
		if (strchr(fl, 'A'))
			sbf(&opts, " ack=%u", (unsigned int)next64(&g->rng));
		if (chance(g, 10))
			sbf(&opts, " win=%u", chance(g, 50) ? 0 : rnd(g, 65536));
		if (strchr(fl, 'U') || chance(g, 3))
			sbf(&opts, " urp=%u", rnd(g, 65536));
		if (chance(g, 4)) {
			sbf(&opts, " doff=%u", chance(g, 50) ? 4 : 6 + rnd(g, 3));
			can_frag = false;
		}
		payload = chance(g, 60) ? 0 : rnd(g, 120);
		l4len = 20 + payload;
	} else if (proto == 17) {
		sbf(&base, "udp %s:%u > %s:%u", ip4(p.src, a),
		    pick_port(g, true), ip4(p.dst, b), pick_port(g, false));
		payload = rnd(g, 80);
		l4len = 8 + payload;
		if (chance(g, 4)) {
			sbf(&opts, " udplen=%u", chance(g, 50) ? rnd(g, 8)
							      : l4len + 1 + rnd(g, 8));
			can_frag = false;
		}
		if (chance(g, 5))
			sbf(&opts, " l4csum=none");
	} else if (proto == 1) {
		static const char *const qtypes[] = {
			"unreach code=3", "unreach code=1", "unreach code=0",
			"unreach code=2", "unreach code=4 mtu=1000",
			"unreach code=13", "time-exceeded", "time-exceeded code=1",
			"param-problem ptr=0", "source-quench",
			"redirect code=1 gw=",
		};
		unsigned int k = rnd(g, 100);

		sbf(&base, "icmp %s > %s ", ip4(p.src, a), ip4(p.dst, b));
		if (k < 50) {
			payload = chance(g, 30) ? 0 : rnd(g, 100);
			sbf(&base, "echo");
			sbf(&opts, " id=%u seq=%u", rnd(g, 65536), rnd(g, 100));
			l4len = 8 + payload;
		} else if (k < 58) {
			payload = rnd(g, 40);
			sbf(&base, "echo-reply");
			sbf(&opts, " id=%u seq=%u", rnd(g, 65536), rnd(g, 100));
			l4len = 8 + payload;
		} else if (k < 86) {
			/* an error quoting a packet the destination sent */
			const char *qt = PICK(g, qtypes);
			unsigned int ik = rnd(g, 3);

			sbf(&base, "%s", qt);
			if (strstr(qt, "gw="))
				sbf(&base, "%s",
				    ip4(g->ifs[p.in].peer[0], a));
			if (ik == 0)
				sbf(&quote, " -- udp %s:%u > %s:%u",
				    ip4(p.dst, a), pick_port(g, true),
				    ip4(p.src, b), pick_port(g, false));
			else if (ik == 1)
				sbf(&quote, " -- tcp %s:%u > %s:%u S",
				    ip4(p.dst, a), pick_port(g, true),
				    ip4(p.src, b), pick_port(g, false));
			else
				sbf(&quote, " -- icmp %s > %s echo id=1 seq=1",
				    ip4(p.dst, a), ip4(p.src, b));
			if (chance(g, 15))
				sbf(&opts, " innerlen=%u", rnd(g, 28));
			can_frag = false;
		} else if (k < 94 || p.local || eg == TO_LOCAL ||
			   eg == TO_BCAST) {
			payload = rnd(g, 20);
			sbf(&base, "%u", chance(g, 50) ? 42 : rnd(g, 256));
			/* not 13: the host's timestamp reply holds the time */
			if (strcmp(base.s + base.len - 3, " 13") == 0)
				sbf(&base, "0");
			sbf(&opts, " code=%u", rnd(g, 3));
			l4len = 8 + payload;
		} else {
			sbf(&base, "timestamp");
			sbf(&opts, " id=%u seq=1", rnd(g, 65536));
			l4len = 20;
			can_frag = false;
		}
	} else {
		static const unsigned int local_protos[] = { 99, 253, 254 };
		static const unsigned int fwd_protos[] = { 4, 47, 50, 89, 99,
							   132, 253 };

		payload = rnd(g, 40);
		sbf(&base, "ip %s > %s proto=%u", ip4(p.src, a),
		    ip4(p.dst, b),
		    p.local || eg == TO_LOCAL || eg == TO_BCAST
			    ? PICK(g, local_protos)
					      : PICK(g, fwd_protos));
		l4len = payload;
	}
	if (chance(g, 4) && can_frag && !quote.len) {
		/* a big one: for the MTU, but no bigger than the MTU of the
		 * link it comes by (veth drops it, as most NICs would) */
		unsigned int mtu = g->ifs[p.in].mtu ? g->ifs[p.in].mtu : 1500;
		unsigned int hl = proto == 6 ? 20 : proto ? 8 : 0;

		payload = 900 + rnd(g, 560);
		if (20 + hl + payload > mtu)
			payload = mtu - 20 - hl;
		l4len = payload + hl;
		big = true;
	}
	if (payload && !quote.len)
		sbf(&opts, " len=%u", payload);

	/* the IP header and the link */
	if (chance(g, 10))
		sbf(&opts, " ttl=%u", chance(g, 80) ? 1 : 0);
	else if (chance(g, 12)) {
		static const unsigned int ttls[] = { 2, 32, 63, 128, 255 };

		sbf(&opts, " ttl=%u", PICK(g, ttls));
	}
	if (chance(g, 20))
		sbf(&opts, " tos=0x%02x", PICK(g, tos_values));
	if (chance(g, 15))
		sbf(&opts, " df");
	if (chance(g, g->source_route ? 15 : 7) && !big) {
		sbf(&opts, " ipopt=");
		ip_option(g, &opts);
		can_frag = false;
	}
	if (chance(g, 2))
		sbf(&opts, " ipcsum=bad");
	if (proto && chance(g, 4))
		sbf(&opts, " l4csum=bad");
	if (chance(g, 4)) {
		/* broken: a header the kernel refuses before PREROUTING */
		switch (rnd(g, 5)) {
		case 0:
			sbf(&opts, " ihl=%u", chance(g, 50) ? 4 : 15);
			break;
		case 1:
			sbf(&opts, " ver=%u", chance(g, 50) ? 6 : 5);
			break;
		case 2:
			sbf(&opts, " totlen=%u", 20 + l4len + 1 + rnd(g, 40));
			break;
		case 3:
			sbf(&opts, " totlen=%u", rnd(g, 20));
			break;
		default:
			sbf(&opts, " trunc=%u", 20 + rnd(g, l4len + 1));
			break;
		}
		can_frag = false;
	} else if (chance(g, 5) && l4len > 2) {
		/* short: a consistent IP header over a cut transport header */
		unsigned int keep = 20 + rnd(g, l4len > 24 ? 24 : l4len);

		sbf(&opts, " totlen=%u trunc=%u", keep, keep);
		can_frag = false;
	}
	if (chance(g, 5) && !big)
		sbf(&opts, " pad=%u", 1 + rnd(g, 30));
	if (p.ethdst[0])
		sbf(&opts, " ethdst=%s", p.ethdst);
	if (p.ethsrc[0])
		sbf(&opts, " ethsrc=%s", p.ethsrc);

	frag = can_frag && l4len >= 16 && left >= 2 && chance(g, 8);
	if (!frag) {
		sbf(out, "%s %s%s%s\n", g->ifs[p.in].name, base.s, opts.s ? opts.s : "",
		    quote.s ? quote.s : "");
		lines = 1;
	} else {
		unsigned int cut = 8 * (1 + rnd(g, (l4len - 1) / 8));
		unsigned int id = ++g->ipid + 0x4000;
		unsigned int order = rnd(g, 10);

		if (cut >= l4len)
			cut = 8;
		/* the first fragment again may draw a second error */
		if (order < 2 && (exclusive || !take_src(g, p.src, 2, false)))
			order = 2;
		/* in order, reversed, or one of them alone */
		if (order != 8)
			sbf(out, "%s %s%s frag=0:%u ipid=0x%x\n",
			    g->ifs[p.in].name, base.s, opts.s ? opts.s : "",
			    cut, id);
		if (order != 9)
			sbf(out, "%s %s%s frag=%u:%u ipid=0x%x\n",
			    g->ifs[p.in].name, base.s, opts.s ? opts.s : "",
			    cut, l4len - cut, id);
		if (order < 2 && order != 8) /* the first again, after */
			sbf(out, "%s %s%s frag=0:%u ipid=0x%x\n",
			    g->ifs[p.in].name, base.s, opts.s ? opts.s : "",
			    cut, id);
		lines = order >= 8 ? 1 : order < 2 ? 3 : 2;
	}
	free(base.s);
	free(opts.s);
	free(quote.s);
	return lines;
}

static void gen_packets(struct gen *g, struct sb *out)
{
	unsigned int n = 5 + rnd(g, 16), done = 0, tries = 0;

	while (done < n && tries++ < 200)
		done += gen_packet(g, out, n - done);
}

/* ----------------------------------------------------------------- main */

static int write_file(const char *dir, const char *name, const char *head,
		      const struct sb *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "conform_gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs(head, f);
	if (b->s)
		fputs(b->s, f);
	if (fclose(f)) {
		fprintf(stderr, "conform_gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ NAT mode */

/*
 * conform_gen --nat SEED OUTDIR: a NAT router (its own version,
 * NAT_GEN_VERSION, and its own PRNG stream: the seed mixed with a constant,
 * so that seed N of the NAT mode is not seed N of the normal one).
 *
 * The router has a LAN f0 (clients and servers), a WAN f1 (its public
 * address, a gateway, remote servers and clients behind it) and sometimes
 * a second WAN f2 (another gateway).  Its filter is stateful (ESTABLISHED,
 * RELATED accepted, NEW from the LAN and to forwarded ports); its nat
 * table: the LAN out of f1 by MASQUERADE or SNAT (with or without a port
 * range, --persistent sometimes), out of f2 by NETMAP or SNAT with ports,
 * port forwards by DNAT to one server (its port or a port range), REDIRECT
 * of TCP and UDP to a port of the host, hairpin NAT (the TCP forward
 * reached from the LAN, MASQUERADE or SNAT back into it; redirects off,
 * as Linux would send one per packet, limited by time), FTP's PASV
 * through the SNAT of f1 (raw: CT --helper ftp), its data connection
 * RELATED and bound by its expectation (nf_nat_follow_master()).
 *
 * The generator models Linux's choice of each connection's translated
 * tuple (get_unique_tuple()): a source's mapping reused when its tuple is
 * free, a port kept when it is in the range and free, else the only free
 * port of a --to-ports range.  Where Linux would draw at random (a clash
 * without a range, two or more free ports, a source with two mappings), it
 * picks another source port, or leaves the connection out: so the answers
 * go to the tuple Linux chose, and there is no random-ports file.  PORT
 * and EPRT (rewritten by nf_nat_ftp) are not generated (README).
 */
#define NAT_GEN_VERSION 4
#define NAT_MAX_FLOWS 64

enum { NP_TCP, NP_UDP, NP_ICMP };
static const char *const np_name[] = { "tcp", "udp", "icmp" };

struct nflow {
	int proto;
	uint32_t osrc, odst, tsrc, tdst; /* as sent; as translated */
	unsigned int osp, odp, tsp, tdp;
	int rule;                        /* the SNAT rule's number, or -1 */
	bool closed;                     /* TCP closed by FINs: TIME_WAIT */
};

/* An SNAT rule for the LAN out of one interface: to 'addr' (NETMAP: the
 * network 'addr'/24 for the host byte), ports lo..hi for TCP and UDP (0:
 * none). */
struct nsnat {
	bool netmap;
	uint32_t addr;
	unsigned int lo, hi;
};

struct ngen {
	struct gen g;
	uint32_t lan, wan, wan2;       /* networks, /24 */
	uint32_t remote, remote2;      /* /16 behind f1's and f2's gateways */
	bool two_wan;
	struct nsnat sn[3];            /* out of f1, out of f2, hairpin */
	bool hairpin, ftp;
	unsigned int fwd_port;         /* forwarded TCP port, or 0 */
	uint32_t fwd_srv;
	unsigned int fwd_lo, fwd_hi;   /* server ports (equal: one) */
	unsigned int ufwd_port;        /* forwarded UDP port to fwd_srv:same */
	unsigned int redir_tcp, redir_tcp_to, redir_udp, redir_udp_to;
	struct nflow fl[NAT_MAX_FLOWS];
	unsigned int nfl;
	unsigned int next_icmp_id, next_out_port;
	unsigned int seq;
	bool host_src[256];            /* host-source lines written (by low byte of odst) */
};

/* Is the connection whose translated tuple is t (proto, tsrc:tsp >
 * tdst:tdp) in the way of one of the model's: its reply tuple equal to an
 * existing connection's original or reply tuple (nf_nat_used_tuple())?
 * *'closed' (when not NULL) is set when one in the way is a TCP connection
 * in TIME_WAIT, which a search of a small range may evict or not
 * (nf_nat_used_tuple_harder(), from a random offset). */
static bool n_used_closed(const struct ngen *n, const struct nflow *t,
			  bool *closed)
{
	unsigned int i;
	bool used = false;

	for (i = 0; i < n->nfl; i++) {
		const struct nflow *f = &n->fl[i];

		if (f->proto != t->proto)
			continue;
		if ((f->tsrc == t->tsrc && f->tsp == t->tsp &&
		     f->tdst == t->tdst && f->tdp == t->tdp) ||
		    /* reply of t (tdst:tdp > tsrc:tsp): f's original */
		    (f->osrc == t->tdst && f->osp == t->tdp &&
		     f->odst == t->tsrc && f->odp == t->tsp)) {
			used = true;
			if (closed && f->closed)
				*closed = true;
		}
	}
	return used;
}

static bool n_used(const struct ngen *n, const struct nflow *t)
{
	return n_used_closed(n, t, NULL);
}

/* The mappings of (proto, osrc, osp) that rule 'rule' made so far:
 * find_appropriate_src() takes one of them; the model goes on only when
 * there is one (which one of several Linux finds first is its hash's
 * business).  Returns how many distinct ones, the first in *tsrc, *tsp. */
static unsigned int n_mappings(const struct ngen *n, const struct nflow *t,
			       int rule, uint32_t *tsrc, unsigned int *tsp)
{
	unsigned int i, count = 0;

	for (i = 0; i < n->nfl; i++) {
		const struct nflow *f = &n->fl[i];

		if (f->rule != rule || f->proto != t->proto ||
		    f->osrc != t->osrc || f->osp != t->osp)
			continue;
		if (count && (f->tsrc != *tsrc || f->tsp != *tsp))
			return 2;
		*tsrc = f->tsrc;
		*tsp = f->tsp;
		count = 1;
	}
	return count;
}

/* The source translation of 't' (tdst set) by rule 'rule': false when
 * Linux's choice cannot be predicted. */
static bool n_snat(const struct ngen *n, struct nflow *t, int rule)
{
	const struct nsnat *s = &n->sn[rule];
	bool ranged = s->lo && t->proto != NP_ICMP && !s->netmap;
	unsigned int k, nfree = 0, port = 0;
	uint32_t a;

	t->rule = rule;
	t->tsrc = s->netmap ? (s->addr | (t->osrc & 0xff)) : s->addr;
	t->tsp = t->osp;
	if (s->netmap) {
		/* the address is the client's own, mapped: the orig tuple is
		 * in NETMAP's range only by accident; keep the port when
		 * free, as the mapping is one to one */
		return !n_used(n, t);
	}
	/* 1) a mapping of this source reused when its tuple is free */
	switch (n_mappings(n, t, rule, &a, &port)) {
	case 0:
		break;
	case 1:
		t->tsrc = a;
		t->tsp = port;
		if (!n_used(n, t))
			return true;
		break;
	default:
		return false;
	}
	t->tsrc = s->addr;
	t->tsp = t->osp;
	/* 3) the port kept when in range (and free) */
	if (!ranged)
		return !n_used(n, t);
	if (t->osp >= s->lo && t->osp <= s->hi) {
		/* kept; a range of one port keeps it even when taken, and
		 * the clash drops the connection at confirm: left out */
		return !n_used(n, t);
	}
	/* the search starts at a random offset: only one free port will do,
	 * and no TIME_WAIT connection that it could evict instead */
	for (k = s->lo; k <= s->hi; k++) {
		bool closed = false;

		t->tsp = k;
		if (!n_used_closed(n, t, &closed)) {
			nfree++;
			port = k;
		} else if (closed) {
			return false;
		}
	}
	t->tsp = port;
	return nfree == 1;
}

static void n_add(struct ngen *n, const struct nflow *t)
{
	if (n->nfl < NAT_MAX_FLOWS)
		n->fl[n->nfl++] = *t;
}

static uint32_t n_client(struct ngen *n)
{
	return n->lan | (10 + rnd(&n->g, 5));
}

static unsigned int n_cport(struct ngen *n, const struct nsnat *s)
{
	/* colliding ports on purpose: a small pool, the range's ports in it */
	unsigned int r = rnd(&n->g, 6);

	if (s->lo && r < 2)
		return s->lo + rnd(&n->g, s->hi - s->lo + 1);
	if (r < 4)
		return 40000 + rnd(&n->g, 3);
	return 30000 + rnd(&n->g, 30000);
}

/* Returns whether the flow ends closed (TIME_WAIT). */
static bool n_tcp_flow(struct ngen *n, struct sb *o, const char *cin,
		       const char *sin, const struct nflow *t, bool answer)
{
	char a[16], b[16], c[16], d[16];
	unsigned int cs = 1000 * (1 + rnd(&n->g, 900)), ss = 1000 * (1 + rnd(&n->g, 900));
	unsigned int len = 1 + rnd(&n->g, 200), stage = rnd(&n->g, 3);

	sbf(o, "%s tcp %s:%u > %s:%u S seq=%u win=64240\n", cin,
	    ip4(t->osrc, a), t->osp, ip4(t->odst, b), t->odp, cs);
	if (!answer)
		return false;
	/* the server answers the translated tuple */
	sbf(o, "%s tcp %s:%u > %s:%u SA seq=%u ack=%u win=65160\n", sin,
	    ip4(t->tdst, c), t->tdp, ip4(t->tsrc, d), t->tsp, ss, cs + 1);
	sbf(o, "%s tcp %s:%u > %s:%u A seq=%u ack=%u win=502\n", cin,
	    a, t->osp, b, t->odp, cs + 1, ss + 1);
	if (stage == 0)
		return false;
	sbf(o, "%s tcp %s:%u > %s:%u PA seq=%u ack=%u win=502 len=%u\n", cin,
	    a, t->osp, b, t->odp, cs + 1, ss + 1, len);
	sbf(o, "%s tcp %s:%u > %s:%u A seq=%u ack=%u win=509\n", sin,
	    c, t->tdp, d, t->tsp, ss + 1, cs + 1 + len);
	if (stage == 1)
		return false;
	sbf(o, "%s tcp %s:%u > %s:%u FA seq=%u ack=%u win=502\n", cin,
	    a, t->osp, b, t->odp, cs + 1 + len, ss + 1);
	sbf(o, "%s tcp %s:%u > %s:%u FA seq=%u ack=%u win=509\n", sin,
	    c, t->tdp, d, t->tsp, ss + 1, cs + 2 + len);
	sbf(o, "%s tcp %s:%u > %s:%u A seq=%u ack=%u win=502\n", cin,
	    a, t->osp, b, t->odp, cs + 2 + len, ss + 2);
	return true;
}

static void n_udp_flow(struct ngen *n, struct sb *o, const char *cin,
		       const char *sin, const struct nflow *t, bool answer)
{
	char a[16], b[16], c[16], d[16];
	const char *csum = chance(&n->g, 15) ? " l4csum=none" : "";

	sbf(o, "%s udp %s:%u > %s:%u len=%u%s\n", cin, ip4(t->osrc, a),
	    t->osp, ip4(t->odst, b), t->odp, 8 + rnd(&n->g, 40), csum);
	if (!answer)
		return;
	sbf(o, "%s udp %s:%u > %s:%u len=%u\n", sin, ip4(t->tdst, c), t->tdp,
	    ip4(t->tsrc, d), t->tsp, 8 + rnd(&n->g, 60));
	if (chance(&n->g, 40))
		sbf(o, "%s udp %s:%u > %s:%u len=%u\n", cin, a, t->osp, b,
		    t->odp, 4 + rnd(&n->g, 20));
}

/* An ICMP error about 't': from the server's side quoting the translated
 * packet, or from the client's side quoting the packet as it was sent. */
static void n_error(struct ngen *n, struct sb *o, const char *cin,
		    const char *sin, const struct nflow *t, bool from_server,
		    uint32_t router)
{
	char a[16], b[16], c[16];
	bool full = chance(&n->g, 30) && t->proto == NP_TCP;
	const char *type = t->proto == NP_UDP && from_server ?
		"unreach code=3" : chance(&n->g, 50) ? "unreach code=1" :
		"time-exceeded code=0";

	if (from_server) {
		/* the server, or a router on its way (the gateway's side) */
		uint32_t from = chance(&n->g, 60) ? t->tdst : router;

		sbf(o, "%s icmp %s > %s %s%s -- %s %s:%u > %s:%u%s\n", sin,
		    ip4(from, a), ip4(t->tsrc, b), type,
		    full ? " innerlen=40" : "", np_name[t->proto],
		    b, t->tsp, ip4(t->tdst, c), t->tdp,
		    t->proto == NP_TCP ? " A seq=77 ack=88" : " len=12");
	} else {
		/* the client's side: an error about an answer */
		sbf(o, "%s icmp %s > %s %s%s -- %s %s:%u > %s:%u%s\n", cin,
		    ip4(t->osrc, a), ip4(t->odst, b), type,
		    full ? " innerlen=40" : "", np_name[t->proto],
		    b, t->odp, a, t->osp,
		    t->proto == NP_TCP ? " A seq=77 ack=88" : " len=12");
	}
}

static void n_topology(struct ngen *n, struct sb *t)
{
	struct gen *g = &n->g;
	char a[16], b[16];
	unsigned int k;

	n->lan = 10u << 24 | fresh_oct(g, 1, 200) << 16 | rnd(g, 256) << 8;
	n->wan = 10u << 24 | fresh_oct(g, 1, 200) << 16 | rnd(g, 256) << 8;
	n->remote = 10u << 24 | fresh_oct(g, 1, 200) << 16;
	n->two_wan = chance(g, 40);
	sbf(t, "ip link set f0 address 02:00:00:00:00:01\n"
	    "ip link set f1 address 02:00:00:00:00:02\n");
	if (n->two_wan)
		sbf(t, "ip link set f2 address 02:00:00:00:00:03\n");
	sbf(t, "ip addr add %s/24 dev f0\n", ip4(n->lan | 1, a));
	sbf(t, "ip addr add %s/24 dev f1\n", ip4(n->wan | 2, a));
	for (k = 10; k < 15; k++)
		sbf(t, "ip neigh add %s lladdr 02:00:00:00:ff:01 dev f0\n",
		    ip4(n->lan | k, a));
	for (k = 50; k < 53; k++)
		sbf(t, "ip neigh add %s lladdr 02:00:00:00:ff:01 dev f0\n",
		    ip4(n->lan | k, a));
	sbf(t, "ip neigh add %s lladdr 02:00:00:00:ff:02 dev f1\n",
	    ip4(n->wan | 1, a));
	sbf(t, "ip route add %s/16 via %s dev f1\n", ip4(n->remote, a),
	    ip4(n->wan | 1, b));
	if (n->two_wan) {
		n->wan2 = 10u << 24 | fresh_oct(g, 1, 200) << 16 |
			  rnd(g, 256) << 8;
		n->remote2 = 10u << 24 | fresh_oct(g, 1, 200) << 16;
		sbf(t, "ip addr add %s/24 dev f2\n", ip4(n->wan2 | 2, a));
		sbf(t, "ip neigh add %s lladdr 02:00:00:00:ff:03 dev f2\n",
		    ip4(n->wan2 | 1, a));
		sbf(t, "ip route add %s/16 via %s dev f2\n",
		    ip4(n->remote2, a), ip4(n->wan2 | 1, b));
	}
	sbf(t, "sysctl -w net.ipv4.ip_forward=1\n");
	n->hairpin = chance(g, 35);
	if (n->hairpin)
		sbf(t, "sysctl -w net.ipv4.conf.all.send_redirects=0\n"
		    "sysctl -w net.ipv4.conf.f0.send_redirects=0\n");
}

static void n_rules(struct ngen *n, struct sb *r)
{
	struct gen *g = &n->g;
	char a[16], b[16], c[16];
	unsigned int mode = rnd(g, 4);

	/* out of f1 */
	n->sn[0].addr = chance(g, 70) ? n->wan | 2 : n->wan | (3 + rnd(g, 5));
	if (mode >= 2 || chance(g, 50)) {
		n->sn[0].lo = 1024 + rnd(g, 60000);
		n->sn[0].hi = n->sn[0].lo + rnd(g, 4);
	}
	if (mode < 2)
		n->sn[0].addr = n->wan | 2; /* MASQUERADE */
	/* out of f2 */
	if (n->two_wan) {
		n->sn[1].netmap = chance(g, 60);
		if (n->sn[1].netmap) {
			n->sn[1].addr = 10u << 24 | fresh_oct(g, 1, 200) << 16 |
					rnd(g, 256) << 8;
		} else {
			n->sn[1].addr = n->wan2 | 2;
			n->sn[1].lo = 1024 + rnd(g, 60000);
			n->sn[1].hi = n->sn[1].lo + 1 + rnd(g, 3);
		}
	}
	if (chance(g, 70) || n->hairpin) {
		n->fwd_port = PICK(g, ports);
		n->fwd_srv = n->lan | (50 + rnd(g, 3));
		n->fwd_lo = chance(g, 50) ? 80 : 8000 + rnd(g, 100);
		n->fwd_hi = n->fwd_lo + (chance(g, 30) ? 1 + rnd(g, 2) : 0);
	}
	if (chance(g, 40))
		n->ufwd_port = 5000 + rnd(g, 100);
	if (chance(g, 40)) {
		n->redir_tcp = 3000 + rnd(g, 100);
		n->redir_tcp_to = chance(g, 50) ? 3128 : 0;
	}
	if (chance(g, 30)) {
		n->redir_udp = 53;
		n->redir_udp_to = chance(g, 50) ? 5353 : 0;
	}

	n->ftp = chance(g, 30);
	if (n->ftp)
		sbf(r, "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		    "-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp\n"
		    "COMMIT\n");
	sbf(r, "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
	    ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
	if (n->fwd_port) {
		sbf(r, "-A PREROUTING -d %s/32%s -p tcp -m tcp --dport %u "
		    "-j DNAT --to-destination %s:%u", ip4(n->wan | 2, a),
		    n->hairpin ? "" : " -i f1", n->fwd_port,
		    ip4(n->fwd_srv, b), n->fwd_lo);
		if (n->fwd_hi != n->fwd_lo)
			sbf(r, "-%u", n->fwd_hi);
		sbf(r, "\n");
	}
	if (n->ufwd_port && n->fwd_srv)
		sbf(r, "-A PREROUTING -d %s/32 -i f1 -p udp -m udp --dport %u "
		    "-j DNAT --to-destination %s\n", ip4(n->wan | 2, a),
		    n->ufwd_port, ip4(n->fwd_srv, b));
	if (n->redir_tcp) {
		sbf(r, "-A PREROUTING -i f0 -p tcp -m tcp --dport %u -j REDIRECT",
		    n->redir_tcp);
		if (n->redir_tcp_to)
			sbf(r, " --to-ports %u", n->redir_tcp_to);
		sbf(r, "\n");
	}
	if (n->redir_udp) {
		sbf(r, "-A PREROUTING -i f0 -p udp -m udp --dport %u -j REDIRECT",
		    n->redir_udp);
		if (n->redir_udp_to)
			sbf(r, " --to-ports %u", n->redir_udp_to);
		sbf(r, "\n");
	}
	if (n->hairpin) {
		n->sn[2].addr = n->lan | 1;
		sbf(r, "-A POSTROUTING -s %s/24 -d %s/32 -p tcp -m tcp --dport ",
		    ip4(n->lan, a), ip4(n->fwd_srv, b));
		if (n->fwd_hi != n->fwd_lo)
			sbf(r, "%u:%u", n->fwd_lo, n->fwd_hi);
		else
			sbf(r, "%u", n->fwd_lo);
		if (chance(g, 50))
			sbf(r, " -j MASQUERADE\n");
		else
			sbf(r, " -j SNAT --to-source %s\n", ip4(n->lan | 1, a));
	}
	if (mode < 2) {
		if (n->sn[0].lo) {
			sbf(r, "-A POSTROUTING -o f1 -p tcp -j MASQUERADE "
			    "--to-ports %u-%u\n", n->sn[0].lo, n->sn[0].hi);
			sbf(r, "-A POSTROUTING -o f1 -p udp -j MASQUERADE "
			    "--to-ports %u-%u\n", n->sn[0].lo, n->sn[0].hi);
		}
		sbf(r, "-A POSTROUTING -o f1 -j MASQUERADE\n");
	} else {
		const char *pers = chance(g, 30) ? " --persistent" : "";

		ip4(n->sn[0].addr, c);
		sbf(r, "-A POSTROUTING -s %s/24 -o f1 -p tcp -j SNAT "
		    "--to-source %s:%u-%u%s\n", ip4(n->lan, a), c,
		    n->sn[0].lo, n->sn[0].hi, pers);
		sbf(r, "-A POSTROUTING -s %s/24 -o f1 -p udp -j SNAT "
		    "--to-source %s:%u-%u%s\n", a, c, n->sn[0].lo,
		    n->sn[0].hi, pers);
		sbf(r, "-A POSTROUTING -s %s/24 -o f1 -j SNAT --to-source %s\n",
		    a, c);
	}
	if (n->two_wan) {
		if (n->sn[1].netmap) {
			sbf(r, "-A POSTROUTING -s %s/24 -o f2 -j NETMAP --to %s/24\n",
			    ip4(n->lan, a), ip4(n->sn[1].addr, b));
		} else {
			ip4(n->sn[1].addr, c);
			sbf(r, "-A POSTROUTING -o f2 -p tcp -j SNAT --to-source "
			    "%s:%u-%u\n", c, n->sn[1].lo, n->sn[1].hi);
			sbf(r, "-A POSTROUTING -o f2 -p udp -j SNAT --to-source "
			    "%s:%u-%u\n", c, n->sn[1].lo, n->sn[1].hi);
			sbf(r, "-A POSTROUTING -o f2 -j SNAT --to-source %s\n", c);
		}
	}
	sbf(r, "COMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD %s [0:0]\n"
	    ":OUTPUT ACCEPT [0:0]\n", chance(g, 50) ? "DROP" : "ACCEPT");
	sbf(r, "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
	sbf(r, "-A FORWARD -m conntrack --ctstate INVALID -j DROP\n");
	sbf(r, "-A FORWARD -i f0 -m state --state NEW -j ACCEPT\n");
	if (n->fwd_port || n->ufwd_port)
		sbf(r, "-A FORWARD -m conntrack --ctstate DNAT -j ACCEPT\n");
	sbf(r, "-A FORWARD -j DROP\nCOMMIT\n");
}

/* An outgoing flow from the LAN; false when none could be predicted. */
static bool n_out_flow(struct ngen *n, struct sb *o, int proto)
{
	struct gen *g = &n->g;
	int rule = n->two_wan && chance(g, 40) ? 1 : 0;
	const char *sin = rule ? "f2" : "f1";
	struct nflow t = { 0 };
	unsigned int tries;
	bool answer;

	t.proto = proto;
	t.odst = (rule ? n->remote2 : n->remote) | (rnd(g, 2) << 8) |
		 (5 + rnd(g, 3));
	t.tdst = t.odst;
	t.odp = proto == NP_TCP ? PICK(g, ports) : proto == NP_UDP ?
		(chance(g, 50) ? 123 : 9) : 8;
	t.tdp = t.odp;
	/* not to the redirected ports */
	if ((proto == NP_TCP && t.odp == n->redir_tcp && n->redir_tcp) ||
	    (proto == NP_UDP && t.odp == n->redir_udp && n->redir_udp))
		t.odp = t.tdp = 443;
	for (tries = 0; tries < 20; tries++) {
		t.osrc = n_client(n);
		if (proto == NP_ICMP) {
			/* an echo's id: each its own (an id's clash would
			 * move it at random) */
			t.osp = ++n->next_icmp_id + 100;
			t.tdp = t.odp = t.osp;
		} else {
			t.osp = n_cport(n, &n->sn[rule]);
		}
		if (n_snat(n, &t, rule))
			break;
	}
	if (tries == 20)
		return false;
	if (proto == NP_ICMP) {
		char a[16], b[16], c[16], d[16];

		sbf(o, "f0 icmp %s > %s echo id=%u seq=1 len=%u\n",
		    ip4(t.osrc, a), ip4(t.odst, b), t.osp, 8 + rnd(g, 40));
		t.tdp = t.tsp;
		if (chance(g, 80))
			sbf(o, "%s icmp %s > %s echo-reply id=%u seq=1 len=16\n",
			    sin, ip4(t.odst, c), ip4(t.tsrc, d), t.tsp);
		n_add(n, &t);
		return true;
	}
	answer = chance(g, 85);
	if (proto == NP_TCP)
		t.closed = n_tcp_flow(n, o, "f0", sin, &t, answer);
	else
		n_udp_flow(n, o, "f0", sin, &t, answer);
	n_add(n, &t);
	if (answer && chance(g, 20))
		n_error(n, o, "f0", sin, &t, true,
			(rule ? n->wan2 : n->wan) | 1);
	return true;
}

/* A connection from outside to a forwarded port; 'hairpin': from a LAN
 * client, its source translated too on the way back into the LAN. */
static bool n_in_flow(struct ngen *n, struct sb *o, int proto, bool hairpin)
{
	struct gen *g = &n->g;
	const char *cin = hairpin ? "f0" : "f1";
	struct nflow t = { 0 };
	unsigned int k;

	t.proto = proto;
	t.rule = -1;
	t.osrc = hairpin ? n_client(n) : n->remote | (2 << 8) | (1 + rnd(g, 20));
	t.osp = ++n->next_out_port + 20000;
	t.odst = n->wan | 2;
	t.odp = proto == NP_TCP ? n->fwd_port : n->ufwd_port;
	t.tsrc = t.osrc;
	t.tsp = t.osp;
	t.tdst = n->fwd_srv;
	if (proto == NP_UDP) {
		t.tdp = t.odp;
		if (n_used(n, &t))
			return false;
	} else if (n->fwd_lo == n->fwd_hi) {
		t.tdp = n->fwd_lo;
		if (n_used(n, &t))
			return false;
	} else {
		/* the port kept when in the range and free, else DNAT's
		 * search starts at the range's first port */
		t.tdp = t.odp;
		k = n->fwd_lo;
		if (t.odp >= n->fwd_lo && t.odp <= n->fwd_hi && !n_used(n, &t))
			k = t.odp;
		for (; k <= n->fwd_hi; k++) {
			t.tdp = k;
			if (!n_used(n, &t))
				break;
		}
		if (k > n->fwd_hi)
			return false;
	}
	/* the hairpin's source at POSTROUTING: the port kept when free */
	if (hairpin) {
		t.rule = 2;
		t.tsrc = n->sn[2].addr;
		if (n_used(n, &t))
			return false;
	}
	if (proto == NP_TCP)
		t.closed = n_tcp_flow(n, o, cin, "f0", &t, true);
	else
		n_udp_flow(n, o, cin, "f0", &t, true);
	n_add(n, &t);
	if (chance(g, 25))
		n_error(n, o, cin, "f0", &t, chance(g, 50), n->lan | 51);
	return true;
}

static void n_hex(struct sb *o, const char *text)
{
	for (; *text; text++)
		sbf(o, "%02x", (unsigned char)*text);
}

/* A TCP segment of the FTP control connection 't' with 'text'. */
static void n_ftp_line(struct sb *o, const struct nflow *t, bool client,
		       unsigned int seq, unsigned int ack, const char *text)
{
	char a[16], b[16];

	if (client)
		sbf(o, "f0 tcp %s:%u > %s:%u PA seq=%u ack=%u win=502 data=",
		    ip4(t->osrc, a), t->osp, ip4(t->odst, b), t->odp, seq, ack);
	else
		sbf(o, "f1 tcp %s:%u > %s:%u PA seq=%u ack=%u win=509 data=",
		    ip4(t->tdst, a), t->tdp, ip4(t->tsrc, b), t->tsp, seq, ack);
	n_hex(o, text);
	sbf(o, "\n");
}

/* FTP's PASV from a LAN client out of f1: the 227 names the server's
 * port, the client's data connection to it is RELATED and its source
 * translated to the control connection's address by the expectation
 * (a range of that address alone: the port kept when free). */
static bool n_ftp(struct ngen *n, struct sb *o)
{
	struct gen *g = &n->g;
	struct nflow t = { 0 }, d;
	char a[16], b[16], line[96];
	unsigned int cs = 1000 * (1 + rnd(g, 900)), ss = 1000 * (1 + rnd(g, 900));
	unsigned int dport = 1024 + rnd(g, 60000);
	const char *hello = chance(g, 50) ? "220 ready\r\n" : "220 FTP server\r\n";

	unsigned int tries;

	t.proto = NP_TCP;
	t.odst = t.tdst = n->remote | (1 << 8) | 21;
	t.odp = t.tdp = 21;
	for (tries = 0; tries < 20; tries++) {
		t.osrc = n_client(n);
		t.osp = n_cport(n, &n->sn[0]);
		if (n_snat(n, &t, 0))
			break;
	}
	if (tries == 20)
		return false;
	d = t;
	d.osp = ++n->next_out_port + 46000;
	d.odp = d.tdp = dport;
	d.rule = 3;
	d.tsrc = t.tsrc;
	d.tsp = d.osp;
	if (n_used(n, &d))
		return false;
	sbf(o, "f0 tcp %s:%u > %s:%u S seq=%u win=64240\n", ip4(t.osrc, a),
	    t.osp, ip4(t.odst, b), t.odp, cs);
	sbf(o, "f1 tcp %s:%u > %s:%u SA seq=%u ack=%u win=65160\n", b, t.tdp,
	    ip4(t.tsrc, a), t.tsp, ss, cs + 1);
	sbf(o, "f0 tcp %s:%u > %s:%u A seq=%u ack=%u win=502\n",
	    ip4(t.osrc, a), t.osp, b, t.odp, cs + 1, ss + 1);
	n_ftp_line(o, &t, false, ss + 1, cs + 1, hello);
	ss += 1 + (unsigned int)strlen(hello);
	n_ftp_line(o, &t, true, cs + 1, ss, "PASV\r\n");
	cs += 7;
	snprintf(line, sizeof(line),
		 "227 Entering Passive Mode (%u,%u,%u,%u,%u,%u).\r\n",
		 t.tdst >> 24, (t.tdst >> 16) & 0xff, (t.tdst >> 8) & 0xff,
		 t.tdst & 0xff, dport >> 8, dport & 0xff);
	n_ftp_line(o, &t, false, ss, cs, line);
	n_add(n, &t);
	d.closed = n_tcp_flow(n, o, "f0", "f1", &d, true);
	n_add(n, &d);
	return true;
}

/* A LAN client's connection redirected to the host: the host's reset or
 * port unreachable leaves from the address the client asked for. */
static bool n_redirect(struct ngen *n, struct sb *o, struct sb *head,
		       int proto)
{
	struct gen *g = &n->g;
	struct nflow t = { 0 };
	char a[16], b[16];

	t.proto = proto;
	t.rule = -1;
	t.osrc = n_client(n);
	t.osp = ++n->next_out_port + 45000;
	t.odst = n->remote | (3 << 8) | (1 + rnd(g, 200));
	t.odp = proto == NP_TCP ? n->redir_tcp : n->redir_udp;
	t.tsrc = t.osrc;
	t.tsp = t.osp;
	t.tdst = n->lan | 1;
	t.tdp = proto == NP_TCP ? (n->redir_tcp_to ? n->redir_tcp_to : t.odp)
				: (n->redir_udp_to ? n->redir_udp_to : t.odp);
	if (n_used(n, &t))
		return false;
	if (!n->host_src[t.odst & 0xff]) {
		sbf(head, "host-source %s\n", ip4(t.odst, a));
		n->host_src[t.odst & 0xff] = true;
	}
	if (proto == NP_TCP)
		sbf(o, "f0 tcp %s:%u > %s:%u S seq=%u win=64240\n",
		    ip4(t.osrc, a), t.osp, ip4(t.odst, b), t.odp,
		    1000 * (1 + rnd(g, 900)));
	else
		sbf(o, "f0 udp %s:%u > %s:%u len=%u\n", ip4(t.osrc, a), t.osp,
		    ip4(t.odst, b), t.odp, 8 + rnd(g, 30));
	n_add(n, &t);
	return true;
}

static void n_packets(struct ngen *n, struct sb *out)
{
	struct gen *g = &n->g;
	struct sb head = { 0 }, body = { 0 };
	unsigned int flows = 4 + rnd(g, 8), i, redirects = 0;

	if (n->ftp)
		n_ftp(n, &body);
	for (i = 0; i < flows; i++) {
		unsigned int what = rnd(g, 10);

		if (what < 6) {
			n_out_flow(n, &body, what < 3 ? NP_TCP :
				   what < 5 ? NP_UDP : NP_ICMP);
		} else if (what < 8) {
			if (n->hairpin && chance(g, 40))
				n_in_flow(n, &body, NP_TCP, true);
			else if (n->fwd_port && (what == 6 || !n->ufwd_port))
				n_in_flow(n, &body, NP_TCP, false);
			else if (n->ufwd_port && n->fwd_srv)
				n_in_flow(n, &body, NP_UDP, false);
			else
				n_out_flow(n, &body, NP_TCP);
		} else if (what == 9 && n->ftp && chance(g, 70)) {
			n_ftp(n, &body);
		} else if (redirects < 4 && (n->redir_tcp || n->redir_udp)) {
			/* a client address sends one: Linux limits the
			 * port unreachables per destination */
			redirects++;
			n_redirect(n, &body, &head, n->redir_tcp &&
				   (!n->redir_udp || what == 8) ? NP_TCP : NP_UDP);
		} else {
			n_out_flow(n, &body, NP_UDP);
		}
	}
	if (head.s)
		sbf(out, "%s", head.s);
	if (body.s)
		sbf(out, "%s", body.s);
	free(head.s);
	free(body.s);
}

static int nat_main(unsigned long long seed, const char *dir)
{
	struct ngen *n = calloc(1, sizeof(*n));
	struct sb topo = { 0 }, rules = { 0 }, pkts = { 0 };
	char head[256];
	int ret = 2;

	if (!n)
		return 2;
	/* a stream of its own: not the normal mode's numbers for this seed */
	n->g.rng = seed ^ 0x6e61742d6d6f6465ull; /* "nat-mode" */
	n_topology(n, &topo);
	n_rules(n, &rules);
	n_packets(n, &pkts);
	snprintf(head, sizeof(head),
		 "# conform_gen --nat %d, seed %llu (tests/conformance/gen.c)\n",
		 NAT_GEN_VERSION, seed);
	if (!write_file(dir, "topology", head, &topo) &&
	    !write_file(dir, "rules", head, &rules) &&
	    !write_file(dir, "packets", head, &pkts))
		ret = 0;
	free(topo.s);
	free(rules.s);
	free(pkts.s);
	free(n);
	return ret;
}

int main(int argc, char **argv)
{
	struct gen g;
	struct sb topo = { 0 }, rules = { 0 }, pkts = { 0 };
	char head[256], path[4096], *end;
	unsigned long long seed;
	int ret = 2;

	bool nat = argc >= 2 && strcmp(argv[1], "--nat") == 0;

	if (nat) {
		argc--;
		argv++;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		if (nat)
			printf("conform_gen --nat %d\n", NAT_GEN_VERSION);
		else
			printf("conform_gen %d\n", GEN_VERSION);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: conform_gen [--nat] SEED OUTDIR\n"
			"       conform_gen [--nat] --version\n");
		return 2;
	}
	errno = 0;
	seed = strtoull(argv[1], &end, 10);
	if (errno || *end || !*argv[1] || argv[1][0] == '-') {
		fprintf(stderr, "conform_gen: bad seed `%s'\n", argv[1]);
		return 2;
	}
	if (mkdir(argv[2], 0777) && errno != EEXIST) {
		fprintf(stderr, "conform_gen: %s: %s\n", argv[2],
			strerror(errno));
		return 2;
	}

	if (nat)
		return nat_main(seed, argv[2]);
	memset(&g, 0, sizeof(g));
	g.rng = seed;
	gen_topology(&g, &topo);
	gen_rules(&g, &rules);
	gen_packets(&g, &pkts);

	snprintf(head, sizeof(head),
		 "# conform_gen %d, seed %llu (tests/conformance/gen.c)\n",
		 GEN_VERSION, seed);
	if (write_file(argv[2], "topology", head, &topo) ||
	    write_file(argv[2], "packets", head, &pkts))
		goto out;
	snprintf(path, sizeof(path), "%s/rules", argv[2]);
	if (g.has_rules) {
		if (write_file(argv[2], "rules", head, &rules))
			goto out;
	} else if (unlink(path) && errno != ENOENT) {
		fprintf(stderr, "conform_gen: %s: %s\n", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(topo.s);
	free(rules.s);
	free(pkts.s);
	return ret;
}
