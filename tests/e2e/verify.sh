#!/usr/bin/env bash
# bos verify on cases made by `bos stix --case`: intact (also after copying elsewhere),
# then a flipped byte, a deleted file, an added file, a symlink swapped in; and hostile
# manifests (invalid JSON, "..", absolute paths, symlink out of the case) are rejected with
# a precise message, without reading outside the case.
. "$BOS_SRC/tests/lib/common.sh"

sample="$BOS_SRC/tests/data/stix/hello.txt"
VALIDATE="$PY $BOS_SRC/tests/lib/stix_validate.py"

# A case from bos stix --case: sample.stix.json + manifest.json, renamed into place.
"$BOS" stix --case "$TMP/c1" "$sample" >"$TMP/where" || fail "bos stix --case exited $?"
[ "$(cat "$TMP/where")" = "$TMP/c1" ] || fail "stix --case printed '$(cat "$TMP/where")'"
[ -f "$TMP/c1/sample.stix.json" ] && [ -f "$TMP/c1/manifest.json" ] || fail "case files missing"
ls -a "$TMP" | grep -q '\.partial-' && fail "temporary directory left behind"
$VALIDATE "$TMP/c1/sample.stix.json" || fail "case bundle fails the schemas"
$PY - "$TMP/c1" "$sample" <<'EOF' || fail "manifest content wrong"
import hashlib, json, os, sys
case, sample = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(case, "manifest.json")))
assert m["format_version"] == 1 and m["complete"] is True and m["incomplete_reason"] is None
assert m["case_id"] == "c1" and m["command"] == "stix"
assert m["sample"]["sha256"] == hashlib.sha256(open(sample, "rb").read()).hexdigest()
data = open(os.path.join(case, "sample.stix.json"), "rb").read()
assert m["files"] == [{"path": "sample.stix.json", "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest()}], m["files"]
assert m["start"].endswith("Z") and m["end"] >= m["start"]
EOF

"$BOS" verify "$TMP/c1" >"$TMP/out" || fail "fresh case not intact: $(cat "$TMP/out")"
grep -q "intact: 1 files match" "$TMP/out" || fail "verify output: $(cat "$TMP/out")"

# Same target again: never overwritten, lands beside it.
"$BOS" stix --case "$TMP/c1" "$sample" >"$TMP/where" || fail "second stix --case exited $?"
[ "$(cat "$TMP/where")" = "$TMP/c1-1" ] || fail "second case went to '$(cat "$TMP/where")'"

# Copied elsewhere (another "machine"): still intact.
cp -r "$TMP/c1" "$TMP/copied"
"$BOS" verify -q "$TMP/copied" || fail "copied case not intact"

# fresh_case NAME: a new intact case at $TMP/NAME.
fresh_case() {
	rm -rf "${TMP:?}/$1"
	cp -r "$TMP/c1" "$TMP/$1"
}

fresh_case flip
$PY - "$TMP/flip/sample.stix.json" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[100] ^= 0x01
open(p, "wb").write(b)
EOF
expect_exit 1 "$BOS" verify "$TMP/flip"
grep -q '^changed: sample.stix.json: sha256 ' "$TMP/expect.out" ||
	fail "flip: $(cat "$TMP/expect.out")"
grep -q 'NOT intact: 1 problem' "$TMP/expect.err" || fail "flip: $(cat "$TMP/expect.err")"

fresh_case del
rm "$TMP/del/sample.stix.json"
expect_exit 1 "$BOS" verify "$TMP/del"
grep -q '^missing: sample.stix.json' "$TMP/expect.out" || fail "delete: $(cat "$TMP/expect.out")"

fresh_case add
mkdir "$TMP/add/extra"
echo x >"$TMP/add/extra/note.txt"
expect_exit 1 "$BOS" verify "$TMP/add"
grep -q '^unexpected: extra/note.txt' "$TMP/expect.out" || fail "add: $(cat "$TMP/expect.out")"

fresh_case grow
echo >>"$TMP/grow/sample.stix.json"
expect_exit 1 "$BOS" verify "$TMP/grow"
grep -q '^changed: sample.stix.json: size ' "$TMP/expect.out" ||
	fail "grow: $(cat "$TMP/expect.out")"

# A symlink to an identical copy outside the case is not accepted (never followed).
fresh_case link
mv "$TMP/link/sample.stix.json" "$TMP/outside.json"
ln -s "$TMP/outside.json" "$TMP/link/sample.stix.json"
expect_exit 1 "$BOS" verify "$TMP/link"
grep -q '^not a regular file: sample.stix.json: is a symlink' "$TMP/expect.out" ||
	fail "symlink: $(cat "$TMP/expect.out")"

# A listed file that cannot be read is reported as such (as nobody when run as root).
fresh_case unread
chmod 000 "$TMP/unread/sample.stix.json"
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$TMP"
	expect_exit 1 setpriv --reuid=nobody --regid=nogroup --clear-groups "$BOS" verify \
		"$TMP/unread"
else
	expect_exit 1 "$BOS" verify "$TMP/unread"
fi
grep -q '^unreadable: sample.stix.json: permission denied' "$TMP/expect.out" ||
	fail "unreadable: $(cat "$TMP/expect.out")"

# Hostile manifests. edit_manifest NAME PYTHON-EXPR-ON-m: rewrite the copy's manifest.
edit_manifest() {
	fresh_case "$1"
	$PY - "$TMP/$1/manifest.json" "$2" <<'EOF'
import json, sys
p, expr = sys.argv[1], sys.argv[2]
m = json.load(open(p))
exec(expr)
json.dump(m, open(p, "w"))
EOF
}
# reject NAME WANT: verify fails with "manifest rejected" and the message contains WANT.
reject() {
	expect_exit 1 "$BOS" verify "$TMP/$1"
	grep -q "manifest rejected: .*$2" "$TMP/expect.err" || fail "$1: $(cat "$TMP/expect.err")"
}

edit_manifest dotdot 'm["files"][0]["path"] = "../c1/sample.stix.json"'
reject dotdot "files\\[0\\].path '../c1/sample.stix.json': '..' component"
edit_manifest abs 'm["files"][0]["path"] = "/etc/passwd"'
reject abs "absolute path"
edit_manifest dup 'm["files"].append(dict(m["files"][0]))'
reject dup "listed twice"
edit_manifest many 'm["files"] = [dict(m["files"][0], path="f%d" % i) for i in range(100001)]'
reject many "over the cap"
fresh_case badjson
printf '{"format_version": 1,\n  "files": [,]}\n' >"$TMP/badjson/manifest.json"
reject badjson "invalid JSON at line 2, column 13 (offset 34)"
fresh_case empty
: >"$TMP/empty/manifest.json"
reject empty "invalid JSON"

# A manifest naming a file behind a symlinked directory that leads out of the case: the
# file outside has the right content, but verify must not open it.
fresh_case escape
mkdir "$TMP/outside-dir"
cp "$TMP/c1/sample.stix.json" "$TMP/outside-dir/"
ln -s "$TMP/outside-dir" "$TMP/escape/sub"
$PY - "$TMP/escape/manifest.json" <<'EOF'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
m["files"].append(dict(m["files"][0], path="sub/sample.stix.json"))
json.dump(m, open(p, "w"))
EOF
expect_exit 1 "$BOS" verify "$TMP/escape"
grep -q "^not a regular file: sub/sample.stix.json: 'sub' is a symlink, not a directory" \
	"$TMP/expect.out" || fail "escape: $(cat "$TMP/expect.out")"
grep -q "^unexpected: sub: symlink" "$TMP/expect.out" || fail "escape: $(cat "$TMP/expect.out")"

# manifest.json itself a symlink, or missing.
fresh_case mlink
mv "$TMP/mlink/manifest.json" "$TMP/m.json"
ln -s "$TMP/m.json" "$TMP/mlink/manifest.json"
expect_exit 1 "$BOS" verify "$TMP/mlink"
grep -q "manifest.json: is a symlink" "$TMP/expect.err" || fail "mlink: $(cat "$TMP/expect.err")"
expect_exit 1 "$BOS" verify "$TMP/outside-dir"
grep -q "manifest.json: missing" "$TMP/expect.err" || fail "no manifest: $(cat "$TMP/expect.err")"
expect_exit 1 "$BOS" verify "$TMP/nonexistent"
expect_exit 2 "$BOS" verify
pass
