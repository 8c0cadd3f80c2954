/* SPDX-License-Identifier: MIT */
/*
 * test_fib.c - the IPv4 FIB: hand-written cases, then the trie checked
 * against a deliberately naive linear table ("horrible", after WireGuard's
 * horrible_allowedips) on random route sets, lookups and deletes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipv4/fib.h"

/* a.b.c.d in network order. */
static uint32_t ip(unsigned int a, unsigned int b, unsigned int c,
		   unsigned int d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 |
		     (uint32_t)d);
}

/* The route's ifindex tells the tests which route a lookup returned. */
static struct nfu_route route(uint32_t dst, unsigned int plen,
			      unsigned int table, uint32_t metric, int ifindex)
{
	struct nfu_route rt;

	memset(&rt, 0, sizeof(rt));
	rt.dst = dst;
	rt.plen = (uint8_t)plen;
	rt.type = NFU_RTN_UNICAST;
	rt.table = (uint8_t)table;
	rt.metric = metric;
	rt.ifindex = ifindex;
	return rt;
}

static int add(struct nfu_fib *fib, uint32_t dst, unsigned int plen,
	       unsigned int table, uint32_t metric, int ifindex)
{
	struct nfu_route rt = route(dst, plen, table, metric, ifindex);

	return nfu_fib_insert(fib, &rt);
}

static int del(struct nfu_fib *fib, uint32_t dst, unsigned int plen,
	       unsigned int table, uint32_t metric)
{
	struct nfu_route rt = route(dst, plen, table, metric, 0);

	return nfu_fib_delete(fib, &rt);
}

/* The ifindex of the route for 'daddr', 0 when there is none. */
static int oif(const struct nfu_fib *fib, uint32_t daddr)
{
	const struct nfu_route *rt = nfu_fib_lookup(fib, daddr, NULL, NULL);

	return rt ? rt->ifindex : 0;
}

#define MAIN NFU_RT_TABLE_MAIN
#define LOCAL NFU_RT_TABLE_LOCAL

/* ---- hand-written cases ------------------------------------------- */

static int count_cb(void *priv, const struct nfu_route *rt)
{
	(void)rt;
	(*(int *)priv)++;
	return 0;
}

static void test_empty(void)
{
	struct nfu_fib *fib = nfu_fib_new();
	int calls = 0;

	REQUIRE(fib);
	CHECK_INT(nfu_fib_count(fib), 0);
	CHECK(nfu_fib_lookup(fib, ip(10, 0, 0, 1), NULL, NULL) == NULL);
	CHECK(nfu_fib_lookup(fib, 0, NULL, NULL) == NULL);
	CHECK_INT(del(fib, 0, 0, MAIN, 0), -ESRCH);
	CHECK_INT(nfu_fib_walk(fib, count_cb, &calls), 0);
	CHECK_INT(calls, 0);
	nfu_fib_free(fib);
	nfu_fib_free(NULL);
}

static void test_default_route(void)
{
	struct nfu_fib *fib = nfu_fib_new();

	REQUIRE(fib);
	CHECK_INT(add(fib, 0, 0, MAIN, 0, 7), 0);
	CHECK_INT(nfu_fib_count(fib), 1);
	CHECK_INT(oif(fib, ip(0, 0, 0, 0)), 7);
	CHECK_INT(oif(fib, ip(10, 1, 2, 3)), 7);
	CHECK_INT(oif(fib, ip(128, 0, 0, 0)), 7);
	CHECK_INT(oif(fib, ip(255, 255, 255, 255)), 7);

	/* A more specific route takes its part, the default the rest. */
	CHECK_INT(add(fib, ip(192, 168, 0, 0), 16, MAIN, 0, 2), 0);
	CHECK_INT(oif(fib, ip(192, 168, 44, 1)), 2);
	CHECK_INT(oif(fib, ip(192, 169, 0, 0)), 7);

	CHECK_INT(del(fib, 0, 0, MAIN, 0), 0);
	CHECK_INT(oif(fib, ip(10, 1, 2, 3)), 0);
	CHECK_INT(oif(fib, ip(192, 168, 44, 1)), 2);
	nfu_fib_free(fib);
}

