/* SPDX-License-Identifier: MIT */
/*
 * nfu replay - what Linux would do with recorded traffic.
 *
 *   nfu replay -r RULES [-t TOPOLOGY] -i IFACE=CAPTURE [-i …] [-o DIR] [-c]
 *              [--trace] [--log FILE] [--responder on|off] [--conntrack]
 *              [--conntrack-state FILE]
 *   nfu replay -r RULES CAPTURE
 *
 * What?
 *   The ruleset (iptables-save text) is put in force in a stack built from
 *   the topology; the packets of the captures are fed to it in the order
 *   of their timestamps, with the stack's clock at each packet's time; what
 *   happens to each is told (--trace), what leaves each interface is
 *   written (-o DIR), and the counters (-c) and the connection tracking
 *   table (--conntrack) are printed at the end.
 *
 * Basic design
 *   - Two passes over the captures: the first reads every file to the end
 *     (so that a broken file is an error before anything is printed, and
 *     to count packets for the progress bar and, without a topology, to
 *     guess the host), the second replays.  Captures are files: "-" is
 *     refused, as it cannot be read twice.
 *   - A packet enters where the host saw it: one whose source is an
 *     address of the host (or that SLL calls outgoing) was sent by the
 *     host and enters at LOCAL_OUT (nfu_send_ip); an Ethernet frame that
 *     the host's interface sent for another source is a forwarded copy,
 *     which the replay makes itself, and is passed over; everything else
 *     arrives on its interface (nfu_rx, or nfu_rx_ip without Ethernet).
 *   - What became of a packet is seen through the stack's callbacks while
 *     nfu_rx runs: xmit (forwarded, or sent by the host), deliver, dropped
 *     (with its reason), the xtables trace (rules and policies), and the
 *     stack's counters (held for reassembly, queued).
 *   - What conntrack made of a packet is read by a hook function just
 *     after conntrack's (NFU_IP_PRI_CONNTRACK + 1, PRE_ROUTING and
 *     LOCAL_OUT), registered with --trace when the ruleset turned
 *     conntrack on (its commit does, as Linux loads it for the rules that
 *     need it).  A TCP connection's state before the packet is the one
 *     the hook saw last, kept by connection id.
 *   - The table at the end is listed sorted by id (creation), not in the
 *     table's hash order as Linux lists it, so that a replay prints the
 *     same every time.
 *   - Without a topology, the capture is taken as seen by a host with one
 *     interface eth0: its address is the one in most packets, its MAC the
 *     one those packets are sent to, its network a /24 with a default route
 *     on eth0, and the MACs of its peers as the capture shows them.  This
 *     is said on stderr with how to say otherwise.
 *
 * Thread-safety: a single-threaded process.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conntrack/ct-format.h"
#include "nfu/capture.h"
#include "nfu/nfu.h"
#include "replay-queue.h"
#include "xtables/lang.h"

#define PROG "nfu replay"
#define MAX_INPUTS 64
#define MAX_DEVS 256
#define MAX_AT 64

struct input {
	const char *iface;      /* as given; "any": per packet */
	const char *path;
	int ifindex;            /* 0 for "any" */
	struct nfu_cap_reader *r;
	struct nfu_cap_pkt p;
	bool have;              /* p holds the next packet */
	uint64_t count;         /* packets (first pass) */
};

struct replay {
	struct nfu_net *net;
	struct input in[MAX_INPUTS];
	unsigned int nin;
	/* options */
	const char *rules_path, *topo_path, *outdir, *log_path, *ct_path;
	bool trace, counters, responder, responder_set, arp, conntrack;
	FILE *log;
	/* outputs */
	struct nfu_cap_writer *out[MAX_DEVS]; /* by ifindex */
	struct nfu_cap_writer *local;
	int werr;
	/* the packet being replayed */
	uint64_t t0, now, seq, total;
	bool delivered_now;
	/* per packet in flight (the replayed one, those the host makes on
	 * its way): the last rule or policy that matched it */
	struct {
		const struct nfu_pkt *pkt;
		char text[480];
	} decision[8];
	unsigned int ndecisions;
	/* summary */
	uint64_t npkts, nlocal_out, nnot_ipv4, ncopies, ndelivered, nsent,
		ngenerated, nforwarded, nheld, nqueued, nbad_link, ntruncated, narp;
	bool warned_mac[MAX_DEVS];
	bool progress;
	uint64_t progress_next;
	/* --trace with conntrack: the hooks, and each TCP connection's state
	 * as last seen (by id; CT_UNSEEN before its first packet) */
	struct nfu_hook_ops ct_ops[2];
	uint8_t *tcp_seen;
	uint64_t ntcp_seen;
	/* --trace with NAT: around each NAT hook, the packet's addresses
	 * before (by hook) and a line when they changed */
	struct nfu_hook_ops nat_ops[8];
	char nat_before[NFU_INET_NUMHOOKS][64];
	/* --queue-exec, --queue-socket */
	struct replay_queue q;
	/* --at SECONDS COMMAND, in time order; the next one due */
	struct {
		uint64_t ns;        /* after the first packet */
		const char *cmd;
	} at[MAX_AT];
	unsigned int nat, at_next;
};

#define CT_UNSEEN 0xff

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"Usage: nfu replay -r RULES [-t TOPOLOGY] -i IFACE=CAPTURE [-i IFACE=CAPTURE ...]\n"
		"                  [-o DIR] [-c] [--trace] [--log FILE] [--responder on|off] [--arp]\n"
		"                  [--conntrack] [--conntrack-state FILE]\n"
		"                  [--queue-exec CMD | --queue-socket PATH] [--queue-timeout SECONDS]\n"
		"                  [--queue-idle MS] [--at SECONDS COMMAND ...]\n"
		"       nfu replay -r RULES CAPTURE\n"
		"\n"
		"  -r RULES         the ruleset, iptables-save text\n"
		"  -t TOPOLOGY      the host: devices, addresses, routes, sysctls (nfu-topology(5))\n"
		"  -i IFACE=CAPTURE packets that arrived on IFACE (pcap or pcapng); IFACE `any':\n"
		"                   each packet's own interface (pcapng if_name, SLL2 ifindex)\n"
		"  -o DIR           DIR/IFACE.pcap: what left each interface; DIR/local.pcap:\n"
		"                   what was delivered to the host\n"
		"  -c               print the ruleset with its counters at the end (iptables-save -c)\n"
		"  --trace          tell, packet by packet, the rules that matched and the outcome\n"
		"  --log FILE       where LOG lines go (default: stderr)\n"
		"  --responder on|off  let the host answer what is delivered to it as Linux\n"
		"                   does with no sockets (echo replies, resets, port unreachable);\n"
		"                   default on with -t, off without (the capture then holds the\n"
		"                   host's own answers)\n"
		"  --arp            give ARP frames to the host too (it answers and learns\n"
		"                   neighbours as Linux does); default: passed over\n"
		"  --conntrack      print the connection tracking table at the end (as\n"
		"                   conntrack -L, sorted by creation); with -o, DIR/conntrack\n"
		"  --conntrack-state FILE  write that table to FILE for nfu conntrack\n"
		"  --queue-exec CMD start the queue handler CMD (sh -c, with NFU_QUEUE_SOCKET\n"
		"                   set), wait until it has bound the ruleset's queues, replay,\n"
		"                   end it\n"
		"  --queue-socket PATH  serve the queues on PATH, for handlers started by you\n"
		"  --queue-timeout SECONDS  how long a queued packet may wait for its verdict\n"
		"                   (and handlers to bind); then its queue's fail-open or drop\n"
		"                   (default 10)\n"
		"  --at SECONDS COMMAND  run the topology line COMMAND (ip addr del ..., ip link\n"
		"                   set DEV down, ...) on the host SECONDS after the first packet,\n"
		"                   before the packets of that time (nfu-topology(5))\n"
		"  --queue-idle MS  let the next packet in while verdicts are pending, once the\n"
		"                   handlers have sent nothing for MS milliseconds (handlers that\n"
		"                   hold packets, batch verdicts); default: every verdict first\n"
		"See nfu-replay(8).\n");
	return rc;
}

