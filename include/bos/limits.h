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

/* Largest frame a pcap record or pcapng packet block may carry (libpcap's own maximum
 * snapshot length): a larger caplen is a damaged file, not a big packet. */
#define BOS_CAPTURE_MAX_CAPLEN 262144u
/* Largest pcapng block of any kind (libpcap: 16 MiB). The reader's buffer grows to this at
 * most, so memory stays bounded whatever the file says. */
#define BOS_CAPTURE_MAX_BLOCK (16u << 20)
/* Interfaces per pcapng section (each IDB costs a few bytes; hostile files may repeat). */
#define BOS_CAPTURE_MAX_IFACES 4096u
/* Read size of the file reader (one buffer, reused). */
#define BOS_CAPTURE_READ_CHUNK (1u << 20)
/* VLAN tags and IPv6 extension headers followed before giving up on a frame. */
#define BOS_PKT_MAX_VLAN 4
#define BOS_PKT_MAX_V6_EXT 8

/* --- flow --- */

/* Live flows in the table. When full, the idlest flow is evicted (written out early and
 * counted as flows_evicted_cap). */
#define BOS_FLOW_MAX_FLOWS 1000000u
/* Out-of-order TCP bytes buffered per direction for reassembly; beyond it the hole is
 * declared a gap (missed_bytes) and the buffered data delivered. */
#define BOS_FLOW_MAX_OOO_BYTES (256u << 10)
/* Out-of-order segments buffered per direction (bounds the list walk). */
#define BOS_FLOW_MAX_OOO_SEGS 256u
/* Unconsumed application bytes the engine keeps per direction for a dissector that said
 * "incomplete"; beyond it the dissector is stopped for that flow (counted). */
#define BOS_FLOW_MAX_APP_BUF (64u << 10)
/* Idle timeouts on capture time, in seconds (Zeek's defaults: tcp_inactivity_timeout,
 * udp/icmp_inactivity_timeout, tcp_attempt_delay, tcp_close_delay). */
#define BOS_FLOW_TCP_IDLE_S 300
#define BOS_FLOW_UDP_IDLE_S 60
#define BOS_FLOW_ICMP_IDLE_S 60
#define BOS_FLOW_TCP_ATTEMPT_S 5
#define BOS_FLOW_TCP_CLOSE_S 5
/* History string length per connection (Zeek's history never needs more than ~40). */
#define BOS_FLOW_MAX_HISTORY 47

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
/* Field bytes (method, URI, Host, ...) held at once by one connection's live transactions:
 * bounds memory per connection at ~64 KiB whatever the pipelining depth. */
#define BOS_HTTP_MAX_CONN_BYTES 65536

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
/* A "#!" line is read up to this many bytes, like the kernel's BINPRM_BUF_SIZE. */
#define BOS_TRACE_SHEBANG_MAX 256
/* execve argv: at most this many elements and this many bytes in total are recorded; the
 * rest is counted as truncated (argv_truncated in the event). */
#define BOS_TRACE_MAX_ARGV 256
#define BOS_TRACE_MAX_ARGV_BYTES (64u << 10)
/* Traced threads at once (the sample's fork bomb is bounded by its cgroup's pids limit;
 * beyond this, new threads are still traced but their events are counted as lost). */
#define BOS_TRACE_MAX_TASKS 16384
/* Open files/sockets followed per process for the per-file byte summary. */
#define BOS_TRACE_MAX_FDS 1024

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

/* Run ids are this many hex digits (names like bos-<runid>-victim must fit IFNAMSIZ-free
 * netns names and stay short). */
#define BOS_LAB_RUNID_LEN 8
/* Paths the lab builds (state dir, log dir, cgroup dirs). */
#define BOS_LAB_PATH_MAX 512
/* A live capture file is rotated into traffic-NNNN.pcap after this many bytes. */
#define BOS_CAPTURE_ROTATE_BYTES (256ull << 20)
/* Snap length of live captures: whole frames (veth MTU is 1500; GRO can merge more). */
#define BOS_CAPTURE_SNAPLEN 262144
/* Extra arguments passed to a sample after "--". */
#define BOS_SAMPLE_MAX_ARGS 64
/* Syslog messages from the victim's /dev/log: bytes kept per message (longer ones are cut
 * and flagged), and messages recorded per run (the rest are counted as dropped). */
#define BOS_LAB_SYSLOG_MAX_BYTES 2048
#define BOS_LAB_SYSLOG_MAX_MSGS 10000

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

/* Evidence items kept per C2 candidate in analysis.json (highest level first); the total is
 * still counted. Operations listed (a busy operator makes thousands of file opens). */
#define BOS_CLS_MAX_EVIDENCE 32
#define BOS_CLS_MAX_OPS 2000
/* Facts analyze keeps per kind (flows, DNS, HTTP, TLS, proxy lines, process events) and
 * C2 candidates: a scan or a fork bomb would otherwise grow them without bound. Entries past
 * the cap are counted and reported as a caveat. */
#define BOS_ANALYZE_MAX_FACTS 500000
#define BOS_ANALYZE_MAX_CANDS 4096
/* One JSONL / proxy.log line, in bytes: longer lines are reported malformed and skipped. */
#define BOS_ANALYZE_MAX_LINE (64u << 10)
/* Malformed lines reported by file:line before they are only counted. */
#define BOS_ANALYZE_MAX_PROBLEMS 50

/* --- rules (Sigma) and report --- */

/* A Sigma rule file (one rule) is at most this many bytes and YAML nodes, nested at most
 * this deep: real SigmaHQ rules are < 20 KB and < 500 nodes. */
#define BOS_SIGMA_MAX_FILE_BYTES (1u << 20)
#define BOS_SIGMA_MAX_NODES 20000
#define BOS_SIGMA_MAX_DEPTH 32
/* Selections per rule, condition text bytes and parenthesis/not depth, tags kept per rule. */
#define BOS_SIGMA_MAX_SELECTIONS 256
#define BOS_SIGMA_MAX_COND_BYTES 4096
#define BOS_SIGMA_MAX_COND_DEPTH 64
#define BOS_SIGMA_MAX_TAGS 64
/* Rules loaded by one run (bos's own plus every --rules DIR). */
#define BOS_SIGMA_MAX_RULES 10000
/* Timeline: entries kept per case (the rest counted as dropped), process.jsonl line bytes. */
#define BOS_TIMELINE_MAX_ENTRIES 20000
#define BOS_TIMELINE_MAX_LINE (1u << 20)
/* analysis.json / sample.stix.json / manifest.json read by report and export; rows of each
 * network log shown in report.html (the rest counted). */
#define BOS_REPORT_MAX_JSON (64u << 20)
#define BOS_REPORT_MAX_ROWS 500

#endif
