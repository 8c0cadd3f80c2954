/* SPDX-License-Identifier: MIT */
/*
 * conntrack/ct-private.h - connection tracking: the connection, its
 * tuples, the table of a stack, and the interface of the protocol
 * trackers (one file each: proto_tcp.c, proto_udp.c, proto_icmp.c,
 * proto_gre.c, proto_sctp.c, proto_generic.c).
 *
 * What?
 *   Linux's nf_conntrack for IPv4, per stack.  Every packet that passes
 *   PRE_ROUTING or LOCAL_OUT (priority NFU_IP_PRI_CONNTRACK, -200) gets a
 *   connection and a ctinfo in pkt->ct / pkt->ctinfo: NEW, ESTABLISHED,
 *   RELATED (and the _REPLY forms), or none (INVALID), or UNTRACKED.  A
 *   new connection is 'unconfirmed' (held only by its packet) until its
 *   first packet passes LOCAL_IN or POST_ROUTING (confirm, priority
 *   NFU_IP_PRI_CONNTRACK_CONFIRM): a packet dropped before that leaves no
 *   entry.
 *
 * Basic design
 *   - A connection (struct nfu_ct) holds its two tuples (original and
 *     reply direction), each with the link of its hash chain, so that one
 *     table finds it from a packet of either direction.  The hash is keyed
 *     with a random seed per stack (SipHash), so an attacker cannot choose
 *     addresses that fall in one chain.  Lookup never allocates.
 *   - Connections are reference counted: the table holds one reference
 *     (from confirm until removal), each packet one (pkt->ct).  The first
 *     member is struct nfu_ct_common so that lib/core can count references
 *     when it copies or frees a packet without knowing lib/conntrack.
 *   - Timeouts are on the stack's clock.  An expired connection found by
 *     a lookup is removed then; besides, once a second of the stack's
 *     clock the collector looks at a slice of the buckets (as Linux's
 *     gc_worker, incrementally), so no packet ever scans the table.  nf_conntrack_max bounds the table:
 *     when full, an unassured connection of the new one's bucket area is
 *     dropped early, else the new packet is dropped (as Linux does).
 *   - Protocol trackers are const ops structs (struct nfu_ct_l4proto),
 *     found by protocol number; the generic tracker takes the others.
 *   - Conntrack runs in a stack while something uses it: the rules that
 *     need it (state, conntrack, CT, CONNMARK, connmark, connbytes,
 *     connlimit, helper, NAT) take a reference when checked and put it
 *     when freed (nfu_ct_netns_get()/_put(), Linux's nf_ct_netns_get()
 *     and nf_ct_netns_put() from checkentry and destroy).  The first
 *     registers the hooks, the last unregisters them; the table and its
 *     connections stay.  Defragmentation has users of its own, conntrack
 *     one of them.
 *   - Zones (struct nfu_ct_zone): each tuple is hashed and compared with
 *     its direction's zone id, so CT --zone-orig and --zone-reply put one
 *     tuple only in the zone, as Linux.
 *
 * Thread-safety
 *   The stack's thread only, as everything of a struct nfu_net.
 */
#ifndef NFU_CT_PRIVATE_H
#define NFU_CT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/net-private.h"

/* Linux's enum ip_conntrack_info. */
enum nfu_ctinfo {
	NFU_CT_ESTABLISHED = 0,
	NFU_CT_RELATED = 1,
	NFU_CT_NEW = 2,
	NFU_CT_IS_REPLY = 3,
	NFU_CT_ESTABLISHED_REPLY = NFU_CT_ESTABLISHED + NFU_CT_IS_REPLY,
	NFU_CT_RELATED_REPLY = NFU_CT_RELATED + NFU_CT_IS_REPLY,
	NFU_CT_NUMBER = 5,
	NFU_CT_UNTRACKED = 7,
};

enum nfu_ct_dir {
	NFU_CT_DIR_ORIGINAL = 0,
	NFU_CT_DIR_REPLY = 1,
	NFU_CT_DIR_MAX = 2,
};

/* Linux's IPS_* status bits. */
enum {
	NFU_IPS_EXPECTED = 1u << 0,
	NFU_IPS_SEEN_REPLY = 1u << 1,
	NFU_IPS_ASSURED = 1u << 2,
	NFU_IPS_CONFIRMED = 1u << 3,
	NFU_IPS_SRC_NAT = 1u << 4,
	NFU_IPS_DST_NAT = 1u << 5,
	NFU_IPS_SEQ_ADJUST = 1u << 6,
	NFU_IPS_SRC_NAT_DONE = 1u << 7,
	NFU_IPS_DST_NAT_DONE = 1u << 8,
	NFU_IPS_DYING = 1u << 9,
	NFU_IPS_FIXED_TIMEOUT = 1u << 10,
	NFU_IPS_TEMPLATE = 1u << 11,
	NFU_IPS_UNTRACKED = 1u << 12,
	/* The loser of a clash at confirm, in the table by its reply tuple
	 * only (core.c's clash_harder()); Linux's IPS_NAT_CLASH, which
	 * shares IPS_UNTRACKED's bit (a real connection is never
	 * untracked). */
	NFU_IPS_NAT_CLASH = NFU_IPS_UNTRACKED,
	NFU_IPS_HELPER = 1u << 13,
};

