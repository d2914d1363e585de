#!/usr/bin/env bash
# Benchmark of bos net (bench/README.md): one command that builds what it needs, generates
# the deterministic capture if missing, then runs on it, side by side:
#   floor   bench/net/pcap_floor: bare libpcap pcap_next_ex loop (reads, decodes nothing)
#   iofloor the same loop also writing as many bytes as bos's logs: moving the bytes in and
#           out, nothing analysed (what any tool producing these logs pays at least)
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

# run NAME FILE CMD...: wall and CPU (user+sys) seconds, peak RSS (KiB) via /usr/bin/time.
# Rates use CPU seconds: on a shared machine wall time mostly measures the other load.
run() {
	local name=$1 file=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$DIR/$name.time" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err" ||
		{ echo "$name failed: $(tail -3 "$DIR/$name.err")" >&2; exit 1; }
	read -r wall usr sys rss <"$DIR/$name.time"
	local bytes pkts
	bytes=$(stat -L -c %s "$file")	# -L: the capture may be a symlink
	pkts=$("$DIR/pcap_floor" "$file" | cut -d' ' -f1)
	printf '%s %s %s %s %s %s\n' "$name" "$bytes" "$pkts" "$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')" "$rss" "$wall" >>"$DIR/results.txt"
}
: >"$DIR/results.txt"
run floor "$big" "$DIR/pcap_floor" "$big"
# Fresh output files for every writer: truncating last run's logs would cost some of them more.
mkdir -p "$DIR/out-big" "$DIR/out-small"
rm -f "$DIR"/out-big/* "$DIR"/out-small/* "$DIR/iofloor.out-bytes"
run bos "$big" "$BOS" net -q -o "$DIR/out-big" "$big"
run bos_small "$small" "$BOS" net -q -o "$DIR/out-small" "$small"
out_bytes=$(cat "$DIR"/out-big/*.jsonl "$DIR/out-big/net_stats.json" | wc -c)
run iofloor "$big" "$DIR/pcap_floor" "$big" "$DIR/iofloor.out-bytes" "$out_bytes"
rm -f "$DIR/iofloor.out-bytes"
run tshark "$small" tshark -n -r "$small" -T fields -E separator=, \
	-e frame.number -e tcp.stream -e tcp.flags -e dns.flags.rcode -e dns.count.answers \
	-e http.response.code -e tls.handshake.extensions_server_name \
	-Y 'tcp.flags.syn==1 || tcp.flags.reset==1 || dns.flags.response==1 || http.response || tls.handshake.type==1'

awk '
{ name[NR] = $1; mb[$1] = $2 / 1048576; pk[$1] = $3; s[$1] = ($4 > 0 ? $4 : 0.001); rss[$1] = $5 / 1024; w[$1] = $6 }
END {
	printf "%-10s %8s %10s %8s %8s %10s %12s %8s\n", "tool", "file MB", "packets", "cpu s", "wall s", "MB/s", "packets/s", "RSS MB"
	for (i = 1; i <= NR; i++) { n = name[i]
		printf "%-10s %8.0f %10d %8.2f %8.2f %10.1f %12.0f %8.1f\n", n, mb[n], pk[n], s[n], w[n], mb[n] / s[n], pk[n] / s[n], rss[n] }
	printf "(MB/s and packets/s per CPU second, user+sys)\n"
	printf "\nbos / tshark throughput: %.1fx   (target >= 30x)\n", (mb["bos"] / s["bos"]) / (mb["tshark"] / s["tshark"])
	printf "bos / floor throughput:  %.0f%%   (target >= 60%%)\n", 100 * (mb["bos"] / s["bos"]) / (mb["floor"] / s["floor"])
	printf "iofloor / floor:         %.0f%%   (the floor also writing %.0f MB, the size of bos'"'"'s logs: a ceiling for bos / floor)\n", 100 * (mb["iofloor"] / s["iofloor"]) / (mb["floor"] / s["floor"]), out_mb
	printf "bos / iofloor:           %.0f%%\n", 100 * (mb["bos"] / s["bos"]) / (mb["iofloor"] / s["iofloor"])
	printf "bos peak RSS: %.1f MB on %.0f MB, %.1f MB on %.0f MB (should not grow with the file)\n", rss["bos"], mb["bos"], rss["bos_small"], mb["bos_small"]
}' out_mb="$(awk -v b="$out_bytes" 'BEGIN { print b / 1048576 }')" "$DIR/results.txt" | tee "$DIR/report.txt"
