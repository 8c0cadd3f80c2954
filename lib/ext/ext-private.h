/* SPDX-License-Identifier: MIT */
/*
 * ext/ext-private.h - helpers shared by the match and target files of
 * lib/ext: bounded access to packet headers (Linux's skb_header_pointer)
 * and iptables' ways of reading a port.
 *
 * Thread-safety
 *   Header access: the stack's thread.  Port parsing reads /etc/services
 *   (getservbyname_r, getaddrinfo) and may run on any thread.
 */
#ifndef NFU_EXT_PRIVATE_H
#define NFU_EXT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nfu/pkt.h"
#include "xtables/xt-private.h"

/* 'len' bytes at 'off' from the network header, or NULL when the packet
 * is shorter (Linux's skb_header_pointer() on a linear skb). */
static inline const uint8_t *nfu_ext_header(const struct nfu_pkt *pkt,
					    size_t off, size_t len)
{
	const uint8_t *nh = nfu_pkt_network_header(pkt);
	const uint8_t *end = pkt->data + pkt->len;

	if (nh < pkt->data || nh > end || off > (size_t)(end - nh) ||
	    len > (size_t)(end - nh) - off)
		return NULL;
	return nh + off;
}

/* Bytes of the packet from 'off' past the network header to its end. */
static inline size_t nfu_ext_avail(const struct nfu_pkt *pkt, size_t off)
{
	const uint8_t *nh = nfu_pkt_network_header(pkt);
	const uint8_t *end = pkt->data + pkt->len;

	if (nh < pkt->data || nh > end || off > (size_t)(end - nh))
		return 0;
	return (size_t)(end - nh) - off;
}

/* libxtables' xtables_strtoul(): strtoumax in 'base' (0: C prefixes),
 * leading blanks and a sign accepted as strtoumax does; true when a number
 * was read and lies in [min, max].  With 'end' NULL the whole string must
 * be the number, else *end is left after it. */
bool nfu_ext_strtoul(const char *s, char **end, uintmax_t *value,
		     uintmax_t min, uintmax_t max, int base);

/* libxtables' xtables_parse_port(): a number (base 0) up to 65535 or a
 * service name of 'proto' ("tcp", "udp"...); -1 when neither. */
int nfu_ext_parse_port(const char *s, const char *proto);

/* libxtables' xtables_getportbyname() (the guided parsers' XTTYPE_PORT):
 * whatever getaddrinfo() makes of 's' as a service; -1 when nothing. */
int nfu_ext_getportbyname(const char *s);

/* The service name of 'port' for 'proto', NULL when none (listings). */
const char *nfu_ext_port_to_service(uint16_t port, const char *proto,
				    char *buf, size_t len);

/* The protocol name iptables-save prints for 'proto' ("tcp"), NULL when
 * it has none it would print. */
const char *nfu_ext_proto_name(uint16_t proto);

#endif
