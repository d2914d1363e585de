#!/usr/bin/env bash
# bos report in a real headless Chromium: the page of the level-8 fixture case renders with
# no console message (no script error, no CSP violation, no blocked fetch), a screenshot is
# produced, and the DOM has the level, the timeline rows, the process tree, and no element
# that came from the case's hostile strings.
. "$BOS_SRC/tests/lib/common.sh"

CHROME=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROME" ] || skip "chromium not installed (scripts/install-deps.sh installs it)"

cp -r "$BOS_SRC/tests/data/report/case-l8" "$TMP/case"
"$BOS" report "$TMP/case" >"$TMP/out" 2>"$TMP/err" || fail "bos report: $(cat "$TMP/err")"
grep -q "level 8" "$TMP/out" || fail "no level in: $(cat "$TMP/out")"
[ -s "$TMP/case/report.html" ] || fail "no report.html"

# Containment: should the page ever try to load anything, it goes to the discard port of
# loopback (proxy) and no name resolves; the console check below then fails the test.
chrome() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --disable-default-apps \
		--user-data-dir="$(mktemp -d "$TMP/profile.XXXX")" --enable-logging=stderr --v=0 \
		--proxy-server=127.0.0.1:9 --host-resolver-rules="MAP * ~NOTFOUND" \
		"$@" "file://$TMP/case/report.html"
}
chrome --dump-dom >"$TMP/dom.html" 2>"$TMP/chrome-dom.log" || fail "chromium --dump-dom failed: $(tail -5 "$TMP/chrome-dom.log")"
chrome --hide-scrollbars --window-size=1300,2400 --screenshot="$TMP/shot.png" \
	2>"$TMP/chrome-shot.log" >/dev/null || fail "chromium --screenshot failed"
[ -s "$TMP/shot.png" ] || fail "no screenshot"
head -c 8 "$TMP/shot.png" | od -An -tx1 | grep -q "89 50 4e 47" || fail "screenshot is not a PNG"

# Console output of the page: Chromium logs it as CONSOLE(...); CSP violations and blocked
# loads show up there too. The dbus/GPU noise of a headless container is not the page's.
if grep -E "CONSOLE|Content Security Policy|Refused to|Uncaught|net::ERR" \
	"$TMP/chrome-dom.log" "$TMP/chrome-shot.log" >"$TMP/console"; then
	fail "console messages: $(head -5 "$TMP/console")"
fi

$PY - "$TMP/dom.html" <<'PYEOF' || fail "DOM checks"
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.level = None
        self.rows = 0
        self.kinds = {}
        self.tags = {}
        self.stack = []
        self.in_tree = 0
        self.tree_text = ""
        self.svg_marks = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if a.get("id") == "level":
            self.level = a.get("data-level")
        if "tl-row" in (a.get("class") or "").split():
            self.rows += 1
            k = a.get("data-kind")
            self.kinds[k] = self.kinds.get(k, 0) + 1
        if a.get("id") == "proctree" or self.in_tree:
            self.in_tree += 1
        if tag in ("rect", "circle") and (a.get("class") or "") in ("op-mark", "auto-mark",
                                                                    "c2-session", "c2-contact"):
            self.svg_marks += 1
    def handle_endtag(self, tag):
        if self.in_tree:
            self.in_tree -= 1
    def handle_data(self, d):
        if self.in_tree:
            self.tree_text += d

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
errs = []
if p.level != "8":
    errs.append("level element: %r" % p.level)
if p.rows < 30:
    errs.append("timeline rows: %d" % p.rows)
for k in ("sample_start", "command", "c2_contact", "file", "upload", "internal"):
    if not p.kinds.get(k):
        errs.append("no %s row" % k)
for w in ("invoice.bin", "whoami", "smbclient -N //10.20.0.5/share", "tar czf"):
    if w not in p.tree_text:
        errs.append("process tree lacks %r" % w)
# The fixture's hostile strings must be text, never elements.
if p.tags.get("script") or p.tags.get("img") or p.tags.get("b", 0) > 20:
    errs.append("hostile markup became elements: %r" % p.tags)
if p.svg_marks < 20:
    errs.append("svg marks: %d" % p.svg_marks)
if errs:
    print("\n".join(errs), file=sys.stderr)
    sys.exit(1)
PYEOF
grep -q '&lt;script&gt;alert' "$TMP/dom.html" || fail "escaped <script> text missing from the DOM"
pass
