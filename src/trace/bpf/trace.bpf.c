// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF side of the ebpf trace backend (src/trace/ebpf.c loads it with the skeleton bpftool
 * generates at build time). CO-RE against the running kernel's BTF; attached to BTF-typed raw
 * tracepoints only (tp_btf: raw_syscalls sys_enter/sys_exit, sched_process_fork/exec/exit): no
 * kprobes, fentry or LSM programs load on the target machines, and tracepoints need no
 * tracefs. tp_btf rather than raw_tp: the arguments (pt_regs, task_struct) are typed, so
 * reading a register or a task field is one load, not a bpf_probe_read_kernel call.
 *
 * Where the time goes (bpf_stats, docs/process-events.md "Overhead"): sys_enter and sys_exit
 * run for every syscall of the machine, so the reject path must be a few loads: the syscall
 * number against a table first (no helper call), then the cgroup id (one helper call), and
 * nothing else. Only tasks in one cgroup2 group (target_cgroup, bpf_get_current_cgroup_id)
 * are looked at. A syscall of interest (x86_64 numbers, the same set as the seccomp filter
 * minus read/write) copies its input arguments (path strings, argv, socket address) at entry
 * into the thread's in-flight record, kept in task local storage (no hash update/delete per
 * syscall, freed with the task); its exit adds the result and sends only the bytes the record
 * uses through the ring buffer. Anything that cannot be sent (ring buffer full, no memory for
 * an in-flight record) bumps the loss counter, which user space reports: losses are never
 * silent.
 *
 * GPL: the license string is required by the helpers used (bpf_probe_read_user*).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace_bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The traced cgroup2 group's id; 0: nothing is traced. Written by user space through the
 * skeleton's memory-mapped .bss (bos_trace_ebpf_start/stop): a plain load here, no map
 * lookup on every syscall of the machine. */
__u64 target_cgroup;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, TBPF_RINGBUF_BYTES);
} rb SEC(".maps");

/* Per-thread in-flight records. Task local storage lives and dies with its task, so there is
 * no table to fill or to leak into (a thread killed inside execve frees its record); a record
 * that cannot be allocated is counted as lost. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tbpf_event);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tbpf_exec);
} inflight_exec SEC(".maps");

/* Which x86_64 syscalls we copy, and how (see struct tbpf_event); 0: not looked at. A table
 * (one load) rather than a switch: it is consulted for every syscall of the machine. */
#define TBPF_NR_MAX 512
static const __u8 kinds[TBPF_NR_MAX] = {
	[59] = TBPF_K_EXEC, [322] = TBPF_K_EXEC,		/* execve, execveat */
	/* open creat unlink rmdir mkdir chmod chown lchown truncate memfd_create */
	[2] = TBPF_K_PATH0, [85] = TBPF_K_PATH0, [87] = TBPF_K_PATH0, [84] = TBPF_K_PATH0,
	[83] = TBPF_K_PATH0, [90] = TBPF_K_PATH0, [92] = TBPF_K_PATH0, [94] = TBPF_K_PATH0,
	[76] = TBPF_K_PATH0, [319] = TBPF_K_PATH0,
	/* openat openat2 unlinkat mkdirat fchmodat fchmodat2 fchownat */
	[257] = TBPF_K_PATH1, [437] = TBPF_K_PATH1, [263] = TBPF_K_PATH1, [258] = TBPF_K_PATH1,
	[268] = TBPF_K_PATH1, [452] = TBPF_K_PATH1, [260] = TBPF_K_PATH1,
	[82] = TBPF_K_PATH01,					/* rename */
	[264] = TBPF_K_PATH13, [316] = TBPF_K_PATH13,		/* renameat, renameat2 */
	[42] = TBPF_K_SA1, [49] = TBPF_K_SA1,			/* connect, bind */
	[44] = TBPF_K_SA4,					/* sendto */
	/* socket listen accept accept4 setuid setgid setreuid setregid setresuid setresgid
	 * kill tkill tgkill ptrace close ftruncate fchmod fchown */
	[41] = TBPF_K_ARGS, [50] = TBPF_K_ARGS, [43] = TBPF_K_ARGS, [288] = TBPF_K_ARGS,
	[105] = TBPF_K_ARGS, [106] = TBPF_K_ARGS, [113] = TBPF_K_ARGS, [114] = TBPF_K_ARGS,
	[117] = TBPF_K_ARGS, [119] = TBPF_K_ARGS, [62] = TBPF_K_ARGS, [200] = TBPF_K_ARGS,
	[234] = TBPF_K_ARGS, [101] = TBPF_K_ARGS, [3] = TBPF_K_ARGS, [77] = TBPF_K_ARGS,
	[91] = TBPF_K_ARGS, [93] = TBPF_K_ARGS,
};

