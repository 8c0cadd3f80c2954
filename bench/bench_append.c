/* SPDX-License-Identifier: MIT */
/*
 * bench_append - microseconds per `iptables -A' served the way the daemon
 * will serve it, on a filter table of N rules already in force: parse the
 * command line (nfu_xt_parse_rule), then carry it out on the ruleset in
 * force with nfu_xt_cmd_commit() (in place: the rule's checks, one
 * insertion).  For comparison, in the same run, 100 appends the long way:
 * clone the ruleset (nfu_xt_ruleset_clone), apply the command to the
 * clone (nfu_xt_cmd_apply), commit it (nfu_xt_commit: every check, swap),
 * whose cost grows with N.
 * bench/bench_append.sh times iptables-legacy -A doing the same.
 *
 *   build/bench/bench_append [rules [appends]]   (10000 1000)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nfu/net.h"
#include "xtables/lang.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Rule 'i' of the base ruleset or of the appends ('base' tells which),
 * as the words of an iptables command line after "-A INPUT". */
static void rule_words(char *buf, size_t len, unsigned int i, bool base)
{
	snprintf(buf, len, "-s %u.%u.%u.%u -p tcp --dport %u -j %s",
		 base ? 10u : 172u, (i >> 16) & 255, (i >> 8) & 255, i & 255,
		 1 + i % 65535, i % 3 ? "ACCEPT" : "DROP");
}

/* The base ruleset as iptables-restore text. */
static char *base_text(unsigned int n, size_t *len)
{
	size_t cap = 64 + (size_t)n * 96, off = 0;
	char *s = malloc(cap);
	char w[96];

	if (!s)
		return NULL;
	off += (size_t)snprintf(s + off, cap - off, "*filter\n");
	for (unsigned int i = 0; i < n; i++) {
		rule_words(w, sizeof(w), i, true);
		off += (size_t)snprintf(s + off, cap - off, "-A INPUT %s\n", w);
	}
	off += (size_t)snprintf(s + off, cap - off, "COMMIT\n");
	*len = off;
	return s;
}

/* Splits 'line' in place into at most 'max' words. */
static int split(char *line, char **argv, int max)
{
	int n = 0;

	for (char *p = strtok(line, " "); p && n < max; p = strtok(NULL, " "))
		argv[n++] = p;
	return n;
}

/* One append of rule 'i' onto INPUT: in place (nfu_xt_cmd_commit()) or
 * the long way (clone, apply, full commit), timed: parse and the rest. */
static int append(struct nfu_net *net, unsigned int i, bool long_way,
		  uint64_t *t_parse, uint64_t *t_commit)
{
	struct nfu_xt_ruleset *cur = nfu_xt_current(net), *copy;
	struct nfu_xt_rule *rule = nfu_xt_rule_new();
	struct nfu_xt_cmd cmd;
	struct nfu_error err;
	char line[128], *words[32];
	uint64_t t0, t1, t2;
	int n, rc;

	snprintf(line, sizeof(line), "-A INPUT ");
	rule_words(line + 9, sizeof(line) - 9, i, false);
	n = split(line, words, 31);
	words[n] = NULL;
	nfu_xt_cmd_init(&cmd, "iptables", 0, false);
	t0 = now_ns();
	rc = !rule ? -ENOMEM : nfu_xt_parse_rule(n, words, "filter",
		nfu_xt_ruleset_table(cur, "filter"), rule, &cmd, &err);
	t1 = now_ns();
	if (!rc && !long_way) {
		rc = nfu_xt_cmd_commit(net, "filter", &cmd, rule, &err);
	} else if (!rc) {
		copy = nfu_xt_ruleset_clone(cur);
		rc = !copy ? -ENOMEM :
		     nfu_xt_cmd_apply(nfu_xt_ruleset_table(copy, "filter"),
				      &cmd, rule, &err);
		if (!rc)
			rc = nfu_xt_commit(net, copy, &err);
		if (rc)
			nfu_xt_ruleset_free(copy);
	}
	t2 = now_ns();
	nfu_xt_rule_free(rule);
	nfu_xt_cmd_free(&cmd);
	if (rc)
		fprintf(stderr, "bench_append: append %u failed: %s", i, err.msg);
	*t_parse += t1 - t0;
	*t_commit += t2 - t1;
	return rc;
}

static void report(const char *what, unsigned int n, uint64_t parse,
		   uint64_t commit, uint64_t worst)
{
	printf("  %-38s parse %6.1f  commit %8.1f  total %8.1f  worst %8.1f us\n",
	       what, parse / 1e3 / n, commit / 1e3 / n,
	       (parse + commit) / 1e3 / n, worst / 1e3);
}

int main(int argc, char **argv)
{
	unsigned int nbase = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 10000;
	unsigned int napp = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 1000;
	unsigned int nlong = napp < 100 ? napp : 100;
	uint64_t tp = 0, tc = 0, worst = 0;
	struct nfu_net *net = nfu_net_new();
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_error err;
	size_t len;
	char *text = base_text(nbase, &len);
	uint64_t t0, t1;

	if (!net || !rs || !text) {
		fprintf(stderr, "bench_append: out of memory\n");
		return 1;
	}
	if (!napp)
		napp = nlong = 1;
	t0 = now_ns();
	if (nfu_xt_restore(rs, text, len, 0, NULL, &err) ||
	    nfu_xt_commit(net, rs, &err)) {
		fprintf(stderr, "bench_append: base ruleset: %s", err.msg);
		return 1;
	}
	t1 = now_ns();
	free(text);
	printf("base: %u rules in filter INPUT, restored and committed in %.3f ms\n",
	       nbase, (t1 - t0) / 1e6);
	printf("appends one by one, us per append (mean):\n");
	for (unsigned int i = 0; i < napp; i++) {
		uint64_t before = tp + tc;

		if (append(net, i, false, &tp, &tc))
			return 1;
		if (tp + tc - before > worst)
			worst = tp + tc - before;
	}
	report("in place (nfu_xt_cmd_commit)", napp, tp, tc, worst);
	/* the long way, for comparison: what every append cost before */
	tp = tc = worst = 0;
	for (unsigned int i = 0; i < nlong; i++) {
		uint64_t before = tp + tc;

		if (append(net, napp + i, true, &tp, &tc))
			return 1;
		if (tp + tc - before > worst)
			worst = tp + tc - before;
	}
	report("clone + apply + full commit", nlong, tp, tc, worst);
	printf("rules in INPUT at the end: %u\n",
	       nfu_xt_chain_find(nfu_xt_ruleset_table(nfu_xt_current(net),
						       "filter"), "INPUT")->nrules);
	nfu_net_free(net);
	return 0;
}
