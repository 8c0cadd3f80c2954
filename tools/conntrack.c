/* SPDX-License-Identifier: MIT */
/*
 * nfu conntrack - conntrack-tools' conntrack over a saved table.
 *
 *   nfu conntrack [--conntrack-state FILE] -L [table] [-o extended,id] [FILTERS]
 *   nfu conntrack [--conntrack-state FILE] -D [table] [-o ...] [FILTERS]
 *   nfu conntrack [--conntrack-state FILE] -F [table] | -C [table]
 *
 * What?
 *   The commands, options, output, messages and exit statuses of
 *   conntrack-tools 1.4.7's conntrack (Debian's), for the part of them
 *   that has a meaning without a live kernel: list, count, flush and
 *   delete, with the filters -p, -s, -d, -r, -q (addresses, CIDR for -s
 *   and -d), --sport/--dport and their long names, --reply-port-src/-dst,
 *   --state (after -p tcp), --icmp-type/-code/-id (after -p icmp), -m
 *   MARK[/MASK], -w ZONE, -f FAMILY.
 *
 * Basic design
 *   - The table: until nfu daemon exists, a conntrack state file, as nfu
 *     replay --conntrack-state writes it: comment lines ('#') and one
 *     `conntrack -L' line per connection (nfu_ct_entry_parse() reads them,
 *     -o extended and -o id or not, so that a kernel's `conntrack -L -o
 *     extended' saved to a file is a table too).  --conntrack-state FILE,
 *     else $NFU_CONNTRACK_STATE.  The timeouts are those of the moment the
 *     file was written: no clock runs in a file.
 *   - Every line is read and checked before anything is printed; -D and
 *     -F write the file back whole (FILE.tmp.PID, then rename), keeping
 *     the comments and the other lines as they were, under a lock on the
 *     file's directory.
 *   - Options are read as getopt_long reads them for conntrack (unique
 *     prefixes of long names, clusters of short ones, an optional table
 *     name after a command); a protocol's own options exist once -p has
 *     named it.  Errors are conntrack's, word for word, with its exit
 *     statuses: 2 for a bad command line (with its "Try" line), 1 for a
 *     failure (a delete that deleted nothing included).  nfu's own
 *     problems (the file) start with "nfu conntrack:" and exit 1.
 *
 * Thread-safety: a single-threaded process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli.h"
#include "conntrack/ct-private.h"

#define PROG "nfu conntrack"
#define CT_PREFIX "conntrack v1.4.7 (conntrack-tools): "

enum { OTHER_PROBLEM = 1, PARAMETER_PROBLEM = 2 };

/* Commands, by conntrack's bits. */
enum cmd {
	CMD_NONE = 0,
	CMD_LIST = 1 << 0,
	CMD_DELETE = 1 << 3,
	CMD_FLUSH = 1 << 5,
	CMD_VERSION = 1 << 7,
	CMD_HELP = 1 << 8,
	CMD_COUNT = 1 << 15,
	CMD_OTHER = 1 << 20,  /* one nfu does not do (-I, -U, -G, -E, -S, -A) */
};

enum table { T_CONNTRACK, T_EXPECT, T_DYING, T_UNCONFIRMED };

/* Options, by conntrack's bit numbers (its error messages go by them). */
enum opt {
	O_SRC = 0, O_DST = 1, O_REPLY_SRC = 2, O_REPLY_DST = 3, O_PROTO = 4,
	O_MARK = 14, O_FAMILY = 16, O_OUTPUT = 19, O_ZONE = 23,
	O_NUM = 29,
};

static const char *const opt_names[O_NUM] = {
	[O_SRC] = "src", [O_DST] = "dst", [O_REPLY_SRC] = "reply-src",
	[O_REPLY_DST] = "reply-dst", [O_PROTO] = "protonum", [O_MARK] = "mark",
	[O_FAMILY] = "family", [O_OUTPUT] = "output", [O_ZONE] = "zone",
};

/* Which options each command allows (conntrack's table, for ours). */
static bool allowed(enum cmd c, enum opt o)
{
	switch (c) {
	case CMD_LIST:
	case CMD_DELETE:
		return true;
	case CMD_FLUSH:
		return o == O_FAMILY;
	default:
		return false;
	}
}

