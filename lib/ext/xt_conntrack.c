/* SPDX-License-Identifier: MIT */
/*
 * xt_conntrack.c - the conntrack match, revision 3 (IPv4).
 *
 * Parsing follows iptables 1.8 (legacy) libxt_conntrack: the option
 * types' own rules (a host is a numeric IPv4 address, a mask a prefix
 * length or a dotted mask, a port a number or a service name, an expiry
 * range "min[:max]"), their error messages, and its quirks, which
 * iptables-legacy-save shows: state and status names may be abbreviated
 * ("E" is ESTABLISHED), a dotted mask that is not contiguous becomes /32,
 * a port number wraps at 65536, and an address keeps its host bits
 * ("10.1.2.3/8" stays so).
 *
 * Matching is Linux's conntrack_mt() for revision 3 (the state match
 * shares it): the state from the packet's ctinfo (INVALID without a
 * connection, UNTRACKED when conntrack was told to leave it alone, SNAT
 * and DNAT from the connection's status), then, only for a packet with a
 * connection, the direction, the tuples' addresses under their masks, the
 * protocol, the ports as ranges, the status bits (any of them) and the
 * seconds left before the connection expires, each inverted as asked.
 * A packet that carries CT's template (in raw, after a CT rule) is matched
 * against the template, as Linux's nf_ct_get() hands it out too.
 *
 * check() starts connection tracking in the stack (Linux's
 * nf_ct_netns_get()); ct_enable() below does it for every extension of
 * lib/ext that needs it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext/xt_conntrack.h"
#include "ext/ext-args.h"
#include "ipv4/ipv4-private.h"

#define NS_PER_SEC 1000000000ull

enum {
	O_CTSTATE = 0,
	O_CTPROTO,
	O_CTORIGSRC,
	O_CTORIGDST,
	O_CTREPLSRC,
	O_CTREPLDST,
	O_CTORIGSRCPORT,
	O_CTORIGDSTPORT,
	O_CTREPLSRCPORT,
	O_CTREPLDSTPORT,
	O_CTSTATUS,
	O_CTEXPIRE,
	O_CTDIR,
};

#define ARGINV (NFU_XTOPT_ARG | NFU_XTOPT_INVERT)

static const struct nfu_xt_option ct_opts[] = {
	{ "ctstate", O_CTSTATE, ARGINV },
	{ "ctproto", O_CTPROTO, ARGINV },
	{ "ctorigsrc", O_CTORIGSRC, ARGINV },
	{ "ctorigdst", O_CTORIGDST, ARGINV },
	{ "ctreplsrc", O_CTREPLSRC, ARGINV },
	{ "ctrepldst", O_CTREPLDST, ARGINV },
	{ "ctstatus", O_CTSTATUS, ARGINV },
	{ "ctexpire", O_CTEXPIRE, ARGINV },
	{ "ctorigsrcport", O_CTORIGSRCPORT, ARGINV },
	{ "ctorigdstport", O_CTORIGDSTPORT, ARGINV },
	{ "ctreplsrcport", O_CTREPLSRCPORT, ARGINV },
	{ "ctrepldstport", O_CTREPLDSTPORT, ARGINV },
	{ "ctdir", O_CTDIR, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

/* In iptables' order of trying (a prefix picks the first that fits). */
static const struct {
	const char *name;
	unsigned int bit;
	bool nat;
} states[] = {
	{ "INVALID", NFU_XT_CT_STATE_INVALID, false },
	{ "NEW", NFU_XT_CT_STATE_NEW, false },
	{ "ESTABLISHED", NFU_XT_CT_STATE_ESTABLISHED, false },
	{ "RELATED", NFU_XT_CT_STATE_RELATED, false },
	{ "UNTRACKED", NFU_XT_CT_STATE_UNTRACKED, false },
	{ "SNAT", NFU_XT_CT_STATE_SNAT, true },
	{ "DNAT", NFU_XT_CT_STATE_DNAT, true },
};

/* In listing order. */
static const struct {
	const char *name;
	unsigned int bit;
} state_order[] = {
	{ "INVALID", NFU_XT_CT_STATE_INVALID },
	{ "NEW", NFU_XT_CT_STATE_NEW },
	{ "RELATED", NFU_XT_CT_STATE_RELATED },
	{ "ESTABLISHED", NFU_XT_CT_STATE_ESTABLISHED },
	{ "UNTRACKED", NFU_XT_CT_STATE_UNTRACKED },
	{ "SNAT", NFU_XT_CT_STATE_SNAT },
	{ "DNAT", NFU_XT_CT_STATE_DNAT },
};

