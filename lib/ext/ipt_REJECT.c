/* SPDX-License-Identifier: MIT */
/*
 * REJECT: drop the packet and answer it, as Linux's ipt_REJECT with
 * nf_reject_ipv4 (nf_send_unreach, nf_send_reset) and libipt_REJECT.
 *
 * Valid in the filter table only, from INPUT, FORWARD and OUTPUT (Linux's
 * reject_tg_reg: .table "filter", .hooks LOCAL_IN|FORWARD|LOCAL_OUT);
 * tcp-reset needs "-p tcp", not inverted.
 *
 * The answers differ from what the host's own stack sends:
 *   - an ICMP error is only sent when the offending packet's transport
 *     checksum verifies (UDP without checksum, GRE, AH, ESP, SCTP and
 *     UDP-Lite are taken as they are; any other protocol's payload must
 *     sum to zero, as nf_ip_checksum() sums it), never about a fragment
 *     other than the first; icmp_send()'s own rules apply after that;
 *   - the reset carries TOS 0, ID 0, DF, the default TTL, no IP options
 *     (nf_reject_iphdr_put), mark 0 (fwmark_reflect off), and is not sent
 *     for a reset, a fragment, a bad checksum, or a packet routed as
 *     broadcast or multicast.  It leaves by LOCAL_OUT with a route of its
 *     own (ip_route_me_harder), so the OUTPUT chain sees it.
 * Packets the local host generated skip the checksum tests: Linux has
 * them as CHECKSUM_PARTIAL, which counts as verified.
 */
#include <string.h>
#include <strings.h>

#include "conntrack/ct-private.h"
#include "core/csum.h"
#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

/* Linux's enum ipt_reject_with. */
enum {
	REJ_NET_UNREACHABLE,
	REJ_HOST_UNREACHABLE,
	REJ_PROT_UNREACHABLE,
	REJ_PORT_UNREACHABLE,
	REJ_ECHOREPLY,
	REJ_NET_PROHIBITED,
	REJ_HOST_PROHIBITED,
	REJ_TCP_RESET,
	REJ_ADMIN_PROHIBITED,
	REJ_MAX = REJ_ADMIN_PROHIBITED,
};

struct reject_info { /* ipt_reject_info */
	uint32_t with;
};

static const struct {
	const char *name, *alias;
	uint8_t code;
} reject_types[] = {
	[REJ_NET_UNREACHABLE] = { "icmp-net-unreachable", "net-unreach", 0 },
	[REJ_HOST_UNREACHABLE] = { "icmp-host-unreachable", "host-unreach", 1 },
	[REJ_PROT_UNREACHABLE] = { "icmp-proto-unreachable", "proto-unreach", 2 },
	[REJ_PORT_UNREACHABLE] = { "icmp-port-unreachable", "port-unreach", 3 },
	[REJ_ECHOREPLY] = { NULL, NULL, 0 },
	[REJ_NET_PROHIBITED] = { "icmp-net-prohibited", "net-prohib", 9 },
	[REJ_HOST_PROHIBITED] = { "icmp-host-prohibited", "host-prohib", 10 },
	[REJ_TCP_RESET] = { "tcp-reset", "tcp-rst", 0 },
	[REJ_ADMIN_PROHIBITED] = { "icmp-admin-prohibited", "admin-prohib", 13 },
};

enum { O_REJECT_WITH = 0 };

static const struct nfu_xt_option reject_opts[] = {
	{ "reject-with", O_REJECT_WITH, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

static void reject_init(void *data)
{
	struct reject_info *info = data;

	info->with = REJ_PORT_UNREACHABLE;
}

/* iptables takes any case-insensitive prefix of a name or an alias, the
 * first in table order winning: "icmp-" is net-unreachable, "" too. */
static int reject_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			const char *arg, bool invert, void *data)
{
	struct reject_info *info = data;
	size_t n = strlen(arg);

	(void)id;
	(void)invert;
	for (unsigned int i = 0; i <= REJ_MAX; i++) {
		if (!reject_types[i].name)
			continue;
		if (!strncasecmp(reject_types[i].name, arg, n) ||
		    !strncasecmp(reject_types[i].alias, arg, n)) {
			info->with = i;
			return 0;
		}
	}
	return nfu_xt_error(ctx, "unknown reject type \"%s\"", arg);
}

static int reject_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct reject_info *info = data;

	if (info->with == REJ_ECHOREPLY || info->with > REJ_MAX)
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "REJECT target: ECHOREPLY no longer supported.");
	if (info->with == REJ_TCP_RESET &&
	    (ctx->ip->proto != NFU_IPPROTO_TCP ||
	     (ctx->ip->invflags & NFU_IPT_INV_PROTO)))
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "REJECT target: TCP_RESET invalid for non-tcp");
	return 0;
}

