// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphores: SEM_WAIT, SEM_POST, SEM_GET, SEM_SET, timeouts, signals,
 * FIFO and priority order, undo on crash, EIDRM on unlink, conservation
 * under load.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

#define FOREVER	SHMDEV_SEM_FOREVER
#define MS	1000000ull

static __u64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A child that waits on @fd's semaphore @index and exits with the result. */
static pid_t spawn_waiter(int fd, __u32 index, __u32 flags)
{
	pid_t pid = fork();

	if (pid == 0) {
		int ret = sem_wait_on(fd, index, flags, FOREVER);

		_exit(ret < 0 ? 100 + (-ret & 0x7f) : ret);
	}
	return pid;
}

TEST(sem_structs_have_fixed_layout)
{
	EXPECT_EQ(32, sizeof(struct shmdev_sem_wait));
	EXPECT_EQ(32, sizeof(struct shmdev_sem_post));
	EXPECT_EQ(40, sizeof(struct shmdev_sem_get));
	EXPECT_EQ(32, sizeof(struct shmdev_sem_set));
	EXPECT_EQ(_IOW(0xBC, 0x09, struct shmdev_sem_wait), SHMDEV_IOC_SEM_WAIT);
	EXPECT_EQ(_IOW(0xBC, 0x0A, struct shmdev_sem_post), SHMDEV_IOC_SEM_POST);
	EXPECT_EQ(_IOWR(0xBC, 0x0B, struct shmdev_sem_get), SHMDEV_IOC_SEM_GET);
	EXPECT_EQ(_IOW(0xBC, 0x0C, struct shmdev_sem_set), SHMDEV_IOC_SEM_SET);
}

TEST(new_semaphores_are_zero_with_no_waiters)
{
	struct shmdev_sem_get g;
	int fd = sem_region(NAME("z"), 3);

	ASSERT_LE(0, fd);
	for (__u32 i = 0; i < 3; i++) {
		ASSERT_EQ(0, sem_get_on(fd, i, &g));
		EXPECT_EQ(0, g.value);
		EXPECT_EQ(0, g.waiters);
		EXPECT_EQ(0, g.status);
		EXPECT_EQ(0, g.pad);
	}
	EXPECT_EQ(0, region_unlink(NAME("z")));
	close(fd);
}

TEST(post_then_wait_takes_the_unit)
{
	int fd = sem_region(NAME("p"), 2);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sem_post_on(fd, 1, 0, 3));
	EXPECT_EQ(3, sem_value(fd, 1));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, sem_wait_on(fd, 1, 0, FOREVER));
	EXPECT_EQ(2, sem_value(fd, 1));
	EXPECT_EQ(0, region_unlink(NAME("p")));
	close(fd);
}

TEST(try_wait_on_zero_is_eagain)
{
	int fd = sem_region(NAME("t"), 1);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EAGAIN, sem_wait_on(fd, 0, SHMDEV_SEM_TRY, FOREVER));
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(0, sem_wait_on(fd, 0, SHMDEV_SEM_TRY, FOREVER));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("t")));
	close(fd);
}

TEST(past_timeout_on_zero_is_etimedout_without_sleeping)
{
	int fd = sem_region(NAME("x"), 1);
	__u64 t0;

	ASSERT_LE(0, fd);
	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(-ETIMEDOUT, sem_wait_on(fd, 0, 0, 0));
	EXPECT_EQ(-ETIMEDOUT, sem_wait_on(fd, 0, 0, t0 - 1));
	EXPECT_EQ(-ETIMEDOUT, sem_wait_on(fd, 0, SHMDEV_SEM_REALTIME, 1));
	EXPECT_GT(t0 + 500 * MS, now_ns(CLOCK_MONOTONIC));
	EXPECT_EQ(0, region_unlink(NAME("x")));
	close(fd);
}

TEST(past_timeout_with_a_unit_takes_it)
{
	int fd = sem_region(NAME("u"), 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(0, sem_wait_on(fd, 0, 0, 0));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("u")));
	close(fd);
}

