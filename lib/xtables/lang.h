/* SPDX-License-Identifier: MIT */
/*
 * xtables/lang.h - the iptables language: the command line of iptables
 * 1.8 (legacy), the iptables-restore input and the iptables-save output.
 *
 * What?
 *   nfu_xt_parse_rule() reads one iptables command line (argv) into a
 *   struct nfu_xt_cmd (the command, its chain, rule number, policy…) and a
 *   struct nfu_xt_rule; nfu_xt_cmd_apply() carries the command out on a
 *   table as libiptc would (append, insert, delete, new chain…).
 *   nfu_xt_restore() reads iptables-save text into a ruleset;
 *   nfu_xt_save() prints a ruleset as iptables-legacy-save does.
 *
 * Basic design
 *   - The reference is iptables 1.8.9 (legacy) as Debian ships it, checked
 *     against the binary in network namespaces (tests/unit/test_xt_lang.c
 *     and its golden files).  Its getopt-driven parser is reproduced in
 *     order: the option loop (so the first bad word is the one reported),
 *     then the extensions' final checks, then the addresses, then the
 *     checks of the command, then the target (chain or extension).
 *   - Errors: on failure err->msg holds the whole text iptables prints on
 *     stderr, newline-terminated, such as
 *       iptables v1.8.9 (legacy): multiple -p flags not allowed
 *       Try `iptables -h' or 'iptables --help' for more information.
 *     or, from iptables-restore, with "Error occurred at line: N" before
 *     the last line, or "iptables-restore: line N failed".  err->line is
 *     the input line (0 for a command line).  The return value tells the
 *     exit status: -EINVAL is iptables' PARAMETER_PROBLEM (exit 2), any
 *     other negative errno exit 1 (nfu_xt_exit_status()).
 *   - Names are never resolved through DNS: addresses are numeric (as
 *     inet_aton reads them, and iptables' own a.b.c completion) or
 *     "localhost"; anything else is `host/network `x' not found', which is
 *     what iptables says for a name it cannot resolve.
 *   - Protocol names are those of Debian's /etc/protocols (netbase), built
 *     in, since iptables prints -p through getprotobynumber().
 *
 * Thread-safety
 *   None needed: no global state; everything is in the arguments.
 */
#ifndef NFU_XT_LANG_H
#define NFU_XT_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xtables/xt-private.h"

#define NFU_XT_IPTABLES_VERSION "1.8.9"

/* Commands, with iptables' bit values (CMD_*). */
enum {
	NFU_XT_CMD_NONE = 0x0000,
	NFU_XT_CMD_INSERT = 0x0001,
	NFU_XT_CMD_DELETE = 0x0002,
	NFU_XT_CMD_DELETE_NUM = 0x0004,
	NFU_XT_CMD_REPLACE = 0x0008,
	NFU_XT_CMD_APPEND = 0x0010,
	NFU_XT_CMD_LIST = 0x0020,
	NFU_XT_CMD_FLUSH = 0x0040,
	NFU_XT_CMD_ZERO = 0x0080,
	NFU_XT_CMD_NEW_CHAIN = 0x0100,
	NFU_XT_CMD_DELETE_CHAIN = 0x0200,
	NFU_XT_CMD_SET_POLICY = 0x0400,
	NFU_XT_CMD_RENAME_CHAIN = 0x0800,
	NFU_XT_CMD_LIST_RULES = 0x1000,
	NFU_XT_CMD_ZERO_NUM = 0x2000,
	NFU_XT_CMD_CHECK = 0x4000,
};

struct nfu_xt_addr {
	uint32_t addr, mask;  /* network order, addr already masked */
};

/*
 * One command line.  The caller sets the inputs (nfu_xt_cmd_init()); the
 * parser fills the rest.  Strings point into argv (or 'table').
 */
struct nfu_xt_cmd {
	/* inputs */
	const char *prog;          /* "iptables" or "iptables-restore" */
	unsigned int line;         /* restore: input line; 0: command line */
	bool restore;              /* from iptables-restore (-t, -w refused) */
	/* outputs */
	unsigned int command;      /* NFU_XT_CMD_* (LIST|ZERO possible) */
	const char *table;         /* -t, else the 'table' argument */
	const char *chain;         /* NULL when not given (-L, -F, -X, -Z) */
	const char *newname;       /* -E */
	const char *policy;        /* -P */
	unsigned int rulenum;      /* 1-based; 0: none */
	unsigned int verbose;      /* -v count */
	bool numeric, exact, line_numbers;
	bool set_counters;         /* -c / --set-counters */
	uint64_t pcnt, bcnt;
	bool ignored;              /* -6 in restore: iptables skips the line */
	/* -s and -d after parsing (iptables makes one rule per pair, source
	 * major); both at least one entry for rule commands. */
	unsigned int nsrc, ndst;
	struct nfu_xt_addr *src, *dst;
};

void nfu_xt_cmd_init(struct nfu_xt_cmd *cmd, const char *prog,
		     unsigned int line, bool restore);
