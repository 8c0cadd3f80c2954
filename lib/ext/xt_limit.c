/* SPDX-License-Identifier: MIT */
/*
 * xt_limit.c - the limit match: '--limit N[/second|minute|hour|day]
 * --limit-burst N', a token bucket.
 *
 * The rate is kept as iptables sends it: 'avg', the period between
 * packets in 1/10000 s (XT_LIMIT_SCALE), and 'burst'; default 3/hour,
 * burst 5.  iptables-save leaves the default burst out.
 *
 * The bucket is Linux's xt_limit, arithmetic included.  Linux counts in
 * jiffies and gives CREDITS_PER_JIFFY credits each; costs and the cap
 * come from user2credits() in 32 bits, wrapping where Linux wraps.  nfu
 * has no jiffies: it takes the stack's clock (nfu_net_now(), ns) divided
 * into ticks of 1/NFU_LIMIT_HZ s.  The tick only decides rounding (a
 * packet 3.9 ms after the last one gains nothing yet) and which large
 * rates overflow the check; NFU_LIMIT_HZ is 250, Debian's CONFIG_HZ and
 * that of the kernel the golden files were captured on, so that
 * "--limit 1/day" is refused as it is there.  A clock that goes
 * backwards (a replay of unordered captures) gives no credit, where
 * Linux's jiffies never go back.
 *
 * Each rule holds its own bucket, reset full at each commit, as Linux's
 * checkentry allocates a fresh one when a table is replaced.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext/ext-args.h"

#define LIMIT_SCALE 10000u    /* XT_LIMIT_SCALE */
#define LIMIT_BURST 5u
#define NFU_LIMIT_HZ 250u
#define NS_PER_TICK (1000000000u / NFU_LIMIT_HZ)

/* Linux's CREDITS_PER_JIFFY: the power of two below
 * 0xFFFFFFFF / (HZ * 60 * 60 * 24), so that 1/day fits in 32 bits. */
#define MAX_CPJ (0xFFFFFFFFu / (NFU_LIMIT_HZ * 60u * 60u * 24u))
#define POW2_BELOW2(x) ((x) | ((x) >> 1))
#define POW2_BELOW4(x) (POW2_BELOW2(x) | POW2_BELOW2((x) >> 2))
#define POW2_BELOW8(x) (POW2_BELOW4(x) | POW2_BELOW4((x) >> 4))
#define POW2_BELOW16(x) (POW2_BELOW8(x) | POW2_BELOW8((x) >> 8))
#define POW2_BELOW32(x) ((POW2_BELOW16(x) | POW2_BELOW16((x) >> 16)) >> 1) + 1)
#define CREDITS_PER_TICK ((uint32_t)(POW2_BELOW32(MAX_CPJ))

struct nfu_xt_limit_info {
	uint32_t avg;          /* [I] period, 1/10000 s */
	uint32_t burst;        /* [I] */
	/* Set by check(), then the stack's thread per packet. */
	uint32_t credit_cap, cost;
	uint32_t credit;
	uint64_t prev;         /* tick of the last update */
};

enum { O_LIMIT = 0, O_BURST };

