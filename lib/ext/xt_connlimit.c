/* SPDX-License-Identifier: MIT */
/*
 * xt_connlimit.c - the "connlimit" match, revision 1: more (or at most) N
 * connections from the packet's source (or to its destination) network.
 * Parsing, checks and the saved text are iptables 1.8.9's.
 *
 * Counting is Linux's nf_conncount (xt_connlimit.c, nf_conncount.c): a
 * rule keeps, per group (the packet's source or destination address under
 * the mask, and its connection's zone), the list of the connections whose
 * packets it has seen, by their original tuple.  Each time a packet
 * reaches the match its group's list is walked: a connection no longer in
 * the table (or a TCP one in TIME_WAIT or CLOSE) leaves the list (the walk
 * stops once more than 8 have left); if the packet's own connection is in
 * the list the count is the list's length, else the connection is added
 * first, so that a new connection counts itself though it is not
 * confirmed yet.  A packet without a connection (INVALID, UNTRACKED)
 * counts with the tuple read from its headers (or is dropped, hotdrop,
 * when there is none: a later fragment, a short header).  The rule
 * matches when the count is above the limit, or, for --connlimit-upto,
 * not above it.
 *
 * Differences from Linux:
 *   - Linux's lists belong to the rule (allocated by its checkentry).  A
 *     rule's data here must stay plain memory (lib/xtables clones it and
 *     compares it byte for byte), and the stack has no place for
 *     connlimit yet, so the lists are the stack's, found through its exit
 *     functions (cl_net()), and keyed by the address of the rule's data
 *     (the rule in force), its options kept to tell a new rule at the
 *     address of a freed one.  A commit that checks a rule (a restore, any
 *     command that clones the ruleset) starts its lists empty, as Linux's
 *     table replacement does; the commands nfu carries out in place (-A,
 *     -I, -D, -R of a rule that jumps nowhere) leave the other rules'
 *     lists as they were, where iptables-legacy replaces the table and
 *     empties them all; and a rule added in place at the address of a
 *     freed one with the same options takes over its lists (connections
 *     still alive that passed a rule like it).
 *   - None in what counts: Linux 6.18 was seen (in namespaces) neither
 *     to count a connection twice when its packets come within one jiffy
 *     nor to leave out a confirmed connection its list had not seen yet
 *     (conformance: ct-connlimit-established), as here.
 *   - Linux's lists of other groups are collected by a worker and on the
 *     way down its trees; here a few buckets per count, and the lists of
 *     rules that are gone once their connections are: memory only, no
 *     count changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "conntrack/ct-private.h"
#include "ext/ext-args.h"
#include "ext/ext-private.h"
#include "ext/xt_conntrack.h"
#include "ipv4/ipv4-private.h"

/* Note: nfu's 0x01 means "above" (iptables' --connlimit-above), where
 * Linux's XT_CONNLIMIT_INVERT means "upto"; match() reads it so. */
enum {
	CONNLIMIT_INVERT = 0x01,
	CONNLIMIT_DADDR = 0x02,
};

/* Linux's CONNCOUNT_GC_MAX_NODES: a walk stops once more have left. */
#define GC_MAX_NODES 8
/* Buckets of the stack's lists looked at per count for empty lists. */
#define GC_BUCKETS 2

/* Linux's struct xt_connlimit_info, IPv4 only. */
struct connlimit_info {
	uint32_t mask;         /* network order */
	uint32_t limit;
	uint32_t flags;
	struct nfu_xt_ct_ref ref;      /* after usersize */
};

enum { O_UPTO, O_ABOVE, O_MASK, O_SADDR, O_DADDR };

static const struct nfu_xt_option connlimit_opts[] = {
	{ "connlimit-upto", O_UPTO, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "connlimit-above", O_ABOVE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "connlimit-mask", O_MASK, NFU_XTOPT_ARG },
	{ "connlimit-saddr", O_SADDR, 0 },
	{ "connlimit-daddr", O_DADDR, 0 },
	{ NULL, 0, 0 },
};

