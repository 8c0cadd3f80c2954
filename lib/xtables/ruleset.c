/* SPDX-License-Identifier: MIT */
/*
 * Rulesets as typed structs: tables with their built-in chains, user
 * chains, rules; creating, cloning, comparing and freeing them.  Nothing
 * here touches a stack: see table.c for putting a ruleset in force.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xtables/xt-private.h"

#define H(x) NFU_XT_HOOK(NFU_INET_##x)

const struct nfu_xt_table_def nfu_xt_table_defs[NFU_XT_NTABLES] = {
	{ "raw", H(PRE_ROUTING) | H(LOCAL_OUT),
	  { NFU_IP_PRI_RAW, 0, 0, NFU_IP_PRI_RAW, 0 } },
	{ "mangle",
	  H(PRE_ROUTING) | H(LOCAL_IN) | H(FORWARD) | H(LOCAL_OUT) |
		  H(POST_ROUTING),
	  { NFU_IP_PRI_MANGLE, NFU_IP_PRI_MANGLE, NFU_IP_PRI_MANGLE,
	    NFU_IP_PRI_MANGLE, NFU_IP_PRI_MANGLE } },
	{ "nat", H(PRE_ROUTING) | H(LOCAL_IN) | H(LOCAL_OUT) | H(POST_ROUTING),
	  { NFU_IP_PRI_NAT_DST, NFU_IP_PRI_NAT_SRC, 0, NFU_IP_PRI_NAT_DST,
	    NFU_IP_PRI_NAT_SRC }, true },
	{ "filter", H(LOCAL_IN) | H(FORWARD) | H(LOCAL_OUT),
	  { 0, NFU_IP_PRI_FILTER, NFU_IP_PRI_FILTER, NFU_IP_PRI_FILTER, 0 } },
	{ "security", H(LOCAL_IN) | H(FORWARD) | H(LOCAL_OUT),
	  { 0, NFU_IP_PRI_SECURITY, NFU_IP_PRI_SECURITY, NFU_IP_PRI_SECURITY,
	    0 } },
};

static const char *const hook_chain_names[NFU_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

const struct nfu_xt_table_def *nfu_xt_table_def(const char *name)
{
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++)
		if (!strcmp(nfu_xt_table_defs[i].name, name))
			return &nfu_xt_table_defs[i];
	return NULL;
}

static struct nfu_xt_chain *chain_new(const char *name)
{
	struct nfu_xt_chain *c = calloc(1, sizeof(*c));

	if (c)
		strcpy(c->name, name);
	return c;
}

static void chain_free(struct nfu_xt_chain *c)
{
	if (!c)
		return;
	for (unsigned int i = 0; i < c->nrules; i++)
		nfu_xt_rule_free(c->rules[i]);
	free(c->rules);
	free(c);
}

static int table_push(struct nfu_xt_table *t, struct nfu_xt_chain *c,
		      unsigned int pos)
{
	if (t->nchains == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 8;
		struct nfu_xt_chain **n = realloc(t->chains, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->chains = n;
		t->cap = cap;
	}
	memmove(t->chains + pos + 1, t->chains + pos,
		(t->nchains - pos) * sizeof(*t->chains));
	t->chains[pos] = c;
	t->nchains++;
	return 0;
}

void nfu_xt_ruleset_free(struct nfu_xt_ruleset *rs)
{
	if (!rs)
		return;
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		struct nfu_xt_table *t = &rs->tables[i];

		for (unsigned int j = 0; j < t->nchains; j++)
			chain_free(t->chains[j]);
		free(t->chains);
		free(t->stack);
	}
	free(rs);
}

struct nfu_xt_ruleset *nfu_xt_ruleset_new(void)
{
	struct nfu_xt_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		struct nfu_xt_table *t = &rs->tables[i];

		t->def = &nfu_xt_table_defs[i];
		for (uint8_t h = 0; h < NFU_INET_NUMHOOKS; h++) {
			struct nfu_xt_chain *c;

			if (!(t->def->valid_hooks & NFU_XT_HOOK(h)))
				continue;
			c = chain_new(hook_chain_names[h]);
			if (!c || table_push(t, c, t->nchains) < 0) {
				free(c);
				nfu_xt_ruleset_free(rs);
				return NULL;
			}
			c->builtin = true;
			c->hook = h;
			c->policy = NFU_XT_STD_ACCEPT;
		}
	}
	return rs;
}

struct nfu_xt_table *nfu_xt_ruleset_table(struct nfu_xt_ruleset *rs,
					  const char *name)
{
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++)
		if (!strcmp(rs->tables[i].def->name, name))
			return &rs->tables[i];
	return NULL;
}

struct nfu_xt_chain *nfu_xt_chain_find(const struct nfu_xt_table *t,
				       const char *name)
{
	for (unsigned int i = 0; i < t->nchains; i++)
		if (!strcmp(t->chains[i]->name, name))
			return t->chains[i];
	return NULL;
}

int nfu_xt_chain_add(struct nfu_xt_table *t, const char *name,
		     struct nfu_xt_chain **out)
{
	struct nfu_xt_chain *c;
	unsigned int pos;
	size_t len = strlen(name);

	if (len == 0 || len >= NFU_XT_CHAIN_MAXNAMELEN || name[0] == '-' ||
	    name[0] == '!' || strpbrk(name, " \t\n"))
		return -EINVAL;
	if (nfu_xt_chain_find(t, name))
		return -EEXIST;
	c = chain_new(name);
	if (!c)
		return -ENOMEM;
	/* user chains sorted by name after the built-ins, as libiptc keeps
	 * them (iptables-save prints them in that order) */
	for (pos = 0; pos < t->nchains; pos++)
		if (!t->chains[pos]->builtin &&
		    strcmp(t->chains[pos]->name, name) > 0)
			break;
	if (table_push(t, c, pos) < 0) {
		free(c);
		return -ENOMEM;
	}
	if (out)
		*out = c;
	return 0;
}

