/* SPDX-License-Identifier: MIT */
/*
 * test_nat_helper.c - NAT for the helpers (lib/nat/nat_helper.c with the
 * ftp and tftp helpers of lib/conntrack): FTP lines rewritten to the
 * translated address (PORT, EPRT through SNAT and MASQUERADE; 227 and
 * 229 from a server behind DNAT), longer and shorter; the sequence
 * adjustment of the later segments of both directions, SACK blocks
 * included; the expected data connection bound to the address and port
 * the line named; a port another connection expects already.
 *
 * The scene is ipv4_scene.h's (A 10.0.0.2 on e0, the router 10.0.1.1 on
 * e1, servers 192.168.0.x via B), with a second LAN client 10.0.0.200.
 * Every checksum that leaves is recomputed from scratch with the
 * scene's plain word sum.  The expectations are Linux 6.18's
 * (nf_nat_ftp.c, nf_nat_helper.c, nf_conntrack_seqadj.c); the
 * conformance scenarios nat-ftp-* compare the same with the kernel.
 */
#include "conntrack/ct-private.h"
#include "ipv4_scene.h"
#include "nat/nat-private.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

#define C(a) A4(192, 168, 0, a)
#define IP_A2 A4(10, 0, 0, 200)

#define HELPER_FTP                                                           \
	"*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"             \
	"-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp\n"        \
	"COMMIT\n"
#define NAT_HEAD                                                             \
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"              \
	":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"

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

/* The host, the ftp helper on port 21 and the nat rules 'rules'. */
static bool ftp_up(const char *rules)
{
	char text[2048];

	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"
		      "ip neigh add 10.0.0.200 lladdr 02:00:00:00:aa:03 dev e0\n"))
		return false;
	if (!load(HELPER_FTP))
		return false;
	snprintf(text, sizeof(text), NAT_HEAD "%sCOMMIT\n", rules);
	return load(text);
}

/* A TCP segment with options 'opt' ('olen', a multiple of 4) and the
 * payload 'data' (a string), its checksum right. */
static size_t seg(uint8_t *b, uint32_t s, uint32_t d, unsigned int sp,
		  unsigned int dp, uint32_t seq, uint32_t ack, uint8_t flags,
		  const uint8_t *opt, size_t olen, const char *data)
{
	uint8_t *t = b + 20;
	size_t dlen = data ? strlen(data) : 0, l4 = 20 + olen + dlen;

	memset(t, 0, 20);
	wr16(t, sp);
	wr16(t + 2, dp);
	wr32(t + 4, seq);
	wr32(t + 8, ack);
	t[12] = (uint8_t)((5 + olen / 4) << 4);
	t[13] = flags;
	wr16(t + 14, 502);
	if (olen)
		memcpy(t + 20, opt, olen);
	if (dlen)
		memcpy(t + 20 + olen, data, dlen);
	build_ip(b, s, d, 6, l4);
	wr16(t + 16, ~word_sum(t, l4, pseudo_sum(b, (unsigned int)l4)) & 0xffff);
	return 20 + l4;
}

static void tx(int ifx, uint32_t s, uint32_t d, unsigned int sp, unsigned int dp,
	       uint32_t seq, uint32_t ack, uint8_t flags, const char *data)
{
	uint8_t b[1600];

	scene_clear();
	scene_rx(ifx, b, seg(b, s, d, sp, dp, seq, ack, flags, NULL, 0, data));
}

/* The IP packet that left last by 'ifx' since the last tx(), or NULL. */
static const uint8_t *out(int ifx)
{
	if (!sc.nout || sc.out[sc.nout - 1].ifindex != ifx) {
		HARNESS_FAIL("nothing left by %d (%u frames, %u drops)", ifx,
			     sc.nout, sc.ndrops);
		return NULL;
	}
	return out_ip(sc.nout - 1);
}

static bool sums_ok(const uint8_t *ip)
{
	return ip_csum_ok(ip) && l4_csum_ok(ip);
}

static const char *payload(const uint8_t *ip, size_t *n)
{
	const uint8_t *t = ip + ip_hlen(ip);
	size_t off = ip_hlen(ip) + (size_t)(t[12] >> 4) * 4;

	*n = rd16(ip + 2) - off;
	return (const char *)ip + off;
}

/* Is the payload of 'ip' the string 's'? */
static bool payload_is(const uint8_t *ip, const char *s)
{
	size_t n;
	const char *p = payload(ip, &n);

	if (n != strlen(s) || memcmp(p, s, n)) {
		HARNESS_FAIL("payload '%.*s', not '%s'", (int)n, p, s);
		return false;
	}
	return true;
}

