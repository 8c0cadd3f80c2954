/* SPDX-License-Identifier: MIT */
/*
 * queue/queue-private.h - the inside of the queue server (server.c), for
 * its unit test and fuzz target.
 *
 * What?
 *   A way to give the server a connected handler without accept() and to
 *   feed it bytes as if they had been read from that handler's socket, so
 *   that the message handling can be driven byte by byte.
 *
 * Thread-safety
 *   As nfu/queue.h: the thread that drives the stack.
 */
#ifndef NFU_QUEUE_PRIVATE_H
#define NFU_QUEUE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "nfu/queue.h"

struct nfu_queue_client;

/* Make the connected stream socket 'fd' one of the server's handlers, as
 * if accepted (the server owns 'fd' from now on, and closes it).  NULL
 * with 'fd' closed when memory is short. */
struct nfu_queue_client *nfu_queue_server_attach(struct nfu_queue_server *srv,
						 int fd);

/* Handle 'len' bytes of 'c' as if read from its socket: complete messages
 * are carried out at once, a partial one waits for the rest.  Returns the
 * number of messages handled, or -EPIPE when the bytes made the server
 * close 'c' (a malformed message, no HELLO first): then 'c' is gone and
 * must not be used again. */
int nfu_queue_client_input(struct nfu_queue_server *srv,
			   struct nfu_queue_client *c, const uint8_t *buf,
			   size_t len);

/* Bytes queued for 'c' and not yet sent. */
size_t nfu_queue_client_unsent(const struct nfu_queue_client *c);

/* The most a handler's output buffer may hold before the packets for it
 * count as unreachable (queue_user_dropped).  Default 8 MiB. */
void nfu_queue_server_set_out_limit(struct nfu_queue_server *srv,
				    size_t limit);

#endif
