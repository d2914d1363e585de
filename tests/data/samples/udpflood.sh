#!/bin/sh
# Test sample for tests/priv/observe_rotate.sh: sends COUNT UDP datagrams of 1200 bytes to a
# sinkholed internet address, enough to make the capture rotate into several files.
count=${1:-400}
/usr/bin/python3 - "$count" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"%06d" % i + b"x" * 1194, ("203.0.113.99", 9999))
    if i % 50 == 49:
        time.sleep(0.01)
print("udpflood: sent", sys.argv[1])
PY
