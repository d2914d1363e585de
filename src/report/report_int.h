#ifndef BOS_REPORT_REPORT_INT_H
#define BOS_REPORT_REPORT_INT_H
/*
 * Inside the report module: one loaded case shared by the HTML report (report.c) and the
 * exports (export.c). JSON is read with json-c from capped buffers; every string from it
 * is hostile and is escaped by whoever prints it.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "bos/buf.h"
#include "bos/err.h"
#include "bos/report.h"
#include "bos/sigma.h"
#include "bos/timeline.h"

struct rp_case {
	const char *dir;		/* borrowed */
	struct json_object *analysis;	/* NULL when the case was never analysed */
	struct json_object *sample;	/* sample.stix.json; NULL when missing */
	struct json_object *manifest;	/* NULL when missing */
	struct bos_sigma_set rules;
	struct bos_timeline tl;
	char *net_tmp;			/* temporary directory of engine logs, removed */
	const char *net_dir;		/* where conn/dns/http/tls.jsonl are read */
	bool net_damaged;		/* the capture was damaged (engine said so) */
	char net_error[sizeof(((struct bos_err *)0)->msg)];
};

int rp_case_load(struct rp_case *c, const char *dir, const struct bos_report_opts *o,
		 struct bos_err *err);
void rp_case_release(struct rp_case *c);

struct json_object *rp_get(struct json_object *o, const char *k);
const char *rp_str(struct json_object *o, const char *k);
bool rp_int(struct json_object *o, const char *k, int64_t *out);
/* The sample's STIX file object (type "file") in sample.stix.json, or NULL. */
struct json_object *rp_sample_file(const struct rp_case *c);
/* A JSON value as text bytes: strings as they are, {"b64": ...} decoded, numbers and
 * booleans printed, null/missing as "". Appends to out. */
void rp_text(struct bos_buf *out, struct json_object *v);

/* Call fn on each JSON object line of a network log (name in c->net_dir), at most max
 * lines (0: no limit). Returns lines seen; 0 if the file is missing. */
typedef void (*rp_line_fn)(struct json_object *o, void *arg);
uint64_t rp_each_log(const struct rp_case *c, const char *name, rp_line_fn fn, void *arg);

/* True if s (a name or address) is one of the case's C2 candidates. */
bool rp_is_c2(const struct rp_case *c, const char *s);

#endif
