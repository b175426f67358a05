// SPDX-License-Identifier: GPL-2.0
/*
 * The semaphore area: its mapping and rights, the fast path of
 * shmdev_sems_*() and the POSIX layer, and the kernel paths around it
 * (revocation, GUP, /proc/PID/mem, mremap, fork, scribbling, unlink,
 * undo, pollers), with a stress of fast and kernel calls that must
 * conserve units.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <ucontext.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"
#include <libshmdev.h>

#define OFF	((off_t)SHMDEV_SEM_MMAP_OFFSET)

static size_t area_len(unsigned int nsems)
{
	return SHMDEV_SEM_AREA_SIZE(nsems);
}

static struct shmdev_sem_shared *area_of(int fd, unsigned int nsems)
{
	void *p = map(fd, area_len(nsems), PROT_READ | PROT_WRITE, OFF);

	return p == MAP_FAILED ? NULL : p;
}

static __u32 state_of(struct shmdev_sem_shared *a, unsigned int i)
{
	return __atomic_load_n(&a[i].state, __ATOMIC_ACQUIRE);
}

/*
 * Syscall user dispatch: while the selector is BLOCK, every system call of
 * this thread raises SIGSYS instead of running; the handler counts it,
 * makes it fail with ENOSYS and lets the next ones run (its own return
 * from the signal is one).
 */
static volatile char sud_selector;
static volatile int sud_calls;

static void sud_sigsys(int sig, siginfo_t *si, void *context)
{
	ucontext_t *uc = context;

	sud_calls++;
	uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
	sud_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
}

/* Count the next system calls, failing them with ENOSYS: 0 or -1. */
static int block_syscalls(void)
{
	struct sigaction sa = {
		.sa_sigaction = sud_sigsys, .sa_flags = SA_SIGINFO,
	};

	if (sigaction(SIGSYS, &sa, NULL) ||
	    prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 0,
		  &sud_selector))
		return -1;
	sud_selector = SYSCALL_DISPATCH_FILTER_BLOCK;
	return 0;
}

/*
 * Run @fast(@arg), which may make no system call, then @slow(@arg), which
 * must make one (so that the counting is seen to work): 0 if so.
 */
static int without_syscalls(int (*fast)(void *), int (*slow)(void *),
			    void *arg)
{
	int ret;

	if (block_syscalls())
		return 10;
	ret = fast(arg);
	sud_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	if (ret)
		return ret;
	if (sud_calls)
		return 20;
	sud_selector = SYSCALL_DISPATCH_FILTER_BLOCK;
	ret = slow(arg);
	sud_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	if (ret)
		return ret;
	return sud_calls == 1 ? 0 : 21;
}

/* A child that waits on semaphore @index through @s; exits 0 if it got it. */
static pid_t spawn_sems_waiter(struct shmdev_sems *s, unsigned int index,
			       unsigned int flags)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(shmdev_sems_wait(s, index, flags) < 0 ? 1 : 0);
	return pid;
}

TEST(area_maps_with_sync_alone_and_data_does_not)
{
	const char *name = NAME("sync");
	int fd = sem_region(name, 2), x;
	struct shmdev_sem_shared *a;

	ASSERT_LE(0, fd);
	x = region_open(name, SHMDEV_ACCESS_SYNC);
	ASSERT_LE(0, x);
	a = area_of(x, 2);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, state_of(a, 0));
	EXPECT_EQ(0, state_of(a, 1));
	EXPECT_EQ(MAP_FAILED, map(x, page_size(), PROT_READ, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, map(x, page_size(), PROT_READ | PROT_WRITE, 0));
	EXPECT_EQ(EACCES, errno);
	munmap(a, area_len(2));
	EXPECT_EQ(0, region_unlink(name));
	close(x);
	close(fd);
}

TEST(area_needs_sync)
{
	const char *name = NAME("nosync");
	int fd = sem_region(name, 1), rw;

	ASSERT_LE(0, fd);
	rw = region_open(name, RW);
	ASSERT_LE(0, rw);
	EXPECT_EQ(NULL, area_of(rw, 1));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, region_unlink(name));
	close(rw);
	close(fd);
}

