/* SPDX-License-Identifier: MIT */
/*
 * Putting a ruleset in force: the checks Linux's translate_table() makes
 * (targets exist, no loops, extension checkentry with the hooks each rule
 * is reachable from), compilation into flat arrays with jumps resolved,
 * then one pointer swap per table.  A table registers its hook functions
 * the first time a commit gives it something to do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfu/error.h"
#include "xtables/xt-compiled.h"

static void xt_exit(struct nfu_net *net, void *priv)
{
	struct nfu_xt_net *x = priv;

	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		for (unsigned int h = 0; h < NFU_INET_NUMHOOKS; h++)
			if (x->slot[i].registered & NFU_XT_HOOK(h))
				nfu_hook_unregister(net, &x->slot[i].ops[h]);
		nfu_xt_compiled_free(x->slot[i].ct);
	}
	nfu_xt_ruleset_free(x->rs);
	free(x);
	net->xt = NULL;
}

static struct nfu_xt_net *xt_net(struct nfu_net *net)
{
	struct nfu_xt_net *x = net->xt;

	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->rs = nfu_xt_ruleset_new();
	if (!x->rs || nfu_net_add_exit(net, xt_exit, x) < 0) {
		nfu_xt_ruleset_free(x->rs);
		free(x);
		return NULL;
	}
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++)
		x->slot[i].def = &nfu_xt_table_defs[i];
	net->xt = x;
	return x;
}

struct nfu_xt_ruleset *nfu_xt_current(struct nfu_net *net)
{
	struct nfu_xt_net *x = xt_net(net);

	return x ? x->rs : NULL;
}

static unsigned int table_hook(void *priv, struct nfu_pkt *pkt,
			       const struct nfu_hook_state *state)
{
	struct nfu_xt_slot *s = priv;

	if (!s->ct)
		return NFU_ACCEPT;
	return nfu_xt_do_table(pkt, state, s->ct);
}

static const char *const hook_names[NFU_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

static void hooks_text(unsigned int mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int h = 0; h < NFU_INET_NUMHOOKS; h++)
		if (mask & NFU_XT_HOOK(h))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
					      "%s%s", n ? "/" : "", hook_names[h]);
}

/* mark_source_chains(): the hooks each chain is reachable from, and loops.
 * Depth-first from every built-in chain, with the path on a stack. */
struct walk {
	const struct nfu_xt_table *t;
	unsigned int *mask;     /* per chain index */
	unsigned char *onpath;
	struct nfu_error *err;
};

static int chain_index(const struct nfu_xt_table *t, const char *name)
{
	for (unsigned int i = 0; i < t->nchains; i++)
		if (!strcmp(t->chains[i]->name, name))
			return (int)i;
	return -1;
}

static int walk_chain(struct walk *w, unsigned int ci, unsigned int hook,
		      unsigned int depth)
{
	const struct nfu_xt_chain *c = w->t->chains[ci];

	if (w->onpath[ci]) {
		nfu_error_set(w->err, NULL, 0, 0,
			      "chain `%s' jumps to itself (a loop)", c->name);
		return -ELOOP;
	}
	if (w->mask[ci] & NFU_XT_HOOK(hook))
		return 0;
	if (depth > w->t->nchains)
		return -ELOOP;
	w->mask[ci] |= NFU_XT_HOOK(hook);
	w->onpath[ci] = 1;
	for (unsigned int i = 0; i < c->nrules; i++) {
		const struct nfu_xt_rule *r = c->rules[i];
		int ti, err;

		if (r->tkind != NFU_XT_T_JUMP && r->tkind != NFU_XT_T_GOTO)
			continue;
		ti = chain_index(w->t, r->chain);
		if (ti < 0) {
			nfu_error_set(w->err, NULL, 0, 0,
				      "chain `%s' jumps to `%s', which does not exist",
				      c->name, r->chain);
			return -ENOENT;
		}
		if (w->t->chains[ti]->builtin) {
			nfu_error_set(w->err, NULL, 0, 0,
				      "chain `%s' jumps to built-in chain `%s'",
				      c->name, r->chain);
			return -EINVAL;
		}
		err = walk_chain(w, (unsigned int)ti, hook, depth + 1);
		if (err)
			return err;
	}
	w->onpath[ci] = 0;
	return 0;
}

