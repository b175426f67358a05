// SPDX-License-Identifier: GPL-2.0
/*
 * Named regions: CREATE, OPEN, UNLINK, STAT, LIST, mmap, lifetime, limits.
 * Each test uses names of its own (prefixed with the test's name), so a
 * failure leaves nothing that another test trips over.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

TEST(region_structs_have_fixed_layout)
{
	/* Same on 32 and 64 bit: fixed-width fields, explicit padding. */
	EXPECT_EQ(64, sizeof(struct shmdev_create));
	EXPECT_EQ(32, __builtin_offsetof(struct shmdev_create, reserved));
	EXPECT_EQ(48, sizeof(struct shmdev_open));
	EXPECT_EQ(32, sizeof(struct shmdev_unlink));
	EXPECT_EQ(408, sizeof(struct shmdev_stat));
	EXPECT_EQ(64, __builtin_offsetof(struct shmdev_stat, create_time));
	EXPECT_EQ(152, __builtin_offsetof(struct shmdev_stat, name_out));
	EXPECT_EQ(40, sizeof(struct shmdev_list));
	EXPECT_EQ(296, sizeof(struct shmdev_list_entry));
	EXPECT_EQ(40, __builtin_offsetof(struct shmdev_list_entry, name));
	EXPECT_EQ(120, __builtin_offsetof(struct shmdev_stat, ipc_ns));
	EXPECT_EQ(16, __builtin_offsetof(struct shmdev_open, owner));
}

/* ---- names ----------------------------------------------------------- */

TEST(name_empty_is_einval)
{
	long handles = debug_stat("handles");
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, region_create(fd, "", 4096, 0600, 0));
	/* No region fd was made. */
	EXPECT_EQ(handles, debug_stat("handles"));
	close(fd);
}

TEST(name_of_one_byte_works)
{
	struct shmdev_stat st;
	int fd = region_new("Q", 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_STREQ("Q", st.name_out);
	EXPECT_EQ(0, region_unlink("Q"));
	close(fd);
}

TEST(name_of_255_bytes_works)
{
	char name[SHMDEV_NAME_MAX];
	struct shmdev_stat st;
	int fd;

	memset(name, 'a', 255);
	name[255] = 0;
	name[0] = 'L';
	fd = region_new(name, 4096, 0600, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_stat_name(name, &st));
	EXPECT_EQ(0, memcmp(name, st.name_out, 256));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(names_differing_in_one_byte_or_length_are_different_regions)
{
	char name[3][SHMDEV_NAME_MAX];
	struct shmdev_stat st[3];
	int fd[3], i;

	/* Two of 255 bytes that differ in the last one, and their prefix. */
	for (i = 0; i < 3; i++) {
		memset(name[i], 'n', 255);
		name[i][255] = 0;
	}
	name[1][254] = 'm';
	name[2][254] = 0;
	for (i = 0; i < 3; i++) {
		fd[i] = region_new(name[i], 4096 * (i + 1), 0600, 0);
		ASSERT_LE(0, fd[i]);
	}
	for (i = 0; i < 3; i++) {
		memset(&st[i], SENTINEL_BYTE, sizeof(st[i]));
		ASSERT_EQ(0, region_stat_name(name[i], &st[i]));
		EXPECT_EQ(4096 * (i + 1), st[i].size);
		EXPECT_STREQ(name[i], st[i].name_out);
	}
	EXPECT_NE(st[0].id, st[1].id);
	EXPECT_NE(st[0].id, st[2].id);
	EXPECT_NE(st[1].id, st[2].id);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, region_unlink(name[i]));
		EXPECT_EQ(-ENOENT, region_stat_name(name[i], &st[i]));
		close(fd[i]);
	}
}

TEST(name_of_256_bytes_is_enametoolong)
{
	char name[SHMDEV_NAME_MAX + 1];
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	memset(name, 'b', 256);
	name[256] = 0;
	EXPECT_EQ(-ENAMETOOLONG, region_create(fd, name, 4096, 0600, 0));
	name[255] = 0;
	EXPECT_EQ(-ENOENT, region_open_on(fd, name, RW));
	close(fd);
}

TEST(name_running_into_unmapped_memory_is_efault)
{
	long pg = page_size();
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + pg, pg, PROT_NONE));
	memset(p + pg - 8, 'c', 8);	/* no NUL before the hole */
	EXPECT_EQ(-EFAULT, region_create(fd, p + pg - 8, 4096, 0600, 0));
	EXPECT_EQ(-EFAULT, region_open_on(fd, p + pg - 8, RW));
	close(fd);
}

TEST(name_null_pointer_is_efault)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EFAULT, region_create(fd, NULL, 4096, 0600, 0));
	EXPECT_EQ(-EFAULT, region_unlink(NULL));
	close(fd);
}

TEST(name_with_slash_is_einval)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, region_create(fd, "a/b", 4096, 0600, 0));
	EXPECT_EQ(-EINVAL, region_create(fd, "/", 4096, 0600, 0));
	EXPECT_EQ(-EINVAL, region_open_on(fd, "a/b", RW));
	close(fd);
}

TEST(name_with_space_or_nonprintable_is_einval)
{
	static const char *const bad[] = {
		"a b", "tab\there", "nl\n", "del\x7f", "high\x80", "\x01",
	};
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, region_create(fd, bad[i], 4096, 0600, 0))
			TH_LOG("name %zu", i);
	}
	close(fd);
}

TEST(name_is_reusable_after_unlink)
{
	const char *name = NAME("x");
	struct shmdev_stat a, b;
	int fd1, fd2;

	fd1 = region_new(name, 4096, 0600, 0);
	ASSERT_LE(0, fd1);
	ASSERT_EQ(0, region_stat(fd1, NULL, &a));
	ASSERT_EQ(0, region_unlink(name));
	fd2 = region_new(name, 8192, 0600, 0);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, region_stat(fd2, NULL, &b));
	EXPECT_NE(a.id, b.id);
	EXPECT_EQ(8192, b.size);
	/* The old handle still sees its own, unlinked region. */
	ASSERT_EQ(0, region_stat(fd1, NULL, &a));
	EXPECT_EQ(4096, a.size);
	EXPECT_TRUE(a.state & SHMDEV_STATE_UNLINKED);
	EXPECT_EQ(0, region_unlink(name));
	close(fd1);
	close(fd2);
}

/*
 * Walk LIST @batch entries at a time, keeping the first @max in @out; the
 * number of entries seen, or -errno.
 */
