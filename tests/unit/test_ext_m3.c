/* SPDX-License-Identifier: MIT */
/*
 * test_ext_m3.c - the matches recent, owner, sctp, rpfilter, connlimit,
 * hashlimit, connmark, connbytes and helper against golden files recorded
 * from iptables-legacy 1.8.9 on Linux 6.18 (tests/unit/data/xt/NAME.golden):
 *   ARGS<TAB>SAVED<TAB>LISTED       the rule ("[-t TABLE] CHAIN [-p PROTO]
 *                                   -m NAME OPTIONS"), as
 *                                   iptables-legacy-save printed it, and
 *                                   the match's part of 'iptables -L -n';
 *   ERR<TAB>ARGS<TAB>MSG            refused by iptables with MSG;
 *   CHKERR<TAB>ARGS<TAB>MSG<TAB>LOG refused by the kernel: LOG is its log
 *                                   line, empty when it logs nothing.  A
 *                                   line of x_tables (table, hooks,
 *                                   protocol) is the core's common check,
 *                                   done here from the ops' fields; any
 *                                   other must be check()'s message;
 *   ARGS<TAB>SAVED<TAB>LISTED<TAB>nofix  iptables cannot read SAVED back.
 * Each rule is parsed by calling the ops directly, with libxtables'
 * generic rules done here as the core does them; the saved text must come
 * out byte for byte and parse back to itself.  Then the matches on
 * packets: owner without sockets, recent's lists on a fake clock, sctp's
 * ports and chunks, rpfilter on a stack built from a topology.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipv4/ipv4-private.h"
#include "nfu/net.h"
#include "nfu/pkt.h"
#include "nfu/topology.h"
#include "xtables/xt-private.h"

extern const struct nfu_xt_match_ops nfu_xt_recent, nfu_xt_owner,
	nfu_xt_sctp, nfu_xt_rpfilter, nfu_xt_connlimit, nfu_xt_hashlimit,
	nfu_xt_connmark, nfu_xt_connbytes, nfu_xt_helper;

static const struct nfu_xt_match_ops *const all_ops[] = {
	&nfu_xt_recent, &nfu_xt_owner, &nfu_xt_sctp, &nfu_xt_rpfilter,
	&nfu_xt_connlimit, &nfu_xt_hashlimit, &nfu_xt_connmark,
	&nfu_xt_connbytes, &nfu_xt_helper, NULL,
};

static const struct nfu_xt_match_ops *find_ops(const char *name)
{
	for (unsigned int i = 0; all_ops[i]; i++)
		if (!strcmp(all_ops[i]->name, name))
			return all_ops[i];
	return NULL;
}

#define MAXARGS 64

/* Blanks separate; '...' quotes (the golden files' only quoting). */
static int split(const char *s, char argv[][512], int max)
{
	int n = 0;

	while (*s) {
		size_t len = 0;

		while (*s == ' ')
			s++;
		if (!*s || n == max)
			break;
		while (*s && *s != ' ') {
			if (*s == '\'') {
				s++;
				while (*s && *s != '\'' && len < 511)
					argv[n][len++] = *s++;
				if (*s == '\'')
					s++;
			} else if (len < 511) {
				argv[n][len++] = *s++;
			} else {
				s++;
			}
		}
		argv[n][len] = '\0';
		n++;
	}
	return n;
}

static unsigned int chain_hook(const char *chain)
{
	if (!strcmp(chain, "INPUT"))
		return NFU_INET_LOCAL_IN;
	if (!strcmp(chain, "OUTPUT"))
		return NFU_INET_LOCAL_OUT;
	if (!strcmp(chain, "FORWARD"))
		return NFU_INET_FORWARD;
	if (!strcmp(chain, "PREROUTING"))
		return NFU_INET_PRE_ROUTING;
	return NFU_INET_POST_ROUTING;
}

struct rule {
	char table[512];
	char chain[512];
	struct nfu_xt_ip ip;
	const struct nfu_xt_match_ops *ops;
	void *data;
};

/* "[-t T] CHAIN [-p P] -m NAME OPTIONS…" into 'r' (data allocated); 0 or
 * -EINVAL with 'err' set, as iptables would refuse it. */