/* Protocol options: what a filter may ask of an entry's layer 4 part. */
enum {
	F_ORIG_SPORT = 1 << 0, F_ORIG_DPORT = 1 << 1,
	F_REPL_SPORT = 1 << 2, F_REPL_DPORT = 1 << 3,
	F_STATE = 1 << 4,
	F_ICMP_TYPE = 1 << 5, F_ICMP_CODE = 1 << 6, F_ICMP_ID = 1 << 7,
};

struct request {
	enum cmd cmd;
	enum table table;
	uint32_t options;         /* 1 << enum opt */
	const char *state_path;
	bool extended, id;
	/* filters */
	int family;               /* AF_UNSPEC, AF_INET, AF_INET6 */
	uint32_t addr[4], mask[4]; /* by O_SRC.. O_REPLY_DST, network order */
	uint8_t proto;
	const char *ext;          /* the protocol's options: "tcp", "udp"... */
	uint32_t l4flags;         /* F_* */
	uint16_t port[4];         /* host order: orig s/d, reply s/d */
	char state[16];
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;
	uint32_t mark, mark_mask;
	uint16_t zone;
};

/*
 * Messages.
 */

__attribute__((format(printf, 1, 2), noreturn))
static void param_problem(const char *fmt, ...)
{
	va_list ap;

	fputs(CT_PREFIX, stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry `conntrack -h' or 'conntrack --help' for more information.\n",
	      stderr);
	exit(PARAMETER_PROBLEM);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfu conntrack [--conntrack-state FILE] COMMAND [OPTIONS]\n"
		"\n"
		"conntrack-tools' conntrack (1.4.7) over a saved connection table: the\n"
		"file nfu replay --conntrack-state writes (or $NFU_CONNTRACK_STATE).\n"
		"\n"
		"Commands:\n"
		"  -L [table] [options]\t\tList the table\n"
		"  -D [table] [options]\t\tDelete the connections that match\n"
		"  -F [table]\t\t\tFlush the table\n"
		"  -C [table]\t\t\tShow the number of connections\n"
		"\n"
		"Tables: conntrack, expect, dying, unconfirmed (only conntrack has\n"
		"entries in a file)\n"
		"\n"
		"Options:\n"
		"  -s, --src, --orig-src ip[/mask]\tSource address from original direction\n"
		"  -d, --dst, --orig-dst ip[/mask]\tDestination address from original direction\n"
		"  -r, --reply-src ip\t\tSource address from reply direction\n"
		"  -q, --reply-dst ip\t\tDestination address from reply direction\n"
		"  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'\n"
		"    tcp, udp, udplite, sctp, dccp: --sport, --dport, --orig-port-src,\n"
		"      --orig-port-dst, --reply-port-src, --reply-port-dst; tcp: --state\n"
		"    icmp: --icmp-type, --icmp-code, --icmp-id\n"
		"  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'\n"
		"  -m, --mark mark[/mask]\t\tConntrack mark\n"
		"  -w, --zone value\t\tConntrack zone\n"
		"  -o, --output type[,...]\tOutput format: extended, id\n"
		"  --conntrack-state FILE\tThe table (nfu)\n"
		"\n"
		"See nfu-conntrack(8).\n");
}

/*
 * Options, as getopt_long reads them for conntrack.
 */

enum has_arg { NOARG, ARG, OPTARG };

struct option_def {
	const char *name;
	char short_name;
	enum has_arg has_arg;
	int key;                  /* the short name, or one of K_* */
};

enum {
	K_STATE_FILE = 256, K_TUPLE, K_MASK, K_LABEL, K_ZONE_DIR,
	K_PORT_OS, K_PORT_OD, K_PORT_RS, K_PORT_RD, K_PORT_MASK, K_PORT_TUPLE,
	K_TCP_STATE, K_ICMP_TYPE, K_ICMP_CODE, K_ICMP_ID,
};

static const struct option_def base_opts[] = {
	{ "dump", 'L', OPTARG, 'L' }, { "create", 'I', OPTARG, 'I' },
	{ "add", 'A', OPTARG, 'A' }, { "delete", 'D', OPTARG, 'D' },
	{ "update", 'U', OPTARG, 'U' }, { "get", 'G', OPTARG, 'G' },
	{ "flush", 'F', OPTARG, 'F' }, { "event", 'E', OPTARG, 'E' },
	{ "counter", 'C', OPTARG, 'C' }, { "stats", 'S', NOARG, 'S' },
	{ "version", 'V', NOARG, 'V' }, { "help", 'h', NOARG, 'h' },
	{ "orig-src", 's', ARG, 's' }, { "src", 's', ARG, 's' },
	{ "orig-dst", 'd', ARG, 'd' }, { "dst", 'd', ARG, 'd' },
	{ "reply-src", 'r', ARG, 'r' }, { "reply-dst", 'q', ARG, 'q' },
	{ "protonum", 'p', ARG, 'p' }, { "timeout", 't', ARG, 't' },
	{ "status", 'u', ARG, 'u' }, { "zero", 'z', NOARG, 'z' },
	{ "event-mask", 'e', ARG, 'e' }, { "tuple-src", 0, ARG, K_TUPLE },
	{ "tuple-dst", 0, ARG, K_TUPLE }, { "mask-src", 0, ARG, K_MASK },
	{ "mask-dst", 0, ARG, K_MASK }, { "nat-range", 'a', ARG, 'a' },
	{ "mark", 'm', ARG, 'm' }, { "secmark", 'c', ARG, 'c' },
	{ "id", 'i', OPTARG, 'i' }, { "family", 'f', ARG, 'f' },
	{ "src-nat", 'n', OPTARG, 'n' }, { "dst-nat", 'g', OPTARG, 'g' },
	{ "output", 'o', ARG, 'o' }, { "buffer-size", 'b', ARG, 'b' },
	{ "any-nat", 'j', OPTARG, 'j' }, { "zone", 'w', ARG, 'w' },
	{ "label", 'l', ARG, K_LABEL }, { "label-add", 0, ARG, K_LABEL },
	{ "label-del", 0, OPTARG, K_LABEL }, { "orig-zone", 0, ARG, K_ZONE_DIR },
	{ "reply-zone", 0, ARG, K_ZONE_DIR },
	{ "conntrack-state", 0, ARG, K_STATE_FILE },
	{ NULL, 0, NOARG, 0 },
};

/* The options a protocol adds (conntrack-tools' extensions). */
static const struct option_def port_opts[] = {
	{ "orig-port-src", 0, ARG, K_PORT_OS }, { "sport", 0, ARG, K_PORT_OS },
	{ "orig-port-dst", 0, ARG, K_PORT_OD }, { "dport", 0, ARG, K_PORT_OD },
	{ "reply-port-src", 0, ARG, K_PORT_RS }, { "reply-port-dst", 0, ARG, K_PORT_RD },
	{ "mask-port-src", 0, ARG, K_PORT_MASK }, { "mask-port-dst", 0, ARG, K_PORT_MASK },
	{ "tuple-port-src", 0, ARG, K_PORT_TUPLE }, { "tuple-port-dst", 0, ARG, K_PORT_TUPLE },
	{ NULL, 0, NOARG, 0 },
};
static const struct option_def tcp_opts[] = {
	{ "state", 0, ARG, K_TCP_STATE }, { NULL, 0, NOARG, 0 },
};
static const struct option_def icmp_opts[] = {
	{ "icmp-type", 0, ARG, K_ICMP_TYPE }, { "icmp-code", 0, ARG, K_ICMP_CODE },
	{ "icmp-id", 0, ARG, K_ICMP_ID }, { NULL, 0, NOARG, 0 },
};

/* The options in force: the base ones and those of the protocol -p
 * named (merged as conntrack merges them, at -p). */
struct optset {
	const struct option_def *lists[3];
};

static const char getopt_shorts[] = "LIUDGEFAhVs:d:r:q:p:t:u:e:a:zm:i:f:o:n::g::c:b:C::Sj::w:";

/* Whether short option 'c' exists, and its argument kind. */
static bool short_opt(char c, enum has_arg *has)
{
	const char *p = c && c != ':' ? strchr(getopt_shorts, c) : NULL;

	if (!p)
		return false;
	*has = p[1] != ':' ? NOARG : p[2] == ':' ? OPTARG : ARG;
	return true;
}

/* Long option 'name' (the first 'len' bytes): exact, else the one option
 * it is a prefix of.  NULL when none or several. */
static const struct option_def *long_opt(const struct optset *os,
					 const char *name, size_t len)
{
	const struct option_def *found = NULL;
	bool ambiguous = false;

	for (int l = 0; l < 3 && os->lists[l]; l++)
		for (const struct option_def *o = os->lists[l]; o->name; o++) {
			if (strncmp(o->name, name, len))
				continue;
			if (strlen(o->name) == len)
				return o;
			if (found && (found->key != o->key ||
				      found->has_arg != o->has_arg))
				ambiguous = true;
			found = found ? found : o;
		}
	return ambiguous ? NULL : found;
}

/*
 * Reading the command line.
 */

static void add_command(struct request *rq, enum cmd c)
{
	if (rq->cmd)
		param_problem("Invalid commands combination");
	rq->cmd = c;
}

/* conntrack's check_type(): a table name may follow a command. */
static enum table table_of(const char *w)
{
	size_t n = strlen(w);

	if (!strncmp("expect", w, n))
		return T_EXPECT;
	if (!strncmp("conntrack", w, n))
		return T_CONNTRACK;
	if (!strncmp("dying", w, n))
		return T_DYING;
	if (!strncmp("unconfirmed", w, n))
		return T_UNCONFIRMED;
	param_problem("unknown type `%s'", w);
}

static void set_family(struct request *rq, int family)
{
	if (rq->family == AF_UNSPEC)
		rq->family = family;
	else if (rq->family != family)
		param_problem("mismatched address family");
}

/* -s/-d/-r/-q: an address (inet_aton's forms, or IPv6), a prefix length
 * for -s and -d. */
static void parse_addr_opt(struct request *rq, enum opt o, const char *longname,
			   const char *arg)
{
	char buf[INET6_ADDRSTRLEN];
	struct in_addr a4;
	struct in6_addr a6;
	char *slash, *end;
	long plen = -1;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash) {
		plen = strtol(slash + 1, &end, 10);
		if (plen < 0 || *end)
			plen = -2;
		*slash = 0;
	}
	if (inet_aton(buf, &a4)) {
		set_family(rq, AF_INET);
		if (plen > 32)
			plen = -2;
	} else if (inet_pton(AF_INET6, buf, &a6) > 0) {
		set_family(rq, AF_INET6);
		if (plen > 128)
			plen = -2;
		a4.s_addr = 0;
	} else {
		param_problem("Invalid IP address `%s'", arg);
	}
	if (plen != -1 && o != O_SRC && o != O_DST)
		param_problem("CIDR notation unavailable for `--%s'", longname);
	if (plen == -2)
		param_problem("Invalid netmask");
	rq->options |= 1u << o;
	rq->mask[o - O_SRC] = plen < 0 || plen >= 32 ? 0xffffffffu :
			      htonl(plen ? ~0u << (32 - plen) : 0);
	rq->addr[o - O_SRC] = a4.s_addr & rq->mask[o - O_SRC];
}

