/* SPDX-License-Identifier: MIT */
/*
 * ipv4/fib.c - the FIB as a path-compressed binary radix trie.
 *
 * Each node stands for one prefix: 'key'/'plen', the key in host byte
 * order with every bit below the prefix zero.  A node's children extend
 * its prefix by the bit at position 'plen' (0 is the most significant):
 * child[0] when that bit is 0, child[1] when it is 1.  The compression is
 * that a child may be any number of bits longer than its parent, so no
 * chain of one-child nodes is ever built.
 *
 * Invariant, kept by insert and delete: a node holding no route has
 * exactly two children; it exists only to branch.  So n prefixes take
 * fewer than 2n nodes, and since prefix lengths strictly grow along any
 * path from the root, a lookup visits at most 33 nodes (/0 to /32).
 *
 * A lookup descends while the node's prefix contains the address and
 * pushes each node that holds routes on a 33-slot array on the C stack;
 * the top is the longest match.  Backtracking past candidates the
 * 'usable' callback refuses is then a pop, with no parent pointers and
 * no allocation.
 *
 * The routes of one prefix are a singly linked list kept in lookup order
 * (local table, then metric, then insertion), so a lookup takes the head
 * and insert pays for the ordering; lists are short (one per table and
 * metric).
 *
 * Walking the trie in pre-order, child[0] before child[1], gives the
 * (dst, plen) order the header promises: a node's prefix sorts before
 * every longer prefix under it, and all of child[0]'s addresses are below
 * child[1]'s.
 */
#include "ipv4/fib.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>

/* Prefix lengths 0..32 along one path: the deepest possible lookup. */
#define FIB_MAX_DEPTH 33

struct fib_entry {
	struct nfu_route rt;
	struct fib_entry *next;
};

struct fib_node {
	uint32_t key;               /* host order, bits below 'plen' zero */
	uint8_t plen;
	struct fib_node *child[2];
	struct fib_entry *routes;   /* lookup order; NULL: a branch node */
};

struct nfu_fib {
	struct fib_node *root;
	size_t count;               /* routes, not nodes */
};

static uint32_t mask(unsigned int plen)
{
	/* Shifting a 32-bit value by 32 is undefined, so /0 is its own case. */
	return plen ? ~UINT32_C(0) << (32 - plen) : 0;
}

/* Bit 'pos' of 'key', counting from the most significant (pos < 32). */
static unsigned int bit(uint32_t key, unsigned int pos)
{
	return (key >> (31 - pos)) & 1;
}

/* How many leading bits 'a' and 'b' share, at most 'max'. */
static unsigned int common_len(uint32_t a, uint32_t b, unsigned int max)
{
	uint32_t diff = a ^ b;
	unsigned int n = diff ? (unsigned int)__builtin_clz(diff) : 32;

	return n < max ? n : max;
}

static int node_contains(const struct fib_node *n, uint32_t key)
{
	return ((key ^ n->key) & mask(n->plen)) == 0;
}

/* Does 'a' come strictly before 'b' among routes of one prefix?  Routes
 * that tie keep their insertion order, because insert places a new route
 * after every route it does not come before. */
static int route_before(const struct nfu_route *a, const struct nfu_route *b)
{
	int a_local = a->table == NFU_RT_TABLE_LOCAL;
	int b_local = b->table == NFU_RT_TABLE_LOCAL;

	if (a_local != b_local)
		return a_local;
	return a->metric < b->metric;
}

static struct fib_node *node_new(uint32_t key, unsigned int plen)
{
	struct fib_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->key = key;
	n->plen = (uint8_t)plen;
	return n;
}

static struct fib_entry *entry_new(const struct nfu_route *rt)
{
	struct fib_entry *e = malloc(sizeof(*e));

	if (!e)
		return NULL;
	e->rt = *rt;
	e->next = NULL;
	return e;
}

struct nfu_fib *nfu_fib_new(void)
{
	return calloc(1, sizeof(struct nfu_fib));
}

static void node_free(struct fib_node *n)
{
	struct fib_entry *e, *next;

	if (!n)
		return;
	for (e = n->routes; e; e = next) {
		next = e->next;
		free(e);
	}
	/* Recursion depth is bounded by FIB_MAX_DEPTH. */
	node_free(n->child[0]);
	node_free(n->child[1]);
	free(n);
}

void nfu_fib_free(struct nfu_fib *fib)
{
	if (!fib)
		return;
	node_free(fib->root);
	free(fib);
}

/* Adds 'rt' to the routes of node 'n', whose prefix is that of 'rt'. */
static int node_add_route(struct nfu_fib *fib, struct fib_node *n,
			  const struct nfu_route *rt)
{
	struct fib_entry **pos, *e;

	for (e = n->routes; e; e = e->next)
		if (e->rt.table == rt->table && e->rt.metric == rt->metric)
			return -EEXIST;

	for (pos = &n->routes; *pos; pos = &(*pos)->next)
		if (route_before(rt, &(*pos)->rt))
			break;

	e = entry_new(rt);
	if (!e)
		return -ENOMEM;
	e->next = *pos;
	*pos = e;
	fib->count++;
	return 0;
}

