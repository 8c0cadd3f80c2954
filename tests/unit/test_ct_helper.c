/* SPDX-License-Identifier: MIT */
/*
 * Helpers and expectations (lib/conntrack/expect.c, helper_ftp.c,
 * helper_tftp.c): an FTP control connection assigned the ftp helper (as
 * `-t raw -j CT --helper ftp' does, here by a template put on the packet
 * in a raw-priority hook) makes its PORT, EPRT, 227 and 229 announcements
 * expected; the data connection's first packet is RELATED, with the
 * master's mark, and the expectation is used up; one from elsewhere is
 * NEW.  What Linux's nf_conntrack_ftp does: only after traffic both ways,
 * only segments that start after a line's end, only the announcer's own
 * address (loose=0), one expectation per master (the newer replaces the
 * older), expectations gone with their master and after 5 minutes.
 * TFTP: a read request makes the server's answer from any port RELATED.
 */
#include "conntrack/ct-private.h"
#include "ipv4/ipv4-private.h"
#include "ipv4_scene.h"

#define CLIENT A4(10, 0, 0, 2)
#define SERVER A4(192, 168, 1, 9)

static uint32_t last_ctinfo;
static bool last_has_ct;
static struct nfu_ct *tmpl_ftp, *tmpl_tftp;

/* raw priority: the CT target's template on packets to port 21 / 69 */
static unsigned int attach(void *priv, struct nfu_pkt *pkt,
			   const struct nfu_hook_state *state)
{
	const uint8_t *ip = nfu_pkt_network_header(pkt);
	const uint8_t *l4 = ip + (ip[0] & 15) * 4;
	unsigned int dport = (unsigned int)l4[2] << 8 | l4[3];
	struct nfu_ct *t = NULL;
	(void)priv;
	(void)state;

	if (ip[9] == 6 && dport == 21)
		t = tmpl_ftp;
	else if (ip[9] == 17 && dport == 69)
		t = tmpl_tftp;
	if (t && !pkt->ct) {
		t->common.use++;
		pkt->ct = t;
		pkt->ctinfo = NFU_CT_NEW;
	}
	return NFU_ACCEPT;
}

static unsigned int look(void *priv, struct nfu_pkt *pkt,
			 const struct nfu_hook_state *state)
{
	(void)priv;
	(void)state;
	last_ctinfo = pkt->ctinfo;
	last_has_ct = pkt->ct != NULL;
	if (pkt->ct && nfu_pkt_network_header(pkt)[9] == 6 &&
	    last_ctinfo == NFU_CT_NEW)
		((struct nfu_ct *)pkt->ct)->mark = 0; /* the mark is set below */
	return NFU_ACCEPT;
}

static struct nfu_hook_ops ops[2];

static bool helper_scene(void)
{
	struct nfu_ct_net *cn;

	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	ops[0] = (struct nfu_hook_ops){ .hook = attach, .pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_PRE_ROUTING, .priority = NFU_IP_PRI_RAW };
	ops[1] = (struct nfu_hook_ops){ .hook = look, .pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_PRE_ROUTING, .priority = NFU_IP_PRI_FILTER };
	cn = nfu_ct_net(sc.net);
	if (!cn || nfu_ct_enable(sc.net) != 0)
		return false;
	tmpl_ftp = nfu_ct_template_new(cn, 0);
	tmpl_tftp = nfu_ct_template_new(cn, 0);
	if (!tmpl_ftp || !tmpl_tftp)
		return false;
	tmpl_ftp->helper = nfu_ct_helper_find("ftp", 6);
	tmpl_tftp->helper = nfu_ct_helper_find("tftp", 17);
	CHECK(tmpl_ftp->helper && tmpl_tftp->helper);
	CHECK(nfu_ct_helper_find("ftp", 17) == NULL);
	return nfu_hook_register(sc.net, &ops[0]) == 0 &&
	       nfu_hook_register(sc.net, &ops[1]) == 0;
}

static void helper_down(void)
{
	scene_down();
	nfu_ct_put(tmpl_ftp);
	nfu_ct_put(tmpl_tftp);
}

