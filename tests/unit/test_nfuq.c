/* SPDX-License-Identifier: MIT */
/*
 * test_nfuq.c - libnfu-queue against a fake queue server.
 *
 * The fake is a thread on a listening Unix socket in a mkdtemp()
 * directory: it answers HELLO and the configuration requests with an ACK
 * (the errno the test chose for that type), may send bytes (packets)
 * before a chosen request's ACK, and logs every message it receives,
 * decoded with wire.c.  Packets are given to nfuq_handle_packet() by the
 * test itself, as a handler gives what it recv()s, so that every way of
 * cutting the stream can be tried.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <libnfu_queue/libnfu_queue.h>

#include "harness.h"
#include "queue/wire.h"

#define LOG_MAX 1024
#define LOG_DATA 2048

struct logged {
	struct nfu_qwire_msg m;
	uint8_t data[LOG_DATA]; /* a verdict's new packet */
	uint32_t data_len;
};

struct fake {
	char dir[64], path[128];
	int lfd, cfd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Set by the test, under 'lock'. */
	uint32_t err[32];          /* ACK errno by request type */
	uint8_t pre[8192];         /* sent before the ACK of 'pre_type' */
	size_t pre_len;
	uint16_t pre_type;
	bool pause_req;
	/* Set by the thread. */
	bool paused, eof;
	struct logged log[LOG_MAX];
	unsigned int nlog;
};

