/*
 * inet_c2_echo: the test C2 program of profiles/level7-operator.yaml. bos starts it in the
 * simulated internet with BOS_C2_ADDR/BOS_C2_PORT set; it listens there, greets every
 * client with "<greeting>\n" and answers each line L with "ack L\n" ("quit" closes the
 * connection). It prints "listening ADDR:PORT" and one line per client to stdout, and runs
 * until it is killed: the test checks that bos kills it at the end.
 *
 * usage: inet_c2_echo [--greeting TEXT]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void serve(int fd, const char *greeting)
{
	char line[1024];
	FILE *in = fdopen(dup(fd), "r");

	if (!in)
		return;
	dprintf(fd, "%s\n", greeting);
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strcmp(line, "quit"))
			break;
		dprintf(fd, "ack %s\n", line);
	}
	fclose(in);
}

int main(int argc, char **argv)
{
	const char *addr = getenv("BOS_C2_ADDR"), *port = getenv("BOS_C2_PORT");
	const char *greeting = "HELLO";
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, ls, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--greeting") && i + 1 < argc)
			greeting = argv[++i];
	}
	if (!addr || !port || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 || !atoi(port)) {
		fprintf(stderr, "inet_c2_echo: BOS_C2_ADDR and BOS_C2_PORT must be set\n");
		return 2;
	}
	sa.sin_port = htons((unsigned short)atoi(port));
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 16) < 0) {
		perror("inet_c2_echo: bind/listen");
		return 1;
	}
	printf("listening %s:%s mode=%s\n", addr, port, getenv("C2_MODE") ? getenv("C2_MODE") : "");
	fflush(stdout);
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int fd = accept(ls, (struct sockaddr *)&peer, &len);
		char a[INET_ADDRSTRLEN];

		if (fd < 0)
			continue;
		printf("client %s:%u\n", inet_ntop(AF_INET, &peer.sin_addr, a, sizeof(a)),
		       ntohs(peer.sin_port));
		fflush(stdout);
		serve(fd, greeting);
		close(fd);
	}
}
