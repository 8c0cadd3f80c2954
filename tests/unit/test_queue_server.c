/* SPDX-License-Identifier: MIT */
/*
 * test_queue_server.c - the queue server (lib/queue/server.c) with the
 * test as its handlers: raw Unix-socket clients speaking queue/wire.h
 * with its own encoders (no libnfu-queue), on the forwarding scene of
 * ipv4_scene.h.
 *
 * A function on FORWARD and LOCAL_OUT (priority FILTER) queues what
 * 'q_verdict' says (or to the UDP destination port with 'q_by_port'),
 * unless the packet's mark is MARK_PASS; one after it (priority 100)
 * counts what passes and records the mark.  Every outcome of Linux's
 * nfnetlink_queue is checked with what leaves the host (sc.out), the
 * stack's drops and the server's counters.  What Linux 6.18 does was
 * settled with libnetfilter_queue in a network namespace (copy range
 * 65531, copy mode NONE drops without a message or an id, an unknown
 * copy mode is accepted and ignored, NF_STOLEN and verdicts above
 * NF_STOP are EINVAL and the packet stays queued, errors are reported
 * without NLM_F_ACK, no time stamp at LOCAL_OUT).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipv4_scene.h"
#include "nfu/queue.h"
#include "queue/queue-private.h"
#include "queue/wire.h"

#define MARK_PASS 77u

static struct nfu_queue_server *srv;
static char dir[64], path[90];
static unsigned int q_verdict;   /* what the queueing function says */
static int q_by_port;            /* queue to the UDP destination port */
static unsigned int q_calls, after_calls;
static uint32_t after_mark;

static unsigned int queue_fn(void *priv, struct nfu_pkt *pkt,
			     const struct nfu_hook_state *st)
{
	(void)priv;
	(void)st;
	q_calls++;
	if (pkt->mark == MARK_PASS)
		return NFU_ACCEPT;
	if (q_by_port) {
		const uint8_t *l4 = nfu_pkt_transport_header(pkt);

		return NFU_VERDICT_QUEUE(rd16(l4 + 2), 0);
	}
	return q_verdict;
}

static unsigned int after_fn(void *priv, struct nfu_pkt *pkt,
			     const struct nfu_hook_state *st)
{
	(void)priv;
	(void)st;
	after_calls++;
	after_mark = pkt->mark;
	return NFU_ACCEPT;
}

static struct nfu_hook_ops q_ops[2], a_ops[2];

static bool up(void)
{
	int err = 0;

	/* a test that stopped on a REQUIRE left its server */
	nfu_queue_server_free(srv);
	srv = NULL;
	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	for (int i = 0; i < 2; i++) {
		uint8_t hook = i ? NFU_INET_LOCAL_OUT : NFU_INET_FORWARD;

		q_ops[i] = (struct nfu_hook_ops){ .hook = queue_fn,
						  .pf = NFU_PROTO_IPV4,
						  .hooknum = hook,
						  .priority = NFU_IP_PRI_FILTER };
		a_ops[i] = (struct nfu_hook_ops){ .hook = after_fn,
						  .pf = NFU_PROTO_IPV4,
						  .hooknum = hook,
						  .priority = 100 };
		if (nfu_hook_register(sc.net, &q_ops[i]) ||
		    nfu_hook_register(sc.net, &a_ops[i]))
			return false;
	}
	q_verdict = NFU_VERDICT_QUEUE(0, 0);
	q_by_port = 0;
	q_calls = after_calls = 0;
	after_mark = 0;
	nfu_net_set_time(sc.net, 5123456789ull);
	srv = nfu_queue_server_new(sc.net, path, &err);
	if (!srv)
		HARNESS_FAIL("nfu_queue_server_new: %d", err);
	return srv != NULL;
}

static void down(void)
{
	nfu_queue_server_free(srv);
	srv = NULL;
	scene_down();
}

/* ---- a handler ---- */

struct cl {
	int fd;
	uint32_t seq;
	uint8_t buf[4 * NFU_QWIRE_MAX_MSG];
	size_t len;
	uint8_t msg[NFU_QWIRE_MAX_MSG]; /* the last message taken */
	uint8_t hold[4 * NFU_QWIRE_MAX_MSG]; /* put aside by cl_ack() */
	size_t hold_len;
	int eof;
};

static void pump(void)
{
	for (int i = 0; i < 4; i++)
		nfu_queue_server_process(srv, 0);
}

static struct cl *cl_new(void)
{
	struct cl *c = calloc(1, sizeof(*c));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!c)
		return NULL;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		HARNESS_FAIL("connect %s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	pump();
	return c;
}

static void cl_free(struct cl *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

static void cl_send(struct cl *c, const uint8_t *b, size_t n)
{
	if (send(c->fd, b, n, MSG_NOSIGNAL) != (ssize_t)n)
		HARNESS_FAIL("send: %s", strerror(errno));
	pump();
}

/* The next frame read from the socket into c->msg: its length, or 0 when
 * none is there (c->eof when the server closed the connection). */
static size_t cl_frame(struct cl *c)
{
	long n;

	for (;;) {
		n = nfu_qwire_next(c->buf, c->len);
		if (n > 0)
			break;
		if (n < 0) {
			HARNESS_FAIL("bad frame from the server");
			return 0;
		}
		ssize_t r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len,
				 MSG_DONTWAIT);
		if (r == 0)
			c->eof = 1;
		if (r <= 0)
			return 0;
		c->len += (size_t)r;
	}
	memcpy(c->msg, c->buf, (size_t)n);
	memmove(c->buf, c->buf + n, c->len - (size_t)n);
	c->len -= (size_t)n;
	return (size_t)n;
}

/* The next message from the server into 'm' (those cl_ack() put aside
 * first): 1, or 0 when none is there. */
static int cl_next(struct cl *c, struct nfu_qwire_msg *m)
{
	size_t n;

	if (c->hold_len) {
		n = (size_t)nfu_qwire_next(c->hold, c->hold_len);
		memcpy(c->msg, c->hold, n);
		memmove(c->hold, c->hold + n, c->hold_len - n);
		c->hold_len -= n;
	} else {
		n = cl_frame(c);
		if (!n)
			return 0;
	}
	if (nfu_qwire_decode(c->msg, n, m) < 0) {
		HARNESS_FAIL("undecodable message from the server");
		return 0;
	}
	return 1;
}

