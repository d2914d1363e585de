/*
 * report.html (bos/report.h, docs/report.md): one self-contained page, rendered into a
 * buffer top to bottom. Layout and colours are in the inline stylesheet; the visual
 * timeline is inline SVG computed here; there is no script. Every string that came from
 * the case passes through E()/EV() (bos_html_escape); only literals of this file are
 * written raw. Output is deterministic: no clock, no random, fixed orders.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_int.h"
#include "bos/clock.h"
#include "bos/limits.h"

#define SVG_W 960
#define SVG_LEFT 120
#define SVG_RIGHT 20
#define BURST_GAP_NS (120LL * 1000000000LL)

struct page {
	struct bos_buf *o;
	struct rp_case *c;
	int64_t t0;		/* time origin: the sample's start (or the first record) */
};

static void raw(struct page *p, const char *s)
{
	bos_buf_addstr(p->o, s);
}

static void rawf(struct page *p, const char *fmt, ...) BOS_PRINTF(2, 3);

static void rawf(struct page *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bos_buf_vaddf(p->o, fmt, ap);
	va_end(ap);
}

/* Escaped text from the case. */
static void E(struct page *p, const char *s)
{
	bos_html_escape_str(p->o, s);
}

/* Escaped JSON value (strings, b64 objects, numbers). */
static void EV(struct page *p, struct json_object *v)
{
	struct bos_buf b = BOS_BUF_INIT;

	rp_text(&b, v);
	bos_html_escape(p->o, b.data, b.len);
	bos_buf_release(&b);
}

static void utc(struct page *p, int64_t ns)
{
	char t[40];

	bos_clock_rfc3339(t, sizeof(t), ns);
	/* 2026-11-18T11:06:40.123456789Z -> 2026-11-18 11:06:40.123 */
	t[10] = ' ';
	t[23] = '\0';
	E(p, t);
}

static void offset(struct page *p, int64_t ns)
{
	int64_t d = ns - p->t0;
	const char *sign = d < 0 ? "-" : "+";

	if (d < 0)
		d = -d;
	if (d < 60LL * 1000000000LL)
		rawf(p, "T%s%" PRId64 ".%01" PRId64 "s", sign, (int64_t)(d / 1000000000LL),
		     (int64_t)((d % 1000000000LL) / 100000000LL));
	else
		rawf(p, "T%s%" PRId64 "m%02" PRId64 "s", sign, (int64_t)(d / 60000000000LL),
		     (int64_t)((d / 1000000000LL) % 60));
}

/* "2026-11-18T11:06:40.123456789Z" -> ns since the epoch; 0 if not in that shape. */
static int64_t parse_ts(struct json_object *v)
{
	const char *s;
	struct tm tm = { .tm_sec = 0 };
	int y, mo, d, h, mi, se, n = 0;
	int64_t frac = 0, scale = 100000000LL;

	if (!v || !json_object_is_type(v, json_type_string))
		return 0;
	s = json_object_get_string(v);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6)
		return 0;
	if (s[n] == '.')
		for (n++; s[n] >= '0' && s[n] <= '9' && scale > 0; n++, scale /= 10)
			frac += (s[n] - '0') * scale;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	return (int64_t)timegm(&tm) * 1000000000LL + frac;
}

/* ---------- level explanations (DESIGN.md section 4) ---------- */

static const char *const level_meaning[9] = {
	"not graded",
	"no traffic: the sample could not run, or is not malware",
	"ran, but produced no traffic",
	"traffic, C2 not reached: the C2 name did not resolve",
	"traffic, C2 not reached: only SYN sent (or refused)",
	"traffic, C2 answered but refused (403, 404, 503, TLS alert ...)",
	"C2 session established, no attacker operation seen",
	"attacker operations observed",
	"attacker operations observed, and continuing",
};

static const struct {
	const char *reason;
	const char *text;
} reasons[] = {
	{ "not_run", "the sample's process failed to start or never ran" },
	{ "no_evidence", "no process data and no traffic: level 1 and 2 cannot be told apart" },
	{ "no_traffic", "the sample ran but sent nothing on the network" },
	{ "no_c2_traffic", "there was traffic, but none to a C2 candidate" },
	{ "nxdomain", "the C2 name did not exist (NXDOMAIN)" },
	{ "servfail", "the resolver failed on the C2 name (SERVFAIL)" },
	{ "dns_refused", "the resolver refused the query" },
	{ "dns_no_answer", "the DNS query for the C2 name was never answered" },
	{ "no_address", "the C2 name resolved to no address" },
	{ "not_contacted", "the C2 name resolved but was never contacted" },
	{ "no_answer", "connection attempts to the C2 were never answered (SYN only)" },
	{ "refused", "the C2 refused the connection (RST)" },
	{ "proxy_connect_fail", "the proxy could not connect to the C2" },
	{ "http_refused", "the C2 answered with an HTTP error status" },
	{ "proxy_refused", "the proxy relayed an HTTP error from the C2" },
	{ "tls_alert", "the C2 ended the TLS handshake with an alert" },
	{ "tls_failed", "the TLS handshake with the C2 never completed" },
	{ "closed_no_data", "the connection was closed without data both ways" },
	{ "http_ok", "the C2 answered HTTP with success" },
	{ "proxy_ok", "the C2 was reached through the proxy" },
	{ "tls_data", "a TLS session with the C2 carried data both ways" },
	{ "payload_both", "a session with the C2 carried data both ways" },
	{ "operations", "after data from the C2 the sample's processes ran commands, touched "
			"files, moved in the LAN or sent data out" },
	{ "bursts", "operations came in two or more separate bursts" },
	{ "sessions", "operations followed two or more C2 sessions" },
};

