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

#include <dirent.h>
#include <errno.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

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

static const struct scenario scenarios[] = {
	{ "open_close", scenario_open_close },
	{ "version", scenario_version },
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

static bool errno_is_clean(int err)
{
	return err == -ENOMEM || err == -EFAULT;
}

static int sweep(struct __test_metadata *_metadata, const struct scenario *s)
{
	long base = shmdev_stat("handles");
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
		ret = s->run();
		if (!fault_fired(nth_fd)) {
			ASSERT_EQ(0, ret);
			close(nth_fd);
			return points;
		}
		points++;
		if (ret)
			EXPECT_TRUE(errno_is_clean(ret))
				TH_LOG("%s: fault %d gave errno %d", s->name,
				       n, -ret);
		ASSERT_EQ(base, shmdev_stat("handles"))
			TH_LOG("%s: fault %d leaked a handle", s->name, n);
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
