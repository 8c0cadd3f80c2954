/* SPDX-License-Identifier: MIT */
/*
 * nat/nat_core.c - bindings: the choice of a connection's translated
 * tuple (Linux's get_unique_tuple() and what it calls), the null binding,
 * the NAT hooks and the lookup functions they run, MASQUERADE's and
 * REDIRECT's addresses.
 *
 * The port search follows nf_nat_l4proto_unique_tuple() step for step;
 * where Linux starts it at get_random_u16(), nfu takes the next number of
 * its own generator (nat-private.h says why).  So a connection keeps its
 * port whenever Linux's would (the tuple is free), and when it must move,
 * the class of ports it moves in (1-511, 600-1023, 1024-65535, or the
 * rule's range) is Linux's; the port itself is the same only by chance.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/jhash.h"
#include "core/net-private.h"
#include "ipv4/ipv4-private.h"
#include "nat/nat-private.h"

#define NAT_MAX_ATTEMPTS 128                     /* NF_NAT_MAX_ATTEMPTS */
#define NAT_HARDER_THRESH (NAT_MAX_ATTEMPTS / 4) /* NF_NAT_HARDER_THRESH */

static uint16_t ntoh16(uint16_t v)
{
	return __builtin_bswap16(v);
}

static uint32_t ntoh32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static bool tuple_eq(const struct nfu_ct_tuple *a, const struct nfu_ct_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto;
}

