// SPDX-License-Identifier: GPL-2.0
/*
 * libshmdev: every function, and every error the kernel or the library
 * can return through it, including the ACL text parser on malformed input.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kselftest_harness.h"
#include <libshmdev.h>
#include "shmdev_test.h"
#include "userspace_test.h"

#define RS	(SHMDEV_ACCESS_READ | SHMDEV_ACCESS_SYNC)
#define ALL	(RS | SHMDEV_ACCESS_WRITE)

/*
 * Run @fn in a child that has its own mount namespace with an empty /dev,
 * optionally holding a node @dev: the library then sees no module.
 * The child's exit status is @fn's value (as -errno, made positive).
 */
static int without_device(int (*fn)(void), dev_t dev)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (without_dev())
			_exit(255);
		if (dev && mknod(SHMDEV_DEVICE_PATH, S_IFCHR | 0666, dev))
			_exit(254);
		_exit(-fn() & 0xff);
	}
	return reap(pid);
}

static int check_all(void)
{
	return shmdev_check(SHMDEV_LIB_FEATURES);
}

static int create_one(void)
{
	return shmdev_create("nodevice", 4096, 0600, 0, 0);
}

/* The number of regions in memory named @name. */
static int listed(const char *name)
{
	struct shmdev_list_iter *it;
	struct shmdev_list_entry e;
	int n = 0;

	if (shmdev_list_open(&it) < 0)
		return -1;
	while (shmdev_list_next(it, &e) > 0)
		n += !strcmp(e.name, name);
	shmdev_list_close(it);
	return n;
}

TEST(version_reports_the_module)
{
	struct shmdev_version v;

	memset(&v, SENTINEL_BYTE, sizeof(v));
	ASSERT_EQ(0, shmdev_version(&v));
	EXPECT_EQ(SHMDEV_API_VERSION, v.api_version);
	EXPECT_EQ(SHMDEV_LIB_FEATURES, v.features & SHMDEV_LIB_FEATURES);
	EXPECT_EQ(SHMDEV_NAME_MAX, v.name_max);
	EXPECT_EQ(SHMDEV_SEM_VALUE_MAX, v.sem_value_max);
}

TEST(version_null_is_einval)
{
	EXPECT_EQ(-EINVAL, shmdev_version(NULL));
}

TEST(check_accepts_what_the_library_needs)
{
	EXPECT_EQ(0, shmdev_check(SHMDEV_LIB_FEATURES));
}

TEST(check_rejects_a_missing_feature)
{
	EXPECT_EQ(-EOPNOTSUPP, shmdev_check(1ULL << 63));
}

TEST(missing_device_is_enodev)
{
	EXPECT_EQ(ENODEV, without_device(check_all, 0));
	EXPECT_EQ(ENODEV, without_device(create_one, 0));
}

TEST(device_node_without_driver_is_enodev)
{
	/* A misc minor nothing registers: open() fails with ENODEV. */
	EXPECT_EQ(ENODEV, without_device(check_all, makedev(10, 250)));
}

TEST(open_device_gives_a_control_device_that_is_no_region)
{
	struct shmdev_stat st;
	int fd = shmdev_open_device();

	ASSERT_LE(0, fd);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* STAT there needs a name, and shmdev_stat() passes none. */
	EXPECT_EQ(-EFAULT, shmdev_stat(fd, &st));
	close(fd);
}

TEST(create_returns_a_bound_handle)
{
	struct shmdev_stat st;
	int fd = shmdev_create(NAME("c"), 5000, 0640, 0, 3);

	ASSERT_LE(0, fd);
	memset(&st, SENTINEL_BYTE, sizeof(st));
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(5000, st.size);
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(3, st.nsems);
	EXPECT_STREQ(NAME("c"), st.name_out);
	EXPECT_EQ(0, shmdev_unlink(NAME("c"), 0));
	close(fd);
}

TEST(create_existing_is_eexist)
{
	int fd = shmdev_create(NAME("e"), 4096, 0600, 0, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EEXIST, shmdev_create(NAME("e"), 4096, 0600, 0, 0));
	EXPECT_EQ(0, shmdev_unlink(NAME("e"), 0));
	close(fd);
}

TEST(create_bad_arguments_are_rejected)
{
	char longname[SHMDEV_NAME_MAX + 1];

	memset(longname, 'n', SHMDEV_NAME_MAX);
	longname[SHMDEV_NAME_MAX] = '\0';
	EXPECT_EQ(-EFAULT, shmdev_create(NULL, 4096, 0600, 0, 0));
	EXPECT_EQ(-EINVAL, shmdev_create("a b", 4096, 0600, 0, 0));
	EXPECT_EQ(-EINVAL, shmdev_create("a/b", 4096, 0600, 0, 0));
	EXPECT_EQ(-ENAMETOOLONG, shmdev_create(longname, 4096, 0600, 0, 0));
	EXPECT_EQ(-EINVAL, shmdev_create(NAME("b"), 0, 0600, 0, 0));
	EXPECT_EQ(-EINVAL, shmdev_create(NAME("b"), 4096, 01000, 0, 0));
	EXPECT_EQ(-EINVAL, shmdev_create(NAME("b"), 4096, 0600, 0x80, 0));
	EXPECT_EQ(-EINVAL, shmdev_create(NAME("b"), 4096, 0600, 0,
					 SHMDEV_SEMS_MAX + 1));
	EXPECT_EQ(0, listed(NAME("b")));
}

TEST(open_missing_is_enoent)
{
	EXPECT_EQ(-ENOENT, shmdev_open(NAME("m"), SHMDEV_ACCESS_READ));
	EXPECT_EQ(-EFAULT, shmdev_open(NULL, SHMDEV_ACCESS_READ));
}

TEST(open_binds_with_the_rights_asked)
{
	struct shmdev_stat st;
	int c = shmdev_create(NAME("o"), 4096, 0600, 0, 1), fd;

	ASSERT_LE(0, c);
	fd = shmdev_open(NAME("o"), SHMDEV_ACCESS_READ);
	ASSERT_LE(0, fd);
	memset(&st, SENTINEL_BYTE, sizeof(st));
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(SHMDEV_ACCESS_READ, st.access);
	EXPECT_EQ(-EINVAL, shmdev_open(NAME("o"), 0));
	EXPECT_EQ(-EINVAL, shmdev_open(NAME("o"), 0x10));
	EXPECT_EQ(0, shmdev_unlink(NAME("o"), 0));
	close(fd);
	close(c);
}

