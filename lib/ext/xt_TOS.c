/* SPDX-License-Identifier: MIT */
/*
 * TOS revision 1: tos = (tos & ~mask) ^ value over the whole TOS byte,
 * as Linux's tos_tg (in xt_DSCP.c there); the mangle table only.  The
 * options are libxt_TOS's: --set-tos value[/mask] (a bare number takes
 * mask 0xff, a symbolic name mask 0x3f), --and-tos, --or-tos, --xor-tos.
 */
#include <string.h>
#include <strings.h>

#include "core/csum.h"
#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

struct tos_info { /* xt_tos_target_info */
	uint8_t tos_value, tos_mask;
};

enum { O_SET_TOS = 0, O_AND_TOS, O_OR_TOS, O_XOR_TOS, F_ANY = 0x0f };

static const struct nfu_xt_option tos_opts[] = {
	{ "set-tos", O_SET_TOS, NFU_XTOPT_ARG },
	{ "and-tos", O_AND_TOS, NFU_XTOPT_ARG },
	{ "or-tos", O_OR_TOS, NFU_XTOPT_ARG },
	{ "xor-tos", O_XOR_TOS, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

static const struct {
	uint8_t value;
	const char *name;
} tos_names[] = {
	{ 0x10, "Minimize-Delay" },     { 0x08, "Maximize-Throughput" },
	{ 0x04, "Maximize-Reliability" }, { 0x02, "Minimize-Cost" },
	{ 0x00, "Normal-Service" },
};

/* libxtables' XTTYPE_TOSMASK with max 0x3f */
static int parse_tosmask(struct nfu_xt_parse_ctx *ctx, const char *arg,
			 struct tos_info *info)
{
	uintmax_t v;
	char *end;

	if (nfu_ext_strtoul(arg, &end, &v, 0, UINT8_MAX, 0)) {
		info->tos_value = (uint8_t)v;
		info->tos_mask = UINT8_MAX;
		if (*end == '/') {
			if (!nfu_ext_strtoul(end + 1, &end, &v, 0, UINT8_MAX, 0))
				return nfu_xt_error(ctx, "Illegal value: \"%s\"",
						    arg);
			info->tos_mask = (uint8_t)v;
		}
		if (*end != '\0')
			return nfu_xt_error(ctx, "Illegal value: \"%s\"", arg);
		return 0;
	}
	for (size_t i = 0; i < sizeof(tos_names) / sizeof(tos_names[0]); i++) {
		if (!strcasecmp(arg, tos_names[i].name)) {
			info->tos_value = tos_names[i].value;
			info->tos_mask = 0x3f;
			return 0;
		}
	}
	return nfu_xt_error(ctx, "Symbolic name \"%s\" is unknown", arg);
}

static int tos_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct tos_info *info = data;
	uintmax_t v;

	(void)invert;
	if (id == O_SET_TOS)
		return parse_tosmask(ctx, arg, info);
	if (!nfu_ext_strtoul(arg, NULL, &v, 0, UINT8_MAX, 0))
		return nfu_xt_error(ctx, "TOS: bad value for option \"--%s\", "
				    "or out of range (0-255).",
				    tos_opts[id].name);
	switch (id) {
	case O_AND_TOS:
		info->tos_value = 0;
		info->tos_mask = (uint8_t)~v;
		break;
	case O_OR_TOS:
		info->tos_value = info->tos_mask = (uint8_t)v;
		break;
	default: /* O_XOR_TOS */
		info->tos_value = (uint8_t)v;
		info->tos_mask = 0;
		break;
	}
	return 0;
}

static int tos_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			   unsigned int seen)
{
	(void)data;
	if (!(seen & F_ANY))
		return nfu_xt_error(ctx, "TOS: An action is required");
	/* xtables_options_fcheck(): the first given in table order against
	 * the given one of lowest id (table order is id order here) */
	for (unsigned int a = 0; a < 4; a++) {
		if (!(seen & (1u << a)))
			continue;
		for (unsigned int b = 0; b < 4; b++)
			if (b != a && (seen & (1u << b)))
				return nfu_xt_error(ctx, "TOS: option \"--%s\" "
						    "cannot be used together "
						    "with \"--%s\".",
						    tos_opts[a].name,
						    tos_opts[b].name);
	}
	return 0;
}

static unsigned int tos_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
			       void *data)
{
	const struct tos_info *info = data;
	struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	uint8_t nv = (uint8_t)((iph->tos & ~info->tos_mask) ^ info->tos_value);
	uint16_t from, to;

	(void)par;
	if (nv == iph->tos)
		return NFU_XT_CONTINUE;
	memcpy(&from, iph, 2);
	iph->tos = nv;
	memcpy(&to, iph, 2);
	nfu_csum_replace2(&iph->check, from, to);
	return NFU_XT_CONTINUE;
}

static void tos_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	const struct tos_info *info = data;

	(void)ip;
	nfu_sb_printf(sb, " --set-tos 0x%02x/0x%02x", info->tos_value,
		      info->tos_mask);
}

static void tos_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	const struct tos_info *info = data;

	(void)ip;
	if (numeric) {
		nfu_sb_printf(sb, " TOS set 0x%02x/0x%02x", info->tos_value,
			      info->tos_mask);
		return;
	}
	if (info->tos_mask == 0x3f) {
		for (size_t i = 0; i < sizeof(tos_names) / sizeof(tos_names[0]);
		     i++) {
			if (info->tos_value == tos_names[i].value) {
				/* libxt_TOS prints " %s%s" of " TOS set" */
				nfu_sb_printf(sb, "  TOS set%s",
					      tos_names[i].name);
				return;
			}
		}
	}
	if (info->tos_value == 0)
		nfu_sb_printf(sb, " TOS and 0x%02x",
			      (unsigned int)(uint8_t)~info->tos_mask);
	else if (info->tos_value == info->tos_mask)
		nfu_sb_printf(sb, " TOS or 0x%02x", info->tos_value);
	else if (info->tos_mask == 0)
		nfu_sb_printf(sb, " TOS xor 0x%02x", info->tos_value);
	else
		nfu_sb_printf(sb, " TOS set 0x%02x/0x%02x", info->tos_value,
			      info->tos_mask);
}

const struct nfu_xt_target_ops nfu_xt_TOS = {
	.name = "TOS",
	.revision = 1,
	.size = sizeof(struct tos_info),
	.table = "mangle",
	.options = tos_opts,
	.parse = tos_parse,
	.final_check = tos_final_check,
	.target = tos_target,
	.save = tos_save,
	.print = tos_print,
};
