/* SPDX-License-Identifier: MIT */
/*
 * IP options as Linux handles them (net/ipv4/ip_options.c):
 *  - on input, after routing, ip_options_compile() checks them (a bad one
 *    earns a parameter problem pointing at the bad byte), and fills in what
 *    the host owes: its address in a record route, a timestamp, the
 *    overflow count of a full timestamp option;
 *  - a forwarded packet then gets the outgoing address in its record route
 *    (ip_forward_options), after FORWARD;
 *  - every answer of the host (echo reply, ICMP error, TCP reset) carries
 *    the options reflected (ip_options_echo): record route and timestamp
 *    with the host's own entry added on output.
 * Source routes are refused unless accept_source_route; nfu does not
 * follow them (nor reflect them) even then.
 */
#include <string.h>

#include "core/csum.h"
#include "ipv4/ipv4-private.h"

#define IPOPT_END 0
#define IPOPT_NOOP 1
#define IPOPT_RR 7
#define IPOPT_TIMESTAMP 0x44
#define IPOPT_LSRR 0x83
#define IPOPT_SSRR 0x89
#define IPOPT_RA 0x94
#define IPOPT_TS_TSONLY 0
#define IPOPT_TS_TSANDADDR 1
#define IPOPT_TS_PRESPEC 3

static uint32_t current_timestamp(const struct nfu_net *net)
{
	uint64_t ms = nfu_net_now(net) / 1000000ull;

	return __builtin_bswap32((uint32_t)(ms % 86400000ull));
}

/* fib_compute_spec_dst(): the host's address as seen by this packet. */
static uint32_t spec_dst(struct nfu_net *net, const struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	struct nfu_rt_result rt;

	if (pkt->rt_type == NFU_RTN_LOCAL)
		return iph->daddr;
	if (iph->saddr && nfu_ip_route_output(net, iph->saddr, 0, &rt) == 0)
		return rt.prefsrc;
	return nfu_inet_select_addr(net, pkt->in ? pkt->in->ifindex : 0,
				    iph->saddr, NFU_RT_SCOPE_LINK);
}

int nfu_ip_options_compile(struct nfu_net *net, struct nfu_pkt *pkt)
{
	unsigned char *iph = nfu_pkt_network_header(pkt);
	unsigned int hlen = nfu_ip_hlen((const struct nfu_iphdr *)iph);
	struct nfu_ip_opt *opt = &pkt->ipopt;
	unsigned char *o;
	unsigned int l, optlen;
	uint32_t a;

	memset(opt, 0, sizeof(*opt));
	opt->optlen = (uint8_t)(hlen - 20);
	for (l = hlen - 20, o = iph + 20; l > 0;) {
		switch (*o) {
		case IPOPT_END:
			/* everything after the end becomes end */
			for (o++, l--; l > 0; o++, l--)
				*o = IPOPT_END;
			return 0;
		case IPOPT_NOOP:
			l--;
			o++;
			continue;
		}
		if (l < 2)
			return (int)(o - iph);
		optlen = o[1];
		if (optlen < 2 || optlen > l)
			return (int)(o - iph);
		switch (*o) {
		case IPOPT_SSRR:
		case IPOPT_LSRR:
			if (optlen < 3)
				return (int)(o + 1 - iph);
			if (o[2] < 4)
				return (int)(o + 2 - iph);
			if (opt->srr) /* RFC 1812 5.2.4.1: only one */
				return (int)(o - iph);
			opt->srr = (uint8_t)(o - iph);
			break;
		case IPOPT_RR:
			if (opt->rr)
				return (int)(o - iph);
			if (optlen < 3)
				return (int)(o + 1 - iph);
			if (o[2] < 4)
				return (int)(o + 2 - iph);
			if (o[2] <= optlen) {
				if (o[2] + 3u > optlen)
					return (int)(o + 2 - iph);
				a = spec_dst(net, pkt);
				memcpy(&o[o[2] - 1], &a, 4);
				o[2] += 4;
				opt->rr_needaddr = 1;
			}
			opt->rr = (uint8_t)(o - iph);
			break;
		case IPOPT_TIMESTAMP:
			if (opt->ts)
				return (int)(o - iph);
			if (optlen < 4)
				return (int)(o + 1 - iph);
			if (o[2] < 5)
				return (int)(o + 2 - iph);
			if (o[2] <= optlen) {
				unsigned char *timeptr = NULL;

				if (o[2] + 3u > optlen)
					return (int)(o + 2 - iph);
				switch (o[3] & 0xf) {
				case IPOPT_TS_TSONLY:
					timeptr = &o[o[2] - 1];
					opt->ts_needtime = 1;
					o[2] += 4;
					break;
				case IPOPT_TS_TSANDADDR:
					if (o[2] + 7u > optlen)
						return (int)(o + 2 - iph);
					a = spec_dst(net, pkt);
					memcpy(&o[o[2] - 1], &a, 4);
					timeptr = &o[o[2] + 3];
					opt->ts_needaddr = 1;
					opt->ts_needtime = 1;
					o[2] += 8;
					break;
				case IPOPT_TS_PRESPEC:
					if (o[2] + 7u > optlen)
						return (int)(o + 2 - iph);
					memcpy(&a, &o[o[2] - 1], 4);
					/* the prespecified address is ours?
					 * Linux asks inet_addr_type() for
					 * "not unicast" */
					{
						const struct nfu_route *rt =
							nfu_fib_lookup_net(net, a);
						if (rt && rt->type == NFU_RTN_UNICAST)
							break;
					}
					timeptr = &o[o[2] + 3];
					opt->ts_needtime = 1;
					o[2] += 8;
					break;
				default:
					break;
				}
				if (timeptr) {
					a = current_timestamp(net);
					memcpy(timeptr, &a, 4);
				}
			} else if ((o[3] & 0xf) != IPOPT_TS_PRESPEC) {
				unsigned int overflow = o[3] >> 4;

				if (overflow == 15)
					return (int)(o + 3 - iph);
				o[3] = (unsigned char)((o[3] & 0xf) |
						       ((overflow + 1) << 4));
			}
			opt->ts = (uint8_t)(o - iph);
			break;
		case IPOPT_RA:
			if (optlen < 4)
				return (int)(o + 1 - iph);
			break;
		default:
			break;
		}
		l -= optlen;
		o += optlen;
	}
	return 0;
}

