/* SPDX-License-Identifier: MIT */
/*
 * bench_fib.c - nanoseconds per IPv4 FIB lookup: the trie against a linear
 * scan of the same routes, on 10k random routes shaped roughly like an
 * Internet table (mostly /24, some /16../23, a few shorter and /32s, a
 * default route).  Not a test: it checks that both agree and prints
 * figures, which depend on the machine.
 *
 * Usage: bench_fib [routes [lookups]]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipv4/fib.h"

#define NADDR 65536     /* a power of two: the lookup loop masks by it */

static uint64_t rng_state = 1;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t host_mask(unsigned int plen)
{
	return plen ? ~UINT32_C(0) << (32 - plen) : 0;
}

static unsigned int random_plen(void)
{
	unsigned int r = (unsigned int)(rnd() % 100);

	if (r < 55)
		return 24;
	if (r < 90)
		return 16 + (unsigned int)(rnd() % 8);
	if (r < 97)
		return 8 + (unsigned int)(rnd() % 8);
	return 25 + (unsigned int)(rnd() % 8);
}

/* The linear reference: the longest matching prefix, then local, then
 * lowest metric; the first in the array among equals. */
static const struct nfu_route *linear_lookup(const struct nfu_route *v,
					     size_t n, uint32_t daddr)
{
	const struct nfu_route *best = NULL;
	uint32_t a = ntohl(daddr);
	size_t k;

	for (k = 0; k < n; k++) {
		const struct nfu_route *r = &v[k];

		if (((a ^ ntohl(r->dst)) & host_mask(r->plen)) != 0)
			continue;
		if (best) {
			int rl = r->table == NFU_RT_TABLE_LOCAL;
			int bl = best->table == NFU_RT_TABLE_LOCAL;

			if (r->plen < best->plen)
				continue;
			if (r->plen == best->plen &&
			    (rl < bl || (rl == bl && r->metric >= best->metric)))
				continue;
		}
		best = r;
	}
	return best;
}

static int always(void *priv, const struct nfu_route *rt)
{
	(void)priv;
	(void)rt;
	return 1;
}

int main(int argc, char **argv)
{
	size_t nroutes = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	size_t nlookups = argc > 2 ? strtoul(argv[2], NULL, 0) : 4000000;
	size_t nlinear = nlookups / 200 ? nlookups / 200 : 1;
	struct nfu_route *routes = NULL;
	uint32_t *addrs = NULL;
	struct nfu_fib *fib = NULL;
	uintptr_t sink = 0;
	size_t n = 0, i, mismatches = 0;
	uint64_t t0, t_trie, t_usable, t_linear;
	int ret = 1, err;

	routes = calloc(nroutes + 1, sizeof(*routes));
	addrs = calloc(NADDR, sizeof(*addrs));
	fib = nfu_fib_new();
	if (!routes || !addrs || !fib) {
		fprintf(stderr, "bench_fib: out of memory\n");
		goto out;
	}

	/* routes[0], all zero but for these, is the default route. */
	routes[0].table = NFU_RT_TABLE_MAIN;
	routes[0].ifindex = 1;
	while (n < nroutes + 1) {
		struct nfu_route *r = &routes[n];

		if (n > 0) {
			r->plen = (uint8_t)random_plen();
			r->dst = htonl((uint32_t)rnd() & host_mask(r->plen));
			r->table = rnd() % 16 ? NFU_RT_TABLE_MAIN
					      : NFU_RT_TABLE_LOCAL;
			r->metric = (uint32_t)(rnd() % 4);
			r->ifindex = (int)n + 1;
		}
		err = nfu_fib_insert(fib, r);
		if (err == -EEXIST)
			continue;       /* drawn twice: draw another */
		if (err) {
			fprintf(stderr, "bench_fib: insert: %s\n",
				strerror(-err));
			goto out;
		}
		n++;
	}

	/* Half the addresses inside some route, half anywhere (mostly the
	 * default route then). */
	for (i = 0; i < NADDR; i++) {
		const struct nfu_route *r = &routes[rnd() % n];
		uint32_t a = (uint32_t)rnd();

		if (i % 2 == 0)
			a = (ntohl(r->dst) & host_mask(r->plen)) |
			    (a & ~host_mask(r->plen));
		addrs[i] = htonl(a);
	}

	for (i = 0; i < nlinear; i++) {
		uint32_t a = addrs[i & (NADDR - 1)];

		if (nfu_fib_lookup(fib, a, NULL, NULL) == NULL ||
		    nfu_fib_lookup(fib, a, NULL, NULL)->ifindex !=
			    linear_lookup(routes, n, a)->ifindex)
			mismatches++;
	}

	t0 = now_ns();
	for (i = 0; i < nlookups; i++)
		sink += (uintptr_t)nfu_fib_lookup(fib, addrs[i & (NADDR - 1)],
						  NULL, NULL);
	t_trie = now_ns() - t0;

	t0 = now_ns();
	for (i = 0; i < nlookups; i++)
		sink += (uintptr_t)nfu_fib_lookup(fib, addrs[i & (NADDR - 1)],
						  always, NULL);
	t_usable = now_ns() - t0;

	t0 = now_ns();
	for (i = 0; i < nlinear; i++)
		sink += (uintptr_t)linear_lookup(routes, n,
						 addrs[i & (NADDR - 1)]);
	t_linear = now_ns() - t0;

	printf("routes: %zu (%zu in the fib), mismatches: %zu of %zu\n", n,
	       nfu_fib_count(fib), mismatches, nlinear);
	printf("trie:                %8.1f ns/lookup (%zu lookups)\n",
	       (double)t_trie / (double)nlookups, nlookups);
	printf("trie, usable cb:     %8.1f ns/lookup (%zu lookups)\n",
	       (double)t_usable / (double)nlookups, nlookups);
	printf("linear:              %8.1f ns/lookup (%zu lookups)\n",
	       (double)t_linear / (double)nlinear, nlinear);
	/* Printed so that the compiler must do the lookups. */
	printf("(sink %" PRIxPTR ")\n", sink);
	ret = mismatches ? 1 : 0;
out:
	nfu_fib_free(fib);
	free(addrs);
	free(routes);
	return ret;
}
