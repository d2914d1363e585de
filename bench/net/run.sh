#!/usr/bin/env bash
# Benchmark of bos net (bench/README.md): one command that builds what it needs, generates
# the deterministic capture if missing, then runs on it, side by side:
#   floor   bench/net/pcap_floor: bare libpcap pcap_next_ex loop (reads, decodes nothing)
#   bos     bos net (release build): flows, Zeek state, reassembly, DNS/HTTP/TLS, 4 logs
#   tshark  tshark producing the comparable facts (TCP flags per stream, DNS rcode and
#           answer count, HTTP status, TLS SNI): every packet dissected, TCP reassembly on
# and prints MB/s, packets/s, peak RSS and the ratios.
#
# The release build is made without -Werror: a warning elsewhere must not stop a benchmark.
# Environment: BENCH_SIZE_MB (default 1024), BENCH_TSHARK_MB (default 128: tshark runs on
# the first 128 MB of the same stream, as a full 1 GB run takes many minutes on 2 shared
# cores; its rate does not improve with size, its memory grows; BENCH_TSHARK_MB=$BENCH_SIZE_MB
# for the full file), BENCH_DIR (default build/bench-net), BOS (a bos binary to use).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${BENCH_DIR:-$SRC/build/bench-net}
SIZE=${BENCH_SIZE_MB:-1024}
TSIZE=${BENCH_TSHARK_MB:-128}
mkdir -p "$DIR"

if [ -z "${BOS:-}" ]; then
	cmake -S "$SRC" -B "$DIR/build" -DCMAKE_BUILD_TYPE=Release -DBOS_WERROR=OFF >/dev/null
	cmake --build "$DIR/build" -j2 --target bos >/dev/null
	BOS=$DIR/build/bos
fi
cc -O2 -std=c11 -D_GNU_SOURCE -o "$DIR/gen_capture" "$SRC/bench/net/gen_capture.c"
cc -O2 -std=c11 -D_GNU_SOURCE -o "$DIR/pcap_floor" "$SRC/bench/net/pcap_floor.c" -lpcap

big=$DIR/bench-$SIZE.pcap
small=$DIR/bench-$TSIZE.pcap
# Same generator, same seed: the small file is a prefix of the big one's traffic.
[ -f "$big" ] || "$DIR/gen_capture" "$big" "$SIZE"
[ -f "$small" ] || "$DIR/gen_capture" "$small" "$TSIZE"
cat "$big" "$small" >/dev/null		# every tool reads from the page cache

# run NAME FILE CMD...: wall and CPU (user+sys) seconds, peak RSS (KiB) via /usr/bin/time,
# one line per run. Rates use CPU seconds: on a shared machine wall time mostly measures
# the other load.
declare -A pkts_of
run() {
	local name=$1 file=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$DIR/$name.time" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err" ||
		{ echo "$name failed: $(tail -3 "$DIR/$name.err")" >&2; exit 1; }
	read -r wall usr sys rss <"$DIR/$name.time"
	[ -n "${pkts_of[$file]:-}" ] || pkts_of[$file]=$("$DIR/pcap_floor" "$file" | cut -d' ' -f1)
	printf '%s %s %s %s %s %s\n' "$name" "$(stat -L -c %s "$file")" "${pkts_of[$file]}" \
		"$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')" "$rss" "$wall" >>"$DIR/results.txt"
}

# BENCH_RUNS rounds (default 3), each tool once per round, so a slow minute of the machine
# hits every tool alike; the report takes each tool's median.
: >"$DIR/results.txt"
mkdir -p "$DIR/out-big" "$DIR/out-small"
for round in $(seq "${BENCH_RUNS:-3}"); do
	echo "round $round of ${BENCH_RUNS:-3}" >&2
	run floor "$big" "$DIR/pcap_floor" "$big"
	# Fresh output files for every writer: truncating the last run's logs costs more.
	rm -f "$DIR"/out-big/* "$DIR"/out-small/*
	run bos "$big" "$BOS" net -q -o "$DIR/out-big" "$big"
	run bos_small "$small" "$BOS" net -q -o "$DIR/out-small" "$small"
	run tshark "$small" tshark -n -r "$small" -T fields -E separator=, \
		-e frame.number -e tcp.stream -e tcp.flags -e dns.flags.rcode -e dns.count.answers \
		-e http.response.code -e tls.handshake.extensions_server_name \
		-Y 'tcp.flags.syn==1 || tcp.flags.reset==1 || dns.flags.response==1 || http.response || tls.handshake.type==1'
done

awk '
function median(list,    v, n, i, j, t) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
	if (!($1 in mb)) order[++ntools] = $1
	mb[$1] = $2 / 1048576; pk[$1] = $3; cpus[$1] = cpus[$1] " " ($4 > 0 ? $4 : 0.001)
	walls[$1] = walls[$1] " " $6; if ($5 / 1024 > rss[$1]) rss[$1] = $5 / 1024; runs[$1]++
}
END {
	for (n in cpus) { s[n] = median(cpus[n]); w[n] = median(walls[n]) }
	printf "%-10s %8s %10s %8s %8s %10s %12s %8s\n", "tool", "file MB", "packets", "cpu s", "wall s", "MB/s", "packets/s", "RSS MB"
	for (i = 1; i <= ntools; i++) { n = order[i]
		printf "%-10s %8.0f %10d %8.2f %8.2f %10.1f %12.0f %8.1f\n", n, mb[n], pk[n], s[n], w[n], mb[n] / s[n], pk[n] / s[n], rss[n] }
	printf "(median of %d runs each; MB/s and packets/s per CPU second, user+sys; RSS: the largest)\n", runs["bos"]
	printf "\nbos / tshark throughput: %.1fx   (target >= 30x)\n", (mb["bos"] / s["bos"]) / (mb["tshark"] / s["tshark"])
	printf "bos / floor throughput:  %.0f%%   (target >= 60%%)\n", 100 * (mb["bos"] / s["bos"]) / (mb["floor"] / s["floor"])
	printf "bos peak RSS: %.1f MB on %.0f MB, %.1f MB on %.0f MB (should not grow with the file)\n", rss["bos"], mb["bos"], rss["bos_small"], mb["bos_small"]
}' "$DIR/results.txt" | tee "$DIR/report.txt"
