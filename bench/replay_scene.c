/* SPDX-License-Identifier: MIT */
/*
 * replay_scene.c - what the replay benchmarks share: writing a scene's
 * captures, reading them back, the replay as tools/replay.c, measuring
 * (see replay_scene.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "replay_scene.h"
#include "xtables/lang.h"

/*
 * Flows.
 */

static bool public_addr(uint32_t a)
{
	unsigned int o = a >> 24;

	return o && o != 10 && o != 127 && o < 224 &&
	       (a & 0xfff00000u) != IP4(172, 16, 0, 0) &&
	       (a & 0xffff0000u) != IP4(192, 168, 0, 0) &&
	       (a & 0xffff0000u) != IP4(169, 254, 0, 0) &&
	       (a & 0xffc00000u) != IP4(100, 64, 0, 0) &&
	       (a & 0xffffff00u) != IP4(198, 51, 100, 0);
}

uint32_t random_public(struct gen *g)
{
	for (;;) {
		uint32_t a = (uint32_t)rng_next(&g->rng);

		if (!public_addr(a) || (g->usable && !g->usable(a)))
			continue;
		for (unsigned int i = 0; i < g->nblocked; i++)
			if (g->blocked[i] == a)
				a = 0;
		if (a)
			return a;
	}
}

uint32_t server(struct gen *g)
{
	return g->servers[below(&g->rng, below(&g->rng, N(g->servers)) + 1)];
}

uint16_t eph_port(struct gen *g)
{
	return (uint16_t)(32768 + below(&g->rng, 28232));
}

void add_step(struct flow *f, uint8_t ep, uint8_t peer, uint8_t proto,
	      uint8_t flags, unsigned int len)
{
	if (f->nsteps == MAX_STEPS)
		return;
	f->steps[f->nsteps++] = (struct step){ .ep = ep, .peer = peer,
					       .proto = proto, .flags = flags,
					       .len = (uint16_t)len };
}

void ep_set(struct gen *g, struct ep *e, uint32_t src, uint32_t dst,
	    uint16_t sport, uint16_t dport, uint8_t iface, uint8_t ttl)
{
	*e = (struct ep){ .src = src, .dst = dst, .sport = sport,
			  .dport = dport, .iface = iface, .ttl = ttl,
			  .seq = (uint32_t)rng_next(&g->rng),
			  .ipid = (uint16_t)rng_next(&g->rng) };
}

uint8_t inet_ttl(struct gen *g)
{
	return (uint8_t)(40 + below(&g->rng, 20));
}

/* A TCP connection between endpoints 0 (client) and 1 (server): the
 * handshake, 'rounds' requests with their answers of up to 'segs' full
 * segments of 'mss' bytes, the client acknowledging every second one,
 * and the close. */
void tcp_script(struct gen *g, struct flow *f, unsigned int rounds,
		unsigned int segs, unsigned int mss)
{
	add_step(f, 0, 1, S_TCP, TH_SYN, 0);
	add_step(f, 1, 0, S_TCP, TH_SYN | TH_ACK, 0);
	add_step(f, 0, 1, S_TCP, TH_ACK, 0);
	for (unsigned int r = 0; r < rounds; r++) {
		unsigned int n = 1 + below(&g->rng, segs);

		add_step(f, 0, 1, S_TCP, TH_PSH | TH_ACK, 150 + below(&g->rng, 750));
		for (unsigned int i = 0; i < n; i++) {
			bool last = i + 1 == n;

			add_step(f, 1, 0, S_TCP, last ? TH_PSH | TH_ACK : TH_ACK,
				 last ? 1 + below(&g->rng, mss) : mss);
			if (i % 2 == 1 || last)
				add_step(f, 0, 1, S_TCP, TH_ACK, 0);
		}
	}
	add_step(f, 0, 1, S_TCP, TH_FIN | TH_ACK, 0);
	add_step(f, 1, 0, S_TCP, TH_FIN | TH_ACK, 0);
	add_step(f, 0, 1, S_TCP, TH_ACK, 0);
}

