/* SPDX-License-Identifier: MIT */
/*
 * ipv4/topology.c - a host described by the commands its administrator
 * types: ip link, ip address, ip route, ip neigh and sysctl
 * (nfu/topology.h; the format is documented in docs/nfu-topology.5).
 *
 * Each line is cut into words at white space and parsed the way iproute2
 * parses its argv: keywords are tried in iproute2's order, abbreviated where
 * iproute2 compares with matches() (any non-empty prefix, so "ip r a" is
 * "ip route add" and "ip l s" is "ip link set"), whole where it uses
 * strcmp().  Keywords iproute2 knows but nfu does not model are refused as
 * unsupported rather than unknown, so a file written for a real host says
 * what is missing.  nfu is stricter than iproute2 in two ways: numbers are
 * decimal (iproute2's strtoul(…, 0) would read "010" as 8 and "0x10" as
 * 16: rather than guess, such words are refused) and a keyword given twice
 * is an error instead of the last one winning.
 *
 * A line is parsed completely before it touches the stack, so a syntax
 * error never leaves half a line applied.  What only the stack can refuse
 * (an address or route that exists, a gateway that is not on a connected
 * network) comes from applying it.  Loading is a transaction through a
 * scratch stack: see nfu_topology_load().
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfu/net.h"
#include "nfu/topology.h"

#define MAX_WORDS 64
#define MAX_FILE_SIZE (16u << 20)

/* One line being parsed: its words point into a private copy of the text. */
struct line {
	struct nfu_net *net;
	const char *where;
	struct nfu_error *err;
	unsigned int no;      /* 1-based */
	unsigned int n;       /* words */
	unsigned int end_col; /* column just past the last word */
	char *w[MAX_WORDS];
	unsigned int col[MAX_WORDS]; /* 1-based, in bytes */
};

static int vfail_at(const struct line *l, unsigned int col, int rc,
		    const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static int vfail_at(const struct line *l, unsigned int col, int rc,
		    const char *fmt, va_list ap)
{
	char msg[sizeof(((struct nfu_error *)NULL)->msg)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	nfu_error_set(l->err, l->where, l->no, col, "%s", msg);
	return rc;
}

/* Fills the error at column 'col' and returns 'rc'. */
static int fail_at(const struct line *l, unsigned int col, int rc,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail_at(const struct line *l, unsigned int col, int rc,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(l, col, rc, fmt, ap);
	va_end(ap);
	return rc;
}

/* Fills the error at word 'i' (past the end: the end of the line) and
 * returns 'rc'. */
static int fail(const struct line *l, unsigned int i, int rc, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));
static int fail(const struct line *l, unsigned int i, int rc, const char *fmt,
		...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(l, i < l->n ? l->col[i] : l->end_col, rc, fmt, ap);
	va_end(ap);
	return rc;
}

/* What the stack's errno means, for the errors no caller words better. */
static const char *errmsg(int rc)
{
	return rc == -ENOMEM ? "out of memory" : strerror(-rc);
}

/*
 * Words and keywords
 */

enum word {
	W_NONE = 0,      /* not in the table: the caller decides */
	W_UNSUPPORTED,   /* iproute2 knows it, nfu does not model it */
	W_ADDR, W_ROUTE, W_NEIGH, W_LINK,   /* ip objects */
	W_ADD, W_SET, W_REPLACE, W_DEL,     /* commands */
	W_UP, W_DOWN, W_NAME, W_MAC, W_MTU, W_TYPE, W_DEV,
	W_BRD, W_SCOPE, W_LOCAL,
	W_SRC, W_VIA, W_METRIC, W_PROTO, W_TABLE, W_TO,
	W_LLADDR, W_NUD,
};

struct keyword {
	const char *name;
	bool abbrev; /* iproute2's matches(): any non-empty prefix */
	enum word id;
};

#define EXACT(n, id) { n, false, id }
#define PREFIX(n, id) { n, true, id }
#define NKW(t) (sizeof(t) / sizeof((t)[0]))

static bool is_prefix(const char *w, const char *name)
{
	size_t n = strlen(w);

	return n > 0 && strncmp(w, name, n) == 0 && n <= strlen(name);
}

/* The first entry of 'tab' that 'w' stands for, as iproute2's chain of
 * comparisons picks it. */
static enum word lookup(const struct keyword *tab, size_t n, const char *w,
			const char **full)
{
	for (size_t i = 0; i < n; i++) {
		if (tab[i].abbrev ? is_prefix(w, tab[i].name)
				  : !strcmp(w, tab[i].name)) {
			if (full)
				*full = tab[i].name;
			return tab[i].id;
		}
	}
	return W_NONE;
}

/* The value after keyword word '*i', advancing '*i' to it; NULL after
 * filling the error. */
static const char *value(const struct line *l, unsigned int *i)
{
	if (*i + 1 >= l->n) {
		fail(l, *i, -EINVAL, "missing value after `%s'", l->w[*i]);
		return NULL;
	}
	return l->w[++*i];
}

static int duplicate(const struct line *l, unsigned int i)
{
	return fail(l, i, -EINVAL, "duplicate `%s'", l->w[i]);
}

/*
 * Values
 */

/* Decimal, no sign, no leading zero (see the top of the file), <= 'max'. */
static int parse_uint(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* An IPv4 address as iproute2 reads one: one to four dotted parts, those
 * left out zero ("10" is 10.0.0.0, "192.168.1" is 192.168.1.0).  Result in
 * network order. */
static int parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int part = 0;; part++) {
		const char *start = s;
		uint32_t v = 0;

		while (*s >= '0' && *s <= '9' && s - start < 3)
			v = v * 10 + (uint32_t)(*s++ - '0');
		if (s == start || v > 255 || (*start == '0' && s - start > 1))
			return -EINVAL;
		a |= v << (24 - 8 * part);
		if (!*s)
			break;
		if (*s != '.' || part == 3)
			return -EINVAL;
		s++;
	}
	*out = htonl(a);
	return 0;
}

static uint32_t plen_mask(unsigned int plen)
{
	return plen ? htonl(0xffffffffu << (32 - plen)) : 0;
}

/* ADDR[/PLEN], PLEN decimal or a netmask of contiguous ones ("/24" or
 * "/255.255.255.0"); without it 32.  "default" and "all" only when
 * 'any_ok' (iproute2's names for 0/0). */
static int parse_prefix(const char *s, bool any_ok, uint32_t *addr,
			uint8_t *plen)
{
	const char *slash = strchr(s, '/');
	char buf[16];
	uint32_t v, host;
	size_t n;

	if (any_ok && (!strcmp(s, "default") || !strcmp(s, "all"))) {
		*addr = 0;
		*plen = 0;
		return 0;
	}
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_ipv4(buf, addr))
		return -EINVAL;
	if (!slash) {
		*plen = 32;
		return 0;
	}
	if (!parse_uint(slash + 1, 32, &v)) {
		*plen = (uint8_t)v;
		return 0;
	}
	if (parse_ipv4(slash + 1, &v))
		return -EINVAL;
	host = ~ntohl(v);
	if (host & (host + 1)) /* the ones of the mask are not contiguous */
		return -EINVAL;
	for (*plen = 32; host; host >>= 1)
		(*plen)--;
	return 0;
}