TEST(monotonic_timeout_lasts_at_least_the_timeout)
{
	int fd = sem_region(NAME("m"), 1);
	__u64 t0, t1;

	ASSERT_LE(0, fd);
	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(-ETIMEDOUT, sem_wait_on(fd, 0, 0, t0 + 200 * MS));
	t1 = now_ns(CLOCK_MONOTONIC);
	EXPECT_LE(t0 + 200 * MS, t1);
	/* Not absurdly longer, even under emulation. */
	EXPECT_GT(t0 + 3000 * MS, t1);
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("m")));
	close(fd);
}

TEST(realtime_timeout_is_an_absolute_wall_clock_time)
{
	int fd = sem_region(NAME("r"), 1);
	__u64 r0, t0, t1;

	ASSERT_LE(0, fd);
	t0 = now_ns(CLOCK_MONOTONIC);
	r0 = now_ns(CLOCK_REALTIME);
	EXPECT_EQ(-ETIMEDOUT, sem_wait_on(fd, 0, SHMDEV_SEM_REALTIME,
					  r0 + 200 * MS));
	t1 = now_ns(CLOCK_MONOTONIC);
	EXPECT_LE(r0 + 200 * MS, now_ns(CLOCK_REALTIME));
	EXPECT_LE(t0 + 150 * MS, t1);
	EXPECT_GT(t0 + 3000 * MS, t1);
	EXPECT_EQ(0, region_unlink(NAME("r")));
	close(fd);
}

TEST(wait_without_timeout_sleeps_until_a_post)
{
	int fd = sem_region(NAME("f"), 1);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = spawn_waiter(fd, 0, 0);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	usleep(50000);
	/* Still asleep: nothing was posted. */
	ASSERT_EQ(0, waitpid(pid, NULL, WNOHANG));
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("f")));
	close(fd);
}

TEST(index_out_of_range_is_einval)
{
	struct shmdev_sem_get g;
	int fd = sem_region(NAME("i"), 2), fd0 = sem_region(NAME("i0"), 0);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd0);
	EXPECT_EQ(-EINVAL, sem_wait_on(fd, 2, 0, 0));
	EXPECT_EQ(-EINVAL, sem_post_on(fd, 2, 0, 1));
	EXPECT_EQ(-EINVAL, sem_get_on(fd, 2, &g));
	EXPECT_EQ(-EINVAL, sem_set_on(fd, -1u, 0));
	EXPECT_EQ(-EINVAL, sem_post_on(fd0, 0, 0, 1));
	EXPECT_EQ(0, region_unlink(NAME("i")));
	EXPECT_EQ(0, region_unlink(NAME("i0")));
	close(fd);
	close(fd0);
}

TEST(sem_bad_flags_pad_or_reserved_are_einval)
{
	struct shmdev_sem_wait w = { .flags = 0x8, .timeout = 0 };
	struct shmdev_sem_post p = { .flags = SHMDEV_SEM_TRY, .count = 1 };
	struct shmdev_sem_get g = { .flags = 1 };
	struct shmdev_sem_set s = { .flags = 1 };
	int fd = sem_region(NAME("b"), 1);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
	w.flags = 0;
	w.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_POST, &p));
	EXPECT_EQ(EINVAL, errno);
	p.flags = 0;
	p.pad = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_POST, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_GET, &g));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_SET, &s));
	EXPECT_EQ(EINVAL, errno);
	s.flags = 0;
	s.value = SHMDEV_SEM_VALUE_MAX + 1u;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_SET, &s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("b")));
	close(fd);
}

TEST(post_of_zero_or_more_than_the_maximum_is_einval)
{
	int fd = sem_region(NAME("c"), 1);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, sem_post_on(fd, 0, 0, 0));
	EXPECT_EQ(-EINVAL, sem_post_on(fd, 0, 0, SHMDEV_SEM_VALUE_MAX + 1u));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("c")));
	close(fd);
}

TEST(post_past_the_maximum_is_eoverflow_and_changes_nothing)
{
	int fd = sem_region(NAME("o"), 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sem_set_on(fd, 0, SHMDEV_SEM_VALUE_MAX - 1));
	EXPECT_EQ(-EOVERFLOW, sem_post_on(fd, 0, 0, 2));
	EXPECT_EQ(SHMDEV_SEM_VALUE_MAX - 1, sem_value(fd, 0));
	EXPECT_EQ(0, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(SHMDEV_SEM_VALUE_MAX, sem_value(fd, 0));
	EXPECT_EQ(-EOVERFLOW, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(0, region_unlink(NAME("o")));
	close(fd);
}

TEST(set_hands_units_to_waiters_first)
{
	int fd = sem_region(NAME("s"), 1);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = spawn_waiter(fd, 0, 0);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	ASSERT_EQ(0, sem_set_on(fd, 0, 3));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(2, sem_value(fd, 0));
	EXPECT_EQ(0, sem_set_on(fd, 0, 0));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("s")));
	close(fd);
}