/*
 * Decoding a packet into one line of text, for the trace.
 */

static const char *icmp_name(uint8_t type, uint8_t code)
{
	static const char *const unreach[16] = {
		"net-unreachable", "host-unreachable", "protocol-unreachable",
		"port-unreachable", "fragmentation-needed", "source-route-failed",
		"network-unknown", "host-unknown", NULL, "network-prohibited",
		"host-prohibited", "TOS-network-unreachable",
		"TOS-host-unreachable", "communication-prohibited",
		"host-precedence-violation", "precedence-cutoff",
	};

	switch (type) {
	case 0: return "echo-reply";
	case 3: return code < 16 && unreach[code] ? unreach[code] : "destination-unreachable";
	case 4: return "source-quench";
	case 5: return "redirect";
	case 8: return "echo-request";
	case 11: return code ? "ttl-zero-during-reassembly" : "ttl-zero-during-transit";
	case 12: return "parameter-problem";
	case 13: return "timestamp-request";
	case 14: return "timestamp-reply";
	default: return NULL;
	}
}

static void ip_text(uint32_t be, char *buf, size_t len)
{
	const uint8_t *b = (const uint8_t *)&be;

	snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* "TCP 10.0.0.1:40000 > 10.0.0.2:80 [S] len 60" and the like. */
static void describe(const uint8_t *ip, size_t len, char *buf, size_t size)
{
	char s[16], d[16], extra[96] = "";
	unsigned int hl, tot, proto, off;
	uint32_t sa, da;
	const uint8_t *l4;
	size_t l4len;

	if (len < 20 || ip[0] >> 4 != 4) {
		snprintf(buf, size, "not IPv4 (%zu bytes)", len);
		return;
	}
	hl = (ip[0] & 15u) * 4;
	tot = (unsigned int)ip[2] << 8 | ip[3];
	proto = ip[9];
	off = ((unsigned int)ip[6] << 8 | ip[7]) & 0x1fff;
	memcpy(&sa, ip + 12, 4); /* unaligned behind Ethernet */
	memcpy(&da, ip + 16, 4);
	ip_text(sa, s, sizeof(s));
	ip_text(da, d, sizeof(d));
	if (hl < 20 || hl > len) {
		snprintf(buf, size, "IP %s > %s bad header length %u len %u", s,
			 d, hl, tot);
		return;
	}
	l4 = ip + hl;
	l4len = len - hl;
	if (off) {
		snprintf(buf, size, "IP %s > %s proto %u fragment offset %u%s len %u",
			 s, d, proto, off * 8, ip[6] & 0x20 ? " MF" : "", tot);
		return;
	}
	if (ip[6] & 0x20)
		snprintf(extra, sizeof(extra), " first fragment");
	switch (proto) {
	case 6:
		if (l4len >= 14) {
			static const char fl[] = "FSRPAUEC";
			char flags[9];
			unsigned int n = 0;

			for (unsigned int i = 0; i < 8; i++)
				if (l4[13] & (1u << i))
					flags[n++] = fl[i];
			flags[n] = 0;
			snprintf(buf, size, "TCP %s:%u > %s:%u [%s]%s len %u", s,
				 (unsigned int)l4[0] << 8 | l4[1], d,
				 (unsigned int)l4[2] << 8 | l4[3],
				 n ? flags : ".", extra, tot);
			return;
		}
		break;
	case 17:
		if (l4len >= 4) {
			snprintf(buf, size, "UDP %s:%u > %s:%u%s len %u", s,
				 (unsigned int)l4[0] << 8 | l4[1], d,
				 (unsigned int)l4[2] << 8 | l4[3], extra, tot);
			return;
		}
		break;
	case 1:
		if (l4len >= 2) {
			const char *n = icmp_name(l4[0], l4[1]);

			if (n)
				snprintf(buf, size, "ICMP %s > %s %s%s len %u", s,
					 d, n, extra, tot);
			else
				snprintf(buf, size, "ICMP %s > %s type %u code %u%s len %u",
					 s, d, l4[0], l4[1], extra, tot);
			return;
		}
		break;
	default:
		break;
	}
	snprintf(buf, size, "IP %s > %s proto %u%s len %u", s, d, proto, extra,
		 tot);
}

static double rel_time(const struct replay *rp)
{
	return (double)(rp->now - rp->t0) / 1e9;
}

/*
 * The stack's callbacks.
 */

static void on_xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		    size_t len, const struct nfu_pkt *pkt)
{
	struct replay *rp = priv;
	int rc;

	if (pkt && pkt->local_out) {
		rp->ngenerated++;
	} else {
		rp->nforwarded++;
	}
	if (rp->trace) {
		char d[200];
		const uint8_t *ip = frame + 14;
		size_t iplen = len > 14 ? len - 14 : 0;

		if (len >= 14 && frame[12] == 0x08 && frame[13] == 0x06) {
			snprintf(d, sizeof(d), "ARP (%zu bytes)", len);
		} else {
			describe(ip, iplen, d, sizeof(d));
		}
		printf("  = %s out %s: %s\n",
		       pkt && pkt->local_out ? "sent by the host" : "forwarded",
		       dev->name, d);
	}
	if (rp->outdir && dev->ifindex > 0 && dev->ifindex < MAX_DEVS &&
	    rp->out[dev->ifindex]) {
		rc = nfu_cap_write(rp->out[dev->ifindex], rp->now, frame,
				   (uint32_t)len);
		if (rc && !rp->werr)
			rp->werr = rc;
	}
}

static int on_deliver(void *priv, struct nfu_pkt *pkt)
{
	struct replay *rp = priv;
	const uint8_t *ip = nfu_pkt_network_header(pkt);
	size_t len = ip >= pkt->data && ip <= pkt->data + pkt->len ?
			     pkt->len - (size_t)(ip - pkt->data) : 0;

	rp->ndelivered++;
	rp->delivered_now = true;
	if (rp->trace) {
		char d[200];

		describe(ip, len, d, sizeof(d));
		printf("  = delivered to the host: %s\n", d);
	}
	if (rp->local) {
		int rc = nfu_cap_write(rp->local, rp->now, ip, (uint32_t)len);

		if (rc && !rp->werr)
			rp->werr = rc;
	}
	if (rp->responder)
		return 0;
	nfu_pkt_free(pkt);
	return 1;
}

/* The decision slot of 'pkt' (a new one when 'make'), or NULL. */
static char *decision_of(struct replay *rp, const struct nfu_pkt *pkt,
			 bool make)
{
	unsigned int i;

	for (i = 0; i < rp->ndecisions; i++)
		if (rp->decision[i].pkt == pkt)
			return rp->decision[i].text;
	if (!make)
		return NULL;
	if (rp->ndecisions == sizeof(rp->decision) / sizeof(rp->decision[0]))
		i = rp->ndecisions - 1; /* deep nesting: reuse the last */
	else
		i = rp->ndecisions++;
	rp->decision[i].pkt = pkt;
	return rp->decision[i].text;
}

static void on_dropped(void *priv, const struct nfu_pkt *pkt,
		       enum nfu_drop_reason reason)
{
	struct replay *rp = priv;
	const char *d = decision_of(rp, pkt, false);

