/* SPDX-License-Identifier: MIT */
/*
 * test_capture.c - capture files (nfu/capture.h): what the writer writes
 * reads back; hand-built pcap and pcapng files of every byte order,
 * resolution and link type read as their bytes say; broken files fail
 * with their exact message, every prefix of a good file either ends at a
 * record or names the cut one; and real captures made by tcpdump read as
 * tcpdump itself reads them ('tcpdump -r -e' is the reference).
 *
 * The tcpdump captures are the samples under tests/unit/data/capture/
 * (always) and fresh ones made by make-samples.sh in throwaway network
 * namespaces (when root with tcpdump; otherwise the program ends with
 * CTest's skip code, after the other tests, if they all passed).
 *
 * Runs with the repository root as working directory.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "nfu/capture.h"
#include "nfu/error.h"

#define DATA "tests/unit/data/capture/"

static const char *live_skipped; /* why the live captures did not run */

static const char *formatted(const struct nfu_error *err)
{
	static char buf[1024];

	nfu_error_format(err, buf, sizeof(buf));
	return buf;
}

/* Bytes of a hand-built file, in the byte order 'be'. */
struct bb {
	uint8_t *b;
	size_t n, cap;
	bool be;
};

static void bb_bytes(struct bb *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->b = realloc(b->b, b->cap);
		if (!b->b)
			abort();
	}
	if (n)
		memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void bb_u8(struct bb *b, uint8_t v)
{
	bb_bytes(b, &v, 1);
}

static void bb_set16(const struct bb *b, uint8_t *p, uint16_t v)
{
	p[b->be ? 0 : 1] = (uint8_t)(v >> 8);
	p[b->be ? 1 : 0] = (uint8_t)v;
}

static void bb_set32(const struct bb *b, uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[b->be ? 3 - i : i] = (uint8_t)(v >> 8 * i);
}

static void bb_u16(struct bb *b, uint16_t v)
{
	uint8_t p[2];

	bb_set16(b, p, v);
	bb_bytes(b, p, 2);
}

static void bb_u32(struct bb *b, uint32_t v)
{
	uint8_t p[4];

	bb_set32(b, p, v);
	bb_bytes(b, p, 4);
}

static void bb_u64(struct bb *b, uint64_t v)
{
	if (b->be) {
		bb_u32(b, (uint32_t)(v >> 32));
		bb_u32(b, (uint32_t)v);
	} else {
		bb_u32(b, (uint32_t)v);
		bb_u32(b, (uint32_t)(v >> 32));
	}
}

static void bb_pad4(struct bb *b)
{
	while (b->n % 4)
		bb_u8(b, 0);
}

static void bb_free(struct bb *b)
{
	free(b->b);
	memset(b, 0, sizeof(*b));
}

/* pcap */

static void pcap_hdr(struct bb *b, bool ns, uint32_t snaplen, uint32_t lt)
{
	bb_u32(b, ns ? 0xa1b23c4d : 0xa1b2c3d4);
	bb_u16(b, 2);
	bb_u16(b, 4);
	bb_u32(b, 0);
	bb_u32(b, 0);
	bb_u32(b, snaplen);
	bb_u32(b, lt);
}

static void pcap_rec(struct bb *b, uint32_t sec, uint32_t frac,
		     const void *data, uint32_t caplen, uint32_t origlen)
{
	bb_u32(b, sec);
	bb_u32(b, frac);
	bb_u32(b, caplen);
	bb_u32(b, origlen);
	bb_bytes(b, data, caplen);
}

/* pcapng: a block is opened, filled and closed (lengths patched). */

static size_t ng_open(struct bb *b, uint32_t type)
{
	size_t at = b->n;

	bb_u32(b, type);
	bb_u32(b, 0);
	return at;
}

static void ng_close(struct bb *b, size_t at)
{
	uint32_t len;

	bb_pad4(b);
	len = (uint32_t)(b->n - at + 4);
	bb_u32(b, len);
	bb_set32(b, b->b + at + 4, len);
}

static void ng_opt(struct bb *b, uint16_t code, const void *v, uint16_t len)
{
	bb_u16(b, code);
	bb_u16(b, len);
	bb_bytes(b, v, len);
	bb_pad4(b);
}

static void ng_shb(struct bb *b)
{
	size_t at = ng_open(b, 0x0a0d0d0a);

	bb_u32(b, 0x1a2b3c4d);
	bb_u16(b, 1);
	bb_u16(b, 0);
	bb_u64(b, UINT64_MAX);
	ng_close(b, at);
}

#define NO_TSRESOL (-1)

static void ng_idb(struct bb *b, uint16_t lt, uint32_t snaplen,
		   const char *name, int tsresol, int64_t tsoffset)
{
	size_t at = ng_open(b, 1);

	bb_u16(b, lt);
	bb_u16(b, 0);
	bb_u32(b, snaplen);
	if (name)
		ng_opt(b, 2, name, (uint16_t)strlen(name));
	if (tsresol != NO_TSRESOL) {
		uint8_t r = (uint8_t)tsresol;

		ng_opt(b, 9, &r, 1);
	}
	if (tsoffset) {
		struct bb o = { .be = b->be };

		bb_u64(&o, (uint64_t)tsoffset);
		ng_opt(b, 14, o.b, 8);
		bb_free(&o);
	}
	if (name || tsresol != NO_TSRESOL || tsoffset)
		ng_opt(b, 0, NULL, 0);
	ng_close(b, at);
}

static void ng_epb(struct bb *b, uint32_t id, uint64_t ts, const void *data,
		   uint32_t caplen, uint32_t origlen)
{
	size_t at = ng_open(b, 6);

	bb_u32(b, id);
	bb_u32(b, (uint32_t)(ts >> 32));
	bb_u32(b, (uint32_t)ts);
	bb_u32(b, caplen);
	bb_u32(b, origlen);
	bb_bytes(b, data, caplen);
	ng_close(b, at);
}

static void ng_spb(struct bb *b, const void *data, uint32_t len)
{
	size_t at = ng_open(b, 3);

	bb_u32(b, len);
	bb_bytes(b, data, len);
	ng_close(b, at);
}

static void ng_pb(struct bb *b, uint16_t id, uint64_t ts, const void *data,
		  uint32_t caplen, uint32_t origlen)
{
	size_t at = ng_open(b, 2);

	bb_u16(b, id);
	bb_u16(b, 0); /* drops */
	bb_u32(b, (uint32_t)(ts >> 32));
	bb_u32(b, (uint32_t)ts);
	bb_u32(b, caplen);
	bb_u32(b, origlen);
	bb_bytes(b, data, caplen);
	ng_close(b, at);
}

static void ng_other(struct bb *b, uint32_t type, size_t body)
{
	size_t at = ng_open(b, type);

	for (size_t i = 0; i < body; i++)
		bb_u8(b, (uint8_t)(0xa0 + i));
	ng_close(b, at);
}

/* A packet as read, copied out of the reader. */
struct got {
	uint64_t ts_ns;
	uint32_t caplen, origlen, linktype, ifindex, iface_id;
	char iface_name[64];
	bool has_name;
	uint16_t sll_pkttype, ethertype;
	long l3_off, src_off, dst_off; /* offsets in data; -1 for NULL */
	uint32_t l3_len;
	uint64_t index;
	uint8_t data[128];
};

static long off_of(const struct nfu_cap_pkt *p, const uint8_t *q)
{
	return q ? (long)(q - p->data) : -1;
}

