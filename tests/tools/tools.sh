#!/bin/sh
# tests/tools/tools.sh NFU - the nfu command: iptables, iptables-save,
# iptables-restore on a --state file.  Every scenario runs through nfu and,
# when root and `ip netns' are available, through iptables-legacy in a
# throwaway network namespace: outputs, messages and exit codes must be
# the kernel's.  Without a namespace they are compared with the expected
# text below (taken from iptables 1.8.9 legacy on Linux 6.18).
# Usage: tools.sh path/to/nfu
# Ends with "N passed, N failed"; exits 1 when something failed.

NFU=${1:?usage: tools.sh path/to/nfu}
T=$(mktemp -d "${TMPDIR:-/tmp}/nfutool.XXXXXX") || exit 1
NS=nfutool-$$
NSR=nfutool-$$-r
NSL=nfutool-$$-l
KERNEL=0
pass=0
fail=0

cleanup() {
	if [ "$KERNEL" = 1 ]; then
		ip netns del "$NS" 2>/dev/null
		ip netns del "$NSR" 2>/dev/null
		ip netns del "$NSL" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }

# same NAME EXPECTED_FILE ACTUAL_FILE
same() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		ko "$1"; diff -u "$2" "$3" | sed 's/^/    /'
	fi
}
# is NAME EXPECTED ACTUAL
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi
}
# has NAME FILE TEXT: FILE holds the fixed string TEXT
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		ko "$1: no '$3' in:"; sed 's/^/    /' "$2"
	fi
}
nocomment() { grep -v '^#' "$1" > "$2"; }
inode() { ls -i "$1" 2>/dev/null | cut -d' ' -f1; }

