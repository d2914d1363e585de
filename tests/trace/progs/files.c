/*
 * Tracee: file operations in the directory argv[1], in a fixed order that
 * tests/trace/check.py expects (scenario "files"). Built native, -static and -m32.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[64];
	int fd;

	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	fd = open("a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);	/* file.open, fd */
	if (fd < 0 || write(fd, "hello", 5) != 5)
		return 3;
	close(fd);						/* file.close written 5 */
	fd = open("a.txt", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 5)
		return 4;
	close(fd);						/* file.close read 5 */
	if (rename("a.txt", "b.txt") < 0)			/* file.rename */
		return 5;
	if (mkdir("d", 0755) < 0)				/* file.mkdir 0755 */
		return 6;
	if (chmod("b.txt", 0600) < 0)				/* file.chmod 0600 */
		return 7;
	if (truncate("b.txt", 2) < 0)				/* file.truncate 2 */
		return 8;
	if (unlink("b.txt") < 0)				/* file.delete */
		return 9;
	if (rmdir("d") < 0)					/* file.delete directory */
		return 10;
	if (unlink("missing") == 0)				/* file.delete ENOENT */
		return 11;
	fd = open("\xff\xfe.bin", O_WRONLY | O_CREAT | O_EXCL, 0600);	/* not UTF-8 */
	if (fd < 0)
		return 12;
	close(fd);
	unlink("\xff\xfe.bin");
	return 0;
}