/* An interactive TCP connection (ssh): small packets both ways. */
void tcp_interactive(struct gen *g, struct flow *f, unsigned int n)
{
	add_step(f, 0, 1, S_TCP, TH_SYN, 0);
	add_step(f, 1, 0, S_TCP, TH_SYN | TH_ACK, 0);
	add_step(f, 0, 1, S_TCP, TH_ACK, 0);
	for (unsigned int i = 0; i < n; i++) {
		add_step(f, 0, 1, S_TCP, TH_PSH | TH_ACK, 36 + below(&g->rng, 60));
		add_step(f, 1, 0, S_TCP, TH_PSH | TH_ACK, 36 + below(&g->rng, 400));
		if (chance(&g->rng, 50))
			add_step(f, 0, 1, S_TCP, TH_ACK, 0);
	}
	add_step(f, 0, 1, S_TCP, TH_FIN | TH_ACK, 0);
	add_step(f, 1, 0, S_TCP, TH_FIN | TH_ACK, 0);
	add_step(f, 0, 1, S_TCP, TH_ACK, 0);
}

/* 'n' SYNs from endpoint 0 that nobody answers (retransmissions). */
void tcp_syns(struct flow *f, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		add_step(f, 0, 1, S_TCP, TH_SYN, 0);
}

/* 'n' echo requests from 0, answered by 1 when 'answered'. */
void pings(struct flow *f, unsigned int n, bool answered)
{
	for (unsigned int i = 0; i < n; i++) {
		add_step(f, 0, 1, S_ICMP, 8, 56);
		if (answered)
			add_step(f, 1, 0, S_ICMP, 0, 56);
	}
}

void gen_init(struct gen *g, const struct scene *sc, unsigned int nflows)
{
	memset(g, 0, sizeof(*g));
	g->sc = sc;
	g->rng.s = 0x6e66752d62656e63u; /* "nfu-benc" */
	g->t0 = g->ts = 1795856400ull * 1000000000u; /* 2026-11-28 09:00 UTC */
	g->gap_min = 2000;
	g->gap_unit = 1000;
	g->nflows = nflows;
	g->flows = calloc(nflows, sizeof(*g->flows));
	g->slots = calloc(nflows, sizeof(*g->slots));
	if (!g->flows || !g->slots) {
		fprintf(stderr, "%s: out of memory\n", sc->prog);
		exit(1);
	}
}

void gen_free(struct gen *g)
{
	free(g->flows);
	free(g->slots);
	free(g->kind_of);
	g->flows = NULL;
	g->slots = NULL;
	g->kind_of = NULL;
}

unsigned int gen_pick_kind(struct gen *g)
{
	unsigned int total = 0, pick;

	for (unsigned int i = 0; i < g->sc->nkinds; i++)
		total += g->sc->kinds[i].weight;
	pick = below(&g->rng, total);
	for (unsigned int i = 0; i < g->sc->nkinds; i++) {
		if (pick < g->sc->kinds[i].weight)
			return i;
		pick -= g->sc->kinds[i].weight;
	}
	return 0;
}

static void start_flow(struct gen *g, const struct scene_ops *ops,
		       struct flow *f)
{
	ops->flow_new(g, f);
	g->started++;
	g->flows_of_kind[f->kind]++;
}

int gen_run(struct gen *g, const struct scene_ops *ops, const char *dir,
	    bool quiet)
{
	const struct scene *sc = g->sc;
	struct nfu_error err;
	char path[4096], msg[1024];
	int ret = 0;

	for (unsigned int i = 0; i < sc->nif; i++) {
		snprintf(path, sizeof(path), "%s/%s.pcap", dir, sc->ifs[i].name);
		if (nfu_cap_writer_open(path, sc->ifs[i].linktype, &g->w[i], &err)) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "%s: %s\n", sc->prog, msg);
			ret = 1;
			goto out;
		}
	}
	for (unsigned int i = 0; i < g->nflows; i++) {
		if (g->flow_limit && g->started == g->flow_limit)
			break;
		start_flow(g, ops, &g->flows[i]);
		g->slots[g->open++] = i;
	}
	/* a flow that ends makes room for a new one, until there are
	 * flow_limit; then the open ones run to their end */
	while (g->open && (!g->limit || g->count < g->limit)) {
		unsigned int s = below(&g->rng, g->open);
		struct flow *f = &g->flows[g->slots[s]];

		if (ops->flow_step(g, f))
			continue;
		if (!g->flow_limit || g->started < g->flow_limit)
			start_flow(g, ops, f);
		else
			g->slots[s] = g->slots[--g->open];
	}
	if (g->werr) {
		fprintf(stderr, "%s: %s: %s\n", sc->prog, dir, strerror(-g->werr));
		ret = 1;
	}
