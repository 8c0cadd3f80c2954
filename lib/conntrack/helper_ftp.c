/* SPDX-License-Identifier: MIT */
/*
 * The FTP helper (what Linux's nf_conntrack_ftp does for IPv4): once the
 * control connection has seen traffic both ways, each segment that starts
 * right after the end of a line is read for
 *   PORT h1,h2,h3,h4,p1,p2          (client to server)
 *   EPRT |1|a.b.c.d|port|           (client to server)
 *   227 ... h1,h2,h3,h4,p1,p2 ...   (server to client: passive; the
 *                                    numbers from the first digit on,
 *                                    with or without parentheses, as RFC
 *                                    1123 says a client must read them)
 *   229 ... (|||port|)              (server to client: extended passive;
 *                                    any delimiter from '!' to '~' but a
 *                                    digit, the same three times)
 * (the keyword in any case), and the data connection is expected: from the
 * other end, any source port, to the address and port announced.  An
 * address other than the announcer's own is not expected (Linux's default,
 * loose=0: a command cannot open a hole to a third host).  A keyword whose
 * numbers do not parse, or that the end of the segment cuts, drops the
 * segment (Linux: "partial matching"), so that the retransmission is read
 * whole.  It remembers where lines end in each direction: the two latest
 * sequence numbers after a newline, an older one never replacing a newer
 * (Linux's update_nl_seq()), in the sender's own numbering (before any
 * sequence adjustment).  In a translated connection (NFU_IPS_SRC_NAT or
 * _DST_NAT) NAT takes the line over (lib/nat/nat_helper.c, Linux's
 * nf_nat_ftp): it rewrites the address and port to what the other end
 * sees and inserts the expectation itself.
 * A dropped segment is logged, as Linux's nf_ct_helper_log() does:
 * "nf_ct_ftp: dropping packet: partial matching of `PORT' IN= OUT=
 * SRC=...".
 */
#include <string.h>

#include "conntrack/ct-private.h"

#define NUM_SEQ_TO_REMEMBER 2

struct ftp_info {
	uint32_t seq_aft_nl[2][NUM_SEQ_TO_REMEMBER];
	uint8_t seq_aft_nl_num[2];
};

/* 'n' numbers separated by 'sep', ended by 'term' (any character that is
 * neither a digit nor 'sep' when 'term' is 0): the characters read, 0 when
 * it does not parse, the data ending first included (try_number()). */
static size_t numbers(const char *d, size_t len, uint32_t *out, unsigned int n,
		      char sep, char term)
{
	unsigned int i = 0;

	memset(out, 0, n * sizeof(*out));
	for (size_t k = 0; k < len && i < n; k++) {
		if (d[k] >= '0' && d[k] <= '9')
			out[i] = out[i] * 10 + (uint32_t)(d[k] - '0');
		else if (d[k] == sep)
			i++;
		else if ((d[k] == term || !term) && i == n - 1)
			return k;
		else
			return 0;
	}
	return 0;
}

struct ftp_cmd {
	uint32_t addr; /* network order */
	uint16_t port; /* network order */
};

/* Each reader returns the length of what it read (the text a NAT helper
 * replaces), 0 when it does not parse; one that skips text before it
 * adds what it skipped to '*off'. */
