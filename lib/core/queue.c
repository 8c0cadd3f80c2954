/* SPDX-License-Identifier: MIT */
/*
 * The queue dispatcher (Linux's nf_queue.c): hands packets that a hook
 * queued to the family's queue handler and takes them back with a verdict.
 * The handler itself (a queue server, a test) lives elsewhere.
 */
#include <errno.h>
#include <stdlib.h>

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
