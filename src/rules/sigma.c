/*
 * Sigma rules: parse (libyaml -> a small capped node tree -> rule) and match.
 * Reference: Sigma specification v2 (https://github.com/SigmaHQ/sigma-specification),
 * "Sigma Rules Specification" and "Sigma Modifiers Appendix".
 *
 * Design: libyaml turns bytes into events; we build a tree of at most BOS_SIGMA_MAX_NODES
 * nodes, each carrying its line:column, so every later semantic error can name where it is.
 * The detection is compiled once: plain values become wildcard programs (uint16_t: a byte
 * or GLOB_STAR / GLOB_ONE), `re` values a POSIX regex_t, `cidr` values a prefix. The
 * condition is parsed with a cursor over its text into a tree; `1 of sel*` is resolved to
 * selection indexes at parse time, so an unknown selection name is a parse error, not a
 * silent false at match time.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "bos/sigma.h"
#include "bos/buf.h"
#include "bos/cur.h"
#include "bos/escape.h"
#include "bos/limits.h"

/* ---------- YAML node tree ---------- */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ykind kind;
	unsigned line, col;	/* 1-based */
	char *str;		/* scalar text (NUL-terminated; embedded NULs rejected) */
	bool null;		/* plain scalar null / ~ / empty */
	bool plain;
	struct ynode **kids;	/* seq: items; map: key0, val0, key1, val1, ... */
	size_t nkids;
};

struct ytree {
	struct ynode **all;	/* every node, for freeing */
	size_t n, alloc;
};

struct pctx {
	const char *fname;
	struct bos_err *err;
};

static int perr(struct pctx *p, unsigned line, unsigned col, int code, const char *fmt, ...)
	BOS_PRINTF(5, 6);

static int perr(struct pctx *p, unsigned line, unsigned col, int code, const char *fmt, ...)
{
	char why[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return bos_err_set(p->err, code, "%s:%u:%u: %s%s", p->fname, line, col,
			   code == -BOS_ENOTIMPL ? "unsupported: " : "", why);
}

static int nerr(struct pctx *p, const struct ynode *n, int code, const char *fmt, ...)
	BOS_PRINTF(4, 5);

static int nerr(struct pctx *p, const struct ynode *n, int code, const char *fmt, ...)
{
	char why[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return perr(p, n->line, n->col, code, "%s", why);
}

/* An attacker-or-user-chosen string, escaped and cut for an error message. */
static const char *esc(char *dst, size_t len, const char *s)
{
	return bos_escape_str(dst, len, s ? s : "");
}

static void ytree_free(struct ytree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->all[i]->str);
		free(t->all[i]->kids);
		free(t->all[i]);
	}
	free(t->all);
	t->all = NULL;
	t->n = t->alloc = 0;
}

static struct ynode *ynode_new(struct ytree *t, enum ykind kind, const yaml_mark_t *m)
{
	struct ynode *n;

	if (t->n >= BOS_SIGMA_MAX_NODES)
		return NULL;
	if (t->n == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 64;
		struct ynode **all = realloc(t->all, na * sizeof(*all));

		if (!all)
			return NULL;
		t->all = all;
		t->alloc = na;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	t->all[t->n++] = n;
	return n;
}

static int ynode_add(struct ynode *parent, struct ynode *kid)
{
	struct ynode **k;

	/* Children are appended one at a time; grow by doubling when a power of two fills. */
	if ((parent->nkids & (parent->nkids - 1)) == 0) {
		size_t na = parent->nkids ? parent->nkids * 2 : 4;

		k = realloc(parent->kids, na * sizeof(*k));
		if (!k)
			return -ENOMEM;
		parent->kids = k;
	}
	parent->kids[parent->nkids++] = kid;
	return 0;
}

static bool scalar_is_null(const char *s, size_t len, bool plain)
{
	if (!plain)
		return false;
	return len == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

/* Parse data into one document tree. */
static int ytree_build(struct ytree *t, struct ynode **root, const void *data, size_t len,
		       struct pctx *p)
{
	struct ynode *stack[BOS_SIGMA_MAX_DEPTH];
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, docs = 0, ret = 0;
	bool done = false;

	*root = NULL;
	if (len > BOS_SIGMA_MAX_FILE_BYTES)
		return perr(p, 1, 1, -BOS_EINPUT, "rule file larger than %u bytes",
			    (unsigned)BOS_SIGMA_MAX_FILE_BYTES);
	if (!yaml_parser_initialize(&parser))
		return bos_err_set(p->err, -ENOMEM, "%s: yaml parser", p->fname);
	yaml_parser_set_input_string(&parser, data, len);
	while (!done) {
		struct ynode *n = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			ret = perr(p, (unsigned)parser.problem_mark.line + 1,
				   (unsigned)parser.problem_mark.column + 1, -BOS_EINPUT,
				   "YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
				   parser.context ? " " : "", parser.context ? parser.context : "");
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				ret = perr(p, (unsigned)ev.start_mark.line + 1,
					   (unsigned)ev.start_mark.column + 1, -BOS_ENOTIMPL,
					   "rule collections (several YAML documents in one file)");
			}
			break;
		case YAML_ALIAS_EVENT:
			ret = perr(p, (unsigned)ev.start_mark.line + 1,
				   (unsigned)ev.start_mark.column + 1, -BOS_ENOTIMPL,
				   "YAML aliases");
			break;
		case YAML_SCALAR_EVENT: {
			size_t sl = ev.data.scalar.length;

			n = ynode_new(t, Y_SCALAR, &ev.start_mark);
			if (!n)
				break;
			if (sl > BOS_MAX_STRING || memchr(ev.data.scalar.value, 0, sl)) {
				ret = perr(p, n->line, n->col, -BOS_EINPUT,
					   "scalar longer than %u bytes or with a NUL byte",
					   (unsigned)BOS_MAX_STRING);
				break;
			}
			n->str = malloc(sl + 1);
			if (!n->str) {
				ret = -ENOMEM;
				break;
			}
			memcpy(n->str, ev.data.scalar.value, sl);
			n->str[sl] = '\0';
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			n->null = scalar_is_null(n->str, sl, n->plain);
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
			n = ynode_new(t, Y_SEQ, &ev.start_mark);
			break;
		case YAML_MAPPING_START_EVENT:
			n = ynode_new(t, Y_MAP, &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		case YAML_NO_EVENT:
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
		default:
			break;
		}
		if (!ret && !done && !n &&
		    (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
		     ev.type == YAML_MAPPING_START_EVENT))
			ret = perr(p, (unsigned)ev.start_mark.line + 1,
				   (unsigned)ev.start_mark.column + 1, -BOS_ELIMIT,
				   "more than %u YAML nodes", (unsigned)BOS_SIGMA_MAX_NODES);
		if (!ret && n) {
			if (depth == 0) {
				if (!*root)
					*root = n;
			} else {
				ret = ynode_add(stack[depth - 1], n);
			}
			if (!ret && n->kind != Y_SCALAR) {
				if (depth >= BOS_SIGMA_MAX_DEPTH)
					ret = perr(p, n->line, n->col, -BOS_EINPUT,
						   "nesting deeper than %d", BOS_SIGMA_MAX_DEPTH);
				else
					stack[depth++] = n;
			}
		}
		yaml_event_delete(&ev);
		if (ret == -ENOMEM)
			ret = bos_err_set(p->err, -ENOMEM, "%s: out of memory", p->fname);
		if (ret)
			goto out;
	}
	if (!*root)
		ret = perr(p, 1, 1, -BOS_EINPUT, "empty document");
out:
	yaml_parser_delete(&parser);
	return ret;
}

static const struct ynode *map_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->nkids; i += 2)
		if (map->kids[i]->kind == Y_SCALAR && !strcmp(map->kids[i]->str, key))
			return map->kids[i + 1];
	return NULL;
}

