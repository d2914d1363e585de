/* Shared by trace.bpf.c (BPF side) and ebpf.c (user side): the ring buffer record. */
#ifndef BOS_SRC_TRACE_BPF_TRACE_BPF_H
#define BOS_SRC_TRACE_BPF_TRACE_BPF_H

#define TBPF_RINGBUF_BYTES (16u << 20)
#define TBPF_MAX_INFLIGHT 16384
#define TBPF_STR 256		/* path strings */
#define TBPF_SA 128		/* socket address bytes (power of two) */
#define TBPF_MAX_ARGV 32	/* argv elements */
#define TBPF_ARG_MAX 256	/* bytes per argv element (power of two) */
#define TBPF_ARGV_BYTES 2048	/* argv bytes in total (power of two) */

enum tbpf_kind {
	TBPF_K_NONE = 0,
	TBPF_K_EXEC,		/* execve/execveat: s1 = path, argv */
	TBPF_K_PATH0,		/* s1 = string at args[0] */
	TBPF_K_PATH1,		/* s1 = string at args[1] */
	TBPF_K_PATH01,		/* s1, s2 = strings at args[0], args[1] */
	TBPF_K_PATH13,		/* s1, s2 = strings at args[1], args[3] */
	TBPF_K_SA1,		/* sa = sockaddr at args[1], length args[2] */
	TBPF_K_SA4,		/* sa = sockaddr at args[4], length args[5] */
	TBPF_K_ARGS,		/* integer arguments only */
	TBPF_K_FORK,		/* args: child tid, child tgid, child start_boottime */
	TBPF_K_EXIT,		/* args: exit_code, group_exit_code, threads still live */
	TBPF_K_EXECED,		/* exec succeeded (sched_process_exec): s1 = path, argv from the new stack */
};

enum tbpf_flags {
	TBPF_F_ARGV_TRUNC = 1u << 0,
};

/*
 * One record. Records are variable-length: a record carries the header (everything before s1)
 * and only the string/address bytes it uses (tbpf_record_size), so a close is 184 bytes and
 * an open 185 + its path, not the whole struct. User space copies a record into a zeroed
 * struct before reading it.
 */
struct tbpf_event {
	__u32 kind;
	__u32 nr;		/* x86_64 syscall number */
	__u64 ts;		/* bpf_ktime_get_boot_ns */
	__u32 pid, tid, ppid, uid, euid;
	__u32 flags;
	__u64 start;		/* group leader's start_boottime (ns): the process key */
	__u64 pstart;		/* parent's */
	__s64 ret;
	__u64 args[6];
	__u64 p1, p2;		/* user pointers of s1, s2: re-read at exit if unreadable at entry */
	__u16 len1, len2, argc, argv_len, sa_len, pad;
	__u32 old_tid;		/* TBPF_K_EXECED: the thread that called execve */
	/* connect/accept/sendto: the socket's addresses read from its struct sock at exit
	 * (family 0: not read). Ports in host order. */
	__u16 sk_family, sk_type, lport, rport;
	__u8 laddr[16], raddr[16];
	/* No kind has both a path and a socket address (TBPF_K_SA* carry no string, the
	 * path kinds no address), so they share bytes: the record stays short for both. */
	union {
		char s1[TBPF_STR];
		__u8 sa[TBPF_SA];
	};
	char s2[TBPF_STR];
};

#define TBPF_HDR_BYTES (__builtin_offsetof(struct tbpf_event, s1))

/* Bytes of e that carry information: the header plus the used part of s1/sa and s2. */
static inline __u32 tbpf_record_size(const struct tbpf_event *e)
{
	if (e->len2 || e->p2)
		return (__u32)__builtin_offsetof(struct tbpf_event, s2) +
		       (e->len2 & (TBPF_STR - 1)) + 1;
	if (e->sa_len)
		return (__u32)TBPF_HDR_BYTES + (e->sa_len < TBPF_SA ? e->sa_len : TBPF_SA);
	if (e->len1 || e->p1)
		return (__u32)TBPF_HDR_BYTES + (e->len1 & (TBPF_STR - 1)) + 1;
	return (__u32)TBPF_HDR_BYTES;
}

/* Exec records carry argv too (and are sent whole: execs are rare). */
struct tbpf_exec {
	struct tbpf_event ev;
	char argv[TBPF_ARGV_BYTES + TBPF_ARG_MAX];	/* slack: the verifier sees off + max */
};

/* Wake user space only when this much is waiting; else it reads every 100 ms. */
#define TBPF_WAKE_BYTES (2u << 20)

#endif
