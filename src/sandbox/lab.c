/*
 * The lab's life cycle: plan, up, down, and the removal of stale labs.
 *
 * Order of bos_lab_up (each step undone by bos_lab_down, which is safe on a partial lab):
 *   1. remove stale labs (owner pid dead), then the state dir /run/bos/<runid> with the
 *      owner file "pid starttime": from now on a crash leaves a recognisable stale lab;
 *   2. namespaces, veths, addresses, routes (netns.c);
 *   3. cgroups (cgroup.c);
 *   4. the inet servers' process, dnsmasq, Squid, decoys: all forked/spawned before any
 *      thread exists, then
 *   5. the capture threads, and
 *   6. the wait until every service accepts (Squid is the slow one, ~0.1 s).
 * bos_lab_down: victim tree, services, inet, captures, namespaces (killing every process
 * still inside), cgroups, state dir.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "sandbox_int.h"

#include "bos/clock.h"
#include "bos/inet.h"
#include "bos/profile.h"

void bos_lab_plan_init(struct bos_lab_plan *plan)
{
	uint8_t rnd[BOS_LAB_RUNID_LEN / 2];

	*plan = (struct bos_lab_plan){
		.services = true,
		.decoys = true,
		.capture = true,
		.capture_rotate_bytes = BOS_CAPTURE_ROTATE_BYTES,
		.uid = 1042,
		.gid = 1042,
		.home_bytes = 64ull << 20,
		.mem_bytes = 256ull << 20,
		.pids_max = 256,
		.cpu_pct = 100,
		.events_fd = -1,
	};
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		uint64_t t = (uint64_t)bos_clock_now_ns() ^ (uint64_t)getpid();

		memcpy(rnd, &t, sizeof(rnd));
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(plan->runid + 2 * i, 3, "%02x", rnd[i]);
	snprintf(plan->hostname, sizeof(plan->hostname), "ws-fin-042");
	snprintf(plan->user, sizeof(plan->user), "akiyama");
	snprintf(plan->fullname, sizeof(plan->fullname), "Akiyama Haruto");
}

static bool name_ok(const char *s, size_t max, bool allow_dash)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (allow_dash && c == '-') || c == '_'))
			return false;
	}
	return true;
}

int bos_lab_plan_validate(struct bos_lab_plan *plan, struct bos_err *err)
{
	struct stat st;

	if (strlen(plan->runid) != BOS_LAB_RUNID_LEN ||
	    strspn(plan->runid, "0123456789abcdef") != BOS_LAB_RUNID_LEN)
		return bos_err_set(err, -BOS_EUSAGE, "run id must be %d hex digits",
				   BOS_LAB_RUNID_LEN);
	if (!name_ok(plan->hostname, 63, true))
		return bos_err_set(err, -BOS_EUSAGE, "hostname: lower-case letters, digits, '-'");
	if (!name_ok(plan->user, 31, false))
		return bos_err_set(err, -BOS_EUSAGE, "user: lower-case letters, digits, '_'");
	if (strchr(plan->fullname, ':') || strchr(plan->fullname, '\n'))
		return bos_err_set(err, -BOS_EUSAGE, "full name may not hold ':' or newlines");
	if (plan->uid == 0 || plan->gid == 0 || plan->uid >= 60000 || plan->gid >= 60000)
		return bos_err_set(err, -BOS_EUSAGE, "victim uid/gid must be 1..59999");
	if (plan->home_bytes < (1u << 20) || plan->mem_bytes < (16u << 20) || plan->pids_max < 8 ||
	    plan->cpu_pct < 1 || plan->cpu_pct > 6400)
		return bos_err_set(err, -BOS_EUSAGE, "limits too small (home >= 1 MiB, memory "
				   ">= 16 MiB, pids >= 8, cpu 1..6400%%)");
	if (plan->capture_rotate_bytes < (64u << 10))
		return bos_err_set(err, -BOS_EUSAGE, "capture files must be allowed >= 64 KiB");
	if (plan->logdir[0] != '/' || stat(plan->logdir, &st) < 0 || !S_ISDIR(st.st_mode))
		return bos_err_set(err, -BOS_EUSAGE, "log dir '%s' must be an existing absolute "
				   "directory", plan->logdir);
	snprintf(plan->statedir, sizeof(plan->statedir), LAB_RUN_DIR "/%.*s", BOS_LAB_RUNID_LEN,
		 plan->runid);
	plan->validated = true;
	return 0;
}

bool bos_lab_have_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return (d[0].effective & (1u << CAP_SYS_ADMIN)) && (d[0].effective & (1u << CAP_NET_ADMIN));
}

/* "pid starttime" of a process (field 22 of /proc/pid/stat), so a recycled pid is not
 * mistaken for the owner. */