/* -p: a protocol conntrack-tools has an extension for (by name, any
 * case), else one /etc/protocols names, else a number up to 255. */
static void parse_proto(struct request *rq, struct optset *os, const char *arg)
{
	static const struct {
		const char *name;
		uint8_t num;
		const struct option_def *opts;
	} ext[] = {
		{ "tcp", 6, port_opts }, { "udp", 17, port_opts },
		{ "udplite", 136, port_opts }, { "sctp", 132, port_opts },
		{ "dccp", 33, port_opts }, { "icmp", 1, icmp_opts },
		{ "icmpv6", 58, NULL }, { "gre", 47, NULL },
	};
	const struct protoent *pe;
	unsigned long v;
	char *end;

	rq->options |= 1u << O_PROTO;
	rq->ext = NULL;
	os->lists[1] = os->lists[2] = NULL;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (!strcasecmp(ext[i].name, arg)) {
			rq->proto = ext[i].num;
			rq->ext = ext[i].name;
			os->lists[1] = ext[i].opts;
			os->lists[2] = ext[i].num == 6 ? tcp_opts : NULL;
			return;
		}
	pe = getprotobyname(arg);
	if (pe) {
		rq->proto = (uint8_t)pe->p_proto;
	} else {
		v = strtoul(arg, &end, 0);
		if (end == arg || *end || v > 255)
			param_problem("`%s' unsupported protocol", arg);
		rq->proto = (uint8_t)v;
	}
	/* a number of a protocol with an extension gets its options */
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (ext[i].num == rq->proto) {
			rq->ext = ext[i].name;
			os->lists[1] = ext[i].opts;
			os->lists[2] = ext[i].num == 6 ? tcp_opts : NULL;
		}
}

