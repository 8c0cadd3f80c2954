#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh [OPTIONS] SCENARIO_DIR... - the conformance runner.
#
# For each scenario: the kernel side (kernel.sh) when it can run here, else
# the golden file SCENARIO/expected/result; then nfu (nfu_conform); then
# the comparison.  With the live kernel, the golden file is checked too,
# and a warning printed when the kernel no longer agrees with it.
#
# Options:
#   --tool PATH     conform_tool (default: conform_tool in $PATH)
#   --nfu PATH      nfu_conform (default: nfu_conform in $PATH)
#   --regen         only run the kernel side and write the golden files
#   --golden        do not run the kernel: compare nfu with the golden files
#   --require-kernel  skip (77) rather than fall back on the golden file
#   -v              show what is equal too
# NFU_CONFORM_KEEP=1 keeps the results, nfu's captures (DEV.pcap) and, from
# kernel.sh, the kernel side's.
#
# A scenario where nfu is known to differ from Linux has a file
# SCENARIO/known-difference saying how; its mismatch is shown and counted
# as skipped, not failed (and when nfu agrees again, the runner says the
# file is stale).
#
# Exit: 0 all passed, 1 some failed, 77 all skipped.  Ends with a line
# "N passed, N failed, N skipped".

set -u

here=$(cd "$(dirname "$0")" && pwd)
tool=conform_tool
nfu=nfu_conform
regen=
golden_only=
require_kernel=
verbose=

while [ $# -gt 0 ]; do
	case "$1" in
	--tool) tool=$2; shift 2 ;;
	--nfu) nfu=$2; shift 2 ;;
	--regen) regen=1; shift ;;
	--golden) golden_only=1; shift ;;
	--require-kernel) require_kernel=1; shift ;;
	-v) verbose=-v; shift ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- "$here"/scenarios/*/

work=$(mktemp -d /tmp/nfu-conform-run.XXXXXX) || exit 2
if [ -n "${NFU_CONFORM_KEEP:-}" ]; then
	echo "keeping results and nfu's captures in $work"
else
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 1' INT TERM HUP

passed=0
failed=0
skipped=0
known=0

for scen in "$@"; do
	scen=${scen%/}
	name=$(basename "$scen")
	golden=$scen/expected/result
	kres=$work/$name.linux
	nres=$work/$name.nfu
	echo "=== $name"

	krc=77
	if [ -z "$golden_only" ]; then
		sh "$here/kernel.sh" "$tool" "$scen" "$kres"
		krc=$?
	fi
	if [ -n "$regen" ]; then
		if [ $krc -eq 0 ]; then
			mkdir -p "$scen/expected"
			cp "$kres" "$golden"
			echo "--- $name: golden file written"
			passed=$((passed + 1))
		elif [ $krc -eq 77 ]; then
			skipped=$((skipped + 1))
		else
			failed=$((failed + 1))
		fi
		continue
	fi
	if [ $krc -eq 0 ]; then
		ref=$kres
		refname=linux
		if [ -f "$golden" ]; then
			"$tool" compare "$scen" "$golden" golden "$kres" linux \
				>"$work/$name.gdiff" 2>&1
			case $? in
			0) ;;
			1) echo "WARNING: $name: the kernel no longer agrees with" \
				"$golden (regenerate with run.sh --regen):"
			   cat "$work/$name.gdiff" ;;
			*) cat "$work/$name.gdiff"; failed=$((failed + 1))
			   continue ;;
			esac
		else
			echo "WARNING: $name: no golden file (run.sh --regen)"
		fi
	elif [ $krc -eq 77 ] && [ -z "$require_kernel" ] && [ -f "$golden" ]; then
		[ -n "$golden_only" ] ||
			echo "kernel side not available: comparing with $golden"
		ref=$golden
		refname=linux
	elif [ $krc -eq 77 ]; then
		echo "--- $name: SKIPPED (no kernel side, no golden file)"
		skipped=$((skipped + 1))
		continue
	else
		echo "--- $name: FAILED (kernel side)"
		failed=$((failed + 1))
		continue
	fi

	mkdir -p "$work/$name.pcap"
	if ! "$nfu" "$scen" "$nres" --pcap-dir "$work/$name.pcap" \
		>"$work/$name.trace" 2>&1; then
		cat "$work/$name.trace"
		echo "--- $name: FAILED (nfu_conform)"
		failed=$((failed + 1))
		continue
	fi
	"$tool" compare "$scen" "$ref" "$refname" "$nres" nfu $verbose \
		>"$work/$name.diff" 2>&1
	case $? in
	0)
		[ -z "$verbose" ] || cat "$work/$name.diff"
		[ ! -f "$scen/known-difference" ] ||
			echo "NOTE: $name: nfu agrees with Linux now:" \
				"remove $scen/known-difference"
		echo "--- $name: passed"
		passed=$((passed + 1)) ;;
	1)
		echo "nfu differs from Linux in scenario $name:"
		cat "$work/$name.diff"
		echo "what nfu dropped, and why:"
		sed 's/^/  /' "$work/$name.trace"
		if [ -f "$scen/known-difference" ]; then
			echo "a known difference ($scen/known-difference):"
			sed 's/^/  /' "$scen/known-difference"
			echo "--- $name: KNOWN DIFFERENCE"
			known=$((known + 1))
			skipped=$((skipped + 1))
		else
			echo "--- $name: FAILED"
			failed=$((failed + 1))
		fi ;;
	*)
		cat "$work/$name.diff"
		echo "--- $name: FAILED (comparison)"
		failed=$((failed + 1)) ;;
	esac
done

[ $known -eq 0 ] || echo "($known known difference(s) counted as skipped)"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
[ $passed -gt 0 ] || exit 77
exit 0
