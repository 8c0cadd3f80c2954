/* SPDX-License-Identifier: MIT */
/*
 * nfu replay's queue handlers: see replay-queue.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ext/xt_NFQUEUE.h"
#include "nfu/nfu.h"
#include "nfu/queue.h"
#include "replay-queue.h"
#include "xtables/lang.h"

#define PROG "nfu replay"

static const char *const verdict_names[] = {
	"DROP", "ACCEPT", "STOLEN", "QUEUE", "REPEAT", "STOP",
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The handler's end, when it has ended: said once, reaped.  Returns true
 * when it is gone. */
static bool handler_gone(struct replay_queue *q)
{
	pid_t r;

	if (!q->pid)
		return true;
	r = waitpid(q->pid, &q->status, WNOHANG);
	if (r != q->pid)
		return false;
	q->pid = 0;
	return true;
}

static void say_status(const struct replay_queue *q, const char *when)
{
	if (WIFEXITED(q->status))
		fprintf(stderr, PROG ": the queue handler `%s' exited with status"
			" %d %s\n", q->exec, WEXITSTATUS(q->status), when);
	else if (WIFSIGNALED(q->status))
		fprintf(stderr, PROG ": the queue handler `%s' was killed by"
			" signal %d (%s) %s\n", q->exec, WTERMSIG(q->status),
			strsignal(WTERMSIG(q->status)), when);
}

static int spawn(struct replay_queue *q)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, PROG ": --queue-exec: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		/* The replay's standard output is its report: the handler
		 * writes to standard error instead. */
		if (dup2(2, 1) < 0)
			_exit(127);
		if (setenv("NFU_QUEUE_SOCKET", q->path, 1))
			_exit(127);
		execl("/bin/sh", "sh", "-c", q->exec, (char *)NULL);
		fprintf(stderr, PROG ": --queue-exec: /bin/sh: %s\n",
			strerror(errno));
		_exit(127);
	}
	q->pid = pid;
	return 0;
}

/* Every queue a rule can queue to is ready: bound, in a copy mode that
 * takes packets (as in Linux, a queue left in COPY_NONE, as BIND leaves
 * it, drops them: a handler binds, then sets its mode).  True; false
 * after printing which are not, when 'say'. */
static bool all_bound(struct replay_queue *q, const uint8_t *bits,
		      bool say)
{
	static struct nfu_queue_stats st[1024];
	static uint8_t ready[8192];
	unsigned int missing = 0, n;

	memset(ready, 0, sizeof(ready));
	n = nfu_queue_server_stats(q->srv, st, 1024);
	for (unsigned int i = 0; i < n && i < 1024; i++)
		if (st[i].bound && st[i].copy_mode != 0)
			ready[st[i].queue / 8] |= (uint8_t)(1u << (st[i].queue % 8));
	for (n = 0; n < 65536; n++) {
		if (!(bits[n / 8] & (1u << (n % 8))) ||
		    (ready[n / 8] & (1u << (n % 8))))
			continue;
		if (say && missing < 8)
			fprintf(stderr, "%s%u", missing ? ", " : "", n);
		missing++;
	}
	if (say && missing > 8)
		fprintf(stderr, " and %u more", missing - 8);
	return missing == 0;
}

/* The packets waiting, oldest first, with the time each was queued. */
static void wait_add(struct replay_queue *q, uint16_t queue, uint32_t id)
{
	if (q->nwait == q->capwait) {
		size_t cap = q->capwait ? q->capwait * 2 : 64;
		struct replay_queue_wait *w = realloc(q->wait, cap * sizeof(*w));

		if (!w)
			return; /* then only the final expire() catches it */
		q->wait = w;
		q->capwait = cap;
	}
	q->wait[q->nwait++] = (struct replay_queue_wait){ queue, id, now_s() };
}

static void wait_del(struct replay_queue *q, size_t i)
{
	memmove(&q->wait[i], &q->wait[i + 1],
		(q->nwait - i - 1) * sizeof(q->wait[0]));
	q->nwait--;
}

static void wait_done(struct replay_queue *q, uint16_t queue, uint32_t id)
{
	for (size_t i = 0; i < q->nwait; i++)
		if (q->wait[i].queue == queue && q->wait[i].id == id) {
			wait_del(q, i);
			return;
		}
}