out:
	for (unsigned int i = 0; i < sc->nif; i++) {
		if (g->w[i] && nfu_cap_writer_close(g->w[i], &err)) {
			nfu_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "%s: %s\n", sc->prog, msg);
			ret = 1;
		}
		g->w[i] = NULL;
	}
	if (ret || quiet)
		return ret;
	printf("capture: %" PRIu64 " packets of %" PRIu64 " flows, %.1f s of"
	       " traffic\n", g->count, g->started,
	       (double)(g->ts - g->t0) / 1e9);
	for (unsigned int i = 0; i < sc->nif; i++) {
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s.pcap", dir, sc->ifs[i].name);
		printf("  %-8s %8" PRIu64 " packets, %6.1f MB\n", sc->ifs[i].name,
		       g->per_if[i], stat(path, &sb) ? 0.0 : (double)sb.st_size / 1e6);
	}
	for (unsigned int i = 0; i < sc->nkinds; i++)
		printf("  %-46s %7" PRIu64 " packets (%4.1f%%) %6" PRIu64 " flows\n",
		       sc->kinds[i].name, g->per_kind[i],
		       100.0 * (double)g->per_kind[i] / (double)g->count,
		       g->flows_of_kind[i]);
	return 0;
}

/*
 * Packets.
 */

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv4 packet at 'ip' (room for 1500 bytes); returns its length. */
size_t build_ip(struct gen *g, struct ep *e, struct ep *peer,
		const struct step *st, uint8_t *ip)
{
	uint8_t *l4 = ip + 20;
	size_t l4len = 0;
	uint8_t proto = 0;
	uint32_t ph;

	switch (st->proto) {
	case S_TCP: {
		size_t hl = st->flags & TH_SYN ? 40 : 32;
		uint16_t dport = e->dport ? e->dport : (uint16_t)(1 + below(&g->rng, 65535));

		proto = 6;
		put16(l4, e->sport);
		put16(l4 + 2, dport);
		put32(l4 + 4, e->seq);
		put32(l4 + 8, st->flags & TH_ACK ? peer->seq : 0);
		l4[12] = (uint8_t)(hl / 4 << 4);
		l4[13] = st->flags;
		put16(l4 + 14, 64240);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		if (hl == 40) { /* MSS, SACK permitted, timestamps, WS */
			static const uint8_t o[20] = { 2, 4, 0x05, 0xac, 4, 2, 8, 10,
						       0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7 };

			memcpy(l4 + 20, o, sizeof(o));
			put32(l4 + 28, (uint32_t)(g->ts / 1000000));
		} else { /* NOP NOP timestamps */
			l4[20] = 1;
			l4[21] = 1;
			l4[22] = 8;
			l4[23] = 10;
			put32(l4 + 24, (uint32_t)(g->ts / 1000000));
			put32(l4 + 28, (uint32_t)(g->ts / 1000000) - 20);
		}
		for (size_t i = 0; i < st->len; i++)
			l4[hl + i] = (uint8_t)(i * 7 + 3);
		l4len = hl + st->len;
		e->seq += st->len + !!(st->flags & (TH_SYN | TH_FIN));
		break;
	}
	case S_UDP: {
		uint16_t dport = e->dport ? e->dport : (uint16_t)(1 + below(&g->rng, 65535));

		proto = 17;
		l4len = 8 + st->len;
		put16(l4, e->sport);
		put16(l4 + 2, dport);
		put16(l4 + 4, (uint32_t)l4len);
		put16(l4 + 6, 0);
		for (size_t i = 0; i < st->len; i++)
			l4[8 + i] = (uint8_t)(i * 13 + 1);
		break;
	}
	case S_ICMP:
		proto = 1;
		l4len = 8 + st->len;
		l4[0] = st->flags;
		l4[1] = 0;
		put16(l4 + 2, 0);
		put16(l4 + 4, e->sport);
		put16(l4 + 6, (uint32_t)(st->flags == 8 ? ++e->seq : peer->seq) & 0xffff);
		for (size_t i = 0; i < st->len; i++)
			l4[8 + i] = (uint8_t)(0x10 + i);
		put16(l4 + 2, fold(sum16(l4, l4len, 0)));
		break;
	default:
		break;
	}
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint32_t)(20 + l4len));
	put16(ip + 4, e->ipid++);
	put16(ip + 6, proto == 6 ? 0x4000 : 0); /* DF for TCP */
	ip[8] = e->ttl;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, e->src);
	put32(ip + 16, e->dst);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	if (proto != 1) {
		ph = sum16(ip + 12, 8, 0) + proto + (uint32_t)l4len;
		put16(l4 + (proto == 6 ? 16 : 6), fold(sum16(l4, l4len, ph)));
	}
	if (st->opt & STEP_BAD_CSUM)
		l4[proto == 6 ? 16 : proto == 17 ? 6 : 2] ^= 0x5a;
	return 20 + l4len;
}

