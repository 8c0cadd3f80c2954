/* SPDX-License-Identifier: MIT */
/*
 * Sysctls by name, as sysctl(8) writes them under /proc/sys/net/ipv4.
 * Values are parsed as Linux's proc_dointvec does (optional sign, decimal),
 * with the ranges Linux enforces where it enforces one.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/ct-private.h"
#include "ipv4/ipv4-private.h"

struct sysctl_int {
	const char *name;
	size_t off;
	long min, max;
};

#define IPV4_INT(n, field, lo, hi)                                           \
	{ n, offsetof(struct nfu_ipv4_net, field), lo, hi }

static const struct sysctl_int ipv4_ints[] = {
	IPV4_INT("ip_default_ttl", ip_default_ttl, 1, 255),
	IPV4_INT("icmp_echo_ignore_all", icmp_echo_ignore_all, 0, 1),
	IPV4_INT("icmp_echo_ignore_broadcasts", icmp_echo_ignore_broadcasts,
		 0, 1),
	IPV4_INT("icmp_ignore_bogus_error_responses",
		 icmp_ignore_bogus_error_responses, 0, 1),
	IPV4_INT("icmp_ratelimit", icmp_ratelimit, 0, INT_MAX),
	IPV4_INT("icmp_ratemask", icmp_ratemask, INT_MIN, INT_MAX),
	IPV4_INT("icmp_msgs_per_sec", icmp_msgs_per_sec, 0, INT_MAX),
	IPV4_INT("icmp_msgs_burst", icmp_msgs_burst, 0, INT_MAX),
	IPV4_INT("icmp_errors_use_inbound_ifaddr",
		 icmp_errors_use_inbound_ifaddr, 0, 1),
	/* proc_dointvec_jiffies: seconds, at most INT_MAX / HZ either way
	 * (HZ 250, as the reference kernel) */
	IPV4_INT("ipfrag_time", ipfrag_time, -(INT_MAX / 250), INT_MAX / 250),
	IPV4_INT("ipfrag_max_dist", ipfrag_max_dist, 0, INT_MAX),
};

/* Linux's unsigned long sysctls (proc_doulongvec_minmax) whose bounds are
 * other sysctls: ipfrag_high_thresh may not go below ipfrag_low_thresh,
 * nor ipfrag_low_thresh above ipfrag_high_thresh.  Linux takes values up
 * to ULONG_MAX and compares them as longs; nfu stops at LONG_MAX, so that
 * nfu_sysctl_get can return every value. */
struct sysctl_long {
	const char *name;
	size_t off;
	size_t min_off, max_off; /* NO_BOUND: none */
};

#define NO_BOUND ((size_t)-1)
#define IPV4_LONG(n, field, lo, hi)                                          \
	{ n, offsetof(struct nfu_ipv4_net, field), lo, hi }

static const struct sysctl_long ipv4_longs[] = {
	IPV4_LONG("ipfrag_high_thresh", ipfrag_high_thresh,
		  offsetof(struct nfu_ipv4_net, ipfrag_low_thresh), NO_BOUND),
	IPV4_LONG("ipfrag_low_thresh", ipfrag_low_thresh, NO_BOUND,
		  offsetof(struct nfu_ipv4_net, ipfrag_high_thresh)),
};

#define CONF_INT(n, field) { n, offsetof(struct nfu_devconf, field), INT_MIN, INT_MAX }

static const struct sysctl_int conf_ints[] = {
	CONF_INT("forwarding", forwarding),
	CONF_INT("rp_filter", rp_filter),
	CONF_INT("accept_local", accept_local),
	CONF_INT("route_localnet", route_localnet),
	CONF_INT("send_redirects", send_redirects),
	CONF_INT("log_martians", log_martians),
	CONF_INT("accept_source_route", accept_source_route),
};

static int parse_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end || v < min || v > max)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static const struct sysctl_int *find(const struct sysctl_int *t, size_t n,
				     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Linux's inet_forward_change(): ip_forward and conf.all.forwarding set
 * every device's forwarding and the default. */
static void forward_change(struct nfu_net *net, int on)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);

	in->ip_forward = on;
	in->conf_all.forwarding = on;
	in->conf_default.forwarding = on;
	for (unsigned int i = 1; i <= net->ndevs; i++)
		in->conf[i].forwarding = on;
}

/* Splits "net.ipv4.conf.DEV.KEY" (dots or slashes); the device name may
 * itself hold dots when written with slashes, as sysctl(8) allows. */
static struct nfu_devconf *conf_of(struct nfu_net *net, const char *name,
				   const char **key, int *ifindex)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	const char *dev = name, *dot = strrchr(name, '.');
	char devname[NFU_IFNAMSIZ];
	size_t len;
	struct nfu_dev *d;

	if (!dot)
		return NULL;
	*key = dot + 1;
	len = (size_t)(dot - dev);
	if (len == 0 || len >= sizeof(devname))
		return NULL;
	memcpy(devname, dev, len);
	devname[len] = 0;
	for (char *c = devname; *c; c++)
		if (*c == '/')
			*c = '.';
	*ifindex = 0;
	if (!strcmp(devname, "all"))
		return &in->conf_all;
	if (!strcmp(devname, "default"))
		return &in->conf_default;
	d = nfu_dev_by_name(net, devname);
	if (!d)
		return NULL;
	*ifindex = d->ifindex;
	return &in->conf[d->ifindex];
}

