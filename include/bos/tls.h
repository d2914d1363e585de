#ifndef BOS_TLS_H
#define BOS_TLS_H
/*
 * TLS dissector (RFC 5246 TLS 1.2, RFC 8446 TLS 1.3, RFC 6066 SNI, RFC 7301 ALPN): one
 * streaming object per TCP connection, fed both directions in order. It reads the record
 * layer (records spanning segments, handshake messages spanning records), decodes the
 * ClientHello and ServerHello, notes ChangeCipherSpec, alerts and application data, and
 * decides whether the handshake completed:
 *   - TLS <= 1.2: ChangeCipherSpec seen in both directions (the Finished that follows is
 *     encrypted), or application data both ways;
 *   - TLS 1.3 (chosen via supported_versions): after the ServerHello, encrypted records
 *     (application_data content type) in both directions.
 * Alerts: plaintext alerts give level and description; after ChangeCipherSpec (or in 1.3
 * after ServerHello) alerts are encrypted and only counted as such.
 * Fingerprints of the ClientHello: JA3 (Salesforce definition, GREASE values removed, MD5)
 * and JA4 (FoxIO JA4 spec, TCP "t" variant). MD5 and SHA-256 come from OpenSSL libcrypto.
 *
 * Handshake messages other than the hellos are skipped by length without being buffered;
 * a hello larger than BOS_TLS_MAX_HELLO is flagged and not decoded.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bos/err.h"
#include "bos/json.h"
#include "bos/limits.h"
#include "bos/proto.h"

/* A decoded ClientHello (also usable on its own: bos_tls_parse_client_hello). Lists keep
 * wire order, GREASE values included (JA3/JA4 drop them), capped at the limits below;
 * n_* > BOS_TLS_MAX_LIST sets capped. */
struct bos_tls_client_hello {
	uint16_t legacy_version;		/* client_version field */
	uint16_t ciphers[BOS_TLS_MAX_CIPHERS];
	size_t n_ciphers;
	uint16_t exts[BOS_TLS_MAX_EXTENSIONS];	/* extension types in order */
	size_t n_exts;
	uint16_t versions[BOS_TLS_MAX_LIST];	/* supported_versions (43) list */
	size_t n_versions;
	uint16_t groups[BOS_TLS_MAX_LIST];	/* supported_groups (10) */
	size_t n_groups;
	uint8_t point_formats[BOS_TLS_MAX_LIST];	/* ec_point_formats (11) */
	size_t n_point_formats;
	uint16_t sig_algs[BOS_TLS_MAX_LIST];	/* signature_algorithms (13) */
	size_t n_sig_algs;
	char sni[BOS_TLS_MAX_SNI + 1];		/* host_name, raw bytes, NUL-terminated */
	size_t sni_len;				/* 0: none */
	char alpn[BOS_TLS_MAX_ALPN][BOS_TLS_MAX_ALPN_LEN + 1];	/* protocol names */
	size_t alpn_len[BOS_TLS_MAX_ALPN];
	size_t n_alpn;
	bool capped;				/* some list was longer than its cap */
};

struct bos_tls_server_hello {
	uint16_t legacy_version;
	uint16_t selected_version;		/* supported_versions (43) if present, else 0 */
	uint16_t cipher;
	uint8_t compression;
	char alpn[BOS_TLS_MAX_ALPN_LEN + 1];	/* selected ALPN or "" */
	size_t alpn_len;
};

enum bos_tls_anomaly_flags {
	BOS_TLS_ANOM_BAD_RECORD = 1u << 0,	/* unknown content type / version / length */
	BOS_TLS_ANOM_BAD_HELLO = 1u << 1,	/* hello malformed */
	BOS_TLS_ANOM_HELLO_TOO_BIG = 1u << 2,	/* > BOS_TLS_MAX_HELLO: not decoded */
	BOS_TLS_ANOM_CAPPED = 1u << 3,		/* a list cap was hit */
	BOS_TLS_ANOM_GAP = 1u << 4,		/* capture gap: that direction stopped */
	BOS_TLS_ANOM_NOT_TLS = 1u << 5,		/* first bytes were not a TLS record */
};

