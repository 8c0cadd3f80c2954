/* SPDX-License-Identifier: MIT */
/*
 * core/csum.h - the Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624), as IPv4, ICMP, TCP and UDP use it.
 *
 * Sums are 32-bit accumulators of 16-bit words taken in network order from
 * memory; the folded, complemented result is returned in the same order,
 * ready to be stored with memcpy.  So a checksum computed here and stored
 * as-is verifies on the wire on any host.
 */
#ifndef NFU_CORE_CSUM_H
#define NFU_CORE_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Adds 'len' bytes at 'buf' to 'sum' (an odd last byte padded with zero). */
uint32_t nfu_csum_partial(const void *buf, size_t len, uint32_t sum);

/* Folds 'sum' to 16 bits and complements it. */
static inline uint16_t nfu_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The checksum to store in an IPv4 header of 'ihl' 32-bit words whose
 * checksum field is zero. */
static inline uint16_t nfu_ip_fast_csum(const void *iph, unsigned int ihl)
{
	return nfu_csum_fold(nfu_csum_partial(iph, ihl * 4u, 0));
}

/* The TCP/UDP pseudo-header sum for 'saddr', 'daddr' (network order),
 * 'proto' and 'len' (host order), to pass as 'sum' to nfu_csum_partial. */
uint32_t nfu_csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto,
			 uint16_t len);

/* Incremental update of a stored checksum '*check' when a 16-bit word
 * changes from 'from' to 'to' (both as stored in memory), RFC 1624 eq. 3. */
void nfu_csum_replace2(uint16_t *check, uint16_t from, uint16_t to);
/* The same for a 32-bit field (an address). */
void nfu_csum_replace4(uint16_t *check, uint32_t from, uint32_t to);
/* Linux's csum_replace4() and inet_proto_csum_replace4() without offload,
 * bit for bit: the checksum at 'check' (2 bytes, any alignment) of a field
 * that held 'from' and now holds 'to' (as stored in memory; a 16-bit
 * field zero-extended, as inet_proto_csum_replace2() does):
 * ~fold(~check + ~from + to) in 32-bit one's complement sums.  It stores
 * 0x0000 where the 16-bit sums above may store 0xffff: NAT uses it, so
 * that its checksums are the bits Linux stores. */
void nfu_csum_replace4_linux(void *check, uint32_t from, uint32_t to);

#endif