static int check_ext(struct nfu_net *net, const struct nfu_xt_table *t,
		     const struct nfu_xt_rule *r, unsigned int mask,
		     const char *kind, const char *name, const char *only_table,
		     unsigned int hooks, uint16_t proto,
		     int (*check)(const struct nfu_xt_check_ctx *, void *),
		     void *data, struct nfu_error *err)
{
	struct nfu_xt_check_ctx ctx = {
		.net = net,
		.table = t->def->name,
		.hook_mask = mask,
		.ip = &r->ip,
		.err = err,
		.rule = r,
	};
	char have[64], want[64];

	/* the common checks of Linux's xt_check_match/xt_check_target */
	if (only_table && strcmp(only_table, t->def->name))
		return nfu_error_set(err, NULL, 0, 0,
				     "%s %s: only valid in %s table, not %s",
				     name, kind, only_table, t->def->name);
	if (hooks && (mask & ~hooks)) {
		hooks_text(mask, have, sizeof(have));
		hooks_text(hooks, want, sizeof(want));
		return nfu_error_set(err, NULL, 0, 0,
				     "%s %s: used from hooks %s, but only usable from %s",
				     name, kind, have, want);
	}
	if (proto && (r->ip.proto != proto ||
		      (r->ip.invflags & NFU_IPT_INV_PROTO)))
		return nfu_error_set(err, NULL, 0, 0,
				     "%s %s: only valid for protocol %u", name,
				     kind, proto);
	if (check) {
		int rc = check(&ctx, data);
		if (rc < 0 && !err->msg[0])
			nfu_error_set(err, NULL, 0, 0, "%s %s: check failed",
				      name, kind);
		return rc;
	}
	return 0;
}

static int check_table(struct nfu_net *net, const struct nfu_xt_table *t,
		       struct nfu_error *err)
{
	struct walk w = { .t = t, .err = err };
	int rc = 0;

	w.mask = calloc(t->nchains + 1, sizeof(*w.mask));
	w.onpath = calloc(t->nchains + 1, 1);
	if (!w.mask || !w.onpath) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < t->nchains && !rc; i++)
		if (t->chains[i]->builtin)
			rc = walk_chain(&w, i, t->chains[i]->hook, 0);
	for (unsigned int i = 0; i < t->nchains && !rc; i++) {
		const struct nfu_xt_chain *c = t->chains[i];

		for (unsigned int j = 0; j < c->nrules && !rc; j++) {
			const struct nfu_xt_rule *r = c->rules[j];

			for (unsigned int k = 0; k < r->nmatches && !rc; k++) {
				const struct nfu_xt_match_ops *m = r->matches[k].ops;
				rc = check_ext(net, t, r, w.mask[i], "match",
					       m->name, m->table, m->hooks,
					       m->proto, m->check,
					       r->matches[k].data, err);
			}
			if (!rc && r->tkind == NFU_XT_T_EXT) {
				const struct nfu_xt_target_ops *tg = r->target;
				rc = check_ext(net, t, r, w.mask[i], "target",
					       tg->name, tg->table, tg->hooks,
					       tg->proto, tg->check, r->tdata,
					       err);
			}
		}
	}
out:
	free(w.mask);
	free(w.onpath);
	return rc;
}

void nfu_xt_compiled_free(struct nfu_xt_compiled *ct)
{
	if (!ct)
		return;
	free(ct->e);
	free(ct->stack);
	free(ct);
}

/* Flat layout: every chain's rules then one closing entry (the policy of
 * a built-in chain, an implicit RETURN for a user chain), as the kernel's
 * blob with its underflows. */
static struct nfu_xt_compiled *compile(struct nfu_xt_table *t)
{
	struct nfu_xt_compiled *ct = calloc(1, sizeof(*ct));
	unsigned int n = 0, *start = NULL;

