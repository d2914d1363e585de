/*
 * A harmless HTTP beacon for the scenario corpus (scenarios/README.md): it only fetches the
 * URLs it is given, a few times, directly or through an HTTP proxy, and prints what it got.
 * It never runs anything it receives. Levels 3-6 differ only in the network profile.
 *
 *   beacon [-n ROUNDS] [-i INTERVAL_MS] [-t CONNECT_MS] [-w READ_MS] [-x PROXYHOST:PORT [-B]] URL...
 *
 * -x sends every request through the proxy (absolute-URI requests); -B sends each request
 * both directly and through the proxy. URL is http://host[:port]/path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int timeout_ms = 1500, read_ms = 3000;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Connect to host:port with a timeout. Returns an fd or -1 (errno-ish message printed). */
static int dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res, *ai;
	int rc = getaddrinfo(host, port, &hints, &res);
	int fd = -1;

	if (rc) {
		printf("resolve %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd p;
		int err = 0;
		socklen_t len = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
			printf("connect %s:%s: %s\n", host, port, strerror(errno));
			close(fd);
			fd = -1;
			continue;
		}
		p = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (poll(&p, 1, timeout_ms) != 1) {
			printf("connect %s:%s: no answer\n", host, port);
			close(fd);
			fd = -1;
			continue;
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			printf("connect %s:%s: %s\n", host, port, strerror(err));
			close(fd);
			fd = -1;
			continue;
		}
		fcntl(fd, F_SETFL, 0);
		break;
	}
	freeaddrinfo(res);
	return fd;
}

/* Split http://host[:port]/path. */
static int split_url(const char *url, char *host, size_t hl, char *port, size_t pl, const char **path)
{
	const char *p = url, *h, *slash, *colon;

	if (strncmp(p, "http://", 7))
		return -1;
	h = p + 7;
	slash = strchr(h, '/');
	*path = slash ? slash : "/";
	if (!slash)
		slash = h + strlen(h);
	colon = memchr(h, ':', (size_t)(slash - h));
	snprintf(host, hl, "%.*s", (int)((colon ? colon : slash) - h), h);
	snprintf(port, pl, "%.*s", colon ? (int)(slash - colon - 1) : 2, colon ? colon + 1 : "80");
	return 0;
}

static void fetch(const char *url, const char *proxy)
{
	char host[256], port[16], phost[256], pport[16], req[2048], buf[4096];
	const char *path;
	int fd;
	ssize_t n, total = 0;
	struct pollfd p;

	if (split_url(url, host, sizeof(host), port, sizeof(port), &path)) {
		printf("bad url %s\n", url);
		return;
	}
	if (proxy) {
		const char *c = strrchr(proxy, ':');

		snprintf(phost, sizeof(phost), "%.*s", c ? (int)(c - proxy) : (int)strlen(proxy), proxy);
		snprintf(pport, sizeof(pport), "%s", c ? c + 1 : "3128");
		fd = dial(phost, pport);
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: bos-scenario-beacon/1\r\n"
			 "Connection: close\r\n\r\n", url, host);
	} else {
		fd = dial(host, port);
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: bos-scenario-beacon/1\r\n"
			 "Connection: close\r\n\r\n", path, host);
	}
	if (fd < 0)
		return;
	if (write(fd, req, strlen(req)) < 0) {
		close(fd);
		return;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (poll(&p, 1, read_ms) == 1 && (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		if (!total) {
			char *eol;

			buf[n] = 0;
			eol = strstr(buf, "\r\n");
			printf("%s%s: %.*s\n", proxy ? "via proxy " : "", url,
			       eol ? (int)(eol - buf) : (int)n, buf);
		}
		total += n;
	}
	if (!total)
		printf("%s%s: closed without a response\n", proxy ? "via proxy " : "", url);
	close(fd);
}

int main(int argc, char **argv)
{
	int rounds = 3, interval = 500, both = 0, c;
	const char *proxy = NULL;

	while ((c = getopt(argc, argv, "n:i:t:w:x:B")) != -1) {
		switch (c) {
		case 'n': rounds = atoi(optarg); break;
		case 'i': interval = atoi(optarg); break;
		case 't': timeout_ms = atoi(optarg); break;
		case 'w': read_ms = atoi(optarg); break;
		case 'x': proxy = optarg; break;
		case 'B': both = 1; break;
		default:
			fprintf(stderr, "usage: beacon [-n ROUNDS] [-i MS] [-t MS] [-w MS] [-x PROXY [-B]] URL...\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int r = 0; r < rounds; r++) {
		for (int i = optind; i < argc; i++) {
			if (!proxy || both)
				fetch(argv[i], NULL);
			if (proxy)
				fetch(argv[i], proxy);
		}
		if (r + 1 < rounds)
			sleep_ms(interval);
	}
	return 0;
}
