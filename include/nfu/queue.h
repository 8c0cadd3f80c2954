/* SPDX-License-Identifier: MIT */
/*
 * nfu/queue.h - the queue server: packets queued by a hook or an NFQUEUE
 * rule go to handler processes, which send verdicts back.
 *
 * What?
 *   Linux's nfnetlink_queue for an nfu stack.  The server registers as the
 *   stack's IPv4 queue handler and listens on a Unix-domain stream socket;
 *   handlers connect with libnfu-queue (<libnfu_queue/libnfu_queue.h>),
 *   bind queue numbers and answer each packet with a verdict.  The messages
 *   are in docs/queue-protocol.md.
 *
 * Basic design
 *   Per queue number bound by a handler, an instance as Linux's: a bounded
 *   list of packets waiting for their verdict (maxlen, default 1024), a
 *   copy mode (NONE, the default, META, or PACKET up to a range), an id
 *   sequence (the first packet is 1), flags (FAIL_OPEN).  The outcomes are
 *   Linux's:
 *     - nobody bound the queue: dropped, or accepted with --queue-bypass;
 *     - the queue is full: dropped (queue_dropped), or accepted with
 *       FAIL_OPEN;
 *     - the handler cannot take it (its output buffer is over the limit):
 *       dropped (queue_user_dropped), or accepted with FAIL_OPEN;
 *     - the verdict: nfu_reinject() where the packet left; a new packet and
 *       a mark may come with it; a batch verdict covers every id up to N;
 *     - the handler goes away: its packets are dropped, its queues unbound.
 *   Every outcome is counted per queue (nfu_queue_server_stats()).
 *
 *   The datapath never waits: the queue handler only appends a message to
 *   the handler's output buffer.  Messages go out, and verdicts come in,
 *   when the owner calls nfu_queue_server_process(), typically when
 *   nfu_queue_server_fd() is readable and after each burst of packets.
 *   Reinjection happens inside nfu_queue_server_process(), on the caller's
 *   thread.
 *
 * Thread-safety
 *   The server belongs to its stack: call it from the thread that drives
 *   the stack, never concurrently with traversal.
 */
#ifndef NFU_QUEUE_H
#define NFU_QUEUE_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nfu_net;
struct nfu_queue_server;

/* The daemon's default socket; NFU_QUEUE_SOCKET overrides it for
 * handlers. */
#define NFU_QUEUE_SOCKET_DEFAULT "/run/nfu/queue.sock"
#define NFU_QUEUE_MAXLEN_DEFAULT 1024u
/* The largest copy range, and the one a new queue starts with: Linux's
 * NFQNL_MAX_COPY_RANGE (0xffff less a netlink attribute header), which
 * Linux 6.18 shows for a queue just bound and for PACKET with a range of
 * 0 or above it. */
#define NFU_QUEUE_COPY_RANGE_MAX 65531u

/* Counters and settings of one queue number: the fields of
 * /proc/net/netfilter/nfnetlink_queue and nfu's own. */
struct nfu_queue_stats {
	uint16_t queue;
	uint8_t bound;          /* a handler has it */
	uint8_t copy_mode;      /* NFU_QWIRE_COPY_* (0 NONE, 1 META, 2 PACKET) */
	uint32_t peer;          /* the handler's number, from 1; 0 unbound */
	uint32_t queue_total;   /* waiting for a verdict */
	uint32_t copy_range;
	uint32_t queue_dropped; /* full, dropped */
	uint32_t queue_user_dropped; /* could not reach the handler, dropped */
	uint32_t id_sequence;   /* the last id given */
	uint32_t maxlen;
	uint32_t flags;         /* FAIL_OPEN 1, ... */
	uint32_t failopen;      /* accepted by FAIL_OPEN (full, unreachable) */
	uint32_t nohandler_dropped;
	uint32_t nohandler_bypassed;
	uint32_t handler_gone;  /* dropped when their handler went away */
	uint32_t timed_out;     /* nfu_queue_server_expire() */
	uint32_t verdicts[6];   /* verdicts received, by NF_DROP..NF_STOP */
};

/* Create a server for 'net' listening on 'path' (created; an existing
 * socket file is replaced when nothing listens on it) and register it as
 * the stack's IPv4 queue handler.  Returns NULL with *err set: -EBUSY
 * (the stack has another queue handler), -EADDRINUSE (something listens
 * on 'path'), -ENAMETOOLONG, or the socket's error. */
struct nfu_queue_server *nfu_queue_server_new(struct nfu_net *net,
					      const char *path, int *err);

/* Drop every packet held (as when Linux's nfnetlink_queue goes away),
 * close every connection, unregister, remove the socket file. */
