#!/bin/bash
# Interrupted runs: Ctrl-C (SIGINT) finishes the case as incomplete with everything so far;
# SIGKILL of bos leaves a stale lab that `bos cleanup` (or the next run) removes, and the
# sample's tree dies with bos (PR_SET_PDEATHSIG), never outliving it.
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools

# wait_lab_up DIR-GLOB: wait until a partial case under the glob has a lab_up event.
wait_lab_up() {
	local f
	for _ in $(seq 100); do
		for f in $1/events.jsonl; do
			[ -f "$f" ] && grep -q '"kind":"sample_started"' "$f" && { echo "${f%/events.jsonl}"; return 0; }
		done
		sleep 0.1
	done
	return 1
}

# --- SIGINT: incomplete case, verified, nothing left ---
$BOS observe --tracer none --no-services --duration 60s -o "$TMP/int" "$SAMPLES/sleeper.sh" -- 7321 \
	>"$TMP/int.out" 2>"$TMP/int.err" &
BPID=$!
P=$(wait_lab_up "$TMP/.int.partial-*") || fail "SIGINT run: sample never started: $(cat "$TMP/int.err")"
id=$(run_id "$P")
ip netns list | grep -q "bos-$id-victim" || fail "lab not up while running"
kill -INT $BPID
rc=0
wait $BPID || rc=$?
[ $rc -eq 1 ] || fail "SIGINT run exited $rc, expected 1"
[ -d "$TMP/int" ] || fail "interrupted case not renamed into place"
$BOS verify "$TMP/int" >/dev/null 2>&1 || fail "interrupted case does not verify"
grep -q '"complete": false' "$TMP/int/manifest.json" || fail "interrupted case not marked incomplete"
grep -q 'interrupted by SIGINT' "$TMP/int/manifest.json" || fail "no SIGINT reason in the manifest"
for k in lab_up sample_started kill capture_stats teardown; do
	[ "$(event_count "$TMP/int" $k)" -ge 1 ] || fail "interrupted case lacks $k"
done
[ -s "$TMP/int/traffic.pcap" ] || fail "interrupted case lacks traffic.pcap"
pgrep -f "sleep 7321" >/dev/null && fail "sleeper survived SIGINT"
assert_no_leftovers "$id"

# --- SIGKILL: stale lab, sample dies with bos, `bos cleanup` removes the rest ---
$BOS observe --tracer none --no-services --duration 60s -o "$TMP/kill" "$SAMPLES/sleeper.sh" -- 7322 \
	>/dev/null 2>&1 &
BPID=$!
P=$(wait_lab_up "$TMP/.kill.partial-*") || fail "SIGKILL run: sample never started"
id=$(run_id "$P")
kill -KILL $BPID
wait $BPID 2>/dev/null
for _ in $(seq 30); do pgrep -f "sleep 7322" >/dev/null || break; sleep 0.1; done
pgrep -f "sleep 7322" >/dev/null && fail "sample outlived a SIGKILLed bos"
ip netns list | grep -q "bos-$id-" || fail "expected a stale lab after SIGKILL"
$BOS cleanup >"$TMP/cleanup.out" 2>&1 || fail "bos cleanup failed: $(cat "$TMP/cleanup.out")"
grep -q "removed [1-9]" "$TMP/cleanup.out" || fail "cleanup removed nothing: $(cat "$TMP/cleanup.out")"
assert_no_leftovers "$id"

# --- the next run removes a stale lab by itself ---
$BOS observe --tracer none --no-services --duration 60s -o "$TMP/kill2" "$SAMPLES/sleeper.sh" -- 7323 \
	>/dev/null 2>&1 &
BPID=$!
P=$(wait_lab_up "$TMP/.kill2.partial-*") || fail "second SIGKILL run: sample never started"
id=$(run_id "$P")
kill -KILL $BPID
wait $BPID 2>/dev/null
$BOS observe --tracer none --no-services --duration 1s -o "$TMP/next" "$SAMPLES/sleeper.sh" \
	>/dev/null 2>&1 || fail "run after a stale lab failed"
assert_no_leftovers "$id"
assert_no_leftovers "$(run_id "$TMP/next")"
grep -q '"kind":"lab_up",.*"stale_labs_removed":1' "$TMP/next/events.jsonl" ||
	fail "the next run did not record the stale lab it removed"
pass
