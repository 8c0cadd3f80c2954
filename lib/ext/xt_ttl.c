/* SPDX-License-Identifier: MIT */
/* xt_ttl.c - the "ttl" match: the IP TTL equal to, different from, less
 * or greater than a value (only --ttl-eq may be inverted). */
#include <string.h>

#include "ext/ext-private.h"

enum { TTL_EQ, TTL_NE, TTL_LT, TTL_GT };

struct ttl_info {
	uint8_t mode;
	uint8_t ttl;
};

enum { O_EQ, O_LT, O_GT };

static const struct nfu_xt_option ttl_opts[] = {
	{ "ttl-eq", O_EQ, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "ttl-lt", O_LT, NFU_XTOPT_ARG },
	{ "ttl-gt", O_GT, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

static const char *const names[] = { "ttl-eq", "ttl-lt", "ttl-gt" };

static int ttl_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct ttl_info *t = data;
	uintmax_t v;

	if (id > O_GT)
		return -22;
	if (invert && id != O_EQ)
		return nfu_xt_error(ctx, "ttl: option \"--%s\" cannot be inverted.",
				    names[id]);
	if (!nfu_ext_strtoul(arg, NULL, &v, 0, UINT8_MAX, 0))
		return nfu_xt_error(ctx, "ttl: bad value for option \"--%s\", or out of range (0-255).",
				    names[id]);
	t->ttl = (uint8_t)v;
	t->mode = id == O_EQ ? (invert ? TTL_NE : TTL_EQ) :
		  id == O_LT ? TTL_LT : TTL_GT;
	return 0;
}

static int ttl_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			   unsigned int seen)
{
	(void)data;
	if (!seen)
		return nfu_xt_error(ctx, "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt");
	/* libxtables' exclusions: --ttl-lt and --ttl-gt exclude the others
	 * (--ttl-eq names none), checked in the order of the table */
	for (unsigned int a = O_LT; a <= O_GT; a++)
		for (unsigned int b = O_EQ; b <= O_GT; b++)
			if (a != b && (seen & (1u << a)) && (seen & (1u << b)))
				return nfu_xt_error(ctx, "ttl: option \"--%s\" cannot be used together with \"--%s\".",
						    names[a], names[b]);
	return 0;
}

static bool ttl_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		      void *data)
{
	const struct ttl_info *t = data;
	uint8_t ttl = nfu_pkt_network_header(pkt)[8];

	(void)par;
	switch (t->mode) {
	case TTL_EQ: return ttl == t->ttl;
	case TTL_NE: return ttl != t->ttl;
	case TTL_LT: return ttl < t->ttl;
	case TTL_GT: return ttl > t->ttl;
	}
	return false;
}

static void ttl_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	const struct ttl_info *t = data;
	static const char *const s[] = { " --ttl-eq", " ! --ttl-eq",
					 " --ttl-lt", " --ttl-gt" };

	(void)ip;
	if (t->mode <= TTL_GT)
		nfu_sb_printf(sb, "%s %u", s[t->mode], t->ttl);
}

static void ttl_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	const struct ttl_info *t = data;
	static const char *const s[] = { "==", "!=", "<", ">" };

	(void)ip;
	(void)numeric;
	if (t->mode <= TTL_GT)
		nfu_sb_printf(sb, " TTL match TTL %s %u", s[t->mode], t->ttl);
}

static int ttl_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct ttl_info *t = data;

	if (t->mode > TTL_GT)
		return nfu_error_set(ctx->err, NULL, 0, 0, "ttl: unknown mode %u", t->mode);
	return 0;
}

const struct nfu_xt_match_ops nfu_xt_ttl = {
	.name = "ttl",
	.size = sizeof(struct ttl_info),
	.options = ttl_opts,
	.parse = ttl_parse,
	.final_check = ttl_final_check,
	.check = ttl_check,
	.match = ttl_match,
	.save = ttl_save,
	.print = ttl_print,
};
