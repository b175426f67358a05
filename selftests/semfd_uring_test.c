// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphore fds under io_uring (liburing): a poll request completes when
 * a post makes the semaphore readable, and a read request parked on an
 * empty semaphore completes with the unit a post brings. Only the Debian
 * kernels' lane runs it: the debug kernel is built without io_uring.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <poll.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

/* A ring, a region with one semaphore and a semaphore fd on it. */
FIXTURE(uring) {
	struct io_uring ring;
	int fd;
	int sfd;
};

FIXTURE_SETUP(uring)
{
	ASSERT_EQ(0, io_uring_queue_init(4, &self->ring, 0));
	self->fd = sem_region(NAME("u"), 1);
	ASSERT_LE(0, self->fd);
	self->sfd = sem_fd(self->fd, 0, 0);
	ASSERT_LE(0, self->sfd);
}

FIXTURE_TEARDOWN(uring)
{
	io_uring_queue_exit(&self->ring);
	close(self->sfd);
	region_unlink(NAME("u"));
	close(self->fd);
}

/* The next completion within 10 s: its result, or -ETIME without one. */
static int next_cqe(struct io_uring *ring, __u64 *user_data)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

	if (ret < 0)
		return ret;
	ret = cqe->res;
	*user_data = cqe->user_data;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

/* True if no completion is waiting. */
static bool none_ready(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;

	return io_uring_peek_cqe(ring, &cqe) == -EAGAIN;
}

TEST_F(uring, poll_request_completes_when_a_post_makes_it_readable)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&self->ring);
	__u64 data = 0;

	ASSERT_NE(NULL, sqe);
	io_uring_prep_poll_add(sqe, self->sfd, POLLIN);
	sqe->user_data = 7;
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	usleep(100000);
	EXPECT_TRUE(none_ready(&self->ring));
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
	EXPECT_EQ(POLLIN, next_cqe(&self->ring, &data) & POLLIN);
	EXPECT_EQ(7, data);
	/* A poll takes nothing. */
	EXPECT_EQ(1, sem_value(self->fd, 0));
}

TEST_F(uring, read_request_on_an_empty_semaphore_completes_with_a_post)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&self->ring);
	__u64 v = SENTINEL_U64, data = 0;

	ASSERT_NE(NULL, sqe);
	io_uring_prep_read(sqe, self->sfd, &v, sizeof(v), 0);
	sqe->user_data = 9;
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	usleep(100000);
	EXPECT_TRUE(none_ready(&self->ring));
	EXPECT_EQ(SENTINEL_U64, v);
	ASSERT_EQ(0, sem_post_on(self->fd, 0, 0, 1));
	EXPECT_EQ(8, next_cqe(&self->ring, &data));
	EXPECT_EQ(9, data);
	EXPECT_EQ(1, v);
	EXPECT_EQ(0, sem_value(self->fd, 0));
}

TEST_F(uring, write_request_posts)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&self->ring);
	__u64 v = 3, data = 0;

	ASSERT_NE(NULL, sqe);
	io_uring_prep_write(sqe, self->sfd, &v, sizeof(v), 0);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	EXPECT_EQ(8, next_cqe(&self->ring, &data));
	EXPECT_EQ(3, sem_value(self->fd, 0));
}

TEST_HARNESS_MAIN
