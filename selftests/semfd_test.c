// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphore fds (SEM_FD): an eventfd(EFD_SEMAPHORE) over one semaphore,
 * for poll, epoll and select; rights, revocation, unlink, lifetime.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

#define UID	2001	/* the user whose rights are revoked */

/* The events poll() reports on @fd at once. */
static short poll_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

/* read() of a __u64 from @fd: the bytes read, or -errno. */
static long read_u64(int fd, __u64 *v)
{
	long n = read(fd, v, sizeof(*v));

	return n < 0 ? -errno : n;
}

/* write() of @v to @fd: the bytes written, or -errno. */
static long write_u64(int fd, __u64 v)
{
	long n = write(fd, &v, sizeof(v));

	return n < 0 ? -errno : n;
}

/* A child that reads @sfd: exits 0 if read() gave @expect (8: the 1). */
static pid_t spawn_reader(int sfd, long expect)
{
	pid_t pid = fork();
	__u64 v = 0;

	if (pid == 0)
		_exit(read_u64(sfd, &v) == expect && (expect != 8 || v == 1) ?
		      0 : 1);
	return pid;
}

static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* A region with one semaphore and a semaphore fd on it. */
FIXTURE(semfd) {
	int fd;
	int sfd;
};

FIXTURE_SETUP(semfd)
{
	self->fd = sem_region(NAME("s"), 2);
	ASSERT_LE(0, self->fd);
	self->sfd = sem_fd(self->fd, 0, 0);
	ASSERT_LE(0, self->sfd);
}

FIXTURE_TEARDOWN(semfd)
{
	close(self->sfd);
	region_unlink(NAME("s"));
	close(self->fd);
}

TEST(sem_fd_needs_sync_and_a_semaphore_and_leaves_no_trace)
{
	struct shmdev_sem_fd f = { .index = 0 };
	int fd = sem_region(NAME("n"), 1);
	int ro, dev, before;

	ASSERT_LE(0, fd);
	ro = region_open(NAME("n"), SHMDEV_ACCESS_READ);
	ASSERT_LE(0, ro);
	dev = shmdev_open_dev();
	ASSERT_LE(0, dev);
	before = open_fds();
	EXPECT_EQ(-EACCES, sem_fd(ro, 0, 0));
	EXPECT_EQ(-EINVAL, sem_fd(fd, 1, 0));
	EXPECT_EQ(-EINVAL, sem_fd(fd, 0, 0x4));
	f.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_FD, &f));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SEM_FD, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-ENOTTY, sem_fd(dev, 0, 0));
	EXPECT_EQ(before, open_fds());
	close(dev);
	close(ro);
	EXPECT_EQ(0, region_unlink(NAME("n")));
	close(fd);
}

TEST_F(semfd, is_close_on_exec_and_blocking_unless_asked)
{
	int nb = sem_fd(self->fd, 0,
			SHMDEV_SEM_FD_NONBLOCK | SHMDEV_SEM_FD_NOCLOEXEC);

	ASSERT_LE(0, nb);
	EXPECT_TRUE(fcntl(self->sfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_FALSE(fcntl(self->sfd, F_GETFL) & O_NONBLOCK);
	EXPECT_FALSE(fcntl(nb, F_GETFD) & FD_CLOEXEC);
	EXPECT_TRUE(fcntl(nb, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(O_RDWR, fcntl(nb, F_GETFL) & O_ACCMODE);
	close(nb);
}

TEST_F(semfd, polls_readable_while_the_value_is_positive)
{
	EXPECT_EQ(POLLOUT, poll_now(self->sfd));
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 2));
	EXPECT_EQ(POLLIN | POLLOUT, poll_now(self->sfd));
	ASSERT_EQ(0, sem_wait_on(self->fd, 0, 0, 0));
	EXPECT_EQ(POLLIN | POLLOUT, poll_now(self->sfd));
	ASSERT_EQ(0, sem_wait_on(self->fd, 0, 0, 0));
	EXPECT_EQ(POLLOUT, poll_now(self->sfd));
	ASSERT_EQ(0, sem_set_on(self->fd, 0, SHMDEV_SEM_VALUE_MAX));
	EXPECT_EQ(POLLIN, poll_now(self->sfd));
}

TEST_F(semfd, read_takes_one_unit_and_reads_one)
{
	__u64 v = SENTINEL_U64;

	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 3));
	EXPECT_EQ(8, read_u64(self->sfd, &v));
	EXPECT_EQ(1, v);
	EXPECT_EQ(2, sem_value(self->fd, 0));
}

