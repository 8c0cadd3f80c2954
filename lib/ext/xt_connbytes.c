/* SPDX-License-Identifier: MIT */
/*
 * xt_connbytes.c - the "connbytes" match: the packets, bytes or average
 * packet size of the packet's connection so far, in one direction or both,
 * within a range (Linux's xt_connbytes.c with struct xt_connbytes_info,
 * libxt_connbytes of iptables 1.8.9):
 *   [!] --connbytes from[:to]  --connbytes-dir original|reply|both
 *   --connbytes-mode packets|bytes|avgpkt                 (all three needed)
 *
 * Parsing is iptables 1.8.9's: --connbytes is libxtables' XTTYPE_UINT64RC
 * (a missing bound is 0 or 2^64-1, numbers in C notation, no sign) with
 * its messages, then "FROM should be less than TO"; '!' swaps the bounds,
 * which is how the kernel tells an inverted range (from > to).  Printing
 * shows a range whose end is 0 or 2^64-1 by its start alone, so that
 * "0:0" and "! 0:0" come back as "0" (from 0 to anything), as iptables
 * prints them.
 *
 * check() starts connection tracking and, as Linux ("Forcing CT
 * accounting to be enabled"), turns net.netfilter.nf_conntrack_acct on:
 * the counters are the connection's packets[] and bytes[], which the core
 * counts at conntrack (after the tracker took the packet: the current
 * packet is in them).  A packet without a connection never matches, nor
 * one whose connection has no counters: as Linux, only a connection made
 * while accounting was on counts (ct->acct, its acct extension), so one
 * older than the first connbytes rule never matches.
 */
#include <errno.h>
#include <string.h>

#include "conntrack/ct-private.h"
#include "ext/ext-private.h"
#include "ext/xt_conntrack.h"

/* XT_CONNBYTES_* */
enum { WHAT_PKTS = 0, WHAT_BYTES = 1, WHAT_AVGPKT = 2 };
enum { DIR_ORIGINAL = 0, DIR_REPLY = 1, DIR_BOTH = 2 };

struct connbytes_info { /* xt_connbytes_info */
	uint64_t from, to;
	uint8_t what;
	uint8_t direction;
	struct nfu_xt_ct_ref ref;      /* after usersize */
};

enum { O_CONNBYTES = 0, O_DIR, O_MODE };

static const struct nfu_xt_option connbytes_opts[] = {
	{ "connbytes", O_CONNBYTES, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "connbytes-dir", O_DIR, NFU_XTOPT_ARG },
	{ "connbytes-mode", O_MODE, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

/* XTTYPE_UINT64RC (libxtables' xtopt_parse_mint()): "a[:b]", an empty
 * bound the default (0 first, 2^64-1 second).  *n: the bounds given. */
static int parse_range(struct nfu_xt_parse_ctx *ctx, const char *arg,
		       uint64_t range[2], unsigned int *n)
{
	const char *p = arg;
	char *end;
	uintmax_t v;

	*n = 0;
	for (;;) {
		if (*n == 2)
			return nfu_xt_error(ctx, "connbytes: Too many components "
					    "for option \"--connbytes\" (max: 2)");
		if (*p == '\0' || *p == ':') {
			end = (char *)p;
			v = *n == 1 ? UINT64_MAX : 0;
		} else {
			/* strtoumax() would take "-1" as 2^64-1 */
			if (p[strspn(p, " \t\n\v\f\r")] == '-' ||
			    !nfu_ext_strtoul(p, &end, &v, 0, UINT64_MAX, 0))
				return nfu_xt_error(ctx, "connbytes: bad value for "
						    "option \"--connbytes\" near "
						    "\"%s\", or out of range "
						    "(0-18446744073709551615).",
						    p);
			if (*end != '\0' && *end != ':')
				return nfu_xt_error(ctx, "connbytes: Argument to "
						    "\"--connbytes\" has unexpected "
						    "characters near \"%s\".", end);
		}
		range[(*n)++] = (uint64_t)v;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

static int connbytes_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			   const char *arg, bool invert, void *data)
{
	struct connbytes_info *info = data;
	uint64_t range[2];
	unsigned int n;
	int rc;

	switch (id) {
	case O_CONNBYTES:
		rc = parse_range(ctx, arg, range, &n);
		if (rc)
			return rc;
		info->from = range[0];
		info->to = n == 2 ? range[1] : UINT64_MAX;
		if (info->to < info->from)
			return nfu_xt_error(ctx, "%llu should be less than %llu",
					    (unsigned long long)info->from,
					    (unsigned long long)info->to);
		if (invert) {
			uint64_t t = info->from;

			info->from = info->to;
			info->to = t;
		}
		return 0;
	case O_DIR:
		if (!strcmp(arg, "original"))
			info->direction = DIR_ORIGINAL;
		else if (!strcmp(arg, "reply"))
			info->direction = DIR_REPLY;
		else if (!strcmp(arg, "both"))
			info->direction = DIR_BOTH;
		else
			return nfu_xt_error(ctx, "Unknown --connbytes-dir `%s'",
					    arg);
		return 0;
	default: /* O_MODE */
		if (!strcmp(arg, "packets"))
			info->what = WHAT_PKTS;
		else if (!strcmp(arg, "bytes"))
			info->what = WHAT_BYTES;
		else if (!strcmp(arg, "avgpkt"))
			info->what = WHAT_AVGPKT;
		else
			return nfu_xt_error(ctx, "Unknown --connbytes-mode `%s'",
					    arg);
		return 0;
	}
}

/* libxtables' xtables_options_fcheck(): the first mandatory option
 * missing, in the table's order. */
static int connbytes_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				 unsigned int seen)
{
	(void)data;
	for (const struct nfu_xt_option *o = connbytes_opts; o->name; o++)
		if (!(seen & (1u << o->id)))
			return nfu_xt_error(ctx, "connbytes: option \"--%s\" "
					    "must be specified", o->name);
	return 0;
}

/* Linux's connbytes_mt_check(): the kernel's own checks (what iptables
 * cannot send), conntrack, and accounting forced on. */
static int connbytes_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct connbytes_info *info = data;
	int rc;

	if (info->what > WHAT_AVGPKT || info->direction > DIR_BOTH) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_connbytes: unknown mode or direction");
		return -EINVAL;
	}
	rc = nfu_xt_ct_get(ctx, &info->ref, "xt_connbytes");
	if (rc < 0 || !ctx->net)
		return rc;
	((struct nfu_ct_net *)ctx->net->ct)->sysctl.acct = 1;
	return 0;
}