static const struct nfu_xt_option limit_opts[] = {
	{ "limit", O_LIMIT, NFU_XTOPT_ARG },
	{ "limit-burst", O_BURST, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

/* iptables' parse_rate(): 0 when 'rate' is no rate, -EINVAL (with the
 * message) when it is too fast, 1 with *val set. */
static int parse_rate(struct nfu_xt_parse_ctx *ctx, const char *rate,
		      uint32_t *val)
{
	const char *delim = strchr(rate, '/');
	uint32_t mult = 1, r;
	size_t n;

	if (delim) {
		n = strlen(delim + 1);
		if (n == 0)
			return 0;
		if (!strncasecmp(delim + 1, "second", n))
			mult = 1;
		else if (!strncasecmp(delim + 1, "minute", n))
			mult = 60;
		else if (!strncasecmp(delim + 1, "hour", n))
			mult = 60 * 60;
		else if (!strncasecmp(delim + 1, "day", n))
			mult = 24 * 60 * 60;
		else
			return 0;
	}
	/* atoi(): strtol cut to an int; "-5" is 4294967291 once unsigned,
	 * hence "too fast". */
	r = (uint32_t)(int)strtol(rate, NULL, 10);
	if (!r)
		return 0;
	*val = LIMIT_SCALE * mult / r;
	if (*val == 0)
		return nfu_xt_error(ctx, "Rate too fast \"%s\"", rate);
	return 1;
}

static void limit_init(void *data)
{
	struct nfu_xt_limit_info *r = data;

	r->avg = LIMIT_SCALE * 60 * 60 / 3; /* 3/hour */
	r->burst = LIMIT_BURST;
}

static int limit_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		       const char *arg, bool invert, void *data)
{
	struct nfu_xt_limit_info *r = data;
	int rc;

	(void)invert; /* neither option is invertible: refused before */
	if (id == O_LIMIT) {
		rc = parse_rate(ctx, arg, &r->avg);
		if (rc < 0)
			return rc;
		if (rc == 0)
			/* the stray quote is iptables' own */
			return nfu_xt_error(ctx, "bad rate \"%s\"'", arg);
		return 0;
	}
	return nfu_ext_parse_uint(ctx, "limit", "limit-burst", arg, 0, 10000,
				  &r->burst);
}

/* Linux's user2credits(), in 32 bits. */
static uint32_t user2credits(uint32_t user)
{
	if (user > 0xFFFFFFFFu / (NFU_LIMIT_HZ * CREDITS_PER_TICK))
		return (user / LIMIT_SCALE) * NFU_LIMIT_HZ * CREDITS_PER_TICK;
	return (user * NFU_LIMIT_HZ * CREDITS_PER_TICK) / LIMIT_SCALE;
}

static uint64_t ticks(const struct nfu_net *net)
{
	return net ? nfu_net_now(net) / NS_PER_TICK : 0;
}

static int limit_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct nfu_xt_limit_info *r = data;

	/* avg * burst wraps in 32 bits, as in Linux: the comparison is
	 * what catches it. */
	if (r->burst == 0 ||
	    user2credits(r->avg * r->burst) < user2credits(r->avg)) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_limit: Overflow, try lower: %u/%u",
				      r->avg, r->burst);
		return -ERANGE;
	}
	r->prev = ticks(ctx->net);
	r->credit = user2credits(r->avg * r->burst); /* full */
	r->credit_cap = r->credit;
	r->cost = user2credits(r->avg);
	return 0;
}

static bool limit_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		     void *data)
{
	struct nfu_xt_limit_info *r = data;
	uint64_t now = ticks(par->net);
	uint32_t credit = r->credit;

	(void)pkt;
	if (now > r->prev) {
		/* Linux adds (now - prev) * CREDITS_PER_JIFFY into a u32:
		 * after some 37 hours of silence (at 250 ticks/s) the gain
		 * wraps. */
		credit += (uint32_t)((now - r->prev) * CREDITS_PER_TICK);
		r->prev = now;
	}
	if (credit > r->credit_cap)
		credit = r->credit_cap;
	if (credit >= r->cost) {
		r->credit = credit - r->cost;
		return true;
	}
	r->credit = credit;
	return false;
}

/* iptables' print_rate(): the largest unit that keeps the count exact
 * enough. */
static void put_rate(struct nfu_strbuf *sb, uint32_t period)
{
	static const struct {
		const char *name;
		uint32_t mult;
	} rates[] = {
		{ "day", LIMIT_SCALE * 24 * 60 * 60 },
		{ "hour", LIMIT_SCALE * 60 * 60 },
		{ "min", LIMIT_SCALE * 60 },
		{ "sec", LIMIT_SCALE },
	};
	unsigned int i;

	if (period == 0) {
		nfu_sb_puts(sb, " inf"); /* printf("%f", INFINITY) */
		return;
	}
	for (i = 1; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (period > rates[i].mult ||
		    rates[i].mult / period < rates[i].mult % period)
			break;
	nfu_sb_printf(sb, " %u/%s", rates[i - 1].mult / period,
		      rates[i - 1].name);
}

static void limit_save(const void *data, const struct nfu_xt_ip *ip,
		       struct nfu_strbuf *sb)
{
	const struct nfu_xt_limit_info *r = data;

	(void)ip;
	nfu_sb_puts(sb, " --limit");
	put_rate(sb, r->avg);
	if (r->burst != LIMIT_BURST)
		nfu_sb_printf(sb, " --limit-burst %u", r->burst);
}

static void limit_print(const void *data, const struct nfu_xt_ip *ip,
			bool numeric, struct nfu_strbuf *sb)
{
	const struct nfu_xt_limit_info *r = data;

	(void)ip;
	(void)numeric;
	nfu_sb_puts(sb, " limit: avg");
	put_rate(sb, r->avg);
	nfu_sb_printf(sb, " burst %u", r->burst);
}

const struct nfu_xt_match_ops nfu_xt_limit = {
	.name = "limit",
	.revision = 0,
	.size = sizeof(struct nfu_xt_limit_info),
	.usersize = offsetof(struct nfu_xt_limit_info, credit_cap),
	.options = limit_opts,
	.init = limit_init,
	.parse = limit_parse,
	.check = limit_check,
	.match = limit_mt,
	.save = limit_save,
	.print = limit_print,
};
