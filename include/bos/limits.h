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
