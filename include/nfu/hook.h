/* SPDX-License-Identifier: MIT */
/*
 * nfu/hook.h - the netfilter hook framework of nfu.
 *
 * What?
 *   Per family, a fixed set of hooks (IPv4: PRE_ROUTING, LOCAL_IN, FORWARD,
 *   LOCAL_OUT, POST_ROUTING).  Functions are registered on a hook at a
 *   priority; a packet passing the hook visits them in ascending priority
 *   order (equal priorities in registration order) and each returns a
 *   verdict.
 *
 * Verdicts (Linux's numbers, <linux/netfilter.h>):
 *   NFU_ACCEPT  go on with the next function; after the last one the packet
 *               continues on its path (the "okfn").
 *   NFU_DROP    the packet is freed, counted under its drop reason.
 *   NFU_STOLEN  the function took the packet; the stack forgets it.
 *   NFU_QUEUE   the packet is handed to the queue handler of the family
 *               (NFU_VERDICT_QUEUE(num, bypass) builds such a verdict).  The
 *               handler reinjects it later with nfu_reinject(); traversal
 *               then resumes after the function that queued it.  With no
 *               handler, or none for that queue number, the packet is
 *               dropped, or goes on to the next function when the bypass
 *               flag is set (nf_queue() returning 1 in Linux).
 *   NFU_REPEAT  call the same function again.
 *   NFU_STOP    accept at once: the remaining functions of this hook are
 *               skipped.  This is the classic nf_iterate()/nf_hook_slow()
 *               behaviour, which nf_reinject() still has in Linux 6.x;
 *               current nf_hook_slow() no longer honours STOP or REPEAT
 *               returned directly by a hook function, nfu keeps the
 *               original semantics because the framework promises them.
 *
 * Basic design
 *   Each (family, hook) has an immutable array of entries, sorted at
 *   registration.  Registering or unregistering builds a new array and
 *   publishes it with one pointer store; a traversal keeps using the array it
 *   started with.  Arrays replaced while a traversal (or a queued packet)
 *   may still refer to them are retired and freed once no traversal is in
 *   progress.  Unregistering never fails: if the smaller array cannot be
 *   allocated, the entry stays in place with a function that accepts.  As
 *   in Linux, unregistering a hook drops every packet waiting in a queue
 *   (nf_queue_nf_hook_drop), because their continuation may point at it.
 *   A hook with nothing registered costs one pointer test.
 *
 * Thread-safety
 *   A struct nfu_net is driven by one thread at a time: registration,
 *   traversal and reinjection of one stack must not run concurrently.
 *   Distinct stacks share nothing and may run on distinct threads.
 */
#ifndef NFU_HOOK_H
#define NFU_HOOK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nfu_net;
struct nfu_pkt;
struct nfu_dev;

/* Families, numbered as Linux's NFPROTO_*. */
enum nfu_family {
	NFU_PROTO_UNSPEC = 0,
	NFU_PROTO_IPV4 = 2,
	NFU_PROTO_NUMPROTO = 3,
};

/* The IPv4 hooks, numbered as Linux's NF_INET_*. */
enum nfu_inet_hook {
	NFU_INET_PRE_ROUTING = 0,
	NFU_INET_LOCAL_IN = 1,
	NFU_INET_FORWARD = 2,
	NFU_INET_LOCAL_OUT = 3,
	NFU_INET_POST_ROUTING = 4,
	NFU_INET_NUMHOOKS = 5,
};

/* Verdicts, numbered as Linux's NF_*. */
enum nfu_verdict_code {
	NFU_DROP = 0,
	NFU_ACCEPT = 1,
	NFU_STOLEN = 2,
	NFU_QUEUE = 3,
	NFU_REPEAT = 4,
	NFU_STOP = 5,
};

/* A verdict is an unsigned int: the code in the low byte; for NFU_QUEUE the
 * queue number in the upper 16 bits and the bypass flag in bit 15, as in
 * Linux (NF_VERDICT_MASK, NF_VERDICT_QBITS, NF_VERDICT_FLAG_QUEUE_BYPASS). */
#define NFU_VERDICT_MASK 0x000000ffu
#define NFU_VERDICT_QBITS 16
#define NFU_VERDICT_FLAG_QUEUE_BYPASS 0x00008000u
#define NFU_VERDICT_QUEUE(num, bypass)                                       \
	(((unsigned int)(num) << NFU_VERDICT_QBITS) | NFU_QUEUE |            \
	 ((bypass) ? NFU_VERDICT_FLAG_QUEUE_BYPASS : 0u))
