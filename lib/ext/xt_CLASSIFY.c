/* SPDX-License-Identifier: MIT */
/*
 * CLASSIFY: set the packet's priority (skb->priority, a traffic-control
 * class MAJOR:MINOR), as Linux's classify_tg; from FORWARD, OUTPUT and
 * POSTROUTING, in any table.  libxt_CLASSIFY reads the class with
 * sscanf("%x:%x"), so "0x1:0x2", " 1: 2", "-1:2" and "1:2xyz" are taken,
 * and a part over 16 bits is cut.
 */
#include <stdio.h>

#include "ext/ext-private.h"

struct classify_info { /* xt_classify_target_info */
	uint32_t priority;
};

enum { O_SET_CLASS = 0 };

static const struct nfu_xt_option classify_opts[] = {
	{ "set-class", O_SET_CLASS, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

static int classify_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			  const char *arg, bool invert, void *data)
{
	struct classify_info *info = data;
	unsigned int major, minor;

	(void)id;
	(void)invert;
	if (sscanf(arg, "%x:%x", &major, &minor) != 2)
		return nfu_xt_error(ctx, "Bad class value \"%s\"", arg);
	/* TC_H_MAKE(major << 16, minor) */
	info->priority = ((major << 16) & 0xffff0000u) | (minor & 0xffffu);
	return 0;
}

static int classify_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_SET_CLASS)))
		return nfu_xt_error(ctx, "CLASSIFY: option \"--set-class\" "
				    "must be specified");
	return 0;
}

static unsigned int classify_target(struct nfu_pkt *pkt,
				    struct nfu_xt_par *par, void *data)
{
	const struct classify_info *info = data;

	(void)par;
	pkt->priority = info->priority;
	return NFU_XT_CONTINUE;
}

static void classify_save(const void *data, const struct nfu_xt_ip *ip,
			  struct nfu_strbuf *sb)
{
	const struct classify_info *info = data;

	(void)ip;
	nfu_sb_printf(sb, " --set-class %04x:%04x", info->priority >> 16,
		      info->priority & 0xffffu);
}

static void classify_print(const void *data, const struct nfu_xt_ip *ip,
			   bool numeric, struct nfu_strbuf *sb)
{
	const struct classify_info *info = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " CLASSIFY set %x:%x", info->priority >> 16,
		      info->priority & 0xffffu);
}

const struct nfu_xt_target_ops nfu_xt_CLASSIFY = {
	.name = "CLASSIFY",
	.revision = 0,
	.size = sizeof(struct classify_info),
	.hooks = NFU_XT_HOOK(NFU_INET_FORWARD) | NFU_XT_HOOK(NFU_INET_LOCAL_OUT) |
		 NFU_XT_HOOK(NFU_INET_POST_ROUTING),
	.options = classify_opts,
	.parse = classify_parse,
	.final_check = classify_final_check,
	.target = classify_target,
	.save = classify_save,
	.print = classify_print,
};