static void connbytes_destroy(void *data)
{
	struct connbytes_info *info = data;

	nfu_xt_ct_put(&info->ref);
}

static bool connbytes_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			 void *data)
{
	const struct connbytes_info *info = data;
	const struct nfu_ct *ct = pkt->ct;
	uint64_t what = 0, pkts, bytes;

	(void)par;
	if (!ct || !ct->acct) /* nf_conn_acct_find() */
		return false;
	switch (info->direction) {
	case DIR_ORIGINAL:
		pkts = ct->packets[NFU_CT_DIR_ORIGINAL];
		bytes = ct->bytes[NFU_CT_DIR_ORIGINAL];
		break;
	case DIR_REPLY:
		pkts = ct->packets[NFU_CT_DIR_REPLY];
		bytes = ct->bytes[NFU_CT_DIR_REPLY];
		break;
	default:
		pkts = ct->packets[NFU_CT_DIR_ORIGINAL] +
		       ct->packets[NFU_CT_DIR_REPLY];
		bytes = ct->bytes[NFU_CT_DIR_ORIGINAL] +
			ct->bytes[NFU_CT_DIR_REPLY];
		break;
	}
	switch (info->what) {
	case WHAT_PKTS:
		what = pkts;
		break;
	case WHAT_BYTES:
		what = bytes;
		break;
	default:
		if (pkts)
			what = bytes / pkts;
		break;
	}
	if (info->to >= info->from)
		return what >= info->from && what <= info->to;
	/* inverted: outside [to, from] */
	return what < info->to || what > info->from;
}

static void put_range(struct nfu_strbuf *sb, const struct connbytes_info *info,
		      const char *pfx)
{
	uint64_t from = info->from, to = info->to;

	if (from > to) {
		nfu_sb_puts(sb, " !");
		from = info->to;
		to = info->from;
	}
	nfu_sb_printf(sb, " %sconnbytes %llu", pfx, (unsigned long long)from);
	if (to && to < UINT64_MAX)
		nfu_sb_printf(sb, ":%llu", (unsigned long long)to);
}

static const char *mode_name(uint8_t what)
{
	static const char *const names[] = { "packets", "bytes", "avgpkt" };

	return what <= WHAT_AVGPKT ? names[what] : "unknown";
}

static const char *dir_name(uint8_t dir)
{
	static const char *const names[] = { "original", "reply", "both" };

	return dir <= DIR_BOTH ? names[dir] : "unknown";
}

static void connbytes_save(const void *data, const struct nfu_xt_ip *ip,
			   struct nfu_strbuf *sb)
{
	const struct connbytes_info *info = data;

	(void)ip;
	put_range(sb, info, "--");
	nfu_sb_printf(sb, " --connbytes-mode %s --connbytes-dir %s",
		      mode_name(info->what), dir_name(info->direction));
}

static void connbytes_print(const void *data, const struct nfu_xt_ip *ip,
			    bool numeric, struct nfu_strbuf *sb)
{
	const struct connbytes_info *info = data;

	(void)ip;
	(void)numeric;
	put_range(sb, info, "");
	nfu_sb_printf(sb, " connbytes mode %s connbytes direction %s",
		      mode_name(info->what), dir_name(info->direction));
}

const struct nfu_xt_match_ops nfu_xt_connbytes = {
	.name = "connbytes",
	.revision = 0,
	.size = sizeof(struct connbytes_info),
	.usersize = offsetof(struct connbytes_info, ref),
	.options = connbytes_opts,
	.parse = connbytes_parse,
	.final_check = connbytes_final_check,
	.check = connbytes_check,
	.destroy = connbytes_destroy,
	.match = connbytes_mt,
	.save = connbytes_save,
	.print = connbytes_print,
};