/* Six groups of one or two hex digits separated by ':'. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned int v = 0, digits = 0;

		for (; digits < 2; digits++, s++) {
			char c = *s;

			if (c >= '0' && c <= '9')
				v = v * 16 + (unsigned int)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = v * 16 + (unsigned int)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v = v * 16 + (unsigned int)(c - 'A' + 10);
			else
				break;
		}
		if (!digits)
			return -EINVAL;
		mac[i] = (uint8_t)v;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

/* As Linux's dev_valid_name(): 1 to 15 bytes, not "." or "..", no '/',
 * ':' or white space (the kernel's isspace() counts 0xa0 too). */
static bool dev_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= NFU_IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r') ||
		    c == 0xa0)
			return false;
	}
	return true;
}

/* Word 'i' as a device name, for a device that may not exist yet. */
static int dev_word(const struct line *l, unsigned int i)
{
	if (!dev_name_ok(l->w[i]))
		return fail(l, i, -EINVAL, "invalid device name `%s'", l->w[i]);
	return 0;
}

/* The ifindex of the device named by word 'i', which a line naming it
 * creates: the topology's devices are those it mentions. */
static int dev_get(const struct line *l, unsigned int i)
{
	const struct nfu_dev *d = nfu_dev_by_name(l->net, l->w[i]);
	int rc;

	if (d)
		return d->ifindex;
	rc = nfu_dev_add(l->net, l->w[i]);
	if (rc < 0)
		return fail(l, i, rc, "cannot create device `%s': %s", l->w[i],
			    errmsg(rc));
	return rc;
}

/*
 * ip link add|set
 */

static const struct keyword link_keywords[] = {
	EXACT("up", W_UP), EXACT("down", W_DOWN), EXACT("name", W_NAME),
	EXACT("index", W_UNSUPPORTED), PREFIX("link", W_UNSUPPORTED),
	PREFIX("address", W_MAC), PREFIX("broadcast", W_UNSUPPORTED),
	EXACT("brd", W_UNSUPPORTED), PREFIX("txqueuelen", W_UNSUPPORTED),
	EXACT("qlen", W_UNSUPPORTED), PREFIX("txqlen", W_UNSUPPORTED),
	EXACT("mtu", W_MTU), EXACT("inet", W_UNSUPPORTED),
	EXACT("xdpgeneric", W_UNSUPPORTED), EXACT("xdpdrv", W_UNSUPPORTED),
	EXACT("xdpoffload", W_UNSUPPORTED), EXACT("xdp", W_UNSUPPORTED),
	EXACT("netns", W_UNSUPPORTED), EXACT("multicast", W_UNSUPPORTED),
	EXACT("allmulticast", W_UNSUPPORTED), EXACT("promisc", W_UNSUPPORTED),
	EXACT("trailers", W_UNSUPPORTED), EXACT("arp", W_UNSUPPORTED),
	EXACT("carrier", W_UNSUPPORTED), EXACT("vf", W_UNSUPPORTED),
	PREFIX("master", W_UNSUPPORTED), EXACT("vrf", W_UNSUPPORTED),
	PREFIX("nomaster", W_UNSUPPORTED), PREFIX("dynamic", W_UNSUPPORTED),
	PREFIX("type", W_TYPE), PREFIX("alias", W_UNSUPPORTED),
	EXACT("group", W_UNSUPPORTED), EXACT("mode", W_UNSUPPORTED),
	EXACT("state", W_UNSUPPORTED), PREFIX("numtxqueues", W_UNSUPPORTED),
	PREFIX("numrxqueues", W_UNSUPPORTED),
	PREFIX("addrgenmode", W_UNSUPPORTED),
	PREFIX("link-netns", W_UNSUPPORTED), EXACT("protodown", W_UNSUPPORTED),
	EXACT("protodown_reason", W_UNSUPPORTED),
	EXACT("gso_max_size", W_UNSUPPORTED),
	EXACT("gso_max_segs", W_UNSUPPORTED),
	EXACT("gro_max_size", W_UNSUPPORTED),
	EXACT("gso_ipv4_max_size", W_UNSUPPORTED),
	EXACT("gro_ipv4_max_size", W_UNSUPPORTED),
	EXACT("parentdev", W_UNSUPPORTED), EXACT("dev", W_DEV),
};

/* 'ip link add' (when 'add') or 'ip link set', from word 'i'.  'verb' is
 * the word of the command, for errors about the line as a whole. */
static int ip_link(const struct line *l, unsigned int i, unsigned int verb,
		   bool add)
{
	unsigned int dev = 0, mac_w = 0, mtu_w = 0;
	uint8_t mac[6];
	uint32_t mtu = 0;
	int up = -1, ifindex, rc;

	for (; i < l->n; i++) {
		enum word k = lookup(link_keywords, NKW(link_keywords), l->w[i],
				     NULL);

		switch (k) {
		case W_UP:
		case W_DOWN:
			up = k == W_UP;
			break;
		case W_MAC:
			if (mac_w)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			mac_w = i;
			if (parse_mac(l->w[i], mac))
				return fail(l, i, -EINVAL,
					    "invalid MAC address `%s'", l->w[i]);
			break;
		case W_MTU:
			if (mtu_w)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			mtu_w = i;
			if (parse_uint(l->w[i], UINT32_MAX, &mtu))
				return fail(l, i, -EINVAL, "invalid MTU `%s'",
					    l->w[i]);
			break;
		case W_TYPE:
			/* What follows the type are its own arguments (veth's
			 * peer, a VLAN's id); nfu's devices have no type. */
			if (!add)
				return fail(l, i, -EINVAL,
					    "unsupported keyword `%s' in ip link set",
					    l->w[i]);
			if (!value(l, &i))
				return -EINVAL;
			i = l->n;
			break;
		case W_UNSUPPORTED:
			return fail(l, i, -EINVAL,
				    "unsupported keyword `%s' in ip link",
				    l->w[i]);
		case W_NAME:
			/* 'ip link set DEV name NEW' renames: not modelled. */
			if (!add)
				return fail(l, i, -EINVAL,
					    "unsupported keyword `%s' in ip link set",
					    l->w[i]);
			/* fall through */
		case W_DEV:
			if (dev)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			/* fall through */
		default:
			if (dev)
				return fail(l, i, -EINVAL,
					    "unknown keyword `%s' in ip link",
					    l->w[i]);
			dev = i;
			rc = dev_word(l, dev);
			if (rc)
				return rc;
			break;
		}
	}
	if (!dev)
		return fail(l, verb, -EINVAL, "missing device in ip link %s",
			    add ? "add" : "set");

	if (add) {
		if (nfu_dev_by_name(l->net, l->w[dev]))
			return fail(l, dev, -EEXIST, "device `%s' exists",
				    l->w[dev]);
		/* As in Linux, a device that 'ip link add' creates is down
		 * until it is set up. */
		if (up < 0)
			up = 0;
	}
	ifindex = dev_get(l, dev);
	if (ifindex < 0)
		return ifindex;
	if (mac_w) {
		rc = nfu_dev_set_mac(l->net, ifindex, mac);
		if (rc == -EADDRNOTAVAIL)
			return fail(l, mac_w, rc,
				    "cannot assign MAC address `%s': multicast or zero",
				    l->w[mac_w]);
		if (rc)
			return fail(l, mac_w, rc, "cannot set MAC address `%s': %s",
				    l->w[mac_w], errmsg(rc));
	}
	if (mtu_w) {
		rc = nfu_dev_set_mtu(l->net, ifindex, mtu);
		if (rc == -EINVAL)
			return fail(l, mtu_w, rc, "invalid MTU `%s'", l->w[mtu_w]);
		if (rc)
			return fail(l, mtu_w, rc, "cannot set MTU `%s': %s",
				    l->w[mtu_w], errmsg(rc));
	}
	if (up >= 0) {
		rc = nfu_dev_set_up(l->net, ifindex, up);
		if (rc)
			return fail(l, dev, rc, "cannot set `%s' %s: %s",
				    l->w[dev], up ? "up" : "down", errmsg(rc));
	}
	return 0;
}

