/* SPDX-License-Identifier: MIT */
/*
 * Expectations and helpers (Linux's nf_conntrack_expect.c and
 * nf_conntrack_helper.c, in nfu's words).
 *
 * A helper (FTP, TFTP) reads the packets of a connection it was assigned
 * to (by `-t raw -j CT --helper NAME', as modern Linux requires) and, when
 * they announce another connection (an FTP data connection, a TFTP
 * transfer), expects it: an expectation is a tuple with a mask (the
 * source port is usually any), a master, and a timeout.  The first packet
 * of a new connection that an expectation matches makes it EXPECTED,
 * RELATED to its master (ctinfo NFU_CT_RELATED), with the master's mark;
 * the expectation is then used up.  A master keeps at most its helper's
 * max_expected expectations (the oldest goes), the stack at most
 * nf_conntrack_expect_max; they go with their master.  The same
 * expectation again replaces the old one; one that another master's
 * could be taken for is refused (-EBUSY: NAT's FTP helper then looks for
 * another port).  An expectation with 'expectfn' has it called on the
 * connection it makes, as that is made (NAT's nf_nat_follow_master()).
 *
 * Helpers run last on each packet of their connection, in the confirm
 * hook (LOCAL_IN, POST_ROUTING), as Linux's nf_confirm runs them; never on
 * RELATED_REPLY packets (ICMP errors).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/ct-private.h"
#include "ipv4/ipv4-private.h"

#define NS_PER_SEC 1000000000ull

static const struct nfu_ct_helper *const helpers[] = {
	&nfu_ct_helper_ftp,
	&nfu_ct_helper_tftp,
};

const struct nfu_ct_helper *nfu_ct_helper_find(const char *name, uint8_t proto)
{
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (!strcmp(helpers[i]->name, name) && helpers[i]->proto == proto)
			return helpers[i];
	return NULL;
}

void nfu_ct_helper_log(const struct nfu_ct *ct, const struct nfu_pkt *pkt,
		       const char *fmt, ...)
{
	char why[100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	nfu_log_packet(ct->cn->net, pkt, NULL, NULL,
		       "nf_ct_%s: dropping packet: %s ", ct->helper->name, why);
}

static bool exp_matches(const struct nfu_ct_expect *e,
			const struct nfu_ct_tuple *t)
{
	return e->tuple.proto == t->proto &&
	       (e->tuple.src & e->mask_src) == (t->src & e->mask_src) &&
	       e->tuple.dst == t->dst &&
	       (e->tuple.sport & e->mask_sport) == (t->sport & e->mask_sport) &&
	       e->tuple.dport == t->dport;
}

static void exp_unlink(struct nfu_ct_net *cn, struct nfu_ct_expect *e)
{
	struct nfu_ct_expect **pp = &cn->expects;

	while (*pp && *pp != e)
		pp = &(*pp)->next;
	if (*pp)
		*pp = e->next;
	cn->expect_count--;
	e->master->expecting--;
	nfu_ct_put(e->master);
	free(e);
	cn->expect_delete++;
}

static bool exp_expired(const struct nfu_ct_net *cn, const struct nfu_ct_expect *e)
{
	return (int64_t)(e->timeout - nfu_net_now(cn->net)) <= 0;
}

/* nf_ct_find_expectation(): the live expectation of 't', taken out of the
 * table (its master reference handed to the caller), or NULL. */
struct nfu_ct_expect *nfu_ct_expect_take(struct nfu_ct_net *cn,
					 const struct nfu_ct_tuple *t,
					 uint16_t zone)
{
	struct nfu_ct_expect **pp = &cn->expects;

	while (*pp) {
		struct nfu_ct_expect *e = *pp;

		if (exp_expired(cn, e) || (e->master->status & NFU_IPS_DYING)) {
			exp_unlink(cn, e);
			continue;
		}
		if (e->zone == zone && exp_matches(e, t)) {
			*pp = e->next;
			cn->expect_count--;
			e->master->expecting--;
			return e;
		}
		pp = &e->next;
	}
	return NULL;
}

/* expect_clash(): could one new connection match both?  The source
 * compared under both masks, the rest exactly, in the same zone. */
