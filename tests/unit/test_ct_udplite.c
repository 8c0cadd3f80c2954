/* SPDX-License-Identifier: MIT */
/*
 * The UDP-Lite tracker (lib/conntrack/proto_udp.c; Linux's
 * nf_conntrack_udplite): tracked by ports as UDP, with UDP's timeouts;
 * INVALID for a coverage below the header or beyond the datagram, a zero
 * checksum, a wrong one at PRE_ROUTING.  What Linux 6.18 did with the
 * same datagrams in a namespace (tests/conformance/scenarios/ct-udplite):
 * the checksum is verified with protocol 17 in the pseudo-header, so a
 * datagram checksummed as RFC 3828 says (136) is INVALID there.
 */
#include "conntrack/ct-private.h"
#include "ipv4_scene.h"

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

static bool udplite_scene(void)
{
	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	return nfu_ct_enable(sc.net) == 0 &&
	       nfu_hook_register(sc.net, &look_ops) == 0;
}

/* A UDP-Lite datagram of 'dlen' bytes of data, coverage 'cscov', its
 * checksum over the covered bytes with protocol 'csum_proto' in the
 * pseudo-header (0: a zero checksum). */
static size_t build_udplite(uint8_t *b, uint32_t src, uint32_t dst,
			    unsigned int sport, unsigned int dport,
			    size_t dlen, unsigned int cscov, uint8_t csum_proto)
{
	uint8_t *u = b + 20;
	size_t n = build_udp(b, src, dst, sport, dport, dlen);
	size_t cov = cscov ? cscov : 8 + dlen;
	unsigned int sum;

	b[9] = 136;
	ip_fix_csum(b);
	wr16(u + 4, cscov);
	wr16(u + 6, 0);
	if (!csum_proto)
		return n;
	b[9] = csum_proto; /* pseudo_sum() reads the protocol there */
	sum = ~word_sum(u, cov, pseudo_sum(b, (unsigned int)(8 + dlen))) & 0xffff;
	b[9] = 136;
	wr16(u + 6, sum ? sum : 0xffff);
	return n;
}

#define CL A4(10, 0, 0, 2)
#define SV A4(10, 0, 1, 2)

static void test_udplite_tracked(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(udplite_scene());
	n = build_udplite(p, CL, SV, 4000, 53, 8, 0, 17);
	scene_rx(E0, p, n);
	REQUIRE(last_ct != NULL);
	CHECK_INT(last_ctinfo, NFU_CT_NEW);
	CHECK_STR(last_ct->l4->name, "udplite");
	CHECK_INT(last_ct->tuplehash[0].tuple.proto, 136);
	CHECK_INT(rd16((const uint8_t *)&last_ct->tuplehash[0].tuple.sport), 4000);
	CHECK_INT(rd16((const uint8_t *)&last_ct->tuplehash[0].tuple.dport), 53);
	/* the answer, covering its header only */
	n = build_udplite(p, SV, CL, 53, 4000, 2, 8, 17);
	scene_rx(E1, p, n);
	REQUIRE(last_ct != NULL);
	CHECK_INT(last_ctinfo, NFU_CT_ESTABLISHED_REPLY);
	CHECK(last_ct->status & NFU_IPS_SEEN_REPLY);
	CHECK(!(last_ct->status & NFU_IPS_ASSURED)); /* not yet a stream */
	CHECK_INT(last_ct->timeout / 1000000000ull, 30);
	scene_down();
}

static void test_udplite_invalid(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(udplite_scene());
	/* as RFC 3828 sums it: INVALID to conntrack, as in Linux */
	n = build_udplite(p, CL, SV, 4001, 53, 8, 0, 136);
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	/* no checksum at all */
	n = build_udplite(p, CL, SV, 4002, 53, 8, 0, 0);
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	/* coverage below the header, beyond the datagram, inside it */
	n = build_udplite(p, CL, SV, 4003, 53, 8, 4, 17);
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	n = build_udplite(p, CL, SV, 4004, 53, 8, 20, 17);
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	n = build_udplite(p, CL, SV, 4005, 53, 8, 12, 17);
	scene_rx(E0, p, n);
	CHECK(last_ct != NULL);
	/* shorter than its header */
	n = build_ip(p, CL, SV, 136, 4);
	wr16(p + 20, 4006);
	wr16(p + 22, 53);
	scene_rx(E0, p, n);
	CHECK(last_ct == NULL);
	/* without nf_conntrack_checksum the sum is not looked at */
	scene_sysctl("net.netfilter.nf_conntrack_checksum", "0");
	n = build_udplite(p, CL, SV, 4007, 53, 8, 0, 136);
	scene_rx(E0, p, n);
	CHECK(last_ct != NULL);
	scene_down();
}

int main(void)
{
	RUN(test_udplite_tracked);
	RUN(test_udplite_invalid);
	return harness_done();
}
