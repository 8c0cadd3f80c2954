/* SPDX-License-Identifier: MIT */
/*
 * xt_dscp.c - the dscp match: '[!] --dscp N' (0..63) or '[!] --dscp-class
 * NAME' (CS0..CS7, BE, AF11..AF43, EF), saved as '--dscp 0x0a'.
 *
 * A class name is recognised by its beginning, as iptables does
 * ("CS7x" is CS7).  Linux's dscp_mt(): (tos >> 2) == dscp.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ext/ext-args.h"
#include "ipv4/ipv4-private.h"

#define DSCP_MAX 0x3f

struct nfu_xt_dscp_info {
	uint8_t dscp;
	uint8_t invert;
};

enum { O_DSCP = 0, O_DSCP_CLASS };

static const struct nfu_xt_option dscp_opts[] = {
	{ "dscp", O_DSCP, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "dscp-class", O_DSCP_CLASS, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

static const struct {
	const char *name;
	uint8_t dscp;
} classes[] = {
	{ "CS0", 0x00 },  { "CS1", 0x08 },  { "CS2", 0x10 },  { "CS3", 0x18 },
	{ "CS4", 0x20 },  { "CS5", 0x28 },  { "CS6", 0x30 },  { "CS7", 0x38 },
	{ "BE", 0x00 },	  { "AF11", 0x0a }, { "AF12", 0x0c }, { "AF13", 0x0e },
	{ "AF21", 0x12 }, { "AF22", 0x14 }, { "AF23", 0x16 }, { "AF31", 0x1a },
	{ "AF32", 0x1c }, { "AF33", 0x1e }, { "AF41", 0x22 }, { "AF42", 0x24 },
	{ "AF43", 0x26 }, { "EF", 0x2e },
};

static int dscp_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	struct nfu_xt_dscp_info *info = data;
	uint32_t v;
	size_t i, n = sizeof(classes) / sizeof(classes[0]);
	int rc;

	if (id == O_DSCP) {
		rc = nfu_ext_parse_uint(ctx, "dscp", "dscp", arg, 0, DSCP_MAX,
					&v);
		if (rc)
			return rc;
		info->dscp = (uint8_t)v;
	} else {
		for (i = 0; i < n; i++)
			if (!strncasecmp(arg, classes[i].name,
					 strlen(classes[i].name)))
				break;
		if (i == n)
			return nfu_xt_error(ctx, "Invalid DSCP value `%s'", arg);
		info->dscp = classes[i].dscp;
	}
	if (invert)
		info->invert = 1;
	return 0;
}

static int dscp_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			    unsigned int seen)
{
	const unsigned int both = 1u << O_DSCP | 1u << O_DSCP_CLASS;

	(void)data;
	if (!seen)
		return nfu_xt_error(ctx, "DSCP match: Parameter --dscp is "
				    "required");
	if ((seen & both) == both)
		return nfu_xt_error(ctx, "dscp: option \"--dscp\" cannot be "
				    "used together with \"--dscp-class\".");
	return 0;
}

/* Linux's dscp_mt_check(). */
static int dscp_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct nfu_xt_dscp_info *info = data;

	if (info->dscp > DSCP_MAX) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_dscp: dscp %x out of range",
				      info->dscp);
		return -EDOM;
	}
	return 0;
}

static bool dscp_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		    void *data)
{
	const struct nfu_xt_dscp_info *info = data;

	(void)par;
	return ((nfu_ip_hdr(pkt)->tos >> 2) == info->dscp) ^ !!info->invert;
}

static void dscp_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	const struct nfu_xt_dscp_info *info = data;

	(void)ip;
	nfu_sb_printf(sb, "%s --dscp 0x%02x", info->invert ? " !" : "",
		      info->dscp);
}

static void dscp_print(const void *data, const struct nfu_xt_ip *ip,
		       bool numeric, struct nfu_strbuf *sb)
{
	const struct nfu_xt_dscp_info *info = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " DSCP match %s0x%02x", info->invert ? "!" : "",
		      info->dscp);
}

const struct nfu_xt_match_ops nfu_xt_dscp = {
	.name = "dscp",
	.revision = 0,
	.size = sizeof(struct nfu_xt_dscp_info),
	.options = dscp_opts,
	.parse = dscp_parse,
	.final_check = dscp_final_check,
	.check = dscp_check,
	.match = dscp_mt,
	.save = dscp_save,
	.print = dscp_print,
};
