/* SPDX-License-Identifier: MIT */
/*
 * test_xt_lang.c - the iptables language against iptables-legacy 1.8.9.
 *
 * Golden files in tests/unit/data/xt/lang/ (made by gen.sh there, from
 * iptables-legacy-restore and iptables-legacy-save in a namespace):
 * NAME.rules restored must print NAME.save, and NAME.save restored again
 * into the same ruleset must print itself (a fixed point); or the restore
 * must fail with NAME.err as its text and NAME.status as its exit status,
 * leaving the ruleset unchanged.  NAME.c.rules: --counters and -c;
 * NAME.n.rules: --noflush.
 *
 * The real rulesets of ../shared/data/rulesets (NFU_RULESETS to change):
 * each is restored and saved and compared with tests/unit/data/xt/
 * rulesets/NAME.save; the invalid ones must fail at the line of
 * NAME.err.  A ruleset that uses an extension nfu lacks is reported and
 * skipped; the program skips (77) only when every ruleset is.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "xtables/lang.h"

#define LANG_DIR "tests/unit/data/xt/lang"
#define RS_GOLDEN_DIR "tests/unit/data/xt/rulesets"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				fclose(f);
				return NULL;
			}
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static char *save_text(const struct nfu_xt_ruleset *rs, bool counters)
{
	struct nfu_strbuf sb;

	nfu_sb_init(&sb);
	nfu_xt_save(rs, NULL, counters, &sb);
	if (sb.oom)
		abort();
	return sb.s ? sb.s : strdup("");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first differing line, to make a failure readable. */
