/* SPDX-License-Identifier: MIT */
/*
 * Connection tracking's core: the table, lookup and creation of
 * connections, their confirmation, timeouts and collection, the table's
 * limit, and the hook functions (Linux's nf_conntrack_core.c,
 * nf_conntrack_proto.c and nf_defrag_ipv4.c, in nfu's own words).
 * See ct-private.h for the design.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "conntrack/ct-private.h"
#include "nat/nat-private.h"
#include "core/csum.h"
#include "ipv4/ipv4-private.h"

#define NS_PER_SEC 1000000000ull
/* The collector looks at 1/GC_SLICES of the buckets once a second of the
 * stack's clock (Linux's gc_worker also runs about once a second over a
 * part of the table): the whole table within about a minute, and no
 * packet pays for it (touching buckets at random costs cache misses). */
#define GC_SLICES 64u
/* Buckets early_drop() looks into (Linux's NF_CT_EVICTION_RANGE). */
#define EVICTION_RANGE 8u

/*
 * SipHash-2-4 (Aumasson and Bernstein), keyed per stack: the bucket of a
 * tuple cannot be chosen by whoever sends the packets.
 */
static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                              \
	do {                                                                  \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);     \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                        \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                        \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);     \
	} while (0)

static uint64_t siphash24(const uint64_t key[2], const uint64_t *m,
			  unsigned int nwords)
{
	uint64_t v0 = 0x736f6d6570736575ull ^ key[0];
	uint64_t v1 = 0x646f72616e646f6dull ^ key[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ key[0];
	uint64_t v3 = 0x7465646279746573ull ^ key[1];
	uint64_t b = (uint64_t)(nwords * 8) << 56;

	for (unsigned int i = 0; i < nwords; i++) {
		v3 ^= m[i];
		SIPROUND;
		SIPROUND;
		v0 ^= m[i];
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint32_t hash_tuple(const struct nfu_ct_net *cn,
			   const struct nfu_ct_tuple *t, uint16_t zone)
{
	uint64_t m[3];

	memcpy(m, t, sizeof(*t));
	m[2] = zone;
	return (uint32_t)siphash24(cn->seed, m, 3) & (cn->nbuckets - 1);
}

static bool tuple_eq(const struct nfu_ct_tuple *a, const struct nfu_ct_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto;
}

/* nf_ct_zone_equal(): are 'ct' and 'zone' the same zone for tuples of
 * direction 'dir'? */
static bool zone_eq(const struct nfu_ct *ct, const struct nfu_ct_zone *zone,
		    unsigned int dir)
{
	return nfu_ct_zone_id(&ct->czone, dir) == nfu_ct_zone_id(zone, dir);
}

static uint64_t now_ns(const struct nfu_ct_net *cn)
{
	return nfu_net_now(cn->net);
}

static bool expired(const struct nfu_ct *ct, uint64_t now)
{
	return (ct->status & NFU_IPS_CONFIRMED) && (int64_t)(ct->timeout - now) <= 0;
}

/*
 * Life of a connection.
 */

/*
 * Connections come from 2 MiB chunks (transparent huge pages where the
 * kernel gives them: a table of a million connections touched at random
 * costs a TLB miss per lookup in 4 KiB pages) with a free list, as
 * Linux's slab cache: no allocator overhead per connection.
 */
#define CHUNK_SIZE (2u << 20)

struct ct_chunk {
	struct ct_chunk *next;
};

static void *huge_alloc(size_t size)
{
	size_t rounded = (size + CHUNK_SIZE - 1) & ~(size_t)(CHUNK_SIZE - 1);
	void *p = NULL;

	if (posix_memalign(&p, CHUNK_SIZE, rounded))
		return NULL;
	madvise(p, rounded, MADV_HUGEPAGE); /* a hint: fine if refused */
	return p;
}

static struct nfu_ct *ct_alloc(struct nfu_ct_net *cn)
{
	struct nfu_ct *ct = cn->free_cts;

	if (ct) {
		cn->free_cts = (struct nfu_ct *)(void *)ct->tuplehash[0].next;
	} else {
		/* the newest chunk's next unused slot (handed out one at a
		 * time: a fresh stack touches no more pages than it uses) */
		if (!cn->chunks || cn->chunk_next == cn->chunk_end) {
			struct ct_chunk *c = huge_alloc(CHUNK_SIZE);
			size_t per = (CHUNK_SIZE - sizeof(*c)) / sizeof(*ct);

			if (!c)
				return NULL;
			c->next = cn->chunks;
			cn->chunks = c;
			cn->chunk_next = (struct nfu_ct *)(void *)(c + 1);
			cn->chunk_end = cn->chunk_next + per;
		}
		ct = cn->chunk_next++;
	}
	memset(ct, 0, sizeof(*ct));
	return ct;
}

static void cn_free(struct nfu_ct_net *cn)
{
	while (cn->chunks) {
		struct ct_chunk *c = cn->chunks;

		cn->chunks = c->next;
		free(c);
	}
	if (cn->nat)
		nfu_nat_net_free(cn->nat);
	free(cn);
}

static void ct_free(struct nfu_ct *ct)
{
	struct nfu_ct_net *cn = ct->cn;

	if (ct->status & NFU_IPS_TEMPLATE) { /* CT's: allocated alone */
		free(ct);
		return;
	}
	if (ct->nat)
		nfu_nat_ct_free(ct);
	if (ct->master)
		nfu_ct_put(ct->master);
	free(ct->help_data);
	cn->count--;
	ct->tuplehash[0].next = (void *)cn->free_cts;
	cn->free_cts = ct;
	if (cn->dead && cn->count == 0)
		cn_free(cn);
}

int nfu_ct_helper_assign(struct nfu_ct *ct, const struct nfu_ct_helper *h)
{
	if (h->data_size) {
		ct->help_data = calloc(1, h->data_size);
		if (!ct->help_data)
			return -ENOMEM;
	}
	ct->helper = h;
	ct->status |= NFU_IPS_HELPER;
	return 0;
}

struct nfu_ct *nfu_ct_template_new(struct nfu_ct_net *cn, uint16_t zone)
{
	struct nfu_ct *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cn = cn;
	t->status = NFU_IPS_TEMPLATE | NFU_IPS_CONFIRMED;
	t->czone.id = zone;
	t->czone.dir = NFU_CT_DEFAULT_ZONE_DIR;
	t->l4 = &nfu_ct_l4proto_generic;
	t->common.use = 1;
	return t;
}

void nfu_ct_put(struct nfu_ct *ct)
{
	if (ct && --ct->common.use == 0)
		ct_free(ct);
}

static void ct_destroy_cb(struct nfu_net *net, void *ct)
{
	(void)net;
	ct_free(ct);
}

static void unlink_hash(struct nfu_ct_net *cn, struct nfu_ct_tuplehash *h)
{
	uint16_t zone = nfu_ct_zone_id(&nfu_ct_of_hash(h)->czone, h->dir);
	struct nfu_ct_tuplehash **pp = &cn->buckets[hash_tuple(cn, &h->tuple, zone)];

	while (*pp && *pp != h)
		pp = &(*pp)->next;
	if (*pp)
		*pp = h->next;
	h->next = NULL;
}

void nfu_ct_kill(struct nfu_ct *ct)
{
	struct nfu_ct_net *cn = ct->cn;

	if (!(ct->status & NFU_IPS_CONFIRMED) || (ct->status & NFU_IPS_DYING))
		return;
	ct->status |= NFU_IPS_DYING;
	if (ct->expecting)
		nfu_ct_expect_remove_master(ct);
	unlink_hash(cn, &ct->tuplehash[NFU_CT_DIR_ORIGINAL]);
	unlink_hash(cn, &ct->tuplehash[NFU_CT_DIR_REPLY]);
	cn->confirmed--;
	nfu_ct_put(ct); /* the table's reference */
}

void nfu_ct_refresh(struct nfu_ct *ct, uint32_t secs)
{
	uint64_t d = (uint64_t)secs * NS_PER_SEC;

	if (ct->status & NFU_IPS_FIXED_TIMEOUT)
		return;
	/* before confirmation the timeout is relative (Linux adds the time
	 * at confirm) */
	if (ct->status & NFU_IPS_CONFIRMED)
		ct->timeout = now_ns(ct->cn) + d;
	else
		ct->timeout = d;
}

/* The collector: a few buckets per call, expired connections removed. */
static void gc_step(struct nfu_ct_net *cn, unsigned int nbuckets)
{
	uint64_t now = now_ns(cn);

	for (unsigned int i = 0; i < nbuckets && cn->confirmed; i++) {
		struct nfu_ct_tuplehash *h = cn->buckets[cn->gc_next];

		while (h) {
			struct nfu_ct *ct = nfu_ct_of_hash(h);

			if (expired(ct, now)) {
				/* both its tuples leave their chains (the
				 * other may be next here): start again */
				nfu_ct_kill(ct);
				h = cn->buckets[cn->gc_next];
				continue;
			}
			h = h->next;
		}
		cn->gc_next = (cn->gc_next + 1) & (cn->nbuckets - 1);
	}
}

/* The live connection of 'tuple' in 'zone' in chain 'b' (expired ones
 * removed on the way), or NULL; 'dir' its direction.  Linux's
 * nf_ct_key_equal(): the zones compared are those of the direction of
 * the tuple in the chain. */
static struct nfu_ct *chain_find_dir(struct nfu_ct_net *cn, uint32_t b,
				     const struct nfu_ct_tuple *t,
				     const struct nfu_ct_zone *zone,
				     unsigned int *dir)
{
	uint64_t now = now_ns(cn);
	struct nfu_ct_tuplehash *h;

restart:
	for (h = cn->buckets[b]; h; h = h->next) {
		struct nfu_ct *ct = nfu_ct_of_hash(h);

		if (!tuple_eq(&h->tuple, t) || !zone_eq(ct, zone, h->dir))
			continue;
		if (expired(ct, now)) {
			nfu_ct_kill(ct);
			cn->search_restart++;
			goto restart;
		}
		if (dir)
			*dir = h->dir;
		return ct;
	}
	return NULL;
}

/* The lookup of resolve_normal_ct() and nf_conntrack_find_get(): the
 * tuple may be a connection's original one, hashed with the zone's id
 * for that direction, or its reply one, hashed with the other. */
static struct nfu_ct *find_zone(struct nfu_ct_net *cn,
				const struct nfu_ct_tuple *t,
				const struct nfu_ct_zone *zone, unsigned int *dir)
{
	uint16_t oid = nfu_ct_zone_id(zone, NFU_CT_DIR_ORIGINAL);
	uint16_t rid = nfu_ct_zone_id(zone, NFU_CT_DIR_REPLY);
	struct nfu_ct *ct = chain_find_dir(cn, hash_tuple(cn, t, oid), t, zone,
					   dir);

	if (!ct && rid != oid)
		ct = chain_find_dir(cn, hash_tuple(cn, t, rid), t, zone, dir);
	return ct;
}

struct nfu_ct *nfu_ct_find_zone(struct nfu_ct_net *cn,
				const struct nfu_ct_tuple *t,
				const struct nfu_ct_zone *zone,
				unsigned int *dir)
{
	struct nfu_ct *ct = find_zone(cn, t, zone, dir);

	if (ct)
		cn->found++;
	return ct;
}

struct nfu_ct *nfu_ct_find(struct nfu_ct_net *cn, const struct nfu_ct_tuple *t,
			   uint16_t zone, unsigned int *dir)
{
	struct nfu_ct_zone z = { .id = zone, .dir = NFU_CT_DEFAULT_ZONE_DIR };

	return nfu_ct_find_zone(cn, t, &z, dir);
}

struct nfu_ct_zone nfu_ct_zone_tmpl(const struct nfu_ct *tmpl,
				    const struct nfu_pkt *pkt)
{
	struct nfu_ct_zone z = { .id = 0, .dir = NFU_CT_DEFAULT_ZONE_DIR };

	if (!tmpl)
		return z;
	z = tmpl->czone;
	if (z.flags & NFU_CT_FLAG_MARK) {
		/* the id is a u16 in Linux: the mark's low bits */
		z.id = (uint16_t)(pkt->mark & 0xffff);
		z.flags = 0;
	}
	if (!z.dir)
		z.dir = NFU_CT_DEFAULT_ZONE_DIR;
	return z;
}

void nfu_ct_walk(struct nfu_ct_net *cn,
		 void (*fn)(struct nfu_ct *ct, void *priv), void *priv)
{
	for (uint32_t b = 0; b < cn->nbuckets; b++)
		for (struct nfu_ct_tuplehash *h = cn->buckets[b], *next; h; h = next) {
			next = h->next;
			/* each connection once: by its original tuple */
			if (h->dir == NFU_CT_DIR_ORIGINAL)
				fn(nfu_ct_of_hash(h), priv);
		}
}

/* early_drop(): room for one more by dropping an unassured connection
 * near the new one's bucket. */
static bool early_drop(struct nfu_ct_net *cn, uint32_t bucket)
{
	uint64_t now = now_ns(cn);

	for (unsigned int i = 0; i < EVICTION_RANGE; i++) {
		uint32_t b = (bucket + i) & (cn->nbuckets - 1);

		for (struct nfu_ct_tuplehash *h = cn->buckets[b]; h; h = h->next) {
			struct nfu_ct *ct = nfu_ct_of_hash(h);

			/* Linux's early_drop_list(): any unassured one */
			if (expired(ct, now) || !(ct->status & NFU_IPS_ASSURED)) {
				nfu_ct_kill(ct);
				cn->early_drop++;
				return true;
			}
		}
	}
	return false;
}

size_t nfu_ct_l4_len(const struct nfu_pkt *pkt, unsigned int thoff)
{
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	size_t have = pkt->len - (size_t)(ip - pkt->data);
	size_t tot = have >= 4 ? ((size_t)ip[2] << 8 | ip[3]) : 0;

	if (tot > have)
		tot = have;
	return tot > thoff ? tot - thoff : 0;
}

bool nfu_ct_l4_csum_ok(const struct nfu_pkt *pkt, unsigned int thoff,
		       size_t len, uint8_t proto)
{
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	uint32_t sum = 0, s, d;

	if (proto) {
		memcpy(&s, ip + 12, 4);
		memcpy(&d, ip + 16, 4);
		sum = nfu_csum_pseudo(s, d, proto, (uint16_t)len);
	}
	return nfu_csum_fold(nfu_csum_partial(ip + thoff, len, sum)) == 0;
}

bool nfu_ct_get_tuple(const struct nfu_pkt *pkt, unsigned int thoff,
		      const struct nfu_ct_l4proto *l4, struct nfu_ct_tuple *t)
{
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	size_t iplen = pkt->len - (size_t)(ip - pkt->data);

	memset(t, 0, sizeof(*t));
	memcpy(&t->src, ip + 12, 4);
	memcpy(&t->dst, ip + 16, 4);
	t->proto = ip[9];
	if (thoff > iplen)
		return false;
	return l4->pkt_to_tuple(ip + thoff, iplen - thoff, t);
}

/* init_conntrack(): a new, unconfirmed connection for 'tuple' in 'zone'. */
static struct nfu_ct *ct_new(struct nfu_ct_net *cn, const struct nfu_ct_tuple *t,
			     const struct nfu_ct_l4proto *l4,
			     const struct nfu_ct_zone *zone, int *err)
{
	struct nfu_ct *ct;
	struct nfu_ct_tuple r;

	memset(&r, 0, sizeof(r));
	r.src = t->dst;
	r.dst = t->src;
	r.proto = t->proto;
	if (!l4->invert_tuple(&r, t)) {
		*err = 0; /* no connection: the packet is INVALID */
		return NULL;
	}
	if (cn->sysctl.max && cn->count >= cn->sysctl.max &&
	    !early_drop(cn, hash_tuple(cn, t, nfu_ct_zone_id(zone,
							     NFU_CT_DIR_ORIGINAL)))) {
		cn->drop++;
		*err = -ENOMEM; /* "table full, dropping packet" */
		return NULL;
	}
	ct = ct_alloc(cn);
	if (!ct) {
		*err = -ENOMEM;
		return NULL;
	}
	ct->cn = cn;
	ct->l4 = l4;
	ct->czone = *zone;
	/* nf_ct_acct_ext_add(): counters only if accounting is on now */
	ct->acct = cn->sysctl.acct != 0;
	ct->id = ++cn->next_id;
	ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple = *t;
	ct->tuplehash[NFU_CT_DIR_ORIGINAL].dir = NFU_CT_DIR_ORIGINAL;
	ct->tuplehash[NFU_CT_DIR_REPLY].tuple = r;
	ct->tuplehash[NFU_CT_DIR_REPLY].dir = NFU_CT_DIR_REPLY;
	cn->count++;
	return ct;
}

/* resolve_normal_ct(): the packet's connection and ctinfo.  Returns 0
 * (pkt->ct set, or none: INVALID) or a negative errno (drop). */
static int resolve(struct nfu_ct_net *cn, struct nfu_pkt *pkt,
		   unsigned int thoff, const struct nfu_ct_l4proto *l4,
		   const struct nfu_ct *tmpl)
{
	struct nfu_ct_zone zone = nfu_ct_zone_tmpl(tmpl, pkt);
	struct nfu_ct_tuple t;
	struct nfu_ct *ct;
	unsigned int dir = NFU_CT_DIR_ORIGINAL;
	uint32_t ctinfo;
	int err = 0;

	if (!nfu_ct_get_tuple(pkt, thoff, l4, &t))
		return 0;
	ct = nfu_ct_find_zone(cn, &t, &zone, &dir);
	if (!ct) {
		struct nfu_ct_expect *e;

		ct = ct_new(cn, &t, l4, &zone, &err);
		if (!ct)
			return err;
		/* an expectation of the master's zone id
		 * (nf_ct_exp_zone_equal_any()) */
		e = cn->expects ? nfu_ct_expect_take(cn, &t, zone.id) : NULL;
		if (e) {
			/* RELATED to its master, with its mark; the
			 * expectation's reference to the master is ours */
			ct->status |= NFU_IPS_EXPECTED;
			ct->master = e->master;
			ct->mark = e->master->mark;
			if (e->helper && nfu_ct_helper_assign(ct, e->helper)) {
				free(e);
				ct->common.use = 1;
				nfu_ct_put(ct); /* and its master with it */
				return -ENOMEM;
			}
			/* NAT's helpers bind it now (nf_nat_follow_master()) */
			if (e->expectfn)
				e->expectfn(ct, e);
			free(e);
			cn->expect_new++;
		} else if (tmpl && tmpl->helper && tmpl->helper->proto == t.proto &&
			   nfu_ct_helper_assign(ct, tmpl->helper)) {
			ct->common.use = 1;
			nfu_ct_put(ct);
			return -ENOMEM;
		}
		ct->common.use = 1; /* the packet's */
		pkt->ct = ct;
		pkt->ctinfo = (ct->status & NFU_IPS_EXPECTED) ? NFU_CT_RELATED
							     : NFU_CT_NEW;
		return 0;
	}
	if (dir == NFU_CT_DIR_REPLY)
		ctinfo = NFU_CT_ESTABLISHED_REPLY;
	else if (ct->status & NFU_IPS_SEEN_REPLY)
		ctinfo = NFU_CT_ESTABLISHED;
	else if (ct->status & NFU_IPS_EXPECTED)
		ctinfo = NFU_CT_RELATED;
	else
		ctinfo = NFU_CT_NEW;
	ct->common.use++;
	pkt->ct = ct;
	pkt->ctinfo = ctinfo;
	return 0;
}

/* The transport header's offset of a packet conntrack can track: 0 for a
 * later fragment or a header too short (Linux's get_l4proto()). */
static unsigned int l4_offset(const struct nfu_pkt *pkt)
{
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	size_t iplen = pkt->len - (size_t)(ip - pkt->data);
	unsigned int hl;

	if (iplen < 20)
		return 0;
	hl = (ip[0] & 15u) * 4;
	if (hl < 20 || hl > iplen)
		return 0;
	if (((unsigned int)(ip[6] & 0x1f) << 8 | ip[7]) != 0)
		return 0; /* a later fragment: nothing to track it by */
	return hl;
}

/* nf_conntrack_in() */
static unsigned int ct_in(void *priv, struct nfu_pkt *pkt,
			  const struct nfu_hook_state *state)
{
	struct nfu_ct_net *cn = priv;
	const struct nfu_ct_l4proto *l4;
	struct nfu_ct *tmpl = NULL, *ct;
	unsigned int thoff;
	int ret;

	if (now_ns(cn) - cn->gc_last >= NS_PER_SEC) {
		cn->gc_last = now_ns(cn);
		gc_step(cn, cn->nbuckets / GC_SLICES ? cn->nbuckets / GC_SLICES : 1);
	}
	if (pkt->ctinfo == NFU_CT_UNTRACKED && !pkt->ct)
		return NFU_ACCEPT;
	if (pkt->ct) {
		ct = pkt->ct;
		if (!(ct->status & NFU_IPS_TEMPLATE))
			return NFU_ACCEPT; /* tracked already (looped back) */
		tmpl = ct; /* CT's settings for the new connection */
		pkt->ct = NULL;
		pkt->ctinfo = 0;
	}
	thoff = l4_offset(pkt);
	if (!thoff) {
		cn->invalid++;
		ret = NFU_ACCEPT;
		goto out;
	}
	l4 = nfu_ct_l4proto_find(nfu_pkt_network_header(pkt)[9]);
	if (l4->error) {
		struct nfu_ct_zone zone = nfu_ct_zone_tmpl(tmpl, pkt);

		ret = l4->error(cn, pkt, thoff, state->hook, &zone);
		if (ret <= 0) {
			cn->error++;
			cn->invalid++;
			ret = -ret;
			goto out;
		}
		if (pkt->ct) { /* an ICMP error, RELATED to its connection */
			ret = NFU_ACCEPT;
			goto out;
		}
	}
repeat:
	ret = resolve(cn, pkt, thoff, l4, tmpl);
	if (ret < 0) {
		ret = NFU_DROP;
		pkt->drop_reason = NFU_DROP_CT_FULL;
		goto out;
	}
	ct = pkt->ct;
	if (!ct) {
		cn->invalid++;
		ret = NFU_ACCEPT;
		goto out;
	}
	ret = ct->l4->packet(ct, pkt, thoff, pkt->ctinfo, state->hook);
	if (ret <= 0) {
		/* invalid: the packet goes on without its connection (a new
		 * one is forgotten with it), or is dropped */
		nfu_pkt_ct_put(pkt);
		pkt->ctinfo = 0;
		if (ret == -(int)NFU_REPEAT)
			goto repeat; /* TCP: a SYN reopened a closing one */
		cn->invalid++;
		ret = -ret;
		if (ret == NFU_DROP)
			cn->drop++;
		goto out;
	}
	if (pkt->ctinfo == NFU_CT_ESTABLISHED_REPLY)
		ct->status |= NFU_IPS_SEEN_REPLY;
	if (ct->acct) {
		unsigned int d = nfu_ctinfo_dir(pkt->ctinfo);

		ct->packets[d]++;
		ct->bytes[d] += pkt->len - (uint32_t)(nfu_pkt_network_header(pkt) - pkt->data);
	}
out:
	if (tmpl)
		nfu_ct_put(tmpl);
	return (unsigned int)ret;
}

/*
 * Clashes at confirm: Linux 6.18's nf_ct_resolve_clash().  Two packets of
 * one new flow may both pass conntrack before either is confirmed (held
 * in a queue; two threads sending at once): each made its own connection.
 * The first to reach confirm goes into the table; the second finds it
 * there (by its original or reply tuple) and, if its protocol allows
 * clashes (l4->allow_clash), either takes it (the same flow, translated
 * the same way: merged) or, when only the original direction clashes,
 * goes into the table by its reply tuple alone, so that the replies to
 * its own translation still find it (clash_harder()).  Else, or for TCP
 * and ICMP, the packet is dropped (insert_failed, drop).
 */

/* nf_ct_key_equal() as __nf_conntrack_confirm() uses it: a connection of
 * chain 'b' with tuple 't' in 'zone' for that tuple's direction.  Unlike
 * a lookup, the confirm does not collect an expired one (Linux's does
 * not: nf_ct_key_equal() only asks whether it is confirmed, which every
 * one in nfu's chains is). */
static struct nfu_ct *chain_clash(struct nfu_ct_net *cn, uint32_t b,
				  const struct nfu_ct_tuple *t,
				  const struct nfu_ct_zone *zone)
{
	for (struct nfu_ct_tuplehash *h = cn->buckets[b]; h; h = h->next) {
		struct nfu_ct *ct = nfu_ct_of_hash(h);

		if (tuple_eq(&h->tuple, t) && zone_eq(ct, zone, h->dir))
			return ct;
	}
	return NULL;
}

/* nf_ct_match(): the same tuples in the same zones. */
static bool ct_match(const struct nfu_ct *a, const struct nfu_ct *b)
{
	return tuple_eq(&a->tuplehash[NFU_CT_DIR_ORIGINAL].tuple,
			&b->tuplehash[NFU_CT_DIR_ORIGINAL].tuple) &&
	       tuple_eq(&a->tuplehash[NFU_CT_DIR_REPLY].tuple,
			&b->tuplehash[NFU_CT_DIR_REPLY].tuple) &&
	       zone_eq(a, &b->czone, NFU_CT_DIR_ORIGINAL) &&
	       zone_eq(a, &b->czone, NFU_CT_DIR_REPLY);
}

/* nf_ct_match_reverse(): 'b' is 'a' seen from the other end (both ends
 * sent their first packet at once), zones included. */
static bool ct_match_reverse(const struct nfu_ct *a, const struct nfu_ct *b)
{
	return tuple_eq(&a->tuplehash[NFU_CT_DIR_ORIGINAL].tuple,
			&b->tuplehash[NFU_CT_DIR_REPLY].tuple) &&
	       tuple_eq(&a->tuplehash[NFU_CT_DIR_REPLY].tuple,
			&b->tuplehash[NFU_CT_DIR_ORIGINAL].tuple) &&
	       nfu_ct_zone_id(&a->czone, NFU_CT_DIR_ORIGINAL) ==
		       nfu_ct_zone_id(&b->czone, NFU_CT_DIR_REPLY) &&
	       nfu_ct_zone_id(&a->czone, NFU_CT_DIR_REPLY) ==
		       nfu_ct_zone_id(&b->czone, NFU_CT_DIR_ORIGINAL);
}

/* __nf_ct_resolve_clash(): the packet's connection is 'winner''s flow
 * (nf_ct_can_merge()): the packet takes 'winner' with its ctinfo, its
 * own connection is forgotten, and its bytes are added to 'winner''s
 * counters as one packet (nf_ct_acct_merge()).  Since Linux 6.12 a
 * connection without NAT is merged only so too (the "no NAT done"
 * shortcut is gone: "add clash resolution for reverse collisions"). */
static bool clash_merge(struct nfu_ct_net *cn, struct nfu_pkt *pkt,
			struct nfu_ct *winner)
{
	struct nfu_ct *loser = pkt->ct;
	unsigned int d = nfu_ctinfo_dir(pkt->ctinfo);

	if (!ct_match(winner, loser) && !ct_match_reverse(winner, loser))
		return false;
	winner->common.use++;
	if (loser->acct && winner->acct) {
		winner->packets[d]++;
		/* Linux reads the loser's bytes as a u32 */
		winner->bytes[d] += (uint32_t)loser->bytes[d];
	}
	nfu_pkt_ct_put(pkt);
	pkt->ct = winner;
	cn->clash_resolve++;
	return true;
}

/* nf_ct_resolve_clash_harder(): the loser's reply tuple is free (else the
 * connection there must be its flow: merged, or dropped): it goes into
 * the table by that tuple alone, so the packets of the original direction
 * keep finding the winner and the replies to the loser's translation
 * find the loser.  It lives one second of the stack's clock, never
 * longer (FIXED_TIMEOUT), never becomes ASSURED (the trackers check
 * NFU_IPS_NAT_CLASH), and conntrack -L, -F and the NAT clean-ups, which
 * walk the table by original tuples, do not see it (Linux's fake add of
 * the original tuple hides it from ctnetlink in the same way). */
static bool clash_harder(struct nfu_ct_net *cn, struct nfu_pkt *pkt,
			 uint32_t reply_bucket)
{
	struct nfu_ct *loser = pkt->ct, *o;

	o = chain_clash(cn, reply_bucket, &loser->tuplehash[NFU_CT_DIR_REPLY].tuple,
			&loser->czone);
	if (o)
		return clash_merge(cn, pkt, o);
	loser->timeout = now_ns(cn) + NS_PER_SEC;
	loser->status |= NFU_IPS_CONFIRMED | NFU_IPS_FIXED_TIMEOUT |
			 NFU_IPS_NAT_CLASH;
	loser->tuplehash[NFU_CT_DIR_ORIGINAL].next = NULL;
	loser->tuplehash[NFU_CT_DIR_REPLY].next = cn->buckets[reply_bucket];
	cn->buckets[reply_bucket] = &loser->tuplehash[NFU_CT_DIR_REPLY];
	loser->common.use++; /* the table's */
	cn->confirmed++;
	cn->clash_resolve++;
	return true;
}

/* nf_ct_resolve_clash(): the packet's connection clashes with 'winner',
 * which is in the table.  true: the packet goes on (pkt->ct may now be
 * 'winner'); false: it is to be dropped (counted here). */
static bool resolve_clash(struct nfu_ct_net *cn, struct nfu_pkt *pkt,
			  struct nfu_ct *winner, uint32_t reply_bucket)
{
	if (winner->l4->allow_clash &&
	    (clash_merge(cn, pkt, winner) || clash_harder(cn, pkt, reply_bucket)))
		return true;
	cn->drop++;
	cn->insert_failed++;
	return false;
}

/* __nf_conntrack_confirm(): the first packet of a new connection got
 * through: the connection goes into the table. */
static unsigned int ct_confirm(void *priv, struct nfu_pkt *pkt,
			       const struct nfu_hook_state *state)
{
	struct nfu_ct_net *cn = priv;
	struct nfu_ct *ct = pkt->ct, *other;
	const struct nfu_dev *dev;
	uint32_t b0, b1;
	bool seqadj;

	if (!ct || (ct->status & NFU_IPS_TEMPLATE))
		return NFU_ACCEPT;
	/* nf_confirm(): the helper first (never on ICMP errors), then the
	 * sequence adjustment if there was one before the helper ran; not
	 * for a packet received on the loopback (nf_is_loopback_packet():
	 * it was adjusted as it left) */
	dev = state->hook == NFU_INET_LOCAL_IN ? state->in : state->out;
	seqadj = (ct->status & NFU_IPS_SEQ_ADJUST) &&
		 pkt->ctinfo != NFU_CT_RELATED_REPLY &&
		 !(dev && dev->loopback && pkt->in);
	if (ct->helper && pkt->ctinfo != NFU_CT_RELATED_REPLY) {
		const unsigned char *ip = nfu_pkt_network_header(pkt);
		unsigned int v = ct->helper->help(ct, pkt, (ip[0] & 15u) * 4,
						  pkt->ctinfo);

		if (v != NFU_ACCEPT) {
			pkt->drop_reason = NFU_DROP_NETFILTER;
			return v;
		}
	}
	if (seqadj && !nfu_nat_seq_adjust(pkt, ct, pkt->ctinfo,
					  (nfu_pkt_network_header(pkt)[0] & 15u) * 4)) {
		cn->drop++;
		pkt->drop_reason = NFU_DROP_NETFILTER;
		return NFU_DROP;
	}
	if (ct->status & NFU_IPS_CONFIRMED)
		return NFU_ACCEPT;
	/* only the original direction makes a connection (a REJECT's
	 * reply to an unconfirmed one does not) */
	if (nfu_ctinfo_dir(pkt->ctinfo) != NFU_CT_DIR_ORIGINAL)
		return NFU_ACCEPT;
	if (ct->status & NFU_IPS_DYING) {
		cn->insert_failed++;
		pkt->drop_reason = NFU_DROP_NETFILTER;
		return NFU_DROP;
	}
	/* another packet of the same flow confirmed one meanwhile?  The
	 * chains looked at are those the connection goes into, each tuple
	 * hashed with its direction's zone id: first the original tuple's,
	 * then the reply tuple's (a clash entry is found only there) */
	b0 = hash_tuple(cn, &ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple,
			nfu_ct_zone_id(&ct->czone, NFU_CT_DIR_ORIGINAL));
	b1 = hash_tuple(cn, &ct->tuplehash[NFU_CT_DIR_REPLY].tuple,
			nfu_ct_zone_id(&ct->czone, NFU_CT_DIR_REPLY));
	other = chain_clash(cn, b0, &ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple,
			    &ct->czone);
	if (!other)
		other = chain_clash(cn, b1, &ct->tuplehash[NFU_CT_DIR_REPLY].tuple,
				    &ct->czone);
	if (other) {
		if (resolve_clash(cn, pkt, other, b1))
			return NFU_ACCEPT;
		pkt->drop_reason = NFU_DROP_CT_CLASH;
		return NFU_DROP;
	}
	ct->timeout += now_ns(cn);
	ct->status |= NFU_IPS_CONFIRMED;
	ct->tuplehash[NFU_CT_DIR_ORIGINAL].next = cn->buckets[b0];
	cn->buckets[b0] = &ct->tuplehash[NFU_CT_DIR_ORIGINAL];
	ct->tuplehash[NFU_CT_DIR_REPLY].next = cn->buckets[b1];
	cn->buckets[b1] = &ct->tuplehash[NFU_CT_DIR_REPLY];
	ct->common.use++; /* the table's */
	cn->confirmed++;
	cn->insert++;
	return NFU_ACCEPT;
}

/* ipv4_conntrack_defrag(): whole datagrams for conntrack.  A fragment is
 * held (stolen); the one that completes its datagram is stolen too and
 * the datagram goes on in its place. */
static unsigned int ct_defrag(void *priv, struct nfu_pkt *pkt,
			      const struct nfu_hook_state *state)
{
	struct nfu_ct_net *cn = priv;
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	struct nfu_pkt *whole = pkt;
	uint32_t user;
	int rc;

	/* untracked packets (raw NOTRACK runs after this: only looped-back
	 * ones arrive so) are left alone, as Linux */
	if (pkt->ctinfo == NFU_CT_UNTRACKED && !pkt->ct)
		return NFU_ACCEPT;
	if (pkt->ct && !(((struct nfu_ct *)pkt->ct)->status & NFU_IPS_TEMPLATE))
		return NFU_ACCEPT;
	if (!(ip[6] & 0x3f) && !ip[7]) /* neither MF nor an offset */
		return NFU_ACCEPT;
	/* nf_ct_defrag_user(): the template's zone id for its direction
	 * (original: its ctinfo is NEW) */
	user = (state->hook == NFU_INET_PRE_ROUTING ?
			NFU_IP_DEFRAG_CONNTRACK_IN : NFU_IP_DEFRAG_CONNTRACK_OUT) +
	       (pkt->ct ? nfu_ct_zone_id(&((struct nfu_ct *)pkt->ct)->czone,
					 NFU_CT_DIR_ORIGINAL) : 0);
	rc = nfu_ip_defrag(cn->net, &whole, user);
	if (rc == -EINPROGRESS)
		return NFU_STOLEN;
	if (rc < 0)
		return NFU_STOLEN; /* dropped (and counted) by reassembly */
	if (whole == pkt)
		return NFU_ACCEPT;
	/* nf_ct_ipv4_gather_frags(): it may be cut again despite DF */
	whole->ignore_df = 1;
	/* 'pkt' was freed into the datagram: it goes on from here */
	nfu_hook_continue(whole, state, &cn->ops[state->hook == NFU_INET_PRE_ROUTING ? 0 : 2]);
	return NFU_STOLEN;
}

/*
 * The stack's conntrack.
 */

static void unregister_ops(struct nfu_ct_net *cn, unsigned int mask);

static void ct_exit(struct nfu_net *net, void *priv)
{
	struct nfu_ct_net *cn = priv;

	unregister_ops(cn, ~0u);
	cn->users = cn->defrag_users = 0;
	nfu_ct_expect_flush(cn);
	for (uint32_t b = 0; b < cn->nbuckets; b++)
		while (cn->buckets[b])
			nfu_ct_kill(nfu_ct_of_hash(cn->buckets[b]));
	free(cn->buckets);
	cn->buckets = NULL;
	net->ct = NULL;
	/* connections still held by packets free it with the last one */
	cn->dead = true;
	if (cn->count == 0)
		cn_free(cn);
}

static const uint32_t tcp_timeouts_default[NFU_CT_TCP_TIMEOUT_MAX] = {
	[NFU_CT_TCP_SYN_SENT] = 120,
	[NFU_CT_TCP_SYN_RECV] = 60,
	[NFU_CT_TCP_ESTABLISHED] = 432000,
	[NFU_CT_TCP_FIN_WAIT] = 120,
	[NFU_CT_TCP_CLOSE_WAIT] = 60,
	[NFU_CT_TCP_LAST_ACK] = 30,
	[NFU_CT_TCP_TIME_WAIT] = 120,
	[NFU_CT_TCP_CLOSE] = 10,
	[NFU_CT_TCP_SYN_SENT2] = 120,
	[NFU_CT_TCP_RETRANS] = 300,
	[NFU_CT_TCP_UNACK] = 300,
};

/* Linux's sctp_timeouts[] (nf_conntrack_proto_sctp.c); NONE's is
 * CLOSED's (nf_conntrack_sctp_init_net()). */
static const uint32_t sctp_timeouts_default[NFU_CT_SCTP_MAX] = {
	[NFU_CT_SCTP_NONE] = 10,
	[NFU_CT_SCTP_CLOSED] = 10,
	[NFU_CT_SCTP_COOKIE_WAIT] = 3,
	[NFU_CT_SCTP_COOKIE_ECHOED] = 3,
	[NFU_CT_SCTP_ESTABLISHED] = 210,
	[NFU_CT_SCTP_SHUTDOWN_SENT] = 3,
	[NFU_CT_SCTP_SHUTDOWN_RECD] = 3,
	[NFU_CT_SCTP_SHUTDOWN_ACK_SENT] = 3,
	[NFU_CT_SCTP_HEARTBEAT_SENT] = 30,
};

static void random_seed(uint64_t seed[2])
{
	const char *fixed = getenv("NFU_CT_SEED");

	if (fixed && *fixed) { /* tests: the same buckets every run */
		seed[0] = strtoull(fixed, NULL, 0);
		seed[1] = ~seed[0];
		return;
	}
	if (getrandom(seed, 2 * sizeof(seed[0]), 0) == 2 * sizeof(seed[0]))
		return;
	/* no getrandom: the clock and the address of the state */
	seed[0] = (uint64_t)(uintptr_t)seed ^ 0x9e3779b97f4a7c15ull;
	seed[1] = (uint64_t)getpid() * 0xbf58476d1ce4e5b9ull;
}

struct nfu_ct_net *nfu_ct_net(struct nfu_net *net)
{
	struct nfu_ct_net *cn = net->ct;

	if (cn)
		return cn;
	cn = calloc(1, sizeof(*cn));
	if (!cn)
		return NULL;
	cn->net = net;
	cn->sysctl.max = 262144;
	cn->sysctl.buckets = 262144;
	cn->sysctl.checksum = 1;
	cn->sysctl.tcp_loose = 1;
	cn->sysctl.tcp_max_retrans = 3;
	memcpy(cn->sysctl.tcp_timeouts, tcp_timeouts_default,
	       sizeof(tcp_timeouts_default));
	cn->sysctl.udp_timeout = 30;
	cn->sysctl.udp_timeout_stream = 120;
	cn->sysctl.icmp_timeout = 30;
	cn->sysctl.gre_timeout = 30;
	cn->sysctl.gre_timeout_stream = 180;
	cn->sysctl.generic_timeout = 600;
	memcpy(cn->sysctl.sctp_timeouts, sctp_timeouts_default,
	       sizeof(sctp_timeouts_default));
	cn->sysctl.expect_max = 4096;
	random_seed(cn->seed);
	if (nfu_net_add_exit(net, ct_exit, cn) < 0) {
		free(cn);
		return NULL;
	}
	net->ct = cn;
	net->ct_destroy = ct_destroy_cb;
	return cn;
}

/*
 * The hooks, in cn->ops (ct_defrag() continues a datagram after its own
 * entry, 0 or 2).
 */
static const struct {
	uint8_t hook;
	int32_t prio;
	nfu_hookfn *fn;
} ct_regs[] = {
	{ NFU_INET_PRE_ROUTING, NFU_IP_PRI_CONNTRACK_DEFRAG, ct_defrag },
	{ NFU_INET_PRE_ROUTING, NFU_IP_PRI_CONNTRACK, ct_in },
	{ NFU_INET_LOCAL_OUT, NFU_IP_PRI_CONNTRACK_DEFRAG, ct_defrag },
	{ NFU_INET_LOCAL_OUT, NFU_IP_PRI_CONNTRACK, ct_in },
	{ NFU_INET_LOCAL_IN, NFU_IP_PRI_CONNTRACK_CONFIRM, ct_confirm },
	{ NFU_INET_POST_ROUTING, NFU_IP_PRI_CONNTRACK_CONFIRM, ct_confirm },
};
#define DEFRAG_OPS (1u << 0 | 1u << 2)
#define CONNTRACK_OPS (1u << 1 | 1u << 3 | 1u << 4 | 1u << 5)

static void unregister_ops(struct nfu_ct_net *cn, unsigned int mask)
{
	for (unsigned int i = 0; i < sizeof(ct_regs) / sizeof(ct_regs[0]); i++)
		if (mask & cn->registered & (1u << i)) {
			nfu_hook_unregister(cn->net, &cn->ops[i]);
			cn->registered &= ~(1u << i);
		}
}

/* All of 'mask' or none. */
static int register_ops(struct nfu_ct_net *cn, unsigned int mask)
{
	int rc = 0;

	for (unsigned int i = 0; i < sizeof(ct_regs) / sizeof(ct_regs[0]); i++) {
		if (!(mask & (1u << i)) || (cn->registered & (1u << i)))
			continue;
		cn->ops[i].hook = ct_regs[i].fn;
		cn->ops[i].priv = cn;
		cn->ops[i].pf = NFU_PROTO_IPV4;
		cn->ops[i].hooknum = ct_regs[i].hook;
		cn->ops[i].priority = ct_regs[i].prio;
		rc = nfu_hook_register(cn->net, &cn->ops[i]);
		if (rc) {
			unregister_ops(cn, mask);
			return rc;
		}
		cn->registered |= 1u << i;
	}
	return 0;
}

int nfu_ct_defrag_get(struct nfu_net *net)
{
	struct nfu_ct_net *cn = nfu_ct_net(net);
	int rc;

	if (!cn)
		return -ENOMEM;
	if (cn->defrag_users == UINT32_MAX)
		return -EOVERFLOW;
	if (cn->defrag_users == 0) {
		rc = register_ops(cn, DEFRAG_OPS);
		if (rc)
			return rc;
	}
	cn->defrag_users++;
	return 0;
}

void nfu_ct_defrag_put(struct nfu_net *net)
{
	struct nfu_ct_net *cn = net->ct;

	if (!cn || !cn->defrag_users)
		return;
	if (--cn->defrag_users == 0)
		unregister_ops(cn, DEFRAG_OPS);
}

/* nf_ct_tcp_fixup(): conntrack was off, so established connections may
 * have missed segments; they learn their windows again. */
static void tcp_fixup(struct nfu_ct *ct, void *priv)
{
	(void)priv;
	if (ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.proto == 6 &&
	    ct->proto.tcp.state == NFU_CT_TCP_ESTABLISHED) {
		ct->proto.tcp.seen[0].td_maxwin = 0;
		ct->proto.tcp.seen[1].td_maxwin = 0;
	}
}

int nfu_ct_netns_get(struct nfu_net *net)
{
	struct nfu_ct_net *cn = nfu_ct_net(net);
	int rc;

	if (!cn)
		return -ENOMEM;
	if (cn->users) {
		if (cn->users == UINT32_MAX)
			return -EOVERFLOW;
		cn->users++;
		return 0;
	}
	if (!cn->buckets) {
		uint32_t n = 1;

		while (n < cn->sysctl.buckets && n < (1u << 30))
			n <<= 1;
		cn->buckets = huge_alloc((size_t)n * sizeof(*cn->buckets));
		if (!cn->buckets)
			return -ENOMEM;
		memset(cn->buckets, 0, (size_t)n * sizeof(*cn->buckets));
		cn->nbuckets = n;
	}
	rc = nfu_ct_defrag_get(net);
	if (rc)
		return rc;
	rc = register_ops(cn, CONNTRACK_OPS);
	if (rc) {
		nfu_ct_defrag_put(net);
		return rc;
	}
	cn->users = 1;
	cn->enabled = true;
	nfu_ct_walk(cn, tcp_fixup, NULL);
	return 0;
}

void nfu_ct_netns_put(struct nfu_net *net)
{
	struct nfu_ct_net *cn = net->ct;

	if (!cn || !cn->users)
		return;
	if (--cn->users)
		return;
	/* the table stays, as in Linux: its connections expire (the
	 * collector runs from the hooks: a lookup or the next get finds
	 * them expired) */
	unregister_ops(cn, CONNTRACK_OPS);
	nfu_ct_defrag_put(net);
}

int nfu_ct_enable(struct nfu_net *net)
{
	return nfu_ct_netns_get(net);
}

bool nfu_ct_enabled(const struct nfu_net *net)
{
	const struct nfu_ct_net *cn = net->ct;

	return cn && cn->users;
}
