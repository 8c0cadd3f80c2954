/* SPDX-License-Identifier: MIT */
/*
 * bench_restore - milliseconds per iptables-restore of a real ruleset in
 * nfu: nfu_xt_restore() into a fresh ruleset (parsing and the
 * extensions' checks of iptables), then nfu_xt_commit() into a stack (the
 * kernel's checks, compilation, the swap).  The first file of the list
 * that nfu restores is used; those it cannot are named with the reason.
 * bench/bench_restore.sh times iptables-legacy-restore of the same file.
 *
 *   build/bench/bench_restore [-r RUNS] [FILE…]
 *
 * Prints "file: PATH" and the figures (minimum and median of the runs).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nfu/net.h"
#include "xtables/lang.h"

#define DATA "/work/shared/data/rulesets/"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1))) {
		*len = fread(s, 1, (size_t)n, f);
		s[*len] = '\0';
	}
	fclose(f);
	return s;
}

static unsigned int count_rules(const struct nfu_xt_ruleset *rs)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++)
		for (unsigned int j = 0; j < rs->tables[i].nchains; j++)
			n += rs->tables[i].chains[j]->nrules;
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One restore and commit of 'text' into 'net': 0 or a negative errno;
 * the time of each half in 't'. */
static int restore_once(struct nfu_net *net, const char *text, size_t len,
			uint64_t t[2], unsigned int *rules, struct nfu_error *err)
{
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	uint64_t t0, t1, t2;
	int rc;

	if (!rs)
		return -1;
	t0 = now_ns();
	rc = nfu_xt_restore(rs, text, len, 0, NULL, err);
	t1 = now_ns();
	if (!rc) {
		*rules = count_rules(rs);
		rc = nfu_xt_commit(net, rs, err);
	}
	t2 = now_ns();
	if (rc)
		nfu_xt_ruleset_free(rs);
	t[0] = t1 - t0;
	t[1] = t2 - t1;
	return rc;
}

int main(int argc, char **argv)
{
	static const char *const dflt[] = {
		DATA "tum-net-2015-09-macfixed.v4", DATA "gopherproxy.v4", NULL,
	};
	const char *const *files = dflt;
	unsigned int runs = 20, rules = 0;
	uint64_t *tp, *tc, *tt, t[2];
	struct nfu_error err;
	struct nfu_net *net;
	const char *path = NULL;
	char *text = NULL;
	size_t len = 0;

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		runs = (unsigned int)strtoul(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (argc > 1)
		files = (const char *const *)argv + 1;
	if (!runs)
		runs = 1;
	net = nfu_net_new();
	tp = calloc(runs, sizeof(*tp));
	tc = calloc(runs, sizeof(*tc));
	tt = calloc(runs, sizeof(*tt));
	if (!net || !tp || !tc || !tt) {
		fprintf(stderr, "bench_restore: out of memory\n");
		return 1;
	}
	for (; *files; files++) {
		free(text);
		text = slurp(*files, &len);
		if (!text) {
			printf("skipped %s: cannot read it\n", *files);
			continue;
		}
		if (restore_once(net, text, len, t, &rules, &err)) {
			printf("skipped %s: nfu cannot restore it: %s", *files,
			       err.msg[0] ? err.msg : "?\n");
			continue;
		}
		path = *files;
		break;
	}
	if (!path) {
		fprintf(stderr, "bench_restore: no file that nfu restores\n");
		return 1;
	}
	for (unsigned int i = 0; i < runs; i++) {
		if (restore_once(net, text, len, t, &rules, &err)) {
			fprintf(stderr, "bench_restore: %s", err.msg);
			return 1;
		}
		tp[i] = t[0];
		tc[i] = t[1];
		tt[i] = t[0] + t[1];
	}
	qsort(tp, runs, sizeof(*tp), cmp_u64);
	qsort(tc, runs, sizeof(*tc), cmp_u64);
	qsort(tt, runs, sizeof(*tt), cmp_u64);
	printf("file: %s\n", path);
	printf("%u rules, %zu bytes, %u runs (min / median)\n", rules, len, runs);
	printf("nfu restore (parse, extension checks): %8.3f / %8.3f ms\n",
	       tp[0] / 1e6, tp[runs / 2] / 1e6);
	printf("nfu commit (kernel checks, compile):   %8.3f / %8.3f ms\n",
	       tc[0] / 1e6, tc[runs / 2] / 1e6);
	printf("nfu restore + commit:                  %8.3f / %8.3f ms\n",
	       tt[0] / 1e6, tt[runs / 2] / 1e6);
	free(text);
	free(tp);
	free(tc);
	free(tt);
	nfu_net_free(net);
	return 0;
}