static const char *reason_text(const char *r)
{
	for (size_t i = 0; r && i < BOS_ARRAY_SIZE(reasons); i++)
		if (!strcmp(reasons[i].reason, r))
			return reasons[i].text;
	return NULL;
}

/* ---------- page parts ---------- */

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
	"color:#1d232a;background:#f4f6f8}"
	"header{background:#1d2733;color:#fff;padding:18px 28px}"
	"header h1{margin:0;font-size:20px;font-weight:600}"
	"header .sub{color:#b9c4d0;font-size:13px;margin-top:4px}"
	"main{padding:18px 28px;max-width:1280px}"
	"section{background:#fff;border:1px solid #dde3e9;border-radius:6px;margin:0 0 18px;"
	"padding:14px 18px}"
	"h2{font-size:16px;margin:0 0 10px}h3{font-size:14px;margin:14px 0 6px}"
	"table{border-collapse:collapse;width:100%;font-size:13px}"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #edf0f3;"
	"vertical-align:top}"
	"th{background:#f7f9fb;font-weight:600}"
	"code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;"
	"word-break:break-all}"
	".level{display:flex;gap:18px;align-items:center}"
	".badge{font-size:38px;font-weight:700;color:#fff;border-radius:8px;padding:6px 18px;"
	"min-width:44px;text-align:center}"
	".l1,.l2{background:#6b7785}.l3,.l4{background:#2f7fc1}.l5{background:#c48a12}"
	".l6{background:#d86a14}.l7{background:#c8321f}.l8{background:#8e1b10}.l0{background:#999}"
	".pill{display:inline-block;border-radius:9px;padding:0 7px;font-size:11px;"
	"font-weight:600;white-space:nowrap}"
	".op{background:#fde2c4;color:#8a3d00}.auto{background:#e6e9ed;color:#47515c}"
	".c2p{background:#d6e6f7;color:#134a7c}"
	"tr.c2 td{background:#f3f8fd}"
	".muted{color:#6b7785}.tech,td.t{white-space:nowrap}"
	"ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:18px}"
	"ul.tree{padding-left:0}ul.tree li{margin:3px 0}"
	"ul.tree ul{border-left:1px dashed #c3ccd5;margin-left:6px}"
	"dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}"
	"dl.kv dt{color:#6b7785}dl.kv dd{margin:0}"
	"ul.caveats li{margin:3px 0}"
	"svg text{font:11px system-ui,sans-serif;fill:#333}"
	"footer{color:#6b7785;font-size:12px;padding:0 28px 24px}";

static void head(struct page *p, const char *title)
{
	raw(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "style-src 'unsafe-inline'; img-src data:\">\n"
	       "<meta name=\"referrer\" content=\"no-referrer\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<title>bos report: ");
	E(p, title);
	raw(p, "</title>\n<style>");
	raw(p, css);
	raw(p, "</style>\n</head>\n<body>\n");
}

static int64_t level_of(struct json_object *a)
{
	int64_t l = -1;

	if (!rp_int(a, "level", &l) || l < 0 || l > 8)
		return -1;
	return l;
}

static void section_level(struct page *p)
{
	struct json_object *a = p->c->analysis;
	int64_t l = level_of(a);
	const char *reason = rp_str(a, "reason"), *rt = reason_text(reason);
	const char *decided = rp_str(a, "decided_by");
	struct json_object *c2 = rp_get(a, "c2"), *best = NULL;

	raw(p, "<section id=\"level-section\">\n<h2>Progress level</h2>\n");
	if (l < 0) {
		raw(p, "<p id=\"level\" data-level=\"\">Not analysed: run <code>bos analyze</code> "
		       "on the case first. The timeline below is built from the case's files.</p>\n"
		       "</section>\n");
		return;
	}
	rawf(p, "<div class=\"level\"><div id=\"level\" data-level=\"%" PRId64
		"\" class=\"badge l%" PRId64 "\">%" PRId64 "</div><div>", l, l, l);
	rawf(p, "<div style=\"font-size:17px;font-weight:600\">Level %" PRId64 ": %s</div>", l,
	     level_meaning[l]);
	raw(p, "<div>");
	if (rt)
		E(p, rt);
	else if (reason)
		E(p, reason);
	raw(p, "</div>");
	if (decided) {
		raw(p, "<div class=\"muted\">decided by C2 candidate <code>");
		E(p, decided);
		raw(p, "</code></div>");
	}
	raw(p, "</div></div>\n");
	/* First time each level was reached. */
	{
		struct json_object *fr = rp_get(a, "first_reached");

		if (fr && json_object_is_type(fr, json_type_object) &&
		    json_object_object_length(fr) > 0) {
			raw(p, "<h3>Levels reached</h3>\n<table id=\"levels-reached\"><tr><th>level"
			       "</th><th>first reached</th><th>offset</th></tr>\n");
			json_object_object_foreach(fr, k, v)
			{
				int64_t ns = parse_ts(v);

				raw(p, "<tr><td>");
				E(p, k);
				raw(p, "</td><td>");
				EV(p, v);
				raw(p, "</td><td class=\"mono\">");
				if (ns && p->t0)
					offset(p, ns);
				raw(p, "</td></tr>\n");
			}
			raw(p, "</table>\n");
		}
	}
	/* Evidence of the deciding candidate. */
	for (size_t i = 0; c2 && json_object_is_type(c2, json_type_array) &&
			   i < json_object_array_length(c2);
	     i++) {
		struct json_object *x = json_object_array_get_idx(c2, i);
		const char *cand = rp_str(x, "candidate");

		if (!best || (decided && cand && !strcmp(cand, decided)))
			best = x;
		if (decided && cand && !strcmp(cand, decided))
			break;
	}
	if (best) {
		struct json_object *ev = rp_get(best, "evidence");

		raw(p, "<h3>Evidence</h3>\n<table id=\"evidence\"><tr><th>kind</th><th>level</th>"
		       "<th>reason</th><th>time</th><th>record</th></tr>\n");
		size_t nev = ev && json_object_is_type(ev, json_type_array)
				     ? json_object_array_length(ev) : 0;

		for (size_t i = 0; i < nev && i < 12; i++) {
			struct json_object *e = json_object_array_get_idx(ev, i);
			bool first = true;

			raw(p, "<tr><td>");
			EV(p, rp_get(e, "kind"));
			raw(p, "</td><td>");
			EV(p, rp_get(e, "level"));
			raw(p, "</td><td>");
			EV(p, rp_get(e, "reason"));
			raw(p, "</td><td>");
			EV(p, rp_get(e, "ts"));
			raw(p, "</td><td class=\"mono\">");
			json_object_object_foreach(e, k, v)
			{
				if (!strcmp(k, "kind") || !strcmp(k, "level") ||
				    !strcmp(k, "reason") || !strcmp(k, "ts") ||
				    json_object_is_type(v, json_type_null) ||
				    json_object_is_type(v, json_type_array))
					continue;
				if (!first)
					raw(p, " ");
				first = false;
				E(p, k);
				raw(p, "=");
				EV(p, v);
			}
			raw(p, "</td></tr>\n");
		}
		raw(p, "</table>\n");
		if (nev > 12)
			rawf(p, "<p class=\"muted\">12 of %zu evidence records shown; all are in "
				"analysis.json.</p>\n", nev);
	}
	raw(p, "</section>\n");
}