static void *fake_run(void *arg)
{
	struct fake *f = arg;
	static uint8_t buf[4 * NFU_QWIRE_MAX_MSG];
	size_t len = 0;

	f->cfd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (f->cfd < 0)
		return NULL;
	for (;;) {
		struct pollfd pfd = { .fd = f->cfd, .events = POLLIN };
		ssize_t n;
		long m;

		pthread_mutex_lock(&f->lock);
		f->paused = f->pause_req;
		pthread_cond_broadcast(&f->cond);
		while (f->pause_req)
			pthread_cond_wait(&f->cond, &f->lock);
		f->paused = false;
		pthread_mutex_unlock(&f->lock);
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = recv(f->cfd, buf + len, sizeof(buf) - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		while ((m = nfu_qwire_next(buf, len)) > 0) {
			struct logged *l;
			uint8_t ack[64];
			uint32_t err;
			size_t alen;

			pthread_mutex_lock(&f->lock);
			l = &f->log[f->nlog < LOG_MAX ? f->nlog : LOG_MAX - 1];
			if (nfu_qwire_decode(buf, (size_t)m, &l->m) < 0)
				l->m.type = 0;
			l->data_len = 0;
			if (l->m.type == NFU_QWIRE_VERDICT &&
			    l->m.u.verdict.data_len <= LOG_DATA) {
				l->data_len = l->m.u.verdict.data_len;
				if (l->data_len) /* data is NULL without payload */
					memcpy(l->data, l->m.u.verdict.data,
					       l->data_len);
			}
			l->m.u.verdict.data = NULL;
			if (f->nlog < LOG_MAX)
				f->nlog++;
			err = l->m.type < 32 ? f->err[l->m.type] : 0;
			if (l->m.type && l->m.type != NFU_QWIRE_VERDICT) {
				if (f->pre_len && l->m.type == f->pre_type) {
					send(f->cfd, f->pre, f->pre_len,
					     MSG_NOSIGNAL);
					f->pre_len = 0;
				}
				alen = nfu_qwire_put_ack(ack, sizeof(ack),
							 l->m.seq, err);
				send(f->cfd, ack, alen, MSG_NOSIGNAL);
			}
			pthread_cond_broadcast(&f->cond);
			pthread_mutex_unlock(&f->lock);
			memmove(buf, buf + m, len - (size_t)m);
			len -= (size_t)m;
		}
		if (m < 0)
			break;
	}
	pthread_mutex_lock(&f->lock);
	f->eof = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

static struct fake *fake_start(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (!f)
		abort();
	strcpy(f->dir, "/tmp/test_nfuq.XXXXXX");
	if (!mkdtemp(f->dir))
		abort();
	snprintf(f->path, sizeof(f->path), "%s/queue.sock", f->dir);
	strcpy(sun.sun_path, f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(f->lfd, 4))
		abort();
	f->cfd = -1;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	pthread_create(&f->thread, NULL, fake_run, f);
	return f;
}

/* Call after the handler closed (or to give up on it). */
static void fake_stop(struct fake *f)
{
	/* A thread still in accept() is woken by a connection. */
	if (f->cfd < 0) {
		struct nfuq_handle *h = nfuq_open_path(f->path);

		if (h)
			nfuq_close(h);
		else {
			int fd = socket(AF_UNIX, SOCK_STREAM, 0);
			struct sockaddr_un sun = { .sun_family = AF_UNIX };

			strcpy(sun.sun_path, f->path);
			connect(fd, (struct sockaddr *)&sun, sizeof(sun));
			close(fd);
		}
	}
	pthread_join(f->thread, NULL);
	if (f->cfd >= 0)
		close(f->cfd);
	close(f->lfd);
	unlink(f->path);
	rmdir(f->dir);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	free(f);
}

/* Wait until the fake has logged 'n' messages (or the connection ended).
 * Returns how many it has. */
static unsigned int fake_wait(struct fake *f, unsigned int n)
{
	unsigned int got;

	pthread_mutex_lock(&f->lock);
	while (f->nlog < n && !f->eof)
		pthread_cond_wait(&f->cond, &f->lock);
	got = f->nlog;
	pthread_mutex_unlock(&f->lock);
	return got;
}

static void fake_pause(struct fake *f, bool on)
{
	pthread_mutex_lock(&f->lock);
	f->pause_req = on;
	pthread_cond_broadcast(&f->cond);
	while (on && !f->paused && !f->eof)
		pthread_cond_wait(&f->cond, &f->lock);
	pthread_mutex_unlock(&f->lock);
}

static void fake_set_err(struct fake *f, uint16_t type, uint32_t err)
{
	pthread_mutex_lock(&f->lock);
	f->err[type] = err;
	pthread_mutex_unlock(&f->lock);
}

static void fake_set_pre(struct fake *f, uint16_t type, const void *b,
			 size_t len)
{
	pthread_mutex_lock(&f->lock);
	memcpy(f->pre, b, len);
	f->pre_len = len;
	f->pre_type = type;
	pthread_mutex_unlock(&f->lock);
}

/* ---- packets ---------------------------------------------------------- */

struct pktspec {
	uint16_t queue;
	uint32_t id, mark, indev, outdev, pkt_len;
	uint64_t ts_sec;
	uint32_t ts_usec;
	uint8_t hook;
	const uint8_t *data;
	uint32_t data_len;
};

static size_t put_pkt(uint8_t *buf, size_t cap, const struct pktspec *s)
{
	struct nfu_qwire_packet p = {
		.queue = s->queue,
		.hw_protocol = 0x0800,
		.hook = s->hook,
		.id = s->id,
		.mark = s->mark,
		.indev = s->indev,
		.outdev = s->outdev,
		.ts_sec = s->ts_sec,
		.ts_usec = s->ts_usec,
		.pkt_len = s->pkt_len ? s->pkt_len : s->data_len,
		.data = s->data,
		.data_len = s->data_len,
	};
	size_t n = nfu_qwire_put_packet(buf, cap, &p);

	if (!n)
		abort();
	return n;
}

/* What callbacks saw. */
#define SEEN_MAX 256
struct seen {
	uint32_t id;
	uint16_t queue, hw_protocol;
	uint8_t hook, family, version;
	uint16_t res_id;
	uint32_t mark, indev, outdev, physin, physout;
	int ts_ret;
	struct timeval tv;
	int plen;
	bool pnull;
	uint8_t payload[2048];
};

struct cbstate {
	struct seen seen[SEEN_MAX];
	unsigned int n;
	int ret;                /* what the callback returns */
	int verdict;            /* -1: none; else nfuq_set_verdict() */
	int verdict_ret[SEEN_MAX];
	int peek_fd;            /* >= 0: check nothing was sent yet */
	int peeked;             /* bytes found there */
	struct nfuq_q_handle *nested_qh; /* config call from packet id 1 */
	int nested_ret, nested_errno;
};

static int cb(struct nfuq_q_handle *qh, struct nfgenmsg *nfmsg,
	      struct nfuq_data *nfad, void *data)
{
	struct cbstate *st = data;
	struct nfuqnl_msg_packet_hdr *ph = nfuq_get_msg_packet_hdr(nfad);
	/* The slot is taken first: callbacks may nest (see below). */
	unsigned int idx = st->n < SEEN_MAX ? st->n++ : SEEN_MAX - 1;
	struct seen *s = &st->seen[idx];
	unsigned char *p;

	memset(s, 0, sizeof(*s));
	s->id = ntohl(ph->packet_id);
	s->hw_protocol = ntohs(ph->hw_protocol);
	s->hook = ph->hook;
	s->queue = nfuq_queue_num(qh);
	s->family = nfmsg->nfgen_family;
	s->version = nfmsg->version;
	s->res_id = nfmsg->res_id;
	s->mark = nfuq_get_nfmark(nfad);
	s->indev = nfuq_get_indev(nfad);
	s->outdev = nfuq_get_outdev(nfad);
	s->physin = nfuq_get_physindev(nfad);
	s->physout = nfuq_get_physoutdev(nfad);
	s->ts_ret = nfuq_get_timestamp(nfad, &s->tv);
	if (st->nested_qh && s->id == 1) {
		st->nested_ret = nfuq_set_queue_maxlen(st->nested_qh, 77);
		st->nested_errno = errno;
	}
	/* After a nested call: the packet's bytes must still be there. */
	s->plen = nfuq_get_payload(nfad, &p);
	s->pnull = p == NULL;
	if (s->plen > 0 && s->plen <= (int)sizeof(s->payload))
		memcpy(s->payload, p, (size_t)s->plen);
	if (st->peek_fd >= 0) {
		int avail = 0;

		ioctl(st->peek_fd, FIONREAD, &avail);
		st->peeked += avail;
	}
	if (st->verdict >= 0)
		st->verdict_ret[idx] = nfuq_set_verdict(qh, s->id,
							(uint32_t)st->verdict,
							0, NULL);
	return st->ret;
}

static void cbstate_init(struct cbstate *st)
{
	memset(st, 0, sizeof(*st));
	st->verdict = -1;
	st->peek_fd = -1;
}

/* An opened handle with queue 'num' bound to cb(st). */
static struct nfuq_handle *open_with_queue(struct fake *f, uint16_t num,
					   struct cbstate *st,
					   struct nfuq_q_handle **qh)
{
	struct nfuq_handle *h = nfuq_open_path(f->path);

	if (!h)
		return NULL;
	*qh = nfuq_create_queue(h, num, cb, st);
	if (!*qh) {
		nfuq_close(h);
		return NULL;
	}
	return h;
}

/* ---- tests ------------------------------------------------------------ */

static void test_open(void)
{
	struct fake *f = fake_start();
	struct nfuq_handle *h;

	setenv("NFU_QUEUE_SOCKET", f->path, 1);
	h = nfuq_open();
	unsetenv("NFU_QUEUE_SOCKET");
	REQUIRE(h != NULL);
	CHECK(nfuq_fd(h) >= 0);
	CHECK_INT(fake_wait(f, 1), 1);
	CHECK_INT(f->log[0].m.type, NFU_QWIRE_HELLO);
	CHECK_INT(f->log[0].m.u.version, NFU_QWIRE_VERSION);
	CHECK_INT(nfuq_bind_pf(h, AF_INET), 0);
	CHECK_INT(nfuq_unbind_pf(h, AF_INET), 0);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);

	/* Nothing listening there. */
	errno = 0;
	CHECK(nfuq_open_path("/nonexistent/nfu-queue.sock") == NULL);
	CHECK_INT(errno, ENOENT);
	setenv("NFU_QUEUE_SOCKET", "/nonexistent/other.sock", 1);
	errno = 0;
	CHECK(nfuq_open() == NULL);
	CHECK_INT(errno, ENOENT);
	unsetenv("NFU_QUEUE_SOCKET");

	/* The server refuses the version. */
	f = fake_start();
	fake_set_err(f, NFU_QWIRE_HELLO, EPROTONOSUPPORT);
	errno = 0;
	CHECK(nfuq_open_path(f->path) == NULL);
	CHECK_INT(errno, EPROTONOSUPPORT);
	fake_stop(f);
}

static void test_create_queue(void)
{
	struct fake *f = fake_start();
	struct nfuq_handle *h = nfuq_open_path(f->path);
	struct nfuq_q_handle *qh, *qh2;
	struct cbstate st;

	REQUIRE(h != NULL);
	cbstate_init(&st);
	qh = nfuq_create_queue(h, 7, cb, &st);
	REQUIRE(qh != NULL);
	CHECK_INT(nfuq_queue_num(qh), 7);
	CHECK_INT(fake_wait(f, 2), 2);
	CHECK_INT(f->log[1].m.type, NFU_QWIRE_BIND);
	CHECK_INT(f->log[1].m.u.queue, 7);
	CHECK(f->log[1].m.seq != f->log[0].m.seq);

	/* This handle has queue 7 already: refused without asking. */
	errno = 0;
	CHECK(nfuq_create_queue(h, 7, cb, &st) == NULL);
	CHECK_INT(errno, EBUSY);

	/* The server refuses (another handler has it). */
	fake_set_err(f, NFU_QWIRE_BIND, EBUSY);
	errno = 0;
	CHECK(nfuq_create_queue(h, 8, cb, &st) == NULL);
	CHECK_INT(errno, EBUSY);
	CHECK_INT(fake_wait(f, 3), 3);
	CHECK_INT(f->log[2].m.u.queue, 8);
	fake_set_err(f, NFU_QWIRE_BIND, 0);
	/* The refused number is not kept: it can be asked again. */
	qh2 = nfuq_create_queue(h, 8, cb, &st);
	CHECK(qh2 != NULL);

	/* destroy sends UNBIND; a refused one keeps the handle. */
	fake_set_err(f, NFU_QWIRE_UNBIND, ENOENT);
	errno = 0;
	CHECK_INT(nfuq_destroy_queue(qh), -1);
	CHECK_INT(errno, ENOENT);
	fake_set_err(f, NFU_QWIRE_UNBIND, 0);
	CHECK_INT(nfuq_destroy_queue(qh), 0);
	CHECK_INT(fake_wait(f, 6), 6);
	CHECK_INT(f->log[5].m.type, NFU_QWIRE_UNBIND);
	CHECK_INT(f->log[5].m.u.queue, 7);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

static void test_config_fields(void)
{
	struct fake *f = fake_start();
	struct nfuq_q_handle *qh;
	struct cbstate st;
	struct nfuq_handle *h;

	cbstate_init(&st);
	h = open_with_queue(f, 300, &st, &qh);
	REQUIRE(h != NULL);
	CHECK_INT(nfuq_set_mode(qh, NFUQNL_COPY_PACKET, 0xffff), 0);
	CHECK_INT(nfuq_set_queue_maxlen(qh, 4096), 0);
	CHECK_INT(nfuq_set_queue_flags(qh, NFUQA_CFG_F_FAIL_OPEN,
				       NFUQA_CFG_F_FAIL_OPEN),
		  0);
	REQUIRE(fake_wait(f, 5) == 5);
	CHECK_INT(f->log[2].m.type, NFU_QWIRE_PARAMS);
	CHECK_INT(f->log[2].m.u.params.queue, 300);
	CHECK_INT(f->log[2].m.u.params.mode, NFUQNL_COPY_PACKET);
	CHECK_INT(f->log[2].m.u.params.range, 0xffff);
	CHECK_INT(f->log[3].m.type, NFU_QWIRE_MAXLEN);
	CHECK_INT(f->log[3].m.u.maxlen.queue, 300);
	CHECK_INT(f->log[3].m.u.maxlen.maxlen, 4096);
	CHECK_INT(f->log[4].m.type, NFU_QWIRE_FLAGS);
	CHECK_INT(f->log[4].m.u.cfgflags.queue, 300);
	CHECK_INT(f->log[4].m.u.cfgflags.mask, 1);
	CHECK_INT(f->log[4].m.u.cfgflags.flags, 1);
	/* Each request has its own seq. */
	for (unsigned int i = 1; i < 5; i++)
		CHECK(f->log[i].m.seq != f->log[i - 1].m.seq);

	/* An error ACK: -1 and its errno, as nfnl_query(). */
	fake_set_err(f, NFU_QWIRE_FLAGS, EOPNOTSUPP);
	errno = 0;
	CHECK_INT(nfuq_set_queue_flags(qh, 0x80, 0x80), -1);
	CHECK_INT(errno, EOPNOTSUPP);
	fake_set_err(f, NFU_QWIRE_PARAMS, EINVAL);
	errno = 0;
	CHECK_INT(nfuq_set_mode(qh, 9, 0), -1);
	CHECK_INT(errno, EINVAL);
	/* An absurd errno from the server still reads as an error. */
	fake_set_err(f, NFU_QWIRE_MAXLEN, 0xffffffffu);
	errno = 0;
	CHECK_INT(nfuq_set_queue_maxlen(qh, 1), -1);
	CHECK_INT(errno, EPROTO);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

static uint8_t pay[3][1500];

/* Three packets of queue 'q' (ids 1, 2, 3) in 'buf'. */
static size_t three_packets(uint8_t *buf, size_t cap, uint16_t q)
{
	static const uint32_t lens[3] = { 20, 1500, 1 };
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		struct pktspec s = { .queue = q, .id = (uint32_t)i + 1,
				     .hook = 1, .data = pay[i],
				     .data_len = lens[i],
				     .pkt_len = lens[i] + 10 };

		for (uint32_t j = 0; j < lens[i]; j++)
			pay[i][j] = (uint8_t)(j * 7 + (uint32_t)i);
		n += put_pkt(buf + n, cap - n, &s);
	}
	return n;
}

static bool three_seen(const struct cbstate *st, unsigned int from)
{
	static const int lens[3] = { 20, 1500, 1 };

	if (st->n != from + 3)
		return false;
	for (unsigned int i = 0; i < 3; i++) {
		const struct seen *s = &st->seen[from + i];

		if (s->id != i + 1 || s->plen != lens[i] ||
		    memcmp(s->payload, pay[i], (size_t)lens[i]))
			return false;
	}
	return true;
}

static void test_split(void)
{
	struct fake *f = fake_start();
	static uint8_t buf[8192];
	static struct cbstate st;
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;
	size_t len;
	int bad = 0;

	cbstate_init(&st);
	h = open_with_queue(f, 0, &st, &qh);
	REQUIRE(h != NULL);
	len = three_packets(buf, sizeof(buf), 0);

	/* Whole. */
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)len), 0);
	CHECK(three_seen(&st, 0));

	/* Cut in two at every byte. */
	for (size_t cut = 0; cut <= len; cut++) {
		st.n = 0;
		if (nfuq_handle_packet(h, (char *)buf, (int)cut) ||
		    nfuq_handle_packet(h, (char *)buf + cut, (int)(len - cut)) ||
		    !three_seen(&st, 0))
			bad++;
	}
	CHECK_INT(bad, 0);

	/* In three pieces, and one byte at a time. */
	for (size_t a = 0; a <= len; a += 13)
		for (size_t b = a; b <= len; b += 97) {
			st.n = 0;
			if (nfuq_handle_packet(h, (char *)buf, (int)a) ||
			    nfuq_handle_packet(h, (char *)buf + a,
					       (int)(b - a)) ||
			    nfuq_handle_packet(h, (char *)buf + b,
					       (int)(len - b)) ||
			    !three_seen(&st, 0))
				bad++;
		}
	CHECK_INT(bad, 0);
	st.n = 0;
	for (size_t i = 0; i < len; i++)
		if (nfuq_handle_packet(h, (char *)buf + i, 1))
			bad++;
	CHECK_INT(bad, 0);
	CHECK(three_seen(&st, 0));

	/* Many packets in one buffer. */
	st.n = 0;
	{
		static uint8_t many[64 * 1024];
		size_t m = 0;

		for (uint32_t i = 1; i <= 200; i++) {
			struct pktspec s = { .queue = 0, .id = i,
					     .data = pay[0], .data_len = 20 };

			m += put_pkt(many + m, sizeof(many) - m, &s);
		}
		CHECK_INT(nfuq_handle_packet(h, (char *)many, (int)m), 0);
		CHECK_INT(st.n, 200);
		CHECK_INT(st.seen[199].id, 200);
	}
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

