#!/usr/bin/env bash
# Root-only tracer cases, each inside namespaces this test creates (nothing leaves them):
#  - a connect to a dropped address (nftables drop in a fresh netns): result "timed_out";
#  - the tracer as PID 1 of a fresh pid namespace (how the lab runs it), fork chain + thread;
#  - the sample as an unprivileged user (--uid/--gid, the lab's pre_exec) cannot kill its
#    tracer: kill(getppid(), SIGKILL) is EPERM and recorded, and the tracer carries on.
. "$BOS_SRC/tests/lib/common.sh"
require_root
PROGS=$BOS_BUILD/tests/trace/progs
CHECK="$PY $BOS_SRC/tests/trace/check.py"
[ -x "$PROGS/net" ] || fail "tracee programs not built in $PROGS"
command -v unshare >/dev/null || skip "unshare (util-linux) missing"
command -v nft >/dev/null || skip "nft (nftables) missing"
chmod 755 "$TMP"

# 1. Dropped SYNs: lo up, input tcp dport 9 dropped; TCP_SYNCNT=1 gives up after ~3 s.
cat >"$TMP/drop.nft" <<'NFT'
table ip bos_trace_test {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 9 drop
	}
}
NFT
unshare --net -- bash -c '
	ip link set lo up && nft -f "$1" &&
	"$2" trace --tracer ptrace -o "$3/drop.jsonl" -- "$4/net" 127.0.0.1 9 >"$3/drop.out"
' _ "$TMP/drop.nft" "$BOS" "$TMP" "$PROGS" 2>"$TMP/drop.err" || fail "netns run: $(cat "$TMP/drop.err")"
$CHECK net "$TMP/drop.jsonl" "$TMP/drop.out" - 127.0.0.1 9 || fail "dropped connect: check failed"

# 2. Tracer as PID 1 in a new pid namespace (with its own /proc).
mkdir -p "$TMP/pidns"
unshare --pid --fork --mount-proc -- \
	"$BOS" trace --tracer ptrace -o "$TMP/pidns.jsonl" -- "$PROGS/procs" "$TMP/pidns" \
	2>"$TMP/pidns.err" || fail "pidns run: $(cat "$TMP/pidns.err")"
$CHECK procs "$TMP/pidns.jsonl" "$TMP/pidns" || fail "pidns: check failed"
grep -q '"event":"process.exec","pid":2,' "$TMP/pidns.jsonl" ||
	fail "pidns: the sample is not pid 2 under a PID-1 tracer"

# 3. Unprivileged sample, root tracer: the "kill the parent" trick fails and is recorded.
mkdir -p "$TMP/kp"
chown 65534:65534 "$TMP/kp"
"$BOS" trace --tracer ptrace --uid 65534 --gid 65534 -o "$TMP/kp.jsonl" -- \
	"$PROGS/antidebug" "$TMP/kp/race" killparent >"$TMP/kp.out" 2>"$TMP/kp.err" ||
	fail "killparent run: $(cat "$TMP/kp.err")"
$CHECK antidebug "$TMP/kp.jsonl" "$TMP/kp/race" "$TMP/kp.out" killparent ||
	fail "killparent: check failed"
grep -q '"event":"process.exec".*"uid":65534,"euid":65534' "$TMP/kp.jsonl" ||
	fail "killparent: exec not recorded as uid 65534"
pass