/*
 * ip address add
 */

static const struct keyword addr_keywords[] = {
	EXACT("peer", W_UNSUPPORTED), EXACT("remote", W_UNSUPPORTED),
	PREFIX("broadcast", W_BRD), EXACT("brd", W_BRD),
	EXACT("anycast", W_UNSUPPORTED), EXACT("scope", W_SCOPE),
	EXACT("dev", W_DEV), EXACT("label", W_UNSUPPORTED),
	PREFIX("metric", W_UNSUPPORTED), PREFIX("priority", W_UNSUPPORTED),
	PREFIX("preference", W_UNSUPPORTED), PREFIX("valid_lft", W_UNSUPPORTED),
	PREFIX("preferred_lft", W_UNSUPPORTED),
	/* the address flags */
	EXACT("secondary", W_UNSUPPORTED), EXACT("temporary", W_UNSUPPORTED),
	EXACT("nodad", W_UNSUPPORTED), EXACT("optimistic", W_UNSUPPORTED),
	EXACT("dadfailed", W_UNSUPPORTED), EXACT("home", W_UNSUPPORTED),
	EXACT("deprecated", W_UNSUPPORTED), EXACT("tentative", W_UNSUPPORTED),
	EXACT("permanent", W_UNSUPPORTED), EXACT("mngtmpaddr", W_UNSUPPORTED),
	EXACT("noprefixroute", W_UNSUPPORTED), EXACT("autojoin", W_UNSUPPORTED),
	EXACT("stable-privacy", W_UNSUPPORTED),
	EXACT("proto", W_UNSUPPORTED), EXACT("local", W_LOCAL),
};

static int ip_addr_add(const struct line *l, unsigned int i, unsigned int verb)
{
	unsigned int dev = 0, addr_w = 0, brd_w = 0;
	uint32_t addr = 0, brd = 0, mask;
	uint8_t plen = 0;
	int ifindex, rc;

	for (; i < l->n; i++) {
		switch (lookup(addr_keywords, NKW(addr_keywords), l->w[i],
			       NULL)) {
		case W_BRD:
			if (brd_w)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			brd_w = i;
			if (strcmp(l->w[i], "+") && strcmp(l->w[i], "-") &&
			    parse_ipv4(l->w[i], &brd))
				return fail(l, i, -EINVAL, "invalid address `%s'",
					    l->w[i]);
			break;
		case W_SCOPE:
			/* An address's scope is not modelled; global is what
			 * it has anyway. */
			if (!value(l, &i))
				return -EINVAL;
			if (strcmp(l->w[i], "global") && strcmp(l->w[i], "0"))
				return fail(l, i, -EINVAL,
					    "unsupported address scope `%s'",
					    l->w[i]);
			break;
		case W_DEV:
			if (dev)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			dev = i;
			rc = dev_word(l, dev);
			if (rc)
				return rc;
			break;
		case W_UNSUPPORTED:
			return fail(l, i, -EINVAL,
				    "unsupported keyword `%s' in ip address",
				    l->w[i]);
		case W_LOCAL:
			if (addr_w)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			/* fall through */
		default:
			if (addr_w)
				return fail(l, i, -EINVAL,
					    "unknown keyword `%s' in ip address",
					    l->w[i]);
			addr_w = i;
			if (parse_prefix(l->w[i], false, &addr, &plen))
				return fail(l, i, -EINVAL, "invalid address `%s'",
					    l->w[i]);
			break;
		}
	}
	if (!addr_w)
		return fail(l, verb, -EINVAL, "missing address in ip address add");
	if (!dev)
		return fail(l, verb, -EINVAL, "missing `dev' in ip address add");

	/* "brd +" and "brd -": the prefix's last or first address, as
	 * iproute2 computes them, and only for prefixes of up to 30 bits. */
	mask = plen_mask(plen);
	if (brd_w && !strcmp(l->w[brd_w], "+"))
		brd = plen <= 30 ? addr | ~mask : 0;
	else if (brd_w && !strcmp(l->w[brd_w], "-"))
		brd = plen <= 30 ? addr & mask : 0;

	ifindex = dev_get(l, dev);
	if (ifindex < 0)
		return ifindex;
	rc = nfu_addr_add(l->net, ifindex, addr, plen, brd);
	if (rc == -EEXIST)
		return fail(l, addr_w, rc, "address `%s' exists on %s",
			    l->w[addr_w], l->w[dev]);
	if (rc == -EINVAL)
		return fail(l, addr_w, rc, "invalid address `%s'", l->w[addr_w]);
	if (rc)
		return fail(l, addr_w, rc, "cannot add address `%s': %s",
			    l->w[addr_w], errmsg(rc));
	return 0;
}

/* 'ip addr del ADDR[/PLEN] dev DEV': the device must exist, and the
 * address on it (with that prefix length when one is given; a bare
 * address is iproute2's wildcard deletion, any prefix length). */
static int ip_addr_del(const struct line *l, unsigned int i, unsigned int verb)
{
	unsigned int dev = 0, addr_w = 0;
	const struct nfu_dev *d;
	uint32_t addr = 0;
	uint8_t plen = 0;
	int rc;

	for (; i < l->n; i++) {
		switch (lookup(addr_keywords, NKW(addr_keywords), l->w[i],
			       NULL)) {
		case W_DEV:
			if (dev)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			dev = i;
			break;
		case W_LOCAL:
			if (addr_w)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			/* fall through */
		case W_NONE:
			if (addr_w)
				return fail(l, i, -EINVAL,
					    "unknown keyword `%s' in ip address",
					    l->w[i]);
			addr_w = i;
			if (parse_prefix(l->w[i], false, &addr, &plen))
				return fail(l, i, -EINVAL, "invalid address `%s'",
					    l->w[i]);
			break;
		default:
			return fail(l, i, -EINVAL,
				    "unsupported keyword `%s' in ip address del",
				    l->w[i]);
		}
	}
	if (!addr_w)
		return fail(l, verb, -EINVAL, "missing address in ip address del");
	if (!dev)
		return fail(l, verb, -EINVAL, "missing `dev' in ip address del");
	d = nfu_dev_by_name(l->net, l->w[dev]);
	if (!d)
		return fail(l, dev, -ENODEV, "cannot find device `%s'", l->w[dev]);
	rc = nfu_addr_del(l->net, d->ifindex, addr,
			  strchr(l->w[addr_w], '/') ? plen : -1);
	if (rc == -EADDRNOTAVAIL)
		return fail(l, addr_w, rc, "address `%s' is not on %s",
			    l->w[addr_w], l->w[dev]);
	if (rc)
		return fail(l, addr_w, rc, "cannot delete address `%s': %s",
			    l->w[addr_w], errmsg(rc));
	return 0;
}

