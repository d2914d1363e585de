/*
 * The victim workstation: the process that runs the sample.
 *
 * Plan then execute (STYLE.md section 7, bubblewrap's SetupOp): the parent stages every file
 * the workstation needs (passwd/group with the user, hosts, hostname, resolv.conf pointing at
 * the corporate DNS, decoy documents, the sample) into the lab's state directory and builds
 * a fixed list of operations. Then it clone()s the victim's init with new PID, mount, UTS
 * and IPC namespaces; the init joins the victim's network namespace, runs the operations
 * (and nothing else: no decisions, no allocation, async-signal-safe calls only, because the
 * parent may have capture threads), forks the sample as the unprivileged user, and reaps
 * every process of the namespace until none is left. As PID 1 of its pid namespace its
 * death takes every process of the namespace with it: double forks and setsid() do not
 * escape it, and the cgroup holds the whole tree for limits and the final kill.
 *
 * The parent learns the sample's host pid through SCM_CREDENTIALS, which the kernel
 * translates between pid namespaces (unix(7)). Failures of the init are reported as
 * (stage, errno) over the same socket; the init then _exit(127)s.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox_int.h"

#include "bos/buf.h"
#include "bos/clock.h"

enum vop_kind {
	VOP_BIND_RO,		/* bind src over dst, read-only (files in /etc) */
	VOP_TMPFS,		/* tmpfs at dst, size, mode */
	VOP_HIDE,		/* tmpfs at dst if dst exists (hide host data) */
	VOP_MKDIR,		/* mkdir dst, mode, owner */
	VOP_COPY,		/* copy src to dst, mode, owner */
	VOP_PROC,		/* fresh /proc for the new pid namespace */
	VOP_SYS,		/* fresh read-only /sys for the victim's network namespace */
	VOP_BIND_NODE,		/* empty file at dst, src (device, socket) bound on it */
	VOP_SYMLINK,		/* symlink src at dst */
	VOP_DEVPTS,		/* a private devpts instance at dst (best effort) */
	VOP_MOVE,		/* move the mount at src to dst */
	VOP_CGROUP2,		/* cgroup2 at dst: the victim's own group as root (cgroupns) */
};

struct vop {
	enum vop_kind kind;
	char src[BOS_LAB_PATH_MAX];
	char dst[BOS_LAB_PATH_MAX];
	mode_t mode;
	unsigned long size;
	bool owned;		/* chown to the victim user */
};

#define VOP_MAX 64
#define VENV_MAX 24

struct vplan {
	struct vop ops[VOP_MAX];
	int nops;
	char hostname[64];
	char domain[64];
	uid_t uid;
	gid_t gid;
	char home[128];
	char exe[BOS_LAB_PATH_MAX];	/* path of the sample inside the victim */
	char *argv[BOS_SAMPLE_MAX_ARGS + 2];
	char envbuf[VENV_MAX][BOS_LAB_PATH_MAX];
	char *envp[VENV_MAX + 1];
	bool join_sample_cg;		/* move into /sys/fs/cgroup/sample before exec */
	bos_lab_runner_fn runner;	/* NULL: plain fork + exec */
	void *runner_ctx;
	int netfd;
	int sock;		/* init's end of the status socket */
	int outfd;		/* sample's stdout/stderr */
	unsigned long fsize;	/* RLIMIT_FSIZE for the sample */
};

/* What the init reports to the parent. */
struct vmsg {
	int stage;		/* 0 = exec'd; else the failing step (vop index + 1, or < 0) */
	int err;		/* errno */
	int has_pid;		/* SCM_CREDENTIALS carry the sample's pid (else the sender's) */
};

enum {
	STAGE_OK = 0,
	STAGE_NETNS = -1,
	STAGE_PRIVATE = -2,
	STAGE_HOSTNAME = -3,
	STAGE_FORK = -4,
	STAGE_EXEC = -5,
	STAGE_GO = -6,
	STAGE_UNSHARE = -7,
};

static void add_op(struct vplan *vp, enum vop_kind k, const char *src, const char *dst,
		   mode_t mode, unsigned long size, bool owned)
{
	struct vop *o;

	BOS_ASSERT(vp->nops < VOP_MAX);
	o = &vp->ops[vp->nops++];
	o->kind = k;
	snprintf(o->src, sizeof(o->src), "%s", src ? src : "");
	snprintf(o->dst, sizeof(o->dst), "%s", dst);
	o->mode = mode;
	o->size = size;
	o->owned = owned;
}

/* ---- child side: async-signal-safe only ---- */

