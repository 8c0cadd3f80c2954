/* SPDX-License-Identifier: MIT */
/*
 * nfu conntrack - conntrack-tools' conntrack over a saved table.
 *
 *   nfu conntrack [--conntrack-state FILE] -L [table] [-o extended,id] [FILTERS]
 *   nfu conntrack [--conntrack-state FILE] -D [table] [-o ...] [FILTERS]
 *   nfu conntrack [--conntrack-state FILE] -F [table] | -C [table]
 *   nfu conntrack [--conntrack-state FILE] -D expect -s A -d A -p P ...
 *
 * What?
 *   The commands, options, output, messages and exit statuses of
 *   conntrack-tools 1.4.7's conntrack (Debian's), for the part of them
 *   that has a meaning without a live kernel: list, count, flush and
 *   delete connections and expectations, with the filters -p, -s, -d,
 *   -r, -q (addresses, CIDR for -s and -d), --mask-src/--mask-dst,
 *   --sport/--dport and their long names, --reply-port-src/-dst, --state
 *   (after -p tcp), --icmp-type/-code/-id (after -p icmp), -m
 *   MARK[/MASK], -w ZONE, --orig-zone/--reply-zone, -u STATUS, -n/-g/-j
 *   (NAT), -c, -f FAMILY; -o extended, id, save, xml.
 *
 * Basic design
 *   - The table: until nfu daemon exists, a conntrack state file, as nfu
 *     replay --conntrack-state writes it: comment lines ('#'), one
 *     `conntrack -L' line per connection (-o extended and -o id or not, so
 *     that a kernel's `conntrack -L -o extended' saved to a file is a
 *     table too) and one `conntrack -L expect' line per expectation, read
 *     by nfu_ct_table_parse() (format.c, fuzzed by fuzz_ct_state).  --conntrack-state FILE,
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
#include "conntrack/ct-format.h"

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
	O_TIMEOUT = 5, O_STATUS = 6, O_ZERO = 7, O_EVENT_MASK = 8,
	O_EXP_SRC = 9, O_EXP_DST = 10, O_MASK_SRC = 11, O_MASK_DST = 12,
	O_NATRANGE = 13, O_MARK = 14, O_ID = 15, O_FAMILY = 16, O_SRC_NAT = 17,
	O_DST_NAT = 18, O_OUTPUT = 19, O_SECMARK = 20, O_BUFFERSIZE = 21,
	O_ANY_NAT = 22, O_ZONE = 23, O_LABEL = 24, O_ADD_LABEL = 25,
	O_DEL_LABEL = 26, O_ORIG_ZONE = 27, O_REPL_ZONE = 28,
	O_NUM = 29,
};

static const char *const opt_names[O_NUM] = {
	"src", "dst", "reply-src", "reply-dst", "protonum", "timeout",
	"status", "zero", "event-mask", "tuple-src", "tuple-dst", "mask-src",
	"mask-dst", "nat-range", "mark", "id", "family", "src-nat", "dst-nat",
	"output", "secmark", "buffer-size", "any-nat", "zone", "label",
	"label-add", "label-del", "orig-zone", "reply-zone",
};

/*
 * conntrack's commands_v_options for the commands nfu does, by table:
 * 0 illegal, 1 required, 2 optional.  The options nfu has no meaning for
 * on a file (-z, -n, -g, -j, -c, -l, -i, -t, --orig-zone, --reply-zone)
 * pass this check as in conntrack and are refused after it.
 */
static const char *opt_table(enum cmd c, enum table t)
{
	/*                          sdrqptuze[]{}amifngocbjwl<>() */
	static const char list[] = "22222022000220202222202220022";
	static const char del[] =  "22222220000220222222000220022";
	static const char flush[] = "00000000000000002000000000000";
	static const char none[] = "00000000000000000000000000000";
	static const char exp_list[] = "00000000000000002002000000000";
	static const char exp_del[] = "11221000000000000000000000000";

	if (t == T_EXPECT)
		return c == CMD_LIST ? exp_list : c == CMD_DELETE ? exp_del : none;
	switch (c) {
	case CMD_LIST: return list;
	case CMD_DELETE: return del;
	case CMD_FLUSH: return flush;
	default: return none;
	}
}

/* Protocol options: what a filter may ask of an entry's layer 4 part. */
enum {
	F_ORIG_SPORT = 1 << 0, F_ORIG_DPORT = 1 << 1,
	F_REPL_SPORT = 1 << 2, F_REPL_DPORT = 1 << 3,
	F_STATE = 1 << 4,
	F_ICMP_TYPE = 1 << 5, F_ICMP_CODE = 1 << 6, F_ICMP_ID = 1 << 7,
	F_MASK_SPORT = 1 << 8, F_MASK_DPORT = 1 << 9,
	F_TUPLE_SPORT = 1 << 10, F_TUPLE_DPORT = 1 << 11,
};

/* A protocol extension's options in the order of its table, and which
 * the commands allow (as opt_table()). */
struct ext_check {
	int n;
	uint32_t flag[9];
	const char *name[9];
	const char *list, *del, *exp_del;
};