/* Where Linux draws at random: splitmix64. */
uint32_t nfu_nat_rand32(struct nfu_nat_net *nn)
{
	uint64_t z = (nn->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(z ^ (z >> 31));
}

/* The search's offsets (Linux: get_random_u16()). */
static uint16_t rand16(struct nfu_nat_net *nn)
{
	return (uint16_t)nfu_nat_rand32(nn);
}

/*
 * The source hash: bound connections by their original source (address,
 * port, protocol, zone), so that a source keeps its mapping.
 */
static uint32_t hash_by_src(const struct nfu_nat_net *nn, const struct nfu_ct *ct,
			    const struct nfu_ct_tuple *t)
{
	uint32_t k[3];

	k[0] = t->src;
	k[1] = (uint32_t)t->sport << 16 | t->proto;
	/* the zone counts only when it is the same both ways */
	k[2] = ct->czone.dir ? 0 : ct->czone.id;
	return nfu_reciprocal_scale(nfu_jhash2(k, 3, nn->seed), nn->nbysource);
}

static struct nfu_nat_ext *ext_get(struct nfu_ct *ct)
{
	if (!ct->nat) {
		struct nfu_nat_ext *e = calloc(1, sizeof(*e));

		if (!e)
			return NULL;
		e->ct = ct;
		ct->nat = e;
	}
	return ct->nat;
}

static void bysource_add(struct nfu_nat_net *nn, struct nfu_nat_ext *e)
{
	uint32_t h = hash_by_src(nn, e->ct, &e->ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple);

	e->by_hash = h;
	e->by_next = nn->bysource[h];
	nn->bysource[h] = e;
	e->by_linked = true;
}

void nfu_nat_ct_free(struct nfu_ct *ct)
{
	struct nfu_nat_ext *e = ct->nat;
	struct nfu_nat_net *nn = ct->cn->nat;

	if (!e)
		return;
	if (e->by_linked && nn && nn->bysource) {
		struct nfu_nat_ext **pp = &nn->bysource[e->by_hash];

		while (*pp && *pp != e)
			pp = &(*pp)->by_next;
		if (*pp)
			*pp = e->by_next;
	}
	free(e);
	ct->nat = NULL;
}

/*
 * Is a tuple taken?
 */

/* nf_conntrack_tuple_taken(): a confirmed connection other than 'ignored'
 * has tuple 't' (a reply tuple to be), unless it is the same flow (their
 * original tuples equal: the clash is resolved at confirm). */
static bool tuple_taken(struct nfu_nat_net *nn, const struct nfu_ct_tuple *t,
			const struct nfu_ct *ignored)
{
	struct nfu_ct *o = nfu_ct_find_zone(nn->cn, t, &ignored->czone, NULL);

	if (!o || o == ignored)
		return false;
	if (tuple_eq(&o->tuplehash[NFU_CT_DIR_ORIGINAL].tuple,
		     &ignored->tuplehash[NFU_CT_DIR_ORIGINAL].tuple))
		return false;
	return true;
}

/* nf_nat_used_tuple(): would 't' as the new original tuple clash? */
static bool used_tuple(struct nfu_nat_net *nn, const struct nfu_ct_tuple *t,
		       const struct nfu_ct *ct)
{
	struct nfu_ct_tuple reply;

	if (!nfu_nat_invert_tuple(&reply, t))
		return true;
	return tuple_taken(nn, &reply, ct);
}

/* nf_nat_used_tuple_new(): the same for the tuple as it is, except for a
 * connection of a protocol that allows clashes (UDP, and the generic
 * tracker's) when neither it nor the one in the way is translated and
 * the one in the way is this flow's reverse: that is left to the clash
 * resolution at confirm.  ICMP allows none (ct-clash-icmp: Linux 6.18
 * drops the second of two held echo requests at confirmation). */
static bool used_tuple_new(struct nfu_nat_net *nn, const struct nfu_ct_tuple *t,
			   const struct nfu_ct *ct)
{
	const uint32_t uses_nat = NFU_IPS_SRC_NAT | NFU_IPS_DST_NAT |
				  NFU_IPS_SEQ_ADJUST;
	struct nfu_ct_tuple reply;
	struct nfu_ct *o;

	if (!used_tuple(nn, t, ct))
		return false;
	/* TCP and SCTP do not allow clashes (their trackers' allow_clash
	 * is false) */
	if (t->proto == 6 || t->proto == 1 || t->proto == 132)
		return true;
	if (ct->status & uses_nat)
		return true;
	o = nfu_ct_find_zone(nn->cn, t, &ct->czone, NULL);
	if (!o) {
		if (!nfu_nat_invert_tuple(&reply, t))
			return true;
		o = nfu_ct_find_zone(nn->cn, &reply, &ct->czone, NULL);
		if (!o)
			return false;
	}
	if (o->status & uses_nat)
		return true;
	return !tuple_eq(&o->tuplehash[NFU_CT_DIR_ORIGINAL].tuple,
			 &ct->tuplehash[NFU_CT_DIR_REPLY].tuple);
}

/* nf_nat_used_tuple_harder(): in the last attempts for a new TCP
 * connection, a translated connection in the way that is closing (TIME_WAIT
 * or later) is evicted when the new one's sequence numbers are past its. */
static bool used_tuple_harder(struct nfu_nat_net *nn, const struct nfu_ct_tuple *t,
			      const struct nfu_ct *ct, unsigned int left)
{
	struct nfu_ct_tuple reply;
	unsigned int dir = 0;
	struct nfu_ct *o;

	if (!nfu_nat_invert_tuple(&reply, t))
		return true;
	if (left > NAT_HARDER_THRESH || t->proto != 6 ||
	    ct->proto.tcp.state != NFU_CT_TCP_SYN_SENT)
		return tuple_taken(nn, &reply, ct);
	o = nfu_ct_find_zone(nn->cn, &reply, &ct->czone, &dir);
	if (!o)
		return false;
	if (dir == NFU_CT_DIR_ORIGINAL || o == ct)
		return true;
	if (o->proto.tcp.state < NFU_CT_TCP_TIME_WAIT ||
	    (o->status & (NFU_IPS_FIXED_TIMEOUT | NFU_IPS_DYING)) ||
	    !(o->status & NFU_IPS_SRC_NAT))
		return true;
	if ((int32_t)(ct->proto.tcp.seen[0].td_end - o->proto.tcp.seen[0].td_end) <= 0)
		return true;
	nfu_ct_kill(o);
	return false;
}

/*
 * The choice.
 */

/* l4proto_in_range(): the part 'manip' changes within [min, max]?  (nfu
 * tracks only TCP, UDP, UDP-Lite, SCTP and ICMP with ports or ids.) */
static bool l4_in_range(const struct nfu_ct_tuple *t, enum nfu_nat_manip_type manip,
			uint16_t min, uint16_t max)
{
	uint16_t p;

	switch (t->proto) {
	case 1:
		p = ntoh16(t->sport);
		break;
	case 6:
	case 17:
	case 136: /* UDP-Lite */
	case 132: /* SCTP */
		p = ntoh16(manip == NFU_NAT_MANIP_SRC ? t->sport : t->dport);
		break;
	default:
		return true;
	}
	return p >= min && p <= max;
}

/* nf_in_range(): would mapping the source to 't' meet 'r'? */
static bool in_range(const struct nfu_ct_tuple *t, const struct nfu_nat_range *r)
{
	if ((r->flags & NFU_NAT_MAP_IPS) &&
	    (ntoh32(t->src) < ntoh32(r->min_addr) ||
	     ntoh32(t->src) > ntoh32(r->max_addr)))
		return false;
	if (!(r->flags & NFU_NAT_PROTO_SPECIFIED))
		return true;
	return l4_in_range(t, NFU_NAT_MANIP_SRC, r->min_proto, r->max_proto);
}

/* find_appropriate_src(): a connection from the same source already
 * mapped into the range: its mapping, to the new destination. */
static bool find_appropriate_src(struct nfu_nat_net *nn, const struct nfu_ct *ct,
				 const struct nfu_ct_tuple *t,
				 struct nfu_ct_tuple *result,
				 const struct nfu_nat_range *r)
{
	uint32_t h = hash_by_src(nn, ct, t);

	for (struct nfu_nat_ext *e = nn->bysource[h]; e; e = e->by_next) {
		const struct nfu_ct *o = e->ct;
		const struct nfu_ct_tuple *ot = &o->tuplehash[NFU_CT_DIR_ORIGINAL].tuple;

		if (ot->proto != t->proto || ot->src != t->src ||
		    ot->sport != t->sport ||
		    nfu_ct_zone_id(&o->czone, NFU_CT_DIR_ORIGINAL) !=
			    nfu_ct_zone_id(&ct->czone, NFU_CT_DIR_ORIGINAL))
			continue;
		if (!nfu_nat_invert_tuple(result, &o->tuplehash[NFU_CT_DIR_REPLY].tuple))
			continue;
		result->dst = t->dst;
		result->dport = t->dport;
		if (in_range(result, r))
			return true;
	}
	return false;
}

/* find_best_ips_proto(): the address of the range, by a hash of the
 * source and (unless persistent) the destination and zone. */
static void find_best_ips(const struct nfu_ct *ct, struct nfu_ct_tuple *t,
			  const struct nfu_nat_range *r,
			  enum nfu_nat_manip_type manip)
{
	uint32_t *var = manip == NFU_NAT_MANIP_SRC ? &t->src : &t->dst;
	uint32_t k[4] = { t->src, 0, 0, 0 }; /* the 16-byte address union */
	uint32_t j, minip, maxip;

	if (!(r->flags & NFU_NAT_MAP_IPS))
		return;
	if (r->min_addr == r->max_addr) {
		*var = r->min_addr;
		return;
	}
	j = nfu_jhash2(k, 4, (r->flags & NFU_NAT_PERSISTENT) ? 0 : t->dst ^ ct->czone.id);
	minip = ntoh32(r->min_addr);
	maxip = ntoh32(r->max_addr);
	*var = ntoh32(minip + nfu_reciprocal_scale(j, maxip - minip + 1));
}

/* nf_nat_l4proto_unique_tuple(): the port (ICMP id) moved into the range
 * to a tuple that is free, if one is found. */
static void unique_l4(struct nfu_nat_net *nn, struct nfu_ct_tuple *t,
		      const struct nfu_nat_range *r,
		      enum nfu_nat_manip_type manip, const struct nfu_ct *ct)
{
	unsigned int range_size, min, attempts, i;
	uint16_t *key, off;

	switch (t->proto) {
	case 1:
		key = &t->sport; /* the id, the same both ways */
		if (!(r->flags & NFU_NAT_PROTO_SPECIFIED)) {
			min = 0;
			range_size = 65536;
		} else {
			min = r->min_proto;
			range_size = (unsigned int)(r->max_proto - r->min_proto + 1) & 0xffffffffu;
		}
		goto find_free;
	case 6:
	case 17:
	case 136: /* UDP-Lite, as Linux 6.18's search */
	case 132: /* SCTP: the same classes of source ports */
		key = manip == NFU_NAT_MANIP_SRC ? &t->sport : &t->dport;
		break;
	default:
		return;
	}
	if (!(r->flags & NFU_NAT_PROTO_SPECIFIED)) {
		uint16_t p = ntoh16(*key);

		if (manip == NFU_NAT_MANIP_DST)
			return; /* a destination keeps its port */
		if (p < 512) {
			min = 1;
			range_size = 511;
		} else if (p < 1024) {
			min = 600;
			range_size = 1023 - 600 + 1;
		} else {
			min = 1024;
			range_size = 65535 - 1024 + 1;
		}
	} else {
		unsigned int lo = r->min_proto, hi = r->max_proto;

		if (hi < lo) {
			unsigned int x = hi;

			hi = lo;
			lo = x;
		}
		min = lo;
		range_size = hi - lo + 1;
	}
find_free:
	if (r->flags & NFU_NAT_PROTO_OFFSET)
		off = (uint16_t)(ntoh16(*key) - r->base_proto);
	else if ((r->flags & NFU_NAT_PROTO_RANDOM_ALL) || manip != NFU_NAT_MANIP_DST)
		off = rand16(nn);
	else
		off = 0;
	attempts = range_size < NAT_MAX_ATTEMPTS ? range_size : NAT_MAX_ATTEMPTS;
	nn->port_searched++;
	for (;;) {
		for (i = 0; i < attempts; i++, off++) {
			*key = ntoh16((uint16_t)(min + off % range_size));
			if (!used_tuple_harder(nn, t, ct, attempts - i))
				return;
		}
		if (attempts >= range_size || attempts < 16)
			return; /* given up: the confirm will find the clash */
		attempts /= 2;
		off = rand16(nn);
	}
}

/* get_unique_tuple(): the tuple 'orig' becomes, for 'manip' in 'r'. */
static void get_unique_tuple(struct nfu_nat_net *nn, struct nfu_ct_tuple *t,
			     const struct nfu_ct_tuple *orig,
			     const struct nfu_nat_range *r, struct nfu_ct *ct,
			     enum nfu_nat_manip_type manip)
{
	/* 1) a source: as it is if that is in range and free, else the
	 * mapping its other connections have */
	if (manip == NFU_NAT_MANIP_SRC && !(r->flags & NFU_NAT_PROTO_RANDOM_ALL)) {
		if (in_range(orig, r)) {
			if (!used_tuple_new(nn, orig, ct)) {
				*t = *orig;
				return;
			}
		} else if (find_appropriate_src(nn, ct, orig, t, r)) {
			if (!used_tuple(nn, t, ct))
				return;
		}
	}
	/* 2) the range's address */
	*t = *orig;
	find_best_ips(ct, t, r, manip);
	/* 3) the port, unless it is in range and free already */
	if (!(r->flags & NFU_NAT_PROTO_RANDOM_ALL)) {
		if (r->flags & NFU_NAT_PROTO_SPECIFIED) {
			if (!(r->flags & NFU_NAT_PROTO_OFFSET) &&
			    l4_in_range(t, manip, r->min_proto, r->max_proto) &&
			    (r->min_proto == r->max_proto || !used_tuple(nn, t, ct)))
				return;
		} else if (!used_tuple(nn, t, ct)) {
			return;
		}
	}
	unique_l4(nn, t, r, manip, ct);
}

unsigned int nfu_nat_setup_info(struct nfu_ct *ct, const struct nfu_nat_range *r,
				enum nfu_nat_manip_type manip)
{
	struct nfu_nat_net *nn = ct->cn->nat;
	struct nfu_ct_tuple curr, nt;

	if (ct->status & NFU_IPS_CONFIRMED)
		return NFU_ACCEPT;
	if (!nn || nfu_nat_initialized(ct, manip))
		return NFU_DROP;
	/* what the packet looks like now: the reverse of the reply */
	if (!nfu_nat_invert_tuple(&curr, &ct->tuplehash[NFU_CT_DIR_REPLY].tuple))
		return NFU_DROP;
	get_unique_tuple(nn, &nt, &curr, r, ct, manip);
	if (!tuple_eq(&nt, &curr)) {
		struct nfu_ct_tuple reply;

		if (!nfu_nat_invert_tuple(&reply, &nt))
			return NFU_DROP;
		/* nf_conntrack_alter_reply(): not in the table yet */
		ct->tuplehash[NFU_CT_DIR_REPLY].tuple = reply;
		ct->status |= manip == NFU_NAT_MANIP_SRC ? NFU_IPS_SRC_NAT
							 : NFU_IPS_DST_NAT;
		/* a helper's connection may need its sequence adjusted */
		if (ct->helper && !ext_get(ct))
			return NFU_DROP;
	}
	if (manip == NFU_NAT_MANIP_SRC) {
		struct nfu_nat_ext *e = ext_get(ct);

		if (!e)
			return NFU_DROP;
		if (!e->by_linked)
			bysource_add(nn, e);
	}
	ct->status |= manip == NFU_NAT_MANIP_DST ? NFU_IPS_DST_NAT_DONE
						 : NFU_IPS_SRC_NAT_DONE;
	nn->bound++;
	return NFU_ACCEPT;
}

unsigned int nfu_nat_alloc_null_binding(struct nfu_ct *ct, unsigned int hook)
{
	enum nfu_nat_manip_type manip = nfu_nat_hook2manip(hook);
	const struct nfu_ct_tuple *rt = &ct->tuplehash[NFU_CT_DIR_REPLY].tuple;
	struct nfu_nat_range r;
	struct nfu_nat_net *nn = ct->cn->nat;

	/* this address, and the port left to the search */
	memset(&r, 0, sizeof(r));
	r.flags = NFU_NAT_MAP_IPS;
	r.min_addr = r.max_addr = manip == NFU_NAT_MANIP_SRC ? rt->dst : rt->src;
	if (nn)
		nn->null_bound++;
	return nfu_nat_setup_info(ct, &r, manip);
}

unsigned int nfu_nat_masquerade(struct nfu_pkt *pkt, const struct nfu_nat_range *range,
				const struct nfu_dev *out)
{
	struct nfu_ct *ct = pkt->ct;
	struct nfu_nat_range r;
	struct nfu_nat_ext *e;
	uint32_t src;

	if (!ct || !out)
		return NFU_ACCEPT;
	/* a source of 0.0.0.0: the host's, not to be masqueraded */
	if (!ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.src)
		return NFU_ACCEPT;
	/* the address for the route's next hop (rt_nexthop()) */
	src = nfu_inet_select_addr(pkt->net, out->ifindex, pkt->nexthop,
				   NFU_RT_SCOPE_UNIVERSE);
	if (!src) /* "… ate my IP address" */
		return NFU_DROP;
	e = ext_get(ct);
	if (e)
		e->masq_index = out->ifindex;
	memset(&r, 0, sizeof(r));
	r.flags = range->flags | NFU_NAT_MAP_IPS;
	r.min_addr = r.max_addr = src;
	r.min_proto = range->min_proto;
	r.max_proto = range->max_proto;
	return nfu_nat_setup_info(ct, &r, NFU_NAT_MANIP_SRC);
}

unsigned int nfu_nat_redirect(struct nfu_pkt *pkt, const struct nfu_nat_range *range,
			      unsigned int hook)
{
	struct nfu_ct *ct = pkt->ct;
	struct nfu_nat_range r;
	uint32_t dst = 0;

	if (!ct)
		return NFU_ACCEPT;
	if (hook == NFU_INET_LOCAL_OUT) {
		dst = __builtin_bswap32(0x7f000001u);
	} else {
		const struct nfu_ifaddr *a = pkt->in ? nfu_ifaddr_list(pkt->net, pkt->in->ifindex)
						     : NULL;

		if (a)
			dst = a->local;
		if (!dst)
			return NFU_DROP;
	}
	memset(&r, 0, sizeof(r));
	r.flags = range->flags | NFU_NAT_MAP_IPS;
	r.min_addr = r.max_addr = dst;
	r.min_proto = range->min_proto;
	r.max_proto = range->max_proto;
	return nfu_nat_setup_info(ct, &r, NFU_NAT_MANIP_DST);
}

struct masq_forget {
	int ifindex;
	uint32_t addr;
	struct nfu_ct **kill;
	size_t n, cap;
};

static void masq_forget_one(struct nfu_ct *ct, void *priv)
{
	struct masq_forget *f = priv;
	struct nfu_nat_ext *e = ct->nat;

	if (!e || e->masq_index != f->ifindex)
		return;
	/* with an address: only the connections masqueraded to it */
	if (f->addr && ct->tuplehash[NFU_CT_DIR_REPLY].tuple.dst != f->addr)
		return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct nfu_ct **k = realloc(f->kill, cap * sizeof(*k));

		if (!k)
			return;
		f->kill = k;
		f->cap = cap;
	}
	f->kill[f->n++] = ct;
}

