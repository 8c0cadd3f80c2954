/* SPDX-License-Identifier: MIT */
/*
 * The targets MASQUERADE, SNAT, DNAT, CT, NOTRACK, CONNMARK, TCPMSS,
 * CHECKSUM, REDIRECT, NETMAP and NFQUEUE (its verdicts: test_ext_nfqueue.c).
 *
 *  - Golden files tests/unit/data/xt/<NAME>.golden, captured from
 *    iptables-legacy 1.8.9 on Linux 6.18 in a throwaway namespace: each
 *    rule through the ops alone (parse, final_check, save) and through the
 *    whole iptables parser and a commit into a stack (save text, error
 *    messages, checkentry refusals).
 *  - targets-list.golden: the iptables -L text (with -n and without) of
 *    every accepted rule of the seventeen target golden files, as
 *    iptables-legacy 1.8.9 listed each one alone: the matches' and the
 *    target's print ops after the whole parser.
 *  - TCPMSS on SYNs of the test's own making: the MSS option lowered (never
 *    raised), added when missing (at most 536), left alone with data after
 *    the header; lengths and checksums verified from scratch.
 */
#include <ctype.h>
#include <errno.h>

#include "harness.h"
#include "nfu/nfu.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

#include "xt_target_golden.h"

static void test_golden_MASQUERADE(void) { golden("MASQUERADE"); }
static void test_golden_SNAT(void) { golden("SNAT"); }
static void test_golden_DNAT(void) { golden("DNAT"); }
static void test_golden_CT(void) { golden("CT"); }
static void test_golden_NOTRACK(void) { golden("NOTRACK"); }
static void test_golden_CONNMARK(void) { golden("CONNMARK"); }
static void test_golden_TCPMSS(void) { golden("TCPMSS"); }
static void test_golden_CHECKSUM(void) { golden("CHECKSUM"); }
static void test_golden_REDIRECT(void) { golden("REDIRECT"); }
static void test_golden_NETMAP(void) { golden("NETMAP"); }
static void test_golden_NFQUEUE(void) { golden("NFQUEUE"); }

/* ---- iptables -L text ---- */

/* What tools/iptables_list.c prints after the destination column: each
 * match's text (its name when it has no print op), then the target's. */
static void list_tail(const struct nfu_xt_rule *r, bool numeric,
		      struct nfu_strbuf *sb)
{
	for (unsigned int i = 0; i < r->nmatches; i++) {
		const struct nfu_xt_ematch *m = &r->matches[i];

		if (m->ops->print)
			m->ops->print(m->data, &r->ip, numeric, sb);
		else
			nfu_sb_printf(sb, "%s ", m->ops->name);
	}
	if (r->tkind == NFU_XT_T_EXT && r->target->print)
		r->target->print(r->tdata, &r->ip, numeric, sb);
}

static void list_check(const char *line, const char *numeric,
		       const char *names)
{
	char *argv[64];
	int argc = split(line, argv, 64);
	const char *table = "filter";
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_xt_rule *rule = nfu_xt_rule_new();
	struct nfu_error err = { 0 };
	struct nfu_xt_cmd cmd;
	struct nfu_strbuf a, b;

	REQUIRE(rs && rule);
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], "-t"))
			table = argv[i + 1];
	nfu_xt_cmd_init(&cmd, "iptables", 0, false);
	nfu_sb_init(&a);
	nfu_sb_init(&b);
	if (nfu_xt_parse_rule(argc, argv, "filter",
			      nfu_xt_ruleset_table(rs, table), rule, &cmd,
			      &err) < 0) {
		HARNESS_FAIL("%s: parse failed: %s", line, err.msg);
		goto out;
	}
	REQUIRE(rule->tkind == NFU_XT_T_EXT);
	if (!rule->target->print)
		HARNESS_FAIL("%s: target %s has no print op", line,
			     rule->target->name);
	list_tail(rule, true, &a);
	list_tail(rule, false, &b);
	if (strcmp(a.s ? a.s : "", numeric))
		HARNESS_FAIL("%s: -L -n \"%s\", want \"%s\"", line,
			     a.s ? a.s : "", numeric);
	if (strcmp(b.s ? b.s : "", names))
		HARNESS_FAIL("%s: -L \"%s\", want \"%s\"", line,
			     b.s ? b.s : "", names);
out:
	nfu_sb_free(&a);
	nfu_sb_free(&b);
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(rule);
	nfu_xt_ruleset_free(rs);
	free_words(argv, argc);
}

static void test_list_golden(void)
{
	char *text = slurp(DATA "targets-list.golden"), *line, *save;
	unsigned int n = 0;

	REQUIRE(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[3] = { line, NULL, NULL };

		if (line[0] == '#')
			continue;
		/* the two texts may be empty: split by hand */
		for (int i = 1; i < 3; i++) {
			f[i] = strchr(f[i - 1], '\t');
			REQUIRE(f[i]);
			*f[i]++ = '\0';
		}
		list_check(f[0], f[1], f[2]);
		n++;
	}
	CHECK(n > 200);
	free(text);
}