static void test_getters(void)
{
	struct fake *f = fake_start();
	static struct cbstate st;
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;
	uint8_t buf[512], data[40];
	struct pktspec s = {
		.queue = 513, .id = 0x01020304, .mark = 0xdeadbeef,
		.indev = 3, .outdev = 4, .hook = 2,
		.ts_sec = 1700000000, .ts_usec = 123456,
		.data = data, .data_len = sizeof(data), .pkt_len = 1400,
	};
	size_t n;

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xa0 + i);
	cbstate_init(&st);
	h = open_with_queue(f, 513, &st, &qh);
	REQUIRE(h != NULL);
	n = put_pkt(buf, sizeof(buf), &s);
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), 0);
	REQUIRE(st.n == 1);
	CHECK_INT(st.seen[0].id, 0x01020304);
	CHECK_INT(st.seen[0].hw_protocol, 0x0800);
	CHECK_INT(st.seen[0].hook, 2);
	CHECK_INT(st.seen[0].queue, 513);
	/* Linux's nfgenmsg of an NFQNL_MSG_PACKET. */
	CHECK_INT(st.seen[0].family, AF_INET);
	CHECK_INT(st.seen[0].version, NFNETLINK_V0);
	CHECK_INT(st.seen[0].res_id, htons(513));
	CHECK_INT(st.seen[0].mark, 0xdeadbeef);
	CHECK_INT(st.seen[0].indev, 3);
	CHECK_INT(st.seen[0].outdev, 4);
	CHECK_INT(st.seen[0].physin, 0);
	CHECK_INT(st.seen[0].physout, 0);
	CHECK_INT(st.seen[0].ts_ret, 0);
	CHECK_INT(st.seen[0].tv.tv_sec, 1700000000);
	CHECK_INT(st.seen[0].tv.tv_usec, 123456);
	CHECK_INT(st.seen[0].plen, sizeof(data));
	CHECK_MEM(st.seen[0].payload, data, sizeof(data));

	/* COPY_NONE/META: no bytes, -1 as Linux without NFQA_PAYLOAD; no
	 * time: -1 as without NFQA_TIMESTAMP. */
	s.data_len = 0;
	s.ts_sec = 0;
	s.ts_usec = 0;
	s.id = 2;
	n = put_pkt(buf, sizeof(buf), &s);
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), 0);
	REQUIRE(st.n == 2);
	CHECK_INT(st.seen[1].plen, -1);
	CHECK(st.seen[1].pnull);
	CHECK_INT(st.seen[1].ts_ret, -1);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