static bool chain_referenced(const struct nfu_xt_table *t, const char *name)
{
	for (unsigned int i = 0; i < t->nchains; i++)
		for (unsigned int j = 0; j < t->chains[i]->nrules; j++) {
			const struct nfu_xt_rule *r = t->chains[i]->rules[j];
			if ((r->tkind == NFU_XT_T_JUMP ||
			     r->tkind == NFU_XT_T_GOTO) &&
			    !strcmp(r->chain, name))
				return true;
		}
	return false;
}

int nfu_xt_chain_del(struct nfu_xt_table *t, const char *name)
{
	for (unsigned int i = 0; i < t->nchains; i++) {
		struct nfu_xt_chain *c = t->chains[i];

		if (strcmp(c->name, name))
			continue;
		if (c->builtin)
			return -EPERM;
		if (chain_referenced(t, name))
			return -EBUSY;
		if (c->nrules)
			return -ENOTEMPTY;
		memmove(t->chains + i, t->chains + i + 1,
			(t->nchains - i - 1) * sizeof(*t->chains));
		t->nchains--;
		chain_free(c);
		return 0;
	}
	return -ENOENT;
}

int nfu_xt_rule_insert(struct nfu_xt_chain *c, unsigned int pos,
		       struct nfu_xt_rule *r)
{
	if (pos > c->nrules)
		return -E2BIG;
	if (c->nrules == c->cap) {
		unsigned int cap = c->cap ? c->cap * 2 : 8;
		struct nfu_xt_rule **n = realloc(c->rules, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->rules = n;
		c->cap = cap;
	}
	memmove(c->rules + pos + 1, c->rules + pos,
		(c->nrules - pos) * sizeof(*c->rules));
	c->rules[pos] = r;
	c->nrules++;
	return 0;
}

struct nfu_xt_rule *nfu_xt_rule_new(void)
{
	struct nfu_xt_rule *r = calloc(1, sizeof(*r));