TEST(open_without_permission_is_eacces)
{
	int c = shmdev_create(NAME("p"), 4096, 0600, 0, 0);
	pid_t pid;

	ASSERT_LE(0, c);
	pid = fork();
	if (pid == 0) {
		if (drop_to(TEST_UID, TEST_GID, NULL, 0))
			_exit(99);
		_exit(-shmdev_open(NAME("p"), SHMDEV_ACCESS_READ));
	}
	EXPECT_EQ(EACCES, reap(pid));
	EXPECT_EQ(0, shmdev_unlink(NAME("p"), 0));
	close(c);
}

TEST(open_or_create_creates_once)
{
	struct shmdev_stat a, b;
	int created = -1, fd1, fd2;

	fd1 = shmdev_open_or_create(NAME("oc"), 4096, 0600, 0, 2, ALL, &created);
	ASSERT_LE(0, fd1);
	EXPECT_EQ(1, created);
	fd2 = shmdev_open_or_create(NAME("oc"), 4096, 0600, 0, 2, RS, &created);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, created);
	ASSERT_EQ(0, shmdev_stat(fd1, &a));
	ASSERT_EQ(0, shmdev_stat(fd2, &b));
	EXPECT_EQ(a.id, b.id);
	/* The opener is bound with what it asked for, not everything. */
	EXPECT_EQ(RS, b.access);
	EXPECT_EQ(0, shmdev_unlink(NAME("oc"), 0));
	close(fd1);
	close(fd2);
}

TEST(open_or_create_reports_errors)
{
	int created = -1;

	EXPECT_EQ(-EINVAL, shmdev_open_or_create("bad name", 4096, 0600, 0, 0,
						 RS, &created));
	EXPECT_EQ(-1, created);
	EXPECT_EQ(-EINVAL, shmdev_open_or_create(NAME("oe"), 0, 0600, 0, 0,
						 RS, NULL));
	EXPECT_EQ(0, listed(NAME("oe")));
}

TEST(open_or_create_races_to_one_region)
{
	pid_t pids[4];
	int i, total = 0;

	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int created = 0;
			int fd = shmdev_open_or_create(NAME("race"), 4096, 0600,
						       0, 0, RS, &created);

			_exit(fd < 0 ? 100 : created);
		}
	}
	for (i = 0; i < 4; i++)
		total += reap(pids[i]);
	/* Exactly one child created it; none failed. */
	EXPECT_EQ(1, total);
	EXPECT_EQ(0, shmdev_unlink(NAME("race"), 0));
}

/* Create @name as TEST_UID, mode 0666, and leave it; 0 if done. */
static int planted(const char *name)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (drop_to(TEST_UID, TEST_GID, NULL, 0))
			_exit(10);
		_exit(shmdev_create(name, 4096, 0666, 0, 1) >= 0 ? 0 : 11);
	}
	return pid < 0 ? -1 : reap(pid);
}

TEST(open_or_create_owned_refuses_a_region_another_user_planted)
{
	int created = -1, fd;

	ASSERT_EQ(0, planted(NAME("sq")));
	EXPECT_EQ(-EPERM, shmdev_open_or_create(NAME("sq"), 4096, 0600,
						SHMDEV_OPEN_OR_CREATE_OWNED,
						1, ALL, &created));
	EXPECT_EQ(-1, created);
	/* Without the flag the planted region is what the caller gets. */
	fd = shmdev_open_or_create(NAME("sq"), 4096, 0600, 0, 1, ALL, &created);
	EXPECT_LE(0, fd);
	EXPECT_EQ(0, created);
	close(fd);
	EXPECT_EQ(0, shmdev_unlink(NAME("sq"), 0));
}

TEST(open_or_create_owned_creates_then_opens_its_own)
{
	int created = -1, fd1, fd2;

	fd1 = shmdev_open_or_create(NAME("own"), 4096, 0600,
				    SHMDEV_OPEN_OR_CREATE_OWNED, 0, ALL,
				    &created);
	ASSERT_LE(0, fd1);
	EXPECT_EQ(1, created);
	fd2 = shmdev_open_or_create(NAME("own"), 4096, 0600,
				    SHMDEV_OPEN_OR_CREATE_OWNED, 0, RS,
				    &created);
	EXPECT_LE(0, fd2);
	EXPECT_EQ(0, created);
	EXPECT_EQ(0, shmdev_unlink(NAME("own"), 0));
	close(fd1);
	close(fd2);
}

TEST(open_owned_checks_the_owner)
{
	int fd, fd2;

	ASSERT_EQ(0, planted(NAME("po")));
	EXPECT_EQ(-EPERM, shmdev_open_owned(NAME("po"), RS, 0));
	fd = shmdev_open_owned(NAME("po"), RS, TEST_UID);
	EXPECT_LE(0, fd);
	EXPECT_EQ(-ENOENT, shmdev_open_owned(NAME("none"), RS, 0));
	EXPECT_EQ(-EFAULT, shmdev_open_owned(NULL, RS, 0));
	fd2 = shmdev_open_owned(NAME("po"), RS, (uid_t)-1);
	EXPECT_EQ(-EINVAL, fd2);
	close(fd);
	EXPECT_EQ(0, shmdev_unlink(NAME("po"), 0));
}

TEST(unlink_removes_the_name)
{
	int fd = shmdev_create(NAME("u"), 4096, 0600, 0, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, shmdev_unlink(NAME("u"), 0));
	EXPECT_EQ(-ENOENT, shmdev_unlink(NAME("u"), 0));
	EXPECT_EQ(-ENOENT, shmdev_open(NAME("u"), SHMDEV_ACCESS_READ));
	EXPECT_EQ(-EINVAL, shmdev_unlink(NAME("u"), 0x80));
	EXPECT_EQ(-EFAULT, shmdev_unlink(NULL, 0));
	close(fd);
}

TEST(unlink_fd_removes_its_regions_name_and_no_other)
{
	int fd = shmdev_create(NAME("uf"), 4096, 0600, 0, 0);
	int ro, again, null = open("/dev/null", O_RDONLY);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, null);
	ro = shmdev_open(NAME("uf"), SHMDEV_ACCESS_READ);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, shmdev_unlink_fd(ro, 0));
	EXPECT_EQ(-EINVAL, shmdev_unlink_fd(fd, SHMDEV_UNLINK_ORPHANED));
	EXPECT_EQ(0, shmdev_unlink_fd(fd, 0));
	EXPECT_EQ(-ENOENT, shmdev_open(NAME("uf"), SHMDEV_ACCESS_READ));
	/* The name taken again belongs to another region: left alone. */
	again = shmdev_create(NAME("uf"), 4096, 0600, 0, 0);
	ASSERT_LE(0, again);
	EXPECT_EQ(-ENOENT, shmdev_unlink_fd(fd, 0));
	EXPECT_EQ(0, shmdev_unlink_fd(again, 0));
	EXPECT_EQ(-EBADF, shmdev_unlink_fd(-1, 0));
	EXPECT_EQ(-ENOTTY, shmdev_unlink_fd(null, 0));
	close(null);
	close(again);
	close(ro);
	close(fd);
}