static int parse_rule(const char *text, struct rule *r, struct nfu_error *err)
{
	static char argv[MAXARGS][512];
	struct nfu_xt_parse_ctx ctx = {
		.ip = &r->ip, .err = err, .prog = "iptables",
	};
	unsigned int seen = 0;
	int argc = split(text, argv, MAXARGS), i = 0, rc;
	bool invert = false;

	memset(err, 0, sizeof(*err));
	memset(r, 0, sizeof(*r));
	snprintf(r->table, sizeof(r->table), "filter");
	if (argc > 2 && !strcmp(argv[0], "-t")) {
		snprintf(r->table, sizeof(r->table), "%s", argv[1]);
		i = 2;
	}
	if (i >= argc)
		return nfu_error_set(err, NULL, 0, 0, "bad test line");
	snprintf(r->chain, sizeof(r->chain), "%s", argv[i++]);
	if (i + 1 < argc && !strcmp(argv[i], "-p")) {
		r->ip.proto = !strcmp(argv[i + 1], "sctp") ? 132 :
			      !strcmp(argv[i + 1], "tcp") ? 6 :
			      !strcmp(argv[i + 1], "udp") ? 17 : 0;
		i += 2;
	}
	if (i + 1 >= argc || strcmp(argv[i], "-m"))
		return nfu_error_set(err, NULL, 0, 0, "bad test line");
	ctx.table = r->table;
	r->ops = find_ops(argv[i + 1]);
	if (!r->ops)
		return nfu_error_set(err, NULL, 0, 0, "no match %s", argv[i + 1]);
	r->data = calloc(1, r->ops->size);
	if (!r->data)
		return -ENOMEM;
	if (r->ops->init)
		r->ops->init(r->data);
	for (i += 2; i < argc; i++) {
		const struct nfu_xt_option *o;
		const char *arg = NULL;

		if (!strcmp(argv[i], "!")) {
			invert = true;
			continue;
		}
		if (strncmp(argv[i], "--", 2))
			return nfu_error_set(err, NULL, 0, 0, "stray %s",
					     argv[i]);
		for (o = r->ops->options; o->name; o++)
			if (!strcmp(o->name, argv[i] + 2))
				break;
		if (!o->name)
			return nfu_error_set(err, NULL, 0, 0, "unknown %s",
					     argv[i]);
		if (!(o->flags & NFU_XTOPT_MULTI) && (seen & (1u << o->id)))
			return nfu_xt_error(&ctx, "%s: option \"--%s\" can only "
					    "be used once.", r->ops->name,
					    o->name);
		if (invert && !(o->flags & NFU_XTOPT_INVERT))
			return nfu_xt_error(&ctx, "%s: option \"--%s\" cannot "
					    "be inverted.", r->ops->name,
					    o->name);
		ctx.option = argv[i];
		ctx.arg2 = NULL;
		if (o->flags & NFU_XTOPT_ARG) {
			if (i + 1 >= argc)
				return nfu_xt_error(&ctx, "option \"--%s\" "
						    "requires an argument",
						    o->name);
			arg = argv[++i];
			if ((o->flags & NFU_XTOPT_ARG2) && i + 1 < argc &&
			    argv[i + 1][0] != '-' && argv[i + 1][0] != '!')
				ctx.arg2 = argv[++i];
		}
		rc = r->ops->parse(&ctx, o->id, arg, invert, r->data);
		if (rc)
			return rc;
		seen |= 1u << o->id;
		invert = false;
	}
	if (r->ops->final_check)
		return r->ops->final_check(&ctx, r->data, seen);
	return 0;
}

/* The core's common checks (table, hooks, protocol), then check(). */
static int check_rule(struct nfu_net *net, struct rule *r, bool *common,
		      struct nfu_error *err)
{
	unsigned int mask = NFU_XT_HOOK(chain_hook(r->chain));
	struct nfu_xt_check_ctx ctx = {
		.net = net, .table = r->table, .hook_mask = mask,
		.ip = &r->ip, .err = err,
	};

	memset(err, 0, sizeof(*err));
	*common = true;
	if (r->ops->table && strcmp(r->ops->table, r->table))
		return -EINVAL;
	if (r->ops->hooks && (mask & ~r->ops->hooks))
		return -EINVAL;
	if (r->ops->proto && r->ip.proto != r->ops->proto)
		return -EINVAL;
	*common = false;
	return r->ops->check ? r->ops->check(&ctx, r->data) : 0;
}

static void save_rule(const struct rule *r, char *out, size_t len)
{
	struct nfu_strbuf sb;

	nfu_sb_init(&sb);
	nfu_sb_printf(&sb, "-A %s", r->chain);
	if (r->ip.proto == 132)
		nfu_sb_puts(&sb, " -p sctp");
	else if (r->ip.proto == 6)
		nfu_sb_puts(&sb, " -p tcp");
	nfu_sb_printf(&sb, " -m %s", r->ops->name);
	r->ops->save(r->data, &r->ip, &sb);
	snprintf(out, len, "%s", sb.s ? sb.s : "");
	nfu_sb_free(&sb);
}

static void print_rule(const struct rule *r, char *out, size_t len)
{
	struct nfu_strbuf sb;

	nfu_sb_init(&sb);
	if (r->ops->print)
		r->ops->print(r->data, &r->ip, true, &sb);
	snprintf(out, len, "%s", sb.s ? sb.s : "");
	nfu_sb_free(&sb);
}

static unsigned int golden_lines;

