/* SPDX-License-Identifier: MIT */
/* libxtables' guided option types for the matches of ext-args.h. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext/ext-args.h"
#include "ext/ext-private.h"

/* glibc's inet_aton as getaddrinfo() uses it for a numeric host (no
 * trailing characters): 1 to 4 parts, each decimal, 0x hex or 0 octal;
 * the last part fills the remaining bytes. */
static bool inet_aton_exact(const char *s, uint32_t *out)
{
	uint32_t parts[4];
	unsigned int n = 0;
	uint64_t max;

	for (;;) {
		uint64_t v = 0;
		unsigned int base = 10, digits = 0;

		if (!isdigit((unsigned char)*s))
			return false;
		if (*s == '0') {
			base = 8;
			s++;
			digits = 1;
			if (*s == 'x' || *s == 'X') {
				base = 16;
				s++;
				digits = 0;
			}
		}
		for (;; s++) {
			unsigned int d;

			if (isdigit((unsigned char)*s)) {
				d = (unsigned int)(*s - '0');
				if (d >= base)
					return false;
			} else if (base == 16 && isxdigit((unsigned char)*s)) {
				d = (unsigned int)(tolower((unsigned char)*s) -
						   'a' + 10);
			} else {
				break;
			}
			v = v * base + d;
			if (v > 0xffffffffu)
				return false;
			digits++;
		}
		if (!digits)
			return false;
		if (n == 4)
			return false;
		parts[n++] = (uint32_t)v;
		if (*s == '.') {
			s++;
			continue;
		}
		if (*s != '\0')
			return false;
		break;
	}
	for (unsigned int i = 0; i + 1 < n; i++)
		if (parts[i] > 0xff)
			return false;
	max = n == 1 ? 0xffffffffu : n == 2 ? 0xffffffu : n == 3 ? 0xffffu : 0xffu;
	if (parts[n - 1] > max)
		return false;
	switch (n) {
	case 1:
		*out = parts[0];
		break;
	case 2:
		*out = parts[0] << 24 | parts[1];
		break;
	case 3:
		*out = parts[0] << 24 | parts[1] << 16 | parts[2];
		break;
	default:
		*out = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 |
		       parts[3];
		break;
	}
	*out = __builtin_bswap32(*out);
	return true;
}

/* Prefix length of a contiguous mask (network order), -1 otherwise. */
static int mask_to_cidr(uint32_t mask)
{
	uint32_t m = __builtin_bswap32(mask);

	if (m == 0)
		return 0;
	if ((~m & (~m + 1)) != 0) /* ~m must be 2^k - 1 */
		return -1;
	return __builtin_popcount(m);
}

int nfu_ext_parse_hostmask(struct nfu_xt_parse_ctx *ctx, const char *ext,
			   const char *opt, const char *arg, uint32_t *addr,
			   uint32_t *mask)
{
	const char *slash = strchr(arg, '/');
	char host[64];
	uintmax_t plen;
	uint32_t m;
	size_t hl;

	hl = slash ? (size_t)(slash - arg) : strlen(arg);
	/* Non-numeric hosts would need a name lookup: nfu does none, and
	 * says what getaddrinfo() says of a name it cannot resolve. */
	if (hl >= sizeof(host))
		return nfu_xt_error(ctx, "getaddrinfo: Name or service not "
				    "known");
	memcpy(host, arg, hl);
	host[hl] = '\0';
	if (!inet_aton_exact(host, addr))
		return nfu_xt_error(ctx, "getaddrinfo: Name or service not "
				    "known");
	if (!slash) {
		*mask = 0xffffffffu;
		return 0;
	}
	if (nfu_ext_strtoul(slash + 1, NULL, &plen, 0, 32, 0) &&
	    slash[1] != '-') {
		*mask = plen ? __builtin_bswap32(~0u << (32 - plen)) : 0;
		return 0;
	}
	if (!inet_aton_exact(slash + 1, &m))
		return nfu_xt_error(ctx, "%s: bad value for option \"--%s\", "
				    "neither a valid network mask nor valid "
				    "CIDR (0-32).", ext, opt);
	/* libxtables keeps the prefix length in a uint8_t: -1 for a
	 * non-contiguous mask becomes 255, and the mask made from it is
	 * all ones. */
	*mask = mask_to_cidr(m) < 0 ? 0xffffffffu : m;
	return 0;
}

