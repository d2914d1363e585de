#!/usr/bin/env bash
# Tracer overhead, side by side in one run: the workload (workload.c) natively, under each bos
# backend, and under strace with a seccomp filter on the same syscall set. Prints, as medians
# of RUNS runs, and as ratios against native:
#   - the whole command's wall and CPU time (user+sys of the tree, tracer included: the tool's
#     cost, with its start-up);
#   - the workload's own loop, measured inside workload.c: elapsed (CLOCK_MONOTONIC) and CPU
#     (its user+sys, which includes the BPF programs run in its syscalls). The elapsed ratio
#     is the "in-workload slowdown": what the traced sample itself sees.
#   usage: bench/trace/run.sh [BOS] [ITERATIONS] [RUNS]
#   BOS defaults to the release build (build/release/bos, built here if missing: a sanitizer
#   build would measure ASan, not the tracer); ITERATIONS 50000; RUNS 3. ONLY=ebpf runs only
#   native and the eBPF backend (quicker, when that is what is measured).
# Targets (issue 5): eBPF <= 1.10x native; ptrace faster than strace on the same events.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bos=${1:-}
if [ -z "$bos" ]; then
	(cd "$root" && cmake --preset release >/dev/null && cmake --build --preset release -j "$(nproc)" >/dev/null)
	bos=$root/build/release/bos
fi
[ -x "$bos" ] || { echo "run.sh: no bos binary (pass its path)" >&2; exit 2; }
iters=${2:-50000}
runs=${3:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bos-bench-trace-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cc -O2 -o "$tmp/workload" "$here/workload.c"
# The syscalls bos's seccomp filter stops on (src/trace/syscalls.c), for strace -e trace=.
set_list=execve,execveat,setuid,setgid,setreuid,setregid,setresuid,setresgid,setfsuid,setfsgid
set_list+=,ptrace,kill,tkill,tgkill,memfd_create,open,openat,openat2,creat,close,unlink,unlinkat
set_list+=,rmdir,rename,renameat,renameat2,mkdir,mkdirat,chmod,fchmod,fchmodat,chown,fchown
set_list+=,lchown,fchownat,truncate,ftruncate,dup,dup2,dup3,read,write,pread64,pwrite64,readv
set_list+=,writev,socket,connect,bind,listen,accept,accept4,sendto,recvfrom,sendmsg

# timed CMD...: prints "wall cpu wl_elapsed wl_cpu" (seconds; cpu = user+sys of CMD and all
# its descendants, tracer included, so a loaded machine can still be compared on CPU cost;
# wl_* from the workload's "in-workload:" line, 0 when the command has none).
timed() {
	/usr/bin/python3 - "$@" <<'PY'
import re, resource, subprocess, sys, time
t0 = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if r.returncode:
    sys.stderr.write(r.stderr.decode(errors="replace")[:300])
    sys.exit(1)
m = re.search(rb"in-workload: ([0-9.]+) s elapsed, ([0-9.]+) s cpu", r.stdout)
we, wc = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
print("%.3f %.3f %.3f %.3f" % (wall, ru.ru_utime + ru.ru_stime, we, wc))
PY
}
# median of the numbers given as arguments
median() {
	printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 }
		END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
results=()
# measure NAME CMD...: medians of $runs runs of the four figures of timed.
measure() {
	local name=$1 w c we wc ws=() cs=() wes=() wcs=()
	shift
	for _ in $(seq "$runs"); do
		read -r w c we wc < <(timed "$@" 2>"$tmp/err") ||
			{ echo "$name: failed: $(head -c 300 "$tmp/err")"; return 1; }
		[ -n "$w" ] || { echo "$name: failed: $(head -c 300 "$tmp/err")"; return 1; }
		ws+=("$w"); cs+=("$c"); wes+=("$we"); wcs+=("$wc")
	done
	results+=("$name=$(median "${ws[@]}") $(median "${cs[@]}") $(median "${wes[@]}")\
 $(median "${wcs[@]}")")
}

# Start-up cost (loading BPF, the first fork/exec) measured apart on /bin/true: it does not
# grow with the workload, the per-syscall overhead does.
for b in ptrace ebpf; do
	if "$bos" trace --tracer $b -o /dev/null -- /bin/true 2>/dev/null; then
		results=()
		measure start "$bos" trace --tracer $b -o /dev/null -- /bin/true
		read -r w c _ <<<"${results[0]#*=}"
		echo "start-up of bos trace --tracer $b on /bin/true:" \
			"${w}s wall, ${c}s cpu (median)"
	fi
done
results=()
calls=$("$tmp/workload" "$tmp" "$iters" | head -1)
echo "workload: $iters iterations, $calls ($runs runs each, medians)"
measure native "$tmp/workload" "$tmp" "$iters"
if [ "${ONLY:-}" != ebpf ]; then
	measure "bos ptrace" "$bos" trace --tracer ptrace -o /dev/null -- \
		"$tmp/workload" "$tmp" "$iters"
	measure "bos ptrace --no-io" "$bos" trace --tracer ptrace --no-io -o /dev/null -- \
		"$tmp/workload" "$tmp" "$iters"
fi
if "$bos" trace --tracer ebpf -o /dev/null -- /bin/true 2>"$tmp/ebpf.err"; then
	measure "bos ebpf" "$bos" trace --tracer ebpf -o /dev/null -- "$tmp/workload" "$tmp" "$iters"
else
	echo "bos ebpf: unavailable: $(sed 's/^bos: trace: //' "$tmp/ebpf.err" | head -1)"
fi
if [ "${ONLY:-}" != ebpf ] && command -v strace >/dev/null; then
	measure "strace --seccomp-bpf" strace -f --seccomp-bpf -e trace="$set_list" -o /dev/null \
		"$tmp/workload" "$tmp" "$iters"
	measure "strace --seccomp-bpf (no i/o)" strace -f --seccomp-bpf \
		-e trace="$(echo "$set_list" | sed 's/,read,write,pread64,pwrite64,readv,writev//')" \
		-o /dev/null "$tmp/workload" "$tmp" "$iters"
fi

read -r nw nc nwe nwc <<<"${results[0]#*=}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "whole command (tool's cost, start-up included) | in-workload loop (the sample's slowdown)"
printf '%-30s %7s %6s %7s %6s | %7s %6s %7s %6s\n' "run" "wall s" "x" "cpu s" "x" \
	"loop s" "x" "cpu s" "x"
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
for kv in "${results[@]}"; do
	name=${kv%=*}
	read -r w c we wc <<<"${kv#*=}"
	printf '%-30s %7.3f %6s %7.3f %6s | %7.3f %6s %7.3f %6s\n' "$name" \
		"$w" "$(ratio "$w" "$nw")" "$c" "$(ratio "$c" "$nc")" \
		"$we" "$(ratio "$we" "$nwe")" "$wc" "$(ratio "$wc" "$nwc")"
done