void nfu_nat_masq_forget(struct nfu_net *net, int ifindex, uint32_t addr)
{
	struct nfu_ct_net *cn = net->ct;
	struct masq_forget f = { .ifindex = ifindex, .addr = addr };

	if (!cn || !cn->nat)
		return;
	nfu_ct_walk(cn, masq_forget_one, &f);
	for (size_t i = 0; i < f.n; i++)
		nfu_ct_kill(f.kill[i]);
	free(f.kill);
}

/*
 * The hooks.
 */

/* nf_nat_oif_changed(): a masqueraded connection leaving by another
 * device than it was bound to. */
static bool oif_changed(const struct nfu_ct *ct, unsigned int hook, uint32_t ctinfo,
			const struct nfu_dev *out)
{
	const struct nfu_nat_ext *e = ct->nat;

	return e && e->masq_index && hook == NFU_INET_POST_ROUTING &&
	       nfu_ctinfo_dir(ctinfo) == NFU_CT_DIR_ORIGINAL && out &&
	       e->masq_index != out->ifindex;
}

/* nf_nat_ipv4_fn() with nf_nat_inet_fn(). */
static unsigned int nat_fn(struct nfu_nat_net *nn, struct nfu_pkt *pkt,
			   const struct nfu_hook_state *st)
{
	struct nfu_ct *ct = pkt->ct;
	uint32_t ctinfo = pkt->ctinfo;
	enum nfu_nat_manip_type manip = nfu_nat_hook2manip(st->hook);
	unsigned int v;

	if (!ct || (ct->status & NFU_IPS_TEMPLATE) || ctinfo >= NFU_CT_NUMBER)
		return NFU_ACCEPT;
	if (ctinfo == NFU_CT_RELATED || ctinfo == NFU_CT_RELATED_REPLY) {
		const unsigned char *ip = nfu_pkt_network_header(pkt);

		if (ip[9] == 1) {
			if (nfu_nat_icmp_reply_translation(pkt, ct, ctinfo, st->hook))
				return NFU_ACCEPT;
			pkt->drop_reason = NFU_DROP_NETFILTER;
			nn->dropped++;
			return NFU_DROP;
		}
	}
	switch (ctinfo) {
	case NFU_CT_RELATED:
	case NFU_CT_RELATED_REPLY:
	case NFU_CT_NEW:
		if (!nfu_nat_initialized(ct, manip)) {
			struct nfu_nat_lookup *l = &nn->lookup[st->hook];

			/* (an expected connection of a translated master
			 * is bound already: nat_helper.c) */
			if (l->fn) {
				v = l->fn(l->priv, pkt, st);
				if (v != NFU_ACCEPT)
					return v;
				if (nfu_nat_initialized(ct, manip))
					break;
			}
			v = nfu_nat_alloc_null_binding(ct, st->hook);
			if (v != NFU_ACCEPT) {
				pkt->drop_reason = NFU_DROP_NETFILTER;
				nn->dropped++;
				return v;
			}
		} else if (oif_changed(ct, st->hook, ctinfo, st->out)) {
			goto oif;
		}
		break;
	default:
		if (oif_changed(ct, st->hook, ctinfo, st->out))
			goto oif;
		break;
	}
	v = nfu_nat_packet(ct, ctinfo, st->hook, pkt);
	if (v != NFU_ACCEPT)
		nn->dropped++;
	return v;
oif:
	nfu_ct_kill(ct);
	pkt->drop_reason = NFU_DROP_NETFILTER;
	return NFU_DROP;
}

