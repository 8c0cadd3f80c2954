/* SPDX-License-Identifier: MIT */
/* xt_comment.c - the "comment" match: text kept with the rule, always
 * true.  As iptables, a comment longer than 255 bytes is cut, silently. */
#include <string.h>

#include "ext/ext-private.h"

struct comment_info {
	char comment[256];
};

static const struct nfu_xt_option comment_opts[] = {
	{ "comment", 0, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

static int comment_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			 const char *arg, bool invert, void *data)
{
	struct comment_info *c = data;
	size_t n = strlen(arg);

	(void)id;
	if (invert)
		return nfu_xt_error(ctx, "comment: option \"--comment\" cannot be inverted.");
	if (n > sizeof(c->comment) - 1)
		n = sizeof(c->comment) - 1;
	memcpy(c->comment, arg, n);
	c->comment[n] = 0;
	return 0;
}

static int comment_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			       unsigned int seen)
{
	(void)data;
	if (!(seen & 1u))
		return nfu_xt_error(ctx, "comment: option \"--comment\" must be specified");
	return 0;
}

static bool comment_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			  void *data)
{
	(void)pkt;
	(void)par;
	(void)data;
	return true;
}

/* libxtables' xtables_save_string(): bare when made only of letters,
 * digits, '_' and '-' (and not empty), else in double quotes with '"',
 * '\' and '\'' escaped by a backslash. */
static void save_string(struct nfu_strbuf *sb, const char *s)
{
	static const char bare[] = "_-0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, bare);

	if (n > 0 && s[n] == 0) {
		nfu_sb_printf(sb, " %s", s);
		return;
	}
	nfu_sb_puts(sb, " \"");
	for (; *s; s++) {
		char ch[3] = { '\\', *s, 0 };

		nfu_sb_puts(sb, strchr("\"\\'", *s) ? ch : ch + 1);
	}
	nfu_sb_puts(sb, "\"");
}

static void comment_save(const void *data, const struct nfu_xt_ip *ip,
			 struct nfu_strbuf *sb)
{
	const struct comment_info *c = data;

	(void)ip;
	nfu_sb_puts(sb, " --comment");
	save_string(sb, c->comment);
}

static void comment_print(const void *data, const struct nfu_xt_ip *ip,
			  bool numeric, struct nfu_strbuf *sb)
{
	const struct comment_info *c = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " /* %s */", c->comment);
}

const struct nfu_xt_match_ops nfu_xt_comment = {
	.name = "comment",
	.size = sizeof(struct comment_info),
	.options = comment_opts,
	.parse = comment_parse,
	.final_check = comment_final_check,
	.match = comment_match,
	.save = comment_save,
	.print = comment_print,
};
