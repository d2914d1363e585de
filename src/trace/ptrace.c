/*
 * The ptrace backend (ptrace(2), "Syscall-stops", "PTRACE_EVENT stops", "Group-stop"; design
 * after strace's INTERNALS and syscall.c). The child blocks on a pipe until the tracer has
 * PTRACE_SEIZEd it, then installs the seccomp filter (seccomp.c), runs the caller's pre_exec
 * and execs: from that point every process of the tree is traced from its first instruction
 * (TRACEFORK/VFORK/CLONE attach children before they run).
 *
 * Stops and what they mean here:
 *   seccomp stop (PTRACE_EVENT_SECCOMP)   syscall entry of one of ours; resumed with
 *                                         PTRACE_SYSCALL when its result is needed (since
 *                                         Linux 4.8 the next stop is then its syscall-exit)
 *   SIGTRAP|0x80                          that syscall-exit (PTRACE_GET_SYSCALL_INFO)
 *   PTRACE_EVENT_FORK/VFORK/CLONE         a new task; it may have been seen already
 *   PTRACE_EVENT_EXEC                     execve succeeded; the execing thread is now the
 *                                         leader (former tid in the event message)
 *   PTRACE_EVENT_STOP                     first stop of an auto-attached task, or group-stop
 *                                         (left stopped with PTRACE_LISTEN)
 *   other stop                            signal delivery: re-injected unchanged
 * Main loop: while (dispatch(t, next_event(t, &ev)));  Waiting is a blocking waitpid that a
 * per-thread POSIX timer interrupts every WAKE_MS with TRACE_WAKE_SIG (a real-time signal
 * with an empty handler, installed for the run and restored after), as strace blocks in
 * wait4: one syscall per stop, events flushed at most WAKE_MS late.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace_int.h"

#include "bos/clock.h"
#include "bos/limits.h"

#define WAKE_MS 100
#define TRACE_WAKE_SIG (SIGRTMAX - 3)
#ifndef sigev_notify_thread_id	/* glibc < 2.35 names the field only by its union member */
#define sigev_notify_thread_id _sigev_un._tid
#endif
#define KILL_GRACE_NS (5LL * 1000000000LL)

#define SEIZE_OPTS                                                                       \
	(PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACECLONE |               \
	 PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD)

enum ev_kind { EV_NONE, EV_STOP, EV_GONE, EV_DONE };

struct event {
	enum ev_kind kind;
	pid_t tid;
	int status;
};

static const char *const backend_names[] = { "auto", "ptrace", "ebpf" };

const char *bos_trace_backend_name(enum bos_trace_backend b)
{
	return (unsigned)b < BOS_ARRAY_SIZE(backend_names) ? backend_names[b] : "?";
}

