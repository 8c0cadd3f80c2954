/* SPDX-License-Identifier: MIT */
/*
 * xt_owner.c - the "owner" match, revision 1: the socket of a locally
 * generated packet, its file's uid or gid (a range), whether it exists,
 * and (--suppl-groups) the supplementary groups of the gid test.
 *
 * nfu has no user sockets.  What the host sends itself (echo replies,
 * ICMP errors, resets) Linux sends through kernel sockets, which exist but
 * have no file (has_kernel_socket()): --socket-exists matches, and
 * a uid or gid test only when inverted, whatever else the rule says
 * (--suppl-groups included), "((match ^ invert) & (UID | GID)) == 0".
 * A packet without a socket (forwarded, in POSTROUTING) matches only when
 * every test the rule names is inverted, "(match ^ invert) == 0", so
 * never with --suppl-groups, which cannot be inverted.
 *
 * Names are resolved with the reentrant passwd and group calls at parse
 * time, as iptables does; the saved form is numeric.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ext/ext-private.h"

/* Would Linux's skb->sk be a socket here?  The host's own packets leave
 * through its kernel sockets (icmp_sk for echo replies and ICMP errors,
 * REJECT's included; the TCP control socket for the resets of closed
 * ports), sockets without a file; forwarded packets have none.  nfu makes
 * no other packets.  Linux's one exception, REJECT's reset (built by
 * nf_send_reset() without a socket), is marked pkt->no_sock.  (The same
 * in xt_recent.c.) */
static bool has_kernel_socket(const struct nfu_pkt *pkt)
{
	return pkt->local_out && !pkt->no_sock;
}

enum {
	OWNER_UID = 0x01,
	OWNER_GID = 0x02,
	OWNER_SOCKET = 0x04,
	OWNER_SUPPL_GROUPS = 0x08,
};

/* Linux's struct xt_owner_match_info. */
struct owner_info {
	uint32_t uid_min, uid_max;
	uint32_t gid_min, gid_max;
	uint8_t match, invert;
};

enum { O_UID, O_GID, O_SOCKET, O_SUPPL };

static const struct nfu_xt_option owner_opts[] = {
	{ "uid-owner", O_UID, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "gid-owner", O_GID, NFU_XTOPT_ARG | NFU_XTOPT_INVERT },
	{ "socket-exists", O_SOCKET, NFU_XTOPT_INVERT },
	{ "suppl-groups", O_SUPPL, 0 },
	{ NULL, 0, 0 },
};

/* libxt_owner's owner_parse_range(): "a", "a-b" or "a:b", each a number
 * (C prefixes) up to 4294967294 ((uid_t)-1 is reserved). */
static int parse_range(struct nfu_xt_parse_ctx *ctx, const char *opt,
		       const char *arg, uint32_t *lo, uint32_t *hi)
{
	uintmax_t a, b;
	char *end;

	if (!nfu_ext_strtoul(arg, &end, &a, 0, UINT32_MAX - 1, 0))
		goto bad;
	b = a;
	if ((*end == '-' || *end == ':') &&
	    !nfu_ext_strtoul(end + 1, &end, &b, 0, UINT32_MAX - 1, 0))
		goto bad;
	if (*end != '\0')
		goto bad;
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	return 0;
bad:
	return nfu_xt_error(ctx, "owner: Bad value for \"%s\" option: \"%s\"",
			    opt, arg);
}

/* A user or group name first, then a range. */
static int parse_id(struct nfu_xt_parse_ctx *ctx, bool user, const char *arg,
		    uint32_t *lo, uint32_t *hi)
{
	long sz = sysconf(user ? _SC_GETPW_R_SIZE_MAX : _SC_GETGR_R_SIZE_MAX);
	char *buf;
	bool found = false;

	if (sz < 1024)
		sz = 1024;
	buf = malloc((size_t)sz);
	if (!buf)
		return -ENOMEM;
	if (user) {
		struct passwd pw, *res = NULL;

		if (getpwnam_r(arg, &pw, buf, (size_t)sz, &res) == 0 && res) {
			*lo = *hi = (uint32_t)res->pw_uid;
			found = true;
		}
	} else {
		struct group gr, *res = NULL;

		if (getgrnam_r(arg, &gr, buf, (size_t)sz, &res) == 0 && res) {
			*lo = *hi = (uint32_t)res->gr_gid;
			found = true;
		}
	}
	free(buf);
	if (found)
		return 0;
	return parse_range(ctx, user ? "--uid-owner" : "--gid-owner", arg, lo,
			   hi);
}

static int owner_parse(struct nfu_xt_parse_ctx *ctx, unsigned int id,
		       const char *arg, bool invert, void *data)
{
	struct owner_info *o = data;
	uint8_t flag;
	int rc = 0;

	switch (id) {
	case O_UID:
		flag = OWNER_UID;
		rc = parse_id(ctx, true, arg, &o->uid_min, &o->uid_max);
		break;
	case O_GID:
		flag = OWNER_GID;
		rc = parse_id(ctx, false, arg, &o->gid_min, &o->gid_max);
		break;
	case O_SOCKET:
		flag = OWNER_SOCKET;
		break;
	case O_SUPPL:
		if (!(o->match & OWNER_GID))
			return nfu_xt_error(ctx, "owner: Bad value for \"--suppl-groups\" option: \"you need to use --gid-owner first\"");
		flag = OWNER_SUPPL_GROUPS;
		break;
	default:
		return -EINVAL;
	}
	if (rc)
		return rc;
	o->match |= flag;
	if (invert)
		o->invert |= flag;
	return 0;
}

