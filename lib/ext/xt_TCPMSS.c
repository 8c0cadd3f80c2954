/* SPDX-License-Identifier: MIT */
/*
 * TCPMSS: lower the MSS option of TCP SYNs (Linux's xt_TCPMSS, libxt_TCPMSS
 * of iptables 1.8.9): --set-mss N, or --clamp-mss-to-pmtu for the path
 * MTU less 40.  Any table; needs "-p tcp" and a tcp match that requires
 * SYN (as Linux's checkentry: "--tcp-flags X SYN" with X holding SYN, not
 * inverted, "--syn" included); clamping only from FORWARD, OUTPUT and
 * POSTROUTING.
 *
 * The rewrite is tcpmss_mangle_packet(): an MSS option larger than the
 * new value is lowered; without one, and only when the segment carries no
 * data and its header has room, an option is added (at most 536 then, the
 * default MSS of RFC 1122), the packet growing by 4 bytes.  The TCP
 * checksum is updated incrementally, pseudo-header length included, and
 * the IP total length and header checksum follow.  A segment shorter than
 * its header is dropped.  The path MTU is the smaller of the output
 * route's MTU and that of the route back to the source (nfu's routes
 * carry no MTU of their own, so a route's is its device's).
 */
#include <string.h>

#include "core/csum.h"
#include "ext/ext-args.h"
#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

#define TCPMSS_CLAMP_PMTU 0xffff
#define IP_MAX_MTU 0xfff0u
#define TCPOPT_MSS 2
#define TCPOLEN_MSS 4

struct tcpmss_info { /* xt_tcpmss_info */
	uint16_t mss;
};

enum { O_SET_MSS = 0, O_CLAMP };

static const struct nfu_xt_option tcpmss_opts[] = {
	{ "set-mss", O_SET_MSS, NFU_XTOPT_ARG },
	{ "clamp-mss-to-pmtu", O_CLAMP, 0 },
	{ NULL, 0, 0 },
};

static int tcpmss_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			const char *arg, bool invert, void *data)
{
	struct tcpmss_info *info = data;
	uint32_t v;
	int rc;

	(void)invert;
	if (id == O_CLAMP) {
		info->mss = TCPMSS_CLAMP_PMTU;
		return 0;
	}
	/* 65535 less the IP and TCP headers */
	rc = nfu_ext_parse_uint(ctx, "TCPMSS", "set-mss", arg, 0, 65515, &v);
	if (rc < 0)
		return rc;
	info->mss = (uint16_t)v;
	return 0;
}

static int tcpmss_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			      unsigned int seen)
{
	(void)data;
	if (!seen)
		return nfu_xt_error(ctx, "TCPMSS target: At least one parameter "
				    "is required");
	return 0;
}

/* The tcp match's data, as lib/ext/xt_tcpudp.c lays it out (Linux's
 * struct xt_tcp). */
struct tcp_match_view {
	uint16_t spts[2];
	uint16_t dpts[2];
	uint8_t option;
	uint8_t flg_mask;
	uint8_t flg_cmp;
	uint8_t invflags;
};
#define TCP_INV_FLAGS 0x04
#define TH_SYN 0x02

/* find_syn_match() */
static bool syn_only(const struct nfu_xt_rule *r)
{
	for (unsigned int i = 0; r && i < r->nmatches; i++) {
		const struct tcp_match_view *t = r->matches[i].data;

		if (!strcmp(r->matches[i].ops->name, "tcp") &&
		    (t->flg_cmp & TH_SYN) && !(t->invflags & TCP_INV_FLAGS))
			return true;
	}
	return false;
}

static int tcpmss_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct tcpmss_info *info = data;
	const unsigned int pmtu_hooks = NFU_XT_HOOK(NFU_INET_FORWARD) |
					NFU_XT_HOOK(NFU_INET_LOCAL_OUT) |
					NFU_XT_HOOK(NFU_INET_POST_ROUTING);

	if (info->mss == TCPMSS_CLAMP_PMTU && (ctx->hook_mask & ~pmtu_hooks))
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "TCPMSS: path-MTU clamping only supported "
				     "in FORWARD, OUTPUT and POSTROUTING hooks");
	if (!syn_only(ctx->rule))
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "TCPMSS: Only works on TCP SYN packets");
	return 0;
}

/* tcpmss_reverse_mtu(): the MTU of the route back to the source, looked
 * up as Linux's nf_route() does, an output route; without one, no limit.
 * Linux caps a route's MTU at IP_MAX_MTU (lo's 65536 is 65520). */
static unsigned int reverse_mtu(struct nfu_net *net, const struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	struct nfu_rt_result res;
	const struct nfu_dev *dev;

	if (nfu_ip_route_output(net, iph->saddr, 0, &res) != 0)
		return UINT32_MAX;
	dev = nfu_dev_by_index(net, res.ifindex);
	if (!dev)
		return UINT32_MAX;
	return dev->mtu < IP_MAX_MTU ? dev->mtu : IP_MAX_MTU;
}

/* The smaller of the output route's MTU and reverse_mtu(). */
static unsigned int path_mtu(const struct nfu_pkt *pkt,
			     const struct nfu_xt_par *par)
{
	const struct nfu_dev *out = par->out ? par->out : pkt->out;
	unsigned int mtu = out ? out->mtu : 0;
	unsigned int back = reverse_mtu(par->net, pkt);

	if (mtu > IP_MAX_MTU)
		mtu = IP_MAX_MTU;
	return back < mtu ? back : mtu;
}

