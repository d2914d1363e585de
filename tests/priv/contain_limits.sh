#!/bin/bash
# Containment of resource abuse: a fork bomb (pids limit), a memory hog (memory limit, OOM
# kill), a disk filler (size-limited tmpfs home and /tmp), a sleeper outliving the duration
# and a double-fork + setsid escaper. Each run must end with a written, verifiable case, the
# whole tree killed, and nothing of the lab left behind.
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools
PROGS=$BOS_BUILD/tests/progs
[ -x "$PROGS/sample_memhog" ] && [ -x "$PROGS/sample_escape" ] || fail "test programs not built"

observe() {	# observe NAME DURATION SAMPLE [ARGS...]
	local name=$1 dur=$2
	shift 2
	$BOS observe --tracer none --no-services --duration "$dur" -o "$TMP/$name" "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" || fail "$name: observe failed: $(tail -3 "$TMP/$name.err")"
	$BOS verify "$TMP/$name" >/dev/null 2>&1 || fail "$name: bos verify failed"
	grep -q '"complete": true' "$TMP/$name/manifest.json" || fail "$name: case not complete"
	assert_no_leftovers "$(run_id "$TMP/$name")"
}

# Fork bomb: held by pids.max, killed at the end.
observe bomb 3s "$SAMPLES/forkbomb.sh"
grep -q '"kind":"limit_hit","limit":"pids"' "$TMP/bomb/events.jsonl" || fail "bomb: no pids limit_hit event"
grep -q '"kind":"kill","processes":[0-9]*' "$TMP/bomb/events.jsonl" || fail "bomb: no kill event"
grep -q '"kind":"sample_exit","killed_by_lab":true,"end":"timeout"' "$TMP/bomb/events.jsonl" ||
	fail "bomb: run did not end at the duration"
pgrep -f forkbomb.sh >/dev/null && fail "bomb: copies survive: $(pgrep -af forkbomb.sh | head -3)"

# Memory hog: OOM-killed inside its cgroup (256 MiB), the run goes on and ends normally.
observe memhog 10s "$PROGS/sample_memhog"
grep -q '"kind":"limit_hit","limit":"memory"' "$TMP/memhog/events.jsonl" || fail "memhog: no memory limit_hit"
grep -q '"oom_kills":[1-9]' "$TMP/memhog/events.jsonl" || fail "memhog: no OOM kill counted"
grep -q 'limit not enforced' "$TMP/memhog/sample-output.log" && fail "memhog: reached 2 GiB"
grep -q '"kind":"sample_exit","code":137' "$TMP/memhog/events.jsonl" || fail "memhog: not killed by SIGKILL"

# Disk filler: stopped by the 64 MiB tmpfs (or RLIMIT_FSIZE) in home and /tmp.
observe diskfill 10s "$SAMPLES/diskfill.sh"
out=$TMP/diskfill/sample-output.log
grep -q 'diskfill: done' "$out" || fail "diskfill: did not finish: $(cat "$out")"
for k in home-fill tmp-fill; do
	sz=$(sed -n "s/^$k.* size=\([0-9]*\).*/\1/p" "$out")
	[ -n "$sz" ] && [ "$sz" -le $((64 << 20)) ] || fail "diskfill: $k size '$sz' over 64 MiB: $(cat "$out")"
done

# Sleeper: outlives the duration, killed at 2 s.
observe sleeper 2s "$SAMPLES/sleeper.sh" -- 4321
grep -q '"kind":"timeout"' "$TMP/sleeper/events.jsonl" || fail "sleeper: no timeout event"
grep -q '"kind":"kill","processes":[1-9]' "$TMP/sleeper/events.jsonl" || fail "sleeper: no kill event"
pgrep -f "sleep 4321" >/dev/null && fail "sleeper survived"

# Escaper: double fork + setsid + own process group + SIGTERM ignored; the first process
# exits at once, but the run must follow the tree, not the first process.
observe escape 2s "$PROGS/sample_escape" -- 5432
grep -q 'grandchild' "$TMP/escape/sample-output.log" || fail "escape: grandchild did not start"
grep -q '"kind":"timeout"' "$TMP/escape/events.jsonl" || fail "escape: run ended before the duration"
grep -q '"kind":"kill","processes":[1-9]' "$TMP/escape/events.jsonl" || fail "escape: no kill event"
pgrep -f "sample_escape 5432" >/dev/null && fail "escaper survived: $(pgrep -af 'sample_escape 5432')"
pass
