// SPDX-License-Identifier: GPL-2.0
/*
 * Region lifecycle benchmark: create, map, touch every page, unmap and
 * remove a region, with shmdev and with the peers a user would pick
 * instead (POSIX shm_open, System V shmget). The peers run interleaved in
 * the same process, round after round, so that their ratios hold even under
 * emulation, where absolute times mean little.
 *
 * usage: lifecycle [SIZE_KIB [ITERATIONS [ROUNDS]]]   (64, 2000, 7)
 * Prints the median time per cycle of each and shmdev's ratio to each.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>
#include <linux/shmdev.h>

static size_t size;
static long page;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void touch(volatile char *p)
{
	for (size_t off = 0; off < size; off += page)
		p[off] = 1;
}

static int cycle_shmdev(void)
{
	struct shmdev_create c = {
		.name = (__u64)(unsigned long)"bench-lifecycle",
		.size = size, .mode = 0600,
	};
	struct shmdev_unlink u = { .name = c.name };
	int fd = open("/dev/shmdev", O_RDWR | O_CLOEXEC);
	char *p;

	if (fd < 0 || ioctl(fd, SHMDEV_IOC_CREATE, &c))
		return -1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	touch(p);
	munmap(p, size);
	if (ioctl(fd, SHMDEV_IOC_UNLINK, &u))
		return -1;
	return close(fd);
}

static int cycle_posix(void)
{
	int fd = shm_open("/bench-lifecycle", O_RDWR | O_CREAT | O_EXCL, 0600);
	char *p;

	if (fd < 0 || ftruncate(fd, size))
		return -1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	touch(p);
	munmap(p, size);
	if (shm_unlink("/bench-lifecycle"))
		return -1;
	return close(fd);
}

static int cycle_sysv(void)
{
	int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	char *p;

	if (id < 0)
		return -1;
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return -1;
	touch(p);
	shmdt(p);
	return shmctl(id, IPC_RMID, NULL);
}

struct peer {
	const char *name;
	int (*cycle)(void);
	double t[64];
};

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	struct peer peers[] = {
		{ .name = "shmdev", .cycle = cycle_shmdev },
		{ .name = "shm_open", .cycle = cycle_posix },
		{ .name = "shmget", .cycle = cycle_sysv },
	};
	int n = sizeof(peers) / sizeof(peers[0]);
	int iters = argc > 2 ? atoi(argv[2]) : 2000;
	int rounds = argc > 3 ? atoi(argv[3]) : 7;
	double med[3];

	page = sysconf(_SC_PAGESIZE);
	size = (argc > 1 ? atol(argv[1]) : 64) * 1024;
	if (rounds < 1 || rounds > 64 || iters < 1) {
		fprintf(stderr, "usage: %s [SIZE_KIB [ITERATIONS [ROUNDS]]]\n",
			argv[0]);
		return 2;
	}
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < n; i++) {
			double t0 = now();

			for (int k = 0; k < iters; k++)
				if (peers[i].cycle()) {
					fprintf(stderr, "%s: %s\n", peers[i].name,
						strerror(errno));
					return 1;
				}
			peers[i].t[r] = (now() - t0) / iters * 1e6;
		}
	}
	printf("lifecycle of a %zu KiB region, median of %d rounds x %d cycles\n",
	       size / 1024, rounds, iters);
	for (int i = 0; i < n; i++) {
		double lo, hi;

		med[i] = median(peers[i].t, rounds);
		lo = peers[i].t[0];
		hi = peers[i].t[rounds - 1];
		printf("  %-9s %8.2f us/cycle (min %.2f, max %.2f)\n",
		       peers[i].name, med[i], lo, hi);
	}
	for (int i = 1; i < n; i++)
		printf("  shmdev / %-9s %.2fx\n", peers[i].name, med[0] / med[i]);
	return 0;
}
