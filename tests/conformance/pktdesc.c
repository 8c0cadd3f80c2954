/* SPDX-License-Identifier: MIT */
/*
 * pktdesc.c - the packet line parser and frame builder (see pktdesc.h).
 *
 * A line is cut into words; the words after the kind are options, which
 * fill a struct spec; build_ip() then writes the transport message, its
 * checksum, the IP header and its checksum, in that order, so that an
 * option that breaks one field (ihl=, totlen=, ipcsum=…) leaves the others
 * as a correct packet would have them.
 */
#include "pktdesc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 128
#define MAX_IP 65535u

enum kind { K_TCP = 1, K_UDP = 2, K_ICMP = 4, K_IP = 8, K_SCTP = 16,
	    K_ALL = 31 };

enum csum_mode { CS_AUTO, CS_BAD, CS_NONE, CS_VALUE };

struct spec {
	enum kind kind;
	uint32_t src, dst; /* network order */
	uint16_t sport, dport;

	unsigned long ttl, tos, ipid, fragoff, ver, ihl, totlen, ipcsum;
	unsigned long trunc, pad, proto;
	bool df, mf, has_fragoff, has_ver, has_ihl, has_totlen, has_trunc,
		has_proto;
	enum csum_mode ipcsum_mode;
	uint8_t ipopt[40];
	size_t ipoptlen;
	bool has_frag;
	unsigned long frag_off, frag_len;

	unsigned char *data;
	size_t datalen;
	bool has_data, has_len;
	enum csum_mode l4csum_mode;
	unsigned long l4csum;

	uint8_t tcpflags;
	uint8_t tcpopt[40];
	size_t tcpoptlen;
	unsigned long seq, ack, win, urp, doff, udplen;
	bool has_doff, has_udplen;

	unsigned long vtag;
	unsigned char *chunks;  /* SCTP chunks, in order (MAX_IP bytes) */
	size_t chunkslen;

	unsigned long type, code, id, mtu, ptr, rest, innerlen;
	uint32_t gw;
	bool has_type, has_rest, has_innerlen;

	uint8_t ethdst[6], ethsrc[6];
	unsigned long ethtype;
	bool has_ethdst, has_ethsrc;
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

uint16_t pktdesc_csum(const void *data, size_t len, uint32_t sum)
{
	const unsigned char *p = data;
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int pktdesc_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits (with '.' and ':' as separators to ignore) into 'out'. */
static int parse_hex(const char *s, unsigned char *out, size_t cap, size_t *n)
{
	size_t k = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s == '.' || *s == ':')
			continue;
		v = hexval(*s);
		if (v < 0)
			return -EINVAL;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (k == cap)
			return -EINVAL;
		out[k++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		return -EINVAL;
	*n = k;
	return 0;
}

static int parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 0);
	if (errno || *end || *v > max)
		return -EINVAL;
	return 0;
}

static int parse_addr(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -EINVAL;
	*a = in.s_addr;
	return 0;
}