/*
 * A tuple: what identifies one direction of a connection.  Addresses and
 * ports in network order, as Linux keeps them.  For ICMP, 'sport' is the
 * identifier and 'dport' holds type (high byte) and code (low byte) in
 * host order: Linux's src.u.icmp.id and dst.u.icmp.{type,code}.  For
 * protocols without ports both are 0.  Compared with memcmp: keep it
 * packed and zero the padding (there is none).
 */
struct nfu_ct_tuple {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t pad[3];
};

/* One direction of a connection, in the table's hash chain. */
struct nfu_ct_tuplehash {
	struct nfu_ct_tuplehash *next;
	struct nfu_ct_tuple tuple;
	uint8_t dir;           /* which of the connection's two it is */
};

/*
 * A conntrack zone: Linux's struct nf_conntrack_zone.  Zones keep apart
 * connections whose tuples are the same (the raw table's CT --zone puts a
 * packet's new connection in one).  'dir' says which of a connection's
 * tuples are in zone 'id'; the other is in zone 0 (nfu_ct_zone_id()), as
 * CT --zone-orig / --zone-reply make it.  NFU_CT_FLAG_MARK (a template's
 * only, CT --zone mark): the zone's id is the packet's mark (its low 16
 * bits) when conntrack makes the connection.  A zeroed zone is zone 0 in
 * both directions.
 */
enum {
	NFU_CT_ZONE_DIR_ORIG = 1u << 0,   /* NF_CT_ZONE_DIR_ORIG */
	NFU_CT_ZONE_DIR_REPL = 1u << 1,   /* NF_CT_ZONE_DIR_REPL */
	NFU_CT_DEFAULT_ZONE_DIR = NFU_CT_ZONE_DIR_ORIG | NFU_CT_ZONE_DIR_REPL,
	NFU_CT_FLAG_MARK = 1u << 0,       /* NF_CT_FLAG_MARK */
};

struct nfu_ct_zone {
	uint16_t id;
	uint8_t flags;         /* NFU_CT_FLAG_MARK */
	uint8_t dir;           /* NFU_CT_ZONE_DIR_*; 0: both */
};

/* The zone id of 'z' for tuples of direction 'dir' (enum nfu_ct_dir):
 * Linux's nf_ct_zone_id(). */
static inline uint16_t nfu_ct_zone_id(const struct nfu_ct_zone *z,
				      unsigned int dir)
{
	return !z->dir || (z->dir & (1u << dir)) ? z->id : 0;
}

/* TCP's per-direction window state: Linux's struct ip_ct_tcp_state. */
struct nfu_ct_tcp_state {
	uint32_t td_end;      /* max of seq + len */
	uint32_t td_maxend;   /* max of ack + max(win, 1) */
	uint32_t td_maxwin;   /* max(win) */
	uint32_t td_maxack;   /* max of ack */
	uint8_t td_scale;     /* window scale factor */
	uint8_t flags;        /* NFU_CT_TCP_FLAG_* */
};

/* Linux's IP_CT_TCP_FLAG_*. */
enum {
	NFU_CT_TCP_FLAG_WINDOW_SCALE = 0x01,
	NFU_CT_TCP_FLAG_SACK_PERM = 0x02,
	NFU_CT_TCP_FLAG_CLOSE_INIT = 0x04,
	NFU_CT_TCP_FLAG_BE_LIBERAL = 0x08,
	NFU_CT_TCP_FLAG_DATA_UNACKNOWLEDGED = 0x10,
	NFU_CT_TCP_FLAG_MAXACK_SET = 0x20,
	NFU_CT_EXP_CHALLENGE_ACK = 0x40,
	NFU_CT_TCP_SIMULTANEOUS_OPEN = 0x80,
};

/* Linux's enum tcp_conntrack, in its order (the state machine's index). */
enum nfu_ct_tcp_st {
	NFU_CT_TCP_NONE,
	NFU_CT_TCP_SYN_SENT,
	NFU_CT_TCP_SYN_RECV,
	NFU_CT_TCP_ESTABLISHED,
	NFU_CT_TCP_FIN_WAIT,
	NFU_CT_TCP_CLOSE_WAIT,
	NFU_CT_TCP_LAST_ACK,
	NFU_CT_TCP_TIME_WAIT,
	NFU_CT_TCP_CLOSE,
	NFU_CT_TCP_SYN_SENT2,
	NFU_CT_TCP_MAX,
	NFU_CT_TCP_IGNORE,
	NFU_CT_TCP_RETRANS,
	NFU_CT_TCP_UNACK,
	NFU_CT_TCP_TIMEOUT_MAX,
};

