/* SPDX-License-Identifier: MIT */
/*
 * bench_append - microseconds per `iptables -A' served the way the daemon
 * will serve it, on a filter table of N rules already in force: parse the
 * command line (nfu_xt_parse_rule), clone the ruleset in force
 * (nfu_xt_ruleset_clone: a failed command must change nothing), apply
 * the command to the clone (nfu_xt_cmd_apply), commit the clone
 * (nfu_xt_commit: checks, compiles, swaps).  Each step is timed apart,
 * so that the cost that grows with N shows where it is.
 * bench/bench_append.sh times iptables-legacy -A doing the same.
 *
 *   build/bench/bench_append [rules [appends]]   (10000 1000)
 */
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

int main(int argc, char **argv)
{
	unsigned int nbase = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 10000;
	unsigned int napp = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 1000;
	uint64_t t_parse = 0, t_clone = 0, t_apply = 0, t_commit = 0, worst = 0;
	uint64_t first[4] = { 0 }, last = 0;
	struct nfu_net *net = nfu_net_new();
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_error err;
	size_t len;
	char *text = base_text(nbase, &len);
	uint64_t t0, t1, t2, t3, t4;

	if (!net || !rs || !text) {
		fprintf(stderr, "bench_append: out of memory\n");
		return 1;
	}
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
	for (unsigned int i = 0; i < napp; i++) {
		struct nfu_xt_ruleset *cur = nfu_xt_current(net), *copy;
		struct nfu_xt_rule *rule = nfu_xt_rule_new();
		struct nfu_xt_cmd cmd;
		char line[128], *words[32];
		int n, rc;

		snprintf(line, sizeof(line), "-A INPUT ");
		rule_words(line + 9, sizeof(line) - 9, i, false);
		n = split(line, words, 32);
		words[n] = NULL;
		nfu_xt_cmd_init(&cmd, "iptables", 0, false);
		t0 = now_ns();
		rc = !rule ? -1 : nfu_xt_parse_rule(n, words, "filter",
			nfu_xt_ruleset_table(cur, "filter"), rule, &cmd, &err);
		t1 = now_ns();
		copy = rc ? NULL : nfu_xt_ruleset_clone(cur);
		t2 = now_ns();
		if (copy)
			rc = nfu_xt_cmd_apply(nfu_xt_ruleset_table(copy, "filter"),
					      &cmd, rule, &err);
		t3 = now_ns();
		if (copy && !rc)
			rc = nfu_xt_commit(net, copy, &err);
		t4 = now_ns();
		nfu_xt_rule_free(rule);
		nfu_xt_cmd_free(&cmd);
		if (rc || !copy) {
			fprintf(stderr, "bench_append: append %u failed: %s", i,
				err.msg);
			return 1;
		}
		t_parse += t1 - t0;
		t_clone += t2 - t1;
		t_apply += t3 - t2;
		t_commit += t4 - t3;
		if (t4 - t0 > worst)
			worst = t4 - t0;
		if (i == 0) {
			first[0] = t1 - t0;
			first[1] = t2 - t1;
			first[2] = t3 - t2;
			first[3] = t4 - t3;
		}
		last = t4 - t0;
	}
	if (!napp)
		napp = 1;
	printf("%u appends, one by one (us per append, mean):\n", napp);
	printf("  parse the command line  %9.1f\n", t_parse / 1e3 / napp);
	printf("  clone the ruleset       %9.1f\n", t_clone / 1e3 / napp);
	printf("  apply -A to the clone   %9.1f\n", t_apply / 1e3 / napp);
	printf("  commit (check, compile) %9.1f\n", t_commit / 1e3 / napp);
	printf("  total                   %9.1f  (last %.1f, worst %.1f)\n",
	       (t_parse + t_clone + t_apply + t_commit) / 1e3 / napp,
	       last / 1e3, worst / 1e3);
	printf("the first append: parse %.1f, clone %.1f, apply %.1f, commit %.1f us\n",
	       first[0] / 1e3, first[1] / 1e3, first[2] / 1e3, first[3] / 1e3);
	nfu_net_free(net);
	return 0;
}
