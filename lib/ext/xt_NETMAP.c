/* SPDX-License-Identifier: MIT */
/*
 * NETMAP: one network mapped onto another, host part kept (Linux's
 * xt_NETMAP, IPv4 revision 0; libipt_NETMAP of iptables 1.8.9):
 * --to a.b.c.d[/mask].  The nat table, any of its chains: PREROUTING and
 * OUTPUT map the destination, POSTROUTING and INPUT the source.
 *
 * The range is the network of the option: its first address and its
 * last (host bits cleared, then set), so that the mask is what the two
 * share, ~(min ^ max), as the kernel finds it again.
 *
 * check() starts connection tracking, as Linux's netmap_tg4_check()
 * (nf_ct_netns_get(); its other checks refuse what iptables cannot
 * send).  target() takes the packet's destination (PREROUTING, OUTPUT)
 * or source (else), keeps its host bits and puts the range's network
 * bits in front, and binds the connection to that one address with
 * nfu_nat_setup_info() for the hook's manip type, as netmap_tg4() does.
 */
#include <string.h>

#include "ext/ext-args.h"
#include <stddef.h>

#include "ext/ext-private.h"
#include "ext/nat-range.h"
#include "ext/xt_conntrack.h"

enum {
	O_TO = 0,
};

static const struct nfu_xt_option netmap_opts[] = {
	{ "to", O_TO, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

static int netmap_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			const char *arg, bool invert, void *data)
{
	struct nfu_nat_range *r = data;
	uint32_t addr, mask;
	int rc;

	(void)id;
	(void)invert;
	rc = nfu_ext_parse_hostmask(ctx, "NETMAP", "to", arg, &addr, &mask);
	if (rc < 0)
		return rc;
	r->flags |= NFU_NAT_MAP_IPS;
	r->min_addr = addr & mask;
	r->max_addr = r->min_addr | ~mask;
	return 0;
}

static int netmap_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			      unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_TO)))
		return nfu_xt_error(ctx, "NETMAP: option \"--to\" must be "
				    "specified");
	return 0;
}

static void put_addr(struct nfu_strbuf *sb, uint32_t a)
{
	const uint8_t *b = (const uint8_t *)&a;

	nfu_sb_printf(sb, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* "a.b.c.d/len", or "/a.b.c.d" for a mask with holes (which the parser
 * never makes, but libipt_NETMAP prints so). */
static void put_net(struct nfu_strbuf *sb, const struct nfu_nat_range *r)
{
	uint32_t mask = ~(r->min_addr ^ r->max_addr);
	uint32_t h = __builtin_bswap32(mask);

	put_addr(sb, r->min_addr);
	if ((~h & (~h + 1)) == 0) {
		nfu_sb_printf(sb, "/%d", __builtin_popcount(h));
	} else {
		nfu_sb_puts(sb, "/");
		put_addr(sb, mask);
	}
}

static void netmap_save(const void *data, const struct nfu_xt_ip *ip,
			struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_sb_puts(sb, " --to ");
	put_net(sb, data);
}

static void netmap_print(const void *data, const struct nfu_xt_ip *ip,
			 bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, " to:");
	put_net(sb, data);
}

static int netmap_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	return nfu_xt_ct_get(ctx, &((struct nfu_nat_target_data *)data)->ref,
			     "xt_NETMAP");
}

static unsigned int netmap_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				  void *data)
{
	const struct nfu_nat_range *r = data;
	uint32_t netmask = ~(r->min_addr ^ r->max_addr), addr;
	enum nfu_nat_manip_type manip = nfu_nat_hook2manip(par->hooknum);
	const uint8_t *iph = nfu_ext_header(pkt, 0, 20);
	struct nfu_nat_range nr;

	if (!pkt->ct || pkt->ctinfo >= NFU_CT_NUMBER || !iph)
		return NFU_ACCEPT; /* the nat table runs only with one */
	/* the destination where DNAT is made, the source where SNAT is */
	memcpy(&addr, iph + (manip == NFU_NAT_MANIP_DST ? 16 : 12), 4);
	memset(&nr, 0, sizeof(nr));
	nr.flags = r->flags | NFU_NAT_MAP_IPS;
	nr.min_addr = nr.max_addr = (addr & ~netmask) | (r->min_addr & netmask);
	nr.min_proto = r->min_proto;
	nr.max_proto = r->max_proto;
	return nfu_nat_setup_info(pkt->ct, &nr, manip);
}

const struct nfu_xt_target_ops nfu_xt_NETMAP = {
	.name = "NETMAP",
	.revision = 0,
	.size = sizeof(struct nfu_nat_target_data),
	.usersize = offsetof(struct nfu_nat_target_data, ref),
	.table = "nat",
	.hooks = NFU_XT_HOOK(NFU_INET_PRE_ROUTING) |
		 NFU_XT_HOOK(NFU_INET_POST_ROUTING) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_OUT) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_IN),
	.options = netmap_opts,
	.parse = netmap_parse,
	.final_check = netmap_final_check,
	.check = netmap_check,
	.destroy = nfu_nat_target_destroy,
	.target = netmap_target,
	.save = netmap_save,
	.print = netmap_print,
};