/* The errno of the ACK that answers 'seq', -1 when there is none; other
 * messages before it are kept for cl_next(). */
static long cl_ack(struct cl *c, uint32_t seq)
{
	struct nfu_qwire_msg m;
	size_t n;

	while ((n = cl_frame(c)) != 0) {
		if (nfu_qwire_decode(c->msg, n, &m) < 0) {
			HARNESS_FAIL("undecodable message from the server");
			return -1;
		}
		if (m.type == NFU_QWIRE_ACK && m.seq == seq)
			return m.u.error;
		if (c->hold_len + n > sizeof(c->hold)) {
			HARNESS_FAIL("too many messages held");
			return -1;
		}
		memcpy(c->hold + c->hold_len, c->msg, n);
		c->hold_len += n;
	}
	return -1;
}

static long cl_u16(struct cl *c, uint16_t type, uint16_t v)
{
	uint8_t b[64];
	uint32_t seq = ++c->seq;

	cl_send(c, b, nfu_qwire_put_u16(b, sizeof(b), type, seq, v));
	return cl_ack(c, seq);
}

static long cl_params(struct cl *c, uint16_t q, uint8_t mode, uint32_t range)
{
	uint8_t b[64];
	uint32_t seq = ++c->seq;

	cl_send(c, b, nfu_qwire_put_params(b, sizeof(b), seq, q, mode, range));
	return cl_ack(c, seq);
}

static long cl_maxlen(struct cl *c, uint16_t q, uint32_t maxlen)
{
	uint8_t b[64];
	uint32_t seq = ++c->seq;

	cl_send(c, b, nfu_qwire_put_maxlen(b, sizeof(b), seq, q, maxlen));
	return cl_ack(c, seq);
}

static long cl_flags(struct cl *c, uint16_t q, uint32_t mask, uint32_t flags)
{
	uint8_t b[64];
	uint32_t seq = ++c->seq;

	cl_send(c, b,
		nfu_qwire_put_flags(b, sizeof(b), seq, q, mask, flags));
	return cl_ack(c, seq);
}

/* A handler that said HELLO and bound 'q' in 'mode'. */
static struct cl *cl_bound(uint16_t q, uint8_t mode)
{
	struct cl *c = cl_new();

	if (!c)
		return NULL;
	CHECK_INT(cl_u16(c, NFU_QWIRE_HELLO, NFU_QWIRE_VERSION), 0);
	CHECK_INT(cl_u16(c, NFU_QWIRE_BIND, q), 0);
	if (mode != NFU_QWIRE_COPY_NONE)
		CHECK_INT(cl_params(c, q, mode, 0xffff), 0);
	return c;
}

/* Send a verdict; returns the ACK's errno, or -1 when none came. */
static long cl_verdict(struct cl *c, uint16_t q, uint32_t id,
		       uint32_t verdict, uint16_t vflags, uint32_t mark,
		       const uint8_t *data, uint32_t dlen, uint16_t hflags)
{
	static uint8_t b[NFU_QWIRE_MAX_MSG];
	struct nfu_qwire_verdict v = { .queue = q, .vflags = vflags, .id = id,
				       .verdict = verdict, .mark = mark,
				       .data = data, .data_len = dlen };
	uint32_t seq = ++c->seq;

	cl_send(c, b, nfu_qwire_put_verdict(b, sizeof(b), seq, hflags, &v));
	return cl_ack(c, seq);
}

/* The next PACKET message, or fails. */
static bool cl_packet(struct cl *c, struct nfu_qwire_packet *p)
{
	struct nfu_qwire_msg m;

	while (cl_next(c, &m)) {
		if (m.type == NFU_QWIRE_PACKET) {
			*p = m.u.packet;
			return true;
		}
	}
	return false;
}

/* ---- traffic ---- */

static uint8_t pkt_b[9000];

/* A UDP datagram from A to 192.168.1.1 (forwarded to B by e1) to
 * 'dport' with 'dlen' bytes. */
static size_t send_udp(unsigned int dport, size_t dlen)
{
	size_t n = build_udp(pkt_b, IP_A, A4(192, 168, 1, 1), 1000, dport,
			     dlen);

	if (scene_rx(E0, pkt_b, n) != 0)
		HARNESS_FAIL("nfu_rx failed");
	return n;
}

static struct nfu_queue_stats stats_of(uint16_t q)
{
	struct nfu_queue_stats s[64];
	unsigned int n = nfu_queue_server_stats(srv, s, 64);

	for (unsigned int i = 0; i < n && i < 64; i++)
		if (s[i].queue == q)
			return s[i];
	return (struct nfu_queue_stats){ .queue = 0xffff };
}

/* ---- tests ---- */

static void test_packet_message_and_accept(void)
{
	struct nfu_qwire_packet p;
	struct cl *c;
	size_t n;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_PACKET);
	REQUIRE(c);
	CHECK_INT(nfu_queue_server_handlers(srv), 1);
	CHECK(nfu_queue_server_bound(srv, 0));
	n = send_udp(53, 100);
	CHECK_INT(nfu_queue_server_pending(srv), 1);
	CHECK_INT(sc.nout, 0);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(p.queue, 0);
	CHECK_INT(p.hw_protocol, 0x0800);
	CHECK_INT(p.hook, NFU_INET_FORWARD);
	CHECK_INT(p.id, 1);
	CHECK_INT(p.indev, E0);
	CHECK_INT(p.outdev, E1);
	CHECK_INT(p.ts_sec, 5);
	CHECK_INT(p.ts_usec, 123456);
	CHECK_INT(p.pkt_len, n);
	CHECK_INT(p.data_len, n);
	/* forwarding decremented the TTL before FORWARD */
	CHECK_MEM(p.data + 20, pkt_b + 20, n - 20);
	CHECK_INT(p.data[8], 63);
	CHECK_INT(after_calls, 0);

	/* ACCEPT: the next function, then out by e1; no ACK unasked */
	CHECK_INT(cl_verdict(c, 0, 1, NFU_ACCEPT, 0, 0, NULL, 0, 0), -1);
	CHECK_INT(after_calls, 1);
	CHECK_INT(sc.nout, 1);
	CHECK_INT(sc.out[0].ifindex, E1);
	CHECK_INT(nfu_queue_server_pending(srv), 0);
	/* with NFU_QWIRE_F_ACK the success is answered */
	send_udp(53, 10);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(p.id, 2);
	CHECK_INT(cl_verdict(c, 0, 2, NFU_ACCEPT, 0, 0, NULL, 0,
			     NFU_QWIRE_F_ACK),
		  0);
	CHECK_INT(sc.nout, 2);
	CHECK_INT(stats_of(0).verdicts[NFU_ACCEPT], 2);
	cl_free(c);
	down();
}

