/* SPDX-License-Identifier: MIT */
/*
 * ipv4_scene.h - a host under test for the IPv4 unit tests
 * (test_ipv4_input.c, test_ipv4_forward.c, test_icmp.c).
 *
 * What?
 *   One stack built from a topology text, with two Ethernet devices and a
 *   neighbour on each:
 *
 *     peer A ---- e0 [host] e1 ---- peer B
 *
 *     A   10.0.0.2       02:00:00:00:aa:02
 *     e0  10.0.0.1/24    02:00:00:00:00:01   ifindex 2
 *     e1  10.0.1.1/24    02:00:00:00:00:02   ifindex 3
 *     B   10.0.1.2       02:00:00:00:bb:02
 *
 *   and 192.168.0.0/16 via 10.0.1.2.  No default route.  Frames the host
 *   sends are copied into 'sc.out'; drop reasons are recorded in order in
 *   'sc.drops'; a counting function on each of the five hooks appends one
 *   letter to 'sc.trace' when a packet passes it:
 *     P PRE_ROUTING, I LOCAL_IN, F FORWARD, O LOCAL_OUT, S POST_ROUTING
 *   so "PIOS" reads: a packet came in and was delivered, and the host's
 *   answer went out.
 *
 *   Packets are built here, with their checksums, by small builders that
 *   write every field explicitly; what leaves the host is verified with a
 *   plain word sum written here, never with the library's checksum code.
 *
 *   The same scene was built in Linux 6.18 network namespaces (veth pairs
 *   to a peer namespace, iptables-legacy counting rules in the mangle
 *   table, raw frames sent and captured with AF_PACKET sockets) to settle
 *   what Linux does wherever a test asserts something non-obvious.
 */
#ifndef NFU_TEST_IPV4_SCENE_H
#define NFU_TEST_IPV4_SCENE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "nfu/nfu.h"

#define E0 2 /* ifindex of e0 */
#define E1 3 /* ifindex of e1 */

/* an IPv4 address in host order */
#define A4(a, b, c, d)                                                       \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 |    \
	 (uint32_t)(d))

static const uint8_t MAC_E0[6] = { 0x02, 0, 0, 0, 0x00, 0x01 };
static const uint8_t MAC_E1[6] = { 0x02, 0, 0, 0, 0x00, 0x02 };
static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0xaa, 0x02 };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0xbb, 0x02 };
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_ZERO[6] = { 0 };
static const uint8_t MAC_ALLHOSTS[6] = { 0x01, 0x00, 0x5e, 0, 0, 0x01 };

#define IP_A A4(10, 0, 0, 2)
#define IP_E0 A4(10, 0, 0, 1)
#define IP_B A4(10, 0, 1, 2)
#define IP_E1 A4(10, 0, 1, 1)

static const char scene_base[] =
	"ip link set e0 address 02:00:00:00:00:01 up\n"
	"ip link set e1 address 02:00:00:00:00:02 up\n"
	"ip addr add 10.0.0.1/24 dev e0\n"
	"ip addr add 10.0.1.1/24 dev e1\n"
	"ip neigh add 10.0.0.2 lladdr 02:00:00:00:aa:02 dev e0\n"
	"ip neigh add 10.0.1.2 lladdr 02:00:00:00:bb:02 dev e1\n"
	"ip route add 192.168.0.0/16 via 10.0.1.2\n";

#define SCENE_MAX_FRAMES 64
#define SCENE_FRAME_ROOM 9100

struct scene_frame {
	int ifindex;
	size_t len;
	uint8_t b[SCENE_FRAME_ROOM];
};

struct scene {
	struct nfu_net *net;
	struct scene_frame out[SCENE_MAX_FRAMES];
	unsigned int nout;
	enum nfu_drop_reason drops[SCENE_MAX_FRAMES];
	unsigned int ndrops;
	char trace[256];
	unsigned int ntrace;
	uint32_t seen_len[NFU_INET_NUMHOOKS]; /* pkt->len at the last pass */
	struct nfu_hook_ops hooks[NFU_INET_NUMHOOKS];
};

static struct scene sc;

/* ---- bytes ---- */

static inline unsigned int rd16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One's complement sum of 'n' bytes as big-endian words plus 'sum',
 * folded to 16 bits (RFC 1071, the slow obvious way). */
