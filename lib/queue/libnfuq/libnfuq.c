/* SPDX-License-Identifier: MIT */
/*
 * libnfuq.c - libnfu-queue: libnetfilter_queue's classic API over nfu's
 * queue protocol (libnfu_queue.h, lib/queue/wire.h,
 * docs/queue-protocol.md).
 *
 * The input is a byte stream, not netlink datagrams, so the handle keeps
 * the stream's state:
 *
 *   - 'in' holds the beginning of a message cut by the end of a buffer
 *     (never more than NFU_QWIRE_MAX_MSG bytes: a length above that is
 *     refused by nfu_qwire_next() before anything is stored);
 *   - 'ext', 'ext_len', 'ext_off' are the bytes given to the current
 *     nfuq_handle_packet() (or read by a configuration call) not yet
 *     consumed.  Whole messages are decoded where they lie, without a
 *     copy; only a message's cut tail is copied to 'in'.
 *
 * Keeping the unconsumed bytes in the handle, not in locals, is what lets a
 * callback call nfuq_set_mode() or nfuq_destroy_queue(): the
 * configuration call first takes the messages already received, in
 * stream order, then reads the socket (libnfnetlink's nfnl_query()
 * likewise runs callbacks for what it receives before its ACK).
 *
 * Verdicts given while packets are being handled go to 'out' and are
 * written when the outermost nfuq_handle_packet() returns: one write for
 * a whole buffer of packets, where libnetfilter_queue makes one sendmsg()
 * per verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <libnfu_queue/libnfu_queue.h>
#include <nfu/queue.h>

#include "queue/wire.h"

/* Verdicts pile up here during nfuq_handle_packet(); a verdict with a
 * whole new packet must fit, hence at least one maximal message. */
#define OUT_CAP (4u * NFU_QWIRE_MAX_MSG)
/* What a configuration call reads from the socket at a time. */
#define READ_CHUNK 65536u

struct nfuq_q_handle {
	struct nfuq_q_handle *next;
	struct nfuq_handle *h;
	uint16_t num;
	nfuq_callback *cb;
	void *data;
};

struct nfuq_data {
	struct nfuqnl_msg_packet_hdr hdr; /* as Linux's NFQA_PACKET_HDR */
	const struct nfu_qwire_packet *p;
};

struct waiter {
	struct waiter *next;
	uint32_t seq;
	bool done;
	uint32_t err;          /* the ACK's errno */
};

struct nfuq_handle {
	int fd;
	int broken;            /* errno that made the stream unusable, or 0 */
	uint32_t seq;          /* the last seq used */
	struct nfuq_q_handle *queues;
	struct nfuq_q_handle *last; /* the last queue found: one queue is
				       the common case */

	uint8_t *in;           /* a cut message's beginning; NULL while its
				  buffer is lent to a callback */
	size_t in_len;
	const uint8_t *ext;    /* unconsumed input, see above */
	size_t ext_len, ext_off;

	uint8_t *out;          /* verdicts waiting for the flush */
	size_t out_len;
	unsigned int depth;    /* nested dispatches: > 0 buffers verdicts */

	/* The configuration calls waiting for their ACK, innermost first
	 * (a callback run by one may make another). */
	struct waiter *waiters;
	int pending_err;       /* the first error to report from the current
				  dispatch (a callback's, an unsolicited ACK's) */
};

/* An errno from a number the server sent: never 0, never absurd. */
static int wire_errno(uint32_t e)
{
	return e > 0 && e < 4096 ? (int)e : EPROTO;
}

static uint32_t next_seq(struct nfuq_handle *h)
{
	if (++h->seq == 0)
		h->seq = 1;
	return h->seq;
}

/* Write all 'len' bytes, waiting when the socket is full or was made
 * non-blocking by the program.  Returns 0 or a negative errno. */
