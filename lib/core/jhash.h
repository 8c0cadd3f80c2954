/* SPDX-License-Identifier: MIT */
/*
 * core/jhash.h - Bob Jenkins' lookup3 hash of 32-bit words, which is
 * Linux's jhash2() and jhash_3words() (<linux/jhash.h>), and Linux's
 * reciprocal_scale().
 *
 * Where Linux's choice depends on a hash (the address NAT picks from a
 * range, the queue NFQUEUE --queue-balance picks), nfu must compute the
 * same bits from the same words and initval: these functions do.
 * jhash_3words(a, b, c, iv) is jhash2({a, b, c}, 3, iv), as the two
 * start from the same state (0xdeadbeef + 12 + iv) and mix alike.
 */
#ifndef NFU_CORE_JHASH_H
#define NFU_CORE_JHASH_H

#include <stdint.h>

static inline uint32_t nfu_rol32(uint32_t v, unsigned int s)
{
	return (v << s) | (v >> (32 - s));
}

/* 'n' words at 'k' hashed with 'initval' (Linux's jhash2()). */
static inline uint32_t nfu_jhash2(const uint32_t *k, uint32_t n,
				  uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeefu + (n << 2) + initval;
	while (n > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		/* __jhash_mix() */
		a -= c; a ^= nfu_rol32(c, 4); c += b;
		b -= a; b ^= nfu_rol32(a, 6); a += c;
		c -= b; c ^= nfu_rol32(b, 8); b += a;
		a -= c; a ^= nfu_rol32(c, 16); c += b;
		b -= a; b ^= nfu_rol32(a, 19); a += c;
		c -= b; c ^= nfu_rol32(b, 4); b += a;
		n -= 3;
		k += 3;
	}
	switch (n) {
	case 3:
		c += k[2];
		/* fall through */
	case 2:
		b += k[1];
		/* fall through */
	case 1:
		a += k[0];
		/* __jhash_final() */
		c ^= b; c -= nfu_rol32(b, 14);
		a ^= c; a -= nfu_rol32(c, 11);
		b ^= a; b -= nfu_rol32(a, 25);
		c ^= b; c -= nfu_rol32(b, 16);
		a ^= c; a -= nfu_rol32(c, 4);
		b ^= a; b -= nfu_rol32(a, 14);
		c ^= b; c -= nfu_rol32(b, 24);
		break;
	default:
		break;
	}
	return c;
}

/* Linux's jhash_3words(). */
static inline uint32_t nfu_jhash_3words(uint32_t a, uint32_t b, uint32_t c,
					uint32_t initval)
{
	const uint32_t k[3] = { a, b, c };

	return nfu_jhash2(k, 3, initval);
}

/* reciprocal_scale(): 'v' scaled into [0, n). */
static inline uint32_t nfu_reciprocal_scale(uint32_t v, uint32_t n)
{
	return (uint32_t)(((uint64_t)v * n) >> 32);
}

#endif
