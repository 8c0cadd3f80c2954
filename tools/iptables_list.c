/* SPDX-License-Identifier: MIT */
/*
 * iptables -L [CHAIN [RULENUM]] [-n] [-v] [-x] [--line-numbers]: the
 * table as iptables 1.8.9 (legacy) lists it, column for column, trailing
 * spaces included (list_entries(), print_header(), print_firewall() and
 * xtables_print_num() of iptables, read for their format).
 *
 * Names are not resolved: where iptables would ask the resolver for an
 * address without -n, nfu prints what iptables prints for an address it
 * cannot resolve, the number, except for the few names every Debian has
 * in its files (localhost; default, loopback and link-local of
 * /etc/networks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* iptables' FMT_* bits that matter here. */
enum {
	F_NUMERIC = 0x01,
	F_NOCOUNTS = 0x02,
	F_KMG = 0x04,
	F_NOTABLE = 0x10,
	F_VIA = 0x40,
	F_LINENUMBERS = 0x100,
};

static const char *const std_names[] = {
	[NFU_XT_STD_ACCEPT] = "ACCEPT", [NFU_XT_STD_DROP] = "DROP",
	[NFU_XT_STD_QUEUE] = "QUEUE", [NFU_XT_STD_RETURN] = "RETURN",
};

/* xtables_print_num(): a counter in a column of 5 (or 8 with -x), or
 * with no padding in the chain's header; rounded to K, M, G, T (powers
 * of 1000) beyond 99999. */
static void put_num(struct nfu_strbuf *sb, uint64_t n, unsigned int fmt)
{
	static const char suffix[] = "KMGT";
	bool pad = !(fmt & F_NOTABLE);
	unsigned long long v = n;

	if (!(fmt & F_KMG)) {
		nfu_sb_printf(sb, pad ? "%8llu " : "%llu ", v);
		return;
	}
	if (v <= 99999) {
		nfu_sb_printf(sb, pad ? "%5llu " : "%llu ", v);
		return;
	}
	for (unsigned int i = 0; i < 4; i++) {
		v = (v + 500) / 1000;
		if (v <= 9999 || i == 3) {
			nfu_sb_printf(sb, pad ? "%4llu%c " : "%llu%c ", v,
				      suffix[i]);
			return;
		}
	}
}

/* proto_to_name() of iptables 1.8.9: its own short list, then
 * /etc/protocols; both name 58 "ipv6-icmp" and 135 "mobility-header". */
static const char *proto_name(uint16_t proto)
{
	return proto ? nfu_xt_proto_name(proto) : "all";
}

/* The names iptables finds without DNS on Debian, where it looks an
 * address up with gethostbyaddr() (/etc/hosts), then getnetbyaddr()
 * (/etc/networks of netbase). */