static int write_all(struct nfuq_handle *h, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = send(h->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pfd = { .fd = h->fd,
						      .events = POLLOUT };

				if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
					return -errno;
				continue;
			}
			/* The server is gone: nothing more will work. */
			if (!h->broken)
				h->broken = errno;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int flush_out(struct nfuq_handle *h)
{
	int err;

	if (!h->out_len)
		return 0;
	err = write_all(h, h->out, h->out_len);
	h->out_len = 0;
	return err;
}

static struct nfuq_q_handle *find_qh(struct nfuq_handle *h, uint16_t num)
{
	struct nfuq_q_handle *qh;

	if (h->last && h->last->num == num)
		return h->last;
	for (qh = h->queues; qh; qh = qh->next)
		if (qh->num == num)
			return h->last = qh;
	return NULL;
}

static void set_pending(struct nfuq_handle *h, int err)
{
	if (!h->pending_err)
		h->pending_err = err;
}

/* One PACKET: the callback with what Linux's nfnetlink_queue would have
 * given it.  As libnetfilter_queue (__nfq_rcv_pkt), a packet of a queue
 * this handle did not create, or created without a callback, is an
 * ENODEV error; the packets after it are still handled. */
static void deliver(struct nfuq_handle *h, const struct nfu_qwire_packet *p)
{
	struct nfuq_q_handle *qh = find_qh(h, p->queue);
	struct nfgenmsg nfmsg;
	struct nfuq_data nfad;
	int ret;

	if (!qh || !qh->cb) {
		set_pending(h, ENODEV);
		return;
	}
	/* Linux's nfqnl_build_packet_message(): the family of the hook,
	 * version 0, the queue number in network order. */
	nfmsg.nfgen_family = AF_INET;
	nfmsg.version = NFNETLINK_V0;
	nfmsg.res_id = htons(p->queue);
	nfad.hdr.packet_id = htonl(p->id);
	nfad.hdr.hw_protocol = htons(p->hw_protocol);
	nfad.hdr.hook = p->hook;
	nfad.p = p;
	ret = qh->cb(qh, &nfmsg, &nfad, qh->data);
	/* 'qh' may be gone now (nfuq_destroy_queue() in the callback). */
	if (ret < 0)
		set_pending(h, ret > -4096 ? -ret : ECANCELED);
}

/* One whole message of 'len' bytes from the server. */
static int handle_msg(struct nfuq_handle *h, const uint8_t *buf, size_t len)
{
	struct nfu_qwire_msg m;

	if (nfu_qwire_decode(buf, len, &m) < 0)
		return -EBADMSG;
	switch (m.type) {
	case NFU_QWIRE_PACKET:
		deliver(h, &m.u.packet);
		return 0;
	case NFU_QWIRE_ACK:
		for (struct waiter *w = h->waiters; w; w = w->next)
			if (w->seq == m.seq && !w->done) {
				w->done = true;
				w->err = m.u.error;
				return 0;
			}
		if (m.u.error) {
			/* A refused verdict: Linux answers it with an
			 * NLMSG_ERROR that makes nfq_handle_packet() fail. */
			set_pending(h, wire_errno(m.u.error));
		}
		return 0;
	case NFU_QWIRE_STATS:
		/* Answers `nfu queue -L`; a handler never asks. */
		return 0;
	}
	/* A handler's message coming from the server. */
	return -EBADMSG;
}

/* The next whole message of the stream ('in' then 'ext'), without
 * copying when it lies whole in 'ext'.  Returns its length, 0 when the
 * stream holds no whole message (its cut tail is then in 'in'), or
 * -EBADMSG.  '*from_in' says the message is in 'in'. */
static long next_msg(struct nfuq_handle *h, const uint8_t **msg, bool *from_in)
{
	size_t avail = h->ext ? h->ext_len - h->ext_off : 0;
	const uint8_t *src = h->ext ? h->ext + h->ext_off : NULL;
	long n;

	*from_in = false;
	if (!h->in) {
		/* The previous buffer was lent to a callback that is still
		 * running: take another. */
		h->in = malloc(NFU_QWIRE_MAX_MSG);
		if (!h->in)
			return -ENOMEM;
	}
	if (h->in_len) {
		size_t want, take;

		if (h->in_len < 4) {
			take = 4 - h->in_len < avail ? 4 - h->in_len : avail;
			if (take) {
				memcpy(h->in + h->in_len, src, take);
				h->in_len += take;
				h->ext_off += take;
				src += take;
				avail -= take;
			}
		}
		n = nfu_qwire_next(h->in, h->in_len);
		if (n < 0)
			return -EBADMSG;
		if (n == 0 && h->in_len >= 4) {
			/* The length is valid (checked by nfu_qwire_next()):
			 * copy up to the end of the message. */
			want = (size_t)h->in[0] << 24 | (size_t)h->in[1] << 16 |
			       (size_t)h->in[2] << 8 | h->in[3];
			take = want - h->in_len < avail ? want - h->in_len
							: avail;
			if (take) {
				memcpy(h->in + h->in_len, src, take);
				h->in_len += take;
				h->ext_off += take;
				n = nfu_qwire_next(h->in, h->in_len);
			}
		}
		if (n <= 0)
			return n; /* all of 'ext' is in 'in' */
		*msg = h->in;
		*from_in = true;
		h->in_len = 0;
		return n;
	}
	n = nfu_qwire_next(src, avail);
	if (n < 0)
		return -EBADMSG;
	if (n == 0) {
		/* Less than one message: below NFU_QWIRE_MAX_MSG. */
		if (avail)
			memcpy(h->in, src, avail);
		h->in_len = avail;
		h->ext_off = h->ext_len;
		return 0;
	}
	*msg = src;
	h->ext_off += (size_t)n;
	return n;
}

/* Handle every whole message the stream holds.  Returns 0 or -EBADMSG
 * (the handle is then broken) or -ENOMEM. */
static int pump(struct nfuq_handle *h)
{
	const uint8_t *msg;
	bool from_in;
	long n;
	int err;

	while ((n = next_msg(h, &msg, &from_in)) > 0) {
		if (from_in) {
			/* Lend 'in' to the message for as long as its
			 * callback runs: a nested configuration call that
			 * stores a cut message takes a fresh buffer. */
			uint8_t *held = h->in;

			h->in = NULL;
			err = handle_msg(h, msg, (size_t)n);
			if (h->in)
				free(held);
			else
				h->in = held;
		} else {
			err = handle_msg(h, msg, (size_t)n);
		}
		if (err < 0) {
			n = err;
			break;
		}
	}
	if (n < 0) {
		/* The stream cannot be framed any more. */
		h->broken = (int)-n;
		h->ext_off = h->ext_len;
		return (int)n;
	}
	return 0;
}

/* Send the request of 'len' bytes in 'req' (whose seq is 'seq') and
 * handle what arrives until its ACK.  Returns 0 or -1 with errno: the
 * ACK's error, or the connection's. */
static int request(struct nfuq_handle *h, const uint8_t *req, size_t len,
		   uint32_t seq)
{
	struct waiter w = { .next = h->waiters, .seq = seq };
	const uint8_t *save_ext = h->ext;
	size_t save_len = h->ext_len;
	int save_pending = h->pending_err;
	unsigned int entry_depth = h->depth;
	uint8_t *rbuf = NULL;
	int err, ferr;

	if (h->broken) {
		errno = h->broken;
		return -1;
	}
	err = flush_out(h);
	if (!err)
		err = write_all(h, req, len);
	if (err) {
		errno = -err;
		return -1;
	}
	h->waiters = &w;
	h->depth++;
	/* First what was received before (the rest of a callback's buffer,
	 * when called from a callback), then the socket. */
	err = pump(h);
	while (!err && !w.done) {
		ssize_t n;

		if (!rbuf) {
			rbuf = malloc(READ_CHUNK);
			if (!rbuf) {
				err = -ENOMEM;
				break;
			}
		}
		n = recv(h->fd, rbuf, READ_CHUNK, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pfd = { .fd = h->fd,
						      .events = POLLIN };

				if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
					err = -errno;
				continue;
			}
			err = -errno;
			h->broken = errno;
			break;
		}
		if (n == 0) {
			err = -ECONNRESET;
			h->broken = ECONNRESET;
			break;
		}
		h->ext = rbuf;
		h->ext_len = (size_t)n;
		h->ext_off = 0;
		err = pump(h);
		/* Verdicts of the callbacks run meanwhile. */
		if (!err)
			err = flush_out(h);
	}
	h->depth--;
	h->waiters = w.next;
	ferr = flush_out(h);
	if (!err && w.err)
		err = -wire_errno(w.err);
	if (!err)
		err = ferr;
	/* The stream given to an outer call has been consumed by pump(). */
	h->ext = save_ext;
	h->ext_len = save_len;
	h->ext_off = save_len;
	/* Errors of callbacks run here, outside nfuq_handle_packet(), belong
	 * to nobody: as with nfnl_query(), only the request's result is
	 * returned.  Inside it, they are its own. */
	if (!entry_depth)
		h->pending_err = save_pending;
	free(rbuf);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}

