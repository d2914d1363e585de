#ifndef BOS_CLI_CLI_H
#define BOS_CLI_CLI_H
/*
 * Shared by the command files of the CLI. The CLI is thin: it parses argv, calls the
 * library, prints errors once and maps them to exit codes (0 ok, 1 failure, 2 usage).
 */
#include "bos/compiler.h"
#include "bos/err.h"

enum bos_exit {
	BOS_EXIT_OK = 0,
	BOS_EXIT_FAIL = 1,
	BOS_EXIT_USAGE = 2,
};

enum bos_cmd_flags {
	BOS_CMD_NEEDS_ROOT = 1u << 0,	/* namespaces, cgroups, capture */
};

struct bos_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);	/* argv[0] is the command name */
	unsigned flags;
	const char *summary;
};

/* Every command: argv[0] is its name, returns an exit code. --help prints its usage. */
int cmd_analyze(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_inet(int argc, char **argv);
int cmd_net(int argc, char **argv);
int cmd_observe(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_stix(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* "bos: CMD: msg" for an operational error; returns BOS_EXIT_FAIL. */
int cli_fail(const char *cmd, const struct bos_err *err);
/* "bos: CMD: msg" + a hint to `bos help CMD`; returns BOS_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) BOS_PRINTF(2, 3);
/* True if argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

#endif