static void copy_pkt(struct got *g, const struct nfu_cap_pkt *p)
{
	memset(g, 0, sizeof(*g));
	g->ts_ns = p->ts_ns;
	g->caplen = p->caplen;
	g->origlen = p->origlen;
	g->linktype = p->linktype;
	g->ifindex = p->ifindex;
	g->iface_id = p->iface_id;
	g->has_name = p->iface_name != NULL;
	if (p->iface_name)
		snprintf(g->iface_name, sizeof(g->iface_name), "%s",
			 p->iface_name);
	g->sll_pkttype = p->sll_pkttype;
	g->ethertype = p->ethertype;
	g->l3_off = off_of(p, p->l3);
	g->l3_len = p->l3_len;
	g->src_off = off_of(p, p->src_mac);
	g->dst_off = off_of(p, p->dst_mac);
	g->index = p->index;
	memcpy(g->data, p->data,
	       p->caplen < sizeof(g->data) ? p->caplen : sizeof(g->data));
}

/* Reads everything from an open reader into 'g' (at most 'max');
 * returns the count, the final rc in '*rc'. */
static int drain(struct nfu_cap_reader *r, struct got *g, int max, int *rc,
		 struct nfu_error *err)
{
	struct nfu_cap_pkt p;
	int n = 0;

	while ((*rc = nfu_cap_next(r, &p, err)) == 1) {
		if (n < max)
			copy_pkt(&g[n], &p);
		n++;
	}
	return n;
}

/* Opens 'b' from memory and reads it all; returns the packet count, or
 * -1 when the open failed.  '*rc' is the open's or the last next's. */
static int read_mem(const struct bb *b, const char *name, struct got *g,
		    int max, int *rc, struct nfu_error *err)
{
	struct nfu_cap_reader *r;
	int n;

	memset(err, 0, sizeof(*err));
	*rc = nfu_cap_open_mem(b->b, b->n, name, &r, err);
	if (*rc < 0)
		return -1;
	n = drain(r, g, max, rc, err);
	nfu_cap_close(r);
	return n;
}

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f))
		abort();
}

static const uint8_t frame[] = {
	/* Ethernet: dst, src, IPv4 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
	/* IPv4 ICMP 10.0.0.1 > 10.0.0.2 */
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x66, 0xde,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	/* echo request */
	0x08, 0x00, 0xf7, 0xfe, 0x00, 0x01, 0x00, 0x00,
};
#define IP4 (frame + 14)
#define IP4_LEN ((uint32_t)sizeof(frame) - 14)

static const uint8_t ip6[40] = { 0x60, 0, 0, 0, 0, 0, 59, 64 };

/* Writer */

static void test_write_read(void)
{
	static const uint8_t hdr[24] = {
		0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x00, 0x04, 0x00, 1, 0, 0, 0,
	};
	const char *path = tmp_path("w.pcap");
	struct nfu_cap_writer *w;
	struct nfu_cap_reader *r;
	struct nfu_error err;
	uint8_t *big = malloc(300000), head[24];
	struct got g[4];
	struct stat st;
	FILE *f;
	int rc, n;

	REQUIRE(big);
	for (int i = 0; i < 300000; i++)
		big[i] = (uint8_t)(i * 7);
	rc = nfu_cap_writer_open(path, NFU_LINKTYPE_ETHERNET, &w, &err);
	REQUIRE(rc == 0);
	CHECK_INT(nfu_cap_write(w, 1795865885288603882ull, frame, sizeof(frame)), 0);
	CHECK_INT(nfu_cap_write(w, 1795865885288603883ull, frame, 0), 0);
	CHECK_INT(nfu_cap_write(w, 4294967295999999999ull, big, 300000), 0);
	/* past 2106: refused, nothing written */
	CHECK_INT(nfu_cap_write(w, 4294967296000000000ull, frame, sizeof(frame)),
		  -ERANGE);
	CHECK_INT(nfu_cap_writer_close(w, &err), 0);

	/* the header, byte for byte: ns magic, 2.4, snaplen 262144, LE */
	f = fopen(path, "rb");
	REQUIRE(f);
	CHECK_INT(fread(head, 1, sizeof(head), f), 24);
	fclose(f);
	CHECK_MEM(head, hdr, 24);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_size, 24 + 16 + sizeof(frame) + 16 + 16 + 262144);

	rc = nfu_cap_open(path, &r, &err);
	REQUIRE(rc == 0);
	n = drain(r, g, 4, &rc, &err);
	nfu_cap_close(r);
	CHECK_INT(rc, 0);
	REQUIRE(n == 3);
	CHECK(g[0].ts_ns == 1795865885288603882ull);
	CHECK_INT(g[0].caplen, sizeof(frame));
	CHECK_INT(g[0].origlen, sizeof(frame));
	CHECK_INT(g[0].linktype, 1);
	CHECK_MEM(g[0].data, frame, sizeof(frame));
	CHECK_INT(g[0].ethertype, 0x0800);
	CHECK_INT(g[0].l3_off, 14);
	CHECK_INT(g[0].l3_len, IP4_LEN);
	CHECK_INT(g[0].dst_off, 0);
	CHECK_INT(g[0].src_off, 6);
	CHECK_INT(g[0].index, 1);
	CHECK_INT(g[0].iface_id, 0);
	CHECK(!g[0].has_name);
	CHECK_INT(g[0].sll_pkttype, 0xffff);
	CHECK_INT(g[0].ifindex, 0);

	CHECK(g[1].ts_ns == 1795865885288603883ull);
	CHECK_INT(g[1].caplen, 0);
	CHECK_INT(g[1].l3_off, -1); /* no Ethernet header */
	CHECK_INT(g[1].ethertype, 0);
	CHECK_INT(g[1].src_off, -1);
	CHECK_INT(g[1].index, 2);

	CHECK(g[2].ts_ns == 4294967295999999999ull);
	CHECK_INT(g[2].caplen, 262144);
	CHECK_INT(g[2].origlen, 300000);
	CHECK_MEM(g[2].data, big, sizeof(g[2].data));
	CHECK_INT(g[2].index, 3);
	free(big);
}

static void test_write_errors(void)
{
	struct nfu_cap_writer *w;
	struct nfu_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = nfu_cap_writer_open(tmp_path("nodir/x.pcap"), 1, &w, &err);
	CHECK_INT(rc, -ENOENT);
	CHECK(w == NULL);
	CHECK(strstr(formatted(&err), "nodir/x.pcap: No such file or directory") != NULL);

	/* /dev/full takes the open and the buffered writes, fails the flush */
	if (access("/dev/full", W_OK) != 0)
		return;
	rc = nfu_cap_writer_open("/dev/full", 1, &w, &err);
	REQUIRE(rc == 0);
	CHECK_INT(nfu_cap_write(w, 1, frame, sizeof(frame)), 0);
	memset(&err, 0, sizeof(err));
	CHECK_INT(nfu_cap_writer_close(w, &err), -ENOSPC);
	CHECK_STR(formatted(&err),
		  "/dev/full: write error: No space left on device");
	CHECK_INT(nfu_cap_writer_close(NULL, &err), 0);
}

/* pcap, by hand */

