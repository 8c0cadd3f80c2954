/* SPDX-License-Identifier: MIT */
/*
 * MASQUERADE: SNAT to the address of the outgoing interface (Linux's
 * xt_MASQUERADE, libipt_MASQUERADE of iptables 1.8.9): --to-ports
 * p[-q], --random, --random-fully.  The nat table, POSTROUTING only.
 *
 * check() starts connection tracking, as Linux's masquerade_tg_check()
 * (nf_ct_netns_get(); its other checks refuse what iptables cannot
 * send).  target() binds the connection's source to the out device's
 * address for the next hop, with the rule's ports and flags
 * (nfu_nat_masquerade(), Linux's nf_nat_masquerade_ipv4()).
 */
#include <stddef.h>

#include "ext/ext-private.h"
#include "ext/nat-range.h"
#include "ext/xt_conntrack.h"

enum {
	O_TO_PORTS = 0,
	O_RANDOM,
	O_RANDOM_FULLY,
};

static const struct nfu_xt_option masq_opts[] = {
	{ "to-ports", O_TO_PORTS, NFU_XTOPT_ARG },
	{ "random", O_RANDOM, 0 },
	{ "random-fully", O_RANDOM_FULLY, 0 },
	{ NULL, 0, 0 },
};

static int masq_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	struct nfu_nat_range *r = data;
	int rc;

	(void)invert;
	switch (id) {
	case O_TO_PORTS:
		rc = nfu_nat_need_ports(ctx);
		if (rc < 0)
			return rc;
		/* the ipv4 multi-range structure has no base: "/0" */
		return nfu_nat_parse_ports(ctx, arg, r, false);
	case O_RANDOM:
		r->flags |= NFU_NAT_PROTO_RANDOM;
		return 0;
	default: /* O_RANDOM_FULLY */
		r->flags |= NFU_NAT_PROTO_RANDOM_FULLY;
		return 0;
	}
}

static void masq_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_nat_put_range(sb, data, "--to-ports ", "--", true);
}

static void masq_print(const void *data, const struct nfu_xt_ip *ip,
		       bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	(void)numeric;
	nfu_nat_put_range(sb, data, "masq ports: ", "", true);
}

static int masq_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	return nfu_xt_ct_get(ctx, &((struct nfu_nat_target_data *)data)->ref,
			     "xt_MASQUERADE");
}

static unsigned int masq_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				void *data)
{
	if (!pkt->ct || pkt->ctinfo >= NFU_CT_NUMBER)
		return NFU_ACCEPT;
	return nfu_nat_masquerade(pkt, data, par->out);
}

const struct nfu_xt_target_ops nfu_xt_MASQUERADE = {
	.name = "MASQUERADE",
	.revision = 0,
	.size = sizeof(struct nfu_nat_target_data),
	.usersize = offsetof(struct nfu_nat_target_data, ref),
	.table = "nat",
	.hooks = NFU_XT_HOOK(NFU_INET_POST_ROUTING),
	.options = masq_opts,
	.parse = masq_parse,
	.check = masq_check,
	.destroy = nfu_nat_target_destroy,
	.target = masq_target,
	.save = masq_save,
	.print = masq_print,
};
