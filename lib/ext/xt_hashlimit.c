/* SPDX-License-Identifier: MIT */
/*
 * xt_hashlimit.c - the "hashlimit" match, revision 3 (the one iptables
 * 1.8.9 uses on a current kernel): a token bucket per key made of the
 * packet's addresses and ports ('--hashlimit-mode'), in packets or bytes.
 *
 * Rates are kept as iptables sends them: 'avg', the period between
 * packets in 1/1000000 s (XT_HASHLIMIT_SCALE_v2), or in byte mode a cost
 * per byte, 2^32 divided by the bytes a second; 'expire' in ms defaults
 * to the unit of the rate as written ("/min": 60000), or 15 s (60 s with
 * a burst) in byte mode.
 *
 * Matching is Linux's: a table of buckets per name and stack (made by the
 * first rule that names it, with that rule's settings, as Linux's
 * htable_create()), reached through the stack's xtables state
 * (nfu_xt_net.hashlimit_tables) and freed at the stack's teardown (Linux
 * frees a table with its last rule: nfu keeps it, settings included, for
 * the stack's life, as xt_recent.c keeps its lists).  The table's
 * settings make the key (mode, masks) and the buckets (rate, burst,
 * expiry) for every rule that names it; a rule decides only upto or
 * above, packets or bytes, and rate-match.  A bucket per key, full when
 * made, refilled per tick of 1/250 s (HZ=250, as xt_limit.c) by the
 * stack's clock; in byte mode a packet costs its 16-byte chunks plus one.
 * With --hashlimit-rate-match, Linux's windows of --hashlimit-rate-interval
 * seconds instead: a key matches while its window is within the rate and
 * burst and the one before was.
 *
 * The table is Linux's: --hashlimit-htable-size chains (8192 without it,
 * what Linux takes on a machine of more than 1 GiB), a key's chain chosen
 * by a hash keyed with the table's own random seed (nobody sending
 * packets picks the chain), at most --hashlimit-htable-max buckets (8
 * times the size without it, never fewer than the size): a packet of a
 * new key that finds the table full is dropped (hotdrop), as Linux's
 * dsthash_alloc_init() does.  Room is made by Linux's collector
 * (htable_gc()), which frees the buckets whose expiry has come every
 * --hashlimit-htable-gcinterval ms from the table's creation, on the
 * stack's clock: nfu has no timer thread, so a packet that reaches the
 * table runs the collections that fell due since the last one (the
 * buckets have not changed since: one pass with the time of the latest
 * does them all).  Between its expiry and the collection, a bucket is
 * still there and its packets refill it as usual, as in Linux.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "ext/ext-args.h"
#include "ext/ext-private.h"
#include "xtables/xt-compiled.h"

#define HL_SCALE 1000000ull          /* XT_HASHLIMIT_SCALE_v2 */
#define HL_BURST 5u
#define HL_BURST_MAX 1000000u
#define HL_GCINTERVAL 1000u
#define HL_BYTE_SHIFT 4
#define HL_BYTE_EXPIRE 15u
#define HL_BYTE_EXPIRE_BURST 60u
#define HL_NAME_LEN 255               /* NAME_MAX */
#define HL_HZ 250u                    /* as xt_limit.c: the capture's HZ */

enum {
	HASH_DIP = 0x01,
	HASH_DPT = 0x02,
	HASH_SIP = 0x04,
	HASH_SPT = 0x08,
	HL_INVERT = 0x10,
	HL_BYTES = 0x20,
	HL_RATE_MATCH = 0x40,
	HL_ALL = 0x7f,
};

struct hl_table;

/* Linux's struct xt_hashlimit_mtinfo3, and what parse() leaves for
 * final_check(): 'mult', the seconds of the rate's unit (libxt_hashlimit's
 * udata), zero in a finished rule.  After them (past usersize), the
 * kernel's pointer: the table check() found or made, in stack 'net'. */
struct hashlimit_info {
	char name[HL_NAME_LEN];
	uint64_t avg;
	uint64_t burst;
	uint32_t mode;
	uint32_t size, max, gc_interval, expire;
	uint32_t interval;
	uint8_t srcmask, dstmask;
	uint32_t mult;
	struct hl_table *table;
	const struct nfu_net *net;
};

enum {
	O_UPTO, O_ABOVE, O_SRCMASK, O_DSTMASK, O_BURST, O_SIZE,
	O_MAX, O_GCINTERVAL, O_EXPIRE, O_MODE, O_NAME, O_RATEMATCH,
	O_INTERVAL,
};

