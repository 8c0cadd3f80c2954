/* SPDX-License-Identifier: MIT */
/*
 * tools/replay-queue.h - nfu replay's queue handlers (--queue-exec,
 * --queue-socket, --queue-timeout).
 *
 * What?
 *   A queue server on a socket (a temporary one for --queue-exec), the
 *   handler started by `sh -c CMD` with NFU_QUEUE_SOCKET set, a wait until
 *   the queues the ruleset can queue to are bound, and after each replayed
 *   packet a wait for the verdicts of every packet queued: a packet keeps
 *   its place in time, so the replay does not go on to the next one while
 *   a verdict is pending, at most --queue-timeout seconds (then the
 *   queue's fail-open or drop, said on stderr and in the trace).
 *
 * Thread-safety: nfu replay is one thread.
 */
#ifndef NFU_TOOLS_REPLAY_QUEUE_H
#define NFU_TOOLS_REPLAY_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct nfu_net;
struct nfu_queue_server;

struct replay_queue_wait {
	uint16_t queue;
	uint32_t id;
	double t;              /* when it was queued (CLOCK_MONOTONIC) */
};

struct replay_queue {
	/* options */
	const char *exec;      /* --queue-exec CMD */
	const char *socket;    /* --queue-socket PATH */
	double timeout;        /* --queue-timeout SECONDS */
	double idle;           /* --queue-idle MS, in seconds; 0: off */
	bool trace;
	uint64_t t0;           /* the first packet's time (ns since 1970) */
	/* state */
	struct nfu_queue_server *srv;
	char tmpdir[64];       /* for --queue-exec without --queue-socket */
	char path[108];
	pid_t pid;             /* the handler, 0 when none or reaped */
	int status;            /* its wait status once reaped */
	uint64_t nexpired;
	/* the packet the handler's verdict dropped, until the stack says it
	 * dropped it (the trace names the handler, not the NFQUEUE rule) */
	const void *dropped_pkt;
	/* the timeout's DROP was said: the stack's drop that follows is not */
	bool drop_said;
	/* the packets waiting for a verdict, oldest first */
	struct replay_queue_wait *wait;
	size_t nwait, capwait;
};

#define REPLAY_QUEUE_TIMEOUT_DEFAULT 10.0

/* Whether the options ask for queue handlers. */
static inline bool replay_queue_wanted(const struct replay_queue *q)
{
	return q->exec || q->socket;
}

/* Start the server on 'net', the handler, and wait until every queue the
 * ruleset in force can queue to is bound (or the timeout: then said on
 * stderr, and the replay goes on: Linux drops or bypasses for an unbound
 * queue).  0, or an exit status after saying why on stderr. */
int replay_queue_start(struct replay_queue *q, struct nfu_net *net);

/* Wait until no packet waits for a verdict, reinjecting them as verdicts
 * come; a packet waiting longer than the timeout gets the timeout's
 * verdict.  With --queue-idle and not 'last', return earlier once the
 * handlers have sent nothing for that long (they hold packets: the next
 * one goes in).  0, or an exit status after saying why. */
int replay_queue_settle(struct replay_queue *q, bool last);

/* Counters of the queues to stderr (as nfu queue -L), when any queue was
 * used. */
void replay_queue_summary(const struct replay_queue *q);

/* Stop the handler (EOF on its socket, then SIGTERM after a second, then
 * SIGKILL), free the server, remove the temporary socket.  Returns the
 * handler's trouble as an exit status (0 when it ended well or was ended
 * by us), said on stderr. */
int replay_queue_stop(struct replay_queue *q);

#endif
