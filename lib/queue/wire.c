/* SPDX-License-Identifier: MIT */
/*
 * The queue protocol's encoder and decoder (wire.h, docs/queue-protocol.md).
 * Built into libnfu (the server) and into libnfu-queue (handlers).
 */
#include <errno.h>
#include <string.h>

#include "queue/wire.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

long nfu_qwire_next(const uint8_t *buf, size_t len)
{
	uint32_t mlen;

	if (len < 4)
		return 0;
	mlen = get32(buf);
	if (mlen < NFU_QWIRE_HDR_LEN || mlen > NFU_QWIRE_MAX_MSG)
		return -EBADMSG;
	return len < mlen ? 0 : (long)mlen;
}

/* The fixed body of each type, or -1 for an unknown type. */
static long fixed_len(uint16_t type)
{
	switch (type) {
	case NFU_QWIRE_HELLO:
		return NFU_QWIRE_HELLO_LEN;
	case NFU_QWIRE_BIND:
	case NFU_QWIRE_UNBIND:
		return NFU_QWIRE_QUEUE_LEN;
	case NFU_QWIRE_PARAMS:
		return NFU_QWIRE_PARAMS_LEN;
	case NFU_QWIRE_MAXLEN:
		return NFU_QWIRE_MAXLEN_LEN;
	case NFU_QWIRE_FLAGS:
		return NFU_QWIRE_FLAGS_LEN;
	case NFU_QWIRE_VERDICT:
		return NFU_QWIRE_VERDICT_LEN;
	case NFU_QWIRE_STATS_REQ:
		return 0;
	case NFU_QWIRE_ACK:
		return NFU_QWIRE_ACK_LEN;
	case NFU_QWIRE_PACKET:
		return NFU_QWIRE_PACKET_LEN;
	case NFU_QWIRE_STATS:
		return 4;
	}
	return -1;
}

int nfu_qwire_decode(const uint8_t *buf, size_t len, struct nfu_qwire_msg *m)
{
	const uint8_t *b = buf + NFU_QWIRE_HDR_LEN;
	size_t blen;
	long fixed;

	memset(m, 0, sizeof(*m));
	if (len < NFU_QWIRE_HDR_LEN || len > NFU_QWIRE_MAX_MSG ||
	    get32(buf) != len)
		return -EBADMSG;
	m->type = get16(buf + 4);
	m->flags = get16(buf + 6);
	m->seq = get32(buf + 8);
	fixed = fixed_len(m->type);
	if (fixed < 0)
		return -EPROTO;
	blen = len - NFU_QWIRE_HDR_LEN;
	if (blen < (size_t)fixed)
		return -EBADMSG;
	switch (m->type) {
	case NFU_QWIRE_HELLO:
		m->u.version = get16(b);
		break;
	case NFU_QWIRE_BIND:
	case NFU_QWIRE_UNBIND:
		m->u.queue = get16(b);
		break;
	case NFU_QWIRE_PARAMS:
		m->u.params.queue = get16(b);
		m->u.params.mode = b[2];
		m->u.params.range = get32(b + 4);
		break;
	case NFU_QWIRE_MAXLEN:
		m->u.maxlen.queue = get16(b);
		m->u.maxlen.maxlen = get32(b + 4);
		break;
	case NFU_QWIRE_FLAGS:
		m->u.cfgflags.queue = get16(b);
		m->u.cfgflags.mask = get32(b + 4);
		m->u.cfgflags.flags = get32(b + 8);
		break;
	case NFU_QWIRE_VERDICT: {
		struct nfu_qwire_verdict *v = &m->u.verdict;

		v->queue = get16(b);
		v->vflags = get16(b + 2);
		v->id = get32(b + 4);
		v->verdict = get32(b + 8);
		v->mark = get32(b + 12);
		if (v->vflags & NFU_QWIRE_V_PAYLOAD) {
			/* A new packet replaces one packet: never with a
			 * batch, never empty. */
			if (v->vflags & NFU_QWIRE_V_BATCH ||
			    blen == NFU_QWIRE_VERDICT_LEN)
				return -EBADMSG;
			v->data = b + NFU_QWIRE_VERDICT_LEN;
			v->data_len = (uint32_t)(blen - NFU_QWIRE_VERDICT_LEN);
		}
		break;
	}
	case NFU_QWIRE_ACK:
		m->u.error = get32(b);
		break;
	case NFU_QWIRE_PACKET: {
		struct nfu_qwire_packet *p = &m->u.packet;

		p->queue = get16(b);
		p->hw_protocol = get16(b + 2);
		p->hook = b[4];
		p->id = get32(b + 8);
		p->mark = get32(b + 12);
		p->indev = get32(b + 16);
		p->outdev = get32(b + 20);
		p->ts_sec = (uint64_t)get32(b + 24) << 32 | get32(b + 28);
		p->ts_usec = get32(b + 32);
		p->pkt_len = get32(b + 36);
		p->data = b + NFU_QWIRE_PACKET_LEN;
		p->data_len = (uint32_t)(blen - NFU_QWIRE_PACKET_LEN);
		/* More bytes than the packet has cannot be a copy of it. */
		if (p->data_len > p->pkt_len || p->ts_usec >= 1000000)
			return -EBADMSG;
		break;
	}
	case NFU_QWIRE_STATS:
		m->u.stats.count = get32(b);
		if ((blen - 4) / NFU_QWIRE_STATS_REC_LEN < m->u.stats.count)
			return -EBADMSG;
		m->u.stats.recs = b + 4;
		break;
	}
	return 0;
}

