#!/usr/bin/env bash
# bos trace --tracer ptrace over the tracee programs of tests/trace/progs: each run's
# process.jsonl is checked by tests/trace/check.py (schema invariants + the scenario's events
# in order). Also: native, -static, i386 (-m32, socketcall), a #! script, a failing exec,
# anti-debugging tells, and the same as an unprivileged user when run as root.
. "$BOS_SRC/tests/lib/common.sh"
PROGS=$BOS_BUILD/tests/trace/progs
CHECK="$PY $BOS_SRC/tests/trace/check.py"
[ -x "$PROGS/files" ] || fail "tracee programs not built in $PROGS"
chmod 755 "$TMP"

# run NAME SCENARIO [CHECK-ARGS...] -- CMD...: trace CMD, then check.
run() {
	local name=$1 scen=$2 rc=0
	shift 2
	local args=()
	while [ "$1" != "--" ]; do args+=("$1"); shift; done
	shift
	"$BOS" trace --tracer ptrace -o "$TMP/$name.jsonl" -- "$@" >"$TMP/$name.out" \
		2>"$TMP/$name.err" || rc=$?
	echo "$rc" >"$TMP/$name.rc"
	$CHECK "$scen" "$TMP/$name.jsonl" "${args[@]}" || fail "$name: check failed"
}

for v in files files_static; do
	mkdir -p "$TMP/$v"
	run "$v" files "$TMP/$v" -- "$PROGS/$v" "$TMP/$v"
done
if [ -x "$PROGS/files_i386" ]; then
	for v in files_i386 files_i386_static; do
		mkdir -p "$TMP/$v"
		run "$v" files "$TMP/$v" i386 -- "$PROGS/$v" "$TMP/$v"
	done
	run net_i386 net "$TMP/net_i386.out" i386 -- "$PROGS/net_i386"
else
	echo "note: no -m32 toolchain, i386 cases not run"
fi
mkdir -p "$TMP/procs"
run procs procs "$TMP/procs" -- "$PROGS/procs" "$TMP/procs"
run threadexec threadexec -- "$PROGS/threadexec"
run memfd memfd -- "$PROGS/memfd"
run net net "$TMP/net.out" -- "$PROGS/net"
run antidebug antidebug "$TMP/race" "$TMP/antidebug.out" -- "$PROGS/antidebug" "$TMP/race"

printf '#!/bin/sh -e\nexit 7\n' >"$TMP/script.sh"
chmod 755 "$TMP/script.sh"
run script script "$TMP/script.sh" -- "$TMP/script.sh"
[ "$(cat "$TMP/script.rc")" = 7 ] || fail "bos trace did not pass on the exit status 7"

run execfail execfail "$TMP/does-not-exist" -- "$TMP/does-not-exist"
[ "$(cat "$TMP/execfail.rc")" = 127 ] || fail "failed exec: exit $(cat "$TMP/execfail.rc"), not 127"

# Job control and signals pass through the tracer: a stopped and continued child (group-stop,
# PTRACE_LISTEN), a handled signal (re-injected), and --timeout kills the tree.
timeout 30 "$BOS" trace --tracer ptrace -o "$TMP/stop.jsonl" -- sh -c \
	'sleep 0.3 & p=$!; kill -STOP $p; sleep 0.2; kill -CONT $p; wait $p; echo waited' \
	>"$TMP/stop.out" || fail "STOP/CONT: bos trace failed or hung"
grep -qx waited "$TMP/stop.out" || fail "STOP/CONT: child not resumed"
$CHECK schema "$TMP/stop.jsonl" || fail "STOP/CONT: bad events"
timeout 30 "$BOS" trace --tracer ptrace -o "$TMP/sig.jsonl" -- sh -c \
	'trap "echo got" USR1; kill -USR1 $$; echo done' >"$TMP/sig.out" || fail "signal: failed"
[ "$(tr '\n' ' ' <"$TMP/sig.out")" = "got done " ] || fail "signal: handler did not run"
grep -q '"event":"process.kill".*"signal":10,"result":"ok"' "$TMP/sig.jsonl" ||
	fail "signal: kill(USR1) not recorded"
rc=0
timeout 30 "$BOS" trace --tracer ptrace --timeout 1 -o "$TMP/to.jsonl" -- sleep 30 || rc=$?
[ "$rc" -eq 137 ] || fail "--timeout: exit $rc, expected 137 (SIGKILL)"
grep -q '"end":"deadline"' "$TMP/to.jsonl" || fail "--timeout: summary does not say deadline"
grep -q '"event":"process.exit".*"signal":9,"signal_name":"KILL"' "$TMP/to.jsonl" ||
	fail "--timeout: kill not recorded as the exit"

# --tracer ebpf either runs (root, built with eBPF) or fails loudly with the reason; auto
# uses eBPF when it can and otherwise falls back to ptrace and records why.
if "$BOS" trace --tracer ebpf -o "$TMP/e.jsonl" -- /bin/true 2>"$TMP/e.err"; then
	grep -q '"event":"trace.summary","backend":"ebpf"' "$TMP/e.jsonl" ||
		fail "ebpf: summary does not name the backend"
	want='"backend":"ebpf","backend_reason":"auto: ebpf available"'
else
	grep -qi "ebpf" "$TMP/e.err" || fail "ebpf failed without a reason: $(cat "$TMP/e.err")"
	want='"backend":"ptrace","backend_reason":"auto: ebpf unavailable'
fi
expect_exit 0 "$BOS" trace -o "$TMP/auto.jsonl" -- /bin/true
grep -q "$want" "$TMP/auto.jsonl" || fail "auto: summary lacks $want"
expect_exit 2 "$BOS" trace --tracer nope -- /bin/true

# As a normal user: ptrace of one's own children needs no privilege.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$TMP/user"
	chown nobody "$TMP/user"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$BOS" trace --tracer ptrace -o "$TMP/user/u.jsonl" -- "$PROGS/files" "$TMP/user" \
		2>"$TMP/user.err" || fail "as nobody: $(cat "$TMP/user.err")"
	$CHECK files "$TMP/user/u.jsonl" "$TMP/user" || fail "as nobody: check failed"
	grep -q '"uid":65534' "$TMP/user/u.jsonl" || fail "as nobody: uid not recorded"
fi
pass
