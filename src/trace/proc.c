/*
 * Task (thread) and process tables of the ptrace backend, process keys and the per-process
 * table of followed file descriptors.
 *
 * Tasks are found by tid in an open-addressing table (linear probing, backward-shift
 * deletion) of BOS_TRACE_MAX_TASKS * 2 slots. A process key is "pid.starttime" where
 * starttime is field 22 of /proc/<pid>/stat (clock ticks since boot): a reused pid gets a
 * different key, like Sysmon's ProcessGuid. The comm field before it is chosen by the sample,
 * so the line is parsed from the last ')'.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace_int.h"

#include "bos/limits.h"

static size_t slot_of(const struct tracer *t, pid_t tid)
{
	return ((size_t)(uint32_t)tid * 2654435761u) & (t->tasks_cap - 1);
}

struct task *trace_task_find(struct tracer *t, pid_t tid)
{
	size_t i = slot_of(t, tid);

	while (t->tasks[i]) {
		if (t->tasks[i]->tid == tid)
			return t->tasks[i];
		i = (i + 1) & (t->tasks_cap - 1);
	}
	return NULL;
}

struct task *trace_task_add(struct tracer *t, pid_t tid, struct proc *proc)
{
	struct task *tk;
	size_t i;

	if (t->ntasks >= BOS_TRACE_MAX_TASKS)
		return NULL;
	tk = calloc(1, sizeof(*tk));
	if (!tk)
		return NULL;
	if (!proc) {
		proc = calloc(1, sizeof(*proc));
		if (!proc) {
			free(tk);
			return NULL;
		}
		proc->pid = tid;
		trace_proc_read_key(tid, proc->key, sizeof(proc->key));
		t->res->processes++;
	}
	proc->nthreads++;
	tk->tid = tid;
	tk->proc = proc;
	bos_buf_init(&tk->exec_path);
	bos_buf_init(&tk->exec_argv);
	bos_buf_init(&tk->s1);
	bos_buf_init(&tk->s2);
	i = slot_of(t, tid);
	while (t->tasks[i])
		i = (i + 1) & (t->tasks_cap - 1);
	t->tasks[i] = tk;
	t->ntasks++;
	return tk;
}

static void proc_free(struct proc *p)
{
	for (size_t i = 0; i < p->nfds; i++)
		free(p->fds[i].path);
	free(p->fds);
	free(p);
}

static void task_free(struct task *tk)
{
	bos_buf_release(&tk->exec_path);
	bos_buf_release(&tk->exec_argv);
	bos_buf_release(&tk->s1);
	bos_buf_release(&tk->s2);
	if (--tk->proc->nthreads == 0)
		proc_free(tk->proc);
	free(tk);
}

void trace_task_del(struct tracer *t, struct task *tk)
{
	size_t i = slot_of(t, tk->tid), j, k;

	while (t->tasks[i] != tk)
		i = (i + 1) & (t->tasks_cap - 1);
	t->tasks[i] = NULL;
	/* Backward-shift: move later entries of the probe run into the hole if allowed. */
	j = i;
	for (;;) {
		j = (j + 1) & (t->tasks_cap - 1);
		if (!t->tasks[j])
			break;
		k = slot_of(t, t->tasks[j]->tid);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->tasks[i] = t->tasks[j];
			t->tasks[j] = NULL;
			i = j;
		}
	}
	t->ntasks--;
	task_free(tk);
}

void trace_tasks_free(struct tracer *t)
{
	if (!t->tasks)
		return;
	for (size_t i = 0; i < t->tasks_cap; i++)
		if (t->tasks[i])
			task_free(t->tasks[i]);
	free(t->tasks);
	t->tasks = NULL;
	t->ntasks = 0;
}

static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

void trace_proc_read_key(pid_t pid, char *key, size_t len)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	const char *p;
	int field = 2;	/* the field ending at the last ')' (comm) */

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) > 0 && (p = strrchr(buf, ')'))) {
		/* Fields are separated by single spaces after comm: state is field 3. */
		while (*p && field < 22) {
			if (*p++ == ' ')
				field++;
		}
		if (field == 22)
			start = strtoull(p, NULL, 10);
	}
	snprintf(key, len, "%d.%llu", (int)pid, start);
}

void trace_proc_read_ids(struct proc *pr)
{
	char path[64], buf[2048];
	const char *p;
	unsigned long r, e;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pr->pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	p = strstr(buf, "\nUid:");
	if (p && sscanf(p + 5, "%lu %lu", &r, &e) == 2) {
		pr->uid = (uint32_t)r;
		pr->euid = (uint32_t)e;
	}
}

struct fdent *trace_fd_find(struct proc *p, int fd)
{
	for (size_t i = 0; i < p->nfds; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

struct fdent *trace_fd_add(struct tracer *t, struct proc *p, int fd)
{
	struct fdent *f = trace_fd_find(p, fd);

	if (f) {		/* stale entry (closed behind our back, e.g. dup2) */
		free(f->path);
		*f = (struct fdent){ .fd = fd };
		return f;
	}
	if (p->nfds >= BOS_TRACE_MAX_FDS) {
		t->res->lost++;
		return NULL;
	}
	if (p->nfds == p->fds_alloc) {
		size_t n = p->fds_alloc ? p->fds_alloc * 2 : 16;
		struct fdent *nf = realloc(p->fds, n * sizeof(*nf));

		if (!nf)
			return NULL;
		p->fds = nf;
		p->fds_alloc = n;
	}
	f = &p->fds[p->nfds++];
	*f = (struct fdent){ .fd = fd };
	return f;
}

void trace_fd_del(struct proc *p, struct fdent *f)
{
	size_t i = (size_t)(f - p->fds);

	free(f->path);
	p->fds[i] = p->fds[--p->nfds];
}

void trace_fd_copy(struct proc *dst, const struct proc *src)
{
	if (!src->nfds)
		return;
	dst->fds = calloc(src->nfds, sizeof(*dst->fds));
	if (!dst->fds)
		return;
	dst->fds_alloc = src->nfds;
	for (size_t i = 0; i < src->nfds; i++) {
		dst->fds[dst->nfds] = src->fds[i];
		dst->fds[dst->nfds].rd = 0;
		dst->fds[dst->nfds].wr = 0;
		dst->fds[dst->nfds].path = src->fds[i].path ? strdup(src->fds[i].path) : NULL;
		dst->nfds++;
	}
}