static void connlimit_init(void *data)
{
	struct connlimit_info *c = data;

	c->mask = 0xffffffffu;
}

static int connlimit_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			   const char *arg, bool invert, void *data)
{
	struct connlimit_info *c = data;
	uint32_t v, addr, mask;
	int rc;

	switch (id) {
	case O_UPTO:
	case O_ABOVE:
		rc = nfu_ext_parse_uint(ctx, "connlimit", id == O_UPTO ?
					"connlimit-upto" : "connlimit-above",
					arg, 0, UINT32_MAX, &v);
		if (rc)
			return rc;
		c->limit = v;
		/* "above" is "! upto" */
		if (invert == (id == O_UPTO))
			c->flags |= CONNLIMIT_INVERT;
		return 0;
	case O_MASK: {
		/* XTTYPE_PLENMASK: a prefix length, else a dotted mask (one
		 * that is not contiguous, or a number past 32 read as an
		 * address, is all ones) */
		struct nfu_error scratch;
		struct nfu_xt_parse_ctx c2 = *ctx;
		char buf[64];
		int n = snprintf(buf, sizeof(buf), "0.0.0.0/%s", arg);

		c2.err = &scratch;
		if (n < 0 || (size_t)n >= sizeof(buf) || arg[0] == '\0' ||
		    strchr(arg, '/') ||
		    nfu_ext_parse_hostmask(&c2, "connlimit", "connlimit-mask",
					   buf, &addr, &mask))
			return nfu_xt_error(ctx, "connlimit: bad value for option \"--connlimit-mask\", neither a valid network mask nor valid CIDR (0-32).");
		c->mask = mask;
		return 0;
	}
	case O_SADDR:
		c->flags &= ~CONNLIMIT_DADDR;
		return 0;
	case O_DADDR:
		c->flags |= CONNLIMIT_DADDR;
		return 0;
	}
	return -EINVAL;
}

static int connlimit_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				 unsigned int seen)
{
	(void)data;
	if (!(seen & ((1u << O_UPTO) | (1u << O_ABOVE))))
		return nfu_xt_error(ctx, "You must specify \"--connlimit-above\" or \"--connlimit-upto\".");
	/* libxtables' exclusions, in the option table's order */
	if ((seen & (1u << O_UPTO)) && (seen & (1u << O_ABOVE)))
		return nfu_xt_error(ctx, "connlimit: option \"--connlimit-upto\" cannot be used together with \"--connlimit-above\".");
	if ((seen & (1u << O_SADDR)) && (seen & (1u << O_DADDR)))
		return nfu_xt_error(ctx, "connlimit: option \"--connlimit-saddr\" cannot be used together with \"--connlimit-daddr\".");
	return 0;
}

/*
 * The stack's lists: a hash table of groups, each with the tuples of its
 * connections, in the order they came (Linux's list_add_tail).
 */
struct cl_conn {
	struct nfu_ct_tuple tuple;
	uint16_t zone;
};

struct cl_group {
	struct cl_group *next;
	/* the key: the rule (its data's address) and the group's address;
	 * the rule's options tell a new rule at a freed one's address */
	const void *owner;
	struct connlimit_info rule;
	uint32_t addr;             /* masked, network order */
	uint16_t zone;
	uint32_t n, cap;
	struct cl_conn *conns;
};

struct cl_net {
	struct cl_group **buckets;
	uint32_t nbuckets;         /* a power of two */
	uint32_t ngroups;
	uint32_t gc_next;
	uint64_t seed;
};

static void cl_net_exit(struct nfu_net *net, void *priv)
{
	struct cl_net *cl = priv;

	(void)net;
	for (uint32_t b = 0; b < cl->nbuckets; b++)
		while (cl->buckets[b]) {
			struct cl_group *g = cl->buckets[b];

			cl->buckets[b] = g->next;
			free(g->conns);
			free(g);
		}
	free(cl->buckets);
	free(cl);
}

/* The stack's lists, found among its exit functions (there is no slot for
 * them in struct nfu_xt_net); made when 'create'. */