static void test_verdicts(void)
{
	struct nfu_qwire_packet p;
	struct cl *c;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_META);
	REQUIRE(c);

	/* DROP */
	send_udp(53, 10);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(p.data_len, 0); /* META: no bytes */
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_DROP, 0, 0, NULL, 0, 0), -1);
	CHECK_INT(sc.nout, 0);
	CHECK_INT(after_calls, 0);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 1);

	/* STOP: accepted at once, the function after it skipped */
	send_udp(53, 10);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_STOP, 0, 0, NULL, 0, 0), -1);
	CHECK_INT(sc.nout, 1);
	CHECK_INT(after_calls, 0);

	/* REPEAT with a mark: the queueing function runs again and lets
	 * it pass this time */
	q_calls = 0;
	send_udp(53, 10);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(q_calls, 1);
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_REPEAT, NFU_QWIRE_V_MARK,
			     MARK_PASS, NULL, 0, 0),
		  -1);
	CHECK_INT(q_calls, 2);
	CHECK_INT(after_calls, 1);
	CHECK_INT(after_mark, MARK_PASS);
	CHECK_INT(sc.nout, 2);

	/* ACCEPT with a mark: the functions after it see it */
	send_udp(53, 10);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_ACCEPT, NFU_QWIRE_V_MARK,
			     0x1234, NULL, 0, 0),
		  -1);
	CHECK_INT(after_mark, 0x1234);
	CHECK_INT(sc.nout, 3);

	/* QUEUE to another queue: it waits there, with that queue's id */
	CHECK_INT(cl_u16(c, NFU_QWIRE_BIND, 3), 0);
	CHECK_INT(cl_params(c, 3, NFU_QWIRE_COPY_META, 0), 0);
	send_udp(53, 10);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_VERDICT_QUEUE(3, 0), 0, 0, NULL,
			     0, 0),
		  -1);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(p.queue, 3);
	CHECK_INT(p.id, 1);
	CHECK_INT(cl_verdict(c, 3, 1, NFU_ACCEPT, 0, 0, NULL, 0, 0), -1);
	CHECK_INT(sc.nout, 4);

	/* NF_STOLEN from user space: EINVAL (current Linux), the packet
	 * stays queued; a verdict above NF_STOP too; an unknown id ENOENT;
	 * all answered without NFU_QWIRE_F_ACK, as netlink reports errors */
	send_udp(53, 10);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_STOLEN, 0, 0, NULL, 0, 0),
		  EINVAL);
	CHECK_INT(cl_verdict(c, 0, p.id, 6, 0, 0, NULL, 0, 0), EINVAL);
	CHECK_INT(cl_verdict(c, 0, p.id + 1, NFU_ACCEPT, 0, 0, NULL, 0, 0),
		  ENOENT);
	CHECK_INT(cl_verdict(c, 7, p.id, NFU_ACCEPT, 0, 0, NULL, 0, 0),
		  ENODEV);
	CHECK_INT(nfu_queue_server_pending(srv), 1);
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_ACCEPT, 0, 0, NULL, 0, 0), -1);
	CHECK_INT(sc.nout, 5);

	struct nfu_queue_stats s = stats_of(0);
	CHECK_INT(s.verdicts[NFU_DROP], 1);
	CHECK_INT(s.verdicts[NFU_ACCEPT], 2);
	CHECK_INT(s.verdicts[NFU_STOLEN], 0);
	CHECK_INT(s.verdicts[NFU_QUEUE], 1);
	CHECK_INT(s.verdicts[NFU_REPEAT], 1);
	CHECK_INT(s.verdicts[NFU_STOP], 1);
	CHECK_INT(stats_of(3).verdicts[NFU_ACCEPT], 1);
	cl_free(c);
	down();
}

static void test_replaced_packet(void)
{
	struct nfu_qwire_packet p;
	uint8_t nb[2000];
	struct cl *c;
	size_t n;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_PACKET);
	REQUIRE(c);
	/* longer bytes, used as given (no checksum is fixed) */
	n = send_udp(53, 40);
	pump();
	REQUIRE(cl_packet(c, &p));
	memcpy(nb, p.data, p.data_len);
	memset(nb + n, 0xab, 500);
	nb[2] = (uint8_t)((n + 500) >> 8);
	nb[3] = (uint8_t)(n + 500);
	nb[10] = nb[11] = 0x5a;
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_ACCEPT, NFU_QWIRE_V_PAYLOAD, 0,
			     nb, (uint32_t)(n + 500), 0),
		  -1);
	REQUIRE(sc.nout == 1);
	CHECK_INT(sc.out[0].len, 14 + n + 500);
	CHECK_MEM(out_ip(0), nb, n + 500);
	CHECK_INT(sc.seen_len[NFU_INET_POST_ROUTING], n + 500);

	/* larger than the packet's buffer: a new one takes its place */
	n = send_udp(53, 40);
	pump();
	REQUIRE(cl_packet(c, &p));
	static uint8_t big[12000];
	memcpy(big, p.data, p.data_len);
	fill(big + n, sizeof(big) - n, 9);
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_ACCEPT, NFU_QWIRE_V_PAYLOAD, 0,
			     big, sizeof(big), 0),
		  -1);
	CHECK_INT(sc.seen_len[NFU_INET_POST_ROUTING], sizeof(big));

	/* shorter than the IP header (the transport header's offset):
	 * nfqnl_mangle() fails and the packet is dropped */
	sc.nout = 0;
	send_udp(53, 40);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_ACCEPT, NFU_QWIRE_V_PAYLOAD, 0,
			     p.data, 19, 0),
		  -1);
	CHECK_INT(sc.nout, 0);
	CHECK_INT(after_calls, 2);
	cl_free(c);
	down();
}

