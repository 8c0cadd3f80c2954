/* SPDX-License-Identifier: MIT */
/*
 * ipv4/ipv4-private.h - the IPv4 layer's state and its internal calls.
 *
 * What?
 *   The per-stack IPv4 state (addresses, FIB, neighbours, sysctls, ICMP
 *   rate limits), and the stages of the IPv4 path, named after the Linux
 *   functions whose behaviour they reproduce (ip_rcv, ip_rcv_finish,
 *   ip_route_input, ip_local_deliver, ip_forward, ip_output, icmp_send).
 *
 * Thread-safety
 *   The stack's thread only (see nfu/net.h).
 */
#ifndef NFU_IPV4_PRIVATE_H
#define NFU_IPV4_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net-private.h"
#include "ipv4/fib.h"

/* Host-order helpers for addresses kept in network order. */
#define NFU_IP(a, b, c, d)                                                   \
	((uint32_t)(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) |          \
		    ((uint32_t)(c) << 8) | (uint32_t)(d)))

struct nfu_iphdr {
	uint8_t ver_ihl;
	uint8_t tos;
	uint16_t tot_len;
	uint16_t id;
	uint16_t frag_off;
	uint8_t ttl;
	uint8_t protocol;
	uint16_t check;
	uint32_t saddr;
	uint32_t daddr;
};

#define NFU_IP_CE 0x8000
#define NFU_IP_DF 0x4000
#define NFU_IP_MF 0x2000
#define NFU_IP_OFFSET 0x1fff

enum {
	NFU_IPPROTO_ICMP = 1,
	NFU_IPPROTO_TCP = 6,
	NFU_IPPROTO_UDP = 17,
};

enum {
	NFU_ICMP_ECHOREPLY = 0,
	NFU_ICMP_DEST_UNREACH = 3,
	NFU_ICMP_SOURCE_QUENCH = 4,
	NFU_ICMP_REDIRECT = 5,
	NFU_ICMP_ECHO = 8,
	NFU_ICMP_TIME_EXCEEDED = 11,
	NFU_ICMP_PARAMETERPROB = 12,
	NFU_ICMP_TIMESTAMP = 13,
	NFU_ICMP_TIMESTAMPREPLY = 14,
	NFU_ICMP_INFO_REQUEST = 15,
	NFU_ICMP_INFO_REPLY = 16,
	NFU_ICMP_ADDRESS = 17,
	NFU_ICMP_ADDRESSREPLY = 18,
	NFU_NR_ICMP_TYPES = 18,
};

/* codes of NFU_ICMP_DEST_UNREACH */
enum {
	NFU_ICMP_NET_UNREACH = 0,
	NFU_ICMP_HOST_UNREACH = 1,
	NFU_ICMP_PROT_UNREACH = 2,
	NFU_ICMP_PORT_UNREACH = 3,
	NFU_ICMP_FRAG_NEEDED = 4,
	NFU_ICMP_PKT_FILTERED = 13,
};

static inline struct nfu_iphdr *nfu_ip_hdr(const struct nfu_pkt *pkt)
{
	return (struct nfu_iphdr *)nfu_pkt_network_header(pkt);
}

static inline unsigned int nfu_ip_hlen(const struct nfu_iphdr *iph)
{
	return (iph->ver_ihl & 0x0fu) * 4u;
}

static inline bool nfu_ipv4_is_multicast(uint32_t a) /* network order */
{
	return (__builtin_bswap32(a) & 0xf0000000u) == 0xe0000000u;
}
static inline bool nfu_ipv4_is_lbcast(uint32_t a)
{
	return a == 0xffffffffu;
}
/* Linux's ipv4_is_zeronet() is 0.0.0.0 alone since 5.x: the rest of
 * 0.0.0.0/8 is ordinary unicast (observed on 6.18: an echo to 0.1.2.3
 * gets ICMP net unreachable, not a martian drop). */
static inline bool nfu_ipv4_is_zeronet(uint32_t a)
{
	return a == 0;
}
static inline bool nfu_ipv4_is_loopback(uint32_t a)
{
	return (__builtin_bswap32(a) & 0xff000000u) == 0x7f000000u;
}
static inline uint32_t nfu_inet_mask(uint8_t plen) /* network order */
{
	return plen ? __builtin_bswap32(~0u << (32 - plen)) : 0;
}

/* Per-device IPv4 configuration (net.ipv4.conf.DEV.*). */
struct nfu_devconf {
	int forwarding;
	int rp_filter;
	int accept_local;
	int route_localnet;
	int send_redirects;
	int log_martians;
	int accept_source_route;
};

