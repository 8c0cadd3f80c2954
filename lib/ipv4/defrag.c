/* SPDX-License-Identifier: MIT */
/*
 * IPv4 reassembly: the behaviour of Linux's ip_defrag() (ip_fragment.c and
 * inet_fragment.c as of 6.x: the rhashtable rework of 4.17 and the
 * FragmentSmack fixes of 4.19).
 *
 * What?
 *   A fragment joins the queue of its datagram, keyed by (saddr, daddr, id,
 *   protocol, user); the first fragment seen creates the queue, with a
 *   deadline ipfrag_time after that moment which later fragments do not
 *   move.  When the queue holds the first fragment, the last one and every
 *   byte in between, the datagram is rebuilt in a new packet.
 *
 *   As Linux:
 *   - the payload of a fragment with MF set is cut down to a multiple of 8;
 *     an empty one (after that cut) kills the queue;
 *   - the last fragment (MF clear) fixes the length: a second last
 *     fragment with another end, or data past the end, kills the queue;
 *   - fragments are kept as "runs" (fragments appended in order after the
 *     highest one form one run).  A fragment inside one run is a duplicate
 *     and only it is dropped; any other overlap kills the queue (RFC 5722
 *     as applied to IPv4 since the FragmentSmack fix);
 *   - a killed queue is forgotten at once: later fragments of the same
 *     datagram start a new one;
 *   - with ipfrag_max_dist, a queue that saw more than that many fragments
 *     from its source go to other queues since its own last one is emptied
 *     and its deadline restarted (ip_frag_too_far, ip_frag_reinit);
 *   - the datagram takes the header of the fragment at offset 0 (options
 *     included) and its metadata, but the route, input device and time of
 *     the fragment that completed it (skb_morph in inet_frag_reasm_prepare);
 *     tot_len is set, MF, offset and the reserved bit cleared, DF kept only
 *     when the largest fragment had it, ECN combined by ip_frag_ecn_table;
 *     frag_max_size is the largest fragment (header included);
 *   - for conntrack (any user but local delivery), the payload length of
 *     each fragment is kept on the datagram (pkt->frag_lens, Linux's
 *     frag_list), for frag.c to send them again as they came;
 *   - a datagram over 65535 bytes is dropped only once complete (a
 *     fragment past the limit is queued like any other);
 *   - over ipfrag_high_thresh bytes held, every fragment is dropped, for
 *     new and existing queues alike; nothing is evicted (since 4.17
 *     ipfrag_low_thresh is only a bound on the other sysctl);
 *   - at its deadline a queue is dropped; when it held the fragment at
 *     offset 0, that fragment is routed again as received on the device of
 *     the last fragment queued and quoted in an ICMP time exceeded
 *     (fragment reassembly time exceeded), unless the user is connection
 *     tracking of incoming packets and the route is not local (ip_expire).
 *
 * Basic design
 *   Queues hang from a fixed array of hash buckets, hashed with a seed
 *   drawn per stack; finding a queue allocates nothing.  They are also on
 *   a list ordered by deadline (creation order while ipfrag_time does not
 *   change; a queue whose deadline is earlier than the newest one's is
 *   placed by walking back from the newest end), so expiry looks at the
 *   oldest end only.  The runs of a queue are a sorted array searched by
 *   bisection, as Linux's rb-tree of runs; the fragments of a run are
 *   chained by pkt->next, with 'data' at their payload (the header stays
 *   in the buffer, at network_off).  Memory is counted as Linux counts
 *   truesize: every fragment held (at the size Linux's buffer for it
 *   would have, not nfu's larger pool block) plus each queue.
 *
 * Thread-safety
 *   The stack's thread only.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/csum.h"
#include "ipv4/ipv4-private.h"

#define NS_PER_S 1000000000ull
#define FRAG_BUCKETS 1024u /* a power of 2 */

#define ICMP_EXC_FRAGTIME 1 /* time exceeded: fragment reassembly */

#define FRAG_FIRST_IN 1u
#define FRAG_LAST_IN 2u

