#ifndef BOS_PROFILE_H
#define BOS_PROFILE_H
/*
 * Network profiles: what the simulated internet answers (docs/profile.md is the format).
 *
 * A profile is a small YAML file read with libyaml. It says, per DNS name, what the
 * "internet DNS" answers (addresses, NXDOMAIN, SERVFAIL, REFUSED, an empty answer or no
 * reply at all), and per address/CIDR and port what happens to a connection (sinkhole,
 * refuse with RST, drop the SYN, an HTTP or HTTPS service with per host/path answers, or a
 * C2 program run at that address). Everything not named gets the defaults: every other
 * name resolves to the sinkhole address and every other address/port is sinkholed.
 *
 * Matching (both the DNS responder and the nftables rules use these functions' order):
 *  - names: exact names first; then wildcards "*.example.org" (matches any name below
 *    example.org, not example.org itself), the longest suffix wins; then dns.default.
 *    Names are compared case-insensitively, without the trailing dot.
 *  - hosts: the first entry in file order whose CIDR, protocol and port range match.
 *
 * A loaded profile is immutable; the struct is public so the lab can read settings
 * (lab.*) and the inet servers can walk the tables. Strings are NUL-terminated copies.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bos/err.h"

/* What the internet DNS does with a query for a name. */
enum bos_profile_dns_action {
	BOS_PROFILE_DNS_RESOLVE = 0,	/* answer with the name's addresses (A and AAAA) */
	BOS_PROFILE_DNS_NXDOMAIN,	/* rcode 3 */
	BOS_PROFILE_DNS_SERVFAIL,	/* rcode 2 */
	BOS_PROFILE_DNS_REFUSED,	/* rcode 5 */
	BOS_PROFILE_DNS_NODATA,		/* NOERROR with an empty answer section */
	BOS_PROFILE_DNS_TIMEOUT,	/* no reply at all (the resolver times out) */
};

/* What happens to a connection (or datagram) to an address/port. */
enum bos_profile_svc {
	BOS_PROFILE_SVC_SINKHOLE = 0,	/* INetSim-like: HTTP 200, TLS, else accept and echo */
	BOS_PROFILE_SVC_REFUSE,		/* TCP RST (UDP: ICMP port unreachable) */
	BOS_PROFILE_SVC_DROP,		/* dropped: the client sees only its own SYNs */
	BOS_PROFILE_SVC_HTTP,		/* HTTP/1.x answering per profile rules */
	BOS_PROFILE_SVC_HTTPS,		/* the same over TLS with a generated certificate */
	BOS_PROFILE_SVC_C2,		/* a program run in the inet namespace listens there */
	BOS_PROFILE_SVC_CLOSE,		/* TCP accepted, then closed (FIN) without a byte */
	BOS_PROFILE_SVC_TLS_ALERT,	/* TCP accepted; a ClientHello gets a fatal alert */
};

enum bos_profile_proto {
	BOS_PROFILE_PROTO_ANY = 0,
	BOS_PROFILE_PROTO_TCP,
	BOS_PROFILE_PROTO_UDP,
};

/* An address: family AF_INET (4 bytes used) or AF_INET6 (16 bytes). */
struct bos_profile_addr {
	int family;
	uint8_t a[16];
};

struct bos_profile_cidr {
	struct bos_profile_addr addr;	/* host bits are zero */
	unsigned prefix;		/* 0..32 or 0..128 */
};

struct bos_profile_name {
	char *pattern;			/* lower case, no trailing dot; "*.x.y" = below x.y */
	enum bos_profile_dns_action action;
	struct bos_profile_addr *addrs;	/* RESOLVE: the answer (may hold no AAAA, no A) */
	size_t n_addrs;
	uint32_t ttl;			/* seconds */
	unsigned line;			/* 1-based line in the profile, for messages */
};

struct bos_profile_header {
	char *name;
	char *value;
};

/* One HTTP answer. A request matches if its Host (port stripped, any case) matches `host`
 * (NULL: any; "*.x" wildcards as for names) and its path starts with `path` (NULL: any).
 * The first matching rule of the host entry wins; without one the answer is 404. */
struct bos_profile_http_rule {
	char *host;
	char *path;
	int status;			/* 100..599 */
	char *reason;			/* reason phrase; NULL: the standard one */
	struct bos_profile_header *headers;
	size_t n_headers;
	char *body;			/* may hold NUL bytes; body_len is the length */
	size_t body_len;
	unsigned line;
};

