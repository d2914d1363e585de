#!/usr/bin/env bash
# The simulated internet's per-address behaviour and sinkhole (bos inet serve in a private
# pair of namespaces), seen by real clients and in a packet capture of the client's link:
# a dropped address gets only SYNs (and the client times out), a refused one answers RST,
# HTTP/HTTPS services answer the profile's status, headers and body per host/path, and any
# other address and port gets the sinkhole: HTTP 200, a TLS handshake with a certificate
# made for the SNI, raw TCP echoed, UDP logged.
. "$BOS_SRC/tests/lib/common.sh"
require_root
for t in curl openssl tcpdump; do
	command -v $t >/dev/null || fail "$t missing (scripts/install-deps.sh)"
done

. "$BOS_SRC/tests/lib/inet_pair.sh"

cat >"$TMP/p.yaml" <<'YAML'
version: 1
name: tcp-test
hosts:
  - name: dropped
    address: 203.0.113.66
    action: drop
  - name: refused
    address: 203.0.113.67
    action: refuse
  - name: panel
    address: 203.0.113.10
    port: 80
    action: http
    http:
      - path: /admin
        status: 403
        body: forbidden-body
      - host: "*.gone.example"
        status: 404
        body: gone-body
      - status: 503
        reason: Busy
        headers: {Retry-After: "120"}
        body: busy-body
  - name: closer
    address: 203.0.113.70
    action: close
  - name: alerter
    address: 203.0.113.71
    action: tls-alert
  - name: panel-tls
    address: 203.0.113.10
    port: 443
    action: https
    http:
      status: 200
      body: tls-body
YAML
mkdir "$TMP/w"
ip netns exec "$C" tcpdump -U -n -i "bt$id-c" -w "$TMP/c.pcap" 2>"$TMP/tcpdump.err" &
cap=$!
ip netns exec "$I" "$BOS" inet serve -p "$TMP/p.yaml" -w "$TMP/w" -e "$TMP/events.jsonl" \
	--uplink "bt$id-i" 2>"$TMP/serve.err" &
srv=$!
for _ in $(seq 50); do
	timeout 2 ip netns exec "$C" bash -c 'exec 3<>/dev/tcp/10.255.255.2/53' 2>/dev/null && break
	kill -0 "$srv" 2>/dev/null || fail "bos inet serve died: $(cat "$TMP/serve.err")"
	sleep 0.1
done
grep -q listening "$TMP/tcpdump.err" || sleep 0.5
cl() { ip netns exec "$C" "$@"; }

# drop: the client times out.
rc=0
cl curl -s -o /dev/null --connect-timeout 2 http://203.0.113.66:8080/ || rc=$?
[ $rc -eq 28 ] || fail "dropped address: curl exit $rc, expected 28 (timeout)"
# refuse: connection refused at once.
rc=0
cl curl -s -o /dev/null --connect-timeout 2 http://203.0.113.67:9999/ || rc=$?
[ $rc -eq 7 ] || fail "refused address: curl exit $rc, expected 7 (refused)"

# close: accepted, then closed without a byte (curl: empty reply); tls-alert: the handshake
# fails with the server's fatal alert.
rc=0
cl curl -s -o /dev/null -m 3 http://203.0.113.70:8443/ || rc=$?
[ $rc -eq 52 ] || fail "close action: curl exit $rc, expected 52 (empty reply)"
cl openssl s_client -connect 203.0.113.71:443 -servername c2.evil.example </dev/null \
	>"$TMP/alert.out" 2>&1
grep -q 'alert handshake failure' "$TMP/alert.out" || fail "tls-alert: $(tail -5 "$TMP/alert.out")"