/* Linux's IPFRAG_ECN_* bits: 1 << (tos & INET_ECN_MASK). */
#define ECN_NOT_ECT 0x01u
#define ECN_ECT_1 0x02u
#define ECN_ECT_0 0x04u
#define ECN_CE 0x08u
#define INET_ECN_CE 3u
#define ECN_DROP 0xffu

/* Fragments adjacent in offset, appended at the tail one after another. */
struct frag_run {
	uint32_t off, end;            /* payload bytes [off, end) */
	struct nfu_pkt *first, *last; /* chained by 'next' */
};

/* The per-source fragment counter (the 'rid' of Linux's inet_peer), alive
 * while a queue from that source uses it. */
struct frag_src {
	uint32_t saddr;
	uint32_t rid;
	unsigned int refs;
	struct frag_src *next;
};

/* One datagram being reassembled (Linux's struct ipq). */
struct ipq {
	/* key; addresses and id in network order */
	uint32_t saddr, daddr, user;
	uint16_t id;
	uint8_t protocol;

	uint8_t flags;          /* FRAG_FIRST_IN, FRAG_LAST_IN */
	uint8_t ecn;            /* ECN_* of every fragment held */
	int iif;                /* input device of the last fragment queued */
	uint32_t len;           /* payload length, known or so far */
	uint32_t meat;          /* payload bytes held */
	uint32_t max_size;      /* largest fragment, header included */
	uint32_t max_df_size;   /* largest fragment with DF */
	uint32_t rid;           /* src->rid at our last fragment */
	struct frag_src *src;   /* NULL when ipfrag_max_dist was 0 */
	uint64_t deadline;      /* ns, the stack's clock */
	size_t mem;             /* truesize of the fragments held */

	struct frag_run *runs;  /* sorted by offset */
	unsigned int nruns, cap;

	unsigned int bucket;
	struct ipq *hnext;          /* hash chain */
	struct ipq *older, *newer;  /* deadline list */
};

struct nfu_ipfrag {
	struct ipq *buckets[FRAG_BUCKETS];
	struct frag_src *srcs[FRAG_BUCKETS];
	struct ipq *oldest, *newest;
	uint64_t seed;
	size_t mem;             /* Linux's frag_mem_limit() */
	unsigned int nqueues;
};

/* Linux's ip_frag_ecn_table (RFC 3168 5.3): what to OR into the TOS, or
 * ECN_DROP for a not-ECT fragment mixed with ECT or CE ones. */
static const uint8_t ecn_table[16] = {
	[ECN_CE | ECN_ECT_0] = INET_ECN_CE,
	[ECN_CE | ECN_ECT_1] = INET_ECN_CE,
	[ECN_CE | ECN_ECT_0 | ECN_ECT_1] = INET_ECN_CE,
	[ECN_NOT_ECT | ECN_CE] = ECN_DROP,
	[ECN_NOT_ECT | ECN_ECT_0] = ECN_DROP,
	[ECN_NOT_ECT | ECN_ECT_1] = ECN_DROP,
	[ECN_NOT_ECT | ECN_ECT_0 | ECN_ECT_1] = ECN_DROP,
	[ECN_NOT_ECT | ECN_CE | ECN_ECT_0] = ECN_DROP,
	[ECN_NOT_ECT | ECN_CE | ECN_ECT_1] = ECN_DROP,
	[ECN_NOT_ECT | ECN_CE | ECN_ECT_0 | ECN_ECT_1] = ECN_DROP,
};

