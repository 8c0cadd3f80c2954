/* SPDX-License-Identifier: MIT */
/*
 * test_ct_xt.c - the extensions that read or steer connection tracking,
 * on packets: state, conntrack, connmark and CONNMARK, NOTRACK and CT
 * (--notrack, --zone, --helper), connlimit, connbytes, helper, and the
 * start of conntrack by their check() (SNAT, DNAT and MASQUERADE too).
 *
 * Each test builds the two-network host of ipv4_scene.h (A on e0, B on
 * e1, forwarding on), restores a ruleset with nfu_xt_restore() and
 * nfu_xt_commit(), feeds frames with nfu_rx() on the stack's clock and
 * reads the rules' counters from nfu_xt_save() with counters.  What the
 * counters must be is Linux 6.18's (xt_conntrack.c, xt_connmark.c,
 * xt_CT.c, xt_connlimit.c/nf_conncount.c, xt_connbytes.c, xt_helper.c);
 * the same rulesets against the kernel are the ct-* conformance
 * scenarios.
 */
#include <errno.h>

#include "conntrack/ct-private.h"
#include "ipv4/ipv4-private.h"
#include "ipv4_scene.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

static bool up(void)
{
	return scene_up("sysctl -w net.ipv4.ip_forward=1\n");
}

static void set_time(double secs)
{
	nfu_net_set_time(sc.net, (uint64_t)(secs * 1e9));
}

/* Restores 'text' over the ruleset in force and commits it. */
static bool load(const char *text)
{
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_clone(nfu_xt_current(sc.net));
	struct nfu_error err = { 0 };

	if (!rs || nfu_xt_restore(rs, text, strlen(text), 0, NULL, &err) ||
	    nfu_xt_commit(sc.net, rs, &err)) {
		HARNESS_FAIL("load: %s", err.msg);
		nfu_xt_ruleset_free(rs);
		return false;
	}
	return true;
}

/* The packets counted by the rule of 'table' whose saved text is 'rule'
 * ("-A FORWARD -m state --state NEW"), or by the policy of 'rule' when it
 * is ":CHAIN"; -1 when there is no such line. */
