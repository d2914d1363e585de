#!/bin/bash
# bos observe end to end: a shell sample resolves names (ok, NXDOMAIN, SERVFAIL), fetches
# through the corporate proxy and directly, hits a dropped and a refused address, the
# intranet decoy, and touches files. The captures must show exactly those answers.
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools

# Without privileges it says so plainly.
if command -v setpriv >/dev/null; then
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups $BOS observe "$SAMPLES/observe-net.sh" \
		>"$TMP/np.out" 2>"$TMP/np.err" || rc=$?
	[ $rc -eq 1 ] || fail "unprivileged observe exited $rc"
	grep -q "needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN)" "$TMP/np.err" || fail "no privilege message: $(cat "$TMP/np.err")"
fi

C=$TMP/case
$BOS observe --tracer none --duration 20s --profile "$SAMPLES/observe-net.yaml" -o "$C" \
	"$SAMPLES/observe-net.sh" >"$TMP/out" 2>"$TMP/err" || fail "observe failed: $(cat "$TMP/err")"
[ "$(cat "$TMP/out")" = "$C" ] || fail "stdout should be the case dir: $(cat "$TMP/out")"
$BOS verify "$C" >/dev/null 2>&1 || fail "bos verify: $($BOS verify "$C" 2>&1 | head -5)"
grep -q '"complete": true' "$C/manifest.json" || fail "case not complete"
for f in traffic.pcap gateway.pcap events.jsonl dns.log proxy.log sample.stix.json profile.yaml \
	sample-output.log lab/squid.conf lab/dnsmasq.conf lab/inet.nft; do
	[ -s "$C/$f" ] || fail "missing or empty: $f"
done
cmp -s "$C/profile.yaml" "$SAMPLES/observe-net.yaml" || fail "profile.yaml is not the profile used"

