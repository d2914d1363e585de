/*
 * libFuzzer harness for the profile loader (src/inet/profile.c): any bytes as a YAML
 * profile. A profile that loads must also answer the matching functions and make an nft
 * ruleset without tripping ASan/UBSan; one that does not must leave a message naming
 * "<label>:" and return no profile.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bos/buf.h"
#include "bos/inet.h"
#include "bos/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bos_err err = BOS_ERR_INIT;
	struct bos_profile *p = NULL;
	struct bos_profile_addr a = { .family = 2, .a = { 203, 0, 113, 66 } };
	struct bos_inet_env env;
	struct bos_buf b = BOS_BUF_INIT;
	size_t i;

	if (bos_profile_parse("fuzz.yaml", data, size, &p, &err) < 0) {
		if (p || strncmp(err.msg, "fuzz.yaml:", 10))
			abort();
		return 0;
	}
	bos_profile_match_name(p, "c2.evil.example");
	bos_profile_match_name(p, "A.B.C.D.E.F.example.");
	for (i = 0; i < p->n_hosts; i++) {
		const struct bos_profile_host *h;

		a = p->hosts[i].net.addr;
		h = bos_profile_match_host(p, &a, p->hosts[i].proto, p->hosts[i].port_lo);
		if (!h)
			abort();	/* an entry matches its own address, protocol and port */
		bos_profile_match_http(h, "www.evil.example:8080", "/gate.php");
	}
	bos_inet_env_init(&env);
	bos_inet_ruleset(p, &env, &b);
	bos_buf_release(&b);
	bos_profile_free(p);
	return 0;
}
