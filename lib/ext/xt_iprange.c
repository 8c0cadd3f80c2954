/* SPDX-License-Identifier: MIT */
/* xt_iprange.c - the "iprange" match, revision 1 (IPv4): source and/or
 * destination address within [min, max], each invertible.  A reversed
 * range is accepted, as by iptables, and matches nothing. */
#include <string.h>

#include "ext/ext-private.h"

enum {
	IPRANGE_SRC = 0x01,
	IPRANGE_DST = 0x02,
	IPRANGE_SRC_INV = 0x10,
	IPRANGE_DST_INV = 0x20,
};

struct iprange_info {
	uint32_t src_min, src_max; /* host order */
	uint32_t dst_min, dst_max;
	uint8_t flags;
};

enum { O_SRC, O_DST };

static const struct nfu_xt_option iprange_opts[] = {
	{ "src-range", O_SRC, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "dst-range", O_DST, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

/* libxtables' xtables_numeric_to_ipaddr(): up to four dotted bytes, each
 * base 0; fewer than four fill the rest with zeros ("10.1" is 10.1.0.0);
 * only the first 19 characters are read. */
static bool numeric_addr(const char *s, uint32_t *out)
{
	char buf[20], *p = buf, *q;
	uint8_t b[4] = { 0 };
	uintmax_t v;
	int i;

	strncpy(buf, s, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = 0;
	for (i = 0; i < 3; i++) {
		q = strchr(p, '.');
		if (!q) {
			if (!nfu_ext_strtoul(p, NULL, &v, 0, 255, 0))
				return false;
			b[i] = (uint8_t)v;
			goto done;
		}
		*q = 0;
		if (!nfu_ext_strtoul(p, NULL, &v, 0, 255, 0))
			return false;
		b[i] = (uint8_t)v;
		p = q + 1;
	}
	if (!nfu_ext_strtoul(p, NULL, &v, 0, 255, 0))
		return false;
	b[3] = (uint8_t)v;
done:
	*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
	return true;
}

static int iprange_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			 const char *arg, bool invert, void *data)
{
	struct iprange_info *r = data;
	const char *opt = id == O_SRC ? "--src-range" : "--dst-range";
	const char *dash = strchr(arg, '-');
	char first[256];
	uint32_t lo, hi;
	size_t n = dash ? (size_t)(dash - arg) : strlen(arg);

	if (n >= sizeof(first))
		n = sizeof(first) - 1;
	memcpy(first, arg, n);
	first[n] = 0;
	if (!numeric_addr(first, &lo))
		return nfu_xt_error(ctx, "iprange: Bad value for \"%s\" option: \"%s\"",
				    opt, first);
	hi = lo;
	if (dash && !numeric_addr(dash + 1, &hi))
		return nfu_xt_error(ctx, "iprange: Bad value for \"%s\" option: \"%s\"",
				    opt, dash + 1);
	if (id == O_SRC) {
		r->src_min = lo;
		r->src_max = hi;
		r->flags |= IPRANGE_SRC | (invert ? IPRANGE_SRC_INV : 0);
	} else {
		r->dst_min = lo;
		r->dst_max = hi;
		r->flags |= IPRANGE_DST | (invert ? IPRANGE_DST_INV : 0);
	}
	return 0;
}

static int iprange_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			       unsigned int seen)
{
	(void)data;
	if (!seen)
		return nfu_xt_error(ctx, "iprange match: You must specify `--src-range' or `--dst-range'");
	return 0;
}

static bool iprange_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			  void *data)
{
	const struct iprange_info *r = data;
	const uint8_t *iph = nfu_pkt_network_header(pkt);
	uint32_t s = (uint32_t)iph[12] << 24 | (uint32_t)iph[13] << 16 |
		     (uint32_t)iph[14] << 8 | iph[15];
	uint32_t d = (uint32_t)iph[16] << 24 | (uint32_t)iph[17] << 16 |
		     (uint32_t)iph[18] << 8 | iph[19];

	(void)par;
	if ((r->flags & IPRANGE_SRC) &&
	    ((s < r->src_min || s > r->src_max) ^ !!(r->flags & IPRANGE_SRC_INV)))
		return false;
	if ((r->flags & IPRANGE_DST) &&
	    ((d < r->dst_min || d > r->dst_max) ^ !!(r->flags & IPRANGE_DST_INV)))
		return false;
	return true;
}

static void put_range(struct nfu_strbuf *sb, uint32_t lo, uint32_t hi)
{
	nfu_sb_printf(sb, " %u.%u.%u.%u-%u.%u.%u.%u", lo >> 24, (lo >> 16) & 255,
		      (lo >> 8) & 255, lo & 255, hi >> 24, (hi >> 16) & 255,
		      (hi >> 8) & 255, hi & 255);
}

static void iprange_save(const void *data, const struct nfu_xt_ip *ip,
			 struct nfu_strbuf *sb)
{
	const struct iprange_info *r = data;

	(void)ip;
	if (r->flags & IPRANGE_SRC) {
		nfu_sb_puts(sb, r->flags & IPRANGE_SRC_INV ? " ! --src-range" :
							      " --src-range");
		put_range(sb, r->src_min, r->src_max);
	}
	if (r->flags & IPRANGE_DST) {
		nfu_sb_puts(sb, r->flags & IPRANGE_DST_INV ? " ! --dst-range" :
							      " --dst-range");
		put_range(sb, r->dst_min, r->dst_max);
	}
}

static void iprange_print(const void *data, const struct nfu_xt_ip *ip,
			  bool numeric, struct nfu_strbuf *sb)
{
	const struct iprange_info *r = data;

	(void)ip;
	(void)numeric;
	if (r->flags & IPRANGE_SRC) {
		nfu_sb_puts(sb, r->flags & IPRANGE_SRC_INV ? " source IP range !" :
							      " source IP range");
		put_range(sb, r->src_min, r->src_max);
	}
	if (r->flags & IPRANGE_DST) {
		nfu_sb_puts(sb, r->flags & IPRANGE_DST_INV ? " destination IP range !" :
							      " destination IP range");
		put_range(sb, r->dst_min, r->dst_max);
	}
}

const struct nfu_xt_match_ops nfu_xt_iprange = {
	.name = "iprange",
	.revision = 1,
	.size = sizeof(struct iprange_info),
	.options = iprange_opts,
	.parse = iprange_parse,
	.final_check = iprange_final_check,
	.match = iprange_match,
	.save = iprange_save,
	.print = iprange_print,
};
