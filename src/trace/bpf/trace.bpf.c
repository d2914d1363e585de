// SPDX-License-Identifier: GPL-2.0
/*
 * eBPF side of the ebpf trace backend (src/trace/ebpf.c loads it with the skeleton bpftool
 * generates at build time). CO-RE against the running kernel's BTF; attached to raw
 * tracepoints only (raw_syscalls sys_enter/sys_exit, sched_process_fork/exit): no kprobes or
 * fentry exist on the target machines, and raw tracepoints need no tracefs.
 *
 * Only tasks in one cgroup2 group (cfg[0], bpf_get_current_cgroup_id) are looked at. A
 * syscall of interest (x86_64 numbers, the same set as the seccomp filter minus read/write)
 * copies its input arguments (path strings, argv, socket address) at entry into a per-thread
 * in-flight record; its exit sends the record and the result through the ring buffer.
 * Anything that cannot be sent (ring buffer full, in-flight table full) bumps the loss
 * counter, which user space reports: losses are never silent.
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

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cfg SEC(".maps");

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

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TBPF_MAX_INFLIGHT);
	__type(key, __u32);
	__type(value, struct tbpf_event);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct tbpf_exec);
} inflight_exec SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tbpf_exec);
} scratch SEC(".maps");

static __always_inline void submit(void *rec)
{
	bpf_ringbuf_submit(rec, bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) > TBPF_WAKE_BYTES ?
				BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
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
	__u32 k = 0;
	__u64 *cg = bpf_map_lookup_elem(&cfg, &k);

	return cg && *cg && bpf_get_current_cgroup_id() == *cg;
}

static __always_inline void fill_header(struct tbpf_event *e, struct task_struct *task)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->ts = bpf_ktime_get_boot_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = BPF_CORE_READ(task, cred, uid.val);
	e->euid = BPF_CORE_READ(task, cred, euid.val);
	e->start = BPF_CORE_READ(task, group_leader, start_boottime);
	e->pstart = BPF_CORE_READ(task, real_parent, group_leader, start_boottime);
}

/* Which x86_64 syscalls we copy, and how (see struct tbpf_event). */
static __always_inline int wanted(long nr)
{
	switch (nr) {
	case 59: case 322:				/* execve, execveat */
		return TBPF_K_EXEC;
	case 2: case 85: case 87: case 84: case 83: case 90: case 92: case 94: case 76:
	case 319:
		/* open creat unlink rmdir mkdir chmod chown lchown truncate memfd_create */
		return TBPF_K_PATH0;
	case 257: case 437: case 263: case 258: case 268: case 452: case 260:
		/* openat openat2 unlinkat mkdirat fchmodat fchmodat2 fchownat */
		return TBPF_K_PATH1;
	case 82:					/* rename */
		return TBPF_K_PATH01;
	case 264: case 316:				/* renameat, renameat2 */
		return TBPF_K_PATH13;
	case 42: case 49:				/* connect, bind */
		return TBPF_K_SA1;
	case 44:					/* sendto */
		return TBPF_K_SA4;
	case 41: case 50: case 43: case 288: case 105: case 106: case 113: case 114:
	case 117: case 119: case 62: case 200: case 234: case 101: case 3: case 77: case 91:
	case 93:
		/* socket listen accept accept4 setuid setgid setreuid setregid setresuid
		 * setresgid kill tkill tgkill ptrace close ftruncate fchmod fchown */
		return TBPF_K_ARGS;
	default:
		return 0;
	}
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

SEC("raw_tp/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *task;
	struct tbpf_exec *x;
	struct tbpf_event *e;
	__u32 k = 0, tid;
	int kind;

	if (!ours())
		return 0;
	kind = wanted(nr);
	if (!kind)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	if (BPF_CORE_READ(task, thread_info.status) & 0x0002)	/* TS_COMPAT: i386 numbers */
		return 0;
	x = bpf_map_lookup_elem(&scratch, &k);
	if (!x)
		return 0;
	e = &x->ev;
	e->kind = kind;
	e->nr = (__u32)nr;
	e->len1 = e->len2 = 0;
	e->p1 = e->p2 = 0;
	e->argc = 0;
	e->argv_len = 0;
	e->sa_len = 0;
	e->flags = 0;
	e->args[0] = BPF_CORE_READ(regs, di);
	e->args[1] = BPF_CORE_READ(regs, si);
	e->args[2] = BPF_CORE_READ(regs, dx);
	e->args[3] = BPF_CORE_READ(regs, r10);
	e->args[4] = BPF_CORE_READ(regs, r8);
	e->args[5] = BPF_CORE_READ(regs, r9);
	switch (kind) {
	case TBPF_K_EXEC: {
		__u64 path = nr == 59 ? e->args[0] : e->args[1];
		__u64 argv = nr == 59 ? e->args[1] : e->args[2];
		__u32 off = 0;

		read_path(e->s1, &e->len1, &e->p1, path);
		for (int i = 0; i < TBPF_MAX_ARGV; i++) {
			__u64 p = 0;
			long n;

			if (bpf_probe_read_user(&p, sizeof(p), (const void *)(argv + i * 8)) || !p)
				break;
			if (off > TBPF_ARGV_BYTES - TBPF_ARG_MAX) {
				e->flags |= TBPF_F_ARGV_TRUNC;
				break;
			}
			n = bpf_probe_read_user_str(&x->argv[off & (TBPF_ARGV_BYTES - 1)],
						    TBPF_ARG_MAX, (const void *)p);
			if (n <= 0)
				break;
			if (n == TBPF_ARG_MAX)
				e->flags |= TBPF_F_ARGV_TRUNC;
			off += n;
			e->argc++;
		}
		e->argv_len = off;
		break;
	}
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

		if (!sa) {
			if (kind == TBPF_K_SA4)
				return 0;	/* sendto without address: not an event */
			break;
		}
		__u32 l = len > TBPF_SA ? TBPF_SA : (__u32)len;

		if (l && bpf_probe_read_user(e->sa, l, (const void *)sa) == 0)
			e->sa_len = (__u16)l;
		break;
	}
	default:
		break;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	if (kind == TBPF_K_EXEC ? bpf_map_update_elem(&inflight_exec, &tid, x, BPF_ANY) :
				  bpf_map_update_elem(&inflight, &tid, e, BPF_ANY))
		count_loss();
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

SEC("raw_tp/sys_exit")
int BPF_PROG(on_exit, struct pt_regs *regs, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct tbpf_event *in, *e;
	struct tbpf_exec *inx, *x;

	/* Every syscall of the machine comes here: the cheap cgroup test first. An exec
	 * moving a task out of the group between entry and exit is not followed. */
	if (!ours())
		return 0;
	in = bpf_map_lookup_elem(&inflight, &tid);
	if (!in) {
		/* A failed exec (a successful one is sent by on_exec). */
		inx = bpf_map_lookup_elem(&inflight_exec, &tid);
		if (!inx)
			return 0;
		x = bpf_ringbuf_reserve(&rb, sizeof(*x), 0);
		if (!x) {
			count_loss();
		} else {
			bpf_probe_read_kernel(x, sizeof(*x), inx);
			fill_header(&x->ev, (struct task_struct *)bpf_get_current_task());
			x->ev.ret = ret;
			x->ev.sk_family = 0;
			bpf_ringbuf_submit(x, BPF_RB_FORCE_WAKEUP);
		}
		bpf_map_delete_elem(&inflight_exec, &tid);
		return 0;
	}
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		count_loss();
		bpf_map_delete_elem(&inflight, &tid);
		return 0;
	}
	bpf_probe_read_kernel(e, sizeof(*e), in);
	bpf_map_delete_elem(&inflight, &tid);
	if (e->p1 && e->kind != TBPF_K_EXEC)
		read_path(e->s1, &e->len1, &e->p1, e->p1);
	if (e->p2)
		read_path(e->s2, &e->len2, &e->p2, e->p2);
	fill_header(e, (struct task_struct *)bpf_get_current_task());
	e->ret = ret;
	e->sk_family = 0;
	if ((e->nr == 42 && (ret == 0 || ret == -115)) || (e->nr == 44 && ret >= 0))
		sock_addrs(e, e->args[0]);		/* connect (ok, EINPROGRESS), sendto */
	else if ((e->nr == 43 || e->nr == 288) && ret >= 0)
		sock_addrs(e, (__u64)ret);		/* accept: the new socket */
	submit(e);
	return 0;
}

static __always_inline int send_task_event(int kind, struct task_struct *p,
					   struct task_struct *child)
{
	struct tbpf_event *e;

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		count_loss();
		return 0;
	}
	e->kind = kind;
	e->nr = 0;
	e->old_tid = 0;
	e->sk_family = 0;
	e->len1 = e->len2 = 0;
	e->p1 = e->p2 = 0;
	e->argc = 0;
	e->argv_len = 0;
	e->sa_len = 0;
	e->flags = 0;
	e->ret = 0;
	fill_header(e, (struct task_struct *)bpf_get_current_task());
	if (kind == TBPF_K_FORK) {
		e->args[0] = BPF_CORE_READ(child, pid);
		e->args[1] = BPF_CORE_READ(child, tgid);
		e->args[2] = BPF_CORE_READ(child, start_boottime);
	} else {
		e->args[0] = BPF_CORE_READ(p, exit_code);
		e->args[1] = BPF_CORE_READ(p, signal, group_exit_code);
		e->args[2] = BPF_CORE_READ(p, signal, live.counter);
	}
	submit(e);
	return 0;
}

