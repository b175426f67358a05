// SPDX-License-Identifier: GPL-2.0
/*
 * Every kernel path that reaches a region's pages or its file without a
 * fresh mmap of a region fd: remap_file_pages(), madvise() advice that
 * punches holes or collapses huge pages, reopening through /proc/PID/fd
 * and /proc/PID/map_files, access through /proc/PID/mem,
 * process_vm_writev() and ptrace(), truncation and allocation, splice and
 * copy, seals, attributes, fstat and fdinfo. Each TEST is one path; the
 * revocation cases run as an unprivileged user, since root's
 * CAP_IPC_OWNER overrides every check.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/fs.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define R	SHMDEV_ACCESS_READ
#define W	SHMDEV_ACCESS_WRITE
#define UID	2101
#define GID	2101
#define HUGE	(2UL << 20)

/* --- a child that maps, waits for a revocation, then tries a path ------ */

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

static void catch_faults(void)
{
	struct sigaction sa = { .sa_handler = on_fault };

	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* Read one byte at @p: the byte, or -signal if the access faulted. */
static int probe_read(volatile char *p)
{
	int sig = sigsetjmp(fault_jmp, 1);

	if (sig)
		return -sig;
	return (unsigned char)*p;
}

/* Write @v at @p: 0, or -signal if the access faulted. */
static int probe_write(volatile char *p, char v)
{
	int sig = sigsetjmp(fault_jmp, 1);

	if (sig)
		return -sig;
	*p = v;
	return 0;
}

/**
 * struct attempt - one bypass attempt by an unprivileged child
 * @name: the region
 * @len: bytes the child maps
 * @access: rights the child's region fd is bound with, and its ACL entry
 * @keep: the child's ACL entry after the revocation
 * @prot: protection of the child's mapping
 * @before: if set, run in the child before the revocation; 0 on success
 * @try: run in the child after the revocation; 0 if the path was refused
 * @fd: the child's region fd
 * @p: the child's mapping
 */
struct attempt {
	const char *name;
	size_t len;
	__u32 access;
	__u32 keep;
	int prot;
	int (*before)(struct attempt *a);
	int (*try)(struct attempt *a);
	int fd;
	char *p;
	int ready[2];
	int done[2];
};

static int attempt_child(struct attempt *a)
{
	char c;

	if (drop_to(UID, GID, NULL, 0))
		return 90;
	a->fd = region_open(a->name, a->access);
	if (a->fd < 0)
		return 91;
	a->p = mmap(NULL, a->len, a->prot, MAP_SHARED, a->fd, 0);
	if (a->p == MAP_FAILED)
		return 92;
	/* Fault every page in while the right is still there. */
	for (size_t i = 0; i < a->len; i += page_size())
		if (probe_read(a->p + i) < 0)
			return 93;
	catch_faults();
	if (a->before && a->before(a))
		return 95;
	if (write(a->ready[1], "r", 1) != 1 || read(a->done[0], &c, 1) != 1)
		return 94;
	return a->try(a);
}

/*
 * Create @a->name (root, @size bytes, filled with 0x5a), let the child in
 * with @a->access, revoke down to @a->keep once it is mapped, and return
 * the child's verdict.
 */
static int attempt_run(struct attempt *a, size_t size)
{
	struct shmdev_acl_entry e = { .tag = SHMDEV_ACL_USER, .id = UID };
	char *p, c;
	pid_t pid;
	int fd, ret;

	fd = region_new(a->name, size, 0600, 0);
	if (fd < 0)
		return fd;
	p = map(fd, size, PROT_READ | PROT_WRITE, 0);
	if (p == MAP_FAILED)
		return -errno;
	memset(p, 0x5a, size);
	munmap(p, size);
	e.rights = a->access;
	if (acl_set(fd, &e, 1) || pipe(a->ready) || pipe(a->done))
		return -errno;
	pid = fork();
	if (pid == 0)
		_exit(attempt_child(a));
	if (read(a->ready[0], &c, 1) == 1) {
		e.rights = a->keep;
		if (acl_set(fd, &e, 1))
			kill(pid, SIGKILL);
	}
	if (write(a->done[1], "d", 1) != 1)
		kill(pid, SIGKILL);
	ret = reap(pid);
	close(a->ready[0]);
	close(a->ready[1]);
	close(a->done[0]);
	close(a->done[1]);
	close(fd);
	return ret;
}

/* Whether every byte of @name's first @size bytes is still 0x5a. */
static bool region_intact(const char *name, size_t size)
{
	int fd = region_open(name, R);
	bool ok = fd >= 0;
	char *p;

	p = ok ? map(fd, size, PROT_READ, 0) : MAP_FAILED;
	ok = p != MAP_FAILED;
	for (size_t i = 0; ok && i < size; i++)
		ok = p[i] == 0x5a;
	if (p != MAP_FAILED)
		munmap(p, size);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* @a refused, with @a->len bytes of region left intact and then removed. */
static void expect_refused(struct __test_metadata *_metadata,
			   struct attempt *a)
{
	EXPECT_EQ(0, attempt_run(a, a->len));
	EXPECT_TRUE(region_intact(a->name, a->len));
	EXPECT_EQ(0, region_unlink(a->name));
}

/* A one-page read-only handle's mapping refuses @try's path. */
static void expect_read_only_refused(struct __test_metadata *_metadata,
				     const char *name,
				     int (*try)(struct attempt *a))
{
	struct attempt a = {
		.name = name, .len = page_size(), .access = R, .keep = R,
		.prot = PROT_READ, .try = try,
	};

	expect_refused(_metadata, &a);
}

/* A one-page writable mapping that lost WRITE refuses @try's path. */
static void expect_revoked_write_refused(struct __test_metadata *_metadata,
					 const char *name,
					 int (*try)(struct attempt *a))
{
	struct attempt a = {
		.name = name, .len = page_size(), .access = R | W, .keep = R,
		.prot = PROT_READ | PROT_WRITE, .try = try,
	};

	expect_refused(_metadata, &a);
}

/* --- remap_file_pages() ------------------------------------------------ */

/*
 * A read-only handle's mapping is not VM_SHARED (its file is not open for
 * writing), so remap_file_pages() refuses it, and it stays read-only.
 */
static int try_remap_read_only(struct attempt *a)
{
	long pg = page_size();

	if (!remap_file_pages(a->p, pg, 0, 1, 0))
		return 1;
	if (errno != EINVAL)
		return 2;
	if (!mprotect(a->p, pg, PROT_READ | PROT_WRITE) || errno != EACCES)
		return 3;
	if (probe_write(a->p, 1) >= 0)
		return 4;
	return probe_read(a->p) == 0x5a ? 0 : 5;
}

TEST(remap_file_pages_of_a_read_only_handle_fails_and_it_stays_read_only)
{
	struct attempt a = {
		.name = NAME("ro"), .len = 2 * page_size(), .access = R,
		.keep = R, .prot = PROT_READ, .try = try_remap_read_only,
	};

	expect_refused(_metadata, &a);
}

/* After the revocation, remapping fails and the old pages stay away. */
static int try_remap_refused(struct attempt *a)
{
	long pg = page_size();

	if (!remap_file_pages(a->p, pg, 0, 1, 0))
		return 1;
	if (errno != EACCES)
		return 2;
	if (probe_read(a->p) >= 0 || probe_read(a->p + pg) >= 0)
		return 3;
	if (probe_write(a->p + pg, 1) >= 0)
		return 4;
	return 0;
}

TEST(remap_file_pages_after_read_is_revoked_fails)
{
	struct attempt a = {
		.name = NAME("r"), .len = 2 * page_size(), .access = R | W,
		.keep = W, .prot = PROT_READ | PROT_WRITE,
		.try = try_remap_refused,
	};

	expect_refused(_metadata, &a);
}

TEST(remap_file_pages_after_every_right_is_revoked_fails)
{
	struct attempt a = {
		.name = NAME("n"), .len = 2 * page_size(), .access = R | W,
		.keep = 0, .prot = PROT_READ | PROT_WRITE,
		.try = try_remap_refused,
	};

	expect_refused(_metadata, &a);
}

/* A writable mapping that lost WRITE cannot be remapped writable. */
static int try_remap_writable_refused(struct attempt *a)
{
	long pg = page_size();

	if (!remap_file_pages(a->p, pg, 0, 1, 0))
		return 1;
	if (errno != EACCES)
		return 2;
	if (probe_write(a->p + pg, 1) >= 0)
		return 3;
	return 0;
}

TEST(remap_file_pages_after_write_is_revoked_fails)
{
	struct attempt a = {
		.name = NAME("w"), .len = 2 * page_size(), .access = R | W,
		.keep = R, .prot = PROT_READ | PROT_WRITE,
		.try = try_remap_writable_refused,
	};

	expect_refused(_metadata, &a);
}

TEST(remap_file_pages_mapping_is_counted_and_shares_the_pages)
{
	long pg = page_size();
	int fd = region_new(NAME("c"), 2 * pg, 0600, SHMDEV_CREATE_TRANSIENT);
	struct shmdev_stat st;
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 2 * pg, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p + pg, "page one");
	/* Page 1 of the region now shows at page 0 of the mapping too. */
	ASSERT_EQ(0, remap_file_pages(p, pg, 0, 1, 0));
	EXPECT_STREQ("page one", p);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(2, st.mappings);
	munmap(p, 2 * pg);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(0, st.mappings);
	close(fd);
}

/*
 * Two adjacent read-only mappings made after WRITE was revoked from a
 * region fd open for writing: the kernel may merge or extend VMAs around
 * the mmap handler, and the count must still come back to 0.
 */
static int try_adjacent_maps(struct attempt *a)
{
	long pg = page_size();
	struct shmdev_stat st;
	char *p;

	munmap(a->p, a->len);
	p = mmap(NULL, 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	if (mmap(p, pg, PROT_READ, MAP_SHARED | MAP_FIXED, a->fd, 0) != p ||
	    mmap(p + pg, pg, PROT_READ, MAP_SHARED | MAP_FIXED, a->fd, pg) !=
	    p + pg)
		return 2;
	if (probe_read(p) != 0x5a || probe_read(p + pg) != 0x5a)
		return 3;
	if (!mprotect(p, 2 * pg, PROT_READ | PROT_WRITE))
		return 4;
	munmap(p, 2 * pg);
	if (region_stat(a->fd, NULL, &st))
		return 5;
	return st.mappings ? 6 : 0;
}

TEST(adjacent_mappings_after_write_is_revoked_are_counted_right)
{
	struct attempt a = {
		.name = NAME("adj"), .len = 2 * page_size(), .access = R | W,
		.keep = R, .prot = PROT_READ | PROT_WRITE,
		.try = try_adjacent_maps,
	};

	expect_refused(_metadata, &a);
}

/* --- madvise() ------------------------------------------------------- */

static int try_madv_remove(struct attempt *a)
{
	return madvise(a->p, a->len, MADV_REMOVE) ? 0 : 1;
}

TEST(madv_remove_after_write_is_revoked_changes_nothing)
{
	struct attempt a = {
		.name = NAME("rm"), .len = 4 * page_size(), .access = R | W,
		.keep = R, .prot = PROT_READ | PROT_WRITE,
		.try = try_madv_remove,
	};

	expect_refused(_metadata, &a);
}

/* No hole punching at all: a region's size and pages are its creator's. */
TEST(madv_remove_is_refused_even_with_write)
{
	long pg = page_size();
	int fd = region_new(NAME("rmw"), 4 * pg, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4 * pg, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, 4 * pg);
	EXPECT_EQ(-1, madvise(p, 4 * pg, MADV_REMOVE));
	EXPECT_EQ(ENODEV, errno);
	munmap(p, 4 * pg);
	EXPECT_TRUE(region_intact(NAME("rmw"), 4 * pg));
	EXPECT_EQ(0, region_unlink(NAME("rmw")));
	close(fd);
}

/* A mapping of @fd whose first 2 MiB are aligned for a huge PMD. */
static char *map_huge_aligned(int fd, int prot, char **base)
{
	char *b = mmap(NULL, 2 * HUGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *p;

	if (b == MAP_FAILED)
		return MAP_FAILED;
	p = (char *)(((unsigned long)b + HUGE - 1) & ~(HUGE - 1));
	*base = b;
	return mmap(p, HUGE, prot, MAP_SHARED | MAP_FIXED, fd, 0);
}

TEST(madv_collapse_is_refused_and_maps_no_huge_page)
{
	int fd = region_new(NAME("hp"), HUGE, 0600, SHMDEV_CREATE_TRANSIENT);
	char *base, *p;

	ASSERT_LE(0, fd);
	p = map_huge_aligned(fd, PROT_READ | PROT_WRITE, &base);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, HUGE);
	madvise(p, HUGE, MADV_HUGEPAGE);
	EXPECT_EQ(-1, madvise(p, HUGE, MADV_COLLAPSE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, smaps_kib(p, "FilePmdMapped"));
	munmap(base, 2 * HUGE);
	close(fd);
}

static int try_collapse_then_read(struct attempt *a)
{
	madvise(a->p, HUGE, MADV_HUGEPAGE);
	if (!madvise(a->p, HUGE, MADV_COLLAPSE))
		return 1;
	return probe_read(a->p) >= 0 || probe_read(a->p + HUGE - 1) >= 0 ?
	       2 : 0;
}

/* The child maps 2 MiB-aligned itself: attempt_child() maps anywhere. */
static int attempt_child_huge(struct attempt *a)
{
	char *base, c;

	if (drop_to(UID, GID, NULL, 0))
		return 90;
	a->fd = region_open(a->name, a->access);
	if (a->fd < 0)
		return 91;
	a->p = map_huge_aligned(a->fd, PROT_READ, &base);
	if (a->p == MAP_FAILED)
		return 92;
	for (size_t i = 0; i < HUGE; i += page_size())
		if (probe_read(a->p + i) < 0)
			return 93;
	catch_faults();
	if (a->before && a->before(a))
		return 95;
	if (write(a->ready[1], "r", 1) != 1 || read(a->done[0], &c, 1) != 1)
		return 94;
	return a->try(a);
}

TEST(madv_collapse_after_read_is_revoked_maps_nothing)
{
	struct shmdev_acl_entry e = { .tag = SHMDEV_ACL_USER, .id = UID,
				      .rights = R };
	struct attempt a = { .name = NAME("hr"), .len = HUGE, .access = R,
			     .try = try_collapse_then_read };
	int fd = region_new(a.name, HUGE, 0600, 0);
	char c;
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, &e, 1));
	ASSERT_EQ(0, pipe(a.ready));
	ASSERT_EQ(0, pipe(a.done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(attempt_child_huge(&a));
	ASSERT_EQ(1, read(a.ready[0], &c, 1));
	e.rights = 0;
	ASSERT_EQ(0, acl_set(fd, &e, 1));
	ASSERT_EQ(1, write(a.done[1], "d", 1));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, region_unlink(a.name));
	close(fd);
}

/* --- reopening by path ----------------------------------------------- */

TEST(map_files_reopen_of_a_mapping_fails)
{
	long pg = page_size();
	int fd = region_new(NAME("mf"), pg, 0600, SHMDEV_CREATE_TRANSIENT);
	char path[128];
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, pg, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)p, (unsigned long)p + pg);
	EXPECT_EQ(-1, open(path, O_RDWR));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, open(path, O_RDONLY));
	EXPECT_EQ(ENXIO, errno);
	munmap(p, pg);
	close(fd);
}

