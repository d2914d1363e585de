/*
 * bos observe: one observation run, from an empty case to a finished one (DESIGN.md
 * sections 3 and 5; docs/lab.md). The order matters for what an interrupted run keeps:
 * the case and its event log exist before anything else, so every later failure, signal
 * or timeout is written down and the case is finished (complete=false with the reason)
 * rather than lost. The lab is always torn down, whatever happened.
 *
 * events.jsonl: one JSON object per line, written with a single write(2) each, because the
 * simulated internet's servers append their own events (inet_*) to the same file. Every
 * line has "ts" (RFC 3339 UTC, ns) and "kind"; docs/lab.md lists the kinds.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bos/observe.h"

#include "bos/buf.h"
#include "bos/case.h"
#include "bos/clock.h"
#include "bos/json.h"
#include "bos/profile.h"
#include "bos/sample.h"
#include "bos/sandbox.h"
#include "bos/stix.h"
#include "bos/trace.h"

struct obs {
	const struct bos_observe_opts *o;
	struct bos_case *c;
	int events_fd;
	int process_fd;
	struct bos_buf line;
	struct bos_json j;
	int64_t start_ns;
	int64_t duration_ms;
	struct bos_observe_status st;
	/* eBPF tracer running in the host, filtering on the sample's cgroup (NULL: none) */
	struct bos_trace_ebpf *ebpf;
	char ebpf_reason[210];
};

/* ---- events.jsonl ---- */

static void ev_begin(struct obs *ob, const char *kind)
{
	bos_buf_reset(&ob->line);
	bos_json_init(&ob->j, &ob->line, 0);
	bos_json_obj_begin(&ob->j);
	bos_json_kv_time_ns(&ob->j, "ts", bos_clock_now_ns());
	bos_json_kv_str(&ob->j, "kind", kind);
}

static void ev_end(struct obs *ob)
{
	bos_json_obj_end(&ob->j);
	bos_buf_addch(&ob->line, '\n');
	if (ob->events_fd >= 0 && write(ob->events_fd, ob->line.data, ob->line.len) < 0)
		(void)0;	/* the case is still finished; a short log is visible in it */
}

static void ev_simple(struct obs *ob, const char *kind, const char *key, const char *msg)
{
	ev_begin(ob, kind);
	if (key)
		bos_json_kv_str(&ob->j, key, msg);
	ev_end(ob);
}

static void progress(struct obs *ob, const char *phase, const char *msg, const struct bos_lab *lab)
{
	struct bos_capture_stats cs;

	if (!ob->o->progress)
		return;
	ob->st.phase = phase;
	ob->st.message = msg;
	ob->st.elapsed_ms = (bos_clock_now_ns() - ob->start_ns) / 1000000;
	ob->st.duration_ms = ob->duration_ms;
	ob->st.case_dir = ob->c ? bos_case_dir(ob->c) : NULL;
	if (lab && bos_lab_capture_stats(lab, 0, &cs)) {
		ob->st.packets = cs.packets;
		ob->st.dns_queries = cs.dns_queries;
		ob->st.connections = cs.syns;
	}
	ob->st.processes = lab && lab->vstate == BOS_LAB_VICTIM_RUNNING ?
			   bos_lab_victim_nprocs(lab) : 0;
	ob->o->progress(ob->o->progress_ctx, &ob->st);
}

/* The victim's /dev/log, passed through as events (the bytes are the sample's: the JSON
 * writer keeps invalid UTF-8 as base64). */
static void on_syslog(void *ctx, pid_t pid, const char *msg, size_t len, bool truncated)
{
	struct obs *ob = ctx;

	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\0'))
		len--;
	ev_begin(ob, "syslog");
	if (pid > 0)
		bos_json_kv_int(&ob->j, "pid", pid);
	bos_json_kv_strn(&ob->j, "message", msg, len);
	if (truncated)
		bos_json_kv_bool(&ob->j, "truncated", true);
	ev_end(ob);
}

/* ---- the tracer, run by the victim's init ---- */

