/* SPDX-License-Identifier: MIT */
/*
 * xt_recent.c - the "recent" match, revision 1: named lists of addresses
 * seen lately, each with the times of its last packets.
 *
 * The lists are per stack, as Linux's are per network namespace: a
 * struct recent_lists hangs from the stack's xtables state
 * (nfu_xt_net.recent_lists), made by the first check() and freed at the
 * stack's teardown (nfu_net_add_exit).  A rule keeps a pointer to its
 * list from check() (Linux finds it by name at each packet).  Linux frees
 * a list with its last rule; nfu keeps it for the stack's life (a rule
 * only ever names it), so a list dropped and named again by a later
 * commit keeps its addresses.
 *
 * A list is Linux's too: its addresses in a hash table of 128 chains
 * (ip_list_hash_size, the power of two at or above ip_list_tot), an
 * address's chain chosen by a hash keyed with the list's own random seed,
 * and all of them on one list from the least recently seen to the most,
 * which says who makes room and who --reap looks at.
 *
 * Linux's module parameters at their defaults: ip_list_tot = 100
 * addresses a list (the least recently seen one makes room), and, with
 * ip_pkt_list_tot = 0, the times kept per address 32, or the power of two
 * at or above the --hitcount of the rule that made the list; a later rule
 * that needs more empties the list, as Linux's checkentry does.  The
 * list's mask is also that of the rule that made it: every rule naming
 * the list looks addresses up with it.  Times come from the stack's
 * clock; "--seconds S" compares with now - S s with wrap-around
 * arithmetic, as Linux's time_after() on jiffies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ext/ext-args.h"
#include "ext/ext-private.h"
#include "xtables/xt-compiled.h"

#define RECENT_NAME_LEN 200    /* XT_RECENT_NAME_LEN */
#define RECENT_MAX_NSTAMPS 65536u
#define IP_LIST_TOT 100u
#define RECENT_HASH_SIZE 128u  /* ip_list_hash_size for IP_LIST_TOT */
_Static_assert(RECENT_HASH_SIZE >= IP_LIST_TOT &&
	       RECENT_HASH_SIZE / 2 < IP_LIST_TOT &&
	       !(RECENT_HASH_SIZE & (RECENT_HASH_SIZE - 1)),
	       "the power of two at or above ip_list_tot");
#define NSTAMPS_DEFAULT 32u    /* without a --hitcount (ip_pkt_list_tot 0) */

/* Would Linux's skb->sk be a socket here?  The host's own packets leave
 * through its kernel sockets (icmp_sk for echo replies and ICMP errors,
 * REJECT's included; the TCP control socket for the resets of closed
 * ports), sockets without a file; forwarded packets have none.  nfu makes
 * no other packets.  Linux's one exception, REJECT's reset (built by
 * nf_send_reset() without a socket), is marked pkt->no_sock.  (The same
 * in xt_owner.c.) */
static bool has_kernel_socket(const struct nfu_pkt *pkt)
{
	return pkt->local_out && !pkt->no_sock;
}

enum {
	R_CHECK = 0x01,
	R_SET = 0x02,
	R_UPDATE = 0x04,
	R_REMOVE = 0x08,
	R_TTL = 0x10,
	R_REAP = 0x20,
	R_OPS = R_CHECK | R_SET | R_UPDATE | R_REMOVE,
	R_MODIFIERS = R_TTL | R_REAP,
};
enum { SIDE_SOURCE = 0, SIDE_DEST = 1 };

struct recent_table;

/* Linux's struct xt_recent_mtinfo_v1, IPv4 only; after it (past
 * usersize) the list check() found or made, in stack 'net'. */
struct recent_info {
	uint32_t seconds;
	uint32_t hit_count;
	uint8_t check_set;
	uint8_t invert;
	char name[RECENT_NAME_LEN];
	uint8_t side;
	uint32_t mask;          /* network order */
	struct recent_table *table;
	const struct nfu_net *net;
};

/* One address of a list: 'stamps' is a ring of 'nmax' times, 'index'
 * the next slot, 'nstamps' how many are set. */
struct recent_entry {
	struct recent_entry *next;     /* in its chain */
	struct recent_entry *lru_prev, *lru_next;
	uint32_t addr;
	uint8_t ttl;
	uint32_t index, nstamps;
	uint64_t stamps[];
};

