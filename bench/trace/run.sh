#!/usr/bin/env bash
# Tracer overhead, side by side in one run: the workload (workload.c) natively, under each bos
# backend, and under strace with a seccomp filter on the same syscall set. Prints wall times
# and CPU times (best of R runs) and slowdown ratios against native.
#   usage: bench/trace/run.sh [BOS] [ITERATIONS] [RUNS]
#   BOS defaults to the release build (build/release/bos, built here if missing: a sanitizer
#   build would measure ASan, not the tracer); ITERATIONS 50000; RUNS 3.
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

# timed CMD...: prints "wall cpu" (seconds; cpu = user+sys of CMD and all its descendants,
# tracer included), so a loaded machine can still be compared on CPU cost.
timed() {
	/usr/bin/python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t0 = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if r.returncode:
    sys.stderr.write(r.stderr.decode(errors="replace")[:300])
    sys.exit(1)
print("%.3f %.3f" % (wall, ru.ru_utime + ru.ru_stime))
PY
}
best=()
# measure NAME CMD...: best wall (and best cpu) of $runs runs.
measure() {
	local name=$1 bw="" bc="" w c
	shift
	for _ in $(seq "$runs"); do
		read -r w c < <(timed "$@" 2>"$tmp/err") ||
			{ echo "$name: failed: $(head -c 300 "$tmp/err")"; return 1; }
		[ -n "$w" ] || { echo "$name: failed: $(head -c 300 "$tmp/err")"; return 1; }
		if [ -z "$bw" ] || awk "BEGIN { exit !($w < $bw) }"; then bw=$w; fi
		if [ -z "$bc" ] || awk "BEGIN { exit !($c < $bc) }"; then bc=$c; fi
	done
	best+=("$name=$bw $bc")
}

# Start-up cost (loading BPF, the first fork/exec) measured apart on /bin/true: it does not
# grow with the workload, the per-syscall overhead does.
for b in ptrace ebpf; do
	if "$bos" trace --tracer $b -o /dev/null -- /bin/true 2>/dev/null; then
		read -r w c < <(timed "$bos" trace --tracer $b -o /dev/null -- /bin/true)
		echo "start-up of bos trace --tracer $b on /bin/true: ${w}s wall, ${c}s cpu"
	fi
done
calls=$("$tmp/workload" "$tmp" "$iters")
echo "workload: $iters iterations, $calls ($runs runs each, best wall time)"
measure native "$tmp/workload" "$tmp" "$iters"
measure "bos ptrace" "$bos" trace --tracer ptrace -o /dev/null -- "$tmp/workload" "$tmp" "$iters"
measure "bos ptrace --no-io" "$bos" trace --tracer ptrace --no-io -o /dev/null -- \
	"$tmp/workload" "$tmp" "$iters"
if "$bos" trace --tracer ebpf -o /dev/null -- /bin/true 2>"$tmp/ebpf.err"; then
	measure "bos ebpf" "$bos" trace --tracer ebpf -o /dev/null -- "$tmp/workload" "$tmp" "$iters"
else
	echo "bos ebpf: unavailable: $(sed 's/^bos: trace: //' "$tmp/ebpf.err" | head -1)"
fi
if command -v strace >/dev/null; then
	measure "strace --seccomp-bpf" strace -f --seccomp-bpf -e trace="$set_list" -o /dev/null \
		"$tmp/workload" "$tmp" "$iters"
	measure "strace --seccomp-bpf (no i/o)" strace -f --seccomp-bpf \
		-e trace="$(echo "$set_list" | sed 's/,read,write,pread64,pwrite64,readv,writev//')" \
		-o /dev/null "$tmp/workload" "$tmp" "$iters"
fi

read -r nw nc <<<"${best[0]#*=}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf '%-32s %9s %9s %9s %9s\n' "run" "wall s" "x native" "cpu s" "x native"
for kv in "${best[@]}"; do
	name=${kv%=*}
	read -r w c <<<"${kv#*=}"
	printf '%-32s %9.3f %9.2f %9.3f %9.2f\n' "$name" "$w" "$(awk "BEGIN { print $w / $nw }")" \
		"$c" "$(awk "BEGIN { print $c / $nc }")"
done
