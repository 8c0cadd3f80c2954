/* SPDX-License-Identifier: MIT */
/*
 * LOG: write a line about the packet to the stack's log sink
 * (nfu_net_ops.log), in the text of Linux's nf_log_syslog for IPv4
 * (nf_log_ip_packet), field for field and space for space: the kernel's
 * line is what people grep, so nfu's must be the same.  The options and
 * their save text are libxt_LOG's.
 *
 * Where nfu differs from the kernel, for want of the thing described:
 *   - UID= / GID= (--log-uid) never appear: nfu has no sockets;
 *   - no PHYSIN/PHYSOUT (no bridge), no VLAN fields;
 *   - every device but lo is Ethernet: MAC= shows the 14 bytes of the
 *     link header, or nothing when the packet came without one
 *     (nfu_rx_ip, as from a TUN device); lo shows the all-zero header
 *     Linux's loopback builds.
 * Returns XT_CONTINUE, as Linux's log_tg.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ext/ext-private.h"
#include "ipv4/ipv4-private.h"

/* Linux's XT_LOG_* flags */
#define LOG_TCPSEQ 0x01
#define LOG_TCPOPT 0x02
#define LOG_IPOPT 0x04
#define LOG_UID 0x08
#define LOG_NFLOG 0x10
#define LOG_MACDECODE 0x20
#define LOG_MASK 0x2f

#define LOG_DEFAULT_LEVEL 4 /* warning */

struct log_info { /* xt_log_info */
	uint8_t logflags;
	uint8_t level;
	char prefix[30];
};

/* Option ids are the bit numbers of the flags, as in libxt_LOG. */
enum {
	O_LOG_TCPSEQ = 0,
	O_LOG_TCPOPTS,
	O_LOG_IPOPTS,
	O_LOG_UID,
	O_LOG_NFLOG_UNUSED,
	O_LOG_MAC,
	O_LOG_LEVEL,
	O_LOG_PREFIX,
};

static const struct nfu_xt_option log_opts[] = {
	{ "log-level", O_LOG_LEVEL, NFU_XTOPT_ARG },
	{ "log-prefix", O_LOG_PREFIX, NFU_XTOPT_ARG },
	{ "log-tcp-sequence", O_LOG_TCPSEQ, 0 },
	{ "log-tcp-options", O_LOG_TCPOPTS, 0 },
	{ "log-ip-options", O_LOG_IPOPTS, 0 },
	{ "log-uid", O_LOG_UID, 0 },
	{ "log-macdecode", O_LOG_MAC, 0 },
	{ NULL, 0, 0 },
};

/* libxtables' syslog level names ("error" and "panic" are deprecated
 * synonyms it still takes; "err" it does not). */
static const struct {
	const char *name;
	uint8_t level;
} log_levels[] = {
	{ "alert", 1 }, { "crit", 2 },   { "debug", 7 },  { "emerg", 0 },
	{ "error", 3 }, { "info", 6 },   { "notice", 5 }, { "panic", 0 },
	{ "warning", 4 },
};

static void log_init(void *data)
{
	struct log_info *info = data;

	info->level = LOG_DEFAULT_LEVEL;
}

static int log_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct log_info *info = data;
	uintmax_t v;
	size_t n;

	(void)invert;
	switch (id) {
	case O_LOG_LEVEL:
		if (nfu_ext_strtoul(arg, NULL, &v, 0, 7, 0)) {
			info->level = (uint8_t)v;
			return 0;
		}
		for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]);
		     i++) {
			if (!strcmp(arg, log_levels[i].name)) {
				info->level = log_levels[i].level;
				return 0;
			}
		}
		return nfu_xt_error(ctx, "log level \"%s\" unknown", arg);
	case O_LOG_PREFIX:
		n = strlen(arg);
		if (n < 1)
			return nfu_xt_error(ctx, "Argument must have a minimum "
					    "length of 1 characters");
		if (strchr(arg, '\n'))
			return nfu_xt_error(ctx, "Newlines not allowed in "
					    "--log-prefix");
		/* a longer prefix is cut, silently, as libxtables does */
		if (n > sizeof(info->prefix) - 1)
			n = sizeof(info->prefix) - 1;
		memcpy(info->prefix, arg, n);
		info->prefix[n] = '\0';
		return 0;
	default:
		info->logflags |= (uint8_t)(1u << id);
		return 0;
	}
}

