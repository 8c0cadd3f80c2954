/* SPDX-License-Identifier: MIT */
/*
 * ext/xt_conntrack.h - the data of the conntrack match, shared with the
 * state match.
 *
 * What?
 *   iptables 1.8 sends '-m state --state S' to the kernel as conntrack
 *   revision 3 with the STATE and STATE_ALIAS flags (and prints it back
 *   as '-m state'), so both matches keep this one layout, Linux's
 *   xt_conntrack_mtinfo3 with IPv4 addresses, and share one match
 *   function, Linux's conntrack_mt().
 *
 *   Also here: nfu_xt_ct_get() and nfu_xt_ct_put(), the check() and
 *   destroy() steps of every extension that needs connection tracking
 *   (Linux's nf_ct_netns_get() and nf_ct_netns_put()).
 *
 * Thread-safety
 *   Written at parse time, read-only afterwards.
 */
#ifndef NFU_EXT_XT_CONNTRACK_H
#define NFU_EXT_XT_CONNTRACK_H

#include <stdint.h>

#include "conntrack/ct-private.h"
#include "xtables/xt-private.h"

/* Linux's XT_CONNTRACK_STATE_BIT(ctinfo) = 1 << (ctinfo + 1), ctinfo
 * being IP_CT_ESTABLISHED 0, IP_CT_RELATED 1, IP_CT_NEW 2; INVALID is
 * bit 0, UNTRACKED 1 << (IP_CT_NUMBER + 1) with IP_CT_NUMBER = 5. */
enum {
	NFU_XT_CT_STATE_INVALID = 1u << 0,
	NFU_XT_CT_STATE_ESTABLISHED = 1u << 1,
	NFU_XT_CT_STATE_RELATED = 1u << 2,
	NFU_XT_CT_STATE_NEW = 1u << 3,
	NFU_XT_CT_STATE_SNAT = 1u << 8,
	NFU_XT_CT_STATE_DNAT = 1u << 9,
	NFU_XT_CT_STATE_UNTRACKED = 1u << 6,
};

/* Linux's IPS_* status bits that --ctstatus names: NFU_IPS_EXPECTED,
 * _SEEN_REPLY, _ASSURED, _CONFIRMED of conntrack/ct-private.h. */

/* match_flags and invert_flags: Linux's XT_CONNTRACK_* values. */
enum {
	NFU_XT_CT_STATE = 1u << 0,
	NFU_XT_CT_PROTO = 1u << 1,
	NFU_XT_CT_ORIGSRC = 1u << 2,
	NFU_XT_CT_ORIGDST = 1u << 3,
	NFU_XT_CT_REPLSRC = 1u << 4,
	NFU_XT_CT_REPLDST = 1u << 5,
	NFU_XT_CT_STATUS = 1u << 6,
	NFU_XT_CT_EXPIRES = 1u << 7,
	NFU_XT_CT_ORIGSRC_PORT = 1u << 8,
	NFU_XT_CT_ORIGDST_PORT = 1u << 9,
	NFU_XT_CT_REPLSRC_PORT = 1u << 10,
	NFU_XT_CT_REPLDST_PORT = 1u << 11,
	NFU_XT_CT_DIRECTION = 1u << 12, /* inverted: REPLY */
	NFU_XT_CT_STATE_ALIAS = 1u << 13, /* written as -m state */
};

/*
 * A rule's reference to conntrack, in its data: Linux's nf_ct_netns_get()
 * in checkentry, nf_ct_netns_put() in destroy, so that conntrack's hooks
 * go with the last rule that needs them.  lib/xtables copies rules as
 * plain memory (a clone of the ruleset for a change, one rule per address
 * of -s a,b) and checks every rule of a new ruleset before it frees the
 * old one (as Linux's translate_table()), so a reference belongs to the
 * object that was checked: 'self' is that object's own address, which a
 * copy does not have.  A copy takes its own when it is checked; its
 * destroy puts none if it never was.  Keep it after the extension's
 * usersize: -D and -C do not compare it.
 */
struct nfu_xt_ct_ref {
	const struct nfu_xt_ct_ref *self;  /* == this: it holds one */
	struct nfu_net *net;               /* the stack it holds it in */
};

/* Addresses and masks in network order, ports in host order, expiry in
 * seconds (as revision 3). */
struct nfu_xt_conntrack_info {
	uint32_t origsrc_addr, origsrc_mask;
	uint32_t origdst_addr, origdst_mask;
	uint32_t replsrc_addr, replsrc_mask;
	uint32_t repldst_addr, repldst_mask;
	uint32_t expires_min, expires_max;
	uint16_t l4proto;
	uint16_t origsrc_port, origsrc_port_high;
	uint16_t origdst_port, origdst_port_high;
	uint16_t replsrc_port, replsrc_port_high;
	uint16_t repldst_port, repldst_port_high;
	uint16_t match_flags, invert_flags;
	uint16_t state_mask, status_mask;
	struct nfu_xt_ct_ref ref;      /* after usersize */
};

/* xt_conntrack.c: iptables' conntrack_dump(), the text of every option
 * set in 'info', each with a leading space; 'pfx' is "--" for save, ""
 * for listing ('numeric' false: address 0 is "anywhere").  With
 * NFU_XT_CT_STATE_ALIAS the states are written as the state match's. */
void nfu_xt_ct_dump(const struct nfu_xt_conntrack_info *info,
		    const char *pfx, bool numeric, struct nfu_strbuf *sb);
/* The bit of the state named by the 'len' first bytes of 's' (a prefix
 * of the name, any case, as iptables' strncasecmp); 0 when none.
 * 'nat' admits SNAT and DNAT (--ctstate; --state does not). */
unsigned int nfu_xt_ct_state_bit(const char *s, size_t len, bool nat);
/* Per packet, both matches: Linux's conntrack_mt() on pkt->ct and
 * pkt->ctinfo. */
bool nfu_xt_conntrack_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			 void *data);
/* Takes the reference of 'ref' (a rule's, in its data) to conntrack in
 * the stack of 'ctx' (nfu_ct_netns_get()), as Linux's checkentry calls
 * nf_ct_netns_get(): 0, or a negative errno with ctx->err naming 'name'
 * (the Linux module) and the failure ("cannot load conntrack support",
 * Linux's words).  A 'ref' that holds one already keeps it; one copied
 * from another holds none (see struct nfu_xt_ct_ref).  Without a stack
 * (ctx->net NULL: the fuzzers check rules alone) nothing is taken: 0. */
int nfu_xt_ct_get(const struct nfu_xt_check_ctx *ctx,
		  struct nfu_xt_ct_ref *ref, const char *name);
/* Puts the reference 'ref' holds, if it holds one (an extension's
 * destroy: Linux's nf_ct_netns_put()). */
void nfu_xt_ct_put(struct nfu_xt_ct_ref *ref);

#endif