static unsigned int nat_pre_routing(void *priv, struct nfu_pkt *pkt,
				    const struct nfu_hook_state *st)
{
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	uint32_t daddr;
	unsigned int v;

	memcpy(&daddr, ip + 16, 4);
	v = nat_fn(priv, pkt, st);
	/* a new destination is routed again (skb_dst_drop()) */
	if (v == NFU_ACCEPT && memcmp(&daddr, nfu_pkt_network_header(pkt) + 16, 4))
		pkt->rt_kept = 0;
	return v;
}

static unsigned int nat_out(void *priv, struct nfu_pkt *pkt,
			    const struct nfu_hook_state *st)
{
	return nat_fn(priv, pkt, st);
}

static unsigned int nat_local_fn(void *priv, struct nfu_pkt *pkt,
				 const struct nfu_hook_state *st)
{
	unsigned int v = nat_fn(priv, pkt, st);
	const struct nfu_ct *ct = pkt->ct;

	if (v != NFU_ACCEPT || !ct || (ct->status & NFU_IPS_TEMPLATE) ||
	    pkt->ctinfo >= NFU_CT_NUMBER)
		return v;
	{
		unsigned int dir = nfu_ctinfo_dir(pkt->ctinfo);

		/* a destination changed: routed again (ip_route_me_harder) */
		if (ct->tuplehash[dir].tuple.dst != ct->tuplehash[!dir].tuple.src &&
		    nfu_ip_route_me_harder(pkt->net, pkt) < 0)
			return NFU_DROP;
	}
	return v;
}

