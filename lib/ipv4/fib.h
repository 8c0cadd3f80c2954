/* SPDX-License-Identifier: MIT */
/*
 * ipv4/fib.h - the forwarding information base: longest-prefix match over
 * the routes of the local and main tables.
 *
 * What?
 *   One structure holds the routes of both tables, as Linux's merged trie
 *   does when no policy rules exist.  A lookup returns the route with the
 *   longest prefix containing the address; among routes of that prefix,
 *   the local table's first, then the lowest metric, then the one inserted
 *   first.  An optional 'usable' callback lets the caller refuse a
 *   candidate (a route through a device that is down), and the lookup then
 *   goes on to the next candidate, shorter prefixes included, as Linux
 *   backtracks past dead next hops.
 *
 * Basic design
 *   A binary radix trie with path compression (see fib.c); routes of one
 *   prefix hang off its node in lookup order.  Lookup does not allocate and
 *   costs at most 33 node visits.  Insert and delete allocate/free nodes.
 *
 * Thread-safety
 *   None: the stack's thread only.
 */
#ifndef NFU_IPV4_FIB_H
#define NFU_IPV4_FIB_H

#include <stddef.h>
#include <stdint.h>

#include "nfu/net.h"

struct nfu_fib;

struct nfu_fib *nfu_fib_new(void);
void nfu_fib_free(struct nfu_fib *fib);

/* Adds a copy of 'rt'.  Returns 0; -EINVAL when plen > 32 or 'rt->dst' has
 * bits set beyond the prefix; -EEXIST when a route with the same table,
 * dst, plen and metric exists; -ENOMEM. */
int nfu_fib_insert(struct nfu_fib *fib, const struct nfu_route *rt);

/* Removes the route with the table, dst, plen and metric of 'rt'.
 * Returns 0 or -ESRCH. */
int nfu_fib_delete(struct nfu_fib *fib, const struct nfu_route *rt);

typedef int nfu_fib_usable_fn(void *priv, const struct nfu_route *rt);

/* The route for 'daddr' (network order) or NULL.  'usable' may be NULL.
 * The pointer stays valid until the next insert or delete. */
const struct nfu_route *nfu_fib_lookup(const struct nfu_fib *fib,
				       uint32_t daddr,
				       nfu_fib_usable_fn *usable, void *priv);

/* Calls 'fn' on every route, prefixes in ascending (dst, plen) order; stops
 * and returns fn's value when it is non-zero.  'fn' must not insert or
 * delete: collect first, change after. */
int nfu_fib_walk(const struct nfu_fib *fib,
		 int (*fn)(void *priv, const struct nfu_route *rt), void *priv);

size_t nfu_fib_count(const struct nfu_fib *fib);

#endif