/* -o: a comma list of conntrack's output types. */
static void parse_output(struct request *rq, const char *arg)
{
	static const char *const types[] = {
		"xml", "extended", "timestamp", "id", "ktimestamp", "labels",
		"userspace", "save",
	};
	const char *p = arg;

	for (;;) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; n && i < sizeof(types) / sizeof(types[0]); i++)
			if (!strncasecmp(p, types[i], n))
				break;
		if (!n || i == sizeof(types) / sizeof(types[0]))
			param_problem("Bad parameter `%s'", p);
		if (i == 1)
			rq->extended = true;
		else if (i == 3)
			rq->id = true;
		else if (i != 6) { /* userspace: events only */
			fprintf(stderr, PROG ": -o %s is not supported\n", types[i]);
			exit(PARAMETER_PROBLEM);
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	rq->options |= 1u << O_OUTPUT;
}

static void parse_state(struct request *rq, const char *arg)
{
	/* conntrack-tools' names; LISTEN is SYN_SENT2's number */
	static const char *const names[] = {
		"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "LISTEN",
		"SYN_SENT2",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(arg, names[i])) {
			snprintf(rq->state, sizeof(rq->state), "%s",
				 i == 9 ? "SYN_SENT2" : names[i]);
			rq->l4flags |= F_STATE;
			return;
		}
	param_problem("unknown TCP state `%s'", arg);
}

