#ifndef BOS_SANDBOX_H
#define BOS_SANDBOX_H
/*
 * The lab: a simulated corporate network built from network namespaces, the victim
 * workstation that runs a sample, its cgroup limits, the corporate services (real dnsmasq
 * and Squid), decoy internal hosts and the live captures. docs/lab.md has the topology, the
 * containment argument and how tear-down works.
 *
 * Plan, then execute (STYLE.md section 7, bubblewrap's SetupOp): the caller fills a
 * struct bos_lab_plan, bos_lab_plan_validate() checks it once in the parent, and from then on
 * the plan is immutable: forked children only run the steps it describes, never decide.
 *
 *	struct bos_lab_plan plan;
 *	struct bos_lab lab;
 *	bos_lab_plan_init(&plan);               defaults: realistic host, user, limits
 *	... set plan.logdir, plan.services ...
 *	bos_lab_plan_validate(&plan, &err);
 *	bos_lab_up(&lab, &plan, &err);          namespaces, links, cgroups, captures, services
 *	bos_lab_victim_start(&lab, &vplan, &err);
 *	while (bos_lab_victim_poll(&lab) == BOS_LAB_VICTIM_RUNNING) ...
 *	bos_lab_victim_kill(&lab);              whole tree, however it escaped
 *	bos_lab_down(&lab);                     everything removed; safe after any failure
 *
 * Every named object of a lab carries its run id: network namespaces bos-<runid>-victim,
 * -corp, -inet; cgroups bos-<runid> under each controller; the state directory
 * /run/bos/<runid> holding the owner's pid. bos_lab_cleanup_stale() removes labs whose owner
 * is dead (a SIGKILLed bos). Needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bos/err.h"
#include "bos/limits.h"

struct bos_profile;

/* Addresses of the lab (docs/lab.md). Fixed: the profile's internet lives elsewhere. */
#define BOS_LAB_LAN_NET "10.66.0.0/24"
#define BOS_LAB_CORP_IP "10.66.0.1"
#define BOS_LAB_VICTIM_IP "10.66.0.10"
#define BOS_LAB_FILESRV_IP "10.66.0.20"
#define BOS_LAB_GW_CORP_IP "10.255.255.1"
#define BOS_LAB_GW_INET_IP "10.255.255.2"
#define BOS_LAB_PROXY_PORT 3128
#define BOS_LAB_DOMAIN "corp.example"

/* Interface names inside the namespaces (they are per-namespace, so they never collide). */
#define BOS_LAB_IF_VICTIM "eth0"		/* in victim */
#define BOS_LAB_IF_LAN_VICTIM "lan-victim"	/* in corp, the victim's link: traffic.pcap */
#define BOS_LAB_IF_UPLINK "uplink"		/* in corp, facing inet: gateway.pcap */
#define BOS_LAB_IF_INET "corp-link"		/* in inet */

enum bos_lab_ns {
	BOS_LAB_NS_VICTIM,
	BOS_LAB_NS_CORP,
	BOS_LAB_NS_INET,
	BOS_LAB_NS_COUNT,
};

/* Which cgroup flavour the limits use (DESIGN.md section 5: hybrid hosts are common). */
enum bos_cgroup_mode {
	BOS_CGROUP_NONE,	/* not set up yet */
	BOS_CGROUP_V2,		/* controllers on the cgroup2 tree: limits + cgroup.kill */
	BOS_CGROUP_V1,		/* v1 memory/pids/cpu/freezer: freeze, kill tasks */
};

struct bos_lab_plan {
	char runid[BOS_LAB_RUNID_LEN + 1];	/* hex; bos_lab_plan_init makes a fresh one */
	char logdir[BOS_LAB_PATH_MAX];		/* traffic.pcap, dns.log ... (must exist) */
	char statedir[BOS_LAB_PATH_MAX];	/* /run/bos/<runid>: configs, owner pid, staging */
	bool services;				/* run dnsmasq + Squid in corp */
	bool decoys;				/* decoy file server listeners in corp */
	bool capture;				/* traffic.pcap + gateway.pcap */
	uint64_t capture_rotate_bytes;		/* next file after this size (>= 64 KiB) */
	/* The simulated internet's regime (borrowed, must outlive the lab); NULL: the inet
	 * namespace gets no servers (every connection to the internet is refused). */
	const struct bos_profile *profile;
	/* events.jsonl (O_APPEND) the inet servers write their events to; -1: none. */
	int events_fd;
	/* victim workstation */
	char hostname[64];
	char user[32];
	char fullname[64];
	uid_t uid;
	gid_t gid;
	uint64_t home_bytes;		/* size of the victim's tmpfs home and /tmp */
	/* cgroup limits for the victim's whole tree */
	uint64_t mem_bytes;
	uint32_t pids_max;
	uint32_t cpu_pct;		/* percent of one CPU */
	bool validated;
};