TEST(area_must_be_shared_and_within_its_size)
{
	const char *name = NAME("bounds");
	int fd = sem_region(name, 2), none;
	void *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, area_len(2), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		 OFF);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map(fd, area_len(2) + page_size(),
				  PROT_READ | PROT_WRITE, OFF));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(MAP_FAILED, map(fd, page_size(), PROT_READ,
				  OFF - page_size()));
	EXPECT_EQ(ENXIO, errno);
	none = region_new(NAME("none"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	ASSERT_LE(0, none);
	EXPECT_EQ(MAP_FAILED, map(none, page_size(), PROT_READ, OFF));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(0, region_unlink(name));
	close(none);
	close(fd);
}

/* Past the last semaphore, to the end of its page: KERNEL, so EINVAL. */
TEST(entries_past_the_last_semaphore_send_calls_to_the_kernel)
{
	const char *name = NAME("past");
	int fd = sem_region(name, 1);
	struct shmdev_sems s;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_sems_map(&s, fd, 3));
	EXPECT_EQ(0, state_of(s.area, 0));
	EXPECT_EQ(SHMDEV_SEM_KERNEL, state_of(s.area, 1));
	EXPECT_EQ(SHMDEV_SEM_KERNEL,
		  state_of(s.area, page_size() / sizeof(*s.area) - 1));
	EXPECT_EQ(-EINVAL, shmdev_sems_post(&s, 1, 1, 0));
	EXPECT_EQ(-EINVAL, shmdev_sems_trywait(&s, 2, 0));
	EXPECT_EQ(SHMDEV_SEM_KERNEL, state_of(s.area, 1));
	EXPECT_EQ(0, shmdev_sems_unmap(&s));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* A region ends a page or more below the area, so no mapping merges. */
TEST(regions_end_a_page_below_the_area)
{
	long old = shmdev_param("max_region_bytes");
	int fd;

	ASSERT_LE(0, old);
	ASSERT_EQ(0, shmdev_param_set("max_region_bytes",
				      SHMDEV_SEM_MMAP_OFFSET));
	fd = region_new(NAME("huge"), SHMDEV_SEM_MMAP_OFFSET - page_size() + 1,
			0600, SHMDEV_CREATE_TRANSIENT);
	EXPECT_EQ(-EINVAL, fd);
	fd = region_new(NAME("huge"), SHMDEV_SEM_MMAP_OFFSET, 0600,
			SHMDEV_CREATE_TRANSIENT);
	EXPECT_EQ(-EINVAL, fd);
	ASSERT_EQ(0, shmdev_param_set("max_region_bytes", old));
}

TEST(area_cannot_grow_with_mremap)
{
	const char *name = NAME("grow");
	int fd = sem_region(name, 1);
	struct shmdev_sem_shared *a;

	ASSERT_LE(0, fd);
	a = area_of(fd, 1);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(MAP_FAILED, mremap(a, page_size(), 2 * page_size(),
				     MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	munmap(a, area_len(1));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* GUP finds no page behind the area: no /proc/PID/mem, no process_vm_*. */
TEST(area_is_out_of_reach_of_proc_mem_and_process_vm_readv)
{
	const char *name = NAME("gup");
	int fd = sem_region(name, 1), mem;
	struct shmdev_sem_shared *a;
	struct iovec local, remote;
	__u32 v = SENTINEL_U32;

	ASSERT_LE(0, fd);
	a = area_of(fd, 1);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 7));
	EXPECT_EQ(7, state_of(a, 0));
	mem = open("/proc/self/mem", O_RDWR);
	ASSERT_LE(0, mem);
	EXPECT_EQ(-1, pread(mem, &v, sizeof(v), (off_t)(uintptr_t)a));
	EXPECT_EQ(-1, pwrite(mem, &v, sizeof(v), (off_t)(uintptr_t)a));
	local.iov_base = &v;
	local.iov_len = sizeof(v);
	remote.iov_base = a;
	remote.iov_len = sizeof(v);
	EXPECT_EQ(-1, process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(SENTINEL_U32, v);
	EXPECT_EQ(7, sem_value(fd, 0));
	close(mem);
	munmap(a, area_len(1));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* A region of two semaphores, mapped through shmdev_sems_map(). */
FIXTURE(area) {
	const char *name;
	int fd;
	struct shmdev_sems s;
};

FIXTURE_SETUP(area)
{
	self->name = NAME("area");
	self->fd = sem_region(self->name, 2);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, shmdev_sems_map(&self->s, self->fd, 2));
}

FIXTURE_TEARDOWN(area)
{
	EXPECT_EQ(0, shmdev_sems_unmap(&self->s));
	/* A test may have unlinked it. */
	region_unlink(self->name);
	close(self->fd);
}

TEST_F(area, kernel_posts_and_waits_give_the_value_back_to_the_area)
{
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 3));
	EXPECT_EQ(3, state_of(self->s.area, 0));
	ASSERT_EQ(0, sem_wait_on(self->fd, 0, 0, 0));
	EXPECT_EQ(2, state_of(self->s.area, 0));
	ASSERT_EQ(0, sem_set_on(self->fd, 0, 9));
	EXPECT_EQ(9, state_of(self->s.area, 0));
	EXPECT_EQ(0, state_of(self->s.area, 1));
}

static int sems_fast_calls(void *arg)
{
	struct shmdev_sems *s = arg;

	if (shmdev_sems_post(s, 0, 2, 0))
		return 11;
	if (shmdev_sems_wait(s, 0, 0) || shmdev_sems_trywait(s, 0, 0))
		return 12;
	/* At 0 in the area: EAGAIN, still with no system call. */
	return shmdev_sems_trywait(s, 0, 0) == -EAGAIN ? 0 : 13;
}

/* An UNDO post is always an ioctl. */
static int sems_undo_post(void *arg)
{
	return shmdev_sems_post(arg, 0, 1, SHMDEV_SEM_UNDO) == -ENOSYS ? 0 : 14;
}

static int sems_without_syscalls(void *arg)
{
	return without_syscalls(sems_fast_calls, sems_undo_post, arg);
}

TEST_F(area, uncontended_waits_and_posts_make_no_system_call)
{
	EXPECT_EQ(0, in_child(sems_without_syscalls, &self->s));
	EXPECT_EQ(0, sem_value(self->fd, 0));
}

TEST_F(area, fast_posts_are_seen_by_sem_get_and_kernel_waits)
{
	struct shmdev_sems *s = &self->s;

	ASSERT_EQ(0, shmdev_sems_post(s, 0, 5, 0));
	EXPECT_EQ(5, sem_value(self->fd, 0));
	EXPECT_EQ(0, sem_wait_on(self->fd, 0, SHMDEV_SEM_TRY, 0));
	EXPECT_EQ(4, sem_value(self->fd, 0));
	EXPECT_EQ(-EOVERFLOW, shmdev_sems_post(s, 0, SHMDEV_SEM_VALUE_MAX, 0));
	EXPECT_EQ(4, sem_value(self->fd, 0));
}

/* While anyone sleeps the kernel holds the value: no barging. */
TEST_F(area, a_sleeper_is_handed_the_unit_ahead_of_a_fast_newcomer)
{
	struct shmdev_sems *s = &self->s;
	pid_t pid = spawn_sems_waiter(s, 0, 0);

	ASSERT_LE(0, pid);
	ASSERT_TRUE(wait_for_waiters(self->fd, 0, 1));
	EXPECT_EQ(SHMDEV_SEM_KERNEL, state_of(s->area, 0));
	ASSERT_EQ(0, shmdev_sems_post(s, 0, 1, 0));
	/* The unit went to the sleeper, not to this newcomer. */
	EXPECT_EQ(-EAGAIN, shmdev_sems_trywait(s, 0, 0));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, state_of(s->area, 0));
}