static const struct ext_check tcp_check = {
	9,
	{ F_ORIG_SPORT, F_ORIG_DPORT, F_REPL_SPORT, F_REPL_DPORT, F_MASK_SPORT,
	  F_MASK_DPORT, F_STATE, F_TUPLE_SPORT, F_TUPLE_DPORT },
	{ "sport", "dport", "reply-port-src", "reply-port-dst",
	  "mask-port-src", "mask-port-dst", "state", "tuple-port-src",
	  "tuple-port-dst" },
	"222200200", "222200200", "111100000",
};
static const struct ext_check port_check = {
	8,
	{ F_ORIG_SPORT, F_ORIG_DPORT, F_REPL_SPORT, F_REPL_DPORT, F_MASK_SPORT,
	  F_MASK_DPORT, F_TUPLE_SPORT, F_TUPLE_DPORT },
	{ "sport", "dport", "reply-port-src", "reply-port-dst",
	  "mask-port-src", "mask-port-dst", "tuple-port-src",
	  "tuple-port-dst" },
	"22220000", "22220000", "11110000",
};
static const struct ext_check icmp_check = {
	3,
	{ F_ICMP_TYPE, F_ICMP_CODE, F_ICMP_ID },
	{ "icmp-type", "icmp-code", "icmp-id" },
	"222", "222", "000",
};

struct request {
	enum cmd cmd;
	enum table table;
	uint32_t options;         /* 1 << enum opt */
	const char *state_path;
	bool extended, id, save, xml, other_output;
	bool xml_open;            /* the XML header is out */
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
	uint16_t dir_zone[2];     /* --orig-zone, --reply-zone */
	uint32_t status, status_mask; /* -u: (status & mask) == status */
	uint32_t netmask[2];      /* --mask-src, --mask-dst */
	/* -n, -g (-j sets both): an address and a port to look for, each
	 * maybe not given */
	bool nat_addr[2], nat_port[2];
	uint32_t nat_ip[2];       /* network order; [0] SNAT, [1] DNAT */
	uint16_t nat_pt[2];       /* host order */
	const char *unsupported;  /* the first option nfu does not do */
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
		"  -D expect -s ip -d ip -p proto --sport N --dport N\n"
		"    --reply-port-src N --reply-port-dst N\tDelete an expectation\n"
		"\n"
		"Tables: conntrack, expect, dying, unconfirmed (dying and unconfirmed\n"
		"are empty in a file)\n"
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
		"  -u, --status status[,...]\tStatus, eg. ASSURED,!SEEN_REPLY\n"
		"  --mask-src ip, --mask-dst ip\tNetmask of -s, -d\n"
		"  -n, -g, -j [ip[:port]]\t\tSource, destination, any NAT\n"
		"  -w, --zone value\t\tConntrack zone\n"
		"  -o, --output type[,...]\tOutput format: extended, id, save\n"
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

/* --mask-src/--mask-dst: an address, no prefix. */
static void parse_netmask_opt(struct request *rq, enum opt o, const char *arg)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strchr(arg, '/'))
		param_problem("CIDR notation unavailable for `--%s'", opt_names[o]);
	if (inet_aton(arg, &a4)) {
		set_family(rq, AF_INET);
	} else if (inet_pton(AF_INET6, arg, &a6) > 0) {
		set_family(rq, AF_INET6);
		a4.s_addr = 0;
	} else {
		param_problem("Invalid IP address `%s'", arg);
	}
	rq->options |= 1u << o;
	rq->netmask[o - O_MASK_SRC] = a4.s_addr;
}

/* -n/-g/-j [ADDRESS[:PORT]] (IPv6: [ADDRESS]:PORT), as conntrack's
 * split_address_and_port() and parse_addr() read it. */
