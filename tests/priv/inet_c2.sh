#!/usr/bin/env bash
# A profile's C2 program (profiles/level7-operator.yaml with bos's test C2) runs in the
# simulated internet at its address, talks to a client, has its output kept, and is
# killed, with everything it started, when the servers stop.
. "$BOS_SRC/tests/lib/common.sh"
require_root
prog="$BOS_BUILD/tests/progs/inet_c2_echo"
[ -x "$prog" ] || fail "$prog not built"

. "$BOS_SRC/tests/lib/inet_pair.sh"

mkdir "$TMP/w"
ip netns exec "$I" "$BOS" inet serve -p "$BOS_SRC/profiles/level7-operator.yaml" -w "$TMP/w" \
	-e "$TMP/events.jsonl" --uplink "bt$id-i" 2>"$TMP/serve.err" &
srv=$!
for _ in $(seq 50); do
	timeout 2 ip netns exec "$C" bash -c 'exec 3<>/dev/tcp/203.0.113.66/4444' 2>/dev/null && break
	kill -0 "$srv" 2>/dev/null || fail "bos inet serve died: $(cat "$TMP/serve.err")"
	sleep 0.1
done

# The operator greets and answers; the name resolves to it.
[ "$(ip netns exec "$C" dig +short +time=1 +tries=1 @10.255.255.2 c2.evil.example)" = 203.0.113.66 ] ||
	fail "c2 name does not resolve to the C2 address"
out=$(ip netns exec "$C" bash -c 'exec 3<>/dev/tcp/203.0.113.66/4444
	read -r -t 3 g <&3; printf "whoami\nquit\n" >&3; read -r -t 3 a <&3; echo "$g|$a"')
[ "$out" = "READY|ack whoami" ] || fail "C2 dialogue: '$out'"
# Other ports of the C2 address are refused (the profile's second entry).
rc=0
ip netns exec "$C" curl -s -o /dev/null --connect-timeout 2 http://203.0.113.66:80/ || rc=$?
[ $rc -eq 7 ] || fail "other port of the C2 address: curl exit $rc, expected 7"

pid=$($PY -c 'import json,sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["kind"] == "inet_c2" and e["event"] == "start": print(e["pid"])' "$TMP/events.jsonl")
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || fail "C2 program not running (pid '$pid')"
grep -q "^listening 203.0.113.66:4444 mode=operator$" "$TMP/w/c2-0.out" ||
	fail "C2 stdout: $(cat "$TMP/w/c2-0.out" "$TMP/w/c2-0.err")"
grep -q "^client 10.255.255.1:" "$TMP/w/c2-0.out" || fail "C2 saw no client"

kill -TERM "$srv"
wait "$srv" || fail "bos inet serve exited $? (ASan?): $(tail -5 "$TMP/serve.err")"
srv=
kill -0 "$pid" 2>/dev/null && fail "C2 program $pid still running after the servers stopped"
grep -q '"kind":"inet_c2","event":"killed".*"signal":15' "$TMP/events.jsonl" ||
	fail "no killed event: $(grep inet_c2 "$TMP/events.jsonl")"
pass
