/* SPDX-License-Identifier: MIT */
/*
 * nat/nat_helper.c - NAT for the helpers (Linux's nf_nat_helper.c,
 * nf_nat_ftp.c, nf_nat_tftp.c and nf_conntrack_seqadj.c, for IPv4):
 *
 *   - the expected connection of a translated master is bound as it is
 *     made, both ways, as its expectation says (nf_nat_follow_master()),
 *     so that the nat table never sees it;
 *   - FTP: a PORT, EPRT, 227 or 229 line of a translated control
 *     connection has its address and port rewritten to what the other
 *     end sees (the connection's address on that side, and a port that
 *     no other expectation holds, from the one asked for on);
 *   - when that changes the length of the segment, the connection keeps
 *     a sequence adjustment per direction: where the change was and the
 *     offset before and after it.  Every later segment of the connection
 *     has its sequence number moved by its direction's offset, and its
 *     acknowledgement and SACK blocks back by the other direction's, at
 *     confirm after the helper (nfu_nat_seq_adjust(), core.c); the TCP
 *     tracker reads acknowledgements through the offset
 *     (nfu_nat_seq_offset(), proto_tcp.c);
 *   - TFTP: only the binding of the transfer; the request is unchanged.
 *
 * Checksums.  Linux leaves the checksum of a rewritten segment to the
 * device (CHECKSUM_PARTIAL), which computes it over the whole segment
 * as it leaves, a zero stored as 0xffff (skb_checksum_help()); nfu
 * computes it so at once, and again if the same segment's sequence
 * numbers are adjusted afterwards.  The sequence adjustment of other
 * segments updates their checksum incrementally with Linux's arithmetic
 * (inet_proto_csum_replace4()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/csum.h"
#include "nat/nat-private.h"

static bool after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* inet_proto_csum_replace4() of a field outside the pseudo-header,
 * without offload: the 32-bit field at 'field' becomes 'v' (host order)
 * and 'check' follows. */
static void set32_csum(unsigned char *check, unsigned char *field, uint32_t v)
{
	uint32_t from, to;

	memcpy(&from, field, 4);
	put32(field, v);
	memcpy(&to, field, 4);
	nfu_csum_replace4_linux(check, from, to);
}

/* The TCP checksum of the segment at 'th' ('len' bytes) of the IP header
 * at 'ip', computed over all of it as a device does for a checksum left
 * to it (skb_checksum_help(): a zero is stored as 0xffff). */
static void tcp_csum_full(const unsigned char *ip, unsigned char *th, size_t len)
{
	uint32_t s, d;
	uint16_t c;

	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	memset(th + 16, 0, 2);
	c = nfu_csum_fold(nfu_csum_partial(th, len,
					   nfu_csum_pseudo(s, d, 6, (uint16_t)len)));
	if (!c)
		c = 0xffff;
	memcpy(th + 16, &c, 2);
}

/*
 * The sequence adjustment (nf_conntrack_seqadj.c).
 */

int32_t nfu_nat_seq_offset(const struct nfu_ct *ct, unsigned int dir, uint32_t seq)
{
	const struct nfu_nat_seqadj *w;

	if (!ct->nat)
		return 0;
	w = &ct->nat->seq[dir];
	return after(seq, w->correction_pos) ? w->offset_after : w->offset_before;
}

void nfu_nat_seqadj_set(struct nfu_ct *ct, uint32_t ctinfo, uint32_t seq, int32_t off)
{
	struct nfu_nat_seqadj *w;

	if (!off || !ct->nat)
		return;
	ct->status |= NFU_IPS_SEQ_ADJUST;
	w = &ct->nat->seq[nfu_ctinfo_dir(ctinfo)];
	/* one change in the window at a time: a later one moves the
	 * position; a retransmission of the changed segment changes
	 * nothing (nf_ct_seqadj_set()) */
	if (w->offset_before == w->offset_after || after(seq, w->correction_pos)) {
		w->correction_pos = seq;
		w->offset_before = w->offset_after;
		w->offset_after += off;
	}
}

/* The edge of a SACK block acknowledging the other direction's data 'v',
 * back in that direction's own numbering. */
static uint32_t sack_edge_back(uint32_t v, const struct nfu_nat_seqadj *w)
{
	if (after(v - (uint32_t)w->offset_before, w->correction_pos))
		return v - (uint32_t)w->offset_after;
	return v - (uint32_t)w->offset_before;
}

/* nf_ct_sack_adjust(): the SACK options of the header at 'th' ('hlen'
 * bytes).  false: an option cut or of a silly length. */
static bool sack_adjust(unsigned char *th, unsigned int hlen,
			const struct nfu_nat_seqadj *w)
{
	unsigned int off = 20;

	while (off < hlen) {
		unsigned char *op = th + off;

		if (op[0] == 0) /* end of options */
			return true;
		if (op[0] == 1) { /* no-op */
			off++;
			continue;
		}
		if (off + 1 == hlen || off + op[1] > hlen || op[1] < 2)
			return false;
		if (op[0] == 5 && op[1] >= 2 + 8 && (op[1] - 2) % 8 == 0)
			for (unsigned int b = off + 2; b < off + op[1]; b += 4)
				set32_csum(th + 16, th + b,
					   sack_edge_back(get32(th + b), w));
		off += op[1];
	}
	return true;
}