/* The MAC of the peer of address 'a': 02:1c:42 and its last three bytes. */
static void host_mac(uint8_t *mac, uint32_t a)
{
	const uint8_t m[6] = { 0x02, 0x1c, 0x42, (uint8_t)(a >> 16),
			       (uint8_t)(a >> 8), (uint8_t)a };

	memcpy(mac, m, 6);
}

void emit(struct gen *g, uint8_t kind, uint8_t iface, const uint8_t *ip,
	  size_t len, const struct ep *e)
{
	uint8_t frame[1600];
	const uint8_t *data = ip;
	int rc;

	if (g->limit && g->count == g->limit)
		return;
	if (g->sc->ifs[iface].linktype == NFU_LINKTYPE_ETHERNET) {
		const uint8_t *mac = g->sc->ifs[iface].mac;
		uint8_t *f = frame;

		if (e->bcast)
			memset(f, 0xff, 6);
		else if (e->host_sent) /* to the peer's MAC */
			host_mac(f, e->dst);
		else
			memcpy(f, mac, 6);
		if (e->host_sent)
			memcpy(f + 6, mac, 6);
		else
			host_mac(f + 6, e->src);
		f[12] = 0x08;
		f[13] = 0x00;
		memcpy(f + 14, ip, len);
		data = frame;
		len += 14;
	}
	rc = nfu_cap_write(g->w[iface], g->ts, data, (uint32_t)len);
	if (rc && !g->werr)
		g->werr = rc;
	if (g->count == g->kind_cap) {
		size_t n = g->kind_cap ? 2 * g->kind_cap : 1 << 20;
		uint8_t *k = realloc(g->kind_of, n);

		if (!k) {
			fprintf(stderr, "%s: out of memory\n", g->sc->prog);
			exit(1);
		}
		g->kind_of = k;
		g->kind_cap = n;
	}
	g->kind_of[g->count++] = kind;
	g->per_kind[kind]++;
	g->per_if[iface]++;
	/* strictly increasing over the captures: the merged order is this
	 * order */
	g->ts += g->gap_min + g->gap_unit * below(&g->rng, 998);
}


const struct step *flow_next(struct flow *f, struct ep **e)
{
	const struct step *st;

	if (f->next >= f->nsteps)
		return NULL;
	st = &f->steps[f->next++];
	*e = &f->ep[st->ep];
	return st;
}

bool gen_emit_step(struct gen *g, struct flow *f)
{
	uint8_t ip[1600];
	struct ep *e = NULL;
	const struct step *st = flow_next(f, &e);
	size_t len;

	if (!st || e->iface == IF_NONE)
		return st != NULL;
	len = build_ip(g, e, &f->ep[st->peer], st, ip);
	emit(g, f->kind, e->iface, ip, len, e);
	return true;
}

/*
 * Reading.
 */


static struct nfu_cap_reader *open_cap(const struct scene *sc,
					const char *dir, unsigned int i)
{
	struct nfu_cap_reader *r = NULL;
	struct nfu_error err;
	char path[4096], msg[1024];

	snprintf(path, sizeof(path), "%s/%s.pcap", dir, sc->ifs[i].name);
	if (nfu_cap_open(path, &r, &err)) {
		nfu_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s: %s\n", sc->prog, msg);
		exit(1);
	}
	return r;
}

int next_input(const struct scene *sc, struct input *in)
{
	struct nfu_error err;
	char msg[1024];
	int best = -1;

	for (int i = 0; i < (int)sc->nif; i++) {
		if (!in[i].have && in[i].r) {
			int n = nfu_cap_next(in[i].r, &in[i].p, &err);

			if (n < 0) {
				nfu_error_format(&err, msg, sizeof(msg));
				fprintf(stderr, "%s: %s\n", sc->prog, msg);
				exit(1);
			}
			if (n == 0) {
				nfu_cap_close(in[i].r);
				in[i].r = NULL;
				continue;
			}
			in[i].have = true;
		}
		if (in[i].have && (best < 0 || in[i].p.ts_ns < in[best].p.ts_ns))
			best = i;
	}
	return best;
}