static unsigned long long proc_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* after ") " come fields 3..; starttime is field 22 */
	for (int field = 3; p && field <= 22; field++) {
		p = strchr(p + 1, ' ');
		if (p && field == 21)
			v = strtoull(p + 1, NULL, 10);
	}
	return v;
}

static int write_owner(const struct bos_lab_plan *p, struct bos_err *err)
{
	char path[BOS_LAB_PATH_MAX + 16], val[64];

	snprintf(path, sizeof(path), "%s/owner", p->statedir);
	snprintf(val, sizeof(val), "%d %llu\n", (int)getpid(), proc_start(getpid()));
	return lab_write_file(path, val, 0644, err);
}

static bool owner_alive(const char *runid)
{
	char path[BOS_LAB_PATH_MAX], buf[64];
	unsigned long long start = 0;
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), LAB_RUN_DIR "/%.*s/owner", BOS_LAB_RUNID_LEN, runid);
	f = fopen(path, "re");
	if (!f) {
		struct stat st;

		/* A lab being built writes its owner file right after its state dir: a
		 * fresh state dir without one is not stale yet. */
		snprintf(path, sizeof(path), LAB_RUN_DIR "/%.*s", BOS_LAB_RUNID_LEN, runid);
		return stat(path, &st) == 0 && time(NULL) - st.st_mtime < 10;
	}
	if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%ld %llu", &pid, &start) != 2)
		pid = 0;
	fclose(f);
	if (pid <= 0)
		return false;
	return kill((pid_t)pid, 0) == 0 && proc_start((pid_t)pid) == start;
}

/* ---- the inet servers: a forked child in the inet namespace ---- */

static volatile sig_atomic_t inet_stop;

static void inet_on_term(int sig)
{
	(void)sig;
	inet_stop = 1;
}

BOS_NORETURN static void inet_main(const struct bos_lab *lab)
{
	const struct bos_lab_plan *p = lab->plan;
	struct bos_inet_env env;
	struct bos_err err = BOS_ERR_INIT;
	struct sigaction sa = { .sa_handler = inet_on_term };
	char dir[BOS_LAB_PATH_MAX + 16], errpath[BOS_LAB_PATH_MAX + 32];
	sigset_t none;
	int ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* A terminal's Ctrl-C goes to bos, which stops the servers in order. */
	setsid();
	if (setns(lab->nsfd[BOS_LAB_NS_INET], CLONE_NEWNET) < 0)
		_exit(126);
	snprintf(dir, sizeof(dir), "%s/inet", p->statedir);
	bos_inet_env_init(&env);
	env.work_dir = dir;
	env.events_fd = p->events_fd;
	env.uplink_ifname = BOS_LAB_IF_INET;
	ret = bos_inet_setup(p->profile, &env, &err);
	if (!ret)
		ret = bos_inet_serve(p->profile, &env, &inet_stop, &err);
	if (ret) {
		snprintf(errpath, sizeof(errpath), "%s/inet/error", p->statedir);
		lab_write_file(errpath, err.msg, 0644, NULL);
		_exit(1);
	}
	_exit(0);
}

static int inet_start(struct bos_lab *lab, struct bos_err *err)
{
	char dir[BOS_LAB_PATH_MAX + 16];
	pid_t pid;
	int ret;

	snprintf(dir, sizeof(dir), "%s/inet", lab->plan->statedir);
	ret = lab_mkdir_p(dir, 0755, err);
	if (ret)
		return ret;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return bos_err_sys(err, "fork inet");
	if (pid == 0)
		inet_main(lab);
	lab->inet_pid = pid;
	lab->inet_ns = bos_clock_now_ns();
	return 0;
}

