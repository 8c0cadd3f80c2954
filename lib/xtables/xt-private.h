/* SPDX-License-Identifier: MIT */
/*
 * xtables/xt-private.h - packet filtering in the iptables model: the
 * ruleset as typed structs, the extension interface, and the calls between
 * the parts of lib/xtables and lib/ext.
 *
 * What?
 *   A ruleset holds the tables (raw, mangle, nat, filter, security) of one
 *   stack; a table holds chains, built-in ones (with a policy and its
 *   counters) and user-defined ones; a chain holds rules.  A rule is the IP
 *   part (ipt_ip of Linux: addresses and masks, interfaces, protocol,
 *   fragment flag, inversions), a list of matches and one target.
 *
 * Basic design
 *   - Editing works on a struct nfu_xt_ruleset: parse (iptables syntax,
 *     lib/xtables/parse.c), change, check.  nfu_xt_commit() then checks the
 *     whole ruleset as Linux's translate_table() does (extension checks,
 *     loops, hook masks), resolves each jump to its chain, and swaps the
 *     ruleset in with one pointer.  The evaluator runs the ruleset in
 *     force as it is, so that one command (-A, -D…) can change it in
 *     place, in a time that does not grow with its size
 *     (nfu_xt_cmd_commit()).  A failed commit changes nothing.
 *   - Extensions are const ops structs (struct nfu_xt_match_ops,
 *     nfu_xt_target_ops), one file each in lib/ext/, listed in the static
 *     registry of lib/xtables/registry.c.  'parse' and 'save' are the
 *     iptables (user-space) half, 'check' and 'match'/'target' the kernel
 *     half.  Per-packet functions never allocate nor parse.
 *   - A table registers its hook functions only when a commit first gives
 *     it a chain with rules or a non-ACCEPT policy... (see table.c): an
 *     unused table costs nothing.
 *   - Counters live in the rules (and chains, for policies) of the ruleset
 *     that is in force; the compiled array points at them.
 *
 * Thread-safety
 *   The stack's thread only, as everything of a struct nfu_net.
 */
#ifndef NFU_XT_PRIVATE_H
#define NFU_XT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/net-private.h"
#include "nfu/error.h"

#define NFU_XT_CHAIN_MAXNAMELEN 29 /* XT_EXTENSION_MAXNAMELEN: 28 + NUL */
#define NFU_XT_EXT_MAXNAMELEN 29
#define NFU_XT_MAX_JUMP_DEPTH 64   /* Linux's XT_MAX_... stack per table */

/* Linux's verdict for "go on with the next rule" (XT_CONTINUE) and the
 * standard target's RETURN (XT_RETURN = -NF_REPEAT - 1). */
#define NFU_XT_CONTINUE 0xFFFFFFFFu

/* ipt_ip flags and inversion flags, Linux's values. */
enum {
	NFU_IPT_F_FRAG = 0x01,
	NFU_IPT_F_GOTO = 0x02,
};
enum {
	NFU_IPT_INV_VIA_IN = 0x01,
	NFU_IPT_INV_VIA_OUT = 0x02,
	NFU_IPT_INV_TOS = 0x04,
	NFU_IPT_INV_SRCIP = 0x08,
	NFU_IPT_INV_DSTIP = 0x10,
	NFU_IPT_INV_FRAG = 0x20,
	NFU_IPT_INV_PROTO = 0x40,
};

/* The IP part of a rule.  Addresses in network order; an interface name
 * ending in '+' matches every name with that prefix ('iface_len' counts
 * the characters compared; 0: any interface). */
struct nfu_xt_ip {
	uint32_t src, smsk;
	uint32_t dst, dmsk;
	char iniface[16];
	char outiface[16];
	uint8_t iniface_len;  /* chars compared, the '+' excluded */
	uint8_t outiface_len;
	bool iniface_plus;    /* written with a trailing '+' */
	bool outiface_plus;
	uint16_t proto;       /* 0: any */
	uint8_t flags;        /* NFU_IPT_F_* */
	uint8_t invflags;     /* NFU_IPT_INV_* */
};

/* Hook masks, as (1 << NFU_INET_*). */
#define NFU_XT_HOOK(h) (1u << (h))

/*
 * The extension interface.
 */

