/*
 * bos verify: check a case's files against its manifest
 * Not implemented yet: issue 2 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_verify(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos verify CASE\n\ncheck a case's files against its manifest.\n(not implemented yet: issue 2)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("verify", "issue 2");
}
