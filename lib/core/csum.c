/* SPDX-License-Identifier: MIT */
#include "core/csum.h"

#include <string.h>

uint32_t nfu_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const unsigned char *p = buf;
	uint64_t acc = sum;

	/* Words are read in memory order; the one's complement sum is
	 * byte-order independent (RFC 1071, 2.(B)), so the result stored back
	 * with memcpy is right on the wire. */
	while (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t h;
		memcpy(&h, p, 2);
		acc += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t h = 0;
		memcpy(&h, p, 1);
		acc += h;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	/* fold to 32 bits keeping the 16-bit one's complement value */
	acc = (acc & 0xffff) + ((acc >> 16) & 0xffff) + (acc >> 32);
	return (uint32_t)acc;
}

uint32_t nfu_csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto,
			 uint16_t len)
{
	unsigned char ph[12];

	memcpy(ph, &saddr, 4);
	memcpy(ph + 4, &daddr, 4);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = (unsigned char)(len >> 8);
	ph[11] = (unsigned char)len;
	return nfu_csum_partial(ph, sizeof(ph), 0);
}

void nfu_csum_replace2(uint16_t *check, uint16_t from, uint16_t to)
{
	/* HC' = ~(~HC + ~m + m') */
	uint32_t sum = (uint16_t)~*check;
	sum += (uint16_t)~from;
	sum += to;
	*check = nfu_csum_fold(sum);
}

void nfu_csum_replace4(uint16_t *check, uint32_t from, uint32_t to)
{
	uint32_t sum = (uint16_t)~*check;
	sum += (uint16_t)~(from & 0xffff);
	sum += (uint16_t)~(from >> 16);
	sum += to & 0xffff;
	sum += to >> 16;
	*check = nfu_csum_fold(sum);
}

/* csum_add(): a 32-bit one's complement sum. */
static uint32_t csum32_add(uint32_t a, uint32_t b)
{
	a += b;
	return a + (a < b);
}

void nfu_csum_replace4_linux(void *check, uint32_t from, uint32_t to)
{
	uint16_t c;
	uint32_t s;

	memcpy(&c, check, 2);
	s = csum32_add(csum32_add(~(uint32_t)c, ~from), to);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	c = (uint16_t)~s;
	memcpy(check, &c, 2);
}
