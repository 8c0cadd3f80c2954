/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ext_m1.c - the option parsers of tcp, udp, icmp, multiport,
 * iprange, length, ttl, comment, mark, mac and pkttype on arbitrary
 * options, then their save text.  Input: byte 0 picks the match, then
 * lines "<option index byte><flags byte><argument>" ('\n' separated; flag
 * 1: '!', flag 2: a second argument follows after a TAB).  Besides the
 * sanitizers' findings, a rule that parses must save to text that parses
 * back (with iptables-restore's quoting) to the same text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtables/xt-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const struct nfu_xt_match_ops nfu_xt_tcp, nfu_xt_udp, nfu_xt_icmp,
	nfu_xt_multiport, nfu_xt_iprange, nfu_xt_length, nfu_xt_ttl,
	nfu_xt_comment, nfu_xt_mark, nfu_xt_mac, nfu_xt_pkttype;

static const struct nfu_xt_match_ops *const ops_list[] = {
	&nfu_xt_tcp, &nfu_xt_udp, &nfu_xt_icmp, &nfu_xt_multiport,
	&nfu_xt_iprange, &nfu_xt_length, &nfu_xt_ttl, &nfu_xt_comment,
	&nfu_xt_mark, &nfu_xt_mac, &nfu_xt_pkttype,
};
#define NOPS (sizeof(ops_list) / sizeof(ops_list[0]))

struct opt_call {
	const struct nfu_xt_option *e;
	const char *arg, *arg2;
	bool inv;
};

/* Runs the calls as the core would; returns the save text or NULL. */
static char *run(const struct nfu_xt_match_ops *o, struct opt_call *c,
		 unsigned int n)
{
	struct nfu_xt_ip ip = { .proto = o == &nfu_xt_udp ? 17 :
					 o == &nfu_xt_icmp ? 1 : 6 };
	struct nfu_error err;
	struct nfu_xt_parse_ctx ctx = { .table = "filter", .ip = &ip,
					.err = &err, .prog = "iptables" };
	struct nfu_strbuf sb;
	unsigned int seen = 0;
	void *d = calloc(1, o->size);
	char *out = NULL;
	int rc = 0;

	if (!d)
		return NULL;
	if (o->init)
		o->init(d);
	for (unsigned int i = 0; i < n && !rc; i++) {
		const struct nfu_xt_option *e = c[i].e;

		if (c[i].inv && !(e->flags & NFU_XTOPT_INVERT))
			rc = -1;
		else if (!(e->flags & NFU_XTOPT_MULTI) && (seen & (1u << e->id)))
			rc = -1;
		else {
			ctx.arg2 = (e->flags & NFU_XTOPT_ARG2) ? c[i].arg2 : NULL;
			rc = o->parse(&ctx, e->id, (e->flags & NFU_XTOPT_ARG) ?
				      (c[i].arg ? c[i].arg : "") : NULL,
				      c[i].inv, d);
		}
		seen |= 1u << e->id;
	}
	if (!rc && o->final_check)
		rc = o->final_check(&ctx, d, seen);
	if (!rc) {
		nfu_sb_init(&sb);
		o->save(d, &ip, &sb);
		o->print(d, &ip, true, &sb);
		if (!sb.oom)
			out = strdup(sb.s ? sb.s : "");
		nfu_sb_free(&sb);
		/* keep the save part only: print starts after it */
		if (out) {
			struct nfu_strbuf s2;

			nfu_sb_init(&s2);
			o->save(d, &ip, &s2);
			free(out);
			out = s2.oom ? NULL : strdup(s2.s ? s2.s : "");
			nfu_sb_free(&s2);
		}
	}
	if (o->destroy)
		o->destroy(d);
	free(d);
	return out;
}

/* iptables-restore's reading of a saved line: words, "..." with any
 * character after a backslash taken as it is. */
static unsigned int words(const char *s, char **w, unsigned int max)
{
	unsigned int n = 0;

	while (*s && n < max) {
		char *buf = malloc(strlen(s) + 1);
		size_t len = 0;
		bool q = false;

		if (!buf)
			break;
		while (*s == ' ')
			s++;
		if (!*s) {
			free(buf);
			break;
		}
		while (*s && (q || *s != ' ')) {
			if (*s == '"') {
				q = !q;
				s++;
			} else if (*s == '\\' && s[1]) {
				buf[len++] = s[1];
				s += 2;
			} else {
				buf[len++] = *s++;
			}
		}
		buf[len] = 0;
		w[n++] = buf;
	}
	return n;
}

static const struct nfu_xt_option *find_opt(const struct nfu_xt_match_ops *o,
					    const char *name)
{
	for (const struct nfu_xt_option *e = o->options; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opt_call c[16], c2[16];
	const struct nfu_xt_match_ops *o;
	unsigned int n = 0, nopt = 0, nw, n2 = 0;
	char *buf, *p, *saved, *again, *w[64];

	if (size < 1 || size > 4096)
		return 0;
	o = ops_list[data[0] % NOPS];
	while (o->options[nopt].name)
		nopt++;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = 0;
	for (p = buf; *p && n < 16;) {
		char *nl = strchr(p, '\n'), *tab;

		if (nl)
			*nl = 0;
		if (strlen(p) >= 2) {
			c[n].e = &o->options[(uint8_t)p[0] % nopt];
			c[n].inv = p[1] & 1;
			c[n].arg = p + 2;
			c[n].arg2 = NULL;
			if ((p[1] & 2) && (tab = strchr(p + 2, '\t'))) {
				*tab = 0;
				c[n].arg2 = tab + 1;
			}
			n++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	saved = run(o, c, n);
	if (!saved)
		goto out;
	/* the fixed point */
	nw = words(saved, w, 64);
	for (unsigned int i = 0; i < nw && n2 < 16; i++) {
		bool inv = false;

		if (!strcmp(w[i], "!")) {
			inv = true;
			i++;
		}
		if (i >= nw || strncmp(w[i], "--", 2) || !find_opt(o, w[i] + 2))
			abort();
		c2[n2].e = find_opt(o, w[i] + 2);
		c2[n2].inv = inv;
		c2[n2].arg = c2[n2].arg2 = NULL;
		if ((c2[n2].e->flags & NFU_XTOPT_ARG) && i + 1 < nw)
			c2[n2].arg = w[++i];
		if ((c2[n2].e->flags & NFU_XTOPT_ARG2) && i + 1 < nw)
			c2[n2].arg2 = w[++i];
		n2++;
	}
	again = run(o, c2, n2);
	if (!again || strcmp(again, saved))
		abort();
	free(again);
	for (unsigned int i = 0; i < nw; i++)
		free(w[i]);
	free(saved);
out:
	free(buf);
	return 0;
}
