#ifndef BOS_TRACE_H
#define BOS_TRACE_H
/*
 * Process observation: run a command and record what every process of its tree does
 * (process, file and network syscalls) as JSON Lines, one event per line, schema in
 * docs/process-events.md. Two backends, one schema:
 *
 *  - ptrace: PTRACE_SEIZE + a seccomp-bpf filter so only the syscalls of interest stop the
 *    tracee. Works as a normal user for one's own children, for i386 and static binaries.
 *    Visible to the sample (TracerPid in /proc/self/status, PTRACE_TRACEME fails).
 *  - ebpf: libbpf + CO-RE on raw tracepoints, filtered to one cgroup2 group; invisible to
 *    the sample, x86_64 syscalls only, no byte counts (docs/process-events.md "Backends").
 *    Needs root; built only when clang, bpftool, libbpf and /sys/kernel/btf/vmlinux were
 *    there at build time. Where it cannot run, bos_trace_ebpf_open() says why (-BOS_ENOTIMPL
 *    or -errno) and `auto` falls back to ptrace with that reason in res->backend_reason.
 *
 * Typical use by the lab (tracer may be PID 1 of a fresh pid namespace, running as root):
 *
 *	struct bos_trace_opts o = { .backend = BOS_TRACE_AUTO, .events_fd = fd,
 *				    .pre_exec = drop_privs, .pre_exec_ctx = &plan,
 *				    .stop = &stop_flag, .deadline_ns = start + limit };
 *	struct bos_trace_result res;
 *	if (bos_trace_run(&o, argv, &res, &err) < 0) ...
 *
 * Libraries never print: diagnostics go to bos_err, facts go to events and res.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "bos/err.h"

enum bos_trace_backend {
	BOS_TRACE_AUTO = 0,	/* eBPF if it can run here, else ptrace (reason recorded) */
	BOS_TRACE_PTRACE,
	BOS_TRACE_EBPF,
};

enum bos_trace_flags {
	/* Do not stop on read/write/pread/pwrite/readv/writev: no per-file byte summary
	 * (file.close events then carry no byte counts), much cheaper for I/O-heavy samples. */
	BOS_TRACE_NO_IO = 1u << 0,
};

/* Called in the forked child just before execve (after the tracer has attached and the
 * seccomp filter is in place). Drop privileges, chdir, set up the environment here. Return
 * 0 to go on, or a positive errno value to abort: the child then exits with status 127
 * and res->exec_errno carries the value. Must be async-signal-safe (it runs after fork). */
typedef int (*bos_trace_pre_exec_fn)(void *ctx);

struct bos_trace_opts {
	enum bos_trace_backend backend;
	unsigned flags;				/* enum bos_trace_flags */
	int events_fd;				/* JSON Lines go here (borrowed, not closed) */
	bos_trace_pre_exec_fn pre_exec;		/* may be NULL */
	void *pre_exec_ctx;
	char *const *envp;			/* NULL: the tracer's environ */
	/* Checked at least every 100 ms: when non-zero the whole tree is killed (SIGKILL) and
	 * bos_trace_run returns after the last exit is seen. May be NULL. */
	volatile sig_atomic_t *stop;
	int64_t deadline_ns;			/* CLOCK_REALTIME ns; 0 = none. Same as *stop */
};

/* Why the run ended. */
enum bos_trace_end {
	BOS_TRACE_END_EXITED = 0,	/* every traced process exited */
	BOS_TRACE_END_STOPPED,		/* *opts->stop became non-zero */
	BOS_TRACE_END_DEADLINE,		/* deadline_ns passed */
};

