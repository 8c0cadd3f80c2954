/* SPDX-License-Identifier: MIT */
/*
 * test_pktdesc.c - the conformance suite's packet builder, checked on its
 * own: both sides trust its bytes, so they are checked against values
 * computed elsewhere (RFC 1071's example, a checksum from Linux's echo
 * reply) and field by field.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pktdesc.h"
#include "result.h"
#include "scenario.h"

static unsigned char buf[PKTDESC_MAX_FRAME];
static size_t len;
static char err[512];

static const struct pktdesc_env env = {
	{ 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0xff, 0x01 }, 7,
};

static int build(const char *line)
{
	err[0] = '\0';
	return pktdesc_build(line, &env, buf, sizeof(buf), &len, err,
			     sizeof(err));
}

static unsigned int be16(const unsigned char *p)
{
	return (unsigned int)(p[0] << 8 | p[1]);
}

static void test_csum_rfc1071(void)
{
	static const unsigned char b[] = { 0x00, 0x01, 0xf2, 0x03,
					   0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK_INT(pktdesc_csum(b, sizeof(b), 0), 0x220d);
}

static void test_echo(void)
{
	unsigned char *ip = buf + 14;

	REQUIRE(build("f0 icmp 10.9.0.1 > 10.9.0.2 echo id=1 seq=1 len=56")
		== 0);
	CHECK_INT(len, 14 + 20 + 8 + 56);
	CHECK_MEM(buf, env.host_mac, 6);
	CHECK_MEM(buf + 6, env.peer_mac, 6);
	CHECK_INT(be16(buf + 12), 0x0800);
	CHECK_INT(ip[0], 0x45);
	CHECK_INT(be16(ip + 2), 84);
	CHECK_INT(be16(ip + 4), 7); /* the packet's number */
	CHECK_INT(ip[8], 64);
	CHECK_INT(ip[9], 1);
	CHECK_INT(pktdesc_csum(ip, 20, 0), 0);
	/* Linux answered this request with checksum 0x08eb: type 0 instead
	 * of 8, so the request's is 0x08eb - 0x0800. */
	CHECK_INT(be16(ip + 22), 0x00eb);
	CHECK_INT(ip[28 + 55], 55);
}

static void test_tcp(void)
{
	unsigned char *ip = buf + 14, *th = ip + 20;
	unsigned char ph[12];
	uint32_t sum = 0;
	size_t i;

	REQUIRE(build("f0 tcp 10.9.0.1:40000 > 10.9.0.2:80 SA seq=5 ack=9 "
		      "ipid=0x1234 df tos=0x10 ttl=3") == 0);
	CHECK_INT(len, 54);
	CHECK_INT(be16(ip + 4), 0x1234);
	CHECK_INT(be16(ip + 6), 0x4000);
	CHECK_INT(ip[1], 0x10);
	CHECK_INT(ip[8], 3);
	CHECK_INT(be16(th), 40000);
	CHECK_INT(be16(th + 2), 80);
	CHECK_INT(th[7], 5);
	CHECK_INT(th[11], 9);
	CHECK_INT(th[12], 0x50);
	CHECK_INT(th[13], 0x12);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = 0;
	ph[11] = 20;
	for (i = 0; i < 12; i += 2)
		sum += (uint32_t)(ph[i] << 8 | ph[i + 1]);
	CHECK_INT(pktdesc_csum(th, 20, sum), 0);
	REQUIRE(build("f0 tcp 10.9.0.1:1 > 10.9.0.2:2 S l4csum=bad") == 0);
	CHECK(pktdesc_csum(th, 20, sum) != 0);
}

static void test_broken_ip(void)
{
	unsigned char *ip = buf + 14;

	REQUIRE(build("f0 udp 10.9.0.1:1 > 10.9.0.2:2 len=10 ipcsum=bad") == 0);
	CHECK(pktdesc_csum(ip, 20, 0) != 0);
	CHECK_INT(be16(ip + 24), 18);
	REQUIRE(build("f0 udp 10.9.0.1:1 > 10.9.0.2:2 ihl=4 ver=6 totlen=9")
		== 0);
	CHECK_INT(ip[0], 0x64);
	CHECK_INT(be16(ip + 2), 9);
	CHECK_INT(pktdesc_csum(ip, 20, 0), 0);
	REQUIRE(build("f0 udp 10.9.0.1:1 > 10.9.0.2:2 len=10 trunc=25 pad=6")
		== 0);
	CHECK_INT(len, 14 + 25 + 6);
	CHECK_INT(be16(ip + 2), 38);
	REQUIRE(build("f0 ip 10.9.0.1 > 10.9.0.2 proto=99 data=01.02:03") == 0);
	CHECK_INT(len, 14 + 23);
	CHECK_INT(ip[9], 99);
	CHECK_INT(ip[22], 3);
	REQUIRE(build("f0 udp 10.9.0.1:1 > 10.9.0.2:2 ipopt=940400") == 0);
	CHECK_INT(ip[0], 0x46);
	CHECK_INT(pktdesc_csum(ip, 24, 0), 0);
}

