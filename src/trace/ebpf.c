/*
 * The eBPF backend's entry points. Not built in this version: the calls fail with
 * -BOS_ENOTIMPL and a reason, so `--tracer auto` falls back to ptrace and records why, and
 * `--tracer ebpf` fails loudly instead of pretending. See docs/process-events.md ("Backends").
 */
#include <stdlib.h>

#include "trace_int.h"

#define EBPF_MISSING "eBPF backend not built in this version of bos (ptrace only)"

int bos_trace_ebpf_open(struct bos_trace_ebpf **out, int events_fd, struct bos_err *err)
{
	(void)events_fd;
	*out = NULL;
	return bos_err_set(err, -BOS_ENOTIMPL, "%s", EBPF_MISSING);
}

int bos_trace_ebpf_start(struct bos_trace_ebpf *e, uint64_t cgroup_id, struct bos_err *err)
{
	(void)e;
	(void)cgroup_id;
	return bos_err_set(err, -BOS_ENOTIMPL, "%s", EBPF_MISSING);
}

int bos_trace_ebpf_stop(struct bos_trace_ebpf *e, struct bos_trace_result *res,
			struct bos_err *err)
{
	(void)e;
	(void)res;
	return bos_err_set(err, -BOS_ENOTIMPL, "%s", EBPF_MISSING);
}

void bos_trace_ebpf_free(struct bos_trace_ebpf *e)
{
	free(e);
}