/* "A.B.C.D:PORT" */
static int parse_addr_port(const char *s, uint32_t *a, uint16_t *port)
{
	char buf[64];
	const char *colon = strrchr(s, ':');
	unsigned long p;

	if (!colon || (size_t)(colon - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = '\0';
	if (parse_addr(buf, a) || parse_num(colon + 1, 65535, &p))
		return -EINVAL;
	*port = (uint16_t)p;
	return 0;
}

static const struct {
	const char *name;
	unsigned int type;
} icmp_types[] = {
	{ "echo-reply", 0 },     { "unreach", 3 },
	{ "source-quench", 4 },  { "redirect", 5 },
	{ "echo", 8 },           { "time-exceeded", 11 },
	{ "param-problem", 12 }, { "timestamp", 13 },
	{ "timestamp-reply", 14 },
};

static int parse_tcpflags(const char *s, uint8_t *flags)
{
	static const char letters[] = "FSRPAUEC";
	uint8_t f = 0;

	if (strcmp(s, ".") == 0) {
		*flags = 0;
		return 0;
	}
	for (; *s; s++) {
		const char *l = strchr(letters, *s);

		if (!l)
			return -EINVAL;
		f |= (uint8_t)(1u << (l - letters));
	}
	*flags = f;
	return 0;
}

/* SCTP chunk types by name (RFC 9260 section 3.2, RFC 3758's ...). */
static const struct {
	const char *name;
	uint8_t type;
} sctp_chunks[] = {
	{ "data", 0 }, { "init", 1 }, { "init-ack", 2 }, { "sack", 3 },
	{ "heartbeat", 4 }, { "heartbeat-ack", 5 }, { "abort", 6 },
	{ "shutdown", 7 }, { "shutdown-ack", 8 }, { "error", 9 },
	{ "cookie-echo", 10 }, { "cookie-ack", 11 }, { "ecne", 12 },
	{ "cwr", 13 }, { "shutdown-complete", 14 },
};

/* chunk=NAME[/FLAGS][:HEX] appended to the chunks of 's': the chunk's
 * header (its length counts HEX, not the padding), HEX, zeros to a
 * multiple of 4.  0 or 1 (bad). */
static int parse_chunk(struct spec *s, const char *val)
{
	char name[32];
	const char *colon = strchr(val, ':'), *slash;
	size_t nlen = colon ? (size_t)(colon - val) : strlen(val), n = 0;
	unsigned long type = 256, flags = 0;
	unsigned char *c;

	if (nlen >= sizeof(name))
		return 1;
	memcpy(name, val, nlen);
	name[nlen] = '\0';
	slash = strchr(name, '/');
	if (slash) {
		if (parse_num(slash + 1, 255, &flags))
			return 1;
		name[slash - name] = '\0';
	}
	for (size_t k = 0; k < sizeof(sctp_chunks) / sizeof(sctp_chunks[0]); k++)
		if (strcmp(name, sctp_chunks[k].name) == 0)
			type = sctp_chunks[k].type;
	if (type == 256 && parse_num(name, 255, &type))
		return 1;
	if (!s->chunks) {
		s->chunks = malloc(MAX_IP);
		if (!s->chunks)
			return 1;
	}
	if (s->chunkslen + 4 > MAX_IP - 80)
		return 1;
	c = s->chunks + s->chunkslen;
	if (colon && parse_hex(colon + 1, c + 4, MAX_IP - 80 - s->chunkslen - 4, &n))
		return 1;
	if (n + 4 > 65535)
		return 1;
	c[0] = (unsigned char)type;
	c[1] = (unsigned char)flags;
	c[2] = (unsigned char)((n + 4) >> 8);
	c[3] = (unsigned char)(n + 4);
	while ((n + 4) & 3)
		c[4 + n++] = 0;
	s->chunkslen += n + 4;
	return 0;
}

/* One option word into 's'.  'applies' is the mask of kinds it is for. */
static int parse_option(struct spec *s, const char *w, char *err,
			size_t errlen)
{
	const char *eq = strchr(w, '=');
	char key[32];
	const char *val;
	unsigned int applies;
	unsigned long v = 0;
	int bad = 0;

	if (!eq) {
		if (strcmp(w, "df") == 0)
			s->df = true;
		else if (strcmp(w, "mf") == 0)
			s->mf = true;
		else
			return fail(err, errlen, "unknown option `%s'", w);
		return 0;
	}
	if ((size_t)(eq - w) >= sizeof(key))
		return fail(err, errlen, "unknown option `%s'", w);
	memcpy(key, w, (size_t)(eq - w));
	key[eq - w] = '\0';
	val = eq + 1;
	applies = K_ALL;

#define NUM(field, max)                                                      \
	do {                                                                 \
		bad = parse_num(val, (max), &v);                             \
		s->field = v;                                                \
	} while (0)

	if (strcmp(key, "ttl") == 0) {
		NUM(ttl, 255);
	} else if (strcmp(key, "tos") == 0) {
		NUM(tos, 255);
	} else if (strcmp(key, "ipid") == 0) {
		NUM(ipid, 65535);
	} else if (strcmp(key, "fragoff") == 0) {
		NUM(fragoff, 65528);
		bad = bad || (v & 7);
		s->has_fragoff = true;
	} else if (strcmp(key, "frag") == 0) {
		bad = sscanf(val, "%lu:%lu", &s->frag_off, &s->frag_len) != 2 ||
		      (s->frag_off & 7) || s->frag_off > 65528;
		s->has_frag = true;
	} else if (strcmp(key, "proto") == 0) {
		NUM(proto, 255);
		s->has_proto = true;
	} else if (strcmp(key, "ver") == 0) {
		NUM(ver, 15);
		s->has_ver = true;
	} else if (strcmp(key, "ihl") == 0) {
		NUM(ihl, 15);
		s->has_ihl = true;
	} else if (strcmp(key, "totlen") == 0) {
		NUM(totlen, 65535);
		s->has_totlen = true;
	} else if (strcmp(key, "ipcsum") == 0) {
		if (strcmp(val, "bad") == 0) {
			s->ipcsum_mode = CS_BAD;
		} else {
			NUM(ipcsum, 65535);
			s->ipcsum_mode = CS_VALUE;
		}
	} else if (strcmp(key, "ipopt") == 0) {
		bad = parse_hex(val, s->ipopt, sizeof(s->ipopt), &s->ipoptlen);
		if (!bad)
			s->ipoptlen = (s->ipoptlen + 3) & ~(size_t)3;
		bad = bad || s->ipoptlen > 40;
	} else if (strcmp(key, "tcpopt") == 0) {
		applies = K_TCP;
		bad = parse_hex(val, s->tcpopt, sizeof(s->tcpopt),
				&s->tcpoptlen);
		if (!bad)
			s->tcpoptlen = (s->tcpoptlen + 3) & ~(size_t)3;
		bad = bad || s->tcpoptlen > 40;
	} else if (strcmp(key, "trunc") == 0) {
		NUM(trunc, MAX_IP);
		s->has_trunc = true;
	} else if (strcmp(key, "pad") == 0) {
		NUM(pad, 1500);
	} else if (strcmp(key, "len") == 0) {
		NUM(datalen, MAX_IP);
		s->has_len = true;
	} else if (strcmp(key, "data") == 0) {
		free(s->data);
		s->data = malloc(MAX_IP);
		if (!s->data)
			return -ENOMEM;
		bad = parse_hex(val, s->data, MAX_IP, &s->datalen);
		s->has_data = true;
	} else if (strcmp(key, "l4csum") == 0) {
		applies = K_TCP | K_UDP | K_ICMP | K_SCTP;
		if (strcmp(val, "bad") == 0) {
			s->l4csum_mode = CS_BAD;
		} else if (strcmp(val, "none") == 0) {
			s->l4csum_mode = CS_NONE;
			applies = K_UDP;
		} else {
			NUM(l4csum, s->kind == K_SCTP ? 0xffffffffu : 65535);
			s->l4csum_mode = CS_VALUE;
		}
	} else if (strcmp(key, "vtag") == 0) {
		applies = K_SCTP;
		NUM(vtag, 0xffffffffu);
	} else if (strcmp(key, "chunk") == 0) {
		applies = K_SCTP;
		bad = parse_chunk(s, val);
	} else if (strcmp(key, "seq") == 0) {
		applies = K_TCP | K_ICMP;
		NUM(seq, s->kind == K_TCP ? 0xffffffffu : 0xffff);
	} else if (strcmp(key, "ack") == 0) {
		applies = K_TCP;
		NUM(ack, 0xffffffffu);
	} else if (strcmp(key, "win") == 0) {
		applies = K_TCP;
		NUM(win, 65535);
	} else if (strcmp(key, "urp") == 0) {
		applies = K_TCP;
		NUM(urp, 65535);
	} else if (strcmp(key, "doff") == 0) {
		applies = K_TCP;
		NUM(doff, 15);
		s->has_doff = true;
	} else if (strcmp(key, "udplen") == 0) {
		applies = K_UDP;
		NUM(udplen, 65535);
		s->has_udplen = true;
	} else if (strcmp(key, "code") == 0) {
		applies = K_ICMP;
		NUM(code, 255);
	} else if (strcmp(key, "id") == 0) {
		applies = K_ICMP;
		NUM(id, 65535);
	} else if (strcmp(key, "mtu") == 0) {
		applies = K_ICMP;
		NUM(mtu, 65535);
	} else if (strcmp(key, "ptr") == 0) {
		applies = K_ICMP;
		NUM(ptr, 255);
	} else if (strcmp(key, "gw") == 0) {
		applies = K_ICMP;
		bad = parse_addr(val, &s->gw);
	} else if (strcmp(key, "rest") == 0) {
		applies = K_ICMP;
		NUM(rest, 0xffffffffu);
		s->has_rest = true;
	} else if (strcmp(key, "innerlen") == 0) {
		applies = K_ICMP;
		NUM(innerlen, MAX_IP);
		s->has_innerlen = true;
	} else if (strcmp(key, "ethdst") == 0) {
		if (strcmp(val, "bcast") == 0)
			memset(s->ethdst, 0xff, 6);
		else
			bad = pktdesc_parse_mac(val, s->ethdst);
		s->has_ethdst = true;
	} else if (strcmp(key, "ethsrc") == 0) {
		bad = pktdesc_parse_mac(val, s->ethsrc);
		s->has_ethsrc = true;
	} else if (strcmp(key, "ethtype") == 0) {
		NUM(ethtype, 65535);
	} else {
		return fail(err, errlen, "unknown option `%s'", w);
	}
#undef NUM
	if (bad)
		return fail(err, errlen, "bad value in `%s'", w);
	if (!(applies & s->kind))
		return fail(err, errlen, "option `%s' does not apply here", w);
	return 0;
}

static void put16(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, unsigned long v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t bad_csum(uint16_t good)
{
	uint16_t b = (uint16_t)(good + 1);

	return b ? b : 1;
}

/* The checksum to store for a transport message of 'len' bytes at 'l4'
 * whose checksum field is at 'l4 + off' (zero on entry). */
static void set_l4csum(const struct spec *s, unsigned char *l4, size_t len,
		       size_t off, uint8_t proto)
{
	uint32_t sum = 0;
	uint16_t c;

	if (s->l4csum_mode == CS_NONE)
		return;
	if (s->l4csum_mode == CS_VALUE) {
		put16(l4 + off, s->l4csum);
		return;
	}
	if (s->kind != K_ICMP) {
		const unsigned char *a = (const unsigned char *)&s->src;
		const unsigned char *b = (const unsigned char *)&s->dst;

		sum = (uint32_t)(a[0] << 8 | a[1]) + (uint32_t)(a[2] << 8 | a[3]) +
		      (uint32_t)(b[0] << 8 | b[1]) + (uint32_t)(b[2] << 8 | b[3]) +
		      proto + (uint32_t)len;
	}
	c = pktdesc_csum(l4, len, sum);
	if (s->kind == K_UDP && c == 0)
		c = 0xffff;
	if (s->l4csum_mode == CS_BAD)
		c = bad_csum(c);
	put16(l4 + off, c);
}

static int build_ip(char **w, int nw, const struct pktdesc_env *env,
		    struct spec *s, unsigned char *out, size_t cap, size_t *olen,
		    bool inner, char *err, size_t errlen);

/* CRC32c (Castagnoli, reflected 0x82F63B78) of 'len' bytes, bit by bit:
 * SCTP's checksum (RFC 9260 appendix A), written independently of nfu's
 * table-driven one. */
static uint32_t crc32c(const unsigned char *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* SCTP's checksum of the message 'l4' of 'len' bytes (field zero on
 * entry), stored little-endian as RFC 9260 transmits it. */
static void set_sctp_csum(const struct spec *s, unsigned char *l4, size_t len)
{
	uint32_t c = crc32c(l4, len);

	if (s->l4csum_mode == CS_VALUE) {
		put32(l4 + 8, s->l4csum);
		return;
	}
	if (s->l4csum_mode == CS_BAD)
		c ^= 1;
	l4[8] = (unsigned char)c;
	l4[9] = (unsigned char)(c >> 8);
	l4[10] = (unsigned char)(c >> 16);
	l4[11] = (unsigned char)(c >> 24);
}

/* The transport message of 's' into 'l4' (room: MAX_IP).  'inner_*' are
 * the words of an ICMP quote. */
static int build_l4(struct spec *s, char **inner_w, int inner_n,
		    const struct pktdesc_env *env, unsigned char *l4,
		    size_t *l4len, char *err, size_t errlen)
{
	size_t hlen, plen, i;
	unsigned char *payload;

	switch (s->kind) {
	case K_TCP:
		hlen = (s->has_doff && s->doff > 5 ? s->doff : 5) * 4;
		if (20 + s->tcpoptlen > hlen)
			hlen = 20 + s->tcpoptlen;
		break;
	case K_UDP:
	case K_ICMP:
		hlen = 8;
		break;
	case K_SCTP:
		hlen = 12;
		break;
	default:
		hlen = 0;
		break;
	}
	payload = l4 + hlen;
	memset(l4, 0, hlen);

	if (inner_w) {
		struct spec is;
		size_t ilen, keep;
		int r;

		memset(&is, 0, sizeof(is));
		r = build_ip(inner_w, inner_n, env, &is, payload, MAX_IP - hlen,
			     &ilen, true, err, errlen);
		free(is.data);
		free(is.chunks);
		if (r)
			return r;
		keep = s->has_innerlen ? s->innerlen
				       : (size_t)(payload[0] & 0x0f) * 4 + 8;
		plen = keep < ilen ? keep : ilen;
	} else if (s->has_data) {
		plen = s->datalen;
		memcpy(payload, s->data, plen);
	} else if (s->has_len) {
		plen = s->datalen;
		for (i = 0; i < plen; i++)
			payload[i] = (unsigned char)i;
	} else if (s->kind == K_SCTP) {
		plen = s->chunkslen;
		if (plen)
			memcpy(payload, s->chunks, plen);
	} else {
		plen = s->kind == K_ICMP && (s->type == 13 || s->type == 14)
			       ? 12 : 0;
		memset(payload, 0, plen);
	}
	if (hlen + plen > MAX_IP - 60)
		return fail(err, errlen, "packet too long");

	switch (s->kind) {
	case K_TCP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, s->seq);
		put32(l4 + 8, s->ack);
		memcpy(l4 + 20, s->tcpopt, s->tcpoptlen);
		l4[12] = (unsigned char)((s->has_doff ? s->doff
					  : 5 + s->tcpoptlen / 4) << 4);
		l4[13] = s->tcpflags;
		put16(l4 + 14, s->win);
		put16(l4 + 18, s->urp);
		set_l4csum(s, l4, hlen + plen, 16, 6);
		break;
	case K_UDP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, s->has_udplen ? s->udplen : hlen + plen);
		set_l4csum(s, l4, hlen + plen, 6, 17);
		break;
	case K_ICMP: {
		unsigned long rest = 0;

		l4[0] = (unsigned char)s->type;
		l4[1] = (unsigned char)s->code;
		switch (s->type) {
		case 0:
		case 8:
		case 13:
		case 14:
			rest = (s->id << 16) | (s->seq & 0xffff);
			break;
		case 3:
			rest = s->mtu;
			break;
		case 5:
			rest = ntohl(s->gw);
			break;
		case 12:
			rest = s->ptr << 24;
			break;
		}
		if (s->has_rest)
			rest = s->rest;
		put32(l4 + 4, rest);
		set_l4csum(s, l4, hlen + plen, 2, 1);
		break;
	}
	case K_SCTP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, s->vtag);
		set_sctp_csum(s, l4, hlen + plen);
		break;
	default:
		break;
	}
	*l4len = hlen + plen;
	return 0;
}