static int list_all(struct shmdev_list_entry *out, int max, unsigned int batch)
{
	struct shmdev_list_entry buf[8];
	struct shmdev_list l = { 0 };
	int fd = shmdev_open_dev(), n = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		l.entries = uptr(buf);
		l.count = batch;
		if (ioctl(fd, SHMDEV_IOC_LIST, &l)) {
			n = -errno;
			break;
		}
		if (!l.count)
			break;
		for (unsigned int i = 0; i < l.count; i++, n++)
			if (n < max)
				out[n] = buf[i];
	}
	close(fd);
	return n;
}

/* ---- sizes and limits -------------------------------------------------- */

TEST(size_zero_is_einval)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, region_create(fd, NAME("z"), 0, 0600, 0));
	EXPECT_EQ(-ENOENT, region_unlink(NAME("z")));
	close(fd);
}

TEST(size_of_one_byte_maps_one_page)
{
	long pg = page_size();
	int fd = region_new(NAME("one"), 1, 0600, 0);
	struct shmdev_stat st;
	char *p;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(1, st.size);
	p = map(fd, pg, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[pg - 1] = 1;
	munmap(p, pg);
	EXPECT_EQ(MAP_FAILED, map(fd, 2 * pg, PROT_READ, 0));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(0, region_unlink(NAME("one")));
	close(fd);
}

TEST(size_page_unaligned_is_kept_exact)
{
	int fd = region_new(NAME("odd"), 12345, 0600, 0);
	struct shmdev_stat st;
	char *p;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(12345, st.size);
	p = map(fd, 16384, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[12344] = 7;
	EXPECT_EQ(7, p[12344]);
	munmap(p, 16384);
	EXPECT_EQ(0, region_unlink(NAME("odd")));
	close(fd);
}

TEST(size_near_2_pow_64_is_einval)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, region_create(fd, NAME("h"), -4096ull, 0600, 0));
	EXPECT_EQ(-EINVAL, region_create(fd, NAME("h"), -1ull, 0600, 0));
	EXPECT_EQ(-EINVAL, region_create(fd, NAME("h"), 1ull << 63, 0600, 0));
	EXPECT_EQ(-ENOENT, region_unlink(NAME("h")));
	close(fd);
}

static const char *const limit_params[] = {
	"max_regions", "max_region_bytes", "max_total_bytes",
	"max_user_regions", "max_user_bytes", "max_ns_regions", "max_ns_bytes",
};

#define NLIMITS	(sizeof(limit_params) / sizeof(limit_params[0]))

FIXTURE(limits) {
	long saved[NLIMITS];
};

FIXTURE_SETUP(limits)
{
	for (int i = 0; i < NLIMITS; i++) {
		self->saved[i] = shmdev_param(limit_params[i]);
		ASSERT_LE(0, self->saved[i]);
	}
}

FIXTURE_TEARDOWN(limits)
{
	for (int i = 0; i < NLIMITS; i++)
		shmdev_param_set(limit_params[i], self->saved[i]);
}

TEST_F(limits, parameters_have_documented_defaults)
{
	EXPECT_EQ(65536, self->saved[0]);
	EXPECT_EQ(16L << 30, self->saved[1]);
	EXPECT_EQ(64L << 30, self->saved[2]);
	EXPECT_EQ(4096, self->saved[3]);
	EXPECT_EQ(4L << 30, self->saved[4]);
	EXPECT_EQ(16384, self->saved[5]);
	EXPECT_EQ(16L << 30, self->saved[6]);
}

/*
 * With the default limits, four users who each take all they may leave
 * room for a fifth user and for root: regions are charged at CREATE, so
 * this costs no memory.
 */