static int inet_wait(struct bos_lab *lab, struct bos_err *err)
{
	char path[BOS_LAB_PATH_MAX + 32], msg[300] = "";
	int st, ret;

	ret = lab_wait_tcp(lab->nsfd[BOS_LAB_NS_INET], BOS_LAB_GW_INET_IP, 53, 5000, err);
	lab->inet_ns = bos_clock_now_ns() - lab->inet_ns;
	if (!ret)
		return 0;
	if (lab->inet_pid > 0 && waitpid(lab->inet_pid, &st, WNOHANG) == lab->inet_pid) {
		FILE *f;

		lab->inet_pid = 0;
		snprintf(path, sizeof(path), "%s/inet/error", lab->plan->statedir);
		f = fopen(path, "re");
		if (f) {
			if (!fgets(msg, sizeof(msg), f))
				msg[0] = '\0';
			fclose(f);
		}
		return bos_err_set(err, -EIO, "simulated internet failed to start: %s", msg);
	}
	return ret;
}

static void inet_stop_proc(struct bos_lab *lab)
{
	char src[BOS_LAB_PATH_MAX + 32], dst[BOS_LAB_PATH_MAX + 32];

	if (lab->inet_pid > 0) {
		/* bos_inet_serve stops its C2 programs within ~1 s of SIGTERM. */
		lab_stop_pid(lab->inet_pid, SIGTERM, 3000);
		lab->inet_pid = 0;
		snprintf(src, sizeof(src), "%s/inet/inet.nft", lab->plan->statedir);
		snprintf(dst, sizeof(dst), "%s/lab/inet.nft", lab->plan->logdir);
		if (access(src, F_OK) == 0)
			lab_copy_file(src, dst, 0644, NULL);
	}
}

/* ---- up / down ---- */

int bos_lab_up(struct bos_lab *lab, const struct bos_lab_plan *plan, struct bos_err *err)
{
	char dir[BOS_LAB_PATH_MAX + 16];
	int64_t t0 = bos_clock_now_ns();
	int removed = 0, ret;

	*lab = (struct bos_lab){ .plan = plan, .sample_exit = -1, .syslog_fd = -1 };
	for (int i = 0; i < BOS_LAB_NS_COUNT; i++)
		lab->nsfd[i] = -1;
	if (!plan->validated)
		return bos_err_set(err, -BOS_EUSAGE, "lab plan not validated");
	bos_lab_cleanup_stale(false, &removed, NULL);
	lab->stale_removed = removed;

	ret = lab_mkdir_p(LAB_RUN_DIR, 0755, err);
	if (ret)
		return ret;
	if (mkdir(plan->statedir, 0711) < 0)
		return bos_err_sys(err, "mkdir %s", plan->statedir);
	lab->state_made = true;
	ret = write_owner(plan, err);
	snprintf(dir, sizeof(dir), "%s/lab", plan->logdir);
	if (!ret)
		ret = lab_mkdir_p(dir, 0755, err);
	if (!ret)
		ret = lab_net_up(lab, err);
	if (!ret)
		ret = lab_cg_create(lab, err);
	if (ret)
		goto fail;
	lab->up_ns = bos_clock_now_ns() - t0;
	if (plan->profile) {
		ret = inet_start(lab, err);
		if (ret)
			goto fail;
	}
	ret = lab_services_start(lab, err);
	if (!ret && plan->capture)
		ret = lab_capture_start(lab, err);
	if (!ret)
		ret = lab_services_wait(lab, err);
	if (!ret && plan->profile)
		ret = inet_wait(lab, err);
	if (ret)
		goto fail;
	return 0;
fail:
	bos_lab_down(lab);
	return ret;
}