static const char *local_name(const uint8_t a[4])
{
	static const struct {
		uint8_t a[4];
		const char *name;
	} names[] = {
		{ { 127, 0, 0, 1 }, "localhost" },
		{ { 0, 0, 0, 0 }, "default" },
		{ { 127, 0, 0, 0 }, "loopback" },
		{ { 169, 254, 0, 0 }, "link-local" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!memcmp(names[i].a, a, 4))
			return names[i].name;
	return NULL;
}

/* ipv4_addr_to_string(): "anywhere" for a zero mask unless -n, else the
 * address and its mask ("" for /32, "/N", or "/a.b.c.d" when not a
 * prefix). */
static void addr_text(char *buf, size_t len, uint32_t addr, uint32_t mask,
		      unsigned int fmt)
{
	const uint8_t *a = (const uint8_t *)&addr, *m = (const uint8_t *)&mask;
	uint32_t hm = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
		      (uint32_t)m[2] << 8 | m[3];
	char suffix[20] = "";
	int bits = -1;
	int n;

	if (!mask && !(fmt & F_NUMERIC)) {
		snprintf(buf, len, "anywhere");
		return;
	}
	for (int i = 32; i >= 0; i--)
		if ((i ? ~0u << (32 - i) : 0u) == hm) {
			bits = i;
			break;
		}
	if (bits < 0)
		snprintf(suffix, sizeof(suffix), "/%u.%u.%u.%u", m[0], m[1],
			 m[2], m[3]);
	else if (bits < 32)
		snprintf(suffix, sizeof(suffix), "/%d", bits);
	if (!(fmt & F_NUMERIC) && local_name(a))
		n = snprintf(buf, len, "%s", local_name(a));
	else
		n = snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s", suffix);
}

/* The interface as the kernel holds it: the name, '+' included. */
static void iface_text(char *buf, size_t len, const char *name, uint8_t n,
		       bool plus, bool invert, unsigned int fmt)
{
	if (n == 0 && !plus)
		snprintf(buf, len, "%s%s", invert ? "!" : "",
			 fmt & F_NUMERIC ? "*" : "any");
	else
		snprintf(buf, len, "%s%.*s%s", invert ? "!" : "", (int)n, name,
			 plus ? "+" : "");
}

/* iptc_get_references(): the rules of the table that jump or go to
 * chain 'name'. */
static unsigned int references(const struct nfu_xt_table *t, const char *name)
{
	unsigned int refs = 0;

	for (unsigned int i = 0; i < t->nchains; i++) {
		const struct nfu_xt_chain *c = t->chains[i];

		for (unsigned int j = 0; j < c->nrules; j++) {
			const struct nfu_xt_rule *r = c->rules[j];

			if ((r->tkind == NFU_XT_T_JUMP ||
			     r->tkind == NFU_XT_T_GOTO) &&
			    !strcmp(r->chain, name))
				refs++;
		}
	}
	return refs;
}

static void header(struct nfu_strbuf *sb, const struct nfu_xt_table *t,
		   const struct nfu_xt_chain *c, unsigned int fmt)
{
	nfu_sb_printf(sb, "Chain %s", c->name);
	if (c->builtin) {
		nfu_sb_printf(sb, " (policy %s",
			      c->policy == NFU_XT_STD_DROP ? "DROP" : "ACCEPT");
		if (!(fmt & F_NOCOUNTS)) {
			nfu_sb_puts(sb, " ");
			put_num(sb, c->pcnt, fmt | F_NOTABLE);
			nfu_sb_puts(sb, "packets, ");
			put_num(sb, c->bcnt, fmt | F_NOTABLE);
			nfu_sb_puts(sb, "bytes");
		}
		nfu_sb_puts(sb, ")\n");
	} else {
		nfu_sb_printf(sb, " (%u references)\n", references(t, c->name));
	}
	if (fmt & F_LINENUMBERS)
		nfu_sb_printf(sb, "%-4s ", "num");
	if (!(fmt & F_NOCOUNTS)) {
		if (fmt & F_KMG)
			nfu_sb_printf(sb, "%5s %5s ", "pkts", "bytes");
		else
			nfu_sb_printf(sb, "%8s %10s ", "pkts", "bytes");
	}
	nfu_sb_printf(sb, "%-9s  prot opt", "target");
	if (fmt & F_VIA)
		nfu_sb_printf(sb, " %-6s %-6s ", "in", "out");
	nfu_sb_printf(sb, " %-19s  %-19s \n", "source", "destination");
}

static void rule_line(struct nfu_strbuf *sb, const struct nfu_xt_rule *r,
		      unsigned int num, unsigned int fmt)
{
	const struct nfu_xt_ip *ip = &r->ip;
	bool numeric = fmt & F_NUMERIC;
	const char *target = "", *pname;
	char buf[64];

	switch (r->tkind) {
	case NFU_XT_T_VERDICT:
		if (r->verdict >= NFU_XT_STD_ACCEPT &&
		    r->verdict <= NFU_XT_STD_RETURN)
			target = std_names[r->verdict];
		break;
	case NFU_XT_T_JUMP:
	case NFU_XT_T_GOTO:
		target = r->chain;
		break;
	case NFU_XT_T_EXT:
		target = r->target->name;
		/* iptables 1.8.9 gives the kernel -j NOTRACK as CT (revision
		 * 2, with its alias flag) and -L names the kernel's target */
		if (!strcmp(target, "NOTRACK"))
			target = "CT";
		break;
	}
	if (fmt & F_LINENUMBERS)
		nfu_sb_printf(sb, "%-4u ", num);
	if (!(fmt & F_NOCOUNTS)) {
		put_num(sb, r->pcnt, fmt);
		put_num(sb, r->bcnt, fmt);
	}
	nfu_sb_printf(sb, "%-9s %c", target,
		      ip->invflags & NFU_IPT_INV_PROTO ? '!' : ' ');
	pname = proto_name(ip->proto);
	if (numeric || !pname)
		nfu_sb_printf(sb, "%-4u ", ip->proto);
	else
		nfu_sb_printf(sb, "%-4s ", pname);
	nfu_sb_printf(sb, "%c%c ", ip->invflags & NFU_IPT_INV_FRAG ? '!' : '-',
		      ip->flags & NFU_IPT_F_FRAG ? 'f' : '-');
	if (fmt & F_VIA) {
		iface_text(buf, sizeof(buf), ip->iniface, ip->iniface_len,
			   ip->iniface_plus, ip->invflags & NFU_IPT_INV_VIA_IN,
			   fmt);
		nfu_sb_printf(sb, " %-6s ", buf);
		iface_text(buf, sizeof(buf), ip->outiface, ip->outiface_len,
			   ip->outiface_plus, ip->invflags & NFU_IPT_INV_VIA_OUT,
			   fmt);
		nfu_sb_printf(sb, "%-6s ", buf);
	}
	addr_text(buf, sizeof(buf), ip->src, ip->smsk, fmt);
	nfu_sb_printf(sb, "%c%-19s ",
		      ip->invflags & NFU_IPT_INV_SRCIP ? '!' : ' ', buf);
	addr_text(buf, sizeof(buf), ip->dst, ip->dmsk, fmt);
	nfu_sb_printf(sb, "%c%-19s ",
		      ip->invflags & NFU_IPT_INV_DSTIP ? '!' : ' ', buf);
	if (ip->flags & NFU_IPT_F_GOTO)
		nfu_sb_puts(sb, "[goto] ");
	for (unsigned int i = 0; i < r->nmatches; i++) {
		const struct nfu_xt_ematch *m = &r->matches[i];

		if (m->ops->print)
			m->ops->print(m->data, ip, numeric, sb);
		else
			nfu_sb_printf(sb, "%s ", m->ops->name);
	}
	if (r->tkind == NFU_XT_T_EXT && r->target->print)
		r->target->print(r->tdata, ip, numeric, sb);
	nfu_sb_puts(sb, "\n");
}

static int cmp_chain(const void *a, const void *b)
{
	const struct nfu_xt_chain *x = *(const struct nfu_xt_chain *const *)a;
	const struct nfu_xt_chain *y = *(const struct nfu_xt_chain *const *)b;

	if (x->builtin != y->builtin)
		return x->builtin ? -1 : 1;
	if (x->builtin)
		return (int)x->hook - (int)y->hook;
	return strcmp(x->name, y->name);
}

void cli_list_text(const struct nfu_xt_table *t, const struct nfu_xt_cmd *cmd,
		   struct nfu_strbuf *sb)
{
	const struct nfu_xt_chain **order;
	unsigned int fmt = 0;
	bool found = false;

	if (!cmd->verbose)
		fmt |= F_NOCOUNTS;
	else
		fmt |= F_VIA;
	if (cmd->numeric)
		fmt |= F_NUMERIC;
	if (!cmd->exact)
		fmt |= F_KMG;
	if (cmd->line_numbers)
		fmt |= F_LINENUMBERS;
	order = malloc((t->nchains ? t->nchains : 1) * sizeof(*order));
	if (!order) {
		sb->oom = true;
		return;
	}
	for (unsigned int i = 0; i < t->nchains; i++)
		order[i] = t->chains[i];
	/* libiptc's order: built-in chains by hook, then user chains by
	 * name */
	qsort(order, t->nchains, sizeof(*order), cmp_chain);
	for (unsigned int i = 0; i < t->nchains; i++) {
		const struct nfu_xt_chain *c = order[i];

		if (cmd->chain && strcmp(cmd->chain, c->name))
			continue;
		if (found)
			nfu_sb_puts(sb, "\n");
		if (!cmd->rulenum)
			header(sb, t, c, fmt);
		for (unsigned int j = 0; j < c->nrules; j++)
			if (!cmd->rulenum || j + 1 == cmd->rulenum)
				rule_line(sb, c->rules[j], j + 1, fmt);
		found = true;
	}
	free(order);
}

int cli_list(const struct nfu_xt_table *t, const struct nfu_xt_cmd *cmd)
{
	struct nfu_strbuf sb;

	if (cmd->chain && !nfu_xt_chain_find(t, cmd->chain)) {
		fprintf(stderr, "iptables: No chain/target/match by that name.\n");
		return 1;
	}
	nfu_sb_init(&sb);
	cli_list_text(t, cmd, &sb);
	if (sb.oom) {
		nfu_sb_free(&sb);
		fprintf(stderr, "nfu iptables: out of memory\n");
		return 1;
	}
	if (sb.len)
		fwrite(sb.s, 1, sb.len, stdout);
	nfu_sb_free(&sb);
	return 0;
}
