/* SPDX-License-Identifier: MIT */
/*
 * The hook framework: order, every verdict, queueing and reinjection,
 * unregistering during traversal, independence of stacks.
 */
#include <errno.h>

#include "harness.h"
#include "nfu/nfu.h"

#define MAXLOG 64

struct scene {
	struct nfu_net *net;
	char log[MAXLOG];
	int nlog;
	unsigned int local_in;      /* packets that reached LOCAL_IN's okfn */
	unsigned int dropped;
	enum nfu_drop_reason last_reason;
};

/* A hook: logs its letter and returns the verdicts in 'script' one after
 * another (then ACCEPT). */
struct step {
	struct nfu_hook_ops ops;
	struct scene *s;
	char letter;
	unsigned int script[4];
	int nscript, pos;
	const struct nfu_hook_ops *unregister; /* unregister this when called */
	struct nfu_pkt *stolen;
};

static unsigned int step_fn(void *priv, struct nfu_pkt *pkt,
			    const struct nfu_hook_state *state)
{
	struct step *st = priv;
	unsigned int v = NFU_ACCEPT;

	(void)state;
	if (st->s->nlog < MAXLOG - 1)
		st->s->log[st->s->nlog++] = st->letter;
	if (st->unregister) {
		nfu_hook_unregister(st->s->net, st->unregister);
		st->unregister = NULL;
	}
	if (st->pos < st->nscript)
		v = st->script[st->pos++];
	if ((v & NFU_VERDICT_MASK) == NFU_STOLEN)
		st->stolen = pkt;
	return v;
}

static void step_init(struct step *st, struct scene *s, char letter,
		      uint8_t hook, int32_t prio)
{
	memset(st, 0, sizeof(*st));
	st->s = s;
	st->letter = letter;
	st->ops.hook = step_fn;
	st->ops.priv = st;
	st->ops.pf = NFU_PROTO_IPV4;
	st->ops.hooknum = hook;
	st->ops.priority = prio;
}

static unsigned int local_in_counter(void *priv, struct nfu_pkt *pkt,
				     const struct nfu_hook_state *state)
{
	struct scene *s = priv;

	(void)pkt;
	(void)state;
	s->local_in++;
	if (s->nlog < MAXLOG - 1)
		s->log[s->nlog++] = 'L';
	return NFU_ACCEPT;
}

static int deliver_take(void *priv, struct nfu_pkt *pkt)
{
	(void)priv;
	nfu_pkt_free(pkt); /* no responder traffic in these tests */
	return 1;
}

static void on_drop(void *priv, const struct nfu_pkt *pkt,
		    enum nfu_drop_reason reason)
{
	struct scene *s = priv;

	(void)pkt;
	s->dropped++;
	s->last_reason = reason;
}

static struct nfu_hook_ops local_in_ops;

static void scene_init(struct scene *s)
{
	static const char topo[] = "ip addr add 10.0.0.1/24 dev f0\n";
	struct nfu_net_ops ops = { .deliver = deliver_take, .dropped = on_drop };
	struct nfu_error err;

	memset(s, 0, sizeof(*s));
	s->net = nfu_net_new();
	if (!s->net)
		abort();
	if (nfu_topology_load(s->net, topo, strlen(topo), "t", &err) < 0)
		abort();
	ops.priv = s;
	nfu_net_set_ops(s->net, &ops);
	local_in_ops.hook = local_in_counter;
	local_in_ops.priv = s;
	local_in_ops.pf = NFU_PROTO_IPV4;
	local_in_ops.hooknum = NFU_INET_LOCAL_IN;
	local_in_ops.priority = 0;
	if (nfu_hook_register(s->net, &local_in_ops) < 0)
		abort();
}

