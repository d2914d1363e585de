/*
 * bos observe: run a sample in the simulated corporate network and record a case.
 * The run itself is bos_observe_run (src/observe); this file parses argv, checks
 * privileges, installs the signal handlers that let Ctrl-C finish the case as incomplete,
 * and prints the live status line. docs/man/bos-observe.1.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bos/case.h"
#include "bos/observe.h"
#include "bos/sandbox.h"
#include "cli.h"

static const char usage[] =
	"usage: bos observe [--profile FILE] [--duration 2m] [--tracer auto|ebpf|ptrace|none]\n"
	"                   [--no-services] [--rotate SIZE] [-o CASE] SAMPLE [-- ARGS]\n\n"
	"Run SAMPLE as an unprivileged user on a workstation in a simulated corporate network\n"
	"(namespaces: victim, corp with DNS + proxy + file server, simulated internet per\n"
	"profile) and write a case directory: traffic.pcap, gateway.pcap, process.jsonl,\n"
	"events.jsonl, dns.log, proxy.log, sample.stix.json, profile.yaml, manifest.json.\n"
	"Needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN). Ctrl-C ends the run early and keeps the\n"
	"case, marked incomplete. The case directory is printed on stdout.\n\n"
	"  --profile FILE   network regime (docs/profile.md); default: sinkhole everything\n"
	"  --duration D     how long to observe: 90s, 2m, 1h, 500ms (default 2m or the\n"
	"                   profile's lab.duration); the run ends earlier when the sample's\n"
	"                   whole process tree has exited\n"
	"  --tracer T       process tracer: auto (default), ebpf, ptrace, none\n"
	"  --no-services    no dnsmasq/Squid in corp (faster; DNS and proxy then fail)\n"
	"  --rotate SIZE    start a new capture file (traffic-0001.pcap, ...) after SIZE\n"
	"                   bytes: 64K..., 512M, 2G (default 256M)\n"
	"  -o CASE          case directory to create (default ./case-<time>-<rand>)\n";

struct status_ctx {
	bool tty;
	int64_t last_line_ms;
	bool dirty;
};

static void on_progress(void *ctx, const struct bos_observe_status *st)
{
	struct status_ctx *s = ctx;

	if (st->message) {
		if (s->dirty)
			fputs("\r\033[K", stderr);
		s->dirty = false;
		fprintf(stderr, "bos: observe: %s\n", st->message);
	}
	if (strcmp(st->phase, "running") && strcmp(st->phase, "stopping")) {
		if (s->dirty && !strcmp(st->phase, "done")) {
			fputc('\n', stderr);
			s->dirty = false;
		}
		return;
	}
	if (s->tty) {
		fprintf(stderr, "\r\033[K[%4llds/%llds] %s  packets %llu  dns %llu  conns %llu  "
			"procs %d", (long long)(st->elapsed_ms / 1000),
			(long long)(st->duration_ms / 1000), st->phase,
			(unsigned long long)st->packets, (unsigned long long)st->dns_queries,
			(unsigned long long)st->connections, st->processes);
		s->dirty = true;
	} else if (st->elapsed_ms - s->last_line_ms >= 10000 || !strcmp(st->phase, "stopping")) {
		fprintf(stderr, "bos: observe: %s %llds/%llds packets=%llu dns=%llu conns=%llu "
			"procs=%d\n", st->phase, (long long)(st->elapsed_ms / 1000),
			(long long)(st->duration_ms / 1000), (unsigned long long)st->packets,
			(unsigned long long)st->dns_queries, (unsigned long long)st->connections,
			st->processes);
		s->last_line_ms = st->elapsed_ms;
	}
	fflush(stderr);
}

/* "512M", "64K", "2G", "1048576" -> bytes; 0 on bad input. */
static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return 0;
	v = strtoull(s, &end, 10);
	if (v > (1ull << 40))
		return 0;
	if (!strcmp(end, "K"))
		v <<= 10;
	else if (!strcmp(end, "M"))
		v <<= 20;
	else if (!strcmp(end, "G"))
		v <<= 30;
	else if (*end)
		return 0;
	return v;
}

