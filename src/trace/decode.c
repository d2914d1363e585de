/*
 * Syscall entry and exit -> events (docs/process-events.md). Input arguments in tracee memory
 * (paths, argv, socket addresses) are copied at entry, before the kernel uses them; results
 * (fds, peer addresses) are read at exit, where the event is written. Every copy is bounded
 * (BOS_MAX_STRING, BOS_TRACE_MAX_ARGV*) and parsed from the local copy with struct bos_cur.
 *
 * Integer arguments are taken as the kernel takes them: int arguments are the low 32 bits
 * (so AT_FDCWD is -100 on i386 too), pointers are 32 bits wide on i386. i386 socketcall(2)
 * is unpacked into the syscall it multiplexes and decoded like the direct one.
 *
 * Local socket addresses (the tracee's side of a connect) come from getsockname on a copy of
 * the tracee's socket taken with pidfd_getfd(2): the tracer is its ptracer, so this is allowed,
 * and the copy is closed at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "trace_int.h"

#include "bos/cur.h"
#include "bos/limits.h"

static int32_t iarg(const struct task *tk, int i)
{
	return (int32_t)(uint32_t)tk->args[i];
}

static uint64_t parg(const struct task *tk, int i)
{
	return tk->wide ? tk->args[i] : (uint32_t)tk->args[i];
}

/* Before the first process has exec'd, its syscalls are the lab's pre_exec, not the sample. */
static bool quiet(const struct tracer *t, const struct task *tk)
{
	return tk->proc->pid == t->first_pid && !tk->proc->execd;
}

/* Copy a string argument into b (cleared first). */
static void read_str(struct tracer *t, struct task *tk, uint64_t addr, struct bos_buf *b)
{
	char tmp[BOS_MAX_STRING];
	bool trunc = false;
	ssize_t n;

	bos_buf_reset(b);
	if (!addr)
		return;
	n = trace_mem_str(tk->tid, addr, tmp, sizeof(tmp), &trunc);
	if (n < 0) {
		tk->mem_error = true;
		t->res->read_errors++;
		return;
	}
	if (trunc) {
		tk->str_trunc = true;
		t->res->truncated++;
	}
	bos_buf_add(b, tmp, (size_t)n);
}

static void read_sockaddr(struct tracer *t, struct task *tk, uint64_t addr, uint64_t len)
{
	ssize_t n;

	tk->salen = 0;
	if (!addr || !len)
		return;
	if (len > sizeof(tk->sa))
		len = sizeof(tk->sa);
	n = trace_mem_read(tk->tid, addr, tk->sa, (size_t)len);
	if (n < 0) {
		tk->mem_error = true;
		t->res->read_errors++;
		return;
	}
	tk->salen = (size_t)n;
}

/* Parsed socket address (from tracee bytes or from getsockname). */
struct saddr {
	int family;
	uint8_t addr[16];
	uint16_t port;
	const uint8_t *path;	/* AF_UNIX: view of sun_path */
	size_t path_len;
};

static bool parse_sockaddr(const uint8_t *data, size_t len, struct saddr *sa)
{
	struct bos_cur c = bos_cur_make(data, len);

	*sa = (struct saddr){ 0 };
	sa->family = bos_cur_le16(&c);	/* sa_family_t is host order: x86 is little endian */
	if (!bos_cur_ok(&c))
		return false;
	switch (sa->family) {
	case AF_INET:
		sa->port = bos_cur_be16(&c);
		bos_cur_copy(&c, sa->addr, 4);
		break;
	case AF_INET6:
		sa->port = bos_cur_be16(&c);
		bos_cur_skip(&c, 4);	/* flowinfo */
		bos_cur_copy(&c, sa->addr, 16);
		break;
	case AF_UNIX:
		sa->path = c.p;
		sa->path_len = bos_cur_left(&c);
		/* Pathname sockets end at the first NUL; abstract ones start with NUL. */
		if (sa->path_len && sa->path[0] != '\0') {
			const uint8_t *nul = memchr(sa->path, '\0', sa->path_len);

			if (nul)
				sa->path_len = (size_t)(nul - sa->path);
		}
		break;
	default:
		break;
	}
	return bos_cur_ok(&c);
}

static const char *family_name(int f)
{
	switch (f) {
	case AF_UNIX: return "unix";
	case AF_INET: return "inet";
	case AF_INET6: return "inet6";
	case AF_NETLINK: return "netlink";
	case AF_PACKET: return "packet";
	default: return NULL;
	}
}

/* prefix "Destination" or "Source": {prefix}Ip + {prefix}Port, or {prefix}Path for unix. */
static void json_saddr(struct bos_json *j, const char *prefix, const struct saddr *sa)
{
	char key[32], ip[INET6_ADDRSTRLEN];

	switch (sa->family) {
	case AF_INET:
	case AF_INET6:
		inet_ntop(sa->family, sa->addr, ip, sizeof(ip));
		snprintf(key, sizeof(key), "%sIp", prefix);
		bos_json_kv_str(j, key, ip);
		snprintf(key, sizeof(key), "%sPort", prefix);
		bos_json_kv_uint(j, key, sa->port);
		break;
	case AF_UNIX:
		snprintf(key, sizeof(key), "%sPath", prefix);
		if (sa->path_len && sa->path[0] == '\0') {	/* abstract: shown as "@name" */
			struct bos_buf b = BOS_BUF_INIT;

			bos_buf_addch(&b, '@');
			bos_buf_add(&b, sa->path + 1, sa->path_len - 1);
			bos_json_kv_strn(j, key, b.data, b.len);
			bos_buf_release(&b);
		} else {
			bos_json_kv_strn(j, key, sa->path, sa->path_len);
		}
		break;
	default:
		break;
	}
}

/* getsockname (peer false) or getpeername (peer true) of the tracee's socket fd. */
static bool sock_name(pid_t pid, int fd, bool peer, struct saddr *out, int *type)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), tl = sizeof(*type);
	int pfd, sfd, r;

	pfd = (int)pidfd_open(pid, 0);
	if (pfd < 0)
		return false;
	sfd = pidfd_getfd(pfd, fd, 0);
	close(pfd);
	if (sfd < 0)
		return false;
	r = peer ? getpeername(sfd, (struct sockaddr *)&ss, &len) :
		   getsockname(sfd, (struct sockaddr *)&ss, &len);
	if (type && getsockopt(sfd, SOL_SOCKET, SO_TYPE, type, &tl) < 0)
		*type = 0;
	close(sfd);
	if (r < 0)
		return false;
	if (len > sizeof(ss))
		len = sizeof(ss);
	return parse_sockaddr((const uint8_t *)&ss, len, out);
}