int bos_trace_backend_parse(const char *name)
{
	for (size_t i = 0; i < BOS_ARRAY_SIZE(backend_names); i++)
		if (!strcmp(name, backend_names[i]))
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------------- tasks */

/* Reads "Tgid:" and "PPid:" of a task from /proc. */
static void read_tgid_ppid(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[64], buf[2048];
	const char *p;
	ssize_t n;
	int fd;

	*tgid = tid;
	*ppid = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nTgid:")))
		*tgid = (pid_t)strtol(p + 6, NULL, 10);
	if ((p = strstr(buf, "\nPPid:")))
		*ppid = (pid_t)strtol(p + 6, NULL, 10);
}

static void announce(struct tracer *t, struct task *parent, struct task *child)
{
	struct bos_json *j = &t->j;
	bool thread = child->proc == parent->proc;

	child->announced = true;
	if (!parent->proc->execd && parent->proc->pid == t->first_pid)
		return;
	trace_ev_begin(t, parent, thread ? "thread.create" : "process.fork");
	if (thread) {
		bos_json_kv_int(j, "ChildThreadId", child->tid);
	} else {
		bos_json_kv_int(j, "ChildProcessId", child->proc->pid);
		bos_json_kv_str(j, "child_key", child->proc->key);
	}
	trace_ev_end(t);
}

/*
 * A task we have not seen: created by fork/clone of a traced task. Its first stop can reach
 * us before the parent's PTRACE_EVENT_FORK/CLONE, so /proc tells who it belongs to, and the
 * fork event is written now, before any event of the child.
 */
static struct task *adopt(struct tracer *t, pid_t tid, struct task *parent)
{
	struct task *tk, *ptk;
	struct proc *pr;
	pid_t tgid, ppid;

	read_tgid_ppid(tid, &tgid, &ppid);
	if (tgid != tid) {
		ptk = trace_task_find(t, tgid);
		if (!ptk)
			ptk = parent;
		if (!ptk)
			return NULL;
		tk = trace_task_add(t, tid, ptk->proc);
		if (!tk) {
			t->res->lost++;
			return NULL;
		}
		announce(t, parent ? parent : ptk, tk);
		return tk;
	}
	tk = trace_task_add(t, tid, NULL);
	if (!tk) {
		t->res->lost++;
		return NULL;
	}
	pr = tk->proc;
	ptk = parent ? parent : trace_task_find(t, ppid);
	if (ptk && (!parent || ppid == 0 || ppid == ptk->proc->pid || ppid == ptk->tid)) {
		pr->ppid = ptk->proc->pid;
	} else if (!ptk || ppid) {
		/* CLONE_PARENT, or reparented before we looked: trust /proc. */
		struct task *pp = trace_task_find(t, ppid);

		pr->ppid = ppid;
		if (pp)
			ptk = pp;
	}
	if (ptk) {
		memcpy(pr->parent_key, ptk->proc->key, sizeof(pr->parent_key));
		pr->uid = ptk->proc->uid;
		pr->euid = ptk->proc->euid;
		pr->execd = ptk->proc->execd;
		trace_fd_copy(pr, ptk->proc);
		announce(t, parent ? parent : ptk, tk);
	} else {
		trace_proc_read_ids(pr);
		tk->announced = true;
	}
	return tk;
}

/* ---------------------------------------------------------------- loop */

static void start_kill(struct tracer *t, enum bos_trace_end why)
{
	if (t->killing)
		return;
	t->killing = true;
	t->res->end = why;
	for (size_t i = 0; i < t->tasks_cap; i++)
		if (t->tasks[i])
			kill(t->tasks[i]->tid, SIGKILL);
}

static void check_end(struct tracer *t)
{
	if (t->opts->stop && *t->opts->stop)
		start_kill(t, BOS_TRACE_END_STOPPED);
	if (t->opts->deadline_ns && t->now_ns >= t->opts->deadline_ns)
		start_kill(t, BOS_TRACE_END_DEADLINE);
}

/*
 * Blocks in waitpid. The wake timer (TRACE_WAKE_SIG every WAKE_MS) interrupts it so that an
 * idle tree still gets its events flushed and *stop / the deadline looked at; while events
 * flow, those are checked on each one (a load and a compare).
 */
static struct event next_event(struct tracer *t, struct event *ev)
{
	int64_t kill_at = 0;

	*ev = (struct event){ .kind = EV_NONE };
	for (;;) {
		int status = 0;
		pid_t pid = waitpid(-1, &status, __WALL);

		t->now_ns = bos_clock_now_ns();
		if (pid > 0) {
			ev->tid = pid;
			ev->status = status;
			ev->kind = (WIFEXITED(status) || WIFSIGNALED(status)) ? EV_GONE : EV_STOP;
			check_end(t);
			return *ev;
		}
		if (errno != EINTR) {	/* ECHILD: nobody left */
			ev->kind = EV_DONE;
			return *ev;
		}
		if (t->out.len)
			trace_flush(t);
		check_end(t);
		if (t->killing) {
			if (!kill_at) {
				kill_at = t->now_ns;
			} else if (t->now_ns - kill_at > KILL_GRACE_NS) {
				ev->kind = EV_DONE;	/* EXITKILL finishes them */
				return *ev;
			}
		}
	}
}

static void on_gone(struct tracer *t, struct task *tk, int status)
{
	struct bos_json *j = &t->j;
	struct proc *p = tk->proc;
	bool last = p->nthreads == 1;

	if (tk->tid == t->first_pid) {
		t->res->first_status = status;
		t->first_done = true;
	}
	if (last) {
		for (size_t i = p->nfds; i-- > 0;) {
			if (p->execd || p->pid != t->first_pid)
				trace_ev_fd_close(t, tk, &p->fds[i], "exit");
			trace_fd_del(p, &p->fds[i]);
		}
	}
	trace_ev_begin(t, tk, last ? "process.exit" : "thread.exit");
	if (WIFEXITED(status)) {
		bos_json_kv_int(j, "exit_code", WEXITSTATUS(status));
	} else {
		bos_json_kv_int(j, "signal", WTERMSIG(status));
		if (strsignal(WTERMSIG(status)))
			bos_json_kv_str(j, "signal_name", sigabbrev_np(WTERMSIG(status)));
		if (WCOREDUMP(status))
			bos_json_kv_bool(j, "core_dumped", true);
	}
	trace_ev_end(t);
	trace_task_del(t, tk);
}

static void resume(pid_t tid, int req, int sig)
{
	/* ESRCH: killed meanwhile; its exit will be reported by waitpid. */
	ptrace(req, tid, 0, sig);
}

static void on_seccomp(struct tracer *t, struct task *tk)
{
	struct __ptrace_syscall_info si;
	bool want_exit = false;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, tk->tid, sizeof(si), &si);

	t->res->syscalls++;
	if (n <= 0 || si.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		resume(tk->tid, PTRACE_CONT, 0);
		return;
	}
	if (si.seccomp.ret_data == 0 || si.seccomp.ret_data >= SC__COUNT) {
		/* Not decoded: x32 ABI or an unknown architecture. Say so. */
		trace_ev_begin(t, tk, "trace.undecoded_syscall");
		bos_json_kv_uint(&t->j, "arch", si.arch);
		bos_json_kv_uint(&t->j, "nr", si.seccomp.nr);
		trace_ev_end(t);
		resume(tk->tid, PTRACE_CONT, 0);
		return;
	}
	trace_sys_enter(t, tk, si.arch, (uint16_t)si.seccomp.ret_data, si.seccomp.args,
			&want_exit);
	tk->in_syscall = want_exit;
	resume(tk->tid, want_exit ? PTRACE_SYSCALL : PTRACE_CONT, 0);
}