static size_t rfc959(const char *d, size_t len, struct ftp_cmd *c, char term,
		     size_t *off)
{
	(void)off;
	uint32_t a[6];
	size_t n = numbers(d, len, a, 6, ',', term);

	if (!n)
		return 0;
	c->addr = __builtin_bswap32(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
	c->port = __builtin_bswap16((uint16_t)(a[4] << 8 | a[5]));
	return n;
}

/* try_rfc1123(): a 227 reply's numbers, from its first digit on, ended by
 * anything ("Entering Passive Mode (h1,...,p2)." or "=h1,...,p2"). */
static size_t rfc1123(const char *d, size_t len, struct ftp_cmd *c, char term,
		      size_t *off)
{
	size_t i = 0;
	(void)term;

	while (i < len && !(d[i] >= '0' && d[i] <= '9'))
		i++;
	if (i == len)
		return 0;
	*off += i;
	return rfc959(d + i, len - i, c, 0, off);
}

/* A port up to 'delim', from 'start': the index after it, 0 if none. */
static size_t port_upto(const char *d, size_t start, size_t len, char delim,
			uint16_t *port)
{
	uint16_t p = 0;

	for (size_t i = start; i < len; i++) {
		if (d[i] == delim) {
			if (!p)
				return 0;
			*port = __builtin_bswap16(p);
			return i + 1;
		}
		if (d[i] < '0' || d[i] > '9')
			return 0;
		p = (uint16_t)(p * 10 + (d[i] - '0'));
	}
	return 0;
}

static bool bad_delim(char c)
{
	return (c >= '0' && c <= '9') || c < 33 || c > 126;
}

static size_t eprt(const char *d, size_t len, struct ftp_cmd *c, char term,
		   size_t *off)
{
	uint32_t a[4];
	size_t n;
	char delim;
	(void)term;
	(void)off;

	if (len <= 3)
		return 0;
	delim = d[0];
	if (bad_delim(delim) || d[2] != delim || d[1] != '1')
		return 0;
	n = numbers(d + 3, len - 3, a, 4, '.', delim);
	if (!n)
		return 0;
	c->addr = __builtin_bswap32(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
	return port_upto(d, 3 + n + 1, len, delim, &c->port);
}

static size_t epsv(const char *d, size_t len, struct ftp_cmd *c, char term,
		   size_t *off)
{
	(void)term;
	(void)off;
	if (len <= 3 || bad_delim(d[0]) || d[1] != d[0] || d[2] != d[0])
		return 0;
	return port_upto(d, 3, len, d[0], &c->port);
}

struct pattern {
	const char *word;
	char skip, term;       /* skip: '\0' for none */
	size_t (*getnum)(const char *, size_t, struct ftp_cmd *, char, size_t *);
	enum nfu_ct_ftp_type type;
};

static const struct pattern patterns[2][2] = {
	[NFU_CT_DIR_ORIGINAL] = { { "PORT", ' ', '\r', rfc959, NFU_CT_FTP_PORT },
				  { "EPRT", ' ', '\r', eprt, NFU_CT_FTP_EPRT } },
	[NFU_CT_DIR_REPLY] = { { "227 ", '\0', '\0', rfc1123, NFU_CT_FTP_PASV },
			       { "229 ", '(', ')', epsv, NFU_CT_FTP_EPSV } },
};

static bool same_nocase(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];

		if (x >= 'a' && x <= 'z')
			x = (char)(x - 32);
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 32);
		if (x != y)
			return false;
	}
	return true;
}

/* find_pattern(): 1 a command (its numbers' text at '*off', '*mlen'
 * bytes into the data), 0 none, -1 partial. */
static int find(const char *d, size_t len, const struct pattern *p,
		struct ftp_cmd *c, size_t *off, size_t *mlen)
{
	size_t plen = strlen(p->word), i;

	if (len == 0)
		return 0;
	if (len <= plen)
		return same_nocase(d, p->word, len) ? -1 : 0;
	if (!same_nocase(d, p->word, plen))
		return 0;
	i = plen;
	if (p->skip) {
		for (; d[i] != p->skip; i++)
			if (i == len - 1)
				return -1;
		i++;
	}
	*off = i;
	*mlen = p->getnum(d + i, len - i, c, p->term, off);
	return *mlen ? 1 : -1;
}

static bool seq_after_nl(const struct ftp_info *fi, uint32_t seq, unsigned int dir)
{
	for (unsigned int i = 0; i < fi->seq_aft_nl_num[dir]; i++)
		if (fi->seq_aft_nl[dir][i] == seq)
			return true;
	return false;
}

/* update_nl_seq(): remember 'seq' (just after a newline); when both
 * places are taken, it replaces the older of the two only if it comes
 * after it, so that a retransmitted old line does not make the helper
 * forget where the latest one ended. */
static void note_nl(struct ftp_info *fi, uint32_t seq, unsigned int dir)
{
	uint32_t *s = fi->seq_aft_nl[dir];
	unsigned int oldest;

	for (unsigned int i = 0; i < fi->seq_aft_nl_num[dir]; i++)
		if (s[i] == seq)
			return;
	if (fi->seq_aft_nl_num[dir] < NUM_SEQ_TO_REMEMBER) {
		s[fi->seq_aft_nl_num[dir]++] = seq;
		return;
	}
	oldest = (int32_t)(s[0] - s[1]) < 0 ? 0 : 1;
	if ((int32_t)(seq - s[oldest]) > 0)
		s[oldest] = seq;
}

