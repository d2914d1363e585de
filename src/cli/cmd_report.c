/*
 * bos report: write a case's self-contained HTML report
 * Not implemented yet: issue 7 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_report(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos report CASE\n\nwrite a case's self-contained HTML report.\n(not implemented yet: issue 7)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("report", "issue 7");
}
