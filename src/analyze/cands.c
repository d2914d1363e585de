/*
 * Who is a C2 candidate, and which facts belong to it (docs/levels.md "C2 candidates").
 *
 * Address classes: in a bos case the lab LAN is 10.66.0.0/24 with the lab's own services
 * at 10.66.0.1 and the link 10.255.255.0/30 (docs/lab.md); everything else is the
 * simulated internet. For a capture that is not a case, a private (RFC 1918 / ULA) peer in
 * the same /16 (/48) as the connection's originator is LAN. If such a capture has no peer
 * outside the LAN at all, the LAN peers are the candidates (an imported lab capture whose
 * C2 sits on the same network) and a caveat says so.
 *
 * Candidates come from the sample's DNS queries (minus noise: reverse lookups, .local,
 * WPAD/ISATAP, DNSBL-style names and search-suffix retries of a name that resolved), the
 * hosts of its proxy requests, the external addresses of its flows and process connects.
 * An address that a candidate name resolved to belongs to that name.
 */
#include "model.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bos/limits.h"

/* ---- a small string -> int map (open addressing; sized for the caps) ---- */

struct smap {
	const char **k;
	int *v;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static int smap_init(struct smap *m, size_t cap)
{
	size_t c = 64;

	while (c < cap * 2)
		c *= 2;
	m->k = calloc(c, sizeof(*m->k));
	m->v = calloc(c, sizeof(*m->v));
	m->cap = c;
	m->n = 0;
	return m->k && m->v ? 0 : -1;
}

static void smap_free(struct smap *m)
{
	free(m->k);
	free(m->v);
}

static int smap_get(const struct smap *m, const char *key)
{
	if (!key)
		return -1;
	for (size_t i = hash_str(key) & (m->cap - 1), n = 0; n < m->cap;
	     i = (i + 1) & (m->cap - 1), n++) {
		if (!m->k[i])
			return -1;
		if (!strcmp(m->k[i], key))
			return m->v[i];
	}
	return -1;
}

/* Insert if absent and there is room (kept at most half full). */
static void smap_put(struct smap *m, const char *key, int val)
{
	size_t i;

	if (!key || m->n * 2 >= m->cap)
		return;
	for (i = hash_str(key) & (m->cap - 1); m->k[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->k[i], key))
			return;
	m->k[i] = key;
	m->v[i] = val;
	m->n++;
}

/* ---- addresses ---- */

struct addr {
	int family;
	uint8_t a[16];
};

static bool parse_addr(const char *s, struct addr *out)
{
	if (!s)
		return false;
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return true;
	}
	return false;
}

