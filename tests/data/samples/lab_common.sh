# Sourced by tests/priv/observe_*.sh and contain_*.sh after tests/lib/common.sh (kept here, not
# in tests/priv/, because every tests/priv/*.sh is registered as a test).
# Helpers for checking lab runs: tshark counts and leftovers of a run.
SAMPLES="$BOS_SRC/tests/data/samples"

need_lab_tools() {
	require_root
	command -v tshark >/dev/null || fail "tshark missing (scripts/install-deps.sh)"
	command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || fail "dnsmasq missing"
	[ -x /usr/sbin/squid ] || fail "squid missing"
}

# tcount PCAP FILTER: number of packets matching the display filter.
tcount() {
	tshark -n -r "$1" -Y "$2" 2>/dev/null | wc -l
}

# run_id CASE: the lab's run id from events.jsonl.
run_id() {
	grep -o '"kind":"lab_up","run_id":"[0-9a-f]*"' "$1/events.jsonl" | head -n1 | sed 's/.*"run_id":"//; s/"//'
}

# assert_no_leftovers RUNID: no namespace, cgroup, state dir or process of the run is left.
assert_no_leftovers() {
	local id=$1 d
	[ -n "$id" ] || fail "no run id"
	if ip netns list | grep -q "bos-$id-"; then
		fail "namespaces left: $(ip netns list | grep "bos-$id-")"
	fi
	for d in /sys/fs/cgroup/bos-$id /sys/fs/cgroup/*/bos-$id; do
		[ -e "$d" ] && fail "cgroup left: $d"
	done
	[ -e "/run/bos/$id" ] && fail "state dir left: /run/bos/$id"
	if pgrep -f "/run/bos/$id" >/dev/null; then
		fail "processes left: $(pgrep -af "/run/bos/$id")"
	fi
	return 0
}

# event_count CASE KIND
event_count() {
	grep -c "\"kind\":\"$2\"" "$1/events.jsonl" || true
}