TEST_F(limits, four_users_at_their_limit_leave_room_for_others)
{
	int status, fd;
	pid_t pid;

	for (int u = 0; u < 5; u++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			char name[64];
			int a, b;

			if (setresuid(5000 + u, 5000 + u, 5000 + u))
				_exit(10);
			snprintf(name, sizeof(name), "limits-four-%d", u);
			a = region_new(name, 4UL << 30, 0600, 0);
			strcat(name, "-more");
			b = region_new(name, 4096, 0600, 0);
			_exit(a < 0 ? 11 : b != -EDQUOT ? 12 : 0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	fd = region_new(NAME("root"), 4UL << 30, 0600, SHMDEV_CREATE_TRANSIENT);
	EXPECT_LE(0, fd);
	close(fd);
	for (int u = 0; u < 5; u++) {
		char name[64];

		snprintf(name, sizeof(name), "limits-four-%d", u);
		EXPECT_EQ(0, region_unlink(name));
	}
}

TEST_F(limits, size_above_max_region_bytes_is_einval)
{
	int fd = shmdev_open_dev(), r;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_param_set("max_region_bytes", 1 << 20));
	EXPECT_EQ(-EINVAL, region_create(fd, NAME("big"), (1 << 20) + 1,
					 0600, 0));
	r = region_create(fd, NAME("big"), 1 << 20, 0600, 0);
	EXPECT_LE(0, r);
	EXPECT_EQ(0, region_unlink(NAME("big")));
	close(r);
	close(fd);
}

TEST_F(limits, total_bytes_limit_is_enospc)
{
	long before = debug_stat("regions");
	int fd1, fd2;

	ASSERT_EQ(0, shmdev_param_set("max_total_bytes", 3 << 20));
	/* Other tests' regions may count too: start from what is left. */
	fd1 = region_new(NAME("a"), 1 << 20, 0600, SHMDEV_CREATE_TRANSIENT);
	ASSERT_LE(0, fd1);
	fd2 = region_new(NAME("b"), 4 << 20, 0600, SHMDEV_CREATE_TRANSIENT);
	EXPECT_EQ(-ENOSPC, fd2);
	EXPECT_EQ(-ENOENT, region_unlink(NAME("b")));
	close(fd1);
	EXPECT_EQ(before, debug_stat("regions"));
}

TEST_F(limits, region_count_limit_is_enospc)
{
	long before = debug_stat("regions");
	int fd1, fd2;

	ASSERT_LE(0, before);
	ASSERT_EQ(0, shmdev_param_set("max_regions", before + 1));
	fd1 = region_new(NAME("a"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	ASSERT_LE(0, fd1);
	fd2 = region_new(NAME("b"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	EXPECT_EQ(-ENOSPC, fd2);
	close(fd1);
	EXPECT_EQ(before, debug_stat("regions"));
}

TEST_F(limits, per_user_region_limit_is_edquot)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, shmdev_param_set("max_user_regions", 2));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int a, b, c;

		if (setresuid(4243, 4243, 4243))
			_exit(10);
		a = region_new("limits-count-a", 4096, 0600,
			       SHMDEV_CREATE_TRANSIENT);
		b = region_new("limits-count-b", 4096, 0600,
			       SHMDEV_CREATE_TRANSIENT);
		c = region_new("limits-count-c", 4096, 0600,
			       SHMDEV_CREATE_TRANSIENT);
		_exit(a < 0 || b < 0 ? 11 : c != -EDQUOT ? 12 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(limits, root_has_no_per_user_limit)
{
	ASSERT_EQ(0, shmdev_param_set("max_user_regions", 1));
	ASSERT_EQ(0, shmdev_param_set("max_user_bytes", 4096));
	EXPECT_EQ(2, two_transient(NAME("a"), NAME("b")));
}

TEST_F(limits, per_user_byte_limit_is_edquot_for_that_user_only)
{
	int fd, status;
	pid_t pid;

	ASSERT_EQ(0, shmdev_param_set("max_user_bytes", 1 << 20));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int a, b;

		if (setresuid(4242, 4242, 4242))
			_exit(10);
		a = region_new("limits-user-a", 1 << 20, 0600,
			       SHMDEV_CREATE_TRANSIENT);
		b = region_new("limits-user-b", 4096, 0600,
			       SHMDEV_CREATE_TRANSIENT);
		_exit(a < 0 ? 11 : b != -EDQUOT ? 12 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Another user (root here) is not charged for uid 4242's regions. */
	fd = region_new(NAME("root"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	EXPECT_LE(0, fd);
	close(fd);
}

/* ---- flags, reserved fields ------------------------------------------- */

TEST(create_unknown_flags_are_einval)
{
	long before = debug_stat("regions");
	struct shmdev_create c = { .name = uptr(NAME("f")), .size = 4096 };
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	for (int bit = 0; bit < 32; bit++) {
		c.flags = 1u << bit;
		if (c.flags & SHMDEV_CREATE_FLAGS_VALID)
			continue;
		EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_CREATE, &c));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(before, debug_stat("regions"));
	EXPECT_EQ(-ENOENT, region_unlink(NAME("f")));
	close(fd);
}

TEST(create_nonzero_pad_or_reserved_is_einval)
{
	struct shmdev_create c = { .name = uptr(NAME("r")), .size = 4096 };
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	c.pad = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c.pad = 0;
	for (int i = 0; i < 4; i++) {
		c.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_CREATE, &c));
		EXPECT_EQ(EINVAL, errno);
		c.reserved[i] = 0;
	}
	EXPECT_EQ(-ENOENT, region_unlink(NAME("r")));
	close(fd);
}

TEST(create_mode_outside_0777_is_einval)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, region_create(fd, NAME("m"), 4096, 01777, 0));
	EXPECT_EQ(-EINVAL, region_create(fd, NAME("m"), 4096, 04600, 0));
	close(fd);
}

TEST(create_too_many_semaphores_is_einval)
{
	struct shmdev_create c = { .name = uptr(NAME("s")), .size = 4096,
				   .mode = 0600 };
	struct shmdev_stat st;
	int fd = shmdev_open_dev(), r;

	ASSERT_LE(0, fd);
	c.nsems = SHMDEV_SEMS_MAX + 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c.nsems = SHMDEV_SEMS_MAX;
	r = ioctl(fd, SHMDEV_IOC_CREATE, &c);
	ASSERT_LE(0, r);
	ASSERT_EQ(0, region_stat(r, NULL, &st));
	EXPECT_EQ(SHMDEV_SEMS_MAX, st.nsems);
	EXPECT_EQ(0, region_unlink(NAME("s")));
	close(r);
	close(fd);
}

TEST(open_bad_access_flags_or_reserved_is_einval)
{
	const char *name = NAME("o");
	struct shmdev_open o = { .name = uptr(name), .access = RW };
	int fd1 = region_new(name, 4096, 0600, 0);
	long handles = debug_stat("handles");
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd1);
	ASSERT_LE(0, fd);
	o.access = 0;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_OPEN, &o));
	EXPECT_EQ(EINVAL, errno);
	o.access = SHMDEV_ACCESS_READ | 0x10;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_OPEN, &o));
	EXPECT_EQ(EINVAL, errno);
	o.access = RW;
	o.flags = ~SHMDEV_OPEN_FLAGS_VALID;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_OPEN, &o));
	EXPECT_EQ(EINVAL, errno);
	o.flags = 0;
	o.reserved[2] = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_OPEN, &o));
	EXPECT_EQ(EINVAL, errno);
	/* None of that made a region fd. */
	EXPECT_EQ(handles, debug_stat("handles"));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
	close(fd1);
}

TEST(unlink_stat_list_bad_flags_are_einval)
{
	struct shmdev_unlink u = { .name = uptr(NAME("u")), .flags = ~SHMDEV_UNLINK_FLAGS_VALID };
	struct shmdev_list_entry e;
	struct shmdev_list l = { .entries = uptr(&e), .count = 1 };
	struct shmdev_stat st;
	int r = region_new(NAME("u"), 4096, 0600, 0);
	int fd = shmdev_open_dev();

	ASSERT_LE(0, r);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_UNLINK, &u));
	EXPECT_EQ(EINVAL, errno);
	u.flags = 0;
	u.pad = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_UNLINK, &u));
	EXPECT_EQ(EINVAL, errno);
	memset(&st, 0, sizeof(st));
	st.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_STAT, &st));
	EXPECT_EQ(EINVAL, errno);
	l.flags = ~SHMDEV_LIST_FLAGS_VALID;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	l.flags = 0;
	l.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	l.reserved[1] = 0;
	l.count = 0;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	/* The same flags are refused on the region fd. */
	u.flags = ~SHMDEV_UNLINK_FLAGS_VALID;
	u.pad = 0;
	u.name = 0;
	EXPECT_EQ(-1, ioctl(r, SHMDEV_IOC_UNLINK, &u));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(r, SHMDEV_IOC_STAT, &st));
	EXPECT_EQ(EINVAL, errno);
	/* The region survived every rejected UNLINK. */
	EXPECT_EQ(0, region_unlink(NAME("u")));
	close(fd);
	close(r);
}

/* ---- EEXIST, ENOENT, region fds ----------------------------------------- */

TEST(create_existing_name_is_eexist)
{
	int fd1 = region_new(NAME("e"), 4096, 0600, 0);
	struct shmdev_stat st;

	ASSERT_LE(0, fd1);
	EXPECT_EQ(-EEXIST, region_new(NAME("e"), 8192, 0600, 0));
	ASSERT_EQ(0, region_stat_name(NAME("e"), &st));
	EXPECT_EQ(4096, st.size);
	EXPECT_EQ(0, region_unlink(NAME("e")));
	close(fd1);
}