static struct nfuq_handle *handle_new(int fd)
{
	struct nfuq_handle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->in = malloc(NFU_QWIRE_MAX_MSG);
	h->out = malloc(OUT_CAP);
	if (!h->in || !h->out) {
		free(h->in);
		free(h->out);
		free(h);
		errno = ENOMEM;
		return NULL;
	}
	h->fd = fd;
	return h;
}

static void handle_free(struct nfuq_handle *h)
{
	struct nfuq_q_handle *qh, *next;

	for (qh = h->queues; qh; qh = next) {
		next = qh->next;
		free(qh);
	}
	free(h->in);
	free(h->out);
	free(h);
}

struct nfuq_handle *nfuq_open_path(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint8_t hello[NFU_QWIRE_HDR_LEN + NFU_QWIRE_HELLO_LEN];
	struct nfuq_handle *h;
	uint32_t seq;
	size_t n;
	int fd, err;

	if (!path || !*path) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (errno != EINTR)
			goto fail_fd;
	}
	h = handle_new(fd);
	if (!h)
		goto fail_fd;
	seq = next_seq(h);
	n = nfu_qwire_put_u16(hello, sizeof(hello), NFU_QWIRE_HELLO, seq,
			      NFU_QWIRE_VERSION);
	if (request(h, hello, n, seq) < 0)
		goto fail_h;
	return h;
