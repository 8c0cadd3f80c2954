/* SPDX-License-Identifier: MIT */
/*
 * conntrack -L's line of a connection (lib/conntrack/format.c), the
 * net.netfilter.nf_conntrack_* sysctls (lib/conntrack/sysctl.c).
 *
 * The expected lines are written out whole, in the form conntrack-tools
 * 1.4.7 printed them for the same kind of connection on Linux 6.18 (the
 * KERNEL_LINES below are copied from such runs, in network namespaces):
 * protocol and number, the seconds left on the stack's clock (rounded
 * down), both tuples, [UNREPLIED], [ASSURED], mark=, zone=, use=, the
 * counters with nf_conntrack_acct, the prefix of -o extended and the id
 * of -o id.  Lines read back and printed again must come out unchanged.
 * The sysctls' accepted values and errors are those measured by writing
 * to /proc/sys/net/netfilter in a namespace.
 */
#include <errno.h>
#include <stdlib.h>

#include "conntrack/ct-format.h"
#include "ipv4_scene.h"

#define A_ADDR A4(10, 0, 0, 2)
#define B_ADDR A4(192, 168, 1, 9)

static void set_time(double secs)
{
	nfu_net_set_time(sc.net, (uint64_t)(secs * 1e9));
}

static bool ct_scene(const char *extra)
{
	char topo[512];

	snprintf(topo, sizeof(topo), "sysctl -w net.ipv4.ip_forward=1\n%s",
		 extra ? extra : "");
	if (!scene_up(topo))
		return false;
	if (nfu_ct_enable(sc.net)) {
		HARNESS_FAIL("nfu_ct_enable");
		return false;
	}
	return true;
}

/* The table as nfu_ct_list() gives it, one line per connection. */
static const char *table(unsigned int flags)
{
	static char text[8192];
	struct nfu_ct **v = NULL;
	size_t n = 0, off = 0;

	text[0] = 0;
	if (nfu_ct_list(sc.net->ct, &v, &n)) {
		HARNESS_FAIL("nfu_ct_list: no memory");
		return text;
	}
	for (size_t i = 0; i < n && off < sizeof(text); i++) {
		char line[512];

		nfu_ct_format_flags(v[i], flags, line, sizeof(line));
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s\n", line);
	}
	free(v);
	return text;
}

static void rx_udp(int ifx, uint32_t s, uint32_t d, unsigned int sp,
		   unsigned int dp, size_t dlen)
{
	uint8_t p[400];
	size_t n = build_udp(p, s, d, sp, dp, dlen);

	CHECK_INT(scene_rx(ifx, p, n), 0);
}

/* A UDP flow: unreplied, replied, a stream; the timeout counts down with
 * the stack's clock and is rounded down as ctnetlink does. */
static void test_udp_lines(void)
{
	REQUIRE(ct_scene(NULL));
	set_time(10);
	rx_udp(E0, A_ADDR, B_ADDR, 40000, 53, 5);
	CHECK_STR(table(0),
		  "udp      17 30 src=10.0.0.2 dst=192.168.1.9 sport=40000 dport=53 "
		  "[UNREPLIED] src=192.168.1.9 dst=10.0.0.2 sport=53 dport=40000 "
		  "mark=0 use=1\n");
	set_time(10.001);
	CHECK_STR(table(0),
		  "udp      17 29 src=10.0.0.2 dst=192.168.1.9 sport=40000 dport=53 "
		  "[UNREPLIED] src=192.168.1.9 dst=10.0.0.2 sport=53 dport=40000 "
		  "mark=0 use=1\n");
	set_time(39.5);
	CHECK(strstr(table(0), "udp      17 0 src=") != NULL);
	/* the reply at 11: seen, not assured (one packet each way) */
	set_time(11);
	rx_udp(E1, B_ADDR, A_ADDR, 53, 40000, 5);
	CHECK_STR(table(0),
		  "udp      17 30 src=10.0.0.2 dst=192.168.1.9 sport=40000 dport=53 "
		  "src=192.168.1.9 dst=10.0.0.2 sport=53 dport=40000 mark=0 use=1\n");
	/* active more than 2 s after it began: a stream, 120 s, assured */
	set_time(13);
	rx_udp(E0, A_ADDR, B_ADDR, 40000, 53, 5);
	set_time(20.25);
	CHECK_STR(table(NFU_CT_FMT_EXTENDED | NFU_CT_FMT_ID),
		  "ipv4     2 udp      17 112 src=10.0.0.2 dst=192.168.1.9 sport=40000 "
		  "dport=53 src=192.168.1.9 dst=10.0.0.2 sport=53 dport=40000 "
		  "[ASSURED] mark=0 use=1 id=1\n");
	/* expired: no longer listed, though still in the table until the
	 * collector or a lookup comes by */
	set_time(13 + 120);
	CHECK_STR(table(0), "");
	scene_down();
}

