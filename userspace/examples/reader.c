// SPDX-License-Identifier: MIT
/*
 * A read-only consumer, let in by an ACL entry. The region's owner grants
 * "u:UID:r" (READ) to the reader's user and nothing more: the reader maps
 * the region and reads it, and the kernel refuses it a writable mapping.
 *
 *   reader NAME   print the region's size and checksum, and show that
 *                 writing is refused. Exits 0 when both hold.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libshmdev.h>
#include "example.h"

int main(int argc, char **argv)
{
	struct shmdev_map m;
	int fd, ret;

	if (argc != 2) {
		fprintf(stderr, "usage: reader NAME\n");
		return 2;
	}
	fd = shmdev_open(argv[1], SHMDEV_ACCESS_READ);
	if (fd < 0)
		die(argv[1], fd);
	ret = shmdev_map(fd, PROT_READ, &m);
	if (ret < 0)
		die("map", ret);
	printf("read %zu bytes, checksum %016" PRIx64 "\n", m.size,
	       fnv1a(FNV1A_START, m.addr, m.size));
	shmdev_unmap(&m);
	close(fd);

	/* Asking for WRITE is refused by the region's permissions. */
	fd = shmdev_open(argv[1], SHMDEV_ACCESS_READ | SHMDEV_ACCESS_WRITE);
	if (fd >= 0) {
		printf("write access was granted: the ACL is wider than READ\n");
		close(fd);
		return 1;
	}
	printf("write access refused: %s\n", strerror(-fd));
	return fd == -EACCES ? 0 : 1;
}
