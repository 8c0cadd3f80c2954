/* SPDX-License-Identifier: MIT */
/*
 * IPv4 fragmentation on output: the behaviour of Linux's ip_do_fragment(),
 * both its paths.  A datagram reassembled by conntrack's defrag holds the
 * fragments it came in (its frag_list; nfu keeps their lengths,
 * pkt->frag_lens): when their geometry allows, the fast path sends them
 * again as they were, each with a copy of the header.  Otherwise the
 * slow path cuts the datagram into pieces as large as the MTU allows.
 *
 * Fragments are made and handed to 'output' one at a time, in order, as
 * Linux does: a failure of 'output' stops the loop, so the rest of the
 * datagram is never built.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "core/csum.h"
#include "core/net-private.h"
#include "ipv4/frag.h"

#define IP_MINHLEN 20u
#define IP_MAXHLEN 60u
#define IP_DF 0x4000u
#define IP_MF 0x2000u
#define IP_OFFMASK 0x1fffu

#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_COPIED 0x80

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/*
 * What ip_options_fragment() does to the header later fragments copy: the
 * options in 'opt' ('len' bytes) without the copied flag become NOPs, the
 * whole option, type and length included.  The walk stops, leaving the
 * rest as it is, at an EOL or at an option whose length is below 2 or runs
 * past the end: Linux checked the options on the way in, so a malformed
 * list is only trusted as far as it is well formed.
 */
