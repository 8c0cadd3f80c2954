/* SPDX-License-Identifier: MIT */
/*
 * Carrying out one parsed iptables command on a table, with libiptc's
 * rules and errno values (iptc_append_entry(), iptc_delete_chain() …):
 * what iptables -A/-I/-D/-R/-C/-F/-Z/-N/-X/-E/-P and the command lines of
 * iptables-restore do to the table before it is committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xtables/lang.h"

/* iptc_strerror(), without its final period. */
const char *nfu_xt_strerror(int rc, unsigned int command)
{
	switch (rc) {
	case -ENOTEMPTY:
		return "Chain is not empty";
	case -EPERM:
		return command == NFU_XT_CMD_SET_POLICY ?
			       "Bad built-in chain name" :
			       "Can't delete built-in chain";
	case -EBUSY:
		return "Can't delete chain with references left";
	case -EEXIST:
		return "Chain already exists";
	case -E2BIG:
		if (command == NFU_XT_CMD_INSERT)
			return "Index of insertion too big";
		if (command == NFU_XT_CMD_REPLACE)
			return "Index of replacement too big";
		if (command == NFU_XT_CMD_DELETE_NUM)
			return "Index of deletion too big";
		return "Index of counter too big";
	case -EINVAL:
		if (command == NFU_XT_CMD_SET_POLICY)
			return "Bad policy name";
		return "Invalid argument";
	case -ENOMEM:
		return "Memory allocation problem";
	case -ENOENT:
		if (command & (NFU_XT_CMD_DELETE | NFU_XT_CMD_CHECK))
			return "Bad rule (does a matching rule exist in that chain?)";
		if (command == NFU_XT_CMD_SET_POLICY)
			return "Bad built-in chain name";
		return "No chain/target/match by that name";
	default:
		return "Unknown error";
	}
}

static int fail(int rc, const struct nfu_xt_cmd *cmd, struct nfu_error *err)
{
	if (err) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s.\n",
			 cmd->prog ? cmd->prog : "iptables",
			 nfu_xt_strerror(rc, cmd->command));
		err->line = cmd->line;
		err->column = 0;
	}
	return rc;
}

static bool std_name(const char *name)
{
	return !strcmp(name, "ACCEPT") || !strcmp(name, "DROP") ||
	       !strcmp(name, "QUEUE") || !strcmp(name, "RETURN");
}

static void flush_chain(struct nfu_xt_chain *c)
{
	for (unsigned int i = 0; i < c->nrules; i++)
		nfu_xt_rule_free(c->rules[i]);
	c->nrules = 0;
}

static void remove_rule(struct nfu_xt_chain *c, unsigned int i)
{
	nfu_xt_rule_free(c->rules[i]);
	memmove(c->rules + i, c->rules + i + 1,
		(c->nrules - i - 1) * sizeof(*c->rules));
	c->nrules--;
}

/* The rule of one source/destination pair. */
struct nfu_xt_rule *nfu_xt_cmd_instance(const struct nfu_xt_cmd *cmd,
					const struct nfu_xt_rule *tmpl,
					unsigned int i, unsigned int j)
{
	struct nfu_xt_rule *r = nfu_xt_rule_clone(tmpl);

	if (!r)
		return NULL;
	if (i < cmd->nsrc) {
		r->ip.src = cmd->src[i].addr;
		r->ip.smsk = cmd->src[i].mask;
	}
	if (j < cmd->ndst) {
		r->ip.dst = cmd->dst[j].addr;
		r->ip.dmsk = cmd->dst[j].mask;
	}
	return r;
}

static int find_equal(const struct nfu_xt_chain *c, const struct nfu_xt_rule *r)
{
	for (unsigned int k = 0; k < c->nrules; k++)
		if (nfu_xt_rule_equal(c->rules[k], r))
			return (int)k;
	return -1;
}

static int rename_chain(struct nfu_xt_table *t, const char *old,
			const char *new)
{
	struct nfu_xt_chain *c, *n;
	int rc;

	if (nfu_xt_chain_find(t, new) || std_name(new))
		return -EEXIST;
	c = nfu_xt_chain_find(t, old);
	if (!c)
		return -ENOENT;
	if (c->builtin || strlen(new) >= NFU_XT_CHAIN_MAXNAMELEN)
		return -EINVAL;
	/* a new chain in its sorted place, the rules moved over */
	rc = nfu_xt_chain_add(t, new, &n);
	if (rc)
		return rc;
	c = nfu_xt_chain_find(t, old);
	n->rules = c->rules;
	n->nrules = c->nrules;
	n->cap = c->cap;
	c->rules = NULL;
	c->nrules = c->cap = 0;
	for (unsigned int i = 0; i < t->nchains; i++)
		for (unsigned int j = 0; j < t->chains[i]->nrules; j++) {
			struct nfu_xt_rule *r = t->chains[i]->rules[j];

			if ((r->tkind == NFU_XT_T_JUMP ||
			     r->tkind == NFU_XT_T_GOTO) &&
			    !strcmp(r->chain, old))
				snprintf(r->chain, sizeof(r->chain), "%s", new);
		}
	rc = nfu_xt_chain_del(t, old);
	return rc;
}