static void run_golden(const char *name)
{
	char path[256], line[8192];
	struct nfu_net *net = nfu_net_new();
	FILE *f;

	snprintf(path, sizeof(path), "tests/unit/data/xt/%s.golden", name);
	f = fopen(path, "r");
	REQUIRE(f != NULL);
	REQUIRE(net != NULL);
	while (fgets(line, sizeof(line), f)) {
		char *fld[4] = { 0 }, *p = line, saved[4096], listed[4096];
		struct nfu_error err;
		struct rule r, r2;
		bool common;
		int nf = 0, rc;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		while (nf < 4 && p) {
			fld[nf++] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		golden_lines++;
		if (!strcmp(fld[0], "ERR")) {
			rc = parse_rule(fld[1], &r, &err);
			CHECK_INT(rc, -EINVAL);
			if (strcmp(err.msg, fld[2]))
				HARNESS_FAIL("%s: \"%s\" != \"%s\"", fld[1],
					     err.msg, fld[2]);
			harness_checks++;
			free(r.data);
			continue;
		}
		if (!strcmp(fld[0], "CHKERR")) {
			rc = parse_rule(fld[1], &r, &err);
			CHECK_INT(rc, 0);
			if (!rc) {
				const char *log = fld[3] ? fld[3] : "";
				bool core = !strncmp(log, "x_tables:", 9);

				rc = check_rule(net, &r, &common, &err);
				CHECK(rc < 0);
				if (common != core)
					HARNESS_FAIL("%s: refused by the %s", fld[1],
						     common ? "core" : "extension");
				else if (!core && log[0] && strcmp(err.msg, log))
					HARNESS_FAIL("%s: check \"%s\" != \"%s\"",
						     fld[1], err.msg, log);
				else if (!core && !err.msg[0])
					HARNESS_FAIL("%s: check gave no reason",
						     fld[1]);
				harness_checks++;
			}
			free(r.data);
			continue;
		}
		rc = parse_rule(fld[0], &r, &err);
		if (rc) {
			HARNESS_FAIL("%s: refused: %s", fld[0], err.msg);
			free(r.data);
			continue;
		}
		{
			/* each line was recorded alone: a stack of its own,
			 * so that no table of an earlier line is shared */
			struct nfu_net *own = nfu_net_new();

			REQUIRE(own != NULL);
			rc = check_rule(own, &r, &common, &err);
			nfu_net_free(own);
		}
		if (rc)
			HARNESS_FAIL("%s: check: %d %s", fld[0], rc, err.msg);
		save_rule(&r, saved, sizeof(saved));
		if (strcmp(saved, fld[1]))
			HARNESS_FAIL("%s: saved \"%s\" != \"%s\"", fld[0],
				     saved, fld[1]);
		harness_checks++;
		if (fld[2]) {
			print_rule(&r, listed, sizeof(listed));
			if (listed[0] != ' ' || strcmp(listed + 1, fld[2]))
				HARNESS_FAIL("%s: listed \"%s\" != \" %s\"",
					     fld[0], listed, fld[2]);
			harness_checks++;
		}
		/* the fixed point: the saved rule parses back to itself */
		if (fld[3] && !strcmp(fld[3], "nofix")) {
			free(r.data);
			continue;
		}
		{
			char again_in[8192];

			if (strcmp(r.table, "filter"))
				snprintf(again_in, sizeof(again_in), "-t %s %s",
					 r.table, saved + 3);
			else
				snprintf(again_in, sizeof(again_in), "%s",
					 saved + 3);
			rc = parse_rule(again_in, &r2, &err);
		}
		if (rc) {
			HARNESS_FAIL("%s: saved text refused: %s", saved,
				     err.msg);
		} else {
			char again[4096];

			save_rule(&r2, again, sizeof(again));
			CHECK_STR(again, saved);
		}
		free(r2.data);
		free(r.data);
	}
	fclose(f);
	nfu_net_free(net);
}

static void test_golden_recent(void) { run_golden("recent"); }
static void test_golden_owner(void) { run_golden("owner"); }
static void test_golden_sctp(void) { run_golden("sctp"); }
static void test_golden_rpfilter(void) { run_golden("rpfilter"); }
static void test_golden_connlimit(void) { run_golden("connlimit"); }
static void test_golden_hashlimit(void) { run_golden("hashlimit"); }
static void test_golden_connmark(void) { run_golden("connmark"); }
static void test_golden_connbytes(void) { run_golden("connbytes"); }
static void test_golden_helper(void) { run_golden("helper"); }

/* A 20-byte IPv4 header (and 'extra' bytes of payload) from 'src' to
 * 'dst' (host order) with 'ttl'. */
static struct nfu_pkt *ip_pkt(struct nfu_net *net, uint32_t src, uint32_t dst,
			      uint8_t ttl, uint8_t proto,
			      const unsigned char *extra, size_t n)
{
	unsigned char b[256] = { 0x45 };
	struct nfu_pkt *pkt;

	b[8] = ttl;
	b[9] = proto;
	src = __builtin_bswap32(src);
	dst = __builtin_bswap32(dst);
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &dst, 4);
	if (n > sizeof(b) - 20)
		n = sizeof(b) - 20;
	if (n)
		memcpy(b + 20, extra, n);
	pkt = nfu_pkt_from_bytes(net, b, 20 + n);
	if (pkt)
		nfu_pkt_reset_network_header(pkt);
	return pkt;
}

static bool match_on(struct nfu_net *net, struct rule *r, struct nfu_pkt *pkt,
		     const char *in, const char *out)
{
	struct nfu_xt_par par = { .net = net, .thoff = 20 };
	bool m;

	par.in = in ? nfu_dev_by_name(net, in) : NULL;
	par.out = out ? nfu_dev_by_name(net, out) : NULL;
	m = r->ops->match(pkt, &par, r->data);
	CHECK(!par.hotdrop);
	return m;
}

/* Without a socket (a forwarded packet), only a rule whose every test is
 * inverted matches; the host's own packets have a kernel socket without
 * a file: --socket-exists matches, a uid/gid test only inverted. */
static void test_owner_sockets(void)
{
	static const struct {
		const char *rule;
		bool fwd, host;
	} cases[] = {
		{ "OUTPUT -m owner --uid-owner 0", false, false },
		{ "OUTPUT -m owner ! --uid-owner 0", true, true },
		{ "OUTPUT -m owner --socket-exists", false, true },
		{ "OUTPUT -m owner ! --socket-exists", true, false },
		{ "OUTPUT -m owner ! --uid-owner 0 --gid-owner 0", false, false },
		{ "OUTPUT -m owner ! --uid-owner 0 ! --gid-owner 0", true, true },
		{ "OUTPUT -m owner ! --gid-owner 0 --suppl-groups", false, true },
		{ "OUTPUT -m owner --gid-owner 0 --suppl-groups", false, false },
		{ "OUTPUT -m owner ! --uid-owner 0 --socket-exists", false, true },
		{ "OUTPUT -m owner ! --uid-owner 0 ! --socket-exists", true, false },
		{ "OUTPUT -m owner --uid-owner 0 ! --gid-owner 0", false, false },
	};
	struct nfu_net *net = nfu_net_new();

	REQUIRE(net != NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nfu_error err;
		struct nfu_pkt *pkt;
		struct rule r;

		if (parse_rule(cases[i].rule, &r, &err)) {
			HARNESS_FAIL("%s: %s", cases[i].rule, err.msg);
			free(r.data);
			continue;
		}
		for (int host = 0; host < 2; host++) {
			bool want = host ? cases[i].host : cases[i].fwd;

			pkt = ip_pkt(net, NFU_IP(10, 0, 0, 1),
				     NFU_IP(10, 0, 0, 2), 64, 17, NULL, 0);
			if (!pkt)
				continue;
			pkt->local_out = host;
			if (match_on(net, &r, pkt, NULL, "lo") != want)
				HARNESS_FAIL("%s (%s): should %smatch",
					     cases[i].rule,
					     host ? "the host's" : "forwarded",
					     want ? "" : "not ");
			harness_checks++;
			nfu_pkt_free(pkt);
		}
		free(r.data);
	}
	nfu_net_free(net);
}

