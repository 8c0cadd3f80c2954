/* SPDX-License-Identifier: MIT */
/*
 * SNAT and DNAT revision 2 (Linux's xt_nat with struct nf_nat_range2),
 * with libxt_NAT's syntax of iptables 1.8.9:
 *   --to-source / --to-destination [a[-b]][:p[-q[/base]]]
 *   --random, --persistent, and for SNAT --random-fully.
 * The nat table only; SNAT from POSTROUTING and INPUT, DNAT from
 * PREROUTING and OUTPUT (xt_nat_target_reg).
 *
 * check() starts connection tracking, as Linux's xt_nat_checkentry()
 * (nf_ct_netns_get()).  target() binds the connection of the packet (the
 * nat table runs only for a connection's first packet) with
 * nfu_nat_setup_info(), whose verdict is the rule's, as Linux's
 * xt_snat_target_v2() and xt_dnat_target_v2().
 */
#include <arpa/inet.h>
#include <string.h>

#include <stddef.h>

#include "ext/ext-private.h"
#include "ext/nat-range.h"
#include "ext/xt_conntrack.h"
#include "ipv4/ipv4-private.h"

enum {
	O_TO = 0,
	O_RANDOM,
	O_RANDOM_FULLY,
	O_PERSISTENT,
};

static const struct nfu_xt_option snat_opts[] = {
	{ "to-source", O_TO, NFU_XTOPT_ARG },
	{ "random", O_RANDOM, 0 },
	{ "random-fully", O_RANDOM_FULLY, 0 },
	{ "persistent", O_PERSISTENT, 0 },
	{ NULL, 0, 0 },
};

static const struct nfu_xt_option dnat_opts[] = {
	{ "to-destination", O_TO, NFU_XTOPT_ARG },
	{ "random", O_RANDOM, 0 },
	{ "persistent", O_PERSISTENT, 0 },
	{ NULL, 0, 0 },
};

int nfu_nat_need_ports(struct nfu_xt_parse_ctx *ctx)
{
	switch (ctx->ip ? ctx->ip->proto : 0) {
	case NFU_IPPROTO_TCP:
	case NFU_IPPROTO_UDP:
	case NFU_IPPROTO_ICMP:
	case 33:  /* DCCP */
	case 132: /* SCTP */
		return 0;
	default:
		return nfu_xt_error(ctx, "Need TCP, UDP, SCTP or DCCP with "
				    "port specification");
	}
}

static bool port_number(const char *s, char **end, uint16_t *port)
{
	uintmax_t v;

	if (!nfu_ext_strtoul(s, end, &v, 0, UINT16_MAX, 0))
		return false;
	*port = (uint16_t)v;
	return true;
}

int nfu_nat_parse_ports(struct nfu_xt_parse_ctx *ctx, const char *arg,
			struct nfu_nat_range *r, bool keep_base)
{
	const char *s;
	char *end;
	uintmax_t v;
	int svc;

	r->flags |= NFU_NAT_PROTO_SPECIFIED;
	if (!port_number(arg, &end, &r->min_proto)) {
		/* a service name, of any protocol, stands for the whole */
		svc = nfu_ext_parse_port(arg, NULL);
		if (svc < 0)
			return nfu_xt_error(ctx, "Port `%s' not valid", arg);
		r->min_proto = (uint16_t)svc;
		end = (char *)"";
	}
	r->max_proto = r->min_proto;
	if (*end == '\0')
		return 0;
	/* only right after a first port ("x:5" is a bad port, "1-2:5"
	 * garbage after the range) */
	if (*end == ':')
		return nfu_xt_error(ctx, "Invalid port:port syntax - use dash");
	if (*end != '-')
		return nfu_xt_error(ctx, "Garbage after port value: `%s'", end);
	s = end + 1;
	if (!port_number(s, &end, &r->max_proto))
		return nfu_xt_error(ctx, "Port `%s' not valid", s);
	if (*end == '/') {
		/* libxt_NAT reads the base as a number and ignores what
		 * follows it ("/5x" is 5) */
		const char *b = end + 1;

		if (!nfu_ext_strtoul(b, &end, &v, 1, UINT16_MAX, 0))
			return nfu_xt_error(ctx, "Port `%s' not valid", b);
		r->flags |= NFU_NAT_PROTO_OFFSET;
		r->base_proto = keep_base ? (uint16_t)v : 0;
	} else if (*end != '\0') {
		return nfu_xt_error(ctx, "Garbage after port range: `%s'", end);
	}
	if (r->max_proto < r->min_proto)
		return nfu_xt_error(ctx, "Port range `%s' funky", s);
	return 0;
}

