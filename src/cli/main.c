/*
 * bos: the command table and dispatch, git-style. New command = a row here (kept
 * sorted; a test checks it) + cmd_<name>.c + docs/man/bos-<name>.1.md + tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/log.h"
#include "bos/version.h"
#include "cli.h"

static const struct bos_cmd cmds[] = {
	{ "analyze", cmd_analyze, 0, "grade a case or capture: progress level and timeline" },
	{ "cleanup", cmd_cleanup, BOS_CMD_NEEDS_ROOT, "remove labs left behind by a killed run" },
	{ "demo", cmd_demo, BOS_CMD_NEEDS_ROOT, "observe the bundled demo sample end to end" },
	{ "export", cmd_export, 0, "export a case as STIX 2.1 or JSON Lines" },
	{ "inet", cmd_inet, 0, "check network profiles; run the simulated internet by hand" },
	{ "net", cmd_net, 0, "captures in, Zeek-style conn/dns/http/tls logs out" },
	{ "observe", cmd_observe, BOS_CMD_NEEDS_ROOT, "run a sample in the simulated network" },
	{ "report", cmd_report, 0, "write a case's self-contained HTML report" },
	{ "stix", cmd_stix, 0, "hash a sample into a STIX 2.1 bundle" },
	{ "trace", cmd_trace, 0, "run a command under the process tracer" },
	{ "verify", cmd_verify, 0, "check a case's files against its manifest" },
};

static void print_usage(FILE *f)
{
	fprintf(f, "usage: bos [--version] [-v] <command> [options] [args]\n\n"
		   "bos runs a malware sample in a simulated corporate network and records what\n"
		   "the attacker does with it. Commands:\n\n");
	for (size_t i = 0; i < BOS_ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'bos help <command>' shows a command's options. Exit status: 0 ok,\n"
		   "1 failure, 2 usage error. Docs: docs/ and the bos-<command>(1) pages.\n");
}

static const struct bos_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < BOS_ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int run_help(int argc, char **argv)
{
	const struct bos_cmd *c;
	char help[] = "--help";
	char *sub_argv[3];

	if (argc < 2) {
		print_usage(stdout);
		return BOS_EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "bos: help: no such command '%s'\n", argv[1]);
		return BOS_EXIT_USAGE;
	}
	sub_argv[0] = argv[1];
	sub_argv[1] = help;
	sub_argv[2] = NULL;
	return c->fn(2, sub_argv);
}

int main(int argc, char **argv)
{
	const struct bos_cmd *c;
	const char *env = getenv("BOS_LOG");
	int i = 1;

	if (env && !strcmp(env, "debug"))
		bos_log_threshold = BOS_LOG_DEBUG;
	else if (env && !strcmp(env, "info"))
		bos_log_threshold = BOS_LOG_INFO;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--version")) {
			printf("bos %s\n", BOS_VERSION);
			return BOS_EXIT_OK;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			print_usage(stdout);
			return BOS_EXIT_OK;
		} else if (!strcmp(argv[i], "-v")) {
			if (bos_log_threshold < BOS_LOG_TRACE)
				bos_log_threshold++;
		} else {
			fprintf(stderr, "bos: unknown option '%s'\n", argv[i]);
			print_usage(stderr);
			return BOS_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_usage(stderr);
		return BOS_EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help"))
		return run_help(argc - i, argv + i);
	c = find_cmd(argv[i]);
	if (!c) {
		fprintf(stderr, "bos: '%s' is not a bos command. See 'bos --help'.\n", argv[i]);
		return BOS_EXIT_USAGE;
	}
	return c->fn(argc - i, argv + i);
}
