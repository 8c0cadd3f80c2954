/* SPDX-License-Identifier: MIT */
/*
 * What conntrack -L shows of a connection, and that line read back.
 *
 * The text is the one conntrack-tools 1.4.7 prints through
 * libnetfilter_conntrack's default output (see ct-private.h for a line),
 * learnt from conntrack -L, -L -o extended and -L -o id run on Linux 6.18
 * in network namespaces with UDP, ICMP, TCP, GRE and an unknown protocol,
 * nf_conntrack_acct on and off, CONNMARK and CT --zone rules:
 *   - the protocol's name padded to 8 and its number ("%-8s %u"), the name
 *     being conntrack-tools' own (tcp, udp, udplite, icmp, icmpv6, sctp,
 *     gre, dccp; "unknown" for the others: GRE is "gre" even when Linux
 *     tracks it generically);
 *   - the seconds left, rounded down as ctnetlink divides jiffies by HZ
 *     (a UDP flow listed right after its packet shows 29, not 30);
 *   - the tracker's state (TCP: ESTABLISHED...);
 *   - each tuple: src= dst=, then by protocol number sport= dport=,
 *     type= code= id= (ICMP), srckey=0x dstkey=0x (GRE), or nothing;
 *     after it packets= bytes= when the connection has counters;
 *     [UNREPLIED] after the original tuple until a reply was seen;
 *   - [ASSURED], mark= (always), zone= (when not 0), helper= (a CT
 *     --helper's), use=, and with -o id id= at the end.
 * Linux lists only confirmed connections whose timeout has not run out
 * (ctnetlink evicts expired ones on the way); nfu_ct_entry_of() is given
 * those.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/ct-format.h"

#define NS_PER_SEC 1000000000ull

const char *nfu_ct_proto_name(uint8_t proto)
{
	switch (proto) {
	case 6: return "tcp";
	case 17: return "udp";
	case 136: return "udplite";
	case 1: return "icmp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	case 47: return "gre";
	case 33: return "dccp";
	default: return "unknown";
	}
}

static const char *const tcp_states[] = {
	[NFU_CT_TCP_NONE] = "NONE",
	[NFU_CT_TCP_SYN_SENT] = "SYN_SENT",
	[NFU_CT_TCP_SYN_RECV] = "SYN_RECV",
	[NFU_CT_TCP_ESTABLISHED] = "ESTABLISHED",
	[NFU_CT_TCP_FIN_WAIT] = "FIN_WAIT",
	[NFU_CT_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[NFU_CT_TCP_LAST_ACK] = "LAST_ACK",
	[NFU_CT_TCP_TIME_WAIT] = "TIME_WAIT",
	[NFU_CT_TCP_CLOSE] = "CLOSE",
	[NFU_CT_TCP_SYN_SENT2] = "SYN_SENT2",
};

const char *nfu_ct_tcp_state_name(unsigned int st)
{
	return st < sizeof(tcp_states) / sizeof(tcp_states[0]) ? tcp_states[st]
							      : NULL;
}

/* How a protocol's tuple is written after the addresses. */
enum l4_kind { L4_NONE, L4_PORTS, L4_ICMP, L4_GRE };

static enum l4_kind l4_kind(uint8_t proto)
{
	switch (proto) {
	case 6: case 17: case 136: case 132: case 33:
		return L4_PORTS;
	case 1: case 58:
		return L4_ICMP;
	case 47:
		return L4_GRE;
	default:
		return L4_NONE;
	}
}