static bool is_wildcard(const struct saddr *sa)
{
	static const uint8_t zero[16];

	return (sa->family == AF_INET && !memcmp(sa->addr, zero, 4)) ||
	       (sa->family == AF_INET6 && !memcmp(sa->addr, zero, 16));
}

/*
 * An unconnected UDP socket bound to 0.0.0.0 has no local address until the kernel routes
 * each datagram. The capture sees the routed source, so the Community ID needs it too: ask
 * the kernel the same way (connect a UDP socket of our own: no packet is sent). Only when
 * the tracer shares the tracee's network namespace, else the answer would be for the wrong
 * network; the wildcard address then stays, and the doc says so.
 */
static void route_source(pid_t pid, const struct saddr *remote, struct saddr *local)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof(ss);
	struct stat a, b;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &a) < 0 || stat("/proc/self/ns/net", &b) < 0 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev)
		return;
	fd = socket(remote->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (remote->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(remote->port ? remote->port : 9);
		memcpy(&in->sin_addr, remote->addr, 4);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(remote->port ? remote->port : 9);
		memcpy(&in6->sin6_addr, remote->addr, 16);
		len = sizeof(*in6);
	}
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		struct saddr got;
		uint16_t port = local->port;

		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
		    parse_sockaddr((const uint8_t *)&ss, len, &got) && got.family == local->family) {
			memcpy(local->addr, got.addr, sizeof(local->addr));
			local->port = port;
		}
	}
	close(fd);
}

/* Local (peer false) or remote address of fd: from the eBPF record if there, else asked. */
static bool task_sock_name(struct task *tk, int fd, bool peer, struct saddr *out, int *type)
{
	if (tk->bpf_sock) {
		if (type)
			*type = tk->bpf_sock_type;
		return parse_sockaddr(peer ? tk->bpf_remote : tk->bpf_local, tk->bpf_sa_len, out);
	}
	return sock_name(tk->proc->pid, fd, peer, out, type);
}

static uint8_t ip_proto(int type)
{
	if (type == SOCK_STREAM)
		return IPPROTO_TCP;
	if (type == SOCK_DGRAM)
		return IPPROTO_UDP;
	return 0;
}

static void json_proto(struct bos_json *j, int type)
{
	uint8_t p = ip_proto(type);

	if (p)
		bos_json_kv_str(j, "Protocol", p == IPPROTO_TCP ? "tcp" : "udp");
}

/* Community ID for local/remote of a TCP/UDP socket; cid[0] stays 0 when not applicable. */
static void make_cid(char *cid, int type, const struct saddr *local, const struct saddr *remote)
{
	uint8_t p = ip_proto(type);

	cid[0] = '\0';
	if (!p || local->family != remote->family ||
	    (local->family != AF_INET && local->family != AF_INET6))
		return;
	bos_community_id_v1(cid, 0, local->addr, remote->addr, local->family == AF_INET6, p,
			    local->port, remote->port);
}

/*
 * readlink of /proc/<pid>/<what> (fd < 0) or /proc/<pid>/fd/<fd> into dst (cap bytes,
 * NUL-terminated; at most cap - 1 bytes of the link). Returns the length, 0 on failure.
 */
static size_t proc_readlink(pid_t pid, const char *what, int fd, char *dst, size_t cap)
{
	char path[64];
	size_t len = 0, wl = strlen(what);
	ssize_t n;

	if (wl > sizeof(path) - 32)
		return 0;
	memcpy(path, "/proc/", 6);
	len = 6 + trace_put_i64(path + 6, pid);
	path[len++] = '/';
	memcpy(path + len, what, wl);
	len += wl;
	if (fd >= 0) {
		path[len++] = '/';
		len += trace_put_i64(path + len, fd);
	}
	path[len] = '\0';
	n = readlink(path, dst, cap - 1);
	if (n <= 0) {
		dst[0] = '\0';
		return 0;
	}
	dst[n] = '\0';
	return (size_t)n;
}

static void readlink_fd(pid_t pid, int fd, struct bos_buf *b)
{
	char tmp[BOS_MAX_STRING + 1];
	size_t n;

	bos_buf_reset(b);
	if (fd < 0)	/* no such /proc entry ("/proc/<pid>/fd/-1") */
		return;
	n = proc_readlink(pid, "fd", fd, tmp, sizeof(tmp));
	bos_buf_add(b, tmp, n);
}

static void readlink_proc(pid_t pid, const char *what, struct bos_buf *b)
{
	char tmp[BOS_MAX_STRING + 1];
	size_t n;

	bos_buf_reset(b);
	n = proc_readlink(pid, what, -1, tmp, sizeof(tmp));
	bos_buf_add(b, tmp, n);
}

static void json_open_flags(struct bos_json *j, uint32_t fl)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
		{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
		{ O_DSYNC, "O_DSYNC" }, { 0100000, "O_LARGEFILE" }, { O_DIRECTORY, "O_DIRECTORY" },
		{ O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" },
		{ O_PATH, "O_PATH" }, { 020000000, "O_TMPFILE" }, { O_DIRECT, "O_DIRECT" },
	};
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	/* Every name at once fits: 9 + 15 * 13 bytes. */
	char s[256];
	size_t len = strlen(acc[fl & O_ACCMODE]);

	memcpy(s, acc[fl & O_ACCMODE], len);
	for (size_t i = 0; i < BOS_ARRAY_SIZE(names); i++) {
		size_t nl = strlen(names[i].name);

		if ((fl & names[i].bit) != names[i].bit || len + 1 + nl > sizeof(s))
			continue;
		s[len++] = '|';
		memcpy(s + len, names[i].name, nl);
		len += nl;
	}
	bos_json_kv_strn(j, "flags", s, len);
	bos_json_kv_uint(j, "flags_raw", fl);
}

/* "0" then the permission bits in octal, as printf("0%o", mode & 07777). */
static void json_mode(struct bos_json *j, const char *key, uint32_t mode)
{
	char s[8], tmp[4];
	size_t n = 0, len = 0;

	mode &= 07777;
	do {
		tmp[n++] = (char)('0' + (mode & 7));
		mode >>= 3;
	} while (mode);
	s[len++] = '0';
	while (n)
		s[len++] = tmp[--n];
	bos_json_kv_strn(j, key, s, len);
}

