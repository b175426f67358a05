// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-injection sweep, run in the debug kernel (make check-debug).
 *
 * Each scenario is a valid sequence of calls that succeeds and releases all
 * it took. The sweep replays it with /proc/self/task/TID/fail-nth set to
 * n = 1, 2, ... so that the n-th fault point the sequence reaches fails
 * (failslab, fail_page_alloc and fail_usercopy are all armed), until a run
 * reaches no fault point. Every injected failure must give a clean errno
 * and leave no object behind; the kernel log (KASAN, lockdep, kmemleak)
 * is judged by the runner.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

/* More fault points than this in one scenario means the sweep is stuck. */
#define MAX_FAULT_POINTS	5000

static int write_file(int dfd, const char *name, const char *val)
{
	ssize_t len = strlen(val);
	int fd = openat(dfd, name, O_WRONLY | O_CLOEXEC);
	ssize_t ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, val, len);
	close(fd);
	return ret == len ? 0 : -EIO;
}

/*
 * Let every allocation fail, order-0 pages and sleeping allocations
 * included, and keep injection quiet: a verbose injection prints a stack
 * trace that the runner would rightly read as a splat.
 */
static int arm_fault_injection(void)
{
	static const char *const knobs[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ "failslab/verbose", "0" },
		{ "fail_page_alloc/verbose", "0" },
		{ "fail_usercopy/verbose", "0" },
	};
	int dfd = open("/sys/kernel/debug", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (dfd < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]) && !ret; i++)
		ret = write_file(dfd, knobs[i][0], knobs[i][1]);
	close(dfd);
	return ret;
}

static bool errno_is_clean(int err)
{
	return err == -ENOMEM || err == -EFAULT;
}

/* The call a scenario was making when it failed, for the log. */
static const char *step;

/* A scenario returns 0 or -errno and releases everything it took. */
struct scenario {
	const char *name;
	int (*run)(void);
};

static int scenario_open_close(void)
{
	int fd = shmdev_open_dev();

	if (fd < 0)
		return -errno;
	return close(fd) ? -errno : 0;
}

static int scenario_version(void)
{
	struct shmdev_version v;
	int fd = shmdev_open_dev();
	int ret = 0;

	if (fd < 0)
		return -errno;
	version_arg_init(&v);
	if (ioctl(fd, SHMDEV_IOC_VERSION, &v))
		ret = -errno;
	else if (v.api_version != SHMDEV_API_VERSION)
		ret = -EPROTO;
	close(fd);
	return ret;
}

/* Every region ioctl and mmap, on a region that is gone at the end. */
static int scenario_region(__u32 flags)
{
	struct shmdev_list_entry e[4];
	struct shmdev_list l = { .entries = uptr(e), .count = 4 };
	struct shmdev_stat st;
	int fd, fd2, ret;
	char *p;

	step = "create";
	fd = region_new("failnth", 2 * 4096, 0600, flags);
	if (fd < 0)
		return fd;
	step = "open";
	fd2 = region_open("failnth", RW);
	if (fd2 < 0) {
		ret = fd2;
		goto out_unlink;
	}
	step = "mmap";
	p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		goto out_close;
	}
	/*
	 * Fault the pages in through the kernel: a fault that cannot
	 * allocate then fails the call instead of raising SIGBUS.
	 */
	step = "fault";
	if (madvise(p, 2 * 4096, MADV_POPULATE_WRITE)) {
		ret = -errno;
		goto out_unmap;
	}
	step = "stat";
	ret = region_stat(fd, NULL, &st);
	if (!ret)
		ret = region_stat_name("failnth", &st);
	step = "list";
	if (!ret)
		ret = control_ioctl(SHMDEV_IOC_LIST, &l);
out_unmap:
	munmap(p, 2 * 4096);
out_close:
	close(fd2);
out_unlink:
	if (!(flags & SHMDEV_CREATE_TRANSIENT)) {
		/* The unlink must happen even if it hits a fault: retry. */
		int u = region_unlink("failnth");

		while (u == -ENOMEM || u == -EFAULT)
			u = region_unlink("failnth");
		if (!ret && u) {
			step = "unlink";
			ret = u;
		}
	}
	close(fd);
	return ret;
}

static int scenario_region_persistent(void)
{
	return scenario_region(0);
}

static int scenario_region_transient_populated(void)
{
	return scenario_region(SHMDEV_CREATE_TRANSIENT |
			       SHMDEV_CREATE_POPULATE);
}

/*
 * ACL and permission changes on a mapped region (so revocation runs). A
 * failed change must leave the old permissions in place.
 */
