/*
 * Live captures of the lab with libpcap (pcap(3PCAP)): the victim's link, seen from the corp
 * side of its veth (lan-victim: the sample can neither see nor stop it), into traffic.pcap,
 * and corp's uplink to the simulated internet into gateway.pcap.
 *
 * Each capture is a thread that joins the corp network namespace (setns(2) is per thread
 * for CLONE_NEWNET) before opening its interface, so the bos process itself stays in the
 * host's namespace. Timestamps are nanosecond CLOCK_REALTIME (pcap_set_tstamp_precision),
 * the clock of every other record of a case; files use the nanosecond pcap magic. After
 * plan->capture_rotate_bytes (default BOS_CAPTURE_ROTATE_BYTES) a file is closed and the
 * next one is <base>-0001.pcap, -0002 ... At stop, pcap_stats gives the kernel's
 * received/dropped counts, kept for the case.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sandbox_int.h"

#include "bos/cur.h"

struct bos_lab_capture {
	pthread_t thread;
	bool started;
	int nsfd;			/* borrowed */
	int stopfd;			/* eventfd */
	char ifname[32];
	char dir[BOS_LAB_PATH_MAX];
	char base[32];			/* "traffic" */
	uint64_t rotate;		/* bytes per file */
	/* ready handshake */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int ready;			/* 0 waiting, 1 running, -1 failed */
	char errbuf[PCAP_ERRBUF_SIZE + 64];
	/* counters (written by the thread, read by anyone) */
	_Atomic uint64_t packets, bytes, syns, dns_queries, files;
	/* final stats (valid after join) */
	struct pcap_stat ps;
	bool ps_valid;
	uint64_t file_bytes;
	pcap_t *pc;
	pcap_dumper_t *dump;
};

/* ---- packet classification for the live counters (hostile bytes: cursor only) ---- */

void bos_lab_pkt_classify(const uint8_t *data, size_t len, struct bos_lab_pkt_class *out)
{
	struct bos_cur c = bos_cur_make(data, len);
	uint16_t type;
	uint8_t vihl, proto;
	size_t ihl;
	uint16_t frag, sport BOS_UNUSED, dport;

	*out = (struct bos_lab_pkt_class){ 0 };
	bos_cur_skip(&c, 12);			/* dst, src MAC */
	type = bos_cur_be16(&c);
	for (int v = 0; v < BOS_PKT_MAX_VLAN && (type == 0x8100 || type == 0x88a8); v++) {
		bos_cur_skip(&c, 2);
		type = bos_cur_be16(&c);
	}
	if (!bos_cur_ok(&c) || type != 0x0800)
		return;
	vihl = bos_cur_u8(&c);
	if ((vihl >> 4) != 4 || (vihl & 0xf) < 5)
		return;
	ihl = (size_t)(vihl & 0xf) * 4;
	bos_cur_skip(&c, 5);			/* tos, total length, id */
	frag = bos_cur_be16(&c);
	bos_cur_skip(&c, 1);			/* ttl */
	proto = bos_cur_u8(&c);
	bos_cur_skip(&c, 2 + 8 + (ihl - 20));	/* checksum, addresses, options */
	if (!bos_cur_ok(&c) || (frag & 0x1fff))
		return;				/* later fragments carry no L4 header */
	sport = bos_cur_be16(&c);
	dport = bos_cur_be16(&c);
	if (proto == 6) {
		uint8_t flags;

		bos_cur_skip(&c, 9);		/* seq, ack, data offset */
		flags = bos_cur_u8(&c);
		if (bos_cur_ok(&c) && (flags & 0x02) && !(flags & 0x10))
			out->tcp_syn = true;
	} else if (proto == 17 && dport == 53) {
		uint16_t flags;

		bos_cur_skip(&c, 4 + 2);	/* udp length, checksum, dns id */
		flags = bos_cur_be16(&c);
		if (bos_cur_ok(&c) && !(flags & 0x8000))
			out->dns_query = true;
	}
}

/* ---- the capture thread ---- */

