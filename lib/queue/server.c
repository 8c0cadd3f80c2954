/* SPDX-License-Identifier: MIT */
/*
 * The queue server (nfu/queue.h): Linux's nfnetlink_queue for an nfu
 * stack, its handlers reached over a Unix-domain stream socket with the
 * messages of queue/wire.h (docs/queue-protocol.md).
 *
 * Basic design
 *   Per queue number a record: while a handler has bound it, the fields
 *   of Linux's struct nfqnl_instance (owner, copy mode and range, maxlen,
 *   flags, id sequence, the list of packets waiting, Linux's counters),
 *   reset at every BIND and UNBIND as Linux creates and destroys the
 *   instance; and nfu's own counters, kept for the queue number for the
 *   life of the server (they count what happens when no instance exists).
 *   Records are found in O(1) through a two-level table of 256 pages of
 *   256 pointers, and are freed with the server only.
 *
 *   The datapath (outfn) never blocks and makes no system call: it
 *   appends the PACKET message to the handler's output buffer.  Output is
 *   sent, and input read and carried out, by nfu_queue_server_process().
 *   A handler whose unsent output is over the limit (8 MiB, the netlink
 *   socket's full receive buffer of Linux) is "unreachable": new packets
 *   for it are dropped (queue_user_dropped) or accepted (FAIL_OPEN), and
 *   its requests are not read until its output drains (so that a handler
 *   that never reads cannot make the server's memory grow).
 *
 *   A connection is closed (its instances destroyed, its packets dropped
 *   and counted in handler_gone) when it ends, when a read or write on it
 *   fails, and on any malformed input.  Closing only marks the client dead
 *   and closes its socket; the struct is freed at the end of
 *   nfu_queue_server_process(), so that pointers held by the event loop
 *   stay valid.
 *
 * Thread-safety
 *   The stack's thread only (nfu/queue.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/net-private.h"
#include "ipv4/ipv4-private.h"
#include "queue/queue-private.h"
#include "queue/wire.h"

#define OUT_LIMIT_DEFAULT ((size_t)8 << 20)
/* Room for a whole message of the largest size behind a partial one. */
#define IN_CAP ((size_t)2 * NFU_QWIRE_MAX_MSG + 4096)
#define READS_PER_EVENT 16
#define ETH_P_IP 0x0800u

struct qrec {
	uint16_t queue;
	/* The instance: meaningful while 'owner' is set. */
	struct nfu_queue_client *owner;
	struct qrec *owner_next;          /* the owner's other instances */
	uint8_t copy_mode;
	uint32_t copy_range, maxlen, flags;
	uint32_t queue_total, id_sequence, queue_dropped, queue_user_dropped;
	struct nfu_queue_entry *head, *tail; /* in id order */
	/* nfu's counters, for the queue number */
	uint32_t failopen, nohandler_dropped, nohandler_bypassed;
	uint32_t handler_gone, timed_out;
	uint32_t verdicts[6];
};

struct nfu_queue_client {
	int fd;
	uint32_t peer;
	bool hello, dead, dirty;
	uint32_t events;                   /* registered with epoll */
	struct qrec *insts;
	uint8_t *in;                       /* bytes read, not yet handled */
	size_t in_len;
	uint8_t *out;                      /* unsent: out[out_off..out_len) */
	size_t out_off, out_len, out_cap;
	struct nfu_queue_client *next;     /* srv->clients */
	struct nfu_queue_client *dirty_next;
};

struct nfu_queue_server {
	struct nfu_net *net;
	int lfd, epfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct nfu_queue_client *clients;
	struct nfu_queue_client *dirty; /* output appended since the flush */
	uint32_t next_peer;
	uint32_t default_maxlen;
	size_t out_limit;
	unsigned int pending;
	struct qrec **pages[256];
	void (*observe)(void *arg, const struct nfu_queue_event *ev);
	void *observe_arg;
	uint64_t clock_base;    /* added to the stack's clock for handlers */
};

static void observe(struct nfu_queue_server *srv,
		    enum nfu_queue_event_type type, uint16_t queue,
		    const struct nfu_queue_entry *qe, uint32_t id,
		    const struct nfu_qwire_verdict *v, unsigned int verdict)
{
	struct nfu_queue_event ev = {
		.type = type, .queue = queue, .id = id, .verdict = verdict,
		.new_len = -1, .pkt = qe->pkt,
	};

	if (!srv->observe)
		return;
	if (v) {
		ev.batch = !!(v->vflags & NFU_QWIRE_V_BATCH);
		ev.mark_set = !!(v->vflags & NFU_QWIRE_V_MARK);
		ev.mark = v->mark;
		if (v->vflags & NFU_QWIRE_V_PAYLOAD)
			ev.new_len = (int)v->data_len;
	}
	srv->observe(srv->observe_arg, &ev);
}

void nfu_queue_server_set_clock_base(struct nfu_queue_server *srv,
				     uint64_t ns)
{
	srv->clock_base = ns;
}

void nfu_queue_server_set_observer(
	struct nfu_queue_server *srv,
	void (*fn)(void *arg, const struct nfu_queue_event *ev), void *arg)
{
	srv->observe = fn;
	srv->observe_arg = arg;
}

/* ---- records ---- */

static struct qrec *rec_find(const struct nfu_queue_server *srv, uint16_t q)
{
	struct qrec **pg = srv->pages[q >> 8];

	return pg ? pg[q & 255] : NULL;
}

