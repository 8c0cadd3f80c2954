/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nfuq.c - libnfu-queue's input side on arbitrary bytes.
 *
 * The library's .c file is included, so that it is built with the fuzzer's
 * instrumentation and a handle can be made on one end of a socketpair
 * (handle_new()) without a server.  The test plays the server on the other
 * end: it answers the BIND of queue 0, then the input is given to
 * nfuq_handle_packet() in pieces whose size the first byte chooses (the
 * stream's reassembly), to a callback that reads every getter and gives
 * every kind of verdict (with the packet's own bytes as a new packet, a
 * mark, a batch).  Besides the sanitizers' findings:
 *   - a packet's copied bytes lie within the input (ASan) and number no
 *     more than the packet's length;
 *   - a call that failed with EBADMSG fails so from then on;
 *   - the handle never keeps more than one message's bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "queue/libnfuq/libnfuq.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t sink;

static int fuzz_cb(struct nfuq_q_handle *qh, struct nfgenmsg *nfmsg,
		   struct nfuq_data *nfad, void *arg)
{
	struct nfuqnl_msg_packet_hdr *ph = nfuq_get_msg_packet_hdr(nfad);
	uint32_t id = ntohl(ph->packet_id);
	unsigned char *p;
	struct timeval tv;
	int n;

	(void)arg;
	if (nfmsg->nfgen_family != AF_INET || nfmsg->version != NFNETLINK_V0 ||
	    ntohs(nfmsg->res_id) != nfuq_queue_num(qh))
		abort();
	sink += nfuq_get_nfmark(nfad) + nfuq_get_indev(nfad) +
		nfuq_get_outdev(nfad) + nfuq_get_physindev(nfad) +
		nfuq_get_physoutdev(nfad) + ph->hook + ph->hw_protocol;
	if (nfuq_get_timestamp(nfad, &tv) == 0)
		sink += (uint32_t)tv.tv_sec + (uint32_t)tv.tv_usec;
	n = nfuq_get_payload(nfad, &p);
	if (n == 0 || n < -1 || (n > 0 && !p) ||
	    (n > 0 && (uint32_t)n > nfad->p->pkt_len))
		abort();
	for (int i = 0; i < n; i++)
		sink += p[i];
	switch (id % 5) {
	case 0:
		nfuq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
		break;
	case 1:
		nfuq_set_verdict2(qh, id, NF_REPEAT, id, n > 0 ? (uint32_t)n : 0,
				  p);
		break;
	case 2:
		nfuq_set_verdict_batch(qh, id, NF_DROP);
		break;
	case 3:
		nfuq_set_verdict_batch2(qh, id, NF_STOP, id);
		break;
	default:
		break;
	}
	return id % 7 == 0 ? -1 : 0;
}

static void drain(int fd)
{
	uint8_t buf[65536];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t ack[NFU_QWIRE_HDR_LEN + NFU_QWIRE_ACK_LEN];
	struct nfuq_handle *h;
	struct nfuq_q_handle *qh;
	size_t step, off;
	uint8_t *copy;
	bool broken = false;
	int sv[2];

	if (size < 1)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	h = handle_new(sv[0]);
	if (!h)
		abort();
	/* The server's answer to the BIND that comes. */
	if (send(sv[1], ack,
		 nfu_qwire_put_ack(ack, sizeof(ack), h->seq + 1, 0), 0) < 0)
		abort();
	qh = nfuq_create_queue(h, 0, fuzz_cb, NULL);
	if (!qh)
		abort();
	/* One more queue whose packets have no callback. */
	if (send(sv[1], ack,
		 nfu_qwire_put_ack(ack, sizeof(ack), h->seq + 1, 0), 0) < 0 ||
	    !nfuq_create_queue(h, 1, NULL, NULL))
		abort();
	drain(sv[1]);

	step = data[0] ? data[0] : size;
	data++;
	size--;
	/* Its own buffer, so that ASan sees reads past each piece. */
	for (off = 0; off < size; off += step) {
		size_t n = size - off < step ? size - off : step;
		int ret;

		copy = malloc(n ? n : 1);
		memcpy(copy, data + off, n);
		errno = 0;
		ret = nfuq_handle_packet(h, (char *)copy, (int)n);
		free(copy);
		if (broken && (ret != -1 || errno != EBADMSG))
			abort();
		if (ret < 0 && errno == EBADMSG)
			broken = true;
		if (h->in && h->in_len >= NFU_QWIRE_MAX_MSG)
			abort();
		drain(sv[1]);
	}
	nfuq_close(h);
	close(sv[1]);
	return 0;
}
