/*
 * Profile loader: YAML (libyaml document API) -> struct bos_profile. Format: docs/profile.md.
 *
 * The file is loaded into a libyaml document and walked against a fixed schema; every
 * unknown key is an error, so a typo never silently changes the network regime. Errors
 * carry "path:line:column" from the node's start mark (libyaml counts from 0, we from 1).
 *
 * Aliases: libyaml resolves an alias to the anchored node, so a document is a DAG that a
 * walker could expand exponentially ("billion laughs"). The walk therefore has a budget of
 * visited nodes (PROFILE_VISIT_BUDGET) besides the byte and table caps of bos/limits.h.
 */
#include "bos/profile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "bos/buf.h"
#include "bos/limits.h"
#include "inet_int.h"

#define PROFILE_VISIT_BUDGET 200000
#define PROFILE_DEFAULT_TTL 300
#define PROFILE_SINKHOLE_ADDR "198.51.100.1"

/* The page the sinkhole answers with: plain, like a default web server page. */
static const char sinkhole_body[] =
	"<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n"
	"<body><h1>It works!</h1><p>This is the default web page for this server.</p></body>"
	"</html>\n";

/* Keep in sync with profiles/default.yaml (a unit test compares them). */
static const char default_profile[] =
	"# bos default profile: sinkhole everything, every name resolves.\n"
	"version: 1\n"
	"name: default\n"
	"description: Every name resolves to the sinkhole; every address and port is answered "
	"by the sinkhole (HTTP 200, TLS, raw TCP echo).\n"
	"dns:\n"
	"  default: resolve\n"
	"  ttl: 300\n"
	"sinkhole:\n"
	"  address: 198.51.100.1\n"
	"default: sinkhole\n";

struct ctx {
	const char *label;
	yaml_document_t *doc;
	struct bos_profile *p;
	struct bos_err *err;
	long budget;
};

static int fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...) BOS_PRINTF(3, 4);

