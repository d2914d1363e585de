/*
 * The eBPF backend, user side (libbpf; the BPF side is bpf/trace.bpf.c, compiled and turned
 * into a skeleton by bpftool at build time when clang, bpftool, libbpf and the kernel's BTF
 * are there; else this file builds only the "not available" stubs, with the reason).
 *
 * Records arrive through a ring buffer and are turned into the same events as the ptrace
 * backend by the same code (decode.c): each record fills a struct task as the ptrace entry
 * stop would have, then trace_sys_exit() writes the event. What differs (docs/process-events.md,
 * "Backends"): x86_64 syscalls only (i386 processes show their fork/exec/exit only, from the
 * sched tracepoints), no read/write byte counts, strings cut at 256 bytes and argv at 32
 * elements / 2 KiB, and facts taken from /proc at event time (ResolvedPath, ExePath, local
 * socket address) are best effort: the process may have moved on. Nothing is stopped, so the
 * sample sees no tracer: no TracerPid, and PTRACE_TRACEME succeeds.
 *
 * Used two ways: by bos_trace_run (creates a cgroup2 group for the command, moves the child
 * into it before it execs) and by the lab (open in the host namespace, start with the
 * victim's cgroup id, poll, stop).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace_int.h"

#include "bos/clock.h"

#ifndef BOS_HAVE_EBPF

#ifndef BOS_EBPF_MISSING
#define BOS_EBPF_MISSING "eBPF backend not built"
#endif

int bos_trace_ebpf_open(struct bos_trace_ebpf **out, int events_fd, struct bos_err *err)
{
	(void)events_fd;
	*out = NULL;
	return bos_err_set(err, -BOS_ENOTIMPL, "%s", BOS_EBPF_MISSING);
}

int bos_trace_ebpf_start(struct bos_trace_ebpf *e, uint64_t cgroup_id, struct bos_err *err)
{
	(void)e;
	(void)cgroup_id;
	return bos_err_set(err, -BOS_ENOTIMPL, "%s", BOS_EBPF_MISSING);
}

int bos_trace_ebpf_poll(struct bos_trace_ebpf *e, int timeout_ms)
{
	(void)e;
	(void)timeout_ms;
	return -BOS_ENOTIMPL;
}

int bos_trace_ebpf_stop(struct bos_trace_ebpf *e, struct bos_trace_result *res,
			struct bos_err *err)
{
	(void)e;
	(void)res;
	return bos_err_set(err, -BOS_ENOTIMPL, "%s", BOS_EBPF_MISSING);
}

void bos_trace_ebpf_free(struct bos_trace_ebpf *e)
{
	free(e);
}

int trace_run_ebpf(const struct bos_trace_opts *o, char *const argv[],
		   struct bos_trace_result *res, struct bos_err *err)
{
	(void)o;
	(void)argv;
	(void)res;
	return bos_err_set(err, -BOS_ENOTIMPL, "%s", BOS_EBPF_MISSING);
}

#else /* BOS_HAVE_EBPF */

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>

#include "trace.skel.h"
#include "trace_bpf.h"

#include "bos/limits.h"

/* USER_HZ: /proc/<pid>/stat's starttime is start_boottime in these ticks; keys match ptrace's. */
#define TICK_NS 10000000ULL

struct bos_trace_ebpf {
	struct trace_bpf *skel;
	struct ring_buffer *rb;
	struct tracer t;
	struct bos_trace_opts opts;
	struct bos_trace_result res;
	int64_t boot_to_real;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */
	bool started;
	bool own_root;		/* bos trace: the command shares our mount namespace */
};

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;	/* libraries do not print (STYLE.md 4) */
}

static void make_key(char *dst, size_t len, uint32_t pid, uint64_t start_ns)
{
	snprintf(dst, len, "%u.%llu", pid, (unsigned long long)(start_ns / TICK_NS));
}

/* The task for a record's thread, created (with its process) on first sight. */
static struct task *task_of(struct bos_trace_ebpf *e, const struct tbpf_event *ev)
{
	struct tracer *t = &e->t;
	struct task *tk = trace_task_find(t, (pid_t)ev->tid), *lead;
	struct proc *p;

