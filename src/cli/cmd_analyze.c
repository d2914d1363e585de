/*
 * bos analyze: grade a case or a capture: progress level 1-8 with evidence
 * (docs/man/bos-analyze.1.md, rules in docs/levels.md). Wiring only: options ->
 * bos_analyze_path (analyze module) -> summary or analysis.json on stdout.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/analyze.h"
#include "bos/limits.h"
#include "cli.h"

static const char usage[] =
	"usage: bos analyze [--json] [--window S] [--gap S] [--scan-min N] [--upload-min N]\n"
	"                   [--no-write] [-q] PATH\n"
	"\n"
	"Grade how far the attack progressed (level 1-8, docs/levels.md) with the evidence\n"
	"that decided it. PATH is a case directory (its capture, proxy.log, process.jsonl and\n"
	"events.jsonl are read and analysis.json is written into it), a directory of Zeek-style\n"
	"logs (conn/dns/http/tls.jsonl or ssl.jsonl; analysis.json is written there too), or a\n"
	"capture file (pcap/pcapng: graded from the network alone, nothing written). A short\n"
	"summary goes to standard output.\n"
	"\n"
	"      --json           print analysis.json to standard output instead of the summary\n"
	"      --window S       an operation must follow C2 data within S seconds (default 30)\n"
	"      --gap S          quiet time separating bursts and C2 sessions (default 120)\n"
	"      --scan-min N     targets that make a scan (default 16)\n"
	"      --upload-min N   HTTP request body bytes that make an upload (default 1024)\n"
	"      --no-write       do not write analysis.json into the case or log directory\n"
	"  -q, --quiet          do not list skipped malformed input lines on stderr\n"
	"\n"
	"Exit status: 0 graded, 1 PATH unusable or writing failed, 2 usage error.\n";

/* Seconds (decimals allowed) to ns; false unless 0 <= S <= 10 days. */
static bool parse_secs(const char *s, int64_t *ns)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v < 0 || v > 864000)
		return false;
	*ns = (int64_t)llround(v * 1e9);
	return true;
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return false;
	v = strtoull(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = v;
	return true;
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "window", required_argument, NULL, 'w' },
		{ "gap", required_argument, NULL, 'g' },
		{ "scan-min", required_argument, NULL, 's' },
		{ "upload-min", required_argument, NULL, 'u' },
		{ "no-write", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bos_analyze_opts o;
	struct bos_analyze_out out;
	struct bos_err err = BOS_ERR_INIT;
	bool json = false, quiet = false;
	uint64_t u;
	int c, ret;

	bos_analyze_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'w':
			if (!parse_secs(optarg, &o.cls.window_ns))
				return cli_usage("analyze", "--window: not a number of seconds: %s",
						 optarg);
			break;
		case 'g':
			if (!parse_secs(optarg, &o.cls.gap_ns))
				return cli_usage("analyze", "--gap: not a number of seconds: %s",
						 optarg);
			break;
		case 's':
			if (!parse_uint(optarg, 1000000, &u) || u < 2)
				return cli_usage("analyze", "--scan-min: want 2..1000000: %s",
						 optarg);
			o.cls.scan_min_targets = (uint32_t)u;
			break;
		case 'u':
			if (!parse_uint(optarg, UINT64_MAX, &u) || u < 1)
				return cli_usage("analyze",
						 "--upload-min: want a positive count: %s", optarg);
			o.cls.upload_min_bytes = u;
			break;
		case 'n':
			o.write_case = false;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return BOS_EXIT_OK;
		default:
			return cli_usage("analyze", "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("analyze", "want exactly one PATH");

	bos_analyze_out_init(&out);
	ret = bos_analyze_path(argv[optind], &o, &out, &err);
	if (ret) {
		bos_analyze_out_release(&out);
		return cli_fail("analyze", &err);
	}
	if (!quiet && out.problems.len) {
		fputs(out.problems.data, stderr);
		if (out.n_problems > BOS_ANALYZE_MAX_PROBLEMS)
			fprintf(stderr, "bos: analyze: %zu malformed lines in all\n",
				out.n_problems);
	}
	if (json)
		fwrite(out.json.data, 1, out.json.len, stdout);
	else
		fputs(out.summary.data, stdout);
	if (!json && out.wrote_case)
		printf("  written: %s/analysis.json\n", argv[optind]);
	bos_analyze_out_release(&out);
	return BOS_EXIT_OK;
}