void nfu_queue_server_free(struct nfu_queue_server *srv);

/* One descriptor (an epoll set) readable when there is work for
 * nfu_queue_server_process(). */
int nfu_queue_server_fd(const struct nfu_queue_server *srv);

/* Accept handlers, read and carry out their requests and verdicts, send
 * what is buffered.  Waits up to 'timeout_ms' (0: not at all, -1: until
 * something happens) for the first event, then handles everything ready.
 * Returns the number of messages handled (>= 0) or a negative errno of the
 * poll itself; a handler's errors close that handler only. */
int nfu_queue_server_process(struct nfu_queue_server *srv, int timeout_ms);

/* Packets waiting for a verdict, over all queues. */
unsigned int nfu_queue_server_pending(const struct nfu_queue_server *srv);

/* Whether a handler has bound 'queue'. */
int nfu_queue_server_bound(const struct nfu_queue_server *srv,
			   uint16_t queue);

/* Number of handlers connected (having said HELLO). */
unsigned int nfu_queue_server_handlers(const struct nfu_queue_server *srv);

/* Give every waiting packet (of every queue) the verdict a timeout gives:
 * ACCEPT when its queue has FAIL_OPEN, DROP otherwise; each counted in
 * timed_out.  'report', when not NULL, is called for each before it is
 * reinjected.  Returns how many. */
unsigned int nfu_queue_server_expire(
	struct nfu_queue_server *srv,
	void (*report)(void *arg, uint16_t queue, uint32_t id,
		       unsigned int verdict),
	void *arg);

/* What the server did with a packet, for a trace (nfu replay --trace):
 * QUEUED when a handler was given it, VERDICT when its verdict came (with
 * the mark and the new bytes' length, -1 when none, and BATCH for a batch
 * verdict), FAILOPEN when a full or unreachable queue let it go on. */
enum nfu_queue_event_type {
	NFU_QUEUE_EV_QUEUED,
	NFU_QUEUE_EV_VERDICT,
	NFU_QUEUE_EV_FAILOPEN,
	NFU_QUEUE_EV_GONE,        /* dropped: its handler went away */
};

struct nfu_queue_event {
	enum nfu_queue_event_type type;
	uint16_t queue;
	uint32_t id;              /* 0 for FAILOPEN (no id) */
	unsigned int verdict;     /* VERDICT: NF_DROP..NF_STOP */
	int batch;                /* VERDICT: by a batch verdict */
	int mark_set;             /* VERDICT: the handler set 'mark' */
	uint32_t mark;
	int new_len;              /* VERDICT: new bytes' length, or -1 */
	const struct nfu_pkt *pkt;
};

/* Call 'fn' (NULL: nobody) for every event, before the packet goes on.
 * 'fn' must not call the server or the stack. */
void nfu_queue_server_set_observer(
	struct nfu_queue_server *srv,
	void (*fn)(void *arg, const struct nfu_queue_event *ev), void *arg);

/* The same for one packet, 'id' of 'queue': 1 when it was waiting, 0
 * when not (answered, or gone with its handler). */
int nfu_queue_server_expire_one(
	struct nfu_queue_server *srv, uint16_t queue, uint32_t id,
	void (*report)(void *arg, uint16_t queue, uint32_t id,
		       unsigned int verdict),
	void *arg);

/* The time handlers are told (a packet's timestamp) is 'ns' plus the
 * stack's clock, in nanoseconds since the Unix epoch: a replay gives its
 * first packet's capture time, so that handlers see the capture's times.
 * Default 0: the stack's clock as it is (a packet at clock 0 then has no
 * timestamp). */
void nfu_queue_server_set_clock_base(struct nfu_queue_server *srv,
				     uint64_t ns);

/* The settings a new instance starts with; 0 keeps Linux's default. */
void nfu_queue_server_set_default_maxlen(struct nfu_queue_server *srv,
					 uint32_t maxlen);

/* Counters of every queue number that has an instance or a counter, in
 * ascending order: fills up to 'max' entries of 'out' and returns how many
 * there are in all. */
unsigned int nfu_queue_server_stats(const struct nfu_queue_server *srv,
				    struct nfu_queue_stats *out,
				    unsigned int max);

/* Print 'n' entries as `nfu queue -L` does: Linux's columns
 * (queue_number peer_portid queue_total copy_mode copy_range queue_dropped
 * queue_user_dropped id_sequence 1), then nfu's, with a header line when
 * 'header'. */
void nfu_queue_stats_print(FILE *f, const struct nfu_queue_stats *s,
			   unsigned int n, int header);

#ifdef __cplusplus
}
#endif
#endif