/*
 * ip route add
 */

static const struct keyword route_keywords[] = {
	EXACT("src", W_SRC), EXACT("as", W_UNSUPPORTED), EXACT("via", W_VIA),
	EXACT("from", W_UNSUPPORTED), EXACT("tos", W_UNSUPPORTED),
	PREFIX("dsfield", W_UNSUPPORTED), EXACT("expires", W_UNSUPPORTED),
	PREFIX("metric", W_METRIC), PREFIX("priority", W_METRIC),
	EXACT("preference", W_METRIC), EXACT("scope", W_SCOPE),
	EXACT("mtu", W_UNSUPPORTED), EXACT("hoplimit", W_UNSUPPORTED),
	EXACT("advmss", W_UNSUPPORTED), PREFIX("reordering", W_UNSUPPORTED),
	EXACT("rtt", W_UNSUPPORTED), EXACT("rto_min", W_UNSUPPORTED),
	PREFIX("window", W_UNSUPPORTED), PREFIX("cwnd", W_UNSUPPORTED),
	PREFIX("initcwnd", W_UNSUPPORTED), PREFIX("initrwnd", W_UNSUPPORTED),
	PREFIX("features", W_UNSUPPORTED), PREFIX("quickack", W_UNSUPPORTED),
	PREFIX("congctl", W_UNSUPPORTED), PREFIX("rttvar", W_UNSUPPORTED),
	PREFIX("ssthresh", W_UNSUPPORTED), PREFIX("realms", W_UNSUPPORTED),
	EXACT("onlink", W_UNSUPPORTED), EXACT("nexthop", W_UNSUPPORTED),
	EXACT("nhid", W_UNSUPPORTED), PREFIX("protocol", W_PROTO),
	PREFIX("table", W_TABLE), PREFIX("vrf", W_UNSUPPORTED),
	EXACT("dev", W_DEV), EXACT("oif", W_DEV),
	PREFIX("pref", W_UNSUPPORTED), EXACT("encap", W_UNSUPPORTED),
	EXACT("ttl-propagate", W_UNSUPPORTED),
	PREFIX("fastopen_no_cookie", W_UNSUPPORTED), EXACT("to", W_TO),
};

/* Route types, numbered as enum nfu_rtn_type; 0 for those nfu does not
 * have.  In iproute2's order, for the abbreviations ("u" is unreachable,
 * "any" is anycast). */
static const struct {
	const char *name;
	bool abbrev;
	uint8_t type;
} route_types[] = {
	{ "local", false, NFU_RTN_LOCAL },
	{ "nat", false, 0 },
	{ "broadcast", true, NFU_RTN_BROADCAST },
	{ "brd", false, NFU_RTN_BROADCAST },
	{ "anycast", true, 0 },
	{ "multicast", true, 0 },
	{ "prohibit", true, NFU_RTN_PROHIBIT },
	{ "unreachable", true, NFU_RTN_UNREACHABLE },
	{ "blackhole", true, NFU_RTN_BLACKHOLE },
	{ "xresolve", true, 0 },
	{ "unicast", true, NFU_RTN_UNICAST },
	{ "throw", false, 0 },
};

static const char *route_type_name(uint8_t type)
{
	for (size_t i = 0; i < NKW(route_types); i++)
		if (route_types[i].type == type)
			return route_types[i].name;
	return "?";
}

/* The route type word 'w' names, or -1 when it names none.  0 for the
 * types nfu does not have. */
static int route_type(const char *w)
{
	/* iproute2 takes a word starting with a digit for the prefix. */
	if (*w >= '0' && *w <= '9')
		return -1;
	for (size_t i = 0; i < NKW(route_types); i++)
		if (route_types[i].abbrev ? is_prefix(w, route_types[i].name)
					  : !strcmp(w, route_types[i].name))
			return route_types[i].type;
	return -1;
}

/* rt_scopes and rt_protos as iproute2 installs them. */
static const struct {
	const char *name;
	uint8_t value;
} scope_names[] = {
	{ "global", NFU_RT_SCOPE_UNIVERSE }, { "site", 200 },
	{ "link", NFU_RT_SCOPE_LINK }, { "host", NFU_RT_SCOPE_HOST },
	{ "nowhere", NFU_RT_SCOPE_NOWHERE },
};

static const char *const proto_names[] = {
	"unspec", "redirect", "kernel", "boot", "static", "gated", "ra",
	"mrt", "zebra", "bird", "dnrouted", "xorp", "ntk", "dhcp",
	"keepalived", "babel", "openr", "bgp", "isis", "ospf", "rip", "eigrp",
};

static int parse_scope(const char *w, uint8_t *scope)
{
	uint32_t v;

	for (size_t i = 0; i < NKW(scope_names); i++) {
		if (!strcmp(w, scope_names[i].name)) {
			*scope = scope_names[i].value;
			return 0;
		}
	}
	if (parse_uint(w, 255, &v))
		return -EINVAL;
	*scope = (uint8_t)v;
	return 0;
}

static bool proto_ok(const char *w)
{
	uint32_t v;

	for (size_t i = 0; i < NKW(proto_names); i++)
		if (!strcmp(w, proto_names[i]))
			return true;
	return parse_uint(w, 255, &v) == 0;
}

/* Table 0 ("unspec") is main, as Linux makes it; nfu has main and local
 * only. */
static int parse_table(const struct line *l, unsigned int i, uint8_t *table)
{
	const char *w = l->w[i];
	uint32_t v;

	if (!strcmp(w, "main") || !strcmp(w, "unspec"))
		v = NFU_RT_TABLE_MAIN;
	else if (!strcmp(w, "local"))
		v = NFU_RT_TABLE_LOCAL;
	else if (!strcmp(w, "default"))
		v = 253;
	else if (parse_uint(w, UINT32_MAX, &v))
		return fail(l, i, -EINVAL, "invalid table `%s'", w);
	if (v == 0)
		v = NFU_RT_TABLE_MAIN;
	if (v != NFU_RT_TABLE_MAIN && v != NFU_RT_TABLE_LOCAL)
		return fail(l, i, -EINVAL,
			    "unsupported table `%s' (only main and local)", w);
	*table = (uint8_t)v;
	return 0;
}

/* Where each part of the route is, by word; 0 when absent.  'via' is the
 * word after "via" (maybe "inet"), 'gw' the gateway's. */