/* Linux's struct ip_ct_tcp. */
struct nfu_ct_tcp {
	struct nfu_ct_tcp_state seen[2]; /* by direction */
	uint8_t state;         /* enum nfu_ct_tcp_st */
	uint8_t last_dir;      /* direction of the last packet */
	uint8_t retrans;       /* retransmissions seen */
	uint8_t last_index;    /* index of the last packet (tcp_conntracks) */
	uint32_t last_seq;
	uint32_t last_ack;
	uint32_t last_end;
	uint16_t last_win;
	uint8_t last_wscale;
	uint8_t last_flags;
};

/* Linux's enum sctp_conntrack, in its order (the state table's index);
 * HEARTBEAT_ACKED is no longer used by Linux 6.x but keeps its number. */
enum nfu_ct_sctp_st {
	NFU_CT_SCTP_NONE,
	NFU_CT_SCTP_CLOSED,
	NFU_CT_SCTP_COOKIE_WAIT,
	NFU_CT_SCTP_COOKIE_ECHOED,
	NFU_CT_SCTP_ESTABLISHED,
	NFU_CT_SCTP_SHUTDOWN_SENT,
	NFU_CT_SCTP_SHUTDOWN_RECD,
	NFU_CT_SCTP_SHUTDOWN_ACK_SENT,
	NFU_CT_SCTP_HEARTBEAT_SENT,
	NFU_CT_SCTP_HEARTBEAT_ACKED,
	NFU_CT_SCTP_MAX,
};

/* Linux's struct ip_ct_sctp (proto_sctp.c). */
struct nfu_ct_sctp {
	uint32_t vtag[2];      /* verification tag expected, by direction
				  (network order) */
	uint8_t state;         /* enum nfu_ct_sctp_st */
	uint8_t flags;         /* SCTP_FLAG_HEARTBEAT_VTAG_FAILED */
	uint8_t last_dir;      /* of that heartbeat */
	uint8_t init[2];       /* an INIT seen in that direction */
};

/* Linux's struct nf_ct_udp. */
struct nfu_ct_udp {
	uint64_t stream_ts;    /* the stack's time after which it is a stream */
};

struct nfu_ct_l4proto;
struct nfu_ct_helper;
struct ct_chunk;
struct nfu_ct_net;
struct nfu_nat_ext;
struct nfu_nat_net;

/*
 * A connection.  'use' counts references: the table's (once confirmed)
 * and each packet's.  'timeout' is the stack's time (ns) at which it
 * expires, valid once confirmed.
 */
struct nfu_ct {
	struct nfu_ct_common common;             /* use: references */
	uint32_t status;                         /* NFU_IPS_* */
	struct nfu_ct_tuplehash tuplehash[NFU_CT_DIR_MAX];
	uint64_t timeout;
	uint32_t mark;
	union {
		struct nfu_ct_zone czone;        /* Linux's ct->zone */
		uint16_t zone;                   /* czone.id alone */
	};
	const struct nfu_ct_l4proto *l4;
	const struct nfu_ct_helper *helper;      /* NULL: none */
	void *help_data;                         /* the helper's, allocated */
	struct nfu_ct *master;                   /* of an expected connection */
	uint16_t expecting;                      /* its expectations alive */
	/* It counts packets and bytes (Linux's acct extension, added when
	 * it is made if nf_conntrack_acct is on then, kept after). */
	bool acct;
	uint32_t id;                             /* for conntrack -o id (Linux's
						    are 32 bits too) */
	union {
		struct nfu_ct_tcp tcp;
		struct nfu_ct_udp udp;
		struct nfu_ct_sctp sctp;
	} proto;
	/* accounting (connbytes, conntrack -L with nf_conntrack_acct) */
	uint64_t packets[NFU_CT_DIR_MAX], bytes[NFU_CT_DIR_MAX];
	struct nfu_ct_net *cn;                   /* its stack's state */
	struct nfu_nat_ext *nat;                 /* lib/nat's, once bound */
};

/* The connection of one of its tuplehashes. */
static inline struct nfu_ct *nfu_ct_of_hash(const struct nfu_ct_tuplehash *h)
{
	return (struct nfu_ct *)((const char *)(h - h->dir) -
				 offsetof(struct nfu_ct, tuplehash));
}

/* The direction of ctinfo 'ci'. */
static inline unsigned int nfu_ctinfo_dir(uint32_t ci)
{
	return ci >= NFU_CT_IS_REPLY ? NFU_CT_DIR_REPLY : NFU_CT_DIR_ORIGINAL;
}

/*
 * A protocol tracker (Linux's struct nf_conntrack_l4proto with the
 * nf_conntrack_handle_packet() switch folded in).
 */
