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
 * check() starts connection tracking, except for --notrack (Linux's
 * xt_ct_tg_check() returns before nf_ct_netns_get() then: see
 * xt_NOTRACK.c).  At run time, as Linux's xt_ct_target(): a packet that
 * has no connection yet (nor the untracked mark, nor a template: one
 * looped back, seen already) is marked untracked with --notrack, or else
 * gets the rule's template connection, ctinfo NFU_CT_NEW, from which
 * conntrack (lib/conntrack/core.c, at NFU_IP_PRI_CONNTRACK, after raw)
 * takes the zone and helper of the packet's new connection.  The target
 * always goes on with the next rule.
 *
 * The template.  Linux allocates one per rule in checkentry and frees it
 * in destroy.  Here it lives inside the rule's data, every byte of it set
 * by parsing (NFU_IPS_TEMPLATE and NFU_IPS_CONFIRMED in its status as in
 * Linux, its zone, one reference: the rule's own), so that the rule stays
 * plain memory as lib/xtables wants it: a clone of the rule is a rule
 * with its own template, and two rules written alike compare equal
 * (iptables -D, -C), which a pointer set by check() would break.  A
 * packet holds a reference from the target to conntrack, which drops it;
 * the rule's reference keeps the count above zero, so core.c never frees
 * a template (its 'cn' is NULL).  What this does not survive: a rule
 * deleted while a packet that got its template waits in a queue between
 * the raw table and conntrack (-j QUEUE after CT in raw), which Linux's
 * reference count allows; and a CONNMARK rule after CT in raw, which sets
 * the template's mark as in Linux, leaves the CT rule unequal to its text
 * (iptables -D of it then fails).
 *
 * Zones, as xt_ct_tg_check() makes the template's: --zone-orig puts only
 * the original tuple of the new connection in the zone (the reply one
 * stays in zone 0), --zone-reply only the reply tuple, --zone (or both)
 * both; with "mark" the zone's id is the packet's mark (its low 16 bits)
 * when conntrack runs (NFU_CT_FLAG_MARK, nfu_ct_zone_tmpl()).  --helper is
 * checked as Linux checks it (a helper of Linux 6.18 of that name for the
 * rule's protocol, not inverted); the template gets nfu's helper of that
 * name and protocol (lib/conntrack: ftp, tftp), found when the rule is
 * parsed, or none for the helpers nfu does not have, which then have no
 * effect.  --ctevents and --expevents have no effect (no event
 * listeners).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conntrack/ct-private.h"
#include "ext/ext-private.h"
#include "ext/xt_conntrack.h"
#include "ipv4/ipv4-private.h"

/* XT_CT_* */
enum {
	CT_NOTRACK = 0x01,
	CT_ZONE_DIR_ORIG = 0x04,
	CT_ZONE_DIR_REPL = 0x08,
	CT_ZONE_MARK = 0x10,
};

/* xt_ct_target_info_v1, with the template in place of its pointer. */
struct ct_info {
	uint16_t flags;
	uint16_t zone;
	uint32_t ct_events;
	uint32_t exp_events;
	char helper[16];
	char timeout[32];
	struct nfu_ct tmpl;    /* set by init() and parse(), see above */
	struct nfu_xt_ct_ref ref; /* conntrack's (not with --notrack) */
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

static void ct_init(void *data)
{
	struct ct_info *info = data;

	/* Linux's nf_ct_tmpl_alloc() and the CONFIRMED bit xt_CT sets, so
	 * that nothing confirms the template; the rule's reference */
	info->tmpl.status = NFU_IPS_TEMPLATE | NFU_IPS_CONFIRMED;
	info->tmpl.czone.dir = NFU_CT_DEFAULT_ZONE_DIR;
	info->tmpl.common.use = 1;
}

static int parse_zone(struct nfu_xt_parse_ctx *ctx, const char *arg,
		      struct ct_info *info)
{
	uintmax_t v;

	/* as libxt_CT: the id is 0 with "mark", which the packet's
	 * replaces (ct_final_check() makes the template's zone) */
	info->zone = 0;
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

/* xt_ct_find_proto(): an inverted protocol is none. */
static uint16_t rule_proto(const struct nfu_xt_ip *ip)
{
	if (!ip || (ip->invflags & NFU_IPT_INV_PROTO))
		return 0;
	return ip->proto;
}

/* xt_ct_flags_to_dir(): one of the flags is that direction only; none
 * or both are both directions. */
static uint8_t zone_dir(uint16_t flags)
{
	switch (flags & (CT_ZONE_DIR_ORIG | CT_ZONE_DIR_REPL)) {
	case CT_ZONE_DIR_ORIG:
		return NFU_CT_ZONE_DIR_ORIG;
	case CT_ZONE_DIR_REPL:
		return NFU_CT_ZONE_DIR_REPL;
	default:
		return NFU_CT_DEFAULT_ZONE_DIR;
	}
}

/* After the whole rule (its -p included): the template's zone and
 * helper, which the rule's text alone decides. */
static int ct_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			  unsigned int seen)
{
	struct ct_info *info = data;
	uint16_t proto = rule_proto(ctx->ip);

	(void)seen;
	info->tmpl.czone.id = info->zone;
	info->tmpl.czone.dir = zone_dir(info->flags);
	info->tmpl.czone.flags = (info->flags & CT_ZONE_MARK) ? NFU_CT_FLAG_MARK : 0;
	info->tmpl.helper = NULL;
	if (info->helper[0] && !(info->flags & CT_NOTRACK) && proto &&
	    proto <= UINT8_MAX)
		info->tmpl.helper = nfu_ct_helper_find(info->helper,
						       (uint8_t)proto);
	return 0;
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
	struct ct_info *info = data;
	uint16_t proto;

	/* Linux takes no conntrack for --notrack */
	if (info->flags & CT_NOTRACK)
		return 0;
	proto = rule_proto(ctx->ip);
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
	/* last: a failed rule takes no reference */
	return nfu_xt_ct_get(ctx, &info->ref, "xt_CT");
}

/* xt_ct_tg_destroy(): conntrack's reference (the template is the rule's
 * own memory) */
static void ct_destroy(void *data)
{
	struct ct_info *info = data;

	nfu_xt_ct_put(&info->ref);
}

static unsigned int ct_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
			      void *data)
{
	struct ct_info *info = data;

	(void)par;
	/* previously seen (looped back)?  Linux's test of skb->_nfct */
	if (pkt->ct || pkt->ctinfo)
		return NFU_XT_CONTINUE;
	if (info->flags & CT_NOTRACK) {
		pkt->ctinfo = NFU_CT_UNTRACKED;
		return NFU_XT_CONTINUE;
	}
	info->tmpl.common.use++;
	pkt->ct = &info->tmpl;
	pkt->ctinfo = NFU_CT_NEW;
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
	.usersize = offsetof(struct ct_info, tmpl),
	.table = "raw",
	.hooks = NFU_XT_HOOK(NFU_INET_PRE_ROUTING) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_OUT),
	.options = ct_opts,
	.init = ct_init,
	.parse = ct_parse,
	.final_check = ct_final_check,
	.check = ct_check,
	.destroy = ct_destroy,
	.target = ct_target,
	.save = ct_save,
	.print = ct_print,
};
