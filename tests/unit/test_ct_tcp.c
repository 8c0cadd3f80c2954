/* SPDX-License-Identifier: MIT */
/*
 * The TCP tracker (lib/conntrack/proto_tcp.c) against Linux 6.18.
 *
 * Each scenario below is a list of TCP segments between A (10.0.0.2, port
 * 40000) and B (10.0.1.2, port 80) forwarded by the host of ipv4_scene.h,
 * with, after each, what Linux said:
 *   - the packet's ctinfo as the conntrack match saw it in the mangle
 *     PREROUTING chain: NEW, EST_O (ESTABLISHED, original direction),
 *     EST_R (ESTABLISHED, reply), INVALID (no connection), or "-" when it
 *     was dropped before;
 *   - the connections as conntrack -L showed them: state, timeout (the
 *     whole seconds left), ASSURED, UNREPLIED, and from=ADDR:PORT when the
 *     original direction is not A's; "-" when there is none.
 * A step reads as the observer took it:
 *   "A SA 5000 1001 win=1000 opt=020405b4 len=100 badsum doff=4 trunc=19"
 * the sender, its flags (F S R P A U E C; "-" for none), sequence and
 * acknowledgement numbers, then the window (64240 unless given), the TCP
 * options in hex, the length of the payload, a wrong checksum, a data
 * offset other than the header's length, and a TCP header cut to 'trunc'
 * bytes (the IP total length says so).  Lines "sysctl NAME VALUE" set
 * net.netfilter.NAME; "sleep SECS" lets time pass.
 *
 * How the expectations were recorded (the values are golden): three
 * network namespaces on Linux 6.18, A and B with veth peers into a router
 * namespace that had the addresses and neighbours of the scene and
 * forwarded between them, with six rules "iptables-legacy -t mangle -A
 * PREROUTING -p tcp -m conntrack --ctstate S [--ctdir D] -j TTL
 * --ttl-set N", one N per ctinfo.  A python3 script sent each segment as
 * a raw Ethernet frame with an AF_PACKET socket in A's or B's namespace,
 * read the ctinfo from the TTL of the copy forwarded to the other side
 * (none within 80 ms: "-"), then ran "conntrack -L -p tcp" in the router;
 * before each scenario it ran "conntrack -F" and set every
 * net.netfilter.nf_conntrack_tcp_* sysctl and nf_conntrack_checksum back
 * to their defaults.  Every scenario was run twice with the same result.
 * Here the stack's clock moves 10 ms after each segment, so a timeout just
 * set shows as Linux's did a few milliseconds later: one second less (as
 * conntrack -L rounds down).
 */
#include <stdlib.h>

#include "conntrack/ct-private.h"
#include "ipv4_scene.h"

#define PORT_A 40000
#define PORT_B 80
#define START_NS 1000000000000ull /* the clock at the start: 1000 s */
#define STEP_NS 10000000ull       /* 10 ms a segment */

struct step {
	const char *cmd;     /* a segment, "sysctl N V" or "sleep S" */
	const char *ctinfo;  /* NEW, EST_O, EST_R, INVALID, "-" */
	const char *entries; /* conntrack -L, as described above */
};

struct scenario {
	const char *name;
	const struct step *steps;
};

/* What the hook after conntrack saw of the last packet. */
static struct {
	bool seen;
	bool has_ct;
	uint32_t ctinfo;
} look_res;

static unsigned int look(void *priv, struct nfu_pkt *pkt,
			 const struct nfu_hook_state *state)
{
	(void)priv;
	(void)state;
	look_res.seen = true;
	look_res.has_ct = pkt->ct != NULL;
	look_res.ctinfo = pkt->ctinfo;
	return NFU_ACCEPT;
}

static struct nfu_hook_ops look_ops;
static uint64_t now_ns;

static struct nfu_ct_net *cn(void)
{
	return sc.net->ct;
}

static bool tcp_scene(void)
{
	if (!scene_up("sysctl -w net.ipv4.ip_forward=1\n"))
		return false;
	look_ops = (struct nfu_hook_ops){ .hook = look, .pf = NFU_PROTO_IPV4,
		.hooknum = NFU_INET_PRE_ROUTING, .priority = NFU_IP_PRI_FILTER };
	if (nfu_hook_register(sc.net, &look_ops) || nfu_ct_enable(sc.net)) {
		HARNESS_FAIL("hooks");
		return false;
	}
	now_ns = START_NS;
	nfu_net_set_time(sc.net, now_ns);
	return true;
}

static void advance(uint64_t ns)
{
	now_ns += ns;
	nfu_net_set_time(sc.net, now_ns);
}

/* "sysctl NAME VALUE": net.netfilter.NAME of the conntrack state. */
static bool set_sysctl(const char *arg)
{
	static const struct {
		const char *name;
		int state;
	} timeouts[] = {
		{ "syn_sent", NFU_CT_TCP_SYN_SENT },
		{ "syn_recv", NFU_CT_TCP_SYN_RECV },
		{ "established", NFU_CT_TCP_ESTABLISHED },
		{ "fin_wait", NFU_CT_TCP_FIN_WAIT },
		{ "close_wait", NFU_CT_TCP_CLOSE_WAIT },
		{ "last_ack", NFU_CT_TCP_LAST_ACK },
		{ "time_wait", NFU_CT_TCP_TIME_WAIT },
		{ "close", NFU_CT_TCP_CLOSE },
		{ "max_retrans", NFU_CT_TCP_RETRANS },
		{ "unacknowledged", NFU_CT_TCP_UNACK },
	};
	struct nfu_ct_sysctl *s = &cn()->sysctl;
	char name[64];
	unsigned long v;
	const char *t;

	if (sscanf(arg, "%63s %lu", name, &v) != 2)
		return false;
	if (!strcmp(name, "nf_conntrack_tcp_loose"))
		s->tcp_loose = (uint8_t)v;
	else if (!strcmp(name, "nf_conntrack_tcp_be_liberal"))
		s->tcp_be_liberal = (uint8_t)v;
	else if (!strcmp(name, "nf_conntrack_tcp_ignore_invalid_rst"))
		s->tcp_ignore_invalid_rst = (uint8_t)v;
	else if (!strcmp(name, "nf_conntrack_tcp_max_retrans"))
		s->tcp_max_retrans = (uint8_t)v;
	else if (!strcmp(name, "nf_conntrack_checksum"))
		s->checksum = (uint8_t)v;
	else if (!strncmp(name, "nf_conntrack_tcp_timeout_", 25)) {
		t = name + 25;
		for (size_t i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++)
			if (!strcmp(t, timeouts[i].name)) {
				s->tcp_timeouts[timeouts[i].state] = (uint32_t)v;
				return true;
			}
		return false;
	} else
		return false;
	return true;
}

static unsigned int hexval(char c)
{
	return c <= '9' ? (unsigned int)(c - '0') : (unsigned int)(c - 'a' + 10);
}

/* The IP packet of segment 'cmd' into 'b' (room for 1600 bytes); the
 * interface it arrives on into '*ifx'.  0: the command is malformed. */
