/* SPDX-License-Identifier: MIT */
/*
 * The evaluator against a deliberately naive reference: random rulesets
 * (user chains, jumps, gotos, RETURN, inverted IP parts, interface
 * wildcards, fragments) and random packets; the verdict of every packet and
 * every counter must agree.  The reference interprets the typed rules
 * recursively, the way one reads iptables' documentation; the evaluator
 * runs the table in force with its jump stack, as ipt_do_table().
 *
 * Then one command at a time: nfu_xt_cmd_commit(), which does many
 * commands in place, against the long way (clone, apply, full commit) on
 * a second stack, random commands and packets in between: the results,
 * the messages, the rulesets, their counters and the verdicts must agree.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness.h"
#include "ipv4/ipv4-private.h"
#include "nfu/nfu.h"
#include "xtables/lang.h"
#include "xtables/xt-compiled.h"

static uint64_t rng = 88172645463325252ull;
static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

#define NUSER 6


static const uint32_t addrs[] = { 0x0a000001, 0x0a000002, 0x0a000101,
				  0x0a010203, 0xc0a80001 };

static uint32_t be(uint32_t h)
{
	return __builtin_bswap32(h);
}

static void random_ip(struct nfu_xt_ip *ip)
{
	static const char *const ifs[] = { "f0", "f1", "f", "lo" };
	static const uint8_t plens[] = { 8, 16, 24, 32 };

	memset(ip, 0, sizeof(*ip));
	if (rnd(3) == 0) {
		ip->smsk = nfu_inet_mask(plens[rnd(4)]);
		ip->src = be(addrs[rnd(5)]) & ip->smsk;
		if (rnd(4) == 0)
			ip->invflags |= NFU_IPT_INV_SRCIP;
	}
	if (rnd(3) == 0) {
		ip->dmsk = nfu_inet_mask(plens[rnd(4)]);
		ip->dst = be(addrs[rnd(5)]) & ip->dmsk;
		if (rnd(4) == 0)
			ip->invflags |= NFU_IPT_INV_DSTIP;
	}
	if (rnd(4) == 0) {
		const char *n = ifs[rnd(4)];
		strcpy(ip->iniface, n);
		ip->iniface_len = (uint8_t)strlen(n);
		ip->iniface_plus = rnd(2);
		if (rnd(4) == 0)
			ip->invflags |= NFU_IPT_INV_VIA_IN;
	}
	if (rnd(5) == 0) {
		const char *n = ifs[rnd(4)];
		strcpy(ip->outiface, n);
		ip->outiface_len = (uint8_t)strlen(n);
		ip->outiface_plus = rnd(2);
		if (rnd(4) == 0)
			ip->invflags |= NFU_IPT_INV_VIA_OUT;
	}
	if (rnd(3) == 0) {
		static const uint16_t protos[] = { 6, 17, 1, 47 };
		ip->proto = protos[rnd(4)];
		if (rnd(4) == 0)
			ip->invflags |= NFU_IPT_INV_PROTO;
	}
	if (rnd(8) == 0) {
		ip->flags |= NFU_IPT_F_FRAG;
		if (rnd(2))
			ip->invflags |= NFU_IPT_INV_FRAG;
	}
}

/* chain index 0..2: INPUT, FORWARD, OUTPUT of filter; 3..: user chains U0.. */
static void random_ruleset(struct nfu_xt_ruleset *rs)
{
	struct nfu_xt_table *t = nfu_xt_ruleset_table(rs, "filter");
	char name[16];

	for (int u = 0; u < NUSER; u++) {
		snprintf(name, sizeof(name), "U%d", u);
		nfu_xt_chain_add(t, name, NULL);
	}
	for (unsigned int ci = 0; ci < t->nchains; ci++) {
		struct nfu_xt_chain *c = t->chains[ci];
		unsigned int nr = rnd(8);

		if (c->builtin)
			c->policy = rnd(2) ? NFU_XT_STD_ACCEPT : NFU_XT_STD_DROP;
		for (unsigned int k = 0; k < nr; k++) {
			struct nfu_xt_rule *r = nfu_xt_rule_new();
			int u = c->builtin ? -1 : c->name[1] - '0';

			random_ip(&r->ip);
			switch (rnd(7)) {
			case 0:
				r->verdict = NFU_XT_STD_ACCEPT;
				break;
			case 1:
				r->verdict = NFU_XT_STD_DROP;
				break;
			case 2:
				r->verdict = NFU_XT_STD_RETURN;
				break;
			case 3:
				r->verdict = 0;
				break;
			default:
				/* only to later user chains: no loops */
				if (u + 1 >= NUSER) {
					r->verdict = 0;
					break;
				}
				r->tkind = rnd(3) ? NFU_XT_T_JUMP : NFU_XT_T_GOTO;
				snprintf(r->chain, sizeof(r->chain), "U%d",
					 u + 1 + (int)rnd((unsigned)(NUSER - u - 1)));
				break;
			}
			nfu_xt_rule_insert(c, c->nrules, r);
		}
	}
}

