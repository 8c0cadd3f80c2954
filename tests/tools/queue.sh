#!/bin/sh
# SPDX-License-Identifier: MIT
#
# tests/tools/queue.sh NFU CONFORM_TOOL HANDLER QHANDLER - nfu replay with
# queue handlers, and nfu queue -L, as a user runs them.
#
# The example (examples/queue: its captures against its packet
# description; the handler drops what carries "attack"; what left wan0);
# a handler that never answers (the timeout's drop, and accept with
# fail-open); a handler that dies with a packet pending; a handler started
# by the user on --queue-socket, with nfu queue -L while the replay waits;
# and the errors: a clear message, a non-zero exit, nothing on stdout.
# HANDLER is examples/queue's handler, QHANDLER tests/conformance's
# scriptable one (qhandler_nfu).

set -u
NFU=${1:?usage: queue.sh NFU CONFORM_TOOL HANDLER QHANDLER}
TOOL=${2:?}
HANDLER=${3:?}
QH=${4:?}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EX=$ROOT/examples/queue
W=$(mktemp -d /tmp/nfu-queue-test.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT

pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
check() { # check WHAT COMMAND...: the command must succeed
	what=$1
	shift
	if "$@"; then ok; else bad "$what"; fi
}
count() { # count PATTERN FILE
	grep -c -- "$1" "$2"
}

ex() {
	"$NFU" replay -r "$EX/rules" -t "$EX/topology" \
		-i lan0="$EX/capture/lan0.pcap" -i wan0="$EX/capture/wan0.pcap" "$@"
}

# 1. The example's captures are made from its description.
mkdir -p "$W/cap"
"$TOOL" pcap "$EX" "$W/cap" >/dev/null 2>&1 || bad "conform_tool pcap examples/queue"
for d in lan0 wan0; do
	check "examples/queue/capture/$d.pcap is made from examples/queue/packets" \
		cmp -s "$W/cap/$d.pcap" "$EX/capture/$d.pcap"
done

# 2. The example replayed with its handler.
mkdir -p "$W/out"
if ex --queue-exec "$HANDLER attack" --trace -o "$W/out" >"$W/trace" 2>"$W/err"; then
	ok
else
	bad "example replay failed: $(cat "$W/err")"
fi
[ "$(count "dropped by the queue handler's verdict" "$W/trace")" = 2 ] && ok ||
	bad "example: 2 packets dropped by the handler"
[ "$(count "= queued to user space: queue 0, packet id" "$W/trace")" = 6 ] && ok ||
	bad "example: 6 packets queued"
[ "$(count "forwarded out wan0" "$W/trace")" = 4 ] && ok ||
	bad "example: 4 packets left by wan0"
grep -q "the handler's verdict (queue 0, packet id 5): DROP" "$W/trace" && ok ||
	bad "example: packet id 5 (GET /attack) dropped"
if grep -a -q attack "$W/out/wan0.pcap"; then
	bad "example: \"attack\" left by wan0"
else
	ok
fi
grep -q "^id 2 queue 0 len 42 DROP" "$W/err" && ok ||
	bad "example: the handler's own line on stderr"
grep -q "^    0      1     0 2 65531     0     0        6  1     0     0     0     0     0     2     4" "$W/err" && ok ||
	bad "example: the queue's counters at the end"
# The same replay twice: the same trace.
ex --queue-exec "$HANDLER attack" --trace -o "$W/out" >"$W/trace2" 2>/dev/null
check "example: the same trace twice" cmp -s "$W/trace" "$W/trace2"

# The handler sees the capture's times (the first packet at 2026-01-01
# 00:00:00 UTC, the next 20 ms later), as Linux's would the arrival.
ex --queue-exec "$QH accept" >/dev/null 2>"$W/err"
grep -q "packet 1 id 1 hook 2 len 47 mark 0x0 time 1767225600.000000: accept" "$W/err" &&
	grep -q "packet 2 id 2 hook 2 len 42 mark 0x0 time 1767225600.020000: accept" "$W/err" && ok ||
	bad "the handler's timestamps are the capture's: $(grep qhandler "$W/err")"

# 3. A handler that never answers: after --queue-timeout the packet is
# dropped, or accepted when the queue is fail-open; said in the trace.
ex --queue-exec "$QH hold" --queue-timeout 0.2 --trace >"$W/trace" 2>"$W/err" ||
	bad "hold: replay failed: $(cat "$W/err")"
[ "$(count "no verdict in 0.2 s: DROP" "$W/trace")" = 6 ] && ok ||
	bad "hold: 6 packets dropped after the timeout"
grep -q "6 queued packets had no verdict within --queue-timeout 0.2 s" "$W/err" && ok ||
	bad "hold: counted at the end"
ex --queue-exec "$QH -f hold" --queue-timeout 0.2 --trace >"$W/trace" 2>"$W/err" ||
	bad "hold -f: replay failed: $(cat "$W/err")"
[ "$(count "no verdict in 0.2 s: ACCEPT (the queue is fail-open)" "$W/trace")" = 6 ] && ok ||
	bad "hold -f: 6 packets accepted after the timeout"
[ "$(count "forwarded out wan0" "$W/trace")" = 6 ] && ok ||
	bad "hold -f: the 6 accepted packets left by wan0"

# 3b. With --queue-idle, a handler that holds packets lets the next ones
# in; its batch verdict on the third takes the first three; the rest
# hold until the end (the timeout's drop).
ex --queue-exec "$QH hold hold accept,batch hold" --queue-idle 500 \
	--queue-timeout 2 --trace >"$W/trace" 2>"$W/err" ||
	bad "idle: replay failed: $(cat "$W/err")"
[ "$(count "packet id [123], a batch): ACCEPT" "$W/trace")" = 3 ] && ok ||
	bad "idle: the batch verdict took packets 1-3"
[ "$(count "dropped by the policy of filter:FORWARD" "$W/trace")" = 1 ] && ok ||
	bad "idle: the answer came before its question left (policy DROP)"
[ "$(count "no verdict in 2 s: DROP" "$W/trace")" = 3 ] && ok ||
	bad "idle: packets 4-6 dropped after the timeout"

# 4. A handler that dies with a packet pending: the packet is dropped with
# it, the queue has no handler from then on (dropped), the replay says so
# and exits 1.
ex --queue-exec "$QH accept exit" --queue-timeout 5 --trace >"$W/trace" 2>"$W/err"
rc=$?
[ $rc = 1 ] && ok || bad "dying handler: exit $rc, not 1"
grep -q "exited with status 3 during the replay" "$W/err" && ok ||
	bad "dying handler: said on stderr ($(cat "$W/err"))"
[ "$(count "forwarded out wan0" "$W/trace")" = 1 ] && ok ||
	bad "dying handler: only the first packet left"
grep -q "^    0      0     0 0     0     0     0        0  1     0     4     0     1" "$W/err" && ok ||
	bad "dying handler: 1 packet gone with it, 4 without a handler"

# 5. A handler started by the user on --queue-socket; nfu queue -L on the
# socket while the replay waits for a verdict.
S=$W/q.sock
(
	i=0
	while [ ! -S "$S" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	NFU_QUEUE_SOCKET=$S exec "$QH" hold accept
) 2>/dev/null &
hp=$!
ex --queue-socket "$S" --queue-timeout 3 --trace >"$W/trace" 2>"$W/err" &
rp=$!
i=0
# (queue 0, one packet waiting, copy mode 2, range 65531, id 1: the
# handler's peer number depends on whether a listing connected first)
held() {
	awk '$1 == 0 && $3 == 1 && $4 == 2 && $5 == 65531 && $8 == 1 { f = 1 }
	     END { exit !f }' "$W/list"
}
while ! "$NFU" queue -L --socket "$S" >"$W/list" 2>/dev/null || ! held; do
	sleep 0.1
	i=$((i + 1))
	[ $i -lt 40 ] || break
done
held && ok ||
	bad "nfu queue -L: queue 0 bound, one packet waiting ($(cat "$W/list"))"
wait $rp || bad "--queue-socket: replay failed: $(cat "$W/err")"
wait $hp
grep -q "waiting up to 3 s for handlers on $S" "$W/err" && ok ||
	bad "--queue-socket: said where it waits"
[ "$(count "no verdict in 3 s: DROP" "$W/trace")" = 1 ] && ok ||
	bad "--queue-socket: the held packet dropped after 3 s"
[ "$(count "forwarded out wan0" "$W/trace")" = 5 ] && ok ||
	bad "--queue-socket: the other 5 left by wan0"
[ ! -e "$S" ] && ok || bad "--queue-socket: the socket removed at the end"

# 6. Errors: a message naming the problem, a non-zero exit, nothing on
# stdout.
fails() { # fails WHAT STATUS PATTERN ARGS...
	what=$1 want=$2 pat=$3
	shift 3
	"$@" >"$W/o" 2>"$W/e"
	rc=$?
	if [ $rc != "$want" ]; then
		bad "$what: exit $rc, not $want ($(cat "$W/e"))"
	elif [ -s "$W/o" ]; then
		bad "$what: something on stdout"
	elif ! grep -q -- "$pat" "$W/e"; then
		bad "$what: no \`$pat' in: $(cat "$W/e")"
	else
		ok
	fi
}
fails "bad timeout" 2 "--queue-timeout takes seconds" ex --queue-exec true --queue-timeout 0
fails "timeout word" 2 "not \`soon'" ex --queue-exec true --queue-timeout soon
fails "timeout alone" 2 "there is no queue handler" ex --queue-timeout 1
fails "idle alone" 2 "--queue-idle without" ex --queue-idle 100
fails "bad idle" 2 "--queue-idle takes milliseconds" ex --queue-exec true --queue-idle 0
fails "idle word" 2 "not \`-5'" ex --queue-exec true --queue-idle -5
fails "handler fails" 1 "exited with status 7 before binding its queues" \
	ex --queue-exec "exit 7"
fails "socket too long" 2 "a socket path has at most" \
	ex --queue-socket "$W/$(printf '%0200d' 0)"
fails "queue -L nothing there" 1 "$W/none" "$NFU" queue -L --socket "$W/none"
# No rule queues: said, and the replay runs.
printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' >"$W/rules"
"$NFU" replay -r "$W/rules" -t "$EX/topology" -i lan0="$EX/capture/lan0.pcap" \
	--queue-exec "$QH accept" >/dev/null 2>"$W/err" && ok || bad "no queue rule: replay failed"
grep -q "no rule of the ruleset queues packets" "$W/err" && ok ||
	bad "no queue rule: said"

echo "queue.sh: $pass passed, $failed failed"
[ $failed = 0 ]