/* NONE is a name with no bit: "NONE,ASSURED" is ASSURED. */
static const struct {
	const char *name;
	unsigned int bit;
} statuses[] = {
	{ "NONE", 0 },
	{ "EXPECTED", NFU_IPS_EXPECTED },
	{ "SEEN_REPLY", NFU_IPS_SEEN_REPLY },
	{ "ASSURED", NFU_IPS_ASSURED },
	{ "CONFIRMED", NFU_IPS_CONFIRMED },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

unsigned int nfu_xt_ct_state_bit(const char *s, size_t len, bool nat)
{
	for (size_t i = 0; i < N(states); i++) {
		if (states[i].nat && !nat)
			continue;
		if (strncasecmp(s, states[i].name, len) == 0)
			return states[i].bit;
	}
	return 0;
}

static void put_states(struct nfu_strbuf *sb, unsigned int mask)
{
	const char *sep = " ";

	for (size_t i = 0; i < N(state_order); i++) {
		if (!(mask & state_order[i].bit))
			continue;
		nfu_sb_printf(sb, "%s%s", sep, state_order[i].name);
		sep = ",";
	}
}

/* 0 and the bit, or -1 for a name that is none of them. */
static int status_bit(const char *s, size_t len)
{
	for (size_t i = 0; i < N(statuses); i++)
		if (strncasecmp(s, statuses[i].name, len) == 0)
			return (int)statuses[i].bit;
	return -1;
}

/* A comma-separated list, as iptables walks it: an empty element or an
 * unknown name fails naming the rest of the list from there. */
static int parse_states(struct nfu_xt_parse_ctx *ctx, const char *arg,
			uint16_t *mask)
{
	const char *comma;
	unsigned int bit;

	while ((comma = strchr(arg, ',')) != NULL) {
		bit = comma == arg ? 0 :
			nfu_xt_ct_state_bit(arg, (size_t)(comma - arg), true);
		if (!bit)
			return nfu_xt_error(ctx, "Bad ctstate \"%s\"", arg);
		*mask |= (uint16_t)bit;
		arg = comma + 1;
	}
	bit = *arg ? nfu_xt_ct_state_bit(arg, strlen(arg), true) : 0;
	if (!bit)
		return nfu_xt_error(ctx, "Bad ctstate \"%s\"", arg);
	*mask |= (uint16_t)bit;
	return 0;
}

static int parse_statuses(struct nfu_xt_parse_ctx *ctx, const char *arg,
			  uint16_t *mask)
{
	const char *comma;
	int bit;

	while ((comma = strchr(arg, ',')) != NULL) {
		bit = comma == arg ? -1 : status_bit(arg, (size_t)(comma - arg));
		if (bit < 0)
			return nfu_xt_error(ctx, "Bad ctstatus \"%s\"", arg);
		*mask |= (uint16_t)bit;
		arg = comma + 1;
	}
	bit = *arg ? status_bit(arg, strlen(arg)) : -1;
	if (bit < 0)
		return nfu_xt_error(ctx, "Bad ctstatus \"%s\"", arg);
	*mask |= (uint16_t)bit;
	return 0;
}

static const char *opt_name(unsigned int id)
{
	for (const struct nfu_xt_option *o = ct_opts; o->name; o++)
		if (o->id == id)
			return o->name;
	return "?";
}

static int parse_host(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, uint32_t *addr, uint32_t *mask)
{
	return nfu_ext_parse_hostmask(ctx, "conntrack", opt_name(id), arg,
				      addr, mask);
}

static int parse_ports(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		       const char *arg, uint16_t *lo, uint16_t *hi)
{
	return nfu_ext_parse_port_range(ctx, "conntrack", opt_name(id), arg,
					lo, hi);
}

static int ct_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		    const char *arg, bool invert, void *data)
{
	struct nfu_xt_conntrack_info *info = data;
	uint32_t range[2];
	unsigned int n;
	uint16_t flag;
	int proto, rc = 0;

	switch (id) {
	case O_CTSTATE:
		rc = parse_states(ctx, arg, &info->state_mask);
		flag = NFU_XT_CT_STATE;
		break;
	case O_CTPROTO:
		proto = nfu_ext_parse_protocol(ctx, arg);
		if (proto < 0)
			return proto;
		info->l4proto = (uint16_t)proto;
		/* iptables tests XT_INV_PROTO (0x40) in invert_flags, where
		 * it is XT_CONNTRACK_STATUS, before the inversion of this
		 * option is recorded: "! --ctstatus S --ctproto all" is the
		 * one way to this error. */
		if (info->l4proto == 0 && (info->invert_flags & 0x40))
			return nfu_xt_error(ctx, "conntrack: rule would never "
					    "match protocol");
		flag = NFU_XT_CT_PROTO;
		break;
	case O_CTORIGSRC:
		rc = parse_host(ctx, id, arg, &info->origsrc_addr,
				&info->origsrc_mask);
		flag = NFU_XT_CT_ORIGSRC;
		break;
	case O_CTORIGDST:
		rc = parse_host(ctx, id, arg, &info->origdst_addr,
				&info->origdst_mask);
		flag = NFU_XT_CT_ORIGDST;
		break;
	case O_CTREPLSRC:
		rc = parse_host(ctx, id, arg, &info->replsrc_addr,
				&info->replsrc_mask);
		flag = NFU_XT_CT_REPLSRC;
		break;
	case O_CTREPLDST:
		rc = parse_host(ctx, id, arg, &info->repldst_addr,
				&info->repldst_mask);
		flag = NFU_XT_CT_REPLDST;
		break;
	case O_CTSTATUS:
		rc = parse_statuses(ctx, arg, &info->status_mask);
		flag = NFU_XT_CT_STATUS;
		break;
	case O_CTEXPIRE:
		rc = nfu_ext_parse_u32_range(ctx, "conntrack", "ctexpire", arg, range, &n);
		if (rc)
			return rc;
		info->expires_min = range[0];
		info->expires_max = n >= 2 ? range[1] : range[0];
		flag = NFU_XT_CT_EXPIRES;
		break;
	case O_CTORIGSRCPORT:
		rc = parse_ports(ctx, id, arg, &info->origsrc_port,
				 &info->origsrc_port_high);
		flag = NFU_XT_CT_ORIGSRC_PORT;
		break;
	case O_CTORIGDSTPORT:
		rc = parse_ports(ctx, id, arg, &info->origdst_port,
				 &info->origdst_port_high);
		flag = NFU_XT_CT_ORIGDST_PORT;
		break;
	case O_CTREPLSRCPORT:
		rc = parse_ports(ctx, id, arg, &info->replsrc_port,
				 &info->replsrc_port_high);
		flag = NFU_XT_CT_REPLSRC_PORT;
		break;
	case O_CTREPLDSTPORT:
		rc = parse_ports(ctx, id, arg, &info->repldst_port,
				 &info->repldst_port_high);
		flag = NFU_XT_CT_REPLDST_PORT;
		break;
	case O_CTDIR:
		/* The direction is kept as Linux keeps it: the flag, and the
		 * inversion bit for REPLY. */
		if (!strcasecmp(arg, "ORIGINAL"))
			info->invert_flags &= (uint16_t)~NFU_XT_CT_DIRECTION;
		else if (!strcasecmp(arg, "REPLY"))
			info->invert_flags |= NFU_XT_CT_DIRECTION;
		else
			return nfu_xt_error(ctx, "conntrack: Bad value for "
					    "\"--ctdir\" option: \"%s\"", arg);
		info->match_flags |= NFU_XT_CT_DIRECTION;
		return 0;
	default:
		return nfu_xt_error(ctx, "conntrack: unknown option");
	}
	if (rc)
		return rc;
	info->match_flags |= flag;
	if (invert)
		info->invert_flags |= flag;
	return 0;
}

