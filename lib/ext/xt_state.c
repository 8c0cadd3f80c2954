/* SPDX-License-Identifier: MIT */
/*
 * xt_state.c - the state match ('-m state --state S[,S…]').
 *
 * iptables 1.8 sends it to the kernel as conntrack revision 3 with the
 * STATE and STATE_ALIAS flags and prints it back as '-m state': the data
 * is the conntrack match's (ext/xt_conntrack.h), the listing and save
 * text its conntrack_dump() with the alias.  --state knows INVALID,
 * ESTABLISHED, NEW, RELATED and UNTRACKED (not SNAT, DNAT), abbreviated
 * as the user likes.
 *
 * Matching is conntrack's (nfu_xt_conntrack_mt(), Linux's conntrack_mt()
 * with the state flags only); check() starts connection tracking.
 */
#include <string.h>

#include "ext/xt_conntrack.h"

enum { O_STATE = 0 };

static const struct nfu_xt_option state_opts[] = {
	{ "state", O_STATE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

static int state_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		       const char *arg, bool invert, void *data)
{
	struct nfu_xt_conntrack_info *info = data;
	const char *comma;
	unsigned int mask = 0, bit;

	(void)id;
	while ((comma = strchr(arg, ',')) != NULL) {
		bit = comma == arg ? 0 :
			nfu_xt_ct_state_bit(arg, (size_t)(comma - arg), false);
		if (!bit)
			return nfu_xt_error(ctx, "Bad state \"%s\"", arg);
		mask |= bit;
		arg = comma + 1;
	}
	if (!*arg)
		return nfu_xt_error(ctx, "\"--state\" requires a list of states "
				    "with no spaces, e.g. ESTABLISHED,RELATED");
	bit = nfu_xt_ct_state_bit(arg, strlen(arg), false);
	if (!bit)
		return nfu_xt_error(ctx, "Bad state \"%s\"", arg);
	mask |= bit;
	info->match_flags = NFU_XT_CT_STATE | NFU_XT_CT_STATE_ALIAS;
	info->state_mask = (uint16_t)mask;
	if (invert)
		info->invert_flags |= NFU_XT_CT_STATE;
	return 0;
}

static int state_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			     unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_STATE)))
		return nfu_xt_error(ctx, "state: option \"--state\" must be "
				    "specified");
	return 0;
}

/* As conntrack's: Linux checks nothing but that conntrack can load. */
static int state_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct nfu_xt_conntrack_info *info = data;

	return nfu_xt_ct_get(ctx, &info->ref, "xt_conntrack");
}

static void state_destroy(void *data)
{
	struct nfu_xt_conntrack_info *info = data;

	nfu_xt_ct_put(&info->ref);
}

static void state_save(const void *data, const struct nfu_xt_ip *ip,
		       struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_xt_ct_dump(data, "--", true, sb);
}

static void state_print(const void *data, const struct nfu_xt_ip *ip,
			bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	nfu_xt_ct_dump(data, "", numeric, sb);
}

const struct nfu_xt_match_ops nfu_xt_state = {
	.name = "state",
	.revision = 0,
	.size = sizeof(struct nfu_xt_conntrack_info),
	.usersize = offsetof(struct nfu_xt_conntrack_info, ref),
	.options = state_opts,
	.parse = state_parse,
	.final_check = state_final_check,
	.check = state_check,
	.destroy = state_destroy,
	.match = nfu_xt_conntrack_mt,
	.save = state_save,
	.print = state_print,
};
