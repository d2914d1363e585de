/*
 * The heap of a bos net run: grown once, with huge pages where the kernel allows them.
 *
 * Why: a run keeps tens of MB of small objects alive (flows, dissector state, buffers,
 * one set per live flow) and reuses them as flows come and go: minor faults equal the
 * peak RSS in 4 KiB pages and do not grow with the capture, so nothing is given back to
 * the kernel and faulted in again. What is left is the first touch of every page, a
 * fault each (several microseconds on a VM): about a tenth of the CPU time on the
 * benchmark's 128 MB capture. With transparent huge pages it is one fault per 2 MiB, but
 * with the usual transparent_hugepage=madvise the kernel gives them only to ranges that
 * asked (glibc asks only when started with GLIBC_TUNABLES=glibc.malloc.hugetlb=1).
 *
 * So, once per process: ask malloc to grow its heap by HEAP_RESERVE in one step, keep it
 * (no trimming), and mark that range MADV_HUGEPAGE. The range is only reserved: pages are
 * touched, and counted in RSS, as malloc hands them out. Everything is best effort: when
 * the heap is not where it should be (another allocator, a sanitizer, valgrind), nothing
 * is marked.
 */
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flow_int.h"

/* Heap grown in one step: above the peak of the benchmark's runs (65 MB on 1 GiB). */
#define HEAP_RESERVE ((size_t)128 << 20)
/* Blocks above this are mapped on their own, the rest comes from the heap (glibc starts
 * at 128 KiB: the read buffer and the output buffers now come from the heap too). */
#define MMAP_THRESHOLD ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

void flow_mem_setup(void)
{
	static bool done;
	struct mallinfo2 mi;
	uintptr_t lo, hi;
	size_t want;
	char *p, *end;

	if (done)
		return;
	done = true;
	/* A request just larger than the free top of the heap makes malloc grow it, by the
	 * request plus M_TOP_PAD. */
	mi = mallinfo2();
	want = mi.keepcost + (size_t)sysconf(_SC_PAGESIZE);
	if (want >= MMAP_THRESHOLD)
		return;
	/* Fixed thresholds: glibc would otherwise adapt them (and give the top back). */
	if (!mallopt(M_MMAP_THRESHOLD, (int)MMAP_THRESHOLD) ||
	    !mallopt(M_TRIM_THRESHOLD, (int)(2 * HEAP_RESERVE)) ||
	    !mallopt(M_TOP_PAD, (int)HEAP_RESERVE))
		return;
	p = malloc(want);
	if (!p)
		return;
	end = sbrk(0);
	/* Only a block carved from the brk heap just grown: else leave everything as is. */
	if (end != (char *)-1 && p < end && (size_t)(end - p) >= HEAP_RESERVE &&
	    (size_t)(end - p) <= want + HEAP_RESERVE + HUGE_PAGE) {
		lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		hi = (uintptr_t)end & ~(HUGE_PAGE - 1);
		if (hi > lo)
			(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	}
	free(p);
}
