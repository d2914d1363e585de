#ifndef BOS_SANDBOX_INT_H
#define BOS_SANDBOX_INT_H
/* Internal to src/sandbox: helpers shared by the lab's parts. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bos/err.h"
#include "bos/sandbox.h"

#define LAB_RUN_DIR "/run/bos"
#define LAB_NETNS_DIR "/run/netns"
#define LAB_CG_ROOT "/sys/fs/cgroup"

/* Name of namespace `which` of run `runid` into dst ("bos-<runid>-victim"). */
void lab_ns_name(char *dst, size_t len, const char *runid, enum bos_lab_ns which);

/* Write s to path (O_WRONLY|O_CREAT|O_TRUNC, mode). */
int lab_write_file(const char *path, const char *s, mode_t mode, struct bos_err *err);
/* Copy a file (regular, at most 1 GiB) to dst with mode. */
int lab_copy_file(const char *src, const char *dst, mode_t mode, struct bos_err *err);
/* mkdir -p with mode for the last component. */
int lab_mkdir_p(const char *path, mode_t mode, struct bos_err *err);
/* rm -rf path, staying on one file system; best effort; returns the number of failures. */
int lab_rm_rf(const char *path);

/* Fork + (setns nsfd if >= 0) + execv argv[0], stdin from /dev/null, stdout+stderr to
 * logpath (appended, or /dev/null if NULL). The child gets PR_SET_PDEATHSIG(SIGKILL). */
enum lab_spawn_flags {
	/* Own mount namespace with a private /dev/shm: Squid puts fixed-name segments there
	 * (squid-cf__*.shm) that concurrent labs would share and a SIGKILL would leave. */
	LAB_SPAWN_PRIVATE_SHM = 1u << 0,
};
int lab_spawn(int nsfd, char *const argv[], const char *logpath, unsigned flags, pid_t *pid,
	      struct bos_err *err);
/* lab_spawn + wait; non-zero exit is an error quoting the first bytes of the log. */
int lab_run(int nsfd, char *const argv[], const char *logpath, struct bos_err *err);
/* Send sig, wait up to timeout_ms for pid to exit (reaping it), then SIGKILL + reap.
 * Returns the wait status or -1. */
int lab_stop_pid(pid_t pid, int sig, int timeout_ms);
/* Wait until a TCP connect from namespace nsfd to ip:port succeeds, up to timeout_ms. */
int lab_wait_tcp(int nsfd, const char *ip, int port, int timeout_ms, struct bos_err *err);

/* Wait until no TCP connection of local port `port` in namespace nsfd is ESTABLISHED or
 * CLOSE_WAIT (the server has seen every client go), up to timeout_ms; 0 or -ETIMEDOUT. */
int lab_wait_no_clients(int nsfd, int port, int timeout_ms);

/* SIGKILL every process whose network namespace is the one bound at nspath; waits up to
 * timeout_ms for them to go. Returns the number of processes found. */
int lab_kill_netns_procs(const char *nspath, int timeout_ms);

/* Sleep ms milliseconds (restarted on EINTR). */
void lab_sleep_ms(int ms);

/* Network: namespaces, links, addresses, routes (netns.c). */
int lab_net_up(struct bos_lab *lab, struct bos_err *err);
/* Remove this lab's namespaces (processes inside are killed first). Returns failures. */
int lab_net_down(const char *runid);

/* cgroups (cgroup.c) */
int lab_cg_create(struct bos_lab *lab, struct bos_err *err);
int lab_cg_attach(const struct bos_lab *lab, pid_t pid, struct bos_err *err);
/* Kill every task in the lab's groups; returns how many were alive. */
int lab_cg_kill(const struct bos_lab *lab);
int lab_cg_nprocs(const struct bos_lab *lab);
/* Remove the groups of run runid (killing what is left); returns failures. */
int lab_cg_remove(const char *runid);

/* services (services.c) */
int lab_services_start(struct bos_lab *lab, struct bos_err *err);
int lab_services_wait(struct bos_lab *lab, struct bos_err *err);

/* captures (capture.c) */
int lab_capture_start(struct bos_lab *lab, struct bos_err *err);
/* Stop and free the captures. */
void lab_capture_free(struct bos_lab *lab);

/* services: free the state after stop */
void lab_services_free(struct bos_lab *lab);

#endif
