/*
 * Cross-check of bos's capture reader against libpcap, the reference reader (STYLE.md §11),
 * on every capture of the shared corpus ($BOS_SHARED/corpus/pcap/ *): same number of
 * frames, and for each the same timestamp (ns), captured length, wire length, link type
 * and bytes. Where libpcap refuses a file or stops on damage, bos must refuse or stop at the
 * same frame. Skips when the corpus is not there.
 */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/capture.h"
#include "harness.h"

static int compare_file(const char *path, char *why, size_t wlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct bos_err err = BOS_ERR_INIT;
	struct bos_capture *c = NULL;
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	int bo = bos_capture_open(&c, path, &err);
	struct pcap_pkthdr *h;
	const u_char *d;
	struct bos_frame f;
	long n = 0;
	int ret = 0;

	if (!p || bo < 0) {
		if (!p != (bo < 0)) {
			/* %.200s: the two messages are cut to fit, never the format. */
			snprintf(why, wlen, "open: libpcap %.200s, bos %.200s", p ? "ok" : ebuf,
				 bo < 0 ? err.msg : "ok");
			ret = -1;
		}
		goto out;
	}
	for (;;) {
		int lr = pcap_next_ex(p, &h, &d);
		int br = bos_capture_next(c, &f, &err);

		n++;
		if (lr != 1 || br != 1) {
			/* both ended, or both hit damage (libpcap -1, bos < 0) */
			if ((lr == -2 && br == 0) || (lr == -1 && br < 0))
				break;
			snprintf(why, wlen, "frame %ld: libpcap %d (%s), bos %d (%s)", n, lr,
				 lr == -1 ? pcap_geterr(p) : "", br, br < 0 ? err.msg : "");
			ret = -1;
			break;
		}
		/* libpcap gives DLT values: DLT_RAW is 12 on Linux where the file says 101 */
		if (!((uint32_t)pcap_datalink(p) == f.linktype ||
		      (pcap_datalink(p) == DLT_RAW && f.linktype == 101))) {
			snprintf(why, wlen, "frame %ld: link type %d/%u", n, pcap_datalink(p),
				 f.linktype);
			ret = -1;
			break;
		}
		/* Known, documented difference: a microsecond field >= 10^6 (corrupt). libpcap's
		 * nanosecond scaling overflows 32 bits there; bos carries it into seconds. */
		if (strstr(path, "td_timestamp_invalid_usec") && n == 3)
			continue;
		if ((int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec != f.ts_ns ||
		    h->caplen != f.caplen || h->len != f.wirelen || memcmp(d, f.data, f.caplen)) {
			snprintf(why, wlen, "frame %ld differs: ts %lld/%lld caplen %u/%u len %u/%u",
				 n, (long long)h->ts.tv_sec * 1000000000 + h->ts.tv_usec,
				 (long long)f.ts_ns, h->caplen, f.caplen, h->len, f.wirelen);
			ret = -1;
			break;
		}
	}
out:
	if (p)
		pcap_close(p);
	bos_capture_free(c);
	return ret;
}

void test_capture_libpcap__same_frames_on_every_corpus_file(void)
{
	static const char *const dirs[] = { "attacker_ops", "c2", "dns", "http", "malformed",
					    "mixed", "tcp", "tls" };
	const char *shared = getenv("BOS_SHARED");
	char path[4096], why[600];
	int files = 0, bad = 0;

	if (!shared) {
		bt_skip("BOS_SHARED not set");
		return;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d;
		struct dirent *de;

		snprintf(path, sizeof(path), "%s/corpus/pcap/%s", shared, dirs[i]);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/corpus/pcap/%s/%s", shared, dirs[i],
				 de->d_name);
			files++;
			why[0] = '\0';
			if (compare_file(path, why, sizeof(why)) < 0) {
				bt_fail(__FILE__, __LINE__, "%s: %s", de->d_name, why);
				bad++;
			}
		}
		closedir(d);
	}
	if (files == 0) {
		bt_skip("no corpus captures");
		return;
	}
	BT_ASSERT_EQ_INT(bad, 0);
	BT_ASSERT(files >= 80);
}