static void json_dirfd(struct bos_json *j, int dirfd)
{
	if (dirfd != AT_FDCWD)
		bos_json_kv_int(j, "dirfd", dirfd);
}

/* Common tail of every syscall event: which syscall, which ABI, what was lost. */
static void json_tail(struct tracer *t, struct task *tk)
{
	struct bos_json *j = &t->j;

	bos_json_kv_str(j, "syscall", trace_sc_names[tk->sc]);
	if (!tk->wide)
		bos_json_kv_str(j, "abi", "i386");
	if (tk->socketcall)
		bos_json_kv_bool(j, "socketcall", true);
	if (tk->str_trunc)
		bos_json_kv_bool(j, "truncated", true);
	if (tk->mem_error)
		bos_json_kv_bool(j, "read_error", true);
}

/* ---------------------------------------------------------------- exec */

static void read_argv(struct tracer *t, struct task *tk, uint64_t addr)
{
	size_t ptrsz = tk->wide ? 8 : 4, total = 0;
	uint8_t ptrs[64 * 8];

	bos_buf_reset(&tk->exec_argv);
	tk->exec_argc = 0;
	if (!addr)
		return;
	while (tk->exec_argc < BOS_TRACE_MAX_ARGV) {
		size_t want = sizeof(ptrs) / 8 * ptrsz;
		ssize_t n = trace_mem_read(tk->tid, addr, ptrs, want);
		struct bos_cur c;

		if (n <= 0) {
			tk->mem_error = true;
			t->res->read_errors++;
			return;
		}
		c = bos_cur_make(ptrs, (size_t)n - (size_t)n % ptrsz);
		while (bos_cur_left(&c) && tk->exec_argc < BOS_TRACE_MAX_ARGV) {
			uint64_t p = ptrsz == 8 ? bos_cur_le64(&c) : bos_cur_le32(&c);
			char tmp[BOS_MAX_STRING];
			bool trunc = false;
			ssize_t sl;

			if (!p)
				return;
			sl = trace_mem_str(tk->tid, p, tmp, sizeof(tmp), &trunc);
			if (sl < 0) {
				tk->mem_error = true;
				t->res->read_errors++;
				return;
			}
			if (trunc || total + (size_t)sl > BOS_TRACE_MAX_ARGV_BYTES) {
				tk->exec_trunc = true;
				t->res->truncated++;
				if (total + (size_t)sl > BOS_TRACE_MAX_ARGV_BYTES)
					return;
			}
			bos_buf_add(&tk->exec_argv, tmp, (size_t)sl + 1);	/* with NUL */
			total += (size_t)sl;
			tk->exec_argc++;
		}
		addr += (uint64_t)n - (uint64_t)n % ptrsz;
		if ((size_t)n < want)	/* array runs into unreadable memory */
			return;
	}
	tk->exec_trunc = true;
	t->res->truncated++;
}

/* Host path under which the tracer can open the tracee's path (its root, cwd or dirfd). */
static void host_path(const struct task *tk, int dirfd, const char *path, struct bos_buf *out)
{
	pid_t pid = tk->proc->pid;

	bos_buf_reset(out);
	if (!strncmp(path, "/proc/self/", 11))
		bos_buf_addf(out, "/proc/%d/%s", (int)pid, path + 11);
	else if (path[0] == '/')
		bos_buf_addf(out, "/proc/%d/root%s", (int)pid, path);
	else if (dirfd == AT_FDCWD)
		bos_buf_addf(out, "/proc/%d/cwd/%s", (int)pid, path);
	else if (path[0] == '\0')	/* execveat(fd, "", AT_EMPTY_PATH) */
		bos_buf_addf(out, "/proc/%d/fd/%d", (int)pid, dirfd);
	else
		bos_buf_addf(out, "/proc/%d/fd/%d/%s", (int)pid, dirfd, path);
}

