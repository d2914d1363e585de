#!/usr/bin/env bash
# Golden conn.jsonl for a handful of small corpus captures in --deterministic mode
# (tests/data/net/golden/<capture>.conn.jsonl, each reviewed by hand against tshark's view
# of the same packets), and byte-identical output of every log across two runs.
# Regenerate after an intended change: BOS_UPDATE_GOLDEN=1 ctest -R net_golden, then
# review the diff before committing.
. "$(dirname "$0")/../lib/common.sh"
P=$BOS_SHARED/corpus/pcap
G=$BOS_SRC/tests/data/net/golden
[ -d "$P" ] || skip "corpus not present"

for f in http/zeek_http_get_200.pcap tcp/cs_syn_rst_refused.pcapng tcp/zeek_single_syn.pcap \
	dns/cs_dns_nxdomain.pcapng mixed/zeek_linux_sll2.pcap mixed/ark_bigendian_byteorder.pcap \
	c2/sv_tls_malicious_c2_hello.pcap mixed/td_tcp_handshake_nanosec.pcap \
	tcp/zeek_syn_then_client_rst.pcap mixed/zeek_pcapng_multi_if.pcapng; do
	b=$(basename "$f")
	mkdir -p "$TMP/$b"
	"$BOS" net -q --deterministic -o "$TMP/$b" "$P/$f" || fail "$b: exit $?"
	if [ -n "${BOS_UPDATE_GOLDEN:-}" ]; then
		cp "$TMP/$b/conn.jsonl" "$G/$b.conn.jsonl"
		continue
	fi
	diff -u "$G/$b.conn.jsonl" "$TMP/$b/conn.jsonl" || fail "$b: conn.jsonl differs from golden"
done

# Determinism: every file byte-identical over two runs of a mixed capture.
for run in 1 2; do
	mkdir -p "$TMP/det$run"
	"$BOS" net -q --deterministic -o "$TMP/det$run" "$P/mixed/sv_mixed_tls_http_dns.pcap" ||
		fail "determinism run $run: exit $?"
done
for f in conn.jsonl dns.jsonl http.jsonl tls.jsonl net_stats.json; do
	cmp -s "$TMP/det1/$f" "$TMP/det2/$f" || fail "$f differs between two --deterministic runs"
done
[ -s "$TMP/det1/conn.jsonl" ] || fail "empty conn.jsonl"
# Without --deterministic uids are random: two runs differ.
mkdir -p "$TMP/rnd"
"$BOS" net -q -o "$TMP/rnd" "$P/mixed/sv_mixed_tls_http_dns.pcap"
cmp -s "$TMP/det1/conn.jsonl" "$TMP/rnd/conn.jsonl" && fail "uids are not random by default"
pass
