/* SPDX-License-Identifier: MIT */
/*
 * net.netfilter.nf_conntrack_* (Linux's nf_conntrack_standalone.c and the
 * trackers' tables), as a network namespace of Linux 6.18 sees them.
 *
 * Values are read as Linux's proc handlers read a write to the file
 * (checked by writing each form to /proc/sys/net/netfilter in a
 * namespace): white space first is skipped, then a number in C's bases
 * (10, 0x16, 010), then white space or the end; what follows a first
 * number is ignored ("5 6" sets 5).  No '+'; '-' only for the signed
 * ones.  An empty value changes nothing and succeeds; blanks alone are
 * -EINVAL.
 *   - booleans (proc_dou8vec_minmax, 0 or 1): checksum, acct, tcp_loose,
 *     tcp_be_liberal, tcp_ignore_invalid_rst;
 *   - bytes (proc_dou8vec_minmax, 0 to 255): tcp_max_retrans, log_invalid;
 *   - timeouts (proc_dointvec_jiffies): seconds, at most INT_MAX / HZ
 *     either way (HZ 250 on the reference kernel: 8589934); negative ones
 *     are taken, as Linux takes them;
 *   - max (proc_dointvec_minmax, 0 to INT_MAX) and expect_max (1 to
 *     INT_MAX).  A namespace of Linux 6.x cannot write them (they are the
 *     initial namespace's); nfu's stack is a whole host, so they are
 *     written as in the initial namespace;
 *   - count (connections alive) and buckets (the table's size, fixed when
 *     conntrack starts in nfu, as a namespace sees it) are read-only:
 *     -EACCES, as opening the file for writing fails.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/ct-private.h"

/* Linux's HZ on the reference kernel: the bound of the jiffies handler. */
#define HZ 250

enum kind {
	K_BOOL,      /* uint8_t, 0..1 */
	K_U8,        /* uint8_t, 0..255 */
	K_INT,       /* uint32_t holding min..INT_MAX */
	K_JIFFIES,   /* uint32_t holding a signed number of seconds */
	K_COUNT,     /* read-only: cn->count */
	K_BUCKETS,   /* read-only: the table's size */
};

struct ct_sysctl {
	const char *name;    /* after "nf_conntrack_" */
	enum kind kind;
	size_t off;          /* in struct nfu_ct_sysctl */
	long min;            /* K_INT */
};

#define S(n, k, field, lo) { n, k, offsetof(struct nfu_ct_sysctl, field), lo }
#define TCP_TIMEOUT(n, st)                                                   \
	{ "tcp_timeout_" n, K_JIFFIES,                                       \
	  offsetof(struct nfu_ct_sysctl, tcp_timeouts) +                     \
		  (st) * sizeof(uint32_t), 0 }

/* Linux 6.x's nf_conntrack_sctp_timeout_*: no heartbeat_acked any more
 * (its state is unused), and none for NONE, whose timeout is CLOSED's
 * default. */
#define SCTP_TIMEOUT(n, st)                                                  \
	{ "sctp_timeout_" n, K_JIFFIES,                                      \
	  offsetof(struct nfu_ct_sysctl, sctp_timeouts) +                    \
		  (st) * sizeof(uint32_t), 0 }

static const struct ct_sysctl table[] = {
	S("max", K_INT, max, 0),
	S("buckets", K_BUCKETS, buckets, 0),
	{ "count", K_COUNT, 0, 0 },
	S("checksum", K_BOOL, checksum, 0),
	S("acct", K_BOOL, acct, 0),
	S("tcp_loose", K_BOOL, tcp_loose, 0),
	S("tcp_be_liberal", K_BOOL, tcp_be_liberal, 0),
	S("tcp_ignore_invalid_rst", K_BOOL, tcp_ignore_invalid_rst, 0),
	S("tcp_max_retrans", K_U8, tcp_max_retrans, 0),
	S("log_invalid", K_U8, log_invalid, 0),
	TCP_TIMEOUT("syn_sent", NFU_CT_TCP_SYN_SENT),
	TCP_TIMEOUT("syn_recv", NFU_CT_TCP_SYN_RECV),
	TCP_TIMEOUT("established", NFU_CT_TCP_ESTABLISHED),
	TCP_TIMEOUT("fin_wait", NFU_CT_TCP_FIN_WAIT),
	TCP_TIMEOUT("close_wait", NFU_CT_TCP_CLOSE_WAIT),
	TCP_TIMEOUT("last_ack", NFU_CT_TCP_LAST_ACK),
	TCP_TIMEOUT("time_wait", NFU_CT_TCP_TIME_WAIT),
	TCP_TIMEOUT("close", NFU_CT_TCP_CLOSE),
	TCP_TIMEOUT("max_retrans", NFU_CT_TCP_RETRANS),
	TCP_TIMEOUT("unacknowledged", NFU_CT_TCP_UNACK),
	S("udp_timeout", K_JIFFIES, udp_timeout, 0),
	S("udp_timeout_stream", K_JIFFIES, udp_timeout_stream, 0),
	S("icmp_timeout", K_JIFFIES, icmp_timeout, 0),
	S("gre_timeout", K_JIFFIES, gre_timeout, 0),
	S("gre_timeout_stream", K_JIFFIES, gre_timeout_stream, 0),
	S("generic_timeout", K_JIFFIES, generic_timeout, 0),
	SCTP_TIMEOUT("closed", NFU_CT_SCTP_CLOSED),
	SCTP_TIMEOUT("cookie_wait", NFU_CT_SCTP_COOKIE_WAIT),
	SCTP_TIMEOUT("cookie_echoed", NFU_CT_SCTP_COOKIE_ECHOED),
	SCTP_TIMEOUT("established", NFU_CT_SCTP_ESTABLISHED),
	SCTP_TIMEOUT("shutdown_sent", NFU_CT_SCTP_SHUTDOWN_SENT),
	SCTP_TIMEOUT("shutdown_recd", NFU_CT_SCTP_SHUTDOWN_RECD),
	SCTP_TIMEOUT("shutdown_ack_sent", NFU_CT_SCTP_SHUTDOWN_ACK_SENT),
	SCTP_TIMEOUT("heartbeat_sent", NFU_CT_SCTP_HEARTBEAT_SENT),
	S("expect_max", K_INT, expect_max, 1),
};