static void test_icmp_and_generic_lines(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(ct_scene(NULL));
	set_time(1);
	n = build_echo(p, A_ADDR, B_ADDR, 77, 1, 8);
	CHECK_INT(scene_rx(E0, p, n), 0);
	n = build_icmp(p, B_ADDR, A_ADDR, 0, 0, 77u << 16 | 1, NULL, 8);
	CHECK_INT(scene_rx(E1, p, n), 0);
	/* GRE: srckey, dstkey; its tracker (proto_gre.c) gives an
	 * unreplied flow 30 s, as Linux */
	n = build_ip(p, A_ADDR, B_ADDR, 47, 8);
	memset(p + 20, 0, 8);
	CHECK_INT(scene_rx(E0, p, n), 0);
	n = build_ip(p, A_ADDR, B_ADDR, 99, 8); /* no name: "unknown" */
	memset(p + 20, 0, 8);
	CHECK_INT(scene_rx(E0, p, n), 0);
	set_time(1.5);
	CHECK_STR(table(0),
		  "icmp     1 29 src=10.0.0.2 dst=192.168.1.9 type=8 code=0 id=77 "
		  "src=192.168.1.9 dst=10.0.0.2 type=0 code=0 id=77 mark=0 use=1\n"
		  "gre      47 29 src=10.0.0.2 dst=192.168.1.9 srckey=0x0 dstkey=0x0 "
		  "[UNREPLIED] src=192.168.1.9 dst=10.0.0.2 srckey=0x0 dstkey=0x0 "
		  "mark=0 use=1\n"
		  "unknown  99 599 src=10.0.0.2 dst=192.168.1.9 [UNREPLIED] "
		  "src=192.168.1.9 dst=10.0.0.2 mark=0 use=1\n");
	scene_down();
}

/* mark= always, zone= when not 0, helper= when one, use= the references,
 * id= with -o id. */
static void test_mark_zone_use(void)
{
	struct nfu_ct **v = NULL;
	size_t n = 0;
	char line[512];

	REQUIRE(ct_scene(NULL));
	rx_udp(E0, A_ADDR, B_ADDR, 1000, 2000, 0);
	REQUIRE(nfu_ct_list(sc.net->ct, &v, &n) == 0 && n == 1);
	v[0]->mark = 0xffffffffu;
	v[0]->zone = 5;
	v[0]->helper = nfu_ct_helper_find("tftp", 17); /* as CT --helper */
	v[0]->common.use++; /* as if a packet held it */
	nfu_ct_format_flags(v[0], NFU_CT_FMT_ID, line, sizeof(line));
	CHECK_STR(line, "udp      17 30 src=10.0.0.2 dst=192.168.1.9 sport=1000 "
			"dport=2000 [UNREPLIED] src=192.168.1.9 dst=10.0.0.2 "
			"sport=2000 dport=1000 mark=4294967295 zone=5 helper=tftp "
			"use=2 id=1");
	v[0]->helper = NULL;
	/* cut to the buffer, with the length of the whole */
	CHECK_INT(nfu_ct_entry_format(&(struct nfu_ct_entry){ .proto = 17 }, 0,
				      line, 10), 118);
	CHECK_STR(line, "udp      ");
	/* the zone is part of the hash: back to 0 before the table goes */
	v[0]->zone = 0;
	v[0]->common.use--;
	free(v);
	scene_down();
}

/* nf_conntrack_acct: packets= bytes= (the IP length) after each tuple. */
static void test_acct(void)
{
	REQUIRE(ct_scene("sysctl -w net.netfilter.nf_conntrack_acct=1\n"));
	rx_udp(E0, A_ADDR, B_ADDR, 42000, 6000, 5);
	rx_udp(E0, A_ADDR, B_ADDR, 42000, 6000, 5);
	rx_udp(E1, B_ADDR, A_ADDR, 6000, 42000, 100);
	CHECK_STR(table(0),
		  "udp      17 30 src=10.0.0.2 dst=192.168.1.9 sport=42000 dport=6000 "
		  "packets=2 bytes=66 src=192.168.1.9 dst=10.0.0.2 sport=6000 "
		  "dport=42000 packets=1 bytes=128 mark=0 use=1\n");
	scene_down();
}

