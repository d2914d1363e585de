#!/usr/bin/env bash
# The README's second command: install dependencies, build with ASan+UBSan and -Werror,
# and run every test. Run as root on Debian 12 so the privileged tests (namespaces,
# ptrace, cgroups, capture) run too; as root, a skipped privileged test is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
	bash scripts/install-deps.sh
else
	echo "test.sh: not root: skipping the package install; privileged tests will skip" >&2
fi

cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)"

log=build/dev/ctest.log
status=0
(cd build/dev && ctest --output-on-failure -j "$(nproc)" ${BOS_CTEST_ARGS:-}) 2>&1 |
	tee "$log" || status=$?

if [ "$(id -u)" -eq 0 ] && grep -E 'Test +#[0-9]+: priv/.*Skipped' "$log"; then
	echo "test.sh: privileged tests skipped although running as root: failing" >&2
	status=1
fi
exit "$status"