/* A UDP datagram 10.0.0.9 → 10.0.0.1 arriving on f0 (ifindex 2). */
static void send_one(struct scene *s)
{
	unsigned char ip[28] = {
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 0, 0, 9, 10, 0, 0, 1,
		0x30, 0x39, 0x00, 0x07, 0, 8, 0, 0,
	};
	unsigned int sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += (unsigned int)(ip[i] << 8 | ip[i + 1]);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = (unsigned char)(sum >> 8);
	ip[11] = (unsigned char)sum;
	nfu_rx_ip(s->net, 2, ip, sizeof(ip));
}

static void log_is(struct scene *s, const char *want)
{
	s->log[s->nlog] = 0;
	CHECK_STR(s->log, want);
}

static void test_priority_order(void)
{
	struct scene s;
	struct step a, b, c, d;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_PRE_ROUTING, 10);
	step_init(&b, &s, 'b', NFU_INET_PRE_ROUTING, -5);
	step_init(&c, &s, 'c', NFU_INET_PRE_ROUTING, 10);
	step_init(&d, &s, 'd', NFU_INET_PRE_ROUTING, INT32_MIN);
	CHECK_INT(nfu_hook_register(s.net, &a.ops), 0);
	CHECK_INT(nfu_hook_register(s.net, &b.ops), 0);
	CHECK_INT(nfu_hook_register(s.net, &c.ops), 0);
	CHECK_INT(nfu_hook_register(s.net, &d.ops), 0);
	CHECK_INT(nfu_hook_count(s.net, NFU_PROTO_IPV4, NFU_INET_PRE_ROUTING), 4);
	send_one(&s);
	/* ascending priority, equal ones in registration order */
	log_is(&s, "dbacL");
	CHECK_INT(s.local_in, 1);
	nfu_net_free(s.net);
}

static void test_register_errors(void)
{
	struct scene s;
	struct step a;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_FORWARD, 0);
	CHECK_INT(nfu_hook_register(s.net, &a.ops), 0);
	CHECK_INT(nfu_hook_register(s.net, &a.ops), -EEXIST);
	a.ops.hooknum = NFU_INET_NUMHOOKS;
	CHECK_INT(nfu_hook_register(s.net, &a.ops), -EINVAL);
	a.ops.hooknum = NFU_INET_FORWARD;
	a.ops.pf = 10;
	CHECK_INT(nfu_hook_register(s.net, &a.ops), -EINVAL);
	a.ops.pf = NFU_PROTO_IPV4;
	nfu_hook_unregister(s.net, &a.ops);
	nfu_hook_unregister(s.net, &a.ops); /* a no-op, never fails */
	CHECK_INT(nfu_hook_count(s.net, NFU_PROTO_IPV4, NFU_INET_FORWARD), 0);
	nfu_net_free(s.net);
}

static void test_drop(void)
{
	struct scene s;
	struct step a, b;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_PRE_ROUTING, 0);
	step_init(&b, &s, 'b', NFU_INET_PRE_ROUTING, 1);
	a.script[0] = NFU_DROP;
	a.nscript = 1;
	nfu_hook_register(s.net, &a.ops);
	nfu_hook_register(s.net, &b.ops);
	send_one(&s);
	log_is(&s, "a");
	CHECK_INT(s.dropped, 1);
	CHECK_INT(s.last_reason, NFU_DROP_NETFILTER);
	CHECK_INT(nfu_net_drop_count(s.net, NFU_DROP_NETFILTER), 1);
	nfu_net_free(s.net);
}

static void test_stolen(void)
{
	struct scene s;
	struct step a, b;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_PRE_ROUTING, 0);
	step_init(&b, &s, 'b', NFU_INET_PRE_ROUTING, 1);
	a.script[0] = NFU_STOLEN;
	a.nscript = 1;
	nfu_hook_register(s.net, &a.ops);
	nfu_hook_register(s.net, &b.ops);
	send_one(&s);
	log_is(&s, "a");
	CHECK_INT(s.dropped, 0);
	REQUIRE(a.stolen != NULL);
	nfu_pkt_free(a.stolen); /* ours now */
	nfu_net_free(s.net);
}

