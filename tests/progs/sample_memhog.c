/*
 * Harmless test sample (tests/priv/contain_limits.sh): allocates and touches memory in
 * 16 MiB steps up to 2 GiB, printing its progress; the lab's memory limit must stop it
 * (OOM kill) long before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	size_t step = 16u << 20, total = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	while (total < (2048u << 20)) {
		char *p = malloc(step);

		if (!p) {
			printf("memhog: malloc failed at %zu MiB\n", total >> 20);
			return 1;
		}
		memset(p, 0x5a, step);
		total += step;
		printf("memhog: %zu MiB\n", total >> 20);
	}
	printf("memhog: reached %zu MiB, limit not enforced\n", total >> 20);
	return 0;
}
