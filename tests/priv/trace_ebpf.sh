#!/usr/bin/env bash
# The eBPF backend (root) over the same tracee programs as tests/e2e/trace_ptrace.sh, checked
# by the same tests/trace/check.py with TRACE_BACKEND=ebpf (what eBPF does not give is listed
# in docs/process-events.md). Also: invisibility (TracerPid 0, PTRACE_TRACEME succeeds) and a
# sample that makes its parent its tracer with PTRACE_TRACEME does not hang the run, unique
# cgroup names (also across pid namespaces), and no bos-trace-* group is left behind.
. "$BOS_SRC/tests/lib/common.sh"
require_root
PROGS=$BOS_BUILD/tests/trace/progs
CHECK="$PY $BOS_SRC/tests/trace/check.py"
[ -x "$PROGS/files" ] || fail "tracee programs not built in $PROGS"
if ! "$BOS" trace --tracer ebpf -o "$TMP/probe.jsonl" -- /bin/true 2>"$TMP/probe.err"; then
	# Only a build without the eBPF toolchain or a kernel without BTF/BPF is a reason.
	grep -qE "not built|BTF|BPF programs" "$TMP/probe.err" ||
		fail "ebpf failed: $(cat "$TMP/probe.err")"
	skip "$(sed 's/^bos: trace: //' "$TMP/probe.err" | head -1)"
fi
export TRACE_BACKEND=ebpf

# bos trace's cgroup2 groups (bos-trace-<pid>-<random>) whose owner is gone: left behind.
# Groups of live runs (other tests on this machine) and groups there before we started
# are not ours to judge.
cg_groups() {
	local d
	for d in /sys/fs/cgroup/unified/bos-trace-* /sys/fs/cgroup/bos-trace-*; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}
cg_groups >"$TMP/cg-before"
cg_left() {
	local d owner
	cg_groups | while read -r d; do
		grep -qxF "$d" "$TMP/cg-before" && continue
		owner=${d##*/bos-trace-}
		owner=${owner%%-*}
		[ -d "/proc/$owner" ] && continue
		echo "$d"
	done
}

run() {
	local name=$1 scen=$2 rc=0
	shift 2
	local args=()
	while [ "$1" != "--" ]; do args+=("$1"); shift; done
	shift
	timeout 60 "$BOS" trace --tracer ebpf -o "$TMP/$name.jsonl" -- "$@" >"$TMP/$name.out" \
		2>"$TMP/$name.err" || rc=$?
	[ "$rc" -ne 124 ] || fail "$name: hung"
	echo "$rc" >"$TMP/$name.rc"
	$CHECK "$scen" "$TMP/$name.jsonl" "${args[@]}" || fail "$name: check failed"
}

for v in files files_static; do
	mkdir -p "$TMP/$v"
	run "$v" files "$TMP/$v" -- "$PROGS/$v" "$TMP/$v"
done
mkdir -p "$TMP/procs"
run procs procs "$TMP/procs" -- "$PROGS/procs" "$TMP/procs"
run threadexec threadexec -- "$PROGS/threadexec"
run memfd memfd -- "$PROGS/memfd"
run net net "$TMP/net.out" -- "$PROGS/net"
run antidebug antidebug "$TMP/race" "$TMP/antidebug.out" -- "$PROGS/antidebug" "$TMP/race"
printf '#!/bin/sh -e\nexit 7\n' >"$TMP/script.sh"
chmod 755 "$TMP/script.sh"
run script script "$TMP/script.sh" -- "$TMP/script.sh"
[ "$(cat "$TMP/script.rc")" = 7 ] || fail "exit status 7 not passed on"
grep -q '"ebpf"' "$TMP/files.jsonl" || fail "summary does not say ebpf"
# i386 under eBPF: the process is seen (sched tracepoints), its syscalls are not decoded.
if [ -x "$PROGS/files_i386" ]; then
	mkdir -p "$TMP/i386"
	"$BOS" trace --tracer ebpf -o "$TMP/i386.jsonl" -- "$PROGS/files_i386" "$TMP/i386" ||
		fail "i386: failed"
	$CHECK schema "$TMP/i386.jsonl" || fail "i386: bad events"
	grep -q '"event":"process.exec".*files_i386' "$TMP/i386.jsonl" || fail "i386: no exec"
	grep -q '"event":"process.exit".*"exit_code":0' "$TMP/i386.jsonl" || fail "i386: no exit"
	! grep -q '"TargetFilename":"a.txt"' "$TMP/i386.jsonl" ||
		fail "i386: file events appeared: the doc says they do not, update it"
fi

# PTRACE_TRACEME makes bos trace the sample's tracer (anti-debugging that works under eBPF):
# the run neither hangs at the raise(SIGSTOP) handshake nor kills the sample with exec's
# SIGTRAP; the sample runs to its end (progs/traceme.c).
for m in stop exec; do
	mkdir -p "$TMP/traceme-$m"
	(cd "$TMP/traceme-$m" && run "traceme-$m" traceme "$m" "$TMP/traceme-$m.out" -- \
		"$PROGS/traceme" "$m") || exit 1
	[ "$(cat "$TMP/traceme-$m.rc")" = 0 ] || fail "traceme $m: exit $(cat "$TMP/traceme-$m.rc")"
	[ -s "$TMP/traceme-$m/traceme-stage2.txt" ] || fail "traceme $m: stage 2 did not run"
done

# Group names are unique even where every bos is PID 1 (two runs in two pid namespaces at
# once), each run is in its own group, and each removes it.
for i in 1 2; do
	unshare --pid --fork -- "$BOS" trace --tracer ebpf -o "$TMP/ns$i.jsonl" -- \
		sh -c 'cat /proc/self/cgroup; sleep 1' >"$TMP/ns$i.out" 2>"$TMP/ns$i.err" &
done
wait
for i in 1 2; do
	grep -Eq '^0::/bos-trace-[0-9]+-[0-9a-f]{16}$' "$TMP/ns$i.out" ||
		fail "pidns run $i: not in a group of its own: $(cat "$TMP/ns$i.out" \
			"$TMP/ns$i.err")"
done
[ "$(grep -h '^0::' "$TMP/ns1.out")" != "$(grep -h '^0::' "$TMP/ns2.out")" ] ||
	fail "two runs in pid namespaces shared a group: $(cat "$TMP/ns1.out")"

# SIGTERM: bos trace kills the tree, writes its summary and removes its group.
"$BOS" trace --tracer ebpf -o "$TMP/term.jsonl" -- sleep 60 >/dev/null 2>&1 &
tpid=$!
for _ in $(seq 50); do
	ls -d /sys/fs/cgroup/unified/bos-trace-"$tpid"-* /sys/fs/cgroup/bos-trace-"$tpid"-* \
		>/dev/null 2>&1 && break
	sleep 0.1
done
sleep 0.3
kill -TERM "$tpid"
rc=0
wait "$tpid" || rc=$?
[ "$rc" = 137 ] || fail "SIGTERM: exit $rc, expected 137 (sleep killed)"
tail -n1 "$TMP/term.jsonl" | grep -q '"end":"stopped"' || fail "SIGTERM: no summary"

left=$(cg_left)
[ -z "$left" ] || fail "cgroup left behind: $left"
pass