static struct qrec *rec_get(struct nfu_queue_server *srv, uint16_t q)
{
	struct qrec **pg = srv->pages[q >> 8];
	struct qrec *r;

	if (!pg) {
		pg = calloc(256, sizeof(*pg));
		if (!pg)
			return NULL;
		srv->pages[q >> 8] = pg;
	}
	r = pg[q & 255];
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return NULL;
		r->queue = q;
		pg[q & 255] = r;
	}
	return r;
}

/* Linux's instance_create(): a fresh instance owned by 'c'. */
static void inst_init(struct nfu_queue_server *srv, struct qrec *r,
		      struct nfu_queue_client *c)
{
	r->owner = c;
	r->owner_next = c->insts;
	c->insts = r;
	r->copy_mode = NFU_QWIRE_COPY_NONE;
	r->copy_range = NFU_QUEUE_COPY_RANGE_MAX;
	r->maxlen = srv->default_maxlen;
	r->flags = 0;
	r->queue_total = r->id_sequence = 0;
	r->queue_dropped = r->queue_user_dropped = 0;
	r->head = r->tail = NULL;
}

/* Take every waiting packet of 'r' off its list. */
static struct nfu_queue_entry *inst_detach_all(struct nfu_queue_server *srv,
					       struct qrec *r)
{
	struct nfu_queue_entry *l = r->head;

	srv->pending -= r->queue_total;
	r->queue_total = 0;
	r->head = r->tail = NULL;
	return l;
}

/* Drop the packets of list 'l', counting them in *count when not NULL. */
static void drop_list(struct nfu_queue_server *srv,
		      struct nfu_queue_entry *l, uint32_t *count)
{
	while (l) {
		struct nfu_queue_entry *n = l->hnext;

		if (count) {
			/* its handler went away */
			(*count)++;
			observe(srv, NFU_QUEUE_EV_GONE, l->hqueue, l, l->hid,
				NULL, NFU_DROP);
		}
		nfu_reinject(l, NFU_DROP);
		l = n;
	}
}

/* Linux's instance_destroy(): the instance goes first, then its packets
 * are dropped (nfqnl_flush()), so that nothing they cause can queue to
 * it again.  Counted in handler_gone. */
static void inst_destroy(struct nfu_queue_server *srv, struct qrec *r)
{
	struct nfu_queue_client *c = r->owner;
	struct nfu_queue_entry *l;
	struct qrec **pp;

	for (pp = &c->insts; *pp; pp = &(*pp)->owner_next) {
		if (*pp == r) {
			*pp = r->owner_next;
			break;
		}
	}
	l = inst_detach_all(srv, r);
	r->owner = NULL;
	r->owner_next = NULL;
	r->copy_mode = 0;
	r->copy_range = r->maxlen = r->flags = 0;
	r->id_sequence = r->queue_dropped = r->queue_user_dropped = 0;
	drop_list(srv, l, &r->handler_gone);
}

/* ---- output ---- */

static size_t unsent(const struct nfu_queue_client *c)
{
	return c->out_len - c->out_off;
}

/* Room for 'n' more bytes of output to 'c'; NULL when 'limited' and the
 * unsent bytes would go over the limit, or when memory is short. */
static uint8_t *out_reserve(struct nfu_queue_server *srv,
			    struct nfu_queue_client *c, size_t n, bool limited)
{
	size_t left = unsent(c);

	if (limited && left + n > srv->out_limit)
		return NULL;
	if (c->out_len + n > c->out_cap && c->out_off) {
		memmove(c->out, c->out + c->out_off, left);
		c->out_off = 0;
		c->out_len = left;
	}
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 65536;
		uint8_t *b;

		while (cap < c->out_len + n)
			cap *= 2;
		b = realloc(c->out, cap);
		if (!b)
			return NULL;
		c->out = b;
		c->out_cap = cap;
	}
	return c->out + c->out_len;
}

static void out_commit(struct nfu_queue_server *srv,
		       struct nfu_queue_client *c, size_t n)
{
	c->out_len += n;
	if (!c->dirty) {
		c->dirty = true;
		c->dirty_next = srv->dirty;
		srv->dirty = c;
	}
}

static void send_ack(struct nfu_queue_server *srv, struct nfu_queue_client *c,
		     uint32_t seq, int err)
{
	size_t need = NFU_QWIRE_HDR_LEN + NFU_QWIRE_ACK_LEN;
	uint8_t *b = out_reserve(srv, c, need, false);

	/* Out of memory: the handler misses this answer (as a netlink ack
	 * that could not be allocated). */
	if (b)
		out_commit(srv, c, nfu_qwire_put_ack(b, need, seq,
						     (uint32_t)-err));
}

/* Whether 'c' has so much unsent output that its requests wait. */
static bool blocked(const struct nfu_queue_server *srv,
		    const struct nfu_queue_client *c)
{
	return unsent(c) >= srv->out_limit;
}

static void client_kill(struct nfu_queue_server *srv,
			struct nfu_queue_client *c);

static void client_epoll(struct nfu_queue_server *srv,
			 struct nfu_queue_client *c)
{
	uint32_t ev = (blocked(srv, c) ? 0 : EPOLLIN) |
		      (unsent(c) ? EPOLLOUT : 0);
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (c->dead || ev == c->events)
		return;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &e) == 0)
		c->events = ev;
}