/* ---------- compiled rule ---------- */

enum {
	GLOB_STAR = 256,
	GLOB_ONE = 257,
};

enum mod_flags {
	MOD_CONTAINS = 1u << 0,
	MOD_STARTSWITH = 1u << 1,
	MOD_ENDSWITH = 1u << 2,
	MOD_ALL = 1u << 3,
	MOD_RE = 1u << 4,
	MOD_CIDR = 1u << 5,
	MOD_EXISTS = 1u << 6,
};

struct mval {
	bool is_null;
	uint16_t *glob;
	size_t nglob;
	regex_t re;
	bool has_re;
	int af;			/* cidr: AF_INET / AF_INET6 */
	uint8_t net[16];
	unsigned bits;
	bool want;		/* exists: true/false */
};

struct matcher {
	char *field;
	unsigned mods;
	struct mval *vals;
	size_t nvals;
};

struct selmap {
	struct matcher *m;
	size_t n;
};

struct selection {
	char *name;
	struct selmap *maps;	/* ORed */
	size_t n;
};

enum cnode_kind { C_SEL, C_AND, C_OR, C_NOT, C_ANY_OF, C_ALL_OF };

struct cnode {
	enum cnode_kind kind;
	size_t sel;		/* C_SEL */
	struct cnode *a, *b;	/* C_AND/C_OR: a,b; C_NOT: a */
	size_t *sels;		/* C_ANY_OF/C_ALL_OF */
	size_t nsels;
};

struct bos_sigma_rule {
	struct bos_sigma_info info;
	char *file, *title, *id, *level;
	char **tech, **tact;
	struct selection *sels;
	size_t nsels;
	struct cnode *cond;
};

static const char *const cat_names[BOS_SIGMA_CAT_COUNT] = {
	[BOS_SIGMA_CAT_PROCESS_CREATION] = "process_creation",
	[BOS_SIGMA_CAT_FILE_EVENT] = "file_event",
	[BOS_SIGMA_CAT_NETWORK_CONNECTION] = "network_connection",
};

const char *bos_sigma_cat_name(enum bos_sigma_cat cat)
{
	if ((unsigned)cat >= BOS_SIGMA_CAT_COUNT)
		return NULL;
	return cat_names[cat];
}

static void cnode_free(struct cnode *c)
{
	if (!c)
		return;
	cnode_free(c->a);
	cnode_free(c->b);
	free(c->sels);
	free(c);
}

void bos_sigma_rule_free(struct bos_sigma_rule *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nsels; i++) {
		struct selection *s = &r->sels[i];

		for (size_t j = 0; j < s->n; j++) {
			for (size_t k = 0; k < s->maps[j].n; k++) {
				struct matcher *m = &s->maps[j].m[k];

				for (size_t v = 0; v < m->nvals; v++) {
					free(m->vals[v].glob);
					if (m->vals[v].has_re)
						regfree(&m->vals[v].re);
				}
				free(m->vals);
				free(m->field);
			}
			free(s->maps[j].m);
		}
		free(s->maps);
		free(s->name);
	}
	free(r->sels);
	cnode_free(r->cond);
	for (size_t i = 0; i < r->info.ntechniques; i++)
		free(r->tech[i]);
	for (size_t i = 0; i < r->info.ntactics; i++)
		free(r->tact[i]);
	free(r->tech);
	free(r->tact);
	free(r->file);
	free(r->title);
	free(r->id);
	free(r->level);
	free(r);
}

const struct bos_sigma_info *bos_sigma_rule_info(const struct bos_sigma_rule *r)
{
	return &r->info;
}

/* ---------- values ---------- */