/* Output buffer for save and listing text. */
struct nfu_strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};
void nfu_sb_init(struct nfu_strbuf *sb);
void nfu_sb_free(struct nfu_strbuf *sb);
void nfu_sb_printf(struct nfu_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nfu_sb_puts(struct nfu_strbuf *sb, const char *s);

/* One option of an extension, as iptables' xt_option_entry: 'name' without
 * the leading "--"; 'id' is handed to parse(). */
enum {
	NFU_XTOPT_ARG = 0x01,     /* takes an argument */
	NFU_XTOPT_INVERT = 0x02,  /* may be preceded by '!' */
	NFU_XTOPT_MULTI = 0x04,   /* may be given more than once */
	NFU_XTOPT_ARG2 = 0x08,    /* takes a second argument, the next word
				     (tcp's --tcp-flags MASK COMP) */
};
struct nfu_xt_option {
	const char *name;
	uint8_t id;
	uint8_t flags;
};

/* What parse() and final_check() are told. */
struct nfu_xt_parse_ctx {
	const char *table;
	const struct nfu_xt_ip *ip;  /* the rule's IP part as parsed so far */
	const char *option;          /* the option as written, "--dport" */
	struct nfu_error *err;       /* fill with nfu_xt_error() */
	const char *prog;            /* "iptables" or "iptables-restore" */
	/* For NFU_XTOPT_ARG2 options: the word after 'arg', or NULL when
	 * there is none or it starts with '-' or '!' (iptables then says
	 * "--tcp-flags requires two args."); the caller consumes it when
	 * not NULL. */
	const char *arg2;
};

/* Fill ctx->err with iptables' wording and return -EINVAL.  iptables
 * prints these as "iptables v1.8.x (legacy): <msg>"; the caller adds that
 * prefix. */
int nfu_xt_error(struct nfu_xt_parse_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What check() (Linux's checkentry) is told. */
struct nfu_xt_check_ctx {
	struct nfu_net *net;
	const char *table;
	unsigned int hook_mask;       /* hooks the rule can be reached from */
	const struct nfu_xt_ip *ip;
	struct nfu_error *err;        /* the message names the problem */
	/* The whole rule, its matches included (Linux's par->entryinfo:
	 * TCPMSS looks for a tcp match that requires SYN). */
	const struct nfu_xt_rule *rule;
};

/* What match() and target() are told, per packet (xt_action_param). */
struct nfu_xt_par {
	struct nfu_net *net;
	const struct nfu_dev *in, *out;
	uint8_t hooknum;
	uint16_t fragoff;     /* fragment offset in 8-byte units, 0: first */
	unsigned int thoff;   /* transport header offset from the IP header */
	bool hotdrop;         /* set by a match to drop the packet */
	const char *table;
};

struct nfu_xt_match_ops {
	const char *name;
	uint8_t revision;
	size_t size;               /* bytes of data */
	/* The bytes of data, from the start, that the rule's text sets and
	 * -D/-C compare (Linux's usersize); 0: all of 'size'.  What check()
	 * or packets write after them (limit's bucket) is left out. */
	size_t usersize;
	const char *table;         /* only in this table; NULL: any */
	unsigned int hooks;        /* NFU_XT_HOOK mask allowed; 0: any */
	uint16_t proto;            /* needs -p PROTO (not inverted); 0: any */
	const struct nfu_xt_option *options; /* ends with { NULL } */
	/* Defaults into freshly zeroed 'data' (may be NULL). */
	void (*init)(void *data);
	/* One option: 'arg' NULL for options without argument. */
	int (*parse)(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data);
	/* After all options of the rule ('seen': mask of 1 << id of the
	 * options given); NULL: nothing to check. */
	int (*final_check)(struct nfu_xt_parse_ctx *ctx, void *data,
			   unsigned int seen);
	/* At commit, once per rule: 0 or a negative errno with err set. */
	int (*check)(const struct nfu_xt_check_ctx *ctx, void *data);
	/* Per packet. */
	bool (*match)(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		      void *data);
	/* iptables-save text: the options after " -m NAME", each starting
	 * with a space (" --dport 80"). */
	void (*save)(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb);
	/* iptables -L text (the part after the addresses); NULL: nothing. */
	void (*print)(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb);
	/* Frees what parse/check allocated inside 'data'; NULL: nothing. */
	void (*destroy)(void *data);
};

struct nfu_xt_target_ops {
	const char *name;
	uint8_t revision;
	size_t size;
	size_t usersize;           /* as the match's */
	const char *table;
	unsigned int hooks;
	uint16_t proto;
	const struct nfu_xt_option *options;
	void (*init)(void *data);
	int (*parse)(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data);
	int (*final_check)(struct nfu_xt_parse_ctx *ctx, void *data,
			   unsigned int seen);
	int (*check)(const struct nfu_xt_check_ctx *ctx, void *data);
	/* A verdict (NFU_ACCEPT, NFU_DROP, NFU_VERDICT_QUEUE(…)) or
	 * NFU_XT_CONTINUE. */
	unsigned int (*target)(struct nfu_pkt *pkt, struct nfu_xt_par *par,
			       void *data);
	void (*save)(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb);
	void (*print)(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb);
	void (*destroy)(void *data);
};

/* registry.c: the static lists, looked up by name (and revision: the
 * highest one). */
const struct nfu_xt_match_ops *nfu_xt_find_match(const char *name);
const struct nfu_xt_target_ops *nfu_xt_find_target(const char *name);

/*
 * The ruleset.
 */

struct nfu_xt_ematch {
	const struct nfu_xt_match_ops *ops;
	void *data;            /* ops->size bytes */
	unsigned int seen;     /* options given, for save order if needed */
};

enum nfu_xt_target_kind {
	NFU_XT_T_VERDICT,      /* ACCEPT, DROP, QUEUE, RETURN (no data) */
	NFU_XT_T_JUMP,         /* -j CHAIN */
	NFU_XT_T_GOTO,         /* -g CHAIN */
	NFU_XT_T_EXT,          /* an extension target */
};

/* Standard verdicts of a rule or policy. */
enum nfu_xt_std {
	NFU_XT_STD_ACCEPT = 1,
	NFU_XT_STD_DROP = 2,
	NFU_XT_STD_QUEUE = 3,
	NFU_XT_STD_RETURN = 4,
};

/* Hot fields first: the evaluator reads ip, the matches, the target and
 * the counters of every rule it tries. */
struct nfu_xt_rule {
	struct nfu_xt_ip ip;
	uint8_t tkind;                 /* enum nfu_xt_target_kind */
	uint8_t verdict;               /* enum nfu_xt_std, for T_VERDICT */
	unsigned int nmatches;
	struct nfu_xt_ematch *matches;
	const struct nfu_xt_target_ops *target; /* for T_EXT */
	void *tdata;
	/* For T_JUMP, T_GOTO in the ruleset in force: the chain, resolved
	 * from 'chain' by nfu_xt_commit() (meaningless elsewhere). */
	struct nfu_xt_chain *jump;
	uint64_t pcnt, bcnt;           /* counters */
	char chain[NFU_XT_CHAIN_MAXNAMELEN]; /* for T_JUMP, T_GOTO */
};

struct nfu_xt_chain {
	char name[NFU_XT_CHAIN_MAXNAMELEN];
	bool builtin;
	uint8_t hook;                  /* for built-in chains */
	uint8_t policy;                /* NFU_XT_STD_ACCEPT / _DROP */
	/* The hooks the chain is reachable from (NFU_XT_HOOK mask), as of
	 * the last nfu_xt_commit() of the ruleset in force. */
	unsigned int hook_mask;
	uint64_t pcnt, bcnt;           /* policy counters */
	unsigned int nrules, cap;
	struct nfu_xt_rule **rules;
};

/* The fixed description of a table (table.c). */
struct nfu_xt_table_def {
	const char *name;
	unsigned int valid_hooks;      /* NFU_XT_HOOK mask */
	int32_t priority[NFU_INET_NUMHOOKS]; /* per hook */
	bool nat;                      /* run by lib/nat, not on the hooks */
};

/* One level of the evaluator's jump stack: where to go on RETURN. */
struct nfu_xt_jump {
	const struct nfu_xt_chain *chain;
	unsigned int next;
};

struct nfu_xt_table {
	const struct nfu_xt_table_def *def;
	unsigned int nchains, cap;
	struct nfu_xt_chain **chains;  /* built-ins first, in hook order */
	/* 0: never used; else its rank in the order tables were first used
	 * (1, 2, …).  Linux makes a table in a namespace at its first use
	 * and iptables-save lists them newest first; set by
	 * nfu_xt_table_use() (lang.h), copied by clone. */
	unsigned int used;
	/* Set by nfu_xt_commit() for the evaluator (not copied by clone):
	 * the built-in chain of each hook, and the jump stack (one level
	 * per chain: loops are refused, so no traversal goes deeper). */
	struct nfu_xt_chain *hook_chain[NFU_INET_NUMHOOKS];
	struct nfu_xt_jump *stack;
	unsigned int stacksize;
};

#define NFU_XT_NTABLES 5

struct nfu_xt_ruleset {
	struct nfu_xt_table tables[NFU_XT_NTABLES]; /* raw mangle nat filter security */
};

const struct nfu_xt_table_def *nfu_xt_table_def(const char *name);
extern const struct nfu_xt_table_def nfu_xt_table_defs[NFU_XT_NTABLES];

/* ruleset.c: building and editing (nothing here touches a stack). */
struct nfu_xt_ruleset *nfu_xt_ruleset_new(void); /* empty tables, built-in
						    chains, ACCEPT policies */
void nfu_xt_ruleset_free(struct nfu_xt_ruleset *rs);
struct nfu_xt_ruleset *nfu_xt_ruleset_clone(const struct nfu_xt_ruleset *rs);
struct nfu_xt_table *nfu_xt_ruleset_table(struct nfu_xt_ruleset *rs,
					  const char *name);
struct nfu_xt_chain *nfu_xt_chain_find(const struct nfu_xt_table *t,
				       const char *name);
/* A user chain; -EEXIST, -EINVAL (bad name), -ENOMEM. */
int nfu_xt_chain_add(struct nfu_xt_table *t, const char *name,
		     struct nfu_xt_chain **out);
/* Removes an empty, unreferenced user chain: -ENOENT, -EBUSY, -ENOTEMPTY. */
int nfu_xt_chain_del(struct nfu_xt_table *t, const char *name);
/* Inserts 'r' (taken) at 'pos' (0-based; nrules: append). */
int nfu_xt_rule_insert(struct nfu_xt_chain *c, unsigned int pos,
		       struct nfu_xt_rule *r);
struct nfu_xt_rule *nfu_xt_rule_new(void);
void nfu_xt_rule_free(struct nfu_xt_rule *r);
struct nfu_xt_rule *nfu_xt_rule_clone(const struct nfu_xt_rule *r);
/* Same rule, counters aside (iptables -D/-C by specification). */
bool nfu_xt_rule_equal(const struct nfu_xt_rule *a, const struct nfu_xt_rule *b);

/* table.c: the ruleset in force in a stack. */
/* Check and compile 'rs', then swap it in (taking it).  On failure 'rs' is
 * left to the caller, 'err' says why, and the stack is unchanged. */
int nfu_xt_commit(struct nfu_net *net, struct nfu_xt_ruleset *rs,
		  struct nfu_error *err);
/* The ruleset in force (never NULL once asked: an empty one is made). */
struct nfu_xt_ruleset *nfu_xt_current(struct nfu_net *net);

/*
 * One command of the iptables command line (lang.h: parsed by
 * nfu_xt_parse_rule()) carried out on the ruleset in force in 'net', on
 * table 'table', as a transaction: the result, the errors and the
 * counters are those of cloning the ruleset, nfu_xt_cmd_apply() and
 * nfu_xt_commit(), but the commands that touch one rule or one chain
 * without changing which chains jump where (-A, -I, -D, -R of rules that
 * do not jump; -Z, -P, -N, -C) are done in place, in a time that does
 * not grow with the size of the ruleset.  A failure changes nothing.
 */
struct nfu_xt_cmd;
int nfu_xt_cmd_commit(struct nfu_net *net, const char *table,
		      const struct nfu_xt_cmd *cmd,
		      const struct nfu_xt_rule *rule, struct nfu_error *err);

/* command.c: rule 'rule' with the i-th source and j-th destination of
 * 'cmd' (a new rule, or NULL without memory). */
struct nfu_xt_rule *nfu_xt_cmd_instance(const struct nfu_xt_cmd *cmd,
					const struct nfu_xt_rule *rule,
					unsigned int i, unsigned int j);

/*
 * Tracing (nfu replay --trace), in the spirit of Linux's TRACE target:
 * 'fn' is called for every rule that matched a packet ('rulenum' its
 * 1-based position in 'chain') and for every policy that decided ('rule'
 * NULL, 'rulenum' 0).  NULL: off (one predictable branch per matched
 * rule).
 */
typedef void (*nfu_xt_trace_fn)(void *priv, const struct nfu_pkt *pkt,
				const char *table,
				const struct nfu_xt_chain *chain,
				unsigned int rulenum,
				const struct nfu_xt_rule *rule);
int nfu_xt_set_trace(struct nfu_net *net, nfu_xt_trace_fn fn, void *priv);

/* eval.c: ipt_do_table() over table 't' of the ruleset in force. */
unsigned int nfu_xt_do_table(struct nfu_pkt *pkt,
			     const struct nfu_hook_state *state,
			     struct nfu_xt_table *t);

#endif
