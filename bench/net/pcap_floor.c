/*
 * The floor for bos net's benchmark: a bare libpcap read loop (pcap_next_ex), touching
 * every frame's first byte, nothing else.
 *
 * With OUT and BYTES it is the I/O floor of bos's whole job: while reading it also writes
 * BYTES bytes (the size of the logs bos wrote for the same capture) to OUT, in 256 KiB
 * writes spread over the read like bos's, so what it costs to move the bytes in and out is
 * measured apart from what analysing them costs.
 *
 * usage: pcap_floor CAPTURE [OUT BYTES]
 * Prints: packets bytes seconds checksum-bit
 */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define OUT_CHUNK (256u << 10)

struct sink {
	int fd;
	unsigned long long want, done, in_size;
	char buf[OUT_CHUNK];
};

/* Write whole chunks until the output keeps pace with the input read so far. */
static int sink_pace(struct sink *s, unsigned long long in_done)
{
	unsigned long long due = s->in_size ? s->want * in_done / s->in_size : s->want;

	while (s->done + OUT_CHUNK <= due || (due == s->want && s->done < s->want)) {
		size_t n = s->want - s->done < OUT_CHUNK ? (size_t)(s->want - s->done) : OUT_CHUNK;

		if (write(s->fd, s->buf, n) != (ssize_t)n) {
			perror("pcap_floor: write");
			return -1;
		}
		s->done += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long pkts = 0, bytes = 0, sum = 0, file_bytes = 0;
	static struct sink sink = { .fd = -1 };
	struct timespec a, b;
	struct stat st;
	pcap_t *p;
	int r;

	if (argc != 2 && argc != 4) {
		fprintf(stderr, "usage: pcap_floor CAPTURE [OUT BYTES]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (argc == 4) {
		sink.fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (sink.fd < 0 || stat(argv[1], &st) < 0) {
			perror("pcap_floor");
			return 1;
		}
		sink.want = strtoull(argv[3], NULL, 10);
		sink.in_size = (unsigned long long)st.st_size;
		memset(sink.buf, 'x', sizeof(sink.buf));
	}
	p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcap_floor: %s\n", err);
		return 1;
	}
	while ((r = pcap_next_ex(p, &h, &d)) == 1) {
		pkts++;
		bytes += h->caplen;
		sum += h->caplen ? d[0] : 0;
		file_bytes += 16 + h->caplen;
		if (sink.fd >= 0 && (pkts & 1023) == 0 && sink_pace(&sink, file_bytes) < 0)
			return 1;
	}
	pcap_close(p);
	if (sink.fd >= 0 && (sink_pace(&sink, sink.in_size) < 0 || close(sink.fd) < 0))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%llu %llu %.3f %llu\n", pkts, bytes,
	       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9, sum & 1);
	return r == -2 ? 0 : 1;
}
