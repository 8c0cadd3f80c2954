#!/bin/sh
# Regenerates the expected results of the *.rules files here from the
# kernel: each file is restored with iptables-legacy-restore in a fresh
# network namespace, then NAME.save is what iptables-legacy-save prints
# (its "# " comment lines removed), or, when the restore fails, NAME.err
# is what it printed on stderr and NAME.status its exit status.
# NAME.c.rules: --counters and save -c; NAME.n.rules: --noflush.
# Needs root, iptables-legacy; run from anywhere: sh gen.sh [FILE.rules…]
set -u
cd "$(dirname "$0")"
[ $# -gt 0 ] || set -- *.rules
for f in "$@"; do
	n=${f%.rules}
	ropt= sopt=
	case $f in *.c.rules) ropt=--counters sopt=-c ;; esac
	case $f in *.n.rules) ropt=--noflush ;; esac
	ns=xtl-$$-gen
	ip netns add "$ns" || exit 1
	rm -f "$n.save" "$n.err" "$n.status"
	if ip netns exec "$ns" iptables-legacy-restore $ropt <"$f" 2>"$n.err"; then
		rm -f "$n.err"
		ip netns exec "$ns" iptables-legacy-save $sopt | grep -v '^# ' >"$n.save"
	else
		echo $? >"$n.status"
	fi
	ip netns del "$ns"
done
