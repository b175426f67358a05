// SPDX-License-Identifier: GPL-2.0
/*
 * Region workloads: shmdev regions against POSIX shm_open, System V
 * shmget, memfd_create and MAP_SHARED|MAP_ANONYMOUS.
 *
 *  - lifecycle: create, map, touch every page, unmap, remove;
 *  - touch: first-touch faults over a large region, with and without
 *    SHMDEV_CREATE_POPULATE, and the steady-state memset bandwidth of the
 *    mapping, the machine's limit;
 *  - scale: OPEN latency and kernel memory per region as the number of
 *    regions grows (shm_open over as many tmpfs files beside it).
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
#include <unistd.h>
#include <libshmdev.h>

#include "bench.h"

static long page_size(void)
{
	static long page;

	if (!page)
		page = sysconf(_SC_PAGESIZE);
	return page;
}

/* Write one byte in every page: each write is a first-touch fault. */
static void touch(volatile char *p, size_t size)
{
	for (size_t off = 0; off < size; off += page_size())
		p[off] = 1;
}

static void *map_fd(int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static int shmdev_new(const char *name, size_t size, unsigned int flags)
{
	int fd = shmdev_create(name, size, 0600, flags, 0);

	if (fd < 0)
		die_errno("shmdev_create", -fd);
	return fd;
}

/* UNLINK through the region's own fd, as a region fd allows. */
static void unlink_by_fd(int fd)
{
	if (shmdev_unlink_fd(fd, 0))
		die("shmdev_unlink_fd");
}

/* --- lifecycle ------------------------------------------------------------- */

/* The middle of every file-backed cycle: map, touch every page, unmap. */
static void map_touch_unmap(int fd, size_t size)
{
	char *p = map_fd(fd, size);

	touch(p, size);
	munmap(p, size);
}

static void cycle_shmdev(size_t size)
{
	int fd = shmdev_new("bench-lifecycle", size, 0);

	map_touch_unmap(fd, size);
	unlink_by_fd(fd);
	close(fd);
}

/* A transient region goes with its last handle, as a memfd does. */
static void cycle_shmdev_transient(size_t size)
{
	int fd = shmdev_new("bench-lifecycle", size, SHMDEV_CREATE_TRANSIENT);

	map_touch_unmap(fd, size);
	close(fd);
}

static void cycle_posix(size_t size)
{
	int fd = shm_open("/bench-lifecycle", O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd < 0 || ftruncate(fd, size))
		die("shm_open");
	map_touch_unmap(fd, size);
	if (shm_unlink("/bench-lifecycle"))
		die("shm_unlink");
	close(fd);
}

static void cycle_sysv(size_t size)
{
	int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	char *p;

	if (id < 0)
		die("shmget");
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat");
	touch(p, size);
	shmdt(p);
	if (shmctl(id, IPC_RMID, NULL))
		die("IPC_RMID");
}

static void cycle_memfd(size_t size)
{
	int fd = memfd_create("bench-lifecycle", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, size))
		die("memfd_create");
	map_touch_unmap(fd, size);
	close(fd);
}

static const struct {
	const char *name;
	void (*cycle)(size_t size);
} cycles[] = {
	{ "shmdev", cycle_shmdev },
	{ "shmdev transient", cycle_shmdev_transient },
	{ "shm_open", cycle_posix },
	{ "System V", cycle_sysv },
	{ "memfd", cycle_memfd },
};

#define NCYCLES (sizeof(cycles) / sizeof(cycles[0]))

/*
 * The targets: a named region's whole cycle at least 0.9 times as fast as
 * a memfd's at 4 KiB and as fast at 64 KiB and up, and as fast as
 * shm_open's at every size.
 */
static void lifecycle_of(const char *workload, size_t size, long n)
{
	double memfd_target = size <= 4096 ? 0.9 : 1.0;
	struct series *s[NCYCLES];
	char *label, *text;

	for (unsigned int i = 0; i < NCYCLES; i++)
		s[i] = series_new(workload, cycles[i].name, "us");
	for_each_round(r)
		for (unsigned int i = 0; i < NCYCLES; i++) {
			double t0 = now();

			for (long k = 0; k < n; k++)
				cycles[i].cycle(size);
			series_add(s[i], (now() - t0) / n * 1e6);
		}
	if (asprintf(&label, "Lifecycle of %s vs memfd", workload) < 0 ||
	    asprintf(&text, "≥ %.1f× memfd's speed", memfd_target) < 0)
		die("asprintf");
	ratio_add(workload, label, s[0], s[4], memfd_target, text);
	if (asprintf(&label, "Lifecycle of %s vs shm_open", workload) < 0)
		die("asprintf");
	ratio_add(workload, label, s[0], s[2], 1.0, "≥ 1.0× shm_open's speed");
	if (asprintf(&label, "Lifecycle of %s vs System V", workload) < 0)
		die("asprintf");
	ratio_add(workload, label, s[0], s[3], 0, NULL);
	if (asprintf(&label, "Lifecycle of %s, transient vs memfd", workload) < 0)
		die("asprintf");
	ratio_add(workload, label, s[1], s[4], 0, NULL);
}

