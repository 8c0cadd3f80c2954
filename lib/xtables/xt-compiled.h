/* SPDX-License-Identifier: MIT */
/*
 * xtables/xt-compiled.h - a table compiled for the evaluator, and the
 * per-stack state of lib/xtables.
 */
#ifndef NFU_XT_COMPILED_H
#define NFU_XT_COMPILED_H

#include "xtables/xt-private.h"

/* One entry of a compiled table: a rule, or the closing entry of a chain
 * (a built-in chain's policy, a user chain's implicit RETURN). */
struct nfu_xt_centry {
	const struct nfu_xt_rule *rule; /* NULL for a closing entry */
	uint8_t kind;                   /* enum nfu_xt_target_kind */
	uint8_t verdict;                /* enum nfu_xt_std for T_VERDICT */
	unsigned int jump;              /* entry index for T_JUMP/T_GOTO */
	uint64_t *pcnt, *bcnt;          /* where this entry counts */
	uint64_t scratch[2];            /* counters nobody reads */
};

struct nfu_xt_compiled {
	const struct nfu_xt_table_def *def;
	unsigned int n;
	struct nfu_xt_centry *e;
	unsigned int hook_entry[NFU_INET_NUMHOOKS];
	unsigned int underflow[NFU_INET_NUMHOOKS];
	unsigned int has_hook;
	unsigned int *stack;            /* the jump stack */
	unsigned int stacksize;
};

/* A table in a stack: its hook registrations and what they evaluate. */
struct nfu_xt_slot {
	const struct nfu_xt_table_def *def;
	struct nfu_xt_compiled *ct;     /* NULL until first commit */
	struct nfu_hook_ops ops[NFU_INET_NUMHOOKS];
	unsigned int registered;        /* hooks registered */
};

struct nfu_xt_net {
	struct nfu_xt_ruleset *rs;      /* in force; its counters count */
	struct nfu_xt_slot slot[NFU_XT_NTABLES];
	void *recent_lists;             /* xt_recent.c: the stack's lists */
	void *hashlimit_tables;         /* xt_hashlimit.c: the stack's tables */
};

void nfu_xt_compiled_free(struct nfu_xt_compiled *ct);

#endif
