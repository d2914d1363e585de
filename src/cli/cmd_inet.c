/*
 * bos inet: profiles and the simulated internet by hand (docs/profile.md, docs/lab.md).
 * `check` validates profiles, `rules` prints the nftables ruleset a profile makes, and
 * `serve` runs the simulated internet in the current network namespace (what the lab does
 * inside bos-<runid>-inet), for tests and for trying a profile out.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bos/buf.h"
#include "bos/inet.h"
#include "bos/profile.h"
#include "cli.h"

static const char usage[] =
	"usage: bos inet check PROFILE...\n"
	"       bos inet rules [--uplink IF] [PROFILE]\n"
	"       bos inet serve [--profile PROFILE] --work DIR [--events FILE] [--uplink IF]\n"
	"                      [--no-setup] [--idle SECONDS]\n"
	"\n"
	"check   load each profile and print a summary; exit 1 at the first invalid one,\n"
	"        with file:line:column.\n"
	"rules   print the nftables ruleset `serve` loads for PROFILE (default: built-in).\n"
	"serve   in the current network namespace (root; the inet end of the lab, with\n"
	"        " BOS_INET_ADDR "/30 configured): set up AnyIP routing and the nft rules,\n"
	"        then run the fake DNS (" BOS_INET_DNS_ADDR ":53), the sinkhole and the\n"
	"        profile's C2 programs until SIGTERM or SIGINT. Generated files and C2\n"
	"        output go to DIR; one JSON event per line to FILE (appended).\n"
	"\n"
	"  -p, --profile PROFILE  the network profile (default: built-in default profile)\n"
	"  -w, --work DIR         existing directory for inet.nft, inet-setup.log,\n"
	"                         tls-cert.pem, c2-N.out/.err\n"
	"  -e, --events FILE      append events (JSON Lines) to FILE\n"
	"      --uplink IF        the interface facing corp (default: every one but lo)\n"
	"      --no-setup         skip routes and nft rules (already set up)\n"
	"      --idle SECONDS     close silent sinkhole connections after this, 1..86400\n"
	"                         (default 60)\n"
	"\n"
	"Exit status: 0 ok, 1 invalid profile or servers failed, 2 usage error.\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int load(const char *path, struct bos_profile **p, struct bos_err *err)
{
	return path ? bos_profile_load(path, p, err) : bos_profile_default(p, err);
}

static int inet_check(int argc, char **argv)
{
	struct bos_err err = BOS_ERR_INIT;
	int i;

	if (argc < 2)
		return cli_usage("inet", "check needs at least one PROFILE");
	for (i = 1; i < argc; i++) {
		struct bos_profile *p;

		if (bos_profile_load(argv[i], &p, &err) < 0)
			return cli_fail("inet", &err);
		printf("%s: ok: %s: %zu names, %zu host entries, default %s, names default %s\n",
		       argv[i], p->name ? p->name : "(unnamed)", p->n_names, p->n_hosts,
		       bos_profile_svc_str(p->default_svc),
		       bos_profile_dns_action_str(p->dns_default.action));
		bos_profile_free(p);
	}
	return BOS_EXIT_OK;
}

int cmd_inet(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "work", required_argument, NULL, 'w' },
		{ "events", required_argument, NULL, 'e' },
		{ "uplink", required_argument, NULL, 'u' },
		{ "no-setup", no_argument, NULL, 'n' },
		{ "idle", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = NULL;
	struct bos_inet_env env;
	struct sigaction sa = { .sa_handler = on_signal };
	const char *profile = NULL, *events = NULL, *sub;
	bool setup = true;
	int opt, ret = BOS_EXIT_OK;

	if (cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return BOS_EXIT_OK;
	}
	if (argc < 2)
		return cli_usage("inet", "needs a subcommand: check, rules or serve");
	sub = argv[1];
	if (!strcmp(sub, "check"))
		return inet_check(argc - 1, argv + 1);
	bos_inet_env_init(&env);
	optind = 1;
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "+p:w:e:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			profile = optarg;
			break;
		case 'w':
			env.work_dir = optarg;
			break;
		case 'e':
			events = optarg;
			break;
		case 'u':
			env.uplink_ifname = optarg;
			break;
		case 'n':
			setup = false;
			break;
		case 'i': {
			char *end;
			unsigned long v;

			/* strtoul alone took "abc" as 0 (then the default) and "-1" as huge. */
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end || errno || v < 1 ||
			    v > 86400)
				return cli_usage("inet", "--idle: want 1..86400 seconds: %s",
						 optarg);
			env.idle_timeout_s = (unsigned)v;
			break;
		}
		case 'h':
		default:
			return cli_usage("inet", "bad option");
		}
	}
	if (!strcmp(sub, "rules")) {
		struct bos_buf b = BOS_BUF_INIT;

		if (optind < argc)
			profile = argv[optind++];
		if (optind != argc)
			return cli_usage("inet", "rules takes one PROFILE");
		if (load(profile, &p, &err) < 0)
			return cli_fail("inet", &err);
		bos_inet_ruleset(p, &env, &b);
		fwrite(b.data, 1, b.len, stdout);
		bos_buf_release(&b);
		bos_profile_free(p);
		return BOS_EXIT_OK;
	}
	if (strcmp(sub, "serve"))
		return cli_usage("inet", "unknown subcommand '%s'", sub);
	if (optind != argc || !env.work_dir)
		return cli_usage("inet", "serve needs --work DIR and no other arguments");
	if (load(profile, &p, &err) < 0)
		return cli_fail("inet", &err);
	if (events) {
		env.events_fd = open(events, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (env.events_fd < 0) {
			bos_err_sys(&err, "%s", events);
			ret = cli_fail("inet", &err);
			goto out;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (setup && bos_inet_setup(p, &env, &err) < 0) {
		ret = cli_fail("inet", &err);
		goto out;
	}
	if (bos_inet_serve(p, &env, &stop_flag, &err) < 0)
		ret = cli_fail("inet", &err);
out:
	if (env.events_fd >= 0)
		close(env.events_fd);
	bos_profile_free(p);
	return ret;
}
