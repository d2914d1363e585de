/*
 * Unit tests of the case module: writer, manifest reader, verify (bos/case.h).
 * Expected digests are the published test vectors (FIPS 180-2 "abc", the empty string),
 * not values printed by bos.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bos/buf.h"
#include "bos/case.h"
#include "bos/limits.h"
#include "harness.h"

#define SHA256_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* A fresh directory name under the test's tmpdir: <tmp>/<tag>. */
static const char *tpath(const char *tag)
{
	static char buf[8][512];
	static int slot;
	char *p = buf[slot++ % 8];

	snprintf(p, 512, "%s/%s", bt_tmpdir(), tag);
	return p;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static char *read_text(const char *path)
{
	struct bos_buf b = BOS_BUF_INIT;
	char chunk[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bos_buf_add(&b, chunk, n);
	fclose(f);
	return bos_buf_detach(&b, NULL);
}

/* Make a finished case at dir with "abc" in a.txt, "" in empty, and sub/x.jsonl. */
static int make_case(const char *dir, bool complete, const char *reason, char *final,
		     size_t flen)
{
	struct bos_case_meta meta = { .command = "test", .start_ns = 1000000000 };
	struct bos_err err = BOS_ERR_INIT;
	struct bos_case *c = NULL;
	int rc;

	rc = bos_case_create(&c, dir, &meta, &err);
	if (rc < 0)
		goto out;
	if ((rc = bos_case_write_file(c, "a.txt", "abc", 3, &err)) < 0 ||
	    (rc = bos_case_write_file(c, "empty", "", 0, &err)) < 0 ||
	    (rc = bos_case_write_file(c, "sub/x.jsonl", "{}\n", 3, &err)) < 0 ||
	    (rc = bos_case_setting_str(c, "timeout", "60s", &err)) < 0 ||
	    (rc = bos_case_setting_int(c, "arch", 64, &err)) < 0 ||
	    (rc = bos_case_outcome_int(c, "exit_status", 0, &err)) < 0)
		goto out;
	bos_case_set_end_ns(c, 3000000000);
	rc = bos_case_finish(c, complete, reason, &err);
	if (rc == 0 && final)
		snprintf(final, flen, "%s", bos_case_final_dir(c));
out:
	if (rc < 0)
		printf("#   make_case: %s\n", err.msg);
	bos_case_free(c);
	return rc;
}

static int find_problem(const struct bos_verify_result *r, enum bos_verify_kind k,
			const char *path)
{
	for (size_t i = 0; i < r->nproblems; i++)
		if (r->problems[i].kind == k && !strcmp(r->problems[i].path, path))
			return 1;
	return 0;
}

void test_case__writer_seals_with_manifest(void)
{
	const char *dir = tpath("c1");
	struct bos_manifest m;
	struct bos_err err = BOS_ERR_INIT;
	char final[512], mpath[600];
	char *text;
	struct stat st;
	struct dirent *de;
	int leftovers = 0;
	DIR *d;

	BT_ASSERT_EQ_INT(make_case(dir, true, NULL, final, sizeof(final)), 0);
	BT_ASSERT_EQ_STR(final, dir);
	snprintf(mpath, sizeof(mpath), "%s/manifest.json", dir);
	text = read_text(mpath);
	BT_ASSERT(text);
	BT_ASSERT_EQ_INT(bos_manifest_parse(&m, text, strlen(text), &err), 0);
	BT_ASSERT_EQ_INT(m.format_version, 1);
	BT_ASSERT(m.complete);
	BT_ASSERT(m.incomplete_reason == NULL);
	BT_ASSERT_EQ_STR(m.case_id, "c1");
	BT_ASSERT_EQ_INT(m.nfiles, 3);
	/* sorted bytewise, manifest.json itself not listed */
	BT_ASSERT_EQ_STR(m.files[0].path, "a.txt");
	BT_ASSERT_EQ_STR(m.files[1].path, "empty");
	BT_ASSERT_EQ_STR(m.files[2].path, "sub/x.jsonl");
	BT_ASSERT_EQ_INT(m.files[0].size, 3);
	BT_ASSERT(strstr(text, "\"sha256\": \"" SHA256_ABC "\""));
	BT_ASSERT(strstr(text, "\"sha256\": \"" SHA256_EMPTY "\""));
	BT_ASSERT(strstr(text, "\"start\": \"1970-01-01T00:00:01.000000000Z\""));
	BT_ASSERT(strstr(text, "\"duration_ns\": 2000000000"));
	/* settings sorted by key: arch before timeout */
	BT_ASSERT(strstr(text, "\"arch\": 64") && strstr(text, "\"timeout\": \"60s\"") &&
		  strstr(text, "\"arch\"") < strstr(text, "\"timeout\""));
	BT_ASSERT(strstr(text, "\"format_version\": 1,") == text + 4);
	bos_manifest_release(&m);
	free(text);
	BT_ASSERT(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
	/* no temporary directory left behind */
	d = opendir(bt_tmpdir());
	BT_ASSERT(d);
	while ((de = readdir(d)))
		leftovers += !strncmp(de->d_name, ".c1.partial-", 12);
	closedir(d);
	BT_ASSERT_EQ_INT(leftovers, 0);
}

void test_case__signal_flag_and_reason(void)
{
	struct bos_err err = BOS_ERR_INIT;

	BT_ASSERT_EQ_INT(bos_case_catch_signals(&err), 0);
	BT_ASSERT_EQ_INT(bos_case_caught_signal(), 0);
	BT_ASSERT_EQ_INT(raise(SIGTERM), 0);	/* would kill the test without the handler */
	BT_ASSERT_EQ_INT(raise(SIGINT), 0);
	BT_ASSERT_EQ_INT(bos_case_caught_signal(), SIGTERM);	/* the first one wins */
	BT_ASSERT_EQ_STR(bos_case_signal_reason(SIGINT), "interrupted by SIGINT");
	BT_ASSERT_EQ_STR(bos_case_signal_reason(SIGTERM), "interrupted by SIGTERM");
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

void test_case__existing_target_is_never_replaced(void)
{
	const char *dir = tpath("c2");
	char final[512], want[600];

	BT_ASSERT_EQ_INT(mkdir(dir, 0755), 0);	/* an empty dir: rename(2) would replace it */
	BT_ASSERT_EQ_INT(make_case(dir, true, NULL, final, sizeof(final)), 0);
	snprintf(want, sizeof(want), "%s-1", dir);
	BT_ASSERT_EQ_STR(final, want);
	BT_ASSERT_EQ_INT(make_case(dir, true, NULL, final, sizeof(final)), 0);
	snprintf(want, sizeof(want), "%s-2", dir);
	BT_ASSERT_EQ_STR(final, want);
	/* the original is still empty */
	BT_ASSERT(rmdir(dir) == 0);
}

void test_case__incomplete_keeps_reason(void)
{
	const char *dir = tpath("c3");
	struct bos_verify_result r;
	struct bos_err err = BOS_ERR_INIT;

	BT_ASSERT_EQ_INT(make_case(dir, false, "interrupted by SIGINT", NULL, 0), 0);
	BT_ASSERT_EQ_INT(bos_case_verify(dir, &r, &err), 0);
	BT_ASSERT_EQ_INT(r.nproblems, 0);
	BT_ASSERT(!r.manifest.complete);
	BT_ASSERT_EQ_STR(r.manifest.incomplete_reason, "interrupted by SIGINT");
	bos_verify_result_release(&r);
}

void test_case__free_without_finish_deletes_nothing(void)
{
	struct bos_case_meta meta = { .command = "test" };
	struct bos_err err = BOS_ERR_INIT;
	struct bos_case *c = NULL;
	char tmp[512], file[600];
	struct stat st;

	BT_ASSERT_EQ_INT(bos_case_create(&c, tpath("c4"), &meta, &err), 0);
	BT_ASSERT(strstr(bos_case_dir(c), "/.c4.partial-"));
	BT_ASSERT_EQ_INT(bos_case_write_file(c, "traffic.pcap", "x", 1, &err), 0);
	snprintf(tmp, sizeof(tmp), "%s", bos_case_dir(c));
	bos_case_free(c);
	snprintf(file, sizeof(file), "%s/traffic.pcap", tmp);
	BT_ASSERT(stat(file, &st) == 0 && st.st_size == 1);
}

void test_case__open_file_refuses_escapes(void)
{
	static const char *const bad[] = { "../x", "/etc/passwd", "a/../../x", "manifest.json",
					   "", "a//b", "./a", "a/" };
	struct bos_case_meta meta = { 0 };
	struct bos_err err = BOS_ERR_INIT;
	struct bos_case *c = NULL;
	int fd;

	BT_ASSERT_EQ_INT(bos_case_create(&c, tpath("c5"), &meta, &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fd = bos_case_open_file(c, bad[i], O_WRONLY | O_CREAT, &err);
		if (fd >= 0)
			close(fd);
		BT_ASSERT(fd < 0);
	}
	/* a symlink planted inside the case is not followed */
	BT_ASSERT_EQ_INT(symlinkat("/tmp", bos_case_dirfd(c), "link"), 0);
	fd = bos_case_open_file(c, "link/evil", O_WRONLY | O_CREAT, &err);
	BT_ASSERT(fd < 0);
	/* and finish refuses to seal a case holding it */
	BT_ASSERT(bos_case_finish(c, true, NULL, &err) < 0);
	BT_ASSERT(strstr(err.msg, "symlink"));
	BT_ASSERT(strstr(err.msg, "files kept in"));
	bos_case_free(c);
}

void test_case__default_name_format(void)
{
	char name[64];

	/* 2026-11-26T10:58:29Z */
	bos_case_default_name(name, sizeof(name), INT64_C(1795690709) * 1000000000);
	BT_ASSERT_EQ_INT(strlen(name), strlen("case-20261126T105829Z-3f2a"));
	BT_ASSERT(!strncmp(name, "case-20261126T105829Z-", 22));
	for (int i = 22; i < 26; i++)
		BT_ASSERT(strchr("0123456789abcdef", name[i]));
}

void test_verify__catches_flip_delete_add(void)
{
	const char *dir = tpath("v1");
	struct bos_verify_result r;
	struct bos_err err = BOS_ERR_INIT;
	char p[600];

	BT_ASSERT_EQ_INT(make_case(dir, true, NULL, NULL, 0), 0);
	BT_ASSERT_EQ_INT(bos_case_verify(dir, &r, &err), 0);
	BT_ASSERT_EQ_INT(r.nproblems, 0);
	BT_ASSERT_EQ_INT(r.nchecked, 3);
	bos_verify_result_release(&r);

	snprintf(p, sizeof(p), "%s/a.txt", dir);
	BT_ASSERT_EQ_INT(write_text(p, "abd"), 0);	/* one byte flipped, same size */
	snprintf(p, sizeof(p), "%s/sub/x.jsonl", dir);
	BT_ASSERT_EQ_INT(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/sub/added", dir);
	BT_ASSERT_EQ_INT(write_text(p, "new"), 0);
	snprintf(p, sizeof(p), "%s/empty", dir);
	BT_ASSERT_EQ_INT(write_text(p, "grew"), 0);
	BT_ASSERT_EQ_INT(bos_case_verify(dir, &r, &err), 0);
	BT_ASSERT_EQ_INT(r.nproblems, 4);
	BT_ASSERT(find_problem(&r, BOS_VERIFY_HASH, "a.txt"));
	BT_ASSERT(find_problem(&r, BOS_VERIFY_SIZE, "empty"));
	BT_ASSERT(find_problem(&r, BOS_VERIFY_MISSING, "sub/x.jsonl"));
	BT_ASSERT(find_problem(&r, BOS_VERIFY_UNEXPECTED, "sub/added"));
	BT_ASSERT_EQ_INT(r.nchecked, 0);
	bos_verify_result_release(&r);
}

void test_verify__symlink_out_of_case_not_followed(void)
{
	const char *dir = tpath("v2");
	const char *outside = tpath("v2-outside");
	struct bos_verify_result r;
	struct bos_err err = BOS_ERR_INIT;
	char p[600], q[600];

	BT_ASSERT_EQ_INT(make_case(dir, true, NULL, NULL, 0), 0);
	BT_ASSERT_EQ_INT(mkdir(outside, 0755), 0);
	snprintf(q, sizeof(q), "%s/x.jsonl", outside);
	BT_ASSERT_EQ_INT(write_text(q, "{}\n"), 0);	/* same content as the real file */
	/* replace sub/ by a symlink to a directory outside holding an identical file */
	snprintf(p, sizeof(p), "%s/sub/x.jsonl", dir);
	BT_ASSERT_EQ_INT(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/sub", dir);
	BT_ASSERT_EQ_INT(rmdir(p), 0);
	BT_ASSERT_EQ_INT(symlink(outside, p), 0);
	/* and a.txt by a symlink to an identical file outside */
	snprintf(q, sizeof(q), "%s/abc", outside);
	BT_ASSERT_EQ_INT(write_text(q, "abc"), 0);
	snprintf(p, sizeof(p), "%s/a.txt", dir);
	BT_ASSERT_EQ_INT(unlink(p), 0);
	BT_ASSERT_EQ_INT(symlink(q, p), 0);
	BT_ASSERT_EQ_INT(bos_case_verify(dir, &r, &err), 0);
	BT_ASSERT(find_problem(&r, BOS_VERIFY_TYPE, "sub/x.jsonl"));
	BT_ASSERT(find_problem(&r, BOS_VERIFY_TYPE, "a.txt"));
	BT_ASSERT(find_problem(&r, BOS_VERIFY_UNEXPECTED, "sub"));
	BT_ASSERT_EQ_INT(r.nchecked, 1);	/* only "empty" */
	bos_verify_result_release(&r);
}

void test_verify__fifo_in_case_does_not_hang(void)
{
	const char *dir = tpath("v3");
	struct bos_verify_result r;
	struct bos_err err = BOS_ERR_INIT;
	char p[600];

	BT_ASSERT_EQ_INT(make_case(dir, true, NULL, NULL, 0), 0);
	snprintf(p, sizeof(p), "%s/a.txt", dir);
	BT_ASSERT_EQ_INT(unlink(p), 0);
	BT_ASSERT_EQ_INT(mkfifo(p, 0644), 0);
	BT_ASSERT_EQ_INT(bos_case_verify(dir, &r, &err), 0);
	BT_ASSERT(find_problem(&r, BOS_VERIFY_TYPE, "a.txt"));
	bos_verify_result_release(&r);
}

/* Write text as dir/manifest.json of an otherwise empty case and verify it. */
static int verify_manifest_text(const char *tag, const char *text, struct bos_err *err)
{
	const char *dir = tpath(tag);
	struct bos_verify_result r;
	char p[600];
	int rc;

	if (mkdir(dir, 0755) < 0)
		return -999;
	snprintf(p, sizeof(p), "%s/manifest.json", dir);
	if (write_text(p, text) < 0)
		return -999;
	rc = bos_case_verify(dir, &r, err);
	bos_verify_result_release(&r);
	return rc;
}

#define HEAD "{\"format_version\": 1, \"case_id\": \"x\", \"complete\": true, \"files\": "
#define H64 "0000000000000000000000000000000000000000000000000000000000000000"

void test_verify__hostile_manifests_rejected(void)
{
	static const struct {
		const char *tag, *text, *want;
	} cases[] = {
		{ "h1",
		  HEAD "[{\"path\": \"../etc/passwd\", \"size\": 1, \"sha256\": \"" H64 "\"}]}",
		  "files[0].path '../etc/passwd': '..' component" },
		{ "h2", HEAD "[{\"path\": \"/etc/passwd\", \"size\": 1, \"sha256\": \"" H64 "\"}]}",
		  "absolute path" },
		{ "h3", HEAD "[{\"path\": \"a/./b\", \"size\": 1, \"sha256\": \"" H64 "\"}]}",
		  "'.' component" },
		{ "h4", HEAD "[{\"path\": \"a\", \"size\": 1, \"sha256\": \"" H64 "\"},"
			     "{\"path\": \"a\", \"size\": 1, \"sha256\": \"" H64 "\"}]}",
		  "'a' is listed twice" },
		{ "h5", "{\"format_version\": 1,\n \"files\": [\n  {\"path\": oops}]}",
		  "invalid JSON at line 3, column 12 (offset 45)" },
		{ "h6", HEAD "[{\"path\": \"a\", \"size\": -1, \"sha256\": \"" H64 "\"}]}",
		  "files[0].size ('a'): out of range" },
		{ "h7", HEAD "[{\"path\": \"a\", \"size\": 1, \"sha256\": \"abc\"}]}",
		  "not 64 hex digits" },
		{ "h8", "{\"format_version\": 2, \"files\": []}", "format_version 2" },
		{ "h9", HEAD "[{\"path\": \"a\\u0000b\", \"size\": 1, \"sha256\": \"" H64 "\"}]}",
		  "NUL byte in path" },
		{ "h10", HEAD "[]} trailing", "invalid JSON at line 1, column 70 (offset 69)" },
		{ "h11", HEAD "[{\"path\": \"manifest.json\", \"size\": 1, \"sha256\": \"" H64
			      "\"}]}", "names the manifest itself" },
		{ "h12", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", "invalid JSON" },
		{ "h13", HEAD "{}}", "files: missing or not an array" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bos_err err = BOS_ERR_INIT;
		int rc = verify_manifest_text(cases[i].tag, cases[i].text, &err);

		if (rc >= 0 || !strstr(err.msg, cases[i].want))
			printf("#   %s: rc %d, message: %s\n", cases[i].tag, rc, err.msg);
		BT_ASSERT(rc < 0 && rc != -999);
		BT_ASSERT(strstr(err.msg, cases[i].want));
		BT_ASSERT(strstr(err.msg, "manifest rejected"));
	}
}

void test_verify__too_many_entries_rejected(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_manifest m;
	struct bos_err err = BOS_ERR_INIT;

	bos_buf_addstr(&b, HEAD "[");
	for (int i = 0; i <= BOS_CASE_MAX_FILES; i++)
		bos_buf_addf(&b, "%s{\"path\": \"f%d\", \"size\": 0, \"sha256\": \"" H64 "\"}",
			     i ? "," : "", i);
	bos_buf_addstr(&b, "]}");
	BT_ASSERT(bos_manifest_parse(&m, b.data, b.len, &err) < 0);
	BT_ASSERT(strstr(err.msg, "over the cap"));
	bos_manifest_release(&m);
	bos_buf_release(&b);
}

void test_verify__manifest_symlink_and_missing(void)
{
	const char *dir = tpath("v4");
	struct bos_verify_result r;
	struct bos_err err = BOS_ERR_INIT;
	char p[600];

	BT_ASSERT_EQ_INT(mkdir(dir, 0755), 0);
	BT_ASSERT(bos_case_verify(dir, &r, &err) < 0);
	BT_ASSERT(strstr(err.msg, "manifest.json: missing"));
	bos_verify_result_release(&r);
	snprintf(p, sizeof(p), "%s/manifest.json", dir);
	BT_ASSERT_EQ_INT(symlink("/etc/hostname", p), 0);
	BT_ASSERT(bos_case_verify(dir, &r, &err) < 0);
	BT_ASSERT(strstr(err.msg, "symlink"));
	bos_verify_result_release(&r);
}

void test_verify__copied_case_still_verifies(void)
{
	const char *dir = tpath("v5"), *copy = tpath("v5-copy");
	struct bos_verify_result r;
	struct bos_err err = BOS_ERR_INIT;
	char cmd[1200];

	BT_ASSERT_EQ_INT(make_case(dir, true, NULL, NULL, 0), 0);
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", dir, copy);
	BT_ASSERT_EQ_INT(system(cmd), 0);
	BT_ASSERT_EQ_INT(bos_case_verify(copy, &r, &err), 0);
	BT_ASSERT_EQ_INT(r.nproblems, 0);
	BT_ASSERT_EQ_INT(r.nchecked, 3);
	bos_verify_result_release(&r);
}

void test_case__odd_but_legal_names(void)
{
	static const char *const good[] = { "..foo", "a/..b", ".hidden", "x.", "dir/.dotfile" };
	struct bos_case_meta meta = { .id = "id-\xff" };
	struct bos_verify_result r;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_case *c = NULL;
	char final[512];

	BT_ASSERT_EQ_INT(bos_case_create(&c, tpath("c6"), &meta, &err), 0);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		BT_ASSERT_EQ_INT(bos_case_write_file(c, good[i], "x", 1, &err), 0);
	BT_ASSERT_EQ_INT(bos_case_finish(c, true, NULL, &err), 0);
	snprintf(final, sizeof(final), "%s", bos_case_final_dir(c));
	bos_case_free(c);
	BT_ASSERT_EQ_INT(bos_case_verify(final, &r, &err), 0);
	BT_ASSERT_EQ_INT(r.nproblems, 0);
	BT_ASSERT_EQ_INT(r.nchecked, 5);
	BT_ASSERT_EQ_STR(r.manifest.case_id, "id-\\xff");
	bos_verify_result_release(&r);
}
