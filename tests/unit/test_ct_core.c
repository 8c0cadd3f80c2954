/* SPDX-License-Identifier: MIT */
/*
 * Connection tracking's core (lib/conntrack/core.c) and its UDP, ICMP and
 * generic trackers: ctinfo of each packet of a flow in both directions,
 * confirmation (a packet dropped before it leaves no entry), timeouts on
 * the stack's clock, ICMP errors RELATED to the connection they quote,
 * invalid packets, the table's limit with early drop, and reference
 * counts (every connection freed; ASan checks).
 *
 * The expected ctinfo and statuses are Linux's (nf_conntrack_core.c,
 * nf_conntrack_proto_udp.c, nf_conntrack_proto_icmp.c); the timeouts its
 * defaults (net.netfilter.nf_conntrack_udp_timeout 30, _stream 120,
 * _icmp_timeout 30, _generic_timeout 600).
 */
#include "conntrack/ct-private.h"
#include "ipv4_scene.h"

static struct ct_seen {
	uint32_t ctinfo[64];
	bool has_ct[64];
	uint32_t status[64];
	unsigned int n;
} seen;

/* Sees every packet just after conntrack (at filter's priority): its
 * ctinfo, whether it has a connection, and that connection's status. */
static unsigned int look(void *priv, struct nfu_pkt *pkt,
			 const struct nfu_hook_state *state)
{
	(void)priv;
	(void)state;
	if (seen.n < 64) {
		struct nfu_ct *ct = pkt->ct;

		seen.ctinfo[seen.n] = pkt->ctinfo;
		seen.has_ct[seen.n] = ct != NULL;
		seen.status[seen.n] = ct ? ct->status : 0;
		seen.n++;
	}
	return NFU_ACCEPT;
}

static struct nfu_hook_ops look_ops[2];
static bool drop_forward;

/* What the raw table would do before conntrack (CT, MARK): the packets
 * of PRE_ROUTING get mark 'raw_mark' and template 'raw_tmpl'. */
static struct nfu_ct *raw_tmpl;
static uint32_t raw_mark;

static unsigned int raw(void *priv, struct nfu_pkt *pkt,
			const struct nfu_hook_state *state)
{
	(void)priv;
	(void)state;
	pkt->mark = raw_mark;
	if (raw_tmpl && !pkt->ct) {
		raw_tmpl->common.use++;
		pkt->ct = raw_tmpl;
		pkt->ctinfo = NFU_CT_NEW;
	}
	return NFU_ACCEPT;
}
static struct nfu_hook_ops raw_ops;

static unsigned int dropper(void *priv, struct nfu_pkt *pkt,
			    const struct nfu_hook_state *state)
{
	(void)priv;
	(void)pkt;
	(void)state;
	return drop_forward ? NFU_DROP : NFU_ACCEPT;
}
static struct nfu_hook_ops drop_ops;

static bool ct_scene(void)
{
	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	memset(&seen, 0, sizeof(seen));
	drop_forward = false;
	look_ops[0] = (struct nfu_hook_ops){ .hook = look, .pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_PRE_ROUTING, .priority = NFU_IP_PRI_FILTER };
	look_ops[1] = (struct nfu_hook_ops){ .hook = look, .pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_LOCAL_OUT, .priority = NFU_IP_PRI_FILTER };
	drop_ops = (struct nfu_hook_ops){ .hook = dropper, .pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_FORWARD, .priority = NFU_IP_PRI_FILTER };
	raw_tmpl = NULL;
	raw_mark = 0;
	raw_ops = (struct nfu_hook_ops){ .hook = raw, .pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_PRE_ROUTING, .priority = NFU_IP_PRI_RAW };
	if (nfu_hook_register(sc.net, &raw_ops) ||
	    nfu_hook_register(sc.net, &look_ops[0]) ||
	    nfu_hook_register(sc.net, &look_ops[1]) ||
	    nfu_hook_register(sc.net, &drop_ops) || nfu_ct_enable(sc.net)) {
		HARNESS_FAIL("hooks");
		return false;
	}
	return true;
}