	if (!rp->trace)
		return;
	if (rp->q.drop_said) {
		rp->q.drop_said = false; /* the timeout's line said it */
	} else if (pkt && pkt == rp->q.dropped_pkt) {
		rp->q.dropped_pkt = NULL;
		printf("  = dropped%s by the queue handler's verdict\n",
		       pkt->local_out ? " (a packet of the host)" : "");
	} else if (reason == NFU_DROP_NETFILTER && d)
		printf("  = dropped%s by %s\n",
		       pkt && pkt->local_out ? " (a packet of the host)" : "", d);
	else if (reason == NFU_DROP_QUEUE)
		printf("  = dropped: no queue handler took it (none bound, or"
		       " not copying)\n");
	else if (reason == NFU_DROP_NO_RESPONDER)
		printf("  = (the host has no socket for it)\n");
	else if (reason == NFU_DROP_ICMP_RATELIMIT ||
		 reason == NFU_DROP_ICMP_IGNORED)
		printf("  = no answer from the host (%s)\n",
		       nfu_drop_reason_name(reason));
	else
		printf("  = dropped%s: %s\n",
		       pkt && pkt->local_out ? " (a packet of the host)" : "",
		       nfu_drop_reason_name(reason));
}

static void on_log(void *priv, int level, const char *line)
{
	struct replay *rp = priv;
	(void)level;

	/* dmesg's form, with the capture's clock */
	fprintf(rp->log, "[%" PRIu64 ".%06" PRIu64 "] %s\n",
		rp->now / 1000000000u, rp->now % 1000000000u / 1000u, line);
	if (rp->trace)
		printf("  log: %s\n", line);
}

static void on_trace(void *priv, const struct nfu_pkt *pkt, const char *table,
		     const struct nfu_xt_chain *chain, unsigned int rulenum,
		     const struct nfu_xt_rule *rule)
{
	struct replay *rp = priv;
	struct nfu_strbuf sb;

	if (!rule) {
		const char *pol = chain->policy == NFU_XT_STD_DROP ? "DROP" : "ACCEPT";

		printf("  %s:%s policy %s\n", table, chain->name, pol);
		snprintf(decision_of(rp, pkt, true), sizeof(rp->decision[0].text),
			 "the policy of %s:%s", table, chain->name);
		return;
	}
	nfu_sb_init(&sb);
	nfu_xt_save_rule(rule, &sb);
	printf("  %s:%s:%u -A %s%s\n", table, chain->name, rulenum, chain->name,
	       sb.s ? sb.s : "");
	snprintf(decision_of(rp, pkt, true), sizeof(rp->decision[0].text),
		 "%s:%s:%u (-A %s%s)", table, chain->name, rulenum, chain->name,
		 sb.s ? sb.s : "");
	nfu_sb_free(&sb);
}

/*
 * Connection tracking.
 */

static const char *ctinfo_text(const struct nfu_pkt *pkt)
{
	if (!pkt->ct)
		return pkt->ctinfo == NFU_CT_UNTRACKED ? "UNTRACKED" : "INVALID";
	switch (pkt->ctinfo) {
	case NFU_CT_NEW: return "NEW";
	case NFU_CT_ESTABLISHED: return "ESTABLISHED";
	case NFU_CT_RELATED: return "RELATED";
	case NFU_CT_ESTABLISHED_REPLY: return "ESTABLISHED reply";
	case NFU_CT_RELATED_REPLY: return "RELATED reply";
	default: return "?";
	}
}

/* The TCP state 'ct' had when this hook last saw it (CT_UNSEEN: never),
 * now 'st'. */
static uint8_t tcp_seen_swap(struct replay *rp, const struct nfu_ct *ct,
			     uint8_t st)
{
	uint8_t old;

	if (ct->id >= rp->ntcp_seen) {
		uint64_t n = rp->ntcp_seen ? rp->ntcp_seen : 1024;
		uint8_t *v;

		while (n <= ct->id)
			n *= 2;
		v = realloc(rp->tcp_seen, n);
		if (!v)
			return CT_UNSEEN; /* the arrow is lost, nothing else */
		memset(v + rp->ntcp_seen, CT_UNSEEN, n - rp->ntcp_seen);
		rp->tcp_seen = v;
		rp->ntcp_seen = n;
	}
	old = rp->tcp_seen[ct->id];
	rp->tcp_seen[ct->id] = st;
	return old;
}

/* --trace: "  ct: ESTABLISHED reply tcp SYN_SENT -> SYN_RECV". */
static unsigned int on_ct(void *priv, struct nfu_pkt *pkt,
			  const struct nfu_hook_state *state)
{
	struct replay *rp = priv;
	const struct nfu_ct *ct = pkt->ct;
	uint8_t proto;
	(void)state;

	if (!ct) {
		printf("  ct: %s\n", ctinfo_text(pkt));
		return NFU_ACCEPT;
	}
	proto = ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.proto;
	if (proto == 6 && ct->l4->print_state) {
		uint8_t st = ct->proto.tcp.state, old = tcp_seen_swap(rp, ct, st);
		const char *now = nfu_ct_tcp_state_name(st);

		if (old != CT_UNSEEN && old != st && nfu_ct_tcp_state_name(old))
			printf("  ct: %s tcp %s -> %s\n", ctinfo_text(pkt),
			       nfu_ct_tcp_state_name(old), now ? now : "?");
		else
			printf("  ct: %s tcp %s\n", ctinfo_text(pkt), now ? now : "?");
		return NFU_ACCEPT;
	}
	printf("  ct: %s %s\n", ctinfo_text(pkt), nfu_ct_proto_name(proto));
	return NFU_ACCEPT;
}

static bool ct_enabled(const struct replay *rp)
{
	const struct nfu_ct_net *cn = rp->net->ct;

	return cn && cn->enabled;
}

static int ct_trace_register(struct replay *rp)
{
	static const uint8_t hooks[2] = { NFU_INET_PRE_ROUTING, NFU_INET_LOCAL_OUT };

	for (int i = 0; i < 2; i++) {
		rp->ct_ops[i] = (struct nfu_hook_ops){
			.hook = on_ct,
			.priv = rp,
			.pf = NFU_PROTO_IPV4,
			.hooknum = hooks[i],
			.priority = NFU_IP_PRI_CONNTRACK + 1,
		};
		if (nfu_hook_register(rp->net, &rp->ct_ops[i]))
			return -1;
	}
	return 0;
}

/* "10.1.0.10:40001 > 10.50.0.80:443" (TCP, UDP), "10.1.0.10 > 10.50.0.99
 * id 9" (ICMP queries), the addresses alone otherwise. */