static int log_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct log_info *info = data;

	if (info->level >= 8)
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "LOG target: level %u >= 8", info->level);
	if (memchr(info->prefix, '\0', sizeof(info->prefix)) == NULL)
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "LOG target: prefix is not null-terminated");
	return 0;
}

/*
 * The line, built in a fixed buffer as Linux's nf_log_buf (1024 bytes;
 * the longest IPv4 line is about 830): what does not fit is cut.
 */
struct logbuf {
	char s[1024];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void lb_add(struct logbuf *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->len >= sizeof(m->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->s + m->len, sizeof(m->s) - m->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->len += (size_t)n;
	if (m->len > sizeof(m->s) - 1)
		m->len = sizeof(m->s) - 1;
}

static void lb_ip(struct logbuf *m, const uint8_t *a)
{
	lb_add(m, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static void lb_mac(struct logbuf *m, const uint8_t *a)
{
	lb_add(m, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3],
	       a[4], a[5]);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/* skb->len - off, in the kernel's unsigned int arithmetic: 'data' is at
 * the network header on every hook, so skb->len is what follows it. */
static unsigned int rest(const struct nfu_pkt *pkt, unsigned int off)
{
	return (unsigned int)nfu_ext_avail(pkt, 0) - off;
}

static void lb_hex(struct logbuf *m, const uint8_t *p, unsigned int n)
{
	lb_add(m, "OPT (");
	for (unsigned int i = 0; i < n; i++)
		lb_add(m, "%02X", p[i]);
	lb_add(m, ") ");
}

/* nf_log_dump_tcp_header(): 1 when the dump must stop there. */
static int dump_tcp(struct logbuf *m, const struct nfu_pkt *pkt, bool frag,
		    unsigned int off, unsigned int flags)
{
	static const char *const names[8] = { "CWR", "ECE", "URG", "ACK",
					      "PSH", "RST", "SYN", "FIN" };
	const uint8_t *th, *op;
	unsigned int optsize;

	lb_add(m, "PROTO=TCP ");
	if (frag)
		return 0;
	th = nfu_ext_header(pkt, off, 20);
	if (!th) {
		lb_add(m, "INCOMPLETE [%u bytes] ", rest(pkt, off));
		return 1;
	}
	lb_add(m, "SPT=%u DPT=%u ", get16(th), get16(th + 2));
	if (flags & LOG_TCPSEQ)
		lb_add(m, "SEQ=%u ACK=%u ", get32(th + 4), get32(th + 8));
	lb_add(m, "WINDOW=%u ", get16(th + 14));
	/* TCP_RESERVED_BITS are three bits since AccECN took the fourth
	 * as AE (Linux 6.18 prints "RES=0x38" for all four set) */
	lb_add(m, "RES=0x%02x ", (unsigned int)((th[12] & 0x0e) << 2));
	if (th[12] & 0x01)
		lb_add(m, "AE ");
	for (unsigned int i = 0; i < 8; i++)
		if (th[13] & (0x80u >> i))
			lb_add(m, "%s ", names[i]);
	lb_add(m, "URGP=%u ", get16(th + 18));
	if ((flags & LOG_TCPOPT) && (th[12] >> 4) * 4u > 20) {
		optsize = (th[12] >> 4) * 4u - 20;
		op = nfu_ext_header(pkt, off + 20, optsize);
		if (!op) {
			lb_add(m, "OPT (TRUNCATED)");
			return 1;
		}
		lb_hex(m, op, optsize);
	}
	return 0;
}

/* nf_log_dump_udp_header() */
static int dump_udp(struct logbuf *m, const struct nfu_pkt *pkt,
		    uint8_t proto, bool frag, unsigned int off)
{
	const uint8_t *uh;

	lb_add(m, proto == NFU_IPPROTO_UDP ? "PROTO=UDP " : "PROTO=UDPLITE ");
	if (frag)
		return 0;
	uh = nfu_ext_header(pkt, off, 8);
	if (!uh) {
		lb_add(m, "INCOMPLETE [%u bytes] ", rest(pkt, off));
		return 1;
	}
	lb_add(m, "SPT=%u DPT=%u LEN=%u ", get16(uh), get16(uh + 2),
	       get16(uh + 4));
	return 0;
}

static void dump_ipv4(struct logbuf *m, const struct nfu_pkt *pkt,
		      unsigned int flags, unsigned int iphoff);

static void dump_icmp(struct logbuf *m, const struct nfu_pkt *pkt,
		      unsigned int flags, unsigned int iphoff,
		      unsigned int off, bool frag)
{
	/* the bytes each type needs past the ICMP header's start */
	static const uint8_t required[NFU_NR_ICMP_TYPES + 1] = {
		[NFU_ICMP_ECHOREPLY] = 4,
		[NFU_ICMP_DEST_UNREACH] = 8 + 20,
		[NFU_ICMP_SOURCE_QUENCH] = 8 + 20,
		[NFU_ICMP_REDIRECT] = 8 + 20,
		[NFU_ICMP_ECHO] = 4,
		[NFU_ICMP_TIME_EXCEEDED] = 8 + 20,
		[NFU_ICMP_PARAMETERPROB] = 8 + 20,
		[NFU_ICMP_TIMESTAMP] = 20,
		[NFU_ICMP_TIMESTAMPREPLY] = 20,
		[NFU_ICMP_ADDRESS] = 12,
		[NFU_ICMP_ADDRESSREPLY] = 12,
	};
	const uint8_t *ic;
	uint8_t type;

	lb_add(m, "PROTO=ICMP ");
	if (frag)
		return;
	ic = nfu_ext_header(pkt, off, 8);
	if (!ic) {
		lb_add(m, "INCOMPLETE [%u bytes] ", rest(pkt, off));
		return;
	}
	type = ic[0];
	lb_add(m, "TYPE=%u CODE=%u ", type, ic[1]);
	if (type <= NFU_NR_ICMP_TYPES && required[type] &&
	    rest(pkt, off) < required[type]) {
		lb_add(m, "INCOMPLETE [%u bytes] ", rest(pkt, off));
		return;
	}
	switch (type) {
	case NFU_ICMP_ECHOREPLY:
	case NFU_ICMP_ECHO:
		lb_add(m, "ID=%u SEQ=%u ", get16(ic + 4), get16(ic + 6));
		break;
	case NFU_ICMP_PARAMETERPROB:
		lb_add(m, "PARAMETER=%u ", ic[4]);
		break;
	case NFU_ICMP_REDIRECT:
		lb_add(m, "GATEWAY=");
		lb_ip(m, ic + 4);
		lb_add(m, " ");
		/* fall through */
	case NFU_ICMP_DEST_UNREACH:
	case NFU_ICMP_SOURCE_QUENCH:
	case NFU_ICMP_TIME_EXCEEDED:
		if (!iphoff) { /* the quoted packet, one level deep */
			lb_add(m, "[");
			dump_ipv4(m, pkt, flags, off + 8);
			lb_add(m, "] ");
		}
		if (type == NFU_ICMP_DEST_UNREACH &&
		    ic[1] == NFU_ICMP_FRAG_NEEDED)
			lb_add(m, "MTU=%u ", get16(ic + 6));
		break;
	default:
		break;
	}
}

/* dump_ipv4_packet(): the header at 'iphoff' from the network header (0,
 * or the packet quoted in an ICMP error). */
static void dump_ipv4(struct logbuf *m, const struct nfu_pkt *pkt,
		      unsigned int flags, unsigned int iphoff)
{
	const uint8_t *ih = nfu_ext_header(pkt, iphoff, 20), *op, *p;
	unsigned int ihl, off, optsize;
	uint16_t fo;
	bool frag;

	if (!ih) {
		lb_add(m, "TRUNCATED");
		return;
	}
	ihl = (ih[0] & 0x0fu) * 4u;
	fo = get16(ih + 6);
	frag = (fo & NFU_IP_OFFSET) != 0;
	lb_add(m, "SRC=");
	lb_ip(m, ih + 12);
	lb_add(m, " DST=");
	lb_ip(m, ih + 16);
	lb_add(m, " LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ",
	       get16(ih + 2), ih[1] & 0x1eu, ih[1] & 0xe0u, ih[8],
	       get16(ih + 4));
	if (fo & NFU_IP_CE)
		lb_add(m, "CE ");
	if (fo & NFU_IP_DF)
		lb_add(m, "DF ");
	if (fo & NFU_IP_MF)
		lb_add(m, "MF ");
	if (frag)
		lb_add(m, "FRAG:%u ", fo & NFU_IP_OFFSET);
	if ((flags & LOG_IPOPT) && ihl > 20) {
		optsize = ihl - 20;
		op = nfu_ext_header(pkt, iphoff + 20, optsize);
		if (!op) {
			lb_add(m, "TRUNCATED");
			return;
		}
		lb_hex(m, op, optsize);
	}
	off = iphoff + ihl;
	switch (ih[9]) {
	case NFU_IPPROTO_TCP:
		if (dump_tcp(m, pkt, frag, off, flags))
			return;
		break;
	case NFU_IPPROTO_UDP:
	case 136: /* UDP-Lite */
		if (dump_udp(m, pkt, ih[9], frag, off))
			return;
		break;
	case NFU_IPPROTO_ICMP:
		dump_icmp(m, pkt, flags, iphoff, off, frag);
		break;
	case 51: /* AH: a later fragment prints nothing at all, as Linux */
		if (frag)
			break;
		lb_add(m, "PROTO=AH ");
		p = nfu_ext_header(pkt, off, 12);
		if (!p) {
			lb_add(m, "INCOMPLETE [%u bytes] ", rest(pkt, off));
			break;
		}
		lb_add(m, "SPI=0x%x ", get32(p + 4));
		break;
	case 50: /* ESP */
		lb_add(m, "PROTO=ESP ");
		if (frag)
			break;
		p = nfu_ext_header(pkt, off, 8);
		if (!p) {
			lb_add(m, "INCOMPLETE [%u bytes] ", rest(pkt, off));
			break;
		}
		lb_add(m, "SPI=0x%x ", get32(p));
		break;
	default:
		lb_add(m, "PROTO=%u ", ih[9]);
		break;
	}
	/* UID= would come here (--log-uid): nfu has no sockets */
	if (!iphoff && pkt->mark)
		lb_add(m, "MARK=0x%x ", pkt->mark);
}

/* dump_mac_header() */
static void dump_mac(struct logbuf *m, const struct nfu_pkt *pkt,
		     const struct nfu_dev *in, unsigned int flags)
{
	static const uint8_t lo_hdr[14] = { [12] = 0x08, [13] = 0x00 };
	const uint8_t *mac = NULL;

	if (in->loopback)
		mac = lo_hdr;
	else if (pkt->mac_off + 14 <= pkt->network_off)
		mac = nfu_pkt_mac_header(pkt);
	if ((flags & LOG_MACDECODE) && !in->loopback) {
		if (!mac) /* no link header: Linux prints nothing */
			return;
		lb_add(m, "MACSRC=");
		lb_mac(m, mac + 6);
		lb_add(m, " MACDST=");
		lb_mac(m, mac);
		lb_add(m, " MACPROTO=%04x ", get16(mac + 12));
		return;
	}
	lb_add(m, "MAC=");
	if (mac) {
		lb_add(m, "%02x", mac[0]);
		for (unsigned int i = 1; i < 14; i++)
			lb_add(m, ":%02x", mac[i]);
	}
	lb_add(m, " ");
}

static unsigned int log_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
			       void *data)
{
	const struct log_info *info = data;
	struct nfu_net *net = par->net;
	struct logbuf m;

	if (!net->ops.log)
		return NFU_XT_CONTINUE;
	m.len = 0;
	m.s[0] = '\0';
	lb_add(&m, "%sIN=%s OUT=%s ", info->prefix,
	       par->in ? par->in->name : "", par->out ? par->out->name : "");
	if (par->in)
		dump_mac(&m, pkt, par->in, info->logflags);
	dump_ipv4(&m, pkt, info->logflags, 0);
	net->ops.log(net->ops.priv, info->level, m.s);
	return NFU_XT_CONTINUE;
}

/* xtables_save_string(): bare when only [A-Za-z0-9_-], else in double
 * quotes with '"', '\\' and '\'' escaped. */
static void save_string(struct nfu_strbuf *sb, const char *s)
{
	static const char bare[] = "_-0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, bare);
	char one[3] = { '\\', 0, 0 };

	if (n > 0 && s[n] == '\0') {
		nfu_sb_printf(sb, " %s", s);
		return;
	}
	nfu_sb_puts(sb, " \"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '\'') {
			one[1] = *s;
			nfu_sb_puts(sb, one);
		} else {
			char c[2] = { *s, 0 };
			nfu_sb_puts(sb, c);
		}
	}
	nfu_sb_puts(sb, "\"");
}

static void log_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	const struct log_info *info = data;

	(void)ip;
	if (info->prefix[0]) {
		nfu_sb_puts(sb, " --log-prefix");
		save_string(sb, info->prefix);
	}
	if (info->level != LOG_DEFAULT_LEVEL)
		nfu_sb_printf(sb, " --log-level %d", info->level);
	if (info->logflags & LOG_TCPSEQ)
		nfu_sb_puts(sb, " --log-tcp-sequence");
	if (info->logflags & LOG_TCPOPT)
		nfu_sb_puts(sb, " --log-tcp-options");
	if (info->logflags & LOG_IPOPT)
		nfu_sb_puts(sb, " --log-ip-options");
	if (info->logflags & LOG_UID)
		nfu_sb_puts(sb, " --log-uid");
	if (info->logflags & LOG_MACDECODE)
		nfu_sb_puts(sb, " --log-macdecode");
}

static void log_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	/* the first name of each value in syslog.h's prioritynames */
	static const char *const names[8] = { "emerg", "alert",  "crit",
					      "err",   "warn",   "notice",
					      "info",  "debug" };
	const struct log_info *info = data;

