/*
 * bos stix: hash a sample into a STIX 2.1 bundle (docs/man/bos-stix.1.md).
 * Wiring only: bos_sample_identify (case module) -> bos_stix_sample_bundle (export
 * module) -> stdout, a file, or a minimal case (sample.stix.json + manifest.json).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bos/buf.h"
#include "bos/case.h"
#include "bos/clock.h"
#include "bos/sample.h"
#include "bos/stix.h"
#include "cli.h"

/* --deterministic pins every timestamp to 2020-01-01T00:00:00Z. */
#define STIX_PINNED_NS (INT64_C(1577836800) * 1000000000)

static const char usage[] =
	"usage: bos stix [--deterministic] [--pretty] [-o OUT | --case DIR] FILE\n"
	"\n"
	"Hash FILE (MD5, SHA-1, SHA-256, SHA-512, size, name, MIME type) into a STIX 2.1\n"
	"bundle: a file object, a malware object (is_family false), an indicator that\n"
	"matches the SHA-256 and a relationship (indicator indicates malware). Written to\n"
	"standard output unless -o or --case is given.\n"
	"\n"
	"  -o, --output OUT     write the bundle to OUT (replaced if it exists)\n"
	"      --case DIR       write a case DIR holding sample.stix.json and manifest.json;\n"
	"                       prints where it went (DIR, or DIR-N if DIR exists)\n"
	"      --deterministic  derived ids and timestamps pinned to 2020-01-01T00:00:00Z\n"
	"                       (same file, same bundle: for golden tests)\n"
	"      --pretty         indent the JSON\n"
	"\n"
	"Exit status: 0 written, 1 FILE unusable or output failed, 2 usage error.\n";

static int write_out(const char *path, const struct bos_buf *b, struct bos_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = b->data;
	size_t left = b->len;

	if (fd < 0)
		return bos_err_sys(err, "%s", path);
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bos_err_sys(err, "%s: write", path);
			close(fd);
			return err->code;
		}
		p += n;
		left -= (size_t)n;
	}
	if (close(fd) < 0)
		return bos_err_sys(err, "%s: close", path);
	return 0;
}

static int write_case(const char *dir, const struct bos_sample *s, const struct bos_buf *b,
		      struct bos_err *err)
{
	struct bos_case_meta meta = { .command = "stix" };
	struct bos_case *c = NULL;
	int ret;

	ret = bos_case_create(&c, dir, &meta, err);
	if (ret < 0)
		return ret;
	bos_case_set_sample(c, s);
	ret = bos_case_write_file(c, "sample.stix.json", b->data, b->len, err);
	if (ret == 0)
		ret = bos_case_finish(c, true, NULL, err);
	else
		bos_case_finish(c, false, "writing sample.stix.json failed", NULL);
	if (ret == 0)
		printf("%s\n", bos_case_final_dir(c));
	bos_case_free(c);
	return ret;
}

int cmd_stix(int argc, char **argv)
{
	enum { OPT_CASE = 256, OPT_DET, OPT_PRETTY };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "case", required_argument, NULL, OPT_CASE },
		{ "deterministic", no_argument, NULL, OPT_DET },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bos_err err = BOS_ERR_INIT;
	struct bos_buf out = BOS_BUF_INIT;
	struct bos_sample s;
	const char *output = NULL, *case_dir = NULL;
	unsigned flags = 0;
	int opt, rc = BOS_EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case OPT_CASE:
			case_dir = optarg;
			break;
		case OPT_DET:
			flags |= BOS_STIX_DETERMINISTIC;
			break;
		case OPT_PRETTY:
			flags |= BOS_STIX_PRETTY;
			break;
		case 'h':
			fputs(usage, stdout);
			return BOS_EXIT_OK;
		default:
			return cli_usage("stix", "unknown option or missing argument: '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage("stix", "expected exactly one FILE");
	if (output && case_dir)
		return cli_usage("stix", "-o and --case are exclusive");
	if (flags & BOS_STIX_DETERMINISTIC)
		bos_clock_pin(STIX_PINNED_NS);
	if (bos_sample_identify(argv[optind], &s, &err) < 0)
		return cli_fail("stix", &err);
	if (bos_stix_sample_bundle(&out, &s, flags, &err) < 0) {
		rc = cli_fail("stix", &err);
		goto out;
	}
	if (case_dir) {
		if (write_case(case_dir, &s, &out, &err) < 0)
			rc = cli_fail("stix", &err);
	} else if (output) {
		if (write_out(output, &out, &err) < 0)
			rc = cli_fail("stix", &err);
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		bos_err_sys(&err, "standard output");
		rc = cli_fail("stix", &err);
	}
out:
	bos_buf_release(&out);
	return rc;
}
