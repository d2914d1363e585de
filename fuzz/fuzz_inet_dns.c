/*
 * libFuzzer harness for the simulated internet's DNS responder (src/inet/dns.c): any bytes
 * as a query to a profile with every DNS action. The answer must stay within the size cap,
 * keep the query's id, and never be sent for a response (QR set).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/inet/inet_int.h"
#include "bos/buf.h"
#include "bos/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char profile[] =
	"dns:\n  names:\n"
	"    - {name: c2.evil.example, addresses: [203.0.113.66, \"2001:db8::66\"]}\n"
	"    - {name: \"*.gone.example\", action: nxdomain}\n"
	"    - {name: broken.example, action: servfail}\n"
	"    - {name: nope.example, action: refused}\n"
	"    - {name: empty.example, action: nodata}\n"
	"    - {name: quiet.example, action: timeout}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bos_profile *p;
	struct bos_buf r = BOS_BUF_INIT;
	struct inet_dns_info info;

	if (!p && bos_profile_parse("f", profile, sizeof(profile) - 1, &p, NULL) < 0)
		abort();
	inet_dns_answer(p, data, size, 512, &r, &info);
	if (r.len > 512)
		abort();
	if (r.len && (r.len < 12 || memcmp(r.data, data, 2)))
		abort();
	if (r.len && size >= 3 && (data[2] & 0x80))
		abort();
	bos_buf_release(&r);
	return 0;
}
