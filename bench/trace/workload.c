/*
 * Syscall-heavy workload for bench/trace/run.sh: file, process and network syscalls in a
 * fixed mix, N iterations (argv[2], default 50000) in directory argv[1]:
 *   every iteration   open(O_CREAT) write(64) lseek read close unlink  + 40 x getppid()
 *   every 16th        UDP sendto + recvfrom on loopback
 *   every 64th        TCP socket + connect + accept + close x2 on loopback
 *   every 256th       fork, child _exit(0), waitpid
 * getppid is not in the tracers' sets: it measures what a seccomp filter saves (the
 * untraced majority of a real program's syscalls). Prints the syscall count, and the loop's
 * own elapsed time (CLOCK_MONOTONIC) and CPU time (user+sys of this process, which includes
 * the BPF programs run in its syscalls): the sample's slowdown apart from the tracer's
 * start-up and its user-space consumer, which the whole command's times include.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	double cpu0;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	long n = argc > 2 ? atol(argv[2]) : 50000, calls = 0;
	char buf[64] = { 0 }, path[4096];
	int ls, u1, u2;

	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "%s/wl.tmp", argv[1]);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	u2 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	u1 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 64) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) < 0)
		return 3;
	struct sockaddr_in ua = { .sin_family = AF_INET };
	socklen_t ul = sizeof(ua);

	ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(u2, (struct sockaddr *)&ua, sizeof(ua)) < 0 ||
	    getsockname(u2, (struct sockaddr *)&ua, &ul) < 0)
		return 4;
	cpu0 = cpu_seconds();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf) ||
		    lseek(fd, 0, SEEK_SET) != 0 || read(fd, buf, sizeof(buf)) != sizeof(buf))
			return 5;
		close(fd);
		unlink(path);
		calls += 6;
		for (int k = 0; k < 40; k++)
			syscall(SYS_getppid);
		calls += 40;
		if (i % 16 == 0) {
			if (sendto(u1, buf, 8, 0, (struct sockaddr *)&ua, sizeof(ua)) != 8 ||
			    recvfrom(u2, buf, sizeof(buf), 0, NULL, NULL) != 8)
				return 6;
			calls += 2;
		}
		if (i % 64 == 0) {
			int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s;

			if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
				return 7;
			s = accept(ls, NULL, NULL);
			if (s < 0)
				return 8;
			close(s);
			close(c);
			calls += 5;
		}
		if (i % 256 == 0) {
			pid_t p = fork();

			if (p == 0)
				_exit(0);
			if (p < 0 || waitpid(p, NULL, 0) != p)
				return 9;
			calls += 3;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld syscalls\nin-workload: %.3f s elapsed, %.3f s cpu\n", calls, seconds(&t0, &t1),
	       cpu_seconds() - cpu0);
	return 0;
}
