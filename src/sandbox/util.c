/*
 * Small process and file helpers for the lab: spawning a program inside a network
 * namespace, stopping it, waiting for a TCP port, finding every process of a namespace.
 *
 * Children are forked from a process that may have capture threads, so between fork and
 * execve they only make async-signal-safe calls (fork(2), signal-safety(7)) and leave with
 * _exit(127) on failure (STYLE.md section 4).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "sandbox_int.h"

#include "bos/buf.h"

static const char *const ns_suffix[BOS_LAB_NS_COUNT] = { "victim", "corp", "inet" };

void lab_ns_name(char *dst, size_t len, const char *runid, enum bos_lab_ns which)
{
	snprintf(dst, len, "bos-%.*s-%s", BOS_LAB_RUNID_LEN, runid, ns_suffix[which]);
}

void lab_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int lab_write_file(const char *path, const char *s, mode_t mode, struct bos_err *err)
{
	size_t len = strlen(s), off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		return bos_err_sys(err, "open %s", path);
	while (off < len) {
		ssize_t n = write(fd, s + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = bos_err_sys(err, "write %s", path);

			close(fd);
			return ret;
		}
		off += (size_t)n;
	}
	if (close(fd) < 0)
		return bos_err_sys(err, "close %s", path);
	return 0;
}

int lab_copy_file(const char *src, const char *dst, mode_t mode, struct bos_err *err)
{
	char buf[65536];
	struct stat st;
	int in = -1, out = -1, ret = 0;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return bos_err_sys(err, "open %s", src);
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = bos_err_set(err, -EINVAL, "%s: not a regular file", src);
		goto out;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		ret = bos_err_sys(err, "open %s", dst);
		goto out;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), w = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = bos_err_sys(err, "read %s", src);
			goto out;
		}
		if (n == 0)
			break;
		while (w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				ret = bos_err_sys(err, "write %s", dst);
				goto out;
			}
			w += k;
		}
	}
	if (fchmod(out, mode) < 0)
		ret = bos_err_sys(err, "chmod %s", dst);
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && !ret)
		ret = bos_err_sys(err, "close %s", dst);
	return ret;
}

int lab_mkdir_p(const char *path, mode_t mode, struct bos_err *err)
{
	char tmp[BOS_LAB_PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return bos_err_set(err, -ENAMETOOLONG, "mkdir: bad path");
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return bos_err_sys(err, "mkdir %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return bos_err_sys(err, "mkdir %s", tmp);
	return 0;
}

static int rm_rf_at(int dfd, const char *name, dev_t dev, int depth)
{
	struct stat st;
	int fails = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : 1;
	if (S_ISDIR(st.st_mode)) {
		int fd;
		DIR *d;
		struct dirent *e;

		if (st.st_dev != dev || depth > 32)
			return 1;	/* a mount point or absurd depth: leave it */
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return 1;
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			return 1;
		}
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			fails += rm_rf_at(dirfd(d), e->d_name, dev, depth + 1);
		}
		closedir(d);
		if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			fails++;
	} else if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
		fails++;
	}
	return fails;
}

int lab_rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : 1;
	return rm_rf_at(AT_FDCWD, path, st.st_dev, 0);
}

int lab_spawn(int nsfd, char *const argv[], const char *logpath, unsigned flags, pid_t *pid,
	      struct bos_err *err)
{
	int logfd, nullfd;
	pid_t p;

	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nullfd < 0)
		return bos_err_sys(err, "open /dev/null");
	logfd = logpath ? open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)
			: fcntl(nullfd, F_DUPFD_CLOEXEC, 3);
	if (logfd < 0) {
		int ret = bos_err_sys(err, "open %s", logpath ? logpath : "/dev/null");

		close(nullfd);
		return ret;
	}
	p = fork();
	if (p < 0) {
		int ret = bos_err_sys(err, "fork for %s", argv[0]);

		close(nullfd);
		close(logfd);
		return ret;
	}
	if (p == 0) {
		sigset_t all;

		/* Child: async-signal-safe calls only. */
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(127);
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
			_exit(127);
		if ((flags & LAB_SPAWN_PRIVATE_SHM) &&
		    (unshare(CLONE_NEWNS) < 0 ||
		     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		     mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
			   "size=16777216,mode=01777") < 0))
			_exit(127);
		if (dup2(nullfd, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(127);
		/* Nothing of bos leaks into a service (capture sockets, case files). */
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		/* New session: a terminal's Ctrl-C reaches bos, which stops services in order. */
		setsid();
		execv(argv[0], argv);
		_exit(127);
	}
	close(nullfd);
	close(logfd);
	*pid = p;
	return 0;
}

int lab_run(int nsfd, char *const argv[], const char *logpath, struct bos_err *err)
{
	pid_t pid;
	int st, ret = lab_spawn(nsfd, argv, logpath, 0, &pid, err);

	if (ret)
		return ret;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return bos_err_sys(err, "waitpid %s", argv[0]);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char msg[200] = "";
		int fd = logpath ? open(logpath, O_RDONLY | O_CLOEXEC) : -1;

		if (fd >= 0) {
			ssize_t n = read(fd, msg, sizeof(msg) - 1);

			msg[n > 0 ? n : 0] = '\0';
			for (char *c = msg; *c; c++)
				if (*c == '\n')
					*c = ' ';
			close(fd);
		}
		return bos_err_set(err, -EIO, "%s failed (status %d): %s", argv[0], st, msg);
	}
	return 0;
}

