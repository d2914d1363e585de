#!/bin/bash
# Capture rotation: with --rotate 128K, the victim link's capture is split into
# traffic.pcap, traffic-0001.pcap, ... each within the size, and together they hold every
# packet the sample sent (none lost at the file boundaries); every file is in the manifest.
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools

C=$TMP/case
N=400
$BOS observe --tracer none --no-services --rotate 128K --duration 20s -o "$C" \
	"$SAMPLES/udpflood.sh" -- $N >"$TMP/out" 2>"$TMP/err" || fail "observe failed: $(cat "$TMP/err")"
$BOS verify "$C" >/dev/null 2>&1 || fail "bos verify failed"
grep -q "udpflood: sent $N" "$C/sample-output.log" || fail "sample: $(cat "$C/sample-output.log")"
files=$(ls "$C"/traffic.pcap "$C"/traffic-*.pcap 2>/dev/null)
nfiles=$(echo "$files" | wc -l)
[ "$nfiles" -ge 4 ] || fail "expected >= 4 capture files for ~500 KB, got $nfiles: $files"
total=0
for f in $files; do
	sz=$(stat -c %s "$f")
	[ "$sz" -le $((128 << 10)) ] || fail "$f is $sz bytes, over 128K"
	grep -q "\"path\": \"$(basename "$f")\"" "$C/manifest.json" || fail "$f not in the manifest"
	n=$(tcount "$f" 'ip.dst==203.0.113.99 && udp.dstport==9999')
	total=$((total + n))
done
[ "$total" -eq $N ] || fail "captured $total of $N datagrams across $nfiles files"
grep -q "\"kind\":\"capture_stats\",\"capture\":\"traffic\",.*\"files\":$nfiles," "$C/events.jsonl" ||
	fail "capture_stats does not count $nfiles files"
assert_no_leftovers "$(run_id "$C")"
pass