struct pktdesc {
	uint32_t s, d;
	uint8_t proto;
	bool frag;
	const struct nfu_dev *in, *out;
};

static bool ref_iface(const char *w, uint8_t len, bool plus,
		      const struct nfu_dev *d)
{
	char name[32];

	if (!w[0] && !plus)
		return true;
	snprintf(name, sizeof(name), "%s", d ? d->name : "");
	if (plus)
		return strncmp(name, w, len) == 0;
	return strcmp(name, w) == 0;
}

static bool ref_ipmatch(const struct nfu_xt_ip *ip, const struct pktdesc *p)
{
	bool m = true;

	if (ip->smsk || ip->src)
		m &= ((p->s & ip->smsk) == ip->src) !=
		     !!(ip->invflags & NFU_IPT_INV_SRCIP);
	else
		m &= !(ip->invflags & NFU_IPT_INV_SRCIP);
	if (ip->dmsk || ip->dst)
		m &= ((p->d & ip->dmsk) == ip->dst) !=
		     !!(ip->invflags & NFU_IPT_INV_DSTIP);
	else
		m &= !(ip->invflags & NFU_IPT_INV_DSTIP);
	m &= ref_iface(ip->iniface, ip->iniface_len, ip->iniface_plus, p->in) !=
	     !!(ip->invflags & NFU_IPT_INV_VIA_IN);
	m &= ref_iface(ip->outiface, ip->outiface_len, ip->outiface_plus,
		       p->out) != !!(ip->invflags & NFU_IPT_INV_VIA_OUT);
	if (ip->proto)
		m &= (p->proto == ip->proto) !=
		     !!(ip->invflags & NFU_IPT_INV_PROTO);
	if (ip->flags & NFU_IPT_F_FRAG)
		m &= p->frag != !!(ip->invflags & NFU_IPT_INV_FRAG);
	return m;
}

enum { R_ACCEPT, R_DROP, R_RETURN };

#define MAXCH (NUSER + 3)
#define MAXR 16
static uint64_t ref_cnt[MAXCH][2 * MAXR + 2];

static unsigned int chain_idx(struct nfu_xt_table *t, struct nfu_xt_chain *c)
{
	unsigned int i = 0;

	while (t->chains[i] != c)
		i++;
	return i;
}

/* Runs 'c'; R_RETURN when it returns or falls off its end.  A goto makes
 * the target chain's outcome ours; a jump comes back unless it decided. */
static int ref_chain(struct nfu_xt_table *t, struct nfu_xt_chain *c,
		     const struct pktdesc *p, uint32_t len)
{
	uint64_t *cnt = ref_cnt[chain_idx(t, c)];

	for (unsigned int k = 0; k < c->nrules; k++) {
		struct nfu_xt_rule *r = c->rules[k];
		int res;

		if (!ref_ipmatch(&r->ip, p))
			continue;
		cnt[2 * k]++;
		cnt[2 * k + 1] += len;
		if (r->tkind == NFU_XT_T_VERDICT) {
			if (r->verdict == NFU_XT_STD_ACCEPT)
				return R_ACCEPT;
			if (r->verdict == NFU_XT_STD_DROP)
				return R_DROP;
			if (r->verdict == NFU_XT_STD_RETURN)
				return R_RETURN;
			continue;
		}
		res = ref_chain(t, nfu_xt_chain_find(t, r->chain), p, len);
		if (r->tkind == NFU_XT_T_GOTO || res != R_RETURN)
			return res;
	}
	return R_RETURN;
}

static int ref_hook(struct nfu_xt_table *t, struct nfu_xt_chain *c,
		    const struct pktdesc *p, uint32_t len)
{
	int res = ref_chain(t, c, p, len);
	uint64_t *cnt = ref_cnt[chain_idx(t, c)];

	if (res != R_RETURN)
		return res;
	cnt[2 * MAXR]++;
	cnt[2 * MAXR + 1] += len;
	return c->policy == NFU_XT_STD_ACCEPT ? R_ACCEPT : R_DROP;
}