static __always_inline int kind_of(long nr)
{
	return (unsigned long)nr < TBPF_NR_MAX ? kinds[nr] : TBPF_K_NONE;
}

static __always_inline __u32 wake_flag(void)
{
	return bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) > TBPF_WAKE_BYTES ?
		       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void count_loss(void)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&lost, &k);

	if (v)
		*v += 1;
}

static __always_inline bool ours(void)
{
	__u64 cg = target_cgroup;

	return cg && bpf_get_current_cgroup_id() == cg;
}

static __always_inline void fill_header(struct tbpf_event *e, struct task_struct *task)
{
	__u64 id = bpf_get_current_pid_tgid();
	const struct cred *cred = task->cred;
	struct task_struct *parent = task->real_parent;

	e->ts = bpf_ktime_get_boot_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = parent->tgid;
	e->uid = cred->uid.val;
	e->euid = cred->euid.val;
	e->start = task->group_leader->start_boottime;
	e->pstart = parent->group_leader->start_boottime;
}

/*
 * A path the sample has not touched yet may sit on a page not faulted in, which BPF cannot
 * read at entry (bpf_probe_read_user never faults). The kernel faults it in when it copies
 * the path, so an unreadable string is read again at exit (p1/p2 keep the pointers).
 */
static __always_inline void read_path(char *dst, __u16 *len, __u64 *keep, __u64 uptr)
{
	long n = bpf_probe_read_user_str(dst, TBPF_STR, (const void *)uptr);

	*len = n > 0 ? (__u16)(n - 1) : 0;
	*keep = n > 0 ? 0 : uptr;
}

/* argv, one element per bpf_loop step: the verifier checks the step once, where an unrolled
 * 32-element loop cost it most of a second at every start. */
struct argv_walk {
	struct tbpf_exec *x;
	__u64 argv;
	__u32 off;
};

static long argv_step(__u32 i, void *data)
{
	struct argv_walk *w = data;
	struct tbpf_exec *x = w->x;
	__u64 p = 0;
	long n;

	if (bpf_probe_read_user(&p, sizeof(p), (const void *)(w->argv + i * 8)) || !p)
		return 1;
	if (w->off > TBPF_ARGV_BYTES - TBPF_ARG_MAX) {
		x->ev.flags |= TBPF_F_ARGV_TRUNC;
		return 1;
	}
	n = bpf_probe_read_user_str(&x->argv[w->off & (TBPF_ARGV_BYTES - 1)], TBPF_ARG_MAX,
				    (const void *)p);
	if (n <= 0)
		return 1;
	if (n == TBPF_ARG_MAX)
		x->ev.flags |= TBPF_F_ARGV_TRUNC;
	w->off += n;
	x->ev.argc++;
	return 0;
}

/* No strings, argv or address yet: records are reused, and only the used bytes are sent. */
static __always_inline void clear_payload(struct tbpf_event *e)
{
	e->len1 = e->len2 = 0;
	e->p1 = e->p2 = 0;
	e->argc = 0;
	e->argv_len = 0;
	e->sa_len = 0;
	e->flags = 0;
}

/* Entry of a traced syscall: its input arguments into e (kind not yet set). Returns false
 * when the call is not an event (sendto without an address). */
