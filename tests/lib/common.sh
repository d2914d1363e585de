# Sourced by every shell test. Provides fail/pass/skip and small helpers.
# Environment from CTest: BOS (the binary), BOS_SRC, BOS_BUILD, BOS_SHARED.
set -u
: "${BOS:?run through ctest}"
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bos-$TEST_NAME-XXXXXX")
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $TEST_NAME: $*" >&2; exit 1; }
pass() { echo "PASS: $TEST_NAME"; exit 0; }
# Skip only for a capability that is truly missing here. As root, missing root-only
# capabilities are not a reason: priv tests use require_root, which fails under CI.
skip() { echo "SKIP: $TEST_NAME: $*"; exit 77; }
require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root"
	fi
}

# expect_exit CODE CMD...: run CMD, fail unless it exits with CODE.
expect_exit() {
	local want=$1 got=0
	shift
	"$@" >"$TMP/expect.out" 2>"$TMP/expect.err" || got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(head -c 500 "$TMP/expect.err")"
}

# The Debian python with python3-jsonschema (a pyenv python may shadow it on PATH).
PY=/usr/bin/python3
