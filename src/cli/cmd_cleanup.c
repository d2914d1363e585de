/*
 * bos cleanup: remove labs left behind by a bos that was killed (SIGKILL, power loss):
 * processes in the lab's namespaces, the namespaces bos-<runid>-* (and with them every
 * veth), the cgroups bos-<runid>, the state dir /run/bos/<runid>. A lab whose owner is still
 * running is left alone unless --all. docs/man/bos-cleanup.1.md.
 */
#include <stdio.h>
#include <string.h>

#include "bos/sandbox.h"
#include "cli.h"

int cmd_cleanup(int argc, char **argv)
{
	struct bos_err err = BOS_ERR_INIT;
	bool all = false;
	int removed = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: bos cleanup [--all]\n\n"
		       "Remove labs left behind by a killed bos run: their processes, network\n"
		       "namespaces (bos-<runid>-victim/-corp/-inet), cgroups (bos-<runid>) and\n"
		       "state (/run/bos/<runid>). Labs whose bos is still running are kept\n"
		       "unless --all. Needs root. Every `bos observe` does the same for stale\n"
		       "labs when it starts.\n");
		return BOS_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = true;
		else
			return cli_usage("cleanup", "unknown argument '%s'", argv[i]);
	}
	if (!bos_lab_have_caps()) {
		fprintf(stderr, "bos: cleanup: needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN)\n");
		return BOS_EXIT_FAIL;
	}
	if (bos_lab_cleanup_stale(all, &removed, &err) < 0) {
		fprintf(stderr, "bos: cleanup: removed %d lab(s)\n", removed);
		return cli_fail("cleanup", &err);
	}
	printf("removed %d lab(s)\n", removed);
	return BOS_EXIT_OK;
}
