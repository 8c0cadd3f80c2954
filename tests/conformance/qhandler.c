/* SPDX-License-Identifier: MIT */
/*
 * qhandler: the queue handler of the conformance scenarios that have a
 * `queue' file.  One source, two programs: qhandler_nfq on
 * libnetfilter_queue, run by kernel.sh in the host namespace, and
 * qhandler_nfu on libnfu-queue (-DNFU_QUEUE, through nfq_compat.h), run by
 * nfu_side.sh with nfu replay --queue-exec.  Both give the same verdicts
 * to the same packets, so what follows must agree.
 *
 *   qhandler [-q QUEUE]... [-f] SPEC [SPEC...]
 *
 * The i-th packet received (over all its queues) gets SPEC i; the last
 * SPEC serves the rest.  A SPEC is a verdict and changes, comma
 * separated:
 *   accept | drop | stop | repeat       the verdict
 *   hold                                no verdict at all (tests of
 *                                       timeouts)
 *   exit                                exit at once with status 3, the
 *                                       packet without a verdict
 *   batch                               the verdict as a batch verdict:
 *                                       for this packet and every one held
 *                                       before it on its queue
 *   mark=N                              set the packet's mark
 *   ttl=N                               new bytes: the IP TTL set to N and
 *                                       the header checksum made again
 *   set=OFF:BYTE                        new bytes: the byte at OFF set (no
 *                                       checksum made again: as given)
 *   len=N                               new bytes: the first N (N <= length)
 * -f sets FAIL_OPEN on the queues.  Prints "ready" on stdout once bound,
 * and a line per packet on stderr (queue, id, hook, length, verdict).
 * Exits on EOF of the socket or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifdef NFU_QUEUE
#include <libnfu_queue/libnfu_queue.h>
#include <libnfu_queue/nfq_compat.h>
#else
#include <libnetfilter_queue/libnetfilter_queue.h>
#endif

#define MAX_SPECS 64
#define MAX_SETS 8

struct spec {
	uint32_t verdict;
	int hold, exit, batch;
	int has_mark, ttl, len;
	uint32_t mark;
	int nset;
	unsigned int set_off[MAX_SETS];
	unsigned char set_val[MAX_SETS];
};

static struct spec specs[MAX_SPECS];
static unsigned int nspecs, seen;
static volatile sig_atomic_t stop;

static int parse_spec(char *s, struct spec *sp)
{
	char *tok, *save = NULL;

	memset(sp, 0, sizeof(*sp));
	sp->ttl = -1;
	sp->len = -1;
	sp->verdict = NF_ACCEPT;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "accept"))
			sp->verdict = NF_ACCEPT;
		else if (!strcmp(tok, "drop"))
			sp->verdict = NF_DROP;
		else if (!strcmp(tok, "stop"))
			sp->verdict = NF_STOP;
		else if (!strcmp(tok, "repeat"))
			sp->verdict = NF_REPEAT;
		else if (!strcmp(tok, "hold"))
			sp->hold = 1;
		else if (!strcmp(tok, "exit"))
			sp->exit = 1;
		else if (!strcmp(tok, "batch"))
			sp->batch = 1;
		else if (!strncmp(tok, "mark=", 5)) {
			sp->has_mark = 1;
			sp->mark = (uint32_t)strtoul(tok + 5, NULL, 0);
		} else if (!strncmp(tok, "ttl=", 4))
			sp->ttl = atoi(tok + 4) & 0xff;
		else if (!strncmp(tok, "len=", 4))
			sp->len = atoi(tok + 4);
		else if (!strncmp(tok, "set=", 4) && sp->nset < MAX_SETS &&
			 strchr(tok, ':')) {
			sp->set_off[sp->nset] = (unsigned int)strtoul(tok + 4, NULL, 0);
			sp->set_val[sp->nset] =
				(unsigned char)strtoul(strchr(tok, ':') + 1, NULL, 0);
			sp->nset++;
		} else {
			fprintf(stderr, "qhandler: bad spec `%s'\n", tok);
			return -1;
		}
	}
	return 0;
}

static void ip_csum(unsigned char *ip, int len)
{
	unsigned int ihl = (unsigned int)(ip[0] & 15) * 4, sum = 0;

	if (len < 20 || ihl < 20 || (int)ihl > len)
		return;
	ip[10] = ip[11] = 0;
	for (unsigned int i = 0; i < ihl; i += 2)
		sum += (unsigned int)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = (unsigned char)(sum >> 8);
	ip[11] = (unsigned char)sum;
}

static int cb(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
	      struct nfq_data *nfa, void *data)
{
	static const char *const names[] = { "drop", "accept", "stolen",
					     "queue", "repeat", "stop" };
	static unsigned char buf[65536];
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	const struct spec *sp = &specs[seen < nspecs ? seen : nspecs - 1];
	unsigned char *payload = NULL;
	int len = nfq_get_payload(nfa, &payload), newlen = -1;
	uint32_t id;

	(void)nfmsg;
	(void)data;
	if (!ph)
		return -1;
	id = ntohl(ph->packet_id);
	seen++;
	if (len > 0 && (sp->ttl >= 0 || sp->nset || sp->len >= 0)) {
		memcpy(buf, payload, (size_t)len);
		newlen = len;
		if (sp->ttl >= 0 && len >= 20) {
			buf[8] = (unsigned char)sp->ttl;
			ip_csum(buf, len);
		}
		for (int i = 0; i < sp->nset; i++)
			if ((int)sp->set_off[i] < len)
				buf[sp->set_off[i]] = sp->set_val[i];
		if (sp->len >= 0 && sp->len < len)
			newlen = sp->len;
	}
	struct timeval tv = { 0, 0 };

	if (nfq_get_timestamp(nfa, &tv) < 0)
		tv.tv_sec = tv.tv_usec = 0;
	fprintf(stderr, "qhandler: packet %u id %u hook %u len %d mark 0x%x"
		" time %ld.%06ld: %s%s%s\n",
		seen, id, ph->hook, len, nfq_get_nfmark(nfa),
		(long)tv.tv_sec, (long)tv.tv_usec,
		sp->exit ? "exit" : sp->hold ? "hold" : names[sp->verdict],
		sp->batch ? " (batch)" : "",
		newlen >= 0 ? " with new bytes" : "");
	if (sp->exit)
		exit(3);
	if (sp->hold)
		return 0;
	if (sp->batch && sp->has_mark)
		return nfq_set_verdict_batch2(qh, id, sp->verdict, sp->mark) < 0 ? -1 : 0;
	if (sp->batch)
		return nfq_set_verdict_batch(qh, id, sp->verdict) < 0 ? -1 : 0;
	if (sp->has_mark)
		return nfq_set_verdict2(qh, id, sp->verdict, sp->mark,
					newlen >= 0 ? (uint32_t)newlen : 0,
					newlen >= 0 ? buf : NULL) < 0 ? -1 : 0;
	return nfq_set_verdict(qh, id, sp->verdict,
			       newlen >= 0 ? (uint32_t)newlen : 0,
			       newlen >= 0 ? buf : NULL) < 0 ? -1 : 0;
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static char buf[1 << 17];
	struct nfq_q_handle *qh[16];
	unsigned int nq = 0, queues[16];
	struct nfq_handle *h;
	int fail_open = 0, fd, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q") && i + 1 < argc && nq < 16)
			queues[nq++] = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "-f"))
			fail_open = 1;
		else
			break;
	}
	if (!nq)
		queues[nq++] = 0;
	for (; i < argc && nspecs < MAX_SPECS; i++)
		if (parse_spec(argv[i], &specs[nspecs++]))
			return 2;
	if (!nspecs) {
		fprintf(stderr, "usage: qhandler [-q QUEUE]... [-f] SPEC [SPEC...]\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	h = nfq_open();
	if (!h) {
		perror("qhandler: nfq_open");
		return 1;
	}
	for (unsigned int q = 0; q < nq; q++) {
		qh[q] = nfq_create_queue(h, (uint16_t)queues[q], cb, NULL);
		if (!qh[q] || nfq_set_mode(qh[q], NFQNL_COPY_PACKET, 0xffff) < 0 ||
		    (fail_open && nfq_set_queue_flags(qh[q], NFQA_CFG_F_FAIL_OPEN,
						      NFQA_CFG_F_FAIL_OPEN) < 0)) {
			fprintf(stderr, "qhandler: queue %u: %s\n", queues[q],
				strerror(errno));
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	fd = nfq_fd(h);
	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) < 0 && errno != EINTR)
			break;
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EINTR || errno == ENOBUFS))
			continue;
		if (n <= 0)
			break;
		nfq_handle_packet(h, buf, (int)n);
	}
	for (unsigned int q = 0; q < nq; q++)
		nfq_destroy_queue(qh[q]);
	nfq_close(h);
	return 0;
}