static void test_pcap_orders(void)
{
	for (int v = 0; v < 4; v++) {
		bool be = v & 1, ns = v & 2;
		struct bb b = { .be = be };
		struct nfu_error err;
		struct got g[3];
		int rc, n;

		pcap_hdr(&b, ns, 65535, 1);
		pcap_rec(&b, 1795865885, ns ? 288603882 : 288603, frame,
			 sizeof(frame), sizeof(frame));
		/* cut by the snaplen of the capture: caplen < origlen */
		pcap_rec(&b, 1795865886, 0, frame, 20, 1514);
		/* caplen > origlen: origlen read as caplen */
		pcap_rec(&b, 0, ns ? 999999999 : 999999, frame, 16, 0);
		n = read_mem(&b, "o.pcap", g, 3, &rc, &err);
		CHECK_INT(rc, 0);
		CHECK_INT(n, 3);
		if (n != 3) {
			bb_free(&b);
			continue;
		}
		CHECK(g[0].ts_ns == (ns ? 1795865885288603882ull :
					  1795865885288603000ull));
		CHECK_INT(g[0].caplen, sizeof(frame));
		CHECK_MEM(g[0].data, frame, sizeof(frame));
		CHECK_INT(g[0].ethertype, 0x0800);
		CHECK(g[1].ts_ns == 1795865886000000000ull);
		CHECK_INT(g[1].caplen, 20);
		CHECK_INT(g[1].origlen, 1514);
		CHECK_INT(g[1].l3_len, 6);
		CHECK(g[2].ts_ns == (ns ? 999999999ull : 999999000ull));
		CHECK_INT(g[2].caplen, 16);
		CHECK_INT(g[2].origlen, 16);
		CHECK_INT(g[2].index, 3);
		bb_free(&b);
	}
}

/* One pcap file of 'lt' holding 'data'; its packet in 'g'. */
static int one_packet(uint32_t lt, const void *data, uint32_t len,
		      struct got *g)
{
	struct bb b = { .be = false };
	struct nfu_error err;
	int rc, n;

	pcap_hdr(&b, false, 0, lt);
	pcap_rec(&b, 1, 2, data, len, len);
	n = read_mem(&b, "lt.pcap", g, 1, &rc, &err);
	bb_free(&b);
	return n == 1 && rc == 0 ? 0 : -1;
}

static void test_linktypes(void)
{
	uint8_t sll[16 + 64], sll2[20 + 64], vlan[64];
	struct got g;

	/* raw IP: by the version nibble, in all three numberings */
	static const uint32_t raws[] = { 101, 12, 14 };
	for (size_t i = 0; i < 3; i++) {
		REQUIRE(one_packet(raws[i], IP4, IP4_LEN, &g) == 0);
		CHECK_INT(g.linktype, raws[i]);
		CHECK_INT(g.ethertype, 0x0800);
		CHECK_INT(g.l3_off, 0);
		CHECK_INT(g.l3_len, IP4_LEN);
		CHECK_INT(g.src_off, -1);
		CHECK_INT(g.dst_off, -1);
		CHECK_INT(g.sll_pkttype, 0xffff);
		REQUIRE(one_packet(raws[i], ip6, sizeof(ip6), &g) == 0);
		CHECK_INT(g.ethertype, 0x86dd);
	}
	REQUIRE(one_packet(101, "\x50", 1, &g) == 0);
	CHECK_INT(g.ethertype, 0);
	CHECK_INT(g.l3_off, 0);
	REQUIRE(one_packet(101, "", 0, &g) == 0);
	CHECK_INT(g.l3_off, -1);

	REQUIRE(one_packet(228, IP4, IP4_LEN, &g) == 0);
	CHECK_INT(g.ethertype, 0x0800);
	CHECK_INT(g.l3_off, 0);
	REQUIRE(one_packet(229, ip6, sizeof(ip6), &g) == 0);
	CHECK_INT(g.ethertype, 0x86dd);

	/* SLL: outgoing, ARPHRD_ETHER, address of 6 */
	memset(sll, 0, sizeof(sll));
	memcpy(sll, "\x00\x04\x00\x01\x00\x06\x02\x00\x00\x00\x00\x09\x00\x00"
		    "\x08\x00", 16);
	memcpy(sll + 16, IP4, IP4_LEN);
	REQUIRE(one_packet(113, sll, 16 + IP4_LEN, &g) == 0);
	CHECK_INT(g.sll_pkttype, 4);
	CHECK_INT(g.ethertype, 0x0800);
	CHECK_INT(g.src_off, 6);
	CHECK_INT(g.dst_off, -1);
	CHECK_INT(g.l3_off, 16);
	CHECK_INT(g.l3_len, IP4_LEN);
	CHECK_INT(g.ifindex, 0);
	/* an address of 4 bytes (a tunnel's): no MAC */
	sll[5] = 4;
	sll[1] = 0;
	REQUIRE(one_packet(113, sll, 16 + IP4_LEN, &g) == 0);
	CHECK_INT(g.src_off, -1);
	CHECK_INT(g.sll_pkttype, 0);
	/* the header cut: skipped */
	REQUIRE(one_packet(113, sll, 15, &g) == 0);
	CHECK_INT(g.l3_off, -1);
	CHECK_INT(g.sll_pkttype, 0xffff);

	/* SLL2: protocol, reserved, ifindex 7, ARPHRD_ETHER, broadcast */
	memset(sll2, 0, sizeof(sll2));
	memcpy(sll2, "\x86\xdd\x00\x00\x00\x00\x00\x07\x00\x01\x01\x06"
		     "\x02\x00\x00\x00\x00\x0a\x00\x00", 20);
	memcpy(sll2 + 20, ip6, sizeof(ip6));
	REQUIRE(one_packet(276, sll2, 20 + sizeof(ip6), &g) == 0);
	CHECK_INT(g.ethertype, 0x86dd);
	CHECK_INT(g.ifindex, 7);
	CHECK_INT(g.sll_pkttype, 1);
	CHECK_INT(g.src_off, 12);
	CHECK_INT(g.dst_off, -1);
	CHECK_INT(g.l3_off, 20);
	CHECK_INT(g.l3_len, sizeof(ip6));
	REQUIRE(one_packet(276, sll2, 19, &g) == 0);
	CHECK_INT(g.l3_off, -1);
	CHECK_INT(g.ifindex, 0);

	/* Ethernet with an 802.1Q tag: the tag's type, not skipped */
	memcpy(vlan, frame, 12);
	memcpy(vlan + 12, "\x81\x00\x00\x05\x08\x00", 6);
	memcpy(vlan + 18, IP4, 20);
	REQUIRE(one_packet(1, vlan, 38, &g) == 0);
	CHECK_INT(g.ethertype, 0x8100);
	CHECK_INT(g.l3_off, 14);
	CHECK_INT(g.l3_len, 24);
	/* a cut Ethernet header */
	REQUIRE(one_packet(1, frame, 13, &g) == 0);
	CHECK_INT(g.l3_off, -1);
	CHECK_INT(g.src_off, -1);
	CHECK_INT(g.dst_off, -1);

	/* unknown link types: the packet, without L3 */
	REQUIRE(one_packet(147, frame, sizeof(frame), &g) == 0);
	CHECK_INT(g.linktype, 147);
	CHECK_INT(g.l3_off, -1);
	CHECK_INT(g.ethertype, 0);
	CHECK_INT(g.caplen, sizeof(frame));
	/* the upper 16 bits of the header's link type (FCS) are not its */
	REQUIRE(one_packet(0x14000001, frame, sizeof(frame), &g) == 0);
	CHECK_INT(g.linktype, 1);
	CHECK_INT(g.ethertype, 0x0800);
}

/* pcapng, by hand */

/* Two sections: little-endian with three interfaces of three resolutions
 * and names, blocks to skip, all four kinds of packet block; then a
 * big-endian one whose interface 0 is another. */
