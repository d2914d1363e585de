#!/usr/bin/env bash
# A case comes from elsewhere: FIFOs, devices and symlinks planted under the names of its
# logs must be skipped at once by analyze, the timeline and report, never waited on.
. "$BOS_SRC/tests/lib/common.sh"

case_dir=$TMP/case
mkdir "$case_dir"
# Real network logs (an HTTP 404 capture), then FIFOs and a symlink to /dev/zero for the rest.
"$BOS" net -q --deterministic -o "$case_dir" "$BOS_SHARED/corpus/pcap/http/zeek_http_404.pcap" ||
	fail "bos net failed"
rm -f "$case_dir/dns.jsonl"
for f in process.jsonl dns.jsonl events.jsonl proxy.log; do
	mkfifo "$case_dir/$f"
done
ln -s /dev/zero "$case_dir/tls.jsonl.tmp" && rm -f "$case_dir/tls.jsonl" &&
	mv "$case_dir/tls.jsonl.tmp" "$case_dir/tls.jsonl"

rc=0
timeout 60 "$BOS" analyze "$case_dir" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -ne 124 ] || fail "bos analyze blocked on a FIFO in the case"
[ "$rc" -eq 0 ] || fail "bos analyze exited $rc: $(head -c 400 "$TMP/err")"
[ -s "$case_dir/analysis.json" ] || fail "no analysis.json written"
grep -q 'not a regular file' "$TMP/out" "$TMP/err" ||
	fail "the planted FIFOs are not reported: $(head -c 400 "$TMP/out" "$TMP/err")"

rc=0
timeout 60 "$BOS" report "$case_dir" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -ne 124 ] || fail "bos report blocked on a FIFO in the case"
# report may refuse such a case, but with a message naming the file.
[ "$rc" -eq 0 ] || grep -q 'process.jsonl: not a regular file' "$TMP/err" ||
	fail "bos report exited $rc without naming the bad file: $(head -c 400 "$TMP/err")"
pass