/* A C2 program. argv/env/cwd are stored as written; "${VAR}" is expanded from the
 * environment of bos when the program is started (bos_inet_serve), and a relative argv[0]
 * containing '/' is taken relative to the profile file's directory. */
struct bos_profile_c2 {
	char **argv;			/* NULL-terminated, at least argv[0] */
	char **env;			/* NULL-terminated "K=V" strings added to a clean env */
	char *cwd;			/* NULL: the inet work directory */
};

struct bos_profile_host {
	struct bos_profile_cidr net;
	enum bos_profile_proto proto;
	uint16_t port_lo, port_hi;	/* inclusive; 0..65535 = every port */
	enum bos_profile_svc svc;
	struct bos_profile_http_rule *http;	/* HTTP/HTTPS */
	size_t n_http;
	struct bos_profile_c2 c2;	/* C2 */
	char *comment;			/* the entry's "name:" (or NULL), shown in events */
	unsigned line;
};

/* Settings the lab may take from the profile (0 / NULL: not set, use the lab's own). */
struct bos_profile_lab {
	uint64_t duration_ms;
	char *hostname;
	char *user;
};

struct bos_profile {
	char *path;			/* as given to load ("<mem>" for bos_profile_parse) */
	char *dir;			/* directory of path, for relative C2 programs */
	char *name;			/* "name:" key, or NULL */
	char *description;
	struct bos_profile_lab lab;

	/* DNS */
	struct bos_profile_name *names;
	size_t n_names;
	struct bos_profile_name dns_default;	/* pattern "*" */

	/* addresses */
	struct bos_profile_host *hosts;
	size_t n_hosts;
	enum bos_profile_svc default_svc;	/* SINKHOLE, REFUSE or DROP */
	struct bos_profile_addr sinkhole4;	/* dns.default answer unless given */
	/* Sinkhole HTTP answer (status 200 and a small INetSim-like page unless given). */
	struct bos_profile_http_rule sinkhole_http;

	/* The source text, kept verbatim so the case records exactly what was used. */
	char *text;
	size_t text_len;
};

/* Load and validate a profile file. On error *out is NULL and err says
 * "<path>:<line>:<column>: <what>" (1-based, from libyaml marks).
 * Caps: BOS_PROFILE_MAX_BYTES, _MAX_NAMES, _MAX_HOSTS, _MAX_HTTP_RULES, _MAX_ADDRS. */
int bos_profile_load(const char *path, struct bos_profile **out, struct bos_err *err);
/* The same from memory; `label` is used as the path in messages and p->path. */
int bos_profile_parse(const char *label, const void *data, size_t len, struct bos_profile **out,
		      struct bos_err *err);
/* The built-in default profile (the same as profiles/default.yaml): sinkhole everything,
 * every name resolves to the sinkhole address. */
int bos_profile_default(struct bos_profile **out, struct bos_err *err);
void bos_profile_free(struct bos_profile *p);

/* Write the profile's source text, byte for byte, to path (0644, replaced atomically).
 * This is the copy that goes into the case. */
int bos_profile_save(const struct bos_profile *p, const char *path, struct bos_err *err);

/* Matching (see the top of this file). qname: dotted, any case, trailing dot allowed.
 * Never NULL: falls back to &p->dns_default. */
const struct bos_profile_name *bos_profile_match_name(const struct bos_profile *p,
						      const char *qname);
/* The first matching host entry, or NULL (then p->default_svc applies). */
const struct bos_profile_host *bos_profile_match_host(const struct bos_profile *p,
						      const struct bos_profile_addr *addr,
						      enum bos_profile_proto proto, uint16_t port);
/* The first HTTP rule of h matching host/path (host may carry ":port"), or NULL. */
const struct bos_profile_http_rule *bos_profile_match_http(const struct bos_profile_host *h,
							   const char *host, const char *path);

/* Names for enums as they are written in profiles ("nxdomain", "drop", ...). */
const char *bos_profile_dns_action_str(enum bos_profile_dns_action a);
const char *bos_profile_svc_str(enum bos_profile_svc s);
/* Format an address ("203.0.113.5" / "2001:db8::1") into dst (at least 46 bytes). */
char *bos_profile_addr_str(const struct bos_profile_addr *a, char *dst, size_t len);

#endif
