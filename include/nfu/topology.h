/* SPDX-License-Identifier: MIT */
/*
 * nfu/topology.h - describing a host with the commands its administrator
 * would type.
 *
 * A topology is text, one command a line, '#' starts a comment:
 *   ip link set DEV [address MAC] [mtu N] [up|down]
 *   ip link add DEV [type dummy|veth|…]      (the type is ignored)
 *   ip addr add ADDR/PLEN [brd ADDR|+] dev DEV
 *   ip addr del ADDR[/PLEN] dev DEV  (routes go as in Linux: nfu_addr_del())
 *   ip route add {default|NET/PLEN|ADDR} [via GW] [dev DEV] [src ADDR]
 *                [metric N] [table main|local|254|255] [proto P] [scope S]
 *   ip route add {unreachable|prohibit|blackhole} NET/PLEN
 *   ip neigh add ADDR lladdr MAC dev DEV [nud permanent]
 *   sysctl -w NAME=VALUE          (also: sysctl NAME=VALUE)
 * 'ip address', 'ip a', 'ip r', 'ip n' and the other abbreviations that
 * iproute2 accepts are accepted.  A device exists once a line names it,
 * indexed in order of first appearance after lo (ifindex 1).
 *
 * Loading is a transaction: the whole text is first applied to a scratch
 * stack; only if every line succeeds is it applied to 'net'.  On error
 * 'net' is unchanged and 'err' names the line and the token.  (The dry
 * run's stack has 'net's devices but not its addresses: in a topology
 * text, 'ip addr del' can remove an address the same text added.)
 *
 * nfu_topology_exec() applies one line to a live stack at once, without
 * the dry run: what a running system's administrator types (nfu replay
 * applies timed 'ip ...' commands so).
 */
#ifndef NFU_TOPOLOGY_H
#define NFU_TOPOLOGY_H

#include "nfu/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nfu_net;

/* 'name' is used in error messages.  Returns 0 or a negative errno. */
int nfu_topology_load(struct nfu_net *net, const char *text, size_t len,
		      const char *name, struct nfu_error *err);
int nfu_topology_load_file(struct nfu_net *net, const char *path,
			   struct nfu_error *err);
/* One topology line 'line' of 'len' bytes (no newline; a comment or
 * blank line does nothing), applied to 'net' now.  'name' and 'lineno'
 * are for error messages.  0 or a negative errno, with 'err' set. */
int nfu_topology_exec(struct nfu_net *net, const char *line, size_t len,
		      const char *name, unsigned int lineno,
		      struct nfu_error *err);

#ifdef __cplusplus
}
#endif
#endif
