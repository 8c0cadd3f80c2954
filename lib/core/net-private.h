/* SPDX-License-Identifier: MIT */
/*
 * core/net-private.h - the inside of struct nfu_net and of the hook
 * framework, for the library's own layers.
 *
 * Thread-safety: every field is touched only by the thread driving the
 * stack (see nfu/net.h); there are no locks.
 */
#ifndef NFU_CORE_NET_PRIVATE_H
#define NFU_CORE_NET_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "nfu/hook.h"
#include "nfu/net.h"
#include "nfu/pkt.h"

#define NFU_MAX_HOOKS 8
#define NFU_MAX_DEVS 256

struct nfu_hook_entry {
	nfu_hookfn *hook;
	void *priv;
	const struct nfu_hook_ops *ops; /* identity; NULL once unregistered */
};

/* An immutable, sorted array of hook entries.  'refs' counts the stack's
 * pointer to it (while published), traversals under way and queued
 * packets that will resume in it; it is freed when 'refs' reaches 0. */
struct nfu_hook_entries {
	unsigned int num;
	unsigned int refs;
	struct nfu_hook_entries *retired_next; /* on net->hooks_retired */
	struct nfu_hook_entry e[];
};

struct nfu_queue_entry {
	struct nfu_pkt *pkt;
	struct nfu_hook_state state;
	struct nfu_hook_entries *entries; /* holds a ref */
	unsigned int index;               /* entry that queued */
	uint32_t id;
	unsigned int verdict;             /* the QUEUE verdict: its queue
					     number and bypass flag */
	/* What routed a packet of the host at LOCAL_OUT (Linux's
	 * nf_queue_saveroute(), struct ip_rt_info): a verdict of ACCEPT
	 * routes it again when one of them changed (nf_ip_reroute()). */
	uint32_t rt_saddr, rt_daddr, rt_mark;
	uint8_t rt_tos;
	/* The handler's, while it holds the entry (lib/queue's lists). */
	struct nfu_queue_entry *hnext;
	uint32_t hid;
	uint16_t hqueue;
};

/* A function run when the stack is freed (upper layers register theirs:
 * the stack knows nothing of them). */
struct nfu_net_exit {
	void (*fn)(struct nfu_net *net, void *priv);
	void *priv;
	struct nfu_net_exit *next;
};

/* A function told when a device goes down (nfu_net_add_dev_down()). */
struct nfu_net_dev_down {
	void (*fn)(struct nfu_net *net, int ifindex, void *priv);
	void *priv;
	struct nfu_net_dev_down *next;
};

/* A function told when an IPv4 address leaves a device
 * (nfu_net_add_addr_del()). */
struct nfu_net_addr_del {
	void (*fn)(struct nfu_net *net, int ifindex, uint32_t addr, void *priv);
	void *priv;
	struct nfu_net_addr_del *next;
};

struct nfu_ipv4_net; /* lib/ipv4 */

struct nfu_net {
	struct nfu_hook_entries *hooks[NFU_PROTO_NUMPROTO][NFU_MAX_HOOKS];
	struct nfu_hook_entries *hooks_retired; /* replaced, still referenced */
	struct nfu_queue_handler qh[NFU_PROTO_NUMPROTO];
	bool qh_set[NFU_PROTO_NUMPROTO];
	uint32_t queue_id_next;
	/* lib/ipv4's ip_route_me_harder(), for a reinjected packet of the
	 * host whose addresses, TOS or mark changed (nf_reroute()); NULL
	 * without IPv4.  0, or a negative errno with pkt->drop_reason. */
	int (*ip_reroute)(struct nfu_net *net, struct nfu_pkt *pkt);

	struct nfu_dev *devs[NFU_MAX_DEVS]; /* by ifindex; [0] unused */
	unsigned int ndevs;                 /* highest ifindex in use */

	struct nfu_net_ops ops;
	uint64_t (*clock)(void *priv);
	void *clock_priv;
	uint64_t now;

	struct nfu_stats stats;
	uint64_t drops[NFU_DROP_MAX];
	uint64_t pkt_id_next;

	/* packet pool: free pooled buffers */
	struct nfu_pkt *pool_free;
	unsigned int pool_nfree;

	struct nfu_ipv4_net *ipv4;
	void *xt;                 /* lib/xtables: tables in force, or NULL */
	void *ct;                 /* lib/conntrack: its state, or NULL */
	/* lib/conntrack frees a connection whose last reference goes */
	void (*ct_destroy)(struct nfu_net *net, void *ct);
	struct nfu_net_exit *exits;
	/* told when a device goes down (upper layers: NAT's MASQUERADE) */
	struct nfu_net_dev_down *dev_down;
	struct nfu_net_dev_down *dev_up;   /* the same shape, NETDEV_UP */
	/* told when an address leaves a device (NAT's MASQUERADE) */
	struct nfu_net_addr_del *addr_del;
};

/* The first member of a connection (lib/conntrack's struct nfu_ct):
 * references, which lib/core takes and drops when it copies or frees a
 * packet (pkt->ct). */
struct nfu_ct_common {
	uint32_t use;
};

static inline void nfu_pkt_ct_get(const struct nfu_pkt *pkt)
{
	if (pkt->ct)
		((struct nfu_ct_common *)pkt->ct)->use++;
}

