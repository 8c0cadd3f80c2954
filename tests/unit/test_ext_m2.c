/* SPDX-License-Identifier: MIT */
/*
 * test_ext_m2.c - the matches state, conntrack, limit, addrtype, tos and
 * dscp against golden files recorded from iptables-legacy 1.8.9 on Linux
 * 6.18 (tests/unit/data/xt/NAME.golden):
 *   ARGS<TAB>SAVED<TAB>LISTED     the rule (chain first) as given, as
 *                                 iptables-legacy-save printed it, and the
 *                                 match's part of 'iptables -L -n';
 *   ERR<TAB>ARGS<TAB>MSG          refused by iptables with MSG;
 *   CHKERR<TAB>ARGS<TAB>MSG<TAB>LOG  refused by the kernel's checkentry
 *                                 (MSG from iptables, LOG the kernel's line,
 *                                 which nfu's check() must give).
 * Each rule is parsed by calling the ops directly, with libxtables'
 * generic rules (inversion, single use, argument) done here as the core
 * does them; the saved text must come out byte for byte, and parse back to
 * itself.  Then the token bucket of limit on a fake clock against a hand
 * computation, and addrtype on a stack built from a topology.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipv4/ipv4-private.h"
#include "nfu/hook.h"
#include "nfu/net.h"
#include "nfu/pkt.h"
#include "nfu/topology.h"
#include "xtables/xt-private.h"

extern const struct nfu_xt_match_ops nfu_xt_state, nfu_xt_conntrack,
	nfu_xt_limit, nfu_xt_addrtype, nfu_xt_tos, nfu_xt_dscp;

static const struct nfu_xt_match_ops *const all_ops[] = {
	&nfu_xt_state, &nfu_xt_conntrack, &nfu_xt_limit, &nfu_xt_addrtype,
	&nfu_xt_tos, &nfu_xt_dscp, NULL,
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
static int split(const char *s, char argv[][256], int max)
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
				while (*s && *s != '\'' && len < 255)
					argv[n][len++] = *s++;
				if (*s == '\'')
					s++;
			} else if (len < 255) {
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
	char chain[256];
	const struct nfu_xt_match_ops *ops;
	void *data;
};

/* "CHAIN -m NAME OPTIONS…" into 'r' (data allocated); 0 or -EINVAL with
 * 'err' set, as iptables would refuse it. */
