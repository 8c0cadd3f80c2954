/* SPDX-License-Identifier: MIT */
/*
 * CHECKSUM --checksum-fill: complete a checksum left to the NIC (Linux's
 * xt_CHECKSUM, libxt_CHECKSUM of iptables 1.8.9).  The mangle table only.
 *
 * Linux computes the checksum of a packet that holds CHECKSUM_PARTIAL
 * (offloaded).  nfu never offloads: every packet it makes or forwards
 * carries its checksums in full, so there is nothing left to fill and the
 * target goes on with the next rule, as Linux's does for a packet whose
 * checksum is complete.
 */
#include <errno.h>

#include "ext/ext-private.h"

#define CHECKSUM_OP_FILL 0x01

struct checksum_info { /* xt_CHECKSUM_info */
	uint8_t operation;
};

enum { O_FILL = 0 };

static const struct nfu_xt_option checksum_opts[] = {
	{ "checksum-fill", O_FILL, 0 },
	{ NULL, 0, 0 },
};

static int checksum_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			  const char *arg, bool invert, void *data)
{
	struct checksum_info *info = data;

	(void)ctx;
	(void)id;
	(void)arg;
	(void)invert;
	info->operation = CHECKSUM_OP_FILL;
	return 0;
}

static int checksum_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				unsigned int seen)
{
	(void)data;
	if (!(seen & (1u << O_FILL)))
		return nfu_xt_error(ctx, "CHECKSUM: option \"--checksum-fill\" "
				    "must be specified");
	return 0;
}

static int checksum_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct checksum_info *info = data;

	if (info->operation != CHECKSUM_OP_FILL)
		return nfu_error_set(ctx->err, NULL, 0, 0,
				     "CHECKSUM: unsupported operation 0x%x",
				     info->operation);
	return 0;
}

/* Every nfu packet holds complete checksums: nothing to fill. */
static unsigned int checksum_target(struct nfu_pkt *pkt,
				    struct nfu_xt_par *par, void *data)
{
	(void)pkt;
	(void)par;
	(void)data;
	return NFU_XT_CONTINUE;
}

static void checksum_save(const void *data, const struct nfu_xt_ip *ip,
			  struct nfu_strbuf *sb)
{
	const struct checksum_info *info = data;

	(void)ip;
	if (info->operation & CHECKSUM_OP_FILL)
		nfu_sb_puts(sb, " --checksum-fill");
}

static void checksum_print(const void *data, const struct nfu_xt_ip *ip,
			   bool numeric, struct nfu_strbuf *sb)
{
	const struct checksum_info *info = data;

	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, " CHECKSUM");
	if (info->operation & CHECKSUM_OP_FILL)
		nfu_sb_puts(sb, " fill");
}

const struct nfu_xt_target_ops nfu_xt_CHECKSUM = {
	.name = "CHECKSUM",
	.revision = 0,
	.size = sizeof(struct checksum_info),
	.table = "mangle",
	.options = checksum_opts,
	.parse = checksum_parse,
	.final_check = checksum_final_check,
	.check = checksum_check,
	.target = checksum_target,
	.save = checksum_save,
	.print = checksum_print,
};