TEST(unlink_keep_sems_keeps_semaphores)
{
	int fd = shmdev_create(NAME("k"), 4096, 0600, 0, 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_unlink(NAME("k"), SHMDEV_UNLINK_KEEP_SEMS));
	EXPECT_EQ(0, shmdev_sem_post(fd, 0, 1, 0));
	EXPECT_EQ(0, shmdev_sem_wait(fd, 0, 0));
	close(fd);
}

TEST(unlink_orphaned_names_no_region)
{
	EXPECT_LE(0, shmdev_unlink(NULL, SHMDEV_UNLINK_ORPHANED));
	EXPECT_EQ(-EFAULT, shmdev_unlink(NULL, 0));
	EXPECT_EQ(-EINVAL, shmdev_unlink(NAME("x"), SHMDEV_UNLINK_ORPHANED));
}

TEST(stat_name_describes_the_region)
{
	struct shmdev_stat st;
	int fd = shmdev_create(NAME("s"), 8192, 0604, 0, 0);

	ASSERT_LE(0, fd);
	memset(&st, SENTINEL_BYTE, sizeof(st));
	ASSERT_EQ(0, shmdev_stat_name(NAME("s"), &st));
	EXPECT_EQ(8192, st.size);
	EXPECT_EQ(0604, st.mode);
	EXPECT_EQ(0, st.access);
	EXPECT_EQ(0, st.name);
	EXPECT_STREQ(NAME("s"), st.name_out);
	EXPECT_EQ(-ENOENT, shmdev_stat_name(NAME("none"), &st));
	EXPECT_EQ(-EFAULT, shmdev_stat_name(NAME("s"), NULL));
	EXPECT_EQ(0, shmdev_unlink(NAME("s"), 0));
	close(fd);
}

TEST(stat_of_a_closed_fd_is_ebadf)
{
	struct shmdev_stat st;

	EXPECT_EQ(-EBADF, shmdev_stat(-1, &st));
	EXPECT_EQ(-EFAULT, shmdev_stat(0, NULL));
}

TEST(map_covers_the_whole_region)
{
	struct shmdev_map a, b;
	int fd = shmdev_create(NAME("map"), 5000, 0600, 0, 0);

	ASSERT_LE(0, fd);
	memset(&a, SENTINEL_BYTE, sizeof(a));
	ASSERT_EQ(0, shmdev_map(fd, PROT_READ | PROT_WRITE, &a));
	EXPECT_EQ(5000, a.size);
	EXPECT_EQ((5000 + page_size() - 1) / page_size() * page_size(),
		  a.length);
	EXPECT_EQ(PROT_READ | PROT_WRITE, a.prot);
	ASSERT_EQ(0, shmdev_map(fd, PROT_READ, &b));
	((char *)a.addr)[4999] = 'z';
	EXPECT_EQ('z', ((char *)b.addr)[4999]);
	EXPECT_EQ(0, shmdev_unmap(&a));
	EXPECT_EQ(NULL, a.addr);
	EXPECT_EQ(-EINVAL, shmdev_unmap(&a));
	EXPECT_EQ(0, shmdev_unmap(&b));
	EXPECT_EQ(0, shmdev_unlink(NAME("map"), 0));
	close(fd);
}

TEST(map_of_a_populated_region_maps_every_page)
{
	struct shmdev_map rw, ro;
	int fd = shmdev_create(NAME("mpop"), 64 * page_size(), 0600,
			       SHMDEV_CREATE_POPULATE, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_map(fd, PROT_READ | PROT_WRITE, &rw));
	ASSERT_EQ(0, shmdev_map(fd, PROT_READ, &ro));
	EXPECT_EQ(64 * page_size() / 1024, smaps_kib(rw.addr, "Rss"));
	EXPECT_EQ(64 * page_size() / 1024, smaps_kib(ro.addr, "Rss"));
	EXPECT_EQ(0, shmdev_unmap(&rw));
	EXPECT_EQ(0, shmdev_unmap(&ro));
	EXPECT_EQ(0, shmdev_unlink(NAME("mpop"), 0));
	close(fd);
}

TEST(map_of_an_unpopulated_region_maps_pages_as_touched)
{
	struct shmdev_map m;
	int fd = shmdev_create(NAME("mlazy"), 64 * page_size(), 0600, 0, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_map(fd, PROT_READ | PROT_WRITE, &m));
	EXPECT_EQ(0, smaps_kib(m.addr, "Rss"));
	((char *)m.addr)[0] = 1;
	EXPECT_EQ(page_size() / 1024, smaps_kib(m.addr, "Rss"));
	EXPECT_EQ(0, shmdev_unmap(&m));
	EXPECT_EQ(0, shmdev_unlink(NAME("mlazy"), 0));
	close(fd);
}

TEST(map_beyond_the_rights_is_eacces)
{
	struct shmdev_map m;
	int c = shmdev_create(NAME("mr"), 4096, 0600, 0, 0);
	int fd = shmdev_open(NAME("mr"), SHMDEV_ACCESS_READ);

	ASSERT_LE(0, c);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EACCES, shmdev_map(fd, PROT_READ | PROT_WRITE, &m));
	EXPECT_EQ(-EINVAL, shmdev_map(fd, PROT_EXEC, &m));
	EXPECT_EQ(-EINVAL, shmdev_map(fd, 0, &m));
	EXPECT_EQ(-EFAULT, shmdev_map(fd, PROT_READ, NULL));
	EXPECT_EQ(0, shmdev_unlink(NAME("mr"), 0));
	close(fd);
	close(c);
}

TEST(map_of_the_control_device_is_efault)
{
	struct shmdev_map m;
	int fd = shmdev_open_device();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EFAULT, shmdev_map(fd, PROT_READ, &m));
	close(fd);
}

TEST(list_returns_every_region_once)
{
	struct shmdev_list_iter *it;
	struct shmdev_list_entry e;
	char name[SHMDEV_NAME_MAX];
	int fds[40], i, seen = 0, ret;
	__u64 last = 0;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "%s.%d", NAME("l"), i);
		fds[i] = shmdev_create(name, 4096, 0600, 0, 0);
		ASSERT_LE(0, fds[i]);
	}
	ASSERT_EQ(0, shmdev_list_open(&it));
	while ((ret = shmdev_list_next(it, &e)) > 0) {
		EXPECT_LT(last, e.id);
		last = e.id;
		seen += !strncmp(e.name, NAME("l"), strlen(NAME("l")));
	}
	EXPECT_EQ(0, ret);
	/* The end stays the end. */
	EXPECT_EQ(0, shmdev_list_next(it, &e));
	shmdev_list_close(it);
	EXPECT_EQ(40, seen);
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "%s.%d", NAME("l"), i);
		EXPECT_EQ(0, shmdev_unlink(name, 0));
		close(fds[i]);
	}
}