static int parse_rule(const char *text, struct rule *r, struct nfu_error *err)
{
	static char argv[MAXARGS][256];
	struct nfu_xt_ip ip = { 0 };
	struct nfu_xt_parse_ctx ctx = {
		.table = "filter", .ip = &ip, .err = err, .prog = "iptables",
	};
	unsigned int seen = 0;
	int argc = split(text, argv, MAXARGS), i, rc;
	bool invert = false;

	memset(err, 0, sizeof(*err));
	memset(r, 0, sizeof(*r));
	if (argc < 3 || strcmp(argv[1], "-m"))
		return nfu_error_set(err, NULL, 0, 0, "bad test line");
	snprintf(r->chain, sizeof(r->chain), "%s", argv[0]);
	r->ops = find_ops(argv[2]);
	if (!r->ops)
		return nfu_error_set(err, NULL, 0, 0, "no match %s", argv[2]);
	r->data = calloc(1, r->ops->size);
	if (!r->data)
		return -ENOMEM;
	if (r->ops->init)
		r->ops->init(r->data);
	for (i = 3; i < argc; i++) {
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
		/* libxtables' xtables_option_parse(), in its order */
		if (!(o->flags & NFU_XTOPT_MULTI) && (seen & (1u << o->id)))
			return nfu_xt_error(&ctx, "%s: option \"--%s\" can only "
					    "be used once.", r->ops->name,
					    o->name);
		if (invert && !(o->flags & NFU_XTOPT_INVERT))
			return nfu_xt_error(&ctx, "%s: option \"--%s\" cannot "
					    "be inverted.", r->ops->name,
					    o->name);
		if (o->flags & NFU_XTOPT_ARG) {
			if (i + 1 >= argc)
				return nfu_xt_error(&ctx, "option \"--%s\" "
						    "requires an argument",
						    o->name);
			arg = argv[++i];
		}
		ctx.option = argv[i];
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

static int check_rule(struct nfu_net *net, struct rule *r,
		      struct nfu_error *err)
{
	struct nfu_xt_ip ip = { 0 };
	struct nfu_xt_check_ctx ctx = {
		.net = net, .table = "filter",
		.hook_mask = NFU_XT_HOOK(chain_hook(r->chain)),
		.ip = &ip, .err = err,
	};

	memset(err, 0, sizeof(*err));
	return r->ops->check ? r->ops->check(&ctx, r->data) : 0;
}

/* "-A CHAIN -m NAME" and the save text. */
static void save_rule(const struct rule *r, char *out, size_t len)
{
	struct nfu_strbuf sb;

	nfu_sb_init(&sb);
	nfu_sb_printf(&sb, "-A %s -m %s", r->chain, r->ops->name);
	r->ops->save(r->data, NULL, &sb);
	snprintf(out, len, "%s", sb.s ? sb.s : "");
	nfu_sb_free(&sb);
}

static void print_rule(const struct rule *r, char *out, size_t len)
{
	struct nfu_strbuf sb;

	nfu_sb_init(&sb);
	if (r->ops->print)
		r->ops->print(r->data, NULL, true, &sb);
	snprintf(out, len, "%s", sb.s ? sb.s : "");
	nfu_sb_free(&sb);
}

static unsigned int golden_lines;

static void run_golden(const char *name)
{
	char path[256], line[4096];
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
				rc = check_rule(net, &r, &err);
				CHECK(rc < 0);
				if (strcmp(err.msg, fld[3]))
					HARNESS_FAIL("%s: check \"%s\" != \"%s\"",
						     fld[1], err.msg, fld[3]);
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
		rc = check_rule(net, &r, &err);
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
		rc = parse_rule(saved + 3, &r2, &err);
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

static void test_golden_state(void) { run_golden("state"); }
static void test_golden_conntrack(void) { run_golden("conntrack"); }
static void test_golden_limit(void) { run_golden("limit"); }
static void test_golden_addrtype(void) { run_golden("addrtype"); }
static void test_golden_tos(void) { run_golden("tos"); }
static void test_golden_dscp(void) { run_golden("dscp"); }

/* A packet without a connection is INVALID (Linux's conntrack_mt()), and
 * nothing is touched.  The matches on tracked packets: test_ct_xt.c. */
static void test_conntrack_no_match(void)
{
	static const struct {
		const char *rule;
		bool match;
	} rules[] = {
		{ "INPUT -m state --state NEW", false },
		{ "INPUT -m state ! --state NEW", true },
		{ "INPUT -m conntrack --ctstate INVALID,UNTRACKED", true },
		{ "INPUT -m conntrack --ctstate UNTRACKED", false },
		{ "INPUT -m conntrack ! --ctstate NEW", true },
		{ "INPUT -m conntrack --ctdir ORIGINAL", false },
	};
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;

	REQUIRE(net != NULL);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		unsigned char ip[20] = { 0x45 };
		struct nfu_xt_par par = { .net = net };
		struct nfu_pkt *pkt;
		struct rule r;

		CHECK_INT(parse_rule(rules[i].rule, &r, &err), 0);
		pkt = nfu_pkt_from_bytes(net, ip, sizeof(ip));
		if (pkt) {
			nfu_pkt_reset_network_header(pkt);
			CHECK(r.ops->match(pkt, &par, r.data) == rules[i].match);
			CHECK(!par.hotdrop);
			nfu_pkt_free(pkt);
		}
		free(r.data);
	}
	nfu_net_free(net);
}

static bool limit_at(struct nfu_net *net, struct rule *r, uint64_t ns)
{
	struct nfu_xt_par par = { .net = net, .hooknum = NFU_INET_LOCAL_IN };

	nfu_net_set_time(net, ns);
	return r->ops->match(NULL, &par, r->data);
}

#define MS 1000000ull

/*
 * By hand, with 250 ticks of 4 ms a second and 128 credits a tick (the
 * power of two below 0xFFFFFFFF / (250 * 86400) = 198):
 * '--limit 2/sec --limit-burst 3': avg = 10000 / 2 = 5000,
 * cost = 5000 * 250 * 128 / 10000 = 16000, cap = credit = 3 * 16000.
 * Three packets pass at once, the fourth not; a packet costs 125 ticks
 * (500 ms): at +496 ms (124 ticks, 15872 credits) none, at +500 ms one.
 */
static void test_limit_bucket(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;
	struct rule r;
	uint64_t t0 = 1000 * MS;

	REQUIRE(net != NULL);
	REQUIRE(parse_rule("INPUT -m limit --limit 2/sec --limit-burst 3", &r,
			   &err) == 0);
	nfu_net_set_time(net, t0);
	CHECK_INT(check_rule(net, &r, &err), 0);
	CHECK(limit_at(net, &r, t0));
	CHECK(limit_at(net, &r, t0));
	CHECK(limit_at(net, &r, t0 + 1 * MS));
	CHECK(!limit_at(net, &r, t0 + 2 * MS));
	/* t0 + 496 ms: 124 ticks since t0 → 15872 < 16000 */
	CHECK(!limit_at(net, &r, t0 + 496 * MS));
	/* +3.999 ms more is still tick 124 */
	CHECK(!limit_at(net, &r, t0 + 499 * MS + 999999));
	/* tick 125: 16000 credits */
	CHECK(limit_at(net, &r, t0 + 500 * MS));
	CHECK(!limit_at(net, &r, t0 + 500 * MS));
	/* 10 s later the bucket is full again (capped): three, no more */
	CHECK(limit_at(net, &r, t0 + 10500 * MS));
	CHECK(limit_at(net, &r, t0 + 10500 * MS));
	CHECK(limit_at(net, &r, t0 + 10500 * MS));
	CHECK(!limit_at(net, &r, t0 + 10500 * MS));
	/* a clock that goes back gives nothing and takes nothing */
	CHECK(!limit_at(net, &r, t0));
	CHECK(!limit_at(net, &r, t0 + 10500 * MS));
	/* 1.5 s: 375 ticks, 48000 credits: three */
	CHECK(limit_at(net, &r, t0 + 12000 * MS));
	CHECK(limit_at(net, &r, t0 + 12000 * MS));
	CHECK(limit_at(net, &r, t0 + 12000 * MS));
	CHECK(!limit_at(net, &r, t0 + 12000 * MS));
	free(r.data);

	/* The default, 3/hour burst 5: cost = (12000000 / 10000) * 32000
	 * = 38400000 (divided first: 12000000 > 134217), 300 000 ticks
	 * (20 min) a packet. */
	REQUIRE(parse_rule("INPUT -m limit", &r, &err) == 0);
	nfu_net_set_time(net, t0);
	CHECK_INT(check_rule(net, &r, &err), 0);
	for (int i = 0; i < 5; i++)
		CHECK(limit_at(net, &r, t0));
	CHECK(!limit_at(net, &r, t0));
	CHECK(!limit_at(net, &r, t0 + 1200000 * MS - 4 * MS));
	CHECK(limit_at(net, &r, t0 + 1200000 * MS));
	CHECK(!limit_at(net, &r, t0 + 1200000 * MS));
	free(r.data);
	nfu_net_free(net);
}

static const char topo[] =
	"ip link add eth0\n"
	"ip link set eth0 up\n"
	"ip addr add 10.0.0.1/24 dev eth0\n"
	"ip link add eth1\n"
	"ip link set eth1 up\n"
	"ip addr add 192.168.1.1/24 dev eth1\n"
	"ip route add default via 10.0.0.254\n"
	"ip route add blackhole 203.0.113.0/24\n"
	"ip route add unreachable 198.51.100.0/24\n"
	"ip route add prohibit 192.0.2.0/24\n";

static bool addrtype_on(struct nfu_net *net, const char *rule, uint32_t src,
			uint32_t dst, const char *in, const char *out)
{
	unsigned char b[20] = { 0x45 };
	struct nfu_xt_par par = { .net = net };
	struct nfu_error err;
	struct nfu_pkt *pkt;
	struct rule r;
	bool m = false;

	src = __builtin_bswap32(src);
	dst = __builtin_bswap32(dst);
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &dst, 4);
	par.in = in ? nfu_dev_by_name(net, in) : NULL;
	par.out = out ? nfu_dev_by_name(net, out) : NULL;
	if (parse_rule(rule, &r, &err)) {
		HARNESS_FAIL("%s: %s", rule, err.msg);
		free(r.data);
		return false;
	}
	pkt = nfu_pkt_from_bytes(net, b, sizeof(b));
	if (pkt) {
		nfu_pkt_reset_network_header(pkt);
		m = r.ops->match(pkt, &par, r.data);
		nfu_pkt_free(pkt);
	}
	free(r.data);
	return m;
}

#define DST(t) "INPUT -m addrtype --dst-type " t
#define ANY NFU_IP(1, 2, 3, 4)

static void test_addrtype_match(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;

	REQUIRE(net != NULL);
	REQUIRE(nfu_topology_load(net, topo, strlen(topo), "topo", &err) == 0);
	/* the type of each kind of destination */
	CHECK(addrtype_on(net, DST("LOCAL"), ANY, NFU_IP(10, 0, 0, 1), NULL, NULL));
	CHECK(addrtype_on(net, DST("LOCAL"), ANY, NFU_IP(127, 0, 0, 1), NULL, NULL));
	CHECK(addrtype_on(net, DST("LOCAL"), ANY, NFU_IP(127, 9, 9, 9), NULL, NULL));
	CHECK(addrtype_on(net, DST("BROADCAST"), ANY, NFU_IP(10, 0, 0, 255), NULL, NULL));
	CHECK(addrtype_on(net, DST("BROADCAST"), ANY, NFU_IP(255, 255, 255, 255), NULL, NULL));
	CHECK(addrtype_on(net, DST("BROADCAST"), ANY, 0, NULL, NULL));
	CHECK(addrtype_on(net, DST("MULTICAST"), ANY, NFU_IP(224, 0, 0, 1), NULL, NULL));
	CHECK(addrtype_on(net, DST("UNICAST"), ANY, NFU_IP(10, 0, 0, 5), NULL, NULL));
	CHECK(addrtype_on(net, DST("UNICAST"), ANY, NFU_IP(8, 8, 8, 8), NULL, NULL));
	/* behind a blackhole, unreachable or prohibit route an address is
	 * UNICAST: inet_dev_addr_type() takes the lookup's error for "no
	 * route" (Linux 6.18, random conformance scenarios kept) */
	CHECK(!addrtype_on(net, DST("BLACKHOLE"), ANY, NFU_IP(203, 0, 113, 9), NULL, NULL));
	CHECK(!addrtype_on(net, DST("UNREACHABLE"), ANY, NFU_IP(198, 51, 100, 1), NULL, NULL));
	CHECK(!addrtype_on(net, DST("PROHIBIT"), ANY, NFU_IP(192, 0, 2, 1), NULL, NULL));
	CHECK(addrtype_on(net, DST("UNICAST"), ANY, NFU_IP(203, 0, 113, 9), NULL, NULL));
	CHECK(addrtype_on(net, DST("UNICAST"), ANY, NFU_IP(198, 51, 100, 1), NULL, NULL));
	CHECK(addrtype_on(net, DST("UNICAST"), ANY, NFU_IP(192, 0, 2, 1), NULL, NULL));
	CHECK(!addrtype_on(net, DST("LOCAL"), ANY, NFU_IP(10, 0, 0, 5), NULL, NULL));
	CHECK(!addrtype_on(net, DST("UNICAST"), ANY, NFU_IP(10, 0, 0, 1), NULL, NULL));
	CHECK(addrtype_on(net, DST("LOCAL,UNICAST"), ANY, NFU_IP(10, 0, 0, 5), NULL, NULL));
	/* inversion, source and destination together */
	CHECK(addrtype_on(net, "INPUT -m addrtype ! --dst-type LOCAL", ANY,
			  NFU_IP(8, 8, 8, 8), NULL, NULL));
	CHECK(!addrtype_on(net, "INPUT -m addrtype ! --dst-type LOCAL", ANY,
			   NFU_IP(10, 0, 0, 1), NULL, NULL));
	CHECK(addrtype_on(net, "INPUT -m addrtype --src-type UNICAST "
			  "--dst-type LOCAL", NFU_IP(8, 8, 4, 4),
			  NFU_IP(192, 168, 1, 1), NULL, NULL));
	CHECK(!addrtype_on(net, "INPUT -m addrtype --src-type LOCAL "
			   "--dst-type LOCAL", NFU_IP(8, 8, 4, 4),
			   NFU_IP(192, 168, 1, 1), NULL, NULL));
	CHECK(addrtype_on(net, "INPUT -m addrtype ! --src-type LOCAL "
			  "! --dst-type BROADCAST", NFU_IP(8, 8, 4, 4),
			  NFU_IP(192, 168, 1, 1), NULL, NULL));
	/* --limit-iface-in: the local route of 10.0.0.1 is eth0's */
	CHECK(addrtype_on(net, DST("LOCAL --limit-iface-in"), ANY,
			  NFU_IP(10, 0, 0, 1), "eth0", NULL));
	CHECK(!addrtype_on(net, DST("LOCAL --limit-iface-in"), ANY,
			   NFU_IP(10, 0, 0, 1), "eth1", NULL));
	CHECK(addrtype_on(net, DST("UNICAST --limit-iface-in"), ANY,
			  NFU_IP(10, 0, 0, 1), "eth1", NULL));
	CHECK(addrtype_on(net, DST("LOCAL --limit-iface-in"), ANY,
			  NFU_IP(192, 168, 1, 1), "eth1", NULL));
	CHECK(addrtype_on(net, DST("BROADCAST --limit-iface-out"), ANY,
			  NFU_IP(255, 255, 255, 255), NULL, "eth1"));
	CHECK(addrtype_on(net, DST("UNICAST --limit-iface-out"), ANY,
			  NFU_IP(10, 0, 0, 9), NULL, "eth1"));
	CHECK(addrtype_on(net, DST("UNICAST --limit-iface-out"), ANY,
			  NFU_IP(10, 0, 0, 9), NULL, "eth0"));
	nfu_net_free(net);
}

static bool tos_on(const char *rule, uint8_t tos)
{
	unsigned char b[20] = { 0x45, tos };
	struct nfu_net *net = nfu_net_new();
	struct nfu_xt_par par = { .net = net };
	struct nfu_error err;
	struct nfu_pkt *pkt;
	struct rule r;
	bool m = false;

	if (!net || parse_rule(rule, &r, &err)) {
		HARNESS_FAIL("%s: %s", rule, err.msg);
		nfu_net_free(net);
		return false;
	}
	pkt = nfu_pkt_from_bytes(net, b, sizeof(b));
	if (pkt) {
		nfu_pkt_reset_network_header(pkt);
		m = r.ops->match(pkt, &par, r.data);
		nfu_pkt_free(pkt);
	}
	free(r.data);
	nfu_net_free(net);
	return m;
}

static void test_tos_dscp_match(void)
{
	CHECK(tos_on("INPUT -m tos --tos Minimize-Delay", 0x10));
	/* a name's mask 0x3f leaves the two top bits out, not the low ones */
	CHECK(tos_on("INPUT -m tos --tos Minimize-Delay", 0xd0));
	CHECK(!tos_on("INPUT -m tos --tos Minimize-Delay", 0x13));
	CHECK(tos_on("INPUT -m tos --tos 0x10", 0x10));
	CHECK(!tos_on("INPUT -m tos --tos 0x10", 0x11));
	CHECK(tos_on("INPUT -m tos ! --tos 0x10", 0x11));
	CHECK(tos_on("INPUT -m tos --tos 0x10/0x1c", 0xf3));
	CHECK(tos_on("INPUT -m dscp --dscp 0x2e", 0xb8));
	CHECK(tos_on("INPUT -m dscp --dscp-class EF", 0xbb));
	CHECK(!tos_on("INPUT -m dscp --dscp-class EF", 0xb4));
	CHECK(tos_on("INPUT -m dscp ! --dscp-class AF11", 0xb8));
	CHECK(!tos_on("INPUT -m dscp ! --dscp-class AF11", 0x28));
}

int main(void)
{
	RUN(test_golden_state);
	RUN(test_golden_conntrack);
	RUN(test_golden_limit);
	RUN(test_golden_addrtype);
	RUN(test_golden_tos);
	RUN(test_golden_dscp);
	RUN(test_conntrack_no_match);
	RUN(test_limit_bucket);
	RUN(test_addrtype_match);
	RUN(test_tos_dscp_match);
	printf("%u golden lines\n", golden_lines);
	return harness_done();
}
