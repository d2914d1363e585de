#ifndef BOS_EXPORT_CASE_H
#define BOS_EXPORT_CASE_H
/*
 * Exports of an analysed case (module bos_report, docs/export.md): a STIX 2.1 bundle and
 * JSON Lines for a SIEM. Both load the case like the report does (bos/report.h: analysis.json,
 * sample.stix.json, manifest.json, the timeline with Sigma rules, the network logs).
 *
 * STIX bundle (deterministic: ids are UUIDv5 over the sample's SHA-256 or the case id and
 * each object's key; timestamps come from the case, never the clock):
 *   file, malware (from sample.stix.json, same ids), malware-analysis (product "bos",
 *   result malicious/suspicious/unknown from the level, result_name "progress level N: ...",
 *   custom x_bos_progress_level and x_bos_reason, analysis_sco_refs), domain-name /
 *   ipv4-addr / ipv6-addr / network-traffic of the C2 candidates, observed-data over them,
 *   an indicator per C2 name and address (and the sample's hash indicator), attack-pattern
 *   per ATT&CK technique with external_references to MITRE ATT&CK, relationships
 *   indicator-indicates-malware, malware-uses-attack-pattern,
 *   malware-communicates-with-(domain/address), malware-analysis is the analysis of malware.
 *
 * JSON Lines: one object per line with "bos_type" ("case", "timeline", "technique",
 * "conn", "dns", "http", "tls", "process"), "@timestamp" (RFC 3339) and "case_id", then the
 * record's own fields: what Elasticsearch/OpenSearch bulk or Filebeat and Splunk
 * (sourcetype _json) take as they are.
 */
#include <stdbool.h>
#include <stddef.h>

#include "bos/buf.h"
#include "bos/err.h"
#include "bos/report.h"

/* Append the STIX 2.1 bundle of the case (compact JSON + "\n") to out. */
int bos_export_stix(struct bos_buf *out, const char *case_dir, const struct bos_report_opts *o,
		    struct bos_err *err);

/* Write the JSON Lines export of the case to fd (streamed: memory does not grow with the
 * size of the logs). */
int bos_export_jsonl(int fd, const char *case_dir, const struct bos_report_opts *o,
		     struct bos_err *err);

#endif
