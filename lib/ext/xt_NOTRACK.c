/* SPDX-License-Identifier: MIT */
/*
 * NOTRACK: leave the packet untracked (Linux's xt_CT notrack_tg_reg,
 * the same as "CT --notrack").  iptables 1.8.9 keeps it a target of its
 * own: iptables-legacy-save prints "-j NOTRACK" back, though the kernel
 * holds CT revision 2 with the alias flag (XT_CT_NOTRACK_ALIAS), so that
 * iptables -L names the target "CT" and prints "NOTRACK".  No options; the
 * raw table only, any of its chains.
 *
 * At run time it does nothing yet: there is no connection tracking
 * (issue 5), so every packet is untracked already.  target() returns
 * NFU_XT_CONTINUE as Linux's does.
 */
#include "ext/ext-private.h"

/* No data: one byte, so that every rule has a block to copy. */
struct notrack_info {
	uint8_t unused;
};

static const struct nfu_xt_option notrack_opts[] = {
	{ NULL, 0, 0 },
};

/* Linux marks the packet untracked here; that arrives with conntrack. */
static unsigned int notrack_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				   void *data)
{
	(void)pkt;
	(void)par;
	(void)data;
	return NFU_XT_CONTINUE;
}

static void notrack_save(const void *data, const struct nfu_xt_ip *ip,
			 struct nfu_strbuf *sb)
{
	(void)data;
	(void)ip;
	(void)sb;
}

/* What ct_print_v1() prints for its alias; the listing's target column
 * says "CT", the kernel's name for the rule's target (tools/iptables_list.c). */
static void notrack_print(const void *data, const struct nfu_xt_ip *ip,
			  bool numeric, struct nfu_strbuf *sb)
{
	(void)data;
	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, " NOTRACK");
}

const struct nfu_xt_target_ops nfu_xt_NOTRACK = {
	.name = "NOTRACK",
	.revision = 0,
	.size = sizeof(struct notrack_info),
	.table = "raw",
	.options = notrack_opts,
	.target = notrack_target,
	.save = notrack_save,
	.print = notrack_print,
};
