/* Unit tests of the profile loader (src/inet/profile.c): values, errors with file:line:column,
 * caps, matching precedence. Expected values come from the YAML written in the tests. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/err.h"
#include "bos/profile.h"
#include "harness.h"

static struct bos_profile *parse(const char *text, struct bos_err *err)
{
	struct bos_profile *p = NULL;
	size_t len = strlen(text);

	/* Guarded copy: a read past the end of the YAML text faults. */
	bos_profile_parse("t.yaml", bt_guard_dup(text, len), len, &p, err);
	return p;
}

static struct bos_profile_addr v4(const char *s)
{
	struct bos_profile_addr a = { .family = AF_INET };

	inet_pton(AF_INET, s, a.a);
	return a;
}

static const char *data_path(const char *rel, char *buf, size_t len)
{
	const char *src = getenv("BOS_SRC");

	snprintf(buf, len, "%s/%s", src ? src : ".", rel);
	return buf;
}

/* An error message must start with "t.yaml:LINE:COL: " and contain `what`. */
static int expect_error(const char *text, const char *where, const char *what)
{
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = parse(text, &err);

	if (p) {
		bos_profile_free(p);
		bt_fail(__FILE__, __LINE__, "parsed, expected error %s %s", where, what);
		return -1;
	}
	if (err.code != -BOS_EINPUT || strncmp(err.msg, where, strlen(where)) ||
	    !strstr(err.msg, what)) {
		bt_fail(__FILE__, __LINE__, "got \"%s\", expected \"%s...%s\"", err.msg, where,
			what);
		return -1;
	}
	return 0;
}

void test_profile__everything_file(void)
{
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = NULL;
	const struct bos_profile_host *h;
	char path[4096], a[64];

	BT_ASSERT_EQ_INT(bos_profile_load(data_path("tests/data/profiles/good-everything.yaml",
						    path, sizeof(path)),
					  &p, &err),
			 0);
	BT_ASSERT_EQ_STR(p->name, "everything");
	BT_ASSERT_EQ_INT(p->lab.duration_ms, 90000);
	BT_ASSERT_EQ_STR(p->lab.hostname, "ws-fin-042");
	BT_ASSERT_EQ_STR(p->lab.user, "akiyama");
	BT_ASSERT_EQ_INT(p->dns_default.action, BOS_PROFILE_DNS_NXDOMAIN);
	BT_ASSERT_EQ_INT(p->dns_default.ttl, 60);
	BT_ASSERT_EQ_INT(p->n_names, 5);
	/* Lower-cased, trailing dot gone, own ttl; the others inherit dns.ttl. */
	BT_ASSERT_EQ_STR(p->names[0].pattern, "c2.evil.example");
	BT_ASSERT_EQ_INT(p->names[0].ttl, 5);
	BT_ASSERT_EQ_INT(p->names[0].n_addrs, 2);
	BT_ASSERT_EQ_INT(p->names[0].addrs[1].family, AF_INET6);
	BT_ASSERT_EQ_INT(p->names[1].ttl, 60);
	BT_ASSERT_EQ_INT(p->names[1].line, 16);
	BT_ASSERT_EQ_STR(bos_profile_addr_str(&p->sinkhole4, a, sizeof(a)), "192.0.2.1");
	BT_ASSERT_EQ_STR(p->sinkhole_http.body, "sink");
	BT_ASSERT_EQ_INT(p->default_svc, BOS_PROFILE_SVC_REFUSE);
	/* ports [80, "8000-8080"] become two entries of the same line. */
	BT_ASSERT_EQ_INT(p->n_hosts, 5);
	h = &p->hosts[1];
	BT_ASSERT_EQ_INT(h->port_lo, 8000);
	BT_ASSERT_EQ_INT(h->port_hi, 8080);
	BT_ASSERT_EQ_INT(h->line, p->hosts[0].line);
	BT_ASSERT_EQ_INT(h->n_http, 2);
	BT_ASSERT_EQ_STR(h->http[0].reason, "Nope");
	BT_ASSERT_EQ_STR(h->http[0].headers[0].name, "X-Test");
	BT_ASSERT_EQ_INT(h->http[1].status, 503);
	BT_ASSERT_EQ_INT(p->hosts[2].proto, BOS_PROFILE_PROTO_UDP);
	h = &p->hosts[4];
	BT_ASSERT_EQ_INT(h->svc, BOS_PROFILE_SVC_C2);
	BT_ASSERT_EQ_INT(h->proto, BOS_PROFILE_PROTO_TCP);	/* c2 implies tcp */
	BT_ASSERT_EQ_STR(h->c2.argv[0], "./c2.sh");
	BT_ASSERT_EQ_STR(h->c2.argv[1], "${HOME}");	/* expanded at start, not at load */
	BT_ASSERT(h->c2.argv[2] == NULL);
	BT_ASSERT_EQ_STR(h->c2.env[0], "A=b");
	BT_ASSERT_EQ_STR(h->c2.cwd, "/tmp");
	BT_ASSERT(strstr(p->dir, "tests/data/profiles") != NULL);
	bos_profile_free(p);
}

