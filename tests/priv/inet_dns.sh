#!/usr/bin/env bash
# The simulated internet's DNS (bos inet serve in a private pair of namespaces): each
# profile action gives what a real client (dig) sees: addresses, NXDOMAIN, SERVFAIL,
# REFUSED, an empty answer, no reply at all; over UDP and TCP; and a query sent to any
# other address (a hard-coded resolver) is answered by the same server.
. "$BOS_SRC/tests/lib/common.sh"
require_root
command -v dig >/dev/null || fail "dig missing (bind9-dnsutils, scripts/install-deps.sh)"

# Never in the host's own namespace: there AnyIP would swallow the machine's traffic.
if ! ip -4 addr show | grep -q 'inet 10\.255\.255\.2/'; then
	mkdir "$TMP/host"
	expect_exit 1 "$BOS" inet serve -w "$TMP/host"
	grep -q "refusing to run in the host's network namespace" "$TMP/expect.err" ||
		fail "serve in the host namespace: $(cat "$TMP/expect.err")"
	ip rule | grep -q 'lookup 200' && fail "AnyIP rule added to the host namespace"
fi
. "$BOS_SRC/tests/lib/inet_pair.sh"

cat >"$TMP/p.yaml" <<'YAML'
version: 1
name: dns-test
dns:
  ttl: 42
  names:
    - name: c2.evil.example
      addresses: [203.0.113.66, "2001:db8::66"]
    - name: "*.cdn.example"
      addresses: [198.51.100.7]
    - name: gone.example
      action: nxdomain
    - name: broken.example
      action: servfail
    - name: nope.example
      action: refused
    - name: empty.example
      action: nodata
    - name: quiet.example
      action: timeout
sinkhole:
  address: 192.0.2.99
YAML
mkdir "$TMP/w"
ip netns exec "$I" "$BOS" inet serve -p "$TMP/p.yaml" -w "$TMP/w" -e "$TMP/events.jsonl" \
	--uplink "bt$id-i" 2>"$TMP/serve.err" &
srv=$!
for _ in $(seq 50); do
	timeout 2 ip netns exec "$C" bash -c 'exec 3<>/dev/tcp/10.255.255.2/53' 2>/dev/null && break
	kill -0 "$srv" 2>/dev/null || fail "bos inet serve died: $(cat "$TMP/serve.err")"
	sleep 0.1
done

q() { ip netns exec "$C" dig +time=1 +tries=1 "$@" 2>&1; }
status() { sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }

out=$(q @10.255.255.2 c2.evil.example A)
[ "$(status <<<"$out")" = NOERROR ] || fail "c2 A: $out"
grep -Eq '^c2\.evil\.example\.\s+42\s+IN\s+A\s+203\.0\.113\.66$' <<<"$out" || fail "c2 A answer: $out"
grep -q 'flags: qr aa' <<<"$out" || fail "answer not authoritative: $out"
[ "$(q +short @10.255.255.2 c2.evil.example AAAA)" = "2001:db8::66" ] || fail "c2 AAAA"
[ "$(q +short @10.255.255.2 a.b.cdn.example)" = 198.51.100.7 ] || fail "wildcard"
[ "$(q +short @10.255.255.2 cdn.example)" = 192.0.2.99 ] || fail "wildcard must not match its base"
[ "$(q +short @10.255.255.2 anything-else.example.org)" = 192.0.2.99 ] || fail "default answer"
[ "$(q @10.255.255.2 gone.example | status)" = NXDOMAIN ] || fail "nxdomain"
[ "$(q @10.255.255.2 broken.example | status)" = SERVFAIL ] || fail "servfail"
[ "$(q @10.255.255.2 nope.example | status)" = REFUSED ] || fail "refused"
out=$(q @10.255.255.2 empty.example)
[ "$(status <<<"$out")" = NOERROR ] && grep -q 'ANSWER: 0' <<<"$out" || fail "nodata: $out"
out=$(q @10.255.255.2 quiet.example)
grep -q 'timed out' <<<"$out" || fail "timeout action answered: $out"
# TCP, and a resolver address the sample chose itself (redirected by the nft rules).
[ "$(q +tcp +short @10.255.255.2 c2.evil.example)" = 203.0.113.66 ] || fail "DNS over TCP"
[ "$(q +short @8.8.8.8 c2.evil.example)" = 203.0.113.66 ] || fail "hard-coded resolver (UDP)"
[ "$(q +tcp @9.9.9.9 gone.example | status)" = NXDOMAIN ] || fail "hard-coded resolver (TCP)"

kill -TERM "$srv"
wait "$srv" || fail "bos inet serve exited $? (ASan?): $(tail -5 "$TMP/serve.err")"
srv=
# Every query is an event line with what was answered.
$PY - "$TMP/events.jsonl" <<'PY' || fail "events.jsonl"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
dns = [e for e in ev if e["kind"] == "inet_dns"]
def one(name, **kw):
    m = [e for e in dns if e["qname"].lower() == name and all(e.get(k) == v for k, v in kw.items())]
    assert m, (name, kw, dns)
one("c2.evil.example", rcode="NOERROR", answers=["203.0.113.66"], proto="udp")
one("c2.evil.example", proto="tcp")
one("gone.example", rcode="NXDOMAIN", action="nxdomain")
one("broken.example", rcode="SERVFAIL")
one("nope.example", rcode="REFUSED")
one("quiet.example", rcode="no-reply", action="timeout")
one("empty.example", rcode="NOERROR", answers=[])
assert all(e["ts"].endswith("Z") and e["src"].startswith("10.255.255.1:") for e in dns)
PY
pass