/* Compile a Sigma plain value into a wildcard program. In Sigma, \ escapes *, ? and \;
 * any other backslash is literal (Windows paths). */
static int compile_glob(struct mval *v, const char *s, unsigned mods)
{
	size_t n = strlen(s), k = 0;
	uint16_t *g = malloc((n + 2) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	if (mods & (MOD_CONTAINS | MOD_ENDSWITH))
		g[k++] = GLOB_STAR;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' ||
					       s[i + 1] == '\\')) {
			g[k++] = (unsigned char)s[++i];
		} else if (c == '*') {
			g[k++] = GLOB_STAR;
		} else if (c == '?') {
			g[k++] = GLOB_ONE;
		} else {
			g[k++] = c;
		}
	}
	if (mods & (MOD_CONTAINS | MOD_STARTSWITH))
		g[k++] = GLOB_STAR;
	v->glob = g;
	v->nglob = k;
	return 0;
}

static unsigned char fold(unsigned c)
{
	return (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Iterative wildcard match with single backtrack point: O(len(p) * len(s)) worst case. */
static bool glob_match(const uint16_t *p, size_t pn, const char *s)
{
	size_t sn = strlen(s), pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;

	while (si < sn) {
		if (pi < pn && (p[pi] == GLOB_ONE ||
				(p[pi] < 256 && fold(p[pi]) == fold((unsigned char)s[si])))) {
			pi++;
			si++;
		} else if (pi < pn && p[pi] == GLOB_STAR) {
			star_p = pi++;
			star_s = si;
		} else if (star_p != SIZE_MAX) {
			pi = star_p + 1;
			si = ++star_s;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == GLOB_STAR)
		pi++;
	return pi == pn;
}

static int parse_cidr(struct mval *v, const char *s)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned maxbits;
	char *end;
	unsigned long bits;

	if (alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, v->net) == 1) {
		v->af = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, addr, v->net) == 1) {
		v->af = AF_INET6;
		maxbits = 128;
	} else {
		return -1;
	}
	if (!slash) {
		v->bits = maxbits;
		return 0;
	}
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	errno = 0;
	bits = strtoul(slash + 1, &end, 10);
	if (errno || *end || bits > maxbits)
		return -1;
	v->bits = (unsigned)bits;
	return 0;
}

static bool cidr_match(const struct mval *v, const char *s)
{
	uint8_t a[16];
	int af = strchr(s, ':') ? AF_INET6 : AF_INET;
	unsigned full, rest;

	if (af != v->af || inet_pton(af, s, a) != 1)
		return false;
	full = v->bits / 8;
	rest = v->bits % 8;
	if (memcmp(a, v->net, full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((a[full] & mask) != (v->net[full] & mask))
			return false;
	}
	return true;
}

static const struct {
	const char *name;
	unsigned flag;
} known_mods[] = {
	{ "contains", MOD_CONTAINS }, { "startswith", MOD_STARTSWITH },
	{ "endswith", MOD_ENDSWITH }, { "all", MOD_ALL },
	{ "re", MOD_RE },	      { "cidr", MOD_CIDR },
	{ "exists", MOD_EXISTS },
};

/* "Image|endswith|all" -> field + modifier flags. */
static int parse_key(struct pctx *p, const struct ynode *k, struct matcher *m)
{
	const char *s = k->str, *bar = strchr(s, '|');
	size_t flen = bar ? (size_t)(bar - s) : strlen(s);
	unsigned kinds;
	char e[96];

	if (flen == 0)
		return nerr(p, k, -BOS_ENOTIMPL, "keyword search (value without a field name)");
	m->field = strndup(s, flen);
	if (!m->field)
		return -ENOMEM;
	while (bar) {
		const char *mod = bar + 1;
		size_t mlen;
		unsigned flag = 0;

		bar = strchr(mod, '|');
		mlen = bar ? (size_t)(bar - mod) : strlen(mod);
		for (size_t i = 0; i < BOS_ARRAY_SIZE(known_mods); i++)
			if (strlen(known_mods[i].name) == mlen &&
			    !strncmp(known_mods[i].name, mod, mlen))
				flag = known_mods[i].flag;
		if (!flag) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)(mlen < 60 ? mlen : 60), mod);
			return nerr(p, k, -BOS_ENOTIMPL, "field modifier '%s'",
				    esc(e, sizeof(e), name));
		}
		m->mods |= flag;
	}
	kinds = m->mods & (MOD_CONTAINS | MOD_STARTSWITH | MOD_ENDSWITH | MOD_RE | MOD_CIDR |
			   MOD_EXISTS);
	if (kinds & (kinds - 1))
		return nerr(p, k, -BOS_EINPUT, "conflicting modifiers in '%s'",
			    esc(e, sizeof(e), s));
	return 0;
}

static int compile_value(struct pctx *p, const struct ynode *n, struct matcher *m,
			 struct mval *v)
{
	char e[96];

	if (n->kind != Y_SCALAR)
		return nerr(p, n, -BOS_EINPUT, "field '%s': value must be a scalar or a list "
			    "of scalars", esc(e, sizeof(e), m->field));
	if (m->mods & MOD_EXISTS) {
		if (!strcmp(n->str, "true") || !strcmp(n->str, "yes"))
			v->want = true;
		else if (!strcmp(n->str, "false") || !strcmp(n->str, "no"))
			v->want = false;
		else
			return nerr(p, n, -BOS_EINPUT, "|exists takes true or false");
		return 0;
	}
	if (n->null) {
		if (m->mods)
			return nerr(p, n, -BOS_EINPUT, "null value with a modifier");
		v->is_null = true;
		return 0;
	}
	if (m->mods & MOD_RE) {
		int rc = regcomp(&v->re, n->str, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			char why[128];

			regerror(rc, &v->re, why, sizeof(why));
			/* Sigma regexes are PCRE; what POSIX ERE rejects, we do not read. */
			return nerr(p, n, -BOS_ENOTIMPL, "regex not valid POSIX ERE: %s", why);
		}
		v->has_re = true;
		return 0;
	}
	if (m->mods & MOD_CIDR) {
		if (parse_cidr(v, n->str))
			return nerr(p, n, -BOS_EINPUT, "bad CIDR '%s'",
				    esc(e, sizeof(e), n->str));
		return 0;
	}
	return compile_glob(v, n->str, m->mods);
}

