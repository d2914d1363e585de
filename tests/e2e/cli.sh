#!/usr/bin/env bash
# The command line contract: help, version, exit codes, unknown commands, and that
# commands not built yet say so instead of pretending.
. "$BOS_SRC/tests/lib/common.sh"

out=$("$BOS" --help) || fail "bos --help exited $?"
grep -q '^usage: bos' <<<"$out" || fail "bos --help has no usage line"
# The command table is sorted (STYLE.md §9).
cmds=$(sed -n 's/^  \([a-z]*\) .*/\1/p' <<<"$out")
[ "$cmds" = "$(sort <<<"$cmds")" ] || fail "command table not sorted: $cmds"
[ "$(wc -l <<<"$cmds")" -ge 9 ] || fail "expected at least 9 commands, got: $cmds"

"$BOS" --version | grep -Eq '^bos [0-9]+\.[0-9]+\.[0-9]+$' || fail "bad --version"

expect_exit 2 "$BOS"
expect_exit 2 "$BOS" no-such-command
expect_exit 2 "$BOS" --bogus-option
expect_exit 2 "$BOS" help no-such-command

# Every command answers --help with a usage line and exit 0, and `help CMD` too.
for c in $cmds; do
	"$BOS" "$c" --help | grep -q "^usage: bos $c" || fail "bos $c --help: no usage line"
	"$BOS" help "$c" | grep -q "^usage: bos $c" || fail "bos help $c: no usage line"
done
pass