static const struct nfu_xt_option hashlimit_opts[] = {
	{ "hashlimit-upto", O_UPTO, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "hashlimit-above", O_ABOVE, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "hashlimit", O_UPTO, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },  /* the old name */
	{ "hashlimit-srcmask", O_SRCMASK, NFU_XTOPT_ARG },
	{ "hashlimit-dstmask", O_DSTMASK, NFU_XTOPT_ARG },
	{ "hashlimit-burst", O_BURST, NFU_XTOPT_ARG },
	{ "hashlimit-htable-size", O_SIZE, NFU_XTOPT_ARG },
	{ "hashlimit-htable-max", O_MAX, NFU_XTOPT_ARG },
	{ "hashlimit-htable-gcinterval", O_GCINTERVAL, NFU_XTOPT_ARG },
	{ "hashlimit-htable-expire", O_EXPIRE, NFU_XTOPT_ARG },
	{ "hashlimit-mode", O_MODE, NFU_XTOPT_ARG },
	{ "hashlimit-name", O_NAME, NFU_XTOPT_ARG },
	{ "hashlimit-rate-match", O_RATEMATCH, 0 },
	{ "hashlimit-rate-interval", O_INTERVAL, NFU_XTOPT_ARG },
	{ NULL, 0, 0 },
};

#define F(o) (1u << (o))

static void hashlimit_init(void *data)
{
	struct hashlimit_info *h = data;

	h->burst = HL_BURST;
	h->gc_interval = HL_GCINTERVAL;
	h->srcmask = h->dstmask = 32;
	h->interval = 1;
}

static uint64_t cost_to_bytes(uint64_t cost)
{
	uint64_t r = cost ? UINT32_MAX / cost : UINT32_MAX;

	return (r - 1) << HL_BYTE_SHIFT;
}

static uint64_t bytes_to_cost(uint64_t bytes)
{
	uint32_t r = (uint32_t)(bytes >> HL_BYTE_SHIFT);

	return UINT32_MAX / ((uint64_t)r + 1);
}

/* libxt_hashlimit's parse_rate(): 0 when 'rate' is no rate, -EINVAL
 * (with the message) when too fast, 1 with *avg and h->mult set. */
static int parse_rate(struct nfu_xt_parse_ctx *ctx, struct hashlimit_info *h,
		      const char *rate, uint64_t *avg)
{
	const char *delim = strchr(rate, '/');
	uint64_t r, tmp;
	uint32_t mult = 1;
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
	r = strtoull(rate, NULL, 10);
	if (!r)
		return 0;
	tmp = HL_SCALE * mult / r;
	if (tmp == 0)
		return nfu_xt_error(ctx, "Rate too fast \"%s\"", rate);
	h->mult = mult;
	*avg = tmp;
	return 1;
}

/* libxt_hashlimit's parse_bytes(): "Nb/s", "Nkb/s", "Nmb/s". */
static int parse_bytes(struct nfu_xt_parse_ctx *ctx, struct hashlimit_info *h,
		       const char *rate, uint64_t *avg)
{
	const char *unit = strstr(rate, "b/s");
	uint64_t factor = 1, r;

	if (!unit || unit == rate)
		return 0;
	unit--;
	r = (uint64_t)strtoll(rate, NULL, 10);
	if (r == 0)
		return 0;
	if (*unit == 'm')
		factor = 1u << 20;
	else if (*unit == 'k')
		factor = 1u << 10;
	else if (!isdigit((unsigned char)*unit))
		return 0;
	if (r > UINT64_MAX / factor)
		return nfu_xt_error(ctx, "Rate value too large \"%" PRIu64 "\" (max %" PRIu64 ")",
				    r, UINT64_MAX / factor);
	*avg = bytes_to_cost(r * factor);
	h->mult = HL_BYTE_EXPIRE;
	return 1;
}

static int parse_limit(struct nfu_xt_parse_ctx *ctx, struct hashlimit_info *h,
		       const char *opt, const char *arg)
{
	int rc = parse_bytes(ctx, h, arg, &h->avg);

	if (rc > 0) {
		h->mode |= HL_BYTES;
		return 0;
	}
	if (rc < 0)
		return rc;
	rc = parse_rate(ctx, h, arg, &h->avg);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return nfu_xt_error(ctx, "hashlimit: Bad value for \"%s\" option: \"%s\"",
				    opt, arg);
	return 0;
}

/* libxt_hashlimit's parse_burst(): a number 1..1000000, or with a
 * suffix (byte mode) a size: 'k', 'm', 'g' multiply, others are
 * ignored. */
static int parse_burst(struct nfu_xt_parse_ctx *ctx, const char *arg,
		       uint64_t *out)
{
	uintmax_t v;
	char *end;

	if (!nfu_ext_strtoul(arg, &end, &v, 1, UINT64_MAX, 0) ||
	    (*end == '\0' && v > HL_BURST_MAX))
		return nfu_xt_error(ctx, "bad value for option \"--hashlimit-burst\", or out of range (1-%u).",
				    HL_BURST_MAX);
	switch (*end) {
	case 'k':
		if (v > UINT64_MAX / 1024)
			goto big;
		v *= 1024;
		break;
	case 'm':
		if (v > UINT64_MAX / 1048576)
			goto big;
		v *= 1048576;
		break;
	case 'g':
		if (v > UINT64_MAX / 1073741824)
			goto big;
		v *= 1073741824;
		break;
	default:
		/* anything else after the number ("112b", "5x") is
		 * ignored, as by iptables */
		break;
	}
	*out = v;
	return 0;
big:
	return nfu_xt_error(ctx, "bad value for option \"--hashlimit-burst\", or out of range (1-%u).",
			    HL_BURST_MAX);
}