/* ---- TCPMSS on crafted segments ---- */

static uint32_t sum16(const unsigned char *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static void put_csum(unsigned char *at, uint32_t folded)
{
	uint16_t c = (uint16_t)~folded;

	at[0] = (unsigned char)(c >> 8);
	at[1] = (unsigned char)c;
}

/* The IP header's and the TCP checksum, each computed from scratch. */
static bool ip_ok(const unsigned char *ip)
{
	return sum16(ip, (size_t)(ip[0] & 15) * 4, 0) == 0xffff;
}

static bool tcp_ok(const unsigned char *ip, size_t tot)
{
	size_t hl = (size_t)(ip[0] & 15) * 4, n = tot - hl;
	uint32_t s = sum16(ip + 12, 8, 0) + 6 + (uint32_t)n;

	return sum16(ip + hl, n, s) == 0xffff;
}

/* A TCP segment 10.9.0.1:40000 -> 10.9.0.2:80 with 'flags', the options
 * 'opt' ('optlen' a multiple of 4) and 'payload' bytes of data. */
static size_t segment(unsigned char *ip, uint8_t flags, const char *opt,
		      size_t optlen, size_t payload)
{
	unsigned char *t = ip + 20;
	size_t thl = 20 + optlen, tot = 20 + thl + payload;

	memset(ip, 0, tot);
	ip[0] = 0x45;
	ip[2] = (unsigned char)(tot >> 8);
	ip[3] = (unsigned char)tot;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x09\x00\x01\x0a\x09\x00\x02", 8);
	put_csum(ip + 10, sum16(ip, 20, 0));
	t[0] = 0x9c;
	t[1] = 0x40;
	t[3] = 80;
	memcpy(t + 4, "\x11\x22\x33\x44", 4);
	t[12] = (unsigned char)((thl / 4) << 4);
	t[13] = flags;
	t[14] = 0xfa;
	t[15] = 0xf0;
	memcpy(t + 20, opt, optlen);
	for (size_t i = 0; i < payload; i++)
		t[thl + i] = (unsigned char)('a' + i % 26);
	put_csum(t + 16, sum16(t, thl + payload,
			       sum16(ip + 12, 8, 0) + 6 + (uint32_t)(thl + payload)));
	return tot;
}

struct mss_run {
	unsigned int verdict;
	unsigned char out[256];
	size_t len;
};

/* Runs TCPMSS with 'args' on the 'len' bytes at 'ip' (an IP packet from
 * 10.9.0.1), leaving via a device of MTU 'out_mtu'; the route back to
 * 10.9.0.1 leaves by a device of MTU 'back_mtu' (the stack's only one). */
static void mss_run(const char *args, const unsigned char *ip, size_t len,
		    uint16_t fragoff, uint32_t out_mtu, uint32_t back_mtu,
		    struct mss_run *r)
{
	const struct nfu_xt_target_ops *ops = nfu_xt_find_target("TCPMSS");
	struct nfu_xt_ip xip = { .proto = 6 };
	struct nfu_error err = { 0 };
	struct nfu_xt_parse_ctx ctx = { .ip = &xip, .err = &err,
					.table = "mangle", .prog = "iptables" };
	struct nfu_dev out = { .mtu = out_mtu };
	struct nfu_net *net = nfu_net_new();
	struct nfu_xt_par par = { .net = net, .out = &out,
				  .hooknum = NFU_INET_FORWARD, .thoff = 20,
				  .fragoff = fragoff };
	char topo[128];
	uint16_t data = 0;
	struct nfu_pkt *pkt;
	char word[64];

	REQUIRE(ops && net);
	snprintf(topo, sizeof(topo),
		 "ip link add b0 mtu %u up\nip addr add 10.9.0.2/24 dev b0\n",
		 back_mtu);
	REQUIRE(nfu_topology_load(net, topo, strlen(topo), "mss", &err) == 0);
	par.in = nfu_dev_by_name(net, "b0");
	if (!strncmp(args, "--set-mss ", 10)) {
		snprintf(word, sizeof(word), "%s", args + 10);
		REQUIRE(ops->parse(&ctx, 0, word, false, &data) == 0);
	} else {
		REQUIRE(ops->parse(&ctx, 1, NULL, false, &data) == 0);
	}
	pkt = nfu_pkt_alloc(net, 256);
	REQUIRE(pkt);
	memcpy(nfu_pkt_put(pkt, len), ip, len);
	nfu_pkt_reset_network_header(pkt);
	r->verdict = ops->target(pkt, &par, &data);
	r->len = pkt->len;
	REQUIRE(r->len <= sizeof(r->out));
	memcpy(r->out, pkt->data, pkt->len);
	nfu_pkt_free(pkt);
	nfu_net_free(net);
}

#define MSS1460 "\x02\x04\x05\xb4"

static void test_tcpmss_lowers(void)
{
	unsigned char ip[128];
	size_t n = segment(ip, 0x02, MSS1460 "\x01\x03\x03\x07", 8, 0);
	struct mss_run r;

	mss_run("--set-mss 1400", ip, n, 0, 1500, 1500, &r);
	CHECK_INT(r.verdict, NFU_XT_CONTINUE);
	REQUIRE(r.len == n);
	CHECK_MEM(r.out + 40, "\x02\x04\x05\x78\x01\x03\x03\x07", 8);
	CHECK(ip_ok(r.out));
	CHECK(tcp_ok(r.out, r.len));
	/* nothing else moved */
	CHECK_MEM(r.out, ip, 36);
	CHECK_MEM(r.out + 38, ip + 38, 4);
}

static void test_tcpmss_never_raises(void)
{
	unsigned char ip[128];
	size_t n = segment(ip, 0x02, "\x02\x04\x03\xe8", 4, 0); /* 1000 */
	struct mss_run r;

	mss_run("--set-mss 1400", ip, n, 0, 1500, 1500, &r);
	CHECK_INT(r.verdict, NFU_XT_CONTINUE);
	REQUIRE(r.len == n);
	CHECK_MEM(r.out, ip, n);
	/* equal: left alone too */
	mss_run("--set-mss 1000", ip, n, 0, 1500, 1500, &r);
	CHECK_MEM(r.out, ip, n);
}

/* The MSS option found after NOPs and a timestamp. */
static void test_tcpmss_after_options(void)
{
	unsigned char ip[128];
	size_t n = segment(ip, 0x12,
			   "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00"
			   "\x02\x04\x05\xb4",
			   16, 0);
	struct mss_run r;

	mss_run("--set-mss 536", ip, n, 0, 1500, 1500, &r);
	REQUIRE(r.len == n);
	CHECK_MEM(r.out + 52, "\x02\x04\x02\x18", 4);
	CHECK(tcp_ok(r.out, r.len));
}

static void test_tcpmss_inserts(void)
{
	unsigned char ip[128];
	size_t n = segment(ip, 0x02, "\x01\x03\x03\x07", 4, 0);
	struct mss_run r;

	/* set-mss above 536: the added option says 536 */
	mss_run("--set-mss 1400", ip, n, 0, 1500, 1500, &r);
	CHECK_INT(r.verdict, NFU_XT_CONTINUE);
	REQUIRE(r.len == n + 4);
	CHECK_INT((r.out[2] << 8) | r.out[3], n + 4);
	CHECK_INT(r.out[32] >> 4, 7);
	CHECK_INT(r.out[33], 0x02);
	CHECK_MEM(r.out + 40, "\x02\x04\x02\x18\x01\x03\x03\x07", 8);
	CHECK(ip_ok(r.out));
	CHECK(tcp_ok(r.out, r.len));

	/* below 536: its own value */
	mss_run("--set-mss 500", ip, n, 0, 1500, 1500, &r);
	REQUIRE(r.len == n + 4);
	CHECK_MEM(r.out + 40, "\x02\x04\x01\xf4", 4);
	CHECK(ip_ok(r.out));
	CHECK(tcp_ok(r.out, r.len));

	/* no options at all */
	n = segment(ip, 0x02, "", 0, 0);
	mss_run("--clamp-mss-to-pmtu", ip, n, 0, 500, 1500, &r);
	REQUIRE(r.len == n + 4);
	CHECK_INT(r.out[32] >> 4, 6);
	CHECK_MEM(r.out + 40, "\x02\x04\x01\xcc", 4); /* 500 - 40 */
	CHECK(ip_ok(r.out));
	CHECK(tcp_ok(r.out, r.len));
}

static void test_tcpmss_no_insert(void)
{
	unsigned char ip[160];
	size_t n = segment(ip, 0x02, "\x01\x03\x03\x07", 4, 10);
	struct mss_run r;

	/* data after the header */
	mss_run("--set-mss 1400", ip, n, 0, 1500, 1500, &r);
	CHECK_INT(r.verdict, NFU_XT_CONTINUE);
	REQUIRE(r.len == n);
	CHECK_MEM(r.out, ip, n);

	/* a full header: doff cannot grow past 15 */
	n = segment(ip, 0x02,
		    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
		    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
		    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00",
		    40, 0);
	mss_run("--set-mss 1400", ip, n, 0, 1500, 1500, &r);
	REQUIRE(r.len == n);
	CHECK_MEM(r.out, ip, n);

	/* a later fragment is not looked at */
	n = segment(ip, 0x02, "", 0, 0);
	mss_run("--set-mss 1400", ip, n, 100, 1500, 1500, &r);
	CHECK_INT(r.verdict, NFU_XT_CONTINUE);
	REQUIRE(r.len == n);
	CHECK_MEM(r.out, ip, n);
}

static void test_tcpmss_clamp(void)
{
	unsigned char ip[128];
	size_t n = segment(ip, 0x02, MSS1460, 4, 0);
	struct mss_run r;

	/* the smaller of the output MTU and that of the route back, less 40 */
	mss_run("--clamp-mss-to-pmtu", ip, n, 0, 1500, 1300, &r);
	REQUIRE(r.len == n);
	CHECK_MEM(r.out + 40, "\x02\x04\x04\xec", 4); /* 1260 */
	CHECK(tcp_ok(r.out, r.len));
	mss_run("--clamp-mss-to-pmtu", ip, n, 0, 1280, 9000, &r);
	CHECK_MEM(r.out + 40, "\x02\x04\x04\xd8", 4); /* 1240 */
	CHECK(tcp_ok(r.out, r.len));
	/* an MTU of 40 or less: dropped */
	mss_run("--clamp-mss-to-pmtu", ip, n, 0, 40, 1500, &r);
	CHECK_INT(r.verdict, NFU_DROP);
}

static void test_tcpmss_short(void)
{
	unsigned char ip[128];
	size_t n = segment(ip, 0x02, MSS1460, 4, 0);
	struct mss_run r;

	/* the header says 24 bytes, 22 are there */
	mss_run("--set-mss 1400", ip, n - 2, 0, 1500, 1500, &r);
	CHECK_INT(r.verdict, NFU_DROP);
	/* shorter than a TCP header */
	mss_run("--set-mss 1400", ip, 30, 0, 1500, 1500, &r);
	CHECK_INT(r.verdict, NFU_DROP);
	/* a data offset below 5 */
	ip[32] = 0x40;
	mss_run("--set-mss 1400", ip, n, 0, 1500, 1500, &r);
	CHECK_INT(r.verdict, NFU_DROP);
}

/* The targets without a run-time effect yet answer as Linux's would. */
static void test_verdicts(void)
{
	static const struct {
		const char *name;
		unsigned int verdict;
	} t[] = {
		{ "MASQUERADE", NFU_ACCEPT }, { "SNAT", NFU_ACCEPT },
		{ "DNAT", NFU_ACCEPT },       { "CT", NFU_XT_CONTINUE },
		{ "NOTRACK", NFU_XT_CONTINUE }, { "CONNMARK", NFU_XT_CONTINUE },
		{ "CHECKSUM", NFU_XT_CONTINUE }, { "REDIRECT", NFU_ACCEPT },
		{ "NETMAP", NFU_ACCEPT },
	};
	unsigned char ip[64];
	size_t n = segment(ip, 0x02, "", 0, 0);
	struct nfu_net *net = nfu_net_new();

	REQUIRE(net);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct nfu_xt_target_ops *ops = nfu_xt_find_target(t[i].name);
		struct nfu_pkt *pkt = nfu_pkt_alloc(net, 64);
		struct nfu_xt_par par = { .net = net, .thoff = 20 };
		void *d;

		REQUIRE(ops && pkt);
		d = calloc(1, ops->size);
		REQUIRE(d);
		if (ops->init)
			ops->init(d);
		memcpy(nfu_pkt_put(pkt, n), ip, n);
		nfu_pkt_reset_network_header(pkt);
		CHECK_INT(ops->target(pkt, &par, d), t[i].verdict);
		CHECK_MEM(pkt->data, ip, n);
		/* the packet first: CT's template (in the data) is its ct */
		nfu_pkt_free(pkt);
		free(d);
	}
	nfu_net_free(net);
}

int main(void)
{
	RUN(test_golden_MASQUERADE);
	RUN(test_golden_SNAT);
	RUN(test_golden_DNAT);
	RUN(test_golden_CT);
	RUN(test_golden_NOTRACK);
	RUN(test_golden_CONNMARK);
	RUN(test_golden_TCPMSS);
	RUN(test_golden_CHECKSUM);
	RUN(test_golden_REDIRECT);
	RUN(test_golden_NETMAP);
	RUN(test_golden_NFQUEUE);
	RUN(test_list_golden);
	RUN(test_tcpmss_lowers);
	RUN(test_tcpmss_never_raises);
	RUN(test_tcpmss_after_options);
	RUN(test_tcpmss_inserts);
	RUN(test_tcpmss_no_insert);
	RUN(test_tcpmss_clamp);
	RUN(test_tcpmss_short);
	RUN(test_verdicts);
	return harness_done();
}