/* Send what can be sent without waiting. */
static void client_flush(struct nfu_queue_server *srv,
			 struct nfu_queue_client *c)
{
	while (!c->dead && unsent(c)) {
		ssize_t r = send(c->fd, c->out + c->out_off, unsent(c),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (r > 0) {
			c->out_off += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		client_kill(srv, c);
		return;
	}
	if (!unsent(c))
		c->out_off = c->out_len = 0;
	client_epoll(srv, c);
}

static void flush_dirty(struct nfu_queue_server *srv)
{
	while (srv->dirty) {
		struct nfu_queue_client *c = srv->dirty;

		srv->dirty = c->dirty_next;
		c->dirty = false;
		c->dirty_next = NULL;
		if (!c->dead)
			client_flush(srv, c);
	}
}

/* ---- the datapath ---- */

static int take_failopen(struct nfu_queue_server *srv, struct qrec *r,
			 struct nfu_queue_entry *qe)
{
	/* __nfqnl_enqueue_packet() with NFQA_CFG_F_FAIL_OPEN: accepted at
	 * once, the traversal goes on after the function that queued */
	r->failopen++;
	observe(srv, NFU_QUEUE_EV_FAILOPEN, r->queue, qe, 0, NULL, NFU_ACCEPT);
	nfu_reinject(qe, NFU_ACCEPT);
	return 0;
}

/* nfqnl_build_packet_message() in wire form, at the end of c's output. */
static bool put_packet(struct nfu_queue_server *srv, struct qrec *r,
		       const struct nfu_queue_entry *qe, uint32_t id)
{
	const struct nfu_pkt *p = qe->pkt;
	struct nfu_qwire_packet m = {
		.queue = r->queue,
		.hw_protocol = ETH_P_IP,
		.hook = qe->state.hook,
		.id = id,
		.mark = p->mark,
		.indev = qe->state.in ? (uint32_t)qe->state.in->ifindex : 0,
		.outdev = qe->state.out ? (uint32_t)qe->state.out->ifindex : 0,
		.pkt_len = p->len,
		.data = p->data,
	};
	size_t need;
	uint8_t *b;

	if (r->copy_mode == NFU_QWIRE_COPY_PACKET)
		m.data_len = p->len < r->copy_range ? p->len : r->copy_range;
	/* As Linux 6.x: a time stamp only before routing's output side
	 * (hook <= FORWARD), and only when the packet has one. */
	if (qe->state.hook <= NFU_INET_FORWARD &&
	    (p->tstamp || srv->clock_base)) {
		uint64_t t = srv->clock_base + p->tstamp;

		m.ts_sec = t / 1000000000u;
		m.ts_usec = (uint32_t)(t % 1000000000u / 1000u);
	}
	need = NFU_QWIRE_HDR_LEN + NFU_QWIRE_PACKET_LEN + m.data_len;
	b = out_reserve(srv, r->owner, need, true);
	if (!b)
		return false;
	out_commit(srv, r->owner, nfu_qwire_put_packet(b, need, &m));
	return true;
}

/* nfqnl_enqueue_packet(). */
static int srv_outfn(void *priv, struct nfu_queue_entry *qe,
		     unsigned int queuenum)
{
	struct nfu_queue_server *srv = priv;
	struct qrec *r = rec_find(srv, (uint16_t)queuenum);
	uint32_t id;

	if (!r || !r->owner) {
		/* nobody bound it: the core drops it, or lets it go on
		 * with --queue-bypass; counted here by queue number */
		r = rec_get(srv, (uint16_t)queuenum);
		if (r) {
			if (qe->verdict & NFU_VERDICT_FLAG_QUEUE_BYPASS)
				r->nohandler_bypassed++;
			else
				r->nohandler_dropped++;
		}
		return -ESRCH;
	}
	/* As Linux: a queue in copy mode NONE (the mode BIND leaves) takes
	 * nothing; the packet is dropped, without a counter of the queue. */
	if (r->copy_mode == NFU_QWIRE_COPY_NONE)
		return -EINVAL;
	if (r->queue_total >= r->maxlen) {
		if (r->flags & NFU_QWIRE_CFG_F_FAIL_OPEN)
			return take_failopen(srv, r, qe);
		r->queue_dropped++;
		return -ENOBUFS;
	}
	/* the id is taken before the message is sent, as Linux's: a packet
	 * the handler cannot be given still uses one */
	id = ++r->id_sequence;
	if (!put_packet(srv, r, qe, id)) {
		if (r->flags & NFU_QWIRE_CFG_F_FAIL_OPEN)
			return take_failopen(srv, r, qe);
		r->queue_user_dropped++;
		return -ENOBUFS;
	}
	qe->hid = id;
	qe->hqueue = r->queue;
	qe->hnext = NULL;
	if (r->tail)
		r->tail->hnext = qe;
	else
		r->head = qe;
	r->tail = qe;
	r->queue_total++;
	srv->pending++;
	observe(srv, NFU_QUEUE_EV_QUEUED, r->queue, qe, id, NULL, 0);
	return 0;
}

/* nfqnl_nf_hook_drop(): a hook went away; every packet waiting is
 * dropped, with no counter of the queues (as Linux). */
static void srv_hook_drop(void *priv, struct nfu_net *net)
{
	struct nfu_queue_server *srv = priv;

	(void)net;
	for (unsigned int pg = 0; pg < 256; pg++) {
		for (unsigned int i = 0; srv->pages[pg] && i < 256; i++) {
			struct qrec *r = srv->pages[pg][i];

			if (r && r->head)
				drop_list(srv, inst_detach_all(srv, r), NULL);
		}
	}
}

/* ---- requests ---- */

static int id_after(uint32_t id, uint32_t max)
{
	return (int32_t)(id - max) > 0;
}

/* nfqnl_mangle(): the handler's bytes replace the packet's, as given. */
static int mangle(struct nfu_queue_entry *qe, const uint8_t *data,
		  uint32_t len)
{
	struct nfu_pkt *p = qe->pkt;

	if (len < p->len) {
		size_t hr = nfu_pkt_headroom(p);
		size_t min = p->transport_off > hr ? p->transport_off - hr : 0;

		/* shorter than the headers before the transport header */
		if (len < min)
			return -EINVAL;
	} else if (len > p->len && len > 0xffff) {
		return -EINVAL;
	}
	/* skb_copy_expand() when the new bytes do not fit */
	p = nfu_pkt_expand(p, len);
	if (!p)
		return -ENOMEM;
	qe->pkt = p;
	return nfu_pkt_set_data(p, data, len);
}

/* verdict_instance_lookup(). */
static int verdict_queue(struct nfu_queue_server *srv,
			 struct nfu_queue_client *c, uint16_t q,
			 struct qrec **rp)
{
	struct qrec *r = rec_find(srv, q);

	if (!r || !r->owner)
		return -ENODEV;
	if (r->owner != c)
		return -EPERM;
	*rp = r;
	return 0;
}

/* The packet 'id' of r's list (find_dequeue_entry()), taken out of it, or
 * NULL. */
static struct nfu_queue_entry *take_id(struct nfu_queue_server *srv,
				       struct qrec *r, uint32_t id)
{
	struct nfu_queue_entry *e, *prev = NULL;

	for (e = r->head; e; prev = e, e = e->hnext)
		if (e->hid == id)
			break;
	if (!e)
		return NULL;
	if (prev)
		prev->hnext = e->hnext;
	else
		r->head = e->hnext;
	if (r->tail == e)
		r->tail = prev;
	r->queue_total--;
	srv->pending--;
	e->hnext = NULL;
	return e;
}

/* nfqnl_rcv_dev_event(): a device goes down; every packet waiting that
 * came in or was going out by it is dropped (nfqnl_dev_drop(), no counter
 * of the queues, as Linux). */
static bool on_dev(const struct nfu_queue_entry *e, int ifindex)
{
	return (e->state.in && e->state.in->ifindex == ifindex) ||
	       (e->state.out && e->state.out->ifindex == ifindex);
}

static void srv_dev_down(struct nfu_net *net, int ifindex, void *priv)
{
	struct nfu_queue_server *srv = priv;

	(void)net;
	for (unsigned int pg = 0; pg < 256; pg++) {
		for (unsigned int i = 0; srv->pages[pg] && i < 256; i++) {
			struct qrec *r = srv->pages[pg][i];
			struct nfu_queue_entry *e;

			/* one at a time from the start: a drop runs the
			 * stack, which may change the list */
			for (;;) {
				for (e = r ? r->head : NULL; e; e = e->hnext)
					if (on_dev(e, ifindex))
						break;
				if (!e)
					break;
				nfu_reinject(take_id(srv, r, e->hid), NFU_DROP);
			}
		}
	}
}

/* nfqnl_recv_verdict() and nfqnl_recv_verdict_batch().  A packet goes
 * back without a new connection lookup: nfqnl_reinject()'s
 * nf_conntrack_update() only serves user-space conntrack helpers since
 * Linux 6.12 (the clash of two packets queued unconfirmed is resolved at
 * confirmation, nf_ct_resolve_clash()), and nfu has none. */
static int do_verdict(struct nfu_queue_server *srv,
		      struct nfu_queue_client *c,
		      const struct nfu_qwire_verdict *v)
{
	unsigned int verdict = v->verdict, code = verdict & NFU_VERDICT_MASK;
	struct nfu_queue_entry *e, *l = NULL, **lt = &l;
	struct qrec *r;
	int err;

	err = verdict_queue(srv, c, v->queue, &r);
	if (err)
		return err;
	/* verdicthdr_get(): NF_STOLEN from user space would leak the packet;
	 * current Linux refuses it as any verdict above NF_STOP */
	if (code > NFU_STOP || code == NFU_STOLEN)
		return -EINVAL;
	if (v->vflags & NFU_QWIRE_V_BATCH) {
		/* every packet up to 'id' in modulo-2^32 order: the list is in
		 * id order, so they are a prefix of it */
		while (r->head && !id_after(r->head->hid, v->id)) {
			e = r->head;
			r->head = e->hnext;
			r->queue_total--;
			srv->pending--;
			e->hnext = NULL;
			*lt = e;
			lt = &e->hnext;
		}
		if (!r->head)
			r->tail = NULL;
		if (!l)
			return -ENOENT;
		while (l) {
			e = l;
			l = e->hnext;
			if (v->vflags & NFU_QWIRE_V_MARK)
				e->pkt->mark = v->mark;
			r->verdicts[code]++;
			observe(srv, NFU_QUEUE_EV_VERDICT, r->queue, e, e->hid,
				v, verdict);
			nfu_reinject(e, verdict);
		}
		return 0;
	}
	e = take_id(srv, r, v->id);
	if (!e)
		return -ENOENT;
	if ((v->vflags & NFU_QWIRE_V_PAYLOAD) &&
	    mangle(e, v->data, v->data_len) < 0)
		verdict = NFU_DROP;
	if (v->vflags & NFU_QWIRE_V_MARK)
		e->pkt->mark = v->mark;
	r->verdicts[code]++;
	observe(srv, NFU_QUEUE_EV_VERDICT, r->queue, e, e->hid, v, verdict);
	nfu_reinject(e, verdict);
	return 0;
}

/* nfqnl_recv_config(): an instance exists and belongs to another handler
 * -> EPERM, before anything else. */
static int cfg_queue(struct nfu_queue_server *srv, struct nfu_queue_client *c,
		     uint16_t q, struct qrec **rp)
{
	struct qrec *r = rec_find(srv, q);

	if (r && r->owner && r->owner != c)
		return -EPERM;
	*rp = r && r->owner ? r : NULL;
	return 0;
}

static int do_config(struct nfu_queue_server *srv, struct nfu_queue_client *c,
		     const struct nfu_qwire_msg *m)
{
	struct qrec *r;
	uint16_t q;
	int err;

	switch (m->type) {
	case NFU_QWIRE_BIND:
	case NFU_QWIRE_UNBIND:
		q = m->u.queue;
		break;
	case NFU_QWIRE_PARAMS:
		q = m->u.params.queue;
		break;
	case NFU_QWIRE_MAXLEN:
		q = m->u.maxlen.queue;
		break;
	default:
		/* Flags Linux does not know are refused before the queue is
		 * looked at (NFQA_CFG_F_MAX). */
		if (m->u.cfgflags.flags > NFU_QWIRE_CFG_F_ALL)
			return -EOPNOTSUPP;
		q = m->u.cfgflags.queue;
		break;
	}
	err = cfg_queue(srv, c, q, &r);
	if (err)
		return err;
	switch (m->type) {
	case NFU_QWIRE_BIND:
		if (r)
			return -EBUSY;
		r = rec_get(srv, q);
		if (!r)
			return -ENOMEM;
		inst_init(srv, r, c);
		return 0;
	case NFU_QWIRE_UNBIND:
		if (!r)
			return -ENODEV;
		inst_destroy(srv, r);
		return 0;
	}
	if (!r)
		return -ENODEV;
	switch (m->type) {
	case NFU_QWIRE_PARAMS:
		/* nfqnl_set_mode(); Linux ignores its error: an unknown mode
		 * is answered 0 and changes nothing (seen on 6.18) */
		switch (m->u.params.mode) {
		case NFU_QWIRE_COPY_NONE:
		case NFU_QWIRE_COPY_META:
			r->copy_mode = m->u.params.mode;
			r->copy_range = 0;
			break;
		case NFU_QWIRE_COPY_PACKET:
			r->copy_mode = m->u.params.mode;
			r->copy_range = m->u.params.range;
			if (r->copy_range == 0 ||
			    r->copy_range > NFU_QUEUE_COPY_RANGE_MAX)
				r->copy_range = NFU_QUEUE_COPY_RANGE_MAX;
			break;
		}
		return 0;
	case NFU_QWIRE_MAXLEN:
		r->maxlen = m->u.maxlen.maxlen;
		return 0;
	default:
		r->flags &= ~m->u.cfgflags.mask;
		r->flags |= m->u.cfgflags.flags & m->u.cfgflags.mask;
		return 0;
	}
}

static void fill_stats(const struct qrec *r, struct nfu_queue_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->queue = r->queue;
	if (r->owner) {
		s->bound = 1;
		s->copy_mode = r->copy_mode;
		s->peer = r->owner->peer;
		s->queue_total = r->queue_total;
		s->copy_range = r->copy_range;
		s->queue_dropped = r->queue_dropped;
		s->queue_user_dropped = r->queue_user_dropped;
		s->id_sequence = r->id_sequence;
		s->maxlen = r->maxlen;
		s->flags = r->flags;
	}
	s->failopen = r->failopen;
	s->nohandler_dropped = r->nohandler_dropped;
	s->nohandler_bypassed = r->nohandler_bypassed;
	s->handler_gone = r->handler_gone;
	s->timed_out = r->timed_out;
	memcpy(s->verdicts, r->verdicts, sizeof(s->verdicts));
}

static bool rec_listed(const struct qrec *r)
{
	uint32_t any = r->failopen | r->nohandler_dropped |
		       r->nohandler_bypassed | r->handler_gone | r->timed_out;

	for (int v = 0; v < 6; v++)
		any |= r->verdicts[v];
	return r->owner || any;
}

static void to_wire(const struct nfu_queue_stats *s, struct nfu_qwire_stats *w)
{
	w->queue = s->queue;
	w->bound = s->bound;
	w->copy_mode = s->copy_mode;
	w->peer = s->peer;
	w->queue_total = s->queue_total;
	w->copy_range = s->copy_range;
	w->queue_dropped = s->queue_dropped;
	w->queue_user_dropped = s->queue_user_dropped;
	w->id_sequence = s->id_sequence;
	w->maxlen = s->maxlen;
	w->flags = s->flags;
	w->failopen = s->failopen;
	w->nohandler_dropped = s->nohandler_dropped;
	w->nohandler_bypassed = s->nohandler_bypassed;
	w->handler_gone = s->handler_gone;
	w->timed_out = s->timed_out;
	memcpy(w->verdicts, s->verdicts, sizeof(w->verdicts));
}

/* STATS messages of up to as many records as fit, then the ACK. */
static int send_stats(struct nfu_queue_server *srv, struct nfu_queue_client *c,
		      uint32_t seq)
{
	const unsigned int per = (NFU_QWIRE_MAX_MSG - NFU_QWIRE_HDR_LEN - 4) /
				 NFU_QWIRE_STATS_REC_LEN;
	unsigned int n = nfu_queue_server_stats(srv, NULL, 0), got;
	struct nfu_queue_stats *s;
	struct nfu_qwire_stats *w;
	int err = 0;

	if (!n)
		return 0;
	s = calloc(n, sizeof(*s));
	w = calloc(per, sizeof(*w));
	if (!s || !w) {
		err = -ENOMEM;
		goto out;
	}
	got = nfu_queue_server_stats(srv, s, n);
	for (unsigned int i = 0; i < got; i += per) {
		unsigned int k = got - i < per ? got - i : per;
		size_t need = NFU_QWIRE_HDR_LEN + 4 +
			      (size_t)k * NFU_QWIRE_STATS_REC_LEN;
		uint8_t *b;

		for (unsigned int j = 0; j < k; j++)
			to_wire(&s[i + j], &w[j]);
		b = out_reserve(srv, c, need, false);
		if (!b) {
			err = -ENOMEM;
			break;
		}
		out_commit(srv, c, nfu_qwire_put_stats(b, need, seq, w, k));
	}
out:
	free(w);
	free(s);
	return err;
}

/* The first message is not a HELLO of our version: say so and close. */
static void refuse(struct nfu_queue_server *srv, struct nfu_queue_client *c,
		   uint32_t seq)
{
	send_ack(srv, c, seq, -EPROTONOSUPPORT);
	client_flush(srv, c);
	client_kill(srv, c);
}

static void handle_msg(struct nfu_queue_server *srv,
		       struct nfu_queue_client *c, const uint8_t *buf,
		       size_t len)
{
	struct nfu_qwire_msg m;
	int err;

	if (nfu_qwire_decode(buf, len, &m) < 0) {
		client_kill(srv, c);
		return;
	}
	if (m.type == NFU_QWIRE_HELLO || !c->hello) {
		if (m.type != NFU_QWIRE_HELLO ||
		    m.u.version != NFU_QWIRE_VERSION) {
			refuse(srv, c, m.seq);
			return;
		}
		c->hello = true;
		send_ack(srv, c, m.seq, 0);
		return;
	}
	switch (m.type) {
	case NFU_QWIRE_BIND:
	case NFU_QWIRE_UNBIND:
	case NFU_QWIRE_PARAMS:
	case NFU_QWIRE_MAXLEN:
	case NFU_QWIRE_FLAGS:
		send_ack(srv, c, m.seq, do_config(srv, c, &m));
		return;
	case NFU_QWIRE_VERDICT:
		/* as netlink: an error is always reported, success only
		 * when asked for */
		err = do_verdict(srv, c, &m.u.verdict);
		if (err || (m.flags & NFU_QWIRE_F_ACK))
			send_ack(srv, c, m.seq, err);
		/* what the verdict sent to the host itself went by lo: it
		 * comes in now, as Linux's backlog would run soon after */
		nfu_ip_backlog_run(srv->net);
		return;
	case NFU_QWIRE_STATS_REQ:
		send_ack(srv, c, m.seq, send_stats(srv, c, m.seq));
		return;
	default:
		/* ACK, PACKET, STATS go the other way */
		client_kill(srv, c);
		return;
	}
}

/* Carry out the complete messages read from 'c'. */
static int handle_input(struct nfu_queue_server *srv,
			struct nfu_queue_client *c)
{
	size_t off = 0;
	int n = 0;

	while (!c->dead && !blocked(srv, c)) {
		long m = nfu_qwire_next(c->in + off, c->in_len - off);

		if (m == 0)
			break;
		if (m < 0) {
			client_kill(srv, c);
			break;
		}
		handle_msg(srv, c, c->in + off, (size_t)m);
		off += (size_t)m;
		n++;
	}
	if (!c->dead && off) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	return n;
}

static int client_read(struct nfu_queue_server *srv,
		       struct nfu_queue_client *c)
{
	int n = 0;

	for (int i = 0; i < READS_PER_EVENT; i++) {
		ssize_t r;

		if (c->dead || blocked(srv, c) || c->in_len == IN_CAP)
			break;
		r = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len,
			 MSG_DONTWAIT);
		if (r > 0) {
			c->in_len += (size_t)r;
			n += handle_input(srv, c);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* the end, or an error: what came before was carried out,
		 * a partial message is forgotten */
		client_kill(srv, c);
		break;
	}
	if (!c->dead)
		client_epoll(srv, c);
	return n;
}

/* ---- connections ---- */

/* NETLINK_URELEASE: the handler is gone, its instances with it. */
static void client_kill(struct nfu_queue_server *srv,
			struct nfu_queue_client *c)
{
	if (c->dead)
		return;
	c->dead = true;
	while (c->insts)
		inst_destroy(srv, c->insts);
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

static void client_free(struct nfu_queue_client *c)
{
	free(c->in);
	free(c->out);
	free(c);
}

/* Free the dead clients (none is on the dirty list: flush_dirty() has
 * emptied it, or they are taken off here). */
static void reap(struct nfu_queue_server *srv)
{
	struct nfu_queue_client **pp;

	for (pp = &srv->dirty; *pp;) {
		if ((*pp)->dead) {
			(*pp)->dirty = false;
			*pp = (*pp)->dirty_next;
		} else {
			pp = &(*pp)->dirty_next;
		}
	}
	for (pp = &srv->clients; *pp;) {
		struct nfu_queue_client *c = *pp;

		if (c->dead) {
			*pp = c->next;
			client_free(c);
		} else {
			pp = &c->next;
		}
	}
}

struct nfu_queue_client *nfu_queue_server_attach(struct nfu_queue_server *srv,
						 int fd)
{
	struct nfu_queue_client *c = calloc(1, sizeof(*c));
	struct epoll_event e = { .events = EPOLLIN };

	if (!c || !(c->in = malloc(IN_CAP)))
		goto err;
	c->fd = fd;
	c->peer = ++srv->next_peer;
	if (!c->peer)
		c->peer = ++srv->next_peer;
	e.data.ptr = c;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &e) < 0)
		goto err;
	c->events = EPOLLIN;
	c->next = srv->clients;
	srv->clients = c;
	return c;
err:
	if (c)
		free(c->in);
	free(c);
	close(fd);
	return NULL;
}

static void accept_all(struct nfu_queue_server *srv)
{
	for (;;) {
		int fd = accept4(srv->lfd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		nfu_queue_server_attach(srv, fd);
	}
}

int nfu_queue_client_input(struct nfu_queue_server *srv,
			   struct nfu_queue_client *c, const uint8_t *buf,
			   size_t len)
{
	int n = 0;

	while (len && !c->dead) {
		size_t k = IN_CAP - c->in_len;

		if (k > len)
			k = len;
		if (!k)
			break; /* the output is over the limit: the rest waits
				  in the socket in real use; here it is lost */
		memcpy(c->in + c->in_len, buf, k);
		c->in_len += k;
		buf += k;
		len -= k;
		n += handle_input(srv, c);
	}
	if (c->dead) {
		reap(srv);
		return -EPIPE;
	}
	return n;
}

size_t nfu_queue_client_unsent(const struct nfu_queue_client *c)
{
	return unsent(c);
}

void nfu_queue_server_set_out_limit(struct nfu_queue_server *srv,
				    size_t limit)
{
	srv->out_limit = limit;
}

/* ---- the server ---- */

/* bind() on 'path', replacing a socket file nobody listens on. */
static int listen_on(int fd, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int probe, err;

	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EADDRINUSE)
			return -errno;
		if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
			return -EADDRINUSE;
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0)
			return -errno;
		err = connect(probe, (struct sockaddr *)&sa, sizeof(sa)) < 0
			      ? errno
			      : 0;
		close(probe);
		if (err != ECONNREFUSED && err != ENOENT)
			return -EADDRINUSE;
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -errno;
	}
	if (listen(fd, SOMAXCONN) < 0) {
		err = -errno;
		unlink(path);
		return err;
	}
	return 0;
}