static struct nfu_ct_net *cn(void)
{
	return sc.net->ct;
}

static void set_time(double secs)
{
	nfu_net_set_time(sc.net, (uint64_t)(secs * 1e9));
}

#define A_ADDR A4(10, 0, 0, 2)
#define B_ADDR A4(192, 168, 1, 9)

static void test_udp_flow(void)
{
	uint8_t p[200];
	size_t n;
	struct nfu_ct *ct;
	struct nfu_ct_tuple t = { 0 };
	unsigned int dir;

	REQUIRE(ct_scene());
	set_time(1);
	n = build_udp(p, A_ADDR, B_ADDR, 40000, 53, 10);
	scene_rx(E0, p, n);
	CHECK_INT(seen.n, 1);
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	CHECK(seen.has_ct[0]);
	CHECK_INT(seen.status[0] & NFU_IPS_CONFIRMED, 0);
	CHECK_INT(cn()->confirmed, 1);
	/* again, no reply yet: still NEW (Linux: not SEEN_REPLY) */
	set_time(2);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[1], NFU_CT_NEW);
	CHECK(seen.status[1] & NFU_IPS_CONFIRMED);
	/* the reply */
	set_time(2.5);
	n = build_udp(p, B_ADDR, A_ADDR, 53, 40000, 10);
	scene_rx(E1, p, n);
	CHECK_INT(seen.ctinfo[2], NFU_CT_ESTABLISHED_REPLY);
	/* then the original direction is ESTABLISHED, and ASSURED */
	set_time(3.5);
	n = build_udp(p, A_ADDR, B_ADDR, 40000, 53, 10);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[3], NFU_CT_ESTABLISHED);
	CHECK(seen.status[3] & NFU_IPS_SEEN_REPLY);
	CHECK(seen.status[3] & NFU_IPS_ASSURED);
	/* active more than 2 s after it began: the stream timeout, 120 s */
	t.src = __builtin_bswap32(A_ADDR);
	t.dst = __builtin_bswap32(B_ADDR);
	t.sport = __builtin_bswap16(40000);
	t.dport = __builtin_bswap16(53);
	t.proto = 17;
	ct = nfu_ct_find(cn(), &t, 0, &dir);
	REQUIRE(ct);
	CHECK_INT(dir, NFU_CT_DIR_ORIGINAL);
	CHECK_INT((ct->timeout - (uint64_t)3.5e9) / 1000000000u, 120);
	CHECK_INT(ct->common.use, 1); /* the table's only */
	/* expired 120 s later: gone, and a new packet is NEW again */
	set_time(3.5 + 120.5);
	CHECK(nfu_ct_find(cn(), &t, 0, &dir) == NULL);
	CHECK_INT(cn()->confirmed, 0);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[4], NFU_CT_NEW);
	scene_down();
}

static void test_udp_unreplied_timeout(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(ct_scene());
	set_time(10);
	n = build_udp(p, A_ADDR, B_ADDR, 1, 2, 0);
	scene_rx(E0, p, n);
	set_time(10 + 29.9);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[1], NFU_CT_NEW);
	CHECK(seen.status[1] & NFU_IPS_CONFIRMED); /* the same one */
	set_time(10 + 29.9 + 30.1);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[2], NFU_CT_NEW);
	CHECK_INT(seen.status[2] & NFU_IPS_CONFIRMED, 0); /* a new one */
	scene_down();
}

/* A packet dropped before confirmation leaves no connection. */
static void test_dropped_before_confirm(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(ct_scene());
	drop_forward = true;
	n = build_udp(p, A_ADDR, B_ADDR, 5, 6, 0);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	CHECK_INT(cn()->confirmed, 0);
	CHECK_INT(cn()->count, 0); /* freed with its packet */
	drop_forward = false;
	scene_rx(E0, p, n);
	CHECK_INT(cn()->confirmed, 1);
	scene_down();
}

