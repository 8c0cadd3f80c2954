/* SPDX-License-Identifier: MIT */
/*
 * Putting a ruleset in force: the checks Linux's translate_table() makes
 * (targets exist, no loops, extension checkentry with the hooks each rule
 * is reachable from), jumps resolved to their chains, then one pointer
 * swap.  A table registers its hook functions the first time a commit
 * gives it something to do.
 *
 * One command (nfu_xt_cmd_commit()) is carried out in place when it
 * cannot change which chains reach which (a rule that does not jump
 * added, deleted or replaced; counters zeroed; a policy; a new chain):
 * only the rule's own extension checks are made, with the hooks its chain
 * is reachable from as the last full commit found them, so its cost does
 * not grow with the ruleset.  Every other command goes through a clone of
 * the ruleset and a full commit.  Both give the same result, errors and
 * counters (tests/unit/test_xt_eval.c compares them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat/nat-private.h"
#include "nfu/error.h"
#include "xtables/lang.h"
#include "xtables/xt-compiled.h"

static void xt_exit(struct nfu_net *net, void *priv)
{
	struct nfu_xt_net *x = priv;

	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		for (unsigned int h = 0; h < NFU_INET_NUMHOOKS; h++)
			if (!(x->slot[i].registered & NFU_XT_HOOK(h)))
				continue;
			else if (x->slot[i].def->nat)
				nfu_nat_unregister_lookup(net, h);
			else
				nfu_hook_unregister(net, &x->slot[i].ops[h]);
	}
	nfu_xt_ruleset_free(x->rs);
	free(x);
	net->xt = NULL;
}

static int check_table(struct nfu_net *net, struct nfu_xt_table *t,
		       struct nfu_error *err);

static struct nfu_xt_net *xt_net(struct nfu_net *net)
{
	struct nfu_xt_net *x = net->xt;
	struct nfu_error err;
	int rc = 0;

	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	/* an empty ruleset in force, ready for commands done in place */
	x->rs = nfu_xt_ruleset_new();
	for (unsigned int i = 0; i < NFU_XT_NTABLES && x->rs && !rc; i++)
		rc = check_table(net, &x->rs->tables[i], &err);
	if (!x->rs || rc || nfu_net_add_exit(net, xt_exit, x) < 0) {
		nfu_xt_ruleset_free(x->rs);
		free(x);
		return NULL;
	}
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		x->slot[i].def = &nfu_xt_table_defs[i];
		x->slot[i].t = &x->rs->tables[i];
	}
	net->xt = x;
	return x;
}

