/*
 * Unit tests of the report module: the HTML escaping every case string goes through, the
 * rendered page over the fixture case (hostile strings stay text), determinism, and the
 * STIX / JSON Lines exports.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bos/buf.h"
#include "bos/escape.h"
#include "bos/export_case.h"
#include "bos/report.h"
#include "harness.h"

static const char *esc(struct bos_buf *b, const void *s, size_t n)
{
	bos_buf_reset(b);
	bos_html_escape(b, s, n);
	return b->data;
}

void test_report__escape_markup_and_quotes(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	static const char s[] = "<script>alert(\"x\")</script> & 'q' <img src=x onerror=y>";

	BT_ASSERT_EQ_STR(esc(&b, s, strlen(s)),
			 "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; "
			 "&lt;img src=x onerror=y&gt;");
	bos_buf_release(&b);
}

void test_report__escape_bytes_that_mislead(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	/* invalid UTF-8 (lone continuation, truncated sequence, overlong '/'), ESC, NUL,
	 * a C1 control, and a right-to-left override */
	static const uint8_t s[] = { 'a', 0x80, 'b', 0xe2, 0x82, 'c', 0xc0, 0xaf, 0x1b, '[',
				     0x00, 0xc2, 0x85, 0xe2, 0x80, 0xae, 'd' };
	const char *out = esc(&b, bt_guard_dup(s, sizeof(s)), sizeof(s));

	BT_ASSERT_EQ_STR(out, "a\\x80b\\xe2\\x82c\\xc0\\xaf\\x1b[\\x00\\xc2\\x85\\xe2\\x80\\xaed");
	BT_ASSERT(bos_utf8_valid(b.data, b.len));
	/* valid UTF-8 passes untouched, tab and newline too */
	out = esc(&b, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\t\n", 14);
	BT_ASSERT_EQ_STR(out, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\t\n");
	/* a sequence cut by the end of the input */
	out = esc(&b, bt_guard_dup("x\xf0\x9f\x98", 4), 4);
	BT_ASSERT_EQ_STR(out, "x\\xf0\\x9f\\x98");
	bos_buf_release(&b);
}

static bool fixture(char *dir, size_t len)
{
	const char *src = getenv("BOS_SRC");

	if (!src)
		return false;
	snprintf(dir, len, "%s/tests/data/report/case-l8", src);
	return true;
}

void test_report__page_over_fixture(void)
{
	struct bos_buf a = BOS_BUF_INIT, b = BOS_BUF_INIT;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_report_info info = { .level = -1 };
	char dir[4096];
	const char *p;
	size_t rows = 0;

	BT_ASSERT(fixture(dir, sizeof(dir)));
	BT_ASSERT_EQ_INT(bos_report_html(&a, dir, NULL, &info, &err), 0);
	BT_ASSERT_EQ_INT(info.level, 8);
	BT_ASSERT(info.entries >= 30 && info.techniques == 13 && info.rules >= 30);
	BT_ASSERT(bos_utf8_valid(a.data, a.len));
	BT_ASSERT(strstr(a.data, "id=\"level\" data-level=\"8\""));
	/* the only <script in the page is escaped case text; CSP forbids scripts anyway */
	BT_ASSERT(!strstr(a.data, "<script"));
	BT_ASSERT(strstr(a.data, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
	BT_ASSERT(strstr(a.data, "&lt;img src=x onerror=alert(1)&gt;.docx"));
	BT_ASSERT(!strstr(a.data, "<img"));
	BT_ASSERT(!strstr(a.data, "<b>bold</b>"));	/* from analysis.json caveats */
	BT_ASSERT(strstr(a.data, "&lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;"));
	BT_ASSERT(strstr(a.data, "\\x1b[31m"));		/* ESC shown, not sent */
	BT_ASSERT(strstr(a.data, "<code>/tmp/.x\\xff\\xfe</code>"));	/* b64 bytes, shown */
	BT_ASSERT(strstr(a.data, "default-src 'none'"));
	BT_ASSERT(!strstr(a.data, "src=\"http"));	/* nothing to fetch */
	for (p = a.data; (p = strstr(p, "class=\"tl-row")); p++)
		rows++;
	BT_ASSERT_EQ_INT(rows, info.entries);
	BT_ASSERT(strstr(a.data, "id=\"proctree\""));
	BT_ASSERT(strstr(a.data, "<code class=\"cmdline\">whoami</code>"));
	BT_ASSERT(strstr(a.data, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
	BT_ASSERT(strstr(a.data, "burst 2 &#183;"));
	BT_ASSERT(!strstr(a.data, "burst 3"));
	/* same case, same page */
	BT_ASSERT_EQ_INT(bos_report_html(&b, dir, NULL, NULL, &err), 0);
	BT_ASSERT_EQ_INT(a.len, b.len);
	BT_ASSERT_EQ_MEM(a.data, b.data, a.len);
	bos_report_info_release(&info);
	bos_buf_release(&a);
	bos_buf_release(&b);
}

void test_report__missing_case_is_an_error(void)
{
	struct bos_buf a = BOS_BUF_INIT;
	struct bos_err err = BOS_ERR_INIT;

	BT_ASSERT(bos_report_html(&a, "/nonexistent/bos-case", NULL, NULL, &err) < 0);
	BT_ASSERT(strstr(err.msg, "/nonexistent/bos-case"));
	bos_buf_release(&a);
}

void test_report__stix_bundle(void)
{
	struct bos_buf a = BOS_BUF_INIT, b = BOS_BUF_INIT;
	struct bos_err err = BOS_ERR_INIT;
	struct json_object *root, *objs;
	char dir[4096];
	size_t n_ap = 0, n_ind = 0;
	bool ma = false;

	BT_ASSERT(fixture(dir, sizeof(dir)));
	BT_ASSERT_EQ_INT(bos_export_stix(&a, dir, NULL, &err), 0);
	BT_ASSERT_EQ_INT(bos_export_stix(&b, dir, NULL, &err), 0);
	BT_ASSERT(a.len == b.len && !memcmp(a.data, b.data, a.len));	/* deterministic */
	root = json_tokener_parse(a.data);
	BT_ASSERT(root);
	BT_ASSERT(json_object_object_get_ex(root, "objects", &objs));
	for (size_t i = 0; i < json_object_array_length(objs); i++) {
		struct json_object *o = json_object_array_get_idx(objs, i), *v;
		const char *t;

		BT_ASSERT(json_object_object_get_ex(o, "type", &v));
		t = json_object_get_string(v);
		if (!strcmp(t, "attack-pattern"))
			n_ap++;
		if (!strcmp(t, "indicator"))
			n_ind++;
		if (!strcmp(t, "malware-analysis")) {
			ma = true;
			BT_ASSERT(json_object_object_get_ex(o, "result", &v));
			BT_ASSERT_EQ_STR(json_object_get_string(v), "malicious");
			BT_ASSERT(json_object_object_get_ex(o, "x_bos_progress_level", &v));
			BT_ASSERT_EQ_INT(json_object_get_int(v), 8);
		}
	}
	BT_ASSERT(ma);
	BT_ASSERT_EQ_INT(n_ap, 13);
	BT_ASSERT_EQ_INT(n_ind, 3);	/* 2 C2 names + 1 address; the fixture has no hash one */
	BT_ASSERT(strstr(a.data, "\"source_name\":\"mitre-attack\",\"external_id\":\"T1059.004\","
				 "\"url\":\"https://attack.mitre.org/techniques/T1059/004/\""));
	BT_ASSERT(strstr(a.data, "\"phase_name\":\"credential-access\""));
	json_object_put(root);
	bos_buf_release(&a);
	bos_buf_release(&b);
}

void test_report__jsonl_lines_parse(void)
{
	struct bos_err err = BOS_ERR_INIT;
	char dir[4096], path[4200];
	char line[1 << 16];
	FILE *f;
	int fd;
	size_t n = 0, kinds[8] = { 0 };
	static const char *const names[] = { "case", "timeline", "technique", "conn",
					     "dns", "http", "tls", "process" };

	BT_ASSERT(fixture(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/out.jsonl", bt_tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	BT_ASSERT(fd >= 0);
	BT_ASSERT_EQ_INT(bos_export_jsonl(fd, dir, NULL, &err), 0);
	close(fd);
	f = fopen(path, "r");
	BT_ASSERT(f);
	while (fgets(line, sizeof(line), f)) {
		struct json_object *o = json_tokener_parse(line), *v;

		BT_ASSERT(o);
		BT_ASSERT(json_object_object_get_ex(o, "bos_type", &v));
		for (size_t k = 0; k < 8; k++)
			kinds[k] += !strcmp(json_object_get_string(v), names[k]);
		BT_ASSERT(json_object_object_get_ex(o, "case_id", &v));
		BT_ASSERT_EQ_STR(json_object_get_string(v), "case-20261118T110640Z-fx01");
		json_object_put(o);
		n++;
	}
	fclose(f);
	BT_ASSERT_EQ_INT(kinds[0], 1);
	BT_ASSERT(kinds[1] >= 30);
	BT_ASSERT_EQ_INT(kinds[2], 13);
	BT_ASSERT_EQ_INT(kinds[3], 4);		/* conn.jsonl lines of the fixture */
	BT_ASSERT_EQ_INT(kinds[4], 2);
	BT_ASSERT_EQ_INT(kinds[5], 1);
	BT_ASSERT_EQ_INT(kinds[6], 2);
	BT_ASSERT_EQ_INT(kinds[7], 53);		/* every valid process.jsonl line */
}
