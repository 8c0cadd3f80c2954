/* SPDX-License-Identifier: MIT */
/*
 * xt_rpfilter.c - the "rpfilter" match: does the route back to the
 * packet's source leave by the device the packet came in on?  Linux's
 * ipt_rpfilter, on the stack's FIB (raw and mangle PREROUTING only).
 *
 * Linux looks the source up as a flow from the loopback device towards
 * it, with the packet's TOS and (--validmark) its mark; nfu's FIB has one
 * table and no policy rules, so neither changes the answer.  A route
 * that is unreachable, prohibit or blackhole is a failed lookup to Linux
 * (no match), as in lib/ipv4/route.c's own reverse path filter.
 */
#include <errno.h>
#include <string.h>

#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

enum {
	RPF_LOOSE = 0x01,
	RPF_VALID_MARK = 0x02,
	RPF_ACCEPT_LOCAL = 0x04,
	RPF_INVERT = 0x08,
};

struct rpfilter_info {
	uint8_t flags;
};

enum { O_LOOSE, O_VALIDMARK, O_ACCEPT_LOCAL, O_INVERT };

static const struct nfu_xt_option rpfilter_opts[] = {
	{ "loose", O_LOOSE, 0 },
	{ "validmark", O_VALIDMARK, 0 },
	{ "accept-local", O_ACCEPT_LOCAL, 0 },
	{ "invert", O_INVERT, 0 },
	{ NULL, 0, 0 },
};

static const struct {
	uint8_t flag;
	const char *name;
} flag_names[] = {
	{ RPF_LOOSE, "loose" },
	{ RPF_VALID_MARK, "validmark" },
	{ RPF_ACCEPT_LOCAL, "accept-local" },
	{ RPF_INVERT, "invert" },
};

static int rpfilter_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			  const char *arg, bool invert, void *data)
{
	struct rpfilter_info *r = data;

	(void)ctx;
	(void)arg;
	(void)invert;
	if (id >= sizeof(flag_names) / sizeof(flag_names[0]))
		return -EINVAL;
	r->flags |= flag_names[id].flag;
	return 0;
}

static int rpfilter_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct rpfilter_info *r = data;

	if (r->flags & ~0x0f) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "ipt_rpfilter: unknown options");
		return -EINVAL;
	}
	if (!ctx->table ||
	    (strcmp(ctx->table, "mangle") && strcmp(ctx->table, "raw"))) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "ipt_rpfilter: only valid in 'raw' or 'mangle' table, not '%s'",
				      ctx->table ? ctx->table : "");
		return -EINVAL;
	}
	return 0;
}

static bool is_zeronet(uint32_t a) { return (a & 0xff000000u) == 0; }
static bool is_lbcast(uint32_t a) { return a == 0xffffffffu; }
static bool is_local_mcast(uint32_t a)
{
	return (a & 0xffffff00u) == 0xe0000000u;
}

/* Linux's rpfilter_lookup_reverse(). */
static bool lookup_reverse(const struct nfu_net *net, uint32_t saddr,
			   const struct nfu_dev *in, uint8_t flags)
{
	const struct nfu_route *rt = nfu_fib_lookup_net(net, saddr);

	if (!rt)
		return false;
	if (rt->type != NFU_RTN_UNICAST &&
	    (rt->type != NFU_RTN_LOCAL || !(flags & RPF_ACCEPT_LOCAL)))
		return false;
	return (in && rt->ifindex == in->ifindex) || (flags & RPF_LOOSE);
}

static bool rpfilter_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			void *data)
{
	const struct rpfilter_info *r = data;
	bool invert = r->flags & RPF_INVERT;
	const uint8_t *iph = nfu_ext_header(pkt, 0, 20);
	uint32_t saddr, daddr;

	if (pkt->pkt_type == NFU_PACKET_LOOPBACK || (par->in && par->in->loopback))
		return !invert;
	if (!iph)
		return false;
	saddr = (uint32_t)iph[12] << 24 | (uint32_t)iph[13] << 16 |
		(uint32_t)iph[14] << 8 | iph[15];
	daddr = (uint32_t)iph[16] << 24 | (uint32_t)iph[17] << 16 |
		(uint32_t)iph[18] << 8 | iph[19];
	if (is_zeronet(saddr) && (is_lbcast(daddr) || is_local_mcast(daddr)))
		return !invert;
	return lookup_reverse(par->net, __builtin_bswap32(saddr), par->in,
			      r->flags) ^ invert;
}

static void rpfilter_put(const void *data, bool save, struct nfu_strbuf *sb)
{
	const struct rpfilter_info *r = data;

	if (!save)
		nfu_sb_puts(sb, " rpfilter");
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (r->flags & flag_names[i].flag)
			nfu_sb_printf(sb, save ? " --%s" : " %s",
				      flag_names[i].name);
}

static void rpfilter_save(const void *data, const struct nfu_xt_ip *ip,
			  struct nfu_strbuf *sb)
{
	(void)ip;
	rpfilter_put(data, true, sb);
}

static void rpfilter_print(const void *data, const struct nfu_xt_ip *ip,
			   bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	(void)numeric;
	rpfilter_put(data, false, sb);
}

const struct nfu_xt_match_ops nfu_xt_rpfilter = {
	.name = "rpfilter",
	.revision = 0,
	.size = sizeof(struct rpfilter_info),
	.hooks = NFU_XT_HOOK(NFU_INET_PRE_ROUTING),
	.options = rpfilter_opts,
	.parse = rpfilter_parse,
	.check = rpfilter_check,
	.match = rpfilter_mt,
	.save = rpfilter_save,
	.print = rpfilter_print,
};
