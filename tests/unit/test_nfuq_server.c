/* SPDX-License-Identifier: MIT */
/*
 * test_nfuq_server.c - libnfu-queue against the real queue server
 * (lib/queue/server.c) on the forwarding scene of ipv4_scene.h.
 *
 * The stack and its server run on the main thread, which feeds packets
 * and calls nfu_queue_server_process(); the handler runs on a second
 * thread with libnfu-queue, as a handler process would (it shares nothing
 * with the stack but the socket).  Every packet forwarded from A to B
 * is queued to queue 0 at FORWARD; the handler's verdict depends on the
 * UDP payload's first word.
 *
 * With an argument, the path of examples/queue/handler, the example is
 * run as a process ("handler -q 0 evil") on the same scene too.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <libnfu_queue/libnfu_queue.h>

#include "ipv4_scene.h"
#include "nfu/queue.h"

static struct nfu_queue_server *srv;
static char dir[64], path[90];
static unsigned int after_calls;
static uint32_t after_mark;

static unsigned int queue_fn(void *priv, struct nfu_pkt *pkt,
			     const struct nfu_hook_state *st)
{
	(void)priv;
	(void)pkt;
	(void)st;
	return NFU_VERDICT_QUEUE(0, 0);
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

static struct nfu_hook_ops q_ops, a_ops;

static bool up(void)
{
	int err = 0;

	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	q_ops = (struct nfu_hook_ops){ .hook = queue_fn,
				       .pf = NFU_PROTO_IPV4,
				       .hooknum = NFU_INET_FORWARD,
				       .priority = NFU_IP_PRI_FILTER };
	a_ops = (struct nfu_hook_ops){ .hook = after_fn,
				       .pf = NFU_PROTO_IPV4,
				       .hooknum = NFU_INET_FORWARD,
				       .priority = 100 };
	if (nfu_hook_register(sc.net, &q_ops) ||
	    nfu_hook_register(sc.net, &a_ops))
		return false;
	after_calls = 0;
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

/* Run the server until 'done' says so; false (a failure) if it never
 * does within many rounds: a guard against a hang, not a timing. */
static bool serve_until(bool (*done)(void))
{
	for (int i = 0; i < 20000; i++) {
		if (done())
			return true;
		nfu_queue_server_process(srv, 10);
	}
	return done();
}

/* The UDP datagram A -> 192.168.1.1 (forwarded to B) carrying 'text',
 * without a checksum. */
static size_t send_text(const char *text)
{
	static uint8_t b[2048];
	size_t len = strlen(text);
	size_t n = build_udp(b, IP_A, A4(192, 168, 1, 1), 1000, 53, len);

	memcpy(b + 28, text, len);
	wr16(b + 26, 0);
	if (scene_rx(E0, b, n) != 0)
		HARNESS_FAIL("nfu_rx failed");
	return n;
}

static const uint8_t *udp_text(unsigned int frame)
{
	return out_ip(frame) + 28;
}

/* ---- the handler thread ---- */

static atomic_int h_ready, h_stop, h_failed;
static atomic_uint h_seen;

static int h_cb(struct nfuq_q_handle *qh, struct nfgenmsg *nfmsg,
		struct nfuq_data *nfad, void *data)
{
	uint32_t id = ntohl(nfuq_get_msg_packet_hdr(nfad)->packet_id);
	unsigned char *p, copy[2048];
	int len = nfuq_get_payload(nfad, &p);

	(void)data;
	atomic_fetch_add(&h_seen, 1);
	if (nfmsg->res_id != htons(0) || len < 28 ||
	    nfuq_get_indev(nfad) != E0 || nfuq_get_outdev(nfad) != E1 ||
	    nfuq_get_msg_packet_hdr(nfad)->hook != NFU_INET_FORWARD) {
		atomic_store(&h_failed, 1);
		return nfuq_set_verdict(qh, id, NF_DROP, 0, NULL);
	}
	if (!memcmp(p + 28, "evil", 4))
		return nfuq_set_verdict(qh, id, NF_DROP, 0, NULL);
	if (!memcmp(p + 28, "mark", 4))
		return nfuq_set_verdict2(qh, id, NF_ACCEPT, 0x42, 0, NULL);
	if (!memcmp(p + 28, "swap", 4) && len <= (int)sizeof(copy)) {
		memcpy(copy, p, (size_t)len);
		memcpy(copy + 28, "SWAP", 4);
		return nfuq_set_verdict(qh, id, NF_ACCEPT, (uint32_t)len, copy);
	}
	if (!memcmp(p + 28, "wait", 4))
		return 0; /* the next "last" accepts it */
	if (!memcmp(p + 28, "last", 4))
		return nfuq_set_verdict_batch(qh, id, NF_ACCEPT);
	return nfuq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
}

static void *h_run(void *arg)
{
	static char buf[65536];
	struct nfuq_handle *h;
	struct nfuq_q_handle *qh;

	(void)arg;
	h = nfuq_open_path(path);
	if (!h)
		goto fail;
	qh = nfuq_create_queue(h, 0, h_cb, NULL);
	if (!qh || nfuq_set_mode(qh, NFUQNL_COPY_PACKET, 0xffff) < 0 ||
	    nfuq_set_queue_maxlen(qh, 64) < 0 ||
	    nfuq_set_queue_flags(qh, NFUQA_CFG_F_FAIL_OPEN, 0) < 0) {
		nfuq_close(h);
		goto fail;
	}
	atomic_store(&h_ready, 1);
	while (!atomic_load(&h_stop)) {
		struct pollfd pfd = { .fd = nfuq_fd(h), .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 10) <= 0)
			continue;
		n = recv(nfuq_fd(h), buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		if (nfuq_handle_packet(h, buf, (int)n) < 0)
			atomic_store(&h_failed, 1);
	}
	nfuq_close(h);
	return NULL;
fail:
	atomic_store(&h_failed, 1);
	atomic_store(&h_ready, -1);
	return NULL;
}