static int compile_matcher(struct pctx *p, const struct ynode *k, const struct ynode *val,
			   struct matcher *m)
{
	size_t n;
	int ret;

	if (k->kind != Y_SCALAR)
		return nerr(p, k, -BOS_EINPUT, "field name must be a scalar");
	ret = parse_key(p, k, m);
	if (ret)
		return ret;
	if (val->kind == Y_MAP)
		return nerr(p, val, -BOS_EINPUT, "field value cannot be a map");
	n = val->kind == Y_SEQ ? val->nkids : 1;
	if (n == 0)
		return nerr(p, val, -BOS_EINPUT, "empty value list");
	if ((m->mods & MOD_EXISTS) && n != 1)
		return nerr(p, val, -BOS_EINPUT, "|exists takes one value");
	m->vals = calloc(n, sizeof(*m->vals));
	if (!m->vals)
		return -ENOMEM;
	m->nvals = n;
	for (size_t i = 0; i < n && !ret; i++)
		ret = compile_value(p, val->kind == Y_SEQ ? val->kids[i] : val, m, &m->vals[i]);
	return ret;
}

static int compile_selmap(struct pctx *p, const struct ynode *map, struct selmap *sm)
{
	size_t n = map->nkids / 2;
	int ret = 0;

	if (n == 0)
		return nerr(p, map, -BOS_EINPUT, "empty selection");
	sm->m = calloc(n, sizeof(*sm->m));
	if (!sm->m)
		return -ENOMEM;
	sm->n = n;
	for (size_t i = 0; i < n && !ret; i++)
		ret = compile_matcher(p, map->kids[2 * i], map->kids[2 * i + 1], &sm->m[i]);
	return ret;
}

static int compile_selection(struct pctx *p, const struct ynode *name, const struct ynode *v,
			     struct selection *s)
{
	int ret = 0;

	s->name = strdup(name->str);
	if (!s->name)
		return -ENOMEM;
	if (v->kind == Y_SCALAR)
		return nerr(p, v, -BOS_ENOTIMPL, "keyword search (selection is a scalar)");
	if (v->kind == Y_MAP) {
		s->maps = calloc(1, sizeof(*s->maps));
		if (!s->maps)
			return -ENOMEM;
		s->n = 1;
		return compile_selmap(p, v, &s->maps[0]);
	}
	if (v->nkids == 0)
		return nerr(p, v, -BOS_EINPUT, "empty selection list");
	for (size_t i = 0; i < v->nkids; i++)
		if (v->kids[i]->kind != Y_MAP)
			return nerr(p, v->kids[i], -BOS_ENOTIMPL,
				    "keyword search (list of plain values)");
	s->maps = calloc(v->nkids, sizeof(*s->maps));
	if (!s->maps)
		return -ENOMEM;
	s->n = v->nkids;
	for (size_t i = 0; i < v->nkids && !ret; i++)
		ret = compile_selmap(p, v->kids[i], &s->maps[i]);
	return ret;
}

/* ---------- condition ---------- */

struct cparse {
	struct pctx *p;
	const struct ynode *node;
	const char *text;
	struct bos_cur c;
	struct bos_sigma_rule *r;
	int depth;
	char tok[128];		/* current token */
	size_t tokoff;		/* its offset in text, for the column */
};

static bool is_ident_char(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '*' || ch == '-' || ch == '.';
}

static int cerr(struct cparse *cp, int code, const char *fmt, ...) BOS_PRINTF(3, 4);

static int cerr(struct cparse *cp, int code, const char *fmt, ...)
{
	char why[256];
	unsigned col = cp->node->col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* Columns inside a plain single-line condition; good enough for block scalars. */
	if (cp->node->plain)
		col += (unsigned)cp->tokoff;
	return perr(cp->p, cp->node->line, col, code, "condition: %s", why);
}

/* Read the next token into cp->tok ("" at end). Tokens: ( ) | and identifiers/words. */
static int next_tok(struct cparse *cp)
{
	size_t k = 0;
	uint8_t ch;

	while (bos_cur_left(&cp->c) && (*cp->c.p == ' ' || *cp->c.p == '\t' ||
					 *cp->c.p == '\n' || *cp->c.p == '\r'))
		bos_cur_skip(&cp->c, 1);
	cp->tokoff = (size_t)(cp->c.p - (const uint8_t *)cp->text);
	cp->tok[0] = '\0';
	if (!bos_cur_left(&cp->c))
		return 0;
	ch = *cp->c.p;
	if (ch == '(' || ch == ')' || ch == '|') {
		cp->tok[0] = (char)bos_cur_u8(&cp->c);
		cp->tok[1] = '\0';
		return 0;
	}
	if (!is_ident_char(ch)) {
		char b[8];

		snprintf(b, sizeof(b), "\\x%02x", ch);
		return cerr(cp, -BOS_EINPUT, "unexpected character %s",
			    ch > 0x20 && ch < 0x7f ? (char[]){ (char)ch, 0 } : b);
	}
	while (bos_cur_left(&cp->c) && is_ident_char(*cp->c.p)) {
		if (k + 1 >= sizeof(cp->tok))
			return cerr(cp, -BOS_EINPUT, "name longer than %zu bytes",
				    sizeof(cp->tok) - 1);
		cp->tok[k++] = (char)bos_cur_u8(&cp->c);
	}
	cp->tok[k] = '\0';
	return 0;
}