/* The trace's lines of the server's events, under the packet's. */
static void on_event(void *arg, const struct nfu_queue_event *ev)
{
	struct replay_queue *q = arg;

	if (ev->type == NFU_QUEUE_EV_QUEUED)
		wait_add(q, ev->queue, ev->id);
	else if (ev->type == NFU_QUEUE_EV_VERDICT ||
		 ev->type == NFU_QUEUE_EV_GONE)
		wait_done(q, ev->queue, ev->id);
	if (ev->type == NFU_QUEUE_EV_GONE)
		q->drop_said = true;
	if (ev->type == NFU_QUEUE_EV_VERDICT && ev->verdict == NFU_DROP)
		q->dropped_pkt = ev->pkt;
	if (!q->trace)
		return;
	switch (ev->type) {
	case NFU_QUEUE_EV_QUEUED:
		printf("  = queued to user space: queue %u, packet id %u\n",
		       ev->queue, ev->id);
		break;
	case NFU_QUEUE_EV_VERDICT:
		printf("  = the handler's verdict (queue %u, packet id %u%s): %s",
		       ev->queue, ev->id, ev->batch ? ", a batch" : "",
		       verdict_names[ev->verdict & 0xff]);
		if (ev->mark_set)
			printf(", mark 0x%x", ev->mark);
		if (ev->new_len >= 0)
			printf(", new bytes (%d)", ev->new_len);
		printf("\n");
		break;
	case NFU_QUEUE_EV_GONE:
		printf("  = queue %u packet %u: dropped, its handler went away\n",
		       ev->queue, ev->id);
		break;
	case NFU_QUEUE_EV_FAILOPEN:
		printf("  = queue %u is full or its handler cannot take more:"
		       " accepted (fail-open)\n", ev->queue);
		break;
	}
}

int replay_queue_start(struct replay_queue *q, struct nfu_net *net)
{
	static uint8_t bits[8192];
	double deadline;
	unsigned int nq;
	int err = 0;

	if (q->timeout <= 0)
		q->timeout = REPLAY_QUEUE_TIMEOUT_DEFAULT;
	if (q->socket) {
		if (strlen(q->socket) >= sizeof(q->path)) {
			fprintf(stderr, PROG ": --queue-socket %s: a socket path"
				" has at most %zu bytes\n", q->socket,
				sizeof(q->path) - 1);
			return 2;
		}
		strcpy(q->path, q->socket);
	} else {
		const char *tmp = getenv("TMPDIR");

		if (!tmp || !*tmp || strlen(tmp) > 40)
			tmp = "/tmp";
		snprintf(q->tmpdir, sizeof(q->tmpdir), "%s/nfu-replay.XXXXXX",
			 tmp);
		if (!mkdtemp(q->tmpdir)) {
			fprintf(stderr, PROG ": --queue-exec: %s: %s\n",
				q->tmpdir, strerror(errno));
			q->tmpdir[0] = 0;
			return 1;
		}
		snprintf(q->path, sizeof(q->path), "%s/queue.sock", q->tmpdir);
	}
	q->srv = nfu_queue_server_new(net, q->path, &err);
	if (!q->srv) {
		fprintf(stderr, PROG ": queue socket %s: %s\n", q->path,
			strerror(-err));
		return 1;
	}
	nfu_queue_server_set_observer(q->srv, on_event, q);
	/* handlers see the capture's times, as Linux's would the arrival */
	nfu_queue_server_set_clock_base(q->srv, q->t0);
	memset(bits, 0, sizeof(bits));
	nq = (unsigned int)nfu_xt_queue_nums(nfu_xt_current(net), bits);
	if (!nq) {
		fprintf(stderr, PROG ": no rule of the ruleset queues packets"
			" (NFQUEUE, QUEUE)%s\n", q->exec ?
			": the queue handler is not started" : "");
		return 0;
	}
	if (q->exec && spawn(q))
		return 1;
	if (!q->exec)
		fprintf(stderr, PROG ": waiting up to %g s for handlers on %s\n",
			q->timeout, q->path);
	deadline = now_s() + q->timeout;
	while (!all_bound(q, bits, false)) {
		double left = deadline - now_s();

		if (q->exec && handler_gone(q)) {
			say_status(q, "before binding its queues");
			return 1;
		}
		if (left <= 0) {
			fprintf(stderr, PROG ": after %g s no handler has bound"
				" (and set a copy mode for) queue ", q->timeout);
			all_bound(q, bits, true);
			fprintf(stderr, ": its packets are dropped, or passed"
				" on with --queue-bypass, as in Linux\n");
			return 0;
		}
		if (nfu_queue_server_process(q->srv, left > 0.1 ? 100 :
					     (int)(left * 1000) + 1) < 0) {
			fprintf(stderr, PROG ": queue socket %s: %s\n", q->path,
				strerror(errno));
			return 1;
		}
	}
	return 0;
}

