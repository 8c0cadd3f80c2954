#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh [OPTIONS] SCENARIO_DIR... - the conformance runner.
# run.sh [OPTIONS] --gen CONFORM_GEN SEED|FIRST-LAST... - random scenarios.
#
# For each scenario: the kernel side (kernel.sh) when it can run here, else
# the golden file SCENARIO/expected/result; then nfu (`nfu replay' through
# nfu_side.sh with --replay, else nfu_conform); then
# the comparison.  With the live kernel, the golden file is checked too,
# and a warning printed when the kernel no longer agrees with it.
#
# Options:
#   --tool PATH     conform_tool (default: conform_tool in $PATH)
#   --nfu PATH      nfu_conform (default: nfu_conform in $PATH)
#   --replay PATH   the nfu command: the nfu side is `nfu replay' of the
#                   scenario's captures (nfu_side.sh), as a user runs it
#   --gen PATH      conform_gen: the arguments are seeds (or ranges FIRST-LAST);
#                   each scenario is generated from its seed (gen.c), called
#                   random-SEED, its golden file random/expected/SEED.result,
#                   its known difference random/known-difference/SEED
#   --nat           with --gen: the generator's NAT mode (conform_gen --nat):
#                   scenarios random-nat-SEED, golden files
#                   random/expected-nat/SEED.result, known differences
#                   random/known-difference-nat/SEED
#   --gen-dir DIR   where to write the generated scenarios (default: a
#                   temporary directory)
#   --jobs N        run N scenarios at a time (each in its own namespaces);
#                   the reports of those that did not pass are shown at the end
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
# A golden file of a random scenario starts with the line "# conform_gen
# VERSION" of the generator that made the scenario: when the generator is
# another version, the golden file no longer describes the scenario and the
# runner says to regenerate it (a warning with the live kernel, a failure
# without).
#
# Exit: 0 all passed, 1 some failed, 77 all skipped.  Ends with a line
# "N passed, N failed, N skipped", after the names of those that failed.

set -u

here=$(cd "$(dirname "$0")" && pwd)
tool=conform_tool
nfu=nfu_conform
replay=
gen=
gen_dir=
nat=
jobs=1
regen=
# NFU_CONFORM_GOLDEN=1: as --golden (make check-asan: the kernel side is
# the same in every build; the sanitizer build checks nfu's side)
golden_only=${NFU_CONFORM_GOLDEN:+1}
require_kernel=
verbose=

while [ $# -gt 0 ]; do
	case "$1" in
	--tool) tool=$2; shift 2 ;;
	--nfu) nfu=$2; shift 2 ;;
	--replay) replay=$2; shift 2 ;;
	--gen) gen=$2; shift 2 ;;
	--gen-dir) gen_dir=$2; shift 2 ;;
	--nat) nat=--nat; shift ;;
	--jobs) jobs=$2; shift 2 ;;
	--regen) regen=1; shift ;;
	--golden) golden_only=1; shift ;;
	--require-kernel) require_kernel=1; shift ;;
	-v) verbose=-v; shift ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done

if [ -n "$gen" ]; then
	# Seeds, ranges expanded.
	seeds=
	for a in "$@"; do
		case "$a" in
		*[!0-9-]* | "" | -* | *-*-* | *-)
			echo "run.sh: bad seed or range \`$a'" >&2; exit 2 ;;
		*-*) seeds="$seeds $(seq "${a%-*}" "${a#*-}")" ;;
		*) seeds="$seeds $a" ;;
		esac
	done
	[ -n "$seeds" ] || { echo "run.sh: --gen needs seeds" >&2; exit 2; }
	set -- $seeds
	gen_version=$("$gen" $nat --version) || exit 2
