/*
 * Canonical syscall ids and the number tables of the ABIs bos decodes. Numbers come from the
 * kernel's arch/x86/entry/syscalls/syscall_{64,32}.tbl (as installed in <asm/unistd_64.h> and
 * <asm/unistd_32.h>; both cannot be included in one file). On i386 several syscalls exist
 * twice (16-bit and 32-bit ids: setuid/setuid32, chown/chown32) and the 64-bit file-size
 * variants (truncate64): all map to one canonical id. The seccomp filter (seccomp.c) is built
 * from these tables and returns the canonical id as SECCOMP_RET_DATA.
 */
#include "trace_int.h"

#include "bos/compiler.h"

const char *const trace_sc_names[SC__COUNT] = {
	[SC_NONE] = "unknown",
	[SC_EXECVE] = "execve",
	[SC_EXECVEAT] = "execveat",
	[SC_SETUID] = "setuid",
	[SC_SETGID] = "setgid",
	[SC_SETREUID] = "setreuid",
	[SC_SETREGID] = "setregid",
	[SC_SETRESUID] = "setresuid",
	[SC_SETRESGID] = "setresgid",
	[SC_SETFSUID] = "setfsuid",
	[SC_SETFSGID] = "setfsgid",
	[SC_PTRACE] = "ptrace",
	[SC_KILL] = "kill",
	[SC_TKILL] = "tkill",
	[SC_TGKILL] = "tgkill",
	[SC_MEMFD_CREATE] = "memfd_create",
	[SC_OPEN] = "open",
	[SC_OPENAT] = "openat",
	[SC_OPENAT2] = "openat2",
	[SC_CREAT] = "creat",
	[SC_CLOSE] = "close",
	[SC_UNLINK] = "unlink",
	[SC_UNLINKAT] = "unlinkat",
	[SC_RMDIR] = "rmdir",
	[SC_RENAME] = "rename",
	[SC_RENAMEAT] = "renameat",
	[SC_RENAMEAT2] = "renameat2",
	[SC_MKDIR] = "mkdir",
	[SC_MKDIRAT] = "mkdirat",
	[SC_CHMOD] = "chmod",
	[SC_FCHMOD] = "fchmod",
	[SC_FCHMODAT] = "fchmodat",
	[SC_CHOWN] = "chown",
	[SC_FCHOWN] = "fchown",
	[SC_LCHOWN] = "lchown",
	[SC_FCHOWNAT] = "fchownat",
	[SC_TRUNCATE] = "truncate",
	[SC_FTRUNCATE] = "ftruncate",
	[SC_TRUNCATE64] = "truncate64",
	[SC_FTRUNCATE64] = "ftruncate64",
	[SC_DUP] = "dup",
	[SC_DUP2] = "dup2",
	[SC_DUP3] = "dup3",
	[SC_READ] = "read",
	[SC_WRITE] = "write",
	[SC_PREAD64] = "pread64",
	[SC_PWRITE64] = "pwrite64",
	[SC_READV] = "readv",
	[SC_WRITEV] = "writev",
	[SC_SOCKET] = "socket",
	[SC_CONNECT] = "connect",
	[SC_BIND] = "bind",
	[SC_LISTEN] = "listen",
	[SC_ACCEPT] = "accept",
	[SC_ACCEPT4] = "accept4",
	[SC_SENDTO] = "sendto",
	[SC_RECVFROM] = "recvfrom",
	[SC_SENDMSG] = "sendmsg",
	[SC_SOCKETCALL] = "socketcall",
};

const struct sc_nr trace_sc_x86_64[] = {
	{ SC_READ, 0 },
	{ SC_WRITE, 1 },
	{ SC_OPEN, 2 },
	{ SC_CLOSE, 3 },
	{ SC_PREAD64, 17 },
	{ SC_PWRITE64, 18 },
	{ SC_READV, 19 },
	{ SC_WRITEV, 20 },
	{ SC_DUP, 32 },
	{ SC_DUP2, 33 },
	{ SC_SOCKET, 41 },
	{ SC_CONNECT, 42 },
	{ SC_ACCEPT, 43 },
	{ SC_SENDTO, 44 },
	{ SC_RECVFROM, 45 },
	{ SC_SENDMSG, 46 },
	{ SC_BIND, 49 },
	{ SC_LISTEN, 50 },
	{ SC_EXECVE, 59 },
	{ SC_KILL, 62 },
	{ SC_TRUNCATE, 76 },
	{ SC_FTRUNCATE, 77 },
	{ SC_RENAME, 82 },
	{ SC_MKDIR, 83 },
	{ SC_RMDIR, 84 },
	{ SC_CREAT, 85 },
	{ SC_UNLINK, 87 },
	{ SC_CHMOD, 90 },
	{ SC_FCHMOD, 91 },
	{ SC_CHOWN, 92 },
	{ SC_FCHOWN, 93 },
	{ SC_LCHOWN, 94 },
	{ SC_PTRACE, 101 },
	{ SC_SETUID, 105 },
	{ SC_SETGID, 106 },
	{ SC_SETREUID, 113 },
	{ SC_SETREGID, 114 },
	{ SC_SETRESUID, 117 },
	{ SC_SETRESGID, 119 },
	{ SC_SETFSUID, 122 },
	{ SC_SETFSGID, 123 },
	{ SC_TKILL, 200 },
	{ SC_TGKILL, 234 },
	{ SC_OPENAT, 257 },
	{ SC_MKDIRAT, 258 },
	{ SC_FCHOWNAT, 260 },
	{ SC_UNLINKAT, 263 },
	{ SC_RENAMEAT, 264 },
	{ SC_FCHMODAT, 268 },
	{ SC_ACCEPT4, 288 },
	{ SC_DUP3, 292 },
	{ SC_RENAMEAT2, 316 },
	{ SC_MEMFD_CREATE, 319 },
	{ SC_EXECVEAT, 322 },
	{ SC_OPENAT2, 437 },
	{ SC_FCHMODAT, 452 },	/* fchmodat2 */
};
const size_t trace_sc_x86_64_len = BOS_ARRAY_SIZE(trace_sc_x86_64);

