/* SPDX-License-Identifier: MIT */
/*
 * xt_target_golden.h - the golden-file runner shared by the target tests
 * (test_ext_t.c, test_ext_t2.c).  golden("NAME") reads
 * tests/unit/data/xt/NAME.golden, recorded from iptables-legacy 1.8.9, and
 * runs every line through the target's ops alone and through the whole
 * iptables parser with a commit into a stack.  Include it once, after
 * harness.h.
 */
#ifndef NFU_TEST_XT_TARGET_GOLDEN_H
#define NFU_TEST_XT_TARGET_GOLDEN_H

#include <ctype.h>
#include <errno.h>

#include "nfu/nfu.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

#define DATA "tests/unit/data/xt/"
/* ---- words of a shell line: '…', "…" with \" \\ escapes, bare words ---- */
static int split(const char *s, char **argv, int max)
{
	int n = 0;

	while (*s) {
		char buf[512];
		size_t len = 0;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		while (*s && *s != ' ') {
			if (*s == '"') {
				for (s++; *s && *s != '"'; s++) {
					if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
						s++;
					if (len < sizeof(buf) - 1)
						buf[len++] = *s;
				}
				if (*s)
					s++;
			} else if (*s == '\'') {
				for (s++; *s && *s != '\''; s++)
					if (len < sizeof(buf) - 1)
						buf[len++] = *s;
				if (*s)
					s++;
			} else {
				if (len < sizeof(buf) - 1)
					buf[len++] = *s;
				s++;
			}
		}
		buf[len] = '\0';
		if (n < max)
			argv[n++] = strdup(buf);
	}
	return n;
}

static void free_words(char **argv, int n)
{
	for (int i = 0; i < n; i++)
		free(argv[i]);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Messages the option core makes (once, '!', missing argument): not the
 * ops' to produce, so only the whole-parser pass checks them. */
static bool generic_msg(const char *msg)
{
	return strstr(msg, "can only be used once") ||
	       strstr(msg, "cannot be inverted") ||
	       strstr(msg, "requires an argument") ||
	       strstr(msg, "unknown option");
}

/* The protocols the golden files name. */
static uint16_t proto_num(const char *name)
{
	static const struct {
		const char *name;
		uint16_t num;
	} protos[] = { { "tcp", 6 },   { "udp", 17 },  { "icmp", 1 },
		       { "sctp", 132 }, { "dccp", 33 }, { "gre", 47 },
		       { "udplite", 136 } };

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(protos[i].name, name))
			return protos[i].num;
	return (uint16_t)strtoul(name, NULL, 10); /* "-p 6" */
}

/* The option "--name" as getopt_long() finds it: by its whole name, else
 * by an unambiguous prefix ("--to-port" for "--to-ports"). */
static const struct nfu_xt_option *find_option(const struct nfu_xt_option *opts,
					       const char *name)
{
	const struct nfu_xt_option *o, *found = NULL;
	size_t len;

	if (strncmp(name, "--", 2) || !name[2])
		return NULL;
	name += 2;
	len = strlen(name);
	for (o = opts; o->name; o++)
		if (!strcmp(name, o->name))
			return o;
	for (o = opts; o->name; o++) {
		if (!strncmp(name, o->name, len)) {
			if (found)
				return NULL;
			found = o;
		}
	}
	return found;
}

/*
 * The ops alone: the words after "-j NAME" go to parse() one option at a
 * time, then final_check(), then save().  Returns 0 and the save text, or
 * the error's message.
 */
static int ops_run(char **argv, int argc, char *out, size_t outlen)
{
	const struct nfu_xt_target_ops *ops = NULL;
	struct nfu_xt_ip ip = { 0 };
	struct nfu_error err = { 0 };
	struct nfu_xt_parse_ctx ctx = { .ip = &ip, .err = &err,
					.prog = "iptables", .table = "filter" };
	unsigned int seen = 0;
	void *data = NULL;
	int rc = 0, i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			ctx.table = argv[++i];
		else if (!strcmp(argv[i], "-p") && i + 1 < argc)
			ip.proto = proto_num(argv[++i]);
		else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
			ops = nfu_xt_find_target(argv[++i]);
			i++;
			break;
		}
	}
	if (!ops)
		return snprintf(out, outlen, "no target"), -ENOENT;
	data = calloc(1, ops->size);
	if (ops->init)
		ops->init(data);
	for (; i < argc && rc == 0; i++) {
		const struct nfu_xt_option *o;
		bool inv = false;
		const char *name = argv[i];

		if (!strcmp(name, "!") && i + 1 < argc) {
			inv = true;
			name = argv[++i];
		}
		o = find_option(ops->options, name);
		if (!o) {
			snprintf(err.msg, sizeof(err.msg), "unknown option %s", name);
			rc = -EINVAL;
			break;
		}
		ctx.option = name;
		seen |= 1u << o->id;
		rc = ops->parse(&ctx, o->id,
				(o->flags & NFU_XTOPT_ARG) && i + 1 < argc
					? argv[++i]
					: NULL,
				inv, data);
	}
	if (rc == 0 && ops->final_check)
		rc = ops->final_check(&ctx, data, seen);
	if (rc == 0) {
		struct nfu_strbuf sb;

		nfu_sb_init(&sb);
		ops->save(data, &ip, &sb);
		snprintf(out, outlen, "-j %s%s", ops->name, sb.s ? sb.s : "");
		nfu_sb_free(&sb);
	} else {
		snprintf(out, outlen, "%s", err.msg);
	}
	free(data);
	return rc;
}