struct route_words {
	unsigned int dst, via, gw, dev, src, metric, scope, table, proto;
};

static int ip_route_add(const struct line *l, unsigned int i,
			unsigned int verb)
{
	struct route_words at = { 0 };
	struct nfu_route rt = { .type = NFU_RTN_UNICAST };
	const char *tname;
	int type, rc;

	for (; i < l->n; i++) {
		enum word k = lookup(route_keywords, NKW(route_keywords),
				     l->w[i], NULL);
		unsigned int *seen = NULL;

		switch (k) {
		case W_SRC: seen = &at.src; break;
		case W_VIA: seen = &at.via; break;
		case W_METRIC: seen = &at.metric; break;
		case W_SCOPE: seen = &at.scope; break;
		case W_PROTO: seen = &at.proto; break;
		case W_TABLE: seen = &at.table; break;
		case W_DEV: seen = &at.dev; break;
		default: break;
		}
		if (seen) {
			if (*seen)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			*seen = i;
		}

		switch (k) {
		case W_SRC:
			if (parse_ipv4(l->w[i], &rt.prefsrc))
				return fail(l, i, -EINVAL, "invalid address `%s'",
					    l->w[i]);
			break;
		case W_VIA:
			/* 'via inet ADDR': iproute2 takes a family first. */
			if (!strcmp(l->w[i], "inet") && !value(l, &i))
				return -EINVAL;
			at.gw = i;
			if (parse_ipv4(l->w[i], &rt.gateway))
				return fail(l, i, -EINVAL, "invalid address `%s'",
					    l->w[i]);
			break;
		case W_METRIC:
			if (parse_uint(l->w[i], UINT32_MAX, &rt.metric))
				return fail(l, i, -EINVAL, "invalid metric `%s'",
					    l->w[i]);
			break;
		case W_SCOPE:
			if (parse_scope(l->w[i], &rt.scope))
				return fail(l, i, -EINVAL, "invalid scope `%s'",
					    l->w[i]);
			break;
		case W_PROTO:
			/* Who installed the route: nothing in nfu reads it. */
			if (!proto_ok(l->w[i]))
				return fail(l, i, -EINVAL, "invalid protocol `%s'",
					    l->w[i]);
			break;
		case W_TABLE:
			rc = parse_table(l, i, &rt.table);
			if (rc)
				return rc;
			break;
		case W_DEV:
			rc = dev_word(l, i);
			if (rc)
				return rc;
			break;
		case W_UNSUPPORTED:
			return fail(l, i, -EINVAL,
				    "unsupported keyword `%s' in ip route",
				    l->w[i]);
		case W_TO:
			if (!value(l, &i))
				return -EINVAL;
			/* fall through */
		default:
			/* [to] [TYPE] PREFIX, as iproute2 reads a word that
			 * is no keyword. */
			if (at.dst)
				return fail(l, i, -EINVAL,
					    "unknown keyword `%s' in ip route",
					    l->w[i]);
			type = route_type(l->w[i]);
			if (type == 0)
				return fail(l, i, -EINVAL,
					    "unsupported route type `%s'",
					    l->w[i]);
			if (type > 0) {
				rt.type = (uint8_t)type;
				if (!value(l, &i))
					return -EINVAL;
			} else if (!(l->w[i][0] >= '0' && l->w[i][0] <= '9') &&
				   strcmp(l->w[i], "default") &&
				   strcmp(l->w[i], "all")) {
				return fail(l, i, -EINVAL,
					    "unknown keyword `%s' in ip route",
					    l->w[i]);
			}
			at.dst = i;
			if (parse_prefix(l->w[i], true, &rt.dst, &rt.plen))
				return fail(l, i, -EINVAL, "invalid prefix `%s'",
					    l->w[i]);
			break;
		}
	}
	if (!at.dst)
		return fail(l, verb, -EINVAL,
			    "missing destination in ip route add");
	if (rt.dst & ~plen_mask(rt.plen))
		return fail(l, at.dst, -EINVAL,
			    "invalid prefix for given prefix length `%s'",
			    l->w[at.dst]);

	tname = route_type_name(rt.type);
	switch (rt.type) {
	case NFU_RTN_BLACKHOLE:
	case NFU_RTN_UNREACHABLE:
	case NFU_RTN_PROHIBIT:
		/* Linux: "Gateway, device and multipath can not be
		 * specified for this route type". */
		if (at.via || at.dev) {
			unsigned int w = at.via ? at.via : at.dev;

			return fail(l, w - 1, -EINVAL,
				    "`%s' cannot be used with a %s route",
				    l->w[w - 1], tname);
		}
		break;
	default:
		if (!at.via && !at.dev)
			return fail(l, at.dst, -EINVAL,
				    "missing `dev' or `via' for route `%s'",
				    l->w[at.dst]);
		break;
	}

	/* iproute2's defaults: local and broadcast routes go to the local
	 * table; the scope is host for local routes, link for broadcast
	 * ones and for unicast ones without a gateway, universe otherwise. */
	if (!at.table)
		rt.table = rt.type == NFU_RTN_LOCAL || rt.type == NFU_RTN_BROADCAST
				   ? NFU_RT_TABLE_LOCAL
				   : NFU_RT_TABLE_MAIN;
	if (!at.scope) {
		if (rt.type == NFU_RTN_LOCAL)
			rt.scope = NFU_RT_SCOPE_HOST;
		else if (rt.type == NFU_RTN_BROADCAST)
			rt.scope = NFU_RT_SCOPE_LINK;
		else if (rt.type == NFU_RTN_UNICAST && !at.via)
			rt.scope = NFU_RT_SCOPE_LINK;
		else
			rt.scope = NFU_RT_SCOPE_UNIVERSE;
	}

	/* Linux refuses a preferred source that is not the host's, except
	 * the local route of that very address. */
	if (at.src && !(rt.type == NFU_RTN_LOCAL && rt.prefsrc == rt.dst) &&
	    !nfu_addr_is_local(l->net, rt.prefsrc))
		return fail(l, at.src, -EINVAL,
			    "source address `%s' is not a local address",
			    l->w[at.src]);

	if (at.dev) {
		rc = dev_get(l, at.dev);
		if (rc < 0)
			return rc;
		rt.ifindex = rc;
	}
	rc = nfu_route_add(l->net, &rt);
	switch (rc) {
	case 0:
		return 0;
	case -EEXIST:
		return fail(l, at.dst, rc, "route `%s' exists", l->w[at.dst]);
	case -ENETUNREACH:
		if (at.via)
			return fail(l, at.gw, rc,
				    "route gateway %s is not on a connected network",
				    l->w[at.gw]);
		return fail(l, at.dst, rc, "route `%s': network unreachable",
			    l->w[at.dst]);
	case -EINVAL:
		return fail(l, at.dst, rc, "invalid route `%s'", l->w[at.dst]);
	default:
		return fail(l, at.dst, rc, "cannot add route `%s': %s",
			    l->w[at.dst], errmsg(rc));
	}
}

/*
 * ip neigh add|replace
 */

