/* SPDX-License-Identifier: MIT */
/*
 * xt_addrtype.c - the addrtype match, revision 1: '[!] --src-type T[,T…]
 * [!] --dst-type T[,T…] [--limit-iface-in|--limit-iface-out]'.
 *
 * The type of an address is Linux's inet_dev_addr_type(): 0.0.0.0 and
 * 255.255.255.255 are BROADCAST, 224/4 MULTICAST, any other the type of
 * its route in the local and main tables (one trie in nfu as in Linux
 * without policy rules), UNICAST when there is none or when it is an
 * unreachable, prohibit or blackhole route (so those types never match,
 * as in Linux).  With
 * --limit-iface-in/out the route's type counts only when its device is
 * the packet's input/output device; otherwise the address is UNICAST.
 * The type names are the RTN_* ones in their order, bit i for type i.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ipv4/ipv4-private.h"
#include "xtables/xt-private.h"

/* Linux's xt_addrtype_info_v1 and its flags. */
struct nfu_xt_addrtype_info {
	uint16_t source;
	uint16_t dest;
	uint32_t flags;
};

enum {
	INVERT_SOURCE = 0x1,
	INVERT_DEST = 0x2,
	LIMIT_IFACE_IN = 0x4,
	LIMIT_IFACE_OUT = 0x8,
};

enum { O_SRC_TYPE = 0, O_DST_TYPE, O_LIMIT_IFACE_IN, O_LIMIT_IFACE_OUT };

static const struct nfu_xt_option addrtype_opts[] = {
	{ "src-type", O_SRC_TYPE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "dst-type", O_DST_TYPE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "limit-iface-in", O_LIMIT_IFACE_IN, 0 },
	{ "limit-iface-out", O_LIMIT_IFACE_OUT, 0 },
	{ NULL, 0, 0 },
};

static const char *const rtn_names[] = {
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
};
#define NTYPES (sizeof(rtn_names) / sizeof(rtn_names[0]))

/* A prefix of a name, any case; the first name that fits wins ("u" is
 * UNSPEC), as iptables' strncasecmp loop. */
static bool parse_type(const char *s, size_t len, uint16_t *mask)
{
	for (unsigned int i = 0; i < NTYPES; i++)
		if (!strncasecmp(s, rtn_names[i], len)) {
			*mask |= (uint16_t)(1u << i);
			return true;
		}
	return false;
}

static int parse_types(struct nfu_xt_parse_ctx *ctx, const char *arg,
		       uint16_t *mask)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg ||
		    !parse_type(arg, (size_t)(comma - arg), mask))
			/* iptables quotes differently here and below */
			return nfu_xt_error(ctx, "addrtype: bad type `%s'", arg);
		arg = comma + 1;
	}
	if (!*arg || !parse_type(arg, strlen(arg), mask))
		return nfu_xt_error(ctx, "addrtype: bad type \"%s\"", arg);
	return 0;
}

static int addrtype_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			  const char *arg, bool invert, void *data)
{
	struct nfu_xt_addrtype_info *info = data;
	int rc;

	switch (id) {
	case O_SRC_TYPE:
		rc = parse_types(ctx, arg, &info->source);
		if (!rc && invert)
			info->flags |= INVERT_SOURCE;
		return rc;
	case O_DST_TYPE:
		rc = parse_types(ctx, arg, &info->dest);
		if (!rc && invert)
			info->flags |= INVERT_DEST;
		return rc;
	case O_LIMIT_IFACE_IN:
		info->flags |= LIMIT_IFACE_IN;
		return 0;
	case O_LIMIT_IFACE_OUT:
		info->flags |= LIMIT_IFACE_OUT;
		return 0;
	default:
		return nfu_xt_error(ctx, "addrtype: unknown option");
	}
}

static int addrtype_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				unsigned int seen)
{
	const unsigned int in = 1u << O_LIMIT_IFACE_IN,
			   out = 1u << O_LIMIT_IFACE_OUT;

	(void)data;
	/* the extension's own check first, then libxtables' exclusions */
	if (!(seen & (1u << O_SRC_TYPE | 1u << O_DST_TYPE)))
		return nfu_xt_error(ctx, "addrtype: you must specify "
				    "--src-type or --dst-type");
	if ((seen & (in | out)) == (in | out))
		return nfu_xt_error(ctx, "addrtype: option \"--limit-iface-in\" "
				    "cannot be used together with "
				    "\"--limit-iface-out\".");
	return 0;
}

/* Linux's addrtype_mt_checkentry_v1(); the messages are its log lines. */
static int addrtype_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct nfu_xt_addrtype_info *info = data;
	const unsigned int in_hooks = NFU_XT_HOOK(NFU_INET_PRE_ROUTING) |
				      NFU_XT_HOOK(NFU_INET_LOCAL_IN);
	const unsigned int out_hooks = NFU_XT_HOOK(NFU_INET_POST_ROUTING) |
				       NFU_XT_HOOK(NFU_INET_LOCAL_OUT);
	const char *msg = NULL;

	if ((info->flags & LIMIT_IFACE_IN) && (info->flags & LIMIT_IFACE_OUT))
		msg = "both incoming and outgoing interface limitation "
		      "cannot be selected";
	else if ((ctx->hook_mask & in_hooks) &&
		 (info->flags & LIMIT_IFACE_OUT))
		msg = "output interface limitation not valid in PREROUTING "
		      "and INPUT";
	else if ((ctx->hook_mask & out_hooks) &&
		 (info->flags & LIMIT_IFACE_IN))
		msg = "input interface limitation not valid in POSTROUTING "
		      "and OUTPUT";
	if (!msg)
		return 0;
	if (ctx->err)
		nfu_error_set(ctx->err, NULL, 0, 0, "xt_addrtype: %s", msg);
	return -EINVAL;
}