static int ct_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			  unsigned int seen)
{
	(void)data;
	if (!seen)
		return nfu_xt_error(ctx, "conntrack: At least one option is "
				    "required");
	return 0;
}

static int ct_get(const struct nfu_xt_check_ctx *ctx, const char *name)
{
	int rc = nfu_ct_netns_get(ctx->net);

	if (rc < 0 && ctx->err)
		nfu_error_set(ctx->err, NULL, 0, 0, "%s: cannot load conntrack "
			      "support for proto=%u", name, NFU_PROTO_IPV4);
	return rc;
}

int nfu_xt_ct_get(const struct nfu_xt_check_ctx *ctx,
		  struct nfu_xt_ct_ref *ref, const char *name)
{
	int rc;

	if (ref->self == ref && ref->net == ctx->net)
		return 0; /* checked again: it holds one */
	nfu_xt_ct_put(ref);
	ref->self = NULL; /* a copy's: not ours */
	ref->net = NULL;
	if (!ctx->net)
		return 0; /* a check without a stack (the fuzzers) */
	rc = ct_get(ctx, name);
	if (rc < 0)
		return rc;
	ref->self = ref;
	ref->net = ctx->net;
	return 0;
}

void nfu_xt_ct_put(struct nfu_xt_ct_ref *ref)
{
	if (ref->self != ref)
		return;
	ref->self = NULL;
	nfu_ct_netns_put(ref->net);
	ref->net = NULL;
}