static void parse_nat_opt(struct request *rq, int key, const char *arg)
{
	static const char *const names[] = { "src-nat", "dst-nat", "any-nat" };
	enum opt o = key == 'n' ? O_SRC_NAT : key == 'g' ? O_DST_NAT : O_ANY_NAT;
	const char *name = names[o == O_SRC_NAT ? 0 : o == O_DST_NAT ? 1 : 2];
	char addr[INET6_ADDRSTRLEN + 8];
	const char *port = NULL, *c;
	struct in_addr a4;
	struct in6_addr a6;
	unsigned long pv = 0;

	rq->options |= 1u << o;
	if (!arg)
		return;
	snprintf(addr, sizeof(addr), "%s", arg);
	if ((c = strchr(arg, '['))) {
		const char *close = strchr(c + 1, ']');

		if (close == c + 1)
			param_problem("No IPv6 address specified");
		if (!close)
			param_problem("No closing ']' around IPv6 address");
		if ((port = strchr(close, ':'))) {
			snprintf(addr, sizeof(addr), "%.*s", (int)(close - c - 1), c + 1);
			port++;
		}
	} else if ((c = strchr(arg, ':')) && !strchr(c + 1, ':')) {
		snprintf(addr, sizeof(addr), "%.*s", (int)(c - arg), arg);
		port = c + 1;
	}
	if (port) {
		if (!*port)
			param_problem("No port specified after `:'");
		if (strspn(port, "0123456789") != strlen(port) ||
		    (pv = strtoul(port, NULL, 10)) > 65535)
			param_problem("Invalid port `%s'", port);
	}
	{
		/* parse_addr(): a prefix is cut off first, refused after */
		char bare[sizeof(addr)];
		char *slash;

		snprintf(bare, sizeof(bare), "%s", addr);
		slash = strchr(bare, '/');
		if (slash)
			*slash = 0;
		if (inet_aton(bare, &a4)) {
			set_family(rq, AF_INET);
		} else if (inet_pton(AF_INET6, bare, &a6) > 0) {
			set_family(rq, AF_INET6);
			a4.s_addr = 0;
		} else {
			param_problem("Invalid IP address `%s'", addr);
		}
		if (slash)
			param_problem("CIDR notation unavailable for `--%s'", name);
	}
	for (int k = 0; k < 2; k++) {
		if ((k == 0 && o == O_DST_NAT) || (k == 1 && o == O_SRC_NAT))
			continue;
		rq->nat_addr[k] = true;
		rq->nat_ip[k] = a4.s_addr;
		if (port) {
			rq->nat_port[k] = true;
			rq->nat_pt[k] = (uint16_t)pv;
		}
	}
}

/* -u: a comma list of ASSURED, SEEN_REPLY, UNSET, FIXED_TIMEOUT, EXPECTED,
 * OFFLOAD, HW_OFFLOAD (prefixes, any case), each maybe after '!', or
 * UNREPLIED: the connections with all those bits set (and those after '!'
 * clear). */
