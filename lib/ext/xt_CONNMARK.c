/* SPDX-License-Identifier: MIT */
/*
 * CONNMARK revision 1: the connection's mark (Linux's xt_CONNMARK with
 * struct xt_connmark_tginfo1, libxt_CONNMARK of iptables 1.8.9):
 *   --set-xmark v[/m], --set-mark v[/m], --and-mark, --or-mark, --xor-mark:
 *       ctmark = (ctmark & ~ctmask) ^ ctmark_value;
 *   --save-mark: ctmark = (ctmark & ~ctmask) ^ (nfmark & nfmask);
 *   --restore-mark: nfmark = (nfmark & ~nfmask) ^ (ctmark & ctmask);
 *   --nfmask, --ctmask, or --mask for both (default 0xffffffff).
 * Any table and chain, as in Linux.
 *
 * check() starts connection tracking (Linux's connmark_tg_check()).  At
 * run time, as Linux's connmark_tg_shift() without a shift (revision 1):
 * a packet without a connection is left alone; one with a connection (or
 * with CT's template, in raw after a CT rule: Linux's nf_ct_get() hands
 * that out too) changes the connection's mark or the packet's.  The
 * target always goes on with the next rule.
 */
#include "conntrack/ct-private.h"
#include "ext/ext-private.h"
#include "ext/xt_conntrack.h"

enum { MODE_SET = 0, MODE_SAVE, MODE_RESTORE };

struct connmark_info { /* xt_connmark_tginfo1 */
	uint32_t ctmark, ctmask, nfmask;
	uint8_t mode;
	struct nfu_xt_ct_ref ref;      /* after usersize */
};

/* In libxt_CONNMARK's order, which its exclusion messages follow. */
enum {
	O_SET_XMARK = 0,
	O_SET_MARK,
	O_AND_MARK,
	O_OR_MARK,
	O_XOR_MARK,
	O_SAVE_MARK,
	O_RESTORE_MARK,
	O_CTMASK,
	O_NFMASK,
	O_MASK,
	NOPTS,
	F_OPS = 0x7f,
};

static const struct nfu_xt_option connmark_opts[] = {
	{ "set-xmark", O_SET_XMARK, NFU_XTOPT_ARG },
	{ "set-mark", O_SET_MARK, NFU_XTOPT_ARG },
	{ "and-mark", O_AND_MARK, NFU_XTOPT_ARG },
	{ "or-mark", O_OR_MARK, NFU_XTOPT_ARG },
	{ "xor-mark", O_XOR_MARK, NFU_XTOPT_ARG },
	{ "save-mark", O_SAVE_MARK, 0 },
	{ "restore-mark", O_RESTORE_MARK, 0 },
	{ "ctmask", O_CTMASK, NFU_XTOPT_ARG },
	{ "nfmask", O_NFMASK, NFU_XTOPT_ARG },
	{ "mask", O_MASK, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

/* The options each one excludes. */
static const unsigned int excl[NOPTS] = {
	[O_SET_XMARK] = F_OPS, [O_SET_MARK] = F_OPS, [O_AND_MARK] = F_OPS,
	[O_OR_MARK] = F_OPS, [O_XOR_MARK] = F_OPS, [O_SAVE_MARK] = F_OPS,
	[O_RESTORE_MARK] = F_OPS,
	[O_CTMASK] = 1u << O_MASK, [O_NFMASK] = 1u << O_MASK,
	[O_MASK] = (1u << O_CTMASK) | (1u << O_NFMASK),
};

static void connmark_init(void *data)
{
	struct connmark_info *info = data;

	info->ctmask = info->nfmask = ~0u;
}

/* xtables_parse_mark_mask() */
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
	return nfu_xt_error(ctx, "CONNMARK: trailing garbage after value for "
			    "option \"--%s\".", name);
bad:
	return nfu_xt_error(ctx, "CONNMARK: bad integer value for option "
			    "\"--%s\", or out of range.", name);
}

static int connmark_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			  const char *arg, bool invert, void *data)
{
	struct connmark_info *info = data;
	uint32_t mark = 0, mask = 0, v32;
	uintmax_t v;
	int rc;

	(void)invert;
	switch (id) {
	case O_SET_XMARK:
	case O_SET_MARK:
		rc = parse_markmask(ctx, connmark_opts[id].name, arg, &mark,
				    &mask);
		if (rc < 0)
			return rc;
		info->mode = MODE_SET;
		info->ctmark = mark;
		info->ctmask = id == O_SET_MARK ? (mark | mask) : mask;
		return 0;
	case O_SAVE_MARK:
		info->mode = MODE_SAVE;
		return 0;
	case O_RESTORE_MARK:
		info->mode = MODE_RESTORE;
		return 0;
	default:
		break;
	}
	if (!nfu_ext_strtoul(arg, NULL, &v, 0, UINT32_MAX, 0))
		return nfu_xt_error(ctx, "CONNMARK: bad value for option "
				    "\"--%s\", or out of range (0-4294967295).",
				    connmark_opts[id].name);
	v32 = (uint32_t)v;
	switch (id) {
	case O_AND_MARK:
		info->mode = MODE_SET;
		info->ctmark = 0;
		info->ctmask = ~v32;
		break;
	case O_OR_MARK:
		info->mode = MODE_SET;
		info->ctmark = info->ctmask = v32;
		break;
	case O_XOR_MARK:
		info->mode = MODE_SET;
		info->ctmark = v32;
		info->ctmask = 0;
		break;
	case O_CTMASK:
		info->ctmask = v32;
		break;
	case O_NFMASK:
		info->nfmask = v32;
		break;
	default: /* O_MASK */
		info->ctmask = info->nfmask = v32;
		break;
	}
	return 0;
}

