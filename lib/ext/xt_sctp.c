/* SPDX-License-Identifier: MIT */
/*
 * xt_sctp.c - the "sctp" match: port ranges and chunk types, as Linux's
 * xt_sctp with libxt_sctp's hand-written parser ("Only one ..." messages,
 * '!' on every option).
 *
 * '--chunk-types any|all|only LIST' names chunk types, each with optional
 * flags after ':' (upper case: the bit set, lower case: clear).  As in
 * iptables 1.8.9, a chunk's flags are recorded under its index in
 * libxt_sctp's name table, not its type: the same for the types below 15,
 * while the flags of I_DATA (type 64, index 15) apply to type 15 and are
 * not saved.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext/ext-private.h"

enum {
	SCTP_SRC_PORTS = 0x01,
	SCTP_DEST_PORTS = 0x02,
	SCTP_CHUNK_TYPES = 0x04,
	SCTP_VALID = 0x07,
};
enum {
	MATCH_ANY = 0x01,
	MATCH_ALL = 0x02,
	MATCH_ONLY = 0x04,
};
#define NUM_CHUNK_FLAGS 4      /* XT_NUM_SCTP_FLAGS */

struct sctp_flag_info {
	uint8_t chunktype, flag, flag_mask;
};

/* Linux's struct xt_sctp_info. */
struct sctp_info {
	uint16_t dpts[2];
	uint16_t spts[2];
	uint32_t chunkmap[256 / 32];
	uint32_t chunk_match_type;
	struct sctp_flag_info flag_info[NUM_CHUNK_FLAGS];
	int flag_count;
	uint32_t flags;
	uint32_t invflags;
};

static const struct {
	const char *name;
	uint8_t type;
	const char *valid_flags;  /* bit 7 first */
} chunk_names[] = {
	{ "DATA", 0, "----IUBE" },
	{ "INIT", 1, "--------" },
	{ "INIT_ACK", 2, "--------" },
	{ "SACK", 3, "--------" },
	{ "HEARTBEAT", 4, "--------" },
	{ "HEARTBEAT_ACK", 5, "--------" },
	{ "ABORT", 6, "-------T" },
	{ "SHUTDOWN", 7, "--------" },
	{ "SHUTDOWN_ACK", 8, "--------" },
	{ "ERROR", 9, "--------" },
	{ "COOKIE_ECHO", 10, "--------" },
	{ "COOKIE_ACK", 11, "--------" },
	{ "ECN_ECNE", 12, "--------" },
	{ "ECN_CWR", 13, "--------" },
	{ "SHUTDOWN_COMPLETE", 14, "-------T" },
	{ "I_DATA", 64, "----IUBE" },
	{ "RE_CONFIG", 130, "--------" },
	{ "PAD", 132, "--------" },
	{ "ASCONF", 193, "--------" },
	{ "ASCONF_ACK", 128, "--------" },
	{ "FORWARD_TSN", 192, "--------" },
	{ "I_FORWARD_TSN", 194, "--------" },
};
#define NCHUNK_NAMES (sizeof(chunk_names) / sizeof(chunk_names[0]))

enum { O_SPORT, O_DPORT, O_CHUNKS };

static const struct nfu_xt_option sctp_opts[] = {
	{ "source-port", O_SPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "sport", O_SPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "destination-port", O_DPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "dport", O_DPORT, NFU_XTOPT_ARG | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ "chunk-types", O_CHUNKS, NFU_XTOPT_ARG | NFU_XTOPT_ARG2 | NFU_XTOPT_INVERT | NFU_XTOPT_MULTI },
	{ NULL, 0, 0 },
};

static bool map_isset(const uint32_t *map, unsigned int t)
{
	return map[t / 32] & (1u << (t % 32));
}

static void sctp_init(void *data)
{
	struct sctp_info *s = data;

	s->spts[1] = s->dpts[1] = 0xffff;
}

/* libxt_sctp's parse_sctp_ports(): "a", "a:b", ":b", "a:", ":". */
static int sctp_ports(struct nfu_xt_parse_ctx *ctx, const char *arg,
		      uint16_t *ports)
{
	const char *colon = strchr(arg, ':');
	char *lo;
	int p;

	if (!colon) {
		p = nfu_ext_parse_port(arg, "sctp");
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
		p = nfu_ext_parse_port(lo, "sctp");
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
		p = nfu_ext_parse_port(colon + 1, "sctp");
		if (p < 0)
			return nfu_xt_error(ctx, "invalid port/service `%s' specified",
					    colon + 1);
		ports[1] = (uint16_t)p;
	}
	if (ports[0] > ports[1])
		return nfu_xt_error(ctx, "invalid portrange (min > max)");
	return 0;
}

