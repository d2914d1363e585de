#!/usr/bin/env bash
# Hostile captures ($BOS_SHARED/corpus/pcap/malformed): bos net never crashes (exit 0 or 1
# only, ASan/UBSan build in CI), names file, record and byte offset of the damage, and still
# writes everything before it. Offsets are recomputed here from the file independently.
. "$(dirname "$0")/../lib/common.sh"
M=$BOS_SHARED/corpus/pcap/malformed
[ -d "$M" ] || skip "corpus not present"

for f in "$M"/*; do
	b=$(basename "$f")
	mkdir -p "$TMP/$b"
	rc=0
	"$BOS" net -q -o "$TMP/$b" "$f" 2>"$TMP/$b.err" || rc=$?
	[ $rc -le 1 ] || fail "$b: exit $rc: $(head -c 600 "$TMP/$b.err")"
	if [ $rc -eq 1 ]; then
		grep -q "^bos: net: $f: " "$TMP/$b.err" || fail "$b: message does not name the file: $(cat "$TMP/$b.err")"
	fi
done

# pcap records: 24-byte header, then 16-byte record headers + caplen. Independent walk.
offset_of() {	# file record_number -> byte offset of that record
	$PY - "$1" "$2" <<'PYEOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
off, want = 24, int(sys.argv[2])
for _ in range(want - 1):
    off += 16 + struct.unpack(e + "I", d[off + 8:off + 12])[0]
print(off)
PYEOF
}

damaged() {	# file record: exit 1, message names record and offset, stats say damage
	local b=$1 rec=$2 off
	off=$(offset_of "$M/$b" "$rec")
	grep -q "^bos: net: $M/$b: record $rec at offset $off: " "$TMP/$b.err" ||
		fail "$b: expected 'record $rec at offset $off' in: $(cat "$TMP/$b.err")"
	grep -q '"damage"' "$TMP/$b/net_stats.json" || fail "$b: net_stats.json has no damage"
}
damaged sv_corrupt_record_after18.pcap 19
damaged sv_corrupt_record_after6.pcap 7
damaged sv_fuzz_huge_caplen.pcap 2

# Everything before the damage is analysed: tcpdump (libpcap) reads 18 and 6 frames.
for pair in sv_corrupt_record_after18.pcap:18 sv_corrupt_record_after6.pcap:6; do
	b=${pair%%:*}
	want=${pair##*:}
	got=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["frames"])' "$TMP/$b/net_stats.json")
	[ "$got" = "$want" ] || fail "$b: $got frames analysed, $want precede the damage"
	[ -s "$TMP/$b/conn.jsonl" ] || fail "$b: no connection written from the good frames"
done

# pcapng damage in the very first block and bad headers: clear messages.
grep -q "record 1 at offset 0: block total length in header and trailer differ" \
	"$TMP/lp_pcapng_shb_option_too_long.pcapng.err" || fail "pcapng trailer message"
grep -q "unsupported pcapng version 0.1" "$TMP/lp_pcapng_bad_shb_version.pcapng.err" ||
	fail "pcapng version message"
grep -q "unsupported pcap version 1.4" "$TMP/lp_pcap_bad_major_version.pcap.err" ||
	fail "pcap version message"

# Unknown link type: not damage, frames counted as skipped (libpcap reads 23 frames).
grep -q '"unsupported_linktype": 23' "$TMP/td_unknown_linktype_281.pcap/net_stats.json" ||
	fail "link type 281 frames not counted"

# A damaged capture does not stop the next one: both analysed, exit 1.
rc=0
"$BOS" net -q -o "$TMP/multi" "$M/sv_corrupt_record_after6.pcap" \
	"$BOS_SHARED/corpus/pcap/http/zeek_http_get_200.pcap" 2>"$TMP/multi.err" || rc=$?
[ $rc -eq 1 ] || fail "multi: exit $rc"
grep -q '"id.resp_h":"192.150.187.43"' "$TMP/multi/conn.jsonl" || fail "multi: 2nd capture lost"
grep -q 'record 7 at offset' "$TMP/multi.err" || fail "multi: no damage message"
pass