	if (!tk) {
		lead = ev->tid != ev->pid ? trace_task_find(t, (pid_t)ev->pid) : NULL;
		tk = trace_task_add(t, (pid_t)ev->tid, lead ? lead->proc : NULL);
		if (!tk) {
			t->res->lost++;
			return NULL;
		}
		p = tk->proc;
		if (!lead) {
			p->pid = (pid_t)ev->pid;
			make_key(p->key, sizeof(p->key), ev->pid, ev->start);
			/* Seen first after its exec (the fork was before start): count it as such. */
			p->execd = (pid_t)ev->pid != t->first_pid;
		}
	}
	p = tk->proc;
	p->uid = ev->uid;
	p->euid = ev->euid;
	if (!p->ppid && (pid_t)ev->pid != t->first_pid) {
		p->ppid = (pid_t)ev->ppid;
		make_key(p->parent_key, sizeof(p->parent_key), ev->ppid, ev->pstart);
	} else if (!p->ppid) {
		p->ppid = (pid_t)ev->ppid;
	}
	return tk;
}

/* The record's socket addresses as sockaddr bytes, the form decode.c parses. */
static void fill_bpf_sock(struct task *tk, const struct tbpf_event *ev)
{
	struct sockaddr_in6 l6 = { .sin6_family = AF_INET6 }, r6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in l4 = { .sin_family = AF_INET }, r4 = { .sin_family = AF_INET };

	tk->bpf_sock_type = ev->sk_type;
	if (ev->sk_family == AF_INET) {
		l4.sin_port = htons(ev->lport);
		r4.sin_port = htons(ev->rport);
		memcpy(&l4.sin_addr, ev->laddr, 4);
		memcpy(&r4.sin_addr, ev->raddr, 4);
		memcpy(tk->bpf_local, &l4, sizeof(l4));
		memcpy(tk->bpf_remote, &r4, sizeof(r4));
		tk->bpf_sa_len = sizeof(l4);
	} else {
		l6.sin6_port = htons(ev->lport);
		r6.sin6_port = htons(ev->rport);
		memcpy(&l6.sin6_addr, ev->laddr, 16);
		memcpy(&r6.sin6_addr, ev->raddr, 16);
		memcpy(tk->bpf_local, &l6, sizeof(l6));
		memcpy(tk->bpf_remote, &r6, sizeof(r6));
		tk->bpf_sa_len = sizeof(l6);
	}
}

/* x86_64 number -> enum sc, filled once at open (was a linear search per record). */
#define SC_BY_NR_LEN 512
static uint16_t sc_by_nr[SC_BY_NR_LEN];

static void sc_table_init(void)
{
	for (size_t i = 0; i < trace_sc_x86_64_len; i++)
		if (trace_sc_x86_64[i].nr < SC_BY_NR_LEN)
			sc_by_nr[trace_sc_x86_64[i].nr] = trace_sc_x86_64[i].sc;
}

static uint16_t sc_of(uint32_t nr)
{
	return nr < SC_BY_NR_LEN ? sc_by_nr[nr] : SC_NONE;
}

static void ev_fork(struct bos_trace_ebpf *e, struct task *tk, const struct tbpf_event *ev)
{
	struct tracer *t = &e->t;
	struct bos_json *j = &t->j;
	pid_t ctid = (pid_t)ev->args[0], ctgid = (pid_t)ev->args[1];
	bool thread = ctgid == tk->proc->pid;
	struct task *child;

	if (trace_task_find(t, ctid))
		return;
	child = trace_task_add(t, ctid, thread ? tk->proc : NULL);
	if (!child) {
		t->res->lost++;
		return;
	}
	if (!thread) {
		struct proc *p = child->proc;

		p->pid = ctgid;
		p->ppid = tk->proc->pid;
		make_key(p->key, sizeof(p->key), (uint32_t)ctgid, ev->args[2]);
		memcpy(p->parent_key, tk->proc->key, sizeof(p->parent_key));
		p->uid = tk->proc->uid;
		p->euid = tk->proc->euid;
		p->execd = tk->proc->execd;
		trace_fd_copy(p, tk->proc);
	}
	child->announced = true;
	if (!tk->proc->execd && tk->proc->pid == t->first_pid)
		return;
	trace_ev_begin(t, tk, thread ? "thread.create" : "process.fork");
	if (thread) {
		bos_json_kv_int(j, "ChildThreadId", ctid);
	} else {
		bos_json_kv_int(j, "ChildProcessId", ctgid);
		bos_json_kv_str(j, "child_key", child->proc->key);
	}
	trace_ev_end(t);
}