static inline unsigned int word_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += rd16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static inline uint32_t pseudo_sum(const uint8_t *ip, unsigned int l4len)
{
	return word_sum(ip + 12, 8, 0) + ip[9] + l4len;
}

static inline unsigned int ip_hlen(const uint8_t *ip)
{
	return (ip[0] & 15u) * 4u;
}

/* Checksum of the header of 'ip' recomputed with the field as zero. */
static inline void ip_fix_csum(uint8_t *ip)
{
	wr16(ip + 10, 0);
	wr16(ip + 10, ~word_sum(ip, ip_hlen(ip), 0) & 0xffff);
}

static inline bool ip_csum_ok(const uint8_t *ip)
{
	return word_sum(ip, ip_hlen(ip), 0) == 0xffff;
}

/* ICMP checksum over everything after the header, up to tot_len. */
static inline bool icmp_csum_ok(const uint8_t *ip)
{
	unsigned int hl = ip_hlen(ip);

	return word_sum(ip + hl, rd16(ip + 2) - hl, 0) == 0xffff;
}

/* TCP or UDP checksum with the pseudo-header, up to tot_len. */
static inline bool l4_csum_ok(const uint8_t *ip)
{
	unsigned int hl = ip_hlen(ip), l4 = rd16(ip + 2) - hl;

	return word_sum(ip + hl, l4, pseudo_sum(ip, l4)) == 0xffff;
}

/* ---- builders: a complete IPv4 packet in 'b', returns its length ---- */

/* A 20-byte header (TTL 64, TOS 0, ID 0x1234, no fragment bits) and
 * 'plen' bytes of payload already at b + 20. */
static inline size_t build_ip(uint8_t *b, uint32_t src, uint32_t dst,
			      uint8_t proto, size_t plen)
{
	b[0] = 0x45;
	b[1] = 0;
	wr16(b + 2, (unsigned int)(20 + plen));
	wr16(b + 4, 0x1234);
	wr16(b + 6, 0);
	b[8] = 64;
	b[9] = proto;
	wr32(b + 12, src);
	wr32(b + 16, dst);
	ip_fix_csum(b);
	return 20 + plen;
}

/* A payload pattern that no offset confuses with another. */
static inline void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7u + seed + (i >> 8));
}