out=$C/sample-output.log
grep -q "step resolve-ok 203.0.113.10" "$out" || fail "resolve-ok: $(cat "$out")"
grep -q "step resolve-nx failed" "$out" || fail "resolve-nx: $(cat "$out")"
grep -q "step resolve-sf failed" "$out" || fail "resolve-sf: $(cat "$out")"
grep -q "step proxy-ok 200" "$out" || fail "proxy-ok: $(cat "$out")"
grep -q "step proxy-tls 200" "$out" || fail "proxy-tls (CONNECT to the TLS sinkhole): $(cat "$out")"
grep -q "step direct-404 404" "$out" || fail "direct-404: $(cat "$out")"
grep -q "step direct-drop 000 rc=28" "$out" || fail "direct-drop (timeout expected): $(cat "$out")"
grep -q "step direct-refuse 000 rc=7" "$out" || fail "direct-refuse (refused expected): $(cat "$out")"
grep -q "step intranet 1" "$out" || fail "intranet decoy: $(cat "$out")"
grep -q "step files .*exfil_list.txt" "$out" || fail "files: $(cat "$out")"
grep -q "step whoami akiyama@ws-fin-042" "$out" || fail "whoami: $(cat "$out")"
# A machine id of its own, not the host's.
mid=$(sed -n 's/^step machine-id //p' "$out")
[ ${#mid} -eq 32 ] || fail "machine-id: '$mid'"
[ "$mid" != "$(cat /etc/machine-id 2>/dev/null)" ] || fail "the host's machine-id is visible"
# A private /dev: the harmless nodes and /dev/log, none of the host's other devices.
grep -q "step dev .*null.*urandom" "$out" || fail "dev: $(grep 'step dev' "$out")"
grep "step dev" "$out" | grep -Eq ' (kmsg|kvm|loop0|mem|sda|vda) ' && fail "host devices visible: $(grep 'step dev' "$out")"
grep -q '"kind":"syslog","pid":[0-9]*,"message":"<13>.* updater: persistence installed (bos test)"' \
	"$C/events.jsonl" || fail "syslog message not passed through"

T=$C/traffic.pcap
# DNS: exactly the profile's answers, as the victim saw them.
a=$(tshark -n -r "$T" -Y 'dns.flags.response==1 && dns.qry.name=="ok.test.example" && dns.qry.type==1' \
	-T fields -e dns.a 2>/dev/null | sort -u)
[ "$a" = "203.0.113.10" ] || fail "ok.test.example answers: '$a'"
[ "$(tcount "$T" 'dns.flags.response==1 && dns.qry.name=="nx.test.example" && dns.flags.rcode==3')" -ge 1 ] ||
	fail "no NXDOMAIN for nx.test.example"
[ "$(tcount "$T" 'dns.flags.response==1 && dns.qry.name=="nx.test.example" && dns.flags.rcode!=3')" -eq 0 ] ||
	fail "nx.test.example got a non-NXDOMAIN answer"
[ "$(tcount "$T" 'dns.flags.response==1 && dns.qry.name=="sf.test.example" && dns.flags.rcode==2')" -ge 1 ] ||
	fail "no SERVFAIL for sf.test.example"
# Dropped address: SYNs, and not a single packet back.
[ "$(tcount "$T" 'ip.dst==203.0.113.30 && tcp.flags.syn==1 && tcp.flags.ack==0')" -ge 1 ] ||
	fail "no SYN to the dropped address"
[ "$(tcount "$T" 'ip.src==203.0.113.30')" -eq 0 ] || fail "the dropped address answered"
# Refused address: SYN answered by RST.
[ "$(tcount "$T" 'ip.src==203.0.113.40 && tcp.flags.reset==1')" -ge 1 ] || fail "no RST from the refusing address"
[ "$(tcount "$T" 'ip.src==203.0.113.40 && tcp.flags.syn==1')" -eq 0 ] || fail "refusing address sent a SYN-ACK"
# HTTP statuses: 404 directly, 200 through the proxy (victim side) and on the gateway.
[ "$(tcount "$T" 'ip.src==203.0.113.20 && http.response.code==404')" -eq 1 ] || fail "no single HTTP 404"
[ "$(tcount "$T" 'ip.src==10.66.0.1 && tcp.srcport==3128 && http.response.code==200 && http.response_for.uri=="http://ok.test.example/via-proxy"')" -eq 1 ] ||
	fail "no HTTP 200 from the proxy for the proxied GET"
[ "$(tcount "$T" 'http.request.uri=="http://ok.test.example/via-proxy"')" -eq 1 ] ||
	fail "proxied request not on the victim link"
G=$C/gateway.pcap
[ "$(tcount "$G" 'ip.src==10.255.255.1 && ip.dst==203.0.113.10 && http.request.uri=="/via-proxy"')" -eq 1 ] ||
	fail "proxy's upstream request not on the gateway"
[ "$(tcount "$G" 'ip.src==203.0.113.10 && http.response.code==200')" -eq 1 ] || fail "upstream 200 not on the gateway"
# Leak check: every packet of both captures stays inside the lab's address plan.
for P in "$T" "$G"; do
	n=$(tcount "$P" 'ip && !((ip.src==10.66.0.0/24 || ip.src==10.255.255.0/30 || ip.src==203.0.113.0/24 || ip.src==198.51.100.0/24) && (ip.dst==10.66.0.0/24 || ip.dst==10.255.255.0/30 || ip.dst==203.0.113.0/24 || ip.dst==198.51.100.0/24))')
	[ "$n" -eq 0 ] || fail "$n packets outside the lab's addresses in $P"
done
# Proxy log: Squid's native format, the proxied fetch with its status.
grep -Eq '^[0-9]+\.[0-9]{3} +[0-9]+ 10\.66\.0\.10 TCP_MISS/200 [0-9]+ GET http://ok\.test\.example/via-proxy - HIER_DIRECT/203\.0\.113\.10 ' \
	"$C/proxy.log" || fail "proxy.log: $(cat "$C/proxy.log")"
grep -Eq '^[0-9]+\.[0-9]{3} +[0-9]+ 10\.66\.0\.10 TCP_TUNNEL/200 [0-9]+ CONNECT ok\.test\.example:443 - HIER_DIRECT/203\.0\.113\.10 ' \
	"$C/proxy.log" || fail "proxy.log lacks the CONNECT: $(cat "$C/proxy.log")"
[ "$(wc -l <"$C/proxy.log")" -eq 2 ] || fail "proxy.log should have exactly two lines: $(cat "$C/proxy.log")"
# DNS log: dnsmasq's own lines for the queries.
grep -q 'query\[A\] nx.test.example from 10.66.0.10' "$C/dns.log" || fail "dns.log lacks the nx query"
# Environment events.
for k in observe_start lab_up sample_started limits sample_exit capture_stats teardown observe_end; do
	[ "$(event_count "$C" $k)" -ge 1 ] || fail "events.jsonl lacks $k"
done
grep -q '"kind":"teardown","ms":[0-9]*,"leftovers":0' "$C/events.jsonl" || fail "teardown left objects"
grep -q '"kind":"inet_dns"' "$C/events.jsonl" || fail "no inet_dns events from the simulated internet"
assert_no_leftovers "$(run_id "$C")"
pass