static size_t build_segment(uint8_t *b, const char *cmd, int *ifx)
{
	char copy[256], *save = NULL, *w;
	char side, flags[16];
	unsigned long seq, ack;
	unsigned int win = 64240, dlen = 0, optlen = 0, hl, tcplen;
	int doff = -1, trunc = -1;
	bool badsum = false;
	uint8_t opt[40], *t = b + 20, f = 0;
	unsigned int sum;

	snprintf(copy, sizeof(copy), "%s", cmd);
	if (sscanf(copy, "%c %15s %lu %lu", &side, flags, &seq, &ack) != 4)
		return 0;
	w = strtok_r(copy, " ", &save);
	for (int i = 0; i < 3 && w; i++)
		w = strtok_r(NULL, " ", &save);
	while ((w = strtok_r(NULL, " ", &save))) {
		if (!strcmp(w, "badsum"))
			badsum = true;
		else if (!strncmp(w, "win=", 4))
			win = (unsigned int)strtoul(w + 4, NULL, 0);
		else if (!strncmp(w, "len=", 4))
			dlen = (unsigned int)strtoul(w + 4, NULL, 0);
		else if (!strncmp(w, "doff=", 5))
			doff = (int)strtol(w + 5, NULL, 0);
		else if (!strncmp(w, "trunc=", 6))
			trunc = (int)strtol(w + 6, NULL, 0);
		else if (!strncmp(w, "opt=", 4)) {
			for (const char *h = w + 4; h[0] && h[1] && optlen < 40; h += 2)
				opt[optlen++] = (uint8_t)(hexval(h[0]) << 4 | hexval(h[1]));
		} else
			return 0;
	}
	for (const char *c = flags; *c; c++) {
		const char *all = "FSRPAUEC", *p = strchr(all, *c);

		if (*c != '-' && !p)
			return 0;
		if (p)
			f |= (uint8_t)(1u << (p - all));
	}
	hl = 20 + optlen;
	wr16(t, side == 'A' ? PORT_A : PORT_B);
	wr16(t + 2, side == 'A' ? PORT_B : PORT_A);
	wr32(t + 4, (uint32_t)seq);
	wr32(t + 8, (uint32_t)ack);
	t[12] = (uint8_t)((doff >= 0 ? (unsigned int)doff : hl / 4) << 4);
	t[13] = f;
	wr16(t + 14, win);
	wr16(t + 16, 0);
	wr16(t + 18, 0);
	memcpy(t + 20, opt, optlen);
	for (unsigned int i = 0; i < dlen; i++)
		t[hl + i] = (uint8_t)(i * 7 + 5);
	tcplen = hl + dlen;
	if (trunc >= 0 && (unsigned int)trunc < tcplen)
		tcplen = (unsigned int)trunc;
	build_ip(b, side == 'A' ? IP_A : IP_B, side == 'A' ? IP_B : IP_A, 6,
		 tcplen);
	if (tcplen >= 18) {
		sum = ~word_sum(t, tcplen, pseudo_sum(b, tcplen)) & 0xffff;
		wr16(t + 16, badsum ? sum ^ 0x5555 : sum);
	}
	*ifx = side == 'A' ? E0 : E1;
	return 20 + tcplen;
}

/* conntrack -L of the stack, as the scenarios write it. */
struct listing {
	char item[8][96];
	unsigned int n;
};

