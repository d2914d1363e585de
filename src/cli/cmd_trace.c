/*
 * bos trace: run a command under the process tracer and write process events.
 * Not implemented yet: issue 5 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_trace(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos trace [--tracer auto|ebpf|ptrace] [-o FILE] -- CMD [ARGS]\n\n"
		       "Run a command under the process tracer.\n(not implemented yet: issue 5)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("trace", "issue 5");
}