static void test_reroute_local_out(void)
{
	struct nfu_qwire_packet p;
	uint8_t nb[200];
	struct cl *c;
	size_t n;

	REQUIRE(up());
	q_verdict = NFU_VERDICT_QUEUE(0, 0);
	c = cl_bound(0, NFU_QWIRE_COPY_PACKET);
	REQUIRE(c);
	/* the host sends to A; the handler points it at B instead: routed
	 * again (nf_ip_reroute()), it leaves by e1 to B's MAC */
	n = build_udp(nb, IP_E0, IP_A, 1000, 53, 20);
	CHECK_INT(nfu_send_ip(sc.net, nb, n), 0);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(p.hook, NFU_INET_LOCAL_OUT);
	CHECK_INT(p.indev, 0);
	CHECK_INT(p.outdev, E0);
	CHECK_INT(p.ts_sec, 0); /* no time stamp at LOCAL_OUT */
	CHECK_INT(p.ts_usec, 0);
	memcpy(nb, p.data, p.data_len);
	wr32(nb + 16, IP_B);
	ip_fix_csum(nb);
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_ACCEPT, NFU_QWIRE_V_PAYLOAD, 0,
			     nb, p.data_len, 0),
		  -1);
	REQUIRE(sc.nout == 1);
	CHECK_FRAME(0, E1, MAC_B);
	CHECK_INT(rd32(out_ip(0) + 16), IP_B);

	/* unchanged: the route it had (to A by e0) */
	n = build_udp(nb, IP_E0, IP_A, 1000, 53, 20);
	CHECK_INT(nfu_send_ip(sc.net, nb, n), 0);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_ACCEPT, NFU_QWIRE_V_PAYLOAD, 0,
			     p.data, p.data_len, 0),
		  -1);
	REQUIRE(sc.nout == 2);
	CHECK_FRAME(1, E0, MAC_A);

	/* changed to where no route goes: dropped */
	n = build_udp(nb, IP_E0, IP_A, 1000, 53, 20);
	CHECK_INT(nfu_send_ip(sc.net, nb, n), 0);
	pump();
	REQUIRE(cl_packet(c, &p));
	memcpy(nb, p.data, p.data_len);
	wr32(nb + 16, A4(172, 16, 0, 1));
	ip_fix_csum(nb);
	CHECK_INT(cl_verdict(c, 0, p.id, NFU_ACCEPT, NFU_QWIRE_V_PAYLOAD, 0,
			     nb, p.data_len, 0),
		  -1);
	CHECK_INT(sc.nout, 2);
	CHECK_INT(drops_of(NFU_DROP_NO_ROUTE), 1);
	cl_free(c);
	down();
}

static void test_batch(void)
{
	struct nfu_qwire_packet p;
	struct cl *c;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_META);
	REQUIRE(c);
	for (int i = 0; i < 4; i++)
		send_udp(53, 10);
	pump();
	for (uint32_t i = 1; i <= 4; i++) {
		REQUIRE(cl_packet(c, &p));
		CHECK_INT(p.id, i);
	}
	/* one verdict out of order first */
	CHECK_INT(cl_verdict(c, 0, 3, NFU_DROP, 0, 0, NULL, 0, 0), -1);
	/* every id up to 2, with a mark */
	CHECK_INT(cl_verdict(c, 0, 2, NFU_ACCEPT,
			     NFU_QWIRE_V_BATCH | NFU_QWIRE_V_MARK, 0x99, NULL,
			     0, NFU_QWIRE_F_ACK),
		  0);
	CHECK_INT(sc.nout, 2);
	CHECK_INT(after_calls, 2);
	CHECK_INT(after_mark, 0x99);
	CHECK_INT(nfu_queue_server_pending(srv), 1);
	/* nothing left up to 2: ENOENT */
	CHECK_INT(cl_verdict(c, 0, 2, NFU_ACCEPT, NFU_QWIRE_V_BATCH, 0, NULL,
			     0, 0),
		  ENOENT);
	/* ids after N stay: id 4 is "after" 3 */
	CHECK_INT(cl_verdict(c, 0, 3, NFU_ACCEPT, NFU_QWIRE_V_BATCH, 0, NULL,
			     0, 0),
		  ENOENT);
	/* modulo 2^32 as nfq_id_after(): 4 is "after" 4 + 2^31 + 1 (the
	 * difference is 2^31 - 1 as an int), not after 4 + 2^31 */
	CHECK_INT(cl_verdict(c, 0, 4u + 0x80000001u, NFU_ACCEPT,
			     NFU_QWIRE_V_BATCH, 0, NULL, 0, 0),
		  ENOENT);
	CHECK_INT(cl_verdict(c, 0, 4u + 0x80000000u, NFU_ACCEPT,
			     NFU_QWIRE_V_BATCH, 0, NULL, 0, 0),
		  -1);
	CHECK_INT(sc.nout, 3);
	CHECK_INT(nfu_queue_server_pending(srv), 0);
	CHECK_INT(stats_of(0).verdicts[NFU_ACCEPT], 3);
	CHECK_INT(stats_of(0).verdicts[NFU_DROP], 1);
	cl_free(c);
	down();
}

static void test_full_queue(void)
{
	struct nfu_queue_stats s;
	struct cl *c;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_META);
	REQUIRE(c);
	CHECK_INT(cl_maxlen(c, 0, 2), 0);
	for (int i = 0; i < 4; i++)
		send_udp(53, 10);
	s = stats_of(0);
	CHECK_INT(s.queue_total, 2);
	CHECK_INT(s.queue_dropped, 2);
	CHECK_INT(s.id_sequence, 2); /* no id for what did not fit */
	CHECK_INT(s.failopen, 0);
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_QUEUE), 2);

	/* FAIL_OPEN: what does not fit goes on at once */
	CHECK_INT(cl_flags(c, 0, NFU_QWIRE_CFG_F_FAIL_OPEN,
			   NFU_QWIRE_CFG_F_FAIL_OPEN),
		  0);
	for (int i = 0; i < 3; i++)
		send_udp(53, 10);
	s = stats_of(0);
	CHECK_INT(s.queue_total, 2);
	CHECK_INT(s.queue_dropped, 2);
	CHECK_INT(s.failopen, 3);
	CHECK_INT(s.flags, NFU_QWIRE_CFG_F_FAIL_OPEN);
	CHECK_INT(sc.nout, 3);
	CHECK_INT(after_calls, 3);
	/* maxlen 0: nothing fits */
	CHECK_INT(cl_maxlen(c, 0, 0), 0);
	send_udp(53, 10);
	CHECK_INT(stats_of(0).failopen, 4);
	cl_free(c);
	down();
}