static int scenario_acl(void)
{
	static const struct shmdev_acl_entry set[2] = {
		{ .tag = SHMDEV_ACL_USER, .id = 1000, .rights = RW },
		{ .tag = SHMDEV_ACL_GROUP, .id = 100, .rights = 1 },
	};
	struct shmdev_acl_entry got[2];
	struct shmdev_stat st;
	int fd, ret;
	char *p;

	step = "create";
	fd = region_new("failnth-acl", 4096, 0600, 0);
	if (fd < 0)
		return fd;
	step = "mmap";
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		goto out_unlink;
	}
	step = "fault";
	ret = madvise(p, 4096, MADV_POPULATE_WRITE) ? -errno : 0;
	if (!ret) {
		step = "set_acl";
		ret = acl_set(fd, set, 2);
		if (ret && acl_get(fd, got, 2) != 0)
			ret = -EPROTO;
	}
	if (!ret) {
		step = "get_acl";
		ret = acl_get(fd, got, 2);
		ret = ret == 2 || ret < 0 ? (ret < 0 ? ret : 0) : -EPROTO;
	}
	if (!ret) {
		step = "set_perm";
		ret = perm_set(fd, SHMDEV_PERM_MODE, 0640, 0, 0);
		if (ret && (region_stat(fd, NULL, &st) || st.mode != 0600))
			ret = -EPROTO;
	}
	munmap(p, 4096);
out_unlink:
	while (errno_is_clean(region_unlink("failnth-acl")))
		;
	close(fd);
	return ret;
}

/* Semaphores with undo, reversed when the handle closes. */
static int scenario_sem(void)
{
	int fd, h, ret;
	long value;

	step = "create";
	fd = sem_region("failnth-sem", 4);
	if (fd < 0)
		return fd;
	step = "open";
	h = region_open("failnth-sem", SHMDEV_ACCESS_SYNC);
	if (h < 0) {
		ret = h;
		goto out_unlink;
	}
	step = "post";
	ret = sem_post_on(h, 3, SHMDEV_SEM_UNDO, 2);
	if (!ret) {
		step = "wait";
		ret = sem_wait_on(h, 3, SHMDEV_SEM_UNDO | SHMDEV_SEM_TRY, 0);
	}
	close(h);
	/*
	 * The undo must have run whatever failed: net -1 from 1 is 0. The
	 * read may reach the armed fault itself if nothing before did; the
	 * fault fires once, so a second read tells.
	 */
	value = sem_value(fd, 3);
	if (errno_is_clean(value))
		value = sem_value(fd, 3);
	if (value)
		ret = -EPROTO;
out_unlink:
	while (errno_is_clean(region_unlink("failnth-sem")))
		;
	close(fd);
	return ret;
}

static const struct scenario scenarios[] = {
	{ "open_close", scenario_open_close },
	{ "version", scenario_version },
	{ "region", scenario_region_persistent },
	{ "region_transient_populated", scenario_region_transient_populated },
	{ "acl", scenario_acl },
	{ "sem", scenario_sem },
};

/*
 * True if the fault armed before the scenario was injected inside it. The
 * read itself passes fault points: if it fails with EFAULT, the fault
 * fired in the read, after the scenario had run clean.
 */
static bool fault_fired(int nth_fd)
{
	char buf[32] = "";
	ssize_t n = pread(nth_fd, buf, sizeof(buf) - 1, 0);

	/* Disarming can hit the armed fault too; the second write lands. */
	if (pwrite(nth_fd, "0", 1, 0) != 1)
		pwrite(nth_fd, "0", 1, 0);
	if (n < 0)
		return false;
	return atoi(buf) == 0;
}

static int sweep(struct __test_metadata *_metadata, const struct scenario *s)
{
	long base = debug_stat("handles");
	long regions = debug_stat("regions");
	long maps = debug_stat("mappings");
	char path[64];
	int nth_fd, points = 0;

	ASSERT_LE(0, base);
	ASSERT_EQ(0, s->run());
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	nth_fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nth_fd);

	for (int n = 1; n <= MAX_FAULT_POINTS; n++) {
		char arm[16];
		int len = snprintf(arm, sizeof(arm), "%d", n);
		int ret;

		ASSERT_EQ(len, pwrite(nth_fd, arm, len, 0));
		step = NULL;
		ret = s->run();
		if (!fault_fired(nth_fd)) {
			ASSERT_EQ(0, ret);
			close(nth_fd);
			return points;
		}
		points++;
		if (ret) {
			EXPECT_TRUE(errno_is_clean(ret))
				TH_LOG("%s: fault %d in %s gave errno %d",
				       s->name, n, step ? step : "?", -ret);
		}
		ASSERT_EQ(base, debug_stat("handles"))
			TH_LOG("%s: fault %d leaked a handle", s->name, n);
		ASSERT_EQ(regions, debug_stat("regions"))
			TH_LOG("%s: fault %d leaked a region", s->name, n);
		ASSERT_EQ(maps, debug_stat("mappings"))
			TH_LOG("%s: fault %d leaked a mapping", s->name, n);
	}
	close(nth_fd);
	ASSERT_TRUE(false) TH_LOG("%s: over %d fault points", s->name,
				  MAX_FAULT_POINTS);
	return -1;
}

FIXTURE(fail_nth) {};
FIXTURE_SETUP(fail_nth) {}
FIXTURE_TEARDOWN(fail_nth) {}

TEST_F_TIMEOUT(fail_nth, every_fault_point_fails_cleanly, 1800)
{
	ASSERT_EQ(0, arm_fault_injection());
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		int points = sweep(_metadata, &scenarios[i]);

		/* A scenario that reaches no fault point tests nothing. */
		EXPECT_LT(0, points);
		ksft_print_msg("%s: %d injection points\n", scenarios[i].name,
			       points);
	}
}

TEST_HARNESS_MAIN
