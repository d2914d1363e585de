/*
 * Unit tests of the timeline (src/rules/timeline.c) over the hand-designed fixture case
 * tests/data/report/case-l8 (its story is told in tests/data/report/gen_fixture.py; the
 * expectations here follow that story, they were not copied from bos's output).
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "bos/buf.h"
#include "bos/json.h"
#include "bos/sigma.h"
#include "bos/timeline.h"
#include "harness.h"

#define S 1000000000LL
#define T0 (1795000000LL * S)

static bool load(struct bos_sigma_set *rs, struct bos_timeline *tl, const char *case_name,
		 const char *const *c2, size_t nc2)
{
	struct bos_err err = BOS_ERR_INIT;
	struct bos_tl_opts o = { .rules = rs, .c2 = c2, .nc2 = nc2 };
	const char *src = getenv("BOS_SRC");
	char dir[4096];

	if (!src)
		return false;
	bos_sigma_set_init(rs);
	snprintf(dir, sizeof(dir), "%s/rules/linux", src);
	if (bos_sigma_set_load_dir(rs, dir, &err) || rs->nskipped)
		return false;
	snprintf(dir, sizeof(dir), "%s/tests/data/report/%s", src, case_name);
	bos_timeline_init(tl);
	if (bos_timeline_build(tl, dir, &o, &err)) {
		fprintf(stderr, "# %s\n", err.msg);
		return false;
	}
	return true;
}

static const struct bos_tl_entry *find(const struct bos_timeline *tl, enum bos_tl_kind k,
				       const char *summary)
{
	for (size_t i = 0; i < tl->n; i++)
		if (tl->entries[i].kind == k && !strcmp(tl->entries[i].summary, summary))
			return &tl->entries[i];
	return NULL;
}

static bool has_tech(const struct bos_tl_entry *e, const char *t)
{
	for (size_t i = 0; e && i < e->ntechniques; i++)
		if (!strcmp(e->techniques[i], t))
			return true;
	return false;
}

void test_timeline__fixture_story(void)
{
	struct bos_sigma_set rs;
	struct bos_timeline tl;
	const struct bos_tl_entry *e;

	BT_ASSERT(load(&rs, &tl, "case-l8", NULL, 0));
	BT_ASSERT(tl.have_process && tl.have_net);
	BT_ASSERT_EQ_INT(tl.bad_lines, 1);		/* the one non-JSON line */
	BT_ASSERT_EQ_INT(tl.nc2, 3);			/* 2 names + 1 address from analysis.json */
	for (size_t i = 1; i < tl.n; i++)
		BT_ASSERT(tl.entries[i - 1].ts_ns <= tl.entries[i].ts_ns);

	e = &tl.entries[0];
	BT_ASSERT_EQ_INT(e->kind, BOS_TL_SAMPLE_START);
	BT_ASSERT_EQ_STR(e->summary, "./invoice.bin --quiet");
	BT_ASSERT_EQ_INT(e->ts_ns, T0);
	BT_ASSERT(!e->operator_driven);

	/* the SSH key read right at start-up is automatic */
	e = find(&tl, BOS_TL_FILE, "read /home/alice/.ssh/id_rsa");
	BT_ASSERT(e && !e->operator_driven && has_tech(e, "T1552.004"));
	BT_ASSERT(!find(&tl, BOS_TL_FILE, "read /etc/ld.so.cache"));	/* not of interest */
	BT_ASSERT(!find(&tl, BOS_TL_FILE, "write pipe:[1]"));		/* not a file */

	/* the process table: sample first, 4 x (sh + command), hostile sh, the non-UTF-8
	 * one, ps, 5 session-2 */
	BT_ASSERT_EQ_INT(tl.nprocs, 17);
	BT_ASSERT(tl.procs[0].root && !tl.procs[0].parent);
	BT_ASSERT_EQ_STR(tl.procs[0].image, "/home/alice/Downloads/invoice.bin");

	/* contacts come from the network logs, with outcomes */
	e = find(&tl, BOS_TL_C2_CONTACT, "DNS query update.bos-demo.example");
	BT_ASSERT(e && !strcmp(e->outcome, "NXDOMAIN"));
	e = find(&tl, BOS_TL_C2_CONTACT, "DNS query c2.bos-demo.example");
	BT_ASSERT(e && !strcmp(e->outcome, "NOERROR"));
	BT_ASSERT_EQ_STR(e->evidence[0], "dns.jsonl:Dns1");
	e = find(&tl, BOS_TL_C2_CONTACT, "HTTP POST c2.bos-demo.example/up");
	BT_ASSERT(e && !strcmp(e->outcome, "HTTP 200"));
	/* the two C2 sessions are 290 s apart: not folded together */
	{
		size_t n = 0;

		for (size_t i = 0; i < tl.n; i++)
			n += tl.entries[i].kind == BOS_TL_C2_CONTACT &&
			     !strcmp(tl.entries[i].summary, "tcp 203.0.113.10 port 443");
		BT_ASSERT_EQ_INT(n, 2);
	}

	/* session-1 commands follow C2 data: operator-driven, with ancestry and output size */
	e = find(&tl, BOS_TL_COMMAND, "whoami");
	BT_ASSERT(e && e->operator_driven && has_tech(e, "T1033"));
	BT_ASSERT_EQ_STR(e->trigger, "conn.jsonl:CSess1");
	BT_ASSERT_EQ_INT(e->nancestry, 3);
	BT_ASSERT_EQ_STR(e->ancestry[0], "/home/alice/Downloads/invoice.bin");
	BT_ASSERT_EQ_STR(e->ancestry[1], "/bin/sh");
	BT_ASSERT_EQ_STR(e->ancestry[2], "/usr/bin/whoami");
	BT_ASSERT(e->has_out_bytes);
	BT_ASSERT_EQ_INT(e->out_bytes, 190);
	BT_ASSERT_EQ_INT(e->pid, 312);
	e = find(&tl, BOS_TL_COMMAND, "sh -c whoami");
	BT_ASSERT(e && has_tech(e, "T1059.004"));
	e = find(&tl, BOS_TL_COMMAND, "cat /etc/passwd");
	BT_ASSERT(e && has_tech(e, "T1087.001") && !has_tech(e, "T1003.008"));

	/* a path that is not UTF-8 arrives as {"b64": ...} and is read as its bytes */
	e = find(&tl, BOS_TL_COMMAND, "/tmp/.x\xff\xfe");
	BT_ASSERT(e && e->operator_driven);
	BT_ASSERT_EQ_STR(e->image, "/tmp/.x\xff\xfe");

	/* 60 s after the last C2 data: the sample's own timer, automatic */
	e = find(&tl, BOS_TL_COMMAND, "ps -ef");
	BT_ASSERT(e && !e->operator_driven && !e->trigger && has_tech(e, "T1057"));

	/* session 2 */
	e = find(&tl, BOS_TL_COMMAND, "tar czf /tmp/.d.tgz /home/alice/Documents");
	BT_ASSERT(e && e->operator_driven && has_tech(e, "T1560.001"));
	BT_ASSERT_EQ_STR(e->trigger, "conn.jsonl:CSess2");
	e = find(&tl, BOS_TL_FILE, "read /home/alice/Documents/budget-2026.xlsx");
	BT_ASSERT(e && e->operator_driven && has_tech(e, "T1005"));
	e = find(&tl, BOS_TL_FILE, "write /tmp/.d.tgz");
	BT_ASSERT(e && e->ntechniques == 0);		/* a write: listed, no rule */
	e = find(&tl, BOS_TL_UPLOAD, "HTTP POST c2.bos-demo.example/up");
	BT_ASSERT(e && e->out_bytes == 48213 && e->operator_driven);
	e = find(&tl, BOS_TL_FILE, "write /var/spool/cron/crontabs/alice");
	BT_ASSERT(e && has_tech(e, "T1053.003"));
	e = find(&tl, BOS_TL_INTERNAL, "connect 10.20.0.5 port 445");
	BT_ASSERT(e && e->operator_driven && has_tech(e, "T1021"));
	BT_ASSERT_EQ_STR(e->image, "/usr/bin/smbclient");
	/* the resolver (port 53) is infrastructure, not lateral movement */
	BT_ASSERT(!find(&tl, BOS_TL_INTERNAL, "connect 10.20.0.1 port 53"));

	/* the technique sequence, in order of first use */
	{
		static const char *const want[] = {
			"T1552.004", "T1059.004", "T1033",     "T1082", "T1087.001",
			"T1057",     "T1083",     "T1560.001", "T1005", "T1048",
			"T1053.003", "T1021.002", "T1021",
		};

		BT_ASSERT_EQ_INT(tl.ntechniques, BOS_ARRAY_SIZE(want));
		for (size_t i = 0; i < BOS_ARRAY_SIZE(want); i++)
			BT_ASSERT_EQ_STR(tl.techniques[i].id, want[i]);
		BT_ASSERT_EQ_STR(tl.techniques[2].name, "System Owner/User Discovery");
		BT_ASSERT_EQ_INT(tl.techniques[2].count, 2);	/* whoami and id */
		BT_ASSERT_EQ_STR(tl.techniques[2].tactics[0], "discovery");
	}
	bos_timeline_release(&tl);
	bos_sigma_set_release(&rs);
}