fail_h:
	err = errno;
	handle_free(h);
	errno = err;
fail_fd:
	err = errno;
	close(fd);
	errno = err;
	return NULL;
}

struct nfuq_handle *nfuq_open(void)
{
	const char *path = getenv("NFU_QUEUE_SOCKET");

	return nfuq_open_path(path && *path ? path : NFU_QUEUE_SOCKET_DEFAULT);
}

int nfuq_close(struct nfuq_handle *h)
{
	int ret;

	/* The server drops the packets still waiting for this handler's
	 * verdict, as Linux when a netlink socket bound to a queue closes. */
	ret = close(h->fd);
	handle_free(h);
	return ret;
}

/* Linux 3.8 and later ignore these; libnetfilter_queue still sends them
 * and returns 0. */
int nfuq_bind_pf(struct nfuq_handle *h, uint16_t pf)
{
	(void)h;
	(void)pf;
	return 0;
}

int nfuq_unbind_pf(struct nfuq_handle *h, uint16_t pf)
{
	(void)h;
	(void)pf;
	return 0;
}

int nfuq_fd(struct nfuq_handle *h)
{
	return h->fd;
}

static int queue_request(struct nfuq_handle *h, uint16_t type, uint16_t num)
{
	uint8_t buf[NFU_QWIRE_HDR_LEN + NFU_QWIRE_QUEUE_LEN];
	uint32_t seq = next_seq(h);
	size_t n = nfu_qwire_put_u16(buf, sizeof(buf), type, seq, num);

	return request(h, buf, n, seq);
}

struct nfuq_q_handle *nfuq_create_queue(struct nfuq_handle *h, uint16_t num,
					nfuq_callback *cb, void *data)
{
	struct nfuq_q_handle *qh;

	/* libnetfilter_queue refuses a number this handle has, before
	 * asking the kernel; it leaves errno alone, nfu says EBUSY. */
	if (find_qh(h, num)) {
		errno = EBUSY;
		return NULL;
	}
	qh = calloc(1, sizeof(*qh));
	if (!qh)
		return NULL;
	qh->h = h;
	qh->num = num;
	qh->cb = cb;
	qh->data = data;
	/* Listed before the answer: a packet the server queues right after
	 * the bind and sends before the ACK has its callback. */
	qh->next = h->queues;
	h->queues = qh;
	if (queue_request(h, NFU_QWIRE_BIND, num) < 0) {
		int err = errno;
		struct nfuq_q_handle **pp;

		for (pp = &h->queues; *pp; pp = &(*pp)->next)
			if (*pp == qh) {
				*pp = qh->next;
				break;
			}
		if (h->last == qh)
			h->last = NULL;
		free(qh);
		errno = err;
		return NULL;
	}
	return qh;
}

