#!/usr/bin/env bash
# The dissectors (src/proto) checked against peers on the real captures of the shared corpus:
#  1. tshark: every DNS response's (id, rcode, answer count), every HTTP response status
#     (interim 1xx included), every TLS ClientHello SNI and JA3 (tls.handshake.ja3), as
#     multisets per capture.
#  2. Zeek's own baselines (corpus/zeek-baselines): dns.log, http.log and ssl.log rows,
#     field by field, per connection.
# Every disagreement must be listed in EXPECTED below with its reason; a new one, or an
# expected one that disappears, fails the test.
. "$(dirname "$0")/../lib/common.sh"
P=$BOS_SHARED/corpus/pcap
ZB=$BOS_SHARED/corpus/zeek-baselines
command -v tshark >/dev/null || skip "tshark not installed"
[ -d "$P" ] || skip "corpus not present"

EXPECTED="
otrf_covenant_http_c2_no_smb.pcapng|http|status=100 tshark=1 bos=0
otrf_covenant_http_c2_no_smb.pcapng|http|status=200 tshark=19 bos=0
otrf_empire_psremoting_stager_ws5.cap|http|status=200 tshark=32 bos=0
otrf_empire_samr_enumdomainusers_net.cap|http|status=200 tshark=25 bos=0
zeek_http_get_nosyn.pcap|http|status=200 tshark=1 bos=0
zeek_wikipedia.pcap|http|status=304 tshark=15 bos=14
td_dns_badlabel.pcap|dns|id=51584 rcode=15 answers=507 tshark=1 bos=0
zeek_merlin_c2_quic.pcapng|ja3|ja3=203c2306834e5bf5ace01fb74ad1badf tshark=1 bos=0
sv_corrupt_record_after6.pcap|ja3|ja3=cee46fdd039bfaea42cc1a96e2288bed tshark=1 bos=0
zeek:dns_wikipedia|141.142.220.118:32902->141.142.2.2:53|RA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:37676->141.142.2.2:53|AA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:37676->141.142.2.2:53|RA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:38911->141.142.2.2:53|AA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:38911->141.142.2.2:53|RA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:43927->141.142.2.2:53|RA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:45000->141.142.2.2:53|RA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:48479->141.142.2.2:53|AA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:48479->141.142.2.2:53|RA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:58206->141.142.2.2:53|RA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:59816->141.142.2.2:53|AA: zeek=F bos=T
zeek:dns_wikipedia|141.142.220.118:59816->141.142.2.2:53|RA: zeek=F bos=T
zeek:dns_zero_rrs|10.0.0.64:49204->146.186.163.66:53|AA: zeek=F bos=T
zeek:dns_loc_trunc|79.141.82.250:57483->192.188.22.52:53|answers: zeek=LOC:  18 21 19,RRSIG 29 es.net bos=<unknown type=29>,RRSIG 29 es.net
zeek:http_methods|128.2.6.136:46568->173.194.75.103:80|status_code: zeek=0 bos=403
zeek:http_methods|128.2.6.136:46568->173.194.75.103:80|status_msg: zeek=<empty> bos=Forbidden
zeek:http_methods|128.2.6.136:46578->173.194.75.103:80|status_code: zeek=0 bos=400
zeek:http_methods|128.2.6.136:46578->173.194.75.103:80|status_msg: zeek=<empty> bos=Bad Request
zeek:http_methods|128.2.6.136:46583->173.194.75.103:80|status_code: zeek=0 bos=400
zeek:http_methods|128.2.6.136:46583->173.194.75.103:80|status_msg: zeek=<empty> bos=Bad Request
zeek:http_methods|128.2.6.136:46588->173.194.75.103:80|status_code: zeek=0 bos=400
zeek:http_methods|128.2.6.136:46588->173.194.75.103:80|status_msg: zeek=<empty> bos=Bad Request
zeek:http_methods|128.2.6.136:46593->173.194.75.103:80|status_code: zeek=0 bos=400
zeek:http_methods|128.2.6.136:46593->173.194.75.103:80|status_msg: zeek=<empty> bos=Bad Request
zeek:http_methods|128.2.6.136:46598->173.194.75.103:80|status_code: zeek=0 bos=411
zeek:http_methods|128.2.6.136:46598->173.194.75.103:80|status_msg: zeek=<empty> bos=Length Required
zeek:http_methods|128.2.6.136:46603->173.194.75.103:80|status_code: zeek=0 bos=411
zeek:http_methods|128.2.6.136:46603->173.194.75.103:80|status_msg: zeek=<empty> bos=Length Required
zeek:http_methods|128.2.6.136:46608->173.194.75.103:80|status_code: zeek=0 bos=400
zeek:http_methods|128.2.6.136:46608->173.194.75.103:80|status_msg: zeek=<empty> bos=Bad Request
zeek:http_404|10.0.1.104:64216->193.40.5.162:80|uri: zeek=/~cect/teoreetilised seminarid_2010/arheoloogia_uurimisr\xfchma_seminar/Joyce et al - The Languages of Archaeology ~ Dialogue, Narrative and Writing.pdf bos=/~cect/teoreetilised%20seminarid_2010/arheoloogia_uurimisr%FChma_seminar/Joyce%20et%20al%20-%20The%20Languages%20of%20Archaeology%20~%20Dialogue,%20Narrative%20and%20Writing.pdf
zeek:http_404_x4|172.24.0.2:55134->172.24.0.3:80|uri: zeek=/printable_😄 bos=/printable_%F0%9F%98%84
zeek:http_404_x4|172.24.0.2:55142->172.24.0.3:80|uri: zeek=/non_printable_\x07 bos=/non_printable_%07
zeek:http_404_x4|172.24.0.2:55154->172.24.0.3:80|uri: zeek=/non_printable_literal_\x07 bos=/non_printable_literal_%5Cx07
"
# Reasons:
#  otrf_*, zeek_http_get_nosyn, zeek_wikipedia 304: those connections start mid-stream (no
#    SYN in the capture). The flow engine, like Zeek, runs no application parser on a
#    partial connection (a parser cannot know where it is in the stream); tshark parses
#    any segment that starts with a status line. Zeek's http.log for zeek_wikipedia also
#    lacks the 304 of 141.142.220.118:35634 (no SYN), as bos does.
#  td_dns_badlabel: the response uses label type 0x40 (RFC 6891 deprecated) in its question:
#    bos_dns_parse says MALFORMED; the engine counts it (dns_malformed in net_stats.json)
#    and writes no transaction. tshark shows the header fields of the broken message.
#  zeek_merlin_c2_quic: that ClientHello travels in QUIC (UDP 443); bos has no QUIC
#    dissector.
#  sv_corrupt_record_after6: frame 2 (the SYN-ACK) carries a corrupt timestamp (1994), so
#    the engine's idle timeout ends the flow there and the rest is a new flow without a
#    SYN, which is not dissected (see above). tshark ignores time.
#  zeek:dns AA/RA: Zeek copies AA and RA from a response only while logging an answer
#    record (DNS::do_reply); for responses without answers it keeps F. bos logs the flags
#    the response carried (tshark: dns.flags.authoritative/recavail = 1 there).
#  zeek:dns_loc_trunc: bos renders LOC (type 29) as "<unknown type=29>"; no LOC decoder.
#  zeek:http_methods: in the HTTP/0.9-looking requests ("GET /HTTP/1.1", no version)
#    Zeek reads the server's answer as a 0.9 body (status 0); the server did send a
#    status line, bos and tshark read it (403/400/411). Only the response status is
#    compared for that capture: Zeek's and bos's leniency for broken request lines
#    differ (Zeek weird.log), and the status is what bos grades on.
#  zeek:http_404, http_404_x4 uri: Zeek logs the URI percent-decoded; bos logs the
#    request-target exactly as sent (decoding would turn it into non-UTF-8 bytes, which
#    bos's JSON writes as {"b64": ...}).

