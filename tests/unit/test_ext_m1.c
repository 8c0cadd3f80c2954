/* SPDX-License-Identifier: MIT */
/*
 * test_ext_m1.c - the matches tcp, udp, icmp, multiport, iprange, length,
 * ttl, comment, mark, mac and pkttype against golden files recorded from
 * iptables-legacy 1.8.9 on Linux 6.18 (tests/unit/data/xt/NAME.golden):
 *   ARGS<TAB>SAVED        the rule as given and as iptables-legacy-save
 *                         printed it;
 *   ERR<TAB>ARGS<TAB>MSG  a rule iptables refused with MSG ("iptables:
 *                         Invalid argument..." when the kernel's check
 *                         refused it).
 * Each rule is parsed by calling the ops directly, with the generic rules
 * of libxtables (inversion, single use) done here as the core does them;
 * the saved text must come out byte for byte and parse back to itself.
 * Then match() on crafted packets.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipv4/ipv4-private.h"
#include "nfu/hook.h"
#include "nfu/net.h"
#include "nfu/pkt.h"
#include "xtables/xt-private.h"

extern const struct nfu_xt_match_ops nfu_xt_tcp, nfu_xt_udp, nfu_xt_icmp,
	nfu_xt_multiport, nfu_xt_iprange, nfu_xt_length, nfu_xt_ttl,
	nfu_xt_comment, nfu_xt_mark, nfu_xt_mac, nfu_xt_pkttype;

static const struct nfu_xt_match_ops *const all_ops[] = {
	&nfu_xt_tcp, &nfu_xt_udp, &nfu_xt_icmp, &nfu_xt_multiport,
	&nfu_xt_iprange, &nfu_xt_length, &nfu_xt_ttl, &nfu_xt_comment,
	&nfu_xt_mark, &nfu_xt_mac, &nfu_xt_pkttype, NULL,
};

static const struct nfu_xt_match_ops *find_ops(const char *name)
{
	for (unsigned int i = 0; all_ops[i]; i++)
		if (!strcmp(all_ops[i]->name, name))
			return all_ops[i];
	return NULL;
}

/* Shell-like split: blanks separate, "..." with \" \\ \$ escapes, '...'.
 * With 'restore', as iptables-restore reads a line: a backslash makes any
 * next character literal. */
static int split(const char *s, char **argv, int max, bool restore)
{
	int n = 0;

	while (*s) {
		char buf[2048];
		size_t len = 0;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		while (*s && *s != ' ') {
			if (*s == '"') {
				s++;
				while (*s && *s != '"') {
					if (*s == '\\' && s[1] &&
					    (restore || strchr("\"\\$`", s[1])))
						s++;
					buf[len++] = *s++;
				}
				if (*s)
					s++;
			} else if (*s == '\'') {
				s++;
				while (*s && *s != '\'')
					buf[len++] = *s++;
				if (*s)
					s++;
			} else {
				buf[len++] = *s++;
			}
		}
		buf[len] = 0;
		if (n < max)
			argv[n++] = strdup(buf);
	}
	return n;
}

static int proto_num(const char *s)
{
	static const struct { const char *n; int p; } t[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "udplite", 136 },
		{ "sctp", 132 }, { "dccp", 33 }, { "all", 0 },
	};
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcasecmp(t[i].n, s))
			return t[i].p;
	return atoi(s);
}

static int hook_of(const char *chain)
{
	static const char *const names[] = { "PREROUTING", "INPUT", "FORWARD",
					     "OUTPUT", "POSTROUTING" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(names[i], chain))
			return i;
	return -1;
}

struct built {
	unsigned int n;
	const struct nfu_xt_match_ops *ops[4];
	void *data[4];
	struct nfu_xt_ip ip;
	char table[16];
	int hook;
};

static void built_free(struct built *b)
{
	for (unsigned int i = 0; i < b->n; i++) {
		if (b->ops[i]->destroy)
			b->ops[i]->destroy(b->data[i]);
		free(b->data[i]);
	}
	b->n = 0;
}

