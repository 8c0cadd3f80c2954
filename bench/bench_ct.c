/* SPDX-License-Identifier: MIT */
/*
 * bench_ct - connection tracking at scale: N concurrent connections
 * (default 1,000,000) made by N UDP datagrams forwarded through a stack
 * with conntrack on, each of a flow of its own; then a reply to each (the
 * lookup of an established connection, in the other direction); then
 * lookups alone (nfu_ct_find of random existing tuples).  Printed: memory
 * per connection (the allocator's count, hash table included), ns per new
 * connection (the forwarding path with conntrack, against the same path
 * without it in the same run), ns per established packet and per lookup.
 * Times are the process's CPU time (the figures hold on a loaded machine);
 * the heap is grown once before the measured run, so the kernel's page
 * faults of a fresh heap are not counted.
 *
 *   build/bench/bench_ct [connections]
 */
#include <inttypes.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conntrack/ct-private.h"
#include "nfu/nfu.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* CPU time: the figures hold on a loaded machine */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static const char topo[] =
	"ip link set e0 address 02:00:00:00:00:01\n"
	"ip link set e1 address 02:00:00:00:00:02\n"
	"ip addr add 10.0.0.1/8 dev e0\n"
	"ip addr add 172.16.0.1/12 dev e1\n"
	"ip neigh add 172.16.0.2 lladdr 02:00:00:00:bb:02 dev e1\n"
	"ip neigh add 10.0.0.2 lladdr 02:00:00:00:aa:02 dev e0\n"
	"ip route add 192.168.0.0/16 via 172.16.0.2\n"
	"ip route add 11.0.0.0/8 via 10.0.0.2\n"
	"sysctl -w net.ipv4.ip_forward=1\n";