TEST(open_or_unlink_missing_name_is_enoent)
{
	EXPECT_EQ(-ENOENT, region_open(NAME("none"), RW));
	EXPECT_EQ(-ENOENT, region_unlink(NAME("none")));
	EXPECT_EQ(-ENOENT, region_stat_name(NAME("none"),
					    &(struct shmdev_stat){}));
}

TEST(each_create_and_open_returns_a_new_region_fd)
{
	int ctl = shmdev_open_dev();
	struct shmdev_stat st;
	int a, b, c;

	ASSERT_LE(0, ctl);
	a = region_create(ctl, NAME("a"), 4096, 0600, 0);
	b = region_create(ctl, NAME("b"), 8192, 0600, 0);
	c = region_open_on(ctl, NAME("a"), SHMDEV_ACCESS_READ);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);
	EXPECT_NE(ctl, a);
	EXPECT_NE(a, b);
	EXPECT_NE(a, c);
	ASSERT_EQ(0, region_stat(a, NULL, &st));
	EXPECT_STREQ(NAME("a"), st.name_out);
	EXPECT_EQ(SHMDEV_ACCESS_ALL, st.access);
	ASSERT_EQ(0, region_stat(b, NULL, &st));
	EXPECT_STREQ(NAME("b"), st.name_out);
	ASSERT_EQ(0, region_stat(c, NULL, &st));
	EXPECT_STREQ(NAME("a"), st.name_out);
	EXPECT_EQ(SHMDEV_ACCESS_READ, st.access);
	EXPECT_EQ(2, st.handles);
	EXPECT_EQ(0, region_unlink(NAME("a")));
	EXPECT_EQ(0, region_unlink(NAME("b")));
	close(a);
	close(b);
	close(c);
	close(ctl);
}

TEST(region_fds_are_close_on_exec_unless_asked)
{
	struct shmdev_create c = { .name = uptr(NAME("c")), .size = 4096,
				   .mode = 0600 };
	struct shmdev_open o = { .name = uptr(NAME("c")),
				 .access = SHMDEV_ACCESS_READ };
	int ctl = shmdev_open_dev();
	struct shmdev_stat st;
	int fds[4];

	ASSERT_LE(0, ctl);
	fds[0] = ioctl(ctl, SHMDEV_IOC_CREATE, &c);
	fds[1] = ioctl(ctl, SHMDEV_IOC_OPEN, &o);
	o.flags = SHMDEV_OPEN_NOCLOEXEC;
	fds[2] = ioctl(ctl, SHMDEV_IOC_OPEN, &o);
	EXPECT_EQ(0, region_unlink(NAME("c")));
	c.flags = SHMDEV_CREATE_NOCLOEXEC | SHMDEV_CREATE_TRANSIENT;
	fds[3] = ioctl(ctl, SHMDEV_IOC_CREATE, &c);
	for (int i = 0; i < 4; i++) {
		ASSERT_LE(0, fds[i]) TH_LOG("fd %d", i);
	}
	EXPECT_EQ(FD_CLOEXEC, fcntl(fds[0], F_GETFD));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fds[1], F_GETFD));
	EXPECT_EQ(0, fcntl(fds[2], F_GETFD));
	EXPECT_EQ(0, fcntl(fds[3], F_GETFD));
	/* NOCLOEXEC is not a state of the region. */
	ASSERT_EQ(0, region_stat(fds[3], NULL, &st));
	EXPECT_EQ(SHMDEV_STATE_TRANSIENT, st.state);
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	close(ctl);
}

TEST(stat_and_unlink_on_the_control_device_need_a_name)
{
	struct shmdev_unlink u = { .name = 0 };
	struct shmdev_stat st;
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EFAULT, region_stat(fd, NULL, &st));
	EXPECT_EQ(SENTINEL_U64, st.size);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_UNLINK, &u));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(stat_and_unlink_on_a_region_fd_take_no_name)
{
	struct shmdev_unlink u = { .name = uptr(NAME("n")) };
	int fd = region_new(NAME("n"), 4096, 0600, 0);
	struct shmdev_stat st;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, region_stat(fd, NAME("n"), &st));
	EXPECT_EQ(SENTINEL_U64, st.size);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_UNLINK, &u));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, region_stat_name(NAME("n"), &st));
	EXPECT_EQ(0, region_unlink(NAME("n")));
	close(fd);
}

TEST(unlink_through_the_region_fd_removes_its_name)
{
	int fd = region_new(NAME("u"), 4096, 0600, 0);
	struct shmdev_stat st;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, region_unlink_fd(fd, 0));
	EXPECT_EQ(-ENOENT, region_open(NAME("u"), RW));
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_TRUE(st.state & SHMDEV_STATE_UNLINKED);
	/* The name is gone: a second UNLINK finds nothing. */
	EXPECT_EQ(-ENOENT, region_unlink_fd(fd, 0));
	close(fd);
}

TEST(unlink_through_a_region_fd_of_a_reused_name_leaves_the_new_region)
{
	int old = region_new(NAME("r"), 4096, 0600, 0), fresh;
	struct shmdev_stat st;

	ASSERT_LE(0, old);
	ASSERT_EQ(0, region_unlink(NAME("r")));
	fresh = region_new(NAME("r"), 8192, 0600, 0);
	ASSERT_LE(0, fresh);
	EXPECT_EQ(-ENOENT, region_unlink_fd(old, 0));
	ASSERT_EQ(0, region_stat_name(NAME("r"), &st));
	EXPECT_EQ(8192, st.size);
	EXPECT_EQ(0, region_unlink_fd(fresh, 0));
	close(old);
	close(fresh);
}

TEST(unlink_through_a_region_fd_needs_admin_in_it)
{
	int fd = region_new(NAME("a"), 4096, 0600, 0);
	int ro = region_open(NAME("a"), RW);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, region_unlink_fd(ro, 0));
	EXPECT_EQ(0, region_stat_name(NAME("a"), &(struct shmdev_stat){}));
	EXPECT_EQ(0, region_unlink_fd(fd, 0));
	close(ro);
	close(fd);
}

/* ---- sharing and lifetime ------------------------------------------------ */

TEST(second_open_shares_the_pages)
{
	int a = region_new(NAME("s"), 8192, 0600, 0);
	int b = region_open(NAME("s"), RW);
	char *pa, *pb;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	pa = map(a, 8192, PROT_READ | PROT_WRITE, 0);
	pb = map(b, 8192, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, pa);
	ASSERT_NE(MAP_FAILED, pb);
	EXPECT_EQ(0, pa[100]);	/* fresh pages are zeroed */
	strcpy(pa + 4096, "through the region");
	EXPECT_STREQ("through the region", pb + 4096);
	munmap(pa, 8192);
	munmap(pb, 8192);
	EXPECT_EQ(0, region_unlink(NAME("s")));
	close(a);
	close(b);
}