void test_profile__matching_precedence(void)
{
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = NULL;
	struct bos_profile_addr a;
	const struct bos_profile_host *h;
	char path[4096];

	BT_ASSERT_EQ_INT(bos_profile_load(data_path("tests/data/profiles/good-everything.yaml",
						    path, sizeof(path)),
					  &p, &err),
			 0);
	/* Exact beats wildcard; any case; trailing dot. */
	BT_ASSERT(bos_profile_match_name(p, "C2.EVIL.example.") == &p->names[0]);
	/* Longest wildcard suffix wins, whatever the order in the file. */
	BT_ASSERT(bos_profile_match_name(p, "a.b.deep.evil.example") == &p->names[2]);
	BT_ASSERT(bos_profile_match_name(p, "x.evil.example") == &p->names[1]);
	/* "*.evil.example" does not match evil.example itself, nor notevil.example. */
	BT_ASSERT(bos_profile_match_name(p, "evil.example") == &p->dns_default);
	BT_ASSERT(bos_profile_match_name(p, "notevil.example") == &p->dns_default);
	BT_ASSERT(bos_profile_match_name(p, "deep.evil.example") == &p->names[1]);

	/* Hosts: first match in file order, protocol and ports considered. */
	a = v4("203.0.113.9");
	h = bos_profile_match_host(p, &a, BOS_PROFILE_PROTO_TCP, 8080);
	BT_ASSERT(h == &p->hosts[1]);
	BT_ASSERT(bos_profile_match_host(p, &a, BOS_PROFILE_PROTO_TCP, 8081) == NULL);
	BT_ASSERT(bos_profile_match_host(p, &a, BOS_PROFILE_PROTO_TCP, 80) == &p->hosts[0]);
	a = v4("198.51.100.5");
	/* UDP: the /24 refuse entry comes first; TCP skips it and hits the /25 drop. */
	BT_ASSERT(bos_profile_match_host(p, &a, BOS_PROFILE_PROTO_UDP, 53) == &p->hosts[2]);
	BT_ASSERT(bos_profile_match_host(p, &a, BOS_PROFILE_PROTO_TCP, 53) == &p->hosts[3]);
	a = v4("198.51.100.200");	/* outside the /25 */
	BT_ASSERT(bos_profile_match_host(p, &a, BOS_PROFILE_PROTO_TCP, 53) == NULL);

	/* HTTP rules: host wildcard (port stripped) and path prefix, then the catch-all. */
	h = &p->hosts[0];
	BT_ASSERT(bos_profile_match_http(h, "www.Evil.example:8080", "/gate.php") == &h->http[0]);
	BT_ASSERT(bos_profile_match_http(h, "www.evil.example", "/other") == &h->http[1]);
	BT_ASSERT(bos_profile_match_http(h, "evil.example", "/gate") == &h->http[1]);
	bos_profile_free(p);
}