/* libxt_hashlimit's parse_mode(): names joined by ','; empty parts
 * skipped. */
static int parse_mode(uint32_t *mode, const char *arg)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} modes[] = {
		{ "dstip", HASH_DIP }, { "dstport", HASH_DPT },
		{ "srcip", HASH_SIP }, { "srcport", HASH_SPT },
	};
	const char *p = arg;

	while (*p) {
		size_t n = strcspn(p, ","), i;

		if (n) {
			for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
				if (strlen(modes[i].name) == n &&
				    !strncmp(modes[i].name, p, n))
					break;
			if (i == sizeof(modes) / sizeof(modes[0]))
				return -1;
			*mode |= modes[i].bit;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* XTTYPE_PLEN as libxtables reads it without a family: a number up to
 * 128, else a dotted mask; a mask that is not contiguous becomes 255
 * (its -1), which the kernel's check refuses with lengths past 32. */
static int parse_plen(struct nfu_xt_parse_ctx *ctx, const char *opt,
		      const char *arg, uint8_t *out)
{
	struct in_addr a;
	uintmax_t v;
	uint32_t m;

	if (nfu_ext_strtoul(arg, NULL, &v, 0, 128, 0)) {
		*out = (uint8_t)v;
		return 0;
	}
	if (!inet_aton(arg, &a))
		return nfu_xt_error(ctx, "hashlimit: bad value for option \"--%s\", neither a valid network mask nor valid CIDR (0-128).",
				    opt);
	m = ntohl(a.s_addr);
	if (m & (~m >> 1))
		*out = 255;
	else
		*out = (uint8_t)__builtin_popcount(m);
	return 0;
}

static int hashlimit_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
			   const char *arg, bool invert, void *data)
{
	static const char *const u32_names[] = {
		[O_SIZE] = "hashlimit-htable-size",
		[O_MAX] = "hashlimit-htable-max",
		[O_GCINTERVAL] = "hashlimit-htable-gcinterval",
		[O_EXPIRE] = "hashlimit-htable-expire",
	};
	struct hashlimit_info *h = data;
	uint32_t v;
	size_t n;
	int rc;

	switch (id) {
	case O_UPTO:
		if (invert)
			h->mode |= HL_INVERT;
		return parse_limit(ctx, h, "--hashlimit-upto", arg);
	case O_ABOVE:
		if (!invert)
			h->mode |= HL_INVERT;
		return parse_limit(ctx, h, "--hashlimit-above", arg);
	case O_SRCMASK:
		return parse_plen(ctx, "hashlimit-srcmask", arg, &h->srcmask);
	case O_DSTMASK:
		return parse_plen(ctx, "hashlimit-dstmask", arg, &h->dstmask);
	case O_BURST:
		return parse_burst(ctx, arg, &h->burst);
	case O_SIZE:
	case O_MAX:
	case O_GCINTERVAL:
	case O_EXPIRE:
		rc = nfu_ext_parse_uint(ctx, "hashlimit", u32_names[id], arg, 0,
					UINT32_MAX, &v);
		if (rc)
			return rc;
		if (id == O_SIZE)
			h->size = v;
		else if (id == O_MAX)
			h->max = v;
		else if (id == O_GCINTERVAL)
			h->gc_interval = v;
		else
			h->expire = v;
		return 0;
	case O_MODE:
		if (parse_mode(&h->mode, arg) < 0)
			return nfu_xt_error(ctx, "hashlimit: Bad value for \"--hashlimit-mode\" option: \"%s\"",
					    arg);
		return 0;
	case O_NAME:
		n = strlen(arg);
		if (n < 1)
			return nfu_xt_error(ctx, "Argument must have a minimum length of 1 characters");
		if (n >= HL_NAME_LEN)
			n = HL_NAME_LEN - 1;
		memcpy(h->name, arg, n);
		h->name[n] = '\0';
		return 0;
	case O_RATEMATCH:
		h->mode |= HL_RATE_MATCH;
		return 0;
	case O_INTERVAL:
		rc = nfu_ext_parse_uint(ctx, "hashlimit", "hashlimit-rate-interval",
					arg, 0, UINT32_MAX, &v);
		if (!rc)
			h->interval = v;
		return rc;
	}
	return -EINVAL;
}

static int hashlimit_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
				 unsigned int seen)
{
	struct hashlimit_info *h = data;
	unsigned int limits = seen & (F(O_UPTO) | F(O_ABOVE));

	if (!limits)
		return nfu_xt_error(ctx, "You have to specify --hashlimit");
	if (!(seen & F(O_EXPIRE)))
		h->expire = h->mult * 1000;
	if (h->mode & HL_BYTES) {
		uint64_t burst = 0, unit = cost_to_bytes(h->avg);

		if (seen & F(O_BURST)) {
			/* below 16 bytes a second, a packet's worth is 0
			 * bytes: iptables divides by it and dies */
			if (unit == 0)
				return nfu_xt_error(ctx, "hashlimit: a rate below 16b/s takes no burst");
			if (h->burst < unit)
				return nfu_xt_error(ctx, "burst cannot be smaller than %" PRIu64 "b",
						    unit);
			burst = h->burst / unit;
			if (h->burst % unit)
				burst++;
			if (!(seen & F(O_EXPIRE)))
				h->expire = HL_BYTE_EXPIRE_BURST * 1000;
		}
		h->burst = burst;
	} else if (h->burst > HL_BURST_MAX) {
		return nfu_xt_error(ctx, "bad value for option \"--hashlimit-burst\", or out of range (1-%u).",
				    HL_BURST_MAX);
	}
	/* the period over the rate interval, whether or not rate-match is
	 * given; iptables-save divides it back, the listing does not */
	if (h->interval)
		h->avg *= h->interval;
	h->mult = 0;
	/* libxtables' checks after the extension's, in its table's order */
	if ((seen & F(O_UPTO)) && (seen & F(O_ABOVE)))
		return nfu_xt_error(ctx, "hashlimit: option \"--hashlimit-upto\" cannot be used together with \"--hashlimit-above\".");
	if (!(seen & F(O_NAME)))
		return nfu_xt_error(ctx, "hashlimit: option \"--hashlimit-name\" must be specified");
	return 0;
}

