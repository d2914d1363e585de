/*
 * bos report: write a case's self-contained HTML report (docs/man/bos-report.1.md).
 * The page is bos_report_html (src/report); this file parses options, writes the file
 * (bos_report_write_file: temporary name, then rename) and says where it is.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bos/escape.h"
#include "bos/report.h"
#include "cli.h"

static const char usage[] =
	"usage: bos report [--rules DIR]... [--no-builtin-rules] [-o FILE] CASE\n"
	"\n"
	"Write CASE/report.html: one self-contained page (no script, no network fetches) with\n"
	"the sample and its hashes, the progress level and its evidence, a visual timeline,\n"
	"the timeline of operations with MITRE ATT&CK techniques, the process tree, the network\n"
	"sessions and the caveats. Run `bos analyze CASE` first for the level; without\n"
	"analysis.json the page still shows the timeline built from the case's files.\n"
	"\n"
	"  -o, --output FILE      write FILE instead of CASE/report.html ('-': stdout)\n"
	"  -r, --rules DIR        also load the Sigma rules in DIR (*.yml, *.yaml); rules that\n"
	"                         use features bos does not support are listed and skipped\n"
	"      --no-builtin-rules do not load bos's own rules (rules/linux)\n"
	"\n"
	"Exit status: 0 written, 1 failure, 2 usage.\n";

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, 'r' },
		{ "no-builtin-rules", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rules[64];
	struct bos_report_opts ro = { .rules_dirs = rules };
	struct bos_report_info info = { .level = -1 };
	struct bos_err err = BOS_ERR_INIT;
	struct bos_buf html = BOS_BUF_INIT, path = BOS_BUF_INIT;
	const char *out = NULL;
	char shown[600];
	int opt, rc = BOS_EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:r:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'r':
			if (ro.nrules_dirs >= BOS_ARRAY_SIZE(rules))
				return cli_usage("report", "too many --rules (at most %zu)",
						 BOS_ARRAY_SIZE(rules));
			rules[ro.nrules_dirs++] = optarg;
			break;
		case 'N':
			ro.no_builtin_rules = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return BOS_EXIT_OK;
		default:
			return cli_usage("report", "unknown option or missing argument: '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage("report", "expected exactly one CASE directory");
	if (bos_report_html(&html, argv[optind], &ro, &info, &err)) {
		rc = cli_fail("report", &err);
		goto out;
	}
	for (size_t i = 0; i < info.nskipped_rules; i++)
		fprintf(stderr, "bos: report: rule skipped: %s\n",
			bos_escape_str(shown, sizeof(shown), info.skipped_rules[i]));
	if (out && !strcmp(out, "-")) {
		if (fwrite(html.data, 1, html.len, stdout) != html.len || fflush(stdout)) {
			bos_err_sys(&err, "write to stdout");
			rc = cli_fail("report", &err);
		}
		goto out;
	}
	if (out)
		bos_buf_addstr(&path, out);
	else
		bos_buf_addf(&path, "%s/report.html", argv[optind]);
	if (bos_report_write_file(path.data, html.data, html.len, &err)) {
		rc = cli_fail("report", &err);
		goto out;
	}
	printf("report: %s\n", bos_escape_str(shown, sizeof(shown), path.data));
	if (info.level >= 0)
		printf("level %d; ", info.level);
	else
		printf("not analysed (no analysis.json); ");
	printf("%zu timeline entries, %zu ATT&CK techniques, %zu rules", info.entries,
	       info.techniques, info.rules);
	if (info.nskipped_rules)
		printf(" (%zu rule files skipped)", info.nskipped_rules);
	printf("\n");
out:
	bos_report_info_release(&info);
	bos_buf_release(&html);
	bos_buf_release(&path);
	return rc;
}