static inline size_t build_udp(uint8_t *b, uint32_t src, uint32_t dst,
			       unsigned int sport, unsigned int dport,
			       size_t dlen)
{
	uint8_t *u = b + 20;
	size_t n;

	wr16(u, sport);
	wr16(u + 2, dport);
	wr16(u + 4, (unsigned int)(8 + dlen));
	wr16(u + 6, 0);
	fill(u + 8, dlen, 3);
	n = build_ip(b, src, dst, 17, 8 + dlen);
	wr16(u + 6, ~word_sum(u, 8 + dlen,
			      pseudo_sum(b, (unsigned int)(8 + dlen))) &
			    0xffff);
	if (rd16(u + 6) == 0)
		wr16(u + 6, 0xffff);
	return n;
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static inline size_t build_tcp(uint8_t *b, uint32_t src, uint32_t dst,
			       unsigned int sport, unsigned int dport,
			       uint32_t seq, uint32_t ack, uint8_t flags,
			       size_t dlen)
{
	uint8_t *t = b + 20;
	size_t n;

	memset(t, 0, 20);
	wr16(t, sport);
	wr16(t + 2, dport);
	wr32(t + 4, seq);
	wr32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	wr16(t + 14, 64240);
	fill(t + 20, dlen, 5);
	n = build_ip(b, src, dst, 6, 20 + dlen);
	wr16(t + 16, ~word_sum(t, 20 + dlen,
			       pseudo_sum(b, (unsigned int)(20 + dlen))) &
			     0xffff);
	return n;
}

/* ICMP 'type'/'code' with the 4 bytes after the checksum 'rest' and
 * 'dlen' bytes of pattern (or of 'data' when given). */
static inline size_t build_icmp(uint8_t *b, uint32_t src, uint32_t dst,
				uint8_t type, uint8_t code, uint32_t rest,
				const uint8_t *data, size_t dlen)
{
	uint8_t *c = b + 20;

	c[0] = type;
	c[1] = code;
	wr16(c + 2, 0);
	wr32(c + 4, rest);
	if (data)
		memcpy(c + 8, data, dlen);
	else
		fill(c + 8, dlen, 11);
	wr16(c + 2, ~word_sum(c, 8 + dlen, 0) & 0xffff);
	return build_ip(b, src, dst, 1, 8 + dlen);
}

static inline size_t build_echo(uint8_t *b, uint32_t src, uint32_t dst,
				unsigned int id, unsigned int seq, size_t dlen)
{
	return build_icmp(b, src, dst, 8, 0, (uint32_t)id << 16 | seq, NULL,
			  dlen);
}

/* ---- the stack ---- */

static void scene_xmit(void *priv, struct nfu_dev *dev,
		       const unsigned char *frame, size_t len,
		       const struct nfu_pkt *pkt)
{
	struct scene_frame *f;

	(void)priv;
	(void)pkt;
	if (sc.nout == SCENE_MAX_FRAMES || len > SCENE_FRAME_ROOM) {
		HARNESS_FAIL("frame %u of %zu bytes not captured", sc.nout,
			     len);
		return;
	}
	f = &sc.out[sc.nout++];
	f->ifindex = dev->ifindex;
	f->len = len;
	memcpy(f->b, frame, len);
}

static void scene_dropped(void *priv, const struct nfu_pkt *pkt,
			  enum nfu_drop_reason reason)
{
	(void)priv;
	(void)pkt;
	if (sc.ndrops < SCENE_MAX_FRAMES)
		sc.drops[sc.ndrops] = reason;
	sc.ndrops++;
}

static unsigned int scene_count(void *priv, struct nfu_pkt *pkt,
				const struct nfu_hook_state *state)
{
	(void)priv;
	if (sc.ntrace + 1 < sizeof(sc.trace)) {
		sc.trace[sc.ntrace++] = "PIFOS"[state->hook];
		sc.trace[sc.ntrace] = 0;
	}
	sc.seen_len[state->hook] = pkt->len;
	return NFU_ACCEPT;
}

/* Forget what was seen so far (frames, drops, trace), keep the stack. */
static inline void scene_clear(void)
{
	sc.nout = 0;
	sc.ndrops = 0;
	sc.ntrace = 0;
	sc.trace[0] = 0;
	memset(sc.seen_len, 0, sizeof(sc.seen_len));
}

/* The scene with the lines of 'extra' (may be NULL) after the base
 * topology.  Returns false (having reported why) when it cannot. */
static inline bool scene_up(const char *extra)
{
	static const struct nfu_net_ops ops = {
		.xmit = scene_xmit,
		.dropped = scene_dropped,
	};
	char text[4096];
	struct nfu_error err;
	int rc;

	/* a test that stopped on a REQUIRE left its stack: free it now */
	nfu_net_free(sc.net);
	scene_clear();
	sc.net = nfu_net_new();
	if (!sc.net) {
		HARNESS_FAIL("nfu_net_new failed");
		return false;
	}
	snprintf(text, sizeof(text), "%s%s", scene_base, extra ? extra : "");
	rc = nfu_topology_load(sc.net, text, strlen(text), "scene", &err);
	if (rc) {
		char msg[1024];

		nfu_error_format(&err, msg, sizeof(msg));
		HARNESS_FAIL("topology: %s", msg);
		nfu_net_free(sc.net);
		sc.net = NULL;
		return false;
	}
	nfu_net_set_ops(sc.net, &ops);
	for (unsigned int h = 0; h < NFU_INET_NUMHOOKS; h++) {
		sc.hooks[h] = (struct nfu_hook_ops){
			.hook = scene_count,
			.pf = NFU_PROTO_IPV4,
			.hooknum = (uint8_t)h,
			.priority = NFU_IP_PRI_MANGLE,
		};
		if (nfu_hook_register(sc.net, &sc.hooks[h]) != 0) {
			HARNESS_FAIL("nfu_hook_register(%u) failed", h);
			nfu_net_free(sc.net);
			sc.net = NULL;
			return false;
		}
	}
	return true;
}

static inline void scene_down(void)
{
	nfu_net_free(sc.net);
	sc.net = NULL;
}

static inline void scene_sysctl(const char *name, const char *value)
{
	int rc = nfu_sysctl_set(sc.net, name, value);

	if (rc != 0)
		HARNESS_FAIL("sysctl %s=%s: %d", name, value, rc);
}

static inline int dev_mtu(int ifindex, uint32_t mtu)
{
	return nfu_dev_set_mtu(sc.net, ifindex, mtu);
}

/* The IP packet 'ip' in an Ethernet frame from the peer of 'ifindex' to
 * 'dmac', padded with zeros to 'min' bytes (Ethernet's 60: pass 60). */
static inline int scene_rx_frame(int ifindex, const uint8_t *dmac,
				 const uint8_t *ip, size_t len, size_t min)
{
	uint8_t f[SCENE_FRAME_ROOM + 14];
	size_t n = 14 + len;

	if (n > sizeof(f))
		return -1;
	memcpy(f, dmac, 6);
	memcpy(f + 6, ifindex == E1 ? MAC_B : MAC_A, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memcpy(f + 14, ip, len);
	if (n < min) {
		memset(f + n, 0, min - n);
		n = min;
	}
	return nfu_rx(sc.net, ifindex, f, n);
}

/* 'ip' to the host's MAC on 'ifindex'. */
static inline int scene_rx(int ifindex, const uint8_t *ip, size_t len)
{
	return scene_rx_frame(ifindex, ifindex == E1 ? MAC_E1 : MAC_E0, ip,
			      len, 0);
}

static inline uint64_t drops_of(enum nfu_drop_reason r)
{
	return nfu_net_drop_count(sc.net, r);
}

/* The IP packet in captured frame 'i'. */
static inline const uint8_t *out_ip(unsigned int i)
{
	return sc.out[i].b + 14;
}

/* Checks that frame 'i' left by 'ifindex' from that device's MAC to
 * 'dmac', carries IPv4, and is as long as its IP total length says. */
#define CHECK_FRAME(i, ifx, dmac)                                            \
	do {                                                                 \
		const struct scene_frame *f_ = &sc.out[(i)];                 \
		CHECK_INT(f_->ifindex, (ifx));                               \
		CHECK_MEM(f_->b, (dmac), 6);                                 \
		CHECK_MEM(f_->b + 6, (ifx) == E1 ? MAC_E1 : MAC_E0, 6);      \
		CHECK_INT(rd16(f_->b + 12), 0x0800);                         \
		CHECK_INT(f_->len, 14 + rd16(f_->b + 16));                   \
		CHECK(ip_csum_ok(f_->b + 14));                               \
	} while (0)

/* Frame 'i' is an ICMP error sent by 'ifx' to 'dmac', from 'src' to 'dst',
 * of 'type'/'code' with 'rest' in the 4 bytes after the checksum, TOS
 * 'tos', TTL 64, no options, not a fragment and without DF, quoting the
 * leading bytes of 'orig' ('olen' bytes) as Linux does: all of them, up
 * to a message of 'limit' bytes (576, or the MTU of the route back when
 * smaller). */
static inline void check_icmp_error_limit(unsigned int i, int ifx,
					  const uint8_t *dmac, uint32_t src,
					  uint32_t dst, uint8_t type,
					  uint8_t code, uint32_t rest,
					  uint8_t tos, const uint8_t *orig,
					  size_t olen, size_t limit)
{
	size_t q = olen > limit - 28 ? limit - 28 : olen;
	const uint8_t *ip;

	if (i >= sc.nout) {
		HARNESS_FAIL("no frame %u (%u sent)", i, sc.nout);
		return;
	}
	ip = out_ip(i);
	CHECK_FRAME(i, ifx, dmac);
	CHECK_INT(ip[0], 0x45);
	CHECK_INT(ip[1], tos);
	CHECK_INT(rd16(ip + 2), 20 + 8 + q);
	CHECK_INT(rd16(ip + 6), 0);
	CHECK_INT(ip[8], 64);
	CHECK_INT(ip[9], 1);
	CHECK_INT(rd32(ip + 12), src);
	CHECK_INT(rd32(ip + 16), dst);
	CHECK_INT(ip[20], type);
	CHECK_INT(ip[21], code);
	CHECK_INT(rd32(ip + 24), rest);
	CHECK(icmp_csum_ok(ip));
	if (sc.out[i].len >= 14 + 28 + q)
		CHECK_MEM(ip + 28, orig, q);
}

static inline void check_icmp_error(unsigned int i, int ifx,
				    const uint8_t *dmac, uint32_t src,
				    uint32_t dst, uint8_t type, uint8_t code,
				    uint32_t rest, uint8_t tos,
				    const uint8_t *orig, size_t olen)
{
	check_icmp_error_limit(i, ifx, dmac, src, dst, type, code, rest, tos,
			       orig, olen, 576);
}

#endif
