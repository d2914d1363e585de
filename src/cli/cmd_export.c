/*
 * bos export: a case as a STIX 2.1 bundle or as JSON Lines (docs/man/bos-export.1.md).
 * The work is bos_export_stix / bos_export_jsonl (src/report/export.c); this file parses
 * options and writes the output (atomically when it goes to a file).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bos/escape.h"
#include "bos/export_case.h"
#include "cli.h"

static const char usage[] =
	"usage: bos export (--stix | --jsonl) [--rules DIR]... [-o FILE] CASE\n"
	"\n"
	"  --stix           STIX 2.1 bundle: the sample (file, malware), a malware-analysis\n"
	"                   whose result comes from the progress level (x_bos_progress_level),\n"
	"                   the C2 candidates' names, addresses and flows, indicators, and an\n"
	"                   attack-pattern per ATT&CK technique.\n"
	"                   Default output: CASE/case.stix.json\n"
	"  --jsonl          JSON Lines for a SIEM: one case record, the timeline, the techniques,\n"
	"                   and every conn/dns/http/tls/process record, each with bos_type,\n"
	"                   @timestamp and case_id. Default output: stdout\n"
	"  -o, --output FILE  write FILE ('-': stdout)\n"
	"  -r, --rules DIR  also load the Sigma rules in DIR for the ATT&CK techniques\n"
	"\n"
	"Loading into Elasticsearch/OpenSearch (bulk API, Filebeat) and Splunk (sourcetype\n"
	"_json): see docs/export.md. Exit status: 0 written, 1 failure, 2 usage.\n";

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stix", no_argument, NULL, 'S' },
		{ "jsonl", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rules[64];
	struct bos_report_opts ro = { .rules_dirs = rules };
	struct bos_err err = BOS_ERR_INIT;
	struct bos_buf data = BOS_BUF_INIT, path = BOS_BUF_INIT, tmp = BOS_BUF_INIT;
	const char *out = NULL;
	char shown[600];
	int opt, mode = 0, fd, ret, rc = BOS_EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:r:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'S':
		case 'J':
			if (mode && mode != opt)
				return cli_usage("export", "--stix and --jsonl are exclusive");
			mode = opt;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			if (ro.nrules_dirs >= BOS_ARRAY_SIZE(rules))
				return cli_usage("export", "too many --rules");
			rules[ro.nrules_dirs++] = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return BOS_EXIT_OK;
		default:
			return cli_usage("export", "unknown option or missing argument: '%s'",
					 argv[optind - 1]);
		}
	}
	if (!mode)
		return cli_usage("export", "say --stix or --jsonl");
	if (optind != argc - 1)
		return cli_usage("export", "expected exactly one CASE directory");
	if (mode == 'S') {
		if (bos_export_stix(&data, argv[optind], &ro, &err)) {
			rc = cli_fail("export", &err);
			goto out;
		}
		if (out && !strcmp(out, "-")) {
			if (fwrite(data.data, 1, data.len, stdout) != data.len || fflush(stdout)) {
				bos_err_sys(&err, "write to stdout");
				rc = cli_fail("export", &err);
			}
			goto out;
		}
		if (out)
			bos_buf_addstr(&path, out);
		else
			bos_buf_addf(&path, "%s/case.stix.json", argv[optind]);
		if (bos_report_write_file(path.data, data.data, data.len, &err)) {
			rc = cli_fail("export", &err);
			goto out;
		}
		fprintf(stderr, "export: %s\n", bos_escape_str(shown, sizeof(shown), path.data));
		goto out;
	}
	/* JSON Lines: streamed, to stdout by default or to a file via a temporary name. */
	if (!out || !strcmp(out, "-")) {
		fflush(stdout);
		if (bos_export_jsonl(STDOUT_FILENO, argv[optind], &ro, &err))
			rc = cli_fail("export", &err);
		goto out;
	}
	bos_buf_addf(&tmp, "%s.tmp%ld", out, (long)getpid());
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		bos_err_sys(&err, "create %s", tmp.data);
		rc = cli_fail("export", &err);
		goto out;
	}
	ret = bos_export_jsonl(fd, argv[optind], &ro, &err);
	if (!ret && fsync(fd))
		ret = bos_err_sys(&err, "fsync %s", tmp.data);
	if (close(fd) && !ret)
		ret = bos_err_sys(&err, "close %s", tmp.data);
	if (!ret && rename(tmp.data, out))
		ret = bos_err_sys(&err, "rename to %s", out);
	if (ret) {
		unlink(tmp.data);
		rc = cli_fail("export", &err);
		goto out;
	}
	fprintf(stderr, "export: %s\n", bos_escape_str(shown, sizeof(shown), out));
out:
	bos_buf_release(&data);
	bos_buf_release(&path);
	bos_buf_release(&tmp);
	return rc;
}