void test_profile__shipped_profiles_load(void)
{
	static const char *const names[] = {
		"default", "level3-nxdomain", "level3-servfail", "level4-drop", "level4-refuse",
		"level5-http-403", "level5-http-404", "level5-http-503", "level6-http-200-notask",
		"level7-operator", "level5-close", "level5-tls-alert",
	};
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p;
	struct bos_profile_addr a = v4("203.0.113.66");
	char path[4096], rel[256];
	size_t i;

	for (i = 0; i < BOS_ARRAY_SIZE(names); i++) {
		snprintf(rel, sizeof(rel), "profiles/%s.yaml", names[i]);
		if (bos_profile_load(data_path(rel, path, sizeof(path)), &p, &err) < 0) {
			bt_fail(__FILE__, __LINE__, "%s", err.msg);
			return;
		}
		BT_ASSERT_EQ_STR(p->name, names[i]);
		if (i >= 3) {	/* every level profile from 4 on points c2 at 203.0.113.66 */
			const struct bos_profile_name *n;

			n = bos_profile_match_name(p, "c2.evil.example");

			BT_ASSERT_EQ_INT(n->action, BOS_PROFILE_DNS_RESOLVE);
			BT_ASSERT(n->addrs[0].a[3] == 66);
		}
		if (!strcmp(names[i], "level4-drop"))
			BT_ASSERT_EQ_INT(bos_profile_match_host(p, &a, 0, 443)->svc,
					 BOS_PROFILE_SVC_DROP);
		if (!strcmp(names[i], "level5-http-503")) {
			const struct bos_profile_host *h = bos_profile_match_host(p, &a, 1, 443);

			BT_ASSERT_EQ_INT(h->svc, BOS_PROFILE_SVC_HTTPS);
			BT_ASSERT_EQ_INT(bos_profile_match_http(h, "x", "/")->status, 503);
			BT_ASSERT_EQ_INT(bos_profile_match_host(p, &a, 1, 22)->svc,
					 BOS_PROFILE_SVC_REFUSE);
		}
		if (!strcmp(names[i], "level5-close") || !strcmp(names[i], "level5-tls-alert")) {
			const struct bos_profile_host *h = bos_profile_match_host(p, &a, 1, 443);

			BT_ASSERT_EQ_INT(h->svc, names[i][7] == 'c' ? BOS_PROFILE_SVC_CLOSE :
								      BOS_PROFILE_SVC_TLS_ALERT);
			BT_ASSERT_EQ_INT(h->proto, BOS_PROFILE_PROTO_TCP);
		}
		if (!strcmp(names[i], "level3-nxdomain"))
			BT_ASSERT_EQ_INT(bos_profile_match_name(p, "c2.evil.example")->action,
					 BOS_PROFILE_DNS_NXDOMAIN);
		bos_profile_free(p);
	}
}

/* The built-in default is profiles/default.yaml, byte for byte. */
void test_profile__builtin_default_is_the_file(void)
{
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *d = NULL, *f = NULL;
	char path[4096];

	BT_ASSERT_EQ_INT(bos_profile_default(&d, &err), 0);
	BT_ASSERT_EQ_INT(bos_profile_load(data_path("profiles/default.yaml", path, sizeof(path)),
					  &f, &err),
			 0);
	BT_ASSERT_EQ_INT(d->text_len, f->text_len);
	BT_ASSERT_EQ_MEM(d->text, f->text, d->text_len);
	BT_ASSERT_EQ_INT(d->dns_default.action, BOS_PROFILE_DNS_RESOLVE);
	BT_ASSERT_EQ_INT(d->default_svc, BOS_PROFILE_SVC_SINKHOLE);
	BT_ASSERT_EQ_INT(bos_profile_match_name(d, "anything.example")->addrs[0].a[0], 198);
	bos_profile_free(d);
	bos_profile_free(f);
}

void test_profile__save_is_verbatim(void)
{
	static const char text[] = "# comment kept\nversion: 1\nname: x   # trailing\n";
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = parse(text, &err), *q = NULL;
	char path[4096];

	BT_ASSERT(p != NULL);
	snprintf(path, sizeof(path), "%s/profile.yaml", bt_tmpdir());
	BT_ASSERT_EQ_INT(bos_profile_save(p, path, &err), 0);
	BT_ASSERT_EQ_INT(bos_profile_load(path, &q, &err), 0);
	BT_ASSERT_EQ_INT(q->text_len, sizeof(text) - 1);
	BT_ASSERT_EQ_MEM(q->text, text, sizeof(text) - 1);
	bos_profile_free(p);
	bos_profile_free(q);
}