/* With a TCP tracker that has states, the state follows the timeout. */
static void test_tcp_state(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(ct_scene(NULL));
	n = build_tcp(p, A_ADDR, B_ADDR, 40000, 80, 1000, 0, TH_SYN, 0);
	CHECK_INT(scene_rx(E0, p, n), 0);
	if (nfu_ct_l4proto_tcp.print_state)
		CHECK_STR(table(0),
			  "tcp      6 120 SYN_SENT src=10.0.0.2 dst=192.168.1.9 "
			  "sport=40000 dport=80 [UNREPLIED] src=192.168.1.9 "
			  "dst=10.0.0.2 sport=80 dport=40000 mark=0 use=1\n");
	else
		CHECK(!strncmp(table(0), "tcp      6 432000 src=10.0.0.2 ", 31));
	scene_down();
}

/* Lines conntrack-tools 1.4.7 printed on Linux 6.18. */
static const char *const KERNEL_LINES[] = {
	"tcp      6 431998 ESTABLISHED src=10.9.0.2 dst=10.9.0.1 sport=41000 dport=8080 src=10.9.0.1 dst=10.9.0.2 sport=8080 dport=41000 [ASSURED] mark=0 use=1",
	"tcp      6 118 TIME_WAIT src=10.9.0.2 dst=10.9.0.1 sport=41001 dport=8080 src=10.9.0.1 dst=10.9.0.2 sport=8080 dport=41001 [ASSURED] mark=0 use=1",
	"udp      17 28 src=10.9.0.2 dst=10.9.0.1 sport=40001 dport=9999 [UNREPLIED] src=10.9.0.1 dst=10.9.0.2 sport=9999 dport=40001 mark=0 use=1",
	"udp      17 28 src=10.9.0.2 dst=10.9.0.1 sport=40000 dport=5353 src=10.9.0.1 dst=10.9.0.2 sport=5353 dport=40000 mark=0 use=1",
	"icmp     1 29 src=10.9.0.2 dst=10.9.0.1 type=8 code=0 id=25038 src=10.9.0.1 dst=10.9.0.2 type=0 code=0 id=25038 mark=0 use=1",
	"ipv4     2 tcp      6 51 CLOSE_WAIT src=10.9.0.2 dst=10.9.0.1 sport=41000 dport=8080 src=10.9.0.1 dst=10.9.0.2 sport=8080 dport=41000 [ASSURED] mark=0 use=1",
	"udp      17 29 src=10.9.0.2 dst=10.9.0.1 sport=42000 dport=6000 packets=1 bytes=33 [UNREPLIED] src=10.9.0.1 dst=10.9.0.2 sport=6000 dport=42000 packets=0 bytes=0 mark=7 use=1",
	"unknown  99 599 src=10.9.0.2 dst=10.9.0.1 packets=1 bytes=28 [UNREPLIED] src=10.9.0.1 dst=10.9.0.2 packets=0 bytes=0 mark=0 use=1",
	"udp      17 29 src=10.9.0.2 dst=10.9.0.1 sport=42001 dport=6001 packets=1 bytes=33 [UNREPLIED] src=10.9.0.1 dst=10.9.0.2 sport=6001 dport=42001 packets=0 bytes=0 mark=0 zone=5 use=1",
	"gre      47 29 src=10.9.0.2 dst=10.9.0.1 srckey=0x0 dstkey=0x0 packets=1 bytes=28 [UNREPLIED] src=10.9.0.1 dst=10.9.0.2 srckey=0x0 dstkey=0x0 packets=0 bytes=0 mark=0 use=1",
	"ipv4     2 udp      17 119 src=10.9.0.2 dst=10.9.0.1 sport=43000 dport=5353 packets=4 bytes=132 src=10.9.0.1 dst=10.9.0.2 sport=5353 dport=43000 packets=4 bytes=132 [ASSURED] mark=0 use=1",
	"udp      17 16 src=10.9.0.2 dst=10.9.0.1 sport=40000 dport=5353 src=10.9.0.1 dst=10.9.0.2 sport=5353 dport=40000 mark=0 use=1 id=1478920821",
	"ipv4     2 icmp     1 17 src=10.9.0.2 dst=10.9.0.1 type=8 code=0 id=25038 src=10.9.0.1 dst=10.9.0.2 type=0 code=0 id=25038 mark=0 use=1 id=2851596338",
	"udp      17 29 src=10.9.0.2 dst=10.9.0.1 sport=44000 dport=69 [UNREPLIED] src=10.9.0.1 dst=10.9.0.2 sport=69 dport=44000 mark=0 helper=tftp use=1",
};