TEST(fork_shares_the_pages)
{
	int fd = region_new(NAME("f"), 4096, 0600, 0);
	volatile int *p;
	int status;
	pid_t pid;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		p[1] = 0x5eed;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0x5eed, p[1]);
	munmap((void *)p, 4096);
	EXPECT_EQ(0, region_unlink(NAME("f")));
	close(fd);
}

TEST(fd_passed_over_scm_rights_shares_the_pages)
{
	int sv[2], status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The child never opened the region by name. */
		int fd = recv_fd(sv[1]);
		char *p;

		if (fd < 0)
			_exit(10);
		p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
		if (p == MAP_FAILED)
			_exit(11);
		strcpy(p, "passed");
		_exit(0);
	}
	{
		int fd = region_new(NAME("p"), 4096, 0600, 0);
		char *p;

		ASSERT_LE(0, fd);
		p = map(fd, 4096, PROT_READ, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, send_fd(sv[0], fd));
		close(fd);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
		EXPECT_STREQ("passed", p);
		munmap(p, 4096);
	}
	EXPECT_EQ(0, region_unlink(NAME("p")));
}

TEST(persistent_region_outlives_its_handles)
{
	const char *name = NAME("keep");
	int fd = region_new(name, 4096, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p, "still here");
	munmap(p, 4096);
	close(fd);

	fd = region_open(name, SHMDEV_ACCESS_READ);
	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_STREQ("still here", p);
	munmap(p, 4096);
	close(fd);
	EXPECT_EQ(0, region_unlink(name));
}

TEST(transient_region_goes_with_its_last_handle)
{
	long before = debug_stat("regions");
	const char *name = NAME("t");
	int fd = region_new(name, 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	int fd2;

	ASSERT_LE(0, fd);
	fd2 = region_open(name, RW);
	ASSERT_LE(0, fd2);
	close(fd);
	EXPECT_EQ(before + 1, debug_stat("regions"));
	close(fd2);
	EXPECT_EQ(before, debug_stat("regions"));
	EXPECT_EQ(-ENOENT, region_open(name, RW));
}

TEST(transient_region_lives_while_mapped)
{
	long before = debug_stat("regions");
	const char *name = NAME("t");
	int fd = region_new(name, 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(fd);
	strcpy(p, "mapped");
	EXPECT_EQ(before + 1, debug_stat("regions"));
	fd = region_open(name, SHMDEV_ACCESS_READ);
	ASSERT_LE(0, fd);
	close(fd);
	munmap(p, 4096);
	EXPECT_EQ(before, debug_stat("regions"));
	EXPECT_EQ(-ENOENT, region_open(name, RW));
}

TEST(unlink_while_mapped_keeps_mapping_and_frees_on_last_unmap)
{
	long regions = debug_stat("regions");
	long maps = debug_stat("mappings");
	const char *name = NAME("u");
	int fd = region_new(name, 4096, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(fd);
	ASSERT_EQ(0, region_unlink(name));
	EXPECT_EQ(-ENOENT, region_open(name, RW));
	strcpy(p, "after unlink");
	EXPECT_STREQ("after unlink", p);
	EXPECT_EQ(regions + 1, debug_stat("regions"));
	EXPECT_EQ(maps + 1, debug_stat("mappings"));
	munmap(p, 4096);
	EXPECT_EQ(regions, debug_stat("regions"));
	EXPECT_EQ(maps, debug_stat("mappings"));
}

/* ---- mmap ------------------------------------------------------------- */

TEST(mapping_beyond_the_end_is_enxio)
{
	long pg = page_size();
	int fd = region_new(NAME("b"), 2 * pg, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, map(fd, 3 * pg, PROT_READ, 0));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(MAP_FAILED, map(fd, pg, PROT_READ, 2 * pg));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(MAP_FAILED, map(fd, 2 * pg, PROT_READ, pg));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_NE(MAP_FAILED, map(fd, pg, PROT_READ, pg));
	EXPECT_EQ(0, region_unlink(NAME("b")));
	close(fd);
}

TEST(map_private_is_einval)
{
	int fd = region_new(NAME("p"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, region_unlink(NAME("p")));
	close(fd);
}

TEST(writable_map_without_write_access_is_eacces)
{
	int owner = region_new(NAME("w"), 4096, 0600, 0);
	int fd = region_open(NAME("w"), SHMDEV_ACCESS_READ);
	char *p;

	ASSERT_LE(0, owner);
	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, map(fd, 4096, PROT_READ | PROT_WRITE, 0));
	EXPECT_EQ(EACCES, errno);
	p = map(fd, 4096, PROT_READ, 0);
	EXPECT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, region_unlink(NAME("w")));
	close(fd);
	close(owner);
}

TEST(mprotect_cannot_upgrade_a_read_only_map)
{
	int owner = region_new(NAME("m"), 4096, 0600, 0);
	int fd = region_open(NAME("m"), SHMDEV_ACCESS_READ);
	char *p;

	ASSERT_LE(0, owner);
	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, 4096, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, region_unlink(NAME("m")));
	close(fd);
	close(owner);
}

TEST(mprotect_may_upgrade_with_write_access)
{
	int fd = region_new(NAME("m"), 4096, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, mprotect(p, 4096, PROT_READ | PROT_WRITE));
	p[0] = 1;
	EXPECT_EQ(0, region_unlink(NAME("m")));
	close(fd);
}

static long region_mappings(int fd)
{
	struct shmdev_stat st;

	return region_stat(fd, NULL, &st) ? -1 : (long)st.mappings;
}

TEST(partial_munmap_counts_each_piece)
{
	long pg = page_size();
	int fd = region_new(NAME("pm"), 4 * pg, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4 * pg, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(1, region_mappings(fd));
	ASSERT_EQ(0, munmap(p + pg, pg));	/* split in two */
	EXPECT_EQ(2, region_mappings(fd));
	p[0] = 1;
	p[3 * pg] = 2;
	ASSERT_EQ(0, munmap(p, pg));
	EXPECT_EQ(1, region_mappings(fd));
	ASSERT_EQ(0, munmap(p + 2 * pg, 2 * pg));
	EXPECT_EQ(0, region_mappings(fd));
	EXPECT_EQ(0, region_unlink(NAME("pm")));
	close(fd);
}

TEST(mremap_keeps_the_count_and_the_data)
{
	long pg = page_size();
	int fd = region_new(NAME("mr"), 4 * pg, 0600, 0);
	char *p, *q;

	ASSERT_LE(0, fd);
	p = map(fd, 2 * pg, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p + pg, "moved");
	q = mremap(p, 2 * pg, 4 * pg, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_STREQ("moved", q + pg);
	q[4 * pg - 1] = 9;	/* grown into the region's last page */
	EXPECT_EQ(1, region_mappings(fd));
	ASSERT_EQ(0, munmap(q, 4 * pg));
	EXPECT_EQ(0, region_mappings(fd));
	EXPECT_EQ(0, region_unlink(NAME("mr")));
	close(fd);
}

TEST(fork_and_exit_keep_the_count)
{
	int fd = region_new(NAME("fc"), 4096, 0600, 0);
	int pipefd[2], status;
	char *p;
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(pipefd));
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char c;

		close(pipefd[1]);
		read(pipefd[0], &c, 1);	/* hold the mapping until told */
		_exit(0);
	}
	close(pipefd[0]);
	EXPECT_EQ(2, region_mappings(fd));
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(1, region_mappings(fd));
	munmap(p, 4096);
	EXPECT_EQ(0, region_mappings(fd));
	EXPECT_EQ(0, region_unlink(NAME("fc")));
	close(fd);
}

TEST(read_and_write_syscalls_use_the_mapping)
{
	int fd = region_new(NAME("rw"), 4096, 0600, 0);
	char *p, buf[8] = "";
	int pipefd[2];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(pipefd));
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* into the mapping from a file descriptor ... */
	ASSERT_EQ(5, write(pipefd[1], "hello", 5));
	ASSERT_EQ(5, read(pipefd[0], p + 10, 5));
	EXPECT_EQ(0, memcmp(p + 10, "hello", 5));
	/* ... and out of it */
	ASSERT_EQ(5, write(pipefd[1], p + 10, 5));
	ASSERT_EQ(5, read(pipefd[0], buf, 5));
	EXPECT_STREQ("hello", buf);
	EXPECT_EQ(0, region_unlink(NAME("rw")));
	close(fd);
}

