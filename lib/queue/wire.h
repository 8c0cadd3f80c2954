/* SPDX-License-Identifier: MIT */
/*
 * queue/wire.h - the messages between nfu's queue server and its handlers.
 *
 * What?
 *   The queue server (lib/queue/server.c, inside the stack) and the handler
 *   library libnfu-queue (lib/queue/libnfuq.c, inside a handler process)
 *   talk over a Unix-domain stream socket.  docs/queue-protocol.md is the
 *   reference; this header is its C form, used by both sides.
 *
 * Basic design
 *   Every message is a 12-byte header and a body, all integers in network
 *   byte order:
 *
 *     u32 len     the whole message, header included: 12 <= len <= 
 *                 NFU_QWIRE_MAX_MSG
 *     u16 type    NFU_QWIRE_*
 *     u16 flags   NFU_QWIRE_F_*; unknown bits are ignored
 *     u32 seq     chosen by the sender, echoed by the ACK that answers
 *
 *   A body shorter than its type's fixed part is an error (EBADMSG); bytes
 *   beyond the fixed part are the payload where the type has one, and are
 *   ignored otherwise (room for later versions).  An unknown type is an
 *   error.  A stream that yields an impossible length cannot be resynced:
 *   the reader closes it.
 *
 *   The decoder never trusts a length: nfu_qwire_next() checks the frame,
 *   nfu_qwire_decode() the body, both against the bytes actually present.
 *   Neither allocates; decoded payload pointers point into the buffer.
 *
 * Thread-safety
 *   Pure functions on caller buffers.
 */
#ifndef NFU_QUEUE_WIRE_H
#define NFU_QUEUE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define NFU_QWIRE_VERSION 1
#define NFU_QWIRE_HDR_LEN 12u
/* A packet of 65535 bytes and the largest fixed part fit. */
#define NFU_QWIRE_MAX_MSG (65535u + 256u)

/* Handler to server. */
enum {
	NFU_QWIRE_HELLO = 1,   /* u16 version, u16 zero; must come first */
	NFU_QWIRE_BIND = 2,    /* u16 queue, u16 zero */
	NFU_QWIRE_UNBIND = 3,  /* u16 queue, u16 zero */
	NFU_QWIRE_PARAMS = 4,  /* u16 queue, u8 copy mode, u8 zero, u32 range */
	NFU_QWIRE_MAXLEN = 5,  /* u16 queue, u16 zero, u32 maxlen */
	NFU_QWIRE_FLAGS = 6,   /* u16 queue, u16 zero, u32 mask, u32 flags */
	NFU_QWIRE_VERDICT = 7, /* u16 queue, u16 vflags, u32 id, u32 verdict,
				  u32 mark, then the new packet (vflags
				  PAYLOAD) */
	NFU_QWIRE_STATS_REQ = 8, /* empty: list every queue */
	/* Server to handler. */
	NFU_QWIRE_ACK = 16,    /* u32 errno (0: done), seq of the request */
	NFU_QWIRE_PACKET = 17, /* see struct nfu_qwire_packet */
	NFU_QWIRE_STATS = 18,  /* u32 count, then count records of
				  NFU_QWIRE_STATS_REC_LEN bytes */
};

/* Header flags. */
#define NFU_QWIRE_F_ACK 0x0001u /* answer with an ACK (config requests are
				   always answered) */

/* Verdict flags. */
#define NFU_QWIRE_V_BATCH 0x0001u   /* every packet of the queue with an id up
				       to 'id' (modulo 2^32, as Linux) */
#define NFU_QWIRE_V_MARK 0x0002u    /* set the packet's mark to 'mark' */
#define NFU_QWIRE_V_PAYLOAD 0x0004u /* the rest of the message is the
				       packet's new bytes */

/* Copy modes and queue flags: libnetfilter_queue's numbers. */
#define NFU_QWIRE_COPY_NONE 0
#define NFU_QWIRE_COPY_META 1
#define NFU_QWIRE_COPY_PACKET 2
#define NFU_QWIRE_CFG_F_FAIL_OPEN 0x0001u
#define NFU_QWIRE_CFG_F_CONNTRACK 0x0002u /* accepted, ignored */
#define NFU_QWIRE_CFG_F_GSO 0x0004u       /* accepted, ignored */
#define NFU_QWIRE_CFG_F_UID_GID 0x0008u   /* accepted, ignored */
#define NFU_QWIRE_CFG_F_SECCTX 0x0010u    /* accepted, ignored */
#define NFU_QWIRE_CFG_F_ALL 0x001fu

/* Fixed body sizes. */
#define NFU_QWIRE_HELLO_LEN 4u
#define NFU_QWIRE_QUEUE_LEN 4u  /* BIND, UNBIND */
#define NFU_QWIRE_PARAMS_LEN 8u
#define NFU_QWIRE_MAXLEN_LEN 8u
#define NFU_QWIRE_FLAGS_LEN 12u
#define NFU_QWIRE_VERDICT_LEN 16u
#define NFU_QWIRE_ACK_LEN 4u
#define NFU_QWIRE_PACKET_LEN 44u
#define NFU_QWIRE_STATS_REC_LEN 80u