static void on_syscall_exit(struct tracer *t, struct task *tk)
{
	struct __ptrace_syscall_info si;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, tk->tid, sizeof(si), &si);

	if (n > 0 && si.op == PTRACE_SYSCALL_INFO_EXIT && tk->in_syscall)
		trace_sys_exit(t, tk, si.exit.rval, si.exit.is_error);
	tk->in_syscall = false;
	resume(tk->tid, PTRACE_CONT, 0);
}

static void on_exec(struct tracer *t, struct task *tk)
{
	unsigned long former = 0;
	struct task *old;

	ptrace(PTRACE_GETEVENTMSG, tk->tid, 0, &former);
	if ((pid_t)former != tk->tid && (old = trace_task_find(t, (pid_t)former))) {
		/* A non-leader thread exec'd: it now has the leader's tid. Its syscall state
		 * moves over; the old tid is never reported again. */
		struct bos_buf b;

		tk->sc = old->sc;
		tk->wide = old->wide;
		memcpy(tk->args, old->args, sizeof(tk->args));
		b = tk->exec_path; tk->exec_path = old->exec_path; old->exec_path = b;
		b = tk->exec_argv; tk->exec_argv = old->exec_argv; old->exec_argv = b;
		b = tk->s1; tk->s1 = old->s1; old->s1 = b;
		b = tk->s2; tk->s2 = old->s2; old->s2 = b;
		tk->exec_argc = old->exec_argc;
		tk->exec_trunc = old->exec_trunc;
		tk->str_trunc = old->str_trunc;
		tk->mem_error = old->mem_error;
		trace_task_del(t, old);
	}
	trace_exec_done(t, tk);
	resume(tk->tid, PTRACE_CONT, 0);
}

static void on_new_child(struct tracer *t, struct task *tk)
{
	unsigned long msg = 0;
	struct task *child;

	if (ptrace(PTRACE_GETEVENTMSG, tk->tid, 0, &msg) == 0 && msg) {
		child = trace_task_find(t, (pid_t)msg);
		if (!child)
			adopt(t, (pid_t)msg, tk);
	}
	resume(tk->tid, PTRACE_CONT, 0);
}

static bool dispatch(struct tracer *t, struct event ev)
{
	struct task *tk;
	int sig, event;

	if (ev.kind == EV_DONE)
		return false;
	tk = trace_task_find(t, ev.tid);
	if (ev.kind == EV_GONE) {
		if (tk)
			on_gone(t, tk, ev.status);
		return true;
	}
	if (!tk) {
		tk = adopt(t, ev.tid, NULL);
		if (!tk) {	/* over the cap: let it run untraced-by-events */
			ptrace(PTRACE_CONT, ev.tid, 0, 0);
			return true;
		}
	}
	sig = WSTOPSIG(ev.status);
	event = (unsigned)ev.status >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_exit(t, tk);
		return true;
	}
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_seccomp(t, tk);
		break;
	case PTRACE_EVENT_EXEC:
		on_exec(t, tk);
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_child(t, tk);
		break;
	case PTRACE_EVENT_STOP:
		if (!tk->attached) {
			tk->attached = true;
			resume(tk->tid, PTRACE_CONT, 0);
		} else if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			ptrace(PTRACE_LISTEN, tk->tid, 0, 0);	/* group-stop: stay stopped */
		} else {
			resume(tk->tid, PTRACE_CONT, 0);
		}
		break;
	case 0:
		tk->attached = true;
		resume(tk->tid, PTRACE_CONT, sig);	/* signal-delivery-stop */
		break;
	default:
		resume(tk->tid, PTRACE_CONT, 0);
		break;
	}
	return true;
}