static void test_unreachable_handler(void)
{
	struct nfu_queue_stats s;
	struct cl *c;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_PACKET);
	REQUIRE(c);
	/* room for one message of a 58-byte packet, not two: the second
	 * finds the handler "unreachable" (its socket buffer full) */
	nfu_queue_server_set_out_limit(srv, 150);
	send_udp(53, 30);
	send_udp(53, 30);
	s = stats_of(0);
	CHECK_INT(s.queue_total, 1);
	CHECK_INT(s.queue_user_dropped, 1);
	CHECK_INT(s.id_sequence, 2); /* Linux gives the id first */
	CHECK_INT(sc.nout, 0);
	CHECK_INT(cl_flags(c, 0, NFU_QWIRE_CFG_F_FAIL_OPEN,
			   NFU_QWIRE_CFG_F_FAIL_OPEN),
		  0);
	/* the request's pump sent what was waiting: one fits again */
	send_udp(53, 30);
	send_udp(53, 30);
	send_udp(53, 30);
	s = stats_of(0);
	CHECK_INT(s.queue_total, 2);
	CHECK_INT(s.queue_user_dropped, 1);
	CHECK_INT(s.failopen, 2);
	CHECK_INT(sc.nout, 2);
	cl_free(c);
	down();
}

static void test_no_handler(void)
{
	struct nfu_queue_stats s;

	REQUIRE(up());
	q_verdict = NFU_VERDICT_QUEUE(9, 0);
	send_udp(53, 10);
	CHECK_INT(sc.nout, 0);
	CHECK_INT(drops_of(NFU_DROP_QUEUE), 1);
	q_verdict = NFU_VERDICT_QUEUE(9, 1);
	send_udp(53, 10);
	send_udp(53, 10);
	CHECK_INT(sc.nout, 2);
	CHECK_INT(after_calls, 2);
	s = stats_of(9);
	CHECK_INT(s.queue, 9);
	CHECK_INT(s.bound, 0);
	CHECK_INT(s.nohandler_dropped, 1);
	CHECK_INT(s.nohandler_bypassed, 2);
	CHECK_INT(nfu_queue_server_stats(srv, NULL, 0), 1);
	down();
}

static void test_copy_modes_and_ids(void)
{
	struct nfu_qwire_packet p;
	struct nfu_queue_stats s;
	struct cl *c;
	size_t n;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_NONE);
	REQUIRE(c);
	/* a new instance: NONE, Linux's range 65531, maxlen 1024 */
	s = stats_of(0);
	CHECK_INT(s.bound, 1);
	CHECK_INT(s.copy_mode, NFU_QWIRE_COPY_NONE);
	CHECK_INT(s.copy_range, 65531);
	CHECK_INT(s.maxlen, 1024);
	/* NONE takes nothing: dropped, no message, no id */
	send_udp(53, 10);
	pump();
	CHECK(!cl_packet(c, &p));
	CHECK_INT(stats_of(0).id_sequence, 0);
	CHECK_INT(drops_of(NFU_DROP_QUEUE), 1);
	CHECK_INT(nfu_queue_server_pending(srv), 0);

	CHECK_INT(cl_params(c, 0, NFU_QWIRE_COPY_PACKET, 0), 0);
	CHECK_INT(stats_of(0).copy_range, 65531);
	CHECK_INT(cl_params(c, 0, NFU_QWIRE_COPY_PACKET, 70000), 0);
	CHECK_INT(stats_of(0).copy_range, 65531);
	CHECK_INT(cl_params(c, 0, NFU_QWIRE_COPY_META, 70000), 0);
	CHECK_INT(stats_of(0).copy_range, 0);
	/* an unknown mode: answered 0, nothing changes (Linux ignores
	 * nfqnl_set_mode()'s EINVAL) */
	CHECK_INT(cl_params(c, 0, 7, 100), 0);
	CHECK_INT(stats_of(0).copy_mode, NFU_QWIRE_COPY_META);
	CHECK_INT(cl_params(c, 0, NFU_QWIRE_COPY_PACKET, 10), 0);
	s = stats_of(0);
	CHECK_INT(s.copy_mode, NFU_QWIRE_COPY_PACKET);
	CHECK_INT(s.copy_range, 10);

	n = send_udp(53, 30);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(p.id, 1);
	CHECK_INT(p.pkt_len, n);
	CHECK_INT(p.data_len, 10);
	CHECK_MEM(p.data, pkt_b, 8); /* TTL and checksum changed after */
	/* ids count per queue, from 1 */
	CHECK_INT(cl_u16(c, NFU_QWIRE_BIND, 1), 0);
	CHECK_INT(cl_params(c, 1, NFU_QWIRE_COPY_META, 0), 0);
	q_by_port = 1;
	send_udp(1, 10);
	send_udp(0, 10);
	send_udp(1, 10);
	pump();
	uint32_t want_q[3] = { 1, 0, 1 }, want_id[3] = { 1, 2, 2 };
	for (int i = 0; i < 3; i++) {
		REQUIRE(cl_packet(c, &p));
		CHECK_INT(p.queue, want_q[i]);
		CHECK_INT(p.id, want_id[i]);
	}
	/* a new instance starts again from 1 */
	CHECK_INT(cl_u16(c, NFU_QWIRE_UNBIND, 1), 0);
	CHECK_INT(stats_of(1).handler_gone, 2);
	CHECK_INT(cl_u16(c, NFU_QWIRE_BIND, 1), 0);
	CHECK_INT(cl_params(c, 1, NFU_QWIRE_COPY_META, 0), 0);
	send_udp(1, 10);
	pump();
	REQUIRE(cl_packet(c, &p));
	CHECK_INT(p.id, 1);
	cl_free(c);
	down();
}

