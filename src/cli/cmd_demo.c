/*
 * bos demo: observe the bundled demo sample end to end
 * Not implemented yet: issue 7 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_demo(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos demo [-o DIR]\n\nobserve the bundled demo sample end to end.\n(not implemented yet: issue 7)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("demo", "issue 7");
}
