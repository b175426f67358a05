// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit callers: this program is built with -m32, with libshmdev's
 * sources built for it too, and runs in the Debian kernels' guests
 * through IA32 emulation, where every ioctl reaches the driver through
 * compat_ptr_ioctl. The ABI has fixed-width fields, explicit padding and
 * pointers carried as __u64, so each structure must have the 64-bit
 * layout and each call the 64-bit result. (Pointers are compared with
 * EXPECT_TRUE: the harness prints EXPECT_EQ's operands as 64-bit integers.)
 */

#define _GNU_SOURCE
#include <stddef.h>
#include <time.h>

#include "kselftest_harness.h"
#include <libshmdev.h>
#include "shmdev_test.h"

#define SIZE_AND(type, size) \
	_Static_assert(sizeof(struct type) == (size), #type " has the 64-bit size")

/* The sizes a 64-bit build of the same header gives. */
SIZE_AND(shmdev_version, 56);
SIZE_AND(shmdev_create, 64);
SIZE_AND(shmdev_open, 48);
SIZE_AND(shmdev_unlink, 32);
SIZE_AND(shmdev_stat, 408);
SIZE_AND(shmdev_list_entry, 296);
SIZE_AND(shmdev_list, 40);
SIZE_AND(shmdev_acl_entry, 16);
SIZE_AND(shmdev_acl, 32);
SIZE_AND(shmdev_perm, 32);
SIZE_AND(shmdev_sem_wait, 32);
SIZE_AND(shmdev_sem_post, 32);
SIZE_AND(shmdev_sem_get, 40);
SIZE_AND(shmdev_sem_set, 32);
SIZE_AND(shmdev_sem_fd, 24);
SIZE_AND(shmdev_sem_shared, 64);

TEST(this_is_a_32_bit_process_with_the_64_bit_field_offsets)
{
	EXPECT_EQ(4, sizeof(void *));
	EXPECT_EQ(8, offsetof(struct shmdev_version, features));
	EXPECT_EQ(8, offsetof(struct shmdev_create, size));
	EXPECT_EQ(32, offsetof(struct shmdev_create, reserved));
	EXPECT_EQ(16, offsetof(struct shmdev_open, owner));
	EXPECT_EQ(64, offsetof(struct shmdev_stat, create_time));
	EXPECT_EQ(112, offsetof(struct shmdev_stat, id));
	EXPECT_EQ(152, offsetof(struct shmdev_stat, name_out));
	EXPECT_EQ(40, offsetof(struct shmdev_list_entry, name));
	EXPECT_EQ(8, offsetof(struct shmdev_sem_wait, timeout));
}

TEST(version_answers_a_32_bit_caller)
{
	struct shmdev_version v;

	version_arg_init(&v);
	ASSERT_EQ(0, control_ioctl(SHMDEV_IOC_VERSION, &v));
	EXPECT_EQ(SHMDEV_API_VERSION, v.api_version);
	EXPECT_EQ(SHMDEV_NAME_MAX, v.name_max);
	EXPECT_EQ(SHMDEV_SEM_VALUE_MAX, v.sem_value_max);
}

TEST(create_then_stat_describes_the_region)
{
	const char *name = NAME("c");
	struct shmdev_stat st;
	int fd = region_new(name, 3 * 4096 + 1, 0640, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(3 * 4096 + 1, st.size);
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(getpid(), st.creator_pid);
	EXPECT_EQ(SHMDEV_ACCESS_ALL, st.access);
	EXPECT_LT(0, st.id);
	EXPECT_LT(1000000000ull * 1000000000ull, st.create_time);
	EXPECT_STREQ(name, st.name_out);
	EXPECT_EQ(0, st.reserved[2]);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(open_binds_the_rights_asked_for)
{
	const char *name = NAME("o");
	struct shmdev_stat st;
	int fd = region_new(name, 4096, 0600, 0), ro;

	ASSERT_LE(0, fd);
	ro = region_open(name, SHMDEV_ACCESS_READ);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, region_stat(ro, NULL, &st));
	EXPECT_EQ(SHMDEV_ACCESS_READ, st.access);
	EXPECT_TRUE(map(ro, 4096, PROT_READ | PROT_WRITE, 0) == MAP_FAILED);
	EXPECT_EQ(0, region_unlink(name));
	close(ro);
	close(fd);
}

TEST(list_finds_the_region_with_its_fields)
{
	const char *name = NAME("l");
	struct shmdev_list_entry buf[8];
	struct shmdev_list l = { 0 };
	int fd = region_new(name, 8192, 0604, 0), found = 0;

	ASSERT_LE(0, fd);
	for (;;) {
		memset(buf, SENTINEL_BYTE, sizeof(buf));
		l.entries = uptr(buf);
		l.count = 8;
		ASSERT_EQ(0, control_ioctl(SHMDEV_IOC_LIST, &l));
		if (!l.count)
			break;
		for (unsigned int i = 0; i < l.count; i++)
			if (!strcmp(buf[i].name, name)) {
				found++;
				EXPECT_EQ(8192, buf[i].size);
				EXPECT_EQ(0604, buf[i].mode);
				EXPECT_EQ(0, buf[i].pad);
			}
	}
	EXPECT_EQ(1, found);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(unlink_removes_the_name)
{
	const char *name = NAME("u");
	int fd = region_new(name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, region_unlink(name));
	EXPECT_EQ(-ENOENT, region_open(name, SHMDEV_ACCESS_READ));
	close(fd);
}

TEST(acl_set_then_get_round_trips)
{
	struct shmdev_acl_entry e[2] = {
		{ .tag = SHMDEV_ACL_USER, .id = 2001, .rights = RW },
		{ .tag = SHMDEV_ACL_GROUP, .id = 3001, .rights = 1 },
	};
	struct shmdev_acl_entry got[4];
	int fd = region_new(NAME("a"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, e, 2));
	ASSERT_EQ(2, acl_get(fd, got, 4));
	EXPECT_EQ(0, memcmp(e, got, sizeof(e)));
	EXPECT_EQ(0, region_unlink(NAME("a")));
	close(fd);
}

TEST(set_perm_changes_mode_and_owner)
{
	struct shmdev_stat st;
	int fd = region_new(NAME("p"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_MODE | SHMDEV_PERM_UID, 0640,
			      2001, 0));
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(2001, st.uid);
	EXPECT_EQ(0, region_unlink(NAME("p")));
	close(fd);
}

TEST(semaphores_post_wait_get_and_set)
{
	struct shmdev_sem_get g;
	int fd = sem_region(NAME("s"), 2);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, sem_post_on(fd, 1, 0, 3));
	EXPECT_EQ(0, sem_wait_on(fd, 1, SHMDEV_SEM_UNDO, SHMDEV_SEM_FOREVER));
	ASSERT_EQ(0, sem_get_on(fd, 1, &g));
	EXPECT_EQ(2, g.value);
	EXPECT_EQ(0, g.waiters);
	EXPECT_EQ(0, g.pad);
	EXPECT_EQ(0, sem_set_on(fd, 0, 7));
	EXPECT_EQ(7, sem_value(fd, 0));
	EXPECT_EQ(0, sem_wait_on(fd, 0, SHMDEV_SEM_TRY, 0));
	EXPECT_EQ(6, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(NAME("s")));
	close(fd);
}

TEST(a_semaphore_fd_reads_and_writes_64_bit_counts)
{
	int fd = sem_region(NAME("f"), 1);
	__u64 v = 0;
	int sfd;

	ASSERT_LE(0, fd);
	sfd = sem_fd(fd, 0, SHMDEV_SEM_FD_NONBLOCK);
	ASSERT_LE(0, sfd);
	v = 5;
	EXPECT_EQ(8, write(sfd, &v, sizeof(v)));
	EXPECT_EQ(8, read(sfd, &v, sizeof(v)));
	EXPECT_EQ(1, v);
	EXPECT_EQ(4, sem_value(fd, 0));
	close(sfd);
	EXPECT_EQ(0, region_unlink(NAME("f")));
	close(fd);
}

/* @clock in ns. */
static __u64 clock_ns(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return (__u64)t.tv_sec * 1000000000ull + t.tv_nsec;
}

TEST(a_deadline_is_read_as_all_64_bits)
{
	int fd = sem_region(NAME("t"), 1);
	__u64 now = clock_ns(CLOCK_REALTIME), t0, t1;

	ASSERT_LE(0, fd);
	/* A realtime deadline needs the high half of the field. */
	ASSERT_LT(1ull << 32, now);
	t0 = clock_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(-ETIMEDOUT, sem_wait_on(fd, 0, SHMDEV_SEM_REALTIME,
					  now + 200000000ull));
	t1 = clock_ns(CLOCK_MONOTONIC);
	EXPECT_LE(t0 + 150000000ull, t1);
	EXPECT_GT(t0 + 5000000000ull, t1);
	EXPECT_EQ(0, region_unlink(NAME("t")));
	close(fd);
}

TEST(a_mapping_in_a_32_bit_process_shares_the_pages)
{
	const char *name = NAME("m");
	int fd = region_new(name, 1 << 20, 0600, 0), fd2;
	char *p, *q;

	ASSERT_LE(0, fd);
	fd2 = region_open(name, SHMDEV_ACCESS_READ);
	ASSERT_LE(0, fd2);
	p = map(fd, 1 << 20, PROT_READ | PROT_WRITE, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	q = map(fd2, 1 << 20, PROT_READ, 0);
	ASSERT_TRUE(q != MAP_FAILED);
	strcpy(p + (1 << 20) - 64, "from 32 bits");
	EXPECT_STREQ("from 32 bits", q + (1 << 20) - 64);
	EXPECT_EQ(0, region_unlink(name));
	munmap(p, 1 << 20);
	munmap(q, 1 << 20);
	close(fd2);
	close(fd);
}

/* The area lies past 4 GiB: the 32-bit library maps it with mmap2. */
TEST(the_semaphore_area_is_shared_with_a_32_bit_process)
{
	int fd = shmdev_create(NAME("area"), 4096, 0600, 0, 2);
	struct shmdev_sems s;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_sems_map(&s, fd, 2));
	EXPECT_EQ(0, shmdev_sems_post(&s, 1, 3, 0));
	EXPECT_EQ(3, s.area[1].state);
	EXPECT_EQ(3, shmdev_sem_getvalue(fd, 1));
	EXPECT_EQ(0, shmdev_sems_wait(&s, 1, 0));
	EXPECT_EQ(2, shmdev_sem_getvalue(fd, 1));
	EXPECT_EQ(0, shmdev_sems_unmap(&s));
	EXPECT_EQ(0, shmdev_unlink(NAME("area"), 0));
	close(fd);
}

TEST(the_library_built_for_32_bits_creates_maps_and_lists)
{
	struct shmdev_list_iter *it;
	struct shmdev_list_entry e;
	struct shmdev_map m;
	int fd, seen = 0;

	fd = shmdev_create(NAME("lib"), 10000, 0600, 0, 1);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_map(fd, PROT_READ | PROT_WRITE, &m));
	EXPECT_EQ(10000, m.size);
	EXPECT_EQ(3 * 4096, m.length);
	((char *)m.addr)[9999] = 1;
	EXPECT_EQ(0, shmdev_sem_post(fd, 0, 1, 0));
	EXPECT_EQ(1, shmdev_sem_getvalue(fd, 0));
	ASSERT_EQ(0, shmdev_list_open(&it));
	while (shmdev_list_next(it, &e) > 0)
		seen += !strcmp(e.name, NAME("lib"));
	shmdev_list_close(it);
	EXPECT_EQ(1, seen);
	EXPECT_EQ(0, shmdev_unmap(&m));
	EXPECT_EQ(0, shmdev_unlink(NAME("lib"), 0));
	close(fd);
}

TEST_HARNESS_MAIN
