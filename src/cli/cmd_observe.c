/*
 * bos observe: run a sample in the simulated network
 * Not implemented yet: issue 4 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_observe(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos observe [--profile FILE] [--duration 2m] [-o CASE] SAMPLE [-- ARGS]\n\nrun a sample in the simulated network.\n(not implemented yet: issue 4)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("observe", "issue 4");
}
