/* SPDX-License-Identifier: MIT */
/*
 * The evaluator: Linux's ipt_do_table() over a table of the ruleset in
 * force, as it is (no compiled copy: one command can change it in place).
 * Rules are tried in order from the hook's built-in chain; a rule whose IP part and matches
 * all match counts the packet and applies its target: a standard verdict
 * ends the traversal, RETURN pops the jump stack (or, in a built-in chain,
 * falls to its policy), a jump pushes the next entry, a goto does not, an
 * extension target continues (NFU_XT_CONTINUE) or decides.  A match may
 * hotdrop the packet.
 *
 * The end of a built-in chain is its policy, counted in the chain; the
 * end of a user chain an implicit RETURN, counted nowhere (Linux counts
 * it in an entry nobody can read).  RETURN with nothing on the stack (in
 * a built-in chain, or after a goto) ends in the hook's policy.
 *
 * The jump stack belongs to the table.  A target that sends a
 * packet of its own (REJECT) can make the same table run again, nested, on
 * the same stack, as in Linux with its per-CPU jump stack; it is safe
 * because such a target ends the outer traversal with its verdict.
 */
#include <string.h>

#include "ipv4/ipv4-private.h"
#include "xtables/xt-compiled.h"

/* The bytes of a name that a rule compares, 'n' of them (0 to 16), as a
 * mask over the word at byte 'off' (0 or 8) of the name, in memory order. */
static uint64_t name_mask(unsigned int n, unsigned int off)
{
	unsigned int k = n > off ? n - off : 0;

	if (k >= 8)
		return ~0ull;
	if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
		return (1ull << (8 * k)) - 1;
	return k ? ~(~0ull >> (8 * k)) : 0;
}

/* ifname_compare_aligned() with iptables' '+' wildcard: the device's
 * name, NUL-padded to NFU_IFNAMSIZ, against the rule's two words at a
 * time under a mask of the bytes that count: the rule's 'len' characters
 * and, unless it was written with a '+', the NUL after them (the rule's
 * name is NUL-padded too).  No name and no '+': every device, and none.
 * The mask is made from 'len' here, a few instructions, rather than kept
 * in each rule. */
static bool iface_match(const char *want, uint8_t len, bool plus,
			const struct nfu_dev *dev)
{
	static const char none[NFU_IFNAMSIZ];
	const char *have = dev ? dev->name : none;
	unsigned int n = len + (len != 0 && !plus);
	uint64_t h[2], w[2];

	_Static_assert(NFU_IFNAMSIZ == sizeof(h), "two words a name");
	memcpy(h, have, sizeof(h));
	memcpy(w, want, sizeof(w));
	return !(((h[0] ^ w[0]) & name_mask(n, 0)) |
		 ((h[1] ^ w[1]) & name_mask(n, 8)));
}

/* ip_packet_match() */
static bool ip_match(const struct nfu_xt_ip *ip, const struct nfu_iphdr *iph,
		     const struct nfu_dev *in, const struct nfu_dev *out,
		     bool isfrag)
{
	uint8_t inv = ip->invflags;

	if (((iph->saddr & ip->smsk) != ip->src) != !!(inv & NFU_IPT_INV_SRCIP))
		return false;
	if (((iph->daddr & ip->dmsk) != ip->dst) != !!(inv & NFU_IPT_INV_DSTIP))
		return false;
	if (!iface_match(ip->iniface, ip->iniface_len, ip->iniface_plus, in) !=
	    !!(inv & NFU_IPT_INV_VIA_IN))
		return false;
	if (!iface_match(ip->outiface, ip->outiface_len, ip->outiface_plus,
			 out) != !!(inv & NFU_IPT_INV_VIA_OUT))
		return false;
	if (ip->proto &&
	    (iph->protocol != ip->proto) != !!(inv & NFU_IPT_INV_PROTO))
		return false;
	if ((ip->flags & NFU_IPT_F_FRAG) && !isfrag != !!(inv & NFU_IPT_INV_FRAG))
		return false;
	return true;
}

