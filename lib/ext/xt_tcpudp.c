/* SPDX-License-Identifier: MIT */
/*
 * xt_tcpudp.c - the "tcp" and "udp" matches: port ranges, TCP flags and a
 * TCP option, as Linux's xt_tcpudp with iptables 1.8's option syntax.
 *
 * tcp keeps libxt_tcp's hand-written parser (its own "Only one ..."
 * messages, '!' on every option); udp is one of libxtables' guided
 * parsers (ports through getaddrinfo, no min <= max check, duplicates
 * refused by the caller with libxtables' wording).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext/ext-private.h"

enum {
	TCP_INV_SRCPT = 0x01,
	TCP_INV_DSTPT = 0x02,
	TCP_INV_FLAGS = 0x04,
	TCP_INV_OPTION = 0x08,
	TCP_INV_MASK = 0x0f,
};

/* Linux's struct xt_tcp, and 'parsed': options seen so far, used between
 * parse() and final_check() only (zero in a finished rule). */
struct tcp_info {
	uint16_t spts[2];
	uint16_t dpts[2];
	uint8_t option;
	uint8_t flg_mask;
	uint8_t flg_cmp;
	uint8_t invflags;
	uint8_t parsed;
};

struct udp_info {
	uint16_t spts[2];
	uint16_t dpts[2];
	uint8_t invflags;
};

enum { O_SPORT, O_DPORT, O_SYN, O_FLAGS, O_OPTION };

static const struct nfu_xt_option tcp_opts[] = {
	{ "source-port", O_SPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "sport", O_SPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "destination-port", O_DPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "dport", O_DPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "syn", O_SYN, NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "tcp-flags", O_FLAGS, NFU_XTOPT_ARG | NFU_XTOPT_ARG2 | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "tcp-option", O_OPTION, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ NULL, 0, 0 },
};

static const struct nfu_xt_option udp_opts[] = {
	{ "source-port", O_SPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "sport", O_SPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "destination-port", O_DPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "dport", O_DPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

static const struct {
	const char *name;
	uint8_t flag;
} tcp_flag_names[] = {
	{ "FIN", 0x01 }, { "SYN", 0x02 }, { "RST", 0x04 }, { "PSH", 0x08 },
	{ "ACK", 0x10 }, { "URG", 0x20 }, { "ALL", 0x3f }, { "NONE", 0 },
};

static void tcp_init(void *data)
{
	struct tcp_info *t = data;

	t->spts[1] = t->dpts[1] = 0xffff;
}

static void udp_init(void *data)
{
	struct udp_info *u = data;

	u->spts[1] = u->dpts[1] = 0xffff;
}

/* libxt_tcp's parse_tcp_ports(): "a", "a:b", ":b", "a:", ":" */
static int tcp_ports(struct nfu_xt_parse_ctx *ctx, const char *arg,
		     uint16_t *ports)
{
	const char *colon = strchr(arg, ':');
	char *lo;
	int p;

	if (!colon) {
		p = nfu_ext_parse_port(arg, "tcp");
		if (p < 0)
			return nfu_xt_error(ctx, "invalid port/service `%s' specified", arg);
		ports[0] = ports[1] = (uint16_t)p;
		return 0;
	}
	lo = strndup(arg, (size_t)(colon - arg));
	if (!lo)
		return -ENOMEM;
	ports[0] = 0;
	if (lo[0]) {
		p = nfu_ext_parse_port(lo, "tcp");
		if (p < 0) {
			nfu_xt_error(ctx, "invalid port/service `%s' specified", lo);
			free(lo);
			return -EINVAL;
		}
		ports[0] = (uint16_t)p;
	}
	free(lo);
	ports[1] = 0xffff;
	if (colon[1]) {
		p = nfu_ext_parse_port(colon + 1, "tcp");
		if (p < 0)
			return nfu_xt_error(ctx, "invalid port/service `%s' specified",
					    colon + 1);
		ports[1] = (uint16_t)p;
	}
	if (ports[0] > ports[1])
		return nfu_xt_error(ctx, "invalid portrange (min > max)");
	return 0;
}

/* libxt_tcp's parse_tcp_flag(): names joined by ',' (empty ones
 * skipped), any case. */
static int tcp_flag_list(struct nfu_xt_parse_ctx *ctx, const char *arg,
			 uint8_t *out)
{
	const char *p = arg;
	uint8_t ret = 0;

	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned int i;

		if (n) {
			for (i = 0; i < sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]); i++)
				if (strlen(tcp_flag_names[i].name) == n &&
				    !strncasecmp(tcp_flag_names[i].name, p, n))
					break;
			if (i == sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]))
				return nfu_xt_error(ctx, "Unknown TCP flag `%.*s'",
						    (int)n, p);
			ret |= tcp_flag_names[i].flag;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	*out = ret;
	return 0;
}