static const struct nfu_xt_option *opt_find(const struct nfu_xt_match_ops *o,
					    const char *name)
{
	const struct nfu_xt_option *found = NULL;

	for (const struct nfu_xt_option *e = o->options; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	/* getopt_long: an unambiguous abbreviation ("--port") */
	for (const struct nfu_xt_option *e = o->options; e->name; e++)
		if (!strncmp(e->name, name, strlen(name))) {
			if (found && found->id != e->id)
				return NULL;
			found = found ? found : e;
		}
	return found;
}

static const char *opt_canon(const struct nfu_xt_match_ops *o, unsigned int id)
{
	for (const struct nfu_xt_option *e = o->options; e->name; e++)
		if (e->id == id)
			return e->name;
	return "?";
}

static int finish(struct built *b, unsigned int i, unsigned int seen,
		  struct nfu_xt_parse_ctx *ctx)
{
	if (b->ops[i]->final_check)
		return b->ops[i]->final_check(ctx, b->data[i], seen);
	return 0;
}

/* Parses 'line' as iptables would; 0, or -EINVAL with 'err' set. */
static int build_mode(const char *line, struct built *b,
		      struct nfu_error *err, bool restore)
{
	char *argv[64];
	int argc = split(line, argv, 64, restore), rc = 0;
	struct nfu_xt_parse_ctx ctx = { .err = err, .prog = "iptables" };
	unsigned int seen = 0;
	bool inv = false;

	memset(b, 0, sizeof(*b));
	strcpy(b->table, "filter");
	memset(err, 0, sizeof(*err));
	ctx.ip = &b->ip;
	ctx.table = b->table;
	for (int i = 0; i < argc && !rc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "!")) {
			inv = true;
			continue;
		}
		if (!strcmp(a, "-t")) {
			snprintf(b->table, sizeof(b->table), "%s", argv[++i]);
		} else if (!strcmp(a, "-A")) {
			b->hook = hook_of(argv[++i]);
		} else if (!strcmp(a, "-p")) {
			b->ip.proto = (uint16_t)proto_num(argv[++i]);
			if (inv)
				b->ip.invflags |= NFU_IPT_INV_PROTO;
		} else if (!strcmp(a, "-j")) {
			break;
		} else if (!strcmp(a, "-m") ||
			   (!strncmp(a, "--", 2) && b->n == 0)) {
			const char *name = a[1] == 'm' ? argv[++i] : NULL;
			const struct nfu_xt_match_ops *o;

			if (!name) /* iptables loads the match of -p */
				name = b->ip.proto == 6 ? "tcp" :
				       b->ip.proto == 17 ? "udp" : "icmp";
			if (b->n && (rc = finish(b, b->n - 1, seen, &ctx)))
				break;
			o = find_ops(name);
			if (!o) {
				rc = nfu_xt_error(&ctx, "no match %s", name);
				break;
			}
			b->ops[b->n] = o;
			b->data[b->n] = calloc(1, o->size);
			if (o->init)
				o->init(b->data[b->n]);
			b->n++;
			seen = 0;
			if (a[1] == 'm')
				continue;
			i--; /* the option again, now with its match */
		} else if (!strncmp(a, "--", 2) && b->n) {
			const struct nfu_xt_match_ops *o = b->ops[b->n - 1];
			const struct nfu_xt_option *e = opt_find(o, a + 2);
			const char *arg = NULL;

			if (!e) {
				rc = nfu_xt_error(&ctx, "unknown option \"%s\"", a);
				break;
			}
			if (inv && !(e->flags & NFU_XTOPT_INVERT)) {
				rc = nfu_xt_error(&ctx, "%s: option \"--%s\" cannot be inverted.",
						  o->name, e->name);
				break;
			}
			if (!(e->flags & NFU_XTOPT_MULTI) && (seen & (1u << e->id))) {
				rc = nfu_xt_error(&ctx, "%s: option \"--%s\" can only be used once.",
						  o->name, opt_canon(o, e->id));
				break;
			}
			if (e->flags & NFU_XTOPT_ARG)
				arg = i + 1 < argc ? argv[++i] : "";
			ctx.arg2 = NULL;
			if ((e->flags & NFU_XTOPT_ARG2) && i + 1 < argc &&
			    argv[i + 1][0] != '-' && argv[i + 1][0] != '!')
				ctx.arg2 = argv[++i];
			ctx.option = a;
			rc = o->parse(&ctx, e->id, arg, inv, b->data[b->n - 1]);
			seen |= 1u << e->id;
		}
		inv = false;
	}
	if (!rc && b->n)
		rc = finish(b, b->n - 1, seen, &ctx);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

