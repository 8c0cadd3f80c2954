/* SPDX-License-Identifier: MIT */
/*
 * pktdesc.h - packets described in one readable line, built into frames.
 *
 * What?
 *   A conformance scenario lists the frames it sends, one a line, in a
 *   text both sides read: the kernel side's sender and nfu_conform build
 *   the frames with pktdesc_build(), so both get the same bytes.
 *
 *     DEV tcp  SRC:PORT > DST:PORT FLAGS [option…]
 *     DEV udp  SRC:PORT > DST:PORT [option…]
 *     DEV icmp SRC > DST TYPE [option…] [-- INNER]
 *     DEV ip   SRC > DST proto=N [option…]
 *     DEV sctp SRC:PORT > DST:PORT [chunk=…]… [option…]
 *     DEV raw  HEX                      the whole Ethernet frame, as is
 *
 *   DEV is a host interface named in the topology: the frame arrives there
 *   from the peer.  FLAGS are TCP flag letters (F S R P A U E C) or '.' for
 *   none.  TYPE is echo, echo-reply, unreach, source-quench, redirect,
 *   time-exceeded, param-problem, timestamp, timestamp-reply, or a number.
 *   INNER, after '--', is a packet without DEV (tcp/udp/icmp/ip …) that is
 *   built and carried as the ICMP payload, cut to its IP header plus 8
 *   bytes unless innerlen=N says otherwise: an ICMP error's quote.
 *
 * Options (numbers decimal or 0x hex):
 *   IP:   ttl=N (64) tos=N (0) ipid=N (the packet's number, from 1) df mf
 *         fragoff=N (bytes, a multiple of 8) proto=N ver=N ihl=N
 *         totlen=N ipcsum=bad|N ipopt=HEX (padded to 4 bytes with zeros)
 *         trunc=N (keep only N bytes of the IP packet, after checksums)
 *         pad=N (append N zero bytes after the IP packet: Ethernet padding)
 *   L4:   len=N (payload of N pattern bytes: byte i is i & 0xff)
 *         data=HEX (payload given) l4csum=bad|none|N (none: UDP's 0)
 *         tcp: seq=N (1000) ack=N (0) win=N (65535) urp=N doff=N
 *              tcpopt=HEX (options after the 20 bytes, padded to 4 bytes
 *              with zeros (EOL); the data offset counts them unless doff=
 *              says otherwise), e.g. tcpopt=010303070402 (window scale 7,
 *              SACK permitted)
 *         udp: udplen=N
 *         sctp: vtag=N (0) chunk=NAME[/FLAGS][:HEX], once per chunk in
 *              order: NAME data, init, init-ack, sack, heartbeat,
 *              heartbeat-ack, abort, shutdown, shutdown-ack, error,
 *              cookie-echo, cookie-ack, ecne, cwr, shutdown-complete or a
 *              number; FLAGS the chunk's flags (1: the T bit); HEX what
 *              follows the chunk's 4-byte header (its length counts it,
 *              zeros pad it to 4 bytes), e.g. chunk=init:00001234.00010000
 *              .0001.0001.00000007 (Initiate Tag 0x1234, a_rwnd 65536, 1
 *              stream each way, TSN 7); data= or len= give the bytes after
 *              the common header instead; l4csum=bad|N (N: the 32 bits as
 *              they are in the packet) else the CRC32c
 *         icmp: code=N id=N seq=N (echo, timestamp) mtu=N (unreach)
 *               ptr=N (param-problem) gw=ADDR (redirect) rest=N (the
 *               32-bit field after the checksum) innerlen=N
 *   Link: ethdst=MAC|bcast (the host interface's MAC) ethsrc=MAC (the
 *         peer's MAC) ethtype=N (0x0800)
 * HEX is hex digits, '.' and ':' ignored.  Checksums are right unless an
 * option sets them.
 *
 * Thread-safety: none needed; the functions keep no state.
 */
#ifndef NFU_CONF_PKTDESC_H
#define NFU_CONF_PKTDESC_H

#include <stddef.h>
#include <stdint.h>

#define PKTDESC_MAX_FRAME 65600u

/* What a line needs to know of its surroundings: the MACs of the device it
 * arrives on ('host_mac') and of the peer that sends it ('peer_mac'), and
 * its number in the scenario (the default IP ID). */
struct pktdesc_env {
	uint8_t host_mac[6];
	uint8_t peer_mac[6];
	unsigned int number;
};

/* Copies the first word of 'line' (the device) into 'dev' (at most 'len'
 * bytes with the NUL).  Returns 0, or -EINVAL with a message in 'err'. */
int pktdesc_device(const char *line, char *dev, size_t len, char *err,
		   size_t errlen);

/* Builds the frame 'line' describes into 'buf' ('cap' bytes, at least
 * PKTDESC_MAX_FRAME) and stores its length in '*len'.  Returns 0, or
 * -EINVAL with a message quoting the bad token in 'err'. */
int pktdesc_build(const char *line, const struct pktdesc_env *env,
		  unsigned char *buf, size_t cap, size_t *len, char *err,
		  size_t errlen);

/* Internet checksum of 'len' bytes, folded and complemented, starting from
 * the partial sum 'sum'. */
uint16_t pktdesc_csum(const void *data, size_t len, uint32_t sum);

/* "aa:bb:cc:dd:ee:ff" into 'mac'; 0 or -EINVAL. */
int pktdesc_parse_mac(const char *s, uint8_t mac[6]);

#endif