void nfu_xt_cmd_free(struct nfu_xt_cmd *cmd);

/*
 * Parses 'argc' words of 'argv' (argv[0] is the first option, no program
 * name) as iptables does, for table 'table' (unless -t says otherwise).
 * 't' (may be NULL) is the table the command acts on: -j/-g names are
 * looked up there to tell a chain from an extension, as iptables asks
 * libiptc.  'rule' (from nfu_xt_rule_new()) receives the IP part, the
 * matches and the target; its addresses are the first of cmd->src/dst.
 * Some words of argv are changed (iptables lowercases -p in place).
 * On failure 'rule' may hold part of the rule: free it as usual.
 */
int nfu_xt_parse_rule(int argc, char **argv, const char *table,
		      const struct nfu_xt_table *t, struct nfu_xt_rule *rule,
		      struct nfu_xt_cmd *cmd, struct nfu_error *err);

/*
 * Carries out a parsed command on table 't' as libiptc does (not -L/-S,
 * which print: nothing is done for them).  Rule commands use 'rule' as
 * the template of each source/destination pair; 'rule' stays the
 * caller's.  0 or a negative errno: -ENOENT (no such chain, or no such
 * rule for -D/-C), -E2BIG (rule number too big), -EEXIST, -EBUSY
 * (referenced chain), -ENOTEMPTY, -EINVAL (bad policy or built-in),
 * -EPERM (built-in chain), -ENOMEM.  err gets libiptc's message
 * ("No chain/target/match by that name." …) without any prefix.
 */
int nfu_xt_cmd_apply(struct nfu_xt_table *t, const struct nfu_xt_cmd *cmd,
		     const struct nfu_xt_rule *rule, struct nfu_error *err);

/* libiptc's iptc_strerror() text for a failure of nfu_xt_cmd_apply(). */
const char *nfu_xt_strerror(int rc, unsigned int command);

/* Flags of nfu_xt_restore(). */
enum {
	NFU_XT_RESTORE_NOFLUSH = 0x1,  /* --noflush */
	NFU_XT_RESTORE_COUNTERS = 0x2, /* --counters */
	NFU_XT_RESTORE_TEST = 0x4,     /* --test: parse only, change nothing */
	/* with COUNTERS: a chain line may leave its counters out (they are
	 * then 0), as iptables-save of old versions wrote nat, mangle and raw
	 * (nfu replay) */
	NFU_XT_RESTORE_COUNTERS_OPTIONAL = 0x8,
};

/* Where each table's COMMIT was (0: not in the input), so that a failed
 * nfu_xt_commit() can be reported as "iptables-restore: line N failed"
 * with the COMMIT line of the table that failed, as iptables does. */
struct nfu_xt_restore_info {
	unsigned int commit_line[NFU_XT_NTABLES];
};

/*
 * Reads iptables-save text ('len' bytes of 'text') into 'rs', as
 * iptables-restore does, table by table: without NOFLUSH each table
 * named in the text is flushed and emptied of user chains first.  Only
 * 'only_table' is read when not NULL (-T).  Either everything is applied
 * or, on failure, nothing ('rs' unchanged, err says why as
 * iptables-restore prints it).  Kernel-side checks are not made here:
 * they belong to nfu_xt_commit().  'info' may be NULL.
 */
int nfu_xt_restore(struct nfu_xt_ruleset *rs, const char *text, size_t len,
		   unsigned int flags, const char *only_table,
		   struct nfu_error *err);
int nfu_xt_restore_info(struct nfu_xt_ruleset *rs, const char *text,
			size_t len, unsigned int flags, const char *only_table,
			struct nfu_xt_restore_info *info,
			struct nfu_error *err);

/*
 * Prints 'rs' as iptables-legacy-save does (without its "# Generated by"
 * and "# Completed on" lines): the tables in use, newest first (the order
 * of /proc/net/ip_tables_names, see nfu_xt_table.used), or only
 * 'only_table' (-t, printed even when unused); with 'counters' (-c) each
 * rule starts with "[packets:bytes] ".
 */
void nfu_xt_save(const struct nfu_xt_ruleset *rs, const char *only_table,
		 bool counters, struct nfu_strbuf *sb);

/* One rule as iptables-save prints it after "-A CHAIN" (no newline). */
void nfu_xt_save_rule(const struct nfu_xt_rule *r, struct nfu_strbuf *sb);

/* Marks table 't' of 'rs' in use, as Linux instantiates a table in a
 * namespace at its first use (no effect when already in use). */
void nfu_xt_table_use(struct nfu_xt_ruleset *rs, struct nfu_xt_table *t);

/* Protocols by name and number as iptables reads and prints them. */
int nfu_xt_proto_parse(const char *s, uint16_t *proto);
const char *nfu_xt_proto_name(uint16_t proto);

/* 0, 1 or 2: the exit status of iptables for return value 'rc'. */
int nfu_xt_exit_status(int rc);

#endif