static void test_icmp_echo_and_errors(void)
{
	uint8_t p[300], q[100];
	size_t n, qn;

	REQUIRE(ct_scene());
	n = build_echo(p, A_ADDR, B_ADDR, 77, 1, 8);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	n = build_icmp(p, B_ADDR, A_ADDR, 0, 0, 77u << 16 | 1, NULL, 8);
	scene_rx(E1, p, n);
	CHECK_INT(seen.ctinfo[1], NFU_CT_ESTABLISHED_REPLY);
	/* an echo reply nobody asked for: INVALID (no connection) */
	n = build_icmp(p, B_ADDR, A_ADDR, 0, 0, 78u << 16 | 1, NULL, 8);
	scene_rx(E1, p, n);
	CHECK(!seen.has_ct[2]);
	CHECK_INT(seen.ctinfo[2], 0);
	/* a UDP flow, then a port unreachable about it from B: RELATED */
	n = build_udp(p, A_ADDR, B_ADDR, 4000, 4001, 4);
	scene_rx(E0, p, n);
	qn = 28;
	memcpy(q, p, qn); /* the quoted header and 8 bytes */
	n = build_icmp(p, B_ADDR, A_ADDR, 3, 3, 0, q, qn);
	scene_rx(E1, p, n);
	CHECK_INT(seen.ctinfo[4], NFU_CT_RELATED_REPLY);
	CHECK(seen.has_ct[4]);
	/* the same error sent to another address: INVALID */
	n = build_icmp(p, B_ADDR, A4(10, 0, 0, 3), 3, 3, 0, q, qn);
	scene_rx(E1, p, n);
	CHECK(!seen.has_ct[5]);
	/* an error about an unknown flow: INVALID */
	q[21] ^= 1; /* another source port */
	n = build_icmp(p, B_ADDR, A_ADDR, 3, 3, 0, q, qn);
	scene_rx(E1, p, n);
	CHECK(!seen.has_ct[6]);
	/* a bad ICMP checksum at PRE_ROUTING: INVALID */
	n = build_echo(p, A_ADDR, B_ADDR, 90, 1, 8);
	p[22] ^= 0xff;
	scene_rx(E0, p, n);
	CHECK(!seen.has_ct[7]);
	scene_down();
}

static void test_generic_and_later_fragments(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(ct_scene());
	n = build_ip(p, A_ADDR, B_ADDR, 47, 8); /* GRE */
	memset(p + 20, 0, 8);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	n = build_ip(p, B_ADDR, A_ADDR, 47, 8);
	memset(p + 20, 0, 8);
	scene_rx(E1, p, n);
	CHECK_INT(seen.ctinfo[1], NFU_CT_ESTABLISHED_REPLY);
	scene_down();
}

/* nf_conntrack_max: when full, an unassured connection is dropped early
 * for the new one; the count never passes the limit. */
static void test_table_limit(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(ct_scene());
	cn()->sysctl.max = 4;
	for (unsigned int i = 0; i < 50; i++) {
		n = build_udp(p, A_ADDR, B_ADDR, 1000 + i, 53, 0);
		scene_rx(E0, p, n);
		CHECK(cn()->count <= 4);
	}
	CHECK_INT(cn()->confirmed, 4);
	CHECK(cn()->early_drop + cn()->drop == 46);
	scene_down();
}

/* Fragment 'off'..'end' (payload bytes, from the UDP header on) of the
 * datagram 'whole' (a built UDP packet) into 'b'. */
static size_t frag_of(uint8_t *b, const uint8_t *whole, size_t wlen,
		      size_t off, size_t end)
{
	size_t plen = end - off;

	memcpy(b, whole, 20);
	memcpy(b + 20, whole + 20 + off, plen);
	wr16(b + 2, (unsigned int)(20 + plen));
	wr16(b + 6, (unsigned int)(off / 8) | (20 + end < wlen ? 0x2000u : 0));
	wr16(b + 10, 0);
	ip_fix_csum(b);
	return 20 + plen;
}

/* With conntrack, fragments are reassembled at -400 (before conntrack):
 * conntrack and everything after PRE_ROUTING's -400 see the datagram;
 * it leaves in the fragments it came in, in offset order (Linux's
 * ip_do_fragment() fast path on the frag_list). */
