/* SPDX-License-Identifier: MIT */
/*
 * xt_icmp.c - the "icmp" match (Linux's ip_tables icmp_match): an ICMP
 * type and code range, with iptables' table of type names.  Type 255
 * ("any") matches every ICMP packet, as in Linux.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ext/ext-private.h"

struct icmp_info {
	uint8_t type;
	uint8_t code[2];
	uint8_t invflags;  /* 0x01: inverted */
};

enum { O_ICMP_TYPE };

static const struct nfu_xt_option icmp_opts[] = {
	{ "icmp-type", O_ICMP_TYPE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

/* iptables' names, in its order: the order decides ambiguities. */
static const struct {
	const char *name;
	uint8_t type, min, max;
} icmp_codes[] = {
	{ "any", 0xff, 0, 0xff },
	{ "echo-reply", 0, 0, 0xff },
	{ "pong", 0, 0, 0xff },
	{ "destination-unreachable", 3, 0, 0xff },
	{ "network-unreachable", 3, 0, 0 },
	{ "host-unreachable", 3, 1, 1 },
	{ "protocol-unreachable", 3, 2, 2 },
	{ "port-unreachable", 3, 3, 3 },
	{ "fragmentation-needed", 3, 4, 4 },
	{ "source-route-failed", 3, 5, 5 },
	{ "network-unknown", 3, 6, 6 },
	{ "host-unknown", 3, 7, 7 },
	{ "network-prohibited", 3, 9, 9 },
	{ "host-prohibited", 3, 10, 10 },
	{ "TOS-network-unreachable", 3, 11, 11 },
	{ "TOS-host-unreachable", 3, 12, 12 },
	{ "communication-prohibited", 3, 13, 13 },
	{ "host-precedence-violation", 3, 14, 14 },
	{ "precedence-cutoff", 3, 15, 15 },
	{ "source-quench", 4, 0, 0xff },
	{ "redirect", 5, 0, 0xff },
	{ "network-redirect", 5, 0, 0 },
	{ "host-redirect", 5, 1, 1 },
	{ "TOS-network-redirect", 5, 2, 2 },
	{ "TOS-host-redirect", 5, 3, 3 },
	{ "echo-request", 8, 0, 0xff },
	{ "ping", 8, 0, 0xff },
	{ "router-advertisement", 9, 0, 0xff },
	{ "router-solicitation", 10, 0, 0xff },
	{ "time-exceeded", 11, 0, 0xff },
	{ "ttl-exceeded", 11, 0, 0xff },
	{ "ttl-zero-during-transit", 11, 0, 0 },
	{ "ttl-zero-during-reassembly", 11, 1, 1 },
	{ "parameter-problem", 12, 0, 0xff },
	{ "ip-header-bad", 12, 0, 0 },
	{ "required-option-missing", 12, 1, 1 },
	{ "timestamp-request", 13, 0, 0xff },
	{ "timestamp-reply", 14, 0, 0xff },
	{ "address-mask-request", 17, 0, 0xff },
	{ "address-mask-reply", 18, 0, 0xff },
};
#define NCODES (sizeof(icmp_codes) / sizeof(icmp_codes[0]))

static void icmp_init(void *data)
{
	struct icmp_info *i = data;

	i->type = 0xff;
	i->code[1] = 0xff;
}

static int icmp_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	struct icmp_info *info = data;
	size_t len = strlen(arg);
	unsigned int match = NCODES;
	const char *slash;
	char type[64];
	uintmax_t v;

	(void)id;
	/* a name, or an unambiguous beginning of one, in any case */
	for (unsigned int i = 0; i < NCODES; i++) {
		if (strncasecmp(icmp_codes[i].name, arg, len))
			continue;
		if (match != NCODES)
			return nfu_xt_error(ctx, "Ambiguous ICMP type `%s': `%s' or `%s'?",
					    arg, icmp_codes[match].name,
					    icmp_codes[i].name);
		match = i;
	}
	if (match != NCODES) {
		info->type = icmp_codes[match].type;
		info->code[0] = icmp_codes[match].min;
		info->code[1] = icmp_codes[match].max;
	} else {
		slash = strchr(arg, '/');
		len = slash ? (size_t)(slash - arg) : len;
		if (len >= sizeof(type) ||
		    (memcpy(type, arg, len), type[len] = 0,
		     !nfu_ext_strtoul(type, NULL, &v, 0, 255, 0)))
			return nfu_xt_error(ctx, "Unknown ICMP type `%s'", arg);
		info->type = (uint8_t)v;
		info->code[0] = 0;
		info->code[1] = 0xff;
		if (slash) {
			if (!nfu_ext_strtoul(slash + 1, NULL, &v, 0, 255, 0))
				return nfu_xt_error(ctx, "Unknown ICMP code `%s'", arg);
			info->code[0] = info->code[1] = (uint8_t)v;
		}
	}
	if (invert)
		info->invflags |= 0x01;
	return 0;
}

static int icmp_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			    unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_ICMP_TYPE)))
		return nfu_xt_error(ctx, "icmp: option \"--icmp-type\" must be specified");
	return 0;
}