struct recent_table {
	struct recent_table *next;
	char name[RECENT_NAME_LEN];
	unsigned int entries;
	uint32_t nmax;          /* stamps per entry, a power of two */
	uint32_t mask;          /* of the rule that made it, network order */
	uint64_t seed;          /* of the hash, drawn at creation */
	/* least recently seen first */
	struct recent_entry *lru_head, *lru_tail;
	struct recent_entry *chains[RECENT_HASH_SIZE];
};

/* All lists of a stack; the stack's thread only. */
struct recent_lists {
	struct recent_table *tables;
};

enum {
	O_SET, O_RCHECK, O_UPDATE, O_REMOVE, O_SECONDS, O_REAP, O_HITCOUNT,
	O_RTTL, O_NAME, O_RSOURCE, O_RDEST, O_MASK,
};

static const struct nfu_xt_option recent_opts[] = {
	{ "set", O_SET, NFU_XTOPT_INVERT },
	{ "rcheck", O_RCHECK, NFU_XTOPT_INVERT },
	{ "update", O_UPDATE, NFU_XTOPT_INVERT },
	{ "remove", O_REMOVE, NFU_XTOPT_INVERT },
	{ "seconds", O_SECONDS, NFU_XTOPT_ARG },
	{ "reap", O_REAP, 0 },
	{ "hitcount", O_HITCOUNT, NFU_XTOPT_ARG },
	{ "rttl", O_RTTL, 0 },
	{ "name", O_NAME, NFU_XTOPT_ARG },
	{ "rsource", O_RSOURCE, 0 },
	{ "rdest", O_RDEST, 0 },
	{ "mask", O_MASK, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

static const char *const opt_names[] = {
	"set", "rcheck", "update", "remove", "seconds", "reap", "hitcount",
	"rttl", "name", "rsource", "rdest", "mask",
};

#define F(o) (1u << (o))
#define F_ANY_OP (F(O_SET) | F(O_RCHECK) | F(O_UPDATE) | F(O_REMOVE))

/* libxt_recent's exclusions and requirements, in its table's order
 * (libxtables' xtables_options_fcheck() reports the first). */
static const struct {
	uint8_t id;
	unsigned int excl, also;
} rules[] = {
	{ O_SET, F_ANY_OP, 0 },
	{ O_RCHECK, F_ANY_OP, 0 },
	{ O_UPDATE, F_ANY_OP, 0 },
	{ O_REMOVE, F_ANY_OP, 0 },
	{ O_REAP, 0, F(O_SECONDS) },
	{ O_RTTL, F(O_SET) | F(O_REMOVE), 0 },
};

static void recent_init(void *data)
{
	struct recent_info *r = data;

	strcpy(r->name, "DEFAULT");
	r->side = SIDE_SOURCE;
	r->mask = 0xffffffffu;
}

static int recent_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			const char *arg, bool invert, void *data)
{
	struct recent_info *r = data;
	uint32_t v, mask;
	size_t n;
	int rc;

	switch (id) {
	case O_SET:
	case O_RCHECK:
	case O_UPDATE:
	case O_REMOVE: {
		static const uint8_t bit[] = { R_SET, R_CHECK, R_UPDATE, R_REMOVE };

		r->check_set |= bit[id];
		if (invert)
			r->invert = 1;
		return 0;
	}
	case O_SECONDS:
		rc = nfu_ext_parse_uint(ctx, "recent", "seconds", arg, 1,
					UINT32_MAX, &v);
		if (!rc)
			r->seconds = v;
		return rc;
	case O_REAP:
		r->check_set |= R_REAP;
		return 0;
	case O_HITCOUNT:
		rc = nfu_ext_parse_uint(ctx, "recent", "hitcount", arg, 0,
					UINT32_MAX, &v);
		if (!rc)
			r->hit_count = v;
		return rc;
	case O_RTTL:
		r->check_set |= R_TTL;
		return 0;
	case O_NAME:
		/* libxtables' XTTYPE_STRING cuts to the field's size */
		n = strlen(arg);
		if (n >= RECENT_NAME_LEN)
			n = RECENT_NAME_LEN - 1;
		memcpy(r->name, arg, n);
		r->name[n] = '\0';
		return 0;
	case O_RSOURCE:
		r->side = SIDE_SOURCE;
		return 0;
	case O_RDEST:
		r->side = SIDE_DEST;
		return 0;
	case O_MASK:
		/* XTTYPE_HOST: one address, no "/len" */
		if (strchr(arg, '/'))
			return nfu_xt_error(ctx, "getaddrinfo: Name or service not known");
		rc = nfu_ext_parse_hostmask(ctx, "recent", "mask", arg, &r->mask,
					    &mask);
		return rc;
	}
	return -EINVAL;
}

static int recent_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			      unsigned int seen)
{
	const struct recent_info *r = data;

	if (!(r->check_set & R_OPS))
		return nfu_xt_error(ctx, "recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (!(seen & F(rules[i].id)))
			continue;
		for (unsigned int j = 0; j < sizeof(opt_names) / sizeof(opt_names[0]); j++) {
			if (j == rules[i].id)
				continue;
			if ((rules[i].excl & F(j)) && (seen & F(j)))
				return nfu_xt_error(ctx, "recent: option \"--%s\" cannot be used together with \"--%s\".",
						    opt_names[rules[i].id], opt_names[j]);
			if ((rules[i].also & F(j)) && !(seen & F(j)))
				return nfu_xt_error(ctx, "recent: option \"--%s\" also requires \"--%s\".",
						    opt_names[rules[i].id], opt_names[j]);
		}
	}
	return 0;
}

