#ifndef BOS_ADDR_TEXT_H
#define BOS_ADDR_TEXT_H
/*
 * Text of an IPv4 (4 bytes) or IPv6 (16 bytes, network order) address, byte for byte what
 * inet_ntop(3) writes: dotted quad; lowercase hex groups, the first longest run of two or
 * more zero groups as "::", ::a.b.c.d and ::ffff:a.b.c.d for IPv4-compatible and -mapped
 * addresses. False (dst untouched) when the text and its NUL do not fit in len bytes;
 * BOS_ADDR_TEXT_MAX always fits.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOS_ADDR_TEXT_MAX 46	/* INET6_ADDRSTRLEN */

bool bos_addr_text(char *dst, size_t len, const uint8_t *addr, bool v6);

#endif
