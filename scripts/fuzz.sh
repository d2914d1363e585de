#!/usr/bin/env bash
# Build the libFuzzer harnesses (preset "fuzz") and run each for SECONDS (default 60),
# growing fuzz/corpus/<target>. Crashes land in fuzz/crashes/; turn each into a
# fuzz/regress/<target>/ file and a unit test.  usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
	for f in fuzz/fuzz_*.c; do t=$(basename "$f" .c); targets+=("${t#fuzz_}"); done
fi
mkdir -p fuzz/crashes
for t in "${targets[@]}"; do
	mkdir -p "fuzz/corpus/$t"
	dict=()
	[ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
	echo "== fuzz_$t for ${secs}s"
	"build/fuzz/fuzz/fuzz_$t" -max_total_time="$secs" -artifact_prefix="fuzz/crashes/$t-" \
		-print_final_stats=1 "${dict[@]}" "fuzz/corpus/$t" 2>&1 | tail -12
done
