/* SPDX-License-Identifier: MIT */
/*
 * The GRE tracker (lib/conntrack/proto_gre.c; Linux's
 * nf_conntrack_proto_gre without the pptp helper): version 0 by addresses,
 * version 1 by the call ID as the destination key; another protocol than
 * PPP in version 1 is INVALID; 30 s unanswered, 180 s and ASSURED once
 * answered.  As Linux 6.18 did in tests/conformance/scenarios/ct-gre.
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

#define CL A4(10, 0, 0, 2)
#define SV A4(10, 0, 1, 2)

/* A GRE packet with header 'hdr' ('n' bytes). */
static void gre(int ifx, uint32_t s, uint32_t d, const uint8_t *hdr, size_t n)
{
	uint8_t p[100];
	size_t len = build_ip(p, s, d, 47, n);

	memcpy(p + 20, hdr, n);
	scene_rx(ifx, p, len);
}

static void test_gre(void)
{
	static const uint8_t v0[] = { 0, 0, 0x08, 0x00 };
	static const uint8_t v1[] = { 0x30, 0x01, 0x88, 0x0b, 0, 0, 0, 7, 0, 0, 0, 1 };
	static const uint8_t v1_ip[] = { 0x20, 0x01, 0x08, 0x00, 0, 0, 0, 7 };
	const struct nfu_ct_tuple *t;

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"));
	REQUIRE(nfu_ct_enable(sc.net) == 0);
	REQUIRE(nfu_hook_register(sc.net, &look_ops) == 0);
	gre(E0, CL, SV, v0, sizeof(v0));
	REQUIRE(last_ct != NULL);
	CHECK_STR(last_ct->l4->name, "gre");
	CHECK_INT(last_ct->timeout / 1000000000ull, 30);
	gre(E1, SV, CL, v0, sizeof(v0));
	REQUIRE(last_ct != NULL);
	CHECK_INT(last_ctinfo, NFU_CT_ESTABLISHED_REPLY);
	CHECK(!(last_ct->status & NFU_IPS_ASSURED));
	gre(E0, CL, SV, v0, sizeof(v0));
	REQUIRE(last_ct != NULL);
	CHECK(last_ct->status & NFU_IPS_ASSURED);
	CHECK_INT(last_ct->timeout / 1000000000ull, 180);
	/* version 1: the call ID is the destination key */
	gre(E0, CL, A4(10, 0, 1, 3), v1, sizeof(v1));
	REQUIRE(last_ct != NULL);
	t = &last_ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple;
	CHECK_INT(rd16((const uint8_t *)&t->dport), 7);
	CHECK_INT(t->sport, 0);
	t = &last_ct->tuplehash[NFU_CT_DIR_REPLY].tuple;
	CHECK_INT(rd16((const uint8_t *)&t->sport), 7);
	/* version 1 carrying IP, not PPP: INVALID */
	gre(E0, CL, A4(10, 0, 1, 4), v1_ip, sizeof(v1_ip));
	CHECK(last_ct == NULL);
	/* too short for the call ID: keys 0 */
	gre(E0, CL, A4(10, 0, 1, 5), v1, 6);
	REQUIRE(last_ct != NULL);
	CHECK_INT(last_ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.dport, 0);
	scene_down();
}

/* The timeouts are net.netfilter.nf_conntrack_gre_timeout and
 * _timeout_stream, read at each packet. */
static void test_gre_sysctl(void)
{
	static const uint8_t v0[] = { 0, 0, 0x08, 0x00 };

	REQUIRE(scene_up("sysctl -w net.ipv4.ip_forward=1\n"
			 "sysctl -w net.netfilter.nf_conntrack_gre_timeout=45\n"));
	REQUIRE(nfu_ct_enable(sc.net) == 0);
	REQUIRE(nfu_hook_register(sc.net, &look_ops) == 0);
	gre(E0, CL, SV, v0, sizeof(v0));
	REQUIRE(last_ct != NULL);
	CHECK_INT(last_ct->timeout / 1000000000ull, 45);
	REQUIRE(nfu_ct_sysctl_set(sc.net, "nf_conntrack_gre_timeout_stream",
				  "200") == 0);
	gre(E1, SV, CL, v0, sizeof(v0));
	gre(E0, CL, SV, v0, sizeof(v0));
	REQUIRE(last_ct != NULL);
	CHECK(last_ct->status & NFU_IPS_ASSURED);
	CHECK_INT(last_ct->timeout / 1000000000ull, 200);
	scene_down();
}

int main(void)
{
	RUN(test_gre);
	RUN(test_gre_sysctl);
	return harness_done();
}