static int tcp_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct tcp_info *t = data;
	uintmax_t v;
	int rc;

	switch (id) {
	case O_SPORT:
		if (t->parsed & 0x01)
			return nfu_xt_error(ctx, "Only one `--source-port' allowed");
		rc = tcp_ports(ctx, arg, t->spts);
		if (rc)
			return rc;
		if (invert)
			t->invflags |= TCP_INV_SRCPT;
		t->parsed |= 0x01;
		return 0;
	case O_DPORT:
		if (t->parsed & 0x02)
			return nfu_xt_error(ctx, "Only one `--destination-port' allowed");
		rc = tcp_ports(ctx, arg, t->dpts);
		if (rc)
			return rc;
		if (invert)
			t->invflags |= TCP_INV_DSTPT;
		t->parsed |= 0x02;
		return 0;
	case O_SYN:
	case O_FLAGS:
		if (t->parsed & 0x04)
			return nfu_xt_error(ctx, "Only one of `--syn' or `--tcp-flags'  allowed");
		if (id == O_SYN) {
			t->flg_mask = 0x17; /* SYN,RST,ACK,FIN */
			t->flg_cmp = 0x02;
		} else {
			if (!ctx->arg2)
				return nfu_xt_error(ctx, "--tcp-flags requires two args.");
			rc = tcp_flag_list(ctx, arg, &t->flg_mask);
			if (!rc)
				rc = tcp_flag_list(ctx, ctx->arg2, &t->flg_cmp);
			if (rc)
				return rc;
		}
		if (invert)
			t->invflags |= TCP_INV_FLAGS;
		t->parsed |= 0x04;
		return 0;
	case O_OPTION:
		if (t->parsed & 0x08)
			return nfu_xt_error(ctx, "Only one `--tcp-option' allowed");
		if (!nfu_ext_strtoul(arg, NULL, &v, 1, UINT8_MAX, 0))
			return nfu_xt_error(ctx, "Bad TCP option \"%s\"", arg);
		t->option = (uint8_t)v;
		if (invert)
			t->invflags |= TCP_INV_OPTION;
		t->parsed |= 0x08;
		return 0;
	}
	return -EINVAL;
}

static int tcp_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			   unsigned int seen)
{
	struct tcp_info *t = data;

	(void)ctx;
	(void)seen;
	t->parsed = 0;
	return 0;
}

/* libxtables' XTTYPE_PORTRC: up to two ':'-separated ports, each through
 * getaddrinfo(); an empty part keeps 0 or 65535; one part sets both. */
static int udp_ports(struct nfu_xt_parse_ctx *ctx, const char *name,
		     const char *arg, uint16_t *ports)
{
	uint16_t r[2] = { 0, 0xffff };
	unsigned int n = 0;
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ":");

		if (n == 2)
			return nfu_xt_error(ctx, "udp: Too many components for option \"--%s\" (max: 2)",
					    name);
		if (len) {
			char *part = strndup(p, len);
			int v;

			if (!part)
				return -ENOMEM;
			v = nfu_ext_getportbyname(part);
			if (v < 0) {
				nfu_xt_error(ctx, "Port \"%s\" does not resolve to anything.",
					     part);
				free(part);
				return -EINVAL;
			}
			free(part);
			r[n] = (uint16_t)v;
		}
		n++;
		if (!p[len])
			break;
		p += len + 1;
	}
	if (n == 1)
		r[1] = r[0];
	ports[0] = r[0];
	ports[1] = r[1];
	return 0;
}

static int udp_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct udp_info *u = data;
	int rc;

	if (id == O_SPORT) {
		rc = udp_ports(ctx, "source-port", arg, u->spts);
		if (!rc && invert)
			u->invflags |= TCP_INV_SRCPT;
	} else if (id == O_DPORT) {
		rc = udp_ports(ctx, "destination-port", arg, u->dpts);
		if (!rc && invert)
			u->invflags |= TCP_INV_DSTPT;
	} else {
		rc = -EINVAL;
	}
	return rc;
}

