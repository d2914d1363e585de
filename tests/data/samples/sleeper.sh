#!/bin/sh
# Test sample: sleeps far longer than any observation; the run must end at the duration
# and kill it.
echo "sleeper: start"
exec sleep "${1:-3600}"
