/* SPDX-License-Identifier: MIT */
/*
 * The TCP tracker: Linux 6.x's nf_conntrack_proto_tcp.c in nfu's words.
 *
 * What?
 *   A state machine over the segments seen in both directions (SYN_SENT,
 *   SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT,
 *   CLOSE, SYN_SENT2), with the window tracking of Guido van Rooij's
 *   "Real Stateful TCP Packet Filtering in IP Filter" as Linux does it:
 *   a segment must fall in the receiver's window and acknowledge only
 *   what was sent, else it is INVALID (or, when the firewall may be the
 *   one out of sync, let through without moving anything: "ignored").
 *
 * Basic design
 *   - Every segment is first checked on its own (Linux's tcp_error()):
 *     a header that is short or has a bad data offset, a checksum that
 *     is wrong (at PRE_ROUTING, with nf_conntrack_checksum), or flags no
 *     TCP sends (SYN+FIN, FIN alone, none...) make it INVALID.
 *   - A connection starts only with a SYN; with nf_conntrack_tcp_loose,
 *     an ACK picks one up in the middle, in ESTABLISHED, with both
 *     directions' window checks liberal (its history, window scaling
 *     included, is lost).
 *   - The next state comes from a table indexed by direction, the
 *     segment's class (SYN, SYN+ACK, FIN, ACK, RST, none: RST first,
 *     then SYN, FIN, ACK) and the current state.  The table says IGNORE
 *     where the two ends may be in sync while the firewall is not (a SYN
 *     in ESTABLISHED, a SYN+ACK answering a SYN the firewall never saw):
 *     such a segment passes with its connection but changes nothing,
 *     and what it carried is remembered to resynchronise on the answer.
 *   - Each direction keeps td_end (highest seq + len sent), td_maxend
 *     (highest ack + window the peer offered), td_maxwin (largest window
 *     it offered, scaled) and td_maxack.  Window scaling and SACK-
 *     permitted are read from the SYN and SYN+ACK; scaling is used only
 *     when both sent the option (RFC 1323).
 *   - A SYN in TIME_WAIT or CLOSE reopens when a close was begun with a
 *     FIN or the same side's RST came last: the old connection is killed
 *     and the core looks the packet up again (-NFU_REPEAT) to make a new
 *     one.  Other SYNs there are ignored, as in any live state.
 *   - Timeouts are nf_conntrack_tcp_timeout_* by state, shortened to
 *     _max_retrans's (300 s) after nf_conntrack_tcp_max_retrans
 *     identical ACKs or for a zero window, to _unacknowledged's (300 s)
 *     while data is unacknowledged or before any reply, to CLOSE's
 *     after an RST.  A connection is ASSURED by an ACK that moves
 *     SYN_RECV (or a picked-up ESTABLISHED) to ESTABLISHED once the
 *     reply direction was seen.
 *
 * A NAT helper that changes the length of a payload (FTP's PORT
 * rewritten) moves the later sequence numbers of its direction; the
 * acknowledgements of the other are read back through that offset
 * (nfu_nat_seq_offset(), Linux's receiver_offset).  What is not here:
 * SYN proxy, per-connection timeout policies.
 *
 * Thread-safety
 *   The stack's thread only.
 */
#include <stdio.h>
#include <string.h>

#include "conntrack/ct-private.h"

#define NS_PER_SEC 1000000000ull

/* TCP header flags (byte 13). */
enum {
	TF_FIN = 0x01,
	TF_SYN = 0x02,
	TF_RST = 0x04,
	TF_PSH = 0x08,
	TF_ACK = 0x10,
	TF_URG = 0x20,
	TF_ECE = 0x40,
	TF_CWR = 0x80,
};

/* A segment's class, the state machine's second index (Linux's enum
 * tcp_bit_set; last_index keeps one of these). */
enum seg_class {
	SEG_SYN,
	SEG_SYNACK,
	SEG_FIN,
	SEG_ACK,
	SEG_RST,
	SEG_NONE,
};

/* Short names for the table. */
#define xNO NFU_CT_TCP_NONE
#define xSS NFU_CT_TCP_SYN_SENT
#define xSR NFU_CT_TCP_SYN_RECV
#define xES NFU_CT_TCP_ESTABLISHED
#define xFW NFU_CT_TCP_FIN_WAIT
#define xCW NFU_CT_TCP_CLOSE_WAIT
#define xLA NFU_CT_TCP_LAST_ACK
#define xTW NFU_CT_TCP_TIME_WAIT
#define xCL NFU_CT_TCP_CLOSE
#define xS2 NFU_CT_TCP_SYN_SENT2
#define xIV NFU_CT_TCP_MAX    /* invalid */
#define xIG NFU_CT_TCP_IGNORE /* let through, change nothing */

/*
 * next_state[direction][class][state]: Linux 6.x's tcp_conntracks.
 * Columns: NONE, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT,
 * LAST_ACK, TIME_WAIT, CLOSE, SYN_SENT2.
 */