struct nfu_ct_l4proto {
	uint8_t proto;             /* IPPROTO_*; 0 for the generic tracker */
	const char *name;          /* "tcp", as conntrack -L prints it */
	/* Two new connections of one flow, both unconfirmed (packets held
	 * in a queue, or sent at once), may both go into the table, the
	 * second merged into the first or put in by its reply tuple only
	 * (Linux's allow_clash: UDP, UDP-Lite, GRE and the generic tracker
	 * in Linux 6.18; not TCP, nor ICMP).  false: the second packet is
	 * dropped at confirm. */
	bool allow_clash;
	/* The L4 part of the tuple of a packet: 'l4' (its 'len' bytes), the
	 * transport header of a first fragment or whole packet.  false: too
	 * short to tell (the packet is then INVALID). */
	bool (*pkt_to_tuple)(const uint8_t *l4, size_t len,
			     struct nfu_ct_tuple *t);
	/* The reply tuple's L4 part from the original's (addresses are done
	 * by the caller).  false: no reply is possible (an ICMP type that is
	 * not a request): no connection for it. */
	bool (*invert_tuple)(struct nfu_ct_tuple *inv,
			     const struct nfu_ct_tuple *orig);
	/* Before the lookup (Linux's l4proto error handlers): checksums at
	 * PRE_ROUTING when net.netfilter.nf_conntrack_checksum, malformed
	 * headers, and ICMP errors (which it tracks itself: RELATED to the
	 * quoted connection, or INVALID).  Returns NFU_ACCEPT to go on with
	 * the lookup, or a verdict <= 0 to stop: -NFU_ACCEPT (as Linux:
	 * "accept, untracked as INVALID or with the ct it set"), NFU_DROP.
	 * 'zone' is the packet's (its template's, nfu_ct_zone_tmpl()).
	 * NULL: nothing to check. */
	int (*error)(struct nfu_ct_net *cn, struct nfu_pkt *pkt,
		     unsigned int thoff, unsigned int hook,
		     const struct nfu_ct_zone *zone);
	/* Every packet of a connection, the first one included (the
	 * connection is not confirmed yet then): checks it against the
	 * state, moves the state, sets the timeout (nfu_ct_refresh()).
	 * Returns NFU_ACCEPT, NFU_DROP, or -NFU_ACCEPT for a packet that is
	 * INVALID (it goes on without a connection; a new connection is then
	 * not made). */
	int (*packet)(struct nfu_ct *ct, struct nfu_pkt *pkt,
		      unsigned int thoff, enum nfu_ctinfo ctinfo,
		      unsigned int hook);
	/* conntrack -L: the protocol's words after the timeout ("ESTABLISHED "
	 * for TCP), appended to 'buf' of 'len'; NULL: nothing. */
	void (*print_state)(const struct nfu_ct *ct, char *buf, size_t len);
	/* Whether an assured connection may be dropped by the collector
	 * when the table is over 95% full (Linux's gc_worker; TCP: not when
	 * established).  Early drop at insertion takes any unassured one.
	 * NULL: yes. */
	bool (*can_early_drop)(const struct nfu_ct *ct);
};

extern const struct nfu_ct_l4proto nfu_ct_l4proto_generic;
extern const struct nfu_ct_l4proto nfu_ct_l4proto_tcp;
extern const struct nfu_ct_l4proto nfu_ct_l4proto_udp;
extern const struct nfu_ct_l4proto nfu_ct_l4proto_udplite;
extern const struct nfu_ct_l4proto nfu_ct_l4proto_icmp;
extern const struct nfu_ct_l4proto nfu_ct_l4proto_gre;
extern const struct nfu_ct_l4proto nfu_ct_l4proto_sctp;

/* The tracker of protocol 'proto' (the generic one for unknown ones). */
const struct nfu_ct_l4proto *nfu_ct_l4proto_find(uint8_t proto);

/*
 * Settings: Linux's net.netfilter.nf_conntrack_* sysctls, in seconds
 * where they are timeouts (nfu_sysctl_set() reaches them).
 */
struct nfu_ct_sysctl {
	uint32_t max;                  /* nf_conntrack_max */
	uint32_t buckets;              /* nf_conntrack_buckets (at start) */
	uint8_t checksum;              /* nf_conntrack_checksum (1) */
	uint8_t acct;                  /* nf_conntrack_acct (0) */
	uint8_t tcp_loose;             /* nf_conntrack_tcp_loose (1) */
	uint8_t tcp_be_liberal;        /* nf_conntrack_tcp_be_liberal (0) */
	uint8_t tcp_ignore_invalid_rst; /* (0) */
	uint8_t tcp_max_retrans;       /* nf_conntrack_tcp_max_retrans (3) */
	uint8_t log_invalid;           /* nf_conntrack_log_invalid (0) */
	uint32_t tcp_timeouts[NFU_CT_TCP_TIMEOUT_MAX]; /* by state, s */
	uint32_t udp_timeout;          /* nf_conntrack_udp_timeout (30) */
	uint32_t udp_timeout_stream;   /* (120) */
	uint32_t icmp_timeout;         /* nf_conntrack_icmp_timeout (30) */
	uint32_t gre_timeout;          /* nf_conntrack_gre_timeout (30) */
	uint32_t gre_timeout_stream;   /* (180) */
	uint32_t generic_timeout;      /* nf_conntrack_generic_timeout (600) */
	/* nf_conntrack_sctp_timeout_* by state, s; [NONE] is CLOSED's
	 * default, fixed (Linux's timeouts[0], no sysctl) */
	uint32_t sctp_timeouts[NFU_CT_SCTP_MAX];
	uint32_t expect_max;           /* nf_conntrack_expect_max (4096) */
};

