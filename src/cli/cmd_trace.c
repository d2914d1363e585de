/*
 * bos trace: run a command under the process tracer and write its process events as JSON
 * Lines (docs/process-events.md, docs/man/bos-trace.1.md). Exit status: the traced command's
 * (128 + signal when killed), 1 when tracing could not be set up, 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#include "bos/clock.h"
#include "bos/trace.h"

/* --uid/--gid: what the lab does in its pre_exec, for tests and quick runs as root. Runs in
 * the forked child: async-signal-safe calls only. */
struct drop_ids {
	uid_t uid;
	gid_t gid;
};

static int drop_privs(void *ctx)
{
	const struct drop_ids *d = ctx;

	if (setgroups(0, NULL) < 0 || setresgid(d->gid, d->gid, d->gid) < 0 ||
	    setresuid(d->uid, d->uid, d->uid) < 0)
		return errno;
	return 0;
}

/* SIGTERM, SIGINT, SIGHUP: end the run the orderly way (the tracer kills the traced tree,
 * writes its summary and, with eBPF, removes its cgroup) instead of dying with it. */
static volatile sig_atomic_t stop_flag;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(void)
{
	printf("usage: bos trace [--tracer auto|ebpf|ptrace] [--no-io] [-o FILE] [--timeout SEC]"
	       "\n                 [--uid UID --gid GID] -- CMD [ARGS]\n\n"
	       "Run CMD under the process tracer and write process events (JSON Lines) to FILE\n"
	       "(default: stdout). Schema: docs/process-events.md.\n\n"
	       "  --tracer B     auto (default: ebpf if available, else ptrace), ptrace, ebpf\n"
	       "  --no-io        do not count bytes read/written per file (fewer stops)\n"
	       "  -o FILE        write events to FILE (created or truncated)\n"
	       "  --timeout SEC  kill the traced tree after SEC seconds\n"
	       "  --uid UID, --gid GID  run CMD as this user/group (root only)\n");
}

int cmd_trace(int argc, char **argv)
{
	struct bos_trace_opts o = { .backend = BOS_TRACE_AUTO, .events_fd = STDOUT_FILENO };
	struct bos_trace_result res;
	struct bos_err err = BOS_ERR_INIT;
	const char *out = NULL;
	int i, fd = -1, rc;
	long timeout = 0;
	struct drop_ids ids = { .uid = getuid(), .gid = getgid() };

	if (cli_wants_help(argc, argv)) {
		usage();
		return BOS_EXIT_OK;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--tracer") && i + 1 < argc) {
			int b = bos_trace_backend_parse(argv[++i]);

			if (b < 0)
				return cli_usage("trace", "unknown tracer '%s'", argv[i]);
			o.backend = (enum bos_trace_backend)b;
		} else if (!strcmp(a, "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if ((!strcmp(a, "--uid") || !strcmp(a, "--gid")) && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end || !*argv[i] || v > 0xfffffffeul)
				return cli_usage("trace", "bad %s '%s'", a, argv[i]);
			if (a[2] == 'u')
				ids.uid = (uid_t)v;
			else
				ids.gid = (gid_t)v;
			o.pre_exec = drop_privs;
			o.pre_exec_ctx = &ids;
		} else if (!strcmp(a, "--no-io")) {
			o.flags |= BOS_TRACE_NO_IO;
		} else if (!strcmp(a, "--timeout") && i + 1 < argc) {
			char *end;
			long s = strtol(argv[++i], &end, 10);

			if (*end || s <= 0)
				return cli_usage("trace", "bad --timeout '%s'", argv[i]);
			timeout = s;
		} else if (a[0] == '-') {
			return cli_usage("trace", "unknown option '%s'", a);
		} else {
			break;
		}
	}
	if (i >= argc)
		return cli_usage("trace", "no command given");
	if (timeout)
		o.deadline_ns = bos_clock_now_ns() + timeout * 1000000000LL;
	{
		struct sigaction sa = { .sa_handler = on_stop_signal };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		o.stop = &stop_flag;
	}
	if (out) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			bos_err_sys(&err, "open %s", out);
			return cli_fail("trace", &err);
		}
		o.events_fd = fd;
	}
	rc = bos_trace_run(&o, argv + i, &res, &err);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		return cli_fail("trace", &err);
	if (o.backend == BOS_TRACE_AUTO)
		fprintf(stderr, "bos: trace: backend %s (%s)\n",
			bos_trace_backend_name(res.backend), res.backend_reason);
	if (res.lost || res.write_errors)
		fprintf(stderr, "bos: trace: %llu events lost, %llu write errors\n",
			(unsigned long long)res.lost, (unsigned long long)res.write_errors);
	if (res.exec_errno) {
		fprintf(stderr, "bos: trace: %s: %s\n", argv[i], strerror(res.exec_errno));
		return 127;
	}
	if (WIFEXITED(res.first_status))
		return WEXITSTATUS(res.first_status);
	if (WIFSIGNALED(res.first_status))
		return 128 + WTERMSIG(res.first_status);
	return BOS_EXIT_FAIL;
}