static int fail_at(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char what[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return bos_err_set(c->err, -BOS_EINPUT, "%s:%zu:%zu: %s", c->label,
			   n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, what);
}

static yaml_node_t *node(struct ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static int visit(struct ctx *c, const yaml_node_t *n)
{
	if (--c->budget < 0)
		return fail_at(c, n, "profile too complex (aliases expanding?)");
	return 0;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		BOS_BUG("out of memory");
	return d;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		BOS_BUG("out of memory");
	return p;
}

static int get_str(struct ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	const char *s = scalar(n);

	if (!s)
		return fail_at(c, n, "%s: expected a string", key);
	if (n->data.scalar.length != strlen(s))
		return fail_at(c, n, "%s: NUL byte in string", key);
	if (n->data.scalar.length > BOS_MAX_STRING)
		return fail_at(c, n, "%s: longer than %u bytes", key, BOS_MAX_STRING);
	free(*out);
	*out = xstrdup(s);
	return 0;
}

static int get_uint(struct ctx *c, const yaml_node_t *n, const char *key, unsigned long max,
		    unsigned long *out)
{
	const char *s = scalar(n);
	unsigned long v = 0;
	size_t i;

	if (!s || !s[0])
		return fail_at(c, n, "%s: expected a number", key);
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail_at(c, n, "%s: expected a number, got \"%.40s\"", key, s);
		if (v > (max - (unsigned long)(s[i] - '0')) / 10)
			return fail_at(c, n, "%s: larger than %lu", key, max);
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "90", "90s", "1500ms", "2m", "1h" -> milliseconds. */
static int get_duration(struct ctx *c, const yaml_node_t *n, const char *key, uint64_t *out)
{
	const char *s = scalar(n);
	uint64_t v = 0, mul = 1000;
	size_t i;

	if (!s || !s[0] || s[0] < '0' || s[0] > '9')
		return fail_at(c, n, "%s: expected a duration like 90s, 2m, 1h", key);
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > 1000000000ull)
			return fail_at(c, n, "%s: too long", key);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (!strcmp(s + i, "ms"))
		mul = 1;
	else if (!strcmp(s + i, "s") || !s[i])
		mul = 1000;
	else if (!strcmp(s + i, "m"))
		mul = 60000;
	else if (!strcmp(s + i, "h"))
		mul = 3600000;
	else
		return fail_at(c, n, "%s: unknown unit \"%.10s\" (ms, s, m, h)", key, s + i);
	*out = v * mul;
	return 0;
}

static int parse_addr(const char *s, struct bos_profile_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

static int get_addr(struct ctx *c, const yaml_node_t *n, const char *key,
		    struct bos_profile_addr *a)
{
	const char *s = scalar(n);

	if (!s || parse_addr(s, a) < 0)
		return fail_at(c, n, "%s: expected an IPv4 or IPv6 address", key);
	return 0;
}

static int get_cidr(struct ctx *c, const yaml_node_t *n, const char *key,
		    struct bos_profile_cidr *out)
{
	const char *s = scalar(n);
	char tmp[64];
	char *slash;
	unsigned long prefix, max;
	unsigned i;

	if (!s || strlen(s) >= sizeof(tmp))
		return fail_at(c, n, "%s: expected an address or CIDR", key);
	memcpy(tmp, s, strlen(s) + 1);
	slash = strchr(tmp, '/');
	if (slash)
		*slash = 0;
	if (parse_addr(tmp, &out->addr) < 0)
		return fail_at(c, n, "%s: \"%.60s\" is not an address or CIDR", key, s);
	max = out->addr.family == AF_INET ? 32 : 128;
	prefix = max;
	if (slash) {
		char *end;

		errno = 0;
		if (slash[1] < '0' || slash[1] > '9')
			return fail_at(c, n, "%s: bad prefix length in \"%.60s\"", key, s);
		prefix = strtoul(slash + 1, &end, 10);
		if (errno || *end || prefix > max)
			return fail_at(c, n, "%s: bad prefix length in \"%.60s\"", key, s);
	}
	out->prefix = (unsigned)prefix;
	for (i = 0; i < max / 8; i++) {
		unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
		uint8_t mask = (uint8_t)(keep ? 0xff << (8 - keep) : 0);

		if (out->addr.a[i] & ~mask)
			return fail_at(c, n, "%s: \"%.60s\" has host bits set", key, s);
	}
	return 0;
}

static bool is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

static bool is_seq(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

/* Iterate a mapping: for (i = 0; map_at(c, n, i, &k, &v); i++). */
static bool map_at(struct ctx *c, const yaml_node_t *n, size_t i, const char **k,
		   yaml_node_t **v)
{
	yaml_node_pair_t *pair;
	yaml_node_t *kn;

	if ((size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start) <= i)
		return false;
	pair = n->data.mapping.pairs.start + i;
	kn = node(c, pair->key);
	*k = scalar(kn);
	*v = node(c, pair->value);
	if (!*k)
		*k = "";	/* a non-scalar key never matches: reported as unknown */
	return *v != NULL;
}

static size_t seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_at(struct ctx *c, const yaml_node_t *n, size_t i)
{
	return node(c, n->data.sequence.items.start[i]);
}

/* Duplicate keys are an error: YAML says they are, and libyaml keeps both. */
static int check_dups(struct ctx *c, const yaml_node_t *n)
{
	const char *k1, *k2;
	yaml_node_t *v1, *v2;
	size_t i, j;

	for (i = 0; map_at(c, n, i, &k1, &v1); i++) {
		if (visit(c, v1) < 0)
			return c->err->code;
		for (j = 0; j < i && map_at(c, n, j, &k2, &v2); j++)
			if (k1[0] && !strcmp(k1, k2))
				return fail_at(c, v1, "duplicate key \"%.60s\"", k1);
	}
	return 0;
}

static int unknown_key(struct ctx *c, const yaml_node_t *v, const char *where, const char *k)
{
	return fail_at(c, v, "%s: unknown key \"%.60s\"", where, k);
}

static int want_map(struct ctx *c, const yaml_node_t *n, const char *what)
{
	if (!is_map(n))
		return fail_at(c, n, "%s: expected a mapping", what);
	return check_dups(c, n);
}

static const char *const dns_action_names[] = {
	[BOS_PROFILE_DNS_RESOLVE] = "resolve",	 [BOS_PROFILE_DNS_NXDOMAIN] = "nxdomain",
	[BOS_PROFILE_DNS_SERVFAIL] = "servfail", [BOS_PROFILE_DNS_REFUSED] = "refused",
	[BOS_PROFILE_DNS_NODATA] = "nodata",	 [BOS_PROFILE_DNS_TIMEOUT] = "timeout",
};

static const char *const svc_names[] = {
	[BOS_PROFILE_SVC_SINKHOLE] = "sinkhole", [BOS_PROFILE_SVC_REFUSE] = "refuse",
	[BOS_PROFILE_SVC_DROP] = "drop",	 [BOS_PROFILE_SVC_HTTP] = "http",
	[BOS_PROFILE_SVC_HTTPS] = "https",	 [BOS_PROFILE_SVC_C2] = "c2",
	[BOS_PROFILE_SVC_CLOSE] = "close",	 [BOS_PROFILE_SVC_TLS_ALERT] = "tls-alert",
};

const char *bos_profile_dns_action_str(enum bos_profile_dns_action a)
{
	return (unsigned)a < BOS_ARRAY_SIZE(dns_action_names) ? dns_action_names[a] : "?";
}

const char *bos_profile_svc_str(enum bos_profile_svc s)
{
	return (unsigned)s < BOS_ARRAY_SIZE(svc_names) ? svc_names[s] : "?";
}

static int get_enum(struct ctx *c, const yaml_node_t *n, const char *key,
		    const char *const *names, size_t count, int *out)
{
	const char *s = scalar(n);
	char list[200] = "";
	size_t i, len = 0;

	for (i = 0; s && i < count; i++) {
		if (!strcmp(s, names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	for (i = 0; i < count && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					names[i]);
	return fail_at(c, n, "%s: expected one of %s", key, list);
}

/* A DNS name or "*.name": letters, digits, '-', '_', dots between labels of 1..63 bytes,
 * at most 253 bytes. Stored lower case without a trailing dot. */
static int get_name(struct ctx *c, const yaml_node_t *n, const char *key, bool wildcard_ok,
		    char **out)
{
	const char *s = scalar(n);
	size_t len, i, label = 0;
	const char *body;
	char *d;

	if (!s || !s[0])
		return fail_at(c, n, "%s: expected a DNS name", key);
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		len--;
	body = s;
	if (s[0] == '*') {
		if (!wildcard_ok || s[1] != '.')
			return fail_at(c, n, "%s: '*' only as a whole first label (\"*.x.org\")",
				       key);
		body = s + 2;
	}
	if (len > 253 || body >= s + len)
		return fail_at(c, n, "%s: \"%.60s\" is not a DNS name", key, s);
	for (i = (size_t)(body - s); i < len; i++) {
		char ch = s[i];

		if (ch == '.') {
			if (label == 0)
				return fail_at(c, n, "%s: empty label in \"%.60s\"", key, s);
			label = 0;
			continue;
		}
		if (ch == '*')
			return fail_at(c, n, "%s: '*' only as a whole first label (\"*.x.org\")",
				       key);
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return fail_at(c, n, "%s: bad character in \"%.60s\"", key, s);
		if (++label > 63)
			return fail_at(c, n, "%s: label longer than 63 in \"%.60s\"", key, s);
	}
	if (label == 0)
		return fail_at(c, n, "%s: empty label in \"%.60s\"", key, s);
	d = xcalloc(len + 1, 1);
	for (i = 0; i < len; i++)
		d[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	free(*out);
	*out = d;
	return 0;
}

static int parse_name(struct ctx *c, const yaml_node_t *n, struct bos_profile_name *nm,
		      uint32_t default_ttl)
{
	const yaml_node_t *act = NULL;
	const char *k;
	yaml_node_t *v;
	unsigned long ul;
	size_t i, j;
	int e;

	if (want_map(c, n, "dns.names[]") < 0)
		return c->err->code;
	nm->line = (unsigned)n->start_mark.line + 1;
	nm->ttl = default_ttl;
	nm->action = BOS_PROFILE_DNS_RESOLVE;
	for (i = 0; map_at(c, n, i, &k, &v); i++) {
		if (!strcmp(k, "name")) {
			if (get_name(c, v, "name", true, &nm->pattern) < 0)
				return c->err->code;
		} else if (!strcmp(k, "action")) {
			if (get_enum(c, v, "action", dns_action_names,
				     BOS_ARRAY_SIZE(dns_action_names), &e) < 0)
				return c->err->code;
			nm->action = (enum bos_profile_dns_action)e;
			act = v;
		} else if (!strcmp(k, "ttl")) {
			if (get_uint(c, v, "ttl", 0x7fffffff, &ul) < 0)
				return c->err->code;
			nm->ttl = (uint32_t)ul;
		} else if (!strcmp(k, "addresses") || !strcmp(k, "address")) {
			size_t cnt = is_seq(v) ? seq_len(v) : 1;

			if (nm->addrs)
				return fail_at(c, v, "give either address or addresses");
			if (cnt == 0 || cnt > BOS_PROFILE_MAX_ADDRS)
				return fail_at(c, v, "%s: 1 to %d addresses", k,
					       BOS_PROFILE_MAX_ADDRS);
			nm->addrs = xcalloc(cnt, sizeof(*nm->addrs));
			nm->n_addrs = cnt;
			for (j = 0; j < cnt; j++)
				if (get_addr(c, is_seq(v) ? seq_at(c, v, j) : v, k,
					     &nm->addrs[j]) < 0)
					return c->err->code;
		} else {
			return unknown_key(c, v, "dns.names[]", k);
		}
	}
	if (!nm->pattern)
		return fail_at(c, n, "dns.names[]: \"name\" is required");
	if (nm->action == BOS_PROFILE_DNS_RESOLVE && !nm->n_addrs)
		return fail_at(c, n, "%s: resolve needs \"addresses\"", nm->pattern);
	if (nm->action != BOS_PROFILE_DNS_RESOLVE && nm->n_addrs)
		return fail_at(c, act, "%s: \"addresses\" only with action resolve", nm->pattern);
	return 0;
}

static int parse_dns(struct ctx *c, const yaml_node_t *n)
{
	struct bos_profile *p = c->p;
	const yaml_node_t *names = NULL;
	const char *k;
	yaml_node_t *v;
	unsigned long ul;
	size_t i, j;
	int e;

	if (want_map(c, n, "dns") < 0)
		return c->err->code;
	for (i = 0; map_at(c, n, i, &k, &v); i++) {
		if (!strcmp(k, "default")) {
			if (get_enum(c, v, "dns.default", dns_action_names,
				     BOS_ARRAY_SIZE(dns_action_names), &e) < 0)
				return c->err->code;
			p->dns_default.action = (enum bos_profile_dns_action)e;
		} else if (!strcmp(k, "ttl")) {
			if (get_uint(c, v, "dns.ttl", 0x7fffffff, &ul) < 0)
				return c->err->code;
			p->dns_default.ttl = (uint32_t)ul;
		} else if (!strcmp(k, "names")) {
			if (!is_seq(v))
				return fail_at(c, v, "dns.names: expected a list");
			if (seq_len(v) > BOS_PROFILE_MAX_NAMES)
				return fail_at(c, v, "dns.names: more than %d entries",
					       BOS_PROFILE_MAX_NAMES);
			names = v;
		} else {
			return unknown_key(c, v, "dns", k);
		}
	}
	if (!names)
		return 0;
	/* After the loop: names inherit dns.ttl wherever it was written. */
	p->n_names = seq_len(names);
	p->names = xcalloc(p->n_names, sizeof(*p->names));
	for (i = 0; i < p->n_names; i++) {
		yaml_node_t *item = seq_at(c, names, i);

		if (visit(c, item) < 0 || parse_name(c, item, &p->names[i], p->dns_default.ttl) < 0)
			return c->err->code;
		for (j = 0; j < i; j++)
			if (!strcmp(p->names[j].pattern, p->names[i].pattern))
				return fail_at(c, item, "%s: also on line %u", p->names[i].pattern,
					       p->names[j].line);
	}
	return 0;
}

static int parse_headers(struct ctx *c, const yaml_node_t *n, struct bos_profile_http_rule *r)
{
	const char *k;
	yaml_node_t *v;
	size_t i, j;

	if (want_map(c, n, "headers") < 0)
		return c->err->code;
	r->n_headers = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (r->n_headers > BOS_PROFILE_MAX_HEADERS)
		return fail_at(c, n, "headers: more than %d", BOS_PROFILE_MAX_HEADERS);
	r->headers = xcalloc(r->n_headers, sizeof(*r->headers));
	for (i = 0; map_at(c, n, i, &k, &v); i++) {
		/* Header names are tokens; values must not smuggle CR/LF into the response. */
		if (!k[0])
			return fail_at(c, v, "headers: empty name");
		for (j = 0; k[j]; j++)
			if (k[j] <= ' ' || k[j] == ':' || k[j] == 127)
				return fail_at(c, v, "headers: bad header name \"%.60s\"", k);
		if (get_str(c, v, "headers", &r->headers[i].value) < 0)
			return c->err->code;
		if (strpbrk(r->headers[i].value, "\r\n"))
			return fail_at(c, v, "headers: %s: CR or LF in value", k);
		r->headers[i].name = xstrdup(k);
	}
	return 0;
}

static int parse_http_rule(struct ctx *c, const yaml_node_t *n, struct bos_profile_http_rule *r,
			   bool host_ok)
{
	const char *k;
	yaml_node_t *v;
	unsigned long ul;
	size_t i;

	if (want_map(c, n, "http") < 0)
		return c->err->code;
	r->line = (unsigned)n->start_mark.line + 1;
	r->status = 200;
	for (i = 0; map_at(c, n, i, &k, &v); i++) {
		if (host_ok && !strcmp(k, "host")) {
			if (get_name(c, v, "host", true, &r->host) < 0)
				return c->err->code;
		} else if (host_ok && !strcmp(k, "path")) {
			if (get_str(c, v, "path", &r->path) < 0)
				return c->err->code;
			if (r->path[0] != '/')
				return fail_at(c, v, "path: must start with '/'");
		} else if (!strcmp(k, "status")) {
			if (get_uint(c, v, "status", 599, &ul) < 0)
				return c->err->code;
			if (ul < 100)
				return fail_at(c, v, "status: 100 to 599");
			r->status = (int)ul;
		} else if (!strcmp(k, "reason")) {
			if (get_str(c, v, "reason", &r->reason) < 0)
				return c->err->code;
			if (strpbrk(r->reason, "\r\n"))
				return fail_at(c, v, "reason: CR or LF");
		} else if (!strcmp(k, "headers")) {
			if (parse_headers(c, v, r) < 0)
				return c->err->code;
		} else if (!strcmp(k, "body")) {
			const char *s = scalar(v);

			if (!s)
				return fail_at(c, v, "body: expected a string");
			if (v->data.scalar.length > BOS_INET_MAX_REQUEST * 64)
				return fail_at(c, v, "body: too long");
			free(r->body);
			r->body = xcalloc(v->data.scalar.length + 1, 1);
			memcpy(r->body, s, v->data.scalar.length);
			r->body_len = v->data.scalar.length;
		} else {
			return unknown_key(c, v, "http", k);
		}
	}
	return 0;
}

static int parse_strv(struct ctx *c, const yaml_node_t *n, const char *key, char ***out)
{
	size_t i, cnt;

	if (!is_seq(n))
		return fail_at(c, n, "%s: expected a list of strings", key);
	cnt = seq_len(n);
	if (cnt > BOS_PROFILE_MAX_ARGV)
		return fail_at(c, n, "%s: more than %d items", key, BOS_PROFILE_MAX_ARGV);
	*out = xcalloc(cnt + 1, sizeof(**out));
	for (i = 0; i < cnt; i++)
		if (get_str(c, seq_at(c, n, i), key, &(*out)[i]) < 0)
			return c->err->code;
	return 0;
}

static int parse_c2(struct ctx *c, const yaml_node_t *n, struct bos_profile_c2 *c2)
{
	const char *k;
	yaml_node_t *v;
	size_t i, cnt;

	if (want_map(c, n, "c2") < 0)
		return c->err->code;
	for (i = 0; map_at(c, n, i, &k, &v); i++) {
		if (!strcmp(k, "argv")) {
			if (parse_strv(c, v, "c2.argv", &c2->argv) < 0)
				return c->err->code;
			if (!c2->argv[0] || !c2->argv[0][0])
				return fail_at(c, v, "c2.argv: needs the program");
		} else if (!strcmp(k, "env")) {
			const char *ek;
			yaml_node_t *ev;
			size_t j;

			if (want_map(c, v, "c2.env") < 0)
				return c->err->code;
			cnt = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
			if (cnt > BOS_PROFILE_MAX_ARGV)
				return fail_at(c, v, "c2.env: more than %d", BOS_PROFILE_MAX_ARGV);
			c2->env = xcalloc(cnt + 1, sizeof(*c2->env));
			for (j = 0; map_at(c, v, j, &ek, &ev); j++) {
				char *val = NULL;
				struct bos_buf b = BOS_BUF_INIT;

				if (!ek[0] || strchr(ek, '='))
					return fail_at(c, ev, "c2.env: bad variable name");
				if (get_str(c, ev, "c2.env", &val) < 0)
					return c->err->code;
				bos_buf_addf(&b, "%s=%s", ek, val);
				free(val);
				c2->env[j] = bos_buf_detach(&b, NULL);
			}
		} else if (!strcmp(k, "cwd")) {
			if (get_str(c, v, "c2.cwd", &c2->cwd) < 0)
				return c->err->code;
		} else {
			return unknown_key(c, v, "c2", k);
		}
	}
	if (!c2->argv)
		return fail_at(c, n, "c2: \"argv\" is required");
	return 0;
}

/* Ports: a number, "lo-hi", or a list of those. Returns the ranges in *r (count *n). */
static int parse_ports(struct ctx *c, const yaml_node_t *n, uint16_t (**r)[2], size_t *cnt)
{
	size_t i, total = is_seq(n) ? seq_len(n) : 1;

	if (total == 0 || total > 64)
		return fail_at(c, n, "ports: 1 to 64 items");
	*r = xcalloc(total, sizeof(**r));
	*cnt = total;
	for (i = 0; i < total; i++) {
		const yaml_node_t *it = is_seq(n) ? seq_at(c, n, i) : n;
		const char *s = scalar(it);
		unsigned long lo, hi;
		char *end;

		if (!s || s[0] < '0' || s[0] > '9')
			return fail_at(c, it, "ports: expected 443 or \"8000-8080\"");
		errno = 0;
		lo = strtoul(s, &end, 10);
		hi = lo;
		if (*end == '-' && end[1] >= '0' && end[1] <= '9')
			hi = strtoul(end + 1, &end, 10);
		if (errno || *end || lo > 65535 || hi > 65535 || lo > hi)
			return fail_at(c, it, "ports: bad port or range \"%.40s\"", s);
		(*r)[i][0] = (uint16_t)lo;
		(*r)[i][1] = (uint16_t)hi;
	}
	return 0;
}

static void host_release(struct bos_profile_host *h);
static void http_rule_release(struct bos_profile_http_rule *r);

static char **strv_dup(char **v)
{
	size_t i, n = 0;
	char **d;

	if (!v)
		return NULL;
	while (v[n])
		n++;
	d = xcalloc(n + 1, sizeof(*d));
	for (i = 0; i < n; i++)
		d[i] = xstrdup(v[i]);
	return d;
}

static char *strdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void http_rule_copy(struct bos_profile_http_rule *d, const struct bos_profile_http_rule *s)
{
	size_t i;

	*d = *s;
	d->host = strdup_or_null(s->host);
	d->path = strdup_or_null(s->path);
	d->reason = strdup_or_null(s->reason);
	d->headers = xcalloc(s->n_headers, sizeof(*d->headers));
	for (i = 0; i < s->n_headers; i++) {
		d->headers[i].name = xstrdup(s->headers[i].name);
		d->headers[i].value = xstrdup(s->headers[i].value);
	}
	d->body = NULL;
	if (s->body) {
		d->body = xcalloc(s->body_len + 1, 1);
		memcpy(d->body, s->body, s->body_len);
	}
}

static void host_copy(struct bos_profile_host *d, const struct bos_profile_host *s)
{
	size_t i;

	*d = *s;
	d->http = xcalloc(s->n_http, sizeof(*d->http));
	for (i = 0; i < s->n_http; i++)
		http_rule_copy(&d->http[i], &s->http[i]);
	d->c2.argv = strv_dup(s->c2.argv);
	d->c2.env = strv_dup(s->c2.env);
	d->c2.cwd = strdup_or_null(s->c2.cwd);
	d->comment = strdup_or_null(s->comment);
}

/* Parse one hosts[] item into h (ports expanded later by the caller into copies). */
static int parse_host(struct ctx *c, const yaml_node_t *n, struct bos_profile_host *h,
		      uint16_t (**ports)[2], size_t *n_ports)
{
	const yaml_node_t *svc_node = NULL, *http_node = NULL, *c2_node = NULL, *proto_node = NULL;
	const yaml_node_t *single = NULL;
	bool have_addr = false;
	const char *k;
	yaml_node_t *v;
	size_t i;
	int e;

	if (want_map(c, n, "hosts[]") < 0)
		return c->err->code;
	h->line = (unsigned)n->start_mark.line + 1;
	h->port_hi = 65535;
	for (i = 0; map_at(c, n, i, &k, &v); i++) {
		if (!strcmp(k, "address")) {
			if (get_cidr(c, v, "address", &h->net) < 0)
				return c->err->code;
			if (h->net.addr.family != AF_INET)
				return fail_at(c, v, "address: only IPv4 hosts for now");
			have_addr = true;
		} else if (!strcmp(k, "name")) {
			if (get_str(c, v, "name", &h->comment) < 0)
				return c->err->code;
		} else if (!strcmp(k, "ports") || !strcmp(k, "port")) {
			if (*ports)
				return fail_at(c, v, "give either port or ports");
			if (parse_ports(c, v, ports, n_ports) < 0)
				return c->err->code;
		} else if (!strcmp(k, "proto")) {
			static const char *const protos[] = { "any", "tcp", "udp" };

			if (get_enum(c, v, "proto", protos, 3, &e) < 0)
				return c->err->code;
			h->proto = (enum bos_profile_proto)e;
			proto_node = v;
		} else if (!strcmp(k, "action")) {
			if (get_enum(c, v, "action", svc_names, BOS_ARRAY_SIZE(svc_names), &e) < 0)
				return c->err->code;
			h->svc = (enum bos_profile_svc)e;
			svc_node = v;
		} else if (!strcmp(k, "http")) {
			http_node = v;
		} else if (!strcmp(k, "c2")) {
			c2_node = v;
		} else {
			return unknown_key(c, v, "hosts[]", k);
		}
	}
	if (!have_addr)
		return fail_at(c, n, "hosts[]: \"address\" is required");
	if (!svc_node)
		return fail_at(c, n, "hosts[]: \"action\" is required");
	if (h->svc == BOS_PROFILE_SVC_HTTP || h->svc == BOS_PROFILE_SVC_HTTPS ||
	    h->svc == BOS_PROFILE_SVC_C2 || h->svc == BOS_PROFILE_SVC_CLOSE ||
	    h->svc == BOS_PROFILE_SVC_TLS_ALERT) {
		if (h->proto == BOS_PROFILE_PROTO_UDP)
			return fail_at(c, proto_node, "proto: %s is TCP", svc_names[h->svc]);
		h->proto = BOS_PROFILE_PROTO_TCP;
	}
	if (http_node && h->svc != BOS_PROFILE_SVC_HTTP && h->svc != BOS_PROFILE_SVC_HTTPS)
		return fail_at(c, http_node, "http: only with action http or https");
	if (c2_node && h->svc != BOS_PROFILE_SVC_C2)
		return fail_at(c, c2_node, "c2: only with action c2");
	if (h->svc == BOS_PROFILE_SVC_C2) {
		if (!c2_node)
			return fail_at(c, n, "action c2 needs a \"c2\" entry");
		if (parse_c2(c, c2_node, &h->c2) < 0)
			return c->err->code;
	}
	if (h->svc == BOS_PROFILE_SVC_HTTP || h->svc == BOS_PROFILE_SVC_HTTPS) {
		if (!http_node)
			return fail_at(c, n, "action %s needs an \"http\" entry",
				       svc_names[h->svc]);
		if (is_map(http_node)) {
			single = http_node;
			h->n_http = 1;
		} else if (is_seq(http_node)) {
			h->n_http = seq_len(http_node);
		} else {
			return fail_at(c, http_node, "http: expected a mapping or a list");
		}
		if (h->n_http == 0 || h->n_http > BOS_PROFILE_MAX_HTTP_RULES)
			return fail_at(c, http_node, "http: 1 to %d rules",
				       BOS_PROFILE_MAX_HTTP_RULES);
		h->http = xcalloc(h->n_http, sizeof(*h->http));
		for (i = 0; i < h->n_http; i++) {
			const yaml_node_t *it = single ? single : seq_at(c, http_node, i);

			if (visit(c, it) < 0 || parse_http_rule(c, it, &h->http[i], true) < 0)
				return c->err->code;
		}
	}
	return 0;
}

static int parse_hosts(struct ctx *c, const yaml_node_t *n)
{
	struct bos_profile *p = c->p;
	size_t i, j, cap, need;

	if (!is_seq(n))
		return fail_at(c, n, "hosts: expected a list");
	cap = seq_len(n);
	if (cap > BOS_PROFILE_MAX_HOSTS)
		return fail_at(c, n, "hosts: more than %d entries", BOS_PROFILE_MAX_HOSTS);
	p->hosts = xcalloc(cap, sizeof(*p->hosts));
	for (i = 0; i < seq_len(n); i++) {
		struct bos_profile_host h = { 0 };
		uint16_t(*ports)[2] = NULL;
		size_t n_ports = 0;
		yaml_node_t *item = seq_at(c, n, i);
		int ret;

		ret = visit(c, item);
		if (!ret)
			ret = parse_host(c, item, &h, &ports, &n_ports);
		if (ret < 0) {
			host_release(&h);
			free(ports);
			return ret;
		}
		if (p->n_hosts + (ports ? n_ports : 1) > BOS_PROFILE_MAX_HOSTS) {
			host_release(&h);
			free(ports);
			return fail_at(c, item, "hosts: more than %d entries after expanding ports",
				       BOS_PROFILE_MAX_HOSTS);
		}
		/* Room for this item's entries and one for each item still to come. */
		need = p->n_hosts + (ports ? n_ports : 1) + (seq_len(n) - i - 1);
		if (need > cap) {
			struct bos_profile_host *nh = realloc(p->hosts, need * sizeof(*nh));

			if (!nh)
				BOS_BUG("out of memory");
			p->hosts = nh;
			cap = need;
		}
		if (!ports) {
			p->hosts[p->n_hosts++] = h;
			continue;
		}
		/* One entry per port range, all in the same place of the order. */
		for (j = 0; j < n_ports; j++) {
			struct bos_profile_host *d = &p->hosts[p->n_hosts++];

			host_copy(d, &h);
			d->port_lo = ports[j][0];
			d->port_hi = ports[j][1];
		}
		host_release(&h);
		free(ports);
	}
	return 0;
}

static int parse_lab(struct ctx *c, const yaml_node_t *n)
{
	const char *k;
	yaml_node_t *v;
	size_t i;

	if (want_map(c, n, "lab") < 0)
		return c->err->code;
	for (i = 0; map_at(c, n, i, &k, &v); i++) {
		int ret;

		if (!strcmp(k, "duration")) {
			ret = get_duration(c, v, "lab.duration", &c->p->lab.duration_ms);
		} else if (!strcmp(k, "hostname")) {
			ret = get_name(c, v, "lab.hostname", false, &c->p->lab.hostname);
			if (!ret && strlen(c->p->lab.hostname) > 63)
				ret = fail_at(c, v, "lab.hostname: longer than 63 (UTS name)");
		} else if (!strcmp(k, "user")) {
			ret = get_str(c, v, "lab.user", &c->p->lab.user);
		} else {
			ret = unknown_key(c, v, "lab", k);
		}
		if (ret < 0)
			return ret;
	}
	if (c->p->lab.user) {
		const char *u = c->p->lab.user;

		/* A login name: it goes into /etc/passwd and paths in the victim. */
		if (!u[0] || strlen(u) > 32 || u[0] == '-' ||
		    strspn(u, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(u))
			return fail_at(c, n, "lab.user: [a-z0-9_-]{1,32}, not starting with '-'");
	}
	return 0;
}

static int parse_sinkhole(struct ctx *c, const yaml_node_t *n)
{
	const char *k;
	yaml_node_t *v;
	size_t i;

	if (want_map(c, n, "sinkhole") < 0)
		return c->err->code;
	for (i = 0; map_at(c, n, i, &k, &v); i++) {
		if (!strcmp(k, "address")) {
			if (get_addr(c, v, "sinkhole.address", &c->p->sinkhole4) < 0)
				return c->err->code;
			if (c->p->sinkhole4.family != AF_INET)
				return fail_at(c, v, "sinkhole.address: IPv4");
		} else if (!strcmp(k, "http")) {
			http_rule_release(&c->p->sinkhole_http);
			if (parse_http_rule(c, v, &c->p->sinkhole_http, false) < 0)
				return c->err->code;
		} else {
			return unknown_key(c, v, "sinkhole", k);
		}
	}
	return 0;
}

static void set_defaults(struct bos_profile *p)
{
	struct bos_profile_http_rule *r = &p->sinkhole_http;

	p->dns_default.pattern = xstrdup("*");
	p->dns_default.action = BOS_PROFILE_DNS_RESOLVE;
	p->dns_default.ttl = PROFILE_DEFAULT_TTL;
	parse_addr(PROFILE_SINKHOLE_ADDR, &p->sinkhole4);
	p->default_svc = BOS_PROFILE_SVC_SINKHOLE;
	r->status = 200;
	r->body_len = sizeof(sinkhole_body) - 1;
	r->body = xcalloc(r->body_len + 1, 1);
	memcpy(r->body, sinkhole_body, r->body_len);
}

static int parse_root(struct ctx *c, const yaml_node_t *root)
{
	struct bos_profile *p = c->p;
	const char *k;
	yaml_node_t *v;
	unsigned long ul;
	size_t i;
	int e;

	if (!root)
		return fail_at(c, NULL, "empty profile");
	if (want_map(c, root, "profile") < 0)
		return c->err->code;
	for (i = 0; map_at(c, root, i, &k, &v); i++) {
		int ret = 0;

		if (!strcmp(k, "version")) {
			ret = get_uint(c, v, "version", 1000, &ul);
			if (!ret && ul != 1)
				ret = fail_at(c, v, "version: only version 1 is known");
		} else if (!strcmp(k, "name")) {
			ret = get_str(c, v, "name", &p->name);
		} else if (!strcmp(k, "description")) {
			ret = get_str(c, v, "description", &p->description);
		} else if (!strcmp(k, "lab")) {
			ret = parse_lab(c, v);
		} else if (!strcmp(k, "dns")) {
			ret = parse_dns(c, v);
		} else if (!strcmp(k, "hosts")) {
			ret = parse_hosts(c, v);
		} else if (!strcmp(k, "sinkhole")) {
			ret = parse_sinkhole(c, v);
		} else if (!strcmp(k, "default")) {
			static const char *const defs[] = { "sinkhole", "refuse", "drop" };

			ret = get_enum(c, v, "default", defs, 3, &e);
			p->default_svc = (enum bos_profile_svc)e;	/* the enum's order */
		} else {
			ret = unknown_key(c, v, "profile", k);
		}
		if (ret < 0)
			return ret;
	}
	/* The default answer is the sinkhole address (given or not). */
	p->dns_default.addrs = xcalloc(1, sizeof(*p->dns_default.addrs));
	p->dns_default.addrs[0] = p->sinkhole4;
	p->dns_default.n_addrs = 1;
	for (i = 0; i < p->n_hosts; i++) {
		char a[64];

		/* The inet end itself is infrastructure: rules there would break DNS. */
		if (p->hosts[i].net.prefix >= 30 && p->hosts[i].net.addr.a[0] == 10 &&
		    p->hosts[i].net.addr.a[1] == 255 && p->hosts[i].net.addr.a[2] == 255 &&
		    p->hosts[i].net.addr.a[3] < 4)
			return bos_err_set(c->err, -BOS_EINPUT,
					   "%s:%u: hosts: %s is the lab's own link", c->label,
					   p->hosts[i].line,
					   bos_profile_addr_str(&p->hosts[i].net.addr, a,
								sizeof(a)));
	}
	return 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	d = xcalloc((size_t)(slash - path) + 1, 1);
	memcpy(d, path, (size_t)(slash - path));
	return d;
}

int bos_profile_parse(const char *label, const void *data, size_t len, struct bos_profile **out,
		      struct bos_err *err)
{
	struct bos_err local = BOS_ERR_INIT;
	struct bos_profile *p = NULL;
	yaml_parser_t parser;
	yaml_document_t doc;
	bool have_parser = false, have_doc = false;
	struct ctx c;
	int ret = 0;

	*out = NULL;
	if (!err)
		err = &local;
	if (!label)
		label = "<mem>";
	if (len > BOS_PROFILE_MAX_BYTES)
		return bos_err_set(err, -BOS_EINPUT, "%s: larger than %u bytes", label,
				   BOS_PROFILE_MAX_BYTES);
	p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(label);
	p->dir = dir_of(label);
	p->text = xcalloc(len + 1, 1);
	memcpy(p->text, data, len);
	p->text_len = len;
	set_defaults(p);
	if (memchr(data, 0, len)) {
		ret = bos_err_set(err, -BOS_EINPUT, "%s: NUL byte in profile", label);
		goto out;
	}

	if (!yaml_parser_initialize(&parser))
		BOS_BUG("out of memory");
	have_parser = true;
	yaml_parser_set_input_string(&parser, (const unsigned char *)p->text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = bos_err_set(err, -BOS_EINPUT, "%s:%zu:%zu: %s%s%s", label,
				  parser.problem_mark.line + 1, parser.problem_mark.column + 1,
				  parser.problem ? parser.problem : "YAML error",
				  parser.context ? " " : "", parser.context ? parser.context : "");
		goto out;
	}
	have_doc = true;
	c = (struct ctx){ .label = label, .doc = &doc, .p = p, .err = err,
			  .budget = PROFILE_VISIT_BUDGET };
	ret = parse_root(&c, yaml_document_get_root_node(&doc));
	if (ret < 0)
		goto out;
	/* A second document in the stream is a mistake (concatenated files). */
	{
		yaml_document_t doc2;

		if (!yaml_parser_load(&parser, &doc2)) {
			ret = bos_err_set(err, -BOS_EINPUT, "%s:%zu:%zu: %s", label,
					  parser.problem_mark.line + 1,
					  parser.problem_mark.column + 1,
					  parser.problem ? parser.problem : "YAML error");
			goto out;
		}
		if (yaml_document_get_root_node(&doc2)) {
			ret = bos_err_set(err, -BOS_EINPUT, "%s:%zu:%zu: more than one document",
					  label, doc2.start_mark.line + 1,
					  doc2.start_mark.column + 1);
			yaml_document_delete(&doc2);
			goto out;
		}
		yaml_document_delete(&doc2);
	}
	*out = p;
	p = NULL;
out:
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	bos_profile_free(p);
	return ret;
}

int bos_profile_load(const char *path, struct bos_profile **out, struct bos_err *err)
{
	struct bos_buf b = BOS_BUF_INIT;
	char chunk[8192];
	int fd, ret = 0;
	ssize_t n;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bos_err_sys(err, "profile %s", path);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = bos_err_sys(err, "profile %s: read", path);
			goto out;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > BOS_PROFILE_MAX_BYTES) {
			ret = bos_err_set(err, -BOS_EINPUT, "%s: larger than %u bytes", path,
					  BOS_PROFILE_MAX_BYTES);
			goto out;
		}
		bos_buf_add(&b, chunk, (size_t)n);
	}
	ret = bos_profile_parse(path, b.data, b.len, out, err);
out:
	close(fd);
	bos_buf_release(&b);
	return ret;
}

int bos_profile_default(struct bos_profile **out, struct bos_err *err)
{
	return bos_profile_parse("<default>", default_profile, sizeof(default_profile) - 1, out,
				 err);
}

static void strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void http_rule_release(struct bos_profile_http_rule *r)
{
	size_t i;

	free(r->host);
	free(r->path);
	free(r->reason);
	for (i = 0; i < r->n_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static void host_release(struct bos_profile_host *h)
{
	size_t i;

	for (i = 0; i < h->n_http; i++)
		http_rule_release(&h->http[i]);
	free(h->http);
	strv_free(h->c2.argv);
	strv_free(h->c2.env);
	free(h->c2.cwd);
	free(h->comment);
	memset(h, 0, sizeof(*h));
}

void bos_profile_free(struct bos_profile *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_names; i++) {
		free(p->names[i].pattern);
		free(p->names[i].addrs);
	}
	free(p->names);
	free(p->dns_default.pattern);
	free(p->dns_default.addrs);
	for (i = 0; i < p->n_hosts; i++)
		host_release(&p->hosts[i]);
	free(p->hosts);
	http_rule_release(&p->sinkhole_http);
	free(p->path);
	free(p->dir);
	free(p->name);
	free(p->description);
	free(p->lab.hostname);
	free(p->lab.user);
	free(p->text);
	free(p);
}

int bos_profile_save(const struct bos_profile *p, const char *path, struct bos_err *err)
{
	struct bos_buf tmp = BOS_BUF_INIT;
	int fd, ret = 0;

	bos_buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = bos_err_sys(err, "profile copy %s", tmp.data);
		goto out;
	}
	if (inet_write_all(fd, p->text, p->text_len) < 0)
		ret = bos_err_sys(err, "profile copy %s: write", tmp.data);
	if (!ret && fsync(fd) < 0)
		ret = bos_err_sys(err, "profile copy %s: fsync", tmp.data);
	if (close(fd) < 0 && !ret)
		ret = bos_err_sys(err, "profile copy %s: close", tmp.data);
	if (!ret && rename(tmp.data, path) < 0)
		ret = bos_err_sys(err, "profile copy %s", path);
	if (ret)
		unlink(tmp.data);
out:
	bos_buf_release(&tmp);
	return ret;
}

/* --- matching --- */

/* Does the lower-case pattern (exact or "*.suffix") match name (lower case)? */
static bool name_match(const char *pattern, const char *name, size_t name_len)
{
	size_t plen = strlen(pattern);

	if (pattern[0] != '*')
		return plen == name_len && !memcmp(pattern, name, name_len);
	if (plen == 1)
		return true;
	/* "*.x.y": name must end in ".x.y" and have at least one more label. */
	return name_len > plen - 1 && !memcmp(name + name_len - (plen - 1), pattern + 1, plen - 1);
}

static size_t lower_name(const char *in, char *out, size_t cap)
{
	size_t i, n = strlen(in);

	if (n && in[n - 1] == '.')
		n--;
	if (n >= cap)
		n = cap - 1;
	for (i = 0; i < n; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] + 32 : in[i]);
	out[n] = 0;
	return n;
}

const struct bos_profile_name *bos_profile_match_name(const struct bos_profile *p,
						      const char *qname)
{
	const struct bos_profile_name *best = NULL;
	size_t best_len = 0, i, n;
	char name[256];

	n = lower_name(qname, name, sizeof(name));
	for (i = 0; i < p->n_names; i++) {
		const char *pat = p->names[i].pattern;

		if (pat[0] != '*' && name_match(pat, name, n))
			return &p->names[i];
	}
	for (i = 0; i < p->n_names; i++) {
		const char *pat = p->names[i].pattern;

		if (pat[0] == '*' && strlen(pat) > best_len && name_match(pat, name, n)) {
			best = &p->names[i];
			best_len = strlen(pat);
		}
	}
	return best ? best : &p->dns_default;
}

static bool cidr_match(const struct bos_profile_cidr *net, const struct bos_profile_addr *a)
{
	unsigned i, full = net->prefix / 8, rest = net->prefix % 8;

	if (net->addr.family != a->family)
		return false;
	for (i = 0; i < full; i++)
		if (net->addr.a[i] != a->a[i])
			return false;
	if (rest && ((net->addr.a[full] ^ a->a[full]) & (uint8_t)(0xff << (8 - rest))))
		return false;
	return true;
}

const struct bos_profile_host *bos_profile_match_host(const struct bos_profile *p,
						      const struct bos_profile_addr *addr,
						      enum bos_profile_proto proto, uint16_t port)
{
	size_t i;

	for (i = 0; i < p->n_hosts; i++) {
		const struct bos_profile_host *h = &p->hosts[i];

		if (h->proto != BOS_PROFILE_PROTO_ANY && proto != BOS_PROFILE_PROTO_ANY &&
		    h->proto != proto)
			continue;
		if (port < h->port_lo || port > h->port_hi)
			continue;
		if (cidr_match(&h->net, addr))
			return h;
	}
	return NULL;
}

const struct bos_profile_http_rule *bos_profile_match_http(const struct bos_profile_host *h,
							   const char *host, const char *path)
{
	char name[256];
	char *colon;
	size_t i, n;

	n = lower_name(host ? host : "", name, sizeof(name));
	colon = strrchr(name, ':');
	if (colon && !strchr(name, ']')) {	/* "host:port" but not a bare IPv6 literal */
		*colon = 0;
		n = (size_t)(colon - name);
	}
	for (i = 0; i < h->n_http; i++) {
		const struct bos_profile_http_rule *r = &h->http[i];

		if (r->host && !name_match(r->host, name, n))
			continue;
		if (r->path && (!path || strncmp(path, r->path, strlen(r->path))))
			continue;
		return r;
	}
	return NULL;
}

char *bos_profile_addr_str(const struct bos_profile_addr *a, char *dst, size_t len)
{
	if (!inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->a, dst, (socklen_t)len))
		snprintf(dst, len, "?");
	return dst;
}