static uint16_t ntoh16(uint16_t v)
{
	return __builtin_bswap16(v);
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static unsigned int queue_hash(const struct nfu_ipfrag *f, uint32_t saddr,
			       uint32_t daddr, uint16_t id, uint8_t protocol,
			       uint32_t user)
{
	uint64_t h = mix64(f->seed ^ ((uint64_t)saddr << 32 | daddr));

	h = mix64(h ^ ((uint64_t)user << 32 | (uint32_t)id << 8 | protocol));
	return (unsigned int)h & (FRAG_BUCKETS - 1);
}

static unsigned int src_hash(const struct nfu_ipfrag *f, uint32_t saddr)
{
	return (unsigned int)mix64(f->seed + saddr) & (FRAG_BUCKETS - 1);
}

/* What a fragment costs while held, as Linux's SKB_TRUESIZE() of a
 * linear buffer holding it: the data (headroom included) in 64-byte
 * units, plus the sk_buff and its shared info (256 + 320 bytes on x86-64).
 * nfu's pool blocks are larger than that, but the thresholds are Linux's
 * and should admit as many fragments as on Linux. */
static size_t truesize(const struct nfu_pkt *pkt)
{
	size_t data = (nfu_pkt_headroom(pkt) + pkt->len + 63) & ~(size_t)63;

	return data + 256 + 320;
}

static struct nfu_ipfrag *table_get(struct nfu_net *net)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	struct nfu_ipfrag *f = in->frag;
	struct timespec ts;

	if (f)
		return f;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	/* Not secret, but not guessable from the traffic either: where the
	 * stack and its table live, and when it saw its first fragment. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	f->seed = mix64((uint64_t)(uintptr_t)f ^
			mix64((uint64_t)(uintptr_t)net ^ nfu_net_now(net)) ^
			mix64((uint64_t)ts.tv_sec * NS_PER_S +
			      (uint64_t)ts.tv_nsec));
	in->frag = f;
	return f;
}

/* ---- the deadline list ---- */

static void deadline_insert(struct nfu_ipfrag *f, struct ipq *q)
{
	struct ipq *after = f->newest;

	/* equal deadlines keep their order of arrival */
	while (after && after->deadline > q->deadline)
		after = after->older;
	q->older = after;
	q->newer = after ? after->newer : f->oldest;
	if (q->older)
		q->older->newer = q;
	else
		f->oldest = q;
	if (q->newer)
		q->newer->older = q;
	else
		f->newest = q;
}

static void deadline_remove(struct nfu_ipfrag *f, struct ipq *q)
{
	if (q->older)
		q->older->newer = q->newer;
	else
		f->oldest = q->newer;
	if (q->newer)
		q->newer->older = q->older;
	else
		f->newest = q->older;
	q->older = q->newer = NULL;
}

static uint64_t deadline_of(const struct nfu_net *net, uint64_t now)
{
	int t = nfu_ipv4(net)->ipfrag_time;
	uint64_t add;

	/* A timeout of 0 or less makes Linux's timer fire at the next
	 * tick: here at the next expiry run. */
	if (t <= 0)
		return now;
	add = (uint64_t)t * NS_PER_S;
	return now > UINT64_MAX - add ? UINT64_MAX : now + add;
}

/* ---- sources ---- */

static struct frag_src *src_get(struct nfu_ipfrag *f, uint32_t saddr)
{
	unsigned int b = src_hash(f, saddr);
	struct frag_src *s;

	for (s = f->srcs[b]; s; s = s->next) {
		if (s->saddr == saddr) {
			s->refs++;
			return s;
		}
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL; /* as a failed inet_getpeer(): no distance check */
	s->saddr = saddr;
	s->refs = 1;
	s->next = f->srcs[b];
	f->srcs[b] = s;
	return s;
}

static void src_put(struct nfu_ipfrag *f, struct frag_src *s)
{
	struct frag_src **pp;

	if (!s || --s->refs)
		return;
	for (pp = &f->srcs[src_hash(f, s->saddr)]; *pp != s; pp = &(*pp)->next)
		;
	*pp = s->next;
	free(s);
}

/* ---- queues ---- */

static struct ipq *queue_find(struct nfu_net *net, struct nfu_ipfrag *f,
			      const struct nfu_iphdr *iph, uint32_t user)
{
	unsigned int b = queue_hash(f, iph->saddr, iph->daddr, iph->id,
				    iph->protocol, user);
	struct ipq *q;

	for (q = f->buckets[b]; q; q = q->hnext)
		if (q->saddr == iph->saddr && q->daddr == iph->daddr &&
		    q->id == iph->id && q->protocol == iph->protocol &&
		    q->user == user)
			return q;

	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->saddr = iph->saddr;
	q->daddr = iph->daddr;
	q->id = iph->id;
	q->protocol = iph->protocol;
	q->user = user;
	if (nfu_ipv4(net)->ipfrag_max_dist)
		q->src = src_get(f, iph->saddr);
	q->deadline = deadline_of(net, nfu_net_now(net));
	q->bucket = b;
	q->hnext = f->buckets[b];
	f->buckets[b] = q;
	deadline_insert(f, q);
	f->mem += sizeof(*q);
	f->nqueues++;
	return q;
}

/* Linux's inet_frag_kill(): the queue leaves the table and the deadline
 * list; its fragments are still held. */
static void queue_unlink(struct nfu_ipfrag *f, struct ipq *q)
{
	struct ipq **pp;

	for (pp = &f->buckets[q->bucket]; *pp != q; pp = &(*pp)->hnext)
		;
	*pp = q->hnext;
	deadline_remove(f, q);
	f->nqueues--;
}

/* Takes the fragments out of 'q' (which is left empty) and chains them by
 * 'next' with 'reason' in their drop_reason; returns the chain's tail
 * pointer so that chains can be joined. */
static struct nfu_pkt **queue_take(struct nfu_ipfrag *f, struct ipq *q,
				   struct nfu_pkt **tail,
				   enum nfu_drop_reason reason)
{
	for (unsigned int i = 0; i < q->nruns; i++) {
		struct nfu_pkt *p = q->runs[i].first;

		while (p) {
			struct nfu_pkt *next = p->next;

			p->drop_reason = reason;
			p->next = NULL;
			*tail = p;
			tail = &p->next;
			p = next;
		}
	}
	q->nruns = 0;
	f->mem -= q->mem;
	q->mem = 0;
	return tail;
}

/* Frees an unlinked queue; its fragments go on the chain at 'tail'. */
static struct nfu_pkt **queue_destroy(struct nfu_ipfrag *f, struct ipq *q,
				      struct nfu_pkt **tail,
				      enum nfu_drop_reason reason)
{
	tail = queue_take(f, q, tail, reason);
	f->mem -= sizeof(*q);
	src_put(f, q->src);
	free(q->runs);
	free(q);
	return tail;
}

/* Drops every packet of a chain made by queue_take(), with its reason.
 * Done last, once the table is consistent again: the 'dropped' callback
 * may feed the stack. */
static void drop_chain(struct nfu_pkt *p)
{
	while (p) {
		struct nfu_pkt *next = p->next;

		p->next = NULL;
		nfu_pkt_drop(p, p->drop_reason);
		p = next;
	}
}

/* ip_frag_too_far(): has the source sent more than ipfrag_max_dist
 * fragments to other queues since our last one? */
static bool too_far(struct nfu_net *net, struct ipq *q)
{
	unsigned int max = (unsigned int)nfu_ipv4(net)->ipfrag_max_dist;
	uint32_t start, end;

	if (!q->src || !max)
		return false;
	start = q->rid;
	end = ++q->src->rid;
	q->rid = end;
	if (q->nruns && end - start > max) {
		net->stats.reasm_fails++;
		return true;
	}
	return false;
}

/* ip_frag_reinit(): start over, with a new deadline; the largest sizes
 * seen are kept, as in Linux. */
static struct nfu_pkt **queue_reinit(struct nfu_net *net, struct nfu_ipfrag *f,
				     struct ipq *q, struct nfu_pkt **tail)
{
	tail = queue_take(f, q, tail, NFU_DROP_FRAG_TOO_FAR);
	q->flags = 0;
	q->len = 0;
	q->meat = 0;
	q->iif = 0;
	q->ecn = 0;
	deadline_remove(f, q);
	q->deadline = deadline_of(net, nfu_net_now(net));
	deadline_insert(f, q);
	return tail;
}

enum { INSERT_OK, INSERT_DUP, INSERT_OVERLAP };

/* inet_frag_queue_insert(): 'pkt' holds payload [off, end).  The caller
 * made room for one more run. */
static int runs_insert(struct ipq *q, struct nfu_pkt *pkt, uint32_t off,
		       uint32_t end)
{
	unsigned int lo = 0, hi = q->nruns;
	struct frag_run *r;

	pkt->next = NULL;
	if (q->nruns) {
		r = &q->runs[q->nruns - 1];
		if (r->end < end) {
			/* the common case: at the tail */
			if (off < r->end)
				return INSERT_OVERLAP;
			if (off == r->end) {
				r->last->next = pkt;
				r->last = pkt;
				r->end = end;
				return INSERT_OK;
			}
			lo = q->nruns;
			goto create;
		}
	}
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		r = &q->runs[mid];
		if (end <= r->off)
			hi = mid;
		else if (off >= r->end)
			lo = mid + 1;
		else if (off >= r->off && end <= r->end)
			return INSERT_DUP;
		else
			return INSERT_OVERLAP;
	}
create:
	assert(q->nruns < q->cap);
	memmove(&q->runs[lo + 1], &q->runs[lo],
		(q->nruns - lo) * sizeof(q->runs[0]));
	q->runs[lo] = (struct frag_run){ off, end, pkt, pkt };
	q->nruns++;
	return INSERT_OK;
}

static int runs_reserve(struct ipq *q)
{
	struct frag_run *n;
	unsigned int cap;

	if (q->nruns < q->cap)
		return 0;
	cap = q->cap ? q->cap * 2 : 4;
	n = realloc(q->runs, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	q->runs = n;
	q->cap = cap;
	return 0;
}

/*
 * inet_frag_reasm_finish() coalesces the fragments into the head only for
 * local delivery (ip_frag_coalesce_ok()); for conntrack each stays a
 * buffer of the datagram's frag_list, which ip_do_fragment() can send
 * again as it came.  'd' keeps the payload length of each piece, in
 * offset order (without memory it keeps none: it is then cut by the MTU
 * only).
 */
static void keep_pieces(struct nfu_pkt *d, const struct ipq *q)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < q->nruns; i++)
		for (const struct nfu_pkt *fp = q->runs[i].first; fp;
		     fp = fp->next)
			n++;
	d->frag_lens = n <= UINT16_MAX ? malloc(n * sizeof(uint16_t)) : NULL;
	if (!d->frag_lens)
		return;
	d->frag_count = (uint16_t)n;
	n = 0;
	for (unsigned int i = 0; i < q->nruns; i++)
		for (const struct nfu_pkt *fp = q->runs[i].first; fp;
		     fp = fp->next)
			d->frag_lens[n++] = (uint16_t)fp->len;
}