static bool h_is_ready(void)
{
	return atomic_load(&h_ready) != 0;
}

static unsigned int expect_out, expect_drops;

static bool outcome_done(void)
{
	return nfu_queue_server_pending(srv) == 0 && sc.nout >= expect_out &&
	       drops_of(NFU_DROP_NETFILTER) >= expect_drops;
}

static void test_thread_handler(void)
{
	pthread_t t;
	struct nfu_queue_stats st[4];

	REQUIRE(up());
	atomic_store(&h_ready, 0);
	atomic_store(&h_stop, 0);
	pthread_create(&t, NULL, h_run, NULL);
	CHECK(serve_until(h_is_ready));
	CHECK_INT(atomic_load(&h_ready), 1);
	CHECK(nfu_queue_server_bound(srv, 0));
	REQUIRE(nfu_queue_server_stats(srv, st, 4) >= 1);
	CHECK_INT(st[0].copy_mode, NFUQNL_COPY_PACKET);
	CHECK_INT(st[0].maxlen, 64);

	send_text("hello");
	send_text("evil bytes");
	send_text("mark me");
	send_text("swap this");
	send_text("wait for it");
	send_text("wait more");
	send_text("last one");
	expect_out = 6;
	expect_drops = 1;
	CHECK(serve_until(outcome_done));
	CHECK_INT(atomic_load(&h_seen), 7);
	CHECK_INT(sc.nout, 6);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 1);
	CHECK_INT(after_calls, 6);
	if (sc.nout == 6) {
		CHECK_MEM(udp_text(0), "hello", 5);
		CHECK_MEM(udp_text(1), "mark me", 7);
		/* The handler's bytes, as given. */
		CHECK_MEM(udp_text(2), "SWAP this", 9);
		/* The batch: ids up to the last one's, in id order. */
		CHECK_MEM(udp_text(3), "wait for it", 11);
		CHECK_MEM(udp_text(4), "wait more", 9);
		CHECK_MEM(udp_text(5), "last one", 8);
	}
	REQUIRE(nfu_queue_server_stats(srv, st, 4) >= 1);
	/* Counted by packet: the batch is three. */
	CHECK_INT(st[0].verdicts[NF_ACCEPT], 6);
	CHECK_INT(st[0].verdicts[NF_DROP], 1);
	CHECK_INT(st[0].id_sequence, 7);
	CHECK_INT(atomic_load(&h_failed), 0);

	/* Many packets with batched verdicts of whole buffers. */
	scene_clear();
	for (int i = 0; i < 40; i++)
		send_text("hello again");
	expect_out = 40;
	expect_drops = 1;
	CHECK(serve_until(outcome_done));
	CHECK_INT(sc.nout, 40);

	atomic_store(&h_stop, 1);
	pthread_join(t, NULL);
	/* Its close is seen: the queue is unbound. */
	for (int i = 0; i < 100 && nfu_queue_server_bound(srv, 0); i++)
		nfu_queue_server_process(srv, 10);
	CHECK(!nfu_queue_server_bound(srv, 0));
	down();
}

/* ---- the example, as a process ---- */

static pid_t ex_pid;

static bool ex_bound(void)
{
	struct nfu_queue_stats st[4];

	return nfu_queue_server_stats(srv, st, 4) >= 1 && st[0].bound &&
	       st[0].copy_mode == NFUQNL_COPY_PACKET;
}

static void test_example(const char *handler)
{
	char errpath[128], log[4096];
	int status = -1, fd;
	ssize_t n;

	REQUIRE(up());
	snprintf(errpath, sizeof(errpath), "%s/handler.err", dir);
	ex_pid = fork();
	REQUIRE(ex_pid >= 0);
	if (ex_pid == 0) {
		fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		setenv("NFU_QUEUE_SOCKET", path, 1);
		execl(handler, handler, "-q", "0", "evil", (char *)NULL);
		_exit(127);
	}
	CHECK(serve_until(ex_bound));
	send_text("hello");
	send_text("an evil thing");
	send_text("not evi");
	expect_out = 2;
	expect_drops = 1;
	CHECK(serve_until(outcome_done));
	CHECK_INT(sc.nout, 2);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 1);
	if (sc.nout == 2) {
		CHECK_MEM(udp_text(0), "hello", 5);
		CHECK_MEM(udp_text(1), "not evi", 7);
	}
	/* The stack goes away: the handler sees the end and exits 0. */
	down();
	if (waitpid(ex_pid, &status, 0) != ex_pid)
		status = -1;
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
	fd = open(errpath, O_RDONLY);
	n = fd >= 0 ? read(fd, log, sizeof(log) - 1) : -1;
	if (fd >= 0)
		close(fd);
	log[n > 0 ? n : 0] = 0;
	CHECK_STR(log, "id 1 queue 0 len 33 ACCEPT\n"
		       "id 2 queue 0 len 41 DROP\n"
		       "id 3 queue 0 len 35 ACCEPT\n");
	unlink(errpath);
}

static const char *handler_path;

static void test_example_handler(void)
{
	test_example(handler_path);
}

int main(int argc, char **argv)
{
	int rc;

	signal(SIGPIPE, SIG_IGN);
	strcpy(dir, "/tmp/test_nfuq_server.XXXXXX");
	if (!mkdtemp(dir))
		SKIP("mkdtemp");
	snprintf(path, sizeof(path), "%s/q.sock", dir);
	RUN(test_thread_handler);
	if (argc > 1) {
		handler_path = argv[1];
		RUN(test_example_handler);
	}
	rc = harness_done();
	rmdir(dir);
	return rc;
}