/* nf_reject_verify_csum(): does 'proto' carry a checksum over all its
 * bytes that must hold before Linux answers? */
static bool verify_csum(const struct nfu_pkt *pkt, unsigned int thoff,
			uint8_t proto)
{
	const uint8_t *uh;

	switch (proto) {
	case NFU_IPPROTO_UDP:
		uh = nfu_ext_header(pkt, thoff, 8);
		return !uh || uh[6] || uh[7]; /* 0: no checksum */
	case 47:  /* GRE */
	case 50:  /* ESP */
	case 51:  /* AH */
	case 132: /* SCTP */
	case 136: /* UDP-Lite */
		return false;
	default:
		return true;
	}
}

/* nf_ip_checksum() on a packet Linux holds as CHECKSUM_NONE: TCP and UDP
 * with the pseudo-header, anything else as a plain sum.  Linux sums from
 * skb->data, which at the hooks is the IP header: a right header adds
 * nothing, but one whose checksum went stale when ip_options_compile()
 * filled in a record route or timestamp option, or counted an overflow
 * (Linux mends it only as it forwards, after FORWARD), fails the test, and
 * then no answer is sent. */
static bool csum_ok(const struct nfu_pkt *pkt, unsigned int thoff,
		    uint8_t proto)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	size_t len = nfu_ext_avail(pkt, thoff);
	const uint8_t *l4 = nfu_ext_header(pkt, thoff, len);
	uint32_t sum = 0;

	if (!l4)
		return false;
	if (proto == NFU_IPPROTO_TCP || proto == NFU_IPPROTO_UDP)
		sum = nfu_csum_pseudo(iph->saddr, iph->daddr, proto,
				      (uint16_t)len);
	sum = nfu_csum_partial(iph, thoff, sum);
	return nfu_csum_fold(nfu_csum_partial(l4, len, sum)) == 0;
}

/* nf_send_unreach() */
static void send_unreach(struct nfu_net *net, const struct nfu_pkt *pkt,
			 uint8_t code)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	unsigned int thoff = nfu_ip_hlen(iph);

	if (iph->frag_off & __builtin_bswap16(NFU_IP_OFFSET))
		return;
	if (!pkt->local_out && verify_csum(pkt, thoff, iph->protocol) &&
	    !csum_ok(pkt, thoff, iph->protocol))
		return;
	nfu_icmp_send(net, pkt, NFU_ICMP_DEST_UNREACH, code, 0);
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

