#!/bin/sh
# bench/bench_append.sh BUILD_DIR [RULES [APPENDS]]: one `iptables -A' at a
# time onto a filter table of RULES rules (10000), APPENDS times (1000):
# nfu (bench_append: parse, clone, apply, commit, in process) against
# iptables-legacy -A in a throwaway network namespace, which reads and
# rewrites the whole table for each append.  Figures, not pass/fail.
B=${1:?usage: bench_append.sh BUILD_DIR [RULES [APPENDS]]}
RULES=${2:-10000}
APPENDS=${3:-1000}
F=$(mktemp "${TMPDIR:-/tmp}/nfubench.XXXXXX") || exit 1
NS=nfubench-$$
trap 'rm -f "$F"; ip netns del "$NS" 2>/dev/null' EXIT
trap 'exit 1' INT TERM

echo "# nfu"
"$B/bench/bench_append" "$RULES" "$APPENDS" || exit 1

echo "# iptables-legacy -A"
if [ "$(id -u)" != 0 ] || ! command -v iptables-legacy >/dev/null 2>&1 ||
   ! ip netns add "$NS" 2>/dev/null; then
	echo "skipped: needs root, ip netns and iptables-legacy"
	exit 0
fi
# the same rules as bench_append.c: rule_words()
awk -v n="$RULES" 'BEGIN {
	print "*filter"
	for (i = 0; i < n; i++)
		printf "-A INPUT -s 10.%d.%d.%d -p tcp --dport %d -j %s\n",
		       int(i / 65536) % 256, int(i / 256) % 256, i % 256,
		       1 + i % 65535, i % 3 ? "ACCEPT" : "DROP"
	print "COMMIT" }' > "$F"
ip netns exec "$NS" iptables-legacy-restore < "$F" || exit 1
ip netns exec "$NS" sh -c '
	t0=$(date +%s%N)
	i=0
	while [ $i -lt "$1" ]; do
		iptables-legacy -A INPUT -s 172.$((i / 65536 % 256)).$((i / 256 % 256)).$((i % 256)) \
			-p tcp --dport $((1 + i % 65535)) -j ACCEPT || exit 1
		i=$((i + 1))
	done
	t1=$(date +%s%N)
	n=$(iptables-legacy -S INPUT | grep -c "^-A")
	echo "$1 appends onto $2 rules: $n rules at the end"
	echo "$(( (t1 - t0) / $1 / 1000 )) us per append (process, kernel), mean"
' sh "$APPENDS" "$RULES" || exit 1
