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

/* --- classify / analyze --- */

#endif
