/*
 * bos cleanup: remove labs left behind by a killed run
 * Not implemented yet: issue 4 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_cleanup(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos cleanup\n\nremove labs left behind by a killed run.\n(not implemented yet: issue 4)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("cleanup", "issue 4");
}
