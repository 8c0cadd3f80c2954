/* SPDX-License-Identifier: MIT */
/*
 * The iptables command line (iptables 1.8.9 legacy: do_parse() and
 * do_command4()), read into a struct nfu_xt_cmd and a struct nfu_xt_rule.
 *
 * iptables runs getopt_long() over a table of options that grows as
 * matches (-m) and targets (-j) are loaded, with the optstring "-:…", so
 * that words that are not options come back in order (a lone "!" inverts
 * what follows, anything else is "Bad argument") and a missing argument is
 * reported as such.  The loop below does the same with its own getopt:
 * exact long names, unambiguous prefixes, "--name=value", short options
 * grouped or with their argument attached.  Which extension an option
 * belongs to: the newest loaded one that has it, as in iptables' merged
 * option table.  An option no loaded extension knows, after -p PROTO,
 * loads the match named after the protocol and is read again (iptables'
 * implicit "-m tcp").
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "xtables/lang.h"

/* Options of the IP part, as iptables' OPT_* bits. */
enum {
	OPT_NUMERIC = 1 << 0,
	OPT_SOURCE = 1 << 1,
	OPT_DESTINATION = 1 << 2,
	OPT_PROTOCOL = 1 << 3,
	OPT_JUMP = 1 << 4,
	OPT_VERBOSE = 1 << 5,
	OPT_EXPANDED = 1 << 6,
	OPT_VIANAMEIN = 1 << 7,
	OPT_VIANAMEOUT = 1 << 8,
	OPT_LINENUMBERS = 1 << 9,
	OPT_COUNTERS = 1 << 10,
	OPT_FRAGMENT = 1 << 11,
	NUMBER_OF_OPT = 12,
};
static const char optflags[NUMBER_OF_OPT] = {
	'n', 's', 'd', 'p', 'j', 'v', 'x', 'i', 'o', '0', 'c', 'f'
};
static const uint8_t inverse_for_options[NUMBER_OF_OPT] = {
	0, NFU_IPT_INV_SRCIP, NFU_IPT_INV_DSTIP, NFU_IPT_INV_PROTO, 0, 0, 0,
	NFU_IPT_INV_VIA_IN, NFU_IPT_INV_VIA_OUT, 0, 0, NFU_IPT_INV_FRAG,
};
static const char cmdflags[] = { 'I', 'D', 'D', 'R', 'A', 'L', 'F', 'Z',
				 'N', 'X', 'P', 'E', 'S', 'Z', 'C' };
#define NUMBER_OF_CMD 15

/* iptables' commands_v_options: 'x' illegal, ' ' allowed. */
static const char commands_v_options[NUMBER_OF_CMD][NUMBER_OF_OPT + 1] = {
	/*          nsdpjvxio0cf */
	/*INSERT*/ "x     x  x  ",
	/*DELETE*/ "x     x  xx ",
	/*DEL_NUM*/"xxxxx xxxxxx",
	/*REPLACE*/"x     x  x  ",
	/*APPEND*/ "x     x  x  ",
	/*LIST*/   " xxxx  xx xx",
	/*FLUSH*/  "xxxxx xxxxxx",
	/*ZERO*/   "xxxxx xxxxxx",
	/*NEW*/    "xxxxx xxxxxx",
	/*DEL_CH*/ "xxxxx xxxxxx",
	/*POLICY*/ "xxxxx xxxx x",
	/*RENAME*/ "xxxxx xxxxxx",
	/*LIST_R*/ "xxxxx xxxxxx",
	/*ZERO_N*/ "xxxxx xxxxxx",
	/*CHECK*/  "x     x  xx ",
};

/*
 * Protocols: Debian's /etc/protocols (netbase), which getprotobyname()
 * and getprotobynumber() read for iptables, then iptables' own list
 * (xtables_chain_protos) for names netbase lacks.
 */
struct proto_name {
	const char *name;
	uint8_t num;
};
static const struct proto_name netbase_protos[] = {
	{ "ip", 0 }, { "hopopt", 0 }, { "icmp", 1 }, { "igmp", 2 },
	{ "ggp", 3 }, { "ipencap", 4 }, { "st", 5 }, { "tcp", 6 },
	{ "egp", 8 }, { "igp", 9 }, { "pup", 12 }, { "udp", 17 },
	{ "hmp", 20 }, { "xns-idp", 22 }, { "rdp", 27 }, { "iso-tp4", 29 },
	{ "dccp", 33 }, { "xtp", 36 }, { "ddp", 37 }, { "idpr-cmtp", 38 },
	{ "ipv6", 41 }, { "ipv6-route", 43 }, { "ipv6-frag", 44 },
	{ "idrp", 45 }, { "rsvp", 46 }, { "gre", 47 }, { "esp", 50 },
	{ "ah", 51 }, { "skip", 57 }, { "ipv6-icmp", 58 },
	{ "ipv6-nonxt", 59 }, { "ipv6-opts", 60 }, { "rspf", 73 },
	{ "vmtp", 81 }, { "eigrp", 88 }, { "ospf", 89 }, { "ax.25", 93 },
	{ "ipip", 94 }, { "etherip", 97 }, { "encap", 98 }, { "pim", 103 },
	{ "ipcomp", 108 }, { "vrrp", 112 }, { "l2tp", 115 }, { "isis", 124 },
	{ "sctp", 132 }, { "fc", 133 }, { "mobility-header", 135 },
	{ "udplite", 136 }, { "mpls-in-ip", 137 }, { "manet", 138 },
	{ "hip", 139 }, { "shim6", 140 }, { "wesp", 141 }, { "rohc", 142 },
	{ "ethernet", 143 },
	{ NULL, 0 }
};
static const struct proto_name chain_protos[] = {
	{ "tcp", 6 }, { "sctp", 132 }, { "udp", 17 }, { "udplite", 136 },
	{ "icmp", 1 }, { "icmpv6", 58 }, { "ipv6-icmp", 58 }, { "esp", 50 },
	{ "ah", 51 }, { "ipv6-mh", 135 }, { "mh", 135 }, { "all", 0 },
	{ NULL, 0 }
};

/* xtables_strtoui(): the whole string, base 0 (0x.., 0..), in range. */
static bool strtoui(const char *s, unsigned long long max,
		    unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned int n = 0;
	char *end;

	/* plain decimal (no blank, sign, 0 or 0x prefix), short enough not
	 * to overflow: what strtoull() would read, without its cost */
	if (s[0] >= '1' && s[0] <= '9') {
		for (; n < 19 && s[n] >= '0' && s[n] <= '9'; n++)
			v = v * 10 + (unsigned int)(s[n] - '0');
		if (s[n] == '\0') {
			if (v > max)
				return false;
			*out = v;
			return true;
		}
	} else if (s[0] == '0' && s[1] == '\0') {
		*out = 0;
		return true;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end != '\0' || errno == ERANGE || v > max)
		return false;
	/* strtoull() takes "-1" as a huge number, which max refuses, but
	 * "-0" would pass: iptables accepts it too */
	*out = v;
	return true;
}