int lab_stop_pid(pid_t pid, int sig, int timeout_ms)
{
	int st = -1;

	if (pid <= 0)
		return -1;
	kill(pid, sig);
	for (int waited = 0; waited <= timeout_ms; waited += 5) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			return r == pid ? st : -1;
		lab_sleep_ms(5);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

struct tcp_probe {
	char addr[9];		/* local address as /proc/net/tcp prints it (hex) */
	char port[5];
};

/* Is something listening on addr:port (or *:port) in this namespace? Reads the kernel's
 * socket table instead of connecting, so no probe connection shows up in a service's log
 * (Squid logs an "error:transaction-end-before-headers" line for each). proc(5). */
static int probe_listen(void *ctx)
{
	const struct tcp_probe *p = ctx;
	char line[512];
	FILE *f = fopen("/proc/self/net/tcp", "re");
	int found = 0;

	if (!f)
		return 1;
	while (!found && fgets(line, sizeof(line), f)) {
		char local[64], st[8];

		if (sscanf(line, "%*s %63s %*s %7s", local, st) != 2 || strcmp(st, "0A"))
			continue;
		if (strlen(local) == 13 && !strcmp(local + 9, p->port) &&
		    (!strncmp(local, p->addr, 8) || !strncmp(local, "00000000", 8)))
			found = 1;
	}
	fclose(f);
	return found ? 0 : 1;
}

struct conn_probe {
	char port[5];
};

/* Does any TCP socket with local port `port` still have a client (ESTABLISHED, or
 * CLOSE_WAIT: the client left, the server has not closed its end yet)? */
static int probe_clients(void *ctx)
{
	const struct conn_probe *p = ctx;
	char line[512];
	FILE *f = fopen("/proc/self/net/tcp", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char local[64], st[8];

		if (sscanf(line, "%*s %63s %*s %7s", local, st) != 2)
			continue;
		if (strlen(local) == 13 && !strcmp(local + 9, p->port) &&
		    (!strcmp(st, "01") || !strcmp(st, "08")))
			found = 1;
	}
	fclose(f);
	return found;
}

int lab_wait_no_clients(int nsfd, int port, int timeout_ms)
{
	struct conn_probe p;
	struct timespec t0, t1;

	snprintf(p.port, sizeof(p.port), "%04X", (unsigned)port & 0xffff);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long ms;

		if (bos_lab_run_in_ns(nsfd, probe_clients, &p, NULL) == 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > timeout_ms)
			return -ETIMEDOUT;
		lab_sleep_ms(5);
	}
}

int lab_wait_tcp(int nsfd, const char *ip, int port, int timeout_ms, struct bos_err *err)
{
	struct tcp_probe p;
	struct in_addr a;
	struct timespec t0, t1;

	if (inet_pton(AF_INET, ip, &a) != 1)
		return bos_err_set(err, -EINVAL, "bad address %s", ip);
	snprintf(p.addr, sizeof(p.addr), "%08X", (unsigned)a.s_addr);
	snprintf(p.port, sizeof(p.port), "%04X", (unsigned)port & 0xffff);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long ms;

		if (bos_lab_run_in_ns(nsfd, probe_listen, &p, NULL) == 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > timeout_ms)
			return bos_err_set(err, -ETIMEDOUT, "%s:%d not listening after %d ms", ip,
					   port, timeout_ms);
		lab_sleep_ms(5);
	}
}

int bos_lab_run_in_ns(int nsfd, int (*fn)(void *ctx), void *ctx, struct bos_err *err)
{
	pid_t p = fork();
	int st;

	if (p < 0)
		return bos_err_sys(err, "fork");
	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		_exit(fn(ctx) & 0x7f);
	}
	while (waitpid(p, &st, 0) < 0) {
		if (errno != EINTR)
			return bos_err_sys(err, "waitpid");
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return bos_err_set(err, -EIO, "namespace helper died (status %d)", st);
}

/* Pids of every process whose /proc/<pid>/ns/net is the namespace (dev, ino). */
static int scan_netns(dev_t dev, ino_t ino, pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char path[64];
		struct stat st;
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
			out[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

int lab_kill_netns_procs(const char *nspath, int timeout_ms)
{
	pid_t pids[1024];
	struct stat st;
	int n, first;

	if (stat(nspath, &st) < 0)
		return 0;
	first = n = scan_netns(st.st_dev, st.st_ino, pids, (int)BOS_ARRAY_SIZE(pids));
	for (int waited = 0; n > 0 && waited <= timeout_ms; waited += 10) {
		for (int i = 0; i < n; i++) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, WNOHANG);	/* our own children */
		}
		lab_sleep_ms(10);
		n = scan_netns(st.st_dev, st.st_ino, pids, (int)BOS_ARRAY_SIZE(pids));
	}
	return first;
}