void nfu_nat_put_ports(struct nfu_strbuf *sb, const struct nfu_nat_range *r)
{
	nfu_sb_printf(sb, "%u", r->min_proto);
	if (r->max_proto != r->min_proto)
		nfu_sb_printf(sb, "-%u", r->max_proto);
	if (r->flags & NFU_NAT_PROTO_OFFSET)
		nfu_sb_printf(sb, "/%u", r->base_proto);
}

/* inet_pton(): four decimal parts, no leading zeros nor blanks. */
static int parse_addr(struct nfu_xt_parse_ctx *ctx, const char *s, size_t n,
		      uint32_t *addr)
{
	char buf[64];

	if (n < sizeof(buf)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (inet_pton(AF_INET, buf, addr) == 1)
			return 0;
	}
	return nfu_xt_error(ctx, "Bad IP address \"%.*s\"", (int)n, s);
}

/* "[a[-b]][:ports]" */
static int parse_to(struct nfu_xt_parse_ctx *ctx, const char *arg,
		    struct nfu_nat_range *r, bool keep_base)
{
	const char *colon = strchr(arg, ':'), *dash;
	size_t alen = strlen(arg);
	int rc;

	/* a bracket anywhere (IPv6's "[addr]:port"): libxt_NAT refuses it
	 * for IPv4 before anything else */
	if (strchr(arg, '['))
		return nfu_xt_error(ctx, "Invalid address format");
	/* two colons: an IPv6 address range without ports, all of it read
	 * as addresses (the first bad one named: "1.2.3.4:5-6:7" says
	 * "1.2.3.4:5") */
	if (colon && strchr(colon + 1, ':'))
		colon = NULL;
	if (colon) {
		rc = nfu_nat_need_ports(ctx);
		if (rc == 0)
			rc = nfu_nat_parse_ports(ctx, colon + 1, r, keep_base);
		if (rc < 0)
			return rc;
		alen = (size_t)(colon - arg);
		if (alen == 0)
			return 0; /* ports only */
	}
	dash = memchr(arg, '-', alen);
	if (dash) {
		rc = parse_addr(ctx, arg, (size_t)(dash - arg), &r->min_addr);
		if (rc == 0)
			rc = parse_addr(ctx, dash + 1,
					alen - (size_t)(dash + 1 - arg),
					&r->max_addr);
	} else {
		rc = parse_addr(ctx, arg, alen, &r->min_addr);
		r->max_addr = r->min_addr;
	}
	if (rc < 0)
		return rc;
	r->flags |= NFU_NAT_MAP_IPS;
	return 0;
}

static int nat_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data, bool snat)
{
	struct nfu_nat_range *r = data;

	(void)invert;
	switch (id) {
	case O_TO:
		return parse_to(ctx, arg, r, !snat);
	case O_RANDOM:
		r->flags |= NFU_NAT_PROTO_RANDOM;
		return 0;
	case O_RANDOM_FULLY:
		r->flags |= NFU_NAT_PROTO_RANDOM_FULLY;
		return 0;
	default: /* O_PERSISTENT */
		r->flags |= NFU_NAT_PERSISTENT;
		return 0;
	}
}

static int snat_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	return nat_parse(ctx, id, arg, invert, data, true);
}

static int dnat_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	return nat_parse(ctx, id, arg, invert, data, false);
}

static int snat_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			    unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_TO)))
		return nfu_xt_error(ctx, "SNAT: option \"--to-source\" must be "
				    "specified");
	return 0;
}

static int dnat_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			    unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_TO)))
		return nfu_xt_error(ctx, "DNAT: option \"--to-destination\" "
				    "must be specified");
	return 0;
}