TEST(list_open_flags_all_namespaces_includes_this_namespace)
{
	struct shmdev_list_iter *it;
	struct shmdev_list_entry e;
	struct stat ns;
	int fd = shmdev_create(NAME("an"), 4096, 0600, 0, 0), seen = 0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, stat("/proc/self/ns/ipc", &ns));
	ASSERT_EQ(0, shmdev_list_open_flags(&it, SHMDEV_LIST_ALL_NAMESPACES));
	while (shmdev_list_next(it, &e) > 0)
		seen += !strcmp(e.name, NAME("an")) &&
			e.ipc_ns == (__u32)ns.st_ino;
	shmdev_list_close(it);
	EXPECT_EQ(1, seen);
	EXPECT_EQ(0, shmdev_unlink(NAME("an"), 0));
	close(fd);
}

TEST(list_open_flags_refuses_what_the_caller_may_not_list)
{
	struct shmdev_list_iter *it = NULL;
	pid_t pid;

	EXPECT_EQ(-EINVAL, shmdev_list_open_flags(&it, 0x80));
	EXPECT_EQ(NULL, it);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_to(TEST_UID, TEST_GID, NULL, 0))
			_exit(10);
		_exit(shmdev_list_open_flags(&it, SHMDEV_LIST_ALL_NAMESPACES) ==
		      -EPERM ? 0 : 11);
	}
	EXPECT_EQ(0, reap(pid));
}

TEST(list_null_arguments_are_efault)
{
	struct shmdev_list_iter *it;
	struct shmdev_list_entry e;

	EXPECT_EQ(-EFAULT, shmdev_list_open(NULL));
	ASSERT_EQ(0, shmdev_list_open(&it));
	EXPECT_EQ(-EFAULT, shmdev_list_next(it, NULL));
	EXPECT_EQ(-EFAULT, shmdev_list_next(NULL, &e));
	shmdev_list_close(it);
	shmdev_list_close(NULL);
}

TEST(acl_set_then_get_round_trips_sorted)
{
	struct shmdev_acl_entry in[3] = {
		{ SHMDEV_ACL_GROUP, 44, SHMDEV_ACCESS_SYNC, 0 },
		{ SHMDEV_ACL_USER, 1000, RW, 0 },
		{ SHMDEV_ACL_USER, 7, 0, 0 },
	}, out[4];
	int fd = shmdev_create(NAME("acl"), 4096, 0600, 0, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_acl_set(fd, in, 3));
	memset(out, SENTINEL_BYTE, sizeof(out));
	ASSERT_EQ(3, shmdev_acl_get(fd, out, 4));
	EXPECT_EQ(SHMDEV_ACL_USER, out[0].tag);
	EXPECT_EQ(7, out[0].id);
	EXPECT_EQ(0, out[0].rights);
	EXPECT_EQ(1000, out[1].id);
	EXPECT_EQ(RW, out[1].rights);
	EXPECT_EQ(SHMDEV_ACL_GROUP, out[2].tag);
	EXPECT_EQ(44, out[2].id);
	EXPECT_EQ(0, shmdev_acl_set(fd, NULL, 0));
	EXPECT_EQ(0, shmdev_acl_get(fd, out, 4));
	EXPECT_EQ(0, shmdev_unlink(NAME("acl"), 0));
	close(fd);
}

TEST(acl_get_without_buffer_counts)
{
	struct shmdev_acl_entry in[2] = {
		{ SHMDEV_ACL_USER, 1, SHMDEV_ACCESS_READ, 0 },
		{ SHMDEV_ACL_USER, 2, SHMDEV_ACCESS_READ, 0 },
	}, out[1];
	int fd = shmdev_create(NAME("ac"), 4096, 0600, 0, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_acl_set(fd, in, 2));
	EXPECT_EQ(2, shmdev_acl_get(fd, NULL, 0));
	EXPECT_EQ(-ERANGE, shmdev_acl_get(fd, out, 1));
	EXPECT_EQ(-EFAULT, shmdev_acl_get(fd, NULL, 1));
	EXPECT_EQ(0, shmdev_unlink(NAME("ac"), 0));
	close(fd);
}

TEST(acl_set_errors_leave_the_acl)
{
	struct shmdev_acl_entry e[SHMDEV_ACL_MAX + 1], one = {
		SHMDEV_ACL_USER, 5, SHMDEV_ACCESS_READ, 0,
	};
	int fd = shmdev_create(NAME("ae"), 4096, 0600, 0, 0), ro, i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_acl_set(fd, &one, 1));
	for (i = 0; i <= SHMDEV_ACL_MAX; i++)
		e[i] = (struct shmdev_acl_entry){ SHMDEV_ACL_USER, 100 + i, 1, 0 };
	EXPECT_EQ(-EINVAL, shmdev_acl_set(fd, e, SHMDEV_ACL_MAX + 1));
	e[1].id = e[0].id;
	EXPECT_EQ(-EINVAL, shmdev_acl_set(fd, e, 2));
	EXPECT_EQ(-EFAULT, shmdev_acl_set(fd, NULL, 1));
	ro = shmdev_open(NAME("ae"), SHMDEV_ACCESS_READ);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, shmdev_acl_set(ro, &one, 1));
	EXPECT_EQ(1, shmdev_acl_get(fd, NULL, 0));
	EXPECT_EQ(0, shmdev_unlink(NAME("ae"), 0));
	close(ro);
	close(fd);
}

TEST(acl_parse_reads_ids_tags_and_rights)
{
	struct shmdev_acl_entry e[4];

	memset(e, SENTINEL_BYTE, sizeof(e));
	ASSERT_EQ(4, shmdev_acl_parse(" u:1000:rw, group:44:x\nuser:2:a,g:0:-",
				      e, 4));
	EXPECT_EQ(SHMDEV_ACL_USER, e[0].tag);
	EXPECT_EQ(1000, e[0].id);
	EXPECT_EQ(RW, e[0].rights);
	EXPECT_EQ(0, e[0].reserved);
	EXPECT_EQ(SHMDEV_ACL_GROUP, e[1].tag);
	EXPECT_EQ(44, e[1].id);
	EXPECT_EQ(SHMDEV_ACCESS_SYNC, e[1].rights);
	EXPECT_EQ(SHMDEV_ACCESS_ADMIN, e[2].rights);
	EXPECT_EQ(0, e[3].id);
	EXPECT_EQ(0, e[3].rights);
}