static struct nfu_pkt *make_pkt(struct nfu_net *net, const struct pktdesc *p,
				uint32_t *len)
{
	unsigned char b[40] = { 0x45, 0, 0, 40, 0, 1, 0, 0, 64 };
	struct nfu_pkt *pkt;

	b[9] = p->proto;
	if (p->frag)
		b[6] = 0x00, b[7] = 0x10; /* offset 16 units */
	memcpy(b + 12, &p->s, 4);
	memcpy(b + 16, &p->d, 4);
	pkt = nfu_pkt_from_bytes(net, b, sizeof(b));
	*len = sizeof(b);
	return pkt;
}

static void test_random_against_reference(void)
{
	static const char topo[] = "ip addr add 10.0.0.1/24 dev f0\n"
				   "ip addr add 10.0.1.1/24 dev f1\n";
	unsigned int mismatches = 0, packets = 0;

	for (int round = 0; round < 300; round++) {
		struct nfu_net *net = nfu_net_new();
		struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
		struct nfu_error err;
		struct nfu_xt_table *t;
		struct nfu_xt_net *x;
		struct nfu_dev *devs[3];

		REQUIRE(net && rs);
		REQUIRE(nfu_topology_load(net, topo, strlen(topo), "t", &err) == 0);
		devs[0] = nfu_dev_by_name(net, "f0");
		devs[1] = nfu_dev_by_name(net, "f1");
		devs[2] = NULL;
		random_ruleset(rs);
		t = nfu_xt_ruleset_table(rs, "filter");
		if (nfu_xt_commit(net, rs, &err) != 0) {
			HARNESS_FAIL("commit: %s", err.msg);
			nfu_xt_ruleset_free(rs);
			nfu_net_free(net);
			return;
		}
		x = net->xt;
		memset(ref_cnt, 0, sizeof(ref_cnt));
		for (int n = 0; n < 200; n++) {
			static const uint8_t hooks[3] = { NFU_INET_LOCAL_IN,
							  NFU_INET_FORWARD,
							  NFU_INET_LOCAL_OUT };
			static const uint8_t protos[] = { 6, 17, 1, 47 };
			struct pktdesc p = {
				.s = be(addrs[rnd(5)]),
				.d = be(addrs[rnd(5)]),
				.proto = protos[rnd(4)],
				.frag = rnd(6) == 0,
			};
			unsigned int hi = rnd(3);
			struct nfu_hook_state st = { .hook = hooks[hi],
						     .pf = NFU_PROTO_IPV4,
						     .net = net };
			uint32_t len;
			struct nfu_pkt *pkt;
			unsigned int v;
			int want;

			if (hi != 2)
				p.in = st.in = devs[rnd(3) == 0 ? 1 : 0];
			if (hi != 0)
				p.out = st.out = devs[rnd(2)];
			pkt = make_pkt(net, &p, &len);
			REQUIRE(pkt);
			v = nfu_xt_do_table(pkt, &st, x->slot[3].t);
			nfu_pkt_free(pkt);
			want = ref_hook(t, nfu_xt_chain_find(t, hi == 0 ? "INPUT"
								 : hi == 1 ? "FORWARD"
									   : "OUTPUT"),
					&p, len);
			packets++;
			if ((want == R_ACCEPT && v != NFU_ACCEPT) ||
			    (want == R_DROP && v != NFU_DROP))
				mismatches++;
		}
		for (unsigned int ci = 0; ci < t->nchains; ci++) {
			struct nfu_xt_chain *c = t->chains[ci];

			for (unsigned int k = 0; k < c->nrules; k++) {
				CHECK_INT(c->rules[k]->pcnt, ref_cnt[ci][2 * k]);
				CHECK_INT(c->rules[k]->bcnt, ref_cnt[ci][2 * k + 1]);
			}
			if (c->builtin) {
				CHECK_INT(c->pcnt, ref_cnt[ci][2 * MAXR]);
				CHECK_INT(c->bcnt, ref_cnt[ci][2 * MAXR + 1]);
			}
		}
		nfu_net_free(net);
	}
	CHECK_INT(mismatches, 0);
	CHECK(packets == 300 * 200);
}