static void build_ng(struct bb *b)
{
	uint8_t sll2[20 + 28];

	memcpy(sll2, "\x08\x00\x00\x00\x00\x00\x00\x03\x00\x01\x04\x06"
		     "\x02\x00\x00\x00\x00\x0a\x00\x00", 20);
	memcpy(sll2 + 20, IP4, IP4_LEN);

	b->be = false;
	ng_shb(b);
	ng_other(b, 4, 8);                               /* NRB */
	ng_idb(b, 1, 64, "eth0", NO_TSRESOL, 0);         /* µs */
	ng_idb(b, 101, 0, "tun0", 9, 0);                 /* ns */
	ng_idb(b, 276, 0, NULL, 0x80 | 20, 1000);        /* 2^-20, +1000 s */
	ng_idb(b, 1, 0, NULL, 0x80 | 40, 1795865000);    /* 2^-40, +… */
	ng_other(b, 5, 12);                              /* ISB */
	ng_other(b, 0x40000bad, 9);                      /* custom */
	ng_epb(b, 0, 1795865885288603ull, frame, sizeof(frame), sizeof(frame));
	ng_epb(b, 1, 1795865885288603882ull, IP4, IP4_LEN, 1500);
	ng_epb(b, 2, (1795865000ull << 20) | (524288 + 1), sll2, sizeof(sll2),
	       sizeof(sll2));
	ng_epb(b, 3, (885ull << 40) | ((1ull << 40) - 1), frame,
	       sizeof(frame), sizeof(frame));
	ng_spb(b, frame, sizeof(frame)); /* 42 bytes: within eth0's 64 */
	ng_pb(b, 1, 7, IP4, IP4_LEN, IP4_LEN);

	b->be = true;
	ng_shb(b);
	ng_idb(b, 113, 0, "any", 3, 0); /* ms */
	ng_epb(b, 0, 1795865885289ull, frame, 0, 0);
}

static void test_pcapng(void)
{
	struct bb b = { 0 };
	struct nfu_error err;
	struct got g[10];
	int rc, n;

	build_ng(&b);
	n = read_mem(&b, "t.pcapng", g, 10, &rc, &err);
	CHECK_INT(rc, 0);
	REQUIRE(n == 7);
	for (int i = 0; i < n; i++)
		CHECK_INT(g[i].index, i + 1);

	CHECK(g[0].ts_ns == 1795865885288603000ull);
	CHECK_INT(g[0].iface_id, 0);
	CHECK_STR(g[0].iface_name, "eth0");
	CHECK_INT(g[0].linktype, 1);
	CHECK_INT(g[0].ethertype, 0x0800);

	CHECK(g[1].ts_ns == 1795865885288603882ull);
	CHECK_INT(g[1].iface_id, 1);
	CHECK_STR(g[1].iface_name, "tun0");
	CHECK_INT(g[1].linktype, 101);
	CHECK_INT(g[1].caplen, IP4_LEN);
	CHECK_INT(g[1].origlen, 1500);
	CHECK_INT(g[1].l3_off, 0);

	/* 0.5 s + 2^-20 s = 500000953.67… ns, and 1000 s later */
	CHECK(g[2].ts_ns == 1795866000500000953ull);
	CHECK_INT(g[2].iface_id, 2);
	CHECK(!g[2].has_name);
	CHECK_INT(g[2].linktype, 276);
	CHECK_INT(g[2].ifindex, 3);
	CHECK_INT(g[2].sll_pkttype, 4);
	CHECK_INT(g[2].ethertype, 0x0800);
	CHECK_INT(g[2].l3_off, 20);

	/* 885 s and 2^40 - 1 units of 2^-40 s: 999999999.99… ns, not a
	 * second more; then the offset */
	CHECK(g[3].ts_ns == 1795865885999999999ull);
	CHECK_INT(g[3].iface_id, 3);

	/* the simple packet block: interface 0, its predecessor's time */
	CHECK_INT(g[4].iface_id, 0);
	CHECK_STR(g[4].iface_name, "eth0");
	CHECK(g[4].ts_ns == g[3].ts_ns);
	CHECK_INT(g[4].caplen, sizeof(frame));
	CHECK_MEM(g[4].data, frame, sizeof(frame));

	/* the obsolete packet block */
	CHECK_INT(g[5].iface_id, 1);
	CHECK(g[5].ts_ns == 7);
	CHECK_INT(g[5].l3_len, IP4_LEN);

	/* the second section, big-endian: interface 0 is "any" now */
	CHECK(g[6].ts_ns == 1795865885289000000ull);
	CHECK_INT(g[6].iface_id, 0);
	CHECK_STR(g[6].iface_name, "any");
	CHECK_INT(g[6].linktype, 113);
	CHECK_INT(g[6].caplen, 0);
	CHECK_INT(g[6].l3_off, -1);
	bb_free(&b);

	/* a simple packet block longer than the snaplen is cut to it */
	b.be = true;
	ng_shb(&b);
	ng_idb(&b, 1, 20, NULL, NO_TSRESOL, 0);
	ng_spb(&b, frame, sizeof(frame));
	n = read_mem(&b, "s.pcapng", g, 1, &rc, &err);
	CHECK_INT(rc, 0);
	REQUIRE(n == 1);
	CHECK_INT(g[0].caplen, 20);
	CHECK_INT(g[0].origlen, sizeof(frame));
	CHECK_INT(g[0].ts_ns, 0);
	bb_free(&b);

	/* decimal resolutions finer than ns, up to 10^-19 */
	ng_shb(&b);
	ng_idb(&b, 1, 0, NULL, 12, 0);
	ng_idb(&b, 1, 0, NULL, 19, 0);
	ng_epb(&b, 0, 9876543210987654321ull, frame, 14, 14);
	ng_epb(&b, 1, 12345678901234567890ull, frame, 14, 14);
	n = read_mem(&b, "p.pcapng", g, 2, &rc, &err);
	CHECK_INT(rc, 0);
	REQUIRE(n == 2);
	CHECK(g[0].ts_ns == 9876543210987654ull);
	CHECK(g[1].ts_ns == 1234567890ull);
	bb_free(&b);

	/* whole seconds, as 10^0 and as 2^0 */
	ng_shb(&b);
	ng_idb(&b, 1, 0, NULL, 0, 0);
	ng_idb(&b, 1, 0, NULL, 0x80, -5);
	ng_epb(&b, 0, 1795865885, frame, 14, 14);
	ng_epb(&b, 1, 1795865890, frame, 14, 14);
	n = read_mem(&b, "s.pcapng", g, 2, &rc, &err);
	CHECK_INT(rc, 0);
	REQUIRE(n == 2);
	CHECK(g[0].ts_ns == 1795865885000000000ull);
	CHECK(g[1].ts_ns == 1795865885000000000ull);
	bb_free(&b);
}

