/* SPDX-License-Identifier: MIT */
/*
 * iptables-restore input (iptables-restore.c of iptables 1.8.9, legacy):
 * line by line, "*table" opens a table (flushed and emptied of user
 * chains unless --noflush), ":CHAIN POLICY [p:b]" declares a chain or
 * sets a policy, "COMMIT" closes the table, '#' lines and empty lines are
 * skipped, and any other line inside a table is an iptables command line
 * ("[p:b] -A …"), split into words as iptables-restore's
 * add_param_to_argv() does (double quotes, backslash escapes inside
 * them).
 *
 * Unlike iptables-restore, which commits each table at its COMMIT, the
 * whole text is applied at once or not at all: it is read into a clone
 * of the ruleset, which replaces the caller's only when everything was
 * read.  Checks the kernel makes at commit (loops, extension checks) are
 * nfu_xt_commit()'s; 'info' tells where each table's COMMIT was, for its
 * "iptables-restore: line N failed".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xtables/lang.h"

#define PROG "iptables-restore"
#define MAX_ARGC 255   /* iptables' argv_store */
#define MAX_PARAM 1024 /* xt_param_buf */

struct rstate {
	struct nfu_xt_ruleset *rs;
	unsigned int flags;
	const char *only_table;
	struct nfu_error *err;
	unsigned int line;
	struct nfu_xt_table *t;    /* the open table, NULL: none */
	bool in_table;
	char curtable[32];
	/* the words of one command line, each a NUL-terminated string in
	 * 'words' (one buffer for the line, not one allocation a word) */
	int argc;
	char *argv[MAX_ARGC + 1];
	char *words;
	size_t words_len, words_cap;
};

/* PARAMETER_PROBLEM from iptables-restore itself: prefix, message, line,
 * try-help. */