static void section_sample(struct page *p)
{
	struct json_object *f = rp_sample_file(p->c), *h = rp_get(f, "hashes");
	struct json_object *m = p->c->manifest;

	raw(p, "<section id=\"sample\">\n<h2>Sample</h2>\n<dl class=\"kv\">\n");
	raw(p, "<dt>name</dt><dd><code>");
	EV(p, rp_get(f, "name") ? rp_get(f, "name") : rp_get(p->c->analysis, "sample"));
	raw(p, "</code></dd>\n<dt>size</dt><dd>");
	EV(p, rp_get(f, "size"));
	raw(p, " bytes</dd>\n<dt>type</dt><dd>");
	EV(p, rp_get(f, "mime_type"));
	raw(p, "</dd>\n");
	if (h && json_object_is_type(h, json_type_object)) {
		json_object_object_foreach(h, k, v)
		{
			raw(p, "<dt>");
			E(p, k);
			raw(p, "</dt><dd><code>");
			EV(p, v);
			raw(p, "</code></dd>\n");
		}
	}
	if (!f)
		raw(p, "<dt>hashes</dt><dd class=\"muted\">no sample.stix.json in the case</dd>\n");
	raw(p, "<dt>case</dt><dd><code>");
	EV(p, rp_get(m, "case_id") ? rp_get(m, "case_id") : rp_get(p->c->analysis, "case_id"));
	raw(p, "</code></dd>\n");
	if (m) {
		struct json_object *cpl = rp_get(m, "complete");

		raw(p, "<dt>complete</dt><dd>");
		EV(p, cpl);
		if (rp_get(m, "incomplete_reason")) {
			raw(p, " (");
			EV(p, rp_get(m, "incomplete_reason"));
			raw(p, ")");
		}
		raw(p, "</dd>\n");
	}
	if (p->t0) {
		raw(p, "<dt>started</dt><dd>");
		utc(p, p->t0);
		raw(p, " UTC</dd>\n");
	}
	raw(p, "</dl>\n</section>\n");
}

static bool failed_outcome(const char *o)
{
	static const char *const bad[] = { "NXDOMAIN", "SERVFAIL", "REFUSED", "no answer", "S0",
					   "REJ", "RSTR", "RSTO", "no response", "not established",
					   "refused", "failed", "timed_out", "net_unreachable",
					   "host_unreachable" };

	if (!o)
		return false;
	if (!strncmp(o, "HTTP 4", 6) || !strncmp(o, "HTTP 5", 6))
		return true;
	for (size_t i = 0; i < BOS_ARRAY_SIZE(bad); i++)
		if (!strcmp(o, bad[i]))
			return true;
	return false;
}

struct scale {
	int64_t t0, t1;
};

static double sx(const struct scale *s, int64_t ts)
{
	double w = SVG_W - SVG_LEFT - SVG_RIGHT;

	return SVG_LEFT + (double)(ts - s->t0) * w / (double)(s->t1 - s->t0);
}

static void svg_title(struct page *p, const struct bos_tl_entry *e)
{
	raw(p, "<title>");
	offset(p, e->ts_ns);
	raw(p, " ");
	E(p, e->summary);
	if (e->outcome) {
		raw(p, " -> ");
		E(p, e->outcome);
	}
	for (size_t t = 0; t < e->ntechniques; t++) {
		raw(p, t ? ", " : " [");
		E(p, e->techniques[t]);
	}
	raw(p, e->ntechniques ? "]</title>" : "</title>");
}

/* Levels reached, as (ts, level) points from analysis.json first_reached. */
static size_t level_points(struct page *p, int64_t *ts, int *lv, size_t max)
{
	struct json_object *fr = rp_get(p->c->analysis, "first_reached");
	size_t n = 0;

	if (!fr || !json_object_is_type(fr, json_type_object))
		return 0;
	json_object_object_foreach(fr, k, v)
	{
		char *end;
		long l = strtol(k, &end, 10);
		int64_t t = parse_ts(v);

		if (*end || l < 1 || l > 8 || !t || n >= max)
			continue;
		ts[n] = t;
		lv[n] = (int)l;
		n++;
	}
	/* sort by time, then level */
	for (size_t i = 1; i < n; i++)
		for (size_t m = i; m > 0 && (ts[m] < ts[m - 1] ||
					     (ts[m] == ts[m - 1] && lv[m] < lv[m - 1]));
		     m--) {
			int64_t tt = ts[m];
			int ll = lv[m];

			ts[m] = ts[m - 1];
			lv[m] = lv[m - 1];
			ts[m - 1] = tt;
			lv[m - 1] = ll;
		}
	return n;
}

