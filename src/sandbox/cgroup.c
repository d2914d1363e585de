/*
 * cgroups for the victim's process tree: limits (memory, pids, CPU) and a way to kill every
 * process of the tree however it escaped (double fork, setsid, new process groups).
 *
 * Two flavours (DESIGN.md section 5):
 *  - cgroup v2 with controllers (pure v2 hosts): one group /sys/fs/cgroup/bos-<runid> with
 *    memory.max, pids.max, cpu.max; cgroup.kill kills the whole group atomically.
 *  - cgroup v1 (hybrid hosts, like the CI machines): groups bos-<runid> in the memory, pids,
 *    cpu and freezer hierarchies; to kill, the freezer group is frozen (no task can fork any
 *    more), every task gets SIGKILL, then it is thawed so the kills are delivered.
 *    A cgroup2 group is still made on the controller-less unified tree so the victim has a
 *    cgroup id an eBPF tracer can filter on.
 * bos only creates, fills, and removes groups named bos-<runid>; it never writes to groups
 * it did not create. Reference: Documentation/admin-guide/cgroup-v2.rst, cgroup-v1/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox_int.h"

static const char *const v1_ctrl[4] = { "memory", "pids", "cpu", "freezer" };
enum { V1_MEMORY, V1_PIDS, V1_CPU, V1_FREEZER };

static int cg_write(const char *dir, const char *file, const char *val, struct bos_err *err)
{
	char path[BOS_LAB_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return lab_write_file(path, val, 0644, err);
}

static int cg_read(const char *dir, const char *file, char *out, size_t len)
{
	char path[BOS_LAB_PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, out, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	out[n] = '\0';
	return 0;
}

/* "key N" lines (memory.events, pids.events, memory.oom_control): value of key, or 0. */
static uint64_t cg_keyed(const char *dir, const char *file, const char *key)
{
	char buf[2048];
	size_t klen = strlen(key);

	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return 0;
	for (char *line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			return strtoull(line + klen + 1, NULL, 10);
	}
	return 0;
}

static uint64_t cg_u64(const char *dir, const char *file)
{
	char buf[64];

	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return 0;
	return strtoull(buf, NULL, 10);
}

static bool v2_has_controllers(void)
{
	char buf[512];

	if (cg_read(LAB_CG_ROOT, "cgroup.controllers", buf, sizeof(buf)) < 0)
		return false;
	return strstr(buf, "memory") && strstr(buf, "pids");
}