static void nat_addr_text(const struct nfu_pkt *pkt, char *buf, size_t len)
{
	const unsigned char *ip = nfu_pkt_network_header(pkt);
	size_t iplen = pkt->len - (size_t)(ip - pkt->data);
	unsigned int hl = (ip[0] & 15u) * 4;
	const unsigned char *l4 = ip + hl;
	char s[16], d[16];

	snprintf(s, sizeof(s), "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
	snprintf(d, sizeof(d), "%u.%u.%u.%u", ip[16], ip[17], ip[18], ip[19]);
	if ((ip[9] == 6 || ip[9] == 17) && iplen >= hl + 4)
		snprintf(buf, len, "%s:%u > %s:%u", s, l4[0] << 8 | l4[1], d,
			 l4[2] << 8 | l4[3]);
	else if (ip[9] == 1 && iplen >= hl + 8 &&
		 (l4[0] == 0 || l4[0] == 8 || (l4[0] >= 13 && l4[0] <= 18)))
		snprintf(buf, len, "%s > %s id %u", s, d, l4[4] << 8 | l4[5]);
	else
		snprintf(buf, len, "%s > %s", s, d);
}

static unsigned int on_nat_before(void *priv, struct nfu_pkt *pkt,
				  const struct nfu_hook_state *state)
{
	struct replay *rp = priv;

	nat_addr_text(pkt, rp->nat_before[state->hook], sizeof(rp->nat_before[0]));
	return NFU_ACCEPT;
}

/* --trace: "  nat: SNAT 10.1.0.10:40001 > … -> 10.200.0.2:40001 > …". */
static unsigned int on_nat_after(void *priv, struct nfu_pkt *pkt,
				 const struct nfu_hook_state *state)
{
	struct replay *rp = priv;
	char now[64];
	bool src = state->hook == NFU_INET_POST_ROUTING ||
		   state->hook == NFU_INET_LOCAL_IN;

	nat_addr_text(pkt, now, sizeof(now));
	if (strcmp(now, rp->nat_before[state->hook]))
		printf("  nat: %s %s -> %s\n", src ? "SNAT" : "DNAT",
		       rp->nat_before[state->hook], now);
	return NFU_ACCEPT;
}

static int nat_trace_register(struct replay *rp)
{
	static const struct {
		uint8_t hook;
		int32_t prio;
	} at[4] = {
		{ NFU_INET_PRE_ROUTING, NFU_IP_PRI_NAT_DST },
		{ NFU_INET_LOCAL_OUT, NFU_IP_PRI_NAT_DST },
		{ NFU_INET_POST_ROUTING, NFU_IP_PRI_NAT_SRC },
		{ NFU_INET_LOCAL_IN, NFU_IP_PRI_NAT_SRC },
	};

	for (int i = 0; i < 8; i++) {
		rp->nat_ops[i] = (struct nfu_hook_ops){
			.hook = i < 4 ? on_nat_before : on_nat_after,
			.priv = rp,
			.pf = NFU_PROTO_IPV4,
			.hooknum = at[i % 4].hook,
			.priority = at[i % 4].prio + (i < 4 ? -1 : 1),
		};
		if (nfu_hook_register(rp->net, &rp->nat_ops[i]))
			return -1;
	}
	return 0;
}

/* The table at the end, one conntrack -L line per connection ('flags':
 * NFU_CT_FMT_*), after 'header' when given.  0, or 1 after saying why. */
static int ct_table_text(struct replay *rp, unsigned int flags,
			 const char *header, struct nfu_strbuf *sb)
{
	struct nfu_ct **v = NULL;
	size_t n = 0;
	char line[512];

	if (header)
		nfu_sb_puts(sb, header);
	if (ct_enabled(rp) && nfu_ct_list(rp->net->ct, &v, &n)) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		nfu_ct_format_flags(v[i], flags, line, sizeof(line));
		nfu_sb_printf(sb, "%s\n", line);
	}
	free(v);
	if (sb->oom) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	return 0;
}

/* The expectations at the end, as conntrack -L expect prints them, after
 * a comment line (none when there are none).  0, or 1 after saying why. */
static int ct_expect_text(struct replay *rp, struct nfu_strbuf *sb)
{
	struct nfu_ct_exp_entry *v = NULL;
	size_t n = 0;
	char line[512];

	if (!ct_enabled(rp))
		return 0;
	if (nfu_ct_exp_list(rp->net->ct, &v, &n)) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	if (n)
		nfu_sb_puts(sb, "# expectations, as conntrack -L expect prints them\n");
	for (size_t i = 0; i < n; i++) {
		nfu_ct_exp_entry_format(&v[i], line, sizeof(line));
		nfu_sb_printf(sb, "%s\n", line);
	}
	free(v);
	if (sb->oom) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	return 0;
}

/* The table in 'path', as nfu conntrack reads it (nfu-conntrack(8)). */
static int ct_table_write(struct replay *rp, const char *path)
{
	struct nfu_strbuf sb;
	char header[256];
	FILE *f;
	int ret = 1;

	snprintf(header, sizeof(header),
		 "# nfu conntrack table: the one at %+.6f s of the replay (nfu replay)\n"
		 "# each line as conntrack -L -o extended,id prints it; read it with\n"
		 "# nfu conntrack --conntrack-state FILE\n", rel_time(rp));
	nfu_sb_init(&sb);
	if (ct_table_text(rp, NFU_CT_FMT_EXTENDED | NFU_CT_FMT_ID, header, &sb) ||
	    ct_expect_text(rp, &sb))
		goto out;
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (fwrite(sb.s, 1, sb.len, f) != sb.len || fclose(f)) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno ? errno : EIO));
		goto out;
	}
	ret = 0;
out:
	nfu_sb_free(&sb);
	return ret;
}

/*
 * Inputs.
 */

static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n = 0;
	char *buf = NULL;

	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (n + 4096 + 1 > cap) {
			char *b;

			cap = cap ? cap * 2 : 65536;
			b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno ? -errno : -EIO;

		free(buf);
		fclose(f);
		return e;
	}
	fclose(f);
	buf[n] = 0;
	*text = buf;
	*len = n;
	return 0;
}

static int open_inputs(struct replay *rp)
{
	struct nfu_error err;
	char msg[1024];

	for (unsigned int i = 0; i < rp->nin; i++) {
		struct input *in = &rp->in[i];
		int rc;

		nfu_cap_close(in->r);
		in->r = NULL;
		in->have = false;
		rc = nfu_cap_open(in->path, &in->r, &err);
		if (rc) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, PROG ": %s\n", msg);
			return 1;
		}
	}
	return 0;
}

/* The input with the earliest next packet (ties: the first given), after
 * reading ahead where needed; NULL at the end of every input. */
static struct input *next_input(struct replay *rp, int *rc)
{
	struct input *best = NULL;
	struct nfu_error err;
	char msg[1024];

	*rc = 0;
	for (unsigned int i = 0; i < rp->nin; i++) {
		struct input *in = &rp->in[i];

		if (!in->have && in->r) {
			int n = nfu_cap_next(in->r, &in->p, &err);

			if (n < 0) {
				nfu_error_format(&err, msg, sizeof(msg));
				fprintf(stderr, PROG ": %s\n", msg);
				*rc = 1;
				return NULL;
			}
			if (n == 0) {
				nfu_cap_close(in->r);
				in->r = NULL;
				continue;
			}
			in->have = true;
		}
		if (in->have && (!best || in->p.ts_ns < best->p.ts_ns))
			best = in;
	}
	return best;
}

/*
 * Without a topology: the host as the capture shows it.
 */

struct addr_count {
	uint32_t addr;
	uint64_t n;
	uint8_t mac[6];         /* the MAC packets to it were sent to */
	bool has_mac;
	uint8_t peer_mac[6];    /* the MAC packets from it came from */
	bool has_peer_mac;
};

struct guess {
	struct addr_count *a;
	size_t n, cap;
};

static struct addr_count *guess_find(struct guess *g, uint32_t addr)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->a[i].addr == addr)
			return &g->a[i];
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct addr_count *a = realloc(g->a, cap * sizeof(*a));

		if (!a)
			return NULL;
		g->a = a;
		g->cap = cap;
	}
	memset(&g->a[g->n], 0, sizeof(g->a[0]));
	g->a[g->n].addr = addr;
	return &g->a[g->n++];
}

static void guess_add(struct guess *g, const struct nfu_cap_pkt *p)
{
	struct addr_count *s, *d;
	uint32_t sa, da;

	if (!p->l3 || p->ethertype != 0x0800 || p->l3_len < 20)
		return;
	memcpy(&sa, p->l3 + 12, 4);
	memcpy(&da, p->l3 + 16, 4);
	s = guess_find(g, sa);
	d = guess_find(g, da);
	if (!s || !d)
		return;
	s->n++;
	d->n++;
	if (p->src_mac && !s->has_peer_mac) {
		memcpy(s->peer_mac, p->src_mac, 6);
		s->has_peer_mac = true;
	}
	if (p->dst_mac && !(p->dst_mac[0] & 1) && !d->has_mac) {
		memcpy(d->mac, p->dst_mac, 6);
		d->has_mac = true;
	}
}