static int save_flag(struct nfu_xt_parse_ctx *ctx, struct sctp_info *s,
		     uint8_t index, unsigned int bit, bool set)
{
	int i;

	for (i = 0; i < s->flag_count; i++)
		if (s->flag_info[i].chunktype == index)
			break;
	if (i == s->flag_count) {
		if (s->flag_count == NUM_CHUNK_FLAGS)
			return nfu_xt_error(ctx, "Number of chunk types with flags exceeds currently allowed limit.Increasing this limit involves changing IPT_NUM_SCTP_FLAGS andrecompiling both the kernel space and user space modules");
		s->flag_info[i].chunktype = index;
		s->flag_count++;
	}
	s->flag_info[i].flag_mask |= (uint8_t)(1u << bit);
	if (set)
		s->flag_info[i].flag |= (uint8_t)(1u << bit);
	return 0;
}

/* libxt_sctp's parse_sctp_chunk(): "ALL", "NONE", or names joined by ','
 * (empty ones skipped), each with optional ":FLAGS". */
static int sctp_chunks(struct nfu_xt_parse_ctx *ctx, struct sctp_info *s,
		       const char *arg)
{
	const char *p = arg;

	if (!strcasecmp(arg, "ALL")) {
		memset(s->chunkmap, 0xff, sizeof(s->chunkmap));
		return 0;
	}
	if (!strcasecmp(arg, "NONE")) {
		memset(s->chunkmap, 0, sizeof(s->chunkmap));
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ","), namelen;
		const char *colon = memchr(p, ':', n);
		size_t i;

		if (!n) {
			p++;
			continue;
		}
		namelen = colon ? (size_t)(colon - p) : n;
		for (i = 0; i < NCHUNK_NAMES; i++)
			if (strlen(chunk_names[i].name) == namelen &&
			    !strncasecmp(chunk_names[i].name, p, namelen))
				break;
		if (i == NCHUNK_NAMES)
			return nfu_xt_error(ctx, "Unknown sctp chunk `%.*s'",
					    (int)namelen, p);
		s->chunkmap[chunk_names[i].type / 32] |= 1u << (chunk_names[i].type % 32);
		for (const char *f = colon ? colon + 1 : p + n; f < p + n; f++) {
			const char *v = strchr(chunk_names[i].valid_flags,
					       toupper((unsigned char)*f));
			int rc;

			if (!v)
				return nfu_xt_error(ctx, "Invalid flags for chunk type %zu", i);
			rc = save_flag(ctx, s, (uint8_t)i,
				       7u - (unsigned int)(v - chunk_names[i].valid_flags),
				       isupper((unsigned char)*f));
			if (rc)
				return rc;
		}
		p += n;
	}
	return 0;
}

static int sctp_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		      const char *arg, bool invert, void *data)
{
	struct sctp_info *s = data;
	int rc;

	switch (id) {
	case O_SPORT:
		if (s->flags & SCTP_SRC_PORTS)
			return nfu_xt_error(ctx, "Only one `--source-port' allowed");
		rc = sctp_ports(ctx, arg, s->spts);
		if (rc)
			return rc;
		s->flags |= SCTP_SRC_PORTS;
		if (invert)
			s->invflags |= SCTP_SRC_PORTS;
		return 0;
	case O_DPORT:
		if (s->flags & SCTP_DEST_PORTS)
			return nfu_xt_error(ctx, "Only one `--destination-port' allowed");
		rc = sctp_ports(ctx, arg, s->dpts);
		if (rc)
			return rc;
		s->flags |= SCTP_DEST_PORTS;
		if (invert)
			s->invflags |= SCTP_DEST_PORTS;
		return 0;
	case O_CHUNKS:
		if (s->flags & SCTP_CHUNK_TYPES)
			return nfu_xt_error(ctx, "Only one `--chunk-types' allowed");
		if (!ctx->arg2)
			return nfu_xt_error(ctx, "--chunk-types requires two args");
		if (!strcasecmp(arg, "any"))
			s->chunk_match_type = MATCH_ANY;
		else if (!strcasecmp(arg, "all"))
			s->chunk_match_type = MATCH_ALL;
		else if (!strcasecmp(arg, "only"))
			s->chunk_match_type = MATCH_ONLY;
		else
			return nfu_xt_error(ctx, "Match type has to be one of \"ALL\", \"ANY\" or \"ONLY\"");
		rc = sctp_chunks(ctx, s, ctx->arg2);
		if (rc)
			return rc;
		s->flags |= SCTP_CHUNK_TYPES;
		if (invert)
			s->invflags |= SCTP_CHUNK_TYPES;
		return 0;
	}
	return -EINVAL;
}