/* One option 'o' with its argument 'arg' (NULL for none), from 'word';
 * 'more': other options follow in the same word ("-Lo x"). */
static void apply(struct request *rq, struct optset *os,
		  const struct option_def *o, const char *arg, const char *word,
		  bool more, int argc, char **argv, int *i)
{
	char *end;

	switch (o->key) {
	case 'L': case 'D': case 'F': case 'C': {
		enum cmd c = o->key == 'L' ? CMD_LIST : o->key == 'D' ? CMD_DELETE :
			     o->key == 'F' ? CMD_FLUSH : CMD_COUNT;

		/* get_optional_arg(): the next word, unless an option (getopt is
		 * still on this word while options follow in it) */
		if (!arg && !more && *i < argc && argv[*i][0] != '-' &&
		    argv[*i][0] != '!')
			arg = argv[(*i)++];
		rq->table = arg ? table_of(arg) : T_CONNTRACK;
		if (c != CMD_LIST &&
		    (rq->table == T_DYING || rq->table == T_UNCONFIRMED))
			param_problem("Can't do that command with tables `dying' and `unconfirmed'");
		add_command(rq, c);
		break;
	}
	case 'V':
		add_command(rq, CMD_VERSION);
		break;
	case 'h':
		add_command(rq, CMD_HELP);
		break;
	case 'I': case 'A': case 'U': case 'G': case 'E': case 'S':
		fprintf(stderr, PROG ": %s is not supported: a saved table has no"
			" kernel to create, update, get or watch connections in\n", word);
		exit(PARAMETER_PROBLEM);
	case 's': case 'd': case 'r': case 'q': {
		/* conntrack names an option by its first long name */
		static const char *const first[] = { "orig-src", "orig-dst",
						     "reply-src", "reply-dst" };
		enum opt which = o->key == 's' ? O_SRC : o->key == 'd' ? O_DST :
				 o->key == 'r' ? O_REPLY_SRC : O_REPLY_DST;

		parse_addr_opt(rq, which, first[which - O_SRC], arg);
		break;
	}
	case 'p':
		parse_proto(rq, os, arg);
		break;
	case 'm':
		/* 1.4.7 reads it with strtoul and no check */
		rq->options |= 1u << O_MARK;
		rq->mark = (uint32_t)strtoul(arg, &end, 0);
		rq->mark_mask = *end == '/' ? (uint32_t)strtoul(end + 1, NULL, 0) : ~0u;
		break;
	case 'w':
		rq->options |= 1u << O_ZONE;
		rq->zone = (uint16_t)strtoul(arg, NULL, 0);
		break;
	case 'f':
		rq->options |= 1u << O_FAMILY;
		if (!strncmp(arg, "ipv4", 4))
			set_family(rq, AF_INET);
		else if (!strncmp(arg, "ipv6", 4))
			set_family(rq, AF_INET6);
		else
			param_problem("`%s' unsupported protocol", arg);
		break;
	case 'o':
		parse_output(rq, arg);
		break;
	case K_STATE_FILE:
		rq->state_path = arg;
		break;
	case K_PORT_OS: case K_PORT_OD: case K_PORT_RS: case K_PORT_RD: {
		int k = o->key - K_PORT_OS;

		/* htons(atoi()), as the extensions do */
		rq->port[k] = (uint16_t)atoi(arg);
		rq->l4flags |= 1u << k;
		break;
	}
	case K_TCP_STATE:
		parse_state(rq, arg);
		break;
	case K_ICMP_TYPE:
		rq->icmp_type = (uint8_t)atoi(arg);
		rq->l4flags |= F_ICMP_TYPE;
		break;
	case K_ICMP_CODE:
		rq->icmp_code = (uint8_t)atoi(arg);
		rq->l4flags |= F_ICMP_CODE;
		break;
	case K_ICMP_ID:
		rq->icmp_id = (uint16_t)atoi(arg);
		rq->l4flags |= F_ICMP_ID;
		break;
	default:
		fprintf(stderr, PROG ": %s is not supported\n", word);
		exit(PARAMETER_PROBLEM);
	}
}