static bool usable_host(uint32_t be)
{
	uint32_t a = __builtin_bswap32(be);

	return a && (a >> 28) < 14 && (a >> 24) != 127 && a != 0xffffffffu;
}

static int guess_topology(struct replay *rp, struct guess *g)
{
	struct addr_count *host = NULL;
	struct nfu_error err;
	char line[160], a[16], msg[1024];
	struct nfu_strbuf t;
	uint64_t total = 0;
	int rc;

	for (size_t i = 0; i < g->n; i++) {
		if (!usable_host(g->a[i].addr))
			continue;
		if (!host || g->a[i].n > host->n ||
		    (g->a[i].n == host->n &&
		     __builtin_bswap32(g->a[i].addr) < __builtin_bswap32(host->addr)))
			host = &g->a[i];
	}
	for (size_t i = 0; i < g->n; i++)
		total += g->a[i].n;
	if (!host) {
		fprintf(stderr, PROG ": the capture holds no IPv4 packet to guess the"
				" host from; describe it with -t TOPOLOGY\n");
		return 1;
	}
	ip_text(host->addr, a, sizeof(a));
	nfu_sb_init(&t);
	if (host->has_mac)
		nfu_sb_printf(&t, "ip link set eth0 address %02x:%02x:%02x:%02x:%02x:%02x\n",
			      host->mac[0], host->mac[1], host->mac[2],
			      host->mac[3], host->mac[4], host->mac[5]);
	nfu_sb_printf(&t, "ip addr add %s/24 dev eth0\n", a);
	nfu_sb_printf(&t, "ip route add default dev eth0\n");
	for (size_t i = 0; i < g->n; i++) {
		char p[16];

		if (&g->a[i] == host || !g->a[i].has_peer_mac ||
		    !usable_host(g->a[i].addr) || (g->a[i].peer_mac[0] & 1))
			continue;
		ip_text(g->a[i].addr, p, sizeof(p));
		nfu_sb_printf(&t, "ip neigh add %s lladdr %02x:%02x:%02x:%02x:%02x:%02x dev eth0\n",
			      p, g->a[i].peer_mac[0], g->a[i].peer_mac[1],
			      g->a[i].peer_mac[2], g->a[i].peer_mac[3],
			      g->a[i].peer_mac[4], g->a[i].peer_mac[5]);
	}
	if (t.oom) {
		nfu_sb_free(&t);
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	rc = nfu_topology_load(rp->net, t.s, t.len, "<guessed topology>", &err);
	nfu_sb_free(&t);
	if (rc) {
		nfu_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, PROG ": %s\n", msg);
		return 1;
	}
	snprintf(line, sizeof(line), "%s/24", a);
	fprintf(stderr,
		PROG ": no topology (-t): taking the capture as seen by a host with one\n"
		"  interface eth0, address %s (in %" PRIu64 " of %" PRIu64 " packets)%s%s,\n"
		"  a default route on eth0, the responder off; say otherwise with\n"
		"  -t TOPOLOGY (nfu-topology(5)) and -i IFACE=CAPTURE.\n",
		line, host->n, total / 2, host->has_mac ? ", MAC " : "",
		host->has_mac ? "as the capture shows it" : "");
	return 0;
}

/*
 * Setting up.
 */

static int load_rules(struct replay *rp)
{
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_xt_restore_info info;
	struct nfu_error err;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!rs) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	rc = read_file(rp->rules_path, &text, &len);
	if (rc) {
		fprintf(stderr, PROG ": %s: %s\n", rp->rules_path, strerror(-rc));
		nfu_xt_ruleset_free(rs);
		return 1;
	}
	rc = nfu_xt_restore_info(rs, text, len,
				 NFU_XT_RESTORE_COUNTERS | NFU_XT_RESTORE_COUNTERS_OPTIONAL, NULL,
				 &info, &err);
	free(text);
	if (rc) {
		if (err.line)
			fprintf(stderr, PROG ": %s:%u: the ruleset is refused:\n%s",
				rp->rules_path, err.line, err.msg);
		else
			fprintf(stderr, PROG ": %s: the ruleset is refused:\n%s",
				rp->rules_path, err.msg[0] ? err.msg : strerror(-rc));
		nfu_xt_ruleset_free(rs);
		return 1;
	}
	rc = nfu_xt_commit(rp->net, rs, &err);
	if (rc) {
		fprintf(stderr, PROG ": %s: the kernel would refuse this ruleset: %s\n",
			rp->rules_path, err.msg[0] ? err.msg : strerror(-rc));
		nfu_xt_ruleset_free(rs);
		return 1;
	}
	return 0;
}

static int open_outputs(struct replay *rp)
{
	struct nfu_error err;
	char path[4096], msg[1024];
	unsigned int ndev = nfu_dev_count(rp->net);

	if (mkdir(rp->outdir, 0777) && errno != EEXIST) {
		fprintf(stderr, PROG ": %s: %s\n", rp->outdir, strerror(errno));
		return 1;
	}
	for (int i = 1; i < MAX_DEVS && ndev; i++) {
		struct nfu_dev *dev = nfu_dev_by_index(rp->net, i);

		if (!dev)
			continue;
		ndev--;
		snprintf(path, sizeof(path), "%s/%s.pcap", rp->outdir, dev->name);
		if (nfu_cap_writer_open(path, NFU_LINKTYPE_ETHERNET, &rp->out[i],
					&err)) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, PROG ": %s\n", msg);
			return 1;
		}
	}
	snprintf(path, sizeof(path), "%s/local.pcap", rp->outdir);
	if (nfu_cap_writer_open(path, NFU_LINKTYPE_RAW, &rp->local, &err)) {
		nfu_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, PROG ": %s\n", msg);
		return 1;
	}
	return 0;
}

static int close_outputs(struct replay *rp)
{
	struct nfu_error err;
	char msg[1024];
	int ret = 0;

	for (int i = 0; i < MAX_DEVS; i++) {
		if (rp->out[i] && nfu_cap_writer_close(rp->out[i], &err)) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, PROG ": %s\n", msg);
			ret = 1;
		}
		rp->out[i] = NULL;
	}
	if (rp->local && nfu_cap_writer_close(rp->local, &err)) {
		nfu_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, PROG ": %s\n", msg);
		ret = 1;
	}
	rp->local = NULL;
	return ret;
}

/* The device of packet 'p' read from 'in'; NULL after saying why. */
static struct nfu_dev *packet_dev(struct replay *rp, const struct input *in,
				  const struct nfu_cap_pkt *p)
{
	struct nfu_dev *dev = NULL;

	if (in->ifindex)
		return nfu_dev_by_index(rp->net, in->ifindex);
	if (p->iface_name)
		dev = nfu_dev_by_name(rp->net, p->iface_name);
	if (!dev && p->ifindex)
		dev = nfu_dev_by_index(rp->net, (int)p->ifindex);
	if (!dev)
		fprintf(stderr,
			PROG ": %s: packet %" PRIu64 ": no interface of the topology "
			"for it (%s%s%s, ifindex %u); give -i IFACE=%s instead of any\n",
			in->path, p->index, p->iface_name ? "if_name `" : "no if_name",
			p->iface_name ? p->iface_name : "", p->iface_name ? "'" : "",
			p->ifindex, in->path);
	return dev;
}

static void progress(struct replay *rp, bool last)
{
	int width = 40, done;

	if (!rp->progress || (!last && rp->seq < rp->progress_next))
		return;
	rp->progress_next = rp->seq + (rp->total / 200 > 1000 ? rp->total / 200 : 1000);
	done = rp->total ? (int)((double)rp->seq * width / (double)rp->total) : width;
	fprintf(stderr, "\r" PROG ": [%-*.*s] %" PRIu64 "/%" PRIu64 " packets%s",
		width, done, "========================================", rp->seq,
		rp->total, last ? "\n" : "");
}