/* A section holds at most 65536 interfaces; a new section starts again. */
static void test_many_ifaces(void)
{
	struct bb b = { 0 };
	struct nfu_error err;
	struct got g[2];
	int rc, n;

	ng_shb(&b);
	for (int i = 0; i < 65536; i++)
		ng_idb(&b, 1, 0, NULL, NO_TSRESOL, 0);
	ng_epb(&b, 65535, 1, frame, sizeof(frame), sizeof(frame));
	ng_shb(&b);
	ng_idb(&b, 101, 0, "last", NO_TSRESOL, 0);
	ng_epb(&b, 0, 2, IP4, IP4_LEN, IP4_LEN);
	n = read_mem(&b, "m", g, 2, &rc, &err);
	CHECK_INT(rc, 0);
	REQUIRE(n == 2);
	CHECK_INT(g[0].iface_id, 65535);
	CHECK_STR(g[1].iface_name, "last");
	bb_free(&b);

	ng_shb(&b);
	for (int i = 0; i < 65537; i++)
		ng_idb(&b, 1, 0, NULL, NO_TSRESOL, 0);
	n = read_mem(&b, "m", g, 2, &rc, &err);
	CHECK_INT(rc, -EINVAL);
	CHECK_INT(n, 0);
	CHECK_STR(formatted(&err),
		  "m: interface description block at offset 1310748: more than 65536 interfaces in one section");
	bb_free(&b);
}

/* Broken files: the exact message, and how many packets came before. */

struct broken {
	const char *what;
	void (*build)(struct bb *b);
	int at_open; /* the error comes from nfu_cap_open_mem() */
	int packets; /* read before the error */
	const char *msg;
};

static void bk_empty(struct bb *b)
{
	(void)b;
}

static void bk_short(struct bb *b)
{
	bb_bytes(b, "\xd4\xc3", 2);
}

static void bk_magic(struct bb *b)
{
	bb_bytes(b, "\x7f" "ELF\x02\x01", 6);
}

static void bk_kuznetzov(struct bb *b)
{
	pcap_hdr(b, false, 65535, 1);
	b->b[0] = 0x34;
	b->b[1] = 0xcd;
}

static void bk_hdr_cut(struct bb *b)
{
	pcap_hdr(b, false, 65535, 1);
	b->n = 20;
}

static void bk_version(struct bb *b)
{
	pcap_hdr(b, false, 65535, 1);
	b->b[4] = 1;
}

/* The brief's example: packet 17 at offset 4096. */
static void bk_snaplen(struct bb *b)
{
	uint8_t d[246];

	memset(d, 0x55, sizeof(d));
	pcap_hdr(b, false, 65535, 1);
	for (int i = 0; i < 15; i++)
		pcap_rec(b, 1, 0, d, 238, 238);
	pcap_rec(b, 1, 0, d, 246, 246);
	bb_u32(b, 1);
	bb_u32(b, 0);
	bb_u32(b, 70000);
	bb_u32(b, 70000);
}

static void bk_huge(struct bb *b)
{
	pcap_hdr(b, true, 0xffffffff, 1);
	pcap_rec(b, 1, 0, frame, sizeof(frame), sizeof(frame));
	bb_u32(b, 1);
	bb_u32(b, 0);
	bb_u32(b, 0x7fffffff);
	bb_u32(b, 0x7fffffff);
}

static void bk_rec_cut(struct bb *b)
{
	pcap_hdr(b, false, 65535, 1);
	pcap_rec(b, 1, 0, frame, sizeof(frame), sizeof(frame));
	pcap_rec(b, 1, 0, frame, sizeof(frame), sizeof(frame));
	b->n -= 10;
}

static void bk_rechdr_cut(struct bb *b)
{
	pcap_hdr(b, true, 65535, 1);
	pcap_rec(b, 1, 0, frame, sizeof(frame), sizeof(frame));
	bb_u32(b, 1);
	bb_u16(b, 0);
}

static void bk_ng_bom(struct bb *b)
{
	ng_shb(b);
	b->b[8] = 0x4e;
}

static void bk_ng_version(struct bb *b)
{
	b->be = true;
	ng_shb(b);
	b->b[13] = 2;
}

static void bk_ng_zero(struct bb *b)
{
	ng_shb(b);
	ng_idb(b, 1, 0, NULL, NO_TSRESOL, 0);
	bb_u32(b, 6);
	bb_u32(b, 0);
	bb_u32(b, 0);
}

static void bk_ng_odd(struct bb *b)
{
	ng_shb(b);
	bb_u32(b, 6);
	bb_u32(b, 34);
	bb_u32(b, 0);
}

static void bk_ng_short_epb(struct bb *b)
{
	ng_shb(b);
	ng_idb(b, 1, 0, NULL, NO_TSRESOL, 0);
	bb_u32(b, 6);
	bb_u32(b, 28);
	for (int i = 0; i < 4; i++)
		bb_u32(b, 0);
	bb_u32(b, 28);
}

static void bk_ng_trailer(struct bb *b)
{
	ng_shb(b);
	ng_idb(b, 1, 0, NULL, NO_TSRESOL, 0);
	b->n -= 4;
	bb_u32(b, 24);
}

static void bk_ng_huge(struct bb *b)
{
	ng_shb(b);
	bb_u32(b, 1);
	bb_u32(b, 0xfffffffc);
	bb_u32(b, 0);
}

static void bk_ng_block_cut(struct bb *b)
{
	ng_shb(b);
	ng_idb(b, 1, 0, NULL, NO_TSRESOL, 0);
	ng_epb(b, 0, 1, frame, sizeof(frame), sizeof(frame));
	ng_epb(b, 0, 2, frame, sizeof(frame), sizeof(frame));
	b->n -= 5;
}

static void bk_ng_header_cut(struct bb *b)
{
	ng_shb(b);
	bb_u32(b, 6);
	bb_u16(b, 0);
}

static void bk_ng_no_iface(struct bb *b)
{
	ng_shb(b);
	ng_idb(b, 1, 0, NULL, NO_TSRESOL, 0);
	ng_epb(b, 0, 1, frame, sizeof(frame), sizeof(frame));
	b->be = true; /* a new section forgets the interfaces */
	ng_shb(b);
	ng_epb(b, 0, 1, frame, sizeof(frame), sizeof(frame));
}

static void bk_ng_spb_no_iface(struct bb *b)
{
	ng_shb(b);
	ng_spb(b, frame, sizeof(frame));
}

static void bk_ng_caplen(struct bb *b)
{
	size_t at;

	ng_shb(b);
	ng_idb(b, 1, 0, NULL, NO_TSRESOL, 0);
	at = b->n;
	ng_epb(b, 0, 1, frame, sizeof(frame), sizeof(frame));
	bb_set32(b, b->b + at + 20, 45); /* 42 in a block of 44 */
}

static void bk_ng_snaplen(struct bb *b)
{
	ng_shb(b);
	ng_idb(b, 1, 40, NULL, NO_TSRESOL, 0);
	ng_epb(b, 0, 1, frame, sizeof(frame), sizeof(frame));
}

static void bk_ng_spb_room(struct bb *b)
{
	size_t at;

	ng_shb(b);
	ng_idb(b, 1, 0, NULL, NO_TSRESOL, 0);
	at = b->n;
	ng_spb(b, frame, sizeof(frame));
	bb_set32(b, b->b + at + 8, 100);
}

static void bk_ng_opt_overrun(struct bb *b)
{
	size_t at;

	ng_shb(b);
	at = b->n;
	ng_idb(b, 1, 0, "eth0", NO_TSRESOL, 0);
	bb_set16(b, b->b + at + 18, 9);
}

static void bk_ng_tsresol_len(struct bb *b)
{
	size_t at;

	ng_shb(b);
	at = ng_open(b, 1);

	bb_u16(b, 1);
	bb_u16(b, 0);
	bb_u32(b, 0);
	ng_opt(b, 9, "\x06\x06", 2);
	ng_close(b, at);
}

static void bk_ng_tsresol_big(struct bb *b)
{
	ng_shb(b);
	ng_idb(b, 1, 0, NULL, 20, 0);
}