static void put_addr(struct nfu_strbuf *sb, uint32_t a)
{
	const uint8_t *b = (const uint8_t *)&a;

	nfu_sb_printf(sb, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

void nfu_nat_put_range(struct nfu_strbuf *sb, const struct nfu_nat_range *r,
		       const char *rangeopt, const char *flag_pfx,
		       bool skip_colon)
{
	bool any = r->flags & (NFU_NAT_MAP_IPS | NFU_NAT_PROTO_SPECIFIED);

	if (any)
		nfu_sb_printf(sb, " %s", rangeopt);
	if (r->flags & NFU_NAT_MAP_IPS) {
		put_addr(sb, r->min_addr);
		if (r->max_addr != r->min_addr) {
			nfu_sb_puts(sb, "-");
			put_addr(sb, r->max_addr);
		}
	}
	if (r->flags & NFU_NAT_PROTO_SPECIFIED) {
		if (!skip_colon || (r->flags & NFU_NAT_MAP_IPS))
			nfu_sb_puts(sb, ":");
		nfu_nat_put_ports(sb, r);
	}
	if (r->flags & NFU_NAT_PROTO_RANDOM)
		nfu_sb_printf(sb, " %srandom", flag_pfx);
	if (r->flags & NFU_NAT_PROTO_RANDOM_FULLY)
		nfu_sb_printf(sb, " %srandom-fully", flag_pfx);
	if (r->flags & NFU_NAT_PERSISTENT)
		nfu_sb_printf(sb, " %spersistent", flag_pfx);
}

static void snat_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_nat_put_range(sb, data, "--to-source ", "--", false);
}

static void dnat_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_nat_put_range(sb, data, "--to-destination ", "--", false);
}

static void nat_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	(void)numeric;
	nfu_nat_put_range(sb, data, "to:", "", false);
}

static int nat_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	return nfu_xt_ct_get(ctx, &((struct nfu_nat_target_data *)data)->ref,
			     "xt_nat");
}

void nfu_nat_target_destroy(void *data)
{
	nfu_xt_ct_put(&((struct nfu_nat_target_data *)data)->ref);
}

static unsigned int nat_bind(struct nfu_pkt *pkt, const void *data,
			 enum nfu_nat_manip_type manip)
{
	if (!pkt->ct || pkt->ctinfo >= NFU_CT_NUMBER)
		return NFU_ACCEPT; /* the nat table runs only with one */
	return nfu_nat_setup_info(pkt->ct, data, manip);
}

static unsigned int snat_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				void *data)
{
	(void)par;
	return nat_bind(pkt, data, NFU_NAT_MANIP_SRC);
}

static unsigned int dnat_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				void *data)
{
	(void)par;
	return nat_bind(pkt, data, NFU_NAT_MANIP_DST);
}

const struct nfu_xt_target_ops nfu_xt_SNAT = {
	.name = "SNAT",
	.revision = 2,
	.size = sizeof(struct nfu_nat_target_data),
	.usersize = offsetof(struct nfu_nat_target_data, ref),
	.table = "nat",
	.hooks = NFU_XT_HOOK(NFU_INET_POST_ROUTING) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_IN),
	.options = snat_opts,
	.parse = snat_parse,
	.final_check = snat_final_check,
	.check = nat_check,
	.destroy = nfu_nat_target_destroy,
	.target = snat_target,
	.save = snat_save,
	.print = nat_print,
};

const struct nfu_xt_target_ops nfu_xt_DNAT = {
	.name = "DNAT",
	.revision = 2,
	.size = sizeof(struct nfu_nat_target_data),
	.usersize = offsetof(struct nfu_nat_target_data, ref),
	.table = "nat",
	.hooks = NFU_XT_HOOK(NFU_INET_PRE_ROUTING) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_OUT),
	.options = dnat_opts,
	.parse = dnat_parse,
	.final_check = dnat_final_check,
	.check = nat_check,
	.destroy = nfu_nat_target_destroy,
	.target = dnat_target,
	.save = dnat_save,
	.print = nat_print,
};
