/* SPDX-License-Identifier: MIT */
/*
 * fuzz_queue_server: arbitrary bytes as a connected handler's stream into
 * the queue server (queue-private.h's nfu_queue_client_input()), with
 * packets waiting.  The handler has said HELLO and bound queue 0 (PACKET)
 * and queue 1 (META, FAIL_OPEN, maxlen 2); queue 2 has nobody.  Packets
 * of the host go to queue id % 3 at LOCAL_OUT, with --queue-bypass for
 * every other one.  The first byte picks the size of the pieces the rest
 * is cut in (bits 0-4 and 6: a message may arrive in parts), whether the
 * waiting packets time out at the end (bit 5), and whether the output
 * limit is tiny (bit 7: an unreachable handler); between pieces another packet is sent.  The server must not
 * crash, leak, or lose a packet: at the end every one has left, been
 * dropped, or is still held, and freeing the server drops the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nfu/nfu.h"
#include "nfu/queue.h"
#include "queue/queue-private.h"
#include "queue/wire.h"

static unsigned long sent, gone;

static unsigned int to_queue(void *priv, struct nfu_pkt *pkt,
			     const struct nfu_hook_state *state)
{
	(void)priv;
	(void)state;
	if (pkt->mark & 1)
		return NFU_ACCEPT;
	return NFU_VERDICT_QUEUE(pkt->id % 3, pkt->id & 2);
}

static void xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		 size_t len, const struct nfu_pkt *pkt)
{
	(void)priv;
	(void)dev;
	(void)frame;
	(void)len;
	(void)pkt;
	gone++;
}

static void dropped(void *priv, const struct nfu_pkt *pkt,
		    enum nfu_drop_reason reason)
{
	(void)priv;
	(void)pkt;
	(void)reason;
	gone++;
}

static int deliver(void *priv, struct nfu_pkt *pkt)
{
	(void)priv;
	nfu_pkt_free(pkt);
	gone++;
	return 1;
}

static void send_one(struct nfu_net *net)
{
	uint8_t ip[60] = { 0x45, 0, 0, 60, 0, 1, 0, 0, 64, 17, 0, 0,
			   127, 0, 0, 1, 127, 0, 0, 1 };

	ip[20] = 0x04; /* UDP 1024 -> 53 */
	ip[23] = 53;
	ip[25] = 40;
	if (nfu_send_ip(net, ip, sizeof(ip)) == 0)
		sent++;
}

static size_t put_cfg(uint8_t *b)
{
	size_t n = 0;

	n += nfu_qwire_put_u16(b + n, 64, NFU_QWIRE_HELLO, 1, 1);
	n += nfu_qwire_put_u16(b + n, 64, NFU_QWIRE_BIND, 2, 0);
	n += nfu_qwire_put_params(b + n, 64, 3, 0, NFU_QWIRE_COPY_PACKET, 0);
	n += nfu_qwire_put_u16(b + n, 64, NFU_QWIRE_BIND, 4, 1);
	n += nfu_qwire_put_params(b + n, 64, 5, 1, NFU_QWIRE_COPY_META, 0);
	n += nfu_qwire_put_flags(b + n, 64, 6, 1, NFU_QWIRE_CFG_F_FAIL_OPEN,
				 NFU_QWIRE_CFG_F_FAIL_OPEN);
	n += nfu_qwire_put_maxlen(b + n, 64, 7, 1, 2);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static struct nfu_hook_ops ops = { .hook = to_queue,
					   .pf = NFU_PROTO_IPV4,
					   .hooknum = NFU_INET_LOCAL_OUT };
	struct nfu_net_ops nops = { .xmit = xmit,
				    .dropped = dropped,
				    .deliver = deliver };
	struct nfu_queue_server *srv;
	struct nfu_queue_client *c;
	uint8_t cfg[512];
	size_t piece;
	int sv[2], err, rc;
	unsigned int held;
	uint8_t flags;
	struct nfu_net *net;

	if (size < 1)
		return 0;
	if (!path[0]) {
		char dir[] = "/tmp/nfu-fuzz-queue-XXXXXX";

		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/q.sock", dir);
	}
	flags = data[0];
	piece = (flags & 0x1f) + 1u;
	if (flags & 0x40)
		piece *= 97;
	net = nfu_net_new();
	if (!net)
		abort();
	nfu_net_set_ops(net, &nops);
	if (nfu_hook_register(net, &ops) < 0)
		abort();
	srv = nfu_queue_server_new(net, path, &err);
	if (!srv)
		abort();
	if (flags & 0x80)
		nfu_queue_server_set_out_limit(srv, 200);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	c = nfu_queue_server_attach(srv, sv[0]);
	if (!c)
		abort();
	sent = gone = 0;
	rc = nfu_queue_client_input(srv, c, cfg, put_cfg(cfg));
	if (rc != 7 || !nfu_queue_server_bound(srv, 1))
		abort();
	for (int i = 0; i < 6; i++)
		send_one(net);
	data++;
	size--;
	while (size && rc >= 0) {
		size_t k = size < piece ? size : piece;

		rc = nfu_queue_client_input(srv, c, data, k);
		data += k;
		size -= k;
		send_one(net);
	}
	held = nfu_queue_server_pending(srv);
	/* every packet sent left, was dropped, or waits (one may have been
	 * sent to 127.0.0.1 and delivered too) */
	if (gone + held < sent)
		abort();
	/* the handler was closed: its packets went with it */
	if (rc < 0 && held)
		abort();
	if (held && (flags & 0x20))
		nfu_queue_server_expire(srv, NULL, NULL);
	nfu_queue_server_free(srv);
	if (gone < sent)
		abort();
	close(sv[1]);
	nfu_net_free(net);
	return 0;
}
