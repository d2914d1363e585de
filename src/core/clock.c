/*
 * The case clock (see bos/clock.h): CLOCK_REALTIME nanoseconds, formatted as UTC.
 */
#include <stdio.h>
#include <time.h>

#include "bos/clock.h"

static int64_t pinned_ns;

int64_t bos_clock_now_ns(void)
{
	struct timespec ts;

	if (pinned_ns)
		return pinned_ns;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void bos_clock_pin(int64_t unix_ns)
{
	pinned_ns = unix_ns;
}

static void split_ns(int64_t unix_ns, struct tm *tm, long *frac)
{
	time_t sec = (time_t)(unix_ns / 1000000000);
	long ns = (long)(unix_ns % 1000000000);

	if (ns < 0) {	/* floor division for times before 1970 */
		ns += 1000000000;
		sec -= 1;
	}
	gmtime_r(&sec, tm);
	*frac = ns;
}

char *bos_clock_rfc3339(char *dst, size_t len, int64_t unix_ns)
{
	struct tm tm;
	long ns;

	split_ns(unix_ns, &tm, &ns);
	snprintf(dst, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
	return dst;
}

char *bos_clock_compact(char *dst, size_t len, int64_t unix_ns)
{
	struct tm tm;
	long ns;

	split_ns(unix_ns, &tm, &ns);
	snprintf(dst, len, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return dst;
}