void test_timeline__json_is_written(void)
{
	struct bos_sigma_set rs;
	struct bos_timeline tl;
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	BT_ASSERT(load(&rs, &tl, "case-l8", NULL, 0));
	bos_json_init(&j, &b, 0);
	bos_json_obj_begin(&j);
	bos_timeline_write_json(&tl, &j);
	bos_json_obj_end(&j);
	BT_ASSERT(strstr(b.data, "\"technique_sequence\":[\"T1552.004\",\"T1059.004\","));
	BT_ASSERT(strstr(b.data, "\"kind\":\"sample_start\",\"summary\":\"./invoice.bin --quiet\""));
	BT_ASSERT(strstr(b.data, "\"driven\":\"operator\",\"trigger\":\"conn.jsonl:CSess1\""));
	BT_ASSERT(strstr(b.data, "\"outcome\":\"SF\",\"driven\":\"c2\",\"duration_ns\":20000000000"));
	/* the hostile command line is JSON-escaped, not raw */
	BT_ASSERT(strstr(b.data, "<script>alert(\\\"x\\\")</script>"));
	BT_ASSERT(strstr(b.data, "\\u001b[31m"));
	bos_buf_release(&b);
	bos_timeline_release(&tl);
	bos_sigma_set_release(&rs);
}

