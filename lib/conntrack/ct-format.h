/* SPDX-License-Identifier: MIT */
/*
 * conntrack/ct-format.h - what conntrack -L expect shows of an
 * expectation, and the table file nfu replay writes and nfu conntrack
 * reads (format.c; the lines of connections are struct nfu_ct_entry, in
 * ct-private.h).
 *
 * What?
 *   An expectation as conntrack-tools 1.4.7 lists it (conntrack -L
 *   expect, libnetfilter_conntrack's default output), learnt from Linux
 *   6.18 with an FTP control connection helped by `-t raw -j CT --helper
 *   ftp' in a router namespace:
 *
 *     299 proto=6 src=10.0.2.2 dst=10.0.1.2 sport=0 dport=51210
 *     mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0
 *     dport=65535 master-src=10.0.1.2 master-dst=10.0.2.2 sport=56994
 *     dport=21 class=0 helper=ftp
 *
 *   (one line): the seconds left (rounded down), the protocol number, the
 *   expected tuple (its source port 0 when any), the masks, the master's
 *   original tuple, the expectation's class and its master's helper.
 *   -o extended and -o id change nothing in it.  Linux does not show an
 *   expectation's zone there.
 *
 * Basic design
 *   A table file (nfu-conntrack(8)) is text: '#' comments, empty lines,
 *   lines of connections (conntrack -L's, with or without -o extended and
 *   -o id) and lines of expectations (conntrack -L expect's), told apart
 *   by their first words.  nfu_ct_table_parse() reads a whole file and
 *   keeps every line as it was, so that a tool can write back all but
 *   the lines it deletes.
 *
 * Thread-safety: plain data, no state.
 */
#ifndef NFU_CT_FORMAT_H
#define NFU_CT_FORMAT_H

#include "conntrack/ct-private.h"

/* One line of conntrack -L expect.  The tuples as in struct nfu_ct_tuple
 * (network order, proto set in all three); 'mask' holds the masks of the
 * expected tuple's addresses and ports (mask.proto is the protocol). */
struct nfu_ct_exp_entry {
	uint32_t timeout;              /* seconds left, rounded down */
	struct nfu_ct_tuple tuple;     /* expected */
	struct nfu_ct_tuple mask;
	struct nfu_ct_tuple master;    /* the master's original tuple */
	uint32_t class;
	char helper[16];               /* the master's helper, or "" */
};

/* The entry of expectation 'x' at the stack's time. */
void nfu_ct_exp_entry_of(const struct nfu_ct_expect *x,
			 struct nfu_ct_exp_entry *e);
/* The line of 'e' (no newline) in 'buf' of 'len', cut to fit; returns the
 * length of the whole line, as snprintf. */
size_t nfu_ct_exp_entry_format(const struct nfu_ct_exp_entry *e, char *buf,
			       size_t len);
/* 'line' (no newline) into 'e': 0, or -EINVAL with 'err' quoting the bad
 * word.  nfu_ct_exp_entry_format() of what it reads gives it back. */
int nfu_ct_exp_entry_parse(const char *line, struct nfu_ct_exp_entry *e,
			   char *err, size_t errlen);
/* Does expectation 'e' expect a connection of tuple 't' (its masks
 * applied, as Linux's nf_ct_tuple_mask_cmp())? */
bool nfu_ct_exp_entry_matches(const struct nfu_ct_exp_entry *e,
			      const struct nfu_ct_tuple *t);
/* The live expectations of 'cn' as conntrack -L expect lists them, in
 * '*out' (malloc'ed, '*n' of them), oldest first (Linux lists them in
 * its hash order).  0 or -ENOMEM. */
int nfu_ct_exp_list(struct nfu_ct_net *cn, struct nfu_ct_exp_entry **out,
		    size_t *n);

/* What a line of a table file is. */
enum nfu_ct_line_kind {
	NFU_CT_LINE_OTHER,             /* a comment or an empty line */
	NFU_CT_LINE_CONN,              /* a connection: conn[idx] */
	NFU_CT_LINE_EXPECT,            /* an expectation: exp[idx] */
};

struct nfu_ct_table_line {
	const char *text;              /* the line, without its newline */
	uint8_t kind;                  /* enum nfu_ct_line_kind */
	size_t idx;
};

/* A table file read. */
struct nfu_ct_table {
	char *text;                    /* the file, its lines cut in place */
	struct nfu_ct_table_line *line;
	size_t nlines;                 /* a file that ends with a newline ends
					  with an empty last line */
	struct nfu_ct_entry *conn;
	size_t nconn;
	struct nfu_ct_exp_entry *exp;
	size_t nexp;
};

/* Reads the 'len' bytes of 'text' (a whole table file) into 't': 0;
 * -EINVAL with 'err' saying what is wrong and '*errline' the line's
 * number (from 1); -ENOMEM.  't' holds nothing to free after an error. */
int nfu_ct_table_parse(struct nfu_ct_table *t, const char *text, size_t len,
		       char *err, size_t errlen, size_t *errline);
void nfu_ct_table_free(struct nfu_ct_table *t);

#endif
