/* SPDX-License-Identifier: MIT */
/*
 * The netfilter log line of an IPv4 packet: Linux's nf_log_syslog for
 * IPv4 (nf_log_ip_packet()), field for field and space for space, for
 * the LOG target (lib/ext/ipt_LOG.c) and for what conntrack logs itself
 * (nf_log_packet() with no loginfo: the helpers' "dropping packet"
 * lines, nf_ct_helper_log()).  The line goes to the stack's log sink
 * (nfu_net_ops.log), without the kernel's level marker.
 *
 * Where nfu differs from the kernel, for want of the thing described:
 *   - UID= / GID= (NFU_LOG_UID) never appear: nfu has no sockets;
 *   - no PHYSIN/PHYSOUT (no bridge), no VLAN fields;
 *   - every device but lo is Ethernet: MAC= shows the 14 bytes of the
 *     link header, or nothing when the packet came without one
 *     (nfu_rx_ip, as from a TUN device); lo shows the all-zero header
 *     Linux's loopback builds;
 *   - a stack is Linux's initial namespace: nf_log_all_netns does not
 *     apply.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ipv4/ipv4-private.h"

/* 'len' bytes at 'off' from the network header, or NULL when the packet
 * is shorter (skb_header_pointer() on a linear skb). */
static const uint8_t *header_at(const struct nfu_pkt *pkt, size_t off,
				size_t len)
{
	const uint8_t *nh = nfu_pkt_network_header(pkt);
	const uint8_t *end = pkt->data + pkt->len;

	if (nh < pkt->data || nh > end || off > (size_t)(end - nh) ||
	    len > (size_t)(end - nh) - off)
		return NULL;
	return nh + off;
}

/* Bytes of the packet from 'off' past the network header to its end. */
static size_t avail(const struct nfu_pkt *pkt, size_t off)
{
	const uint8_t *nh = nfu_pkt_network_header(pkt);
	const uint8_t *end = pkt->data + pkt->len;

	if (nh < pkt->data || nh > end || off > (size_t)(end - nh))
		return 0;
	return (size_t)(end - nh) - off;
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
	return (unsigned int)avail(pkt, 0) - off;
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
	th = header_at(pkt, off, 20);
	if (!th) {
		lb_add(m, "INCOMPLETE [%u bytes] ", rest(pkt, off));
		return 1;
	}
	lb_add(m, "SPT=%u DPT=%u ", get16(th), get16(th + 2));
	if (flags & NFU_LOG_TCPSEQ)
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
	if ((flags & NFU_LOG_TCPOPT) && (th[12] >> 4) * 4u > 20) {
		optsize = (th[12] >> 4) * 4u - 20;
		op = header_at(pkt, off + 20, optsize);
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
	uh = header_at(pkt, off, 8);
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
	ic = header_at(pkt, off, 8);
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
	const uint8_t *ih = header_at(pkt, iphoff, 20), *op, *p;
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
	if ((flags & NFU_LOG_IPOPT) && ihl > 20) {
		optsize = ihl - 20;
		op = header_at(pkt, iphoff + 20, optsize);
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
		p = header_at(pkt, off, 12);
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
		p = header_at(pkt, off, 8);
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
	if ((flags & NFU_LOG_MACDECODE) && !in->loopback) {
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

static void log_line(struct nfu_net *net, int level, unsigned int logflags,
		     const char *prefix, const struct nfu_pkt *pkt,
		     const struct nfu_dev *in, const struct nfu_dev *out)
{
	struct logbuf m;

	m.len = 0;
	m.s[0] = '\0';
	lb_add(&m, "%sIN=%s OUT=%s ", prefix, in ? in->name : "",
	       out ? out->name : "");
	if (in)
		dump_mac(&m, pkt, in, logflags);
	dump_ipv4(&m, pkt, logflags, 0);
	net->ops.log(net->ops.priv, level, m.s);
}

void nfu_log_ip_packet(struct nfu_net *net, int level, unsigned int logflags,
		       const char *prefix, const struct nfu_pkt *pkt,
		       const struct nfu_dev *in, const struct nfu_dev *out)
{
	if (net->ops.log)
		log_line(net, level, logflags, prefix, pkt, in, out);
}

void nfu_log_bind(struct nfu_net *net)
{
	net->ipv4->nf_logger = true;
}

void nfu_log_packet(struct nfu_net *net, const struct nfu_pkt *pkt,
		    const struct nfu_dev *in, const struct nfu_dev *out,
		    const char *fmt, ...)
{
	char prefix[128]; /* NF_LOG_PREFIXLEN */
	va_list ap;

	if (!net->ops.log || !net->ipv4->nf_logger)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* nf_log_syslog's default_loginfo */
	log_line(net, 5, NFU_LOG_DEFAULT_MASK, prefix, pkt, in, out);
}