/* Linux's user2credits() of revision 2 and later, at HZ=250: a jiffy
 * gives 2^39 credits (the power of two below 2^64 / (HZ * 86400)). */
static uint64_t user2credits(uint64_t user)
{
	const uint64_t cpj = 1ull << 39;

	return user * ((HL_HZ * cpj) / HL_SCALE);
}

static int fail(const struct nfu_xt_check_ctx *ctx, int rc, const char *msg)
{
	if (ctx->err)
		nfu_error_set(ctx->err, NULL, 0, 0, "%s", msg);
	return rc;
}

static int table_get(const struct nfu_xt_check_ctx *ctx,
		     struct hashlimit_info *h);

/* Linux's hashlimit_mt_check_common() and name checks. */
static int hashlimit_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	struct hashlimit_info *h = data;

	if (!h->name[0] || strnlen(h->name, HL_NAME_LEN) == HL_NAME_LEN ||
	    !strcmp(h->name, ".") || !strcmp(h->name, "..") ||
	    strchr(h->name, '/'))
		return fail(ctx, -EINVAL, "xt_hashlimit: bad table name");
	if (h->gc_interval == 0 || h->expire == 0)
		return fail(ctx, -EINVAL, "xt_hashlimit: zero gc interval or expiry");
	if (h->srcmask > 32 || h->dstmask > 32)
		return fail(ctx, -EINVAL, "xt_hashlimit: mask longer than 32");
	if (h->mode & ~(uint32_t)HL_ALL) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_hashlimit: Unknown mode mask %X, kernel too old?",
				      h->mode);
		return -EINVAL;
	}
	if (h->mode & HL_RATE_MATCH) {
		if (h->avg == 0 || h->avg > UINT32_MAX)
			return fail(ctx, -ERANGE, "xt_hashlimit: invalid rate");
		if (h->interval == 0)
			return fail(ctx, -EINVAL, "xt_hashlimit: invalid interval");
	} else if (h->mode & HL_BYTES) {
		/* user2credits_byte(): avg * (HZ * 2^39 >> 32) / SCALE;
		 * zero only for an avg of zero at these constants */
		if (h->avg == 0) {
			if (ctx->err)
				nfu_error_set(ctx->err, NULL, 0, 0,
					      "xt_hashlimit: overflow, rate too high: %" PRIu64,
					      h->avg);
			return -EINVAL;
		}
	} else if (h->burst == 0 ||
		   user2credits(h->avg * h->burst) < user2credits(h->avg)) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_hashlimit: overflow, try lower: %" PRIu64 "/%" PRIu64,
				      h->avg, h->burst);
		return -ERANGE;
	}
	return table_get(ctx, h);
}

