/* SPDX-License-Identifier: MIT */
/*
 * The hook framework: registration into immutable sorted arrays, and the
 * traversal (nf_hook_slow) with its verdicts.  See nfu/hook.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/net-private.h"

static unsigned int accept_all(void *priv, struct nfu_pkt *pkt,
			       const struct nfu_hook_state *state)
{
	(void)priv;
	(void)pkt;
	(void)state;
	return NFU_ACCEPT;
}

static bool hook_valid(uint8_t pf, uint8_t hook)
{
	return pf == NFU_PROTO_IPV4 && hook < NFU_INET_NUMHOOKS;
}

static struct nfu_hook_entries *entries_alloc(unsigned int num)
{
	struct nfu_hook_entries *e;

	e = calloc(1, sizeof(*e) + num * sizeof(e->e[0]));
	if (e)
		e->num = num;
	return e;
}

static void entries_put(struct nfu_net *net, struct nfu_hook_entries *e)
{
	struct nfu_hook_entries **pp;

	if (!e || --e->refs)
		return;
	for (pp = &net->hooks_retired; *pp; pp = &(*pp)->retired_next) {
		if (*pp == e) {
			*pp = e->retired_next;
			break;
		}
	}
	free(e);
}

/* Replace the published array of (pf, hook) with 'n'; the old one lives on
 * while traversals or queued packets hold it. */
static void entries_publish(struct nfu_net *net, uint8_t pf, uint8_t hook,
			    struct nfu_hook_entries *n)
{
	struct nfu_hook_entries *old = net->hooks[pf][hook];

	if (n)
		n->refs = 1;
	net->hooks[pf][hook] = n;
	if (old) {
		if (old->refs > 1) {
			old->retired_next = net->hooks_retired;
			net->hooks_retired = old;
		}
		entries_put(net, old);
	}
}

int nfu_hook_register(struct nfu_net *net, const struct nfu_hook_ops *ops)
{
	struct nfu_hook_entries *old, *n;
	unsigned int i, j, num;

	if (!ops || !ops->hook || !hook_valid(ops->pf, ops->hooknum))
		return -EINVAL;
	old = net->hooks[ops->pf][ops->hooknum];
	num = old ? old->num : 0;
	for (i = 0; i < num; i++)
		if (old->e[i].ops == ops)
			return -EEXIST;
	n = entries_alloc(num + 1);
	if (!n)
		return -ENOMEM;
	/* After every entry of lower or equal priority: equal priorities run
	 * in registration order, as in Linux.  Entries neutralised by a
	 * failed shrink (ops == NULL) are dropped on the way. */
	bool placed = false;
	for (i = 0, j = 0; i < num; i++) {
		if (!old->e[i].ops)
			continue;
		if (!placed && old->e[i].ops->priority > ops->priority) {
			n->e[j].hook = ops->hook;
			n->e[j].priv = ops->priv;
			n->e[j].ops = ops;
			j++;
			placed = true;
		}
		n->e[j++] = old->e[i];
	}
	if (!placed) {
		n->e[j].hook = ops->hook;
		n->e[j].priv = ops->priv;
		n->e[j].ops = ops;
		j++;
	}
	n->num = j;
	entries_publish(net, ops->pf, ops->hooknum, n);
	return 0;
}

static void neutralise(struct nfu_hook_entries *e,
		       const struct nfu_hook_ops *ops)
{
	for (unsigned int i = 0; i < e->num; i++) {
		if (e->e[i].ops == ops) {
			e->e[i].hook = accept_all;
			e->e[i].priv = NULL;
			e->e[i].ops = NULL;
		}
	}
}