static void ev_exit(struct bos_trace_ebpf *e, struct task *tk, const struct tbpf_event *ev)
{
	struct tracer *t = &e->t;
	struct bos_json *j = &t->j;
	struct proc *p = tk->proc;
	int status = (int)ev->args[0];
	bool last = ev->args[2] == 0 || p->nthreads == 1;

	if (last) {
		for (size_t i = p->nfds; i-- > 0;) {
			if (p->execd || p->pid != t->first_pid)
				trace_ev_fd_close(t, tk, &p->fds[i], "exit");
			trace_fd_del(p, &p->fds[i]);
		}
	}
	if (last && (int)ev->args[1])
		status = (int)ev->args[1];	/* exit_group / fatal signal: the group's status */
	trace_ev_begin(t, tk, last ? "process.exit" : "thread.exit");
	if (WIFSIGNALED(status) || (status & 0x7f)) {
		bos_json_kv_int(j, "signal", status & 0x7f);
		if (sigabbrev_np(status & 0x7f))
			bos_json_kv_str(j, "signal_name", sigabbrev_np(status & 0x7f));
		if (status & 0x80)
			bos_json_kv_bool(j, "core_dumped", true);
	} else {
		bos_json_kv_int(j, "exit_code", (status >> 8) & 0xff);
	}
	trace_ev_end(t);
	trace_task_del(t, tk);
}

static void on_syscall(struct bos_trace_ebpf *e, struct task *tk, const struct tbpf_event *ev,
		       const char *argv)
{
	struct tracer *t = &e->t;
	uint16_t sc = sc_of(ev->nr);
	size_t l1 = ev->len1 < TBPF_STR ? ev->len1 : TBPF_STR - 1;
	size_t l2 = ev->len2 < TBPF_STR ? ev->len2 : TBPF_STR - 1;

	if (sc == SC_NONE)
		return;
	t->res->syscalls++;
	if (tk->proc->pid == t->first_pid && !tk->proc->execd && sc != SC_EXECVE &&
	    sc != SC_EXECVEAT)
		return;		/* the lab's pre_exec, as with ptrace */
	memcpy(tk->args, ev->args, sizeof(tk->args));
	tk->sc = sc;
	tk->arch = TRACE_ARCH_X86_64;
	tk->wide = true;
	tk->socketcall = false;
	tk->mem_error = false;
	tk->str_trunc = l1 == TBPF_STR - 1 || l2 == TBPF_STR - 1;
	if (tk->str_trunc)
		t->res->truncated++;
	bos_buf_reset(&tk->s1);
	bos_buf_add(&tk->s1, ev->s1, l1);
	bos_buf_reset(&tk->s2);
	bos_buf_add(&tk->s2, ev->s2, l2);
	tk->salen = ev->sa_len <= sizeof(tk->sa) ? ev->sa_len : 0;
	memcpy(tk->sa, ev->sa, tk->salen);
	tk->bpf_sock = ev->sk_family == AF_INET || ev->sk_family == AF_INET6;
	if (tk->bpf_sock)
		fill_bpf_sock(tk, ev);
	if (sc == SC_CLOSE) {
		struct fdent *f = ev->ret == 0 ? trace_fd_find(tk->proc, (int)ev->args[0]) : NULL;

		if (f) {
			trace_ev_fd_close(t, tk, f, "close");
			trace_fd_del(tk->proc, f);
		}
		return;
	}
	if (sc == SC_EXECVE || sc == SC_EXECVEAT) {
		size_t al = ev->argv_len < TBPF_ARGV_BYTES ? ev->argv_len : TBPF_ARGV_BYTES;

		if (!argv)
			al = 0;
		bos_buf_reset(&tk->exec_path);
		bos_buf_add(&tk->exec_path, ev->s1, l1);
		bos_buf_reset(&tk->exec_argv);
		if (al)
			bos_buf_add(&tk->exec_argv, argv, al);
		/* From the new stack (TBPF_K_EXECED) the last string may be cut: end it. */
		if (al && argv[al - 1] != '\0')
			bos_buf_addch(&tk->exec_argv, '\0');
		tk->exec_trunc = (ev->flags & TBPF_F_ARGV_TRUNC) != 0;
		if (tk->exec_trunc)
			t->res->truncated++;
		trace_exec_prepare(tk, sc == SC_EXECVE ? AT_FDCWD : (int32_t)ev->args[0],
				   e->own_root);
		if (ev->kind == TBPF_K_EXECED) {
			trace_exec_done(t, tk);
			return;
		}
	}
	trace_sys_exit(t, tk, ev->ret, ev->ret < 0);
}

