/* SPDX-License-Identifier: MIT */
/*
 * nfq_compat.h - run a libnetfilter_queue program on nfu: include
 * <libnfu_queue/libnfu_queue.h> and this file instead of
 * <libnetfilter_queue/libnetfilter_queue.h>, link with libnfu-queue.
 */
#ifndef LIBNFU_QUEUE_NFQ_COMPAT_H
#define LIBNFU_QUEUE_NFQ_COMPAT_H

#include <libnfu_queue/libnfu_queue.h>

#define nfq_handle nfuq_handle
#define nfq_q_handle nfuq_q_handle
#define nfq_data nfuq_data
#define nfq_callback nfuq_callback
#define nfqnl_msg_packet_hdr nfuqnl_msg_packet_hdr
#define NFQNL_COPY_NONE NFUQNL_COPY_NONE
#define NFQNL_COPY_META NFUQNL_COPY_META
#define NFQNL_COPY_PACKET NFUQNL_COPY_PACKET
#define NFQA_CFG_F_FAIL_OPEN NFUQA_CFG_F_FAIL_OPEN
#define NFQA_CFG_F_CONNTRACK NFUQA_CFG_F_CONNTRACK
#define NFQA_CFG_F_GSO NFUQA_CFG_F_GSO
#define NFQA_CFG_F_UID_GID NFUQA_CFG_F_UID_GID
#define NFQA_CFG_F_SECCTX NFUQA_CFG_F_SECCTX
#define NFQA_CFG_F_MAX NFUQA_CFG_F_MAX
#define nfq_open nfuq_open
#define nfq_close nfuq_close
#define nfq_bind_pf nfuq_bind_pf
#define nfq_unbind_pf nfuq_unbind_pf
#define nfq_create_queue nfuq_create_queue
#define nfq_destroy_queue nfuq_destroy_queue
#define nfq_set_mode nfuq_set_mode
#define nfq_set_queue_maxlen nfuq_set_queue_maxlen
#define nfq_set_queue_flags nfuq_set_queue_flags
#define nfq_fd nfuq_fd
#define nfq_handle_packet nfuq_handle_packet
#define nfq_set_verdict nfuq_set_verdict
#define nfq_set_verdict2 nfuq_set_verdict2
#define nfq_set_verdict_batch nfuq_set_verdict_batch
#define nfq_set_verdict_batch2 nfuq_set_verdict_batch2
#define nfq_get_msg_packet_hdr nfuq_get_msg_packet_hdr
#define nfq_get_nfmark nfuq_get_nfmark
#define nfq_get_timestamp nfuq_get_timestamp
#define nfq_get_indev nfuq_get_indev
#define nfq_get_outdev nfuq_get_outdev
#define nfq_get_physindev nfuq_get_physindev
#define nfq_get_physoutdev nfuq_get_physoutdev
#define nfq_get_payload nfuq_get_payload

#endif
