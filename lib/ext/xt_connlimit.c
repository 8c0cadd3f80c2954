/* SPDX-License-Identifier: MIT */
/*
 * xt_connlimit.c - the "connlimit" match, revision 1: more (or at most) N
 * connections from the packet's source (or to its destination) network.
 *
 * Counting connections needs connection tracking, which nfu does not have
 * yet (issue 5): until then the match never matches.  Parsing, checks and
 * the saved text are iptables 1.8.9's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ext/ext-args.h"

enum {
	CONNLIMIT_INVERT = 0x01,
	CONNLIMIT_DADDR = 0x02,
};

/* Linux's struct xt_connlimit_info, IPv4 only. */
struct connlimit_info {
	uint32_t mask;         /* network order */
	uint32_t limit;
	uint32_t flags;
};

enum { O_UPTO, O_ABOVE, O_MASK, O_SADDR, O_DADDR };

static const struct nfu_xt_option connlimit_opts[] = {
	{ "connlimit-upto", O_UPTO, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "connlimit-above", O_ABOVE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "connlimit-mask", O_MASK, NFU_XTOPT_ARG },
	{ "connlimit-saddr", O_SADDR, 0 },
	{ "connlimit-daddr", O_DADDR, 0 },
	{ NULL, 0, 0 },
};

static void connlimit_init(void *data)
{
	struct connlimit_info *c = data;

	c->mask = 0xffffffffu;
}

static int connlimit_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			   const char *arg, bool invert, void *data)
{
	struct connlimit_info *c = data;
	uint32_t v, addr, mask;
	int rc;

	switch (id) {
	case O_UPTO:
	case O_ABOVE:
		rc = nfu_ext_parse_uint(ctx, "connlimit", id == O_UPTO ?
					"connlimit-upto" : "connlimit-above",
					arg, 0, UINT32_MAX, &v);
		if (rc)
			return rc;
		c->limit = v;
		/* "above" is "! upto" */
		if (invert == (id == O_UPTO))
			c->flags |= CONNLIMIT_INVERT;
		return 0;
	case O_MASK: {
		/* XTTYPE_PLENMASK: a prefix length, else a dotted mask (one
		 * that is not contiguous, or a number past 32 read as an
		 * address, is all ones) */
		struct nfu_error scratch;
		struct nfu_xt_parse_ctx c2 = *ctx;
		char buf[64];
		int n = snprintf(buf, sizeof(buf), "0.0.0.0/%s", arg);

		c2.err = &scratch;
		if (n < 0 || (size_t)n >= sizeof(buf) || arg[0] == '\0' ||
		    strchr(arg, '/') ||
		    nfu_ext_parse_hostmask(&c2, "connlimit", "connlimit-mask",
					   buf, &addr, &mask))
			return nfu_xt_error(ctx, "connlimit: bad value for option \"--connlimit-mask\", neither a valid network mask nor valid CIDR (0-32).");
		c->mask = mask;
		return 0;
	}
	case O_SADDR:
		c->flags &= ~CONNLIMIT_DADDR;
		return 0;
	case O_DADDR:
		c->flags |= CONNLIMIT_DADDR;
		return 0;
	}
	return -EINVAL;
}

static int connlimit_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				 unsigned int seen)
{
	(void)data;
	if (!(seen & ((1u << O_UPTO) | (1u << O_ABOVE))))
		return nfu_xt_error(ctx, "You must specify \"--connlimit-above\" or \"--connlimit-upto\".");
	/* libxtables' exclusions, in the option table's order */
	if ((seen & (1u << O_UPTO)) && (seen & (1u << O_ABOVE)))
		return nfu_xt_error(ctx, "connlimit: option \"--connlimit-upto\" cannot be used together with \"--connlimit-above\".");
	if ((seen & (1u << O_SADDR)) && (seen & (1u << O_DADDR)))
		return nfu_xt_error(ctx, "connlimit: option \"--connlimit-saddr\" cannot be used together with \"--connlimit-daddr\".");
	return 0;
}

static int connlimit_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct connlimit_info *c = data;

	if (c->flags & ~(uint32_t)(CONNLIMIT_INVERT | CONNLIMIT_DADDR)) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_connlimit: unknown flags");
		return -EINVAL;
	}
	return 0;
}

static bool connlimit_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			 void *data)
{
	(void)pkt;
	(void)par;
	(void)data;
	/* no connection tracking yet (issue 5): nothing to count */
	return false;
}

static unsigned int plen(uint32_t mask_n)
{
	return (unsigned int)__builtin_popcount(mask_n);
}

static void connlimit_save(const void *data, const struct nfu_xt_ip *ip,
			   struct nfu_strbuf *sb)
{
	const struct connlimit_info *c = data;

	(void)ip;
	nfu_sb_printf(sb, " --connlimit-%s %u --connlimit-mask %u --connlimit-%s",
		      (c->flags & CONNLIMIT_INVERT) ? "above" : "upto",
		      c->limit, plen(c->mask),
		      (c->flags & CONNLIMIT_DADDR) ? "daddr" : "saddr");
}

static void connlimit_print(const void *data, const struct nfu_xt_ip *ip,
			    bool numeric, struct nfu_strbuf *sb)
{
	const struct connlimit_info *c = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " #conn %s/%u %s %u",
		      (c->flags & CONNLIMIT_DADDR) ? "dst" : "src",
		      plen(c->mask),
		      (c->flags & CONNLIMIT_INVERT) ? ">" : "<=", c->limit);
}

const struct nfu_xt_match_ops nfu_xt_connlimit = {
	.name = "connlimit",
	.revision = 1,
	.size = sizeof(struct connlimit_info),
	.options = connlimit_opts,
	.init = connlimit_init,
	.parse = connlimit_parse,
	.final_check = connlimit_final_check,
	.check = connlimit_check,
	.match = connlimit_mt,
	.save = connlimit_save,
	.print = connlimit_print,
};