static int rerr(struct rstate *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int rerr(struct rstate *st, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (st->err) {
		snprintf(st->err->msg, sizeof(st->err->msg),
			 PROG " v" NFU_XT_IPTABLES_VERSION " (legacy): %s\n"
			 "Error occurred at line: %u\n"
			 "Try `" PROG " -h' or '" PROG " --help' for more information.\n",
			 msg, st->line);
		st->err->line = st->line;
		st->err->column = 0;
	}
	return -EINVAL;
}

/* "iptables-restore: line N failed", exit 1. */
static int line_failed(struct rstate *st)
{
	if (st->err) {
		snprintf(st->err->msg, sizeof(st->err->msg),
			 PROG ": line %u failed\n", st->line);
		st->err->line = st->line;
		st->err->column = 0;
	}
	return -EPROTO;
}

static void free_argv(struct rstate *st)
{
	st->argc = 0;
	st->argv[0] = NULL;
	st->words_len = 0;
}

/* Room for the words of a line of 'len' bytes: each byte of the line
 * gives at most one byte of a word and one NUL, and what
 * command_line() adds before (-t TABLE --set-counters P B) is short.
 * Made before the first word, so that argv never points into a buffer
 * that moves. */
static int reserve_words(struct rstate *st, size_t len)
{
	size_t need = 2 * len + 256;
	char *n;

	if (need <= st->words_cap)
		return 0;
	n = realloc(st->words, need);
	if (!n)
		return -ENOMEM;
	st->words = n;
	st->words_cap = need;
	return 0;
}

/* Ends the word of 'len' bytes written at the end of st->words. */
static int end_word(struct rstate *st, size_t len)
{
	char *s = st->words + st->words_len;

	if (st->argc + 1 >= MAX_ARGC)
		return rerr(st, "Parser cannot handle more arguments");
	s[len] = '\0';
	st->words_len += len + 1;
	st->argv[st->argc++] = s;
	st->argv[st->argc] = NULL;
	return 0;
}

static int add_argv(struct rstate *st, const char *what, size_t len)
{
	memcpy(st->words + st->words_len, what, len);
	return end_word(st, len);
}

/* add_param_to_argv(): words split on blanks; inside double quotes
 * blanks are kept and a backslash takes the next character as it is; an
 * opening quote may come in the middle of a word, a closing one ends it
 * (e"th"1 is two words, "eth" and "1").  A word is written straight
 * into st->words (reserve_words() made room for the line). */
static int tokenize(struct rstate *st, const char *p, const char *end)
{
	char *param = st->words + st->words_len;
	size_t len = 0;
	bool quote_open = false, escaped = false;
	int rc;

	for (; p < end; p++) {
		char c = *p;

		if (quote_open) {
			if (escaped) {
				escaped = false;
			} else if (c == '\\') {
				escaped = true;
				continue;
			} else if (c == '"') {
				/* a closing quote ends the word, even an
				 * empty one ("" is an empty argument) */
				quote_open = false;
				rc = end_word(st, len);
				if (rc)
					return rc;
				param = st->words + st->words_len;
				len = 0;
				continue;
			}
		} else if (c == '"') {
			quote_open = true;
			continue;
		} else if (c == ' ' || c == '\t' || c == '\n') {
			if (!len)
				continue;
			rc = end_word(st, len);
			if (rc)
				return rc;
			param = st->words + st->words_len;
			len = 0;
			continue;
		} else {
			/* the plain characters up to the next blank or quote
			 * at once: most of a line */
			size_t n = 1;

			while (p + n < end && p[n] != ' ' && p[n] != '\t' &&
			       p[n] != '\n' && p[n] != '"')
				n++;
			if (len + n >= MAX_PARAM)
				return rerr(st, "Parameter too long!");
			memcpy(param + len, p, n);
			len += n;
			p += n - 1;
			continue;
		}
		param[len++] = c;
		if (len >= MAX_PARAM)
			return rerr(st, "Parameter too long!");
	}
	if (len)
		return end_word(st, len);
	return 0;
}

/* strtok() over [*pp, end) without changing the text: the next token
 * made of characters not in 'delim'. */
static bool next_token(const char **pp, const char *end, const char *delim,
		       const char **tok, size_t *len)
{
	const char *p = *pp;

	while (p < end && strchr(delim, *p))
		p++;
	if (p >= end) {
		*pp = p;
		return false;
	}
	*tok = p;
	while (p < end && !strchr(delim, *p))
		p++;
	*len = (size_t)(p - *tok);
	*pp = p < end ? p + 1 : p;
	return true;
}

static int open_table(struct rstate *st, const char *p, const char *end,
		      bool *skip)
{
	const char *tok;
	size_t len;

	if (!next_token(&p, end, " \t\n", &tok, &len))
		return rerr(st, PROG ": line %u table name invalid", st->line);
	snprintf(st->curtable, sizeof(st->curtable), "%.*s",
		 (int)(len < 31 ? len : 31), tok);
	if (st->only_table && strcmp(st->only_table, st->curtable)) {
		*skip = true;
		return 0;
	}
	st->t = len < 31 ? nfu_xt_ruleset_table(st->rs, st->curtable) : NULL;
	if (!st->t)
		return rerr(st, PROG ": unable to initialize table '%s'",
			    st->curtable);
	nfu_xt_table_use(st->rs, st->t);
	if (!(st->flags & NFU_XT_RESTORE_NOFLUSH)) {
		for (unsigned int i = 0; i < st->t->nchains; i++) {
			struct nfu_xt_chain *c = st->t->chains[i];

			for (unsigned int j = 0; j < c->nrules; j++)
				nfu_xt_rule_free(c->rules[j]);
			c->nrules = 0;
		}
		for (unsigned int i = 0; i < st->t->nchains;) {
			if (st->t->chains[i]->builtin)
				i++;
			else if (nfu_xt_chain_del(st->t, st->t->chains[i]->name))
				i++;
		}
	}
	st->in_table = true;
	return 0;
}

static bool builtin_name(const struct nfu_xt_table *t, const char *name)
{
	const struct nfu_xt_chain *c = nfu_xt_chain_find(t, name);

	return c && c->builtin;
}

/* ":CHAIN POLICY [p:b]" */
static int chain_line(struct rstate *st, const char *p, const char *end)
{
	char chain[64], policy[64];
	const char *tok;
	size_t len;
	struct nfu_xt_chain *c;
	uint64_t pcnt = 0, bcnt = 0;
	int rc;

	if (!next_token(&p, end, " \t\n", &tok, &len))
		return rerr(st, PROG ": line %u chain name invalid", st->line);
	if (len >= NFU_XT_CHAIN_MAXNAMELEN)
		return rerr(st, "Invalid chain name `%.*s' (%u chars max)",
			    (int)len, tok, NFU_XT_CHAIN_MAXNAMELEN - 1);
	snprintf(chain, sizeof(chain), "%.*s", (int)len, tok);
	if (!builtin_name(st->t, chain)) {
		c = nfu_xt_chain_find(st->t, chain);
		if ((st->flags & NFU_XT_RESTORE_NOFLUSH) && c) {
			for (unsigned int j = 0; j < c->nrules; j++)
				nfu_xt_rule_free(c->rules[j]);
			c->nrules = 0;
		} else {
			rc = c || !strcmp(chain, "ACCEPT") ||
					     !strcmp(chain, "DROP") ||
					     !strcmp(chain, "QUEUE") ||
					     !strcmp(chain, "RETURN") ?
				     -EEXIST :
				     nfu_xt_chain_add(st->t, chain, NULL);
			if (rc == -ENOMEM)
				return rc;
			if (rc)
				return rerr(st, "error creating chain '%s':%s",
					    chain, strerror(-rc));
		}
	}
	if (!next_token(&p, end, " \t\n", &tok, &len))
		return rerr(st, PROG ": line %u policy invalid", st->line);
	snprintf(policy, sizeof(policy), "%.*s", (int)(len < 63 ? len : 63), tok);
	if (!strcmp(policy, "-"))
		return 0;
	if (st->flags & NFU_XT_RESTORE_COUNTERS) {
		unsigned long long a, b;
		char ctrs[128];

		if (!next_token(&p, end, " \t\n", &tok, &len)) {
			if (st->flags & NFU_XT_RESTORE_COUNTERS_OPTIONAL)
				goto counted;
			return rerr(st, "invalid policy counters for chain '%s'",
				    chain);
		}
		snprintf(ctrs, sizeof(ctrs), "%.*s",
			 (int)(len < 127 ? len : 127), tok);
		if (sscanf(ctrs, "[%llu:%llu]", &a, &b) != 2)
			return rerr(st, "invalid policy counters for chain '%s'",
				    chain);
		pcnt = a;
		bcnt = b;
	}
counted:
	c = nfu_xt_chain_find(st->t, chain);
	if (!c || !c->builtin || (strcmp(policy, "ACCEPT") &&
				  strcmp(policy, "DROP"))) {
		/* OTHER_PROBLEM: no line, no try-help, exit 1 */
		if (st->err) {
			snprintf(st->err->msg, sizeof(st->err->msg),
				 PROG " v" NFU_XT_IPTABLES_VERSION
				 " (legacy): Can't set policy `%s' on `%s' line %u: %s\n",
				 policy, chain, st->line,
				 c && c->builtin ? "Bad policy name" :
						   "Bad built-in chain name");
			st->err->line = st->line;
		}
		return -EPROTO;
	}
	c->policy = strcmp(policy, "DROP") ? NFU_XT_STD_ACCEPT : NFU_XT_STD_DROP;
	c->pcnt = pcnt;
	c->bcnt = bcnt;
	return 0;
}

/* A command line; "[p:b]" first is read as tokenize_rule_counters() does
 * (a strtok on ':' then on ']', the command starting after the first
 * ']'). */
static int command_line(struct rstate *st, const char *p, const char *end)
{
	struct nfu_xt_rule *rule = NULL;
	struct nfu_xt_cmd cmd;
	const char *cstart = NULL, *cend = NULL;
	char pbuf[64], bbuf[64];
	int rc;

	rc = reserve_words(st, (size_t)(end - p));
	if (!rc)
		rc = add_argv(st, "-t", 2);
	if (!rc)
		rc = add_argv(st, st->curtable, strlen(st->curtable));
	if (rc)
		goto out;
	if (p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		const char *q = p + 1, *tok, *btok;
		size_t len, blen;

		if (!close) {
			rc = rerr(st, "Bad line %u: need ]", st->line);
			goto out;
		}
		if (!next_token(&q, end, ":", &tok, &len)) {
			rc = rerr(st, "Bad line %u: need :", st->line);
			goto out;
		}
		if (!next_token(&q, end, "]", &btok, &blen)) {
			rc = rerr(st, "Bad line %u: need ]", st->line);
			goto out;
		}
		/* strtok wrote NULs at the ':' and ']' it stopped at: the
		 * command ends there when they lie after the first ']' */
		cstart = close + 1;
		cend = end;
		if (tok + len < end && tok + len > close)
			cend = tok + len;
		if (btok + blen < cend && btok + blen > close)
			cend = btok + blen;
		snprintf(pbuf, sizeof(pbuf), "%.*s", (int)(len < 63 ? len : 63),
			 tok);
		snprintf(bbuf, sizeof(bbuf), "%.*s", (int)(blen < 63 ? blen : 63),
			 btok);
		if (st->flags & NFU_XT_RESTORE_COUNTERS) {
			rc = add_argv(st, "--set-counters", 14);
			if (!rc)
				rc = add_argv(st, pbuf, strlen(pbuf));
			if (!rc)
				rc = add_argv(st, bbuf, strlen(bbuf));
			if (rc)
				goto out;
		}
		p = cstart;
		end = cend;
	}
	rc = tokenize(st, p, end);
	if (rc)
		goto out;

	rule = nfu_xt_rule_new();
	if (!rule) {
		rc = -ENOMEM;
		goto out;
	}
	nfu_xt_cmd_init(&cmd, PROG, st->line, true);
	/* "-t table" is parsed as given by iptables-restore itself: skip
	 * it so that a second -t in the line is the one refused */
	rc = nfu_xt_parse_rule(st->argc - 2, st->argv + 2, st->curtable, st->t,
			       rule, &cmd, st->err);
	if (!rc && !cmd.ignored) {
		rc = nfu_xt_cmd_apply(st->t, &cmd, rule, NULL);
		if (rc && rc != -ENOMEM)
			rc = line_failed(st);
	}
	nfu_xt_cmd_free(&cmd);
out:
	nfu_xt_rule_free(rule);
	free_argv(st);
	return rc;
}

static void swap_rulesets(struct nfu_xt_ruleset *a, struct nfu_xt_ruleset *b)
{
	struct nfu_xt_ruleset tmp = *a;

	*a = *b;
	*b = tmp;
}

int nfu_xt_restore_info(struct nfu_xt_ruleset *rs, const char *text,
			size_t len, unsigned int flags, const char *only_table,
			struct nfu_xt_restore_info *info,
			struct nfu_error *err)
{
	struct rstate *st;
	struct nfu_xt_ruleset *work;
	const char *p = text, *end = text + len;
	int rc = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	if (info)
		memset(info, 0, sizeof(*info));
	st = calloc(1, sizeof(*st));
	work = nfu_xt_ruleset_clone(rs);
	if (!st || !work) {
		free(st);
		nfu_xt_ruleset_free(work);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++)
		work->tables[i].used = rs->tables[i].used;
	st->rs = work;
	st->flags = flags;
	st->only_table = only_table;
	st->err = err;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *lend = nl ? nl + 1 : end; /* with its '\n' */
		bool ok = false, skip = false;

		st->line++;
		if (*p == '\n') {
			p = lend;
			continue;
		}
		if (*p == '#') {
			p = lend;
			continue;
		}
		if (st->in_table && lend - p == 7 && !memcmp(p, "COMMIT\n", 7)) {
			if (info)
				info->commit_line[st->t - st->rs->tables] = st->line;
			st->in_table = false;
			st->t = NULL;
			ok = true;
		} else if (*p == '*' && !st->in_table) {
			rc = open_table(st, p + 1, lend, &skip);
			if (rc)
				break;
			if (skip) {
				p = lend;
				continue;
			}
			ok = true;
		} else if (*p == ':' && st->in_table) {
			rc = chain_line(st, p + 1, lend);
			if (rc)
				break;
			ok = true;
		} else if (st->in_table) {
			rc = command_line(st, p, lend);
			if (rc)
				break;
			ok = true;
		}
		p = lend;
		if (only_table && strcmp(only_table, st->curtable))
			continue;
		if (!ok) {
			rc = line_failed(st);
			break;
		}
	}
	if (!rc && st->in_table) {
		if (err) {
			snprintf(err->msg, sizeof(err->msg),
				 PROG ": COMMIT expected at line %u\n", st->line + 1);
			err->line = st->line + 1;
		}
		rc = -EPROTO;
	}
	if (!rc && !(flags & NFU_XT_RESTORE_TEST))
		swap_rulesets(rs, work);
	nfu_xt_ruleset_free(work);
	free(st->words);
	free(st);
	return rc;
}

int nfu_xt_restore(struct nfu_xt_ruleset *rs, const char *text, size_t len,
		   unsigned int flags, const char *only_table,
		   struct nfu_error *err)
{
	return nfu_xt_restore_info(rs, text, len, flags, only_table, NULL, err);
}
