/* SPDX-License-Identifier: MIT */
/*
 * The SCTP tracker (lib/conntrack/proto_sctp.c) and SCTP through NAT
 * (lib/nat/nat_manip.c).  The expectations are Linux 6.18's
 * (nf_conntrack_proto_sctp.c, nf_nat_proto.c's sctp_manip_pkt()), as the
 * conformance scenarios ct-sctp-* and nat-sctp show the kernel doing
 * with the same packets.  Packets are built here with a CRC32c computed
 * bit by bit (not lib/core's table), and NAT's output is checked by
 * computing it again from scratch.
 *
 * The host: A 10.0.0.2 on e0, B 10.0.1.2 on e1, forwarding on; A is the
 * client (its Initiate Tag TAG_C), B the server (TAG_S).
 */
#include "conntrack/ct-private.h"
#include "ipv4_scene.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

#define NS 1000000000ull
#define START_NS (1000 * NS)

#define TAG_C 0x0000aaaau
#define TAG_S 0x0000bbbbu

static uint64_t now_ns;
static uint32_t last_ctinfo;
static struct nfu_ct *last_ct; /* not held: read before the next packet */

static unsigned int look(void *priv, struct nfu_pkt *pkt,
			 const struct nfu_hook_state *state)
{
	(void)priv;
	(void)state;
	last_ct = pkt->ct;
	last_ctinfo = pkt->ctinfo;
	return NFU_ACCEPT;
}

static struct nfu_hook_ops look_ops = {
	.hook = look, .pf = NFU_PROTO_IPV4,
	.hooknum = NFU_INET_PRE_ROUTING, .priority = NFU_IP_PRI_FILTER,
};

static bool sctp_scene(void)
{
	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	now_ns = START_NS;
	nfu_net_set_time(sc.net, now_ns);
	return nfu_ct_enable(sc.net) == 0 &&
	       nfu_hook_register(sc.net, &look_ops) == 0;
}

static void advance(uint64_t ns)
{
	now_ns += ns;
	nfu_net_set_time(sc.net, now_ns);
}

/* CRC32c, one bit at a time (RFC 9260 appendix A's polynomial). */
static uint32_t naive_crc32c(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
	}
	return ~crc;
}

/* The CRC32c an SCTP packet of 'n' bytes at 'l4' should carry, its field
 * read as zero, as the little-endian number in its 4 bytes. */
static uint32_t crc_of(const uint8_t *l4, size_t n)
{
	uint8_t copy[1500];

	memcpy(copy, l4, n);
	memset(copy + 8, 0, 4);
	return naive_crc32c(copy, n);
}

static uint32_t crc_stored(const uint8_t *l4)
{
	return (uint32_t)l4[8] | (uint32_t)l4[9] << 8 | (uint32_t)l4[10] << 16 |
	       (uint32_t)l4[11] << 24;
}

/* An SCTP packet 'src':'sport' > 'dst':'dport' with vtag 'vtag' and the
 * 'clen' bytes of chunks 'ch', its CRC32c right. */
static size_t build_sctp(uint8_t *b, uint32_t src, uint32_t dst,
			 unsigned int sport, unsigned int dport, uint32_t vtag,
			 const uint8_t *ch, size_t clen)
{
	size_t n = build_ip(b, src, dst, 132, 12 + clen);
	uint8_t *l4 = b + 20;
	uint32_t c;

	wr16(l4, sport);
	wr16(l4 + 2, dport);
	wr32(l4 + 4, vtag);
	memset(l4 + 8, 0, 4);
	memcpy(l4 + 12, ch, clen);
	c = naive_crc32c(l4, 12 + clen);
	l4[8] = (uint8_t)c;
	l4[9] = (uint8_t)(c >> 8);
	l4[10] = (uint8_t)(c >> 16);
	l4[11] = (uint8_t)(c >> 24);
	return n;
}

/* Chunks. */
enum {
	DATA = 0, INIT = 1, INIT_ACK = 2, SACK = 3, HEARTBEAT = 4,
	HEARTBEAT_ACK = 5, ABORT = 6, SHUTDOWN = 7, SHUTDOWN_ACK = 8,
	COOKIE_ECHO = 10, COOKIE_ACK = 11, SHUTDOWN_COMPLETE = 14,
};

/* A chunk of 'type' with 'flags' and the 'vlen' bytes 'v' at 'p' (padded
 * to 4): its size. */
