/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ext_m3.c - parse and save of the matches recent, owner, sctp,
 * rpfilter, connlimit and hashlimit on arbitrary arguments.
 *
 * The first byte picks the match, the rest is its options, split at
 * blanks as a shell would without quoting.  The options go through the
 * ops as the core calls them (libxtables' generic rules done here); a
 * refusal must say why; an accepted rule must save to text that parses
 * back to the same text (the fixed point of iptables-save), and list
 * without fault.  The library is built with the fuzzer's instrumentation
 * (NFU_FUZZ), so the extensions are linked, not included.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtables/xt-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const struct nfu_xt_match_ops nfu_xt_recent, nfu_xt_owner,
	nfu_xt_sctp, nfu_xt_rpfilter, nfu_xt_connlimit, nfu_xt_hashlimit;

static const struct nfu_xt_match_ops *const all_ops[] = {
	&nfu_xt_recent, &nfu_xt_owner, &nfu_xt_sctp, &nfu_xt_rpfilter,
	&nfu_xt_connlimit, &nfu_xt_hashlimit,
};

#define MAXARGS 32

/* 0 with 'out' allocated and filled, or < 0 (then err.msg is set). */
static int parse(const struct nfu_xt_match_ops *ops, char **argv, int argc,
		 void **out, struct nfu_error *err)
{
	struct nfu_xt_ip ip = { 0 };
	struct nfu_xt_parse_ctx ctx = {
		.table = "filter", .ip = &ip, .err = err, .prog = "iptables",
	};
	unsigned int seen = 0;
	bool invert = false;
	void *d;
	int rc;

	memset(err, 0, sizeof(*err));
	d = calloc(1, ops->size);
	if (!d)
		return -1;
	*out = d;
	if (ops->init)
		ops->init(d);
	for (int i = 0; i < argc; i++) {
		const struct nfu_xt_option *o;
		const char *arg = NULL;

		if (!strcmp(argv[i], "!")) {
			invert = true;
			continue;
		}
		if (strncmp(argv[i], "--", 2))
			return nfu_xt_error(&ctx, "stray");
		for (o = ops->options; o->name; o++)
			if (!strcmp(o->name, argv[i] + 2))
				break;
		if (!o->name)
			return nfu_xt_error(&ctx, "unknown option");
		if (!(o->flags & NFU_XTOPT_MULTI) && (seen & (1u << o->id)))
			return nfu_xt_error(&ctx, "once");
		if (invert && !(o->flags & NFU_XTOPT_INVERT))
			return nfu_xt_error(&ctx, "cannot be inverted");
		ctx.option = argv[i];
		ctx.arg2 = NULL;
		if (o->flags & NFU_XTOPT_ARG) {
			if (i + 1 >= argc)
				return nfu_xt_error(&ctx, "needs an argument");
			arg = argv[++i];
			/* sctp's --chunk-types TYPE LIST */
			if ((o->flags & NFU_XTOPT_ARG2) && i + 1 < argc &&
			    argv[i + 1][0] != '-' && argv[i + 1][0] != '!')
				ctx.arg2 = argv[++i];
		}
		rc = ops->parse(&ctx, o->id, arg, invert, d);
		if (rc)
			return rc;
		seen |= 1u << o->id;
		invert = false;
	}
	return ops->final_check ? ops->final_check(&ctx, d, seen) : 0;
}

static int split(char *s, char **argv)
{
	int n = 0;

	for (char *t = strtok(s, " \t\n"); t && n < MAXARGS;
	     t = strtok(NULL, " \t\n"))
		argv[n++] = t;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nfu_xt_match_ops *ops;
	struct nfu_strbuf sb, sb2, lst;
	char *text, *text2, *argv[MAXARGS];
	struct nfu_error err;
	void *d = NULL, *d2 = NULL;
	int argc, rc;

	if (size < 1 || size > 4096)
		return 0;
	ops = all_ops[data[0] % (sizeof(all_ops) / sizeof(all_ops[0]))];
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	argc = split(text, argv);
	rc = parse(ops, argv, argc, &d, &err);
	if (rc) {
		if (rc != -EINVAL || !err.msg[0])
			abort();
		goto out;
	}
	bool checked = true;

	if (ops->check) {
		struct nfu_xt_check_ctx cctx = {
			/* mangle: rpfilter's table too */
			.table = "mangle",
			.hook_mask = NFU_XT_HOOK(NFU_INET_FORWARD),
			.err = &err,
		};
		rc = ops->check(&cctx, d);
		if (rc > 0 || (rc < 0 && !err.msg[0]))
			abort();
		checked = rc == 0;
	}
	nfu_sb_init(&sb);
	nfu_sb_init(&sb2);
	nfu_sb_init(&lst);
	ops->save(d, NULL, &sb);
	if (ops->print) {
		ops->print(d, NULL, true, &lst);
		ops->print(d, NULL, false, &lst);
	}
	/* the fixed point */
	text2 = strdup(sb.s ? sb.s : "");
	if (text2) {
		argc = split(text2, argv);
		/* iptables cannot read back what it saves of a rule the
		 * kernel refuses, nor a --seconds past 2^31 (printed
		 * negative, as libxt_recent's "%d"), nor a byte rate below
		 * 16b/s (printed "0b/s") */
		if (parse(ops, argv, argc, &d2, &err)) {
			if (checked && !strstr(sb.s ? sb.s : "", "--seconds -") &&
			    !strstr(sb.s ? sb.s : "", " 0b/s"))
				abort();
		} else {
			ops->save(d2, NULL, &sb2);
			if (checked && strcmp(sb.s ? sb.s : "", sb2.s ? sb2.s : ""))
				abort();
		}
		free(text2);
	}
	nfu_sb_free(&sb);
	nfu_sb_free(&sb2);
	nfu_sb_free(&lst);
out:
	free(d);
	free(d2);
	free(text);
	return 0;
}