static int build(const char *line, struct built *b, struct nfu_error *err)
{
	return build_mode(line, b, err, false);
}

/* What the core checks at commit (protocol, hooks) and the ops' check(). */
static int check_all(struct built *b, struct nfu_error *err)
{
	for (unsigned int i = 0; i < b->n; i++) {
		const struct nfu_xt_match_ops *o = b->ops[i];
		struct nfu_xt_check_ctx c = {
			.table = b->table, .ip = &b->ip, .err = err,
			.hook_mask = b->hook >= 0 ? NFU_XT_HOOK(b->hook) : 0,
		};

		if (o->proto && (b->ip.proto != o->proto ||
				 (b->ip.invflags & NFU_IPT_INV_PROTO)))
			return -EINVAL;
		if (o->hooks && (c.hook_mask & ~o->hooks))
			return -EINVAL;
		if (o->table && strcmp(o->table, b->table))
			return -EINVAL;
		if (o->check && o->check(&c, b->data[i]))
			return -EINVAL;
	}
	return 0;
}

/* The text after " -m NAME" up to the next " -m " or " -j ". */
static void expected_part(const char *saved, const char *name, char *out,
			  size_t len)
{
	char key[64];
	const char *p, *e, *e2;

	snprintf(key, sizeof(key), " -m %s", name);
	p = strstr(saved, key);
	out[0] = 0;
	if (!p)
		return;
	p += strlen(key);
	e = strstr(p, " -m ");
	e2 = strstr(p, " -j ");
	if (!e || (e2 && e2 < e))
		e = e2;
	if (!e)
		e = p + strlen(p);
	snprintf(out, len, "%.*s", (int)(e - p), p);
}

static void save_of(struct built *b, unsigned int i, char *out, size_t len)
{
	struct nfu_strbuf sb;

	nfu_sb_init(&sb);
	b->ops[i]->save(b->data[i], &b->ip, &sb);
	snprintf(out, len, "%s", sb.s ? sb.s : "");
	nfu_sb_free(&sb);
}

static unsigned int golden_lines;