void open_inputs(const struct scene *sc, struct input *in, const char *dir)
{
	for (unsigned int i = 0; i < sc->nif; i++)
		in[i] = (struct input){ .r = open_cap(sc, dir, i) };
}

static const uint8_t *rebase(const uint8_t *ptr, const uint8_t *from,
			     uint8_t *to)
{
	return ptr ? to + (ptr - from) : NULL;
}

/* The bytes go into one buffer as large as the files. */
void read_all(const struct scene *sc, const char *dir, struct mem *m,
	      uint64_t npkts)
{
	struct input in[SCENE_MAX_IF];
	size_t cap = 0;
	int i;

	for (unsigned int k = 0; k < sc->nif; k++) {
		char path[4096];
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s.pcap", dir, sc->ifs[k].name);
		if (stat(path, &sb)) {
			fprintf(stderr, "%s: %s: %s\n", sc->prog, path,
				strerror(errno));
			exit(1);
		}
		cap += (size_t)sb.st_size;
	}
	m->pkts = malloc(npkts * sizeof(*m->pkts));
	m->bytes = malloc(cap);
	m->n = m->nbytes = 0;
	if (!m->pkts || !m->bytes) {
		fprintf(stderr, "%s: out of memory\n", sc->prog);
		exit(1);
	}
	open_inputs(sc, in, dir);
	while ((i = next_input(sc, in)) >= 0) {
		const struct nfu_cap_pkt *p = &in[i].p;
		struct mem_pkt *mp;
		uint8_t *d;

		if (m->n == npkts || m->nbytes + p->caplen > cap) {
			fprintf(stderr, "%s: %s: more than was written\n",
				sc->prog, dir);
			exit(1);
		}
		d = m->bytes + m->nbytes;
		memcpy(d, p->data, p->caplen);
		mp = &m->pkts[m->n++];
		mp->p = *p;
		mp->iface = (uint8_t)i;
		mp->p.data = d;
		mp->p.l3 = rebase(p->l3, p->data, d);
		mp->p.src_mac = rebase(p->src_mac, p->data, d);
		mp->p.dst_mac = rebase(p->dst_mac, p->data, d);
		mp->p.iface_name = NULL;
		m->nbytes += p->caplen;
		in[i].have = false;
	}
}

void mem_free(struct mem *m)
{
	free(m->pkts);
	free(m->bytes);
	*m = (struct mem){ 0 };
}

void remove_captures(const struct scene *sc, const char *dir)
{
	char path[4096];

	for (unsigned int i = 0; i < sc->nif; i++) {
		snprintf(path, sizeof(path), "%s/%s.pcap", dir, sc->ifs[i].name);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * The replay, as tools/replay.c does it without --trace and -o: the same
 * choice between nfu_rx, nfu_rx_ip and nfu_send_ip, the same callbacks
 * (LOG lines counted instead of printed), the stack's counters read
 * around each packet.
 */

static void on_xmit(void *priv, struct nfu_dev *dev, const unsigned char *frame,
		    size_t len, const struct nfu_pkt *pkt)
{
	struct replay *rp = priv;

	(void)dev;
	(void)frame;
	(void)len;
	if (pkt && pkt->local_out)
		rp->generated++;
	else
		rp->forwarded++;
}

static int on_deliver(void *priv, struct nfu_pkt *pkt)
{
	struct replay *rp = priv;

	rp->delivered++;
	if (rp->responder)
		return 0; /* the responder answers, as replay with -t */
	nfu_pkt_free(pkt);
	return 1;
}

static void on_dropped(void *priv, const struct nfu_pkt *pkt,
		       enum nfu_drop_reason reason)
{
	struct replay *rp = priv;

	(void)pkt;
	(void)reason;
	rp->dropped++;
}

static void on_log(void *priv, int level, const char *line)
{
	struct replay *rp = priv;

	(void)level;
	rp->log_lines++;
	rp->log_bytes += strlen(line) + 18; /* replay's "[s.us] " and \n */
}

char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1))) {
		*len = fread(s, 1, (size_t)n, f);
		s[*len] = '\0';
	}
	fclose(f);
	return s;
}