static uint32_t be32(uint32_t h)
{
	return __builtin_bswap32(h);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An Ethernet frame with UDP flow 'i' (reply: the other way). */
static size_t frame(uint8_t *f, uint32_t i, bool reply)
{
	uint8_t *ip = f + 14;
	uint32_t a = be32(0x0b000000u | (i >> 8)), b = be32(0xc0a80000u | (i & 0xff));
	uint16_t sport = (uint16_t)(1024 + (i & 0x3fff)), dport = 53;
	uint16_t c;

	memcpy(f, reply ? "\x02\x00\x00\x00\x00\x02" : "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(f + 6, reply ? "\x02\x00\x00\x00\xbb\x02" : "\x02\x00\x00\x00\xaa\x02", 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[3] = 28;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, reply ? &b : &a, 4);
	memcpy(ip + 16, reply ? &a : &b, 4);
	c = csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	ip[20] = (uint8_t)((reply ? dport : sport) >> 8);
	ip[21] = (uint8_t)(reply ? dport : sport);
	ip[22] = (uint8_t)((reply ? sport : dport) >> 8);
	ip[23] = (uint8_t)(reply ? sport : dport);
	ip[25] = 8; /* length; checksum 0: none */
	return 14 + 28;
}

static struct nfu_net *stack(bool ct, uint32_t n)
{
	struct nfu_net *net = nfu_net_new();
	struct nfu_error err;

	if (!net || nfu_topology_load(net, topo, strlen(topo), "bench", &err)) {
		fprintf(stderr, "bench_ct: the stack: %s\n", err.msg);
		exit(1);
	}
	if (ct) {
		struct nfu_ct_net *cn = nfu_ct_net(net);

		if (!cn) {
			fprintf(stderr, "bench_ct: out of memory\n");
			exit(1);
		}
		cn->sysctl.max = n + 1024;
		cn->sysctl.buckets = n;
		if (nfu_ct_enable(net)) {
			fprintf(stderr, "bench_ct: nfu_ct_enable failed\n");
			exit(1);
		}
	}
	return net;
}

/* ns per frame of feeding flows [0, n) (replies when 'reply'). */
static double feed(struct nfu_net *net, uint32_t n, bool reply)
{
	uint8_t f[64];
	uint64_t t0 = now_ns();

	for (uint32_t i = 0; i < n; i++) {
		size_t len = frame(f, i, reply);

		nfu_rx(net, 2 + (reply ? 1 : 0), f, len);
	}
	return (double)(now_ns() - t0) / n;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
	struct nfu_net *plain, *net;
	struct nfu_ct_net *cn;
	struct nfu_stats st;
	size_t before, after;
	double t_plain, t_new, t_est, t_plain_rep, t_find, t_chase;
	uint64_t t0, found = 0, x = 88172645463325252ull;

	if (n == 0)
		n = 1;
	plain = stack(false, n);
	t_plain = feed(plain, n, false);
	t_plain_rep = feed(plain, n, true);
	nfu_net_get_stats(plain, &st);
	nfu_net_free(plain);

	/* once for nothing: the heap grows to its size (the kernel's page
	 * faults of a fresh heap are not conntrack's cost), then freed */
	net = stack(true, n);
	feed(net, n, false);
	nfu_net_free(net);

	before = heap_used();
	net = stack(true, n);
	t_new = feed(net, n, false);
	after = heap_used();
	cn = net->ct;
	t_est = feed(net, n, true);

	/* lookups alone: random existing original tuples */
	t0 = now_ns();
	for (uint32_t k = 0; k < n; k++) {
		struct nfu_ct_tuple t;
		uint32_t i;
		unsigned int dir;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = (uint32_t)(x % n);
		memset(&t, 0, sizeof(t));
		t.src = be32(0x0b000000u | (i >> 8));
		t.dst = be32(0xc0a80000u | (i & 0xff));
		t.sport = __builtin_bswap16((uint16_t)(1024 + (i & 0x3fff)));
		t.dport = __builtin_bswap16(53);
		t.proto = 17;
		found += nfu_ct_find(cn, &t, 0, &dir) != NULL;
	}
	t_find = (double)(now_ns() - t0) / n;

	/* the machine's memory latency, for scale: a dependent random read
	 * in an area the size of the table (what one cache miss of a lookup
	 * costs) */
	{
		size_t words = (after - before) / sizeof(uint64_t), steps = 2000000;
		uint64_t *ring = NULL;
		uint32_t *perm;

		if (words < 1024)
			words = 1024;
		words &= ~(size_t)7;
		perm = malloc(words / 8 * sizeof(*perm));
		if (posix_memalign((void **)&ring, 2u << 20, words * sizeof(*ring)) ||
		    !perm) {
			fprintf(stderr, "bench_ct: out of memory\n");
			return 1;
		}
		/* one word a 64-byte line, the lines in a random cycle */
		for (size_t k = 0; k < words / 8; k++)
			perm[k] = (uint32_t)k;
		for (size_t k = words / 8 - 1; k > 0; k--) {
			size_t j;
			uint32_t tmp;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			j = x % (k + 1);
			tmp = perm[k];
			perm[k] = perm[j];
			perm[j] = tmp;
		}
		for (size_t k = 0; k < words / 8; k++)
			ring[(size_t)perm[k] * 8] = (uint64_t)perm[(k + 1) % (words / 8)] * 8;
		t0 = now_ns();
		for (size_t k = 0, at = 0; k < steps; k++) {
			at = ring[at];
			if (k + 1 == steps)
				found += at == (size_t)-1; /* keep the chase */
		}
		t_chase = (double)(now_ns() - t0) / (double)steps;
		free(perm);
		free(ring);
	}

	printf("bench_ct: %u concurrent UDP connections (%u in the table, %u buckets)\n",
	       n, cn->confirmed, cn->nbuckets);
	printf("  forwarded without conntrack (baseline)  %8.1f ns/packet  (%.2f M/s)\n",
	       t_plain, 1e3 / t_plain);
	printf("  new connection, forwarded               %8.1f ns/packet  (%.2f M/s)"
	       "  conntrack's share %.1f ns\n",
	       t_new, 1e3 / t_new, t_new - t_plain);
	printf("  established reply, forwarded            %8.1f ns/packet  (%.2f M/s)"
	       "  conntrack's share %.1f ns\n",
	       t_est, 1e3 / t_est, t_est - t_plain_rep);
	printf("  lookup alone (nfu_ct_find, random)      %8.1f ns  (%" PRIu64 " of %u found)\n",
	       t_find, found, n);
	printf("  memory latency (dependent random reads in as much memory) %.1f ns:"
	       " a lookup is %.1f of them\n", t_chase, t_find / t_chase);
	printf("  memory: %.1f bytes per connection (allocator's count, buckets"
	       " included; struct nfu_ct is %zu bytes)\n",
	       (double)(after - before) / n, sizeof(struct nfu_ct));
	nfu_net_free(net);
	return 0;
}