static void show_diff(const char *name, const char *got, const char *want)
{
	unsigned int line = 1;
	const char *g = got, *w = want;

	while (*g && *g == *w) {
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	while (g > got && g[-1] != '\n') {
		g--;
		w--;
	}
	fprintf(stderr, "%s: line %u differs:\n  nfu:      %.*s\n  iptables: %.*s\n",
		name, line, (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
}

static void golden_one(const char *base)
{
	char path[512];
	char *rules, *want, *errtext, *status;
	size_t len;
	unsigned int flags = 0;
	bool counters = strstr(base, ".c") != NULL;
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_error err;
	int rc;

	if (counters)
		flags |= NFU_XT_RESTORE_COUNTERS;
	if (strstr(base, ".n"))
		flags |= NFU_XT_RESTORE_NOFLUSH;
	snprintf(path, sizeof(path), LANG_DIR "/%s.rules", base);
	rules = slurp(path, &len);
	REQUIRE(rules && rs);
	snprintf(path, sizeof(path), LANG_DIR "/%s.save", base);
	want = slurp(path, NULL);
	snprintf(path, sizeof(path), LANG_DIR "/%s.err", base);
	errtext = slurp(path, NULL);
	snprintf(path, sizeof(path), LANG_DIR "/%s.status", base);
	status = slurp(path, NULL);

	rc = nfu_xt_restore(rs, rules, len, flags, NULL, &err);
	if (want) {
		char *got, *again;

		if (rc)
			HARNESS_FAIL("%s: restore failed: %s", base, err.msg);
		got = save_text(rs, counters);
		if (strcmp(got, want)) {
			HARNESS_FAIL("%s: save differs from iptables-legacy-save", base);
			show_diff(base, got, want);
		}
		/* fixed point, into the same ruleset (a fresh one would list
		 * the tables the other way round, as Linux would); quoted
		 * words are not, in iptables either */
		if (!strchr(want, '"')) {
			rc = nfu_xt_restore(rs, want, strlen(want),
					    flags & ~NFU_XT_RESTORE_NOFLUSH, NULL,
					    &err);
			CHECK_INT(rc, 0);
			again = save_text(rs, counters);
			if (strcmp(again, want)) {
				HARNESS_FAIL("%s: not a fixed point", base);
				show_diff(base, again, want);
			}
			free(again);
		}
		free(got);
	} else if (errtext) {
		char *got = save_text(rs, false);

		if (rc == 0)
			HARNESS_FAIL("%s: restore succeeded, iptables says: %s", base,
				     errtext);
		else if (strcmp(err.msg, errtext))
			HARNESS_FAIL("%s: error differs:\n--- nfu:\n%s--- iptables:\n%s",
				     base, err.msg, errtext);
		if (status)
			CHECK_INT(nfu_xt_exit_status(rc), atoi(status));
		CHECK_STR(got, ""); /* nothing applied */
		free(got);
	} else {
		HARNESS_FAIL("%s: neither .save nor .err (run gen.sh)", base);
	}
	nfu_xt_ruleset_free(rs);
	free(rules);
	free(want);
	free(errtext);
	free(status);
}

static void test_golden_lang(void)
{
	DIR *d = opendir(LANG_DIR);
	struct dirent *e;
	char *names[512];
	unsigned int n = 0;

	REQUIRE(d);
	while ((e = readdir(d)) && n < 512) {
		size_t l = strlen(e->d_name);

		if (l > 6 && !strcmp(e->d_name + l - 6, ".rules"))
			names[n++] = strndup(e->d_name, l - 6);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	CHECK(n >= 10);
	for (unsigned int i = 0; i < n; i++) {
		golden_one(names[i]);
		free(names[i]);
	}
}

/* One iptables command line, as the iptables tool would parse it. */
static int cmdline(const char *line, struct nfu_xt_table *t,
		   struct nfu_xt_rule **rule, struct nfu_xt_cmd *cmd,
		   struct nfu_error *err)
{
	static char buf[1024];
	char *argv[64];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *tok = strtok(buf, " "); tok && argc < 63; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	*rule = nfu_xt_rule_new();
	nfu_xt_cmd_init(cmd, "iptables", 0, false);
	return nfu_xt_parse_rule(argc, argv, "filter", t, *rule, cmd, err);
}

static void expect_cmd_error(const char *line, const char *msg)
{
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_xt_rule *r;
	struct nfu_xt_cmd cmd;
	struct nfu_error err;
	char want[600];
	int rc;

	rc = cmdline(line, nfu_xt_ruleset_table(rs, "filter"), &r, &cmd, &err);
	if (!strncmp(msg, "Bad argument", 12))
		snprintf(want, sizeof(want), "%s\nTry `iptables -h' or 'iptables --help' for more information.\n", msg);
	else
		snprintf(want, sizeof(want), "iptables v1.8.9 (legacy): %s\nTry `iptables -h' or 'iptables --help' for more information.\n", msg);
	CHECK_INT(rc, -EINVAL);
	CHECK_STR(err.msg, want);
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(r);
	nfu_xt_ruleset_free(rs);
}

/* Messages of iptables-legacy 1.8.9 on its command line (seen in a
 * namespace). */
static void test_cmdline_errors(void)
{
	expect_cmd_error("-A INPUT -s foo.invalid", "host/network `foo.invalid' not found");
	expect_cmd_error("-A INPUT -s 1.2.3.4/33", "invalid mask `33' specified");
	expect_cmd_error("-A INPUT -p tcp -p udp", "multiple -p flags not allowed");
	expect_cmd_error("-A INPUT -j", "option \"-j\" requires an argument");
	expect_cmd_error("-A INPUT --foo", "unknown option \"--foo\"");
	expect_cmd_error("-A INPUT -m foo", "Couldn't load match `foo':No such file or directory\n");
	expect_cmd_error("-A INPUT x", "Bad argument `x'");
	expect_cmd_error("-A INPUT -p foo", "unknown protocol \"foo\" specified");
	expect_cmd_error("-A INPUT ! -p all", "rule would never match protocol");
	expect_cmd_error("-A INPUT -i abcdefghijklmnopq", "interface name `abcdefghijklmnopq' must be shorter than IFNAMSIZ (15)");
	expect_cmd_error("-A INPUT ! ! -s 1.2.3.4", "multiple consecutive ! not allowed");
	expect_cmd_error("-A INPUT -s 1.2.3.4 !", "nothing appropriate following !");
	expect_cmd_error("-A INPUT --dport 22", "unknown option \"--dport\"");
	expect_cmd_error("-A INPUT -j NOSUCH", "Couldn't load target `NOSUCH':No such file or directory\n");
	expect_cmd_error("-A INPUT -g NOSUCH", "goto 'NOSUCH' is not a chain");
	expect_cmd_error("-A INPUT ! -j ACCEPT", "cannot have ! before -j");
	expect_cmd_error("-A INPUT -c 1", "-c requires packet and byte counter");
	expect_cmd_error("-A INPUT -c x 2", "-c packet counter not numeric");
	expect_cmd_error("-A OUTPUT -i eth0", "Can't use -i with OUTPUT\n");
	expect_cmd_error("-A INPUT -o eth0", "Can't use -o with INPUT\n");
	expect_cmd_error("-t nat -A INPUT -j DROP", "\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n");
	expect_cmd_error("-N ACCEPT", "chain name may not clash with target name");
	expect_cmd_error("-N -x", "chain name not allowed to start with `-'");
	expect_cmd_error("-N abcdefghijklmnopqrstuvwxyz0123", "chain name `abcdefghijklmnopqrstuvwxyz0123' too long (must be under 29 chars)");
	expect_cmd_error("-I INPUT 0", "Invalid rule number `0'");
	expect_cmd_error("-A INPUT -ptcp", "unknown protocol \"-ptcp\" specified");
	expect_cmd_error("-A INPUT -s 1.2.3.4/24/1", "host/network `1.2.3.4/24' not found");
	expect_cmd_error("-A INPUT -s 256.1.1.1", "host/network `256.1.1.1' not found");
	expect_cmd_error("-A INPUT -s 1.2.3.4/-1", "invalid mask `-1' specified");
}

static void test_cmdline_commands(void)
{
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_xt_table *t = nfu_xt_ruleset_table(rs, "filter");
	struct nfu_xt_rule *r;
	struct nfu_xt_cmd cmd;
	struct nfu_error err;
	struct nfu_strbuf sb;

	CHECK_INT(cmdline("-N user", t, &r, &cmd, &err), 0);
	CHECK_INT(cmd.command, NFU_XT_CMD_NEW_CHAIN);
	CHECK_INT(nfu_xt_cmd_apply(t, &cmd, r, &err), 0);
	CHECK_INT(nfu_xt_cmd_apply(t, &cmd, r, &err), -EEXIST);
	CHECK_STR(err.msg, "iptables: Chain already exists.\n");
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(r);

	CHECK_INT(cmdline("-I INPUT 1 -s 10.9.8.7/16 -j user -c 5 6", t, &r, &cmd, &err), 0);
	CHECK_INT(cmd.command, NFU_XT_CMD_INSERT);
	CHECK_INT(cmd.rulenum, 1);
	CHECK_INT(r->tkind, NFU_XT_T_JUMP);
	CHECK_INT(r->pcnt, 5);
	CHECK_INT(nfu_xt_cmd_apply(t, &cmd, r, &err), 0);
	nfu_sb_init(&sb);
	nfu_xt_save_rule(r, &sb);
	CHECK_STR(sb.s, " -s 10.9.0.0/16 -j user");
	nfu_sb_free(&sb);
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(r);

	CHECK_INT(cmdline("-D INPUT -s 10.9.0.0/16 -j user", t, &r, &cmd, &err), 0);
	CHECK_INT(nfu_xt_cmd_apply(t, &cmd, r, &err), 0);
	CHECK_INT(nfu_xt_cmd_apply(t, &cmd, r, &err), -ENOENT);
	CHECK_STR(err.msg, "iptables: Bad rule (does a matching rule exist in that chain?).\n");
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(r);

	CHECK_INT(cmdline("-A NOCHAIN -j ACCEPT", t, &r, &cmd, &err), 0);
	CHECK_INT(nfu_xt_cmd_apply(t, &cmd, r, &err), -ENOENT);
	CHECK_STR(err.msg, "iptables: No chain/target/match by that name.\n");
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(r);

	CHECK_INT(cmdline("-L INPUT 3 -n -v -x --line-numbers", t, &r, &cmd, &err), 0);
	CHECK_INT(cmd.command, NFU_XT_CMD_LIST);
	CHECK_STR(cmd.chain, "INPUT");
	CHECK_INT(cmd.rulenum, 3);
	CHECK(cmd.numeric && cmd.exact && cmd.line_numbers && cmd.verbose == 1);
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(r);

	CHECK_INT(cmdline("-P FOO DROP", t, &r, &cmd, &err), 0);
	CHECK_INT(nfu_xt_cmd_apply(t, &cmd, r, &err), -EPERM);
	CHECK_STR(err.msg, "iptables: Bad built-in chain name.\n");
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(r);
	nfu_xt_ruleset_free(rs);
}

/*
 * The real rulesets.
 */

static bool declared_chain(const char *text, const char *name)
{
	char pat[64];
	size_t n = (size_t)snprintf(pat, sizeof(pat), "\n:%s ", name);

	return strstr(text, pat) || (!strncmp(text, pat + 1, n - 1));
}

/* The extensions 'text' (its first 'maxline' lines; 0: all) uses that
 * nfu lacks, appended to 'out'. */
static void missing_extensions(const char *text, unsigned int maxline,
			       char *out, size_t outlen)
{
	const char *p = text;
	unsigned int line = 1;

	out[0] = '\0';
	while (*p && (!maxline || line < maxline)) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char buf[4096];

		snprintf(buf, sizeof(buf), "%.*s", (int)(l < 4095 ? l : 4095), p);
		for (char *tok = strtok(buf, " \t"); tok; tok = strtok(NULL, " \t")) {
			bool m = !strcmp(tok, "-m") || !strcmp(tok, "--match");
			bool j = !strcmp(tok, "-j") || !strcmp(tok, "--jump");
			char *name;
			bool have;

			if (!m && !j)
				continue;
			name = strtok(NULL, " \t");
			if (!name)
				break;
			if (m)
				have = nfu_xt_find_match(name) != NULL;
			else
				have = !strcmp(name, "ACCEPT") || !strcmp(name, "DROP") ||
				       !strcmp(name, "RETURN") || !strcmp(name, "QUEUE") ||
				       nfu_xt_find_target(name) ||
				       declared_chain(text, name);
			if (!have) {
				char item[64];

				snprintf(item, sizeof(item), " %s%s", m ? "-m " : "-j ",
					 name);
				if (!strstr(out, item) &&
				    strlen(out) + strlen(item) + 1 < outlen)
					strcat(out, item);
			}
		}
		p += l;
		if (*p)
			p++;
		line++;
	}
}

static void test_rulesets(void)
{
	const char *dir = getenv("NFU_RULESETS");
	static const char *const names[] = {
		"gopherproxy", "home-user", "medium-company", "sargon",
		"sqrl-shorewall", "tum-net-2015-09-macfixed", "tum-net-2015-09",
		"ugent",
	};
	unsigned int checked = 0, skipped = 0;

	if (!dir)
		dir = "../shared/data/rulesets";
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[512], missing[1024];
		char *text, *want, *errtext;
		size_t len;
		unsigned int errline = 0;
		struct nfu_xt_ruleset *rs;
		struct nfu_error err;
		int rc;

		snprintf(path, sizeof(path), "%s/%s.v4", dir, names[i]);
		text = slurp(path, &len);
		if (!text) {
			printf("rulesets: %s not found (no data folder here?): skipped\n",
			       path);
			skipped++;
			continue;
		}
		snprintf(path, sizeof(path), RS_GOLDEN_DIR "/%s.save", names[i]);
		want = slurp(path, NULL);
		snprintf(path, sizeof(path), RS_GOLDEN_DIR "/%s.err", names[i]);
		errtext = slurp(path, NULL);
		if (errtext) {
			const char *l = strstr(errtext, "Error occurred at line: ");

			if (l)
				errline = (unsigned int)atoi(l + 24);
		}
		missing_extensions(text, errline, missing, sizeof(missing));
		if (missing[0]) {
			printf("rulesets: %s skipped, nfu lacks:%s\n", names[i], missing);
			skipped++;
			free(text);
			free(want);
			free(errtext);
			continue;
		}
		rs = nfu_xt_ruleset_new();
		rc = nfu_xt_restore(rs, text, len, 0, NULL, &err);
		if (want) {
			char *got;

			if (rc)
				HARNESS_FAIL("%s: restore failed: %s", names[i], err.msg);
			got = save_text(rs, false);
			if (strcmp(got, want)) {
				HARNESS_FAIL("%s: save differs", names[i]);
				show_diff(names[i], got, want);
			}
			free(got);
		} else if (errtext) {
			if (!rc)
				HARNESS_FAIL("%s: restore succeeded, iptables fails: %s",
					     names[i], errtext);
			else {
				CHECK_INT(err.line, errline);
				CHECK_STR(err.msg, errtext);
			}
		}
		printf("rulesets: %s checked\n", names[i]);
		checked++;
		nfu_xt_ruleset_free(rs);
		free(text);
		free(want);
		free(errtext);
	}
	/* the other tests of this program still count when no ruleset can
	 * be checked here: say so, do not skip them all */
	printf("rulesets: %u checked, %u skipped%s\n", checked, skipped,
	       checked ? "" : " (missing data or extensions)");
}

int main(void)
{
	RUN(test_golden_lang);
	RUN(test_cmdline_errors);
	RUN(test_cmdline_commands);
	RUN(test_rulesets);
	return harness_done();
}