TEST_F(area, sleepers_woken_by_fast_posts_are_served_in_arrival_order)
{
	pid_t pid[4];
	int i;

	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			if (shmdev_sems_wait(&self->s, 0, 0))
				_exit(100);
			/* Report the order: take a ticket. */
			_exit(sem_post_on(self->fd, 1, 0, 1) ? 101 : 0);
		}
		ASSERT_TRUE(wait_for_waiters(self->fd, 0, i + 1));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, shmdev_sems_post(&self->s, 0, 1, 0));
		EXPECT_EQ(0, reap(pid[i]));
		EXPECT_EQ(i + 1, sem_value(self->fd, 1));
	}
}

TEST_F(area, an_epoll_watch_sees_fast_posts)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int sfd = sem_fd(self->fd, 0, 0), ep = epoll_create1(0);

	ASSERT_LE(0, sfd);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(0, shmdev_sems_post(&self->s, 0, 1, 0));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 5000));
	EXPECT_EQ(1, sem_value(self->fd, 0));
	close(ep);
	close(sfd);
}

TEST_F(area, an_undo_is_reported_by_the_next_fast_wait)
{
	struct shmdev_sems *s = &self->s;
	pid_t pid;

	ASSERT_EQ(0, shmdev_sems_post(s, 0, 1, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(shmdev_sems_wait(s, 0, SHMDEV_SEM_UNDO) ? 1 : 0);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(SHMDEV_SEM_KERNEL, state_of(s->area, 0));
	EXPECT_EQ(SHMDEV_SEM_UNDONE, shmdev_sems_wait(s, 0, 0));
	EXPECT_EQ(0, shmdev_sems_post(s, 0, 1, 0));
	EXPECT_EQ(0, shmdev_sems_wait(s, 0, 0));
	EXPECT_EQ(0, state_of(s->area, 0));
}

TEST_F(area, fast_calls_after_unlink_are_eidrm)
{
	struct shmdev_sems *s = &self->s;

	ASSERT_EQ(0, shmdev_sems_post(s, 0, 3, 0));
	ASSERT_EQ(0, region_unlink(self->name));
	EXPECT_EQ(-EIDRM, shmdev_sems_trywait(s, 0, 0));
	EXPECT_EQ(-EIDRM, shmdev_sems_wait(s, 0, 0));
	EXPECT_EQ(-EIDRM, shmdev_sems_post(s, 0, 1, 0));
}

TEST_F(area, a_forked_child_shares_the_area)
{
	struct shmdev_sems *s = &self->s;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(shmdev_sems_post(s, 0, 4, 0) ? 1 : 0);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(4, state_of(s->area, 0));
	EXPECT_EQ(0, shmdev_sems_wait(s, 0, 0));
	EXPECT_EQ(3, sem_value(self->fd, 0));
}

/*
 * A child of user 2001 maps the area with SYNC, then the ACL takes SYNC
 * away: its next touch of the area is SIGBUS, mprotect cannot give it
 * back, and its semaphore ioctls fail with EACCES.
 */
TEST(losing_sync_takes_the_area_away_from_live_mappings)
{
	const char *name = NAME("revoke");
	int fd = region_synced_for(name, 2001), go[2], ready[2];
	pid_t pid;
	char c = 0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int h = open_synced_as(2001, name);
		struct shmdev_sem_shared *a = area_of(h, 1);

		if (!a || shmdev_sem_post(h, 0, 1, 0))
			_exit(1);
		__atomic_load_n(&a[0].state, __ATOMIC_RELAXED);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		if (sem_post_on(h, 0, 0, 1) != -EACCES)
			_exit(3);
		if (!mprotect(a, area_len(1), PROT_READ))
			_exit(4);
		__atomic_store_n(&a[0].state, 5, __ATOMIC_RELAXED);
		_exit(5);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, acl_set(fd, NULL, 0));
	ASSERT_EQ(1, write(go[1], &c, 1));
	EXPECT_EQ(200 + SIGBUS, reap(pid));
	EXPECT_EQ(1, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* Scribble random states into semaphore 1's entry until *@stop. */
static void scribble(struct shmdev_sem_shared *a, atomic_int *stop)
{
	unsigned int seed = getpid();

	while (!atomic_load(stop)) {
		__u32 v = (__u32)rand_r(&seed) << 16 ^ rand_r(&seed);

		if (v & 1)
			v |= SHMDEV_SEM_KERNEL;
		__atomic_store_n(&a[1].state, v, __ATOMIC_RELAXED);
	}
	_exit(0);
}

/*
 * While a scribbler writes garbage into semaphore 1's entry, semaphore 0
 * keeps its units exactly, semaphore 1 never reports more than the
 * maximum, and UNLINK still wakes semaphore 1's sleepers.
 */
/* The long tests, which need a longer timeout than TEST() has. */
FIXTURE(load) {};
FIXTURE_SETUP(load) {}
FIXTURE_TEARDOWN(load) {}

TEST_F_TIMEOUT(load, a_scribbler_confuses_only_its_own_semaphore, 120)
{
	const char *name = NAME("scribble");
	int fd = sem_region(name, 2), i, rounds = 0;
	struct shmdev_sem_get g;
	struct shmdev_sems s;
	pid_t scr, sleepers[3];
	atomic_int *stop;
	time_t end;

	ASSERT_LE(0, fd);
	stop = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	ASSERT_EQ(0, shmdev_sems_map(&s, fd, 2));
	ASSERT_EQ(0, shmdev_sems_post(&s, 0, 3, 0));
	for (i = 0; i < 3; i++) {
		sleepers[i] = fork();
		ASSERT_LE(0, sleepers[i]);
		if (sleepers[i] == 0)
			_exit(sem_wait_on(fd, 1, 0, SHMDEV_SEM_FOREVER) == -EIDRM ?
			      0 : 1);
	}
	scr = fork();
	ASSERT_LE(0, scr);
	if (scr == 0)
		scribble(s.area, stop);
	end = time(NULL) + 3;
	while (time(NULL) < end) {
		ASSERT_EQ(0, shmdev_sems_wait(&s, 0, 0));
		ASSERT_EQ(0, sem_wait_on(fd, 0, 0, 0));
		ASSERT_EQ(0, sem_post_on(fd, 0, 0, 1));
		ASSERT_EQ(0, shmdev_sems_post(&s, 0, 1, 0));
		/* Semaphore 1: any call may fail or succeed, none may hurt. */
		shmdev_sems_post(&s, 1, 1 + rounds % 5, 0);
		shmdev_sems_trywait(&s, 1, 0);
		sem_post_on(fd, 1, 0, 1);
		sem_wait_on(fd, 1, SHMDEV_SEM_TRY, 0);
		ASSERT_EQ(0, sem_get_on(fd, 1, &g));
		ASSERT_GE(SHMDEV_SEM_VALUE_MAX, g.value);
		rounds++;
	}
	atomic_store(stop, 1);
	EXPECT_EQ(0, reap(scr));
	EXPECT_EQ(3, sem_value(fd, 0));
	/* Sleepers may have been handed units; the rest wake with EIDRM. */
	ASSERT_EQ(0, region_unlink(name));
	for (i = 0; i < 3; i++) {
		int st = reap(sleepers[i]);

		EXPECT_TRUE(st == 0 || st == 1);
	}
	TH_LOG("%d rounds", rounds);
	EXPECT_EQ(0, shmdev_sems_unmap(&s));
	munmap(stop, page_size());
	close(fd);
}

/* How a stress worker uses the semaphore. */
enum stress_kind { FAST, TIMED, UNDO };

/*
 * Take a unit and give it back, over and over, until *@stop: FAST through
 * the area, TIMED with deadlines short enough to expire, UNDO through the
 * kernel with SHMDEV_SEM_UNDO (only these are killed, holding or not).
 */
static void stress_worker(struct shmdev_sems *s, enum stress_kind kind,
			  atomic_int *stop)
{
	struct timespec ts;
	int ret;

	while (!atomic_load(stop)) {
		switch (kind) {
		case FAST:
			ret = shmdev_sems_wait(s, 0, 0);
			break;
		case TIMED:
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += 200000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			ret = shmdev_sems_timedwait(s, 0, 0, CLOCK_MONOTONIC,
						    &ts);
			if (ret == -ETIMEDOUT)
				continue;
			break;
		default:
			ret = shmdev_sems_wait(s, 0, SHMDEV_SEM_UNDO);
		}
		if (ret < 0)
			_exit(10);
		sched_yield();
		if (shmdev_sems_post(s, 0, 1, kind == UNDO ? SHMDEV_SEM_UNDO :
				     0))
			_exit(11);
	}
	_exit(0);
}

static pid_t spawn_stress(struct shmdev_sems *s, enum stress_kind kind,
			  atomic_int *stop)
{
	pid_t pid = fork();

	if (pid == 0)
		stress_worker(s, kind, stop);
	return pid;
}

/*
 * Fast, timed and UNDO workers share 3 units; UNDO workers are killed at
 * random and replaced. When all are gone, the value is 3 again.
 */
TEST_F_TIMEOUT(load, fast_and_kernel_calls_with_kills_and_timeouts_conserve,
	       300)
{
	const char *name = NAME("stress");
	int fd = sem_region(name, 1), i, kills = 0;
	pid_t fast[4], undo[3];
	struct shmdev_sems s;
	atomic_int *stop;
	unsigned int seed = 1;
	time_t end;

	ASSERT_LE(0, fd);
	stop = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	ASSERT_EQ(0, shmdev_sems_map(&s, fd, 1));
	ASSERT_EQ(0, shmdev_sems_post(&s, 0, 3, 0));
	for (i = 0; i < 4; i++) {
		fast[i] = spawn_stress(&s, i < 2 ? FAST : TIMED, stop);
		ASSERT_LE(0, fast[i]);
	}
	for (i = 0; i < 3; i++) {
		undo[i] = spawn_stress(&s, UNDO, stop);
		ASSERT_LE(0, undo[i]);
	}
	end = time(NULL) + 8;
	while (time(NULL) < end) {
		i = rand_r(&seed) % 3;
		usleep(rand_r(&seed) % 20000);
		kill(undo[i], SIGKILL);
		EXPECT_EQ(200 + SIGKILL, reap(undo[i]));
		undo[i] = spawn_stress(&s, UNDO, stop);
		ASSERT_LE(0, undo[i]);
		kills++;
	}
	atomic_store(stop, 1);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, reap(fast[i]));
	for (i = 0; i < 3; i++) {
		kill(undo[i], SIGKILL);
		reap(undo[i]);
	}
	TH_LOG("%d kills", kills);
	EXPECT_EQ(3, sem_value(fd, 0));
	EXPECT_EQ(0, shmdev_sems_unmap(&s));
	EXPECT_EQ(0, region_unlink(name));
	munmap(stop, page_size());
	close(fd);
}

static int psem_fast_calls(void *arg)
{
	shmdev_psem_t *sem = arg;

	if (shmdev_psem_post(sem) || shmdev_psem_post(sem))
		return 11;
	if (shmdev_psem_wait(sem) || shmdev_psem_trywait(sem))
		return 12;
	return shmdev_psem_trywait(sem) == -1 && errno == EAGAIN ? 0 : 13;
}

/* getvalue asks the kernel. */
static int psem_getvalue_call(void *arg)
{
	int v = -1;

	return shmdev_psem_getvalue(arg, &v) == -1 && errno == ENOSYS ? 0 : 14;
}

static int psem_without_syscalls(void *arg)
{
	return without_syscalls(psem_fast_calls, psem_getvalue_call, arg);
}

TEST(posix_semaphores_wait_and_post_with_no_system_call)
{
	shmdev_psem_t *sem = mmap(NULL, sizeof(*sem), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int v = -1;

	ASSERT_NE(MAP_FAILED, sem);
	ASSERT_EQ(0, shmdev_psem_init(sem, 0, 0));
	EXPECT_EQ(0, in_child(psem_without_syscalls, sem));
	EXPECT_EQ(0, shmdev_psem_getvalue(sem, &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, shmdev_psem_destroy(sem));
	munmap(sem, sizeof(*sem));
}

TEST_HARNESS_MAIN