static const struct keyword neigh_keywords[] = {
	PREFIX("lladdr", W_LLADDR), EXACT("nud", W_NUD),
	PREFIX("proxy", W_UNSUPPORTED), EXACT("router", W_UNSUPPORTED),
	EXACT("use", W_UNSUPPORTED), EXACT("managed", W_UNSUPPORTED),
	PREFIX("extern_learn", W_UNSUPPORTED),
	EXACT("extern_valid", W_UNSUPPORTED), EXACT("dev", W_DEV),
	PREFIX("protocol", W_UNSUPPORTED), EXACT("to", W_TO),
};

/* The states of a neighbour entry that nfu's static table can stand for:
 * it neither ages nor probes.  Numbers are Linux's NUD_* bits. */
static int parse_nud(const struct line *l, unsigned int i)
{
	static const struct {
		const char *name;
		bool abbrev, ok;
		uint32_t bit;
	} states[] = {
		{ "permanent", true, true, 0x80 },
		{ "reachable", true, true, 0x02 },
		{ "noarp", false, true, 0x40 },
		{ "none", false, false, 0x00 },
		{ "stale", false, true, 0x04 },
		{ "incomplete", false, false, 0x01 },
		{ "delay", false, false, 0x08 },
		{ "probe", false, false, 0x10 },
		{ "failed", true, false, 0x20 },
	};
	const char *w = l->w[i];
	uint32_t v;
	size_t k;

	for (k = 0; k < NKW(states); k++)
		if (states[k].abbrev ? is_prefix(w, states[k].name)
				     : !strcmp(w, states[k].name))
			break;
	if (k == NKW(states)) {
		if (parse_uint(w, 0xff, &v) || v & (v - 1))
			return fail(l, i, -EINVAL, "invalid nud state `%s'", w);
		for (k = 0; states[k].bit != v; k++)
			;
	}
	if (!states[k].ok)
		return fail(l, i, -EINVAL, "unsupported nud state `%s'", w);
	return 0;
}

static int ip_neigh(const struct line *l, unsigned int i, unsigned int verb,
		    bool replace)
{
	unsigned int dev = 0, addr_w = 0, mac_w = 0, nud_w = 0;
	uint8_t mac[6], old[6];
	uint32_t addr = 0;
	int ifindex, rc;

	for (; i < l->n; i++) {
		switch (lookup(neigh_keywords, NKW(neigh_keywords), l->w[i],
			       NULL)) {
		case W_LLADDR:
			if (mac_w)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			mac_w = i;
			if (parse_mac(l->w[i], mac))
				return fail(l, i, -EINVAL,
					    "invalid MAC address `%s'", l->w[i]);
			break;
		case W_NUD:
			if (nud_w)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			nud_w = i;
			rc = parse_nud(l, i);
			if (rc)
				return rc;
			break;
		case W_DEV:
			if (dev)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			dev = i;
			rc = dev_word(l, dev);
			if (rc)
				return rc;
			break;
		case W_UNSUPPORTED:
			return fail(l, i, -EINVAL,
				    "unsupported keyword `%s' in ip neigh",
				    l->w[i]);
		case W_TO:
			if (addr_w)
				return duplicate(l, i);
			if (!value(l, &i))
				return -EINVAL;
			/* fall through */
		default:
			if (addr_w)
				return fail(l, i, -EINVAL,
					    "unknown keyword `%s' in ip neigh",
					    l->w[i]);
			addr_w = i;
			if (parse_ipv4(l->w[i], &addr))
				return fail(l, i, -EINVAL, "invalid address `%s'",
					    l->w[i]);
			break;
		}
	}
	if (!addr_w)
		return fail(l, verb, -EINVAL, "missing address in ip neigh %s",
			    replace ? "replace" : "add");
	if (!dev)
		return fail(l, verb, -EINVAL, "missing `dev' in ip neigh %s",
			    replace ? "replace" : "add");
	if (!mac_w)
		return fail(l, verb, -EINVAL, "missing `lladdr' in ip neigh %s",
			    replace ? "replace" : "add");

	ifindex = dev_get(l, dev);
	if (ifindex < 0)
		return ifindex;
	if (!replace && nfu_neigh_lookup(l->net, ifindex, addr, old) == 0)
		return fail(l, addr_w, -EEXIST, "neighbour `%s' exists on %s",
			    l->w[addr_w], l->w[dev]);
	rc = nfu_neigh_add(l->net, ifindex, addr, mac);
	if (rc == -EINVAL)
		return fail(l, addr_w, rc, "invalid neighbour address `%s'",
			    l->w[addr_w]);
	if (rc)
		return fail(l, addr_w, rc, "cannot add neighbour `%s': %s",
			    l->w[addr_w], errmsg(rc));
	return 0;
}

/*
 * ip
 */

/* ip's objects, in the order ip(8) tries them. */
static const struct keyword ip_objects[] = {
	PREFIX("address", W_ADDR), PREFIX("addrlabel", W_UNSUPPORTED),
	PREFIX("maddress", W_UNSUPPORTED), PREFIX("route", W_ROUTE),
	PREFIX("rule", W_UNSUPPORTED), PREFIX("neighbor", W_NEIGH),
	PREFIX("neighbour", W_NEIGH), PREFIX("ntable", W_UNSUPPORTED),
	PREFIX("ntbl", W_UNSUPPORTED), PREFIX("link", W_LINK),
	PREFIX("l2tp", W_UNSUPPORTED), PREFIX("fou", W_UNSUPPORTED),
	PREFIX("ila", W_UNSUPPORTED), PREFIX("macsec", W_UNSUPPORTED),
	PREFIX("tunnel", W_UNSUPPORTED), PREFIX("tunl", W_UNSUPPORTED),
	PREFIX("tuntap", W_UNSUPPORTED), PREFIX("tap", W_UNSUPPORTED),
	PREFIX("token", W_UNSUPPORTED), PREFIX("tcpmetrics", W_UNSUPPORTED),
	PREFIX("tcp_metrics", W_UNSUPPORTED), PREFIX("monitor", W_UNSUPPORTED),
	PREFIX("xfrm", W_UNSUPPORTED), PREFIX("mroute", W_UNSUPPORTED),
	PREFIX("mrule", W_UNSUPPORTED), PREFIX("netns", W_UNSUPPORTED),
	PREFIX("netconf", W_UNSUPPORTED), PREFIX("vrf", W_UNSUPPORTED),
	PREFIX("sr", W_UNSUPPORTED), PREFIX("nexthop", W_UNSUPPORTED),
	PREFIX("mptcp", W_UNSUPPORTED), PREFIX("ioam", W_UNSUPPORTED),
	PREFIX("help", W_UNSUPPORTED), PREFIX("stats", W_UNSUPPORTED),
};

/* Each object's commands, in the order its parser tries them. */
static const struct keyword addr_cmds[] = {
	PREFIX("add", W_ADD), PREFIX("change", W_UNSUPPORTED),
	EXACT("chg", W_UNSUPPORTED), PREFIX("replace", W_UNSUPPORTED),
	PREFIX("delete", W_DEL), PREFIX("list", W_UNSUPPORTED),
	PREFIX("show", W_UNSUPPORTED), PREFIX("lst", W_UNSUPPORTED),
	PREFIX("flush", W_UNSUPPORTED), PREFIX("save", W_UNSUPPORTED),
	PREFIX("showdump", W_UNSUPPORTED), PREFIX("restore", W_UNSUPPORTED),
	PREFIX("help", W_UNSUPPORTED),
};

