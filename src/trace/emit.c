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

size_t trace_put_i64(char *p, int64_t v)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char tmp[20];
	size_t n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		p[len++] = '-';
	while (n)
		p[len++] = tmp[--n];
	return len;
}

/* Whether s can be written between quotes as is (what bos_json_quote would copy). */
static bool plain_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '"' ||
		    s[i] == '\\')
			return false;
	return true;
}

/*
 * The text of "ts": bos_clock_rfc3339 makes it (gmtime and printf, the dearest part of a
 * line), but only when the second changes; within one second only the nine digits of
 * nanoseconds before the 'Z' are rewritten. Same text as bos_json_kv_time_ns writes.
 * Returns false if the format is not the expected one (the writer is used then).
 */
static bool ts_text(struct tracer *t, int64_t unix_ns)
{
	int64_t sec = unix_ns / 1000000000;
	int64_t ns = unix_ns % 1000000000;

	if (ns < 0) {		/* floor division, as bos_clock_rfc3339 */
		ns += 1000000000;
		sec -= 1;
	}
	if (!t->ts_len || sec != t->ts_sec) {
		bos_clock_rfc3339(t->ts, sizeof(t->ts), unix_ns);
		t->ts_len = strlen(t->ts);
		t->ts_sec = sec;
		if (t->ts_len < 11 || t->ts[t->ts_len - 11] != '.' ||
		    !plain_ascii(t->ts, t->ts_len)) {
			t->ts_len = 0;
			return false;
		}
	}
	for (size_t i = t->ts_len - 2; i >= t->ts_len - 10; i--, ns /= 10)
		t->ts[i] = (char)('0' + ns % 10);
	return true;
}

/*
 * ',"ts":"...","ts_ns":N,"event":"..."' appended as bytes after the writer's "id": the
 * same bytes the writer makes for them (plain ASCII needs no escaping), without its
 * per-field checks. The writer still owes a comma before its next field ("id" was its
 * last), so the calls that follow stay correct.
 */
static void json_ts_event(struct tracer *t, const char *event)
{
	struct bos_json *j = &t->j;
	size_t el = strlen(event), len;
	char s[128];

	if (el > 32 || !plain_ascii(event, el) || !ts_text(t, t->now_ns)) {
		bos_json_kv_time_ns(j, "ts", t->now_ns);
		bos_json_kv_int(j, "ts_ns", t->now_ns);
		bos_json_kv_str(j, "event", event);
		return;
	}
	memcpy(s, ",\"ts\":\"", 7);
	memcpy(s + 7, t->ts, t->ts_len);	/* < 40 */
	len = 7 + t->ts_len;
	memcpy(s + len, "\",\"ts_ns\":", 10);
	len += 10;
	len += trace_put_i64(s + len, t->now_ns);
	memcpy(s + len, ",\"event\":\"", 10);
	len += 10;
	memcpy(s + len, event, el);
	len += el;
	s[len++] = '"';
	bos_buf_add(&t->out, s, len);
}

static void hdr_src_of(const struct task *tk, struct hdr_src *src)
{
	memset(src, 0, sizeof(*src));	/* compared with memcmp: no stray padding */
	src->pid = tk->proc->pid;
	src->tid = tk->tid;
	src->ppid = tk->proc->ppid;
	src->uid = tk->proc->uid;
	src->euid = tk->proc->euid;
	memcpy(src->key, tk->proc->key, sizeof(src->key));
	memcpy(src->parent_key, tk->proc->parent_key, sizeof(src->parent_key));
}

/* The task's common fields, written by the JSON writer into j (an object, after a field). */
static void json_task_fields(struct bos_json *j, const struct task *tk)
{
	bos_json_kv_int(j, "pid", tk->proc->pid);
	bos_json_kv_int(j, "tid", tk->tid);
	bos_json_kv_str(j, "key", tk->proc->key);
	bos_json_kv_int(j, "ppid", tk->proc->ppid);
	bos_json_kv_str(j, "parent_key", tk->proc->parent_key[0] ? tk->proc->parent_key : NULL);
	bos_json_kv_uint(j, "uid", tk->proc->uid);
	bos_json_kv_uint(j, "euid", tk->proc->euid);
}

/*
 * Renders tk's common fields into tk->hdr with the writer itself (an object holding one
 * field first, so that every field gets its comma): the cached bytes are exactly what the
 * writer would append. Left empty (hdr_len 0) if they do not fit.
 */
static void render_hdr(struct task *tk, const struct hdr_src *src)
{
	struct bos_buf b = BOS_BUF_INIT;
	struct bos_json j;

	tk->hdr_len = 0;
	bos_json_init(&j, &b, 0);
	bos_json_obj_begin(&j);
	bos_json_kv_int(&j, "x", 0);
	json_task_fields(&j, tk);
	/* b is '{"x":0' followed by the fields, each with its leading comma. */
	if (b.len > 6 && b.len - 6 <= sizeof(tk->hdr)) {
		memcpy(tk->hdr, b.data + 6, b.len - 6);
		tk->hdr_len = (uint16_t)(b.len - 6);
		tk->hdr_src = *src;
	}
	bos_buf_release(&b);
}

void trace_ev_begin(struct tracer *t, struct task *tk, const char *event)
{
	struct bos_json *j = &t->j;
	struct hdr_src src;

	bos_json_init(j, &t->out, 0);
	bos_json_obj_begin(j);
	bos_json_kv_uint(j, "id", ++t->next_id);
	json_ts_event(t, event);
	if (!tk)
		return;
	/* Appending the cached bytes between writer calls is safe: the writer already owes
	 * a comma before its next field ("id" was written). */
	hdr_src_of(tk, &src);
	if (!tk->hdr_len || memcmp(&src, &tk->hdr_src, sizeof(src)))
		render_hdr(tk, &src);
	if (tk->hdr_len)
		bos_buf_add(&t->out, tk->hdr, tk->hdr_len);
	else
		json_task_fields(j, tk);
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