#define NFU_VERDICT_QUEUE_NUM(v) ((unsigned int)(v) >> NFU_VERDICT_QBITS)

/* Priorities of the functions Linux registers on IPv4 hooks. */
enum nfu_ip_hook_priority {
	NFU_IP_PRI_FIRST = INT32_MIN,
	NFU_IP_PRI_CONNTRACK_DEFRAG = -400,
	NFU_IP_PRI_RAW = -300,
	NFU_IP_PRI_CONNTRACK = -200,
	NFU_IP_PRI_MANGLE = -150,
	NFU_IP_PRI_NAT_DST = -100,
	NFU_IP_PRI_FILTER = 0,
	NFU_IP_PRI_SECURITY = 50,
	NFU_IP_PRI_NAT_SRC = 100,
	NFU_IP_PRI_CONNTRACK_CONFIRM = INT32_MAX,
	NFU_IP_PRI_LAST = INT32_MAX,
};

/* What a hook function is told about where the packet is. */
struct nfu_hook_state {
	uint8_t hook;           /* enum nfu_inet_hook */
	uint8_t pf;             /* enum nfu_family */
	struct nfu_dev *in;     /* input device, NULL at LOCAL_OUT */
	struct nfu_dev *out;    /* output device, NULL before routing */
	struct nfu_net *net;
	/* Where the packet goes once the hook accepts it. */
	int (*okfn)(struct nfu_net *net, struct nfu_pkt *pkt);
};

typedef unsigned int nfu_hookfn(void *priv, struct nfu_pkt *pkt,
				const struct nfu_hook_state *state);

/* A registration.  The caller owns it; it must stay valid and unchanged
 * until unregistered: the stack identifies the entry by its address. */
struct nfu_hook_ops {
	nfu_hookfn *hook;
	void *priv;
	uint8_t pf;
	uint8_t hooknum;
	int32_t priority;
};

/* Returns 0, -EINVAL for a bad family or hook, -EEXIST if 'ops' is
 * registered already, -ENOMEM. */
int nfu_hook_register(struct nfu_net *net, const struct nfu_hook_ops *ops);

/* Never fails; unregistering what is not registered is a no-op.  Packets
 * queued in 'net' are dropped (see above). */
void nfu_hook_unregister(struct nfu_net *net, const struct nfu_hook_ops *ops);

/* Number of functions on (pf, hook), for tests and statistics. */
unsigned int nfu_hook_count(const struct nfu_net *net, uint8_t pf,
			    uint8_t hook);

/*
 * Queueing.  A queued packet is described by a queue entry; the handler
 * owns it until it calls nfu_reinject() exactly once.
 */
struct nfu_queue_entry;

struct nfu_queue_handler {
	/* Take 'entry' for queue 'queuenum'.  Return 0 when taken, -ESRCH
	 * when no one listens on that queue (then the bypass flag decides),
	 * another negative errno to drop. */
	int (*outfn)(void *priv, struct nfu_queue_entry *entry,
		     unsigned int queuenum);
	/* Drop (by nfu_reinject(e, NFU_DROP)) every entry held: called when a
	 * hook is unregistered. */
	void (*hook_drop)(void *priv, struct nfu_net *net);
	void *priv;
};

/* One handler per family; registering over another returns -EBUSY. */
int nfu_queue_handler_register(struct nfu_net *net, uint8_t pf,
			       const struct nfu_queue_handler *h);
void nfu_queue_handler_unregister(struct nfu_net *net, uint8_t pf);

struct nfu_pkt *nfu_queue_entry_pkt(const struct nfu_queue_entry *entry);
const struct nfu_hook_state *
nfu_queue_entry_state(const struct nfu_queue_entry *entry);
/* Identifier unique in its stack, increasing (the nfqueue packet id). */
uint32_t nfu_queue_entry_id(const struct nfu_queue_entry *entry);

/* Give the handler's 'verdict' for 'entry' and free the entry.  ACCEPT
 * resumes with the next function after the one that queued; REPEAT calls
 * that function again; STOP accepts at once; QUEUE queues again (to the
 * queue in the verdict); STOLEN forgets the packet; anything else drops.
 * The handler may have replaced the packet's bytes beforehand
 * (nfu_pkt_put_data and friends). */
void nfu_reinject(struct nfu_queue_entry *entry, unsigned int verdict);

#ifdef __cplusplus
}
#endif
#endif