static void strip_uncopied_options(unsigned char *opt, unsigned int len)
{
	unsigned int i = 0;

	while (i < len) {
		unsigned int olen;

		if (opt[i] == IPOPT_EOL)
			return;
		if (opt[i] == IPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return;
		if (!(opt[i] & IPOPT_COPIED))
			memset(opt + i, IPOPT_NOP, olen);
		i += olen;
	}
}

/* The reason the unsent rest of a datagram is dropped for, when 'output'
 * failed with 'err' on one of its fragments.  (Linux frees it with
 * kfree_skb and no particular reason; there the only failure of
 * ip_finish_output2 is a neighbour that could not be created.) */
static enum nfu_drop_reason rest_reason(int err)
{
	switch (err) {
	case -ENOMEM:
	case -ENOBUFS:
		return NFU_DROP_NOMEM;
	case -EPERM:
		return NFU_DROP_NETFILTER;
	default:
		return NFU_DROP_NO_NEIGH;
	}
}

static void copy_metadata(struct nfu_pkt *to, const struct nfu_pkt *from)
{
	to->pkt_type = from->pkt_type;
	to->local_out = from->local_out;
	to->in = from->in;
	to->out = from->out;
	to->mark = from->mark;
	to->nexthop = from->nexthop;
	to->rt_type = from->rt_type;
	to->tos = from->tos;
	to->ct = from->ct;      /* each fragment holds the connection */
	nfu_pkt_ct_get(to);
	to->ctinfo = from->ctinfo;
	to->tstamp = from->tstamp;
	to->fragment = 1;
}

/* A fragment of 'pkt': header 'hdr' of 'hlen' bytes, then 'len' bytes of
 * payload from 'data'; its metadata from 'pkt'.  NULL: out of memory. */
static struct nfu_pkt *new_piece(struct nfu_net *net, const struct nfu_pkt *pkt,
				 const unsigned char *hdr, unsigned int hlen,
				 const unsigned char *data, unsigned int len)
{
	struct nfu_pkt *f = nfu_pkt_alloc(net, hlen + len);
	unsigned char *ip;

	if (!f)
		return NULL;
	copy_metadata(f, pkt);
	ip = nfu_pkt_put(f, hlen + len);
	nfu_pkt_reset_network_header(f);
	f->transport_off = f->network_off + hlen;
	memcpy(ip, hdr, hlen);
	memcpy(ip + hlen, data, len);
	return f;
}

/*
 * The fast path's test of the pieces of 'pkt': every one fits 'room'
 * (the MTU's data space), every one but the last is a multiple of 8
 * bytes, and the datagram is not itself a fragment.  Linux also goes the
 * slow way for a cloned head, a shared piece or too little headroom,
 * which nfu packets never are; the pieces must add up to the payload (a
 * change of length drops them: nfu_pkt_linearize()).
 */
static bool pieces_fit(const struct nfu_pkt *pkt, unsigned int hlen,
		       unsigned int room)
{
	uint32_t sum = 0;

	if (!pkt->frag_lens || pkt->frag_count < 2)
		return false;
	if (get16(pkt->data + 6) & (IP_MF | IP_OFFMASK))
		return false;
	for (unsigned int i = 0; i < pkt->frag_count; i++) {
		unsigned int len = pkt->frag_lens[i];

		if (len > room || ((len & 7) && i + 1 < pkt->frag_count))
			return false;
		sum += len;
	}
	return sum == pkt->len - hlen;
}

/*
 * ip_do_fragment()'s fast path (ip_fraglist_init(), ip_fraglist_prepare()):
 * the first piece keeps the datagram's header whole, the next ones a copy
 * with the options that are not copied made NOPs (ip_options_fragment(),
 * once, on the second).  No piece has DF, whatever the datagram had: the
 * first's frag_off is MF alone, the others' their offset and MF but the
 * last.
 */
static int send_pieces(struct nfu_net *net, struct nfu_pkt *pkt,
		       unsigned int hlen,
		       int (*output)(struct nfu_net *net, struct nfu_pkt *pkt))
{
	unsigned char hdr[IP_MAXHLEN];
	unsigned int ptr = hlen, offset = 0;
	int err;

	memcpy(hdr, pkt->data, hlen);
	for (unsigned int i = 0; i < pkt->frag_count; i++) {
		unsigned int len = pkt->frag_lens[i];
		bool last = i + 1 == pkt->frag_count;
		struct nfu_pkt *f;
		unsigned char *ip;
		uint16_t sum;

		f = new_piece(net, pkt, hdr, hlen, pkt->data + ptr, len);
		if (!f) {
			nfu_pkt_drop(pkt, NFU_DROP_NOMEM);
			return -ENOMEM;
		}
		ip = nfu_pkt_network_header(f);
		put16(ip + 6, (offset >> 3) | (last ? 0 : IP_MF));
		put16(ip + 2, hlen + len);
		put16(ip + 10, 0);
		sum = nfu_ip_fast_csum(ip, hlen / 4);
		memcpy(ip + 10, &sum, 2);
		if (i == 0)
			strip_uncopied_options(hdr + IP_MINHLEN,
					       hlen - IP_MINHLEN);
		ptr += len;
		offset += len;

		err = output(net, f);
		if (err) {
			if (!last)
				nfu_pkt_drop(pkt, rest_reason(err));
			else
				nfu_pkt_free(pkt);
			return err;
		}
		net->stats.frag_creates++;
	}
	nfu_pkt_free(pkt);
	net->stats.frag_oks++;
	return 0;
}

int nfu_ip_fragment(struct nfu_net *net, struct nfu_pkt *pkt,
		    unsigned int mtu,
		    int (*output)(struct nfu_net *net, struct nfu_pkt *pkt))
{
	unsigned char hdr[IP_MAXHLEN];
	unsigned int hlen, room, left, ptr, offset, keep;
	bool more_after; /* the original was not the datagram's last piece */
	bool strip;
	int err;

	assert(pkt->len >= IP_MINHLEN && (pkt->data[0] >> 4) == 4);
	hlen = (pkt->data[0] & 0x0fu) * 4u;
	assert(hlen >= IP_MINHLEN && hlen <= pkt->len);

	/* As in Linux, the largest fragment a reassembled datagram arrived
	 * in caps the size of the fragments it leaves in. */
	if (pkt->frag_max_size && pkt->frag_max_size < mtu)
		mtu = pkt->frag_max_size;

	/* Linux has no such test: IPv4 needs an MTU of 68, a 60-byte header
	 * and 8 bytes.  nfu takes any 'mtu', and a data space below 8 would
	 * round every fragment down to nothing; ip6_fragment() answers
	 * -EMSGSIZE in that case, and so does nfu. */
	if (mtu < hlen + 8) {
		nfu_pkt_drop(pkt, NFU_DROP_PKT_TOO_BIG);
		return -EMSGSIZE;
	}
	room = mtu - hlen;
	if (pieces_fit(pkt, hlen, room))
		return send_pieces(net, pkt, hlen, output);

	memcpy(hdr, pkt->data, hlen);
	offset = (get16(hdr + 6) & IP_OFFMASK) * 8u;
	more_after = get16(hdr + 6) & IP_MF;
	/* Linux clears DF on fragments unless IPSKB_FRAG_PMTU says the
	 * datagram was reassembled from fragments that all had DF, in which
	 * case ip_frag_reasm() also left DF in its header.  nfu has no such
	 * flag; DF in the header of a datagram being fragmented (so allowed
	 * to be) is that case.  The reserved bit is cleared, as in Linux. */
	keep = get16(hdr + 6) & IP_DF;
	/* Options are fixed once, after the first fragment, and only when
	 * it is the datagram's first: a later fragment's were fixed by
	 * whoever cut it. */
	strip = offset == 0;

	left = pkt->len - hlen;
	ptr = hlen;
	while (left > 0) {
		unsigned int len = left;
		struct nfu_pkt *f;
		unsigned char *ip;
		unsigned int fo;
		uint16_t sum;

		if (len > room)
			len = room;
		/* All but the last piece end on an 8-byte boundary. */
		if (len < left)
			len &= ~7u;

		f = new_piece(net, pkt, hdr, hlen, pkt->data + ptr, len);
		if (!f) {
			nfu_pkt_drop(pkt, NFU_DROP_NOMEM);
			return -ENOMEM;
		}
		ip = nfu_pkt_network_header(f);
		left -= len;

		fo = ((offset >> 3) & IP_OFFMASK) | keep;
		if (left > 0 || more_after)
			fo |= IP_MF;
		put16(ip + 6, fo);
		put16(ip + 2, hlen + len);
		put16(ip + 10, 0);
		sum = nfu_ip_fast_csum(ip, hlen / 4);
		memcpy(ip + 10, &sum, 2);

		if (strip) {
			strip_uncopied_options(hdr + IP_MINHLEN,
					       hlen - IP_MINHLEN);
			strip = false;
		}
		ptr += len;
		offset += len;

		/* Any value but 0 stops, as in Linux. */
		err = output(net, f);
		if (err) {
			if (left > 0)
				nfu_pkt_drop(pkt, rest_reason(err));
			else
				nfu_pkt_free(pkt);
			return err;
		}
		net->stats.frag_creates++;
	}
	nfu_pkt_free(pkt);
	net->stats.frag_oks++;
	return 0;
}