struct replay *replay_new(const struct scene *sc, const char *topo,
			  const char *rules, size_t len, bool responder)
{
	struct replay *rp = calloc(1, sizeof(*rp));
	struct nfu_xt_ruleset *rs = nfu_xt_ruleset_new();
	struct nfu_net_ops ops = {
		.xmit = on_xmit, .deliver = on_deliver, .dropped = on_dropped,
		.log = on_log,
	};
	struct nfu_error err;
	char msg[1024];

	if (!rp || !rs || !(rp->net = nfu_net_new())) {
		fprintf(stderr, "%s: out of memory\n", sc->prog);
		exit(1);
	}
	rp->sc = sc;
	rp->responder = responder;
	if (nfu_topology_load_file(rp->net, topo, &err)) {
		nfu_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s: %s\n", sc->prog, msg);
		exit(1);
	}
	for (unsigned int i = 0; i < sc->nif; i++) {
		struct nfu_dev *dev = nfu_dev_by_name(rp->net, sc->ifs[i].name);

		if (!dev) {
			fprintf(stderr, "%s: %s has no %s\n", sc->prog, topo,
				sc->ifs[i].name);
			exit(1);
		}
		rp->ifindex[i] = dev->ifindex;
	}
	if (rules && nfu_xt_restore(rs, rules, len, NFU_XT_RESTORE_COUNTERS,
				    NULL, &err)) {
		fprintf(stderr, "%s: the ruleset is refused:\n%s", sc->prog,
			err.msg);
		exit(1);
	}
	if (nfu_xt_commit(rp->net, rs, &err)) {
		fprintf(stderr, "%s: the ruleset is refused: %s\n", sc->prog,
			err.msg);
		exit(1);
	}
	ops.priv = rp;
	nfu_net_set_ops(rp->net, &ops);
	return rp;
}

void replay_free(struct replay *rp)
{
	if (!rp)
		return;
	nfu_net_free(rp->net);
	free(rp);
}

void feed(struct replay *rp, unsigned int iface, const struct nfu_cap_pkt *p)
{
	struct nfu_stats before, after;
	struct nfu_dev *dev;
	bool sent_by_host, local_src = false;
	uint32_t src;
	int rc;

	if (!rp->started) {
		rp->t0 = rp->now = p->ts_ns;
		rp->started = true;
	}
	if (p->ts_ns > rp->now)
		rp->now = p->ts_ns;
	nfu_net_set_time(rp->net, rp->now - rp->t0);
	if (!p->l3) {
		rp->bad_link++;
		return;
	}
	if (p->ethertype != 0x0800) {
		rp->not_ipv4++;
		return;
	}
	dev = nfu_dev_by_index(rp->net, rp->ifindex[iface]);
	if (p->l3_len >= 20) {
		memcpy(&src, p->l3 + 12, 4);
		local_src = src != 0 && nfu_addr_is_local(rp->net, src);
	}
	if (p->sll_pkttype != NFU_CAP_PKTTYPE_NONE) {
		sent_by_host = p->sll_pkttype == 4;
	} else if (p->src_mac && p->dst_mac) {
		if (!memcmp(p->src_mac, dev->mac, 6))
			sent_by_host = true;
		else if (!memcmp(p->dst_mac, dev->mac, 6) || (p->dst_mac[0] & 1))
			sent_by_host = false;
		else
			sent_by_host = local_src;
	} else {
		sent_by_host = local_src;
	}
	if (sent_by_host && !local_src) {
		rp->copies++;
		return;
	}
	rp->fed++;
	nfu_net_get_stats(rp->net, &before);
	if (sent_by_host) {
		rp->local_out++;
		/* not sent (no route...): replay says so and goes on */
		(void)nfu_send_ip(rp->net, p->l3, p->l3_len);
		rc = 0;
	} else {
		rp->rx++;
		if (p->linktype == NFU_LINKTYPE_ETHERNET)
			rc = nfu_rx(rp->net, dev->ifindex, p->data, p->caplen);
		else
			rc = nfu_rx_ip(rp->net, dev->ifindex, p->l3, p->l3_len);
	}
	if (rc) {
		fprintf(stderr, "%s: packet %" PRIu64 ": %s\n", rp->sc->prog,
			p->index, strerror(-rc));
		exit(1);
	}
	nfu_net_get_stats(rp->net, &after);
	if (after.reasm_reqds > before.reasm_reqds &&
	    after.reasm_oks == before.reasm_oks &&
	    after.dropped == before.dropped)
		rp->held++;
	if (after.queued > before.queued)
		rp->queued++;
}