/* A stack's connection tracking. */
struct nfu_ct_net {
	struct nfu_net *net;
	struct nfu_ct_sysctl sysctl;
	struct nfu_ct_tuplehash **buckets;
	uint32_t nbuckets;             /* a power of two */
	uint32_t count;                /* connections alive (in the table
					  or held by a packet) */
	uint64_t seed[2];              /* SipHash key, random per stack */
	uint32_t gc_next;              /* the collector's next bucket */
	uint64_t gc_last;              /* stack time of its last step */
	uint64_t next_id;
	uint32_t confirmed;            /* of them, in the table */
	struct nfu_ct *free_cts;       /* freed connections of the chunks */
	struct nfu_ct *chunk_next, *chunk_end; /* the newest chunk's unused */
	struct nfu_ct_expect *expects; /* newest first */
	uint32_t expect_count;
	struct ct_chunk *chunks;       /* 2 MiB each (core.c) */
	bool enabled;                  /* started once: the table is made
					  (its hooks are registered while
					  'users' is not 0) */
	uint32_t users;                /* of conntrack (nfu_ct_netns_get()) */
	uint32_t defrag_users;         /* of defrag (nfu_ct_defrag_get()) */
	bool dead;                     /* the stack is gone; the last
					  connection frees this */
	struct nfu_nat_net *nat;       /* lib/nat's, once a nat table is
					  used (freed with this) */
	struct nfu_hook_ops ops[6];
	unsigned int registered;       /* ops[i] registered: bit i */
	/* statistics, as conntrack -S */
	uint64_t found, invalid, insert, insert_failed, drop, early_drop,
		error, expect_new, expect_create, expect_delete, search_restart,
		clash_resolve;
};

/*
 * Helpers and expectations (expect.c, helper_ftp.c, helper_tftp.c).
 */
struct nfu_ct_helper {
	const char *name;          /* "ftp", as CT --helper names it */
	uint8_t proto;             /* of the connections it helps */
	uint16_t max_expected;     /* expectations per master */
	uint32_t expect_timeout;   /* seconds */
	size_t data_size;          /* per connection, in ct->help_data */
	/* A packet of a connection it helps (not RELATED_REPLY), before the
	 * confirm: NFU_ACCEPT or NFU_DROP. */
	unsigned int (*help)(struct nfu_ct *ct, struct nfu_pkt *pkt,
			     unsigned int thoff, uint32_t ctinfo);
};

extern const struct nfu_ct_helper nfu_ct_helper_ftp;
extern const struct nfu_ct_helper nfu_ct_helper_tftp;

/* The helper 'name' for protocol 'proto', or NULL. */
const struct nfu_ct_helper *nfu_ct_helper_find(const char *name, uint8_t proto);
/* nf_ct_helper_log(): the helper of 'ct' drops 'pkt' for the reason
 * 'fmt' says; logged as "nf_ct_ftp: dropping packet: REASON " (then
 * the packet, lib/ipv4's nfu_log_packet(): once a logger is bound). */
__attribute__((format(printf, 3, 4)))
void nfu_ct_helper_log(const struct nfu_ct *ct, const struct nfu_pkt *pkt,
		       const char *fmt, ...);

/* An expected connection: 'tuple' with the source address and port
 * compared under masks (the rest exactly).  NAT's helpers (lib/nat's
 * nat_helper.c) set 'expectfn', 'saved_proto' and 'dir' before it is
 * inserted, as Linux's nf_nat_ftp and nf_nat_tftp do: conntrack calls
 * 'expectfn' on the connection the expectation makes, as it makes it
 * (init_conntrack()), before any hook sees it. */
struct nfu_ct_expect {
	struct nfu_ct_expect *next;
	struct nfu_ct_tuple tuple;
	uint32_t mask_src;
	uint16_t mask_sport;
	uint16_t zone;
	struct nfu_ct *master;     /* holds a reference once inserted */
	const struct nfu_ct_helper *helper; /* for the new connection */
	uint64_t timeout;          /* the stack's time it expires at */
	void (*expectfn)(struct nfu_ct *ct, const struct nfu_ct_expect *exp);
	uint16_t saved_proto;      /* the port asked for, network order */
	uint8_t dir;               /* enum nfu_ct_dir: the master's
				      direction the new connection takes */
};

/* Expects a connection 't' (any source port when 'any_sport') on behalf
 * of 'master': 0, -EBUSY (another master expects it), -EMFILE
 * (nf_conntrack_expect_max), -ENOMEM. */
int nfu_ct_expect_related(struct nfu_ct *master, const struct nfu_ct_tuple *t,
			  bool any_sport);
