// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: open handles pin the module; load and unload cycle
 * cleanly. The runner loads the module before this binary and expects it
 * loaded afterwards; $SHMDEV_KO names the module file.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

static int load_module(int kofd)
{
	return syscall(SYS_finit_module, kofd, "", 0);
}

static int unload_module(void)
{
	return syscall(SYS_delete_module, "shmdev", O_NONBLOCK);
}

static int open_ko(void)
{
	const char *ko = getenv("SHMDEV_KO");

	return ko ? open(ko, O_RDONLY | O_CLOEXEC) : -1;
}

TEST(rmmod_is_refused_while_a_handle_is_open)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, unload_module());
	EXPECT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, access(SHMDEV_PATH, F_OK));
}

TEST(insmod_rmmod_50_cycles)
{
	struct shmdev_version v;
	int kofd = open_ko();

	ASSERT_LE(0, kofd);
	ASSERT_EQ(0, unload_module());
	EXPECT_EQ(-1, access(SHMDEV_PATH, F_OK));
	for (int i = 0; i < 50; i++) {
		int fd;

		ASSERT_EQ(0, load_module(kofd));
		fd = shmdev_open_dev();
		ASSERT_LE(0, fd);
		version_arg_init(&v);
		ASSERT_EQ(0, ioctl(fd, SHMDEV_IOC_VERSION, &v));
		ASSERT_EQ(1, v.api_version);
		ASSERT_EQ(0, close(fd));
		ASSERT_EQ(0, shmdev_stat("handles"));
		ASSERT_EQ(0, unload_module());
		ASSERT_EQ(-1, access(SHMDEV_PATH, F_OK));
	}
	ASSERT_EQ(0, load_module(kofd));
	close(kofd);
}

TEST(insmod_twice_is_eexist)
{
	int kofd = open_ko();

	ASSERT_LE(0, kofd);
	EXPECT_EQ(-1, load_module(kofd));
	EXPECT_EQ(EEXIST, errno);
	close(kofd);
}

TEST_HARNESS_MAIN