static void parse_args(struct request *rq, int argc, char **argv)
{
	struct optset os = { { base_opts, NULL, NULL } };
	int i = 1;

	while (i < argc) {
		const char *w = argv[i++];

		if (!strcmp(w, "--"))
			break;
		if (w[0] != '-' || !w[1])
			continue; /* getopt passes words over */
		if (w[1] == '-') {
			const char *name = w + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct option_def *o = long_opt(&os, name, len);
			const char *arg = eq ? eq + 1 : NULL;

			if (!o)
				param_problem("unknown option `%s'", w);
			if (o->has_arg == ARG && !arg) {
				if (i >= argc)
					param_problem("option `%s' requires an argument", w);
				arg = argv[i++];
			}
			apply(rq, &os, o, arg, w, false, argc, argv, &i);
			continue;
		}
		for (const char *c = w + 1; *c; c++) {
			struct option_def so = { NULL, *c, NOARG, *c };
			const char *arg = NULL;

			if (!short_opt(*c, &so.has_arg))
				param_problem("unknown option `%s'", w);
			if (so.has_arg != NOARG && c[1]) {
				arg = c + 1;
			} else if (so.has_arg == ARG) {
				if (i >= argc)
					param_problem("option `%s' requires an argument", w);
				arg = argv[i++];
			}
			apply(rq, &os, &so, arg, w, !arg && c[1], argc, argv, &i);
			if (arg == c + 1)
				break;
		}
	}
	/* generic_opt_check(): options the command does not take */
	for (int o = 0; o < O_NUM; o++)
		if ((rq->options & (1u << o)) && rq->cmd & (CMD_LIST | CMD_DELETE |
							    CMD_FLUSH | CMD_COUNT) &&
		    !allowed(rq->cmd, (enum opt)o))
			param_problem("Illegal option `--%s' with this command",
				      opt_names[o]);
}

/*
 * The table.
 */

struct table_file {
	char *text;               /* the file, lines cut in place */
	char **line;              /* every line */
	struct nfu_ct_entry *e;   /* of each line that is an entry */
	bool *is_entry;
	size_t n, nentries;
};

static void table_free(struct table_file *t)
{
	free(t->text);
	free(t->line);
	free(t->e);
	free(t->is_entry);
	memset(t, 0, sizeof(*t));
}