int nfuq_destroy_queue(struct nfuq_q_handle *qh)
{
	struct nfuq_handle *h = qh->h;
	struct nfuq_q_handle **pp;

	/* As libnetfilter_queue: the handle stays when the unbind fails. */
	if (queue_request(h, NFU_QWIRE_UNBIND, qh->num) < 0)
		return -1;
	for (pp = &h->queues; *pp; pp = &(*pp)->next)
		if (*pp == qh) {
			*pp = qh->next;
			break;
		}
	if (h->last == qh)
		h->last = NULL;
	free(qh);
	return 0;
}

int nfuq_set_mode(struct nfuq_q_handle *qh, uint8_t mode, uint32_t range)
{
	uint8_t buf[NFU_QWIRE_HDR_LEN + NFU_QWIRE_PARAMS_LEN];
	uint32_t seq = next_seq(qh->h);
	size_t n = nfu_qwire_put_params(buf, sizeof(buf), seq, qh->num, mode,
					range);

	return request(qh->h, buf, n, seq);
}

int nfuq_set_queue_maxlen(struct nfuq_q_handle *qh, uint32_t queuelen)
{
	uint8_t buf[NFU_QWIRE_HDR_LEN + NFU_QWIRE_MAXLEN_LEN];
	uint32_t seq = next_seq(qh->h);
	size_t n = nfu_qwire_put_maxlen(buf, sizeof(buf), seq, qh->num,
					queuelen);

	return request(qh->h, buf, n, seq);
}

int nfuq_set_queue_flags(struct nfuq_q_handle *qh, uint32_t mask,
			 uint32_t flags)
{
	uint8_t buf[NFU_QWIRE_HDR_LEN + NFU_QWIRE_FLAGS_LEN];
	uint32_t seq = next_seq(qh->h);
	size_t n = nfu_qwire_put_flags(buf, sizeof(buf), seq, qh->num, mask,
				       flags);

	return request(qh->h, buf, n, seq);
}

int nfuq_handle_packet(struct nfuq_handle *h, char *buf, int len)
{
	const uint8_t *save_ext = h->ext;
	size_t save_len = h->ext_len, save_off = h->ext_off;
	int save_pending = h->pending_err;
	int err, pending;

	if (len < 0 || (len > 0 && !buf)) {
		errno = EINVAL;
		return -1;
	}
	if (h->broken) {
		errno = h->broken;
		return -1;
	}
	/* Called from a callback while the outer call still has messages
	 * to handle: the new bytes come after those in the stream, and
	 * handling them first would misframe it.  Refused (EBUSY); once the
	 * outer bytes are consumed (the last packet's callback) it works. */
	if (h->depth && save_off != save_len) {
		errno = EBUSY;
		return -1;
	}
	h->ext = (const uint8_t *)buf;
	h->ext_len = (size_t)len;
	h->ext_off = 0;
	h->pending_err = 0;
	h->depth++;
	err = pump(h);
	h->depth--;
	pending = h->pending_err;
	h->ext = save_ext;
	h->ext_len = save_len;
	h->ext_off = save_len;
	h->pending_err = save_pending;
	/* One write for the verdicts of the whole buffer. */
	if (!h->depth) {
		int ferr = flush_out(h);

		if (!err)
			err = ferr;
	}
	if (err) {
		errno = -err;
		return -1;
	}
	if (pending) {
		errno = pending;
		return -1;
	}
	return 0;
}

/* Encode a verdict; inside a dispatch it waits in 'out', otherwise it is
 * written at once.  Returns its length, as sendmsg() would, or -1. */