static int tcp_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct tcp_info *t = data;

	if (t->invflags & ~TCP_INV_MASK)
		return nfu_error_set(ctx->err, NULL, 0, 0, "tcp: unknown inversion flags 0x%x",
				     t->invflags);
	return 0;
}

static int udp_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct udp_info *u = data;

	if (u->invflags & ~(TCP_INV_SRCPT | TCP_INV_DSTPT))
		return nfu_error_set(ctx->err, NULL, 0, 0, "udp: unknown inversion flags 0x%x",
				     u->invflags);
	return 0;
}

static bool port_match(const uint16_t *r, uint16_t port, bool invert)
{
	return (port >= r[0] && port <= r[1]) ^ invert;
}

/* Linux's tcp_find_option(): walks the options as the kernel does, the
 * length of the last one read from the byte after it when there is one. */
static bool tcp_find_option(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			    uint8_t option, unsigned int optlen, bool invert)
{
	const uint8_t *op;
	size_t avail;

	if (!optlen)
		return invert;
	op = nfu_ext_header(pkt, par->thoff + 20u, optlen);
	if (!op) {
		par->hotdrop = true;
		return false;
	}
	avail = nfu_ext_avail(pkt, par->thoff + 20u);
	for (unsigned int i = 0; i < optlen;) {
		uint8_t l;

		if (op[i] == option)
			return !invert;
		if (op[i] < 2) {
			i++;
			continue;
		}
		l = i + 1 < avail ? op[i + 1] : 0;
		i += l ? l : 1;
	}
	return invert;
}

static bool tcp_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		      void *data)
{
	const struct tcp_info *t = data;
	const uint8_t *th;
	unsigned int doff;

	if (par->fragoff) {
		/* As Linux: a fragment at offset 8 bytes could rewrite the
		 * flags of the first one; it is dropped. */
		if (par->fragoff == 1)
			par->hotdrop = true;
		return false;
	}
	th = nfu_ext_header(pkt, par->thoff, 20);
	if (!th) {
		par->hotdrop = true;
		return false;
	}
	if (!port_match(t->spts, (uint16_t)(th[0] << 8 | th[1]),
			t->invflags & TCP_INV_SRCPT))
		return false;
	if (!port_match(t->dpts, (uint16_t)(th[2] << 8 | th[3]),
			t->invflags & TCP_INV_DSTPT))
		return false;
	if (((th[13] & t->flg_mask) == t->flg_cmp) ==
	    !!(t->invflags & TCP_INV_FLAGS))
		return false;
	if (t->option) {
		doff = (th[12] >> 4) * 4u;
		if (doff < 20) {
			par->hotdrop = true;
			return false;
		}
		if (!tcp_find_option(pkt, par, t->option, doff - 20,
				     t->invflags & TCP_INV_OPTION))
			return false;
	}
	return true;
}

static bool udp_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		      void *data)
{
	const struct udp_info *u = data;
	const uint8_t *uh;

	if (par->fragoff)
		return false;
	uh = nfu_ext_header(pkt, par->thoff, 8);
	if (!uh) {
		par->hotdrop = true;
		return false;
	}
	return port_match(u->spts, (uint16_t)(uh[0] << 8 | uh[1]),
			  u->invflags & TCP_INV_SRCPT) &&
	       port_match(u->dpts, (uint16_t)(uh[2] << 8 | uh[3]),
			  u->invflags & TCP_INV_DSTPT);
}

/* A range other than 0:65535 is saved; the inversion of a full range is
 * lost, as in iptables-save. */
static void save_ports(struct nfu_strbuf *sb, const char *opt,
		       const uint16_t *r, bool invert)
{
	if (r[0] == 0 && r[1] == 0xffff)
		return;
	if (invert)
		nfu_sb_puts(sb, " !");
	if (r[0] != r[1])
		nfu_sb_printf(sb, " --%s %u:%u", opt, r[0], r[1]);
	else
		nfu_sb_printf(sb, " --%s %u", opt, r[0]);
}

static void put_flags(struct nfu_strbuf *sb, uint8_t flags)
{
	bool any = false;

	for (unsigned int i = 0; i < 6; i++) {
		if (!(flags & tcp_flag_names[i].flag))
			continue;
		nfu_sb_printf(sb, "%s%s", any ? "," : "", tcp_flag_names[i].name);
		any = true;
	}
	if (!any)
		nfu_sb_puts(sb, "NONE");
}