bool nfu_nat_seq_adjust(struct nfu_pkt *pkt, struct nfu_ct *ct, uint32_t ctinfo,
			unsigned int thoff)
{
	unsigned int dir = nfu_ctinfo_dir(ctinfo);
	unsigned char *ip = nfu_pkt_network_header(pkt);
	size_t len = nfu_ct_l4_len(pkt, thoff);
	const struct nfu_nat_seqadj *me, *other;
	unsigned char *th = ip + thoff;
	unsigned int hlen;
	uint32_t seq, ack;
	int32_t off;
	bool ok;

	if (!ct->nat)
		return true;
	if (len < 20)
		return false;
	me = &ct->nat->seq[dir];
	other = &ct->nat->seq[!dir];
	seq = get32(th + 4);
	off = after(seq, me->correction_pos) ? me->offset_after : me->offset_before;
	set32_csum(th + 16, th + 4, seq + (uint32_t)off);
	/* the acknowledgement is moved whatever the ACK flag says, as Linux */
	ack = get32(th + 8);
	off = after(ack - (uint32_t)other->offset_before, other->correction_pos)
		      ? other->offset_after
		      : other->offset_before;
	set32_csum(th + 16, th + 8, ack - (uint32_t)off);
	hlen = (unsigned int)(th[12] >> 4) * 4;
	ok = hlen >= 20 && hlen <= len && sack_adjust(th, hlen, other);
	/* the segment a helper rewrote has its checksum left to the device */
	if (ct->nat->partial_id == pkt->id)
		tcp_csum_full(ip, th, len);
	return ok;
}

/*
 * Rewriting a TCP payload (nf_nat_mangle_tcp_packet()).
 */

bool nfu_nat_mangle_tcp(struct nfu_pkt *pkt, struct nfu_ct *ct, uint32_t ctinfo,
			unsigned int thoff, unsigned int match_off,
			unsigned int match_len, const char *rep, unsigned int rep_len)
{
	unsigned char *ip = nfu_pkt_network_header(pkt);
	size_t iplen = pkt->len - (size_t)(ip - pkt->data);
	size_t tot = iplen >= 20 ? ((size_t)ip[2] << 8 | ip[3]) : 0;
	unsigned int hl = (ip[0] & 15u) * 4, doff;
	unsigned char *th = ip + thoff, *data;
	size_t newtot, tail;
	uint16_t c;

	/* skb_ensure_writable() of the whole packet: a reassembled
	 * datagram's pieces are joined (it leaves cut by the MTU) */
	nfu_pkt_linearize(pkt);
	/* the packet is its IP datagram (nothing after the total length:
	 * Linux trims that at input) */
	if (tot < (size_t)thoff + 20 || tot > iplen)
		return false;
	doff = (unsigned int)(th[12] >> 4) * 4;
	if ((size_t)thoff + doff + match_off + match_len > tot)
		return false;
	newtot = tot - match_len + rep_len;
	if (newtot > 65535)
		return false;
	/* room in the buffer (enlarge_skb()) */
	if (rep_len > match_len &&
	    (size_t)(ip - pkt->head) + newtot > pkt->size)
		return false;
	data = th + doff;
	tail = tot - ((size_t)thoff + doff + match_off + match_len);
	/* mangle_contents(): the rest moved, the new text in */
	memmove(data + match_off + rep_len, data + match_off + match_len, tail);
	memcpy(data + match_off, rep, rep_len);
	pkt->len = (uint32_t)((size_t)(ip - pkt->data) + newtot);
	ip[2] = (unsigned char)(newtot >> 8);
	ip[3] = (unsigned char)newtot;
	memset(ip + 10, 0, 2);
	c = nfu_ip_fast_csum(ip, hl / 4);
	memcpy(ip + 10, &c, 2);
	/* nf_nat_csum_recalc(): CHECKSUM_PARTIAL, the device computes it */
	tcp_csum_full(ip, th, newtot - thoff);
	if (ct->nat)
		ct->nat->partial_id = pkt->id;
	if (rep_len != match_len)
		nfu_nat_seqadj_set(ct, ctinfo, get32(th + 4),
				   (int32_t)rep_len - (int32_t)match_len);
	return true;
}

/*
 * Expected connections.
 */