TEST(get_counts_the_waiters)
{
	struct shmdev_sem_get g;
	int fd = sem_region(NAME("g"), 1);
	pid_t pids[3];

	ASSERT_LE(0, fd);
	for (int i = 0; i < 3; i++) {
		pids[i] = spawn_waiter(fd, 0, 0);
		ASSERT_LT(0, pids[i]);
	}
	ASSERT_TRUE(wait_for_waiters(fd, 0, 3));
	ASSERT_EQ(0, sem_get_on(fd, 0, &g));
	EXPECT_EQ(0, g.value);
	EXPECT_EQ(3, g.waiters);
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 3));
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(0, reap(pids[i]));
	ASSERT_EQ(0, sem_get_on(fd, 0, &g));
	EXPECT_EQ(0, g.waiters);
	EXPECT_EQ(0, region_unlink(NAME("g")));
	close(fd);
}

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	handled = 1;
}

/* Wait with a SIGUSR1 handler installed with @flags; the wait's result. */
static pid_t spawn_signalled_waiter(int fd, int flags)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_usr1,
					.sa_flags = flags };
		int ret;

		sigaction(SIGUSR1, &sa, NULL);
		ret = sem_wait_on(fd, 0, 0, FOREVER);
		if (!handled)
			_exit(99);
		_exit(ret < 0 ? 100 + (-ret & 0x7f) : ret);
	}
	return pid;
}

TEST(signal_without_sa_restart_ends_the_wait_with_eintr)
{
	int fd = sem_region(NAME("e"), 1);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = spawn_signalled_waiter(fd, 0);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	kill(pid, SIGUSR1);
	EXPECT_EQ(100 + EINTR, reap(pid));
	EXPECT_TRUE(wait_for_waiters(fd, 0, 0));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("e")));
	close(fd);
}

TEST(signal_with_sa_restart_resumes_the_wait)
{
	int fd = sem_region(NAME("a"), 1);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = spawn_signalled_waiter(fd, SA_RESTART);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	kill(pid, SIGUSR1);
	usleep(100000);
	/* Back asleep after the handler. */
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	ASSERT_EQ(0, waitpid(pid, NULL, WNOHANG));
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("a")));
	close(fd);
}

TEST(sigkill_of_a_waiter_leaves_the_count_right)
{
	int fd = sem_region(NAME("k"), 1);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = spawn_waiter(fd, 0, 0);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	kill(pid, SIGKILL);
	EXPECT_EQ(200 + SIGKILL, reap(pid));
	EXPECT_TRUE(wait_for_waiters(fd, 0, 0));
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(1, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("k")));
	close(fd);
}

TEST(waiters_are_served_in_fifo_order)
{
	const int n = 64;
	int fd = sem_region(NAME("q"), 2);
	pid_t pids[64];

	ASSERT_LE(0, fd);
	/* Each child waits on semaphore 0, then posts its number + 1... */
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			if (sem_wait_on(fd, 0, 0, FOREVER))
				_exit(1);
			/* ...into semaphore 1, for the parent to read. */
			_exit(sem_post_on(fd, 1, 0, i + 1) ? 2 : 0);
		}
		ASSERT_TRUE(wait_for_waiters(fd, 0, i + 1));
	}
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
		EXPECT_EQ(0, reap(pids[i])) TH_LOG("waiter %d", i);
		EXPECT_EQ(i + 1, sem_value(fd, 1)) TH_LOG("waiter %d", i);
		ASSERT_EQ(0, sem_set_on(fd, 1, 0));
	}
	EXPECT_EQ(0, region_unlink(NAME("q")));
	close(fd);
}

/*
 * A child that takes scheduling @policy at @prio, waits on semaphore 0 of
 * @fd, then posts @units units to semaphore 1 for the parent to read.
 */
