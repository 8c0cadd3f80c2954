#!/bin/sh
# SPDX-License-Identifier: MIT
#
# kernel.sh TOOL SCENARIO_DIR OUT - run a scenario through the Linux kernel.
#
# The host is a network namespace configured by the scenario's topology
# (each line run as it is there); each of its devices is a veth whose other
# end sits alone in a peer namespace (no address, IPv6 off, fixed MAC).
# The scenario's rules file, if any, is restored (iptables-legacy-restore)
# and its tables' counters read at the end (iptables-legacy-save -c), and
# the connection tracking table (conntrack -L -o extended, all zones).
# The mangle table counts each hook with one empty rule first in each chain; tcpdump
# records what arrives at every peer; TOOL (conform_tool) sends the frames
# from the peers.  The result (counters and frames) is written to OUT.
#
# Exits 77 when the kernel side cannot run here (not root, no 'ip netns',
# no veth, no iptables-legacy or tcpdump, no mangle table), 1 on a failure,
# 0 otherwise.  NFU_CONFORM_KEEP=1 keeps the work directory (captures,
# counters) for a look.

set -u

PAUSE_MS=${NFU_CONFORM_PAUSE_MS:-20}

tool=$1
scen=$2
out=$3

skip() {
	echo "kernel side skipped: $*" >&2
	exit 77
}

[ "$(id -u)" = 0 ] || skip "not root"
for c in ip iptables-legacy tcpdump sysctl timeout; do
	command -v $c >/dev/null 2>&1 || skip "no $c"
done
ip netns list >/dev/null 2>&1 || skip "no 'ip netns'"

# Namespaces left by an earlier run that was killed (its PID is gone).
for ns in $(ip netns list 2>/dev/null | sed -n 's/^\(nfuc[0-9][0-9]*-[hp][0-9]*\).*/\1/p'); do
	pid=${ns#nfuc}
	pid=${pid%%-*}
	kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
done

tag=nfuc$$
host=$tag-h
old_log_all=
work=$(mktemp -d /tmp/nfu-conform.XXXXXX) || exit 1
peers=""
pids=""

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	for ns in $host $peers; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -z "$old_log_all" ] ||
		sysctl -qw net.netfilter.nf_log_all_netns="$old_log_all"
	[ -n "${NFU_CONFORM_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "kernel side: $*" >&2
	exit 1
}

hx() {
	ip netns exec "$host" "$@"
}

# Does the rules file use what loads connection tracking?
loads_ct() {
	[ -f "$scen/rules" ] && grep -q -E -- \
		'-m (state|conntrack|connmark|connlimit|connbytes|helper)|-j (CT|NOTRACK|CONNMARK|SNAT|DNAT|MASQUERADE|REDIRECT)|^\*nat' \
		"$scen/rules"
}

"$tool" devices "$scen" >"$work/devices" || fail "bad scenario $scen"

ip netns add "$host" || skip "cannot create a network namespace"
# IPv6 off before any link comes up: no router solicitations, no MLD.
hx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1 || fail "sysctl in $host"
# A new namespace inherits the conf/all and conf/default values of the
# initial one; nfu starts from Linux's built-in defaults, so set those.
hx sysctl -qw net.ipv4.ip_forward=0 \
	net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	net.ipv4.conf.all.accept_local=0 net.ipv4.conf.default.accept_local=0 \
	net.ipv4.conf.all.route_localnet=0 \
	net.ipv4.conf.default.route_localnet=0 \
	net.ipv4.conf.all.send_redirects=1 \
	net.ipv4.conf.default.send_redirects=1 \
	net.ipv4.conf.all.log_martians=0 \
	net.ipv4.conf.default.log_martians=0 \
	net.ipv4.conf.all.accept_source_route=0 \
	net.ipv4.conf.default.accept_source_route=1 >/dev/null ||
	fail "sysctl defaults in $host"
hx ip link set lo up || fail "lo up"

