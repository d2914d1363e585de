/*
 * Tracee: fileless execution (scenario "memfd"): copy /bin/true into a memfd named
 * "payload" and fexecve it.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;

int main(void)
{
	char buf[65536];
	char *argv[] = { "payload", "fileless", NULL };
	int in = open("/bin/true", O_RDONLY | O_CLOEXEC), mfd = memfd_create("payload", 0);
	ssize_t n;

	if (in < 0 || mfd < 0)
		return 2;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			return 3;
	fexecve(mfd, argv, environ);
	return 4;
}