static long long pkts(const char *table, const char *rule)
{
	struct nfu_strbuf sb;
	long long n = -1;
	char *line;

	nfu_sb_init(&sb);
	nfu_xt_save(nfu_xt_current(sc.net), table, true, &sb);
	for (line = sb.s; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		unsigned long long p, b;
		char *rest;

		if (rule[0] == ':' && !strncmp(line, rule, strlen(rule)) &&
		    line[strlen(rule)] == ' ') {
			rest = strchr(line, '[');
			if (rest && sscanf(rest, "[%llu:%llu]", &p, &b) == 2)
				n = (long long)p;
			break;
		}
		rest = line[0] == '[' ? strchr(line, ' ') : NULL;
		if (rest && (size_t)(rest + 1 - line) + strlen(rule) == len &&
		    !strncmp(rest + 1, rule, strlen(rule)) &&
		    sscanf(line, "[%llu:%llu]", &p, &b) == 2) {
			n = (long long)p;
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (n < 0)
		HARNESS_FAIL("no line `%s' in table %s:\n%s", rule, table,
			     sb.s ? sb.s : "");
	nfu_sb_free(&sb);
	return n;
}

#define CHECK_PKTS(table, rule, n) CHECK_INT(pkts(table, rule), n)

static struct nfu_ct_net *cn(void)
{
	return sc.net->ct;
}

static void udp(int ifx, uint32_t s, uint32_t d, unsigned int sp,
		unsigned int dp, size_t dlen)
{
	uint8_t p[1600];

	scene_rx(ifx, p, build_udp(p, s, d, sp, dp, dlen));
}

static struct nfu_ct *find_udp(uint32_t s, uint32_t d, unsigned int sp,
			       unsigned int dp, uint16_t zone)
{
	struct nfu_ct_tuple t = { 0 };

	t.src = __builtin_bswap32(s);
	t.dst = __builtin_bswap32(d);
	t.sport = __builtin_bswap16((uint16_t)sp);
	t.dport = __builtin_bswap16((uint16_t)dp);
	t.proto = 17;
	return nfu_ct_find(cn(), &t, zone, NULL);
}

/*
 * state: a stateful FORWARD with policy DROP.
 */
static void test_state_udp(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(up());
	REQUIRE(load("*filter\n"
		     ":INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT\n"
		     "-A FORWARD -p udp -m udp --dport 53 -m state --state NEW -j ACCEPT\n"
		     "-A FORWARD -m state --state INVALID -j DROP\n"
		     "COMMIT\n"));
	CHECK(cn() && cn()->enabled);
	set_time(1);
	udp(E0, IP_A, IP_B, 40000, 53, 10);      /* NEW, allowed */
	udp(E1, IP_B, IP_A, 53, 40000, 10);      /* its reply */
	udp(E0, IP_A, IP_B, 40000, 53, 10);      /* ESTABLISHED */
	udp(E0, IP_A, IP_B, 40001, 54, 10);      /* NEW, not allowed */
	udp(E1, IP_B, IP_A, 54, 40001, 10);      /* NEW too: 54 left no entry */
	n = build_udp(p, IP_A, IP_B, 40002, 53, 10);
	p[27] ^= 1;                              /* a bad checksum: INVALID */
	scene_rx(E0, p, n);
	CHECK_PKTS("filter", "-A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT", 2);
	CHECK_PKTS("filter", "-A FORWARD -p udp -m udp --dport 53 -m state --state NEW -j ACCEPT", 1);
	CHECK_PKTS("filter", "-A FORWARD -m state --state INVALID -j DROP", 1);
	CHECK_PKTS("filter", ":FORWARD", 2);
	CHECK_INT(sc.nout, 3);
	CHECK_INT(cn()->confirmed, 1);
	scene_down();
}

/* ICMP: echo both ways, errors about a flow RELATED, errors about nothing
 * INVALID, a reply without its request INVALID. */
static void test_state_icmp(void)
{
	uint8_t p[200], q[200];
	size_t n, qn;

	REQUIRE(up());
	REQUIRE(load("*filter\n"
		     ":INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m state --state ESTABLISHED -j ACCEPT\n"
		     "-A FORWARD -m state --state RELATED -j ACCEPT\n"
		     "-A FORWARD -i e0 -m state --state NEW -j ACCEPT\n"
		     "-A FORWARD -m state --state INVALID\n"
		     "COMMIT\n"));
	set_time(1);
	scene_rx(E0, p, build_echo(p, IP_A, IP_B, 7, 1, 16)); /* NEW */
	n = build_icmp(p, IP_B, IP_A, 0, 0, 7u << 16 | 1, NULL, 16);
	scene_rx(E1, p, n);                                   /* ESTABLISHED */
	udp(E0, IP_A, IP_B, 1000, 2000, 8);                   /* NEW */
	/* B's port unreachable about it: RELATED */
	qn = build_udp(q, IP_A, IP_B, 1000, 2000, 8);
	scene_rx(E1, p, build_icmp(p, IP_B, IP_A, 3, 3, 0, q, qn));
	/* the same about a flow that never was: INVALID, dropped */
	qn = build_udp(q, IP_A, IP_B, 1001, 2000, 8);
	scene_rx(E1, p, build_icmp(p, IP_B, IP_A, 3, 3, 0, q, qn));
	/* an echo reply without a request: INVALID */
	scene_rx(E1, p, build_icmp(p, IP_B, IP_A, 0, 0, 9u << 16 | 1, NULL, 8));
	CHECK_PKTS("filter", "-A FORWARD -m state --state ESTABLISHED -j ACCEPT", 1);
	CHECK_PKTS("filter", "-A FORWARD -m state --state RELATED -j ACCEPT", 1);
	CHECK_PKTS("filter", "-A FORWARD -i e0 -m state --state NEW -j ACCEPT", 2);
	CHECK_PKTS("filter", "-A FORWARD -m state --state INVALID", 2);
	CHECK_INT(sc.nout, 4);
	scene_down();
}

/*
 * conntrack: each option against a flow seen from both sides.
 */
static void test_conntrack_options(void)
{
	static const struct {
		const char *rule;
		long long n;
	} want[] = {
		/* 1 NEW orig, 2 ESTABLISHED reply, 3 ESTABLISHED orig */
		{ "-A FORWARD -m conntrack --ctstate NEW", 1 },
		{ "-A FORWARD -m conntrack ! --ctstate NEW", 2 },
		{ "-A FORWARD -m conntrack --ctstate ESTABLISHED", 2 },
		{ "-A FORWARD -m conntrack --ctstate INVALID,UNTRACKED", 0 },
		{ "-A FORWARD -m conntrack --ctstate SNAT", 0 },
		{ "-A FORWARD -m conntrack ! --ctstate DNAT", 3 },
		{ "-A FORWARD -m conntrack --ctdir ORIGINAL", 2 },
		{ "-A FORWARD -m conntrack --ctdir REPLY", 1 },
		{ "-A FORWARD -m conntrack --ctproto 17", 3 },
		{ "-A FORWARD -m conntrack ! --ctproto 17", 0 },
		{ "-A FORWARD -m conntrack --ctorigsrc 10.0.0.2", 3 },
		{ "-A FORWARD -m conntrack --ctorigsrc 10.0.0.0/24", 3 },
		{ "-A FORWARD -m conntrack --ctorigsrc 10.0.1.0/24", 0 },
		{ "-A FORWARD -m conntrack ! --ctorigdst 10.0.1.2", 0 },
		{ "-A FORWARD -m conntrack --ctreplsrc 10.0.1.2", 3 },
		{ "-A FORWARD -m conntrack --ctrepldst 10.0.0.0/24", 3 },
		{ "-A FORWARD -m conntrack --ctorigsrcport 40000", 3 },
		{ "-A FORWARD -m conntrack --ctorigdstport 50:60", 3 },
		{ "-A FORWARD -m conntrack ! --ctorigdstport 50:60", 0 },
		{ "-A FORWARD -m conntrack --ctreplsrcport 53", 3 },
		{ "-A FORWARD -m conntrack --ctrepldstport 40001:65535", 0 },
		/* conntrack sets SEEN_REPLY before the rules see the reply */
		{ "-A FORWARD -m conntrack --ctstatus SEEN_REPLY", 2 },
		{ "-A FORWARD -m conntrack --ctstatus CONFIRMED", 2 },
		{ "-A FORWARD -m conntrack ! --ctstatus EXPECTED", 3 },
		{ "-A FORWARD -m conntrack --ctstatus NONE", 0 },
		{ "-A FORWARD -m conntrack ! --ctstatus NONE", 3 },
		/* the first packet's connection is unconfirmed: 0 s left (as
		 * Linux, whose unconfirmed timeout is still relative); then
		 * each packet has just made it 30 s */
		{ "-A FORWARD -m conntrack --ctexpire 0", 1 },
		{ "-A FORWARD -m conntrack --ctexpire 30", 2 },
		{ "-A FORWARD -m conntrack ! --ctexpire 1:30", 1 },
		{ "-A FORWARD -m conntrack --ctstate ESTABLISHED --ctproto 17 --ctorigsrc 10.0.0.2 --ctreplsrcport 53 --ctdir REPLY", 1 },
	};
	char text[8192];
	size_t off;

	REQUIRE(up());
	off = (size_t)snprintf(text, sizeof(text),
			       "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
			       ":OUTPUT ACCEPT [0:0]\n");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s\n",
					want[i].rule);
	snprintf(text + off, sizeof(text) - off, "COMMIT\n");
	REQUIRE(load(text));
	set_time(10);
	udp(E0, IP_A, IP_B, 40000, 53, 10);
	set_time(11);
	udp(E1, IP_B, IP_A, 53, 40000, 10);
	set_time(12);
	udp(E0, IP_A, IP_B, 40000, 53, 10);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (pkts("filter", want[i].rule) != want[i].n)
			HARNESS_FAIL("%s: %lld packets, want %lld", want[i].rule,
				     pkts("filter", want[i].rule), want[i].n);
	harness_checks++;
	scene_down();
}

/* --ctexpire on the stack's clock: every packet of the flow refreshes its
 * connection before the rules see it, ICMP errors RELATED to it do not;
 * and the ICMP "ports": identifier and type/code, as Linux reads them. */
static void test_conntrack_expire_icmp(void)
{
	uint8_t p[200], q[200];
	size_t qn;

	REQUIRE(up());
	REQUIRE(load("*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
		     ":FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
		     "-A PREROUTING -m conntrack --ctexpire 0\n"
		     "-A PREROUTING -m conntrack --ctexpire 30\n"
		     "-A PREROUTING -m conntrack --ctexpire 20:25\n"
		     "-A PREROUTING -m conntrack --ctexpire 10\n"
		     "-A PREROUTING -m conntrack --ctorigsrcport 7 --ctorigdstport 2048\n"
		     "-A PREROUTING -m conntrack --ctreplsrcport 7 --ctrepldstport 0\n"
		     "COMMIT\n"));
	set_time(100);
	udp(E0, IP_A, IP_B, 1000, 2000, 8);                 /* 0: unconfirmed */
	set_time(101);
	udp(E0, IP_A, IP_B, 1000, 2000, 8);                 /* 30 */
	qn = build_udp(q, IP_A, IP_B, 1000, 2000, 8);
	set_time(108.5);
	scene_rx(E1, p, build_icmp(p, IP_B, IP_A, 3, 3, 0, q, qn)); /* 22 */
	set_time(120.2);
	scene_rx(E1, p, build_icmp(p, IP_B, IP_A, 3, 3, 0, q, qn)); /* 10 */
	CHECK_PKTS("mangle", "-A PREROUTING -m conntrack --ctexpire 0", 1);
	CHECK_PKTS("mangle", "-A PREROUTING -m conntrack --ctexpire 30", 1);
	CHECK_PKTS("mangle", "-A PREROUTING -m conntrack --ctexpire 20:25", 1);
	CHECK_PKTS("mangle", "-A PREROUTING -m conntrack --ctexpire 10", 1);
	set_time(200);
	scene_rx(E0, p, build_echo(p, IP_A, IP_B, 7, 1, 8));
	scene_rx(E0, p, build_echo(p, IP_A, IP_B, 7, 2, 8));
	/* echo request: type 8 code 0 = 2048; the reply's is 0 */
	CHECK_PKTS("mangle", "-A PREROUTING -m conntrack --ctorigsrcport 7 --ctorigdstport 2048", 2);
	CHECK_PKTS("mangle", "-A PREROUTING -m conntrack --ctreplsrcport 7 --ctrepldstport 0", 2);
	scene_down();
}

/*
 * NOTRACK and CT --notrack.
 */
static void test_notrack(void)
{
	REQUIRE(up());
	/* NOTRACK alone does not start conntrack (as Linux's CT --notrack
	 * takes no reference on it) */
	REQUIRE(load("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A PREROUTING -p udp -m udp --dport 99 -j NOTRACK\n"
		     "-A PREROUTING -p udp -m udp --dport 98 -j CT --notrack\n"
		     "COMMIT\n"));
	CHECK(!cn() || !cn()->enabled);
	REQUIRE(load("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m conntrack --ctstate UNTRACKED\n"
		     "-A FORWARD -m state --state UNTRACKED\n"
		     "-A FORWARD -m conntrack --ctstate INVALID\n"
		     "-A FORWARD -m state --state NEW\n"
		     "-A FORWARD -m conntrack ! --ctstate NEW --ctdir ORIGINAL\n"
		     "COMMIT\n"));
	REQUIRE(cn() && cn()->enabled);
	set_time(1);
	udp(E0, IP_A, IP_B, 1000, 99, 8);
	udp(E0, IP_A, IP_B, 1000, 98, 8);
	udp(E0, IP_A, IP_B, 1000, 97, 8);
	CHECK_PKTS("filter", "-A FORWARD -m conntrack --ctstate UNTRACKED", 2);
	CHECK_PKTS("filter", "-A FORWARD -m state --state UNTRACKED", 2);
	CHECK_PKTS("filter", "-A FORWARD -m conntrack --ctstate INVALID", 0);
	CHECK_PKTS("filter", "-A FORWARD -m state --state NEW", 1);
	/* no connection: only the state can match (Linux returns the state
	 * flag's presence) */
	CHECK_PKTS("filter", "-A FORWARD -m conntrack ! --ctstate NEW --ctdir ORIGINAL", 2);
	CHECK_INT(cn()->confirmed, 1); /* only port 97's */
	CHECK(find_udp(IP_A, IP_B, 1000, 99, 0) == NULL);
	scene_down();
}

/*
 * CT --zone: the new connection's zone; the rule's template.
 */
static int cmd(const char *table, const char *line)
{
	struct nfu_xt_ruleset *cur = nfu_xt_current(sc.net);
	struct nfu_xt_rule *rule = nfu_xt_rule_new();
	struct nfu_xt_cmd c;
	struct nfu_error err = { 0 };
	char words[512], *argv[64];
	int argc = 0, rc;

	snprintf(words, sizeof(words), "%s", line);
	for (char *w = strtok(words, " "); w && argc < 63; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	nfu_xt_cmd_init(&c, "iptables", 0, false);
	rc = nfu_xt_parse_rule(argc, argv, table,
			       nfu_xt_ruleset_table(cur, table), rule, &c, &err);
	if (!rc)
		rc = nfu_xt_cmd_commit(sc.net, table, &c, rule, &err);
	nfu_xt_rule_free(rule);
	nfu_xt_cmd_free(&c);
	return rc;
}

static void test_ct_zone(void)
{
	struct nfu_xt_rule *r;
	struct nfu_ct *ct;

	REQUIRE(up());
	REQUIRE(load("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A PREROUTING -i e0 -j CT --zone 5\n"
		     "-A PREROUTING -i e0 -m conntrack --ctstate NEW\n"
		     "-A PREROUTING -m conntrack --ctstate INVALID\n"
		     "COMMIT\n"
		     "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m conntrack --ctstate NEW\n"
		     "-A FORWARD -m conntrack --ctstate ESTABLISHED\n"
		     "COMMIT\n"));
	REQUIRE(cn() && cn()->enabled);
	set_time(1);
	udp(E0, IP_A, IP_B, 1000, 53, 8);
	udp(E0, IP_A, IP_B, 1000, 53, 8);
	/* in zone 5, not 0 */
	ct = find_udp(IP_A, IP_B, 1000, 53, 5);
	REQUIRE(ct != NULL);
	CHECK_INT(ct->zone, 5);
	CHECK(find_udp(IP_A, IP_B, 1000, 53, 0) == NULL);
	/* B's answer comes in zone 0 (no CT rule for e1): a new flow of
	 * its own, as in Linux */
	udp(E1, IP_B, IP_A, 53, 1000, 8);
	CHECK(find_udp(IP_B, IP_A, 53, 1000, 0) != NULL);
	CHECK_PKTS("filter", "-A FORWARD -m conntrack --ctstate NEW", 3);
	CHECK_PKTS("filter", "-A FORWARD -m conntrack --ctstate ESTABLISHED", 0);
	/* in raw after CT the packet holds the template: NEW (Linux's
	 * nf_ct_get() returns it); before conntrack, the others INVALID */
	CHECK_PKTS("raw", "-A PREROUTING -i e0 -m conntrack --ctstate NEW", 2);
	CHECK_PKTS("raw", "-A PREROUTING -m conntrack --ctstate INVALID", 1);
	/* the template: the rule's one reference again, nothing else */
	r = nfu_xt_ruleset_table(nfu_xt_current(sc.net), "raw")->chains[0]->rules[0];
	REQUIRE(r->target && !strcmp(r->target->name, "CT"));
	/* -D and -C find the rule by its text on the live stack, -A adds an
	 * equal one that works the same */
	CHECK_INT(cmd("raw", "-C PREROUTING -i e0 -j CT --zone 5"), 0);
	CHECK_INT(cmd("raw", "-A PREROUTING -i e1 -j CT --zone 5"), 0);
	udp(E1, IP_B, IP_A, 53, 1000, 8);
	CHECK_PKTS("filter", "-A FORWARD -m conntrack --ctstate ESTABLISHED", 1);
	CHECK_INT(cmd("raw", "-D PREROUTING -i e0 -j CT --zone 5"), 0);
	CHECK_INT(cmd("raw", "-D PREROUTING -i e1 -j CT --zone 5"), 0);
	CHECK_INT(cmd("raw", "-C PREROUTING -i e0 -j CT --zone 5"), -ENOENT);
	scene_down();
}

/* CT --zone-orig, --zone-reply and "mark": the template's zone has the
 * direction of the option (both for --zone, or for both options) and,
 * with mark, the packet's mark's low 16 bits when conntrack runs (xt_CT's
 * xt_ct_flags_to_dir(), nf_ct_zone_tmpl()). */
static void test_ct_zone_dir(void)
{
	struct nfu_ct *ct;

	REQUIRE(up());
	REQUIRE(load("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A PREROUTING -p udp -m udp --dport 53 -j CT --zone-orig 5\n"
		     "-A PREROUTING -p udp -m udp --dport 54 -j CT --zone-reply 6\n"
		     "-A PREROUTING -p udp -m udp --dport 55 -j CT --zone-orig 7 --zone-reply 7\n"
		     "-A PREROUTING -p udp -m udp --dport 56 -j MARK --set-xmark 0x10003/0xffffffff\n"
		     "-A PREROUTING -p udp -m udp --dport 56 -j CT --zone-orig mark\n"
		     "COMMIT\n"
		     "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m conntrack --ctstate NEW\n"
		     "COMMIT\n"));
	set_time(1);
	for (unsigned int port = 53; port <= 56; port++)
		udp(E0, IP_A, IP_B, 1000, port, 8);
	CHECK_PKTS("filter", "-A FORWARD -m conntrack --ctstate NEW", 4);
	ct = find_udp(IP_A, IP_B, 1000, 53, 5);
	REQUIRE(ct);
	CHECK_INT(ct->czone.dir, NFU_CT_ZONE_DIR_ORIG);
	CHECK_INT(nfu_ct_zone_id(&ct->czone, NFU_CT_DIR_REPLY), 0);
	/* the reply tuple alone in zone 6: not found by the original one
	 * in zone 6 of both directions */
	CHECK(find_udp(IP_A, IP_B, 1000, 54, 6) == NULL);
	ct = find_udp(IP_A, IP_B, 1000, 54, 0);
	REQUIRE(ct);
	CHECK_INT(ct->czone.dir, NFU_CT_ZONE_DIR_REPL);
	CHECK_INT(nfu_ct_zone_id(&ct->czone, NFU_CT_DIR_REPLY), 6);
	ct = find_udp(IP_A, IP_B, 1000, 55, 7);
	REQUIRE(ct);
	CHECK_INT(ct->czone.dir, NFU_CT_DEFAULT_ZONE_DIR);
	ct = find_udp(IP_A, IP_B, 1000, 56, 3);
	REQUIRE(ct);
	CHECK_INT(ct->zone, 3);
	CHECK_INT(ct->czone.dir, NFU_CT_ZONE_DIR_ORIG);
	CHECK_INT(ct->czone.flags, 0);
	scene_down();
}

/* CT --helper tftp, and the helper match on what the helper expected. */
static void test_ct_helper(void)
{
	uint8_t p[700];
	size_t n;

	REQUIRE(up());
	REQUIRE(load("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A PREROUTING -p udp -m udp --dport 69 -j CT --helper tftp\n"
		     "COMMIT\n"
		     "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m helper --helper tftp\n"
		     "-A FORWARD -m helper ! --helper tftp\n"
		     "-A FORWARD -m helper --helper \"\"\n"
		     "-A FORWARD -m helper --helper ftp\n"
		     "-A FORWARD -m helper --helper tftp-x\n"
		     "-A FORWARD -m conntrack --ctstate RELATED --ctstatus EXPECTED\n"
		     "COMMIT\n"));
	set_time(1);
	n = build_udp(p, IP_A, IP_B, 3000, 69, 12);
	p[28] = 0;
	p[29] = 1; /* RRQ */
	wr16(p + 26, 0);
	scene_rx(E0, p, n);
	/* the transfer, from another port of B's: expected */
	udp(E1, IP_B, IP_A, 50123, 3000, 100);
	CHECK_PKTS("filter", "-A FORWARD -m helper --helper tftp", 1);
	CHECK_PKTS("filter", "-A FORWARD -m helper ! --helper tftp", 1);
	CHECK_PKTS("filter", "-A FORWARD -m helper --helper \"\"", 1);
	CHECK_PKTS("filter", "-A FORWARD -m helper --helper ftp", 0);
	/* Linux compares the helper name's length only */
	CHECK_PKTS("filter", "-A FORWARD -m helper --helper tftp-x", 1);
	CHECK_PKTS("filter", "-A FORWARD -m conntrack --ctstate RELATED --ctstatus EXPECTED", 1);
	scene_down();
}

/*
 * CONNMARK and connmark.
 */
static void test_connmark(void)
{
	REQUIRE(up());
	REQUIRE(load("*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
		     ":FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
		     "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff\n"
		     "-A PREROUTING -m mark --mark 0x0 -p udp -m udp --dport 53 -j MARK --set-xmark 0x7/0xffffffff\n"
		     "-A PREROUTING -m mark --mark 0x0 -p udp -m udp --dport 54 -j MARK --set-xmark 0x30/0xffffffff\n"
		     "-A PREROUTING -j CONNMARK --save-mark --nfmask 0xf --ctmask 0xff\n"
		     "-A FORWARD -m connmark --mark 0x7\n"
		     "-A FORWARD -m connmark ! --mark 0x7\n"
		     "-A FORWARD -m mark --mark 0x7\n"
		     "-A FORWARD -m mark --mark 0x107\n"
		     "-A FORWARD -m connmark --mark 0x0/0xf0\n"
		     "-A FORWARD -j CONNMARK --set-xmark 0x100/0x100\n"
		     "-A POSTROUTING -m connmark --mark 0x107\n"
		     "COMMIT\n"));
	set_time(1);
	udp(E0, IP_A, IP_B, 1000, 53, 8);   /* marked 7, saved */
	udp(E1, IP_B, IP_A, 53, 1000, 8);   /* restored: 0x107, FORWARD's too */
	udp(E0, IP_A, IP_B, 1000, 54, 8);   /* 0x30: saved as 0 (nfmask 0xf) */
	CHECK_PKTS("mangle", "-A FORWARD -m connmark --mark 0x7", 1);
	CHECK_PKTS("mangle", "-A FORWARD -m connmark ! --mark 0x7", 2);
	CHECK_PKTS("mangle", "-A FORWARD -m mark --mark 0x7", 1);
	CHECK_PKTS("mangle", "-A FORWARD -m mark --mark 0x107", 1);
	CHECK_PKTS("mangle", "-A FORWARD -m connmark --mark 0x0/0xf0", 3);
	CHECK_PKTS("mangle", "-A POSTROUTING -m connmark --mark 0x107", 2);
	CHECK_INT(find_udp(IP_A, IP_B, 1000, 53, 0)->mark, 0x107);
	CHECK_INT(find_udp(IP_A, IP_B, 1000, 54, 0)->mark, 0x100);
	scene_down();
}

/* Without a connection the CONNMARK target leaves the packet alone and
 * connmark never matches, inverted or not. */
static void test_connmark_untracked(void)
{
	REQUIRE(up());
	REQUIRE(load("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		     "-A PREROUTING -j NOTRACK\n"
		     "COMMIT\n"
		     "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
		     ":FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
		     "-A PREROUTING -j MARK --set-xmark 0x5/0xffffffff\n"
		     "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff\n"
		     "-A PREROUTING -m mark --mark 0x5\n"
		     "-A PREROUTING -m connmark --mark 0x0\n"
		     "-A PREROUTING -m connmark ! --mark 0x0\n"
		     "COMMIT\n"));
	set_time(1);
	udp(E0, IP_A, IP_B, 1000, 53, 8);
	CHECK_PKTS("mangle", "-A PREROUTING -m mark --mark 0x5", 1);
	CHECK_PKTS("mangle", "-A PREROUTING -m connmark --mark 0x0", 0);
	CHECK_PKTS("mangle", "-A PREROUTING -m connmark ! --mark 0x0", 0);
	scene_down();
}

/*
 * connlimit.
 */
static void test_connlimit(void)
{
	REQUIRE(up());
	REQUIRE(load("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -p udp -m udp --dport 53 -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr -j DROP\n"
		     "-A FORWARD -p udp -m udp --dport 54 -m connlimit --connlimit-upto 1 --connlimit-mask 24 --connlimit-daddr\n"
		     "COMMIT\n"));
	set_time(1);
	udp(E0, IP_A, IP_B, 1001, 53, 8);  /* 1 */
	udp(E0, IP_A, IP_B, 1002, 53, 8);  /* 2 */
	udp(E0, IP_A, IP_B, 1001, 53, 8);  /* still 2: counted already */
	udp(E0, IP_A, IP_B, 1003, 53, 8);  /* 3: dropped, never confirmed */
	udp(E0, IP_A, IP_B, 1004, 53, 8);  /* 3 again (1003 left the list) */
	CHECK_PKTS("filter", "-A FORWARD -p udp -m udp --dport 53 -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr -j DROP", 2);
	CHECK_INT(sc.nout, 3);
	/* other ports are not this rule's: its list is what it saw */
	udp(E0, IP_A, IP_B, 1005, 54, 8);  /* to 10.0.1.0/24: 1, upto 1 */
	udp(E0, IP_A, IP_B, 1006, 54, 8);  /* 2: not */
	udp(E0, IP_A, A4(192, 168, 7, 7), 1007, 54, 8); /* another group */
	CHECK_PKTS("filter", "-A FORWARD -p udp -m udp --dport 54 -m connlimit --connlimit-upto 1 --connlimit-mask 24 --connlimit-daddr", 2);
	/* 30 s later the first two expired: room again */
	set_time(32);
	udp(E0, IP_A, IP_B, 1008, 53, 8);
	CHECK_INT(sc.nout, 7);
	scene_down();
}

/* Each rule counts what it saw, even with the same options as another;
 * a ruleset committed again starts empty (Linux replaces the table, each
 * rule checked anew). */
static void test_connlimit_per_rule(void)
{
	static const char rules[] =
		"*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		":OUTPUT ACCEPT [0:0]\n"
		"-A INPUT -p udp -m udp --dport 7 -m connlimit --connlimit-above 1 --connlimit-mask 32 --connlimit-saddr -j DROP\n"
		"-A FORWARD -p udp -m udp --dport 53 -m connlimit --connlimit-above 1 --connlimit-mask 32 --connlimit-saddr -j DROP\n"
		"COMMIT\n";

	REQUIRE(up());
	REQUIRE(load(rules));
	set_time(1);
	udp(E0, IP_A, IP_B, 1001, 53, 8);
	udp(E0, IP_A, IP_E0, 1002, 7, 8);
	udp(E0, IP_A, IP_B, 1003, 53, 8);   /* the second through: dropped */
	CHECK_PKTS("filter", "-A INPUT -p udp -m udp --dport 7 -m connlimit --connlimit-above 1 --connlimit-mask 32 --connlimit-saddr -j DROP", 0);
	CHECK_PKTS("filter", "-A FORWARD -p udp -m udp --dport 53 -m connlimit --connlimit-above 1 --connlimit-mask 32 --connlimit-saddr -j DROP", 1);
	REQUIRE(load(rules));
	udp(E0, IP_A, IP_B, 1004, 53, 8);   /* a new list: the first */
	CHECK_PKTS("filter", "-A FORWARD -p udp -m udp --dport 53 -m connlimit --connlimit-above 1 --connlimit-mask 32 --connlimit-saddr -j DROP", 0);
	udp(E0, IP_A, IP_B, 1001, 53, 8);   /* confirmed, alive: the second */
	CHECK_PKTS("filter", "-A FORWARD -p udp -m udp --dport 53 -m connlimit --connlimit-above 1 --connlimit-mask 32 --connlimit-saddr -j DROP", 1);
	scene_down();
}

/*
 * connbytes: accounting on at check; counters include the packet.
 */
static void test_connbytes(void)
{
	REQUIRE(up());
	REQUIRE(load("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m connbytes --connbytes 3 --connbytes-mode packets --connbytes-dir original\n"
		     "-A FORWARD -m connbytes --connbytes 2:2 --connbytes-mode packets --connbytes-dir both\n"
		     "-A FORWARD -m connbytes ! --connbytes 2:3 --connbytes-mode packets --connbytes-dir both\n"
		     "-A FORWARD -m connbytes --connbytes 1 --connbytes-mode packets --connbytes-dir reply\n"
		     "-A FORWARD -m connbytes --connbytes 0:80 --connbytes-mode bytes --connbytes-dir original\n"
		     "-A FORWARD -m connbytes --connbytes 40:40 --connbytes-mode avgpkt --connbytes-dir both\n"
		     "COMMIT\n"));
	REQUIRE(cn());
	CHECK_INT(cn()->sysctl.acct, 1);
	set_time(1);
	udp(E0, IP_A, IP_B, 1000, 53, 12);  /* 40 bytes */
	udp(E1, IP_B, IP_A, 53, 1000, 12);
	udp(E0, IP_A, IP_B, 1000, 53, 12);
	udp(E0, IP_A, IP_B, 1000, 53, 32);  /* 60 bytes */
	CHECK_PKTS("filter", "-A FORWARD -m connbytes --connbytes 3 --connbytes-mode packets --connbytes-dir original", 1);
	CHECK_PKTS("filter", "-A FORWARD -m connbytes --connbytes 2:2 --connbytes-mode packets --connbytes-dir both", 1);
	CHECK_PKTS("filter", "-A FORWARD -m connbytes ! --connbytes 2:3 --connbytes-mode packets --connbytes-dir both", 2);
	CHECK_PKTS("filter", "-A FORWARD -m connbytes --connbytes 1 --connbytes-mode packets --connbytes-dir reply", 3);
	CHECK_PKTS("filter", "-A FORWARD -m connbytes --connbytes 0:80 --connbytes-mode bytes --connbytes-dir original", 3);
	CHECK_PKTS("filter", "-A FORWARD -m connbytes --connbytes 40:40 --connbytes-mode avgpkt --connbytes-dir both", 3);
	scene_down();
}

/* SNAT, DNAT and MASQUERADE start conntrack from their check (the nat
 * table itself is not evaluated yet). */
static void test_nat_starts_conntrack(void)
{
	static const char *const rules[] = {
		"-A POSTROUTING -o e1 -j SNAT --to-source 10.0.1.1",
		"-A PREROUTING -i e0 -j DNAT --to-destination 10.0.1.2",
		"-A POSTROUTING -o e1 -j MASQUERADE",
	};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char text[512];

		REQUIRE(up());
		snprintf(text, sizeof(text),
			 "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
			 ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n%s\n"
			 "COMMIT\n", rules[i]);
		CHECK(!cn() || !cn()->enabled);
		REQUIRE(load(text));
		CHECK(cn() && cn()->enabled);
		scene_down();
	}
}

static void tcp(int ifx, uint32_t s, uint32_t d, unsigned int sp,
		unsigned int dp, uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t p[200];

	scene_rx(ifx, p, build_tcp(p, s, d, sp, dp, seq, ack, flags, 0));
}

static struct nfu_ct *find_tcp(uint32_t s, uint32_t d, unsigned int sp,
			       unsigned int dp)
{
	struct nfu_ct_tuple t = { 0 };

	t.src = __builtin_bswap32(s);
	t.dst = __builtin_bswap32(d);
	t.sport = __builtin_bswap16((uint16_t)sp);
	t.dport = __builtin_bswap16((uint16_t)dp);
	t.proto = 6;
	return nfu_ct_find(cn(), &t, 0, NULL);
}

static const char *const STATE_NEW = "-A FORWARD -m state --state NEW";

/* Conntrack's hooks follow the rules that need it (Linux's
 * nf_ct_netns_get() in checkentry, _put() in destroy): gone with the
 * last one (-F), the table staying and packets untracked meanwhile; back
 * with a new one; every rule in force holds one reference, whatever the
 * command (-A of two addresses, -R, -D, a failed rule). */
static void test_hooks_follow_rules(void)
{
	struct nfu_ct *ct;

	REQUIRE(up());
	CHECK(!nfu_ct_enabled(sc.net));
	REQUIRE(cmd("filter", STATE_NEW) == 0);
	REQUIRE(cn());
	CHECK(nfu_ct_enabled(sc.net));
	CHECK_INT(cn()->users, 1);
	CHECK_INT(cn()->registered, 0x3f);
	set_time(1);
	udp(E0, IP_A, IP_B, 1000, 53, 8);
	CHECK_PKTS("filter", STATE_NEW, 1);
	CHECK_INT(cn()->confirmed, 1);
	/* the last state rule goes: so do the hooks, not the table */
	CHECK_INT(cmd("filter", "-F FORWARD"), 0);
	CHECK(!nfu_ct_enabled(sc.net));
	CHECK_INT(cn()->users, 0);
	CHECK_INT(cn()->registered, 0);
	CHECK_INT(cn()->confirmed, 1);
	/* a packet now is not tracked: nothing new in the table */
	udp(E0, IP_A, IP_B, 1001, 53, 8);
	CHECK(find_udp(IP_A, IP_B, 1001, 53, 0) == NULL);
	/* a new rule brings them back, and the old connection is found */
	CHECK_INT(cmd("filter", "-A FORWARD -m conntrack --ctstate ESTABLISHED"), 0);
	CHECK(nfu_ct_enabled(sc.net));
	CHECK_INT(cn()->users, 1);
	udp(E1, IP_B, IP_A, 53, 1000, 8);
	CHECK_PKTS("filter", "-A FORWARD -m conntrack --ctstate ESTABLISHED", 1);
	ct = find_udp(IP_A, IP_B, 1000, 53, 0);
	CHECK(ct && (ct->status & NFU_IPS_SEEN_REPLY));
	/* one rule per address, each its own reference */
	CHECK_INT(cmd("filter", "-A FORWARD -s 10.9.0.1,10.9.0.2 -m state --state NEW"), 0);
	CHECK_INT(cn()->users, 3);
	CHECK_INT(cmd("filter", "-R FORWARD 2 -m connmark --mark 1"), 0);
	CHECK_INT(cn()->users, 3);
	CHECK_INT(cmd("filter", "-D FORWARD 3"), 0);
	CHECK_INT(cn()->users, 2);
	/* a rule that fails its check takes none */
	CHECK(cmd("raw", "-A PREROUTING -j CT --helper nosuch") < 0);
	CHECK(cmd("filter", "-A FORWARD -m state --state NEW -j CT") < 0);
	CHECK_INT(cn()->users, 2);
	/* a rule that does not need conntrack changes nothing */
	CHECK_INT(cmd("filter", "-A FORWARD -j ACCEPT"), 0);
	CHECK_INT(cn()->users, 2);
	CHECK_INT(cmd("filter", "-F"), 0);
	CHECK_INT(cn()->users, 0);
	CHECK(!nfu_ct_enabled(sc.net));
	scene_down();
}

/* The NAT targets hold conntrack as the matches do (Linux's
 * xt_nat_checkentry() and xt_nat_destroy(), masquerade_tg_check() and
 * its destroy, and REDIRECT's and NETMAP's): the last one to go takes
 * the hooks with it. */
static void test_nat_targets_hold_conntrack(void)
{
	REQUIRE(up());
	CHECK(!nfu_ct_enabled(sc.net));
	REQUIRE(cmd("nat", "-A POSTROUTING -o e1 -j MASQUERADE") == 0);
	REQUIRE(cn());
	CHECK(nfu_ct_enabled(sc.net));
	CHECK_INT(cn()->users, 1);
	CHECK_INT(cmd("nat", "-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.9.0.9"), 0);
	CHECK_INT(cmd("nat", "-A POSTROUTING -s 10.9.0.0/24 -j SNAT --to-source 10.9.1.1"), 0);
	CHECK_INT(cmd("nat", "-A PREROUTING -p udp -j REDIRECT --to-ports 53"), 0);
	CHECK_INT(cmd("nat", "-A PREROUTING -j NETMAP --to 10.7.0.0/24"), 0);
	CHECK_INT(cn()->users, 5);
	/* -D by the rule's text finds it (the reference is not compared) */
	CHECK_INT(cmd("nat", "-D POSTROUTING -o e1 -j MASQUERADE"), 0);
	CHECK_INT(cn()->users, 4);
	CHECK_INT(cmd("nat", "-F"), 0);
	CHECK_INT(cn()->users, 0);
	CHECK(!nfu_ct_enabled(sc.net));
	scene_down();
}

/* A commit that keeps a rule that needs conntrack never lets the count
 * fall to zero (the new ruleset is checked before the old one is freed):
 * the hooks stay, which an established TCP connection shows, as its
 * windows are learnt again only when the hooks come back
 * (nf_ct_tcp_fixup()). */
static void test_commit_keeps_hooks(void)
{
	struct nfu_ct *ct;

	REQUIRE(up());
	REQUIRE(load("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n"
		     "-A FORWARD -m state --state ESTABLISHED\n"
		     "COMMIT\n"));
	CHECK_INT(cn()->users, 1);
	set_time(1);
	tcp(E0, IP_A, IP_B, 40000, 80, 1000, 0, TH_SYN);
	tcp(E1, IP_B, IP_A, 80, 40000, 5000, 1001, TH_SYN | TH_ACK);
	tcp(E0, IP_A, IP_B, 40000, 80, 1001, 5001, TH_ACK);
	ct = find_tcp(IP_A, IP_B, 40000, 80);
	REQUIRE(ct);
	CHECK_INT(ct->proto.tcp.state, NFU_CT_TCP_ESTABLISHED);
	CHECK(ct->proto.tcp.seen[0].td_maxwin != 0);
	/* a whole new ruleset with the same rule, and a chain (the long
	 * way of a command too) */
	REQUIRE(load("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		     ":OUTPUT ACCEPT [0:0]\n:more - [0:0]\n"
		     "-A FORWARD -m state --state ESTABLISHED\n"
		     "-A FORWARD -j more\n"
		     "COMMIT\n"));
	CHECK_INT(cmd("filter", "-N other"), 0);
	CHECK_INT(cmd("filter", "-A FORWARD -j other"), 0);
	CHECK_INT(cn()->users, 1);
	CHECK(ct->proto.tcp.seen[0].td_maxwin != 0);
	CHECK(ct->proto.tcp.seen[1].td_maxwin != 0);
	/* whereas hooks that went and came back relearn them */
	CHECK_INT(cmd("filter", "-F FORWARD"), 0);
	CHECK_INT(cn()->users, 0);
	CHECK_INT(cmd("filter", "-A FORWARD -m state --state ESTABLISHED"), 0);
	CHECK_INT(ct->proto.tcp.seen[0].td_maxwin, 0);
	CHECK_INT(ct->proto.tcp.seen[1].td_maxwin, 0);
	tcp(E0, IP_A, IP_B, 40000, 80, 1001, 5001, TH_ACK);
	CHECK_PKTS("filter", "-A FORWARD -m state --state ESTABLISHED", 1);
	scene_down();
}

/* connbytes: a connection made before accounting was on has no counters
 * and never matches, as in Linux (xt_connbytes.c: no acct extension). */
static void test_connbytes_older_connection(void)
{
	static const char *const rule =
		"-A FORWARD -m connbytes --connbytes 0:100 --connbytes-mode packets --connbytes-dir original";

	REQUIRE(up());
	REQUIRE(cmd("filter", STATE_NEW) == 0);
	REQUIRE(cn() && cn()->sysctl.acct == 0);
	set_time(1);
	udp(E0, IP_A, IP_B, 5000, 53, 8);
	REQUIRE(cmd("filter", rule) == 0);
	CHECK_INT(cn()->sysctl.acct, 1); /* forced on */
	udp(E0, IP_A, IP_B, 5000, 53, 8);
	udp(E0, IP_A, IP_B, 5001, 53, 8);
	CHECK_PKTS("filter", STATE_NEW, 3);
	CHECK_PKTS("filter", rule, 1);
	CHECK(!find_udp(IP_A, IP_B, 5000, 53, 0)->acct);
	CHECK_INT(find_udp(IP_A, IP_B, 5001, 53, 0)->packets[0], 1);
	scene_down();
}

/* Rules of these extensions, checked and in force, are found again by
 * their text on the live stack (iptables -C, -D): check() leaves nothing
 * in a rule's data that parsing did not put there. */
static void test_rules_found_by_text(void)
{
	static const struct {
		const char *table, *rule;
	} rules[] = {
		{ "raw", "PREROUTING -p udp --dport 69 -j CT --helper tftp" },
		{ "raw", "PREROUTING -i e0 -j CT --zone 4 --ctevents new" },
		{ "raw", "PREROUTING -p udp -j CT --notrack" },
		{ "raw", "OUTPUT -j NOTRACK" },
		{ "filter", "FORWARD -m state --state NEW,ESTABLISHED" },
		{ "filter", "FORWARD -m conntrack --ctstate NEW --ctexpire 5:9 --ctdir REPLY" },
		{ "filter", "FORWARD -m connmark ! --mark 3/7" },
		{ "filter", "FORWARD -m connlimit --connlimit-upto 3 --connlimit-mask 24" },
		{ "filter", "FORWARD -m connbytes --connbytes 5 --connbytes-dir both --connbytes-mode avgpkt" },
		{ "filter", "FORWARD -m helper --helper tftp" },
		{ "mangle", "FORWARD -j CONNMARK --save-mark --mask 0xff" },
	};
	char line[512];

	REQUIRE(up());
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		snprintf(line, sizeof(line), "-A %s", rules[i].rule);
		CHECK_INT(cmd(rules[i].table, line), 0);
	}
	/* a packet through them all, so that the per-packet state moves */
	set_time(1);
	udp(E0, IP_A, IP_B, 1000, 69, 8);
	udp(E1, IP_B, IP_A, 69, 1000, 8);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		snprintf(line, sizeof(line), "-C %s", rules[i].rule);
		if (cmd(rules[i].table, line) != 0)
			HARNESS_FAIL("-C %s: not found", rules[i].rule);
		snprintf(line, sizeof(line), "-D %s", rules[i].rule);
		if (cmd(rules[i].table, line) != 0)
			HARNESS_FAIL("-D %s: not found", rules[i].rule);
		harness_checks += 2;
	}
	scene_down();
}