struct trace_ctx {
	enum bos_trace_backend backend;
	int events_fd;		/* process.jsonl */
	int env_fd;		/* events.jsonl: the tracer's summary and losses */
	char reason[256];	/* why this backend, if not simply requested */
};

/* In the victim's init, after the traced tree is gone: the tracer's own account (backend,
 * why, sensor loss) into events.jsonl, one write(2) per line like every writer there. */
static void trace_summary_event(const struct trace_ctx *t, const struct bos_trace_result *r,
				const struct bos_err *err, int ret)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	for (int k = 0; k < 2; k++) {
		if (k == 1 && !r->lost)
			break;
		bos_buf_reset(&b);
		bos_json_init(&j, &b, 0);
		bos_json_obj_begin(&j);
		bos_json_kv_time_ns(&j, "ts", bos_clock_now_ns());
		if (k == 0) {
			bos_json_kv_str(&j, "kind", ret < 0 ? "tracer_error" : "tracer_summary");
			if (ret < 0)
				bos_json_kv_str(&j, "message", err->msg);
			bos_json_kv_str(&j, "backend", bos_trace_backend_name(r->backend));
			bos_json_kv_str(&j, "reason", r->backend_reason);
			bos_json_kv_uint(&j, "events", r->events);
			bos_json_kv_uint(&j, "processes", r->processes);
			bos_json_kv_uint(&j, "syscalls", r->syscalls);
			bos_json_kv_uint(&j, "lost", r->lost);
			bos_json_kv_uint(&j, "truncated", r->truncated);
			bos_json_kv_uint(&j, "read_errors", r->read_errors);
			bos_json_kv_uint(&j, "write_errors", r->write_errors);
		} else {
			bos_json_kv_str(&j, "kind", "tracer_lost");
			bos_json_kv_uint(&j, "lost", r->lost);
		}
		bos_json_obj_end(&j);
		bos_buf_addch(&b, '\n');
		if (t->env_fd >= 0 && write(t->env_fd, b.data, b.len) < 0)
			break;
	}
	bos_buf_release(&b);
}

static int trace_runner(void *ctx, char *const argv[], char *const envp[], int (*pre_exec)(void *),
			void *pre_ctx, int *status, int *exec_errno)
{
	struct trace_ctx *t = ctx;
	struct bos_trace_opts o = {
		.backend = t->backend,
		.events_fd = t->events_fd,
		.pre_exec = pre_exec,
		.pre_exec_ctx = pre_ctx,
		.envp = envp,
	};
	struct bos_trace_result res;
	struct bos_err err = BOS_ERR_INIT;
	int ret = bos_trace_run(&o, argv, &res, &err);

	if (t->reason[0])
		snprintf(res.backend_reason, sizeof(res.backend_reason), "%s", t->reason);
	trace_summary_event(t, &res, &err, ret);
	if (ret < 0)
		return -1;
	*status = res.first_status;
	*exec_errno = res.exec_errno;
	return 0;
}

/* The eBPF backend runs here, in the host's namespaces, invisible to the sample, filtering
 * on the sample's own cgroup2 group (the sample joins it before exec). */
static void ebpf_try_start(struct obs *ob, const struct bos_lab *lab, bool explicit)
{
	struct bos_err e = BOS_ERR_INIT;

	if (!lab->sample_cgroup_id) {
		snprintf(ob->ebpf_reason, sizeof(ob->ebpf_reason),
			 "no cgroup2 group for the sample");
		return;
	}
	if (bos_trace_ebpf_open(&ob->ebpf, ob->process_fd, &e) < 0 ||
	    bos_trace_ebpf_start(ob->ebpf, lab->sample_cgroup_id, &e) < 0) {
		bos_trace_ebpf_free(ob->ebpf);
		ob->ebpf = NULL;
		snprintf(ob->ebpf_reason, sizeof(ob->ebpf_reason), "%.200s", e.msg);
		return;
	}
	snprintf(ob->ebpf_reason, sizeof(ob->ebpf_reason), "%s", explicit ? "requested" :
		 "auto: ebpf available");
}

