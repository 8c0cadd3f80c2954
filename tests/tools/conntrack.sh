#!/bin/sh
# SPDX-License-Identifier: MIT
#
# tests/tools/conntrack.sh NFU CONFORM_TOOL - `nfu conntrack' against the
# kernel's conntrack.
#
# One scene (a router with a stateful ruleset and nf_conntrack_acct on, the
# frames below) goes through Linux in network namespaces, as the
# conformance suite sends frames (conform_tool send), and through `nfu
# replay --conntrack-state'.  Then the same conntrack command lines run on
# both: Debian's conntrack (conntrack-tools 1.4.7) in the host namespace,
# `nfu conntrack' on the file nfu replay wrote.  Their exit statuses,
# standard error and standard output must be equal, the output compared
# sorted (Linux lists in its hash order, nfu by creation) and with the
# timeouts (and -o id's ids) left out: the kernel's count down while the
# commands run.  Without root or network namespaces, nfu's side is
# compared with the kernel's text recorded below (GOLDEN), as with
# NFU_CT_NO_KERNEL=1; NFU_CT_RECORD=1 prints a fresh recording instead of
# comparing.  Without conform_tool or
# the captures it makes, the test is skipped (exit 77).
#
# Until nfu's TCP tracker prints its states, TCP lines are left out of
# both sides (and said so).

