/* SPDX-License-Identifier: MIT */
/*
 * test_ext_nfqueue.c - the targets NFQUEUE and QUEUE on packets.
 *
 *  - The queue NFQUEUE picks: --queue-num as given; --queue-balance A:B
 *    by Linux's hash_v4() (jhash_3words of the lower address, the higher
 *    one and the protocol, nfu's fixed initval 0x6e667571) scaled into
 *    the range, checked against a naive reference written here from
 *    lookup3's description, so both directions of a connection share a
 *    queue and connections spread over the whole range;
 *    --queue-cpu-fanout on nfu's only CPU, 0: the first queue; the bypass
 *    flag in the verdict.
 *  - nfu_xt_queue_nums(): the queues of QUEUE and NFQUEUE rules of every
 *    table, whole balance ranges.
 *  - Through a stack (ipv4_scene.h, forwarding between A and B and the
 *    networks behind B): an in-process queue handler
 *    (nfu_queue_handler_register()) sees each packet on the queue the
 *    reference computes, both directions of a flow on one queue, and
 *    what it reinjects with ACCEPT leaves the host; -j QUEUE reaches
 *    queue 0; without a handler NFQUEUE and QUEUE drop (NFU_DROP_QUEUE)
 *    and --queue-bypass lets the packet go on with the next hook function
 *    (the rules after it in its chain are skipped, as in Linux: the
 *    xt-nfqueue-* conformance scenarios show it against the kernel).
 */
#include <errno.h>
#include <stdlib.h>

#include "ext/xt_NFQUEUE.h"
#include "ipv4_scene.h"
#include "xtables/lang.h"
#include "xtables/xt-private.h"

/* ---- the naive reference ---- */

#define REF_ROT(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

/* lookup3's hashword() for three words: a = b = c = 0xdeadbeef + 12 +
 * initval, add the words, final(). */
static uint32_t ref_jhash_3words(uint32_t a, uint32_t b, uint32_t c,
				 uint32_t initval)
{
	uint32_t iv = 0xdeadbeefu + 12u + initval;

	a += iv;
	b += iv;
	c += iv;
	c ^= b; c -= REF_ROT(b, 14);
	a ^= c; a -= REF_ROT(c, 11);
	b ^= a; b -= REF_ROT(a, 25);
	c ^= b; c -= REF_ROT(b, 16);
	a ^= c; a -= REF_ROT(c, 4);
	b ^= a; b -= REF_ROT(a, 14);
	c ^= b; c -= REF_ROT(b, 24);
	return c;
}

#define SEED 0x6e667571u /* nfu's fixed initval, in xt_NFQUEUE.c */

/* The queue of a balance 'first'..'first + n - 1' for 'src' -> 'dst'
 * (host order) of 'proto', as Linux on x86 computes it: the addresses as
 * loaded from the header into a little-endian u32. */
static unsigned int ref_queue(uint32_t src, uint32_t dst, uint8_t proto,
			      unsigned int first, unsigned int n)
{
	uint32_t s = __builtin_bswap32(src), d = __builtin_bswap32(dst);
	uint32_t h = s < d ? ref_jhash_3words(s, d, proto, SEED)
			   : ref_jhash_3words(d, s, proto, SEED);

	return first + (unsigned int)(((uint64_t)h * n) >> 32);
}

/* ---- the target alone ---- */

/* The data of "-j NFQUEUE ARGS" as the whole parser makes it, and the
 * ops (NULL when it does not parse). */