/* One packet of the captures into the stack. */
static int replay_one(struct replay *rp, struct input *in)
{
	const struct nfu_cap_pkt *p = &in->p;
	struct nfu_dev *dev;
	struct nfu_stats before, after;
	uint32_t src;
	bool sent_by_host, local_src = false;
	int rc = 0;

	rp->seq++;
	if (p->ts_ns > rp->now)
		rp->now = p->ts_ns;
	nfu_net_set_time(rp->net, rp->now - rp->t0);
	rp->ndecisions = 0;
	rp->delivered_now = false;
	if (!p->l3) {
		rp->nbad_link++;
		if (rp->trace)
			printf("#%" PRIu64 " %+.6f %s: link type %u not understood: passed over\n",
			       rp->seq, rel_time(rp), in->path, p->linktype);
		return 0;
	}
	if (p->ethertype == 0x0806 && rp->arp &&
	    p->linktype == NFU_LINKTYPE_ETHERNET) {
		dev = packet_dev(rp, in, p);
		if (!dev)
			return -1;
		rp->narp++;
		if (rp->trace)
			printf("#%" PRIu64 " %+.6f %s in: ARP (%u bytes)\n", rp->seq,
			       rel_time(rp), dev->name, p->caplen);
		if (nfu_rx(rp->net, dev->ifindex, p->data, p->caplen)) {
			fprintf(stderr, PROG ": %s: packet %" PRIu64 ": out of memory\n",
				in->path, p->index);
			return -1;
		}
		return 0;
	}
	if (p->ethertype != 0x0800) {
		rp->nnot_ipv4++;
		if (rp->trace)
			printf("#%" PRIu64 " %+.6f ethertype 0x%04x: not IPv4, passed over\n",
			       rp->seq, rel_time(rp), p->ethertype);
		return 0;
	}
	dev = packet_dev(rp, in, p);
	if (!dev)
		return -1;
	if (p->l3_len >= 20) {
		memcpy(&src, p->l3 + 12, 4);
		local_src = src != 0 && nfu_addr_is_local(rp->net, src);
	}
	if (p->sll_pkttype != NFU_CAP_PKTTYPE_NONE) {
		/* SLL says which way it went */
		sent_by_host = p->sll_pkttype == 4;
	} else if (p->src_mac && p->dst_mac) {
		/* Ethernet: by the MACs; by the source address when neither
		 * is the interface's (its MAC in the topology is not the
		 * host's, then: said once below) */
		if (!memcmp(p->src_mac, dev->mac, 6))
			sent_by_host = true;
		else if (!memcmp(p->dst_mac, dev->mac, 6) || (p->dst_mac[0] & 1))
			sent_by_host = false;
		else
			sent_by_host = local_src;
	} else {
		sent_by_host = local_src;
	}
	if (sent_by_host && !local_src) {
		/* the host sent it for another source: a forwarded copy */
		rp->ncopies++;
		if (rp->trace) {
			char d[200];

			describe(p->l3, p->l3_len, d, sizeof(d));
			printf("#%" PRIu64 " %+.6f %s out: %s\n"
			       "  = sent by the host for another source: a forwarded"
			       " copy, made by the replay itself; passed over\n",
			       rp->seq, rel_time(rp), dev->name, d);
		}
		return 0;
	}
	if (p->dst_mac && !(p->dst_mac[0] & 1) &&
	    memcmp(p->dst_mac, dev->mac, 6) && (!p->src_mac ||
	    memcmp(p->src_mac, dev->mac, 6)) && dev->ifindex < MAX_DEVS &&
	    !rp->warned_mac[dev->ifindex]) {
		rp->warned_mac[dev->ifindex] = true;
		fprintf(stderr,
			PROG ": %s: packet %" PRIu64 " is sent to %02x:%02x:%02x:%02x:%02x:%02x,"
			" which is not %s's MAC %02x:%02x:%02x:%02x:%02x:%02x: Linux drops"
			" such frames (otherhost); if that MAC is the host's, say so in"
			" the topology: ip link set %s address ...\n",
			in->path, p->index, p->dst_mac[0], p->dst_mac[1],
			p->dst_mac[2], p->dst_mac[3], p->dst_mac[4], p->dst_mac[5],
			dev->name, dev->mac[0], dev->mac[1], dev->mac[2],
			dev->mac[3], dev->mac[4], dev->mac[5], dev->name);
	}
	rp->npkts++;
	if (p->caplen < p->origlen)
		rp->ntruncated++;
	if (rp->trace) {
		char d[200];

		describe(p->l3, p->l3_len, d, sizeof(d));
		printf("#%" PRIu64 " %+.6f %s %s: %s\n", rp->seq, rel_time(rp),
		       dev->name, sent_by_host ? "out (sent by the host)" : "in", d);
	}
	nfu_net_get_stats(rp->net, &before);
	if (sent_by_host) {
		rp->nlocal_out++;
		rc = nfu_send_ip(rp->net, p->l3, p->l3_len);
		if (rc && rp->trace)
			printf("  = not sent: %s\n", strerror(-rc));
		rc = 0;
	} else if (p->linktype == NFU_LINKTYPE_ETHERNET) {
		rc = nfu_rx(rp->net, dev->ifindex, p->data, p->caplen);
	} else {
		rc = nfu_rx_ip(rp->net, dev->ifindex, p->l3, p->l3_len);
	}
	if (rc) {
		fprintf(stderr, PROG ": %s: packet %" PRIu64 ": %s\n", in->path,
			p->index, strerror(-rc));
		return -1;
	}
	nfu_net_get_stats(rp->net, &after);
	if (after.reasm_reqds > before.reasm_reqds &&
	    after.reasm_oks == before.reasm_oks &&
	    after.dropped == before.dropped) {
		rp->nheld++;
		if (rp->trace)
			printf("  = held for reassembly\n");
	}
	if (after.queued > before.queued)
		rp->nqueued++;
	return 0;
}

static void summary(struct replay *rp)
{
	struct nfu_stats st;
	uint64_t drops = 0;

	nfu_net_get_stats(rp->net, &st);
	if (rp->narp)
		fprintf(stderr, PROG ": %" PRIu64 " ARP frames given to the host (--arp)\n",
			rp->narp);
	fprintf(stderr, PROG ": %" PRIu64 " packets replayed (%" PRIu64 " sent by the host)"
		", %" PRIu64 " delivered to the host, %" PRIu64 " forwarded, %" PRIu64
		" sent by the host in answer or on its own, %" PRIu64 " held for reassembly"
		" at the end, %" PRIu64 " queued to user space\n",
		rp->npkts, rp->nlocal_out, rp->ndelivered, rp->nforwarded,
		rp->ngenerated > rp->nlocal_out ? rp->ngenerated - rp->nlocal_out : 0,
		rp->nheld, rp->nqueued);
	for (int r = 1; r < NFU_DROP_MAX; r++)
		drops += nfu_net_drop_count(rp->net, (enum nfu_drop_reason)r);
	if (drops) {
		bool first = true;

		fprintf(stderr, PROG ": %" PRIu64 " dropped:", drops);
		for (int r = 1; r < NFU_DROP_MAX; r++) {
			uint64_t n = nfu_net_drop_count(rp->net, (enum nfu_drop_reason)r);

			if (!n)
				continue;
			fprintf(stderr, "%s %s %" PRIu64, first ? "" : ",",
				nfu_drop_reason_name((enum nfu_drop_reason)r), n);
			first = false;
		}
		fprintf(stderr, "\n");
	}
	if ((rp->conntrack || rp->ct_path) && !ct_enabled(rp)) {
		fprintf(stderr, PROG ": no rule of the ruleset needs connection"
			" tracking, so it was off (as in Linux): no connection table\n");
	} else if (rp->conntrack || rp->ct_path) {
		struct nfu_ct **v = NULL;
		size_t n = 0;

		if (!nfu_ct_list(rp->net->ct, &v, &n))
			fprintf(stderr, PROG ": %zu connections in the conntrack"
				" table at the end\n", n);
		free(v);
	}
	if (rp->ntruncated)
		fprintf(stderr, PROG ": %" PRIu64 " packets were cut short by the"
			" capture's snaplen: they were replayed as captured, not as"
			" Linux saw them (capture with -s 0)\n", rp->ntruncated);
	if (rp->nnot_ipv4 || rp->ncopies || rp->nbad_link)
		fprintf(stderr, PROG ": passed over: %" PRIu64 " not IPv4 (ARP, IPv6...),"
			" %" PRIu64 " forwarded copies the host sent, %" PRIu64
			" of a link type not understood\n",
			rp->nnot_ipv4, rp->ncopies, rp->nbad_link);
}

