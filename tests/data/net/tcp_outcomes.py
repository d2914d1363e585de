#!/usr/bin/env python3
"""Count TCP connection outcomes the same way from tshark and from a bos conn.jsonl.

usage: tcp_outcomes.py tshark CAPTURE      -> prints "established refused syn_only"
       tcp_outcomes.py bos CONN_JSONL       -> same, from bos's conn log

Definitions (those of the corpus README): a connection counts when its client sent a SYN
(without ACK). established: the server answered SYN-ACK; refused: no SYN-ACK, but a RST
from the server; syn_only: neither. tshark: one tcp.stream is one connection, the client
is the sender of the first pure SYN. bos: one conn.jsonl row; the history letters say it
(S = client SYN, h = server SYN-ACK, r = server RST).

One difference in counting is removed, not hidden: Zeek (and so bos) ends an unanswered
attempt 5 s after its first SYN (tcp_attempt_delay) and a refused one at the RST, so a
client retrying the same tuple gives several rows where tshark has one stream. bos rows of
the same tuple that follow a row without SYN-ACK are merged into one, as tshark does.
"""
import json
import subprocess
import sys


def from_tshark(path):
    out = subprocess.run(
        ["tshark", "-n", "-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=|",
         "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
         "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.flags.reset"],
        capture_output=True, text=True, check=False).stdout
    streams = {}
    for line in out.splitlines():
        f = line.split("|")
        if len(f) < 7 or not f[0]:
            continue
        sid, src, port = f[0], (f[1] or f[2]).split(",")[-1], f[3]
        syn, ack, rst = (x in ("1", "True") for x in f[4:7])
        s = streams.setdefault(sid, {"client": None, "synack": False, "rst": False})
        if s["client"] is None and syn and not ack:
            s["client"] = (src, port)
            continue
        if s["client"] is None or (src, port) == s["client"]:
            continue
        if syn and ack:
            s["synack"] = True
        if rst:
            s["rst"] = True
    return count(s for s in streams.values() if s["client"] is not None)


def count(items):
    est = ref = syn = 0
    for s in items:
        if s["synack"]:
            est += 1
        elif s["rst"]:
            ref += 1
        else:
            syn += 1
    return est, ref, syn


def from_bos(path):
    conns = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            conns.append(json.loads(line))
    conns.sort(key=lambda c: (c["ts"], c.get("first_pkt", 0)))
    rows, last = [], {}
    for c in conns:
        h = c.get("history", "").lstrip("^")
        if c.get("proto") != "tcp" or "S" not in h:
            continue
        key = (c["id.orig_h"], c["id.orig_p"], c["id.resp_h"], c["id.resp_p"])
        prev = last.get(key)
        if prev is not None and not prev["synack"]:
            prev["synack"] = "h" in h
            prev["rst"] = prev["rst"] or "r" in h
            continue
        last[key] = {"synack": "h" in h, "rst": "r" in h}
        rows.append(last[key])
    return count(rows)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("tshark", "bos"):
        print(__doc__, file=sys.stderr)
        return 2
    res = from_tshark(sys.argv[2]) if sys.argv[1] == "tshark" else from_bos(sys.argv[2])
    print(*res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