void test_timeline__explicit_c2_and_missing_inputs(void)
{
	static const char *const c2[] = { "198.51.100.99" };	/* not in the case */
	struct bos_sigma_set rs;
	struct bos_timeline tl;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_tl_opts o = { .rules = NULL };

	BT_ASSERT(load(&rs, &tl, "case-l8", c2, 1));
	/* no contact matches, so no C2 data: every operation is automatic */
	for (size_t i = 0; i < tl.n; i++) {
		BT_ASSERT(tl.entries[i].kind != BOS_TL_C2_CONTACT);
		BT_ASSERT(!tl.entries[i].operator_driven);
	}
	bos_timeline_release(&tl);
	bos_sigma_set_release(&rs);
	/* an empty directory is an empty timeline, not an error */
	BT_ASSERT_EQ_INT(bos_timeline_build(&tl, bt_tmpdir(), &o, &err), 0);
	BT_ASSERT_EQ_INT(tl.n, 0);
	BT_ASSERT(!tl.have_process && !tl.have_net);
	bos_timeline_release(&tl);
}

/* What `bos analyze` calls: the analysis JSON gains the timeline keys, stays valid, keeps
 * what it had, and takes its C2 candidates from its own "c2". */
void test_timeline__analysis_append(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct json_object *root, *v;
	const char *src = getenv("BOS_SRC");
	char dir[4096];

	BT_ASSERT(src);
	snprintf(dir, sizeof(dir), "%s/tests/data/report/case-l8", src);
	bos_buf_addstr(&b, "{\n  \"format\": \"bos-analysis\",\n  \"level\": 8,\n  \"c2\": [\n"
			   "    {\n      \"candidate\": \"c2.bos-demo.example\",\n"
			   "      \"addresses\": [\n        \"203.0.113.10\"\n      ]\n    }\n"
			   "  ]\n}\n");
	BT_ASSERT_EQ_INT(bos_timeline_analysis_append(&b, dir, NULL), 0);
	BT_ASSERT(b.len > 1000 && b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '}');
	BT_ASSERT(strstr(b.data, "\n  ],\n  \"timeline\": [\n    {\n"));	/* pretty, in place */
	root = json_tokener_parse(b.data);
	BT_ASSERT(root);
	BT_ASSERT(json_object_object_get_ex(root, "level", &v) && json_object_get_int(v) == 8);
	BT_ASSERT(json_object_object_get_ex(root, "timeline", &v));
	BT_ASSERT(json_object_array_length(v) > 20);
	BT_ASSERT(json_object_object_get_ex(root, "technique_sequence", &v));
	BT_ASSERT_EQ_STR(json_object_get_string(json_object_array_get_idx(v, 0)), "T1552.004");
	BT_ASSERT(json_object_object_get_ex(root, "timeline_stats", &v));
	BT_ASSERT(json_object_object_get_ex(v, "c2", &v));
	BT_ASSERT_EQ_INT(json_object_array_length(v), 2);	/* from the JSON, not the file */
	json_object_put(root);
	/* not an object: refused, buffer untouched */
	bos_buf_reset(&b);
	bos_buf_addstr(&b, "[1]\n");
	BT_ASSERT(bos_timeline_analysis_append(&b, dir, NULL) < 0);
	BT_ASSERT_EQ_STR(b.data, "[1]\n");
	bos_buf_release(&b);
}

