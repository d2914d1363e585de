#!/bin/bash
# Lab set-up and teardown times (issue #4): N observations of a sample that exits at once,
# with and without the corporate services (dnsmasq + Squid), read back from each case's
# events.jsonl (lab_up: network_ms = namespaces+links+cgroups, services_ms = wait until
# dnsmasq/Squid/decoys listen, inet_ms = inet servers (nft rules + DNS) up, counted from
# their start in parallel with the services, lab_ms = whole bos_lab_up; teardown: ms).
# Usage: bench/lab/run.sh [N]   (BOS=path/to/bos, default build/release/bos, built if needed)
# Needs root. Prints min / median / max in milliseconds.
set -euo pipefail
N=${1:-10}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BOS=${BOS:-}
if [ -z "$BOS" ]; then	# the release build: a sanitizer build would measure ASan
	(cd "$SRC" && cmake --preset release >/dev/null && cmake --build --preset release -j "$(nproc)" >/dev/null)
	BOS=$SRC/build/release/bos
fi
[ -n "$BOS" ] || { echo "run.sh: set BOS=path/to/bos" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root" >&2; exit 1; }
W=$(mktemp -d /tmp/bos-bench-lab-XXXXXX)
trap 'rm -rf "$W"' EXIT
printf '#!/bin/sh\nexit 0\n' >"$W/true.sh"
chmod +x "$W/true.sh"

stats() {	# stats < numbers: min median max
	sort -n | awk '{a[NR]=$1} END {printf "min %4d  median %4d  max %4d", a[1], a[int((NR+1)/2)], a[NR]}'
}
field() {	# field KIND KEY: values of KEY in events of KIND over all cases
	for c in "$W"/c-*; do
		grep "\"kind\":\"$1\"" "$c/events.jsonl" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
	done
}

echo "bos: $BOS ($("$BOS" --version)), $N runs each, $(nproc) CPUs"
for mode in no-services services; do
	rm -rf "$W"/c-*
	opt=()
	[ "$mode" = no-services ] && opt=(--no-services)
	for i in $(seq "$N"); do
		s=$(date +%s%N)
		"$BOS" observe --tracer none "${opt[@]}" --duration 10s -o "$W/c-$i" "$W/true.sh" \
			>/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }
		echo $((($(date +%s%N) - s) / 1000000)) >>"$W/wall-$mode"
	done
	echo "== $mode"
	echo "  network (netns, veths, cgroups) ms: $(field lab_up network_ms | stats)"
	echo "  services listening ms:              $(field lab_up services_ms | stats)"
	echo "  inet servers listening ms:          $(field lab_up inet_ms | stats)"
	echo "  lab up total ms:                    $(field lab_up lab_ms | stats)"
	echo "  teardown ms:                        $(field teardown ms | stats)"
	echo "  whole observe run (wall) ms:        $(stats <"$W/wall-$mode")"
done