int lab_cg_create(struct bos_lab *lab, struct bos_err *err)
{
	const struct bos_lab_plan *p = lab->plan;
	char val[64];
	struct stat st;
	int ret;

	if (v2_has_controllers()) {
		lab->cg_mode = BOS_CGROUP_V2;
		snprintf(lab->cg_v2, sizeof(lab->cg_v2), LAB_CG_ROOT "/bos-%s", p->runid);
		if (mkdir(lab->cg_v2, 0755) < 0) {
			lab->cg_v2[0] = '\0';
			return bos_err_sys(err, "mkdir cgroup bos-%s", p->runid);
		}
		/* Make sure the root delegates the controllers (it normally does). */
		cg_write(LAB_CG_ROOT, "cgroup.subtree_control", "+memory +pids +cpu", NULL);
		snprintf(val, sizeof(val), "%" PRIu64, p->mem_bytes);
		ret = cg_write(lab->cg_v2, "memory.max", val, err);
		if (!ret)
			cg_write(lab->cg_v2, "memory.swap.max", "0", NULL);	/* optional */
		snprintf(val, sizeof(val), "%u", p->pids_max);
		if (!ret)
			ret = cg_write(lab->cg_v2, "pids.max", val, err);
		snprintf(val, sizeof(val), "%u 100000", p->cpu_pct * 1000u);
		if (!ret)
			ret = cg_write(lab->cg_v2, "cpu.max", val, err);
		if (ret)
			return ret;
	} else if (access(LAB_CG_ROOT "/memory/tasks", F_OK) == 0) {
		lab->cg_mode = BOS_CGROUP_V1;
		for (int i = 0; i < 4; i++) {
			snprintf(lab->cg_v1[i], sizeof(lab->cg_v1[i]), LAB_CG_ROOT "/%s/bos-%s",
				 v1_ctrl[i], p->runid);
			if (mkdir(lab->cg_v1[i], 0755) < 0) {
				ret = bos_err_sys(err, "mkdir %s", lab->cg_v1[i]);
				lab->cg_v1[i][0] = '\0';
				return ret;
			}
		}
		snprintf(val, sizeof(val), "%" PRIu64, p->mem_bytes);
		ret = cg_write(lab->cg_v1[V1_MEMORY], "memory.limit_in_bytes", val, err);
		/* No swap escape: memory+swap gets the same limit (absent without swap
		 * accounting: then there is nothing to escape to). */
		if (!ret)
			cg_write(lab->cg_v1[V1_MEMORY], "memory.memsw.limit_in_bytes", val, NULL);
		snprintf(val, sizeof(val), "%u", p->pids_max);
		if (!ret)
			ret = cg_write(lab->cg_v1[V1_PIDS], "pids.max", val, err);
		if (!ret)
			ret = cg_write(lab->cg_v1[V1_CPU], "cpu.cfs_period_us", "100000", err);
		snprintf(val, sizeof(val), "%u", p->cpu_pct * 1000u);
		if (!ret)
			ret = cg_write(lab->cg_v1[V1_CPU], "cpu.cfs_quota_us", val, err);
		if (ret)
			return ret;
		/* Id-only group on the unified tree (hybrid hosts). */
		if (access(LAB_CG_ROOT "/unified/cgroup.procs", F_OK) == 0) {
			snprintf(lab->cg_v2, sizeof(lab->cg_v2), LAB_CG_ROOT "/unified/bos-%s",
				 p->runid);
			if (mkdir(lab->cg_v2, 0755) < 0)
				lab->cg_v2[0] = '\0';
		}
	} else {
		return bos_err_set(err, -BOS_ENOTIMPL,
				   "no usable cgroup hierarchy (need cgroup2 with memory+pids "
				   "controllers, or cgroup v1 memory/pids/cpu/freezer)");
	}
	if (lab->cg_v2[0] && stat(lab->cg_v2, &st) == 0) {
		char sub[BOS_LAB_PATH_MAX + 16];

		lab->cgroup_id = (uint64_t)st.st_ino;
		snprintf(sub, sizeof(sub), "%s/sample", lab->cg_v2);
		if (mkdir(sub, 0755) == 0 && stat(sub, &st) == 0)
			lab->sample_cgroup_id = (uint64_t)st.st_ino;
	}
	return 0;
}

int lab_cg_attach(const struct bos_lab *lab, pid_t pid, struct bos_err *err)
{
	char val[32];
	int ret = 0;

	snprintf(val, sizeof(val), "%d", (int)pid);
	if (lab->cg_mode == BOS_CGROUP_V1) {
		for (int i = 0; i < 4 && !ret; i++)
			ret = cg_write(lab->cg_v1[i], "cgroup.procs", val, err);
	}
	if (!ret && lab->cg_v2[0])
		ret = cg_write(lab->cg_v2, "cgroup.procs", val, err);
	return ret;
}

/* Pids listed in dir/cgroup.procs into out (at most max); returns the count. */
static int cg_pids(const char *dir, pid_t *out, int max)
{
	char path[BOS_LAB_PATH_MAX + 32];
	FILE *f;
	int n = 0;
	long v;

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (n < max && fscanf(f, "%ld", &v) == 1)
		out[n++] = (pid_t)v;
	fclose(f);
	return n;
}

static int cg_count(const char *dir)
{
	pid_t pids[4096];

	return cg_pids(dir, pids, (int)BOS_ARRAY_SIZE(pids));
}

int lab_cg_nprocs(const struct bos_lab *lab)
{
	/* pids.current counts the whole subtree (a tracer's or the sample's sub-group too). */
	if (lab->cg_mode == BOS_CGROUP_V1 && lab->cg_v1[V1_PIDS][0])
		return (int)cg_u64(lab->cg_v1[V1_PIDS], "pids.current");
	if (lab->cg_mode == BOS_CGROUP_V2 && lab->cg_v2[0])
		return (int)cg_u64(lab->cg_v2, "pids.current");
	return -1;
}