static const struct keyword route_cmds[] = {
	PREFIX("add", W_ADD), PREFIX("change", W_UNSUPPORTED),
	EXACT("chg", W_UNSUPPORTED), PREFIX("replace", W_UNSUPPORTED),
	PREFIX("prepend", W_UNSUPPORTED), PREFIX("append", W_UNSUPPORTED),
	PREFIX("test", W_UNSUPPORTED), PREFIX("delete", W_UNSUPPORTED),
	PREFIX("list", W_UNSUPPORTED), PREFIX("show", W_UNSUPPORTED),
	PREFIX("lst", W_UNSUPPORTED), PREFIX("get", W_UNSUPPORTED),
	PREFIX("flush", W_UNSUPPORTED), PREFIX("save", W_UNSUPPORTED),
	PREFIX("restore", W_UNSUPPORTED), PREFIX("showdump", W_UNSUPPORTED),
	PREFIX("help", W_UNSUPPORTED),
};

static const struct keyword neigh_cmds[] = {
	PREFIX("add", W_ADD), PREFIX("change", W_UNSUPPORTED),
	EXACT("chg", W_UNSUPPORTED), PREFIX("replace", W_REPLACE),
	PREFIX("delete", W_UNSUPPORTED), PREFIX("get", W_UNSUPPORTED),
	PREFIX("show", W_UNSUPPORTED), PREFIX("lst", W_UNSUPPORTED),
	PREFIX("list", W_UNSUPPORTED), PREFIX("flush", W_UNSUPPORTED),
	PREFIX("help", W_UNSUPPORTED),
};

static const struct keyword link_cmds[] = {
	PREFIX("add", W_ADD), PREFIX("set", W_SET), PREFIX("change", W_SET),
	PREFIX("replace", W_UNSUPPORTED), PREFIX("delete", W_UNSUPPORTED),
	PREFIX("show", W_UNSUPPORTED), PREFIX("lst", W_UNSUPPORTED),
	PREFIX("list", W_UNSUPPORTED), PREFIX("xstats", W_UNSUPPORTED),
	PREFIX("afstats", W_UNSUPPORTED), PREFIX("property", W_UNSUPPORTED),
	PREFIX("help", W_UNSUPPORTED),
};

static int cmd_ip(const struct line *l)
{
	const struct keyword *cmds = NULL;
	const char *object = NULL;
	unsigned int i = 1, obj_w;
	enum word obj, cmd;
	size_t ncmds = 0;

	/* Options: IPv4 is the only family, so -4 changes nothing. */
	for (; i < l->n && l->w[i][0] == '-'; i++)
		if (strcmp(l->w[i], "-4"))
			return fail(l, i, -EINVAL, "unsupported option `%s' in ip",
				    l->w[i]);
	if (i >= l->n)
		return fail(l, i - 1, -EINVAL, "missing object after `%s'",
			    l->w[i - 1]);
	obj_w = i;
	obj = lookup(ip_objects, NKW(ip_objects), l->w[i], &object);
	switch (obj) {
	case W_ADDR: cmds = addr_cmds; ncmds = NKW(addr_cmds); break;
	case W_ROUTE: cmds = route_cmds; ncmds = NKW(route_cmds); break;
	case W_NEIGH: cmds = neigh_cmds; ncmds = NKW(neigh_cmds); break;
	case W_LINK: cmds = link_cmds; ncmds = NKW(link_cmds); break;
	case W_UNSUPPORTED:
		return fail(l, i, -EINVAL, "unsupported object `%s' in ip",
			    l->w[i]);
	default:
		return fail(l, i, -EINVAL, "unknown object `%s' in ip", l->w[i]);
	}
	/* "neighbor" and "neighbour" are one object. */
	if (obj == W_NEIGH)
		object = "neigh";

	if (++i >= l->n)
		return fail(l, obj_w, -EINVAL, "missing command after `%s'",
			    l->w[obj_w]);
	cmd = lookup(cmds, ncmds, l->w[i], NULL);
	if (cmd == W_UNSUPPORTED)
		return fail(l, i, -EINVAL,
			    "unsupported command `%s' in ip %s (a topology only adds)",
			    l->w[i], object);
	if (cmd == W_NONE)
		return fail(l, i, -EINVAL, "unknown command `%s' in ip %s",
			    l->w[i], object);
	switch (obj) {
	case W_ADDR:
		if (cmd == W_DEL)
			return ip_addr_del(l, i + 1, i);
		return ip_addr_add(l, i + 1, i);
	case W_ROUTE:
		return ip_route_add(l, i + 1, i);
	case W_NEIGH:
		return ip_neigh(l, i + 1, i, cmd == W_REPLACE);
	default:
		return ip_link(l, i + 1, i, cmd == W_ADD);
	}
}

/*
 * sysctl
 */

/* 'sysctl [-w] NAME=VALUE…'.  As sysctl(8), a name may use '/' for '.'
 * (net/ipv4/ip_forward); nfu's names are dotted. */
static int cmd_sysctl(const struct line *l)
{
	unsigned int i, nset = 0;
	char name[256];
	int rc;

	/* Check every word first: a line is applied whole or not at all. */
	for (i = 1; i < l->n; i++) {
		const char *eq = strchr(l->w[i], '=');

		if (!strcmp(l->w[i], "-w"))
			continue;
		if (l->w[i][0] == '-')
			return fail(l, i, -EINVAL,
				    "unsupported option `%s' in sysctl", l->w[i]);
		if (!eq || eq == l->w[i])
			return fail(l, i, -EINVAL,
				    "`%s' must be of the form NAME=VALUE",
				    l->w[i]);
		nset++;
	}
	if (!nset)
		return fail(l, l->n - 1, -EINVAL,
			    "missing NAME=VALUE after `%s'", l->w[l->n - 1]);

	for (i = 1; i < l->n; i++) {
		char *eq = strchr(l->w[i], '=');
		size_t n;

		if (!eq)
			continue;
		n = (size_t)(eq - l->w[i]);
		if (n >= sizeof(name))
			n = sizeof(name) - 1; /* no such sysctl: it will say so */
		memcpy(name, l->w[i], n);
		name[n] = '\0';
		for (char *p = name; *p; p++)
			if (*p == '/')
				*p = '.';
		rc = nfu_sysctl_set(l->net, name, eq + 1);
		if (rc == -ENOENT)
			return fail(l, i, rc, "unknown sysctl `%.*s'",
				    (int)(eq - l->w[i]), l->w[i]);
		if (rc == -EINVAL)
			return fail_at(l, l->col[i] + (unsigned int)(eq - l->w[i]) + 1, rc,
				       "invalid value `%s' for %.*s", eq + 1,
				       (int)(eq - l->w[i]), l->w[i]);
		if (rc)
			return fail(l, i, rc, "cannot set `%.*s': %s",
				    (int)(eq - l->w[i]), l->w[i], errmsg(rc));
	}
	return 0;
}