static void bk_ng_tsoffset_len(struct bb *b)
{
	size_t at;

	ng_shb(b);
	at = ng_open(b, 1);

	bb_u16(b, 1);
	bb_u16(b, 0);
	bb_u32(b, 0);
	ng_opt(b, 14, "\x01\x02\x03\x04", 4);
	ng_close(b, at);
}

static const struct broken broken[] = {
	{ "empty", bk_empty, 1, 0, "b: empty file" },
	{ "2 bytes", bk_short, 1, 0,
	  "b: not a pcap or pcapng file: only 2 bytes long" },
	{ "ELF", bk_magic, 1, 0,
	  "b: not a pcap or pcapng file (it starts with 7f 45 4c 46)" },
	{ "modified pcap", bk_kuznetzov, 1, 0,
	  "b: modified pcap (magic 0xa1b2cd34, tcpdump -w of old Red Hat patches) is not read: convert it with editcap" },
	{ "pcap header cut", bk_hdr_cut, 1, 0,
	  "b: file header: truncated: 20 of its 24 bytes in the file" },
	{ "pcap version", bk_version, 1, 0,
	  "b: file header: pcap version 1.4 is not 2.x" },
	{ "caplen > snaplen", bk_snaplen, 0, 16,
	  "b: packet 17 at offset 4096: caplen 70000 exceeds snaplen 65535" },
	{ "huge caplen", bk_huge, 0, 1,
	  "b: packet 2 at offset 82: caplen 2147483647 exceeds the maximum of 16777216" },
	{ "record cut", bk_rec_cut, 0, 1,
	  "b: packet 2 at offset 82: truncated: 32 of its 42 captured bytes in the file" },
	{ "record header cut", bk_rechdr_cut, 0, 1,
	  "b: packet 2 at offset 82: truncated record header: 6 of its 16 bytes in the file" },
	{ "pcapng byte-order magic", bk_ng_bom, 1, 0,
	  "b: section header block at offset 0: byte-order magic 0x4e3c2b1a is not 0x1a2b3c4d in either byte order" },
	{ "pcapng version", bk_ng_version, 1, 0,
	  "b: section header block at offset 0: pcapng version 2.0 is not 1.x" },
	{ "zero-length block", bk_ng_zero, 0, 0,
	  "b: packet 1 at offset 48: block length 0 is less than the 32 of its fixed part" },
	{ "block length not a multiple of 4", bk_ng_odd, 0, 0,
	  "b: packet 1 at offset 28: block length 34 is not a multiple of 4" },
	{ "EPB shorter than its fields", bk_ng_short_epb, 0, 0,
	  "b: packet 1 at offset 48: block length 28 is less than the 32 of its fixed part" },
	{ "trailing length", bk_ng_trailer, 0, 0,
	  "b: interface description block at offset 28: trailing block length 24 differs from the leading 20" },
	{ "huge block", bk_ng_huge, 0, 0,
	  "b: interface description block at offset 28: block length 4294967292 exceeds the maximum of 16777216" },
	{ "block cut", bk_ng_block_cut, 0, 1,
	  "b: packet 2 at offset 124: truncated: 71 of its 76 bytes in the file" },
	{ "block header cut", bk_ng_header_cut, 0, 0,
	  "b: packet 1 at offset 28: truncated block header: 6 of its 8 bytes in the file" },
	{ "interface of another section", bk_ng_no_iface, 0, 1,
	  "b: packet 2 at offset 152: interface 0 is not described in its section (0 interfaces)" },
	{ "SPB without interface", bk_ng_spb_no_iface, 0, 0,
	  "b: packet 1 at offset 28: simple packet block in a section without interfaces" },
	{ "EPB caplen past the block", bk_ng_caplen, 0, 0,
	  "b: packet 1 at offset 48: caplen 45 runs past the end of the block (44 bytes of packet data)" },
	{ "EPB caplen > snaplen", bk_ng_snaplen, 0, 0,
	  "b: packet 1 at offset 48: caplen 42 exceeds snaplen 40" },
	{ "SPB past the block", bk_ng_spb_room, 0, 0,
	  "b: packet 1 at offset 48: caplen 100 runs past the end of the block (44 bytes of packet data)" },
	{ "option past the block", bk_ng_opt_overrun, 0, 0,
	  "b: interface description block at offset 28: option 2: length 9 runs past the end of the block" },
	{ "if_tsresol length", bk_ng_tsresol_len, 0, 0,
	  "b: interface description block at offset 28: if_tsresol has length 2, not 1" },
	{ "if_tsresol too fine", bk_ng_tsresol_big, 0, 0,
	  "b: interface description block at offset 28: if_tsresol 0x14 is finer than the 10^-19 s or 2^-63 s nfu reads" },
	{ "if_tsoffset length", bk_ng_tsoffset_len, 0, 0,
	  "b: interface description block at offset 28: if_tsoffset has length 4, not 8" },
};

static void test_broken(void)
{
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const struct broken *k = &broken[i];
		struct nfu_cap_reader *r = NULL;
		struct bb b = { 0 };
		struct nfu_cap_pkt p;
		struct nfu_error err, again;
		int rc, n = 0;

		k->build(&b);
		memset(&err, 0, sizeof(err));
		rc = nfu_cap_open_mem(b.b, b.n, "b", &r, &err);
		if (k->at_open) {
			if (rc >= 0 || r) {
				HARNESS_FAIL("%s: opened", k->what);
				nfu_cap_close(r);
				bb_free(&b);
				continue;
			}
		} else {
			if (rc < 0) {
				HARNESS_FAIL("%s: open failed: %s", k->what,
					     formatted(&err));
				bb_free(&b);
				continue;
			}
			while ((rc = nfu_cap_next(r, &p, &err)) == 1)
				n++;
			/* failed once, failed for good */
			memset(&again, 0, sizeof(again));
			CHECK_INT(nfu_cap_next(r, &p, &again), rc);
			CHECK_STR(again.msg, err.msg);
			nfu_cap_close(r);
		}
		if (rc != -EINVAL || n != k->packets ||
		    strcmp(formatted(&err), k->msg) != 0)
			HARNESS_FAIL("%s: rc %d after %d packets: \"%s\", not \"%s\"",
				     k->what, rc, n, formatted(&err), k->msg);
		harness_checks++;
		bb_free(&b);
	}
}

/* A point where a file may end: after 'end' bytes, 'packets' read. */
struct clean {
	size_t end;
	int packets;
};

/* Every prefix of a good file either ends at a clean point (then the
 * packets before it read) or fails naming the cut record, after the
 * packets of the last clean point before it; a prefix shorter than the
 * first clean point fails to open.  Read from a file, every 7th prefix
 * and the clean ones say the same as from memory. */
