/*
 * bos stix: hash a sample into a STIX 2.1 bundle
 * Not implemented yet: issue 2 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_stix(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos stix [--deterministic] FILE\n\nhash a sample into a STIX 2.1 bundle.\n(not implemented yet: issue 2)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("stix", "issue 2");
}