int nfu_fib_insert(struct nfu_fib *fib, const struct nfu_route *rt)
{
	struct fib_node **slot, *n, *node, *branch = NULL;
	struct fib_entry *e;
	unsigned int plen = rt->plen, cl = 0;
	uint32_t key;
	int err;

	if (plen > 32)
		return -EINVAL;
	key = ntohl(rt->dst);
	if (key & ~mask(plen))
		return -EINVAL;

	/* Descend while the node's prefix is a prefix of the new one.  We stop
	 * on the node itself, on an empty slot, or on a node 'n' that the new
	 * prefix does not extend: then 'cl' bits are shared and the new node
	 * goes above 'n', either as its parent (cl == plen) or as its sibling
	 * under a new branch node of 'cl' bits. */
	slot = &fib->root;
	while ((n = *slot) != NULL) {
		cl = common_len(key, n->key, plen < n->plen ? plen : n->plen);
		if (cl < n->plen)
			break;
		if (n->plen == plen)
			return node_add_route(fib, n, rt);
		slot = &n->child[bit(key, n->plen)];
	}

	/* Allocate everything before linking anything, so that -ENOMEM
	 * leaves the trie as it was. */
	err = -ENOMEM;
	e = entry_new(rt);
	if (!e)
		goto err;
	node = node_new(key, plen);
	if (!node)
		goto err_entry;
	if (n && cl < plen) {
		branch = node_new(key & mask(cl), cl);
		if (!branch)
			goto err_node;
	}

	node->routes = e;
	if (branch) {
		/* 'cl' is below both lengths, so bit 'cl' is where they part. */
		assert(bit(key, cl) != bit(n->key, cl));
		branch->child[bit(key, cl)] = node;
		branch->child[bit(n->key, cl)] = n;
		*slot = branch;
	} else {
		if (n)
			node->child[bit(n->key, plen)] = n;
		*slot = node;
	}
	fib->count++;
	return 0;

err_node:
	free(node);
err_entry:
	free(e);
err:
	return err;
}

/* Node '*slot' has just lost its last route: remove it unless it still
 * branches, and if that leaves its parent (at '*parent_slot', NULL for
 * the root) a route-less node with one child, remove the parent too.  No
 * further node can be affected: replacing a node by its only child keeps
 * the grandparent's number of children. */
static void prune(struct fib_node **slot, struct fib_node **parent_slot)
{
	struct fib_node *n = *slot, *p;

	if (n->child[0] && n->child[1])
		return;
	*slot = n->child[0] ? n->child[0] : n->child[1];
	free(n);
	if (*slot || !parent_slot)
		return;

	p = *parent_slot;
	if (p->routes)
		return;
	/* A branch node had two children by the invariant; one is gone. */
	assert(!p->child[0] != !p->child[1]);
	*parent_slot = p->child[0] ? p->child[0] : p->child[1];
	free(p);
}

int nfu_fib_delete(struct nfu_fib *fib, const struct nfu_route *rt)
{
	struct fib_node **slot, **parent_slot = NULL, *n;
	struct fib_entry **pos, *e;
	uint32_t key;

	if (rt->plen > 32)
		return -ESRCH;
	key = ntohl(rt->dst);

	slot = &fib->root;
	while ((n = *slot) != NULL && n->plen < rt->plen) {
		if (!node_contains(n, key))
			return -ESRCH;
		parent_slot = slot;
		slot = &n->child[bit(key, n->plen)];
	}
	if (!n || n->plen != rt->plen || n->key != key)
		return -ESRCH;

	for (pos = &n->routes; (e = *pos) != NULL; pos = &e->next)
		if (e->rt.table == rt->table && e->rt.metric == rt->metric)
			break;
	if (!e)
		return -ESRCH;

	*pos = e->next;
	free(e);
	fib->count--;
	if (!n->routes)
		prune(slot, parent_slot);
	return 0;
}

const struct nfu_route *nfu_fib_lookup(const struct nfu_fib *fib,
				       uint32_t daddr,
				       nfu_fib_usable_fn *usable, void *priv)
{
	const struct fib_node *stack[FIB_MAX_DEPTH], *n;
	const struct fib_entry *e;
	unsigned int depth = 0;
	uint32_t key = ntohl(daddr);

	for (n = fib->root; n && node_contains(n, key);) {
		if (n->routes) {
			assert(depth < FIB_MAX_DEPTH);
			stack[depth++] = n;
		}
		if (n->plen == 32)
			break;
		n = n->child[bit(key, n->plen)];
	}

	/* Longest prefix first; within a prefix, the list is in lookup
	 * order.  A refused candidate sends us to the next one, and past
	 * the last of a prefix to the next shorter matching prefix. */
	while (depth > 0) {
		for (e = stack[--depth]->routes; e; e = e->next)
			if (!usable || usable(priv, &e->rt))
				return &e->rt;
	}
	return NULL;
}

/* 'fn' must not insert or delete: the walk holds pointers into the trie. */
static int node_walk(const struct fib_node *n,
		     int (*fn)(void *priv, const struct nfu_route *rt),
		     void *priv)
{
	const struct fib_entry *e;
	int ret;

	if (!n)
		return 0;
	for (e = n->routes; e; e = e->next) {
		ret = fn(priv, &e->rt);
		if (ret)
			return ret;
	}
	ret = node_walk(n->child[0], fn, priv);
	if (ret)
		return ret;
	return node_walk(n->child[1], fn, priv);
}

int nfu_fib_walk(const struct nfu_fib *fib,
		 int (*fn)(void *priv, const struct nfu_route *rt), void *priv)
{
	return node_walk(fib->root, fn, priv);
}

size_t nfu_fib_count(const struct nfu_fib *fib)
{
	return fib->count;
}
