/* SPDX-License-Identifier: MIT */
/*
 * NOTRACK: leave the packet untracked (Linux's xt_CT notrack_tg_reg,
 * the same as "CT --notrack").  iptables 1.8.9 keeps it a target of its
 * own: iptables-legacy-save prints "-j NOTRACK" back, though the kernel
 * holds CT revision 2 with the alias flag (XT_CT_NOTRACK_ALIAS), so that
 * iptables -L names the target "CT" and prints "NOTRACK".  No options; the
 * raw table only, any of its chains.
 *
 * At run time, as Linux's xt_ct_target() without a template: a packet
 * that has no connection yet (nor a template, nor the untracked mark: one
 * looped back, seen already) is marked untracked, pkt->ct NULL and
 * pkt->ctinfo NFU_CT_UNTRACKED, which conntrack then leaves alone; the
 * target goes on with the next rule.
 *
 * No check(): Linux's CT with the notrack flag does not take conntrack
 * (xt_ct_tg_check() returns before nf_ct_netns_get()), so a ruleset whose
 * only such rule is a NOTRACK starts neither conntrack nor its
 * defragmentation: Linux 6.18 shows its raw table each fragment of a
 * datagram then (conformance: ct-notrack-nodefrag).
 */
#include "conntrack/ct-private.h"
#include "ext/ext-private.h"

/* No data: one byte, so that every rule has a block to copy. */
struct notrack_info {
	uint8_t unused;
};

static const struct nfu_xt_option notrack_opts[] = {
	{ NULL, 0, 0 },
};

static unsigned int notrack_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
				   void *data)
{
	(void)par;
	(void)data;
	/* previously seen (looped back)?  Linux's test of skb->_nfct */
	if (pkt->ct || pkt->ctinfo)
		return NFU_XT_CONTINUE;
	pkt->ctinfo = NFU_CT_UNTRACKED;
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
