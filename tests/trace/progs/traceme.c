/*
 * Tracee / harmless lab sample: anti-debugging by PTRACE_TRACEME, which makes the parent
 * (bos trace, or the lab's init) the tracer when no debugger holds the slot (eBPF backend).
 * tests/priv/trace_ebpf.sh and tests/priv/observe_traceme.sh check that it is let go and
 * runs to its end. Prints, one line each:
 *   traceme=<0 or errno of ptrace(PTRACE_TRACEME)>
 *   after-stop                  (mode "stop": survived raise(SIGSTOP), the usual handshake)
 *   usr1=1                      (mode "stop": a handled signal after that still arrives)
 *   stage2 ok                   (after exec'ing itself; stage2 also creates ./traceme-stage2.txt)
 * Modes (argv[1]): "stop" (default): TRACEME, raise(SIGSTOP), raise(SIGUSR1), exec;
 * "exec": TRACEME, exec at once (the first stop is then exec's SIGTRAP).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "stop";
	long r;

	if (!strcmp(mode, "stage2")) {
		int fd = open("traceme-stage2.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || write(fd, "stage2\n", 7) != 7)
			return 3;
		close(fd);
		printf("stage2 ok\n");
		return 0;
	}
	r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	printf("traceme=%d\n", r == 0 ? 0 : errno);
	fflush(stdout);
	if (!strcmp(mode, "stop")) {
		signal(SIGUSR1, on_usr1);
		raise(SIGSTOP);
		printf("after-stop\n");
		raise(SIGUSR1);
		printf("usr1=%d\n", (int)got_usr1);
		fflush(stdout);
	}
	execl("/proc/self/exe", argv[0], "stage2", (char *)NULL);
	return 127;
}