static void test_host_route(void)
{
	struct nfu_fib *fib = nfu_fib_new();

	REQUIRE(fib);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 24, MAIN, 0, 1), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 5), 32, MAIN, 0, 2), 0);
	CHECK_INT(add(fib, ip(255, 255, 255, 255), 32, MAIN, 0, 3), 0);
	CHECK_INT(add(fib, ip(0, 0, 0, 0), 32, MAIN, 0, 4), 0);
	CHECK_INT(oif(fib, ip(10, 0, 0, 5)), 2);
	CHECK_INT(oif(fib, ip(10, 0, 0, 4)), 1);
	CHECK_INT(oif(fib, ip(10, 0, 0, 6)), 1);
	CHECK_INT(oif(fib, ip(10, 0, 1, 5)), 0);
	CHECK_INT(oif(fib, ip(255, 255, 255, 255)), 3);
	CHECK_INT(oif(fib, ip(255, 255, 255, 254)), 0);
	CHECK_INT(oif(fib, ip(0, 0, 0, 0)), 4);
	CHECK_INT(oif(fib, ip(0, 0, 0, 1)), 0);
	nfu_fib_free(fib);
}

/* Inserted out of order, so that insert must put new nodes above existing
 * ones (as parent and as sibling under a new branch). */
static void test_overlapping(void)
{
	struct nfu_fib *fib = nfu_fib_new();

	REQUIRE(fib);
	CHECK_INT(add(fib, ip(10, 1, 1, 0), 24, MAIN, 0, 24), 0);
	CHECK_INT(add(fib, ip(10, 1, 1, 128), 25, MAIN, 0, 25), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, MAIN, 0, 8), 0);
	CHECK_INT(add(fib, ip(10, 2, 0, 0), 16, MAIN, 0, 162), 0);
	CHECK_INT(add(fib, ip(10, 1, 0, 0), 16, MAIN, 0, 161), 0);
	CHECK_INT(add(fib, ip(10, 1, 1, 1), 32, MAIN, 0, 32), 0);
	CHECK_INT(add(fib, ip(11, 0, 0, 0), 8, MAIN, 0, 11), 0);
	CHECK_INT(nfu_fib_count(fib), 7);

	CHECK_INT(oif(fib, ip(10, 1, 1, 1)), 32);
	CHECK_INT(oif(fib, ip(10, 1, 1, 2)), 24);
	CHECK_INT(oif(fib, ip(10, 1, 1, 200)), 25);
	CHECK_INT(oif(fib, ip(10, 1, 2, 1)), 161);
	CHECK_INT(oif(fib, ip(10, 2, 2, 1)), 162);
	CHECK_INT(oif(fib, ip(10, 3, 0, 1)), 8);
	CHECK_INT(oif(fib, ip(11, 3, 0, 1)), 11);
	CHECK_INT(oif(fib, ip(12, 0, 0, 0)), 0);
	CHECK_INT(oif(fib, ip(9, 255, 255, 255)), 0);

	/* Deleting an inner prefix falls back to the next shorter one. */
	CHECK_INT(del(fib, ip(10, 1, 1, 0), 24, MAIN, 0), 0);
	CHECK_INT(oif(fib, ip(10, 1, 1, 2)), 161);
	CHECK_INT(oif(fib, ip(10, 1, 1, 1)), 32);
	CHECK_INT(oif(fib, ip(10, 1, 1, 200)), 25);
	CHECK_INT(del(fib, ip(10, 1, 0, 0), 16, MAIN, 0), 0);
	CHECK_INT(oif(fib, ip(10, 1, 1, 2)), 8);
	CHECK_INT(nfu_fib_count(fib), 5);
	nfu_fib_free(fib);
}

static void test_metric_order(void)
{
	struct nfu_fib *fib = nfu_fib_new();
	uint32_t net = ip(172, 16, 0, 0), a = ip(172, 16, 3, 4);

	REQUIRE(fib);
	CHECK_INT(add(fib, net, 12, MAIN, 100, 1), 0);
	CHECK_INT(add(fib, net, 12, MAIN, 10, 2), 0);
	CHECK_INT(add(fib, net, 12, MAIN, 50, 3), 0);
	CHECK_INT(add(fib, net, 12, MAIN, 0xffffffff, 4), 0);
	CHECK_INT(oif(fib, a), 2);
	CHECK_INT(del(fib, net, 12, MAIN, 10), 0);
	CHECK_INT(oif(fib, a), 3);
	CHECK_INT(del(fib, net, 12, MAIN, 50), 0);
	CHECK_INT(oif(fib, a), 1);
	CHECK_INT(del(fib, net, 12, MAIN, 100), 0);
	CHECK_INT(oif(fib, a), 4);

	/* A longer prefix wins over any metric. */
	CHECK_INT(add(fib, ip(172, 16, 3, 0), 24, MAIN, 1000, 5), 0);
	CHECK_INT(oif(fib, a), 5);
	nfu_fib_free(fib);
}