const struct sc_nr trace_sc_i386[] = {
	{ SC_READ, 3 },
	{ SC_WRITE, 4 },
	{ SC_OPEN, 5 },
	{ SC_CLOSE, 6 },
	{ SC_CREAT, 8 },
	{ SC_UNLINK, 10 },
	{ SC_EXECVE, 11 },
	{ SC_CHMOD, 15 },
	{ SC_LCHOWN, 16 },
	{ SC_SETUID, 23 },	/* 16-bit uid */
	{ SC_PTRACE, 26 },
	{ SC_KILL, 37 },
	{ SC_RENAME, 38 },
	{ SC_MKDIR, 39 },
	{ SC_RMDIR, 40 },
	{ SC_DUP, 41 },
	{ SC_SETGID, 46 },	/* 16-bit */
	{ SC_DUP2, 63 },
	{ SC_SETREUID, 70 },
	{ SC_SETREGID, 71 },
	{ SC_TRUNCATE, 92 },
	{ SC_FTRUNCATE, 93 },
	{ SC_FCHMOD, 94 },
	{ SC_FCHOWN, 95 },
	{ SC_SOCKETCALL, 102 },
	{ SC_SETFSUID, 138 },
	{ SC_SETFSGID, 139 },
	{ SC_READV, 145 },
	{ SC_WRITEV, 146 },
	{ SC_SETRESUID, 164 },
	{ SC_SETRESGID, 170 },
	{ SC_PREAD64, 180 },
	{ SC_PWRITE64, 181 },
	{ SC_CHOWN, 182 },
	{ SC_TRUNCATE64, 193 },
	{ SC_FTRUNCATE64, 194 },
	{ SC_LCHOWN, 198 },	/* lchown32 */
	{ SC_SETREUID, 203 },	/* setreuid32 */
	{ SC_SETREGID, 204 },	/* setregid32 */
	{ SC_FCHOWN, 207 },	/* fchown32 */
	{ SC_SETRESUID, 208 },	/* setresuid32 */
	{ SC_SETRESGID, 210 },	/* setresgid32 */
	{ SC_CHOWN, 212 },	/* chown32 */
	{ SC_SETUID, 213 },	/* setuid32 */
	{ SC_SETGID, 214 },	/* setgid32 */
	{ SC_SETFSUID, 215 },	/* setfsuid32 */
	{ SC_SETFSGID, 216 },	/* setfsgid32 */
	{ SC_TKILL, 238 },
	{ SC_TGKILL, 270 },
	{ SC_OPENAT, 295 },
	{ SC_MKDIRAT, 296 },
	{ SC_FCHOWNAT, 298 },
	{ SC_UNLINKAT, 301 },
	{ SC_RENAMEAT, 302 },
	{ SC_FCHMODAT, 306 },
	{ SC_DUP3, 330 },
	{ SC_RENAMEAT2, 353 },
	{ SC_MEMFD_CREATE, 356 },
	{ SC_EXECVEAT, 358 },
	{ SC_SOCKET, 359 },
	{ SC_BIND, 361 },
	{ SC_CONNECT, 362 },
	{ SC_LISTEN, 363 },
	{ SC_ACCEPT4, 364 },
	{ SC_SENDTO, 369 },
	{ SC_SENDMSG, 370 },
	{ SC_RECVFROM, 371 },
	{ SC_OPENAT2, 437 },
	{ SC_FCHMODAT, 452 },	/* fchmodat2 */
};
const size_t trace_sc_i386_len = BOS_ARRAY_SIZE(trace_sc_i386);

bool trace_sc_is_io(enum sc sc)
{
	return sc >= SC_READ && sc <= SC_WRITEV;
}
