/* SPDX-License-Identifier: MIT */
/*
 * ext/ext-args.h - libxtables' guided option types that the conntrack,
 * state, limit, addrtype, tos and dscp matches read, with their exact
 * acceptance rules and messages (the messages carry no trailing newline;
 * 'ext' is the extension's name and 'opt' the option's, without "--").
 *
 * Thread-safety
 *   Any thread: names are resolved with the reentrant libc calls.
 */
#ifndef NFU_EXT_ARGS_H
#define NFU_EXT_ARGS_H

#include <stdint.h>

#include "xtables/xt-private.h"

/* XTTYPE_HOSTMASK for IPv4: "addr[/mask]", the address numeric in any
 * form inet_aton() takes ("10.1" is 10.0.0.1), the mask a prefix length
 * 0..32 or a dotted mask; a dotted mask that is not contiguous is /32, as
 * in libxtables.  The address keeps its host bits.  Network order. */
int nfu_ext_parse_hostmask(struct nfu_xt_parse_ctx *ctx, const char *ext,
			   const char *opt, const char *arg, uint32_t *addr,
			   uint32_t *mask);

/* XTTYPE_UINT32RC: "a[:b]" with a missing first bound 0 and a missing
 * second one 4294967295; *n gets the number of components (1 or 2). */
int nfu_ext_parse_u32_range(struct nfu_xt_parse_ctx *ctx, const char *ext,
			    const char *opt, const char *arg,
			    uint32_t range[2], unsigned int *n);

/* XTTYPE_PORTRC: "p[:q]" of numbers or service names; a missing first
 * bound is 0, a missing second one 65535, a single port is p:p. */
int nfu_ext_parse_port_range(struct nfu_xt_parse_ctx *ctx, const char *ext,
			     const char *opt, const char *arg, uint16_t *lo,
			     uint16_t *hi);

/* XTTYPE_PROTOCOL: a number 0..255, one of iptables' built-in names, or a
 * name of /etc/protocols.  Returns the number or -EINVAL. */
int nfu_ext_parse_protocol(struct nfu_xt_parse_ctx *ctx, const char *arg);

/* XTTYPE_UINT8/16/32 with [min, max]: the whole string a number (C
 * prefixes), else "EXT: bad value for option "--OPT", or out of range
 * (MIN-MAX)." */
int nfu_ext_parse_uint(struct nfu_xt_parse_ctx *ctx, const char *ext,
		       const char *opt, const char *arg, uint32_t min,
		       uint32_t max, uint32_t *val);

/* " a.b.c.d" and "/plen" (a contiguous mask short of /32) or "/a.b.c.d"
 * (any other mask short of all ones), as xtables_ipaddr_to_numeric()
 * and xtables_ipmask_to_numeric() print them. */
void nfu_ext_put_addrmask(struct nfu_strbuf *sb, uint32_t addr,
			  uint32_t mask);

#endif
