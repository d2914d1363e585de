#!/usr/bin/env bash
# bos export --jsonl: every line of the fixture case's export is one JSON object with
# bos_type, @timestamp (RFC 3339 UTC) and case_id, in the counts the fixture holds; the
# same lines go to a file (-o) and to stdout.
. "$BOS_SRC/tests/lib/common.sh"

cp -r "$BOS_SRC/tests/data/report/case-l8" "$TMP/case"
"$BOS" export --jsonl "$TMP/case" >"$TMP/out.jsonl" 2>"$TMP/err" || fail "export: $(cat "$TMP/err")"
"$BOS" export --jsonl -o "$TMP/file.jsonl" "$TMP/case" 2>/dev/null || fail "export -o"
cmp -s "$TMP/out.jsonl" "$TMP/file.jsonl" || fail "-o differs from stdout"
$PY - "$TMP/out.jsonl" <<'PYEOF' || fail "JSON Lines content"
import json, re, sys
ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
count = {}
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    o = json.loads(line)
    assert isinstance(o, dict), n
    t = o["bos_type"]
    count[t] = count.get(t, 0) + 1
    assert o["case_id"] == "case-20261118T110640Z-fx01", (n, o)
    if t != "case" or "@timestamp" in o:
        assert ts.match(o["@timestamp"]), (n, o.get("@timestamp"))
want = {"case": 1, "technique": 13, "conn": 4, "dns": 2, "http": 1, "tls": 2, "process": 53}
for k, v in want.items():
    assert count.get(k) == v, (k, count.get(k), v)
assert count["timeline"] >= 30
PYEOF
pass
