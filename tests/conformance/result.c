/* SPDX-License-Identifier: MIT */
/*
 * result.c - results as text, their comparison and a frame decoder
 * (see result.h).
 */
#include "result.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pktdesc.h"

const char *const conf_hook_names[CONF_NHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

void conf_result_init(struct conf_result *r)
{
	memset(r, 0, sizeof(*r));
}

void conf_result_free(struct conf_result *r)
{
	unsigned int i;

	for (i = 0; i < r->npkts; i++)
		free(r->pkts[i].data);
	free(r->pkts);
	for (i = 0; i < r->nxt; i++)
		free(r->xt[i]);
	free(r->xt);
	for (i = 0; i < r->nlogs; i++)
		free(r->logs[i]);
	free(r->logs);
	for (i = 0; i < r->nct; i++)
		free(r->ct[i]);
	free(r->ct);
	conf_result_init(r);
}

int conf_result_add(struct conf_result *r, const char *dev, const void *frame,
		    size_t len)
{
	struct conf_pkt *p = realloc(r->pkts, (r->npkts + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	r->pkts = p;
	p = &r->pkts[r->npkts];
	snprintf(p->dev, sizeof(p->dev), "%s", dev);
	p->data = malloc(len ? len : 1);
	if (!p->data)
		return -ENOMEM;
	memcpy(p->data, frame, len);
	p->len = len;
	r->npkts++;
	return 0;
}

static int add_line(char ***vec, unsigned int *n, const char *line,
		    size_t len)
{
	char **v = realloc(*vec, (*n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	*vec = v;
	v[*n] = malloc(len + 1);
	if (!v[*n])
		return -ENOMEM;
	memcpy(v[*n], line, len);
	v[*n][len] = '\0';
	(*n)++;
	return 0;
}

static int add_xt(struct conf_result *r, const char *line, size_t len)
{
	return add_line(&r->xt, &r->nxt, line, len);
}

int conf_result_add_log(struct conf_result *r, const char *line)
{
	size_t len = strlen(line);

	while (len && (line[len - 1] == ' ' || line[len - 1] == '\n' ||
		       line[len - 1] == '\r' || line[len - 1] == '\t'))
		len--;
	return add_line(&r->logs, &r->nlogs, line, len);
}

static bool all_digits(const char *w, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return false;
	return true;
}

bool conf_ct_normalise(const char *line, char *out, size_t len)
{
	const char *w[64];
	size_t wl[64], n = 0, i, k = 0, first = 0;
	const char *p = line;
	bool after_use = false;

	if (!len)
		return false;
	out[0] = '\0';
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (n == sizeof(w) / sizeof(w[0]))
			return false;
		w[n] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' &&
		       *p != '\n')
			p++;
		wl[n] = (size_t)(p - w[n]);
		n++;
	}
	/* [ipv4 2] PROTO NUMBER TIMEOUT ...: anything else is not a
	 * connection (a comment, conntrack's summary on stderr). */
	if (n >= 2 && wl[0] == 4 && strncmp(w[0], "ipv4", 4) == 0 &&
	    all_digits(w[1], wl[1]))
		first = 2;
	if (n < first + 4 || w[first][0] == '#' ||
	    !all_digits(w[first + 1], wl[first + 1]) ||
	    !all_digits(w[first + 2], wl[first + 2]))
		return false;
	for (i = first; i < n; i++) {
		if (i == first + 2)
			continue;                       /* the timeout */
		if (after_use && wl[i] > 3 && strncmp(w[i], "id=", 3) == 0)
			continue;                       /* -o id */
		if (wl[i] > 4 && strncmp(w[i], "use=", 4) == 0)
			after_use = true;
		if (k + wl[i] + 2 > len)
			return false;
		if (k)
			out[k++] = ' ';
		memcpy(out + k, w[i], wl[i]);
		k += wl[i];
	}
	out[k] = '\0';
	return true;
}

int conf_result_add_ct(struct conf_result *r, const char *line)
{
	char buf[1024];

	if (!conf_ct_normalise(line, buf, sizeof(buf)))
		return 0;
	return add_line(&r->ct, &r->nct, buf, strlen(buf));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void conf_result_sort_ct(struct conf_result *r)
{
	if (r->nct > 1)
		qsort(r->ct, r->nct, sizeof(*r->ct), cmp_str);
}

/* The counting rule of a mangle chain: "[p:b] -A CHAIN" alone. */
static bool counting_rule(const char *line, size_t len, bool *seen)
{
	const char *p = memchr(line, ']', len);
	unsigned int h;

	if (line[0] != '[' || !p || (size_t)(line + len - p) < 6 ||
	    strncmp(p, "] -A ", 5) != 0)
		return false;
	p += 5;
	for (h = 0; h < CONF_NHOOKS; h++)
		if (strlen(conf_hook_names[h]) == (size_t)(line + len - p) &&
		    strncmp(p, conf_hook_names[h], (size_t)(line + len - p)) == 0
		    && !seen[h]) {
			seen[h] = true;
			return true;
		}
	return false;
}

int conf_result_add_rules(struct conf_result *r, const char *save,
			  const char *rules, bool counting_rules)
{
	const char *t, *e;

	for (t = rules; *t; t = *e ? e + 1 : e) {
		char want[64];
		size_t wl;
		const char *s, *se;
		bool in = false, found = false, seen[CONF_NHOOKS] = { 0 };
		int ret;

		e = strchr(t, '\n');
		if (!e)
			e = t + strlen(t);
		if (*t != '*')
			continue;
		wl = (size_t)(e - t);
		while (wl && (t[wl - 1] == ' ' || t[wl - 1] == '\t' ||
			      t[wl - 1] == '\r'))
			wl--;
		if (wl >= sizeof(want))
			continue;
		memcpy(want, t, wl);
		want[wl] = '\0';
		for (s = save; *s; s = *se ? se + 1 : se) {
			se = strchr(s, '\n');
			if (!se)
				se = s + strlen(s);
			if (!in) {
				if ((size_t)(se - s) == wl &&
				    strncmp(s, want, wl) == 0) {
					in = found = true;
					ret = add_xt(r, s, wl);
					if (ret)
						return ret;
				}
				continue;
			}
			if (s[0] == '#' || s == se)
				continue;
			if (counting_rules && strcmp(want, "*mangle") == 0 &&
			    counting_rule(s, (size_t)(se - s), seen))
				continue;
			ret = add_xt(r, s, (size_t)(se - s));
			if (ret)
				return ret;
			if ((size_t)(se - s) == 6 && strncmp(s, "COMMIT", 6) == 0)
				break;
		}
		if (!found)
			return -ENOENT;
	}
	return 0;
}

/* A string being built. */
struct sb {
	char *buf;
	size_t cap, len;
};

static void sbf(struct sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sbf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
	if (b->len >= b->cap)
		b->len = b->cap - 1;
}

static unsigned int be16(const unsigned char *p)
{
	return (unsigned int)(p[0] << 8 | p[1]);
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | p[3];
}

static const char *addr(const unsigned char *p, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
	return buf;
}

static const char *icmp_name(unsigned int type)
{
	switch (type) {
	case 0: return "echo-reply";
	case 3: return "unreach";
	case 4: return "source-quench";
	case 5: return "redirect";
	case 8: return "echo";
	case 11: return "time-exceeded";
	case 12: return "param-problem";
	case 13: return "timestamp";
	case 14: return "timestamp-reply";
	default: return NULL;
	}
}

static const char *unreach_name(unsigned int code)
{
	static const char *const names[] = {
		"net", "host", "protocol", "port", "frag-needed", "srcroute",
		"net-unknown", "host-unknown", "isolated", "net-prohibited",
		"host-prohibited", "net-tos", "host-tos", "admin-prohibited",
		"precedence-violation", "precedence-cutoff",
	};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

static uint32_t pseudo(const unsigned char *ip, unsigned int proto,
		       size_t len)
{
	return (uint32_t)(be16(ip + 12) + be16(ip + 14) + be16(ip + 16) +
			  be16(ip + 18) + proto + len);
}

static void describe_ip(const unsigned char *ip, size_t len, struct sb *b,
			bool quoted)
{
	char s[16], d[16];
	unsigned int ihl, totlen, frag, proto;
	const unsigned char *l4;
	size_t l4len;
	bool whole;

	if (len < 20) {
		sbf(b, "ip truncated to %zu bytes", len);
		return;
	}
	if (ip[0] >> 4 != 4) {
		sbf(b, "ip version %u, %zu bytes", ip[0] >> 4, len);
		return;
	}
	ihl = (ip[0] & 15u) * 4;
	totlen = be16(ip + 2);
	frag = be16(ip + 6);
	proto = ip[9];
	addr(ip + 12, s);
	addr(ip + 16, d);
	l4 = ip + ihl;
	l4len = totlen > ihl ? totlen - ihl : 0;
	if (ihl + l4len > len)
		l4len = len > ihl ? len - ihl : 0;
	whole = !quoted && (frag & 0x3fff) == 0 && totlen <= len;

	if (ihl < 20 || ihl > len) {
		sbf(b, "ip %s > %s ihl=%u", s, d, ihl / 4);
	} else if ((frag & 0x1fff) != 0) {
		sbf(b, "ip %s > %s proto %u", s, d, proto);
	} else if (proto == 6 && l4len >= 14) {
		static const char letters[] = "FSRPAUEC";
		char fl[9];
		int i, k = 0;

		for (i = 0; i < 8; i++)
			if (l4[13] & (1u << i))
				fl[k++] = letters[i];
		if (!k)
			fl[k++] = '.';
		fl[k] = '\0';
		sbf(b, "tcp %s:%u > %s:%u %s seq=%lu", s, be16(l4), d,
		    be16(l4 + 2), fl, be32(l4 + 4));
		if (l4[13] & 0x10)
			sbf(b, " ack=%lu", be32(l4 + 8));
		if (l4len >= 20) {
			unsigned int doff = (l4[12] >> 4) * 4u;

			sbf(b, " win=%u", be16(l4 + 14));
			if (doff >= 20 && doff <= l4len && l4len > doff)
				sbf(b, " len=%zu", l4len - doff);
		}
		if (whole && l4len >= 20 && pktdesc_csum(l4, l4len,
				pseudo(ip, 6, l4len)) != 0)
			sbf(b, " l4csum=bad");
	} else if (proto == 17 && l4len >= 4) {
		sbf(b, "udp %s:%u > %s:%u", s, be16(l4), d, be16(l4 + 2));
		if (l4len >= 8) {
			sbf(b, " len=%u", be16(l4 + 4) - 8);
			if (whole && be16(l4 + 6) != 0 &&
			    pktdesc_csum(l4, l4len, pseudo(ip, 17, l4len)) != 0)
				sbf(b, " l4csum=bad");
		}
	} else if (proto == 1 && l4len >= 2) {
		const char *n = icmp_name(l4[0]);

		if (n)
			sbf(b, "icmp %s > %s %s", s, d, n);
		else
			sbf(b, "icmp %s > %s type=%u", s, d, l4[0]);
		if (l4[0] == 3 && unreach_name(l4[1]))
			sbf(b, " %s", unreach_name(l4[1]));
		else if (l4[1] || l4[0] == 11)
			sbf(b, " code=%u", l4[1]);
		if (l4len >= 8) {
			if (l4[0] == 0 || l4[0] == 8)
				sbf(b, " id=%u seq=%u len=%zu", be16(l4 + 4),
				    be16(l4 + 6), l4len - 8);
			if (l4[0] == 3 && l4[1] == 4)
				sbf(b, " mtu=%u", be16(l4 + 6));
			if (l4[0] == 12)
				sbf(b, " ptr=%u", l4[4]);
		}
		if (whole && pktdesc_csum(l4, l4len, 0) != 0)
			sbf(b, " l4csum=bad");
		if (!quoted && l4len > 8 &&
		    (l4[0] == 3 || l4[0] == 4 || l4[0] == 5 || l4[0] == 11 ||
		     l4[0] == 12)) {
			sbf(b, " quoting %zu bytes {", l4len - 8);
			describe_ip(l4 + 8, l4len - 8, b, true);
			sbf(b, "}");
		}
	} else {
		sbf(b, "ip %s > %s proto %u", s, d, proto);
	}

	sbf(b, " | ttl=%u ipid=%u", ip[8], be16(ip + 4));
	if (ip[1])
		sbf(b, " tos=0x%02x", ip[1]);
	if (frag & 0x4000)
		sbf(b, " df");
	if (frag & 0x2000)
		sbf(b, " mf");
	if (frag & 0x1fff)
		sbf(b, " fragoff=%u", (frag & 0x1fff) * 8);
	if (ihl != 20)
		sbf(b, " ihl=%u", ihl / 4);
	sbf(b, " totlen=%u", totlen);
	if (ihl >= 20 && ihl <= len && pktdesc_csum(ip, ihl, 0) != 0)
		sbf(b, " ipcsum=bad");
}

void conf_describe(const unsigned char *frame, size_t len, char *buf,
		   size_t cap)
{
	struct sb b = { buf, cap, 0 };

	if (!cap)
		return;
	buf[0] = '\0';
	if (len < 14) {
		sbf(&b, "runt frame of %zu bytes", len);
		return;
	}
	if (be16(frame + 12) != 0x0800) {
		sbf(&b, "ethertype 0x%04x, %zu bytes", be16(frame + 12), len);
		return;
	}
	describe_ip(frame + 14, len - 14, &b, false);
	if (len - 14 > 20 && be16(frame + 16) < len - 14)
		sbf(&b, " +%zu bytes after the IP packet",
		    len - 14 - be16(frame + 16));
}

int conf_result_write(const struct conf_result *r,
		      const struct conf_scenario *sc, const char *origin,
		      const char *path)
{
	char desc[1024];
	unsigned int i, n = 0, h;
	size_t k;
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "# nfu conformance result of scenario %s\n", sc->name);
	fprintf(f, "# from: %s\n", origin);
	fprintf(f, "# hook counters (packets seen by the mangle table's chains)\n");
	for (h = 0; h < CONF_NHOOKS; h++)
		fprintf(f, "hook %s %llu\n", conf_hook_names[h],
			(unsigned long long)r->hooks[h]);
	fprintf(f, "# frames that left each interface, in order\n");
	for (i = 0; i < r->npkts; i++) {
		const struct conf_pkt *p = &r->pkts[i];

		conf_describe(p->data, p->len, desc, sizeof(desc));
		fprintf(f, "# %s #%u: %s\n", p->dev, ++n, desc);
		fprintf(f, "pkt %s ", p->dev);
		for (k = 0; k < p->len; k++)
			fprintf(f, "%02x", p->data[k]);
		fputc('\n', f);
	}
	if (r->nxt)
		fprintf(f, "# rule and policy counters (iptables-save -c) of the"
			" tables of the rules file\n");
	for (i = 0; i < r->nxt; i++)
		fprintf(f, "xt %s\n", r->xt[i]);
	if (r->nlogs)
		fprintf(f, "# the LOG target's lines\n");
	for (i = 0; i < r->nlogs; i++)
		fprintf(f, "log %s\n", r->logs[i]);
	if (r->nct)
		fprintf(f, "# conntrack table (conntrack -L, sorted; without the"
			" timeouts)\n");
	for (i = 0; i < r->nct; i++)
		fprintf(f, "ct %s\n", r->ct[i]);
	if (fclose(f))
		return -errno;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int conf_result_read(struct conf_result *r, const char *path, char *err,
		     size_t errlen)
{
	static char line[300000];
	static unsigned char frame[150000];
	unsigned int lineno = 0, h;
	FILE *f = fopen(path, "r");
	int ret = 0;

	conf_result_init(r);
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		char name[32], dev[CONF_IFNAMSIZ];
		unsigned long long v;
		int off = 0;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "hook %31s %llu", name, &v) == 2) {
			for (h = 0; h < CONF_NHOOKS; h++)
				if (strcmp(name, conf_hook_names[h]) == 0)
					break;
			if (h == CONF_NHOOKS) {
				ret = -EINVAL;
				break;
			}
			r->hooks[h] = v;
			r->has_hooks[h] = true;
		} else if (sscanf(line, "pkt %15s %n", dev, &off) == 1 && off) {
			const char *p = line + off;
			size_t n = 0;

			while (hexval(p[0]) >= 0 && hexval(p[1]) >= 0 &&
			       n < sizeof(frame)) {
				frame[n++] = (unsigned char)(hexval(p[0]) << 4 |
							     hexval(p[1]));
				p += 2;
			}
			if (*p != '\n' && *p != '\0') {
				ret = -EINVAL;
				break;
			}
			ret = conf_result_add(r, dev, frame, n);
		} else if (strncmp(line, "xt ", 3) == 0) {
			size_t n = strcspn(line + 3, "\n");

			ret = add_xt(r, line + 3, n);
		} else if (strncmp(line, "log ", 4) == 0) {
			ret = conf_result_add_log(r, line + 4);
		} else if (strncmp(line, "ct ", 3) == 0) {
			size_t n = strcspn(line + 3, "\n");

			ret = add_line(&r->ct, &r->nct, line + 3, n);
		} else {
			ret = -EINVAL;
		}
	}
	fclose(f);
	if (ret == -EINVAL)
		snprintf(err, errlen, "%s:%u: not a result line", path, lineno);
	for (h = 0; !ret && h < CONF_NHOOKS; h++)
		if (!r->has_hooks[h]) {
			snprintf(err, errlen, "%s: no counter for %s", path,
				 conf_hook_names[h]);
			ret = -EINVAL;
		}
	if (ret)
		conf_result_free(r);
	return ret;
}

struct rport;
static void rports_frame(unsigned char *ip, size_t len, const struct rport *rp,
			 unsigned int nrp);

/* The copy of a frame that is compared: see "Comparing" in result.h, and
 * the ports of 'rp' (below). */
static unsigned char *normalise(const struct conf_pkt *p,
				const struct conf_scenario *sc,
				const struct rport *rp, unsigned int nrp)
{
	unsigned char *c = malloc(p->len ? p->len : 1);
	unsigned char *ip;
	uint32_t src;
	size_t ihl;

	if (!c)
		return NULL;
	memcpy(c, p->data, p->len);
	if (p->len < 34 || be16(c + 12) != 0x0800 || c[14] >> 4 != 4)
		return c;
	ip = c + 14;
	ihl = (ip[0] & 15u) * 4;
	if (ihl < 20 || 14 + ihl > p->len)
		return c;
	if (nrp)
		rports_frame(ip, p->len - 14, rp, nrp);
	memcpy(&src, ip + 12, 4);
	if (!conf_scenario_is_local(sc, src))
		return c;
	if (pktdesc_csum(ip, ihl, 0) == 0) {
		uint16_t cs;

		ip[4] = ip[5] = 0;
		ip[10] = ip[11] = 0;
		cs = pktdesc_csum(ip, ihl, 0);
		ip[10] = (unsigned char)(cs >> 8);
		ip[11] = (unsigned char)cs;
	} else {
		ip[4] = ip[5] = 0;
	}
	return c;
}

/*
 * Ports Linux chooses at random ('random-ports' in the scenario): a line
 * "PROTO ADDR PORT" (tcp, udp or udplite) says that a connection from
 * ADDR:PORT may have its source port moved by a search that Linux starts
 * at get_random_u16() (the null binding, a clash without a port range).
 * The port it gets is then compared only by its class: the class of PORT
 * (1-511, 600-1023, 1024-65535, nf_nat_l4proto_unique_tuple()'s), and
 * not PORT itself.  In a frame from ADDR of PROTO with such a source
 * port, the port becomes 0 and the checksum is updated for it (a wrong
 * one stays wrong); in a conntrack line whose original source port is
 * PORT and whose reply goes to ADDR (the null binding's own address, or
 * the address a clash moved a translated port on), the reply's dport
 * becomes "*".
 * A port out of the class is left as it is, so that it differs.
 */
struct rport {
	uint8_t proto;
	uint32_t addr; /* network order */
	unsigned int port;
};

#define MAX_RPORTS 16

static unsigned int read_rports(const struct conf_scenario *sc,
				struct rport *rp)
{
	char *text = conf_scenario_file(sc, "random-ports", NULL);
	unsigned int n = 0;
	char *line, *save = NULL;

	if (!text)
		return 0;
	for (line = strtok_r(text, "\n", &save); line && n < MAX_RPORTS;
	     line = strtok_r(NULL, "\n", &save)) {
		char proto[8], addr[32];
		unsigned int port;
		struct in_addr a;

		if (line[0] == '#' ||
		    sscanf(line, "%7s %31s %u", proto, addr, &port) != 3 ||
		    inet_pton(AF_INET, addr, &a) != 1 || !port || port > 65535)
			continue;
		if (strcmp(proto, "tcp") == 0)
			rp[n].proto = 6;
		else if (strcmp(proto, "udp") == 0)
			rp[n].proto = 17;
		else if (strcmp(proto, "udplite") == 0)
			rp[n].proto = 136;
		else
			continue;
		rp[n].addr = a.s_addr;
		rp[n].port = port;
		n++;
	}
	free(text);
	return n;
}

/* The class of ports a moved 'port' is drawn from. */
static bool same_class(unsigned int port, unsigned int p)
{
	if (port < 512)
		return p >= 1 && p <= 511;
	if (port < 1024)
		return p >= 600 && p <= 1023;
	return p >= 1024 && p <= 65535;
}

/* The frame's IPv4 packet at 'ip' ('len' bytes, from the header).  The
 * port becomes 0 and the checksum follows by the incremental update (the
 * one's complement sum less the port), so that a checksum right for its
 * port stays right, and a wrong one stays wrong, whatever the port was;
 * a UDP checksum of 0 (none) stays 0. */
static void rports_frame(unsigned char *ip, size_t len, const struct rport *rp,
			 unsigned int nrp)
{
	size_t ihl = (ip[0] & 15u) * 4;
	unsigned char *l4 = ip + ihl;
	unsigned int i, coff;
	uint32_t src;

	if (ihl < 20 || len < ihl + 8 || (ip[6] & 0x1f) || ip[7])
		return; /* not the first piece */
	if (ip[9] != 6 && ip[9] != 17 && ip[9] != 136)
		return;
	coff = ip[9] == 6 ? 16 : 6;
	if (len < ihl + coff + 2)
		return;
	memcpy(&src, ip + 12, 4);
	for (i = 0; i < nrp; i++) {
		unsigned int p = be16(l4), cs = be16(l4 + coff);
		uint32_t sum;

		if (rp[i].proto != ip[9] || rp[i].addr != src ||
		    p == rp[i].port || !same_class(rp[i].port, p))
			continue;
		l4[0] = l4[1] = 0;
		if (ip[9] == 17 && !cs)
			return;
		sum = (~cs & 0xffffu) + (~p & 0xffffu);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		cs = ~sum & 0xffffu;
		l4[coff] = (unsigned char)(cs >> 8);
		l4[coff + 1] = (unsigned char)cs;
		return;
	}
}

/* A copy of the conntrack line 'line' with a random port made "*", or
 * NULL when out of memory. */
static char *rports_ct(const char *line, const struct rport *rp,
		       unsigned int nrp)
{
	char *c = strdup(line), *w[64], *save = NULL, *t;
	unsigned int n = 0, i, k, ndst = 0, nsport = 0, ndport = 0;
	int osport = -1, rdst = -1, rdport = -1;
	char *out;
	size_t len = 0;

	if (!c)
		return NULL;
	for (t = strtok_r(c, " ", &save); t && n < 64; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	for (i = 0; i < n; i++) {
		if (!strncmp(w[i], "dst=", 4) && ndst++ == 1)
			rdst = (int)i;
		else if (!strncmp(w[i], "sport=", 6) && nsport++ == 0)
			osport = (int)i;
		else if (!strncmp(w[i], "dport=", 6) && ndport++ == 1)
			rdport = (int)i;
	}
	for (k = 0; n && rdst >= 0 && osport >= 0 && rdport >= 0 &&
		    k < nrp; k++) {
		char a[INET_ADDRSTRLEN];
		unsigned int p = (unsigned int)atoi(w[rdport] + 6);

		if (strcmp(w[0], rp[k].proto == 6    ? "tcp"
				 : rp[k].proto == 17 ? "udp"
						     : "udplite") ||
		    !inet_ntop(AF_INET, &rp[k].addr, a, sizeof(a)) ||
		    strcmp(w[rdst] + 4, a) ||
		    (unsigned int)atoi(w[osport] + 6) != rp[k].port ||
		    p == rp[k].port || !same_class(rp[k].port, p))
			continue;
		w[rdport] = "dport=*";
		break;
	}
	for (i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	out = malloc(len + 1);
	if (out) {
		out[0] = '\0';
		for (i = 0; i < n; i++) {
			if (i)
				strcat(out, " ");
			strcat(out, w[i]);
		}
	}
	free(c);
	return out;
}

static void hexdiff(const unsigned char *a, size_t alen, const char *aname,
		    const unsigned char *b, size_t blen, const char *bname,
		    FILE *out)
{
	size_t max = alen > blen ? alen : blen, row, i;
	int w = (int)(strlen(aname) > strlen(bname) ? strlen(aname)
						    : strlen(bname));

	fprintf(out, "      bytes that differ (after normalising), marked ^^:\n");
	for (row = 0; row < max; row += 16) {
		bool differs = false;

		for (i = row; i < row + 16 && i < max; i++)
			if (i >= alen || i >= blen || a[i] != b[i])
				differs = true;
		if (!differs)
			continue;
		fprintf(out, "      %04zx %-*s", row, w, aname);
		for (i = row; i < row + 16 && i < max; i++)
			if (i < alen)
				fprintf(out, " %02x", a[i]);
			else
				fprintf(out, "   ");
		fprintf(out, "\n      %4s %-*s", "", w, bname);
		for (i = row; i < row + 16 && i < max; i++)
			if (i < blen)
				fprintf(out, " %02x", b[i]);
			else
				fprintf(out, "   ");
		fprintf(out, "\n      %4s %-*s", "", w, "");
		for (i = row; i < row + 16 && i < max; i++)
			fprintf(out, "%s", i >= alen || i >= blen || a[i] != b[i]
					 ? " ^^" : "   ");
		fprintf(out, "\n");
	}
}

/* The frames of 'r' that left by 'dev', in order. */
static unsigned int by_dev(const struct conf_result *r, const char *dev,
			   const struct conf_pkt **list)
{
	unsigned int i, n = 0;

	for (i = 0; i < r->npkts; i++)
		if (strcmp(r->pkts[i].dev, dev) == 0)
			list[n++] = &r->pkts[i];
	return n;
}

static unsigned int compare_dev(const struct conf_result *a,
				const char *aname,
				const struct conf_result *b,
				const char *bname,
				const struct conf_scenario *sc,
				const struct rport *rp, unsigned int nrp,
				const char *dev, bool verbose, FILE *out)
{
	const struct conf_pkt **la, **lb;
	unsigned int na, nb, i, diffs = 0;
	char desc[1024];
	int w = (int)(strlen(aname) > strlen(bname) ? strlen(aname)
						    : strlen(bname));

	la = calloc(a->npkts + 1, sizeof(*la));
	lb = calloc(b->npkts + 1, sizeof(*lb));
	if (!la || !lb) {
		free(la);
		free(lb);
		fprintf(out, "  out of memory\n");
		return 1;
	}
	na = by_dev(a, dev, la);
	nb = by_dev(b, dev, lb);
	if (na != nb) {
		fprintf(out, "  %s: %s sent %u frame(s), %s %u\n", dev, aname, na,
			bname, nb);
		diffs++;
	} else if (verbose) {
		fprintf(out, "  %s: %u frame(s) on both\n", dev, na);
	}
	for (i = 0; i < na || i < nb; i++) {
		unsigned char *ca = i < na ? normalise(la[i], sc, rp, nrp) : NULL;
		unsigned char *cb = i < nb ? normalise(lb[i], sc, rp, nrp) : NULL;
		bool same = ca && cb && la[i]->len == lb[i]->len &&
			    memcmp(ca, cb, la[i]->len) == 0;

		if (same) {
			if (verbose) {
				conf_describe(la[i]->data, la[i]->len, desc,
					      sizeof(desc));
				fprintf(out, "    %s #%u same: %s\n", dev, i + 1,
					desc);
			}
		} else {
			diffs++;
			fprintf(out, "    %s #%u DIFFERS\n", dev, i + 1);
			if (ca)
				conf_describe(la[i]->data, la[i]->len, desc,
					      sizeof(desc));
			fprintf(out, "      %-*s %s\n", w, aname,
				ca ? desc : "(nothing)");
			if (cb)
				conf_describe(lb[i]->data, lb[i]->len, desc,
					      sizeof(desc));
			fprintf(out, "      %-*s %s\n", w, bname,
				cb ? desc : "(nothing)");
			if (ca && cb)
				hexdiff(ca, la[i]->len, aname, cb, lb[i]->len,
					bname, out);
		}
		free(ca);
		free(cb);
	}
	free(la);
	free(lb);
	return diffs;
}

/* Two lists of lines (the rules' counters, the log), line by line. */
static unsigned int compare_lines(char *const *av, unsigned int an,
				  const char *aname, char *const *bv,
				  unsigned int bn, const char *bname,
				  const char *what, bool verbose, FILE *out)
{
	unsigned int i, diffs = 0;
	int w = (int)(strlen(aname) > strlen(bname) ? strlen(aname)
						    : strlen(bname));

	for (i = 0; i < an || i < bn; i++)
		if (i >= an || i >= bn ||
		    strcmp(av[i], bv[i]) != 0)
			diffs++;
	if (!diffs && !verbose)
		return 0;
	if (!diffs) {
		if (an)
			fprintf(out, "  %s: %u line(s) the same\n", what, an);
		return 0;
	}
	fprintf(out, "  %s DIFFER:\n", what);
	for (i = 0; i < an || i < bn; i++) {
		const char *la = i < an ? av[i] : "(nothing)";
		const char *lb = i < bn ? bv[i] : "(nothing)";

		if (strcmp(la, lb) == 0) {
			fprintf(out, "      %-*s %s\n", w, "", la);
			continue;
		}
		fprintf(out, "    < %-*s %s\n", w, aname, la);
		fprintf(out, "    > %-*s %s\n", w, bname, lb);
	}
	return diffs;
}

/* Two sorted lists of lines as sets (the conntrack tables): a line on one
 * side only is a difference, and is shown under its side's name. */
static unsigned int compare_sorted(char *const *av, unsigned int an,
				   const char *aname, char *const *bv,
				   unsigned int bn, const char *bname,
				   const char *what, bool verbose, FILE *out)
{
	unsigned int i = 0, j = 0, diffs = 0;
	int w = (int)(strlen(aname) > strlen(bname) ? strlen(aname)
						    : strlen(bname));

	while (i < an || j < bn) {
		int c = i >= an ? 1 : j >= bn ? -1 : strcmp(av[i], bv[j]);

		if (c)
			diffs++;
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	if (!diffs) {
		if (verbose && an)
			fprintf(out, "  %s: %u line(s) the same\n", what, an);
		return 0;
	}
	fprintf(out, "  %s DIFFER (lines on one side only marked):\n", what);
	i = j = 0;
	while (i < an || j < bn) {
		int c = i >= an ? 1 : j >= bn ? -1 : strcmp(av[i], bv[j]);

		if (c < 0)
			fprintf(out, "    < %-*s %s\n", w, aname, av[i++]);
		else if (c > 0)
			fprintf(out, "    > %-*s %s\n", w, bname, bv[j++]);
		else {
			fprintf(out, "      %-*s %s\n", w, "", av[i++]);
			j++;
		}
	}
	return diffs;
}

unsigned int conf_result_compare(const struct conf_result *a,
				 const char *aname,
				 const struct conf_result *b,
				 const char *bname,
				 const struct conf_scenario *sc, bool verbose,
				 FILE *out)
{
	const char *devs[CONF_MAX_DEVS * 4];
	unsigned int ndevs = 0, i, j, h, diffs = 0, hdiffs = 0;
	const struct conf_result *rs[2] = { a, b };
	int w = (int)(strlen(aname) > 6 ? strlen(aname) : 6);
	struct rport rp[MAX_RPORTS];
	unsigned int nrp = read_rports(sc, rp);
	char **ct[2] = { a->ct, b->ct };

	for (h = 0; h < CONF_NHOOKS; h++)
		if (a->hooks[h] != b->hooks[h])
			hdiffs++;
	if (hdiffs || verbose) {
		fprintf(out, "  hook counters%s:\n", hdiffs ? " DIFFER" : "");
		fprintf(out, "    %-12s %*s %s\n", "hook", w, aname, bname);
		for (h = 0; h < CONF_NHOOKS; h++)
			fprintf(out, "    %-12s %*llu %llu%s\n",
				conf_hook_names[h], w,
				(unsigned long long)a->hooks[h],
				(unsigned long long)b->hooks[h],
				a->hooks[h] != b->hooks[h] ? "   <--" : "");
	}
	diffs += hdiffs;

	for (i = 0; i < sc->ndevs; i++)
		devs[ndevs++] = sc->devs[i].name;
	for (j = 0; j < 2; j++)
		for (i = 0; i < rs[j]->npkts; i++) {
			unsigned int k;

			for (k = 0; k < ndevs; k++)
				if (strcmp(devs[k], rs[j]->pkts[i].dev) == 0)
					break;
			if (k == ndevs && ndevs < CONF_MAX_DEVS * 4)
				devs[ndevs++] = rs[j]->pkts[i].dev;
		}
	for (i = 0; i < ndevs; i++)
		diffs += compare_dev(a, aname, b, bname, sc, rp, nrp, devs[i],
				     verbose, out);
	diffs += compare_lines(a->xt, a->nxt, aname, b->xt, b->nxt, bname,
			       "rules (iptables-save -c)", verbose, out);
	diffs += compare_lines(a->logs, a->nlogs, aname, b->logs, b->nlogs,
			       bname, "LOG lines", verbose, out);
	/* the random ports of the conntrack lines, sorted again */
	for (j = 0; nrp && j < 2; j++) {
		ct[j] = calloc(rs[j]->nct + 1, sizeof(*ct[j]));
		for (i = 0; ct[j] && i < rs[j]->nct; i++)
			ct[j][i] = rports_ct(rs[j]->ct[i], rp, nrp);
		if (ct[j] && rs[j]->nct > 1)
			qsort(ct[j], rs[j]->nct, sizeof(*ct[j]), cmp_str);
	}
	/* no table on either side is no difference (out of memory is one) */
	if ((ct[0] || !a->nct) && (ct[1] || !b->nct))
		diffs += compare_sorted(ct[0], a->nct, aname, ct[1], b->nct,
					bname,
					"conntrack tables (conntrack -L, sorted)",
					verbose, out);
	else
		diffs++;
	for (j = 0; nrp && j < 2; j++) {
		for (i = 0; ct[j] && i < rs[j]->nct; i++)
			free(ct[j][i]);
		free(ct[j]);
	}
	return diffs;
}
