#!/usr/bin/python3
"""Check a process.jsonl written by `bos trace` against what a tracee program is known to do.

usage: check.py SCENARIO FILE.jsonl [ARGS...]

Every file is first checked for the schema's invariants (docs/process-events.md): one JSON
object per line, ids 1..N in order, time never going back, ts == ts_ns, the common fields,
process keys, parent keys that name a process seen before, a final trace.summary without
loss. Then the scenario (a tracee in tests/trace/progs/) is checked: the events it must
produce, in order, with their fields. Community IDs are recomputed here from the addresses
(independent of bos's C code, after the spec's reference implementation).
"""
import base64
import datetime
import hashlib
import ipaddress
import json
import struct
import sys

# TRACE_BACKEND=ebpf: what the eBPF backend does not give (docs/process-events.md, Backends):
# no byte counts, no recvfrom, /proc facts best effort, and it is invisible to the sample.
EBPF = __import__("os").environ.get("TRACE_BACKEND") == "ebpf"

COMMON = ("id", "ts", "ts_ns", "event", "pid", "tid", "key", "ppid", "parent_key", "uid", "euid")


def die(msg):
    print("check.py: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def text(v):
    """A string field: plain, or {"b64": ...} for bytes that are not UTF-8."""
    if isinstance(v, dict):
        return base64.b64decode(v["b64"])
    return v.encode() if isinstance(v, str) else v


def community_id(proto, saddr, sport, daddr, dport):
    a, b = ipaddress.ip_address(saddr).packed, ipaddress.ip_address(daddr).packed
    if (a, sport) > (b, dport):
        a, b, sport, dport = b, a, dport, sport
    h = hashlib.sha1(struct.pack("!H", 0) + a + b + struct.pack("!BB", proto, 0) +
                     struct.pack("!HH", sport, dport))
    return "1:" + base64.b64encode(h.digest()).decode()


def load(path):
    evs = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            try:
                evs.append(json.loads(line))
            except ValueError as e:
                die("%s:%d: not JSON (%s): %r" % (path, n, e, line[:200]))
    return evs


def check_schema(evs):
    if not evs:
        die("no events")
    keys = {}
    last_ns = 0
    for i, e in enumerate(evs, 1):
        if e.get("id") != i:
            die("event %d has id %r" % (i, e.get("id")))
        ts = datetime.datetime.strptime(e["ts"][:19], "%Y-%m-%dT%H:%M:%S")
        ts = ts.replace(tzinfo=datetime.timezone.utc)
        if int(ts.timestamp()) != e["ts_ns"] // 10**9 or \
                e["ts"][20:29] != "%09d" % (e["ts_ns"] % 10**9) or not e["ts"].endswith("Z"):
            die("id %d: ts %s != ts_ns %d" % (i, e["ts"], e["ts_ns"]))
        if e["ts_ns"] < last_ns:
            die("id %d: time goes back" % i)
        last_ns = e["ts_ns"]
        if e["event"] == "trace.summary":
            continue
        for k in COMMON:
            if k not in e:
                die("id %d (%s): missing %s" % (i, e["event"], k))
        if not e["key"].startswith("%d." % e["pid"]):
            die("id %d: key %s does not start with pid %d" % (i, e["key"], e["pid"]))
        keys.setdefault(e["key"], e)
        if e["parent_key"] is not None and e["parent_key"] not in keys:
            die("id %d: parent_key %s never seen" % (i, e["parent_key"]))
        if e["event"] == "process.fork":
            keys.setdefault(e["child_key"], e)
        if "CommunityId" in e and "SourceIp" in e and "DestinationIp" in e:
            proto = {"tcp": 6, "udp": 17}[e["Protocol"]]
            want = community_id(proto, e["SourceIp"], e["SourcePort"], e["DestinationIp"],
                                e["DestinationPort"])
            if want != e["CommunityId"]:
                die("id %d: CommunityId %s, recomputed %s" % (i, e["CommunityId"], want))
    s = evs[-1]
    if s["event"] != "trace.summary":
        die("last event is %s, not trace.summary" % s["event"])
    if s["events"] != len(evs) - 1:
        die("summary counts %d events, file has %d" % (s["events"], len(evs) - 1))
    for k in ("lost", "read_errors"):
        if s[k]:
            die("summary reports %s=%d" % (k, s[k]))
    return s


def match(e, want):
    for k, v in want.items():
        if callable(v):
            if not v(e.get(k)):
                return False
        elif e.get(k) != v:
            return False
    return True


def expect_seq(evs, wants, what):
    """Each want (dict of field -> value or predicate) must match an event, in this order."""
    found, i = [], 0
    for w in wants:
        while i < len(evs) and not match(evs[i], w):
            i += 1
        if i == len(evs):
            die("%s: no event %r after %r" % (what, w, found[-1]["id"] if found else None))
        found.append(evs[i])
        i += 1
    return found


def count(evs, **want):
    return sum(1 for e in evs if match(e, want))


def endswith(s):
    return lambda v: v is not None and text(v).endswith(s.encode() if isinstance(s, str) else s)


def scen_files(evs, args):
    d = args[0]
    abi = args[1] if len(args) > 1 else None
    ev = [e for e in evs if e["event"].startswith("file.") and
          text(e.get("TargetFilename", e.get("SourceFilename", ""))).find(b"/lib") < 0]
    io = (lambda w, r: {}) if EBPF else (lambda w, r: {"bytes_written": w, "bytes_read": r})
    closed = (lambda v: v in ("a.txt", d + "/a.txt")) if EBPF else d + "/a.txt"
    got = expect_seq(ev, [
        dict({"event": "file.open", "TargetFilename": "a.txt", "result": "ok",
              "flags": "O_WRONLY|O_CREAT|O_TRUNC", "mode": "0644"},
             **({} if EBPF else {"ResolvedPath": d + "/a.txt"})),
        dict({"event": "file.close", "TargetFilename": closed, "reason": "close"}, **io(5, 0)),
        {"event": "file.open", "TargetFilename": "a.txt", "flags": "O_RDONLY", "result": "ok"},
        dict({"event": "file.close", "TargetFilename": closed}, **io(0, 5)),
        {"event": "file.rename", "SourceFilename": "a.txt", "TargetFilename": "b.txt",
         "result": "ok"},
        {"event": "file.mkdir", "TargetFilename": "d", "mode": "0755", "result": "ok"},
        {"event": "file.chmod", "TargetFilename": "b.txt", "mode": "0600", "result": "ok"},
        {"event": "file.truncate", "TargetFilename": "b.txt", "length": 2, "result": "ok"},
        {"event": "file.delete", "TargetFilename": "b.txt", "result": "ok"},
        {"event": "file.delete", "TargetFilename": "d", "directory": True, "result": "ok"},
        {"event": "file.delete", "TargetFilename": "missing", "result": "ENOENT", "errno": 2},
        {"event": "file.open", "TargetFilename": {"b64": "//4uYmlu"}, "result": "ok"},
        {"event": "file.delete", "TargetFilename": {"b64": "//4uYmlu"}, "result": "ok"},
    ], "files")
    if got[1]["open_id"] != got[0]["id"]:
        die("files: close names open_id %d, open was %d" % (got[1]["open_id"], got[0]["id"]))
    if text(got[11]["TargetFilename"]) != b"\xff\xfe.bin":
        die("files: non-UTF-8 name not preserved")
    for e in got:
        if "syscall" in e and e.get("abi") != abi:
            die("files: id %d abi %r, expected %r" % (e["id"], e.get("abi"), abi))
    pids = {e["pid"] for e in got}
    if len(pids) != 1:
        die("files: events from several pids %r" % pids)
    expect_seq(evs, [{"event": "process.exit", "pid": pids.pop(), "exit_code": 0}], "files")


def scen_procs(evs, args):
    d = args[0]
    main = evs[0]
    if main["event"] != "process.exec" or main["result"] != "ok":
        die("procs: first event is not the exec of the tracee")
    f1, = [e for e in evs if e["event"] == "process.fork" and e["pid"] == main["pid"]][:1]
    child = f1["ChildProcessId"]
    f2, = [e for e in evs if e["event"] == "process.fork" and e["pid"] == child][:1]
    grand = f2["ChildProcessId"]
    expect_seq(evs, [
        {"event": "process.fork", "pid": main["pid"], "ChildProcessId": child},
        {"event": "process.fork", "pid": child, "ChildProcessId": grand,
         "parent_key": main["key"]},
        {"event": "process.exec", "pid": grand, "Image": "/bin/true", "argv": ["true", "x y"],
         "CommandLine": "true x y", "result": "ok", "parent_key": f1["child_key"],
         "key": f2["child_key"]},
        {"event": "process.exit", "pid": grand, "exit_code": 0},
        {"event": "process.exit", "pid": child, "exit_code": 3},
        {"event": "thread.create", "pid": main["pid"]},
        {"event": "file.open", "pid": main["pid"], "tid": lambda t: t != main["pid"],
         "TargetFilename": d + "/thread-file", "result": "ok"},
        {"event": "process.kill", "pid": main["pid"], "TargetProcessId": main["pid"],
         "signal": 0, "result": "ok"},
        {"event": "process.exit", "pid": main["pid"], "exit_code": 0},
    ], "procs")
    th = [e for e in evs if e["event"] == "thread.create"][0]["ChildThreadId"]
    if not count(evs, event="file.open", tid=th):
        die("procs: the thread's open is not attributed to its tid %d" % th)
    # pthread_join may return before the tracer reaps the thread: its exit is only
    # ordered after its own events and before the process exit.
    expect_seq(evs, [{"event": "file.open", "tid": th},
                     {"event": "thread.exit", "pid": main["pid"], "tid": th},
                     {"event": "process.exit", "pid": main["pid"]}], "procs thread")
    # Nothing of a child comes before its fork event.
    first = {}
    for e in evs:
        first.setdefault(e.get("pid"), e["id"])
    if first[child] < f1["id"] or first[grand] < f2["id"]:
        die("procs: a child's event precedes its fork event")


def scen_threadexec(evs, args):
    main = evs[0]
    expect_seq(evs, [
        {"event": "thread.create", "pid": main["pid"]},
        {"event": "thread.create", "pid": main["pid"]},
        {"event": "process.exec", "pid": main["pid"], "tid": main["pid"], "Image": "/bin/true",
         "argv": ["true", "from-thread"], "result": "ok", "key": main["key"]},
        {"event": "process.exit", "pid": main["pid"], "exit_code": 0},
    ], "threadexec")


def scen_memfd(evs, args):
    expect_seq(evs, [
        {"event": "process.memfd_create", "name": "payload", "result": "ok"},
        {"event": "process.exec", "syscall": "execveat", "Fileless": True, "result": "ok",
         "argv": ["payload", "fileless"],
         "ExePath": lambda v: (EBPF and v is None) or
                              (v is not None and v.startswith("/memfd:payload"))},
        {"event": "process.exit", "exit_code": 0},
    ], "memfd")


def scen_script(evs, args):
    script = args[0]
    expect_seq(evs, [
        {"event": "process.exec", "Image": script, "Interpreter": "/bin/sh",
         "InterpreterArg": "-e", "result": "ok",
         "ExePath": lambda v: (EBPF and v is None) or
                              v in ("/usr/bin/dash", "/bin/dash", "/usr/bin/bash", "/bin/sh")},
        {"event": "process.exit", "exit_code": 7},
    ], "script")


def scen_execfail(evs, args):
    expect_seq(evs, [
        {"event": "process.exec", "result": "ENOENT", "errno": 2, "Image": args[0]},
    ], "execfail")


def scen_antidebug(evs, args):
    marker, out = args[0], open(args[1]).read()
    if EBPF:
        # Invisible: no tracer in /proc, and PTRACE_TRACEME works as with no debugger.
        if "tracerpid=0\n" not in out or "traceme=0\n" not in out:
            die("antidebug: eBPF visible to the sample: %r" % out)
    elif "traceme=1\n" not in out:     # EPERM: we are its tracer
        die("antidebug: ptrace(PTRACE_TRACEME) did not fail with EPERM: %r" % out)
    elif "tracerpid=0\n" in out:
        die("antidebug: TracerPid is 0 under ptrace")
    main = evs[0]
    fork, = [e for e in evs if e["event"] == "process.fork" and e["pid"] == main["pid"]]
    c = fork["ChildProcessId"]
    got = expect_seq(evs, [
        {"event": "process.ptrace", "request_name": "PTRACE_TRACEME",
         "result": "ok" if EBPF else "EPERM"},
        {"event": "process.fork", "pid": main["pid"]},
        {"event": "file.open", "pid": c, "TargetFilename": marker, "result": "ok"},
        {"event": "process.exit", "pid": c, "exit_code": 0},
    ], "antidebug")
    # The forked child's very first syscall is its open: traced from its first instruction.
    child_ev = [e for e in evs if e.get("pid") == c]
    if child_ev[0]["id"] != got[2]["id"]:
        die("antidebug: child's first event is %s" % child_ev[0]["event"])
    if len(args) > 2:
        if "killparent=1\n" not in out:
            die("antidebug: kill(getppid()) was not EPERM: %r" % out)
        expect_seq(evs, [{"event": "process.kill", "signal": 9, "result": "EPERM"}],
                   "antidebug")


def scen_traceme(evs, args):
    """progs/traceme.c under eBPF: PTRACE_TRACEME works (nothing holds the tracer slot), the
    parent it made its tracer lets it go, and it runs to its end: the stop handshake (mode
    "stop"), the exec of its second stage and that stage's file."""
    mode, out = args[0], open(args[1]).read()
    want_out = ["traceme=0", "stage2 ok"]
    if mode == "stop":
        want_out[1:1] = ["after-stop", "usr1=1"]
    if out.split("\n")[:len(want_out)] != want_out:
        die("traceme: output %r, expected the lines %r" % (out, want_out))
    wants = [{"event": "process.ptrace", "request_name": "PTRACE_TRACEME", "result": "ok"}]
    if mode == "stop":
        wants += [{"event": "process.kill", "signal": 19, "result": "ok"},
                  {"event": "process.kill", "signal": 10, "result": "ok"}]
    wants += [
        {"event": "process.exec", "result": "ok", "argv": lambda v: v and v[-1] == "stage2"},
        {"event": "file.open", "TargetFilename": endswith("traceme-stage2.txt"),
         "result": "ok"},
        {"event": "process.exit", "exit_code": 0},
    ]
    expect_seq(evs, wants, "traceme " + mode)


def scen_net(evs, args):
    out = open(args[0]).read().split()
    ports = dict(kv.split("=") for kv in out if "=" in kv)
    port, closed, udp = int(ports["port"]), int(ports["closed"]), int(ports["udp"])
    nbport = int(ports["nbport"])
    abi = args[1] if len(args) > 1 and args[1] != "-" else None
    drop = args[2:4] if len(args) > 3 else None
    lo = "127.0.0.1"
    wants = [
        {"event": "net.socket", "family": "inet", "Protocol": "tcp", "result": "ok"},
        {"event": "net.bind", "SourceIp": lo, "SourcePort": 0, "result": "ok"},
        dict({"event": "net.listen", "backlog": 4},
             **({} if EBPF else {"SourceIp": lo, "SourcePort": port})),
        {"event": "net.connect", "DestinationIp": lo, "DestinationPort": port,
         "result": "connected", "Initiated": True, "Protocol": "tcp", "SourceIp": lo},
        {"event": "net.accept", "SourceIp": lo, "SourcePort": port, "Initiated": False,
         "result": "ok"},
        dict({"event": "net.close"}, **({} if EBPF else {"bytes_read": 4, "bytes_written": 0})),
        dict({"event": "net.close"}, **({} if EBPF else {"bytes_read": 0, "bytes_written": 4})),
        {"event": "net.connect", "DestinationIp": lo, "DestinationPort": closed,
         "result": "refused", "errno": 111},
        # Non-blocking, refused before the syscall returned (its port already released):
        # the event still names the port the SYN left from, so it joins the capture.
        {"event": "net.connect", "DestinationIp": lo, "DestinationPort": closed,
         "result": lambda v: v in ("in_progress", "refused"), "SourceIp": lo,
         "SourcePort": nbport, "CommunityId": community_id(6, lo, nbport, lo, closed)},
        {"event": "net.sendto", "DestinationIp": lo, "DestinationPort": udp, "bytes": 4,
         "Protocol": "udp", "SourceIp": lo},
        {"event": "net.recvfrom", "SourceIp": lo, "SourcePort": udp, "bytes": 4,
         "Protocol": "udp"},
    ]
    if EBPF:
        # recvfrom is not traced; an unconnected UDP socket's source is the wildcard unless
        # the sender is still alive in our netns when the record is read.
        wants[9]["SourceIp"] = lambda v: v in (lo, "0.0.0.0")
        del wants[10]
    got = expect_seq(evs, wants, "net")
    conn, acc, s_close, c_close = got[3], got[4], got[5], got[6]
    if acc["DestinationPort"] != conn["SourcePort"]:
        die("net: accept peer port %d != connect local port %d" %
            (acc["DestinationPort"], conn["SourcePort"]))
    if not conn.get("CommunityId") or conn["CommunityId"] != acc["CommunityId"]:
        die("net: connect and accept Community IDs differ")
    if c_close.get("CommunityId") != conn["CommunityId"]:
        die("net: net.close of the client lacks the flow's Community ID")
    if not EBPF:
        snd, rcv = got[9], got[10]
        if snd["CommunityId"] != rcv["CommunityId"] or \
                snd["SourcePort"] != rcv["DestinationPort"]:
            die("net: UDP sendto/recvfrom do not name the same flow")
    for e in got:
        if "syscall" in e and e.get("abi") != abi:
            die("net: id %d abi %r, expected %r" % (e["id"], e.get("abi"), abi))
    if abi == "i386" and not conn.get("socketcall"):
        die("net: i386 connect through socketcall(2) not marked")
    if drop:
        expect_seq(evs, [{"event": "net.connect", "DestinationIp": drop[0],
                          "DestinationPort": int(drop[1]), "result": "timed_out",
                          "errno": 110}], "net drop")
    expect_seq(evs, [{"event": "process.exit", "exit_code": 0}], "net")


SCENARIOS = {
    "files": scen_files, "procs": scen_procs, "threadexec": scen_threadexec,
    "memfd": scen_memfd, "script": scen_script, "antidebug": scen_antidebug,
    "net": scen_net, "execfail": scen_execfail, "traceme": scen_traceme,
    "schema": lambda evs, args: None,
}


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in SCENARIOS:
        die("usage: check.py %s FILE [ARGS]" % "|".join(SCENARIOS))
    evs = load(sys.argv[2])
    check_schema(evs)
    SCENARIOS[sys.argv[1]](evs, sys.argv[3:])


if __name__ == "__main__":
    main()