void nfu_qwire_stats_rec(const struct nfu_qwire_msg *m, uint32_t i,
			 struct nfu_qwire_stats *s)
{
	const uint8_t *r = m->u.stats.recs + (size_t)i * NFU_QWIRE_STATS_REC_LEN;

	memset(s, 0, sizeof(*s));
	s->queue = get16(r);
	s->bound = r[2];
	s->copy_mode = r[3];
	s->peer = get32(r + 4);
	s->queue_total = get32(r + 8);
	s->copy_range = get32(r + 12);
	s->queue_dropped = get32(r + 16);
	s->queue_user_dropped = get32(r + 20);
	s->id_sequence = get32(r + 24);
	s->maxlen = get32(r + 28);
	s->flags = get32(r + 32);
	s->failopen = get32(r + 36);
	s->nohandler_dropped = get32(r + 40);
	s->nohandler_bypassed = get32(r + 44);
	s->handler_gone = get32(r + 48);
	s->timed_out = get32(r + 52);
	for (int v = 0; v < 6; v++)
		s->verdicts[v] = get32(r + 56 + 4 * v);
}

size_t nfu_qwire_put_hdr(uint8_t *buf, size_t cap, uint16_t type,
			 uint16_t flags, uint32_t seq, size_t body_len)
{
	size_t len = NFU_QWIRE_HDR_LEN + body_len;

	if (body_len > NFU_QWIRE_MAX_MSG - NFU_QWIRE_HDR_LEN || len > cap)
		return 0;
	put32(buf, (uint32_t)len);
	put16(buf + 4, type);
	put16(buf + 6, flags);
	put32(buf + 8, seq);
	return len;
}

size_t nfu_qwire_put_u16(uint8_t *buf, size_t cap, uint16_t type,
			 uint32_t seq, uint16_t v)
{
	size_t n = nfu_qwire_put_hdr(buf, cap, type, 0, seq, 4);

	if (n) {
		put16(buf + NFU_QWIRE_HDR_LEN, v);
		put16(buf + NFU_QWIRE_HDR_LEN + 2, 0);
	}
	return n;
}

size_t nfu_qwire_put_params(uint8_t *buf, size_t cap, uint32_t seq,
			    uint16_t queue, uint8_t mode, uint32_t range)
{
	size_t n = nfu_qwire_put_hdr(buf, cap, NFU_QWIRE_PARAMS, 0, seq,
				     NFU_QWIRE_PARAMS_LEN);
	uint8_t *b = buf + NFU_QWIRE_HDR_LEN;

	if (n) {
		put16(b, queue);
		b[2] = mode;
		b[3] = 0;
		put32(b + 4, range);
	}
	return n;
}

size_t nfu_qwire_put_maxlen(uint8_t *buf, size_t cap, uint32_t seq,
			    uint16_t queue, uint32_t maxlen)
{
	size_t n = nfu_qwire_put_hdr(buf, cap, NFU_QWIRE_MAXLEN, 0, seq,
				     NFU_QWIRE_MAXLEN_LEN);
	uint8_t *b = buf + NFU_QWIRE_HDR_LEN;

	if (n) {
		put16(b, queue);
		put16(b + 2, 0);
		put32(b + 4, maxlen);
	}
	return n;
}

size_t nfu_qwire_put_flags(uint8_t *buf, size_t cap, uint32_t seq,
			   uint16_t queue, uint32_t mask, uint32_t flags)
{
	size_t n = nfu_qwire_put_hdr(buf, cap, NFU_QWIRE_FLAGS, 0, seq,
				     NFU_QWIRE_FLAGS_LEN);
	uint8_t *b = buf + NFU_QWIRE_HDR_LEN;

	if (n) {
		put16(b, queue);
		put16(b + 2, 0);
		put32(b + 4, mask);
		put32(b + 8, flags);
	}
	return n;
}