static void ebpf_finish(struct obs *ob)
{
	struct bos_trace_result r;
	struct bos_err e = BOS_ERR_INIT;
	struct trace_ctx t = { .env_fd = ob->events_fd };
	int ret;

	if (!ob->ebpf)
		return;
	memset(&r, 0, sizeof(r));
	ret = bos_trace_ebpf_stop(ob->ebpf, &r, &e);
	r.backend = BOS_TRACE_EBPF;
	snprintf(r.backend_reason, sizeof(r.backend_reason), "%s", ob->ebpf_reason);
	trace_summary_event(&t, &r, &e, ret);
	bos_trace_ebpf_free(ob->ebpf);
	ob->ebpf = NULL;
}

/* ---- the run ---- */

int64_t bos_observe_parse_duration(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || v < 0 || v > BOS_OBSERVE_MAX_DURATION_MS)
		return -1;
	if (!strcmp(end, "ms"))
		return v;
	if (!*end || !strcmp(end, "s"))
		v *= 1000;
	else if (!strcmp(end, "m"))
		v *= 60 * 1000;
	else if (!strcmp(end, "h"))
		v *= 3600 * 1000;
	else
		return -1;
	return v > BOS_OBSERVE_MAX_DURATION_MS ? -1 : v;
}

static int write_stix(struct obs *ob, const struct bos_sample *s, struct bos_err *err)
{
	struct bos_buf b = BOS_BUF_INIT;
	int ret = bos_stix_sample_bundle(&b, s, BOS_STIX_PRETTY, err);

	if (!ret)
		ret = bos_case_write_file(ob->c, "sample.stix.json", b.data, b.len, err);
	bos_buf_release(&b);
	return ret;
}

static void ev_capture(struct obs *ob, const struct bos_lab *lab)
{
	static const char *const names[2] = { "traffic", "gateway" };

	for (int i = 0; i < 2; i++) {
		struct bos_capture_stats cs;

		if (!bos_lab_capture_stats(lab, i, &cs))
			continue;
		ev_begin(ob, "capture_stats");
		bos_json_kv_str(&ob->j, "capture", names[i]);
		bos_json_kv_str(&ob->j, "interface", i ? BOS_LAB_IF_UPLINK : BOS_LAB_IF_LAN_VICTIM);
		bos_json_kv_uint(&ob->j, "packets", cs.packets);
		bos_json_kv_uint(&ob->j, "bytes", cs.bytes);
		bos_json_kv_uint(&ob->j, "files", cs.files);
		bos_json_kv_uint(&ob->j, "syns", cs.syns);
		bos_json_kv_uint(&ob->j, "dns_queries", cs.dns_queries);
		if (cs.stats_valid) {
			bos_json_kv_uint(&ob->j, "kernel_received", cs.ps_recv);
			bos_json_kv_uint(&ob->j, "kernel_dropped", cs.ps_drop);
			bos_json_kv_uint(&ob->j, "interface_dropped", cs.ps_ifdrop);
		}
		ev_end(ob);
		if (cs.stats_valid && (cs.ps_drop || cs.ps_ifdrop)) {
			ev_begin(ob, "capture_drop");
			bos_json_kv_str(&ob->j, "capture", names[i]);
			bos_json_kv_uint(&ob->j, "dropped", cs.ps_drop + cs.ps_ifdrop);
			ev_end(ob);
		}
	}
}

static void ev_limits(struct obs *ob, const struct bos_lab *lab)
{
	struct bos_lab_limits_hit h;

	bos_lab_limits(lab, &h);
	ev_begin(ob, "limits");
	bos_json_kv_uint(&ob->j, "memory_limit", lab->plan->mem_bytes);
	bos_json_kv_uint(&ob->j, "memory_peak", h.mem_peak);
	bos_json_kv_uint(&ob->j, "memory_limit_hits", h.mem_failcnt);
	bos_json_kv_uint(&ob->j, "oom_kills", h.oom_kills);
	bos_json_kv_uint(&ob->j, "pids_limit", lab->plan->pids_max);
	bos_json_kv_uint(&ob->j, "pids_limit_hits", h.pids_max_hits);
	ev_end(ob);
	if (h.oom_kills || h.mem_failcnt) {
		ev_begin(ob, "limit_hit");
		bos_json_kv_str(&ob->j, "limit", "memory");
		bos_json_kv_uint(&ob->j, "oom_kills", h.oom_kills);
		bos_json_kv_uint(&ob->j, "hits", h.mem_failcnt);
		ev_end(ob);
	}
	if (h.pids_max_hits) {
		ev_begin(ob, "limit_hit");
		bos_json_kv_str(&ob->j, "limit", "pids");
		bos_json_kv_uint(&ob->j, "hits", h.pids_max_hits);
		ev_end(ob);
	}
}