static void test_bind_errors(void)
{
	struct cl *a, *b;

	REQUIRE(up());
	a = cl_bound(4, NFU_QWIRE_COPY_META);
	b = cl_new();
	REQUIRE(a && b);
	CHECK_INT(cl_u16(b, NFU_QWIRE_HELLO, NFU_QWIRE_VERSION), 0);
	CHECK_INT(cl_u16(b, NFU_QWIRE_BIND, 4), EPERM);
	CHECK_INT(cl_u16(a, NFU_QWIRE_BIND, 4), EBUSY);
	CHECK_INT(cl_u16(b, NFU_QWIRE_UNBIND, 4), EPERM);
	CHECK_INT(cl_u16(b, NFU_QWIRE_UNBIND, 5), ENODEV);
	CHECK_INT(cl_params(b, 4, NFU_QWIRE_COPY_PACKET, 0), EPERM);
	CHECK_INT(cl_params(b, 5, NFU_QWIRE_COPY_PACKET, 0), ENODEV);
	CHECK_INT(cl_maxlen(b, 4, 10), EPERM);
	CHECK_INT(cl_maxlen(b, 5, 10), ENODEV);
	CHECK_INT(cl_flags(b, 4, 1, 1), EPERM);
	CHECK_INT(cl_flags(b, 5, 1, 1), ENODEV);
	/* flags Linux does not know: EOPNOTSUPP whatever the mask, before
	 * the queue is looked at */
	CHECK_INT(cl_flags(a, 4, 0x20, 0x20), EOPNOTSUPP);
	CHECK_INT(cl_flags(a, 4, 0, 0x40), EOPNOTSUPP);
	CHECK_INT(cl_flags(b, 5, 0, 0x40), EOPNOTSUPP);
	/* the known ones are accepted; only those in the mask change */
	CHECK_INT(cl_flags(a, 4, 0x1f, 0x1e), 0);
	CHECK_INT(stats_of(4).flags, 0x1e);
	CHECK_INT(cl_flags(a, 4, 0x03, 0x01), 0);
	CHECK_INT(stats_of(4).flags, 0x1d);
	/* a verdict on another's queue */
	CHECK_INT(cl_verdict(b, 4, 1, NFU_ACCEPT, 0, 0, NULL, 0, 0), EPERM);
	CHECK_INT(stats_of(4).peer, 1);
	/* B may take it once A lets it go */
	CHECK_INT(cl_u16(a, NFU_QWIRE_UNBIND, 4), 0);
	CHECK_INT(cl_u16(b, NFU_QWIRE_BIND, 4), 0);
	CHECK_INT(stats_of(4).peer, 2);
	CHECK_INT(stats_of(4).flags, 0);
	cl_free(a);
	cl_free(b);
	down();
}

static void test_hello_rules(void)
{
	struct nfu_qwire_msg m;
	struct cl *c;
	uint8_t buf[64];

	REQUIRE(up());
	/* not a HELLO first: refused and closed */
	c = cl_new();
	REQUIRE(c);
	CHECK_INT(cl_u16(c, NFU_QWIRE_BIND, 1), EPROTONOSUPPORT);
	CHECK(!cl_next(c, &m) && c->eof);
	CHECK_INT(nfu_queue_server_handlers(srv), 0);
	cl_free(c);
	/* another version */
	c = cl_new();
	REQUIRE(c);
	CHECK_INT(cl_u16(c, NFU_QWIRE_HELLO, 2), EPROTONOSUPPORT);
	CHECK(!cl_next(c, &m) && c->eof);
	cl_free(c);
	/* a second HELLO of the same version is answered */
	c = cl_new();
	REQUIRE(c);
	CHECK_INT(cl_u16(c, NFU_QWIRE_HELLO, 1), 0);
	CHECK_INT(cl_u16(c, NFU_QWIRE_HELLO, 1), 0);
	CHECK_INT(nfu_queue_server_handlers(srv), 1);
	/* a message of the server's direction closes the connection */
	cl_send(c, buf, nfu_qwire_put_ack(buf, sizeof(buf), 5, 0));
	CHECK(!cl_next(c, &m) && c->eof);
	CHECK_INT(nfu_queue_server_handlers(srv), 0);
	cl_free(c);
	down();
}

static void test_handler_gone(void)
{
	struct nfu_queue_stats s;
	struct cl *a, *b;
	uint64_t d;

	REQUIRE(up());
	a = cl_bound(0, NFU_QWIRE_COPY_PACKET);
	b = cl_bound(1, NFU_QWIRE_COPY_PACKET);
	REQUIRE(a && b);
	q_by_port = 1;
	send_udp(0, 10);
	send_udp(0, 10);
	send_udp(1, 10);
	CHECK_INT(nfu_queue_server_pending(srv), 3);
	d = drops_of(NFU_DROP_NETFILTER);
	close(a->fd);
	a->fd = -1;
	pump();
	CHECK_INT(nfu_queue_server_pending(srv), 1);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), d + 2);
	s = stats_of(0);
	CHECK_INT(s.bound, 0);
	CHECK_INT(s.handler_gone, 2);
	CHECK(!nfu_queue_server_bound(srv, 0));
	CHECK_INT(nfu_queue_server_handlers(srv), 1);
	/* queue 0 has nobody now */
	send_udp(0, 10);
	CHECK_INT(stats_of(0).nohandler_dropped, 1);
	/* B's packet is still there and goes on */
	CHECK_INT(cl_verdict(b, 1, 1, NFU_ACCEPT, 0, 0, NULL, 0, 0), -1);
	CHECK_INT(sc.nout, 1);
	cl_free(a);
	cl_free(b);
	down();
}

