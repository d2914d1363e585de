/*
 * libFuzzer harness: capture reader + L2-L4 decoder over a memory buffer, then the whole
 * network engine (flows, Zeek state, reassembly, DNS/HTTP/TLS) on the same bytes as a
 * capture file (memfd), writing its logs into a scratch directory.
 * Seeds: fuzz/corpus/pcap (small BSD/MIT/Apache-licensed corpus captures).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bos/capture.h"
#include "bos/log.h"
#include "bos/net.h"
#include "bos/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char outdir[64];

static void cleanup(void)
{
	static const char *const names[] = { "conn.jsonl", "dns.jsonl", "http.jsonl", "tls.jsonl",
					     "net_stats.json" };
	char p[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", outdir, names[i]);
		unlink(p);
	}
	rmdir(outdir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bos_err err = BOS_ERR_INIT;
	struct bos_capture *c = NULL;
	struct bos_frame f;
	struct bos_pkt p;
	struct bos_net_opts o = BOS_NET_OPTS_INIT;
	struct bos_net_stats st;
	char path[64];
	const char *paths[1] = { path };
	int fd;

	bos_log_threshold = BOS_LOG_ERROR;
	if (bos_capture_open_mem(&c, data, size, "fuzz", &err) == 0) {
		while (bos_capture_next(c, &f, &err) > 0)
			(void)bos_pkt_decode(&p, f.linktype, f.data, f.caplen);
		bos_capture_free(c);
	}
	if (!outdir[0]) {
		snprintf(outdir, sizeof(outdir), "/tmp/bos-fuzz-pcap-XXXXXX");
		if (!mkdtemp(outdir))
			abort();
		atexit(cleanup);
	}
	fd = memfd_create("fuzz.pcap", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		o.deterministic = true;
		o.max_flows = 64;	/* exercise the cap and eviction too */
		(void)bos_net_run(&o, paths, 1, outdir, &st, &err);
	}
	close(fd);
	return 0;
}