static void test_defrag_before_conntrack(void)
{
	uint8_t whole[1500], f[1500];
	size_t wn, n, sizes[8];
	unsigned int nout;

	REQUIRE(ct_scene());
	wn = build_udp(whole, A_ADDR, B_ADDR, 7000, 7001, 1000);
	/* the last fragment first, then the first, then the middle */
	n = frag_of(f, whole, wn, 808, wn - 20);
	scene_rx(E0, f, n);
	CHECK_INT(seen.n, 0); /* held at -400 */
	n = frag_of(f, whole, wn, 0, 400);
	scene_rx(E0, f, n);
	CHECK_INT(seen.n, 0);
	n = frag_of(f, whole, wn, 400, 808);
	scene_rx(E0, f, n);
	REQUIRE(seen.n == 1); /* the datagram, once */
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	CHECK_INT(cn()->confirmed, 1);
	/* forwarded in the pieces received: 400, 408 and 200 bytes */
	nout = sc.nout;
	REQUIRE(nout == 3);
	for (unsigned int i = 0; i < nout; i++)
		sizes[i] = rd16(out_ip(i) + 2);
	CHECK_INT(sizes[0], 420);
	CHECK_INT(sizes[1], 428);
	CHECK_INT(sizes[2], 220);
	CHECK_INT(rd16(out_ip(1) + 6), 0x2000 | 50);
	scene_down();
}

static struct nfu_ct_tuple udp_tuple(uint32_t src, uint32_t dst,
				     uint16_t sport, uint16_t dport)
{
	struct nfu_ct_tuple t = { 0 };

	t.src = __builtin_bswap32(src);
	t.dst = __builtin_bswap32(dst);
	t.sport = __builtin_bswap16(sport);
	t.dport = __builtin_bswap16(dport);
	t.proto = 17;
	return t;
}

/* A template of zone 'id' in directions 'dir' (NFU_CT_ZONE_DIR_*) with
 * 'flags', as CT --zone-orig/--zone-reply/--zone [mark] makes it. */
static struct nfu_ct *zone_tmpl(uint16_t id, uint8_t dir, uint8_t flags)
{
	struct nfu_ct *t = nfu_ct_template_new(cn(), id);

	if (t) {
		t->czone.dir = dir;
		t->czone.flags = flags;
	}
	return t;
}

/* CT --zone-orig 5: only the original tuple is in zone 5 (Linux's
 * nf_ct_zone_id()); the answer, without a template (zone 0), finds the
 * connection by its reply tuple in zone 0.  The original tuple is not
 * found in zone 0, and is in zone 5 of the original direction. */