/* Same metric in two tables that are not local: the first inserted. */
static void test_insertion_order(void)
{
	struct nfu_fib *fib = nfu_fib_new();
	uint32_t net = ip(10, 0, 0, 0), a = ip(10, 0, 0, 1);

	REQUIRE(fib);
	CHECK_INT(add(fib, net, 8, MAIN, 5, 1), 0);
	CHECK_INT(add(fib, net, 8, 100, 5, 2), 0);
	CHECK_INT(add(fib, net, 8, 200, 5, 3), 0);
	CHECK_INT(oif(fib, a), 1);
	CHECK_INT(del(fib, net, 8, MAIN, 5), 0);
	CHECK_INT(oif(fib, a), 2);
	CHECK_INT(add(fib, net, 8, MAIN, 5, 4), 0);
	CHECK_INT(oif(fib, a), 2);
	CHECK_INT(del(fib, net, 8, 100, 5), 0);
	CHECK_INT(oif(fib, a), 3);
	nfu_fib_free(fib);
}

static void test_local_before_main(void)
{
	struct nfu_fib *fib = nfu_fib_new();
	uint32_t a = ip(192, 0, 2, 1);

	REQUIRE(fib);
	CHECK_INT(add(fib, a, 32, MAIN, 0, 1), 0);
	CHECK_INT(add(fib, a, 32, LOCAL, 100, 2), 0);
	CHECK_INT(add(fib, a, 32, MAIN, 1, 3), 0);
	CHECK_INT(oif(fib, a), 2);
	CHECK_INT(del(fib, a, 32, LOCAL, 100), 0);
	CHECK_INT(oif(fib, a), 1);

	/* Local first even when inserted last and with the worse metric. */
	CHECK_INT(add(fib, a, 32, LOCAL, 0xffffffff, 4), 0);
	CHECK_INT(oif(fib, a), 4);
	/* But not over a longer prefix. */
	CHECK_INT(add(fib, ip(192, 0, 2, 0), 24, LOCAL, 0, 5), 0);
	CHECK_INT(oif(fib, a), 4);
	CHECK_INT(oif(fib, ip(192, 0, 2, 2)), 5);
	nfu_fib_free(fib);
}

static void test_delete(void)
{
	struct nfu_fib *fib = nfu_fib_new();
	int calls = 0;

	REQUIRE(fib);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, MAIN, 0, 1), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 16, MAIN, 0, 2), 0);
	CHECK_INT(add(fib, ip(10, 128, 0, 0), 16, MAIN, 0, 3), 0);

	/* Each part of the key must match. */
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 8, MAIN, 1), -ESRCH);
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 8, LOCAL, 0), -ESRCH);
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 9, MAIN, 0), -ESRCH);
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 7, MAIN, 0), -ESRCH);
	CHECK_INT(del(fib, ip(11, 0, 0, 0), 8, MAIN, 0), -ESRCH);
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 33, MAIN, 0), -ESRCH);
	CHECK_INT(del(fib, ip(10, 0, 0, 1), 8, MAIN, 0), -ESRCH);
	CHECK_INT(nfu_fib_count(fib), 3);

	/* 10.0.0.0/8 branches between the /16s, so its node stays without
	 * a route: deleting again must not find one there. */
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 8, MAIN, 0), 0);
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 8, MAIN, 0), -ESRCH);
	CHECK_INT(oif(fib, ip(10, 0, 1, 1)), 2);
	CHECK_INT(oif(fib, ip(10, 128, 1, 1)), 3);
	CHECK_INT(oif(fib, ip(10, 1, 1, 1)), 0);
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 16, MAIN, 0), 0);
	CHECK_INT(oif(fib, ip(10, 0, 1, 1)), 0);
	CHECK_INT(oif(fib, ip(10, 128, 1, 1)), 3);
	CHECK_INT(del(fib, ip(10, 128, 0, 0), 16, MAIN, 0), 0);
	CHECK_INT(nfu_fib_count(fib), 0);
	CHECK(nfu_fib_lookup(fib, ip(10, 128, 1, 1), NULL, NULL) == NULL);
	CHECK_INT(nfu_fib_walk(fib, count_cb, &calls), 0);
	CHECK_INT(calls, 0);

	/* Usable again after being emptied. */
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, MAIN, 0, 9), 0);
	CHECK_INT(oif(fib, ip(10, 9, 9, 9)), 9);
	nfu_fib_free(fib);
}

