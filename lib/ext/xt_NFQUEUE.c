/* SPDX-License-Identifier: MIT */
/*
 * NFQUEUE revision 3: hand the packet to a user-space queue (Linux's
 * xt_NFQUEUE with struct xt_NFQ_info_v3, libxt_NFQUEUE of iptables
 * 1.8.9).  Options: --queue-num N (0-65535, default 0), --queue-balance
 * A:B (A < B), --queue-bypass, --queue-cpu-fanout (needs --queue-balance);
 * --queue-num and --queue-balance exclude each other.  Any table, any
 * chain, as in Linux.
 *
 * Revisions.  iptables 1.8.9 knows revisions 0 to 3 and, as for every
 * extension, uses the highest one the kernel has: Linux has all four, so
 * every NFQUEUE rule iptables-legacy loads is revision 3, whatever its
 * options (revision 1 added --queue-balance, 2 --queue-bypass, 3
 * --queue-cpu-fanout); its save and -L text are revision 3's: the
 * queue ("--queue-num N", or "--queue-balance A:B" when it spans more
 * than one queue), then "--queue-bypass", then "--queue-cpu-fanout".
 * nfu has revision 3 only.
 *
 * The verdict (nfqueue_tg_v3()): NFU_VERDICT_QUEUE(queue, bypass), the
 * queue being --queue-num, or for a balance the first queue plus
 * reciprocal_scale(hash, count) where the hash is Linux's hash_v4() of
 * nfqueue_hash(): jhash_3words() of the lower address, the higher one and
 * the protocol, so both directions of a connection go to one queue.  What
 * happens to the packet then (a handler, none and --queue-bypass) is
 * lib/core/queue.c's business.
 */
#include <errno.h>
#include <string.h>

#include "core/jhash.h"
#include "ext/ext-args.h"
#include "ext/ext-private.h"
#include "ext/xt_NFQUEUE.h"

/* NFQ_FLAG_* */
enum {
	NFQ_FLAG_BYPASS = 0x01,
	NFQ_FLAG_CPU_FANOUT = 0x02,
	NFQ_FLAG_MASK = 0x03,
};

struct nfq_info_v3 { /* xt_NFQ_info_v3 */
	uint16_t queuenum;
	uint16_t queues_total;
	uint16_t flags;
};

enum {
	O_QUEUE_NUM = 0,
	O_QUEUE_BALANCE,
	O_QUEUE_BYPASS,
	O_QUEUE_CPU_FANOUT,
	F_QUEUE_NUM = 1 << O_QUEUE_NUM,
	F_QUEUE_BALANCE = 1 << O_QUEUE_BALANCE,
	F_QUEUE_CPU_FANOUT = 1 << O_QUEUE_CPU_FANOUT,
};

static const struct nfu_xt_option nfq_opts[] = {
	{ "queue-num", O_QUEUE_NUM, NFU_XTOPT_ARG },
	{ "queue-balance", O_QUEUE_BALANCE, NFU_XTOPT_ARG },
	{ "queue-bypass", O_QUEUE_BYPASS, 0 },
	{ "queue-cpu-fanout", O_QUEUE_CPU_FANOUT, 0 },
	{ NULL, 0, 0 },
};

/*
 * Linux draws the hash's initval at random once (init_hashrandom() in
 * checkentry), so which queue of a balance a connection gets differs
 * from boot to boot.  nfu uses this fixed value instead, so that a replay
 * gives the same queues every time; a connection still keeps to one
 * queue and connections still spread over the range as in Linux.
 */
#define NFU_NFQUEUE_HASH_SEED 0x6e667571u /* "nfuq" */

static void nfq_init(void *data)
{
	struct nfq_info_v3 *info = data;

	info->queues_total = 1; /* NFQUEUE_init_v1() */
}

/*
 * XTTYPE_UINT16RC as libxtables' xtopt_parse_mint() reads it: at most two
 * numbers (C notation, up to 65535) separated by ':', an empty first one
 * 0 and an empty second one 65535.  Returns the count of numbers read.
 */