static int owner_final_check(struct nfu_xt_parse_ctx *ctx, void *data,
			     unsigned int seen)
{
	(void)data;
	if (!(seen & ((1u << O_UID) | (1u << O_GID) | (1u << O_SOCKET))))
		return nfu_xt_error(ctx, "owner: At least one of --uid-owner, --gid-owner or --socket-exists is required");
	return 0;
}

/* Linux's owner_check(): known bits, ordered ranges (no log line). */
static int owner_check(const struct nfu_xt_check_ctx *ctx, void *data)
{
	const struct owner_info *o = data;
	const char *bad = NULL;

	if (o->match & ~0x0f)
		bad = "unknown flags";
	else if ((o->match & OWNER_UID) &&
		 (o->uid_max < o->uid_min || o->uid_max == UINT32_MAX))
		bad = "bad uid range";
	else if ((o->match & OWNER_GID) &&
		 (o->gid_max < o->gid_min || o->gid_max == UINT32_MAX))
		bad = "bad gid range";
	if (!bad)
		return 0;
	if (ctx->err)
		nfu_error_set(ctx->err, NULL, 0, 0, "xt_owner: %s", bad);
	return -EINVAL;
}

static bool owner_mt(const struct nfu_pkt *pkt, struct nfu_xt_par *par,
		     void *data)
{
	const struct owner_info *o = data;

	(void)par;
	/* see the head of this file */
	if (!has_kernel_socket(pkt))
		return (o->match ^ o->invert) == 0;
	if (o->match & o->invert & OWNER_SOCKET)
		return false;
	return ((o->match ^ o->invert) & (OWNER_UID | OWNER_GID)) == 0;
}

static void put_id(struct nfu_strbuf *sb, bool user, uint32_t lo,
		   uint32_t hi, bool numeric)
{
	if (lo != hi) {
		nfu_sb_printf(sb, " %u-%u", lo, hi);
		return;
	}
	if (!numeric) {
		long sz = sysconf(user ? _SC_GETPW_R_SIZE_MAX : _SC_GETGR_R_SIZE_MAX);
		char *buf;

		if (sz < 1024)
			sz = 1024;
		buf = malloc((size_t)sz);
		if (buf) {
			const char *name = NULL;
			struct passwd pw, *pr = NULL;
			struct group gr, *gres = NULL;

			if (user && getpwuid_r(lo, &pw, buf, (size_t)sz, &pr) == 0 && pr)
				name = pr->pw_name;
			else if (!user && getgrgid_r(lo, &gr, buf, (size_t)sz, &gres) == 0 && gres)
				name = gres->gr_name;
			if (name) {
				nfu_sb_printf(sb, " %s", name);
				free(buf);
				return;
			}
			free(buf);
		}
	}
	nfu_sb_printf(sb, " %u", lo);
}

/* libxt_owner's order: socket, uid, gid, supplementary groups. */
static void owner_put(const struct owner_info *o, bool save, bool numeric,
		      struct nfu_strbuf *sb)
{
	static const struct {
		uint8_t flag;
		const char *save, *print;
	} items[] = {
		{ OWNER_SOCKET, "--socket-exists", "owner socket exists" },
		{ OWNER_UID, "--uid-owner", "owner UID match" },
		{ OWNER_GID, "--gid-owner", "owner GID match" },
		{ OWNER_SUPPL_GROUPS, "--suppl-groups", "incl. suppl. groups" },
	};

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		uint8_t f = items[i].flag;

		if (!(o->match & f))
			continue;
		if (o->invert & f)
			nfu_sb_puts(sb, " !");
		nfu_sb_printf(sb, " %s", save ? items[i].save : items[i].print);
		if (f == OWNER_UID)
			put_id(sb, true, o->uid_min, o->uid_max, save || numeric);
		else if (f == OWNER_GID)
			put_id(sb, false, o->gid_min, o->gid_max, save || numeric);
	}
}

static void owner_save(const void *data, const struct nfu_xt_ip *ip,
		       struct nfu_strbuf *sb)
{
	(void)ip;
	owner_put(data, true, true, sb);
}

static void owner_print(const void *data, const struct nfu_xt_ip *ip,
			bool numeric, struct nfu_strbuf *sb)
{
	(void)ip;
	owner_put(data, false, numeric, sb);
}

const struct nfu_xt_match_ops nfu_xt_owner = {
	.name = "owner",
	.revision = 1,
	.size = sizeof(struct owner_info),
	.hooks = NFU_XT_HOOK(NFU_INET_LOCAL_OUT) |
		 NFU_XT_HOOK(NFU_INET_POST_ROUTING),
	.options = owner_opts,
	.parse = owner_parse,
	.final_check = owner_final_check,
	.check = owner_check,
	.match = owner_mt,
	.save = owner_save,
	.print = owner_print,
};
