/* SPDX-License-Identifier: MIT */
/*
 * DSCP: set the DiffServ code point (the upper six bits of the TOS byte),
 * keeping the ECN bits, as Linux's dscp_tg; the mangle table only.  The
 * value is a number up to 63 or a class name (libxt_DSCP's
 * class_to_dscp: a name the argument starts with, "EFX" being EF).
 */
#include <string.h>
#include <strings.h>

#include "core/csum.h"
#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

#define DSCP_MAX 0x3f
#define DSCP_SHIFT 2

struct dscp_info { /* xt_DSCP_info */
	uint8_t dscp;
};

enum { O_SET_DSCP = 0, O_SET_DSCP_CLASS };

static const struct nfu_xt_option dscp_opts[] = {
	{ "set-dscp", O_SET_DSCP, NFU_XTOPT_ARG },
	{ "set-dscp-class", O_SET_DSCP_CLASS, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

/* The IANA names, in libxt_DSCP's order (the first match wins). */
static const struct {
	const char *name;
	uint8_t dscp;
} ds_classes[] = {
	{ "CS0", 0x00 },  { "CS1", 0x08 },  { "CS2", 0x10 },  { "CS3", 0x18 },
	{ "CS4", 0x20 },  { "CS5", 0x28 },  { "CS6", 0x30 },  { "CS7", 0x38 },
	{ "BE", 0x00 },   { "AF11", 0x0a }, { "AF12", 0x0c }, { "AF13", 0x0e },
	{ "AF21", 0x12 }, { "AF22", 0x14 }, { "AF23", 0x16 }, { "AF31", 0x1a },
	{ "AF32", 0x1c }, { "AF33", 0x1e }, { "AF41", 0x22 }, { "AF42", 0x24 },
	{ "AF43", 0x26 }, { "EF", 0x2e },
};

static int dscp_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	struct dscp_info *info = data;
	uintmax_t v;

	(void)invert;
	if (id == O_SET_DSCP) {
		if (!nfu_ext_strtoul(arg, NULL, &v, 0, DSCP_MAX, 0))
			return nfu_xt_error(ctx, "DSCP: bad value for option "
					    "\"--set-dscp\", or out of range "
					    "(0-63).");
		info->dscp = (uint8_t)v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(ds_classes) / sizeof(ds_classes[0]); i++) {
		if (!strncasecmp(arg, ds_classes[i].name,
				 strlen(ds_classes[i].name))) {
			info->dscp = ds_classes[i].dscp;
			return 0;
		}
	}
	return nfu_xt_error(ctx, "Invalid DSCP value `%s'", arg);
}

static int dscp_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			    unsigned int seen)
{
	(void)data;
	if (!seen)
		return nfu_xt_error(ctx, "DSCP target: Parameter --set-dscp "
				    "is required");
	if ((seen & 3u) == 3u)
		return nfu_xt_error(ctx, "DSCP: option \"--set-dscp\" cannot be "
				    "used together with \"--set-dscp-class\".");
	return 0;
}

static int dscp_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct dscp_info *info = data;

	if (info->dscp > DSCP_MAX)
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "DSCP target: dscp %x out of range",
				     info->dscp);
	return 0;
}

static unsigned int dscp_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				void *data)
{
	const struct dscp_info *info = data;
	struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	uint16_t from, to;

	(void)par;
	if ((iph->tos >> DSCP_SHIFT) == info->dscp)
		return NFU_XT_CONTINUE;
	/* ipv4_change_dsfield(): the ECN bits stay; the checksum follows */
	memcpy(&from, iph, 2);
	iph->tos = (uint8_t)((iph->tos & 0x03) | (info->dscp << DSCP_SHIFT));
	memcpy(&to, iph, 2);
	nfu_csum_replace2(&iph->check, from, to);
	return NFU_XT_CONTINUE;
}

static void dscp_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	const struct dscp_info *info = data;

	(void)ip;
	nfu_sb_printf(sb, " --set-dscp 0x%02x", info->dscp);
}

static void dscp_print(const void *data, const struct nfu_xt_ip *ip,
		       bool numeric, struct nfu_strbuf *sb)
{
	const struct dscp_info *info = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " DSCP set 0x%02x", info->dscp);
}

const struct nfu_xt_target_ops nfu_xt_DSCP = {
	.name = "DSCP",
	.revision = 0,
	.size = sizeof(struct dscp_info),
	.table = "mangle",
	.options = dscp_opts,
	.parse = dscp_parse,
	.final_check = dscp_final_check,
	.check = dscp_check,
	.target = dscp_target,
	.save = dscp_save,
	.print = dscp_print,
};
