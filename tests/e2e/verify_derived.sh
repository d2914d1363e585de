#!/usr/bin/env bash
# Files that analyze/report/export/net write into a sealed case are listed as derived and
# do not make verify fail; anything else not in the manifest still does.
. "$BOS_SRC/tests/lib/common.sh"

printf 'sample\n' >"$TMP/s.bin"
"$BOS" stix --case "$TMP/case" "$TMP/s.bin" >/dev/null || fail "bos stix --case failed"
c=$TMP/case

echo '{}' >"$c/analysis.json"
echo '<html></html>' >"$c/report.html"
"$BOS" verify "$c" >"$TMP/out" 2>&1 || fail "derived files made verify fail: $(cat "$TMP/out")"
grep -q '^derived: analysis.json:' "$TMP/out" || fail "analysis.json not listed as derived"
grep -q '^derived: report.html:' "$TMP/out" || fail "report.html not listed as derived"

# A derived name in a sub-directory, or as a symlink, is not derived: it is unexpected.
mkdir "$c/sub" && echo x >"$c/sub/analysis.json"
expect_exit 1 "$BOS" verify "$c"
grep -q 'unexpected: sub/analysis.json' "$TMP/expect.out" || fail "sub/analysis.json not flagged"
rm -r "$c/sub"
rm "$c/report.html" && ln -s /etc/passwd "$c/report.html"
expect_exit 1 "$BOS" verify "$c"
grep -q 'report.html' "$TMP/expect.out" || fail "symlinked report.html not flagged"
rm "$c/report.html"

echo x >"$c/notes.txt"
expect_exit 1 "$BOS" verify "$c"
grep -q 'unexpected: notes.txt' "$TMP/expect.out" || fail "notes.txt not flagged"
pass
