#ifndef BOS_INET_H
#define BOS_INET_H
/*
 * The simulated internet: everything that runs inside the lab's inet network namespace
 * (docs/lab.md has the topology, docs/profile.md the profile format).
 *
 * The lab creates bos-<runid>-inet with the corp<->inet veth (BOS_INET_ADDR/30 on the inet
 * side, BOS_INET_PEER_ADDR on corp), then forks a child that enters the namespace and calls
 *
 *	bos_inet_env_init(&env);
 *	env.work_dir = "<case work area>/inet";   (must exist)
 *	env.events_fd = fd;                       (O_APPEND; or -1)
 *	bos_inet_setup(profile, &env, &err);      (lo, AnyIP routes, nftables)
 *	bos_inet_serve(profile, &env, &stop, &err); (until stop is set by SIGTERM, say)
 *
 * and kills/waits for that child at teardown. dnsmasq in corp forwards every query to
 * BOS_INET_DNS_ADDR port 53 (server=10.255.255.2, no-negcache), the "internet root".
 *
 * setup needs CAP_NET_ADMIN in the namespace and the `nft` binary; serve needs to bind
 * port 53. Neither changes anything outside the current network namespace, except files
 * under env->work_dir.
 */
#include <signal.h>
#include <stdint.h>

#include "bos/err.h"
#include "bos/profile.h"

#define BOS_INET_ADDR "10.255.255.2"		/* inet end of the corp<->inet veth */
#define BOS_INET_PEER_ADDR "10.255.255.1"	/* corp end */
#define BOS_INET_PREFIX 30
#define BOS_INET_DNS_ADDR BOS_INET_ADDR		/* the fake authoritative DNS, UDP+TCP 53 */
#define BOS_INET_DNS_PORT 53
/* Where the sinkhole listens: nftables redirects every other TCP port there (DNAT) and
 * hands UDP to it with TPROXY (the socket is IP_TRANSPARENT). */
#define BOS_INET_SINK_TCP_PORT 65080
#define BOS_INET_SINK_UDP_PORT 65053

struct bos_inet_env {
	/* Directory for generated files: inet.nft (the ruleset), tls key/cert, c2-N.out/.err
	 * (each C2 program's stdout/stderr). Must exist. */
	const char *work_dir;
	/* events.jsonl sink: one JSON object per line, written with a single write(2) each
	 * (open it O_APPEND). -1: no events. Kinds written (all have "ts", "kind"):
	 *   inet_dns     src, qname, qtype, proto, action, rcode, answers[]
	 *   inet_tcp     src, dst, svc, outcome ("http", "tls", "raw", "closed", ...), bytes_in/out
	 *   inet_http    src, dst, svc, tls, sni, method, host, path, body_bytes, status
	 *   inet_udp     src, dst, bytes
	 *   inet_c2      argv, pid, event ("start", "exit", "killed"), status
	 *   inet_error   what, msg                                                       */
	int events_fd;
	/* Name of the veth in the inet namespace (the rules match traffic arriving on it);
	 * NULL: any interface but lo. */
	const char *uplink_ifname;
	const char *nft_path;		/* NULL: "nft" from PATH */
	uint16_t sink_tcp_port;		/* 0: BOS_INET_SINK_TCP_PORT */
	uint16_t sink_udp_port;		/* 0: BOS_INET_SINK_UDP_PORT */
	/* Seconds an idle sinkhole connection is held before it is closed. 0: 60. */
	unsigned idle_timeout_s;
};

void bos_inet_env_init(struct bos_inet_env *env);

/* Configure the current (inet) network namespace for the profile: bring lo up, add the
 * AnyIP route (local 0.0.0.0/0 dev lo) so every address is answered here, and load an
 * nftables table "bos_inet" (written to <work_dir>/inet.nft and fed to `nft -f`) that
 * drops/refuses per profile, leaves C2 addresses alone and redirects every other TCP/UDP
 * port to the sinkhole. Idempotent: the table is replaced. Refuses (-BOS_EUSAGE) unless
 * BOS_INET_ADDR is already on an interface other than lo, and in pid 1's namespace: run in
 * the host's namespace, AnyIP would swallow the machine's own traffic. */
int bos_inet_setup(const struct bos_profile *p, const struct bos_inet_env *env,
		   struct bos_err *err);

/* Write the nftables ruleset setup would load into out (tests, `--dry-run`s). */
struct bos_buf;
void bos_inet_ruleset(const struct bos_profile *p, const struct bos_inet_env *env,
		      struct bos_buf *out);

/* Run the DNS responder, the TCP/UDP sinkhole (HTTP, HTTPS, raw) and the profile's C2
 * programs until *stop becomes non-zero (checked at least every 200 ms; a signal
 * interrupts the wait). Then kills the C2 programs (SIGTERM, then SIGKILL after 1 s; each
 * runs in its own process group) and returns 0. Returns < 0 only if the servers could not
 * start (e.g. port 53 taken); per-connection failures are events, not errors.
 * Process-wide side effect: SIGPIPE is ignored (TLS writes to closed sockets); run it in
 * a process of its own, as the lab does. */
int bos_inet_serve(const struct bos_profile *p, const struct bos_inet_env *env,
		   volatile sig_atomic_t *stop, struct bos_err *err);

#endif
