/*
 * The floor for bos net's benchmark: a bare libpcap read loop (pcap_next_ex), touching
 * every frame's first byte, nothing else.  usage: pcap_floor CAPTURE
 * Prints: packets bytes seconds
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long pkts = 0, bytes = 0, sum = 0;
	struct timespec a, b;
	pcap_t *p;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_floor CAPTURE\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcap_floor: %s\n", err);
		return 1;
	}
	while ((r = pcap_next_ex(p, &h, &d)) == 1) {
		pkts++;
		bytes += h->caplen;
		sum += h->caplen ? d[0] : 0;
	}
	pcap_close(p);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%llu %llu %.3f %llu\n", pkts, bytes,
	       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9, sum & 1);
	return r == -2 ? 0 : 1;
}