static bool v4_in(const struct addr *x, uint8_t a, uint8_t b, uint8_t c, uint8_t d, unsigned pfx)
{
	uint32_t v =
	    (uint32_t)x->a[0] << 24 | (uint32_t)x->a[1] << 16 | (uint32_t)x->a[2] << 8 | x->a[3];
	uint32_t n = (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
	uint32_t mask = pfx ? 0xffffffffu << (32 - pfx) : 0;

	return x->family == AF_INET && (v & mask) == (n & mask);
}

static bool is_private(const struct addr *x)
{
	if (x->family == AF_INET)
		return v4_in(x, 10, 0, 0, 0, 8) || v4_in(x, 172, 16, 0, 0, 12) ||
		       v4_in(x, 192, 168, 0, 0, 16);
	return (x->a[0] & 0xfe) == 0xfc;	/* fc00::/7 */
}

bool ana_addr_private(const char *s)
{
	struct addr x;

	return parse_addr(s, &x) && is_private(&x);
}

/* Never a C2: multicast, broadcast, link-local, loopback, unspecified. */
static bool is_special(const struct addr *x)
{
	static const uint8_t zero[16];

	if (x->family == AF_INET)
		return v4_in(x, 224, 0, 0, 0, 4) || v4_in(x, 255, 255, 255, 255, 32) ||
		       v4_in(x, 169, 254, 0, 0, 16) || v4_in(x, 127, 0, 0, 0, 8) ||
		       v4_in(x, 0, 0, 0, 0, 8) || x->a[3] == 255;
	return x->a[0] == 0xff || (x->a[0] == 0xfe && (x->a[1] & 0xc0) == 0x80) ||
	       !memcmp(x->a, zero, 15);
}

static bool same_site(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->a[0] == b->a[0] && a->a[1] == b->a[1];
	return !memcmp(a->a, b->a, 6);
}

static bool lab_infra(const struct addr *x)
{
	return v4_in(x, 10, 66, 0, 1, 32) || v4_in(x, 10, 255, 255, 0, 30);
}

static bool lab_lan(const struct addr *x)
{
	return v4_in(x, 10, 66, 0, 0, 24);
}

/* The class of resp as seen from orig. */
static enum bos_cls_where where_of(const struct ana *a, const char *orig, const char *resp)
{
	struct addr o, r;
	bool have_o = parse_addr(orig, &o);

	if (!parse_addr(resp, &r) || is_special(&r))
		return BOS_CLS_WHERE_INFRA;
	if (a->lab) {
		if (lab_infra(&r) || (orig && !strcmp(orig, resp)))
			return BOS_CLS_WHERE_INFRA;
		return lab_lan(&r) ? BOS_CLS_WHERE_LAN : BOS_CLS_WHERE_EXTERNAL;
	}
	if (have_o && is_private(&o) && is_private(&r) && same_site(&o, &r))
		return BOS_CLS_WHERE_LAN;
	return BOS_CLS_WHERE_EXTERNAL;
}

/* In a case, only the victim's traffic is the sample's (not the proxy's own lookups). */
static bool from_victim(const struct ana *a, const char *orig)
{
	struct addr o;

	if (!a->lab)
		return true;
	if (!parse_addr(orig, &o))
		return false;
	return lab_lan(&o) && !lab_infra(&o);
}

static bool env_service_port(uint16_t port)
{
	switch (port) {
	case 53: case 67: case 68: case 123: case 137: case 138: case 546: case 547:
	case 1900: case 5353: case 5355:
		return true;
	default:
		return false;
	}
}

/* ---- names ---- */

/* Names compare case-insensitively and without the root's trailing dot. The whole name is
 * kept, however long: a truncated copy could make two different hostile names look equal. */
static const char *lower_name(struct ana *a, const char *s)
{
	size_t n;
	char *out;

	if (!s)
		return NULL;
	n = strlen(s);
	while (n && s[n - 1] == '.')
		n--;
	out = ana_strndup(a, s, n);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	return out;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t ls = strlen(s), lf = strlen(suf);

	return ls >= lf && !strcmp(s + ls - lf, suf);
}

static bool numeric_label(const char *p, const char **next)
{
	const char *q = p;

	while (*q >= '0' && *q <= '9')
		q++;
	if (q == p || q - p > 3 || *q != '.')
		return false;
	*next = q + 1;
	return true;
}

/* Lookups no C2 is behind: reverse DNS, link-local names, proxy auto-discovery, DNSBL. */
static bool noise_name(const char *q)
{
	const char *p = q;
	int labels = 0;

	if (!*q || ends_with(q, ".arpa") || ends_with(q, ".local") || !strcmp(q, "local") ||
	    ends_with(q, ".localdomain") || !strcmp(q, "localhost"))
		return true;
	if (!strncmp(q, "wpad", 4) && (q[4] == '.' || !q[4]))
		return true;
	if (!strncmp(q, "isatap", 6) && (q[6] == '.' || !q[6]))
		return true;
	while (labels < 4 && numeric_label(p, &p))
		labels++;
	return labels == 4;	/* 4.3.2.1.zen.example: a blocklist query about an address */
}

static int new_cand(struct ana *a, struct smap *names, struct smap *addrs, const char *name,
		    const char *addr)
{
	int idx;

	if (a->n_cands >= BOS_ANALYZE_MAX_CANDS) {
		a->facts_capped++;
		return -1;
	}
	if (!ana_grow(a, (void **)&a->cands, a->n_cands, &a->a_cands, sizeof(*a->cands)))
		return -1;
	idx = (int)a->n_cands++;
	a->cands[idx] = (struct bos_cls_cand){ .name = name, .addr = addr };
	if (name)
		smap_put(names, name, idx);
	if (addr)
		smap_put(addrs, addr, idx);
	return idx;
}

static int cand_for_name(struct ana *a, struct smap *names, struct smap *addrs, const char *name)
{
	int c = smap_get(names, name);

	return c >= 0 ? c : new_cand(a, names, addrs, name, NULL);
}

static int cand_for_addr(struct ana *a, struct smap *names, struct smap *addrs, const char *addr)
{
	int c = smap_get(addrs, addr);

	return c >= 0 ? c : new_cand(a, names, addrs, NULL, addr);
}

/* Strip ":port" (not from a bare IPv6 literal) and brackets. */
static const char *host_only(struct ana *a, const char *h)
{
	const char *colon;
	char buf[256];
	size_t n;

	if (!h || !*h)
		return NULL;
	if (h[0] == '[') {
		const char *rb = strchr(h, ']');

		n = rb ? (size_t)(rb - h - 1) : 0;
		if (!n || n >= sizeof(buf))
			return NULL;
		memcpy(buf, h + 1, n);
		buf[n] = 0;
		return ana_strdup(a, buf);
	}
	colon = strchr(h, ':');
	if (colon && strchr(colon + 1, ':'))
		return lower_name(a, h);	/* IPv6 without brackets */
	n = colon ? (size_t)(colon - h) : strlen(h);
	if (!n || n >= sizeof(buf))
		return NULL;
	memcpy(buf, h, n);
	buf[n] = 0;
	return lower_name(a, buf);
}

static bool is_ip(const char *s)
{
	struct addr x;

	return parse_addr(s, &x);
}

int ana_build_candidates(struct ana *a, struct bos_err *err)
{
	struct smap names = { 0 }, addrs = { 0 }, uids = { 0 }, resolved = { 0 }, queried = { 0 };
	bool any_external = false;
	int ret = 0;

	if (smap_init(&names, BOS_ANALYZE_MAX_CANDS) ||
	    smap_init(&addrs, 4 * BOS_ANALYZE_MAX_CANDS) || smap_init(&uids, a->n_flows + 1) ||
	    smap_init(&resolved, BOS_ANALYZE_MAX_CANDS) ||
	    smap_init(&queried, BOS_ANALYZE_MAX_CANDS)) {
		ret = bos_err_set(err, -12, "analyze: out of memory");
		goto out;
	}

	/* Flows: class, attribution, uid index. */
	for (size_t i = 0; i < a->n_flows; i++) {
		struct bos_cls_flow *fl = &a->flows[i];

		fl->where = where_of(a, fl->orig_h, fl->resp_h);
		if (env_service_port(fl->resp_p))
			fl->where = BOS_CLS_WHERE_INFRA;
		fl->from_sample = from_victim(a, fl->orig_h);
		if (fl->uid)
			smap_put(&uids, fl->uid, (int)i);
		any_external |= fl->from_sample && fl->where == BOS_CLS_WHERE_EXTERNAL;
	}
	if (!a->lab && !any_external) {
		for (size_t i = 0; i < a->n_flows; i++) {
			if (a->flows[i].where == BOS_CLS_WHERE_LAN) {
				a->flows[i].where = BOS_CLS_WHERE_EXTERNAL;
				a->lan_as_c2 = true;
			}
		}
	}

	/* DNS, HTTP and TLS records carry no packet number; their connection's first packet
	 * (same Zeek uid) is the one to look at. */
	for (size_t i = 0; i < a->n_dns; i++) {
		int f = smap_get(&uids, a->dns[i].uid);

		if (!a->dns[i].pkt && f >= 0)
			a->dns[i].pkt = a->flows[f].pkt;
	}
	for (size_t i = 0; i < a->n_http; i++) {
		int f = smap_get(&uids, a->http[i].uid);

		if (!a->http[i].pkt && f >= 0)
			a->http[i].pkt = a->flows[f].pkt;
	}
	for (size_t i = 0; i < a->n_tls; i++) {
		int f = smap_get(&uids, a->tls[i].uid);

		if (!a->tls[i].pkt && f >= 0)
			a->tls[i].pkt = a->flows[f].pkt;
	}

	/* DNS: names the sample asked for. First the names that resolved (for the
	 * search-suffix rule), then candidates. */
	for (size_t i = 0; i < a->n_dns; i++) {
		struct bos_cls_dns *d = &a->dns[i];

		d->query = lower_name(a, d->query);
		if (d->query && d->rcode == 0 && d->n_answers)
			smap_put(&resolved, d->query, 1);
		if (d->query)
			smap_put(&queried, d->query, 1);
	}
	for (size_t i = 0; i < a->n_dns; i++) {
		struct bos_cls_dns *d = &a->dns[i];
		bool noise;

		if (!d->query || !from_victim(a, a->dns_orig[i]))
			continue;
		noise = noise_name(d->query);
		for (const char *p = strchr(d->query, '.'); p && !noise; p = strchr(p + 1, '.')) {
			char head[256];
			size_t n = (size_t)(p - d->query);

			if (n >= sizeof(head))
				break;
			memcpy(head, d->query, n);
			head[n] = 0;
			/* A search-suffix retry ("c2.example.corp.lan") of a name that was asked
			 * for itself: noise if the name resolved, or if this retry failed too. */
			noise = smap_get(&resolved, head) >= 0 ||
				(d->rcode != 0 && smap_get(&queried, head) >= 0);
		}
		if (noise)
			continue;
		d->cand = cand_for_name(a, &names, &addrs, d->query);
		if (d->cand < 0 || !a->dns_answers[i])
			continue;
		/* Answers: "1.2.3.4, 5.6.7.8, alias.example" */
		for (const char *p = a->dns_answers[i]; *p;) {
			const char *e = strstr(p, ", ");
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char ans[64];

			if (n < sizeof(ans)) {
				memcpy(ans, p, n);
				ans[n] = 0;
				if (is_ip(ans)) {
					const char *s = ana_strdup(a, ans);

					smap_put(&addrs, s, d->cand);
					if (!a->cands[d->cand].addr)
						a->cands[d->cand].addr = s;
				}
			}
			p += n;
			if (e)
				p += 2;
		}
	}

	/* Proxy requests: the host is the candidate. */
	for (size_t i = 0; i < a->n_proxy; i++) {
		const char *h = lower_name(a, a->proxy[i].host);

		if (!h || !*h || !from_victim(a, a->proxy_client[i]))
			continue;
		a->proxy[i].host = h;
		a->proxy[i].cand = is_ip(h) ? cand_for_addr(a, &names, &addrs, h) :
					      cand_for_name(a, &names, &addrs, h);
	}

	/* Flows to the outside (and process connects) by address. */
	for (size_t i = 0; i < a->n_flows; i++) {
		struct bos_cls_flow *fl = &a->flows[i];

		if (!fl->from_sample || fl->where != BOS_CLS_WHERE_EXTERNAL)
			continue;
		fl->cand = cand_for_addr(a, &names, &addrs, fl->resp_h);
	}
	for (size_t i = 0; i < a->n_pevs; i++) {
		struct bos_cls_pev *pe = &a->pevs[i];

		if (pe->kind != BOS_CLS_PEV_CONNECT || !pe->addr)
			continue;
		pe->where = where_of(a, NULL, pe->addr);
		if (env_service_port(pe->port))
			pe->where = BOS_CLS_WHERE_INFRA;
		if (pe->where == BOS_CLS_WHERE_EXTERNAL)
			pe->cand = cand_for_addr(a, &names, &addrs, pe->addr);
	}

	/* Flows and the process connects that made them: the same Community ID (the tracer
	 * computes it from the socket's addresses). The link is evidence, not attribution:
	 * a lost tracer event must not turn the sample's traffic into someone else's. */
	a->flow_pev = malloc((a->n_flows + 1) * sizeof(*a->flow_pev));
	if (a->flow_pev) {
		struct smap cids = { 0 };

		for (size_t i = 0; i < a->n_flows; i++)
			a->flow_pev[i] = -1;
		if (!smap_init(&cids, a->n_pevs + 1)) {
			for (size_t i = 0; i < a->n_pevs; i++)
				if (a->pevs[i].kind == BOS_CLS_PEV_CONNECT &&
				    a->pevs[i].community_id)
					smap_put(&cids, a->pevs[i].community_id, (int)i);
			for (size_t i = 0; i < a->n_flows; i++)
				a->flow_pev[i] = smap_get(&cids, a->flows[i].community_id);
		}
		smap_free(&cids);
	}

	/* HTTP and TLS ride on flows. Through a proxy without proxy.log, the request's Host
	 * names the candidate and the proxy's answer is graded as the origin's. */
	for (size_t i = 0; i < a->n_http; i++) {
		struct bos_cls_http *h = &a->http[i];
		int f = smap_get(&uids, h->uid);

		h->flow = f;
		if (f < 0)
			continue;
		if (a->flows[f].cand >= 0) {
			h->cand = a->flows[f].cand;
		} else if (a->flows[f].from_sample && a->flows[f].where != BOS_CLS_WHERE_EXTERNAL &&
			   !a->have_proxy_log && h->host && !env_service_port(a->flows[f].resp_p) &&
			   ((h->method && !strcmp(h->method, "CONNECT")) ||
			    (a->http_uri[i] && !strncmp(a->http_uri[i], "http://", 7)))) {
			const char *host = host_only(a, h->host);

			if (host && *host)
				h->cand = is_ip(host) ? cand_for_addr(a, &names, &addrs, host) :
							cand_for_name(a, &names, &addrs, host);
		}
	}
	for (size_t i = 0; i < a->n_tls; i++) {
		struct bos_cls_tls *t = &a->tls[i];
		int f = smap_get(&uids, t->uid);

		t->flow = f;
		if (f < 0)
			continue;
		t->cand = a->flows[f].cand;
		/* TLS inside a CONNECT tunnel through the proxy: its SNI names the candidate,
		 * and it, not the proxy's 200, says whether the C2 session came up. */
		if (t->cand < 0 && a->flows[f].from_sample &&
		    a->flows[f].where != BOS_CLS_WHERE_EXTERNAL && t->server_name) {
			const char *sni = lower_name(a, t->server_name);
			int c = smap_get(&names, sni);

			for (size_t k = 0; c >= 0 && k < a->n_proxy; k++) {
				const struct bos_cls_proxy *p = &a->proxy[k];

				if (p->cand == c && p->method && !strcmp(p->method, "CONNECT") &&
				    t->ts_ns >= p->ts_ns - p->dur_ns - 1000000000LL &&
				    t->ts_ns <= p->ts_ns + 1000000000LL) {
					a->proxy[k].tunnel_tls = true;
					t->cand = c;
				}
			}
		}
	}
out:
	smap_free(&names);
	smap_free(&addrs);
	smap_free(&uids);
	smap_free(&resolved);
	smap_free(&queried);
	return ret;
}

/*
 * Squid's native log line for an origin that answered 503 and for Squid's own
 * ERR_CONNECT_FAIL page look the same (TCP_MISS/503 HIER_DIRECT/<address>). The lab's
 * uplink capture shows Squid's own connection to that address: a handshake that completed
 * means the origin answered; only unanswered or refused SYNs mean it could not connect.
 * Flows to the peer that started within the line's span (plus a second of slack) count.
 */
void ana_match_upstream(struct ana *a)
{
	const int64_t slack = 1000000000LL;

	if (!a->n_uplink || a->n_uplink > 100000 || a->n_proxy > 100000)
		return;
	for (size_t i = 0; i < a->n_proxy; i++) {
		struct bos_cls_proxy *p = &a->proxy[i];
		bool answered = false, refused = false, unanswered = false;

		if (!p->peer)
			continue;
		for (size_t k = 0; k < a->n_uplink; k++) {
			const struct bos_cls_flow *u = &a->uplink[k];
			const char *st = u->conn_state;

			if (u->proto != BOS_CLS_L4_TCP || !u->resp_h ||
			    strcmp(u->resp_h, p->peer) || u->ts_ns < p->ts_ns - p->dur_ns - slack ||
			    u->ts_ns > p->ts_ns + slack)
				continue;
			if (!st)
				continue;
			if (!strcmp(st, "REJ"))
				refused = true;
			else if (!strcmp(st, "S0") || !strcmp(st, "SH") || !strcmp(st, "RSTOS0"))
				unanswered = true;
			else
				answered = true;
		}
		p->upstream = answered ? BOS_CLS_UP_ANSWERED : refused ? BOS_CLS_UP_REFUSED :
			      unanswered ? BOS_CLS_UP_NO_ANSWER : BOS_CLS_UP_UNKNOWN;
	}
}