#define CPJ (1ull << 39)             /* CREDITS_PER_JIFFY, revision 2+ */
#define CPJ_BYTES (1ull << 24)       /* CREDITS_PER_JIFFY_BYTES */
#define NS_PER_TICK (1000000000u / HL_HZ)
/* htable_create(): a table's size is --hashlimit-htable-size, else one
 * from the machine's memory, 8192 above 1 GiB (nfu takes that); its most
 * buckets --hashlimit-htable-max, else 8 times the size, and never fewer
 * than the size. */
#define HL_DEFAULT_SIZE 8192u

struct hl_key {
	uint32_t src, dst;
	uint16_t sport, dport;
};

/* Linux's dsthash_ent with its rateinfo: the token bucket, or with
 * rate-match the count of the current window. */
struct hl_bucket {
	struct hl_bucket *next;      /* in its chain */
	struct hl_key key;
	uint64_t expires;            /* tick */
	uint64_t prev;               /* tick of the last refill */
	uint64_t credit, credit_cap, cost;
	uint64_t current_rate, rate, burst; /* rate-match */
	uint32_t interval;           /* rate-match, seconds */
	bool prev_window;            /* rate-match: the last window was over */
};

struct hl_table {
	struct hl_table *next;
	char name[HL_NAME_LEN];
	/* the settings of the rule that made it (hinfo->cfg): the key, the
	 * buckets' rates and their expiry are the table's for every rule
	 * naming it; only the decision (above/upto, packets/bytes, rate
	 * match) is each rule's own */
	uint32_t mode, max, expire, interval;
	uint8_t srcmask, dstmask;
	uint64_t avg, burst;
	uint64_t expire_ticks;
	uint64_t gc_ticks;           /* the collector's period */
	uint64_t gc_next;            /* tick of its next run */
	uint64_t seed;               /* of the hash, drawn at creation */
	unsigned int count;          /* buckets in the table */
	uint32_t size;               /* chains */
	struct hl_bucket **chains;
};

/* All tables of a stack; the stack's thread only. */
struct hl_tables {
	struct hl_table *head;
};

static void table_free(struct hl_table *t)
{
	for (uint32_t i = 0; i < t->size; i++)
		while (t->chains[i]) {
			struct hl_bucket *b = t->chains[i];

			t->chains[i] = b->next;
			free(b);
		}
	free(t->chains);
	free(t);
}

static void tables_free(struct nfu_net *net, void *priv)
{
	struct hl_tables *ts = priv;

	(void)net;
	while (ts->head) {
		struct hl_table *t = ts->head;

		ts->head = t->next;
		table_free(t);
	}
	free(ts);
}

static struct hl_tables *tables_of(struct nfu_net *net, bool create)
{
	struct nfu_xt_net *x;
	struct hl_tables *ts;

	if (!net)
		return NULL;
	if (!net->xt && (!create || !nfu_xt_current(net)))
		return NULL;
	x = net->xt;
	if (x->hashlimit_tables || !create)
		return x->hashlimit_tables;
	ts = calloc(1, sizeof(*ts));
	if (!ts)
		return NULL;
	if (nfu_net_add_exit(net, tables_free, ts) < 0) {
		free(ts);
		return NULL;
	}
	x->hashlimit_tables = ts;
	return ts;
}