static struct cl_net *cl_net(struct nfu_net *net, bool create)
{
	struct cl_net *cl;

	for (const struct nfu_net_exit *x = net->exits; x; x = x->next)
		if (x->fn == cl_net_exit)
			return x->priv;
	if (!create)
		return NULL;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return NULL;
	cl->nbuckets = 64;
	cl->buckets = calloc(cl->nbuckets, sizeof(*cl->buckets));
	if (!cl->buckets || nfu_net_add_exit(net, cl_net_exit, cl) < 0) {
		free(cl->buckets);
		free(cl);
		return NULL;
	}
	/* as Linux's conncount_rnd: nobody picks the addresses of a chain */
	if (getrandom(&cl->seed, sizeof(cl->seed), 0) != sizeof(cl->seed))
		cl->seed = (uint64_t)(uintptr_t)cl * 0x9e3779b97f4a7c15ull;
	return cl;
}

/* The group's bucket among 'nbuckets' (a power of two). */
static uint32_t group_hash(const struct cl_net *cl, uint32_t nbuckets,
			   const void *owner, uint32_t addr, uint16_t zone)
{
	uint64_t h = cl->seed;
	const uint64_t words[3] = {
		(uint64_t)(uintptr_t)owner,
		(uint64_t)zone << 32 | addr,
		0,
	};

	for (unsigned int i = 0; i < 3; i++) {
		h ^= words[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
		h *= 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 29;
	}
	return (uint32_t)h & (nbuckets - 1);
}

static bool tuple_eq(const struct nfu_ct_tuple *a, const struct nfu_ct_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto;
}

/* Linux's already_closed(): a TCP connection past its end. */
static bool already_closed(const struct nfu_ct *ct)
{
	return ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.proto == NFU_IPPROTO_TCP &&
	       (ct->proto.tcp.state == NFU_CT_TCP_TIME_WAIT ||
		ct->proto.tcp.state == NFU_CT_TCP_CLOSE);
}

static void conn_del(struct cl_group *g, uint32_t i)
{
	memmove(&g->conns[i], &g->conns[i + 1],
		(g->n - i - 1) * sizeof(g->conns[0]));
	g->n--;
}

/* find_or_evict() and already_closed() over the list: the connection of
 * entry 'i', or NULL when the entry was taken out. */
static struct nfu_ct *conn_check(struct nfu_ct_net *cn, struct cl_group *g,
				 uint32_t i)
{
	struct nfu_ct *ct = nfu_ct_find(cn, &g->conns[i].tuple,
					g->conns[i].zone, NULL);

	/* not in the table (gone, or never confirmed): nfu has one CPU,
	 * so Linux's "another CPU may be confirming it" never holds */
	if (!ct || already_closed(ct)) {
		conn_del(g, i);
		return NULL;
	}
	return ct;
}

/* nf_conncount_gc_list(): true when the list came out empty. */
static bool gc_list(struct nfu_ct_net *cn, struct cl_group *g)
{
	unsigned int collected = 0;

	for (uint32_t i = 0; i < g->n;) {
		if (!conn_check(cn, g, i)) {
			collected++;
			continue;
		}
		i++;
		if (collected > GC_MAX_NODES)
			break;
	}
	return g->n == 0;
}

static void group_free(struct cl_net *cl, struct cl_group **pp)
{
	struct cl_group *g = *pp;

	*pp = g->next;
	free(g->conns);
	free(g);
	cl->ngroups--;
}

/* A few buckets of other groups: lists walked, empty groups freed. */
static void gc_step(struct cl_net *cl, struct nfu_ct_net *cn,
		    const struct cl_group *keep)
{
	for (unsigned int k = 0; k < GC_BUCKETS; k++) {
		struct cl_group **pp = &cl->buckets[cl->gc_next];

		while (*pp) {
			struct cl_group *g = *pp;

			if (g != keep && gc_list(cn, g)) {
				group_free(cl, pp);
				continue;
			}
			pp = &g->next;
		}
		cl->gc_next = (cl->gc_next + 1) & (cl->nbuckets - 1);
	}
}

static void grow(struct cl_net *cl)
{
	uint32_t n = cl->nbuckets * 2;
	struct cl_group **b = calloc(n, sizeof(*b));

	if (!b)
		return; /* longer chains, still right */
	for (uint32_t i = 0; i < cl->nbuckets; i++)
		while (cl->buckets[i]) {
			struct cl_group *g = cl->buckets[i];
			uint32_t h;

			cl->buckets[i] = g->next;
			h = group_hash(cl, n, g->owner, g->addr, g->zone);
			g->next = b[h];
			b[h] = g;
		}
	free(cl->buckets);
	cl->buckets = b;
	cl->nbuckets = n;
	cl->gc_next = 0;
}

static bool conn_add(struct cl_group *g, const struct nfu_ct_tuple *t,
		     uint16_t zone)
{
	if (g->n == g->cap) {
		uint32_t cap = g->cap ? g->cap * 2 : 4;
		struct cl_conn *c = realloc(g->conns, cap * sizeof(*c));

		if (!c)
			return false;
		g->conns = c;
		g->cap = cap;
	}
	g->conns[g->n].tuple = *t;
	g->conns[g->n].zone = zone;
	g->n++;
	return true;
}

/* nf_conncount_count(): the connections of the group of 'addr' and 'zone'
 * for rule 'owner' (its options 'rule'), 't' among them; 0 without
 * memory. */
static uint32_t count(struct cl_net *cl, struct nfu_ct_net *cn,
		      const void *owner, const struct connlimit_info *rule,
		      uint32_t addr, uint16_t zone, const struct nfu_ct_tuple *t)
{
	uint32_t h = group_hash(cl, cl->nbuckets, owner, addr, zone);
	struct cl_group *g, **pp;
	unsigned int collected = 0;

	for (pp = &cl->buckets[h]; (g = *pp) != NULL; pp = &g->next) {
		if (g->owner != owner || g->addr != addr || g->zone != zone)
			continue;
		if (!memcmp(&g->rule, rule, sizeof(*rule)))
			break;
		group_free(cl, pp); /* a freed rule's, at the same address */
		g = NULL;
		break;
	}
	if (g) {
		/* __nf_conncount_add() */
		for (uint32_t i = 0; i < g->n;) {
			struct nfu_ct *ct;

			if (collected > GC_MAX_NODES)
				break;
			ct = conn_check(cn, g, i);
			if (!ct) {
				collected++;
				continue;
			}
			if (tuple_eq(&g->conns[i].tuple, t) && ct->zone == zone)
				goto out; /* counted already */
			i++;
		}
		if (!conn_add(g, t, zone))
			return 0;
		goto out;
	}
	g = calloc(1, sizeof(*g));
	if (!g || !conn_add(g, t, zone)) {
		free(g);
		return 0;
	}
	g->owner = owner;
	g->rule = *rule;
	g->addr = addr;
	g->zone = zone;
	g->next = cl->buckets[h];
	cl->buckets[h] = g;
	if (++cl->ngroups > cl->nbuckets * 2)
		grow(cl);
out:
	gc_step(cl, cn, g);
	return g->n;
}

/* A rule checked at 'owner': a new one, whose lists start empty. */
static void forget_owner(struct cl_net *cl, const void *owner)
{
	for (uint32_t b = 0; b < cl->nbuckets; b++)
		for (struct cl_group **pp = &cl->buckets[b]; *pp;)
			if ((*pp)->owner == owner)
				group_free(cl, pp);
			else
				pp = &(*pp)->next;
}

static int connlimit_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct connlimit_info *c = data;
	struct cl_net *cl;
	int rc;

	if (c->flags & ~(uint32_t)(CONNLIMIT_INVERT | CONNLIMIT_DADDR)) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_connlimit: unknown flags");
		return -EINVAL;
	}
	rc = nfu_xt_ct_get(ctx, &c->ref, "xt_connlimit");
	if (rc < 0 || !ctx->net)
		return rc;
	cl = cl_net(ctx->net, true);
	if (!cl) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_connlimit: out of memory");
		return -ENOMEM;
	}
	forget_owner(cl, data);
	return 0;
}