static void test_zone_orig(void)
{
	uint8_t p[200];
	size_t n;
	struct nfu_ct_tuple t = udp_tuple(A_ADDR, B_ADDR, 1000, 53);
	struct nfu_ct_zone z0 = { 0, 0, NFU_CT_DEFAULT_ZONE_DIR };
	struct nfu_ct_zone z5 = { 5, 0, NFU_CT_ZONE_DIR_ORIG };
	struct nfu_ct_zone z5both = { 5, 0, NFU_CT_DEFAULT_ZONE_DIR };
	struct nfu_ct *ct;
	unsigned int dir = 9, nout;

	REQUIRE(ct_scene());
	raw_tmpl = zone_tmpl(5, NFU_CT_ZONE_DIR_ORIG, 0);
	REQUIRE(raw_tmpl);
	n = build_udp(p, A_ADDR, B_ADDR, 1000, 53, 8);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	ct = nfu_ct_find_zone(cn(), &t, &z5, &dir);
	REQUIRE(ct);
	CHECK_INT(dir, NFU_CT_DIR_ORIGINAL);
	CHECK_INT(ct->zone, 5);
	CHECK_INT(ct->czone.dir, NFU_CT_ZONE_DIR_ORIG);
	CHECK_INT(nfu_ct_zone_id(&ct->czone, NFU_CT_DIR_REPLY), 0);
	/* conntrack -L: zone-orig=5 after the original tuple, as
	 * conntrack-tools prints it (and reads back the same) */
	{
		struct nfu_ct_entry e;
		char line[512], again[512], err[128];

		nfu_ct_format(ct, false, line, sizeof(line));
		CHECK(strstr(line, " dport=53 zone-orig=5 [UNREPLIED] src=") != NULL);
		CHECK(strstr(line, " zone=") == NULL);
		CHECK_INT(nfu_ct_entry_parse(line, &e, err, sizeof(err)), 0);
		CHECK_INT(e.zone_dir, NFU_CT_ZONE_DIR_ORIG);
		nfu_ct_entry_format(&e, 0, again, sizeof(again));
		CHECK_STR(again, line);
	}
	/* zone 5 in both directions is not the same zone for its reply */
	CHECK(nfu_ct_find_zone(cn(), &t, &z5both, NULL) == ct);
	CHECK(nfu_ct_find_zone(cn(), &t, &z0, NULL) == NULL);
	CHECK(nfu_ct_find(cn(), &t, 0, NULL) == NULL);
	/* the answer, no template */
	nfu_ct_put(raw_tmpl);
	raw_tmpl = NULL;
	n = build_udp(p, B_ADDR, A_ADDR, 53, 1000, 8);
	scene_rx(E1, p, n);
	CHECK_INT(seen.ctinfo[1], NFU_CT_ESTABLISHED_REPLY);
	CHECK(seen.status[1] & NFU_IPS_SEEN_REPLY);
	CHECK_INT(cn()->confirmed, 1);
	/* the same original tuple in zone 0 is another connection, whose
	 * reply tuple is that of the first: a clash at confirm, the zones
	 * differing (nf_ct_match()), dropped as in Linux 6.18 (checked in a
	 * namespace: insert_failed=1 drop=1) */
	nout = sc.nout;
	n = build_udp(p, A_ADDR, B_ADDR, 1000, 53, 8);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[2], NFU_CT_NEW);
	CHECK_INT(cn()->insert_failed, 1);
	CHECK_INT(sc.nout, nout);
	CHECK_INT(cn()->confirmed, 1);
	scene_down();
}

/* CT --zone-reply 6: only the reply tuple is in zone 6.  The answer
 * without a template (zone 0) does not find it: it makes a connection
 * whose reply tuple is the first's original one (zone 0 both), dropped
 * at confirm as a clash (insert_failed), as Linux 6.18 does (checked in
 * a namespace: conntrack -S insert_failed=1 drop=1).  With a template of
 * zone 6 the answer finds the first. */
static void test_zone_reply(void)
{
	uint8_t p[200];
	size_t n;
	struct nfu_ct_tuple r = udp_tuple(B_ADDR, A_ADDR, 53, 1000);
	struct nfu_ct_zone z6 = { 6, 0, NFU_CT_ZONE_DIR_REPL };
	struct nfu_ct *t6, *ct;
	unsigned int dir = 9, nout;

	REQUIRE(ct_scene());
	raw_tmpl = zone_tmpl(6, NFU_CT_ZONE_DIR_REPL, 0);
	t6 = zone_tmpl(6, NFU_CT_DEFAULT_ZONE_DIR, 0);
	REQUIRE(raw_tmpl && t6);
	n = build_udp(p, A_ADDR, B_ADDR, 1000, 53, 8);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	CHECK(nfu_ct_find(cn(), &r, 0, NULL) == NULL);
	ct = nfu_ct_find_zone(cn(), &r, &z6, &dir);
	REQUIRE(ct);
	CHECK_INT(dir, NFU_CT_DIR_REPLY);
	CHECK_INT(nfu_ct_zone_id(&ct->czone, NFU_CT_DIR_ORIGINAL), 0);
	CHECK_INT(nfu_ct_zone_id(&ct->czone, NFU_CT_DIR_REPLY), 6);
	nfu_ct_put(raw_tmpl);
	raw_tmpl = NULL;
	nout = sc.nout;
	n = build_udp(p, B_ADDR, A_ADDR, 53, 1000, 8);
	scene_rx(E1, p, n);
	CHECK_INT(seen.ctinfo[1], NFU_CT_NEW);
	CHECK_INT(cn()->insert_failed, 1);
	CHECK_INT(sc.nout, nout); /* dropped */
	CHECK_INT(cn()->confirmed, 1);
	raw_tmpl = t6;
	n = build_udp(p, B_ADDR, A_ADDR, 53, 1000, 8);
	scene_rx(E1, p, n);
	CHECK_INT(seen.ctinfo[2], NFU_CT_ESTABLISHED_REPLY);
	CHECK(ct->status & NFU_IPS_SEEN_REPLY);
	CHECK_INT(sc.nout, nout + 1);
	CHECK_INT(cn()->confirmed, 1);
	nfu_ct_put(t6);
	raw_tmpl = NULL;
	scene_down();
}

