/* SPDX-License-Identifier: MIT */
/*
 * queue_accept: a queue handler that accepts every packet, for
 * bench_queue.sh.  One source, two programs: built with libnetfilter_queue
 * (queue_accept_nfq, for Linux's NFQUEUE) and, with -DNFU_QUEUE, with
 * libnfu-queue through nfq_compat.h (queue_accept_nfu): the port is the two
 * include lines below and nothing else.
 *
 *   queue_accept QUEUE single|batch COUNT
 *
 * Copies whole packets (COPY_PACKET, as an IPS does), answers each packet
 * (single) or every packet read in one recv() with one batch verdict
 * (batch), and after COUNT packets, or a second without any, prints
 * "packets N seconds S" (from the first packet to the last verdict) on
 * stdout and exits.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>

#ifdef NFU_QUEUE
#include <libnfu_queue/libnfu_queue.h>
#include <libnfu_queue/nfq_compat.h>
#else
#include <libnetfilter_queue/libnetfilter_queue.h>
#endif

static unsigned long count, want;
static uint32_t last_id;
static int batch;
static double t_first;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cb(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
	      struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	unsigned char *payload;

	(void)nfmsg;
	(void)data;
	if (!ph)
		return -1;
	if (!count)
		t_first = now_s();
	count++;
	(void)nfq_get_payload(nfa, &payload);
	last_id = ntohl(ph->packet_id);
	if (!batch)
		return nfq_set_verdict(qh, last_id, NF_ACCEPT, 0, NULL) < 0 ? -1 : 0;
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[1 << 18];
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	double t_last = 0;
	int fd;

	if (argc != 4 || (strcmp(argv[2], "single") && strcmp(argv[2], "batch"))) {
		fprintf(stderr, "usage: queue_accept QUEUE single|batch COUNT\n");
		return 2;
	}
	batch = !strcmp(argv[2], "batch");
	want = strtoul(argv[3], NULL, 0);
	h = nfq_open();
	if (!h) {
		perror("nfq_open");
		return 1;
	}
	qh = nfq_create_queue(h, (uint16_t)atoi(argv[1]), cb, NULL);
	if (!qh) {
		perror("nfq_create_queue");
		return 1;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 0xffff) < 0 ||
	    nfq_set_queue_maxlen(qh, 1 << 16) < 0) {
		perror("nfq_set_mode");
		return 1;
	}
	fd = nfq_fd(h);
	/* Linux: a bigger receive buffer, as IPS handlers set. */
	{
		int sz = 1 << 24;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	}
	printf("ready\n");
	fflush(stdout);
	while (count < want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, count ? 1000 : 30000) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == ENOBUFS)
			continue; /* Linux: messages lost, go on */
		if (n <= 0)
			break;
		nfq_handle_packet(h, buf, (int)n);
		if (batch && count && nfq_set_verdict_batch(qh, last_id, NF_ACCEPT) < 0)
			break;
		t_last = now_s();
	}
	printf("packets %lu seconds %.6f\n", count, count ? t_last - t_first : 0.0);
	nfq_destroy_queue(qh);
	nfq_close(h);
	return 0;
}
