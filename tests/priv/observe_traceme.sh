#!/bin/bash
# Anti-debugging under eBPF in the lab: a sample that calls ptrace(PTRACE_TRACEME) makes the
# victim's init, its parent, its tracer; the call succeeds (nothing visible holds the slot).
# The init lets it go at its first stop (the raise(SIGSTOP) handshake, or exec's SIGTRAP),
# so the sample runs to its end well before the duration: the case is complete and shows
# what it did after the stop (its second stage's exec and file). tests/trace/progs/traceme.c.
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools
SAMPLE=$BOS_BUILD/tests/trace/progs/traceme
[ -x "$SAMPLE" ] || fail "tracee programs not built ($SAMPLE)"

for mode in stop exec; do
	C=$TMP/case-$mode
	t0=$(date +%s%N)
	rc=0
	timeout 60 $BOS observe --tracer ebpf --no-services --duration 5s -o "$C" "$SAMPLE" \
		-- "$mode" >"$TMP/out" 2>"$TMP/err" || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$rc" -ne 0 ] && grep -q "tracer ebpf:" "$TMP/err"; then
		skip "eBPF backend unavailable: $(cat "$TMP/err")"
	fi
	[ "$rc" -ne 124 ] || fail "$mode: bos observe hung"
	[ "$rc" -eq 0 ] || fail "$mode: observe exit $rc: $(cat "$TMP/err")"
	$BOS verify "$C" >/dev/null 2>&1 || fail "$mode: bos verify failed"
	grep -q '"complete": true' "$C/manifest.json" || fail "$mode: case not complete"
	! grep -q '"kind":"timeout"' "$C/events.jsonl" ||
		fail "$mode: the sample hung until the duration (${ms} ms)"
	grep -q '"kind":"sample_exit","code":0,"end":"exited"' "$C/events.jsonl" ||
		fail "$mode: sample did not exit 0: $(grep sample_exit "$C/events.jsonl")"
	# Well before the 5 s duration (the lab's set-up and teardown included).
	[ "$ms" -lt 5000 ] || fail "$mode: took $ms ms"
	# The anti-analysis property under eBPF: PTRACE_TRACEME succeeded for the sample.
	grep -qx 'traceme=0' "$C/sample-output.log" ||
		fail "$mode: PTRACE_TRACEME did not succeed: $(cat "$C/sample-output.log")"
	# check.py's scenario without its `bos trace` schema (in the lab the first process has
	# the init as its parent, with a key).
	TRACE_BACKEND=ebpf $PY - "$BOS_SRC/tests/trace/check.py" "$C/process.jsonl" "$mode" \
		"$C/sample-output.log" <<-'PYEOF' || fail "$mode: no later activity"
	import importlib.util, sys
	spec = importlib.util.spec_from_file_location("check", sys.argv[1])
	check = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(check)
	evs = check.load(sys.argv[2])
	assert evs[-1]["event"] == "trace.summary" and evs[-1]["lost"] == 0, evs[-1]
	check.scen_traceme(evs, sys.argv[3:])
	PYEOF
	grep -q '"TargetFilename":"traceme-stage2.txt","flags":"O_WRONLY|O_CREAT' \
		"$C/process.jsonl" ||
		fail "$mode: stage 2's file not in process.jsonl"
	assert_no_leftovers "$(run_id "$C")"
done
pass