#define SEC 1000000000ull

struct recent_rules {
	struct rule set, upd, chk, rm, ttl;
};

static bool recent_at(struct nfu_net *net, struct rule *r, uint64_t ns,
		      uint32_t src, uint8_t ttl)
{
	struct nfu_pkt *pkt;
	bool m = false;

	nfu_net_set_time(net, ns);
	pkt = ip_pkt(net, src, NFU_IP(10, 0, 0, 1), ttl, 17, NULL, 0);
	if (pkt) {
		m = match_on(net, r, pkt, "lo", NULL);
		nfu_pkt_free(pkt);
	}
	return m;
}

static void load(struct nfu_net *net, struct rule *r, const char *text)
{
	struct nfu_error err;
	bool common;

	memset(r, 0, sizeof(*r));
	if (parse_rule(text, r, &err)) {
		HARNESS_FAIL("%s: %s", text, err.msg);
		return;
	}
	if (check_rule(net, r, &common, &err))
		HARNESS_FAIL("%s: check: %s", text, err.msg);
}

/*
 * The SSH brute-force idiom of the real rulesets: "--set" then
 * "--update --seconds 60 --hitcount 3" drops the third attempt of a
 * source within a minute.
 */
static void test_recent_lists(void)
{
	struct nfu_net *net = nfu_net_new();
	uint32_t a = NFU_IP(192, 0, 2, 1), b = NFU_IP(192, 0, 2, 2);
	uint64_t t0 = 1000 * SEC;
	struct rule set, upd, chk, rm, ttl, other;

	REQUIRE(net != NULL);
	load(net, &set, "INPUT -m recent --set --name ssh --rsource");
	load(net, &upd, "INPUT -m recent --update --seconds 60 --hitcount 3 --name ssh --rsource");
	load(net, &chk, "INPUT -m recent --rcheck --name ssh --rsource");
	load(net, &rm, "INPUT -m recent --remove --name ssh");
	load(net, &ttl, "INPUT -m recent --rcheck --rttl --name ssh");
	load(net, &other, "INPUT -m recent ! --rcheck --name other");
	if (!set.data || !upd.data || !chk.data || !rm.data || !ttl.data ||
	    !other.data)
		goto out;

	/* nothing seen yet */
	CHECK(!recent_at(net, &chk, t0, a, 64));
	CHECK(!recent_at(net, &upd, t0, a, 64));
	/* two packets: --set always matches; 2 < 3 hits */
	CHECK(recent_at(net, &set, t0, a, 64));
	CHECK(recent_at(net, &chk, t0, a, 64));
	CHECK(!recent_at(net, &chk, t0, b, 64));
	CHECK(recent_at(net, &set, t0 + 1 * SEC, a, 64));
	CHECK(!recent_at(net, &upd, t0 + 2 * SEC, a, 64));
	/* a third: the update matches (and records a fourth time) */
	CHECK(recent_at(net, &set, t0 + 3 * SEC, a, 64));
	CHECK(recent_at(net, &upd, t0 + 4 * SEC, a, 64));
	/* 60 s after t0 + 1, the times t0 and t0 + 1 are too old: t0 + 3,
	 * t0 + 4 remain, two hits */
	CHECK(!recent_at(net, &upd, t0 + 62 * SEC, a, 64));
	/* the TTL: entries keep the TTL of their last set or update */
	CHECK(recent_at(net, &ttl, t0 + 63 * SEC, a, 64));
	CHECK(!recent_at(net, &ttl, t0 + 63 * SEC, a, 63));
	/* a list of other rules is another list: the inverted check
	 * matches an address it never saw */
	CHECK(recent_at(net, &other, t0, a, 64));
	/* remove, then nothing */
	CHECK(recent_at(net, &rm, t0 + 64 * SEC, a, 64));
	CHECK(!recent_at(net, &chk, t0 + 64 * SEC, a, 64));
	CHECK(!recent_at(net, &rm, t0 + 64 * SEC, a, 64));

	/* ip_list_tot: the 101st address pushes out the least recent */
	for (uint32_t i = 0; i < 100; i++)
		CHECK(recent_at(net, &set, t0 + 100 * SEC, NFU_IP(10, 1, 0, 0) + i, 64));
	CHECK(recent_at(net, &chk, t0 + 100 * SEC, NFU_IP(10, 1, 0, 0), 64));
	CHECK(recent_at(net, &set, t0 + 101 * SEC, b, 64));
	CHECK(!recent_at(net, &chk, t0 + 101 * SEC, NFU_IP(10, 1, 0, 0), 64));
	CHECK(recent_at(net, &chk, t0 + 101 * SEC, NFU_IP(10, 1, 0, 1), 64));
	CHECK(recent_at(net, &chk, t0 + 101 * SEC, b, 64));
out:
	free(set.data);
	free(upd.data);
	free(chk.data);
	free(rm.data);
	free(ttl.data);
	free(other.data);
	nfu_net_free(net);
}

/*
 * A list against a naive reference (an array from the least recently
 * seen address to the most, each with the time of its last --set): many
 * addresses through --set, --rcheck, --remove and "--rcheck --seconds 10
 * --reap" at random, so that ip_list_tot's evictions, removals and reaps
 * take addresses out of the hash chains in every order.
 */
struct recent_ref {
	uint32_t addr[100];
	uint64_t last[100];
	unsigned int n;
};

static int ref_find(const struct recent_ref *ref, uint32_t addr)
{
	for (unsigned int i = 0; i < ref->n; i++)
		if (ref->addr[i] == addr)
			return (int)i;
	return -1;
}

static void ref_del(struct recent_ref *ref, unsigned int i)
{
	memmove(&ref->addr[i], &ref->addr[i + 1], (ref->n - i - 1) * sizeof(ref->addr[0]));
	memmove(&ref->last[i], &ref->last[i + 1], (ref->n - i - 1) * sizeof(ref->last[0]));
	ref->n--;
}

