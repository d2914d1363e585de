# Sourced by the tests/priv/inet_*.sh tests (after common.sh): a private pair of network
# namespaces, a client ($C, 10.255.255.1) and a simulated internet ($I, 10.255.255.2),
# joined by one veth (bt<id>-c / bt<id>-i), with the lab's addresses. Sets $C, $I, $id and
# an EXIT trap that stops $srv and $cap (if the test started them) and removes both
# namespaces. Namespaces left by a killed earlier run (its pid is in the name) go first.

for ns in $(ip netns list | sed -n 's/^\(bostest-[0-9a-f]*-\(cli\|inet\)\).*/\1/p'); do
	p=${ns#bostest-}
	kill -0 "$((16#${p%%-*}))" 2>/dev/null || ip netns del "$ns"
done
id=$(printf '%x' $$)
C=bostest-$id-cli I=bostest-$id-inet
srv= cap=
inet_pair_cleanup() {
	[ -n "$cap" ] && kill -INT "$cap" 2>/dev/null && wait "$cap" 2>/dev/null
	[ -n "$srv" ] && kill -TERM "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	ip netns del "$I" 2>/dev/null
	rm -rf "$TMP"
}
trap inet_pair_cleanup EXIT
ip netns add "$C" && ip netns add "$I" || fail "cannot create namespaces"
ip link add "bt$id-c" netns "$C" type veth peer name "bt$id-i" netns "$I" || fail "veth"
ip -n "$C" addr add 10.255.255.1/30 dev "bt$id-c"
ip -n "$C" link set "bt$id-c" up
ip -n "$C" link set lo up
ip -n "$C" route add default via 10.255.255.2
ip -n "$I" addr add 10.255.255.2/30 dev "bt$id-i"
ip -n "$I" link set "bt$id-i" up