static void test_garbage(void)
{
	static const uint8_t bad_len[] = { 0, 0, 0, 5, 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t bad_type[] = { 0, 0, 0, 12, 0, 99, 0, 0,
					    0, 0, 0, 1 };
	static const uint8_t short_bind[] = { 0, 0, 0, 14, 0, 2, 0, 0,
					      0, 0, 0, 1, 0, 3 };
	const uint8_t *bad[] = { bad_len, bad_type, short_bind };
	size_t badn[] = { sizeof(bad_len), sizeof(bad_type),
			  sizeof(short_bind) };
	struct nfu_qwire_msg m;
	struct cl *good, *c;

	REQUIRE(up());
	good = cl_bound(1, NFU_QWIRE_COPY_META);
	REQUIRE(good);
	q_by_port = 1;
	for (int i = 0; i < 3; i++) {
		c = cl_bound(0, NFU_QWIRE_COPY_META);
		REQUIRE(c);
		send_udp(0, 10);
		CHECK_INT(nfu_queue_server_pending(srv), 1);
		cl_send(c, bad[i], badn[i]);
		while (cl_next(c, &m)) /* the PACKET sent before */
			;
		CHECK(c->eof);
		CHECK_INT(nfu_queue_server_pending(srv), 0);
		CHECK_INT(stats_of(0).handler_gone, (unsigned int)i + 1);
		cl_free(c);
		/* the other handler is unaffected */
		send_udp(1, 10);
		pump();
		struct nfu_qwire_packet p;
		REQUIRE(cl_packet(good, &p));
		CHECK_INT(cl_verdict(good, 1, p.id, NFU_ACCEPT, 0, 0, NULL, 0,
				     0),
			  -1);
		CHECK_INT(sc.nout, (unsigned int)i + 1);
	}
	/* a message cut in the middle waits for the rest */
	uint8_t b[64];
	size_t n = nfu_qwire_put_u16(b, sizeof(b), NFU_QWIRE_BIND, 77, 2);
	cl_send(good, b, 5);
	CHECK_INT(cl_ack(good, 77), -1);
	cl_send(good, b + 5, n - 5);
	CHECK_INT(cl_ack(good, 77), 0);
	CHECK(nfu_queue_server_bound(srv, 2));
	cl_free(good);
	down();
}

static void test_slow_handler(void)
{
	struct nfu_qwire_packet p;
	struct cl *slow, *fast;

	REQUIRE(up());
	slow = cl_bound(1, NFU_QWIRE_COPY_PACKET);
	fast = cl_bound(2, NFU_QWIRE_COPY_PACKET);
	REQUIRE(slow && fast);
	q_by_port = 1;
	for (int i = 0; i < 10; i++) {
		send_udp(1, 10);
		send_udp(2, 10);
		pump();
		REQUIRE(cl_packet(fast, &p));
		CHECK_INT(cl_verdict(fast, 2, p.id, NFU_ACCEPT, 0, 0, NULL, 0,
				     0),
			  -1);
	}
	CHECK_INT(sc.nout, 10);
	CHECK_INT(stats_of(1).queue_total, 10);
	CHECK_INT(stats_of(2).queue_total, 0);
	/* the slow one answers at last, in one batch */
	CHECK_INT(cl_verdict(slow, 1, 10, NFU_ACCEPT, NFU_QWIRE_V_BATCH, 0,
			     NULL, 0, 0),
		  -1);
	CHECK_INT(sc.nout, 20);
	cl_free(slow);
	cl_free(fast);
	down();
}

static void test_stats_and_text(void)
{
	struct nfu_queue_stats s[8];
	struct nfu_qwire_msg m;
	struct nfu_qwire_stats w;
	struct cl *c, *l;
	uint8_t b[64];
	char *text = NULL;
	size_t tlen = 0;
	FILE *f;
	unsigned int n;

	REQUIRE(up());
	c = cl_bound(3, NFU_QWIRE_COPY_PACKET);
	REQUIRE(c);
	CHECK_INT(cl_maxlen(c, 3, 1), 0);
	q_verdict = NFU_VERDICT_QUEUE(3, 0);
	send_udp(53, 10);
	send_udp(53, 10); /* full */
	q_verdict = NFU_VERDICT_QUEUE(700, 1);
	send_udp(53, 10);
	n = nfu_queue_server_stats(srv, s, 8);
	REQUIRE(n == 2);
	CHECK_INT(s[0].queue, 3);
	CHECK_INT(s[1].queue, 700);
	f = open_memstream(&text, &tlen);
	REQUIRE(f);
	nfu_queue_stats_print(f, s, n, 1);
	fclose(f);
	CHECK_STR(text,
		  "queue_number peer_portid queue_total copy_mode copy_range "
		  "queue_dropped queue_user_dropped id_sequence use "
		  "fail_open nohandler_dropped nohandler_bypassed "
		  "handler_gone timed_out v_drop v_accept v_stolen v_queue "
		  "v_repeat v_stop\n"
		  "    3      1     1 2 65531     1     0        1  1     0"
		  "     0     0     0     0     0     0     0     0     0"
		  "     0\n"
		  "  700      0     0 0     0     0     0        0  1     0"
		  "     0     1     0     0     0     0     0     0     0"
		  "     0\n");
	free(text);

	/* the same over the socket: STATS in queue order, then the ACK */
	l = cl_new();
	REQUIRE(l);
	CHECK_INT(cl_u16(l, NFU_QWIRE_HELLO, 1), 0);
	cl_send(l, b, nfu_qwire_put_empty(b, sizeof(b), NFU_QWIRE_STATS_REQ,
					  42));
	REQUIRE(cl_next(l, &m));
	CHECK_INT(m.type, NFU_QWIRE_STATS);
	CHECK_INT(m.seq, 42);
	REQUIRE(m.u.stats.count == 2);
	nfu_qwire_stats_rec(&m, 0, &w);
	CHECK_INT(w.queue, 3);
	CHECK_INT(w.bound, 1);
	CHECK_INT(w.peer, 1);
	CHECK_INT(w.copy_range, 65531);
	CHECK_INT(w.queue_dropped, 1);
	CHECK_INT(w.maxlen, 1);
	nfu_qwire_stats_rec(&m, 1, &w);
	CHECK_INT(w.queue, 700);
	CHECK_INT(w.nohandler_bypassed, 1);
	CHECK_INT(cl_ack(l, 42), 0);
	cl_free(l);
	cl_free(c);
	down();
}

static void test_many_stats(void)
{
	struct nfu_qwire_msg m;
	struct nfu_qwire_stats w;
	struct cl *l;
	uint8_t b[64];
	unsigned int got = 0, msgs = 0, last = 0;
	bool order = true;

	REQUIRE(up());
	/* 2000 queue numbers with a counter: more than one message holds */
	for (unsigned int q = 0; q < 2000; q++) {
		q_verdict = NFU_VERDICT_QUEUE(q, 0);
		send_udp(53, 10);
	}
	l = cl_new();
	REQUIRE(l);
	CHECK_INT(cl_u16(l, NFU_QWIRE_HELLO, 1), 0);
	cl_send(l, b, nfu_qwire_put_empty(b, sizeof(b), NFU_QWIRE_STATS_REQ,
					  9));
	pump();
	while (cl_next(l, &m) && m.type == NFU_QWIRE_STATS) {
		msgs++;
		for (uint32_t i = 0; i < m.u.stats.count; i++) {
			nfu_qwire_stats_rec(&m, i, &w);
			if (got && w.queue <= last)
				order = false;
			last = w.queue;
			got++;
		}
	}
	CHECK_INT(m.type, NFU_QWIRE_ACK);
	CHECK_INT(m.seq, 9);
	CHECK_INT(got, 2000);
	CHECK_INT(msgs, 3);
	CHECK(order);
	cl_free(l);
	down();
}

struct expired {
	unsigned int n;
	uint16_t q[8];
	uint32_t id[8];
	unsigned int v[8];
};

static void on_expire(void *arg, uint16_t queue, uint32_t id,
		      unsigned int verdict)
{
	struct expired *x = arg;

	if (x->n < 8) {
		x->q[x->n] = queue;
		x->id[x->n] = id;
		x->v[x->n] = verdict;
	}
	x->n++;
}

static void test_expire(void)
{
	struct expired x = { 0 };
	struct cl *c;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_META);
	REQUIRE(c);
	CHECK_INT(cl_u16(c, NFU_QWIRE_BIND, 1), 0);
	CHECK_INT(cl_params(c, 1, NFU_QWIRE_COPY_META, 0), 0);
	CHECK_INT(cl_flags(c, 1, NFU_QWIRE_CFG_F_FAIL_OPEN,
			   NFU_QWIRE_CFG_F_FAIL_OPEN),
		  0);
	q_by_port = 1;
	send_udp(0, 10);
	send_udp(1, 10);
	send_udp(0, 10);
	CHECK_INT(nfu_queue_server_expire(srv, on_expire, &x), 3);
	CHECK_INT(x.n, 3);
	CHECK_INT(x.q[0], 0);
	CHECK_INT(x.id[0], 1);
	CHECK_INT(x.v[0], NFU_DROP);
	CHECK_INT(x.q[1], 0);
	CHECK_INT(x.id[1], 2);
	CHECK_INT(x.q[2], 1);
	CHECK_INT(x.id[2], 1);
	CHECK_INT(x.v[2], NFU_ACCEPT);
	CHECK_INT(sc.nout, 1);
	CHECK_INT(nfu_queue_server_pending(srv), 0);
	CHECK_INT(stats_of(0).timed_out, 2);
	CHECK_INT(stats_of(1).timed_out, 1);
	/* a late verdict finds nothing */
	CHECK_INT(cl_verdict(c, 0, 1, NFU_ACCEPT, 0, 0, NULL, 0, 0), ENOENT);
	CHECK_INT(nfu_queue_server_expire(srv, NULL, NULL), 0);
	cl_free(c);
	down();
}

