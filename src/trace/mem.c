/*
 * Reading tracee memory (process_vm_readv(2)). Tracee memory is hostile and racy: another
 * thread may change or unmap it while we read, and the process may die. So every object is
 * copied once into a bounded local buffer and parsed there. The remote range is split at page
 * boundaries: process_vm_readv stops at the first remote iovec it cannot read and returns what
 * it got, so a string that ends just before an unmapped page is still read whole (strace's
 * umovestr does the same page by page). ESRCH (the tracee is gone) is returned as is.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "trace_int.h"

#define PAGE 4096u
#define MAX_IOV 64

ssize_t trace_mem_read(pid_t pid, uint64_t addr, void *dst, size_t len)
{
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote[MAX_IOV];
	size_t n = 0, done = 0;
	ssize_t r;

	if (len == 0)
		return 0;
	if (addr == 0)
		return -EFAULT;
	while (done < len && n < MAX_IOV) {
		uint64_t a = addr + done;
		size_t chunk = PAGE - (size_t)(a % PAGE);

		if (a < addr)		/* wrapped around the address space */
			break;
		if (chunk > len - done)
			chunk = len - done;
		remote[n++] = (struct iovec){ .iov_base = (void *)(uintptr_t)a, .iov_len = chunk };
		done += chunk;
	}
	local.iov_len = done;
	r = process_vm_readv(pid, &local, 1, remote, n, 0);
	if (r < 0)
		return -errno;
	return r;
}

ssize_t trace_mem_str(pid_t pid, uint64_t addr, char *dst, size_t cap, bool *truncated)
{
	ssize_t r;
	char *nul;

	*truncated = false;
	if (cap == 0)
		return -EINVAL;
	r = trace_mem_read(pid, addr, dst, cap - 1);
	if (r < 0) {
		dst[0] = '\0';
		return r;
	}
	nul = memchr(dst, '\0', (size_t)r);
	if (nul)
		return nul - dst;
	/* No NUL: either cut at the cap, or the readable memory ended before one. */
	dst[r] = '\0';
	if (r == 0)
		return -EFAULT;
	*truncated = true;
	return r;
}