/* Freeze, SIGKILL every task, thaw; repeat until the group is empty (bounded). */
static int v1_kill(const char *freezer)
{
	pid_t pids[4096];
	int first = -1;

	for (int round = 0; round < 200; round++) {
		char state[32] = "";
		int n;

		cg_write(freezer, "freezer.state", "FROZEN", NULL);
		for (int w = 0; w < 100; w++) {
			if (cg_read(freezer, "freezer.state", state, sizeof(state)) < 0 ||
			    strncmp(state, "FREEZING", 8))
				break;
			lab_sleep_ms(1);
		}
		n = cg_pids(freezer, pids, (int)BOS_ARRAY_SIZE(pids));
		if (first < 0)
			first = n;
		for (int i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		cg_write(freezer, "freezer.state", "THAWED", NULL);
		if (n == 0)
			break;
		lab_sleep_ms(5);
	}
	return first < 0 ? 0 : first;
}

static int v2_kill(const char *dir)
{
	int n = cg_count(dir);

	if (cg_write(dir, "cgroup.kill", "1", NULL)) {
		/* Kernels before 5.14: no cgroup.kill; kill the listed tasks in rounds. */
		pid_t pids[4096];

		for (int round = 0; round < 200; round++) {
			int k = cg_pids(dir, pids, (int)BOS_ARRAY_SIZE(pids));

			if (!k)
				break;
			for (int i = 0; i < k; i++)
				kill(pids[i], SIGKILL);
			lab_sleep_ms(5);
		}
	}
	return n;
}

int lab_cg_kill(const struct bos_lab *lab)
{
	if (lab->cg_mode == BOS_CGROUP_V1 && lab->cg_v1[V1_FREEZER][0])
		return v1_kill(lab->cg_v1[V1_FREEZER]);
	if (lab->cg_mode == BOS_CGROUP_V2 && lab->cg_v2[0])
		return v2_kill(lab->cg_v2);
	return 0;
}

/* Remove a group and the groups below it (a tracer may have made one inside the victim's
 * cgroup namespace), killing what is left in each. */
static int cg_rmdir(const char *dir, int depth)
{
	DIR *d = depth < 8 ? opendir(dir) : NULL;
	struct dirent *e;
	pid_t pids[4096];
	int fails = 0, n;

	while (d && (e = readdir(d))) {
		char sub[BOS_LAB_PATH_MAX + 256];

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= (int)sizeof(sub))
			fails++;
		else
			fails += cg_rmdir(sub, depth + 1);
	}
	if (d)
		closedir(d);
	n = cg_pids(dir, pids, (int)BOS_ARRAY_SIZE(pids));
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < 200; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return fails;
		if (errno != EBUSY)
			return fails + 1;
		lab_sleep_ms(5);	/* killed tasks are still exiting */
	}
	return fails + 1;
}

int lab_cg_remove(const char *runid)
{
	char dir[BOS_LAB_PATH_MAX];
	int fails = 0;

	/* The freezer first: it stops and kills whatever is left in any v1 group. */
	snprintf(dir, sizeof(dir), LAB_CG_ROOT "/freezer/bos-%s", runid);
	if (access(dir, F_OK) == 0)
		v1_kill(dir);
	snprintf(dir, sizeof(dir), LAB_CG_ROOT "/bos-%s", runid);
	if (access(dir, F_OK) == 0) {
		v2_kill(dir);
		fails += cg_rmdir(dir, 0);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(dir, sizeof(dir), LAB_CG_ROOT "/%s/bos-%s", v1_ctrl[i], runid);
		if (access(dir, F_OK) == 0)
			fails += cg_rmdir(dir, 0);
	}
	snprintf(dir, sizeof(dir), LAB_CG_ROOT "/unified/bos-%s", runid);
	if (access(dir, F_OK) == 0)
		fails += cg_rmdir(dir, 0);
	return fails;
}

void bos_lab_limits(const struct bos_lab *lab, struct bos_lab_limits_hit *out)
{
	*out = (struct bos_lab_limits_hit){ 0 };
	if (lab->cg_mode == BOS_CGROUP_V1) {
		const char *mem = lab->cg_v1[V1_MEMORY];

		out->oom_kills = cg_keyed(mem, "memory.oom_control", "oom_kill");
		out->mem_failcnt = cg_u64(mem, "memory.failcnt");
		out->mem_peak = cg_u64(mem, "memory.max_usage_in_bytes");
		out->pids_max_hits = cg_keyed(lab->cg_v1[V1_PIDS], "pids.events", "max");
	} else if (lab->cg_mode == BOS_CGROUP_V2) {
		out->oom_kills = cg_keyed(lab->cg_v2, "memory.events", "oom_kill");
		out->mem_failcnt = cg_keyed(lab->cg_v2, "memory.events", "max");
		out->mem_peak = cg_u64(lab->cg_v2, "memory.peak");
		out->pids_max_hits = cg_keyed(lab->cg_v2, "pids.events", "max");
	}
}