static int parse_u16_range(struct nfu_xt_parse_ctx *ctx, const char *arg,
			   uint32_t r[2])
{
	const char *p = arg;
	unsigned int n = 0;
	char *end;
	uintmax_t v;

	for (;;) {
		if (n == 2)
			return nfu_xt_error(ctx, "NFQUEUE: Too many components "
					    "for option \"--queue-balance\" "
					    "(max: 2)");
		if (*p == '\0' || *p == ':') {
			end = (char *)p;
			v = n == 1 ? UINT16_MAX : 0;
		} else {
			if (p[strspn(p, " \t\n\v\f\r")] == '-' ||
			    !nfu_ext_strtoul(p, &end, &v, 0, UINT16_MAX, 0))
				return nfu_xt_error(ctx, "NFQUEUE: bad value for "
						    "option \"--queue-balance\" "
						    "near \"%s\", or out of "
						    "range (0-%u).", p,
						    UINT16_MAX);
			if (*end != '\0' && *end != ':')
				return nfu_xt_error(ctx, "NFQUEUE: Argument to "
						    "\"--queue-balance\" has "
						    "unexpected characters "
						    "near \"%s\".", end);
		}
		r[n++] = (uint32_t)v;
		if (*end == '\0')
			return (int)n;
		p = end + 1;
	}
}

static int nfq_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		     const char *arg, bool invert, void *data)
{
	struct nfq_info_v3 *info = data;
	uint32_t v, r[2];
	int rc;

	(void)invert;
	switch (id) {
	case O_QUEUE_NUM:
		rc = nfu_ext_parse_uint(ctx, "NFQUEUE", "queue-num", arg, 0,
					UINT16_MAX, &v);
		if (rc < 0)
			return rc;
		info->queuenum = (uint16_t)v;
		return 0;
	case O_QUEUE_BALANCE:
		rc = parse_u16_range(ctx, arg, r);
		if (rc < 0)
			return rc;
		if (rc != 2)
			return nfu_xt_error(ctx, "Bad range \"%s\"", arg);
		if (r[0] >= r[1])
			return nfu_xt_error(ctx, "%u should be less than %u",
					    r[0], r[1]);
		info->queuenum = (uint16_t)r[0];
		/* 0:65535 makes 65536, which the u16 field holds as 0:
		 * libxt_NFQUEUE lets it through and checkentry refuses it */
		info->queues_total = (uint16_t)(r[1] - r[0] + 1);
		return 0;
	case O_QUEUE_BYPASS:
		info->flags |= NFQ_FLAG_BYPASS;
		return 0;
	default: /* O_QUEUE_CPU_FANOUT */
		info->flags |= NFQ_FLAG_CPU_FANOUT;
		return 0;
	}
}

/* xtables_options_fcheck() over libxt_NFQUEUE's table: in table order,
 * --queue-num excludes --queue-balance, then --queue-cpu-fanout needs
 * --queue-balance. */
static int nfq_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			   unsigned int seen)
{
	(void)data;
	if ((seen & F_QUEUE_NUM) && (seen & F_QUEUE_BALANCE))
		return nfu_xt_error(ctx, "NFQUEUE: option \"--queue-num\" "
				    "cannot be used together with "
				    "\"--queue-balance\".");
	if ((seen & F_QUEUE_CPU_FANOUT) && !(seen & F_QUEUE_BALANCE))
		return nfu_xt_error(ctx, "NFQUEUE: option \"--queue-cpu-fanout\" "
				    "also requires \"--queue-balance\".");
	return 0;
}

/* nfqueue_tg_check(), with its messages. */
static int nfq_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct nfq_info_v3 *info = data;
	uint32_t maxid;

	if (info->queues_total == 0) {
		nfu_error_set(ctx->err, NULL, 0, 0,
			      "xt_NFQUEUE: number of total queues is 0");
		return -EINVAL;
	}
	maxid = (uint32_t)info->queues_total - 1 + info->queuenum;
	if (maxid > 0xffff) {
		nfu_error_set(ctx->err, NULL, 0, 0,
			      "xt_NFQUEUE: number of queues (%u) out of range "
			      "(got %u)", info->queues_total, maxid);
		return -ERANGE;
	}
	if (info->flags & ~NFQ_FLAG_MASK) {
		nfu_error_set(ctx->err, NULL, 0, 0,
			      "xt_NFQUEUE: unknown flags 0x%x", info->flags);
		return -EINVAL;
	}
	return 0;
}

/* Bytes 'p' as Linux's (__force u32) of a __be32 reads them on the
 * little-endian machines it mostly runs on (x86, arm64): hash_v4() hashes
 * and compares the addresses so, and nfu must pick the queues Linux
 * picks there whatever machine it runs on. */
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* hash_v4(): the same for both directions of a connection. */
static uint32_t hash_v4(const uint8_t *iph, uint32_t initval)
{
	uint32_t saddr = le32(iph + 12), daddr = le32(iph + 16);

	if (saddr < daddr)
		return nfu_jhash_3words(saddr, daddr, iph[9], initval);
	return nfu_jhash_3words(daddr, saddr, iph[9], initval);
}

