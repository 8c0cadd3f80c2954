/* SPDX-License-Identifier: MIT */
/*
 * xt_multiport.c - the "multiport" match, revision 1: up to 15 ports, a
 * range taking two of them, as source, destination or either port.
 * Protocol: tcp, udp, udplite, sctp or dccp, not inverted (Linux's
 * check_proto(); iptables refuses the rest while parsing).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ext/ext-private.h"

#define MULTI_PORTS 15

enum { MP_SOURCE = 0, MP_DESTINATION = 1, MP_EITHER = 2 };

/* Linux's struct xt_multiport_v1. */
struct multiport_info {
	uint8_t flags;
	uint8_t count;
	uint16_t ports[MULTI_PORTS];
	uint8_t pflags[MULTI_PORTS];
	uint8_t invert;
};

enum { O_SOURCE, O_DEST, O_SD };

static const struct nfu_xt_option multiport_opts[] = {
	{ "source-ports", O_SOURCE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "sports", O_SOURCE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "destination-ports", O_DEST, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "dports", O_DEST, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "ports", O_SD, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

static const char *const opt_names[] = { "source-ports", "destination-ports",
					 "ports" };

static bool proto_ok(uint16_t p)
{
	return p == 6 || p == 17 || p == 136 || p == 132 || p == 33;
}

static int one_port(struct nfu_xt_parse_ctx *ctx, const char *s,
		    const char *proto, uint16_t *out)
{
	int p = nfu_ext_parse_port(s, proto);

	if (p < 0)
		return nfu_xt_error(ctx, "invalid port/service `%s' specified", s);
	*out = (uint16_t)p;
	return 0;
}

static int ports_parse(struct nfu_xt_parse_ctx *ctx, const char *arg,
		       const char *proto, struct multiport_info *m)
{
	char *buf = strdup(arg), *cp, *next, *range;
	unsigned int i;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	for (cp = buf, i = 0; cp && i < MULTI_PORTS; cp = next, i++) {
		next = strchr(cp, ',');
		if (next)
			*next++ = 0;
		range = strchr(cp, ':');
		if (range) {
			if (i == MULTI_PORTS - 1) {
				rc = nfu_xt_error(ctx, "too many ports specified");
				goto out;
			}
			*range++ = 0;
		}
		rc = one_port(ctx, cp, proto, &m->ports[i]);
		if (rc)
			goto out;
		if (range) {
			m->pflags[i] = 1;
			rc = one_port(ctx, range, proto, &m->ports[++i]);
			if (rc)
				goto out;
			if (m->ports[i - 1] >= m->ports[i]) {
				rc = nfu_xt_error(ctx, "invalid portrange specified");
				goto out;
			}
		}
	}
	if (cp) {
		rc = nfu_xt_error(ctx, "too many ports specified");
		goto out;
	}
	m->count = (uint8_t)i;
out:
	free(buf);
	return rc;
}

static int multiport_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			   const char *arg, bool invert, void *data)
{
	struct multiport_info *m = data;
	uint16_t p = ctx->ip ? ctx->ip->proto : 0;
	bool pinv = ctx->ip && (ctx->ip->invflags & NFU_IPT_INV_PROTO);
	int rc;

	if (pinv || (p && !proto_ok(p)))
		return nfu_xt_error(ctx, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
	if (!p)
		return nfu_xt_error(ctx, "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
	memset(m->ports, 0, sizeof(m->ports));
	memset(m->pflags, 0, sizeof(m->pflags));
	rc = ports_parse(ctx, arg, nfu_ext_proto_name(p), m);
	if (rc)
		return rc;
	m->flags = id == O_SOURCE ? MP_SOURCE :
		   id == O_DEST ? MP_DESTINATION : MP_EITHER;
	if (invert)
		m->invert = 1;
	return 0;
}

static int multiport_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				 unsigned int seen)
{
	(void)data;
	if (!seen)
		return nfu_xt_error(ctx, "multiport expection an option");
	/* the three exclude each other; libxtables names the pair in the
	 * order of its option table */
	for (unsigned int a = 0; a < 3; a++)
		for (unsigned int b = 0; b < 3; b++)
			if (a != b && (seen & (1u << a)) && (seen & (1u << b)))
				return nfu_xt_error(ctx, "multiport: option \"--%s\" cannot be used together with \"--%s\".",
						    opt_names[a], opt_names[b]);
	return 0;
}

static int multiport_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct multiport_info *m = data;

	if (!proto_ok(ctx->ip->proto) ||
	    (ctx->ip->invflags & NFU_IPT_INV_PROTO))
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "multiport: only valid for tcp, udp, udplite, sctp and dccp, not inverted");
	if (m->flags > MP_EITHER || m->count > MULTI_PORTS)
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "multiport: bad flags %u or port count %u",
				     m->flags, m->count);
	return 0;
}