static bool exp_clash(const struct nfu_ct_expect *a, const struct nfu_ct_expect *b)
{
	uint32_t ms = a->mask_src & b->mask_src;
	uint16_t mp = a->mask_sport & b->mask_sport;

	return a->tuple.proto == b->tuple.proto &&
	       (a->tuple.src & ms) == (b->tuple.src & ms) &&
	       (a->tuple.sport & mp) == (b->tuple.sport & mp) &&
	       a->tuple.dst == b->tuple.dst && a->tuple.dport == b->tuple.dport &&
	       a->zone == b->zone;
}

/* expect_matches(): the same expectation (tuple and masks). */
static bool exp_same(const struct nfu_ct_expect *a, const struct nfu_ct_expect *b)
{
	return !memcmp(&a->tuple, &b->tuple, sizeof(a->tuple)) &&
	       a->mask_src == b->mask_src && a->mask_sport == b->mask_sport &&
	       a->zone == b->zone;
}

struct nfu_ct_expect *nfu_ct_expect_alloc(struct nfu_ct *master,
					  const struct nfu_ct_tuple *t,
					  bool any_sport)
{
	struct nfu_ct_expect *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->tuple = *t;
	e->mask_src = 0xffffffffu;
	e->mask_sport = any_sport ? 0 : 0xffff;
	e->master = master;
	e->zone = master->zone;
	e->helper = NULL; /* the data connection gets no helper */
	return e;
}

void nfu_ct_expect_free(struct nfu_ct_expect *e)
{
	free(e);
}

/* __nf_ct_expect_check() and nf_ct_expect_insert(). */
int nfu_ct_expect_insert(struct nfu_ct_expect *e)
{
	struct nfu_ct *master = e->master;
	struct nfu_ct_net *cn = master->cn;
	const struct nfu_ct_helper *h = master->helper;
	struct nfu_ct_expect *i, *next, *oldest = NULL;

	for (i = cn->expects; i; i = next) {
		next = i->next;
		if (exp_expired(cn, i) || (i->master->status & NFU_IPS_DYING)) {
			exp_unlink(cn, i); /* Linux's timer would have taken it */
			continue;
		}
		if (i->master == master && exp_same(i, e)) {
			/* the same one again: the new one replaces it */
			exp_unlink(cn, i);
			break;
		}
		if (exp_clash(i, e))
			return -EBUSY;
	}
	/* a master's limit: its oldest expectation goes (evict_oldest_expect) */
	if (h && master->expecting >= h->max_expected) {
		for (i = cn->expects; i; i = i->next)
			if (i->master == master)
				oldest = i; /* the list is newest first */
		if (oldest)
			exp_unlink(cn, oldest);
		if (master->expecting >= h->max_expected)
			return -EMFILE;
	}
	if (cn->expect_count >= cn->sysctl.expect_max)
		return -EMFILE; /* "expectation table full" */
	e->timeout = nfu_net_now(cn->net) +
		     (uint64_t)(h ? h->expect_timeout : 300) * NS_PER_SEC;
	master->common.use++;
	master->expecting++;
	e->next = cn->expects;
	cn->expects = e;
	cn->expect_count++;
	cn->expect_create++;
	return 0;
}

void nfu_ct_expect_unlink(struct nfu_ct_expect *e)
{
	exp_unlink(e->master->cn, e);
}

int nfu_ct_expect_related(struct nfu_ct *master, const struct nfu_ct_tuple *t,
			  bool any_sport)
{
	struct nfu_ct_expect *e = nfu_ct_expect_alloc(master, t, any_sport);
	int rc;

	if (!e)
		return -ENOMEM;
	rc = nfu_ct_expect_insert(e);
	if (rc)
		nfu_ct_expect_free(e);
	return rc;
}

void nfu_ct_expect_remove_master(struct nfu_ct *master)
{
	struct nfu_ct_net *cn = master->cn;
	struct nfu_ct_expect **pp = &cn->expects;

	while (*pp && master->expecting) {
		struct nfu_ct_expect *e = *pp;

		if (e->master == master)
			exp_unlink(cn, e);
		else
			pp = &e->next;
	}
}

void nfu_ct_expect_flush(struct nfu_ct_net *cn)
{
	while (cn->expects)
		exp_unlink(cn, cn->expects);
}

void nfu_ct_expect_walk(struct nfu_ct_net *cn,
			void (*fn)(const struct nfu_ct_expect *e, void *priv),
			void *priv)
{
	for (struct nfu_ct_expect *e = cn->expects, *next; e; e = next) {
		next = e->next;
		if (exp_expired(cn, e))
			exp_unlink(cn, e);
		else
			fn(e, priv);
	}
}