void nfu_hook_unregister(struct nfu_net *net, const struct nfu_hook_ops *ops)
{
	struct nfu_hook_entries *old, *n, *r;
	unsigned int i, j, found = 0;

	if (!ops || !hook_valid(ops->pf, ops->hooknum))
		return;
	old = net->hooks[ops->pf][ops->hooknum];
	if (!old)
		return;
	for (i = 0; i < old->num; i++)
		found += old->e[i].ops == ops;
	if (!found)
		return;
	/* A traversal under way in this array or an older one must not call
	 * the function again: it now accepts, as Linux's accept_all stub. */
	neutralise(old, ops);
	for (r = net->hooks_retired; r; r = r->retired_next)
		neutralise(r, ops);

	n = NULL;
	if (old->num > 1) {
		n = entries_alloc(old->num - 1);
		if (n) {
			for (i = 0, j = 0; i < old->num; i++)
				if (old->e[i].ops)
					n->e[j++] = old->e[i];
			n->num = j;
		}
	}
	if (n || old->num == 1)
		entries_publish(net, ops->pf, ops->hooknum, n);
	/* else: no memory for the smaller array; the neutralised entry stays
	 * in place, which is still correct. */

	/* As Linux's nf_queue_nf_hook_drop(): queued packets may resume in a
	 * function that no longer exists. */
	nfu_queue_hook_drop(net);
}

unsigned int nfu_hook_count(const struct nfu_net *net, uint8_t pf,
			    uint8_t hook)
{
	const struct nfu_hook_entries *e;
	unsigned int i, n = 0;

	if (!hook_valid(pf, hook))
		return 0;
	e = net->hooks[pf][hook];
	for (i = 0; e && i < e->num; i++)
		n += e->e[i].ops != NULL;
	return n;
}


/*
 * Runs entries from 'i'.  Returns NFU_ACCEPT when the packet should go on
 * to okfn, or the terminal verdict with the packet already disposed of
 * (DROP: freed, STOLEN: forgotten, QUEUE: queued).
 */
static unsigned int iterate(struct nfu_pkt *pkt, struct nfu_hook_state *state,
			    struct nfu_hook_entries *e, unsigned int i)
{
	int ret;

	while (i < e->num) {
		unsigned int verdict;

		verdict = e->e[i].hook(e->e[i].priv, pkt, state);
		switch (verdict & NFU_VERDICT_MASK) {
		case NFU_ACCEPT:
			i++;
			break;
		case NFU_REPEAT:
			break;
		case NFU_STOP:
			return NFU_ACCEPT;
		case NFU_STOLEN:
			return NFU_STOLEN;
		case NFU_QUEUE:
			ret = nfu_queue_enqueue(pkt, state, e, i, verdict);
			if (ret == 1) { /* bypass: as if accepted */
				i++;
				break;
			}
			return NFU_QUEUE;
		case NFU_DROP:
		default:
			/* Linux leaks a packet given an unknown verdict (it
			 * treats it as stolen); nfu drops it instead. */
			nfu_pkt_drop(pkt, pkt->drop_reason != NFU_DROP_NONE
						  ? pkt->drop_reason
						  : NFU_DROP_NETFILTER);
			return NFU_DROP;
		}
	}
	return NFU_ACCEPT;
}

int nfu_hook_slow(struct nfu_pkt *pkt, struct nfu_hook_state *state,
		  struct nfu_hook_entries *e, unsigned int i)
{
	struct nfu_net *net = state->net;
	unsigned int verdict;

	e->refs++; /* unregistration from inside a hook must not free 'e' */
	verdict = iterate(pkt, state, e, i);
	entries_put(net, e);
	if (verdict == NFU_ACCEPT)
		return state->okfn(net, pkt);
	return verdict == NFU_DROP ? -EPERM : 0;
}