static unsigned int nfq_target(struct nfu_pkt *pkt, struct nfu_xt_par *par,
			       void *data)
{
	const struct nfq_info_v3 *info = data;
	uint32_t queue = info->queuenum;

	(void)par;
	if (info->queues_total > 1) {
		if (info->flags & NFQ_FLAG_CPU_FANOUT) {
			/* Linux: the first queue plus the number of the CPU
			 * the packet is handled on, modulo the count.  A
			 * stack of nfu runs on one thread, nfu's CPU 0, so
			 * every packet goes to the first queue. */
			unsigned int cpu = 0;

			queue = info->queuenum + cpu % info->queues_total;
		} else {
			/* the rule's IPv4 header is there: the core checked it */
			const uint8_t *iph = nfu_ext_header(pkt, 0, 20);

			if (iph)
				queue += nfu_reciprocal_scale(
					hash_v4(iph, NFU_NFQUEUE_HASH_SEED),
					info->queues_total);
		}
	}
	return NFU_VERDICT_QUEUE(queue, info->flags & NFQ_FLAG_BYPASS);
}

/* NFQUEUE_save_v3() and NFQUEUE_print_v3(): 'words' the four words. */
static void nfq_put(const struct nfq_info_v3 *info,
		    const char *const words[4], struct nfu_strbuf *sb)
{
	if (info->queues_total > 1)
		nfu_sb_printf(sb, " %s %u:%u", words[1], info->queuenum,
			      (unsigned int)info->queuenum +
				      info->queues_total - 1);
	else
		nfu_sb_printf(sb, " %s %u", words[0], info->queuenum);
	if (info->flags & NFQ_FLAG_BYPASS)
		nfu_sb_printf(sb, " %s", words[2]);
	if (info->flags & NFQ_FLAG_CPU_FANOUT)
		nfu_sb_printf(sb, " %s", words[3]);
}

static void nfq_save(const void *data, const struct nfu_xt_ip *ip,
		     struct nfu_strbuf *sb)
{
	static const char *const words[4] = { "--queue-num",
					      "--queue-balance",
					      "--queue-bypass",
					      "--queue-cpu-fanout" };

	(void)ip;
	nfq_put(data, words, sb);
}

static void nfq_print(const void *data, const struct nfu_xt_ip *ip,
		      bool numeric, struct nfu_strbuf *sb)
{
	static const char *const words[4] = { "num", "balance", "bypass",
					      "cpu-fanout" };

	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, " NFQUEUE");
	nfq_put(data, words, sb);
}

const struct nfu_xt_target_ops nfu_xt_NFQUEUE = {
	.name = "NFQUEUE",
	.revision = 3,
	.size = sizeof(struct nfq_info_v3),
	.options = nfq_opts,
	.init = nfq_init,
	.parse = nfq_parse,
	.final_check = nfq_final_check,
	.check = nfq_check,
	.target = nfq_target,
	.save = nfq_save,
	.print = nfq_print,
};

/* ---- the queues a ruleset can choose ---- */

static void set_bits(uint8_t *bitmap, uint32_t first, uint32_t count)
{
	for (uint32_t q = first; q < first + count && q <= UINT16_MAX; q++)
		bitmap[q / 8] |= (uint8_t)(1u << (q % 8));
}

int nfu_xt_queue_nums(const struct nfu_xt_ruleset *rs, uint8_t bitmap[8192])
{
	int n = 0;

	memset(bitmap, 0, 8192);
	for (unsigned int t = 0; t < NFU_XT_NTABLES; t++) {
		const struct nfu_xt_table *tab = &rs->tables[t];

		for (unsigned int c = 0; c < tab->nchains; c++) {
			const struct nfu_xt_chain *ch = tab->chains[c];

			for (unsigned int i = 0; i < ch->nrules; i++) {
				const struct nfu_xt_rule *r = ch->rules[i];
				const struct nfq_info_v3 *info = r->tdata;

				if (r->tkind == NFU_XT_T_VERDICT &&
				    r->verdict == NFU_XT_STD_QUEUE)
					set_bits(bitmap, 0, 1);
				else if (r->tkind == NFU_XT_T_EXT &&
					 r->target == &nfu_xt_NFQUEUE)
					/* a count of 0 is refused at commit */
					set_bits(bitmap, info->queuenum,
						 info->queues_total);
			}
		}
	}
	for (unsigned int i = 0; i < 8192; i++)
		n += __builtin_popcount(bitmap[i]);
	return n;
}