struct nfu_ifaddr {
	uint32_t local;   /* network order */
	uint32_t mask;
	uint32_t brd;
	uint8_t plen;
	uint8_t scope;
	bool secondary;
	struct nfu_ifaddr *next;
};

struct nfu_neigh {
	int ifindex;
	uint32_t addr;
	uint8_t mac[6];
	bool permanent;  /* 'ip neigh add': never replaced by learning */
	struct nfu_neigh *next;
};

/* The per-destination rate limiter state of Linux's inet_peer. */
struct nfu_peer {
	uint32_t addr;
	uint32_t n_redirects;
	uint64_t rate_tokens; /* ns */
	uint64_t rate_last;   /* ns */
	struct nfu_peer *next;
};

#define NFU_PEER_BUCKETS 1024
#define NFU_PEER_MAX 16384

struct nfu_ipv4_net {
	struct nfu_fib *fib;
	struct nfu_ifaddr *ifa[NFU_MAX_DEVS];
	struct nfu_devconf conf[NFU_MAX_DEVS];
	struct nfu_devconf conf_all, conf_default;
	struct nfu_neigh *neigh;

	int ip_forward;
	int ip_default_ttl;
	int icmp_echo_ignore_all;
	int icmp_echo_ignore_broadcasts;
	int icmp_ignore_bogus_error_responses;
	int icmp_ratelimit;   /* ms */
	int icmp_ratemask;
	int icmp_msgs_per_sec;
	int icmp_msgs_burst;
	int icmp_errors_use_inbound_ifaddr;

	int64_t icmp_global_credit;
	uint64_t icmp_global_stamp;
	struct nfu_peer *peers[NFU_PEER_BUCKETS];
	unsigned int npeers;

	uint16_t ip_id_next;
	/* Linux's per-netns ICMP socket is locked while an ICMP message is
	 * being sent (icmp_xmit_lock): an error that the sending itself
	 * provokes (REJECT in OUTPUT) cannot be sent and is dropped */
	bool icmp_xmit_busy;

	/* packets looped back through lo, handled after the current one */
	struct nfu_pkt *backlog, **backlog_tail;
	bool in_backlog;

	/* log.c: the IPv4 logger of nf_log_packet() without loginfo is
	 * bound (nf_log_syslog loaded: a LOG rule was checked) */
	bool nf_logger;

	/* defrag.c: reassembly queues (NULL until the first fragment) and
	 * net.ipv4.ipfrag_* */
	struct nfu_ipfrag *frag;
	int ipfrag_time;          /* s */
	int ipfrag_max_dist;
	long ipfrag_high_thresh;  /* bytes */
	long ipfrag_low_thresh;
};

static inline struct nfu_ipv4_net *nfu_ipv4(const struct nfu_net *net)
{
	return net->ipv4;
}

/* effective per-device values, as Linux's IN_DEV_* macros combine them */
int nfu_devconf_rpfilter(const struct nfu_net *net, int ifindex);
bool nfu_devconf_forward(const struct nfu_net *net, int ifindex);
bool nfu_devconf_accept_local(const struct nfu_net *net, int ifindex);
bool nfu_devconf_route_localnet(const struct nfu_net *net, int ifindex);
bool nfu_devconf_tx_redirects(const struct nfu_net *net, int ifindex);

/* addr.c */
const struct nfu_ifaddr *nfu_ifaddr_list(const struct nfu_net *net,
					 int ifindex);
/* Linux's inet_select_addr(): a source address on 'dev' for reaching
 * 'dst' (0: any), of scope at most 'scope'; falls back to other devices. */
/* The FIB's and ARP's part of a device going down or coming up (Linux's
 * fib_netdev_event(), arp_ifdown()): registered by nfu_net_new(). */
void nfu_ipv4_dev_down(struct nfu_net *net, int ifindex, void *priv);
void nfu_ipv4_dev_up(struct nfu_net *net, int ifindex, void *priv);
uint32_t nfu_inet_select_addr(const struct nfu_net *net, int ifindex,
			      uint32_t dst, uint8_t scope);
bool nfu_addr_on_link(const struct nfu_net *net, int ifindex, uint32_t addr);

/* route.c */
struct nfu_rt_result {
	uint8_t type;       /* NFU_RTN_* */
	int ifindex;        /* output device */
	uint32_t nexthop;   /* gateway or destination */
	uint32_t prefsrc;
	uint8_t scope;
	int error;          /* for unreachable results: -E… as Linux's */
};
const struct nfu_route *nfu_fib_lookup_net(const struct nfu_net *net,
					   uint32_t daddr);
