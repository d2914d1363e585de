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