struct nfu_qwire_packet {
	uint16_t queue;
	uint16_t hw_protocol; /* ETH_P_IP for IPv4 */
	uint8_t hook;         /* NF_INET_* */
	uint32_t id;          /* per queue, from 1, as Linux's id_sequence */
	uint32_t mark;
	uint32_t indev, outdev; /* ifindex, 0 for none */
	uint64_t ts_sec;      /* the packet's time (the stack's clock) */
	uint32_t ts_usec;
	uint32_t pkt_len;     /* the whole packet's length */
	const uint8_t *data;  /* the copied bytes: NONE/META 0, PACKET up */
	uint32_t data_len;    /* to the copy range */
};

struct nfu_qwire_verdict {
	uint16_t queue;
	uint16_t vflags;
	uint32_t id;
	uint32_t verdict;     /* NF_DROP 0 ... NF_STOP 5 */
	uint32_t mark;
	const uint8_t *data;  /* vflags PAYLOAD */
	uint32_t data_len;
};

/* One queue's line of `nfu queue -L`: Linux's
 * /proc/net/netfilter/nfnetlink_queue columns, then nfu's. */
struct nfu_qwire_stats {
	uint16_t queue;
	uint8_t bound;         /* a handler has bound it */
	uint8_t copy_mode;
	uint32_t peer;         /* the handler's number, 0 when not bound */
	uint32_t queue_total;  /* packets waiting for a verdict */
	uint32_t copy_range;
	uint32_t queue_dropped;      /* queue full, dropped */
	uint32_t queue_user_dropped; /* could not reach the handler, dropped */
	uint32_t id_sequence;
	uint32_t maxlen;
	uint32_t flags;        /* NFU_QWIRE_CFG_F_* */
	uint32_t failopen;     /* accepted because the queue was full or the
				  handler unreachable, with FAIL_OPEN */
	uint32_t nohandler_dropped;  /* nobody bound, dropped */
	uint32_t nohandler_bypassed; /* nobody bound, --queue-bypass */
	uint32_t handler_gone;       /* dropped: the handler went away */
	uint32_t timed_out;          /* given the timeout's verdict */
	uint32_t verdicts[6];        /* by verdict from the handler */
};

/* A decoded message.  Which member is meaningful follows 'type'. */
struct nfu_qwire_msg {
	uint16_t type, flags;
	uint32_t seq;
	union {
		uint16_t version;      /* HELLO */
		uint16_t queue;        /* BIND, UNBIND */
		struct {
			uint16_t queue;
			uint8_t mode;
			uint32_t range;
		} params;
		struct {
			uint16_t queue;
			uint32_t maxlen;
		} maxlen;
		struct {
			uint16_t queue;
			uint32_t mask, flags;
		} cfgflags;
		struct nfu_qwire_verdict verdict;
		uint32_t error;        /* ACK */
		struct nfu_qwire_packet packet;
		struct {
			uint32_t count;
			const uint8_t *recs;   /* nfu_qwire_stats_rec() */
		} stats;
	} u;
};

/* Frame: how long the message at 'buf' is.  Returns its length when 'len'
 * bytes hold all of it, 0 when more bytes are needed, -EBADMSG when the
 * header is impossible (length below the header or above the maximum). */
long nfu_qwire_next(const uint8_t *buf, size_t len);

/* Decode one whole message of 'len' bytes (as nfu_qwire_next() framed
 * it) into 'm'.  Returns 0, -EBADMSG (a body too short, a count that does
 * not fit, a payload flag without payload) or -EPROTO (unknown type). */
int nfu_qwire_decode(const uint8_t *buf, size_t len, struct nfu_qwire_msg *m);

/* Record 'i' of a STATS message decoded by nfu_qwire_decode(). */
void nfu_qwire_stats_rec(const struct nfu_qwire_msg *m, uint32_t i,
			 struct nfu_qwire_stats *s);

/* Encoders write a whole message into 'buf' of 'cap' bytes and return its
 * length, or 0 when it does not fit ('data_len' beyond the maximum
 * included). */
size_t nfu_qwire_put_hdr(uint8_t *buf, size_t cap, uint16_t type,
			 uint16_t flags, uint32_t seq, size_t body_len);
size_t nfu_qwire_put_u16(uint8_t *buf, size_t cap, uint16_t type,
			 uint32_t seq, uint16_t v); /* HELLO, BIND, UNBIND */
size_t nfu_qwire_put_params(uint8_t *buf, size_t cap, uint32_t seq,
			    uint16_t queue, uint8_t mode, uint32_t range);
size_t nfu_qwire_put_maxlen(uint8_t *buf, size_t cap, uint32_t seq,
			    uint16_t queue, uint32_t maxlen);
size_t nfu_qwire_put_flags(uint8_t *buf, size_t cap, uint32_t seq,
			   uint16_t queue, uint32_t mask, uint32_t flags);
size_t nfu_qwire_put_verdict(uint8_t *buf, size_t cap, uint32_t seq,
			     uint16_t hflags, const struct nfu_qwire_verdict *v);
size_t nfu_qwire_put_ack(uint8_t *buf, size_t cap, uint32_t seq,
			 uint32_t error);
size_t nfu_qwire_put_packet(uint8_t *buf, size_t cap,
			    const struct nfu_qwire_packet *p);
/* STATS: 'count' records. */
size_t nfu_qwire_put_stats(uint8_t *buf, size_t cap, uint32_t seq,
			   const struct nfu_qwire_stats *s, uint32_t count);
size_t nfu_qwire_put_empty(uint8_t *buf, size_t cap, uint16_t type,
			   uint32_t seq); /* STATS_REQ */

#endif