/* The same in two steps, for a NAT helper that changes the expectation
 * before it goes in: a new expectation of 't' for 'master' (not in the
 * table, no reference taken; NULL without memory), then its insertion
 * (Linux's nf_ct_expect_related()): 0 (the table owns it), or -EBUSY
 * when another connection's expectation clashes with it
 * (__nf_ct_expect_check()), -EMFILE: the caller still owns it and
 * frees it with nfu_ct_expect_free().  nfu_ct_expect_unlink() takes an
 * inserted one out again and frees it (nf_ct_unexpect_related()). */
struct nfu_ct_expect *nfu_ct_expect_alloc(struct nfu_ct *master,
					  const struct nfu_ct_tuple *t,
					  bool any_sport);
int nfu_ct_expect_insert(struct nfu_ct_expect *e);
void nfu_ct_expect_free(struct nfu_ct_expect *e);
void nfu_ct_expect_unlink(struct nfu_ct_expect *e);
/* The expectation of a new connection 't', out of the table, or NULL. */
struct nfu_ct_expect *nfu_ct_expect_take(struct nfu_ct_net *cn,
					 const struct nfu_ct_tuple *t,
					 uint16_t zone);
void nfu_ct_expect_remove_master(struct nfu_ct *master);
void nfu_ct_expect_flush(struct nfu_ct_net *cn);
/* conntrack -L expect: every live expectation to 'fn'. */
void nfu_ct_expect_walk(struct nfu_ct_net *cn,
			void (*fn)(const struct nfu_ct_expect *e, void *priv),
			void *priv);
/*
 * NAT's parts of the helpers (lib/nat/nat_helper.c; Linux's
 * nf_nat_ftp_hook, nf_nat_tftp_hook and nf_conntrack_seqadj.c), called
 * by the helpers for a connection with NFU_IPS_SRC_NAT or _DST_NAT and
 * by conntrack for one with NFU_IPS_SEQ_ADJUST.
 */
enum nfu_ct_ftp_type {         /* Linux's enum nf_ct_ftp_type */
	NFU_CT_FTP_PORT,       /* PORT h1,h2,h3,h4,p1,p2 */
	NFU_CT_FTP_PASV,       /* 227 ... h1,h2,h3,h4,p1,p2 */
	NFU_CT_FTP_EPRT,       /* EPRT |1|a.b.c.d|port| */
	NFU_CT_FTP_EPSV,       /* 229 ... (|||port|) */
};
/* The command of 'type' whose address text is 'match_len' bytes at
 * 'match_off' in the TCP payload of 'pkt' (of 'ct', with 'ctinfo'; TCP
 * header at 'thoff'): expectation 'e' (not inserted; this takes it over)
 * goes in at a free port and the text is rewritten to the connection's
 * translated address and that port (nf_nat_ftp()).  NFU_ACCEPT or
 * NFU_DROP. */
unsigned int nfu_nat_ftp(struct nfu_pkt *pkt, struct nfu_ct *ct, uint32_t ctinfo,
			 enum nfu_ct_ftp_type type, unsigned int thoff,
			 unsigned int match_off, unsigned int match_len,
			 struct nfu_ct_expect *e);
/* TFTP's expectation 'e' (taken over) of a translated connection, made
 * to follow its master and inserted (nf_nat_tftp's help()); 'pkt', the
 * request, is logged when it cannot be. */
unsigned int nfu_nat_tftp(struct nfu_pkt *pkt, struct nfu_ct_expect *e);
/* The offset to take off an acknowledgement 'seq' of direction 'dir''s
 * data (nf_ct_seq_offset()): 0 unless NFU_IPS_SEQ_ADJUST. */
int32_t nfu_nat_seq_offset(const struct nfu_ct *ct, unsigned int dir,
			   uint32_t seq);
/* The sequence number, acknowledgement and SACK blocks of TCP segment
 * 'pkt' (header at 'thoff') moved as the connection's adjustments say
 * (nf_ct_seq_adjust()).  false: a broken option (drop). */
bool nfu_nat_seq_adjust(struct nfu_pkt *pkt, struct nfu_ct *ct,
			uint32_t ctinfo, unsigned int thoff);

/* Gives 'ct' (new, unconfirmed) helper 'h' with zeroed data: 0, -ENOMEM. */
int nfu_ct_helper_assign(struct nfu_ct *ct, const struct nfu_ct_helper *h);

/* The stack's conntrack state, made on first use (NULL: no memory). */
struct nfu_ct_net *nfu_ct_net(struct nfu_net *net);
/*
 * Users of conntrack in a stack, as Linux's nf_ct_netns_get() and
 * nf_ct_netns_put() (the checkentry and destroy of state, conntrack,
 * NAT, CT, CONNMARK, helper... rules: ext/xt_conntrack.h's
 * nfu_xt_ct_get()): the first get registers conntrack's hooks (in,
 * confirm) and takes defrag; the put of the last user unregisters them
 * and puts defrag.  The table and its connections stay (conntrack -L
 * lists them, and they expire); packets are not tracked meanwhile.  A
 * get that registers the hooks again makes established TCP connections
 * learn their windows again (nf_ct_tcp_fixup()).  0 or a negative errno
 * (nothing taken then).
 */
