/* SPDX-License-Identifier: MIT */
/*
 * fuzz_restore.c - the iptables-restore reader on arbitrary bytes.
 *
 * restore.c is included so that the reader is built with the fuzzer's
 * instrumentation; the command line parser and the rest come from the
 * library.  The first byte chooses --counters; the rest is the text.
 * Besides the sanitizers' findings: a failed restore must say why and
 * where, and leave the ruleset as it was (the transaction); a successful
 * one, saved, restored again into the same ruleset and saved, must print
 * the same text (a fixed point), unless quotes are involved (iptables-save
 * prints words as they are, so a quote does not come back either).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtables/restore.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *save_text(const struct nfu_xt_ruleset *rs, bool counters)
{
	struct nfu_strbuf sb;

	nfu_sb_init(&sb);
	nfu_xt_save(rs, NULL, counters, &sb);
	if (sb.oom)
		return NULL;
	return sb.s ? sb.s : strdup("");
}

/* Interface names with blanks or quotes do not come back from their
 * iptables-save text, in iptables either. */
static bool words_survive(const struct nfu_xt_ruleset *rs)
{
	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		const struct nfu_xt_table *t = &rs->tables[i];

		for (unsigned int j = 0; j < t->nchains; j++)
			for (unsigned int k = 0; k < t->chains[j]->nrules; k++) {
				const struct nfu_xt_ip *ip = &t->chains[j]->rules[k]->ip;

				if (strpbrk(ip->iniface, " \t\n\"\\") ||
				    strpbrk(ip->outiface, " \t\n\"\\"))
					return false;
			}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfu_xt_ruleset *rs;
	struct nfu_error err;
	unsigned int flags;
	bool counters;
	char *before, *first, *second;
	int rc;

	if (size < 1 || size > 1 << 16)
		return 0;
	counters = data[0] & 1;
	flags = counters ? NFU_XT_RESTORE_COUNTERS : 0;
	if (data[0] & 2)
		flags |= NFU_XT_RESTORE_NOFLUSH;
	rs = nfu_xt_ruleset_new();
	if (!rs)
		return 0;
	before = save_text(rs, counters);
	rc = nfu_xt_restore(rs, (const char *)data + 1, size - 1, flags, NULL,
			    &err);
	if (rc > 0)
		abort();
	if (rc < 0) {
		if (rc != -ENOMEM) {
			if (!err.msg[0] || err.line == 0)
				abort();
			first = save_text(rs, counters);
			if (before && first && strcmp(before, first))
				abort();
			free(first);
		}
		goto out;
	}
	first = save_text(rs, counters);
	if (first && !strchr(first, '"') && !strchr(first, '\\') &&
	    words_survive(rs)) {
		rc = nfu_xt_restore(rs, first, strlen(first),
				    flags & ~NFU_XT_RESTORE_NOFLUSH, NULL, &err);
		if (rc && rc != -ENOMEM)
			abort();
		second = save_text(rs, counters);
		if (!rc && second && strcmp(first, second))
			abort();
		free(second);
	}
	free(first);
out:
	free(before);
	nfu_xt_ruleset_free(rs);
	return 0;
}
