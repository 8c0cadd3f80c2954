#!/bin/bash
# bench/bench_replay_home.sh BUILD_DIR [FLOWS [RUNS]]: the `nfu replay'
# command end to end (process start, both passes over the captures, the
# ruleset loaded) on the captures of bench_replay_home (FLOWS, default
# 100,000, on the 14 interfaces of bench/home-user.topo) through
# home-user.v4, with --responder off (the captures hold the router's own
# answers): as it is, with --conntrack (the table printed at the end),
# and the baseline, an empty ruleset (no conntrack).  Each RUNS times
# (default 3); prints the least and the median wall time, the CPU time of
# the least, ns/packet and packets/s.  Figures, not pass/fail.
# build/bench/bench_replay_home measures the same in process.
#
# home-user.v4 leaves out the counters of its nat, mangle and raw chains
# (`:PREROUTING ACCEPT'), which nfu replay's restore (as iptables-restore
# -c) refuses: the script adds `[0:0]' to them, as the bench does.
B=${1:?usage: bench_replay_home.sh BUILD_DIR [FLOWS [RUNS]]}
N=${2:-100000}
RUNS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
RULES=/work/shared/data/rulesets/home-user.v4
TOPO=$HERE/home-user.topo
NFU=$B/tools/nfu
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nfubench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

"$B/bench/bench_replay_home" --write-only "$TMP/cap" "$N" > "$TMP/written" || exit 1
NPKTS=$(awk '/^capture:/ { print $2 }' "$TMP/written")
IN=()
for f in "$TMP"/cap/*.pcap; do
	IN+=(-i "$(basename "$f" .pcap)=$f")
done
sed -E 's/^(:[A-Z_]+ (ACCEPT|DROP))$/\1 [0:0]/' "$RULES" > "$TMP/home.rules"
printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' \
	> "$TMP/empty.rules"
# the captures in the page cache, as for every run after it
cat "$TMP"/cap/*.pcap > /dev/null

# one(LABEL, nfu replay's arguments...): RUNS runs, the figures
one() {
	local label=$1 i
	shift
	: > "$TMP/times"
	for ((i = 0; i < RUNS; i++)); do
		TIMEFORMAT='%R %U %S'
		{ time "$NFU" replay "$@" --responder off > "$TMP/out" 2> "$TMP/err"; } 2> "$TMP/t" ||
			{ cat "$TMP/err"; exit 1; }
		cat "$TMP/t" >> "$TMP/times"
	done
	sort -n "$TMP/times" > "$TMP/sorted"
	awk -v label="$label" -v n="$NPKTS" -v runs="$RUNS" '
		{ wall[NR] = $1; cpu[NR] = $2 + $3 }
		END {
			med = wall[int(runs / 2) + 1]
			printf "%-36s %7.2f %7.2f s %7.2f s cpu  %6.0f %6.0f ns/packet  %5.3f M packets/s\n",
			       label, wall[1], med, cpu[1], wall[1] * 1e9 / n,
			       med * 1e9 / n, n / wall[1] / 1e6
		}' "$TMP/sorted"
	sed 's/^/    /' "$TMP/err"
	if [ -s "$TMP/out" ]; then
		echo "    standard output: $(wc -l < "$TMP/out") lines"
	fi
}

echo "$N flows, $NPKTS packets"
echo "nfu replay -r home-user.v4 -t $(basename "$TOPO") -i eth0.10=... (14 interfaces) --responder off"
echo "$RUNS runs; wall time least and median, CPU (user + sys) of the least"
one "home-user.v4" -r "$TMP/home.rules" -t "$TOPO" "${IN[@]}"
one "home-user.v4, --conntrack" -r "$TMP/home.rules" -t "$TOPO" "${IN[@]}" --conntrack
one "empty ruleset (baseline)" -r "$TMP/empty.rules" -t "$TOPO" "${IN[@]}"