/* CT --zone mark: the zone is the packet's mark, its low 16 bits
 * (nf_ct_zone_tmpl(): a u16 id), in the template's directions, when
 * conntrack runs. */
static void test_zone_mark(void)
{
	uint8_t p[200];
	size_t n;
	struct nfu_ct_tuple t = udp_tuple(A_ADDR, B_ADDR, 1001, 54);
	struct nfu_ct *ct, *t9;

	REQUIRE(ct_scene());
	raw_tmpl = zone_tmpl(0, NFU_CT_DEFAULT_ZONE_DIR, NFU_CT_FLAG_MARK);
	t9 = zone_tmpl(9, NFU_CT_DEFAULT_ZONE_DIR, 0);
	REQUIRE(raw_tmpl && t9);
	raw_mark = 0x10009;
	n = build_udp(p, A_ADDR, B_ADDR, 1001, 54, 8);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	ct = nfu_ct_find(cn(), &t, 9, NULL);
	REQUIRE(ct);
	CHECK_INT(ct->zone, 9);
	CHECK_INT(ct->czone.flags, 0); /* a connection's zone has no flag */
	CHECK_INT(ct->czone.dir, NFU_CT_DEFAULT_ZONE_DIR);
	/* another mark, another zone: the same tuple is NEW */
	raw_mark = 3;
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[1], NFU_CT_NEW);
	CHECK(nfu_ct_find(cn(), &t, 3, NULL) != NULL);
	CHECK_INT(cn()->confirmed, 2);
	/* the answer in zone 9 finds the first */
	nfu_ct_put(raw_tmpl);
	raw_tmpl = t9;
	raw_mark = 0;
	n = build_udp(p, B_ADDR, A_ADDR, 54, 1001, 8);
	scene_rx(E1, p, n);
	CHECK_INT(seen.ctinfo[2], NFU_CT_ESTABLISHED_REPLY);
	CHECK(ct->status & NFU_IPS_SEEN_REPLY);
	nfu_ct_put(t9);
	raw_tmpl = NULL;
	scene_down();
}

/* Counters are the connection's from its start (Linux's acct extension,
 * added at creation when nf_conntrack_acct is on): one made while it was
 * off has none, even after it is turned on; one made while it was on
 * keeps counting after it is turned off. */
