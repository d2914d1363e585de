#!/bin/bash
# A proxied request still in flight when the duration ends: the tree is killed, Squid sees
# the client go and logs the aborted transaction before it is stopped, so proxy.log has
# the line (TCP_MISS_ABORTED/000); the capture has the proxy's SYNs to the dropped address.
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools

C=$TMP/case
$BOS observe --tracer none --duration 2s --profile "$SAMPLES/observe-net.yaml" -o "$C" \
	"$SAMPLES/inflight.sh" >"$TMP/out" 2>"$TMP/err" || fail "observe failed: $(cat "$TMP/err")"
$BOS verify "$C" >/dev/null 2>&1 || fail "bos verify failed"
grep -q '"kind":"timeout"' "$C/events.jsonl" || fail "run should end at the duration"
grep -Eq ' 10\.66\.0\.10 TCP_MISS_ABORTED/000 0 GET http://203\.0\.113\.30/inflight ' "$C/proxy.log" ||
	fail "aborted proxied request not in proxy.log: $(cat "$C/proxy.log")"
[ "$(tcount "$C/gateway.pcap" 'ip.src==10.255.255.1 && ip.dst==203.0.113.30 && tcp.flags.syn==1 && tcp.flags.ack==0')" -ge 1 ] ||
	fail "no SYN from the proxy to the dropped address on the gateway"
[ "$(tcount "$C/gateway.pcap" 'ip.src==203.0.113.30')" -eq 0 ] || fail "the dropped address answered"
assert_no_leftovers "$(run_id "$C")"
pass
