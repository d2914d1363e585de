#!/usr/bin/env bash
# Tracer overhead, side by side in one run: the workload (workload.c) natively, under each bos
# backend, and under strace with a seccomp filter on the same syscall set. Prints wall times
# (best of R runs) and slowdown ratios against native.
#   usage: bench/trace/run.sh [BOS] [ITERATIONS] [RUNS]
#   BOS defaults to build/trace/bos, then build/dev/bos; ITERATIONS 50000; RUNS 3.
# Targets (issue 5): eBPF <= 1.10x native; ptrace faster than strace on the same events.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bos=${1:-}
if [ -z "$bos" ]; then
	for c in "$root/build/trace/bos" "$root/build/dev/bos" "$root/build/release/bos"; do
		[ -x "$c" ] && { bos=$c; break; }
	done
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

now() { date +%s.%N; }
best=()
# measure NAME CMD...: best wall time of $runs runs.
measure() {
	local name=$1 b="" t0 t1 d
	shift
	for _ in $(seq "$runs"); do
		t0=$(now)
		"$@" >/dev/null 2>"$tmp/err" || { echo "$name: failed: $(head -c 300 "$tmp/err")"; return 1; }
		t1=$(now)
		d=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$d < $b" | bc -l)" = 1 ]; then b=$d; fi
	done
	best+=("$name=$b")
}

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

native=${best[0]#*=}
printf '%-32s %10s %9s\n' "run" "wall s" "x native"
for kv in "${best[@]}"; do
	name=${kv%=*}
	t=${kv#*=}
	printf '%-32s %10.3f %9.2f\n' "$name" "$t" "$(echo "$t / $native" | bc -l)"
done
