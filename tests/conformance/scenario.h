/* SPDX-License-Identifier: MIT */
/*
 * scenario.h - a conformance scenario: a host and the frames sent to it.
 *
 * What?
 *   A scenario is a directory with two files:
 *     topology  the host, in nfu's topology format (nfu/topology.h): each
 *               line a literal iproute2 or sysctl command, so the kernel
 *               side runs them as they are in the host's namespace;
 *     packets   the frames, one a line (pktdesc.h), sent in order, each
 *               from the peer on the other end of the line's device.
 *   The packets file may also say 'peer DEV MAC' to give the peer of DEV
 *   another MAC than the default 02:00:00:00:ff:NN (NN: DEV's number in
 *   order of first appearance in the topology, from 01), and 'sleep MS'
 *   to wait MS milliseconds more before the next frame (both sides: the
 *   kernel side sleeps, nfu's clock advances), and 'host-source ADDR' to
 *   count ADDR among the host's addresses when comparing: the packets
 *   the host makes that NAT sends from another address (REDIRECT's
 *   answers leave from the address the client asked for) have their IP
 *   ID normalised as those from the host's own addresses.
 *
 *   What both sides need of the topology is read here, with just enough
 *   of iproute2's syntax: the devices in order of first appearance (lo
 *   left out), their MACs ('ip link set DEV address MAC', required for
 *   every device: a veth's is random otherwise) and the host's addresses
 *   (to recognise the packets the host makes itself, whose IP ID Linux
 *   randomises).
 *
 * Thread-safety: none needed.
 */
#ifndef NFU_CONF_SCENARIO_H
#define NFU_CONF_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_MAX_DEVS 8
#define CONF_MAX_ADDRS 32
#define CONF_IFNAMSIZ 16

struct conf_dev {
	char name[CONF_IFNAMSIZ];
	uint8_t mac[6];
	uint8_t peer_mac[6];
	bool has_mac;
};

struct conf_frame {
	char dev[CONF_IFNAMSIZ];
	unsigned int line;      /* in the packets file */
	unsigned int sleep_ms;  /* extra wait before it ('sleep MS' lines) */
	char *host_cmds;        /* 'host CMD' lines before it, one a line
				   (malloc'd), or NULL */
	unsigned char *data;
	size_t len;
};

struct conf_scenario {
	char name[128];         /* the directory's last component */
	char dir[1024];
	struct conf_dev devs[CONF_MAX_DEVS];
	unsigned int ndevs;
	uint32_t addrs[CONF_MAX_ADDRS]; /* network order; host-source too */
	unsigned int naddrs;
	struct conf_frame *frames;
	unsigned int nframes;
	unsigned int pending_sleep_ms; /* while loading */
	char *pending_cmds;            /* while loading */
};

/* Reads 'dir'/topology and 'dir'/packets and builds every frame.  Returns
 * 0, or a negative errno with "file:line: message" in 'err'. */
int conf_scenario_load(struct conf_scenario *sc, const char *dir, char *err,
		       size_t errlen);
void conf_scenario_free(struct conf_scenario *sc);

/* The whole of 'dir'/'name', NUL-terminated (malloc'd; the length in
 * 'len' when not NULL), or NULL with errno set (ENOENT: no such file). */
char *conf_scenario_file(const struct conf_scenario *sc, const char *name,
			 size_t *len);

/* The same for the file at 'path'. */
char *conf_read_file(const char *path, size_t *len);

/* Index of the device called 'name' in 'sc->devs', or -1. */
int conf_scenario_dev(const struct conf_scenario *sc, const char *name);

/* Is 'addr' (network order) one of the host's addresses? */
bool conf_scenario_is_local(const struct conf_scenario *sc, uint32_t addr);

#endif