static void test_eexist(void)
{
	struct nfu_fib *fib = nfu_fib_new();

	REQUIRE(fib);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, MAIN, 5, 1), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, MAIN, 5, 2), -EEXIST);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, MAIN, 6, 3), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, LOCAL, 5, 4), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 9, MAIN, 5, 5), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, LOCAL, 5, 6), -EEXIST);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, MAIN, 6, 7), -EEXIST);
	CHECK_INT(nfu_fib_count(fib), 4);
	/* The refused copy changed nothing: the first one still answers. */
	CHECK_INT(del(fib, ip(10, 0, 0, 0), 8, LOCAL, 5), 0);
	CHECK_INT(oif(fib, ip(10, 200, 0, 1)), 1);
	nfu_fib_free(fib);
}

static void test_einval(void)
{
	struct nfu_fib *fib = nfu_fib_new();

	REQUIRE(fib);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 33, MAIN, 0, 1), -EINVAL);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 255, MAIN, 0, 1), -EINVAL);
	CHECK_INT(add(fib, ip(10, 0, 0, 1), 24, MAIN, 0, 1), -EINVAL);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 0, MAIN, 0, 1), -EINVAL);
	CHECK_INT(add(fib, ip(0, 0, 0, 1), 31, MAIN, 0, 1), -EINVAL);
	CHECK_INT(add(fib, ip(10, 128, 0, 0), 8, MAIN, 0, 1), -EINVAL);
	CHECK_INT(nfu_fib_count(fib), 0);
	CHECK(nfu_fib_lookup(fib, ip(10, 0, 0, 1), NULL, NULL) == NULL);
	/* Edges that are valid. */
	CHECK_INT(add(fib, ip(255, 255, 255, 255), 32, MAIN, 0, 1), 0);
	CHECK_INT(add(fib, ip(0, 0, 0, 2), 31, MAIN, 0, 1), 0);
	CHECK_INT(add(fib, ip(128, 0, 0, 0), 1, MAIN, 0, 1), 0);
	CHECK_INT(nfu_fib_count(fib), 3);
	nfu_fib_free(fib);
}

/* Insert keeps a copy, with every field. */
static void test_copy(void)
{
	struct nfu_fib *fib = nfu_fib_new();
	struct nfu_route rt = route(ip(198, 51, 100, 0), 24, MAIN, 20, 3), want;
	const struct nfu_route *got;

	REQUIRE(fib);
	rt.type = NFU_RTN_BLACKHOLE;
	rt.scope = NFU_RT_SCOPE_LINK;
	rt.gateway = ip(198, 51, 100, 1);
	rt.prefsrc = ip(198, 51, 100, 2);
	want = rt;
	CHECK_INT(nfu_fib_insert(fib, &rt), 0);
	memset(&rt, 0xa5, sizeof(rt));
	got = nfu_fib_lookup(fib, ip(198, 51, 100, 77), NULL, NULL);
	CHECK(got != NULL);
	if (got)
		CHECK_MEM(got, &want, sizeof(want));
	nfu_fib_free(fib);
}

struct refuse {
	int down[8];            /* ifindexes the callback refuses */
	unsigned int ndown;
	int asked[16];          /* ifindexes it was asked about, in order */
	unsigned int nasked;
};

static int usable_cb(void *priv, const struct nfu_route *rt)
{
	struct refuse *r = priv;
	unsigned int i;

	if (r->nasked < 16)
		r->asked[r->nasked++] = rt->ifindex;
	for (i = 0; i < r->ndown; i++)
		if (r->down[i] == rt->ifindex)
			return 0;
	return 1;
}

static int lookup_refusing(const struct nfu_fib *fib, uint32_t daddr,
			   struct refuse *r)
{
	const struct nfu_route *rt;

	r->nasked = 0;
	rt = nfu_fib_lookup(fib, daddr, usable_cb, r);
	return rt ? rt->ifindex : 0;
}

