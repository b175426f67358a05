// SPDX-License-Identifier: GPL-2.0
/* The examples in userspace/examples, run as tests. */
#define _GNU_SOURCE
#include "kselftest_harness.h"
#include <libshmdev.h>
#include "shmdev_test.h"
#include "userspace_test.h"

TEST(ring_streams_with_matching_checksums)
{
	static struct run r;

	RUN(&r, "ring", NAME("ring"), "16");
	EXPECT_EQ(0, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_NE(NULL, strstr(r.out, "checksums match\n"));
	/* The consumer removed the region. */
	EXPECT_EQ(-ENOENT, shmdev_stat_name(NAME("ring"), &(struct shmdev_stat){}));
}

TEST(epoll_serves_a_socket_and_a_ring_from_one_loop)
{
	static struct run r;

	RUN(&r, "epoll", NAME("ep"), "500");
	EXPECT_EQ(0, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_NE(NULL, strstr(r.out, "ring: 500 messages, socket: 500 lines\n"));
	EXPECT_NE(NULL, strstr(r.out, "checksums match\n"));
	/* Transient: gone with the example. */
	EXPECT_EQ(-ENOENT, shmdev_stat_name(NAME("ep"), &(struct shmdev_stat){}));
}

TEST(ring_ends_run_as_separate_programs)
{
	struct run *p = mmap(NULL, sizeof(*p), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	static struct run c;
	char *sum_p, *sum_c;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	if (pid == 0) {
		RUN(p, "ring", "produce", NAME("r2"), "4");
		_exit(p->status);
	}
	/* The consumer needs the producer's region. */
	while (shmdev_stat_name(NAME("r2"), &(struct shmdev_stat){}) == -ENOENT)
		usleep(1000);
	RUN(&c, "ring", "consume", NAME("r2"), "4");
	EXPECT_EQ(0, c.status) TH_LOG("%s", c.err);
	EXPECT_EQ(0, reap(pid));
	sum_p = strstr(p->out, "checksum ");
	sum_c = strstr(c.out, "checksum ");
	ASSERT_NE(NULL, sum_p);
	ASSERT_NE(NULL, sum_c);
	EXPECT_STREQ(sum_p, sum_c);
	EXPECT_EQ(0, strncmp(c.out, "consumer: 4 MiB", 15));
	munmap(p, sizeof(*p));
}

TEST(lock_survives_kill_9)
{
	static struct run r;

	RUN(&r, "lock", NAME("lock"));
	EXPECT_EQ(0, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_NE(NULL, strstr(r.out, "the previous holder died in its critical section; repairing\n"));
	EXPECT_NE(NULL, strstr(r.out, "account consistent (debit 100, credit 100)\n"));
}

TEST(reader_is_let_in_read_only_by_an_acl_entry)
{
	static struct run r;
	struct shmdev_acl_entry e = { SHMDEV_ACL_USER, TEST_UID, SHMDEV_ACCESS_READ, 0 };
	struct shmdev_map m;
	int fd = shmdev_create(NAME("rd"), 4096, 0600, 0, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_map(fd, PROT_READ | PROT_WRITE, &m));
	memset(m.addr, 'x', 4096);
	ASSERT_EQ(0, shmdev_acl_set(fd, &e, 1));
	RUN_AS(&r, TEST_UID, "reader", NAME("rd"));
	EXPECT_EQ(0, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_NE(NULL, strstr(r.out, "read 4096 bytes, checksum "));
	EXPECT_NE(NULL, strstr(r.out, "write access refused: Permission denied\n"));
	shmdev_unmap(&m);
	EXPECT_EQ(0, shmdev_unlink(NAME("rd"), 0));
	close(fd);
}

TEST(reader_without_an_acl_entry_is_refused)
{
	static struct run r;
	int fd = shmdev_create(NAME("rn"), 4096, 0600, 0, 0);

	ASSERT_LE(0, fd);
	RUN_AS(&r, TEST_UID, "reader", NAME("rn"));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "Permission denied"));
	EXPECT_EQ(0, shmdev_unlink(NAME("rn"), 0));
	close(fd);
}

TEST_HARNESS_MAIN
