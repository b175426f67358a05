// SPDX-License-Identifier: GPL-2.0
/*
 * The control device itself and the split of commands between it and
 * region fds: node, version query, unknown commands, argument pointers and
 * reserved fields, region fd lifetime.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

#define MISC_MAJOR	10

TEST(device_node_is_misc_char_device_mode_0666)
{
	unsigned int maj = ~0u, min = ~0u;
	struct stat st;
	FILE *f;

	ASSERT_EQ(0, stat(SHMDEV_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666, st.st_mode & 07777);
	EXPECT_EQ(MISC_MAJOR, major(st.st_rdev));

	f = fopen("/sys/class/misc/shmdev/dev", "re");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(2, fscanf(f, "%u:%u", &maj, &min));
	fclose(f);
	EXPECT_EQ(maj, major(st.st_rdev));
	EXPECT_EQ(min, minor(st.st_rdev));
}

TEST(device_is_not_seekable)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	close(fd);
}

TEST(version_reports_documented_values)
{
	struct shmdev_version v;
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	version_arg_init(&v);
	ASSERT_EQ(0, ioctl(fd, SHMDEV_IOC_VERSION, &v));
	EXPECT_EQ(0, v.flags);
	EXPECT_EQ(2, v.api_version);
	EXPECT_EQ(SHMDEV_API_VERSION, v.api_version);
	EXPECT_EQ(SHMDEV_FEATURE_REGIONS | SHMDEV_FEATURE_ACL |
		  SHMDEV_FEATURE_SEMS | SHMDEV_FEATURE_SEM_FD |
		  SHMDEV_FEATURE_SEM_MAP, v.features);
	EXPECT_EQ(31, v.features);
	EXPECT_EQ(256, v.name_max);
	EXPECT_EQ(0x7fffffff, v.sem_value_max);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(0, v.reserved[i]);
	close(fd);
}

TEST(version_works_on_read_only_open)
{
	struct shmdev_version v;
	int fd = open(SHMDEV_PATH, O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	version_arg_init(&v);
	ASSERT_EQ(0, ioctl(fd, SHMDEV_IOC_VERSION, &v));
	EXPECT_EQ(2, v.api_version);
	EXPECT_EQ(SHMDEV_API_VERSION, v.api_version);
	close(fd);
}

TEST(version_struct_layout_is_fixed)
{
	/* The ABI: 56 bytes, no implicit padding, same on 32 and 64 bit. */
	EXPECT_EQ(56, sizeof(struct shmdev_version));
	EXPECT_EQ(0, __builtin_offsetof(struct shmdev_version, flags));
	EXPECT_EQ(4, __builtin_offsetof(struct shmdev_version, api_version));
	EXPECT_EQ(8, __builtin_offsetof(struct shmdev_version, features));
	EXPECT_EQ(16, __builtin_offsetof(struct shmdev_version, name_max));
	EXPECT_EQ(20, __builtin_offsetof(struct shmdev_version, sem_value_max));
	EXPECT_EQ(24, __builtin_offsetof(struct shmdev_version, reserved));
}

TEST(unknown_command_number_is_enotty)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, _IO(SHMDEV_IOC_MAGIC, 0xff)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR(SHMDEV_IOC_MAGIC, 0x7f, __u64), NULL));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(foreign_magic_is_enotty)
{
	struct shmdev_version v;
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	version_arg_init(&v);
	EXPECT_EQ(-1, ioctl(fd, _IOWR('N', 0x00, struct shmdev_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(SENTINEL_U32, v.api_version);
	close(fd);
}

TEST(version_with_wrong_size_is_enotty)
{
	__u64 buf[16];
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(-1, ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, SHMDEV_IOC_MAGIC,
				     0x00, 32), buf));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, SHMDEV_IOC_MAGIC,
				     0x00, 128), buf));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(version_with_wrong_direction_is_enotty)
{
	struct shmdev_version v;
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	version_arg_init(&v);
	EXPECT_EQ(-1, ioctl(fd, _IOR(SHMDEV_IOC_MAGIC, 0x00,
				     struct shmdev_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOW(SHMDEV_IOC_MAGIC, 0x00,
				     struct shmdev_version), &v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(SENTINEL_U32, v.api_version);
	close(fd);
}

TEST(null_argument_is_efault)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(unmapped_argument_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = shmdev_open_dev();
	void *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, page));
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_VERSION, p));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(read_only_argument_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	struct shmdev_version *v;
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	/* A zero page is a valid input, so only the copy-out can fail. */
	v = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, v);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_VERSION, v));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, v->api_version);
	munmap(v, page);
	close(fd);
}

TEST(argument_straddling_into_unmapped_page_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	struct shmdev_version *v;
	int fd = shmdev_open_dev();
	char *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + page, page));
	/* The first 32 bytes are mapped and valid, the rest is not. */
	v = (struct shmdev_version *)(p + page - 32);
	memset(v, 0, 32);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_VERSION, v));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, page);
	close(fd);
}

TEST(version_unknown_flags_are_einval)
{
	struct shmdev_version v;
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	for (int bit = 0; bit < 32; bit++) {
		version_arg_init(&v);
		v.flags = 1u << bit;
		EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_VERSION, &v));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(SENTINEL_U32, v.api_version);
		EXPECT_EQ(SENTINEL_U64, v.features);
	}
	close(fd);
}