int nfu_ip_route_output(struct nfu_net *net, uint32_t daddr, uint32_t saddr,
			struct nfu_rt_result *res);
/* Routing of a received packet: sets pkt->rt_type, out, nexthop; returns
 * 0, or a negative errno with *reason set (the packet is not freed). */
int nfu_ip_route_input(struct nfu_net *net, struct nfu_pkt *pkt,
		       enum nfu_drop_reason *reason, int *rt_error);

/* input.c */
int nfu_ip_rcv(struct nfu_net *net, struct nfu_pkt *pkt);
void nfu_ip_backlog_run(struct nfu_net *net);
void nfu_ip_backlog_add(struct nfu_net *net, struct nfu_pkt *pkt);

/* local.c */
int nfu_ip_local_deliver(struct nfu_net *net, struct nfu_pkt *pkt);

/* forward.c */
int nfu_ip_forward(struct nfu_net *net, struct nfu_pkt *pkt);

/* output.c */
/* Local output of a packet with a complete header ('data' at it): fills
 * tot_len, id (when 0 and not DF…), checksum; routes; LOCAL_OUT, POST_ROUTING. */
int nfu_ip_local_out(struct nfu_net *net, struct nfu_pkt *pkt);
/* ip_route_me_harder(): a packet of the host routed again after a hook
 * changed its destination (NAT at LOCAL_OUT): its device, next hop and
 * route type.  0, or a negative errno with pkt->drop_reason set (the
 * caller drops it). */
int nfu_ip_route_me_harder(struct nfu_net *net, struct nfu_pkt *pkt);
int nfu_ip_output(struct nfu_net *net, struct nfu_pkt *pkt);
uint16_t nfu_ip_select_id(struct nfu_net *net);

/* log.c: netfilter's log lines (Linux's nf_log_syslog for IPv4). */
/* Linux's NF_LOG_* flags (XT_LOG_*: the LOG target's options). */
enum {
	NFU_LOG_TCPSEQ = 0x01,
	NFU_LOG_TCPOPT = 0x02,
	NFU_LOG_IPOPT = 0x04,
	NFU_LOG_UID = 0x08,
	NFU_LOG_MACDECODE = 0x20,
	NFU_LOG_MASK = 0x2f,
	NFU_LOG_DEFAULT_MASK = 0x0f,  /* nf_log_packet() without loginfo */
};
/* nf_log_ip_packet(): the line of 'pkt' (at its network header), after
 * 'prefix', with the devices 'in' and 'out' (either NULL: "IN=" empty;
 * MAC= only with 'in'), to net->ops.log at syslog 'level'. */
void nfu_log_ip_packet(struct nfu_net *net, int level, unsigned int logflags,
		       const char *prefix, const struct nfu_pkt *pkt,
		       const struct nfu_dev *in, const struct nfu_dev *out);
/* nf_log_packet() with no loginfo, as conntrack calls it (the prefix
 * made from 'fmt', cut to 127 bytes): the line of the stack's IPv4 logger
 * at level 5 with NFU_LOG_DEFAULT_MASK, once one is bound; else nothing. */
__attribute__((format(printf, 5, 6)))
void nfu_log_packet(struct nfu_net *net, const struct nfu_pkt *pkt,
		    const struct nfu_dev *in, const struct nfu_dev *out,
		    const char *fmt, ...);
/* Binds the stack's IPv4 logger for nfu_log_packet(), for good (LOG's
 * check: xt_LOG loading nf_log_syslog). */
void nfu_log_bind(struct nfu_net *net);

/* icmp.c */
/* Linux's icmp_send(): an ICMP error about 'skb_in' (not consumed). */
void nfu_icmp_send(struct nfu_net *net, const struct nfu_pkt *skb_in,
		   uint8_t type, uint8_t code, uint32_t info);
/* Linux's ip_error() rate limit, shared with icmp's per-peer bucket. */
bool nfu_ip_error_allow(struct nfu_net *net, uint32_t saddr);
/* ip_rt_send_redirect(): a host redirect to the sender of 'pkt', with
 * Linux's exponential back-off per sender. */
void nfu_ip_send_redirect(struct nfu_net *net, const struct nfu_pkt *pkt);
/* Handles an ICMP message delivered locally (echo → reply); frees it. */
int nfu_icmp_rcv(struct nfu_net *net, struct nfu_pkt *pkt);
struct nfu_peer *nfu_peer_get(struct nfu_net *net, uint32_t addr);
void nfu_peers_free(struct nfu_ipv4_net *in);