static bool ref_step(struct recent_ref *ref, unsigned int op, uint32_t addr,
		     uint64_t now)
{
	int i = ref_find(ref, addr);
	bool m;

	switch (op) {
	case 0: /* --set: to the most recent end; the least recent makes room */
		if (i >= 0)
			ref_del(ref, (unsigned int)i);
		else if (ref->n == 100)
			ref_del(ref, 0);
		ref->addr[ref->n] = addr;
		ref->last[ref->n++] = now;
		return true;
	case 1: /* --rcheck */
		return i >= 0;
	case 2: /* --remove */
		if (i >= 0)
			ref_del(ref, (unsigned int)i);
		return i >= 0;
	default: /* --rcheck --seconds 10 --reap: only a known address reaps */
		if (i < 0)
			return false;
		m = ref->last[i] >= now - 10 * SEC;
		if (ref->last[0] < now - 10 * SEC)
			ref_del(ref, 0);
		return m;
	}
}

static void test_recent_reference(void)
{
	struct nfu_net *net = nfu_net_new();
	struct recent_ref ref = { .n = 0 };
	uint64_t now = 1000 * SEC, x = 88172645463325252ull;
	struct rule r[4];
	unsigned int diffs = 0;

	REQUIRE(net != NULL);
	load(net, &r[0], "INPUT -m recent --set --name ref");
	load(net, &r[1], "INPUT -m recent --rcheck --name ref");
	load(net, &r[2], "INPUT -m recent --remove --name ref");
	load(net, &r[3], "INPUT -m recent --rcheck --seconds 10 --reap --name ref");
	for (unsigned int i = 0; i < 4; i++)
		if (!r[i].data)
			goto out;
	for (unsigned int step = 0; step < 40000; step++) {
		unsigned int op;
		uint32_t addr;
		bool want;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* sets five times in eight, the others once each */
		op = (x & 7) <= 4 ? 0 : (unsigned int)(x & 7) - 4;
		addr = NFU_IP(10, 2, 0, 0) + (uint32_t)((x >> 8) % 300);
		now += ((x >> 24) % 500) * 1000000ull;
		want = ref_step(&ref, op, addr, now);
		if (recent_at(net, &r[op], now, addr, 64) != want && diffs++ < 5)
			HARNESS_FAIL("step %u: op %u on 10.2.%u.%u: reference says %d",
				     step, op, (addr >> 8) & 0xff, addr & 0xff, want);
	}
	CHECK(diffs == 0);
	/* what is left agrees too, address by address */
	for (uint32_t a = 0; a < 300; a++)
		CHECK(recent_at(net, &r[1], now, NFU_IP(10, 2, 0, 0) + a, 64) ==
		      (ref_find(&ref, NFU_IP(10, 2, 0, 0) + a) >= 0));
out:
	for (unsigned int i = 0; i < 4; i++)
		free(r[i].data);
	nfu_net_free(net);
}

/* --mask keeps one entry per network; --reap drops stale entries. */
static void test_recent_mask_reap(void)
{
	struct nfu_net *net = nfu_net_new();
	uint64_t t0 = 5000 * SEC;
	struct rule set, chk, reap;

	REQUIRE(net != NULL);
	load(net, &set, "INPUT -m recent --set --name m --mask 255.255.255.0");
	load(net, &chk, "INPUT -m recent --rcheck --hitcount 2 --name m --mask 255.255.255.0");
	load(net, &reap, "INPUT -m recent --rcheck --seconds 10 --reap --name m --mask 255.255.255.0");
	if (!set.data || !chk.data || !reap.data)
		goto out;
	CHECK(recent_at(net, &set, t0, NFU_IP(198, 51, 100, 1), 64));
	CHECK(!recent_at(net, &chk, t0, NFU_IP(198, 51, 100, 2), 64));
	CHECK(recent_at(net, &set, t0, NFU_IP(198, 51, 100, 200), 64));
	CHECK(recent_at(net, &chk, t0, NFU_IP(198, 51, 100, 3), 64));
	CHECK(!recent_at(net, &chk, t0, NFU_IP(198, 51, 101, 3), 64));
	/* 20 s later the entry is stale: no match, and reaped */
	CHECK(!recent_at(net, &reap, t0 + 20 * SEC, NFU_IP(198, 51, 100, 3), 64));
	CHECK(!recent_at(net, &chk, t0 + 20 * SEC, NFU_IP(198, 51, 100, 3), 64));
out:
	free(set.data);
	free(chk.data);
	free(reap.data);
	nfu_net_free(net);
}

/* A list keeps the mask of the rule that made it (Linux's t->mask): a
 * rule with another --mask looks addresses up with the list's. */
static void test_recent_list_mask(void)
{
	struct nfu_net *net = nfu_net_new();
	uint64_t t0 = 7000 * SEC;
	struct rule set, chk;

	REQUIRE(net != NULL);
	load(net, &set, "INPUT -m recent --set --name n --mask 255.255.0.0");
	load(net, &chk, "INPUT -m recent --rcheck --name n");
	if (!set.data || !chk.data)
		goto out;
	CHECK(recent_at(net, &set, t0, NFU_IP(10, 7, 1, 1), 64));
	CHECK(recent_at(net, &chk, t0, NFU_IP(10, 7, 200, 9), 64));
	CHECK(!recent_at(net, &chk, t0, NFU_IP(10, 8, 1, 1), 64));
out:
	free(set.data);
	free(chk.data);
	nfu_net_free(net);
}

