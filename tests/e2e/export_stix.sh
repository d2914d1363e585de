#!/usr/bin/env bash
# bos export --stix: the bundle of the level-8 fixture case is valid against the OASIS
# STIX 2.1 schemas, deterministic, carries the level, and a case whose C2 name holds quotes
# and backslashes still gives valid, correctly escaped patterns.
. "$BOS_SRC/tests/lib/common.sh"

VALIDATE="$BOS_SRC/tests/lib/stix_validate.py"
SCHEMAS="$BOS_SHARED/corpus/stix/schemas"
[ -d "$SCHEMAS" ] || skip "no STIX schemas at $SCHEMAS"

cp -r "$BOS_SRC/tests/data/report/case-l8" "$TMP/case"
"$BOS" export --stix "$TMP/case" 2>"$TMP/err" || fail "export: $(cat "$TMP/err")"
B="$TMP/case/case.stix.json"
[ -s "$B" ] || fail "no case.stix.json"
$PY "$VALIDATE" --schemas "$SCHEMAS" "$B" || fail "bundle not valid STIX 2.1"
"$BOS" export --stix -o "$TMP/again.json" "$TMP/case" 2>/dev/null || fail "second export"
cmp -s "$B" "$TMP/again.json" || fail "export is not deterministic"
"$BOS" export --stix -o - "$TMP/case" >"$TMP/stdout.json" 2>/dev/null || fail "export to stdout"
cmp -s "$B" "$TMP/stdout.json" || fail "stdout differs from file"

$PY - "$B" <<'PYEOF' || fail "bundle content"
import json, sys
b = json.load(open(sys.argv[1]))
objs = b["objects"]
by = {}
for o in objs:
    by.setdefault(o["type"], []).append(o)
ids = {o["id"] for o in objs}
assert len(ids) == len(objs), "an object is in the bundle twice"
ma = by["malware-analysis"][0]
assert ma["result"] == "malicious", ma
assert ma["x_bos_progress_level"] == 8
assert ma["result_name"].startswith("progress level 8")
assert ma["sample_ref"] == by["file"][0]["id"]
assert set(ma["analysis_sco_refs"]) <= ids
names = {o["value"] for o in by["domain-name"]}
assert names == {"c2.bos-demo.example", "update.bos-demo.example"}, names
assert {o["value"] for o in by["ipv4-addr"]} >= {"203.0.113.10"}
pats = {o["pattern"] for o in by["indicator"]}
assert "[domain-name:value = 'c2.bos-demo.example']" in pats, pats
aps = {o["external_references"][0]["external_id"] for o in by["attack-pattern"]}
assert {"T1033", "T1059.004", "T1021.002", "T1560.001"} <= aps, aps
for r in by["relationship"]:
    assert r["source_ref"] in ids and r["target_ref"] in ids, r
nt = by["network-traffic"]
assert len(nt) == 3 and all(n["dst_ref"] in ids for n in nt)
PYEOF

# A hostile C2 name: quote, backslash, and bytes that are not UTF-8 in a name.
mkdir -p "$TMP/evil"
cat >"$TMP/evil/analysis.json" <<'JEOF'
{"format":"bos-analysis","format_version":1,"level":3,"reason":"nxdomain",
 "c2":[{"candidate":"a'b\\c.example","name":"a'b\\c.example","addresses":[],"level":3}],
 "caveats":[]}
JEOF
printf '{"ts":1795000000.5,"uid":"D1","query":"a'"'"'b\\\\c.example","rcode_name":"NXDOMAIN"}\n' >"$TMP/evil/dns.jsonl"
"$BOS" export --stix "$TMP/evil" 2>"$TMP/err" || fail "export evil: $(cat "$TMP/err")"
$PY "$VALIDATE" --schemas "$SCHEMAS" "$TMP/evil/case.stix.json" || fail "evil bundle not valid"
$PY - "$TMP/evil/case.stix.json" <<'PYEOF' || fail "evil pattern escaping"
import json, sys
b = json.load(open(sys.argv[1]))
ind = [o for o in b["objects"] if o["type"] == "indicator"]
assert ind and ind[0]["pattern"] == "[domain-name:value = 'a\\'b\\\\c.example']", ind[0]["pattern"]
ma = [o for o in b["objects"] if o["type"] == "malware-analysis"][0]
assert ma["result"] == "suspicious" and ma["x_bos_progress_level"] == 3
PYEOF
expect_exit 2 "$BOS" export "$TMP/case"
expect_exit 2 "$BOS" export --stix --jsonl "$TMP/case"
expect_exit 1 "$BOS" export --stix "$TMP/nonexistent"
pass
