/*
 * Tracee: a fork chain, an exec, a thread and a kill (scenario "procs"):
 *   main -> fork child (exit 3) -> fork grandchild -> execve /bin/true "x y"
 *   main: thread opens "thread-file" in argv[1]; kill(getpid(), 0); exit 0.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_main(void *arg)
{
	int fd = open((const char *)arg, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0)
		close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	char path[4096];
	pthread_t th;
	pid_t pid;

	if (argc < 2)
		return 2;
	pid = fork();
	if (pid == 0) {
		pid_t g = fork();

		if (g == 0) {
			execl("/bin/true", "true", "x y", (char *)NULL);
			_exit(99);
		}
		waitpid(g, NULL, 0);
		_exit(3);
	}
	waitpid(pid, NULL, 0);
	snprintf(path, sizeof(path), "%s/thread-file", argv[1]);
	if (pthread_create(&th, NULL, thread_main, path) != 0)
		return 4;
	pthread_join(th, NULL);
	kill(getpid(), 0);
	return 0;
}
