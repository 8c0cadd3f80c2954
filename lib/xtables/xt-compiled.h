/* SPDX-License-Identifier: MIT */
/*
 * xtables/xt-compiled.h - the per-stack state of lib/xtables: the ruleset
 * in force and the hooks of its tables.
 */
#ifndef NFU_XT_COMPILED_H
#define NFU_XT_COMPILED_H

#include "xtables/xt-private.h"

/* A table in a stack: its hook registrations and what they evaluate. */
struct nfu_xt_slot {
	const struct nfu_xt_table_def *def;
	struct nfu_xt_table *t;         /* in the ruleset in force; NULL until
					   the first commit */
	struct nfu_hook_ops ops[NFU_INET_NUMHOOKS];
	unsigned int registered;        /* hooks registered */
};

struct nfu_xt_net {
	struct nfu_xt_ruleset *rs;      /* in force; its counters count */
	struct nfu_xt_slot slot[NFU_XT_NTABLES];
	void *recent_lists;             /* xt_recent.c: the stack's lists */
	void *hashlimit_tables;         /* xt_hashlimit.c: the stack's tables */
	nfu_xt_trace_fn trace;          /* nfu_xt_set_trace() */
	void *trace_priv;
};

#endif
