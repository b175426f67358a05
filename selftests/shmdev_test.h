/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the shmdev selftests. Include after kselftest_harness.h.
 */

#ifndef _SHMDEV_TEST_H
#define _SHMDEV_TEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/shmdev.h>

#define SHMDEV_PATH		"/dev/shmdev"
#define SHMDEV_STATS_PATH	"/sys/kernel/debug/shmdev/stats"
#define SHMDEV_HANDLE_CACHE	"shmdev_file"

/* Output fields are pre-filled with this byte so an unwritten field shows. */
#define SENTINEL_BYTE	0xa5
#define SENTINEL_U32	0xa5a5a5a5u
#define SENTINEL_U64	0xa5a5a5a5a5a5a5a5ull

static inline int shmdev_open_dev(void)
{
	return open(SHMDEV_PATH, O_RDWR | O_CLOEXEC);
}

/* A version query argument: outputs hold the sentinel, inputs are valid. */
static inline void version_arg_init(struct shmdev_version *v)
{
	memset(v, SENTINEL_BYTE, sizeof(*v));
	v->flags = 0;
	memset(v->reserved, 0, sizeof(v->reserved));
}

/* Read one "key value" line of the driver's debugfs statistics; -1 if absent. */
static inline long shmdev_stat(const char *key)
{
	char k[64];
	long v, found = -1;
	FILE *f = fopen(SHMDEV_STATS_PATH, "re");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", k, &v) == 2)
		if (!strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

/*
 * Read a numeric attribute of a slab cache in /sys/kernel/slab; -1 if
 * absent. The cache is shrunk first: that flushes its per-CPU slabs and
 * drains its objects from KASAN's quarantine, where freed objects still
 * count as allocated.
 */
static inline long slab_attr(const char *cache, const char *attr)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	f = fopen(path, "we");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, attr);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

#endif /* _SHMDEV_TEST_H */
