#!/bin/sh
# SPDX-License-Identifier: MIT
#
# nfu_side.sh NFU TOOL SCENARIO_DIR OUT - run a scenario through
# `nfu replay', the way kernel.sh runs it through Linux, and write the
# result (result.h) to OUT.
#
# The same steps as the kernel side, with nfu's commands in place of the
# kernel's: the frames become one capture per device (`conform_tool
# pcap'); the counting rules go first in each mangle chain of the rules
# file (as kernel.sh's `iptables -t mangle -I CHAIN 1'); `nfu replay' runs
# it over the
# captures with the scenario's topology, writes what left each device
# (-o) and the counters (-c) and the LOG lines (--log) and the conntrack
# table (--conntrack-state, as conntrack -L -o extended,id); then the hook
# counts come from `nfu iptables -t mangle -L -v -x -n' of that, and
# `conform_tool result' makes the result as it does for the kernel.
#
# Exits 0, or 1 on a failure (with why on stderr).  NFU_CONFORM_KEEP=1
# keeps the work directory.

set -u

PAUSE_MS=${NFU_CONFORM_PAUSE_MS:-20}

nfu=$1
tool=$2
scen=$3
out=$4

work=$(mktemp -d /tmp/nfu-side.XXXXXX) || exit 1
cleanup() {
	[ -n "${NFU_CONFORM_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "nfu side: $*" >&2
	exit 1
}

"$tool" devices "$scen" >"$work/devices" || fail "bad scenario $scen"
mkdir "$work/in" || fail "mkdir"
"$tool" pcap "$scen" "$work/in" "$PAUSE_MS" || fail "making the captures"

# The rules file as it is (a save/restore round trip would not do:
# iptables-save's text of some rules does not read back the same, e.g.
# connbytes 0:0), with the counting rules first in each mangle chain, as
# kernel.sh inserts them after restoring it.
awk 'BEGIN { n = split("PREROUTING INPUT FORWARD OUTPUT POSTROUTING", c, " ") }
     function counting() { for (i = 1; i <= n; i++) print "-A " c[i]; done = 1 }
     /^\*mangle/ { inm = 1; print; next }
     inm && !/^:/ && !/^#/ && !/^[ \t]*$/ { counting(); inm = 0 }
     { print }
     END { if (!done) { print "*mangle"; counting(); print "COMMIT" } }' \
	"${scen}/rules" >"$work/rules" 2>/dev/null ||
	printf '*mangle\n-A PREROUTING\n-A INPUT\n-A FORWARD\n-A OUTPUT\n-A POSTROUTING\nCOMMIT\n' >"$work/rules"
[ -f "$scen/rules" ] ||
	printf '*mangle\n-A PREROUTING\n-A INPUT\n-A FORWARD\n-A OUTPUT\n-A POSTROUTING\nCOMMIT\n' >"$work/rules"

inputs=""
pcaps=""
while read -r dev hmac pmac; do
	inputs="$inputs -i $dev=$work/in/$dev.pcap"
	pcaps="$pcaps $dev=$work/out/$dev.pcap"
done <"$work/devices"

# A scenario with a `queue' file: the same handler as kernel.sh's, on
# libnfu-queue (qhandler_nfu next to TOOL), with the file's arguments.
if [ -f "$scen/queue" ]; then
	qh=$(dirname "$tool")/qhandler_nfu
	[ -x "$qh" ] || fail "no $qh"
	# (its lines that begin with -- are nfu replay's options, e.g.
	# --queue-idle for a handler that holds packets)
	# shellcheck disable=SC2046
	set -- --queue-exec "$qh $(grep -v '^#' "$scen/queue" | grep -v '^--' |
		tr '\n' ' ')" $(grep '^--' "$scen/queue")
else
	set --
fi
# The packets file's 'host ip ...' lines: nfu replay --at, at the time of
# their frame (conform_tool at), as kernel.sh runs them before it.
"$tool" at "$scen" "$PAUSE_MS" >"$work/at" || fail "conform_tool at"
while IFS='	' read -r t cmd; do
	set -- "$@" --at "$t" "$cmd"
done <"$work/at"
# shellcheck disable=SC2086
"$nfu" replay -r "$work/rules" -t "$scen/topology" $inputs -o "$work/out" \
	"$@" -c --arp --log "$work/rawlog" --conntrack-state "$work/conntrack" \
	>"$work/save" 2>"$work/replay.err" ||
	fail "nfu replay: $(cat "$work/replay.err")"

# the counters as `iptables -t mangle -L -v -x -n' lists them
"$nfu" iptables-restore --state "$work/after" --counters <"$work/save" ||
	fail "restoring the counters"
"$nfu" iptables --state "$work/after" -t mangle -L -v -x -n >"$work/counters" ||
	fail "iptables -L"

# (only its comment lines when no rule needed connection tracking)
extra=
[ ! -f "$work/conntrack" ] || extra=--conntrack=$work/conntrack
if [ -f "$scen/rules" ]; then
	extra="$extra --save=$work/save"
	if grep -q -- '-j LOG' "$scen/rules"; then
		# dmesg -t's form: the time stamp off
		sed 's/^\[[0-9.]*\] //' "$work/rawlog" >"$work/log" || fail "log"
		extra="$extra --log=$work/log"
	fi
fi
# shellcheck disable=SC2086
"$tool" result "$scen" "$out" "nfu replay" "$work/counters" $extra $pcaps ||
	fail "result"
exit 0