static void test_stop_skips_rest_of_hook(void)
{
	struct scene s;
	struct step a, b;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_PRE_ROUTING, 0);
	step_init(&b, &s, 'b', NFU_INET_PRE_ROUTING, 1);
	a.script[0] = NFU_STOP;
	a.nscript = 1;
	nfu_hook_register(s.net, &a.ops);
	nfu_hook_register(s.net, &b.ops);
	send_one(&s);
	/* b skipped, but the packet goes on: LOCAL_IN reached */
	log_is(&s, "aL");
	nfu_net_free(s.net);
}

static void test_repeat(void)
{
	struct scene s;
	struct step a, b;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_PRE_ROUTING, 0);
	step_init(&b, &s, 'b', NFU_INET_PRE_ROUTING, 1);
	a.script[0] = NFU_REPEAT;
	a.script[1] = NFU_REPEAT;
	a.nscript = 2;
	nfu_hook_register(s.net, &a.ops);
	nfu_hook_register(s.net, &b.ops);
	send_one(&s);
	log_is(&s, "aaabL");
	nfu_net_free(s.net);
}

static void test_unknown_verdict_drops(void)
{
	struct scene s;
	struct step a;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_PRE_ROUTING, 0);
	a.script[0] = 0x77;
	a.nscript = 1;
	nfu_hook_register(s.net, &a.ops);
	send_one(&s);
	log_is(&s, "a");
	CHECK_INT(s.dropped, 1);
	nfu_net_free(s.net);
}

static void test_queue_without_handler(void)
{
	struct scene s;
	struct step a, b;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_PRE_ROUTING, 0);
	step_init(&b, &s, 'b', NFU_INET_PRE_ROUTING, 1);
	a.script[0] = NFU_VERDICT_QUEUE(3, 0);
	a.script[1] = NFU_VERDICT_QUEUE(3, 1);
	a.nscript = 2;
	nfu_hook_register(s.net, &a.ops);
	nfu_hook_register(s.net, &b.ops);
	send_one(&s); /* no handler, no bypass: dropped */
	log_is(&s, "a");
	CHECK_INT(s.last_reason, NFU_DROP_QUEUE);
	s.nlog = 0;
	send_one(&s); /* bypass: as if accepted by a */
	log_is(&s, "abL");
	nfu_net_free(s.net);
}

/* A queue handler that holds what it gets. */
struct holder {
	struct nfu_queue_entry *held[8];
	unsigned int queuenum[8];
	int n;
	int refuse_queue; /* answer -ESRCH for this queue number */
	struct scene *s;
};

static int hold_out(void *priv, struct nfu_queue_entry *e, unsigned int q)
{
	struct holder *h = priv;

	if ((int)q == h->refuse_queue || h->n == 8)
		return -ESRCH;
	h->queuenum[h->n] = q;
	h->held[h->n++] = e;
	return 0;
}

static void hold_drop_all(void *priv, struct nfu_net *net)
{
	struct holder *h = priv;

	(void)net;
	while (h->n > 0)
		nfu_reinject(h->held[--h->n], NFU_DROP);
}

static struct nfu_queue_entry *take(struct holder *h)
{
	if (h->n == 0)
		return NULL;
	struct nfu_queue_entry *e = h->held[0];
	memmove(h->held, h->held + 1, (size_t)(h->n - 1) * sizeof(h->held[0]));
	memmove(h->queuenum, h->queuenum + 1,
		(size_t)(h->n - 1) * sizeof(h->queuenum[0]));
	h->n--;
	return e;
}

static void queue_scene(struct scene *s, struct holder *h, struct step *a,
			struct step *b)
{
	struct nfu_queue_handler qh = { .outfn = hold_out,
					.hook_drop = hold_drop_all };