TEST(process_vm_readv_reads_the_mapping)
{
	int fd = region_new(NAME("pv"), 4096, 0600, 0);
	int pipefd[2], status;
	char *p, buf[16] = "";
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(pipefd));
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p, "remote read");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char c;

		close(pipefd[1]);
		read(pipefd[0], &c, 1);	/* hold the mapping until told */
		_exit(0);
	}
	close(pipefd[0]);
	{
		struct iovec local = { buf, 11 }, remote = { p, 11 };

		/* The child's copy of the mapping, read from outside. */
		EXPECT_EQ(11, process_vm_readv(pid, &local, 1, &remote, 1, 0));
		EXPECT_STREQ("remote read", buf);
	}
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, region_unlink(NAME("pv")));
	close(fd);
}

TEST(process_shared_mutex_works_across_processes)
{
	int fd = region_new(NAME("mx"), 4096, 0600, 0);
	struct { pthread_mutex_t m; long counter; } *s;
	pthread_mutexattr_t attr;
	int status;
	pid_t pid;

	ASSERT_LE(0, fd);
	s = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, s);
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	ASSERT_EQ(0, pthread_mutex_init(&s->m, &attr));
	pid = fork();
	ASSERT_LE(0, pid);
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&s->m);
		s->counter++;
		pthread_mutex_unlock(&s->m);
	}
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(40000, s->counter);
	EXPECT_EQ(0, region_unlink(NAME("mx")));
	close(fd);
}

TEST(shared_futex_wakes_another_process)
{
	int fd = region_new(NAME("fx"), 4096, 0600, 0);
	volatile uint32_t *word;
	int status;
	pid_t pid;

	ASSERT_LE(0, fd);
	word = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, word);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* A shared (not private) futex keys on the region's page. */
		while (*word == 0)
			syscall(SYS_futex, word, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(*word == 1 ? 0 : 1);
	}
	usleep(100000);
	*word = 1;
	/* Wake until the child has gone, so an early wake cannot be lost. */
	while (waitpid(pid, &status, WNOHANG) == 0)
		syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, region_unlink(NAME("fx")));
	close(fd);
}

/* ---- STAT and LIST ------------------------------------------------------ */

