#!/bin/sh
# Regenerates NAME.save (or NAME.err and NAME.status) for each ruleset of
# ../shared/data/rulesets (or $1): iptables-legacy-restore of the file in
# a fresh network namespace, then iptables-legacy-save without its "# "
# comment lines.  Needs root and iptables-legacy.
set -u
cd "$(dirname "$0")"
src=${1:-../../../../../../shared/data/rulesets}
[ -d "$src" ] || { echo "no rulesets in $src"; exit 1; }
for f in "$src"/*.v4; do
	n=$(basename "$f" .v4)
	ns=xtl-$$-rs
	ip netns add "$ns" || exit 1
	rm -f "$n.save" "$n.err" "$n.status"
	if ip netns exec "$ns" iptables-legacy-restore <"$f" 2>"$n.err"; then
		rm -f "$n.err"
		ip netns exec "$ns" iptables-legacy-save | grep -v '^# ' >"$n.save"
	else
		echo $? >"$n.status"
	fi
	ip netns del "$ns"
done