static pid_t spawn_ranked_waiter(int fd, int policy, int prio, int units)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sched_param sp = { .sched_priority = prio };

		if (sched_setscheduler(0, policy, &sp))
			_exit(3);
		if (sem_wait_on(fd, 0, 0, FOREVER))
			_exit(1);
		_exit(sem_post_on(fd, 1, 0, units) ? 2 : 0);
	}
	return pid;
}

/*
 * Post one unit to semaphore 0 of @fd; the id of the waiter it reached,
 * read from semaphore 1 (-1 if none answered within 10 s).
 */
static int serve_one(int fd)
{
	int id = 0;

	if (sem_post_on(fd, 0, 0, 1))
		return -1;
	for (int i = 0; i < 10000 && !id; i++) {
		id = sem_value(fd, 1);
		if (!id)
			usleep(1000);
	}
	if (!id || sem_set_on(fd, 1, 0))
		return -1;
	return id - 1;
}

/*
 * POSIX's sem_post() (the LTP Open POSIX test sem_post/8-1): with
 * SCHED_FIFO and SCHED_RR sleepers, the highest priority one is served
 * first; equals, and tasks of the other policies after all of them, in
 * arrival order, as futex ranks its waiters.
 */
TEST(waiters_are_served_by_real_time_priority_then_arrival)
{
	static const struct {
		int policy, prio;
	} who[] = {
		{ SCHED_OTHER, 0 }, { SCHED_FIFO, 10 }, { SCHED_FIFO, 30 },
		{ SCHED_RR, 20 }, { SCHED_FIFO, 30 }, { SCHED_BATCH, 0 },
		{ SCHED_RR, 10 },
	};
	static const int order[] = { 2, 4, 3, 1, 6, 0, 5 };
	const int n = sizeof(who) / sizeof(who[0]);
	int fd = sem_region(NAME("prio"), 2);
	pid_t pids[7];

	ASSERT_LE(0, fd);
	for (int i = 0; i < n; i++) {
		pids[i] = spawn_ranked_waiter(fd, who[i].policy, who[i].prio,
					      i + 1);
		ASSERT_LE(0, pids[i]);
		ASSERT_TRUE(wait_for_waiters(fd, 0, i + 1)) TH_LOG("waiter %d", i);
	}
	for (int k = 0; k < n; k++) {
		int id = serve_one(fd);

		ASSERT_LE(0, id) TH_LOG("post %d reached no waiter", k);
		EXPECT_EQ(order[k], id) TH_LOG("post %d", k);
		EXPECT_EQ(0, reap(pids[id])) TH_LOG("waiter %d", id);
	}
	EXPECT_EQ(0, region_unlink(NAME("prio")));
	close(fd);
}

/* One post of several units hands them out in the same order. */
TEST(one_post_of_several_units_serves_the_highest_priority_first)
{
	static const int policy[] = { SCHED_OTHER, SCHED_OTHER, SCHED_FIFO };
	int fd = sem_region(NAME("prio2"), 2);
	pid_t pids[3];

	ASSERT_LE(0, fd);
	/* Waiter i posts 1 << i: the sum says who was served. */
	for (int i = 0; i < 3; i++) {
		pids[i] = spawn_ranked_waiter(fd, policy[i], i == 2 ? 50 : 0,
					      1 << i);
		ASSERT_LE(0, pids[i]);
		ASSERT_TRUE(wait_for_waiters(fd, 0, i + 1));
	}
	/* Two units of three: the real-time waiter, then the oldest. */
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 2));
	EXPECT_TRUE(wait_for_value(fd, 1, 1 + 4))
		TH_LOG("served: %ld (1: first, 2: second, 4: real-time)",
		       sem_value(fd, 1));
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(0, reap(pids[i])) TH_LOG("waiter %d", i);
	}
	EXPECT_EQ(0, region_unlink(NAME("prio2")));
	close(fd);
}

struct thread_arg {
	int fd;
	__u32 index;
	int ops;
	int failures;
};

static void *thread_waiter(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < a->ops; i++)
		if (sem_wait_on(a->fd, a->index, 0, FOREVER))
			a->failures++;
	return NULL;
}

static void *thread_poster(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < a->ops; i++)
		if (sem_post_on(a->fd, a->index, 0, 1))
			a->failures++;
	return NULL;
}