static int open_dump(struct bos_lab_capture *cap)
{
	char path[BOS_LAB_PATH_MAX + 64];
	uint64_t n = atomic_load(&cap->files);

	if (n == 0)
		snprintf(path, sizeof(path), "%s/%s.pcap", cap->dir, cap->base);
	else
		snprintf(path, sizeof(path), "%s/%s-%04llu.pcap", cap->dir, cap->base,
			 (unsigned long long)n);
	cap->dump = pcap_dump_open(cap->pc, path);
	if (!cap->dump)
		return -1;
	atomic_fetch_add(&cap->files, 1);
	cap->file_bytes = 24;
	return 0;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct bos_lab_capture *cap = (struct bos_lab_capture *)user;
	struct bos_lab_pkt_class k;

	if (cap->file_bytes > 24 && cap->file_bytes + 16 + h->caplen > cap->rotate) {
		pcap_dump_close(cap->dump);
		cap->dump = NULL;
		if (open_dump(cap) < 0)
			return;
	}
	if (!cap->dump)
		return;
	pcap_dump((u_char *)cap->dump, h, bytes);
	cap->file_bytes += 16 + h->caplen;
	atomic_fetch_add(&cap->packets, 1);
	atomic_fetch_add(&cap->bytes, h->len);
	bos_lab_pkt_classify(bytes, h->caplen, &k);
	if (k.tcp_syn)
		atomic_fetch_add(&cap->syns, 1);
	if (k.dns_query)
		atomic_fetch_add(&cap->dns_queries, 1);
}

static void set_ready(struct bos_lab_capture *cap, int v, const char *msg)
{
	pthread_mutex_lock(&cap->mu);
	cap->ready = v;
	if (msg)
		snprintf(cap->errbuf, sizeof(cap->errbuf), "%s", msg);
	pthread_cond_signal(&cap->cv);
	pthread_mutex_unlock(&cap->mu);
}

static void *capture_main(void *arg)
{
	struct bos_lab_capture *cap = arg;
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct pollfd pfd[2];
	char msg[PCAP_ERRBUF_SIZE + 64];

	if (setns(cap->nsfd, CLONE_NEWNET) < 0) {
		snprintf(msg, sizeof(msg), "setns: %s", strerror(errno));
		set_ready(cap, -1, msg);
		return NULL;
	}
	cap->pc = pcap_create(cap->ifname, eb);
	if (!cap->pc) {
		set_ready(cap, -1, eb);
		return NULL;
	}
	pcap_set_snaplen(cap->pc, BOS_CAPTURE_SNAPLEN);
	pcap_set_promisc(cap->pc, 1);
	pcap_set_immediate_mode(cap->pc, 1);
	pcap_set_buffer_size(cap->pc, 8 << 20);
	pcap_set_tstamp_precision(cap->pc, PCAP_TSTAMP_PRECISION_NANO);
	if (pcap_activate(cap->pc) < 0 || pcap_setnonblock(cap->pc, 1, eb) < 0 ||
	    open_dump(cap) < 0) {
		snprintf(msg, sizeof(msg), "%s: %s", cap->ifname, pcap_geterr(cap->pc));
		pcap_close(cap->pc);
		cap->pc = NULL;
		set_ready(cap, -1, msg);
		return NULL;
	}
	set_ready(cap, 1, NULL);
	pfd[0] = (struct pollfd){ .fd = pcap_get_selectable_fd(cap->pc), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = cap->stopfd, .events = POLLIN };
	for (;;) {
		int r = poll(pfd, 2, 200);

		if (r < 0 && errno != EINTR)
			break;
		while (pcap_dispatch(cap->pc, -1, on_packet, (u_char *)cap) > 0)
			;
		if (pfd[1].revents & POLLIN)
			break;
	}
	/* Drain what the kernel still holds, then record the stats. */
	while (pcap_dispatch(cap->pc, -1, on_packet, (u_char *)cap) > 0)
		;
	if (pcap_stats(cap->pc, &cap->ps) == 0)
		cap->ps_valid = true;
	if (cap->dump) {
		pcap_dump_flush(cap->dump);
		pcap_dump_close(cap->dump);
		cap->dump = NULL;
	}
	pcap_close(cap->pc);
	cap->pc = NULL;
	return NULL;
}

