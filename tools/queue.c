/* SPDX-License-Identifier: MIT */
/*
 * nfu queue -L: the queues of a running queue server (nfu daemon, a
 * replay with --queue-socket), as Linux's /proc/net/netfilter/
 * nfnetlink_queue lists them, with nfu's counters after.  It connects to
 * the server's socket as a handler would, says HELLO, sends STATS_REQ and
 * prints the records (docs/queue-protocol.md).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "nfu/queue.h"
#include "queue/wire.h"

/* How long to wait for the server's answer: it answers when its owner
 * next runs nfu_queue_server_process(). */
#define ANSWER_MS 10000

enum { O_LIST, O_SOCKET, O_NOHEAD, O_HELP };

static const struct cli_opt opts[] = {
	[O_LIST] = { "list", 'L', CLI_NOARG },
	[O_SOCKET] = { "socket", 's', CLI_ARG },
	[O_NOHEAD] = { "no-header", 'n', CLI_NOARG },
	[O_HELP] = { "help", 'h', CLI_NOARG },
	{ NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfu queue -L [--socket PATH] [--no-header]\n"
		"\n"
		"  -L, --list        list the queues of a queue server: Linux's\n"
		"                    /proc/net/netfilter/nfnetlink_queue columns\n"
		"                    (queue_number peer_portid queue_total "
		"copy_mode\n"
		"                    copy_range queue_dropped queue_user_dropped\n"
		"                    id_sequence use), then nfu's (fail_open\n"
		"                    nohandler_dropped nohandler_bypassed "
		"handler_gone\n"
		"                    timed_out, and the verdicts received: "
		"v_drop\n"
		"                    v_accept v_stolen v_queue v_repeat v_stop)\n"
		"  -s, --socket PATH the server's socket (default: "
		"$NFU_QUEUE_SOCKET,\n"
		"                    else %s)\n"
		"  -n, --no-header   no line naming the columns\n"
		"  -h, --help        this text\n",
		NFU_QUEUE_SOCKET_DEFAULT);
}

/* Read from 'fd' until 'buf' holds a whole message; its length, or 0 with
 * a message printed. */
static size_t read_msg(int fd, const char *path, uint8_t *buf, size_t *have,
		       size_t cap)
{
	for (;;) {
		long n = nfu_qwire_next(buf, *have);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (n > 0)
			return (size_t)n;
		if (n < 0 || *have == cap) {
			fprintf(stderr, "nfu queue: %s: malformed answer\n",
				path);
			return 0;
		}
		if (poll(&p, 1, ANSWER_MS) == 0) {
			fprintf(stderr, "nfu queue: %s: no answer\n", path);
			return 0;
		}
		r = recv(fd, buf + *have, cap - *have, 0);
		if (r <= 0) {
			if (r == 0)
				fprintf(stderr,
					"nfu queue: %s: the server closed the "
					"connection\n",
					path);
			else
				fprintf(stderr, "nfu queue: %s: %s\n", path,
					strerror(errno));
			return 0;
		}
		*have += (size_t)r;
	}
}

static int list(const char *path, bool header)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct nfu_queue_stats *s = NULL;
	size_t have = 0, cap = 2 * NFU_QWIRE_MAX_MSG, n;
	unsigned int count = 0;
	uint8_t *buf = NULL, req[64];
	int fd = -1, rc = 1;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "nfu queue: cannot connect to %s: %s\n", path,
			strerror(ENAMETOOLONG));
		return 1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "nfu queue: cannot connect to %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	n = nfu_qwire_put_u16(req, sizeof(req), NFU_QWIRE_HELLO, 1,
			      NFU_QWIRE_VERSION);
	n += nfu_qwire_put_empty(req + n, sizeof(req) - n,
				 NFU_QWIRE_STATS_REQ, 2);
	if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n) {
		fprintf(stderr, "nfu queue: %s: %s\n", path, strerror(errno));
		goto out;
	}
	buf = malloc(cap);
	if (!buf)
		goto out;
	for (;;) {
		struct nfu_qwire_msg m;

		n = read_msg(fd, path, buf, &have, cap);
		if (!n)
			goto out;
		if (nfu_qwire_decode(buf, n, &m) < 0) {
			fprintf(stderr, "nfu queue: %s: malformed answer\n",
				path);
			goto out;
		}
		if (m.type == NFU_QWIRE_ACK && m.u.error) {
			fprintf(stderr, "nfu queue: %s: the server refused: %s\n",
				path, strerror((int)m.u.error));
			goto out;
		}
		if (m.type == NFU_QWIRE_ACK && m.seq == 2)
			break;
		if (m.type == NFU_QWIRE_STATS && m.u.stats.count) {
			struct nfu_queue_stats *t;

			t = realloc(s, (count + m.u.stats.count) * sizeof(*s));
			if (!t)
				goto out;
			s = t;
			for (uint32_t i = 0; i < m.u.stats.count; i++) {
				struct nfu_qwire_stats w;
				struct nfu_queue_stats *d = &s[count++];

				nfu_qwire_stats_rec(&m, i, &w);
				memset(d, 0, sizeof(*d));
				d->queue = w.queue;
				d->bound = w.bound;
				d->copy_mode = w.copy_mode;
				d->peer = w.peer;
				d->queue_total = w.queue_total;
				d->copy_range = w.copy_range;
				d->queue_dropped = w.queue_dropped;
				d->queue_user_dropped = w.queue_user_dropped;
				d->id_sequence = w.id_sequence;
				d->maxlen = w.maxlen;
				d->flags = w.flags;
				d->failopen = w.failopen;
				d->nohandler_dropped = w.nohandler_dropped;
				d->nohandler_bypassed = w.nohandler_bypassed;
				d->handler_gone = w.handler_gone;
				d->timed_out = w.timed_out;
				memcpy(d->verdicts, w.verdicts,
				       sizeof(d->verdicts));
			}
		}
		memmove(buf, buf + n, have - n);
		have -= n;
	}
	nfu_queue_stats_print(stdout, s, count, header);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	free(s);
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int cli_queue(int argc, char **argv)
{
	struct cli_getopt g = { .i = 1, .prog = "nfu queue" };
	const char *path = NULL;
	bool do_list = false, header = true;
	int o;

	while ((o = cli_getopt(&g, argc, argv, opts)) != CLI_END) {
		switch (o) {
		case O_LIST:
			do_list = true;
			break;
		case O_SOCKET:
			path = g.arg;
			break;
		case O_NOHEAD:
			header = false;
			break;
		case O_HELP:
			usage(stdout);
			return 0;
		case CLI_WORD:
			fprintf(stderr, "nfu queue: unexpected argument `%s'\n",
				g.arg);
			usage(stderr);
			return 2;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!do_list) {
		usage(stderr);
		return 2;
	}
	if (!path)
		path = getenv("NFU_QUEUE_SOCKET");
	if (!path || !*path)
		path = NFU_QUEUE_SOCKET_DEFAULT;
	return list(path, header);
}