static __always_inline bool copy_args(struct tbpf_event *e, struct pt_regs *regs, long nr,
				      int kind)
{
	e->nr = (__u32)nr;
	clear_payload(e);
	e->args[0] = regs->di;
	e->args[1] = regs->si;
	e->args[2] = regs->dx;
	e->args[3] = regs->r10;
	e->args[4] = regs->r8;
	e->args[5] = regs->r9;
	switch (kind) {
	case TBPF_K_EXEC:
		read_path(e->s1, &e->len1, &e->p1, nr == 59 ? e->args[0] : e->args[1]);
		break;
	case TBPF_K_PATH0:
		read_path(e->s1, &e->len1, &e->p1, e->args[0]);
		break;
	case TBPF_K_PATH1:
		read_path(e->s1, &e->len1, &e->p1, e->args[1]);
		if (nr == 437) {	/* openat2: struct open_how { flags, mode, resolve } */
			__u64 how[2] = { 0, 0 };

			bpf_probe_read_user(how, sizeof(how), (const void *)e->args[2]);
			e->args[2] = how[0];
			e->args[3] = how[1];
		}
		break;
	case TBPF_K_PATH01:
		read_path(e->s1, &e->len1, &e->p1, e->args[0]);
		read_path(e->s2, &e->len2, &e->p2, e->args[1]);
		break;
	case TBPF_K_PATH13:
		read_path(e->s1, &e->len1, &e->p1, e->args[1]);
		read_path(e->s2, &e->len2, &e->p2, e->args[3]);
		break;
	case TBPF_K_SA1:
	case TBPF_K_SA4: {
		__u64 sa = kind == TBPF_K_SA1 ? e->args[1] : e->args[4];
		__u64 len = kind == TBPF_K_SA1 ? e->args[2] : e->args[5];
		__u32 l = len > TBPF_SA ? TBPF_SA : (__u32)len;

		if (!sa)
			return kind == TBPF_K_SA1;	/* sendto without address: not an event */
		if (l && bpf_probe_read_user(e->sa, l, (const void *)sa) == 0)
			e->sa_len = (__u16)l;
		break;
	}
	default:
		break;
	}
	return true;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long nr)
{
	int kind = kind_of(nr);
	struct task_struct *task;
	struct tbpf_event *e;
	struct tbpf_exec *x;

	if (!kind || !ours())
		return 0;
	task = bpf_get_current_task_btf();
	if (task->thread_info.status & 0x0002)	/* TS_COMPAT: i386 numbers */
		return 0;
	e = bpf_task_storage_get(&inflight, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!e) {
		count_loss();
		return 0;
	}
	e->kind = TBPF_K_NONE;
	if (kind == TBPF_K_EXEC) {
		struct argv_walk w = { .argv = nr == 59 ? regs->si : regs->dx };

		x = bpf_task_storage_get(&inflight_exec, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!x) {
			count_loss();
			return 0;
		}
		copy_args(&x->ev, regs, nr, kind);
		w.x = x;
		bpf_loop(TBPF_MAX_ARGV, argv_step, &w, 0);
		x->ev.argv_len = w.off;
		x->ev.kind = kind;
		/* The small record only says "an exec is in flight": sys_exit looks at it alone. */
		e->nr = (__u32)nr;
		e->kind = kind;
		return 0;
	}
	if (copy_args(e, regs, nr, kind))
		e->kind = kind;
	return 0;
}

/*
 * The addresses of socket fd of the current task, from its struct sock, read the way
 * getsockname(2) does (inet_getname, inet6_getname), which is what the ptrace backend asks:
 *
 * - the local port is inet_sport, not skc_num: a connect refused before its syscall exit
 *   (a non-blocking connect whose RST arrived during the call, common on loopback and in the
 *   lab) has already released its port (inet_put_port zeroes skc_num) but keeps inet_sport,
 *   so the Community ID still names the SYN in the capture;
 * - the local address is skc_rcv_saddr, else inet_saddr (the routed source), as getsockname.
 *
 * Hostile fd tables: fd is bounds-checked against the table's max_fds, and the file must be
 * a socket inode (S_IFSOCK) before private_data is taken for a struct socket; a thread that
 * swaps the fd between the syscall and here gets whatever that socket says, nothing worse.
 */
#define TBPF_S_IFMT 00170000
#define TBPF_S_IFSOCK 0140000