TOOLS=$TMP/tools
mkdir -p "$TOOLS"
cat >"$TOOLS/cmp_tshark.py" <<'PYEOF'
#!/usr/bin/env python3
"""Compare bos net's dns/http/tls.jsonl with tshark on one capture.
usage: cmp_tshark.py CAPTURE BOSDIR NAME  -> prints 'NAME|kind|detail' per disagreement."""
import collections, json, os, subprocess, sys

cap, d, name = sys.argv[1:4]

def jl(f):
    p = os.path.join(d, f)
    if not os.path.exists(p):
        return []
    return [json.loads(l) for l in open(p, encoding="utf-8") if l.strip()]

fields = ["dns.flags.response", "dns.id", "dns.flags.rcode", "dns.count.answers",
          "http.response.code", "tls.handshake.type", "tls.handshake.extensions_server_name",
          "tls.handshake.ja3"]
cmd = ["tshark", "-n", "-o", "tcp.reassemble_out_of_order:TRUE", "-o", "http.desegment_body:FALSE", "-r", cap, "-Y",
       "!icmp && (dns.flags.response==1 || http.response || tls.handshake.type==1)", "-T", "fields",
       "-E", "separator=\t", "-E", "aggregator=|", "-E", "occurrence=a"]
for f in fields:
    cmd += ["-e", f]