TEST_F(semfd, read_of_less_than_8_bytes_is_einval_and_takes_nothing)
{
	char b[4];

	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
	EXPECT_EQ(-1, read(self->sfd, b, sizeof(b)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, sem_value(self->fd, 0));
}

TEST_F(semfd, read_into_a_bad_buffer_gives_the_unit_back)
{
	void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
	EXPECT_EQ(-1, read(self->sfd, hole, 8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, sem_value(self->fd, 0));
	munmap(hole, 4096);
}

TEST_F(semfd, nonblocking_read_without_a_unit_is_eagain)
{
	int nb = sem_fd(self->fd, 0, SHMDEV_SEM_FD_NONBLOCK);
	__u64 v = SENTINEL_U64;

	ASSERT_LE(0, nb);
	EXPECT_EQ(-EAGAIN, read_u64(nb, &v));
	EXPECT_EQ(SENTINEL_U64, v);
	/* O_NONBLOCK set later with fcntl() counts too. */
	ASSERT_EQ(0, fcntl(self->sfd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, read_u64(self->sfd, &v));
	EXPECT_EQ(SENTINEL_U64, v);
	close(nb);
}

TEST_F(semfd, blocking_read_sleeps_until_a_post)
{
	pid_t pid = spawn_reader(self->sfd, 8);

	ASSERT_LE(0, pid);
	ASSERT_TRUE(wait_for_waiters(self->fd, 0, 1));
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_value(self->fd, 0));
}

TEST_F(semfd, write_posts_its_count)
{
	void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	char b[4] = { 1 };

	ASSERT_NE(MAP_FAILED, hole);
	EXPECT_EQ(8, write_u64(self->sfd, 5));
	EXPECT_EQ(5, sem_value(self->fd, 0));
	EXPECT_EQ(-EINVAL, write_u64(self->sfd, 0));
	EXPECT_EQ(-EINVAL, write_u64(self->sfd, SHMDEV_SEM_VALUE_MAX + 1ull));
	EXPECT_EQ(-1, write(self->sfd, b, sizeof(b)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->sfd, hole, 8));
	EXPECT_EQ(EFAULT, errno);
	munmap(hole, 4096);
	ASSERT_EQ(0, sem_set_on(self->fd, 0, SHMDEV_SEM_VALUE_MAX - 1));
	EXPECT_EQ(-EOVERFLOW, write_u64(self->sfd, 2));
	EXPECT_EQ(SHMDEV_SEM_VALUE_MAX - 1, sem_value(self->fd, 0));
}

TEST_F(semfd, write_hands_units_to_sleepers_first)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(sem_wait_on(self->fd, 0, 0, SHMDEV_SEM_FOREVER));
	ASSERT_TRUE(wait_for_waiters(self->fd, 0, 1));
	EXPECT_EQ(8, write_u64(self->sfd, 1));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_value(self->fd, 0));
}

TEST_F(semfd, epoll_wakes_on_a_post_from_another_process)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
	struct epoll_event got = { 0 };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	pid_t pid;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->sfd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		usleep(100000);
		_exit(sem_post_on(self->fd, 0, 0, 1) ? 1 : 0);
	}
	EXPECT_EQ(1, epoll_wait(ep, &got, 1, 10000));
	EXPECT_EQ(42, got.data.u64);
	EXPECT_EQ(EPOLLIN, got.events);
	EXPECT_EQ(0, reap(pid));
	close(ep);
}

TEST_F(semfd, select_sees_it_readable)
{
	struct timeval tv = { 0 };
	fd_set r;

	FD_ZERO(&r);
	FD_SET(self->sfd, &r);
	EXPECT_EQ(0, select(self->sfd + 1, &r, NULL, NULL, &tv));
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
	FD_ZERO(&r);
	FD_SET(self->sfd, &r);
	tv.tv_sec = 10;
	EXPECT_EQ(1, select(self->sfd + 1, &r, NULL, NULL, &tv));
	EXPECT_TRUE(FD_ISSET(self->sfd, &r));
}