void test_profile__error_files_name_line_and_column(void)
{
	static const struct {
		const char *file, *where, *what;
	} cases[] = {
		{ "bad-unknown-key.yaml", ":5:17: ", "unknown key \"adresses\"" },
		{ "bad-host-bits.yaml", ":5:14: ", "host bits set" },
		{ "bad-c2-missing.yaml", ":3:5: ", "needs a \"c2\" entry" },
		{ "bad-syntax.yaml", ":6:1: ", "" },
	};
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p;
	char path[4096], rel[256], want[4200];
	size_t i;

	for (i = 0; i < BOS_ARRAY_SIZE(cases); i++) {
		snprintf(rel, sizeof(rel), "tests/data/profiles/%s", cases[i].file);
		data_path(rel, path, sizeof(path));
		BT_ASSERT(bos_profile_load(path, &p, &err) < 0);
		BT_ASSERT(p == NULL);
		snprintf(want, sizeof(want), "%s%s", path, cases[i].where);
		if (strncmp(err.msg, want, strlen(want)) || !strstr(err.msg, cases[i].what)) {
			bt_fail(__FILE__, __LINE__, "%s: got \"%s\"", cases[i].file, err.msg);
			return;
		}
	}
	BT_ASSERT(bos_profile_load("/nonexistent/x.yaml", &p, &err) == -ENOENT);
	BT_ASSERT(strstr(err.msg, "/nonexistent/x.yaml") != NULL);
}

void test_profile__errors_inline(void)
{
	if (expect_error("version: 2\n", "t.yaml:1:10: ", "only version 1"))
		return;
	if (expect_error("dns:\n  default: maybe\n", "t.yaml:2:12: ", "expected one of"))
		return;
	if (expect_error("dns:\n  names:\n    - name: a.example\n", "t.yaml:3:7: ",
			 "resolve needs"))
		return;
	if (expect_error("dns:\n  names:\n    - {name: a.example, action: nxdomain}\n"
			 "    - {name: A.example., action: servfail}\n",
			 "t.yaml:4:7: ", "also on line 3"))
		return;
	if (expect_error("dns:\n  names:\n    - {name: \"a.*.example\", action: nxdomain}\n",
			 "t.yaml:3:14: ", "'*' only"))
		return;
	if (expect_error("dns:\n  names:\n    - {name: \"a..example\", action: nxdomain}\n",
			 "t.yaml:3:14: ", "empty label"))
		return;
	if (expect_error("hosts:\n  - {address: 203.0.113.1, action: http}\n", "t.yaml:2:5: ",
			 "needs an \"http\""))
		return;
	if (expect_error("hosts:\n  - {address: 203.0.113.1, action: drop, ports: [70000]}\n",
			 "t.yaml:2:50: ", "bad port"))
		return;
	if (expect_error("hosts:\n  - {address: 203.0.113.1, action: drop, ports: [\"9-3\"]}\n",
			 "t.yaml:2:50: ", "bad port"))
		return;
	if (expect_error("hosts:\n  - {address: 10.255.255.2, action: drop}\n", "t.yaml:2: ",
			 "lab's own link"))
		return;
	if (expect_error("hosts:\n  - {address: 1.2.3.4, action: http, proto: udp,"
			 " http: {status: 200}}\n",
			 "t.yaml:2:45: ", "is TCP"))
		return;
	if (expect_error("hosts:\n  - {address: 1.2.3.4, action: http, http: {status: 99}}\n",
			 "t.yaml:2:53: ", "100 to 599"))
		return;
	if (expect_error("hosts:\n  - address: 1.2.3.4\n    action: http\n    http:\n"
			 "      headers: {\"Bad Name\": x}\n",
			 "t.yaml:5:29: ", "bad header name"))
		return;
	if (expect_error("hosts:\n  - address: 1.2.3.4\n    action: http\n    http:\n"
			 "      headers: {X: \"a\\r\\nSet-Cookie: y\"}\n",
			 "t.yaml:5:20: ", "CR or LF"))
		return;
	if (expect_error("name: a\nname: b\n", "t.yaml:2:7: ", "duplicate key"))
		return;
	if (expect_error("lab: {user: \"root;rm\"}\n", "t.yaml:1:6: ", "lab.user"))
		return;
	if (expect_error("lab: {duration: 5 days}\n", "t.yaml:1:17: ", "unknown unit"))
		return;
	if (expect_error("lab: {hostname: a234567890123456789012345678901234567890123456789012345"
			 "678901234}\n", "t.yaml:1:17: ", "longer than 63"))
		return;
	if (expect_error("- a\n- b\n", "t.yaml:1:1: ", "expected a mapping"))
		return;
	if (expect_error("name: a\n---\nname: b\n", "t.yaml:2:1: ", "more than one document"))
		return;
	if (expect_error("", "t.yaml:1:1: ", "empty profile"))
		return;
	if (expect_error("hosts:\n  - {address: 1.2.3.4, action: c2, c2: {argv: []}}\n",
			 "t.yaml:2:47: ", "needs the program"))
		return;
}