static const char *tracer_name(enum bos_observe_tracer t)
{
	switch (t) {
	case BOS_OBSERVE_TRACER_AUTO:
		return "auto";
	case BOS_OBSERVE_TRACER_PTRACE:
		return "ptrace";
	case BOS_OBSERVE_TRACER_EBPF:
		return "ebpf";
	case BOS_OBSERVE_TRACER_NONE:
		return "none";
	default:
		return "?";
	}
}

int bos_observe_run(const struct bos_observe_opts *o, struct bos_observe_result *res,
		    struct bos_err *err)
{
	struct obs ob = { .o = o, .events_fd = -1, .process_fd = -1, .line = BOS_BUF_INIT };
	struct bos_profile *prof = NULL;
	struct bos_sample sample;
	struct bos_lab_plan plan;
	struct bos_lab lab = { 0 };
	struct bos_case_meta meta = { .command = "observe" };
	struct trace_ctx tctx = { 0 };
	struct bos_victim_plan vp = { 0 };
	struct bos_err lerr = BOS_ERR_INIT, ferr = BOS_ERR_INIT;
	char final[BOS_LAB_PATH_MAX], name[64], msg[256], path[BOS_LAB_PATH_MAX + 32];
	const char *end = "error", *reason = NULL;
	bool lab_built = false;
	int ret, fret, sig = 0;
	int64_t t;

	*res = (struct bos_observe_result){ .exit_code = -1 };
	ob.start_ns = bos_clock_now_ns();

	/* Inputs first: nothing is created for a run that cannot start. */
	if (o->profile)
		ret = bos_profile_load(o->profile, &prof, err);
	else
		ret = bos_profile_default(&prof, err);
	if (ret)
		return ret;
	ret = bos_sample_identify(o->sample, &sample, err);
	if (ret)
		goto out_noc;
	if (o->tracer == BOS_OBSERVE_TRACER_EBPF) {
		/* Asked for explicitly: find out now, not inside the victim after the lab is up. */
		struct bos_trace_ebpf *e = NULL;

		ret = bos_trace_ebpf_open(&e, -1, err);
		bos_trace_ebpf_free(e);
		if (ret) {
			bos_err_prefix(err, "--tracer ebpf: ");
			goto out_noc;
		}
	}
	ob.duration_ms = o->duration_ms ? o->duration_ms :
			 prof->lab.duration_ms ? (int64_t)prof->lab.duration_ms :
			 BOS_OBSERVE_DEFAULT_DURATION_MS;
	bos_lab_plan_init(&plan);
	if (prof->lab.hostname)
		snprintf(plan.hostname, sizeof(plan.hostname), "%s", prof->lab.hostname);
	if (prof->lab.user)
		snprintf(plan.user, sizeof(plan.user), "%s", prof->lab.user);
	plan.services = !o->no_services;
	if (o->rotate_bytes)
		plan.capture_rotate_bytes = o->rotate_bytes;
	plan.profile = prof;