TEST(acl_parse_resolves_names)
{
	struct shmdev_acl_entry e[2];

	ASSERT_EQ(2, shmdev_acl_parse("u:shmdevtest:r,g:shmdevgrp:rx", e, 2));
	EXPECT_EQ(TEST_UID, e[0].id);
	EXPECT_EQ(TEST_GROUP, e[1].id);
	EXPECT_EQ(SHMDEV_ACCESS_READ | SHMDEV_ACCESS_SYNC, e[1].rights);
}

TEST(acl_parse_unknown_name_is_enoent)
{
	struct shmdev_acl_entry e[1];

	EXPECT_EQ(-ENOENT, shmdev_acl_parse("u:nosuchuser:r", e, 1));
	EXPECT_EQ(-ENOENT, shmdev_acl_parse("g:nosuchgroup:r", e, 1));
}

TEST(acl_parse_rejects_malformed_text)
{
	static const char *const bad[] = {
		"u", "u:1", "u:1:", "u::r", ":1:r", "x:1:r", "users:1:r",
		"u:1:rq", "u:1:rr", "u:1:r:w", "u:-1:r", "u:4294967295:r",
		"u:99999999999:r", "u:1:r,u:1:w", "u:1x:r", "u:1:R",
	};
	struct shmdev_acl_entry e[4];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(e, SENTINEL_BYTE, sizeof(e));
		EXPECT_EQ(-EINVAL, shmdev_acl_parse(bad[i], e, 4))
			TH_LOG("accepted \"%s\"", bad[i]);
	}
}

TEST(acl_parse_limits)
{
	struct shmdev_acl_entry e[2];

	EXPECT_EQ(0, shmdev_acl_parse("", e, 2));
	EXPECT_EQ(0, shmdev_acl_parse(" , \n", e, 2));
	EXPECT_EQ(-ERANGE, shmdev_acl_parse("u:1:r,u:2:r,u:3:r", e, 2));
	EXPECT_EQ(-EFAULT, shmdev_acl_parse(NULL, e, 2));
	EXPECT_EQ(-EFAULT, shmdev_acl_parse("u:1:r", NULL, 2));
}

