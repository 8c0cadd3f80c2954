/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cmdline.c - the iptables command line parser on arbitrary words.
 *
 * parse.c is included so that the parser is built with the fuzzer's
 * instrumentation.  The bytes are split into words at NUL and space (the
 * first byte chooses the table and whether the line comes from a
 * restore); the words are parsed against a ruleset with a user chain,
 * and a command that parsed is carried out and its rule printed.  A
 * failure must come with iptables' text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtables/parse.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tables[] = { "filter", "nat", "mangle",
					      "raw", "security", "filter",
					      "filter", "filter" };
	struct nfu_xt_ruleset *rs;
	struct nfu_xt_table *t;
	struct nfu_xt_rule *rule;
	struct nfu_xt_cmd cmd;
	struct nfu_error err;
	char *buf, *argv[256];
	int argc = 0, rc;
	const char *table;

	if (size < 1 || size > 4096)
		return 0;
	table = tables[data[0] & 7];
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (size_t i = 0; i + 1 < size && argc < 255;) {
		while (i + 1 < size && (buf[i] == ' ' || buf[i] == '\0'))
			i++;
		if (i + 1 >= size)
			break;
		argv[argc++] = buf + i;
		while (i + 1 < size && buf[i] != ' ' && buf[i] != '\0')
			i++;
		buf[i] = '\0';
		i++;
	}
	argv[argc] = NULL;

	rs = nfu_xt_ruleset_new();
	rule = nfu_xt_rule_new();
	if (!rs || !rule)
		goto out;
	t = nfu_xt_ruleset_table(rs, table);
	if (nfu_xt_chain_add(t, "user", NULL))
		goto out;
	nfu_xt_cmd_init(&cmd, (data[0] & 8) ? "iptables-restore" : "iptables",
			(data[0] & 8) ? 7 : 0, data[0] & 8);
	rc = nfu_xt_parse_rule(argc, argv, table, t, rule, &cmd, &err);
	if (rc > 0)
		abort();
	if (rc < 0 && rc != -ENOMEM && !err.msg[0])
		abort();
	if (rc == 0 && !cmd.ignored) {
		struct nfu_xt_table *target = nfu_xt_ruleset_table(rs, cmd.table);
		struct nfu_strbuf sb;

		nfu_sb_init(&sb);
		nfu_xt_save_rule(rule, &sb);
		nfu_sb_free(&sb);
		/* -t may name another table: the chains checked were those
		 * of 't', so only act on it */
		if (target == t) {
			rc = nfu_xt_cmd_apply(t, &cmd, rule, &err);
			if (rc > 0 || (rc < 0 && !err.msg[0]))
				abort();
		}
	}
	nfu_xt_cmd_free(&cmd);
out:
	nfu_xt_rule_free(rule);
	nfu_xt_ruleset_free(rs);
	free(buf);
	return 0;
}
