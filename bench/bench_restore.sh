#!/bin/sh
# bench/bench_restore.sh BUILD_DIR [RUNS]: ms per iptables-restore of a
# real ruleset, nfu (bench_restore: nfu_xt_restore + nfu_xt_commit, in
# process) against iptables-legacy-restore of the same file into a
# throwaway network namespace (one process per restore, as it is used).
# Figures, not pass/fail.  The kernel figure needs root and `ip netns'.
B=${1:?usage: bench_restore.sh BUILD_DIR [RUNS]}
RUNS=${2:-20}
OUT=$(mktemp "${TMPDIR:-/tmp}/nfubench.XXXXXX") || exit 1
NS=nfubench-$$
trap 'rm -f "$OUT"; ip netns del "$NS" 2>/dev/null' EXIT
trap 'exit 1' INT TERM

echo "# nfu"
"$B/bench/bench_restore" -r "$RUNS" | tee "$OUT" || exit 1
FILE=$(sed -n 's/^file: //p' "$OUT")

echo "# iptables-legacy-restore"
if [ "$(id -u)" != 0 ] || ! command -v iptables-legacy-restore >/dev/null 2>&1 ||
   ! ip netns add "$NS" 2>/dev/null; then
	echo "skipped: needs root, ip netns and iptables-legacy-restore"
	exit 0
fi
# the first restore loads the modules and makes the tables: not counted
ip netns exec "$NS" iptables-legacy-restore < "$FILE" || exit 1
ip netns exec "$NS" sh -c '
	i=0
	while [ $i -lt "$2" ]; do
		t0=$(date +%s%N)
		iptables-legacy-restore < "$1" || exit 1
		t1=$(date +%s%N)
		echo $((t1 - t0))
		i=$((i + 1))
	done' sh "$FILE" "$RUNS" | sort -n > "$OUT" || exit 1
n=$(wc -l < "$OUT")
min=$(head -n 1 "$OUT")
med=$(sed -n "$((n / 2 + 1))p" "$OUT")
echo "file: $FILE"
awk -v a="$min" -v b="$med" -v n="$n" 'BEGIN {
	printf "%d runs (min / median)\n", n
	printf "iptables-legacy-restore (process, kernel): %8.3f / %8.3f ms\n", a / 1e6, b / 1e6 }'