TEST(acl_format_writes_the_text_form)
{
	struct shmdev_acl_entry e[3] = {
		{ SHMDEV_ACL_USER, 1000, RW, 0 },
		{ SHMDEV_ACL_GROUP, 44, SHMDEV_ACCESS_SYNC | SHMDEV_ACCESS_ADMIN, 0 },
		{ SHMDEV_ACL_USER, 9, 0, 0 },
	};
	char buf[64];

	memset(buf, SENTINEL_BYTE, sizeof(buf));
	ASSERT_EQ(strlen("u:1000:rw,g:44:xa,u:9:-"),
		  shmdev_acl_format(e, 3, 0, buf, sizeof(buf)));
	EXPECT_STREQ("u:1000:rw,g:44:xa,u:9:-", buf);
	EXPECT_EQ(0, shmdev_acl_format(e, 0, 0, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
}

TEST(acl_format_errors)
{
	struct shmdev_acl_entry e[1] = { { SHMDEV_ACL_USER, 1000, RW, 0 } };
	char buf[64];

	EXPECT_EQ(-ERANGE, shmdev_acl_format(e, 1, 0, buf, 9));
	EXPECT_EQ(-ERANGE, shmdev_acl_format(e, 1, 0, buf, 0));
	EXPECT_EQ(-EINVAL, shmdev_acl_format(e, 1, 0x80, buf, sizeof(buf)));
	EXPECT_EQ(-EFAULT, shmdev_acl_format(NULL, 1, 0, buf, sizeof(buf)));
	e[0].tag = 3;
	EXPECT_EQ(-EINVAL, shmdev_acl_format(e, 1, 0, buf, sizeof(buf)));
	e[0].tag = SHMDEV_ACL_USER;
	e[0].rights = 0x10;
	EXPECT_EQ(-EINVAL, shmdev_acl_format(e, 1, 0, buf, sizeof(buf)));
}

TEST(acl_format_names_users_and_groups)
{
	struct shmdev_acl_entry e[3] = {
		{ SHMDEV_ACL_USER, TEST_UID, SHMDEV_ACCESS_READ, 0 },
		{ SHMDEV_ACL_GROUP, TEST_GROUP, SHMDEV_ACCESS_READ, 0 },
		{ SHMDEV_ACL_USER, 4321, SHMDEV_ACCESS_READ, 0 },
	};
	char buf[128];

	ASSERT_LT(0, shmdev_acl_format(e, 3, SHMDEV_ACL_FORMAT_NAMES, buf,
				       sizeof(buf)));
	/* Names where they exist, numbers where they do not. */
	EXPECT_STREQ("u:shmdevtest:r,g:shmdevgrp:r,u:4321:r", buf);
}

TEST(rights_parse_and_format)
{
	char buf[8];

	EXPECT_EQ(0xf, shmdev_rights_parse("rwxa"));
	EXPECT_EQ(0xf, shmdev_rights_parse("axwr"));
	EXPECT_EQ(0x5, shmdev_rights_parse("r-x-"));
	EXPECT_EQ(0, shmdev_rights_parse("-"));
	EXPECT_EQ(-EINVAL, shmdev_rights_parse(""));
	EXPECT_EQ(-EINVAL, shmdev_rights_parse("rwz"));
	EXPECT_EQ(-EFAULT, shmdev_rights_parse(NULL));
	EXPECT_EQ(4, shmdev_rights_format(0xf, buf, sizeof(buf)));
	EXPECT_STREQ("rwxa", buf);
	EXPECT_EQ(1, shmdev_rights_format(0, buf, sizeof(buf)));
	EXPECT_STREQ("-", buf);
	EXPECT_EQ(-EINVAL, shmdev_rights_format(0x10, buf, sizeof(buf)));
	EXPECT_EQ(-ERANGE, shmdev_rights_format(0xf, buf, 4));
}

TEST(chmod_changes_the_mode)
{
	struct shmdev_stat st;
	int fd = shmdev_create(NAME("cm"), 4096, 0600, 0, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_chmod(fd, 0640));
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(-EINVAL, shmdev_chmod(fd, 01000));
	EXPECT_EQ(0, shmdev_unlink(NAME("cm"), 0));
	close(fd);
}

TEST(chmod_through_a_region_fd_without_admin_is_eacces)
{
	int fd = shmdev_create(NAME("cs"), 4096, 0666, 0, 0);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	if (pid == 0) {
		int h;

		if (drop_to(TEST_UID, TEST_GID, NULL, 0))
			_exit(99);
		h = shmdev_open(NAME("cs"), SHMDEV_ACCESS_READ);
		_exit(h < 0 ? 98 : -shmdev_chmod(h, 0777));
	}
	EXPECT_EQ(EACCES, reap(pid));
	EXPECT_EQ(0, shmdev_unlink(NAME("cs"), 0));
	close(fd);
}

TEST(chown_changes_owner_and_group)
{
	struct shmdev_stat st;
	int fd = shmdev_create(NAME("co"), 4096, 0600, 0, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_chown(fd, TEST_UID, (gid_t)-1));
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(TEST_UID, st.uid);
	EXPECT_EQ(0, st.gid);
	ASSERT_EQ(0, shmdev_chown(fd, (uid_t)-1, TEST_GROUP));
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(TEST_UID, st.uid);
	EXPECT_EQ(TEST_GROUP, st.gid);
	EXPECT_EQ(0, shmdev_chown(fd, (uid_t)-1, (gid_t)-1));
	EXPECT_EQ(-EBADF, shmdev_chown(-1, (uid_t)-1, (gid_t)-1));
	EXPECT_EQ(0, shmdev_unlink(NAME("co"), 0));
	close(fd);
}

TEST(sem_post_then_wait)
{
	int fd = shmdev_create(NAME("pw"), 4096, 0600, 0, 2);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_sem_post(fd, 1, 3, 0));
	EXPECT_EQ(3, shmdev_sem_getvalue(fd, 1));
	EXPECT_EQ(0, shmdev_sem_wait(fd, 1, 0));
	EXPECT_EQ(0, shmdev_sem_trywait(fd, 1, 0));
	EXPECT_EQ(1, shmdev_sem_getvalue(fd, 1));
	EXPECT_EQ(0, shmdev_sem_getvalue(fd, 0));
	EXPECT_EQ(0, shmdev_unlink(NAME("pw"), 0));
	close(fd);
}

TEST(sem_fd_gives_a_semaphore_read_and_written_as_an_eventfd)
{
	int fd = shmdev_create(NAME("sfd"), 4096, 0600, 0, 1);
	uint64_t v = SENTINEL_U64;
	int sfd;

	ASSERT_LE(0, fd);
	sfd = shmdev_sem_fd(fd, 0, SHMDEV_SEM_FD_NONBLOCK);
	ASSERT_LE(0, sfd);
	EXPECT_TRUE(fcntl(sfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(-1, read(sfd, &v, sizeof(v)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, shmdev_sem_post(fd, 0, 2, 0));
	EXPECT_EQ(8, read(sfd, &v, sizeof(v)));
	EXPECT_EQ(1, v);
	EXPECT_EQ(1, shmdev_sem_getvalue(fd, 0));
	EXPECT_EQ(-EINVAL, shmdev_sem_fd(fd, 1, 0));
	EXPECT_EQ(-EINVAL, shmdev_sem_fd(fd, 0, 0x80));
	EXPECT_EQ(-EBADF, shmdev_sem_fd(-1, 0, 0));
	close(sfd);
	EXPECT_EQ(0, shmdev_unlink(NAME("sfd"), 0));
	close(fd);
}

TEST(sem_trywait_on_zero_is_eagain)
{
	int fd = shmdev_create(NAME("tw"), 4096, 0600, 0, 1);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EAGAIN, shmdev_sem_trywait(fd, 0, 0));
	EXPECT_EQ(-EAGAIN, shmdev_sem_wait(fd, 0, SHMDEV_SEM_TRY));
	EXPECT_EQ(-EINVAL, shmdev_sem_trywait(fd, 0, SHMDEV_SEM_REALTIME));
	EXPECT_EQ(0, shmdev_unlink(NAME("tw"), 0));
	close(fd);
}

TEST(sem_timedwait_times_out_on_either_clock)
{
	struct timespec mono = in_ms(CLOCK_MONOTONIC, 50);
	struct timespec real = in_ms(CLOCK_REALTIME, 50);
	struct timespec past = { .tv_sec = -5 };
	int fd = shmdev_create(NAME("to"), 4096, 0600, 0, 1);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ETIMEDOUT, shmdev_sem_timedwait(fd, 0, 0, CLOCK_MONOTONIC,
						   &mono));
	EXPECT_EQ(-ETIMEDOUT, shmdev_sem_timedwait(fd, 0, 0, CLOCK_REALTIME,
						   &real));
	EXPECT_EQ(-ETIMEDOUT, shmdev_sem_timedwait(fd, 0, 0, CLOCK_REALTIME,
						   &past));
	EXPECT_EQ(0, shmdev_unlink(NAME("to"), 0));
	close(fd);
}

TEST(sem_timedwait_takes_a_free_unit_past_its_deadline)
{
	struct timespec past = { .tv_sec = 1 };
	int fd = shmdev_create(NAME("tp"), 4096, 0600, 0, 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_sem_post(fd, 0, 1, 0));
	EXPECT_EQ(0, shmdev_sem_timedwait(fd, 0, 0, CLOCK_MONOTONIC, &past));
	EXPECT_EQ(0, shmdev_unlink(NAME("tp"), 0));
	close(fd);
}

TEST(sem_timedwait_wakes_on_post)
{
	struct timespec later = in_ms(CLOCK_MONOTONIC, 20000);
	int fd = shmdev_create(NAME("tk"), 4096, 0600, 0, 1);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(-shmdev_sem_post(fd, 0, 1, 0));
	}
	EXPECT_EQ(0, shmdev_sem_timedwait(fd, 0, 0, CLOCK_MONOTONIC, &later));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, shmdev_unlink(NAME("tk"), 0));
	close(fd);
}

TEST(sem_timedwait_bad_arguments_are_rejected)
{
	struct timespec bad = { .tv_sec = 1, .tv_nsec = 1000000000L };
	struct timespec neg = { .tv_sec = 1, .tv_nsec = -1 };
	struct timespec ok = { .tv_sec = 1 };
	int fd = shmdev_create(NAME("tb"), 4096, 0600, 0, 1);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, shmdev_sem_timedwait(fd, 0, 0, CLOCK_MONOTONIC, &bad));
	EXPECT_EQ(-EINVAL, shmdev_sem_timedwait(fd, 0, 0, CLOCK_MONOTONIC, &neg));
	EXPECT_EQ(-EINVAL, shmdev_sem_timedwait(fd, 0, 0, CLOCK_PROCESS_CPUTIME_ID,
						&ok));
	EXPECT_EQ(-EINVAL, shmdev_sem_timedwait(fd, 0, SHMDEV_SEM_REALTIME,
						CLOCK_MONOTONIC, &ok));
	EXPECT_EQ(-EFAULT, shmdev_sem_timedwait(fd, 0, 0, CLOCK_MONOTONIC, NULL));
	EXPECT_EQ(-EINVAL, shmdev_sem_wait(fd, 0, SHMDEV_SEM_REALTIME));
	EXPECT_EQ(0, shmdev_unlink(NAME("tb"), 0));
	close(fd);
}