#define SEQ(ip) rd32((ip) + ip_hlen(ip) + 4)
#define ACK(ip) rd32((ip) + ip_hlen(ip) + 8)

static struct nfu_ct_net *cn(void)
{
	return sc.net->ct;
}

static struct nfu_ct *find(uint32_t s, uint32_t d, unsigned int sp, unsigned int dp)
{
	struct nfu_ct_tuple t = { 0 };

	t.src = __builtin_bswap32(s);
	t.dst = __builtin_bswap32(d);
	t.sport = __builtin_bswap16((uint16_t)sp);
	t.dport = __builtin_bswap16((uint16_t)dp);
	t.proto = 6;
	return nfu_ct_find(cn(), &t, 0, NULL);
}

/* A control connection from 'cli':'port' to C(5):21 seen from the
 * public address 'pub', up to the client's first line after USER (its
 * sequence 1009, the server's 5011). */
static bool control_up(uint32_t cli, unsigned int port, uint32_t pub)
{
	tx(E0, cli, C(5), port, 21, 1000, 0, TH_SYN, NULL);
	tx(E1, C(5), pub, 21, port, 5000, 1001, TH_SYN | TH_ACK, NULL);
	tx(E0, cli, C(5), port, 21, 1001, 5001, TH_ACK, NULL);
	tx(E0, cli, C(5), port, 21, 1001, 5001, TH_ACK | TH_PSH, "USER a\r\n");
	tx(E1, C(5), pub, 21, port, 5001, 1009, TH_ACK | TH_PSH, "331 pass\r\n");
	return sc.nout == 1;
}

/* PORT through SNAT to a longer address: two bytes more; the client's
 * later segments move up by two, the server's acknowledgements (and
 * SACK blocks) down by two, in the tracker too (none is INVALID); the
 * server's data connection to the public address goes to the client. */
static void test_port_longer(void)
{
	static const uint8_t sack[12] = { 1, 1, 5, 10, 0, 0, 0x04, 0x1e,
					  0, 0, 0x04, 0x28 }; /* 1054-1064 */
	const uint8_t *ip;
	uint8_t b[200];
	struct nfu_ct *ct, *d;
	const uint32_t pub = A4(10, 0, 1, 100);

	REQUIRE(ftp_up("-A POSTROUTING -o e1 -p tcp -j SNAT --to-source 10.0.1.100\n"));
	REQUIRE(control_up(IP_A, 40000, pub));
	tx(E0, IP_A, C(5), 40000, 21, 1009, 5011, TH_ACK | TH_PSH,
	   "PORT 10,0,0,2,195,81\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "PORT 10,0,1,100,195,81\r\n"));
	CHECK_INT(rd16(ip + 2), 20 + 20 + 24);
	CHECK_INT(SEQ(ip), 1009);
	CHECK(sums_ok(ip));
	ct = find(IP_A, C(5), 40000, 21);
	REQUIRE(ct);
	CHECK(ct->status & NFU_IPS_SEQ_ADJUST);
	CHECK_INT(nfu_nat_seq_offset(ct, NFU_CT_DIR_ORIGINAL, 1010), 2);
	CHECK_INT(nfu_nat_seq_offset(ct, NFU_CT_DIR_ORIGINAL, 1009), 0);
	/* the server acknowledges 24 bytes: the client sees 22 */
	tx(E1, C(5), pub, 21, 40000, 5011, 1033, TH_ACK | TH_PSH, "200 ok\r\n");
	REQUIRE(ip = out(E0));
	CHECK_INT(ACK(ip), 1031);
	CHECK_INT(SEQ(ip), 5011);
	CHECK(sums_ok(ip));
	/* the client's next line: sequence 1031 leaves as 1033 */
	tx(E0, IP_A, C(5), 40000, 21, 1031, 5019, TH_ACK | TH_PSH, "LIST\r\n");
	REQUIRE(ip = out(E1));
	CHECK_INT(SEQ(ip), 1033);
	CHECK_INT(ACK(ip), 5019);
	CHECK(payload_is(ip, "LIST\r\n"));
	CHECK(sums_ok(ip));
	/* an acknowledgement with a SACK block of the client's data, in
	 * the numbering the server sees: both edges down by two */
	scene_clear();
	scene_rx(E1, b, seg(b, C(5), pub, 21, 40000, 5019, 1039, TH_ACK, sack,
			    sizeof(sack), NULL));
	REQUIRE(ip = out(E0));
	CHECK_INT(ACK(ip), 1037);
	CHECK_INT(rd32(ip + 20 + 24), 1052);
	CHECK_INT(rd32(ip + 20 + 28), 1062);
	CHECK(sums_ok(ip));
	/* the data connection from port 20 to the public address and the
	 * port of the line: to the client, RELATED */
	tx(E1, C(5), pub, 20, 50001, 9000, 0, TH_SYN, NULL);
	REQUIRE(ip = out(E0));
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 22), 50001);
	CHECK_INT(rd32(ip + 12), C(5));
	CHECK(sums_ok(ip));
	d = find(C(5), pub, 20, 50001);
	REQUIRE(d);
	CHECK(d->master == ct);
	CHECK(d->status & NFU_IPS_DST_NAT);
	/* nothing was INVALID on the way */
	CHECK_INT(cn()->invalid, 0);
}