/* Everything known about one connection so far. */
struct bos_tls_info {
	bool client_hello_seen;
	bool server_hello_seen;
	struct bos_tls_client_hello ch;
	struct bos_tls_server_hello sh;
	uint16_t version;		/* negotiated: sh.selected_version or sh.legacy_version */
	bool established;		/* see header comment */
	bool resumed;			/* <=1.2: no Certificate and CCS from server (abbreviated) */
	bool hello_retry;		/* TLS 1.3 HelloRetryRequest seen (then the real hello) */
	bool ccs[2];			/* ChangeCipherSpec seen, per enum bos_dir */
	uint64_t app_records[2];	/* application_data records per direction */
	/* First plaintext alert, if any (Zeek's last_alert is the last; bos keeps both). */
	bool alert_seen;
	uint8_t alert_level, alert_desc;
	enum bos_dir alert_dir;
	uint8_t last_alert_level, last_alert_desc;
	uint32_t encrypted_alerts;	/* alert records after encryption started */
	/* Zeek-style ssl_history: one letter per handshake event, upper case from the
	 * client, lower case from the server (C hello, S server hello, ..., see docs). */
	char history[BOS_TLS_MAX_HISTORY + 1];
	size_t history_len;
	/* Fingerprints; empty strings until a ClientHello was decoded. */
	char ja3_str[BOS_TLS_MAX_JA3_STR + 1];	/* the JA3 text before hashing */
	char ja3[33];				/* MD5 hex */
	char ja4[40];				/* "t13d1516h2_8daaf6152771_e5627efa2ab1" */
	unsigned anomalies;			/* enum bos_tls_anomaly_flags */
};

struct bos_tls_conn;

/* Returns NULL only on ENOMEM. */
struct bos_tls_conn *bos_tls_conn_new(void);
/* Feed len in-order bytes of one direction. Returns MALFORMED once a direction stopped
 * looking like TLS (further bytes of it are ignored), else OK. */
enum bos_parse bos_tls_conn_feed(struct bos_tls_conn *c, enum bos_dir dir, const uint8_t *p,
				 size_t len);
/* len bytes of dir missing: inside an application_data record they are skipped, elsewhere
 * the direction stops (flag GAP). */
void bos_tls_conn_gap(struct bos_tls_conn *c, enum bos_dir dir, uint64_t len);
const struct bos_tls_info *bos_tls_conn_info(const struct bos_tls_conn *c);
void bos_tls_conn_free(struct bos_tls_conn *c);
/* Make c as new (what bos_tls_conn_new returns), for a caller that keeps spare
 * connections: a conn is ~4 KB, past malloc's fast path, and one is made per TLS flow. */
void bos_tls_conn_reset(struct bos_tls_conn *c);

/* Decode a ClientHello handshake body (after the 4-byte handshake header: starting at
 * client_version) and compute its fingerprints into info (ch, ja3_str, ja3, ja4). */
enum bos_parse bos_tls_parse_client_hello(const uint8_t *p, size_t len,
					  struct bos_tls_info *info);

/* Does p start with a TLS handshake record holding a ClientHello (0x16 0x03 0x0X len 0x01)?
 * Needs len >= 6. SSLv2-compatible hellos are not recognised. */
bool bos_tls_looks_like_client_hello(const uint8_t *p, size_t len);

/* "TLSv12", "TLSv13", "TLSv10", "SSLv3" (Zeek names), NULL when unknown. */
const char *bos_tls_version_name(uint16_t v);
/* IANA cipher suite name ("TLS_AES_128_GCM_SHA256"), NULL when not in bos's table. */
const char *bos_tls_cipher_name(uint16_t c);
/* RFC 8446 6.2 alert description name ("handshake_failure"), NULL when unknown. */
const char *bos_tls_alert_name(uint8_t desc);

/*
 * Write Zeek ssl.log-like fields into the JSON object the caller opened (caller adds ts,
 * uid, id.*): version, cipher, server_name, established, resumed, hello_retry (only
 * when true), ssl_history,
 * client_version, client_supported_versions, server_version, alpn (client list),
 * next_protocol (server choice), last_alert (description name), alert_level,
 * alert_desc, alert_from ("client"/"server"), encrypted_alerts, ja3, ja3_string, ja4,
 * anomalies (array of names, only when non-empty). Unknown fields are left out.
 */
void bos_tls_write_json(const struct bos_tls_info *info, struct bos_json *j);

#endif