static void section_visual(struct page *p)
{
	const struct bos_timeline *tl = &p->c->tl;
	struct scale s = { p->t0, p->t0 };
	int64_t lts[16];
	int llv[16];
	size_t nl = level_points(p, lts, llv, 16), burst = 0;
	int64_t gap = BURST_GAP_NS;
	const int y_c2 = 40, y_op = 100, y_auto = 150, y_lv = 190, h_lv = 96;
	const int height = y_lv + h_lv + 40;

	for (size_t i = 0; i < tl->n; i++) {
		int64_t end = tl->entries[i].ts_ns + tl->entries[i].dur_ns;

		if (!s.t0 || tl->entries[i].ts_ns < s.t0)
			s.t0 = tl->entries[i].ts_ns;
		if (end > s.t1)
			s.t1 = end;
	}
	for (size_t i = 0; i < nl; i++)
		if (lts[i] > s.t1)
			s.t1 = lts[i];
	if (s.t1 <= s.t0)
		s.t1 = s.t0 + 1000000000LL;
	/* a little room on the right so the last marker is not on the edge */
	s.t1 += (s.t1 - s.t0) / 50;

	raw(p, "<section id=\"visual\">\n<h2>At a glance</h2>\n");
	rawf(p, "<svg id=\"timeline-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%%\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"timeline of the case\">\n",
	     SVG_W, height);
	/* lanes */
	rawf(p, "<text x=\"8\" y=\"%d\">C2 contacts</text>", y_c2 + 4);
	rawf(p, "<text x=\"8\" y=\"%d\">operator</text>", y_op + 4);
	rawf(p, "<text x=\"8\" y=\"%d\">automatic</text>", y_auto + 4);
	rawf(p, "<text x=\"8\" y=\"%d\">level</text>", y_lv + h_lv / 2);
	for (int y = y_c2; y <= y_auto; y += (y == y_c2 ? y_op - y_c2 : y_auto - y_op))
		rawf(p, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e3e7eb\"/>\n",
		     SVG_LEFT, y, SVG_W - SVG_RIGHT, y);
	/* x axis with 6 ticks */
	for (int k = 0; k <= 5; k++) {
		int64_t t = s.t0 + (s.t1 - s.t0) * k / 5;
		double x = sx(&s, t);

		rawf(p, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" stroke=\"#f0f2f4\"/>", x,
		     x, y_lv + h_lv);
		rawf(p, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x, height - 12);
		offset(p, t);
		raw(p, "</text>\n");
	}
	/* operator bursts: operator-driven entries closer than BURST_GAP_NS */
	/* bursts as the classifier cut them: its gap setting, else its default */
	{
		int64_t gap_ms = 0;

		if (rp_int(rp_get(p->c->analysis, "settings"), "gap_ms", &gap_ms) && gap_ms > 0)
			gap = gap_ms * 1000000LL;
	}
	for (size_t i = 0; i < tl->n;) {
		size_t k, n = 0;
		int64_t first, last;

		if (!tl->entries[i].operator_driven) {
			i++;
			continue;
		}
		first = last = tl->entries[i].ts_ns;
		for (k = i; k < tl->n; k++) {
			if (!tl->entries[k].operator_driven)
				continue;
			if (tl->entries[k].ts_ns - last > gap)
				break;
			last = tl->entries[k].ts_ns;
			n++;
		}
		burst++;
		{
			double x0 = sx(&s, first) - 3, x1 = sx(&s, last) + 3;

			rawf(p, "<rect class=\"burst\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
				"height=\"30\" rx=\"4\" fill=\"#fde2c4\"><title>burst %zu: %zu "
				"operations</title></rect>\n",
			     x0, y_op - 15, x1 - x0, burst, n);
			rawf(p, "<text x=\"%.1f\" y=\"%d\">burst %zu &#183; %zu ops</text>\n", x0,
			     y_op - 19, burst, n);
		}
		i = k;
	}
	for (size_t i = 0; i < tl->n; i++) {
		const struct bos_tl_entry *e = &tl->entries[i];
		double x = sx(&s, e->ts_ns);

		if (e->kind == BOS_TL_C2_CONTACT) {
			const char *col = failed_outcome(e->outcome) ? "#d0021b" : "#2f7fc1";

			if (e->dur_ns > 0) {
				double w = sx(&s, e->ts_ns + e->dur_ns) - x;

				rawf(p, "<rect class=\"c2-session\" x=\"%.1f\" y=\"%d\" "
					"width=\"%.1f\" height=\"14\" rx=\"3\" fill=\"%s\" "
					"opacity=\"0.75\">",
				     x, y_c2 - 7, w < 3 ? 3 : w, col);
				svg_title(p, e);
				raw(p, "</rect>\n");
			} else {
				rawf(p, "<circle class=\"c2-contact\" cx=\"%.1f\" cy=\"%d\" "
					"r=\"5\" fill=\"%s\">",
				     x, y_c2, col);
				svg_title(p, e);
				raw(p, "</circle>\n");
			}
		} else if (e->kind == BOS_TL_SAMPLE_START) {
			rawf(p, "<path d=\"M%.1f %d l6 10 h-12 z\" fill=\"#1d2733\">", x,
			     y_auto - 5);
			svg_title(p, e);
			raw(p, "</path>\n");
		} else {
			int y = e->operator_driven ? y_op : y_auto;
			const char *col = e->operator_driven ? "#e8740c" : "#8a949e";

			rawf(p, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"3\" height=\"18\" "
				"fill=\"%s\">",
			     e->operator_driven ? "op-mark" : "auto-mark", x - 1.5, y - 9, col);
			svg_title(p, e);
			raw(p, "</rect>\n");
		}
	}
	/* level step line */
	if (nl) {
		double px = SVG_LEFT;
		int plv = 1;

		raw(p, "<path fill=\"none\" stroke=\"#8e1b10\" stroke-width=\"2\" d=\"");
		rawf(p, "M%d %.1f", SVG_LEFT, y_lv + h_lv - (double)plv * h_lv / 8.0);
		for (size_t i = 0; i < nl; i++) {
			double x = sx(&s, lts[i]), y = y_lv + h_lv - (double)llv[i] * h_lv / 8.0;

			rawf(p, " L%.1f %.1f L%.1f %.1f", x, y_lv + h_lv - (double)plv * h_lv / 8.0,
			     x, y);
			px = x;
			plv = llv[i];
		}
		rawf(p, " L%d %.1f\"/>\n", SVG_W - SVG_RIGHT,
		     y_lv + h_lv - (double)plv * h_lv / 8.0);
		(void)px;
		for (size_t i = 0; i < nl; i++) {
			if (i + 1 < nl && lts[i + 1] == lts[i])
				continue;	/* label only the highest level of one instant */
			rawf(p, "<text class=\"level-mark\" x=\"%.1f\" y=\"%.1f\">L%d</text>\n",
			     sx(&s, lts[i]) + 3, y_lv + h_lv - (double)llv[i] * h_lv / 8.0 - 3,
			     llv[i]);
		}
	} else {
		rawf(p, "<text x=\"%d\" y=\"%d\" class=\"muted\">no levels recorded (case not "
			"analysed)</text>\n",
		     SVG_LEFT, y_lv + h_lv / 2);
	}
	raw(p, "</svg>\n<p class=\"muted\">Blue: C2 contacts and sessions (red: failed). "
	       "Orange: operations that followed C2 data (operator-driven), grouped in bursts "
	       "(the classifier's gap). "
	       "Grey: automatic activity. Triangle: sample start. Hover a mark for details.</p>\n"
	       "</section>\n");
}