/*
 * The lists.
 */

static void lru_unlink(struct recent_table *t, struct recent_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		t->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		t->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void lru_append(struct recent_table *t, struct recent_entry *e)
{
	e->lru_prev = t->lru_tail;
	e->lru_next = NULL;
	if (t->lru_tail)
		t->lru_tail->lru_next = e;
	else
		t->lru_head = e;
	t->lru_tail = e;
}

/* The chain of address 'addr' (network order). */
static struct recent_entry **addr_chain(struct recent_table *t, uint32_t addr)
{
	uint64_t h = (t->seed ^ addr) * 0xff51afd7ed558ccdull;

	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return &t->chains[h & (RECENT_HASH_SIZE - 1)];
}

static void entry_remove(struct recent_table *t, struct recent_entry *e)
{
	struct recent_entry **pp = addr_chain(t, e->addr);

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	lru_unlink(t, e);
	free(e);
	t->entries--;
}

static void table_flush(struct recent_table *t)
{
	while (t->lru_head)
		entry_remove(t, t->lru_head);
}

static void lists_free(struct nfu_net *net, void *priv)
{
	struct recent_lists *l = priv;

	(void)net;
	while (l->tables) {
		struct recent_table *t = l->tables;

		l->tables = t->next;
		table_flush(t);
		free(t);
	}
	free(l);
}

static struct recent_lists *lists_of(struct nfu_net *net, bool create)
{
	struct nfu_xt_net *x;
	struct recent_lists *l;

	if (!net)
		return NULL;
	if (!net->xt && (!create || !nfu_xt_current(net)))
		return NULL;
	x = net->xt;
	if (x->recent_lists || !create)
		return x->recent_lists;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	if (nfu_net_add_exit(net, lists_free, l) < 0) {
		free(l);
		return NULL;
	}
	x->recent_lists = l;
	return l;
}

static struct recent_table *table_find(const struct recent_lists *l,
				       const char *name)
{
	for (struct recent_table *t = l ? l->tables : NULL; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* Linux's check_proc_name(): the name becomes a file of /proc. */
static const char *bad_name(const char *name)
{
	if (!name[0])
		return "empty list name";
	if (strnlen(name, RECENT_NAME_LEN) == RECENT_NAME_LEN)
		return "list name too long";
	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		return "list name not a file name";
	return NULL;
}

static uint32_t pow2_up(uint32_t v)
{
	uint32_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static int recent_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct recent_info *r = data;
	const char *bad = NULL;
	struct recent_lists *l;
	struct recent_table *t;
	uint32_t nmax;
	int rc = -EINVAL;

	if (__builtin_popcount(r->check_set & R_OPS) != 1)
		bad = "xt_recent: exactly one of --set, --rcheck, --update, --remove";
	else if ((r->check_set & (R_SET | R_REMOVE)) &&
		 (r->seconds || r->hit_count || (r->check_set & R_MODIFIERS)))
		bad = "xt_recent: --set and --remove take no modifiers";
	else if ((r->check_set & R_REAP) && !r->seconds)
		bad = "xt_recent: --reap needs --seconds";
	else if (r->side != SIDE_SOURCE && r->side != SIDE_DEST)
		bad = "xt_recent: bad side";
	if (bad) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0, "%s", bad);
		return -EINVAL;
	}
	if (r->hit_count >= RECENT_MAX_NSTAMPS) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_recent: hitcount (%u) is larger than allowed maximum (%u)",
				      r->hit_count, RECENT_MAX_NSTAMPS - 1);
		return -EINVAL;
	}
	bad = bad_name(r->name);
	if (bad) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0, "xt_recent: %s", bad);
		return -EINVAL;
	}
	nmax = r->hit_count ? pow2_up(r->hit_count) : NSTAMPS_DEFAULT;
	r->table = NULL;
	r->net = NULL;
	l = lists_of(ctx->net, true);
	if (!ctx->net)
		return 0; /* a check without a stack (fuzzing): nothing to keep */
	if (!l)
		goto nomem;
	t = table_find(l, r->name);
	if (t) {
		if (nmax > t->nmax) {
			table_flush(t);
			t->nmax = nmax;
		}
		goto found;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		goto nomem;
	strcpy(t->name, r->name);
	t->nmax = nmax;
	t->mask = r->mask;
	if (getrandom(&t->seed, sizeof(t->seed), 0) != sizeof(t->seed))
		t->seed = (uint64_t)(uintptr_t)t * 0x9e3779b97f4a7c15ull;
	t->next = l->tables;
	l->tables = t;
found:
	r->table = t;
	r->net = ctx->net;
	return 0;
nomem:
	rc = -ENOMEM;
	if (ctx->err)
		nfu_error_set(ctx->err, NULL, 0, 0, "xt_recent: out of memory");
	return rc;
}