else
	[ $# -gt 0 ] || set -- "$here"/scenarios/*/
fi

work=$(mktemp -d /tmp/nfu-conform-run.XXXXXX) || exit 2
if [ -n "${NFU_CONFORM_KEEP:-}" ]; then
	echo "keeping results and nfu's captures in $work"
else
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 1' INT TERM HUP
[ -n "$gen_dir" ] || gen_dir=$work
mkdir -p "$gen_dir" || exit 2

# The command line that runs the same with other scenarios (for --jobs, and
# for the messages).
same_options() {
	printf '%s' "--tool $tool --nfu $nfu"
	[ -z "$replay" ] || printf ' %s' "--replay $replay"
	[ -z "$gen" ] || printf ' %s' "--gen $gen --gen-dir $gen_dir"
	[ -z "$nat" ] || printf ' --nat'
	[ -z "$regen" ] || printf ' --regen'
	[ -z "$golden_only" ] || printf ' --golden'
	[ -z "$require_kernel" ] || printf ' --require-kernel'
	[ -z "$verbose" ] || printf ' -v'
}

if [ "$jobs" -gt 1 ] && [ $# -gt 1 ]; then
	# Round robin over N runners, each with its own log; then each log's
	# reports of the scenarios that did not pass, and the totals.
	k=0
	while [ $k -lt "$jobs" ]; do
		i=0
		items=
		for a in "$@"; do
			[ $((i % jobs)) -ne $k ] || items="$items $a"
			i=$((i + 1))
		done
		if [ -n "$items" ]; then
			# shellcheck disable=SC2046
			sh "$0" $(same_options) $items >"$work/job$k.log" 2>&1 &
			pids="${pids:-} $!"
		fi
		k=$((k + 1))
	done
	# Progress, now and then: the runners print only at the end.
	total=$#
	running() {
		for p in $pids; do
			! kill -0 "$p" 2>/dev/null || return 0
		done
		return 1
	}
	while running; do
		sleep 5
		n=$(cat "$work"/job*.log 2>/dev/null | grep -c '^--- ')
		now=$(date +%s)
		if [ "${last:-0}" -le $((now - 60)) ]; then
			echo "run.sh: $n of $total done"
			last=$now
		fi
	done
	wait
	p=0 f=0 s=0 failed_names=
	for log in "$work"/job*.log; do
		awk '/^=== / { buf = ""; keep = 0 }
		     { buf = buf $0 "\n" }
		     /^WARNING|^NOTE|: FAILED|: KNOWN DIFFERENCE/ { keep = 1 }
		     /^--- / { if (keep) printf "%s", buf; buf = "" }' "$log"
		set -- $(tail -1 "$log")
		if [ "${2:-}" = passed, ] && [ "${4:-}" = failed, ]; then
			p=$((p + $1)); f=$((f + $3)); s=$((s + $5))
		else
			echo "run.sh: a runner ended early:"
			tail -5 "$log"
			f=$((f + 1))
		fi
		failed_names="$failed_names $(sed -n 's/^--- \(.*\): FAILED.*/\1/p' "$log")"
	done
	failed_names=$(echo $failed_names)
	[ -z "$failed_names" ] || echo "failed: $failed_names"
	echo "$p passed, $f failed, $s skipped"
	[ $f -eq 0 ] || exit 1
	[ $p -gt 0 ] || exit 77
	exit 0
fi

passed=0
failed=0
skipped=0
known=0
failed_names=

fail() {
	[ -z "$gen" ] || echo "again: sh $0 $(same_options |
		sed 's/ --gen-dir [^ ]*//') $seed"
	echo "--- $name: FAILED$*"
	failed=$((failed + 1))
	failed_names="$failed_names $name"
}

for item in "$@"; do
	stale=
	if [ -n "$gen" ]; then
		seed=$item
		name=random-${nat:+nat-}$seed
		scen=$gen_dir/$name
		golden=$here/random/expected${nat:+-nat}/$seed.result
		known_file=$here/random/known-difference${nat:+-nat}/$seed
		echo "=== $name"
		if ! "$gen" $nat "$seed" "$scen"; then
			fail " (conform_gen)"
			continue
		fi
		if [ -f "$golden" ] && [ "$(head -n 1 "$golden")" != "# $gen_version" ]; then
			stale="$golden is from $(head -n 1 "$golden" | sed 's/^# //'), not $gen_version:"
			stale="$stale regenerate with: sh $0 --regen $(same_options |
				sed 's/ --gen-dir [^ ]*//; s/ --regen//; s/ --golden//') $(
				ls "$(dirname "$golden")" | sed -n 's/\.result$//p' |
				sort -n | sed -n '1p;$p' | paste -sd-)"
			stale="$stale (the seeds that have golden files)"
		fi
	else
		scen=${item%/}
		name=$(basename "$scen")
		golden=$scen/expected/result
		known_file=$scen/known-difference
		echo "=== $name"
	fi
	kres=$work/$name.linux
	nres=$work/$name.nfu

	krc=77
	if [ -z "$golden_only" ]; then
		sh "$here/kernel.sh" "$tool" "$scen" "$kres"
		krc=$?
	fi
	if [ -n "$regen" ]; then
		if [ $krc -eq 0 ]; then
			mkdir -p "$(dirname "$golden")"
			if [ -n "$gen" ]; then
				{ echo "# $gen_version"; cat "$kres"; } >"$golden"
			else
				cp "$kres" "$golden"
			fi
			echo "--- $name: golden file written"
			passed=$((passed + 1))
		elif [ $krc -eq 77 ]; then
			skipped=$((skipped + 1))
		else
			fail " (kernel side)"
		fi
		continue
	fi
	if [ $krc -eq 0 ]; then
		ref=$kres
		refname=linux
		if [ -n "$stale" ]; then
			echo "WARNING: $name: $stale"
		elif [ -f "$golden" ]; then
			"$tool" compare "$scen" "$golden" golden "$kres" linux \
				>"$work/$name.gdiff" 2>&1
			case $? in
			0) ;;
			1) echo "WARNING: $name: the kernel no longer agrees with" \
				"$golden (regenerate with run.sh --regen):"
			   cat "$work/$name.gdiff" ;;
			*) cat "$work/$name.gdiff"; fail; continue ;;
			esac
		elif [ -z "$gen" ]; then
			# (random scenarios have them only for the seeds
			# that make check runs)
			echo "WARNING: $name: no golden file (run.sh --regen)"
		fi
	elif [ $krc -eq 77 ] && [ -n "$stale" ] && [ -z "$require_kernel" ]; then
		echo "no kernel side, and $stale"
		fail " (golden file of another generator)"
		continue
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
		fail " (kernel side)"
		continue
	fi

	mkdir -p "$work/$name.pcap"
	if [ -n "$replay" ]; then
		if ! sh "$here/nfu_side.sh" "$replay" "$tool" "$scen" "$nres" \
			>"$work/$name.trace" 2>&1; then
			cat "$work/$name.trace"
			fail " (nfu replay)"
			continue
		fi
	elif ! "$nfu" "$scen" "$nres" --pcap-dir "$work/$name.pcap" \
		>"$work/$name.trace" 2>&1; then
		cat "$work/$name.trace"
		fail " (nfu_conform)"
		continue
	fi
	"$tool" compare "$scen" "$ref" "$refname" "$nres" nfu $verbose \
		>"$work/$name.diff" 2>&1
	case $? in
	0)
		[ -z "$verbose" ] || cat "$work/$name.diff"
		[ ! -f "$known_file" ] ||
			echo "NOTE: $name: nfu agrees with Linux now:" \
				"remove $known_file"
		echo "--- $name: passed"
		passed=$((passed + 1)) ;;
	1)
		echo "nfu differs from Linux in scenario $name:"
		cat "$work/$name.diff"
		echo "what nfu dropped, and why:"
		sed 's/^/  /' "$work/$name.trace"
		if [ -n "$gen" ]; then
			echo "the scenario ($scen, made by: $gen $nat $seed DIR):"
			for f in topology rules packets; do
				[ -f "$scen/$f" ] || continue
				echo "  $f:"
				grep -v '^#' "$scen/$f" | sed 's/^/    /'
			done
		fi
		if [ -f "$known_file" ]; then
			echo "a known difference ($known_file):"
			sed 's/^/  /' "$known_file"
			echo "--- $name: KNOWN DIFFERENCE"
			known=$((known + 1))
			skipped=$((skipped + 1))
		else
			fail
		fi ;;
	*)
		cat "$work/$name.diff"
		fail " (comparison)" ;;
	esac
done

[ $known -eq 0 ] || echo "($known known difference(s) counted as skipped)"
failed_names=$(echo $failed_names)
[ -z "$failed_names" ] || echo "failed: $failed_names"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
[ $passed -gt 0 ] || exit 77
exit 0
