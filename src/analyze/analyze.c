/*
 * bos_analyze_path: find the inputs of PATH (a case, a directory of logs, or a capture),
 * run the network engine on captures into a private temporary directory, read everything
 * into the facts model, classify, render, and write analysis.json into a case atomically
 * (temporary file + rename), so a reader never sees half of it.
 */
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bos/limits.h"
#include "bos/net.h"
#include "bos/timeline.h"

void bos_analyze_opts_init(struct bos_analyze_opts *o)
{
	*o = (struct bos_analyze_opts){ .write_case = true };
	bos_cls_settings_init(&o->cls);
}

void bos_analyze_out_init(struct bos_analyze_out *out)
{
	*out = (struct bos_analyze_out){ .level = 0 };
	bos_buf_init(&out->json);
	bos_buf_init(&out->summary);
	bos_buf_init(&out->problems);
}

void bos_analyze_out_release(struct bos_analyze_out *out)
{
	bos_buf_release(&out->json);
	bos_buf_release(&out->summary);
	bos_buf_release(&out->problems);
}

static bool file_exists(const char *dir, const char *name)
{
	char p[4096];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The case's captures: traffic.pcap[ng] and traffic-NNNN.pcap[ng], in name order. */
static size_t find_captures(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, alloc = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		const char *nm = e->d_name;
		size_t len = strlen(nm);

		if (strncmp(nm, "traffic", 7) ||
		    !((len > 5 && !strcmp(nm + len - 5, ".pcap")) ||
		      (len > 7 && !strcmp(nm + len - 7, ".pcapng"))))
			continue;
		if (!file_exists(dir, nm) || n >= 100000)
			continue;
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 8;
			char **nv = realloc(v, na * sizeof(*nv));

			if (!nv)
				break;
			v = nv;
			alloc = na;
		}
		v[n] = malloc(strlen(dir) + len + 2);
		if (!v[n])
			break;
		snprintf(v[n], strlen(dir) + len + 2, "%s/%s", dir, nm);
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_strp);
	*out = v;
	return n;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void rm_tmpdir(const char *dir)
{
	static const char *const files[] = { "conn.jsonl", "dns.jsonl", "http.jsonl",
					     "tls.jsonl", "net_stats.json" };
	char p[4096];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* Run the network engine over captures into a fresh temporary directory (tmp). */
static int run_net(struct ana *a, const char *const *caps, size_t n, char *tmp, size_t tmplen,
		   struct bos_err *err)
{
	struct bos_net_opts no = BOS_NET_OPTS_INIT;
	struct bos_net_stats st;
	const char *base = a->opts->tmpdir ? a->opts->tmpdir : getenv("TMPDIR");
	int ret;

	snprintf(tmp, tmplen, "%s/bos-analyze-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmp)) {
		tmp[0] = 0;
		return bos_err_sys(err, "mkdtemp %s", base ? base : "/tmp");
	}
	no.deterministic = true;	/* analysis.json must not change from run to run */
	memset(&st, 0, sizeof(st));
	ret = bos_net_run(&no, caps, n, tmp, &st, err);
	if (ret == -BOS_EINPUT) {
		/* Damaged capture: everything before the damage was analysed. */
		a->truncated_capture = true;
		ana_problem(a, "capture", 0, "%s", err->msg);
		err->code = 0;
		err->msg[0] = 0;
		ret = 0;
	}
	if (st.captures_damaged)
		a->truncated_capture = true;
	return ret;
}

static int read_net_logs(struct ana *a, const char *dir, struct bos_err *err)
{
	int ret = ana_read_conn(a, dir, "conn.jsonl", err);

	if (!ret)
		ret = ana_read_dns(a, dir, "dns.jsonl", err);
	if (!ret)
		ret = ana_read_http(a, dir, "http.jsonl", err);
	if (!ret)
		ret = file_exists(dir, "tls.jsonl") ? ana_read_tls(a, dir, "tls.jsonl", err) :
						       ana_read_tls(a, dir, "ssl.jsonl", err);
	return ret;
}

static int write_analysis(const char *dir, const struct bos_buf *json, struct bos_err *err)
{
	char tmp[4096], final[4096];
	int fd;
	size_t off = 0;

	snprintf(final, sizeof(final), "%s/analysis.json", dir);
	snprintf(tmp, sizeof(tmp), "%s/.analysis.json.tmp-%ld", dir, (long)getpid());
	/* The case directory is not trusted: a planted file (a hard link to something else)
	 * under the temporary name must not be truncated. Remove it, then create anew. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return bos_err_sys(err, "create %s", tmp);
	while (off < json->len) {
		ssize_t w = write(fd, json->data + off, json->len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			bos_err_sys(err, "write %s", tmp);
			close(fd);
			unlink(tmp);
			return err->code;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		bos_err_sys(err, "write %s", tmp);
		unlink(tmp);
		return err->code;
	}
	if (rename(tmp, final)) {
		bos_err_sys(err, "rename %s", final);
		unlink(tmp);
		return err->code;
	}
	return 0;
}

/* The lab's uplink capture (gateway.pcap): only the proxy's upstream flows are used. */
static int read_uplink(struct ana *a, const char *dir, struct bos_err *err)
{
	char cap[4096], tmp[4096] = "";
	const char *caps[1] = { cap };
	struct ana_input *in;
	int ret;

	snprintf(cap, sizeof(cap), "%s/gateway.pcap", dir);
	ret = run_net(a, caps, 1, tmp, sizeof(tmp), err);
	if (!ret) {
		a->reading_uplink = true;
		a->derived_dir = tmp;
		ret = ana_read_conn(a, tmp, "conn.jsonl", err);
		a->reading_uplink = false;
		a->derived_dir = NULL;
		if (a->n_inputs) {
			in = &a->inputs[a->n_inputs - 1];
			snprintf(in->name, sizeof(in->name), "gateway:conn.jsonl");
		}
		ana_add_input(a, dir, "gateway.pcap");
	}
	if (tmp[0])
		rm_tmpdir(tmp);
	return ret;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

int bos_analyze_path(const char *path, const struct bos_analyze_opts *o,
		     struct bos_analyze_out *out, struct bos_err *err)
{
	struct ana a = { .opts = o, .out = out };
	struct bos_cls_result res = { .best_cand = -1 };
	struct bos_cls_facts f;
	char tmp[4096] = "";
	char **caps = NULL;
	size_t n_caps = 0;
	const char *logdir = NULL;
	bool is_dir;
	struct stat st;
	int ret = 0;

	if (stat(path, &st))
		return bos_err_sys(err, "%s", path);
	is_dir = S_ISDIR(st.st_mode);
	a.input_name = base_name(path);
	if (is_dir) {
		ret = ana_read_manifest(&a, path, err);
		if (ret)
			goto out;
		a.input_kind = a.lab ? "case" : "logs";
		n_caps = find_captures(path, &caps);
		if (n_caps) {
			ret = run_net(&a, (const char *const *)caps, n_caps, tmp, sizeof(tmp), err);
			if (ret)
				goto out;
			for (size_t i = 0; i < n_caps; i++)
				ana_add_input(&a, path, base_name(caps[i]));
			logdir = tmp;
		} else if (file_exists(path, "conn.jsonl") || file_exists(path, "dns.jsonl")) {
			logdir = path;
		} else if (!file_exists(path, "process.jsonl") && !file_exists(path, "proxy.log") &&
			   !a.lab) {
			ret = bos_err_set(err, -BOS_EINPUT, "%s: no capture, logs or case here",
					  path);
			goto out;
		}
	} else if (S_ISREG(st.st_mode)) {
		const char *one = path;
		char dir[4096];
		const char *slash = strrchr(path, '/');

		a.input_kind = "capture";
		ret = run_net(&a, &one, 1, tmp, sizeof(tmp), err);
		if (ret)
			goto out;
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
			 slash ? path : ".");
		ana_add_input(&a, dir, base_name(path));
		logdir = tmp;
	} else {
		ret = bos_err_set(err, -BOS_EINPUT, "%s: not a directory or a capture file", path);
		goto out;
	}
	if (logdir) {
		a.derived_dir = tmp[0] ? tmp : NULL;
		ret = read_net_logs(&a, logdir, err);
		a.derived_dir = NULL;
	}
	if (!ret && is_dir)
		ret = ana_read_proxy(&a, path, err);
	if (!ret && is_dir && a.lab && a.n_proxy && file_exists(path, "gateway.pcap"))
		ret = read_uplink(&a, path, err);
	if (!ret && is_dir)
		ret = ana_read_process(&a, path, err);
	if (!ret && is_dir)
		ret = ana_read_events(&a, path, err);
	if (!ret)
		ret = ana_build_candidates(&a, err);
	if (!ret)
		ana_match_upstream(&a);
	if (ret)
		goto out;

	f = (struct bos_cls_facts){
		.cands = a.cands, .n_cands = a.n_cands, .dns = a.dns, .n_dns = a.n_dns,
		.flows = a.flows, .n_flows = a.n_flows, .http = a.http, .n_http = a.n_http,
		.tls = a.tls, .n_tls = a.n_tls, .proxy = a.proxy, .n_proxy = a.n_proxy,
		.pevs = a.pevs, .n_pevs = a.n_pevs, .have_process = a.have_process,
		.exec_failed = a.exec_failed, .started = a.started && !a.exec_failed,
	};
	ret = bos_classify_run(&f, &o->cls, &res, err);
	if (ret)
		goto out;
	ana_render(&a, &res);
	if (is_dir)	/* issue 7: timeline + ATT&CK techniques (bos/timeline.h); never fatal */
		bos_timeline_analysis_append(&out->json, path, logdir);
	out->level = res.level;
	if (is_dir && o->write_case) {
		ret = write_analysis(path, &out->json, err);
		out->wrote_case = !ret;
	}
out:
	bos_cls_result_release(&res);
	if (tmp[0])
		rm_tmpdir(tmp);
	free_strv(caps, n_caps);
	free(a.cands);
	free(a.dns);
	free(a.dns_answers);
	free(a.dns_orig);
	free(a.flows);
	free(a.http);
	free(a.http_uri);
	free(a.tls);
	free(a.proxy);
	free(a.proxy_url);
	free(a.proxy_client);
	free(a.pevs);
	free(a.uplink);
	free(a.flow_pev);
	ana_arena_free(&a);
	return ret;
}
