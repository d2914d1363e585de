#!/bin/bash
# Pcap-only grading of real third-party captures (../shared/corpus/pcap, README.md there).
# Each expected level below was decided by hand from the corpus README's description and a
# look with tshark, BEFORE bos graded the file; the reason says why. Network-only grading:
# every answer must also carry the "no process data" caveat.
. "$(dirname "$0")/../lib/common.sh"

CORPUS=$BOS_SHARED/corpus/pcap
[ -d "$CORPUS" ] || skip "corpus not found at $CORPUS"

# file | expected level | expected reason | why (the analyst's argument)
CASES=$(cat <<'EOF'
dns/cs_dns_nxdomain.pcapng|3|nxdomain|one query, one NXDOMAIN, nothing else
dns/sv_dns_nxdomain_soa.pcap|3|nxdomain|NXDOMAIN with SOA in authority, nothing else
dns/cs_dns_servfail.pcapng|3|servfail|one query answered SERVFAIL
dns/cs_dns_no_answer.pcapng|3|dns_no_answer|7 queries to 4.2.2.x never answered
dns/zeek_dns_zero_rrs.pcap|3|no_address|NOERROR with zero answers: the name gave no address
dns/cs_dns_lab_mixed.pcapng|3|-|names resolved or NXDOMAIN, but no host was ever contacted
tcp/zeek_single_syn.pcap|4|no_answer|one SYN to 192.150.187.43:80, nothing back
tcp/zeek_syn_then_client_rst.pcap|4|no_answer|SYN never answered; the RST is the client's own
tcp/cs_syn_rst_refused.pcapng|4|refused|SYN answered by RST/ACK only (LAN capture)
tcp/cs_syn_rst_refused2.pcapng|4|refused|SYN retries answered by RST only
tcp/cs_nmap_synscan.pcapng|2|no_c2_traffic|nmap SYN scan of one host: propagation/recon, no C2
tcp/zeek_web_refused_and_200.pcap|6|http_ok|a refused :12345 beside a working HTTP 200
tcp/cs_http_partial_syn_noreply.pcapng|6|http_ok|9 SYN-only to one address beside working HTTP
http/ark_http_403.pcap|5|http_refused|the only request answered 403
http/sv_http_403.pcap|5|http_refused|the only request answered 403
http/zeek_http_404.pcap|5|http_refused|the only request answered 404
http/zeek_http_404_x4.pcap|5|http_refused|four requests, all 404
http/ark_http_500_head.pcap|5|http_refused|HEAD answered 500: the server refused
http/zeek_http_get_200.pcap|6|http_ok|GET answered 200
http/zeek_http_403_400_405.pcap|6|http_ok|mostly 4xx, but five 200s: a session was established
http/zeek_http_via_proxy.pcap|6|http_ok|absolute-URI GET through a proxy answered 200
tls/zeek_tls_handshake_failure.pcap|5|tls_alert|server sent handshake_failure after ClientHello
tls/zeek_tls12.pcap|6|tls_data|complete TLS 1.2 session with data both ways
tls/zeek_tls_sni_google.pcap|6|tls_data|complete TLS session (SNI google.de)
tls/zeek_tls_expired_cert.pcap|6|tls_data|handshake completes; an expired certificate is no refusal
c2/strat_tls_beacon_2s.pcap|6|tls_data|299 complete TLS sessions to one address every ~2 s
c2/zeek_ctu_stealer_post_c2sock.pcap|6|http_ok|POST /c2sock answered 200 (first contact: no operation)
c2/zeek_merlin_c2_quic.pcapng|6|payload_both|Merlin over QUIC: UDP payload both ways, no TCP at all
c2/sv_tls_malicious_c2_hello.pcap|5|-|ClientHello, then the server closes without a byte
c2/cs_aurora_exploit_revshell.pcapng|6|-|HTTP 200 + reverse shell with data both ways; the commands inside it need process data (an analyst reading the stream would say 7)
mixed/zeek_browse_2011.pcap|6|http_ok|17 conditional GETs answered 304 (3xx): sessions established
mixed/zeek_pcapng_multi_if.pcapng|3|not_contacted|three lookups answered, no host ever contacted
tls/zeek_tls13_psk.pcap|6|tls_data|TLS 1.3 PSK resumption completes
malformed/td_empty_0pkts.pcap|1|no_evidence|no packets and no process data: 1 and 2 can not be told apart
mixed/zeek_wikipedia.pcap|6|-|ordinary browsing (304s); search-suffix NXDOMAIN noise must not matter
mixed/sv_mixed_tls_http_dns.pcap|6|-|ordinary mix of TLS, HTTP 200/301/404 and DNS
attacker_ops/otrf_covenant_http_c2_no_smb.pcapng|6|-|Covenant C2 polls (200); the SMB copy was cut out, only Kerberos ticket traffic remains (the capture starts mid-connection: the engine may give payload_both instead of http_ok)
attacker_ops/otrf_empire_samr_enumdomainusers_net.cap|7|operations|Empire C2 (200s), then LDAP/SMB to the DC right after a poll: SAMR enumeration
attacker_ops/otrf_empire_psremoting_stager_ws5.cap|7|operations|Empire C2 (200s), then WinRM to another workstation after a poll
EOF
)

n=0
bad=0
table=""
while IFS='|' read -r file want why_want why; do
	[ -n "$file" ] || continue
	n=$((n + 1))
	out="$TMP/$(basename "$file").json"
	if ! "$BOS" analyze --json -q "$CORPUS/$file" >"$out" 2>"$TMP/err"; then
		echo "  $file: bos analyze failed: $(head -c 300 "$TMP/err")" >&2
		bad=$((bad + 1))
		continue
	fi
	got=$($PY -c 'import json,sys; a=json.load(open(sys.argv[1])); print(a["level"], a["reason"], any(c.startswith("no process data") for c in a["caveats"]))' "$out")
	read -r glevel greason gcaveat <<<"$got"
	table+="$want $glevel $file"$'\n'
	if [ "$glevel" != "$want" ]; then
		echo "  $file: level $glevel ($greason), expected $want: $why" >&2
		bad=$((bad + 1))
	elif [ "$why_want" != "-" ] && [ "$greason" != "$why_want" ]; then
		echo "  $file: reason $greason, expected $why_want: $why" >&2
		bad=$((bad + 1))
	elif [ "$gcaveat" != "True" ]; then
		echo "  $file: no 'no process data' caveat" >&2
		bad=$((bad + 1))
	fi
done <<<"$CASES"

# Determinism: the same capture gives byte-identical analysis.json.
"$BOS" analyze --json -q "$CORPUS/c2/strat_tls_beacon_2s.pcap" >"$TMP/a1" 2>/dev/null
"$BOS" analyze --json -q "$CORPUS/c2/strat_tls_beacon_2s.pcap" >"$TMP/a2" 2>/dev/null
cmp -s "$TMP/a1" "$TMP/a2" || { echo "  analysis.json differs between two runs" >&2; bad=$((bad + 1)); }

# Confusion table (expected rows x graded columns), for the log.
echo "confusion (rows expected, columns graded, levels 1-8):"
printf '%s' "$table" | $PY -c '
import sys
m = [[0] * 9 for _ in range(9)]
for line in sys.stdin:
    w, g, _ = line.split(" ", 2)
    m[int(w)][int(g)] += 1
print("     " + " ".join("%3d" % c for c in range(1, 9)))
for r in range(1, 9):
    print("  %d: " % r + " ".join("%3d" % m[r][c] for c in range(1, 9)))
'
[ "$bad" -eq 0 ] || fail "$bad of $n corpus captures graded differently from the analyst"
pass
