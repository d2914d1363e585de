#!/usr/bin/env bash
# bos report --rules DIR: SigmaHQ-style rules using features bos does not support are
# listed (file:line:column and why) and skipped, the supported ones are loaded; a missing
# rules directory is an error; a case without analysis.json still gets a page.
. "$BOS_SRC/tests/lib/common.sh"

cp -r "$BOS_SRC/tests/data/report/case-l8" "$TMP/case"
"$BOS" report --rules "$BOS_SRC/tests/data/rules/mixed" "$TMP/case" >"$TMP/out" 2>"$TMP/err" \
	|| fail "report --rules: $(cat "$TMP/err")"
n=$(grep -c "rule skipped:" "$TMP/err")
[ "$n" -eq 8 ] || fail "expected 8 skipped rules, got $n: $(cat "$TMP/err")"
grep -q "03_unsupported_base64.yml:7:9: unsupported: field modifier 'base64offset'" "$TMP/err" \
	|| fail "base64offset not reported with its position"
grep -q "02_unsupported_count.yml:8:5: unsupported: timeframe" "$TMP/err" || fail "timeframe"
grep -q "07_malformed_condition.yml:7:34: condition: unknown selection 'filter'" "$TMP/err" \
	|| fail "malformed condition"
grep -q "(8 rule files skipped)" "$TMP/out" || fail "summary: $(cat "$TMP/out")"
# 36 own rules + the 2 supported ones of the directory
grep -q ", 38 rules" "$TMP/out" || fail "rule count: $(cat "$TMP/out")"

expect_exit 1 "$BOS" report --rules "$TMP/no-such-dir" "$TMP/case"
grep -q "no-such-dir" "$TMP/expect.err" || fail "missing rules dir not named"
expect_exit 2 "$BOS" report
expect_exit 2 "$BOS" report --bogus "$TMP/case"
expect_exit 1 "$BOS" report "$TMP/no-such-case"

rm "$TMP/case/analysis.json" "$TMP/case/report.html"
"$BOS" report -o "$TMP/na.html" "$TMP/case" >"$TMP/out" 2>&1 || fail "report without analysis"
grep -q "not analysed" "$TMP/out" || fail "summary should say not analysed"
grep -q 'id="level" data-level=""' "$TMP/na.html" || fail "page should say not analysed"
grep -q 'class="tl-row' "$TMP/na.html" || fail "timeline missing without analysis.json"
pass