int nfu_ext_parse_u32_range(struct nfu_xt_parse_ctx *ctx, const char *ext,
			    const char *opt, const char *arg,
			    uint32_t range[2], unsigned int *n)
{
	const char *p = arg;
	char *end;
	uintmax_t v;

	*n = 0;
	for (;;) {
		if (*n == 2)
			return nfu_xt_error(ctx, "%s: Too many components for "
					    "option \"--%s\" (max: 2)", ext,
					    opt);
		if (*p == '\0' || *p == ':') {
			end = (char *)p;
			v = *n == 1 ? UINT32_MAX : 0;
		} else {
			if (p[strspn(p, " \t\n\v\f\r")] == '-' ||
			    !nfu_ext_strtoul(p, &end, &v, 0, UINT32_MAX, 0))
				return nfu_xt_error(ctx, "%s: bad value for "
						    "option \"--%s\" near "
						    "\"%s\", or out of range "
						    "(0-%u).", ext, opt, p,
						    UINT32_MAX);
			if (*end != '\0' && *end != ':')
				return nfu_xt_error(ctx, "%s: Argument to "
						    "\"--%s\" has unexpected "
						    "characters near \"%s\".",
						    ext, opt, end);
		}
		range[(*n)++] = (uint32_t)v;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

int nfu_ext_parse_port_range(struct nfu_xt_parse_ctx *ctx, const char *ext,
			     const char *opt, const char *arg, uint16_t *lo,
			     uint16_t *hi)
{
	uint16_t r[2] = { 0, UINT16_MAX };
	unsigned int n = 0;
	const char *p = arg;
	char part[256];

	for (;;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		int port;

		if (n == 2)
			return nfu_xt_error(ctx, "%s: Too many components for "
					    "option \"--%s\" (max: 2)", ext,
					    opt);
		if (len >= sizeof(part))
			len = sizeof(part) - 1; /* no service is that long */
		memcpy(part, p, len);
		part[len] = '\0';
		if (len) {
			port = nfu_ext_getportbyname(part);
			if (port < 0)
				return nfu_xt_error(ctx, "Port \"%s\" does not "
						    "resolve to anything.",
						    part);
			r[n] = (uint16_t)port;
		}
		n++;
		if (!colon)
			break;
		p = colon + 1;
	}
	if (n == 1)
		r[1] = r[0];
	*lo = r[0];
	*hi = r[1];
	return 0;
}

static const struct {
	const char *name;
	uint8_t num;
} chain_protos[] = {
	{ "tcp", 6 },	     { "sctp", 132 },	   { "udp", 17 },
	{ "udplite", 136 },  { "icmp", 1 },	   { "ipv6-icmp", 58 },
	{ "icmpv6", 58 },    { "esp", 50 },	   { "ah", 51 },
	{ "mobility-header", 135 }, { "ipv6-mh", 135 }, { "mh", 135 },
	{ "all", 0 },
};

int nfu_ext_parse_protocol(struct nfu_xt_parse_ctx *ctx, const char *arg)
{
	struct protoent pe, *res = NULL;
	char buf[1024];
	uintmax_t v;

	if (arg[strspn(arg, " \t\n\v\f\r")] != '-' &&
	    nfu_ext_strtoul(arg, NULL, &v, 0, UINT8_MAX, 0))
		return (int)v;
	for (size_t i = 0; i < sizeof(chain_protos) / sizeof(chain_protos[0]);
	     i++)
		if (!strcmp(arg, chain_protos[i].name))
			return chain_protos[i].num;
	if (getprotobyname_r(arg, &pe, buf, sizeof(buf), &res) == 0 && res)
		return res->p_proto;
	return nfu_xt_error(ctx, "unknown protocol \"%s\" specified", arg);
}

int nfu_ext_parse_uint(struct nfu_xt_parse_ctx *ctx, const char *ext,
		       const char *opt, const char *arg, uint32_t min,
		       uint32_t max, uint32_t *val)
{
	uintmax_t v;

	if (arg[strspn(arg, " \t\n\v\f\r")] == '-' ||
	    !nfu_ext_strtoul(arg, NULL, &v, min, max, 0))
		return nfu_xt_error(ctx, "%s: bad value for option \"--%s\", "
				    "or out of range (%u-%u).", ext, opt, min,
				    max);
	*val = (uint32_t)v;
	return 0;
}

void nfu_ext_put_addrmask(struct nfu_strbuf *sb, uint32_t addr,
			  uint32_t mask)
{
	const uint8_t *a = (const uint8_t *)&addr, *m = (const uint8_t *)&mask;
	int cidr = mask_to_cidr(mask);

	nfu_sb_printf(sb, " %u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	if (cidr == 32)
		return;
	if (cidr >= 0)
		nfu_sb_printf(sb, "/%d", cidr);
	else
		nfu_sb_printf(sb, "/%u.%u.%u.%u", m[0], m[1], m[2], m[3]);
}
