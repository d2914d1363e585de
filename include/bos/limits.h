#ifndef BOS_LIMITS_H
#define BOS_LIMITS_H
/*
 * Every cap on something hostile input can grow (STYLE.md §5). Each cap, when hit,
 * bumps a counter that ends up in the output, so a truncated analysis says so.
 * Modules add their caps here, with a comment saying what grows and why the number.
 */

/* Strings copied from a sample or a tracee (argv elements, paths): longer ones are cut
 * and flagged truncated. */
#define BOS_MAX_STRING 4096

/* Files hashed by `bos stix` are streamed in chunks of this size. */
#define BOS_HASH_CHUNK (1u << 20)

/* A manifest names at most this many files, and is at most this many bytes. */
#define BOS_MANIFEST_MAX_FILES 100000
#define BOS_MANIFEST_MAX_BYTES (64u << 20)

/* --- capture --- */

/* --- flow --- */

/* --- proto (dns, http, tls) --- */

/* DNS (RFC 1035 2.3.4): a name is at most 255 wire bytes, so at most 127 labels; longer
 * names are MALFORMED. Compression pointers must strictly move backwards, so a chain ends
 * by itself; BOS_DNS_MAX_JUMPS only bounds the work per name (a 512-byte message cannot
 * need more than ~256 distinct earlier pointers, 128 is plenty for real traffic). */
#define BOS_DNS_MAX_NAME 255
#define BOS_DNS_MAX_JUMPS 128
/* Questions/answers kept per message (real messages have 1 and a few dozen); the rest are
 * walked, counted and flagged. */
#define BOS_DNS_MAX_QUESTIONS 8
#define BOS_DNS_MAX_RECORDS 64
/* Rendered rdata text per record (TXT can be 64 KiB on the wire). */
#define BOS_DNS_MAX_RDATA_TEXT 1024
/* Queries awaiting their response per flow (the oldest is reported unanswered beyond). */
#define BOS_DNS_MAX_PENDING 64

/* HTTP: a start line or header line (folded lines joined), header fields and header
 * bytes per message (Apache: 8190-byte lines, 100 fields), bytes kept of one field value,
 * requests waiting for their response (pipelining depth), client bytes held while a
 * CONNECT awaits the proxy's answer. */
#define BOS_HTTP_MAX_LINE 8192
#define BOS_HTTP_MAX_HEADERS 100
#define BOS_HTTP_MAX_HEADER_BYTES 65536
#define BOS_HTTP_MAX_FIELD 2048
#define BOS_HTTP_MAX_PENDING 64
#define BOS_HTTP_MAX_TUNNEL_HOLD 65536

/* TLS: a ClientHello/ServerHello is reassembled up to this size (a hello with a
 * post-quantum key share is ~1.8 KiB; 16 KiB is one full record); bigger ones are flagged
 * and skipped. Other handshake messages are skipped by length, never buffered. */
#define BOS_TLS_MAX_HELLO 16384
/* Lists kept from a ClientHello (browsers offer ~20 ciphers, ~20 extensions). */
#define BOS_TLS_MAX_CIPHERS 128
#define BOS_TLS_MAX_EXTENSIONS 64
#define BOS_TLS_MAX_LIST 64
#define BOS_TLS_MAX_SNI 255
#define BOS_TLS_MAX_ALPN 8
#define BOS_TLS_MAX_ALPN_LEN 32
#define BOS_TLS_MAX_HISTORY 32
/* The JA3 text: 5 fields of at most 128 five-character numbers each. */
#define BOS_TLS_MAX_JA3_STR 2048

/* --- trace --- */

/* --- inet (profiles, simulated internet) --- */

/* A profile file is small text; anything bigger is a mistake. Tables are capped so a
 * typo'd generator cannot make the DNS/nft tables explode. */
#define BOS_PROFILE_MAX_BYTES (1u << 20)
#define BOS_PROFILE_MAX_NAMES 4096
#define BOS_PROFILE_MAX_HOSTS 1024
#define BOS_PROFILE_MAX_HTTP_RULES 256	/* per host entry */
#define BOS_PROFILE_MAX_ADDRS 32	/* per name */
#define BOS_PROFILE_MAX_HEADERS 32	/* per HTTP rule */
#define BOS_PROFILE_MAX_ARGV 64		/* per C2 program (argv and env each) */
#define BOS_PROFILE_MAX_DEPTH 16	/* YAML nesting */
/* Sinkhole connections served at once (beyond: accepted and closed at once, counted), bytes
 * buffered per request before it is answered anyway, certificates cached per SNI. */
#define BOS_INET_MAX_CONNS 1024
#define BOS_INET_MAX_REQUEST 16384
#define BOS_INET_MAX_CERTS 64

/* --- sandbox --- */

/* --- case --- */

/* A case holds at most this many files (manifest entries, and entries walked by verify). A
 * long observation rotates its capture into traffic-NNNN.pcap, so thousands are plausible;
 * BOS_MANIFEST_MAX_FILES above bounds what a manifest may claim. */
#define BOS_CASE_MAX_FILES BOS_MANIFEST_MAX_FILES
/* Directory nesting inside a case (verify walks it; hostile copies could nest deeply). */
#define BOS_CASE_MAX_DEPTH 16
/* A relative path inside a case, in bytes. */
#define BOS_CASE_MAX_PATH 1024
/* Settings / outcome key-value pairs per manifest. */
#define BOS_CASE_MAX_KV 256
/* Problems verify lists before it only counts them (a wholesale corrupted copy). */
#define BOS_CASE_MAX_PROBLEMS 1000

/* --- classify / analyze --- */

#endif
