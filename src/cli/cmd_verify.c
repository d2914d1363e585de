/*
 * bos verify: check a case's files against its manifest (docs/man/bos-verify.1.md).
 * The checking is bos_case_verify; this file prints its result, one problem per line,
 * paths escaped (a hostile case names its own files), and maps it to the exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bos/case.h"
#include "bos/escape.h"
#include "cli.h"

static const char usage[] =
	"usage: bos verify [-q] CASE\n"
	"\n"
	"Check every file of the case directory CASE against CASE/manifest.json (SHA-256 and\n"
	"size). Reports files that are missing, changed, not regular files (symlinks are never\n"
	"followed) and unexpected (present but not in the manifest), one per line:\n"
	"  missing: process.jsonl: missing\n"
	"  changed: traffic.pcap: sha256 1f0c..., manifest differs\n"
	"At most 1000 problems are listed. A manifest that is not valid JSON or names paths\n"
	"outside the case is rejected.\n"
	"\n"
	"  -q, --quiet   print nothing; only the exit status tells\n"
	"\n"
	"Exit status: 0 the case is intact, 1 it is not (or could not be checked), 2 usage.\n";

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bos_verify_result res;
	struct bos_err err = BOS_ERR_INIT;
	char shown[512], dir[512], detail[512];
	bool quiet = false;
	int opt, rc;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return BOS_EXIT_OK;
		default:
			return cli_usage("verify", "unknown option: '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage("verify", "expected exactly one CASE directory");
	bos_escape_str(dir, sizeof(dir), argv[optind]);
	if (bos_case_verify(argv[optind], &res, &err) < 0) {
		bos_verify_result_release(&res);
		if (quiet)
			return BOS_EXIT_FAIL;
		return cli_fail("verify", &err);
	}
	if (!quiet) {
		for (size_t i = 0; i < res.nproblems; i++) {
			const struct bos_verify_problem *p = &res.problems[i];

			bos_escape_str(shown, sizeof(shown), p->path);
			/* details quote manifest paths too: escape them as well */
			bos_escape_str(detail, sizeof(detail), p->detail);
			printf("%s: %s: %s\n", bos_verify_kind_str(p->kind), shown, detail);
		}
		if (res.truncated)
			printf("(more problems not listed)\n");
		for (size_t i = 0; i < bos_case_n_derived; i++)
			if (res.derived & (1u << i))
				printf("derived: %s: written after the case was sealed; not "
				       "covered by the manifest\n", bos_case_derived_files[i]);
	}
	if (res.nproblems == 0) {
		rc = BOS_EXIT_OK;
		if (!quiet) {
			printf("%s: intact: %zu files match the manifest\n", dir, res.nchecked);
			if (!res.manifest.complete) {
				bos_escape_str(shown, sizeof(shown),
					       res.manifest.incomplete_reason ?
					       res.manifest.incomplete_reason : "no reason given");
				printf("%s: note: the case is marked incomplete: %s\n", dir, shown);
			}
		}
	} else {
		rc = BOS_EXIT_FAIL;
		if (!quiet)
			fprintf(stderr, "bos: verify: %s: NOT intact: %zu problem%s, %zu of %zu "
				"files intact\n", dir, res.nproblems, res.nproblems == 1 ? "" : "s",
				res.nchecked, res.manifest.nfiles);
	}
	bos_verify_result_release(&res);
	return rc;
}
