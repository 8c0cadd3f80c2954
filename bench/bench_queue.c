/* SPDX-License-Identifier: MIT */
/*
 * bench_queue: packets per second through an nfu queue to a handler in
 * another process (queue_accept_nfu, libnfu-queue) that accepts
 * everything, with a verdict per packet and with batch verdicts.  The
 * stack receives UDP datagrams for the host; a function on PRE_ROUTING
 * queues each to queue 0; the handler's verdict reinjects it and it is
 * delivered.  Timed from the first packet in to the last one delivered.
 * bench_queue.sh runs it next to Linux's NFQUEUE with the same handler
 * built on libnetfilter_queue.
 *
 *   bench_queue HANDLER single|batch [packets]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/csum.h"
#include "nfu/nfu.h"
#include "nfu/queue.h"

static const char topo[] =
	"ip link set f0 address 02:00:00:00:00:02\n"
	"ip addr add 10.9.0.2/24 dev f0\n"
	"ip neigh add 10.9.0.1 lladdr 02:00:00:00:00:01 dev f0\n";

static unsigned long delivered;

static int deliver(void *priv, struct nfu_pkt *pkt)
{
	(void)priv;
	delivered++;
	nfu_pkt_free(pkt);
	return 1;
}

static unsigned int queue_fn(void *priv, struct nfu_pkt *pkt,
			     const struct nfu_hook_state *state)
{
	(void)priv;
	(void)pkt;
	(void)state;
	return NFU_VERDICT_QUEUE(0, 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A 74-byte frame: UDP 10.9.0.1:40000 > 10.9.0.2:9 with 32 bytes. */
static size_t frame_udp(unsigned char *f)
{
	static const unsigned char t[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 60, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 9, 0, 1, 10, 9, 0, 2,
		0x9c, 0x40, 0, 9, 0, 40, 0, 0,
	};
	uint16_t check;

	memcpy(f, t, sizeof(t));
	memset(f + sizeof(t), 'x', 32);
	check = nfu_ip_fast_csum(f + 14, 5);
	memcpy(f + 24, &check, 2);
	return sizeof(t) + 32;
}

int main(int argc, char **argv)
{
	struct nfu_hook_ops ops = {
		.hook = queue_fn, .pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_PRE_ROUTING, .priority = 0,
	};
	unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 0) : 2000000;
	const unsigned int window = 8192, burst = 256;
	char dir[] = "/tmp/nfu-bench-queue.XXXXXX", path[128], line[256];
	struct nfu_queue_server *srv;
	struct nfu_net_ops nops;
	struct nfu_error err;
	unsigned char frame[128];
	unsigned long in = 0;
	int pfd[2], status, e = 0;
	double t0, t1;
	size_t flen;
	struct nfu_net *net;
	pid_t pid;
	FILE *hout;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_queue HANDLER single|batch [packets]\n");
		return 2;
	}
	net = nfu_net_new();
	if (!net || nfu_topology_load(net, topo, sizeof(topo) - 1, "bench_queue", &err) ||
	    nfu_hook_register(net, &ops)) {
		fprintf(stderr, "bench_queue: stack: %s\n", err.msg);
		return 1;
	}
	memset(&nops, 0, sizeof(nops));
	nops.deliver = deliver;
	nfu_net_set_ops(net, &nops);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/queue.sock", dir);
	srv = nfu_queue_server_new(net, path, &e);
	if (!srv) {
		fprintf(stderr, "bench_queue: %s: %s\n", path, strerror(-e));
		return 1;
	}
	if (pipe(pfd))
		return 1;
	pid = fork();
	if (pid == 0) {
		char num[32];

		snprintf(num, sizeof(num), "%lu", n);
		dup2(pfd[1], 1);
		close(pfd[0]);
		setenv("NFU_QUEUE_SOCKET", path, 1);
		execl(argv[1], argv[1], "0", argv[2], num, (char *)NULL);
		perror(argv[1]);
		_exit(127);
	}
	close(pfd[1]);
	hout = fdopen(pfd[0], "r");
	/* Ready when bound, copying, with its queue length set (its last
	 * request before "ready"). */
	for (;;) {
		struct nfu_queue_stats st;

		if (nfu_queue_server_stats(srv, &st, 1) == 1 && st.bound &&
		    st.copy_mode == 2 && st.maxlen == 1u << 16)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "bench_queue: the handler ended before binding\n");
			return 1;
		}
		nfu_queue_server_process(srv, 10);
	}
	flen = frame_udp(frame);
	t0 = now_s();
	while (delivered < n) {
		unsigned int pending = nfu_queue_server_pending(srv);

		for (unsigned int i = 0; i < burst && in < n &&
		     pending + i < window; i++, in++)
			nfu_rx(net, nfu_dev_by_name(net, "f0")->ifindex, frame, flen);
		if (nfu_queue_server_process(srv, pending >= window || in == n ?
					     100 : 0) < 0)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = 0;
			break;
		}
	}
	t1 = now_s();
	printf("nfu %s: %lu packets queued and back in %.3f s: %.0f packets/s\n",
	       argv[2], delivered, t1 - t0, (double)delivered / (t1 - t0));
	nfu_queue_server_free(srv);
	while (fgets(line, sizeof(line), hout))
		if (!strncmp(line, "packets", 7))
			printf("  the handler: %s", line);
	if (pid)
		waitpid(pid, &status, 0);
	rmdir(dir);
	nfu_net_free(net);
	return delivered == n ? 0 : 1;
}
