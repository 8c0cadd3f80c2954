/* SPDX-License-Identifier: MIT */
/*
 * ext/xt_NFQUEUE.h - which queues a ruleset can send packets to, for
 * whoever must be ready to take them (nfu replay binds a handler to each
 * before the first packet).
 *
 * A rule with -j QUEUE sends to queue 0; NFQUEUE --queue-num N to N;
 * NFQUEUE --queue-balance A:B to any of A..B, which one depends on the
 * packet (xt_NFQUEUE.c), so the whole range counts.
 *
 * Thread-safety
 *   Reads 'rs' only: whoever may change it must not run meanwhile.
 */
#ifndef NFU_EXT_XT_NFQUEUE_H
#define NFU_EXT_XT_NFQUEUE_H

#include <stdint.h>

struct nfu_xt_ruleset;

/* Sets bit q of 'bitmap' (bitmap[q / 8] & (1 << q % 8)) for every queue
 * number q a QUEUE or NFQUEUE rule of any table of 'rs' can choose, and
 * clears the others.  Returns how many bits are set. */
int nfu_xt_queue_nums(const struct nfu_xt_ruleset *rs, uint8_t bitmap[8192]);

#endif
