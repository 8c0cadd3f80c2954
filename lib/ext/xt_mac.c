/* SPDX-License-Identifier: MIT */
/* xt_mac.c - the "mac" match: the Ethernet source address of a received
 * frame.  As Linux, only where a received frame's link header exists
 * (PREROUTING, INPUT, FORWARD), on an Ethernet device, and with that
 * header inside the packet's buffer in front of the IP header. */
#include <stdlib.h>
#include <string.h>

#include "ext/ext-private.h"
#include "nfu/hook.h"
#include "nfu/net.h"

struct mac_info {
	uint8_t srcaddr[6];
	uint8_t invert;
};

static const struct nfu_xt_option mac_opts[] = {
	{ "mac-source", 0, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ NULL, 0, 0 },
};

/* libxtables' XTTYPE_ETHERMAC: six strtoul(16) fields of at most two
 * characters (blanks and sign included, as strtoul reads them). */
static int mac_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct mac_info *m = data;
	uint8_t a[6];
	char *end;

	(void)id;
	for (unsigned int i = 0; i < 6; i++) {
		a[i] = (uint8_t)strtoul(arg, &end, 16);
		if (*end != (i < 5 ? ':' : '\0') || end - arg > 2)
			return nfu_xt_error(ctx, "Invalid MAC address specified.");
		arg = end + 1;
	}
	memcpy(m->srcaddr, a, 6);
	m->invert = invert;
	return 0;
}

static int mac_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			   unsigned int seen)
{
	(void)data;
	if (!(seen & 1u))
		return nfu_xt_error(ctx, "mac: option \"--mac-source\" must be specified");
	return 0;
}

static bool mac_match(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		      void *data)
{
	const struct mac_info *m = data;
	const struct nfu_dev *dev = pkt->in;
	size_t nh = (size_t)(pkt->data - pkt->head);

	(void)par;
	/* no device, not Ethernet (lo), or no link header in front */
	if (!dev || dev->loopback)
		return false;
	if ((size_t)pkt->mac_off + 14 > nh)
		return false;
	return !memcmp(pkt->head + pkt->mac_off + 6, m->srcaddr, 6) ^ m->invert;
}

static void put_mac(struct nfu_strbuf *sb, const uint8_t *a)
{
	nfu_sb_printf(sb, " %02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2],
		      a[3], a[4], a[5]);
}

static void mac_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	const struct mac_info *m = data;

	(void)ip;
	nfu_sb_puts(sb, m->invert ? " ! --mac-source" : " --mac-source");
	put_mac(sb, m->srcaddr);
}

static void mac_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	const struct mac_info *m = data;

	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, m->invert ? " MAC !" : " MAC");
	put_mac(sb, m->srcaddr);
}

const struct nfu_xt_match_ops nfu_xt_mac = {
	.name = "mac",
	.size = sizeof(struct mac_info),
	.hooks = NFU_XT_HOOK(NFU_INET_PRE_ROUTING) |
		 NFU_XT_HOOK(NFU_INET_LOCAL_IN) |
		 NFU_XT_HOOK(NFU_INET_FORWARD),
	.options = mac_opts,
	.parse = mac_parse,
	.final_check = mac_final_check,
	.match = mac_match,
	.save = mac_save,
	.print = mac_print,
};
