/*
 * Stable names of levels, reasons, evidence and operation kinds: they are the vocabulary of
 * analysis.json and docs/levels.md, so they never change meaning once released.
 */
#include "bos/classify.h"

const char *bos_level_name(unsigned level)
{
	static const char *const names[] = {
		[1] = "no traffic",
		[2] = "no traffic (ran)",
		[3] = "C2 not reached: name not resolved",
		[4] = "C2 not reached: only SYN sent",
		[5] = "C2 answered but refused",
		[6] = "C2 session established",
		[7] = "attacker operations",
		[8] = "attacker operations, continuing",
	};

	if (level < BOS_LEVEL_MIN || level > BOS_LEVEL_MAX)
		return "unknown";
	return names[level];
}

const char *bos_cls_reason_str(enum bos_cls_reason r)
{
	switch (r) {
	case BOS_CLS_R_NONE: return "none";
	case BOS_CLS_R_NOT_RUN: return "not_run";
	case BOS_CLS_R_NO_EVIDENCE: return "no_evidence";
	case BOS_CLS_R_NO_TRAFFIC: return "no_traffic";
	case BOS_CLS_R_NO_C2_TRAFFIC: return "no_c2_traffic";
	case BOS_CLS_R_NXDOMAIN: return "nxdomain";
	case BOS_CLS_R_SERVFAIL: return "servfail";
	case BOS_CLS_R_DNS_REFUSED: return "dns_refused";
	case BOS_CLS_R_DNS_NO_ANSWER: return "dns_no_answer";
	case BOS_CLS_R_NO_ADDRESS: return "no_address";
	case BOS_CLS_R_NOT_CONTACTED: return "not_contacted";
	case BOS_CLS_R_RESOLVED: return "resolved";
	case BOS_CLS_R_PROXY_DNS_FAIL: return "proxy_dns_fail";
	case BOS_CLS_R_NO_ANSWER: return "no_answer";
	case BOS_CLS_R_REFUSED: return "refused";
	case BOS_CLS_R_PROXY_CONNECT_FAIL: return "proxy_connect_fail";
	case BOS_CLS_R_HTTP_REFUSED: return "http_refused";
	case BOS_CLS_R_PROXY_REFUSED: return "proxy_refused";
	case BOS_CLS_R_TLS_ALERT: return "tls_alert";
	case BOS_CLS_R_TLS_FAILED: return "tls_failed";
	case BOS_CLS_R_CLOSED_NO_DATA: return "closed_no_data";
	case BOS_CLS_R_HTTP_OK: return "http_ok";
	case BOS_CLS_R_PROXY_OK: return "proxy_ok";
	case BOS_CLS_R_TLS_DATA: return "tls_data";
	case BOS_CLS_R_PAYLOAD_BOTH: return "payload_both";
	case BOS_CLS_R_OPERATIONS: return "operations";
	case BOS_CLS_R_BURSTS: return "bursts";
	case BOS_CLS_R_SESSIONS: return "sessions";
	default: break;
	}
	return "unknown";
}

const char *bos_cls_ev_kind_str(enum bos_cls_ev_kind k)
{
	switch (k) {
	case BOS_CLS_EV_DNS: return "dns";
	case BOS_CLS_EV_FLOW: return "flow";
	case BOS_CLS_EV_HTTP: return "http";
	case BOS_CLS_EV_TLS: return "tls";
	case BOS_CLS_EV_PROXY: return "proxy";
	case BOS_CLS_EV_PEV: return "process";
	default: break;
	}
	return "unknown";
}

const char *bos_cls_op_kind_str(enum bos_cls_op_kind k)
{
	switch (k) {
	case BOS_CLS_OP_EXEC: return "process_start";
	case BOS_CLS_OP_FILE: return "file_access";
	case BOS_CLS_OP_INTERNAL: return "internal_connection";
	case BOS_CLS_OP_UPLOAD: return "upload";
	case BOS_CLS_OP_SCAN: return "scan";
	default: break;
	}
	return "unknown";
}