static unsigned int nat_local_in(void *priv, struct nfu_pkt *pkt,
				 const struct nfu_hook_state *st)
{
	return nat_fn(priv, pkt, st);
}

static void nat_exit(struct nfu_net *net, void *priv)
{
	struct nfu_nat_net *nn = priv;

	for (unsigned int i = 0; i < 4; i++)
		if (nn->registered & (1u << i))
			nfu_hook_unregister(net, &nn->ops[i]);
	nn->registered = 0;
	/* the connections' states go with them (nfu_nat_ct_free()); the
	 * chains' heads go now, and the state when conntrack's does */
	free(nn->bysource);
	nn->bysource = NULL;
	nn->nbysource = 0;
}

/* masq_device_event(): a device that goes down takes the connections
 * MASQUERADE bound to it with it. */
static void nat_dev_down(struct nfu_net *net, int ifindex, void *priv)
{
	(void)priv;
	nfu_nat_masq_forget(net, ifindex, 0);
}

/* masq_inet_event(): an address that leaves a device takes the
 * connections MASQUERADE bound to that device whose reply tuple goes to
 * it (inet_cmp(): masq_index and the reply's destination).  Linux defers
 * the walk to a worker (nf_nat_masq_schedule(), at most 16 pending: more
 * are not done); nfu does it at once, before the next packet, which is
 * when the worker would have run on an idle machine (a guess about the
 * timing only). */