/*
 * REJECT --reject-with tcp-reset closes the connection it answers
 * (nf_send_reset()'s nf_ct_set_closing(), Linux 6.18): a confirmed TCP
 * connection goes to CLOSE with nf_conntrack_tcp_timeout_close (10 s)
 * from now; one already in CLOSE keeps the timeout it has, a fixed one
 * too; a rejected SYN's connection is never confirmed and stays out of
 * the table; a UDP connection is left alone.
 */
static void test_reject_closes(void)
{
	static const char rej_syn[] =
		"-A FORWARD -p tcp -m tcp --dport 81 -j REJECT --reject-with tcp-reset";
	static const char rej_psh[] =
		"-A FORWARD -p tcp -m tcp --tcp-flags PSH PSH -j REJECT --reject-with tcp-reset";
	struct nfu_ct *ct, *u;
	const uint8_t *ip;

	REQUIRE(up());
	REQUIRE(cmd("filter", STATE_NEW) == 0);
	REQUIRE(cmd("filter", rej_syn) == 0);
	REQUIRE(cmd("filter", rej_psh) == 0);
	set_time(1);
	tcp(E0, IP_A, IP_B, 40000, 80, 1000, 0, TH_SYN);
	tcp(E1, IP_B, IP_A, 80, 40000, 5000, 1001, TH_SYN | TH_ACK);
	tcp(E0, IP_A, IP_B, 40000, 80, 1001, 5001, TH_ACK);
	ct = find_tcp(IP_A, IP_B, 40000, 80);
	REQUIRE(ct);
	CHECK_INT(ct->proto.tcp.state, NFU_CT_TCP_ESTABLISHED);
	CHECK(ct->timeout == 432001ull * 1000000000ull);
	/* a segment of it rejected: a reset to A, the connection closing */
	set_time(2);
	scene_clear();
	tcp(E0, IP_A, IP_B, 40000, 80, 1001, 5001, TH_PSH | TH_ACK);
	CHECK_PKTS("filter", rej_psh, 1);
	REQUIRE(sc.nout == 1);
	ip = out_ip(0);
	CHECK_INT(sc.out[0].ifindex, E0);
	CHECK_INT(ip[20 + 13], TH_RST);
	CHECK_INT(ct->proto.tcp.state, NFU_CT_TCP_CLOSE);
	CHECK(ct->timeout == 12ull * 1000000000ull);
	CHECK(find_tcp(IP_A, IP_B, 40000, 80) == ct);
	/* in CLOSE already: the timeout runs on */
	set_time(5);
	nfu_ct_set_closing(ct);
	CHECK_INT(ct->proto.tcp.state, NFU_CT_TCP_CLOSE);
	CHECK(ct->timeout == 12ull * 1000000000ull);
	/* a fixed timeout is kept, the state still moves */
	ct->proto.tcp.state = NFU_CT_TCP_ESTABLISHED;
	ct->status |= NFU_IPS_FIXED_TIMEOUT;
	nfu_ct_set_closing(ct);
	CHECK_INT(ct->proto.tcp.state, NFU_CT_TCP_CLOSE);
	CHECK(ct->timeout == 12ull * 1000000000ull);
	/* a rejected SYN: its connection is never confirmed */
	tcp(E0, IP_A, IP_B, 40001, 81, 1000, 0, TH_SYN);
	CHECK_PKTS("filter", rej_syn, 1);
	CHECK(find_tcp(IP_A, IP_B, 40001, 81) == NULL);
	/* not TCP: nothing to close */
	udp(E0, IP_A, IP_B, 1000, 53, 8);
	u = find_udp(IP_A, IP_B, 1000, 53, 0);
	REQUIRE(u);
	set_time(6);
	nfu_ct_set_closing(u);
	CHECK(u->timeout == 35ull * 1000000000ull);
	nfu_ct_set_closing(NULL);
	scene_down();
}

