/*
 * The seccomp-bpf filter that makes only the syscalls bos decodes stop the tracee
 * (seccomp(2), Documentation/userspace-api/seccomp_filter.rst; layout after strace's
 * filter_seccomp.c). The architecture is checked before the number, and the x32 bit on
 * x86_64, because one number means different syscalls on different ABIs:
 *
 *	ld arch
 *	jeq X86_64 ? next : i386
 *	  ld nr; jge X32_BIT ? trace(0) : next
 *	  jeq nr_1 ? trace(sc_1) : next ... allow
 *	i386: jeq I386 ? next : unknown
 *	  ld nr; jeq nr_1 ? trace(sc_1) : next ... allow
 *	unknown: trace(0)
 *
 * SECCOMP_RET_TRACE carries the canonical syscall id (enum sc) in its data, so the tracer
 * never maps numbers; 0 means "not decoded" (x32, unknown arch) and is still reported.
 * Runs in the forked child: no allocation, no stdio.
 */
#include <errno.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

#include "trace_int.h"

#include "bos/compiler.h"

#define MAX_INSNS 512

#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP((code), (k), (jt), (jf)))

static size_t count(const struct sc_nr *tab, size_t n, unsigned flags)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (!((flags & BOS_TRACE_NO_IO) && trace_sc_is_io(tab[i].sc)))
			c++;
	return c;
}

static size_t emit_table(struct sock_filter *f, size_t at, const struct sc_nr *tab, size_t n,
			 unsigned flags)
{
	for (size_t i = 0; i < n; i++) {
		if ((flags & BOS_TRACE_NO_IO) && trace_sc_is_io(tab[i].sc))
			continue;
		f[at++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, tab[i].nr, 0, 1);
		f[at++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | tab[i].sc);
	}
	f[at++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return at;
}

int trace_seccomp_install(unsigned flags)
{
	struct sock_filter f[MAX_INSNS];
	size_t n64 = count(trace_sc_x86_64, trace_sc_x86_64_len, flags);
	size_t n32 = count(trace_sc_i386, trace_sc_i386_len, flags);
	size_t blk64 = 1 + 2 + 2 * n64 + 1, blk32 = 1 + 2 * n32 + 1, at = 0;
	struct sock_fprog prog;

	/* Both blocks are jumped over with 8-bit offsets. */
	if (blk64 > 255 || blk32 > 255 || 2 + blk64 + 1 + blk32 + 1 > MAX_INSNS)
		return -E2BIG;
	f[at++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[at++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRACE_ARCH_X86_64, 0, (uint8_t)blk64);
	f[at++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[at++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, TRACE_X32_BIT, 0, 1);
	f[at++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	at = emit_table(f, at, trace_sc_x86_64, trace_sc_x86_64_len, flags);
	f[at++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRACE_ARCH_I386, 0, (uint8_t)blk32);
	f[at++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	at = emit_table(f, at, trace_sc_i386, trace_sc_i386_len, flags);
	f[at++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);

	prog = (struct sock_fprog){ .len = (unsigned short)at, .filter = f };
	/* With CAP_SYS_ADMIN (root, before pre_exec drops it) no_new_privs is not needed, so
	 * set-user-ID programs in the victim still work; without it the kernel insists. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
		return 0;
	if (errno != EACCES)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return -errno;
	return 0;
}