void nfu_ct_entry_of(const struct nfu_ct *ct, struct nfu_ct_entry *e)
{
	uint64_t now = nfu_net_now(ct->cn->net);

	memset(e, 0, sizeof(*e));
	e->proto = ct->tuplehash[NFU_CT_DIR_ORIGINAL].tuple.proto;
	if (!(ct->status & NFU_IPS_CONFIRMED))
		e->timeout = (uint32_t)(ct->timeout / NS_PER_SEC); /* relative */
	else if ((int64_t)(ct->timeout - now) > 0)
		e->timeout = (uint32_t)((ct->timeout - now) / NS_PER_SEC);
	if (ct->l4 && ct->l4->print_state) {
		char s[64] = "";
		size_t n;

		ct->l4->print_state(ct, s, sizeof(s));
		n = strlen(s);
		while (n && s[n - 1] == ' ')
			s[--n] = 0;
		if (n >= sizeof(e->state))
			n = sizeof(e->state) - 1;
		memcpy(e->state, s, n);
		e->state[n] = 0;
	}
	for (unsigned int d = 0; d < NFU_CT_DIR_MAX; d++) {
		e->tuple[d] = ct->tuplehash[d].tuple;
		e->packets[d] = ct->packets[d];
		e->bytes[d] = ct->bytes[d];
	}
	/* Linux shows counters when the connection was made with
	 * nf_conntrack_acct on (its acct extension) */
	e->acct = ct->acct;
	e->status = ct->status & (NFU_IPS_SEEN_REPLY | NFU_IPS_ASSURED);
	e->mark = ct->mark;
	e->zone = ct->zone;
	e->zone_dir = ct->czone.dir == NFU_CT_DEFAULT_ZONE_DIR ? 0 : ct->czone.dir;
	if (ct->helper && ct->helper->name)
		snprintf(e->helper, sizeof(e->helper), "%s", ct->helper->name);
	/* nfu's expectations hold a reference on their master, Linux's do
	 * not (they go with it): not counted */
	e->use = ct->common.use - ct->expecting;
	e->has_id = true;
	e->id = ct->id;
}

struct list {
	struct nfu_ct **v;
	size_t n, cap;
	uint64_t now;
	bool oom;
};

static void list_one(struct nfu_ct *ct, void *priv)
{
	struct list *l = priv;

	if (l->oom || (int64_t)(ct->timeout - l->now) <= 0)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct nfu_ct **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->oom = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ct;
}

