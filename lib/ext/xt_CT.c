/* SPDX-License-Identifier: MIT */
/*
 * CT revision 2: the connection template of a packet (Linux's xt_CT with
 * struct xt_ct_target_info_v1, libxt_CT of iptables 1.8.9): --notrack,
 * --helper NAME, --ctevents LIST, --expevents LIST, --zone[-orig|-reply]
 * ID|mark, --timeout NAME.  The raw table only, from PREROUTING and OUTPUT.
 *
 * Checking is Linux's: a helper must exist for the rule's protocol (not
 * inverted), else ENOENT ("No chain/target/match by that name"); with
 * --notrack nothing else is looked at.  nfu has no timeout policies
 * (nfnetlink_cttimeout), so every --timeout is refused, as Linux refuses
 * a name it does not know.
 *
 * At run time it does nothing yet: there is no connection tracking
 * (issue 5).  target() returns NFU_XT_CONTINUE, as Linux's does after
 * attaching the template; the template's effect arrives with conntrack.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

/* XT_CT_* */
enum {
	CT_NOTRACK = 0x01,
	CT_ZONE_DIR_ORIG = 0x04,
	CT_ZONE_DIR_REPL = 0x08,
	CT_ZONE_MARK = 0x10,
};

struct ct_info { /* xt_ct_target_info_v1, the kernel pointer aside */
	uint16_t flags;
	uint16_t zone;
	uint32_t ct_events;
	uint32_t exp_events;
	char helper[16];
	char timeout[32];
};

enum {
	O_NOTRACK = 0,
	O_HELPER,
	O_CTEVENTS,
	O_EXPEVENTS,
	O_ZONE_ORIG,
	O_ZONE_REPLY,
	O_ZONE,
	O_TIMEOUT,
};