static void cut_everywhere(const struct bb *whole, const struct clean *cl,
			   int n_cl)
{
	for (size_t len = 0; len <= whole->n; len++) {
		struct bb b = *whole;
		struct nfu_error err;
		struct got g[16];
		int rc, n, k = 0;
		bool ok;

		b.n = len;
		n = read_mem(&b, "cut", g, 16, &rc, &err);
		while (k < n_cl && cl[k].end <= len)
			k++;
		if (k == 0)
			ok = n == -1 && rc == -EINVAL && err.msg[0];
		else if (cl[k - 1].end == len)
			ok = rc == 0 && n == cl[k - 1].packets;
		else
			ok = rc == -EINVAL && n == cl[k - 1].packets &&
			     strstr(err.msg, " at offset ") != NULL;
		if (!ok)
			HARNESS_FAIL("cut at %zu: rc %d, %d packets, \"%s\"",
				     len, rc, n, formatted(&err));
		harness_checks++;
		if (len % 7 == 0 || (k > 0 && cl[k - 1].end == len)) {
			struct nfu_cap_reader *r;
			struct nfu_error ferr;
			int frc, fn = -1;

			write_file(tmp_path("cut"), whole->b, len);
			memset(&ferr, 0, sizeof(ferr));
			frc = nfu_cap_open(tmp_path("cut"), &r, &ferr);
			if (frc == 0) {
				fn = drain(r, g, 16, &frc, &ferr);
				nfu_cap_close(r);
			}
			if (frc != rc || fn != n || strcmp(ferr.msg, err.msg))
				HARNESS_FAIL("cut at %zu: file %d/%d \"%s\", memory %d/%d \"%s\"",
					     len, frc, fn, ferr.msg, rc, n,
					     err.msg);
			harness_checks++;
		}
	}
}

static void test_truncated(void)
{
	struct bb b = { 0 };
	struct clean cl[16];
	int n = 0;

	pcap_hdr(&b, false, 0, 1);
	cl[n++] = (struct clean){ b.n, 0 };
	for (uint32_t i = 0; i < 4; i++) {
		pcap_rec(&b, i, i, frame, (uint32_t)sizeof(frame) - 3 * i,
			 sizeof(frame));
		cl[n] = (struct clean){ b.n, n };
		n++;
	}
	cut_everywhere(&b, cl, n);
	bb_free(&b);

	/* pcapng: any block's end is a clean end */
	n = 0;
	b.be = true;
	ng_shb(&b);
	cl[n++] = (struct clean){ b.n, 0 };
	ng_idb(&b, 1, 0, "eth0", 9, 0);
	cl[n++] = (struct clean){ b.n, 0 };
	ng_epb(&b, 0, 1, frame, sizeof(frame), sizeof(frame));
	cl[n++] = (struct clean){ b.n, 1 };
	ng_other(&b, 5, 12);
	cl[n++] = (struct clean){ b.n, 1 };
	ng_spb(&b, frame, 20);
	cl[n++] = (struct clean){ b.n, 2 };
	ng_pb(&b, 0, 3, frame, 30, 40);
	cl[n++] = (struct clean){ b.n, 3 };
	b.be = false;
	ng_shb(&b);
	cl[n++] = (struct clean){ b.n, 3 };
	ng_idb(&b, 101, 0, NULL, NO_TSRESOL, 0);
	cl[n++] = (struct clean){ b.n, 3 };
	ng_epb(&b, 0, 4, IP4, IP4_LEN, IP4_LEN);
	cl[n++] = (struct clean){ b.n, 4 };
	cut_everywhere(&b, cl, n);
	bb_free(&b);
}

/* A file read through a stream gives what memory gives, with records of
 * growing and shrinking sizes (the buffer grows and is reused). */
static void test_stream(void)
{
	static const uint32_t sizes[] = { 10, 5000, 70000, 100, 300000, 3 };
	struct bb b = { 0 };
	struct nfu_cap_reader *r;
	struct nfu_cap_pkt p;
	struct nfu_error err;
	uint8_t *d = calloc(1, 300000);
	int rc, n = 0;

	REQUIRE(d);
	memcpy(d, frame, sizeof(frame));
	pcap_hdr(&b, true, 0, 1);
	for (size_t i = 0; i < 6; i++) {
		d[sizes[i] - 1] = (uint8_t)i;
		pcap_rec(&b, (uint32_t)i, 0, d, sizes[i], sizes[i]);
	}
	write_file(tmp_path("s.pcap"), b.b, b.n);
	rc = nfu_cap_open(tmp_path("s.pcap"), &r, &err);
	REQUIRE(rc == 0);
	while ((rc = nfu_cap_next(r, &p, &err)) == 1) {
		CHECK_INT(p.caplen, sizes[n]);
		CHECK_INT(p.data[p.caplen - 1], n);
		CHECK_INT(p.ts_ns, n * 1000000000ull);
		if (p.caplen >= 14)
			CHECK_MEM(p.data, frame, 14);
		n++;
	}
	CHECK_INT(rc, 0);
	CHECK_INT(n, 6);
	nfu_cap_close(r);
	bb_free(&b);
	free(d);

	memset(&err, 0, sizeof(err));
	CHECK_INT(nfu_cap_open(tmp_path("none.pcap"), &r, &err), -ENOENT);
	CHECK(strstr(formatted(&err), "none.pcap: No such file or directory") != NULL);
}

/* What 'tcpdump -r FILE -tt -nn -e --time-stamp-precision nano' says of a
 * packet: -1 for what the line does not show. */
struct seen {
	uint64_t ts_ns;
	long ethertype, origlen, pkttype, ifindex;
	uint8_t mac[2][6];
	int macs;
};

static int parse_mac(const char *s, uint8_t *m)
{
	unsigned int v[6];
	char end;

	if (strlen(s) < 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &end) < 6)
		return -1;
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)v[i];
	return 0;
}

static int parse_line(char *line, struct seen *s)
{
	unsigned long long sec;
	char frac[16], *e, *tok, *save = NULL;
	bool ifx = false;

	memset(s, 0, sizeof(*s));
	s->ethertype = s->origlen = s->pkttype = s->ifindex = -1;
	if (sscanf(line, "%llu.%15[0-9]", &sec, frac) != 2 || strlen(frac) != 9)
		return -1;
	s->ts_ns = sec * 1000000000ull + strtoull(frac, NULL, 10);
	e = strstr(line, " ethertype ");
	if (e) {
		char *h = strstr(e, "(0x"), *l = strstr(e, "), length ");

		if (h)
			s->ethertype = strtol(h + 3, NULL, 16);
		if (l)
			s->origlen = strtol(l + 10, NULL, 10);
		*e = '\0';
	}
	/* what comes before: [ifname] direction [ifindex N] mac, or
	 * src > dst, */
	strtok_r(line, " ", &save);
	while ((tok = strtok_r(NULL, " ,", &save))) {
		static const char *const dirs[] = { "In", "B", "M", "P", "Out" };

		if (ifx) {
			s->ifindex = strtol(tok, NULL, 10);
			ifx = false;
			continue;
		}
		if (strcmp(tok, "ifindex") == 0) {
			ifx = true;
			continue;
		}
		for (int i = 0; i < 5; i++)
			if (strcmp(tok, dirs[i]) == 0)
				s->pkttype = i;
		if (s->macs < 2 && parse_mac(tok, s->mac[s->macs]) == 0)
			s->macs++;
	}
	return 0;
}

/* nfu's reading of 'pcap' against tcpdump's in 'txt'; returns the
 * packets compared. */