static const uint8_t next_state[2][6][NFU_CT_TCP_MAX] = {
	[NFU_CT_DIR_ORIGINAL] = {
		/* a new SYN: starts, is retransmitted, or reopens a closed
		 * one; in a live connection the firewall may be out of sync */
		[SEG_SYN] = { xSS, xSS, xIG, xIG, xIG, xIG, xIG, xSS, xSS, xS2 },
		/* the client answers its own SYN only in simultaneous open */
		[SEG_SYNACK] = { xIV, xIV, xSR, xIV, xIV, xIV, xIV, xIV, xIV, xSR },
		[SEG_FIN] = { xIV, xIV, xFW, xFW, xLA, xLA, xLA, xTW, xCL, xIV },
		/* an ACK from nothing: picked up mid-stream (when loose) */
		[SEG_ACK] = { xES, xIV, xES, xES, xCW, xCW, xTW, xTW, xCL, xIV },
		[SEG_RST] = { xIV, xCL, xCL, xCL, xCL, xCL, xCL, xCL, xCL, xCL },
		[SEG_NONE] = { xIV, xIV, xIV, xIV, xIV, xIV, xIV, xIV, xIV, xIV },
	},
	[NFU_CT_DIR_REPLY] = {
		/* simultaneous open; in TIME_WAIT the server may reopen with
		 * the roles swapped */
		[SEG_SYN] = { xIV, xS2, xIV, xIV, xIV, xIV, xIV, xSS, xIV, xS2 },
		/* the normal answer; a late one is ignored */
		[SEG_SYNACK] = { xIV, xSR, xIG, xIG, xIG, xIG, xIG, xIG, xIG, xSR },
		[SEG_FIN] = { xIV, xIV, xFW, xFW, xLA, xLA, xLA, xTW, xCL, xIV },
		/* an ACK to a SYN: maybe a half-open connection (ignored) */
		[SEG_ACK] = { xIV, xIG, xSR, xES, xCW, xCW, xTW, xTW, xCL, xIG },
		[SEG_RST] = { xIV, xCL, xCL, xCL, xCL, xCL, xCL, xCL, xCL, xCL },
		[SEG_NONE] = { xIV, xIV, xIV, xIV, xIV, xIV, xIV, xIV, xIV, xIV },
	},
};

static const char *const state_names[NFU_CT_TCP_MAX] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

/*
 * The flag combinations a TCP sends, PSH, ECE and CWR aside (Linux's
 * tcp_valid_flags): bit n of the word for FIN|SYN|RST|ACK|URG == n.
 */
static bool flags_valid(uint8_t flags)
{
	static const uint8_t ok[] = {
		TF_SYN, TF_SYN | TF_URG, TF_SYN | TF_ACK,
		TF_RST, TF_RST | TF_ACK,
		TF_FIN | TF_ACK, TF_FIN | TF_ACK | TF_URG,
		TF_ACK, TF_ACK | TF_URG,
	};
	uint8_t f = flags & (uint8_t)~(TF_PSH | TF_ECE | TF_CWR);

	for (size_t i = 0; i < sizeof(ok); i++)
		if (ok[i] == f)
			return true;
	return false;
}

/* Sequence space comparisons (RFC 1982 arithmetic, as Linux's before()
 * and after()). */