/* Words from the kind on ("tcp", addresses, options…) into the IP packet
 * at 'out'; 's' keeps the link options for the caller. */
static int build_ip(char **w, int nw, const struct pktdesc_env *env,
		    struct spec *s, unsigned char *out, size_t cap, size_t *olen,
		    bool inner, char *err, size_t errlen)
{
	char **inner_w = NULL;
	int inner_n = 0, i, first_opt, r;
	unsigned char *l4buf;
	size_t l4len, hdr, plen, total, off;
	const unsigned char *l4data;
	uint16_t frag;

	if (nw < 4 || strcmp(w[2], ">") != 0)
		return fail(err, errlen, "expected `KIND SRC > DST …'");
	if (strcmp(w[0], "tcp") == 0)
		s->kind = K_TCP;
	else if (strcmp(w[0], "udp") == 0)
		s->kind = K_UDP;
	else if (strcmp(w[0], "icmp") == 0)
		s->kind = K_ICMP;
	else if (strcmp(w[0], "ip") == 0)
		s->kind = K_IP;
	else if (strcmp(w[0], "sctp") == 0)
		s->kind = K_SCTP;
	else
		return fail(err, errlen, "unknown packet kind `%s'", w[0]);

	if (s->kind == K_TCP || s->kind == K_UDP || s->kind == K_SCTP) {
		if (parse_addr_port(w[1], &s->src, &s->sport))
			return fail(err, errlen, "bad ADDR:PORT `%s'", w[1]);
		if (parse_addr_port(w[3], &s->dst, &s->dport))
			return fail(err, errlen, "bad ADDR:PORT `%s'", w[3]);
	} else {
		if (parse_addr(w[1], &s->src))
			return fail(err, errlen, "bad address `%s'", w[1]);
		if (parse_addr(w[3], &s->dst))
			return fail(err, errlen, "bad address `%s'", w[3]);
	}
	first_opt = 4;
	if (s->kind == K_TCP) {
		if (nw < 5 || parse_tcpflags(w[4], &s->tcpflags))
			return fail(err, errlen, "expected TCP flags (FSRPAUEC or"
				    " .) after the addresses");
		first_opt = 5;
	} else if (s->kind == K_ICMP) {
		unsigned long t;
		size_t k;

		if (nw < 5)
			return fail(err, errlen, "expected an ICMP type");
		s->has_type = false;
		for (k = 0; k < sizeof(icmp_types) / sizeof(icmp_types[0]); k++)
			if (strcmp(w[4], icmp_types[k].name) == 0) {
				s->type = icmp_types[k].type;
				s->has_type = true;
			}
		if (!s->has_type) {
			if (parse_num(w[4], 255, &t))
				return fail(err, errlen, "unknown ICMP type `%s'",
					    w[4]);
			s->type = t;
		}
		first_opt = 5;
	}

	s->ttl = 64;
	s->ipid = env->number & 0xffff;
	s->seq = 1000;
	s->win = 65535;
	s->ethtype = 0x0800;
	for (i = first_opt; i < nw; i++) {
		if (strcmp(w[i], "--") == 0) {
			if (s->kind != K_ICMP || inner)
				return fail(err, errlen,
					    "`--' (a quoted packet) only after"
					    " an outer icmp");
			inner_w = w + i + 1;
			inner_n = nw - i - 1;
			break;
		}
		r = parse_option(s, w[i], err, errlen);
		if (r)
			return r;
	}
	if (inner && (s->has_ethdst || s->has_ethsrc || s->pad))
		return fail(err, errlen, "link options in a quoted packet");
	if (s->kind == K_IP && !s->has_proto)
		return fail(err, errlen, "kind `ip' needs proto=N");
	if (inner_w && (s->has_data || s->has_len))
		return fail(err, errlen, "a quoted packet and data=/len= both");
	if (s->chunkslen && (s->has_data || s->has_len))
		return fail(err, errlen, "chunk= and data=/len= both");

	l4buf = malloc(MAX_IP);
	if (!l4buf)
		return -ENOMEM;
	if (s->kind == K_IP) {
		l4len = 0;
		if (s->has_data) {
			memcpy(l4buf, s->data, s->datalen);
			l4len = s->datalen;
		} else if (s->has_len) {
			for (l4len = 0; l4len < s->datalen; l4len++)
				l4buf[l4len] = (unsigned char)l4len;
		}
		r = 0;
	} else {
		r = build_l4(s, inner_w, inner_n, env, l4buf, &l4len, err,
			     errlen);
	}
	if (r)
		goto out;

	l4data = l4buf;
	plen = l4len;
	off = s->has_fragoff ? s->fragoff : 0;
	frag = 0;
	if (s->has_frag) {
		if (s->frag_off > l4len) {
			r = fail(err, errlen, "frag= starts beyond the %zu bytes"
				 " of the message", l4len);
			goto out;
		}
		l4data = l4buf + s->frag_off;
		plen = l4len - s->frag_off;
		if (s->frag_len < plen) {
			plen = s->frag_len;
			frag |= 0x2000;
		}
		off = s->frag_off;
	}
	if (s->df)
		frag |= 0x4000;
	if (s->mf)
		frag |= 0x2000;
	frag |= (uint16_t)(off >> 3);

	hdr = 20 + s->ipoptlen;
	total = hdr + plen;
	if (total > cap || total > MAX_IP) {
		r = fail(err, errlen, "packet too long");
		goto out;
	}
	memset(out, 0, hdr);
	out[0] = (unsigned char)(((s->has_ver ? s->ver : 4) << 4) |
				 (s->has_ihl ? s->ihl : hdr / 4));
	out[1] = (unsigned char)s->tos;
	put16(out + 2, s->has_totlen ? s->totlen : total);
	put16(out + 4, s->ipid);
	put16(out + 6, frag);
	out[8] = (unsigned char)s->ttl;
	out[9] = (unsigned char)(s->has_proto ? s->proto
			       : s->kind == K_TCP ? 6
			       : s->kind == K_UDP ? 17
			       : s->kind == K_SCTP ? 132 : 1);
	memcpy(out + 12, &s->src, 4);
	memcpy(out + 16, &s->dst, 4);
	memcpy(out + 20, s->ipopt, s->ipoptlen);
	if (s->ipcsum_mode == CS_VALUE)
		put16(out + 10, s->ipcsum);
	else if (s->ipcsum_mode == CS_BAD)
		put16(out + 10, bad_csum(pktdesc_csum(out, hdr, 0)));
	else
		put16(out + 10, pktdesc_csum(out, hdr, 0));
	memcpy(out + hdr, l4data, plen);
	if (s->has_trunc && s->trunc < total)
		total = s->trunc;
	*olen = total;
	r = 0;
out:
	free(l4buf);
	return r;
}