static struct cnode *cnode_new(enum cnode_kind kind)
{
	struct cnode *c = calloc(1, sizeof(*c));

	if (c)
		c->kind = kind;
	return c;
}

/* fnmatch-like on selection names: only '*' is special (Sigma `1 of selection_*`). */
static bool name_match(const char *pat, const char *s)
{
	uint16_t g[sizeof(((struct cparse *)0)->tok)];
	size_t n = 0;

	for (; *pat && n < BOS_ARRAY_SIZE(g); pat++)
		g[n++] = *pat == '*' ? GLOB_STAR : (unsigned char)*pat;
	/* glob_match folds case; selection names are case-sensitive in Sigma. */
	for (size_t i = 0, j = 0; i < n; i++) {
		if (g[i] == GLOB_STAR)
			return glob_match(g, n, s);
		if (!s[j] || s[j++] != (char)g[i])
			return false;
	}
	return strlen(s) == n;
}

static int parse_or(struct cparse *cp, struct cnode **out);

static int parse_primary(struct cparse *cp, struct cnode **out)
{
	struct cnode *c = NULL;
	int ret;
	char e[96];

	if (!strcmp(cp->tok, "(")) {
		if (++cp->depth > BOS_SIGMA_MAX_COND_DEPTH)
			return cerr(cp, -BOS_EINPUT, "nested deeper than %d",
				    BOS_SIGMA_MAX_COND_DEPTH);
		if ((ret = next_tok(cp)) || (ret = parse_or(cp, out)))
			return ret;
		if (strcmp(cp->tok, ")"))
			return cerr(cp, -BOS_EINPUT, "expected ')'");
		cp->depth--;
		return next_tok(cp);
	}
	if (!strcmp(cp->tok, "1") || !strcmp(cp->tok, "all") || !strcmp(cp->tok, "any")) {
		bool all = !strcmp(cp->tok, "all");
		bool them;

		if ((ret = next_tok(cp)))
			return ret;
		if (strcmp(cp->tok, "of"))
			return cerr(cp, -BOS_EINPUT, "expected 'of'");
		if ((ret = next_tok(cp)))
			return ret;
		if (!cp->tok[0] || !is_ident_char((uint8_t)cp->tok[0]))
			return cerr(cp, -BOS_EINPUT, "expected a selection pattern or 'them'");
		them = !strcmp(cp->tok, "them");
		c = cnode_new(all ? C_ALL_OF : C_ANY_OF);
		if (!c || !(c->sels = calloc(cp->r->nsels ? cp->r->nsels : 1, sizeof(size_t)))) {
			cnode_free(c);
			return -ENOMEM;
		}
		for (size_t i = 0; i < cp->r->nsels; i++) {
			const char *nm = cp->r->sels[i].name;

			/* Sigma: `them` leaves out selections whose names start with '_'. */
			if (them ? nm[0] != '_' : name_match(cp->tok, nm))
				c->sels[c->nsels++] = i;
		}
		if (!c->nsels) {
			cnode_free(c);
			return cerr(cp, -BOS_EINPUT, "no selection matches '%s'",
				    esc(e, sizeof(e), cp->tok));
		}
		*out = c;
		return next_tok(cp);
	}
	if (!strcmp(cp->tok, "near"))
		return cerr(cp, -BOS_ENOTIMPL, "'near' (temporal correlation)");
	if (!cp->tok[0] || !strcmp(cp->tok, ")") || !strcmp(cp->tok, "|") ||
	    !strcmp(cp->tok, "and") || !strcmp(cp->tok, "or") || !strcmp(cp->tok, "of"))
		return cerr(cp, -BOS_EINPUT, "expected a selection name, got '%s'",
			    cp->tok[0] ? cp->tok : "end of condition");
	if (strchr(cp->tok, '*'))
		return cerr(cp, -BOS_EINPUT, "a wildcard name needs '1 of' or 'all of'");
	for (size_t i = 0; i < cp->r->nsels; i++) {
		if (!strcmp(cp->r->sels[i].name, cp->tok)) {
			c = cnode_new(C_SEL);
			if (!c)
				return -ENOMEM;
			c->sel = i;
			*out = c;
			return next_tok(cp);
		}
	}
	return cerr(cp, -BOS_EINPUT, "unknown selection '%s'", esc(e, sizeof(e), cp->tok));
}

static int parse_not(struct cparse *cp, struct cnode **out)
{
	struct cnode *c;
	int ret;

	if (strcmp(cp->tok, "not"))
		return parse_primary(cp, out);
	if (++cp->depth > BOS_SIGMA_MAX_COND_DEPTH)
		return cerr(cp, -BOS_EINPUT, "nested deeper than %d", BOS_SIGMA_MAX_COND_DEPTH);
	c = cnode_new(C_NOT);
	if (!c)
		return -ENOMEM;
	if ((ret = next_tok(cp)) || (ret = parse_not(cp, &c->a))) {
		cnode_free(c);
		return ret;
	}
	cp->depth--;
	*out = c;
	return 0;
}

static int parse_binary(struct cparse *cp, struct cnode **out, const char *op,
			enum cnode_kind kind, int (*sub)(struct cparse *, struct cnode **))
{
	struct cnode *left = NULL;
	int ret = sub(cp, &left);

	while (!ret && !strcmp(cp->tok, op)) {
		struct cnode *c = cnode_new(kind);

		if (!c) {
			ret = -ENOMEM;
			break;
		}
		c->a = left;
		left = c;
		if ((ret = next_tok(cp)))
			break;
		ret = sub(cp, &c->b);
	}
	if (ret) {
		cnode_free(left);
		return ret;
	}
	*out = left;
	return 0;
}