TEST(sem_index_out_of_range_is_einval)
{
	struct shmdev_sem_info info;
	int fd = shmdev_create(NAME("ix"), 4096, 0600, 0, 2);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, shmdev_sem_post(fd, 2, 1, 0));
	EXPECT_EQ(-EINVAL, shmdev_sem_trywait(fd, 2, 0));
	EXPECT_EQ(-EINVAL, shmdev_sem_get(fd, 2, &info));
	EXPECT_EQ(-EINVAL, shmdev_sem_set(fd, 2, 1));
	EXPECT_EQ(0, shmdev_unlink(NAME("ix"), 0));
	close(fd);
}

TEST(sem_post_past_the_maximum_is_eoverflow)
{
	int fd = shmdev_create(NAME("ov"), 4096, 0600, 0, 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_sem_set(fd, 0, SHMDEV_SEM_VALUE_MAX));
	EXPECT_EQ(-EOVERFLOW, shmdev_sem_post(fd, 0, 1, 0));
	EXPECT_EQ(SHMDEV_SEM_VALUE_MAX, shmdev_sem_getvalue(fd, 0));
	EXPECT_EQ(-EINVAL, shmdev_sem_post(fd, 0, 0, 0));
	EXPECT_EQ(-EINVAL, shmdev_sem_set(fd, 0, SHMDEV_SEM_VALUE_MAX + 1u));
	EXPECT_EQ(0, shmdev_unlink(NAME("ov"), 0));
	close(fd);
}

TEST(sems_map_fills_in_the_semaphores_and_unmap_undoes_it)
{
	int fd = shmdev_create(NAME("sm"), 4096, 0600, 0, 3);
	struct shmdev_sems s;

	ASSERT_LE(0, fd);
	memset(&s, 0xa5, sizeof(s));
	ASSERT_EQ(0, shmdev_sems_map(&s, fd, 3));
	EXPECT_EQ(fd, s.fd);
	EXPECT_EQ(3, s.nsems);
	EXPECT_NE(NULL, s.area);
	EXPECT_EQ(SHMDEV_SEM_AREA_SIZE(3), s.area_len);
	EXPECT_EQ(0, shmdev_sems_post(&s, 2, 4, 0));
	EXPECT_EQ(4, s.area[2].state);
	EXPECT_EQ(4, shmdev_sem_getvalue(fd, 2));
	EXPECT_EQ(0, shmdev_sems_unmap(&s));
	EXPECT_EQ(NULL, s.area);
	EXPECT_EQ(-EINVAL, shmdev_sems_unmap(&s));
	EXPECT_EQ(0, shmdev_unlink(NAME("sm"), 0));
	close(fd);
}

TEST(sems_map_bad_arguments_are_rejected)
{
	int fd = shmdev_create(NAME("sb"), 4096, 0600, 0, 1), rw;
	struct shmdev_sems s;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EFAULT, shmdev_sems_map(NULL, fd, 1));
	EXPECT_EQ(-EINVAL, shmdev_sems_map(&s, fd, 0));
	EXPECT_EQ(-EINVAL, shmdev_sems_map(&s, fd, SHMDEV_SEMS_MAX + 1));
	/* More semaphores than the region has. */
	EXPECT_EQ(-ENXIO, shmdev_sems_map(&s, fd, 128));
	EXPECT_EQ(-EBADF, shmdev_sems_map(&s, -1, 1));
	rw = shmdev_open(NAME("sb"), SHMDEV_ACCESS_READ | SHMDEV_ACCESS_WRITE);
	ASSERT_LE(0, rw);
	EXPECT_EQ(-EACCES, shmdev_sems_map(&s, rw, 1));
	EXPECT_EQ(-EINVAL, shmdev_sems_unmap(NULL));
	close(rw);
	EXPECT_EQ(0, shmdev_unlink(NAME("sb"), 0));
	close(fd);
}

TEST(sems_calls_check_their_arguments_as_the_ioctls_do)
{
	struct timespec ok = { .tv_sec = 1 }, bad = { .tv_nsec = -1 };
	int fd = shmdev_create(NAME("sa"), 4096, 0600, 0, 1);
	struct shmdev_sems s;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_sems_map(&s, fd, 1));
	EXPECT_EQ(-EFAULT, shmdev_sems_wait(NULL, 0, 0));
	EXPECT_EQ(-EFAULT, shmdev_sems_post(NULL, 0, 1, 0));
	EXPECT_EQ(-EFAULT, shmdev_sems_timedwait(&s, 0, 0, CLOCK_MONOTONIC,
						 NULL));
	EXPECT_EQ(-EINVAL, shmdev_sems_timedwait(&s, 0, 0, CLOCK_MONOTONIC,
						 &bad));
	EXPECT_EQ(-EINVAL, shmdev_sems_timedwait(&s, 0, 0,
						 CLOCK_PROCESS_CPUTIME_ID, &ok));
	EXPECT_EQ(-EINVAL, shmdev_sems_wait(&s, 0, SHMDEV_SEM_REALTIME));
	EXPECT_EQ(-EINVAL, shmdev_sems_trywait(&s, 0, SHMDEV_SEM_TRY));
	EXPECT_EQ(-EINVAL, shmdev_sems_post(&s, 0, 0, 0));
	EXPECT_EQ(-EINVAL, shmdev_sems_post(&s, 0, SHMDEV_SEM_VALUE_MAX + 1u,
					    0));
	EXPECT_EQ(-EINVAL, shmdev_sems_post(&s, 1, 1, 0));
	EXPECT_EQ(-EINVAL, shmdev_sems_trywait(&s, 1, 0));
	EXPECT_EQ(-ETIMEDOUT, shmdev_sems_timedwait(&s, 0, 0, CLOCK_MONOTONIC,
						    &ok));
	EXPECT_EQ(0, shmdev_sems_post(&s, 0, 1, SHMDEV_SEM_UNDO));
	EXPECT_EQ(0, shmdev_sems_timedwait(&s, 0, 0, CLOCK_MONOTONIC, &ok));
	EXPECT_EQ(0, shmdev_sems_unmap(&s));
	EXPECT_EQ(0, shmdev_unlink(NAME("sa"), 0));
	close(fd);
}