static void test_usable_backtrack(void)
{
	struct nfu_fib *fib = nfu_fib_new();
	struct refuse r = { .ndown = 0 };
	uint32_t a = ip(10, 1, 2, 3);

	REQUIRE(fib);
	CHECK_INT(add(fib, ip(10, 1, 2, 0), 24, MAIN, 2, 3), 0);
	CHECK_INT(add(fib, ip(10, 1, 2, 0), 24, MAIN, 1, 2), 0);
	CHECK_INT(add(fib, ip(10, 1, 0, 0), 16, MAIN, 0, 4), 0);
	CHECK_INT(add(fib, ip(10, 1, 2, 4), 30, MAIN, 0, 6), 0);
	CHECK_INT(add(fib, 0, 0, MAIN, 0, 5), 0);

	CHECK_INT(lookup_refusing(fib, a, &r), 2);
	CHECK_INT(r.nasked, 1);

	r.down[r.ndown++] = 2;
	CHECK_INT(lookup_refusing(fib, a, &r), 3);
	CHECK_INT(r.nasked, 2);

	r.down[r.ndown++] = 3;
	CHECK_INT(lookup_refusing(fib, a, &r), 4);

	r.down[r.ndown++] = 4;
	CHECK_INT(lookup_refusing(fib, a, &r), 5);
	/* Candidates came in lookup order: /24 by metric, /16, /0; the /30
	 * that does not contain the address was never offered. */
	CHECK_INT(r.nasked, 4);
	CHECK_INT(r.asked[0], 2);
	CHECK_INT(r.asked[1], 3);
	CHECK_INT(r.asked[2], 4);
	CHECK_INT(r.asked[3], 5);

	r.down[r.ndown++] = 5;
	CHECK_INT(lookup_refusing(fib, a, &r), 0);
	CHECK_INT(r.nasked, 4);

	/* A usable longer prefix still wins. */
	CHECK_INT(lookup_refusing(fib, ip(10, 1, 2, 5), &r), 6);
	CHECK_INT(r.nasked, 1);
	nfu_fib_free(fib);
}

struct collect {
	struct nfu_route *v;
	size_t n, cap;
	size_t stop_after;      /* 0: never stop */
};

static int collect_cb(void *priv, const struct nfu_route *rt)
{
	struct collect *c = priv;

	if (c->n < c->cap)
		c->v[c->n] = *rt;
	c->n++;
	if (c->stop_after && c->n == c->stop_after)
		return 42;
	return 0;
}

static void test_walk_order(void)
{
	struct nfu_fib *fib = nfu_fib_new();
	struct nfu_route v[16];
	struct collect c = { .v = v, .cap = 16 };
	static const int want[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	size_t i;

	REQUIRE(fib);
	/* Shuffled; the ifindex is the expected position. */
	CHECK_INT(add(fib, ip(192, 168, 1, 0), 24, MAIN, 0, 8), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 16, MAIN, 0, 4), 0);
	CHECK_INT(add(fib, 0, 0, MAIN, 0, 1), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, MAIN, 7, 3), 0);
	CHECK_INT(add(fib, ip(255, 255, 255, 255), 32, LOCAL, 0, 9), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 0), 8, LOCAL, 9, 2), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 1), 32, MAIN, 0, 5), 0);
	CHECK_INT(add(fib, ip(10, 0, 0, 2), 31, MAIN, 0, 6), 0);
	CHECK_INT(add(fib, ip(10, 1, 0, 0), 16, MAIN, 0, 7), 0);

	memset(v, 0, sizeof(v));
	CHECK_INT(nfu_fib_walk(fib, collect_cb, &c), 0);
	CHECK_INT(c.n, 9);
	for (i = 0; i < 9; i++)
		CHECK_INT(v[i].ifindex, want[i]);

	c.n = 0;
	c.stop_after = 4;
	CHECK_INT(nfu_fib_walk(fib, collect_cb, &c), 42);
	CHECK_INT(c.n, 4);
	nfu_fib_free(fib);
}

/* ---- the naive reference ------------------------------------------ */

struct horrible_route {
	struct nfu_route rt;
	uint64_t seq;           /* insertion order */
};

struct horrible {
	struct horrible_route *v;
	size_t n, cap;
	uint64_t seq;
};

/* The netmask of 'plen', host order, computed otherwise than the trie
 * does (a 64-bit shift, where /0 needs no special case). */
static uint32_t horrible_mask(unsigned int plen)
{
	return (uint32_t)(UINT64_C(0xffffffff00000000) >> plen);
}

static int horrible_match(uint32_t net, unsigned int plen, uint32_t addr)
{
	return (ntohl(net) & horrible_mask(plen)) ==
	       (ntohl(addr) & horrible_mask(plen));
}