static int parse_and(struct cparse *cp, struct cnode **out)
{
	return parse_binary(cp, out, "and", C_AND, parse_not);
}

static int parse_or(struct cparse *cp, struct cnode **out)
{
	return parse_binary(cp, out, "or", C_OR, parse_and);
}

static int compile_condition(struct pctx *p, struct bos_sigma_rule *r, const struct ynode *n,
			     struct cnode **out)
{
	struct cparse cp = { .p = p, .node = n, .r = r };
	int ret;

	if (n->kind != Y_SCALAR || n->null)
		return nerr(p, n, -BOS_EINPUT, "condition must be a non-empty string");
	if (strlen(n->str) > BOS_SIGMA_MAX_COND_BYTES)
		return nerr(p, n, -BOS_EINPUT, "condition longer than %u bytes",
			    (unsigned)BOS_SIGMA_MAX_COND_BYTES);
	cp.text = n->str;
	cp.c = bos_cur_make(n->str, strlen(n->str));
	if ((ret = next_tok(&cp)) || (ret = parse_or(&cp, out)))
		return ret;
	if (!strcmp(cp.tok, "|")) {
		cnode_free(*out);
		*out = NULL;
		if (!next_tok(&cp) && !strcmp(cp.tok, "near"))
			return cerr(&cp, -BOS_ENOTIMPL, "'near' (temporal correlation)");
		return cerr(&cp, -BOS_ENOTIMPL, "aggregation ('| count()' and the like)");
	}
	if (cp.tok[0]) {
		char e[96];

		cnode_free(*out);
		*out = NULL;
		return cerr(&cp, -BOS_EINPUT, "unexpected '%s'", esc(e, sizeof(e), cp.tok));
	}
	return 0;
}

/* ---------- rule ---------- */