/*
 * How the victim's init runs the sample when a process tracer is plugged in (observe does:
 * the sandbox module does not depend on the tracer). Called in the victim's init (PID 1 of
 * its pid namespace, root, every set-up step done): fork, call pre_exec(pre_ctx) in the
 * child (drops to the user; returns 0 or an errno value), execve(argv[0], argv, envp), and
 * return when the whole traced tree is gone, with the first process's wait status in
 * *status and an exec/pre_exec failure in *exec_errno. Returns < 0 if it could not run.
 */
typedef int (*bos_lab_runner_fn)(void *ctx, char *const argv[], char *const envp[],
				 int (*pre_exec)(void *), void *pre_ctx, int *status,
				 int *exec_errno);

struct bos_victim_plan {
	const char *sample;		/* host path of the sample (copied into the victim) */
	char *const *args;		/* extra argv after the sample */
	int nargs;
	bos_lab_runner_fn runner;	/* NULL: the init forks and execs the sample itself */
	void *runner_ctx;
};

/* Counters one live capture keeps; read with bos_lab_capture_stats. */
struct bos_capture_stats {
	uint64_t packets;		/* written to the file */
	uint64_t bytes;
	uint64_t syns;			/* TCP SYN without ACK (connection attempts) */
	uint64_t dns_queries;		/* UDP/TCP to port 53 with QR=0 */
	uint64_t files;			/* files written (1 + rotations) */
	uint64_t ps_recv, ps_drop, ps_ifdrop;	/* libpcap / kernel stats at stop */
	bool stats_valid;
};

struct bos_lab_capture;			/* opaque: capture thread state */
struct bos_lab_services;		/* opaque: service pids */

enum bos_lab_victim_state {
	BOS_LAB_VICTIM_NONE,
	BOS_LAB_VICTIM_RUNNING,
	BOS_LAB_VICTIM_EXITED,		/* every process of the tree is gone */
};

struct bos_lab {
	const struct bos_lab_plan *plan;	/* borrowed; must outlive the lab */
	int nsfd[BOS_LAB_NS_COUNT];		/* -1 = none */
	bool ns_made[BOS_LAB_NS_COUNT];
	enum bos_cgroup_mode cg_mode;
	char cg_v1[4][BOS_LAB_PATH_MAX];	/* memory, pids, cpu, freezer ("" = not made) */
	char cg_v2[BOS_LAB_PATH_MAX];		/* limits (v2) or id-only group (hybrid) */
	uint64_t cgroup_id;			/* inode of the cgroup2 group (eBPF filter) */
	/* The sample's own cgroup2 group below it ("sample"): the sample's first act, before
	 * exec, is to join it, so a host-side eBPF tracer filtering on this id sees the
	 * sample's tree and nothing of the lab's set-up. 0: none. */
	uint64_t sample_cgroup_id;
	struct bos_lab_capture *cap[2];		/* victim link, gateway */
	struct bos_lab_services *svc;
	pid_t inet_pid;				/* the inet servers' process; 0 = none */
	pid_t init_pid;				/* victim relay (parent of PID 1); 0 none */
	pid_t sample_pid;			/* the sample's host pid; 0 = unknown */
	int init_status;			/* wait status of the victim's init */
	int sample_exit;			/* sample's wait status as reported by init, -1 */
	int sample_errno;			/* exec failure inside the victim, 0 = exec'd */
	enum bos_lab_victim_state vstate;
	int syslog_fd;				/* the victim's /dev/log; -1 none */
	uint64_t syslog_count, syslog_dropped;
	int64_t up_ns;				/* measured: lab up (without services) */
	int64_t services_ns;			/* measured: services accepting */
	int64_t inet_ns;			/* measured: fork to inet DNS listening */
	int stale_removed;			/* stale labs removed before this one */
	bool state_made;
};

/* Defaults: fresh run id, ws-fin-042 / akiyama, 256 MiB, 256 pids, 100% CPU, services,
 * decoys and capture on. */
void bos_lab_plan_init(struct bos_lab_plan *plan);
/* Check every field (names, sizes, paths); fills statedir. Marks the plan validated. */
int bos_lab_plan_validate(struct bos_lab_plan *plan, struct bos_err *err);

