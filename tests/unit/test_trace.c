/*
 * Unit tests of the trace module: Community ID against the spec's published vectors, the
 * "#!" parser on hostile lines, tracee-memory reads at a page edge and of a dead process, and
 * the library API the lab uses (exit status, pre_exec, deadline, summary line).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "harness.h"

#include "../../src/trace/trace_int.h"
#include "bos/clock.h"
#include "bos/limits.h"
#include "bos/community_id.h"
#include "bos/trace.h"

static void cid(char *dst, int fam, uint8_t proto, const char *s, uint16_t sp, const char *d,
		uint16_t dp)
{
	uint8_t sa[16], da[16];

	inet_pton(fam, s, sa);
	inet_pton(fam, d, da);
	bos_community_id_v1(dst, 0, sa, da, fam == AF_INET6, proto, sp, dp);
}

/* Vectors from the Community ID spec's reference implementations (corelight). */
void test_trace__community_id_vectors(void)
{
	char a[BOS_COMMUNITY_ID_LEN], b[BOS_COMMUNITY_ID_LEN];
	cid(a, AF_INET, 6, "128.232.110.120", 34855, "66.35.250.204", 80);
	BT_ASSERT_EQ_STR(a, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	cid(b, AF_INET, 6, "66.35.250.204", 80, "128.232.110.120", 34855);
	BT_ASSERT_EQ_STR(b, a);		/* both directions, one flow */
	cid(a, AF_INET, 17, "192.168.1.52", 54585, "8.8.8.8", 53);
	BT_ASSERT_EQ_STR(a, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
}

void test_trace__shebang(void)
{
	static const char l1[] = "#!/bin/sh -e\necho hi\n";
	static const char l2[] = "#! \t/usr/bin/env   python3 -u  \r\n";
	struct bos_trace_shebang sb;
	const uint8_t *p;
	uint8_t big[300];

	p = bt_guard_dup(l1, sizeof(l1) - 1);
	BT_ASSERT_EQ_INT(bos_trace_shebang_parse(p, sizeof(l1) - 1, &sb), BOS_PARSE_OK);
	BT_ASSERT(sb.interp_len == 7 && !memcmp(sb.interp, "/bin/sh", 7));
	BT_ASSERT(sb.arg_len == 2 && !memcmp(sb.arg, "-e", 2));
	BT_ASSERT(!sb.truncated);

	/* Like the kernel: one argument, everything after the interpreter; \r is kept. */
	p = bt_guard_dup(l2, sizeof(l2) - 1);
	BT_ASSERT_EQ_INT(bos_trace_shebang_parse(p, sizeof(l2) - 1, &sb), BOS_PARSE_OK);
	BT_ASSERT(sb.interp_len == 12 && !memcmp(sb.interp, "/usr/bin/env", 12));
	BT_ASSERT(sb.arg_len == 13 && !memcmp(sb.arg, "python3 -u  \r", 13));

	p = bt_guard_dup("#!  \n", 5);
	BT_ASSERT_EQ_INT(bos_trace_shebang_parse(p, 5, &sb), BOS_PARSE_MALFORMED);
	p = bt_guard_dup("#!", 2);
	BT_ASSERT_EQ_INT(bos_trace_shebang_parse(p, 2, &sb), BOS_PARSE_MALFORMED);
	p = bt_guard_dup("\x7f" "ELF", 4);
	BT_ASSERT_EQ_INT(bos_trace_shebang_parse(p, 4, &sb), BOS_PARSE_UNSUPPORTED);
	p = bt_guard_dup("#", 1);
	BT_ASSERT_EQ_INT(bos_trace_shebang_parse(p, 1, &sb), BOS_PARSE_UNSUPPORTED);
	BT_ASSERT_EQ_INT(bos_trace_shebang_parse(p, 0, &sb), BOS_PARSE_UNSUPPORTED);

	/* No newline within the cap: the line is cut at BOS_TRACE_SHEBANG_MAX. */
	memset(big, 'a', sizeof(big));
	big[0] = '#';
	big[1] = '!';
	big[2] = '/';
	p = bt_guard_dup(big, sizeof(big));
	BT_ASSERT_EQ_INT(bos_trace_shebang_parse(p, sizeof(big), &sb), BOS_PARSE_OK);
	BT_ASSERT(sb.truncated);
	BT_ASSERT_EQ_INT(sb.interp_len, BOS_TRACE_SHEBANG_MAX - 2);
}

/* A string that ends flush against an unmapped page is read whole; one without a NUL up to
 * the page end is returned cut and flagged; a dead process gives -ESRCH. */
void test_trace__mem_reads(void)
{
	const uint8_t *s = bt_guard_dup("hello", 6);
	const uint8_t *n = bt_guard_dup("abc", 3);	/* no NUL before the guard page */
	char dst[BOS_MAX_STRING];
	bool trunc = true;
	pid_t dead;

	BT_ASSERT_EQ_INT(trace_mem_str(getpid(), (uintptr_t)s, dst, sizeof(dst), &trunc), 5);
	BT_ASSERT_EQ_STR(dst, "hello");
	BT_ASSERT(!trunc);
	BT_ASSERT_EQ_INT(trace_mem_str(getpid(), (uintptr_t)n, dst, sizeof(dst), &trunc), 3);
	BT_ASSERT(trunc);
	BT_ASSERT_EQ_INT(trace_mem_str(getpid(), (uintptr_t)s, dst, 3, &trunc), 2);
	BT_ASSERT(trunc);
	BT_ASSERT_EQ_INT(trace_mem_read(getpid(), 0, dst, 4), -EFAULT);

	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	BT_ASSERT_EQ_INT(trace_mem_str(dead, (uintptr_t)s, dst, sizeof(dst), &trunc), -ESRCH);
}

/* Strings are read to the end of their first page, then the rest: one that crosses into the
 * next page comes whole, one cut by the cap is flagged, one whose next page is unmapped ends
 * at the page edge (flagged). */
void test_trace__mem_str_pages(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)pg * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	char dst[BOS_MAX_STRING], *at;
	bool trunc = true;

	BT_ASSERT(m != MAP_FAILED);
	memset(m, 'a', (size_t)pg * 2);
	at = m + pg - 3;		/* "aaa" | "bcd\0" across the edge */
	memcpy(m + pg, "bcd", 4);
	BT_ASSERT_EQ_INT(trace_mem_str(getpid(), (uintptr_t)at, dst, sizeof(dst), &trunc), 6);
	BT_ASSERT_EQ_STR(dst, "aaabcd");
	BT_ASSERT(!trunc);
	/* Cap reached in the second page. */
	BT_ASSERT_EQ_INT(trace_mem_str(getpid(), (uintptr_t)at, dst, 6, &trunc), 5);
	BT_ASSERT_EQ_STR(dst, "aaabc");
	BT_ASSERT(trunc);
	/* A whole page of 'a' then an unmapped one: cut at the edge. */
	memset(m + pg, 'a', (size_t)pg);
	BT_ASSERT_EQ_INT(munmap(m + 2 * pg, (size_t)pg), 0);
	at = m + pg + 10;
	BT_ASSERT_EQ_INT(trace_mem_str(getpid(), (uintptr_t)at, dst, sizeof(dst), &trunc), pg - 10);
	BT_ASSERT(trunc);
	BT_ASSERT_EQ_INT(munmap(m, (size_t)pg * 2), 0);
}

static int refuse(void *ctx)
{
	(void)ctx;
	return EPERM;
}

static char *slurp(int fd)
{
	static char buf[1 << 16];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

void test_trace__run_api(void)
{
	char path[4096];
	char *sh[] = { "/bin/sh", "-c", "exit 3", NULL };
	char *sleeper[] = { "/bin/sleep", "10", NULL };
	struct bos_trace_opts o = { .backend = BOS_TRACE_PTRACE };
	struct bos_trace_result res;
	struct bos_err err = BOS_ERR_INIT;
	volatile sig_atomic_t stop = 0;
	int64_t t0;
	char *out;

	snprintf(path, sizeof(path), "%s/events.jsonl", bt_tmpdir());
	o.events_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	BT_ASSERT(o.events_fd >= 0);

	BT_ASSERT_EQ_INT(bos_trace_run(&o, sh, &res, &err), 0);
	BT_ASSERT(WIFEXITED(res.first_status) && WEXITSTATUS(res.first_status) == 3);
	BT_ASSERT_EQ_INT(res.backend, BOS_TRACE_PTRACE);
	BT_ASSERT_EQ_INT(res.end, BOS_TRACE_END_EXITED);
	BT_ASSERT(res.events >= 2);
	out = slurp(o.events_fd);
	BT_ASSERT(!strncmp(out, "{\"id\":1,", 8));
	BT_ASSERT(strstr(out, "\"event\":\"process.exec\""));
	BT_ASSERT(strstr(out, "\"event\":\"process.exit\""));
	BT_ASSERT(strstr(out, "\"exit_code\":3"));
	BT_ASSERT(strstr(out, "\"event\":\"trace.summary\""));

	/* pre_exec refuses: nothing is exec'd, the reason comes back. */
	BT_ASSERT(ftruncate(o.events_fd, 0) == 0 && lseek(o.events_fd, 0, SEEK_SET) == 0);
	o.pre_exec = refuse;
	BT_ASSERT_EQ_INT(bos_trace_run(&o, sh, &res, &err), 0);
	BT_ASSERT_EQ_INT(res.exec_errno, EPERM);
	BT_ASSERT(WIFEXITED(res.first_status) && WEXITSTATUS(res.first_status) == 127);
	o.pre_exec = NULL;

	/* Deadline: the tree is killed and the run ends promptly. */
	t0 = bos_clock_now_ns();
	o.deadline_ns = t0 + 300 * 1000000LL;
	BT_ASSERT_EQ_INT(bos_trace_run(&o, sleeper, &res, &err), 0);
	BT_ASSERT_EQ_INT(res.end, BOS_TRACE_END_DEADLINE);
	BT_ASSERT(WIFSIGNALED(res.first_status) && WTERMSIG(res.first_status) == SIGKILL);
	BT_ASSERT(bos_clock_now_ns() - t0 < 3000 * 1000000LL);
	o.deadline_ns = 0;

	/* Stop flag set before the start: same, reported as stopped. */
	stop = 1;
	o.stop = &stop;
	BT_ASSERT_EQ_INT(bos_trace_run(&o, sleeper, &res, &err), 0);
	BT_ASSERT_EQ_INT(res.end, BOS_TRACE_END_STOPPED);
	o.stop = NULL;

	/* ebpf explicitly: runs (root, built with it) or is refused with a reason, never
	 * silently replaced by ptrace. */
	o.backend = BOS_TRACE_EBPF;
	BT_ASSERT(ftruncate(o.events_fd, 0) == 0 && lseek(o.events_fd, 0, SEEK_SET) == 0);
	if (bos_trace_run(&o, sh, &res, &err) == 0) {
		BT_ASSERT_EQ_INT(res.backend, BOS_TRACE_EBPF);
		BT_ASSERT(WIFEXITED(res.first_status) && WEXITSTATUS(res.first_status) == 3);
		out = slurp(o.events_fd);
		BT_ASSERT(strstr(out, "\"exit_code\":3"));
		BT_ASSERT(strstr(out, "\"backend\":\"ebpf\""));
	} else {
		BT_ASSERT(err.code < 0);
		BT_ASSERT(strstr(err.msg, "eBPF") || strstr(err.msg, "ebpf"));
	}
	close(o.events_fd);
}

void test_trace__backend_names(void)
{
	BT_ASSERT_EQ_INT(bos_trace_backend_parse("auto"), BOS_TRACE_AUTO);
	BT_ASSERT_EQ_INT(bos_trace_backend_parse("ptrace"), BOS_TRACE_PTRACE);
	BT_ASSERT_EQ_INT(bos_trace_backend_parse("ebpf"), BOS_TRACE_EBPF);
	BT_ASSERT_EQ_INT(bos_trace_backend_parse("strace"), -1);
	BT_ASSERT_EQ_STR(bos_trace_backend_name(BOS_TRACE_EBPF), "ebpf");
}