static struct hl_table *table_find(const struct hl_tables *ts,
				   const char *name)
{
	for (struct hl_table *t = ts ? ts->head : NULL; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static uint64_t ticks(const struct nfu_net *net)
{
	return net ? nfu_net_now(net) / NS_PER_TICK : 0;
}

/* msecs_to_jiffies(): rounded up */
static uint64_t ms_to_ticks(uint32_t ms)
{
	return ((uint64_t)ms * HL_HZ + 999) / 1000;
}

/* At check: the table of the rule's name, made with its settings; the
 * rule keeps a pointer to it. */
static int table_get(const struct nfu_xt_check_ctx *ctx,
		     struct hashlimit_info *h)
{
	struct hl_tables *ts = tables_of(ctx->net, true);
	struct hl_table *t;
	uint32_t size;

	h->table = NULL;
	h->net = NULL;
	if (!ctx->net)
		return 0; /* a check without a stack (fuzzing) */
	if (!ts)
		return fail(ctx, -ENOMEM, "xt_hashlimit: out of memory");
	t = table_find(ts, h->name);
	if (t) {
		/* as Linux 6.18: a table is rate-match or not for all */
		if ((t->mode ^ h->mode) & HL_RATE_MATCH)
			return fail(ctx, -EINVAL, "xt_hashlimit: the table is "
				    "rate-match for some rules, not others");
		goto found;
	}
	t = calloc(1, sizeof(*t));
	size = h->size ? h->size : HL_DEFAULT_SIZE;
	if (t)
		t->chains = calloc(size, sizeof(*t->chains));
	if (!t || !t->chains) {
		free(t);
		return fail(ctx, -ENOMEM, "xt_hashlimit: out of memory");
	}
	strcpy(t->name, h->name);
	t->mode = h->mode;
	t->size = size;
	t->max = !h->max ? 8 * size : h->max < size ? size : h->max;
	t->expire = h->expire;
	t->expire_ticks = ms_to_ticks(h->expire);
	t->interval = h->interval;
	t->srcmask = h->srcmask;
	t->dstmask = h->dstmask;
	t->avg = h->avg;
	t->burst = h->burst;
	/* Linux's first collection is a gcinterval after htable_create() */
	t->gc_ticks = ms_to_ticks(h->gc_interval);
	t->gc_next = ticks(ctx->net) + t->gc_ticks;
	if (getrandom(&t->seed, sizeof(t->seed), 0) != sizeof(t->seed))
		t->seed = (uint64_t)(uintptr_t)t * 0x9e3779b97f4a7c15ull;
	t->next = ts->head;
	ts->head = t;
found:
	h->table = t;
	h->net = ctx->net;
	return 0;
}

/* The chain of key 'k': a keyed mix of its three words, scaled to the
 * table's size by a multiplication (the size need not be a power of 2). */
static uint32_t key_chain(const struct hl_table *t, const struct hl_key *k)
{
	uint64_t h = t->seed;
	const uint64_t w[2] = {
		(uint64_t)k->src << 32 | k->dst,
		(uint64_t)k->sport << 16 | k->dport,
	};

	for (unsigned int i = 0; i < 2; i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)(((h & 0xffffffffu) * t->size) >> 32);
}

/* Linux's htable_gc(), for every run due by tick 'now': each frees the
 * buckets whose expiry has come.  No packet reached the table since the
 * last run due, so the runs due do what the latest alone does. */
static void table_gc(struct hl_table *t, uint64_t now)
{
	uint64_t last;

	if (now < t->gc_next)
		return;
	last = t->gc_next + (now - t->gc_next) / t->gc_ticks * t->gc_ticks;
	t->gc_next = last + t->gc_ticks;
	if (!t->count)
		return;
	for (uint32_t i = 0; i < t->size; i++) {
		struct hl_bucket **pp = &t->chains[i], *b;

		while ((b = *pp)) {
			if (last >= b->expires) {
				*pp = b->next;
				free(b);
				t->count--;
			} else {
				pp = &b->next;
			}
		}
	}
}

static uint32_t prefix_mask(uint8_t plen)
{
	return plen ? __builtin_bswap32(0xffffffffu << (32 - plen)) : 0;
}

/* Linux's hashlimit_init_dst(), with the table's mode and masks: 0, or
 * -1 when the ports are cut off.  As Linux, a later fragment's "ports"
 * are the first bytes of its payload, and AH's and ESP's are their SPI
 * (proto_ports_offset()). */
static int make_key(const struct hl_table *t, const struct nfu_pkt *pkt,
		    const struct nfu_xt_par *par, const uint8_t *iph,
		    struct hl_key *k)
{
	const uint8_t *ports;
	unsigned int off;

	memset(k, 0, sizeof(*k));
	if (t->mode & HASH_SIP) {
		memcpy(&k->src, iph + 12, 4);
		k->src &= prefix_mask(t->srcmask);
	}
	if (t->mode & HASH_DIP) {
		memcpy(&k->dst, iph + 16, 4);
		k->dst &= prefix_mask(t->dstmask);
	}
	if (!(t->mode & (HASH_SPT | HASH_DPT)))
		return 0;
	switch (iph[9]) {
	case 6: case 17: case 33: case 50: case 132: case 136:
		off = 0;
		break;
	case 51: /* AH */
		off = 4;
		break;
	default:
		return 0;
	}
	ports = nfu_ext_header(pkt, par->thoff + off, 4);
	if (!ports)
		return -1;
	if (t->mode & HASH_SPT)
		k->sport = (uint16_t)(ports[0] << 8 | ports[1]);
	if (t->mode & HASH_DPT)
		k->dport = (uint16_t)(ports[2] << 8 | ports[3]);
	return 0;
}

/* Linux's user2rate() and user2rate_bytes(), for rate-match. */
static uint64_t user2rate(uint64_t user)
{
	return user ? HL_SCALE / user : 0;
}

static uint64_t user2rate_bytes(uint32_t user)
{
	uint64_t r = user ? UINT32_MAX / user : UINT32_MAX;

	return (r - 1) << HL_BYTE_SHIFT;
}

/* Linux's rateinfo_init(), with the table's settings. */
static void bucket_init(const struct hl_table *t, struct hl_bucket *b,
			uint64_t now)
{
	b->prev = now;
	if (t->mode & HL_RATE_MATCH) {
		b->prev_window = false;
		b->current_rate = 0;
		if (t->mode & HL_BYTES) {
			b->rate = user2rate_bytes((uint32_t)t->avg);
			b->burst = t->burst ? t->burst * b->rate : b->rate;
		} else {
			b->rate = user2rate(t->avg);
			b->burst = t->burst + b->rate;
		}
		b->interval = t->interval;
	} else if (t->mode & HL_BYTES) {
		b->credit = CPJ_BYTES * HL_HZ;
		b->cost = (uint32_t)((t->avg * (HL_HZ * CPJ_BYTES)) >> 32);
		b->credit_cap = t->burst;
	} else {
		b->credit = user2credits(t->avg * t->burst);
		b->cost = user2credits(t->avg);
		b->credit_cap = b->credit;
	}
}

/* Linux's rateinfo_recalc(), with the table's mode. */
static void bucket_refill(const struct hl_table *t, struct hl_bucket *b,
			  uint64_t now)
{
	uint64_t delta, cap;

	/* a clock that goes back gives nothing */
	if (now <= b->prev)
		return;
	delta = now - b->prev;
	if (t->mode & HL_RATE_MATCH) {
		uint64_t interval = (uint64_t)b->interval * HL_HZ;

		if (delta < interval)
			return;
		b->prev = now;
		b->prev_window = b->current_rate * interval > delta * b->rate;
		b->current_rate = 0;
		return;
	}
	b->prev = now;
	if (t->mode & HL_BYTES) {
		uint64_t old = b->credit;

		b->credit += CPJ_BYTES * delta;
		cap = CPJ_BYTES * HL_HZ;
		if (old >= b->credit) {
			b->credit = cap;
			return;
		}
	} else {
		b->credit += delta * CPJ;
		cap = b->credit_cap;
	}
	if (b->credit > cap)
		b->credit = cap;
}

/* Linux's hashlimit_byte_cost(): the packet's 16-byte chunks, plus one. */
static uint64_t byte_cost(unsigned int len, struct hl_bucket *b)
{
	uint64_t c = ((uint64_t)(len >> HL_BYTE_SHIFT) + 1) * b->cost;

	if (c > CPJ_BYTES * HL_HZ)
		c = CPJ_BYTES * HL_HZ;
	if (b->credit < c && b->credit_cap) {
		b->credit_cap--;
		b->credit = CPJ_BYTES * HL_HZ;
	}
	return (uint32_t)c;
}

/* Linux's hashlimit_mt_common(): the bucket is the table's, the decision
 * the rule's (h->mode). */
static bool hashlimit_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			 void *data)
{
	const struct hashlimit_info *h = data;
	bool inv = h->mode & HL_INVERT;
	struct hl_table *t = h->table;
	const uint8_t *iph = nfu_ext_header(pkt, 0, 20);
	uint64_t now = ticks(par->net), cost;
	struct hl_bucket *b, **chain;
	struct hl_key k;

	/* the rule's pointer is to its stack's table; checked elsewhere,
	 * it finds it by name */
	if (!t || h->net != par->net)
		t = table_find(tables_of(par->net, false), h->name);
	/* no table: the rule was never checked (no stack) */
	if (!t)
		return !inv;
	if (!iph || make_key(t, pkt, par, iph, &k) < 0) {
		par->hotdrop = true;
		return false;
	}
	table_gc(t, now);
	chain = &t->chains[key_chain(t, &k)];
	for (b = *chain; b; b = b->next)
		if (b->key.src == k.src && b->key.dst == k.dst &&
		    b->key.sport == k.sport && b->key.dport == k.dport)
			break;
	if (!b) {
		if (t->count >= t->max || !(b = calloc(1, sizeof(*b)))) {
			par->hotdrop = true;
			return false;
		}
		b->key = k;
		b->next = *chain;
		*chain = b;
		t->count++;
		bucket_init(t, b, now);
	} else {
		bucket_refill(t, b, now);
	}
	b->expires = now + t->expire_ticks;
	if (h->mode & HL_RATE_MATCH) {
		b->current_rate += (h->mode & HL_BYTES) ? pkt->len : 1;
		if (!b->prev_window && b->current_rate <= b->burst)
			return !inv;
		return inv;
	}
	cost = (h->mode & HL_BYTES) ? byte_cost(pkt->len, b) : b->cost;
	if (b->credit >= cost) {
		b->credit -= cost;
		return !inv;
	}
	return inv;
}

/* libxt_hashlimit's print_rate(): the unit's length in ms. */
static uint32_t put_rate(struct nfu_strbuf *sb, uint64_t period)
{
	static const struct {
		const char *name;
		uint64_t mult;
	} rates[] = {
		{ "day", HL_SCALE * 24 * 60 * 60 },
		{ "hour", HL_SCALE * 60 * 60 },
		{ "min", HL_SCALE * 60 },
		{ "sec", HL_SCALE },
	};
	unsigned int i;

	if (period == 0) {
		nfu_sb_puts(sb, " inf");
		return 0;
	}
	for (i = 1; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (period > rates[i].mult ||
		    rates[i].mult / period < rates[i].mult % period)
			break;
	nfu_sb_printf(sb, " %" PRIu64 "/%s", rates[i - 1].mult / period,
		      rates[i - 1].name);
	return (uint32_t)(rates[i - 1].mult / HL_SCALE * 1000);
}

/* libxt_hashlimit's print_bytes(); the expiry it implies in ms. */
static uint32_t put_bytes(struct nfu_strbuf *sb, uint64_t avg, uint64_t burst,
			  const char *prefix)
{
	static const struct {
		const char *name;
		uint64_t thresh;
	} units[] = { { "m", 1u << 20 }, { "k", 1u << 10 }, { "", 1 } };
	uint64_t r = cost_to_bytes(avg);
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (r >= units[i].thresh &&
		    bytes_to_cost(r & ~(units[i].thresh - 1)) == avg)
			break;
	nfu_sb_printf(sb, " %" PRIu64 "%sb/s", r / units[i].thresh,
		      units[i].name);
	if (burst == 0)
		return HL_BYTE_EXPIRE * 1000;
	r *= burst;
	for (i = 0; i < 2; i++)
		if (r >= units[i].thresh)
			break;
	nfu_sb_printf(sb, " %sburst %" PRIu64 "%sb", prefix,
		      r / units[i].thresh, units[i].name);
	return HL_BYTE_EXPIRE_BURST * 1000;
}

static void put_mode(struct nfu_strbuf *sb, uint32_t mode, char sep)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} order[] = {
		{ HASH_SIP, "srcip" }, { HASH_SPT, "srcport" },
		{ HASH_DIP, "dstip" }, { HASH_DPT, "dstport" },
	};
	bool first = true;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (mode & order[i].bit) {
			nfu_sb_printf(sb, "%c%s", first ? ' ' : sep,
				      order[i].name);
			first = false;
		}
}

