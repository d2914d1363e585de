/*
 * bos net: captures in, Zeek-style conn/dns/http/tls logs out
 * Not implemented yet: issue 3 builds it.
 */
#include <stdio.h>

#include "cli.h"

int cmd_net(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: bos net [-o DIR] CAPTURE...\n\ncaptures in, Zeek-style conn/dns/http/tls logs out.\n(not implemented yet: issue 3)\n");
		return BOS_EXIT_OK;
	}
	return cli_not_implemented("net", "issue 3");
}