/* Linux's sctp_mt_check(). */
static int sctp_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct sctp_info *s = data;

	if ((s->flags & ~SCTP_VALID) || (s->invflags & ~SCTP_VALID) ||
	    (s->invflags & ~s->flags) ||
	    ((s->flags & SCTP_CHUNK_TYPES) &&
	     s->chunk_match_type != MATCH_ANY &&
	     s->chunk_match_type != MATCH_ALL &&
	     s->chunk_match_type != MATCH_ONLY) ||
	    s->flag_count < 0 || s->flag_count > NUM_CHUNK_FLAGS) {
		if (ctx->err)
			nfu_error_set(ctx->err, NULL, 0, 0,
				      "xt_sctp: invalid flags");
		return -EINVAL;
	}
	return 0;
}

static bool match_flags(const struct sctp_info *s, uint8_t type,
			uint8_t flags)
{
	for (int i = 0; i < s->flag_count; i++)
		if (s->flag_info[i].chunktype == type)
			return (flags & s->flag_info[i].flag_mask) ==
			       s->flag_info[i].flag;
	return true;
}

/* Linux's match_packet(): the chunks after the common header. */
static bool match_chunks(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
			 const struct sctp_info *s, size_t off, size_t end)
{
	uint32_t copy[256 / 32];

	memcpy(copy, s->chunkmap, sizeof(copy));
	do {
		const uint8_t *ch = nfu_ext_header(pkt, off, 4);
		unsigned int len;

		if (!ch) {
			par->hotdrop = true;
			return false;
		}
		len = (unsigned int)ch[2] << 8 | ch[3];
		/* A chunk of length 0 would stop nothing: Linux steps by the
		 * padded length and would see the same chunk again; nfu ends
		 * the walk there as on a truncated packet. */
		if (len == 0) {
			par->hotdrop = true;
			return false;
		}
		off += (len + 3u) & ~3u;
		if (map_isset(s->chunkmap, ch[0])) {
			switch (s->chunk_match_type) {
			case MATCH_ANY:
				if (match_flags(s, ch[0], ch[1]))
					return true;
				break;
			case MATCH_ALL:
				if (match_flags(s, ch[0], ch[1]))
					copy[ch[0] / 32] &= ~(1u << (ch[0] % 32));
				break;
			case MATCH_ONLY:
				if (!match_flags(s, ch[0], ch[1]))
					return false;
				break;
			}
		} else if (s->chunk_match_type == MATCH_ONLY) {
			return false;
		}
	} while (off < end);

	switch (s->chunk_match_type) {
	case MATCH_ALL:
		for (unsigned int i = 0; i < 256 / 32; i++)
			if (copy[i])
				return false;
		return true;
	case MATCH_ONLY:
		return true;
	default:
		return false;
	}
}

static bool in_range(uint16_t p, const uint16_t *r)
{
	return p >= r[0] && p <= r[1];
}

static bool sctp_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		    void *data)
{
	const struct sctp_info *s = data;
	const uint8_t *sh;
	uint16_t sp, dp;

	if (par->fragoff)
		return false;
	sh = nfu_ext_header(pkt, par->thoff, 12);
	if (!sh) {
		par->hotdrop = true;
		return false;
	}
	sp = (uint16_t)(sh[0] << 8 | sh[1]);
	dp = (uint16_t)(sh[2] << 8 | sh[3]);
	if ((s->flags & SCTP_SRC_PORTS) &&
	    in_range(sp, s->spts) == !!(s->invflags & SCTP_SRC_PORTS))
		return false;
	if ((s->flags & SCTP_DEST_PORTS) &&
	    in_range(dp, s->dpts) == !!(s->invflags & SCTP_DEST_PORTS))
		return false;
	if (s->flags & SCTP_CHUNK_TYPES) {
		size_t off = par->thoff + 12;
		bool m = match_chunks(pkt, par, s, off,
				      off + nfu_ext_avail(pkt, off));

		if (par->hotdrop)
			return false;
		if (m == !!(s->invflags & SCTP_CHUNK_TYPES))
			return false;
	}
	return true;
}

static void put_chunk(struct nfu_strbuf *sb, unsigned int type, bool numeric)
{
	if (!numeric)
		for (size_t i = 0; i < NCHUNK_NAMES; i++)
			if (chunk_names[i].type == type) {
				nfu_sb_puts(sb, chunk_names[i].name);
				return;
			}
	nfu_sb_printf(sb, numeric ? "0x%04X" : "%u", type);
}

/* libxt_sctp's print_chunks(); the flags' letters are looked up with
 * the type as index, as there. */