struct nfu_queue_server *nfu_queue_server_new(struct nfu_net *net,
					      const char *path, int *err)
{
	struct nfu_queue_handler qh = { .outfn = srv_outfn,
					.hook_drop = srv_hook_drop };
	struct nfu_queue_server *srv;
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = NULL };
	int rc;

	if (strlen(path) >= sizeof(srv->path)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	if (net->qh_set[NFU_PROTO_IPV4]) {
		*err = -EBUSY;
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		*err = -ENOMEM;
		return NULL;
	}
	srv->net = net;
	srv->default_maxlen = NFU_QUEUE_MAXLEN_DEFAULT;
	srv->out_limit = OUT_LIMIT_DEFAULT;
	srv->epfd = -1;
	memcpy(srv->path, path, strlen(path) + 1);
	srv->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  0);
	if (srv->lfd < 0) {
		rc = -errno;
		goto err_free;
	}
	rc = listen_on(srv->lfd, path);
	if (rc < 0)
		goto err_close;
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0 ||
	    epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->lfd, &e) < 0) {
		rc = -errno;
		goto err_unlink;
	}
	qh.priv = srv;
	rc = nfu_net_add_dev_down(net, srv_dev_down, srv);
	if (rc < 0)
		goto err_unlink;
	rc = nfu_queue_handler_register(net, NFU_PROTO_IPV4, &qh);
	if (rc < 0) {
		nfu_net_del_dev_down(net, srv_dev_down, srv);
		goto err_unlink;
	}
	return srv;