/* ip_frag_reasm(): 'q' is complete; 'last' is the fragment that completed
 * it.  On success *pktp is the datagram. */
static int reasm(struct nfu_net *net, struct nfu_ipfrag *f, struct ipq *q,
		 struct nfu_pkt **pktp)
{
	const struct nfu_pkt *last = *pktp, *head = q->runs[0].first;
	const unsigned char *hnh = nfu_pkt_network_header(head);
	unsigned int hlen = nfu_ip_hlen((const struct nfu_iphdr *)hnh);
	unsigned int maclen = head->network_off - head->mac_off;
	struct nfu_pkt *d, *chain = NULL;
	enum nfu_drop_reason reason;
	uint8_t ecn = ecn_table[q->ecn];
	struct nfu_iphdr *iph;
	unsigned char *p, *save_head;
	uint32_t len, save_size, save_maxlen;
	uint64_t save_id;
	bool save_pooled;
	int err;

	queue_unlink(f, q);
	if (ecn == ECN_DROP) {
		reason = NFU_DROP_FRAG_ECN;
		err = -EINVAL;
		goto fail;
	}
	len = hlen + q->len;
	if (len > 65535) {
		reason = NFU_DROP_FRAG_TOO_BIG;
		err = -E2BIG;
		goto fail;
	}
	if (head->mac_off > head->network_off || maclen > NFU_PKT_HEADROOM)
		maclen = 0;
	d = nfu_pkt_alloc(net, len);
	if (!d) {
		reason = NFU_DROP_NOMEM;
		err = -ENOMEM;
		goto fail;
	}

