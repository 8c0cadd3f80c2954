/* SPDX-License-Identifier: MIT */
/*
 * handler.c - a queue handler written as a libnetfilter_queue program:
 * drops the packets whose payload contains STRING, accepts the others.
 *
 *   handler [-q QUEUE] STRING
 *
 * The payload is what follows the IPv4 header and the TCP header (data
 * offset) or the UDP header (8 bytes); for other protocols, what follows
 * the IPv4 header.  A fragment other than the first has no transport
 * header: its bytes after the IPv4 header are all payload.  One line per
 * packet on stderr: "id 7 queue 0 len 60 DROP".
 *
 * Ported from libnetfilter_queue by the two includes below and nothing
 * else: every name is libnetfilter_queue's.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem() */
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libnfu_queue/libnfu_queue.h> /* was <libnetfilter_queue/...> */
#include <libnfu_queue/nfq_compat.h>   /* nfq_* -> nfuq_* */

static const char *needle;
static size_t needle_len;

/* Where the payload starts in the IPv4 packet 'p' of 'len' bytes. */
static size_t payload_offset(const unsigned char *p, size_t len)
{
	size_t ihl, off;

	if (len < 20 || p[0] >> 4 != 4)
		return 0; /* not IPv4: search all of it */
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return len;
	off = ihl;
	if (((p[6] & 0x1f) << 8 | p[7]) != 0)
		return off; /* a later fragment */
	if (p[9] == IPPROTO_TCP && len >= off + 20)
		off += (size_t)(p[off + 12] >> 4) * 4;
	else if (p[9] == IPPROTO_UDP)
		off += 8;
	return off < len ? off : len;
}

static int cb(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
	      struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id = ph ? ntohl(ph->packet_id) : 0;
	unsigned char *pkt;
	int len = nfq_get_payload(nfa, &pkt);
	uint32_t verdict = NF_ACCEPT;

	(void)data;
	if (len > 0) {
		size_t off = payload_offset(pkt, (size_t)len);

		if (memmem(pkt + off, (size_t)len - off, needle, needle_len))
			verdict = NF_DROP;
	}
	fprintf(stderr, "id %u queue %u len %d %s\n", id,
		ntohs(nfmsg->res_id), len,
		verdict == NF_DROP ? "DROP" : "ACCEPT");
	return nfq_set_verdict(qh, id, verdict, 0, NULL);
}

int main(int argc, char **argv)
{
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	char buf[65536] __attribute__((aligned));
	int opt, fd;
	long queue = 0;
	ssize_t rv;

	while ((opt = getopt(argc, argv, "q:")) != -1) {
		if (opt != 'q')
			goto usage;
		queue = strtol(optarg, NULL, 10);
		if (queue < 0 || queue > 65535)
			goto usage;
	}
	if (optind != argc - 1 || !*argv[optind])
		goto usage;
	needle = argv[optind];
	needle_len = strlen(needle);

	h = nfq_open();
	if (!h) {
		perror("nfq_open");
		return 1;
	}
	qh = nfq_create_queue(h, (uint16_t)queue, &cb, NULL);
	if (!qh) {
		perror("nfq_create_queue");
		return 1;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 0xffff) < 0) {
		perror("nfq_set_mode");
		return 1;
	}
	fd = nfq_fd(h);
	/* Until the stack goes away (0) or an error. */
	while ((rv = recv(fd, buf, sizeof(buf), 0)) > 0)
		nfq_handle_packet(h, buf, (int)rv);
	nfq_destroy_queue(qh);
	nfq_close(h);
	return 0;
usage:
	fprintf(stderr, "usage: %s [-q QUEUE] STRING\n", argv[0]);
	return 2;
}