# NFU_TOOLS_NO_KERNEL=1 checks the stored expectations only.
if [ -z "$NFU_TOOLS_NO_KERNEL" ] && [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1 &&
   command -v iptables-legacy >/dev/null 2>&1 &&
   ip netns add "$NS" 2>/dev/null; then
	if ip netns add "$NSR" 2>/dev/null; then
		KERNEL=1
	else
		ip netns del "$NS"
	fi
fi
if [ "$KERNEL" = 1 ]; then
	echo "# comparing with iptables-legacy in network namespaces"
else
	echo "# no namespaces: comparing with the stored expectations"
fi
kipt() { ip netns exec "$NS" iptables-legacy "$@"; }

F=$T/rules.v4

# ---- iptables command lines: exit codes and messages ----------------------
# Each line: expected exit code, then the arguments (eval'd).  The messages
# of all of them, in order, are compared at the end.
cat > "$T/commands" <<'END'
0 -N web
0 -A INPUT -p tcp --dport 80 -j web
0 -A INPUT -s 10.1.2.3/8 -i eth0 -j web
0 -I INPUT 1 -i lo -j ACCEPT
0 -A web -m state --state NEW,ESTABLISHED -j ACCEPT
0 -A web ! -d 192.168.0.0/16 -p udp --sport 53 -j DROP
0 -A FORWARD -o eth1+ -j DROP
0 -P FORWARD DROP
0 -t nat -A POSTROUTING -o eth0 -j ACCEPT
0 -N tmp
0 -E tmp tmp2
0 -X tmp2
0 -R web 2 -p udp --dport 53 -j RETURN
0 -C INPUT -i lo -j ACCEPT
0 -D INPUT -i lo -j ACCEPT
1 -C INPUT -i lo -j ACCEPT
0 -A OUTPUT -j ACCEPT -c 5 100
1 -A nosuch -j ACCEPT
1 -D INPUT -j DROP
2 --bogus
2 -A INPUT -p tcp --dport 80 --dport 81 -j ACCEPT
2 -A INPUT -j nosuchchain
1 -N web
1 -S nosuch
1 -A web -p tcp -j web
3 -t foo -S
END
: > "$T/nfu.err"
: > "$T/k.err"
while read -r rc args; do
	eval "set -- $args"
	echo "== $args" >> "$T/nfu.err"
	"$NFU" iptables --state "$F" "$@" > /dev/null 2> "$T/one.err"
	got=$?
	# nfu's own explanation follows iptables' text: compared apart
	grep -v '^nfu iptables: ' "$T/one.err" >> "$T/nfu.err"
	is "iptables $args: exit $rc" "$rc" "$got"
	if [ "$KERNEL" = 1 ]; then
		echo "== $args" >> "$T/k.err"
		kipt "$@" > /dev/null 2>> "$T/k.err"
		is "iptables $args: exit as Linux" "$?" "$got"
	fi
done < "$T/commands"

cat > "$T/expect.err" <<'END'
== -N web
== -A INPUT -p tcp --dport 80 -j web
== -A INPUT -s 10.1.2.3/8 -i eth0 -j web
== -I INPUT 1 -i lo -j ACCEPT
== -A web -m state --state NEW,ESTABLISHED -j ACCEPT
== -A web ! -d 192.168.0.0/16 -p udp --sport 53 -j DROP
== -A FORWARD -o eth1+ -j DROP
== -P FORWARD DROP
== -t nat -A POSTROUTING -o eth0 -j ACCEPT
== -N tmp
== -E tmp tmp2
== -X tmp2
== -R web 2 -p udp --dport 53 -j RETURN
== -C INPUT -i lo -j ACCEPT
== -D INPUT -i lo -j ACCEPT
== -C INPUT -i lo -j ACCEPT
iptables: Bad rule (does a matching rule exist in that chain?).
== -A OUTPUT -j ACCEPT -c 5 100
== -A nosuch -j ACCEPT
iptables: No chain/target/match by that name.
== -D INPUT -j DROP
iptables: Bad rule (does a matching rule exist in that chain?).
== --bogus
iptables v1.8.9 (legacy): unknown option "--bogus"
Try `iptables -h' or 'iptables --help' for more information.
== -A INPUT -p tcp --dport 80 --dport 81 -j ACCEPT
iptables v1.8.9 (legacy): Only one `--destination-port' allowed
Try `iptables -h' or 'iptables --help' for more information.
== -A INPUT -j nosuchchain
iptables v1.8.9 (legacy): Couldn't load target `nosuchchain':No such file or directory

Try `iptables -h' or 'iptables --help' for more information.
== -N web
iptables: Chain already exists.
== -S nosuch
iptables: No chain/target/match by that name.
== -A web -p tcp -j web
iptables: Too many levels of symbolic links.
== -t foo -S
iptables v1.8.9 (legacy): can't initialize iptables table `foo': Table does not exist (do you need to insmod?)
Perhaps iptables or your kernel needs to be upgraded.
END
same "iptables messages as expected" "$T/expect.err" "$T/nfu.err"
[ "$KERNEL" = 1 ] && same "iptables messages as Linux's" "$T/k.err" "$T/nfu.err"

# ---- iptables-save and -S of the result ----------------------------------
cat > "$T/expect.save" <<'END'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
[0:0] -A POSTROUTING -o eth0 -j ACCEPT
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:web - [0:0]
[0:0] -A INPUT -p tcp -m tcp --dport 80 -j web
[0:0] -A INPUT -s 10.0.0.0/8 -i eth0 -j web
[0:0] -A FORWARD -o eth1+ -j DROP
[5:100] -A OUTPUT -j ACCEPT
[0:0] -A web -m state --state NEW,ESTABLISHED -j ACCEPT
[0:0] -A web -p udp -m udp --dport 53 -j RETURN
COMMIT
END
"$NFU" iptables-save --state "$F" -c > "$T/save.c"
is "iptables-save -c: exit 0" 0 $?
nocomment "$T/save.c" "$T/nfu.save"
same "iptables-save -c as expected" "$T/expect.save" "$T/nfu.save"
has "iptables-save: # Generated by line" "$T/save.c" "# Generated by nfu iptables-save v"
has "iptables-save: # Completed on line" "$T/save.c" "# Completed on "
if [ "$KERNEL" = 1 ]; then
	ip netns exec "$NS" iptables-legacy-save -c > "$T/k.save.c"
	nocomment "$T/k.save.c" "$T/k.save"
	same "iptables-save -c as Linux's" "$T/k.save" "$T/nfu.save"
	# only the two comment lines differ, and only in name and date
	sed 's/^# Generated by .* on .*/# Generated/; s/^# Completed on .*/# Completed/' \
		"$T/k.save.c" > "$T/k.cmt"
	sed 's/^# Generated by .* on .*/# Generated/; s/^# Completed on .*/# Completed/' \
		"$T/save.c" > "$T/nfu.cmt"
	same "iptables-save: comment lines where Linux has them" "$T/k.cmt" "$T/nfu.cmt"
	for args in "" "-t nat" "-t filter" "-t raw"; do
		# shellcheck disable=SC2086
		"$NFU" iptables-save --state "$F" $args | grep -v '^#' > "$T/n1"
		# shellcheck disable=SC2086
		ip netns exec "$NS" iptables-legacy-save $args | grep -v '^#' > "$T/k1"
		same "iptables-save $args as Linux's" "$T/k1" "$T/n1"
	done
	for args in "-S" "-S -v" "-t nat -S" "-S web" "-S INPUT 2" "-v -S FORWARD"; do
		# shellcheck disable=SC2086
		"$NFU" iptables --state "$F" $args > "$T/n1" 2>&1
		# shellcheck disable=SC2086
		kipt $args > "$T/k1" 2>&1
		same "iptables $args as Linux's" "$T/k1" "$T/n1"
	done
fi
cat > "$T/expect.S" <<'END'
-P INPUT ACCEPT -c 0 0
-P FORWARD DROP -c 0 0
-P OUTPUT ACCEPT -c 0 0
-N web
-A INPUT -p tcp -m tcp --dport 80 -c 0 0 -j web
-A INPUT -s 10.0.0.0/8 -i eth0 -c 0 0 -j web
-A FORWARD -o eth1+ -c 0 0 -j DROP
-A OUTPUT -c 5 100 -j ACCEPT
-A web -m state --state NEW,ESTABLISHED -c 0 0 -j ACCEPT
-A web -p udp -m udp --dport 53 -c 0 0 -j RETURN
END
"$NFU" iptables --state "$F" -S -v > "$T/n1"
same "iptables -S -v as expected" "$T/expect.S" "$T/n1"

# ---- the state file ------------------------------------------------------
cp "$F" "$T/before"
ino=$(inode "$F")
"$NFU" iptables --state "$F" -A nosuch -j ACCEPT 2> /dev/null
same "a failed command leaves the file alone" "$T/before" "$F"
"$NFU" iptables --state "$F" -A web -p tcp -j web 2> "$T/err"
has "a loop is refused with its reason" "$T/err" \
	"nfu iptables: the kernel would refuse this ruleset: chain \`web' jumps to itself"
same "a refused commit leaves the file alone" "$T/before" "$F"
"$NFU" iptables --state "$F" -C INPUT -s 10.0.0.0/8 -i eth0 -j web
"$NFU" iptables --state "$F" -S > /dev/null
"$NFU" iptables --state "--state=$F" -S > /dev/null 2>&1
is "-C and -S do not rewrite the file" "$ino" "$(inode "$F")"
NFU_STATE=$F "$NFU" iptables -S > "$T/n1"
"$NFU" iptables --state "$F" -S > "$T/n2"
same "NFU_STATE names the file" "$T/n2" "$T/n1"
"$NFU" iptables "--state=$F" -S > "$T/n1"
same "--state=FILE" "$T/n2" "$T/n1"
"$NFU" iptables --state "$F" -Z OUTPUT
is "-Z: exit 0" 0 $?
"$NFU" iptables-save -c --state "$F" | grep -F -- '-A OUTPUT' > "$T/n1"
echo "[0:0] -A OUTPUT -j ACCEPT" > "$T/n2"
same "-Z zeroes the counters in the file" "$T/n2" "$T/n1"
(unset NFU_STATE; "$NFU" iptables -S) > /dev/null 2> "$T/err"
is "no --state and no NFU_STATE: exit 1" 1 $?
has "no --state: says why" "$T/err" "--state FILE"
"$NFU" iptables --state "$F" -L > /dev/null 2> "$T/err"
is "-L: exit 0" 0 $?
"$NFU" iptables-save --state "$T/new/none" > /dev/null 2>&1
is "a state file in a missing directory: exit 1" 1 $?
"$NFU" iptables --state "$T/fresh" -S > /dev/null
if [ -f "$T/fresh" ]; then ok "a missing state file is created"; else
	ko "a missing state file is created"; fi
leftover=$(ls "$T" | grep -c '\.tmp\.')
is "no temporary files left" 0 "$leftover"

# ---- the nfu command -----------------------------------------------------
"$NFU" frobnicate > /dev/null 2> "$T/err"
is "unknown subcommand: exit 2" 2 $?
has "unknown subcommand: named" "$T/err" "frobnicate"
"$NFU" --version > "$T/n1"
is "nfu --version: exit 0" 0 $?
has "nfu --version: prints it" "$T/n1" "nfu "
"$NFU" --help > "$T/n1"
is "nfu --help: exit 0" 0 $?
has "nfu --help: lists iptables-restore" "$T/n1" "iptables-restore"
"$NFU" iptables -V > "$T/n1"
echo "iptables v1.8.9 (legacy)" > "$T/n2"
same "iptables -V" "$T/n2" "$T/n1"

# ---- iptables-restore ----------------------------------------------------
G=$T/restored.v4
"$NFU" iptables-restore --state "$G" -c "$T/save.c"
is "restore -c of a save: exit 0" 0 $?
"$NFU" iptables-save --state "$G" -c > "$T/r1.c"
for tb in filter nat; do
	sed -n "/^\*$tb\$/,/^COMMIT\$/p" "$T/save.c" > "$T/s1"
	sed -n "/^\*$tb\$/,/^COMMIT\$/p" "$T/r1.c" > "$T/r1"
	same "restore then save: table $tb as saved" "$T/s1" "$T/r1"
done
# As in Linux, a fresh stack makes the tables in the order the input
# names them, and iptables-save prints the newest first.
grep '^\*' "$T/r1.c" > "$T/n1"
printf '*filter\n*nat\n' > "$T/n2"
same "restore into a fresh ruleset: tables newest first" "$T/n2" "$T/n1"
nocomment "$T/r1.c" "$T/r1"
"$NFU" iptables-restore --state "$G" -c < "$T/r1.c"
"$NFU" iptables-save --state "$G" -c | grep -v '^#' > "$T/r2"
same "save, restore, save: a fixed point" "$T/r1" "$T/r2"

cat > "$T/add.v4" <<'END'
# a comment
*filter
-A INPUT -p udp --dport 123 -j ACCEPT
COMMIT
END
ino=$(inode "$G")
"$NFU" iptables-restore --state "$G" --test "$T/add.v4"
is "restore --test: exit 0" 0 $?
is "restore --test changes nothing" "$ino" "$(inode "$G")"
"$NFU" iptables-restore --state "$G" --noflush "$T/add.v4"
"$NFU" iptables --state "$G" -S INPUT > "$T/n1"
cat > "$T/n2" <<'END'
-P INPUT ACCEPT
-A INPUT -p tcp -m tcp --dport 80 -j web
-A INPUT -s 10.0.0.0/8 -i eth0 -j web
-A INPUT -p udp -m udp --dport 123 -j ACCEPT
END
same "restore --noflush appends" "$T/n2" "$T/n1"
"$NFU" iptables-restore --state "$G" -T nat "$T/add.v4"
"$NFU" iptables --state "$G" -S INPUT > "$T/n1"
same "restore -T nat leaves filter alone" "$T/n2" "$T/n1"

if [ "$KERNEL" = 1 ]; then
	ip netns exec "$NSR" iptables-legacy-restore -c < "$T/save.c"
	ip netns exec "$NSR" iptables-legacy-restore --noflush "$T/add.v4"
	ip netns exec "$NSR" iptables-legacy-save -c | grep -v '^#' > "$T/k1"
	"$NFU" iptables-restore --state "$T/k.v4" -c < "$T/save.c"
	"$NFU" iptables-restore --state "$T/k.v4" --noflush "$T/add.v4"
	"$NFU" iptables-save --state "$T/k.v4" -c | grep -v '^#' > "$T/n1"
	same "restore, restore --noflush, save as Linux (fresh)" "$T/k1" "$T/n1"
fi

# Inputs that fail: the same messages and exit codes as Linux.
cat > "$T/bad1.v4" <<'END'
*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp --bogus 1 -j ACCEPT
COMMIT
END
cat > "$T/bad2.v4" <<'END'
*filter
:INPUT ACCEPT [0:0]
-A INPUT -j ACCEPT
END
cat > "$T/bad3.v4" <<'END'
*filter
:INPUT ACCEPT [0:0]
:loop - [0:0]
-A INPUT -j loop
-A loop -j loop
COMMIT
END
cat > "$T/expect.bad1" <<'END'
iptables-restore v1.8.9 (legacy): unknown option "--bogus"
Error occurred at line: 3
Try `iptables-restore -h' or 'iptables-restore --help' for more information.
END
cat > "$T/expect.bad2" <<'END'
iptables-restore: COMMIT expected at line 4
END
cat > "$T/expect.bad3" <<'END'
iptables-restore: line 6 failed
END
for b in bad1:2 bad2:1 bad3:1; do
	name=${b%:*}
	rc=${b#*:}
	cp "$G" "$T/before"
	"$NFU" iptables-restore --state "$G" "$T/$name.v4" 2> "$T/err"
	is "restore $name: exit $rc" "$rc" $?
	grep -v '^nfu iptables-restore: ' "$T/err" > "$T/n1"
	same "restore $name: message" "$T/expect.$name" "$T/n1"
	same "restore $name: state unchanged" "$T/before" "$G"
	if [ "$KERNEL" = 1 ]; then
		ip netns exec "$NSR" iptables-legacy-restore "$T/$name.v4" \
			2> "$T/k1"
		is "restore $name: exit as Linux" $? "$rc"
		same "restore $name: message as Linux's" "$T/k1" "$T/n1"
	fi
done
has "restore bad3: the reason" "$T/err" "jumps to itself"


# ---- iptables -L ---------------------------------------------------------
# The listing formats, column for column: counters with K/M/G and with -x,
# policies and references, inversions, -f, interfaces, goto, extensions.
L=$T/list.v4
cat > "$L" <<'END'
*filter
:INPUT DROP [123456:98765432]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [99999:100000]
:logdrop - [0:0]
:web - [0:0]
[5:300] -A INPUT -i lo -j ACCEPT
[100000:1500000000] -A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
[999999:99999999999] -A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh in" -j ACCEPT
[12345678901:12345678901234] -A INPUT -s 10.0.0.0/8 ! -i eth0 -p tcp -m multiport --dports 80,443,8000:8080 -j web
[0:0] -A INPUT ! -s 192.168.1.0/24 -d 10.1.2.3/32 -p udp -m udp --sport 53 --dport 1024:65535 -j ACCEPT
[1:2] -A INPUT -p icmp -m limit --limit 5/sec --limit-burst 10 -j LOG --log-prefix "icmp: " --log-level 6
[0:0] -A INPUT -f -j DROP
[0:0] -A INPUT ! -f -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j logdrop
[0:0] -A INPUT -d 127.0.0.1/32 -j ACCEPT
[0:0] -A INPUT -s 10.0.0.0/255.0.255.0 -j DROP
[0:0] -A INPUT ! -p udp -j REJECT --reject-with icmp-host-prohibited
[0:0] -A INPUT -p 47 -j ACCEPT
[0:0] -A INPUT -g web
[0:0] -A INPUT
[0:0] -A FORWARD -i eth1+ -o ppp0 -p tcp -m tcp ! --sport 1:1023 -j MARK --set-xmark 0x10/0xff
[0:0] -A FORWARD ! -o wlan+ -j MARK --set-mark 5
[0:0] -A OUTPUT -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset
[0:0] -A logdrop -m limit --limit 3/min -j LOG --log-prefix "drop " --log-tcp-options
[0:0] -A logdrop -j DROP
[7:700] -A web -m state --state NEW -j ACCEPT
[0:0] -A web -j RETURN
COMMIT
END
cat > "$T/lists" <<'END'
-L
-L -n
-L -v
-L -n -v
-L -v -x
-L -n -v -x --line-numbers
-L --line-numbers
-L INPUT 4 -v -n
-L web -n
-L nosuch
-t nat -L -v
-L INPUT -v -Z
-L INPUT -v -x
END
# More extensions, in mangle, and names from /etc/networks.
L2=$T/list2.v4
cat > "$L2" <<'END'
*mangle
-A PREROUTING -p icmp -m icmp --icmp-type 8 -j TOS --set-tos 0x10/0x3f
-A PREROUTING -m iprange --src-range 10.0.0.1-10.0.0.9 -m length --length 100:200 -j DSCP --set-dscp 0x0a
-A PREROUTING -m ttl --ttl-gt 5 -m tos --tos 0x08/0xff -m dscp ! --dscp 0x0c -j MARK --and-mark 0xf
-A PREROUTING -m mac --mac-source 00:11:22:33:44:55 -m mark --mark 0x1/0xff -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT
-A PREROUTING -m pkttype --pkt-type broadcast -m conntrack --ctstate NEW,ESTABLISHED --ctproto tcp --ctorigdst 10.0.0.0/8 -j ACCEPT
-A POSTROUTING -o eth0 -p icmp -m icmp ! --icmp-type echo-reply -j CLASSIFY --set-class 1:10
-A POSTROUTING -d 169.254.0.0/16 -s 0.0.0.0/8 -p udp -m udp ! --dport 53 -m multiport ! --sports 1:100,200
-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK NONE --tcp-option 2 -j LOG --log-uid --log-ip-options --log-tcp-sequence
-A INPUT -p sctp -j ACCEPT
-A INPUT -p ipv6-icmp -j ACCEPT
-A INPUT -p 200 -j DROP
COMMIT
END
cat > "$T/lists2" <<'END'
-t mangle -L
-t mangle -L -n -v
END
# The targets of raw, nat and connection marks, and the matches recent,
# hashlimit, owner (user names without -n), sctp, rpfilter, connlimit.
L3=$T/list3.v4
cat > "$L3" <<'END'
*raw
-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp
-A PREROUTING -s 10.0.0.0/8 -j CT --notrack --ctevents new,related,destroy --expevents new --zone-orig 5
-A PREROUTING -i eth0 -j CT --zone mark
-A OUTPUT -p udp -m udp --dport 53 -j NOTRACK
-A OUTPUT -o lo -j CT --zone-reply 7
COMMIT
*mangle
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff
-A PREROUTING -j CONNMARK --set-xmark 0x10/0xf0
-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
-A FORWARD -o ppp0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400
-A POSTROUTING -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xf0
-A POSTROUTING -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill
-A PREROUTING -m rpfilter --loose --invert
-A INPUT -p sctp -m sctp --sport 80 --dport 22:23 --chunk-types any DATA:Be,INIT
-A INPUT -m recent --rcheck --seconds 60 --hitcount 3 --name ssh --mask 255.255.255.255 --rsource
-A INPUT -m hashlimit --hashlimit-upto 5/sec --hashlimit-burst 10 --hashlimit-mode srcip,dstport --hashlimit-name hl
-A INPUT -p tcp -m connlimit --connlimit-above 5 --connlimit-mask 24 --connlimit-saddr
-A OUTPUT -m owner --uid-owner 0 --gid-owner 0-10 ! --socket-exists
-A OUTPUT -m owner ! --uid-owner 1 --gid-owner 0 --suppl-groups
COMMIT
*nat
-A PREROUTING -d 10.1.2.3/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.9.0.2:8080
-A PREROUTING -p udp -j DNAT --to-destination 10.9.0.2-10.9.0.9:1000-2000/1500 --random --persistent
-A OUTPUT -p tcp -j DNAT --to-destination :443
-A POSTROUTING -s 10.9.0.0/24 -o eth0 -j MASQUERADE
-A POSTROUTING -o eth1 -p tcp -j MASQUERADE --to-ports 1024-65535 --random-fully
-A POSTROUTING -o eth2 -j SNAT --to-source 192.0.2.1-192.0.2.10 --persistent
-A POSTROUTING -o eth3 -p udp -j SNAT --to-source 192.0.2.1:5000-6000 --random --random-fully
-A INPUT -j SNAT --to-source 10.0.0.1
-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128
-A OUTPUT -p udp -m udp --dport 53 -j REDIRECT --to-ports 5353 --random
-A PREROUTING -d 10.6.0.0/24 -j NETMAP --to 10.9.0.0/24
-A POSTROUTING -s 10.9.0.0/24 -o eth4 -j NETMAP --to 10.6.0.0/24
COMMIT
END
cat > "$T/lists3" <<'END'
-t raw -L
-t raw -L -n -v
-t mangle -L
-t mangle -L -n -v
-t nat -L
-t nat -L -n -v
END
# Queueing: the standard target QUEUE and NFQUEUE (revision 3) with each
# of its options, in filter and mangle.
L4=$T/list4.v4
cat > "$L4" <<'END'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -j QUEUE
-A INPUT -p tcp -m tcp --dport 80 -j NFQUEUE --queue-num 3
-A FORWARD -j NFQUEUE --queue-balance 0:3 --queue-bypass --queue-cpu-fanout
-A OUTPUT -j NFQUEUE --queue-num 0 --queue-bypass
-A OUTPUT -o lo -j NFQUEUE --queue-balance 65534:65535
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j NFQUEUE --queue-balance 10:20
-A POSTROUTING -p udp -j QUEUE
COMMIT
END
cat > "$T/lists4" <<'END'
-L
-L -n -v
-S
-t mangle -L -n -v
-t mangle -S
END
# list_all LISTS RUN: each listing of LISTS through RUN, with its exit code
list_all() {
	lists=$1
	shift
	while read -r opts; do
		echo "== $opts"
		# shellcheck disable=SC2086
		"$@" $opts 2>&1
		echo "rc=$?"
	done < "$lists"
}
"$NFU" iptables-restore --state "$T/list.st" -c "$L"
list_all "$T/lists" "$NFU" iptables --state "$T/list.st" > "$T/n.L"
"$NFU" iptables-restore --state "$T/list2.st" "$L2"
list_all "$T/lists2" "$NFU" iptables --state "$T/list2.st" >> "$T/n.L"
"$NFU" iptables-restore --state "$T/list3.st" "$L3"
list_all "$T/lists3" "$NFU" iptables --state "$T/list3.st" >> "$T/n.L"
"$NFU" iptables-restore --state "$T/list4.st" "$L4"
list_all "$T/lists4" "$NFU" iptables --state "$T/list4.st" >> "$T/n.L"
cat > "$T/expect.L" <<'END'
== -L
Chain INPUT (policy DROP)
target     prot opt source               destination         
ACCEPT     all  --  anywhere             anywhere            
ACCEPT     all  --  anywhere             anywhere             state RELATED,ESTABLISHED
ACCEPT     tcp  --  anywhere             anywhere             tcp dpt:ssh /* ssh in */
web        tcp  --  10.0.0.0/8           anywhere             multiport dports http,https,8000:http-alt
ACCEPT     udp  -- !192.168.1.0/24       10.1.2.3             udp spt:domain dpts:1024:65535
LOG        icmp --  anywhere             anywhere             limit: avg 5/sec burst 10 LOG level info prefix "icmp: "
DROP       all  -f  anywhere             anywhere            
logdrop    tcp  !f  anywhere             anywhere             tcp flags:FIN,SYN,RST,ACK/SYN
ACCEPT     all  --  anywhere             localhost           
DROP       all  --  10.0.0.0/255.0.255.0  anywhere            
REJECT    !udp  --  anywhere             anywhere             reject-with icmp-host-prohibited
ACCEPT     gre  --  anywhere             anywhere            
web        all  --  anywhere             anywhere            [goto] 
           all  --  anywhere             anywhere            

Chain FORWARD (policy ACCEPT)
target     prot opt source               destination         
MARK       tcp  --  anywhere             anywhere             tcp spts:!tcpmux:1023 MARK xset 0x10/0xff
MARK       all  --  anywhere             anywhere             MARK set 0x5

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         
REJECT     tcp  --  anywhere             anywhere             tcp dpt:http reject-with tcp-reset

Chain logdrop (1 references)
target     prot opt source               destination         
LOG        all  --  anywhere             anywhere             limit: avg 3/min burst 5 LOG level warn tcp-options prefix "drop "
DROP       all  --  anywhere             anywhere            

Chain web (2 references)
target     prot opt source               destination         
ACCEPT     all  --  anywhere             anywhere             state NEW
RETURN     all  --  anywhere             anywhere            
rc=0
== -L -n
Chain INPUT (policy DROP)
target     prot opt source               destination         
ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0           
ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            state RELATED,ESTABLISHED
ACCEPT     6    --  0.0.0.0/0            0.0.0.0/0            tcp dpt:22 /* ssh in */
web        6    --  10.0.0.0/8           0.0.0.0/0            multiport dports 80,443,8000:8080
ACCEPT     17   -- !192.168.1.0/24       10.1.2.3             udp spt:53 dpts:1024:65535
LOG        1    --  0.0.0.0/0            0.0.0.0/0            limit: avg 5/sec burst 10 LOG flags 0 level 6 prefix "icmp: "
DROP       0    -f  0.0.0.0/0            0.0.0.0/0           
logdrop    6    !f  0.0.0.0/0            0.0.0.0/0            tcp flags:0x17/0x02
ACCEPT     0    --  0.0.0.0/0            127.0.0.1           
DROP       0    --  10.0.0.0/255.0.255.0  0.0.0.0/0           
REJECT    !17   --  0.0.0.0/0            0.0.0.0/0            reject-with icmp-host-prohibited
ACCEPT     47   --  0.0.0.0/0            0.0.0.0/0           
web        0    --  0.0.0.0/0            0.0.0.0/0           [goto] 
           0    --  0.0.0.0/0            0.0.0.0/0           

Chain FORWARD (policy ACCEPT)
target     prot opt source               destination         
MARK       6    --  0.0.0.0/0            0.0.0.0/0            tcp spts:!1:1023 MARK xset 0x10/0xff
MARK       0    --  0.0.0.0/0            0.0.0.0/0            MARK set 0x5

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         
REJECT     6    --  0.0.0.0/0            0.0.0.0/0            tcp dpt:80 reject-with tcp-reset

Chain logdrop (1 references)
target     prot opt source               destination         
LOG        0    --  0.0.0.0/0            0.0.0.0/0            limit: avg 3/min burst 5 LOG flags 2 level 4 prefix "drop "
DROP       0    --  0.0.0.0/0            0.0.0.0/0           

Chain web (2 references)
target     prot opt source               destination         
ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            state NEW
RETURN     0    --  0.0.0.0/0            0.0.0.0/0           
rc=0
== -L -v
Chain INPUT (policy DROP 123K packets, 99M bytes)
 pkts bytes target     prot opt in     out     source               destination         
    5   300 ACCEPT     all  --  lo     any     anywhere             anywhere            
 100K 1500M ACCEPT     all  --  any    any     anywhere             anywhere             state RELATED,ESTABLISHED
1000K  100G ACCEPT     tcp  --  any    any     anywhere             anywhere             tcp dpt:ssh /* ssh in */
  12G   12T web        tcp  --  !eth0  any     10.0.0.0/8           anywhere             multiport dports http,https,8000:http-alt
    0     0 ACCEPT     udp  --  any    any    !192.168.1.0/24       10.1.2.3             udp spt:domain dpts:1024:65535
    1     2 LOG        icmp --  any    any     anywhere             anywhere             limit: avg 5/sec burst 10 LOG level info prefix "icmp: "
    0     0 DROP       all  -f  any    any     anywhere             anywhere            
    0     0 logdrop    tcp  !f  any    any     anywhere             anywhere             tcp flags:FIN,SYN,RST,ACK/SYN
    0     0 ACCEPT     all  --  any    any     anywhere             localhost           
    0     0 DROP       all  --  any    any     10.0.0.0/255.0.255.0  anywhere            
    0     0 REJECT    !udp  --  any    any     anywhere             anywhere             reject-with icmp-host-prohibited
    0     0 ACCEPT     gre  --  any    any     anywhere             anywhere            
    0     0 web        all  --  any    any     anywhere             anywhere            [goto] 
    0     0            all  --  any    any     anywhere             anywhere            

Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 MARK       tcp  --  eth1+  ppp0    anywhere             anywhere             tcp spts:!tcpmux:1023 MARK xset 0x10/0xff
    0     0 MARK       all  --  any    !wlan+  anywhere             anywhere             MARK set 0x5

Chain OUTPUT (policy ACCEPT 99999 packets, 100K bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 REJECT     tcp  --  any    any     anywhere             anywhere             tcp dpt:http reject-with tcp-reset

Chain logdrop (1 references)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 LOG        all  --  any    any     anywhere             anywhere             limit: avg 3/min burst 5 LOG level warn tcp-options prefix "drop "
    0     0 DROP       all  --  any    any     anywhere             anywhere            

Chain web (2 references)
 pkts bytes target     prot opt in     out     source               destination         
    7   700 ACCEPT     all  --  any    any     anywhere             anywhere             state NEW
    0     0 RETURN     all  --  any    any     anywhere             anywhere            
rc=0
== -L -n -v
Chain INPUT (policy DROP 123K packets, 99M bytes)
 pkts bytes target     prot opt in     out     source               destination         
    5   300 ACCEPT     0    --  lo     *       0.0.0.0/0            0.0.0.0/0           
 100K 1500M ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            state RELATED,ESTABLISHED
1000K  100G ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:22 /* ssh in */
  12G   12T web        6    --  !eth0  *       10.0.0.0/8           0.0.0.0/0            multiport dports 80,443,8000:8080
    0     0 ACCEPT     17   --  *      *      !192.168.1.0/24       10.1.2.3             udp spt:53 dpts:1024:65535
    1     2 LOG        1    --  *      *       0.0.0.0/0            0.0.0.0/0            limit: avg 5/sec burst 10 LOG flags 0 level 6 prefix "icmp: "
    0     0 DROP       0    -f  *      *       0.0.0.0/0            0.0.0.0/0           
    0     0 logdrop    6    !f  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x17/0x02
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            127.0.0.1           
    0     0 DROP       0    --  *      *       10.0.0.0/255.0.255.0  0.0.0.0/0           
    0     0 REJECT    !17   --  *      *       0.0.0.0/0            0.0.0.0/0            reject-with icmp-host-prohibited
    0     0 ACCEPT     47   --  *      *       0.0.0.0/0            0.0.0.0/0           
    0     0 web        0    --  *      *       0.0.0.0/0            0.0.0.0/0           [goto] 
    0     0            0    --  *      *       0.0.0.0/0            0.0.0.0/0           

Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 MARK       6    --  eth1+  ppp0    0.0.0.0/0            0.0.0.0/0            tcp spts:!1:1023 MARK xset 0x10/0xff
    0     0 MARK       0    --  *      !wlan+  0.0.0.0/0            0.0.0.0/0            MARK set 0x5

Chain OUTPUT (policy ACCEPT 99999 packets, 100K bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 REJECT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:80 reject-with tcp-reset

Chain logdrop (1 references)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 LOG        0    --  *      *       0.0.0.0/0            0.0.0.0/0            limit: avg 3/min burst 5 LOG flags 2 level 4 prefix "drop "
    0     0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0           

Chain web (2 references)
 pkts bytes target     prot opt in     out     source               destination         
    7   700 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            state NEW
    0     0 RETURN     0    --  *      *       0.0.0.0/0            0.0.0.0/0           
rc=0
== -L -v -x
Chain INPUT (policy DROP 123456 packets, 98765432 bytes)
    pkts      bytes target     prot opt in     out     source               destination         
       5      300 ACCEPT     all  --  lo     any     anywhere             anywhere            
  100000 1500000000 ACCEPT     all  --  any    any     anywhere             anywhere             state RELATED,ESTABLISHED
  999999 99999999999 ACCEPT     tcp  --  any    any     anywhere             anywhere             tcp dpt:ssh /* ssh in */
12345678901 12345678901234 web        tcp  --  !eth0  any     10.0.0.0/8           anywhere             multiport dports http,https,8000:http-alt
       0        0 ACCEPT     udp  --  any    any    !192.168.1.0/24       10.1.2.3             udp spt:domain dpts:1024:65535
       1        2 LOG        icmp --  any    any     anywhere             anywhere             limit: avg 5/sec burst 10 LOG level info prefix "icmp: "
       0        0 DROP       all  -f  any    any     anywhere             anywhere            
       0        0 logdrop    tcp  !f  any    any     anywhere             anywhere             tcp flags:FIN,SYN,RST,ACK/SYN
       0        0 ACCEPT     all  --  any    any     anywhere             localhost           
       0        0 DROP       all  --  any    any     10.0.0.0/255.0.255.0  anywhere            
       0        0 REJECT    !udp  --  any    any     anywhere             anywhere             reject-with icmp-host-prohibited
       0        0 ACCEPT     gre  --  any    any     anywhere             anywhere            
       0        0 web        all  --  any    any     anywhere             anywhere            [goto] 
       0        0            all  --  any    any     anywhere             anywhere            

Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
    pkts      bytes target     prot opt in     out     source               destination         
       0        0 MARK       tcp  --  eth1+  ppp0    anywhere             anywhere             tcp spts:!tcpmux:1023 MARK xset 0x10/0xff
       0        0 MARK       all  --  any    !wlan+  anywhere             anywhere             MARK set 0x5

Chain OUTPUT (policy ACCEPT 99999 packets, 100000 bytes)
    pkts      bytes target     prot opt in     out     source               destination         
       0        0 REJECT     tcp  --  any    any     anywhere             anywhere             tcp dpt:http reject-with tcp-reset

Chain logdrop (1 references)
    pkts      bytes target     prot opt in     out     source               destination         
       0        0 LOG        all  --  any    any     anywhere             anywhere             limit: avg 3/min burst 5 LOG level warn tcp-options prefix "drop "
       0        0 DROP       all  --  any    any     anywhere             anywhere            

Chain web (2 references)
    pkts      bytes target     prot opt in     out     source               destination         
       7      700 ACCEPT     all  --  any    any     anywhere             anywhere             state NEW
       0        0 RETURN     all  --  any    any     anywhere             anywhere            
rc=0
== -L -n -v -x --line-numbers
Chain INPUT (policy DROP 123456 packets, 98765432 bytes)
num      pkts      bytes target     prot opt in     out     source               destination         
1           5      300 ACCEPT     0    --  lo     *       0.0.0.0/0            0.0.0.0/0           
2      100000 1500000000 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            state RELATED,ESTABLISHED
3      999999 99999999999 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:22 /* ssh in */
4    12345678901 12345678901234 web        6    --  !eth0  *       10.0.0.0/8           0.0.0.0/0            multiport dports 80,443,8000:8080
5           0        0 ACCEPT     17   --  *      *      !192.168.1.0/24       10.1.2.3             udp spt:53 dpts:1024:65535
6           1        2 LOG        1    --  *      *       0.0.0.0/0            0.0.0.0/0            limit: avg 5/sec burst 10 LOG flags 0 level 6 prefix "icmp: "
7           0        0 DROP       0    -f  *      *       0.0.0.0/0            0.0.0.0/0           
8           0        0 logdrop    6    !f  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x17/0x02
9           0        0 ACCEPT     0    --  *      *       0.0.0.0/0            127.0.0.1           
10          0        0 DROP       0    --  *      *       10.0.0.0/255.0.255.0  0.0.0.0/0           
11          0        0 REJECT    !17   --  *      *       0.0.0.0/0            0.0.0.0/0            reject-with icmp-host-prohibited
12          0        0 ACCEPT     47   --  *      *       0.0.0.0/0            0.0.0.0/0           
13          0        0 web        0    --  *      *       0.0.0.0/0            0.0.0.0/0           [goto] 
14          0        0            0    --  *      *       0.0.0.0/0            0.0.0.0/0           

Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
num      pkts      bytes target     prot opt in     out     source               destination         
1           0        0 MARK       6    --  eth1+  ppp0    0.0.0.0/0            0.0.0.0/0            tcp spts:!1:1023 MARK xset 0x10/0xff
2           0        0 MARK       0    --  *      !wlan+  0.0.0.0/0            0.0.0.0/0            MARK set 0x5

Chain OUTPUT (policy ACCEPT 99999 packets, 100000 bytes)
num      pkts      bytes target     prot opt in     out     source               destination         
1           0        0 REJECT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:80 reject-with tcp-reset

Chain logdrop (1 references)
num      pkts      bytes target     prot opt in     out     source               destination         
1           0        0 LOG        0    --  *      *       0.0.0.0/0            0.0.0.0/0            limit: avg 3/min burst 5 LOG flags 2 level 4 prefix "drop "
2           0        0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0           

Chain web (2 references)
num      pkts      bytes target     prot opt in     out     source               destination         
1           7      700 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            state NEW
2           0        0 RETURN     0    --  *      *       0.0.0.0/0            0.0.0.0/0           
rc=0
== -L --line-numbers
Chain INPUT (policy DROP)
num  target     prot opt source               destination         
1    ACCEPT     all  --  anywhere             anywhere            
2    ACCEPT     all  --  anywhere             anywhere             state RELATED,ESTABLISHED
3    ACCEPT     tcp  --  anywhere             anywhere             tcp dpt:ssh /* ssh in */
4    web        tcp  --  10.0.0.0/8           anywhere             multiport dports http,https,8000:http-alt
5    ACCEPT     udp  -- !192.168.1.0/24       10.1.2.3             udp spt:domain dpts:1024:65535
6    LOG        icmp --  anywhere             anywhere             limit: avg 5/sec burst 10 LOG level info prefix "icmp: "
7    DROP       all  -f  anywhere             anywhere            
8    logdrop    tcp  !f  anywhere             anywhere             tcp flags:FIN,SYN,RST,ACK/SYN
9    ACCEPT     all  --  anywhere             localhost           
10   DROP       all  --  10.0.0.0/255.0.255.0  anywhere            
11   REJECT    !udp  --  anywhere             anywhere             reject-with icmp-host-prohibited
12   ACCEPT     gre  --  anywhere             anywhere            
13   web        all  --  anywhere             anywhere            [goto] 
14              all  --  anywhere             anywhere            

Chain FORWARD (policy ACCEPT)
num  target     prot opt source               destination         
1    MARK       tcp  --  anywhere             anywhere             tcp spts:!tcpmux:1023 MARK xset 0x10/0xff
2    MARK       all  --  anywhere             anywhere             MARK set 0x5

Chain OUTPUT (policy ACCEPT)
num  target     prot opt source               destination         
1    REJECT     tcp  --  anywhere             anywhere             tcp dpt:http reject-with tcp-reset

Chain logdrop (1 references)
num  target     prot opt source               destination         
1    LOG        all  --  anywhere             anywhere             limit: avg 3/min burst 5 LOG level warn tcp-options prefix "drop "
2    DROP       all  --  anywhere             anywhere            

Chain web (2 references)
num  target     prot opt source               destination         
1    ACCEPT     all  --  anywhere             anywhere             state NEW
2    RETURN     all  --  anywhere             anywhere            
rc=0
== -L INPUT 4 -v -n
  12G   12T web        6    --  !eth0  *       10.0.0.0/8           0.0.0.0/0            multiport dports 80,443,8000:8080
rc=0
== -L web -n
Chain web (2 references)
target     prot opt source               destination         
ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            state NEW
RETURN     0    --  0.0.0.0/0            0.0.0.0/0           
rc=0
== -L nosuch
iptables: No chain/target/match by that name.
rc=1
== -t nat -L -v
Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
rc=0
== -L INPUT -v -Z
Chain INPUT (policy DROP 123K packets, 99M bytes)
 pkts bytes target     prot opt in     out     source               destination         
    5   300 ACCEPT     all  --  lo     any     anywhere             anywhere            
 100K 1500M ACCEPT     all  --  any    any     anywhere             anywhere             state RELATED,ESTABLISHED
1000K  100G ACCEPT     tcp  --  any    any     anywhere             anywhere             tcp dpt:ssh /* ssh in */
  12G   12T web        tcp  --  !eth0  any     10.0.0.0/8           anywhere             multiport dports http,https,8000:http-alt
    0     0 ACCEPT     udp  --  any    any    !192.168.1.0/24       10.1.2.3             udp spt:domain dpts:1024:65535
    1     2 LOG        icmp --  any    any     anywhere             anywhere             limit: avg 5/sec burst 10 LOG level info prefix "icmp: "
    0     0 DROP       all  -f  any    any     anywhere             anywhere            
    0     0 logdrop    tcp  !f  any    any     anywhere             anywhere             tcp flags:FIN,SYN,RST,ACK/SYN
    0     0 ACCEPT     all  --  any    any     anywhere             localhost           
    0     0 DROP       all  --  any    any     10.0.0.0/255.0.255.0  anywhere            
    0     0 REJECT    !udp  --  any    any     anywhere             anywhere             reject-with icmp-host-prohibited
    0     0 ACCEPT     gre  --  any    any     anywhere             anywhere            
    0     0 web        all  --  any    any     anywhere             anywhere            [goto] 
    0     0            all  --  any    any     anywhere             anywhere            
Zeroing chain `INPUT'
rc=0
== -L INPUT -v -x
Chain INPUT (policy DROP 0 packets, 0 bytes)
    pkts      bytes target     prot opt in     out     source               destination         
       0        0 ACCEPT     all  --  lo     any     anywhere             anywhere            
       0        0 ACCEPT     all  --  any    any     anywhere             anywhere             state RELATED,ESTABLISHED
       0        0 ACCEPT     tcp  --  any    any     anywhere             anywhere             tcp dpt:ssh /* ssh in */
       0        0 web        tcp  --  !eth0  any     10.0.0.0/8           anywhere             multiport dports http,https,8000:http-alt
       0        0 ACCEPT     udp  --  any    any    !192.168.1.0/24       10.1.2.3             udp spt:domain dpts:1024:65535
       0        0 LOG        icmp --  any    any     anywhere             anywhere             limit: avg 5/sec burst 10 LOG level info prefix "icmp: "
       0        0 DROP       all  -f  any    any     anywhere             anywhere            
       0        0 logdrop    tcp  !f  any    any     anywhere             anywhere             tcp flags:FIN,SYN,RST,ACK/SYN
       0        0 ACCEPT     all  --  any    any     anywhere             localhost           
       0        0 DROP       all  --  any    any     10.0.0.0/255.0.255.0  anywhere            
       0        0 REJECT    !udp  --  any    any     anywhere             anywhere             reject-with icmp-host-prohibited
       0        0 ACCEPT     gre  --  any    any     anywhere             anywhere            
       0        0 web        all  --  any    any     anywhere             anywhere            [goto] 
       0        0            all  --  any    any     anywhere             anywhere            
rc=0
== -t mangle -L
Chain PREROUTING (policy ACCEPT)
target     prot opt source               destination         
TOS        icmp --  anywhere             anywhere             icmp echo-request  TOS setMinimize-Delay
DSCP       all  --  anywhere             anywhere             source IP range 10.0.0.1-10.0.0.9 length 100:200 DSCP set 0x0a
MARK       all  --  anywhere             anywhere             TTL match TTL > 5 tos match0x08/0xff DSCP match !0x0c MARK and 0xf
ACCEPT     all  --  anywhere             anywhere             MAC 00:11:22:33:44:55 mark match 0x1/0xff ADDRTYPE match dst-type LOCAL limit-in
ACCEPT     all  --  anywhere             anywhere             PKTTYPE = broadcast ctstate NEW,ESTABLISHED ctproto 6 ctorigdst 10.0.0.0/8

Chain INPUT (policy ACCEPT)
target     prot opt source               destination         
LOG        tcp  --  anywhere             anywhere             tcp option=2 flags:SYN,ACK/NONE LOG level warn tcp-sequence ip-options uid
ACCEPT     sctp --  anywhere             anywhere            
ACCEPT     ipv6-icmp --  anywhere             anywhere            
DROP       200  --  anywhere             anywhere            

Chain FORWARD (policy ACCEPT)
target     prot opt source               destination         

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         

Chain POSTROUTING (policy ACCEPT)
target     prot opt source               destination         
CLASSIFY   icmp --  anywhere             anywhere             icmp !echo-reply CLASSIFY set 1:10
           udp  --  default/8            link-local/16        udp dpt:!domain multiport sports  !1:100,200
rc=0
== -t mangle -L -n -v
Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 TOS        1    --  *      *       0.0.0.0/0            0.0.0.0/0            icmptype 8 TOS set 0x10/0x3f
    0     0 DSCP       0    --  *      *       0.0.0.0/0            0.0.0.0/0            source IP range 10.0.0.1-10.0.0.9 length 100:200 DSCP set 0x0a
    0     0 MARK       0    --  *      *       0.0.0.0/0            0.0.0.0/0            TTL match TTL > 5 tos match0x08/0xff DSCP match !0x0c MARK and 0xf
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            MAC 00:11:22:33:44:55 mark match 0x1/0xff ADDRTYPE match dst-type LOCAL limit-in
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            PKTTYPE = broadcast ctstate NEW,ESTABLISHED ctproto 6 ctorigdst 10.0.0.0/8

Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 LOG        6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp option=2 flags:0x12/0x00 LOG flags 13 level 4
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0           
    0     0 ACCEPT     58   --  *      *       0.0.0.0/0            0.0.0.0/0           
    0     0 DROP       200  --  *      *       0.0.0.0/0            0.0.0.0/0           

Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 CLASSIFY   1    --  *      eth0    0.0.0.0/0            0.0.0.0/0            icmp !type 0 CLASSIFY set 1:10
    0     0            17   --  *      *       0.0.0.0/8            169.254.0.0/16       udp dpt:!53 multiport sports  !1:100,200
rc=0
== -t raw -L
Chain PREROUTING (policy ACCEPT)
target     prot opt source               destination         
CT         tcp  --  anywhere             anywhere             tcp dpt:ftp CT helper ftp
CT         all  --  10.0.0.0/8           anywhere             CT notrack ctevents new,related,destroy expevents new zone-orig 5
CT         all  --  anywhere             anywhere             CT zone mark

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         
CT         udp  --  anywhere             anywhere             udp dpt:domain NOTRACK
CT         all  --  anywhere             anywhere             CT zone-reply 7
rc=0
== -t raw -L -n -v
Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 CT         6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:21 CT helper ftp
    0     0 CT         0    --  *      *       10.0.0.0/8           0.0.0.0/0            CT notrack ctevents new,related,destroy expevents new zone-orig 5
    0     0 CT         0    --  eth0   *       0.0.0.0/0            0.0.0.0/0            CT zone mark

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 CT         17   --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:53 NOTRACK
    0     0 CT         0    --  *      lo      0.0.0.0/0            0.0.0.0/0            CT zone-reply 7
rc=0
== -t mangle -L
Chain PREROUTING (policy ACCEPT)
target     prot opt source               destination         
CONNMARK   all  --  anywhere             anywhere             CONNMARK restore mask 0xff
CONNMARK   all  --  anywhere             anywhere             CONNMARK xset 0x10/0xf0
           all  --  anywhere             anywhere             rpfilter loose invert

Chain INPUT (policy ACCEPT)
target     prot opt source               destination         
           sctp --  anywhere             anywhere             sctp spt:80 dpts:22:23 any DATA:Be,INIT
           all  --  anywhere             anywhere             recent: CHECK seconds: 60 hit_count: 3 name: ssh side: source mask: 255.255.255.255
           all  --  anywhere             anywhere             limit: up to 5/sec burst 10 mode srcip-dstport
           tcp  --  anywhere             anywhere             #conn src/24 > 5

Chain FORWARD (policy ACCEPT)
target     prot opt source               destination         
TCPMSS     tcp  --  anywhere             anywhere             tcp flags:SYN,RST/SYN TCPMSS clamp to PMTU
TCPMSS     tcp  --  anywhere             anywhere             tcp flags:SYN,RST/SYN TCPMSS set 1400

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         
           all  --  anywhere             anywhere             ! owner socket exists owner UID match root owner GID match 0-10
           all  --  anywhere             anywhere             ! owner UID match daemon owner GID match root incl. suppl. groups

Chain POSTROUTING (policy ACCEPT)
target     prot opt source               destination         
CONNMARK   all  --  anywhere             anywhere             CONNMARK save nfmask 0xff ctmask ~0xf0
CHECKSUM   udp  --  anywhere             anywhere             udp dpt:bootpc CHECKSUM fill
rc=0
== -t mangle -L -n -v
Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 CONNMARK   0    --  *      *       0.0.0.0/0            0.0.0.0/0            CONNMARK restore mask 0xff
    0     0 CONNMARK   0    --  *      *       0.0.0.0/0            0.0.0.0/0            CONNMARK xset 0x10/0xf0
    0     0            0    --  *      *       0.0.0.0/0            0.0.0.0/0            rpfilter loose invert

Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0            132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp spt:80 dpts:22:23 any 0x0000:Be,0x0001
    0     0            0    --  *      *       0.0.0.0/0            0.0.0.0/0            recent: CHECK seconds: 60 hit_count: 3 name: ssh side: source mask: 255.255.255.255
    0     0            0    --  *      *       0.0.0.0/0            0.0.0.0/0            limit: up to 5/sec burst 10 mode srcip-dstport
    0     0            6    --  *      *       0.0.0.0/0            0.0.0.0/0            #conn src/24 > 5

Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 TCPMSS     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x06/0x02 TCPMSS clamp to PMTU
    0     0 TCPMSS     6    --  *      ppp0    0.0.0.0/0            0.0.0.0/0            tcp flags:0x06/0x02 TCPMSS set 1400

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0            0    --  *      *       0.0.0.0/0            0.0.0.0/0            ! owner socket exists owner UID match 0 owner GID match 0-10
    0     0            0    --  *      *       0.0.0.0/0            0.0.0.0/0            ! owner UID match 1 owner GID match 0 incl. suppl. groups

Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 CONNMARK   0    --  *      *       0.0.0.0/0            0.0.0.0/0            CONNMARK save nfmask 0xff ctmask ~0xf0
    0     0 CHECKSUM   17   --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:68 CHECKSUM fill
rc=0
== -t nat -L
Chain PREROUTING (policy ACCEPT)
target     prot opt source               destination         
DNAT       tcp  --  anywhere             10.1.2.3             tcp dpt:http to:10.9.0.2:8080
DNAT       udp  --  anywhere             anywhere             to:10.9.0.2-10.9.0.9:1000-2000/1500 random persistent
REDIRECT   tcp  --  anywhere             anywhere             tcp dpt:http redir ports 3128
NETMAP     all  --  anywhere             10.6.0.0/24          to:10.9.0.0/24

Chain INPUT (policy ACCEPT)
target     prot opt source               destination         
SNAT       all  --  anywhere             anywhere             to:10.0.0.1

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         
DNAT       tcp  --  anywhere             anywhere             to::443
REDIRECT   udp  --  anywhere             anywhere             udp dpt:domain redir ports 5353 random

Chain POSTROUTING (policy ACCEPT)
target     prot opt source               destination         
MASQUERADE  all  --  10.9.0.0/24          anywhere            
MASQUERADE  tcp  --  anywhere             anywhere             masq ports: 1024-65535 random-fully
SNAT       all  --  anywhere             anywhere             to:192.0.2.1-192.0.2.10 persistent
SNAT       udp  --  anywhere             anywhere             to:192.0.2.1:5000-6000 random random-fully
NETMAP     all  --  10.9.0.0/24          anywhere             to:10.6.0.0/24
rc=0
== -t nat -L -n -v
Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 DNAT       6    --  *      *       0.0.0.0/0            10.1.2.3             tcp dpt:80 to:10.9.0.2:8080
    0     0 DNAT       17   --  *      *       0.0.0.0/0            0.0.0.0/0            to:10.9.0.2-10.9.0.9:1000-2000/1500 random persistent
    0     0 REDIRECT   6    --  eth0   *       0.0.0.0/0            0.0.0.0/0            tcp dpt:80 redir ports 3128
    0     0 NETMAP     0    --  *      *       0.0.0.0/0            10.6.0.0/24          to:10.9.0.0/24

Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 SNAT       0    --  *      *       0.0.0.0/0            0.0.0.0/0            to:10.0.0.1

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 DNAT       6    --  *      *       0.0.0.0/0            0.0.0.0/0            to::443
    0     0 REDIRECT   17   --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:53 redir ports 5353 random

Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 MASQUERADE  0    --  *      eth0    10.9.0.0/24          0.0.0.0/0           
    0     0 MASQUERADE  6    --  *      eth1    0.0.0.0/0            0.0.0.0/0            masq ports: 1024-65535 random-fully
    0     0 SNAT       0    --  *      eth2    0.0.0.0/0            0.0.0.0/0            to:192.0.2.1-192.0.2.10 persistent
    0     0 SNAT       17   --  *      eth3    0.0.0.0/0            0.0.0.0/0            to:192.0.2.1:5000-6000 random random-fully
    0     0 NETMAP     0    --  *      eth4    10.9.0.0/24          0.0.0.0/0            to:10.6.0.0/24
rc=0
== -L
Chain INPUT (policy ACCEPT)
target     prot opt source               destination         
QUEUE      all  --  anywhere             anywhere            
NFQUEUE    tcp  --  anywhere             anywhere             tcp dpt:http NFQUEUE num 3

Chain FORWARD (policy ACCEPT)
target     prot opt source               destination         
NFQUEUE    all  --  anywhere             anywhere             NFQUEUE balance 0:3 bypass cpu-fanout

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination         
NFQUEUE    all  --  anywhere             anywhere             NFQUEUE num 0 bypass
NFQUEUE    all  --  anywhere             anywhere             NFQUEUE balance 65534:65535
rc=0
== -L -n -v
Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 QUEUE      0    --  *      *       0.0.0.0/0            0.0.0.0/0           
    0     0 NFQUEUE    6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:80 NFQUEUE num 3

Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 NFQUEUE    0    --  *      *       0.0.0.0/0            0.0.0.0/0            NFQUEUE balance 0:3 bypass cpu-fanout

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 NFQUEUE    0    --  *      *       0.0.0.0/0            0.0.0.0/0            NFQUEUE num 0 bypass
    0     0 NFQUEUE    0    --  *      lo      0.0.0.0/0            0.0.0.0/0            NFQUEUE balance 65534:65535
rc=0
== -S
-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-A INPUT -j QUEUE
-A INPUT -p tcp -m tcp --dport 80 -j NFQUEUE --queue-num 3
-A FORWARD -j NFQUEUE --queue-balance 0:3 --queue-bypass --queue-cpu-fanout
-A OUTPUT -j NFQUEUE --queue-num 0 --queue-bypass
-A OUTPUT -o lo -j NFQUEUE --queue-balance 65534:65535
rc=0
== -t mangle -L -n -v
Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 NFQUEUE    0    --  *      *       0.0.0.0/0            0.0.0.0/0            NFQUEUE balance 10:20

Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 QUEUE      17   --  *      *       0.0.0.0/0            0.0.0.0/0           
rc=0
== -t mangle -S
-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-A PREROUTING -j NFQUEUE --queue-balance 10:20
-A POSTROUTING -p udp -j QUEUE
rc=0
END
same "iptables -L as expected" "$T/expect.L" "$T/n.L"
if [ "$KERNEL" = 1 ] && ip netns add "$NSL" 2>/dev/null; then
	ip netns exec "$NSL" iptables-legacy-restore -c < "$L"
	list_all "$T/lists" ip netns exec "$NSL" iptables-legacy > "$T/k.L"
	ip netns exec "$NSL" iptables-legacy-restore < "$L2"
	list_all "$T/lists2" ip netns exec "$NSL" iptables-legacy >> "$T/k.L"
	ip netns exec "$NSL" iptables-legacy-restore < "$L3"
	list_all "$T/lists3" ip netns exec "$NSL" iptables-legacy >> "$T/k.L"
	ip netns exec "$NSL" iptables-legacy-restore < "$L4"
	list_all "$T/lists4" ip netns exec "$NSL" iptables-legacy >> "$T/k.L"
	ip netns del "$NSL"
	same "iptables -L as Linux's" "$T/k.L" "$T/n.L"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
