/* SPDX-License-Identifier: MIT */
/*
 * MARK revision 2: nfmark = (nfmark & ~mask) ^ mark, Linux's xt_mark
 * target, with libxt_MARK's five ways of writing it.  Every form becomes
 * (mark, mask), so iptables-save prints "--set-xmark 0x1/0xffffffff" for
 * "--set-mark 1".  Usable in any table and chain, as in Linux.
 */
#include <string.h>

#include "ext/ext-private.h"

struct mark_tginfo2 { /* xt_mark_tginfo2 */
	uint32_t mark, mask;
};

enum {
	O_SET_MARK = 0,
	O_AND_MARK,
	O_OR_MARK,
	O_XOR_MARK,
	O_SET_XMARK,
	F_ANY = 0x1f,
};

/* In libxt_MARK's order: its exclusion message follows it. */
static const struct nfu_xt_option mark_opts[] = {
	{ "set-xmark", O_SET_XMARK, NFU_XTOPT_ARG },
	{ "set-mark", O_SET_MARK, NFU_XTOPT_ARG },
	{ "and-mark", O_AND_MARK, NFU_XTOPT_ARG },
	{ "or-mark", O_OR_MARK, NFU_XTOPT_ARG },
	{ "xor-mark", O_XOR_MARK, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

static const char *opt_name(unsigned int id)
{
	for (const struct nfu_xt_option *o = mark_opts; o->name; o++)
		if (o->id == id)
			return o->name;
	return "?";
}

/* xtables_parse_mark_mask(): "value[/mask]", each a number in C notation
 * up to 0xffffffff. */
static int parse_markmask(struct nfu_xt_parse_ctx *ctx, const char *name,
			  const char *arg, uint32_t *mark, uint32_t *mask)
{
	uintmax_t v;
	char *end;

	*mask = ~0u;
	if (!nfu_ext_strtoul(arg, &end, &v, 0, UINT32_MAX, 0))
		goto bad;
	*mark = (uint32_t)v;
	if (*end == '\0')
		return 0;
	if (*end != '/')
		goto garbage;
	if (!nfu_ext_strtoul(end + 1, &end, &v, 0, UINT32_MAX, 0))
		goto bad;
	*mask = (uint32_t)v;
	if (*end == '\0')
		return 0;
garbage:
	return nfu_xt_error(ctx, "MARK: trailing garbage after value for "
			    "option \"--%s\".", name);
bad:
	return nfu_xt_error(ctx, "MARK: bad integer value for option \"--%s\", "
			    "or out of range.", name);
}

static int mark_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	struct mark_tginfo2 *info = data;
	uint32_t mark = 0, mask = 0;
	uintmax_t v;
	int rc;

	(void)invert;
	if (id == O_SET_XMARK || id == O_SET_MARK) {
		rc = parse_markmask(ctx, opt_name(id), arg, &mark, &mask);
		if (rc < 0)
			return rc;
		info->mark = mark;
		/* --set-mark sets the bits of 'mark' too, whatever 'mask' */
		info->mask = id == O_SET_MARK ? (mark | mask) : mask;
		return 0;
	}
	if (!nfu_ext_strtoul(arg, NULL, &v, 0, UINT32_MAX, 0))
		return nfu_xt_error(ctx, "MARK: bad value for option \"--%s\", "
				    "or out of range (0-4294967295).",
				    opt_name(id));
	switch (id) {
	case O_AND_MARK:
		info->mark = 0;
		info->mask = ~(uint32_t)v;
		break;
	case O_OR_MARK:
		info->mark = info->mask = (uint32_t)v;
		break;
	default: /* O_XOR_MARK */
		info->mark = (uint32_t)v;
		info->mask = 0;
		break;
	}
	return 0;
}

static int mark_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			    unsigned int seen)
{
	(void)data;
	if (!(seen & F_ANY))
		return nfu_xt_error(ctx, "MARK: One of the --set-xmark, "
				    "--{and,or,xor,set}-mark options is required");
	/* xtables_options_fcheck(): the first option in table order that
	 * is given, against the given one of lowest id */
	for (const struct nfu_xt_option *o = mark_opts; o->name; o++) {
		if (!(seen & (1u << o->id)))
			continue;
		for (unsigned int i = 0; i < 5; i++)
			if (i != o->id && (seen & (1u << i)))
				return nfu_xt_error(ctx, "MARK: option \"--%s\" "
						    "cannot be used together "
						    "with \"--%s\".",
						    o->name, opt_name(i));
	}
	return 0;
}

static unsigned int mark_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				void *data)
{
	const struct mark_tginfo2 *info = data;

	(void)par;
	pkt->mark = (pkt->mark & ~info->mask) ^ info->mark;
	return NFU_XT_CONTINUE;
}

static void mark_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	const struct mark_tginfo2 *info = data;

	(void)ip;
	nfu_sb_printf(sb, " --set-xmark 0x%x/0x%x", info->mark, info->mask);
}

static void mark_print(const void *data, const struct nfu_xt_ip *ip,
		       bool numeric, struct nfu_strbuf *sb)
{
	const struct mark_tginfo2 *info = data;

	(void)ip;
	(void)numeric;
	if (info->mark == 0)
		nfu_sb_printf(sb, " MARK and 0x%x", ~info->mask);
	else if (info->mark == info->mask)
		nfu_sb_printf(sb, " MARK or 0x%x", info->mark);
	else if (info->mask == 0)
		nfu_sb_printf(sb, " MARK xor 0x%x", info->mark);
	else if (info->mask == 0xffffffffu)
		nfu_sb_printf(sb, " MARK set 0x%x", info->mark);
	else
		nfu_sb_printf(sb, " MARK xset 0x%x/0x%x", info->mark,
			      info->mask);
}

const struct nfu_xt_target_ops nfu_xt_MARK = {
	.name = "MARK",
	.revision = 2,
	.size = sizeof(struct mark_tginfo2),
	.options = mark_opts,
	.parse = mark_parse,
	.final_check = mark_final_check,
	.target = mark_target,
	.save = mark_save,
	.print = mark_print,
};