/*
 * A child that waits on semaphore 0, through the semaphore fd or with
 * SEM_WAIT, then posts @units units to semaphore 1 for the parent.
 */
static pid_t spawn_taker(int fd, int sfd, bool by_read, int units)
{
	pid_t pid = fork();
	__u64 v;

	if (pid == 0) {
		if (by_read ? read_u64(sfd, &v) != 8 :
			      sem_wait_on(fd, 0, 0, SHMDEV_SEM_FOREVER) < 0)
			_exit(1);
		_exit(sem_post_on(fd, 1, 0, units) ? 2 : 0);
	}
	return pid;
}

TEST_F(semfd, readers_and_sem_wait_sleepers_share_one_fifo_order)
{
	pid_t pids[4];

	/* read, SEM_WAIT, read, SEM_WAIT; taker i posts 1 << i. */
	for (int i = 0; i < 4; i++) {
		pids[i] = spawn_taker(self->fd, self->sfd, !(i & 1), 1 << i);
		ASSERT_LE(0, pids[i]);
		ASSERT_TRUE(wait_for_waiters(self->fd, 0, i + 1));
	}
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
		EXPECT_EQ(0, reap(pids[i])) TH_LOG("taker %d", i);
		EXPECT_TRUE(wait_for_value(self->fd, 1, (2 << i) - 1))
			TH_LOG("taker %d", i);
	}
}

TEST(revoking_sync_fails_reads_and_writes_and_polls_as_an_error)
{
	int fd = region_synced_for(NAME("r"), UID);
	int ready[2], go[2];
	pid_t pid;
	char c;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sem_post_on(fd, 0, 0, 2));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int h = open_synced_as(UID, NAME("r"));
		int sfd = sem_fd(h, 0, SHMDEV_SEM_FD_NONBLOCK);
		__u64 v;

		if (sfd < 0 || read_u64(sfd, &v) != 8)
			_exit(2);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		if (read_u64(sfd, &v) != -EACCES || write_u64(sfd, 1) != -EACCES)
			_exit(4);
		_exit(poll_now(sfd) == POLLERR ? 0 : 5);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, acl_set(fd, NULL, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(1, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("r")));
	close(fd);
}

TEST(a_sleeping_reader_that_loses_sync_wakes_with_eacces)
{
	int fd = region_synced_for(NAME("w"), UID);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int h = open_synced_as(UID, NAME("w"));
		__u64 v;

		_exit(read_u64(sem_fd(h, 0, 0), &v) == -EACCES ? 0 : 3);
	}
	ASSERT_TRUE(wait_for_waiters(fd, 0, 1));
	ASSERT_EQ(0, acl_set(fd, NULL, 0));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("w")));
	close(fd);
}

TEST(a_poller_learns_of_a_revocation)
{
	int fd = region_synced_for(NAME("p"), UID);
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pollfd p = { .events = POLLIN };

		p.fd = sem_fd(open_synced_as(UID, NAME("p")), 0, 0);
		if (p.fd < 0 || write(ready[1], "r", 1) != 1)
			_exit(2);
		/* No post comes: only the revocation can end this. */
		if (poll(&p, 1, 10000) != 1)
			_exit(3);
		_exit(p.revents == POLLERR ? 0 : 4);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	usleep(100000);
	ASSERT_EQ(0, acl_set(fd, NULL, 0));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, region_unlink(NAME("p")));
	close(fd);
}

TEST_F(semfd, unlink_fails_reads_and_writes_with_eidrm_and_polls_hang_up)
{
	pid_t pid = spawn_reader(self->sfd, -EIDRM);
	__u64 v;

	ASSERT_LE(0, pid);
	ASSERT_TRUE(wait_for_waiters(self->fd, 0, 1));
	ASSERT_EQ(0, region_unlink(NAME("s")));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(-EIDRM, read_u64(self->sfd, &v));
	EXPECT_EQ(-EIDRM, write_u64(self->sfd, 1));
	EXPECT_EQ(POLLERR | POLLHUP, poll_now(self->sfd));
}

