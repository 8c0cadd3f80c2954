#!/bin/sh
# make-samples.sh OUTDIR - real captures made by tcpdump, and tcpdump's own
# reading of each (FILE.txt, 'tcpdump -r FILE -tt -nn -e' in ns), that
# test_capture compares nfu's reading with.  The samples in this folder were
# made by it; test_capture runs it again into a temporary folder when it
# can (root, network namespaces, tcpdump).
#
# Two throwaway namespaces joined by a veth pair, IPv6 off so that no
# router solicitation joins the traffic; in the first, three tcpdumps
# (6 packets each: ARP request and reply, two pings and their replies):
#   any-sll2.pcap       -i any (LINUX_SLL2 since libpcap 1.10), µs
#   any-sll.pcap        -i any -y LINUX_SLL, µs
#   veth-eth-nano.pcap  -i veth0, Ethernet, ns, snaplen 64 (cut packets)
# Nothing leaves the namespaces.
set -eu
out=${1:?usage: make-samples.sh OUTDIR}
a=nfu-cap-$$-a
b=nfu-cap-$$-b
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	ip netns del "$a" 2>/dev/null || :
	ip netns del "$b" 2>/dev/null || :
}
trap cleanup EXIT INT TERM

ip netns add "$a"
ip netns add "$b"
for ns in "$a" "$b"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$a" link add veth0 type veth peer name veth1 netns "$b"
ip -n "$a" addr add 10.199.0.1/24 dev veth0
ip -n "$b" addr add 10.199.0.2/24 dev veth1
ip -n "$a" link set veth0 up
ip -n "$b" link set veth1 up

capture() { # NAME ARGS…: tcpdump in the background, waited for until it listens
	name=$1; shift
	timeout 20 ip netns exec "$a" tcpdump -Z root -U --immediate-mode -c 6 \
		-w "$out/$name.pcap" "$@" 'icmp or arp' 2>"$out/$name.err" &
	pids="$pids $!"
	i=0
	until grep -q 'listening on' "$out/$name.err"; do
		i=$((i + 1))
		[ $i -lt 200 ] || { cat "$out/$name.err" >&2; exit 1; }
		sleep 0.05
	done
}
capture any-sll2 -i any
capture any-sll -i any -y LINUX_SLL
capture veth-eth-nano -i veth0 --time-stamp-precision nano -s 64

ip netns exec "$a" ping -q -c 2 -i 0.2 10.199.0.2 >/dev/null
for p in $pids; do wait "$p"; done
pids=
for f in any-sll2 any-sll veth-eth-nano; do
	rm -f "$out/$f.err"
	tcpdump -r "$out/$f.pcap" -tt -nn -e --time-stamp-precision nano \
		>"$out/$f.txt" 2>/dev/null
done
