/* SPDX-License-Identifier: MIT */
/*
 * xt_connmark.c - the "connmark" match, revision 1: the mark of the
 * packet's connection, (ctmark & mask) == mark, inverted with '!' (Linux's
 * xt_connmark.c with struct xt_connmark_mtinfo1, libxt_connmark of
 * iptables 1.8.9).  Any table and chain.
 *
 * --mark value[/mask] is libxtables' XTTYPE_MARKMASK32 as 1.8.9 reads it
 * (numbers in C notation, leading blanks allowed, no sign; the mask all
 * ones when not given) with its two messages; the listing prints two
 * blanks before an uninverted mark ("connmark match  0x1"), as iptables
 * does.
 *
 * check() starts connection tracking (Linux's connmark_mt_check()).  A
 * packet without a connection (INVALID, UNTRACKED) never matches, not
 * even inverted; one carrying CT's template (in raw, after a CT rule) is
 * matched on the template's mark, as Linux's nf_ct_get() hands it out.
 */
#include "conntrack/ct-private.h"
#include "ext/ext-private.h"
#include "ext/xt_conntrack.h"

struct connmark_info { /* xt_connmark_mtinfo1 */
	uint32_t mark, mask;
	uint8_t invert;
	struct nfu_xt_ct_ref ref;      /* after usersize */
};

enum { O_MARK = 0 };

static const struct nfu_xt_option connmark_opts[] = {
	{ "mark", O_MARK, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

static int connmark_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			  const char *arg, bool invert, void *data)
{
	struct connmark_info *info = data;
	uintmax_t mark, mask = UINT32_MAX;
	char *end;

	(void)id;
	if (!nfu_ext_strtoul(arg, &end, &mark, 0, UINT32_MAX, 0) ||
	    (*end == '/' &&
	     !nfu_ext_strtoul(end + 1, &end, &mask, 0, UINT32_MAX, 0)))
		return nfu_xt_error(ctx, "connmark: bad integer value for "
				    "option \"--mark\", or out of range.");
	if (*end != '\0')
		return nfu_xt_error(ctx, "connmark: trailing garbage after "
				    "value for option \"--mark\".");
	info->mark = (uint32_t)mark;
	info->mask = (uint32_t)mask;
	info->invert = invert;
	return 0;
}

static int connmark_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_MARK)))
		return nfu_xt_error(ctx, "connmark: option \"--mark\" must be "
				    "specified");
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

static bool connmark_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			void *data)
{
	const struct connmark_info *info = data;
	const struct nfu_ct *ct = pkt->ct;

	(void)par;
	if (!ct)
		return false;
	return ((ct->mark & info->mask) == info->mark) ^ info->invert;
}

static void put_mark(struct nfu_strbuf *sb, const struct connmark_info *info)
{
	if (info->mask != UINT32_MAX)
		nfu_sb_printf(sb, " 0x%x/0x%x", info->mark, info->mask);
	else
		nfu_sb_printf(sb, " 0x%x", info->mark);
}

static void connmark_save(const void *data, const struct nfu_xt_ip *ip,
			  struct nfu_strbuf *sb)
{
	const struct connmark_info *info = data;

	(void)ip;
	nfu_sb_puts(sb, info->invert ? " ! --mark" : " --mark");
	put_mark(sb, info);
}

static void connmark_print(const void *data, const struct nfu_xt_ip *ip,
			   bool numeric, struct nfu_strbuf *sb)
{
	const struct connmark_info *info = data;

	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, info->invert ? " connmark match !" : " connmark match ");
	put_mark(sb, info);
}

const struct nfu_xt_match_ops nfu_xt_connmark = {
	.name = "connmark",
	.revision = 1,
	.size = sizeof(struct connmark_info),
	.usersize = offsetof(struct connmark_info, ref),
	.options = connmark_opts,
	.parse = connmark_parse,
	.final_check = connmark_final_check,
	.check = connmark_check,
	.destroy = connmark_destroy,
	.match = connmark_mt,
	.save = connmark_save,
	.print = connmark_print,
};