/* Removes stale labs first, then builds the lab: state dir, namespaces, links, routes,
 * cgroups, captures, services (started in parallel, waited for until they accept). On error
 * everything made so far is removed again. */
int bos_lab_up(struct bos_lab *lab, const struct bos_lab_plan *plan, struct bos_err *err);

/* Start the victim: its init (PID 1 of a new pid namespace, in the victim's net, mount, UTS
 * and IPC namespaces, inside the lab's cgroups) prepares the workstation and runs the sample
 * as the unprivileged user. Returns once the sample was exec'd (or failed to: then
 * lab->sample_errno is set and 0 is returned: a sample that cannot run is an observation). */
int bos_lab_victim_start(struct bos_lab *lab, const struct bos_victim_plan *vp,
			 struct bos_err *err);
/* Non-blocking: reaps the victim's init if it exited. */
enum bos_lab_victim_state bos_lab_victim_poll(struct bos_lab *lab);
/* Kill the victim's whole tree (cgroup kill / freeze + kill, then the pid namespace's
 * init). Returns the number of processes that were still alive. Idempotent. */
int bos_lab_victim_kill(struct bos_lab *lab);
/* Tasks of the sample's tree now (the cgroup's pids.current without the victim's relay and
 * init; threads count too); -1 unknown. */
int bos_lab_victim_nprocs(const struct bos_lab *lab);

/* Messages the victim sent to /dev/log: fn(ctx, sender's host pid or 0, bytes, len,
 * truncated) for each waiting one (at most 256 per call; after BOS_LAB_SYSLOG_MAX_MSGS in a
 * run they are only counted in syslog_dropped). Message bytes are the sample's: hostile. */
typedef void (*bos_lab_syslog_fn)(void *ctx, pid_t pid, const char *msg, size_t len,
				  bool truncated);
int bos_lab_syslog_read(struct bos_lab *lab, bos_lab_syslog_fn fn, void *ctx);

/* Limits hit so far, from the cgroup's own counters. */
struct bos_lab_limits_hit {
	uint64_t oom_kills;		/* memory limit: OOM kills */
	uint64_t mem_failcnt;		/* memory limit reached (allocation failures) */
	uint64_t pids_max_hits;		/* fork refused by pids.max */
	uint64_t mem_peak;		/* bytes */
};
void bos_lab_limits(const struct bos_lab *lab, struct bos_lab_limits_hit *out);

/* Live capture counters of capture i (0 victim link, 1 gateway); false if none. */
bool bos_lab_capture_stats(const struct bos_lab *lab, int i, struct bos_capture_stats *out);
/* Stop captures (flush, record pcap stats). Idempotent; bos_lab_down does it too. */
void bos_lab_capture_stop(struct bos_lab *lab);
/* Stop services (SIGTERM, then SIGKILL); their logs are complete afterwards. Idempotent. */
void bos_lab_services_stop(struct bos_lab *lab);
/* Returns a short description of a service that died during the run, or NULL. */
const char *bos_lab_services_check(struct bos_lab *lab);

/* Tear everything down: victim tree, services, captures, namespaces (and with them every
 * veth), cgroups, state dir. Safe on a partly built or zeroed lab; idempotent. Returns the
 * number of objects that could not be removed (0 = clean). */
int bos_lab_down(struct bos_lab *lab);

/* Remove labs whose owner pid is dead (or all bos labs if `all`). Counts labs removed into
 * *removed. Errors for single objects are collected into err; returns 0 or the first one. */
int bos_lab_cleanup_stale(bool all, int *removed, struct bos_err *err);

/* True if this process has CAP_SYS_ADMIN and CAP_NET_ADMIN in its effective set. */
bool bos_lab_have_caps(void);

/* Run fn in a child that joined namespace nsfd (CLONE_NEWNET); waits; returns its exit
 * status (0 = ok) or -errno. Used for per-namespace sysctls and the inet set-up. */
int bos_lab_run_in_ns(int nsfd, int (*fn)(void *ctx), void *ctx, struct bos_err *err);

/* Classify one Ethernet frame for the live counters (never fails: hostile bytes only bump
 * counters). Exposed for the fuzz harness. */
struct bos_lab_pkt_class {
	bool tcp_syn;
	bool dns_query;
};
void bos_lab_pkt_classify(const uint8_t *data, size_t len, struct bos_lab_pkt_class *out);

#endif