/*
 * Records are variable-length (trace_bpf.h, tbpf_record_size): the header always, then only
 * the string and address bytes used. Copied into a zeroed struct so that nothing past the
 * record is read, whatever its lengths say; a record shorter than the header is counted as
 * lost (it cannot happen unless the BPF side is broken: not silently dropped).
 */
static int on_record(void *ctx, void *data, size_t size)
{
	struct bos_trace_ebpf *e = ctx;
	struct tbpf_event ev_buf;
	const struct tbpf_event *ev = &ev_buf;
	const char *argv = size >= sizeof(struct tbpf_exec) ?
				   ((const struct tbpf_exec *)data)->argv : NULL;
	size_t have = size < sizeof(ev_buf) ? size : sizeof(ev_buf);
	size_t s2_at = offsetof(struct tbpf_event, s2);
	struct task *tk;

	if (size < TBPF_HDR_BYTES) {
		e->t.res->lost++;
		return 0;
	}
	memcpy(&ev_buf, data, have);
	memset((char *)&ev_buf + have, 0, sizeof(ev_buf) - have);
	if (ev_buf.len1 >= have - TBPF_HDR_BYTES)
		ev_buf.len1 = have > TBPF_HDR_BYTES ? (uint16_t)(have - TBPF_HDR_BYTES - 1) : 0;
	if (ev_buf.sa_len > have - TBPF_HDR_BYTES)
		ev_buf.sa_len = (uint16_t)(have - TBPF_HDR_BYTES);
	if (have <= s2_at)
		ev_buf.len2 = 0;
	else if (ev_buf.len2 >= have - s2_at)
		ev_buf.len2 = (uint16_t)(have - s2_at - 1);
	e->t.now_ns = (int64_t)ev->ts + e->boot_to_real;
	if (ev->kind == TBPF_K_EXECED && ev->old_tid != ev->tid) {
		/* exec from a non-leader thread: the old thread id is gone. */
		struct task *old = trace_task_find(&e->t, (pid_t)ev->old_tid);

		if (old)
			trace_task_del(&e->t, old);
	}
	tk = task_of(e, ev);
	if (!tk)
		return 0;
	switch (ev->kind) {
	case TBPF_K_FORK:
		ev_fork(e, tk, ev);
		break;
	case TBPF_K_EXIT:
		ev_exit(e, tk, ev);
		break;
	default:
		on_syscall(e, tk, ev, argv);
		break;
	}
	return 0;
}

int bos_trace_ebpf_open(struct bos_trace_ebpf **out, int events_fd, struct bos_err *err)
{
	struct bos_trace_ebpf *e = calloc(1, sizeof(*e));
	int ret = 0;

	*out = NULL;
	if (!e)
		return bos_err_set(err, -ENOMEM, "ebpf: out of memory");
	libbpf_set_print(libbpf_quiet);
	sc_table_init();
	e->opts = (struct bos_trace_opts){ .events_fd = events_fd, .flags = BOS_TRACE_NO_IO };
	e->res.backend = BOS_TRACE_EBPF;
	e->t.opts = &e->opts;
	e->t.res = &e->res;
	e->t.first_pid = -1;
	bos_buf_init(&e->t.out);
	e->t.tasks_cap = 1;
	while (e->t.tasks_cap < 2 * BOS_TRACE_MAX_TASKS)
		e->t.tasks_cap <<= 1;
	e->t.tasks = calloc(e->t.tasks_cap, sizeof(*e->t.tasks));
	if (!e->t.tasks) {
		ret = bos_err_set(err, -ENOMEM, "ebpf: out of memory");
		goto fail;
	}
	e->skel = trace_bpf__open_and_load();
	if (!e->skel) {
		ret = bos_err_sys(err, "ebpf: loading the BPF programs (root and BTF needed)");
		goto fail;
	}
	if (trace_bpf__attach(e->skel)) {
		ret = bos_err_sys(err, "ebpf: attaching to raw tracepoints");
		goto fail;
	}
	e->rb = ring_buffer__new(bpf_map__fd(e->skel->maps.rb), on_record, e, NULL);
	if (!e->rb) {
		ret = bos_err_sys(err, "ebpf: ring buffer");
		goto fail;
	}
	e->boot_to_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	*out = e;
	return 0;
fail:
	bos_trace_ebpf_free(e);
	return ret;
}