n=0
maps=""
pcaps=""
while read -r dev hmac pmac; do
	peer=$tag-p$n
	ip netns add "$peer" || fail "netns $peer"
	peers="$peers $peer"
	ip netns exec "$peer" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || fail "sysctl in $peer"
	hx ip link add "$dev" address "$hmac" type veth \
		peer name "p$n" address "$pmac" netns "$peer" ||
		skip "cannot create a veth pair"
	ip -n "$peer" link set "p$n" up || fail "p$n up"
	maps="$maps $dev=$peer:p$n"
	pcaps="$pcaps $dev=$work/$dev.pcap"
	n=$((n + 1))
done <"$work/devices"

# The topology.  A veth's MAC cannot change while it is up: the lines that
# set one run first, with the devices down; then every device goes up and
# the other lines run in order ('ip link add' left out: the device is a
# veth already), so a later 'ip link set DEV down' takes effect.
grep -v '^[[:space:]]*#' "$scen/topology" | sed 's/#.*//' >"$work/topology"
is_link_set() {
	case "$1" in
	"ip link set "* | "ip l set "* | "ip li set "* | "ip link s "*) return 0 ;;
	esac
	return 1
}
while read -r line; do
	case " $line " in
	*" address "*) is_link_set "$line" &&
		{ hx $line || fail "topology: $line"; } ;;
	esac
done <"$work/topology"
while read -r dev hmac pmac; do
	hx ip link set "$dev" up || fail "$dev up"
done <"$work/devices"
# Checksums complete on the wire, as a real NIC makes them (conform_tool.c).
hx "$tool" tx-csum-off $(cut -d' ' -f1 "$work/devices") ||
	fail "turning transmit checksum offload off"
while read -r line; do
	case "$line" in
	"") continue ;;
	"ip link add "* | "ip l add "* | "ip li add "* | "ip link a "*) continue ;;
	esac
	case " $line " in
	*" address "*) is_link_set "$line" && continue ;;
	esac
	hx $line >/dev/null || fail "topology: $line"
done <"$work/topology"

# The scenario's rules first (iptables-legacy-restore replaces the tables
# it names), then the counting rules, first in each mangle chain: they see
# every packet that reaches the mangle table, whatever the scenario's own
# mangle rules do (nfu_conform counts just before the mangle table).
if [ -f "$scen/rules" ]; then
	command -v iptables-legacy-restore >/dev/null 2>&1 ||
		skip "no iptables-legacy-restore"
	# LOG: Linux logs from a namespace other than the initial one only
	# with nf_log_all_netns (a setting of the initial namespace: its value
	# is put back at the end).  One scenario with LOG at a time (a lock),
	# and the lines after a marker written to the kernel log are ours.
	# A conntrack helper's scenario takes the lock too without reading
	# the log: its helper may log (nf_ct_helper_log(), "nf_ct_ftp:
	# dropping packet ..."), which a LOG scenario running meanwhile
	# with nf_log_all_netns set would read as its own.
	if grep -q -- '--helper' "$scen/rules" && ! grep -q -- '-j LOG' "$scen/rules"; then
		command -v flock >/dev/null 2>&1 || skip "no flock"
		exec 9>/tmp/nfu-conform-nf-log.lock
		flock 9 || fail "flock"
	fi
	if grep -q -- '-j LOG' "$scen/rules"; then
		for c in flock dmesg; do
			command -v $c >/dev/null 2>&1 || skip "no $c"
		done
		exec 9>/tmp/nfu-conform-nf-log.lock
		flock 9 || fail "flock"
		v=$(sysctl -n net.netfilter.nf_log_all_netns 2>/dev/null) ||
			skip "no net.netfilter.nf_log_all_netns"
		sysctl -qw net.netfilter.nf_log_all_netns=1 ||
			skip "cannot set net.netfilter.nf_log_all_netns"
		old_log_all=$v
		log_mark="nfu-conform $tag: LOG lines from here"
		echo "$log_mark" >/dev/kmsg || skip "cannot write /dev/kmsg"
	fi
	# The conntrack table at the end: conntrack-tools' conntrack.  A
	# ruleset that loads connection tracking cannot be compared without.
	if ! command -v conntrack >/dev/null 2>&1 && loads_ct; then
		skip "no conntrack (conntrack-tools)"
	fi
	hx iptables-legacy-restore <"$scen/rules" || fail "restoring $scen/rules"
