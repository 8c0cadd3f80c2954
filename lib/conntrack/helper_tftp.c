/* SPDX-License-Identifier: MIT */
/*
 * The TFTP helper (Linux's nf_conntrack_tftp): a read or write request
 * (opcode 1 or 2) from the client makes the server's answer expected:
 * from the server's address, any source port, to the client's address
 * and port (the transfer runs on a port of the server's choosing).
 * Through NAT the request itself is not changed: the expectation binds
 * the transfer to the master's client (lib/nat's nfu_nat_tftp()).
 */
#include <string.h>

#include "conntrack/ct-private.h"

static unsigned int tftp_help(struct nfu_ct *ct, struct nfu_pkt *pkt,
			      unsigned int thoff, uint32_t ctinfo)
{
	size_t l4len = nfu_ct_l4_len(pkt, thoff);
	const uint8_t *u = nfu_pkt_network_header(pkt) + thoff;
	const struct nfu_ct_tuple *r = &ct->tuplehash[NFU_CT_DIR_REPLY].tuple;
	struct nfu_ct_tuple t;
	struct nfu_ct_expect *e;
	unsigned int op;
	(void)ctinfo;

	if (l4len < 8 + 2)
		return NFU_ACCEPT;
	op = (unsigned int)u[8] << 8 | u[9];
	if (op != 1 && op != 2) /* RRQ, WRQ */
		return NFU_ACCEPT;
	memset(&t, 0, sizeof(t));
	t.src = r->src;
	t.dst = r->dst;
	t.dport = r->dport;
	t.proto = 17;
	e = nfu_ct_expect_alloc(ct, &t, true);
	if (!e) {
		nfu_ct_helper_log(ct, pkt, "cannot alloc expectation");
		return NFU_DROP;
	}
	/* a translated connection: NAT makes the transfer follow it
	 * (Linux's nf_nat_tftp_hook) and inserts the expectation */
	if (ct->status & (NFU_IPS_SRC_NAT | NFU_IPS_DST_NAT))
		return nfu_nat_tftp(pkt, e);
	if (nfu_ct_expect_insert(e)) {
		nfu_ct_expect_free(e);
		nfu_ct_helper_log(ct, pkt, "cannot add expectation");
		return NFU_DROP;
	}
	return NFU_ACCEPT;
}

const struct nfu_ct_helper nfu_ct_helper_tftp = {
	.name = "tftp",
	.proto = 17,
	.max_expected = 1,
	.expect_timeout = 5 * 60,
	.help = tftp_help,
};