/*
 * A successful exec, seen from inside it: the new image's argv is on its fresh stack (just
 * written by the kernel, so readable), the path in bprm is kernel memory. Emitted here rather
 * than at sys_exit because an exec from a non-leader thread changes the thread's id, and
 * because the caller's strings may not have been readable at entry (pages of a fresh fork).
 */
SEC("raw_tp/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 old = (__u32)old_pid;
	struct tbpf_exec *in, *x;
	struct tbpf_event *e;
	struct mm_struct *mm;
	__u64 start, end, len;
	long n;

	if (!ours())
		return 0;
	x = bpf_ringbuf_reserve(&rb, sizeof(*x), 0);
	if (!x) {
		count_loss();
		bpf_map_delete_elem(&inflight_exec, &old);
		return 0;
	}
	e = &x->ev;
	in = bpf_map_lookup_elem(&inflight_exec, &old);
	if (in) {
		bpf_probe_read_kernel(x, sizeof(*x), in);
		bpf_map_delete_elem(&inflight_exec, &old);
	} else {
		e->nr = 59;
		e->len1 = e->len2 = 0;
		e->flags = 0;
		e->sa_len = 0;
		e->args[0] = e->args[1] = e->args[2] = e->args[3] = e->args[4] = e->args[5] = 0;
	}
	e->kind = TBPF_K_EXECED;
	e->sk_family = 0;
	e->p1 = e->p2 = 0;
	e->old_tid = old;
	e->ret = 0;
	fill_header(e, (struct task_struct *)bpf_get_current_task());
	if (e->len1 == 0) {
		n = bpf_probe_read_kernel_str(e->s1, TBPF_STR, BPF_CORE_READ(bprm, filename));
		e->len1 = n > 0 ? (__u16)(n - 1) : 0;
	}
	if (e->argc) {		/* argv as the caller passed it was readable at entry */
		bpf_ringbuf_submit(x, BPF_RB_FORCE_WAKEUP);
		return 0;
	}
	mm = BPF_CORE_READ(p, mm);
	start = BPF_CORE_READ(mm, arg_start);
	end = BPF_CORE_READ(mm, arg_end);
	len = end > start ? end - start : 0;
	e->flags &= ~TBPF_F_ARGV_TRUNC;
	if (len > TBPF_ARGV_BYTES) {
		len = TBPF_ARGV_BYTES;
		e->flags |= TBPF_F_ARGV_TRUNC;
	}
	e->argv_len = 0;
	e->argc = 0;
	if (len && bpf_probe_read_user(x->argv, (__u32)len,
				       (const void *)start) == 0)
		e->argv_len = (__u16)len;
	/* Wake user space now: it reads /proc/<pid> (cwd, exe, #! line) while the process is
	 * likely still there. Execs are rare. */
	bpf_ringbuf_submit(x, BPF_RB_FORCE_WAKEUP);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!ours())
		return 0;
	return send_task_event(TBPF_K_FORK, parent, child);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_task_exit, struct task_struct *p)
{
	if (!ours())
		return 0;
	return send_task_event(TBPF_K_EXIT, p, p);
}