/*
 * Where the time of a 4 KiB lifecycle goes, one system call at a time:
 * shmdev's named region, and memfd's.
 */
#define SHMDEV_STEPS	6
#define MEMFD_STEPS	6

static const char *const shmdev_steps[SHMDEV_STEPS] = {
	"shmdev: CREATE", "shmdev: mmap", "shmdev: touch", "shmdev: munmap",
	"shmdev: UNLINK", "shmdev: close",
};

static const char *const memfd_steps[MEMFD_STEPS] = {
	"memfd: memfd_create", "memfd: ftruncate", "memfd: mmap",
	"memfd: touch", "memfd: munmap", "memfd: close",
};

/* Run @expr, adding the seconds it took to @t. */
#define TIMED(t, expr)				\
	do {					\
		double t0_ = now();		\
						\
		expr;				\
		(t) += now() - t0_;		\
	} while (0)

static void steps_shmdev(size_t size, double *t)
{
	struct shmdev_create c = {
		.name = (__u64)(unsigned long)"bench-steps", .size = size,
		.mode = 0600,
	};
	static int ctl = -1;
	char *p;
	int fd;

	/* A process keeps the control device open, as the library does. */
	if (ctl < 0 && (ctl = open("/dev/shmdev", O_RDWR | O_CLOEXEC)) < 0)
		die("/dev/shmdev");
	TIMED(t[0], fd = ioctl(ctl, SHMDEV_IOC_CREATE, &c));
	if (fd < 0)
		die("SHMDEV_IOC_CREATE");
	TIMED(t[1], p = map_fd(fd, size));
	TIMED(t[2], touch(p, size));
	TIMED(t[3], munmap(p, size));
	TIMED(t[4], unlink_by_fd(fd));
	TIMED(t[5], close(fd));
}

static void steps_memfd(size_t size, double *t)
{
	char *p;
	int fd, ret;

	TIMED(t[0], fd = memfd_create("bench-steps", MFD_CLOEXEC));
	TIMED(t[1], ret = fd < 0 ? -1 : ftruncate(fd, size));
	if (ret)
		die("memfd_create");
	TIMED(t[2], p = map_fd(fd, size));
	TIMED(t[3], touch(p, size));
	TIMED(t[4], munmap(p, size));
	TIMED(t[5], close(fd));
}

static void lifecycle_steps(const char *workload, size_t size, long n)
{
	struct series *ss[SHMDEV_STEPS], *ms[MEMFD_STEPS];

	for (int i = 0; i < SHMDEV_STEPS; i++)
		ss[i] = series_new(workload, shmdev_steps[i], "us");
	for (int i = 0; i < MEMFD_STEPS; i++)
		ms[i] = series_new(workload, memfd_steps[i], "us");
	for_each_round(r) {
		double ts[SHMDEV_STEPS] = { 0 }, tm[MEMFD_STEPS] = { 0 };

		for (long k = 0; k < n; k++) {
			steps_shmdev(size, ts);
			steps_memfd(size, tm);
		}
		for (int i = 0; i < SHMDEV_STEPS; i++)
			series_add(ss[i], ts[i] / n * 1e6);
		for (int i = 0; i < MEMFD_STEPS; i++)
			series_add(ms[i], tm[i] / n * 1e6);
	}
}

void bench_lifecycle(void)
{
	lifecycle_of("4 KiB", 4 << 10, P.cycles[0]);
	lifecycle_of("64 KiB", 64 << 10, P.cycles[1]);
	lifecycle_of("16 MiB", 16 << 20, P.cycles[2]);
	lifecycle_steps("4 KiB, step by step", 4 << 10, P.cycles[0]);
}

/* --- first touch ----------------------------------------------------------- */

struct touch_series {
	struct series *shmdev, *setup, *populated, *populated_setup;
	struct series *sysv, *anon, *memset;
};

static double ms_since(double t0)
{
	return (now() - t0) * 1e3;
}

/*
 * CREATE, shmdev_map() (which fills the page tables of a populated
 * region), then the touch pass; returns the milliseconds of all three.
 */