struct bos_trace_result {
	enum bos_trace_backend backend;	/* the backend that ran */
	char backend_reason[256];	/* why this backend (e.g. "ebpf unavailable: ...") */
	enum bos_trace_end end;
	int first_status;		/* wait status of the first process (WIFEXITED...) */
	int first_pid;			/* its pid, in the tracer's pid namespace */
	int exec_errno;			/* first execve failed (or pre_exec refused) with this */
	uint64_t events;		/* lines written */
	uint64_t processes;		/* distinct processes (thread groups) seen */
	uint64_t syscalls;		/* syscall stops handled */
	/* Sensor loss: every value here is also in the final "trace.summary" event. */
	uint64_t lost;			/* events that could not be produced (backend loss) */
	uint64_t truncated;		/* strings cut at BOS_MAX_STRING / argv at cap */
	uint64_t read_errors;		/* tracee memory that could not be read (exited, EFAULT) */
	uint64_t write_errors;		/* event lines that could not be written to events_fd */
	/* eBPF: times the command (or a thread of it) stopped for us because it called
	 * PTRACE_TRACEME and we, its parent, were made its tracer; it was detached at that first
	 * stop, the TRACEME handshake's SIGSTOP and exec's SIGTRAP swallowed, any other signal
	 * delivered (see trace_run_ebpf). The lab's init does the same for the sample
	 * (src/sandbox/victim.c). */
	uint64_t detached;
};

const char *bos_trace_backend_name(enum bos_trace_backend b);
/* "auto", "ptrace", "ebpf" -> backend; -1 if unknown. */
int bos_trace_backend_parse(const char *name);

/*
 * Fork argv[0] (searched in PATH like execvp), trace its whole tree until it is empty, *stop
 * is set or the deadline passes, and write events to opts->events_fd. res is always filled
 * (zeroed first). Returns 0 when the tree ran and was traced (whatever its exit status), or a
 * negative code with err filled when tracing could not be set up (fork, ptrace, seccomp,
 * backend unavailable when explicitly asked for).
 * For the duration it installs an empty handler for SIGRTMAX-3 and a per-thread timer that
 * sends it every 100 ms (to wake the waiting tracer), restoring both before returning; it
 * reaps every child it sees: do not call it with other children of the caller running, and
 * not with SIGCHLD set to SIG_IGN. The tracer is the calling thread: call it from one thread.
 */
int bos_trace_run(const struct bos_trace_opts *opts, char *const argv[],
		  struct bos_trace_result *res, struct bos_err *err);

/*
 * eBPF backend for the lab: open (loads and attaches; root, in the host namespace) before the
 * sample starts, start with the victim's cgroup2 id (the inode number of its directory under
 * the cgroup2 mount, e.g. /sys/fs/cgroup/unified/<group>), poll in a loop while it runs, stop
 * (drains and writes the trace.summary line), free. Events go to events_fd as with
 * bos_trace_run. Without eBPF support in this build, open fails with -BOS_ENOTIMPL and why.
 */
struct bos_trace_ebpf;
int bos_trace_ebpf_open(struct bos_trace_ebpf **out, int events_fd, struct bos_err *err);
int bos_trace_ebpf_start(struct bos_trace_ebpf *e, uint64_t cgroup_id, struct bos_err *err);
/* Read what the ring buffer holds (waiting up to timeout_ms) and write the events; returns
 * the number of records handled or a negative code. Call it in a loop while the sample runs. */
int bos_trace_ebpf_poll(struct bos_trace_ebpf *e, int timeout_ms);
/* Drain, stop filtering, write the trace.summary line, fill res (may be NULL). */
int bos_trace_ebpf_stop(struct bos_trace_ebpf *e, struct bos_trace_result *res,
			struct bos_err *err);
void bos_trace_ebpf_free(struct bos_trace_ebpf *e);

/*
 * The "#!" line of a script (first bytes of the file, hostile): interpreter path and its
 * optional single argument, split like the kernel's binfmt_script (whitespace-separated,
 * line cut at BOS_TRACE_SHEBANG_MAX). Outputs are views into data. Returns BOS_PARSE_OK,
 * BOS_PARSE_UNSUPPORTED when the data does not start with "#!", BOS_PARSE_MALFORMED when
 * there is no interpreter.
 */
struct bos_trace_shebang {
	const uint8_t *interp;
	size_t interp_len;
	const uint8_t *arg;		/* NULL when none */
	size_t arg_len;
	bool truncated;			/* no newline within the cap: line was cut */
};
enum bos_parse bos_trace_shebang_parse(const uint8_t *data, size_t len,
				       struct bos_trace_shebang *out);

#endif
