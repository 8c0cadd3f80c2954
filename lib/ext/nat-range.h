/* SPDX-License-Identifier: MIT */
/*
 * ext/nat-range.h - the NAT range of SNAT, DNAT and MASQUERADE (Linux's
 * struct nf_nat_range2) and libxt_NAT's way of reading its port part,
 * shared by lib/ext/xt_NAT.c and lib/ext/xt_MASQUERADE.c.
 *
 * Thread-safety
 *   Any thread (service names through the reentrant libc calls).
 */
#ifndef NFU_EXT_NAT_RANGE_H
#define NFU_EXT_NAT_RANGE_H

#include <stdint.h>

#include "ext/xt_conntrack.h"
#include "nat/nat-private.h"
#include "xtables/xt-private.h"

/* struct nfu_nat_range and its NFU_NAT_* flags: nat/nat-private.h */

/* The data of SNAT, DNAT, MASQUERADE, REDIRECT and NETMAP: the range
 * (first: what the parsers and printers below take), then the reference
 * on connection tracking the rule holds (after usersize: -D and -C
 * compare the range alone). */
struct nfu_nat_target_data {
	struct nfu_nat_range range;
	struct nfu_xt_ct_ref ref;
};

/* Their destroy: the reference put (Linux's nf_ct_netns_put() in
 * xt_nat_destroy() and the others). */
void nfu_nat_target_destroy(void *data);

/* Does the rule's protocol allow a port part?  libxt_NAT asks for TCP,
 * UDP, SCTP, DCCP or ICMP, ignoring '!'; else it says "Need TCP, UDP,
 * SCTP or DCCP with port specification". */
int nfu_nat_need_ports(struct nfu_xt_parse_ctx *ctx);

/* "p[-q[/base]]" into 'r' (PROTO_SPECIFIED, and PROTO_OFFSET with a
 * base).  'keep_base' false: the base is read and checked but stored as 0,
 * as SNAT and MASQUERADE do in iptables 1.8.9 (their kernel structure has
 * no room for it, so iptables-save prints "/0"). */
int nfu_nat_parse_ports(struct nfu_xt_parse_ctx *ctx, const char *arg,
			struct nfu_nat_range *r, bool keep_base);

/* "p[-q][/base]" as iptables-save prints the port part. */
void nfu_nat_put_ports(struct nfu_strbuf *sb, const struct nfu_nat_range *r);

/* libxt_NAT's __NAT_print(), for iptables-save and -L alike: " 'rangeopt'"
 * and the range ("a[-b][:ports]", the ':' left out before ports alone when
 * 'skip_colon'), when the range maps anything; then each flag as
 * " 'flag_pfx'random", "…random-fully", "…persistent". */
void nfu_nat_put_range(struct nfu_strbuf *sb, const struct nfu_nat_range *r,
		       const char *rangeopt, const char *flag_pfx,
		       bool skip_colon);

#endif