out = subprocess.run(cmd, capture_output=True, text=True).stdout
ts_dns, ts_http, ts_sni = collections.Counter(), collections.Counter(), collections.Counter()
ts_ja3 = collections.Counter()
for line in out.splitlines():
    c = (line.split("\t") + [""] * len(fields))[:len(fields)]
    resp, ids, rcodes, ans = (x.split("|") for x in c[0:4])
    for i, r in enumerate(resp):
        if r in ("1", "True") and i < len(ids) and ids[i]:
            ts_dns[(int(ids[i], 16), int(rcodes[i] or 0), int(ans[i] or 0))] += 1
    for code in c[4].split("|"):
        if code:
            ts_http[int(code)] += 1
    types, snis = c[5].split("|"), c[6].split("|")
    # a frame can carry several hellos only in theory; SNI list aligns with client hellos
    for s in snis:
        if s:
            ts_sni[s] += 1
    for h in c[7].split("|"):
        if h:
            ts_ja3[h] += 1

b_dns = collections.Counter((r["trans_id"], r["rcode"], r.get("ancount", 0))
                            for r in jl("dns.jsonl") if "rcode" in r)
b_http = collections.Counter()
for r in jl("http.jsonl"):
    # tshark lists interim (1xx) responses too; bos keeps the last one as info_code.
    for k in ("info_code", "status_code"):
        if k in r:
            b_http[r[k]] += 1
b_sni = collections.Counter(r["server_name"] for r in jl("tls.jsonl")
                            if isinstance(r.get("server_name"), str))
b_ja3 = collections.Counter(r["ja3"] for r in jl("tls.jsonl") if "ja3" in r)

def diff(kind, t, b, fmt):
    for k in sorted(set(t) | set(b), key=str):
        if t[k] != b[k]:
            print(f"{name}|{kind}|{fmt(k)} tshark={t[k]} bos={b[k]}")

diff("dns", ts_dns, b_dns, lambda k: f"id={k[0]} rcode={k[1]} answers={k[2]}")
diff("http", ts_http, b_http, lambda k: f"status={k}")
diff("tls", ts_sni, b_sni, lambda k: f"sni={k}")
diff("ja3", ts_ja3, b_ja3, lambda k: f"ja3={k}")
print(f"#stats {name} dns={sum(ts_dns.values())} http={sum(ts_http.values())} sni={sum(ts_sni.values())} ja3={sum(ts_ja3.values())}",
      file=sys.stderr)