static size_t chunk(uint8_t *p, uint8_t type, uint8_t flags, const uint8_t *v,
		    size_t vlen)
{
	size_t n = 4 + vlen;

	p[0] = type;
	p[1] = flags;
	wr16(p + 2, (unsigned int)n);
	if (vlen)
		memcpy(p + 4, v, vlen);
	while (n & 3)
		p[n++] = 0;
	return n;
}

/* An INIT or INIT_ACK's chunk with Initiate Tag 'tag'. */
static size_t init_chunk(uint8_t *p, uint8_t type, uint32_t tag)
{
	uint8_t v[16] = { 0 };

	wr32(v, tag);
	wr32(v + 4, 65536);
	wr16(v + 8, 1);
	wr16(v + 10, 1);
	wr32(v + 12, 1);
	return chunk(p, type, 0, v, sizeof(v));
}

static const uint8_t data_v[] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 'h', 'i' };
static const uint8_t hb_v[] = { 0, 1, 0, 8, 1, 2, 3, 4 };

#define CL IP_A
#define SV IP_B

/* Sends one packet of one chunk 'type' (flags 'flags'), from the client
 * (to_server) or the server, of association 'port' (the client's port). */
static void send1(bool to_server, unsigned int port, uint32_t vtag,
		  uint8_t type, uint8_t flags)
{
	uint8_t p[200], ch[64];
	size_t clen;

	if (type == INIT || type == INIT_ACK)
		clen = init_chunk(ch, type, to_server ? TAG_C : TAG_S);
	else if (type == DATA)
		clen = chunk(ch, DATA, 3, data_v, sizeof(data_v));
	else if (type == HEARTBEAT || type == HEARTBEAT_ACK)
		clen = chunk(ch, type, 0, hb_v, sizeof(hb_v));
	else if (type == SHUTDOWN || type == SACK)
		clen = chunk(ch, type, 0, data_v, type == SACK ? 12 : 4);
	else
		clen = chunk(ch, type, flags, NULL, 0);
	if (to_server)
		scene_rx(E0, p, build_sctp(p, CL, SV, port, 80, vtag, ch, clen));
	else
		scene_rx(E1, p, build_sctp(p, SV, CL, 80, port, vtag, ch, clen));
}

/* Seconds left of the connection seen last. */
static unsigned int left(void)
{
	if (!last_ct)
		return 0;
	if (!(last_ct->status & NFU_IPS_CONFIRMED))
		return (unsigned int)(last_ct->timeout / NS);
	return (unsigned int)((last_ct->timeout - now_ns) / NS);
}

static unsigned int state(void)
{
	return last_ct ? last_ct->proto.sctp.state : 99;
}

/* The handshake of association 'port': INIT, INIT_ACK, COOKIE_ECHO,
 * COOKIE_ACK. */
static void handshake(unsigned int port)
{
	send1(true, port, 0, INIT, 0);
	send1(false, port, TAG_C, INIT_ACK, 0);
	send1(true, port, TAG_S, COOKIE_ECHO, 0);
	send1(false, port, TAG_C, COOKIE_ACK, 0);
}