int cmd_observe(int argc, char **argv)
{
	struct bos_observe_opts o = { .tracer = BOS_OBSERVE_TRACER_AUTO };
	struct bos_observe_result res;
	struct bos_err err = BOS_ERR_INIT;
	struct status_ctx sc = { .tty = isatty(2) == 1 };
	int i;

	if (cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return BOS_EXIT_OK;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (a[0] != '-' || !a[1]) {
			if (o.sample)
				break;
			o.sample = a;
		} else if (!strcmp(a, "--profile") || !strcmp(a, "--duration") ||
			   !strcmp(a, "--tracer") || !strcmp(a, "-o") || !strcmp(a, "--rotate")) {
			const char *v = i + 1 < argc ? argv[++i] : NULL;

			if (!v)
				return cli_usage("observe", "%s needs a value", a);
			if (!strcmp(a, "--profile")) {
				o.profile = v;
			} else if (!strcmp(a, "-o")) {
				o.out = v;
			} else if (!strcmp(a, "--rotate")) {
				o.rotate_bytes = parse_size(v);
				if (o.rotate_bytes < (64u << 10))
					return cli_usage("observe", "bad capture size "
							 "'%s' (at least 64K; K, M, G)", v);
			} else if (!strcmp(a, "--duration")) {
				o.duration_ms = bos_observe_parse_duration(v);
				if (o.duration_ms <= 0)
					return cli_usage("observe", "bad duration "
							 "'%s' (90s, 2m, 1h, 500ms)", v);
			} else if (!strcmp(v, "auto")) {
				o.tracer = BOS_OBSERVE_TRACER_AUTO;
			} else if (!strcmp(v, "ptrace")) {
				o.tracer = BOS_OBSERVE_TRACER_PTRACE;
			} else if (!strcmp(v, "ebpf")) {
				o.tracer = BOS_OBSERVE_TRACER_EBPF;
			} else if (!strcmp(v, "none")) {
				o.tracer = BOS_OBSERVE_TRACER_NONE;
			} else {
				return cli_usage("observe", "unknown tracer '%s' "
						 "(auto, ebpf, ptrace, none)", v);
			}
		} else if (!strcmp(a, "--no-services")) {
			o.no_services = true;
		} else {
			return cli_usage("observe", "unknown option '%s'", a);
		}
	}
	if (!o.sample)
		return cli_usage("observe", "no sample given");
	o.args = argv + i;
	o.nargs = argc - i;
	if (o.nargs > BOS_SAMPLE_MAX_ARGS)
		return cli_usage("observe", "too many sample arguments (max %d)",
				 BOS_SAMPLE_MAX_ARGS);
	if (!bos_lab_have_caps()) {
		fprintf(stderr, "bos: observe: needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to "
				"build the lab's namespaces, cgroups and captures; run it with "
				"sudo\n");
		return BOS_EXIT_FAIL;
	}
	if (bos_case_catch_signals(&err) < 0)
		return cli_fail("observe", &err);
	o.progress = on_progress;
	o.progress_ctx = &sc;
	if (bos_observe_run(&o, &res, &err) < 0)
		return cli_fail("observe", &err);
	printf("%s\n", res.case_dir);
	if (!res.complete) {
		fprintf(stderr, "bos: observe: case incomplete (%s): %s\n", res.reason,
			res.case_dir);
		return BOS_EXIT_FAIL;
	}
	if (res.exit_code >= 0)
		fprintf(stderr, "bos: observe: done (%s, exit code %d, lab up %lld ms, "
			"teardown %lld ms)\n", res.end, res.exit_code, (long long)res.lab_up_ms,
			(long long)res.teardown_ms);
	else
		fprintf(stderr, "bos: observe: done (%s, tree killed, lab up %lld ms, "
			"teardown %lld ms)\n", res.end, (long long)res.lab_up_ms,
			(long long)res.teardown_ms);
	return BOS_EXIT_OK;
}
