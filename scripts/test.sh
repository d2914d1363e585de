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

# A short libFuzzer run of every harness (clang, coverage-guided, ASan+UBSan), before the
# CTest run so CTest's summary stays the last line. New inputs go to a scratch copy of each
# corpus; a crash fails the run and leaves its input in build/fuzz/crashes/.
fuzz_secs=${BOS_FUZZ_SECONDS:-10}
if [ "$fuzz_secs" -gt 0 ]; then
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j "$(nproc)"
	mkdir -p build/fuzz/crashes
	for bin in build/fuzz/fuzz/fuzz_*; do
		t=${bin##*/fuzz_}
		scratch=$(mktemp -d)
		seeds=()
		[ -d "fuzz/corpus/$t" ] && seeds+=("fuzz/corpus/$t")
		[ -d "fuzz/regress/$t" ] && seeds+=("fuzz/regress/$t")
		if "$bin" -max_total_time="$fuzz_secs" -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$t-" \
			"$scratch" "${seeds[@]}" >"build/fuzz/$t.log" 2>&1; then
			echo "fuzz $t: ${fuzz_secs}s, $(grep -o 'stat::number_of_executed_units: [0-9]*' \
				"build/fuzz/$t.log" | grep -o '[0-9]*$' || echo '?') runs, no crash"
		else
			echo "fuzz $t: CRASH or error, see build/fuzz/$t.log" >&2
			tail -30 "build/fuzz/$t.log" >&2
			rm -rf "$scratch"
			exit 1
		fi
		rm -rf "$scratch"
	done
fi

log=build/dev/ctest.log
status=0
(cd build/dev && ctest --output-on-failure -j "$(nproc)" ${BOS_CTEST_ARGS:-}) 2>&1 |
	tee "$log" || status=$?

if [ "$(id -u)" -eq 0 ] && grep -E 'Test +#[0-9]+: priv/.*Skipped' "$log"; then
	echo "test.sh: privileged tests skipped although running as root: failing" >&2
	status=1
fi
exit "$status"