/* options.c: IP options.  _compile returns 0, or the offset of the bad
 * byte for a parameter problem; it fills pkt->ipopt and writes what the
 * host owes into the options. */
int nfu_ip_options_compile(struct nfu_net *net, struct nfu_pkt *pkt);
void nfu_ip_forward_options(struct nfu_net *net, struct nfu_pkt *pkt);
/* The options an answer to 'pkt' carries, into 'out' (40 bytes at most);
 * returns their length (a multiple of 4), or (size_t)-1 when Linux would
 * not answer at all. */
size_t nfu_ip_options_echo(struct nfu_net *net, const struct nfu_pkt *pkt,
			   unsigned char *out, struct nfu_ip_opt *dopt);
/* ip_options_build(): the host's entries in an answer's options. */
void nfu_ip_options_build(struct nfu_net *net, unsigned char *iph,
			  const struct nfu_ip_opt *opt);

/* arp.c: ARP requests for the host's addresses are answered, the
 * requester learnt (neigh_event_ns), as Linux with arp_ignore=0. */
int nfu_arp_rcv(struct nfu_net *net, struct nfu_pkt *pkt);
/* A learnt neighbour: added, or updated unless permanent. */
int nfu_neigh_learn(struct nfu_net *net, int ifindex, uint32_t addr,
		    const uint8_t mac[6]);

/*
 * ---- defrag.c: IPv4 reassembly, Linux's ip_defrag() ----
 *
 * nfu_ip_defrag() takes a packet whose header says it is a fragment
 * ('data' at its IPv4 header, or past it: the network header is used) and
 * returns 0 with *pkt replaced by the whole datagram once it is complete
 * (a new packet: the fragments are freed), -EINPROGRESS when the fragment
 * was queued (taken), or a negative errno when it was dropped (freed with
 * a drop reason, the rest of its datagram perhaps with it).  A packet that
 * is not a fragment is left alone (0).  'user' keeps reassemblies apart as
 * in Linux: NFU_IP_DEFRAG_LOCAL_DELIVER before LOCAL_IN, conntrack's
 * NFU_IP_DEFRAG_CONNTRACK_IN/OUT + zone at priority -400.
 */
enum nfu_ip_defrag_user { /* Linux's enum ip_defrag_users */
	NFU_IP_DEFRAG_LOCAL_DELIVER = 0,
	NFU_IP_DEFRAG_CALL_RA_CHAIN,
	NFU_IP_DEFRAG_CONNTRACK_IN,
	NFU_IP_DEFRAG_CONNTRACK_IN_END = NFU_IP_DEFRAG_CONNTRACK_IN + 65535,
	NFU_IP_DEFRAG_CONNTRACK_OUT,
	NFU_IP_DEFRAG_CONNTRACK_OUT_END = NFU_IP_DEFRAG_CONNTRACK_OUT + 65535,
	NFU_IP_DEFRAG_CONNTRACK_BRIDGE_IN,
	NFU_IP_DEFRAG_CONNTRACK_BRIDGE_IN_END =
		NFU_IP_DEFRAG_CONNTRACK_BRIDGE_IN + 65535,
	NFU_IP_DEFRAG_VS_IN,
	NFU_IP_DEFRAG_VS_OUT,
	NFU_IP_DEFRAG_VS_FWD,
	NFU_IP_DEFRAG_AF_PACKET,
	NFU_IP_DEFRAG_MACVLAN,
};
int nfu_ip_defrag(struct nfu_net *net, struct nfu_pkt **pkt, uint32_t user);
/* Drops the queues whose ipfrag_time has run out by nfu_net_now(), oldest
 * first, with an ICMP time exceeded sent at each one's deadline where
 * Linux sends one.  Called as each packet enters the stack. */
void nfu_ip_defrag_expire(struct nfu_net *net);
/* The sysctls' defaults (at stack creation). */
void nfu_ip_defrag_init(struct nfu_ipv4_net *in);
/* Frees every queue (at stack teardown). */
void nfu_ip_defrag_exit(struct nfu_net *net);
/* Bytes held (the figure compared with ipfrag_high_thresh), queues. */
size_t nfu_ip_defrag_mem(const struct nfu_net *net);
unsigned int nfu_ip_defrag_queues(const struct nfu_net *net);
/* ---- end of defrag.c ---- */

/* responder.c: TCP reset and UDP port unreachable of a host with no
 * listening socket. */
int nfu_tcp_v4_rcv(struct nfu_net *net, struct nfu_pkt *pkt);
int nfu_udp_rcv(struct nfu_net *net, struct nfu_pkt *pkt);

#endif
