#ifndef BOS_CLOCK_H
#define BOS_CLOCK_H
/*
 * One clock for every record in a case: CLOCK_REALTIME in nanoseconds since the Unix
 * epoch (UTC). The capture, the tracer and the event log all stamp with it, so their
 * records sort together. --deterministic runs may pin it (bos_clock_pin).
 */
#include <stddef.h>
#include <stdint.h>

int64_t bos_clock_now_ns(void);
/* Make bos_clock_now_ns return a fixed value (golden tests); 0 unpins. */
void bos_clock_pin(int64_t unix_ns);
/* "2026-11-26T10:58:29.123456789Z" into dst (at least 32 bytes). Returns dst. */
char *bos_clock_rfc3339(char *dst, size_t len, int64_t unix_ns);
/* "20261126T105829Z" (case directory names) into dst (at least 17 bytes). */
char *bos_clock_compact(char *dst, size_t len, int64_t unix_ns);

#endif
