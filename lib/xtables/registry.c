/* SPDX-License-Identifier: MIT */
/*
 * The extension registry: static const lists of every match and target
 * nfu knows, one line each (STYLE: no constructors).  To add an extension:
 * write lib/ext/xt_NAME.c (or ipt_NAME.c) defining its ops, and add one
 * line below.
 */
#include <string.h>

#include "xtables/xt-private.h"

/* ---- matches (one line each, keep the blocks: several people add) ---- */
/* block M1 */
extern const struct nfu_xt_match_ops nfu_xt_tcp;
extern const struct nfu_xt_match_ops nfu_xt_udp;
extern const struct nfu_xt_match_ops nfu_xt_icmp;
extern const struct nfu_xt_match_ops nfu_xt_multiport;
extern const struct nfu_xt_match_ops nfu_xt_iprange;
extern const struct nfu_xt_match_ops nfu_xt_length;
extern const struct nfu_xt_match_ops nfu_xt_ttl;
extern const struct nfu_xt_match_ops nfu_xt_comment;
extern const struct nfu_xt_match_ops nfu_xt_mark;
extern const struct nfu_xt_match_ops nfu_xt_mac;
extern const struct nfu_xt_match_ops nfu_xt_pkttype;
/* block M2 */
extern const struct nfu_xt_match_ops nfu_xt_state;
extern const struct nfu_xt_match_ops nfu_xt_conntrack;
extern const struct nfu_xt_match_ops nfu_xt_limit;
extern const struct nfu_xt_match_ops nfu_xt_addrtype;
extern const struct nfu_xt_match_ops nfu_xt_tos;
extern const struct nfu_xt_match_ops nfu_xt_dscp;
/* block M3 */
extern const struct nfu_xt_match_ops nfu_xt_recent;
extern const struct nfu_xt_match_ops nfu_xt_owner;
extern const struct nfu_xt_match_ops nfu_xt_sctp;
extern const struct nfu_xt_match_ops nfu_xt_rpfilter;
extern const struct nfu_xt_match_ops nfu_xt_connlimit;
extern const struct nfu_xt_match_ops nfu_xt_hashlimit;
/* block M4 */
extern const struct nfu_xt_match_ops nfu_xt_connmark;
extern const struct nfu_xt_match_ops nfu_xt_connbytes;
extern const struct nfu_xt_match_ops nfu_xt_helper;

static const struct nfu_xt_match_ops *const matches[] = {
	/* block M1 */
	&nfu_xt_tcp,
	&nfu_xt_udp,
	&nfu_xt_icmp,
	&nfu_xt_multiport,
	&nfu_xt_iprange,
	&nfu_xt_length,
	&nfu_xt_ttl,
	&nfu_xt_comment,
	&nfu_xt_mark,
	&nfu_xt_mac,
	&nfu_xt_pkttype,
	/* block M2 */
	&nfu_xt_state,
	&nfu_xt_conntrack,
	&nfu_xt_limit,
	&nfu_xt_addrtype,
	&nfu_xt_tos,
	&nfu_xt_dscp,
	/* block M3 */
	&nfu_xt_recent,
	&nfu_xt_owner,
	&nfu_xt_sctp,
	&nfu_xt_rpfilter,
	&nfu_xt_connlimit,
	&nfu_xt_hashlimit,
	/* block M4 */
	&nfu_xt_connmark,
	&nfu_xt_connbytes,
	&nfu_xt_helper,
	NULL
};

/* ---- targets ---- */
/* block T */
extern const struct nfu_xt_target_ops nfu_xt_LOG;
extern const struct nfu_xt_target_ops nfu_xt_REJECT;
extern const struct nfu_xt_target_ops nfu_xt_MARK;
extern const struct nfu_xt_target_ops nfu_xt_DSCP;
extern const struct nfu_xt_target_ops nfu_xt_TOS;
extern const struct nfu_xt_target_ops nfu_xt_CLASSIFY;
/* block T2 */
extern const struct nfu_xt_target_ops nfu_xt_MASQUERADE;
extern const struct nfu_xt_target_ops nfu_xt_SNAT;
extern const struct nfu_xt_target_ops nfu_xt_DNAT;
extern const struct nfu_xt_target_ops nfu_xt_CT;
extern const struct nfu_xt_target_ops nfu_xt_NOTRACK;
extern const struct nfu_xt_target_ops nfu_xt_CONNMARK;
extern const struct nfu_xt_target_ops nfu_xt_TCPMSS;
extern const struct nfu_xt_target_ops nfu_xt_CHECKSUM;
/* block T3 */
extern const struct nfu_xt_target_ops nfu_xt_REDIRECT;
extern const struct nfu_xt_target_ops nfu_xt_NETMAP;
/* block Q */
extern const struct nfu_xt_target_ops nfu_xt_NFQUEUE;

static const struct nfu_xt_target_ops *const targets[] = {
	/* block T */
	&nfu_xt_LOG,
	&nfu_xt_REJECT,
	&nfu_xt_MARK,
	&nfu_xt_DSCP,
	&nfu_xt_TOS,
	&nfu_xt_CLASSIFY,
	/* block T2 */
	&nfu_xt_MASQUERADE,
	&nfu_xt_SNAT,
	&nfu_xt_DNAT,
	&nfu_xt_CT,
	&nfu_xt_NOTRACK,
	&nfu_xt_CONNMARK,
	&nfu_xt_TCPMSS,
	&nfu_xt_CHECKSUM,
	/* block T3 */
	&nfu_xt_REDIRECT,
	&nfu_xt_NETMAP,
	/* block Q */
	&nfu_xt_NFQUEUE,
	NULL
};

/* Every rule looks its extensions up here: the first byte is compared
 * before strcmp(), which rules out most entries for less. */
const struct nfu_xt_match_ops *nfu_xt_find_match(const char *name)
{
	const struct nfu_xt_match_ops *best = NULL;

	for (unsigned int i = 0; matches[i]; i++)
		if (matches[i]->name[0] == name[0] &&
		    !strcmp(matches[i]->name, name) &&
		    (!best || matches[i]->revision > best->revision))
			best = matches[i];
	return best;
}

const struct nfu_xt_target_ops *nfu_xt_find_target(const char *name)
{
	const struct nfu_xt_target_ops *best = NULL;

	for (unsigned int i = 0; targets[i]; i++)
		if (targets[i]->name[0] == name[0] &&
		    !strcmp(targets[i]->name, name) &&
		    (!best || targets[i]->revision > best->revision))
			best = targets[i];
	return best;
}
