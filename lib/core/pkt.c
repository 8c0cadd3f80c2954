/* SPDX-License-Identifier: MIT */
/*
 * The packet pool.  A pooled block is one allocation: the struct nfu_pkt,
 * then the buffer (headroom, room for a 9000-byte MTU frame, tailroom).
 * Freed pooled packets go on the stack's free list (bounded), so a warm
 * stack allocates nothing per packet.  Larger packets are allocated alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/net-private.h"

#define POOL_BUF_SIZE (NFU_PKT_HEADROOM + 9216u + 128u)
#define POOL_MAX_FREE 4096u

static void pkt_init(struct nfu_pkt *p, struct nfu_net *net,
		     unsigned char *buf, uint32_t size, bool pooled)
{
	memset(p, 0, sizeof(*p));
	p->head = buf;
	p->size = size;
	p->data = buf + NFU_PKT_HEADROOM;
	p->network_off = NFU_PKT_HEADROOM;
	p->transport_off = NFU_PKT_HEADROOM;
	p->mac_off = NFU_PKT_HEADROOM;
	p->pooled = pooled;
	p->net = net;
	p->tstamp = nfu_net_now(net);
	p->id = ++net->pkt_id_next;
}

struct nfu_pkt *nfu_pkt_alloc(struct nfu_net *net, size_t len)
{
	struct nfu_pkt *p;
	size_t need = NFU_PKT_HEADROOM + len + 64;

	if (len > UINT32_MAX - 2 * NFU_PKT_HEADROOM)
		return NULL;
	if (need <= POOL_BUF_SIZE) {
		p = net->pool_free;
		if (p) {
			net->pool_free = p->next;
			net->pool_nfree--;
		} else {
			p = malloc(sizeof(*p) + POOL_BUF_SIZE);
			if (!p)
				return NULL;
		}
		pkt_init(p, net, (unsigned char *)(p + 1), POOL_BUF_SIZE, true);
		return p;
	}
	p = malloc(sizeof(*p) + need);
	if (!p)
		return NULL;
	pkt_init(p, net, (unsigned char *)(p + 1), (uint32_t)need, false);
	return p;
}

struct nfu_pkt *nfu_pkt_from_bytes(struct nfu_net *net, const void *bytes,
				   size_t len)
{
	struct nfu_pkt *p = nfu_pkt_alloc(net, len);

	if (!p)
		return NULL;
	memcpy(nfu_pkt_put(p, len), bytes, len);
	return p;
}

void nfu_pkt_free(struct nfu_pkt *p)
{
	struct nfu_net *net;

	if (!p)
		return;
	net = p->net;
	nfu_pkt_ct_put(p);
	nfu_pkt_linearize(p);
	if (p->pooled && net->pool_nfree < POOL_MAX_FREE) {
		p->next = net->pool_free;
		net->pool_free = p;
		net->pool_nfree++;
		return;
	}
	free(p);
}

void nfu_pkt_drop(struct nfu_pkt *p, enum nfu_drop_reason reason)
{
	struct nfu_net *net = p->net;

	if ((unsigned int)reason >= NFU_DROP_MAX)
		reason = NFU_DROP_NONE;
	p->drop_reason = reason;
	net->drops[reason]++;
	net->stats.dropped++;
	if (net->ops.dropped)
		net->ops.dropped(net->ops.priv, p, reason);
	nfu_pkt_free(p);
}

/* A new packet with 'p''s metadata and headroom and room for 'len' bytes
 * after it, its own buffer, pool state and, unless 'keep_id', its own id;
 * no bytes copied, no references taken. */
static struct nfu_pkt *pkt_clone(const struct nfu_pkt *p, size_t len,
				 bool keep_id)
{
	size_t hr = nfu_pkt_headroom(p);
	struct nfu_pkt *n = nfu_pkt_alloc(p->net, len + hr);
	unsigned char *head;
	uint32_t size;
	bool pooled;
	uint64_t id;

	if (!n)
		return NULL;
	head = n->head;
	size = n->size;
	pooled = n->pooled;
	id = n->id;
	*n = *p;
	n->head = head;
	n->size = size;
	n->pooled = pooled;
	if (!keep_id)
		n->id = id;
	n->next = NULL;
	n->data = head + hr;
	return n;
}

struct nfu_pkt *nfu_pkt_copy(const struct nfu_pkt *p)
{
	struct nfu_pkt *n = pkt_clone(p, p->len, false);

	if (!n)
		return NULL;
	/* skb_copy() makes one linear buffer: no frag_list */
	n->frag_lens = NULL;
	n->frag_count = 0;
	memcpy(n->data, p->data, p->len);
	nfu_pkt_ct_get(n);
	return n;
}

struct nfu_pkt *nfu_pkt_expand(struct nfu_pkt *p, size_t len)
{
	struct nfu_pkt *n;

	if (nfu_pkt_headroom(p) + len <= p->size)
		return p;
	n = pkt_clone(p, len, true);
	if (!n)
		return NULL;
	memcpy(n->data, p->data, p->len);
	/* the connection reference and the pieces move to the new one */
	p->ct = NULL;
	p->frag_lens = NULL;
	p->frag_count = 0;
	nfu_pkt_free(p);
	return n;
}

int nfu_pkt_set_data(struct nfu_pkt *p, const void *bytes, size_t len)
{
	size_t hr = nfu_pkt_headroom(p);

	if (hr + len > p->size)
		return -ENOMEM;
	nfu_pkt_linearize(p);
	memmove(p->data, bytes, len);
	p->len = (uint32_t)len;
	return 0;
}

void nfu_pkt_linearize(struct nfu_pkt *p)
{
	free(p->frag_lens);
	p->frag_lens = NULL;
	p->frag_count = 0;
}

void nfu_net_pool_release(struct nfu_net *net)
{
	while (net->pool_free) {
		struct nfu_pkt *p = net->pool_free;
		net->pool_free = p->next;
		free(p);
	}
	net->pool_nfree = 0;
}