TEST(sem_fd_keeps_its_region_alive)
{
	struct shmdev_create c = {
		.name = uptr(NAME("k")), .size = 4096, .mode = 0600,
		.nsems = 1, .flags = SHMDEV_CREATE_TRANSIENT,
	};
	int fd = control_ioctl(SHMDEV_IOC_CREATE, &c);
	struct shmdev_stat st;
	__u64 v;
	int sfd;

	ASSERT_LE(0, fd);
	sfd = sem_fd(fd, 0, 0);
	ASSERT_LE(0, sfd);
	close(fd);
	/* Only the semaphore fd holds the transient region now. */
	EXPECT_EQ(0, region_stat_name(NAME("k"), &st));
	EXPECT_EQ(8, write_u64(sfd, 1));
	EXPECT_EQ(8, read_u64(sfd, &v));
	close(sfd);
	EXPECT_EQ(-ENOENT, region_stat_name(NAME("k"), &st));
}

TEST_F(semfd, reads_leave_the_undone_mark_for_sem_wait)
{
	struct shmdev_sem_get g;
	__u64 v;
	int h = region_open(NAME("s"), SHMDEV_ACCESS_SYNC);
	pid_t pid;

	ASSERT_LE(0, h);
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 2));
	/* A holder dies with a unit taken with undo: the mark is set. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(sem_wait_on(h, 0, SHMDEV_SEM_UNDO, 0) < 0);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(8, read_u64(self->sfd, &v));
	ASSERT_EQ(0, sem_get_on(self->fd, 0, &g));
	EXPECT_EQ(SHMDEV_SEM_UNDONE, g.status);
	EXPECT_EQ(SHMDEV_SEM_UNDONE, sem_wait_on(self->fd, 0, 0, 0));
	close(h);
}

TEST_F(semfd, pollers_learn_when_a_full_semaphore_can_take_a_write)
{
	struct epoll_event ev = { .events = EPOLLOUT }, got;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	pid_t pid;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, sem_set_on(self->fd, 0, SHMDEV_SEM_VALUE_MAX));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->sfd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		usleep(100000);
		_exit(sem_wait_on(self->fd, 0, 0, 0) < 0);
	}
	EXPECT_EQ(1, epoll_wait(ep, &got, 1, 10000));
	EXPECT_EQ(EPOLLOUT, got.events);
	EXPECT_EQ(0, reap(pid));
	close(ep);
}

static void on_alarm(int sig)
{
}

TEST_F(semfd, a_signal_ends_a_blocking_read_with_eintr)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	__u64 v = SENTINEL_U64;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	EXPECT_EQ(-EINTR, read_u64(self->sfd, &v));
	EXPECT_EQ(SENTINEL_U64, v);
	EXPECT_EQ(0, sem_value(self->fd, 0));
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
	EXPECT_EQ(1, sem_value(self->fd, 0));
}

TEST_F(semfd, ioctl_on_a_sem_fd_is_enotty)
{
	struct shmdev_sem_get g = { .index = 0 };

	EXPECT_EQ(-1, ioctl(self->sfd, SHMDEV_IOC_SEM_GET, &g));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-ENOTTY, sem_fd(self->sfd, 0, 0));
}

/* /proc/PID/fd cannot make a second file of it, around SEM_FD's check. */
TEST_F(semfd, reopening_it_through_proc_is_enxio)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", self->sfd);
	EXPECT_EQ(-1, open(path, O_RDWR | O_CLOEXEC));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, open(path, O_RDONLY | O_CLOEXEC));
	EXPECT_EQ(ENXIO, errno);
}

TEST_F(semfd, fdinfo_names_the_region_and_the_semaphore)
{
	char path[64], buf[512] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", self->sfd);
	f = fopen(path, "re");
	ASSERT_NE(NULL, f);
	EXPECT_LT(0, fread(buf, 1, sizeof(buf) - 1, f));
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "shmdev-sem:\t0\n"));
	EXPECT_NE(NULL, strstr(buf, NAME("s")));
}

TEST_HARNESS_MAIN