/* ---------------------------------------------------------------- setup */

/* ---------------------------------------------------------------- wake timer */

struct wake {
	bool armed;
	timer_t timer;
	struct sigaction old_sa;
	sigset_t old_mask;
};

static void wake_handler(int sig)
{
	(void)sig;	/* only there to interrupt waitpid (no SA_RESTART) */
}

static void wake_start(struct wake *w)
{
	struct sigaction sa = { .sa_handler = wake_handler };
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = TRACE_WAKE_SIG };
	struct itimerspec its = { .it_interval = { 0, WAKE_MS * 1000000L },
				  .it_value = { 0, WAKE_MS * 1000000L } };
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	sigaddset(&set, TRACE_WAKE_SIG);
	sev.sigev_notify_thread_id = gettid();
	if (sigaction(TRACE_WAKE_SIG, &sa, &w->old_sa) < 0)
		return;
	pthread_sigmask(SIG_UNBLOCK, &set, &w->old_mask);
	if (timer_create(CLOCK_MONOTONIC, &sev, &w->timer) < 0) {
		/* No timer: waitpid then only returns on events; stop/deadline are still
		 * checked on each one. */
		pthread_sigmask(SIG_SETMASK, &w->old_mask, NULL);
		sigaction(TRACE_WAKE_SIG, &w->old_sa, NULL);
		return;
	}
	timer_settime(w->timer, 0, &its, NULL);
	w->armed = true;
}

static void wake_stop(struct wake *w)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	if (!w->armed)
		return;
	timer_delete(w->timer);
	/* Consume a signal still pending before the caller's disposition comes back. */
	sigemptyset(&set);
	sigaddset(&set, TRACE_WAKE_SIG);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (sigtimedwait(&set, NULL, &zero) == TRACE_WAKE_SIG)
		;
	sigaction(TRACE_WAKE_SIG, &w->old_sa, NULL);
	pthread_sigmask(SIG_SETMASK, &w->old_mask, NULL);
	w->armed = false;
}

/* execvp's PATH search done in the parent, so the child execs exactly once. */
static char *resolve_path(const char *name)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(name, '/') || !*name)
		return strdup(name);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t dl = end ? (size_t)(end - path) : strlen(path);
		char *cand = NULL;

		if (asprintf(&cand, "%.*s/%s", (int)(dl ? dl : 1), dl ? path : ".", name) < 0)
			return NULL;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		path += dl;
		if (*path == ':')
			path++;
	}
	return strdup(name);
}