static void test_fragments(void)
{
	unsigned char *ip = buf + 14;
	uint16_t first_csum;

	REQUIRE(build("f0 icmp 10.9.0.1 > 10.9.0.2 echo len=100 frag=0:64")
		== 0);
	CHECK_INT(be16(ip + 2), 84);
	CHECK_INT(be16(ip + 6), 0x2000);
	first_csum = (uint16_t)be16(ip + 22);
	REQUIRE(build("f0 icmp 10.9.0.1 > 10.9.0.2 echo len=100") == 0);
	CHECK_INT(be16(ip + 22), first_csum);
	REQUIRE(build("f0 icmp 10.9.0.1 > 10.9.0.2 echo len=100 frag=64:64")
		== 0);
	CHECK_INT(be16(ip + 2), 20 + 44);
	CHECK_INT(be16(ip + 6), 8);
	CHECK_INT(ip[20], 64 - 8); /* the payload's byte 56 */
}

static void test_quote(void)
{
	unsigned char *ip = buf + 14, *q = ip + 28;

	REQUIRE(build("f0 icmp 10.9.0.2 > 10.9.0.1 unreach code=4 mtu=1000 -- "
		      "udp 10.9.0.1:5 > 10.8.0.1:6 len=100 ttl=1") == 0);
	CHECK_INT(be16(ip + 2), 20 + 8 + 28);
	CHECK_INT(ip[20], 3);
	CHECK_INT(ip[21], 4);
	CHECK_INT(be16(ip + 26), 1000);
	CHECK_INT(q[0], 0x45);
	CHECK_INT(be16(q + 2), 128);
	CHECK_INT(q[8], 1);
	CHECK_INT(pktdesc_csum(ip + 20, 36, 0), 0);
}

static void test_link(void)
{
	REQUIRE(build("f0 udp 10.9.0.1:1 > 255.255.255.255:2 ethdst=bcast "
		      "ethsrc=02:aa:bb:cc:dd:ee") == 0);
	CHECK_MEM(buf, "\xff\xff\xff\xff\xff\xff", 6);
	CHECK_MEM(buf + 6, "\x02\xaa\xbb\xcc\xdd\xee", 6);
	REQUIRE(build("f0 raw 0200000000010200000000ff08060001") == 0);
	CHECK_INT(len, 16);
	CHECK_INT(be16(buf + 12), 0x0806);
}

static void test_errors(void)
{
	CHECK(build("f0 tcp 10.9.0.1:1 > 10.9.0.2:2 S foo=1") != 0);
	CHECK_STR(err, "unknown option `foo=1'");
	CHECK(build("f0 udp 10.9.0.1:1 > 10.9.0.2:2 ack=1") != 0);
	CHECK_STR(err, "option `ack=1' does not apply here");
	CHECK(build("f0 tcp 10.9.0.1 > 10.9.0.2:2 S") != 0);
	CHECK_STR(err, "bad ADDR:PORT `10.9.0.1'");
	CHECK(build("f0 tcp 10.9.0.1:1 > 10.9.0.2:2 Z") != 0);
	CHECK(build("f0 ip 10.9.0.1 > 10.9.0.2") != 0);
	CHECK_STR(err, "kind `ip' needs proto=N");
	CHECK(build("f0 udp 10.9.0.1:1 > 10.9.0.2:2 -- udp 1.1.1.1:1 > "
		    "2.2.2.2:2") != 0);
	CHECK(build("f0 raw 0102") != 0);
}

/* The echo scenario loads, and its frames decode as written. */
static void test_scenario(void)
{
	struct conf_scenario sc;
	char desc[1024];

	REQUIRE(conf_scenario_load(&sc, "scenarios/echo", err,
				   sizeof(err)) == 0);
	CHECK_INT(sc.ndevs, 1);
	CHECK_STR(sc.devs[0].name, "f0");
	CHECK_INT(sc.naddrs, 1);
	REQUIRE(sc.nframes >= 1);
	conf_describe(sc.frames[0].data, sc.frames[0].len, desc, sizeof(desc));
	CHECK_STR(desc, "icmp 10.9.0.1 > 10.9.0.2 echo id=1 seq=1 len=56 | "
		  "ttl=64 ipid=1 totlen=84");
	conf_scenario_free(&sc);
}