FIXTURE(load) {};
FIXTURE_SETUP(load) {}
FIXTURE_TEARDOWN(load) {}

TEST_F_TIMEOUT(load, one_post_of_1000_releases_1000_waiters, 300)
{
	enum { N = 1000 };
	static struct thread_arg args[N];
	static pthread_t th[N];
	pthread_attr_t attr;
	int fd = sem_region(NAME("t"), 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setstacksize(&attr, 64 * 1024));
	for (int i = 0; i < N; i++) {
		args[i] = (struct thread_arg){ .fd = fd, .ops = 1 };
		ASSERT_EQ(0, pthread_create(&th[i], &attr, thread_waiter,
					    &args[i]));
	}
	ASSERT_TRUE(wait_for_waiters(fd, 0, N));
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, N));
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, args[i].failures);
	}
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_TRUE(wait_for_waiters(fd, 0, 0));
	EXPECT_EQ(0, region_unlink(NAME("t")));
	close(fd);
}

/*
 * @threads threads doing @ops waits or posts each in a child; the child
 * exits with the number of failed calls.
 */
static pid_t spawn_workers(int fd, bool post, int threads, int ops)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct thread_arg a[8];
		pthread_t th[8];
		int failures = 0;

		for (int i = 0; i < threads; i++) {
			a[i] = (struct thread_arg){ .fd = fd, .ops = ops };
			pthread_create(&th[i], NULL,
				       post ? thread_poster : thread_waiter,
				       &a[i]);
		}
		for (int i = 0; i < threads; i++) {
			pthread_join(th[i], NULL);
			failures += a[i].failures;
		}
		_exit(failures > 50 ? 50 : failures);
	}
	return pid;
}

TEST_F_TIMEOUT(load, posts_equal_waits_plus_the_final_value, 600)
{
	/* 2 poster and 2 waiter processes of 3 threads each. */
	const int threads = 3, posts = 2000, waits = 1990;
	int fd = sem_region(NAME("c"), 1);
	pid_t pids[4];

	ASSERT_LE(0, fd);
	pids[0] = spawn_workers(fd, false, threads, waits);
	pids[1] = spawn_workers(fd, true, threads, posts);
	pids[2] = spawn_workers(fd, false, threads, waits);
	pids[3] = spawn_workers(fd, true, threads, posts);
	for (int i = 0; i < 4; i++) {
		ASSERT_LT(0, pids[i]);
	}
	/* A lost wakeup would leave a waiter asleep: the test times out. */
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(0, reap(pids[i]));
	EXPECT_EQ(2 * threads * (posts - waits), sem_value(fd, 0));
	EXPECT_TRUE(wait_for_waiters(fd, 0, 0));
	EXPECT_EQ(0, region_unlink(NAME("c")));
	close(fd);
}

/*
 * A child that takes and gives back units of semaphore 0, with undo; a
 * wait may report SHMDEV_SEM_UNDONE, after a killed sibling's undo.
 */
static pid_t spawn_undo_cycler(int fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;) {
			if (sem_wait_on(fd, 0, SHMDEV_SEM_UNDO, FOREVER) < 0 ||
			    sem_post_on(fd, 0, SHMDEV_SEM_UNDO, 1))
				_exit(1);
		}
	}
	return pid;
}

/*
 * Children sharing one inherited region fd take and give back units with
 * undo while they are killed at random: every unit comes back, no more.
 */
TEST_F_TIMEOUT(load, kill_9_of_forked_holders_sharing_one_fd_returns_every_unit, 300)
{
	const int units = 3, nkids = 6, kills = 150;
	int fd = sem_region(NAME("k9"), 1);
	pid_t kids[6];
	struct shmdev_sem_get g;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, units));
	for (int i = 0; i < nkids; i++) {
		kids[i] = spawn_undo_cycler(fd);
		ASSERT_LE(0, kids[i]);
	}
	srand(getpid());
	for (int k = 0; k < kills; k++) {
		int i = rand() % nkids;

		usleep(rand() % 3000);
		kill(kids[i], SIGKILL);
		ASSERT_EQ(200 + SIGKILL, reap(kids[i])) TH_LOG("kill %d", k);
		kids[i] = spawn_undo_cycler(fd);
		ASSERT_LE(0, kids[i]);
	}
	for (int i = 0; i < nkids; i++) {
		kill(kids[i], SIGKILL);
		EXPECT_EQ(200 + SIGKILL, reap(kids[i]));
	}
	ASSERT_EQ(0, sem_get_on(fd, 0, &g));
	EXPECT_EQ(units, g.value);
	EXPECT_EQ(0, g.waiters);
	EXPECT_EQ(0, region_unlink(NAME("k9")));
	close(fd);
}