	/* The metadata of the first fragment (skb_morph copies all of it,
	 * the IP options found on input included)... */
	save_head = d->head;
	save_size = d->size;
	save_pooled = d->pooled;
	save_id = d->id;
	*d = *head;
	d->head = save_head;
	d->size = save_size;
	d->pooled = save_pooled;
	d->id = save_id;
	d->next = NULL;
	d->frag_lens = NULL;
	d->frag_count = 0;
	d->drop_reason = NFU_DROP_NONE;
	d->fragment = 0;
	nfu_pkt_ct_get(d);      /* the head's connection, a reference of its own */
	/* ...but the route, device and time of the last one. */
	d->in = last->in;
	d->out = last->out;
	d->nexthop = last->nexthop;
	d->rt_type = last->rt_type;
	d->do_redirect = last->do_redirect;
	d->tstamp = last->tstamp;
	save_maxlen = q->max_df_size > q->max_size ? q->max_df_size
						   : q->max_size;
	d->frag_max_size = (uint16_t)(save_maxlen > 65535 ? 65535 : save_maxlen);

	d->data = d->head + NFU_PKT_HEADROOM;
	d->len = 0;
	p = nfu_pkt_put(d, len);
	nfu_pkt_reset_network_header(d);
	d->transport_off = d->network_off + hlen;
	/* the link header of the first fragment, for matches on it */
	memcpy(p - maclen, hnh - maclen, maclen);
	d->mac_off = d->network_off - maclen;
	memcpy(p, hnh, hlen);
	for (unsigned int i = 0; i < q->nruns; i++) {
		uint32_t at = q->runs[i].off;

		for (const struct nfu_pkt *fp = q->runs[i].first; fp;
		     fp = fp->next) {
			memcpy(p + hlen + at, fp->data, fp->len);
			at += fp->len;
		}
		assert(at == q->runs[i].end);
	}
	if (q->user != NFU_IP_DEFRAG_LOCAL_DELIVER)
		keep_pieces(d, q);