/* nf_ct_get_tuplepr() of a packet without a connection. */
static bool pkt_tuple(const struct nfu_pkt *pkt, struct nfu_ct_tuple *t)
{
	const uint8_t *ip = nfu_ext_header(pkt, 0, 20);
	unsigned int thoff;

	if (!ip || ((ip[6] & 0x1f) << 8 | ip[7]) != 0)
		return false; /* a later fragment: Linux's ipv4_get_l4proto() */
	thoff = (ip[0] & 15u) * 4;
	if (thoff > nfu_ext_avail(pkt, 0))
		return false;
	return nfu_ct_get_tuple(pkt, thoff, nfu_ct_l4proto_find(ip[9]), t);
}

static bool connlimit_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			 void *data)
{
	const struct connlimit_info *c = data;
	const struct nfu_ct *ct = pkt->ct;
	const uint8_t *ip = nfu_ext_header(pkt, 0, 20);
	struct nfu_ct_net *cn = par->net ? par->net->ct : NULL;
	struct cl_net *cl = cn ? cl_net(par->net, false) : NULL;
	struct nfu_ct_tuple t;
	uint32_t addr, n;
	uint16_t zone = 0;

	/* never checked (a test calling match() alone): nothing counts */
	if (!cl || !ip)
		return false;
	if (ct) {
		t = ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple;
		zone = ct->zone;
	} else if (!pkt_tuple(pkt, &t)) {
		par->hotdrop = true;
		return false;
	}
	memcpy(&addr, ip + ((c->flags & CONNLIMIT_DADDR) ? 16 : 12), 4);
	addr &= c->mask;
	n = count(cl, cn, data, c, addr, zone, &t);
	if (n == 0) { /* no memory: Linux drops the packet */
		par->hotdrop = true;
		return false;
	}
	/* 0x01 is "above" here (see the enum) */
	return (n > c->limit) == !!(c->flags & CONNLIMIT_INVERT);
}

