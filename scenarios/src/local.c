/*
 * Level 2 of the scenario corpus: a program that runs and works only locally. It writes a
 * note into the home directory, reads it back, counts primes for a moment and exits. It
 * opens no socket at all.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	const char *home = getenv("HOME");
	char path[512], line[128];
	unsigned long primes = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/.local-scenario-note", home ? home : "/tmp");
	f = fopen(path, "w");
	if (f) {
		fputs("bos scenario level 2: nothing leaves this host\n", f);
		fclose(f);
	}
	f = fopen(path, "r");
	if (f) {
		if (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		fclose(f);
	}
	for (unsigned long n = 2; n < 200000; n++) {
		unsigned long d = 2;

		while (d * d <= n && n % d)
			d++;
		primes += d * d > n;
	}
	printf("primes below 200000: %lu\n", primes);
	return 0;
}