/* A TCP segment with 'text' as payload. */
static void seg(int ifx, uint32_t s, uint32_t d, unsigned int sp,
		unsigned int dp, uint32_t seq, uint32_t ack, uint8_t flags,
		const char *text)
{
	uint8_t p[600];
	size_t len = text ? strlen(text) : 0, n;

	n = build_tcp(p, s, d, sp, dp, seq, ack, flags, len);
	if (len) {
		uint8_t *t = p + 40;
		unsigned int sum;

		memcpy(t, text, len);
		wr16(p + 36, 0);
		sum = word_sum(p + 20, 20 + len, pseudo_sum(p, (unsigned int)(20 + len)));
		wr16(p + 36, ~sum & 0xffff);
	}
	scene_rx(ifx, p, n);
}

/* The control connection up to a logged-in client: the handshake, the
 * banner, USER and its answer (so the next lines start after a newline). */
static uint32_t cseq, sseq;
static void login(void)
{
	cseq = 1000;
	sseq = 5000;
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq + 1, TH_SYN | TH_ACK, NULL);
	cseq++;
	sseq++;
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK, NULL);
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH, "220 hello\r\n");
	sseq += 11;
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH, "USER ann\r\n");
	cseq += 10;
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH, "230 ok\r\n");
	sseq += 8;
	CHECK_INT(last_ctinfo, NFU_CT_ESTABLISHED_REPLY);
}

static void test_ftp_port(void)
{
	struct nfu_ct_net *cn;

	REQUIRE(helper_scene());
	cn = sc.net->ct;
	login();
	CHECK_INT(cn->expect_count, 0);
	/* PORT 10,0,0,2,39,16: the server connects back to 10.0.0.2:10000 */
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH,
	    "PORT 10,0,0,2,39,16\r\n");
	cseq += 21;
	CHECK_INT(cn->expect_count, 1);
	/* not from another address, nor to another port */
	seg(E1, A4(192, 168, 1, 10), CLIENT, 20, 10000, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	seg(E1, SERVER, CLIENT, 20, 10001, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	/* from the server, any source port: RELATED; used up */
	seg(E1, SERVER, CLIENT, 20, 10000, 7000, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_RELATED);
	CHECK_INT(cn->expect_count, 0);
	seg(E1, SERVER, CLIENT, 2020, 10000, 7000, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	helper_down();
}

static void test_ftp_passive_and_rules(void)
{
	struct nfu_ct_net *cn;

	REQUIRE(helper_scene());
	cn = sc.net->ct;
	login();
	/* 227 with the server's address: the client connects to it */
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH,
	    "227 Entering Passive Mode (192,168,1,9,200,10)\r\n");
	sseq += 48;
	CHECK_INT(cn->expect_count, 1);
	/* a second announcement replaces the first (max_expected 1) */
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH,
	    "229 Entering Extended Passive Mode (|||51000|)\r\n");
	sseq += 48;
	CHECK_INT(cn->expect_count, 1);
	seg(E0, CLIENT, SERVER, 33333, 51200, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW); /* 200*256+10: replaced */
	seg(E0, CLIENT, SERVER, 33334, 51000, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_RELATED);
	/* another host's address in 227: not recorded */
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH,
	    "227 Entering Passive Mode (10,9,9,9,200,11)\r\n");
	sseq += 45;
	CHECK_INT(cn->expect_count, 0);
	/* a segment that does not start after a newline is not read */
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH, "NOO");
	cseq += 3;
	CHECK(last_has_ct);
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH,
	    "PORT 10,0,0,2,39,17\r\n");
	cseq += 21;
	CHECK_INT(last_ctinfo, NFU_CT_ESTABLISHED);
	CHECK_INT(cn->expect_count, 0);
	/* EPRT, in lower case */
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH,
	    "eprt |1|10.0.0.2|4242|\r\n");
	cseq += 24;
	CHECK(last_has_ct);
	CHECK_INT(last_ctinfo, NFU_CT_ESTABLISHED);
	CHECK_INT(cn->expect_count, 1);
	/* expectations expire after 5 minutes */
	nfu_net_set_time(sc.net, 301ull * 1000000000u);
	seg(E1, SERVER, CLIENT, 20, 4242, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	CHECK_INT(cn->expect_count, 0);
	helper_down();
}

