/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ext_t2.c - the options of the targets MASQUERADE, SNAT, DNAT, CT,
 * NOTRACK, CONNMARK, TCPMSS, CHECKSUM, REDIRECT, NETMAP and NFQUEUE on
 * arbitrary words.
 *
 * Input: the first byte picks the target; the rest is words separated by
 * '\n', "--name" an option and, when the option takes one, the next word
 * its argument ('!' before an option inverts it).  The target's ops are
 * those of the registry (the library is built with the fuzzer's
 * instrumentation under NFU_FUZZ).  Besides the sanitizers' findings:
 * a refused option must say why, and what parses must come back from its
 * own save text unchanged (the fixed point of pfctl's regress tests):
 * parse(save(x)) saves as save(x), with the same data.  Two exceptions
 * are iptables' own: a port base can be printed in a form that does not
 * read back (SNAT and MASQUERADE print "/0", which they refuse; "p-p/b"
 * is printed "p/b", which is refused too; NETMAP's "/len" is no port
 * base and always reads back); CT and CONNMARK keep what their save text
 * leaves out ("--zone-orig 0", the masks of --set-xmark), so only their
 * text is compared.  NFQUEUE's 65536 queues ("--queue-balance 0:65535")
 * are a count of 0, saved as "--queue-num 0", which checkentry refuses:
 * its round trip is asked only of what check() accepts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtables/xt-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *name, *table;
	bool text_only; /* see above */
	bool checked_only; /* round trip only when check() accepts */
} targets[] = {
	{ "MASQUERADE", "nat", false }, { "SNAT", "nat", false },
	{ "DNAT", "nat", false },       { "CT", "raw", true },
	{ "NOTRACK", "raw", false },    { "CONNMARK", "mangle", true },
	{ "TCPMSS", "mangle", false },  { "CHECKSUM", "mangle", false },
	{ "REDIRECT", "nat", false },   { "NETMAP", "nat", false },
	{ "NFQUEUE", "filter", false, true },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

#define MAXW 32

/* Runs the words through init, parse and final_check into 'out'.
 * Returns 0, or -EINVAL with err set. */
static int run(const struct nfu_xt_target_ops *ops, char **w, int n,
	       void *out, struct nfu_error *err)
{
	struct nfu_xt_ip ip = { .proto = 6 };
	struct nfu_xt_parse_ctx ctx = { .table = "nat", .ip = &ip,
					.err = err, .prog = "iptables" };
	unsigned int seen = 0;
	int rc = 0;

	memset(out, 0, ops->size);
	if (ops->init)
		ops->init(out);
	for (int i = 0; i < n && rc == 0; i++) {
		const struct nfu_xt_option *o;
		bool inv = false;

		if (!w[i][0])
			continue;
		if (!strcmp(w[i], "!") && i + 1 < n) {
			inv = true;
			i++;
		}
		if (strncmp(w[i], "--", 2))
			return -EINVAL; /* the core's business */
		for (o = ops->options; o->name; o++)
			if (!strcmp(w[i] + 2, o->name))
				break;
		if (!o->name || (inv && !(o->flags & NFU_XTOPT_INVERT)) ||
		    (seen & (1u << o->id)))
			return -EINVAL;
		if ((o->flags & NFU_XTOPT_ARG) && i + 1 >= n)
			return -EINVAL;
		seen |= 1u << o->id;
		ctx.option = w[i];
		rc = ops->parse(&ctx, o->id,
				(o->flags & NFU_XTOPT_ARG) ? w[++i] : NULL, inv,
				out);
		if (rc < 0 && !err->msg[0])
			abort(); /* a refusal names its reason */
	}
	if (rc == 0 && ops->final_check) {
		rc = ops->final_check(&ctx, out, seen);
		if (rc < 0 && !err->msg[0])
			abort();
	}
	return rc;
}

/* iptables-restore's words: blanks split, "…" quotes, '\' escapes. */
static int words_of_save(const char *s, char *buf, char **w)
{
	int n = 0;
	bool quoted = false, esc = false, inword = false;

	for (; *s && (inword || n < MAXW); s++) {
		if (esc) {
			*buf++ = *s;
			esc = false;
			continue;
		}
		if (*s == '\\') {
			esc = true;
			if (!inword) {
				w[n++] = buf;
				inword = true;
			}
			continue;
		}
		if (*s == '"') {
			quoted = !quoted;
			if (!inword) {
				w[n++] = buf;
				inword = true;
			}
			continue;
		}
		if (*s == ' ' && !quoted) {
			if (inword)
				*buf++ = '\0';
			inword = false;
			continue;
		}
		if (!inword) {
			w[n++] = buf;
			inword = true;
		}
		*buf++ = *s;
	}
	if (inword)
		*buf = '\0';
	return n;
}

static void roundtrip(const struct nfu_xt_target_ops *ops, const void *d1,
		      bool text_only)
{
	struct nfu_strbuf s1, s2;
	struct nfu_error err = { 0 };
	struct nfu_xt_ip ip = { .proto = 6 };
	char *w[MAXW], *buf;
	void *d2;
	int n;

	nfu_sb_init(&s1);
	nfu_sb_init(&s2);
	ops->save(d1, &ip, &s1);
	if (ops->print) {
		ops->print(d1, &ip, false, &s2);
		ops->print(d1, &ip, true, &s2);
		nfu_sb_free(&s2);
	}
	if (!s1.s || s1.oom)
		goto out;
	buf = malloc(s1.len + 1);
	d2 = malloc(ops->size);
	if (!buf || !d2)
		abort();
	n = words_of_save(s1.s, buf, w);
	if (run(ops, w, n, d2, &err) < 0) {
		/* its own save text must parse, a port base aside */
		if (!strchr(s1.s, '/') || !strcmp(ops->name, "NETMAP"))
			abort();
		goto done;
	}
	ops->save(d2, &ip, &s2);
	if (!s2.s || strcmp(s1.s, s2.s) ||
	    (!text_only && memcmp(d1, d2, ops->size)))
		abort();
done:
	free(buf);
	free(d2);
out:
	nfu_sb_free(&s1);
	nfu_sb_free(&s2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nfu_xt_target_ops *ops;
	struct nfu_xt_ip ip = { .proto = 6 };
	struct nfu_error err = { 0 };
	struct nfu_xt_check_ctx cctx = { .ip = &ip, .err = &err };
	char *text, *w[MAXW], *p;
	void *d;
	int n = 0;
	size_t k;

	if (size < 1 || size > 4096)
		return 0;
	k = data[0] % NTARGETS;
	ops = nfu_xt_find_target(targets[k].name);
	cctx.table = targets[k].table;
	if (!ops)
		abort();
	text = malloc(size);
	d = malloc(ops->size);
	if (!text || !d)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	for (p = text; n < MAXW;) {
		w[n++] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	/* CT's names are saved as they are, unquoted, as iptables does:
	 * words that need quoting cannot come back */
	for (int i = 0; i < n; i++)
		if (strpbrk(w[i], " \"'\\"))
			goto out;
	if (run(ops, w, n, d, &err) == 0) {
		int rc = 0;

		memset(&err, 0, sizeof(err));
		if (ops->check) {
			rc = ops->check(&cctx, d);
			if (rc < 0 && !err.msg[0])
				abort();
		}
		if (rc == 0 || !targets[k].checked_only)
			roundtrip(ops, d, targets[k].text_only);
	}
out:
	free(d);
	free(text);
	return 0;
}