/* A loop is refused and changes nothing; so is a jump to a missing chain. */
static void test_commit_refuses_loops(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_xt_table *t = nfu_xt_ruleset_table(rs, "filter");
	struct nfu_xt_chain *a, *b;
	struct nfu_xt_rule *r;
	struct nfu_error err;

	REQUIRE(nfu_xt_chain_add(t, "A", &a) == 0);
	REQUIRE(nfu_xt_chain_add(t, "B", &b) == 0);
	r = nfu_xt_rule_new();
	r->tkind = NFU_XT_T_JUMP;
	strcpy(r->chain, "A");
	nfu_xt_rule_insert(nfu_xt_chain_find(t, "INPUT"), 0, r);
	r = nfu_xt_rule_new();
	r->tkind = NFU_XT_T_JUMP;
	strcpy(r->chain, "B");
	nfu_xt_rule_insert(a, 0, r);
	r = nfu_xt_rule_new();
	r->tkind = NFU_XT_T_GOTO;
	strcpy(r->chain, "A");
	nfu_xt_rule_insert(b, 0, r);
	CHECK_INT(nfu_xt_commit(net, rs, &err), -ELOOP);
	CHECK(strstr(err.msg, "loop") != NULL);
	CHECK_INT(nfu_hook_count(net, NFU_PROTO_IPV4, NFU_INET_LOCAL_IN), 0);

	strcpy(b->rules[0]->chain, "C");
	CHECK_INT(nfu_xt_commit(net, rs, &err), -ENOENT);
	CHECK(strstr(err.msg, "`C'") != NULL);
	nfu_xt_ruleset_free(rs);
	nfu_net_free(net);
}

/* A table registers its hooks only once it has something to do. */
static void test_unused_tables_cost_nothing(void)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_error err;

	REQUIRE(nfu_xt_commit(net, rs, &err) == 0);
	for (uint8_t h = 0; h < NFU_INET_NUMHOOKS; h++)
		CHECK_INT(nfu_hook_count(net, NFU_PROTO_IPV4, h), 0);
	rs = nfu_xt_ruleset_clone(nfu_xt_current(net));
	nfu_xt_chain_find(nfu_xt_ruleset_table(rs, "filter"), "FORWARD")->policy =
		NFU_XT_STD_DROP;
	REQUIRE(nfu_xt_commit(net, rs, &err) == 0);
	CHECK_INT(nfu_hook_count(net, NFU_PROTO_IPV4, NFU_INET_FORWARD), 1);
	CHECK_INT(nfu_hook_count(net, NFU_PROTO_IPV4, NFU_INET_PRE_ROUTING), 0);
	nfu_net_free(net);
}

/* Through the stack: FORWARD policy DROP stops forwarding, and its
 * counters count the packet. */
static void test_policy_drop_in_stack(void)
{
	static const char topo[] = "ip link set f0 address 02:00:00:00:00:02\n"
				   "ip addr add 10.0.0.1/24 dev f0\n"
				   "ip addr add 10.0.1.1/24 dev f1\n"
				   "sysctl -w net.ipv4.ip_forward=1\n";
	struct nfu_net *net = nfu_net_new();
	struct nfu_xt_ruleset *rs;
	struct nfu_error err;
	unsigned char ip[28] = { 0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
				 10, 0, 0, 9, 10, 0, 1, 9,
				 0x30, 0x39, 0, 7, 0, 8, 0, 0 };
	unsigned int sum = 0;
	struct nfu_stats st;

	REQUIRE(nfu_topology_load(net, topo, strlen(topo), "t", &err) == 0);
	for (int i = 0; i < 20; i += 2)
		sum += (unsigned int)(ip[i] << 8 | ip[i + 1]);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = (unsigned char)(sum >> 8);
	ip[11] = (unsigned char)sum;
	rs = nfu_xt_ruleset_new();
	nfu_xt_chain_find(nfu_xt_ruleset_table(rs, "filter"), "FORWARD")->policy =
		NFU_XT_STD_DROP;
	REQUIRE(nfu_xt_commit(net, rs, &err) == 0);
	nfu_rx_ip(net, 2, ip, sizeof(ip));
	nfu_net_get_stats(net, &st);
	CHECK_INT(st.forwarded, 0);
	CHECK_INT(nfu_net_drop_count(net, NFU_DROP_NETFILTER), 1);
	rs = nfu_xt_current(net);
	CHECK_INT(nfu_xt_chain_find(nfu_xt_ruleset_table(rs, "filter"),
				    "FORWARD")->pcnt, 1);
	CHECK_INT(nfu_xt_chain_find(nfu_xt_ruleset_table(rs, "filter"),
				    "FORWARD")->bcnt, 28);
	nfu_net_free(net);
}