	if (o->out) {
		snprintf(final, sizeof(final), "%s", o->out);
	} else {
		bos_case_default_name(name, sizeof(name), ob.start_ns);
		snprintf(final, sizeof(final), "%s", name);
	}
	meta.start_ns = ob.start_ns;
	ret = bos_case_create(&ob.c, final, &meta, err);
	if (ret)
		goto out_noc;
	/* From here on every outcome ends in a finished case. */
	ob.events_fd = bos_case_open_file(ob.c, "events.jsonl",
					  O_WRONLY | O_CREAT | O_EXCL | O_APPEND, err);
	if (ob.events_fd < 0) {
		ret = ob.events_fd;
		goto finish;
	}
	ev_begin(&ob, "observe_start");
	bos_json_kv_str(&ob.j, "sample", sample.name);
	bos_json_kv_str(&ob.j, "sha256", sample.sha256_hex);
	bos_json_kv_str(&ob.j, "profile", prof->name ? prof->name : prof->path);
	bos_json_kv_int(&ob.j, "duration_ms", ob.duration_ms);
	bos_json_kv_str(&ob.j, "tracer", tracer_name(o->tracer));
	bos_json_kv_str(&ob.j, "run_id", plan.runid);
	ev_end(&ob);
	bos_case_set_sample(ob.c, &sample);
	bos_case_set_profile(ob.c, prof->name ? prof->name : "default", NULL);
	bos_case_setting_int(ob.c, "duration_ms", ob.duration_ms, NULL);
	bos_case_setting_str(ob.c, "tracer", tracer_name(o->tracer), NULL);
	bos_case_setting_str(ob.c, "run_id", plan.runid, NULL);
	bos_case_setting_str(ob.c, "victim_hostname", plan.hostname, NULL);
	bos_case_setting_str(ob.c, "victim_user", plan.user, NULL);
	bos_case_setting_int(ob.c, "memory_limit", (int64_t)plan.mem_bytes, NULL);
	bos_case_setting_int(ob.c, "pids_limit", plan.pids_max, NULL);
	bos_case_setting_int(ob.c, "cpu_percent", plan.cpu_pct, NULL);
	bos_case_setting_int(ob.c, "capture_rotate_bytes", (int64_t)plan.capture_rotate_bytes,
			     NULL);
	bos_case_setting_str(ob.c, "services", plan.services ? "dnsmasq,squid" : "none", NULL);
	ret = write_stix(&ob, &sample, err);
	snprintf(path, sizeof(path), "%s/profile.yaml", bos_case_dir(ob.c));
	if (!ret)
		ret = bos_profile_save(prof, path, err);
	if (ret)
		goto finish;

	/* The lab. */
	plan.events_fd = ob.events_fd;
	snprintf(plan.logdir, sizeof(plan.logdir), "%s", bos_case_dir(ob.c));
	if (plan.logdir[0] != '/') {
		char cwd[256];

		if (!getcwd(cwd, sizeof(cwd))) {
			ret = bos_err_sys(err, "getcwd");
			goto finish;
		}
		snprintf(plan.logdir, sizeof(plan.logdir), "%s/%s", cwd, bos_case_dir(ob.c));
	}
	ret = bos_lab_plan_validate(&plan, err);
	if (ret)
		goto finish;
	progress(&ob, "lab", "building the lab", NULL);
	t = bos_clock_now_ns();
	ret = bos_lab_up(&lab, &plan, err);
	t = bos_clock_now_ns() - t;
	if (ret) {
		ev_simple(&ob, "lab_error", "message", err->msg);
		goto finish;
	}
	lab_built = true;
	ev_begin(&ob, "lab_up");
	bos_json_kv_str(&ob.j, "run_id", plan.runid);
	bos_json_kv_int(&ob.j, "network_ms", lab.up_ns / 1000000);
	bos_json_kv_int(&ob.j, "services_ms", lab.services_ns / 1000000);
	bos_json_kv_int(&ob.j, "inet_ms", lab.inet_ns / 1000000);
	bos_json_kv_int(&ob.j, "lab_ms", t / 1000000);
	bos_json_kv_int(&ob.j, "total_ms", (bos_clock_now_ns() - ob.start_ns) / 1000000);
	bos_json_kv_str(&ob.j, "cgroup", lab.cg_mode == BOS_CGROUP_V2 ? "v2" : "v1");
	bos_json_kv_uint(&ob.j, "cgroup_id", lab.cgroup_id);
	bos_json_kv_str(&ob.j, "victim", BOS_LAB_VICTIM_IP);
	bos_json_kv_str(&ob.j, "hostname", plan.hostname);
	bos_json_kv_str(&ob.j, "user", plan.user);
	if (lab.stale_removed)
		bos_json_kv_int(&ob.j, "stale_labs_removed", lab.stale_removed);
	ev_end(&ob);
	res->lab_up_ms = (bos_clock_now_ns() - ob.start_ns) / 1000000;
	snprintf(msg, sizeof(msg), "lab up in %lld ms", (long long)res->lab_up_ms);
	progress(&ob, "lab", msg, &lab);