static int compare_with_tcpdump(const char *pcap, const char *txt)
{
	struct nfu_cap_reader *r;
	struct nfu_cap_pkt p;
	struct nfu_error err;
	char line[1024];
	int rc, n = 0;
	FILE *f;

	f = fopen(txt, "r");
	if (!f) {
		HARNESS_FAIL("%s: cannot open", txt);
		return 0;
	}
	rc = nfu_cap_open(pcap, &r, &err);
	if (rc < 0) {
		HARNESS_FAIL("%s", formatted(&err));
		fclose(f);
		return 0;
	}
	while ((rc = nfu_cap_next(r, &p, &err)) == 1) {
		struct seen s;

		if (!fgets(line, sizeof(line), f) || parse_line(line, &s)) {
			HARNESS_FAIL("%s: no line for packet %" PRIu64, txt,
				     p.index);
			break;
		}
		n++;
		CHECK_INT(p.ts_ns, s.ts_ns);
		if (s.origlen >= 0)
			CHECK_INT(p.origlen, s.origlen);
		if (s.ethertype >= 0) {
			CHECK_INT(p.ethertype, s.ethertype);
			CHECK(p.l3 != NULL);
		}
		if (s.pkttype >= 0)
			CHECK_INT(p.sll_pkttype, s.pkttype);
		if (s.ifindex >= 0)
			CHECK_INT(p.ifindex, s.ifindex);
		if (p.linktype == NFU_LINKTYPE_ETHERNET && s.macs == 2) {
			CHECK(p.src_mac && memcmp(p.src_mac, s.mac[0], 6) == 0);
			CHECK(p.dst_mac && memcmp(p.dst_mac, s.mac[1], 6) == 0);
		} else if (s.macs == 1) {
			CHECK(p.src_mac && memcmp(p.src_mac, s.mac[0], 6) == 0);
			CHECK(p.dst_mac == NULL);
		}
		/* what the samples hold: ARP and ICMP over IPv4 */
		if (p.ethertype == 0x0800 && p.l3_len >= 20) {
			CHECK_INT(p.l3[0], 0x45);
			CHECK_INT(p.l3[9], 1);
		} else if (p.ethertype == 0x0806 && p.l3_len >= 8) {
			CHECK_INT(p.l3[1], 1); /* hardware type Ethernet */
			CHECK_INT(p.l3[4], 6);
		}
	}
	CHECK_INT(rc, 0);
	CHECK(fgets(line, sizeof(line), f) == NULL);
	nfu_cap_close(r);
	fclose(f);
	return n;
}

static const char *const samples[] = { "any-sll2", "any-sll",
				       "veth-eth-nano" };

/* Checks the three captures of make-samples.sh in 'dir'. */
static void check_samples(const char *dir)
{
	static const uint32_t lts[] = { 276, 113, 1 };

	for (int i = 0; i < 3; i++) {
		char pcap[512], txt[512];
		struct nfu_cap_reader *r;
		struct nfu_error err;
		struct got g[6];
		int rc, n;

		snprintf(pcap, sizeof(pcap), "%s/%s.pcap", dir, samples[i]);
		snprintf(txt, sizeof(txt), "%s/%s.txt", dir, samples[i]);
		CHECK_INT(compare_with_tcpdump(pcap, txt), 6);

		rc = nfu_cap_open(pcap, &r, &err);
		REQUIRE(rc == 0);
		n = drain(r, g, 6, &rc, &err);
		nfu_cap_close(r);
		REQUIRE(n == 6);
		/* ARP request out, reply in, then echo out, reply in twice */
		for (int k = 0; k < 6; k++) {
			CHECK_INT(g[k].linktype, lts[i]);
			CHECK_INT(g[k].ethertype, k < 2 ? 0x0806 : 0x0800);
			CHECK_INT(g[k].index, k + 1);
			if (k)
				CHECK(g[k].ts_ns >= g[k - 1].ts_ns);
			if (i < 2)
				CHECK_INT(g[k].sll_pkttype, k % 2 ? 0 : 4);
			if (i == 0)
				CHECK(g[k].ifindex > 1); /* veth0, not lo */
			if (i == 2) {
				/* snaplen 64: the pings are cut */
				CHECK_INT(g[k].caplen, k < 2 ? 42 : 64);
				CHECK_INT(g[k].origlen, k < 2 ? 42 : 98);
				CHECK_INT(g[k].l3_len, g[k].caplen - 14);
			}
		}
		if (i == 2) /* the ns file keeps its nanoseconds */
			CHECK(g[5].ts_ns % 1000 != 0 || g[4].ts_ns % 1000 != 0);
		else
			CHECK(g[5].ts_ns % 1000 == 0);
	}
}

static void test_samples(void)
{
	check_samples(DATA);
}

static bool have_tcpdump(void)
{
	return system("command -v tcpdump >/dev/null 2>&1") == 0;
}

/* Fresh captures in throwaway namespaces, read as tcpdump reads them. */
static void test_live(void)
{
	char cmd[512];

	if (geteuid() != 0) {
		live_skipped = "not root: no fresh captures in namespaces";
		return;
	}
	if (!have_tcpdump()) {
		live_skipped = "no tcpdump";
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "ip netns add nfu-cap-probe-%d 2>/dev/null && "
		 "ip netns del nfu-cap-probe-%d",
		 (int)getpid(), (int)getpid());
	if (system(cmd) != 0) {
		live_skipped = "no network namespaces";
		return;
	}
	snprintf(cmd, sizeof(cmd), "sh " DATA "make-samples.sh %s", tmpdir);
	REQUIRE(system(cmd) == 0);
	check_samples(tmpdir);
}

/* Hand-built files as tcpdump (libpcap) reads them: resolutions and
 * offsets of pcapng interfaces, both byte orders. */
static void test_tcpdump_reads(void)
{
	struct bb b = { 0 };
	char cmd[1024];

	if (!have_tcpdump())
		return;
	for (int be = 0; be < 2; be++) {
		b.be = be;
		ng_shb(&b);
		ng_idb(&b, 1, 0, "eth0", NO_TSRESOL, 0);
		ng_idb(&b, 1, 0, NULL, 9, 0);
		ng_idb(&b, 1, 0, NULL, 0x80 | 20, 1000);
		ng_idb(&b, 1, 0, NULL, 0x80 | 30, -1000);
		ng_idb(&b, 1, 0, NULL, 3, 0);
		ng_other(&b, 5, 12);
		ng_epb(&b, 0, 1795865885288603ull, frame, sizeof(frame), 60);
		ng_epb(&b, 1, 1795865885288603882ull, frame, sizeof(frame),
		       sizeof(frame));
		ng_epb(&b, 2, (1795865000ull << 20) | 524289, frame,
		       sizeof(frame), sizeof(frame));
		ng_epb(&b, 3, (1795865885ull << 30) | 1023, frame,
		       sizeof(frame), sizeof(frame));
		ng_epb(&b, 4, 1795865885289ull, frame, 20, 100);
		ng_pb(&b, 1, 1795865885288603999ull, frame, 14, 14);
		write_file(tmp_path("ref.pcapng"), b.b, b.n);
		snprintf(cmd, sizeof(cmd),
			 "tcpdump -r %s -tt -nn -e --time-stamp-precision nano >%s 2>/dev/null",
			 tmp_path("ref.pcapng"), tmp_path("ref.txt"));
		REQUIRE(system(cmd) == 0);
		CHECK_INT(compare_with_tcpdump(tmp_path("ref.pcapng"),
					       tmp_path("ref.txt")),
			  6);
		bb_free(&b);
	}
}

int main(void)
{
	char cmd[128];
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nfu-test-capture-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_write_read);
	RUN(test_write_errors);
	RUN(test_pcap_orders);
	RUN(test_linktypes);
	RUN(test_pcapng);
	RUN(test_many_ifaces);
	RUN(test_broken);
	RUN(test_truncated);
	RUN(test_stream);
	RUN(test_samples);
	RUN(test_tcpdump_reads);
	RUN(test_live);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	rc = harness_done();
	if (rc == 0 && live_skipped)
		SKIP(live_skipped);
	return rc;
}