static double touch_shmdev(unsigned int flags, struct series *touched,
			   struct shmdev_map *m)
{
	double t0 = now(), t1;
	int fd = shmdev_new("bench-touch", P.touch_bytes,
			    SHMDEV_CREATE_TRANSIENT | flags);
	int ret = shmdev_map(fd, PROT_READ | PROT_WRITE, m);

	if (ret)
		die_errno("shmdev_map", -ret);
	close(fd);
	t1 = now();
	touch(m->addr, P.touch_bytes);
	series_add(touched, ms_since(t1));
	return ms_since(t0);
}

static void touch_round(struct touch_series *ts, int round)
{
	struct shmdev_map m;
	double t0;

	series_add(ts->setup, touch_shmdev(0, ts->shmdev, &m));
	/* Every page is now mapped: this is the memory's bandwidth. */
	t0 = now();
	memset(m.addr, round, P.touch_bytes);
	series_add(ts->memset, ms_since(t0));
	shmdev_unmap(&m);
	series_add(ts->populated_setup, touch_shmdev(SHMDEV_CREATE_POPULATE,
						     ts->populated, &m));
	shmdev_unmap(&m);
}

static void touch_sysv(struct touch_series *ts)
{
	int id = shmget(IPC_PRIVATE, P.touch_bytes, IPC_CREAT | 0600);
	char *p;
	double t0;

	if (id < 0)
		die("shmget");
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat");
	t0 = now();
	touch(p, P.touch_bytes);
	series_add(ts->sysv, ms_since(t0));
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
}

static void touch_anon(struct touch_series *ts)
{
	char *p = mmap(NULL, P.touch_bytes, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	double t0;

	if (p == MAP_FAILED)
		die("mmap");
	t0 = now();
	touch(p, P.touch_bytes);
	series_add(ts->anon, ms_since(t0));
	munmap(p, P.touch_bytes);
}

void bench_first_touch(void)
{
	const char *w = "first touch";
	struct touch_series ts = {
		.shmdev = series_new(w, "shmdev, touch pass", "ms"),
		.setup = series_new(w, "shmdev, CREATE + map + touch", "ms"),
		.populated = series_new(w, "shmdev populated, touch pass", "ms"),
		.populated_setup = series_new(w, "shmdev populated, CREATE + map + touch", "ms"),
		.sysv = series_new(w, "System V, touch pass", "ms"),
		.anon = series_new(w, "shared anonymous mmap, touch pass", "ms"),
		.memset = series_new(w, "memset of the mapped region", "ms"),
	};
	double mib = P.touch_bytes / (double)(1 << 20);

	for_each_round(r) {
		touch_round(&ts, r);
		touch_sysv(&ts);
		touch_anon(&ts);
	}
	ratio_add(w, "First touch vs System V", ts.shmdev, ts.sysv, 1.0,
		  "≥ 1.0× System V's throughput");
	ratio_add(w, "First touch vs a shared anonymous mmap", ts.shmdev,
		  ts.anon, 0, NULL);
	ratio_add(w, "Touch pass, populated at CREATE vs not", ts.populated,
		  ts.shmdev, 3.0, "≥ 3× faster than without");
	ratio_add(w, "CREATE + map + touch, populated vs not",
		  ts.populated_setup, ts.setup, 0, NULL);
	ratio_add(w, "First touch vs memset of mapped memory", ts.shmdev,
		  ts.memset, 0, NULL);
	note_add(w, "%.0f MiB region; memset of the mapped region runs at %.0f MiB/s, first touch at %.0f MiB/s (medians)",
		 mib, mib / (series_median(ts.memset) / 1e3),
		 mib / (series_median(ts.shmdev) / 1e3));
}

/* --- scale ----------------------------------------------------------------- */

/* Kernel memory in use, in bytes: slab and vmalloc, from /proc/meminfo. */
static long kernel_bytes(void)
{
	char line[128];
	long kb, total = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1 ||
		    sscanf(line, "VmallocUsed: %ld kB", &kb) == 1)
			total += kb;
	fclose(f);
	return total * 1024;
}

static void scale_name(char *buf, size_t size, const char *prefix, long i)
{
	snprintf(buf, size, "%sscale.%06ld", prefix, i);
}

/* Set a module parameter; returns its old value. */
static long module_param(const char *name, long value)
{
	char path[128];
	long old = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/shmdev/parameters/%s", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &old) != 1)
		die(path);
	fclose(f);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", value) < 0 || fclose(f))
		die(path);
	return old;
}

static unsigned long rng = 88172645463325252UL;