int nfu_xt_proto_parse(const char *s, uint16_t *proto)
{
	unsigned long long v;

	if (strtoui(s, 255, &v)) {
		*proto = (uint16_t)v;
		return 0;
	}
	if (!strcmp(s, "all")) {
		*proto = 0;
		return 0;
	}
	for (unsigned int i = 0; netbase_protos[i].name; i++)
		if (!strcmp(netbase_protos[i].name, s)) {
			*proto = netbase_protos[i].num;
			return 0;
		}
	for (unsigned int i = 0; chain_protos[i].name; i++)
		if (!strcmp(chain_protos[i].name, s)) {
			*proto = chain_protos[i].num;
			return 0;
		}
	return -ENOENT;
}

const char *nfu_xt_proto_name(uint16_t proto)
{
	if (proto) /* getprotobynumber() first, as proto_to_name() */
		for (unsigned int i = 0; netbase_protos[i].name; i++)
			if (netbase_protos[i].num == proto)
				return netbase_protos[i].name;
	for (unsigned int i = 0; chain_protos[i].name; i++)
		if (chain_protos[i].num == proto)
			return chain_protos[i].name;
	return NULL;
}

int nfu_xt_exit_status(int rc)
{
	if (rc == 0)
		return 0;
	return rc == -EINVAL ? 2 : 1;
}

void nfu_xt_cmd_init(struct nfu_xt_cmd *cmd, const char *prog,
		     unsigned int line, bool restore)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->prog = prog;
	cmd->line = line;
	cmd->restore = restore;
}

void nfu_xt_cmd_free(struct nfu_xt_cmd *cmd)
{
	free(cmd->src);
	free(cmd->dst);
	cmd->src = cmd->dst = NULL;
	cmd->nsrc = cmd->ndst = 0;
}

/*
 * The parser's state.
 */

/* An extension loaded in this command: a match of the rule or the
 * target; the newest is searched first for options. */
struct loaded {
	const struct nfu_xt_option *options;
	const char *name;
	bool is_target;
	unsigned int match;  /* index in rule->matches */
	unsigned int seen;
};

#define MAX_LOADED 64

struct pstate {
	int argc;
	char **argv;
	int optind;
	const char *cluster;      /* rest of a group of short options */
	struct nfu_xt_cmd *cmd;
	struct nfu_xt_rule *rule;
	const struct nfu_xt_table *t;
	struct nfu_error *err;
	unsigned int options;     /* OPT_* */
	const char *protocol;     /* -p as written (lowercased) */
	bool proto_used;
	const char *jumpto;       /* -j / -g name */
	const struct nfu_xt_target_ops *target;
	bool goto_set;
	const char *shost, *dhost;
	/* the last word that getopt moved past, for messages (iptables
	 * copies it into a 64-byte buffer: option_name()) */
	const char *optword;
	char optname[64];
	unsigned int nloaded;
	/* last: nfu_xt_parse_rule() zeroes what comes before, and only
	 * loaded[0 .. nloaded - 1] is ever read */
	struct loaded loaded[MAX_LOADED];
};