static void test_association(void)
{
	char line[512];

	REQUIRE(sctp_scene());
	send1(true, 5000, 0, INIT, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	CHECK_STR(last_ct->l4->name, "sctp");
	CHECK_INT(rd16((const uint8_t *)&last_ct->tuplehash[0].tuple.sport), 5000);
	CHECK_INT(rd16((const uint8_t *)&last_ct->tuplehash[0].tuple.dport), 80);
	CHECK_INT(state(), NFU_CT_SCTP_CLOSED); /* Linux 6.x: INIT leaves CLOSED */
	CHECK_INT(left(), 10);
	CHECK_INT(rd32((const uint8_t *)&last_ct->proto.sctp.vtag[NFU_CT_DIR_REPLY]),
		  TAG_C);
	send1(false, 5000, TAG_C, INIT_ACK, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(last_ctinfo, NFU_CT_ESTABLISHED_REPLY);
	CHECK_INT(state(), NFU_CT_SCTP_COOKIE_WAIT);
	CHECK_INT(left(), 3);
	CHECK_INT(rd32((const uint8_t *)&last_ct->proto.sctp.vtag[NFU_CT_DIR_ORIGINAL]),
		  TAG_S);
	{
		/* COOKIE_ECHO bundled with DATA */
		uint8_t p[200], ch[64];
		size_t clen = chunk(ch, COOKIE_ECHO, 0, hb_v, 4);

		clen += chunk(ch + clen, DATA, 3, data_v, sizeof(data_v));
		scene_rx(E0, p, build_sctp(p, CL, SV, 5000, 80, TAG_S, ch, clen));
	}
	REQUIRE(last_ct != NULL);
	CHECK_INT(state(), NFU_CT_SCTP_COOKIE_ECHOED);
	CHECK(!(last_ct->status & NFU_IPS_ASSURED));
	send1(false, 5000, TAG_C, COOKIE_ACK, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(state(), NFU_CT_SCTP_ESTABLISHED);
	CHECK(last_ct->status & NFU_IPS_ASSURED);
	CHECK_INT(left(), 210);
	nfu_ct_format(last_ct, false, line, sizeof(line));
	CHECK(strstr(line, "sctp     132 210 ESTABLISHED src=10.0.0.2 "
			   "dst=10.0.1.2 sport=5000 dport=80 ") == line);
	send1(true, 5000, TAG_S, DATA, 0);
	CHECK_INT(last_ctinfo, NFU_CT_ESTABLISHED);
	CHECK_INT(state(), NFU_CT_SCTP_ESTABLISHED);
	send1(false, 5000, TAG_C, SACK, 0);
	CHECK_INT(state(), NFU_CT_SCTP_ESTABLISHED);
	/* the close */
	send1(true, 5000, TAG_S, SHUTDOWN, 0);
	CHECK_INT(state(), NFU_CT_SCTP_SHUTDOWN_SENT);
	CHECK_INT(left(), 3);
	CHECK(last_ct->l4->can_early_drop(last_ct));
	send1(false, 5000, TAG_C, SHUTDOWN_ACK, 0);
	CHECK_INT(state(), NFU_CT_SCTP_SHUTDOWN_ACK_SENT);
	nfu_ct_format(last_ct, false, line, sizeof(line));
	CHECK(strstr(line, " SHUTDOWN_ACK_SENT src=") != NULL);
	send1(true, 5000, TAG_S, SHUTDOWN_COMPLETE, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(state(), NFU_CT_SCTP_CLOSED);
	CHECK_INT(left(), 10);
	CHECK(!last_ct->l4->can_early_drop(last_ct));
	CHECK_INT(sc.nout, 9); /* all forwarded */
	scene_down();
}

static void test_vtag(void)
{
	uint64_t invalid;

	REQUIRE(sctp_scene());
	handshake(5001);
	REQUIRE(state() == NFU_CT_SCTP_ESTABLISHED);
	invalid = ((struct nfu_ct_net *)sc.net->ct)->invalid;
	/* DATA and SACK with the other direction's tag or none */
	send1(true, 5001, TAG_C, DATA, 0);
	CHECK(last_ct == NULL);
	send1(false, 5001, TAG_S, SACK, 0);
	CHECK(last_ct == NULL);
	/* COOKIE_ECHO (D) and SHUTDOWN_COMPLETE (C) with a wrong tag */
	send1(true, 5001, TAG_C, COOKIE_ECHO, 0);
	CHECK(last_ct == NULL);
	send1(true, 5001, 0x1234, SHUTDOWN_COMPLETE, 0);
	CHECK(last_ct == NULL);
	/* an INIT whose vtag is not 0 (A) */
	send1(true, 5001, TAG_S, INIT, 0);
	CHECK(last_ct == NULL);
	CHECK_INT(((struct nfu_ct_net *)sc.net->ct)->invalid - invalid, 5);
	/* none of them moved it */
	send1(true, 5001, TAG_S, DATA, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(state(), NFU_CT_SCTP_ESTABLISHED);
	CHECK_INT(sc.nout, 4 + 6); /* invalid packets are still forwarded */
	scene_down();
}

static void test_abort(void)
{
	REQUIRE(sctp_scene());
	handshake(6000);
	/* the server's ABORT with its own direction's vtag */
	send1(false, 6000, TAG_C, ABORT, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(state(), NFU_CT_SCTP_CLOSED);
	handshake(6001);
	/* the client's with the T bit: the peer's vtag, reflected */
	send1(true, 6001, TAG_S, ABORT, 1);
	CHECK(last_ct == NULL);
	send1(true, 6001, TAG_C, ABORT, 1);
	REQUIRE(last_ct != NULL);
	CHECK_INT(state(), NFU_CT_SCTP_CLOSED);
	CHECK_INT(left(), 10);
	/* out of the blue: no connection */
	send1(true, 6002, TAG_S, ABORT, 0);
	CHECK(last_ct == NULL);
	send1(true, 6002, TAG_S, COOKIE_ACK, 0);
	CHECK(last_ct == NULL);
	send1(true, 6002, TAG_S, DATA, 0);
	CHECK(last_ct == NULL);
	scene_down();
}

static void test_heartbeat(void)
{
	REQUIRE(sctp_scene());
	/* a path opened by a heartbeat */
	send1(true, 7000, 0x5555, HEARTBEAT, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	CHECK_INT(state(), NFU_CT_SCTP_HEARTBEAT_SENT);
	CHECK_INT(left(), 30);
	/* out of state: an INIT answering it */
	send1(false, 7000, 0, INIT, 0);
	CHECK(last_ct == NULL);
	send1(false, 7000, 0x6666, HEARTBEAT_ACK, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(state(), NFU_CT_SCTP_ESTABLISHED);
	CHECK(last_ct->status & NFU_IPS_ASSURED);
	/* DATA now must carry the tags the heartbeats gave */
	send1(true, 7000, 0x5555, DATA, 0);
	CHECK(last_ct != NULL);
	send1(false, 7000, 0x6666, DATA, 0);
	CHECK(last_ct != NULL);
	/* a heartbeat of another path: through once, not refreshed */
	advance(5 * NS);
	send1(true, 7000, 0x7777, HEARTBEAT, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(left(), 205);
	/* its answer from the other side with its own tag: the tags move */
	send1(false, 7000, 0x8888, HEARTBEAT_ACK, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(left(), 210);
	CHECK_INT(rd32((const uint8_t *)&last_ct->proto.sctp.vtag[NFU_CT_DIR_REPLY]),
		  0x8888);
	CHECK_INT(last_ct->proto.sctp.vtag[NFU_CT_DIR_ORIGINAL], 0);
	/* DATA with the old tag is INVALID now */
	send1(true, 7000, 0x5555, DATA, 0);
	CHECK(last_ct == NULL);
	scene_down();
}

static void test_timeouts(void)
{
	long v;

	REQUIRE(sctp_scene());
	CHECK_INT(nfu_sysctl_get(sc.net, "net.netfilter.nf_conntrack_sctp_timeout_established", &v), 0);
	CHECK_INT(v, 210);
	CHECK_INT(nfu_sysctl_get(sc.net, "net.netfilter.nf_conntrack_sctp_timeout_heartbeat_sent", &v), 0);
	CHECK_INT(v, 30);
	CHECK_INT(nfu_sysctl_get(sc.net, "net.netfilter.nf_conntrack_sctp_timeout_cookie_wait", &v), 0);
	CHECK_INT(v, 3);
	/* Linux 6.x has no heartbeat_acked any more */
	CHECK(nfu_sysctl_get(sc.net, "net.netfilter.nf_conntrack_sctp_timeout_heartbeat_acked", &v) != 0);
	scene_sysctl("net.netfilter.nf_conntrack_sctp_timeout_established", "100");
	scene_sysctl("net.netfilter.nf_conntrack_sctp_timeout_closed", "20");
	/* the INIT leaves it in CLOSED, whose timeout it takes */
	send1(true, 8000, 0, INIT, 0);
	CHECK_INT(left(), 20);
	/* an INIT retransmitted in CLOSED does not refresh it */
	advance(2 * NS);
	send1(true, 8000, 0, INIT, 0);
	REQUIRE(last_ct != NULL);
	CHECK_INT(left(), 18);
	send1(false, 8000, TAG_C, INIT_ACK, 0);
	send1(true, 8000, TAG_S, COOKIE_ECHO, 0);
	send1(false, 8000, TAG_C, COOKIE_ACK, 0);
	CHECK_INT(state(), NFU_CT_SCTP_ESTABLISHED);
	CHECK_INT(left(), 100);
	/* and it goes when that runs out */
	advance(101 * NS);
	send1(true, 8000, TAG_S, DATA, 0);
	CHECK(last_ct == NULL); /* a new one from DATA: none */
	scene_down();
}

static void test_crc(void)
{
	uint8_t p[200], ch[64];
	size_t n, clen = init_chunk(ch, INIT, TAG_C);

	REQUIRE(sctp_scene());
	n = build_sctp(p, CL, SV, 9000, 80, 0, ch, clen);
	p[20 + 8] ^= 0x40; /* a wrong CRC32c */
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	CHECK_INT(sc.nout, 1); /* INVALID, forwarded all the same */
	/* a packet shorter than its common header */
	n = build_ip(p, CL, SV, 132, 8);
	wr16(p + 20, 9001);
	wr16(p + 22, 80);
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	/* a chunk of length 0, an INIT with another chunk */
	n = build_sctp(p, CL, SV, 9002, 80, 0, (const uint8_t[]){ 1, 0, 0, 0 }, 4);
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	memcpy(ch + clen, (const uint8_t[]){ 0, 3, 0, 4 }, 4);
	n = build_sctp(p, CL, SV, 9003, 80, 0, ch, clen + 4);
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	/* nf_conntrack_checksum=0: the CRC is not looked at */
	scene_sysctl("net.netfilter.nf_conntrack_checksum", "0");
	n = build_sctp(p, CL, SV, 9004, 80, 0, ch, clen);
	p[20 + 8] ^= 0x40;
	scene_rx(E0, p, n);
	CHECK(last_ct != NULL);
	scene_down();
}

/* NAT */

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

#define NAT_RULES                                                            \
	"*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"              \
	":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"                  \
	"-A PREROUTING -i e0 -d 192.168.0.9 -p sctp --dport 80 "             \
	"-j DNAT --to-destination 192.168.0.5:8080\n"                        \
	"-A POSTROUTING -o e1 -p sctp -j MASQUERADE\n"                       \
	"COMMIT\n"

static const uint8_t *last_out(int ifx)
{
	if (!sc.nout || sc.out[sc.nout - 1].ifindex != ifx) {
		HARNESS_FAIL("no frame left by %d", ifx);
		return NULL;
	}
	return out_ip(sc.nout - 1);
}

static void test_nat(void)
{
	uint8_t p[200], ch[64];
	const uint8_t *ip;
	size_t clen = init_chunk(ch, INIT, TAG_C), n;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	REQUIRE(load(NAT_RULES));
	/* DNAT and MASQUERADE: both ports of the INIT may move */
	n = build_sctp(p, CL, A4(192, 168, 0, 9), 5000, 80, 0, ch, clen);
	scene_rx(E0, p, n);
	ip = last_out(E1);
	REQUIRE(ip != NULL);
	CHECK_INT(rd32(ip + 12), 0x0a000101); /* 10.0.1.1, e1's */
	CHECK_INT(rd32(ip + 16), 0xc0a80005);
	CHECK_INT(rd16(ip + 20), 5000);       /* free: kept */
	CHECK_INT(rd16(ip + 22), 8080);
	CHECK_INT(crc_stored(ip + 20), crc_of(ip + 20, n - 20));
	CHECK(ip_csum_ok(ip));
	/* the answer translated back */
	clen = init_chunk(ch, INIT_ACK, TAG_S);
	n = build_sctp(p, A4(192, 168, 0, 5), A4(10, 0, 1, 1), 8080, 5000,
		       TAG_C, ch, clen);
	scene_rx(E1, p, n);
	ip = last_out(E0);
	REQUIRE(ip != NULL);
	CHECK_INT(rd32(ip + 12), 0xc0a80009);
	CHECK_INT(rd32(ip + 16), CL);
	CHECK_INT(rd16(ip + 20), 80);
	CHECK_INT(rd16(ip + 22), 5000);
	CHECK_INT(crc_stored(ip + 20), crc_of(ip + 20, n - 20));
	/* another client from the same port to the same server: its port
	 * moves, within its class (1024-65535) */
	clen = init_chunk(ch, INIT, TAG_C);
	n = build_sctp(p, A4(10, 0, 0, 3), A4(192, 168, 0, 9), 5000, 80, 0, ch, clen);
	scene_rx(E0, p, n);
	ip = last_out(E1);
	REQUIRE(ip != NULL);
	CHECK(rd16(ip + 20) != 5000);
	CHECK(rd16(ip + 20) >= 1024);
	CHECK_INT(crc_stored(ip + 20), crc_of(ip + 20, n - 20));
	/* and from a port below 512: a port below 512 */
	n = build_sctp(p, CL, A4(192, 168, 0, 9), 100, 80, 0, ch, clen);
	scene_rx(E0, p, n);
	n = build_sctp(p, A4(10, 0, 0, 3), A4(192, 168, 0, 9), 100, 80, 0, ch, clen);
	scene_rx(E0, p, n);
	ip = last_out(E1);
	REQUIRE(ip != NULL);
	CHECK(rd16(ip + 20) != 100);
	CHECK(rd16(ip + 20) >= 1 && rd16(ip + 20) < 512);
	CHECK_INT(crc_stored(ip + 20), crc_of(ip + 20, n - 20));
	scene_down();
}

int main(void)
{
	RUN(test_association);
	RUN(test_vtag);
	RUN(test_abort);
	RUN(test_heartbeat);
	RUN(test_timeouts);
	RUN(test_crc);
	RUN(test_nat);
	return harness_done();
}