static void pill_driven(struct page *p, const struct bos_tl_entry *e)
{
	if (e->kind == BOS_TL_C2_CONTACT)
		raw(p, "<span class=\"pill c2p\">C2</span>");
	else if (e->operator_driven)
		raw(p, "<span class=\"pill op\">operator</span>");
	else
		raw(p, "<span class=\"pill auto\">automatic</span>");
}

static void tech_link(struct page *p, const char *id)
{
	char path[32];
	size_t k = 0;

	/* T1059.004 -> techniques/T1059/004/ : ids are validated by the rule parser, but the
	 * href is escaped all the same. */
	for (const char *s = id; *s && k + 1 < sizeof(path); s++)
		path[k++] = *s == '.' ? '/' : *s;
	path[k] = '\0';
	raw(p, "<a class=\"tech\" href=\"https://attack.mitre.org/techniques/");
	E(p, path);
	raw(p, "/\" title=\"");
	E(p, bos_attack_name(id) ? bos_attack_name(id) : id);
	raw(p, "\">");
	E(p, id);
	raw(p, "</a>");
}

static void section_timeline(struct page *p)
{
	const struct bos_timeline *tl = &p->c->tl;

	raw(p, "<section id=\"timeline\">\n<h2>Timeline</h2>\n");
	if (!tl->n) {
		raw(p, "<p class=\"muted\">No timeline entries (no process.jsonl and no network "
		       "logs in the case).</p></section>\n");
		return;
	}
	raw(p, "<table id=\"timeline-table\"><tr><th>time</th><th>kind</th><th>driven</th>"
	       "<th>what</th><th>actor</th><th>ATT&amp;CK</th><th>evidence</th></tr>\n");
	for (size_t i = 0; i < tl->n; i++) {
		const struct bos_tl_entry *e = &tl->entries[i];

		rawf(p, "<tr class=\"tl-row%s\" data-kind=\"%s\"><td class=\"mono t\" title=\"",
		     e->kind == BOS_TL_C2_CONTACT ? " c2" : "", bos_tl_kind_name(e->kind));
		utc(p, e->ts_ns);
		raw(p, " UTC\">");
		offset(p, e->ts_ns);
		rawf(p, "</td><td>%s</td><td>", bos_tl_kind_name(e->kind));
		pill_driven(p, e);
		raw(p, "</td><td><code>");
		E(p, e->summary);
		raw(p, "</code>");
		if (e->outcome) {
			raw(p, " &rarr; <b>");
			E(p, e->outcome);
			raw(p, "</b>");
		}
		if (e->repeats)
			rawf(p, " <span class=\"muted\">(&times;%zu)</span>", e->repeats + 1);
		if (e->has_out_bytes && e->out_bytes)
			rawf(p, " <span class=\"muted\">%s %" PRIu64 " B</span>",
			     e->kind == BOS_TL_COMMAND || e->kind == BOS_TL_SAMPLE_START ? "wrote"
											  : "sent",
			     e->out_bytes);
		raw(p, "</td><td class=\"mono\">");
		for (size_t a = 0; a < e->nancestry; a++) {
			if (a)
				raw(p, " &rsaquo; ");
			E(p, e->ancestry[a]);
		}
		if (e->pid >= 0)
			rawf(p, " <span class=\"muted\">(pid %" PRId32 ")</span>", e->pid);
		raw(p, "</td><td>");
		for (size_t t = 0; t < e->ntechniques; t++) {
			if (t)
				raw(p, " ");
			tech_link(p, e->techniques[t]);
		}
		raw(p, "</td><td class=\"mono muted\">");
		for (size_t v = 0; v < e->nevidence && v < 2; v++) {
			if (v)
				raw(p, "<br>");
			E(p, e->evidence[v]);
		}
		{
			size_t total = e->repeats + 1 > e->nevidence ? e->repeats + 1
								      : e->nevidence;
			size_t shown = e->nevidence < 2 ? e->nevidence : 2;

			if (total > shown)
				rawf(p, "<br>(+%zu more)", total - shown);
		}
		if (e->trigger) {
			raw(p, "<br>after ");
			E(p, e->trigger);
		}
		raw(p, "</td></tr>\n");
	}
	raw(p, "</table>\n");
	if (tl->dropped)
		rawf(p, "<p class=\"muted\">%" PRIu64 " more entries over the cap were left out."
			"</p>\n",
		     tl->dropped);
	raw(p, "</section>\n");
}