PYEOF
cat >"$TOOLS/cmp_zeek.py" <<'PYEOF'
#!/usr/bin/env python3
"""Compare a Zeek dns/http/ssl baseline with bos's jsonl, as multisets of rows per connection.
usage: cmp_zeek.py ZEEK_LOG BOS_JSONL NAME FIELD,FIELD,...
Rows are keyed by (id.orig_h, id.orig_p, id.resp_h, id.resp_p); within a key the rows of both
sides are sorted and paired in order. Prints 'NAME|key|field: zeek=X bos=Y' per difference and
'NAME|key|row only in zeek/bos: ...' for unpaired rows."""
import json, sys

zlog, bjl, name, fields = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
KEY = ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p"]

def norm(v):
    if v is None or v == "-":
        return "-"
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, list):
        return ",".join(norm(x) for x in v) if v else "(empty)"
    if isinstance(v, float):
        return "%g" % v
    s = str(v)
    try:
        return "%g" % float(s) if "." in s and s.replace(".", "", 1).isdigit() else s
    except ValueError:
        return s

def read_zeek(path):
    rows, cols = [], None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("{"):
            # btest canonifies ts to XXXXXXXXXX.XXXXXX, which is not JSON
            rows.append(json.loads(line.replace("XXXXXXXXXX.XXXXXX", "null")))
            continue
        if cols is None and line.startswith("ts\tuid\t"):
            cols = line.split("\t")     # zeek-cut -m header line
            continue
        if line.startswith("#fields"):
            cols = line.split("\t")[1:]
            continue
        if line.startswith("#") or not line or cols is None:
            continue
        vals = line.split("\t")
        r = {}
        for c, v in zip(cols, vals):
            if v == "-":
                continue
            r[c] = v.split(",") if c in ("answers", "TTLs") and v != "(empty)" else v
        rows.append(r)
    return rows

def key(r):
    return "%s:%s->%s:%s" % tuple(r.get(k, "?") for k in KEY)

def group(rows):
    g = {}
    for r in rows:
        g.setdefault(key(r), []).append(tuple(norm(r.get(f)) for f in fields))
    for k in g:
        g[k].sort()
    return g

z = group(read_zeek(zlog))
b = group([json.loads(l) for l in open(bjl, encoding="utf-8") if l.strip()])
for k in sorted(set(z) | set(b)):
    zr, br = z.get(k, []), b.get(k, [])
    for i in range(max(len(zr), len(br))):
        if i >= len(zr):
            print(f"{name}|{k}|row only in bos: {' '.join(br[i])}")
        elif i >= len(br):
            print(f"{name}|{k}|row only in zeek: {' '.join(zr[i])}")
        else:
            for f, zv, bv in zip(fields, zr[i], br[i]):
                if zv != bv:
                    print(f"{name}|{k}|{f}: zeek={zv} bos={bv}")
PYEOF

got=$TMP/got.txt
stats=$TMP/stats.txt
: >"$got"
: >"$stats"
while IFS= read -r -d '' cap; do
	n=$(basename "$cap")
	out=$TMP/out/$n
	mkdir -p "$out"
	# Damaged captures make bos net exit 1 after writing what came before the damage.
	"$BOS" net -q --deterministic -o "$out" "$cap" >/dev/null 2>&1 || true
	$PY "$TOOLS/cmp_tshark.py" "$cap" "$out" "$n" >>"$got" 2>>"$stats" ||
		fail "$n: comparison with tshark failed"
done < <(find "$P" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 | sort -z)