	/* The sample. */
	if (o->tracer != BOS_OBSERVE_TRACER_NONE) {
		ob.process_fd = bos_case_open_file(ob.c, "process.jsonl",
						   O_WRONLY | O_CREAT | O_EXCL | O_APPEND, err);
		if (ob.process_fd < 0) {
			ret = ob.process_fd;
			goto finish;
		}
		if (o->tracer != BOS_OBSERVE_TRACER_PTRACE)
			ebpf_try_start(&ob, &lab, o->tracer == BOS_OBSERVE_TRACER_EBPF);
		if (!ob.ebpf && o->tracer == BOS_OBSERVE_TRACER_EBPF) {
			ret = bos_err_set(err, -BOS_ENOTIMPL, "--tracer ebpf: %s", ob.ebpf_reason);
			goto finish;
		}
		if (!ob.ebpf) {
			/* ptrace, run by the victim's init (auto falls back to it, saying why) */
			tctx.backend = BOS_TRACE_PTRACE;
			if (o->tracer == BOS_OBSERVE_TRACER_AUTO)
				snprintf(tctx.reason, sizeof(tctx.reason),
					 "auto: ebpf unavailable: %.200s", ob.ebpf_reason);
			tctx.events_fd = ob.process_fd;
			tctx.env_fd = ob.events_fd;
			vp.runner = trace_runner;
			vp.runner_ctx = &tctx;
		}
	}
	vp.sample = o->sample;
	vp.args = o->args;
	vp.nargs = o->nargs;
	t = bos_clock_now_ns();
	ret = bos_lab_victim_start(&lab, &vp, err);
	if (ret) {
		ev_simple(&ob, "victim_error", "message", err->msg);
		goto finish;
	}
	if (lab.sample_errno) {
		ev_begin(&ob, "sample_exec_failed");
		bos_json_kv_int(&ob.j, "errno", lab.sample_errno);
		bos_json_kv_str(&ob.j, "error", strerror(lab.sample_errno));
		ev_end(&ob);
	} else {
		ev_begin(&ob, "sample_started");
		if (lab.sample_pid > 0)
			bos_json_kv_int(&ob.j, "pid", lab.sample_pid);
		bos_json_kv_str(&ob.j, "path", sample.name);
		bos_json_kv_str(&ob.j, "user", plan.user);
		bos_json_kv_str(&ob.j, "tracer", tracer_name(o->tracer));
		bos_json_kv_int(&ob.j, "start_ms", (bos_clock_now_ns() - t) / 1000000);
		ev_end(&ob);
	}
	progress(&ob, "running", lab.sample_errno ? "sample could not be executed" :
		 "sample started", &lab);

	/* Wait for the end of the tree, the duration, or a signal. */
	t = bos_clock_now_ns();
	for (int tick = 0;; tick++) {
		const char *died;
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000000L };