/* nf_ct_attach(): a packet the host makes about 'from' (an ICMP error, a
 * REJECT's reset) carries from's connection, RELATED, in the direction
 * opposite to from's (ctinfo values of Linux's enum ip_conntrack_info:
 * RELATED 1, RELATED_REPLY 4, replies from 3 on).  Untracked and invalid
 * packets have none to give. */
static inline void nfu_pkt_ct_attach(struct nfu_pkt *to,
				     const struct nfu_pkt *from)
{
	if (!from->ct || to->ct)
		return;
	to->ct = from->ct;
	nfu_pkt_ct_get(to);
	to->ctinfo = from->ctinfo >= 3 ? 1 : 4;
}

/* Drops the packet's reference to its connection, and forgets it. */
static inline void nfu_pkt_ct_put(struct nfu_pkt *pkt)
{
	struct nfu_ct_common *c = pkt->ct;

	pkt->ct = NULL;
	if (c && --c->use == 0)
		pkt->net->ct_destroy(pkt->net, c);
}

/* Core life cycle (nfu_net_new in lib/ipv4 builds on these). */
struct nfu_net *nfu_net_core_alloc(void);
void nfu_net_core_free(struct nfu_net *net);
int nfu_net_add_exit(struct nfu_net *net,
		     void (*fn)(struct nfu_net *net, void *priv), void *priv);
int nfu_dev_core_add(struct nfu_net *net, const char *name, bool loopback);
/* 'fn' is called with a device's ifindex when it goes down (Linux's
 * NETDEV_DOWN notifiers), in the order registered; 0 or -ENOMEM. */
int nfu_net_add_dev_down(struct nfu_net *net,
			 void (*fn)(struct nfu_net *net, int ifindex, void *priv),
			 void *priv);
/* 'fn' is called with a device's ifindex when it comes up (NETDEV_UP),
 * after it is up, in the order registered; 0 or -ENOMEM. */
int nfu_net_add_dev_up(struct nfu_net *net,
		       void (*fn)(struct nfu_net *net, int ifindex, void *priv),
		       void *priv);
/* The registration of ('fn', 'priv') taken back; nothing when absent. */
void nfu_net_del_dev_down(struct nfu_net *net,
			  void (*fn)(struct nfu_net *net, int ifindex,
				     void *priv),
			  void *priv);

/* 'fn' is called with a device's ifindex and an IPv4 address (network
 * order) that has just left it (Linux's inetaddr notifiers on
 * NETDEV_DOWN, after the routes went: fib_inetaddr_event() is
 * registered first), in the order registered; 0 or -ENOMEM. */
int nfu_net_add_addr_del(struct nfu_net *net,
			 void (*fn)(struct nfu_net *net, int ifindex,
				    uint32_t addr, void *priv),
			 void *priv);
/* Tells the functions of nfu_net_add_addr_del() (lib/ipv4 calls it). */
void nfu_net_addr_deleted(struct nfu_net *net, int ifindex, uint32_t addr);

/* Frees the pool's free list (at stack teardown). */
void nfu_net_pool_release(struct nfu_net *net);

/* Free 'pkt' for 'reason': counts it and tells ops.dropped. */
void nfu_pkt_drop(struct nfu_pkt *pkt, enum nfu_drop_reason reason);

/*
 * The hook traversal: NF_HOOK().  Runs the hook's functions on 'pkt'; when
 * they accept, calls 'okfn' and returns its result.  Returns 0 when the
 * packet was stolen or queued, -EPERM when dropped.
 */
int nfu_hook_slow(struct nfu_pkt *pkt, struct nfu_hook_state *state,
		  struct nfu_hook_entries *e, unsigned int i);
/* The traversal of state->hook goes on with 'pkt' after the function of
 * 'ops' (see hook.c); returns as nfu_hook_slow(). */
int nfu_hook_continue(struct nfu_pkt *pkt, const struct nfu_hook_state *state,
		      const struct nfu_hook_ops *ops);

static inline int nfu_nf_hook(struct nfu_net *net, uint8_t pf, uint8_t hook,
			      struct nfu_pkt *pkt, struct nfu_dev *in,
			      struct nfu_dev *out,
			      int (*okfn)(struct nfu_net *, struct nfu_pkt *))
{
	struct nfu_hook_entries *e = net->hooks[pf][hook];
	struct nfu_hook_state st;

	if (!e)
		return okfn(net, pkt);
	st.hook = hook;
	st.pf = pf;
	st.in = in;
	st.out = out;
	st.net = net;
	st.okfn = okfn;
	return nfu_hook_slow(pkt, &st, e, 0);
}

/* Queue 'pkt' from entry 'index' of 'e' (the hook function that said
 * 'verdict').  Returns 0 when queued, 1 when there is no one to take it
 * and the bypass flag says go on, -errno when it was dropped. */
int nfu_queue_enqueue(struct nfu_pkt *pkt, const struct nfu_hook_state *state,
		      struct nfu_hook_entries *e, unsigned int index,
		      unsigned int verdict);
/* nf_reroute() for a reinjected packet (see queue.c): 0, or a negative
 * errno when it must be dropped. */
int nfu_queue_reroute(const struct nfu_queue_entry *qe, struct nfu_pkt *pkt);
/* Continue the traversal of a queued packet with the handler's verdict. */
void nfu_hook_resume(struct nfu_queue_entry *qe, unsigned int verdict);
/* Forget all hooks (stack teardown). */
void nfu_hook_release_all(struct nfu_net *net);

/* Drop every queued packet (on unregistration). */
void nfu_queue_hook_drop(struct nfu_net *net);

#endif