/* ip_rt_get_source() for a forwarded packet: the source the host would use
 * towards the packet's destination. */
static uint32_t forward_source(struct nfu_net *net, const struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	const struct nfu_route *rt = nfu_fib_lookup_net(net, iph->daddr);

	if (rt && rt->prefsrc)
		return rt->prefsrc;
	if (rt)
		return nfu_inet_select_addr(net, rt->ifindex,
					    rt->gateway ? rt->gateway : iph->daddr,
					    rt->scope);
	return nfu_inet_select_addr(net, pkt->out->ifindex, pkt->nexthop,
				    NFU_RT_SCOPE_UNIVERSE);
}

void nfu_ip_forward_options(struct nfu_net *net, struct nfu_pkt *pkt)
{
	struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	unsigned char *raw = nfu_pkt_network_header(pkt);
	unsigned int hlen = nfu_ip_hlen(iph);

	if (pkt->ipopt.rr_needaddr) {
		unsigned char *o = raw + pkt->ipopt.rr;
		uint32_t a = forward_source(net, pkt);
		memcpy(&o[o[2] - 5], &a, 4);
	}
	/* the options changed at input: the checksum is redone here, after
	 * FORWARD, as Linux does */
	iph->check = 0;
	iph->check = nfu_ip_fast_csum(iph, hlen / 4);
}

size_t nfu_ip_options_echo(struct nfu_net *net, const struct nfu_pkt *pkt,
			   unsigned char *out, struct nfu_ip_opt *dopt)
{
	const unsigned char *s = nfu_pkt_network_header(pkt);
	const struct nfu_ip_opt *sopt = &pkt->ipopt;
	size_t n = 0;
	unsigned int optlen, soffset;

	(void)net;
	memset(dopt, 0, sizeof(*dopt));
	if (!sopt->optlen)
		return 0;
	if (sopt->rr) {
		optlen = s[sopt->rr + 1];
		soffset = s[sopt->rr + 2];
		dopt->rr = (uint8_t)(n + 20);
		memcpy(out + n, s + sopt->rr, optlen);
		if (sopt->rr_needaddr && soffset <= optlen) {
			if (soffset + 3 > optlen)
				return (size_t)-1;
			out[n + 2] = (unsigned char)(soffset + 4);
			dopt->rr_needaddr = 1;
		}
		n += optlen;
	}
	if (sopt->ts) {
		optlen = s[sopt->ts + 1];
		soffset = s[sopt->ts + 2];
		dopt->ts = (uint8_t)(n + 20);
		memcpy(out + n, s + sopt->ts, optlen);
		if (soffset <= optlen) {
			if (sopt->ts_needaddr) {
				if (soffset + 3 > optlen)
					return (size_t)-1;
				dopt->ts_needaddr = 1;
				soffset += 4;
			}
			if (sopt->ts_needtime) {
				if (soffset + 3 > optlen)
					return (size_t)-1;
				if ((out[n + 3] & 0xf) != IPOPT_TS_PRESPEC) {
					dopt->ts_needtime = 1;
					soffset += 4;
				} else if (soffset + 7 <= optlen) {
					uint32_t a;
					const struct nfu_route *rt;

					memcpy(&a, out + n + soffset - 1, 4);
					rt = nfu_fib_lookup_net(net, a);
					if (!rt || rt->type != NFU_RTN_UNICAST) {
						dopt->ts_needtime = 1;
						soffset += 8;
					}
				}
			}
			out[n + 2] = (unsigned char)soffset;
		}
		n += optlen;
	}
	while (n & 3)
		out[n++] = IPOPT_END;
	dopt->optlen = (uint8_t)n;
	return n;
}

void nfu_ip_options_build(struct nfu_net *net, unsigned char *iph,
			  const struct nfu_ip_opt *opt)
{
	uint32_t src;

	memcpy(&src, iph + 12, 4);
	if (opt->rr_needaddr)
		memcpy(iph + opt->rr + iph[opt->rr + 2] - 5, &src, 4);
	if (opt->ts_needaddr)
		memcpy(iph + opt->ts + iph[opt->ts + 2] - 9, &src, 4);
	if (opt->ts_needtime) {
		uint32_t t = current_timestamp(net);
		memcpy(iph + opt->ts + iph[opt->ts + 2] - 5, &t, 4);
	}
}
