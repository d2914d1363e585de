/*
 * Unit tests of sample identity (bos/sample.h). Expected digests are the published test
 * vectors for "abc" (RFC 1321 appendix A.5, FIPS 180-2 appendix A/B/C) and the empty string.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bos/sample.h"
#include "harness.h"

static const char *mkfile(const char *name, const void *data, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", bt_tmpdir(), name);
	f = fopen(path, "wb");
	if (!f)
		return NULL;
	if (len)
		fwrite(data, 1, len, f);
	fclose(f);
	return path;
}

void test_sample__abc_vectors(void)
{
	const char *p = mkfile("abc.bin", "abc", 3);
	struct bos_sample s;
	struct bos_err err = BOS_ERR_INIT;

	BT_ASSERT(p);
	BT_ASSERT_EQ_INT(bos_sample_identify(p, &s, &err), 0);
	BT_ASSERT_EQ_STR(s.md5_hex, "900150983cd24fb0d6963f7d28e17f72");
	BT_ASSERT_EQ_STR(s.sha1_hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	BT_ASSERT_EQ_STR(s.sha256_hex,
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	BT_ASSERT_EQ_STR(s.sha512_hex,
			 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	BT_ASSERT_EQ_INT(s.sha256[0], 0xba);
	BT_ASSERT_EQ_INT(s.size, 3);
	BT_ASSERT_EQ_STR(s.name, "abc.bin");
	BT_ASSERT_EQ_STR(s.mime, "text/plain");
}

void test_sample__empty_file(void)
{
	const char *p = mkfile("empty.bin", "", 0);
	struct bos_sample s;
	struct bos_err err = BOS_ERR_INIT;

	BT_ASSERT_EQ_INT(bos_sample_identify(p, &s, &err), 0);
	BT_ASSERT_EQ_INT(s.size, 0);
	BT_ASSERT_EQ_STR(s.md5_hex, "d41d8cd98f00b204e9800998ecf8427e");
	BT_ASSERT_EQ_STR(s.sha256_hex,
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	BT_ASSERT_EQ_STR(s.mime, "application/x-empty");
}

void test_sample__elf_mime(void)
{
	struct bos_sample s;
	struct bos_err err = BOS_ERR_INIT;

	/* /bin/sh is an ELF on every Debian machine; libmagic calls it one of these. */
	BT_ASSERT_EQ_INT(bos_sample_identify("/bin/sh", &s, &err), 0);
	BT_ASSERT(!strcmp(s.mime, "application/x-pie-executable") ||
		  !strcmp(s.mime, "application/x-executable") ||
		  !strcmp(s.mime, "application/x-sharedlib"));
	BT_ASSERT_EQ_STR(s.name, "sh");
}

void test_sample__bad_inputs_fail_clearly(void)
{
	struct bos_sample s;
	struct bos_err err = BOS_ERR_INIT;
	char fifo[512];

	BT_ASSERT(bos_sample_identify("/nonexistent/x", &s, &err) < 0);
	BT_ASSERT_EQ_STR(err.msg, "/nonexistent/x: no such file or directory");
	BT_ASSERT_EQ_INT(err.code, -ENOENT);
	BT_ASSERT(bos_sample_identify("/dev/null", &s, &err) < 0);
	BT_ASSERT_EQ_STR(err.msg, "/dev/null: not a regular file: character device");
	BT_ASSERT(bos_sample_identify(bt_tmpdir(), &s, &err) < 0);
	BT_ASSERT(strstr(err.msg, ": is a directory"));
	snprintf(fifo, sizeof(fifo), "%s/fifo", bt_tmpdir());
	BT_ASSERT_EQ_INT(mkfifo(fifo, 0644), 0);
	/* no writer: a blocking open would hang here forever */
	BT_ASSERT(bos_sample_identify(fifo, &s, &err) < 0);
	BT_ASSERT(strstr(err.msg, "not a regular file: fifo"));
	BT_ASSERT_EQ_INT(s.size, 0);	/* zeroed on failure */
}