BOS_NORETURN static void child(const struct bos_trace_opts *o, const char *path,
			       char *const argv[], int sync_r, int err_w)
{
	extern char **environ;
	char c;
	int e;

	/* Wait until the parent has PTRACE_SEIZEd us (EOF: the parent died). */
	if (read(sync_r, &c, 1) != 1)
		_exit(127);
	close(sync_r);
	e = trace_seccomp_install(o->flags);
	if (e < 0) {
		e = -e;
		goto fail;
	}
	if (o->pre_exec && (e = o->pre_exec(o->pre_exec_ctx)) != 0)
		goto fail;
	execve(path, argv, o->envp ? o->envp : environ);
	e = errno;
fail:
	if (write(err_w, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int run_ptrace(const struct bos_trace_opts *o, char *const argv[],
		      struct bos_trace_result *res, struct bos_err *err)
{
	struct tracer t = { .opts = o, .res = res };
	int sync[2] = { -1, -1 }, errp[2] = { -1, -1 }, ret = 0, e = 0;
	struct wake wk = { .armed = false };
	char *path = NULL;
	struct task *tk;
	struct event ev;
	pid_t pid;

	bos_buf_init(&t.out);
	t.tasks_cap = 1;
	while (t.tasks_cap < 2 * BOS_TRACE_MAX_TASKS)
		t.tasks_cap <<= 1;
	t.tasks = calloc(t.tasks_cap, sizeof(*t.tasks));
	path = resolve_path(argv[0]);
	if (!t.tasks || !path) {
		ret = bos_err_set(err, -ENOMEM, "trace: out of memory");
		goto out;
	}
	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		ret = bos_err_sys(err, "trace: pipe");
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = bos_err_sys(err, "trace: fork");
		goto out;
	}
	if (pid == 0) {
		close(sync[1]);
		close(errp[0]);
		child(o, path, argv, sync[0], errp[1]);
	}
	close(sync[0]);
	sync[0] = -1;
	close(errp[1]);
	errp[1] = -1;
	res->first_pid = pid;
	t.first_pid = pid;
	if (ptrace(PTRACE_SEIZE, pid, 0, SEIZE_OPTS) < 0) {
		ret = bos_err_sys(err, "trace: ptrace(PTRACE_SEIZE, %d)", (int)pid);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		goto out;
	}
	tk = trace_task_add(&t, pid, NULL);
	if (!tk) {
		ret = bos_err_set(err, -ENOMEM, "trace: out of memory");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		goto out;
	}
	tk->attached = true;
	tk->announced = true;
	tk->proc->ppid = getpid();
	trace_proc_read_ids(tk->proc);
	if (write(sync[1], "g", 1) != 1) {
		ret = bos_err_sys(err, "trace: releasing the child");
		kill(pid, SIGKILL);
	}
	close(sync[1]);
	sync[1] = -1;

	wake_start(&wk);
	while (dispatch(&t, next_event(&t, &ev)))
		;
	wake_stop(&wk);

	if (read(errp[0], &e, sizeof(e)) == (ssize_t)sizeof(e))
		res->exec_errno = e;
	/* The summary: what this run may have missed. */
	t.now_ns = bos_clock_now_ns();
	trace_ev_begin(&t, NULL, "trace.summary");
	bos_json_kv_str(&t.j, "backend", "ptrace");
	bos_json_kv_str(&t.j, "backend_reason", res->backend_reason);
	bos_json_kv_str(&t.j, "end", res->end == BOS_TRACE_END_EXITED ? "exited" :
				   res->end == BOS_TRACE_END_STOPPED ? "stopped" : "deadline");
	bos_json_kv_uint(&t.j, "events", res->events);
	bos_json_kv_uint(&t.j, "processes", res->processes);
	bos_json_kv_uint(&t.j, "syscalls", res->syscalls);
	bos_json_kv_uint(&t.j, "lost", res->lost);
	bos_json_kv_uint(&t.j, "truncated", res->truncated);
	bos_json_kv_uint(&t.j, "read_errors", res->read_errors);
	trace_ev_end(&t);
	trace_flush(&t);
	if (!t.first_done && res->end == BOS_TRACE_END_EXITED)
		res->first_status = 0;
out:
	trace_tasks_free(&t);
	bos_buf_release(&t.out);
	free(path);
	for (int i = 0; i < 2; i++) {
		if (sync[i] >= 0)
			close(sync[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	return ret;
}

int bos_trace_run(const struct bos_trace_opts *opts, char *const argv[],
		  struct bos_trace_result *res, struct bos_err *err)
{
	struct bos_err eb = BOS_ERR_INIT;
	struct bos_trace_ebpf *e = NULL;

	*res = (struct bos_trace_result){ .backend = BOS_TRACE_PTRACE };
	if (!argv || !argv[0])
		return bos_err_set(err, -EINVAL, "trace: no command");
	switch (opts->backend) {
	case BOS_TRACE_EBPF:
		res->backend = BOS_TRACE_EBPF;
		snprintf(res->backend_reason, sizeof(res->backend_reason), "requested");
		return trace_run_ebpf(opts, argv, res, err);
	case BOS_TRACE_AUTO:
		if (bos_trace_ebpf_open(&e, opts->events_fd, &eb) == 0) {
			bos_trace_ebpf_free(e);
			res->backend = BOS_TRACE_EBPF;
			snprintf(res->backend_reason, sizeof(res->backend_reason),
				 "auto: ebpf available");
			if (trace_run_ebpf(opts, argv, res, &eb) == 0)
				return 0;
			/* It failed before the command ran: ptrace instead. */
		}
		*res = (struct bos_trace_result){ .backend = BOS_TRACE_PTRACE };
		snprintf(res->backend_reason, sizeof(res->backend_reason),
			 "auto: ebpf unavailable (%.200s), using ptrace", eb.msg);
		break;
	case BOS_TRACE_PTRACE:
	default:
		snprintf(res->backend_reason, sizeof(res->backend_reason), "requested");
		break;
	}
	return run_ptrace(opts, argv, res, err);
}