static void test_acct_per_connection(void)
{
	uint8_t p[200];
	size_t n;
	struct nfu_ct_tuple t1 = udp_tuple(A_ADDR, B_ADDR, 2001, 53);
	struct nfu_ct_tuple t2 = udp_tuple(A_ADDR, B_ADDR, 2002, 53);
	struct nfu_ct *c1, *c2;

	REQUIRE(ct_scene());
	REQUIRE(nfu_ct_sysctl_set(sc.net, "nf_conntrack_acct", "0") == 0);
	n = build_udp(p, A_ADDR, B_ADDR, 2001, 53, 8);
	scene_rx(E0, p, n);
	REQUIRE(nfu_ct_sysctl_set(sc.net, "nf_conntrack_acct", "1") == 0);
	scene_rx(E0, p, n);
	n = build_udp(p, A_ADDR, B_ADDR, 2002, 53, 8);
	scene_rx(E0, p, n);
	c1 = nfu_ct_find(cn(), &t1, 0, NULL);
	c2 = nfu_ct_find(cn(), &t2, 0, NULL);
	REQUIRE(c1 && c2);
	CHECK(!c1->acct);
	CHECK_INT(c1->packets[0], 0);
	CHECK(c2->acct);
	CHECK_INT(c2->packets[0], 1);
	CHECK_INT(c2->bytes[0], 36);
	REQUIRE(nfu_ct_sysctl_set(sc.net, "nf_conntrack_acct", "0") == 0);
	scene_rx(E0, p, n);
	CHECK_INT(c2->packets[0], 2);
	CHECK_INT(c2->bytes[0], 72);
	CHECK_INT(c2->packets[1], 0);
	/* conntrack -L: no packets= for the first, as Linux */
	{
		char line[512];

		nfu_ct_format(c1, false, line, sizeof(line));
		CHECK(strstr(line, "packets=") == NULL);
		nfu_ct_format(c2, false, line, sizeof(line));
		CHECK(strstr(line, "dport=53 packets=2 bytes=72 ") != NULL);
	}
	scene_down();
}

/* Users of conntrack (nf_ct_netns_get/put): the hooks go with the last
 * user; the table stays; packets are not tracked meanwhile; the hooks
 * come back with a new user, and the table's connections are found
 * again.  Defrag has users of its own. */
static void test_users(void)
{
	uint8_t p[200];
	size_t n;

	REQUIRE(ct_scene()); /* one user: nfu_ct_enable() */
	CHECK_INT(cn()->users, 1);
	CHECK_INT(cn()->defrag_users, 1);
	CHECK_INT(cn()->registered, 0x3f);
	REQUIRE(nfu_ct_netns_get(sc.net) == 0);
	CHECK_INT(cn()->users, 2);
	CHECK_INT(cn()->defrag_users, 1); /* conntrack's one */
	n = build_udp(p, A_ADDR, B_ADDR, 3000, 53, 8);
	scene_rx(E0, p, n);
	CHECK_INT(seen.ctinfo[0], NFU_CT_NEW);
	nfu_ct_netns_put(sc.net);
	CHECK(nfu_ct_enabled(sc.net));
	nfu_ct_netns_put(sc.net);
	CHECK(!nfu_ct_enabled(sc.net));
	CHECK_INT(cn()->registered, 0);
	CHECK_INT(cn()->defrag_users, 0);
	/* untracked now; the connection stays */
	scene_rx(E0, p, n);
	CHECK(!seen.has_ct[1]);
	CHECK_INT(seen.ctinfo[1], 0);
	CHECK_INT(cn()->confirmed, 1);
	/* a put too many changes nothing */
	nfu_ct_netns_put(sc.net);
	CHECK_INT(cn()->users, 0);
	/* defrag alone */
	REQUIRE(nfu_ct_defrag_get(sc.net) == 0);
	CHECK_INT(cn()->registered, 0x05);
	REQUIRE(nfu_ct_netns_get(sc.net) == 0);
	CHECK_INT(cn()->registered, 0x3f);
	CHECK_INT(cn()->defrag_users, 2);
	scene_rx(E0, p, n);
	CHECK(seen.has_ct[2]);
	CHECK_INT(seen.ctinfo[2], NFU_CT_NEW); /* the same, not replied */
	CHECK_INT(cn()->confirmed, 1);
	nfu_ct_netns_put(sc.net);
	CHECK_INT(cn()->registered, 0x05);
	nfu_ct_defrag_put(sc.net);
	CHECK_INT(cn()->registered, 0);
	scene_down();
}

int main(void)
{
	RUN(test_udp_flow);
	RUN(test_udp_unreplied_timeout);
	RUN(test_dropped_before_confirm);
	RUN(test_icmp_echo_and_errors);
	RUN(test_generic_and_later_fragments);
	RUN(test_table_limit);
	RUN(test_defrag_before_conntrack);
	RUN(test_zone_orig);
	RUN(test_zone_reply);
	RUN(test_zone_mark);
	RUN(test_acct_per_connection);
	RUN(test_users);
	return harness_done();
}