/* Read back and printed again: the same line (a fixed point). */
static void test_parse_fixed_point(void)
{
	for (size_t i = 0; i < sizeof(KERNEL_LINES) / sizeof(KERNEL_LINES[0]); i++) {
		const char *l = KERNEL_LINES[i];
		unsigned int flags = 0;
		struct nfu_ct_entry e;
		char err[200], out[512];
		int rc = nfu_ct_entry_parse(l, &e, err, sizeof(err));

		CHECK_INT(rc, 0);
		if (rc) {
			HARNESS_FAIL("line %zu: %s", i, err);
			continue;
		}
		if (!strncmp(l, "ipv4", 4))
			flags |= NFU_CT_FMT_EXTENDED;
		if (e.has_id)
			flags |= NFU_CT_FMT_ID;
		nfu_ct_entry_format(&e, flags, out, sizeof(out));
		CHECK_STR(out, l);
	}
}

static void test_parse_fields(void)
{
	struct nfu_ct_entry e;
	char err[200];

	CHECK_INT(nfu_ct_entry_parse(KERNEL_LINES[8], &e, err, sizeof(err)), 0);
	CHECK_INT(e.proto, 17);
	CHECK_INT(e.timeout, 29);
	CHECK_INT(e.tuple[0].src, __builtin_bswap32(A4(10, 9, 0, 2)));
	CHECK_INT(e.tuple[0].sport, __builtin_bswap16(42001));
	CHECK_INT(e.tuple[1].sport, __builtin_bswap16(6001));
	CHECK_INT(e.status, 0);
	CHECK(e.acct);
	CHECK_INT(e.packets[0], 1);
	CHECK_INT(e.bytes[0], 33);
	CHECK_INT(e.zone, 5);
	CHECK(!e.has_id);
	CHECK_INT(nfu_ct_entry_parse(KERNEL_LINES[4], &e, err, sizeof(err)), 0);
	CHECK_INT(e.tuple[0].dport, 8 << 8);
	CHECK_INT(e.tuple[1].dport, 0);
	CHECK_INT(e.tuple[0].sport, __builtin_bswap16(25038));
	CHECK_INT(e.status, NFU_IPS_SEEN_REPLY);
	CHECK_INT(nfu_ct_entry_parse(KERNEL_LINES[1], &e, err, sizeof(err)), 0);
	CHECK_STR(e.state, "TIME_WAIT");
	CHECK_INT(e.status, NFU_IPS_SEEN_REPLY | NFU_IPS_ASSURED);
}

static void test_parse_errors(void)
{
	static const struct {
		const char *line, *err;
	} bad[] = {
		{ "", "empty line" },
		{ "ipv6     10 udp      17 30 src=::1 dst=::1", "IPv6 connections are not supported" },
		{ "ipv4     3 udp", "expected 2 after ipv4, not `3'" },
		{ "udp 6 30 src=1.2.3.4 dst=1.2.3.5", "protocol 6 is `tcp', not `udp'" },
		{ "udp 17 x", "expected the timeout, not `x'" },
		{ "udp 17 30 src=1.2.3 dst=1.2.3.5 sport=1 dport=2", "expected src=ADDRESS dst=ADDRESS at `src=1.2.3'" },
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.256 sport=1 dport=2", "expected src=ADDRESS dst=ADDRESS at `src=1.2.3.4'" },
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.5 sport=1 dport=65536", "expected sport=PORT dport=PORT at `sport=1'" },
		{ "udp 17 30 Established src=1.2.3.4", "`Established' is not a state" },
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 packets=1 bytes=2 src=1.2.3.5 dst=1.2.3.4 sport=2 dport=1 mark=0 use=1",
		  "expected packets=N bytes=N after both tuples" },
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 src=1.2.3.5 dst=1.2.3.4 sport=2 dport=1 mark=0", "expected use=N at `(end of line)'" },
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 src=1.2.3.5 dst=1.2.3.4 sport=2 dport=1 mark=0 use=1 helper=ftp", "unexpected `helper=ftp'" },
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 src=1.2.3.5 dst=1.2.3.4 sport=2 dport=1 mark=0 secctx=x use=1", "expected use=N at `secctx=x'" },
		{ "gre 47 30 src=1.2.3.4 dst=1.2.3.5 srckey=5 dstkey=0x0", "expected srckey=0xN dstkey=0xN at `srckey=5'" },
		/* found by fuzz_ct_state: a zone 0 of one direction did not
		 * print back */
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 zone-orig=0 src=1.2.3.5 dst=1.2.3.4 sport=2 dport=1 mark=0 use=1", "bad `zone-orig=0'" },
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 zone-orig=3 src=1.2.3.5 dst=1.2.3.4 sport=2 dport=1 zone-reply=4 mark=0 use=1", "a second zone: `zone-reply=4'" },
		{ "udp 17 30 src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 src=1.2.3.5 dst=1.2.3.4 sport=2 dport=1 zone-reply=4 mark=0 zone=4 use=1", "a second zone: `zone=4'" },
	};
	struct nfu_ct_entry e;
	char err[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(nfu_ct_entry_parse(bad[i].line, &e, err, sizeof(err)), -EINVAL);
		CHECK_STR(err, bad[i].err);
	}
}

