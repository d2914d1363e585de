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
#   native and the eBPF backend (quicker, when that is what is measured). BASE=/other/bos adds
#   the same bos runs with that binary ("base ..." rows), for before/after in one session.
#   Runs are interleaved (round-robin over the commands, RUNS rounds).
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
# Start-up cost (loading BPF, the first fork/exec) measured apart on /bin/true: it does not
# grow with the workload, the per-syscall overhead does.
for b in ptrace ebpf; do
	"$bos" trace --tracer $b -o /dev/null -- /bin/true 2>/dev/null || continue
	sw=() sc=()
	for _ in $(seq "$runs"); do
		read -r w c _ < <(timed "$bos" trace --tracer $b -o /dev/null -- /bin/true) ||
			continue
		sw+=("$w"); sc+=("$c")
	done
	[ "${#sw[@]}" -gt 0 ] && echo "start-up of bos trace --tracer $b on /bin/true:" \
		"$(median "${sw[@]}")s wall, $(median "${sc[@]}")s cpu (median)"
done
calls=$("$tmp/workload" "$tmp" "$iters" | head -1)
echo "workload: $iters iterations, $calls ($runs interleaved rounds, medians)"

# The runs are interleaved: round r runs every command once, then round r + 1; on a shared
# machine the load then weighs on all of them alike (back-to-back runs of one command
# compared with back-to-back runs of another measured the load as much as the tracers).
names=()
cmds=()
# add NAME CMD...: one more command to measure (its words joined with \x1f).
add() {
	local name=$1 IFS=$'\x1f'
	shift
	names+=("$name")
	cmds+=("$*")
}
add native "$tmp/workload" "$tmp" "$iters"
# add_bos LABEL BOS: the commands of one bos binary.
add_bos() {
	local label=$1 b=$2
	if [ "${ONLY:-}" != ebpf ]; then
		add "$label ptrace" "$b" trace --tracer ptrace -o /dev/null -- \
			"$tmp/workload" "$tmp" "$iters"
		add "$label ptrace --no-io" "$b" trace --tracer ptrace --no-io -o /dev/null -- \
			"$tmp/workload" "$tmp" "$iters"
	fi
	if "$b" trace --tracer ebpf -o /dev/null -- /bin/true 2>"$tmp/ebpf.err"; then
		add "$label ebpf" "$b" trace --tracer ebpf -o /dev/null -- \
			"$tmp/workload" "$tmp" "$iters"
	else
		echo "$label ebpf: unavailable:" \
			"$(sed 's/^bos: trace: //' "$tmp/ebpf.err" | head -1)"
	fi
}
add_bos bos "$bos"
# BASE=/path/to/other/bos: the same runs with that binary too, interleaved with these
# (before/after comparisons in one session).
if [ -n "${BASE:-}" ]; then
	[ -x "$BASE" ] || { echo "run.sh: BASE=$BASE is not executable" >&2; exit 2; }
	add_bos base "$BASE"
fi
if [ "${ONLY:-}" != ebpf ] && command -v strace >/dev/null; then
	add "strace --seccomp-bpf" strace -f --seccomp-bpf -e trace="$set_list" -o /dev/null \
		"$tmp/workload" "$tmp" "$iters"
	no_io=$(echo "$set_list" | sed 's/,read,write,pread64,pwrite64,readv,writev//')
	add "strace --seccomp-bpf (no i/o)" strace -f --seccomp-bpf -e trace="$no_io" \
		-o /dev/null "$tmp/workload" "$tmp" "$iters"
fi
declare -A ws cs wes wcs
failed=()
for _ in $(seq "$runs"); do
	for i in "${!names[@]}"; do
		[ -z "${failed[$i]:-}" ] || continue
		IFS=$'\x1f' read -r -a argv <<<"${cmds[$i]}"
		if ! read -r w c we wc < <(timed "${argv[@]}" 2>"$tmp/err") || [ -z "$w" ]; then
			echo "${names[$i]}: failed: $(head -c 300 "$tmp/err")"
			failed[$i]=1
			continue
		fi
		ws[$i]+=" $w"; cs[$i]+=" $c"; wes[$i]+=" $we"; wcs[$i]+=" $wc"
	done
done
results=()
for i in "${!names[@]}"; do
	[ -z "${failed[$i]:-}" ] || continue
	# shellcheck disable=SC2086 # word lists of numbers
	results+=("${names[$i]}=$(median ${ws[$i]}) $(median ${cs[$i]}) $(median ${wes[$i]})\
 $(median ${wcs[$i]})")
done

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
