#!/bin/bash
# Two labs at once: separate run ids and names, each sample sees only its own lab, a run
# starting while another is up (which removes *stale* labs first) leaves the live one alone,
# and `bos cleanup` without --all does too.
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools

$BOS observe --tracer none --duration 10s -o "$TMP/a" "$SAMPLES/sleeper.sh" -- 8111 >/dev/null 2>"$TMP/a.err" &
A=$!
for _ in $(seq 100); do
	f=$(ls "$TMP"/.a.partial-*/events.jsonl 2>/dev/null | head -n1)
	[ -n "$f" ] && grep -q '"kind":"sample_started"' "$f" && break
	sleep 0.1
done
ida=$(run_id "$(dirname "$f")")
[ -n "$ida" ] || fail "first run did not come up: $(cat "$TMP/a.err")"
$BOS cleanup >"$TMP/cleanup.out" 2>&1 || fail "cleanup failed"
ip netns list | grep -q "bos-$ida-victim" || fail "bos cleanup removed a live lab"
$BOS observe --tracer none --duration 20s --profile "$SAMPLES/observe-net.yaml" -o "$TMP/b" \
	"$SAMPLES/observe-net.sh" >/dev/null 2>"$TMP/b.err" || fail "second run failed: $(cat "$TMP/b.err")"
idb=$(run_id "$TMP/b")
[ "$ida" != "$idb" ] || fail "both runs got run id $ida"
kill -0 $A 2>/dev/null || fail "the first run ended early (its lab was disturbed?)"
pgrep -f "sleep 8111" >/dev/null || fail "the first run's sample was killed by the second run"
wait $A || fail "first run failed: $(cat "$TMP/a.err")"
for c in a b; do
	$BOS verify "$TMP/$c" >/dev/null 2>&1 || fail "case $c does not verify"
	grep -q '"complete": true' "$TMP/$c/manifest.json" || fail "case $c not complete"
done
grep -q "step resolve-ok 203.0.113.10" "$TMP/b/sample-output.log" || fail "second lab's network broken"
grep -q '"kind":"timeout"' "$TMP/a/events.jsonl" || fail "first run did not run to its duration"
assert_no_leftovers "$ida"
assert_no_leftovers "$idb"
pass
