/* SPDX-License-Identifier: MIT */
/*
 * result.h - what a scenario did: the five hook counters and the frames
 * that left each interface; written as text, read back, compared.
 *
 * What?
 *   Both sides produce a result: the kernel side from the mangle table's
 *   counters and tcpdump's captures on the peers, nfu_conform from its
 *   counting hooks and its xmit callback.  The text form is also the golden
 *   file (scenarios/NAME/expected/result):
 *
 *     # comments, among them a decoded line before each frame
 *     hook PREROUTING 1           one line per hook, Linux's chain names
 *     pkt f0 0200000000ff01…      one line per frame, in the order sent
 *     xt [3:252] -A INPUT -j ACCEPT   with a rules file: the rules' counters
 *     log IN=f0 OUT= MAC=…        the LOG target's lines, in order
 *     ct tcp 6 ESTABLISHED src=…  the conntrack table at the end, sorted
 *
 *   The "# conntrack table" section is written only when the table is not
 *   empty, so that the results of scenarios that never load connection
 *   tracking do not change.
 *
 * Comparing
 *   The counters must be equal, and per device the sequences of frames,
 *   byte for byte, after normalising what Linux randomises: in a packet
 *   the host made itself (its IPv4 source is one of the host's addresses:
 *   echo replies, ICMP errors, resets), the IP ID, and so the header
 *   checksum, which is recomputed when it was right.  Forwarded packets
 *   are compared as they are, but for the ports that the scenario's
 *   'random-ports' names (compared by their class: result.c says how).
 *   The conntrack tables are compared line by line, both normalised by
 *   conf_ct_normalise() (and the same 'random-ports') and sorted.
 *
 * Thread-safety: none needed.
 */
#ifndef NFU_CONF_RESULT_H
#define NFU_CONF_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

#define CONF_NHOOKS 5

struct conf_pkt {
	char dev[CONF_IFNAMSIZ];
	unsigned char *data;
	size_t len;
};

struct conf_result {
	uint64_t hooks[CONF_NHOOKS]; /* by enum nfu_inet_hook */
	bool has_hooks[CONF_NHOOKS];
	struct conf_pkt *pkts;
	unsigned int npkts;
	/* With a rules file: the iptables-save -c text of the tables it
	 * names, one line each (see conf_result_add_rules). */
	char **xt;
	unsigned int nxt;
	/* With LOG rules: the log lines, in order (trailing blanks cut). */
	char **logs;
	unsigned int nlogs;
	/* The conntrack table (conntrack -L), normalised, sorted. */
	char **ct;
	unsigned int nct;
};

/* "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING". */
extern const char *const conf_hook_names[CONF_NHOOKS];

void conf_result_init(struct conf_result *r);
void conf_result_free(struct conf_result *r);
/* Appends a copy of a frame that left by 'dev'; 0 or -ENOMEM. */
int conf_result_add(struct conf_result *r, const char *dev, const void *frame,
		    size_t len);

/*
 * Keeps in 'r' the rule and policy counters of the tables that the
 * scenario's rules file ('rules', iptables-save text) names: from 'save'
 * (iptables-save -c output, nfu_xt_save(…, true)), each such table's lines
 * from "*TABLE" to "COMMIT", "#" lines left out, in the order of the rules
 * file (so the order in which the two sides list their tables does not
 * matter).  'counting_rules': the mangle chains of 'save' start with the
 * kernel side's counting rule ("[p:b] -A CHAIN" and nothing else, inserted
 * first in each built-in chain): it is left out.  0, -ENOENT (a table of
 * the rules file missing from 'save') or -ENOMEM.
 */
int conf_result_add_rules(struct conf_result *r, const char *save,
			  const char *rules, bool counting_rules);

/* Appends a LOG line (without the level marker); 0 or -ENOMEM. */
int conf_result_add_log(struct conf_result *r, const char *line);

/*
 * One line of conntrack -L output ('line', with or without -o extended and
 * -o id, as Linux's conntrack-tools or nfu print it) as the result keeps
 * it, in 'out' of 'len': the words separated by one blank, without what
 * cannot be the same on both sides: the "ipv4     2" of -o extended (the
 * same on every line), the remaining timeout (the two sides list their
 * tables at different times) and the " id=N" of -o id after use= (Linux's
 * is a hash of the connection's address).  Returns false for a line that
 * is not a connection (empty, a comment, conntrack's "N flow entries"
 * message) and for one too long for 'out'.
 */
bool conf_ct_normalise(const char *line, char *out, size_t len);
/* Adds the normalised form of 'line' when it is a connection (0), -ENOMEM. */
int conf_result_add_ct(struct conf_result *r, const char *line);
/* Sorts the conntrack lines (the kernel lists them in hash order). */
void conf_result_sort_ct(struct conf_result *r);

/* Writes 'r' as text to 'path'; 'origin' goes in a comment.  0 or -errno. */
int conf_result_write(const struct conf_result *r,
		      const struct conf_scenario *sc, const char *origin,
		      const char *path);
/* Reads the text form; 0, or a negative errno with a message in 'err'. */
int conf_result_read(struct conf_result *r, const char *path, char *err,
		     size_t errlen);

/* Compares 'a' (called 'aname' in the report) with 'b', printing a
 * readable report of every difference to 'out' ('verbose': also what is
 * equal).  Returns the number of differences. */
unsigned int conf_result_compare(const struct conf_result *a,
				 const char *aname,
				 const struct conf_result *b,
				 const char *bname,
				 const struct conf_scenario *sc, bool verbose,
				 FILE *out);

/* One line decoding an Ethernet frame: "10.9.0.2 > 10.9.0.1 icmp
 * echo-reply id=1 seq=1 ttl=64 …". */
void conf_describe(const unsigned char *frame, size_t len, char *buf,
		   size_t cap);

#endif