/*
 * Expectations (conntrack -L expect) and table files.
 */

/* As Linux 6.18 with conntrack-tools 1.4.7 listed them (FTP PORT and TFTP
 * read request through a router, tests/tools/conntrack.sh). */
static const char *const KERNEL_EXP_LINES[] = {
	"296 proto=17 src=10.50.0.69 dst=10.1.0.11 sport=0 dport=3069 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.11 master-dst=10.50.0.69 sport=3069 dport=69 class=0 helper=tftp",
	"299 proto=6 src=10.0.1.2 dst=10.0.2.2 sport=0 dport=50001 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.0.1.2 master-dst=10.0.2.2 sport=34008 dport=21 class=0 helper=ftp",
};

/* An expectation of a live stack: its line, and its master's use=. */
static void test_exp_lines(void)
{
	struct nfu_ct_exp_entry *x = NULL;
	struct nfu_ct **v = NULL;
	struct nfu_ct_tuple t;
	size_t n = 0;
	char line[512];

	REQUIRE(ct_scene(NULL));
	set_time(10);
	rx_udp(E0, A_ADDR, B_ADDR, 3069, 69, 5);
	REQUIRE(nfu_ct_list(sc.net->ct, &v, &n) == 0 && n == 1);
	v[0]->helper = nfu_ct_helper_find("tftp", 17); /* as CT --helper */
	/* what the tftp helper expects: the server, from any port */
	memset(&t, 0, sizeof(t));
	t.proto = 17;
	t.src = __builtin_bswap32(B_ADDR);
	t.dst = __builtin_bswap32(A_ADDR);
	t.sport = __builtin_bswap16(1234); /* masked: shown as 0 */
	t.dport = __builtin_bswap16(3069);
	CHECK_INT(nfu_ct_expect_related(v[0], &t, true), 0);
	set_time(10.25);
	REQUIRE(nfu_ct_exp_list(sc.net->ct, &x, &n) == 0 && n == 1);
	nfu_ct_exp_entry_format(&x[0], line, sizeof(line));
	CHECK_STR(line, "299 proto=17 src=192.168.1.9 dst=10.0.0.2 sport=0 dport=3069 "
			"mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 "
			"dport=65535 master-src=10.0.0.2 master-dst=192.168.1.9 "
			"sport=3069 dport=69 class=0 helper=tftp");
	free(x);
	/* the expectation's reference is not in the master's use= */
	nfu_ct_format_flags(v[0], 0, line, sizeof(line));
	CHECK(strstr(line, " helper=tftp use=1") != NULL);
	/* gone when its timeout has run out */
	set_time(10 + 300);
	x = NULL;
	REQUIRE(nfu_ct_exp_list(sc.net->ct, &x, &n) == 0);
	CHECK_INT(n, 0);
	free(x);
	v[0]->helper = NULL;
	free(v);
	scene_down();
}