/* PARAMETER_PROBLEM: "prog v1.8.9 (legacy): msg\n", the line, try-help. */
static int vperr(struct pstate *ps, bool bare, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static int vperr(struct pstate *ps, bool bare, const char *fmt, va_list ap)
{
	struct nfu_xt_cmd *cmd = ps->cmd;
	char msg[400];
	int n = 0;

	if (!ps->err)
		return -EINVAL;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (bare)
		n = snprintf(ps->err->msg, sizeof(ps->err->msg), "%s\n", msg);
	else
		n = snprintf(ps->err->msg, sizeof(ps->err->msg),
			     "%s v" NFU_XT_IPTABLES_VERSION " (legacy): %s\n",
			     cmd->prog, msg);
	if (n < 0 || (size_t)n >= sizeof(ps->err->msg))
		n = (int)sizeof(ps->err->msg) - 1;
	if (cmd->line)
		n += snprintf(ps->err->msg + n, sizeof(ps->err->msg) - (size_t)n,
			      "Error occurred at line: %u\n", cmd->line);
	if ((size_t)n < sizeof(ps->err->msg))
		snprintf(ps->err->msg + n, sizeof(ps->err->msg) - (size_t)n,
			 "Try `%s -h' or '%s --help' for more information.\n",
			 cmd->prog, cmd->prog);
	ps->err->line = cmd->line;
	ps->err->column = 0;
	return -EINVAL;
}

static int perr(struct pstate *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int perr(struct pstate *ps, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vperr(ps, false, fmt, ap);
	va_end(ap);
	return rc;
}

/* A message iptables prints without its name and version. */
static int perr_bare(struct pstate *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int perr_bare(struct pstate *ps, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vperr(ps, true, fmt, ap);
	va_end(ap);
	return rc;
}

/* Wraps the bare message an extension left in err->msg. */
static int ext_err(struct pstate *ps, int rc)
{
	char msg[sizeof(ps->err->msg)];

	if (rc == -ENOMEM || !ps->err)
		return rc;
	snprintf(msg, sizeof(msg), "%s", ps->err->msg);
	return perr(ps, "%s", msg);
}

/*
 * getopt.
 */
enum { NO_ARG, REQ_ARG, OPT_ARG };

struct opt {
	const char *name;
	uint8_t has_arg;
	int val;
};

static const struct opt original_opts[] = {
	{ "append", REQ_ARG, 'A' },        { "delete", REQ_ARG, 'D' },
	{ "check", REQ_ARG, 'C' },         { "insert", REQ_ARG, 'I' },
	{ "replace", REQ_ARG, 'R' },       { "list", OPT_ARG, 'L' },
	{ "list-rules", OPT_ARG, 'S' },    { "flush", OPT_ARG, 'F' },
	{ "zero", OPT_ARG, 'Z' },          { "new-chain", REQ_ARG, 'N' },
	{ "delete-chain", OPT_ARG, 'X' },  { "rename-chain", REQ_ARG, 'E' },
	{ "policy", REQ_ARG, 'P' },        { "source", REQ_ARG, 's' },
	{ "destination", REQ_ARG, 'd' },   { "src", REQ_ARG, 's' },
	{ "dst", REQ_ARG, 'd' },           { "protocol", REQ_ARG, 'p' },
	{ "in-interface", REQ_ARG, 'i' },  { "jump", REQ_ARG, 'j' },
	{ "table", REQ_ARG, 't' },         { "match", REQ_ARG, 'm' },
	{ "numeric", NO_ARG, 'n' },        { "out-interface", REQ_ARG, 'o' },
	{ "verbose", NO_ARG, 'v' },        { "wait", OPT_ARG, 'w' },
	{ "wait-interval", OPT_ARG, 'W' }, { "exact", NO_ARG, 'x' },
	{ "fragments", NO_ARG, 'f' },      { "version", NO_ARG, 'V' },
	{ "help", OPT_ARG, 'h' },          { "line-numbers", NO_ARG, '0' },
	{ "modprobe", REQ_ARG, 'M' },      { "set-counters", REQ_ARG, 'c' },
	{ "goto", REQ_ARG, 'g' },          { "ipv4", NO_ARG, '4' },
	{ "ipv6", NO_ARG, '6' },
};
#define NORIG (sizeof(original_opts) / sizeof(original_opts[0]))

/* "-:A:C:D:R:I:L::S::M:F::Z::N:X::E:P:Vh::o:p:s:d:j:i:fvw::W::nt:m:xc:g:46" */
static int short_has_arg(int c)
{
	switch (c) {
	case 'A': case 'C': case 'D': case 'R': case 'I': case 'M':
	case 'N': case 'E': case 'P': case 'o': case 'p': case 's':
	case 'd': case 'j': case 'i': case 't': case 'm': case 'c':
	case 'g':
		return REQ_ARG;
	case 'L': case 'S': case 'F': case 'Z': case 'X': case 'h':
	case 'w': case 'W':
		return OPT_ARG;
	case 'V': case 'f': case 'v': case 'n': case 'x': case '4':
	case '6':
		return NO_ARG;
	default:
		return -1;
	}
}

/* What getopt returned: an option of the core (val), of an extension
 * (ext >= 0, ext_opt), a word (val 1), a missing argument (':') or an
 * unknown option ('?'). */
struct got {
	int val;
	int ext;
	const struct nfu_xt_option *ext_opt;
	const char *optarg;
};

/* Option name 'opt' is the 'len' bytes at 'name' ('exact'), or begins
 * with them.  The first byte is compared here: most names differ there,
 * and every word of a rule is looked up in some forty names. */
static bool opt_name_is(const char *opt, const char *name, size_t len,
			bool exact)
{
	if (len && opt[0] != name[0])
		return false;
	/* when equal, opt has 'len' bytes before its NUL, as 'name' has */
	return !strncmp(opt, name, len) && (!exact || opt[len] == '\0');
}

/* Candidate long options: the core's, then the loaded extensions', the
 * newest first (the merged table of iptables). */
static int find_long(struct pstate *ps, const char *name, size_t len,
		     struct got *g, int *has_arg)
{
	int found = 0;
	int fval = 0, fext = -1, fhas = 0;
	const struct nfu_xt_option *fopt = NULL;

	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < NORIG; i++) {
			const struct opt *o = &original_opts[i];

			if (!opt_name_is(o->name, name, len, pass == 0))
				continue;
			if (pass == 0 || !found) {
				fval = o->val;
				fext = -1;
				fopt = NULL;
				fhas = o->has_arg;
				if (pass == 0)
					goto done;
				found = 1;
			} else if (fext != -1 || fval != o->val ||
				   fhas != o->has_arg) {
				found = 2;
			}
		}
		for (int k = (int)ps->nloaded - 1; k >= 0; k--) {
			const struct nfu_xt_option *e = ps->loaded[k].options;

			for (; e && e->name; e++) {
				if (!opt_name_is(e->name, name, len, pass == 0))
					continue;
				if (pass == 0 || !found) {
					fval = 0;
					fext = k;
					fopt = e;
					fhas = (e->flags & NFU_XTOPT_ARG) ?
						       REQ_ARG : NO_ARG;
					if (pass == 0)
						goto done;
					found = 1;
				} else if (fopt != e) {
					found = 2;
				}
			}
		}
		if (pass == 1 && found == 1)
			goto done;
	}
	return -1;
done:
	g->val = fval;
	g->ext = fext;
	g->ext_opt = fopt;
	*has_arg = fhas;
	return 0;
}

static void next_opt(struct pstate *ps, struct got *g)
{
	const char *arg;

	g->val = -1;
	g->ext = -1;
	g->ext_opt = NULL;
	g->optarg = NULL;
	if (ps->cluster && *ps->cluster) {
		int c = (unsigned char)*ps->cluster++;
		int has = short_has_arg(c);

		if (has < 0) {
			if (!*ps->cluster)
				ps->optind++;
			g->val = '?';
			return;
		}
		g->val = c;
		if (has == NO_ARG) {
			if (!*ps->cluster)
				ps->optind++;
			return;
		}
		if (*ps->cluster) {
			g->optarg = ps->cluster;
			ps->cluster = NULL;
			ps->optind++;
			return;
		}
		ps->cluster = NULL;
		ps->optind++;
		if (has == REQ_ARG) {
			if (ps->optind >= ps->argc)
				g->val = ':';
			else
				g->optarg = ps->argv[ps->optind++];
		}
		return;
	}
	ps->cluster = NULL;
	if (ps->optind >= ps->argc)
		return;
	arg = ps->argv[ps->optind];
	if (arg[0] != '-' || arg[1] == '\0') {
		g->val = 1;
		g->optarg = arg;
		ps->optind++;
		return;
	}
	if (arg[1] == '-' && arg[2] == '\0') {
		/* "--" ends the options; what follows is left over */
		ps->optind++;
		return;
	}
	if (arg[1] == '-') {
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		int has;

		ps->optind++;
		if (find_long(ps, name, len, g, &has) < 0) {
			g->val = '?';
			return;
		}
		if (has == NO_ARG && eq) {
			g->val = '?';
			g->ext = -1;
			return;
		}
		if (eq) {
			g->optarg = eq + 1;
		} else if (has == REQ_ARG) {
			if (ps->optind >= ps->argc) {
				g->val = ':';
				g->ext = -1;
				return;
			}
			g->optarg = ps->argv[ps->optind++];
		}
		return;
	}
	ps->cluster = arg + 1;
	next_opt(ps, g);
}

/* xs_has_arg(): the next word is an argument, not an option or '!'. */
static bool has_arg(struct pstate *ps)
{
	return ps->optind < ps->argc && ps->argv[ps->optind][0] != '-' &&
	       ps->argv[ps->optind][0] != '!';
}

static char opt2char(unsigned int option)
{
	unsigned int i = 0;

	while (option > 1) {
		option >>= 1;
		i++;
	}
	return optflags[i];
}

static char cmd2char(unsigned int command)
{
	unsigned int i = 0;

	while (command > 1) {
		command >>= 1;
		i++;
	}
	return i < NUMBER_OF_CMD ? cmdflags[i] : '?';
}

static int add_command(struct pstate *ps, unsigned int newcmd,
		       unsigned int othercmds, bool invert)
{
	struct nfu_xt_cmd *cmd = ps->cmd;

	if (invert)
		return perr(ps, "unexpected ! flag");
	if (cmd->command & ~othercmds)
		return perr(ps, "Cannot use -%c with -%c", cmd2char(newcmd),
			    cmd2char(cmd->command & ~othercmds));
	cmd->command |= newcmd;
	return 0;
}

static int set_option(struct pstate *ps, unsigned int option, bool invert)
{
	unsigned int i = 0;

	if (ps->options & option)
		return perr(ps, "multiple -%c flags not allowed",
			    opt2char(option));
	ps->options |= option;
	if (invert) {
		while ((1u << i) != option)
			i++;
		if (!inverse_for_options[i])
			return perr(ps, "cannot have ! before -%c",
				    opt2char(option));
		ps->rule->ip.invflags |= inverse_for_options[i];
	}
	return 0;
}

static int parse_rulenumber(struct pstate *ps, const char *s)
{
	unsigned long long v;

	if (!strtoui(s, 0x7fffffff, &v) || v < 1)
		return perr(ps, "Invalid rule number `%s'", s);
	ps->cmd->rulenum = (unsigned int)v;
	return 0;
}

static bool is_std_target(const char *name)
{
	return !strcmp(name, "ACCEPT") || !strcmp(name, "DROP") ||
	       !strcmp(name, "QUEUE") || !strcmp(name, "RETURN");
}

static int parse_chain_name(struct pstate *ps, const char *name)
{
	if (strlen(name) >= NFU_XT_CHAIN_MAXNAMELEN)
		return perr(ps, "chain name `%s' too long (must be under %u chars)",
			    name, NFU_XT_CHAIN_MAXNAMELEN);
	if (name[0] == '-' || name[0] == '!')
		return perr(ps, "chain name not allowed to start with `%c'",
			    name[0]);
	if (is_std_target(name) || nfu_xt_find_target(name))
		return perr(ps, "chain name may not clash with target name");
	for (const char *p = name; *p; p++)
		if (isspace((unsigned char)*p))
			return perr(ps, "Invalid chain name `%s'", name);
	return 0;
}

static int parse_target_name(struct pstate *ps, const char *name)
{
	if (strlen(name) < 1)
		return perr(ps, "Invalid target name (too short)");
	if (strlen(name) >= NFU_XT_EXT_MAXNAMELEN)
		return perr(ps, "Invalid target name `%s' (%u chars max)", name,
			    NFU_XT_EXT_MAXNAMELEN - 1);
	for (const char *p = name; *p; p++)
		if (isspace((unsigned char)*p))
			return perr(ps, "Invalid target name `%s'", name);
	return 0;
}

/* xtables_parse_interface() */
static int parse_interface(struct pstate *ps, const char *arg, char *name,
			   uint8_t *len, bool *plus)
{
	size_t n = strlen(arg);

	if (n + 1 > 16)
		return perr(ps, "interface name `%s' must be shorter than IFNAMSIZ (%i)",
			    arg, 15);
	memset(name, 0, 16);
	*plus = n > 0 && arg[n - 1] == '+';
	if (*plus)
		n--;
	memcpy(name, arg, n);
	*len = (uint8_t)n;
	return 0;
}

static void *grow_array(void *p, unsigned int n, size_t size)
{
	return realloc(p, (size_t)(n + 1) * size);
}

/* A new instance of match 'ops' at the end of the rule. */
static int load_match(struct pstate *ps, const struct nfu_xt_match_ops *ops)
{
	struct nfu_xt_rule *r = ps->rule;
	struct nfu_xt_ematch *m;
	void *data;

	if (ps->nloaded == MAX_LOADED)
		return perr(ps, "too many extensions");
	m = grow_array(r->matches, r->nmatches, sizeof(*m));
	if (!m)
		return -ENOMEM;
	r->matches = m;
	data = calloc(1, ops->size ? ops->size : 1);
	if (!data)
		return -ENOMEM;
	if (ops->init)
		ops->init(data);
	m[r->nmatches].ops = ops;
	m[r->nmatches].data = data;
	m[r->nmatches].seen = 0;
	ps->loaded[ps->nloaded++] = (struct loaded){
		.options = ops->options, .name = ops->name,
		.is_target = false, .match = r->nmatches,
	};
	r->nmatches++;
	return 0;
}

static int command_match(struct pstate *ps, const char *name, bool invert)
{
	const struct nfu_xt_match_ops *ops;

	if (invert)
		return perr(ps, "unexpected ! flag before --match");
	if (strlen(name) >= NFU_XT_EXT_MAXNAMELEN)
		return perr(ps, "Invalid match name \"%s\" (%u chars max)", name,
			    NFU_XT_EXT_MAXNAMELEN - 1);
	ops = nfu_xt_find_match(name);
	if (!ops)
		return perr(ps, "Couldn't load match `%s':No such file or directory\n",
			    name);
	return load_match(ps, ops);
}

static int command_jump(struct pstate *ps, const char *name)
{
	struct nfu_xt_rule *r = ps->rule;
	const struct nfu_xt_target_ops *ops;
	int rc = parse_target_name(ps, name);

	if (rc)
		return rc;
	ps->jumpto = name;
	if (is_std_target(name))
		return 0;
	ops = nfu_xt_find_target(name);
	if (!ops)
		return 0; /* perhaps a chain: decided at the end */
	if (ps->nloaded == MAX_LOADED)
		return perr(ps, "too many extensions");
	ps->target = ops;
	r->tdata = calloc(1, ops->size ? ops->size : 1);
	if (!r->tdata)
		return -ENOMEM;
	r->target = ops;
	r->tkind = NFU_XT_T_EXT;
	if (ops->init)
		ops->init(r->tdata);
	ps->loaded[ps->nloaded++] = (struct loaded){
		.options = ops->options, .name = ops->name, .is_target = true,
	};
	return 0;
}

/* The option as written, for an extension's messages: at most 63
 * characters, as iptables' copy of it.  ext_option() runs right after
 * getopt moved past the extension's own option word, which nothing
 * changes in place (only -p's argument is lowercased), so pointing at
 * that word says the same as a copy made at every option, for less. */
static const char *option_name(struct pstate *ps)
{
	if (!ps->optword)
		return "";
	if (strnlen(ps->optword, sizeof(ps->optname)) < sizeof(ps->optname))
		return ps->optword;
	snprintf(ps->optname, sizeof(ps->optname), "%s", ps->optword);
	return ps->optname;
}

/* An option of loaded extension 'k'. */
static int ext_option(struct pstate *ps, int k, const struct nfu_xt_option *o,
		      const char *arg, bool invert)
{
	struct loaded *l = &ps->loaded[k];
	struct nfu_xt_parse_ctx ctx = {
		.table = ps->cmd->table,
		.ip = &ps->rule->ip,
		.option = option_name(ps),
		.err = ps->err,
		.prog = ps->cmd->prog,
	};
	void *data;
	int rc;

	if (!(o->flags & NFU_XTOPT_MULTI) && (l->seen & (1u << o->id)))
		return perr(ps, "%s: option \"--%s\" can only be used once.\n",
			    l->name, o->name);
	if (invert && !(o->flags & NFU_XTOPT_INVERT))
		return perr(ps, "%s: option \"--%s\" cannot be inverted.\n",
			    l->name, o->name);
	if ((o->flags & NFU_XTOPT_ARG2) && has_arg(ps))
		ctx.arg2 = ps->argv[ps->optind++];
	if (l->is_target) {
		data = ps->rule->tdata;
		rc = ps->target->parse ?
			     ps->target->parse(&ctx, o->id, arg, invert, data) : 0;
	} else {
		const struct nfu_xt_match_ops *ops =
			ps->rule->matches[l->match].ops;

		data = ps->rule->matches[l->match].data;
		rc = ops->parse ? ops->parse(&ctx, o->id, arg, invert, data) : 0;
	}
	if (rc)
		return ext_err(ps, rc);
	l->seen |= 1u << o->id;
	if (!l->is_target)
		ps->rule->matches[l->match].seen = l->seen;
	return 0;
}

/* iptables' implicit "-m PROTO": 1 when a match was loaded. */
static int load_proto(struct pstate *ps)
{
	const struct nfu_xt_match_ops *ops;
	const char *name = ps->protocol;
	unsigned long long v;
	int rc;

	if (!ps->protocol || ps->proto_used)
		return 0;
	if (strtoui(name, 255, &v)) {
		name = nfu_xt_proto_name((uint16_t)v);
		if (!name)
			return 0;
	}
	ops = nfu_xt_find_match(name);
	if (!ops)
		return 0;
	rc = load_match(ps, ops);
	if (rc)
		return rc;
	ps->proto_used = true;
	return 1;
}

/*
 * Addresses: xtables_ipparse_multiple().
 */

/* __numeric_to_ipaddr(): 1 to 4 parts of 0..255 (base 0 each), the
 * missing ones zero ("10" is 10.0.0.0); a mask needs all four. */
static bool numeric_to_ipaddr(const char *s, bool is_mask, uint32_t *out)
{
	char buf[20], *p, *q;
	uint8_t b[4] = { 0, 0, 0, 0 };
	unsigned long long v;
	int i;

	if (strlen(s) > sizeof(buf) - 1)
		return false;
	strcpy(buf, s);
	p = buf;
	for (i = 0; i < 3; i++) {
		q = strchr(p, '.');
		if (!q) {
			if (is_mask || !strtoui(p, 255, &v))
				return false;
			b[i] = (uint8_t)v;
			goto done;
		}
		*q = '\0';
		if (!strtoui(p, 255, &v))
			return false;
		b[i] = (uint8_t)v;
		p = q + 1;
	}
	if (!strtoui(p, 255, &v))
		return false;
	b[3] = (uint8_t)v;
done:
	memcpy(out, b, 4);
	return true;
}

/* A host name: no DNS in nfu; what getaddrinfo() reads without asking
 * anyone (inet_aton forms) and the "localhost" of every /etc/hosts. */
static bool host_to_ipaddr(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (!strcmp(s, "localhost")) {
		*out = htonl(INADDR_LOOPBACK);
		return true;
	}
	if (*s && inet_aton(s, &a)) {
		*out = a.s_addr;
		return true;
	}
	return false;
}

static int parse_mask(struct pstate *ps, const char *s, uint32_t *mask)
{
	unsigned long long bits;

	if (!s) {
		*mask = 0xffffffffu;
		return 0;
	}
	if (strchr(s, '.')) {
		if (!numeric_to_ipaddr(s, true, mask))
			return perr(ps, "invalid mask `%s' specified", s);
		return 0;
	}
	if (!strtoui(s, 32, &bits))
		return perr(ps, "invalid mask `%s' specified", s);
	*mask = bits ? htonl(0xffffffffu << (32 - bits)) : 0;
	return 0;
}

/* The address of a rule command without -s or -d. */
static const char any_addr[] = "0.0.0.0/0";

static int push_addr(struct nfu_xt_addr **out, unsigned int *n,
		     struct nfu_xt_addr a)
{
	struct nfu_xt_addr *na = grow_array(*out, *n, sizeof(*na));

	if (!na)
		return -ENOMEM;
	*out = na;
	na[(*n)++] = a;
	return 0;
}

static int ipparse_multiple(struct pstate *ps, const char *spec,
			    struct nfu_xt_addr **out, unsigned int *n)
{
	const char *p = spec;

	/* what the loop below makes of it, without reading it again for
	 * every rule */
	if (spec == any_addr)
		return push_addr(out, n, (struct nfu_xt_addr){ 0, 0 });
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char buf[256], *slash;
		struct nfu_xt_addr a;
		int rc;

		if (len > sizeof(buf) - 1)
			len = sizeof(buf) - 1;
		memcpy(buf, p, len);
		buf[len] = '\0';
		slash = strrchr(buf, '/');
		if (slash)
			*slash = '\0';
		rc = parse_mask(ps, slash ? slash + 1 : NULL, &a.mask);
		if (rc)
			return rc;
		/* a null mask ignores the name, as in "any/0" */
		if (a.mask == 0)
			strcpy(buf, "0.0.0.0");
		if (!numeric_to_ipaddr(buf, false, &a.addr) &&
		    !host_to_ipaddr(buf, &a.addr))
			return perr(ps, "host/network `%s' not found", buf);
		a.addr &= a.mask;
		rc = push_addr(out, n, a);
		if (rc)
			return rc;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int generic_opt_check(struct pstate *ps)
{
	for (unsigned int i = 0; i < NUMBER_OF_OPT; i++) {
		int legal = 0;

		if (!(ps->options & (1u << i)))
			continue;
		for (unsigned int j = 0; j < NUMBER_OF_CMD; j++) {
			if (!(ps->cmd->command & (1u << j)))
				continue;
			if (commands_v_options[j][i] != 'x')
				legal = 1;
			else if (legal == 0)
				legal = -1;
		}
		if (legal == -1)
			return perr(ps, "Illegal option `-%c' with this command",
				    optflags[i]);
	}
	return 0;
}

static int do_counters(struct pstate *ps, const char *optarg)
{
	struct nfu_xt_cmd *cmd = ps->cmd;
	const char *pcnt = optarg, *bcnt;
	unsigned long long v;
	char *end;

	bcnt = *pcnt ? strchr(pcnt + 1, ',') : NULL;
	if (bcnt)
		bcnt++;
	if (!bcnt && has_arg(ps))
		bcnt = ps->argv[ps->optind++];
	if (!bcnt)
		return perr(ps, "-%c requires packet and byte counter", 'c');
	/* sscanf("%llu"): leading blanks, a sign, digits, then anything */
	errno = 0;
	v = strtoull(pcnt, &end, 10);
	if (end == pcnt)
		return perr(ps, "-%c packet counter not numeric", 'c');
	cmd->pcnt = v;
	v = strtoull(bcnt, &end, 10);
	if (end == bcnt)
		return perr(ps, "-%c byte counter not numeric", 'c');
	cmd->bcnt = v;
	cmd->set_counters = true;
	return 0;
}

_Static_assert(sizeof(((struct nfu_xt_chain *)0)->name) ==
		       NFU_XT_CHAIN_MAXNAMELEN,
	       "table_has_chain() compares whole names in the array");

/* nfu_xt_chain_find(ps->t, name) != NULL, for less: most rules jump to
 * a standard verdict, which is then looked for in every chain of the
 * table in vain, and a byte compared first rules out nearly every
 * chain without a call to strcmp(). */
static bool table_has_chain(const struct pstate *ps, const char *name)
{
	const struct nfu_xt_table *t = ps->t;
	size_t len;

	if (!t)
		return false;
	len = strnlen(name, NFU_XT_CHAIN_MAXNAMELEN);
	if (len == NFU_XT_CHAIN_MAXNAMELEN)
		return false; /* longer than any chain's name */
	for (unsigned int i = 0; i < t->nchains; i++) {
		const char *c = t->chains[i]->name;

		if (c[0] == name[0] && !memcmp(c, name, len + 1))
			return true;
	}
	return false;
}

/* One option of the core; 'raw' is the last word consumed (iptables reads
 * -p/-s/-d/-i/-o from argv[optind - 1], so "-ptcp" is protocol "-ptcp"). */
static int core_option(struct pstate *ps, const struct got *g, bool invert)
{
	struct nfu_xt_cmd *cmd = ps->cmd;
	struct nfu_xt_rule *r = ps->rule;
	char *raw = ps->optind > 0 ? ps->argv[ps->optind - 1] : NULL;
	const char *optarg = g->optarg;
	int rc = 0;

	switch (g->val) {
	case 'A':
		rc = add_command(ps, NFU_XT_CMD_APPEND, 0, invert);
		cmd->chain = optarg;
		return rc;
	case 'C':
		rc = add_command(ps, NFU_XT_CMD_CHECK, 0, invert);
		cmd->chain = optarg;
		return rc;
	case 'D':
		rc = add_command(ps, NFU_XT_CMD_DELETE, 0, invert);
		cmd->chain = optarg;
		if (!rc && has_arg(ps)) {
			rc = parse_rulenumber(ps, ps->argv[ps->optind++]);
			cmd->command = NFU_XT_CMD_DELETE_NUM;
		}
		return rc;
	case 'R':
		rc = add_command(ps, NFU_XT_CMD_REPLACE, 0, invert);
		cmd->chain = optarg;
		if (rc)
			return rc;
		if (has_arg(ps))
			return parse_rulenumber(ps, ps->argv[ps->optind++]);
		return perr(ps, "-%c requires a rule number", 'R');
	case 'I':
		rc = add_command(ps, NFU_XT_CMD_INSERT, 0, invert);
		cmd->chain = optarg;
		if (rc)
			return rc;
		if (has_arg(ps))
			return parse_rulenumber(ps, ps->argv[ps->optind++]);
		cmd->rulenum = 1;
		return 0;
	case 'L':
	case 'S':
		rc = add_command(ps, g->val == 'L' ? NFU_XT_CMD_LIST :
					     NFU_XT_CMD_LIST_RULES,
				 NFU_XT_CMD_ZERO | NFU_XT_CMD_ZERO_NUM, invert);
		if (rc)
			return rc;
		if (optarg)
			cmd->chain = optarg;
		else if (has_arg(ps))
			cmd->chain = ps->argv[ps->optind++];
		if (has_arg(ps))
			return parse_rulenumber(ps, ps->argv[ps->optind++]);
		return 0;
	case 'F':
		rc = add_command(ps, NFU_XT_CMD_FLUSH, 0, invert);
		if (optarg)
			cmd->chain = optarg;
		else if (has_arg(ps))
			cmd->chain = ps->argv[ps->optind++];
		return rc;
	case 'Z':
		rc = add_command(ps, NFU_XT_CMD_ZERO,
				 NFU_XT_CMD_LIST | NFU_XT_CMD_LIST_RULES, invert);
		if (rc)
			return rc;
		if (optarg)
			cmd->chain = optarg;
		else if (has_arg(ps))
			cmd->chain = ps->argv[ps->optind++];
		if (has_arg(ps)) {
			rc = parse_rulenumber(ps, ps->argv[ps->optind++]);
			cmd->command = (cmd->command & ~NFU_XT_CMD_ZERO) |
				       NFU_XT_CMD_ZERO_NUM;
		}
		return rc;
	case 'N':
		rc = parse_chain_name(ps, optarg);
		if (!rc)
			rc = add_command(ps, NFU_XT_CMD_NEW_CHAIN, 0, invert);
		cmd->chain = optarg;
		return rc;
	case 'X':
		rc = add_command(ps, NFU_XT_CMD_DELETE_CHAIN, 0, invert);
		if (optarg)
			cmd->chain = optarg;
		else if (has_arg(ps))
			cmd->chain = ps->argv[ps->optind++];
		return rc;
	case 'E':
		rc = add_command(ps, NFU_XT_CMD_RENAME_CHAIN, 0, invert);
		cmd->chain = optarg;
		if (rc)
			return rc;
		if (has_arg(ps)) {
			cmd->newname = ps->argv[ps->optind++];
			return 0;
		}
		return perr(ps, "-%c requires old-chain-name and new-chain-name",
			    'E');
	case 'P':
		rc = add_command(ps, NFU_XT_CMD_SET_POLICY, 0, invert);
		cmd->chain = optarg;
		if (rc)
			return rc;
		if (has_arg(ps)) {
			cmd->policy = ps->argv[ps->optind++];
			return 0;
		}
		return perr(ps, "-%c requires a chain and a policy", 'P');
	case 'h':
		return perr(ps, "help is not available here");
	case 'p':
		rc = set_option(ps, OPT_PROTOCOL, invert);
		if (rc)
			return rc;
		for (char *p = raw; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		ps->protocol = raw;
		if (nfu_xt_proto_parse(raw, &r->ip.proto) < 0)
			return perr(ps, "unknown protocol \"%s\" specified", raw);
		if (r->ip.proto == 0 && (r->ip.invflags & NFU_IPT_INV_PROTO))
			return perr(ps, "rule would never match protocol");
		return 0;
	case 's':
		rc = set_option(ps, OPT_SOURCE, invert);
		ps->shost = raw;
		return rc;
	case 'd':
		rc = set_option(ps, OPT_DESTINATION, invert);
		ps->dhost = raw;
		return rc;
	case 'g':
		rc = set_option(ps, OPT_JUMP, invert);
		if (rc)
			return rc;
		ps->goto_set = true;
		rc = parse_target_name(ps, optarg);
		ps->jumpto = optarg;
		return rc;
	case 'j':
		rc = set_option(ps, OPT_JUMP, invert);
		if (rc)
			return rc;
		return command_jump(ps, raw);
	case 'i':
	case 'o':
		if (*optarg == '\0')
			return perr(ps, "Empty interface is likely to be undesired");
		rc = set_option(ps, g->val == 'i' ? OPT_VIANAMEIN : OPT_VIANAMEOUT,
				invert);
		if (rc)
			return rc;
		if (g->val == 'i')
			return parse_interface(ps, raw, r->ip.iniface,
					       &r->ip.iniface_len,
					       &r->ip.iniface_plus);
		return parse_interface(ps, raw, r->ip.outiface,
				       &r->ip.outiface_len, &r->ip.outiface_plus);
	case 'f':
		rc = set_option(ps, OPT_FRAGMENT, invert);
		r->ip.flags |= NFU_IPT_F_FRAG;
		return rc;
	case 'v':
		if (!cmd->verbose)
			rc = set_option(ps, OPT_VERBOSE, invert);
		cmd->verbose++;
		return rc;
	case 'm':
		return command_match(ps, optarg, invert);
	case 'n':
		cmd->numeric = true;
		return set_option(ps, OPT_NUMERIC, invert);
	case 't':
		if (invert)
			return perr(ps, "unexpected ! flag before --table");
		if (cmd->restore)
			return perr(ps, "The -t option cannot be used in %s.\n",
				    cmd->prog);
		cmd->table = optarg;
		return 0;
	case 'x':
		cmd->exact = true;
		return set_option(ps, OPT_EXPANDED, invert);
	case 'V':
		return perr(ps, "version is not available here");
	case 'w':
	case 'W':
		if (cmd->restore)
			return perr(ps, "You cannot use `-%c' from iptables-restore",
				    g->val);
		if (!optarg && has_arg(ps))
			ps->optind++;
		return 0;
	case '0':
		cmd->line_numbers = true;
		return set_option(ps, OPT_LINENUMBERS, invert);
	case 'M':
		return 0;
	case 'c':
		rc = set_option(ps, OPT_COUNTERS, invert);
		if (rc)
			return rc;
		return do_counters(ps, optarg);
	case '4':
		return 0;
	default:
		return perr(ps, "Unknown arg \"%s\"", optarg ? optarg : "(null)");
	}
}

/* argv[optind - 1] of iptables: after an unknown letter in the middle
 * of a group ("-fy…") getopt has not moved on yet, and iptables names the
 * word before, which is "-t TABLE" in a restore or the program's name. */
static const char *prev_word(const struct pstate *ps)
{
	if (ps->optind > 0)
		return ps->argv[ps->optind - 1];
	return ps->cmd->restore ? ps->cmd->table : ps->cmd->prog;
}

static int set_target(struct pstate *ps)
{
	struct nfu_xt_rule *r = ps->rule;
	const char *j = ps->jumpto;

	if (ps->target && table_has_chain(ps, j)) {
		/* "Warning: using chain %s, not extension" */
		if (ps->target->destroy)
			ps->target->destroy(r->tdata);
		free(r->tdata);
		r->tdata = NULL;
		r->target = NULL;
		ps->target = NULL;
	}
	if (ps->target)
		return 0;
	if (!j || !*j) {
		r->tkind = NFU_XT_T_VERDICT;
		r->verdict = 0;
		return 0;
	}
	if (ps->goto_set) {
		if (!table_has_chain(ps, j))
			return perr(ps, "goto '%s' is not a chain", j);
		r->tkind = NFU_XT_T_GOTO;
		snprintf(r->chain, sizeof(r->chain), "%s", j);
		r->ip.flags |= NFU_IPT_F_GOTO;
		return 0;
	}
	if (table_has_chain(ps, j)) {
		r->tkind = NFU_XT_T_JUMP;
		snprintf(r->chain, sizeof(r->chain), "%s", j);
		return 0;
	}
	r->tkind = NFU_XT_T_VERDICT;
	if (!strcmp(j, "ACCEPT"))
		r->verdict = NFU_XT_STD_ACCEPT;
	else if (!strcmp(j, "DROP"))
		r->verdict = NFU_XT_STD_DROP;
	else if (!strcmp(j, "QUEUE"))
		r->verdict = NFU_XT_STD_QUEUE;
	else if (!strcmp(j, "RETURN"))
		r->verdict = NFU_XT_STD_RETURN;
	else
		return perr(ps, "Couldn't load target `%s':No such file or directory\n",
			    j);
	return 0;
}

static int final_checks(struct pstate *ps)
{
	struct nfu_xt_rule *r = ps->rule;
	struct nfu_xt_parse_ctx ctx = {
		.table = ps->cmd->table,
		.ip = &r->ip,
		.err = ps->err,
		.prog = ps->cmd->prog,
	};
	int rc;

	for (unsigned int i = 0; i < r->nmatches; i++) {
		const struct nfu_xt_match_ops *ops = r->matches[i].ops;

		if (!ops->final_check)
			continue;
		rc = ops->final_check(&ctx, r->matches[i].data, r->matches[i].seen);
		if (rc)
			return ext_err(ps, rc);
	}
	if (ps->target && ps->target->final_check) {
		unsigned int seen = 0;

		for (unsigned int k = 0; k < ps->nloaded; k++)
			if (ps->loaded[k].is_target)
				seen = ps->loaded[k].seen;
		rc = ps->target->final_check(&ctx, r->tdata, seen);
		if (rc)
			return ext_err(ps, rc);
	}
	return 0;
}

static int post_parse(struct pstate *ps)
{
	struct nfu_xt_cmd *cmd = ps->cmd;
	struct nfu_xt_rule *r = ps->rule;
	int rc;

	if (cmd->command & (NFU_XT_CMD_REPLACE | NFU_XT_CMD_INSERT |
			    NFU_XT_CMD_DELETE | NFU_XT_CMD_APPEND |
			    NFU_XT_CMD_CHECK)) {
		if (!(ps->options & OPT_DESTINATION))
			ps->dhost = any_addr;
		if (!(ps->options & OPT_SOURCE))
			ps->shost = any_addr;
	}
	if (ps->shost) {
		rc = ipparse_multiple(ps, ps->shost, &cmd->src, &cmd->nsrc);
		if (rc)
			return rc;
	}
	if (ps->dhost) {
		rc = ipparse_multiple(ps, ps->dhost, &cmd->dst, &cmd->ndst);
		if (rc)
			return rc;
	}
	if ((cmd->nsrc > 1 || cmd->ndst > 1) &&
	    (r->ip.invflags & (NFU_IPT_INV_SRCIP | NFU_IPT_INV_DSTIP)))
		return perr(ps, "! not allowed with multiple source or destination IP addresses");
	if (cmd->nsrc) {
		r->ip.src = cmd->src[0].addr;
		r->ip.smsk = cmd->src[0].mask;
	}
	if (cmd->ndst) {
		r->ip.dst = cmd->dst[0].addr;
		r->ip.dmsk = cmd->dst[0].mask;
	}
	return 0;
}

int nfu_xt_parse_rule(int argc, char **argv, const char *table,
		      const struct nfu_xt_table *t, struct nfu_xt_rule *rule,
		      struct nfu_xt_cmd *cmd, struct nfu_error *err)
{
	struct pstate st, *ps = &st;
	bool invert = false;
	int rc = 0;

	memset(ps, 0, offsetof(struct pstate, loaded));
	ps->argc = argc;
	ps->argv = argv;
	ps->cmd = cmd;
	ps->rule = rule;
	ps->t = t;
	ps->err = err;
	if (err)
		memset(err, 0, sizeof(*err));
	if (!cmd->prog)
		cmd->prog = "iptables";
	cmd->table = table;

	for (;;) {
		struct got g;
		int start = ps->optind;

		next_opt(ps, &g);
		if (g.val == -1)
			break;
		if (ps->optind > start && start < argc)
			ps->optword = argv[start];
		if (g.val == 1) {
			if (g.optarg[0] == '!' && g.optarg[1] == '\0') {
				if (invert) {
					rc = perr(ps, "multiple consecutive ! not allowed");
					goto out;
				}
				invert = true;
				continue;
			}
			rc = perr_bare(ps, "Bad argument `%s'", g.optarg);
			goto out;
		}
		if (g.val == '6') {
			if (cmd->restore) {
				cmd->ignored = true;
				goto out;
			}
			rc = perr_bare(ps, "This is the IPv4 version of iptables.");
			goto out;
		}
		if (g.ext >= 0) {
			rc = ext_option(ps, g.ext, g.ext_opt, g.optarg, invert);
			if (rc)
				goto out;
			invert = false;
			continue;
		}
		if (g.val == '?' || g.val == ':') {
			rc = load_proto(ps);
			if (rc < 0)
				goto out;
			if (rc == 1) {
				/* read the option again with the new match */
				ps->optind = start;
				ps->cluster = NULL;
				rc = 0;
				continue;
			}
			if (g.val == ':')
				rc = perr(ps, "option \"%s\" requires an argument",
					  prev_word(ps));
			else
				rc = perr(ps, "unknown option \"%s\"",
					  prev_word(ps));
			goto out;
		}
		rc = core_option(ps, &g, invert);
		if (rc)
			goto out;
		invert = false;
	}

	if (!strcmp(cmd->table, "nat") &&
	    ((cmd->policy && !strcmp(cmd->policy, "DROP")) ||
	     (ps->jumpto && !strcmp(ps->jumpto, "DROP")))) {
		rc = perr(ps, "\nThe \"nat\" table is not intended for filtering, "
			      "the use of DROP is therefore inhibited.\n\n");
		goto out;
	}
	rc = final_checks(ps);
	if (rc)
		goto out;
	if (ps->optind < argc) {
		rc = perr(ps, "unknown arguments found on commandline");
		goto out;
	}
	if (!cmd->command) {
		rc = perr(ps, "no command specified");
		goto out;
	}
	if (invert) {
		rc = perr(ps, "nothing appropriate following !");
		goto out;
	}
	rc = post_parse(ps);
	if (rc)
		goto out;
	if (cmd->command == NFU_XT_CMD_REPLACE &&
	    (cmd->nsrc != 1 || cmd->ndst != 1)) {
		rc = perr(ps, "Replacement rule does not specify a unique address");
		goto out;
	}
	rc = generic_opt_check(ps);
	if (rc)
		goto out;
	if (cmd->chain && strlen(cmd->chain) >= NFU_XT_CHAIN_MAXNAMELEN) {
		rc = perr(ps, "chain name `%s' too long (must be under %u chars)",
			  cmd->chain, NFU_XT_CHAIN_MAXNAMELEN);
		goto out;
	}
	if (cmd->command & (NFU_XT_CMD_APPEND | NFU_XT_CMD_DELETE |
			    NFU_XT_CMD_DELETE_NUM | NFU_XT_CMD_CHECK |
			    NFU_XT_CMD_INSERT | NFU_XT_CMD_REPLACE)) {
		if ((!strcmp(cmd->chain, "PREROUTING") ||
		     !strcmp(cmd->chain, "INPUT")) &&
		    (ps->options & OPT_VIANAMEOUT)) {
			rc = perr(ps, "Can't use -%c with %s\n", 'o', cmd->chain);
			goto out;
		}
		if ((!strcmp(cmd->chain, "POSTROUTING") ||
		     !strcmp(cmd->chain, "OUTPUT")) &&
		    (ps->options & OPT_VIANAMEIN)) {
			rc = perr(ps, "Can't use -%c with %s\n", 'i', cmd->chain);
			goto out;
		}
	}
	if (cmd->command & (NFU_XT_CMD_APPEND | NFU_XT_CMD_DELETE |
			    NFU_XT_CMD_CHECK | NFU_XT_CMD_INSERT |
			    NFU_XT_CMD_REPLACE)) {
		rc = set_target(ps);
		if (rc)
			goto out;
		if (cmd->set_counters) {
			rule->pcnt = cmd->pcnt;
			rule->bcnt = cmd->bcnt;
		}
	}
out:
	return rc;
}
