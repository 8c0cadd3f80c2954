/* SPDX-License-Identifier: MIT */
/*
 * udp_flood: COUNT UDP datagrams of 32 bytes to ADDR:PORT as fast as
 * sendmmsg() sends them, for bench_queue.sh's Linux side (inside its own
 * network namespace, to 127.0.0.1).  Datagrams the kernel refuses (a full
 * queue drops them: EPERM) are counted, not retried.
 *
 *   udp_flood ADDR PORT COUNT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct mmsghdr msgs[64];
	struct iovec iov;
	char payload[32];
	unsigned long count, sent = 0, refused = 0;
	int fd;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: udp_flood ADDR PORT COUNT\n");
		return 2;
	}
	to.sin_port = htons((uint16_t)atoi(argv[2]));
	count = strtoul(argv[3], NULL, 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(payload, 'x', sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < 64; i++) {
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (sent + refused < count) {
		unsigned int n = count - sent - refused > 64 ? 64 :
			(unsigned int)(count - sent - refused);
		int r = sendmmsg(fd, msgs, n, 0);

		if (r < 0) {
			if (errno != EPERM && errno != ENOBUFS) {
				perror("sendmmsg");
				return 1;
			}
			refused++;
			continue;
		}
		sent += (unsigned long)r;
	}
	printf("sent %lu refused %lu\n", sent, refused);
	close(fd);
	return 0;
}