static void section_techniques(struct page *p)
{
	const struct bos_timeline *tl = &p->c->tl;

	raw(p, "<section id=\"techniques\">\n<h2>ATT&amp;CK techniques</h2>\n");
	if (!tl->ntechniques) {
		raw(p, "<p class=\"muted\">No rule matched.</p></section>\n");
		return;
	}
	raw(p, "<p>Sequence: <span id=\"technique-sequence\" class=\"mono\">");
	for (size_t i = 0; i < tl->ntechniques; i++) {
		if (i)
			raw(p, " &rarr; ");
		E(p, tl->techniques[i].id);
	}
	raw(p, "</span></p>\n<table><tr><th>#</th><th>technique</th><th>name</th><th>tactics</th>"
	       "<th>first use</th><th>times</th></tr>\n");
	for (size_t i = 0; i < tl->ntechniques; i++) {
		const struct bos_tl_technique *t = &tl->techniques[i];

		rawf(p, "<tr><td>%zu</td><td>", i + 1);
		tech_link(p, t->id);
		raw(p, "</td><td>");
		E(p, t->name ? t->name : "");
		raw(p, "</td><td>");
		for (size_t a = 0; a < t->ntactics; a++) {
			if (a)
				raw(p, ", ");
			E(p, t->tactics[a]);
		}
		raw(p, "</td><td class=\"mono\">");
		offset(p, t->first_ns);
		rawf(p, "</td><td>%zu</td></tr>\n", t->count);
	}
	raw(p, "</table>\n</section>\n");
}

/* ---------- process tree ---------- */

struct tree {
	size_t *first;		/* first child of each process, SIZE_MAX none */
	size_t *next;		/* next sibling */
};

static void tree_node(struct page *p, const struct tree *t, size_t idx, int depth,
		      size_t *shown)
{
	const struct bos_timeline *tl = &p->c->tl;
	const struct bos_tl_proc *q = &tl->procs[idx];

	if (*shown >= BOS_REPORT_MAX_ROWS)
		return;
	(*shown)++;
	raw(p, "<li class=\"proc\"><code>");
	E(p, q->image ? q->image : "?");
	raw(p, "</code>");
	if (q->pid >= 0)
		rawf(p, " <span class=\"muted\">pid %" PRId32 "</span>", q->pid);
	if (!q->root && q->start_ns)
		raw(p, q->operator_driven ? " <span class=\"pill op\">operator</span>"
					  : " <span class=\"pill auto\">automatic</span>");
	if (q->root)
		raw(p, " <span class=\"pill c2p\">sample</span>");
	if (q->cmdline) {
		raw(p, "<br><code class=\"cmdline\">");
		E(p, q->cmdline);
		raw(p, "</code>");
	}
	if (q->start_ns) {
		raw(p, " <span class=\"muted\">");
		offset(p, q->start_ns);
		if (q->out_bytes)
			rawf(p, ", wrote %" PRIu64 " B", q->out_bytes);
		raw(p, "</span>");
	}
	/* A fork chain deeper than anyone reads is cut (the count below says so). */
	if (t->first[idx] != SIZE_MAX && depth < 64) {
		raw(p, "<ul>");
		for (size_t k = t->first[idx]; k != SIZE_MAX; k = t->next[k])
			tree_node(p, t, k, depth + 1, shown);
		raw(p, "</ul>");
	}
	raw(p, "</li>\n");
}

static void section_tree(struct page *p)
{
	const struct bos_timeline *tl = &p->c->tl;
	struct tree t;
	size_t shown = 0, *last;

	raw(p, "<section>\n<h2>Process tree</h2>\n");
	if (!tl->nprocs) {
		raw(p, "<p id=\"proctree\" class=\"muted\">No process data in the case.</p>"
		       "</section>\n");
		return;
	}
	t.first = malloc(tl->nprocs * sizeof(*t.first));
	t.next = malloc(tl->nprocs * sizeof(*t.next));
	last = malloc(tl->nprocs * sizeof(*last));
	if (!t.first || !t.next || !last)
		BOS_BUG("out of memory");
	for (size_t i = 0; i < tl->nprocs; i++)
		t.first[i] = t.next[i] = last[i] = SIZE_MAX;
	/* children in order of appearance */
	for (size_t i = 0; i < tl->nprocs; i++) {
		size_t par = tl->procs[i].parent_idx;

		if (par >= tl->nprocs || par == i)
			continue;
		if (last[par] == SIZE_MAX)
			t.first[par] = i;
		else
			t.next[last[par]] = i;
		last[par] = i;
	}
	raw(p, "<ul id=\"proctree\" class=\"tree\">\n");
	for (size_t i = 0; i < tl->nprocs; i++)
		if (tl->procs[i].parent_idx >= tl->nprocs || tl->procs[i].parent_idx == i)
			tree_node(p, &t, i, 0, &shown);
	raw(p, "</ul>\n");
	if (shown < tl->nprocs)
		rawf(p, "<p class=\"muted\">%zu of %zu processes shown.</p>\n", shown, tl->nprocs);
	raw(p, "</section>\n");
	free(t.first);
	free(t.next);
	free(last);
}