/* PORT through MASQUERADE from a longer address (10.0.0.200) to
 * 10.0.1.1: two bytes fewer; a second line changes it again (the offsets
 * add up) and the first line's retransmission changes nothing more. */
static void test_port_shorter_twice(void)
{
	const uint8_t *ip;
	struct nfu_ct *ct;

	REQUIRE(ftp_up("-A POSTROUTING -o e1 -j MASQUERADE\n"));
	REQUIRE(control_up(IP_A2, 40001, IP_E1));
	tx(E0, IP_A2, C(5), 40001, 21, 1009, 5011, TH_ACK | TH_PSH,
	   "PORT 10,0,0,200,195,81\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "PORT 10,0,1,1,195,81\r\n"));
	CHECK(sums_ok(ip));
	ct = find(IP_A2, C(5), 40001, 21);
	REQUIRE(ct);
	/* sent again (the same segment): the same text, no new offset */
	tx(E0, IP_A2, C(5), 40001, 21, 1009, 5011, TH_ACK | TH_PSH,
	   "PORT 10,0,0,200,195,81\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "PORT 10,0,1,1,195,81\r\n"));
	CHECK_INT(SEQ(ip), 1009);
	CHECK_INT(nfu_nat_seq_offset(ct, NFU_CT_DIR_ORIGINAL, 1040), -2);
	tx(E1, C(5), IP_E1, 21, 40001, 5011, 1031, TH_ACK | TH_PSH, "200 ok\r\n");
	REQUIRE(ip = out(E0));
	CHECK_INT(ACK(ip), 1033);
	/* a second PORT at 1033: leaves at 1031, two bytes shorter again */
	tx(E0, IP_A2, C(5), 40001, 21, 1033, 5019, TH_ACK | TH_PSH,
	   "PORT 10,0,0,200,195,82\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "PORT 10,0,1,1,195,82\r\n"));
	CHECK_INT(SEQ(ip), 1031);
	CHECK(sums_ok(ip));
	CHECK_INT(nfu_nat_seq_offset(ct, NFU_CT_DIR_ORIGINAL, 1034), -4);
	/* the server's ack of both (1031 + 22) is the client's 1057 */
	tx(E1, C(5), IP_E1, 21, 40001, 5019, 1053, TH_ACK | TH_PSH, "200 ok\r\n");
	REQUIRE(ip = out(E0));
	CHECK_INT(ACK(ip), 1057);
	CHECK(sums_ok(ip));
	tx(E0, IP_A2, C(5), 40001, 21, 1057, 5027, TH_ACK, NULL);
	REQUIRE(ip = out(E1));
	CHECK_INT(SEQ(ip), 1053);
	CHECK_INT(cn()->invalid, 0);
}

/* EPRT through SNAT: "|1|10.0.0.2|50000|" becomes
 * "|1|10.0.1.100|50000|". */
static void test_eprt(void)
{
	const uint8_t *ip;

	REQUIRE(ftp_up("-A POSTROUTING -o e1 -p tcp -j SNAT --to-source 10.0.1.100\n"));
	REQUIRE(control_up(IP_A, 40002, A4(10, 0, 1, 100)));
	tx(E0, IP_A, C(5), 40002, 21, 1009, 5011, TH_ACK | TH_PSH,
	   "EPRT |1|10.0.0.2|50000|\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "EPRT |1|10.0.1.100|50000|\r\n"));
	CHECK(sums_ok(ip));
	tx(E1, C(5), A4(10, 0, 1, 100), 20, 50000, 9000, 0, TH_SYN, NULL);
	REQUIRE(ip = out(E0));
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 22), 50000);
}

/* A server behind DNAT (10.0.1.200:21 to 10.0.0.2): its 227 names the
 * public address (two bytes longer), its 229 is left as it is (the same
 * port); the server's later segments move up, the client's
 * acknowledgements down; the client's data connections to the public
 * address go to the server. */
static void test_pasv_epsv_dnat(void)
{
	const uint32_t pub = A4(10, 0, 1, 200);
	const uint8_t *ip;
	struct nfu_ct *ct;

	REQUIRE(ftp_up("-A PREROUTING -i e1 -d 10.0.1.200 -p tcp --dport 21 "
		       "-j DNAT --to-destination 10.0.0.2\n"));
	tx(E1, C(7), pub, 40020, 21, 1000, 0, TH_SYN, NULL);
	REQUIRE(ip = out(E0));
	CHECK_INT(rd32(ip + 16), IP_A);
	tx(E0, IP_A, C(7), 21, 40020, 5000, 1001, TH_SYN | TH_ACK, NULL);
	tx(E1, C(7), pub, 40020, 21, 1001, 5001, TH_ACK, NULL);
	tx(E0, IP_A, C(7), 21, 40020, 5001, 1001, TH_ACK | TH_PSH, "220 hi\r\n");
	tx(E1, C(7), pub, 40020, 21, 1001, 5009, TH_ACK | TH_PSH, "PASV\r\n");
	tx(E0, IP_A, C(7), 21, 40020, 5009, 1007, TH_ACK | TH_PSH,
	   "227 Entering Passive Mode (10,0,0,2,195,100).\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "227 Entering Passive Mode (10,0,1,200,195,100).\r\n"));
	CHECK_INT(rd32(ip + 12), pub);
	CHECK(sums_ok(ip));
	ct = find(C(7), pub, 40020, 21);
	REQUIRE(ct);
	CHECK_INT(nfu_nat_seq_offset(ct, NFU_CT_DIR_REPLY, 5010), 2);
	/* the client acknowledges 5009 + 49; the server sees 5009 + 47 */
	tx(E1, C(7), pub, 40020, 21, 1007, 5058, TH_ACK | TH_PSH, "EPSV\r\n");
	REQUIRE(ip = out(E0));
	CHECK_INT(ACK(ip), 5056);
	CHECK(sums_ok(ip));
	tx(E0, IP_A, C(7), 21, 40020, 5056, 1013, TH_ACK | TH_PSH,
	   "229 Entering Extended Passive Mode (|||50030|)\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "229 Entering Extended Passive Mode (|||50030|)\r\n"));
	CHECK_INT(SEQ(ip), 5058);
	CHECK(sums_ok(ip));
	/* the 229's expectation replaced the 227's (one per master) */
	tx(E1, C(7), pub, 50021, 50030, 7000, 0, TH_SYN, NULL);
	REQUIRE(ip = out(E0));
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 22), 50030);
	CHECK_INT(rd32(ip + 12), C(7));
	CHECK(sums_ok(ip));
	CHECK_INT(cn()->invalid, 0);
}

/* Two clients behind MASQUERADE ask the same server for the same data
 * port: the second's expectation clashes with the first's
 * (__nf_ct_expect_check(): -EBUSY) and takes another port above it,
 * which its line names; the data connection to that port goes to the
 * second client at the port it asked for. */
static void test_port_in_use(void)
{
	const uint8_t *ip;
	char want[64];
	unsigned int p1, p2;
	size_t n;
	const char *pl;

	REQUIRE(ftp_up("-A POSTROUTING -o e1 -j MASQUERADE\n"));
	REQUIRE(control_up(IP_A, 40003, IP_E1));
	tx(E0, IP_A, C(5), 40003, 21, 1009, 5011, TH_ACK | TH_PSH,
	   "PORT 10,0,0,2,195,80\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "PORT 10,0,1,1,195,80\r\n"));
	REQUIRE(control_up(IP_A2, 40004, IP_E1));
	tx(E0, IP_A2, C(5), 40004, 21, 1009, 5011, TH_ACK | TH_PSH,
	   "PORT 10,0,0,200,195,80\r\n");
	REQUIRE(ip = out(E1));
	pl = payload(ip, &n);
	REQUIRE(n > 14 && n < 40);
	REQUIRE(sscanf(pl, "PORT 10,0,1,1,%u,%u\r\n", &p1, &p2) == 2);
	snprintf(want, sizeof(want), "PORT 10,0,1,1,%u,%u\r\n", p1, p2);
	CHECK(payload_is(ip, want));
	CHECK(sums_ok(ip));
	/* get_random_u32_between(50000, 65535) */
	CHECK(p1 * 256 + p2 > 50000);
	CHECK(p1 * 256 + p2 < 65535);
	/* the first client's port still goes to the first client */
	tx(E1, C(5), IP_E1, 20, 50000, 9000, 0, TH_SYN, NULL);
	REQUIRE(ip = out(E0));
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 22), 50000);
	/* the new port to the second, at the port it asked for */
	tx(E1, C(5), IP_E1, 20, p1 * 256 + p2, 9100, 0, TH_SYN, NULL);
	REQUIRE(ip = out(E0));
	CHECK_INT(rd32(ip + 16), IP_A2);
	CHECK_INT(rd16(ip + 22), 50000);
	CHECK(sums_ok(ip));
}

/* The 229 of a server behind DNAT names a port the client's other
 * control connection expects already: the second line is rewritten to
 * another port above it, and the client's data connection to that port
 * reaches the server at the port it named. */
static void test_epsv_port_in_use(void)
{
	const uint32_t pub = A4(10, 0, 1, 200);
	const uint8_t *ip;
	unsigned int port, sp;
	size_t n;
	const char *pl;

	REQUIRE(ftp_up("-A PREROUTING -i e1 -d 10.0.1.200 -p tcp --dport 21 "
		       "-j DNAT --to-destination 10.0.0.2\n"));
	for (sp = 40030; sp <= 40031; sp++) {
		tx(E1, C(7), pub, sp, 21, 1000, 0, TH_SYN, NULL);
		tx(E0, IP_A, C(7), 21, sp, 5000, 1001, TH_SYN | TH_ACK, NULL);
		tx(E1, C(7), pub, sp, 21, 1001, 5001, TH_ACK, NULL);
		tx(E0, IP_A, C(7), 21, sp, 5001, 1001, TH_ACK | TH_PSH, "220 hi\r\n");
		tx(E1, C(7), pub, sp, 21, 1001, 5009, TH_ACK | TH_PSH, "EPSV\r\n");
		tx(E0, IP_A, C(7), 21, sp, 5009, 1007, TH_ACK | TH_PSH,
		   "229 Entering Extended Passive Mode (|||50030|)\r\n");
		REQUIRE(ip = out(E1));
	}
	pl = payload(ip, &n);
	REQUIRE(n < 64);
	REQUIRE(sscanf(pl, "229 Entering Extended Passive Mode (|||%u|)", &port) == 1);
	CHECK(port > 50030 && port < 65535);
	{
		char want[64];

		snprintf(want, sizeof(want),
			 "229 Entering Extended Passive Mode (|||%u|)\r\n", port);
		CHECK(payload_is(ip, want));
	}
	CHECK(sums_ok(ip));
	tx(E1, C(7), pub, 50040, port, 7000, 0, TH_SYN, NULL);
	REQUIRE(ip = out(E0));
	CHECK_INT(rd32(ip + 16), IP_A);
	CHECK_INT(rd16(ip + 22), 50030);
	CHECK(sums_ok(ip));
	/* and the first connection's 50030 still reaches the server */
	tx(E1, C(7), pub, 50041, 50030, 7100, 0, TH_SYN, NULL);
	REQUIRE(ip = out(E0));
	CHECK_INT(rd16(ip + 22), 50030);
}

/* The control connection without NAT: the line is left as it is and no
 * sequence adjustment is made. */
static void test_no_nat_no_rewrite(void)
{
	const uint8_t *ip;
	struct nfu_ct *ct;

	REQUIRE(ftp_up(""));
	REQUIRE(control_up(IP_A, 40005, IP_A));
	tx(E0, IP_A, C(5), 40005, 21, 1009, 5011, TH_ACK | TH_PSH,
	   "PORT 10,0,0,2,195,81\r\n");
	REQUIRE(ip = out(E1));
	CHECK(payload_is(ip, "PORT 10,0,0,2,195,81\r\n"));
	ct = find(IP_A, C(5), 40005, 21);
	REQUIRE(ct);
	CHECK(!(ct->status & NFU_IPS_SEQ_ADJUST));
	CHECK_INT(cn()->expect_count, 1);
}

int main(void)
{
	RUN(test_port_longer);
	RUN(test_port_shorter_twice);
	RUN(test_eprt);
	RUN(test_pasv_epsv_dnat);
	RUN(test_port_in_use);
	RUN(test_epsv_port_in_use);
	RUN(test_no_nat_no_rewrite);
	scene_down();
	return harness_done();
}