static bool is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int push_str(char ***arr, size_t *n, const char *s)
{
	char **a;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*arr)[i], s))
			return 0;
	if (*n >= BOS_SIGMA_MAX_TAGS)
		return 0;
	a = realloc(*arr, (*n + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	*arr = a;
	a[*n] = strdup(s);
	if (!a[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int parse_tags(struct pctx *p, struct bos_sigma_rule *r, const struct ynode *tags)
{
	int ret = 0;

	if (!tags)
		return 0;
	if (tags->kind != Y_SEQ)
		return nerr(p, tags, -BOS_EINPUT, "tags must be a list");
	for (size_t i = 0; i < tags->nkids && !ret; i++) {
		const struct ynode *t = tags->kids[i];
		const char *s;
		size_t n;

		if (t->kind != Y_SCALAR)
			return nerr(p, t, -BOS_EINPUT, "tag must be a string");
		if (strncmp(t->str, "attack.", 7))
			continue;	/* cve.*, tlp.*, car.*: not ours */
		s = t->str + 7;
		n = strlen(s);
		if ((s[0] == 't' || s[0] == 'T') && (n == 5 || n == 9) && is_digits(s + 1, 4) &&
		    (n == 5 || (s[5] == '.' && is_digits(s + 6, 3)))) {
			char id[10];

			memcpy(id, s, n + 1);
			id[0] = 'T';
			ret = push_str(&r->tech, &r->info.ntechniques, id);
		} else if ((s[0] == 'g' || s[0] == 's') && n == 5 && is_digits(s + 1, 4)) {
			continue;	/* groups and software */
		} else if (n > 0 && n < 40) {
			bool word = true;

			for (size_t j = 0; j < n; j++)
				if (!((s[j] >= 'a' && s[j] <= 'z') || s[j] == '_' || s[j] == '-'))
					word = false;
			if (word)
				ret = push_str(&r->tact, &r->info.ntactics, s);
		}
	}
	return ret;
}

static int parse_logsource(struct pctx *p, struct bos_sigma_rule *r, const struct ynode *ls)
{
	const struct ynode *cat = map_get(ls, "category");
	const struct ynode *prod = map_get(ls, "product");
	char e[96];

	if (!ls || ls->kind != Y_MAP)
		return perr(p, ls ? ls->line : 1, ls ? ls->col : 1, -BOS_EINPUT,
			    "missing or bad 'logsource' map");
	if (prod && (prod->kind != Y_SCALAR || strcmp(prod->str, "linux")))
		return nerr(p, prod, -BOS_ENOTIMPL, "logsource product '%s' (bos observes linux)",
			    esc(e, sizeof(e), prod->kind == Y_SCALAR ? prod->str : "?"));
	if (!cat)
		return nerr(p, ls, -BOS_ENOTIMPL, "logsource without a category");
	if (cat->kind != Y_SCALAR)
		return nerr(p, cat, -BOS_EINPUT, "category must be a string");
	for (int i = 0; i < BOS_SIGMA_CAT_COUNT; i++) {
		if (!strcmp(cat->str, cat_names[i])) {
			r->info.cat = (enum bos_sigma_cat)i;
			return 0;
		}
	}
	return nerr(p, cat, -BOS_ENOTIMPL, "logsource category '%s'",
		    esc(e, sizeof(e), cat->str));
}

static int opt_str(struct pctx *p, const struct ynode *root, const char *key, char **dst)
{
	const struct ynode *n = map_get(root, key);

	if (!n)
		return 0;
	if (n->kind != Y_SCALAR)
		return nerr(p, n, -BOS_EINPUT, "'%s' must be a string", key);
	*dst = strdup(n->str);
	return *dst ? 0 : -ENOMEM;
}

static int build_rule(struct pctx *p, const struct ynode *root, struct bos_sigma_rule *r)
{
	const struct ynode *det, *cond = NULL, *title;
	size_t nsel = 0;
	int ret;

	if (root->kind != Y_MAP)
		return nerr(p, root, -BOS_EINPUT, "a rule must be a YAML map");
	title = map_get(root, "title");
	if (!title || title->kind != Y_SCALAR || title->null)
		return nerr(p, title ? title : root, -BOS_EINPUT, "missing 'title'");
	if ((ret = opt_str(p, root, "title", &r->title)) ||
	    (ret = opt_str(p, root, "id", &r->id)) ||
	    (ret = opt_str(p, root, "level", &r->level)))
		return ret;
	if ((ret = parse_logsource(p, r, map_get(root, "logsource"))))
		return ret;
	det = map_get(root, "detection");
	if (!det || det->kind != Y_MAP)
		return nerr(p, det ? det : root, -BOS_EINPUT, "missing or bad 'detection' map");
	for (size_t i = 0; i + 1 < det->nkids; i += 2) {
		const struct ynode *k = det->kids[i];

		if (k->kind != Y_SCALAR)
			return nerr(p, k, -BOS_EINPUT, "detection keys must be strings");
		if (!strcmp(k->str, "condition"))
			cond = det->kids[i + 1];
		else if (!strcmp(k->str, "timeframe"))
			return nerr(p, k, -BOS_ENOTIMPL, "timeframe (aggregation)");
		else
			nsel++;
	}
	if (!cond)
		return nerr(p, det, -BOS_EINPUT, "detection without a 'condition'");
	if (!nsel)
		return nerr(p, det, -BOS_EINPUT, "detection without selections");
	if (nsel > BOS_SIGMA_MAX_SELECTIONS)
		return nerr(p, det, -BOS_ELIMIT, "more than %d selections",
			    BOS_SIGMA_MAX_SELECTIONS);
	r->sels = calloc(nsel, sizeof(*r->sels));
	if (!r->sels)
		return -ENOMEM;
	for (size_t i = 0; i + 1 < det->nkids; i += 2) {
		const struct ynode *k = det->kids[i];

		if (!strcmp(k->str, "condition"))
			continue;
		ret = compile_selection(p, k, det->kids[i + 1], &r->sels[r->nsels++]);
		if (ret)
			return ret;
	}
	if (cond->kind == Y_SEQ) {
		/* Sigma 1.0 allowed a list of conditions, meaning any of them. */
		if (cond->nkids != 1)
			return nerr(p, cond, -BOS_ENOTIMPL, "a list of several conditions");
		cond = cond->kids[0];
	}
	if ((ret = compile_condition(p, r, cond, &r->cond)))
		return ret;
	return parse_tags(p, r, map_get(root, "tags"));
}

int bos_sigma_parse(struct bos_sigma_rule **out, const void *data, size_t len, const char *fname,
		    struct bos_err *err)
{
	struct pctx p = { .fname = fname ? fname : "(rule)", .err = err };
	struct ytree t = { 0 };
	struct ynode *root = NULL;
	struct bos_sigma_rule *r = NULL;
	int ret;

	*out = NULL;
	ret = ytree_build(&t, &root, data, len, &p);
	if (ret)
		goto out;
	r = calloc(1, sizeof(*r));
	if (!r) {
		ret = -ENOMEM;
		goto out;
	}
	ret = build_rule(&p, root, r);
	if (ret)
		goto out;
	r->file = strdup(p.fname);	/* p.fname is never NULL */
	if (!r->file) {
		ret = -ENOMEM;
		goto out;
	}
	r->info.file = r->file;
	r->info.title = r->title;
	r->info.id = r->id;
	r->info.level = r->level;
	r->info.techniques = (const char *const *)r->tech;
	r->info.tactics = (const char *const *)r->tact;
	*out = r;
	r = NULL;
out:
	if (ret == -ENOMEM)
		ret = bos_err_set(err, -ENOMEM, "%s: out of memory", p.fname);
	bos_sigma_rule_free(r);
	ytree_free(&t);
	return ret;
}

/* ---------- matching ---------- */

static const char *ev_get(const struct bos_sigma_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->nfields; i++)
		if (ev->fields[i].name && !strcmp(ev->fields[i].name, name))
			return ev->fields[i].value;
	return NULL;
}

static bool value_match(const struct matcher *m, const struct mval *v, const char *s)
{
	if (v->is_null)
		return !s || !s[0];
	if (!s)
		return false;
	if (m->mods & MOD_RE)
		return regexec(&v->re, s, 0, NULL, 0) == 0;
	if (m->mods & MOD_CIDR)
		return cidr_match(v, s);
	return glob_match(v->glob, v->nglob, s);
}

static bool matcher_match(const struct matcher *m, const struct bos_sigma_event *ev)
{
	const char *s = ev_get(ev, m->field);

	if (m->mods & MOD_EXISTS)
		return (s != NULL) == m->vals[0].want;
	for (size_t i = 0; i < m->nvals; i++) {
		bool hit = value_match(m, &m->vals[i], s);

		if ((m->mods & MOD_ALL) && !hit)
			return false;
		if (!(m->mods & MOD_ALL) && hit)
			return true;
	}
	return (m->mods & MOD_ALL) != 0;
}

static bool selection_match(const struct selection *s, const struct bos_sigma_event *ev)
{
	for (size_t i = 0; i < s->n; i++) {
		bool all = true;

		for (size_t j = 0; j < s->maps[i].n && all; j++)
			all = matcher_match(&s->maps[i].m[j], ev);
		if (all)
			return true;
	}
	return false;
}

static bool cond_eval(const struct bos_sigma_rule *r, const struct cnode *c,
		      const struct bos_sigma_event *ev)
{
	switch (c->kind) {
	case C_SEL:
		return selection_match(&r->sels[c->sel], ev);
	case C_AND:
		return cond_eval(r, c->a, ev) && cond_eval(r, c->b, ev);
	case C_OR:
		return cond_eval(r, c->a, ev) || cond_eval(r, c->b, ev);
	case C_NOT:
		return !cond_eval(r, c->a, ev);
	case C_ANY_OF:
		for (size_t i = 0; i < c->nsels; i++)
			if (selection_match(&r->sels[c->sels[i]], ev))
				return true;
		return false;
	case C_ALL_OF:
		for (size_t i = 0; i < c->nsels; i++)
			if (!selection_match(&r->sels[c->sels[i]], ev))
				return false;
		return true;
	default:
		BOS_BUG("condition node kind %d", (int)c->kind);
	}
}

bool bos_sigma_match(const struct bos_sigma_rule *r, const struct bos_sigma_event *ev)
{
	if (r->info.cat != ev->cat)
		return false;
	return cond_eval(r, r->cond, ev);
}

/* ---------- sets ---------- */

void bos_sigma_set_init(struct bos_sigma_set *s)
{
	memset(s, 0, sizeof(*s));
}

void bos_sigma_set_release(struct bos_sigma_set *s)
{
	for (size_t i = 0; i < s->nrules; i++)
		bos_sigma_rule_free(s->rules[i]);
	for (size_t i = 0; i < s->nskipped; i++)
		free(s->skipped[i]);
	free(s->rules);
	free(s->skipped);
	bos_sigma_set_init(s);
}

static int add_skipped(struct bos_sigma_set *s, const char *msg)
{
	char **a = realloc(s->skipped, (s->nskipped + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	s->skipped = a;
	a[s->nskipped] = strdup(msg);
	if (!a[s->nskipped])
		return -ENOMEM;
	s->nskipped++;
	return 0;
}

static int read_file(const char *path, struct bos_buf *b, struct bos_err *err)
{
	char chunk[8192];
	FILE *f = fopen(path, "rbe");
	size_t n;
	int ret = 0;

	if (!f)
		return bos_err_sys(err, "open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > BOS_SIGMA_MAX_FILE_BYTES) {
			ret = bos_err_set(err, -BOS_ELIMIT, "%s: larger than %u bytes", path,
					  (unsigned)BOS_SIGMA_MAX_FILE_BYTES);
			break;
		}
		bos_buf_add(b, chunk, n);
	}
	if (!ret && ferror(f))
		ret = bos_err_sys(err, "read %s", path);
	fclose(f);
	return ret;
}

int bos_sigma_set_load_file(struct bos_sigma_set *s, const char *path, struct bos_err *err)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_err e = BOS_ERR_INIT;
	struct bos_sigma_rule *r = NULL;
	int ret;

	if (s->nrules >= BOS_SIGMA_MAX_RULES)
		return bos_err_set(err, -BOS_ELIMIT, "more than %u rules",
				   (unsigned)BOS_SIGMA_MAX_RULES);
	ret = read_file(path, &b, &e);
	if (!ret)
		ret = bos_sigma_parse(&r, b.data, b.len, path, &e);
	bos_buf_release(&b);
	if (ret == -ENOMEM)
		return bos_err_set(err, -ENOMEM, "%s", e.msg);
	if (ret)
		return add_skipped(s, e.msg) ? bos_err_set(err, -ENOMEM, "out of memory") : 0;
	{
		struct bos_sigma_rule **a = realloc(s->rules, (s->nrules + 1) * sizeof(*a));

		if (!a) {
			bos_sigma_rule_free(r);
			return bos_err_set(err, -ENOMEM, "out of memory");
		}
		s->rules = a;
		a[s->nrules++] = r;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && !strcmp(s + n - m, suf);
}

int bos_sigma_set_load_dir(struct bos_sigma_set *s, const char *dir, struct bos_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;

	if (!d)
		return bos_err_sys(err, "open rules directory %s", dir);
	while ((de = readdir(d))) {
		char **a;

		if (de->d_name[0] == '.' ||
		    !(has_suffix(de->d_name, ".yml") || has_suffix(de->d_name, ".yaml")))
			continue;
		if (n >= BOS_SIGMA_MAX_RULES) {
			ret = bos_err_set(err, -BOS_ELIMIT, "%s: more than %u rule files", dir,
					  (unsigned)BOS_SIGMA_MAX_RULES);
			goto out;
		}
		a = realloc(names, (n + 1) * sizeof(*a));
		if (!a || !(a[n] = strdup(de->d_name))) {
			names = a ? a : names;
			ret = bos_err_set(err, -ENOMEM, "out of memory");
			goto out;
		}
		names = a;
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && !ret; i++) {
		struct bos_buf path = BOS_BUF_INIT;

		bos_buf_addf(&path, "%s/%s", dir, names[i]);
		ret = bos_sigma_set_load_file(s, path.data, err);
		bos_buf_release(&path);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

size_t bos_sigma_set_match(const struct bos_sigma_set *s, const struct bos_sigma_event *ev,
			   void (*fn)(const struct bos_sigma_rule *r, void *arg), void *arg)
{
	size_t hits = 0;

	for (size_t i = 0; i < s->nrules; i++) {
		if (bos_sigma_match(s->rules[i], ev)) {
			hits++;
			if (fn)
				fn(s->rules[i], arg);
		}
	}
	return hits;
}

const char *bos_sigma_default_dir(void)
{
	const char *env = getenv("BOS_RULES_DIR");
	struct stat st;

	if (env && *env)
		return env;
	if (!stat(BOS_RULES_SRC_DIR, &st) && S_ISDIR(st.st_mode))
		return BOS_RULES_SRC_DIR;
	return BOS_RULES_INSTALL_DIR;
}