TEST(proc_fd_reopen_of_a_region_fd_fails_for_root)
{
	int fd = region_new(NAME("pf"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	char path[64];

	ASSERT_LE(0, fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	EXPECT_EQ(-1, open(path, O_RDWR));
	EXPECT_EQ(ENXIO, errno);
	close(fd);
}

static int try_reopen(struct attempt *a)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", a->fd);
	if (open(path, O_RDONLY) >= 0 || errno != EACCES)
		return 1;
	if (open(path, O_RDWR) >= 0 || errno != EACCES)
		return 2;
	return 0;
}

TEST(proc_fd_reopen_of_a_region_fd_fails_for_a_user)
{
	struct attempt a = {
		.name = NAME("pu"), .len = page_size(), .access = R,
		.keep = R, .prot = PROT_READ, .try = try_reopen,
	};

	EXPECT_EQ(0, attempt_run(&a, a.len));
	EXPECT_EQ(0, region_unlink(a.name));
}

TEST(truncate_and_ftruncate_of_a_region_fd_fail)
{
	long pg = page_size();
	int fd = region_new(NAME("t"), 2 * pg, 0600, 0);
	struct shmdev_stat st;
	char path[64];
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 2 * pg, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, 2 * pg);
	munmap(p, 2 * pg);
	EXPECT_EQ(-1, ftruncate(fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ftruncate(fd, 1 << 30));
	EXPECT_EQ(EINVAL, errno);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	EXPECT_EQ(-1, truncate(path, 0));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(2 * pg, st.size);
	EXPECT_TRUE(region_intact(NAME("t"), 2 * pg));
	EXPECT_EQ(0, region_unlink(NAME("t")));
	close(fd);
}

TEST(fallocate_of_a_region_fd_fails)
{
	int fd = region_new(NAME("fa"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	int ro;

	ASSERT_LE(0, fd);
	ro = region_open(NAME("fa"), R);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-1, fallocate(fd, 0, 0, 1 << 20));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				0, 4096));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, fallocate(ro, 0, 0, 4096));
	EXPECT_EQ(EBADF, errno);
	close(ro);
	close(fd);
}