static int horrible_insert(struct horrible *h, const struct nfu_route *rt)
{
	size_t k;

	if (rt->plen > 32)
		return -EINVAL;
	if (ntohl(rt->dst) & ~horrible_mask(rt->plen))
		return -EINVAL;
	for (k = 0; k < h->n; k++) {
		const struct nfu_route *o = &h->v[k].rt;

		if (o->dst == rt->dst && o->plen == rt->plen &&
		    o->table == rt->table && o->metric == rt->metric)
			return -EEXIST;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;
		struct horrible_route *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n].rt = *rt;
	h->v[h->n].seq = h->seq++;
	h->n++;
	return 0;
}

static int horrible_delete(struct horrible *h, const struct nfu_route *rt)
{
	size_t k;

	for (k = 0; k < h->n; k++) {
		const struct nfu_route *o = &h->v[k].rt;

		if (o->dst == rt->dst && o->plen == rt->plen &&
		    o->table == rt->table && o->metric == rt->metric) {
			h->v[k] = h->v[--h->n];
			return 0;
		}
	}
	return -ESRCH;
}

/* Is 'a' a better answer than 'b'? */
static int horrible_better(const struct horrible_route *a,
			   const struct horrible_route *b)
{
	int a_local = a->rt.table == LOCAL, b_local = b->rt.table == LOCAL;

	if (a->rt.plen != b->rt.plen)
		return a->rt.plen > b->rt.plen;
	if (a_local != b_local)
		return a_local;
	if (a->rt.metric != b->rt.metric)
		return a->rt.metric < b->rt.metric;
	return a->seq < b->seq;
}

/* The best route that 'usable' accepts: the same as offering candidates in
 * order and taking the first accepted, as long as 'usable' depends on the
 * route alone. */
static const struct nfu_route *horrible_lookup(const struct horrible *h,
					       uint32_t daddr,
					       nfu_fib_usable_fn *usable,
					       void *priv)
{
	const struct horrible_route *best = NULL;
	size_t k;

	for (k = 0; k < h->n; k++) {
		const struct horrible_route *c = &h->v[k];

		if (!horrible_match(c->rt.dst, c->rt.plen, daddr))
			continue;
		if (best && !horrible_better(c, best))
			continue;
		if (usable && !usable(priv, &c->rt))
			continue;
		best = c;
	}
	return best ? &best->rt : NULL;
}