static int parse_args(struct replay *rp, int argc, char **argv)
{
	const char *positional = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return usage(stdout, 0) - 1; /* -1: exit 0 */
		if (!strcmp(a, "-c") || !strcmp(a, "--counters")) {
			rp->counters = true;
			continue;
		}
		if (!strcmp(a, "--trace")) {
			rp->trace = true;
			continue;
		}
		if (!strcmp(a, "--arp")) {
			rp->arp = true;
			continue;
		}
		if (!strcmp(a, "--conntrack")) {
			rp->conntrack = true;
			continue;
		}
		if (!strcmp(a, "--at")) {
			char *end;
			double t;
			unsigned int k;

			if (i + 2 >= argc) {
				fprintf(stderr, PROG ": --at takes SECONDS and a COMMAND\n");
				return 2;
			}
			errno = 0;
			t = strtod(argv[i + 1], &end);
			if (errno || end == argv[i + 1] || *end || !(t >= 0) ||
			    t > 1e9) {
				fprintf(stderr, PROG ": --at takes seconds after the first"
					" packet (0 or more), not `%s'\n", argv[i + 1]);
				return 2;
			}
			if (rp->nat == MAX_AT) {
				fprintf(stderr, PROG ": at most %d --at commands\n", MAX_AT);
				return 2;
			}
			/* in time order; equal times in the order given */
			for (k = rp->nat; k > 0 && rp->at[k - 1].ns >
					  (uint64_t)(t * 1e9 + 0.5); k--)
				rp->at[k] = rp->at[k - 1];
			rp->at[k].ns = (uint64_t)(t * 1e9 + 0.5);
			rp->at[k].cmd = argv[i + 2];
			rp->nat++;
			i += 2;
			continue;
		}
		if (!v && (!strcmp(a, "-r") || !strcmp(a, "--rules") ||
			   !strcmp(a, "-t") || !strcmp(a, "--topology") ||
			   !strcmp(a, "-o") || !strcmp(a, "--output") ||
			   !strcmp(a, "--log") || !strcmp(a, "--responder") ||
			   !strcmp(a, "--conntrack-state") ||
			   !strcmp(a, "--queue-exec") ||
			   !strcmp(a, "--queue-socket") ||
			   !strcmp(a, "--queue-timeout") ||
			   !strcmp(a, "--queue-idle") ||
			   !strcmp(a, "-i") || !strcmp(a, "--input"))) {
			fprintf(stderr, PROG ": option %s needs an argument\n", a);
			return 2;
		}
		if (!strcmp(a, "-r") || !strcmp(a, "--rules")) {
			rp->rules_path = v;
		} else if (!strcmp(a, "-t") || !strcmp(a, "--topology")) {
			rp->topo_path = v;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			rp->outdir = v;
		} else if (!strcmp(a, "--log")) {
			rp->log_path = v;
		} else if (!strcmp(a, "--conntrack-state")) {
			rp->ct_path = v;
		} else if (!strcmp(a, "--queue-exec")) {
			rp->q.exec = v;
		} else if (!strcmp(a, "--queue-socket")) {
			rp->q.socket = v;
		} else if (!strcmp(a, "--queue-idle")) {
			char *end;
			unsigned long ms;

			errno = 0;
			ms = strtoul(v, &end, 10);
			if (errno || end == v || *end || *v == '-' || ms == 0 ||
			    ms > 60000) {
				fprintf(stderr, PROG ": --queue-idle takes milliseconds"
					" (1 to 60000), not `%s'\n", v);
				return 2;
			}
			rp->q.idle = (double)ms / 1000;
		} else if (!strcmp(a, "--queue-timeout")) {
			char *end;

			errno = 0;
			rp->q.timeout = strtod(v, &end);
			if (errno || end == v || *end || !(rp->q.timeout > 0) ||
			    rp->q.timeout > 86400) {
				fprintf(stderr, PROG ": --queue-timeout takes seconds"
					" (above 0, at most 86400), not `%s'\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--responder")) {
			if (strcmp(v, "on") && strcmp(v, "off")) {
				fprintf(stderr, PROG ": --responder takes on or off, not `%s'\n", v);
				return 2;
			}
			rp->responder = !strcmp(v, "on");
			rp->responder_set = true;
		} else if (!strcmp(a, "-i") || !strcmp(a, "--input")) {
			const char *eq = strchr(v, '=');
			struct input *in;

			if (!eq || eq == v || !eq[1]) {
				fprintf(stderr, PROG ": -i takes IFACE=CAPTURE, not `%s'\n", v);
				return 2;
			}
			if (rp->nin == MAX_INPUTS) {
				fprintf(stderr, PROG ": at most %d inputs\n", MAX_INPUTS);
				return 2;
			}
			in = &rp->in[rp->nin++];
			in->iface = strndup(v, (size_t)(eq - v));
			in->path = eq + 1;
			if (!in->iface) {
				fprintf(stderr, PROG ": out of memory\n");
				return 1;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, PROG ": unknown option `%s'; try `nfu replay --help'\n", a);
			return 2;
		} else if (positional) {
			fprintf(stderr, PROG ": one capture without -i, not `%s' too;"
					" give several with -i IFACE=CAPTURE\n", a);
			return 2;
		} else {
			positional = a;
			continue;
		}
		i++;
	}
	if (!rp->rules_path) {
		fprintf(stderr, PROG ": no ruleset: give -r RULES\n");
		return 2;
	}
	if (positional && rp->nin) {
		fprintf(stderr, PROG ": a capture without -i (`%s') and -i together;"
				" give every capture with -i IFACE=CAPTURE\n", positional);
		return 2;
	}
	if (positional) {
		if (rp->topo_path) {
			fprintf(stderr, PROG ": with -t, say where `%s' was taken: -i IFACE=%s\n",
				positional, positional);
			return 2;
		}
		rp->in[0].iface = strdup("eth0");
		rp->in[0].path = positional;
		rp->nin = 1;
		if (!rp->in[0].iface)
			return 1;
	}
	if (!rp->nin) {
		fprintf(stderr, PROG ": no capture: give -i IFACE=CAPTURE or a capture file\n");
		return 2;
	}
	for (unsigned int i = 0; i < rp->nin; i++)
		if (!strcmp(rp->in[i].path, "-")) {
			fprintf(stderr, PROG ": captures are read twice: `-' (stdin) cannot be;"
					" give a file\n");
			return 2;
		}
	if (!rp->responder_set)
		rp->responder = rp->topo_path != NULL;
	if ((rp->q.timeout > 0 || rp->q.idle > 0) && !replay_queue_wanted(&rp->q)) {
		fprintf(stderr, PROG ": %s without --queue-exec or"
				" --queue-socket: there is no queue handler to wait for\n",
			rp->q.timeout > 0 ? "--queue-timeout" : "--queue-idle");
		return 2;
	}
	rp->q.trace = rp->trace;
	return 0;
}

/* The --at commands due at or before 'ts' (capture time; UINT64_MAX: the
 * rest), each at its own time.  0, or -1 after saying why. */