static bool sctp_on(const char *rule, uint16_t sp, uint16_t dp,
		    const unsigned char *chunks, size_t n)
{
	unsigned char b[200] = { 0 };
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;
	struct nfu_pkt *pkt;
	struct rule r;
	bool m = false;

	if (!net)
		return false;
	if (parse_rule(rule, &r, &err)) {
		HARNESS_FAIL("%s: %s", rule, err.msg);
		free(r.data);
		nfu_net_free(net);
		return false;
	}
	b[0] = (unsigned char)(sp >> 8);
	b[1] = (unsigned char)sp;
	b[2] = (unsigned char)(dp >> 8);
	b[3] = (unsigned char)dp;
	memcpy(b + 12, chunks, n);
	pkt = ip_pkt(net, NFU_IP(1, 1, 1, 1), NFU_IP(2, 2, 2, 2), 64, 132, b,
		     12 + n);
	if (pkt) {
		m = match_on(net, &r, pkt, NULL, NULL);
		nfu_pkt_free(pkt);
	}
	free(r.data);
	nfu_net_free(net);
	return m;
}

static void test_sctp_match(void)
{
	/* DATA (flags B,E) of 16 bytes, then SACK of 16 */
	static const unsigned char data_sack[] = {
		0, 0x03, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		3, 0x00, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const unsigned char init[] = {
		1, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
#define S(x) "INPUT -p sctp -m sctp " x

	CHECK(sctp_on(S("--dport 50000"), 1, 50000, init, sizeof(init)));
	CHECK(!sctp_on(S("--dport 50000"), 1, 50001, init, sizeof(init)));
	CHECK(sctp_on(S("! --dport 50000"), 1, 50001, init, sizeof(init)));
	CHECK(sctp_on(S("--sport 1:10 --dport 5"), 10, 5, init, sizeof(init)));
	CHECK(!sctp_on(S("--sport 1:10 --dport 5"), 11, 5, init, sizeof(init)));
	CHECK(sctp_on(S("--chunk-types any INIT"), 1, 2, init, sizeof(init)));
	CHECK(!sctp_on(S("--chunk-types any INIT"), 1, 2, data_sack, sizeof(data_sack)));
	CHECK(sctp_on(S("--chunk-types all DATA,SACK"), 1, 2, data_sack, sizeof(data_sack)));
	CHECK(!sctp_on(S("--chunk-types all DATA,SACK,INIT"), 1, 2, data_sack, sizeof(data_sack)));
	CHECK(sctp_on(S("--chunk-types only DATA,SACK,INIT"), 1, 2, data_sack, sizeof(data_sack)));
	CHECK(!sctp_on(S("--chunk-types only DATA"), 1, 2, data_sack, sizeof(data_sack)));
	CHECK(sctp_on(S("--chunk-types any DATA:BE"), 1, 2, data_sack, sizeof(data_sack)));
	CHECK(!sctp_on(S("--chunk-types any DATA:Be"), 1, 2, data_sack, sizeof(data_sack)));
	CHECK(sctp_on(S("! --chunk-types any DATA:Be"), 1, 2, data_sack, sizeof(data_sack)));
#undef S
}

static const char topo[] =
	"ip link add eth0\n"
	"ip link set eth0 up\n"
	"ip addr add 10.0.0.1/24 dev eth0\n"
	"ip link add eth1\n"
	"ip link set eth1 up\n"
	"ip addr add 192.168.1.1/24 dev eth1\n"
	"ip route add default via 10.0.0.254\n"
	"ip route add blackhole 203.0.113.0/24\n";

static bool rpf_on(struct nfu_net *net, const char *opts, uint32_t src,
		   uint32_t dst, const char *in)
{
	char text[256];
	struct nfu_error err;
	struct nfu_pkt *pkt;
	struct rule r;
	bool m = false;

	snprintf(text, sizeof(text), "-t raw PREROUTING -m rpfilter%s", opts);
	if (parse_rule(text, &r, &err)) {
		HARNESS_FAIL("%s: %s", text, err.msg);
		free(r.data);
		return false;
	}
	pkt = ip_pkt(net, src, dst, 64, 17, NULL, 0);
	if (pkt) {
		m = match_on(net, &r, pkt, in, NULL);
		nfu_pkt_free(pkt);
	}
	free(r.data);
	return m;
}

static void test_rpfilter_match(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;
	uint32_t me = NFU_IP(10, 0, 0, 1);

	REQUIRE(net != NULL);
	REQUIRE(nfu_topology_load(net, topo, strlen(topo), "topo", &err) == 0);
	/* strict: the route back must leave by the input device */
	CHECK(rpf_on(net, "", NFU_IP(192, 168, 1, 7), me, "eth1"));
	CHECK(!rpf_on(net, "", NFU_IP(192, 168, 1, 7), me, "eth0"));
	CHECK(rpf_on(net, "", NFU_IP(8, 8, 8, 8), me, "eth0"));
	CHECK(!rpf_on(net, "", NFU_IP(8, 8, 8, 8), me, "eth1"));
	CHECK(rpf_on(net, " --invert", NFU_IP(8, 8, 8, 8), me, "eth1"));
	/* loose: any route will do, but not a blackhole */
	CHECK(rpf_on(net, " --loose", NFU_IP(8, 8, 8, 8), me, "eth1"));
	CHECK(!rpf_on(net, " --loose", NFU_IP(203, 0, 113, 5), me, "eth0"));
	/* a local source needs --accept-local */
	CHECK(!rpf_on(net, " --loose", NFU_IP(192, 168, 1, 1), me, "eth0"));
	CHECK(rpf_on(net, " --loose --accept-local", NFU_IP(192, 168, 1, 1), me, "eth0"));
	/* loopback, and DHCP's 0.0.0.0 -> broadcast, always pass */
	CHECK(rpf_on(net, "", NFU_IP(8, 8, 8, 8), me, "lo"));
	CHECK(rpf_on(net, "", 0, 0xffffffffu, "eth1"));
	CHECK(!rpf_on(net, " --invert", 0, 0xffffffffu, "eth1"));
	nfu_net_free(net);
}

static bool hl_at(struct nfu_net *net, struct rule *r, uint64_t ns,
		  uint32_t src)
{
	struct nfu_pkt *pkt;
	bool m = false;

	nfu_net_set_time(net, ns);
	pkt = ip_pkt(net, src, NFU_IP(10, 0, 0, 1), 64, 17, NULL, 0);
	if (pkt) {
		m = match_on(net, r, pkt, "lo", NULL);
		nfu_pkt_free(pkt);
	}
	return m;
}

#define MS 1000000ull

/*
 * By hand, at 250 ticks of 4 ms a second and 2^39 credits a tick:
 * '--hashlimit-upto 2/sec --hashlimit-burst 3': avg = 1000000 / 2 =
 * 500000, cost = 500000 * (250 * 2^39 / 1000000 = 137438953) =
 * 68719476500000, a full bucket three times that.  A packet costs
 * 124.99... ticks: 124 (496 ms) give 68169720922112, too few; 125
 * (500 ms) enough.  Each source has its bucket; the bucket of a source
 * silent for the expiry (1000 ms, the rate's unit) starts full again.
 */
static void test_hashlimit_buckets(void)
{
	struct nfu_net *net = nfu_net_new();
	uint32_t a = NFU_IP(192, 0, 2, 1), b = NFU_IP(192, 0, 2, 2);
	uint64_t t0 = 1000 * SEC;
	struct rule up, above, dst;

	REQUIRE(net != NULL);
	load(net, &up, "INPUT -m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 3 --hashlimit-mode srcip --hashlimit-name t");
	/* the same name: the same table, made by the first rule */
	load(net, &above, "INPUT -m hashlimit --hashlimit-above 2/sec --hashlimit-burst 3 --hashlimit-mode srcip --hashlimit-name t");
	load(net, &dst, "INPUT -m hashlimit --hashlimit-above 1/min --hashlimit-burst 1 --hashlimit-mode dstip --hashlimit-name d");
	if (!up.data || !above.data || !dst.data)
		goto out;
	CHECK(hl_at(net, &up, t0, a));
	CHECK(hl_at(net, &up, t0, a));
	CHECK(hl_at(net, &up, t0 + 1 * MS, a));
	CHECK(!hl_at(net, &up, t0 + 2 * MS, a));
	/* another source is another bucket */
	CHECK(hl_at(net, &up, t0 + 2 * MS, b));
	CHECK(!hl_at(net, &up, t0 + 496 * MS, a));
	CHECK(!hl_at(net, &up, t0 + 499 * MS + 999999, a));
	CHECK(hl_at(net, &up, t0 + 500 * MS, a));
	/* "above" matches what is over the rate, in the shared bucket */
	CHECK(hl_at(net, &above, t0 + 500 * MS, a));
	CHECK(!hl_at(net, &above, t0 + 1000 * MS, a));
	/* 1.5 s of silence, past the expiry: full again, three */
	CHECK(hl_at(net, &up, t0 + 2500 * MS, a));
	CHECK(hl_at(net, &up, t0 + 2500 * MS, a));
	CHECK(hl_at(net, &up, t0 + 2500 * MS, a));
	CHECK(!hl_at(net, &up, t0 + 2500 * MS, a));
	/* keyed by destination: every source shares it */
	CHECK(!hl_at(net, &dst, t0, a));
	CHECK(hl_at(net, &dst, t0, b));
	CHECK(hl_at(net, &dst, t0 + 59 * SEC, a));
	CHECK(!hl_at(net, &dst, t0 + 60 * SEC + 60 * SEC, b));
out:
	free(up.data);
	free(above.data);
	free(dst.data);
	nfu_net_free(net);
}

/* The match's answer with the packet's fate: -1 hotdrop, else 0 or 1. */
static int hl_fate(struct nfu_net *net, struct rule *r, uint64_t ns,
		   uint32_t src)
{
	struct nfu_xt_par par = { .net = net, .thoff = 20 };
	struct nfu_pkt *pkt;
	bool m;

	nfu_net_set_time(net, ns);
	pkt = ip_pkt(net, src, NFU_IP(10, 0, 0, 1), 64, 17, NULL, 0);
	if (!pkt)
		return -2;
	par.in = nfu_dev_by_name(net, "lo");
	m = r->ops->match(pkt, &par, r->data);
	nfu_pkt_free(pkt);
	return par.hotdrop ? -1 : m;
}

/*
 * The collector (Linux's htable_gc()): a table of at most 2 buckets,
 * made at time 0, collected every second (--hashlimit-htable-gcinterval
 * 1000) from then; buckets expire 200 ms after their last packet, and a
 * bucket holds one packet an hour.  A new key that finds the table full
 * is dropped (hotdrop) until a collection frees expired buckets; an
 * expired bucket not yet collected is still the key's, refilled as
 * usual (not renewed).
 */
static void test_hashlimit_gc(void)
{
	struct nfu_net *net = nfu_net_new();
	uint32_t a = NFU_IP(192, 0, 2, 1), b = NFU_IP(192, 0, 2, 2);
	uint32_t c = NFU_IP(192, 0, 2, 3), d = NFU_IP(192, 0, 2, 4);
	struct rule r;

	REQUIRE(net != NULL);
	load(net, &r, "INPUT -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 1 --hashlimit-mode srcip --hashlimit-name g --hashlimit-htable-size 1 --hashlimit-htable-max 2 --hashlimit-htable-expire 200 --hashlimit-htable-gcinterval 1000");
	if (!r.data)
		goto out;
	CHECK(hl_fate(net, &r, 1040 * MS, a) == 1);
	CHECK(hl_fate(net, &r, 1040 * MS, b) == 1);
	CHECK(hl_fate(net, &r, 1040 * MS, c) == -1);
	/* a and b expired at 1240 ms; the next collection is at 2000 */
	CHECK(hl_fate(net, &r, 1600 * MS, c) == -1);
	CHECK(hl_fate(net, &r, 1600 * MS, a) == 0);
	CHECK(hl_fate(net, &r, 1996 * MS, d) == -1);
	/* collected: both go (a's expiry was 1800 ms), two new buckets */
	CHECK(hl_fate(net, &r, 2000 * MS, c) == 1);
	CHECK(hl_fate(net, &r, 2000 * MS, a) == 1);
	CHECK(hl_fate(net, &r, 2000 * MS, d) == -1);
	CHECK(hl_fate(net, &r, 2000 * MS, a) == 0);
	/* an hour of silence, some 3,600 collections due: one pass */
	CHECK(hl_fate(net, &r, 3700 * SEC, d) == 1);
	CHECK(hl_fate(net, &r, 3700 * SEC, b) == 1);
	CHECK(hl_fate(net, &r, 3700 * SEC, c) == -1);
	/* the collections keep their phase: at 3700.999 s none has run
	 * since 3700 s, at 3701 s one has */
	CHECK(hl_fate(net, &r, 3700 * SEC + 999 * MS, c) == -1);
	CHECK(hl_fate(net, &r, 3701 * SEC, c) == 1);
out:
	free(r.data);
	nfu_net_free(net);
}

/*
 * Many keys in a table of 7 chains: each keeps its own bucket (a burst of
 * 2 an hour: two packets pass, the third does not), whatever chain it
 * shares.
 */
static void test_hashlimit_chains(void)
{
	struct nfu_net *net = nfu_net_new();
	struct rule r;

	REQUIRE(net != NULL);
	load(net, &r, "INPUT -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-name ch --hashlimit-htable-size 7 --hashlimit-htable-max 1000");
	if (!r.data)
		goto out;
	for (unsigned int round = 0; round < 3; round++)
		for (uint32_t i = 0; i < 500; i++)
			CHECK(hl_fate(net, &r, 10 * SEC, NFU_IP(10, 3, 0, 0) + i) ==
			      (round < 2));
	/* the table holds 1000: 500 more keys fit, the next does not */
	for (uint32_t i = 500; i < 1000; i++)
		CHECK(hl_fate(net, &r, 10 * SEC, NFU_IP(10, 3, 0, 0) + i) == 1);
	CHECK(hl_fate(net, &r, 10 * SEC, NFU_IP(10, 4, 0, 0)) == -1);
out:
	free(r.data);
	nfu_net_free(net);
}

/* Rate-match: windows of a second at 2/s with a burst of 1 (2 + 1 a
 * window); a window over the rate fails the next one whole.  A table is
 * rate-match or not for all its rules (Linux 6.18 refuses a mix). */
static void test_hashlimit_rate_match(void)
{
	struct nfu_net *net = nfu_net_new();
	uint32_t a = NFU_IP(192, 0, 2, 1);
	uint64_t t0 = 3000 * SEC;
	struct nfu_error err;
	struct rule rm, plain, mixed;
	bool common;

	REQUIRE(net != NULL);
	load(net, &rm, "INPUT -m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 1 --hashlimit-mode srcip --hashlimit-name rm --hashlimit-rate-match");
	load(net, &plain, "INPUT -m hashlimit --hashlimit-upto 2/sec --hashlimit-name p");
	if (!rm.data || !plain.data)
		goto out;
	REQUIRE(parse_rule("INPUT -m hashlimit --hashlimit-upto 2/sec --hashlimit-name p --hashlimit-rate-match", &mixed, &err) == 0);
	CHECK(check_rule(net, &mixed, &common, &err) == -EINVAL);
	free(mixed.data);
	REQUIRE(parse_rule("INPUT -m hashlimit --hashlimit-upto 2/sec --hashlimit-name rm", &mixed, &err) == 0);
	CHECK(check_rule(net, &mixed, &common, &err) == -EINVAL);
	free(mixed.data);

	CHECK(hl_at(net, &rm, t0, a));
	CHECK(hl_at(net, &rm, t0 + 10 * MS, a));
	CHECK(hl_at(net, &rm, t0 + 20 * MS, a));
	CHECK(!hl_at(net, &rm, t0 + 30 * MS, a));
	CHECK(!hl_at(net, &rm, t0 + 40 * MS, a));
	/* within the second: still the same window */
	CHECK(!hl_at(net, &rm, t0 + 996 * MS, a));
	/* the next window: 6 in it was over 2/s, so it fails whole */
	CHECK(!hl_at(net, &rm, t0 + 1000 * MS, a));
	CHECK(!hl_at(net, &rm, t0 + 1010 * MS, a));
	/* and the one after that, with 2 in 1 s, is within the rate */
	CHECK(hl_at(net, &rm, t0 + 2000 * MS, a));
out:
	free(rm.data);
	free(plain.data);
	nfu_net_free(net);
}

static void test_connlimit_no_ct(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;
	struct nfu_pkt *pkt;
	struct rule r;

	REQUIRE(net != NULL);
	REQUIRE(parse_rule("INPUT -m connlimit --connlimit-upto 5", &r, &err) == 0);
	pkt = ip_pkt(net, 1, 2, 64, 6, NULL, 0);
	if (pkt) {
		CHECK(!match_on(net, &r, pkt, "lo", NULL));
		nfu_pkt_free(pkt);
	}
	free(r.data);
	nfu_net_free(net);
}

int main(void)
{
	RUN(test_golden_recent);
	RUN(test_golden_owner);
	RUN(test_golden_sctp);
	RUN(test_golden_rpfilter);
	RUN(test_golden_connlimit);
	RUN(test_golden_hashlimit);
	RUN(test_golden_connmark);
	RUN(test_golden_connbytes);
	RUN(test_golden_helper);
	RUN(test_owner_sockets);
	RUN(test_recent_lists);
	RUN(test_recent_mask_reap);
	RUN(test_recent_list_mask);
	RUN(test_recent_reference);
	RUN(test_sctp_match);
	RUN(test_rpfilter_match);
	RUN(test_connlimit_no_ct);
	RUN(test_hashlimit_buckets);
	RUN(test_hashlimit_rate_match);
	RUN(test_hashlimit_gc);
	RUN(test_hashlimit_chains);
	printf("%u golden lines\n", golden_lines);
	return harness_done();
}