	if (r) {
		r->tkind = NFU_XT_T_VERDICT;
		r->verdict = 0; /* no target: the rule only counts */
	}
	return r;
}

void nfu_xt_rule_free(struct nfu_xt_rule *r)
{
	if (!r)
		return;
	for (unsigned int i = 0; i < r->nmatches; i++) {
		if (r->matches[i].ops && r->matches[i].ops->destroy)
			r->matches[i].ops->destroy(r->matches[i].data);
		free(r->matches[i].data);
	}
	free(r->matches);
	if (r->target && r->target->destroy && r->tdata)
		r->target->destroy(r->tdata);
	free(r->tdata);
	free(r);
}

static void *dup_mem(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

/* Extension data is plain memory: an extension that keeps pointers in it
 * must not (none does; limit's state is plain values). */
struct nfu_xt_rule *nfu_xt_rule_clone(const struct nfu_xt_rule *r)
{
	struct nfu_xt_rule *n = malloc(sizeof(*n));

	if (!n)
		return NULL;
	*n = *r;
	n->matches = NULL;
	n->tdata = NULL;
	n->nmatches = 0;
	if (r->nmatches) {
		n->matches = calloc(r->nmatches, sizeof(*n->matches));
		if (!n->matches)
			goto err;
		for (unsigned int i = 0; i < r->nmatches; i++) {
			n->matches[i] = r->matches[i];
			n->matches[i].data = dup_mem(r->matches[i].data,
						     r->matches[i].ops->size);
			if (!n->matches[i].data)
				goto err;
			n->nmatches = i + 1;
		}
	}
	if (r->tdata) {
		n->tdata = dup_mem(r->tdata, r->target->size);
		if (!n->tdata)
			goto err;
	}
	return n;
err:
	n->target = NULL;
	nfu_xt_rule_free(n);
	return NULL;
}

bool nfu_xt_rule_equal(const struct nfu_xt_rule *a, const struct nfu_xt_rule *b)
{
	if (memcmp(&a->ip, &b->ip, sizeof(a->ip)) || a->nmatches != b->nmatches ||
	    a->tkind != b->tkind)
		return false;
	for (unsigned int i = 0; i < a->nmatches; i++) {
		const struct nfu_xt_match_ops *m = a->matches[i].ops;

		if (m != b->matches[i].ops ||
		    memcmp(a->matches[i].data, b->matches[i].data,
			   m->usersize ? m->usersize : m->size))
			return false;
	}
	switch (a->tkind) {
	case NFU_XT_T_VERDICT:
		return a->verdict == b->verdict;
	case NFU_XT_T_JUMP:
	case NFU_XT_T_GOTO:
		return !strcmp(a->chain, b->chain);
	default:
		return a->target == b->target &&
		       !memcmp(a->tdata, b->tdata,
			       a->target->usersize ? a->target->usersize
						   : a->target->size);
	}
}

struct nfu_xt_ruleset *nfu_xt_ruleset_clone(const struct nfu_xt_ruleset *rs)
{
	struct nfu_xt_ruleset *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		const struct nfu_xt_table *t = &rs->tables[i];
		struct nfu_xt_table *d = &n->tables[i];

		d->def = t->def;
		d->used = t->used;
		for (unsigned int j = 0; j < t->nchains; j++) {
			const struct nfu_xt_chain *c = t->chains[j];
			struct nfu_xt_chain *nc = malloc(sizeof(*nc));

			if (!nc)
				goto err;
			*nc = *c;
			nc->rules = NULL;
			nc->nrules = nc->cap = 0;
			if (table_push(d, nc, d->nchains) < 0) {
				free(nc);
				goto err;
			}
			for (unsigned int k = 0; k < c->nrules; k++) {
				struct nfu_xt_rule *r = nfu_xt_rule_clone(c->rules[k]);
				if (!r || nfu_xt_rule_insert(nc, nc->nrules, r) < 0) {
					nfu_xt_rule_free(r);
					goto err;
				}
			}
		}
	}
	return n;
err:
	nfu_xt_ruleset_free(n);
	return NULL;
}