void nfu_nat_follow_master(struct nfu_ct *ct, const struct nfu_ct_expect *exp)
{
	const struct nfu_ct *m = ct->master;
	struct nfu_nat_range r;

	/* a fresh connection: nothing bound yet */
	if (ct->status & (NFU_IPS_SRC_NAT_DONE | NFU_IPS_DST_NAT_DONE))
		return;
	/* its source: where the master sends to that way */
	memset(&r, 0, sizeof(r));
	r.flags = NFU_NAT_MAP_IPS;
	r.min_addr = r.max_addr = m->tuplehash[!exp->dir].tuple.dst;
	nfu_nat_setup_info(ct, &r, NFU_NAT_MANIP_SRC);
	/* its destination: the master's source that way, at the port the
	 * line asked for (a failure is found at confirm, as Linux says) */
	r.flags = NFU_NAT_MAP_IPS | NFU_NAT_PROTO_SPECIFIED;
	r.min_proto = r.max_proto = __builtin_bswap16(exp->saved_proto);
	r.min_addr = r.max_addr = m->tuplehash[!exp->dir].tuple.src;
	nfu_nat_setup_info(ct, &r, NFU_NAT_MANIP_DST);
}

/* nf_nat_exp_find_port(): 'exp' inserted at port '*port' if no other
 * connection expects that, else at one drawn at random above it (up to
 * 128 tries), '*port' the one it took.  false: none (the caller still
 * owns 'exp'). */
static bool exp_find_port(struct nfu_nat_net *nn, struct nfu_ct_expect *exp,
			  uint16_t *port)
{
	unsigned int range = 65535u - *port, min = *port;
	int left = range > 128 ? 128 : (int)range;

	for (;;) {
		int rc;

		exp->tuple.dport = __builtin_bswap16(*port);
		rc = nfu_ct_expect_insert(exp);
		if (rc == 0)
			return true;
		if (rc != -EBUSY || --left < 0)
			return false;
		/* get_random_u32_between(min, min + range) */
		*port = (uint16_t)(min + (nfu_nat_rand32(nn) % range));
	}
}

/* nf_nat_ftp_fmt_cmd(): the text of 'type' for 'addr' (network order)
 * and 'port'; its length. */
static int fmt_cmd(char *buf, size_t len, enum nfu_ct_ftp_type type,
		   uint32_t addr, uint16_t port)
{
	const unsigned char *a = (const unsigned char *)&addr;

	switch (type) {
	case NFU_CT_FTP_PORT:
	case NFU_CT_FTP_PASV:
		return snprintf(buf, len, "%u,%u,%u,%u,%u,%u", a[0], a[1], a[2],
				a[3], port >> 8, port & 0xff);
	case NFU_CT_FTP_EPRT:
		return snprintf(buf, len, "|1|%u.%u.%u.%u|%u|", a[0], a[1], a[2],
				a[3], port);
	case NFU_CT_FTP_EPSV:
		return snprintf(buf, len, "|||%u|", port);
	}
	return 0;
}

unsigned int nfu_nat_ftp(struct nfu_pkt *pkt, struct nfu_ct *ct, uint32_t ctinfo,
			 enum nfu_ct_ftp_type type, unsigned int thoff,
			 unsigned int match_off, unsigned int match_len,
			 struct nfu_ct_expect *exp)
{
	unsigned int dir = nfu_ctinfo_dir(ctinfo);
	struct nfu_nat_net *nn = ct->cn->nat;
	char buf[sizeof("|1|255.255.255.255|65535|")];
	uint32_t newaddr;
	uint16_t port;
	int n;

	if (!nn) {
		nfu_ct_expect_free(exp);
		return NFU_DROP;
	}
	/* the new connection comes from wherever this packet goes */
	newaddr = ct->tuplehash[!dir].tuple.dst;
	exp->saved_proto = exp->tuple.dport;
	exp->dir = (uint8_t)!dir;
	exp->expectfn = nfu_nat_follow_master;
	port = __builtin_bswap16(exp->saved_proto);
	if (!exp_find_port(nn, exp, &port)) {
		nfu_ct_expect_free(exp);
		nfu_ct_helper_log(ct, pkt, "all ports in use");
		return NFU_DROP;
	}
	/* a line naming port 0: Linux takes the 0 its search returns for
	 * "all ports in use" and drops the segment, the expectation
	 * inserted all the same */
	if (!port) {
		nfu_ct_helper_log(ct, pkt, "all ports in use");
		return NFU_DROP;
	}
	n = fmt_cmd(buf, sizeof(buf), type, newaddr, port);
	if (n > 0 && (size_t)n < sizeof(buf) &&
	    nfu_nat_mangle_tcp(pkt, ct, ctinfo, thoff, match_off, match_len, buf,
			       (unsigned int)n))
		return NFU_ACCEPT;
	nfu_ct_helper_log(ct, pkt, "cannot mangle packet");
	nfu_ct_expect_unlink(exp);
	return NFU_DROP;
}

unsigned int nfu_nat_tftp(struct nfu_pkt *pkt, struct nfu_ct_expect *exp)
{
	const struct nfu_ct *ct = exp->master;

	exp->saved_proto = ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.sport;
	exp->dir = NFU_CT_DIR_REPLY;
	exp->expectfn = nfu_nat_follow_master;
	if (nfu_ct_expect_insert(exp)) {
		nfu_ct_expect_free(exp);
		nfu_ct_helper_log(ct, pkt, "cannot add expectation");
		return NFU_DROP;
	}
	return NFU_ACCEPT;
}