static void nat_addr_del(struct nfu_net *net, int ifindex, uint32_t addr,
			 void *priv)
{
	(void)priv;
	nfu_nat_masq_forget(net, ifindex, addr);
}

void nfu_nat_net_free(struct nfu_nat_net *nn)
{
	free(nn->bysource);
	free(nn);
}

struct nfu_nat_net *nfu_nat_net(struct nfu_net *net)
{
	struct nfu_ct_net *cn = nfu_ct_net(net);
	struct nfu_nat_net *nn;
	const char *seed;

	if (!cn)
		return NULL;
	if (cn->nat)
		return cn->nat;
	nn = calloc(1, sizeof(*nn));
	if (!nn)
		return NULL;
	nn->net = net;
	nn->cn = cn;
	/* as Linux: the size of conntrack's table, at least 1024 */
	nn->nbysource = cn->sysctl.buckets > 1024 ? cn->sysctl.buckets : 1024;
	nn->bysource = calloc(nn->nbysource, sizeof(*nn->bysource));
	/* (the device notifier first: it holds nothing of 'nn', so a
	 * failure of the exit after it leaves nothing dangling) */
	if (!nn->bysource || nfu_net_add_dev_down(net, nat_dev_down, NULL) ||
	    nfu_net_add_addr_del(net, nat_addr_del, NULL) ||
	    nfu_net_add_exit(net, nat_exit, nn)) {
		free(nn->bysource);
		free(nn);
		return NULL;
	}
	nn->seed = (uint32_t)cn->seed[0];
	seed = getenv("NFU_NAT_SEED");
	nn->rng = seed && *seed ? strtoull(seed, NULL, 0) : 0x6e66755f6e6174ull;
	cn->nat = nn;
	return nn;
}