static void list_one(struct nfu_ct *ct, void *priv)
{
	struct listing *l = priv;
	const struct nfu_ct_tuple *o = &ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple;
	char state[32] = "", *s = l->item[l->n];
	size_t n;

	if (l->n >= 8 || (int64_t)(ct->timeout - now_ns) <= 0)
		return; /* conntrack -L skips the expired ones */
	ct->l4->print_state(ct, state, sizeof(state));
	n = strlen(state);
	if (n && state[n - 1] == ' ')
		state[n - 1] = 0;
	n = (size_t)snprintf(s, 96, "%s %llu", state,
			     (unsigned long long)((ct->timeout - now_ns) / 1000000000ull));
	if (ct->status & NFU_IPS_ASSURED)
		n += (size_t)snprintf(s + n, 96 - n, " ASSURED");
	if (!(ct->status & NFU_IPS_SEEN_REPLY))
		n += (size_t)snprintf(s + n, 96 - n, " UNREPLIED");
	if (o->src != __builtin_bswap32(IP_A) ||
	    o->sport != __builtin_bswap16(PORT_A)) {
		uint32_t a = __builtin_bswap32(o->src);

		snprintf(s + n, 96 - n, " from=%u.%u.%u.%u:%u", a >> 24,
			 (a >> 16) & 255, (a >> 8) & 255, a & 255,
			 __builtin_bswap16(o->sport));
	}
	l->n++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void listing(char *out, size_t len)
{
	struct listing l = { .n = 0 };
	size_t used = 0;

	nfu_ct_walk(cn(), list_one, &l);
	qsort(l.item, l.n, sizeof(l.item[0]), cmp_str);
	snprintf(out, len, "-");
	for (unsigned int i = 0; i < l.n; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
					 i ? " | " : "", l.item[i]);
}

static const char *ctinfo_name(void)
{
	if (!look_res.seen)
		return "-";
	if (!look_res.has_ct)
		return "INVALID";
	switch (look_res.ctinfo) {
	case NFU_CT_NEW:
		return "NEW";
	case NFU_CT_ESTABLISHED:
		return "EST_O";
	case NFU_CT_ESTABLISHED_REPLY:
		return "EST_R";
	case NFU_CT_RELATED:
	case NFU_CT_RELATED_REPLY:
		return "REL";
	default:
		return "?";
	}
}

static void run_scenario(const struct scenario *s)
{
	uint8_t p[1600];

	if (!tcp_scene())
		return;
	for (unsigned int i = 0; s->steps[i].cmd; i++) {
		const struct step *st = &s->steps[i];
		char got[512];
		size_t n;
		int ifx;

		if (!strncmp(st->cmd, "sysctl ", 7)) {
			if (!set_sysctl(st->cmd + 7))
				HARNESS_FAIL("%s: bad step `%s'", s->name, st->cmd);
			continue;
		}
		if (!strncmp(st->cmd, "sleep ", 6)) {
			advance((uint64_t)(strtod(st->cmd + 6, NULL) * 1e9));
			continue;
		}
		n = build_segment(p, st->cmd, &ifx);
		if (!n) {
			HARNESS_FAIL("%s: bad step `%s'", s->name, st->cmd);
			continue;
		}
		look_res.seen = false;
		scene_rx(ifx, p, n);
		advance(STEP_NS);
		listing(got, sizeof(got));
		harness_checks++;
		if (strcmp(ctinfo_name(), st->ctinfo) || strcmp(got, st->entries))
			HARNESS_FAIL("%s, step %u `%s': %s %s; Linux: %s %s",
				     s->name, i + 1, st->cmd, ctinfo_name(), got,
				     st->ctinfo, st->entries);
	}
	scene_down();
}

/*
 * The scenarios, with what Linux 6.18 did.
 */

static const struct step sc_handshake_close[] = {
	/* three-way handshake, data both ways, A closes first */
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* SYN_RECV -> ESTABLISHED: ASSURED */
	{ "A PA 1001 5001 len=100", "EST_O", "ESTABLISHED 299 ASSURED" }, /* data not yet acknowledged: _unacknowledged */
	{ "B A 5001 1101", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 5001 1101 len=50", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1101 5051", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1101 5051", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B A 5051 1102", "EST_R", "CLOSE_WAIT 59 ASSURED" },
	{ "B FA 5051 1102", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A A 1102 5052", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ "A A 1102 5052", "EST_O", "TIME_WAIT 119 ASSURED" }, /* the last ACK again */
	{ NULL, NULL, NULL }
};

static const struct step sc_half_close[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B A 5001 1002", "EST_R", "CLOSE_WAIT 59 ASSURED" },
	{ "B PA 5001 1002 len=100", "EST_R", "CLOSE_WAIT 59 ASSURED" }, /* data in CLOSE_WAIT */
	{ "A A 1002 5101", "EST_O", "CLOSE_WAIT 59 ASSURED" },
	{ "B FA 5101 1002", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A A 1002 5102", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ "B FA 5101 1002", "EST_R", "TIME_WAIT 119 ASSURED" }, /* the FIN again in TIME_WAIT */
	{ NULL, NULL, NULL }
};

static const struct step sc_server_closes[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B FA 5001 1001", "EST_R", "FIN_WAIT 119 ASSURED" },
	{ "A A 1001 5002", "EST_O", "CLOSE_WAIT 59 ASSURED" },
	{ "A FA 1001 5002", "EST_O", "LAST_ACK 29 ASSURED" },
	{ "B A 5002 1002", "EST_R", "TIME_WAIT 119 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_simultaneous_close[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 1001", "EST_R", "LAST_ACK 29 ASSURED" }, /* crosses A's FIN */
	{ "A A 1002 5002", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ "B A 5002 1002", "EST_R", "TIME_WAIT 119 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_fin_ack_together[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29 ASSURED" }, /* ACK and FIN in one segment */
	{ "A A 1002 5002", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_sent_rst[] = {
	/* an RST (with ACK) answering the SYN: the connection goes at once */
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B RA 0 1001", "EST_R", "-" },
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" }, /* a new one */
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_sent_rst_bad_ack[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B RA 0 999", "EST_R", "-" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_sent_rst_from_client[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "A R 1001 0", "NEW", "-" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_sent_fin_ack[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "A FA 1001 0", "INVALID", "SYN_SENT 119 UNREPLIED" },
	{ "B FA 5000 1001", "INVALID", "SYN_SENT 119 UNREPLIED" },
	{ "A A 1001 0", "INVALID", "SYN_SENT 119 UNREPLIED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_recv_rst[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A R 1001 0", "EST_O", "CLOSE 9" },
	{ "A A 1001 5001", "EST_O", "CLOSE 9" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_recv_rst_from_server[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "B R 5001 0", "EST_R", "CLOSE 9" },
	{ NULL, NULL, NULL }
};

static const struct step sc_est_rst_exact[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=100", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 1101", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "B R 5001 0", "EST_R", "CLOSE 9 ASSURED" }, /* the sequence A acknowledged last */
	{ "A A 1101 5001", "EST_O", "CLOSE 9 ASSURED" }, /* CLOSE stays */
	{ NULL, NULL, NULL }
};

static const struct step sc_est_rst_exact_from_client[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 5001 1001 len=10", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1001 5011", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A RA 1001 5011", "EST_O", "CLOSE 9 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_est_rst_not_exact[] = {
	/* in the window but not where the peer acknowledged: challenge ACK */
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=100", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 1101", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A A 1101 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B R 5051 0", "EST_R", "ESTABLISHED 9 ASSURED" },
	{ "A A 1101 5001", "EST_O", "ESTABLISHED 299 ASSURED" }, /* the challenge ACK */
	{ "B R 5001 0", "EST_R", "CLOSE 9 ASSURED" }, /* the exact answer */
	{ NULL, NULL, NULL }
};

static const struct step sc_est_rst_train[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 5001 1001 len=19", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "B R 5020 0", "EST_R", "CLOSE 9 ASSURED" }, /* RST at the end of its own data */
	{ NULL, NULL, NULL }
};

static const struct step sc_est_rst_old[] = {
	/* an RST below what the peer acknowledged: INVALID */
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 5001 1001 len=100", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1001 5101", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B R 5050 0", "INVALID", "ESTABLISHED 431999 ASSURED" },
	{ "B R 4000 0", "INVALID", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_est_rst_old_ignore_invalid[] = {
	{ "sysctl nf_conntrack_tcp_ignore_invalid_rst 1", NULL, NULL },
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 5001 1001 len=100", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1001 5101", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B R 5050 0", "EST_R", "ESTABLISHED 9 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_est_rst_beyond[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B R 900000 0", "INVALID", "ESTABLISHED 431999 ASSURED" },
	{ "A R 900000 0", "INVALID", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_rst_ack_zero[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B RA 5001 0", "EST_R", "CLOSE 9 ASSURED" }, /* RST+ACK with a zero acknowledgement */
	{ NULL, NULL, NULL }
};

static const struct step sc_rst_in_fin_wait[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B R 5001 0", "EST_R", "CLOSE 9 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_rst_in_close_wait[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B A 5001 1002", "EST_R", "CLOSE_WAIT 59 ASSURED" },
	{ "A R 1002 0", "EST_O", "CLOSE 9 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_rst_in_last_ack[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "B R 77777 0", "EST_R", "CLOSE 9 ASSURED" }, /* closing: no window check */
	{ NULL, NULL, NULL }
};

static const struct step sc_rst_in_time_wait[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A A 1002 5002", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ "B R 5002 0", "EST_R", "CLOSE 9 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_rst_in_close[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A R 1001 0", "EST_O", "CLOSE 9 ASSURED" },
	{ "B R 5001 0", "EST_R", "CLOSE 9 ASSURED" },
	{ "A R 1 0", "EST_O", "CLOSE 9 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_simultaneous_open[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B S 5000 0", "EST_R", "SYN_SENT2 119" },
	{ "A SA 1000 5001", "EST_O", "SYN_RECV 59" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_simultaneous_open_2[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B S 5000 0", "EST_R", "SYN_SENT2 119" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A SA 1000 5001", "EST_O", "SYN_RECV 59" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_retransmit[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "sleep 1.2", NULL, NULL },
	{ "A S 1000 0", "NEW", "SYN_SENT 118 UNREPLIED" }, /* not refreshed */
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_new_isn[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "A S 2000 0", "NEW", "SYN_SENT 119 UNREPLIED" }, /* restarted with another sequence */
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" }, /* answers the old SYN: out of window */
	{ "B SA 5000 2001", "EST_R", "SYN_RECV 59" },
	{ "A A 2001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_synack_retransmit[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "B SA 6000 1001", "EST_R", "SYN_RECV 59" }, /* another sequence: restarted */
	{ "A A 1001 6001", "INVALID", "SYN_RECV 59" },
	{ NULL, NULL, NULL }
};

static const struct step sc_ack_in_syn_sent[] = {
	/* an ACK from the server to a SYN: half-open, ignored */
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B A 7000 1", "EST_R", "SYN_SENT 119" },
	{ "A R 1 0", "EST_O", "CLOSE 9" }, /* the RST it asks for */
	{ NULL, NULL, NULL }
};

static const struct step sc_ack_in_syn_sent_2[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B A 7000 1", "EST_R", "SYN_SENT 119" },
	{ "A S 1000 0", "EST_O", "SYN_SENT 119" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_data_before_ack[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A PA 1001 5001 len=100", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 1101", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_retransmissions[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" }, /* the third retransmission: _max_retrans */
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 1011", "EST_R", "ESTABLISHED 431999 ASSURED" }, /* acknowledged: the count starts again */
	{ "A A 1011 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_max_retrans_1[] = {
	{ "sysctl nf_conntrack_tcp_max_retrans 1", NULL, NULL },
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_zero_window[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001 win=0", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001 win=100", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_window_limits[] = {
	{ "A S 1000 0 win=2000", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 win=1000", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001 win=2000", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=500", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "A PA 1501 5001 len=500", "EST_O", "ESTABLISHED 299 ASSURED" }, /* up to the right edge */
	{ "A PA 2001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" }, /* at the right edge + 0 */
	{ "A PA 2002 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" }, /* beyond it */
	{ "B A 5001 2011 win=1000", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A PA 3011 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" }, /* far beyond */
	{ "A PA 2011 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 2021 win=1000", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_overshoot[] = {
	{ "A S 1000 0 win=2000", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 win=1000", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001 win=2000", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 2002 5001 len=100", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* one byte past the window: tolerated, learnt */
	{ "B A 5001 2102 win=1000", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_ack_beyond[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A A 1001 5002", "INVALID", "ESTABLISHED 431999 ASSURED" }, /* acknowledges what B never sent */
	{ "B A 5001 1002", "INVALID", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 5001 1001 len=10", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1001 5011", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_old_data[] = {
	{ "A S 1000 0 win=2000", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 win=500", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001 win=2000", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=400", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 1401 win=500", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1401 5001 len=400", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 1801 win=500", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1801 5001 len=400", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 2201 win=500", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=100", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* long acknowledged data again: ignored */
	{ "A PA 1701 5001 len=100", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* within the last window: passes */
	{ NULL, NULL, NULL }
};

static const struct step sc_keepalive[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "sleep 1.1", NULL, NULL },
	{ "A A 1000 5001", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* keepalive probe */
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1000 5001 len=1", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* probe with one byte */
	{ NULL, NULL, NULL }
};

static const struct step sc_window_scaling[] = {
	{ "A S 1000 0 opt=020405b4010303070402", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 win=1000 opt=020405b4010303070402", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001 win=1000", "EST_R", "ESTABLISHED 431999 ASSURED" }, /* 1000 << 7 */
	{ "A PA 100001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "A PA 200001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_window_scaling_one_side[] = {
	{ "A S 1000 0 opt=020405b4010303070402", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 win=1000 opt=020405b40402", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001 win=1000", "EST_R", "ESTABLISHED 431999 ASSURED" }, /* not scaled */
	{ "A PA 100001 5001 len=10", "INVALID", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_window_scale_big[] = {
	{ "A S 1000 0 opt=01030310", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 win=1 opt=0103030f", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001 win=1", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 16001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "A PA 16390 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_sack[] = {
	{ "A S 1000 0 opt=04020000", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 opt=04020000", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 5001 1001 len=100", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1001 5001 opt=0101050a0000138b000013ed", "EST_O", "ESTABLISHED 299 ASSURED" }, /* SACK 5003-5101 */
	{ "A A 1001 5001 opt=0101050a0000138b000013ee", "INVALID", "ESTABLISHED 299 ASSURED" }, /* SACK beyond what B sent */
	{ "B A 5101 1001", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_sack_not_permitted[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 5001 1001 len=100", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1001 5001 opt=0101050a0000138b000017ee", "EST_O", "ESTABLISHED 299 ASSURED" }, /* SACK ignored */
	{ NULL, NULL, NULL }
};

static const struct step sc_loose_pickup[] = {
	{ "A A 1001 5001", "NEW", "ESTABLISHED 299 UNREPLIED" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 299" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_loose_pickup_data[] = {
	{ "A PA 1001 5001 len=100", "NEW", "ESTABLISHED 299 UNREPLIED" },
	{ "B PA 5001 1101 len=100", "EST_R", "ESTABLISHED 299" },
	{ "A A 1101 5101", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1101 5101", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_loose_pickup_reply_side[] = {
	{ "B PA 5001 1001 len=100", "NEW", "ESTABLISHED 299 UNREPLIED from=10.0.1.2:80" },
	{ "A A 1001 5101", "EST_R", "ESTABLISHED 299 from=10.0.1.2:80" },
	{ NULL, NULL, NULL }
};

static const struct step sc_loose_pickup_out_of_window[] = {
	{ "A A 1001 5001", "NEW", "ESTABLISHED 299 UNREPLIED" },
	{ "B A 900000 1", "EST_R", "ESTABLISHED 299" },
	{ "A A 77 88", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_loose_others[] = {
	{ "A FA 1001 5001", "INVALID", "-" },
	{ "A R 1001 0", "INVALID", "-" },
	{ "A SA 1000 5001", "INVALID", "-" },
	{ "A PA 1001 5001 len=10", "NEW", "ESTABLISHED 299 UNREPLIED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_loose_off[] = {
	{ "sysctl nf_conntrack_tcp_loose 0", NULL, NULL },
	{ "A A 1001 5001", "INVALID", "-" },
	{ "A PA 1001 5001 len=100", "INVALID", "-" },
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_liberal[] = {
	{ "sysctl nf_conntrack_tcp_be_liberal 1", NULL, NULL },
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 900000 5001 len=10", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* far out of the window */
	{ "A A 1001 99999", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* acknowledging the future */
	{ "B R 4000 0", "INVALID", "ESTABLISHED 431999 ASSURED" }, /* an old RST: still INVALID */
	{ "B R 5001 0", "EST_R", "CLOSE 9 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_reopen_time_wait[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A A 1002 5002", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ "A S 3000 0", "NEW", "SYN_SENT 119 UNREPLIED" }, /* reopens: a new connection */
	{ "B SA 8000 3001", "EST_R", "SYN_RECV 59" },
	{ "A A 3001 8001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_reopen_time_wait_same_isn[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A A 1002 5002", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ "A S 10 0", "NEW", "SYN_SENT 119 UNREPLIED" }, /* a lower sequence reopens too */
	{ NULL, NULL, NULL }
};

static const struct step sc_reopen_time_wait_by_server[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A A 1002 5002", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ "B S 7000 0", "NEW", "SYN_SENT 119 UNREPLIED from=10.0.1.2:80" }, /* the server reopens: roles swapped */
	{ "A SA 3000 7001", "EST_R", "SYN_RECV 59 from=10.0.1.2:80" },
	{ NULL, NULL, NULL }
};

static const struct step sc_reopen_after_rst[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A R 1001 0", "EST_O", "CLOSE 9 ASSURED" },
	{ "A S 3000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_after_peer_rst[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B R 5001 0", "EST_R", "CLOSE 9 ASSURED" },
	{ "A S 3000 0", "EST_O", "CLOSE 9 ASSURED" }, /* not after its own RST: ignored */
	{ "B SA 8000 3001", "EST_R", "SYN_RECV 59 ASSURED" }, /* the server agrees: in sync again */
	{ "A A 3001 8001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_in_established[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A S 3000 0", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* ignored */
	{ "B SA 8000 3001", "EST_R", "SYN_RECV 59 ASSURED" }, /* the server accepts it: resynchronised */
	{ "A A 3001 8001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 8001 3001 len=10", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_in_established_rst[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A S 3000 0", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B RA 5001 3001", "EST_R", "CLOSE 9 ASSURED" }, /* refused */
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_in_established_challenge[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A S 3000 0", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 431999 ASSURED" }, /* challenge ACK */
	{ "A R 1001 0", "EST_O", "CLOSE 9 ASSURED" }, /* the client's RST */
	{ "A S 3000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_synack_in_established_wrong[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A S 3000 0", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B SA 8000 3002", "EST_R", "ESTABLISHED 431999 ASSURED" }, /* acknowledges something else: ignored */
	{ "A SA 1001 5001", "INVALID", "ESTABLISHED 431999 ASSURED" }, /* a SYN+ACK from the client: INVALID */
	{ NULL, NULL, NULL }
};

static const struct step sc_challenge_ack_last_ack[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B A 5001 1002", "EST_R", "CLOSE_WAIT 59 ASSURED" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A S 3000 0", "EST_O", "LAST_ACK 29 ASSURED" }, /* new SYN while in LAST_ACK: ignored */
	{ "B A 5002 1002", "EST_R", "LAST_ACK 29 ASSURED" }, /* challenge ACK: not the last ACK */
	{ "A R 1002 0", "EST_O", "CLOSE 9 ASSURED" },
	{ "A S 3000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_invalid_flags[] = {
	{ "A SF 1000 0", "INVALID", "-" },
	{ "A F 1000 0", "INVALID", "-" },
	{ "A - 1000 0", "INVALID", "-" },
	{ "A SR 1000 0", "INVALID", "-" },
	{ "A SAU 1000 0", "INVALID", "-" },
	{ "A FPU 1000 0", "INVALID", "-" },
	{ "A FSRPAUEC 1000 0", "INVALID", "-" },
	{ "A SU 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" }, /* SYN+URG is valid */
	{ "A SEC 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" }, /* ECN setup */
	{ "B SAE 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A APU 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A F 1001 5001", "INVALID", "ESTABLISHED 431999 ASSURED" },
	{ "A FR 1001 5001", "INVALID", "ESTABLISHED 431999 ASSURED" },
	{ "A RAU 1001 5001", "INVALID", "ESTABLISHED 431999 ASSURED" },
	{ "A FAU 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_bad_checksum[] = {
	{ "A S 1000 0 badsum", "INVALID", "-" },
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 badsum", "INVALID", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001 badsum", "INVALID", "SYN_RECV 59" },
	{ "sysctl nf_conntrack_checksum 0", NULL, NULL },
	{ "A A 1001 5001 badsum", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=10 badsum", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_bad_header[] = {
	{ "A S 1000 0 doff=4", "INVALID", "-" },
	{ "A S 1000 0 doff=15", "INVALID", "-" },
	{ "A S 1000 0 opt=01010101 doff=7", "INVALID", "-" },
	{ "A S 1000 0 trunc=19", "INVALID", "-" },
	{ "A S 1000 0 trunc=4", "INVALID", "-" },
	{ "A S 1000 0 trunc=2", "INVALID", "-" },
	{ "A S 1000 0 opt=01010101", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_unacked_data[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 1001 5001 len=100", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "A PA 1101 5001 len=100", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 1101", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "B A 5001 1201", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_invalid_fin_rst_shortens[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 900000 5001", "INVALID", "ESTABLISHED 431999 ASSURED" }, /* out of window */
	{ "B R 900000 0", "INVALID", "ESTABLISHED 299 ASSURED" }, /* answered out of window too */
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_expiry[] = {
	{ "sysctl nf_conntrack_tcp_timeout_time_wait 1", NULL, NULL },
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A A 1002 5002", "EST_O", "TIME_WAIT 0 ASSURED" },
	{ "sleep 2.2", NULL, NULL },
	{ "A A 1002 5002", "NEW", "ESTABLISHED 299 UNREPLIED" }, /* gone: picked up again */
	{ NULL, NULL, NULL }
};

static const struct step sc_timeouts_sysctl[] = {
	{ "sysctl nf_conntrack_tcp_timeout_syn_sent 50", NULL, NULL },
	{ "sysctl nf_conntrack_tcp_timeout_syn_recv 40", NULL, NULL },
	{ "sysctl nf_conntrack_tcp_timeout_established 3000", NULL, NULL },
	{ "sysctl nf_conntrack_tcp_timeout_fin_wait 70", NULL, NULL },
	{ "sysctl nf_conntrack_tcp_timeout_close_wait 80", NULL, NULL },
	{ "sysctl nf_conntrack_tcp_timeout_last_ack 90", NULL, NULL },
	{ "sysctl nf_conntrack_tcp_timeout_time_wait 100", NULL, NULL },
	{ "sysctl nf_conntrack_tcp_timeout_unacknowledged 200", NULL, NULL },
	{ "A S 1000 0", "NEW", "SYN_SENT 49 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 39" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 2999 ASSURED" },
	{ "A PA 1001 5001 len=10", "EST_O", "ESTABLISHED 199 ASSURED" },
	{ "B A 5001 1011", "EST_R", "ESTABLISHED 2999 ASSURED" },
	{ "A FA 1011 5001", "EST_O", "FIN_WAIT 69 ASSURED" },
	{ "B A 5001 1012", "EST_R", "CLOSE_WAIT 79 ASSURED" },
	{ "B FA 5001 1012", "EST_R", "LAST_ACK 89 ASSURED" },
	{ "A A 1012 5002", "EST_O", "TIME_WAIT 99 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_seq_beyond_window[] = {
	{ "A S 1000 0 win=2000", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 win=1000", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001 win=2000", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 2100 5001 len=10", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* past B's window, by less than it: ignored */
	{ "A PA 3100 5001 len=10", "INVALID", "ESTABLISHED 431999 ASSURED" }, /* by more: INVALID */
	{ "B PA 5001 1001 len=10 win=1000", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "B PA 8000 1001 len=10 win=1000", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "B PA 9100 1001 len=10 win=1000", "INVALID", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_ack_overly_delayed[] = {
	{ "A S 1000 0 opt=01030307", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001 opt=01030307", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001 win=2000", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B PA 105001 1001 len=10", "EST_R", "ESTABLISHED 299 ASSURED" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 299 ASSURED" }, /* far behind what B sent: ignored */
	{ "A A 1001 105011", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_fin_in_syn_recv[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119" },
	{ "B FA 5001 1002", "EST_R", "LAST_ACK 29" },
	{ "A A 1002 5002", "EST_O", "TIME_WAIT 119" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_recv_bad_ack[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5002", "INVALID", "SYN_RECV 59" }, /* acknowledges beyond the SYN+ACK */
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_wraparound[] = {
	{ "A S 4294967000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 4294967001", "EST_R", "SYN_RECV 59" },
	{ "A A 4294967001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 4294967001 5001 len=1000", "EST_O", "ESTABLISHED 299 ASSURED" }, /* its end wraps past zero */
	{ "B A 5001 705", "EST_R", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 705 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "B FA 5001 706", "EST_R", "LAST_ACK 29 ASSURED" },
	{ "A A 706 5002", "EST_O", "TIME_WAIT 119 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_sent2_retransmits[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B S 5000 0", "EST_R", "SYN_SENT2 119" },
	{ "B S 5000 0", "EST_R", "SYN_SENT2 119" },
	{ "A S 1000 0", "EST_O", "SYN_SENT2 119" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_rst_answers_half_open[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B A 7000 1", "EST_R", "SYN_SENT 119" },
	{ "A RA 1 7000", "EST_O", "CLOSE 9" }, /* answers the ACK it got */
	{ NULL, NULL, NULL }
};

static const struct step sc_rst_answers_syn_seq_zero[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B R 0 0", "EST_R", "-" }, /* RST without ACK, sequence 0 */
	{ NULL, NULL, NULL }
};

static const struct step sc_data_in_syn_sent[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "A PA 1001 0 len=10", "INVALID", "SYN_SENT 119 UNREPLIED" },
	{ "B PA 5000 1001 len=10", "EST_R", "SYN_SENT 119" },
	{ NULL, NULL, NULL }
};

static const struct step sc_own_ack_in_fin_wait[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A FA 1001 5001", "EST_O", "FIN_WAIT 119 ASSURED" },
	{ "A A 1002 5001", "EST_O", "CLOSE_WAIT 59 ASSURED" }, /* the closer's own ACK */
	{ "B A 5001 1002", "EST_R", "CLOSE_WAIT 59 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_with_data[] = {
	{ "A S 1000 0 len=10", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1011", "EST_R", "SYN_RECV 59" },
	{ "A A 1011 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_client_synack_in_syn_recv[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A SA 1000 5001", "EST_O", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_close_expiry[] = {
	{ "sysctl nf_conntrack_tcp_timeout_close 1", NULL, NULL },
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B SA 5000 1001", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A R 1001 0", "EST_O", "CLOSE 0 ASSURED" },
	{ "sleep 2.2", NULL, NULL },
	{ "A A 1001 5001", "NEW", "ESTABLISHED 299 UNREPLIED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_liberal_pickup[] = {
	{ "sysctl nf_conntrack_tcp_be_liberal 1", NULL, NULL },
	{ "A PA 1001 5001 len=10", "NEW", "ESTABLISHED 299 UNREPLIED" },
	{ "B A 5001 1011", "EST_R", "ESTABLISHED 299" },
	{ "A PA 900000 5001 len=10", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B R 77 0", "EST_R", "CLOSE 9 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_sent_rst_ack_plus_one[] = {
	/* the first segment of B is taken as a keepalive's answer: one more */
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B RA 0 1002", "EST_R", "-" },
	{ NULL, NULL, NULL }
};

static const struct step sc_syn_sent_rst_ack_plus_two[] = {
	{ "A S 1000 0", "NEW", "SYN_SENT 119 UNREPLIED" },
	{ "B RA 0 1003", "INVALID", "SYN_SENT 119 UNREPLIED" },
	{ NULL, NULL, NULL }
};

static const struct step sc_window_scale_clamped[] = {
	{ "A S 1000 0 opt=01030310", "NEW", "SYN_SENT 119 UNREPLIED" }, /* a shift of 16 counts as 14 */
	{ "B SA 5000 1001 win=1 opt=0103030f", "EST_R", "SYN_RECV 59" },
	{ "A A 1001 5001", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "B A 5001 1001 win=1", "EST_R", "ESTABLISHED 431999 ASSURED" }, /* B's window: 1 << 14 */
	{ "A A 1001 5001 win=100", "EST_O", "ESTABLISHED 431999 ASSURED" },
	{ "A PA 30001 5001 len=10", "EST_O", "ESTABLISHED 431999 ASSURED" }, /* beyond 1 << 14, within 1 << 15: ignored */
	{ "A PA 17000 5001 len=10", "EST_O", "ESTABLISHED 299 ASSURED" },
	{ NULL, NULL, NULL }
};

static const struct scenario scenarios[] = {
	{ "handshake_close", sc_handshake_close },
	{ "half_close", sc_half_close },
	{ "server_closes", sc_server_closes },
	{ "simultaneous_close", sc_simultaneous_close },
	{ "fin_ack_together", sc_fin_ack_together },
	{ "syn_sent_rst", sc_syn_sent_rst },
	{ "syn_sent_rst_bad_ack", sc_syn_sent_rst_bad_ack },
	{ "syn_sent_rst_from_client", sc_syn_sent_rst_from_client },
	{ "syn_sent_fin_ack", sc_syn_sent_fin_ack },
	{ "syn_recv_rst", sc_syn_recv_rst },
	{ "syn_recv_rst_from_server", sc_syn_recv_rst_from_server },
	{ "est_rst_exact", sc_est_rst_exact },
	{ "est_rst_exact_from_client", sc_est_rst_exact_from_client },
	{ "est_rst_not_exact", sc_est_rst_not_exact },
	{ "est_rst_train", sc_est_rst_train },
	{ "est_rst_old", sc_est_rst_old },
	{ "est_rst_old_ignore_invalid", sc_est_rst_old_ignore_invalid },
	{ "est_rst_beyond", sc_est_rst_beyond },
	{ "rst_ack_zero", sc_rst_ack_zero },
	{ "rst_in_fin_wait", sc_rst_in_fin_wait },
	{ "rst_in_close_wait", sc_rst_in_close_wait },
	{ "rst_in_last_ack", sc_rst_in_last_ack },
	{ "rst_in_time_wait", sc_rst_in_time_wait },
	{ "rst_in_close", sc_rst_in_close },
	{ "simultaneous_open", sc_simultaneous_open },
	{ "simultaneous_open_2", sc_simultaneous_open_2 },
	{ "syn_retransmit", sc_syn_retransmit },
	{ "syn_new_isn", sc_syn_new_isn },
	{ "synack_retransmit", sc_synack_retransmit },
	{ "ack_in_syn_sent", sc_ack_in_syn_sent },
	{ "ack_in_syn_sent_2", sc_ack_in_syn_sent_2 },
	{ "data_before_ack", sc_data_before_ack },
	{ "retransmissions", sc_retransmissions },
	{ "max_retrans_1", sc_max_retrans_1 },
	{ "zero_window", sc_zero_window },
	{ "window_limits", sc_window_limits },
	{ "overshoot", sc_overshoot },
	{ "ack_beyond", sc_ack_beyond },
	{ "old_data", sc_old_data },
	{ "keepalive", sc_keepalive },
	{ "window_scaling", sc_window_scaling },
	{ "window_scaling_one_side", sc_window_scaling_one_side },
	{ "window_scale_big", sc_window_scale_big },
	{ "sack", sc_sack },
	{ "sack_not_permitted", sc_sack_not_permitted },
	{ "loose_pickup", sc_loose_pickup },
	{ "loose_pickup_data", sc_loose_pickup_data },
	{ "loose_pickup_reply_side", sc_loose_pickup_reply_side },
	{ "loose_pickup_out_of_window", sc_loose_pickup_out_of_window },
	{ "loose_others", sc_loose_others },
	{ "loose_off", sc_loose_off },
	{ "liberal", sc_liberal },
	{ "reopen_time_wait", sc_reopen_time_wait },
	{ "reopen_time_wait_same_isn", sc_reopen_time_wait_same_isn },
	{ "reopen_time_wait_by_server", sc_reopen_time_wait_by_server },
	{ "reopen_after_rst", sc_reopen_after_rst },
	{ "syn_after_peer_rst", sc_syn_after_peer_rst },
	{ "syn_in_established", sc_syn_in_established },
	{ "syn_in_established_rst", sc_syn_in_established_rst },
	{ "syn_in_established_challenge", sc_syn_in_established_challenge },
	{ "synack_in_established_wrong", sc_synack_in_established_wrong },
	{ "challenge_ack_last_ack", sc_challenge_ack_last_ack },
	{ "invalid_flags", sc_invalid_flags },
	{ "bad_checksum", sc_bad_checksum },
	{ "bad_header", sc_bad_header },
	{ "unacked_data", sc_unacked_data },
	{ "invalid_fin_rst_shortens", sc_invalid_fin_rst_shortens },
	{ "expiry", sc_expiry },
	{ "timeouts_sysctl", sc_timeouts_sysctl },
	{ "seq_beyond_window", sc_seq_beyond_window },
	{ "ack_overly_delayed", sc_ack_overly_delayed },
	{ "fin_in_syn_recv", sc_fin_in_syn_recv },
	{ "syn_recv_bad_ack", sc_syn_recv_bad_ack },
	{ "wraparound", sc_wraparound },
	{ "syn_sent2_retransmits", sc_syn_sent2_retransmits },
	{ "rst_answers_half_open", sc_rst_answers_half_open },
	{ "rst_answers_syn_seq_zero", sc_rst_answers_syn_seq_zero },
	{ "data_in_syn_sent", sc_data_in_syn_sent },
	{ "own_ack_in_fin_wait", sc_own_ack_in_fin_wait },
	{ "syn_with_data", sc_syn_with_data },
	{ "client_synack_in_syn_recv", sc_client_synack_in_syn_recv },
	{ "close_expiry", sc_close_expiry },
	{ "liberal_pickup", sc_liberal_pickup },
	{ "syn_sent_rst_ack_plus_one", sc_syn_sent_rst_ack_plus_one },
	{ "syn_sent_rst_ack_plus_two", sc_syn_sent_rst_ack_plus_two },
	{ "window_scale_clamped", sc_window_scale_clamped },
};

static void test_linux_scenarios(void)
{
	const char *name = harness_current;

	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		int before = harness_failures;

		harness_current = scenarios[i].name;
		run_scenario(&scenarios[i]);
		if (harness_failures != before)
			printf("  scenario %s failed\n", scenarios[i].name);
	}
	harness_current = name;
}

/* The connection of A:40000 -> B:80 (either direction), or NULL. */
static struct nfu_ct *find_ab(void)
{
	struct nfu_ct_tuple t = { 0 };
	unsigned int dir;

	t.src = __builtin_bswap32(IP_A);
	t.dst = __builtin_bswap32(IP_B);
	t.sport = __builtin_bswap16(PORT_A);
	t.dport = __builtin_bswap16(PORT_B);
	t.proto = 6;
	return nfu_ct_find(cn(), &t, 0, &dir);
}

static void rx_seg(const char *cmd)
{
	uint8_t p[1600];
	int ifx;
	size_t n = build_segment(p, cmd, &ifx);

	if (!n) {
		HARNESS_FAIL("bad segment `%s'", cmd);
		return;
	}
	look_res.seen = false;
	scene_rx(ifx, p, n);
	advance(STEP_NS);
}

/* A SYN in TIME_WAIT: the old connection is killed and freed, the SYN
 * makes a new one (the core looked it up again). */
static void test_reopen_frees_the_old(void)
{
	struct nfu_ct *old;

	REQUIRE(tcp_scene());
	rx_seg("A S 1000 0");
	rx_seg("B SA 5000 1001");
	rx_seg("A A 1001 5001");
	rx_seg("A FA 1001 5001");
	rx_seg("B FA 5001 1002");
	rx_seg("A A 1002 5002");
	old = find_ab();
	REQUIRE(old);
	CHECK_INT(old->proto.tcp.state, NFU_CT_TCP_TIME_WAIT);
	CHECK_INT(cn()->count, 1);
	rx_seg("A S 3000 0");
	CHECK_STR(ctinfo_name(), "NEW");
	CHECK_INT(cn()->count, 1);
	CHECK_INT(cn()->confirmed, 1);
	REQUIRE(find_ab());
	CHECK_INT(find_ab()->proto.tcp.state, NFU_CT_TCP_SYN_SENT);
	CHECK_INT(find_ab()->status & NFU_IPS_ASSURED, 0);
	scene_down();
}

/* An RST as the only answer to a SYN: the connection is gone, and freed
 * once its packet is. */
static void test_rst_answer_frees(void)
{
	REQUIRE(tcp_scene());
	rx_seg("A S 1000 0");
	CHECK_INT(cn()->count, 1);
	rx_seg("B RA 0 1001");
	CHECK_STR(ctinfo_name(), "EST_R");
	CHECK(find_ab() == NULL);
	CHECK_INT(cn()->count, 0);
	CHECK_INT(cn()->confirmed, 0);
	scene_down();
}

/* An INVALID first segment leaves nothing behind. */
static void test_invalid_new_freed(void)
{
	REQUIRE(tcp_scene());
	rx_seg("A SF 1000 0");
	rx_seg("A FA 1000 0");
	rx_seg("A S 1000 0 badsum");
	CHECK_INT(cn()->count, 0);
	CHECK_INT(cn()->confirmed, 0);
	scene_down();
}

/* The window data Linux keeps after a handshake with options. */
static void test_window_data(void)
{
	const struct nfu_ct_tcp *t;
	struct nfu_ct *ct;

	REQUIRE(tcp_scene());
	rx_seg("A S 1000 0 win=29200 opt=020405b40402080a000000010000000001030307");
	rx_seg("B SA 5000 1001 win=28960 opt=020405b40402080a000000020000000101030309");
	rx_seg("A A 1001 5001 win=229");
	ct = find_ab();
	REQUIRE(ct);
	t = &ct->proto.tcp;
	CHECK_INT(t->seen[0].td_scale, 7);
	CHECK_INT(t->seen[1].td_scale, 9);
	CHECK_INT(t->seen[0].flags & NFU_CT_TCP_FLAG_WINDOW_SCALE,
		  NFU_CT_TCP_FLAG_WINDOW_SCALE);
	CHECK_INT(t->seen[0].flags & NFU_CT_TCP_FLAG_SACK_PERM,
		  NFU_CT_TCP_FLAG_SACK_PERM);
	CHECK_INT(t->seen[1].flags & NFU_CT_TCP_FLAG_SACK_PERM,
		  NFU_CT_TCP_FLAG_SACK_PERM);
	CHECK_INT(t->seen[0].td_end, 1001);
	CHECK_INT(t->seen[1].td_end, 5001);
	/* A's window: the SYN's 29200 unscaled, then 229 << 7 */
	CHECK_INT(t->seen[0].td_maxwin, 29312);
	CHECK_INT(t->seen[1].td_maxwin, 28960);
	/* B may send up to what A acknowledged plus A's window */
	CHECK_INT(t->seen[1].td_maxend, 5001 + 29312);
	CHECK_INT(t->seen[0].td_maxend, 1001 + 28960);
	CHECK_INT(t->seen[0].td_maxack, 5001);
	CHECK_INT(t->seen[1].td_maxack, 1001);
	scene_down();
}

/* The length of a segment is the IP packet's, not the frame's: Ethernet
 * padding of a short frame is no data. */
static void test_padding_is_no_data(void)
{
	uint8_t p[100];
	int ifx;
	size_t n;

	REQUIRE(tcp_scene());
	n = build_segment(p, "A S 1000 0", &ifx);
	scene_rx_frame(ifx, MAC_E0, p, n, 60);
	n = build_segment(p, "B SA 5000 1001", &ifx);
	scene_rx_frame(ifx, MAC_E1, p, n, 60);
	CHECK_STR(ctinfo_name(), "EST_R");
	n = build_segment(p, "A A 1001 5001", &ifx);
	scene_rx_frame(ifx, MAC_E0, p, n, 60);
	CHECK_STR(ctinfo_name(), "EST_O");
	REQUIRE(find_ab());
	CHECK_INT(find_ab()->proto.tcp.state, NFU_CT_TCP_ESTABLISHED);
	CHECK_INT(find_ab()->proto.tcp.seen[0].td_end, 1001);
	scene_down();
}

/* A segment after IP options: the header is found past them. */
static void test_ip_options(void)
{
	uint8_t p[200], q[200];
	int ifx;
	size_t n;

	REQUIRE(tcp_scene());
	n = build_segment(p, "A S 1000 0", &ifx);
	/* the same packet with four NOP options */
	memcpy(q, p, 20);
	memset(q + 20, 1, 4);
	memcpy(q + 24, p + 20, n - 20);
	q[0] = 0x46;
	wr16(q + 2, (unsigned int)(n + 4));
	ip_fix_csum(q);
	scene_rx(ifx, q, n + 4);
	CHECK_STR(ctinfo_name(), "NEW");
	REQUIRE(find_ab());
	CHECK_INT(find_ab()->proto.tcp.state, NFU_CT_TCP_SYN_SENT);
	CHECK_INT(find_ab()->proto.tcp.seen[0].td_end, 1001);
	scene_down();
}

/* conntrack -L's words: the state's name and a space, after what the
 * buffer holds. */
static void test_print_state(void)
{
	static const char *const names[] = {
		"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
	};
	struct nfu_ct ct;
	char buf[64], want[64];

	memset(&ct, 0, sizeof(ct));
	for (unsigned int s = 0; s < NFU_CT_TCP_MAX; s++) {
		ct.proto.tcp.state = (uint8_t)s;
		snprintf(buf, sizeof(buf), "tcp 6 1 ");
		nfu_ct_l4proto_tcp.print_state(&ct, buf, sizeof(buf));
		snprintf(want, sizeof(want), "tcp 6 1 %s ", names[s]);
		CHECK_STR(buf, want);
	}
	/* never past the end */
	ct.proto.tcp.state = NFU_CT_TCP_ESTABLISHED;
	memset(buf, 'x', sizeof(buf));
	buf[5] = 0;
	nfu_ct_l4proto_tcp.print_state(&ct, buf, 8);
	CHECK_INT(strlen(buf), 7);
	CHECK_INT((unsigned char)buf[8], 'x');
}

/* Linux's tcp_can_early_drop(): only closing connections. */
static void test_can_early_drop(void)
{
	struct nfu_ct ct;
	static const bool want[NFU_CT_TCP_MAX] = {
		[NFU_CT_TCP_FIN_WAIT] = true, [NFU_CT_TCP_CLOSE_WAIT] = true,
		[NFU_CT_TCP_LAST_ACK] = true, [NFU_CT_TCP_TIME_WAIT] = true,
		[NFU_CT_TCP_CLOSE] = true,
	};

	memset(&ct, 0, sizeof(ct));
	for (unsigned int s = 0; s < NFU_CT_TCP_MAX; s++) {
		ct.proto.tcp.state = (uint8_t)s;
		CHECK_INT(nfu_ct_l4proto_tcp.can_early_drop(&ct), want[s]);
	}
}

/* The ports are all the tuple needs: a 4-byte TCP header has a tuple
 * (and is INVALID in the tracker), 3 bytes none. */
static void test_tuple(void)
{
	const uint8_t h[4] = { 0x9c, 0x40, 0x00, 0x50 };
	struct nfu_ct_tuple t = { 0 }, r = { 0 };

	CHECK(!nfu_ct_l4proto_tcp.pkt_to_tuple(h, 3, &t));
	CHECK(nfu_ct_l4proto_tcp.pkt_to_tuple(h, 4, &t));
	CHECK_INT(__builtin_bswap16(t.sport), 40000);
	CHECK_INT(__builtin_bswap16(t.dport), 80);
	CHECK(nfu_ct_l4proto_tcp.invert_tuple(&r, &t));
	CHECK_INT(r.sport, t.dport);
	CHECK_INT(r.dport, t.sport);
}

int main(void)
{
	setenv("NFU_CT_SEED", "1", 0);
	RUN(test_linux_scenarios);
	RUN(test_reopen_frees_the_old);
	RUN(test_rst_answer_frees);
	RUN(test_invalid_new_freed);
	RUN(test_window_data);
	RUN(test_padding_is_no_data);
	RUN(test_ip_options);
	RUN(test_print_state);
	RUN(test_can_early_drop);
	RUN(test_tuple);
	nfu_net_free(sc.net);
	return harness_done();
}