static struct recent_entry *entry_lookup(struct recent_table *t,
					 uint32_t addr, uint8_t ttl)
{
	for (struct recent_entry *e = *addr_chain(t, addr); e; e = e->next)
		if (e->addr == addr && (ttl == e->ttl || ttl == 0 || e->ttl == 0))
			return e;
	return NULL;
}

static struct recent_entry *entry_init(struct recent_table *t, uint32_t addr,
				       uint8_t ttl, uint64_t now)
{
	struct recent_entry *e, **chain;

	if (t->entries >= IP_LIST_TOT)
		entry_remove(t, t->lru_head);
	e = calloc(1, sizeof(*e) + sizeof(e->stamps[0]) * t->nmax);
	if (!e)
		return NULL;
	e->addr = addr;
	e->ttl = ttl;
	e->stamps[0] = now;
	e->nstamps = 1;
	e->index = 1;
	chain = addr_chain(t, addr);
	e->next = *chain;
	*chain = e;
	lru_append(t, e);
	t->entries++;
	return e;
}

static void entry_update(struct recent_table *t, struct recent_entry *e,
			 uint64_t now)
{
	e->index &= t->nmax - 1;
	e->stamps[e->index++] = now;
	if (e->index > e->nstamps)
		e->nstamps = e->index;
	lru_unlink(t, e);
	lru_append(t, e);
}

/* Linux's time_after(a, b) on a wrapping clock. */
static bool after(uint64_t a, uint64_t b)
{
	return (int64_t)(b - a) < 0;
}

/* The least recently seen address goes when its last packet is older
 * than 'time', unless it is the one about to be updated. */
static void entry_reap(struct recent_table *t, uint64_t time,
		       const struct recent_entry *working, bool update)
{
	struct recent_entry *e = t->lru_head;

	if (!e || (e == working && update))
		return;
	if (after(time, e->stamps[(e->index - 1) & (t->nmax - 1)]))
		entry_remove(t, e);
}