/* Reads and checks 'path': 0, or 1 after saying why. */
static int table_load(struct table_file *t, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0, len = 0, nl = 0;
	char err[256];

	memset(t, 0, sizeof(*t));
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		size_t got;

		if (len + 4096 + 1 > cap) {
			char *b = realloc(t->text, cap = cap ? 2 * cap : 65536);

			if (!b)
				goto oom;
			t->text = b;
		}
		got = fread(t->text + len, 1, cap - len - 1, f);
		len += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno ? errno : EIO));
		fclose(f);
		table_free(t);
		return 1;
	}
	fclose(f);
	if (!t->text && !(t->text = malloc(1)))
		goto oom_closed;
	t->text[len] = 0;
	for (size_t i = 0; i < len; i++)
		nl += t->text[i] == '\n';
	nl++;
	t->line = calloc(nl, sizeof(*t->line));
	t->e = calloc(nl, sizeof(*t->e));
	t->is_entry = calloc(nl, sizeof(*t->is_entry));
	if (!t->line || !t->e || !t->is_entry)
		goto oom_closed;
	/* lines cut in place; a file that ends with a newline ends with an
	 * empty last line */
	for (char *p = t->text; p; t->n++) {
		char *q = strchr(p, '\n');
		const char *s = p;

		if (q)
			*q = 0;
		t->line[t->n] = p;
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s && *s != '#') {
			if (nfu_ct_entry_parse(p, &t->e[t->n], err, sizeof(err))) {
				fprintf(stderr, PROG ": %s:%zu: %s\n", path, t->n + 1, err);
				table_free(t);
				return 1;
			}
			t->is_entry[t->n] = true;
			t->nentries++;
		}
		p = q ? q + 1 : NULL;
	}
	return 0;
oom:
	fclose(f);
oom_closed:
	fprintf(stderr, PROG ": out of memory\n");
	table_free(t);
	return 1;
}

/* Writes the lines of 't' that are not 'gone' to 'path', atomically. */
static int table_write(const struct table_file *t, const bool *gone,
		       const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < t->n; i++) {
		/* the last line has no newline when the file had none */
		if (gone[i] || (i + 1 == t->n && !t->line[i][0]))
			continue;
		fprintf(f, "%s\n", t->line[i]);
	}
	if (fflush(f) || ferror(f) || fclose(f)) {
		fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno ? errno : EIO));
		unlink(tmp);
		return 1;
	}
	if (rename(tmp, path)) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return 1;
	}
	return 0;
}

static int lock_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd >= 0 && flock(fd, LOCK_EX)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Does 'e' pass every filter of 'rq'? */
static bool matches(const struct request *rq, const struct nfu_ct_entry *e)
{
	const struct nfu_ct_tuple *o = &e->tuple[NFU_CT_DIR_ORIGINAL];
	const struct nfu_ct_tuple *r = &e->tuple[NFU_CT_DIR_REPLY];
	const uint32_t addrs[4] = { o->src, o->dst, r->src, r->dst };

	if (rq->family == AF_INET6)
		return false; /* the entries are IPv4 */
	for (int k = 0; k < 4; k++)
		if ((rq->options & (1u << (O_SRC + k))) &&
		    (addrs[k] & rq->mask[k]) != rq->addr[k])
			return false;
	if ((rq->options & (1u << O_PROTO)) && e->proto != rq->proto)
		return false;
	if ((rq->options & (1u << O_MARK)) &&
	    (e->mark & rq->mark_mask) != rq->mark)
		return false;
	if ((rq->options & (1u << O_ZONE)) && e->zone != rq->zone)
		return false;
	{
		const uint16_t ports[4] = { o->sport, o->dport, r->sport, r->dport };

		for (int k = 0; k < 4; k++)
			if ((rq->l4flags & (1u << k)) && ntohs(ports[k]) != rq->port[k])
				return false;
	}
	if ((rq->l4flags & F_STATE) && strcmp(e->state, rq->state))
		return false;
	if ((rq->l4flags & F_ICMP_TYPE) && (o->dport >> 8) != rq->icmp_type)
		return false;
	if ((rq->l4flags & F_ICMP_CODE) && (o->dport & 0xff) != rq->icmp_code)
		return false;
	if ((rq->l4flags & F_ICMP_ID) && ntohs(o->sport) != rq->icmp_id)
		return false;
	return true;
}