int bos_lab_down(struct bos_lab *lab)
{
	int fails = 0;

	if (!lab->plan)
		return 0;
	bos_lab_victim_kill(lab);
	if (lab->syslog_fd > 0)
		close(lab->syslog_fd);
	lab->syslog_fd = -1;
	lab_services_free(lab);
	inet_stop_proc(lab);
	lab_capture_free(lab);
	for (int i = 0; i < BOS_LAB_NS_COUNT; i++) {
		if (lab->nsfd[i] >= 0)
			close(lab->nsfd[i]);
		lab->nsfd[i] = -1;
	}
	if (lab->ns_made[0] || lab->ns_made[1] || lab->ns_made[2])
		fails += lab_net_down(lab->plan->runid);
	memset(lab->ns_made, 0, sizeof(lab->ns_made));
	if (lab->cg_mode != BOS_CGROUP_NONE || lab->cg_v2[0])
		fails += lab_cg_remove(lab->plan->runid);
	lab->cg_mode = BOS_CGROUP_NONE;
	lab->cg_v2[0] = '\0';
	if (lab->state_made)
		fails += lab_rm_rf(lab->plan->statedir);
	lab->state_made = false;
	return fails;
}

/* Remove everything of run runid: processes in its namespaces, namespaces, cgroups, state. */
static int remove_lab(const char *runid)
{
	char dir[BOS_LAB_PATH_MAX];
	int fails = 0;

	fails += lab_cg_remove(runid);	/* kills the victim's tree first */
	fails += lab_net_down(runid);
	snprintf(dir, sizeof(dir), LAB_RUN_DIR "/%.*s", BOS_LAB_RUNID_LEN, runid);
	fails += lab_rm_rf(dir);
	return fails;
}

static bool runid_ok(const char *s, size_t n)
{
	return n == BOS_LAB_RUNID_LEN && strspn(s, "0123456789abcdef") >= n;
}

static void add_runid(char (*ids)[BOS_LAB_RUNID_LEN + 1], int *n, int max, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(ids[i], s))
			return;
	if (*n < max)
		snprintf(ids[(*n)++], BOS_LAB_RUNID_LEN + 1, "%s", s);
}

int bos_lab_cleanup_stale(bool all, int *removed, struct bos_err *err)
{
	static const char *const cg_dirs[] = {
		LAB_CG_ROOT, LAB_CG_ROOT "/unified", LAB_CG_ROOT "/memory", LAB_CG_ROOT "/pids",
		LAB_CG_ROOT "/cpu", LAB_CG_ROOT "/freezer",
	};
	char ids[256][BOS_LAB_RUNID_LEN + 1];
	int n = 0, ret = 0;
	struct dirent *e;
	DIR *d;

	*removed = 0;
	/* Every place a lab leaves a name: state dirs, namespaces, cgroups. */
	d = opendir(LAB_RUN_DIR);
	while (d && (e = readdir(d))) {
		if (runid_ok(e->d_name, strlen(e->d_name)))
			add_runid(ids, &n, 256, e->d_name);
	}
	if (d)
		closedir(d);
	d = opendir(LAB_NETNS_DIR);
	while (d && (e = readdir(d))) {
		const char *s = e->d_name;

		if (!strncmp(s, "bos-", 4) && strlen(s) > 4 + BOS_LAB_RUNID_LEN &&
		    s[4 + BOS_LAB_RUNID_LEN] == '-' && runid_ok(s + 4, BOS_LAB_RUNID_LEN)) {
			char id[BOS_LAB_RUNID_LEN + 1];

			memcpy(id, s + 4, BOS_LAB_RUNID_LEN);
			id[BOS_LAB_RUNID_LEN] = '\0';
			add_runid(ids, &n, 256, id);
		}
	}
	if (d)
		closedir(d);
	for (size_t k = 0; k < BOS_ARRAY_SIZE(cg_dirs); k++) {
		d = opendir(cg_dirs[k]);
		while (d && (e = readdir(d))) {
			const char *s = e->d_name;

			if (!strncmp(s, "bos-", 4) && runid_ok(s + 4, strlen(s + 4)))
				add_runid(ids, &n, 256, s + 4);
		}
		if (d)
			closedir(d);
	}
	for (int i = 0; i < n; i++) {
		/* A lab without a live owner is stale. The owner file is written before any
		 * other object, so a lab being built right now always has one. */
		if (!all && owner_alive(ids[i]))
			continue;
		if (remove_lab(ids[i]) && !ret)
			ret = bos_err_set(err, -EBUSY, "lab %s: some objects could not be removed",
					  ids[i]);
		(*removed)++;
	}
	return ret;
}