int nfu_nat_register_lookup(struct nfu_net *net, unsigned int hook,
			    nfu_hookfn *fn, void *priv)
{
	static const struct {
		uint8_t hook;
		int32_t prio;
		nfu_hookfn *fn;
	} regs[4] = {
		{ NFU_INET_PRE_ROUTING, NFU_IP_PRI_NAT_DST, nat_pre_routing },
		{ NFU_INET_POST_ROUTING, NFU_IP_PRI_NAT_SRC, nat_out },
		{ NFU_INET_LOCAL_OUT, NFU_IP_PRI_NAT_DST, nat_local_fn },
		{ NFU_INET_LOCAL_IN, NFU_IP_PRI_NAT_SRC, nat_local_in },
	};
	struct nfu_nat_net *nn;
	int rc = 0;

	if (hook >= NFU_INET_NUMHOOKS || hook == NFU_INET_FORWARD)
		return -EINVAL;
	nn = nfu_nat_net(net);
	if (!nn)
		return -ENOMEM;
	for (unsigned int i = 0; i < 4 && !rc; i++) {
		if (nn->registered & (1u << i))
			continue;
		nn->ops[i].hook = regs[i].fn;
		nn->ops[i].priv = nn;
		nn->ops[i].pf = NFU_PROTO_IPV4;
		nn->ops[i].hooknum = regs[i].hook;
		nn->ops[i].priority = regs[i].prio;
		rc = nfu_hook_register(net, &nn->ops[i]);
		if (!rc)
			nn->registered |= 1u << i;
	}
	if (rc)
		return rc;
	if (!nn->lookup[hook].fn)
		nn->users++;
	nn->lookup[hook].fn = fn;
	nn->lookup[hook].priv = priv;
	return 0;
}

void nfu_nat_unregister_lookup(struct nfu_net *net, unsigned int hook)
{
	struct nfu_ct_net *cn = net->ct;
	struct nfu_nat_net *nn = cn ? cn->nat : NULL;

	if (!nn || hook >= NFU_INET_NUMHOOKS || !nn->lookup[hook].fn)
		return;
	nn->lookup[hook].fn = NULL;
	nn->lookup[hook].priv = NULL;
	if (--nn->users)
		return;
	for (unsigned int i = 0; i < 4; i++)
		if (nn->registered & (1u << i))
			nfu_hook_unregister(net, &nn->ops[i]);
	nn->registered = 0;
}
