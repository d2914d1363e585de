/*
 * bos analyze: grade a case or capture: progress level and timeline
 * Not implemented yet: issue 6 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_analyze(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos analyze [--json] CASE|CAPTURE\n\ngrade a case or capture: progress level and timeline.\n(not implemented yet: issue 6)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("analyze", "issue 6");
}
