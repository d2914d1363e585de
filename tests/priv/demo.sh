#!/usr/bin/env bash
# bos demo, end to end as the README's first command runs it: builds the level-8 scenario
# (harmless agent + scripted operator), observes it in the lab, grades it, writes the
# report. Checks the printed level and paths, analysis.json's timeline and techniques, and
# the report's level, bursts, operator rows and process tree.
. "$BOS_SRC/tests/lib/common.sh"
require_root
command -v "${CC:-cc}" >/dev/null || skip "no C compiler to build the scenario programs"

start=$(date +%s)
"$BOS" demo -o "$TMP/demo" >"$TMP/out" 2>"$TMP/err" || fail "bos demo: $(tail -20 "$TMP/err")"
took=$(( $(date +%s) - start ))
grep -q "^level 8" "$TMP/out" || fail "level 8 not printed: $(cat "$TMP/out")"
grep -q "^report: $TMP/demo/case/report.html" "$TMP/out" || fail "report path: $(cat "$TMP/out")"
[ -s "$TMP/demo/case/report.html" ] || fail "no report.html"
[ "$took" -lt 120 ] || fail "demo took ${took}s (should be about a minute)"

$PY - "$TMP/demo/case/analysis.json" "$TMP/demo/case/report.html" <<'PYEOF' || fail "content"
import json, re, sys
a = json.load(open(sys.argv[1]))
assert a["level"] == 8, a["level"]
seq = a["technique_sequence"]
# the operator's script: id, uname -a, ls -la ~, a decoy document, the file server
for t in ("T1033", "T1082", "T1083", "T1005", "T1021"):
    assert t in seq, (t, seq)
ops = [e for e in a["timeline"] if e["driven"] == "operator"]
assert len(ops) >= 8, len(ops)
assert any(e["kind"] == "internal" and "10.66.0.20" in e["summary"] for e in a["timeline"])
h = open(sys.argv[2], encoding="utf-8").read()
assert 'id="level" data-level="8"' in h
assert len(re.findall(r"burst \d+ &#183;", h)) >= 2, "two bursts expected"
assert h.count('class="pill op"') >= 8
assert re.search(r'<code class="cmdline">id</code>', h), "process tree lacks id"
assert "<script" not in h
PYEOF
echo "demo took ${took}s"
pass