static int horrible_walk_cmp(const void *pa, const void *pb)
{
	const struct horrible_route *a = pa, *b = pb;
	uint32_t da = ntohl(a->rt.dst), db = ntohl(b->rt.dst);
	int a_local = a->rt.table == LOCAL, b_local = b->rt.table == LOCAL;

	if (da != db)
		return da < db ? -1 : 1;
	if (a->rt.plen != b->rt.plen)
		return a->rt.plen < b->rt.plen ? -1 : 1;
	if (a_local != b_local)
		return a_local ? -1 : 1;
	if (a->rt.metric != b->rt.metric)
		return a->rt.metric < b->rt.metric ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---- random comparison -------------------------------------------- */

static uint64_t rng_state;

/* splitmix64: fixed seeds give the same run everywhere. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* Shapes of random tables. */
enum shape {
	SHAPE_SPREAD,   /* any address, any length: few overlaps */
	SHAPE_NARROW,   /* all within 10.0.0.0/20: deep, dense trie */
	SHAPE_NESTED,   /* most prefixes nested inside earlier ones */
};

static uint32_t host_mask(unsigned int plen)
{
	return plen == 0 ? 0 : ~UINT32_C(0) << (32 - plen);
}

/* A random route, valid but for the odd one with host bits set; the
 * ifindex is a serial number that identifies it. */
static struct nfu_route random_route(const struct horrible *h, enum shape s,
				     int serial)
{
	static const uint8_t tables[] = { MAIN, MAIN, LOCAL, 100 };
	uint32_t addr = (uint32_t)rnd(), m;
	unsigned int plen = rnd_below(33);
	struct nfu_route rt;

	if (s == SHAPE_NARROW) {
		addr = 0x0a000000 | (addr & 0xfff);
		if (plen < 20 && rnd_below(4))
			plen = 20 + rnd_below(13);
	} else if (s == SHAPE_NESTED && h->n && rnd_below(4)) {
		const struct nfu_route *o = &h->v[rnd_below((uint32_t)h->n)].rt;

		/* Inside 'o', or sharing its start with a shorter length. */
		m = host_mask(o->plen);
		addr = (ntohl(o->dst) & m) | (addr & ~m);
		if (rnd_below(3) == 0 && o->plen > 0)
			plen = rnd_below(o->plen);
		else
			plen = o->plen + rnd_below(33 - o->plen);
	}
	m = host_mask(plen);
	if (rnd_below(64))
		addr &= m;
	/* One draw per statement: argument evaluation order is unspecified,
	 * and the run must be the same with every compiler. */
	rt = route(htonl(addr), plen, tables[rnd_below(4)], 0, serial);
	rt.metric = rnd_below(3);
	if (rnd_below(8) == 0)
		rt.metric = (uint32_t)rnd();
	return rt;
}

/* An address to look up: often inside a route, so that long prefixes are
 * hit, otherwise anywhere (or for SHAPE_NARROW, near the routes). */
static uint32_t random_addr(const struct horrible *h, enum shape s)
{
	uint32_t a = (uint32_t)rnd(), m;

	if (h->n && rnd_below(3)) {
		const struct nfu_route *o = &h->v[rnd_below((uint32_t)h->n)].rt;

		m = host_mask(o->plen);
		a = (ntohl(o->dst) & m) | (a & ~m);
	} else if (s == SHAPE_NARROW && rnd_below(2)) {
		a = 0x0a000000 | (a & 0x1fff);
	}
	return htonl(a);
}

/* Refuses a fixed, route-dependent share of routes. */
static int usable_hash(void *priv, const struct nfu_route *rt)
{
	uint32_t k = *(const uint32_t *)priv;

	return ((uint32_t)rt->ifindex * 2654435761u ^ k) % 3 != 0;
}

static int usable_none(void *priv, const struct nfu_route *rt)
{
	(void)priv;
	(void)rt;
	return 0;
}

static int same_answer(const struct nfu_route *got,
		       const struct nfu_route *want, uint32_t daddr,
		       uint64_t seed, const char *how)
{
	char a[INET_ADDRSTRLEN];

	if (!got && !want)
		return 1;
	if (got && want && memcmp(got, want, sizeof(*got)) == 0)
		return 1;
	inet_ntop(AF_INET, &daddr, a, sizeof(a));
	HARNESS_FAIL("seed %" PRIu64 ", lookup %s (%s): got route #%d, "
		     "want #%d", seed, a, how, got ? got->ifindex : 0,
		     want ? want->ifindex : 0);
	return 0;
}

/* Looks 'n' random addresses up in both, with and without 'usable'. */
static int compare_lookups(const struct nfu_fib *fib, const struct horrible *h,
			   enum shape s, unsigned int n, uint64_t seed)
{
	const struct nfu_route *got, *want;
	uint32_t daddr, k;
	unsigned int i;

	for (i = 0; i < n; i++) {
		harness_checks++;
		daddr = random_addr(h, s);
		got = nfu_fib_lookup(fib, daddr, NULL, NULL);
		want = horrible_lookup(h, daddr, NULL, NULL);
		if (!same_answer(got, want, daddr, seed, "all usable"))
			return 0;

		k = (uint32_t)rnd();
		got = nfu_fib_lookup(fib, daddr, usable_hash, &k);
		want = horrible_lookup(h, daddr, usable_hash, &k);
		if (!same_answer(got, want, daddr, seed, "some refused"))
			return 0;

		if (i % 64 == 0) {
			got = nfu_fib_lookup(fib, daddr, usable_none, NULL);
			if (!same_answer(got, NULL, daddr, seed, "none usable"))
				return 0;
		}
	}
	return 1;
}

/* The walk gives every route once, in (dst, plen, lookup) order. */
static int compare_walk(const struct nfu_fib *fib, struct horrible *h,
			uint64_t seed)
{
	struct collect c;
	size_t k;
	int ok = 1;

	harness_checks++;
	c.cap = h->n;
	c.n = 0;
	c.stop_after = 0;
	c.v = malloc((h->n ? h->n : 1) * sizeof(*c.v));
	if (!c.v) {
		HARNESS_FAIL("out of memory");
		return 0;
	}
	/* Sorting reorders the reference, which only changes which routes
	 * later random picks choose: still deterministic. */
	qsort(h->v, h->n, sizeof(*h->v), horrible_walk_cmp);
	if (nfu_fib_walk(fib, collect_cb, &c) != 0 || c.n != h->n) {
		HARNESS_FAIL("seed %" PRIu64 ": walk gave %zu routes, want %zu",
			     seed, c.n, h->n);
		ok = 0;
	}
	for (k = 0; ok && k < h->n; k++) {
		if (memcmp(&c.v[k], &h->v[k].rt, sizeof(c.v[k])) != 0) {
			HARNESS_FAIL("seed %" PRIu64 ": walk position %zu: "
				     "route #%d, want #%d", seed, k,
				     c.v[k].ifindex, h->v[k].rt.ifindex);
			ok = 0;
		}
	}
	free(c.v);
	return ok;
}

/* One randomized run: a mix of inserts, deletes of present and absent
 * routes, and lookups, checked against the reference as it goes; then
 * the walk, then everything deleted in random order. */
static int random_run(uint64_t seed, enum shape s, unsigned int max_routes,
		      unsigned int ops)
{
	struct nfu_fib *fib = nfu_fib_new();
	struct horrible h = { .v = NULL };
	struct nfu_route rt;
	unsigned int i, op;
	int serial = 1, got, want, ok = 0;

	rng_state = seed;
	if (!fib) {
		HARNESS_FAIL("out of memory");
		return 0;
	}
	for (i = 0; i < ops; i++) {
		op = rnd_below(16);
		harness_checks++;
		if (op < 10 && h.n < max_routes) {
			rt = random_route(&h, s, serial++);
			want = horrible_insert(&h, &rt);
			got = nfu_fib_insert(fib, &rt);
		} else if (op < 12 && h.n) {
			rt = h.v[rnd_below((uint32_t)h.n)].rt;
			want = horrible_delete(&h, &rt);
			got = nfu_fib_delete(fib, &rt);
		} else if (op < 15) {
			/* Mostly absent; sometimes present by chance. */
			rt = random_route(&h, s, 0);
			want = horrible_delete(&h, &rt);
			got = nfu_fib_delete(fib, &rt);
		} else {
			if (!compare_lookups(fib, &h, s, 2, seed))
				goto out;
			continue;
		}
		if (got != want) {
			HARNESS_FAIL("seed %" PRIu64 ", op %u, route #%d: "
				     "got %d, want %d", seed, i, rt.ifindex,
				     got, want);
			goto out;
		}
		if (nfu_fib_count(fib) != h.n) {
			HARNESS_FAIL("seed %" PRIu64 ", op %u: count %zu, "
				     "want %zu", seed, i, nfu_fib_count(fib),
				     h.n);
			goto out;
		}
	}
	if (!compare_lookups(fib, &h, s, 600, seed))
		goto out;
	if (!compare_walk(fib, &h, seed))
		goto out;

	while (h.n) {
		rt = h.v[rnd_below((uint32_t)h.n)].rt;
		harness_checks++;
		if (horrible_delete(&h, &rt) != 0 ||
		    nfu_fib_delete(fib, &rt) != 0) {
			HARNESS_FAIL("seed %" PRIu64 ": final delete of "
				     "route #%d failed", seed, rt.ifindex);
			goto out;
		}
		if (h.n % 256 == 0 && !compare_lookups(fib, &h, s, 8, seed))
			goto out;
	}
	CHECK_INT(nfu_fib_count(fib), 0);
	CHECK(nfu_fib_lookup(fib, 0, NULL, NULL) == NULL);
	ok = 1;
out:
	nfu_fib_free(fib);
	free(h.v);
	return ok;
}

static void test_random_spread(void)
{
	uint64_t seed;

	for (seed = 1; seed <= 3; seed++)
		REQUIRE(random_run(seed, SHAPE_SPREAD, 3000, 6000));
}

static void test_random_narrow(void)
{
	uint64_t seed;

	/* Small tables first: most structure changes per route. */
	for (seed = 100; seed < 140; seed++)
		REQUIRE(random_run(seed, SHAPE_NARROW, 8 + 2 * (seed % 20),
				   300));
	for (seed = 200; seed < 202; seed++)
		REQUIRE(random_run(seed, SHAPE_NARROW, 2500, 6000));
}

static void test_random_nested(void)
{
	uint64_t seed;

	for (seed = 300; seed < 340; seed++)
		REQUIRE(random_run(seed, SHAPE_NESTED, 8 + 2 * (seed % 20),
				   300));
	for (seed = 400; seed < 402; seed++)
		REQUIRE(random_run(seed, SHAPE_NESTED, 3000, 6000));
}

int main(void)
{
	RUN(test_empty);
	RUN(test_default_route);
	RUN(test_host_route);
	RUN(test_overlapping);
	RUN(test_metric_order);
	RUN(test_insertion_order);
	RUN(test_local_before_main);
	RUN(test_delete);
	RUN(test_eexist);
	RUN(test_einval);
	RUN(test_copy);
	RUN(test_usable_backtrack);
	RUN(test_walk_order);
	RUN(test_random_spread);
	RUN(test_random_narrow);
	RUN(test_random_nested);
	return harness_done();
}