static void run_golden(const char *name)
{
	char path[256], line[4096];
	FILE *f;

	snprintf(path, sizeof(path), "tests/unit/data/xt/%s.golden", name);
	f = fopen(path, "r");
	if (!f) {
		HARNESS_FAIL("cannot open %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab, *args, *want;
		struct nfu_error err;
		struct built b;
		int rc;

		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		golden_lines++;
		if (!strncmp(line, "ERR\t", 4)) {
			args = line + 4;
			tab = strchr(args, '\t');
			REQUIRE(tab);
			*tab = 0;
			want = tab + 1;
			rc = build(args, &b, &err);
			if (!strncmp(want, "iptables: ", 10)) {
				/* refused by the kernel's checks */
				if (rc)
					HARNESS_FAIL("%s: parse failed: %s", args, err.msg);
				else if (!check_all(&b, &err))
					HARNESS_FAIL("%s: check passed", args);
			} else if (!rc) {
				HARNESS_FAIL("%s: accepted, want error \"%s\"", args, want);
			} else if (strcmp(err.msg, want)) {
				HARNESS_FAIL("%s: error \"%s\", want \"%s\"", args, err.msg, want);
			}
			harness_checks++;
			built_free(&b);
			continue;
		}
		tab = strchr(line, '\t');
		REQUIRE(tab);
		*tab = 0;
		args = line;
		want = tab + 1;
		rc = build(args, &b, &err);
		harness_checks++;
		if (rc) {
			HARNESS_FAIL("%s: error \"%s\"", args, err.msg);
			built_free(&b);
			continue;
		}
		if (check_all(&b, &err))
			HARNESS_FAIL("%s: check failed: %s", args, err.msg);
		for (unsigned int i = 0; i < b.n; i++) {
			char exp[2048], got[2048];

			expected_part(want, b.ops[i]->name, exp, sizeof(exp));
			save_of(&b, i, got, sizeof(got));
			if (strcmp(exp, got))
				HARNESS_FAIL("%s: saved \"%s\", want \"%s\"", args, got, exp);
		}
		built_free(&b);
		/* the fixed point: the saved rule reads back to itself */
		if (build_mode(want, &b, &err, true)) {
			HARNESS_FAIL("%s: saved text refused: %s", want, err.msg);
		} else {
			for (unsigned int i = 0; i < b.n; i++) {
				char exp[2048], got[2048];

				expected_part(want, b.ops[i]->name, exp, sizeof(exp));
				save_of(&b, i, got, sizeof(got));
				if (strcmp(exp, got))
					HARNESS_FAIL("%s: resaved \"%s\"", want, got);
			}
		}
		built_free(&b);
	}
	fclose(f);
}

static void test_golden_tcp(void) { run_golden("tcp"); }
static void test_golden_icmp(void) { run_golden("icmp"); }
static void test_golden_multiport(void) { run_golden("multiport"); }
static void test_golden_iprange(void) { run_golden("iprange"); }
static void test_golden_length(void) { run_golden("length"); }
static void test_golden_ttl(void) { run_golden("ttl"); }
static void test_golden_comment(void) { run_golden("comment"); }
static void test_golden_mark(void) { run_golden("mark"); }
static void test_golden_mac(void) { run_golden("mac"); }
static void test_golden_pkttype(void) { run_golden("pkttype"); }

/* ---- packets ---- */

static struct nfu_net *tnet;

/* An IPv4 packet: 20-byte header (protocol 'proto', 'ttl', fragment
 * offset 'fragoff' in 8-byte units), then 'l4' of 'l4len' bytes. */
static struct nfu_pkt *mkpkt(uint8_t proto, uint8_t ttl, uint16_t fragoff,
			     const void *l4, size_t l4len)
{
	uint8_t buf[1600] = { 0 };
	struct nfu_pkt *p;
	size_t len = 20 + l4len;

	buf[0] = 0x45;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	buf[6] = (uint8_t)(fragoff >> 8);
	buf[7] = (uint8_t)fragoff;
	buf[8] = ttl;
	buf[9] = proto;
	memcpy(buf + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	memcpy(buf + 20, l4, l4len);
	p = nfu_pkt_from_bytes(tnet, buf, len);
	if (p) {
		nfu_pkt_reset_network_header(p);
		p->transport_off = p->network_off + 20;
	}
	return p;
}

/* Runs the match of 'rule' on 'p': 1 match, 0 no match, 2 hotdrop. */
static int run_match(const char *rule, struct nfu_pkt *p, uint16_t fragoff)
{
	struct nfu_error err;
	struct built b;
	struct nfu_xt_par par = { .net = tnet, .thoff = 20, .fragoff = fragoff,
				  .hooknum = NFU_INET_LOCAL_IN, .in = p->in };
	int r;

	if (build(rule, &b, &err)) {
		HARNESS_FAIL("%s: %s", rule, err.msg);
		return -1;
	}
	r = b.ops[0]->match(p, &par, b.data[0]) ? 1 : 0;
	if (par.hotdrop)
		r = 2;
	built_free(&b);
	return r;
}

static void test_match_tcp(void)
{
	uint8_t th[40] = { 0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0,
			   0x50, 0x02 }; /* 12345 -> 80, SYN */
	struct nfu_pkt *p = mkpkt(6, 64, 0, th, 20);

	REQUIRE(p);
	CHECK_INT(run_match("-p tcp -m tcp --dport 80", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m tcp ! --dport 80", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m tcp --dport 81:100", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m tcp --sport 12345:12345 --dport 1:80", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m tcp --syn", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m tcp ! --syn", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m tcp --tcp-flags ALL NONE", p, 0), 0);
	/* no options: --tcp-option never found */
	CHECK_INT(run_match("-p tcp -m tcp --tcp-option 2", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m tcp ! --tcp-option 2", p, 0), 1);
	/* fragments: offset 1 is hotdropped, later ones just do not match */
	CHECK_INT(run_match("-p tcp -m tcp --dport 80", p, 1), 2);
	CHECK_INT(run_match("-p tcp -m tcp ! --dport 80", p, 2), 0);
	nfu_pkt_free(p);

	/* options: NOP, NOP, MSS(4), SACK-permitted at the end */
	th[12] = 0x80;
	memcpy(th + 20, "\x01\x01\x02\x04\x05\xb4\x04\x02\x01\x01\x08\x0a"
			"\0\0\0\0\0\0\0\0", 20);
	p = mkpkt(6, 64, 0, th, 32);
	REQUIRE(p);
	CHECK_INT(run_match("-p tcp -m tcp --tcp-option 2", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m tcp --tcp-option 4", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m tcp --tcp-option 8", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m tcp --tcp-option 3", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m tcp ! --tcp-option 3", p, 0), 1);
	nfu_pkt_free(p);
	/* a header that claims options the packet does not hold */
	th[12] = 0xf0;
	p = mkpkt(6, 64, 0, th, 24);
	REQUIRE(p);
	CHECK_INT(run_match("-p tcp -m tcp --dport 80", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m tcp --tcp-option 9", p, 0), 2);
	nfu_pkt_free(p);
	/* doff below 5 with an option asked for: dropped */
	th[12] = 0x40;
	p = mkpkt(6, 64, 0, th, 20);
	REQUIRE(p);
	CHECK_INT(run_match("-p tcp -m tcp --tcp-option 9", p, 0), 2);
	nfu_pkt_free(p);
	/* truncated header */
	p = mkpkt(6, 64, 0, th, 19);
	REQUIRE(p);
	CHECK_INT(run_match("-p tcp -m tcp --dport 80", p, 0), 2);
	nfu_pkt_free(p);
}

static void test_match_udp(void)
{
	const uint8_t uh[8] = { 0x00, 0x35, 0x04, 0x00, 0, 8, 0, 0 }; /* 53 -> 1024 */
	struct nfu_pkt *p = mkpkt(17, 64, 0, uh, 8);

	REQUIRE(p);
	CHECK_INT(run_match("-p udp -m udp --sport 53", p, 0), 1);
	CHECK_INT(run_match("-p udp -m udp --sport 53 --dport 1025:2000", p, 0), 0);
	CHECK_INT(run_match("-p udp -m udp ! --dport 1025:2000", p, 0), 1);
	/* the range iptables accepts reversed never matches */
	CHECK_INT(run_match("-p udp -m udp --dport 2000:1000", p, 0), 0);
	/* any fragment but the first: no match, no drop (even offset 1) */
	CHECK_INT(run_match("-p udp -m udp ! --sport 53", p, 1), 0);
	nfu_pkt_free(p);
	p = mkpkt(17, 64, 0, uh, 7);
	REQUIRE(p);
	CHECK_INT(run_match("-p udp -m udp", p, 0), 2);
	nfu_pkt_free(p);
}

static void test_match_icmp(void)
{
	const uint8_t ic[8] = { 3, 3, 0, 0 }; /* port unreachable */
	struct nfu_pkt *p = mkpkt(1, 64, 0, ic, 8);

	REQUIRE(p);
	CHECK_INT(run_match("-p icmp -m icmp --icmp-type port-unreachable", p, 0), 1);
	CHECK_INT(run_match("-p icmp -m icmp --icmp-type destination-unreachable", p, 0), 1);
	CHECK_INT(run_match("-p icmp -m icmp --icmp-type host-unreachable", p, 0), 0);
	CHECK_INT(run_match("-p icmp -m icmp --icmp-type echo-request", p, 0), 0);
	CHECK_INT(run_match("-p icmp -m icmp ! --icmp-type echo-request", p, 0), 1);
	CHECK_INT(run_match("-p icmp -m icmp --icmp-type any", p, 0), 1);
	CHECK_INT(run_match("-p icmp -m icmp ! --icmp-type any", p, 0), 0);
	CHECK_INT(run_match("-p icmp -m icmp --icmp-type 255/7", p, 0), 1);
	CHECK_INT(run_match("-p icmp -m icmp ! --icmp-type 8", p, 3), 0);
	nfu_pkt_free(p);
	p = mkpkt(1, 64, 0, ic, 4);
	REQUIRE(p);
	CHECK_INT(run_match("-p icmp -m icmp --icmp-type any", p, 0), 2);
	nfu_pkt_free(p);
}

static void test_match_multiport(void)
{
	const uint8_t th[20] = { 0x04, 0x00, 0x01, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0,
				 0x50, 0x10 }; /* 1024 -> 443 */
	struct nfu_pkt *p = mkpkt(6, 64, 0, th, 20);

	REQUIRE(p);
	CHECK_INT(run_match("-p tcp -m multiport --dports 80,443", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m multiport --dports 80,400:500", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m multiport --dports 80,444:500", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m multiport ! --dports 80,443", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m multiport ! --dports 80", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m multiport --sports 443", p, 0), 0);
	CHECK_INT(run_match("-p tcp -m multiport --ports 1000:1024", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m multiport --ports 443", p, 0), 1);
	CHECK_INT(run_match("-p tcp -m multiport ! --ports 443", p, 1), 0);
	nfu_pkt_free(p);
	p = mkpkt(6, 64, 0, th, 3);
	REQUIRE(p);
	CHECK_INT(run_match("-p tcp -m multiport --ports 443", p, 0), 2);
	nfu_pkt_free(p);
}

static void test_match_ip_fields(void)
{
	struct nfu_pkt *p = mkpkt(17, 5, 0, "\0\1\0\2\0\10\0\0", 8); /* len 28 */

	REQUIRE(p);
	CHECK_INT(run_match("-m iprange --src-range 10.0.0.1-10.0.0.1", p, 0), 1);
	CHECK_INT(run_match("-m iprange ! --src-range 10.0.0.1-10.0.0.1", p, 0), 0);
	CHECK_INT(run_match("-m iprange --src-range 10.0.0.0-10.0.0.9 --dst-range 10.0.0.3-10.0.0.9", p, 0), 0);
	CHECK_INT(run_match("-m iprange --src-range 10.0.0.0-10.0.0.9 ! --dst-range 10.0.0.3-10.0.0.9", p, 0), 1);
	CHECK_INT(run_match("-m iprange --dst-range 10.0.0.9-10.0.0.1", p, 0), 0);
	CHECK_INT(run_match("-m length --length 28", p, 0), 1);
	CHECK_INT(run_match("-m length --length 29:", p, 0), 0);
	CHECK_INT(run_match("-m length ! --length 29:", p, 0), 1);
	CHECK_INT(run_match("-m ttl --ttl-eq 5", p, 0), 1);
	CHECK_INT(run_match("-m ttl ! --ttl-eq 5", p, 0), 0);
	CHECK_INT(run_match("-m ttl --ttl-lt 5", p, 0), 0);
	CHECK_INT(run_match("-m ttl --ttl-lt 6", p, 0), 1);
	CHECK_INT(run_match("-m ttl --ttl-gt 4", p, 0), 1);
	CHECK_INT(run_match("-m comment --comment x", p, 0), 1);
	p->mark = 0x1234;
	CHECK_INT(run_match("-m mark --mark 0x1234", p, 0), 1);
	CHECK_INT(run_match("-m mark --mark 0x34/0xff", p, 0), 1);
	CHECK_INT(run_match("-m mark ! --mark 0x34/0xff", p, 0), 0);
	CHECK_INT(run_match("-m mark --mark 0x34", p, 0), 0);
	p->pkt_type = NFU_PACKET_BROADCAST;
	CHECK_INT(run_match("-m pkttype --pkt-type broadcast", p, 0), 1);
	CHECK_INT(run_match("-m pkttype ! --pkt-type broadcast", p, 0), 0);
	CHECK_INT(run_match("-m pkttype --pkt-type unicast", p, 0), 0);
	p->pkt_type = NFU_PACKET_LOOPBACK; /* to 10.0.0.2: broadcast, as Linux */
	CHECK_INT(run_match("-m pkttype --pkt-type broadcast", p, 0), 1);
	nfu_pkt_free(p);
}

static void test_match_mac(void)
{
	uint8_t frame[14 + 28] = { 0, 1, 2, 3, 4, 5, 0x00, 0x11, 0x22, 0x33,
				   0x44, 0x55, 0x08, 0x00 };
	struct nfu_pkt *p;
	struct nfu_dev dev = { .name = "eth0", .ifindex = 2 };

	p = mkpkt(17, 64, 0, "\0\1\0\2\0\10\0\0", 8);
	REQUIRE(p);
	/* no link header in front of the IP header: never matches */
	p->in = &dev;
	CHECK_INT(run_match("-m mac --mac-source 00:11:22:33:44:55", p, 0), 0);
	CHECK_INT(run_match("-m mac ! --mac-source 00:11:22:33:44:55", p, 0), 0);
	memcpy(frame + 14, p->data, 28);
	nfu_pkt_free(p);
	p = nfu_pkt_from_bytes(tnet, frame, sizeof(frame));
	REQUIRE(p);
	p->mac_off = (uint32_t)(p->data - p->head);
	nfu_pkt_pull(p, 14);
	nfu_pkt_reset_network_header(p);
	p->in = &dev;
	CHECK_INT(run_match("-m mac --mac-source 00:11:22:33:44:55", p, 0), 1);
	CHECK_INT(run_match("-m mac --mac-source 00:11:22:33:44:56", p, 0), 0);
	CHECK_INT(run_match("-m mac ! --mac-source 00:11:22:33:44:56", p, 0), 1);
	dev.loopback = 1;
	CHECK_INT(run_match("-m mac ! --mac-source 00:11:22:33:44:56", p, 0), 0);
	p->in = NULL;
	CHECK_INT(run_match("-m mac ! --mac-source 00:11:22:33:44:56", p, 0), 0);
	nfu_pkt_free(p);
}

int main(void)
{
	tnet = nfu_net_new();
	if (!tnet)
		return 1;
	RUN(test_golden_tcp);
	RUN(test_golden_icmp);
	RUN(test_golden_multiport);
	RUN(test_golden_iprange);
	RUN(test_golden_length);
	RUN(test_golden_ttl);
	RUN(test_golden_comment);
	RUN(test_golden_mark);
	RUN(test_golden_mac);
	RUN(test_golden_pkttype);
	RUN(test_match_tcp);
	RUN(test_match_udp);
	RUN(test_match_icmp);
	RUN(test_match_multiport);
	RUN(test_match_ip_fields);
	RUN(test_match_mac);
	nfu_net_free(tnet);
	printf("%u golden lines\n", golden_lines);
	return harness_done();
}
