/* SPDX-License-Identifier: MIT */
/*
 * core/crc32c.h - CRC32c (Castagnoli, polynomial 0x1EDC6F41, reflected),
 * the checksum of SCTP (RFC 9260 appendix A), as Linux's crc32c() and
 * sctp_compute_cksum() compute it.
 *
 * The value SCTP stores is ~crc32c(~0, packet with the checksum field
 * zero), its bytes in little-endian order in the common header (Linux's
 * cpu_to_le32() of it): nfu_sctp_csum() returns it ready for memcpy.
 *
 * Thread-safety: pure functions over a const table.
 */
#ifndef NFU_CORE_CRC32C_H
#define NFU_CORE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continues CRC32c 'crc' (no complement on entry or exit) over 'len'
 * bytes at 'buf': Linux's crc32c(crc, buf, len). */
uint32_t nfu_crc32c(uint32_t crc, const void *buf, size_t len);

/* The SCTP checksum of the 'len' bytes at 'sctp' (the common header and
 * the chunks), its 4-byte field at offset 8 taken as zero, in the byte
 * order it is stored in: store it with memcpy(sctp + 8, &v, 4).  Linux's
 * sctp_compute_cksum(). */
uint32_t nfu_sctp_csum(const void *sctp, size_t len);

#endif
