/*
 * bos export: export a case as STIX 2.1 or JSON Lines
 * Not implemented yet: issue 7 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_export(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos export --stix|--jsonl CASE\n\nexport a case as STIX 2.1 or JSON Lines.\n(not implemented yet: issue 7)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("export", "issue 7");
}