static void report(int sock, int stage, int e, pid_t pid)
{
	struct vmsg m = { .stage = stage, .err = e, .has_pid = pid > 0 };
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pid > 0) {
		struct ucred cred = { .pid = pid, .uid = 0, .gid = 0 };
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(cred));
		memcpy(CMSG_DATA(c), &cred, sizeof(cred));
	}
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

BOS_NORETURN static void fail(const struct vplan *vp, int stage)
{
	report(vp->sock, stage, errno, 0);
	_exit(127);
}

static int copy_fd(int in, int out)
{
	char buf[16384];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), w = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		while (w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -1;
			w += k;
		}
	}
}

static int run_op(const struct vplan *vp, const struct vop *o)
{
	char opts[64];
	struct stat st;
	int in, out, r;

	switch (o->kind) {
	case VOP_BIND_RO:
		if (mount(o->src, o->dst, NULL, MS_BIND, NULL) < 0)
			return -1;
		return mount(NULL, o->dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	case VOP_HIDE:
		if (stat(o->dst, &st) < 0 || !S_ISDIR(st.st_mode))
			return 0;
		BOS_FALLTHROUGH;
	case VOP_TMPFS:
		/* snprintf is not on the async-signal-safe list; build "size=N,mode=M" by hand. */
		{
			char num[24];
			int n = 0, k = 0;
			unsigned long v = o->size;

			memcpy(opts, "size=", 5);
			k = 5;
			do {
				num[n++] = (char)('0' + v % 10);
				v /= 10;
			} while (v);
			while (n)
				opts[k++] = num[--n];
			memcpy(opts + k, ",mode=0", 7);
			k += 7;
			opts[k++] = (char)('0' + ((o->mode >> 9) & 7));
			opts[k++] = (char)('0' + ((o->mode >> 6) & 7));
			opts[k++] = (char)('0' + ((o->mode >> 3) & 7));
			opts[k++] = (char)('0' + (o->mode & 7));
			opts[k] = '\0';
		}
		if (mount("tmpfs", o->dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
			return -1;
		return 0;
	case VOP_MKDIR:
		if (mkdir(o->dst, o->mode) < 0 && errno != EEXIST)
			return -1;
		if (chmod(o->dst, o->mode) < 0)
			return -1;
		return o->owned ? chown(o->dst, vp->uid, vp->gid) : 0;
	case VOP_COPY:
		in = open(o->src, O_RDONLY | O_CLOEXEC);
		if (in < 0)
			return -1;
		out = open(o->dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, o->mode);
		if (out < 0) {
			close(in);
			return -1;
		}
		r = copy_fd(in, out);
		if (!r && fchmod(out, o->mode) < 0)
			r = -1;
		if (!r && o->owned && fchown(out, vp->uid, vp->gid) < 0)
			r = -1;
		close(in);
		close(out);
		return r;
	case VOP_PROC:
		return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	case VOP_SYS:
		if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
			  NULL) < 0)
			return errno == EPERM || errno == EBUSY ? 0 : -1;
		return 0;
	case VOP_BIND_NODE:
		out = open(o->dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (out < 0)
			return -1;
		close(out);
		return mount(o->src, o->dst, NULL, MS_BIND, NULL);
	case VOP_SYMLINK:
		return symlink(o->src, o->dst);
	case VOP_DEVPTS:
		/* No ptys is survivable (most samples never open one); a failure is not fatal. */
		mount("devpts", o->dst, "devpts", MS_NOSUID | MS_NOEXEC,
		      "newinstance,ptmxmode=0666,mode=0620");
		return 0;
	case VOP_MOVE:
		return mount(o->src, o->dst, NULL, MS_MOVE, NULL);
	case VOP_CGROUP2:
		return mount("cgroup2", o->dst, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	default:
		errno = EINVAL;
		return -1;
	}
}

/* Everything between fork and execve of the sample: a login session of its own without a
 * terminal, output to a file, limits, the unprivileged user, no way back to privilege.
 * Returns 0 or an errno value. Async-signal-safe (also used as the tracer's pre_exec). */
static int sample_setup(void *ctx)
{
	const struct vplan *vp = ctx;
	struct rlimit fsz = { .rlim_cur = vp->fsize, .rlim_max = vp->fsize };
	struct rlimit core = { 0, 0 };
	sigset_t none;
	int fd;

	if (vp->join_sample_cg) {
		/* First of all, so a tracer filtering on the group sees the sample from here
		 * on (the path is the victim's cgroup-namespace view of <lab group>/sample). */
		char num[16];
		int n = 0, k = 0;
		unsigned v = (unsigned)getpid();

		do {
			num[n++] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		{
			char out[16];

			while (n)
				out[k++] = num[--n];
			fd = open("/sys/fs/cgroup/sample/cgroup.procs", O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				if (write(fd, out, (size_t)k) < 0)
					k = 0;
				close(fd);
			}
		}
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	setsid();
	if (dup2(vp->outfd, 1) < 0 || dup2(vp->outfd, 2) < 0)
		return errno;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0)
		return errno;
	setrlimit(RLIMIT_FSIZE, &fsz);
	setrlimit(RLIMIT_CORE, &core);
	if (setgroups(1, &vp->gid) < 0 || setresgid(vp->gid, vp->gid, vp->gid) < 0 ||
	    setresuid(vp->uid, vp->uid, vp->uid) < 0)
		return errno;
	/* No way back to privilege from inside (setuid binaries stay unprivileged). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errno;
	if (chdir(vp->home) < 0)
		return errno;
	/* No descriptor of bos reaches the sample (the capture's packet sockets above all):
	 * everything but 0-2 closes at exec. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	return 0;
}

BOS_NORETURN static void sample_main(const struct vplan *vp, int errpipe)
{
	int e = sample_setup((void *)(uintptr_t)vp);

	if (!e) {
		execve(vp->exe, vp->argv, vp->envp);
		e = errno;
	}
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int init_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

/*
 * A sample that called ptrace(PTRACE_TRACEME) made us, its parent, its tracer: possible when
 * no ptrace tracer runs here (eBPF or no tracer), and the anti-debugging check it is meant
 * to be (docs/process-events.md, Backends). Its next signal or exec stops it and waits for
 * us. We let go at once, as a debugger that does nothing would: the SIGSTOP of the usual
 * TRACEME-then-raise(SIGSTOP) handshake and the SIGTRAP a traced exec sends itself are
 * swallowed (they exist only because it is traced), any other signal is delivered. Only
 * ptrace stops reach us (no WUNTRACED), so a stop is always one of these.
 */
static void let_go(pid_t tid, int st)
{
	int sig = WSTOPSIG(st);
	siginfo_t si;

	if (sig == SIGSTOP)
		sig = 0;
	else if (sig == SIGTRAP && ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) == 0 &&
		 si.si_code == SI_USER && si.si_pid == tid)
		sig = 0;	/* exec's own SIGTRAP (a kill(getpid(), SIGTRAP) looks the same) */
	ptrace(PTRACE_DETACH, tid, NULL, (void *)(uintptr_t)sig);
}

/* Reap every process of the namespace (we are its PID 1) until none is left. __WALL: a
 * thread of the sample that made us its tracer reports to us under its own id. */
static void reap_all(pid_t child, int *code)
{
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, __WALL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		if (WIFSTOPPED(st)) {
			let_go(w, st);
			continue;
		}
		if (w == child)
			*code = init_code(st);
	}
}

/* PID 1 of the victim's pid namespace: set the workstation up, run the sample, reap. */
BOS_NORETURN static void init_main(const struct vplan *vp)
{
	int pipefd[2], e = 0, code = 255;
	pid_t child;
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail(vp, STAGE_PRIVATE);
	for (int i = 0; i < vp->nops; i++)
		if (run_op(vp, &vp->ops[i]) < 0)
			fail(vp, i + 1);
	if (sethostname(vp->hostname, strlen(vp->hostname)) < 0 ||
	    setdomainname(vp->domain, strlen(vp->domain)) < 0)
		fail(vp, STAGE_HOSTNAME);
	if (vp->runner) {
		/* The process tracer (observe plugs it in) forks, attaches, calls sample_setup
		 * in the child and execs; it returns when the traced tree is gone. */
		int st = 0, xerr = 0;

		report(vp->sock, STAGE_OK, 0, 0);
		close(vp->sock);
		if (vp->runner(vp->runner_ctx, vp->argv, vp->envp, sample_setup,
			       (void *)(uintptr_t)vp, &st, &xerr) < 0)
			_exit(126);
		code = xerr ? 127 : init_code(st);
		reap_all(-1, &code);
		_exit(code);
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		fail(vp, STAGE_FORK);
	child = fork();
	if (child < 0)
		fail(vp, STAGE_FORK);
	if (child == 0) {
		close(pipefd[0]);
		close(vp->sock);
		sample_main(vp, pipefd[1]);
	}
	close(pipefd[1]);
	close(vp->outfd);
	while ((n = read(pipefd[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	report(vp->sock, n == sizeof(e) ? STAGE_EXEC : STAGE_OK, n == sizeof(e) ? e : 0, child);
	close(vp->sock);
	/* Our exit code is the sample's (128 + signal if it was killed). */
	reap_all(child, &code);
	_exit(code);
}

/* The relay: forked by bos, put into the cgroups, joins the victim's network namespace,
 * unshares the others and forks the namespace's init. Its exit status is the init's. Plain
 * fork(2) (not a raw clone) so the init may allocate: glibc's fork keeps malloc usable even
 * though bos has capture threads, and the tracer the init runs needs that. */
BOS_NORETURN static void relay_main(const struct vplan *vp, int gofd)
{
	int st, code = 255;
	pid_t init, w;
	char go;
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Wait until the parent has put us into the cgroups. */
	while ((n = read(gofd, &go, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		fail(vp, STAGE_GO);
	close(gofd);
	if (setns(vp->netfd, CLONE_NEWNET) < 0)
		fail(vp, STAGE_NETNS);
	close(vp->netfd);
	/* A cgroup namespace too, now that we are in the lab's groups: inside, the victim's
	 * own group is the root, so /proc/self/cgroup shows "/" and a tracer's sub-group
	 * (eBPF backend) is created below it, inside the limits. */
	if (unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP) < 0)
		fail(vp, STAGE_UNSHARE);
	init = fork();
	if (init < 0)
		fail(vp, STAGE_FORK);
	if (init == 0)
		init_main(vp);
	close(vp->sock);
	close(vp->outfd);
	for (;;) {
		w = waitpid(init, &st, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w == init)
			code = init_code(st);
		break;
	}
	_exit(code);
}

/* ---- parent side ---- */

/* The victim's /dev/log: a datagram socket bos reads (bos_lab_syslog_read). SO_PASSCRED:
 * each message carries its sender's pid, translated into the host's pid namespace. */
static int open_syslog(struct bos_lab *lab, const char *dir, char *path, size_t len,
		       struct bos_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int one = 1, fd;

	if (snprintf(path, len, "%s/devlog", dir) >= (int)len ||
	    strlen(path) >= sizeof(sa.sun_path)) {
		path[0] = '\0';	/* no syslog rather than no run */
		return 0;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return bos_err_sys(err, "syslog socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0666) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		int ret = bos_err_sys(err, "syslog socket %s", path);

		close(fd);
		return ret;
	}
	lab->syslog_fd = fd;
	return 0;
}

int bos_lab_syslog_read(struct bos_lab *lab, bos_lab_syslog_fn fn, void *ctx)
{
	int n = 0;

	if (lab->syslog_fd < 0)
		return 0;
	for (; n < 256; n++) {
		char buf[BOS_LAB_SYSLOG_MAX_BYTES];
		union {
			char b[CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} u;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
				      .msg_controllen = sizeof(u.b) };
		struct cmsghdr *c;
		pid_t pid = 0;
		ssize_t r = recvmsg(lab->syslog_fd, &msg, MSG_DONTWAIT);

		if (r < 0)
			break;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
				struct ucred cred;

				memcpy(&cred, CMSG_DATA(c), sizeof(cred));
				pid = cred.pid;
			}
		}
		if (lab->syslog_count >= BOS_LAB_SYSLOG_MAX_MSGS) {
			lab->syslog_dropped++;
			continue;
		}
		lab->syslog_count++;
		fn(ctx, pid, buf, (size_t)r, (msg.msg_flags & MSG_TRUNC) != 0);
	}
	return n;
}

static const char *const hide_dirs[] = {
	/* Host data the sample has no business seeing (it runs as an unprivileged user, but
	 * world-readable files would still leak the host's identity). */
	"/root", "/run", "/var/tmp", "/mnt", "/media", "/srv", "/work", "/var/log",
	"/var/spool", "/var/backups", "/var/mail", "/opt/bos",
};

static int stage_text(const char *dir, const char *name, const char *text, char *out,
		      size_t outlen, struct bos_err *err)
{
	if (snprintf(out, outlen, "%s/%s", dir, name) >= (int)outlen)
		return bos_err_set(err, -ENAMETOOLONG, "%s/%s: path too long", dir, name);
	return lab_write_file(out, text, 0644, err);
}

static int stage_etc(const struct bos_lab_plan *p, const char *dir, struct vplan *vp,
		     struct bos_err *err)
{
	struct bos_buf b = BOS_BUF_INIT;
	char path[BOS_LAB_PATH_MAX], *host = NULL;
	int ret;
	FILE *f;

	/* passwd and group: the host's, plus the workstation user. */
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "group" : "passwd";
		char hp[32];
		char line[1024];

		bos_buf_reset(&b);
		snprintf(hp, sizeof(hp), "/etc/%s", name);
		f = fopen(hp, "re");
		while (f && fgets(line, sizeof(line), f))
			bos_buf_addstr(&b, line);
		if (f)
			fclose(f);
		if (b.len && b.data[b.len - 1] != '\n')
			bos_buf_addch(&b, '\n');
		if (k == 0)
			bos_buf_addf(&b, "%s:x:%u:%u:%s,,,:/home/%s:/bin/bash\n", p->user,
				     (unsigned)p->uid, (unsigned)p->gid, p->fullname, p->user);
		else
			bos_buf_addf(&b, "%s:x:%u:\n", p->user, (unsigned)p->gid);
		ret = stage_text(dir, name, b.data, path, sizeof(path), err);
		if (ret)
			goto out;
		snprintf(hp, sizeof(hp), "/etc/%s", name);
		add_op(vp, VOP_BIND_RO, path, hp, 0, 0, false);
	}
	bos_buf_reset(&b);
	bos_buf_addf(&b, "127.0.0.1\tlocalhost\n%s\t%s.%s %s\n%s\tfs01.%s fs01 intranet.%s\n"
			 "%s\tproxy.%s proxy\n",
		     BOS_LAB_VICTIM_IP, p->hostname, BOS_LAB_DOMAIN, p->hostname,
		     BOS_LAB_FILESRV_IP, BOS_LAB_DOMAIN, BOS_LAB_DOMAIN, BOS_LAB_CORP_IP,
		     BOS_LAB_DOMAIN);
	ret = stage_text(dir, "hosts", b.data, path, sizeof(path), err);
	if (ret)
		goto out;
	add_op(vp, VOP_BIND_RO, path, "/etc/hosts", 0, 0, false);
	bos_buf_reset(&b);
	bos_buf_addf(&b, "%s\n", p->hostname);
	ret = stage_text(dir, "hostname", b.data, path, sizeof(path), err);
	if (ret)
		goto out;
	add_op(vp, VOP_BIND_RO, path, "/etc/hostname", 0, 0, false);
	bos_buf_reset(&b);
	bos_buf_addf(&b, "search %s\nnameserver %s\n", BOS_LAB_DOMAIN, BOS_LAB_CORP_IP);
	ret = stage_text(dir, "resolv.conf", b.data, path, sizeof(path), err);
	if (ret)
		goto out;
	add_op(vp, VOP_BIND_RO, path, "/etc/resolv.conf", 0, 0, false);
	/* A machine id of its own per run: the host's would be the same in every case, an
	 * easy "this is that sandbox again" tell. */
	{
		uint8_t rnd[16];

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			memset(rnd, 0x42, sizeof(rnd));
		bos_buf_reset(&b);
		for (size_t i = 0; i < sizeof(rnd); i++)
			bos_buf_addf(&b, "%02x", rnd[i]);
		bos_buf_addch(&b, '\n');
	}
	ret = stage_text(dir, "machine-id", b.data, path, sizeof(path), err);
	if (ret)
		goto out;
	if (access("/etc/machine-id", F_OK) == 0)
		add_op(vp, VOP_BIND_RO, path, "/etc/machine-id", 0, 0, false);
	if (access("/var/lib/dbus/machine-id", F_OK) == 0)
		add_op(vp, VOP_BIND_RO, path, "/var/lib/dbus/machine-id", 0, 0, false);
out:
	free(host);
	bos_buf_release(&b);
	return ret;
}

/* A private /dev (bubblewrap-style): a tmpfs built at a staging mount point while the host's
 * /dev is still visible, with the harmless device nodes bound in, a private devpts, a
 * /dev/shm tmpfs and /dev/log (the lab's syslog socket), then moved over /dev. The sample
 * sees none of the host's other devices (kvm, kmsg, loop, ...). */
static int stage_dev(const struct bos_lab_plan *p, const char *dir, const char *devlog,
		     struct vplan *vp, struct bos_err *err)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	char stage[256], a[BOS_LAB_PATH_MAX], b[BOS_LAB_PATH_MAX];
	int ret;

	if (snprintf(stage, sizeof(stage), "%s/dev", dir) >= (int)sizeof(stage))
		return bos_err_set(err, -ENAMETOOLONG, "%s/dev: path too long", dir);
	ret = lab_mkdir_p(stage, 0755, err);
	if (ret)
		return ret;
	add_op(vp, VOP_TMPFS, NULL, stage, 0755, 1u << 20, false);
	for (size_t i = 0; i < BOS_ARRAY_SIZE(nodes); i++) {
		snprintf(a, sizeof(a), "/dev/%s", nodes[i]);
		snprintf(b, sizeof(b), "%s/%s", stage, nodes[i]);
		add_op(vp, VOP_BIND_NODE, a, b, 0, 0, false);
	}
	for (size_t i = 0; i < BOS_ARRAY_SIZE(links); i++) {
		snprintf(b, sizeof(b), "%s/%s", stage, links[i][1]);
		add_op(vp, VOP_SYMLINK, links[i][0], b, 0, 0, false);
	}
	snprintf(b, sizeof(b), "%s/pts", stage);
	add_op(vp, VOP_MKDIR, NULL, b, 0755, 0, false);
	add_op(vp, VOP_DEVPTS, NULL, b, 0, 0, false);
	snprintf(b, sizeof(b), "%s/shm", stage);
	add_op(vp, VOP_MKDIR, NULL, b, 01777, 0, false);
	add_op(vp, VOP_TMPFS, NULL, b, 01777, (unsigned long)p->home_bytes, false);
	if (devlog) {
		snprintf(b, sizeof(b), "%s/log", stage);
		add_op(vp, VOP_BIND_NODE, devlog, b, 0, 0, false);
	}
	add_op(vp, VOP_MOVE, stage, "/dev", 0, 0, false);
	return 0;
}

struct decoy_doc {
	const char *path;	/* relative to home */
	const char *text;
};

/* Decoy documents: plausible, small, and obviously fake to a human reader (honeytokens). */
static const struct decoy_doc decoy_docs[] = {
	{ "Documents/Q3_budget_forecast.csv",
	  "department,q1,q2,q3,q4\nfinance,120000,118500,131000,0\nsales,340000,352100,0,0\n"
	  "it,98000,101200,99000,0\n" },
	{ "Documents/passwords_old.txt",
	  "# moved to the password manager - delete this!\n"
	  "vpn: akiyama / Natsu2026!\nfileserver (fs01): akiyama / Natsu2026!\n"
	  "payroll portal: akiyama.h / Kaikei#42\n" },
	{ "Documents/meeting_notes_1120.txt",
	  "Closing schedule moved to 12/05. Invoices from vendors via fs01\\finance\\ap.\n" },
	{ "Desktop/VPN_setup.txt",
	  "Connect to vpn.corp.example, group FINANCE, use your AD account.\n" },
	{ ".bash_history",
	  "ls\ncd Documents\nlibreoffice Q3_budget_forecast.csv\nsmbclient //fs01/finance\n"
	  "ssh akiyama@fs01.corp.example\n" },
};

static int stage_home(const struct bos_lab_plan *p, const char *dir, const char *sample,
		      struct vplan *vp, struct bos_err *err)
{
	static const char *const subdirs[] = { "Documents", "Desktop", "Downloads", ".ssh" };
	char src[BOS_LAB_PATH_MAX], dst[BOS_LAB_PATH_MAX], name[128];
	const char *base = strrchr(sample, '/');
	size_t n = 0;
	int ret;

	add_op(vp, VOP_TMPFS, NULL, "/home", 0755, (unsigned long)p->home_bytes, false);
	add_op(vp, VOP_MKDIR, NULL, vp->home, 0750, 0, true);
	for (size_t i = 0; i < BOS_ARRAY_SIZE(subdirs); i++) {
		snprintf(dst, sizeof(dst), "%s/%s", vp->home, subdirs[i]);
		add_op(vp, VOP_MKDIR, NULL, dst, i == 3 ? 0700 : 0755, 0, true);
	}
	for (size_t i = 0; i < BOS_ARRAY_SIZE(decoy_docs); i++) {
		char flat[64];

		snprintf(flat, sizeof(flat), "doc%zu", i);
		ret = stage_text(dir, flat, decoy_docs[i].text, src, sizeof(src), err);
		if (ret)
			return ret;
		snprintf(dst, sizeof(dst), "%s/%s", vp->home, decoy_docs[i].path);
		add_op(vp, VOP_COPY, src, dst, 0644, 0, true);
	}
	/* The sample keeps its own file name when it is a plain one (some samples check
	 * it); anything else becomes "sample". */
	base = base ? base + 1 : sample;
	for (; base[n] && n < sizeof(name) - 1; n++) {
		char c = base[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			break;
	}
	if (n == 0 || base[n] || base[0] == '.')
		snprintf(name, sizeof(name), "sample");
	else
		snprintf(name, sizeof(name), "%s", base);
	snprintf(vp->exe, sizeof(vp->exe), "%s/Downloads/%s", vp->home, name);
	add_op(vp, VOP_COPY, sample, vp->exe, 0755, 0, true);
	add_op(vp, VOP_TMPFS, NULL, "/tmp", 01777, (unsigned long)p->home_bytes, false);
	return 0;
}

static void build_env(const struct bos_lab_plan *p, struct vplan *vp)
{
	int n = 0;

#define ENV(...) snprintf(vp->envbuf[n], sizeof(vp->envbuf[n]), __VA_ARGS__), n++
	ENV("HOME=%s", vp->home);
	ENV("USER=%s", p->user);
	ENV("LOGNAME=%s", p->user);
	ENV("SHELL=/bin/bash");
	ENV("PATH=/usr/local/bin:/usr/bin:/bin");
	ENV("LANG=C.UTF-8");
	ENV("HOSTNAME=%s", p->hostname);
	ENV("PWD=%s", vp->home);
	ENV("http_proxy=http://%s:%d/", BOS_LAB_CORP_IP, BOS_LAB_PROXY_PORT);
	ENV("https_proxy=http://%s:%d/", BOS_LAB_CORP_IP, BOS_LAB_PROXY_PORT);
	ENV("HTTP_PROXY=http://%s:%d/", BOS_LAB_CORP_IP, BOS_LAB_PROXY_PORT);
	ENV("HTTPS_PROXY=http://%s:%d/", BOS_LAB_CORP_IP, BOS_LAB_PROXY_PORT);
	ENV("no_proxy=localhost,127.0.0.1,.%s", BOS_LAB_DOMAIN);
#undef ENV
	for (int i = 0; i < n; i++)
		vp->envp[i] = vp->envbuf[i];
	vp->envp[n] = NULL;
}

int bos_lab_victim_start(struct bos_lab *lab, const struct bos_victim_plan *vpl,
			 struct bos_err *err)
{
	const struct bos_lab_plan *p = lab->plan;
	struct vplan *vp = NULL;
	char dir[BOS_LAB_PATH_MAX + 16], out[BOS_LAB_PATH_MAX + 32], devlog[BOS_LAB_PATH_MAX] = "";
	int sv[2] = { -1, -1 }, go[2] = { -1, -1 }, one = 1, ret;
	struct vmsg m = { .stage = STAGE_GO, .err = 0 };
	pid_t init;
	pid_t r;

	if (lab->init_pid)
		return bos_err_set(err, -EBUSY, "victim already started");
	if (vpl->nargs < 0 || vpl->nargs > BOS_SAMPLE_MAX_ARGS)
		return bos_err_set(err, -BOS_EUSAGE, "too many sample arguments (max %d)",
				   BOS_SAMPLE_MAX_ARGS);
	vp = calloc(1, sizeof(*vp));
	if (!vp)
		return bos_err_set(err, -ENOMEM, "victim plan");
	vp->outfd = -1;
	snprintf(vp->hostname, sizeof(vp->hostname), "%s", p->hostname);
	snprintf(vp->domain, sizeof(vp->domain), "%s", BOS_LAB_DOMAIN);
	snprintf(vp->home, sizeof(vp->home), "/home/%s", p->user);
	vp->uid = p->uid;
	vp->gid = p->gid;
	vp->fsize = (unsigned long)p->home_bytes;
	snprintf(dir, sizeof(dir), "%s/victim", p->statedir);
	ret = lab_mkdir_p(dir, 0700, err);
	if (!ret)
		ret = stage_etc(p, dir, vp, err);
	if (!ret)
		ret = open_syslog(lab, dir, devlog, sizeof(devlog), err);
	if (!ret)
		ret = stage_dev(p, dir, devlog[0] ? devlog : NULL, vp, err);
	if (!ret)
		ret = stage_home(p, dir, vpl->sample, vp, err);
	if (ret)
		goto out;
	for (size_t i = 0; i < BOS_ARRAY_SIZE(hide_dirs); i++)
		add_op(vp, VOP_HIDE, NULL, hide_dirs[i], 0755, 1u << 20, false);
	add_op(vp, VOP_PROC, NULL, "/proc", 0, 0, false);
	add_op(vp, VOP_SYS, NULL, "/sys", 0, 0, false);
	if (lab->cg_v2[0])
		add_op(vp, VOP_CGROUP2, NULL, "/sys/fs/cgroup", 0, 0, false);
	vp->argv[0] = vp->exe;
	for (int i = 0; i < vpl->nargs; i++)
		vp->argv[i + 1] = vpl->args[i];
	vp->argv[vpl->nargs + 1] = NULL;
	build_env(p, vp);

	snprintf(out, sizeof(out), "%s/sample-output.log", p->logdir);
	vp->outfd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (vp->outfd < 0) {
		ret = bos_err_sys(err, "open %s", out);
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(go, O_CLOEXEC) < 0) {
		ret = bos_err_sys(err, "victim channels");
		goto out;
	}
	if (setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		ret = bos_err_sys(err, "SO_PASSCRED");
		goto out;
	}
	vp->sock = sv[1];
	vp->netfd = lab->nsfd[BOS_LAB_NS_VICTIM];
	vp->runner = vpl->runner;
	vp->runner_ctx = vpl->runner_ctx;
	/* Not with a runner: a tracer run by the init keeps the tree in its own group. */
	vp->join_sample_cg = lab->sample_cgroup_id != 0 && !vpl->runner;

	fflush(NULL);
	r = fork();
	if (r < 0) {
		ret = bos_err_sys(err, "fork victim");
		goto out;
	}
	if (r == 0) {
		close(sv[0]);
		close(go[1]);
		relay_main(vp, go[0]);
	}
	init = r;
	lab->init_pid = init;
	lab->vstate = BOS_LAB_VICTIM_RUNNING;
	close(sv[1]);
	sv[1] = -1;
	close(go[0]);
	go[0] = -1;
	ret = lab_cg_attach(lab, init, err);
	if (ret) {
		bos_err_prefix(err, "victim cgroup: ");
		goto out;
	}
	if (write(go[1], "g", 1) != 1) {
		ret = bos_err_sys(err, "start victim");
		goto out;
	}
	/* Wait for the init's report (the set-up is a few ms; 10 s means it hangs). */
	{
		struct pollfd pfd = { .fd = sv[0], .events = POLLIN };
		union {
			char buf[CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} u;
		struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
				      .msg_controllen = sizeof(u.buf) };
		struct cmsghdr *c;
		ssize_t n;

		if (poll(&pfd, 1, 10000) <= 0) {
			ret = bos_err_set(err, -ETIMEDOUT, "victim init did not report");
			goto out;
		}
		n = recvmsg(sv[0], &msg, 0);
		if (n != (ssize_t)sizeof(m)) {
			ret = bos_err_set(err, -EIO, "victim init died during set-up");
			goto out;
		}
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
				struct ucred cred;

				memcpy(&cred, CMSG_DATA(c), sizeof(cred));
				if (m.has_pid)
					lab->sample_pid = cred.pid;
			}
		}
	}
	if (m.stage == STAGE_EXEC) {
		lab->sample_errno = m.err ? m.err : EIO;
	} else if (m.stage != STAGE_OK) {
		const char *what = m.stage > 0 ? vp->ops[m.stage - 1].dst : "init";

		errno = m.err;
		ret = bos_err_sys(err, "victim set-up step %d (%s)", m.stage, what);
	}
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (vp && vp->outfd >= 0)
		close(vp->outfd);
	free(vp);
	return ret;
}

enum bos_lab_victim_state bos_lab_victim_poll(struct bos_lab *lab)
{
	int st;

	if (lab->vstate == BOS_LAB_VICTIM_RUNNING && lab->init_pid > 0 &&
	    waitpid(lab->init_pid, &st, WNOHANG) == lab->init_pid) {
		lab->init_status = st;
		lab->init_pid = -lab->init_pid;	/* reaped; keep the number for the record */
		lab->vstate = BOS_LAB_VICTIM_EXITED;
	}
	return lab->vstate;
}

int bos_lab_victim_kill(struct bos_lab *lab)
{
	int n = 0;

	if (lab->vstate != BOS_LAB_VICTIM_RUNNING)
		return 0;
	n = lab_cg_kill(lab);
	if (lab->init_pid > 0) {
		int st;

		kill(lab->init_pid, SIGKILL);
		while (waitpid(lab->init_pid, &st, 0) < 0 && errno == EINTR)
			;
		lab->init_status = st;
		lab->init_pid = -lab->init_pid;
	}
	lab->vstate = BOS_LAB_VICTIM_EXITED;
	return n;
}

int bos_lab_victim_nprocs(const struct bos_lab *lab)
{
	int n = lab_cg_nprocs(lab);

	/* Not counting the relay and the init while they run. */
	if (n >= 0 && lab->vstate == BOS_LAB_VICTIM_RUNNING)
		n = n > 2 ? n - 2 : 0;
	return n;
}