/* An alias bomb must hit the visit budget instead of expanding 10^9 nodes. */
void test_profile__alias_bomb_is_capped(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = NULL;
	int i;

	bos_buf_addstr(&b, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++)
		bos_buf_addf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d,"
			     " *a%d]\n", i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
			     i - 1, i - 1, i - 1);
	bos_buf_addstr(&b, "dns:\n  names: *a9\n");
	BT_ASSERT(bos_profile_parse("bomb.yaml", b.data, b.len, &p, &err) < 0);
	BT_ASSERT(p == NULL);
	/* Either the unknown key a0 or the budget stops it; both before any expansion. */
	BT_ASSERT(strstr(err.msg, "bomb.yaml:") == err.msg);
	bos_buf_release(&b);

	/* A bomb where every key is valid: 1024 hosts x 256 rules x 32 headers by alias. */
	bos_buf_addstr(&b, "hosts:\n  - &h {address: 1.2.3.4, action: http, http: [&r {status: 200,"
			   " headers: {");
	for (i = 0; i < 32; i++)
		bos_buf_addf(&b, "%sH%d: v", i ? ", " : "", i);
	bos_buf_addstr(&b, "}}");
	for (i = 1; i < 256; i++)
		bos_buf_addstr(&b, ", *r");
	bos_buf_addstr(&b, "]}\n");
	for (i = 1; i < 1024; i++)
		bos_buf_addstr(&b, "  - *h\n");
	BT_ASSERT(b.len < 20000);
	BT_ASSERT(bos_profile_parse("bomb2.yaml", b.data, b.len, &p, &err) < 0);
	BT_ASSERT(p == NULL);
	BT_ASSERT(strstr(err.msg, "too complex") != NULL);
	bos_buf_release(&b);
}

void test_profile__caps(void)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = NULL;
	int i;

	bos_buf_addstr(&b, "dns:\n  names:\n");
	for (i = 0; i < 4097; i++)
		bos_buf_addf(&b, "    - {name: n%d.example, action: nxdomain}\n", i);
	BT_ASSERT(bos_profile_parse("big.yaml", b.data, b.len, &p, &err) < 0);
	BT_ASSERT(strstr(err.msg, "more than 4096") != NULL);
	bos_buf_release(&b);

	bos_buf_addstr(&b, "name: x\n");
	bos_buf_addch(&b, '\0');
	BT_ASSERT(bos_profile_parse("nul.yaml", b.data, b.len, &p, &err) < 0);
	BT_ASSERT(strstr(err.msg, "NUL") != NULL);
	bos_buf_release(&b);
}

/* fuzz/regress/profile/hosts-ports-then-plain-overflow.yaml: an entry with a port list
 * followed by one without wrote past the hosts table. */
void test_profile__port_list_then_plain_entry(void)
{
	static const char text[] = "hosts:\n"
				   "  - {address: 203.0.113.0/24, ports: [80, 443], action: drop}\n"
				   "  - {address: 198.51.100.0/24, action: refuse}\n"
				   "  - {address: 192.0.2.1, ports: [1, 2, 3], action: drop}\n"
				   "  - {address: 192.0.2.2, action: sinkhole}\n";
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = parse(text, &err);

	BT_ASSERT(p != NULL);
	BT_ASSERT_EQ_INT(p->n_hosts, 7);
	BT_ASSERT_EQ_INT(p->hosts[1].port_lo, 443);
	BT_ASSERT_EQ_INT(p->hosts[2].svc, BOS_PROFILE_SVC_REFUSE);
	BT_ASSERT_EQ_INT(p->hosts[5].port_lo, 3);
	BT_ASSERT_EQ_INT(p->hosts[6].svc, BOS_PROFILE_SVC_SINKHOLE);
	BT_ASSERT_EQ_INT(p->hosts[6].line, 5);
	bos_profile_free(p);
}