static int icmp_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct icmp_info *i = data;

	if (i->invflags & ~0x01)
		return nfu_error_set(ctx->err, NULL, 0, 0, "icmp: unknown inversion flags 0x%x",
				     i->invflags);
	return 0;
}

static bool icmp_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		       void *data)
{
	const struct icmp_info *i = data;
	const uint8_t *ic;
	bool m;

	if (par->fragoff)
		return false;
	ic = nfu_ext_header(pkt, par->thoff, 8);
	if (!ic) {
		/* As Linux: a header too short for the type is dropped. */
		par->hotdrop = true;
		return false;
	}
	m = i->type == 0xff ||
	    (ic[0] == i->type && ic[1] >= i->code[0] && ic[1] <= i->code[1]);
	return m ^ !!(i->invflags & 0x01);
}

static void icmp_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	const struct icmp_info *i = data;

	(void)ip;
	if (i->invflags & 0x01)
		nfu_sb_puts(sb, " !");
	if (i->type == 0xff) {
		nfu_sb_puts(sb, " --icmp-type any");
		return;
	}
	nfu_sb_printf(sb, " --icmp-type %u", i->type);
	if (i->code[0] != 0 || i->code[1] != 0xff)
		nfu_sb_printf(sb, "/%u", i->code[0]);
}

/* iptables -L: "icmptype 3 code 3", "icmp !type 0" (-n); names without. */
static void icmp_print(const void *data, const struct nfu_xt_ip *ip,
		       bool numeric, struct nfu_strbuf *sb)
{
	const struct icmp_info *i = data;
	bool inv = i->invflags & 0x01;

	(void)ip;
	nfu_sb_puts(sb, " icmp");
	if (!numeric) {
		for (unsigned int k = 0; k < NCODES; k++)
			if (icmp_codes[k].type == i->type &&
			    icmp_codes[k].min == i->code[0] &&
			    icmp_codes[k].max == i->code[1]) {
				nfu_sb_printf(sb, " %s%s", inv ? "!" : "",
					      icmp_codes[k].name);
				return;
			}
	}
	if (inv)
		nfu_sb_puts(sb, " !");
	nfu_sb_printf(sb, "type %u", i->type);
	if (i->code[0] == i->code[1])
		nfu_sb_printf(sb, " code %u", i->code[0]);
	else if (i->code[0] != 0 || i->code[1] != 0xff)
		nfu_sb_printf(sb, " codes %u-%u", i->code[0], i->code[1]);
}

const struct nfu_xt_match_ops nfu_xt_icmp = {
	.name = "icmp",
	.size = sizeof(struct icmp_info),
	.proto = 1,
	.options = icmp_opts,
	.init = icmp_init,
	.parse = icmp_parse,
	.final_check = icmp_final_check,
	.check = icmp_check,
	.match = icmp_match,
	.save = icmp_save,
	.print = icmp_print,
};
