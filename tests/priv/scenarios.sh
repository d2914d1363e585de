#!/bin/bash
# The scenario corpus end to end (scenarios/README.md): each of the eight harmless samples is
# observed in the lab by the real `bos observe` under its profile and graded by
# `bos analyze`; each must get its level, with the right kind of evidence.
. "$(dirname "$0")/../lib/common.sh"
require_root
command -v cc >/dev/null || skip "no C compiler to build the scenario samples"

OUT=$TMP/scenarios
BOS=$BOS bash "$BOS_SRC/scenarios/run.sh" -b "$BOS" -o "$OUT" >"$TMP/run.out" 2>&1
rc=$?
cat "$TMP/run.out"
[ -s "$OUT/results.tsv" ] || fail "run.sh wrote no results (exit $rc)"

# level, graded, reason, evidence kinds, caused operations, bursts, case dir
check() {
	local level=$1 reason_re=$2 kind=$3 min_ops=$4 bursts=$5 row got reason kinds ops nb
	row=$(awk -F'\t' -v l="$level" '$1 == l' "$OUT/results.tsv")
	[ -n "$row" ] || fail "level $level: no result"
	IFS=$'\t' read -r _ got reason kinds ops nb _ <<<"$row"
	[ "$got" = "$level" ] || fail "level $level scenario graded $got ($reason)"
	[[ $reason =~ ^($reason_re)$ ]] || fail "level $level: reason $reason, want $reason_re"
	if [ "$kind" != "-" ]; then
		case ",$kinds," in *",$kind,"*) ;; *) fail "level $level: no $kind evidence ($kinds)" ;; esac
	fi
	[ "$ops" -ge "$min_ops" ] || fail "level $level: $ops caused operations, want >= $min_ops"
	[ "$nb" = "$bursts" ] || fail "level $level: $nb bursts, want $bursts"
}
check 1 not_run - 0 0
check 2 no_traffic - 0 0
check 3 nxdomain dns 0 0
check 4 'no_answer|refused' flow 0 0
check 5 'http_refused|proxy_refused' proxy 0 0
check 6 http_ok http 0 0
check 7 operations http 5 1
check 8 bursts http 8 2

# Level 4: both the dropped and the refused address, each with its own reason.
j=$OUT/case-level4/analysis.json
$PY - "$j" <<'PY' || fail "level 4: dropped and refused not told apart"
import json, sys
a = json.load(open(sys.argv[1]))
r = {c["candidate"]: c["reason"] for c in a["c2"]}
assert r.get("c2-drop.evil.example") == "no_answer", r
assert r.get("c2-refuse.evil.example") == "refused", r
PY
# Level 5: 403, 404 and 503, directly (http) and relayed by the proxy (proxy.log lines).
$PY - "$OUT/case-level5/analysis.json" <<'PY' || fail "level 5: refusals not all seen"
import json, sys
a = json.load(open(sys.argv[1]))
seen = set()
for c in a["c2"]:
    for e in c["evidence"]:
        if e["kind"] == "http":
            seen.add(("http", e["status"]))
        if e["kind"] == "proxy" and e["reason"] == "proxy_refused":
            seen.add(("proxy", int(e["result"].split("/")[1])))
want = {(k, s) for k in ("http", "proxy") for s in (403, 404, 503)}
assert want <= seen, sorted(want - seen)
PY
# Levels 7/8: the operator's commands are process starts caused by C2 data, with the
# internal connection to the decoy host among the operations.
$PY - "$OUT/case-level8/analysis.json" <<'PY' || fail "level 8: operations not as scripted"
import json, sys
a = json.load(open(sys.argv[1]))
ops = [o for o in a["operations"]["list"] if o["caused"]]
cmds = [o.get("command_line", "") for o in ops if o["kind"] == "process_start"]
assert any(c.startswith("id") for c in cmds), cmds
assert any(c.startswith("whoami") for c in cmds), cmds
assert any(o["kind"] == "internal_connection" and o["resp"].startswith("10.66.0.20:") for o in ops)
assert {o["burst"] for o in ops} == {1, 2}
assert all(o["after"]["kind"] == "http" for o in ops)
assert "7" in a["first_reached"] and "8" in a["first_reached"]
assert a["first_reached"]["7"] < a["first_reached"]["8"]
PY
[ "$rc" -eq 0 ] || fail "run.sh exited $rc"
pass
