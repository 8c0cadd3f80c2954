/* SPDX-License-Identifier: MIT */
/* xt_length.c - the "length" match: the IP total length within [min,
 * max].  A reversed range is accepted, as by iptables, and matches
 * nothing. */
#include <string.h>

#include "ext/ext-private.h"

struct length_info {
	uint16_t min, max;
	uint8_t invert;
};

static const struct nfu_xt_option length_opts[] = {
	{ "length", 0, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

/* libxtables' XTTYPE_UINT16RC: "a", "a:b", ":b", "a:", ":" in base 0. */
static int length_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			const char *arg, bool invert, void *data)
{
	struct length_info *l = data;
	uint16_t v[2] = { 0, 0 };
	unsigned int n = 0;
	const char *p = arg;
	char *end;

	(void)id;
	for (;;) {
		uintmax_t x;

		if (n == 2)
			return nfu_xt_error(ctx, "length: Too many components for option \"--length\" (max: 2)");
		if (*p == '\0' || *p == ':') {
			end = (char *)p;
			x = n == 1 ? UINT16_MAX : 0;
		} else {
			if (!nfu_ext_strtoul(p, &end, &x, 0, UINT16_MAX, 0))
				return nfu_xt_error(ctx, "length: bad value for option \"--length\" near \"%s\", or out of range (0-65535).",
						    p);
			if (*end != '\0' && *end != ':')
				return nfu_xt_error(ctx, "length: Argument to \"--length\" has unexpected characters near \"%s\".",
						    end);
		}
		v[n++] = (uint16_t)x;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	l->min = v[0];
	l->max = n == 1 ? v[0] : v[1];
	l->invert = invert;
	return 0;
}

static int length_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			      unsigned int seen)
{
	(void)data;
	if (!(seen & 1u))
		return nfu_xt_error(ctx, "length: option \"--length\" must be specified");
	return 0;
}

static bool length_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			 void *data)
{
	const struct length_info *l = data;
	const uint8_t *iph = nfu_pkt_network_header(pkt);
	uint16_t len = (uint16_t)(iph[2] << 8 | iph[3]);

	(void)par;
	return (len >= l->min && len <= l->max) ^ l->invert;
}

static void length_save(const void *data, const struct nfu_xt_ip *ip,
			struct nfu_strbuf *sb)
{
	const struct length_info *l = data;

	(void)ip;
	nfu_sb_puts(sb, l->invert ? " ! --length " : " --length ");
	if (l->min == l->max)
		nfu_sb_printf(sb, "%u", l->min);
	else
		nfu_sb_printf(sb, "%u:%u", l->min, l->max);
}

static void length_print(const void *data, const struct nfu_xt_ip *ip,
			 bool numeric, struct nfu_strbuf *sb)
{
	const struct length_info *l = data;

	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, l->invert ? " length !" : " length ");
	if (l->min == l->max)
		nfu_sb_printf(sb, "%u", l->min);
	else
		nfu_sb_printf(sb, "%u:%u", l->min, l->max);
}

const struct nfu_xt_match_ops nfu_xt_length = {
	.name = "length",
	.size = sizeof(struct length_info),
	.options = length_opts,
	.parse = length_parse,
	.final_check = length_final_check,
	.match = length_match,
	.save = length_save,
	.print = length_print,
};