static void test_ftp_partial_dropped(void)
{
	REQUIRE(helper_scene());
	login();
	/* "PO" at a segment's end after a newline: a partial command */
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH, "PO");
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 1);
	helper_down();
}

/* Linux's try_rfc1123(): a 227 reply's numbers are read from the first
 * digit, parentheses or not; a 227 with no numbers that parse drops the
 * segment (found == -1 in help()). */
static void test_ftp_227_without_parentheses(void)
{
	struct nfu_ct_net *cn;
	const char *m;

	REQUIRE(helper_scene());
	cn = sc.net->ct;
	login();
	m = "227 Entering Passive Mode 192,168,1,9,200,12\r\n";
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH, m);
	sseq += (uint32_t)strlen(m);
	CHECK_INT(cn->expect_count, 1);
	seg(E0, CLIENT, SERVER, 33335, 51212, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_RELATED);
	m = "227 =192,168,1,9,200,13\r\n";
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH, m);
	sseq += (uint32_t)strlen(m);
	CHECK_INT(cn->expect_count, 1);
	seg(E0, CLIENT, SERVER, 33336, 51213, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_RELATED);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 0);
	/* no numbers: partial, dropped */
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH,
	    "227 passive mode\r\n");
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 1);
	helper_down();
}

/* try_epsv_response(): any delimiter but a digit, three times the same;
 * mixed ones do not parse, which drops the segment. */
static void test_ftp_229_delimiters(void)
{
	struct nfu_ct_net *cn;
	const char *m;

	REQUIRE(helper_scene());
	cn = sc.net->ct;
	login();
	m = "229 Extended Passive (!!!51001!)\r\n";
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH, m);
	sseq += (uint32_t)strlen(m);
	CHECK_INT(cn->expect_count, 1);
	seg(E0, CLIENT, SERVER, 33337, 51001, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_RELATED);
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH,
	    "229 Extended Passive (|!|51002|)\r\n");
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 1);
	CHECK_INT(cn->expect_count, 0);
	helper_down();
}

/* update_nl_seq(): with two line ends remembered, an older one (an old
 * line sent again) does not push out the older of the two: a segment
 * starting there is still read. */
static void test_ftp_old_line_again(void)
{
	uint32_t s0, s1;

	REQUIRE(helper_scene());
	login();
	s0 = cseq;
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH, "NOOP\r\n");
	cseq += 6;
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH, "NOOP\r\n");
	cseq += 6;
	s1 = cseq;
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH,
	    "PORT 10,0,0,2,39,18\r\n");
	cseq += 21;
	/* the first NOOP again, then the PORT's segment again, another port */
	seg(E0, CLIENT, SERVER, 40000, 21, s0, sseq, TH_ACK | TH_PSH, "NOOP\r\n");
	seg(E0, CLIENT, SERVER, 40000, 21, s1, sseq, TH_ACK | TH_PSH,
	    "PORT 10,0,0,2,39,19\r\n");
	seg(E1, SERVER, CLIENT, 20, 10003, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_RELATED);
	seg(E1, SERVER, CLIENT, 20, 10002, 1, 0, TH_SYN, NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	helper_down();
}

static void test_tftp(void)
{
	uint8_t p[700];
	size_t n;
	struct nfu_ct_net *cn;

	REQUIRE(helper_scene());
	cn = sc.net->ct;
	n = build_udp(p, CLIENT, SERVER, 3000, 69, 12);
	p[28] = 0;
	p[29] = 1; /* RRQ */
	wr16(p + 26, 0); /* no UDP checksum */
	scene_rx(E0, p, n);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	CHECK_INT(cn->expect_count, 1);
	/* the transfer from the server's own port */
	n = build_udp(p, SERVER, CLIENT, 50123, 3000, 516);
	scene_rx(E1, p, n);
	CHECK_INT(last_ctinfo, NFU_CT_RELATED);
	helper_down();
}

/* The log lines of the stack (ops.log), for the tests of the helpers'
 * nf_ct_helper_log(). */
static char logged[4][512];
static int logged_level[4];
static unsigned int nlogged;

static void on_log(void *priv, int level, const char *line)
{
	(void)priv;
	if (nlogged < 4) {
		snprintf(logged[nlogged], sizeof(logged[0]), "%s", line);
		logged_level[nlogged] = level;
	}
	nlogged++;
}

