/* SPDX-License-Identifier: MIT */
/*
 * LOG: write a line about the packet to the stack's log sink
 * (nfu_net_ops.log), in the text of Linux's nf_log_syslog for IPv4
 * (lib/ipv4/log.c, nfu_log_ip_packet(), says where nfu's line differs).
 * The options and their save text are libxt_LOG's.  Loading a LOG rule
 * binds the stack's IPv4 logger, as xt_LOG's checkentry loads
 * nf_log_syslog, which binds itself in every namespace: conntrack's own
 * lines (nfu_log_packet()) are written from then on.
 * Returns XT_CONTINUE, as Linux's log_tg.
 */
#include <string.h>

#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

/* Linux's XT_LOG_* flags: ipv4-private.h's NFU_LOG_* */
#define LOG_TCPSEQ NFU_LOG_TCPSEQ
#define LOG_TCPOPT NFU_LOG_TCPOPT
#define LOG_IPOPT NFU_LOG_IPOPT
#define LOG_UID NFU_LOG_UID
#define LOG_MACDECODE NFU_LOG_MACDECODE
#define LOG_MASK NFU_LOG_MASK

#define LOG_DEFAULT_LEVEL 4 /* warning */

struct log_info { /* xt_log_info */
	uint8_t logflags;
	uint8_t level;
	char prefix[30];
};

/* Option ids are the bit numbers of the flags, as in libxt_LOG. */
enum {
	O_LOG_TCPSEQ = 0,
	O_LOG_TCPOPTS,
	O_LOG_IPOPTS,
	O_LOG_UID,
	O_LOG_NFLOG_UNUSED,
	O_LOG_MAC,
	O_LOG_LEVEL,
	O_LOG_PREFIX,
};

static const struct nfu_xt_option log_opts[] = {
	{ "log-level", O_LOG_LEVEL, NFU_XTOPT_ARG },
	{ "log-prefix", O_LOG_PREFIX, NFU_XTOPT_ARG },
	{ "log-tcp-sequence", O_LOG_TCPSEQ, 0 },
	{ "log-tcp-options", O_LOG_TCPOPTS, 0 },
	{ "log-ip-options", O_LOG_IPOPTS, 0 },
	{ "log-uid", O_LOG_UID, 0 },
	{ "log-macdecode", O_LOG_MAC, 0 },
	{ NULL, 0, 0 },
};

/* libxtables' syslog level names ("error" and "panic" are deprecated
 * synonyms it still takes; "err" it does not). */
static const struct {
	const char *name;
	uint8_t level;
} log_levels[] = {
	{ "alert", 1 }, { "crit", 2 },   { "debug", 7 },  { "emerg", 0 },
	{ "error", 3 }, { "info", 6 },   { "notice", 5 }, { "panic", 0 },
	{ "warning", 4 },
};

static void log_init(void *data)
{
	struct log_info *info = data;

	info->level = LOG_DEFAULT_LEVEL;
}

static int log_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct log_info *info = data;
	uintmax_t v;
	size_t n;

	(void)invert;
	switch (id) {
	case O_LOG_LEVEL:
		if (nfu_ext_strtoul(arg, NULL, &v, 0, 7, 0)) {
			info->level = (uint8_t)v;
			return 0;
		}
		for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]);
		     i++) {
			if (!strcmp(arg, log_levels[i].name)) {
				info->level = log_levels[i].level;
				return 0;
			}
		}
		return nfu_xt_error(ctx, "log level \"%s\" unknown", arg);
	case O_LOG_PREFIX:
		n = strlen(arg);
		if (n < 1)
			return nfu_xt_error(ctx, "Argument must have a minimum "
					    "length of 1 characters");
		if (strchr(arg, '\n'))
			return nfu_xt_error(ctx, "Newlines not allowed in "
					    "--log-prefix");
		/* a longer prefix is cut, silently, as libxtables does */
		if (n > sizeof(info->prefix) - 1)
			n = sizeof(info->prefix) - 1;
		memcpy(info->prefix, arg, n);
		info->prefix[n] = '\0';
		return 0;
	default:
		info->logflags |= (uint8_t)(1u << id);
		return 0;
	}
}