static __always_inline void sock_addrs(struct tbpf_event *e, __u64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;
	struct inet_sock *inet;
	struct socket *so;
	struct sock *sk;
	__u16 sport;

	e->sk_family = 0;
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	fds = BPF_CORE_READ(fdt, fd);
	if (!fds || bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & TBPF_S_IFMT) != TBPF_S_IFSOCK)
		return;
	so = BPF_CORE_READ(f, private_data);
	if (!so)
		return;
	sk = BPF_CORE_READ(so, sk);
	if (!sk)
		return;
	inet = (struct inet_sock *)sk;
	e->sk_family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sk_type = BPF_CORE_READ(sk, sk_type);
	sport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	e->lport = sport ? sport : BPF_CORE_READ(sk, __sk_common.skc_num);
	e->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->sk_family == 2) {		/* AF_INET */
		__u32 l = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 r = BPF_CORE_READ(sk, __sk_common.skc_daddr);

		if (!l)
			l = BPF_CORE_READ(inet, inet_saddr);
		__builtin_memcpy(e->laddr, &l, 4);
		__builtin_memcpy(e->raddr, &r, 4);
	} else if (e->sk_family == 10) {	/* AF_INET6 */
		__u64 a[2] = { 0, 0 };

		bpf_core_read(a, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		if (!a[0] && !a[1]) {
			struct ipv6_pinfo *np = BPF_CORE_READ(inet, pinet6);

			if (np)
				bpf_core_read(a, 16, &np->saddr);
		}
		__builtin_memcpy(e->laddr, a, 16);
		bpf_core_read(e->raddr, 16, &sk->__sk_common.skc_v6_daddr);
	} else {
		e->sk_family = 0;
	}
}

/* A failed exec (a successful one is sent by on_exec). */
static __always_inline void send_failed_exec(struct task_struct *task, long ret)
{
	struct tbpf_exec *x = bpf_task_storage_get(&inflight_exec, task, 0, 0);

	if (!x || x->ev.kind != TBPF_K_EXEC)
		return;
	fill_header(&x->ev, task);
	x->ev.ret = ret;
	x->ev.sk_family = 0;
	if (bpf_ringbuf_output(&rb, x, sizeof(*x), BPF_RB_FORCE_WAKEUP))
		count_loss();
	x->ev.kind = TBPF_K_NONE;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_exit, struct pt_regs *regs, long ret)
{
	long nr = regs->orig_ax;
	struct task_struct *task;
	struct tbpf_event *e;
	__u32 size;

	/* Every syscall of the machine comes here: the number first (one load), then the
	 * cgroup. An exec moving a task out of the group between entry and exit is not
	 * followed. */
	if (!kind_of(nr) || !ours())
		return 0;
	task = bpf_get_current_task_btf();
	e = bpf_task_storage_get(&inflight, task, 0, 0);
	if (!e || !e->kind)
		return 0;
	if (e->nr != (__u32)nr) {
		/* Entered while outside the group (or its exit was never seen): stale. */
		e->kind = TBPF_K_NONE;
		return 0;
	}
	if (e->kind == TBPF_K_EXEC) {
		e->kind = TBPF_K_NONE;
		send_failed_exec(task, ret);
		return 0;
	}
	if (e->p1)
		read_path(e->s1, &e->len1, &e->p1, e->p1);
	if (e->p2)
		read_path(e->s2, &e->len2, &e->p2, e->p2);
	fill_header(e, task);
	e->ret = ret;
	e->sk_family = 0;
	if ((nr == 42 && (ret == 0 || ret == -115)) || (nr == 44 && ret >= 0))
		sock_addrs(e, e->args[0]);		/* connect (ok, EINPROGRESS), sendto */
	else if ((nr == 43 || nr == 288) && ret >= 0)
		sock_addrs(e, (__u64)ret);		/* accept: the new socket */
	size = tbpf_record_size(e);
	if (size > sizeof(*e))
		size = sizeof(*e);
	if (bpf_ringbuf_output(&rb, e, size, wake_flag()))
		count_loss();
	e->kind = TBPF_K_NONE;
	return 0;
}

static __always_inline int send_task_event(int kind, struct task_struct *p,
					   struct task_struct *child)
{
	struct tbpf_event *e;

