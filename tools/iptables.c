/* SPDX-License-Identifier: MIT */
/*
 * nfu iptables [--state FILE] [-t TABLE] COMMAND …: one iptables command
 * line on the ruleset, with iptables 1.8 (legacy)'s messages and exit
 * codes: 0 done, 1 the operation failed, 2 bad usage, 3 no such table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char prog[] = "nfu iptables";

static void help(void)
{
	printf("nfu iptables v%s: iptables v%s (legacy) on an nfu ruleset\n\n"
	       "Usage: nfu iptables [--state FILE] [-t table] -[ACD] chain rule-specification [options]\n"
	       "       nfu iptables [--state FILE] [-t table] -I chain [rulenum] rule-specification [options]\n"
	       "       nfu iptables [--state FILE] [-t table] -R chain rulenum rule-specification [options]\n"
	       "       nfu iptables [--state FILE] [-t table] -D chain rulenum [options]\n"
	       "       nfu iptables [--state FILE] [-t table] -S [chain [rulenum]] [options]\n"
	       "       nfu iptables [--state FILE] [-t table] -[FZ] [chain [rulenum]] [options]\n"
	       "       nfu iptables [--state FILE] [-t table] -[NX] chain\n"
	       "       nfu iptables [--state FILE] [-t table] -E old-chain-name new-chain-name\n"
	       "       nfu iptables [--state FILE] [-t table] -P chain target [options]\n\n"
	       "--state FILE (or $NFU_STATE) names the ruleset file, in iptables-save\n"
	       "format; put it before any -m state.  See nfu-iptables(8).\n",
	       NFU_VERSION, NFU_XT_IPTABLES_VERSION);
}

/* Does word 'i' load the state match, whose --state is not ours? */
static bool loads_state_match(char **argv, int argc, int i)
{
	const char *w = argv[i];

	if (!strcmp(w, "-mstate") || !strcmp(w, "--match=state"))
		return true;
	return (!strcmp(w, "-m") || !strcmp(w, "--match")) && i + 1 < argc &&
	       !strcmp(argv[i + 1], "state");
}

static int cmp_chain(const void *a, const void *b)
{
	const struct nfu_xt_chain *x = *(const struct nfu_xt_chain *const *)a;
	const struct nfu_xt_chain *y = *(const struct nfu_xt_chain *const *)b;

	if (x->builtin != y->builtin)
		return x->builtin ? -1 : 1;
	if (x->builtin)
		return (int)x->hook - (int)y->hook;
	return strcmp(x->name, y->name);
}

/* One rule as -S -v prints it: the counters go between the matches and
 * the target ("-A INPUT -p tcp -m tcp --dport 22 -c 0 0 -j ACCEPT").
 * The target's text is what is left once the rule is printed without
 * its matches and with a plain "-j ACCEPT" instead of its target. */
static void rule_with_counters(const struct nfu_xt_rule *r,
			       struct nfu_strbuf *sb)
{
	struct nfu_xt_rule bare = *r, plain;
	struct nfu_strbuf full, tgt, ip;
	const char accept[] = " -j ACCEPT";
	size_t iplen, tlen;

	bare.nmatches = 0;
	bare.matches = NULL;
	plain = bare;
	plain.tkind = NFU_XT_T_VERDICT;
	plain.verdict = NFU_XT_STD_ACCEPT;
	plain.ip.flags &= (uint8_t)~NFU_IPT_F_GOTO;
	nfu_sb_init(&full);
	nfu_sb_init(&tgt);
	nfu_sb_init(&ip);
	nfu_xt_save_rule(r, &full);
	nfu_xt_save_rule(&bare, &tgt);
	nfu_xt_save_rule(&plain, &ip);
	if (full.oom || tgt.oom || ip.oom) {
		sb->oom = true;
		goto out;
	}
	iplen = ip.len >= strlen(accept) ? ip.len - strlen(accept) : 0;
	tlen = tgt.len >= iplen ? tgt.len - iplen : 0;
	if (tlen > full.len)
		tlen = 0;
	nfu_sb_printf(sb, "%.*s -c %llu %llu%.*s", (int)(full.len - tlen),
		      full.s ? full.s : "", (unsigned long long)r->pcnt,
		      (unsigned long long)r->bcnt, (int)tlen,
		      full.s ? full.s + full.len - tlen : "");
out:
	nfu_sb_free(&full);
	nfu_sb_free(&tgt);
	nfu_sb_free(&ip);
}