static int log_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct log_info *info = data;

	if (info->level >= 8)
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "LOG target: level %u >= 8", info->level);
	if (memchr(info->prefix, '\0', sizeof(info->prefix)) == NULL)
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "LOG target: prefix is not null-terminated");
	/* nf_logger_find_get(): nf_log_syslog loaded, and bound */
	if (ctx->net && ctx->net->ipv4)
		nfu_log_bind(ctx->net);
	return 0;
}

static unsigned int log_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
			       void *data)
{
	const struct log_info *info = data;

	nfu_log_ip_packet(par->net, info->level, info->logflags, info->prefix,
			  pkt, par->in, par->out);
	return NFU_XT_CONTINUE;
}

/* xtables_save_string(): bare when only [A-Za-z0-9_-], else in double
 * quotes with '"', '\\' and '\'' escaped. */
static void save_string(struct nfu_strbuf *sb, const char *s)
{
	static const char bare[] = "_-0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, bare);
	char one[3] = { '\\', 0, 0 };

	if (n > 0 && s[n] == '\0') {
		nfu_sb_printf(sb, " %s", s);
		return;
	}
	nfu_sb_puts(sb, " \"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '\'') {
			one[1] = *s;
			nfu_sb_puts(sb, one);
		} else {
			char c[2] = { *s, 0 };
			nfu_sb_puts(sb, c);
		}
	}
	nfu_sb_puts(sb, "\"");
}

static void log_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	const struct log_info *info = data;

	(void)ip;
	if (info->prefix[0]) {
		nfu_sb_puts(sb, " --log-prefix");
		save_string(sb, info->prefix);
	}
	if (info->level != LOG_DEFAULT_LEVEL)
		nfu_sb_printf(sb, " --log-level %d", info->level);
	if (info->logflags & LOG_TCPSEQ)
		nfu_sb_puts(sb, " --log-tcp-sequence");
	if (info->logflags & LOG_TCPOPT)
		nfu_sb_puts(sb, " --log-tcp-options");
	if (info->logflags & LOG_IPOPT)
		nfu_sb_puts(sb, " --log-ip-options");
	if (info->logflags & LOG_UID)
		nfu_sb_puts(sb, " --log-uid");
	if (info->logflags & LOG_MACDECODE)
		nfu_sb_puts(sb, " --log-macdecode");
}

static void log_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	/* the first name of each value in syslog.h's prioritynames */
	static const char *const names[8] = { "emerg", "alert",  "crit",
					      "err",   "warn",   "notice",
					      "info",  "debug" };
	const struct log_info *info = data;

	(void)ip;
	nfu_sb_puts(sb, " LOG");
	if (numeric) {
		nfu_sb_printf(sb, " flags %u level %u", info->logflags,
			      info->level);
	} else {
		if (info->level < 8)
			nfu_sb_printf(sb, " level %s", names[info->level]);
		else
			nfu_sb_printf(sb, " UNKNOWN level %u", info->level);
		if (info->logflags & LOG_TCPSEQ)
			nfu_sb_puts(sb, " tcp-sequence");
		if (info->logflags & LOG_TCPOPT)
			nfu_sb_puts(sb, " tcp-options");
		if (info->logflags & LOG_IPOPT)
			nfu_sb_puts(sb, " ip-options");
		if (info->logflags & LOG_UID)
			nfu_sb_puts(sb, " uid");
		if (info->logflags & LOG_MACDECODE)
			nfu_sb_puts(sb, " macdecode");
		if (info->logflags & ~LOG_MASK)
			nfu_sb_puts(sb, " unknown-flags");
	}
	if (info->prefix[0])
		nfu_sb_printf(sb, " prefix \"%s\"", info->prefix);
}

const struct nfu_xt_target_ops nfu_xt_LOG = {
	.name = "LOG",
	.revision = 0,
	.size = sizeof(struct log_info),
	.options = log_opts,
	.init = log_init,
	.parse = log_parse,
	.check = log_check,
	.target = log_target,
	.save = log_save,
	.print = log_print,
};
