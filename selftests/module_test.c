// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: open handles pin the module; load and unload cycle
 * cleanly. The runner loads the module before this binary and expects it
 * loaded afterwards; $SHMDEV_KO names the module file.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
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

TEST(rmmod_is_refused_while_only_a_mapping_exists)
{
	int fd = region_new("modtest-mapped", 4096, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(-1, unload_module());
	EXPECT_EQ(EWOULDBLOCK, errno);
	p[0] = 1;	/* the module is still there to fault it in */
	ASSERT_EQ(0, munmap(p, 4096));
	EXPECT_EQ(0, region_unlink("modtest-mapped"));
}

TEST(rmmod_is_refused_while_only_a_region_fd_is_open)
{
	int fd = region_new("modtest-fd", 4096, 0600, SHMDEV_CREATE_TRANSIENT);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, unload_module());
	EXPECT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(0, close(fd));
}

TEST(rmmod_is_refused_while_only_a_semaphore_fd_is_open)
{
	struct shmdev_create c = {
		.name = uptr("modtest-semfd"), .size = 4096, .mode = 0600,
		.nsems = 1, .flags = SHMDEV_CREATE_TRANSIENT,
	};
	int fd = control_ioctl(SHMDEV_IOC_CREATE, &c);
	int sfd;

	ASSERT_LE(0, fd);
	sfd = sem_fd(fd, 0, 0);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(-1, unload_module());
	EXPECT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(0, close(sfd));
}

/* A mapping made by remap_file_pages() is the module's too. */
TEST(rmmod_is_refused_while_only_a_remapped_mapping_exists)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = region_new("modtest-remap", 2 * pg, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p + pg, "second page");
	ASSERT_EQ(0, remap_file_pages(p, pg, 0, 1, 0));
	ASSERT_EQ(0, munmap(p + pg, pg));
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(0, region_unlink("modtest-remap"));
	EXPECT_EQ(1, debug_stat("mappings"));
	EXPECT_EQ(-1, unload_module());
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_STREQ("second page", p);
	ASSERT_EQ(0, munmap(p, pg));
	EXPECT_EQ(0, debug_stat("mappings"));
}

TEST(rmmod_frees_persistent_regions)
{
	int kofd = open_ko();
	int fd = region_new("modtest-persist", 1 << 20, 0600,
			    SHMDEV_CREATE_POPULATE);

	ASSERT_LE(0, kofd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	ASSERT_LE(1, debug_stat("regions"));
	/* No handle or mapping: unload succeeds and takes the region along. */
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module(kofd));
	EXPECT_EQ(0, debug_stat("regions"));
	EXPECT_EQ(-ENOENT, region_open("modtest-persist", SHMDEV_ACCESS_READ));
	close(kofd);
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
		ASSERT_EQ(SHMDEV_API_VERSION, v.api_version);
		ASSERT_EQ(0, close(fd));
		ASSERT_EQ(0, debug_stat("handles"));
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