set -u
NFU=${1:?usage: conntrack.sh NFU CONFORM_TOOL}
TOOL=${2:?usage: conntrack.sh NFU CONFORM_TOOL}
W=$(mktemp -d /tmp/nfu-ct-test.XXXXXX) || exit 1
tag=nfuct$$
cleanup() {
	for ns in $tag-h $tag-p0 $tag-p1; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# namespaces left by a run that was killed (its PID is gone)
for ns in $(ip netns list 2>/dev/null | sed -n 's/^\(nfuct[0-9][0-9]*-[hp][0-9]*\).*/\1/p'); do
	pid=${ns#nfuct}
	pid=${pid%%-*}
	kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
done

pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

[ -x "$TOOL" ] || { echo "skipped: no conform_tool ($TOOL)"; exit 77; }

# The scene.
S=$W/scene
mkdir "$S"
cat >"$S/topology" <<'EOF'
ip link set lan0 address 02:00:00:00:00:01
ip link set wan0 address 02:00:00:00:00:02
ip addr add 10.1.0.1/24 dev lan0
ip addr add 10.200.0.2/24 dev wan0
ip neigh add 10.1.0.10 lladdr 02:00:00:00:ff:01 dev lan0
ip neigh add 10.1.0.11 lladdr 02:00:00:00:ff:01 dev lan0
ip neigh add 10.200.0.1 lladdr 02:00:00:00:ff:02 dev wan0
ip route add default via 10.200.0.1 dev wan0
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.netfilter.nf_conntrack_acct=1
EOF
cat >"$S/rules" <<'EOF'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp
-A PREROUTING -p udp -m udp --dport 69 -j CT --helper tftp
-A PREROUTING -p udp -m udp --dport 6000 -j CT --zone 9
-A PREROUTING -p 99 -j CT --zone-orig 7
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i lan0 -o wan0 -m state --state NEW -j ACCEPT
COMMIT
EOF
cat >"$S/packets" <<'EOF'
# a query and its answer: one packet each way (seen, not assured)
lan0 udp 10.1.0.10:5353 > 10.50.0.53:53 len=30
wan0 udp 10.50.0.53:53 > 10.1.0.10:5353 len=60
# no answer: [UNREPLIED]; an ICMP error about it is RELATED (no entry)
lan0 udp 10.1.0.10:6000 > 10.50.0.9:6000 len=20
wan0 icmp 10.200.0.1 > 10.1.0.10 unreach code=3 -- udp 10.1.0.10:6000 > 10.50.0.9:6000 len=20
# a ping through, and one to the host (which answers)
lan0 icmp 10.1.0.10 > 10.50.0.80 echo id=7 seq=1 len=56
wan0 icmp 10.50.0.80 > 10.1.0.10 echo-reply id=7 seq=1 len=56
lan0 icmp 10.1.0.10 > 10.1.0.1 echo id=9 seq=1 len=56
# from outside, not allowed: dropped before its confirmation, no entry
wan0 udp 10.66.6.6:5000 > 10.1.0.10:69 len=20
# a TCP handshake through
lan0 tcp 10.1.0.10:40001 > 10.50.0.80:443 S seq=1000
wan0 tcp 10.50.0.80:443 > 10.1.0.10:40001 SA seq=5000 ack=1001
lan0 tcp 10.1.0.10:40001 > 10.50.0.80:443 A seq=1001 ack=5001
# an FTP control connection (the ftp helper): the client's PORT after a
# first command expects the server's data connection to 10.1.0.10:51210
lan0 tcp 10.1.0.10:40021 > 10.50.0.21:21 S seq=2000
wan0 tcp 10.50.0.21:21 > 10.1.0.10:40021 SA seq=7000 ack=2001
lan0 tcp 10.1.0.10:40021 > 10.50.0.21:21 A seq=2001 ack=7001
wan0 tcp 10.50.0.21:21 > 10.1.0.10:40021 PA seq=7001 ack=2001 data=32323020780d0a
lan0 tcp 10.1.0.10:40021 > 10.50.0.21:21 PA seq=2001 ack=7008 data=5553455220610d0a
lan0 tcp 10.1.0.10:40021 > 10.50.0.21:21 PA seq=2009 ack=7008 data=504f52542031302c312c302c31302c3230302c31300d0a
# a TFTP read request (the tftp helper): the server's answer is expected
lan0 udp 10.1.0.11:3069 > 10.50.0.69:69 data=0001666f6f006f6374657400
# a protocol without a tracker
lan0 ip 10.1.0.11 > 10.50.0.99 proto=99 len=8
# a UDP flow still active 2.5 s after it began: a stream, assured
lan0 udp 10.1.0.11:7000 > 10.50.0.7:7000 len=10
wan0 udp 10.50.0.7:7000 > 10.1.0.11:7000 len=10
sleep 2500
lan0 udp 10.1.0.11:7000 > 10.50.0.7:7000 len=10
wan0 udp 10.50.0.7:7000 > 10.1.0.11:7000 len=10
EOF

# The command lines, one a line, in order (the last ones delete).
cat >"$W/commands" <<'EOF'
-L
-L -o extended
-L -o extended,id
-C
-L conntrack -p udp
-L -p icmp
-L -p 99
-L -p tcp --state ESTABLISHED
-L -p tcp --state SYN_SENT
-L -s 10.1.0.10
-L --src 10.1.0.0/24 -d 10.50.0.53
-L -s 10.1.0.0/16 -d 10.50.0.0/16 -p icmp
-L -r 10.50.0.80
-L --reply-dst 10.1.0.11
-L -p udp --sport 7000
-L -p udp --orig-port-dst 53
-L -p udp --reply-port-src 6000
-L -p icmp --icmp-type 8 --icmp-id 9
-L -m 0
-L -m 1
-L --mark 0/0xff
-L -w 0
-L --zone 3
-L -w 9
-L --orig-zone 7
-L --reply-zone 7
-L --orig-zone 0 -p udp
-L --orig-zone 9
-L -o save -p 99
-L -o save -p udp --dport 6000
-L -o xml -p 99
-D --reply-zone 7
-L -f ipv4 -p udp
-L -f ipv6
-L expect
-L expect -o extended
-C expect
-L expect -p tcp
-L expect -f ipv6
-u ASSURED -L
-L -u SEEN_REPLY
-L -u UNREPLIED
-L -u ASSURED,SEEN_REPLY
-L -u !ASSURED
-L -u UNSET
-L -u FOO
-L -u assured -p udp
-L -s 10.1.0.10 --mask-src 255.255.0.0
-L --mask-src 255.255.0.0
-L -d 10.50.0.53 --mask-dst 255.0.0.0 -p udp
-L -p tcp --mask-port-src 5
-L -p udp --tuple-port-dst 5
-D expect
-D expect -p tcp
-D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp
-D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --dport 51210
-D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --sport 1 --dport 51210 --reply-port-src 0
-D expect -s 10.50.0.69 -d 10.1.0.11 -p udp --sport 1 --dport 3069
-D expect -s 10.50.0.69 -d 10.1.0.11 -p icmp
-D expect -s 10.50.0.69 -d 10.1.0.11 -p icmp --icmp-type 8
-D expect -s 10.50.0.69 -d 10.1.0.11 -p 99
-D expect -s 10.50.0.69 -d 10.1.0.11 -p udp -m 1
-D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --sport 1 --dport 51211 --reply-port-src 0 --reply-port-dst 0
-D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --sport 1 --dport 51210 --reply-port-src 0 --reply-port-dst 0 -o extended
-D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --sport 1 --dport 51210 --reply-port-src 0 --reply-port-dst 0
-L expect
-C expect
-L -t 5
-L -z -p udp
-L -c 1
-L -u SEEN_REPLY,!ASSURED
-L --status ASSURED -p tcp --state ESTABLISHED
-L -m foo
-L -m 0x0/0x0 -p icmp
-L -w 70000
-L -w x
-L -o save
-L -o save -p tcp
-L -o save,id
-F -o xml
-L -o xml
-L -o xml,extended -p icmp
-L -o xml -s 9.9.9.9
-L expect -o xml
-L -o id
-L -p tcp --sport x
-L -f ipv7
-L -s ::1
-L -s 10.1.0.10 -d ::1
-L -n
-L --src-nat 10.1.0.1
-L -g 10.50.0.7 -p udp
-L -j
-L -n 10.1.0.1:80
-L -n 1.2.3.4:
-L -n 1.2.3.4:x
-L -j -n
-L -g 10.0.0.0/8
-D -n
-D -j
-L dying
-L unconfirmed
-D dying
-C expect -p tcp
-F expect -s 1.2.3.4
-L expect -o id
-D -u ASSURED -p icmp
-L -p foo
-L -s 1.2.3.4/33
-L -r 10.0.0.0/8
-L --state ESTABLISHED
-L -p tcp --state FOO
-L -o foo
-L x
-L -L
-L -s
-C -p udp
-F -s 10.1.0.10
-X
-D -p udp --dport 53
-D -p udp --dport 53
-L -p udp
-D -s 10.1.0.11
-L expect
-C
-F expect
-L expect
-F
-L
EOF

# One command's text: "## ARGS", its exit status, its standard output
# (sorted, timeouts and ids left out, TCP lines left out with NO_TCP=1),
# then its standard error.
NO_TCP=0
normalise() {
	sed -E 's/^((ipv4 +2 )?[a-z]+ +[0-9]+ )[0-9]+ /\1T /; s/^[0-9]+ proto=/T proto=/; s/^-A -t [0-9]+ /-A -t T /; s/<timeout>[0-9]+</<timeout>T</g; s/<id>[0-9]+</<id>N</g; s/ id=[0-9]+$/ id=N/' "$1" |
		if [ $NO_TCP = 1 ]; then grep -Ev '^(ipv4 +2 )?tcp ' || true; else cat; fi |
		LC_ALL=C sort
}
record() { # record NAME RUNNER: every command through RUNNER into $W/NAME
	: >"$W/$1"
	while read -r args; do
		# shellcheck disable=SC2086
		$2 $args >"$W/o" 2>"$W/e"
		rc=$?
		{
			echo "## $args"
			echo "rc=$rc"
			normalise "$W/o"
			echo "--- stderr"
			if [ $NO_TCP = 1 ]; then
				# counts that include TCP lines cannot be compared
				sed -E 's/[0-9]+ flow entries have been (shown|deleted)/N flow entries have been \1/' "$W/e"
			else
				cat "$W/e"
			fi
		} >>"$W/$1"
	done <"$W/commands"
}

# nfu's side.
mkdir "$W/cap"
"$TOOL" pcap "$S" "$W/cap" 20 >/dev/null || { echo "skipped: conform_tool pcap failed"; exit 77; }
"$NFU" replay -r "$S/rules" -t "$S/topology" -i lan0="$W/cap/lan0.pcap" \
	-i wan0="$W/cap/wan0.pcap" --conntrack --conntrack-state "$W/nfu.state" -o "$W/out" \
	>"$W/replay.out" 2>"$W/replay.err" || bad "nfu replay: $(cat "$W/replay.err")"
grep -q '^tcp      6 [0-9]* [A-Z]' "$W/replay.out" || {
	NO_TCP=1
	echo "note: nfu's TCP tracker prints no state yet: TCP lines left out"
}
nfu_ct() { "$NFU" conntrack --conntrack-state "$W/nfu.state" "$@"; }
# --conntrack prints what nfu conntrack -L prints of the file, in order
nfu_ct -L >"$W/o" 2>/dev/null
if cmp -s "$W/replay.out" "$W/o"; then ok; else
	bad "nfu replay --conntrack and nfu conntrack -L differ: $(diff "$W/replay.out" "$W/o")"
fi
cp "$W/nfu.state" "$W/fresh.state"
record nfu.txt nfu_ct

# The kernel's side, when it can run here.
kernel=
if [ -z "${NFU_CT_NO_KERNEL:-}" ] && [ "$(id -u)" = 0 ] &&
	command -v conntrack >/dev/null 2>&1 &&
	command -v iptables-legacy-restore >/dev/null 2>&1 &&
	ip netns add "$tag-h" 2>/dev/null; then
	kernel=yes
	hx() { ip netns exec "$tag-h" "$@"; }
	hx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null
	hx ip link set lo up
	n=0
	maps=
	for dev in lan0 wan0; do
		ip netns add "$tag-p$n" || kernel=
		ip netns exec "$tag-p$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null
		hx ip link add "$dev" type veth peer name "p$n" \
			address "02:00:00:00:ff:0$((n + 1))" netns "$tag-p$n" || kernel=
		ip -n "$tag-p$n" link set "p$n" up
		maps="$maps $dev=$tag-p$n:p$n"
		n=$((n + 1))
	done
	# the MACs while the veths are down, then the rest of the topology
	{ grep '^ip link set ' "$S/topology"; echo "ip link set lan0 up";
	  echo "ip link set wan0 up"; grep -v '^ip link set ' "$S/topology"; } >"$W/kernel.topo"
	while read -r line; do
		hx $line >/dev/null || { echo "kernel side: $line failed"; kernel=; }
	done <"$W/kernel.topo"
	hx iptables-legacy-restore <"$S/rules" || kernel=
	if [ -n "$kernel" ]; then
		# shellcheck disable=SC2086
		"$TOOL" send "$S" 20 $maps || kernel=
		sleep 0.2
	fi
	[ -n "$kernel" ] || echo "note: the kernel side failed to set up; using the recording"
fi
if [ -n "$kernel" ]; then
	kernel_ct() { ip netns exec "$tag-h" conntrack "$@"; }
	record kernel.txt kernel_ct
	if [ -n "${NFU_CT_RECORD:-}" ]; then
		cat "$W/kernel.txt"
		exit 0
	fi
	what="the kernel's conntrack (Linux $(uname -r))"
else
	echo "note: not root or no network namespaces: comparing with the recording of Linux 6.18"
	sed -n '/^#GOLDEN-START$/,/^#GOLDEN-END$/p' "$0" | sed '1d;$d' >"$W/golden.raw"
	# the recording has the TCP lines: leave them out as for nfu
	: >"$W/kernel.txt"
	awk -v notcp=$NO_TCP '
		/^## / { sect = "head" }
		/^--- stderr$/ { sect = "err" }
		{
			if (notcp && sect != "err" && $0 ~ /^(ipv4 +2 )?tcp /) next
			if (notcp && sect == "err") gsub(/[0-9]+ flow entries have been/, "N flow entries have been")
			print
		}' "$W/golden.raw" >"$W/kernel.txt"
	what="the recording of Linux 6.18's conntrack"
fi

# Compared command by command, for readable failures.
awk '/^## /{n++} {print > (FILENAME ".part" n)}' "$W/kernel.txt"
awk '/^## /{n++} {print > (FILENAME ".part" n)}' "$W/nfu.txt"
i=1
while [ -f "$W/kernel.txt.part$i" ] || [ -f "$W/nfu.txt.part$i" ]; do
	if cmp -s "$W/kernel.txt.part$i" "$W/nfu.txt.part$i"; then
		ok
	else
		bad "$(head -1 "$W/kernel.txt.part$i" 2>/dev/null) differs from $what:
$(diff "$W/kernel.txt.part$i" "$W/nfu.txt.part$i")"
	fi
	i=$((i + 1))
done

# What the file holds, and nfu's own messages.
head -1 "$W/nfu.state" | grep -q '^# nfu conntrack table' || bad "the state file's first line"
"$NFU" conntrack -L >/dev/null 2>"$W/e"
rc=$?
[ $rc = 1 ] && grep -q 'Give --conntrack-state FILE' "$W/e" || bad "no table: rc $rc, $(cat "$W/e")"
NFU_CONNTRACK_STATE=$W/nfu.state "$NFU" conntrack -C >"$W/o" 2>&1 || bad "NFU_CONNTRACK_STATE"
printf 'udp      17 30 src=1.2.3.4\n' >"$W/broken"
"$NFU" conntrack --conntrack-state "$W/broken" -L >"$W/o" 2>"$W/e"
rc=$?
[ $rc = 1 ] && [ ! -s "$W/o" ] &&
	grep -q "$W/broken:1: expected src=ADDRESS dst=ADDRESS at \`src=1.2.3.4'" "$W/e" ||
	bad "a broken line: rc $rc, $(cat "$W/e")"
"$NFU" conntrack --conntrack-state "$W/none" -L 2>"$W/e"
rc=$?
[ $rc = 1 ] && grep -q "$W/none: No such file" "$W/e" || bad "a missing file: rc $rc, $(cat "$W/e")"


# The expectations in the file: after the connections, under a comment;
# -o DIR writes the same file as DIR/conntrack.
F=$W/fresh.state
cmp -s "$F" "$W/out/conntrack" && ok || bad "-o DIR's conntrack differs from --conntrack-state's"
grep -n . "$F" | sed -n '/# expectations/,$p' | cut -d' ' -f2- >"$W/o"
if [ "$(wc -l <"$W/o")" = 3 ] && [ "$(sed -n 1p "$W/o")" = "expectations, as conntrack -L expect prints them" ] &&
	grep -q '^proto=6 src=10.50.0.21 dst=10.1.0.10 sport=0 dport=51210 ' "$W/o" &&
	grep -q '^proto=17 src=10.50.0.69 dst=10.1.0.11 sport=0 dport=3069 ' "$W/o" &&
	[ "$(grep -c 'proto=' "$F")" = 2 ] && ! tail -3 "$F" | grep -q '^ipv4'; then ok; else
	bad "the expectations in the state file: $(cat "$F")"
fi
# Commands that fail change nothing; -D expect removes one line only, -D
# of a master its expectations too, comments stay.
cp "$F" "$W/t.state"
for args in "-D -p foo" "-D -m 1" "-D expect -s 1.2.3.4 -d 1.2.3.5 -p tcp --sport 1 --dport 2 --reply-port-src 0 --reply-port-dst 0" \
	"-F -s 1.2.3.4" "-D -o xml" "-D -j"; do
	# shellcheck disable=SC2086
	"$NFU" conntrack --conntrack-state "$W/t.state" $args >/dev/null 2>&1 && bad "$args succeeded"
	cmp -s "$F" "$W/t.state" && ok || bad "$args changed the file"
done
"$NFU" conntrack --conntrack-state "$W/t.state" -D expect -s 10.50.0.69 -d 10.1.0.11 -p udp \
	--sport 5 --dport 3069 --reply-port-src 0 --reply-port-dst 0 >"$W/o" 2>&1
diff "$F" "$W/t.state" >"$W/d"
[ "$(grep -c '^<' "$W/d")" = 1 ] && grep -q '^< [0-9]* proto=17 ' "$W/d" && ! grep -q '^>' "$W/d" &&
	grep -qx 'conntrack v1.4.7 (conntrack-tools): 0 expectations have been shown.' "$W/o" &&
	ok || bad "-D expect: $(cat "$W/o" "$W/d")"
"$NFU" conntrack --conntrack-state "$W/t.state" -D -p tcp --dport 21 >/dev/null 2>&1
[ "$(grep -c 'proto=' "$W/t.state")" = 0 ] && [ "$(grep -c '^#' "$W/t.state")" = 4 ] &&
	[ "$(grep -c '^ipv4' "$W/t.state")" = 8 ] && ok || bad "-D of a master: $(cat "$W/t.state")"
cp "$F" "$W/t.state"
"$NFU" conntrack --conntrack-state "$W/t.state" -F 2>/dev/null
[ "$(grep -vc '^#' "$W/t.state")" = 0 ] && [ "$(grep -c '^#' "$W/t.state")" = 4 ] &&
	ok || bad "-F: $(cat "$W/t.state")"
# nfu's refusals of what it does not do
"$NFU" conntrack --conntrack-state "$F" -D -p udp -o xml >"$W/o" 2>"$W/e"
rc=$?
[ $rc = 2 ] && [ ! -s "$W/o" ] && grep -qx 'nfu conntrack: -o xml with this command is not supported' "$W/e" ||
	bad "-D -o xml: rc $rc, $(cat "$W/e")"
printf '# x\n296 proto=6 src=10.50.0.21 dst=10.1.0.10 sport=0 dport=51210 class=0\n' >"$W/broken"
"$NFU" conntrack --conntrack-state "$W/broken" -L expect >"$W/o" 2>"$W/e"
rc=$?
[ $rc = 1 ] && [ ! -s "$W/o" ] &&
	grep -qx "nfu conntrack: $W/broken:2: expected mask-src=ADDRESS mask-dst=ADDRESS at \`class=0'" "$W/e" ||
	bad "a broken expectation: rc $rc, $(cat "$W/e")"
# NAT filters and -o save on a NATed connection (no NAT in the scene)
N=$W/nat.state
printf '%s\n' 'udp      17 30 src=10.1.0.10 dst=8.8.8.8 sport=5000 dport=53 src=8.8.8.8 dst=203.0.113.1 sport=53 dport=6000 mark=0 use=1' \
	'tcp      6 100 ESTABLISHED src=10.1.0.10 dst=203.0.113.1 sport=4000 dport=80 src=10.9.9.9 dst=10.1.0.10 sport=8080 dport=4000 [ASSURED] mark=0 use=1' >"$N"
for t in "-n:1" "-n 203.0.113.1:1" "-n 203.0.113.1:6000:1" "-n 203.0.113.1:5000:0" \
	"-g:1" "-g 10.9.9.9:8080:1" "-g 10.9.9.9:80:0" "-j:2" "-j 10.9.9.9:1" "-n -g:0" "-q 203.0.113.1:1"; do
	args=${t%:*}
	# shellcheck disable=SC2086
	"$NFU" conntrack --conntrack-state "$N" -L $args >/dev/null 2>"$W/e"
	grep -qx "conntrack v1.4.7 (conntrack-tools): ${t##*:} flow entries have been shown." "$W/e" &&
		ok || bad "-L $args: $(cat "$W/e")"
done
"$NFU" conntrack --conntrack-state "$N" -L -o save >"$W/o" 2>/dev/null
printf '%s\n' '-A -t 30 -u SEEN_REPLY -s 10.1.0.10 -d 8.8.8.8 -r 8.8.8.8 -n 203.0.113.1 -p udp --sport 5000 --dport 53 --reply-port-src 53 --reply-port-dst 6000' \
	'-A -t 100 -u SEEN_REPLY,ASSURED -s 10.1.0.10 -d 203.0.113.1 -g 10.9.9.9 -q 10.1.0.10 -p tcp --sport 4000 --dport 80 --reply-port-src 8080 --reply-port-dst 4000 --state ESTABLISHED' >"$W/want"
cmp -s "$W/o" "$W/want" && ok || bad "-o save of NATed connections: $(diff "$W/want" "$W/o")"

echo "$pass passed, $failed failed"
[ $failed -eq 0 ]
exit

# What Linux 6.18 with conntrack-tools 1.4.7 printed (NFU_CT_RECORD=1).
#GOLDEN-START
## -L
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -o extended
rc=0
ipv4     2 icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
ipv4     2 icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
ipv4     2 tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
ipv4     2 tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
ipv4     2 udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
ipv4     2 udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
ipv4     2 udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
ipv4     2 udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
ipv4     2 unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -o extended,id
rc=0
ipv4     2 icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1 id=N
ipv4     2 icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1 id=N
ipv4     2 tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1 id=N
ipv4     2 tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1 id=N
ipv4     2 udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1 id=N
ipv4     2 udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1 id=N
ipv4     2 udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1 id=N
ipv4     2 udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1 id=N
ipv4     2 unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1 id=N
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -C
rc=0
9
--- stderr
## -L conntrack -p udp
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 4 flow entries have been shown.
## -L -p icmp
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.
## -L -p 99
rc=0
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -p tcp --state ESTABLISHED
rc=0
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.
## -L -p tcp --state SYN_SENT
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -s 10.1.0.10
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 6 flow entries have been shown.
## -L --src 10.1.0.0/24 -d 10.50.0.53
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -s 10.1.0.0/16 -d 10.50.0.0/16 -p icmp
rc=0
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -r 10.50.0.80
rc=0
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.
## -L --reply-dst 10.1.0.11
rc=0
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
## -L -p udp --sport 7000
rc=0
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -p udp --orig-port-dst 53
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -p udp --reply-port-src 6000
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -p icmp --icmp-type 8 --icmp-id 9
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -m 0
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -m 1
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L --mark 0/0xff
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -w 0
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 8 flow entries have been shown.
## -L --zone 3
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -w 9
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L --orig-zone 7
rc=0
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L --reply-zone 7
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L --orig-zone 0 -p udp
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 4 flow entries have been shown.
## -L --orig-zone 9
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -o save -p 99
rc=0
-A -t T -u UNSET --orig-zone 7 -s 10.1.0.11 -d 10.50.0.99 -r 10.50.0.99 -q 10.1.0.11 -p 99
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -o save -p udp --dport 6000
rc=0
-A -t T -u UNSET -w 9 -s 10.1.0.10 -d 10.50.0.9 -r 10.50.0.9 -q 10.1.0.10 -p udp --sport 6000 --dport 6000 --reply-port-src 6000 --reply-port-dst 6000
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -o xml -p 99
rc=0
</conntrack>
<?xml version="1.0" encoding="utf-8"?>
<conntrack>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.11</src><dst>10.50.0.99</dst></layer3><layer4 protonum="99" protoname="unknown"></layer4><zone>7</zone><counters><packets>1</packets><bytes>28</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.99</src><dst>10.1.0.11</dst></layer3><layer4 protonum="99" protoname="unknown"></layer4><counters><packets>0</packets><bytes>0</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id><unreplied/></meta></flow>
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -D --reply-zone 7
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.
## -L -f ipv4 -p udp
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 4 flow entries have been shown.
## -L -f ipv6
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L expect
rc=0
T proto=17 src=10.50.0.69 dst=10.1.0.11 sport=0 dport=3069 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.11 master-dst=10.50.0.69 sport=3069 dport=69 class=0 helper=tftp
T proto=6 src=10.50.0.21 dst=10.1.0.10 sport=0 dport=51210 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.10 master-dst=10.50.0.21 sport=40021 dport=21 class=0 helper=ftp
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 expectations have been shown.
## -L expect -o extended
rc=0
T proto=17 src=10.50.0.69 dst=10.1.0.11 sport=0 dport=3069 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.11 master-dst=10.50.0.69 sport=3069 dport=69 class=0 helper=tftp
T proto=6 src=10.50.0.21 dst=10.1.0.10 sport=0 dport=51210 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.10 master-dst=10.50.0.21 sport=40021 dport=21 class=0 helper=ftp
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 expectations have been shown.
## -C expect
rc=0
2
--- stderr
## -L expect -p tcp
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--protonum' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -L expect -f ipv6
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 expectations have been shown.
## -u ASSURED -L
rc=0
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
## -L -u SEEN_REPLY
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 6 flow entries have been shown.
## -L -u UNREPLIED
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
## -L -u ASSURED,SEEN_REPLY
rc=0
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
## -L -u !ASSURED
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 6 flow entries have been shown.
## -L -u UNSET
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): Operation failed: invalid parameters
## -L -u FOO
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Bad parameter `FOO'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -u assured -p udp
rc=0
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
## -L -s 10.1.0.10 --mask-src 255.255.0.0
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L --mask-src 255.255.0.0
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Can't use --mask-src without --src
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -d 10.50.0.53 --mask-dst 255.0.0.0 -p udp
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 4 flow entries have been shown.
## -L -p tcp --mask-port-src 5
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--mask-port-src' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -p udp --tuple-port-dst 5
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--tuple-port-dst' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): You need to supply the `--src' option for this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -p tcp
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): You need to supply the `--src' option for this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): You need to supply the `--sport' option for this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --dport 51210
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): You need to supply the `--sport' option for this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --sport 1 --dport 51210 --reply-port-src 0
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): You need to supply the `--reply-port-dst' option for this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -s 10.50.0.69 -d 10.1.0.11 -p udp --sport 1 --dport 3069
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): You need to supply the `--reply-port-src' option for this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -s 10.50.0.69 -d 10.1.0.11 -p icmp
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): Operation failed: No such file or directory
## -D expect -s 10.50.0.69 -d 10.1.0.11 -p icmp --icmp-type 8
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--icmp-type' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -s 10.50.0.69 -d 10.1.0.11 -p 99
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): Operation failed: No such file or directory
## -D expect -s 10.50.0.69 -d 10.1.0.11 -p udp -m 1
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--mark' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --sport 1 --dport 51211 --reply-port-src 0 --reply-port-dst 0
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): Operation failed: No such file or directory
## -D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --sport 1 --dport 51210 --reply-port-src 0 --reply-port-dst 0 -o extended
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--output' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -D expect -s 10.50.0.21 -d 10.1.0.10 -p tcp --sport 1 --dport 51210 --reply-port-src 0 --reply-port-dst 0
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 expectations have been shown.
## -L expect
rc=0
T proto=17 src=10.50.0.69 dst=10.1.0.11 sport=0 dport=3069 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.11 master-dst=10.50.0.69 sport=3069 dport=69 class=0 helper=tftp
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 expectations have been shown.
## -C expect
rc=0
1
--- stderr
## -L -t 5
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--timeout' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -z -p udp
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Can't use -z with filtering parameters
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -c 1
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -u SEEN_REPLY,!ASSURED
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L --status ASSURED -p tcp --state ESTABLISHED
rc=0
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.
## -L -m foo
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -m 0x0/0x0 -p icmp
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.
## -L -w 70000
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -w x
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 8 flow entries have been shown.
## -L -o save
rc=0
-A -t T -u SEEN_REPLY -s 10.1.0.10 -d 10.1.0.1 -r 10.1.0.1 -q 10.1.0.10 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 9
-A -t T -u SEEN_REPLY -s 10.1.0.10 -d 10.50.0.53 -r 10.50.0.53 -q 10.1.0.10 -p udp --sport 5353 --dport 53 --reply-port-src 53 --reply-port-dst 5353
-A -t T -u SEEN_REPLY -s 10.1.0.10 -d 10.50.0.80 -r 10.50.0.80 -q 10.1.0.10 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 7
-A -t T -u SEEN_REPLY,ASSURED -s 10.1.0.10 -d 10.50.0.21 -r 10.50.0.21 -q 10.1.0.10 -p tcp --sport 40021 --dport 21 --reply-port-src 21 --reply-port-dst 40021 --state ESTABLISHED
-A -t T -u SEEN_REPLY,ASSURED -s 10.1.0.10 -d 10.50.0.80 -r 10.50.0.80 -q 10.1.0.10 -p tcp --sport 40001 --dport 443 --reply-port-src 443 --reply-port-dst 40001 --state ESTABLISHED
-A -t T -u SEEN_REPLY,ASSURED -s 10.1.0.11 -d 10.50.0.7 -r 10.50.0.7 -q 10.1.0.11 -p udp --sport 7000 --dport 7000 --reply-port-src 7000 --reply-port-dst 7000
-A -t T -u UNSET --orig-zone 7 -s 10.1.0.11 -d 10.50.0.99 -r 10.50.0.99 -q 10.1.0.11 -p 99
-A -t T -u UNSET -s 10.1.0.11 -d 10.50.0.69 -r 10.50.0.69 -q 10.1.0.11 -p udp --sport 3069 --dport 69 --reply-port-src 69 --reply-port-dst 3069
-A -t T -u UNSET -w 9 -s 10.1.0.10 -d 10.50.0.9 -r 10.50.0.9 -q 10.1.0.10 -p udp --sport 6000 --dport 6000 --reply-port-src 6000 --reply-port-dst 6000
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -o save -p tcp
rc=0
-A -t T -u SEEN_REPLY,ASSURED -s 10.1.0.10 -d 10.50.0.21 -r 10.50.0.21 -q 10.1.0.10 -p tcp --sport 40021 --dport 21 --reply-port-src 21 --reply-port-dst 40021 --state ESTABLISHED
-A -t T -u SEEN_REPLY,ASSURED -s 10.1.0.10 -d 10.50.0.80 -r 10.50.0.80 -q 10.1.0.10 -p tcp --sport 40001 --dport 443 --reply-port-src 443 --reply-port-dst 40001 --state ESTABLISHED
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.
## -L -o save,id
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): cannot combine save output with any other output type, use -o save only
## -F -o xml
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--output' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -o xml
rc=0
</conntrack>
<?xml version="1.0" encoding="utf-8"?>
<conntrack>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.10</src><dst>10.1.0.1</dst></layer3><layer4 protonum="1" protoname="icmp"></layer4><counters><packets>1</packets><bytes>84</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.1</src><dst>10.1.0.10</dst></layer3><layer4 protonum="1" protoname="icmp"></layer4><counters><packets>1</packets><bytes>84</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id></meta></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.10</src><dst>10.50.0.21</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>40021</sport><dport>21</dport></layer4><counters><packets>4</packets><bytes>191</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.21</src><dst>10.1.0.10</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>21</sport><dport>40021</dport></layer4><counters><packets>2</packets><bytes>87</bytes></counters></meta><meta direction="independent"><state>ESTABLISHED</state><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id><assured/></meta><helper>ftp</helper></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.10</src><dst>10.50.0.53</dst></layer3><layer4 protonum="17" protoname="udp"><sport>5353</sport><dport>53</dport></layer4><counters><packets>1</packets><bytes>58</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.53</src><dst>10.1.0.10</dst></layer3><layer4 protonum="17" protoname="udp"><sport>53</sport><dport>5353</dport></layer4><counters><packets>1</packets><bytes>88</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id></meta></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.10</src><dst>10.50.0.80</dst></layer3><layer4 protonum="1" protoname="icmp"></layer4><counters><packets>1</packets><bytes>84</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.80</src><dst>10.1.0.10</dst></layer3><layer4 protonum="1" protoname="icmp"></layer4><counters><packets>1</packets><bytes>84</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id></meta></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.10</src><dst>10.50.0.80</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>40001</sport><dport>443</dport></layer4><counters><packets>2</packets><bytes>80</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.80</src><dst>10.1.0.10</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>443</sport><dport>40001</dport></layer4><counters><packets>1</packets><bytes>40</bytes></counters></meta><meta direction="independent"><state>ESTABLISHED</state><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id><assured/></meta></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.10</src><dst>10.50.0.9</dst></layer3><layer4 protonum="17" protoname="udp"><sport>6000</sport><dport>6000</dport></layer4><counters><packets>1</packets><bytes>48</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.9</src><dst>10.1.0.10</dst></layer3><layer4 protonum="17" protoname="udp"><sport>6000</sport><dport>6000</dport></layer4><counters><packets>0</packets><bytes>0</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><zone>9</zone><use>1</use><id>N</id><unreplied/></meta></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.11</src><dst>10.50.0.69</dst></layer3><layer4 protonum="17" protoname="udp"><sport>3069</sport><dport>69</dport></layer4><counters><packets>1</packets><bytes>40</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.69</src><dst>10.1.0.11</dst></layer3><layer4 protonum="17" protoname="udp"><sport>69</sport><dport>3069</dport></layer4><counters><packets>0</packets><bytes>0</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id><unreplied/></meta><helper>tftp</helper></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.11</src><dst>10.50.0.7</dst></layer3><layer4 protonum="17" protoname="udp"><sport>7000</sport><dport>7000</dport></layer4><counters><packets>2</packets><bytes>76</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.7</src><dst>10.1.0.11</dst></layer3><layer4 protonum="17" protoname="udp"><sport>7000</sport><dport>7000</dport></layer4><counters><packets>2</packets><bytes>76</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id><assured/></meta></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.11</src><dst>10.50.0.99</dst></layer3><layer4 protonum="99" protoname="unknown"></layer4><zone>7</zone><counters><packets>1</packets><bytes>28</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.99</src><dst>10.1.0.11</dst></layer3><layer4 protonum="99" protoname="unknown"></layer4><counters><packets>0</packets><bytes>0</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id><unreplied/></meta></flow>
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -o xml,extended -p icmp
rc=0
</conntrack>
<?xml version="1.0" encoding="utf-8"?>
<conntrack>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.10</src><dst>10.1.0.1</dst></layer3><layer4 protonum="1" protoname="icmp"></layer4><counters><packets>1</packets><bytes>84</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.1</src><dst>10.1.0.10</dst></layer3><layer4 protonum="1" protoname="icmp"></layer4><counters><packets>1</packets><bytes>84</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id></meta></flow>
<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.10</src><dst>10.50.0.80</dst></layer3><layer4 protonum="1" protoname="icmp"></layer4><counters><packets>1</packets><bytes>84</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.50.0.80</src><dst>10.1.0.10</dst></layer3><layer4 protonum="1" protoname="icmp"></layer4><counters><packets>1</packets><bytes>84</bytes></counters></meta><meta direction="independent"><timeout>T</timeout><mark>0</mark><use>1</use><id>N</id></meta></flow>
--- stderr
conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.
## -L -o xml -s 9.9.9.9
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L expect -o xml
rc=0
</expect>
<?xml version="1.0" encoding="utf-8"?>
<expect>
<flow><layer3 protonum="2" protoname="ipv4"><expected><src>10.50.0.69</src><dst>10.1.0.11</dst></expected><mask><src>255.255.255.255</src><dst>255.255.255.255</dst></mask><master><src>10.1.0.11</src><dst>10.50.0.69</dst></master></layer3><layer4 protonum="17" protoname="udp"><expected><sport>0</sport><dport>3069</dport></expected><mask><sport>0</sport><dport>65535</dport></mask><master><sport>3069</sport><dport>69</dport></master></layer4><meta><helper-name>tftp</helper-name><timeout>T</timeout><class>0</class></meta></flow>
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 expectations have been shown.
## -L -o id
rc=0
icmp     1 T src=10.1.0.10 dst=10.1.0.1 type=8 code=0 id=9 packets=1 bytes=84 src=10.1.0.1 dst=10.1.0.10 type=0 code=0 id=9 packets=1 bytes=84 mark=0 use=1 id=N
icmp     1 T src=10.1.0.10 dst=10.50.0.80 type=8 code=0 id=7 packets=1 bytes=84 src=10.50.0.80 dst=10.1.0.10 type=0 code=0 id=7 packets=1 bytes=84 mark=0 use=1 id=N
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.21 sport=40021 dport=21 packets=4 bytes=191 src=10.50.0.21 dst=10.1.0.10 sport=21 dport=40021 packets=2 bytes=87 [ASSURED] mark=0 helper=ftp use=1 id=N
tcp      6 T ESTABLISHED src=10.1.0.10 dst=10.50.0.80 sport=40001 dport=443 packets=2 bytes=80 src=10.50.0.80 dst=10.1.0.10 sport=443 dport=40001 packets=1 bytes=40 [ASSURED] mark=0 use=1 id=N
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1 id=N
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1 id=N
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1 id=N
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1 id=N
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1 id=N
--- stderr
conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.
## -L -p tcp --sport x
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -f ipv7
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): `ipv7' unsupported protocol
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -s ::1
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -s 10.1.0.10 -d ::1
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): mismatched address family
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -n
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L --src-nat 10.1.0.1
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -g 10.50.0.7 -p udp
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -j
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -n 10.1.0.1:80
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L -n 1.2.3.4:
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): No port specified after `:'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -n 1.2.3.4:x
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Invalid port `x'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -j -n
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): cannot specify `--src-nat' or `--dst-nat' with `--any-nat'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -g 10.0.0.0/8
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): CIDR notation unavailable for `--dst-nat'
Try `conntrack -h' or 'conntrack --help' for more information.
## -D -n
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.
## -D -j
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--any-nat' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -L dying
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -L unconfirmed
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
## -D dying
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Can't do that command with tables `dying' and `unconfirmed'
Try `conntrack -h' or 'conntrack --help' for more information.
## -C expect -p tcp
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--protonum' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -F expect -s 1.2.3.4
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--src' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -L expect -o id
rc=0
T proto=17 src=10.50.0.69 dst=10.1.0.11 sport=0 dport=3069 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.11 master-dst=10.50.0.69 sport=3069 dport=69 class=0 helper=tftp
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 expectations have been shown.
## -D -u ASSURED -p icmp
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.
## -L -p foo
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): `foo' unsupported protocol
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -s 1.2.3.4/33
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Invalid netmask
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -r 10.0.0.0/8
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): CIDR notation unavailable for `--reply-src'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L --state ESTABLISHED
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): unknown option `--state'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -p tcp --state FOO
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): unknown TCP state `FOO'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -o foo
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Bad parameter `foo'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L x
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): unknown type `x'
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -L
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Invalid commands combination
Try `conntrack -h' or 'conntrack --help' for more information.
## -L -s
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): option `-s' requires an argument
Try `conntrack -h' or 'conntrack --help' for more information.
## -C -p udp
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--protonum' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -F -s 10.1.0.10
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): Illegal option `--src' with this command
Try `conntrack -h' or 'conntrack --help' for more information.
## -X
rc=2
--- stderr
conntrack v1.4.7 (conntrack-tools): unknown option `-X'
Try `conntrack -h' or 'conntrack --help' for more information.
## -D -p udp --dport 53
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.53 sport=5353 dport=53 packets=1 bytes=58 src=10.50.0.53 dst=10.1.0.10 sport=53 dport=5353 packets=1 bytes=88 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 1 flow entries have been deleted.
## -D -p udp --dport 53
rc=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.
## -L -p udp
rc=0
udp      17 T src=10.1.0.10 dst=10.50.0.9 sport=6000 dport=6000 packets=1 bytes=48 [UNREPLIED] src=10.50.0.9 dst=10.1.0.10 sport=6000 dport=6000 packets=0 bytes=0 mark=0 zone=9 use=1
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
## -D -s 10.1.0.11
rc=0
udp      17 T src=10.1.0.11 dst=10.50.0.69 sport=3069 dport=69 packets=1 bytes=40 [UNREPLIED] src=10.50.0.69 dst=10.1.0.11 sport=69 dport=3069 packets=0 bytes=0 mark=0 helper=tftp use=1
udp      17 T src=10.1.0.11 dst=10.50.0.7 sport=7000 dport=7000 packets=2 bytes=76 src=10.50.0.7 dst=10.1.0.11 sport=7000 dport=7000 packets=2 bytes=76 [ASSURED] mark=0 use=1
unknown  99 T src=10.1.0.11 dst=10.50.0.99 zone-orig=7 packets=1 bytes=28 [UNREPLIED] src=10.50.0.99 dst=10.1.0.11 packets=0 bytes=0 mark=0 use=1
--- stderr
conntrack v1.4.7 (conntrack-tools): 3 flow entries have been deleted.
## -L expect
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 expectations have been shown.
## -C
rc=0
5
--- stderr
## -F expect
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): expectation table has been emptied.
## -L expect
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 expectations have been shown.
## -F
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): connection tracking table has been emptied.
## -L
rc=0
--- stderr
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
#GOLDEN-END
