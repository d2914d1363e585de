/*
 * bos net: captures in, Zeek-style conn/dns/http/tls logs out (docs/man/bos-net.1.md).
 * Wiring only: argv -> bos_net_run (flow module) -> a summary and errors on stderr.
 * A CAPTURE that is a directory means a case: its traffic*.pcap / *.pcapng files, in
 * name order, are read as one stream and the logs go into the case directory.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bos/net.h"
#include "cli.h"

static const char usage[] =
    "usage: bos net [-o DIR] [--deterministic] [-q] CAPTURE...\n"
    "\n"
    "Read pcap/pcapng CAPTUREs (in the order given, as one stream) and write Zeek-style\n"
    "logs: conn.jsonl, dns.jsonl, http.jsonl, tls.jsonl and net_stats.json.\n"
    "A CAPTURE that is a directory is a case: its traffic*.pcap[ng] files are read.\n"
    "\n"
    "  -o, --output DIR     write the logs into DIR (created if missing); default: the\n"
    "                       case directory, else the directory of the first CAPTURE\n"
    "      --deterministic  uids derived from the flows, not random (golden tests)\n"
    "      --max-flows N    live-flow cap (default 1000000; idlest flows are evicted)\n"
    "  -q, --quiet          no progress or summary on stderr\n"
    "\n"
    "A damaged capture (truncated, corrupt record) is reported with its file, record\n"
    "number and byte offset; everything before the damage is analysed and written.\n"
    "Exit status: 0 ok, 1 a capture was damaged or unreadable or output failed, 2 usage.\n";

struct progress {
	const char *const *names;
	bool tty;
	int last; /* last percentage shown, -1 none */
	size_t capture;
};

static void on_progress(void *ctx, size_t capture, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	int pct = total ? (int)(done * 100 / total) : 100;

	if (!p->tty || (capture == p->capture && pct == p->last))
		return;
	p->capture = capture;
	p->last = pct;
	fprintf(stderr, "\rbos: net: %s: %3d%%", p->names[capture], pct);
	if (done >= total)
		fprintf(stderr, "\n");
}

static int has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the case's traffic captures to list (sorted). Returns count added, -1 on error. */
static int case_captures(const char *dir, char ***list, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t start = *n;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		size_t l = strlen(nm);
		char *path;

		if (!has_prefix(nm, "traffic") || !((l > 5 && !strcmp(nm + l - 5, ".pcap")) ||
						    (l > 7 && !strcmp(nm + l - 7, ".pcapng"))))
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			char **nl = realloc(*list, nc * sizeof(*nl));

			if (!nl)
				break;
			*list = nl;
			*cap = nc;
		}
		path = malloc(strlen(dir) + l + 2);
		if (!path)
			break;
		sprintf(path, "%s/%s", dir, nm);
		(*list)[(*n)++] = path;
	}
	closedir(d);
	if (*n > start)
		qsort(*list + start, *n - start, sizeof(**list), cmp_str);
	return (int)(*n - start);
}

int cmd_net(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"deterministic", no_argument, NULL, 'D'},
	    {"max-flows", required_argument, NULL, 'M'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct bos_net_opts opts = BOS_NET_OPTS_INIT;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_net_stats st;
	struct progress prog = {0};
	const char *outdir = NULL, *case_dir = NULL;
	char **list = NULL, *dflt = NULL;
	size_t n = 0, cap = 0;
	bool quiet = false;
	int c, r, ret = BOS_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outdir = optarg;
			break;
		case 'D':
			opts.deterministic = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'M': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);

			if (*end || v == 0 || v > 100000000)
				return cli_usage("net",
						 "--max-flows: not a count in 1..100000000: '%s'",
						 optarg);
			opts.max_flows = (size_t)v;
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return BOS_EXIT_OK;
		default:
			return cli_usage("net", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage("net", "no CAPTURE given");
	for (int i = optind; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			int k = case_captures(argv[i], &list, &n, &cap);

			if (k <= 0) {
				fprintf(stderr,
					"bos: net: %s: no traffic*.pcap or traffic*.pcapng in "
					"this directory\n",
					argv[i]);
				ret = BOS_EXIT_USAGE;
				goto out;
			}
			if (!case_dir)
				case_dir = argv[i];
			continue;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nl = realloc(list, nc * sizeof(*nl));

			if (!nl) {
				ret = BOS_EXIT_FAIL;
				goto out;
			}
			list = nl;
			cap = nc;
		}
		list[n] = strdup(argv[i]);
		if (!list[n]) {
			ret = BOS_EXIT_FAIL;
			goto out;
		}
		n++;
	}
	/* Every capture must be readable before any output file is created. */
	for (size_t i = 0; i < n; i++) {
		if (access(list[i], R_OK) < 0) {
			bos_err_sys(&err, "open %s", list[i]);
			ret = cli_fail("net", &err);
			goto out;
		}
	}
	if (!outdir && case_dir) {
		outdir = case_dir;
	} else if (!outdir) {
		char *slash;

		dflt = strdup(list[0]);
		if (!dflt) {
			ret = BOS_EXIT_FAIL;
			goto out;
		}
		slash = strrchr(dflt, '/');
		if (slash)
			*slash = '\0';
		outdir = slash ? (dflt[0] ? dflt : "/") : ".";
	}
	if (mkdir(outdir, 0755) < 0 && errno != EEXIST) {
		bos_err_sys(&err, "create %s", outdir);
		ret = cli_fail("net", &err);
		goto out;
	}
	prog.names = (const char *const *)list;
	prog.tty = !quiet && isatty(STDERR_FILENO);
	opts.progress = on_progress;
	opts.progress_ctx = &prog;
	r = bos_net_run(&opts, (const char *const *)list, n, outdir, &st, &err);
	if (r < 0)
		ret = cli_fail("net", &err);
	if (!quiet && (r == 0 || r == -BOS_EINPUT))
		fprintf(stderr,
			"bos: net: %" PRIu64 " frames; records: conn %" PRIu64 ", dns %" PRIu64
			", http %" PRIu64 ", tls %" PRIu64 " -> %s\n",
			st.frames, st.conn_records, st.dns_records, st.http_records, st.tls_records,
			outdir);
	if (!quiet && st.skipped[BOS_SKIP_LINKTYPE])
		fprintf(stderr,
			"bos: net: %" PRIu64 " frames of an unsupported link type were "
			"skipped (see net_stats.json)\n",
			st.skipped[BOS_SKIP_LINKTYPE]);
out:
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(dflt);
	return ret;
}