	iph = (struct nfu_iphdr *)p;
	iph->tot_len = __builtin_bswap16((uint16_t)len);
	iph->tos |= ecn;
	/* DF stays only when the largest fragment had it, so that a
	 * datagram refragmented later is not sent bigger than its sender
	 * sent it. */
	iph->frag_off = q->max_df_size == q->max_size
				? __builtin_bswap16(NFU_IP_DF)
				: 0;
	iph->check = 0;
	iph->check = nfu_ip_fast_csum(iph, hlen / 4);

	queue_destroy(f, q, &chain, NFU_DROP_NONE);
	while (chain) { /* consumed, not dropped */
		struct nfu_pkt *next = chain->next;

		chain->next = NULL;
		nfu_pkt_free(chain);
		chain = next;
	}
	net->stats.reasm_oks++;
	*pktp = d;
	return 0;

fail:
	net->stats.reasm_fails++;
	queue_destroy(f, q, &chain, reason);
	drop_chain(chain);
	return err;
}

/* ip_frag_queue(): 'pkt' (*pktp) joins 'q'. */
static int frag_queue(struct nfu_net *net, struct nfu_ipfrag *f, struct ipq *q,
		      struct nfu_pkt **pktp, struct nfu_pkt **purged)
{
	struct nfu_pkt *pkt = *pktp, *chain = NULL;
	const unsigned char *nh = nfu_pkt_network_header(pkt);
	const struct nfu_iphdr *iph = (const struct nfu_iphdr *)nh;
	unsigned int hlen = nfu_ip_hlen(iph);
	unsigned int fo = ntoh16(iph->frag_off);
	uint32_t offset = (fo & NFU_IP_OFFSET) << 3, end, size;
	enum nfu_drop_reason reason;
	uint8_t ecn = (uint8_t)(1u << (iph->tos & 3u));
	bool df = fo & NFU_IP_DF;
	int err;

