/* SPDX-License-Identifier: MIT */
/*
 * pcapfile.h - the classic pcap file format, just enough of it: writing
 * Ethernet captures (linktype 1, microseconds) and reading the ones
 * tcpdump writes (either byte order, micro- or nanoseconds).  No libpcap.
 *
 * Thread-safety: none needed.
 */
#ifndef NFU_CONF_PCAPFILE_H
#define NFU_CONF_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Creates 'path' and writes the file header; NULL with errno set. */
FILE *conf_pcap_create(const char *path);
/* Appends one frame stamped 'ns' nanoseconds; 0 or -EIO. */
int conf_pcap_write(FILE *f, uint64_t ns, const void *frame, size_t len);

/* Calls 'fn' on every frame of 'path' in order, stopping when it returns
 * non-zero (that value is returned).  Returns 0, or a negative errno
 * (-EINVAL for a file that is not an Ethernet pcap; a truncated last
 * record, as a killed writer may leave, is ignored). */
int conf_pcap_read(const char *path,
		   int (*fn)(void *priv, const unsigned char *frame,
			     size_t len),
		   void *priv);

#endif