static void test_verdicts(void)
{
	struct fake *f = fake_start();
	static struct cbstate st;
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;
	const unsigned char newpkt[] = "a new packet";
	struct logged *l;

	cbstate_init(&st);
	h = open_with_queue(f, 5, &st, &qh);
	REQUIRE(h != NULL);
	/* Outside nfuq_handle_packet(): written at once; the return value
	 * is the message's length, as sendmsg()'s. */
	CHECK_INT(nfuq_set_verdict(qh, 11, NF_ACCEPT, 0, NULL),
		  NFU_QWIRE_HDR_LEN + NFU_QWIRE_VERDICT_LEN);
	CHECK_INT(nfuq_set_verdict2(qh, 12, NF_REPEAT, 0x55, 0, NULL), 28);
	CHECK_INT(nfuq_set_verdict2(qh, 13, NF_ACCEPT, 7, sizeof(newpkt),
				    newpkt),
		  28 + (int)sizeof(newpkt));
	CHECK_INT(nfuq_set_verdict(qh, 14, NF_STOP, sizeof(newpkt), newpkt),
		  28 + (int)sizeof(newpkt));
	CHECK_INT(nfuq_set_verdict_batch(qh, 20, NF_DROP), 28);
	CHECK_INT(nfuq_set_verdict_batch2(qh, 30, NF_ACCEPT, 0x99), 28);
	errno = 0;
	CHECK_INT(nfuq_set_verdict(qh, 15, NF_ACCEPT, 4, NULL), -1);
	CHECK_INT(errno, EINVAL);
	errno = 0;
	CHECK_INT(nfuq_set_verdict(qh, 15, NF_ACCEPT, 70000, newpkt), -1);
	CHECK_INT(errno, EMSGSIZE);
	REQUIRE(fake_wait(f, 8) == 8);
	l = &f->log[2];
	CHECK_INT(l[0].m.type, NFU_QWIRE_VERDICT);
	CHECK_INT(l[0].m.u.verdict.queue, 5);
	CHECK_INT(l[0].m.u.verdict.id, 11);
	CHECK_INT(l[0].m.u.verdict.verdict, NF_ACCEPT);
	CHECK_INT(l[0].m.u.verdict.vflags, 0);
	CHECK_INT(l[1].m.u.verdict.id, 12);
	CHECK_INT(l[1].m.u.verdict.verdict, NF_REPEAT);
	CHECK_INT(l[1].m.u.verdict.vflags, NFU_QWIRE_V_MARK);
	CHECK_INT(l[1].m.u.verdict.mark, 0x55);
	CHECK_INT(l[2].m.u.verdict.id, 13);
	CHECK_INT(l[2].m.u.verdict.vflags,
		  NFU_QWIRE_V_MARK | NFU_QWIRE_V_PAYLOAD);
	CHECK_INT(l[2].m.u.verdict.mark, 7);
	CHECK_INT(l[2].data_len, sizeof(newpkt));
	CHECK_MEM(l[2].data, newpkt, sizeof(newpkt));
	CHECK_INT(l[3].m.u.verdict.id, 14);
	CHECK_INT(l[3].m.u.verdict.verdict, NF_STOP);
	CHECK_INT(l[3].m.u.verdict.vflags, NFU_QWIRE_V_PAYLOAD);
	CHECK_MEM(l[3].data, newpkt, sizeof(newpkt));
	CHECK_INT(l[4].m.u.verdict.id, 20);
	CHECK_INT(l[4].m.u.verdict.verdict, NF_DROP);
	CHECK_INT(l[4].m.u.verdict.vflags, NFU_QWIRE_V_BATCH);
	CHECK_INT(l[5].m.u.verdict.id, 30);
	CHECK_INT(l[5].m.u.verdict.vflags,
		  NFU_QWIRE_V_BATCH | NFU_QWIRE_V_MARK);
	CHECK_INT(l[5].m.u.verdict.mark, 0x99);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

/* Verdicts given by callbacks leave together when nfuq_handle_packet()
 * returns: nothing reaches the server while callbacks run. */
static void test_verdicts_together(void)
{
	struct fake *f = fake_start();
	static struct cbstate st;
	static uint8_t buf[32768];
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;
	size_t n = 0;
	int avail = -1;
	bool ok = true;

	cbstate_init(&st);
	h = open_with_queue(f, 1, &st, &qh);
	REQUIRE(h != NULL);
	REQUIRE(fake_wait(f, 2) == 2);
	for (uint32_t i = 1; i <= 50; i++) {
		struct pktspec s = { .queue = 1, .id = i, .data = pay[0],
				     .data_len = 40 };

		n += put_pkt(buf + n, sizeof(buf) - n, &s);
	}
	fake_pause(f, true);
	st.verdict = NF_ACCEPT;
	st.peek_fd = f->cfd;
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), 0);
	CHECK_INT(st.n, 50);
	CHECK_INT(st.peeked, 0);
	for (unsigned int i = 0; i < 50; i++)
		if (st.verdict_ret[i] != 28)
			ok = false;
	CHECK(ok);
	ioctl(f->cfd, FIONREAD, &avail);
	CHECK_INT(avail, 50 * 28);
	fake_pause(f, false);
	REQUIRE(fake_wait(f, 52) == 52);
	for (unsigned int i = 0; i < 50; i++)
		if (f->log[2 + i].m.type != NFU_QWIRE_VERDICT ||
		    f->log[2 + i].m.u.verdict.id != i + 1)
			ok = false;
	CHECK(ok);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