TEST(undo_returns_a_unit_held_by_a_killed_process)
{
	const char *name = NAME("d");
	int fd = sem_region(name, 1);
	pid_t holder, next;
	int ready[2];
	char c;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	ASSERT_EQ(0, pipe(ready));
	holder = fork();
	ASSERT_LE(0, holder);
	if (holder == 0) {
		/* A handle of its own, so that its death closes it. */
		int h = region_open(name, RW | SHMDEV_ACCESS_SYNC);

		if (h < 0 || sem_wait_on(h, 0, SHMDEV_SEM_UNDO, FOREVER))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		for (;;)
			pause();	/* the critical section */
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	EXPECT_EQ(0, sem_value(fd, 0));
	next = spawn_waiter(fd, 0, 0);
	ASSERT_LT(0, next);
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	kill(holder, SIGKILL);
	EXPECT_EQ(200 + SIGKILL, reap(holder));
	/* The next holder gets the unit and learns the last one died. */
	EXPECT_EQ(SHMDEV_SEM_UNDONE, reap(next));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(get_reports_an_undo_until_a_wait_reports_it)
{
	const char *name = NAME("r");
	struct shmdev_sem_get g;
	int fd = sem_region(name, 1);
	int h;

	ASSERT_LE(0, fd);
	h = region_open(name, SHMDEV_ACCESS_SYNC);
	ASSERT_LE(0, h);
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	ASSERT_EQ(0, sem_wait_on(h, 0, SHMDEV_SEM_UNDO, FOREVER));
	close(h);
	ASSERT_EQ(0, sem_get_on(fd, 0, &g));
	EXPECT_EQ(1, g.value);
	EXPECT_EQ(SHMDEV_SEM_UNDONE, g.status);
	ASSERT_EQ(0, sem_get_on(fd, 0, &g));
	EXPECT_EQ(SHMDEV_SEM_UNDONE, g.status);
	EXPECT_EQ(SHMDEV_SEM_UNDONE, sem_wait_on(fd, 0, 0, FOREVER));
	ASSERT_EQ(0, sem_get_on(fd, 0, &g));
	EXPECT_EQ(0, g.status);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(undo_of_a_post_takes_the_units_back_but_not_below_zero)
{
	const char *name = NAME("b");
	int fd = sem_region(name, 1);
	int h;

	ASSERT_LE(0, fd);
	h = region_open(name, SHMDEV_ACCESS_SYNC);
	ASSERT_LE(0, h);
	ASSERT_EQ(0, sem_post_on(h, 0, SHMDEV_SEM_UNDO, 3));
	ASSERT_EQ(0, sem_post_on(h, 0, SHMDEV_SEM_UNDO, 2));
	/* Someone consumed 4 of the 5. */
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, sem_wait_on(fd, 0, 0, 0));
	close(h);
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/*
 * A region with one semaphore holding one unit, and a second region fd,
 * self->h, whose undo the test watches through self->fd.
 */
FIXTURE(undo) {
	int fd;
	int h;
};

FIXTURE_SETUP(undo)
{
	self->fd = sem_region(NAME("u"), 1);
	ASSERT_LE(0, self->fd);
	self->h = region_open(NAME("u"), SHMDEV_ACCESS_SYNC);
	ASSERT_LE(0, self->h);
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
}

FIXTURE_TEARDOWN(undo)
{
	if (self->h >= 0)
		close(self->h);
	EXPECT_EQ(0, region_unlink(NAME("u")));
	close(self->fd);
}

TEST_F(undo, of_a_forked_child_is_reversed_when_it_exits)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(sem_wait_on(self->h, 0, SHMDEV_SEM_UNDO, FOREVER));
	EXPECT_EQ(0, reap(pid));
	/* The parent still holds the fd; the child's unit came back. */
	EXPECT_EQ(1, sem_value(self->fd, 0));
	EXPECT_EQ(SHMDEV_SEM_UNDONE,
		  sem_wait_on(self->h, 0, SHMDEV_SEM_TRY, 0));
}

TEST_F(undo, of_a_parent_stays_while_a_forked_child_comes_and_goes)
{
	pid_t pid;

	ASSERT_EQ(0, sem_wait_on(self->h, 0, SHMDEV_SEM_UNDO, FOREVER));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(self->h);
		_exit(0);
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_value(self->fd, 0));
	close(self->h);
	self->h = -1;
	EXPECT_EQ(1, sem_value(self->fd, 0));
}

TEST_F(undo, is_reversed_at_the_processes_last_close_of_the_fd)
{
	int h2 = dup(self->h);

	ASSERT_LE(0, h2);
	ASSERT_EQ(0, sem_wait_on(self->h, 0, SHMDEV_SEM_UNDO, FOREVER));
	ASSERT_EQ(0, sem_post_on(h2, 0, SHMDEV_SEM_UNDO, 3));
	EXPECT_EQ(3, sem_value(self->fd, 0));
	close(self->h);
	self->h = -1;
	/* One record for the process, whichever copy it used. */
	EXPECT_EQ(3, sem_value(self->fd, 0));
	close(h2);
	EXPECT_EQ(1, sem_value(self->fd, 0));
}

TEST_F(undo, of_a_child_sharing_the_fd_table_is_the_tables)
{
	/* clone(CLONE_FILES) as fork() does it, with the parent's table. */
	pid_t pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, NULL, NULL,
			    0);

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(sem_wait_on(self->h, 0, SHMDEV_SEM_UNDO, FOREVER));
	EXPECT_EQ(0, reap(pid));
	/* The table lives on in the parent, with the child's unit. */
	EXPECT_EQ(0, sem_value(self->fd, 0));
	close(self->h);
	self->h = -1;
	EXPECT_EQ(1, sem_value(self->fd, 0));
}

