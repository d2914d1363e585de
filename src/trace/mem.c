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

/*
 * Strings are read to the end of the page they start in first: most paths end there, and
 * that is one copy of at most a page's tail instead of cap - 1 bytes over two pages. Only
 * when no NUL is found there is the rest read (a second process_vm_readv). Same result as
 * one read of cap - 1 bytes: a rest that cannot be read ends the string there.
 */
ssize_t trace_mem_str(pid_t pid, uint64_t addr, char *dst, size_t cap, bool *truncated)
{
	size_t want, first, got;
	ssize_t r;
	char *nul;

	*truncated = false;
	if (cap == 0)
		return -EINVAL;
	want = cap - 1;
	first = PAGE - (size_t)(addr % PAGE);
	if (first > want)
		first = want;
	r = trace_mem_read(pid, addr, dst, first);
	if (r < 0) {
		dst[0] = '\0';
		return r;
	}
	nul = memchr(dst, '\0', (size_t)r);
	if (nul)
		return nul - dst;
	got = (size_t)r;
	if (got == first && got < want && addr + got > addr) {
		r = trace_mem_read(pid, addr + got, dst + got, want - got);
		if (r > 0) {
			nul = memchr(dst + got, '\0', (size_t)r);
			if (nul)
				return nul - dst;
			got += (size_t)r;
		}
	}
	/* No NUL: either cut at the cap, or the readable memory ended before one. */
	dst[got] = '\0';
	if (got == 0)
		return -EFAULT;
	*truncated = true;
	return (ssize_t)got;
}