static const struct nfu_xt_option ct_opts[] = {
	{ "notrack", O_NOTRACK, 0 },
	{ "helper", O_HELPER, NFU_XTOPT_ARG },
	{ "ctevents", O_CTEVENTS, NFU_XTOPT_ARG },
	{ "expevents", O_EXPEVENTS, NFU_XTOPT_ARG },
	{ "zone-orig", O_ZONE_ORIG, NFU_XTOPT_ARG },
	{ "zone-reply", O_ZONE_REPLY, NFU_XTOPT_ARG },
	{ "zone", O_ZONE, NFU_XTOPT_ARG },
	{ "timeout", O_TIMEOUT, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

/* Bit i is enum ip_conntrack_events' value i. */
static const char *const ct_event_names[] = {
	"new", "related", "destroy", "reply", "assured",
	"protoinfo", "helper", "mark", "natseqinfo", "secmark",
};
static const char *const exp_event_names[] = { "new" };

/* The helpers of Linux 6.18 that a CT rule can name, with the protocols
 * they register for. */
static const struct {
	const char *name;
	uint8_t proto[2];
} helpers[] = {
	{ "amanda", { NFU_IPPROTO_UDP } },
	{ "ftp", { NFU_IPPROTO_TCP } },
	{ "irc", { NFU_IPPROTO_TCP } },
	{ "netbios-ns", { NFU_IPPROTO_UDP } },
	{ "pptp", { NFU_IPPROTO_TCP } },
	{ "sane", { NFU_IPPROTO_TCP } },
	{ "sip", { NFU_IPPROTO_UDP, NFU_IPPROTO_TCP } },
	{ "snmp", { NFU_IPPROTO_UDP } },
	{ "snmp_trap", { NFU_IPPROTO_UDP } },
	{ "tftp", { NFU_IPPROTO_UDP } },
	{ "RAS", { NFU_IPPROTO_UDP } },
	{ "Q.931", { NFU_IPPROTO_TCP } },
};

static int parse_events(struct nfu_xt_parse_ctx *ctx, const char *arg,
			const char *const *names, unsigned int n,
			uint32_t *mask)
{
	const char *s = arg;

	*mask = 0;
	for (;;) {
		size_t len = strcspn(s, ",");
		unsigned int i;

		for (i = 0; i < n; i++)
			if (strlen(names[i]) == len && !strncmp(names[i], s, len))
				break;
		if (i == n)
			return nfu_xt_error(ctx, "Unknown event type \"%.*s\"",
					    (int)len, s);
		*mask |= 1u << i;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

static int parse_zone(struct nfu_xt_parse_ctx *ctx, const char *arg,
		      struct ct_info *info)
{
	uintmax_t v;

	if (!strcmp(arg, "mark")) {
		info->flags |= CT_ZONE_MARK;
		return 0;
	}
	if (!nfu_ext_strtoul(arg, NULL, &v, 0, UINT16_MAX, 0))
		return nfu_xt_error(ctx, "Cannot parse %s as a zone ID", arg);
	info->zone = (uint16_t)v;
	return 0;
}

static int ct_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		    const char *arg, bool invert, void *data)
{
	struct ct_info *info = data;

	(void)invert;
	switch (id) {
	case O_NOTRACK:
		info->flags |= CT_NOTRACK;
		return 0;
	case O_HELPER:
		/* a longer name is cut, as libxtables' string type does */
		snprintf(info->helper, sizeof(info->helper), "%s", arg);
		return 0;
	case O_TIMEOUT:
		snprintf(info->timeout, sizeof(info->timeout), "%s", arg);
		return 0;
	case O_CTEVENTS:
		return parse_events(ctx, arg, ct_event_names, 10,
				    &info->ct_events);
	case O_EXPEVENTS:
		return parse_events(ctx, arg, exp_event_names, 1,
				    &info->exp_events);
	case O_ZONE_ORIG:
		info->flags |= CT_ZONE_DIR_ORIG;
		return parse_zone(ctx, arg, info);
	case O_ZONE_REPLY:
		info->flags |= CT_ZONE_DIR_REPL;
		return parse_zone(ctx, arg, info);
	default: /* O_ZONE: both directions, the flags untouched */
		return parse_zone(ctx, arg, info);
	}
}

static bool helper_known(const char *name, uint16_t proto)
{
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (!strcmp(helpers[i].name, name) &&
		    (helpers[i].proto[0] == proto ||
		     (helpers[i].proto[1] && helpers[i].proto[1] == proto)))
			return true;
	return false;
}

static int ct_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct ct_info *info = data;
	uint16_t proto = ctx->ip->proto;

	if (info->flags & CT_NOTRACK)
		return 0;
	/* xt_ct_find_proto(): an inverted protocol is none */
	if (ctx->ip->invflags & NFU_IPT_INV_PROTO)
		proto = 0;
	if (info->helper[0] && (!proto || !helper_known(info->helper, proto))) {
		nfu_error_set(ctx->err, NULL, 0, 0,
			      "CT: No such helper \"%s\" for protocol %u",
			      info->helper, proto);
		return -ENOENT;
	}
	if (info->timeout[0]) {
		nfu_error_set(ctx->err, NULL, 0, 0,
			      "CT: no timeout policy \"%s\"", info->timeout);
		return -EINVAL;
	}
	return 0;
}

/* No connection tracking yet (issue 5): the template's effect arrives
 * with it. */
static unsigned int ct_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
			      void *data)
{
	(void)pkt;
	(void)par;
	(void)data;
	return NFU_XT_CONTINUE;
}

/* 'pfx' then the names of 'mask', comma-separated. */
static void put_events(struct nfu_strbuf *sb, const char *pfx, uint32_t mask,
		       const char *const *names, unsigned int n)
{
	const char *sep = " ";

	nfu_sb_printf(sb, " %s", pfx);
	for (unsigned int i = 0; i < n; i++) {
		if (mask & (1u << i)) {
			nfu_sb_printf(sb, "%s%s", sep, names[i]);
			sep = ",";
		}
	}
}

/* The options in libxt_CT's order (ct_save_v1(), ct_print_v1()): 'dash'
 * "--" for iptables-save, "" for the listing. */
static void ct_put(const struct ct_info *info, const char *dash,
		   struct nfu_strbuf *sb)
{
	char pfx[16];

	if (info->flags & CT_NOTRACK)
		nfu_sb_printf(sb, " %snotrack", dash);
	if (info->helper[0])
		nfu_sb_printf(sb, " %shelper %s", dash, info->helper);
	if (info->timeout[0])
		nfu_sb_printf(sb, " %stimeout %s", dash, info->timeout);
	if (info->ct_events) {
		snprintf(pfx, sizeof(pfx), "%sctevents", dash);
		put_events(sb, pfx, info->ct_events, ct_event_names, 10);
	}
	if (info->exp_events) {
		snprintf(pfx, sizeof(pfx), "%sexpevents", dash);
		put_events(sb, pfx, info->exp_events, exp_event_names, 1);
	}
	if (info->zone || (info->flags & CT_ZONE_MARK)) {
		switch (info->flags & (CT_ZONE_DIR_ORIG | CT_ZONE_DIR_REPL)) {
		case CT_ZONE_DIR_ORIG:
			nfu_sb_printf(sb, " %szone-orig", dash);
			break;
		case CT_ZONE_DIR_REPL:
			nfu_sb_printf(sb, " %szone-reply", dash);
			break;
		default:
			nfu_sb_printf(sb, " %szone", dash);
			break;
		}
		if (info->flags & CT_ZONE_MARK)
			nfu_sb_puts(sb, " mark");
		else
			nfu_sb_printf(sb, " %u", info->zone);
	}
}

static void ct_save(const void *data, const struct nfu_xt_ip *ip,
		    struct nfu_strbuf *sb)
{
	(void)ip;
	ct_put(data, "--", sb);
}

static void ct_print(const void *data, const struct nfu_xt_ip *ip,
		     bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, " CT");
	ct_put(data, "", sb);
}

const struct nfu_xt_target_ops nfu_xt_CT = {
	.name = "CT",
	.revision = 2,
	.size = sizeof(struct ct_info),
	.table = "raw",
	.hooks = NFU_XT_HOOK(NFU_INET_PRE_ROUTING) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_OUT),
	.options = ct_opts,
	.parse = ct_parse,
	.check = ct_check,
	.target = ct_target,
	.save = ct_save,
	.print = ct_print,
};