TEST(version_nonzero_reserved_is_einval)
{
	struct shmdev_version v;
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	for (int i = 0; i < 4; i++) {
		version_arg_init(&v);
		v.reserved[i] = 1ull << (i * 16 + 3);
		EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_VERSION, &v));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(SENTINEL_U32, v.api_version);
		EXPECT_EQ(SENTINEL_U32, v.name_max);
	}
	close(fd);
}

TEST(control_device_opens_hold_no_handle)
{
	long before = debug_stat("handles");
	int fd = shmdev_open_dev();

	ASSERT_LE(0, before);
	ASSERT_LE(0, fd);
	EXPECT_EQ(before, debug_stat("handles"));
	close(fd);
}

TEST(control_device_cannot_be_mapped)
{
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
}

/* Each of the @n commands @cmds on @fd fails with ENOTTY. */
static void expect_enotty(struct __test_metadata *_metadata, int fd,
			  const unsigned long *cmds, size_t n)
{
	char arg[512] = { 0 };

	for (size_t i = 0; i < n; i++) {
		EXPECT_EQ(-1, ioctl(fd, cmds[i], arg)) TH_LOG("cmd %zu", i);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %zu", i);
	}
}

TEST(region_commands_on_the_control_device_are_enotty)
{
	static const unsigned long cmds[] = {
		SHMDEV_IOC_GET_ACL, SHMDEV_IOC_SET_ACL, SHMDEV_IOC_SET_PERM,
		SHMDEV_IOC_SEM_WAIT, SHMDEV_IOC_SEM_POST, SHMDEV_IOC_SEM_GET,
		SHMDEV_IOC_SEM_SET, SHMDEV_IOC_SEM_FD,
	};
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	expect_enotty(_metadata, fd, cmds, sizeof(cmds) / sizeof(cmds[0]));
	close(fd);
}

TEST(control_commands_on_a_region_fd_are_enotty)
{
	static const unsigned long cmds[] = {
		SHMDEV_IOC_CREATE, SHMDEV_IOC_OPEN, SHMDEV_IOC_LIST,
	};
	int fd = region_new(NAME("r"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);

	ASSERT_LE(0, fd);
	expect_enotty(_metadata, fd, cmds, sizeof(cmds) / sizeof(cmds[0]));
	close(fd);
}

TEST(version_works_on_a_region_fd)
{
	struct shmdev_version v;
	int fd = region_new(NAME("r"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);

	ASSERT_LE(0, fd);
	version_arg_init(&v);
	ASSERT_EQ(0, ioctl(fd, SHMDEV_IOC_VERSION, &v));
	EXPECT_EQ(SHMDEV_API_VERSION, v.api_version);
	close(fd);
}

TEST(region_fds_are_counted)
{
	enum { N = 1000 };
	long before = debug_stat("handles");
	long slab_before = slab_attr(SHMDEV_HANDLE_CACHE, "objects");
	struct rlimit rl = { N + 64, N + 64 };
	static int fds[N];
	int ctl = shmdev_open_dev(), fd;

	ASSERT_LE(0, before);
	ASSERT_LE(0, slab_before);
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	fd = region_create(ctl, NAME("r"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	ASSERT_LE(0, fd);
	for (int i = 0; i < N; i++) {
		fds[i] = region_open_on(ctl, NAME("r"), SHMDEV_ACCESS_READ);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_EQ(before + N + 1, debug_stat("handles"));
	EXPECT_LE(slab_before + N, slab_attr(SHMDEV_HANDLE_CACHE, "objects"));
	for (int i = 0; i < N; i++)
		ASSERT_EQ(0, close(fds[i]));
	EXPECT_EQ(before + 1, debug_stat("handles"));
	close(fd);
	close(ctl);
	EXPECT_EQ(before, debug_stat("handles"));
}

TEST(region_fd_open_close_10000_times_leaks_nothing)
{
	long before = debug_stat("handles");
	long slab_before = slab_attr(SHMDEV_HANDLE_CACHE, "objects");
	long per_slab = slab_attr(SHMDEV_HANDLE_CACHE, "objs_per_slab");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int ctl = shmdev_open_dev(), fd;

	ASSERT_LE(0, before);
	ASSERT_LE(0, slab_before);
	ASSERT_LT(0, per_slab);
	ASSERT_LE(0, ctl);
	fd = region_create(ctl, NAME("r"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	ASSERT_LE(0, fd);
	for (int i = 0; i < 10000; i++) {
		int h = region_open_on(ctl, NAME("r"), SHMDEV_ACCESS_READ);

		ASSERT_LE(0, h);
		ASSERT_EQ(0, close(h));
	}
	EXPECT_EQ(before + 1, debug_stat("handles"));
	close(fd);
	close(ctl);
	EXPECT_EQ(before, debug_stat("handles"));
	/* SLUB counts free objects on per-cpu slabs as in use: one slab a CPU. */
	EXPECT_GE(slab_before + 1 + cpus * per_slab,
		  slab_attr(SHMDEV_HANDLE_CACHE, "objects"));
}

TEST_HARNESS_MAIN