static unsigned int std_verdict(uint8_t v)
{
	switch (v) {
	case NFU_XT_STD_ACCEPT:
		return NFU_ACCEPT;
	case NFU_XT_STD_DROP:
		return NFU_DROP;
	case NFU_XT_STD_QUEUE:
		return NFU_VERDICT_QUEUE(0, 0);
	default:
		return NFU_XT_CONTINUE;
	}
}

unsigned int nfu_xt_do_table(struct nfu_pkt *pkt,
			     const struct nfu_hook_state *state,
			     struct nfu_xt_table *t)
{
	const struct nfu_iphdr *iph = nfu_ip_hdr(pkt);
	struct nfu_xt_par par = {
		.net = state->net,
		.in = state->in,
		.out = state->out,
		.hooknum = state->hook,
		.table = t->def->name,
	};
	const struct nfu_xt_chain *c = t->hook_chain[state->hook];
	const struct nfu_xt_net *x = state->net->xt;
	nfu_xt_trace_fn trace = x ? x->trace : NULL;
	unsigned int i = 0, sp = 0, verdict;
	bool isfrag;

	if (!c)
		return NFU_ACCEPT;
	par.fragoff = __builtin_bswap16(iph->frag_off) & NFU_IP_OFFSET;
	par.thoff = nfu_ip_hlen(iph);
	isfrag = par.fragoff != 0;

	for (;;) {
		const struct nfu_xt_rule *r;
		unsigned int m;

		if (i >= c->nrules) {
			if (c->builtin)
				goto policy;
			goto do_return; /* a user chain's implicit RETURN */
		}
		r = c->rules[i];
		if (!ip_match(&r->ip, iph, state->in, state->out, isfrag))
			goto next;
		for (m = 0; m < r->nmatches; m++)
			if (!r->matches[m].ops->match(pkt, &par,
						      r->matches[m].data))
				break;
		if (par.hotdrop)
			return NFU_DROP;
		if (m < r->nmatches)
			goto next;
		/* the rule matched: it counts (it is the ruleset's own, and
		 * only the stack's thread writes it) */
		((struct nfu_xt_rule *)r)->pcnt++;
		((struct nfu_xt_rule *)r)->bcnt += pkt->len;
		if (__builtin_expect(trace != NULL, 0))
			trace(x->trace_priv, pkt, t->def->name, c, i + 1, r);

		switch (r->tkind) {
		case NFU_XT_T_VERDICT:
			if (r->verdict == NFU_XT_STD_RETURN)
				goto do_return;
			if (r->verdict == 0) /* no target: counting only */
				goto next;
			return std_verdict(r->verdict);
		case NFU_XT_T_JUMP:
			if (sp >= t->stacksize)
				return NFU_DROP; /* cannot happen: no loops */
			t->stack[sp].chain = c;
			t->stack[sp++].next = i + 1;
			c = r->jump;
			i = 0;
			continue;
		case NFU_XT_T_GOTO:
			c = r->jump;
			i = 0;
			continue;
		default:
			verdict = r->target->target(pkt, &par, r->tdata);
			if (par.hotdrop)
				return NFU_DROP;
			/* a target may have changed the packet */
			iph = nfu_ip_hdr(pkt);
			if (verdict != NFU_XT_CONTINUE)
				return verdict;
			goto next;
		}
do_return:
		if (sp == 0) /* from a built-in chain, or after a goto */
			goto policy;
		sp--;
		c = t->stack[sp].chain;
		i = t->stack[sp].next;
		continue;
next:
		i++;
	}
policy:
	{
		struct nfu_xt_chain *b = t->hook_chain[state->hook];

		b->pcnt++;
		b->bcnt += pkt->len;
		if (__builtin_expect(trace != NULL, 0))
			trace(x->trace_priv, pkt, t->def->name, b, 0, NULL);
		return std_verdict(b->policy);
	}
}