static void test_exp_parse(void)
{
	static const struct {
		const char *line, *err;
	} bad[] = {
		{ "", "empty line" },
		{ "x proto=6", "expected the timeout, not `x'" },
		{ "30 proto=256 src=1.2.3.4", "expected proto=N at `proto=256'" },
		{ "30 proto=6 src=1.2.3.4 dst=1.2.3.5 sport=0 dport=1 mask-src=255.255.255.255 sport=0",
		  "expected mask-src=ADDRESS mask-dst=ADDRESS at `mask-src=255.255.255.255'" },
		{ "30 proto=6 src=1.2.3.4 dst=1.2.3.5 sport=0 dport=1 mask-src=0.0.0.0 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=1.2.3.5 master-dst=1.2.3.4 sport=9 dport=21 helper=ftp",
		  "expected class=N at `helper=ftp'" },
		{ "30 proto=6 src=1.2.3.4 dst=1.2.3.5 sport=0 dport=1 mask-src=0.0.0.0 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=1.2.3.5 master-dst=1.2.3.4 sport=9 dport=21 class=0 helper=ftp PERMANENT",
		  "unexpected `PERMANENT'" },
	};
	struct nfu_ct_exp_entry e;
	struct nfu_ct_tuple t;
	char err[200], out[512];

	for (size_t i = 0; i < sizeof(KERNEL_EXP_LINES) / sizeof(KERNEL_EXP_LINES[0]); i++) {
		CHECK_INT(nfu_ct_exp_entry_parse(KERNEL_EXP_LINES[i], &e, err, sizeof(err)), 0);
		nfu_ct_exp_entry_format(&e, out, sizeof(out));
		CHECK_STR(out, KERNEL_EXP_LINES[i]);
	}
	CHECK_INT(nfu_ct_exp_entry_parse(KERNEL_EXP_LINES[1], &e, err, sizeof(err)), 0);
	CHECK_INT(e.timeout, 299);
	CHECK_INT(e.tuple.proto, 6);
	CHECK_INT(e.tuple.dport, __builtin_bswap16(50001));
	CHECK_INT(e.mask.sport, 0);
	CHECK_INT(e.mask.dport, 0xffff);
	CHECK_INT(e.master.sport, __builtin_bswap16(34008));
	CHECK_INT(e.master.proto, 6);
	CHECK_STR(e.helper, "ftp");
	/* the data connection it expects: any source port, this one port */
	t = e.tuple;
	t.sport = __builtin_bswap16(20);
	CHECK(nfu_ct_exp_entry_matches(&e, &t));
	t.dport = __builtin_bswap16(50002);
	CHECK(!nfu_ct_exp_entry_matches(&e, &t));
	t = e.tuple;
	t.proto = 17;
	CHECK(!nfu_ct_exp_entry_matches(&e, &t));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(nfu_ct_exp_entry_parse(bad[i].line, &e, err, sizeof(err)), -EINVAL);
		CHECK_STR(err, bad[i].err);
	}
}

/* A table file: comments, connections and expectations told apart, every
 * line kept; an error names the line. */
static void test_table_parse(void)
{
	char text[2048], err[200];
	struct nfu_ct_table t;
	size_t errline = 99;
	int n;

	n = snprintf(text, sizeof(text), "# a comment\n%s\n\n  # another\n%s\n%s\n",
		     KERNEL_LINES[0], KERNEL_EXP_LINES[0], KERNEL_LINES[2]);
	REQUIRE(n > 0 && (size_t)n < sizeof(text));
	CHECK_INT(nfu_ct_table_parse(&t, text, (size_t)n, err, sizeof(err), &errline), 0);
	CHECK_INT(t.nlines, 7); /* the last one empty */
	CHECK_INT(t.nconn, 2);
	CHECK_INT(t.nexp, 1);
	if (t.nlines == 7) {
		CHECK_INT(t.line[0].kind, NFU_CT_LINE_OTHER);
		CHECK_STR(t.line[0].text, "# a comment");
		CHECK_INT(t.line[1].kind, NFU_CT_LINE_CONN);
		CHECK_INT(t.line[1].idx, 0);
		CHECK_INT(t.line[2].kind, NFU_CT_LINE_OTHER);
		CHECK_INT(t.line[3].kind, NFU_CT_LINE_OTHER);
		CHECK_INT(t.line[4].kind, NFU_CT_LINE_EXPECT);
		CHECK_STR(t.line[4].text, KERNEL_EXP_LINES[0]);
		CHECK_INT(t.line[5].kind, NFU_CT_LINE_CONN);
		CHECK_INT(t.line[5].idx, 1);
		CHECK_STR(t.line[6].text, "");
		CHECK_INT(t.exp[0].class, 0);
		CHECK_INT(t.conn[0].proto, 6);
		CHECK_INT(t.conn[1].proto, 17);
	}
	nfu_ct_table_free(&t);
	/* no newline at the end, an empty file */
	CHECK_INT(nfu_ct_table_parse(&t, KERNEL_LINES[0], strlen(KERNEL_LINES[0]),
				     err, sizeof(err), &errline), 0);
	CHECK_INT(t.nlines, 1);
	CHECK_INT(t.nconn, 1);
	nfu_ct_table_free(&t);
	CHECK_INT(nfu_ct_table_parse(&t, "", 0, err, sizeof(err), &errline), 0);
	CHECK_INT(t.nlines, 1);
	CHECK_INT(t.nconn + t.nexp, 0);
	nfu_ct_table_free(&t);
	/* the third line is broken: named, nothing kept */
	n = snprintf(text, sizeof(text), "# x\n%s\n30 proto=6 src=1.2.3.4\n",
		     KERNEL_EXP_LINES[1]);
	CHECK_INT(nfu_ct_table_parse(&t, text, (size_t)n, err, sizeof(err), &errline),
		  -EINVAL);
	CHECK_INT(errline, 3);
	CHECK_STR(err, "expected src=ADDRESS dst=ADDRESS at `src=1.2.3.4'");
	CHECK(t.line == NULL && t.text == NULL && t.conn == NULL && t.exp == NULL);
	/* a NUL byte would hide the rest of its line */
	memcpy(text, "# a\nudp\0 17\n", 13);
	CHECK_INT(nfu_ct_table_parse(&t, text, 13, err, sizeof(err), &errline), -EINVAL);
	CHECK_INT(errline, 2);
	CHECK_STR(err, "a NUL byte in the line");
}