static void log_to_test(void)
{
	static const struct nfu_net_ops lops = {
		.xmit = scene_xmit,
		.dropped = scene_dropped,
		.log = on_log,
	};

	nlogged = 0;
	nfu_net_set_ops(sc.net, &lops);
}

/* A segment dropped by the helper is logged as Linux's nf_ct_helper_log()
 * logs it (nf_log_packet() without devices or loginfo: level 5, TCP
 * sequence numbers, the TTL of POSTROUTING, where the helper runs), once
 * the stack's logger is bound (a LOG rule loaded); before, nothing. */
static void test_ftp_partial_logged(void)
{
	const char *m = "PORT 10,0,0,2,";

	REQUIRE(helper_scene());
	log_to_test();
	login();
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH, m);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 1);
	CHECK_INT(nlogged, 0);
	nfu_log_bind(sc.net);
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH, m);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 2);
	REQUIRE(nlogged == 1);
	CHECK_INT(logged_level[0], 5);
	CHECK_STR(logged[0],
		  "nf_ct_ftp: dropping packet: partial matching of `PORT' "
		  "IN= OUT= SRC=10.0.0.2 DST=192.168.1.9 LEN=54 TOS=0x00 "
		  "PREC=0x00 TTL=63 ID=4660 PROTO=TCP SPT=40000 DPT=21 "
		  "SEQ=1011 ACK=5020 WINDOW=64240 RES=0x00 ACK PSH URGP=0 ");
	/* the server's side: the pattern's own text, its space included */
	seg(E1, SERVER, CLIENT, 21, 40000, sseq, cseq, TH_ACK | TH_PSH,
	    "227 passive mode\r\n");
	REQUIRE(nlogged == 2);
	CHECK(!strncmp(logged[1], "nf_ct_ftp: dropping packet: partial "
		       "matching of `227 ' IN= OUT= SRC=192.168.1.9 ", 71));
	/* a whole line is read and passes, unlogged */
	seg(E0, CLIENT, SERVER, 40000, 21, cseq, sseq, TH_ACK | TH_PSH,
	    "PORT 10,0,0,2,39,16\r\n");
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 3);
	CHECK_INT(nlogged, 2);
	helper_down();
}

/* TFTP's request whose expectation cannot be added (the table full:
 * nf_conntrack_expect_max) is dropped and logged. */
static void test_tftp_cannot_add_logged(void)
{
	uint8_t p[700];
	size_t n;

	REQUIRE(helper_scene());
	log_to_test();
	nfu_log_bind(sc.net);
	REQUIRE(nfu_ct_sysctl_set(sc.net, "nf_conntrack_expect_max", "1") == 0);
	n = build_udp(p, CLIENT, SERVER, 3000, 69, 12);
	p[28] = 0;
	p[29] = 1; /* RRQ */
	wr16(p + 26, 0);
	scene_rx(E0, p, n);
	CHECK_INT(((struct nfu_ct_net *)sc.net->ct)->expect_count, 1);
	CHECK_INT(nlogged, 0);
	n = build_udp(p, CLIENT, SERVER, 3001, 69, 12);
	p[28] = 0;
	p[29] = 1;
	wr16(p + 26, 0);
	scene_rx(E0, p, n);
	CHECK_INT(drops_of(NFU_DROP_NETFILTER), 1);
	REQUIRE(nlogged == 1);
	CHECK_STR(logged[0],
		  "nf_ct_tftp: dropping packet: cannot add expectation IN= "
		  "OUT= SRC=10.0.0.2 DST=192.168.1.9 LEN=40 TOS=0x00 PREC=0x00 "
		  "TTL=63 ID=4660 PROTO=UDP SPT=3001 DPT=69 LEN=20 ");
	helper_down();
}

int main(void)
{
	RUN(test_ftp_port);
	RUN(test_ftp_passive_and_rules);
	RUN(test_ftp_partial_dropped);
	RUN(test_ftp_227_without_parentheses);
	RUN(test_ftp_229_delimiters);
	RUN(test_ftp_old_line_again);
	RUN(test_tftp);
	RUN(test_ftp_partial_logged);
	RUN(test_tftp_cannot_add_logged);
	return harness_done();
}