static void normalise(const char *name, char *out, size_t len)
{
	size_t i;

	/* sysctl(8): with '/' as separator, '.' is part of a name. */
	bool slashes = strchr(name, '/') != NULL;
	for (i = 0; name[i] && i + 1 < len; i++) {
		char c = name[i];
		if (slashes)
			c = c == '/' ? '.' : (c == '.' ? '/' : c);
		out[i] = c;
	}
	out[i] = 0;
}

/* proc_doulongvec_minmax's syntax: no sign, decimal. */
static int parse_ulong(const char *s, long *out)
{
	unsigned long long v;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > LONG_MAX)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	*out = (long)v;
	return 0;
}

/* net.netfilter.KEY: lib/conntrack's (nfu_ct_sysctl_set/get); 'key' gets
 * KEY. */
static bool netfilter_key(const char *raw, char *key, size_t len)
{
	char name[256];

	normalise(raw, name, sizeof(name));
	if (strncmp(name, "net.netfilter.", 14))
		return false;
	snprintf(key, len, "%s", name + 14);
	return true;
}

static const struct sysctl_long *find_long(const char *raw)
{
	char name[256];

	normalise(raw, name, sizeof(name));
	if (strncmp(name, "net.ipv4.", 9))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(ipv4_longs); i++)
		if (!strcmp(ipv4_longs[i].name, name + 9))
			return &ipv4_longs[i];
	return NULL;
}

static long *long_at(const struct nfu_net *net, size_t off)
{
	return (long *)((char *)nfu_ipv4(net) + off);
}

static int set_long(struct nfu_net *net, const struct sysctl_long *d,
		    const char *value)
{
	long v;
	int err = parse_ulong(value, &v);

	if (err)
		return err;
	if ((d->min_off != NO_BOUND && v < *long_at(net, d->min_off)) ||
	    (d->max_off != NO_BOUND && v > *long_at(net, d->max_off)))
		return -EINVAL;
	*long_at(net, d->off) = v;
	return 0;
}

static int lookup(struct nfu_net *net, const char *raw, int **slot,
		  const struct sysctl_int **desc, int *kind)
{
	struct nfu_ipv4_net *in = nfu_ipv4(net);
	char name[256];
	const char *p, *key;
	int ifindex;

	normalise(raw, name, sizeof(name));
	if (strncmp(name, "net.ipv4.", 9))
		return -ENOENT;
	p = name + 9;
	if (!strcmp(p, "ip_forward")) {
		static const struct sysctl_int fwd = { "ip_forward", 0,
						       INT_MIN, INT_MAX };
		*slot = &in->ip_forward;
		*desc = &fwd;
		*kind = 1;
		return 0;
	}
	if (!strncmp(p, "conf.", 5)) {
		struct nfu_devconf *c = conf_of(net, p + 5, &key, &ifindex);
		const struct sysctl_int *d;

		if (!c)
			return -ENOENT;
		d = find(conf_ints, ARRAY_SIZE(conf_ints), key);
		if (!d)
			return -ENOENT;
		*slot = (int *)((char *)c + d->off);
		*desc = d;
		*kind = (c == &in->conf_all && !strcmp(key, "forwarding")) ? 1 : 0;
		return 0;
	}
	*desc = find(ipv4_ints, ARRAY_SIZE(ipv4_ints), p);
	if (!*desc)
		return -ENOENT;
	*slot = (int *)((char *)in + (*desc)->off);
	*kind = 0;
	return 0;
}

int nfu_sysctl_set(struct nfu_net *net, const char *name, const char *value)
{
	const struct sysctl_long *l;
	const struct sysctl_int *d;
	char key[256];
	int *slot, kind, v, err;

	if (!name || !value)
		return -EINVAL;
	if (netfilter_key(name, key, sizeof(key)))
		return nfu_ct_sysctl_set(net, key, value);
	l = find_long(name);
	if (l)
		return set_long(net, l, value);
	err = lookup(net, name, &slot, &d, &kind);
	if (err)
		return err;
	err = parse_int(value, d->min, d->max, &v);
	if (err)
		return err;
	if (kind == 1)
		forward_change(net, v);
	else
		*slot = v;
	return 0;
}

int nfu_sysctl_get(const struct nfu_net *net, const char *name, long *value)
{
	const struct sysctl_long *l;
	const struct sysctl_int *d;
	char key[256];
	int *slot, kind, err;

	if (!name || !value)
		return -EINVAL;
	if (netfilter_key(name, key, sizeof(key)))
		/* the conntrack state is made on first use, as by a set */
		return nfu_ct_sysctl_get((struct nfu_net *)net, key, value);
	l = find_long(name);
	if (l) {
		*value = *long_at(net, l->off);
		return 0;
	}
	err = lookup((struct nfu_net *)net, name, &slot, &d, &kind);
	if (err)
		return err;
	*value = *slot;
	return 0;
}