/* Linux's conntrack_mt_check(): conntrack for the family, nothing else. */
static int ct_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct nfu_xt_conntrack_info *info = data;

	return nfu_xt_ct_get(ctx, &info->ref, "xt_conntrack");
}

/* conntrack_mt_destroy() */
static void ct_destroy(void *data)
{
	struct nfu_xt_conntrack_info *info = data;

	nfu_xt_ct_put(&info->ref);
}

/* Linux's XT_CONNTRACK_STATE_BIT(): the reply forms count as theirs. */
static unsigned int state_bit(uint32_t ctinfo)
{
	return 1u << (ctinfo % NFU_CT_IS_REPLY + 1);
}

static bool addr_in(uint32_t a, uint32_t want, uint32_t mask)
{
	return ((a ^ want) & mask) == 0;
}

/* What Linux reads as ntohs(tuple->src.u.all) / ntohs(tuple->dst.u.all):
 * the port, or for ICMP the identifier and the type and code (which the
 * tuple keeps in host order already). */
static uint16_t tuple_port(const struct nfu_ct_tuple *t, bool dst)
{
	if (dst && t->proto == NFU_IPPROTO_ICMP)
		return t->dport;
	return ntohs(dst ? t->dport : t->sport);
}

static bool port_in(uint16_t port, uint16_t lo, uint16_t hi, bool invert)
{
	return (port >= lo && port <= hi) ^ invert;
}

/* The seconds before 'ct' expires, as Linux's nf_ct_expires() / HZ.  An
 * unconfirmed connection's timeout is still relative (it becomes a time at
 * confirmation): Linux subtracts the clock from it all the same, which
 * comes out negative, hence 0, once the host has been up a few minutes;
 * so does a template's, whose timeout is 0. */
static uint64_t expires_secs(const struct nfu_ct *ct, uint64_t now)
{
	if (!(ct->status & NFU_IPS_CONFIRMED) || ct->timeout <= now)
		return 0;
	return (ct->timeout - now) / NS_PER_SEC;
}

