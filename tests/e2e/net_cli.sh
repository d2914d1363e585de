#!/usr/bin/env bash
# bos net command line: usage errors, default output directory, case directories,
# a missing capture creates no output.
. "$(dirname "$0")/../lib/common.sh"
P=$BOS_SHARED/corpus/pcap
[ -d "$P" ] || skip "corpus not present"

expect_exit 0 "$BOS" net --help
grep -q "usage: bos net" "$TMP/expect.out" || fail "--help: no usage"
expect_exit 0 "$BOS" help net
expect_exit 2 "$BOS" net
expect_exit 2 "$BOS" net --max-flows 0 x.pcap
expect_exit 2 "$BOS" net --no-such-option x.pcap

# A capture that does not exist: exit 1, message names it, nothing written anywhere.
mkdir -p "$TMP/empty"
expect_exit 1 "$BOS" net -o "$TMP/empty" "$TMP/nope.pcap"
grep -q "nope.pcap" "$TMP/expect.err" || fail "missing capture not named"
[ -z "$(ls "$TMP/empty")" ] || fail "output written for a missing capture"

# Default output: beside the capture.
cp "$P/http/zeek_http_get_200.pcap" "$TMP/x.pcap"
expect_exit 0 "$BOS" net -q "$TMP/x.pcap"
for f in conn.jsonl dns.jsonl http.jsonl tls.jsonl net_stats.json; do
	[ -f "$TMP/$f" ] || fail "default output: $f not beside the capture"
done

# A case directory: its traffic*.pcap files in name order, logs into the case.
mkdir -p "$TMP/case"
cp "$P/tcp/cs_syn_rst_refused.pcapng" "$TMP/case/traffic-0002.pcapng"
cp "$P/tcp/zeek_single_syn.pcap" "$TMP/case/traffic-0001.pcap"
cp "$P/dns/cs_dns_nxdomain.pcapng" "$TMP/case/other.pcapng"	# not traffic*: ignored
expect_exit 0 "$BOS" net -q "$TMP/case"
[ "$(wc -l <"$TMP/case/conn.jsonl")" -eq 2 ] || fail "case: expected 2 connections"
grep -q '"capture":"traffic-0001.pcap"' "$TMP/case/conn.jsonl" || fail "case: traffic-0001 not read"
grep -q '"capture":"traffic-0002.pcapng"' "$TMP/case/conn.jsonl" || fail "case: traffic-0002 not read"
grep -q '"udp"' "$TMP/case/conn.jsonl" && fail "case: a non-traffic file was read"
mkdir -p "$TMP/nocase"
expect_exit 2 "$BOS" net "$TMP/nocase"
pass
