#ifndef BOS_SRC_TRACE_TRACE_INT_H
#define BOS_SRC_TRACE_TRACE_INT_H
/*
 * Internals of the trace module, shared by its .c files only.
 *
 *   syscalls.c  canonical syscall ids and the per-ABI number tables (x86_64, i386)
 *   seccomp.c   the seccomp-bpf filter built from those tables (runs in the child)
 *   mem.c       reading tracee memory: one process_vm_readv per object (strings: up to
 *               the end of their first page, then the rest only if needed), page-split
 *   proc.c      the task/process tables, process keys, per-process fd tables
 *   emit.c      the event writer (common header of every line, buffering)
 *   decode.c    syscall entry/exit -> events
 *   ptrace.c    the tracer loop: while (dispatch(t, next_event(t)));
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bos/community_id.h"
#include "bos/buf.h"
#include "bos/json.h"
#include "bos/trace.h"

/* Canonical syscall ids: the same on every ABI, and what the seccomp filter returns in
 * SECCOMP_RET_DATA so the tracer never maps numbers itself. 0 means "not ours". */
enum sc {
	SC_NONE = 0,
	/* process */
	SC_EXECVE, SC_EXECVEAT, SC_SETUID, SC_SETGID, SC_SETREUID, SC_SETREGID, SC_SETRESUID,
	SC_SETRESGID, SC_SETFSUID, SC_SETFSGID, SC_PTRACE, SC_KILL, SC_TKILL, SC_TGKILL,
	SC_MEMFD_CREATE,
	/* file */
	SC_OPEN, SC_OPENAT, SC_OPENAT2, SC_CREAT, SC_CLOSE, SC_UNLINK, SC_UNLINKAT, SC_RMDIR,
	SC_RENAME, SC_RENAMEAT, SC_RENAMEAT2, SC_MKDIR, SC_MKDIRAT, SC_CHMOD, SC_FCHMOD,
	SC_FCHMODAT, SC_CHOWN, SC_FCHOWN, SC_LCHOWN, SC_FCHOWNAT, SC_TRUNCATE, SC_FTRUNCATE,
	SC_TRUNCATE64, SC_FTRUNCATE64,	/* i386: 64-bit length in two registers */
	SC_DUP, SC_DUP2, SC_DUP3,	/* keep the fd table right (shell redirections) */
	/* i/o (only with the byte summary) */
	SC_READ, SC_WRITE, SC_PREAD64, SC_PWRITE64, SC_READV, SC_WRITEV,
	/* network */
	SC_SOCKET, SC_CONNECT, SC_BIND, SC_LISTEN, SC_ACCEPT, SC_ACCEPT4, SC_SENDTO,
	SC_RECVFROM, SC_SENDMSG, SC_SOCKETCALL,
	SC__COUNT
};

struct sc_nr {
	uint16_t sc;		/* enum sc */
	uint16_t nr;
};

/* AUDIT_ARCH_* values we decode; any other arch is traced and reported as unknown. */
#define TRACE_ARCH_X86_64 0xc000003eu
#define TRACE_ARCH_I386 0x40000003u
#define TRACE_X32_BIT 0x40000000u

extern const char *const trace_sc_names[SC__COUNT];
extern const struct sc_nr trace_sc_x86_64[];
extern const size_t trace_sc_x86_64_len;
extern const struct sc_nr trace_sc_i386[];
extern const size_t trace_sc_i386_len;
bool trace_sc_is_io(enum sc sc);

/* seccomp.c: install the filter in the calling process (the child, before exec). Sets
 * PR_SET_NO_NEW_PRIVS only when the caller lacks CAP_SYS_ADMIN. Returns 0 or -errno.
 * Async-signal-safe (no allocation). */
int trace_seccomp_install(unsigned flags);

/* mem.c: copy tracee memory. Reads stop at the first unreadable page. */
/* Read up to len bytes at addr; returns bytes read (may be short) or -errno. */
ssize_t trace_mem_read(pid_t pid, uint64_t addr, void *dst, size_t len);
/* NUL-terminated string at addr into dst (cap bytes incl. NUL). Returns its length, or
 * -errno. *truncated is set when no NUL was found within cap - 1 bytes. */
ssize_t trace_mem_str(pid_t pid, uint64_t addr, char *dst, size_t cap, bool *truncated);

/* One followed file descriptor of a process (file.close / net.close summary). */
enum fd_kind { FD_FILE = 1, FD_SOCKET };
struct fdent {
	int fd;
	uint8_t kind;		/* enum fd_kind */
	bool cloexec;
	int family, type, proto;
	uint64_t rd, wr;	/* bytes read/received, written/sent */
	uint64_t open_id;	/* id of the event that opened it */
	char *path;		/* file path (heap) or NULL */
	char cid[BOS_COMMUNITY_ID_LEN];	/* community id once connected/accepted */
};

/* A process (thread group). Threads point at it; it is freed when the last one goes. */
struct proc {
	pid_t pid;
	pid_t ppid;
	char key[32];		/* "pid.starttime": survives pid reuse */
	char parent_key[32];
	uint32_t uid, euid;
	int nthreads;
	bool execd;		/* has completed at least one execve */
	bool exited;
	struct fdent *fds;
	size_t nfds, fds_alloc;
};

