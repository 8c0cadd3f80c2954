/* SPDX-License-Identifier: MIT */
/*
 * ipv4/frag.h - IPv4 fragmentation on output, as Linux's ip_do_fragment().
 *
 * A datagram reassembled by conntrack's defrag (pkt->frag_lens) leaves in
 * the pieces it came in when each fits 'mtu' (capped by frag_max_size)
 * and all but the last are multiples of 8 bytes: Linux's fast path, which
 * clears DF.  Otherwise:
 * the datagram in 'pkt' ('data' at its IPv4 header, header checksum valid
 * or not: every fragment's is recomputed) is cut into fragments that fit
 * 'mtu': each carries a multiple of 8 payload bytes but the last, the same
 * ID, offsets relative to the original (so a fragment can be fragmented
 * again: its MF bit stays on its own last piece), MF on all but the last.
 * The first fragment keeps every IP option; the others keep only options
 * with the copied flag, the rest replaced by NOPs so that the header length
 * stays the same, as ip_options_fragment() does.  Each fragment is a new
 * packet with the metadata of 'pkt' (devices, mark, route, timestamp) and
 * goes to 'output', which takes it.  'pkt' is freed.
 */
#ifndef NFU_IPV4_FRAG_H
#define NFU_IPV4_FRAG_H

#include "nfu/net.h"
#include "nfu/pkt.h"

/* Returns 0, or the first negative value 'output' returned (the remaining
 * fragments are then freed, counted as dropped NOMEM/…), or -ENOMEM.
 * Counts stats.frag_oks once and stats.frag_creates per fragment. */
int nfu_ip_fragment(struct nfu_net *net, struct nfu_pkt *pkt,
		    unsigned int mtu,
		    int (*output)(struct nfu_net *net, struct nfu_pkt *pkt));

#endif
