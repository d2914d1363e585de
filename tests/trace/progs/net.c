/*
 * Tracee: network syscalls on loopback (scenario "net"), in this order:
 *   1. TCP listen on 127.0.0.1:0, connect to it (connected), accept (peer = the connect);
 *   2. connect to a closed port (refused), then the same non-blocking: on loopback the RST
 *      is handled before connect returns (EINPROGRESS), so the port is already released
 *      when the syscall exits; the tracer must still name the port the SYN came from;
 *   3. UDP: sendto from one socket to another, recvfrom on the receiver;
 *   4. with argv[1], argv[2] (address, port): connect with TCP_SYNCNT=1 to a dropped
 *      address (timed out after ~3 s).
 * Prints "port=<listening port> closed=<closed port> udp=<receiver port>", then
 * "nbport=<local port of the non-blocking connect>" (getsockname after it) for the checker.
 * Built with -DUSE_SOCKETCALL for i386: the first connect then goes through socketcall(2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef USE_SOCKETCALL
#include <linux/net.h>
#endif

static struct sockaddr_in lo(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);

	getsockname(fd, (struct sockaddr *)&a, &l);
	return ntohs(a.sin_port);
}

static int do_connect(int fd, const struct sockaddr_in *a)
{
#ifdef USE_SOCKETCALL
	unsigned long args[3] = { (unsigned long)fd, (unsigned long)a, sizeof(*a) };

	return (int)syscall(SYS_socketcall, SYS_CONNECT, args);
#else
	return connect(fd, (const struct sockaddr *)a, sizeof(*a));
#endif
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = lo(0), peer;
	socklen_t pl = sizeof(peer);
	int ls, c, s, r, u1, u2;
	uint16_t port, closed, uport;
	char buf[16];

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 4) < 0)
		return 2;
	port = port_of(ls);
	/* A closed port: bound, then closed again. */
	r = socket(AF_INET, SOCK_STREAM, 0);
	bind(r, (struct sockaddr *)&a, sizeof(a));
	closed = port_of(r);
	close(r);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	bind(u2, (struct sockaddr *)&a, sizeof(a));
	uport = port_of(u2);
	printf("port=%u closed=%u udp=%u\n", port, closed, uport);
	fflush(stdout);

	c = socket(AF_INET, SOCK_STREAM, 0);
	a = lo(port);
	if (do_connect(c, &a) < 0)
		return 3;
	s = accept(ls, (struct sockaddr *)&peer, &pl);
	if (s < 0)
		return 4;
	if (write(c, "ping", 4) != 4 || read(s, buf, sizeof(buf)) != 4)
		return 5;
	close(s);
	close(c);

	r = socket(AF_INET, SOCK_STREAM, 0);
	a = lo(closed);
	if (connect(r, (struct sockaddr *)&a, sizeof(a)) == 0)
		return 6;
	close(r);
	r = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (connect(r, (struct sockaddr *)&a, sizeof(a)) == 0 ||
	    (errno != EINPROGRESS && errno != ECONNREFUSED))
		return 10;
	printf("nbport=%u\n", port_of(r));
	fflush(stdout);
	close(r);

	u1 = socket(AF_INET, SOCK_DGRAM, 0);
	a = lo(uport);
	if (sendto(u1, "dns?", 4, 0, (struct sockaddr *)&a, sizeof(a)) != 4)
		return 7;
	pl = sizeof(peer);
	if (recvfrom(u2, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &pl) != 4)
		return 8;
	close(u1);
	close(u2);

	if (argc > 2) {
		int syn = 1;

		r = socket(AF_INET, SOCK_STREAM, 0);
		a = (struct sockaddr_in){ .sin_family = AF_INET,
					  .sin_port = htons((uint16_t)atoi(argv[2])) };
		inet_pton(AF_INET, argv[1], &a.sin_addr);
		setsockopt(r, IPPROTO_TCP, TCP_SYNCNT, &syn, sizeof(syn));
		if (connect(r, (struct sockaddr *)&a, sizeof(a)) == 0)
			return 9;
		close(r);
	}
	close(ls);
	return 0;
}