static void *nfq_data(const char *args)
{
	char line[256], *argv[32], *save, *w;
	int argc = 0;
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_xt_rule *rule = nfu_xt_rule_new();
	struct nfu_error err = { 0 };
	struct nfu_xt_cmd cmd;
	void *data = NULL;

	snprintf(line, sizeof(line), "-A INPUT -j NFQUEUE %s", args);
	for (w = strtok_r(line, " ", &save); w && argc < 31;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	nfu_xt_cmd_init(&cmd, "iptables", 0, false);
	if (rs && rule &&
	    nfu_xt_parse_rule(argc, argv, "filter",
			      nfu_xt_ruleset_table(rs, "filter"), rule, &cmd,
			      &err) == 0 &&
	    rule->tkind == NFU_XT_T_EXT) {
		data = malloc(rule->target->size);
		if (data)
			memcpy(data, rule->tdata, rule->target->size);
	} else {
		HARNESS_FAIL("%s: %s", args, err.msg);
	}
	nfu_xt_cmd_free(&cmd);
	nfu_xt_rule_free(rule);
	nfu_xt_ruleset_free(rs);
	return data;
}

/* The verdict of NFQUEUE with 'data' for 'src' -> 'dst' of 'proto'. */
static unsigned int verdict_of(struct nfu_net *net, void *data, uint32_t src,
			       uint32_t dst, uint8_t proto)
{
	const struct nfu_xt_target_ops *ops = nfu_xt_find_target("NFQUEUE");
	struct nfu_xt_par par = { .net = net, .thoff = 20 };
	struct nfu_pkt *pkt = nfu_pkt_alloc(net, 64);
	uint8_t b[64];
	size_t n;
	unsigned int v;

	if (proto == 17) {
		n = build_udp(b, src, dst, 1000, 2000, 4);
	} else {
		memset(b + 20, 0, 8);
		n = build_ip(b, src, dst, proto, 8);
	}
	if (!pkt)
		abort();
	memcpy(nfu_pkt_put(pkt, n), b, n);
	nfu_pkt_reset_network_header(pkt);
	v = ops->target(pkt, &par, data);
	nfu_pkt_free(pkt);
	return v;
}

/* A reproducible stream of addresses (splitmix-like). */
static uint32_t next_addr(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(z ^ (z >> 31));
}

static void test_queue_num(void)
{
	struct nfu_net *net = nfu_net_new();
	void *d3 = nfq_data("--queue-num 3");
	void *d0 = nfq_data("");
	void *dmax = nfq_data("--queue-num 65535 --queue-bypass");
	void *db = nfq_data("--queue-num 3 --queue-bypass");

	REQUIRE(net && d3 && d0 && dmax && db);
	CHECK_INT(verdict_of(net, d3, IP_A, IP_B, 17), NFU_VERDICT_QUEUE(3, 0));
	CHECK_INT(verdict_of(net, d3, IP_A, IP_B, 17), 0x00030003u);
	CHECK_INT(verdict_of(net, d0, IP_B, IP_A, 6), NFU_VERDICT_QUEUE(0, 0));
	/* bypass: bit 15, Linux's NF_VERDICT_FLAG_QUEUE_BYPASS */
	CHECK_INT(verdict_of(net, db, IP_A, IP_B, 17), 0x00038003u);
	CHECK_INT(verdict_of(net, dmax, IP_A, IP_B, 1), 0xffff8003u);
	CHECK_INT(NFU_VERDICT_QUEUE_NUM(verdict_of(net, dmax, IP_A, IP_B, 1)),
		  65535);
	free(d3);
	free(d0);
	free(dmax);
	free(db);
	nfu_net_free(net);
}

/* Balance: the reference's queue for every flow, the same both ways,
 * spread over the whole range, and the bypass flag kept. */
static void test_balance(void)
{
	struct nfu_net *net = nfu_net_new();
	void *d = nfq_data("--queue-balance 4:7");
	void *db = nfq_data("--queue-balance 100:104 --queue-bypass");
	unsigned int count[4] = { 0 }, bad = 0, asym = 0, outside = 0;
	uint64_t st = 1;

	REQUIRE(net && d && db);
	for (unsigned int i = 0; i < 4000; i++) {
		uint32_t s = next_addr(&st), t = next_addr(&st);
		uint8_t proto = (uint8_t)(i % 3 == 0 ? 6 : i % 3 == 1 ? 17 : 1);
		unsigned int v = verdict_of(net, d, s, t, proto);
		unsigned int q = NFU_VERDICT_QUEUE_NUM(v);

		if ((v & 0xffff) != NFU_QUEUE)
			bad++;
		if (q != ref_queue(s, t, proto, 4, 4))
			bad++;
		if (verdict_of(net, d, t, s, proto) != v)
			asym++;
		if (q < 4 || q > 7)
			outside++;
		else
			count[q - 4]++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(asym, 0);
	CHECK_INT(outside, 0);
	/* 1000 expected on each: far from it means a broken spread */
	for (unsigned int i = 0; i < 4; i++)
		if (count[i] < 800 || count[i] > 1200)
			HARNESS_FAIL("queue %u got %u of 4000 flows", 4 + i,
				     count[i]);
	/* with bypass: the flag on every verdict, the queue unchanged */
	for (unsigned int i = 0; i < 200; i++) {
		uint32_t s = next_addr(&st), t = next_addr(&st);
		unsigned int v = verdict_of(net, db, s, t, 17);

		CHECK_INT(v, NFU_VERDICT_QUEUE(ref_queue(s, t, 17, 100, 5), 1));
	}
	free(d);
	free(db);
	nfu_net_free(net);
}

/* The fixed initval: these flows go to these queues on every run.  The
 * numbers were computed apart from nfu, by a Python lookup3 that gives
 * lookup3's own test values (hashlittle("Four score and seven years
 * ago", 30, 0) = 0x17770551, initval 1: 0xcd628161). */
static void test_balance_fixed_seed(void)
{
	static const struct {
		uint32_t src, dst;
		uint8_t proto;
		const char *range;
		unsigned int first, n, queue;
	} t[] = {
		{ IP_A, IP_B, 17, "0:3", 0, 4, 1 },
		{ IP_B, IP_A, 17, "0:3", 0, 4, 1 },
		{ IP_A, IP_B, 6, "0:3", 0, 4, 1 },
		{ A4(192, 168, 0, 1), IP_A, 17, "0:3", 0, 4, 0 },
		{ IP_A, IP_B, 17, "0:65534", 0, 65535, 23769 },
		{ IP_B, IP_A, 17, "0:65534", 0, 65535, 23769 },
		{ IP_A, IP_B, 6, "0:65534", 0, 65535, 22391 },
		{ IP_A, IP_B, 1, "0:65534", 0, 65535, 45897 },
		{ A4(192, 168, 0, 1), IP_A, 17, "0:65534", 0, 65535, 10950 },
		{ IP_A, A4(192, 168, 0, 1), 17, "0:65534", 0, 65535, 10950 },
	};
	struct nfu_net *net = nfu_net_new();

	REQUIRE(net);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char args[64];
		void *d;

		snprintf(args, sizeof(args), "--queue-balance %s", t[i].range);
		d = nfq_data(args);
		REQUIRE(d);
		CHECK_INT(ref_queue(t[i].src, t[i].dst, t[i].proto, t[i].first,
				    t[i].n),
			  t[i].queue);
		CHECK_INT(verdict_of(net, d, t[i].src, t[i].dst, t[i].proto),
			  NFU_VERDICT_QUEUE(t[i].queue, 0));
		free(d);
	}
	nfu_net_free(net);
}

/* cpu-fanout: Linux adds the CPU's number modulo the count; nfu's stack
 * runs on CPU 0, so every flow gets the first queue. */
static void test_cpu_fanout(void)
{
	struct nfu_net *net = nfu_net_new();
	void *d = nfq_data("--queue-balance 8:11 --queue-cpu-fanout");
	void *db = nfq_data("--queue-balance 8:11 --queue-bypass --queue-cpu-fanout");
	uint64_t st = 7;

	REQUIRE(net && d && db);
	for (unsigned int i = 0; i < 100; i++) {
		uint32_t s = next_addr(&st), t = next_addr(&st);

		CHECK_INT(verdict_of(net, d, s, t, 6), NFU_VERDICT_QUEUE(8, 0));
		CHECK_INT(verdict_of(net, db, s, t, 17), NFU_VERDICT_QUEUE(8, 1));
	}
	free(d);
	free(db);
	nfu_net_free(net);
}

/* ---- nfu_xt_queue_nums ---- */

static bool bit(const uint8_t *bm, unsigned int q)
{
	return bm[q / 8] & (1u << (q % 8));
}

static void test_queue_nums(void)
{
	static uint8_t bm[8192];
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_error err = { 0 };
	static const char text[] =
		"*raw\n"
		"-A PREROUTING -j NFQUEUE --queue-balance 100:103 --queue-bypass\n"
		"COMMIT\n"
		"*mangle\n"
		"-A POSTROUTING -j NFQUEUE --queue-num 7\n"
		"-A FORWARD -j NFQUEUE --queue-balance 65534:65535 --queue-cpu-fanout\n"
		"COMMIT\n"
		"*nat\n"
		"-A OUTPUT -j NFQUEUE --queue-balance 101:102\n"
		"COMMIT\n"
		"*filter\n"
		":web - [0:0]\n"
		"-A web -p tcp -j QUEUE\n"
		"-A INPUT -j ACCEPT\n"
		"-A INPUT -j NFQUEUE --queue-num 7\n"
		"COMMIT\n";
	unsigned int n = 0;

	REQUIRE(rs);
	memset(bm, 0xff, sizeof(bm));
	CHECK_INT(nfu_xt_queue_nums(rs, bm), 0);
	for (unsigned int i = 0; i < sizeof(bm); i++)
		n += bm[i] != 0;
	CHECK_INT(n, 0); /* cleared */
	REQUIRE(nfu_xt_restore(rs, text, strlen(text), 0, NULL, &err) == 0);
	/* 0, 7, 100-103, 65534-65535 */
	CHECK_INT(nfu_xt_queue_nums(rs, bm), 8);
	CHECK(bit(bm, 0));
	CHECK(!bit(bm, 1));
	CHECK(bit(bm, 7));
	CHECK(!bit(bm, 99));
	for (unsigned int q = 100; q <= 103; q++)
		CHECK(bit(bm, q));
	CHECK(!bit(bm, 104));
	CHECK(!bit(bm, 65533));
	CHECK(bit(bm, 65534));
	CHECK(bit(bm, 65535));
	CHECK_INT(bm[0], 0x81);
	nfu_xt_ruleset_free(rs);

	/* a ruleset in force, read as the replay tool will */
	REQUIRE(scene_up(NULL));
	rs = nfu_xt_ruleset_clone(nfu_xt_current(sc.net));
	REQUIRE(rs);
	REQUIRE(nfu_xt_restore(rs, text, strlen(text), 0, NULL, &err) == 0);
	REQUIRE(nfu_xt_commit(sc.net, rs, &err) == 0);
	CHECK_INT(nfu_xt_queue_nums(nfu_xt_current(sc.net), bm), 8);
	scene_down();
}

/* ---- through a stack, with an in-process handler ---- */

struct catcher {
	struct nfu_queue_entry *held[SCENE_MAX_FRAMES];
	unsigned int queue[SCENE_MAX_FRAMES];
	uint32_t src[SCENE_MAX_FRAMES], dst[SCENE_MAX_FRAMES];
	unsigned int n;
	int listen_first, listen_last; /* queues with a listener */
};

static struct catcher cat;

static int catch_out(void *priv, struct nfu_queue_entry *e, unsigned int q)
{
	struct catcher *c = priv;
	const uint8_t *ip = nfu_pkt_network_header(nfu_queue_entry_pkt(e));

	if ((int)q < c->listen_first || (int)q > c->listen_last ||
	    c->n == SCENE_MAX_FRAMES)
		return -ESRCH; /* no one bound to that queue */
	c->queue[c->n] = q;
	c->src[c->n] = rd32(ip + 12);
	c->dst[c->n] = rd32(ip + 16);
	c->held[c->n++] = e;
	return 0;
}

static void catch_drop_all(void *priv, struct nfu_net *net)
{
	struct catcher *c = priv;

	(void)net;
	while (c->n > 0)
		nfu_reinject(c->held[--c->n], NFU_DROP);
}

/* Reinjects everything held with 'verdict', oldest first. */
static void release(unsigned int verdict)
{
	unsigned int n = cat.n;

	cat.n = 0;
	for (unsigned int i = 0; i < n; i++)
		nfu_reinject(cat.held[i], verdict);
}

static bool up_with(const char *rules, int first, int last, bool handler)
{
	static const struct nfu_queue_handler qh = {
		.outfn = catch_out,
		.hook_drop = catch_drop_all,
		.priv = &cat,
	};
	struct nfu_xt_ruleset *rs;
	struct nfu_error err = { 0 };

	memset(&cat, 0, sizeof(cat));
	cat.listen_first = first;
	cat.listen_last = last;
	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	if (handler &&
	    nfu_queue_handler_register(sc.net, NFU_PROTO_IPV4, &qh) != 0) {
		HARNESS_FAIL("nfu_queue_handler_register failed");
		return false;
	}
	rs = nfu_xt_ruleset_clone(nfu_xt_current(sc.net));
	if (!rs || nfu_xt_restore(rs, rules, strlen(rules), 0, NULL, &err) ||
	    nfu_xt_commit(sc.net, rs, &err)) {
		HARNESS_FAIL("load: %s", err.msg);
		nfu_xt_ruleset_free(rs);
		return false;
	}
	return true;
}

static void udp(int ifx, uint32_t s, uint32_t d, unsigned int sp,
		unsigned int dp)
{
	uint8_t p[128];

	scene_rx(ifx, p, build_udp(p, s, d, sp, dp, 8));
}

/* Forwarded flows between A and 32 hosts behind B, each way: every
 * packet reaches the handler on the reference's queue, a flow's two
 * directions on one queue, and leaves once reinjected. */
static void test_handler_balance(void)
{
	unsigned int used[4] = { 0 };

	REQUIRE(up_with("*filter\n"
			"-A FORWARD -p udp -j NFQUEUE --queue-balance 20:23\n"
			"COMMIT\n", 20, 23, true));
	for (unsigned int i = 0; i < 32; i++) {
		uint32_t far = A4(192, 168, i, 1 + i);
		unsigned int want = ref_queue(IP_A, far, 17, 20, 4);

		scene_clear();
		udp(E0, IP_A, far, 5000 + i, 53);
		REQUIRE(cat.n == 1);
		CHECK_INT(cat.queue[0], want);
		CHECK_INT(cat.src[0], IP_A);
		CHECK_INT(sc.nout, 0); /* held */
		release(NFU_ACCEPT);
		CHECK_INT(sc.nout, 1);
		CHECK_INT(sc.out[0].ifindex, E1);

		scene_clear();
		udp(E1, far, IP_A, 53, 5000 + i);
		REQUIRE(cat.n == 1);
		CHECK_INT(cat.queue[0], want); /* the reply: the same queue */
		CHECK_INT(cat.src[0], far);
		release(NFU_ACCEPT);
		CHECK_INT(sc.nout, 1);
		CHECK_INT(sc.out[0].ifindex, E0);
		used[want - 20]++;
	}
	for (unsigned int q = 0; q < 4; q++)
		if (!used[q])
			HARNESS_FAIL("no flow of 32 on queue %u", 20 + q);
	CHECK_INT(sc.ndrops, 0);
	scene_down();
}

/* -j QUEUE is queue 0; --queue-num N is N; a verdict of DROP drops. */
static void test_handler_queue_num(void)
{
	REQUIRE(up_with("*mangle\n"
			"-A PREROUTING -p udp --dport 1 -j QUEUE\n"
			"-A PREROUTING -p udp --dport 2 -j NFQUEUE --queue-num 9 --queue-bypass\n"
			"COMMIT\n", 0, 9, true));
	udp(E0, IP_A, IP_B, 1000, 1);
	udp(E0, IP_A, IP_B, 1000, 2);
	REQUIRE(cat.n == 2);
	CHECK_INT(cat.queue[0], 0);
	CHECK_INT(cat.queue[1], 9);
	nfu_reinject(cat.held[0], NFU_ACCEPT);
	nfu_reinject(cat.held[1], NFU_DROP);
	cat.n = 0;
	CHECK_INT(sc.nout, 1);
	CHECK_INT(rd16(out_ip(0) + 22), 1); /* the dport 1 one */
	CHECK_INT(drops_of(NFU_DROP_QUEUE), 0);
	scene_down();
}

/* No listener: dropped as NFU_DROP_QUEUE, or with --queue-bypass on to the
 * next hook function, the rest of the chain skipped; the same with a
 * handler that has no one on that queue. */
static void test_no_listener(void)
{
	static const char rules[] =
		"*mangle\n"
		"-A FORWARD -p udp --dport 1 -j NFQUEUE --queue-num 3\n"
		"-A FORWARD -p udp --dport 2 -j NFQUEUE --queue-num 3 --queue-bypass\n"
		"-A FORWARD -p udp --dport 3 -j QUEUE\n"
		"-A FORWARD -p udp --dport 4 -j NFQUEUE --queue-balance 5:6 --queue-bypass\n"
		"-A FORWARD -p udp -j MARK --set-mark 9\n"
		"COMMIT\n"
		"*filter\n"
		"-A FORWARD -p udp -m mark --mark 9 -j DROP\n"
		"COMMIT\n";

	for (int handler = 0; handler < 2; handler++) {
		REQUIRE(up_with(rules, 100, 100, handler));
		udp(E0, IP_A, IP_B, 1000, 1);
		CHECK_INT(sc.nout, 0);
		CHECK_INT(drops_of(NFU_DROP_QUEUE), 1);
		udp(E0, IP_A, IP_B, 1000, 2);
		/* bypass: mangle ends there (no MARK), filter lets it by */
		CHECK_INT(sc.nout, 1);
		udp(E0, IP_A, IP_B, 1000, 3);
		CHECK_INT(sc.nout, 1);
		CHECK_INT(drops_of(NFU_DROP_QUEUE), 2);
		udp(E0, IP_A, IP_B, 1000, 4);
		CHECK_INT(sc.nout, 2);
		udp(E0, IP_A, IP_B, 1000, 5); /* marked, dropped by filter */
		CHECK_INT(sc.nout, 2);
		CHECK_INT(drops_of(NFU_DROP_QUEUE), 2);
		CHECK_INT(cat.n, 0);
		scene_down();
	}
}

int main(void)
{
	RUN(test_queue_num);
	RUN(test_balance);
	RUN(test_balance_fixed_seed);
	RUN(test_cpu_fanout);
	RUN(test_queue_nums);
	RUN(test_handler_balance);
	RUN(test_handler_queue_num);
	RUN(test_no_listener);
	return harness_done();
}