/* --- another process's view: /proc/PID/mem, process_vm, ptrace ---------- */

/*
 * These reach a mapping through get_user_pages() on a process's behalf, and
 * /proc/PID/mem and ptrace() force (FOLL_FORCE) writes that the mapping's
 * protection would refuse. Each try reads through the same path first, so
 * that a refused write is the mapping's doing, not the path's. The drop
 * from root left the child undumpable, which gives its /proc files to root
 * and refuses a trace before either reaches the mapping, so the tries that
 * need them make the child dumpable again.
 */
static int try_proc_mem(struct attempt *a)
{
	off_t at = (off_t)(uintptr_t)a->p;
	char c = 0;
	int fd, ret = 0;

	if (prctl(PR_SET_DUMPABLE, 1))
		return 1;
	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 1;
	if (pread(fd, &c, 1, at) != 1 || c != 0x5a)
		ret = 2;
	c = 1;
	if (!ret && pwrite(fd, &c, 1, at) != -1)
		ret = 3;
	close(fd);
	if (!ret && probe_read(a->p) != 0x5a)
		ret = 4;
	return ret;
}

TEST(proc_mem_write_to_a_read_only_mapping_fails)
{
	expect_read_only_refused(_metadata, NAME("mr"), try_proc_mem);
}

TEST(proc_mem_write_after_write_is_revoked_fails)
{
	expect_revoked_write_refused(_metadata, NAME("mw"), try_proc_mem);
}

