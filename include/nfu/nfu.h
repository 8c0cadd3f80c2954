/* SPDX-License-Identifier: MIT */
/*
 * nfu/nfu.h - netfilter in user space: the whole embedding API.
 *
 *   struct nfu_net *net = nfu_net_new();          // a host: lo only
 *   nfu_topology_load_file(net, "host.topo", &e); // or nfu_dev_add() …
 *   nfu_net_set_ops(net, &ops);                   // xmit, deliver, dropped
 *   nfu_hook_register(net, &my_hook);             // any hook, any priority
 *   nfu_net_set_time(net, t);
 *   nfu_rx(net, ifindex, frame, len);             // frames in; ops.xmit out
 *   nfu_net_free(net);
 *
 * See examples/embed.c for a complete program.
 */
#ifndef NFU_NFU_H
#define NFU_NFU_H

#include "nfu/capture.h"
#include "nfu/drop.h"
#include "nfu/error.h"
#include "nfu/hook.h"
#include "nfu/net.h"
#include "nfu/pkt.h"
#include "nfu/topology.h"

#endif