TEST(sem_get_reports_value_waiters_and_status)
{
	struct shmdev_sem_info info;
	int fd = shmdev_create(NAME("gi"), 4096, 0600, 0, 1), i;
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	if (pid == 0)
		_exit(-shmdev_sem_wait(fd, 0, 0));
	for (i = 0; i < 2000; i++) {
		memset(&info, SENTINEL_BYTE, sizeof(info));
		ASSERT_EQ(0, shmdev_sem_get(fd, 0, &info));
		if (info.waiters)
			break;
		usleep(1000);
	}
	EXPECT_EQ(0, info.value);
	EXPECT_EQ(1, info.waiters);
	EXPECT_EQ(0, info.status);
	EXPECT_EQ(-EFAULT, shmdev_sem_get(fd, 0, NULL));
	ASSERT_EQ(0, shmdev_sem_post(fd, 0, 1, 0));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, shmdev_unlink(NAME("gi"), 0));
	close(fd);
}

TEST(sem_undo_reports_a_dead_holder)
{
	struct shmdev_sem_info info;
	int fd = shmdev_create(NAME("ud"), 4096, 0600, 0, 1);
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_sem_post(fd, 0, 1, 0));
	pid = fork();
	if (pid == 0) {
		int h = shmdev_open(NAME("ud"), SHMDEV_ACCESS_SYNC);

		if (h < 0 || shmdev_sem_wait(h, 0, SHMDEV_SEM_UNDO))
			_exit(1);
		raise(SIGKILL);
	}
	EXPECT_EQ(200 + SIGKILL, reap(pid));
	ASSERT_EQ(0, shmdev_sem_get(fd, 0, &info));
	EXPECT_EQ(1, info.value);
	EXPECT_EQ(SHMDEV_SEM_UNDONE, info.status);
	EXPECT_EQ(SHMDEV_SEM_UNDONE, shmdev_sem_wait(fd, 0, 0));
	EXPECT_EQ(0, shmdev_unlink(NAME("ud"), 0));
	close(fd);
}

TEST(sem_set_needs_admin)
{
	int c = shmdev_create(NAME("sa"), 4096, 0600, 0, 1);
	int fd = shmdev_open(NAME("sa"), RS);

	ASSERT_LE(0, c);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EACCES, shmdev_sem_set(fd, 0, 5));
	EXPECT_EQ(0, shmdev_sem_set(c, 0, 5));
	EXPECT_EQ(5, shmdev_sem_getvalue(fd, 0));
	EXPECT_EQ(0, shmdev_unlink(NAME("sa"), 0));
	close(fd);
	close(c);
}

TEST(sem_calls_on_the_control_device_are_enotty)
{
	int fd = shmdev_open_device();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, shmdev_sem_post(fd, 0, 1, 0));
	EXPECT_EQ(-ENOTTY, shmdev_sem_trywait(fd, 0, 0));
	EXPECT_EQ(-ENOTTY, shmdev_sem_getvalue(fd, 0));
	close(fd);
}

TEST(sem_calls_after_unlink_are_eidrm)
{
	int fd = shmdev_create(NAME("rm"), 4096, 0600, 0, 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, shmdev_unlink(NAME("rm"), 0));
	EXPECT_EQ(-EIDRM, shmdev_sem_post(fd, 0, 1, 0));
	EXPECT_EQ(-EIDRM, shmdev_sem_wait(fd, 0, 0));
	close(fd);
}

TEST(sem_wait_interrupted_by_a_handler_is_eintr)
{
	struct timespec later = in_ms(CLOCK_MONOTONIC, 20000);
	int fd = shmdev_create(NAME("in"), 4096, 0600, 0, 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, alarm_in(100, 0));
	EXPECT_EQ(-EINTR, shmdev_sem_wait(fd, 0, 0));
	ASSERT_EQ(0, alarm_in(100, 0));
	EXPECT_EQ(-EINTR, shmdev_sem_timedwait(fd, 0, 0, CLOCK_MONOTONIC,
					       &later));
	EXPECT_EQ(0, shmdev_unlink(NAME("in"), 0));
	close(fd);
}

TEST(sem_wait_resumes_after_an_sa_restart_handler)
{
	int fd = shmdev_create(NAME("re"), 4096, 0600, 0, 1);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	if (pid == 0) {
		/* Post well after the signal has come and gone. */
		usleep(400000);
		_exit(-shmdev_sem_post(fd, 0, 1, 0));
	}
	ASSERT_EQ(0, alarm_in(100, SA_RESTART));
	EXPECT_EQ(0, shmdev_sem_wait(fd, 0, 0));
	/* The handler ran during the wait, which went on. */
	EXPECT_EQ(1, alarms);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, shmdev_unlink(NAME("re"), 0));
	close(fd);
}

FIXTURE(limits) {
	long total;
	long user;
};

FIXTURE_SETUP(limits)
{
	self->total = shmdev_param("max_total_bytes");
	self->user = shmdev_param("max_user_bytes");
	ASSERT_LT(0, self->total);
	ASSERT_LT(0, self->user);
}

FIXTURE_TEARDOWN(limits)
{
	shmdev_param_set("max_total_bytes", self->total);
	shmdev_param_set("max_user_bytes", self->user);
}

TEST_F(limits, create_beyond_the_module_limit_is_enospc)
{
	ASSERT_EQ(0, shmdev_param_set("max_total_bytes", 3 << 20));
	EXPECT_EQ(-ENOSPC, shmdev_create(NAME("big"), 4 << 20, 0600, 0, 0));
	EXPECT_EQ(-ENOENT, shmdev_unlink(NAME("big"), 0));
}

TEST_F(limits, create_beyond_the_user_limit_is_edquot)
{
	pid_t pid;

	ASSERT_EQ(0, shmdev_param_set("max_user_bytes", 1 << 20));
	pid = fork();
	if (pid == 0) {
		if (drop_to(TEST_UID, TEST_GID, NULL, 0))
			_exit(99);
		_exit(-shmdev_create(NAME("q"), 2 << 20, 0600, 0, 0));
	}
	EXPECT_EQ(EDQUOT, reap(pid));
}

TEST(no_errno_is_set)
{
	struct shmdev_sems sems;
	struct shmdev_stat st;

	errno = 1234;
	EXPECT_EQ(-ENOENT, shmdev_open(NAME("none"), SHMDEV_ACCESS_READ));
	EXPECT_EQ(-EBADF, shmdev_stat(-1, &st));
	EXPECT_EQ(-EINVAL, shmdev_acl_parse("u", NULL, 0));
	EXPECT_EQ(-EINVAL, shmdev_sems_map(&sems, 0, 0));
	EXPECT_EQ(-EBADF, shmdev_sems_map(&sems, -1, 1));
	EXPECT_EQ(1234, errno);
}

TEST_HARNESS_MAIN