static void hashlimit_put(const struct hashlimit_info *h, bool save,
			  struct nfu_strbuf *sb)
{
	const char *p = save ? " --hashlimit-" : " ";
	uint32_t quantum;

	if (save)
		nfu_sb_puts(sb, (h->mode & HL_INVERT) ? " --hashlimit-above"
						      : " --hashlimit-upto");
	else
		nfu_sb_puts(sb, (h->mode & HL_INVERT) ? " limit: above"
						      : " limit: up to");
	uint64_t avg = save && h->interval ? h->avg / h->interval : h->avg;

	if (h->mode & HL_BYTES) {
		quantum = put_bytes(sb, avg, h->burst,
				    save ? "--hashlimit-" : "");
	} else {
		quantum = put_rate(sb, avg);
		nfu_sb_printf(sb, "%sburst %" PRIu64, p, h->burst);
	}
	if (h->mode & (HASH_SIP | HASH_SPT | HASH_DIP | HASH_DPT)) {
		nfu_sb_printf(sb, "%smode", p);
		put_mode(sb, h->mode, save ? ',' : '-');
	}
	if (save)
		nfu_sb_printf(sb, " --hashlimit-name %s", h->name);
	if (h->size)
		nfu_sb_printf(sb, "%shtable-size %u", p, h->size);
	if (h->max)
		nfu_sb_printf(sb, "%shtable-max %u", p, h->max);
	if (h->gc_interval != HL_GCINTERVAL)
		nfu_sb_printf(sb, "%shtable-gcinterval %u", p, h->gc_interval);
	if (h->expire != quantum)
		nfu_sb_printf(sb, "%shtable-expire %u", p, h->expire);
	if (h->srcmask != 32)
		nfu_sb_printf(sb, "%ssrcmask %u", p, h->srcmask);
	if (h->dstmask != 32)
		nfu_sb_printf(sb, "%sdstmask %u", p, h->dstmask);
	if (h->mode & HL_RATE_MATCH) {
		nfu_sb_printf(sb, "%srate-match", p);
		if (h->interval != 1)
			nfu_sb_printf(sb, "%srate-interval %u", p, h->interval);
	}
}

static void hashlimit_save(const void *data, const struct nfu_xt_ip *ip,
			   struct nfu_strbuf *sb)
{
	(void)ip;
	hashlimit_put(data, true, sb);
}

static void hashlimit_print(const void *data, const struct nfu_xt_ip *ip,
			    bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	(void)numeric;
	hashlimit_put(data, false, sb);
}

const struct nfu_xt_match_ops nfu_xt_hashlimit = {
	.name = "hashlimit",
	.revision = 3,
	.size = sizeof(struct hashlimit_info),
	.usersize = offsetof(struct hashlimit_info, table),
	.options = hashlimit_opts,
	.init = hashlimit_init,
	.parse = hashlimit_parse,
	.final_check = hashlimit_final_check,
	.check = hashlimit_check,
	.match = hashlimit_mt,
	.save = hashlimit_save,
	.print = hashlimit_print,
};