int bos_trace_ebpf_start(struct bos_trace_ebpf *e, uint64_t cgroup_id, struct bos_err *err)
{
	(void)err;
	/* The BPF programs read it from the memory-mapped .bss on every syscall. */
	__atomic_store_n(&e->skel->bss->target_cgroup, cgroup_id, __ATOMIC_RELEASE);
	e->started = true;
	return 0;
}

int bos_trace_ebpf_poll(struct bos_trace_ebpf *e, int timeout_ms)
{
	int n = ring_buffer__poll(e->rb, timeout_ms);

	if (n == -EINTR)
		n = 0;
	/* Records are submitted without a wakeup until 2 MiB wait (TBPF_WAKE_BYTES): the poll
	 * may time out with records there. */
	if (n >= 0) {
		int m = ring_buffer__consume(e->rb);

		if (m > 0)
			n += m;
	}
	if (e->t.out.len)
		trace_flush(&e->t);
	return n;
}

static uint64_t read_lost(struct bos_trace_ebpf *e)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;
	uint32_t k = 0;

	if (ncpu <= 0)
		return 0;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (v && bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.lost), &k, v) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

int bos_trace_ebpf_stop(struct bos_trace_ebpf *e, struct bos_trace_result *res,
			struct bos_err *err)
{
	struct tracer *t = &e->t;

	(void)err;
	ring_buffer__consume(e->rb);
	__atomic_store_n(&e->skel->bss->target_cgroup, 0, __ATOMIC_RELEASE);
	ring_buffer__consume(e->rb);
	e->res.lost += read_lost(e);
	t->now_ns = bos_clock_now_ns();
	trace_ev_begin(t, NULL, "trace.summary");
	bos_json_kv_str(&t->j, "backend", "ebpf");
	bos_json_kv_str(&t->j, "backend_reason", e->res.backend_reason);
	bos_json_kv_str(&t->j, "end", e->res.end == BOS_TRACE_END_EXITED ? "exited" :
				  e->res.end == BOS_TRACE_END_STOPPED ? "stopped" : "deadline");
	bos_json_kv_uint(&t->j, "events", e->res.events);
	bos_json_kv_uint(&t->j, "processes", e->res.processes);
	bos_json_kv_uint(&t->j, "syscalls", e->res.syscalls);
	bos_json_kv_uint(&t->j, "lost", e->res.lost);
	bos_json_kv_uint(&t->j, "truncated", e->res.truncated);
	bos_json_kv_uint(&t->j, "read_errors", e->res.read_errors);
	trace_ev_end(t);
	trace_flush(t);
	if (res)
		*res = e->res;
	return 0;
}

void bos_trace_ebpf_free(struct bos_trace_ebpf *e)
{
	if (!e)
		return;
	ring_buffer__free(e->rb);
	if (e->skel)
		trace_bpf__destroy(e->skel);
	trace_tasks_free(&e->t);
	bos_buf_release(&e->t.out);
	free(e);
}

/* ---------------------------------------------------------------- bos_trace_run */

/*
 * bos trace's own cgroup2 groups: "bos-trace-<pid>-<16 hex>" at the root of the cgroup2
 * mount. <pid> is ours as the mounted /proc sees it (readlink /proc/self: the host's pid
 * even when bos itself is PID 1 of a pid namespace, unless /proc was remounted there), for
 * people and for the stale-group sweep; the random part makes the name unique whatever the
 * pid says (two runs in two pid namespaces are both "1" to getpid). An existing name is
 * never shared: mkdir must create it.
 */
#define CG_PREFIX "bos-trace-"
#define CG_STALE_NS (60 * 1000000000LL)

static long proc_self_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	char *end;
	long v;

	if (n <= 0)
		return (long)getpid();
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return *end || v <= 0 ? (long)getpid() : v;
}

static uint64_t cg_random(void)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint64_t)bos_clock_now_ns() ^ ((uint64_t)getpid() << 32);
	return r;
}

static int cgroup_members(const char *dir, bool kill_all);