static int try_process_vm_writev(struct attempt *a)
{
	char c = 0;
	struct iovec local = { .iov_base = &c, .iov_len = 1 };
	struct iovec remote = { .iov_base = a->p, .iov_len = 1 };

	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != 1 ||
	    c != 0x5a)
		return 1;
	c = 1;
	if (process_vm_writev(getpid(), &local, 1, &remote, 1, 0) != -1)
		return 2;
	return probe_read(a->p) == 0x5a ? 0 : 3;
}

TEST(process_vm_writev_after_write_is_revoked_fails)
{
	expect_revoked_write_refused(_metadata, NAME("pv"),
				     try_process_vm_writev);
}

/* A traced copy of the child, mapping included, is peeked and poked. */
static int try_ptrace_poke(struct attempt *a)
{
	long word;
	int status, ret = 0;
	pid_t pid;

	if (prctl(PR_SET_DUMPABLE, 1))
		return 1;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		ret = 3;
	errno = 0;
	word = ret ? 0 : ptrace(PTRACE_PEEKDATA, pid, a->p, NULL);
	if (!ret && (errno || word != 0x5a5a5a5a5a5a5a5aL))
		ret = 4;
	if (!ret && ptrace(PTRACE_POKEDATA, pid, a->p, (void *)(word ^ 1)) != -1)
		ret = 5;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!ret && probe_read(a->p) != 0x5a)
		ret = 6;
	return ret;
}