/* A LOG rule binds the stack's IPv4 logger for conntrack's own lines
 * (xt_LOG's checkentry loads nf_log_syslog, which binds itself), for
 * good: a helper's dropped segment is logged from then on. */
static void test_log_binds_logger(void)
{
	REQUIRE(up());
	CHECK(!sc.net->ipv4->nf_logger);
	REQUIRE(cmd("filter", STATE_NEW) == 0);
	CHECK(!sc.net->ipv4->nf_logger);
	CHECK(cmd("mangle", "-A PREROUTING -j LOG --log-level 9") < 0);
	CHECK(!sc.net->ipv4->nf_logger);
	REQUIRE(cmd("mangle", "-A PREROUTING -j LOG") == 0);
	CHECK(sc.net->ipv4->nf_logger);
	CHECK_INT(cmd("mangle", "-F"), 0);
	CHECK(sc.net->ipv4->nf_logger);
	scene_down();
}

int main(void)
{
	RUN(test_state_udp);
	RUN(test_state_icmp);
	RUN(test_conntrack_options);
	RUN(test_conntrack_expire_icmp);
	RUN(test_notrack);
	RUN(test_ct_zone);
	RUN(test_ct_zone_dir);
	RUN(test_ct_helper);
	RUN(test_connmark);
	RUN(test_connmark_untracked);
	RUN(test_connlimit);
	RUN(test_connlimit_per_rule);
	RUN(test_connbytes);
	RUN(test_nat_starts_conntrack);
	RUN(test_rules_found_by_text);
	RUN(test_hooks_follow_rules);
	RUN(test_nat_targets_hold_conntrack);
	RUN(test_commit_keeps_hooks);
	RUN(test_connbytes_older_connection);
	RUN(test_reject_closes);
	RUN(test_log_binds_logger);
	return harness_done();
}