void finish(struct replay *rp)
{
	nfu_net_set_time(rp->net, rp->now - rp->t0);
	nfu_net_run_timers(rp->net);
}

/*
 * Measurements.
 */

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One run: the time of its timed part.  'rules' NULL: empty tables;
 * 'kind' < 0: every packet, else those of one class. */
struct times run_once(struct bench *b, enum what w, const char *rules,
		      size_t len, int kind)
{
	struct replay *rp = NULL;
	struct input in[SCENE_MAX_IF];
	uint64_t w0, w1, c0, c1, n = 0;
	int i;

	if (w != W_READ)
		rp = replay_new(b->sc, b->topo, rules, len, b->responder);
	if (rp && b->before)
		b->before(rp, b->arg);
	w0 = now_ns();
	c0 = cpu_ns();
	switch (w) {
	case W_READ:
		open_inputs(b->sc, in, b->dir);
		while ((i = next_input(b->sc, in)) >= 0) {
			n++;
			b->read_bytes += in[i].p.caplen;
			in[i].have = false;
		}
		break;
	case W_REPLAY_FILES:
		open_inputs(b->sc, in, b->dir);
		while ((i = next_input(b->sc, in)) >= 0) {
			n++;
			feed(rp, (unsigned int)i, &in[i].p);
			in[i].have = false;
		}
		finish(rp);
		break;
	case W_REPLAY_MEM:
		for (size_t k = 0; k < b->mem.n; k++) {
			const struct mem_pkt *mp = &b->mem.pkts[k];

			if (kind >= 0 && b->kind_of[k] != kind)
				continue;
			n++;
			feed(rp, mp->iface, &mp->p);
			if (b->after_pkt)
				b->after_pkt(rp, k, b->arg);
		}
		finish(rp);
		break;
	}
	c1 = cpu_ns();
	w1 = now_ns();
	replay_free(b->last);
	b->last = rp;
	b->last_count = n;
	return (struct times){ .wall = w1 - w0, .cpu = c1 - c0 };
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void print_heading(unsigned int runs)
{
	printf("\nns/packet: the least CPU time of %u runs, the least and the"
	       " median wall time;\nM packets/s from the CPU time\n", runs);
	printf("%-44s %8s %8s %8s %8s %8s\n", "", "packets", "cpu", "wall",
	       "wall med", "M pkt/s");
}

struct figure measure(struct bench *b, const char *label, enum what w,
		      const char *rules, size_t len, int kind)
{
	uint64_t wall[64], cpu[64];
	unsigned int runs = b->runs < N(wall) ? b->runs : N(wall);
	struct figure f;
	double n;

	for (unsigned int r = 0; r < runs; r++) {
		struct times t = run_once(b, w, rules, len, kind);

		wall[r] = t.wall;
		cpu[r] = t.cpu;
	}
	qsort(wall, runs, sizeof(wall[0]), cmp_u64);
	qsort(cpu, runs, sizeof(cpu[0]), cmp_u64);
	n = b->last_count ? (double)b->last_count : 1;
	f.cpu = (double)cpu[0] / n;
	f.wall = (double)wall[0] / n;
	f.wall_med = (double)wall[runs / 2] / n;
	printf("%-44s %8" PRIu64 " %8.1f %8.1f %8.1f %8.3f\n", label,
	       b->last_count, f.cpu, f.wall, f.wall_med, 1e3 / f.cpu);
	fflush(stdout);
	return f;
}

void print_outcome(const struct replay *rp)
{
	uint64_t nf = nfu_net_drop_count(rp->net, NFU_DROP_NETFILTER);
	uint64_t noso = nfu_net_drop_count(rp->net, NFU_DROP_NO_RESPONDER);
	struct nfu_stats st;
	bool other = false;

	nfu_net_get_stats(rp->net, &st);
	printf("  given to the stack %" PRIu64 ": %" PRIu64 " arrived, %" PRIu64
	       " sent by the host (nfu_send_ip); passed over %" PRIu64 "\n",
	       rp->fed, rp->rx, rp->local_out,
	       rp->copies + rp->not_ipv4 + rp->bad_link);
	printf("  of those that arrived: dropped by the ruleset %" PRIu64
	       " (DROP, REJECT), delivered to the host %" PRIu64 " (%" PRIu64
	       " to no socket: the responder %s), forwarded %" PRIu64 "\n",
	       nf, rp->delivered, noso, rp->responder ? "answers" : "is off",
	       rp->forwarded);
	printf("  frames out %" PRIu64 ": forwarded %" PRIu64 ", sent by the host %"
	       PRIu64 " (its %" PRIu64 " from the capture, answers: resets,"
	       " ICMP errors, replies)\n", rp->forwarded + rp->generated,
	       rp->forwarded, rp->generated, rp->local_out);
	printf("  other drops:");
	for (int r = 1; r < NFU_DROP_MAX; r++) {
		uint64_t n = nfu_net_drop_count(rp->net, (enum nfu_drop_reason)r);

		if (!n || r == NFU_DROP_NETFILTER || r == NFU_DROP_NO_RESPONDER)
			continue;
		printf(" %s %" PRIu64, nfu_drop_reason_name((enum nfu_drop_reason)r), n);
		other = true;
	}
	printf("%s\n", other ? "" : " none");
	printf("  LOG lines %" PRIu64 " (%.1f MB as replay writes them); frames"
	       " out with no neighbour entry %" PRIu64 "\n",
	       rp->log_lines, (double)rp->log_bytes / 1e6, st.neigh_unresolved);
}

/* Rules that counted a packet, per chain; the rules of short chains that
 * counted none are printed. */
void print_rules(struct nfu_net *net)
{
	const struct nfu_xt_ruleset *rs = nfu_xt_current(net);
	unsigned int total = 0, hit = 0;

	for (unsigned int i = 0; i < NFU_XT_NTABLES; i++) {
		const struct nfu_xt_table *t = &rs->tables[i];

		for (unsigned int j = 0; j < t->nchains; j++) {
			const struct nfu_xt_chain *c = t->chains[j];
			unsigned int h = 0;

			if (!c->nrules)
				continue;
			for (unsigned int k = 0; k < c->nrules; k++)
				h += c->rules[k]->pcnt != 0;
			total += c->nrules;
			hit += h;
			printf("  %-8s %-8s %3u of %3u rules hit", t->def->name,
			       c->name, h, c->nrules);
			if (c->builtin)
				printf(", policy %s %" PRIu64 " packets",
				       c->policy == NFU_XT_STD_DROP ? "DROP" : "ACCEPT",
				       c->pcnt);
			printf("\n");
			if (c->nrules > 20)
				continue;
			for (unsigned int k = 0; k < c->nrules; k++) {
				struct nfu_strbuf sb;

				if (c->rules[k]->pcnt)
					continue;
				nfu_sb_init(&sb);
				nfu_xt_save_rule(c->rules[k], &sb);
				printf("      not hit: -A %s%s\n", c->name,
				       sb.s ? sb.s : "");
				nfu_sb_free(&sb);
			}
		}
	}
	printf("  rules with a non-zero counter: %u of %u\n", total ? hit : 0, total);
}

int bench_mkdir(const struct scene *sc, const char *dir)
{
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", sc->prog, dir, strerror(errno));
		return -1;
	}
	return 0;
}