	(void)ip;
	nfu_sb_puts(sb, " LOG");
	if (numeric) {
		nfu_sb_printf(sb, " flags %u level %u", info->logflags,
			      info->level);
	} else {
		if (info->level < 8)
			nfu_sb_printf(sb, " level %s", names[info->level]);
		else
			nfu_sb_printf(sb, " UNKNOWN level %u", info->level);
		if (info->logflags & LOG_TCPSEQ)
			nfu_sb_puts(sb, " tcp-sequence");
		if (info->logflags & LOG_TCPOPT)
			nfu_sb_puts(sb, " tcp-options");
		if (info->logflags & LOG_IPOPT)
			nfu_sb_puts(sb, " ip-options");
		if (info->logflags & LOG_UID)
			nfu_sb_puts(sb, " uid");
		if (info->logflags & LOG_MACDECODE)
			nfu_sb_puts(sb, " macdecode");
		if (info->logflags & ~LOG_MASK)
			nfu_sb_puts(sb, " unknown-flags");
	}
	if (info->prefix[0])
		nfu_sb_printf(sb, " prefix \"%s\"", info->prefix);
}

const struct nfu_xt_target_ops nfu_xt_LOG = {
	.name = "LOG",
	.revision = 0,
	.size = sizeof(struct log_info),
	.options = log_opts,
	.init = log_init,
	.parse = log_parse,
	.check = log_check,
	.target = log_target,
	.save = log_save,
	.print = log_print,
};
