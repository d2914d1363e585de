/*
 * Tracee: what a sample can see of the tracer (scenario "antidebug"). Prints
 *   tracerpid=<TracerPid of /proc/self/status>
 *   traceme=<0 or errno of ptrace(PTRACE_TRACEME)>
 * then races a fork: the child opens argv[1] as its first action and exits 0.
 * With argv[2] == "killparent" it finally tries kill(getppid(), SIGKILL) and prints
 *   killparent=<0 or errno>
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	long tp = -1;
	pid_t pid;
	int r;

	if (argc < 2 || !f)
		return 2;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %ld", &tp) == 1)
			break;
	fclose(f);
	printf("tracerpid=%ld\n", tp);
	r = (int)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	printf("traceme=%d\n", r == 0 ? 0 : errno);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);

		_exit(fd >= 0 ? 0 : 1);
	}
	waitpid(pid, NULL, 0);
	if (argc > 2 && !strcmp(argv[2], "killparent")) {
		r = kill(getppid(), SIGKILL);
		printf("killparent=%d\n", r == 0 ? 0 : errno);
	}
	return 0;
}