/* Per-thread state: the syscall in flight. */
struct task {
	pid_t tid;
	struct proc *proc;
	bool attached;		/* saw its first stop */
	bool in_syscall;	/* between seccomp stop and syscall-exit stop */
	bool wide;		/* 64-bit ABI (x86_64) for the syscall in flight */
	bool exec_emitted;
	bool exec_memfd;		/* execveat of an fd we know as a memfd */
	uint16_t sc;		/* enum sc in flight */
	uint32_t arch;
	uint64_t args[6];
	/* execve in flight: copied at entry, emitted at PTRACE_EVENT_EXEC or the failing exit */
	struct bos_buf exec_path;
	struct bos_buf exec_argv;	/* NUL-separated */
	uint32_t exec_argc;
	bool exec_trunc;
	bool announced;		/* its fork/clone event was written */
	bool mem_error;		/* reading an argument failed (tracee gone, EFAULT) */
	bool str_trunc;
	bool socketcall;	/* decoded from i386 socketcall(2) */
	/* other syscalls: input strings and socket address copied at entry */
	struct bos_buf s1, s2;
	uint8_t sa[128];
	size_t salen;
	/* eBPF: the socket's addresses as the kernel had them at syscall exit (sockaddr bytes);
	 * when set, used instead of asking the (maybe already closed) socket. */
	bool bpf_sock;
	int bpf_sock_type;
	uint8_t bpf_local[28], bpf_remote[28];
	size_t bpf_sa_len;
	/* The common fields of its lines (",\"pid\":...,\"euid\":N"), rendered once by the
	 * JSON writer and reused while the values they were made from stay the same
	 * (emit.c): most events of a task repeat them. hdr_len 0: not rendered. */
	struct hdr_src {
		pid_t pid, tid, ppid;
		uint32_t uid, euid;
		char key[32], parent_key[32];
	} hdr_src;
	uint16_t hdr_len;
	char hdr[240];
};

struct tracer {
	const struct bos_trace_opts *opts;
	struct bos_trace_result *res;
	struct task **tasks;		/* open addressing by tid */
	size_t tasks_cap, ntasks;
	pid_t first_pid;
	bool first_done;
	uint64_t next_id;
	struct bos_buf out;
	struct bos_json j;
	int64_t now_ns;			/* timestamp of the stop being handled */
	/* "ts" of the last line, formatted (emit.c): the part up to the seconds is only
	 * re-formatted when the second changes. */
	int64_t ts_sec;
	size_t ts_len;
	char ts[40];
	bool killing;
};

/* proc.c */
struct task *trace_task_find(struct tracer *t, pid_t tid);
/* New task; proc NULL creates a new process for it (tid is then the pid). */
struct task *trace_task_add(struct tracer *t, pid_t tid, struct proc *proc);
void trace_task_del(struct tracer *t, struct task *tk);
void trace_tasks_free(struct tracer *t);
void trace_proc_read_key(pid_t pid, char *key, size_t len);
void trace_proc_read_ids(struct proc *p);
struct fdent *trace_fd_find(struct proc *p, int fd);
struct fdent *trace_fd_add(struct tracer *t, struct proc *p, int fd);
void trace_fd_del(struct proc *p, struct fdent *f);
void trace_fd_copy(struct proc *dst, const struct proc *src);

/* emit.c: begin an event line with the common fields; add fields with t->j; end it. */
void trace_ev_begin(struct tracer *t, struct task *tk, const char *event);
void trace_ev_end(struct tracer *t);
void trace_flush(struct tracer *t);
/* Emit file.close / net.close for f (then the caller deletes it). */
void trace_ev_fd_close(struct tracer *t, struct task *tk, struct fdent *f, const char *why);
void trace_json_errno(struct bos_json *j, int64_t rval);
/* Decimal text of v at p (at most 20 bytes, no NUL); returns its length. printf is a fair
 * share of the cost of an event line, and this runs for several fields of each. */
size_t trace_put_i64(char *p, int64_t v);
const char *trace_errno_name(int e);

/* decode.c */
void trace_sys_enter(struct tracer *t, struct task *tk, uint32_t arch, uint16_t sc,
		     const uint64_t args[6], bool *want_exit);
void trace_sys_exit(struct tracer *t, struct task *tk, int64_t rval, bool is_error);
void trace_exec_done(struct tracer *t, struct task *tk);
/* After exec_path/exec_argv are filled from elsewhere (eBPF): read the #! line, reset state.
 * own_root: the tracer shares the tracee's mount namespace (may read the path itself). */
void trace_exec_prepare(struct task *tk, int dirfd, bool own_root);

/* ebpf.c: bos_trace_run for the eBPF backend (a cgroup2 group of its own for the command).
 * Fails only before the command ran (so `auto` can fall back to ptrace). */
int trace_run_ebpf(const struct bos_trace_opts *o, char *const argv[],
		   struct bos_trace_result *res, struct bos_err *err);

#endif