	/* Header only: fork and exit records carry no string. */
	e = bpf_ringbuf_reserve(&rb, TBPF_HDR_BYTES, 0);
	if (!e) {
		count_loss();
		return 0;
	}
	e->kind = kind;
	e->nr = 0;
	e->old_tid = 0;
	e->sk_family = 0;
	clear_payload(e);
	e->ret = 0;
	fill_header(e, bpf_get_current_task_btf());
	if (kind == TBPF_K_FORK) {
		e->args[0] = child->pid;
		e->args[1] = child->tgid;
		e->args[2] = child->start_boottime;
	} else {
		e->args[0] = p->exit_code;
		e->args[1] = p->signal->group_exit_code;
		e->args[2] = p->signal->live.counter;
	}
	bpf_ringbuf_submit(e, wake_flag());
	return 0;
}

/*
 * A successful exec, seen from inside it: the new image's argv is on its fresh stack (just
 * written by the kernel, so readable), the path in bprm is kernel memory. Emitted here rather
 * than at sys_exit because an exec from a non-leader thread changes the thread's id, and
 * because the caller's strings may not have been readable at entry (pages of a fresh fork).
 * The in-flight records are the task's own: the task_struct that called execve is current
 * here whatever its thread id became.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *task;
	struct tbpf_exec *in, *x;
	struct tbpf_event *e, *pending;
	struct mm_struct *mm;
	__u64 start, end, len;
	long n;

	if (!ours())
		return 0;
	task = bpf_get_current_task_btf();
	pending = bpf_task_storage_get(&inflight, task, 0, 0);
	in = NULL;
	if (pending && pending->kind == TBPF_K_EXEC) {
		pending->kind = TBPF_K_NONE;
		in = bpf_task_storage_get(&inflight_exec, task, 0, 0);
		if (in && in->ev.kind != TBPF_K_EXEC)
			in = NULL;
	}
	x = bpf_ringbuf_reserve(&rb, sizeof(*x), 0);
	if (!x) {
		count_loss();
		if (in)
			in->ev.kind = TBPF_K_NONE;
		return 0;
	}
	e = &x->ev;
	if (in) {
		bpf_probe_read_kernel(x, sizeof(*x), in);
		in->ev.kind = TBPF_K_NONE;
	} else {
		e->nr = 59;
		e->len1 = e->len2 = 0;
		e->flags = 0;
		e->sa_len = 0;
		e->argc = 0;
		e->args[0] = e->args[1] = e->args[2] = e->args[3] = e->args[4] = e->args[5] = 0;
	}
	e->kind = TBPF_K_EXECED;
	e->sk_family = 0;
	e->p1 = e->p2 = 0;
	e->old_tid = (__u32)old_pid;
	e->ret = 0;
	fill_header(e, task);
	if (e->len1 == 0) {
		n = bpf_probe_read_kernel_str(e->s1, TBPF_STR, bprm->filename);
		e->len1 = n > 0 ? (__u16)(n - 1) : 0;
	}
	if (e->argc) {		/* argv as the caller passed it was readable at entry */
		bpf_ringbuf_submit(x, BPF_RB_FORCE_WAKEUP);
		return 0;
	}
	mm = p->mm;
	start = mm->arg_start;
	end = mm->arg_end;
	len = end > start ? end - start : 0;
	e->flags &= ~TBPF_F_ARGV_TRUNC;
	if (len > TBPF_ARGV_BYTES) {
		len = TBPF_ARGV_BYTES;
		e->flags |= TBPF_F_ARGV_TRUNC;
	}
	e->argv_len = 0;
	e->argc = 0;
	if (len && bpf_probe_read_user(x->argv, (__u32)len, (const void *)start) == 0)
		e->argv_len = (__u16)len;
	/* Wake user space now: it reads /proc/<pid> (cwd, exe, #! line) while the process is
	 * likely still there. Execs are rare. */
	bpf_ringbuf_submit(x, BPF_RB_FORCE_WAKEUP);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!ours())
		return 0;
	return send_task_event(TBPF_K_FORK, parent, child);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_task_exit, struct task_struct *p)
{
	if (!ours())
		return 0;
	return send_task_event(TBPF_K_EXIT, p, p);
}