	assert(hlen >= 20 && pkt->data + pkt->len >= nh + hlen);
	if (too_far(net, q))
		queue_reinit(net, f, q, purged);
	/* room for a new run now, so that nothing fails once 'q' changes */
	if (runs_reserve(q) < 0) {
		nfu_pkt_drop(pkt, NFU_DROP_NOMEM);
		return -ENOMEM;
	}

	end = offset + (uint32_t)(pkt->data + pkt->len - nh) - hlen;
	err = -EINVAL;
	reason = NFU_DROP_FRAG_INVALID;
	if (!(fo & NFU_IP_MF)) {
		/* the last fragment: nothing may lie beyond it, and a
		 * second one must agree */
		if (end < q->len ||
		    ((q->flags & FRAG_LAST_IN) && end != q->len))
			goto discard_qp;
		q->flags |= FRAG_LAST_IN;
		q->len = end;
	} else {
		end &= ~7u;
		if (end > q->len) {
			if (q->flags & FRAG_LAST_IN)
				goto discard_qp;
			q->len = end;
		}
	}
	if (end == offset)
		goto discard_qp;

	nfu_pkt_pull(pkt, (size_t)(nh + hlen - pkt->data));
	nfu_pkt_trim(pkt, end - offset);

	switch (runs_insert(q, pkt, offset, end)) {
	case INSERT_DUP:
		/* not counted as a failure, as in Linux */
		nfu_pkt_drop(pkt, NFU_DROP_FRAG_DUP);
		return -EINVAL;
	case INSERT_OVERLAP:
		net->stats.reasm_overlaps++;
		reason = NFU_DROP_FRAG_OVERLAP;
		goto discard_qp;
	default:
		break;
	}

	if (pkt->in)
		q->iif = pkt->in->ifindex;
	q->meat += end - offset;
	q->ecn |= ecn;
	q->mem += truesize(pkt);
	f->mem += truesize(pkt);
	if (offset == 0)
		q->flags |= FRAG_FIRST_IN;
	size = end - offset + hlen;
	if (size > q->max_size)
		q->max_size = size;
	if (df && size > q->max_df_size)
		q->max_df_size = size;

	if (q->flags == (FRAG_FIRST_IN | FRAG_LAST_IN) && q->meat == q->len)
		return reasm(net, f, q, pktp);
	return -EINPROGRESS;

discard_qp:
	net->stats.reasm_fails++;
	queue_unlink(f, q);
	queue_destroy(f, q, &chain, reason);
	nfu_pkt_drop(pkt, reason);
	drop_chain(chain);
	return err;
}

int nfu_ip_defrag(struct nfu_net *net, struct nfu_pkt **pktp, uint32_t user)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	struct nfu_pkt *pkt = *pktp, *purged = NULL;
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	struct nfu_ipfrag *f;
	struct ipq *q;
	int err;

	if (!(iph->frag_off & __builtin_bswap16(NFU_IP_MF | NFU_IP_OFFSET)))
		return 0;
	net->stats.reasm_reqds++;
	f = table_get(net);
	/* inet_frag_find(): over the threshold, no fragment gets in,
	 * whatever its queue */
	if (!f || !in->ipfrag_high_thresh ||
	    f->mem > (unsigned long)in->ipfrag_high_thresh) {
		net->stats.reasm_fails++;
		nfu_pkt_drop(pkt, f ? NFU_DROP_FRAG_MEM : NFU_DROP_NOMEM);
		return -ENOMEM;
	}
	q = queue_find(net, f, iph, user);
	if (!q) {
		net->stats.reasm_fails++;
		nfu_pkt_drop(pkt, NFU_DROP_NOMEM);
		return -ENOMEM;
	}
	err = frag_queue(net, f, q, pktp, &purged);
	drop_chain(purged);
	return err;
}

