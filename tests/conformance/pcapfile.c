/* SPDX-License-Identifier: MIT */
/*
 * pcapfile.c - classic pcap reading and writing (see pcapfile.h).
 */
#include "pcapfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define LINKTYPE_ETHERNET 1u
#define SNAPLEN 262144u

static void le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

FILE *conf_pcap_create(const char *path)
{
	unsigned char h[24];
	FILE *f = fopen(path, "wb");

	if (!f)
		return NULL;
	le32(h, MAGIC_US);
	h[4] = 2; /* version 2.4 */
	h[5] = 0;
	h[6] = 4;
	h[7] = 0;
	le32(h + 8, 0);  /* thiszone */
	le32(h + 12, 0); /* sigfigs */
	le32(h + 16, SNAPLEN);
	le32(h + 20, LINKTYPE_ETHERNET);
	if (fwrite(h, sizeof(h), 1, f) != 1) {
		fclose(f);
		errno = EIO;
		return NULL;
	}
	return f;
}

int conf_pcap_write(FILE *f, uint64_t ns, const void *frame, size_t len)
{
	unsigned char r[16];

	le32(r, (uint32_t)(ns / 1000000000u));
	le32(r + 4, (uint32_t)(ns % 1000000000u / 1000u));
	le32(r + 8, (uint32_t)len);
	le32(r + 12, (uint32_t)len);
	if (fwrite(r, sizeof(r), 1, f) != 1 ||
	    (len && fwrite(frame, len, 1, f) != 1))
		return -EIO;
	return 0;
}

static uint32_t rd32(const unsigned char *p, int swap)
{
	if (swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

int conf_pcap_read(const char *path,
		   int (*fn)(void *priv, const unsigned char *frame,
			     size_t len),
		   void *priv)
{
	unsigned char h[24], r[16];
	unsigned char *buf = NULL;
	uint32_t magic;
	int swap, ret = 0;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -errno;
	if (fread(h, sizeof(h), 1, f) != 1) {
		ret = -EINVAL;
		goto out;
	}
	magic = rd32(h, 0);
	if (magic == MAGIC_US || magic == MAGIC_NS) {
		swap = 0;
	} else {
		magic = rd32(h, 1);
		if (magic != MAGIC_US && magic != MAGIC_NS) {
			ret = -EINVAL;
			goto out;
		}
		swap = 1;
	}
	if ((rd32(h + 20, swap) & 0x0fffffffu) != LINKTYPE_ETHERNET) {
		ret = -EINVAL;
		goto out;
	}
	buf = malloc(SNAPLEN);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (fread(r, sizeof(r), 1, f) == 1) {
		uint32_t caplen = rd32(r + 8, swap);

		if (caplen > SNAPLEN) {
			ret = -EINVAL;
			break;
		}
		if (caplen && fread(buf, caplen, 1, f) != 1)
			break;
		ret = fn(priv, buf, caplen);
		if (ret)
			break;
	}
out:
	free(buf);
	fclose(f);
	return ret;
}