static long pick(long n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

/* Microseconds per OPEN of a random one of @n regions. */
static double open_us(long n, int *fds)
{
	char name[32];
	double t = 0;
	int ctl = open("/dev/shmdev", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		die("/dev/shmdev");
	for (long i = 0; i < P.opens; i++) {
		struct shmdev_open o = { .name = (__u64)(unsigned long)name,
					 .access = SHMDEV_ACCESS_READ };
		double t0;

		scale_name(name, sizeof(name), "", pick(n));
		t0 = now();
		fds[i] = ioctl(ctl, SHMDEV_IOC_OPEN, &o);
		t += now() - t0;
		if (fds[i] < 0)
			die("SHMDEV_IOC_OPEN");
	}
	close(ctl);
	for (long i = 0; i < P.opens; i++)
		close(fds[i]);
	return t / P.opens * 1e6;
}

/* The same for shm_open of one of @n files in /dev/shm. */
static double shm_open_us(long n, int *fds)
{
	char name[32];
	double t = 0;

	for (long i = 0; i < P.opens; i++) {
		double t0;

		scale_name(name, sizeof(name), "/", pick(n));
		t0 = now();
		fds[i] = shm_open(name, O_RDONLY, 0);
		t += now() - t0;
		if (fds[i] < 0)
			die("shm_open");
	}
	for (long i = 0; i < P.opens; i++)
		close(fds[i]);
	return t / P.opens * 1e6;
}

/*
 * Grow both populations from @from to @to regions and files; @mem holds
 * the kernel memory each population took so far.
 */
static void populate_to(long from, long to, long mem[2], const char *w)
{
	long k0 = kernel_bytes(), k1;
	char name[32];

	for (long i = from; i < to; i++) {
		scale_name(name, sizeof(name), "", i);
		close(shmdev_new(name, page_size(), 0));
	}
	k1 = kernel_bytes();
	for (long i = from; i < to; i++) {
		int fd;

		scale_name(name, sizeof(name), "/", i);
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || ftruncate(fd, page_size()))
			die("shm_open");
		close(fd);
	}
	mem[0] += k1 - k0;
	mem[1] += kernel_bytes() - k1;
	/* Slab takes memory a page at a time and /proc/meminfo counts kB. */
	if (mem[0] < (256 << 10) || mem[1] < (256 << 10))
		note_add(w, "%ld of each: too few to resolve their memory in /proc/meminfo",
			 to);
	else
		note_add(w, "%ld of each: %ld bytes of kernel memory per shmdev region, %ld per tmpfs file",
			 to, mem[0] / to, mem[1] / to);
}

static void depopulate(long n)
{
	char name[32];
	int ret;

	for (long i = 0; i < n; i++) {
		scale_name(name, sizeof(name), "", i);
		ret = shmdev_unlink(name, 0);
		if (ret)
			die_errno("shmdev_unlink", -ret);
		scale_name(name, sizeof(name), "/", i);
		shm_unlink(name);
	}
}

void bench_scale(void)
{
	const char *w = "scale";
	long most = P.populations[2];
	long old_regions = module_param("max_regions", most + 1000);
	long old_user = module_param("max_user_regions", most + 1000);
	struct series *s[3], *f[3];
	long mem[2] = { 0, 0 }, have = 0;
	int *fds = calloc(P.opens, sizeof(*fds));
	char *label;

	if (!fds)
		die("calloc");
	for (int i = 0; i < 3; i++) {
		char *impl;

		if (asprintf(&impl, "OPEN, %ld regions", P.populations[i]) < 0)
			die("asprintf");
		s[i] = series_new(w, impl, "us");
		if (asprintf(&impl, "shm_open, %ld files", P.populations[i]) < 0)
			die("asprintf");
		f[i] = series_new(w, impl, "us");
		populate_to(have, P.populations[i], mem, w);
		have = P.populations[i];
		for_each_round(r) {
			series_add(s[i], open_us(have, fds));
			series_add(f[i], shm_open_us(have, fds));
		}
	}
	if (asprintf(&label, "OPEN at %ld regions vs at %ld", most,
		     P.populations[0]) < 0)
		die("asprintf");
	ratio_add(w, label, s[2], s[0], 1 / 1.5,
		  "≤ 1.5× the time at 10 (≥ 0.67)");
	if (asprintf(&label, "OPEN vs shm_open, %ld of each", most) < 0)
		die("asprintf");
	ratio_add(w, label, s[2], f[2], 0, NULL);
	depopulate(have);
	module_param("max_regions", old_regions);
	module_param("max_user_regions", old_user);
	free(fds);
}