static int run_at(struct replay *rp, uint64_t ts)
{
	while (rp->at_next < rp->nat &&
	       (ts == UINT64_MAX || rp->t0 + rp->at[rp->at_next].ns <= ts)) {
		const char *cmd = rp->at[rp->at_next].cmd;
		uint64_t when = rp->t0 + rp->at[rp->at_next].ns;
		struct nfu_error err;
		char msg[1024];

		rp->at_next++;
		if (when > rp->now)
			rp->now = when;
		nfu_net_set_time(rp->net, rp->now - rp->t0);
		if (rp->trace)
			printf("@ %+.6f host: %s\n", rel_time(rp), cmd);
		if (nfu_topology_exec(rp->net, cmd, strlen(cmd), "--at",
				      rp->at_next, &err)) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, PROG ": --at %.6f `%s': %s\n",
				(double)rp->at[rp->at_next - 1].ns / 1e9, cmd, msg);
			return -1;
		}
	}
	return 0;
}

int cli_replay(int argc, char **argv)
{
	static struct replay rp;
	struct nfu_net_ops ops;
	struct nfu_error err;
	struct guess g = { 0 };
	char msg[1024];
	struct input *in;
	int ret = 1, rc;

	memset(&rp, 0, sizeof(rp));
	rc = parse_args(&rp, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	rp.log = stderr;
	rp.net = nfu_net_new();
	if (!rp.net) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	if (rp.topo_path) {
		if (nfu_topology_load_file(rp.net, rp.topo_path, &err)) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, PROG ": %s\n", msg);
			goto out;
		}
	}
	for (unsigned int i = 0; i < rp.nin; i++) {
		struct input *inp = &rp.in[i];
		struct nfu_dev *dev;

		if (!strcmp(inp->iface, "any") || (!rp.topo_path))
			continue;
		dev = nfu_dev_by_name(rp.net, inp->iface);
		if (!dev) {
			struct nfu_strbuf names;
			unsigned int n = nfu_dev_count(rp.net);

			nfu_sb_init(&names);
			for (int k = 1; n && k < 4096; k++) {
				struct nfu_dev *d = nfu_dev_by_index(rp.net, k);

				if (!d)
					continue;
				n--;
				nfu_sb_printf(&names, "%s%s", names.len ? ", " : "",
					      d->name);
			}
			fprintf(stderr, PROG ": -i %s=%s: the topology %s has no interface"
				" `%s' (it has %s)\n", inp->iface, inp->path,
				rp.topo_path, inp->iface, names.s ? names.s : "none");
			nfu_sb_free(&names);
			goto out;
		}
		inp->ifindex = dev->ifindex;
	}
	/* first pass: every file read to its end */
	if (open_inputs(&rp))
		goto out;
	while ((in = next_input(&rp, &rc))) {
		if (!rp.total)
			rp.t0 = in->p.ts_ns;
		rp.total++;
		in->count++;
		if (!rp.topo_path)
			guess_add(&g, &in->p);
		in->have = false;
	}
	if (rc)
		goto out;
	if (!rp.topo_path) {
		rc = guess_topology(&rp, &g);
		free(g.a);
		if (rc)
			goto out;
		for (unsigned int i = 0; i < rp.nin; i++) {
			struct nfu_dev *dev = nfu_dev_by_name(rp.net, rp.in[i].iface);

			if (!dev) {
				fprintf(stderr, PROG ": -i %s=%s: without a topology the"
					" host has only eth0\n", rp.in[i].iface,
					rp.in[i].path);
				goto out;
			}
			rp.in[i].ifindex = dev->ifindex;
		}
	}
	if (load_rules(&rp))
		goto out;
	if (rp.log_path) {
		rp.log = fopen(rp.log_path, "w");
		if (!rp.log) {
			fprintf(stderr, PROG ": %s: %s\n", rp.log_path, strerror(errno));
			rp.log = stderr;
			goto out;
		}
	}
	if (rp.outdir && open_outputs(&rp))
		goto out;
	memset(&ops, 0, sizeof(ops));
	ops.xmit = on_xmit;
	ops.deliver = on_deliver;
	ops.dropped = on_dropped;
	ops.log = on_log;
	ops.priv = &rp;
	nfu_net_set_ops(rp.net, &ops);
	if (rp.trace && nfu_xt_set_trace(rp.net, on_trace, &rp)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	if (rp.trace && ct_enabled(&rp) && ct_trace_register(&rp)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	if (rp.trace && ct_enabled(&rp) && rp.net->ct &&
	    ((struct nfu_ct_net *)rp.net->ct)->nat && nat_trace_register(&rp)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	rp.progress = isatty(2) && rp.total >= 100000;
	if (replay_queue_wanted(&rp.q)) {
		nfu_net_set_time(rp.net, 0);
		rp.q.t0 = rp.t0;
		rc = replay_queue_start(&rp.q, rp.net);
		if (rc) {
			ret = rc;
			goto out;
		}
	}
	/* second pass: the replay */
	if (open_inputs(&rp))
		goto out;
	rp.now = rp.t0;
	while ((in = next_input(&rp, &rc))) {
		if (run_at(&rp, in->p.ts_ns))
			goto out;
		if (replay_one(&rp, in))
			goto out;
		/* a queued packet keeps its place: its verdict before the
		 * next packet */
		if (replay_queue_settle(&rp.q, false))
			goto out;
		in->have = false;
		progress(&rp, false);
	}
	if (rc)
		goto out;
	progress(&rp, true);
	/* what handlers still hold, the commands after the last packet */
	if (replay_queue_settle(&rp.q, true) || run_at(&rp, UINT64_MAX))
		goto out;
	/* what is due after the last packet: reassembly timeouts */
	nfu_net_set_time(rp.net, rp.now - rp.t0);
	nfu_net_run_timers(rp.net);
	if (rp.werr) {
		fprintf(stderr, PROG ": %s: %s\n", rp.outdir, strerror(-rp.werr));
		goto out;
	}
	if (rp.outdir && close_outputs(&rp))
		goto out;
	if (rp.conntrack && rp.outdir) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/conntrack", rp.outdir);
		if (ct_table_write(&rp, path))
			goto out;
	}
	if (rp.ct_path && ct_table_write(&rp, rp.ct_path))
		goto out;
	if (rp.counters) {
		struct nfu_strbuf sb;

		nfu_sb_init(&sb);
		cli_save_text(nfu_xt_current(rp.net), NULL, true, &sb);
		if (sb.oom) {
			nfu_sb_free(&sb);
			fprintf(stderr, PROG ": out of memory\n");
			goto out;
		}
		fwrite(sb.s ? sb.s : "", 1, sb.len, stdout);
		nfu_sb_free(&sb);
	}
	if (rp.conntrack) {
		struct nfu_strbuf sb;

		nfu_sb_init(&sb);
		if (ct_table_text(&rp, 0, NULL, &sb)) {
			nfu_sb_free(&sb);
			goto out;
		}
		fwrite(sb.s ? sb.s : "", 1, sb.len, stdout);
		nfu_sb_free(&sb);
	}
	if (fflush(stdout)) {
		fprintf(stderr, PROG ": standard output: %s\n", strerror(errno));
		goto out;
	}
	summary(&rp);
	replay_queue_summary(&rp.q);
	ret = 0;
out:
	if (replay_queue_stop(&rp.q) && !ret)
		ret = 1;
	close_outputs(&rp);
	for (unsigned int i = 0; i < rp.nin; i++) {
		nfu_cap_close(rp.in[i].r);
		free((char *)rp.in[i].iface);
	}
	if (rp.log && rp.log != stderr)
		fclose(rp.log);
	if (rp.net)
		nfu_net_free(rp.net);
	free(rp.tcp_seen);
	return ret;
}
