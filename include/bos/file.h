#ifndef BOS_FILE_H
#define BOS_FILE_H
/*
 * Opening files of a case for reading, and writing whole buffers. A case comes from
 * elsewhere and may be hostile: a FIFO under a log's name would block a reader forever,
 * a symlink could point out of the case, /dev/zero would never end. Every reader of case
 * files opens them through here.
 */
#include <stdio.h>
#include <stddef.h>

#include "bos/err.h"

/*
 * Open path read-only if it is a regular file, without blocking and without following a
 * final symlink. Returns the fd (O_CLOEXEC, blocking mode restored), -ENOENT if there is
 * no such file (err untouched), or another negative code with err filled: "PATH: not a
 * regular file" (-BOS_EINPUT) for a FIFO, device, directory or symlink.
 */
int bos_open_regular(const char *path, struct bos_err *err);

/* The same as a stdio stream ("rb"); NULL with *code set to the negative code. */
FILE *bos_fopen_regular(const char *path, int *code, struct bos_err *err);

/* write(2) until all of len is written, retrying on EINTR. 0 or -errno. */
int bos_write_all(int fd, const void *data, size_t len);

#endif