/* A random iptables command line (table, then words). */
static const char *random_command(char *buf, size_t len, const char **table)
{
	static const char *const fchains[] = { "INPUT", "FORWARD", "OUTPUT",
					       "U0", "U1", "U2", "NOPE" };
	static const char *const mchains[] = { "PREROUTING", "INPUT", "M0",
					       "M1" };
	static const char *const specs[] = {
		"-j ACCEPT", "-j DROP", "-j RETURN", "", "-s 10.0.0.0/8 -j DROP",
		"-p tcp --dport 80 -j ACCEPT", "-p udp -j DROP",
		"-i f1 -j ACCEPT", "-s 10.0.0.1,10.0.0.2 -j DROP",
		"-d 10.0.1.0/24 -p icmp -j ACCEPT", "-j REJECT", "-j U1",
		"-j U2", "-g U0", "-j MARK --set-mark 1",
		"-m mark --mark 1 -j DROP",
		/* not from OUTPUT: which chains reach which matters */
		"-m mac --mac-source 02:00:00:00:00:01 -j ACCEPT",
		"-m mac --mac-source 02:00:00:00:00:01 -j ACCEPT",
	};
	const char *spec = specs[rnd(sizeof(specs) / sizeof(specs[0]))];
	const char *c;
	unsigned int n = 1 + rnd(4);

	if (rnd(6) == 0) {
		*table = "mangle";
		c = mchains[rnd(4)];
		if (rnd(2))
			spec = (const char *const[]){ "-j REJECT", "-j M1",
				"-j MARK --set-mark 2", "-j DROP", "-j M0" }[rnd(5)];
	} else {
		*table = "filter";
		c = fchains[rnd(7)];
	}
	switch (rnd(16)) {
	case 0: case 1: case 2: case 3:
		snprintf(buf, len, "-A %s %s", c, spec);
		break;
	case 4: case 5:
		snprintf(buf, len, "-I %s %u %s", c, n, spec);
		break;
	case 6:
		snprintf(buf, len, "-D %s %u", c, n);
		break;
	case 7:
		snprintf(buf, len, "-D %s %s", c, spec);
		break;
	case 8:
		snprintf(buf, len, "-R %s %u %s", c, n, spec);
		break;
	case 9:
		snprintf(buf, len, rnd(2) ? "-Z %s" : "-Z %s %u", c, n);
		break;
	case 10:
		snprintf(buf, len, "-P %s %s", c, rnd(2) ? "DROP" : "ACCEPT");
		break;
	case 11:
		snprintf(buf, len, "-N %s", c);
		break;
	case 12:
		snprintf(buf, len, "-X %s", c);
		break;
	case 13:
		snprintf(buf, len, "-F %s", c);
		break;
	case 14:
		snprintf(buf, len, "-C %s %s", c, spec);
		break;
	default:
		snprintf(buf, len, "-A %s -p tcp -j %s", c,
			 rnd(2) ? "ACCEPT" : "U0");
		break;
	}
	return buf;
}

/* Parses 'line' for the ruleset of 'net' and carries it out, in place
 * (nfu_xt_cmd_commit()) or the long way. */