/*
 * The whole way: iptables' parser, libiptc's append, the commit's
 * checkentry.  'kind' 0: expect success and 'want' as the save line; 1:
 * a parser error with message 'want'; 2: a refusal at commit.
 */
static void full_run(const char *line, int kind, const char *want)
{
	char *argv[64];
	int argc = split(line, argv, 64);
	const char *table = "filter";
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_xt_rule *rule = nfu_xt_rule_new();
	struct nfu_error err = { 0 };
	struct nfu_xt_cmd cmd;
	struct nfu_xt_table *t;
	struct nfu_net *net;
	int rc;

	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], "-t"))
			table = argv[i + 1];
	t = nfu_xt_ruleset_table(rs, table);
	nfu_xt_cmd_init(&cmd, "iptables", 0, false);
	rc = nfu_xt_parse_rule(argc, argv, "filter", t, rule, &cmd, &err);
	if (kind == 1) {
		char expect[1024];

		snprintf(expect, sizeof(expect), "iptables v%s (legacy): %s\n",
			 NFU_XT_IPTABLES_VERSION, want);
		CHECK(rc < 0);
		if (strncmp(err.msg, expect, strlen(expect)))
			HARNESS_FAIL("%s: got \"%s\", want \"%s\"", line, err.msg,
				     expect);
		goto out;
	}
	if (rc < 0) {
		HARNESS_FAIL("%s: parse failed: %s", line, err.msg);
		goto out;
	}
	rc = nfu_xt_cmd_apply(t, &cmd, rule, &err);
	CHECK_INT(rc, 0);
	if (kind == 0) {
		struct nfu_strbuf sb;
		char got[1024];

		nfu_sb_init(&sb);
		nfu_xt_save_rule(rule, &sb);
		snprintf(got, sizeof(got), "-A %s%s", cmd.chain,
			 sb.s ? sb.s : "");
		nfu_sb_free(&sb);
		if (strcmp(got, want))
			HARNESS_FAIL("%s: saved \"%s\", want \"%s\"", line, got,
				     want);
	}
	net = nfu_net_new();
	REQUIRE(net);
	memset(&err, 0, sizeof(err));
	rc = nfu_xt_commit(net, rs, &err);
	if (rc == 0)
		rs = NULL; /* taken */
	if (kind == 0 && rc != 0)
		HARNESS_FAIL("%s: commit refused: %s", line, err.msg);
	if (kind == 2 && (rc == 0 || !err.msg[0]))
		HARNESS_FAIL("%s: commit accepted (rc %d)", line, rc);
	nfu_net_free(net);
out:
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(rule);
	if (rs)
		nfu_xt_ruleset_free(rs);
	free_words(argv, argc);
}

static void golden(const char *name)
{
	char path[256], *text, *line, *save;
	int n = 0;

	snprintf(path, sizeof(path), DATA "%s.golden", name);
	text = slurp(path);
	REQUIRE(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[3] = { 0 }, *argv[64], got[1024];
		int nf = 0, argc, rc;
		char *p = line;

		if (line[0] == '#')
			continue;
		while (nf < 3 && p) {
			f[nf++] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		n++;
		if (!strcmp(f[0], "ERR") || !strcmp(f[0], "CHKERR")) {
			bool chk = f[0][0] == 'C';

			REQUIRE(nf == 3);
			full_run(f[1], chk ? 2 : 1, f[2]);
			if (chk || generic_msg(f[2]))
				continue;
			argc = split(f[1], argv, 64);
			rc = ops_run(argv, argc, got, sizeof(got));
			CHECK(rc < 0);
			if (strcmp(got, f[2]))
				HARNESS_FAIL("ops %s: \"%s\", want \"%s\"", f[1],
					     got, f[2]);
			free_words(argv, argc);
		} else {
			REQUIRE(nf == 2);
			full_run(f[0], 0, f[1]);
			argc = split(f[0], argv, 64);
			rc = ops_run(argv, argc, got, sizeof(got));
			CHECK_INT(rc, 0);
			if (!strstr(f[1], got) ||
			    strcmp(strstr(f[1], got), got))
				HARNESS_FAIL("ops %s: \"%s\", want the end of \"%s\"",
					     f[0], got, f[1]);
			free_words(argv, argc);
		}
	}
	CHECK(n > 10);
	free(text);
}

#endif
