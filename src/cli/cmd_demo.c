/*
 * bos demo: the README's first command (docs/man/bos-demo.1.md). Observes the bundled
 * level-8 scenario (scenarios/src/agent.c as the sample, scenarios/src/operator.c as its
 * scripted C2 operator, profile scenarios/profiles/level8.yaml) in the default lab, grades
 * the case, writes the report and says where it is.
 *
 * It is a script in C over bos's own commands: the two harmless scenario programs are built
 * with the system C compiler, then `bos observe`, `bos analyze` and `bos report` run as
 * child processes of this very binary (/proc/self/exe), each with its output in a log file
 * of the demo directory, so a failing step shows exactly what that command said.
 * Timing is scaled down as in scenarios/run.sh: the operator returns after 6 s and bursts
 * are graded with a 3 s gap instead of the real-world 120 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bos/buf.h"
#include "bos/clock.h"
#include "bos/escape.h"
#include "cli.h"

static const char usage[] =
	"usage: bos demo [-o DIR]\n"
	"\n"
	"Observe the bundled level-8 scenario end to end: a harmless agent (the sample) talks\n"
	"to a scripted operator at c2.evil.example in the simulated network, the operator runs\n"
	"two bursts of commands through it (discovery, a decoy document, a connection to the\n"
	"internal file server, an upload); bos records it, grades it (level 8) and writes the\n"
	"report. About a minute. Needs root (namespaces, veths, nftables) and a C compiler.\n"
	"\n"
	"  -o, --output DIR   where the demo goes (default ./bos-demo-<time>): bin/ with the\n"
	"                     two programs, case/ (the case, analysis.json, report.html) and\n"
	"                     the logs of each step\n"
	"\n"
	"Environment: BOS_SCENARIOS_DIR (default: the scenarios/ of the source tree or\n"
	"share/bos/scenarios), CC (default cc).\n"
	"Exit status: 0 done (level 8 reached and printed), 1 a step failed or the level\n"
	"was not 8, 2 usage.\n";

/* The scenario files next to this binary: <src>/build/<x>/bos -> <src>/scenarios, or
 * <prefix>/bin/bos -> <prefix>/share/bos/scenarios. */
