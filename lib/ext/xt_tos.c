/* SPDX-License-Identifier: MIT */
/*
 * xt_tos.c - the tos match, revision 1: '[!] --tos value[/mask]' or a
 * symbolic name (Minimize-Delay, Maximize-Throughput,
 * Maximize-Reliability, Minimize-Cost, Normal-Service).
 *
 * As iptables: a number without a mask compares the whole byte (/0xff),
 * a name only the six TOS bits (/0x3f); a number that is not one falls
 * through to the names.  Linux's tos_mt(): (tos & mask) == value.
 */
#include <string.h>
#include <strings.h>

#include "ext/ext-args.h"
#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

struct nfu_xt_tos_info {
	uint8_t tos_mask;
	uint8_t tos_value;
	uint8_t invert;
};

enum { O_TOS = 0 };

static const struct nfu_xt_option tos_opts[] = {
	{ "tos", O_TOS, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

static const struct {
	uint8_t value;
	const char *name;
} tos_names[] = {
	{ 0x10, "Minimize-Delay" },
	{ 0x08, "Maximize-Throughput" },
	{ 0x04, "Maximize-Reliability" },
	{ 0x02, "Minimize-Cost" },
	{ 0x00, "Normal-Service" },
};

/* xtables_strtoui with an end pointer: a number read, in range. */
static bool number(const char *s, char **end, uintmax_t *v)
{
	return s[strspn(s, " \t\n\v\f\r")] != '-' &&
	       nfu_ext_strtoul(s, end, v, 0, UINT8_MAX, 0);
}

static int tos_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct nfu_xt_tos_info *info = data;
	uintmax_t v;
	char *end;

	(void)id;
	if (number(arg, &end, &v)) {
		info->tos_value = (uint8_t)v;
		info->tos_mask = 0xff;
		if (*end == '/') {
			if (!number(end + 1, &end, &v))
				return nfu_xt_error(ctx, "Illegal value: "
						    "\"%s\"", arg);
			info->tos_mask = (uint8_t)v;
		}
		if (*end != '\0')
			return nfu_xt_error(ctx, "Illegal value: \"%s\"", arg);
	} else {
		size_t i, n = sizeof(tos_names) / sizeof(tos_names[0]);

		for (i = 0; i < n; i++)
			if (!strcasecmp(arg, tos_names[i].name))
				break;
		if (i == n)
			return nfu_xt_error(ctx, "Symbolic name \"%s\" is "
					    "unknown", arg);
		info->tos_value = tos_names[i].value;
		info->tos_mask = 0x3f;
	}
	if (invert)
		info->invert = 1;
	return 0;
}

static int tos_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			   unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_TOS)))
		return nfu_xt_error(ctx, "tos: option \"--tos\" must be "
				    "specified");
	return 0;
}

static bool tos_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		   void *data)
{
	const struct nfu_xt_tos_info *info = data;

	(void)par;
	return ((nfu_ip_hdr(pkt)->tos & info->tos_mask) == info->tos_value) ^
	       !!info->invert;
}

static void tos_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	const struct nfu_xt_tos_info *info = data;

	(void)ip;
	if (info->invert)
		nfu_sb_puts(sb, " !");
	nfu_sb_printf(sb, " --tos 0x%02x/0x%02x", info->tos_value,
		      info->tos_mask);
}

/* iptables writes "tos match" and the value with no space between when
 * numeric ("tos match0x10/0x3f"); a name gets its own space. */
static void tos_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	const struct nfu_xt_tos_info *info = data;

	(void)ip;
	nfu_sb_puts(sb, " tos match");
	if (info->invert)
		nfu_sb_puts(sb, "!");
	if (!numeric && info->tos_mask == 0x3f)
		for (size_t i = 0; i < sizeof(tos_names) / sizeof(tos_names[0]);
		     i++)
			if (tos_names[i].value == info->tos_value) {
				nfu_sb_printf(sb, " %s", tos_names[i].name);
				return;
			}
	nfu_sb_printf(sb, "0x%02x/0x%02x", info->tos_value, info->tos_mask);
}

const struct nfu_xt_match_ops nfu_xt_tos = {
	.name = "tos",
	.revision = 1,
	.size = sizeof(struct nfu_xt_tos_info),
	.options = tos_opts,
	.parse = tos_parse,
	.final_check = tos_final_check,
	.match = tos_mt,
	.save = tos_save,
	.print = tos_print,
};