static int connmark_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				unsigned int seen)
{
	(void)data;
	if (!(seen & F_OPS))
		return nfu_xt_error(ctx, "CONNMARK target: No operation "
				    "specified");
	/* xtables_options_fcheck(): the first given option in table order
	 * that excludes another given one, named with the lowest of those */
	for (unsigned int id = 0; id < NOPTS; id++) {
		unsigned int clash = seen & excl[id] & ~(1u << id);

		if (!(seen & (1u << id)) || !clash)
			continue;
		return nfu_xt_error(ctx, "CONNMARK: option \"--%s\" cannot be "
				    "used together with \"--%s\".",
				    connmark_opts[id].name,
				    connmark_opts[__builtin_ctz(clash)].name);
	}
	return 0;
}

static int connmark_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct connmark_info *info = data;

	return nfu_xt_ct_get(ctx, &info->ref, "xt_connmark");
}

static void connmark_destroy(void *data)
{
	struct connmark_info *info = data;

	nfu_xt_ct_put(&info->ref);
}

static unsigned int connmark_target(struct nfu_pkt *pkt,
				    struct nfu_xt_par *par, void *data)
{
	const struct connmark_info *info = data;
	struct nfu_ct *ct = pkt->ct;

	(void)par;
	if (!ct)
		return NFU_XT_CONTINUE;
	switch (info->mode) {
	case MODE_SET:
		ct->mark = (ct->mark & ~info->ctmask) ^ info->ctmark;
		break;
	case MODE_SAVE:
		ct->mark = (ct->mark & ~info->ctmask) ^ (pkt->mark & info->nfmask);
		break;
	case MODE_RESTORE:
		pkt->mark = (pkt->mark & ~info->nfmask) ^ (ct->mark & info->ctmask);
		break;
	default:
		break;
	}
	return NFU_XT_CONTINUE;
}

static void connmark_save(const void *data, const struct nfu_xt_ip *ip,
			  struct nfu_strbuf *sb)
{
	const struct connmark_info *info = data;

	(void)ip;
	switch (info->mode) {
	case MODE_SET:
		nfu_sb_printf(sb, " --set-xmark 0x%x/0x%x", info->ctmark,
			      info->ctmask);
		break;
	case MODE_SAVE:
		nfu_sb_printf(sb, " --save-mark --nfmask 0x%x --ctmask 0x%x",
			      info->nfmask, info->ctmask);
		break;
	case MODE_RESTORE:
		nfu_sb_printf(sb, " --restore-mark --nfmask 0x%x --ctmask 0x%x",
			      info->nfmask, info->ctmask);
		break;
	default:
		nfu_sb_printf(sb, " ERROR: UNKNOWN CONNMARK MODE");
		break;
	}
}

/* connmark_tg_print() of iptables 1.8.9: the shortest of and/or/xor/set
 * for what --set-xmark stores, the masks only when not the defaults. */
static void connmark_print(const void *data, const struct nfu_xt_ip *ip,
			   bool numeric, struct nfu_strbuf *sb)
{
	const struct connmark_info *info = data;

	(void)ip;
	(void)numeric;
	switch (info->mode) {
	case MODE_SET:
		if (info->ctmark == 0)
			nfu_sb_printf(sb, " CONNMARK and 0x%x", ~info->ctmask);
		else if (info->ctmark == info->ctmask)
			nfu_sb_printf(sb, " CONNMARK or 0x%x", info->ctmark);
		else if (info->ctmask == 0)
			nfu_sb_printf(sb, " CONNMARK xor 0x%x", info->ctmark);
		else if (info->ctmask == UINT32_MAX)
			nfu_sb_printf(sb, " CONNMARK set 0x%x", info->ctmark);
		else
			nfu_sb_printf(sb, " CONNMARK xset 0x%x/0x%x",
				      info->ctmark, info->ctmask);
		break;
	case MODE_SAVE:
		if (info->nfmask == UINT32_MAX && info->ctmask == UINT32_MAX)
			nfu_sb_puts(sb, " CONNMARK save");
		else if (info->nfmask == info->ctmask)
			nfu_sb_printf(sb, " CONNMARK save mask 0x%x",
				      info->nfmask);
		else
			nfu_sb_printf(sb, " CONNMARK save nfmask 0x%x "
				      "ctmask ~0x%x", info->nfmask,
				      info->ctmask);
		break;
	case MODE_RESTORE:
		if (info->ctmask == UINT32_MAX && info->nfmask == UINT32_MAX)
			nfu_sb_puts(sb, " CONNMARK restore");
		else if (info->ctmask == info->nfmask)
			nfu_sb_printf(sb, " CONNMARK restore mask 0x%x",
				      info->ctmask);
		else
			nfu_sb_printf(sb, " CONNMARK restore ctmask 0x%x "
				      "nfmask ~0x%x", info->ctmask,
				      info->nfmask);
		break;
	default:
		nfu_sb_puts(sb, " ERROR: UNKNOWN CONNMARK MODE");
		break;
	}
}

const struct nfu_xt_target_ops nfu_xt_CONNMARK = {
	.name = "CONNMARK",
	.revision = 1,
	.size = sizeof(struct connmark_info),
	.usersize = offsetof(struct connmark_info, ref),
	.options = connmark_opts,
	.init = connmark_init,
	.parse = connmark_parse,
	.final_check = connmark_final_check,
	.check = connmark_check,
	.destroy = connmark_destroy,
	.target = connmark_target,
	.save = connmark_save,
	.print = connmark_print,
};