/* Linux's inet_dev_addr_type(net, dev, addr). */
static unsigned int addr_type(const struct nfu_net *net,
			      const struct nfu_dev *dev, uint32_t addr)
{
	const struct nfu_route *rt;

	if (nfu_ipv4_is_zeronet(addr) || nfu_ipv4_is_lbcast(addr))
		return NFU_RTN_BROADCAST;
	if (nfu_ipv4_is_multicast(addr))
		return NFU_RTN_MULTICAST;
	rt = nfu_fib_lookup_net(net, addr);
	/* an unreachable, prohibit or blackhole route makes Linux's
	 * fib_table_lookup() fail (its fib_props[] error): UNICAST too */
	if (!rt || rt->type == NFU_RTN_UNREACHABLE ||
	    rt->type == NFU_RTN_PROHIBIT || rt->type == NFU_RTN_BLACKHOLE)
		return NFU_RTN_UNICAST;
	if (!dev || dev->ifindex == rt->ifindex)
		return rt->type;
	return NFU_RTN_UNICAST;
}

static bool match_type(const struct nfu_net *net, const struct nfu_dev *dev,
		       uint32_t addr, uint16_t mask)
{
	unsigned int t = addr_type(net, dev, addr);

	return t < 16 && (mask & (1u << t));
}

static bool addrtype_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			void *data)
{
	const struct nfu_xt_addrtype_info *info = data;
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	const struct nfu_dev *dev = NULL;
	bool ret = true;

	if (info->flags & LIMIT_IFACE_IN)
		dev = par->in;
	else if (info->flags & LIMIT_IFACE_OUT)
		dev = par->out;
	if (info->source)
		ret = match_type(par->net, dev, iph->saddr, info->source) ^
		      !!(info->flags & INVERT_SOURCE);
	if (ret && info->dest)
		ret = match_type(par->net, dev, iph->daddr, info->dest) ^
		      !!(info->flags & INVERT_DEST);
	return ret;
}

static void put_types(struct nfu_strbuf *sb, uint16_t mask)
{
	const char *sep = "";

	for (unsigned int i = 0; i < NTYPES; i++)
		if (mask & (1u << i)) {
			nfu_sb_printf(sb, "%s%s", sep, rtn_names[i]);
			sep = ",";
		}
}

static void addrtype_save(const void *data, const struct nfu_xt_ip *ip,
			  struct nfu_strbuf *sb)
{
	const struct nfu_xt_addrtype_info *info = data;

	(void)ip;
	if (info->source) {
		if (info->flags & INVERT_SOURCE)
			nfu_sb_puts(sb, " !");
		nfu_sb_puts(sb, " --src-type ");
		put_types(sb, info->source);
	}
	if (info->dest) {
		if (info->flags & INVERT_DEST)
			nfu_sb_puts(sb, " !");
		nfu_sb_puts(sb, " --dst-type ");
		put_types(sb, info->dest);
	}
	if (info->flags & LIMIT_IFACE_IN)
		nfu_sb_puts(sb, " --limit-iface-in");
	if (info->flags & LIMIT_IFACE_OUT)
		nfu_sb_puts(sb, " --limit-iface-out");
}

static void addrtype_print(const void *data, const struct nfu_xt_ip *ip,
			   bool numeric, struct nfu_strbuf *sb)
{
	const struct nfu_xt_addrtype_info *info = data;

	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, " ADDRTYPE match");
	if (info->source) {
		nfu_sb_puts(sb, " src-type ");
		if (info->flags & INVERT_SOURCE)
			nfu_sb_puts(sb, "!");
		put_types(sb, info->source);
	}
	if (info->dest) {
		nfu_sb_puts(sb, " dst-type ");
		if (info->flags & INVERT_DEST)
			nfu_sb_puts(sb, "!");
		put_types(sb, info->dest);
	}
	if (info->flags & LIMIT_IFACE_IN)
		nfu_sb_puts(sb, " limit-in");
	if (info->flags & LIMIT_IFACE_OUT)
		nfu_sb_puts(sb, " limit-out");
}

const struct nfu_xt_match_ops nfu_xt_addrtype = {
	.name = "addrtype",
	.revision = 1,
	.size = sizeof(struct nfu_xt_addrtype_info),
	.options = addrtype_opts,
	.parse = addrtype_parse,
	.final_check = addrtype_final_check,
	.check = addrtype_check,
	.match = addrtype_mt,
	.save = addrtype_save,
	.print = addrtype_print,
};