TEST(ptrace_poke_into_a_read_only_mapping_fails)
{
	expect_read_only_refused(_metadata, NAME("tr"), try_ptrace_poke);
}

TEST(ptrace_poke_after_write_is_revoked_fails)
{
	expect_revoked_write_refused(_metadata, NAME("tw"), try_ptrace_poke);
}

/*
 * What outlives a revocation by design (userspace-api.rst, "Live
 * revocation"): a page reference taken while the right was held. The
 * child vmsplice()s its mapped page into a pipe, loses READ, and still
 * reads the page out of the pipe, though no longer through its mapping.
 */
static int splice_pipe[2];

static int vmsplice_page(struct attempt *a)
{
	struct iovec iov = { .iov_base = a->p, .iov_len = page_size() };

	if (pipe(splice_pipe))
		return 1;
	return vmsplice(splice_pipe[1], &iov, 1, 0) == (ssize_t)iov.iov_len ?
	       0 : 2;
}

static int try_read_spliced_page(struct attempt *a)
{
	long pg = page_size();
	char *buf = malloc(pg);

	if (!buf || read(splice_pipe[0], buf, pg) != pg)
		return 1;
	for (long i = 0; i < pg; i++)
		if (buf[i] != 0x5a)
			return 2;
	free(buf);
	return probe_read(a->p) == -SIGBUS ? 0 : 3;
}