static int by_id(const void *a, const void *b)
{
	const struct nfu_ct *x = *(struct nfu_ct *const *)a;
	const struct nfu_ct *y = *(struct nfu_ct *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int nfu_ct_list(struct nfu_ct_net *cn, struct nfu_ct ***out, size_t *n)
{
	struct list l = { .now = nfu_net_now(cn->net) };

	nfu_ct_walk(cn, list_one, &l);
	if (l.oom) {
		free(l.v);
		return -ENOMEM;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(l.v[0]), by_id);
	*out = l.v;
	*n = l.n;
	return 0;
}

/*
 * Writing.
 */

struct out {
	char *buf;
	size_t len, off;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->off < o->len ? o->buf + o->off : NULL,
		      o->off < o->len ? o->len - o->off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->off += (size_t)n;
}

static void put_addr(struct out *o, const char *tag, uint32_t be)
{
	const uint8_t *b = (const uint8_t *)&be;

	put(o, "%s=%u.%u.%u.%u ", tag, b[0], b[1], b[2], b[3]);
}

/* A tuple's layer 4 part, as its protocol 'proto' has it. */
static void put_l4(struct out *o, const struct nfu_ct_tuple *t, uint8_t proto)
{
	switch (l4_kind(proto)) {
	case L4_PORTS:
		put(o, "sport=%u dport=%u ", (unsigned int)__builtin_bswap16(t->sport),
		    (unsigned int)__builtin_bswap16(t->dport));
		break;
	case L4_ICMP:
		/* signed, as libnetfilter_conntrack prints them */
		put(o, "type=%d code=%d id=%d ", t->dport >> 8, t->dport & 0xff,
		    (int)__builtin_bswap16(t->sport));
		break;
	case L4_GRE:
		put(o, "srckey=0x%x dstkey=0x%x ",
		    (unsigned int)__builtin_bswap16(t->sport),
		    (unsigned int)__builtin_bswap16(t->dport));
		break;
	case L4_NONE:
		break;
	}
}

static void put_tuple(struct out *o, const struct nfu_ct_tuple *t, uint8_t proto)
{
	put_addr(o, "src", t->src);
	put_addr(o, "dst", t->dst);
	put_l4(o, t, proto);
}

size_t nfu_ct_entry_format(const struct nfu_ct_entry *e, unsigned int flags,
			   char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = 0;
	if (flags & NFU_CT_FMT_EXTENDED)
		put(&o, "%-8s %u ", "ipv4", 2u);
	put(&o, "%-8s %u ", nfu_ct_proto_name(e->proto), (unsigned int)e->proto);
	put(&o, "%u ", e->timeout);
	if (e->state[0])
		put(&o, "%s ", e->state);
	for (unsigned int d = 0; d < NFU_CT_DIR_MAX; d++) {
		put_tuple(&o, &e->tuple[d], e->proto);
		if (e->zone && e->zone_dir == (1u << d))
			put(&o, "%s=%u ", d ? "zone-reply" : "zone-orig",
			    (unsigned int)e->zone);
		if (e->acct)
			put(&o, "packets=%llu bytes=%llu ",
			    (unsigned long long)e->packets[d],
			    (unsigned long long)e->bytes[d]);
		if (d == NFU_CT_DIR_ORIGINAL && !(e->status & NFU_IPS_SEEN_REPLY))
			put(&o, "[UNREPLIED] ");
	}
	if (e->status & NFU_IPS_ASSURED)
		put(&o, "[ASSURED] ");
	put(&o, "mark=%u ", e->mark);
	if (e->zone && !e->zone_dir)
		put(&o, "zone=%u ", (unsigned int)e->zone);
	if (e->helper[0])
		put(&o, "helper=%s ", e->helper);
	put(&o, "use=%u ", e->use);
	if ((flags & NFU_CT_FMT_ID) && e->has_id)
		put(&o, "id=%llu ", (unsigned long long)e->id);
	/* no blank at the end */
	o.off--;
	if (o.off < len)
		buf[o.off] = 0;
	return o.off;
}

void nfu_ct_format_flags(const struct nfu_ct *ct, unsigned int flags,
			 char *buf, size_t len)
{
	struct nfu_ct_entry e;

	nfu_ct_entry_of(ct, &e);
	nfu_ct_entry_format(&e, flags, buf, len);
}

void nfu_ct_format(const struct nfu_ct *ct, bool extended, char *buf,
		   size_t len)
{
	nfu_ct_format_flags(ct, extended ? NFU_CT_FMT_EXTENDED : 0, buf, len);
}

/*
 * Reading.
 */

struct words {
	char copy[1024];
	char *w[64];
	unsigned int n, i;
};

static const char *peek(const struct words *ws)
{
	return ws->i < ws->n ? ws->w[ws->i] : "(end of line)";
}

static bool more(const struct words *ws)
{
	return ws->i < ws->n;
}

/* The value of the next word if it is 'key'=VALUE (and move past it). */
static const char *take(struct words *ws, const char *key)
{
	const char *w = ws->i < ws->n ? ws->w[ws->i] : NULL;
	size_t k = strlen(key);

	if (!w || strncmp(w, key, k) || w[k] != '=')
		return NULL;
	ws->i++;
	return w + k + 1;
}

static bool is_key(const struct words *ws, const char *key)
{
	const char *w = ws->i < ws->n ? ws->w[ws->i] : NULL;
	size_t k = strlen(key);

	return w && !strncmp(w, key, k) && w[k] == '=';
}

/* 's' whole as a number from 0 to 'max' in 'base' (10 or 16), digits
 * only. */
static bool num(const char *s, int base, unsigned long long max,
		unsigned long long *v)
{
	const char *digits = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
	char *end;

	if (!s || !*s || strspn(s, digits) != strlen(s) || strlen(s) > 20)
		return false;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !errno && *v <= max;
}

/* 'key'=N, N decimal up to 'max'. */
static bool take_dec(struct words *ws, const char *key, unsigned long long max,
		     unsigned long long *v)
{
	return num(take(ws, key), 10, max, v);
}

/* 'key'=0xN, N up to 0xffff. */
static bool take_hex16(struct words *ws, const char *key, uint16_t *be)
{
	const char *s = take(ws, key);
	unsigned long long v;

	if (!s || strncmp(s, "0x", 2) || !num(s + 2, 16, 0xffff, &v))
		return false;
	*be = __builtin_bswap16((uint16_t)v);
	return true;
}

/* Dotted quad, each part 0 to 255 in decimal. */
static bool take_addr(struct words *ws, const char *key, uint32_t *be)
{
	const char *s = take(ws, key);
	uint32_t a = 0;

	if (!s)
		return false;
	for (int part = 0; part < 4; part++) {
		unsigned int v = 0, n = 0;

		while (*s >= '0' && *s <= '9' && n < 4) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			n++;
		}
		if (!n || n > 3 || v > 255 || *s != (part < 3 ? '.' : 0))
			return false;
		a = a << 8 | v;
		s++;
	}
	*be = __builtin_bswap32(a);
	return true;
}

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* 'src'=ADDRESS 'dst'=ADDRESS, then the layer 4 part of protocol
 * 'proto', into 't'. */
static int parse_tuple_keys(struct words *ws, uint8_t proto,
			    struct nfu_ct_tuple *t, const char *src,
			    const char *dst, char *err, size_t errlen)
{
	const char *at = peek(ws);
	unsigned long long a, b, c;

	memset(t, 0, sizeof(*t));
	t->proto = proto;
	if (!take_addr(ws, src, &t->src) || !take_addr(ws, dst, &t->dst))
		return fail(err, errlen, "expected %s=ADDRESS %s=ADDRESS at `%s'",
			    src, dst, at);
	at = peek(ws);
	switch (l4_kind(proto)) {
	case L4_PORTS:
		if (!take_dec(ws, "sport", 65535, &a) ||
		    !take_dec(ws, "dport", 65535, &b))
			return fail(err, errlen, "expected sport=PORT dport=PORT at `%s'", at);
		t->sport = __builtin_bswap16((uint16_t)a);
		t->dport = __builtin_bswap16((uint16_t)b);
		break;
	case L4_ICMP:
		if (!take_dec(ws, "type", 255, &a) || !take_dec(ws, "code", 255, &b) ||
		    !take_dec(ws, "id", 65535, &c))
			return fail(err, errlen, "expected type=N code=N id=N at `%s'", at);
		t->dport = (uint16_t)(a << 8 | b);
		t->sport = __builtin_bswap16((uint16_t)c);
		break;
	case L4_GRE:
		if (!take_hex16(ws, "srckey", &t->sport) ||
		    !take_hex16(ws, "dstkey", &t->dport))
			return fail(err, errlen, "expected srckey=0xN dstkey=0xN at `%s'", at);
		break;
	case L4_NONE:
		break;
	}
	return 0;
}

static int parse_tuple(struct words *ws, uint8_t proto, struct nfu_ct_tuple *t,
		       char *err, size_t errlen)
{
	return parse_tuple_keys(ws, proto, t, "src", "dst", err, errlen);
}

/* 'line' cut into the words of 'ws': 0, or -EINVAL. */
static int split_words(struct words *ws, const char *line, char *err,
		       size_t errlen)
{
	size_t n = strlen(line);
	char *p, *save;

	if (errlen)
		err[0] = 0;
	if (n >= sizeof(ws->copy))
		return fail(err, errlen, "line too long (%zu bytes)", n);
	memcpy(ws->copy, line, n + 1);
	ws->n = ws->i = 0;
	for (p = strtok_r(ws->copy, " \t\r", &save); p;
	     p = strtok_r(NULL, " \t\r", &save)) {
		if (ws->n == sizeof(ws->w) / sizeof(ws->w[0]))
			return fail(err, errlen, "too many words");
		ws->w[ws->n++] = p;
	}
	if (!ws->n)
		return fail(err, errlen, "empty line");
	return 0;
}

/* packets=N bytes=N if there: 1; not there: 0; broken: -EINVAL. */
static int parse_counters(struct words *ws, uint64_t *packets, uint64_t *bytes)
{
	unsigned long long p, b;

	if (!is_key(ws, "packets"))
		return 0;
	if (!take_dec(ws, "packets", ~0ull, &p) || !take_dec(ws, "bytes", ~0ull, &b))
		return -EINVAL;
	*packets = p;
	*bytes = b;
	return 1;
}

/* 'word' if it is the next word (and move past it). */
static bool take_word(struct words *ws, const char *word)
{
	if (!more(ws) || strcmp(ws->w[ws->i], word))
		return false;
	ws->i++;
	return true;
}

/* zone-orig=N after the original tuple, zone-reply=N after the reply one
 * (a zone of that direction only), if there. */
static int parse_dir_zone(struct words *ws, unsigned int dir,
			  struct nfu_ct_entry *e, char *err, size_t errlen)
{
	const char *key = dir ? "zone-reply" : "zone-orig", *at = peek(ws);
	unsigned long long v;

	if (!is_key(ws, key))
		return 0;
	/* Linux shows a connection one zone, never zone 0 (the default) */
	if (!take_dec(ws, key, 65535, &v) || !v)
		return fail(err, errlen, "bad `%s'", at);
	if (e->zone)
		return fail(err, errlen, "a second zone: `%s'", at);
	e->zone = (uint16_t)v;
	e->zone_dir = (uint8_t)(1u << dir);
	return 0;
}

int nfu_ct_entry_parse(const char *line, struct nfu_ct_entry *e, char *err,
		       size_t errlen)
{
	struct words ws_, *ws = &ws_;
	unsigned long long v;
	const char *name, *at;
	int c0, c1, rc;

	memset(e, 0, sizeof(*e));
	if ((rc = split_words(ws, line, err, errlen)))
		return rc;
	/* -o extended: the layer 3 protocol first */
	if (!strcmp(peek(ws), "ipv6"))
		return fail(err, errlen, "IPv6 connections are not supported");
	if (take_word(ws, "ipv4") && !take_word(ws, "2"))
		return fail(err, errlen, "expected 2 after ipv4, not `%s'", peek(ws));
	name = peek(ws);
	ws->i++;
	if (!num(peek(ws), 10, 255, &v))
		return fail(err, errlen, "expected a protocol number after `%s', not `%s'",
			    name, peek(ws));
	ws->i++;
	e->proto = (uint8_t)v;
	if (strcmp(name, nfu_ct_proto_name(e->proto)))
		return fail(err, errlen, "protocol %u is `%s', not `%s'",
			    e->proto, nfu_ct_proto_name(e->proto), name);
	if (!num(peek(ws), 10, 0xffffffffull, &v))
		return fail(err, errlen, "expected the timeout, not `%s'", peek(ws));
	ws->i++;
	e->timeout = (uint32_t)v;
	at = peek(ws);
	if (more(ws) && !strchr(at, '=') && at[0] != '[') {
		if (strlen(at) >= sizeof(e->state) ||
		    strspn(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") != strlen(at))
			return fail(err, errlen, "`%s' is not a state", at);
		strcpy(e->state, at);
		ws->i++;
	}
	if ((rc = parse_tuple(ws, e->proto, &e->tuple[0], err, errlen)) ||
	    (rc = parse_dir_zone(ws, NFU_CT_DIR_ORIGINAL, e, err, errlen)))
		return rc;
	c0 = parse_counters(ws, &e->packets[0], &e->bytes[0]);
	if (c0 < 0)
		return fail(err, errlen, "expected packets=N bytes=N");
	e->status = take_word(ws, "[UNREPLIED]") ? 0 : NFU_IPS_SEEN_REPLY;
	if ((rc = parse_tuple(ws, e->proto, &e->tuple[1], err, errlen)) ||
	    (rc = parse_dir_zone(ws, NFU_CT_DIR_REPLY, e, err, errlen)))
		return rc;
	c1 = parse_counters(ws, &e->packets[1], &e->bytes[1]);
	if (c1 < 0 || c0 != c1)
		return fail(err, errlen, "expected packets=N bytes=N after both tuples");
	e->acct = c0 == 1;
	if (take_word(ws, "[ASSURED]"))
		e->status |= NFU_IPS_ASSURED;
	at = peek(ws);
	if (is_key(ws, "mark")) {
		if (!take_dec(ws, "mark", 0xffffffffull, &v))
			return fail(err, errlen, "bad `%s'", at);
		e->mark = (uint32_t)v;
	}
	at = peek(ws);
	if (is_key(ws, "zone")) {
		if (!take_dec(ws, "zone", 65535, &v))
			return fail(err, errlen, "bad `%s'", at);
		if (e->zone)
			return fail(err, errlen, "a second zone: `%s'", at);
		e->zone = (uint16_t)v;
	}
	at = peek(ws);
	if (is_key(ws, "helper")) {
		const char *h = take(ws, "helper");

		if (!*h || strlen(h) >= sizeof(e->helper))
			return fail(err, errlen, "bad `%s'", at);
		strcpy(e->helper, h);
	}
	at = peek(ws);
	if (!take_dec(ws, "use", 0xffffffffull, &v))
		return fail(err, errlen, "expected use=N at `%s'", at);
	e->use = (uint32_t)v;
	at = peek(ws);
	if (is_key(ws, "id")) {
		if (!take_dec(ws, "id", ~0ull, &v))
			return fail(err, errlen, "bad `%s'", at);
		e->has_id = true;
		e->id = v;
	}
	if (more(ws))
		return fail(err, errlen, "unexpected `%s'", peek(ws));
	return 0;
}

/*
 * Expectations (conntrack -L expect).
 */

void nfu_ct_exp_entry_of(const struct nfu_ct_expect *x,
			 struct nfu_ct_exp_entry *e)
{
	const struct nfu_ct *m = x->master;
	uint64_t now = nfu_net_now(m->cn->net);

	memset(e, 0, sizeof(*e));
	if ((int64_t)(x->timeout - now) > 0)
		e->timeout = (uint32_t)((x->timeout - now) / NS_PER_SEC);
	/* as Linux keeps it: the expected tuple under its mask */
	e->tuple = x->tuple;
	e->tuple.src &= x->mask_src;
	e->tuple.sport &= x->mask_sport;
	e->mask.proto = x->tuple.proto;
	e->mask.src = x->mask_src;
	e->mask.dst = 0xffffffffu;
	e->mask.sport = x->mask_sport;
	e->mask.dport = 0xffff;
	e->master = m->tuplehash[NFU_CT_DIR_ORIGINAL].tuple;
	/* Linux names the master's helper (nfct_help(master)->helper) */
	if (m->helper && m->helper->name)
		snprintf(e->helper, sizeof(e->helper), "%s", m->helper->name);
}

size_t nfu_ct_exp_entry_format(const struct nfu_ct_exp_entry *e, char *buf,
			       size_t len)
{
	struct out o = { buf, len, 0 };
	uint8_t proto = e->tuple.proto;

	if (len)
		buf[0] = 0;
	put(&o, "%u proto=%u ", e->timeout, (unsigned int)proto);
	put_tuple(&o, &e->tuple, proto);
	put_addr(&o, "mask-src", e->mask.src);
	put_addr(&o, "mask-dst", e->mask.dst);
	put_l4(&o, &e->mask, proto);
	put_addr(&o, "master-src", e->master.src);
	put_addr(&o, "master-dst", e->master.dst);
	put_l4(&o, &e->master, proto);
	put(&o, "class=%u ", e->class);
	if (e->helper[0])
		put(&o, "helper=%s ", e->helper);
	/* no blank at the end */
	o.off--;
	if (o.off < len)
		buf[o.off] = 0;
	return o.off;
}

int nfu_ct_exp_entry_parse(const char *line, struct nfu_ct_exp_entry *e,
			   char *err, size_t errlen)
{
	struct words ws_, *ws = &ws_;
	unsigned long long v;
	const char *at;
	uint8_t proto;
	int rc;

	memset(e, 0, sizeof(*e));
	if ((rc = split_words(ws, line, err, errlen)))
		return rc;
	if (!num(peek(ws), 10, 0xffffffffull, &v))
		return fail(err, errlen, "expected the timeout, not `%s'", peek(ws));
	ws->i++;
	e->timeout = (uint32_t)v;
	at = peek(ws);
	if (!take_dec(ws, "proto", 255, &v))
		return fail(err, errlen, "expected proto=N at `%s'", at);
	proto = (uint8_t)v;
	if ((rc = parse_tuple(ws, proto, &e->tuple, err, errlen)) ||
	    (rc = parse_tuple_keys(ws, proto, &e->mask, "mask-src", "mask-dst",
				   err, errlen)) ||
	    (rc = parse_tuple_keys(ws, proto, &e->master, "master-src",
				   "master-dst", err, errlen)))
		return rc;
	at = peek(ws);
	if (!take_dec(ws, "class", 0xffffffffull, &v))
		return fail(err, errlen, "expected class=N at `%s'", at);
	e->class = (uint32_t)v;
	at = peek(ws);
	if (is_key(ws, "helper")) {
		const char *h = take(ws, "helper");

		if (!*h || strlen(h) >= sizeof(e->helper))
			return fail(err, errlen, "bad `%s'", at);
		strcpy(e->helper, h);
	}
	if (more(ws))
		return fail(err, errlen, "unexpected `%s'", peek(ws));
	return 0;
}

bool nfu_ct_exp_entry_matches(const struct nfu_ct_exp_entry *e,
			      const struct nfu_ct_tuple *t)
{
	const struct nfu_ct_tuple *x = &e->tuple, *m = &e->mask;

	return t->proto == x->proto &&
	       ((t->src ^ x->src) & m->src) == 0 &&
	       ((t->dst ^ x->dst) & m->dst) == 0 &&
	       ((t->sport ^ x->sport) & m->sport) == 0 &&
	       ((t->dport ^ x->dport) & m->dport) == 0;
}

struct exp_list {
	struct nfu_ct_exp_entry *v;
	size_t n, cap;
	bool oom;
};

static void exp_list_one(const struct nfu_ct_expect *x, void *priv)
{
	struct exp_list *l = priv;

	if (l->oom)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct nfu_ct_exp_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->oom = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	nfu_ct_exp_entry_of(x, &l->v[l->n++]);
}

int nfu_ct_exp_list(struct nfu_ct_net *cn, struct nfu_ct_exp_entry **out,
		    size_t *n)
{
	struct exp_list l = { 0 };

	nfu_ct_expect_walk(cn, exp_list_one, &l);
	if (l.oom) {
		free(l.v);
		return -ENOMEM;
	}
	/* the table's list is newest first */
	for (size_t i = 0; i < l.n / 2; i++) {
		struct nfu_ct_exp_entry tmp = l.v[i];

		l.v[i] = l.v[l.n - 1 - i];
		l.v[l.n - 1 - i] = tmp;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

/*
 * Table files.
 */

void nfu_ct_table_free(struct nfu_ct_table *t)
{
	free(t->text);
	free(t->line);
	free(t->conn);
	free(t->exp);
	memset(t, 0, sizeof(*t));
}

/* Is 'line' (blanks skipped) an expectation: a number, then proto=? */
static bool is_expectation(const char *s)
{
	size_t d = strspn(s, "0123456789");

	if (!d || (s[d] != ' ' && s[d] != '\t'))
		return false;
	s += d + strspn(s + d, " \t");
	return !strncmp(s, "proto=", 6);
}

int nfu_ct_table_parse(struct nfu_ct_table *t, const char *text, size_t len,
		       char *err, size_t errlen, size_t *errline)
{
	size_t nl = 1;
	int rc;

	memset(t, 0, sizeof(*t));
	if (errlen)
		err[0] = 0;
	*errline = 0;
	for (size_t i = 0; i < len; i++)
		nl += text[i] == '\n';
	t->text = malloc(len + 1);
	t->line = calloc(nl, sizeof(*t->line));
	if (!t->text || !t->line)
		goto oom;
	memcpy(t->text, text, len);
	t->text[len] = 0;
	/* count the kinds first, to size the arrays */
	for (char *p = t->text, *end = t->text + len; p; t->nlines++) {
		char *q = memchr(p, '\n', (size_t)(end - p));
		const char *s;

		if (q)
			*q = 0;
		if (strlen(p) != (size_t)((q ? q : end) - p)) {
			*errline = t->nlines + 1;
			rc = fail(err, errlen, "a NUL byte in the line");
			goto fail;
		}
		t->line[t->nlines].text = p;
		s = p + strspn(p, " \t\r");
		if (*s && *s != '#') {
			if (is_expectation(s)) {
				t->line[t->nlines].kind = NFU_CT_LINE_EXPECT;
				t->line[t->nlines].idx = t->nexp++;
			} else {
				t->line[t->nlines].kind = NFU_CT_LINE_CONN;
				t->line[t->nlines].idx = t->nconn++;
			}
		}
		p = q ? q + 1 : NULL;
	}
	t->conn = calloc(t->nconn ? t->nconn : 1, sizeof(*t->conn));
	t->exp = calloc(t->nexp ? t->nexp : 1, sizeof(*t->exp));
	if (!t->conn || !t->exp)
		goto oom;
	for (size_t i = 0; i < t->nlines; i++) {
		const struct nfu_ct_table_line *l = &t->line[i];

		rc = 0;
		if (l->kind == NFU_CT_LINE_CONN)
			rc = nfu_ct_entry_parse(l->text, &t->conn[l->idx], err, errlen);
		else if (l->kind == NFU_CT_LINE_EXPECT)
			rc = nfu_ct_exp_entry_parse(l->text, &t->exp[l->idx], err,
						    errlen);
		if (rc) {
			*errline = i + 1;
			goto fail;
		}
	}
	return 0;
oom:
	rc = -ENOMEM;
	fail(err, errlen, "out of memory");
fail:
	nfu_ct_table_free(t);
	return rc;
}