/* ---------- network ---------- */

struct rows {
	struct page *p;
	const char *const *cols;	/* JSON keys, NULL-terminated */
	size_t n;
	const char *c2key;		/* key whose value marks a C2 row */
	const char *c2key2;
};

static void row_fn(struct json_object *o, void *arg)
{
	struct rows *r = arg;
	struct page *p = r->p;
	bool c2 = rp_is_c2(p->c, rp_str(o, r->c2key)) ||
		  (r->c2key2 && rp_is_c2(p->c, rp_str(o, r->c2key2)));

	if (++r->n > BOS_REPORT_MAX_ROWS)
		return;
	raw(p, c2 ? "<tr class=\"c2\">" : "<tr>");
	for (size_t i = 0; r->cols[i]; i++) {
		struct json_object *v = rp_get(o, r->cols[i]);

		raw(p, "<td class=\"mono\">");
		if (!strcmp(r->cols[i], "ts")) {
			int64_t ns = 0;

			if (v && (json_object_is_type(v, json_type_double) ||
				  json_object_is_type(v, json_type_int)))
				ns = (int64_t)(json_object_get_double(v) * 1e9);
			if (ns)
				offset(p, ns);
		} else if (v && json_object_is_type(v, json_type_array)) {
			for (size_t k = 0; k < json_object_array_length(v) && k < 16; k++) {
				if (k)
					raw(p, ", ");
				EV(p, json_object_array_get_idx(v, k));
			}
		} else {
			EV(p, v);
		}
		raw(p, "</td>");
	}
	raw(p, "</tr>\n");
}

static void log_table(struct page *p, const char *title, const char *file, const char *id,
		      const char *const *cols, const char *const *heads, const char *c2key,
		      const char *c2key2)
{
	struct rows r = { p, cols, 0, c2key, c2key2 };
	size_t at;

	rawf(p, "<h3>%s</h3>\n", title);
	at = p->o->len;
	rawf(p, "<table id=\"%s\"><tr>", id);
	for (size_t i = 0; heads[i]; i++)
		rawf(p, "<th>%s</th>", heads[i]);
	raw(p, "</tr>\n");
	rp_each_log(p->c, file, row_fn, &r);
	raw(p, "</table>\n");
	if (!r.n) {
		bos_buf_setlen(p->o, at);
		rawf(p, "<p class=\"muted\">none (%s not in the case)</p>\n", file);
	} else if (r.n > BOS_REPORT_MAX_ROWS) {
		rawf(p, "<p class=\"muted\">%zu of %zu records shown.</p>\n",
		     (size_t)BOS_REPORT_MAX_ROWS, r.n);
	}
}

static void section_network(struct page *p)
{
	static const char *const dns_c[] = { "ts", "query", "qtype_name", "rcode_name", "answers",
					     "id.resp_h", NULL };
	static const char *const dns_h[] = { "time", "query", "type", "rcode", "answers",
					     "resolver", NULL };
	static const char *const http_c[] = { "ts", "method", "host", "uri", "status_code",
					      "request_body_len", "user_agent", NULL };
	static const char *const http_h[] = { "time", "method", "host", "uri", "status",
					      "request body", "user agent", NULL };
	static const char *const tls_c[] = { "ts", "server_name", "version", "established",
					     "last_alert", "id.resp_h", NULL };
	static const char *const tls_h[] = { "time", "SNI", "version", "established", "alert",
					     "server", NULL };
	static const char *const conn_c[] = { "ts", "proto", "id.resp_h", "id.resp_p",
					      "conn_state", "orig_bytes", "resp_bytes", "duration",
					      NULL };
	static const char *const conn_h[] = { "time", "proto", "server", "port", "state",
					      "bytes out", "bytes in", "duration s", NULL };
	struct json_object *c2 = rp_get(p->c->analysis, "c2");

	raw(p, "<section id=\"network\">\n<h2>Network</h2>\n<h3>C2 candidates</h3>\n");
	if (c2 && json_object_is_type(c2, json_type_array) && json_object_array_length(c2)) {
		raw(p, "<table id=\"c2-table\"><tr><th>candidate</th><th>addresses</th><th>level"
		       "</th><th>reason</th><th>first seen</th><th>operations</th></tr>\n");
		for (size_t i = 0; i < json_object_array_length(c2) && i < BOS_REPORT_MAX_ROWS;
		     i++) {
			struct json_object *x = json_object_array_get_idx(c2, i);
			struct json_object *ad = rp_get(x, "addresses");

			raw(p, "<tr class=\"c2\"><td><code>");
			EV(p, rp_get(x, "candidate"));
			raw(p, "</code></td><td class=\"mono\">");
			for (size_t k = 0; ad && json_object_is_type(ad, json_type_array) &&
					   k < json_object_array_length(ad) && k < 16;
			     k++) {
				if (k)
					raw(p, ", ");
				EV(p, json_object_array_get_idx(ad, k));
			}
			raw(p, "</td><td>");
			EV(p, rp_get(x, "level"));
			raw(p, "</td><td>");
			EV(p, rp_get(x, "reason"));
			raw(p, "</td><td class=\"mono\">");
			EV(p, rp_get(x, "first_seen"));
			raw(p, "</td><td>");
			EV(p, rp_get(x, "operations"));
			raw(p, "</td></tr>\n");
		}
		raw(p, "</table>\n");
	} else {
		raw(p, "<p class=\"muted\">none recorded (no analysis.json, or no C2 candidate)"
		       "</p>\n");
	}
	log_table(p, "DNS", "dns.jsonl", "dns-table", dns_c, dns_h, "query", NULL);
	log_table(p, "HTTP", "http.jsonl", "http-table", http_c, http_h, "host", "id.resp_h");
	log_table(p, "TLS", "tls.jsonl", "tls-table", tls_c, tls_h, "server_name", "id.resp_h");
	log_table(p, "Connections", "conn.jsonl", "conn-table", conn_c, conn_h, "id.resp_h",
		  NULL);
	raw(p, "</section>\n");
}

