/* SPDX-License-Identifier: MIT */
/*
 * nat/nat-private.h - network address translation on top of connection
 * tracking: the bindings of connections and the rewriting of packets.
 *
 * What?
 *   Linux's nf_nat for IPv4, per stack.  The nat table is evaluated only
 *   for the first packet of a connection (ctinfo NEW or RELATED), at
 *   PRE_ROUTING and LOCAL_OUT for the destination (DNAT, REDIRECT) and at
 *   POST_ROUTING and LOCAL_IN for the source (SNAT, MASQUERADE); what it
 *   decides becomes a binding: the connection's reply tuple changes
 *   (nfu_nat_setup_info(), Linux's nf_nat_setup_info()), and every later
 *   packet of both directions is rewritten from the two tuples without
 *   the table.  A connection that no rule bound gets the null binding,
 *   which keeps its addresses but may still move its source port off a
 *   tuple another connection holds, as Linux does.
 *
 * Basic design
 *   - The NAT hooks (PRE_ROUTING and LOCAL_OUT at NFU_IP_PRI_NAT_DST,
 *     POST_ROUTING and LOCAL_IN at NFU_IP_PRI_NAT_SRC) are registered
 *     when a lookup function (the nat table's, lib/xtables) is, as
 *     Linux's nf_nat_register_fn(): one lookup per hook.
 *   - The state a binding needs beyond the tuples (the source hash link
 *     that find_appropriate_src() walks, the interface of a MASQUERADE,
 *     the sequence adjustment of a helper that changed a payload's
 *     length) is a struct nfu_nat_ext hung on the connection (ct->nat),
 *     made when the connection is bound at its source and freed with it:
 *     connections that NAT never sees cost nothing.
 *   - Port and ICMP id choices follow nf_nat_l4proto_unique_tuple(); where
 *     Linux draws a random number (the offset where the search starts)
 *     nfu draws from a generator of its own seeded per stack
 *     (NFU_NAT_SEED in the environment, else a fixed seed), so that a
 *     replay repeats.  The address of a range is chosen as Linux chooses
 *     it (find_best_ips_proto(): Jenkins' hash of the addresses), which
 *     is deterministic there too.
 *   - The helpers' NAT (nat_helper.c): an FTP line of a translated
 *     connection rewritten with the sequence adjustment that follows
 *     when its length changes, the expected connections of translated
 *     masters bound as conntrack makes them (expectfn); conntrack calls
 *     it through the declarations of conntrack/ct-private.h.
 *   - Rewriting keeps checksums by the incremental updates Linux makes,
 *     with its arithmetic (so a checksum comes out 0x0000 or 0xffff as
 *     Linux's does); a zero UDP checksum stays zero.
 *
 * Thread-safety
 *   The stack's thread only, as everything of a struct nfu_net.
 */
#ifndef NFU_NAT_PRIVATE_H
#define NFU_NAT_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "conntrack/ct-private.h"

/* Linux's NF_NAT_RANGE_* flags. */
enum {
	NFU_NAT_MAP_IPS = 0x01,
	NFU_NAT_PROTO_SPECIFIED = 0x02,
	NFU_NAT_PROTO_RANDOM = 0x04,
	NFU_NAT_PERSISTENT = 0x08,
	NFU_NAT_PROTO_RANDOM_FULLY = 0x10,
	NFU_NAT_PROTO_OFFSET = 0x20,
	NFU_NAT_NETMAP = 0x40,
	NFU_NAT_PROTO_RANDOM_ALL = NFU_NAT_PROTO_RANDOM | NFU_NAT_PROTO_RANDOM_FULLY,
};

struct nfu_nat_range { /* nf_nat_range2, IPv4 only; addresses network order */
	uint32_t flags;
	uint32_t min_addr, max_addr;
	uint16_t min_proto, max_proto; /* host order */
	uint16_t base_proto;
};

enum nfu_nat_manip_type {
	NFU_NAT_MANIP_SRC = 0,
	NFU_NAT_MANIP_DST = 1,
};

