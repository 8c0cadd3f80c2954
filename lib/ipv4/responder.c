/* SPDX-License-Identifier: MIT */
/*
 * TCP and UDP at a host with no listening socket: a reset for every TCP
 * segment that is not itself a reset (tcp_v4_send_reset), an ICMP port
 * unreachable for every unicast UDP datagram; both only after the
 * transport checksum verified, as Linux checks it before answering.
 */
#include <string.h>

#include "core/csum.h"
#include "ipv4/ipv4-private.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

static bool l4_csum_ok(const struct nfu_iphdr *iph, const unsigned char *l4,
		       size_t len, uint8_t proto)
{
	uint32_t sum = nfu_csum_pseudo(iph->saddr, iph->daddr, proto,
				       (uint16_t)len);

	return nfu_csum_fold(nfu_csum_partial(l4, len, sum)) == 0;
}

int nfu_tcp_v4_rcv(struct nfu_net *net, struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	const unsigned char *th = nfu_pkt_transport_header(pkt);
	size_t len = (size_t)(pkt->data + pkt->len - th);
	unsigned int doff;
	uint32_t seq, ack, rseq = 0, rack = 0;
	uint8_t flags, rflags;
	struct nfu_pkt *r;
	struct nfu_iphdr *rip;
	unsigned char *rth;
	uint16_t csum;
	struct nfu_ip_opt dopt;
	unsigned char opts[40];
	size_t optlen;

	if (pkt->pkt_type != NFU_PACKET_HOST || len < 20) {
		nfu_pkt_drop(pkt, NFU_DROP_L4_TOO_SHORT);
		return 0;
	}
	doff = (th[12] >> 4) * 4u;
	if (doff < 20 || doff > len) {
		nfu_pkt_drop(pkt, NFU_DROP_L4_TOO_SHORT);
		return 0;
	}
	if (!l4_csum_ok(iph, th, len, NFU_IPPROTO_TCP)) {
		nfu_pkt_drop(pkt, NFU_DROP_L4_CSUM);
		return 0;
	}
	flags = th[13];
	if ((flags & TH_RST) || pkt->rt_type != NFU_RTN_LOCAL) {
		nfu_pkt_drop(pkt, NFU_DROP_NO_RESPONDER);
		return 0;
	}
	memcpy(&seq, th + 4, 4);
	memcpy(&ack, th + 8, 4);
	/* RFC 793: with ACK, the reset takes the acknowledged number as its
	 * sequence; without, it acknowledges everything the segment held. */
	if (flags & TH_ACK) {
		rseq = ack;
		rflags = TH_RST;
	} else {
		uint32_t l = (uint32_t)(len - doff) + !!(flags & TH_SYN) +
			     !!(flags & TH_FIN);
		rack = __builtin_bswap32(__builtin_bswap32(seq) + l);
		rflags = TH_RST | TH_ACK;
	}
	/* ip_send_unicast_reply() reflects the options too */
	optlen = nfu_ip_options_echo(net, pkt, opts, &dopt);
	if (optlen == (size_t)-1)
		goto out;
	r = nfu_pkt_alloc(net, 40 + optlen);
	if (!r)
		goto out;
	rip = (struct nfu_iphdr *)nfu_pkt_put(r, 20 + optlen);
	memset(rip, 0, 20);
	rip->ver_ihl = (uint8_t)(0x40 | ((20 + optlen) / 4));
	memcpy((unsigned char *)rip + 20, opts, optlen);
	rip->tos = iph->tos & (uint8_t)~3u; /* ECN bits cleared */
	rip->frag_off = __builtin_bswap16(NFU_IP_DF);
	rip->id = 0; /* DF and no connected socket: Linux sends ID 0 */
	rip->ttl = (uint8_t)nfu_ipv4(net)->ip_default_ttl;
	rip->protocol = NFU_IPPROTO_TCP;
	rip->saddr = iph->daddr;
	rip->daddr = iph->saddr;
	nfu_ip_options_build(net, (unsigned char *)rip, &dopt);
	r->ipopt = dopt; /* as IPCB(skb)->opt: see icmp_push() */
	rth = nfu_pkt_put(r, 20);
	memset(rth, 0, 20);
	memcpy(rth, th + 2, 2);
	memcpy(rth + 2, th, 2);
	memcpy(rth + 4, &rseq, 4);
	memcpy(rth + 8, &rack, 4);
	rth[12] = 5 << 4;
	rth[13] = rflags;
	csum = nfu_csum_fold(nfu_csum_partial(
		rth, 20, nfu_csum_pseudo(rip->saddr, rip->daddr,
					 NFU_IPPROTO_TCP, 20)));
	memcpy(rth + 16, &csum, 2);
	r->mark = 0; /* IP4_REPLY_MARK() without fwmark_reflect */
	nfu_ip_local_out(net, r);
out:
	nfu_pkt_drop(pkt, NFU_DROP_NO_RESPONDER);
	return 0;
}

int nfu_udp_rcv(struct nfu_net *net, struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	const unsigned char *uh = nfu_pkt_transport_header(pkt);
	size_t len = (size_t)(pkt->data + pkt->len - uh);
	uint16_t ulen, check;

	if (len < 8) {
		nfu_pkt_drop(pkt, NFU_DROP_L4_TOO_SHORT);
		return 0;
	}
	ulen = (uint16_t)((uh[4] << 8) | uh[5]);
	if (ulen > len || ulen < 8) {
		nfu_pkt_drop(pkt, NFU_DROP_L4_TOO_SHORT);
		return 0;
	}
	/* pskb_trim_rcsum(): the datagram ends where UDP says, and so does
	 * the quote in the ICMP error below */
	nfu_pkt_trim(pkt, (size_t)(uh - pkt->data) + ulen);
	memcpy(&check, uh + 6, 2);
	if (check && !l4_csum_ok(iph, uh, ulen, NFU_IPPROTO_UDP)) {
		nfu_pkt_drop(pkt, NFU_DROP_L4_CSUM);
		return 0;
	}
	if (pkt->rt_type == NFU_RTN_LOCAL) {
		/* __udp4_lib_rcv() resets the connection first (nf_reset_ct):
		 * the error finds it through the quoted packet instead */
		nfu_pkt_ct_put(pkt);
		pkt->ctinfo = 0;
		nfu_icmp_send(net, pkt, NFU_ICMP_DEST_UNREACH,
			      NFU_ICMP_PORT_UNREACH, 0);
	}
	nfu_pkt_drop(pkt, NFU_DROP_NO_RESPONDER);
	return 0;
}