static unsigned int plen(uint32_t mask_n)
{
	return (unsigned int)__builtin_popcount(mask_n);
}

static void connlimit_save(const void *data, const struct nfu_xt_ip *ip,
			   struct nfu_strbuf *sb)
{
	const struct connlimit_info *c = data;

	(void)ip;
	nfu_sb_printf(sb, " --connlimit-%s %u --connlimit-mask %u --connlimit-%s",
		      (c->flags & CONNLIMIT_INVERT) ? "above" : "upto",
		      c->limit, plen(c->mask),
		      (c->flags & CONNLIMIT_DADDR) ? "daddr" : "saddr");
}

static void connlimit_print(const void *data, const struct nfu_xt_ip *ip,
			    bool numeric, struct nfu_strbuf *sb)
{
	const struct connlimit_info *c = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " #conn %s/%u %s %u",
		      (c->flags & CONNLIMIT_DADDR) ? "dst" : "src",
		      plen(c->mask),
		      (c->flags & CONNLIMIT_INVERT) ? ">" : "<=", c->limit);
}

/* connlimit_mt_destroy(): conntrack's reference */
static void connlimit_destroy(void *data)
{
	struct connlimit_info *c = data;

	nfu_xt_ct_put(&c->ref);
}

const struct nfu_xt_match_ops nfu_xt_connlimit = {
	.name = "connlimit",
	.revision = 1,
	.size = sizeof(struct connlimit_info),
	.usersize = offsetof(struct connlimit_info, ref),
	.options = connlimit_opts,
	.init = connlimit_init,
	.parse = connlimit_parse,
	.final_check = connlimit_final_check,
	.check = connlimit_check,
	.destroy = connlimit_destroy,
	.match = connlimit_mt,
	.save = connlimit_save,
	.print = connlimit_print,
};