/* Linux's HOOK2MANIP(): the source at POST_ROUTING and LOCAL_IN. */
static inline enum nfu_nat_manip_type nfu_nat_hook2manip(unsigned int hook)
{
	return hook != NFU_INET_POST_ROUTING && hook != NFU_INET_LOCAL_IN
		       ? NFU_NAT_MANIP_DST
		       : NFU_NAT_MANIP_SRC;
}

/* Has the connection its binding of this kind (Linux's
 * nf_nat_initialized())? */
static inline bool nfu_nat_initialized(const struct nfu_ct *ct,
				       enum nfu_nat_manip_type manip)
{
	return ct->status & (manip == NFU_NAT_MANIP_SRC ? NFU_IPS_SRC_NAT_DONE
							: NFU_IPS_DST_NAT_DONE);
}

/* One direction's sequence adjustment (Linux's struct nf_ct_seqadj): a
 * helper changed the length of a payload at 'correction_pos'. */
struct nfu_nat_seqadj {
	uint32_t correction_pos;
	int32_t offset_before, offset_after;
};

/* What a bound connection keeps beyond its tuples (ct->nat). */
struct nfu_nat_ext {
	struct nfu_nat_ext *by_next;    /* the source hash's chain */
	struct nfu_ct *ct;
	uint32_t by_hash;               /* its chain; valid when by_linked */
	bool by_linked;
	int masq_index;                 /* MASQUERADE's interface, or 0 */
	struct nfu_nat_seqadj seq[NFU_CT_DIR_MAX];
	uint64_t partial_id;            /* the packet (pkt->id) a helper
					   rewrote last: its checksum is
					   the device's (nat_helper.c) */
};

/* A nat lookup function (the nat table of lib/xtables): runs on the
 * first packet of a connection at its hook; binds it with
 * nfu_nat_setup_info() (a target) or leaves it unbound (the null binding
 * follows). */
struct nfu_nat_lookup {
	nfu_hookfn *fn;
	void *priv;
};

/* The stack's NAT. */
struct nfu_nat_net {
	struct nfu_net *net;
	struct nfu_ct_net *cn;
	struct nfu_nat_ext **bysource;  /* heads, nbysource of them */
	uint32_t nbysource;
	uint32_t seed;                  /* of the source hash */
	uint64_t rng;                   /* the port search's offsets */
	struct nfu_nat_lookup lookup[NFU_INET_NUMHOOKS];
	unsigned int users;             /* lookups registered */
	struct nfu_hook_ops ops[4];
	unsigned int registered;        /* ops[i] registered: bit i */
	/* statistics */
	uint64_t bound, null_bound, port_searched, dropped;
};

/* The stack's NAT, made on first use; NULL when memory is exhausted. */
struct nfu_nat_net *nfu_nat_net(struct nfu_net *net);

/* Registers the lookup of hook 'hook' (PRE_ROUTING, LOCAL_IN, LOCAL_OUT
 * or POST_ROUTING), and the NAT hooks with the first one.  0 or a
 * negative errno. */
int nfu_nat_register_lookup(struct nfu_net *net, unsigned int hook,
			    nfu_hookfn *fn, void *priv);
/* Takes it away; the NAT hooks go with the last one. */
void nfu_nat_unregister_lookup(struct nfu_net *net, unsigned int hook);

/* Binds unconfirmed connection 'ct' as 'range' says for 'manip' (Linux's
 * nf_nat_setup_info()).  NFU_ACCEPT or NFU_DROP. */
unsigned int nfu_nat_setup_info(struct nfu_ct *ct,
				const struct nfu_nat_range *range,
				enum nfu_nat_manip_type manip);
/* The null binding of the manip type of hook 'hook'. */
unsigned int nfu_nat_alloc_null_binding(struct nfu_ct *ct, unsigned int hook);

/* The targets' ways of binding (ext/xt_MASQUERADE.c, xt_REDIRECT.c):
 * MASQUERADE's source from out device 'out' (Linux's
 * nf_nat_masquerade_ipv4()) and REDIRECT's destination (the incoming
 * device's first address, 127.0.0.1 at LOCAL_OUT). */
