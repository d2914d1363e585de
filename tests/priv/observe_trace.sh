#!/bin/bash
# bos observe with each tracer backend: ptrace run by the victim's init, eBPF run by bos in
# the host filtering on the sample's cgroup. process.jsonl records the sample (as the victim user), its children, its connects to the dropped and refused
# addresses and its file changes, joined to the capture by Community ID; events.jsonl has
# the tracer's summary. Both backends' connect events join the capture by Community ID.
. "$BOS_SRC/tests/lib/common.sh"
. "$BOS_SRC/tests/data/samples/lab_common.sh"
need_lab_tools

check_tracer() {
	TRACER=$1
	export TRACER
	C=$TMP/case-$TRACER
	$BOS observe --tracer "$TRACER" --duration 20s --profile "$SAMPLES/observe-net.yaml" -o "$C" \
		"$SAMPLES/observe-net.sh" >"$TMP/out" 2>"$TMP/err" || {
		if [ "$TRACER" = ebpf ] && grep -q "tracer ebpf:" "$TMP/err"; then
			echo "note: eBPF backend unavailable here: $(cat "$TMP/err")"
			return 0
		fi
		fail "observe ($TRACER) failed: $(cat "$TMP/err")"
	}
	$BOS verify "$C" >/dev/null 2>&1 || fail "bos verify failed"
	grep -q '"complete": true' "$C/manifest.json" || fail "case not complete"
	P=$C/process.jsonl
	[ -s "$P" ] || fail "no process.jsonl"
	$PY - "$P" "$C/events.jsonl" <<-'PYEOF' || fail "process.jsonl checks failed ($TRACER)"
	import json, os, sys
	evs = [json.loads(l) for l in open(sys.argv[1])]
	def find(pred):
	    return [e for e in evs if pred(e)]
	execs = find(lambda e: e["event"] == "process.exec" and e.get("Image") == "/home/akiyama/Downloads/observe-net.sh")
	assert execs, "no exec of the sample"
	assert execs[0]["uid"] == 1042, "sample not run as the victim user: %r" % execs[0]["uid"]
	assert execs[0].get("CurrentDirectory") == "/home/akiyama", execs[0]
	curls = find(lambda e: e["event"] == "process.exec" and e.get("Image", "").endswith("/curl"))
	assert len(curls) >= 5, "expected >= 5 curl execs, got %d" % len(curls)
	for ip in ("203.0.113.30", "203.0.113.40", "203.0.113.20"):
	    c = find(lambda e: e["event"] == "net.connect" and e.get("DestinationIp") == ip and e.get("DestinationPort") == 80)
	    assert c, "no connect to %s:80" % ip
	    assert c[0].get("SourceIp") == "10.66.0.10", c[0]
	    assert c[0].get("CommunityId", "").startswith("1:"), c[0]
	dels = find(lambda e: e["event"] == "file.delete" and e.get("TargetFilename", "").endswith("meeting_notes_1120.txt"))
	assert dels, "no delete of the decoy document"
	envs = [json.loads(l) for l in open(sys.argv[2])]
	summ = [e for e in envs if e["kind"] == "tracer_summary"]
	if os.environ["TRACER"] == "ebpf":
	    # eBPF runs in the host: its pids are host pids, the same as sample_started's
	    st = [e for e in envs if e["kind"] == "sample_started"]
	    assert st and st[0].get("pid") == execs[0]["pid"], (st, execs[0]["pid"])
	assert summ and summ[0]["backend"] == os.environ.get("TRACER", "ptrace") and summ[0]["processes"] >= 6, summ
	PYEOF
	assert_no_leftovers "$(run_id "$C")"
	# Every TCP connect the tracer saw (blocking or not, answered, dropped or refused) is a
	# SYN in the capture with the same Community ID, as Wireshark computes it (independent
	# of bos's code); so is every DNS connect's query. The refused one to 203.0.113.40 is
	# refused before a non-blocking connect returns, its port already released then.
	tshark -n -r "$C/traffic.pcap" --enable-protocol communityid \
		-Y '(tcp.flags.syn==1 && tcp.flags.ack==0) || udp.dstport==53' -T fields \
		-e communityid -e ip.src -e tcp.srcport -e udp.srcport -e ip.dst -e tcp.dstport \
		-e udp.dstport >"$TMP/flows-$TRACER" 2>/dev/null || fail "tshark failed"
	$PY - "$P" "$TMP/flows-$TRACER" <<-'PYEOF' || fail "connects do not join the capture ($TRACER)"
	import json, sys
	evs = [json.loads(l) for l in open(sys.argv[1])]
	flows = {}
	for line in open(sys.argv[2]):
	    f = line.rstrip("\n").split("\t")
	    if len(f) == 7 and f[0]:
	        flows[f[0]] = (f[1], int(f[2] or f[3]), f[4], int(f[5] or f[6]))
	conns = [e for e in evs if e["event"] == "net.connect" and e.get("family") == "inet" and
	         e.get("Protocol") in ("tcp", "udp") and
	         (e["Protocol"] == "tcp" or e.get("DestinationPort") == 53)]
	tcp = [e for e in conns if e["Protocol"] == "tcp"]
	assert len(tcp) >= 6, "expected >= 6 TCP connects, got %d" % len(tcp)
	for e in conns:
	    want = (e.get("SourceIp"), e.get("SourcePort"), e["DestinationIp"], e["DestinationPort"])
	    got = flows.get(e.get("CommunityId"))
	    assert got == want, "id %d (%s, %s): CommunityId %s is %r in the capture, event %r" % (
	        e["id"], e["Protocol"], e["result"], e.get("CommunityId"), got, want)
	ref = [e for e in tcp if e["DestinationIp"] == "203.0.113.40"]
	assert ref and ref[0]["SourcePort"] != 0, ref
	PYEOF
}

check_tracer ptrace
check_tracer ebpf
pass
