/* SPDX-License-Identifier: MIT */
/*
 * xt_helper.c - the "helper" match: the packet belongs to a connection
 * that a helper expected (Linux's xt_helper.c with struct
 * xt_helper_info, libxt_helper of iptables 1.8.9):
 *   [!] --helper NAME
 *
 * NAME is libxtables' XTTYPE_STRING into 30 bytes: a longer one is cut
 * to 29 characters, as iptables does.  Saved as xtables_save_string()
 * writes it (bare when made of letters, digits, '_' and '-', else in
 * double quotes with '"', '\' and '\'' escaped), listed as
 * 'helper match ["!" ]"NAME"'.
 *
 * check() starts connection tracking (Linux's helper_mt_check()).  At run
 * time, as Linux's helper_mt(): when the packet's connection was expected
 * by a master connection that has a helper (lib/conntrack: ftp, tftp),
 * the match is whether NAME starts with the helper's name (Linux compares
 * the helper's name's length only: "ftp-21" is the ftp helper too), and
 * an empty NAME matches any helper; in every other case (no connection,
 * no master, a master without a helper) the answer is the inversion.
 */
#include <string.h>

#include "conntrack/ct-private.h"
#include "ext/ext-private.h"
#include "ext/xt_conntrack.h"

#define HELPER_NAME_LEN 30

struct helper_info { /* xt_helper_info */
	int32_t invert;
	char name[HELPER_NAME_LEN];
	struct nfu_xt_ct_ref ref;      /* after usersize */
};

enum { O_HELPER = 0 };

static const struct nfu_xt_option helper_opts[] = {
	{ "helper", O_HELPER, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

static int helper_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			const char *arg, bool invert, void *data)
{
	struct helper_info *info = data;
	size_t n = strlen(arg);

	(void)ctx;
	(void)id;
	if (n >= sizeof(info->name))
		n = sizeof(info->name) - 1;
	memcpy(info->name, arg, n);
	info->name[n] = '\0';
	if (invert)
		info->invert = 1;
	return 0;
}

static int helper_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			      unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_HELPER)))
		return nfu_xt_error(ctx, "helper: option \"--helper\" must be "
				    "specified");
	return 0;
}

static int helper_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct helper_info *info = data;

	return nfu_xt_ct_get(ctx, &info->ref, "xt_helper");
}

static void helper_destroy(void *data)
{
	struct helper_info *info = data;

	nfu_xt_ct_put(&info->ref);
}

static bool helper_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		      void *data)
{
	const struct helper_info *info = data;
	const struct nfu_ct *ct = pkt->ct;
	const struct nfu_ct_helper *h;
	bool ret = info->invert;

	(void)par;
	if (!ct || !ct->master || !ct->master->helper)
		return ret;
	h = ct->master->helper;
	if (info->name[0] == '\0')
		return !ret;
	return ret ^ !strncmp(h->name, info->name, strlen(h->name));
}

/* libxtables' xtables_save_string() */
static void save_string(struct nfu_strbuf *sb, const char *s)
{
	static const char bare[] = "_-0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, bare);

	if (n > 0 && s[n] == '\0') {
		nfu_sb_printf(sb, " %s", s);
		return;
	}
	nfu_sb_puts(sb, " \"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '\'')
			nfu_sb_puts(sb, "\\");
		nfu_sb_printf(sb, "%c", *s);
	}
	nfu_sb_puts(sb, "\"");
}

static void helper_save(const void *data, const struct nfu_xt_ip *ip,
			struct nfu_strbuf *sb)
{
	const struct helper_info *info = data;

	(void)ip;
	nfu_sb_puts(sb, info->invert ? " ! --helper" : " --helper");
	save_string(sb, info->name);
}

static void helper_print(const void *data, const struct nfu_xt_ip *ip,
			 bool numeric, struct nfu_strbuf *sb)
{
	const struct helper_info *info = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " helper match %s\"%s\"", info->invert ? "! " : "",
		      info->name);
}

const struct nfu_xt_match_ops nfu_xt_helper = {
	.name = "helper",
	.revision = 0,
	.size = sizeof(struct helper_info),
	.usersize = offsetof(struct helper_info, ref),
	.options = helper_opts,
	.parse = helper_parse,
	.final_check = helper_final_check,
	.check = helper_check,
	.destroy = helper_destroy,
	.match = helper_mt,
	.save = helper_save,
	.print = helper_print,
};