static inline bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool seq_after(uint32_t a, uint32_t b)
{
	return seq_before(b, a);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* What the tracker reads of one segment. */
struct seg {
	const uint8_t *th;     /* the TCP header, 'hlen' bytes there */
	unsigned int hlen;     /* data offset in bytes */
	uint32_t seq, ack, end;
	uint16_t win;          /* as sent, unscaled */
	uint8_t flags;
	enum seg_class cls;
};

static enum seg_class classify(uint8_t flags)
{
	if (flags & TF_RST)
		return SEG_RST;
	if (flags & TF_SYN)
		return flags & TF_ACK ? SEG_SYNACK : SEG_SYN;
	if (flags & TF_FIN)
		return SEG_FIN;
	if (flags & TF_ACK)
		return SEG_ACK;
	return SEG_NONE;
}

/*
 * tcp_error(): the checks of a segment on its own.  Fills 's' and returns
 * true when the segment can be tracked.  'l4len' is what the IP packet
 * holds from the TCP header on.
 */
static bool read_segment(const struct nfu_ct_net *cn, const struct nfu_pkt *pkt,
			 unsigned int thoff, unsigned int hook, struct seg *s)
{
	size_t l4len = nfu_ct_l4_len(pkt, thoff);
	const uint8_t *th = nfu_pkt_network_header(pkt) + thoff;

	if (l4len < 20)
		return false; /* no whole header */
	s->th = th;
	s->hlen = (th[12] >> 4) * 4u;
	if (s->hlen < 20 || l4len < s->hlen)
		return false; /* "truncated packet" */
	/* as Linux: only what arrives is checked, the host's own output is
	 * assumed right */
	if (cn->sysctl.checksum && hook == NFU_INET_PRE_ROUTING &&
	    !nfu_ct_l4_csum_ok(pkt, thoff, l4len, 6))
		return false; /* "bad checksum" */
	s->flags = th[13];
	if (!flags_valid(s->flags))
		return false; /* "invalid tcp flag combination" */
	s->seq = get32(th + 4);
	s->ack = get32(th + 8);
	s->win = (uint16_t)(th[14] << 8 | th[15]);
	/* SYN and FIN each take one sequence number */
	s->end = s->seq + (uint32_t)(l4len - s->hlen) +
		 !!(s->flags & TF_SYN) + !!(s->flags & TF_FIN);
	s->cls = classify(s->flags);
	return true;
}

/*
 * The options of a SYN or SYN+ACK: window scale and SACK-permitted into
 * 'st' (Linux's tcp_options()).  A header without options changes
 * nothing; else the scale and flags start again, BE_LIBERAL kept.
 */
static void read_options(const struct seg *s, struct nfu_ct_tcp_state *st)
{
	const uint8_t *o = s->th + 20;
	unsigned int len = s->hlen - 20, i = 0;

	if (!len)
		return;
	st->td_scale = 0;
	st->flags &= NFU_CT_TCP_FLAG_BE_LIBERAL;
	while (i < len) {
		unsigned int kind = o[i], olen;

		if (kind == 0) /* end of options */
			return;
		if (kind == 1) { /* no-op */
			i++;
			continue;
		}
		if (len - i < 2)
			return;
		olen = o[i + 1];
		if (olen < 2 || olen > len - i)
			return; /* silly or cut: stop there */
		if (kind == 4 && olen == 2) {
			st->flags |= NFU_CT_TCP_FLAG_SACK_PERM;
		} else if (kind == 3 && olen == 3) {
			/* RFC 7323: a shift above 14 is taken as 14 */
			st->td_scale = o[i + 2] > 14 ? 14 : o[i + 2];
			st->flags |= NFU_CT_TCP_FLAG_WINDOW_SCALE;
		}
		i += olen;
	}
}

/*
 * The highest right edge of the SACK blocks of the first SACK option
 * after 'sack' (Linux's tcp_sack()); 'sack' unchanged when none.
 */
static uint32_t sack_edge(const struct seg *s, uint32_t sack)
{
	const uint8_t *o = s->th + 20;
	unsigned int len = s->hlen - 20, i = 0;

	/* the usual case: timestamps alone, NOP NOP TS 10 */
	if (len == 12 && o[0] == 1 && o[1] == 1 && o[2] == 8 && o[3] == 10)
		return sack;
	while (i < len) {
		unsigned int kind = o[i], olen;

		if (kind == 0)
			return sack;
		if (kind == 1) {
			i++;
			continue;
		}
		if (len - i < 2)
			return sack;
		olen = o[i + 1];
		if (olen < 2 || olen > len - i)
			return sack;
		if (kind == 5 && olen >= 10 && (olen - 2) % 8 == 0) {
			for (unsigned int b = i + 2; b < i + olen; b += 8) {
				uint32_t right = get32(o + b + 4);

				if (seq_after(right, sack))
					sack = right;
			}
			return sack;
		}
		i += olen;
	}
	return sack;
}

/*
 * The first SYN+ACK (or a reply-direction SYN in simultaneous open, or a
 * SYN that starts again with a higher sequence) defines its sender's
 * window (Linux's tcp_init_sender()).
 */
static void init_sender(struct nfu_ct_tcp_state *sender,
			struct nfu_ct_tcp_state *receiver, const struct seg *s,
			unsigned int dir)
{
	sender->td_end = s->end;
	sender->td_maxend = s->end;
	sender->td_maxwin = s->win ? s->win : 1;
	read_options(s, sender);
	/* RFC 1323: scaling only when both ends offered it */
	if (dir == NFU_CT_DIR_REPLY &&
	    !((sender->flags & NFU_CT_TCP_FLAG_WINDOW_SCALE) &&
	      (receiver->flags & NFU_CT_TCP_FLAG_WINDOW_SCALE))) {
		sender->td_scale = 0;
		receiver->td_scale = 0;
	}
}

/* What the window check decides (Linux's enum nf_ct_tcp_action). */
enum win_verdict {
	WIN_IGNORE,  /* let through, change nothing */
	WIN_INVALID,
	WIN_ACCEPT,
};

/* A failed window check: INVALID or ignored, or accepted all the same
 * when this direction or the stack is liberal. */
static enum win_verdict window_fails(const struct nfu_ct *ct,
				     const struct nfu_ct_tcp_state *sender,
				     enum win_verdict v)
{
	if ((sender->flags & NFU_CT_TCP_FLAG_BE_LIBERAL) ||
	    ct->cn->sysctl.tcp_be_liberal)
		return WIN_ACCEPT;
	return v;
}

/* The lowest acknowledgement accepted from 'sender' lies this far below
 * what the receiver sent (Linux's MAXACKWINDOW). */
static uint32_t max_ack_window(const struct nfu_ct_tcp_state *sender)
{
	return sender->td_maxwin > 66000 ? sender->td_maxwin : 66000;
}

/*
 * tcp_in_window(): is segment 's' of direction 'dir' within the windows?
 * Updates both directions' window data when it is.
 */
static enum win_verdict in_window(struct nfu_ct *ct, unsigned int dir,
				  const struct seg *s)
{
	struct nfu_ct_tcp *tcp = &ct->proto.tcp;
	struct nfu_ct_tcp_state *sender = &tcp->seen[dir];
	struct nfu_ct_tcp_state *receiver = &tcp->seen[!dir];
	uint32_t seq = s->seq, ack = s->ack, sack = s->ack, end = s->end;
	uint32_t win = s->win, swin;

	if (receiver->flags & NFU_CT_TCP_FLAG_SACK_PERM)
		sack = sack_edge(s, sack);
	/* a NAT helper changed the length of the receiver's data: this
	 * acknowledges what the receiver's peer got, moved by the offset;
	 * the window data is kept in the receiver's own numbering (Linux's
	 * receiver_offset) */
	if (ct->status & NFU_IPS_SEQ_ADJUST) {
		uint32_t off = (uint32_t)nfu_nat_seq_offset(ct, !dir, ack - 1);

		ack -= off;
		sack -= off;
	}

	if (sender->td_maxwin == 0) {
		/* first segment of this direction */
		if (s->flags & TF_SYN) {
			init_sender(sender, receiver, s, dir);
			if (!(s->flags & TF_ACK))
				return WIN_ACCEPT; /* simultaneous open */
		} else {
			/* mid-stream: learn what we can from the segment */
			sender->td_end = end;
			swin = win << sender->td_scale;
			sender->td_maxwin = swin ? swin : 1;
			sender->td_maxend = end + sender->td_maxwin;
			if (receiver->td_maxwin == 0) {
				/* nothing seen the other way yet: let its
				 * acknowledgements pass the checks below */
				receiver->td_end = sack;
				receiver->td_maxend = sack;
			} else if (sack == receiver->td_end + 1) {
				/* likely the answer to a keepalive */
				receiver->td_end++;
			}
		}
	} else if ((s->flags & TF_SYN) && seq_after(end, sender->td_end) &&
		   (tcp->state == NFU_CT_TCP_SYN_SENT ||
		    tcp->state == NFU_CT_TCP_SYN_RECV)) {
		/* RFC 793: a restarted end may use a higher sequence at
		 * once; take its SYN (or SYN+ACK) as the first */
		init_sender(sender, receiver, s, dir);
		if (dir == NFU_CT_DIR_REPLY && !(s->flags & TF_ACK))
			return WIN_ACCEPT;
	}

	if (!(s->flags & TF_ACK)) {
		ack = sack = receiver->td_end; /* as if it acknowledged all */
	} else if ((s->flags & TF_RST) && ack == 0) {
		/* stacks that send RST+ACK with a zero acknowledgement */
		ack = sack = receiver->td_end;
	}

	if ((s->flags & TF_RST) && seq == 0 &&
	    tcp->state == NFU_CT_TCP_SYN_SENT) {
		/* an RST answering a SYN */
		seq = end = sender->td_end;
	}

	/* I. upper bound for the data: the window the receiver offered */
	if (!seq_before(seq, sender->td_maxend + 1)) {
		uint32_t overshot = end - sender->td_maxend + 1;
		bool ack_ok = seq_after(sack, receiver->td_end -
					max_ack_window(sender) - 1);
		bool in_rwin = receiver->td_maxwin &&
			       seq_after(end, sender->td_end -
					 receiver->td_maxwin - 1);

		if (in_rwin && ack_ok && overshot <= receiver->td_maxwin &&
		    seq_before(sack, receiver->td_end + 1)) {
			/* a sender that overran the window a little: if the
			 * peer acknowledges that data, what follows must not
			 * fail the acknowledgement bound, so learn its end */
			sender->td_end = end;
			sender->flags |= NFU_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
			return window_fails(ct, sender, WIN_IGNORE);
		}
		return window_fails(ct, sender, WIN_INVALID);
	}
	/* III. upper bound for the acknowledgement: only what was sent */
	if (!seq_before(sack, receiver->td_end + 1))
		return window_fails(ct, sender, WIN_INVALID);
	/* II. lower bound for the data: already acknowledged data again */
	if (receiver->td_maxwin &&
	    !seq_after(end, sender->td_end - receiver->td_maxwin - 1))
		return window_fails(ct, sender, WIN_IGNORE);
	/* IV. lower bound for the acknowledgement: an overly delayed one */
	if (!seq_after(sack, receiver->td_end - max_ack_window(sender) - 1))
		return window_fails(ct, sender, WIN_IGNORE);

	/* in window: learn from it */
	if (!(s->flags & TF_SYN))
		win <<= sender->td_scale;
	swin = win + (sack - ack);
	if (sender->td_maxwin < swin)
		sender->td_maxwin = swin;
	if (seq_after(end, sender->td_end)) {
		sender->td_end = end;
		sender->flags |= NFU_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
	}
	if (s->flags & TF_ACK) {
		if (!(sender->flags & NFU_CT_TCP_FLAG_MAXACK_SET)) {
			sender->td_maxack = ack;
			sender->flags |= NFU_CT_TCP_FLAG_MAXACK_SET;
		} else if (seq_after(ack, sender->td_maxack)) {
			sender->td_maxack = ack;
		}
	}
	if (receiver->td_maxwin != 0 && seq_after(end, sender->td_maxend))
		receiver->td_maxwin += end - sender->td_maxend;
	if (seq_after(sack + win, receiver->td_maxend - 1)) {
		receiver->td_maxend = sack + win;
		if (win == 0)
			receiver->td_maxend++;
	}
	if (ack == receiver->td_end)
		receiver->flags &= ~NFU_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;

	/* the same bare ACK again: a retransmission */
	if (s->cls == SEG_ACK) {
		if (tcp->last_dir == dir && tcp->last_seq == seq &&
		    tcp->last_ack == ack && tcp->last_end == end &&
		    tcp->last_win == s->win) {
			tcp->retrans++;
		} else {
			tcp->last_dir = (uint8_t)dir;
			tcp->last_seq = seq;
			tcp->last_ack = ack;
			tcp->last_end = end;
			tcp->last_win = s->win;
			tcp->retrans = 0;
		}
	}
	return WIN_ACCEPT;
}

/*
 * nf_tcp_handle_invalid(): a FIN or RST out of window answering one of
 * the other side that was out of window too: both ends have likely
 * forgotten the connection while conntrack has not, so an assured one
 * does not linger for days: its timeout drops to _unacknowledged's.
 */
static void invalid_close(struct nfu_ct *ct, unsigned int dir,
			  enum seg_class cls)
{
	struct nfu_ct_tcp *tcp = &ct->proto.tcp;
	const struct nfu_ct_sysctl *sc = &ct->cn->sysctl;
	uint64_t now, left, unack;

	if (!(ct->status & NFU_IPS_ASSURED) ||
	    (ct->status & NFU_IPS_FIXED_TIMEOUT))
		return;
	if (cls != SEG_RST && cls != SEG_FIN)
		return;
	if (tcp->last_dir == dir ||
	    (tcp->last_index != SEG_FIN && tcp->last_index != SEG_RST)) {
		tcp->last_index = (uint8_t)cls;
		tcp->last_dir = (uint8_t)dir;
		return;
	}
	now = nfu_net_now(ct->cn->net);
	left = (int64_t)(ct->timeout - now) > 0 ? ct->timeout - now : 0;
	if (left < 120 * NS_PER_SEC)
		return;
	unack = (uint64_t)sc->tcp_timeouts[NFU_CT_TCP_UNACK] * NS_PER_SEC;
	if (left > unack)
		ct->timeout = now + unack;
}

/* Linux's tcp_can_early_drop(): a closing connection may go early. */
static bool tcp_can_early_drop(const struct nfu_ct *ct)
{
	switch (ct->proto.tcp.state) {
	case NFU_CT_TCP_FIN_WAIT:
	case NFU_CT_TCP_LAST_ACK:
	case NFU_CT_TCP_TIME_WAIT:
	case NFU_CT_TCP_CLOSE:
	case NFU_CT_TCP_CLOSE_WAIT:
		return true;
	default:
		return false;
	}
}

/*
 * nf_conntrack_tcp_set_closing(): REJECT answered a segment of 'ct' with
 * a reset, so both ends are taken to be gone.  A confirmed connection
 * goes to CLOSE; its timeout becomes CLOSE's from now, unless it was in
 * CLOSE already (the timeout it has runs on) or its timeout is fixed.
 */
static void tcp_set_closing(struct nfu_ct *ct)
{
	uint8_t old = ct->proto.tcp.state;

	if (!(ct->status & NFU_IPS_CONFIRMED))
		return;
	ct->proto.tcp.state = NFU_CT_TCP_CLOSE;
	if (old == NFU_CT_TCP_CLOSE)
		return;
	nfu_ct_refresh(ct, ct->cn->sysctl.tcp_timeouts[NFU_CT_TCP_CLOSE]);
}

void nfu_ct_set_closing(struct nfu_ct *ct)
{
	if (!ct || (ct->status & (NFU_IPS_TEMPLATE | NFU_IPS_UNTRACKED)))
		return;
	/* as nf_conntrack_set_closing(): TCP alone has something to close */
	if (ct->l4 == &nfu_ct_l4proto_tcp)
		tcp_set_closing(ct);
}

/* Linux's nf_conntrack_tcp_established(). */
static bool established(const struct nfu_ct *ct)
{
	return ct->proto.tcp.state == NFU_CT_TCP_ESTABLISHED &&
	       (ct->status & NFU_IPS_ASSURED);
}

/*
 * tcp_new(): may segment 's' make a connection?  Sets up the original
 * direction's window from it.
 */
static bool new_connection(struct nfu_ct *ct, const struct seg *s)
{
	struct nfu_ct_tcp *tcp = &ct->proto.tcp;
	struct nfu_ct_tcp_state *orig = &tcp->seen[NFU_CT_DIR_ORIGINAL];
	uint8_t st = next_state[NFU_CT_DIR_ORIGINAL][s->cls][NFU_CT_TCP_NONE];

	if (st >= NFU_CT_TCP_MAX)
		return false; /* "invalid new" */
	if (st != NFU_CT_TCP_SYN_SENT && !ct->cn->sysctl.tcp_loose)
		return false; /* no picking up */
	memset(tcp, 0, sizeof(*tcp));
	orig->td_end = s->end;
	orig->td_maxwin = s->win ? s->win : 1;
	if (st == NFU_CT_TCP_SYN_SENT) {
		orig->td_maxend = s->end;
		read_options(s, orig);
	} else {
		/* mid-stream: the scale factors are unknown, so window
		 * checks cannot hold; assume SACK */
		orig->td_maxend = s->end + orig->td_maxwin;
		orig->flags = NFU_CT_TCP_FLAG_SACK_PERM |
			      NFU_CT_TCP_FLAG_BE_LIBERAL;
		tcp->seen[NFU_CT_DIR_REPLY].flags = orig->flags;
	}
	tcp->last_index = SEG_NONE;
	return true;
}

/* Back to nothing known of a direction (BE_LIBERAL stays). */
static void forget_direction(struct nfu_ct_tcp_state *st)
{
	uint8_t liberal = st->flags & NFU_CT_TCP_FLAG_BE_LIBERAL;

	memset(st, 0, sizeof(*st));
	st->flags = liberal;
}

/*
 * A segment the table says to ignore: the connection may be out of sync
 * with the ends.  Returns true when it turns out to be the SYN+ACK to a
 * SYN ignored before (both ends agree, the firewall did not): the
 * connection then starts again from that SYN, *old_state set to
 * SYN_SENT, and the segment goes on to the window check.  false: it
 * passes with nothing changed but what is remembered of it.
 */
static bool ignored(struct nfu_ct *ct, unsigned int dir, const struct seg *s,
		    uint8_t *old_state)
{
	struct nfu_ct_tcp *tcp = &ct->proto.tcp;

	if (s->cls == SEG_SYNACK && tcp->last_index == SEG_SYN &&
	    tcp->last_dir != dir && s->ack == tcp->last_end) {
		struct nfu_ct_tcp_state *syn = &tcp->seen[tcp->last_dir];

		*old_state = NFU_CT_TCP_SYN_SENT;
		syn->td_end = tcp->last_end;
		syn->td_maxend = tcp->last_end;
		syn->td_maxwin = tcp->last_win ? tcp->last_win : 1;
		syn->td_scale = tcp->last_wscale;
		tcp->last_flags &= (uint8_t)~NFU_CT_EXP_CHALLENGE_ACK;
		syn->flags = tcp->last_flags;
		forget_direction(&tcp->seen[dir]);
		return true;
	}
	tcp->last_index = (uint8_t)s->cls;
	tcp->last_dir = (uint8_t)dir;
	tcp->last_seq = s->seq;
	tcp->last_end = s->end;
	tcp->last_win = s->win;
	if (s->cls == SEG_SYN && dir == NFU_CT_DIR_ORIGINAL) {
		/* a new SYN the firewall does not believe: keep its options
		 * for the SYN+ACK that may prove it right */
		struct nfu_ct_tcp_state opts = { 0 };

		read_options(s, &opts);
		tcp->last_flags = 0;
		tcp->last_wscale = 0;
		if (opts.flags & NFU_CT_TCP_FLAG_WINDOW_SCALE) {
			tcp->last_flags |= NFU_CT_TCP_FLAG_WINDOW_SCALE;
			tcp->last_wscale = opts.td_scale;
		}
		if (opts.flags & NFU_CT_TCP_FLAG_SACK_PERM)
			tcp->last_flags |= NFU_CT_TCP_FLAG_SACK_PERM;
		/* RFC 5961: the answer may be a challenge ACK, which in
		 * LAST_ACK must not pass for the ACK of the last FIN */
		if (*old_state == NFU_CT_TCP_LAST_ACK)
			tcp->last_flags |= NFU_CT_EXP_CHALLENGE_ACK;
	}
	/* an ACK answering the SYN: maybe a challenge ACK, whose RST
	 * would carry this sequence */
	if (*old_state == NFU_CT_TCP_SYN_SENT && s->cls == SEG_ACK &&
	    dir == NFU_CT_DIR_REPLY)
		tcp->last_ack = s->ack;
	return false;
}

/* What an RST does to the state. */
enum rst_verdict {
	RST_CHECK,      /* on to the window check */
	RST_IN_WINDOW,  /* taken without the window check */
	RST_INVALID,
};

/*
 * An RST in a connection that was not closing.  It closes when its
 * sequence is the one the peer acknowledged last (RFC 5961); one within
 * the window but not exact leaves an established connection as it is
 * ('*new_state' set back), for the challenge ACK that will follow.
 */
static enum rst_verdict rst_check(struct nfu_ct *ct, unsigned int dir,
				  const struct seg *s, uint8_t old_state,
				  uint8_t *new_state)
{
	struct nfu_ct_tcp *tcp = &ct->proto.tcp;
	const struct nfu_ct_tcp_state *peer = &tcp->seen[!dir];

	/* closing: the tuple may have been reused already, the window
	 * data is stale */
	if (tcp_can_early_drop(ct))
		return RST_IN_WINDOW;
	/* td_maxack is stale when a SYN was let through since */
	if ((peer->flags & NFU_CT_TCP_FLAG_MAXACK_SET) &&
	    tcp->last_index != SEG_SYN) {
		/* the exits here skip the two cases below, as Linux's
		 * breaks out of its switch do */
		if (s->seq == 0 && !established(ct))
			return RST_CHECK; /* answering a SYN let through */
		if (seq_before(s->seq, peer->td_maxack) &&
		    !ct->cn->sysctl.tcp_ignore_invalid_rst)
			return RST_INVALID;
		if (!established(ct) || s->seq == peer->td_maxack)
			return RST_CHECK;
		/* the end of a train: data, then RST at its end */
		if (tcp->last_index == SEG_ACK && tcp->last_dir == dir &&
		    s->seq == tcp->last_end)
			return RST_CHECK;
		*new_state = old_state;
	}
	/* answering a SYN (a) or an ACK of a half-open connection (c) let
	 * through ignored: it may acknowledge what we never took in */
	if (((ct->status & NFU_IPS_SEEN_REPLY) && tcp->last_index == SEG_SYN) ||
	    (!(ct->status & NFU_IPS_ASSURED) && tcp->last_index == SEG_ACK)) {
		if (s->ack == tcp->last_end)
			return RST_IN_WINDOW;
	}
	/* answering a challenge ACK let through in SYN_SENT */
	if (old_state == NFU_CT_TCP_SYN_SENT && tcp->last_index == SEG_ACK &&
	    tcp->last_dir == NFU_CT_DIR_REPLY && s->seq == tcp->last_ack)
		return RST_IN_WINDOW;
	return RST_CHECK;
}

/* The timeout of a connection entering 'st' by segment 's' (seconds). */
static uint32_t timeout_for(const struct nfu_ct *ct, uint8_t st,
			    const struct seg *s)
{
	const struct nfu_ct_tcp *tcp = &ct->proto.tcp;
	const uint32_t *t = ct->cn->sysctl.tcp_timeouts;
	uint8_t any = tcp->seen[0].flags | tcp->seen[1].flags;

	if (tcp->retrans >= ct->cn->sysctl.tcp_max_retrans &&
	    t[st] > t[NFU_CT_TCP_RETRANS])
		return t[NFU_CT_TCP_RETRANS];
	if (s->cls == SEG_RST)
		return t[NFU_CT_TCP_CLOSE];
	if ((any & NFU_CT_TCP_FLAG_DATA_UNACKNOWLEDGED) &&
	    t[st] > t[NFU_CT_TCP_UNACK])
		return t[NFU_CT_TCP_UNACK];
	if (tcp->last_win == 0 && t[st] > t[NFU_CT_TCP_RETRANS])
		return t[NFU_CT_TCP_RETRANS]; /* a zero window */
	return t[st];
}

/* nf_conntrack_tcp_packet() */
static int tcp_packet(struct nfu_ct *ct, struct nfu_pkt *pkt,
		      unsigned int thoff, enum nfu_ctinfo ctinfo,
		      unsigned int hook)
{
	struct nfu_ct_tcp *tcp = &ct->proto.tcp;
	const uint32_t *t = ct->cn->sysctl.tcp_timeouts;
	unsigned int dir = nfu_ctinfo_dir(ctinfo);
	uint8_t old_state, new_state;
	uint32_t timeout;
	struct seg s;

	if (!read_segment(ct->cn, pkt, thoff, hook, &s))
		return -(int)NFU_ACCEPT;
	if (!(ct->status & NFU_IPS_CONFIRMED) && !new_connection(ct, &s))
		return -(int)NFU_ACCEPT;

	old_state = tcp->state;
	new_state = next_state[dir][s.cls][old_state];

	switch (new_state) {
	case NFU_CT_TCP_SYN_SENT:
		if (old_state < NFU_CT_TCP_TIME_WAIT)
			break;
		/* RFC 1122: a SYN may reopen a connection in TIME_WAIT;
		 * so after an RST of the same side (the client aborted and
		 * starts again) or once a close began */
		if (((tcp->seen[0].flags | tcp->seen[1].flags) &
		     NFU_CT_TCP_FLAG_CLOSE_INIT) ||
		    (tcp->last_dir == dir && tcp->last_index == SEG_RST)) {
			if (ct->status & NFU_IPS_DYING)
				return NFU_DROP;
			nfu_ct_kill(ct);
			return -(int)NFU_REPEAT;
		}
		/* else like any SYN the firewall does not believe */
		/* fall through */
	case NFU_CT_TCP_IGNORE:
		if (!ignored(ct, dir, &s, &old_state))
			return NFU_ACCEPT;
		new_state = NFU_CT_TCP_SYN_RECV;
		break;
	case NFU_CT_TCP_MAX:
		return -(int)NFU_ACCEPT;
	case NFU_CT_TCP_TIME_WAIT:
		/* RFC 5961: an ACK answering a SYN seen in LAST_ACK is a
		 * challenge ACK, not the ACK of the last FIN */
		if (old_state == NFU_CT_TCP_LAST_ACK && s.cls == SEG_ACK &&
		    tcp->last_dir != dir && tcp->last_index == SEG_SYN &&
		    (tcp->last_flags & NFU_CT_EXP_CHALLENGE_ACK)) {
			tcp->last_flags &= (uint8_t)~NFU_CT_EXP_CHALLENGE_ACK;
			return NFU_ACCEPT;
		}
		break;
	case NFU_CT_TCP_SYN_SENT2:
		/* the table alone cannot tell simultaneous open apart */
		tcp->last_flags |= NFU_CT_TCP_SIMULTANEOUS_OPEN;
		break;
	case NFU_CT_TCP_SYN_RECV:
		if (dir == NFU_CT_DIR_REPLY && s.cls == SEG_ACK &&
		    (tcp->last_flags & NFU_CT_TCP_SIMULTANEOUS_OPEN))
			new_state = NFU_CT_TCP_ESTABLISHED;
		break;
	case NFU_CT_TCP_CLOSE:
		if (s.cls != SEG_RST)
			break;
		switch (rst_check(ct, dir, &s, old_state, &new_state)) {
		case RST_INVALID:
			return -(int)NFU_ACCEPT;
		case RST_IN_WINDOW:
			goto in_window;
		case RST_CHECK:
			break;
		}
		break;
	default:
		break;
	}

	switch (in_window(ct, dir, &s)) {
	case WIN_IGNORE:
		return NFU_ACCEPT;
	case WIN_INVALID:
		invalid_close(ct, dir, s.cls);
		return -(int)NFU_ACCEPT;
	case WIN_ACCEPT:
		break;
	}
in_window:
	tcp->last_index = (uint8_t)s.cls;
	tcp->last_dir = (uint8_t)dir;
	tcp->state = new_state;
	if (old_state != new_state && new_state == NFU_CT_TCP_FIN_WAIT)
		tcp->seen[dir].flags |= NFU_CT_TCP_FLAG_CLOSE_INIT;
	timeout = timeout_for(ct, new_state, &s);

	if (!(ct->status & NFU_IPS_SEEN_REPLY)) {
		/* an RST as the only answer: no connection ever was, forget
		 * it now (a common case, as Linux says) */
		if (s.flags & TF_RST) {
			nfu_ct_kill(ct);
			return NFU_ACCEPT;
		}
		/* a SYN again does not extend it: a client or NAT reusing
		 * the port would keep it alive for ever */
		if (s.cls == SEG_SYN && old_state == NFU_CT_TCP_SYN_SENT)
			return NFU_ACCEPT;
		/* picked up mid-stream, nothing back yet: not for days */
		if (new_state == NFU_CT_TCP_ESTABLISHED &&
		    timeout > t[NFU_CT_TCP_UNACK])
			timeout = t[NFU_CT_TCP_UNACK];
	} else if (!(ct->status & NFU_IPS_ASSURED) &&
		   (old_state == NFU_CT_TCP_SYN_RECV ||
		    old_state == NFU_CT_TCP_ESTABLISHED) &&
		   new_state == NFU_CT_TCP_ESTABLISHED) {
		/* the handshake's last ACK, or the answer to a picked-up
		 * connection */
		ct->status |= NFU_IPS_ASSURED;
	}
	nfu_ct_refresh(ct, timeout);
	return NFU_ACCEPT;
}

static bool tcp_pkt_to_tuple(const uint8_t *l4, size_t len,
			     struct nfu_ct_tuple *t)
{
	if (len < 4) /* the ports are enough, as in Linux */
		return false;
	memcpy(&t->sport, l4, 2);
	memcpy(&t->dport, l4 + 2, 2);
	return true;
}

static bool tcp_invert(struct nfu_ct_tuple *inv, const struct nfu_ct_tuple *orig)
{
	inv->sport = orig->dport;
	inv->dport = orig->sport;
	return true;
}

static void tcp_print_state(const struct nfu_ct *ct, char *buf, size_t len)
{
	size_t used = strnlen(buf, len);
	uint8_t st = ct->proto.tcp.state;

	if (used + 1 >= len)
		return;
	snprintf(buf + used, len - used, "%s ",
		 st < NFU_CT_TCP_MAX ? state_names[st] : "NONE");
}

const struct nfu_ct_l4proto nfu_ct_l4proto_tcp = {
	.proto = 6,
	.name = "tcp",
	.pkt_to_tuple = tcp_pkt_to_tuple,
	.invert_tuple = tcp_invert,
	.packet = tcp_packet,
	.print_state = tcp_print_state,
	.can_early_drop = tcp_can_early_drop,
};