static void *undo_wait_thread(void *p)
{
	return (void *)(long)sem_wait_on(*(int *)p, 0, SHMDEV_SEM_UNDO,
					 FOREVER);
}

TEST_F(undo, of_a_thread_belongs_to_its_process)
{
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, pthread_create(&t, NULL, undo_wait_thread, &self->h));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(0, (long)ret);
	/* The thread is gone; its process still holds the unit. */
	EXPECT_EQ(0, sem_value(self->fd, 0));
	close(self->h);
	self->h = -1;
	EXPECT_EQ(1, sem_value(self->fd, 0));
}

TEST_F(undo, is_reversed_when_exec_closes_the_fd)
{
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Region fds are close-on-exec. */
		if (sem_wait_on(self->h, 0, SHMDEV_SEM_UNDO, FOREVER))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(3);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	/* The process lives on in another program, without the fd. */
	EXPECT_TRUE(wait_for_value(self->fd, 0, 1));
	EXPECT_EQ(0, kill(pid, 0));
	kill(pid, SIGKILL);
	EXPECT_EQ(200 + SIGKILL, reap(pid));
	EXPECT_EQ(1, sem_value(self->fd, 0));
	close(ready[0]);
}

TEST(unlink_wakes_sleepers_with_eidrm)
{
	int fd = sem_region(NAME("w"), 2);
	pid_t a, b;

	ASSERT_LE(0, fd);
	a = spawn_waiter(fd, 0, 0);
	b = spawn_waiter(fd, 1, 0);
	ASSERT_LT(0, a);
	ASSERT_LT(0, b);
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	ASSERT_TRUE(wait_for_waiters(fd, 1, 1));
	ASSERT_EQ(0, region_unlink(NAME("w")));
	EXPECT_EQ(100 + EIDRM, reap(a));
	EXPECT_EQ(100 + EIDRM, reap(b));
	close(fd);
}

