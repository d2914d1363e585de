#ifndef BOS_ESCAPE_H
#define BOS_ESCAPE_H
/*
 * Escaping of attacker-controlled bytes before a person sees them (STYLE.md §8).
 * Locale-free: printable ASCII passes, everything else becomes \xHH (and \\, \" escaped),
 * so a terminal never receives a control sequence from a sample.
 */
#include <stdbool.h>
#include <stddef.h>

#include "bos/buf.h"

void bos_escape(struct bos_buf *out, const void *data, size_t len);
/* Escape into a fixed buffer (truncated with "..." if it does not fit); returns dst. */
const char *bos_escape_str(char *dst, size_t dstlen, const char *s);
/* True if [data, data+len) is valid UTF-8 without overlongs, surrogates or NULs. */
bool bos_utf8_valid(const void *data, size_t len);
/* Length of the valid UTF-8 sequence starting at p (left >= 1 bytes there), 0 if it is not
 * one (or is NUL): the step of bos_utf8_valid, for writers that validate while copying. */
size_t bos_utf8_seq_len(const void *p, size_t left);
/* Standard base64 (RFC 4648) of data appended to out. */
void bos_base64(struct bos_buf *out, const void *data, size_t len);
/* Decode standard base64 text (NUL-terminated) and append the bytes to out. Characters
 * outside the alphabet ('=' padding, whitespace) are skipped, so hostile text can only
 * produce bytes, never an error or an over-read. */
void bos_base64_decode(struct bos_buf *out, const char *text);
/* Lower-case hex of data appended to out. */
void bos_hex(struct bos_buf *out, const void *data, size_t len);

#endif