size_t nfu_qwire_put_verdict(uint8_t *buf, size_t cap, uint32_t seq,
			     uint16_t hflags, const struct nfu_qwire_verdict *v)
{
	uint32_t dlen = v->vflags & NFU_QWIRE_V_PAYLOAD ? v->data_len : 0;
	size_t n = nfu_qwire_put_hdr(buf, cap, NFU_QWIRE_VERDICT, hflags, seq,
				     (size_t)NFU_QWIRE_VERDICT_LEN + dlen);
	uint8_t *b = buf + NFU_QWIRE_HDR_LEN;

	if (n) {
		put16(b, v->queue);
		put16(b + 2, v->vflags);
		put32(b + 4, v->id);
		put32(b + 8, v->verdict);
		put32(b + 12, v->mark);
		if (dlen)
			memcpy(b + NFU_QWIRE_VERDICT_LEN, v->data, dlen);
	}
	return n;
}

size_t nfu_qwire_put_ack(uint8_t *buf, size_t cap, uint32_t seq,
			 uint32_t error)
{
	size_t n = nfu_qwire_put_hdr(buf, cap, NFU_QWIRE_ACK, 0, seq,
				     NFU_QWIRE_ACK_LEN);

	if (n)
		put32(buf + NFU_QWIRE_HDR_LEN, error);
	return n;
}

size_t nfu_qwire_put_packet(uint8_t *buf, size_t cap,
			    const struct nfu_qwire_packet *p)
{
	size_t n;
	uint8_t *b = buf + NFU_QWIRE_HDR_LEN;

	if (p->data_len > p->pkt_len)
		return 0;
	n = nfu_qwire_put_hdr(buf, cap, NFU_QWIRE_PACKET, 0, 0,
			      (size_t)NFU_QWIRE_PACKET_LEN + p->data_len);
	if (n) {
		put16(b, p->queue);
		put16(b + 2, p->hw_protocol);
		b[4] = p->hook;
		b[5] = b[6] = b[7] = 0;
		put32(b + 8, p->id);
		put32(b + 12, p->mark);
		put32(b + 16, p->indev);
		put32(b + 20, p->outdev);
		put32(b + 24, (uint32_t)(p->ts_sec >> 32));
		put32(b + 28, (uint32_t)p->ts_sec);
		put32(b + 32, p->ts_usec);
		put32(b + 36, p->pkt_len);
		put32(b + 40, 0);
		if (p->data_len)
			memcpy(b + NFU_QWIRE_PACKET_LEN, p->data, p->data_len);
	}
	return n;
}

size_t nfu_qwire_put_stats(uint8_t *buf, size_t cap, uint32_t seq,
			   const struct nfu_qwire_stats *s, uint32_t count)
{
	size_t n;
	uint8_t *r;

	if (count > (NFU_QWIRE_MAX_MSG - NFU_QWIRE_HDR_LEN - 4) /
			    NFU_QWIRE_STATS_REC_LEN)
		return 0;
	n = nfu_qwire_put_hdr(buf, cap, NFU_QWIRE_STATS, 0, seq,
			      4 + (size_t)count * NFU_QWIRE_STATS_REC_LEN);
	if (!n)
		return 0;
	put32(buf + NFU_QWIRE_HDR_LEN, count);
	r = buf + NFU_QWIRE_HDR_LEN + 4;
	for (uint32_t i = 0; i < count; i++, s++) {
		uint8_t *p = r + (size_t)i * NFU_QWIRE_STATS_REC_LEN;

		put16(p, s->queue);
		p[2] = s->bound;
		p[3] = s->copy_mode;
		p = put32(p + 4, s->peer);
		p = put32(p, s->queue_total);
		p = put32(p, s->copy_range);
		p = put32(p, s->queue_dropped);
		p = put32(p, s->queue_user_dropped);
		p = put32(p, s->id_sequence);
		p = put32(p, s->maxlen);
		p = put32(p, s->flags);
		p = put32(p, s->failopen);
		p = put32(p, s->nohandler_dropped);
		p = put32(p, s->nohandler_bypassed);
		p = put32(p, s->handler_gone);
		p = put32(p, s->timed_out);
		for (int v = 0; v < 6; v++)
			p = put32(p, s->verdicts[v]);
	}
	return n;
}

size_t nfu_qwire_put_empty(uint8_t *buf, size_t cap, uint16_t type,
			   uint32_t seq)
{
	return nfu_qwire_put_hdr(buf, cap, type, 0, seq, 0);
}