err_unlink:
	unlink(path);
	if (srv->epfd >= 0)
		close(srv->epfd);
err_close:
	close(srv->lfd);
err_free:
	free(srv);
	*err = rc;
	return NULL;
}

void nfu_queue_server_free(struct nfu_queue_server *srv)
{
	if (!srv)
		return;
	/* every packet held comes back dropped (srv_hook_drop) */
	nfu_queue_handler_unregister(srv->net, NFU_PROTO_IPV4);
	nfu_net_del_dev_down(srv->net, srv_dev_down, srv);
	for (struct nfu_queue_client *c = srv->clients; c; c = c->next)
		client_kill(srv, c);
	reap(srv);
	for (unsigned int pg = 0; pg < 256; pg++) {
		if (!srv->pages[pg])
			continue;
		for (unsigned int i = 0; i < 256; i++)
			free(srv->pages[pg][i]);
		free(srv->pages[pg]);
	}
	close(srv->epfd);
	close(srv->lfd);
	unlink(srv->path);
	free(srv);
}

int nfu_queue_server_fd(const struct nfu_queue_server *srv)
{
	return srv->epfd;
}

/* Requests left unread while their handler's output was over the limit. */
static int run_waiting_input(struct nfu_queue_server *srv)
{
	int n = 0;

	for (struct nfu_queue_client *c = srv->clients; c; c = c->next) {
		if (!c->dead && c->in_len && !blocked(srv, c)) {
			n += handle_input(srv, c);
			client_epoll(srv, c);
		}
	}
	return n;
}