/* TCP options after the fixed header, the data offset counting them. */
static void test_tcpopt(void)
{
	unsigned char *tcp = buf + 14 + 20;

	REQUIRE(build("f0 tcp 10.9.0.1:1 > 10.9.0.2:2 S tcpopt=0103030704 "
		      "len=3") == 0);
	CHECK_INT(len, 14 + 20 + 28 + 3);
	CHECK_INT(tcp[12] >> 4, 7);
	CHECK_INT(tcp[20], 1);
	CHECK_INT(tcp[23], 7);
	CHECK_INT(tcp[24], 4);
	CHECK_INT(tcp[25], 0);          /* padded */
	CHECK_INT(tcp[28], 0);          /* the payload: 0 1 2 */
	CHECK_INT(tcp[30], 2);
	CHECK_INT(pktdesc_csum(tcp, 31, 0x0a09 + 0x0001 + 0x0a09 + 0x0002 +
			       6 + 31), 0);
	CHECK(build("f0 udp 10.9.0.1:1 > 10.9.0.2:2 tcpopt=01") != 0);
	CHECK(build("f0 tcp 10.9.0.1:1 > 10.9.0.2:2 S tcpopt=0g") != 0);
	CHECK_STR(err, "bad value in `tcpopt=0g'");
}

/* The conntrack lines of both sides become the same text. */
static void test_ct_normalise(void)
{
	char out[512];
	struct conf_result a, b;
	const char *other;

	/* Linux's conntrack -L -o extended: the prefix and timeout go, the
	 * ICMP id stays */
	REQUIRE(conf_ct_normalise("ipv4     2 icmp     1 29 src=10.9.0.1 "
		"dst=10.9.0.2 type=8 code=0 id=7 src=10.9.0.2 dst=10.9.0.1 "
		"type=0 code=0 id=7 mark=0 use=1\n", out, sizeof(out)));
	CHECK_STR(out, "icmp 1 src=10.9.0.1 dst=10.9.0.2 type=8 code=0 id=7 "
		  "src=10.9.0.2 dst=10.9.0.1 type=0 code=0 id=7 mark=0 use=1");
	/* nfu's -o extended,id: the id after use= goes; a TCP state stays */
	REQUIRE(conf_ct_normalise("ipv4     2 tcp      6 431999 ESTABLISHED "
		"src=10.9.0.1 dst=10.8.0.5 sport=1 dport=80 src=10.8.0.5 "
		"dst=10.9.0.1 sport=80 dport=1 [ASSURED] mark=0 zone=7 use=1 "
		"id=3", out, sizeof(out)));
	CHECK_STR(out, "tcp 6 ESTABLISHED src=10.9.0.1 dst=10.8.0.5 sport=1 "
		  "dport=80 src=10.8.0.5 dst=10.9.0.1 sport=80 dport=1 "
		  "[ASSURED] mark=0 zone=7 use=1");
	/* without -o extended, the same */
	REQUIRE(conf_ct_normalise("unknown  99 599 src=10.9.0.1 dst=10.9.0.2 "
		"[UNREPLIED] src=10.9.0.2 dst=10.9.0.1 mark=0 use=1", out,
		sizeof(out)));
	CHECK_STR(out, "unknown 99 src=10.9.0.1 dst=10.9.0.2 [UNREPLIED] "
		  "src=10.9.0.2 dst=10.9.0.1 mark=0 use=1");
	/* not connections */
	CHECK(!conf_ct_normalise("# nfu conntrack table", out, sizeof(out)));
	CHECK(!conf_ct_normalise("", out, sizeof(out)));
	CHECK(!conf_ct_normalise("conntrack v1.4.7 (conntrack-tools): 1 flow "
				 "entries have been shown.", out, sizeof(out)));
	/* too long for 'out' */
	CHECK(!conf_ct_normalise("udp 17 29 src=10.9.0.1", out, 8));

	/* sorted, then compared as sets: one line on each side only */
	conf_result_init(&a);
	conf_result_init(&b);
	other = "udp 17 3 src=10.0.0.9 dst=10.0.0.8 sport=1 dport=2 "
		"src=10.0.0.8 dst=10.0.0.9 sport=2 dport=1 mark=0 use=1";
	CHECK_INT(conf_result_add_ct(&a, "udp 17 29 src=10.0.0.2 dst=10.0.0.1 "
		"sport=1 dport=2 src=10.0.0.1 dst=10.0.0.2 sport=2 dport=1 "
		"mark=0 use=1"), 0);
	CHECK_INT(conf_result_add_ct(&a, other), 0);
	CHECK_INT(conf_result_add_ct(&a, "# a comment"), 0);
	conf_result_sort_ct(&a);
	REQUIRE(a.nct == 2);
	CHECK(strncmp(a.ct[0], "udp 17 src=10.0.0.2", 19) == 0);
	CHECK_INT(conf_result_add_ct(&b, other), 0);
	CHECK_INT(conf_result_compare(&a, "a", &b, "b", &(struct conf_scenario){
		.ndevs = 0 }, false, stderr) > 0, 1);
	CHECK_INT(conf_result_add_ct(&b, "ipv4 2 udp 17 1 src=10.0.0.2 "
		"dst=10.0.0.1 sport=1 dport=2 src=10.0.0.1 dst=10.0.0.2 sport=2 "
		"dport=1 mark=0 use=1 id=99"), 0);
	conf_result_sort_ct(&b);
	CHECK_INT(conf_result_compare(&a, "a", &b, "b", &(struct conf_scenario){
		.ndevs = 0 }, false, stderr), 0);
	conf_result_free(&a);
	conf_result_free(&b);
}

