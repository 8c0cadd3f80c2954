/* SPDX-License-Identifier: MIT */
/*
 * fuzz_capture.c - the capture reader on arbitrary bytes.
 *
 * The reader's .c file is included, so that it is built with the fuzzer's
 * instrumentation and its static open_stream() can be reached.  Each input
 * is read twice to its end: from memory (nfu_cap_open_mem(), where ASan
 * sees every byte read past the input) and as a stream through
 * fmemopen() (the path of files, with its growing buffer).  Besides the
 * sanitizers' findings:
 *   - both readings give the same packets and the same error;
 *   - every pointer of a packet lies within its captured bytes, and all
 *     of them are read;
 *   - packets are numbered 1, 2, …; origlen is never below caplen;
 *   - an error names the file and says where, and stays.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/capture.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PKTS 4096

struct sum {
	uint64_t ts_ns, index;
	uint32_t caplen, origlen, linktype, ifindex, iface_id, l3_len;
	uint32_t bytes; /* a hash of the captured bytes */
	uint16_t sll_pkttype, ethertype;
	long l3, src, dst;
	uint32_t name; /* a hash of the interface name, 0 without */
};

static volatile uint32_t sink;

static uint32_t hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void within(const struct nfu_cap_pkt *p, const uint8_t *q,
		   size_t len)
{
	if (q && (q < p->data || q + len > p->data + p->caplen))
		abort();
}

static void summarise(const struct nfu_cap_pkt *p, struct sum *s,
		      uint64_t expect_index)
{
	if (p->index != expect_index || p->origlen < p->caplen)
		abort();
	within(p, p->l3, p->l3_len);
	if (p->l3 && p->l3 + p->l3_len != p->data + p->caplen)
		abort();
	if (!p->l3 && (p->l3_len || p->ethertype))
		abort();
	within(p, p->src_mac, 6);
	within(p, p->dst_mac, 6);
	memset(s, 0, sizeof(*s));
	s->ts_ns = p->ts_ns;
	s->index = p->index;
	s->caplen = p->caplen;
	s->origlen = p->origlen;
	s->linktype = p->linktype;
	s->ifindex = p->ifindex;
	s->iface_id = p->iface_id;
	s->l3_len = p->l3_len;
	s->bytes = hash(p->data, p->caplen);
	s->sll_pkttype = p->sll_pkttype;
	s->ethertype = p->ethertype;
	s->l3 = p->l3 ? p->l3 - p->data : -1;
	s->src = p->src_mac ? p->src_mac - p->data : -1;
	s->dst = p->dst_mac ? p->dst_mac - p->data : -1;
	s->name = p->iface_name ? hash((const uint8_t *)p->iface_name,
				       strlen(p->iface_name)) | 1 : 0;
	sink += s->bytes;
}

/* Reads 'r' to its end; returns the final rc, the packets in 's' (all
 * summarised, the first MAX_PKTS kept) and their count in '*n'. */
static int drain(struct nfu_cap_reader *r, struct sum *s, size_t *n,
		 struct nfu_error *err)
{
	struct nfu_cap_pkt p;
	struct sum one;
	int rc;

	*n = 0;
	while ((rc = nfu_cap_next(r, &p, err)) == 1) {
		summarise(&p, *n < MAX_PKTS ? &s[*n] : &one, *n + 1);
		++*n;
	}
	if (rc > 0)
		abort();
	if (rc < 0) {
		struct nfu_error again;

		if (!err->msg[0] || strcmp(err->where, "fuzz") != 0)
			abort();
		if (rc != -ENOMEM && !strstr(err->msg, "offset") &&
		    !strstr(err->msg, "file"))
			abort();
		if (nfu_cap_next(r, &p, &again) != rc ||
		    strcmp(again.msg, err->msg) != 0)
			abort();
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sum a[MAX_PKTS], b[MAX_PKTS];
	struct nfu_cap_reader *r;
	struct nfu_error ea, eb;
	size_t na = 0, nb = 0;
	int ra, rb;
	FILE *f;

	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	ra = nfu_cap_open_mem(data, size, "fuzz", &r, &ea);
	if (ra == 0) {
		ra = drain(r, a, &na, &ea);
		nfu_cap_close(r);
	} else if (r || !ea.msg[0]) {
		abort();
	}

	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	rb = open_stream(f, true, "fuzz", &r, &eb);
	if (rb == 0) {
		rb = drain(r, b, &nb, &eb);
		nfu_cap_close(r);
	}
	if (ra != rb || na != nb || strcmp(ea.msg, eb.msg) != 0)
		abort();
	if (memcmp(a, b, (na < MAX_PKTS ? na : MAX_PKTS) * sizeof(a[0])) != 0)
		abort();
	return 0;
}