static const struct ct_sysctl *find(const char *name)
{
	if (strncmp(name, "nf_conntrack_", 13))
		return NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, name + 13))
			return &table[i];
	return NULL;
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/*
 * Linux's proc_get_long(): the first number of 'value', its sign apart.
 * 1: got one; 0: empty value (nothing to do); -EINVAL.
 */
static int first_number(const char *value, unsigned long long *mag, bool *neg)
{
	const char *s = value;
	char *end;

	if (!*s)
		return 0;
	while (space(*s))
		s++;
	*neg = *s == '-';
	if (*neg)
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL; /* blanks alone, '+', '-' alone, a word */
	errno = 0;
	*mag = strtoull(s, &end, 0);
	if (errno)
		return -EINVAL;
	if (*end && *end != ' ' && *end != '\t' && *end != '\n')
		return -EINVAL; /* "1x", "08", "0x" */
	return 1;
}

int nfu_ct_sysctl_set(struct nfu_net *net, const char *name, const char *value)
{
	const struct ct_sysctl *d = find(name);
	struct nfu_ct_net *cn;
	unsigned long long mag;
	bool neg;
	void *slot;
	int rc;

	if (!d)
		return -ENOENT;
	if (d->kind == K_COUNT || d->kind == K_BUCKETS)
		return -EACCES;
	cn = nfu_ct_net(net);
	if (!cn)
		return -ENOMEM;
	rc = first_number(value, &mag, &neg);
	if (rc <= 0)
		return rc;
	slot = (char *)&cn->sysctl + d->off;
	switch (d->kind) {
	case K_BOOL:
	case K_U8:
		if (neg || mag > (d->kind == K_BOOL ? 1u : 255u))
			return -EINVAL;
		*(uint8_t *)slot = (uint8_t)mag;
		return 0;
	case K_INT:
		/* "-0" is 0, as Linux reads it */
		if ((neg && mag) || mag > INT_MAX || (long)mag < d->min)
			return -EINVAL;
		*(uint32_t *)slot = (uint32_t)mag;
		return 0;
	case K_JIFFIES:
		if (mag > INT_MAX / HZ)
			return -EINVAL;
		*(uint32_t *)slot = (uint32_t)(neg ? -(int32_t)mag : (int32_t)mag);
		return 0;
	case K_COUNT:
	case K_BUCKETS:
		break;
	}
	return -EACCES;
}

int nfu_ct_sysctl_get(struct nfu_net *net, const char *name, long *value)
{
	const struct ct_sysctl *d = find(name);
	struct nfu_ct_net *cn;
	const void *slot;

	if (!d)
		return -ENOENT;
	cn = nfu_ct_net(net);
	if (!cn)
		return -ENOMEM;
	slot = (const char *)&cn->sysctl + d->off;
	switch (d->kind) {
	case K_BOOL:
	case K_U8:
		*value = *(const uint8_t *)slot;
		break;
	case K_INT:
		*value = *(const uint32_t *)slot;
		break;
	case K_JIFFIES:
		*value = (int32_t)*(const uint32_t *)slot;
		break;
	case K_COUNT:
		*value = cn->count;
		break;
	case K_BUCKETS:
		*value = cn->nbuckets ? cn->nbuckets : cn->sysctl.buckets;
		break;
	}
	return 0;
}