	if (!ct)
		return NULL;
	ct->def = t->def;
	for (unsigned int i = 0; i < t->nchains; i++)
		n += t->chains[i]->nrules + 1;
	ct->e = calloc(n, sizeof(*ct->e));
	ct->stack = calloc(t->nchains + 1, sizeof(*ct->stack));
	start = calloc(t->nchains + 1, sizeof(*start));
	if (!ct->e || !ct->stack || !start)
		goto err;
	ct->n = n;
	ct->stacksize = t->nchains + 1;
	n = 0;
	for (unsigned int i = 0; i < t->nchains; i++) {
		start[i] = n;
		n += t->chains[i]->nrules + 1;
	}
	for (unsigned int i = 0; i < t->nchains; i++) {
		struct nfu_xt_chain *c = t->chains[i];
		struct nfu_xt_centry *e = ct->e + start[i];

		if (c->builtin) {
			ct->hook_entry[c->hook] = start[i];
			ct->underflow[c->hook] = start[i] + c->nrules;
			ct->has_hook |= NFU_XT_HOOK(c->hook);
		}
		for (unsigned int j = 0; j < c->nrules; j++, e++) {
			struct nfu_xt_rule *r = c->rules[j];

			e->rule = r;
			e->pcnt = &r->pcnt;
			e->bcnt = &r->bcnt;
			e->kind = r->tkind;
			e->verdict = r->verdict;
			if (r->tkind == NFU_XT_T_JUMP || r->tkind == NFU_XT_T_GOTO)
				e->jump = start[chain_index(t, r->chain)];
		}
		e->kind = NFU_XT_T_VERDICT;
		if (c->builtin) {
			e->verdict = c->policy;
			e->pcnt = &c->pcnt;
			e->bcnt = &c->bcnt;
		} else {
			e->verdict = NFU_XT_STD_RETURN;
			e->pcnt = &e->scratch[0];
			e->bcnt = &e->scratch[1];
		}
	}
	free(start);
	return ct;
err:
	free(start);
	nfu_xt_compiled_free(ct);
	return NULL;
}

/* Is the table worth its hooks: any rule, or a policy that is not
 * ACCEPT. */
static bool table_used(const struct nfu_xt_table *t)
{
	for (unsigned int i = 0; i < t->nchains; i++)
		if (t->chains[i]->nrules ||
		    (t->chains[i]->builtin &&
		     t->chains[i]->policy != NFU_XT_STD_ACCEPT))
			return true;
	return false;
}

int nfu_xt_commit(struct nfu_net *net, struct nfu_xt_ruleset *rs,
		  struct nfu_error *err)
{
	struct nfu_xt_net *x = xt_net(net);
	struct nfu_xt_compiled *ct[NFU_XT_NTABLES] = { 0 };
	struct nfu_error scratch;
	int rc = 0;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	if (!x)
		return -ENOMEM;
	for (unsigned int i = 0; i < NFU_XT_NTABLES && !rc; i++) {
		rc = check_table(net, &rs->tables[i], err);
		if (!rc) {
			ct[i] = compile(&rs->tables[i]);
			if (!ct[i])
				rc = -ENOMEM;
		}
	}
	/* register what becomes used; nothing changes until all is ready */
	for (unsigned int i = 0; i < NFU_XT_NTABLES && !rc; i++) {
		struct nfu_xt_slot *s = &x->slot[i];

		if (!table_used(&rs->tables[i]))
			continue;
		/* nat rules run on a connection's first packet, which needs
		 * connection tracking (issue 5): until then the nat table is
		 * kept and saved but not evaluated. */
		if (!strcmp(s->def->name, "nat"))
			continue;
		for (uint8_t h = 0; h < NFU_INET_NUMHOOKS && !rc; h++) {
			if (!(s->def->valid_hooks & NFU_XT_HOOK(h)) ||
			    (s->registered & NFU_XT_HOOK(h)))
				continue;
			s->ops[h].hook = table_hook;
			s->ops[h].priv = s;
			s->ops[h].pf = NFU_PROTO_IPV4;
			s->ops[h].hooknum = h;
			s->ops[h].priority = s->def->priority[h];
			rc = nfu_hook_register(net, &s->ops[h]);
			if (!rc)
				s->registered |= NFU_XT_HOOK(h);
		}
	}
	if (rc) {
		/* hooks registered above stay: with the old compiled tables
		 * they behave as before */
		for (unsigned int i = 0; i < NFU_XT_NTABLES; i++)
			nfu_xt_compiled_free(ct[i]);
		return rc;
	}
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		struct nfu_xt_compiled *old = x->slot[i].ct;

		x->slot[i].ct = ct[i];
		nfu_xt_compiled_free(old);
	}
	nfu_xt_ruleset_free(x->rs);
	x->rs = rs;
	return 0;
}
