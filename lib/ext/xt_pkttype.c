/* SPDX-License-Identifier: MIT */
/* xt_pkttype.c - the "pkttype" match: the link-layer class of the packet
 * (Linux's skb->pkt_type); a looped-back packet counts as multicast or
 * broadcast by its destination, as in Linux. */
#include <strings.h>

#include "ext/ext-private.h"

struct pkttype_info {
	int pkttype;
	int invert;
};

static const struct nfu_xt_option pkttype_opts[] = {
	{ "pkt-type", 0, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

/* iptables' names; the first of a value is the one printed. */
static const struct {
	const char *name;
	int type;
} names[] = {
	{ "unicast", NFU_PACKET_HOST },
	{ "broadcast", NFU_PACKET_BROADCAST },
	{ "multicast", NFU_PACKET_MULTICAST },
	{ "otherhost", NFU_PACKET_OTHERHOST },
	{ "host", NFU_PACKET_HOST },
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static int pkttype_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			 const char *arg, bool invert, void *data)
{
	struct pkttype_info *p = data;

	(void)id;
	for (unsigned int i = 0; i < NNAMES; i++)
		if (!strcasecmp(arg, names[i].name)) {
			p->pkttype = names[i].type;
			p->invert = invert;
			return 0;
		}
	return nfu_xt_error(ctx, "Bad packet type '%s'", arg);
}

static int pkttype_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			       unsigned int seen)
{
	(void)data;
	if (!(seen & 1u))
		return nfu_xt_error(ctx, "pkttype: option \"--pkt-type\" must be specified");
	return 0;
}

static bool pkttype_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			  void *data)
{
	const struct pkttype_info *p = data;
	const uint8_t *iph = nfu_pkt_network_header(pkt);
	int type = pkt->pkt_type;

	(void)par;
	if (type == NFU_PACKET_LOOPBACK)
		type = (iph[16] & 0xf0) == 0xe0 ? NFU_PACKET_MULTICAST :
						  NFU_PACKET_BROADCAST;
	return (type == p->pkttype) ^ !!p->invert;
}

static const char *type_name(int t)
{
	for (unsigned int i = 0; i < NNAMES; i++)
		if (names[i].type == t)
			return names[i].name;
	return "?";
}

static void pkttype_save(const void *data, const struct nfu_xt_ip *ip,
			 struct nfu_strbuf *sb)
{
	const struct pkttype_info *p = data;

	(void)ip;
	nfu_sb_printf(sb, "%s --pkt-type %s", p->invert ? " !" : "",
		      type_name(p->pkttype));
}

static void pkttype_print(const void *data, const struct nfu_xt_ip *ip,
			  bool numeric, struct nfu_strbuf *sb)
{
	const struct pkttype_info *p = data;

	(void)ip;
	(void)numeric;
	nfu_sb_printf(sb, " PKTTYPE %s %s", p->invert ? "!=" : "=",
		      type_name(p->pkttype));
}

const struct nfu_xt_match_ops nfu_xt_pkttype = {
	.name = "pkttype",
	.size = sizeof(struct pkttype_info),
	.options = pkttype_opts,
	.parse = pkttype_parse,
	.final_check = pkttype_final_check,
	.match = pkttype_match,
	.save = pkttype_save,
	.print = pkttype_print,
};