/* Bytes that are not the protocol: -1 EBADMSG, and the handle stays
 * broken. */
static void test_garbage(void)
{
	struct fake *f = fake_start();
	static struct cbstate st;
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;
	uint8_t buf[256];
	size_t n;
	struct {
		const char *what;
		uint8_t b[16];
		int len;
	} bad[] = {
		{ "length below the header", { 0, 0, 0, 5 }, 4 },
		{ "length above the maximum", { 0, 0x10, 0, 0 }, 4 },
		{ "unknown type", { 0, 0, 0, 12, 0, 99 }, 12 },
		{ "short ACK", { 0, 0, 0, 12, 0, NFU_QWIRE_ACK }, 12 },
		{ "a HELLO from the server",
		  { 0, 0, 0, 16, 0, NFU_QWIRE_HELLO, 0, 0, 0, 0, 0, 1, 0, 1 },
		  16 },
	};

	cbstate_init(&st);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h = open_with_queue(f, 0, &st, &qh);
		REQUIRE(h != NULL);
		errno = 0;
		if (nfuq_handle_packet(h, (char *)bad[i].b, bad[i].len) != -1 ||
		    errno != EBADMSG)
			HARNESS_FAIL("%s: not EBADMSG", bad[i].what);
		/* Broken from now on, for packets and requests. */
		n = put_pkt(buf, sizeof(buf),
			    &(struct pktspec){ .queue = 0, .id = 1 });
		errno = 0;
		CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), -1);
		CHECK_INT(errno, EBADMSG);
		errno = 0;
		CHECK_INT(nfuq_set_mode(qh, NFUQNL_COPY_PACKET, 100), -1);
		CHECK_INT(errno, EBADMSG);
		nfuq_close(h);
		/* A new connection for the next one. */
		fake_stop(f);
		f = fake_start();
	}
	CHECK_INT(st.n, 0);

	/* A packet claiming more bytes than the packet has. */
	h = open_with_queue(f, 0, &st, &qh);
	REQUIRE(h != NULL);
	n = put_pkt(buf, sizeof(buf),
		    &(struct pktspec){ .queue = 0, .id = 1, .data = pay[0],
				       .data_len = 8 });
	buf[NFU_QWIRE_HDR_LEN + 39] = 4; /* pkt_len 4 < 8 copied */
	errno = 0;
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(st.n, 0);
	nfuq_close(h);
	fake_stop(f);

	/* Random bytes: never a crash (the sanitizer build says more). */
	f = fake_start();
	srand(7);
	for (int round = 0; round < 200; round++) {
		uint8_t r[300];
		int len = rand() % (int)sizeof(r);

		h = nfuq_open_path(f->path);
		REQUIRE(h != NULL);
		qh = nfuq_create_queue(h, 0, cb, &st);
		REQUIRE(qh != NULL);
		for (int i = 0; i < len; i++)
			r[i] = (uint8_t)rand();
		/* A plausible frame now and then. */
		if (round % 2 && len >= 12) {
			r[0] = r[1] = 0;
			r[2] = 0;
			r[3] = (uint8_t)len;
			r[4] = 0;
			r[5] = (uint8_t)(NFU_QWIRE_ACK + round % 3);
		}
		nfuq_handle_packet(h, (char *)r, len);
		nfuq_close(h);
		fake_stop(f);
		f = fake_start();
	}
	fake_stop(f);
}