static void section_caveats(struct page *p, const struct bos_report_opts *o)
{
	struct json_object *cv = rp_get(p->c->analysis, "caveats");
	const struct bos_timeline *tl = &p->c->tl;

	(void)o;
	raw(p, "<section id=\"caveats-section\">\n<h2>Caveats</h2>\n<ul id=\"caveats\" "
	       "class=\"caveats\">\n");
	for (size_t i = 0; cv && json_object_is_type(cv, json_type_array) &&
			   i < json_object_array_length(cv) && i < BOS_REPORT_MAX_ROWS;
	     i++) {
		raw(p, "<li>");
		EV(p, json_object_array_get_idx(cv, i));
		raw(p, "</li>\n");
	}
	if (!p->c->analysis)
		raw(p, "<li>the case has no analysis.json: no level, no C2 candidates (every "
		       "destination outside the private ranges was taken as one)</li>\n");
	if (!tl->have_process)
		raw(p, "<li>no process.jsonl: no commands, files or process tree</li>\n");
	if (!tl->have_net)
		raw(p, "<li>no network logs and no capture: C2 contacts come from the process "
		       "events only</li>\n");
	if (p->c->net_error[0]) {
		raw(p, "<li>network engine: ");
		E(p, p->c->net_error);
		raw(p, "</li>\n");
	}
	if (tl->bad_lines)
		rawf(p, "<li>%" PRIu64 " input lines were not valid JSON and were skipped</li>\n",
		     tl->bad_lines);
	if (tl->dropped)
		rawf(p, "<li>%" PRIu64 " timeline entries over the cap were dropped</li>\n",
		     tl->dropped);
	if (p->c->rules.nskipped)
		rawf(p, "<li>%zu Sigma rule files were not loaded (unsupported features or "
			"errors; <code>bos report --rules</code> lists them)</li>\n",
		     p->c->rules.nskipped);
	rawf(p, "<li>operator-driven means: within %" PRId64 " s after data from a C2 "
		"candidate arrived (causality window)</li>\n",
	     (int64_t)(tl->window_ns / 1000000000LL));
	raw(p, "</ul>\n</section>\n");
}

void bos_report_info_release(struct bos_report_info *in)
{
	for (size_t i = 0; i < in->nskipped_rules; i++)
		free(in->skipped_rules[i]);
	free(in->skipped_rules);
	memset(in, 0, sizeof(*in));
}

int bos_report_html(struct bos_buf *out, const char *case_dir, const struct bos_report_opts *o,
		    struct bos_report_info *info, struct bos_err *err)
{
	struct rp_case c;
	struct page p = { .o = out, .c = &c };
	struct bos_buf title = BOS_BUF_INIT;
	struct json_object *f;
	int ret;

	ret = rp_case_load(&c, case_dir, o, err);
	if (ret)
		goto out;
	f = rp_sample_file(&c);
	rp_text(&title, rp_get(f, "name") ? rp_get(f, "name") : rp_get(c.analysis, "sample"));
	if (!title.len)
		bos_buf_addstr(&title, case_dir);
	for (size_t i = 0; i < c.tl.n; i++) {
		if (c.tl.entries[i].kind == BOS_TL_SAMPLE_START) {
			p.t0 = c.tl.entries[i].ts_ns;
			break;
		}
	}
	if (!p.t0 && c.tl.n)
		p.t0 = c.tl.entries[0].ts_ns;
	head(&p, title.data);
	raw(&p, "<header><h1>bos report &mdash; <span id=\"sample-name\">");
	E(&p, title.data);
	raw(&p, "</span></h1><div class=\"sub\">case <code>");
	EV(&p, rp_get(c.manifest, "case_id") ? rp_get(c.manifest, "case_id")
					      : rp_get(c.analysis, "case_id"));
	raw(&p, "</code>");
	if (level_of(c.analysis) >= 0)
		rawf(&p, " &middot; level %" PRId64 ": %s", level_of(c.analysis),
		     level_meaning[level_of(c.analysis)]);
	raw(&p, "</div></header>\n<main>\n");
	section_level(&p);
	section_visual(&p);
	section_sample(&p);
	section_timeline(&p);
	section_tree(&p);
	section_network(&p);
	section_techniques(&p);
	section_caveats(&p, o);
	raw(&p, "</main>\n<footer>Written by bos from the case's own files; every string from the "
		"case is escaped. This page runs no script and loads nothing.</footer>\n"
		"</body>\n</html>\n");
	if (info) {
		info->level = (int)level_of(c.analysis);
		info->entries = c.tl.n;
		info->techniques = c.tl.ntechniques;
		info->rules = c.rules.nrules;
		info->skipped_rules = c.rules.skipped;
		info->nskipped_rules = c.rules.nskipped;
		c.rules.skipped = NULL;
		c.rules.nskipped = 0;
	}
out:
	rp_case_release(&c);
	bos_buf_release(&title);
	return ret;
}