/* Hostile process.jsonl lines: over the line cap, nested past the parser's depth, not an
 * object, wrong types everywhere, a parent loop. Each is counted or ignored; none stops
 * the rest, and the one good exec still makes its entry. */
void test_timeline__hostile_lines(void)
{
	const char *dir = bt_tmpdir();
	struct bos_tl_opts o = { .rules = NULL, .c2 = NULL };
	struct bos_timeline tl;
	struct bos_err err = BOS_ERR_INIT;
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/process.jsonl", dir);
	f = fopen(path, "w");
	BT_ASSERT(f);
	fputc('"', f);
	for (int i = 0; i < (1 << 20) + 10; i++)	/* one line over BOS_TIMELINE_MAX_LINE */
		fputc('a', f);
	fputs("\"\n", f);
	for (int i = 0; i < 100; i++)			/* nested deeper than 16 */
		fputc('[', f);
	fputs("\n[1,2]\n\"str\"\n", f);
	fputs("{\"event\":\"process.exec\",\"key\":7,\"Image\":[],\"argv\":{},\"ts_ns\":\"x\"}\n",
	      f);
	fputs("{\"event\":\"file.open\",\"key\":\"9.9\",\"parent_key\":\"9.9\","
	      "\"TargetFilename\":{\"b64\":\"!!!\"},\"flags\":5}\n", f);	/* parent of itself */
	fputs("{\"event\":\"net.connect\",\"key\":\"9.9\",\"DestinationIp\":\"not-an-ip\","
	      "\"DestinationPort\":-5}\n", f);
	fputs("{\"id\":1,\"ts_ns\":1,\"event\":\"process.exec\",\"pid\":1,\"key\":\"1.1\","
	      "\"parent_key\":null,\"Image\":\"/bin/ok\",\"CommandLine\":\"ok\",\"result\":\"ok\"}\n",
	      f);
	fclose(f);
	bos_timeline_init(&tl);
	BT_ASSERT_EQ_INT(bos_timeline_build(&tl, dir, &o, &err), 0);
	BT_ASSERT_EQ_INT(tl.bad_lines, 4);	/* too long, too deep, an array, a string */
	BT_ASSERT_EQ_INT(tl.lines, 8);
	BT_ASSERT(tl.n >= 1);
	{
		bool ok = false;

		for (size_t i = 0; i < tl.n; i++)
			ok |= tl.entries[i].kind == BOS_TL_COMMAND &&
			      !strcmp(tl.entries[i].summary, "ok");
		BT_ASSERT(ok);
	}
	bos_timeline_release(&tl);
}
