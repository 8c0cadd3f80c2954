/* SPDX-License-Identifier: MIT */
/*
 * libnfu_queue.h - libnfu-queue, the library for nfu's queue handlers.
 *
 * What?
 *   The classic API of libnetfilter_queue with nfq_ renamed nfuq_ (types:
 *   nfq_handle -> nfuq_handle, nfqnl_msg_packet_hdr ->
 *   nfuqnl_msg_packet_hdr, NFQNL_COPY_* -> NFUQNL_COPY_*,
 *   NFQA_CFG_F_* -> NFUQA_CFG_F_*).  A libnetfilter_queue program runs on
 *   nfu when it includes this header instead of libnetfilter_queue's and
 *   <libnfu_queue/nfq_compat.h>, which is the list of #defines.  Verdicts
 *   are Linux's numbers from <linux/netfilter.h> (NF_DROP 0, NF_ACCEPT 1,
 *   NF_STOLEN 2, NF_QUEUE 3, NF_REPEAT 4, NF_STOP 5).
 *
 *   The handler connects to the queue server of an nfu stack (nfu replay
 *   --queue-exec/--queue-socket, nfu daemon): nfuq_open() reads the socket
 *   path from NFU_QUEUE_SOCKET, else uses /run/nfu/queue.sock;
 *   nfuq_open_path() takes one.  The messages are in
 *   docs/queue-protocol.md.
 *
 * Basic design
 *   As with libnetfilter_queue: poll nfuq_fd(), recv() into a buffer, give
 *   the bytes to nfuq_handle_packet(), which calls the queue's callback for
 *   each packet.  The socket is a byte stream, so nfuq_handle_packet()
 *   keeps a partial message for the next call: any buffer size works.
 *   Verdicts given during nfuq_handle_packet() are sent together when it
 *   returns; others at once.  A configuration call (nfuq_create_queue,
 *   nfuq_set_mode, ...) waits for the server's answer; packets that arrive
 *   meanwhile go to their callbacks first, as libnfnetlink does.
 *
 *   Errors: -1 (NULL for pointers) with errno set, as libnetfilter_queue.
 *
 * Thread-safety
 *   One handle per thread, as libnetfilter_queue.
 */
#ifndef LIBNFU_QUEUE_H
#define LIBNFU_QUEUE_H

#include <stdint.h>
#include <sys/time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nfuq_handle;
struct nfuq_q_handle;
struct nfuq_data;

struct nfuqnl_msg_packet_hdr {
	uint32_t packet_id;   /* network byte order */
	uint16_t hw_protocol; /* network byte order */
	uint8_t hook;         /* NF_INET_* */
} __attribute__((packed));

enum nfuqnl_config_mode {
	NFUQNL_COPY_NONE,
	NFUQNL_COPY_META,
	NFUQNL_COPY_PACKET,
};

#define NFUQA_CFG_F_FAIL_OPEN (1 << 0)
#define NFUQA_CFG_F_CONNTRACK (1 << 1)
#define NFUQA_CFG_F_GSO (1 << 2)
#define NFUQA_CFG_F_UID_GID (1 << 3)
#define NFUQA_CFG_F_SECCTX (1 << 4)
#define NFUQA_CFG_F_MAX (1 << 5)

typedef int nfuq_callback(struct nfuq_q_handle *qh, struct nfgenmsg *nfmsg,
			  struct nfuq_data *nfad, void *data);

struct nfuq_handle *nfuq_open(void);
struct nfuq_handle *nfuq_open_path(const char *path);
int nfuq_close(struct nfuq_handle *h);
/* No-ops kept for old programs (libnetfilter_queue's are no-ops on Linux
 * 3.8 and later). */
int nfuq_bind_pf(struct nfuq_handle *h, uint16_t pf);
int nfuq_unbind_pf(struct nfuq_handle *h, uint16_t pf);

struct nfuq_q_handle *nfuq_create_queue(struct nfuq_handle *h, uint16_t num,
					nfuq_callback *cb, void *data);
int nfuq_destroy_queue(struct nfuq_q_handle *qh);
int nfuq_set_mode(struct nfuq_q_handle *qh, uint8_t mode, uint32_t range);
int nfuq_set_queue_maxlen(struct nfuq_q_handle *qh, uint32_t queuelen);
int nfuq_set_queue_flags(struct nfuq_q_handle *qh, uint32_t mask,
			 uint32_t flags);

int nfuq_fd(struct nfuq_handle *h);
/* 'buf' holds 'len' bytes read from nfuq_fd().  Returns 0, or -1 with
 * errno: EBADMSG for bytes that are not the protocol (the connection is
 * then unusable), or a callback's negative return. */
int nfuq_handle_packet(struct nfuq_handle *h, char *buf, int len);

/* Verdicts.  Return the bytes queued for sending (> 0) or -1. */
int nfuq_set_verdict(struct nfuq_q_handle *qh, uint32_t id, uint32_t verdict,
		     uint32_t data_len, const unsigned char *buf);
int nfuq_set_verdict2(struct nfuq_q_handle *qh, uint32_t id,
		      uint32_t verdict, uint32_t mark, uint32_t datalen,
		      const unsigned char *buf);
int nfuq_set_verdict_batch(struct nfuq_q_handle *qh, uint32_t id,
			   uint32_t verdict);
int nfuq_set_verdict_batch2(struct nfuq_q_handle *qh, uint32_t id,
			    uint32_t verdict, uint32_t mark);

/* The packet of a callback. */
struct nfuqnl_msg_packet_hdr *nfuq_get_msg_packet_hdr(struct nfuq_data *nfad);
uint32_t nfuq_get_nfmark(struct nfuq_data *nfad);
int nfuq_get_timestamp(struct nfuq_data *nfad, struct timeval *tv);
uint32_t nfuq_get_indev(struct nfuq_data *nfad);
uint32_t nfuq_get_outdev(struct nfuq_data *nfad);
uint32_t nfuq_get_physindev(struct nfuq_data *nfad);  /* always 0 */
uint32_t nfuq_get_physoutdev(struct nfuq_data *nfad); /* always 0 */
/* Sets *data to the copied bytes; returns their length, or -1 when none
 * were copied (COPY_NONE, COPY_META). */
int nfuq_get_payload(struct nfuq_data *nfad, unsigned char **data);
/* The queue number of 'qh' (not in libnetfilter_queue: an addition). */
uint16_t nfuq_queue_num(const struct nfuq_q_handle *qh);

#ifdef __cplusplus
}
#endif
#endif