static int find_scenarios(char *dst, size_t len)
{
	const char *env = getenv("BOS_SCENARIOS_DIR");
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	struct stat st;
	ssize_t n;

	if (env && *env) {
		snprintf(dst, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			break;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/scenarios/profiles/level8.yaml", exe);
		if (!stat(probe, &st))
			return snprintf(dst, len, "%s/scenarios", exe) < (int)len ? 0 : -1;
		snprintf(probe, sizeof(probe), "%s/share/bos/scenarios/profiles/level8.yaml", exe);
		if (!stat(probe, &st)) {
			int w = snprintf(dst, len, "%s/share/bos/scenarios", exe);

			return w >= 0 && (size_t)w < len ? 0 : -1;
		}
	}
	return -1;
}

/* Run argv with stdout+stderr into log; returns the exit status, or -1. */
static int run(char *const argv[], const char *log)
{
	pid_t pid;
	int st, fd;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* The last lines of a step's log, escaped, to say why it failed. */
static void show_tail(const char *log)
{
	char line[512], shown[600];
	char ring[6][512];
	size_t n = 0;
	FILE *f = fopen(log, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		snprintf(ring[n++ % 6], sizeof(ring[0]), "%s", line);
	fclose(f);
	for (size_t i = n > 6 ? n - 6 : 0; i < n; i++) {
		ring[i % 6][strcspn(ring[i % 6], "\n")] = '\0';
		fprintf(stderr, "  | %s\n", bos_escape_str(shown, sizeof(shown), ring[i % 6]));
	}
}

static int step(const char *what, char *const argv[], const char *log)
{
	char shown[600];
	int rc;

	printf("%s ...\n", what);
	rc = run(argv, log);
	if (rc != 0) {
		fprintf(stderr, "bos: demo: %s failed (exit %d); log %s:\n", what, rc,
			bos_escape_str(shown, sizeof(shown), log));
		show_tail(log);
		return -1;
	}
	return 0;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char scen[PATH_MAX], self[PATH_MAX], absdir[PATH_MAX], stamp[32], shown[600];
	struct bos_buf dir = BOS_BUF_INIT, bin = BOS_BUF_INIT, casedir = BOS_BUF_INIT;
	struct bos_buf a = BOS_BUF_INIT, b = BOS_BUF_INIT, c = BOS_BUF_INIT, d = BOS_BUF_INIT;
	struct bos_buf log = BOS_BUF_INIT, profile = BOS_BUF_INIT;
	struct json_object *an = NULL, *lv = NULL;
	const char *cc = getenv("CC");
	int opt, rc = BOS_EXIT_FAIL;
	ssize_t n;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			bos_buf_addstr(&dir, optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			return BOS_EXIT_OK;
		default:
			return cli_usage("demo", "unknown option or missing argument: '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage("demo", "no arguments expected");
	if (geteuid() != 0) {
		fprintf(stderr, "bos: demo: needs root (the lab builds namespaces, veths and an "
				"nftables ruleset): run it with sudo\n");
		return BOS_EXIT_FAIL;
	}
	if (find_scenarios(scen, sizeof(scen))) {
		fprintf(stderr, "bos: demo: scenarios not found next to this bos; set "
				"BOS_SCENARIOS_DIR to the source tree's scenarios/\n");
		return BOS_EXIT_FAIL;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "bos: demo: /proc/self/exe: %s\n", strerror(errno));
		return BOS_EXIT_FAIL;
	}
	self[n] = '\0';
	if (!dir.len)
		bos_buf_addf(&dir, "bos-demo-%s", bos_clock_compact(stamp, sizeof(stamp),
								    bos_clock_now_ns()));
	if ((mkdir(dir.data, 0755) && errno != EEXIST) || !realpath(dir.data, absdir)) {
		fprintf(stderr, "bos: demo: %s: %s\n",
			bos_escape_str(shown, sizeof(shown), dir.data), strerror(errno));
		goto out;
	}
	/* Absolute from here on: the C2 program starts in the simulated internet's own
	 * working directory, where a relative path to it would not resolve. */
	bos_buf_reset(&dir);
	bos_buf_addstr(&dir, absdir);
	bos_buf_addf(&bin, "%s/bin", dir.data);
	bos_buf_addf(&casedir, "%s/case", dir.data);
	bos_buf_addf(&profile, "%s/profiles/level8.yaml", scen);
	if (mkdir(bin.data, 0755) && errno != EEXIST) {
		fprintf(stderr, "bos: demo: mkdir %s: %s\n",
			bos_escape_str(shown, sizeof(shown), bin.data), strerror(errno));
		goto out;
	}
	/* the victim runs the sample as an unprivileged user: it must reach it */
	chmod(dir.data, 0755);
	chmod(bin.data, 0755);
	if (access(casedir.data, F_OK) == 0) {
		fprintf(stderr, "bos: demo: %s exists already; give another -o DIR\n",
			bos_escape_str(shown, sizeof(shown), casedir.data));
		goto out;
	}
	printf("bos demo in %s\n", bos_escape_str(shown, sizeof(shown), dir.data));

	for (int i = 0; i < 2; i++) {
		const char *prog = i ? "operator" : "agent";
		char ccbuf[256];
		char *cv[8];

		bos_buf_reset(&a);
		bos_buf_reset(&b);
		bos_buf_reset(&log);
		bos_buf_addf(&a, "%s/%s", bin.data, prog);
		bos_buf_addf(&b, "%s/src/%s.c", scen, prog);
		bos_buf_addf(&log, "%s/build-%s.log", dir.data, prog);
		snprintf(ccbuf, sizeof(ccbuf), "%s", cc && *cc ? cc : "cc");
		cv[0] = ccbuf;
		cv[1] = (char *)"-O2";
		cv[2] = (char *)"-o";
		cv[3] = a.data;
		cv[4] = b.data;
		cv[5] = NULL;
		if (step(i ? "building the scripted operator (C2)" : "building the sample (agent)",
			 cv, log.data))
			goto out;
		chmod(a.data, 0755);
	}
	setenv("BOS_SCENARIO_BIN", bin.data, 1);
	setenv("BOS_SCENARIO_GAP", "6", 1);

	bos_buf_reset(&a);
	bos_buf_reset(&log);
	bos_buf_addf(&a, "%s/agent", bin.data);
	bos_buf_addf(&log, "%s/observe.log", dir.data);
	{
		char *ov[] = { self, (char *)"observe", (char *)"--profile", profile.data,
			       (char *)"--duration", (char *)"40s", (char *)"-o", casedir.data,
			       a.data, (char *)"--", (char *)"-i", (char *)"300", (char *)"-n",
			       (char *)"120", (char *)"http://c2.evil.example", NULL };

		if (step("observing the sample in the lab (40 s)", ov, log.data))
			goto out;
	}
	bos_buf_reset(&log);
	bos_buf_addf(&log, "%s/analyze.log", dir.data);
	{
		char *av[] = { self, (char *)"analyze", (char *)"--gap", (char *)"3", casedir.data,
			       NULL };

		if (step("grading the case", av, log.data))
			goto out;
	}
	bos_buf_reset(&log);
	bos_buf_addf(&log, "%s/report.log", dir.data);
	{
		char *rv[] = { self, (char *)"report", casedir.data, NULL };

		if (step("writing the report", rv, log.data))
			goto out;
	}
	bos_buf_addf(&c, "%s/analysis.json", casedir.data);
	bos_buf_addf(&d, "%s/report.html", casedir.data);
	an = json_object_from_file(c.data);
	if (!an || !json_object_object_get_ex(an, "level", &lv) ||
	    !json_object_is_type(lv, json_type_int)) {
		fprintf(stderr, "bos: demo: no level in %s\n",
			bos_escape_str(shown, sizeof(shown), c.data));
		goto out;
	}
	printf("\nlevel %d", json_object_get_int(lv));
	{
		struct json_object *nm = NULL;

		if (json_object_object_get_ex(an, "level_name", &nm) &&
		    json_object_is_type(nm, json_type_string))
			printf(": %s", bos_escape_str(shown, sizeof(shown),
						      json_object_get_string(nm)));
	}
	printf("\nreport: %s\n", bos_escape_str(shown, sizeof(shown), d.data));
	printf("case:   %s\n", bos_escape_str(shown, sizeof(shown), casedir.data));
	if (json_object_get_int(lv) != 8) {
		/* The scenario is built to reach 8: anything else means the lab or the
		 * grading is broken, and the demo must not look like a success. */
		fprintf(stderr, "bos: demo: expected level 8 for this scenario; see %s and the "
				"logs beside it\n",
			bos_escape_str(shown, sizeof(shown), c.data));
		goto out;
	}
	rc = BOS_EXIT_OK;
out:
	json_object_put(an);
	bos_buf_release(&dir);
	bos_buf_release(&bin);
	bos_buf_release(&casedir);
	bos_buf_release(&a);
	bos_buf_release(&b);
	bos_buf_release(&c);
	bos_buf_release(&d);
	bos_buf_release(&log);
	bos_buf_release(&profile);
	return rc;
}