	scene_init(s);
	memset(h, 0, sizeof(*h));
	h->refuse_queue = -1;
	h->s = s;
	qh.priv = h;
	if (nfu_queue_handler_register(s->net, NFU_PROTO_IPV4, &qh) < 0)
		abort();
	step_init(a, s, 'a', NFU_INET_PRE_ROUTING, 0);
	step_init(b, s, 'b', NFU_INET_PRE_ROUTING, 1);
	a->script[0] = NFU_VERDICT_QUEUE(5, 0);
	a->nscript = 1;
	nfu_hook_register(s->net, &a->ops);
	nfu_hook_register(s->net, &b->ops);
}

static void test_queue_reinject_accept(void)
{
	struct scene s;
	struct holder h;
	struct step a, b;
	struct nfu_queue_entry *e;

	queue_scene(&s, &h, &a, &b);
	send_one(&s);
	log_is(&s, "a");
	REQUIRE(h.n == 1);
	CHECK_INT(h.queuenum[0], 5);
	e = take(&h);
	CHECK_INT(nfu_queue_entry_state(e)->hook, NFU_INET_PRE_ROUTING);
	CHECK_INT(nfu_queue_entry_id(e), 1);
	CHECK(nfu_queue_entry_pkt(e) != NULL);
	nfu_reinject(e, NFU_ACCEPT);
	/* resumes after a: b, then the path goes on to LOCAL_IN */
	log_is(&s, "abL");
	CHECK_INT(s.dropped, 0);
	nfu_net_free(s.net);
}

static void test_queue_reinject_verdicts(void)
{
	struct scene s;
	struct holder h;
	struct step a, b;

	/* REPEAT: a again (it now accepts), then b */
	queue_scene(&s, &h, &a, &b);
	send_one(&s);
	nfu_reinject(take(&h), NFU_REPEAT);
	log_is(&s, "aabL");
	nfu_net_free(s.net);

	/* STOP: straight on, b skipped */
	queue_scene(&s, &h, &a, &b);
	send_one(&s);
	nfu_reinject(take(&h), NFU_STOP);
	log_is(&s, "aL");
	nfu_net_free(s.net);

	/* DROP */
	queue_scene(&s, &h, &a, &b);
	send_one(&s);
	nfu_reinject(take(&h), NFU_DROP);
	log_is(&s, "a");
	CHECK_INT(s.dropped, 1);
	nfu_net_free(s.net);

	/* QUEUE again to another queue, then ACCEPT */
	queue_scene(&s, &h, &a, &b);
	send_one(&s);
	nfu_reinject(take(&h), NFU_VERDICT_QUEUE(9, 0));
	REQUIRE(h.n == 1);
	CHECK_INT(h.queuenum[0], 9);
	nfu_reinject(take(&h), NFU_ACCEPT);
	log_is(&s, "abL");
	nfu_net_free(s.net);

	/* QUEUE again to a queue nobody listens on, with bypass */
	queue_scene(&s, &h, &a, &b);
	h.refuse_queue = 7;
	send_one(&s);
	nfu_reinject(take(&h), NFU_VERDICT_QUEUE(7, 1));
	log_is(&s, "abL");
	nfu_net_free(s.net);
}

static void test_queue_stolen_on_reinject(void)
{
	struct scene s;
	struct holder h;
	struct step a, b;
	struct nfu_queue_entry *e;
	struct nfu_pkt *p;

	queue_scene(&s, &h, &a, &b);
	send_one(&s);
	e = take(&h);
	p = nfu_queue_entry_pkt(e);
	nfu_reinject(e, NFU_STOLEN);
	log_is(&s, "a");
	CHECK_INT(s.dropped, 0);
	nfu_pkt_free(p); /* the handler kept it */
	nfu_net_free(s.net);
}