int nfu_queue_server_process(struct nfu_queue_server *srv, int timeout_ms)
{
	struct epoll_event ev[64];
	int n, handled;

	flush_dirty(srv);
	handled = run_waiting_input(srv);
	flush_dirty(srv);
	n = epoll_wait(srv->epfd, ev, 64, handled ? 0 : timeout_ms);
	if (n < 0) {
		if (errno != EINTR) {
			n = -errno;
			reap(srv);
			return n;
		}
		n = 0;
	}
	for (int i = 0; i < n; i++) {
		struct nfu_queue_client *c = ev[i].data.ptr;

		if (!c) {
			accept_all(srv);
			continue;
		}
		if (c->dead)
			continue;
		if (ev[i].events & EPOLLOUT)
			client_flush(srv, c);
		if (!c->dead && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			handled += client_read(srv, c);
	}
	flush_dirty(srv);
	handled += run_waiting_input(srv);
	flush_dirty(srv);
	reap(srv);
	return handled;
}

unsigned int nfu_queue_server_pending(const struct nfu_queue_server *srv)
{
	return srv->pending;
}

int nfu_queue_server_bound(const struct nfu_queue_server *srv, uint16_t queue)
{
	const struct qrec *r = rec_find(srv, queue);

	return r && r->owner;
}

unsigned int nfu_queue_server_handlers(const struct nfu_queue_server *srv)
{
	unsigned int n = 0;

	for (const struct nfu_queue_client *c = srv->clients; c; c = c->next)
		n += c->hello && !c->dead;
	return n;
}

unsigned int nfu_queue_server_expire(
	struct nfu_queue_server *srv,
	void (*report)(void *arg, uint16_t queue, uint32_t id,
		       unsigned int verdict),
	void *arg)
{
	struct nfu_queue_entry *l = NULL, **lt = &l;
	unsigned int n = 0;

	/* all of them first: what the verdicts queue again waits for the
	 * next call */
	for (unsigned int pg = 0; pg < 256; pg++) {
		for (unsigned int i = 0; srv->pages[pg] && i < 256; i++) {
			struct qrec *r = srv->pages[pg][i];

			if (!r || !r->head)
				continue;
			*lt = r->head;
			lt = &r->tail->hnext;
			inst_detach_all(srv, r);
		}
	}
	while (l) {
		struct nfu_queue_entry *e = l;
		struct qrec *r = rec_find(srv, e->hqueue);
		unsigned int v = r->flags & NFU_QWIRE_CFG_F_FAIL_OPEN
					 ? NFU_ACCEPT
					 : NFU_DROP;

		l = e->hnext;
		r->timed_out++;
		if (report)
			report(arg, e->hqueue, e->hid, v);
		nfu_reinject(e, v);
		n++;
	}
	nfu_ip_backlog_run(srv->net);
	return n;
}

int nfu_queue_server_expire_one(
	struct nfu_queue_server *srv, uint16_t queue, uint32_t id,
	void (*report)(void *arg, uint16_t queue, uint32_t id,
		       unsigned int verdict),
	void *arg)
{
	struct qrec *r = rec_find(srv, queue);
	struct nfu_queue_entry *e = r ? take_id(srv, r, id) : NULL;
	unsigned int v;

	if (!e)
		return 0;
	v = r->flags & NFU_QWIRE_CFG_F_FAIL_OPEN ? NFU_ACCEPT : NFU_DROP;
	r->timed_out++;
	if (report)
		report(arg, queue, id, v);
	nfu_reinject(e, v);
	nfu_ip_backlog_run(srv->net);
	return 1;
}

void nfu_queue_server_set_default_maxlen(struct nfu_queue_server *srv,
					 uint32_t maxlen)
{
	srv->default_maxlen = maxlen ? maxlen : NFU_QUEUE_MAXLEN_DEFAULT;
}

unsigned int nfu_queue_server_stats(const struct nfu_queue_server *srv,
				    struct nfu_queue_stats *out,
				    unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int pg = 0; pg < 256; pg++) {
		for (unsigned int i = 0; srv->pages[pg] && i < 256; i++) {
			const struct qrec *r = srv->pages[pg][i];

			if (!r || !rec_listed(r))
				continue;
			if (n < max)
				fill_stats(r, &out[n]);
			n++;
		}
	}
	return n;
}

void nfu_queue_stats_print(FILE *f, const struct nfu_queue_stats *s,
			   unsigned int n, int header)
{
	if (header)
		fprintf(f, "queue_number peer_portid queue_total copy_mode "
			   "copy_range queue_dropped queue_user_dropped "
			   "id_sequence use fail_open nohandler_dropped "
			   "nohandler_bypassed handler_gone timed_out v_drop "
			   "v_accept v_stolen v_queue v_repeat v_stop\n");
	for (unsigned int i = 0; i < n; i++, s++) {
		/* Linux's seq_show() line, the last column the constant 1
		 * it prints where the instance's use count once was */
		fprintf(f, "%5u %6u %5u %1u %5u %5u %5u %8u %2d", s->queue,
			s->peer, s->queue_total, s->copy_mode, s->copy_range,
			s->queue_dropped, s->queue_user_dropped,
			s->id_sequence, 1);
		fprintf(f, " %5u %5u %5u %5u %5u", s->failopen,
			s->nohandler_dropped, s->nohandler_bypassed,
			s->handler_gone, s->timed_out);
		for (int v = 0; v < 6; v++)
			fprintf(f, " %5u", s->verdicts[v]);
		fputc('\n', f);
	}
}
