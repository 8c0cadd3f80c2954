#!/bin/sh
# Packets per second through a queue to a handler that accepts everything,
# verdict per packet and batched: nfu (bench_queue with queue_accept_nfu,
# libnfu-queue) and, in one run, Linux's NFQUEUE (the same handler source
# built on libnetfilter_queue, queue_accept_nfq) in a network namespace
# this script makes, UDP to 127.0.0.1 there from udp_flood.  The Linux side
# needs root and ip netns; it is skipped with a message otherwise.
#
#   sh bench/bench_queue.sh [BUILD] [PACKETS]
set -u
b=${1:-build}/bench
n=${2:-2000000}
for mode in single batch; do
	"$b/bench_queue" "$b/queue_accept_nfu" $mode "$n" || echo "nfu $mode: failed"
done
if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "linux: skipped (needs root and ip netns)"
	exit 0
fi
if [ ! -x "$b/queue_accept_nfq" ]; then
	echo "linux: skipped (queue_accept_nfq not built: libnetfilter-queue-dev missing)"
	exit 0
fi
ns=nfu-bq-$$
ip netns add $ns || exit 1
trap 'ip netns del $ns 2>/dev/null' EXIT INT TERM
ip -n $ns link set lo up
ip netns exec $ns iptables-legacy -A OUTPUT -p udp --dport 9 -j NFQUEUE --queue-num 0
for mode in single batch; do
	out=$(mktemp)
	ip netns exec $ns "$b/queue_accept_nfq" 0 $mode "$n" >"$out" &
	hp=$!
	i=0
	while ! grep -q ready "$out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	ip netns exec $ns "$b/udp_flood" 127.0.0.1 9 "$n" >/dev/null
	wait $hp
	awk -v m=$mode '/^packets/ { printf "linux %s: %d packets queued and back in %.3f s: %.0f packets/s (handler'"'"'s clock)\n", m, $2, $4, ($4 > 0 ? $2 / $4 : 0) }' "$out"
	rm -f "$out"
done
ip netns exec $ns sh -c 'cat /proc/net/netfilter/nfnetlink_queue 2>/dev/null' | sed 's/^/linux queue: /'
