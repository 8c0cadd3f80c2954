/* SPDX-License-Identifier: MIT */
/*
 * REDIRECT: DNAT to the host itself (Linux's xt_REDIRECT, IPv4 revision
 * 0; REDIRECT of libxt_NAT in iptables 1.8.9): --to-ports p[-q],
 * --random.  The nat table, PREROUTING and OUTPUT only.
 *
 * iptables 1.8.9 reads the ports as MASQUERADE's, base included, then
 * refuses a base once all options are read ("Shifted portmap ranges not
 * supported with this kernel": revision 0 has no room for it).
 *
 * check() starts connection tracking, as Linux's redirect_tg4_check()
 * (nf_ct_netns_get(); its other checks refuse what iptables cannot send).
 * target() binds the connection's destination to the incoming device's
 * first address, 127.0.0.1 in OUTPUT, with the rule's ports and flags
 * (nfu_nat_redirect(), Linux's nf_nat_redirect_ipv4()).
 */
#include <stddef.h>

#include "ext/ext-private.h"
#include "ext/nat-range.h"
#include "ext/xt_conntrack.h"

enum {
	O_TO_PORTS = 0,
	O_RANDOM,
};

static const struct nfu_xt_option redirect_opts[] = {
	{ "to-ports", O_TO_PORTS, NFU_XTOPT_ARG },
	{ "random", O_RANDOM, 0 },
	{ NULL, 0, 0 },
};

static int redirect_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			  const char *arg, bool invert, void *data)
{
	struct nfu_nat_range *r = data;
	int rc;

	(void)invert;
	if (id == O_RANDOM) {
		r->flags |= NFU_NAT_PROTO_RANDOM;
		return 0;
	}
	rc = nfu_nat_need_ports(ctx);
	if (rc < 0)
		return rc;
	return nfu_nat_parse_ports(ctx, arg, r, false);
}

static int redirect_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				unsigned int seen)
{
	const struct nfu_nat_range *r = data;

	(void)seen;
	if (r->flags & NFU_NAT_PROTO_OFFSET)
		return nfu_xt_error(ctx, "Shifted portmap ranges not "
				    "supported with this kernel");
	return 0;
}

static void redirect_save(const void *data, const struct nfu_xt_ip *ip,
			  struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_nat_put_range(sb, data, "--to-ports ", "--", true);
}

static void redirect_print(const void *data, const struct nfu_xt_ip *ip,
			   bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	(void)numeric;
	nfu_nat_put_range(sb, data, "redir ports ", "", true);
}

static int redirect_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	return nfu_xt_ct_get(ctx, &((struct nfu_nat_target_data *)data)->ref,
			     "xt_REDIRECT");
}

static unsigned int redirect_target(struct nfu_pkt *pkt,
				    struct nfu_xt_par *par, void *data)
{
	if (!pkt->ct || pkt->ctinfo >= NFU_CT_NUMBER)
		return NFU_ACCEPT; /* the nat table runs only with one */
	return nfu_nat_redirect(pkt, data, par->hooknum);
}

const struct nfu_xt_target_ops nfu_xt_REDIRECT = {
	.name = "REDIRECT",
	.revision = 0,
	.size = sizeof(struct nfu_nat_target_data),
	.usersize = offsetof(struct nfu_nat_target_data, ref),
	.table = "nat",
	.hooks = NFU_XT_HOOK(NFU_INET_PRE_ROUTING) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_OUT),
	.options = redirect_opts,
	.parse = redirect_parse,
	.final_check = redirect_final_check,
	.check = redirect_check,
	.destroy = nfu_nat_target_destroy,
	.target = redirect_target,
	.save = redirect_save,
	.print = redirect_print,
};