static int run_command(struct nfu_net *net, const char *table,
		       const char *line, bool long_way, char *msg, size_t len)
{
	struct nfu_xt_ruleset *cur = nfu_xt_current(net), *copy;
	struct nfu_xt_rule *rule = nfu_xt_rule_new();
	struct nfu_xt_cmd cmd;
	struct nfu_error err;
	char words[256], *argv[32];
	int argc = 0, rc;

	snprintf(words, sizeof(words), "%s", line);
	for (char *p = strtok(words, " "); p && argc < 31; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	nfu_xt_cmd_init(&cmd, "iptables", 0, false);
	memset(&err, 0, sizeof(err));
	rc = nfu_xt_parse_rule(argc, argv, table,
			       nfu_xt_ruleset_table(cur, table), rule, &cmd, &err);
	if (!rc && !long_way) {
		rc = nfu_xt_cmd_commit(net, table, &cmd, rule, &err);
	} else if (!rc) {
		nfu_xt_table_use(cur, nfu_xt_ruleset_table(cur, table));
		copy = nfu_xt_ruleset_clone(cur);
		if (!copy)
			abort();
		rc = nfu_xt_cmd_apply(nfu_xt_ruleset_table(copy, table), &cmd,
				      rule, &err);
		if (!rc)
			rc = nfu_xt_commit(net, copy, &err);
		if (rc)
			nfu_xt_ruleset_free(copy);
	}
	snprintf(msg, len, "%s", err.msg);
	nfu_xt_rule_free(rule);
	nfu_xt_cmd_free(&cmd);
	return rc;
}

static void save_text(struct nfu_net *net, struct nfu_strbuf *sb)
{
	nfu_sb_init(sb);
	nfu_xt_save(nfu_xt_current(net), NULL, true, sb);
	if (sb->oom)
		abort();
}

static void test_in_place_equals_long_way(void)
{
	static const char topo[] = "ip addr add 10.0.0.1/24 dev f0\n"
				   "ip addr add 10.0.1.1/24 dev f1\n";
	unsigned int differ = 0, in_place_ok = 0, steps = 0;

	for (int round = 0; round < 40; round++) {
		struct nfu_net *net[2] = { nfu_net_new(), nfu_net_new() };
		struct nfu_error err;

		for (int k = 0; k < 2; k++) {
			REQUIRE(net[k]);
			REQUIRE(nfu_topology_load(net[k], topo, strlen(topo), "t",
						  &err) == 0);
		}
		for (int step = 0; step < 150; step++, steps++) {
			char line[160], msg[2][512];
			const char *table;
			struct nfu_strbuf sb[2];
			int rc[2];

			random_command(line, sizeof(line), &table);
			for (int k = 0; k < 2; k++)
				rc[k] = run_command(net[k], table, line, k == 1,
						    msg[k], sizeof(msg[k]));
			if (rc[0] == 0)
				in_place_ok++;
			/* a few packets through each table of both */
			for (int n = 0; n < 4; n++) {
				static const uint8_t hooks[] = {
					NFU_INET_PRE_ROUTING, NFU_INET_LOCAL_IN,
					NFU_INET_FORWARD, NFU_INET_LOCAL_OUT };
				struct pktdesc p = {
					.s = be(addrs[rnd(5)]),
					.d = be(addrs[rnd(5)]),
					.proto = (uint8_t[]){ 6, 17, 1 }[rnd(3)],
				};
				uint8_t hook = hooks[rnd(4)];
				unsigned int v[2];

				for (int k = 0; k < 2; k++) {
					struct nfu_xt_net *x = net[k]->xt;
					struct nfu_hook_state st = {
						.hook = hook, .pf = NFU_PROTO_IPV4,
						.net = net[k],
						.in = hook == NFU_INET_LOCAL_OUT ? NULL :
							nfu_dev_by_name(net[k], "f1"),
						.out = hook <= NFU_INET_LOCAL_IN ? NULL :
							nfu_dev_by_name(net[k], "f0"),
					};
					uint32_t len;
					struct nfu_pkt *pkt = make_pkt(net[k], &p, &len);

					REQUIRE(pkt && x);
					v[k] = nfu_xt_do_table(pkt, &st, x->slot[1].t);
					if (v[k] == NFU_ACCEPT &&
					    hook != NFU_INET_PRE_ROUTING)
						v[k] = nfu_xt_do_table(pkt, &st,
								       x->slot[3].t);
					nfu_pkt_free(pkt);
				}
				if (v[0] != v[1])
					differ++;
			}
			save_text(net[0], &sb[0]);
			save_text(net[1], &sb[1]);
			if (rc[0] != rc[1] || strcmp(msg[0], msg[1]) ||
			    sb[0].len != sb[1].len ||
			    memcmp(sb[0].s, sb[1].s, sb[0].len)) {
				differ++;
				if (differ < 4)
					fprintf(stderr,
						"-t %s %s: in place %d `%s', long way %d `%s'\n"
						"--- in place:\n%s--- long way:\n%s",
						table, line, rc[0], msg[0], rc[1],
						msg[1], sb[0].s, sb[1].s);
			}
			nfu_sb_free(&sb[0]);
			nfu_sb_free(&sb[1]);
		}
		nfu_net_free(net[0]);
		nfu_net_free(net[1]);
	}
	CHECK_INT(differ, 0);
	CHECK_INT(steps, 40 * 150);
	/* both kinds of outcome were exercised */
	CHECK(in_place_ok > 1000);
	CHECK(in_place_ok < steps - 500);
}

int main(void)
{
	RUN(test_random_against_reference);
	RUN(test_commit_refuses_loops);
	RUN(test_unused_tables_cost_nothing);
	RUN(test_policy_drop_in_stack);
	RUN(test_in_place_equals_long_way);
	return harness_done();
}
