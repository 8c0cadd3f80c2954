/* SPDX-License-Identifier: MIT */
/*
 * replay_scene.h - what the replay benchmarks share (bench_replay.c:
 * medium-company.v4; bench_replay_home.c: home-user.v4).
 *
 * What?
 *   A scene is a host and the interfaces where its traffic was captured.
 *   A benchmark writes a deterministic traffic for it with nfu's capture
 *   writer (one file per interface, what `tcpdump -i IFACE' would have
 *   saved there: what arrived, and the host's own packets), reads it back
 *   into memory, and replays it in process the way tools/replay.c does,
 *   timing runs with CPU and wall clocks.
 *
 * Basic design
 *   - Traffic is made of flows (a TCP connection, a DNS question and its
 *     answer, pings...), a number of them open at a time, each a script
 *     of steps (packets) between up to four endpoints; the next packet
 *     comes from an open flow picked at random.  Each endpoint says on
 *     which interface its packets were captured and how (to the host's
 *     MAC, or sent by the host itself).  A scene writes its own flows
 *     (struct scene_ops) and steps them through gen_emit_step(), or its
 *     own way.
 *   - Timestamps strictly increase over all the captures, so the merged
 *     order is the order the packets were made in, and each packet's class
 *     is known when it is read back (gen->kind_of).
 *   - The PRNG is splitmix64 with a fixed seed: the same arguments write
 *     the same captures.
 */
#ifndef BENCH_REPLAY_SCENE_H
#define BENCH_REPLAY_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nfu/nfu.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

/*
 * The PRNG: splitmix64.
 */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* 0 <= x < n */
static inline uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static inline bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/*
 * Scenes.
 */
#define SCENE_MAX_IF 16
#define SCENE_MAX_KINDS 32

struct scene_if {
	const char *name;
	uint32_t linktype;      /* NFU_LINKTYPE_ETHERNET or _RAW */
	uint8_t mac[6];         /* the host's, on an Ethernet interface */
};

struct kind_def {
	const char *name;
	unsigned int weight;    /* of new flows */
};

struct scene {
	const char *prog;       /* for messages */
	unsigned int nif;
	const struct scene_if *ifs;
	unsigned int nkinds;
	const struct kind_def *kinds;
};

/*
 * Flows.
 */
#define MAX_STEPS 160
#define MAX_EPS 4
#define IF_NONE 0xff

/* How the packets of one side of a flow were captured. */
struct ep {
	uint32_t src, dst;      /* host order */
	uint16_t sport, dport;  /* or ICMP id in sport; dport 0: random */
	uint8_t iface;          /* index in the scene, IF_NONE: not captured */
	uint8_t ttl;
	bool host_sent;         /* Ethernet: from the host's MAC */
	bool bcast;             /* Ethernet: to ff:ff:ff:ff:ff:ff */
	uint32_t seq;           /* TCP: next sequence number to send */
	uint16_t ipid;
};

enum { S_TCP, S_UDP, S_ICMP };

#define STEP_BAD_CSUM 0x01      /* a wrong transport checksum */

struct step {
	uint8_t ep;      /* who sends */
	uint8_t peer;    /* whose sequence it acknowledges (TCP) */
	uint8_t proto;   /* S_* */
	uint8_t flags;   /* TCP flags; ICMP type */
	uint16_t len;    /* payload */
	uint8_t opt;     /* STEP_* */
};