/* Resume a reinjected packet: nf_reinject(). */
void nfu_hook_resume(struct nfu_queue_entry *qe, unsigned int verdict)
{
	struct nfu_queue_entry saved = *qe;
	struct nfu_pkt *pkt = qe->pkt;
	struct nfu_hook_state state = qe->state;
	struct nfu_hook_entries *e = qe->entries;
	struct nfu_net *net = state.net;
	unsigned int i = qe->index;
	int ret;

	e->refs++; /* our own reference for the rest of the traversal */
	entries_put(net, qe->entries); /* the queue entry's */
	free(qe);

	if ((verdict & NFU_VERDICT_MASK) == NFU_REPEAT) {
		verdict = NFU_ACCEPT;
		if (i < e->num) {
			/* call the function that queued it again; what it
			 * says is handled below as a handler's verdict, so
			 * that its ACCEPT reroutes as in nf_reinject() */
			verdict = e->e[i].hook(e->e[i].priv, pkt, &state);
			if ((verdict & NFU_VERDICT_MASK) == NFU_REPEAT) {
				verdict = iterate(pkt, &state, e, i);
				goto done;
			}
		}
	}
	switch (verdict & NFU_VERDICT_MASK) {
	case NFU_ACCEPT:
		/* nf_reroute(): a packet of the host whose route keys the
		 * handler changed is routed again, or dropped */
		if (nfu_queue_reroute(&saved, pkt) < 0) {
			nfu_pkt_drop(pkt, pkt->drop_reason != NFU_DROP_NONE
						  ? pkt->drop_reason
						  : NFU_DROP_NETFILTER);
			verdict = NFU_DROP;
			break;
		}
		verdict = iterate(pkt, &state, e, i + 1);
		break;
	case NFU_STOP:
		verdict = NFU_ACCEPT;
		break;
	case NFU_QUEUE:
		ret = nfu_queue_enqueue(pkt, &state, e, i, verdict);
		if (ret == 1)
			verdict = iterate(pkt, &state, e, i + 1);
		else
			verdict = NFU_QUEUE;
		break;
	case NFU_STOLEN:
		verdict = NFU_STOLEN;
		break;
	default:
		nfu_pkt_drop(pkt, pkt->drop_reason != NFU_DROP_NONE
					  ? pkt->drop_reason
					  : NFU_DROP_NETFILTER);
		verdict = NFU_DROP;
		break;
	}
done:
	entries_put(net, e);
	if (verdict == NFU_ACCEPT)
		state.okfn(net, pkt);
}

void nfu_hook_release_all(struct nfu_net *net)
{
	for (unsigned int pf = 0; pf < NFU_PROTO_NUMPROTO; pf++)
		for (unsigned int h = 0; h < NFU_MAX_HOOKS; h++)
			entries_publish(net, (uint8_t)pf, (uint8_t)h, NULL);
	while (net->hooks_retired) {
		struct nfu_hook_entries *r = net->hooks_retired;
		net->hooks_retired = r->retired_next;
		free(r);
	}
}

/* Go on with 'pkt' in the traversal of state->hook after the function of
 * 'ops', as if that function had accepted it: the functions after it,
 * then state->okfn.  For a function that takes one packet (NFU_STOLEN)
 * and lets another go on in its place: conntrack's reassembly, which
 * turns the last fragment into the whole datagram (Linux morphs the skb
 * in place; nfu's datagram is a new packet).  When 'ops' is no longer
 * registered, the packet goes on from the first function with a higher
 * priority. */
int nfu_hook_continue(struct nfu_pkt *pkt, const struct nfu_hook_state *state,
		      const struct nfu_hook_ops *ops)
{
	struct nfu_net *net = state->net;
	struct nfu_hook_state st = *state;
	struct nfu_hook_entries *e;
	unsigned int i = 0;

	if (st.pf >= NFU_PROTO_NUMPROTO || st.hook >= NFU_MAX_HOOKS)
		return -EINVAL;
	e = net->hooks[st.pf][st.hook];
	if (!e)
		return st.okfn(net, pkt);
	while (i < e->num && e->e[i].ops != ops &&
	       (!e->e[i].ops || e->e[i].ops->priority <= ops->priority))
		i++;
	if (i < e->num && e->e[i].ops == ops)
		i++;
	return nfu_hook_slow(pkt, &st, e, i);
}