int nfu_xt_set_trace(struct nfu_net *net, nfu_xt_trace_fn fn, void *priv)
{
	struct nfu_xt_net *x = xt_net(net);

	if (!x)
		return -ENOMEM;
	x->trace = fn;
	x->trace_priv = priv;
	return 0;
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

	if (!s->t)
		return NFU_ACCEPT;
	return nfu_xt_do_table(pkt, state, s->t);
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

/* The extension checks of one rule, reachable from the hooks 'mask'. */
static int check_rule(struct nfu_net *net, const struct nfu_xt_table *t,
		      const struct nfu_xt_rule *r, unsigned int mask,
		      struct nfu_error *err)
{
	int rc = 0;

	for (unsigned int k = 0; k < r->nmatches && !rc; k++) {
		const struct nfu_xt_match_ops *m = r->matches[k].ops;
		rc = check_ext(net, t, r, mask, "match", m->name, m->table,
			       m->hooks, m->proto, m->check, r->matches[k].data,
			       err);
	}
	if (!rc && r->tkind == NFU_XT_T_EXT) {
		const struct nfu_xt_target_ops *tg = r->target;
		rc = check_ext(net, t, r, mask, "target", tg->name, tg->table,
			       tg->hooks, tg->proto, tg->check, r->tdata, err);
	}
	return rc;
}

/* Every check of table 't'; then, on success, what the evaluator needs:
 * each chain's hooks, each jump's chain, each hook's built-in chain and
 * the jump stack.  't' is not in force yet. */
static int check_table(struct nfu_net *net, struct nfu_xt_table *t,
		       struct nfu_error *err)
{
	struct walk w = { .t = t, .err = err };
	struct nfu_xt_jump *stack;
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

		for (unsigned int j = 0; j < c->nrules && !rc; j++)
			rc = check_rule(net, t, c->rules[j], w.mask[i], err);
	}
	if (rc)
		goto out;
	/* resolved, for the evaluator */
	for (unsigned int i = 0; i < t->nchains; i++) {
		struct nfu_xt_chain *c = t->chains[i];

		for (unsigned int j = 0; j < c->nrules; j++) {
			struct nfu_xt_rule *r = c->rules[j];
			int ti;

			if (r->tkind != NFU_XT_T_JUMP && r->tkind != NFU_XT_T_GOTO)
				continue;
			ti = chain_index(t, r->chain);
			if (ti < 0) { /* in a chain that no hook reaches */
				nfu_error_set(err, NULL, 0, 0,
					      "chain `%s' jumps to `%s', which does not exist",
					      c->name, r->chain);
				rc = -ENOENT;
				goto out;
			}
			r->jump = t->chains[ti];
		}
	}
	stack = calloc(t->nchains + 1, sizeof(*stack));
	if (!stack) {
		rc = -ENOMEM;
		goto out;
	}
	free(t->stack);
	t->stack = stack;
	t->stacksize = t->nchains + 1;
	memset(t->hook_chain, 0, sizeof(t->hook_chain));
	for (unsigned int i = 0; i < t->nchains; i++) {
		struct nfu_xt_chain *c = t->chains[i];

		c->hook_mask = w.mask[i];
		if (c->builtin)
			t->hook_chain[c->hook] = c;
	}
out:
	free(w.mask);
	free(w.onpath);
	return rc;
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

/* Registers the hooks of table 'i' once it has something to do: 'rules'
 * (it has rules), 'policy' (a non-ACCEPT policy), or what 't' holds. */
static int register_table(struct nfu_net *net, struct nfu_xt_net *x,
			  unsigned int i, const struct nfu_xt_table *t,
			  bool rules)
{
	struct nfu_xt_slot *s = &x->slot[i];
	int rc = 0;

	/* a table in use (named by a restore or a command: Linux makes it
	 * in the namespace then) counts at its policies even when empty */
	if (!rules && !(t && (t->used || table_used(t))))
		return 0;
	for (uint8_t h = 0; h < NFU_INET_NUMHOOKS && !rc; h++) {
		if (!(s->def->valid_hooks & NFU_XT_HOOK(h)) ||
		    (s->registered & NFU_XT_HOOK(h)))
			continue;
		/* the nat table runs inside the NAT hooks, for a
		 * connection's first packet only (Linux's
		 * nf_nat_ipv4_register_fn()) */
		if (s->def->nat) {
			rc = nfu_nat_register_lookup(net, h, table_hook, s);
			if (!rc)
				s->registered |= NFU_XT_HOOK(h);
			continue;
		}
		s->ops[h].hook = table_hook;
		s->ops[h].priv = s;
		s->ops[h].pf = NFU_PROTO_IPV4;
		s->ops[h].hooknum = h;
		s->ops[h].priority = s->def->priority[h];
		rc = nfu_hook_register(net, &s->ops[h]);
		if (!rc)
			s->registered |= NFU_XT_HOOK(h);
	}
	/* on failure the hooks registered stay: with the tables in force
	 * they behave as before */
	return rc;
}

int nfu_xt_commit(struct nfu_net *net, struct nfu_xt_ruleset *rs,
		  struct nfu_error *err)
{
	struct nfu_xt_net *x = xt_net(net);
	struct nfu_error scratch;
	int rc = 0;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	if (!x)
		return -ENOMEM;
	for (unsigned int i = 0; i < NFU_XT_NTABLES && !rc; i++)
		rc = check_table(net, &rs->tables[i], err);
	/* register what becomes used; nothing changes until all is ready */
	for (unsigned int i = 0; i < NFU_XT_NTABLES && !rc; i++)
		rc = register_table(net, x, i, &rs->tables[i], false);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++)
		x->slot[i].t = &rs->tables[i];
	nfu_xt_ruleset_free(x->rs);
	x->rs = rs;
	return 0;
}

static bool jumps(const struct nfu_xt_rule *r)
{
	return r->tkind == NFU_XT_T_JUMP || r->tkind == NFU_XT_T_GOTO;
}

