#!/bin/sh
# Test sample: tries to fill the disk from the home directory and /tmp. The victim's
# size-limited tmpfs (and RLIMIT_FSIZE) must stop it; nothing reaches the host's disks.
dd if=/dev/zero of="$HOME/fill.bin" bs=1M count=1024 2>&1 | tail -n 1
echo "home-fill rc=$? size=$(stat -c %s "$HOME/fill.bin")"
rm -f "$HOME/fill.bin"
dd if=/dev/zero of=/tmp/fill.bin bs=1M count=1024 2>&1 | tail -n 1
echo "tmp-fill size=$(stat -c %s /tmp/fill.bin)"
echo "diskfill: done"