fi
for chain in PREROUTING INPUT FORWARD OUTPUT POSTROUTING; do
	hx iptables-legacy -t mangle -I $chain 1 ||
		skip "iptables-legacy cannot use the mangle table here"
done

n=0
while read -r dev hmac pmac; do
	# 'timeout': no tcpdump outlives a run that was killed.
	timeout -s INT 120 ip netns exec "$tag-p$n" tcpdump -i "p$n" -Q in -w "$work/$dev.pcap" \
		-U -n -s 0 -Z root --immediate-mode 2>"$work/$dev.tcpdump" &
	pids="$pids $!"
	n=$((n + 1))
done <"$work/devices"
# Wait until every tcpdump captures.
for dev in $(cut -d' ' -f1 "$work/devices"); do
	i=0
	until grep -q "listening on" "$work/$dev.tcpdump" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 500 ] || fail "tcpdump on $dev: $(cat "$work/$dev.tcpdump")"
		sleep 0.01
	done
done

# A scenario with a `queue' file: its handler (qhandler.c on
# libnetfilter_queue, next to TOOL) in the host namespace, bound before
# anything is sent; the file holds its arguments (lines that begin with
# -- are nfu replay's options: not the kernel's business).
if [ -f "$scen/queue" ]; then
	qh=$(dirname "$tool")/qhandler_nfq
	[ -x "$qh" ] || skip "no $qh (libnetfilter-queue-dev missing at build)"
	# shellcheck disable=SC2046
	# (not through hx: a function in the background is a subshell, and
	# the signal at the end must reach the handler itself)
	ip netns exec "$host" "$qh" $(grep -v '^#' "$scen/queue" | grep -v '^--') \
		>"$work/qhandler.out" 2>"$work/qhandler.err" &
	qpid=$!
	pids="$pids $qpid"
	i=0
	until grep -q ready "$work/qhandler.out" 2>/dev/null; do
		i=$((i + 1))
		kill -0 $qpid 2>/dev/null && [ $i -lt 500 ] ||
			fail "qhandler: $(cat "$work/qhandler.err")"
		sleep 0.01
	done
fi

# ('host' lines of the packets file run in the host namespace)
NFU_CONFORM_HOST_NS=$host "$tool" send "$scen" "$PAUSE_MS" $maps || fail "sending"
sleep 0.3

for p in $pids; do
	kill -INT "$p" 2>/dev/null
done
for p in $pids; do
	wait "$p" 2>/dev/null
done
pids=""

hx iptables-legacy -t mangle -L -v -x -n >"$work/counters" ||
	fail "iptables-legacy -L"
save=
if [ -f "$scen/rules" ]; then
	hx iptables-legacy-save -c >"$work/save" || fail "iptables-legacy-save"
	save=--save=$work/save
fi
if [ -n "$old_log_all" ]; then
	# The netfilter log lines ("IN=... OUT=") after the marker.
	dmesg -t | awk -v m="$log_mark" 'f && /IN=[^ ]* OUT=/ { print }
		index($0, m) { f = 1 }' >"$work/log" || fail "dmesg"
	save="$save --log=$work/log"
fi
# Every zone's connections (conntrack -L filters by zone only when asked);
# -o extended, as nfu replay --conntrack-state writes its table (the
# result normalises both: conf_ct_normalise() in result.c).  Empty when
# nothing loaded connection tracking in the namespace.
# (conntrack -L cannot list where nothing loaded the netlink interface,
# say: an error then is fatal only when the rules load conntrack)
if command -v conntrack >/dev/null 2>&1; then
	if hx conntrack -L -f ipv4 -o extended >"$work/conntrack" 2>"$work/conntrack.err"; then
		save="$save --conntrack=$work/conntrack"
	elif loads_ct; then
		fail "conntrack -L: $(cat "$work/conntrack.err")"
	fi
fi
"$tool" result "$scen" "$out" "Linux $(uname -r) in network namespaces" \
	"$work/counters" $save $pcaps || fail "result"
exit 0