static void print_entry(const struct request *rq, const struct nfu_ct_entry *e)
{
	unsigned int flags = (rq->extended ? NFU_CT_FMT_EXTENDED : 0) |
			     (rq->id ? NFU_CT_FMT_ID : 0);
	char line[512];

	nfu_ct_entry_format(e, flags, line, sizeof(line));
	printf("%s\n", line);
}

static int run(struct request *rq)
{
	struct table_file t;
	bool *gone = NULL;
	int counter = 0, lockfd = -1, ret = OTHER_PROBLEM;

	if (!rq->state_path)
		rq->state_path = getenv("NFU_CONNTRACK_STATE");
	if (!rq->state_path || !*rq->state_path) {
		fprintf(stderr, PROG ": which table? Give --conntrack-state FILE (as"
			" nfu replay --conntrack-state writes it) or set"
			" NFU_CONNTRACK_STATE\n");
		return OTHER_PROBLEM;
	}
	if (rq->cmd & (CMD_DELETE | CMD_FLUSH)) {
		lockfd = lock_dir_of(rq->state_path);
		if (lockfd < 0) {
			fprintf(stderr, PROG ": %s: cannot lock its directory: %s\n",
				rq->state_path, strerror(errno));
			return OTHER_PROBLEM;
		}
	}
	if (table_load(&t, rq->state_path))
		goto out;
	gone = calloc(t.n ? t.n : 1, sizeof(*gone));
	if (!gone) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out_table;
	}
	switch (rq->cmd) {
	case CMD_LIST:
		if (rq->table == T_EXPECT) {
			fprintf(stderr, CT_PREFIX "0 expectations have been shown.\n");
			break;
		}
		for (size_t i = 0; i < t.n && rq->table == T_CONNTRACK; i++)
			if (t.is_entry[i] && matches(rq, &t.e[i])) {
				print_entry(rq, &t.e[i]);
				counter++;
			}
		fflush(stdout);
		fprintf(stderr, CT_PREFIX "%d flow entries have been shown.\n", counter);
		break;
	case CMD_COUNT:
		printf("%zu\n", rq->table == T_EXPECT ? (size_t)0 : t.nentries);
		break;
	case CMD_FLUSH:
		if (rq->table == T_EXPECT) {
			fprintf(stderr, CT_PREFIX "expectation table has been emptied.\n");
			break;
		}
		for (size_t i = 0; i < t.n; i++)
			gone[i] = t.is_entry[i];
		if (table_write(&t, gone, rq->state_path))
			goto out_table;
		fprintf(stderr, CT_PREFIX "connection tracking table has been emptied.\n");
		break;
	case CMD_DELETE:
		if (rq->table == T_EXPECT) {
			fprintf(stderr, PROG ": -D expect is not supported\n");
			goto out_table;
		}
		for (size_t i = 0; i < t.n; i++)
			if (t.is_entry[i] && matches(rq, &t.e[i])) {
				print_entry(rq, &t.e[i]);
				gone[i] = true;
				counter++;
			}
		fflush(stdout);
		if (counter && table_write(&t, gone, rq->state_path))
			goto out_table;
		fprintf(stderr, CT_PREFIX "%d flow entries have been deleted.\n", counter);
		if (!counter)
			goto out_table; /* conntrack: 1 when nothing was deleted */
		break;
	default:
		break;
	}
	if (fflush(stdout)) {
		fprintf(stderr, PROG ": standard output: %s\n", strerror(errno));
		goto out_table;
	}
	ret = 0;
out_table:
	free(gone);
	table_free(&t);
out:
	if (lockfd >= 0)
		close(lockfd);
	return ret;
}

int cli_conntrack(int argc, char **argv)
{
	struct request rq;

	memset(&rq, 0, sizeof(rq));
	rq.family = AF_UNSPEC;
	parse_args(&rq, argc, argv);
	switch (rq.cmd) {
	case CMD_NONE:
	case CMD_HELP:
		usage(stdout);
		return 0;
	case CMD_VERSION:
		printf("conntrack v1.4.7 (conntrack-tools), nfu %s\n", NFU_VERSION);
		return 0;
	default:
		return run(&rq);
	}
}