/* First bytes of the file being exec'd: "#!" gives the interpreter (tk->s1, tk->s2). */
static void read_shebang(struct task *tk, int dirfd, bool own_root)
{
	struct bos_buf hp = BOS_BUF_INIT;
	uint8_t head[BOS_TRACE_SHEBANG_MAX];
	struct bos_trace_shebang sb;
	struct stat st;
	ssize_t n = -1;
	int fd;

	bos_buf_reset(&tk->s1);
	bos_buf_reset(&tk->s2);
	host_path(tk, dirfd, tk->exec_path.data, &hp);
	/* O_NONBLOCK: never hang on a FIFO the sample put there; only regular files are read. */
	fd = open(hp.data, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	/* eBPF under bos trace (same mount namespace): the process may be gone; an absolute
	 * path is then read in our own root. */
	if (fd < 0 && own_root && tk->exec_path.data[0] == '/')
		fd = open(tk->exec_path.data, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	bos_buf_release(&hp);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, head, sizeof(head));
	close(fd);
	if (n <= 0 || bos_trace_shebang_parse(head, (size_t)n, &sb) != BOS_PARSE_OK)
		return;
	bos_buf_add(&tk->s1, sb.interp, sb.interp_len);
	if (sb.arg)
		bos_buf_add(&tk->s2, sb.arg, sb.arg_len);
}

static void exec_entry(struct tracer *t, struct task *tk, int dirfd, uint64_t path,
		       uint64_t argv)
{
	read_str(t, tk, path, &tk->exec_path);
	if (!tk->exec_path.len && dirfd != AT_FDCWD)	/* execveat(fd, "", AT_EMPTY_PATH) */
		readlink_fd(tk->proc->pid, dirfd, &tk->exec_path);
	read_argv(t, tk, argv);
	tk->exec_emitted = false;
	read_shebang(tk, dirfd, false);
	tk->args[5] = (uint64_t)(int64_t)dirfd;	/* remembered for the event */
}

void trace_exec_prepare(struct task *tk, int dirfd, bool own_root)
{
	if (!tk->exec_path.len && dirfd != AT_FDCWD)
		readlink_fd(tk->proc->pid, dirfd, &tk->exec_path);
	tk->exec_emitted = false;
	read_shebang(tk, dirfd, own_root);
	tk->args[5] = (uint64_t)(int64_t)dirfd;
}

static void emit_exec(struct tracer *t, struct task *tk, int64_t rval)
{
	struct bos_json *j = &t->j;
	struct bos_buf b = BOS_BUF_INIT;
	int dirfd = (int32_t)tk->args[5];

	trace_ev_begin(t, tk, "process.exec");
	bos_json_kv_strn(j, "Image", tk->exec_path.data, tk->exec_path.len);
	json_dirfd(j, dirfd);
	bos_json_key(j, "argv");
	bos_json_arr_begin(j);
	for (size_t off = 0; off < tk->exec_argv.len;) {
		size_t l = strlen(tk->exec_argv.data + off);

		bos_json_strn(j, tk->exec_argv.data + off, l);
		off += l + 1;
	}
	bos_json_arr_end(j);
	/* CommandLine: argv joined with single spaces (not re-quoted; argv is exact). */
	for (size_t off = 0; off < tk->exec_argv.len; off++)
		bos_buf_addch(&b, tk->exec_argv.data[off] ? tk->exec_argv.data[off] : ' ');
	if (b.len)
		bos_buf_setlen(&b, b.len - 1);
	bos_json_kv_strn(j, "CommandLine", b.data, b.len);
	if (tk->exec_trunc)
		bos_json_kv_bool(j, "argv_truncated", true);
	if (tk->s1.len) {
		bos_json_kv_strn(j, "Interpreter", tk->s1.data, tk->s1.len);
		if (tk->s2.len)
			bos_json_kv_strn(j, "InterpreterArg", tk->s2.data, tk->s2.len);
	}
	readlink_proc(tk->proc->pid, "cwd", &b);
	if (b.len)
		bos_json_kv_strn(j, "CurrentDirectory", b.data, b.len);
	if (rval >= 0) {
		readlink_proc(tk->proc->pid, "exe", &b);
		if (b.len)	/* eBPF: the process may be gone already */
			bos_json_kv_strn(j, "ExePath", b.data, b.len);
		/* Fileless: the new image is a memfd (memfd_create + fexecve/execveat). */
		if (!strncmp(b.data, "/memfd:", 7) || tk->exec_memfd)
			bos_json_kv_bool(j, "Fileless", true);
	}
	trace_json_errno(j, rval);
	json_tail(t, tk);
	trace_ev_end(t);
	bos_buf_release(&b);
	tk->exec_emitted = true;
}

void trace_exec_done(struct tracer *t, struct task *tk)
{
	struct proc *p = tk->proc;
	struct fdent *img = NULL;

	/* Before the O_CLOEXEC fds go: was the image an fd we saw made by memfd_create? */
	if (tk->sc == SC_EXECVEAT)
		img = trace_fd_find(p, (int32_t)tk->args[5]);
	tk->exec_memfd = img && img->path && !strncmp(img->path, "memfd:", 6);
	/* O_CLOEXEC files are gone now. */
	for (size_t i = 0; i < p->nfds;) {
		if (p->fds[i].cloexec) {
			if (p->execd)
				trace_ev_fd_close(t, tk, &p->fds[i], "exec");
			trace_fd_del(p, &p->fds[i]);
		} else {
			i++;
		}
	}
	p->execd = true;
	trace_proc_read_ids(p);		/* a set-user-ID image changes them */
	if (tk->sc == SC_EXECVE || tk->sc == SC_EXECVEAT)
		emit_exec(t, tk, 0);
	tk->in_syscall = false;
}

/* ---------------------------------------------------------------- entry */

/* The i386 socketcall(call, args): unpack into the direct syscall. */
static uint16_t unpack_socketcall(struct tracer *t, struct task *tk)
{
	static const uint16_t map[] = {
		[1] = SC_SOCKET, [2] = SC_BIND, [3] = SC_CONNECT, [4] = SC_LISTEN,
		[5] = SC_ACCEPT, [9] = SC_SENDTO, [10] = SC_RECVFROM, [11] = SC_SENDTO,
		[12] = SC_RECVFROM, [16] = SC_SENDMSG, [18] = SC_ACCEPT4,
	};
	uint32_t call = (uint32_t)tk->args[0];
	uint8_t raw[6 * 4];
	struct bos_cur c;
	ssize_t n;

	if (call >= BOS_ARRAY_SIZE(map) || !map[call])
		return SC_NONE;
	n = trace_mem_read(tk->tid, parg(tk, 1), raw, sizeof(raw));
	if (n < 0) {
		t->res->read_errors++;
		return SC_NONE;
	}
	c = bos_cur_make(raw, (size_t)n);
	for (int i = 0; i < 6; i++)
		tk->args[i] = bos_cur_left(&c) >= 4 ? bos_cur_le32(&c) : 0;
	if (call == 9 || call == 10) {	/* send/recv(fd, buf, len, flags): no address */
		tk->args[4] = 0;
		tk->args[5] = 0;
	}
	return map[call];
}

static bool followed(struct task *tk, int fd)
{
	return trace_fd_find(tk->proc, fd) != NULL;
}

void trace_sys_enter(struct tracer *t, struct task *tk, uint32_t arch, uint16_t sc,
		     const uint64_t args[6], bool *want_exit)
{
	memcpy(tk->args, args, sizeof(tk->args));
	tk->arch = arch;
	tk->wide = arch == TRACE_ARCH_X86_64;
	tk->sc = sc;
	tk->mem_error = false;
	tk->str_trunc = false;
	tk->salen = 0;
	*want_exit = false;
	tk->socketcall = false;
	if (sc == SC_SOCKETCALL) {
		sc = unpack_socketcall(t, tk);
		tk->sc = sc;
		tk->socketcall = true;
	}
	if (sc == SC_NONE || sc >= SC__COUNT)
		return;
	if (quiet(t, tk) && sc != SC_EXECVE && sc != SC_EXECVEAT)
		return;
	*want_exit = true;
	switch ((enum sc)sc) {
	case SC_EXECVE:
		exec_entry(t, tk, AT_FDCWD, parg(tk, 0), parg(tk, 1));
		break;
	case SC_EXECVEAT:
		exec_entry(t, tk, iarg(tk, 0), parg(tk, 1), parg(tk, 2));
		break;
	case SC_MEMFD_CREATE:
	case SC_OPEN:
	case SC_CREAT:
	case SC_UNLINK:
	case SC_RMDIR:
	case SC_MKDIR:
	case SC_CHMOD:
	case SC_CHOWN:
	case SC_LCHOWN:
	case SC_TRUNCATE:
	case SC_TRUNCATE64:
		read_str(t, tk, parg(tk, 0), &tk->s1);
		break;
	case SC_OPENAT:
	case SC_OPENAT2:
	case SC_UNLINKAT:
	case SC_MKDIRAT:
	case SC_FCHMODAT:
	case SC_FCHOWNAT:
		read_str(t, tk, parg(tk, 1), &tk->s1);
		if (sc == SC_OPENAT2) {	/* struct open_how { u64 flags, mode, resolve; } */
			uint8_t how[16];
			struct bos_cur c;
			ssize_t n = trace_mem_read(tk->tid, parg(tk, 2), how, sizeof(how));

			c = bos_cur_make(how, n > 0 ? (size_t)n : 0);
			tk->args[2] = bos_cur_le64(&c);
			tk->args[3] = bos_cur_le64(&c);
		}
		break;
	case SC_RENAME:
		read_str(t, tk, parg(tk, 0), &tk->s1);
		read_str(t, tk, parg(tk, 1), &tk->s2);
		break;
	case SC_RENAMEAT:
	case SC_RENAMEAT2:
		read_str(t, tk, parg(tk, 1), &tk->s1);
		read_str(t, tk, parg(tk, 3), &tk->s2);
		break;
	case SC_FCHMOD:
	case SC_FCHOWN:
	case SC_FTRUNCATE:
	case SC_FTRUNCATE64: {
		struct fdent *f = trace_fd_find(tk->proc, iarg(tk, 0));

		bos_buf_reset(&tk->s1);
		if (f && f->path)
			bos_buf_addstr(&tk->s1, f->path);
		else
			readlink_fd(tk->proc->pid, iarg(tk, 0), &tk->s1);
		break;
	}
	case SC_CLOSE: {
		struct fdent *f = trace_fd_find(tk->proc, iarg(tk, 0));

		/* Closing a valid fd cannot fail in a way that keeps it open (close(2)). */
		if (f) {
			trace_ev_fd_close(t, tk, f, "close");
			trace_fd_del(tk->proc, f);
		}
		*want_exit = false;
		break;
	}
	case SC_READ:
	case SC_WRITE:
	case SC_PREAD64:
	case SC_PWRITE64:
	case SC_READV:
	case SC_WRITEV:
		*want_exit = followed(tk, iarg(tk, 0));
		break;
	case SC_DUP:
		*want_exit = followed(tk, iarg(tk, 0));
		break;
	case SC_DUP2:
	case SC_DUP3:
		*want_exit = followed(tk, iarg(tk, 0)) || followed(tk, iarg(tk, 1));
		break;
	case SC_CONNECT:
	case SC_BIND:
		read_sockaddr(t, tk, parg(tk, 1), (uint32_t)tk->args[2]);
		break;
	case SC_SENDTO:
		read_sockaddr(t, tk, parg(tk, 4), (uint32_t)tk->args[5]);
		*want_exit = tk->salen || followed(tk, iarg(tk, 0));
		break;
	case SC_RECVFROM:
		*want_exit = parg(tk, 4) || followed(tk, iarg(tk, 0));
		break;
	case SC_SENDMSG: {
		/* struct msghdr: msg_name, msg_namelen first (pointer width of the ABI). */
		uint8_t mh[16];
		ssize_t n = trace_mem_read(tk->tid, parg(tk, 1), mh, tk->wide ? 12 : 8);
		struct bos_cur c = bos_cur_make(mh, n > 0 ? (size_t)n : 0);
		uint64_t name = tk->wide ? bos_cur_le64(&c) : bos_cur_le32(&c);
		uint32_t nlen = bos_cur_le32(&c);

		if (bos_cur_ok(&c))
			read_sockaddr(t, tk, name, nlen);
		*want_exit = tk->salen || followed(tk, iarg(tk, 0));
		break;
	}
	case SC_NONE:
	case SC_SETUID:
	case SC_SETGID:
	case SC_SETREUID:
	case SC_SETREGID:
	case SC_SETRESUID:
	case SC_SETRESGID:
	case SC_SETFSUID:
	case SC_SETFSGID:
	case SC_PTRACE:
	case SC_KILL:
	case SC_TKILL:
	case SC_TGKILL:
	case SC_SOCKET:
	case SC_LISTEN:
	case SC_ACCEPT:
	case SC_ACCEPT4:
	case SC_SOCKETCALL:
	case SC__COUNT:
	default:
		break;
	}
}

/* ---------------------------------------------------------------- exit */

static void exit_setid(struct tracer *t, struct task *tk, int64_t rv)
{
	struct bos_json *j = &t->j;
	int n = 1;

	switch (tk->sc) {
	case SC_SETREUID:
	case SC_SETREGID:
		n = 2;
		break;
	case SC_SETRESUID:
	case SC_SETRESGID:
		n = 3;
		break;
	default:
		break;
	}
	if (rv >= 0)
		trace_proc_read_ids(tk->proc);
	trace_ev_begin(t, tk, "process.setid");
	bos_json_key(j, "ids");
	bos_json_arr_begin(j);
	for (int i = 0; i < n; i++)
		bos_json_int(j, iarg(tk, i));
	bos_json_arr_end(j);
	/* setfsuid returns the previous id, not an error: report it as is. */
	if (tk->sc == SC_SETFSUID || tk->sc == SC_SETFSGID)
		bos_json_kv_int(j, "previous", rv);
	else
		trace_json_errno(j, rv);
	json_tail(t, tk);
	trace_ev_end(t);
}

static void exit_kill(struct tracer *t, struct task *tk, int64_t rv)
{
	struct bos_json *j = &t->j;

	trace_ev_begin(t, tk, "process.kill");
	if (tk->sc == SC_TGKILL) {
		bos_json_kv_int(j, "TargetProcessId", iarg(tk, 0));
		bos_json_kv_int(j, "TargetThreadId", iarg(tk, 1));
		bos_json_kv_int(j, "signal", iarg(tk, 2));
	} else {
		bos_json_kv_int(j, tk->sc == SC_TKILL ? "TargetThreadId" : "TargetProcessId",
				iarg(tk, 0));
		bos_json_kv_int(j, "signal", iarg(tk, 1));
	}
	trace_json_errno(j, rv);
	json_tail(t, tk);
	trace_ev_end(t);
}

static void exit_ptrace(struct tracer *t, struct task *tk, int64_t rv)
{
	static const struct { int req; const char *name; } names[] = {
		{ 0, "PTRACE_TRACEME" }, { 1, "PTRACE_PEEKTEXT" }, { 2, "PTRACE_PEEKDATA" },
		{ 4, "PTRACE_POKETEXT" }, { 5, "PTRACE_POKEDATA" }, { 7, "PTRACE_CONT" },
		{ 8, "PTRACE_KILL" }, { 12, "PTRACE_GETREGS" }, { 13, "PTRACE_SETREGS" },
		{ 16, "PTRACE_ATTACH" }, { 17, "PTRACE_DETACH" }, { 24, "PTRACE_SYSCALL" },
		{ 0x4206, "PTRACE_SEIZE" }, { 0x4207, "PTRACE_INTERRUPT" },
	};
	struct bos_json *j = &t->j;
	int req = iarg(tk, 0);

	trace_ev_begin(t, tk, "process.ptrace");
	bos_json_kv_int(j, "request", req);
	for (size_t i = 0; i < BOS_ARRAY_SIZE(names); i++)
		if (names[i].req == req)
			bos_json_kv_str(j, "request_name", names[i].name);
	if (req != 0)
		bos_json_kv_int(j, "TargetProcessId", iarg(tk, 1));
	trace_json_errno(j, rv);
	json_tail(t, tk);
	trace_ev_end(t);
}

static void exit_open(struct tracer *t, struct task *tk, int64_t rv)
{
	struct bos_json *j = &t->j;
	uint32_t flags = 0, mode = 0;
	int dirfd = AT_FDCWD;
	struct fdent *f;
	char real[BOS_MAX_STRING + 1];
	size_t real_len = 0;

	switch (tk->sc) {
	case SC_OPEN:
		flags = (uint32_t)tk->args[1];
		mode = (uint32_t)tk->args[2];
		break;
	case SC_CREAT:
		flags = O_CREAT | O_WRONLY | O_TRUNC;
		mode = (uint32_t)tk->args[1];
		break;
	default:	/* openat, openat2 (how copied into args[2..3] at entry) */
		dirfd = iarg(tk, 0);
		flags = (uint32_t)tk->args[2];
		mode = (uint32_t)tk->args[3];
		break;
	}
	if (rv >= 0)
		real_len = proc_readlink(tk->proc->pid, "fd", (int)rv, real, sizeof(real));
	trace_ev_begin(t, tk, "file.open");
	bos_json_kv_strn(j, "TargetFilename", tk->s1.data, tk->s1.len);
	json_dirfd(j, dirfd);
	json_open_flags(j, flags);
	if (flags & (O_CREAT | 020000000))
		json_mode(j, "mode", mode);
	if (rv >= 0) {
		bos_json_kv_int(j, "fd", rv);
		if (real_len)	/* eBPF: the fd may be gone by the time we look */
			bos_json_kv_strn(j, "ResolvedPath", real, real_len);
	}
	trace_json_errno(j, rv);
	json_tail(t, tk);
	trace_ev_end(t);
	if (rv >= 0 && (f = trace_fd_add(t, tk->proc, (int)rv))) {
		f->kind = FD_FILE;
		f->cloexec = (flags & O_CLOEXEC) != 0;
		f->open_id = t->next_id;
		f->path = strdup(real_len ? real : tk->s1.data);
	}
}

static void exit_memfd(struct tracer *t, struct task *tk, int64_t rv)
{
	struct bos_json *j = &t->j;
	struct fdent *f;
	uint32_t flags = (uint32_t)tk->args[1];

	trace_ev_begin(t, tk, "process.memfd_create");
	bos_json_kv_strn(j, "name", tk->s1.data, tk->s1.len);
	bos_json_kv_uint(j, "flags_raw", flags);
	if (rv >= 0)
		bos_json_kv_int(j, "fd", rv);
	trace_json_errno(j, rv);
	json_tail(t, tk);
	trace_ev_end(t);
	if (rv >= 0 && (f = trace_fd_add(t, tk->proc, (int)rv))) {
		struct bos_buf b = BOS_BUF_INIT;

		bos_buf_addstr(&b, "memfd:");
		bos_buf_add(&b, tk->s1.data, tk->s1.len);
		f->kind = FD_FILE;
		f->cloexec = (flags & 1u) != 0;	/* MFD_CLOEXEC */
		f->open_id = t->next_id;
		f->path = bos_buf_detach(&b, NULL);
	}
}

/* unlink, rmdir, mkdir, chmod, chown, truncate and their *at / f* forms. */
static void exit_file_op(struct tracer *t, struct task *tk, int64_t rv)
{
	struct bos_json *j = &t->j;
	const char *ev = "file.unknown";
	int dirfd = AT_FDCWD;

	switch (tk->sc) {
	case SC_UNLINK:
	case SC_RMDIR:
	case SC_UNLINKAT:
		ev = "file.delete";
		break;
	case SC_MKDIR:
	case SC_MKDIRAT:
		ev = "file.mkdir";
		break;
	case SC_CHMOD:
	case SC_FCHMOD:
	case SC_FCHMODAT:
		ev = "file.chmod";
		break;
	case SC_CHOWN:
	case SC_LCHOWN:
	case SC_FCHOWN:
	case SC_FCHOWNAT:
		ev = "file.chown";
		break;
	default:
		ev = "file.truncate";
		break;
	}
	if (tk->sc == SC_UNLINKAT || tk->sc == SC_MKDIRAT || tk->sc == SC_FCHMODAT ||
	    tk->sc == SC_FCHOWNAT)
		dirfd = iarg(tk, 0);
	trace_ev_begin(t, tk, ev);
	bos_json_kv_strn(j, "TargetFilename", tk->s1.data, tk->s1.len);
	json_dirfd(j, dirfd);
	switch (tk->sc) {
	case SC_RMDIR:
		bos_json_kv_bool(j, "directory", true);
		break;
	case SC_UNLINKAT:
		if (tk->args[2] & AT_REMOVEDIR)
			bos_json_kv_bool(j, "directory", true);
		break;
	case SC_MKDIR:
	case SC_CHMOD:
	case SC_FCHMOD:
		json_mode(j, "mode", (uint32_t)tk->args[1]);
		break;
	case SC_MKDIRAT:
	case SC_FCHMODAT:
		json_mode(j, "mode", (uint32_t)tk->args[2]);
		break;
	case SC_CHOWN:
	case SC_LCHOWN:
	case SC_FCHOWN:
		bos_json_kv_int(j, "owner", iarg(tk, 1));
		bos_json_kv_int(j, "group", iarg(tk, 2));
		break;
	case SC_FCHOWNAT:
		bos_json_kv_int(j, "owner", iarg(tk, 2));
		bos_json_kv_int(j, "group", iarg(tk, 3));
		break;
	case SC_TRUNCATE:
	case SC_FTRUNCATE:
		bos_json_kv_int(j, "length", tk->wide ? (int64_t)tk->args[1] : iarg(tk, 1));
		break;
	case SC_TRUNCATE64:
	case SC_FTRUNCATE64:	/* i386: low word, high word */
		bos_json_kv_int(j, "length", (int64_t)((uint64_t)(uint32_t)tk->args[2] << 32 |
						       (uint32_t)tk->args[1]));
		break;
	default:
		break;
	}
	if (tk->sc == SC_FCHMOD || tk->sc == SC_FCHOWN || tk->sc == SC_FTRUNCATE ||
	    tk->sc == SC_FTRUNCATE64)
		bos_json_kv_int(j, "fd", iarg(tk, 0));
	trace_json_errno(j, rv);
	json_tail(t, tk);
	trace_ev_end(t);
}

static void exit_rename(struct tracer *t, struct task *tk, int64_t rv)
{
	struct bos_json *j = &t->j;

	trace_ev_begin(t, tk, "file.rename");
	bos_json_kv_strn(j, "SourceFilename", tk->s1.data, tk->s1.len);
	bos_json_kv_strn(j, "TargetFilename", tk->s2.data, tk->s2.len);
	if (tk->sc != SC_RENAME) {
		json_dirfd(j, iarg(tk, 0));
		if (iarg(tk, 2) != AT_FDCWD)
			bos_json_kv_int(j, "newdirfd", iarg(tk, 2));
	}
	if (tk->sc == SC_RENAMEAT2 && tk->args[4])
		bos_json_kv_uint(j, "flags_raw", (uint32_t)tk->args[4]);
	trace_json_errno(j, rv);
	json_tail(t, tk);
	trace_ev_end(t);
}

static void exit_io(struct task *tk, int64_t rv)
{
	struct fdent *f = trace_fd_find(tk->proc, iarg(tk, 0));

	if (!f || rv <= 0)
		return;
	switch (tk->sc) {
	case SC_READ:
	case SC_PREAD64:
	case SC_READV:
	case SC_RECVFROM:
		f->rd += (uint64_t)rv;
		break;
	default:
		f->wr += (uint64_t)rv;
		break;
	}
}

/* dup, dup2, dup3: the new fd is followed like the old one (its own byte counts); an fd
 * replaced by dup2/dup3 is closed. fcntl(F_DUPFD) is not followed (see the doc). */
static void exit_dup(struct tracer *t, struct task *tk, int64_t rv)
{
	struct fdent *old, *nf;
	struct fdent copy;

	if (rv < 0)
		return;
	if (tk->sc != SC_DUP && rv == iarg(tk, 0))
		return;		/* dup2(fd, fd): nothing changes */
	nf = trace_fd_find(tk->proc, (int)rv);
	if (nf) {
		trace_ev_fd_close(t, tk, nf, "dup2");
		trace_fd_del(tk->proc, nf);
	}
	old = trace_fd_find(tk->proc, iarg(tk, 0));
	if (!old)
		return;
	copy = *old;		/* old may move when the table grows */
	nf = trace_fd_add(t, tk->proc, (int)rv);
	if (!nf)
		return;
	nf->kind = copy.kind;
	nf->family = copy.family;
	nf->type = copy.type;
	nf->proto = copy.proto;
	nf->open_id = copy.open_id;
	nf->cloexec = tk->sc == SC_DUP3 && (iarg(tk, 2) & O_CLOEXEC);
	nf->path = copy.path ? strdup(copy.path) : NULL;
	memcpy(nf->cid, copy.cid, sizeof(nf->cid));
}

static void exit_socket(struct tracer *t, struct task *tk, int64_t rv)
{
	struct bos_json *j = &t->j;
	int fam = iarg(tk, 0), type = iarg(tk, 1) & 0xf, proto = iarg(tk, 2);
	struct fdent *f;

	trace_ev_begin(t, tk, "net.socket");
	if (family_name(fam))
		bos_json_kv_str(j, "family", family_name(fam));
	bos_json_kv_int(j, "family_raw", fam);
	bos_json_kv_int(j, "type", type);
	bos_json_kv_int(j, "protocol", proto);
	if (fam == AF_INET || fam == AF_INET6)
		json_proto(j, type);
	if (rv >= 0)
		bos_json_kv_int(j, "fd", rv);
	trace_json_errno(j, rv);
	json_tail(t, tk);
	trace_ev_end(t);
	if (rv >= 0 && (f = trace_fd_add(t, tk->proc, (int)rv))) {
		f->kind = FD_SOCKET;
		f->family = fam;
		f->type = type;
		f->proto = proto;
		f->cloexec = (iarg(tk, 1) & SOCK_CLOEXEC) != 0;
		f->open_id = t->next_id;
	}
}

static const char *connect_result(int64_t rv)
{
	switch (-rv) {
	case 0: return "connected";
	case ECONNREFUSED: return "refused";
	case ETIMEDOUT: return "timed_out";
	case EINPROGRESS: return "in_progress";
	case ENETUNREACH: return "net_unreachable";
	case EHOSTUNREACH: return "host_unreachable";
	default: return NULL;
	}
}

/* connect, bind, sendto/sendmsg with an address, recvfrom with an address, accept. */
static void exit_net(struct tracer *t, struct task *tk, int64_t rv)
{
	struct bos_json *j = &t->j;
	int fd = iarg(tk, 0), type = 0;
	struct fdent *f = trace_fd_find(tk->proc, fd);
	struct saddr remote = { 0 }, local = { 0 };
	bool have_remote = false, have_local = false;
	const char *ev, *res = NULL;
	char cid[BOS_COMMUNITY_ID_LEN] = "";

	if (f)
		type = f->type;
	switch (tk->sc) {
	case SC_CONNECT:
		ev = "net.connect";
		have_remote = parse_sockaddr(tk->sa, tk->salen, &remote);
		res = connect_result(rv);
		if (rv == 0 || rv == -EINPROGRESS)
			have_local = task_sock_name(tk, fd, false, &local, &type);
		break;
	case SC_BIND:
		ev = "net.bind";
		have_local = parse_sockaddr(tk->sa, tk->salen, &local);
		break;
	case SC_LISTEN:
		ev = "net.listen";
		have_local = sock_name(tk->proc->pid, fd, false, &local, &type);
		break;
	case SC_ACCEPT:
	case SC_ACCEPT4:
		ev = "net.accept";
		if (rv >= 0) {
			have_remote = task_sock_name(tk, (int)rv, true, &remote, &type);
			have_local = task_sock_name(tk, (int)rv, false, &local, NULL);
		}
		break;
	case SC_RECVFROM: {
		/* The sender's address was written to (addr, *addrlen) by the kernel. */
		uint8_t lenb[4];
		struct bos_cur c;
		ssize_t n;

		ev = "net.recvfrom";
		if (rv < 0 || !parg(tk, 4))
			return;
		n = trace_mem_read(tk->tid, parg(tk, 5), lenb, sizeof(lenb));
		c = bos_cur_make(lenb, n > 0 ? (size_t)n : 0);
		read_sockaddr(t, tk, parg(tk, 4), bos_cur_le32(&c));
		have_remote = parse_sockaddr(tk->sa, tk->salen, &remote);
		have_local = sock_name(tk->proc->pid, fd, false, &local, &type);
		break;
	}
	default:	/* sendto, sendmsg */
		if (!tk->salen)
			return;
		ev = "net.sendto";
		have_remote = parse_sockaddr(tk->sa, tk->salen, &remote);
		if (rv >= 0)
			have_local = task_sock_name(tk, fd, false, &local, &type);
		break;
	}
	if (have_local && have_remote && is_wildcard(&local))
		route_source(tk->proc->pid, &remote, &local);
	if (have_local && have_remote)
		make_cid(cid, type, &local, &remote);

	trace_ev_begin(t, tk, ev);
	bos_json_kv_int(j, "fd", fd);
	if (have_remote && family_name(remote.family))
		bos_json_kv_str(j, "family", family_name(remote.family));
	else if (have_local && family_name(local.family))
		bos_json_kv_str(j, "family", family_name(local.family));
	if ((have_remote && (remote.family == AF_INET || remote.family == AF_INET6)) ||
	    (have_local && (local.family == AF_INET || local.family == AF_INET6)))
		json_proto(j, type);
	if (tk->sc != SC_BIND && tk->sc != SC_LISTEN)
		bos_json_kv_bool(j, "Initiated", tk->sc == SC_CONNECT || tk->sc == SC_SENDTO ||
				 tk->sc == SC_SENDMSG);
	if (have_local)
		json_saddr(j, "Source", &local);
	if (have_remote)
		json_saddr(j, "Destination", &remote);
	if (cid[0])
		bos_json_kv_str(j, "CommunityId", cid);
	if ((tk->sc == SC_ACCEPT || tk->sc == SC_ACCEPT4) && rv >= 0)
		bos_json_kv_int(j, "new_fd", rv);
	if ((tk->sc == SC_SENDTO || tk->sc == SC_SENDMSG || tk->sc == SC_RECVFROM) && rv >= 0)
		bos_json_kv_int(j, "bytes", rv);
	if (tk->sc == SC_LISTEN)
		bos_json_kv_int(j, "backlog", iarg(tk, 1));
	if (res) {
		bos_json_kv_str(j, "result", res);
		if (rv < 0)
			bos_json_kv_int(j, "errno", -rv);
	} else {
		trace_json_errno(j, rv);
	}
	json_tail(t, tk);
	trace_ev_end(t);

	/* Remember the flow on the socket for its net.close summary. */
	if (f && cid[0] && tk->sc == SC_CONNECT)
		memcpy(f->cid, cid, sizeof(cid));
	if ((tk->sc == SC_ACCEPT || tk->sc == SC_ACCEPT4) && rv >= 0 &&
	    (f = trace_fd_add(t, tk->proc, (int)rv))) {
		f->kind = FD_SOCKET;
		f->family = remote.family;
		f->type = type;
		f->cloexec = tk->sc == SC_ACCEPT4 && (iarg(tk, 3) & SOCK_CLOEXEC);
		f->open_id = t->next_id;
		memcpy(f->cid, cid, sizeof(cid));
	}
}

void trace_sys_exit(struct tracer *t, struct task *tk, int64_t rv, bool is_error)
{
	(void)is_error;
	tk->in_syscall = false;
	switch ((enum sc)tk->sc) {
	case SC_EXECVE:
	case SC_EXECVEAT:
		if (!tk->exec_emitted)
			emit_exec(t, tk, rv);
		break;
	case SC_SETUID:
	case SC_SETGID:
	case SC_SETREUID:
	case SC_SETREGID:
	case SC_SETRESUID:
	case SC_SETRESGID:
	case SC_SETFSUID:
	case SC_SETFSGID:
		exit_setid(t, tk, rv);
		break;
	case SC_KILL:
	case SC_TKILL:
	case SC_TGKILL:
		exit_kill(t, tk, rv);
		break;
	case SC_PTRACE:
		exit_ptrace(t, tk, rv);
		break;
	case SC_MEMFD_CREATE:
		exit_memfd(t, tk, rv);
		break;
	case SC_OPEN:
	case SC_OPENAT:
	case SC_OPENAT2:
	case SC_CREAT:
		exit_open(t, tk, rv);
		break;
	case SC_UNLINK:
	case SC_UNLINKAT:
	case SC_RMDIR:
	case SC_MKDIR:
	case SC_MKDIRAT:
	case SC_CHMOD:
	case SC_FCHMOD:
	case SC_FCHMODAT:
	case SC_CHOWN:
	case SC_FCHOWN:
	case SC_LCHOWN:
	case SC_FCHOWNAT:
	case SC_TRUNCATE:
	case SC_FTRUNCATE:
	case SC_TRUNCATE64:
	case SC_FTRUNCATE64:
		exit_file_op(t, tk, rv);
		break;
	case SC_RENAME:
	case SC_RENAMEAT:
	case SC_RENAMEAT2:
		exit_rename(t, tk, rv);
		break;
	case SC_READ:
	case SC_WRITE:
	case SC_PREAD64:
	case SC_PWRITE64:
	case SC_READV:
	case SC_WRITEV:
		exit_io(tk, rv);
		break;
	case SC_SOCKET:
		exit_socket(t, tk, rv);
		break;
	case SC_DUP:
	case SC_DUP2:
	case SC_DUP3:
		exit_dup(t, tk, rv);
		break;
	case SC_SENDTO:
	case SC_SENDMSG:
	case SC_RECVFROM:
		exit_io(tk, rv);
		exit_net(t, tk, rv);
		break;
	case SC_CONNECT:
	case SC_BIND:
	case SC_LISTEN:
	case SC_ACCEPT:
	case SC_ACCEPT4:
		exit_net(t, tk, rv);
		break;
	case SC_CLOSE:
	case SC_SOCKETCALL:
	case SC_NONE:
	case SC__COUNT:
	default:
		break;
	}
}