/* optlen() of Linux: EOL, NOP and a zero length count one byte. */
static unsigned int opt_len(const uint8_t *opt, unsigned int i)
{
	return opt[i] <= 1 || opt[i + 1] == 0 ? 1 : opt[i + 1];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* tcpmss_mangle_packet(): <0 drop, 0 unchanged length, else the bytes
 * added. */
static int mangle(struct nfu_pkt *pkt, const struct nfu_xt_par *par,
		  const struct tcpmss_info *info)
{
	size_t len = nfu_ext_avail(pkt, par->thoff);
	uint8_t *th = (uint8_t *)(uintptr_t)nfu_ext_header(pkt, par->thoff, 20);
	uint16_t *check, oldmss, newmss, word;
	unsigned int hdrlen, i, mtu;
	uint32_t optword;

	if (par->fragoff != 0)
		return 0;
	/* skb_ensure_writable() of the whole packet: a reassembled
	 * datagram's pieces are joined */
	nfu_pkt_linearize(pkt);
	if (!th || len < 20)
		return -1;
	hdrlen = (unsigned int)(th[12] >> 4) * 4u;
	if (len < hdrlen || hdrlen < 20)
		return -1;
	check = (uint16_t *)(void *)(th + 16);
	if (info->mss == TCPMSS_CLAMP_PMTU) {
		mtu = path_mtu(pkt, par);
		if (mtu <= 40) /* Linux logs "unknown or invalid path-MTU" */
			return -1;
		newmss = (uint16_t)(mtu - 40 > 0xffff ? 0xffff : mtu - 40);
	} else {
		newmss = info->mss;
	}
	for (i = 20; i + TCPOLEN_MSS <= hdrlen; i += opt_len(th, i)) {
		if (th[i] == TCPOPT_MSS && th[i + 1] == TCPOLEN_MSS) {
			uint16_t from, to;

			oldmss = (uint16_t)((th[i + 2] << 8) | th[i + 3]);
			if (oldmss <= newmss)
				return 0; /* never raised */
			memcpy(&from, th + i + 2, 2);
			put16(th + i + 2, newmss);
			memcpy(&to, th + i + 2, 2);
			nfu_csum_replace2(check, from, to);
			return 0;
		}
	}
	/* data after the header: the option cannot go in without moving it */
	if (len > hdrlen)
		return 0;
	if (hdrlen >= 15 * 4) /* doff has 4 bits */
		return 0;
	if (nfu_pkt_tailroom(pkt) < TCPOLEN_MSS)
		return -1; /* Linux's failed pskb_expand_head() */
	nfu_pkt_put(pkt, TCPOLEN_MSS);
	if (newmss > 536)
		newmss = 536; /* no MSS given: RFC 1122's default */
	memmove(th + 20 + TCPOLEN_MSS, th + 20, hdrlen - 20);
	{
		uint16_t from = __builtin_bswap16((uint16_t)len);
		uint16_t to = __builtin_bswap16((uint16_t)(len + TCPOLEN_MSS));

		nfu_csum_replace2(check, from, to); /* pseudo-header length */
	}
	th[20] = TCPOPT_MSS;
	th[21] = TCPOLEN_MSS;
	put16(th + 22, newmss);
	memcpy(&optword, th + 20, 4);
	nfu_csum_replace4(check, 0, optword);
	memcpy(&word, th + 12, 2);
	th[12] = (uint8_t)(th[12] + ((TCPOLEN_MSS / 4) << 4));
	{
		uint16_t to;

		memcpy(&to, th + 12, 2);
		nfu_csum_replace2(check, word, to);
	}
	return TCPOLEN_MSS;
}

static unsigned int tcpmss_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				  void *data)
{
	struct nfu_iphdr *iph;
	uint16_t old;
	int ret = mangle(pkt, par, data);

	if (ret < 0)
		return NFU_DROP;
	if (ret > 0) {
		iph = nfu_ip_hdr(pkt);
		old = iph->tot_len;
		iph->tot_len = __builtin_bswap16(
			(uint16_t)(__builtin_bswap16(old) + ret));
		nfu_csum_replace2(&iph->check, old, iph->tot_len);
	}
	return NFU_XT_CONTINUE;
}

static void tcpmss_save(const void *data, const struct nfu_xt_ip *ip,
			struct nfu_strbuf *sb)
{
	const struct tcpmss_info *info = data;

	(void)ip;
	if (info->mss == TCPMSS_CLAMP_PMTU)
		nfu_sb_puts(sb, " --clamp-mss-to-pmtu");
	else
		nfu_sb_printf(sb, " --set-mss %u", info->mss);
}

static void tcpmss_print(const void *data, const struct nfu_xt_ip *ip,
			 bool numeric, struct nfu_strbuf *sb)
{
	const struct tcpmss_info *info = data;

	(void)ip;
	(void)numeric;
	if (info->mss == TCPMSS_CLAMP_PMTU)
		nfu_sb_puts(sb, " TCPMSS clamp to PMTU");
	else
		nfu_sb_printf(sb, " TCPMSS set %u", info->mss);
}

const struct nfu_xt_target_ops nfu_xt_TCPMSS = {
	.name = "TCPMSS",
	.revision = 0,
	.size = sizeof(struct tcpmss_info),
	.proto = NFU_IPPROTO_TCP,
	.options = tcpmss_opts,
	.parse = tcpmss_parse,
	.final_check = tcpmss_final_check,
	.check = tcpmss_check,
	.target = tcpmss_target,
	.save = tcpmss_save,
	.print = tcpmss_print,
};