/* Packets sent before the ACK of a request reach their callback before
 * the request returns. */
static void test_packets_during_wait(void)
{
	struct fake *f = fake_start();
	static struct cbstate st;
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;
	uint8_t buf[8192];
	size_t n;

	cbstate_init(&st);
	h = open_with_queue(f, 0, &st, &qh);
	REQUIRE(h != NULL);
	n = three_packets(buf, sizeof(buf), 0);
	/* And an ACK of some other request, which must not end the wait. */
	n += nfu_qwire_put_ack(buf + n, sizeof(buf) - n, 0xabcdef, 0);
	fake_set_pre(f, NFU_QWIRE_PARAMS, buf, n);
	st.verdict = NF_DROP;
	CHECK_INT(nfuq_set_mode(qh, NFUQNL_COPY_PACKET, 0xffff), 0);
	CHECK(three_seen(&st, 0));
	/* Their verdicts were sent (after the request). */
	REQUIRE(fake_wait(f, 6) == 6);
	CHECK_INT(f->log[2].m.type, NFU_QWIRE_PARAMS);
	CHECK_INT(f->log[3].m.type, NFU_QWIRE_VERDICT);
	CHECK_INT(f->log[3].m.u.verdict.id, 1);
	CHECK_INT(f->log[5].m.u.verdict.id, 3);
	CHECK_INT(f->log[5].m.u.verdict.verdict, NF_DROP);

	/* Packets for the queue being created: its callback has them. */
	cbstate_init(&st);
	n = put_pkt(buf, sizeof(buf),
		    &(struct pktspec){ .queue = 9, .id = 1, .data = pay[0],
				       .data_len = 3 });
	fake_set_pre(f, NFU_QWIRE_BIND, buf, n);
	CHECK(nfuq_create_queue(h, 9, cb, &st) != NULL);
	CHECK_INT(st.n, 1);
	CHECK_INT(st.seen[0].queue, 9);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

/* A callback that makes a configuration call: the packets after its own
 * in the buffer, and its own bytes, are intact and in order. */
static void test_config_in_callback(void)
{
	struct fake *f = fake_start();
	static struct cbstate st;
	static uint8_t buf[8192];
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;
	size_t len;
	int bad = 0;

	cbstate_init(&st);
	h = open_with_queue(f, 0, &st, &qh);
	REQUIRE(h != NULL);
	st.nested_qh = qh;
	len = three_packets(buf, sizeof(buf), 0);
	/* The stream comes through the socket, as in a handler, read in
	 * two pieces cut anywhere: packet 1 whole in the first piece or
	 * completed from a kept beginning; the nested call then reads what
	 * the program has not read yet. */
	for (size_t cut = 1; cut <= len; cut += 7) {
		static uint8_t rbuf[8192];
		ssize_t got;

		st.n = 0;
		st.nested_ret = -2;
		if (send(f->cfd, buf, len, 0) != (ssize_t)len ||
		    recv(nfuq_fd(h), rbuf, cut, MSG_WAITALL) != (ssize_t)cut ||
		    nfuq_handle_packet(h, (char *)rbuf, (int)cut))
			bad++;
		got = recv(nfuq_fd(h), rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (got > 0 && nfuq_handle_packet(h, (char *)rbuf, (int)got))
			bad++;
		if (!three_seen(&st, 0) || st.nested_ret != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	/* A packet sent before the nested call's ACK is handled inside it. */
	{
		uint8_t p[256];
		size_t n = put_pkt(p, sizeof(p),
				   &(struct pktspec){ .queue = 0, .id = 50 });

		fake_set_pre(f, NFU_QWIRE_MAXLEN, p, n);
		st.n = 0;
		CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)len), 0);
		CHECK_INT(st.n, 4);
		CHECK_INT(st.seen[0].id, 1);
		CHECK_INT(st.seen[1].id, 2);
		CHECK_INT(st.seen[2].id, 3);
		CHECK_INT(st.seen[3].id, 50);
		CHECK_INT(st.seen[0].plen, 20);
		CHECK_MEM(st.seen[0].payload, pay[0], 20);
	}
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

static void test_errors_in_dispatch(void)
{
	struct fake *f = fake_start();
	static struct cbstate st;
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;
	uint8_t buf[8192];
	size_t n;

	cbstate_init(&st);
	h = open_with_queue(f, 0, &st, &qh);
	REQUIRE(h != NULL);
	/* A callback's negative return: -1 with it as errno; the packets
	 * after it are still given (no other way would they get a verdict
	 * on a stream). */
	n = three_packets(buf, sizeof(buf), 0);
	st.ret = -EPERM;
	errno = 0;
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), -1);
	CHECK_INT(errno, EPERM);
	CHECK_INT(st.n, 3);
	st.ret = 0;
	st.n = 0;
	/* Not broken by it. */
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), 0);
	CHECK_INT(st.n, 3);

	/* A queue this handle does not have: ENODEV, as __nfq_rcv_pkt(). */
	st.n = 0;
	n = put_pkt(buf, sizeof(buf), &(struct pktspec){ .queue = 44, .id = 1 });
	n += put_pkt(buf + n, sizeof(buf) - n,
		     &(struct pktspec){ .queue = 0, .id = 2 });
	errno = 0;
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), -1);
	CHECK_INT(errno, ENODEV);
	CHECK_INT(st.n, 1);

	/* An error ACK nobody waits for (a refused verdict). */
	n = nfu_qwire_put_ack(buf, sizeof(buf), 12345, ENOENT);
	errno = 0;
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), -1);
	CHECK_INT(errno, ENOENT);
	n = nfu_qwire_put_ack(buf, sizeof(buf), 12346, 0);
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, (int)n), 0);
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, 0), 0);
	errno = 0;
	CHECK_INT(nfuq_handle_packet(h, (char *)buf, -1), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

/* The server going away: requests fail, closing works. */
static void test_server_gone(void)
{
	struct fake *f = fake_start();
	static struct cbstate st;
	struct nfuq_q_handle *qh;
	struct nfuq_handle *h;

	cbstate_init(&st);
	h = open_with_queue(f, 0, &st, &qh);
	REQUIRE(h != NULL);
	REQUIRE(fake_wait(f, 2) == 2);
	shutdown(f->cfd, SHUT_RDWR);
	errno = 0;
	CHECK_INT(nfuq_set_queue_maxlen(qh, 10), -1);
	CHECK(errno == ECONNRESET || errno == EPIPE);
	CHECK_INT(nfuq_close(h), 0);
	fake_stop(f);
}

int main(void)
{
	RUN(test_open);
	RUN(test_create_queue);
	RUN(test_config_fields);
	RUN(test_split);
	RUN(test_getters);
	RUN(test_verdicts);
	RUN(test_verdicts_together);
	RUN(test_garbage);
	RUN(test_packets_during_wait);
	RUN(test_config_in_callback);
	RUN(test_errors_in_dispatch);
	RUN(test_server_gone);
	return harness_done();
}
