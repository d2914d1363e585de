/*
 * Harmless test sample (tests/priv/contain_limits.sh): tries to outlive the observation
 * the way daemons and droppers do: double fork, setsid(), a new process group, ignoring
 * SIGTERM and SIGHUP, then sleeping. The original process exits at once. The lab must
 * still find and kill the grandchild at the end of the duration.
 * argv[1]: seconds to sleep (the test picks a unique value to find leftovers by).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned secs = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 3600;
	pid_t p = fork();

	if (p < 0)
		return 1;
	if (p > 0) {
		printf("escape: parent exits, child %d\n", (int)p);
		return 0;
	}
	if (setsid() < 0)
		return 1;
	p = fork();
	if (p < 0)
		return 1;
	if (p > 0)
		_exit(0);
	setpgid(0, 0);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	printf("escape: grandchild %d in session %d sleeping %u s\n", (int)getpid(), (int)getsid(0),
	       secs);
	fflush(stdout);
	sleep(secs);
	return 0;
}