static void put_chunks(const struct sctp_info *s, bool numeric,
		       struct nfu_strbuf *sb)
{
	bool all = true, none = true, first = true;

	switch (s->chunk_match_type) {
	case MATCH_ANY:
		nfu_sb_puts(sb, " any");
		break;
	case MATCH_ALL:
		nfu_sb_puts(sb, " all");
		break;
	case MATCH_ONLY:
		nfu_sb_puts(sb, " only");
		break;
	}
	for (unsigned int i = 0; i < 256 / 32; i++) {
		if (s->chunkmap[i])
			none = false;
		if (s->chunkmap[i] != 0xffffffffu)
			all = false;
	}
	if (none) {
		nfu_sb_puts(sb, " NONE");
		return;
	}
	if (all) {
		nfu_sb_puts(sb, " ALL");
		return;
	}
	for (unsigned int t = 0; t < 256; t++) {
		if (!map_isset(s->chunkmap, t))
			continue;
		nfu_sb_puts(sb, first ? " " : ",");
		first = false;
		put_chunk(sb, t, numeric);
		for (int j = 0; j < s->flag_count; j++) {
			const struct sctp_flag_info *fi = &s->flag_info[j];

			if (fi->chunktype != t || !fi->flag_mask)
				continue;
			nfu_sb_puts(sb, ":");
			for (int b = 7; b >= 0; b--) {
				char c;

				if (!(fi->flag_mask & (1u << b)))
					continue;
				/* types past the table print '-', which
				 * iptables would read out of bounds */
				c = t < NCHUNK_NAMES ? chunk_names[t].valid_flags[7 - b]
						     : '-';
				if (!(fi->flag & (1u << b)))
					c = (char)tolower((unsigned char)c);
				nfu_sb_printf(sb, "%c", c);
			}
		}
	}
}

static void sctp_save(const void *data, const struct nfu_xt_ip *ip,
		      struct nfu_strbuf *sb)
{
	const struct sctp_info *s = data;
	static const char *const names[] = { " --sport", " --dport" };
	const uint16_t *pts[] = { s->spts, s->dpts };
	const uint32_t bits[] = { SCTP_SRC_PORTS, SCTP_DEST_PORTS };

	(void)ip;
	for (int i = 0; i < 2; i++) {
		if (!(s->flags & bits[i]))
			continue;
		if (s->invflags & bits[i])
			nfu_sb_puts(sb, " !");
		nfu_sb_puts(sb, names[i]);
		if (pts[i][0] != pts[i][1])
			nfu_sb_printf(sb, " %u:%u", pts[i][0], pts[i][1]);
		else
			nfu_sb_printf(sb, " %u", pts[i][0]);
	}
	if (s->flags & SCTP_CHUNK_TYPES) {
		if (s->invflags & SCTP_CHUNK_TYPES)
			nfu_sb_puts(sb, " !");
		nfu_sb_puts(sb, " --chunk-types");
		put_chunks(s, false, sb);
	}
}

static void sctp_print(const void *data, const struct nfu_xt_ip *ip,
		       bool numeric, struct nfu_strbuf *sb)
{
	const struct sctp_info *s = data;
	static const char *const names[] = { "spt", "dpt" };
	const uint16_t *pts[] = { s->spts, s->dpts };
	const uint32_t bits[] = { SCTP_SRC_PORTS, SCTP_DEST_PORTS };

	(void)ip;
	nfu_sb_puts(sb, " sctp");
	for (int i = 0; i < 2; i++) {
		bool inv = s->invflags & bits[i];

		if (!(s->flags & bits[i]) ||
		    (pts[i][0] == 0 && pts[i][1] == 0xffff && !inv))
			continue;
		if (pts[i][0] == pts[i][1])
			nfu_sb_printf(sb, " %s:%s%u", names[i], inv ? "!" : "",
				      pts[i][0]);
		else
			nfu_sb_printf(sb, " %ss:%s%u:%u", names[i],
				      inv ? "!" : "", pts[i][0], pts[i][1]);
	}
	if (s->flags & SCTP_CHUNK_TYPES) {
		if (s->invflags & SCTP_CHUNK_TYPES)
			nfu_sb_puts(sb, " !");
		put_chunks(s, numeric, sb);
	}
}

const struct nfu_xt_match_ops nfu_xt_sctp = {
	.name = "sctp",
	.revision = 0,
	.size = sizeof(struct sctp_info),
	.proto = 132,
	.options = sctp_opts,
	.init = sctp_init,
	.parse = sctp_parse,
	.check = sctp_check,
	.match = sctp_mt,
	.save = sctp_save,
	.print = sctp_print,
};