/*
 * Sysctls.
 */

static long get(const char *name)
{
	long v = -12345;
	int rc = nfu_sysctl_get(sc.net, name, &v);

	if (rc)
		HARNESS_FAIL("get %s: %d", name, rc);
	return v;
}

static void test_sysctl_defaults(void)
{
	static const struct {
		const char *name;
		long v;
	} def[] = {
		{ "max", 262144 }, { "buckets", 262144 }, { "checksum", 1 },
		{ "acct", 0 }, { "tcp_loose", 1 }, { "tcp_be_liberal", 0 },
		{ "tcp_ignore_invalid_rst", 0 }, { "tcp_max_retrans", 3 },
		{ "log_invalid", 0 }, { "tcp_timeout_syn_sent", 120 },
		{ "tcp_timeout_syn_recv", 60 }, { "tcp_timeout_established", 432000 },
		{ "tcp_timeout_fin_wait", 120 }, { "tcp_timeout_close_wait", 60 },
		{ "tcp_timeout_last_ack", 30 }, { "tcp_timeout_time_wait", 120 },
		{ "tcp_timeout_close", 10 }, { "tcp_timeout_max_retrans", 300 },
		{ "tcp_timeout_unacknowledged", 300 }, { "udp_timeout", 30 },
		{ "udp_timeout_stream", 120 }, { "icmp_timeout", 30 },
		{ "gre_timeout", 30 }, { "gre_timeout_stream", 180 },
		{ "generic_timeout", 600 }, { "expect_max", 4096 }, { "count", 0 },
	};
	char name[128];

	REQUIRE(scene_up(NULL));
	CHECK(sc.net->ct == NULL);
	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++) {
		snprintf(name, sizeof(name), "net.netfilter.nf_conntrack_%s", def[i].name);
		CHECK_INT(get(name), def[i].v);
	}
	/* read, the state exists; conntrack is not on for it */
	CHECK(sc.net->ct != NULL);
	CHECK(!((struct nfu_ct_net *)sc.net->ct)->enabled);
	/* sysctl(8)'s slashes */
	CHECK_INT(get("net/netfilter/nf_conntrack_udp_timeout"), 30);
	scene_down();
}

