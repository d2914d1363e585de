#!/bin/bash
# Containment of the network: services listening on the host (on 127.0.0.1 and on the
# host's own address) must never see a connection from the sample, direct or through the
# proxy; the captures show where the attempts went instead (into the simulated internet).
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools

HOSTIP=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n1)
[ -n "$HOSTIP" ] || HOSTIP=127.0.0.2	# no global address: the loopback test still holds
PORT=$((20000 + RANDOM % 20000))
LOG=$TMP/listener.log
: >"$LOG"
# A listener on the host for each address; it records every connection it accepts.
$PY - "$PORT" "$HOSTIP" "$LOG" >"$TMP/listener.out" 2>&1 <<'PYEOF' &
import socket, sys, select
port, host, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
socks = []
for addr in ("127.0.0.1", host):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(16); socks.append(s)
open(log + ".ready", "w").close()
while True:
    r, _, _ = select.select(socks, [], [])
    for s in r:
        c, peer = s.accept()
        with open(log, "a") as f:
            f.write("connection from %s:%d to %s\n" % (peer[0], peer[1], s.getsockname()[0]))
        c.close()
PYEOF
LPID=$!
trap 'kill $LPID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -e "$LOG.ready" ] && break; sleep 0.1; done
[ -e "$LOG.ready" ] || fail "host listener did not start"
# The listener works from the host itself (so "nothing arrived" below means something).
curl -s -m 2 -o /dev/null "http://127.0.0.1:$PORT/selftest" || true
grep -q "connection from 127.0.0.1" "$LOG" || fail "listener self-test failed"
: >"$LOG"

C=$TMP/case
links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)
$BOS observe --tracer none --duration 20s -o "$C" "$SAMPLES/hostprobe.sh" -- "$PORT" "$HOSTIP" \
	>"$TMP/out" 2>"$TMP/err" || fail "observe failed: $(cat "$TMP/err")"
links_after=$(ip -o link show | awk -F': ' '{print $2}' | sort)
[ "$links_before" = "$links_after" ] || fail "host interfaces changed: $links_before / $links_after"
$BOS verify "$C" >/dev/null 2>&1 || fail "bos verify failed"
grep -q 'hostprobe: done' "$C/sample-output.log" || fail "sample did not finish: $(cat "$C/sample-output.log")"
[ -s "$LOG" ] && fail "the host listener was reached: $(cat "$LOG")"
# The victim's own loopback has no listener: refused there, nothing on any capture.
grep -q "direct http://127.0.0.1:$PORT/direct-lo 000" "$C/sample-output.log" ||
	fail "direct loopback fetch should fail: $(cat "$C/sample-output.log")"
for P in "$C/traffic.pcap" "$C/gateway.pcap"; do
	[ "$(tcount "$P" "ip.addr==127.0.0.0/8")" -eq 0 ] || fail "loopback traffic on $P"
done
# The host's address is just another internet address inside the lab: the SYN goes out of
# the victim, through corp to inet (not NATed), and the simulated internet answers it.
if [ "$HOSTIP" != 127.0.0.2 ]; then
	[ "$(tcount "$C/traffic.pcap" "ip.src==10.66.0.10 && ip.dst==$HOSTIP && tcp.dstport==$PORT && tcp.flags.syn==1")" -ge 1 ] ||
		fail "no SYN to $HOSTIP on the victim link"
	[ "$(tcount "$C/gateway.pcap" "ip.src==10.66.0.10 && ip.dst==$HOSTIP && tcp.dstport==$PORT && tcp.flags.syn==1")" -ge 1 ] ||
		fail "the direct attempt to $HOSTIP did not go to the simulated internet"
	[ "$(tcount "$C/gateway.pcap" "ip.src==10.255.255.1 && ip.dst==$HOSTIP && tcp.dstport==$PORT")" -ge 1 ] ||
		fail "the proxied attempt to $HOSTIP did not go to the simulated internet"
fi
assert_no_leftovers "$(run_id "$C")"
pass
