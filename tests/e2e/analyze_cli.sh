#!/bin/bash
# bos analyze from the command line: usage errors, unusable paths, a log directory with
# hostile lines (reported by file:line, skipped, not fatal), --json, --no-write, settings.
. "$(dirname "$0")/../lib/common.sh"

expect_exit 2 "$BOS" analyze
expect_exit 2 "$BOS" analyze a b
expect_exit 2 "$BOS" analyze --window -1 x
expect_exit 2 "$BOS" analyze --gap abc x
expect_exit 2 "$BOS" analyze --scan-min 1 x
expect_exit 2 "$BOS" analyze --bogus x
expect_exit 1 "$BOS" analyze "$TMP/missing"
mkdir "$TMP/empty"
expect_exit 1 "$BOS" analyze "$TMP/empty"
grep -q "no capture, logs or case" "$TMP/expect.err" || fail "empty dir: $(cat "$TMP/expect.err")"
expect_exit 0 "$BOS" analyze --help
grep -q -- "--window" "$TMP/expect.out" || fail "help lacks --window"

d=$TMP/logs
mkdir "$d"
cat >"$d/conn.jsonl" <<'J'
{"ts":1600000000.5,"uid":"C1","id.orig_h":"192.168.1.10","id.orig_p":40000,"id.resp_h":"198.51.100.7","id.resp_p":80,"proto":"tcp","duration":0.2,"orig_bytes":100,"resp_bytes":300,"conn_state":"SF","first_pkt":3}
{"ts":1600000001.0,"uid":"C2","id.orig_h":"192.168.1.10","id.orig_p":40001,"id.resp_h":"192.168.1.20","id.resp_p":445,"proto":"tcp","duration":1,"orig_bytes":900,"resp_bytes":900,"conn_state":"SF"}
not json at all
{"uid": "no time"}
J
printf '{"ts":1600000000.1,"uid":"D1","query":"c2.example","rcode":0,"answers":["198.51.100.7"]}\n' >"$d/dns.jsonl"
printf '{"ts":1600000000.6,"uid":"C1","method":"GET","host":"c2.example","uri":"/t","status_code":200}\n' >"$d/http.jsonl"

expect_exit 0 "$BOS" analyze --no-write "$d"
[ ! -e "$d/analysis.json" ] || fail "--no-write wrote analysis.json"
grep -q "^conn.jsonl:3: " "$TMP/expect.err" || fail "line 3 not reported: $(cat "$TMP/expect.err")"
grep -q "^conn.jsonl:4: " "$TMP/expect.err" || fail "line 4 not reported"
# The internal connection 0.5 s after the C2's 200 is an operation: level 7 from the wire.
grep -q "^level 7: attacker operations (operations)" "$TMP/expect.out" || fail "summary: $(cat "$TMP/expect.out")"
grep -q "c2 c2.example: level 7" "$TMP/expect.out" || fail "summary lacks the C2"

# With a window shorter than that half second, nothing is caused: level 6.
expect_exit 0 "$BOS" analyze -q --no-write --window 0.1 "$d"
grep -q "^level 6: " "$TMP/expect.out" || fail "--window 0.1: $(head -1 "$TMP/expect.out")"

expect_exit 0 "$BOS" analyze -q "$d"
[ -s "$d/analysis.json" ] || fail "analysis.json not written"
$PY - "$d/analysis.json" <<'PY' || fail "analysis.json content"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["format"] == "bos-analysis" and a["input_kind"] == "logs"
assert a["level"] == 7 and a["level_name"] == "attacker operations"
assert a["decided_by"] == "c2.example"
assert list(a)[:4] == ["format", "format_version", "tool_version", "input_kind"]
assert a["settings"] == {"window_ms": 30000, "gap_ms": 120000, "scan_min_targets": 16,
                         "upload_min_bytes": 1024}
files = {i["file"]: i for i in a["inputs"]}
assert files["conn.jsonl"]["skipped"] == 2 and files["conn.jsonl"]["used"] == 2
assert len(files["dns.jsonl"]["sha256"]) == 64
ev = a["c2"][0]["evidence"][0]
assert ev["kind"] == "http" and ev["status"] == 200
assert any("malformed" in c for c in a["caveats"])
op = a["operations"]["list"][0]
assert op["kind"] == "internal_connection" and op["resp"] == "192.168.1.20:445"
assert op["after"]["kind"] == "http"
PY
# --json prints the same document that was written.
expect_exit 0 "$BOS" analyze -q --json --no-write "$d"
cmp -s "$TMP/expect.out" "$d/analysis.json" || fail "--json output differs from analysis.json"
pass