/* User values whose expired queues tell the sender only when the first
 * fragment was for the host (frag_expire_skip_icmp). */
static bool expire_skip_icmp(uint32_t user)
{
	return user == NFU_IP_DEFRAG_AF_PACKET ||
	       (user >= NFU_IP_DEFRAG_CONNTRACK_IN &&
		user <= NFU_IP_DEFRAG_CONNTRACK_IN_END) ||
	       (user >= NFU_IP_DEFRAG_CONNTRACK_BRIDGE_IN &&
		user <= NFU_IP_DEFRAG_CONNTRACK_BRIDGE_IN_END);
}

/* ip_expire() for 'q', whose deadline has passed. */
static void expire(struct nfu_net *net, struct nfu_ipfrag *f, struct ipq *q)
{
	struct nfu_pkt *head = NULL, *chain = NULL;
	struct nfu_dev *dev;

	queue_unlink(f, q);
	net->stats.reasm_fails++;
	net->stats.reasm_timeout++;
	if ((q->flags & FRAG_FIRST_IN) && q->nruns && q->runs[0].off == 0)
		head = q->runs[0].first;
	dev = nfu_dev_by_index(net, q->iif);
	if (head && dev) {
		enum nfu_drop_reason reason;
		int rt_err;

		/* the route is looked up again, as for a packet just
		 * received on the device of the last fragment */
		head->in = dev;
		head->out = NULL;
		if (nfu_ip_route_input(net, head, &reason, &rt_err) == 0 &&
		    (!expire_skip_icmp(q->user) ||
		     head->rt_type == NFU_RTN_LOCAL)) {
			/* sent at the deadline, as the timer would */
			uint64_t saved = net->now;

			if (!net->clock)
				net->now = q->deadline;
			nfu_icmp_send(net, head, NFU_ICMP_TIME_EXCEEDED,
				      ICMP_EXC_FRAGTIME, 0);
			if (!net->clock)
				net->now = saved;
		}
	}
	queue_destroy(f, q, &chain, NFU_DROP_FRAG_TIMEOUT);
	drop_chain(chain);
}

void nfu_ip_defrag_expire(struct nfu_net *net)
{
	struct nfu_ipfrag *f = nfu_ipv4(net)->frag;
	uint64_t now;

	if (!f || !f->oldest)
		return;
	now = nfu_net_now(net);
	if (f->oldest->deadline > now)
		return;
	while (f->oldest && f->oldest->deadline <= now)
		expire(net, f, f->oldest);
	/* errors to the host itself came back through lo */
	nfu_ip_backlog_run(net);
}

void nfu_ip_defrag_init(struct nfu_ipv4_net *in)
{
	in->ipfrag_time = 30;                     /* IP_FRAG_TIME */
	in->ipfrag_max_dist = 64;
	in->ipfrag_high_thresh = 4 * 1024 * 1024;
	in->ipfrag_low_thresh = 3 * 1024 * 1024;
}

void nfu_ip_defrag_exit(struct nfu_net *net)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	struct nfu_ipfrag *f = in->frag;
	struct nfu_pkt *chain = NULL, **tail = &chain;

	if (!f)
		return;
	while (f->oldest) {
		struct ipq *q = f->oldest;

		queue_unlink(f, q);
		tail = queue_destroy(f, q, tail, NFU_DROP_NONE);
	}
	while (chain) { /* freed with the stack, not dropped */
		struct nfu_pkt *next = chain->next;

		nfu_pkt_free(chain);
		chain = next;
	}
	assert(f->mem == 0 && f->nqueues == 0);
	free(f);
	in->frag = NULL;
}

size_t nfu_ip_defrag_mem(const struct nfu_net *net)
{
	const struct nfu_ipfrag *f = nfu_ipv4(net)->frag;

	return f ? f->mem : 0;
}

unsigned int nfu_ip_defrag_queues(const struct nfu_net *net)
{
	const struct nfu_ipfrag *f = nfu_ipv4(net)->frag;

	return f ? f->nqueues : 0;
}
