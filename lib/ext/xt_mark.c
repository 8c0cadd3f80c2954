/* SPDX-License-Identifier: MIT */
/* xt_mark.c - the "mark" match, revision 1: (nfmark & mask) == mark. */
#include <string.h>

#include "ext/ext-private.h"

struct mark_info {
	uint32_t mark, mask;
	uint8_t invert;
};

static const struct nfu_xt_option mark_opts[] = {
	{ "mark", 0, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

/* libxtables' xtables_parse_mark_mask(): VALUE[/MASK], base 0. */
static int mark_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	struct mark_info *m = data;
	uintmax_t mark, mask = UINT32_MAX;
	char *end;

	(void)id;
	if (!nfu_ext_strtoul(arg, &end, &mark, 0, UINT32_MAX, 0) ||
	    (*end == '/' &&
	     !nfu_ext_strtoul(end + 1, &end, &mask, 0, UINT32_MAX, 0)) ||
	    *end != '\0')
		return nfu_xt_error(ctx, "mark: bad integer value for option \"--mark\", or out of range.");
	m->mark = (uint32_t)mark;
	m->mask = (uint32_t)mask;
	m->invert = invert;
	return 0;
}

static int mark_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			    unsigned int seen)
{
	(void)data;
	if (!(seen & 1u))
		return nfu_xt_error(ctx, "mark: option \"--mark\" must be specified");
	return 0;
}

static bool mark_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		       void *data)
{
	const struct mark_info *m = data;

	(void)par;
	return ((pkt->mark & m->mask) == m->mark) ^ m->invert;
}

static void put_mark(struct nfu_strbuf *sb, const struct mark_info *m)
{
	nfu_sb_printf(sb, " 0x%x", m->mark);
	if (m->mask != UINT32_MAX)
		nfu_sb_printf(sb, "/0x%x", m->mask);
}

static void mark_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	const struct mark_info *m = data;

	(void)ip;
	nfu_sb_puts(sb, m->invert ? " ! --mark" : " --mark");
	put_mark(sb, m);
}

static void mark_print(const void *data, const struct nfu_xt_ip *ip,
		       bool numeric, struct nfu_strbuf *sb)
{
	const struct mark_info *m = data;

	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, m->invert ? " mark match !" : " mark match");
	put_mark(sb, m);
}

const struct nfu_xt_match_ops nfu_xt_mark = {
	.name = "mark",
	.revision = 1,
	.size = sizeof(struct mark_info),
	.options = mark_opts,
	.parse = mark_parse,
	.final_check = mark_final_check,
	.match = mark_match,
	.save = mark_save,
	.print = mark_print,
};
