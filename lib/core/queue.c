/* SPDX-License-Identifier: MIT */
/*
 * The queue dispatcher (Linux's nf_queue.c): hands packets that a hook
 * queued to the family's queue handler and takes them back with a verdict.
 * The handler itself (a queue server, a test) lives elsewhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/net-private.h"

int nfu_queue_handler_register(struct nfu_net *net, uint8_t pf,
			       const struct nfu_queue_handler *h)
{
	if (pf >= NFU_PROTO_NUMPROTO || !h || !h->outfn)
		return -EINVAL;
	if (net->qh_set[pf])
		return -EBUSY;
	net->qh[pf] = *h;
	net->qh_set[pf] = true;
	return 0;
}

void nfu_queue_handler_unregister(struct nfu_net *net, uint8_t pf)
{
	if (pf >= NFU_PROTO_NUMPROTO || !net->qh_set[pf])
		return;
	/* Packets still held come back dropped, as when Linux's
	 * nfnetlink_queue goes away. */
	if (net->qh[pf].hook_drop)
		net->qh[pf].hook_drop(net->qh[pf].priv, net);
	net->qh_set[pf] = false;
}

/* nf_queue_saveroute(): what the route of a packet of the host depends
 * on, to see at reinjection whether the handler changed it. */
static void save_route(struct nfu_queue_entry *qe)
{
	const unsigned char *iph = nfu_pkt_network_header(qe->pkt);

	qe->rt_saddr = qe->rt_daddr = qe->rt_mark = 0;
	qe->rt_tos = 0;
	if (qe->state.pf != NFU_PROTO_IPV4 ||
	    qe->state.hook != NFU_INET_LOCAL_OUT || qe->pkt->len < 20)
		return;
	qe->rt_tos = iph[1];
	memcpy(&qe->rt_saddr, iph + 12, 4);
	memcpy(&qe->rt_daddr, iph + 16, 4);
	qe->rt_mark = qe->pkt->mark;
}

/* nf_ip_reroute(): after an ACCEPT at LOCAL_OUT, the packet is routed
 * again when its TOS, mark or addresses differ from those saved when it
 * was queued (a handler's new bytes or mark).  0, or a negative errno
 * (the caller drops it). */
int nfu_queue_reroute(const struct nfu_queue_entry *qe, struct nfu_pkt *pkt)
{
	const unsigned char *iph = nfu_pkt_network_header(pkt);
	uint32_t saddr, daddr;
	struct nfu_net *net = qe->state.net;

	if (qe->state.pf != NFU_PROTO_IPV4 ||
	    qe->state.hook != NFU_INET_LOCAL_OUT || !net->ip_reroute ||
	    pkt->len < 20)
		return 0;
	memcpy(&saddr, iph + 12, 4);
	memcpy(&daddr, iph + 16, 4);
	if (iph[1] == qe->rt_tos && pkt->mark == qe->rt_mark &&
	    saddr == qe->rt_saddr && daddr == qe->rt_daddr)
		return 0;
	return net->ip_reroute(net, pkt);
}

int nfu_queue_enqueue(struct nfu_pkt *pkt, const struct nfu_hook_state *state,
		      struct nfu_hook_entries *e, unsigned int index,
		      unsigned int verdict)
{
	struct nfu_net *net = state->net;
	unsigned int queuenum = NFU_VERDICT_QUEUE_NUM(verdict);
	bool bypass = verdict & NFU_VERDICT_FLAG_QUEUE_BYPASS;
	struct nfu_queue_entry *qe;
	int err = -ESRCH;

	if (state->pf < NFU_PROTO_NUMPROTO && net->qh_set[state->pf]) {
		qe = malloc(sizeof(*qe));
		if (!qe) {
			err = -ENOMEM;
			goto drop;
		}
		qe->pkt = pkt;
		qe->state = *state;
		qe->entries = e;
		qe->index = index;
		qe->id = ++net->queue_id_next;
		qe->verdict = verdict;
		qe->hnext = NULL;
		qe->hid = 0;
		qe->hqueue = 0;
		save_route(qe);
		e->refs++;
		err = net->qh[state->pf].outfn(net->qh[state->pf].priv, qe,
					       queuenum);
		if (err == 0) {
			net->stats.queued++;
			return 0;
		}
		e->refs--; /* cannot reach 0: the traversal holds one */
		free(qe);
	}
	if (err == -ESRCH && bypass)
		return 1;
drop:
	nfu_pkt_drop(pkt, NFU_DROP_QUEUE);
	return err;
}

void nfu_reinject(struct nfu_queue_entry *qe, unsigned int verdict)
{
	nfu_hook_resume(qe, verdict);
}

struct nfu_pkt *nfu_queue_entry_pkt(const struct nfu_queue_entry *qe)
{
	return qe->pkt;
}

const struct nfu_hook_state *
nfu_queue_entry_state(const struct nfu_queue_entry *qe)
{
	return &qe->state;
}

uint32_t nfu_queue_entry_id(const struct nfu_queue_entry *qe)
{
	return qe->id;
}

void nfu_queue_hook_drop(struct nfu_net *net)
{
	for (unsigned int pf = 0; pf < NFU_PROTO_NUMPROTO; pf++)
		if (net->qh_set[pf] && net->qh[pf].hook_drop)
			net->qh[pf].hook_drop(net->qh[pf].priv, net);
}