bool nfu_xt_conntrack_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			 void *data)
{
	const struct nfu_xt_conntrack_info *info = data;
	const struct nfu_ct *ct = pkt->ct;
	const struct nfu_ct_tuple *orig, *repl;
	uint16_t mf = info->match_flags, inv = info->invert_flags;
	unsigned int statebit;

	if (ct)
		statebit = state_bit(pkt->ctinfo);
	else if (pkt->ctinfo == NFU_CT_UNTRACKED)
		statebit = NFU_XT_CT_STATE_UNTRACKED;
	else
		statebit = NFU_XT_CT_STATE_INVALID;
	if (mf & NFU_XT_CT_STATE) {
		if (ct && (ct->status & NFU_IPS_SRC_NAT))
			statebit |= NFU_XT_CT_STATE_SNAT;
		if (ct && (ct->status & NFU_IPS_DST_NAT))
			statebit |= NFU_XT_CT_STATE_DNAT;
		if (!!(info->state_mask & statebit) == !!(inv & NFU_XT_CT_STATE))
			return false;
	}
	/* without a connection only the state can have matched */
	if (!ct)
		return mf & NFU_XT_CT_STATE;
	if ((mf & NFU_XT_CT_DIRECTION) &&
	    (nfu_ctinfo_dir(pkt->ctinfo) == NFU_CT_DIR_ORIGINAL) ==
		    !!(inv & NFU_XT_CT_DIRECTION))
		return false;
	orig = &ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple;
	repl = &ct->tuplehash[NFU_CT_DIR_REPLY].tuple;
	if ((mf & NFU_XT_CT_ORIGSRC) &&
	    addr_in(orig->src, info->origsrc_addr, info->origsrc_mask) ==
		    !!(inv & NFU_XT_CT_ORIGSRC))
		return false;
	if ((mf & NFU_XT_CT_ORIGDST) &&
	    addr_in(orig->dst, info->origdst_addr, info->origdst_mask) ==
		    !!(inv & NFU_XT_CT_ORIGDST))
		return false;
	if ((mf & NFU_XT_CT_REPLSRC) &&
	    addr_in(repl->src, info->replsrc_addr, info->replsrc_mask) ==
		    !!(inv & NFU_XT_CT_REPLSRC))
		return false;
	if ((mf & NFU_XT_CT_REPLDST) &&
	    addr_in(repl->dst, info->repldst_addr, info->repldst_mask) ==
		    !!(inv & NFU_XT_CT_REPLDST))
		return false;
	if ((mf & NFU_XT_CT_PROTO) &&
	    (orig->proto == info->l4proto) == !!(inv & NFU_XT_CT_PROTO))
		return false;
	if ((mf & NFU_XT_CT_ORIGSRC_PORT) &&
	    !port_in(tuple_port(orig, false), info->origsrc_port,
		     info->origsrc_port_high, inv & NFU_XT_CT_ORIGSRC_PORT))
		return false;
	if ((mf & NFU_XT_CT_ORIGDST_PORT) &&
	    !port_in(tuple_port(orig, true), info->origdst_port,
		     info->origdst_port_high, inv & NFU_XT_CT_ORIGDST_PORT))
		return false;
	if ((mf & NFU_XT_CT_REPLSRC_PORT) &&
	    !port_in(tuple_port(repl, false), info->replsrc_port,
		     info->replsrc_port_high, inv & NFU_XT_CT_REPLSRC_PORT))
		return false;
	if ((mf & NFU_XT_CT_REPLDST_PORT) &&
	    !port_in(tuple_port(repl, true), info->repldst_port,
		     info->repldst_port_high, inv & NFU_XT_CT_REPLDST_PORT))
		return false;
	if ((mf & NFU_XT_CT_STATUS) &&
	    !!(info->status_mask & ct->status) == !!(inv & NFU_XT_CT_STATUS))
		return false;
	if (mf & NFU_XT_CT_EXPIRES) {
		uint64_t e = expires_secs(ct, nfu_net_now(par->net));

		if ((e >= info->expires_min && e <= info->expires_max) ==
		    !!(inv & NFU_XT_CT_EXPIRES))
			return false;
	}
	return true;
}

static void put_ports(struct nfu_strbuf *sb, const char *pfx,
		      const char *opt, uint16_t lo, uint16_t hi)
{
	if (hi == 0 || lo == hi)
		nfu_sb_printf(sb, " %s%s %u", pfx, opt, lo);
	else
		nfu_sb_printf(sb, " %s%s %u:%u", pfx, opt, lo, hi);
}

