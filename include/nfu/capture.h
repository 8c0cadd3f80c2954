/* SPDX-License-Identifier: MIT */
/*
 * nfu/capture.h - reading and writing capture files (pcap and pcapng).
 *
 * What?  The packets of `nfu replay` come from capture files written by
 * tcpdump, dumpcap, Wireshark or nfu itself, and the packets nfu sends go
 * to one.  nfu reads and writes them with its own code, not libpcap's, so
 * that reading is deterministic, has no dependency and can be fuzzed.
 *
 * Reading.  nfu_cap_open() recognises the format by its first bytes:
 *   - pcap in either byte order, with microsecond (0xa1b2c3d4) or
 *     nanosecond (0xa1b23c4d) timestamps;
 *   - pcapng: section headers in either byte order (each section may have
 *     its own), interface descriptions (if_name, if_tsresol in powers of
 *     10 or 2, if_tsoffset), enhanced, simple and the obsolete packet
 *     blocks.  Other blocks (name resolution, statistics, secrets, custom)
 *     are skipped.  Interface ids are those of the packet's section.
 * The file is streamed: only the record being read is in memory.  Each
 * nfu_cap_next() returns one packet with its link layer decoded (see
 * struct nfu_cap_pkt): where the L3 header starts and its ethertype.
 *
 * A broken file is an error that says where: the file name, the number
 * the packet would have had and the byte offset of its record, and what
 * is wrong, as in
 *   cap.pcap: packet 17 at offset 4096: caplen 70000 exceeds snaplen 65535
 * A file cut short (tcpdump killed while writing) reads up to its last
 * whole packet, then fails naming the truncated one.  Once failed, a
 * reader keeps returning the same error.  Records are at most
 * NFU_CAP_MAX_RECORD bytes: a larger length is an error, never an
 * allocation.
 *
 * Writing.  nfu_cap_writer_open() writes classic pcap, little-endian, with
 * nanosecond timestamps and snaplen 262144, the same bytes on every host.
 *
 * Thread-safety: a reader or writer is used by one thread at a time.
 */
#ifndef NFU_CAPTURE_H
#define NFU_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "nfu/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Link types (www.tcpdump.org/linktypes.html) that nfu decodes. */
#define NFU_LINKTYPE_ETHERNET 1
#define NFU_LINKTYPE_DLT_RAW1 12 /* DLT_RAW of most systems, as a file's linktype */
#define NFU_LINKTYPE_DLT_RAW2 14 /* DLT_RAW of OpenBSD */
#define NFU_LINKTYPE_RAW 101
#define NFU_LINKTYPE_LINUX_SLL 113
#define NFU_LINKTYPE_IPV4 228
#define NFU_LINKTYPE_IPV6 229
#define NFU_LINKTYPE_LINUX_SLL2 276

/* The largest record (pcap packet, pcapng block) nfu reads: libpcap's. */
#define NFU_CAP_MAX_RECORD (16u << 20)
/* The snaplen nfu writes, and the most it writes of one packet. */
#define NFU_CAP_WRITE_SNAPLEN 262144u

#define NFU_CAP_PKTTYPE_NONE 0xffff

struct nfu_cap_reader;

/* One packet.  Its pointers are valid until the next nfu_cap_next() or
 * nfu_cap_close() on its reader, and have no particular alignment (an
 * IPv4 header behind 14 bytes of Ethernet is 2 bytes off 4): read fields
 * of more than a byte with memcpy(). */
struct nfu_cap_pkt {
	/* Capture time, ns since the epoch: pcap µs or ns; pcapng's
	 * if_tsresol and if_tsoffset applied.  A simple packet block has no
	 * time of its own and gets its predecessor's (0 for the first). */
	uint64_t ts_ns;
	const uint8_t *data; /* the captured bytes as in the file */
	uint32_t caplen;
	/* The length on the wire.  Never below 'caplen': a file that says
	 * less (some writers put 0) is read as 'caplen'. */
	uint32_t origlen;
	uint32_t linktype; /* NFU_LINKTYPE_*, or any other from the file */
	uint32_t ifindex;  /* SLL2's interface index; 0 when there is none */
	uint32_t iface_id; /* pcapng interface id in its section; 0 for pcap */
	const char *iface_name; /* pcapng if_name when present, else NULL */
	/* SLL/SLL2 packet type (0 host, 1 broadcast, 2 multicast,
	 * 3 otherhost, 4 outgoing); NFU_CAP_PKTTYPE_NONE for other links. */
	uint16_t sll_pkttype;
	/* The protocol of the L3 payload: Ethernet's type field (0x8100 of a
	 * VLAN tag as it is, the tag not skipped), the SLL/SLL2 protocol,
	 * 0x0800 or 0x86dd for raw IP by its version nibble (0 for another
	 * version); 0 when 'l3' is NULL. */
	uint16_t ethertype;
	/* Where the L3 header starts in 'data', and its captured length.
	 * NULL when the linktype is unknown or the link header is not all
	 * captured: the caller counts such a packet as skipped. */
	const uint8_t *l3;
	uint32_t l3_len;
	/* Ethernet: both.  SLL/SLL2: the source address when it is 6 bytes
	 * long, dst NULL.  Others: NULL. */
	const uint8_t *src_mac, *dst_mac;
	uint64_t index; /* 1-based packet number in the file */
};

/* Opens 'path' ("-" is stdin) and reads its file or first section header.
 * Returns 0 and '*out', or a negative errno with 'err' filled. */
int nfu_cap_open(const char *path, struct nfu_cap_reader **out,
		 struct nfu_error *err);
/* The same from the 'len' bytes at 'buf', which must outlive the reader;
 * 'name' (NULL: "<memory>") is the file name of error messages. */
int nfu_cap_open_mem(const void *buf, size_t len, const char *name,
		     struct nfu_cap_reader **out, struct nfu_error *err);
/* Returns 1 and the next packet in '*p', 0 at the end of the file, or a
 * negative errno for a broken or unreadable file ('err' says where). */
int nfu_cap_next(struct nfu_cap_reader *r, struct nfu_cap_pkt *p,
		 struct nfu_error *err);
void nfu_cap_close(struct nfu_cap_reader *r);

struct nfu_cap_writer;

/* Creates 'path' ("-" is stdout) as a pcap file of 'linktype'. */
int nfu_cap_writer_open(const char *path, uint32_t linktype,
			struct nfu_cap_writer **out, struct nfu_error *err);
/* Appends a packet.  More than NFU_CAP_WRITE_SNAPLEN bytes are cut to it
 * (its original length kept).  Returns 0, -ERANGE when 'ts_ns' is past
 * what pcap's 32-bit seconds hold (2106; nothing is written), or the
 * negative errno of an earlier write error. */
int nfu_cap_write(struct nfu_cap_writer *w, uint64_t ts_ns, const void *data,
		  uint32_t len);
/* Flushes and closes, and frees 'w' in any case.  Returns 0, or the
 * negative errno of the first write error with 'err' naming it. */
int nfu_cap_writer_close(struct nfu_cap_writer *w, struct nfu_error *err);

#ifdef __cplusplus
}
#endif
#endif