/*
 * Groups of earlier runs that could not remove theirs (bos trace SIGKILLed): empty, no
 * sub-group, older than CG_STALE_NS, and their owner's pid not in our /proc. A live run's
 * group is empty only for an instant after mkdir and before its rmdir, far below the age.
 */
static void sweep_stale(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;
	int64_t now = bos_clock_now_ns();

	if (!d)
		return;
	while ((de = readdir(d))) {
		char dir[512], sub[600], proc[64];
		struct stat st;
		char *end;
		long owner;

		if (strncmp(de->d_name, CG_PREFIX, sizeof(CG_PREFIX) - 1))
			continue;
		owner = strtol(de->d_name + sizeof(CG_PREFIX) - 1, &end, 10);
		if (owner <= 0 || (*end && *end != '-'))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
		snprintf(proc, sizeof(proc), "/proc/%ld", owner);
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    now - ((int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec) <
			    CG_STALE_NS ||
		    access(proc, F_OK) == 0 || cgroup_members(dir, false) != 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/cgroup.procs", dir);
		if (access(sub, F_OK) == 0)	/* a cgroup, not some other directory */
			rmdir(dir);		/* fails (ENOTEMPTY, EBUSY) if in use */
	}
	closedir(d);
}

/* A cgroup2 group of our own for the command (hybrid hosts: the unified mount). */
static int make_cgroup(char *dir, size_t len, uint64_t *id, struct bos_err *err)
{
	static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	struct statfs sf;
	struct stat st;

	for (size_t i = 0; i < BOS_ARRAY_SIZE(roots); i++) {
		int tries = 0;

		if (statfs(roots[i], &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
			continue;
		sweep_stale(roots[i]);
		for (;;) {
			snprintf(dir, len, "%s/" CG_PREFIX "%ld-%016llx", roots[i], proc_self_pid(),
				 (unsigned long long)cg_random());
			if (mkdir(dir, 0755) == 0)
				break;
			if (errno != EEXIST || ++tries == 8) {
				int r = bos_err_sys(err, "ebpf: mkdir %s", dir);

				dir[0] = '\0';
				return r;
			}
		}
		if (stat(dir, &st) < 0) {
			int r = bos_err_sys(err, "ebpf: stat %s", dir);

			rmdir(dir);
			dir[0] = '\0';
			return r;
		}
		*id = st.st_ino;	/* a cgroup2 directory's inode number is its cgroup id */
		return 0;
	}
	dir[0] = '\0';
	return bos_err_set(err, -ENOENT, "ebpf: no cgroup2 hierarchy mounted");
}

/*
 * Remove our group. Its last tasks may still be leaving it for a moment after they were
 * reaped (rmdir says EBUSY while the kernel unlinks them), and on an error path a task may
 * still be in it: kill what is there and retry for up to a second.
 */
static void remove_cgroup(const char *dir)
{
	for (int i = 0; i < 100; i++) {
		struct timespec ts = { 0, 10 * 1000000L };

		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			return;
		cgroup_members(dir, true);
		nanosleep(&ts, NULL);
	}
}

static int write_file(const char *dir, const char *name, const char *s)
{
	char path[512];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Pids still in the group; kills them when kill_all. */
static int cgroup_members(const char *dir, bool kill_all)
{
	char path[512], buf[4096];
	int fd, n = 0;
	ssize_t r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((r = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[r] = '\0';
		for (char *p = buf, *end; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			n++;
			if (kill_all && pid > 0)
				kill((pid_t)pid, SIGKILL);
			while (*end == '\n')
				end++;
		}
	}
	close(fd);
	return n;
}

/*
 * The command called PTRACE_TRACEME (anti-debugging): we, its parent, became its tracer
 * without asking, and its next signal or exec stops it for us. Let it go at that first stop
 * as a debugger that does nothing would: the SIGSTOP of the TRACEME-then-raise(SIGSTOP)
 * handshake and the SIGTRAP a traced exec sends itself are swallowed (they exist only
 * because it is traced), any other signal is delivered. The lab's init does the same
 * (src/sandbox/victim.c, let_go).
 */
static void let_go(pid_t pid, int status)
{
	int sig = WSTOPSIG(status);
	siginfo_t si;

	if (sig == SIGSTOP)
		sig = 0;
	else if (sig == SIGTRAP && ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) == 0 &&
		 si.si_code == SI_USER && si.si_pid == pid)
		sig = 0;	/* exec's own SIGTRAP (a kill(getpid(), SIGTRAP) looks the same) */
	ptrace(PTRACE_DETACH, pid, NULL, (void *)(uintptr_t)sig);
}

int trace_run_ebpf(const struct bos_trace_opts *o, char *const argv[],
		   struct bos_trace_result *res, struct bos_err *err)
{
	struct bos_trace_ebpf *e = NULL;
	char cg[256] = "", pidbuf[32], reason[sizeof(res->backend_reason)];
	int sync[2] = { -1, -1 }, errp[2] = { -1, -1 }, ret, status = 0, xe = 0;
	bool reaped = false;
	uint64_t cgid = 0;
	pid_t pid = -1;

	memcpy(reason, res->backend_reason, sizeof(reason));
	ret = bos_trace_ebpf_open(&e, o->events_fd, err);
	if (ret < 0)
		return ret;
	memcpy(e->res.backend_reason, reason, sizeof(reason));
	e->own_root = true;
	e->opts.stop = o->stop;
	e->opts.deadline_ns = o->deadline_ns;
	ret = make_cgroup(cg, sizeof(cg), &cgid, err);
	if (ret < 0)
		goto out;
	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		ret = bos_err_sys(err, "ebpf: pipe");
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = bos_err_sys(err, "ebpf: fork");
		goto out;
	}
	if (pid == 0) {
		extern char **environ;
		char c;
		int x;

		close(sync[1]);
		close(errp[0]);
		if (read(sync[0], &c, 1) != 1)
			_exit(127);
		x = o->pre_exec ? o->pre_exec(o->pre_exec_ctx) : 0;
		if (x == 0) {
			execvpe(argv[0], argv, o->envp ? o->envp : environ);
			x = errno;
		}
		if (write(errp[1], &x, sizeof(x)) < 0)
			_exit(127);
		_exit(127);
	}
	close(sync[0]);
	sync[0] = -1;
	close(errp[1]);
	errp[1] = -1;
	e->t.first_pid = pid;
	res->first_pid = pid;
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	if ((ret = write_file(cg, "cgroup.procs", pidbuf)) < 0) {
		bos_err_set(err, ret, "ebpf: moving %d into %s: %s", (int)pid, cg, strerror(-ret));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	if ((ret = bos_trace_ebpf_start(e, cgid, err)) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	if (write(sync[1], "g", 1) != 1)
		kill(pid, SIGKILL);
	close(sync[1]);
	sync[1] = -1;

	for (;;) {
		bos_trace_ebpf_poll(e, 100);
		/* Any of our children (bos_trace_run's contract: only the command): a thread
		 * of it that called PTRACE_TRACEME stops for us under its own id. */
		for (pid_t w; (w = waitpid(-1, &status, WNOHANG | __WALL)) > 0;) {
			if (WIFSTOPPED(status)) {
				let_go(w, status);
				e->res.detached++;
			} else if (w == pid) {
				reaped = true;
				res->first_status = status;
			}
		}
		if ((o->stop && *o->stop) || (o->deadline_ns && bos_clock_now_ns() >= o->deadline_ns)) {
			if (!e->t.killing)
				e->res.end = (o->stop && *o->stop) ? BOS_TRACE_END_STOPPED :
								     BOS_TRACE_END_DEADLINE;
			e->t.killing = true;
			cgroup_members(cg, true);
		}
		if (reaped && cgroup_members(cg, false) == 0)
			break;
	}
	/* The last exits are in the ring buffer already: a task's sched_process_exit record is
	 * committed before it leaves the group, and the group is empty. No need to wait. */
	bos_trace_ebpf_poll(e, 0);
	bos_trace_ebpf_stop(e, NULL, err);
	e->res.first_pid = pid;
	e->res.first_status = res->first_status;
	if (read(errp[0], &xe, sizeof(xe)) == (ssize_t)sizeof(xe))
		e->res.exec_errno = xe;
	*res = e->res;
	ret = 0;
out:
	if (cg[0])
		remove_cgroup(cg);
	for (int i = 0; i < 2; i++) {
		if (sync[i] >= 0)
			close(sync[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	bos_trace_ebpf_free(e);
	return ret;
}

#endif /* BOS_HAVE_EBPF */
