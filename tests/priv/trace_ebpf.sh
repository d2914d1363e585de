#!/usr/bin/env bash
# The eBPF backend (root) over the same tracee programs as tests/e2e/trace_ptrace.sh, checked
# by the same tests/trace/check.py with TRACE_BACKEND=ebpf (what eBPF does not give is listed
# in docs/process-events.md). Also: invisibility (TracerPid 0, PTRACE_TRACEME succeeds) and a
# sample that makes its parent its tracer with PTRACE_TRACEME does not hang the run.
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
ls -d /sys/fs/cgroup/unified/bos-trace-* /sys/fs/cgroup/bos-trace-* 2>/dev/null &&
	fail "cgroup left behind"
pass