static bool multiport_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			    void *data)
{
	const struct multiport_info *m = data;
	const uint8_t *pp;
	uint16_t src, dst;

	if (par->fragoff)
		return false;
	pp = nfu_ext_header(pkt, par->thoff, 4);
	if (!pp) {
		par->hotdrop = true;
		return false;
	}
	src = (uint16_t)(pp[0] << 8 | pp[1]);
	dst = (uint16_t)(pp[2] << 8 | pp[3]);
	for (unsigned int i = 0; i < m->count && i < MULTI_PORTS; i++) {
		uint16_t s = m->ports[i], e = s;

		if (m->pflags[i] && i + 1 < MULTI_PORTS)
			e = m->ports[++i];
		if ((m->flags == MP_SOURCE || m->flags == MP_EITHER) &&
		    src >= s && src <= e)
			return !m->invert;
		if ((m->flags == MP_DESTINATION || m->flags == MP_EITHER) &&
		    dst >= s && dst <= e)
			return !m->invert;
	}
	return m->invert;
}

static void put_ports(const struct multiport_info *m, bool numeric,
		      const char *proto, struct nfu_strbuf *sb)
{
	for (unsigned int i = 0; i < m->count && i < MULTI_PORTS; i++) {
		char buf[64];
		const char *s;
		unsigned int k = i;

		if (i)
			nfu_sb_puts(sb, ",");
		for (int part = 0; part < 2; part++) {
			s = numeric || !proto ? NULL :
				nfu_ext_port_to_service(m->ports[k], proto, buf, sizeof(buf));
			if (s)
				nfu_sb_puts(sb, s);
			else
				nfu_sb_printf(sb, "%u", m->ports[k]);
			if (part || !m->pflags[i] || i + 1 >= MULTI_PORTS)
				break;
			nfu_sb_puts(sb, ":");
			k = ++i;
		}
	}
}

static void multiport_save(const void *data, const struct nfu_xt_ip *ip,
			   struct nfu_strbuf *sb)
{
	const struct multiport_info *m = data;

	(void)ip;
	if (m->invert)
		nfu_sb_puts(sb, " !");
	nfu_sb_puts(sb, m->flags == MP_SOURCE ? " --sports " :
			m->flags == MP_DESTINATION ? " --dports " : " --ports ");
	put_ports(m, true, NULL, sb);
}

/* iptables -L: "multiport dports 80,443", "multiport dports  !80". */
static void multiport_print(const void *data, const struct nfu_xt_ip *ip,
			    bool numeric, struct nfu_strbuf *sb)
{
	const struct multiport_info *m = data;

	nfu_sb_puts(sb, m->flags == MP_SOURCE ? " multiport sports " :
			m->flags == MP_DESTINATION ? " multiport dports " :
			" multiport ports ");
	if (m->invert)
		nfu_sb_puts(sb, " !");
	put_ports(m, numeric, ip ? nfu_ext_proto_name(ip->proto) : NULL, sb);
}

const struct nfu_xt_match_ops nfu_xt_multiport = {
	.name = "multiport",
	.revision = 1,
	.size = sizeof(struct multiport_info),
	.options = multiport_opts,
	.parse = multiport_parse,
	.final_check = multiport_final_check,
	.check = multiport_check,
	.match = multiport_match,
	.save = multiport_save,
	.print = multiport_print,
};