/*
 * The text
 */

/* Cuts the line [s, s + len) into words, in place: a word ends at white
 * space, a word starting with '#' starts a comment (as in sh(1), "a#b" is
 * one word). */
static int split(struct line *l, char *s, size_t len)
{
	size_t k = 0;

	l->n = 0;
	l->end_col = 1;
	while (k < len) {
		unsigned char c = (unsigned char)s[k];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' ||
		    c == '\f') {
			s[k++] = '\0';
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return fail_at(l, (unsigned int)k + 1, -EINVAL,
				       "invalid character 0x%02x", c);
		if (c == '#' && (k == 0 || s[k - 1] == '\0'))
			break;
		if (k == 0 || s[k - 1] == '\0') {
			if (l->n == MAX_WORDS)
				return fail_at(l, (unsigned int)k + 1, -EINVAL,
					       "too many words (at most %d)",
					       MAX_WORDS);
			l->w[l->n] = s + k;
			l->col[l->n] = (unsigned int)k + 1;
			l->n++;
		}
		k++;
		l->end_col = (unsigned int)k + 1;
	}
	/* end the last word (s[len] is the line's '\n' or the copy's NUL) */
	s[k < len ? k : len] = '\0';
	return 0;
}

/* One line (no newline in it) applied to 'net'. */
static int apply_line(struct line *l, char *s, size_t len)
{
	int rc = split(l, s, len);

	if (rc || l->n == 0)
		return rc;
	if (!strcmp(l->w[0], "ip"))
		return cmd_ip(l);
	if (!strcmp(l->w[0], "sysctl"))
		return cmd_sysctl(l);
	return fail(l, 0, -EINVAL, "unknown command `%s'", l->w[0]);
}

/* Applies 'text' to 'net', line by line, stopping at the first error. */
static int apply(struct nfu_net *net, const char *text, size_t len,
		 const char *where, struct nfu_error *err)
{
	struct line l = { .net = net, .where = where, .err = err };
	char *copy, *s, *end;
	int rc = 0;

	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';

	for (s = copy; s <= copy + len && !rc; s = end + 1) {
		end = memchr(s, '\n', (size_t)(copy + len - s));
		if (!end)
			end = copy + len;
		l.no++;
		rc = apply_line(&l, s, (size_t)(end - s));
	}
	free(copy);
	return rc;
}

/* A stack with the devices of 'net' (names, MAC, MTU, up), for the dry
 * run to see the names 'net' has: a sysctl of a device the application
 * created, 'ip link add' of one that exists. */
static struct nfu_net *scratch_new(const struct nfu_net *net)
{
	struct nfu_net *s = nfu_net_new();
	unsigned int left = nfu_dev_count(net);

	if (!s)
		return NULL;
	for (int i = 1; left > 0 && i < 65536; i++) {
		const struct nfu_dev *d = nfu_dev_by_index(net, i);
		const struct nfu_dev *sd;
		int idx;

		if (!d)
			continue;
		left--;
		sd = nfu_dev_by_name(s, d->name);
		idx = sd ? sd->ifindex : nfu_dev_add(s, d->name);
		if (idx < 0)
			goto err;
		/* What 'net' allows, the copy allows: errors are ignored. */
		nfu_dev_set_mac(s, idx, d->mac);
		nfu_dev_set_mtu(s, idx, d->mtu);
		nfu_dev_set_up(s, idx, d->up);
	}
	return s;
err:
	nfu_net_free(s);
	return NULL;
}

/*
 * The text is applied first to a scratch stack, then, only if every line
 * succeeded there, to 'net'.  The scratch stack has 'net's devices but
 * not its addresses, routes or neighbours (the API cannot list them), so
 * a text that conflicts with what 'net' already holds (an address or a
 * route that exists) or that needs it (a gateway reachable only through
 * an address added before) can pass the dry run and fail on 'net' or fail
 * the dry run: loaded into a fresh stack, a text that fails leaves it
 * unchanged.
 */
int nfu_topology_load(struct nfu_net *net, const char *text, size_t len,
		      const char *name, struct nfu_error *err)
{
	struct nfu_net *scratch;
	const char *where = name ? name : "<string>";
	int rc;

	assert(net && (text || !len));
	if (err)
		memset(err, 0, sizeof(*err));

	scratch = scratch_new(net);
	if (!scratch) {
		nfu_error_set(err, where, 0, 0, "out of memory");
		return -ENOMEM;
	}
	rc = apply(scratch, text, len, where, err);
	if (rc)
		goto out;
	rc = apply(net, text, len, where, err);
out:
	if (rc == -ENOMEM && err && !err->msg[0])
		nfu_error_set(err, where, 0, 0, "out of memory");
	nfu_net_free(scratch);
	return rc;
}

int nfu_topology_exec(struct nfu_net *net, const char *line, size_t len,
		      const char *name, unsigned int lineno,
		      struct nfu_error *err)
{
	struct line l = { .net = net, .where = name ? name : "<string>",
			  .err = err, .no = lineno };
	char *copy;
	int rc;

	assert(net && (line || !len));
	if (err)
		memset(err, 0, sizeof(*err));
	if (memchr(line, '\n', len)) {
		nfu_error_set(err, l.where, lineno, 0,
			      "one line expected, found a newline");
		return -EINVAL;
	}
	copy = malloc(len + 1);
	if (!copy) {
		nfu_error_set(err, l.where, lineno, 0, "out of memory");
		return -ENOMEM;
	}
	if (len)
		memcpy(copy, line, len);
	copy[len] = '\0';
	rc = apply_line(&l, copy, len);
	free(copy);
	if (rc == -ENOMEM && err && !err->msg[0])
		nfu_error_set(err, l.where, lineno, 0, "out of memory");
	return rc;
}

int nfu_topology_load_file(struct nfu_net *net, const char *path,
			   struct nfu_error *err)
{
	char *buf = NULL, *bigger;
	size_t len = 0, cap = 0, n;
	FILE *f;
	int rc;

	if (err)
		memset(err, 0, sizeof(*err));
	f = fopen(path, "rb");
	if (!f) {
		rc = -errno;
		nfu_error_set(err, path, 0, 0, "cannot open `%s': %s", path,
			      strerror(-rc));
		return rc;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if (cap > MAX_FILE_SIZE) {
				rc = -EFBIG;
				nfu_error_set(err, path, 0, 0,
					      "`%s' is larger than %u bytes",
					      path, MAX_FILE_SIZE);
				goto out;
			}
			bigger = realloc(buf, cap);
			if (!bigger) {
				rc = -ENOMEM;
				nfu_error_set(err, path, 0, 0, "out of memory");
				goto out;
			}
			buf = bigger;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		rc = errno ? -errno : -EIO;
		nfu_error_set(err, path, 0, 0, "cannot read `%s': %s", path,
			      strerror(-rc));
		goto out;
	}
	rc = nfu_topology_load(net, buf, len, path, err);
out:
	free(buf);
	fclose(f);
	return rc;
}