TEST(stat_reports_documented_fields)
{
	long pg = page_size();
	const char *name = NAME("st");
	struct shmdev_stat st;
	__u64 t0, t1;
	int fd, fd2;
	char *p;

	t0 = coarse_now();
	fd = region_new(name, 3 * pg, 0640, 0);
	ASSERT_LE(0, fd);
	fd2 = region_open(name, SHMDEV_ACCESS_READ);
	ASSERT_LE(0, fd2);
	p = map(fd, 3 * pg, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	p[2 * pg] = 1;
	t1 = coarse_now();

	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(3 * pg, st.size);
	EXPECT_EQ(0, st.uid);
	EXPECT_EQ(0, st.gid);
	EXPECT_EQ(0, st.cuid);
	EXPECT_EQ(0, st.cgid);
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(0, st.state);
	EXPECT_EQ(getpid(), st.creator_pid);
	EXPECT_EQ(0, st.nsems);
	EXPECT_EQ(SHMDEV_ACCESS_READ | SHMDEV_ACCESS_WRITE |
		  SHMDEV_ACCESS_SYNC | SHMDEV_ACCESS_ADMIN, st.access);
	EXPECT_EQ(2, st.handles);
	EXPECT_EQ(1, st.mappings);
	EXPECT_EQ(2, st.resident_pages);
	EXPECT_LT(0, st.id);
	EXPECT_STREQ(name, st.name_out);
	/* The times are CLOCK_REALTIME_COARSE's, so it brackets them. */
	EXPECT_LE(t0, st.create_time);
	EXPECT_GE(t1, st.attach_time);
	EXPECT_LE(st.create_time, st.attach_time);
	EXPECT_EQ(st.create_time, st.change_time);
	EXPECT_EQ(0, st.acl_count);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(0, st.reserved[i]);
	EXPECT_EQ(0, st.pad2);

	/* The read-only handle reports its own rights; by name reports 0. */
	ASSERT_EQ(0, region_stat(fd2, NULL, &st));
	EXPECT_EQ(SHMDEV_ACCESS_READ, st.access);
	ASSERT_EQ(0, region_stat_name(name, &st));
	EXPECT_EQ(0, st.access);
	EXPECT_EQ(3 * pg, st.size);
	EXPECT_EQ(0, region_unlink(name));
	munmap(p, 3 * pg);
	close(fd);
	close(fd2);
}

/* Each time moves with its events, and only with them. */
TEST(stat_times_move_with_open_mmap_and_unlink)
{
	long pg = page_size();
	struct shmdev_stat st0, st;
	int fd = region_new(NAME("tm"), pg, 0600, 0), fd2;
	__u64 t;
	void *p;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_stat(fd, NULL, &st0));
	coarse_tick();
	t = coarse_now();
	fd2 = region_open(NAME("tm"), SHMDEV_ACCESS_READ);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_LE(t, st.attach_time);
	EXPECT_EQ(st0.change_time, st.change_time);

	coarse_tick();
	t = coarse_now();
	p = map(fd2, pg, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_LE(t, st.attach_time);
	EXPECT_EQ(st0.change_time, st.change_time);

	coarse_tick();
	t = coarse_now();
	ASSERT_EQ(0, region_unlink_fd(fd, 0));
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_LE(t, st.change_time);
	EXPECT_GT(t, st.attach_time);
	EXPECT_EQ(st0.create_time, st.create_time);
	munmap(p, pg);
	close(fd2);
	close(fd);
}

TEST(stat_state_shows_transient_populated_unlinked)
{
	long pg = page_size();
	const char *name = NAME("sp");
	struct shmdev_stat st;
	int fd = region_new(name, 5 * pg, 0600,
			    SHMDEV_CREATE_TRANSIENT | SHMDEV_CREATE_POPULATE);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(SHMDEV_STATE_TRANSIENT | SHMDEV_STATE_POPULATED, st.state);
	EXPECT_EQ(5, st.resident_pages);
	ASSERT_EQ(0, region_unlink(name));
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_TRUE(st.state & SHMDEV_STATE_UNLINKED);
	EXPECT_LE(st.create_time, st.change_time);
	close(fd);
}

TEST(stat_shows_ids_as_seen_from_a_new_user_namespace)
{
	const char *name = NAME("ns");
	int fd = region_new(name, 4096, 0600, 0);
	int status;
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct shmdev_stat st;

		/* Root of the parent namespace is unmapped in the new one. */
		if (unshare(CLONE_NEWUSER))
			_exit(10);
		if (region_stat(fd, NULL, &st))
			_exit(11);
		_exit(st.uid == 65534 && st.gid == 65534 &&
		      st.cuid == 65534 ? 0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(list_enumerates_every_region_through_a_small_buffer)
{
	static struct shmdev_list_entry all[4096];
	int fds[40], n, found = 0;
	__u64 last = 0;

	for (int i = 0; i < 40; i++) {
		char tag[16];

		snprintf(tag, sizeof(tag), "%d", i);
		fds[i] = region_new(NAME(tag), 4096 * (i + 1), 0600,
				    SHMDEV_CREATE_TRANSIENT);
		ASSERT_LE(0, fds[i]);
	}
	n = list_all(all, 4096, 3);
	ASSERT_LE(40, n);
	for (int i = 0; i < n; i++) {
		EXPECT_LT(last, all[i].id);	/* increasing ids */
		last = all[i].id;
		if (!strncmp(all[i].name, _metadata->name,
			     strlen(_metadata->name))) {
			int k = atoi(all[i].name + strlen(_metadata->name) + 1);

			found++;
			EXPECT_EQ(4096 * (k + 1), all[i].size);
			EXPECT_EQ(0600, all[i].mode);
			EXPECT_EQ(SHMDEV_STATE_TRANSIENT, all[i].state);
		}
	}
	EXPECT_EQ(40, found);
	for (int i = 0; i < 40; i++)
		close(fds[i]);
}

TEST(list_with_a_bad_entries_pointer_is_efault)
{
	struct shmdev_list l = { .entries = 0, .count = 4 };
	int fd = region_new(NAME("l"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	int ctl = shmdev_open_dev();

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ctl);
	EXPECT_EQ(-1, ioctl(ctl, SHMDEV_IOC_LIST, &l));
	EXPECT_EQ(EFAULT, errno);
	close(ctl);
	close(fd);
}

TEST(proc_table_shows_the_region)
{
	const char *name = NAME("proc");
	int fd = region_new(name, 8192, 0604, 0);
	char line[512];
	bool seen = false;
	FILE *f;

	ASSERT_LE(0, fd);
	f = fopen("/proc/driver/shmdev", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_NE(NULL, strstr(line, "name"));
	while (fgets(line, sizeof(line), f)) {
		char n[SHMDEV_NAME_MAX];
		unsigned long long size;
		unsigned int id, uid, gid, mode, state;
		long handles, mappings, resident;
		int cpid;

		if (sscanf(line, "%u %255s %llu %u %u %o %x %ld %ld %ld %d",
			   &id, n, &size, &uid, &gid, &mode, &state, &handles,
			   &mappings, &resident, &cpid) != 11)
			continue;
		if (strcmp(n, name))
			continue;
		seen = true;
		EXPECT_EQ(8192, size);
		EXPECT_EQ(0604, mode);
		EXPECT_EQ(1, handles);
		EXPECT_EQ(getpid(), cpid);
	}
	fclose(f);
	EXPECT_TRUE(seen);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* ---- memory cgroups ---------------------------------------------------- */

/* The cgroup the guest's /init makes for these tests, with memory on. */
#define TEST_MEMCG	"/sys/fs/cgroup/shmdev-test"

/* The test cgroup's memory.current, in bytes; -1 if there is none. */
static long memcg_bytes(void)
{
	return read_number(TEST_MEMCG "/memory.current");
}

/* Move the calling process into the test cgroup; 0 or -1. */
static int memcg_join(void)
{
	FILE *f = fopen(TEST_MEMCG "/cgroup.procs", "we");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%d\n", getpid()) > 0 ? 0 : -1;
	return fclose(f) ? -1 : ret;
}

/* Wait up to 10 s until the test cgroup holds at most @bytes. */
static bool memcg_down_to(long bytes)
{
	for (int i = 0; i < 1000; i++) {
		long now = memcg_bytes();

		if (now >= 0 && now <= bytes)
			return true;
		usleep(10000);
	}
	return false;
}

/* In the test cgroup, write every page of the region fd @fd (4 MiB). */
static int touch_in_memcg(int fd)
{
	char *p;

	if (memcg_join())
		return 10;
	p = map(fd, 4 << 20, PROT_READ | PROT_WRITE, 0);
	if (p == MAP_FAILED)
		return 11;
	for (long off = 0; off < 4 << 20; off += page_size())
		p[off] = 1;
	return 0;
}

TEST(pages_are_charged_to_the_memcg_of_the_task_that_faults_them_in)
{
	const char *name = NAME("cg");
	int fd = region_new(name, 4 << 20, 0600, 0);
	long before = memcg_bytes();
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, before);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(touch_in_memcg(fd));
	ASSERT_EQ(0, reap(pid));
	/* The pages stay charged to the cgroup after the toucher is gone. */
	EXPECT_LE(before + (3 << 20), memcg_bytes());
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
	EXPECT_TRUE(memcg_down_to(before + (1 << 20)));
}

static int populate_in_memcg(void *name)
{
	if (memcg_join())
		return 10;
	return region_new(name, 4 << 20, 0600, SHMDEV_CREATE_POPULATE) >= 0 ?
	       0 : 11;
}

TEST(populated_pages_are_charged_to_the_memcg_of_the_creator)
{
	const char *name = NAME("cgp");
	long before = memcg_bytes();
	pid_t pid;

	ASSERT_LE(0, before);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(populate_in_memcg((void *)name));
	ASSERT_EQ(0, reap(pid));
	EXPECT_LE(before + (3 << 20), memcg_bytes());
	EXPECT_EQ(0, region_unlink(name));
	EXPECT_TRUE(memcg_down_to(before + (1 << 20)));
}

/* ---- permissions (mode bits) ------------------------------------------- */

/* Run @fn as uid/gid 1000 in a child; its exit status. */
static int as_user(int (*fn)(const char *), const char *name)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (drop_to(1000, 1000, NULL, 0))
			_exit(100);
		_exit(fn(name));
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 101;
}

static int other_opens(const char *name)
{
	int r = region_open(name, SHMDEV_ACCESS_READ);
	int rw = region_open(name, RW);

	return (r >= 0 ? 1 : 0) | (rw >= 0 ? 2 : 0) |
	       (r == -EACCES ? 4 : 0) | (rw == -EACCES ? 8 : 0);
}

static int other_unlinks(const char *name)
{
	return -region_unlink(name);
}

TEST(mode_bits_decide_open_for_other_users)
{
	const char *name = NAME("mb");
	int fd = region_new(name, 4096, 0604, 0);

	ASSERT_LE(0, fd);
	/* 0604: other may read, not write */
	EXPECT_EQ(1 | 8, as_user(other_opens, name));
	EXPECT_EQ(EACCES, as_user(other_unlinks, name));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
	fd = region_new(name, 4096, 0600, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(4 | 8, as_user(other_opens, name));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* ---- scale and stress --------------------------------------------------- */

FIXTURE(scale) {};
FIXTURE_SETUP(scale) {}
FIXTURE_TEARDOWN(scale) {}

TEST_F_TIMEOUT(scale, ten_thousand_regions_leave_nothing_behind, 900)
{
	enum { N = 10000 };
	long regions = debug_stat("regions");
	long handles = debug_stat("handles");
	struct shmdev_stat st;
	int fd = shmdev_open_dev();
	char name[64];

	ASSERT_LE(0, fd);
	for (int i = 0; i < N; i++) {
		int r;

		snprintf(name, sizeof(name), "tenk-%d", i);
		r = region_new(name, 4096, 0600, 0);
		ASSERT_LE(0, r);
		close(r);
	}
	EXPECT_EQ(regions + N, debug_stat("regions"));
	EXPECT_LE(N, list_all(NULL, 0, 8));
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "tenk-%d", i);
		ASSERT_EQ(0, region_stat(fd, name, &st));
		ASSERT_EQ(4096, st.size);
		ASSERT_EQ(0, region_unlink(name));
	}
	EXPECT_EQ(regions, debug_stat("regions"));
	EXPECT_EQ(handles, debug_stat("handles"));
	close(fd);
}

/*
 * Four processes create, open, map, check and unlink regions on eight
 * shared names for $SHMDEV_STRESS_SECONDS (30). Each region's first word
 * is a seed and the rest a pattern from it, so a mapping that shows
 * another region's pages or stale data fails the checksum.
 */
static __u64 mix(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static int stress_worker(int id, int seconds)
{
	const long pg = page_size();
	__u64 rng = mix(id + 1);
	time_t end = time(NULL) + seconds;
	int bad = 0;

	while (time(NULL) < end && !bad) {
		char name[32];
		size_t len = pg * (1 + (rng = mix(rng)) % 4);
		int fd;
		__u64 *p;

		snprintf(name, sizeof(name), "stress-%u", (unsigned int)(rng % 8));
		fd = region_new(name, len, 0600, 0);
		if (fd >= 0) {
			p = map(fd, len, PROT_READ | PROT_WRITE, 0);
			if (p == MAP_FAILED)
				return 1;
			for (size_t i = 1; i < len / 8; i++)
				p[i] = mix(rng + i);
			__atomic_store_n(&p[0], rng, __ATOMIC_RELEASE);
		} else if (fd == -EEXIST) {
			struct shmdev_stat st;

			fd = region_open(name, RW);
			if (fd == -ENOENT)
				continue;
			if (fd < 0 || region_stat(fd, NULL, &st))
				return 2;
			len = st.size;
			p = map(fd, len, PROT_READ, 0);
			if (p == MAP_FAILED)
				return 3;
			{
				__u64 seed = __atomic_load_n(&p[0],
							     __ATOMIC_ACQUIRE);

				/* Seed 0: its creator has not filled it yet. */
				for (size_t i = 1; seed && i < len / 8; i++)
					if (p[i] != mix(seed + i))
						bad = 4;
			}
		} else {
			return 5;
		}
		munmap(p, len);
		if (mix(rng) % 3 == 0) {
			int ret = region_unlink(name);

			if (ret && ret != -ENOENT)
				bad = 6;
		}
		close(fd);
	}
	return bad;
}

FIXTURE(stress) {};
FIXTURE_SETUP(stress) {}
FIXTURE_TEARDOWN(stress) {}

TEST_F_TIMEOUT(stress, four_processes_race_on_shared_names, 600)
{
	const char *s = getenv("SHMDEV_STRESS_SECONDS");
	int seconds = s ? atoi(s) : 30;
	long regions = debug_stat("regions");
	long maps = debug_stat("mappings");
	pid_t pids[4];

	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0)
			_exit(stress_worker(i, seconds));
	}
	for (int i = 0; i < 4; i++) {
		int status = -1;

		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("worker %d: status 0x%x", i, status);
	}
	for (int i = 0; i < 8; i++) {
		char name[32];

		snprintf(name, sizeof(name), "stress-%d", i);
		region_unlink(name);
	}
	EXPECT_EQ(regions, debug_stat("regions"));
	EXPECT_EQ(maps, debug_stat("mappings"));
}

TEST_HARNESS_MAIN