static void tcp_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	const struct tcp_info *t = data;

	(void)ip;
	save_ports(sb, "sport", t->spts, t->invflags & TCP_INV_SRCPT);
	save_ports(sb, "dport", t->dpts, t->invflags & TCP_INV_DSTPT);
	if (t->option || (t->invflags & TCP_INV_OPTION))
		nfu_sb_printf(sb, "%s --tcp-option %u",
			      t->invflags & TCP_INV_OPTION ? " !" : "", t->option);
	if (t->flg_mask || (t->invflags & TCP_INV_FLAGS)) {
		nfu_sb_printf(sb, "%s --tcp-flags ",
			      t->invflags & TCP_INV_FLAGS ? " !" : "");
		put_flags(sb, t->flg_mask);
		nfu_sb_puts(sb, " ");
		put_flags(sb, t->flg_cmp);
	}
}

static void udp_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	const struct udp_info *u = data;

	(void)ip;
	save_ports(sb, "sport", u->spts, u->invflags & TCP_INV_SRCPT);
	save_ports(sb, "dport", u->dpts, u->invflags & TCP_INV_DSTPT);
}

static void print_port(struct nfu_strbuf *sb, uint16_t port, bool numeric,
		       const char *proto)
{
	char buf[64];
	const char *s = numeric ? NULL :
		nfu_ext_port_to_service(port, proto, buf, sizeof(buf));

	if (s)
		nfu_sb_puts(sb, s);
	else
		nfu_sb_printf(sb, "%u", port);
}

/* iptables -L: "spt:80", "dpts:!1:1024" (a full inverted range shown). */
static void print_ports(struct nfu_strbuf *sb, const char *name,
			const uint16_t *r, bool invert, bool numeric,
			const char *proto)
{
	if (r[0] == 0 && r[1] == 0xffff && !invert)
		return;
	nfu_sb_printf(sb, " %s%s:%s", name, r[0] == r[1] ? "" : "s",
		      invert ? "!" : "");
	print_port(sb, r[0], numeric, proto);
	if (r[0] != r[1]) {
		nfu_sb_puts(sb, ":");
		print_port(sb, r[1], numeric, proto);
	}
}

static void tcp_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	const struct tcp_info *t = data;
	bool inv = t->invflags & TCP_INV_FLAGS;

	(void)ip;
	nfu_sb_puts(sb, " tcp");
	print_ports(sb, "spt", t->spts, t->invflags & TCP_INV_SRCPT, numeric, "tcp");
	print_ports(sb, "dpt", t->dpts, t->invflags & TCP_INV_DSTPT, numeric, "tcp");
	if (t->option || (t->invflags & TCP_INV_OPTION))
		nfu_sb_printf(sb, " option=%s%u",
			      t->invflags & TCP_INV_OPTION ? "!" : "", t->option);
	if (t->flg_mask || inv) {
		nfu_sb_printf(sb, " flags:%s", inv ? "!" : "");
		if (numeric) {
			nfu_sb_printf(sb, "0x%02X/0x%02X", t->flg_mask, t->flg_cmp);
		} else {
			put_flags(sb, t->flg_mask);
			nfu_sb_puts(sb, "/");
			put_flags(sb, t->flg_cmp);
		}
	}
}

static void udp_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	const struct udp_info *u = data;

	(void)ip;
	nfu_sb_puts(sb, " udp");
	print_ports(sb, "spt", u->spts, u->invflags & TCP_INV_SRCPT, numeric, "udp");
	print_ports(sb, "dpt", u->dpts, u->invflags & TCP_INV_DSTPT, numeric, "udp");
}

const struct nfu_xt_match_ops nfu_xt_tcp = {
	.name = "tcp",
	.revision = 0,
	.size = sizeof(struct tcp_info),
	.proto = 6,
	.options = tcp_opts,
	.init = tcp_init,
	.parse = tcp_parse,
	.final_check = tcp_final_check,
	.check = tcp_check,
	.match = tcp_match,
	.save = tcp_save,
	.print = tcp_print,
};

const struct nfu_xt_match_ops nfu_xt_udp = {
	.name = "udp",
	.revision = 0,
	.size = sizeof(struct udp_info),
	.proto = 17,
	.options = udp_opts,
	.init = udp_init,
	.parse = udp_parse,
	.check = udp_check,
	.match = udp_match,
	.save = udp_save,
	.print = udp_print,
};