static void parse_status(struct request *rq, const char *arg)
{
	static const struct { const char *name; uint32_t bit; } names[] = {
		{ "ASSURED", NFU_IPS_ASSURED }, { "SEEN_REPLY", NFU_IPS_SEEN_REPLY },
		{ "UNSET", 0 }, { "FIXED_TIMEOUT", NFU_IPS_FIXED_TIMEOUT },
		{ "EXPECTED", NFU_IPS_EXPECTED }, { "OFFLOAD", 1u << 14 },
		{ "HW_OFFLOAD", 1u << 15 },
	};
	uint32_t status = 0, negated = 0;
	const char *p = arg;

	for (;;) {
		size_t n = strcspn(p, ",");
		bool neg = *p == '!';
		const char *w = p + neg;
		size_t wn = n - neg;
		size_t i;

		if (!wn)
			param_problem("Bad parameter `%s'", p);
		if (!neg && !strncmp(w, "UNREPLIED", 9)) {
			negated |= NFU_IPS_SEEN_REPLY;
		} else {
			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (!strncasecmp(w, names[i].name, wn))
					break;
			if (i == sizeof(names) / sizeof(names[0]))
				param_problem("Bad parameter `%s'", p);
			if (neg)
				negated |= names[i].bit;
			else
				status |= names[i].bit;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	rq->status = status;
	/* the kernel's filter: (status & mask) == value, the mask being the
	 * negated bits when there are some (so that "ASSURED,!SEEN_REPLY"
	 * matches nothing, as in conntrack) */
	rq->status_mask = negated ? negated : status;
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
	static char unsupported[32];
	const char *p = arg;

	for (;;) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; n && i < sizeof(types) / sizeof(types[0]); i++)
			if (!strncasecmp(p, types[i], n))
				break;
		if (!n || i == sizeof(types) / sizeof(types[0]))
			param_problem("Bad parameter `%s'", p);
		if (i == 1) {
			rq->extended = true;
		} else if (i == 3) {
			rq->id = true;
		} else if (i == 7) {
			rq->save = true;
		} else if (i == 0) {
			rq->xml = rq->other_output = true;
		} else if (i != 6 && !rq->unsupported) { /* userspace: events */
			snprintf(unsupported, sizeof(unsupported), "-o %s", types[i]);
			rq->unsupported = unsupported;
			rq->other_output = true;
		} else if (i != 6) {
			rq->other_output = true;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	if (rq->save && (rq->extended || rq->id || rq->other_output)) {
		fprintf(stderr, CT_PREFIX "cannot combine save output with any other"
			" output type, use -o save only\n");
		exit(OTHER_PROBLEM);
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
	case 'u':
		parse_status(rq, arg);
		rq->options |= 1u << O_STATUS;
		break;
	case K_MASK:
		parse_netmask_opt(rq, o->name && !strcmp(o->name, "mask-dst") ?
				  O_MASK_DST : O_MASK_SRC, arg);
		break;
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
	case K_PORT_MASK:
		rq->l4flags |= o->name && !strcmp(o->name, "mask-port-dst") ?
			       F_MASK_DPORT : F_MASK_SPORT;
		break;
	case K_PORT_TUPLE:
		rq->l4flags |= o->name && !strcmp(o->name, "tuple-port-dst") ?
			       F_TUPLE_DPORT : F_TUPLE_SPORT;
		break;
	case K_ZONE_DIR: {
		int d = !strcmp(o->name, "orig-zone") ? 0 : 1;

		rq->options |= 1u << (d ? O_REPL_ZONE : O_ORIG_ZONE);
		rq->dir_zone[d] = (uint16_t)strtoul(arg, NULL, 0);
		break;
	}
	case 'n': case 'g': case 'j':
		/* get_optional_arg() */
		if (!arg && !more && *i < argc && argv[*i][0] != '-' &&
		    argv[*i][0] != '!')
			arg = argv[(*i)++];
		parse_nat_opt(rq, o->key, arg);
		break;
	case 'c':
		/* no line shows a secmark: Linux lists every connection with
		 * secmark 0 as matching any (libnetfilter_conntrack compares
		 * only what the kernel sent) */
		rq->options |= 1u << O_SECMARK;
		break;
	case 'a':
		fprintf(stderr, "WARNING: ignoring -%c, deprecated option.\n", 'a');
		break;
	default: {
		/* options conntrack takes that mean nothing for a file: checked
		 * against the command first, as conntrack does, then refused */
		int bit;

		switch (o->key) {
		case 't': bit = O_TIMEOUT; break;
		case 'z': bit = O_ZERO; break;
		case 'e': bit = O_EVENT_MASK; break;
		case 'i': bit = O_ID; break;
		case 'b': bit = O_BUFFERSIZE; break;
		case K_TUPLE:
			bit = !strcmp(o->name, "tuple-dst") ? O_EXP_DST : O_EXP_SRC;
			break;
		case K_LABEL:
			bit = !o->name || !strcmp(o->name, "label") ? O_LABEL :
			      !strcmp(o->name, "label-add") ? O_ADD_LABEL : O_DEL_LABEL;
			break;
		default:
			fprintf(stderr, PROG ": %s is not supported\n", word);
			exit(PARAMETER_PROBLEM);
		}
		/* get_optional_arg() of -n, -g, -j, --label-del */
		if (o->has_arg == OPTARG && !arg && !more && *i < argc &&
		    argv[*i][0] != '-' && argv[*i][0] != '!')
			(*i)++;
		rq->options |= 1u << bit;
		if (!rq->unsupported)
			rq->unsupported = word;
		break;
	}
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
	if ((rq->options & (1u << O_ANY_NAT)) &&
	    (rq->options & (1u << O_SRC_NAT | 1u << O_DST_NAT)))
		param_problem("cannot specify `--src-nat' or `--dst-nat' with"
			      " `--any-nat'");
	if (!(rq->cmd & (CMD_LIST | CMD_DELETE | CMD_FLUSH | CMD_COUNT)))
		return;
	/* generic_opt_check(): options the command does not take, or needs */
	{
		const char *tab = opt_table(rq->cmd, rq->table);

		for (int o = 0; o < O_NUM; o++) {
			bool given = rq->options & (1u << o);

			if (!given && tab[o] == '1')
				param_problem("You need to supply the `--%s' option"
					      " for this command", opt_names[o]);
			if (given && tab[o] == '0')
				param_problem("Illegal option `--%s' with this command",
					      opt_names[o]);
		}
	}
	/* the protocol extension's final_check() */
	if (rq->ext) {
		const struct ext_check *x = !strcmp(rq->ext, "tcp") ? &tcp_check :
					    !strcmp(rq->ext, "icmp") ? &icmp_check :
					    strcmp(rq->ext, "icmpv6") &&
					    strcmp(rq->ext, "gre") ? &port_check : NULL;
		const char *tab = NULL;

		if (x)
			tab = rq->table == T_EXPECT ?
			      (rq->cmd == CMD_DELETE ? x->exp_del : NULL) :
			      rq->cmd == CMD_LIST ? x->list :
			      rq->cmd == CMD_DELETE ? x->del : NULL;
		for (int k = 0; tab && k < x->n; k++) {
			bool given = rq->l4flags & x->flag[k];

			if (!given && tab[k] == '1')
				param_problem("You need to supply the `--%s' option"
					      " for this command", x->name[k]);
			if (given && tab[k] == '0')
				param_problem("Illegal option `--%s' with this command",
					      x->name[k]);
		}
	}
	if ((rq->options & (1u << O_MASK_SRC)) && !(rq->options & (1u << O_SRC)))
		param_problem("Can't use --mask-src without --src");
	if ((rq->options & (1u << O_MASK_DST)) && !(rq->options & (1u << O_DST)))
		param_problem("Can't use --mask-dst without --dst");
	/* -o xml: the lists only */
	if (rq->xml && rq->cmd != CMD_LIST && !rq->unsupported)
		rq->unsupported = "-o xml with this command";
	/* do_command()'s checks of -L */
	if (rq->cmd == CMD_LIST && rq->table == T_CONNTRACK &&
	    (rq->options & (1u << O_ZERO)) &&
	    (rq->options & (1u << O_PROTO | 1u << O_SRC | 1u << O_DST |
			    1u << O_REPLY_SRC | 1u << O_REPLY_DST | 1u << O_MARK |
			    1u << O_SECMARK | 1u << O_STATUS | 1u << O_ID |
			    1u << O_ZONE | 1u << O_LABEL | 1u << O_ORIG_ZONE |
			    1u << O_REPL_ZONE)))
		param_problem("Can't use -z with filtering parameters");
	if (rq->unsupported) {
		fprintf(stderr, PROG ": %s is not supported\n", rq->unsupported);
		exit(PARAMETER_PROBLEM);
	}
}

/*
 * The table.
 */

/* Reads and checks 'path' into 't': 0, or 1 after saying why. */
static int table_load(struct nfu_ct_table *t, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0, len = 0, errline;
	char *text = NULL, err[256];
	int rc;

	memset(t, 0, sizeof(*t));
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		size_t got;

		if (len + 4096 > cap) {
			char *b = realloc(text, cap = cap ? 2 * cap : 65536);

			if (!b) {
				fclose(f);
				free(text);
				fprintf(stderr, PROG ": out of memory\n");
				return 1;
			}
			text = b;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno ? errno : EIO));
		fclose(f);
		free(text);
		return 1;
	}
	fclose(f);
	rc = nfu_ct_table_parse(t, text ? text : "", len, err, sizeof(err), &errline);
	free(text);
	if (rc == -ENOMEM) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	if (rc) {
		fprintf(stderr, PROG ": %s:%zu: %s\n", path, errline, err);
		return 1;
	}
	return 0;
}

/* Writes the lines of 't' that are not 'gone' to 'path', atomically. */
static int table_write(const struct nfu_ct_table *t, const bool *gone,
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
	for (size_t i = 0; i < t->nlines; i++) {
		/* the last line has no newline when the file had none */
		if (gone[i] || (i + 1 == t->nlines && !t->line[i].text[0]))
			continue;
		fprintf(f, "%s\n", t->line[i].text);
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

/* conntrack's filter_nat(): 'e' source NATed ('dir' 0) or destination
 * NATed (1), at the address and port asked for if any. */
static bool has_nat(const struct request *rq, const struct nfu_ct_entry *e,
		    int dir)
{
	const struct nfu_ct_tuple *o = &e->tuple[NFU_CT_DIR_ORIGINAL];
	const struct nfu_ct_tuple *r = &e->tuple[NFU_CT_DIR_REPLY];
	/* libnetfilter_conntrack's NFCT_GOPT_IS_SNAT, _DNAT, _SPAT, _DPAT;
	 * ports only for protocols that have them */
	bool ports = e->proto == 6 || e->proto == 17 || e->proto == 136 ||
		     e->proto == 132 || e->proto == 33;
	bool is_nat = dir ? r->src != o->dst : r->dst != o->src;
	bool is_pat = ports && (dir ? r->sport != o->dport : r->dport != o->sport);
	uint32_t nat_ip = dir ? r->src : r->dst;
	uint16_t nat_pt = ntohs(dir ? r->sport : r->dport);
	bool has = false;

	if (rq->nat_addr[dir])
		has = is_nat && nat_ip == rq->nat_ip[dir];
	if (rq->nat_port[dir]) {
		bool ok = is_pat && nat_pt == rq->nat_pt[dir];

		if (rq->nat_addr[dir] && has && !ok)
			has = false;
		if (!rq->nat_addr[dir] && ok)
			has = true;
	}
	if (!rq->nat_addr[dir] && !rq->nat_port[dir] && (is_nat || is_pat))
		has = true;
	return has;
}

/* Does 'e' pass every filter of 'rq'? */
static bool matches(const struct request *rq, const struct nfu_ct_entry *e)
{
	const struct nfu_ct_tuple *o = &e->tuple[NFU_CT_DIR_ORIGINAL];
	const struct nfu_ct_tuple *r = &e->tuple[NFU_CT_DIR_REPLY];
	const uint32_t addrs[4] = { o->src, o->dst, r->src, r->dst };

	if (rq->family == AF_INET6)
		return false; /* the entries are IPv4 */
	if (rq->options & (1u << O_ANY_NAT)) {
		if (!has_nat(rq, e, 0) && !has_nat(rq, e, 1))
			return false;
	} else if ((rq->options & (1u << O_SRC_NAT)) &&
		   (rq->options & (1u << O_DST_NAT))) {
		if (!has_nat(rq, e, 0) || !has_nat(rq, e, 1))
			return false;
	} else if ((rq->options & (1u << O_SRC_NAT)) && !has_nat(rq, e, 0)) {
		return false;
	} else if ((rq->options & (1u << O_DST_NAT)) && !has_nat(rq, e, 1)) {
		return false;
	}
	for (int k = 0; k < 4; k++)
		if ((rq->options & (1u << (O_SRC + k))) &&
		    !(k < 2 && (rq->options & (1u << (O_MASK_SRC + k)))) &&
		    (addrs[k] & rq->mask[k]) != rq->addr[k])
			return false;
	if ((rq->options & (1u << O_PROTO)) && e->proto != rq->proto)
		return false;
	if ((rq->options & (1u << O_MARK)) &&
	    (e->mark & rq->mark_mask) != rq->mark)
		return false;
	/* as ctnetlink shows them: the zone of both directions (CTA_ZONE),
	 * or that of one tuple (CTA_TUPLE_ZONE); 0 when not shown */
	if ((rq->options & (1u << O_ZONE)) &&
	    (e->zone_dir ? 0 : e->zone) != rq->zone)
		return false;
	for (unsigned int d = 0; d < 2; d++)
		if ((rq->options & (1u << (O_ORIG_ZONE + d))) &&
		    (e->zone_dir == (1u << d) ? e->zone : 0) != rq->dir_zone[d])
			return false;
	/* the kernel's status filter, then libnetfilter_conntrack's compare */
	if ((rq->options & (1u << O_STATUS)) &&
	    ((e->status & rq->status_mask) != rq->status ||
	     (e->status & rq->status) != rq->status))
		return false;
	/* --mask-src/--mask-dst: the network of -s/-d under that mask */
	for (int k = 0; k < 2; k++)
		if ((rq->options & (1u << (O_MASK_SRC + k))) &&
		    ((addrs[k] ^ rq->addr[k]) & rq->netmask[k]))
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

/* -o save: the line conntrack's ct_save_snprintf() makes, a command that
 * would add the connection (no mark in it, as in conntrack-tools 1.4.7). */
static void print_save(const struct nfu_ct_entry *e)
{
	static const char *const ext_names[256] = {
		[6] = "tcp", [17] = "udp", [136] = "udplite", [132] = "sctp",
		[33] = "dccp", [1] = "icmp", [58] = "icmpv6", [47] = "gre",
	};
	const struct nfu_ct_tuple *o = &e->tuple[NFU_CT_DIR_ORIGINAL];
	const struct nfu_ct_tuple *r = &e->tuple[NFU_CT_DIR_REPLY];
	char a[4][INET_ADDRSTRLEN];
	const uint32_t addr[4] = { o->src, o->dst, r->src, r->dst };

	for (int k = 0; k < 4; k++)
		inet_ntop(AF_INET, &addr[k], a[k], sizeof(a[k]));
	printf("-A -t %u -u ", e->timeout);
	/* the status bits in bit order: EXPECTED, SEEN_REPLY, ASSURED */
	if (!(e->status & (NFU_IPS_SEEN_REPLY | NFU_IPS_ASSURED)))
		printf("UNSET ");
	else
		printf("%s%s%s ", e->status & NFU_IPS_SEEN_REPLY ? "SEEN_REPLY" : "",
		       (e->status & NFU_IPS_SEEN_REPLY) &&
		       (e->status & NFU_IPS_ASSURED) ? "," : "",
		       e->status & NFU_IPS_ASSURED ? "ASSURED" : "");
	if (e->zone && !e->zone_dir)
		printf("-w %u ", (unsigned int)e->zone);
	else if (e->zone)
		printf("--%s-zone %u ", e->zone_dir == NFU_CT_ZONE_DIR_ORIG ?
		       "orig" : "reply", (unsigned int)e->zone);
	/* a NATed reply is written as -g/-n */
	printf("-s %s -d %s %s %s %s %s ", a[0], a[1],
	       r->src != o->dst ? "-g" : "-r", a[2],
	       r->dst != o->src ? "-n" : "-q", a[3]);
	if (!ext_names[e->proto]) {
		printf("-p %u\n", (unsigned int)e->proto);
		return;
	}
	printf("-p %s", ext_names[e->proto]);
	switch (e->proto) {
	case 6: case 17: case 136: case 132: case 33:
		printf(" --sport %u --dport %u --reply-port-src %u --reply-port-dst %u",
		       ntohs(o->sport), ntohs(o->dport), ntohs(r->sport),
		       ntohs(r->dport));
		if (e->proto == 6 && e->state[0])
			printf(" --state %s", e->state);
		break;
	case 1:
		printf(" --icmp-type %u --icmp-code %u --icmp-id %u",
		       (unsigned int)(o->dport >> 8), (unsigned int)(o->dport & 0xff),
		       ntohs(o->sport));
		break;
	default:
		break;
	}
	printf("\n");
}

/* -o xml: libnetfilter_conntrack's XML of a connection, after the
 * document's head for the first one ('rq->xml_open'). */
static void print_xml(struct request *rq, const struct nfu_ct_entry *e)
{
	static const char *const dirs[] = { "original", "reply" };

	if (!rq->xml_open) {
		printf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n");
		rq->xml_open = true;
	}
	printf("<flow>");
	for (int d = 0; d < NFU_CT_DIR_MAX; d++) {
		const struct nfu_ct_tuple *t = &e->tuple[d];
		char s[INET_ADDRSTRLEN], ds[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &t->src, s, sizeof(s));
		inet_ntop(AF_INET, &t->dst, ds, sizeof(ds));
		printf("<meta direction=\"%s\"><layer3 protonum=\"2\" protoname=\"ipv4\">"
		       "<src>%s</src><dst>%s</dst></layer3>"
		       "<layer4 protonum=\"%u\" protoname=\"%s\">", dirs[d], s, ds,
		       (unsigned int)e->proto, nfu_ct_proto_name(e->proto));
		switch (e->proto) {
		case 6: case 17: case 136: case 132: case 33:
			printf("<sport>%u</sport><dport>%u</dport>", ntohs(t->sport),
			       ntohs(t->dport));
			break;
		default:
			break;
		}
		printf("</layer4>");
		if (e->zone && e->zone_dir == (1u << d))
			printf("<zone>%u</zone>", (unsigned int)e->zone);
		if (e->acct)
			printf("<counters><packets>%llu</packets><bytes>%llu</bytes>"
			       "</counters>", (unsigned long long)e->packets[d],
			       (unsigned long long)e->bytes[d]);
		printf("</meta>");
	}
	printf("<meta direction=\"independent\">");
	if (e->state[0])
		printf("<state>%s</state>", e->state);
	printf("<timeout>%u</timeout><mark>%u</mark>", e->timeout, e->mark);
	if (e->zone && !e->zone_dir)
		printf("<zone>%u</zone>", (unsigned int)e->zone);
	printf("<use>%u</use>", e->use);
	if (e->has_id)
		printf("<id>%llu</id>", (unsigned long long)e->id);
	if (e->status & NFU_IPS_ASSURED)
		printf("<assured/>");
	if (!(e->status & NFU_IPS_SEEN_REPLY))
		printf("<unreplied/>");
	printf("</meta>");
	if (e->helper[0])
		printf("<helper>%s</helper>", e->helper);
	printf("</flow>\n");
}

/* The same of an expectation. */
static void print_exp_xml(struct request *rq, const struct nfu_ct_exp_entry *x)
{
	const struct nfu_ct_tuple *t[3] = { &x->tuple, &x->mask, &x->master };
	static const char *const tag[3] = { "expected", "mask", "master" };
	bool ports = x->tuple.proto == 6 || x->tuple.proto == 17 ||
		     x->tuple.proto == 136 || x->tuple.proto == 132 ||
		     x->tuple.proto == 33;

	if (!rq->xml_open) {
		printf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<expect>\n");
		rq->xml_open = true;
	}
	printf("<flow><layer3 protonum=\"2\" protoname=\"ipv4\">");
	for (int k = 0; k < 3; k++) {
		char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &t[k]->src, s, sizeof(s));
		inet_ntop(AF_INET, &t[k]->dst, d, sizeof(d));
		printf("<%s><src>%s</src><dst>%s</dst></%s>", tag[k], s, d, tag[k]);
	}
	printf("</layer3><layer4 protonum=\"%u\" protoname=\"%s\">",
	       (unsigned int)x->tuple.proto, nfu_ct_proto_name(x->tuple.proto));
	for (int k = 0; ports && k < 3; k++)
		printf("<%s><sport>%u</sport><dport>%u</dport></%s>", tag[k],
		       ntohs(t[k]->sport), ntohs(t[k]->dport), tag[k]);
	printf("</layer4><meta>");
	if (x->helper[0])
		printf("<helper-name>%s</helper-name>", x->helper);
	printf("<timeout>%u</timeout><class>%u</class></meta></flow>\n",
	       x->timeout, x->class);
}

static void print_entry(struct request *rq, const struct nfu_ct_entry *e)
{
	unsigned int flags = (rq->extended ? NFU_CT_FMT_EXTENDED : 0) |
			     (rq->id ? NFU_CT_FMT_ID : 0);
	char line[512];

	if (rq->save) {
		print_save(e);
		return;
	}
	if (rq->xml) {
		print_xml(rq, e);
		return;
	}
	nfu_ct_entry_format(e, flags, line, sizeof(line));
	printf("%s\n", line);
}

/* -D expect: the tuple its options give (conntrack's template). */
static void exp_tuple_of(const struct request *rq, struct nfu_ct_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->proto = rq->proto;
	t->src = rq->addr[0];
	t->dst = rq->addr[1];
	if (rq->l4flags & (F_ICMP_TYPE | F_ICMP_CODE | F_ICMP_ID)) {
		t->dport = (uint16_t)(rq->icmp_type << 8 | rq->icmp_code);
		t->sport = htons(rq->icmp_id);
	} else {
		t->sport = htons(rq->port[0]);
		t->dport = htons(rq->port[1]);
	}
}

/* Marks the expectations of 't' whose master is a connection 'gone'
 * (Linux removes a connection's expectations with it).  The file does
 * not say an expectation's zone: its master is found by its tuple. */
static void expectations_follow(const struct nfu_ct_table *t, bool *gone)
{
	for (size_t i = 0; i < t->nlines; i++) {
		const struct nfu_ct_exp_entry *x;

		if (t->line[i].kind != NFU_CT_LINE_EXPECT)
			continue;
		x = &t->exp[t->line[i].idx];
		for (size_t j = 0; j < t->nlines && !gone[i]; j++)
			if (gone[j] && t->line[j].kind == NFU_CT_LINE_CONN &&
			    !memcmp(&t->conn[t->line[j].idx].tuple[NFU_CT_DIR_ORIGINAL],
				    &x->master, sizeof(x->master)))
				gone[i] = true;
	}
}

static void print_exp(const struct nfu_ct_exp_entry *x)
{
	char line[512];

	nfu_ct_exp_entry_format(x, line, sizeof(line));
	printf("%s\n", line);
}

static int run(struct request *rq)
{
	struct nfu_ct_table t;
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
	/* the kernel refuses a status filter of no bits (-u UNSET) */
	if (rq->cmd == CMD_LIST && rq->table == T_CONNTRACK &&
	    (rq->options & (1u << O_STATUS)) && !rq->status_mask) {
		fprintf(stderr, CT_PREFIX "Operation failed: invalid parameters\n");
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
	gone = calloc(t.nlines ? t.nlines : 1, sizeof(*gone));
	if (!gone) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out_table;
	}
	if (rq->table == T_EXPECT) {
		switch (rq->cmd) {
		case CMD_LIST:
			for (size_t i = 0; i < t.nlines; i++)
				if (t.line[i].kind == NFU_CT_LINE_EXPECT &&
				    rq->family != AF_INET6) {
					if (rq->xml)
						print_exp_xml(rq, &t.exp[t.line[i].idx]);
					else
						print_exp(&t.exp[t.line[i].idx]);
					counter++;
				}
			if (rq->xml_open)
				printf("</expect>\n");
			fflush(stdout);
			fprintf(stderr, CT_PREFIX "%d expectations have been shown.\n",
				counter);
			break;
		case CMD_COUNT:
			printf("%zu\n", t.nexp);
			break;
		case CMD_FLUSH:
			for (size_t i = 0; i < t.nlines; i++)
				gone[i] = t.line[i].kind == NFU_CT_LINE_EXPECT;
			if (t.nexp && table_write(&t, gone, rq->state_path))
				goto out_table;
			fprintf(stderr, CT_PREFIX "expectation table has been emptied.\n");
			break;
		case CMD_DELETE: {
			struct nfu_ct_tuple want;
			size_t i;

			/* Linux's ctnetlink_del_expect(): the first expectation
			 * the tuple falls in (the default zone: not in the file) */
			exp_tuple_of(rq, &want);
			for (i = 0; i < t.nlines; i++)
				if (t.line[i].kind == NFU_CT_LINE_EXPECT &&
				    rq->family != AF_INET6 &&
				    nfu_ct_exp_entry_matches(&t.exp[t.line[i].idx], &want))
					break;
			if (i == t.nlines) {
				fprintf(stderr, CT_PREFIX "Operation failed: %s\n",
					strerror(ENOENT));
				goto out_table;
			}
			gone[i] = true;
			if (table_write(&t, gone, rq->state_path))
				goto out_table;
			/* conntrack counts no deletion here, says so, exits 1 */
			fprintf(stderr, CT_PREFIX "0 expectations have been shown.\n");
			goto out_table;
		}
		default:
			break;
		}
	} else {
		switch (rq->cmd) {
		case CMD_LIST:
			for (size_t i = 0; i < t.nlines && rq->table == T_CONNTRACK; i++)
				if (t.line[i].kind == NFU_CT_LINE_CONN &&
				    matches(rq, &t.conn[t.line[i].idx])) {
					print_entry(rq, &t.conn[t.line[i].idx]);
					counter++;
				}
			if (rq->xml_open)
				printf("</conntrack>\n");
			fflush(stdout);
			fprintf(stderr, CT_PREFIX "%d flow entries have been shown.\n",
				counter);
			break;
		case CMD_COUNT:
			printf("%zu\n", t.nconn);
			break;
		case CMD_FLUSH:
			/* every connection goes, and with them every
			 * expectation (each has its master among them) */
			for (size_t i = 0; i < t.nlines; i++)
				gone[i] = t.line[i].kind != NFU_CT_LINE_OTHER;
			if (table_write(&t, gone, rq->state_path))
				goto out_table;
			fprintf(stderr, CT_PREFIX "connection tracking table has been"
				" emptied.\n");
			break;
		case CMD_DELETE:
			for (size_t i = 0; i < t.nlines; i++)
				if (t.line[i].kind == NFU_CT_LINE_CONN &&
				    matches(rq, &t.conn[t.line[i].idx])) {
					print_entry(rq, &t.conn[t.line[i].idx]);
					gone[i] = true;
					counter++;
				}
			fflush(stdout);
			expectations_follow(&t, gone);
			if (counter && table_write(&t, gone, rq->state_path))
				goto out_table;
			fprintf(stderr, CT_PREFIX "%d flow entries have been deleted.\n",
				counter);
			if (!counter)
				goto out_table; /* conntrack: 1 when nothing was deleted */
			break;
		default:
			break;
		}
	}
	if (fflush(stdout)) {
		fprintf(stderr, PROG ": standard output: %s\n", strerror(errno));
		goto out_table;
	}
	ret = 0;
out_table:
	free(gone);
	nfu_ct_table_free(&t);
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