static void on_expire(void *arg, uint16_t queue, uint32_t id,
		      unsigned int verdict)
{
	struct replay_queue *q = arg;

	q->nexpired++;
	q->drop_said = verdict == NFU_DROP;
	if (q->trace)
		printf("  = queue %u packet %u: no verdict in %g s: %s (%s)\n",
		       queue, id, q->timeout, verdict_names[verdict & 0xff],
		       verdict == NFU_ACCEPT ? "the queue is fail-open" :
					       "as a full queue would");
	else if (q->nexpired == 1)
		fprintf(stderr, PROG ": queue %u packet %u: no verdict in %g s:"
			" %s; the replay goes on (more are counted at the"
			" end)\n", queue, id, q->timeout,
			verdict == NFU_ACCEPT ? "accepted (fail-open)" :
						"dropped");
}

int replay_queue_settle(struct replay_queue *q, bool last)
{
	double quiet;

	if (!q->srv)
		return 0;
	/* What the stack queued is sent, verdicts already there are read. */
	if (nfu_queue_server_process(q->srv, 0) < 0)
		goto perr;
	quiet = now_s();
	while (nfu_queue_server_pending(q->srv)) {
		double t = now_s(), wait = 0.1;
		int n;

		/* a packet waiting longer than the timeout: the timeout's
		 * verdict (the entry may be gone with its handler: 0) */
		while (q->nwait && t - q->wait[0].t >= q->timeout) {
			nfu_queue_server_expire_one(q->srv, q->wait[0].queue,
						    q->wait[0].id, on_expire, q);
			wait_del(q, 0);
		}
		if (!nfu_queue_server_pending(q->srv))
			break;
		if (!q->nwait) {
			/* not seen queued (no memory): all of them */
			nfu_queue_server_expire(q->srv, on_expire, q);
			break;
		}
		/* --queue-idle: the handlers said nothing for that long, so
		 * they hold what they have: the replay goes on */
		if (!last && q->idle > 0 && t - quiet >= q->idle)
			break;
		if (q->wait[0].t + q->timeout - t < wait)
			wait = q->wait[0].t + q->timeout - t;
		if (!last && q->idle > 0 && quiet + q->idle - t < wait)
			wait = quiet + q->idle - t;
		n = nfu_queue_server_process(q->srv, (int)(wait * 1000) + 1);
		if (n < 0)
			goto perr;
		if (n > 0)
			quiet = now_s();
	}
	if (!nfu_queue_server_pending(q->srv))
		q->nwait = 0;
	if (q->exec && q->pid && handler_gone(q))
		say_status(q, "during the replay: the packets it had are"
			   " dropped, and its queues have no handler from now on");
	return 0;
perr:
	fprintf(stderr, PROG ": queue socket %s: %s\n", q->path,
		strerror(errno));
	return 1;
}

void replay_queue_summary(const struct replay_queue *q)
{
	struct nfu_queue_stats st[64];
	unsigned int n;

	if (!q->srv)
		return;
	n = nfu_queue_server_stats(q->srv, st, 64);
	if (!n)
		return;
	fprintf(stderr, PROG ": the queues at the end (as nfu queue -L):\n");
	nfu_queue_stats_print(stderr, st, n < 64 ? n : 64, 1);
	if (q->nexpired)
		fprintf(stderr, PROG ": %" PRIu64 " queued packets had no verdict"
			" within --queue-timeout %g s\n", q->nexpired,
			q->timeout);
}

int replay_queue_stop(struct replay_queue *q)
{
	int ret = 0;

	if (q->srv) {
		/* Closing the connections is the handler's EOF. */
		nfu_queue_server_free(q->srv);
		q->srv = NULL;
	}
	if (q->pid) {
		double deadline = now_s() + 1.0;
		bool termed = false;

		while (!handler_gone(q)) {
			if (now_s() > deadline) {
				if (termed) {
					kill(q->pid, SIGKILL);
					waitpid(q->pid, &q->status, 0);
					q->pid = 0;
					break;
				}
				kill(q->pid, SIGTERM);
				termed = true;
				deadline = now_s() + 1.0;
			}
			usleep(2000);
		}
		/* Ended by us: not the handler's fault. */
		if (!termed && ((WIFEXITED(q->status) &&
				 WEXITSTATUS(q->status) != 0) ||
				WIFSIGNALED(q->status))) {
			say_status(q, "during the replay");
			ret = 1;
		}
	} else if (q->exec && q->status) {
		ret = 1; /* said when it was reaped */
	}
	free(q->wait);
	q->wait = NULL;
	q->nwait = q->capwait = 0;
	if (q->tmpdir[0]) {
		unlink(q->path);
		rmdir(q->tmpdir);
		q->tmpdir[0] = 0;
	}
	return ret;
}