/* nf_send_reset() */
static void send_reset(struct nfu_net *net, const struct nfu_pkt *pkt)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	unsigned int thoff = nfu_ip_hlen(iph);
	const uint8_t *oth;
	struct nfu_pkt *r;
	struct nfu_iphdr *rip;
	struct nfu_rt_result res;
	uint8_t *th;
	uint32_t seq, ack, l4len;
	uint16_t csum;

	/* nf_reject_ip_tcphdr_get() */
	if (iph->frag_off & __builtin_bswap16(NFU_IP_OFFSET))
		return;
	if (iph->protocol != NFU_IPPROTO_TCP)
		return;
	oth = nfu_ext_header(pkt, thoff, 20);
	if (!oth || (oth[13] & TH_RST))
		return;
	if (!pkt->local_out && !csum_ok(pkt, thoff, NFU_IPPROTO_TCP))
		return;
	if (pkt->rt_type == NFU_RTN_BROADCAST ||
	    pkt->rt_type == NFU_RTN_MULTICAST)
		return;

	r = nfu_pkt_alloc(net, 40);
	if (!r)
		return;
	/* nf_reject_iphdr_put() */
	rip = (struct nfu_iphdr *)nfu_pkt_put(r, 20);
	memset(rip, 0, 20);
	rip->ver_ihl = 0x45;
	rip->frag_off = __builtin_bswap16(NFU_IP_DF);
	rip->protocol = NFU_IPPROTO_TCP;
	rip->saddr = iph->daddr;
	rip->daddr = iph->saddr;
	rip->ttl = (uint8_t)nfu_ipv4(net)->ip_default_ttl;
	/* nf_reject_ip_tcphdr_put() */
	th = nfu_pkt_put(r, 20);
	memset(th, 0, 20);
	memcpy(th, oth + 2, 2);
	memcpy(th + 2, oth, 2);
	th[12] = 5 << 4;
	if (oth[13] & TH_ACK) {
		memcpy(th + 4, oth + 8, 4);
		th[13] = TH_RST;
	} else {
		/* Linux's u32 arithmetic on skb->len, the whole IP packet */
		l4len = (uint32_t)nfu_ext_avail(pkt, 0) - thoff -
			((uint32_t)(oth[12] >> 4) << 2);
		memcpy(&seq, oth + 4, 4);
		ack = __builtin_bswap32(__builtin_bswap32(seq) + l4len +
					!!(oth[13] & TH_SYN) +
					!!(oth[13] & TH_FIN));
		memcpy(th + 8, &ack, 4);
		th[13] = TH_RST | TH_ACK;
	}
	csum = nfu_csum_fold(nfu_csum_partial(
		th, 20, nfu_csum_pseudo(rip->saddr, rip->daddr,
					NFU_IPPROTO_TCP, 20)));
	memcpy(th + 16, &csum, 2);
	r->mark = 0; /* IP4_REPLY_MARK() with fwmark_reflect off */
	nfu_pkt_ct_attach(r, pkt); /* nf_send_reset()'s nf_ct_attach() */
	/* then nf_ct_set_closing(), once the reset has a route (Linux frees
	 * it before both when ip_route_me_harder() fails) */
	if (!nfu_ip_route_output(net, rip->daddr, rip->saddr, &res))
		nfu_ct_set_closing(pkt->ct);
	r->no_sock = 1; /* made without a socket (owner, recent tell) */
	nfu_ip_local_out(net, r);
}

static unsigned int reject_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				  void *data)
{
	const struct reject_info *info = data;

	switch (info->with) {
	case REJ_NET_UNREACHABLE:
	case REJ_HOST_UNREACHABLE:
	case REJ_PROT_UNREACHABLE:
	case REJ_PORT_UNREACHABLE:
	case REJ_NET_PROHIBITED:
	case REJ_HOST_PROHIBITED:
	case REJ_ADMIN_PROHIBITED:
		send_unreach(par->net, pkt, reject_types[info->with].code);
		break;
	case REJ_TCP_RESET:
		send_reset(par->net, pkt);
		break;
	default:
		break;
	}
	return NFU_DROP;
}

static const char *reject_name(uint32_t with)
{
	return with <= REJ_MAX && reject_types[with].name
		       ? reject_types[with].name
		       : "(null)";
}

static void reject_save(const void *data, const struct nfu_xt_ip *ip,
			struct nfu_strbuf *sb)
{
	const struct reject_info *info = data;

	(void)ip;
	nfu_sb_printf(sb, " --reject-with %s", reject_name(info->with));
}

static void reject_print(const void *data, const struct nfu_xt_ip *ip,
			 bool numeric, struct nfu_strbuf *sb)
{
	const struct reject_info *info = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " reject-with %s", reject_name(info->with));
}

const struct nfu_xt_target_ops nfu_xt_REJECT = {
	.name = "REJECT",
	.revision = 0,
	.size = sizeof(struct reject_info),
	.table = "filter",
	.hooks = NFU_XT_HOOK(NFU_INET_LOCAL_IN) | NFU_XT_HOOK(NFU_INET_FORWARD) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_OUT),
	.options = reject_opts,
	.init = reject_init,
	.parse = reject_parse,
	.check = reject_check,
	.target = reject_target,
	.save = reject_save,
	.print = reject_print,
};