static void test_sysctl_values(void)
{
	static const struct {
		const char *name, *value;
		int rc;
		long after;
	} cases[] = {
		/* booleans: proc_dou8vec_minmax 0..1 */
		{ "acct", "1", 0, 1 }, { "acct", "0", 0, 0 }, { "acct", " 1", 0, 1 },
		{ "acct", "01", 0, 1 }, { "acct", "1 2", 0, 1 }, { "acct", "1\n", 0, 1 },
		{ "acct", "2", -EINVAL, 1 }, { "acct", "-1", -EINVAL, 1 },
		{ "acct", "-0", -EINVAL, 1 }, { "acct", "+1", -EINVAL, 1 },
		{ "acct", "1x", -EINVAL, 1 }, { "acct", "  ", -EINVAL, 1 },
		{ "acct", "", 0, 1 }, { "checksum", "0", 0, 0 },
		{ "tcp_loose", "0", 0, 0 }, { "tcp_be_liberal", "1", 0, 1 },
		{ "tcp_ignore_invalid_rst", "1", 0, 1 },
		{ "tcp_ignore_invalid_rst", "256", -EINVAL, 1 },
		/* bytes: 0..255, C's bases */
		{ "log_invalid", "255", 0, 255 }, { "log_invalid", "256", -EINVAL, 255 },
		{ "log_invalid", "010", 0, 8 }, { "log_invalid", "0x11", 0, 17 },
		{ "log_invalid", "08", -EINVAL, 17 }, { "log_invalid", "0x", -EINVAL, 17 },
		{ "log_invalid", "5,6", -EINVAL, 17 }, { "tcp_max_retrans", "0", 0, 0 },
		/* timeouts: proc_dointvec_jiffies, |v| <= INT_MAX / HZ */
		{ "udp_timeout", "8589934", 0, 8589934 },
		{ "udp_timeout", "8589935", -EINVAL, 8589934 },
		{ "udp_timeout", "-5", 0, -5 }, { "udp_timeout", "-0", 0, 0 },
		{ "udp_timeout", "-8589935", -EINVAL, 0 },
		{ "udp_timeout", "\t45", 0, 45 }, { "udp_timeout", "-", -EINVAL, 45 },
		{ "udp_timeout_stream", "180", 0, 180 }, { "icmp_timeout", "10", 0, 10 },
		{ "gre_timeout", "45", 0, 45 }, { "gre_timeout_stream", "8589935", -EINVAL, 180 },
		{ "gre_timeout_stream", "200", 0, 200 },
		{ "generic_timeout", "0", 0, 0 }, { "tcp_timeout_established", "7200", 0, 7200 },
		{ "tcp_timeout_max_retrans", "90", 0, 90 },
		{ "tcp_timeout_unacknowledged", "91", 0, 91 },
		/* max 0..INT_MAX, expect_max 1..INT_MAX */
		{ "max", "0", 0, 0 }, { "max", "2147483647", 0, 2147483647 },
		{ "max", "2147483648", -EINVAL, 2147483647 }, { "max", "-1", -EINVAL, 2147483647 },
		{ "max", "0x40000", 0, 262144 }, { "expect_max", "0", -EINVAL, 4096 },
		{ "expect_max", "1", 0, 1 },
		/* read-only in a namespace */
		{ "buckets", "1024", -EACCES, 262144 }, { "count", "5", -EACCES, 0 },
	};
	char name[128];
	long v;

	REQUIRE(scene_up(NULL));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		snprintf(name, sizeof(name), "net.netfilter.nf_conntrack_%s", cases[i].name);
		rc = nfu_sysctl_set(sc.net, name, cases[i].value);
		if (rc != cases[i].rc)
			HARNESS_FAIL("%s=\"%s\": %d, not %d", name, cases[i].value, rc,
				     cases[i].rc);
		v = get(name);
		if (v != cases[i].after)
			HARNESS_FAIL("%s after \"%s\": %ld, not %ld", name,
				     cases[i].value, v, cases[i].after);
	}
	CHECK_INT(nfu_sysctl_set(sc.net, "net.netfilter.nf_conntrack_events", "1"), -ENOENT);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.netfilter.nf_conntrack_tcp_timeout_syn_sent2", "1"), -ENOENT);
	CHECK_INT(nfu_sysctl_set(sc.net, "net.netfilter.max", "1"), -ENOENT);
	CHECK_INT(nfu_sysctl_get(sc.net, "net.netfilter.nf_conntrack_nope", &v), -ENOENT);
	scene_down();
}

/* Settings set by the topology hold once conntrack starts; the count is
 * the connections alive; the timeouts are the trackers'. */
static void test_sysctl_in_effect(void)
{
	REQUIRE(ct_scene("sysctl -w net.netfilter.nf_conntrack_udp_timeout=7 "
			 "net.netfilter.nf_conntrack_max=2\n"));
	rx_udp(E0, A_ADDR, B_ADDR, 1, 2, 0);
	CHECK(strstr(table(0), "udp      17 7 src=") != NULL);
	rx_udp(E0, A_ADDR, B_ADDR, 3, 4, 0);
	rx_udp(E0, A_ADDR, B_ADDR, 5, 6, 0);
	CHECK_INT(get("net.netfilter.nf_conntrack_count"), 2);
	CHECK_INT(get("net.netfilter.nf_conntrack_max"), 2);
	scene_down();
}

int main(void)
{
	RUN(test_udp_lines);
	RUN(test_icmp_and_generic_lines);
	RUN(test_mark_zone_use);
	RUN(test_acct);
	RUN(test_tcp_state);
	RUN(test_parse_fixed_point);
	RUN(test_parse_fields);
	RUN(test_parse_errors);
	RUN(test_exp_lines);
	RUN(test_exp_parse);
	RUN(test_table_parse);
	RUN(test_sysctl_defaults);
	RUN(test_sysctl_values);
	RUN(test_sysctl_in_effect);
	return harness_done();
}