static unsigned int ftp_help(struct nfu_ct *ct, struct nfu_pkt *pkt,
			     unsigned int thoff, uint32_t ctinfo)
{
	struct ftp_info *fi = ct->help_data;
	unsigned int dir = nfu_ctinfo_dir(ctinfo);
	size_t l4len = nfu_ct_l4_len(pkt, thoff), doff, dlen, off = 0, mlen = 0;
	const uint8_t *th = nfu_pkt_network_header(pkt) + thoff;
	const char *d;
	struct ftp_cmd c;
	struct nfu_ct_tuple t;
	struct nfu_ct_expect *e;
	uint32_t seq, nl_seq;
	unsigned int i, ret = NFU_ACCEPT;
	bool ends_nl;
	int found = 0;

	/* until there has been traffic both ways, nothing is read */
	if (ctinfo != NFU_CT_ESTABLISHED && ctinfo != NFU_CT_ESTABLISHED_REPLY)
		return NFU_ACCEPT;
	if (!fi || l4len < 20)
		return NFU_ACCEPT;
	doff = (size_t)(th[12] >> 4) * 4;
	if (doff >= l4len)
		return NFU_ACCEPT; /* no data */
	d = (const char *)th + doff;
	dlen = l4len - doff;
	seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 |
	      (uint32_t)th[6] << 8 | th[7];
	/* where the next line starts, in the sender's own numbering (the
	 * helper runs before the sequence adjustment, as in Linux's
	 * nf_confirm(), and NAT's rewriting below does not move it) */
	ends_nl = d[dlen - 1] == '\n';
	nl_seq = seq + (uint32_t)dlen;
	if (!seq_after_nl(fi, seq, dir))
		goto update;
	c.addr = ct->tuplehash[dir].tuple.src; /* EPSV names no address */
	c.port = 0;
	for (i = 0; i < 2; i++) {
		found = find(d, dlen, &patterns[dir][i], &c, &off, &mlen);
		if (found)
			break;
	}
	if (found < 0) {
		/* partial: the rest comes with a resend */
		nfu_ct_helper_log(ct, pkt, "partial matching of `%s'",
				  patterns[dir][i].word);
		return NFU_DROP;
	}
	if (!found)
		goto update;
	if (c.addr != ct->tuplehash[dir].tuple.src)
		goto update; /* another host: not recorded (loose=0) */
	/* from the other end (the reverse direction's source), any port,
	 * to the address and port announced */
	memset(&t, 0, sizeof(t));
	t.src = ct->tuplehash[!dir].tuple.src;
	t.dst = ct->tuplehash[!dir].tuple.dst;
	t.dport = c.port;
	t.proto = 6;
	e = nfu_ct_expect_alloc(ct, &t, true);
	if (!e) {
		nfu_ct_helper_log(ct, pkt, "cannot alloc expectation");
		return NFU_DROP;
	}
	if (ct->status & (NFU_IPS_SRC_NAT | NFU_IPS_DST_NAT)) {
		/* NAT rewrites the line and inserts the expectation itself
		 * (Linux's nf_nat_ftp_hook); it owns 'e' from here */
		ret = nfu_nat_ftp(pkt, ct, ctinfo, patterns[dir][i].type, thoff,
				  (unsigned int)off, (unsigned int)mlen, e);
	} else if (nfu_ct_expect_insert(e)) {
		nfu_ct_expect_free(e);
		nfu_ct_helper_log(ct, pkt, "cannot add expectation");
		ret = NFU_DROP; /* "Can't expect this?  Best to drop." */
	}
update:
	if (ends_nl)
		note_nl(fi, nl_seq, dir);
	return ret;
}

const struct nfu_ct_helper nfu_ct_helper_ftp = {
	.name = "ftp",
	.proto = 6,
	.max_expected = 1,
	.expect_timeout = 5 * 60,
	.data_size = sizeof(struct ftp_info),
	.help = ftp_help,
};
