#!/bin/bash
# bench/bench_replay.sh BUILD_DIR [PACKETS [RUNS]]: the `nfu replay' command
# end to end (process start, both passes over the captures, the ruleset
# loaded, LOG lines written to a file) on the captures of bench_replay
# (PACKETS, default 1,000,000, on eth0, ppp0 and tun0 of
# bench/medium-company.topo) through medium-company.v4: without -o, with
# -o to a temporary directory, and the baseline, an empty ruleset, without
# -o.  Each RUNS times (default 3); prints the least and the median wall
# time, the CPU time of the least, ns/packet and packets/s.  Figures, not
# pass/fail.  build/bench/bench_replay measures the same in process.
B=${1:?usage: bench_replay.sh BUILD_DIR [PACKETS [RUNS]]}
N=${2:-1000000}
RUNS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
RULES=/work/shared/data/rulesets/medium-company.v4
TOPO=$HERE/medium-company.topo
NFU=$B/tools/nfu
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nfubench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

"$B/bench/bench_replay" --write-only "$TMP/cap" "$N" || exit 1
IN=(-i "eth0=$TMP/cap/eth0.pcap" -i "ppp0=$TMP/cap/ppp0.pcap"
    -i "tun0=$TMP/cap/tun0.pcap")
printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' \
	> "$TMP/empty.rules"
# the captures in the page cache, as for every run after it
cat "$TMP"/cap/*.pcap > /dev/null

# one(LABEL, nfu replay's arguments...): RUNS runs, the figures
one() {
	local label=$1 i t
	shift
	: > "$TMP/times"
	for ((i = 0; i < RUNS; i++)); do
		rm -rf "$TMP/out" "$TMP/log"
		TIMEFORMAT='%R %U %S'
		{ time "$NFU" replay "$@" --log "$TMP/log" > /dev/null 2> "$TMP/err"; } 2> "$TMP/t" ||
			{ cat "$TMP/err"; exit 1; }
		cat "$TMP/t" >> "$TMP/times"
	done
	sort -n "$TMP/times" > "$TMP/sorted"
	awk -v label="$label" -v n="$N" -v runs="$RUNS" '
		{ wall[NR] = $1; cpu[NR] = $2 + $3 }
		END {
			med = wall[int(runs / 2) + 1]
			printf "%-36s %7.2f %7.2f s %7.2f s cpu  %6.0f %6.0f ns/packet  %5.3f M packets/s\n",
			       label, wall[1], med, cpu[1], wall[1] * 1e9 / n,
			       med * 1e9 / n, n / wall[1] / 1e6
		}' "$TMP/sorted"
	sed 's/^/    /' "$TMP/err"
	if [ -f "$TMP/log" ]; then
		echo "    LOG lines: $(wc -l < "$TMP/log"), $(du -m "$TMP/log" | cut -f1) MB"
	fi
	if [ -d "$TMP/out" ]; then
		echo "    -o: $(du -sm "$TMP/out" | cut -f1) MB in $(ls "$TMP/out" | tr '\n' ' ')"
	fi
}

echo
echo "nfu replay -r $(basename "$RULES") -t $(basename "$TOPO") -i eth0=... -i ppp0=... -i tun0=... --log FILE"
echo "$RUNS runs; wall time least and median, CPU (user + sys) of the least"
one "medium-company.v4" -r "$RULES" -t "$TOPO" "${IN[@]}"
one "medium-company.v4, -o DIR" -r "$RULES" -t "$TOPO" "${IN[@]}" -o "$TMP/out"
one "empty ruleset (baseline)" -r "$TMP/empty.rules" -t "$TOPO" "${IN[@]}"