int nfu_xt_cmd_apply(struct nfu_xt_table *t, const struct nfu_xt_cmd *cmd,
		     const struct nfu_xt_rule *rule, struct nfu_error *err)
{
	struct nfu_xt_chain *c = cmd->chain ? nfu_xt_chain_find(t, cmd->chain) :
					      NULL;
	unsigned int ns = cmd->nsrc ? cmd->nsrc : 1;
	unsigned int nd = cmd->ndst ? cmd->ndst : 1;
	int rc = 0, k;

	switch (cmd->command) {
	case NFU_XT_CMD_APPEND:
	case NFU_XT_CMD_INSERT:
		if (!c)
			return fail(-ENOENT, cmd, err);
		if (cmd->command == NFU_XT_CMD_INSERT &&
		    cmd->rulenum - 1 > c->nrules)
			return fail(-E2BIG, cmd, err);
		for (unsigned int i = 0; i < ns; i++)
			for (unsigned int j = 0; j < nd; j++) {
				struct nfu_xt_rule *r = nfu_xt_cmd_instance(cmd, rule, i, j);

				if (!r)
					return fail(-ENOMEM, cmd, err);
				rc = nfu_xt_rule_insert(c,
					cmd->command == NFU_XT_CMD_APPEND ?
						c->nrules : cmd->rulenum - 1, r);
				if (rc) {
					nfu_xt_rule_free(r);
					return fail(rc, cmd, err);
				}
			}
		return 0;
	case NFU_XT_CMD_DELETE:
	case NFU_XT_CMD_CHECK:
		if (!c)
			return fail(-ENOENT, cmd, err);
		for (unsigned int i = 0; i < ns; i++)
			for (unsigned int j = 0; j < nd; j++) {
				struct nfu_xt_rule *r = nfu_xt_cmd_instance(cmd, rule, i, j);

				if (!r)
					return fail(-ENOMEM, cmd, err);
				k = find_equal(c, r);
				nfu_xt_rule_free(r);
				if (k < 0)
					rc = -ENOENT;
				else if (cmd->command == NFU_XT_CMD_DELETE)
					remove_rule(c, (unsigned int)k);
			}
		return rc ? fail(rc, cmd, err) : 0;
	case NFU_XT_CMD_DELETE_NUM:
		if (!c)
			return fail(-ENOENT, cmd, err);
		if (cmd->rulenum - 1 >= c->nrules)
			return fail(-E2BIG, cmd, err);
		remove_rule(c, cmd->rulenum - 1);
		return 0;
	case NFU_XT_CMD_REPLACE: {
		struct nfu_xt_rule *r;

		if (!c)
			return fail(-ENOENT, cmd, err);
		if (cmd->rulenum - 1 >= c->nrules)
			return fail(-E2BIG, cmd, err);
		r = nfu_xt_cmd_instance(cmd, rule, 0, 0);
		if (!r)
			return fail(-ENOMEM, cmd, err);
		nfu_xt_rule_free(c->rules[cmd->rulenum - 1]);
		c->rules[cmd->rulenum - 1] = r;
		return 0;
	}
	case NFU_XT_CMD_FLUSH:
		if (cmd->chain && !c)
			return fail(-ENOENT, cmd, err);
		for (unsigned int i = 0; i < t->nchains; i++)
			if (!c || t->chains[i] == c)
				flush_chain(t->chains[i]);
		return 0;
	case NFU_XT_CMD_ZERO:
		if (cmd->chain && !c)
			return fail(-ENOENT, cmd, err);
		for (unsigned int i = 0; i < t->nchains; i++) {
			struct nfu_xt_chain *z = t->chains[i];

			if (c && z != c)
				continue;
			z->pcnt = z->bcnt = 0;
			for (unsigned int j = 0; j < z->nrules; j++)
				z->rules[j]->pcnt = z->rules[j]->bcnt = 0;
		}
		return 0;
	case NFU_XT_CMD_ZERO_NUM:
		if (!c)
			return fail(-ENOENT, cmd, err);
		if (cmd->rulenum - 1 >= c->nrules)
			return fail(-E2BIG, cmd, err);
		c->rules[cmd->rulenum - 1]->pcnt = 0;
		c->rules[cmd->rulenum - 1]->bcnt = 0;
		return 0;
	case NFU_XT_CMD_NEW_CHAIN:
		if (std_name(cmd->chain))
			return fail(-EEXIST, cmd, err);
		rc = nfu_xt_chain_add(t, cmd->chain, NULL);
		return rc ? fail(rc, cmd, err) : 0;
	case NFU_XT_CMD_DELETE_CHAIN:
		if (cmd->chain) {
			rc = nfu_xt_chain_del(t, cmd->chain);
			return rc ? fail(rc, cmd, err) : 0;
		}
		/* every user chain, in order; the first failure is told */
		for (unsigned int i = 0; i < t->nchains;) {
			int r;

			if (t->chains[i]->builtin) {
				i++;
				continue;
			}
			r = nfu_xt_chain_del(t, t->chains[i]->name);
			if (r) {
				if (!rc)
					rc = r;
				i++;
			}
		}
		return rc ? fail(rc, cmd, err) : 0;
	case NFU_XT_CMD_RENAME_CHAIN:
		rc = rename_chain(t, cmd->chain, cmd->newname);
		return rc ? fail(rc, cmd, err) : 0;
	case NFU_XT_CMD_SET_POLICY:
		if (!c || !c->builtin)
			return fail(-EPERM, cmd, err);
		if (!strcmp(cmd->policy, "ACCEPT"))
			c->policy = NFU_XT_STD_ACCEPT;
		else if (!strcmp(cmd->policy, "DROP"))
			c->policy = NFU_XT_STD_DROP;
		else
			return fail(-EINVAL, cmd, err);
		if (cmd->set_counters) {
			c->pcnt = cmd->pcnt;
			c->bcnt = cmd->bcnt;
		}
		return 0;
	default:
		/* -L, -S (and -Z with them): printing is the caller's */
		return 0;
	}
}