static bool recent_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		      void *data)
{
	const struct recent_info *r = data;
	const uint8_t *iph = nfu_ext_header(pkt, 0, 20);
	struct recent_table *t = r->table;
	struct recent_entry *e;
	bool ret = r->invert;
	uint64_t now;
	uint32_t addr;
	uint8_t ttl;

	/* the rule's pointer is to its stack's list; checked elsewhere, it
	 * finds it by name */
	if (!t || r->net != par->net)
		t = table_find(lists_of(par->net, false), r->name);
	/* no list: the rule was never checked (no stack) */
	if (!iph || !t)
		return false;
	now = nfu_net_now(par->net);
	memcpy(&addr, iph + (r->side == SIDE_DEST ? 16 : 12), 4);
	addr &= t->mask;
	ttl = iph[8];
	/* as Linux: the TTL before forwarding, for a packet in an output
	 * hook without a socket (the host's own have one) */
	if (par->out && !has_kernel_socket(pkt))
		ttl++;

	e = entry_lookup(t, addr, (r->check_set & R_TTL) ? ttl : 0);
	if (!e) {
		if (!(r->check_set & R_SET))
			return ret;
		e = entry_init(t, addr, ttl, now);
		if (!e)
			par->hotdrop = true;
		return !ret;
	}
	if (r->check_set & R_SET) {
		ret = !ret;
	} else if (r->check_set & R_REMOVE) {
		entry_remove(t, e);
		return !ret;
	} else if (r->check_set & (R_CHECK | R_UPDATE)) {
		uint64_t time = now - (uint64_t)r->seconds * 1000000000u;
		uint32_t hits = 0;

		for (uint32_t i = 0; i < e->nstamps; i++) {
			if (r->seconds && after(time, e->stamps[i]))
				continue;
			if (!r->hit_count || ++hits >= r->hit_count) {
				ret = !ret;
				break;
			}
		}
		/* --seconds is given with --reap: checked at load */
		if (r->check_set & R_REAP)
			entry_reap(t, time, e, (r->check_set & R_UPDATE) && ret);
	}
	if ((r->check_set & R_SET) || ((r->check_set & R_UPDATE) && ret)) {
		entry_update(t, e, now);
		e->ttl = ttl;
	}
	return ret;
}

static void recent_put(const struct recent_info *r, bool save,
		       struct nfu_strbuf *sb)
{
	static const struct {
		uint8_t bit;
		const char *save, *print;
	} ops[] = {
		{ R_SET, " --set", " SET" },
		{ R_CHECK, " --rcheck", " CHECK" },
		{ R_UPDATE, " --update", " UPDATE" },
		{ R_REMOVE, " --remove", " REMOVE" },
	};
	struct nfu_strbuf m;

	if (r->invert)
		nfu_sb_puts(sb, " !");
	if (!save)
		nfu_sb_puts(sb, " recent:");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (r->check_set & ops[i].bit)
			nfu_sb_puts(sb, save ? ops[i].save : ops[i].print);
	/* printed as signed, as libxt_recent's "%d" */
	if (r->seconds)
		nfu_sb_printf(sb, save ? " --seconds %d" : " seconds: %d",
			      (int)r->seconds);
	if (r->check_set & R_REAP)
		nfu_sb_puts(sb, save ? " --reap" : " reap");
	if (r->hit_count)
		nfu_sb_printf(sb, save ? " --hitcount %d" : " hit_count: %d",
			      (int)r->hit_count);
	if (r->check_set & R_TTL)
		nfu_sb_puts(sb, save ? " --rttl" : " TTL-Match");
	nfu_sb_printf(sb, save ? " --name %s" : " name: %s", r->name);
	nfu_sb_init(&m);
	nfu_ext_put_addrmask(&m, r->mask, 0xffffffffu);
	if (save) {
		nfu_sb_printf(sb, " --mask%s", m.s ? m.s : "");
		nfu_sb_puts(sb, r->side == SIDE_DEST ? " --rdest" : " --rsource");
	} else {
		nfu_sb_puts(sb, r->side == SIDE_DEST ? " side: dest" : " side: source");
		nfu_sb_printf(sb, " mask:%s", m.s ? m.s : "");
	}
	nfu_sb_free(&m);
}

static void recent_save(const void *data, const struct nfu_xt_ip *ip,
			struct nfu_strbuf *sb)
{
	(void)ip;
	recent_put(data, true, sb);
}

static void recent_print(const void *data, const struct nfu_xt_ip *ip,
			 bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	(void)numeric;
	recent_put(data, false, sb);
}

const struct nfu_xt_match_ops nfu_xt_recent = {
	.name = "recent",
	.revision = 1,
	.size = sizeof(struct recent_info),
	.usersize = offsetof(struct recent_info, table),
	.options = recent_opts,
	.init = recent_init,
	.parse = recent_parse,
	.final_check = recent_final_check,
	.check = recent_check,
	.match = recent_mt,
	.save = recent_save,
	.print = recent_print,
};