int nfu_ct_netns_get(struct nfu_net *net);
void nfu_ct_netns_put(struct nfu_net *net);
/* Users of defragmentation (nf_defrag_ipv4_enable/_disable): conntrack,
 * and later those that need whole datagrams without it (socket, TPROXY).
 * The hooks at NFU_IP_PRI_CONNTRACK_DEFRAG while there is one. */
int nfu_ct_defrag_get(struct nfu_net *net);
void nfu_ct_defrag_put(struct nfu_net *net);
/* A get that is never put (tests, benchmarks, the fuzzers): conntrack
 * for the stack's life. */
int nfu_ct_enable(struct nfu_net *net);
/* Does the stack track packets now (its conntrack hooks registered)? */
bool nfu_ct_enabled(const struct nfu_net *net);

/* A template (the CT target's): zone 'zone' in both directions,
 * NFU_IPS_TEMPLATE, one reference; put it in pkt->ct with ctinfo
 * NFU_CT_NEW before conntrack runs, release it with nfu_ct_put().  NULL
 * without memory. */
struct nfu_ct *nfu_ct_template_new(struct nfu_ct_net *cn, uint16_t zone);
/* The zone of a new connection of 'pkt' whose template is 'tmpl' (NULL:
 * none): Linux's nf_ct_zone_tmpl(), the mark's with NFU_CT_FLAG_MARK. */
struct nfu_ct_zone nfu_ct_zone_tmpl(const struct nfu_ct *tmpl,
				    const struct nfu_pkt *pkt);

/* Sets a connection's timeout to 'secs' from now (unless FIXED_TIMEOUT). */
void nfu_ct_refresh(struct nfu_ct *ct, uint32_t secs);
/* REJECT's reset answered a packet of 'ct' (NULL, a template or
 * untracked: nothing): Linux's nf_ct_set_closing().  A confirmed TCP
 * connection goes to CLOSE with CLOSE's timeout (proto_tcp.c). */
void nfu_ct_set_closing(struct nfu_ct *ct);
/* The connection and direction of 'tuple' in zone 'zone', or NULL
 * (expired ones are removed on the way).  Takes no reference.  As
 * Linux's nf_conntrack_find_get(): a connection's tuple of direction d
 * is found when its zone's id for d (nfu_ct_zone_id()) is the id of
 * 'zone' for d.  nfu_ct_find() is for zone 'zone' in both directions. */
struct nfu_ct *nfu_ct_find_zone(struct nfu_ct_net *cn,
				const struct nfu_ct_tuple *t,
				const struct nfu_ct_zone *zone,
				unsigned int *dir);
struct nfu_ct *nfu_ct_find(struct nfu_ct_net *cn, const struct nfu_ct_tuple *t,
			   uint16_t zone, unsigned int *dir);
/* Removes 'ct' from the table (it is freed when the last packet holding
 * it goes).  For conntrack -D, -F, and TCP's RST/close handling. */
void nfu_ct_kill(struct nfu_ct *ct);
/* Drops a reference (lib/core calls it through net->ct_destroy). */
void nfu_ct_put(struct nfu_ct *ct);

/* The tuple of 'pkt' (its IPv4 header at the network offset, the L4
 * header at 'thoff' bytes from it).  false: cannot be told. */
bool nfu_ct_get_tuple(const struct nfu_pkt *pkt, unsigned int thoff,
		      const struct nfu_ct_l4proto *l4, struct nfu_ct_tuple *t);

/* The bytes from the transport header at 'thoff' to the end of the IP
 * packet (its total length, bounded by what the buffer holds). */
size_t nfu_ct_l4_len(const struct nfu_pkt *pkt, unsigned int thoff);
/* Is the checksum of those 'len' bytes right?  'proto' 6 or 17: with the
 * pseudo-header; 0: alone (ICMP). */
bool nfu_ct_l4_csum_ok(const struct nfu_pkt *pkt, unsigned int thoff,
		       size_t len, uint8_t proto);

/* conntrack -L's line of 'ct' (without the newline): "tcp      6 431999
 * ESTABLISHED src=… [ASSURED] mark=0 use=1"; 'extended' adds the
 * "ipv4     2 " prefix of -o extended. */
void nfu_ct_format(const struct nfu_ct *ct, bool extended, char *buf,
		   size_t len);

/* Every connection of the table, in the table's order, to 'fn'. */
void nfu_ct_walk(struct nfu_ct_net *cn,
		 void (*fn)(struct nfu_ct *ct, void *priv), void *priv);