static int start_one(struct bos_lab *lab, int i, const char *ifname, const char *base,
		     struct bos_err *err)
{
	struct bos_lab_capture *cap = calloc(1, sizeof(*cap));
	int ret;

	if (!cap)
		return bos_err_set(err, -ENOMEM, "capture");
	lab->cap[i] = cap;
	cap->nsfd = lab->nsfd[BOS_LAB_NS_CORP];
	snprintf(cap->ifname, sizeof(cap->ifname), "%s", ifname);
	snprintf(cap->dir, sizeof(cap->dir), "%s", lab->plan->logdir);
	snprintf(cap->base, sizeof(cap->base), "%s", base);
	cap->rotate = lab->plan->capture_rotate_bytes;
	pthread_mutex_init(&cap->mu, NULL);
	pthread_cond_init(&cap->cv, NULL);
	cap->stopfd = eventfd(0, EFD_CLOEXEC);
	if (cap->stopfd < 0)
		return bos_err_sys(err, "eventfd");
	ret = pthread_create(&cap->thread, NULL, capture_main, cap);
	if (ret) {
		errno = ret;
		return bos_err_sys(err, "capture thread");
	}
	cap->started = true;
	pthread_mutex_lock(&cap->mu);
	while (cap->ready == 0)
		pthread_cond_wait(&cap->cv, &cap->mu);
	pthread_mutex_unlock(&cap->mu);
	if (cap->ready < 0)
		return bos_err_set(err, -EIO, "capture on %s: %s", ifname, cap->errbuf);
	return 0;
}

int lab_capture_start(struct bos_lab *lab, struct bos_err *err)
{
	int ret = start_one(lab, 0, BOS_LAB_IF_LAN_VICTIM, "traffic", err);

	if (!ret)
		ret = start_one(lab, 1, BOS_LAB_IF_UPLINK, "gateway", err);
	return ret;
}

static void stop_one(struct bos_lab_capture *cap)
{
	uint64_t one = 1;

	if (!cap)
		return;
	if (cap->started) {
		if (write(cap->stopfd, &one, sizeof(one)) < 0)
			pthread_cancel(cap->thread);
		pthread_join(cap->thread, NULL);
		cap->started = false;
	}
	if (cap->stopfd >= 0) {
		close(cap->stopfd);
		cap->stopfd = -1;
	}
}

void bos_lab_capture_stop(struct bos_lab *lab)
{
	for (int i = 0; i < 2; i++)
		stop_one(lab->cap[i]);
}

bool bos_lab_capture_stats(const struct bos_lab *lab, int i, struct bos_capture_stats *out)
{
	struct bos_lab_capture *cap;

	*out = (struct bos_capture_stats){ 0 };
	if (i < 0 || i > 1 || !lab->cap[i])
		return false;
	cap = lab->cap[i];
	out->packets = atomic_load(&cap->packets);
	out->bytes = atomic_load(&cap->bytes);
	out->syns = atomic_load(&cap->syns);
	out->dns_queries = atomic_load(&cap->dns_queries);
	out->files = atomic_load(&cap->files);
	if (!cap->started && cap->ps_valid) {
		out->ps_recv = cap->ps.ps_recv;
		out->ps_drop = cap->ps.ps_drop;
		out->ps_ifdrop = cap->ps.ps_ifdrop;
		out->stats_valid = true;
	}
	return true;
}

void lab_capture_free(struct bos_lab *lab)
{
	bos_lab_capture_stop(lab);
	for (int i = 0; i < 2; i++) {
		if (!lab->cap[i])
			continue;
		pthread_mutex_destroy(&lab->cap[i]->mu);
		pthread_cond_destroy(&lab->cap[i]->cv);
		free(lab->cap[i]);
		lab->cap[i] = NULL;
	}
}