void nfu_xt_ct_dump(const struct nfu_xt_conntrack_info *info,
		    const char *pfx, bool numeric, struct nfu_strbuf *sb)
{
	static const struct {
		uint16_t flag;
		const char *name;
		size_t addr, mask;
	} addrs[] = {
#define A(f, n, a, m) { f, n, offsetof(struct nfu_xt_conntrack_info, a),  \
			offsetof(struct nfu_xt_conntrack_info, m) }
		A(NFU_XT_CT_ORIGSRC, "ctorigsrc", origsrc_addr, origsrc_mask),
		A(NFU_XT_CT_ORIGDST, "ctorigdst", origdst_addr, origdst_mask),
		A(NFU_XT_CT_REPLSRC, "ctreplsrc", replsrc_addr, replsrc_mask),
		A(NFU_XT_CT_REPLDST, "ctrepldst", repldst_addr, repldst_mask),
#undef A
	};
	const struct {
		uint16_t flag;
		const char *name;
		uint16_t lo, hi;
	} ports[] = {
		{ NFU_XT_CT_ORIGSRC_PORT, "ctorigsrcport", info->origsrc_port,
		  info->origsrc_port_high },
		{ NFU_XT_CT_ORIGDST_PORT, "ctorigdstport", info->origdst_port,
		  info->origdst_port_high },
		{ NFU_XT_CT_REPLSRC_PORT, "ctreplsrcport", info->replsrc_port,
		  info->replsrc_port_high },
		{ NFU_XT_CT_REPLDST_PORT, "ctrepldstport", info->repldst_port,
		  info->repldst_port_high },
	};
	uint16_t mf = info->match_flags, inv = info->invert_flags;
	const char *sep;

	if (mf & NFU_XT_CT_STATE) {
		if (inv & NFU_XT_CT_STATE)
			nfu_sb_puts(sb, " !");
		nfu_sb_printf(sb, " %s%s", pfx,
			      mf & NFU_XT_CT_STATE_ALIAS ? "state" : "ctstate");
		put_states(sb, info->state_mask);
	}
	if (mf & NFU_XT_CT_PROTO) {
		if (inv & NFU_XT_CT_PROTO)
			nfu_sb_puts(sb, " !");
		nfu_sb_printf(sb, " %sctproto %u", pfx, info->l4proto);
	}
	for (size_t i = 0; i < N(addrs); i++) {
		const unsigned char *b = (const unsigned char *)info;
		uint32_t a, m;

		if (!(mf & addrs[i].flag))
			continue;
		memcpy(&a, b + addrs[i].addr, sizeof(a));
		memcpy(&m, b + addrs[i].mask, sizeof(m));
		if (inv & addrs[i].flag)
			nfu_sb_puts(sb, " !");
		nfu_sb_printf(sb, " %s%s", pfx, addrs[i].name);
		if (!numeric && a == 0)
			nfu_sb_puts(sb, " anywhere");
		else
			nfu_ext_put_addrmask(sb, a, m);
	}
	for (size_t i = 0; i < N(ports); i++) {
		if (!(mf & ports[i].flag))
			continue;
		if (inv & ports[i].flag)
			nfu_sb_puts(sb, " !");
		put_ports(sb, pfx, ports[i].name, ports[i].lo, ports[i].hi);
	}
	if (mf & NFU_XT_CT_STATUS) {
		if (inv & NFU_XT_CT_STATUS)
			nfu_sb_puts(sb, " !");
		nfu_sb_printf(sb, " %sctstatus", pfx);
		sep = " ";
		for (size_t i = 1; i < N(statuses); i++) {
			if (!(info->status_mask & statuses[i].bit))
				continue;
			nfu_sb_printf(sb, "%s%s", sep, statuses[i].name);
			sep = ",";
		}
		if (info->status_mask == 0)
			nfu_sb_printf(sb, "%sNONE", sep);
	}
	if (mf & NFU_XT_CT_EXPIRES) {
		if (inv & NFU_XT_CT_EXPIRES)
			nfu_sb_puts(sb, " !");
		nfu_sb_printf(sb, " %sctexpire ", pfx);
		if (info->expires_max == info->expires_min)
			nfu_sb_printf(sb, "%u", info->expires_min);
		else
			nfu_sb_printf(sb, "%u:%u", info->expires_min,
				      info->expires_max);
	}
	if (mf & NFU_XT_CT_DIRECTION)
		nfu_sb_printf(sb, " %sctdir %s", pfx,
			      inv & NFU_XT_CT_DIRECTION ? "REPLY" : "ORIGINAL");
}

static void ct_save(const void *data, const struct nfu_xt_ip *ip,
		    struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_xt_ct_dump(data, "--", true, sb);
}

static void ct_print(const void *data, const struct nfu_xt_ip *ip,
		     bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_xt_ct_dump(data, "", numeric, sb);
}

const struct nfu_xt_match_ops nfu_xt_conntrack = {
	.name = "conntrack",
	.revision = 3,
	.size = sizeof(struct nfu_xt_conntrack_info),
	.usersize = offsetof(struct nfu_xt_conntrack_info, ref),
	.options = ct_opts,
	.parse = ct_parse,
	.final_check = ct_final_check,
	.check = ct_check,
	.destroy = ct_destroy,
	.match = nfu_xt_conntrack_mt,
	.save = ct_save,
	.print = ct_print,
};