TEST(semaphore_calls_after_unlink_are_eidrm)
{
	struct shmdev_sem_get g;
	int fd = sem_region(NAME("l"), 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	ASSERT_EQ(0, region_unlink(NAME("l")));
	EXPECT_EQ(-EIDRM, sem_wait_on(fd, 0, 0, 0));
	EXPECT_EQ(-EIDRM, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(-EIDRM, sem_get_on(fd, 0, &g));
	EXPECT_EQ(-EIDRM, sem_set_on(fd, 0, 1));
	close(fd);
}

TEST(unlink_keep_sems_leaves_sleepers_waiting)
{
	int fd = sem_region(NAME("k"), 1);
	pid_t a;

	ASSERT_LE(0, fd);
	a = spawn_waiter(fd, 0, 0);
	ASSERT_LT(0, a);
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	ASSERT_EQ(0, region_unlink_flags(NAME("k"), SHMDEV_UNLINK_KEEP_SEMS));
	/* The name is gone, the sleeper is not. */
	EXPECT_EQ(-ENOENT, region_open(NAME("k"), SHMDEV_ACCESS_READ));
	EXPECT_TRUE(wait_for_waiters(fd, 0, 1));
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(0, reap(a));
	close(fd);
}

TEST(semaphores_work_after_unlink_keep_sems)
{
	struct shmdev_sem_get g = { .value = 0xdead };
	int fd = sem_region(NAME("j"), 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_unlink_flags(NAME("j"), SHMDEV_UNLINK_KEEP_SEMS));
	EXPECT_EQ(0, sem_post_on(fd, 0, 0, 2));
	EXPECT_EQ(0, sem_wait_on(fd, 0, 0, 0));
	EXPECT_EQ(0, sem_get_on(fd, 0, &g));
	EXPECT_EQ(1, g.value);
	EXPECT_EQ(0, sem_set_on(fd, 0, 5));
	EXPECT_EQ(5, sem_value(fd, 0));
	close(fd);
}

TEST(semaphores_need_their_rights)
{
	const char *name = NAME("x");
	struct shmdev_sem_get g;
	int fd = sem_region(name, 1);
	int r, x;

	ASSERT_LE(0, fd);
	r = region_open(name, SHMDEV_ACCESS_READ);
	x = region_open(name, SHMDEV_ACCESS_SYNC);
	ASSERT_LE(0, r);
	ASSERT_LE(0, x);
	/* SYNC to wait and post, READ to get, ADMIN to set. */
	EXPECT_EQ(-EACCES, sem_post_on(r, 0, 0, 1));
	EXPECT_EQ(-EACCES, sem_wait_on(r, 0, SHMDEV_SEM_TRY, 0));
	EXPECT_EQ(0, sem_get_on(r, 0, &g));
	EXPECT_EQ(0, sem_post_on(x, 0, 0, 1));
	EXPECT_EQ(0, sem_wait_on(x, 0, 0, 0));
	EXPECT_EQ(-EACCES, sem_get_on(x, 0, &g));
	EXPECT_EQ(-EACCES, sem_set_on(x, 0, 1));
	EXPECT_EQ(-EACCES, sem_set_on(r, 0, 1));
	EXPECT_EQ(0, region_unlink(name));
	close(r);
	close(x);
	close(fd);
}

/* A sleeper whose region fd loses SYNC leaves with EACCES. */
TEST(a_sleeper_that_loses_sync_wakes_with_eacces)
{
	const struct shmdev_acl_entry keep = {
		.tag = SHMDEV_ACL_USER, .id = 2001, .rights = SHMDEV_ACCESS_SYNC,
	};
	int fd = region_synced_for(NAME("rv"), 2001);
	struct shmdev_sem_get g;
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int h = open_synced_as(2001, NAME("rv"));

		_exit(sem_wait_on(h, 0, 0, FOREVER) == -EACCES ? 0 : 3);
	}
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	/* A change that keeps SYNC wakes nobody for good. */
	ASSERT_EQ(0, acl_set(fd, &keep, 1));
	usleep(100000);
	ASSERT_EQ(0, sem_get_on(fd, 0, &g));
	EXPECT_EQ(1, g.waiters);
	ASSERT_EQ(0, acl_set(fd, NULL, 0));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("rv")));
	close(fd);
}

TEST(semaphore_calls_on_the_control_device_are_enotty)
{
	struct shmdev_sem_get g;
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, sem_wait_on(fd, 0, 0, 0));
	EXPECT_EQ(-ENOTTY, sem_post_on(fd, 0, 0, 1));
	EXPECT_EQ(-ENOTTY, sem_get_on(fd, 0, &g));
	EXPECT_EQ(-ENOTTY, sem_set_on(fd, 0, 1));
	close(fd);
}

TEST_HARNESS_MAIN
