/* SPDX-License-Identifier: MIT */
/*
 * nfu/drop.h - why a packet was dropped.
 *
 * Every packet the stack frees without sending or delivering it carries one
 * of these reasons; each stack counts packets per reason
 * (nfu_net_drop_count) and tells the embedding application through the
 * 'dropped' callback.  Names (nfu_drop_reason_name) are stable, lowercase,
 * for traces and statistics.
 */
#ifndef NFU_DROP_H
#define NFU_DROP_H

#ifdef __cplusplus
extern "C" {
#endif

#define NFU_DROP_REASONS(X)                                                  \
	X(NONE, "none")                                                      \
	X(NOT_IPV4, "not_ipv4")              /* ethertype is not IPv4 */     \
	X(OTHERHOST, "otherhost")            /* frame for another MAC */     \
	X(DEV_DOWN, "dev_down")              /* device is down */             \
	X(IP_TOO_SHORT, "ip_too_short")      /* shorter than 20 bytes */     \
	X(IP_VERSION, "ip_version")          /* version is not 4 */          \
	X(IP_IHL, "ip_ihl")                  /* header length below 5 */     \
	X(IP_CSUM, "ip_csum")                /* bad header checksum */        \
	X(IP_TOTLEN, "ip_totlen")            /* total length vs buffer */    \
	X(IP_OPTIONS, "ip_options")          /* malformed IP options */      \
	X(NETFILTER, "netfilter")            /* a hook said DROP */          \
	X(QUEUE, "queue")                    /* queueing failed */           \
	X(MARTIAN_SOURCE, "martian_source")                                  \
	X(MARTIAN_DEST, "martian_destination")                               \
	X(RP_FILTER, "rp_filter")            /* reverse path filter */       \
	X(NO_ROUTE, "no_route")              /* no route to destination */   \
	X(FORWARDING_OFF, "forwarding_off")  /* ip_forward is 0 */           \
	X(TTL_EXCEEDED, "ttl_exceeded")      /* TTL would reach zero */      \
	X(FRAG_NEEDED, "frag_needed")        /* DF set, packet > MTU */       \
	X(PKT_TOO_BIG, "pkt_too_big")        /* cannot fragment */          \
	X(UNREACHABLE, "unreachable")        /* unreachable/prohibit route */\
	X(BLACKHOLE, "blackhole")            /* blackhole route */           \
	X(NO_RESPONDER, "no_socket")         /* delivered, nothing answers */\
	X(ICMP_RATELIMIT, "icmp_ratelimit")  /* reply suppressed */          \
	X(ICMP_IGNORED, "icmp_ignored")      /* echo_ignore_* sysctls */     \
	X(L4_TOO_SHORT, "l4_too_short")      /* truncated L4 header */       \
	X(L4_CSUM, "l4_csum")                /* bad L4 checksum */           \
	X(FRAG_DUP, "frag_dup")              /* fragment already held */     \
	X(FRAG_OVERLAP, "frag_overlap")      /* overlap: datagram dropped */ \
	X(FRAG_INVALID, "frag_invalid")      /* inconsistent end or empty */ \
	X(FRAG_ECN, "frag_ecn")              /* not-ECT mixed with ECT/CE */ \
	X(FRAG_TOO_BIG, "frag_too_big")      /* reassembled > 65535 bytes */ \
	X(FRAG_TIMEOUT, "frag_timeout")      /* ipfrag_time elapsed */       \
	X(FRAG_TOO_FAR, "frag_too_far")      /* ipfrag_max_dist exceeded */  \
	X(FRAG_MEM, "frag_mem")              /* ipfrag_high_thresh reached */\
	X(NOMEM, "nomem")                    /* no buffer for the packet */  \
	X(NO_NEIGH, "no_neighbour")          /* next hop not resolved */     \
	X(UNHANDLED_PROTO, "unhandled_protocol")                             \
	X(CT_FULL, "conntrack_table_full")   /* nf_conntrack_max reached */  \
	X(CT_CLASH, "conntrack_insert_failed") /* clash at confirm */        \
	X(CT_INVALID, "conntrack_invalid")   /* a tracker said drop */

enum nfu_drop_reason {
#define NFU_DROP_ENUM(name, str) NFU_DROP_##name,
	NFU_DROP_REASONS(NFU_DROP_ENUM)
#undef NFU_DROP_ENUM
	NFU_DROP_MAX
};

/* "netfilter", "rp_filter", …; "unknown" for an out-of-range value. */
const char *nfu_drop_reason_name(enum nfu_drop_reason reason);

#ifdef __cplusplus
}
#endif
#endif
