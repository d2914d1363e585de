/*
 * Tracee: a non-leader thread calls execve while another thread sleeps (scenario
 * "threadexec"): the kernel gives the exec'ing thread the leader's tid.
 */
#include <pthread.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *execer(void *arg)
{
	(void)arg;
	execl("/bin/true", "true", "from-thread", (char *)NULL);
	return NULL;
}

int main(void)
{
	pthread_t a, b;

	pthread_create(&a, NULL, sleeper, NULL);
	pthread_create(&b, NULL, execer, NULL);
	pthread_join(b, NULL);
	return 1;	/* not reached when execl works */
}