/*
 * What conntrack -L shows (format.c).  A connection is seen through a
 * plain struct nfu_ct_entry, the fields of its conntrack-tools line, so
 * that the same code prints a live connection and a line read back from
 * a file (nfu replay --conntrack-state writes them, nfu conntrack reads
 * them).  The text is conntrack-tools 1.4.7's (libnetfilter_conntrack's
 * default output), checked against Linux 6.18:
 *
 *   [ipv4     2 ]udp      17 29 src=10.9.0.2 dst=10.9.0.1 sport=40000
 *   dport=53 [packets=1 bytes=33 ][UNREPLIED ]src=10.9.0.1 dst=10.9.0.2
 *   sport=53 dport=40000 [packets=0 bytes=0 ][ASSURED ]mark=0 [zone=5 ]
 *   [helper=tftp ]use=1[ id=7]
 *
 * where a zone of one direction only (CT --zone-orig, --zone-reply) is
 * "zone-orig=5 " after the original tuple's ports (before its packets=),
 * or "zone-reply=5 " after the reply tuple's, rather than zone=5.
 *
 * (one line; a TCP state such as ESTABLISHED after the timeout).
 */
struct nfu_ct_entry {
	uint8_t proto;                 /* layer 4 protocol number */
	char state[24];                /* TCP or SCTP state ("ESTABLISHED",
					  "SHUTDOWN_ACK_SENT"), or "" */
	uint32_t timeout;              /* seconds left, rounded down */
	struct nfu_ct_tuple tuple[NFU_CT_DIR_MAX]; /* as in struct nfu_ct */
	bool acct;                     /* packets= and bytes= are shown */
	uint64_t packets[NFU_CT_DIR_MAX], bytes[NFU_CT_DIR_MAX];
	uint32_t status;               /* NFU_IPS_SEEN_REPLY, NFU_IPS_ASSURED */
	uint32_t mark;
	uint16_t zone;                 /* shown when not 0: zone=N after
					  mark=, or zone-orig=N (zone-reply=N)
					  after the original (reply) tuple
					  for a zone of that direction only */
	uint8_t zone_dir;              /* NFU_CT_ZONE_DIR_*; 0: both */
	char helper[16];               /* the helper's name, or "" */
	uint32_t use;
	bool has_id;
	uint64_t id;
};

/* Output flags, as conntrack's -o: "extended" (the "ipv4     2 " prefix)
 * and "id" (" id=N" at the end). */
enum {
	NFU_CT_FMT_EXTENDED = 1u << 0,
	NFU_CT_FMT_ID = 1u << 1,
};

/* The entry of 'ct' at the stack's time: the timeout left (0 once due),
 * the tracker's state (print_state), counters when nf_conntrack_acct is
 * on. */
void nfu_ct_entry_of(const struct nfu_ct *ct, struct nfu_ct_entry *e);
/* The line of 'e' (no newline) in 'buf' of 'len', cut to fit; returns the
 * length of the whole line, as snprintf. */
size_t nfu_ct_entry_format(const struct nfu_ct_entry *e, unsigned int flags,
			   char *buf, size_t len);
/* 'line' (one line of conntrack -L output, with or without -o extended
 * and -o id; no newline) into 'e'.  0, or -EINVAL with 'err' saying what
 * is wrong (quoting the bad word).  nfu_ct_entry_format() of what it
 * reads gives the line back. */
int nfu_ct_entry_parse(const char *line, struct nfu_ct_entry *e, char *err,
		       size_t errlen);
/* The connections conntrack -L lists, in '*out' (malloc'ed, '*n' of
 * them): those in the table whose timeout has not run out (Linux's dump
 * evicts the others on its way), sorted by creation (id) rather than in
 * the table's hash order, so that a listing is the same at every run.
 * 0 or -ENOMEM.  The connections are not held: use them before the next
 * packet. */
int nfu_ct_list(struct nfu_ct_net *cn, struct nfu_ct ***out, size_t *n);
/* nfu_ct_format() with NFU_CT_FMT_* 'flags'. */
void nfu_ct_format_flags(const struct nfu_ct *ct, unsigned int flags,
			 char *buf, size_t len);
/* The name conntrack-tools gives protocol 'proto' ("unknown" for those
 * it has none for), and Linux's name of TCP state 'st' (enum
 * nfu_ct_tcp_st; NULL past SYN_SENT2). */
const char *nfu_ct_proto_name(uint8_t proto);
const char *nfu_ct_tcp_state_name(unsigned int st);
/* conntrack-tools' name of SCTP state 'st' (enum nfu_ct_sctp_st), as
 * conntrack -L prints it (proto_sctp.c). */
const char *nfu_ct_sctp_state_name(unsigned int st);

/*
 * Linux's net.netfilter.nf_conntrack_* sysctls (sysctl.c): 'name' is what
 * follows "net.netfilter." (e.g. "nf_conntrack_max").  Both make the
 * stack's conntrack state (nfu_ct_net()) without enabling it.  Values are
 * read as Linux's proc handlers read them.  0, -ENOENT (no such name),
 * -EINVAL (a value Linux refuses), -EACCES (read-only, as in a network
 * namespace: nf_conntrack_count, nf_conntrack_buckets), -ENOMEM.
 */
int nfu_ct_sysctl_set(struct nfu_net *net, const char *name,
		      const char *value);
int nfu_ct_sysctl_get(struct nfu_net *net, const char *name, long *value);

#endif