/* nfqnl_rcv_dev_event(): the packets waiting that came in, or were to
 * leave, by a device that goes down are dropped; others stay. */
static void test_dev_down(void)
{
	struct cl *c;
	uint64_t d;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_META);
	REQUIRE(c);
	for (int i = 0; i < 3; i++)
		send_udp(53, 10);
	CHECK_INT(nfu_queue_server_pending(srv), 3);
	d = drops_of(NFU_DROP_NETFILTER);
	/* a device they have nothing to do with */
	CHECK_INT(nfu_dev_set_up(sc.net, nfu_dev_by_name(sc.net, "lo")->ifindex, 0), 0);
	CHECK_INT(nfu_queue_server_pending(srv), 3);
	/* the one they leave by (FORWARD: e0 in, e1 out) */
	CHECK_INT(nfu_dev_set_up(sc.net, E1, 0), 0);
	CHECK_INT(nfu_queue_server_pending(srv), 0);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), d + 3);
	CHECK_INT(stats_of(0).queue_total, 0);
	CHECK_INT(stats_of(0).handler_gone, 0);
	/* a late verdict finds nothing */
	CHECK_INT(cl_verdict(c, 0, 1, NFU_ACCEPT, 0, 0, NULL, 0, 0), ENOENT);
	cl_free(c);
	down();
}

static void test_free_with_pending(void)
{
	struct cl *c;
	uint64_t d;

	REQUIRE(up());
	c = cl_bound(0, NFU_QWIRE_COPY_PACKET);
	REQUIRE(c);
	for (int i = 0; i < 5; i++)
		send_udp(53, 1000);
	CHECK_INT(nfu_queue_server_pending(srv), 5);
	d = drops_of(NFU_DROP_NETFILTER);
	nfu_queue_server_free(srv);
	srv = NULL;
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), d + 5);
	CHECK(access(path, F_OK) != 0); /* the socket file is gone */
	/* the handler sees the end */
	char buf[4096];
	ssize_t r;
	while ((r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	CHECK_INT(r, 0);
	cl_free(c);
	scene_down();
}

static void test_new_errors(void)
{
	struct nfu_queue_server *s2;
	char longp[200];
	int err = 0;

	REQUIRE(up());
	/* the stack has a queue handler already */
	s2 = nfu_queue_server_new(sc.net, path, &err);
	CHECK(!s2);
	CHECK_INT(err, -EBUSY);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = 0;
	down();
	/* someone listens on the path */
	REQUIRE(up());
	struct nfu_net *n2 = nfu_net_new();
	REQUIRE(n2);
	s2 = nfu_queue_server_new(n2, path, &err);
	CHECK(!s2);
	CHECK_INT(err, -EADDRINUSE);
	s2 = nfu_queue_server_new(n2, longp, &err);
	CHECK(!s2);
	CHECK_INT(err, -ENAMETOOLONG);
	down();
	/* a socket file left behind is replaced */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	CHECK_INT(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	s2 = nfu_queue_server_new(n2, path, &err);
	CHECK(s2 != NULL);
	nfu_queue_server_free(s2);
	nfu_net_free(n2);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nfu-queue-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/q.sock", dir);
	RUN(test_packet_message_and_accept);
	RUN(test_verdicts);
	RUN(test_replaced_packet);
	RUN(test_reroute_local_out);
	RUN(test_batch);
	RUN(test_full_queue);
	RUN(test_unreachable_handler);
	RUN(test_no_handler);
	RUN(test_copy_modes_and_ids);
	RUN(test_bind_errors);
	RUN(test_hello_rules);
	RUN(test_handler_gone);
	RUN(test_garbage);
	RUN(test_slow_handler);
	RUN(test_stats_and_text);
	RUN(test_many_stats);
	RUN(test_expire);
	RUN(test_dev_down);
	RUN(test_free_with_pending);
	RUN(test_new_errors);
	if (srv)
		down();
	unlink(path);
	rmdir(dir);
	return harness_done();
}