		if (bos_lab_victim_poll(&lab) == BOS_LAB_VICTIM_EXITED) {
			end = "exited";
			break;
		}
		sig = bos_case_caught_signal();
		if (sig) {
			end = "signal";
			reason = bos_case_signal_reason(sig);
			break;
		}
		if ((bos_clock_now_ns() - t) / 1000000 >= ob.duration_ms) {
			end = "timeout";
			ev_begin(&ob, "timeout");
			bos_json_kv_int(&ob.j, "duration_ms", ob.duration_ms);
			ev_end(&ob);
			break;
		}
		bos_lab_syslog_read(&lab, on_syslog, &ob);
		died = bos_lab_services_check(&lab);
		if (died)
			ev_simple(&ob, "service_error", "message", died);
		if (tick % 5 == 0)
			progress(&ob, "running", NULL, &lab);
		if (ob.ebpf)
			bos_trace_ebpf_poll(ob.ebpf, 50);	/* doubles as the tick's sleep */
		else
			nanosleep(&ts, NULL);
	}
	snprintf(res->end, sizeof(res->end), "%s", end);
	progress(&ob, "stopping", NULL, &lab);
	while (bos_lab_syslog_read(&lab, on_syslog, &ob) > 0)
		;
	if (lab.syslog_dropped) {
		ev_begin(&ob, "syslog_dropped");
		bos_json_kv_uint(&ob.j, "messages", lab.syslog_dropped);
		ev_end(&ob);
	}
	ev_limits(&ob, &lab);
	{
		int alive = bos_lab_victim_nprocs(&lab);

		bos_lab_victim_kill(&lab);
		res->killed = alive > 0 ? alive : 0;
		/* alive: the sample's tasks (relay and init not counted); the kill takes those. */
		if (alive > 0) {
			ev_begin(&ob, "kill");
			bos_json_kv_int(&ob.j, "processes", alive);
			bos_json_kv_str(&ob.j, "reason", end);
			ev_end(&ob);
		}
	}
	{
		int st = lab.init_status;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;

		res->exit_code = code;
		ev_begin(&ob, "sample_exit");
		if (WIFEXITED(st)) {
			/* the init's status is the sample's: exit code, or 128 + signal */
			bos_json_kv_int(&ob.j, "code", code);
			if (code > 128)
				bos_json_kv_int(&ob.j, "signal", code - 128);
		} else {
			/* the lab killed the tree before the sample's first process ended */
			bos_json_kv_bool(&ob.j, "killed_by_lab", true);
		}
		bos_json_kv_str(&ob.j, "end", end);
		ev_end(&ob);
		if (WIFEXITED(st))
			bos_case_outcome_int(ob.c, "exit_code", code, NULL);
	}
	bos_case_outcome_str(ob.c, "end", end, NULL);
	ebpf_finish(&ob);
	ret = 0;

finish:
	ebpf_finish(&ob);
	if (lab_built) {
		int64_t td = bos_clock_now_ns();
		int left;

		bos_lab_capture_stop(&lab);
		ev_capture(&ob, &lab);
		bos_lab_services_stop(&lab);
		left = bos_lab_down(&lab);
		res->teardown_ms = (bos_clock_now_ns() - td) / 1000000;
		ev_begin(&ob, "teardown");
		bos_json_kv_int(&ob.j, "ms", res->teardown_ms);
		bos_json_kv_int(&ob.j, "leftovers", left);
		ev_end(&ob);
	}
	if (ret && !reason) {
		snprintf(lerr.msg, sizeof(lerr.msg), "%s", err->msg);
		reason = lerr.msg;
		ev_simple(&ob, "observe_error", "message", err->msg);
		snprintf(res->end, sizeof(res->end), "error");
	}
	if (!reason && !sig && bos_case_caught_signal()) {
		sig = bos_case_caught_signal();
		reason = bos_case_signal_reason(sig);
	}
	ev_begin(&ob, "observe_end");
	bos_json_kv_bool(&ob.j, "complete", !reason);
	if (reason)
		bos_json_kv_str(&ob.j, "reason", reason);
	ev_end(&ob);
	if (ob.events_fd >= 0)
		close(ob.events_fd);
	if (ob.process_fd >= 0)
		close(ob.process_fd);
	bos_case_set_end_ns(ob.c, bos_clock_now_ns());
	fret = bos_case_finish(ob.c, !reason, reason, &ferr);
	res->complete = !reason;
	snprintf(res->reason, sizeof(res->reason), "%s", reason ? reason : "");
	snprintf(res->case_dir, sizeof(res->case_dir), "%s", bos_case_final_dir(ob.c));
	bos_case_free(ob.c);
	ob.c = NULL;
	/* An error during the run is recorded in the (incomplete) case, not a failure here;
	 * a case that could not be sealed is (it stays under its temporary name). */
	ret = 0;
	if (fret) {
		*err = ferr;
		ret = fret;
	}
	progress(&ob, "done", NULL, NULL);
out_noc:
	bos_buf_release(&ob.line);
	bos_profile_free(prof);
	return ret;
}