/* Room for 'n' more rules in 'c', so that inserting them cannot fail. */
static int reserve(struct nfu_xt_chain *c, unsigned int n)
{
	struct nfu_xt_rule **p;
	unsigned int cap;

	if (c->nrules + n <= c->cap)
		return 0;
	cap = c->cap ? c->cap : 8;
	while (cap < c->nrules + n)
		cap *= 2;
	p = realloc(c->rules, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	c->rules = p;
	c->cap = cap;
	return 0;
}

static void remove_at(struct nfu_xt_chain *c, unsigned int pos)
{
	nfu_xt_rule_free(c->rules[pos]);
	memmove(c->rules + pos, c->rules + pos + 1,
		(c->nrules - pos - 1) * sizeof(*c->rules));
	c->nrules--;
}

/* -A / -I of a rule that does not jump, in place. */
static int add_in_place(struct nfu_net *net, struct nfu_xt_net *x,
			unsigned int ti, struct nfu_xt_chain *c,
			unsigned int pos, const struct nfu_xt_cmd *cmd,
			const struct nfu_xt_rule *rule, struct nfu_error *err)
{
	struct nfu_xt_table *t = &x->rs->tables[ti];
	unsigned int nd = cmd->ndst ? cmd->ndst : 1;
	unsigned int n = (cmd->nsrc ? cmd->nsrc : 1) * nd;
	struct nfu_xt_rule **made;
	int rc = 0;

	made = calloc(n, sizeof(*made));
	if (!made || reserve(c, n) < 0) {
		free(made);
		return -ENOMEM;
	}
	/* each rule put in force is checked itself: a check may keep
	 * something in the rule's data that its destroy gives back
	 * (conntrack's reference, ext/xt_conntrack.h) */
	for (unsigned int k = 0; k < n && !rc; k++) {
		made[k] = nfu_xt_cmd_instance(cmd, rule, k / nd, k % nd);
		rc = made[k] ? check_rule(net, t, made[k], c->hook_mask, err)
			     : -ENOMEM;
	}
	/* the hooks before the rules: a table with rules is used */
	if (!rc)
		rc = register_table(net, x, ti, NULL, true);
	if (rc) {
		for (unsigned int k = 0; k < n; k++)
			nfu_xt_rule_free(made[k]);
		free(made);
		return rc;
	}
	/* as nfu_xt_cmd_apply(): -A appends each pair in turn, -I puts each
	 * at the same position (so the last pair comes first) */
	for (unsigned int k = 0; k < n; k++)
		nfu_xt_rule_insert(c, cmd->command == NFU_XT_CMD_APPEND ?
					      c->nrules : pos, made[k]);
	free(made);
	return 0;
}

/*
 * The commands done in place.  -EAGAIN: the command must go the long way
 * (clone, apply, full commit), which also gives every error of
 * nfu_xt_cmd_apply(): this path only takes what it knows will get past
 * the apply step.
 */
static int in_place(struct nfu_net *net, struct nfu_xt_net *x,
		    unsigned int ti, const struct nfu_xt_cmd *cmd,
		    const struct nfu_xt_rule *rule, struct nfu_error *err)
{
	struct nfu_xt_table *t = &x->rs->tables[ti];
	struct nfu_xt_chain *c = cmd->chain ? nfu_xt_chain_find(t, cmd->chain) :
					      NULL;
	unsigned int pos;
	struct nfu_xt_rule *r;
	int rc;

	switch (cmd->command) {
	case NFU_XT_CMD_APPEND:
		if (!c || jumps(rule))
			return -EAGAIN;
		return add_in_place(net, x, ti, c, c->nrules, cmd, rule, err);
	case NFU_XT_CMD_INSERT:
		if (!c || jumps(rule) || cmd->rulenum - 1 > c->nrules)
			return -EAGAIN;
		return add_in_place(net, x, ti, c, cmd->rulenum - 1, cmd, rule,
				    err);
	case NFU_XT_CMD_DELETE_NUM:
		if (!c || cmd->rulenum - 1 >= c->nrules ||
		    jumps(c->rules[cmd->rulenum - 1]))
			return -EAGAIN;
		remove_at(c, cmd->rulenum - 1);
		return 0;
	case NFU_XT_CMD_DELETE:
		if (!c || (cmd->nsrc > 1 || cmd->ndst > 1) || jumps(rule))
			return -EAGAIN;
		r = nfu_xt_cmd_instance(cmd, rule, 0, 0);
		if (!r)
			return -ENOMEM;
		for (pos = 0; pos < c->nrules; pos++)
			if (nfu_xt_rule_equal(c->rules[pos], r))
				break;
		nfu_xt_rule_free(r);
		if (pos == c->nrules)
			return -EAGAIN; /* the long way tells the error */
		remove_at(c, pos);
		return 0;
	case NFU_XT_CMD_REPLACE:
		if (!c || cmd->rulenum - 1 >= c->nrules || jumps(rule) ||
		    jumps(c->rules[cmd->rulenum - 1]))
			return -EAGAIN;
		r = nfu_xt_cmd_instance(cmd, rule, 0, 0);
		if (!r)
			return -ENOMEM;
		rc = check_rule(net, t, r, c->hook_mask, err);
		if (rc) {
			nfu_xt_rule_free(r);
			return rc;
		}
		nfu_xt_rule_free(c->rules[cmd->rulenum - 1]);
		c->rules[cmd->rulenum - 1] = r;
		return 0;
	case NFU_XT_CMD_ZERO:
	case NFU_XT_CMD_ZERO_NUM:
	case NFU_XT_CMD_CHECK:
		/* no rule nor chain changes */
		return nfu_xt_cmd_apply(t, cmd, rule, err);
	case NFU_XT_CMD_SET_POLICY:
		if (!c || !c->builtin || !cmd->policy)
			return -EAGAIN;
		if (!strcmp(cmd->policy, "DROP"))
			rc = register_table(net, x, ti, NULL, true);
		else if (!strcmp(cmd->policy, "ACCEPT"))
			rc = 0;
		else
			return -EAGAIN;
		return rc ? rc : nfu_xt_cmd_apply(t, cmd, rule, err);
	case NFU_XT_CMD_NEW_CHAIN: {
		struct nfu_xt_jump *stack;

		if (!cmd->chain || nfu_xt_chain_find(t, cmd->chain))
			return -EAGAIN;
		/* one more level of the jump stack first */
		stack = realloc(t->stack, (t->nchains + 2) * sizeof(*stack));
		if (!stack)
			return -ENOMEM;
		t->stack = stack;
		rc = nfu_xt_cmd_apply(t, cmd, rule, err);
		if (!rc)
			t->stacksize = t->nchains + 1;
		return rc;
	}
	default:
		return -EAGAIN;
	}
}

int nfu_xt_cmd_commit(struct nfu_net *net, const char *table,
		      const struct nfu_xt_cmd *cmd,
		      const struct nfu_xt_rule *rule, struct nfu_error *err)
{
	struct nfu_xt_net *x = xt_net(net);
	struct nfu_xt_ruleset *copy;
	struct nfu_error scratch;
	unsigned int ti;
	int rc;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	if (!x)
		return -ENOMEM;
	for (ti = 0; ti < NFU_XT_NTABLES; ti++)
		if (!strcmp(x->rs->tables[ti].def->name, table))
			break;
	if (ti == NFU_XT_NTABLES)
		return nfu_error_set(err, NULL, 0, 0,
				     "can't initialize iptables table `%s': "
				     "Table does not exist", table);
	/* Linux makes the table in the namespace at its first use, and it
	 * counts at its policies from then on, whatever the command does */
	nfu_xt_table_use(x->rs, &x->rs->tables[ti]);
	rc = register_table(net, x, ti, &x->rs->tables[ti], false);
	if (rc)
		return rc;
	rc = in_place(net, x, ti, cmd, rule, err);
	if (rc != -EAGAIN)
		return rc;
	memset(err, 0, sizeof(*err));
	copy = nfu_xt_ruleset_clone(x->rs);
	if (!copy)
		return -ENOMEM;
	rc = nfu_xt_cmd_apply(&copy->tables[ti], cmd, rule, err);
	if (!rc)
		rc = nfu_xt_commit(net, copy, err);
	if (rc)
		nfu_xt_ruleset_free(copy);
	return rc;
}