/* Cuts a copy of 'line' into words in 'buf'; '#' ends the line. */
static int split(const char *line, char *buf, size_t cap, char **w)
{
	char *p, *save = NULL;
	int n = 0;

	if (strlen(line) >= cap)
		return -E2BIG;
	strcpy(buf, line);
	p = strchr(buf, '#');
	if (p)
		*p = '\0';
	for (p = strtok_r(buf, " \t\r\n", &save); p;
	     p = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS)
			return -E2BIG;
		w[n++] = p;
	}
	return n;
}

int pktdesc_device(const char *line, char *dev, size_t len, char *err,
		   size_t errlen)
{
	const char *p = line, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	e = p;
	while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '#')
		e++;
	if (e == p || (size_t)(e - p) >= len)
		return fail(err, errlen, "expected a device name first");
	memcpy(dev, p, (size_t)(e - p));
	dev[e - p] = '\0';
	return 0;
}

int pktdesc_build(const char *line, const struct pktdesc_env *env,
		  unsigned char *buf, size_t cap, size_t *len, char *err,
		  size_t errlen)
{
	char *w[MAX_WORDS];
	char *copy;
	struct spec s;
	size_t iplen, n, linecap = strlen(line) + 1;
	int nw, r;

	if (cap < PKTDESC_MAX_FRAME)
		return fail(err, errlen, "buffer too small");
	copy = malloc(linecap);
	if (!copy)
		return -ENOMEM;
	memset(&s, 0, sizeof(s));
	nw = split(line, copy, linecap, w);
	if (nw < 0) {
		r = fail(err, errlen, "line too long");
		goto out;
	}
	if (nw < 2) {
		r = fail(err, errlen, "expected `DEV KIND …'");
		goto out;
	}
	if (strcmp(w[1], "raw") == 0) {
		if (nw != 3 || parse_hex(w[2], buf, cap, &n) || n < 14) {
			r = fail(err, errlen, "raw needs one HEX word of at least"
				 " 14 bytes");
			goto out;
		}
		*len = n;
		r = 0;
		goto out;
	}
	r = build_ip(w + 1, nw - 1, env, &s, buf + 14, cap - 14 - 1500, &iplen,
		     false, err, errlen);
	if (r)
		goto out;
	memcpy(buf, s.has_ethdst ? s.ethdst : env->host_mac, 6);
	memcpy(buf + 6, s.has_ethsrc ? s.ethsrc : env->peer_mac, 6);
	put16(buf + 12, s.ethtype);
	memset(buf + 14 + iplen, 0, s.pad);
	*len = 14 + iplen + s.pad;
out:
	free(s.data);
	free(s.chunks);
	free(copy);
	return r;
}