unsigned int nfu_nat_masquerade(struct nfu_pkt *pkt,
				const struct nfu_nat_range *range,
				const struct nfu_dev *out);
unsigned int nfu_nat_redirect(struct nfu_pkt *pkt,
			      const struct nfu_nat_range *range,
			      unsigned int hook);

/* Frees the stack's NAT (with conntrack's state, once the stack and its
 * last connection are gone). */
void nfu_nat_net_free(struct nfu_nat_net *nn);

/* The connection is being freed: out of the source hash, its state
 * freed (called by lib/conntrack). */
void nfu_nat_ct_free(struct nfu_ct *ct);

/* An address of device 'ifindex' went away (or the device did, with
 * 'addr' 0): the connections MASQUERADE bound to it die, as Linux's
 * masq_inet_event() makes them. */
void nfu_nat_masq_forget(struct nfu_net *net, int ifindex, uint32_t addr);

/*
 * nat_manip.c: the rewriting.
 */

/* Rewrites the packet whose IP header is at 'iphoff' from the packet's
 * network header to look like 'target' for 'manip' (Linux's
 * nf_nat_ipv4_manip_pkt()).  false: the packet is too short (drop). */
bool nfu_nat_manip_pkt(struct nfu_pkt *pkt, unsigned int iphoff,
		       const struct nfu_ct_tuple *target,
		       enum nfu_nat_manip_type manip);

/* The packet of 'ct' with 'ctinfo' at 'hook' as its binding says
 * (nf_nat_packet()).  NFU_ACCEPT or NFU_DROP. */
unsigned int nfu_nat_packet(struct nfu_ct *ct, uint32_t ctinfo,
			    unsigned int hook, struct nfu_pkt *pkt);

/* An ICMP error RELATED to 'ct': its quoted packet and its own addresses
 * rewritten to match the connection's view (Linux's
 * nf_nat_icmp_reply_translation()).  false: drop it. */
bool nfu_nat_icmp_reply_translation(struct nfu_pkt *pkt, struct nfu_ct *ct,
				    uint32_t ctinfo, unsigned int hook);

/* The reverse of a tuple (nf_ct_invert_tuple()): addresses and ports
 * swapped, an ICMP query's type made its reply's.  false: an ICMP type
 * without a reverse. */
bool nfu_nat_invert_tuple(struct nfu_ct_tuple *inv,
			  const struct nfu_ct_tuple *t);

/*
 * nat_helper.c: NAT for the helpers (FTP, TFTP); the functions conntrack
 * calls are declared in conntrack/ct-private.h (nfu_nat_ftp(),
 * nfu_nat_tftp(), nfu_nat_seq_offset(), nfu_nat_seq_adjust()).
 */

/* Replaces the 'match_len' bytes at 'match_off' in the TCP payload of
 * 'pkt' (of 'ct' with 'ctinfo', TCP header at 'thoff') by the 'rep_len'
 * bytes of 'rep': lengths and checksums made right, and a change of
 * length recorded as the connection's sequence adjustment
 * (nf_nat_mangle_tcp_packet()).  false: no room (drop). */
bool nfu_nat_mangle_tcp(struct nfu_pkt *pkt, struct nfu_ct *ct, uint32_t ctinfo,
			unsigned int thoff, unsigned int match_off,
			unsigned int match_len, const char *rep,
			unsigned int rep_len);
/* The payload of direction 'ctinfo' changed length by 'off' at sequence
 * number 'seq' (host order): nf_ct_seqadj_set(). */
void nfu_nat_seqadj_set(struct nfu_ct *ct, uint32_t ctinfo, uint32_t seq,
			int32_t off);
/* Binds 'ct', just made from expectation 'exp' of a translated master,
 * as the master is (nf_nat_follow_master()). */
void nfu_nat_follow_master(struct nfu_ct *ct, const struct nfu_ct_expect *exp);
/* The stack's generator (nat_core.c), where Linux draws at random. */
uint32_t nfu_nat_rand32(struct nfu_nat_net *nn);

#endif