static void test_unregister_drops_queued(void)
{
	struct scene s;
	struct holder h;
	struct step a, b;

	queue_scene(&s, &h, &a, &b);
	a.script[1] = NFU_VERDICT_QUEUE(5, 0);
	a.nscript = 2;
	send_one(&s);
	send_one(&s);
	CHECK_INT(h.n, 2);
	nfu_hook_unregister(s.net, &b.ops);
	/* as nf_queue_nf_hook_drop(): everything queued is dropped */
	CHECK_INT(h.n, 0);
	CHECK_INT(s.dropped, 2);
	CHECK_INT(s.last_reason, NFU_DROP_NETFILTER);
	nfu_net_free(s.net);
}

static void test_free_with_queued_packets(void)
{
	struct scene s;
	struct holder h;
	struct step a, b;

	queue_scene(&s, &h, &a, &b);
	send_one(&s);
	/* the stack drops them back through the handler; ASan checks the
	 * rest */
	nfu_net_free(s.net);
	CHECK_INT(h.n, 0);
}

static void test_unregister_during_traversal(void)
{
	struct scene s;
	struct step a, b, c;

	scene_init(&s);
	step_init(&a, &s, 'a', NFU_INET_PRE_ROUTING, 0);
	step_init(&b, &s, 'b', NFU_INET_PRE_ROUTING, 1);
	step_init(&c, &s, 'c', NFU_INET_PRE_ROUTING, 2);
	a.unregister = &b.ops;
	nfu_hook_register(s.net, &a.ops);
	nfu_hook_register(s.net, &b.ops);
	nfu_hook_register(s.net, &c.ops);
	send_one(&s);
	/* b was unregistered by a while the packet was between them */
	log_is(&s, "acL");
	CHECK_INT(nfu_hook_count(s.net, NFU_PROTO_IPV4, NFU_INET_PRE_ROUTING), 2);

	/* a hook that unregisters itself */
	s.nlog = 0;
	c.unregister = &c.ops;
	send_one(&s);
	log_is(&s, "acL");
	s.nlog = 0;
	send_one(&s);
	log_is(&s, "aL");
	CHECK_INT(nfu_hook_count(s.net, NFU_PROTO_IPV4, NFU_INET_PRE_ROUTING), 1);
	nfu_net_free(s.net);
}

static void test_stacks_are_independent(void)
{
	struct scene s1, s2;
	struct step a;

	scene_init(&s1);
	scene_init(&s2);
	step_init(&a, &s1, 'a', NFU_INET_PRE_ROUTING, 0);
	nfu_hook_register(s1.net, &a.ops);
	send_one(&s2);
	log_is(&s1, "");
	log_is(&s2, "L");
	send_one(&s1);
	log_is(&s1, "aL");
	nfu_net_free(s1.net);
	nfu_net_free(s2.net);
}

static void test_empty_hook_costs_nothing_visible(void)
{
	struct scene s;

	scene_init(&s);
	nfu_hook_unregister(s.net, &local_in_ops);
	CHECK_INT(nfu_hook_count(s.net, NFU_PROTO_IPV4, NFU_INET_LOCAL_IN), 0);
	send_one(&s);
	CHECK_INT(s.local_in, 0);
	struct nfu_stats st;
	nfu_net_get_stats(s.net, &st);
	CHECK_INT(st.in_delivers, 1);
	nfu_net_free(s.net);
}

int main(void)
{
	RUN(test_priority_order);
	RUN(test_register_errors);
	RUN(test_drop);
	RUN(test_stolen);
	RUN(test_stop_skips_rest_of_hook);
	RUN(test_repeat);
	RUN(test_unknown_verdict_drops);
	RUN(test_queue_without_handler);
	RUN(test_queue_reinject_accept);
	RUN(test_queue_reinject_verdicts);
	RUN(test_queue_stolen_on_reinject);
	RUN(test_unregister_drops_queued);
	RUN(test_free_with_queued_packets);
	RUN(test_unregister_during_traversal);
	RUN(test_stacks_are_independent);
	RUN(test_empty_hook_costs_nothing_visible);
	return harness_done();
}