/* SCTP: the INIT of nat-sctp, whose CRC32c Linux 6.18 took (it tracked
 * the association), built from chunk words; padding, flags, the T bit,
 * a bad CRC, and a quote. */
static void test_sctp(void)
{
	static const unsigned char init[] = {
		0x13, 0x88, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00,
		0x22, 0x2e, 0x0a, 0xb6, 0x01, 0x00, 0x00, 0x14,
		0x00, 0x00, 0x12, 0x34, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07,
	};
	unsigned char *ip = buf + 14, *l4 = ip + 20;

	REQUIRE(build("f1 sctp 10.8.0.7:5000 > 10.7.0.2:80 "
		      "chunk=init:00001234.00010000.0001.0001.00000007") == 0);
	CHECK_INT(ip[9], 132);
	CHECK_INT(be16(ip + 2), 20 + sizeof(init));
	CHECK_MEM(l4, init, sizeof(init));
	/* the same from data= */
	REQUIRE(build("f1 ip 10.8.0.7 > 10.7.0.2 proto=132 data=1388005000000000"
		      "222e0ab60100001400001234000100000001000100000007") == 0);
	CHECK_MEM(l4, init, sizeof(init));
	/* a bad CRC differs in its lowest bit only */
	REQUIRE(build("f1 sctp 10.8.0.7:5000 > 10.7.0.2:80 l4csum=bad "
		      "chunk=init:00001234.00010000.0001.0001.00000007") == 0);
	CHECK_INT(l4[8], 0x23);
	CHECK_MEM(l4 + 9, init + 9, sizeof(init) - 9);
	/* two chunks, a vtag, flags, a value padded to 4 bytes */
	REQUIRE(build("f0 sctp 10.9.0.1:1 > 10.9.0.2:2 vtag=0xaabbccdd "
		      "chunk=data/3:0102030405 chunk=abort/1") == 0);
	CHECK_INT(be16(ip + 2), 20 + 12 + 12 + 4);
	CHECK_INT(be16(l4 + 4), 0xaabb);
	CHECK_INT(be16(l4 + 6), 0xccdd);
	CHECK_INT(l4[12], 0);    /* DATA */
	CHECK_INT(l4[13], 3);    /* its flags */
	CHECK_INT(be16(l4 + 14), 9);
	CHECK_INT(l4[16 + 4], 5);
	CHECK_INT(l4[21], 0);    /* padding */
	CHECK_INT(l4[24], 6);    /* ABORT */
	CHECK_INT(l4[25], 1);    /* T */
	CHECK_INT(be16(l4 + 26), 4);
	REQUIRE(build("f0 sctp 10.9.0.1:1 > 10.9.0.2:2 chunk=99:ff") == 0);
	CHECK_INT(l4[12], 99);
	CHECK_INT(be16(l4 + 14), 5);
	/* quoted in an ICMP error: its first 8 bytes */
	REQUIRE(build("f0 icmp 10.9.0.1 > 10.9.0.2 unreach code=3 -- sctp "
		      "10.9.0.2:80 > 10.9.0.1:5000 vtag=7 chunk=cookie-ack") == 0);
	CHECK_INT(be16(ip + 2), 20 + 8 + 20 + 8);
	CHECK_INT(ip[20 + 8 + 9], 132);
	CHECK_INT(be16(ip + 20 + 8 + 20), 80);
	/* mistakes */
	CHECK_INT(build("f0 sctp 10.9.0.1:1 > 10.9.0.2:2 chunk=nosuch"), -EINVAL);
	CHECK_INT(build("f0 sctp 10.9.0.1:1 > 10.9.0.2:2 chunk=init data=00"), -EINVAL);
	CHECK_INT(build("f0 udp 10.9.0.1:1 > 10.9.0.2:2 vtag=1"), -EINVAL);
}

int main(void)
{
	RUN(test_csum_rfc1071);
	RUN(test_echo);
	RUN(test_tcp);
	RUN(test_broken_ip);
	RUN(test_fragments);
	RUN(test_quote);
	RUN(test_link);
	RUN(test_errors);
	RUN(test_scenario);
	RUN(test_tcpopt);
	RUN(test_ct_normalise);
	RUN(test_sctp);
	return harness_done();
}