static int send_verdict(struct nfuq_q_handle *qh, uint16_t vflags,
			uint32_t id, uint32_t verdict, uint32_t mark,
			uint32_t data_len, const unsigned char *data)
{
	struct nfuq_handle *h = qh->h;
	struct nfu_qwire_verdict v = {
		.queue = qh->num,
		.vflags = vflags,
		.id = id,
		.verdict = verdict,
		.mark = mark,
		.data = data,
		.data_len = data_len,
	};
	size_t need, n;
	int err;

	if (data_len) {
		if (!data) {
			errno = EINVAL;
			return -1;
		}
		v.vflags |= NFU_QWIRE_V_PAYLOAD;
	}
	if (data_len > NFU_QWIRE_MAX_MSG - NFU_QWIRE_HDR_LEN -
			       NFU_QWIRE_VERDICT_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	need = NFU_QWIRE_HDR_LEN + NFU_QWIRE_VERDICT_LEN + (size_t)data_len;
	if (h->out_len + need > OUT_CAP) {
		err = flush_out(h);
		if (err) {
			errno = -err;
			return -1;
		}
	}
	n = nfu_qwire_put_verdict(h->out + h->out_len, OUT_CAP - h->out_len,
				  next_seq(h), 0, &v);
	if (!n) {
		errno = EMSGSIZE;
		return -1;
	}
	h->out_len += n;
	if (!h->depth) {
		err = flush_out(h);
		if (err) {
			errno = -err;
			return -1;
		}
	}
	return (int)n;
}

int nfuq_set_verdict(struct nfuq_q_handle *qh, uint32_t id, uint32_t verdict,
		     uint32_t data_len, const unsigned char *buf)
{
	return send_verdict(qh, 0, id, verdict, 0, data_len, buf);
}

int nfuq_set_verdict2(struct nfuq_q_handle *qh, uint32_t id,
		      uint32_t verdict, uint32_t mark, uint32_t datalen,
		      const unsigned char *buf)
{
	return send_verdict(qh, NFU_QWIRE_V_MARK, id, verdict, mark,
			    datalen, buf);
}

int nfuq_set_verdict_batch(struct nfuq_q_handle *qh, uint32_t id,
			   uint32_t verdict)
{
	return send_verdict(qh, NFU_QWIRE_V_BATCH, id, verdict, 0, 0, NULL);
}

int nfuq_set_verdict_batch2(struct nfuq_q_handle *qh, uint32_t id,
			    uint32_t verdict, uint32_t mark)
{
	return send_verdict(qh, NFU_QWIRE_V_BATCH | NFU_QWIRE_V_MARK, id,
			    verdict, mark, 0, NULL);
}

struct nfuqnl_msg_packet_hdr *nfuq_get_msg_packet_hdr(struct nfuq_data *nfad)
{
	return &nfad->hdr;
}

uint32_t nfuq_get_nfmark(struct nfuq_data *nfad)
{
	return nfad->p->mark;
}

/* Linux sends NFQA_TIMESTAMP only when the skb has one (tstamp != 0);
 * nfu's time 0 stands for that absence. */
int nfuq_get_timestamp(struct nfuq_data *nfad, struct timeval *tv)
{
	const struct nfu_qwire_packet *p = nfad->p;

	if (!p->ts_sec && !p->ts_usec)
		return -1;
	tv->tv_sec = (time_t)p->ts_sec;
	tv->tv_usec = (suseconds_t)p->ts_usec;
	return 0;
}

uint32_t nfuq_get_indev(struct nfuq_data *nfad)
{
	return nfad->p->indev;
}

uint32_t nfuq_get_outdev(struct nfuq_data *nfad)
{
	return nfad->p->outdev;
}

/* nfu has no bridge: no physical devices. */
uint32_t nfuq_get_physindev(struct nfuq_data *nfad)
{
	(void)nfad;
	return 0;
}

uint32_t nfuq_get_physoutdev(struct nfuq_data *nfad)
{
	(void)nfad;
	return 0;
}

/* Linux adds NFQA_PAYLOAD only when it copies bytes; without it
 * nfq_get_payload() returns -1 (and *data NULL). */
int nfuq_get_payload(struct nfuq_data *nfad, unsigned char **data)
{
	const struct nfu_qwire_packet *p = nfad->p;

	if (!p->data_len) {
		*data = NULL;
		return -1;
	}
	*data = (unsigned char *)p->data;
	return (int)p->data_len;
}

uint16_t nfuq_queue_num(const struct nfuq_q_handle *qh)
{
	return qh->num;
}