struct flow {
	uint8_t kind;
	bool vpn;            /* medium: tun0 packets carried by udp/1194 */
	uint32_t vpn_peer;   /* the client's public address */
	uint16_t vpn_port;
	uint16_t nsteps, next;
	struct ep ep[MAX_EPS];
	struct step steps[MAX_STEPS];
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

struct gen;

struct scene_ops {
	/* Makes 'f' a new flow (its kind from gen_pick_kind() or its own). */
	void (*flow_new)(struct gen *g, struct flow *f);
	/* Writes the next packet of 'f'; false when it has none left. */
	bool (*flow_step)(struct gen *g, struct flow *f);
};

/* The writer of a scene's captures. */
struct gen {
	const struct scene *sc;
	struct rng rng;
	uint32_t servers[4096];  /* the Internet's popular servers */
	uint32_t blocked[256];   /* addresses random_public() avoids */
	unsigned int nblocked;
	/* when set, random_public() also avoids what it refuses */
	bool (*usable)(uint32_t addr);
	struct flow *flows;
	unsigned int nflows, open;
	unsigned int *slots;     /* open flows first */
	uint64_t ts, t0;         /* ns since the epoch */
	uint64_t gap_min, gap_unit; /* between packets: min + unit * [0, 998) */
	uint64_t count, limit;   /* packets written; limit 0: none */
	uint64_t started, flow_limit; /* flows; flow_limit 0: none */
	uint64_t per_kind[SCENE_MAX_KINDS], per_if[SCENE_MAX_IF];
	uint64_t flows_of_kind[SCENE_MAX_KINDS];
	struct nfu_cap_writer *w[SCENE_MAX_IF];
	uint8_t *kind_of;        /* per packet, in order (grown) */
	size_t kind_cap;
	int werr;
};

/* Sets 'g' up for scene 'sc' with 'nflows' open at a time. */
void gen_init(struct gen *g, const struct scene *sc, unsigned int nflows);
/* Runs 'ops' until 'g->limit' packets or 'g->flow_limit' flows (all of
 * them to their end), writing DIR/IFACE.pcap; 0 or 1 after saying why.
 * Prints what it wrote unless 'quiet'. */
int gen_run(struct gen *g, const struct scene_ops *ops, const char *dir,
	    bool quiet);
void gen_free(struct gen *g);

/* A kind of flow at random, by the scene's weights. */
unsigned int gen_pick_kind(struct gen *g);
uint32_t random_public(struct gen *g);
/* A popular server more often: index below a random bound. */
uint32_t server(struct gen *g);
uint16_t eph_port(struct gen *g);
uint8_t inet_ttl(struct gen *g);
void ep_set(struct gen *g, struct ep *e, uint32_t src, uint32_t dst,
	    uint16_t sport, uint16_t dport, uint8_t iface, uint8_t ttl);
void add_step(struct flow *f, uint8_t ep, uint8_t peer, uint8_t proto,
	      uint8_t flags, unsigned int len);
/* The next step of 'f', its sender in '*e'; NULL when it has none left. */
const struct step *flow_next(struct flow *f, struct ep **e);
/* A TCP connection between endpoints 0 (client) and 1 (server): the
 * handshake, 'rounds' requests with their answers of up to 'segs' full
 * segments of 'mss' bytes, the client acknowledging every second one,
 * and the close. */
void tcp_script(struct gen *g, struct flow *f, unsigned int rounds,
		unsigned int segs, unsigned int mss);
/* An interactive TCP connection (ssh): 'n' small packets both ways. */
void tcp_interactive(struct gen *g, struct flow *f, unsigned int n);
/* 'n' SYNs from endpoint 0 that nobody answers (retransmissions). */
void tcp_syns(struct flow *f, unsigned int n);
/* 'n' echo requests from 0, answered by 1 when 'answered'. */
void pings(struct flow *f, unsigned int n, bool answered);

/* The IPv4 packet of step 'st' sent by 'e' to 'peer', at 'ip' (room for
 * 1500 bytes); returns its length. */
size_t build_ip(struct gen *g, struct ep *e, struct ep *peer,
		const struct step *st, uint8_t *ip);
/* Writes 'ip' to the capture of 'iface' (in a frame on Ethernet) as sent
 * by 'e'; the clock moves on. */
void emit(struct gen *g, uint8_t kind, uint8_t iface, const uint8_t *ip,
	  size_t len, const struct ep *e);
/* The next step of 'f' built and written; false when it has none left. */
bool gen_emit_step(struct gen *g, struct flow *f);

/*
 * Reading back: the packets in memory, in the merged order.
 */
struct mem_pkt {
	struct nfu_cap_pkt p;
	uint8_t iface;
};

struct mem {
	struct mem_pkt *pkts;
	uint8_t *bytes;
	size_t n, nbytes;
};

struct input {
	struct nfu_cap_reader *r;
	struct nfu_cap_pkt p;
	bool have;
};

void open_inputs(const struct scene *sc, struct input *in, const char *dir);
/* The input with the earliest next packet, as replay's next_input();
 * -1 at the end of all. */
int next_input(const struct scene *sc, struct input *in);
/* Reads the captures of 'dir' into 'm' (at most 'npkts'). */
void read_all(const struct scene *sc, const char *dir, struct mem *m,
	      uint64_t npkts);
void mem_free(struct mem *m);
/* Removes DIR/IFACE.pcap and DIR. */
void remove_captures(const struct scene *sc, const char *dir);

/*
 * The replay, as tools/replay.c does it without --trace and -o.
 */
struct replay {
	const struct scene *sc;
	struct nfu_net *net;
	int ifindex[SCENE_MAX_IF];
	bool responder;          /* let the host answer what it gets */
	uint64_t t0, now;
	bool started;
	/* what became of the packets */
	uint64_t fed, rx, local_out, copies, not_ipv4, bad_link, held, queued;
	uint64_t delivered, forwarded, generated, dropped, log_lines, log_bytes;
};

/* A stack from 'topo' with 'rules' ('len' bytes of iptables-save text;
 * NULL: empty tables) in force, as replay's load_rules(). */
struct replay *replay_new(const struct scene *sc, const char *topo,
			  const char *rules, size_t len, bool responder);
void replay_free(struct replay *rp);
/* One packet of capture 'iface', as replay_one(). */
void feed(struct replay *rp, unsigned int iface, const struct nfu_cap_pkt *p);
/* What is due after the last packet, as replay's end. */
void finish(struct replay *rp);
void print_outcome(const struct replay *rp);
/* Rules that counted a packet, per chain; the rules of short chains that
 * counted none are printed. */
void print_rules(struct nfu_net *net);

/*
 * Measurements.
 */
uint64_t now_ns(void);
uint64_t cpu_ns(void);
char *slurp(const char *path, size_t *len);

/* A run of the replay from memory of the packets of 'kind' (< 0: all),
 * timed; 'fn' (if set) is called with the stack before the first. */
struct bench {
	const struct scene *sc;
	const char *dir, *topo;
	struct mem mem;
	const uint8_t *kind_of;
	unsigned int runs;
	bool responder;
	struct replay *last;     /* of the last run, for its outcome */
	uint64_t last_count;     /* packets of the last run */
	uint64_t read_bytes;
	void (*before)(struct replay *rp, void *arg); /* untimed, per run */
	void (*after_pkt)(struct replay *rp, size_t k, void *arg);
	void *arg;
};

enum what { W_READ, W_REPLAY_FILES, W_REPLAY_MEM };

struct times {
	uint64_t wall, cpu; /* ns */
};

/* ns per packet: the least CPU time of the runs (what the process did,
 * whatever else the machine was doing), the least and the median wall
 * time. */
struct figure {
	double cpu, wall, wall_med;
};

struct times run_once(struct bench *b, enum what w, const char *rules,
		      size_t len, int kind);
/* 'b->runs' runs of run_once(), one line printed under 'label'. */
struct figure measure(struct bench *b, const char *label, enum what w,
		      const char *rules, size_t len, int kind);
/* The heading of measure()'s lines. */
void print_heading(unsigned int runs);

/* The benchmarks' command line: [-r RUNS] [--rules FILE] [--topo FILE]
 * [--only-replay] [--write-only DIR] [COUNT]; the fields keep what they
 * hold when not given.  0, or -1 for a bad one. */
struct bench_args {
	unsigned int runs;
	const char *rules, *topo, *write_only;
	bool only_replay;
	uint64_t count;
};

int bench_parse_args(int argc, char **argv, struct bench_args *a);
/* Makes 'dir' if it is not there; 0 or -1 after saying why. */
int bench_mkdir(const struct scene *sc, const char *dir);
/* A new directory $TMPDIR/nfubench.XXXXXX in 'tmpl' (of 'size'); 0 or
 * -1 after saying why. */
int bench_tmpdir(const struct scene *sc, char *tmpl, size_t size);
/* Prints how long a stack with 'rules' takes to set up. */
void bench_time_setup(struct bench *b, const char *rules, size_t len);

#endif