/* list_rules() of iptables: -S [chain [rulenum]]. */
static int list_rules(const struct nfu_xt_table *t, const struct nfu_xt_cmd *cmd)
{
	const struct nfu_xt_chain **order;
	struct nfu_strbuf sb;
	bool found = false;

	if (cmd->chain && !nfu_xt_chain_find(t, cmd->chain)) {
		fprintf(stderr, "iptables: No chain/target/match by that name.\n");
		return 1;
	}
	order = malloc((t->nchains ? t->nchains : 1) * sizeof(*order));
	if (!order) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	for (unsigned int i = 0; i < t->nchains; i++)
		order[i] = t->chains[i];
	qsort(order, t->nchains, sizeof(*order), cmp_chain);
	nfu_sb_init(&sb);
	for (unsigned int i = 0; i < t->nchains && !cmd->rulenum; i++) {
		const struct nfu_xt_chain *c = order[i];

		if (cmd->chain && strcmp(cmd->chain, c->name))
			continue;
		if (!c->builtin) {
			nfu_sb_printf(&sb, "-N %s\n", c->name);
			continue;
		}
		nfu_sb_printf(&sb, "-P %s %s", c->name,
			      c->policy == NFU_XT_STD_DROP ? "DROP" : "ACCEPT");
		if (cmd->verbose)
			nfu_sb_printf(&sb, " -c %llu %llu",
				      (unsigned long long)c->pcnt,
				      (unsigned long long)c->bcnt);
		nfu_sb_puts(&sb, "\n");
	}
	for (unsigned int i = 0; i < t->nchains; i++) {
		const struct nfu_xt_chain *c = order[i];

		if (cmd->chain && strcmp(cmd->chain, c->name))
			continue;
		for (unsigned int j = 0; j < c->nrules; j++) {
			if (cmd->rulenum && j + 1 != cmd->rulenum)
				continue;
			nfu_sb_printf(&sb, "-A %s", c->name);
			if (cmd->verbose)
				rule_with_counters(c->rules[j], &sb);
			else
				nfu_xt_save_rule(c->rules[j], &sb);
			nfu_sb_puts(&sb, "\n");
		}
		found = true;
	}
	free(order);
	if (sb.oom) {
		nfu_sb_free(&sb);
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	if (sb.len)
		fwrite(sb.s, 1, sb.len, stdout);
	nfu_sb_free(&sb);
	if (!found) {
		fprintf(stderr, "iptables: No chain/target/match by that name.\n");
		return 1;
	}
	return 0;
}

/* iptables -v says what it flushes, zeroes and deletes, chain by chain. */
static void say_chains(const struct nfu_xt_table *t, const struct nfu_xt_cmd *cmd)
{
	const char *verb;
	bool builtins = true;

	if (!cmd->verbose)
		return;
	if (cmd->command == NFU_XT_CMD_FLUSH)
		verb = "Flushing";
	else if (cmd->command & NFU_XT_CMD_ZERO)
		verb = "Zeroing";
	else if (cmd->command == NFU_XT_CMD_DELETE_CHAIN) {
		verb = "Deleting";
		builtins = false;
	} else
		return;
	if (cmd->chain) {
		printf("%s chain `%s'\n", verb, cmd->chain);
		return;
	}
	for (unsigned int i = 0; i < t->nchains; i++)
		if (builtins || !t->chains[i]->builtin)
			printf("%s chain `%s'\n", verb, t->chains[i]->name);
}

/* Parses args[0..n) for the table they name: -j/-g names are looked up
 * in the table the command acts on, which -t may name anywhere, so a
 * command for another table than filter is parsed twice. */
static int parse(struct cli_state *st, int n, char **args,
		 struct nfu_xt_rule **rule, struct nfu_xt_cmd *cmd,
		 struct nfu_xt_table **t, struct nfu_error *err)
{
	char **copy = malloc(((size_t)n + 1) * sizeof(*copy));
	const char *table = "filter";
	int rc = -ENOMEM;

	if (!copy)
		return rc;
	for (int pass = 0; pass < 2; pass++) {
		memcpy(copy, args, (size_t)n * sizeof(*copy));
		copy[n] = NULL;
		nfu_xt_rule_free(*rule);
		nfu_xt_cmd_free(cmd);
		nfu_xt_cmd_init(cmd, "iptables", 0, false);
		*rule = nfu_xt_rule_new();
		if (!*rule) {
			rc = -ENOMEM;
			break;
		}
		*t = nfu_xt_ruleset_table(st->rs, table);
		rc = nfu_xt_parse_rule(n, copy, "filter", *t, *rule, cmd, err);
		if (!cmd->table || !strcmp(cmd->table, table))
			break;
		table = cmd->table;
	}
	free(copy);
	return rc;
}

/* iptables' report of a failed iptc_commit(), then why, as Linux would
 * have logged it. */
static void commit_failed(int rc, const struct nfu_error *err)
{
	switch (rc) {
	case -ENOMEM:
		fprintf(stderr, "iptables: Memory allocation problem.\n");
		break;
	case -ENOENT:
		fprintf(stderr, "iptables: No chain/target/match by that name.\n");
		break;
	case -EINVAL:
		fprintf(stderr, "iptables: Invalid argument. Run `dmesg' for "
				"more information.\n");
		break;
	default:
		fprintf(stderr, "iptables: %s.\n", strerror(-rc));
	}
	if (err->msg[0])
		fprintf(stderr, "%s: the kernel would refuse this ruleset: %s\n",
			prog, err->msg);
}

int cli_iptables(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	const char *state = NULL;
	struct nfu_xt_rule *rule = NULL;
	struct nfu_xt_table *t = NULL;
	struct nfu_xt_cmd cmd;
	struct nfu_error err;
	struct cli_state st;
	bool state_match = false;
	int n = 0, rc;

	nfu_xt_cmd_init(&cmd, "iptables", 0, false);
	memset(&st, 0, sizeof(st));
	st.lockfd = -1;
	if (!args) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	/* --state is ours until -m state loads the match that has one */
	for (int i = 1; i < argc; i++) {
		if (!state_match && !strcmp(argv[i], "--state")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: --state needs a file name\n",
					prog);
				rc = 2;
				goto out;
			}
			state = argv[++i];
			continue;
		}
		if (!state_match && !strncmp(argv[i], "--state=", 8)) {
			state = argv[i] + 8;
			continue;
		}
		state_match |= loads_state_match(argv, argc, i);
		args[n++] = argv[i];
	}
	if (n && (!strcmp(args[0], "-V") || !strcmp(args[0], "--version"))) {
		printf("iptables v%s (legacy)\n", NFU_XT_IPTABLES_VERSION);
		rc = 0;
		goto out;
	}
	if (n && (!strcmp(args[0], "-h") || !strcmp(args[0], "--help"))) {
		help();
		rc = 0;
		goto out;
	}
	rc = cli_state_load(&st, state, prog);
	if (rc)
		goto out;
	rc = parse(&st, n, args, &rule, &cmd, &t, &err);
	if (rc) {
		if (rc == -ENOMEM)
			fprintf(stderr, "%s: out of memory\n", prog);
		else
			fputs(err.msg, stderr);
		rc = nfu_xt_exit_status(rc);
		goto out;
	}
	if (cmd.ignored || cmd.command == NFU_XT_CMD_NONE)
		goto out;
	if (!t) {
		fprintf(stderr, "iptables v%s (legacy): can't initialize iptables "
				"table `%s': Table does not exist (do you need to "
				"insmod?)\nPerhaps iptables or your kernel needs to "
				"be upgraded.\n",
			NFU_XT_IPTABLES_VERSION, cmd.table);
		rc = 3;
		goto out;
	}
	/* Linux makes the table in the namespace at its first use */
	nfu_xt_table_use(st.rs, t);
	if (cmd.command & NFU_XT_CMD_LIST) {
		/* -L -Z: listed, then zeroed, as iptables does */
		rc = cli_list(t, &cmd);
		if (rc)
			goto out;
		cmd.command &= ~(unsigned int)NFU_XT_CMD_LIST;
		if (cmd.command == NFU_XT_CMD_NONE)
			goto store;
	}
	if (cmd.command & NFU_XT_CMD_LIST_RULES) {
		rc = list_rules(t, &cmd);
		if (rc)
			goto out;
		cmd.command &= ~(unsigned int)NFU_XT_CMD_LIST_RULES;
		if (cmd.command == NFU_XT_CMD_NONE)
			goto store;
	}
	say_chains(t, &cmd);
	rc = nfu_xt_cmd_apply(t, &cmd, rule, &err);
	if (rc) {
		fputs(err.msg, stderr);
		/* iptables exits 1 for every failure of libiptc */
		rc = 1;
		goto out;
	}
store:
	if (!cli_state_changed(&st))
		goto out;
	rc = cli_state_check(&st, NULL, NULL, &err);
	if (rc) {
		commit_failed(rc, &err);
		rc = 1;
		goto out;
	}
	rc = cli_state_write(&st, prog);
out:
	nfu_xt_rule_free(rule);
	nfu_xt_cmd_free(&cmd);
	cli_state_free(&st);
	free(args);
	return rc;
}