# Totals compared, so the test cannot pass by comparing nothing.
read -r dns http sni ja3 < <(awk '{for (i = 3; i <= 6; i++) { split($i, kv, "="); s[i] += kv[2] }}
	END { print s[3], s[4], s[5], s[6] }' "$stats")
echo "compared with tshark: $dns DNS responses, $http HTTP responses, $sni TLS SNIs, $ja3 JA3s"
[ "$dns" -ge 100 ] && [ "$http" -ge 200 ] && [ "$sni" -ge 300 ] && [ "$ja3" -ge 300 ] ||
	fail "too few items compared (dns=$dns http=$http sni=$sni ja3=$ja3): tshark fields broken?"

D=trans_id,query,qclass,qtype,rcode,AA,TC,RD,RA,Z,answers,TTLs,rejected
H=trans_depth,method,host,uri,referrer,version,user_agent,request_body_len,response_body_len,status_code,status_msg
S=version,cipher,server_name,resumed,last_alert,next_protocol,established,ssl_history
# name | log kind | baseline | capture | fields
ZCASES="
dns_wikipedia|dns|zeek_wikipedia/opt.basic/dns.log|mixed/zeek_wikipedia.pcap|$D
dns_loc_trunc|dns|zeek_dns_loc_trunc/scripts.base.protocols.dns.loc/dns.log|malformed/zeek_dns_loc_trunc.pcap|$D
dns_zero_rrs|dns|zeek_dns_zero_rrs/scripts.base.protocols.dns.zero-responses/dns.log|dns/zeek_dns_zero_rrs.pcap|$D
http_wikipedia|http|zeek_wikipedia/opt.basic/http.log|mixed/zeek_wikipedia.pcap|$H
http_get_200|http|zeek_http_get_200/core.tcp.reassembly-known-ports/http.log|http/zeek_http_get_200.pcap|$H
http_404|http|zeek_http_404/scripts.base.frameworks.logging.ascii-escape-odd-url/http.log|http/zeek_http_404.pcap|$H
http_404_x4|http|zeek_http_404_x4/scripts.base.frameworks.logging.json-non-printable-escaping/http.log.json|http/zeek_http_404_x4.pcap|$H
http_methods|http|zeek_http_403_400_405/scripts.base.protocols.http.http-methods/http.log|http/zeek_http_403_400_405.pcap|status_code,status_msg
http_ctu_stealer|http|zeek_ctu_stealer_post_c2sock/scripts.base.protocols.http.ctu-agent-tesla/http.log.cut|c2/zeek_ctu_stealer_post_c2sock.pcap|$H
ssl_tls12|tls|zeek_tls12/scripts.base.protocols.ssl.tls-1.2/ssl.log|tls/zeek_tls12.pcap|$S
ssl_tls13_psk|tls|zeek_tls13_psk/scripts.base.protocols.ssl.tls13/ssl.log|tls/zeek_tls13_psk.pcap|$S
ssl_expired_cert|tls|zeek_tls_expired_cert/scripts.policy.protocols.ssl.validate-certs/ssl.log|tls/zeek_tls_expired_cert.pcap|$S
ssl_handshake_failure|tls|zeek_tls_handshake_failure/scripts.base.protocols.ssl.tls-1.2-handshake-failure/ssl.log|tls/zeek_tls_handshake_failure.pcap|$S
"
if [ -d "$ZB" ]; then
	while IFS='|' read -r name kind base cap fields; do
		[ -n "$name" ] || continue
		out=$TMP/out/$(basename "$cap")
		[ -s "$out/$kind.jsonl" ] || fail "zeek:$name: bos wrote no $kind.jsonl"
		$PY "$TOOLS/cmp_zeek.py" "$ZB/$base" "$out/$kind.jsonl" "zeek:$name" "$fields" >>"$got" ||
			fail "zeek:$name: comparison failed"
	done <<<"$ZCASES"
fi

want=$TMP/want.txt
grep -v '^$' <<<"$EXPECTED" >"$want"
[ -d "$ZB" ] || { grep -v '^zeek:' "$want" >"$want.t" || true; mv "$want.t" "$want"; }
sort -o "$got" "$got"
sort -o "$want" "$want"
diff -u "$want" "$got" || fail "disagreements with tshark/Zeek changed (- expected, + now)"
pass
