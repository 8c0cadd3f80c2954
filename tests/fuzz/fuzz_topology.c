/* SPDX-License-Identifier: MIT */
/*
 * fuzz_topology.c - the topology parser on arbitrary bytes.
 *
 * The parser's .c file is included (as wireguard-tools' fuzzers do) so
 * that this target is the parser built with the fuzzer's instrumentation;
 * the rest of the stack comes from the library.  Each input is loaded into
 * a fresh stack.  Besides the sanitizers' findings, a failed load must
 * name a line and say why, and leave the stack with lo only (the
 * transaction).
 */
#include <stdint.h>
#include <stdlib.h>

#include "ipv4/topology.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfu_net *net;
	struct nfu_error err;
	char buf[1024];
	int rc;

	if (size > 1 << 16)
		return 0;
	net = nfu_net_new();
	if (!net)
		return 0;
	rc = nfu_topology_load(net, (const char *)data, size, "fuzz", &err);
	nfu_error_format(&err, buf, sizeof(buf));
	if (rc > 0)
		abort();
	if (rc < 0 && rc != -ENOMEM) {
		if (!err.msg[0] || err.line == 0 || err.column == 0)
			abort();
		if (nfu_dev_count(net) != 1)
			abort();
	}
	nfu_net_free(net);
	return 0;
}
