#!/bin/bash
# Harmless-by-containment test sample: a classic fork bomb. The lab's pids limit must hold
# it and the end-of-run kill must remove every copy.
echo "forkbomb: start"
bomb() { bomb | bomb & }
bomb
sleep 3600
