/*
 * Writing events: every line starts with the same fields (docs/process-events.md, "Common
 * fields") and is built with the JSON writer into one buffer that is flushed to events_fd
 * when it grows past FLUSH_AT or when the tracer is about to block. A failed write is counted
 * (write_errors) and the lines are dropped: tracing goes on, the summary says so.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "trace_int.h"

#include "bos/clock.h"

#define FLUSH_AT (64u << 10)

const char *trace_errno_name(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "EUNKNOWN";
}

void trace_json_errno(struct bos_json *j, int64_t rval)
{
	if (rval >= 0) {
		bos_json_kv_str(j, "result", "ok");
		return;
	}
	bos_json_kv_str(j, "result", trace_errno_name((int)-rval));
	bos_json_kv_int(j, "errno", -rval);
}

void trace_ev_begin(struct tracer *t, struct task *tk, const char *event)
{
	struct bos_json *j = &t->j;

	bos_json_init(j, &t->out, 0);
	bos_json_obj_begin(j);
	bos_json_kv_uint(j, "id", ++t->next_id);
	bos_json_kv_time_ns(j, "ts", t->now_ns);
	bos_json_kv_int(j, "ts_ns", t->now_ns);
	bos_json_kv_str(j, "event", event);
	if (!tk)
		return;
	bos_json_kv_int(j, "pid", tk->proc->pid);
	bos_json_kv_int(j, "tid", tk->tid);
	bos_json_kv_str(j, "key", tk->proc->key);
	bos_json_kv_int(j, "ppid", tk->proc->ppid);
	bos_json_kv_str(j, "parent_key", tk->proc->parent_key[0] ? tk->proc->parent_key : NULL);
	bos_json_kv_uint(j, "uid", tk->proc->uid);
	bos_json_kv_uint(j, "euid", tk->proc->euid);
}

void trace_flush(struct tracer *t)
{
	size_t off = 0;

	while (off < t->out.len) {
		ssize_t n = write(t->opts->events_fd, t->out.data + off, t->out.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			t->res->write_errors++;
			break;
		}
		off += (size_t)n;
	}
	bos_buf_reset(&t->out);
}

void trace_ev_end(struct tracer *t)
{
	bos_json_obj_end(&t->j);
	bos_buf_addch(&t->out, '\n');
	t->res->events++;
	if (t->out.len >= FLUSH_AT)
		trace_flush(t);
}

void trace_ev_fd_close(struct tracer *t, struct task *tk, struct fdent *f, const char *why)
{
	struct bos_json *j = &t->j;

	trace_ev_begin(t, tk, f->kind == FD_SOCKET ? "net.close" : "file.close");
	bos_json_kv_int(j, "fd", f->fd);
	bos_json_kv_str(j, "reason", why);
	if (f->path)
		bos_json_kv_str(j, "TargetFilename", f->path);
	if (f->cid[0])
		bos_json_kv_str(j, "CommunityId", f->cid);
	bos_json_kv_uint(j, "open_id", f->open_id);
	if (!(t->opts->flags & BOS_TRACE_NO_IO)) {
		bos_json_kv_uint(j, "bytes_read", f->rd);
		bos_json_kv_uint(j, "bytes_written", f->wr);
	}
	trace_ev_end(t);
}