TEST(vmsplice_before_a_revocation_keeps_its_page_reference)
{
	struct attempt a = {
		.name = NAME("vs"), .len = page_size(), .access = R, .keep = 0,
		.prot = PROT_READ, .before = vmsplice_page,
		.try = try_read_spliced_page,
	};

	EXPECT_EQ(0, attempt_run(&a, a.len));
	EXPECT_EQ(0, region_unlink(a.name));
}

/* --- data paths other than a mapping ------------------------------------ */

TEST(read_write_splice_and_copy_of_a_region_fd_fail)
{
	int fd = region_new(NAME("io"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	char buf[16] = "0123456789";
	loff_t off = 0;
	int pfd[2], mfd;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(pfd));
	mfd = memfd_create("src", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(10, write(mfd, buf, 10));
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pwrite(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, sendfile(fd, mfd, &off, 10));
	EXPECT_EQ(-1, copy_file_range(mfd, &off, fd, NULL, 10, 0));
	EXPECT_EQ(-1, splice(fd, NULL, pfd[1], NULL, 10, 0));
	ASSERT_EQ(10, write(pfd[1], buf, 10));
	EXPECT_EQ(-1, splice(pfd[0], NULL, fd, NULL, 10, 0));
	close(pfd[0]);
	close(pfd[1]);
	close(mfd);
	close(fd);
}

TEST(seals_cannot_be_added)
{
	int fd = region_new(NAME("sl"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);

	ASSERT_LE(0, fd);
	EXPECT_EQ(F_SEAL_SEAL, fcntl(fd, F_GET_SEALS));
	EXPECT_EQ(-1, fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	EXPECT_EQ(EPERM, errno);
	close(fd);
}

static int try_attributes(struct attempt *a)
{
	int flags = FS_APPEND_FL;

	if (!fchmod(a->fd, 0777) || errno != EPERM)
		return 1;
	if (!fchown(a->fd, UID, GID) || errno != EPERM)
		return 2;
	if (!ioctl(a->fd, FS_IOC_SETFLAGS, &flags))
		return 3;
	return 0;
}

TEST(inode_attributes_cannot_be_changed_by_a_user)
{
	struct attempt a = {
		.name = NAME("at"), .len = page_size(), .access = R | W,
		.keep = R | W, .prot = PROT_READ, .try = try_attributes,
	};

	EXPECT_EQ(0, attempt_run(&a, a.len));
	EXPECT_EQ(0, region_unlink(a.name));
}

/* --- a handle with SYNC but not WRITE ---------------------------------- */

/*
 * SYNC opens the region fd for writing, to map the semaphore area, so a
 * READ|SYNC handle's data mapping is VM_SHARED with VM_MAYWRITE, unlike a
 * READ handle's: every path that writes through such a mapping must still
 * be refused.
 */
static void expect_sync_reader_refused(struct __test_metadata *_metadata,
				       const char *name,
				       int (*try)(struct attempt *a))
{
	struct attempt a = {
		.name = name, .len = page_size(),
		.access = R | SHMDEV_ACCESS_SYNC,
		.keep = R | SHMDEV_ACCESS_SYNC, .prot = PROT_READ, .try = try,
	};

	expect_refused(_metadata, &a);
}

static int try_mprotect_write(struct attempt *a)
{
	if (!mprotect(a->p, page_size(), PROT_READ | PROT_WRITE) ||
	    errno != EACCES)
		return 1;
	if (probe_write(a->p, 1) >= 0)
		return 2;
	return probe_read(a->p) == 0x5a ? 0 : 3;
}

/* remap_file_pages() re-maps through ->mmap, with the VMA's PROT_READ. */
static int try_remap_then_write(struct attempt *a)
{
	remap_file_pages(a->p, page_size(), 0, 0, 0);
	if (probe_write(a->p, 1) >= 0)
		return 1;
	return probe_read(a->p) == 0x5a ? 0 : 2;
}

static int try_populate_write(struct attempt *a)
{
	if (!madvise(a->p, page_size(), MADV_POPULATE_WRITE))
		return 1;
	return probe_read(a->p) == 0x5a ? 0 : 2;
}

TEST(sync_reader_mprotect_to_write_fails)
{
	expect_sync_reader_refused(_metadata, NAME("sm"), try_mprotect_write);
}

TEST(sync_reader_remap_file_pages_stays_read_only)
{
	expect_sync_reader_refused(_metadata, NAME("sr"), try_remap_then_write);
}

TEST(sync_reader_madv_populate_write_fails)
{
	expect_sync_reader_refused(_metadata, NAME("sp"), try_populate_write);
}

TEST(sync_reader_proc_mem_write_fails)
{
	expect_sync_reader_refused(_metadata, NAME("sw"), try_proc_mem);
}

TEST(sync_reader_ptrace_poke_fails)
{
	expect_sync_reader_refused(_metadata, NAME("st"), try_ptrace_poke);
}

TEST(sync_reader_process_vm_writev_fails)
{
	expect_sync_reader_refused(_metadata, NAME("sv"),
				   try_process_vm_writev);
}

/* --- what a region fd shows ------------------------------------------- */

/*
 * SYNC opens the file for writing too, to map the semaphore area
 * writable; the data stays refused PROT_WRITE without WRITE.
 */
TEST(region_fd_is_opened_for_writing_only_with_write_or_sync)
{
	int fd = region_new(NAME("fl"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	int ro, rs, rw;

	ASSERT_LE(0, fd);
	ro = region_open(NAME("fl"), R);
	rs = region_open(NAME("fl"), R | SHMDEV_ACCESS_SYNC);
	rw = region_open(NAME("fl"), R | W);
	ASSERT_LE(0, ro);
	ASSERT_LE(0, rs);
	ASSERT_LE(0, rw);
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(O_RDONLY, fcntl(ro, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(O_RDWR, fcntl(rs, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(O_RDWR, fcntl(rw, F_GETFL) & O_ACCMODE);
	/* The VFS refuses a writable shared mapping of a read-only file... */
	EXPECT_EQ(MAP_FAILED, map(ro, 4096, PROT_READ | PROT_WRITE, 0));
	EXPECT_EQ(EACCES, errno);
	/* ...and shmdev one of a handle without WRITE. */
	EXPECT_EQ(MAP_FAILED, map(rs, 4096, PROT_READ | PROT_WRITE, 0));
	EXPECT_EQ(EACCES, errno);
	close(ro);
	close(rs);
	close(rw);
	close(fd);
}

TEST(fstat_shows_the_size_and_no_file_type)
{
	int a = region_new(NAME("fs"), 12345, 0600, SHMDEV_CREATE_TRANSIENT);
	int b = region_new(NAME("fs2"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	struct stat sa, sa2, sb;
	int a2;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	a2 = region_open(NAME("fs"), R);
	ASSERT_LE(0, a2);
	ASSERT_EQ(0, fstat(a, &sa));
	ASSERT_EQ(0, fstat(a2, &sa2));
	ASSERT_EQ(0, fstat(b, &sb));
	EXPECT_EQ(12345, sa.st_size);
	EXPECT_EQ(0, sa.st_mode & S_IFMT);
	EXPECT_EQ(0600, sa.st_mode & 07777);
	EXPECT_EQ(0, sa.st_uid);
	EXPECT_EQ(sa.st_ino, sa2.st_ino);
	EXPECT_NE(sa.st_ino, sb.st_ino);
	close(a2);
	close(a);
	close(b);
}

/* The value of the "@key:\t" line of @fd's fdinfo, in @out. */
static int fdinfo_field(int fd, const char *key, char *out, size_t n)
{
	char path[64], line[512];
	size_t len = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			snprintf(out, n, "%s", line + len + 2);
			out[strcspn(out, "\n")] = 0;
			ret = 0;
		}
	fclose(f);
	return ret;
}

TEST(fdinfo_shows_the_region_and_the_rights)
{
	struct shmdev_stat st;
	char v[300], id[32];
	int fd = region_new(NAME("fi"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	int ro;

	ASSERT_LE(0, fd);
	ro = region_open(NAME("fi"), R | SHMDEV_ACCESS_SYNC);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	snprintf(id, sizeof(id), "%llu", (unsigned long long)st.id);
	ASSERT_EQ(0, fdinfo_field(ro, "shmdev-id", v, sizeof(v)));
	EXPECT_STREQ(id, v);
	ASSERT_EQ(0, fdinfo_field(ro, "shmdev-name", v, sizeof(v)));
	EXPECT_STREQ(NAME("fi"), v);
	ASSERT_EQ(0, fdinfo_field(ro, "shmdev-access", v, sizeof(v)));
	EXPECT_STREQ("rx", v);
	ASSERT_EQ(0, fdinfo_field(fd, "shmdev-access", v, sizeof(v)));
	EXPECT_STREQ("rwxa", v);
	ASSERT_EQ(0, fdinfo_field(fd, "shmdev-rights", v, sizeof(v)));
	EXPECT_STREQ("rwxa", v);
	close(ro);
	close(fd);
}

static int try_fdinfo_after_revoke(struct attempt *a)
{
	char v[64];

	if (fdinfo_field(a->fd, "shmdev-access", v, sizeof(v)) || strcmp(v, "rw"))
		return 1;
	if (fdinfo_field(a->fd, "shmdev-rights", v, sizeof(v)) || strcmp(v, "r"))
		return 2;
	return 0;
}

TEST(fdinfo_rights_follow_a_revocation)
{
	struct attempt a = {
		.name = NAME("fr"), .len = page_size(), .access = R | W,
		.keep = R, .prot = PROT_READ, .try = try_fdinfo_after_revoke,
	};

	EXPECT_EQ(0, attempt_run(&a, a.len));
	EXPECT_EQ(0, region_unlink(a.name));
}

TEST(proc_maps_names_the_region)
{
	int fd = region_new(NAME("pm"), 4096, 0600, SHMDEV_CREATE_TRANSIENT);
	char want[300], line[512];
	bool found = false;
	FILE *f;
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	snprintf(want, sizeof(want), "/shmdev:%s (deleted)", NAME("pm"));
	f = fopen("/proc/self/maps", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (strtoul(line, NULL, 16) == (unsigned long)p)
			found = strstr(line, want) != NULL;
	fclose(f);
	EXPECT_TRUE(found);
	munmap(p, 4096);
	close(fd);
}

TEST_HARNESS_MAIN