int bench_tmpdir(const struct scene *sc, char *tmpl, size_t size)
{
	snprintf(tmpl, size, "%s/nfubench.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "%s: %s: %s\n", sc->prog, tmpl, strerror(errno));
		return -1;
	}
	return 0;
}

void bench_time_setup(struct bench *b, const char *rules, size_t len)
{
	uint64_t t0 = now_ns(), t1;

	replay_free(replay_new(b->sc, b->topo, rules, len, b->responder));
	t1 = now_ns();
	printf("stack: topology, restore and commit of the ruleset: %.2f ms"
	       " (not in the figures)\n", (double)(t1 - t0) / 1e6);
}

int bench_parse_args(int argc, char **argv, struct bench_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "-r") && v) {
			a->runs = (unsigned int)strtoul(v, NULL, 10);
			i++;
		} else if (!strcmp(argv[i], "--rules") && v) {
			a->rules = v;
			i++;
		} else if (!strcmp(argv[i], "--topo") && v) {
			a->topo = v;
			i++;
		} else if (!strcmp(argv[i], "--only-replay")) {
			a->only_replay = true;
		} else if (!strcmp(argv[i], "--write-only") && v) {
			a->write_only = v;
			i++;
		} else if (argv[i][0] >= '1' && argv[i][0] <= '9') {
			a->count = strtoull(argv[i], NULL, 10);
		} else {
			return -1;
		}
	}
	if (!a->runs)
		a->runs = 1;
	return 0;
}