# HTTP per path / host, with the profile's reason and headers.
code=$(cl curl -s -o "$TMP/b1" -w '%{http_code}' http://203.0.113.10/admin/x)
[ "$code" = 403 ] && [ "$(cat "$TMP/b1")" = forbidden-body ] || fail "403 rule: $code"
code=$(cl curl -s -o "$TMP/b2" -w '%{http_code}' -H 'Host: www.gone.example' http://203.0.113.10/)
[ "$code" = 404 ] && [ "$(cat "$TMP/b2")" = gone-body ] || fail "404 rule: $code"
cl curl -s -D "$TMP/h3" -o "$TMP/b3" http://203.0.113.10/other || fail "503 fetch"
head -1 "$TMP/h3" | grep -q '^HTTP/1.1 503 Busy' || fail "503 status line: $(head -1 "$TMP/h3")"
grep -qi '^Retry-After: 120' "$TMP/h3" && [ "$(cat "$TMP/b3")" = busy-body ] || fail "503 headers/body"
# HTTPS service, SNI from the URL.
body=$(cl curl -sk --resolve c2.evil.example:443:203.0.113.10 https://c2.evil.example/beacon)
[ "$body" = tls-body ] || fail "https service: '$body'"

# Sinkhole: a random port on an address nobody named.
port=$((20000 + RANDOM % 40000))
code=$(cl curl -s -o "$TMP/b4" -w '%{http_code}' "http://198.51.100.23:$port/x.exe")
[ "$code" = 200 ] && grep -q 'It works' "$TMP/b4" || fail "sinkhole HTTP: $code"
cl openssl s_client -connect "198.51.100.24:$((port + 1))" -servername files.example.net \
	</dev/null >"$TMP/tls.out" 2>&1
grep -q 'subject=CN = files.example.net' "$TMP/tls.out" || fail "sinkhole TLS cert: $(head -20 "$TMP/tls.out")"
grep -Eq '^(New|Reused), TLSv1' "$TMP/tls.out" || fail "sinkhole TLS handshake: $(tail -20 "$TMP/tls.out")"
# An upload is read to its end before the answer: no RST even for 300 kB.
code=$(head -c 300000 /dev/zero | cl curl -s -o /dev/null -w '%{http_code}' \
	--data-binary @- "http://198.51.100.27:$port/upload.php")
[ "$code" = 200 ] || fail "sinkhole POST: $code"
line=$(cl bash -c 'exec 3<>/dev/tcp/198.51.100.25/6667; printf "NICK bos\r\n" >&3;
	read -r -t 3 l <&3; echo "$l"')
[ "$line" = $'NICK bos\r' ] || fail "sinkhole raw echo: '$line'"
cl bash -c 'echo ping >/dev/udp/198.51.100.26/5000'

sleep 0.3
kill -INT "$cap"
wait "$cap"
cap=
kill -TERM "$srv"
wait "$srv" || fail "bos inet serve exited $? (ASan?): $(tail -5 "$TMP/serve.err")"
srv=

# The capture: SYNs to the dropped address and nothing back; RSTs from the refused one.
syns=$(tcpdump -n -r "$TMP/c.pcap" 'dst host 203.0.113.66 and tcp[tcpflags] & tcp-syn != 0' 2>/dev/null | wc -l)
back=$(tcpdump -n -r "$TMP/c.pcap" 'src host 203.0.113.66' 2>/dev/null | wc -l)
[ "$syns" -ge 2 ] && [ "$back" -eq 0 ] || fail "dropped: $syns SYNs, $back packets back"
rsts=$(tcpdump -n -r "$TMP/c.pcap" 'src host 203.0.113.67 and tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
synack=$(tcpdump -n -r "$TMP/c.pcap" 'src host 203.0.113.67 and tcp[tcpflags] & tcp-syn != 0' 2>/dev/null | wc -l)
[ "$rsts" -ge 1 ] && [ "$synack" -eq 0 ] || fail "refused: $rsts RSTs, $synack SYN-ACKs"
# The HTTP answers were not followed by an RST from the server (drained before close).
rst_http=$(tcpdump -n -r "$TMP/c.pcap" 'src host 203.0.113.10 and tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
[ "$rst_http" -eq 0 ] || fail "HTTP service sent $rst_http RSTs"
rst_quiet=$(tcpdump -n -r "$TMP/c.pcap" '(src host 203.0.113.70 or src host 203.0.113.71) and tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
fin_close=$(tcpdump -n -r "$TMP/c.pcap" 'src host 203.0.113.70 and tcp[tcpflags] & tcp-fin != 0' 2>/dev/null | wc -l)
[ "$rst_quiet" -eq 0 ] && [ "$fin_close" -ge 1 ] || fail "close/tls-alert: $rst_quiet RSTs, $fin_close FINs"
rst_post=$(tcpdump -n -r "$TMP/c.pcap" 'src host 198.51.100.27 and tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
[ "$rst_post" -eq 0 ] || fail "sinkhole sent $rst_post RSTs to the uploader"
echo "capture: dropped $syns SYNs/$back back; refused $rsts RSTs/$synack SYN-ACKs"

$PY - "$TMP/events.jsonl" "$port" <<'PY' || fail "events.jsonl"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
port = int(sys.argv[2])
http = [e for e in ev if e["kind"] == "inet_http"]
tcp = [e for e in ev if e["kind"] == "inet_tcp"]
def has(lst, **kw):
    assert any(all(e.get(k) == v for k, v in kw.items()) for e in lst), (kw, lst)
has(http, dst="203.0.113.10:80", status=403, path="/admin/x", svc="http")
has(http, dst="203.0.113.10:80", status=404, host="www.gone.example")
has(http, dst="203.0.113.10:80", status=503)
has(http, dst="203.0.113.10:443", status=200, tls=True, sni="c2.evil.example", svc="https")
has(http, dst="198.51.100.23:%d" % port, status=200, svc="sinkhole", path="/x.exe")
has(http, dst="198.51.100.27:%d" % port, status=200, method="POST", body_bytes=300000)
has(tcp, dst="198.51.100.24:%d" % (port + 1), outcome="tls")
has(tcp, dst="198.51.100.25:6667", outcome="raw")
has(tcp, dst="203.0.113.70:8443", outcome="closed_by_server", bytes_out=0)
has(tcp, dst="203.0.113.71:443", outcome="tls_alert", bytes_out=7, svc="tls-alert")
has([e for e in ev if e["kind"] == "inet_udp"], dst="198.51.100.26:5000", bytes=5)
# Dropped and refused connections never reach the servers.
assert not [e for e in ev if e.get("dst", "").startswith(("203.0.113.66", "203.0.113.67"))]
PY
pass
