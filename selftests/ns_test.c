// SPDX-License-Identifier: GPL-2.0
/*
 * Namespaces: region names belong to the caller's IPC namespace, a
 * namespace's regions go with it, region fds cross namespaces as fds do,
 * the limits per namespace and per user, and OPEN's owner check against a
 * region planted under a name.
 *
 * A namespace dies asynchronously, in the kernel's IPC namespace reaper,
 * after its last process is gone: tests that wait for it poll.
 */

#define _GNU_SOURCE
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

/* Where the orphan tests mount a namespace's mqueue file system. */
#define MQ_DIR	"/tmp/ns_test_mqueue"

/* The inode number of the caller's IPC namespace, 0 if unknown. */
static __u32 ipc_ns_inum(void)
{
	struct stat st;

	return stat("/proc/self/ns/ipc", &st) ? 0 : (__u32)st.st_ino;
}

/*
 * Walk a listing with @flags, 8 entries a call, pre-filled with the
 * sentinel: @fn sees each entry, and what it returns is added up. The sum,
 * or -errno.
 */
static int list_walk(__u32 flags,
		     int (*fn)(const struct shmdev_list_entry *, void *),
		     void *arg)
{
	struct shmdev_list_entry buf[8];
	struct shmdev_list l = { .flags = flags };
	int fd = shmdev_open_dev(), sum = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		memset(buf, SENTINEL_BYTE, sizeof(buf));
		l.entries = uptr(buf);
		l.count = 8;
		if (ioctl(fd, SHMDEV_IOC_LIST, &l)) {
			sum = -errno;
			break;
		}
		if (!l.count)
			break;
		for (unsigned int i = 0; i < l.count; i++)
			sum += fn(&buf[i], arg);
	}
	close(fd);
	return sum;
}

struct wanted {
	const char *name;
	__u32 inum;
	struct shmdev_list_entry *e;
};

static int match_wanted(const struct shmdev_list_entry *e, void *arg)
{
	struct wanted *w = arg;

	if (strcmp(e->name, w->name) || (w->inum && e->ipc_ns != w->inum))
		return 0;
	if (w->e)
		*w->e = *e;
	return 1;
}

/*
 * Look for @name of the IPC namespace @inum (0: any) in a listing with
 * @flags; 1 with the entry in @e, 0 if absent, or -errno.
 */
static int list_find(__u32 flags, const char *name, __u32 inum,
		     struct shmdev_list_entry *e)
{
	struct wanted w = { name, inum, e };
	int n = list_walk(flags, match_wanted, &w);

	return n > 1 ? 1 : n;
}

static int count_one(const struct shmdev_list_entry *e, void *arg)
{
	return 1;
}

/* The number of entries a listing with @flags has, or -errno. */
static int list_count(__u32 flags)
{
	return list_walk(flags, count_one, NULL);
}

static int named_in(const struct shmdev_list_entry *e, void *inum)
{
	return e->ipc_ns == *(__u32 *)inum &&
	       !(e->state & SHMDEV_STATE_UNLINKED);
}

/*
 * Wait up to 30 s until the host's all-namespace listing shows @name of
 * @inum with every bit of @state (@gone: no longer shows it); true if so.
 */
static bool wait_listed(const char *name, __u32 inum, __u32 state, bool gone)
{
	struct shmdev_list_entry e;

	for (int i = 0; i < 3000; i++) {
		int found = list_find(SHMDEV_LIST_ALL_NAMESPACES, name, inum,
				      &e);

		if (found < 0)
			return false;
		if (gone ? !found : found && (e.state & state) == state)
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * Wait up to 30 s until no region of the IPC namespace @inum has a name
 * left: shmdev has seen the namespace go. True if so.
 */
static bool wait_names_gone(__u32 inum)
{
	for (int i = 0; i < 3000; i++) {
		int named = list_walk(SHMDEV_LIST_ALL_NAMESPACES, named_in,
				      &inum);

		if (named < 0)
			return false;
		if (!named)
			return true;
		usleep(10000);
	}
	return false;
}

/* Wait up to 30 s until debugfs counts @n regions; true if it does. */
static bool wait_regions(long n)
{
	for (int i = 0; i < 3000; i++) {
		if (debug_stat("regions") == n)
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * Read /proc/driver/shmdev now: the number of rows after its header (-1 if
 * unreadable), and in @found whether one names @name.
 */
static int proc_rows(const char *name, bool *found)
{
	char line[1024], word[SHMDEV_NAME_MAX];
	FILE *f = fopen("/proc/driver/shmdev", "re");
	int n = -1;

	*found = false;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (sscanf(line, "%*u %255s", word) == 1 && !strcmp(word, name))
			*found = true;
	}
	fclose(f);
	return n;
}

static bool proc_shows(const char *name)
{
	bool found;

	proc_rows(name, &found);
	return found;
}

/* /proc/meminfo's Shmem, in kB; -1 if absent. */
static long shmem_kib(void)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Shmem: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * A child in an IPC namespace of its own that created a region there and
 * waits for ns_child_end(); its namespace goes when it exits.
 */
struct ns_child {
	pid_t pid;
	int go;
	__u32 inum;
};

/*
 * Start a child that makes a new IPC namespace, creates @name there with
 * @size and @flags, and waits; 0, or -1 if it could not.
 */
static int ns_child_start(struct ns_child *c, const char *name, __u64 size,
			  __u32 flags)
{
	int up[2], go[2];
	__u32 inum = 0;

	if (pipe(up) || pipe(go))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		char b;

		close(up[0]);
		close(go[1]);
		if (!unshare(CLONE_NEWIPC) &&
		    region_new(name, size, 0644, flags) >= 0)
			inum = ipc_ns_inum();
		if (write(up[1], &inum, sizeof(inum)) != sizeof(inum))
			_exit(1);
		_exit(read(go[0], &b, 1) == 1 ? 0 : 2);
	}
	close(up[1]);
	close(go[0]);
	c->go = go[1];
	if (read(up[0], &inum, sizeof(inum)) != sizeof(inum))
		inum = 0;
	close(up[0]);
	c->inum = inum;
	return inum ? 0 : -1;
}

/*
 * Let the child exit, and wait until shmdev has seen its namespace go, so
 * that the next test starts from a quiet registry; its exit status.
 */
static int ns_child_end(struct ns_child *c)
{
	int status;

	if (write(c->go, "x", 1) != 1)
		return -1;
	close(c->go);
	status = reap(c->pid);
	return wait_names_gone(c->inum) ? status : 99;
}

/*
 * Run @fn in a child in an IPC namespace of its own; its exit status.
 * With @settle, wait until shmdev has seen the namespace go (99 if not).
 */
static int in_ns(int (*fn)(void *), void *arg, bool settle)
{
	__u32 inum = 0;
	int up[2], status;
	pid_t pid;

	if (pipe(up))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (unshare(CLONE_NEWIPC))
			_exit(100);
		inum = ipc_ns_inum();
		if (write(up[1], &inum, sizeof(inum)) != sizeof(inum))
			_exit(101);
		_exit(fn(arg));
	}
	if (read(up[0], &inum, sizeof(inum)) != sizeof(inum))
		inum = 0;
	close(up[0]);
	close(up[1]);
	status = reap(pid);
	if (settle && (!inum || !wait_names_gone(inum)))
		return 99;
	return status;
}

static int in_new_ipc_ns(int (*fn)(void *), void *arg)
{
	return in_ns(fn, arg, true);
}

/* ---- names --------------------------------------------------------- */

static int open_misses_then_create_succeeds(void *name)
{
	int fd;
	char *p;

	if (region_open(name, RW) != -ENOENT)
		return 11;
	fd = region_new(name, 4096, 0600, 0);
	if (fd < 0)
		return 12;
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	if (p == MAP_FAILED || p[0])
		return 13;
	p[0] = 'C';
	return 0;
}

TEST(same_name_in_two_namespaces_is_two_regions)
{
	const char *name = NAME("n");
	int fd = region_new(name, 4096, 0600, 0);
	struct shmdev_stat st;
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'P';
	EXPECT_EQ(0, in_new_ipc_ns(open_misses_then_create_succeeds,
				   (void *)name));
	EXPECT_EQ('P', p[0]);
	ASSERT_EQ(0, region_stat_name(name, &st));
	EXPECT_EQ(ipc_ns_inum(), st.ipc_ns);
	EXPECT_EQ(0, region_unlink(name));
	munmap(p, 4096);
	close(fd);
}

static int unlink_and_stat_miss(void *name)
{
	struct shmdev_stat st;

	if (region_unlink(name) != -ENOENT)
		return 11;
	return region_stat_name(name, &st) == -ENOENT ? 0 : 12;
}

TEST(unlink_and_stat_by_name_do_not_reach_another_namespace)
{
	const char *name = NAME("u");
	int fd = region_new(name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, in_new_ipc_ns(unlink_and_stat_miss, (void *)name));
	EXPECT_EQ(1, list_find(0, name, ipc_ns_inum(), NULL));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

static int list_shows_only_own(void *name)
{
	struct shmdev_list_entry e;
	int fd = region_new(name, 4096, 0600, 0);

	if (fd < 0)
		return 11;
	if (list_count(0) != 1)
		return 12;
	if (list_find(0, name, 0, &e) != 1)
		return 13;
	return e.ipc_ns == ipc_ns_inum() && e.pad == 0 ? 0 : 14;
}

TEST(list_in_a_namespace_shows_only_its_regions)
{
	const char *host = NAME("host");
	int fd = region_new(host, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, in_new_ipc_ns(list_shows_only_own, (void *)NAME("own")));
	EXPECT_EQ(0, region_unlink(host));
	close(fd);
}

TEST(list_of_the_host_does_not_show_another_namespaces_regions)
{
	const char *name = NAME("c");
	struct ns_child c;

	ASSERT_EQ(0, ns_child_start(&c, name, 4096, 0));
	EXPECT_EQ(0, list_find(0, name, 0, NULL));
	EXPECT_EQ(0, ns_child_end(&c));
}

static int proc_shows_only_own(void *name)
{
	int fd = region_new(name, 4096, 0600, 0);
	bool found;

	if (fd < 0)
		return 11;
	if (proc_rows(name, &found) != 1)
		return 12;
	return found ? 0 : 13;
}

TEST(proc_in_a_namespace_shows_only_its_regions)
{
	const char *host = NAME("host");
	int fd = region_new(host, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_TRUE(proc_shows(host));
	EXPECT_EQ(0, in_new_ipc_ns(proc_shows_only_own, (void *)NAME("own")));
	EXPECT_EQ(0, region_unlink(host));
	close(fd);
}

TEST(proc_of_the_host_does_not_show_another_namespaces_regions)
{
	const char *name = NAME("c");
	struct ns_child c;

	ASSERT_EQ(0, ns_child_start(&c, name, 4096, 0));
	EXPECT_FALSE(proc_shows(name));
	EXPECT_EQ(0, ns_child_end(&c));
}

TEST(all_namespaces_list_shows_every_namespaces_regions)
{
	const char *host = NAME("h"), *name = NAME("c");
	struct shmdev_list_entry e;
	int fd = region_new(host, 4096, 0600, 0);
	struct ns_child c;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ns_child_start(&c, name, 8192, 0));
	EXPECT_NE(ipc_ns_inum(), c.inum);
	ASSERT_EQ(1, list_find(SHMDEV_LIST_ALL_NAMESPACES, host,
			       ipc_ns_inum(), &e));
	EXPECT_EQ(0, e.state);
	ASSERT_EQ(1, list_find(SHMDEV_LIST_ALL_NAMESPACES, name, c.inum, &e));
	EXPECT_EQ(8192, e.size);
	EXPECT_EQ(0644, e.mode);
	EXPECT_EQ(0, e.state);
	EXPECT_EQ(0, ns_child_end(&c));
	EXPECT_EQ(0, region_unlink(host));
	close(fd);
}

TEST(all_namespaces_list_needs_cap_sys_admin)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresuid(4244, 4244, 4244))
			_exit(10);
		if (list_count(SHMDEV_LIST_ALL_NAMESPACES) != -EPERM)
			_exit(11);
		_exit(list_count(0) >= 0 ? 0 : 12);
	}
	EXPECT_EQ(0, reap(pid));
}

/* ---- the end of a namespace -------------------------------------------- */

TEST(a_namespaces_regions_are_freed_when_its_last_process_exits)
{
	const char *name = NAME("p");
	long before = debug_stat("regions"), shmem;
	struct ns_child c;

	ASSERT_LE(0, before);
	ASSERT_EQ(0, ns_child_start(&c, name, 4 << 20,
				    SHMDEV_CREATE_POPULATE));
	EXPECT_EQ(before + 1, debug_stat("regions"));
	shmem = shmem_kib();
	EXPECT_EQ(0, ns_child_end(&c));
	EXPECT_TRUE(wait_listed(name, c.inum, 0, true));
	EXPECT_TRUE(wait_regions(before));
	/* Its 4 MiB of pages went with it. */
	EXPECT_LE(shmem_kib(), shmem - 3 * 1024);
}

/* Make a region in a new namespace, write @tag in it, send its fd. */
static int create_and_send(void *arg)
{
	int *sv = arg, fd = sem_region("ns_test-send", 1);
	char *p;

	if (fd < 0)
		return 11;
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	if (p == MAP_FAILED)
		return 12;
	strcpy(p, "from the namespace");
	return send_fd(sv[1], fd) ? 13 : 0;
}

/*
 * A region fd of a region made in a namespace that is gone now, received
 * from the child that made it; -1 on failure. @inum gets the namespace.
 */
static int fd_from_dead_namespace(__u32 *inum)
{
	struct shmdev_stat st;
	int sv[2], fd;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	if (in_new_ipc_ns(create_and_send, sv)) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	fd = recv_fd(sv[0]);
	close(sv[0]);
	close(sv[1]);
	if (fd < 0 || region_stat(fd, NULL, &st))
		return -1;
	*inum = st.ipc_ns;
	if (!wait_listed("ns_test-send", *inum,
			 SHMDEV_STATE_UNLINKED | SHMDEV_STATE_ORPHANED, false))
		return -1;
	return fd;
}

TEST(a_mapping_held_outside_a_dead_namespace_stays_readable_until_unmapped)
{
	long before = debug_stat("regions");
	struct shmdev_stat st;
	__u32 inum;
	char *p;
	int fd;

	fd = fd_from_dead_namespace(&inum);
	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(SHMDEV_STATE_UNLINKED | SHMDEV_STATE_ORPHANED, st.state);
	close(fd);
	EXPECT_STREQ("from the namespace", p);
	EXPECT_EQ(before + 1, debug_stat("regions"));
	munmap(p, 4096);
	EXPECT_TRUE(wait_listed("ns_test-send", inum, 0, true));
	EXPECT_TRUE(wait_regions(before));
}

TEST(semaphores_of_a_dead_namespace_fail_with_eidrm)
{
	__u32 inum;
	int fd = fd_from_dead_namespace(&inum);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EIDRM, sem_wait_on(fd, 0, SHMDEV_SEM_TRY, 0));
	EXPECT_EQ(-EIDRM, sem_post_on(fd, 0, 0, 1));
	close(fd);
}

/* ---- namespaces that outlive their processes ----------------------------- */

/*
 * A namespace gone but orphaned: its mqueue file system mounted where it
 * outlives the child, which made @name there. The caller unmounts MQ_DIR.
 */
static int orphan_body(void *name)
{
	if (mount("mqueue", MQ_DIR, "mqueue", 0, NULL))
		return 11;
	return region_new(name, 4096, 0600, 0) >= 0 ? 0 : 12;
}

static int make_orphan(const char *name, __u32 *inum)
{
	struct shmdev_list_entry e;

	mkdir(MQ_DIR, 0700);
	if (in_ns(orphan_body, (void *)name, false))
		return -1;
	if (!wait_listed(name, 0, SHMDEV_STATE_ORPHANED, false) ||
	    list_find(SHMDEV_LIST_ALL_NAMESPACES, name, 0, &e) != 1)
		return -1;
	*inum = e.ipc_ns;
	/* Gone, but nobody has noticed: the name is still there. */
	return e.state == SHMDEV_STATE_ORPHANED ? 0 : -1;
}

static int unlink_orphaned(void)
{
	struct shmdev_unlink u = { .flags = SHMDEV_UNLINK_ORPHANED };

	return control_ioctl(SHMDEV_IOC_UNLINK, &u);
}

TEST(an_orphaned_namespace_is_ended_by_unlink_orphaned)
{
	const char *name = NAME("o");
	long before = debug_stat("regions");
	__u32 inum;

	ASSERT_EQ(0, make_orphan(name, &inum));
	EXPECT_LE(1, unlink_orphaned());
	EXPECT_EQ(0, list_find(SHMDEV_LIST_ALL_NAMESPACES, name, inum, NULL));
	EXPECT_EQ(before, debug_stat("regions"));
	EXPECT_EQ(0, umount(MQ_DIR));
}

TEST(an_orphaned_namespace_ends_when_its_mqueue_is_unmounted)
{
	const char *name = NAME("o");
	__u32 inum;

	ASSERT_EQ(0, make_orphan(name, &inum));
	ASSERT_EQ(0, umount(MQ_DIR));
	EXPECT_TRUE(wait_listed(name, inum, 0, true));
}

TEST(a_new_namespace_ends_the_orphaned_ones)
{
	const char *name = NAME("o");
	struct ns_child c;
	__u32 inum;

	ASSERT_EQ(0, make_orphan(name, &inum));
	ASSERT_EQ(0, ns_child_start(&c, NAME("new"), 4096, 0));
	EXPECT_EQ(0, list_find(SHMDEV_LIST_ALL_NAMESPACES, name, inum, NULL));
	EXPECT_EQ(0, ns_child_end(&c));
	EXPECT_EQ(0, umount(MQ_DIR));
}

TEST(unlink_orphaned_needs_cap_sys_admin)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresuid(4245, 4245, 4245))
			_exit(10);
		_exit(unlink_orphaned() == -EPERM ? 0 : 11);
	}
	EXPECT_EQ(0, reap(pid));
}

TEST(unlink_orphaned_with_a_name_keep_sems_or_on_a_region_fd_is_einval)
{
	struct shmdev_unlink u = {
		.name = uptr(NAME("x")), .flags = SHMDEV_UNLINK_ORPHANED,
	};
	int fd = region_new(NAME("x"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, control_ioctl(SHMDEV_IOC_UNLINK, &u));
	u.name = 0;
	u.flags |= SHMDEV_UNLINK_KEEP_SEMS;
	EXPECT_EQ(-EINVAL, control_ioctl(SHMDEV_IOC_UNLINK, &u));
	EXPECT_EQ(-EINVAL, region_unlink_fd(fd, SHMDEV_UNLINK_ORPHANED));
	EXPECT_EQ(0, region_unlink(NAME("x")));
	close(fd);
}

/* ---- region fds across namespaces ---------------------------------------- */

struct passed {
	int sv[2];
	__u32 home;
};

static int use_read_only_fd(void *arg)
{
	struct passed *ps = arg;
	struct shmdev_stat st;
	int fd = recv_fd(ps->sv[1]);
	char *p;

	if (fd < 0)
		return 11;
	p = map(fd, 4096, PROT_READ, 0);
	if (p == MAP_FAILED || strcmp(p, "host"))
		return 12;
	if (map(fd, 4096, PROT_READ | PROT_WRITE, 0) != MAP_FAILED ||
	    errno != EACCES)
		return 13;
	if (region_stat(fd, NULL, &st) || st.access != SHMDEV_ACCESS_READ)
		return 14;
	return st.ipc_ns == ps->home ? 0 : 15;
}

TEST(a_read_only_fd_passed_into_another_namespace_stays_read_only)
{
	const char *name = NAME("ro");
	struct passed ps = { .home = ipc_ns_inum() };
	int fd = region_new(name, 4096, 0600, 0), ro;
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p, "host");
	ro = region_open(name, SHMDEV_ACCESS_READ);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, ps.sv));
	ASSERT_EQ(0, send_fd(ps.sv[0], ro));
	close(ro);
	EXPECT_EQ(0, in_new_ipc_ns(use_read_only_fd, &ps));
	EXPECT_STREQ("host", p);
	EXPECT_EQ(0, region_unlink(name));
	munmap(p, 4096);
	close(fd);
}

static int write_through_fd(void *arg)
{
	struct passed *ps = arg;
	int fd = recv_fd(ps->sv[1]);
	char *p;

	if (fd < 0)
		return 11;
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	if (p == MAP_FAILED)
		return 12;
	strcpy(p, "from the container");
	return 0;
}

TEST(a_writable_fd_passed_into_another_namespace_writes_the_hosts_region)
{
	const char *name = NAME("rw");
	struct passed ps;
	int fd = region_new(name, 4096, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, ps.sv));
	ASSERT_EQ(0, send_fd(ps.sv[0], fd));
	EXPECT_EQ(0, in_new_ipc_ns(write_through_fd, &ps));
	EXPECT_STREQ("from the container", p);
	EXPECT_EQ(0, region_unlink(name));
	munmap(p, 4096);
	close(fd);
}

static int list_from_a_new_user_ns(void *name)
{
	struct shmdev_list_entry e;

	/* Root of the parent namespace is unmapped in the new one. */
	if (unshare(CLONE_NEWUSER))
		return 10;
	if (list_find(0, name, 0, &e) != 1)
		return 11;
	return e.uid == 65534 && e.gid == 65534 ? 0 : 12;
}

TEST(list_shows_ids_in_the_readers_user_namespace)
{
	const char *name = NAME("uid");
	int fd = region_new(name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, in_child(list_from_a_new_user_ns, (void *)name));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(creator_pid_is_zero_outside_the_readers_pid_namespace)
{
	int fd = region_new(NAME("pid"), 4096, 0600, 0);
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pid_t inner;

		if (unshare(CLONE_NEWPID))
			_exit(10);
		inner = fork();
		if (inner == 0) {
			struct shmdev_stat st;

			if (region_stat(fd, NULL, &st))
				_exit(11);
			_exit(st.creator_pid == 0 ? 0 : 12);
		}
		_exit(inner < 0 ? 13 : reap(inner));
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, region_unlink(NAME("pid")));
	close(fd);
}

TEST(creator_pid_is_shown_in_the_readers_pid_namespace)
{
	const char *name = NAME("pid");
	struct shmdev_stat st;
	int up[2];
	pid_t pid, inner = 0;

	ASSERT_EQ(0, pipe(up));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (unshare(CLONE_NEWPID))
			_exit(10);
		inner = fork();
		if (inner == 0) {
			struct shmdev_stat own;
			int fd = region_new(name, 4096, 0600, 0);

			/* It is pid 1 where it lives. */
			if (fd < 0 || region_stat(fd, NULL, &own))
				_exit(11);
			_exit(own.creator_pid == 1 ? 0 : 12);
		}
		if (write(up[1], &inner, sizeof(inner)) != sizeof(inner))
			_exit(14);
		_exit(inner < 0 ? 13 : reap(inner));
	}
	ASSERT_EQ(sizeof(inner), read(up[0], &inner, sizeof(inner)));
	EXPECT_EQ(0, reap(pid));
	ASSERT_EQ(0, region_stat_name(name, &st));
	EXPECT_EQ(inner, st.creator_pid);
	EXPECT_EQ(0, region_unlink(name));
	close(up[0]);
	close(up[1]);
}

/* ---- limits -------------------------------------------------------- */

FIXTURE(ns_limits) {
	long regions, bytes, user_regions;
};

FIXTURE_SETUP(ns_limits)
{
	self->regions = shmdev_param("max_ns_regions");
	self->bytes = shmdev_param("max_ns_bytes");
	self->user_regions = shmdev_param("max_user_regions");
	ASSERT_LT(0, self->regions);
	ASSERT_LT(0, self->bytes);
	ASSERT_LT(0, self->user_regions);
}

FIXTURE_TEARDOWN(ns_limits)
{
	shmdev_param_set("max_ns_regions", self->regions);
	shmdev_param_set("max_ns_bytes", self->bytes);
	shmdev_param_set("max_user_regions", self->user_regions);
}

static int fill_two_regions(void *arg)
{
	int a = region_new("ns_test-a", 4096, 0600, 0);
	int b = region_new("ns_test-b", 4096, 0600, 0);
	int c = region_new("ns_test-c", 4096, 0600, 0);

	return a < 0 || b < 0 ? 11 : c != -ENOSPC ? 12 : 0;
}

TEST_F(ns_limits, namespace_region_limit_is_enospc_in_that_namespace_only)
{
	ASSERT_EQ(0, shmdev_param_set("max_ns_regions", 2));
	/* Each namespace has its own two. */
	EXPECT_EQ(0, in_new_ipc_ns(fill_two_regions, NULL));
	EXPECT_EQ(0, in_new_ipc_ns(fill_two_regions, NULL));
}

TEST_F(ns_limits, the_hosts_namespace_has_only_the_hosts_limits)
{
	ASSERT_EQ(0, shmdev_param_set("max_ns_regions", 1));
	ASSERT_EQ(0, shmdev_param_set("max_ns_bytes", 4096));
	EXPECT_EQ(2, two_transient(NAME("a"), NAME("b")));
}

static int fill_a_mebibyte(void *arg)
{
	int a = region_new("ns_test-a", 1 << 20, 0600, 0);
	int b = region_new("ns_test-b", 4096, 0600, 0);

	return a < 0 ? 11 : b != -ENOSPC ? 12 : 0;
}

TEST_F(ns_limits, namespace_byte_limit_is_enospc)
{
	ASSERT_EQ(0, shmdev_param_set("max_ns_bytes", 1 << 20));
	EXPECT_EQ(0, in_new_ipc_ns(fill_a_mebibyte, NULL));
}

/* As uid @id of the caller's user namespace, create @name: its result. */
static int create_as(uid_t id, const char *name)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd;

		if (setresuid(id, id, id))
			_exit(100);
		fd = region_new(name, 4096, 0666, 0);
		_exit(fd >= 0 ? 0 : fd == -EDQUOT ? 1 : 2);
	}
	return reap(pid);
}

/*
 * In a user namespace that uid 4246 made, with 65536 ids the host gave it,
 * three of those ids each create a region: all are charged to 4246.
 */
static int three_ids_of_one_user(int up, int go)
{
	char b;

	if (setresgid(4246, 4246, 4246) || setresuid(4246, 4246, 4246) ||
	    unshare(CLONE_NEWUSER | CLONE_NEWIPC))
		return 10;
	if (write(up, "u", 1) != 1 || read(go, &b, 1) != 1)
		return 11;
	if (create_as(0, "ns_test-id0") || create_as(1, "ns_test-id1"))
		return 12;
	return create_as(2, "ns_test-id2") == 1 ? 0 : 13;
}

/*
 * Run @body in a child that makes a user namespace, which this process
 * gives 65536 host ids from @first once @body says so on @up; @body goes
 * on when it reads a byte on @go (none if the mapping failed). The child's
 * exit status.
 */
static int in_mapped_user_ns(int (*body)(int up, int go), unsigned int first)
{
	int up[2], go[2], status;
	char b, map[64];
	bool mapped;
	pid_t pid;

	snprintf(map, sizeof(map), "0 %u 65536\n", first);
	if (pipe(up) || pipe(go))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(body(up[1], go[0]));
	close(up[1]);
	close(go[0]);
	mapped = read(up[0], &b, 1) == 1 &&
		 !write_map(pid, "uid_map", map) &&
		 !write_map(pid, "gid_map", map) &&
		 write(go[1], "g", 1) == 1;
	close(go[1]);
	status = reap(pid);
	close(up[0]);
	return mapped ? status : -1;
}

TEST_F(ns_limits, a_user_namespace_is_charged_to_the_user_who_made_it)
{
	ASSERT_EQ(0, shmdev_param_set("max_user_regions", 2));
	EXPECT_EQ(0, in_mapped_user_ns(three_ids_of_one_user, 200000));
}

/*
 * In a user namespace root made, with 65536 host ids from 300000, its
 * root creates two regions: they are charged to host id 300000.
 */
static int root_made_user_ns(int up, int go)
{
	char b;

	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC))
		return 10;
	if (write(up, "u", 1) != 1 || read(go, &b, 1) != 1)
		return 11;
	if (create_as(0, "ns_test-r0"))
		return 12;
	return create_as(0, "ns_test-r1") == 1 ? 0 : 13;
}

TEST_F(ns_limits, a_user_namespace_root_made_is_charged_to_its_ids)
{
	ASSERT_EQ(0, shmdev_param_set("max_user_regions", 1));
	EXPECT_EQ(0, in_mapped_user_ns(root_made_user_ns, 300000));
}

/* ---- squatting ------------------------------------------------------ */

/* OPEN with SHMDEV_OPEN_OWNER; the fd or -errno. */
static int open_owned(const char *name, __u32 access, __u32 owner)
{
	struct shmdev_open o = {
		.name = uptr(name), .access = access,
		.flags = SHMDEV_OPEN_OWNER, .owner = owner,
	};

	return control_ioctl(SHMDEV_IOC_OPEN, &o);
}

TEST(open_owner_refuses_a_region_someone_else_planted)
{
	const char *name = NAME("sq");
	long handles;
	pid_t pid = fork();
	int fd;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresuid(4247, 4247, 4247))
			_exit(10);
		_exit(region_new(name, 4096, 0666, 0) >= 0 ? 0 : 11);
	}
	ASSERT_EQ(0, reap(pid));
	handles = debug_stat("handles");
	EXPECT_EQ(-EPERM, open_owned(name, RW, 0));
	EXPECT_EQ(handles, debug_stat("handles"));
	fd = open_owned(name, RW, 4247);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_EQ(0, region_unlink(name));
}

/*
 * As uid 4250 in a user namespace of its own, but in the host's IPC
 * namespace, create @name with mode 0 and try to OPEN it for reading.
 */
static int own_user_ns_creator(void *name)
{
	int fd;

	if (setresgid(4250, 4250, 4250) || setresuid(4250, 4250, 4250) ||
	    unshare(CLONE_NEWUSER))
		return 10;
	fd = region_new(name, 4096, 0, 0);
	if (fd < 0)
		return 11;
	/* Its CAP_IPC_OWNER is in its own user namespace: it counts not. */
	return region_open(name, SHMDEV_ACCESS_READ) == -EACCES ? 0 : 12;
}

TEST(cap_ipc_owner_counts_in_the_user_namespace_of_the_ipc_namespace)
{
	const char *name = NAME("uo");

	EXPECT_EQ(0, in_child(own_user_ns_creator, (void *)name));
	EXPECT_EQ(0, region_unlink(name));
}

/* Create @name in a user namespace of its own and send its fd on @sock. */
static int plant_from_own_user_ns(const char *name, int sock)
{
	int fd;

	if (setresgid(4251, 4251, 4251) || setresuid(4251, 4251, 4251) ||
	    unshare(CLONE_NEWUSER))
		return 10;
	fd = region_new(name, 4096, 0666, 0);
	if (fd < 0)
		return 11;
	return send_fd(sock, fd) ? 12 : 0;
}

TEST(a_planted_region_cannot_be_given_to_the_expected_owner)
{
	const char *name = NAME("give");
	int sv[2], fd;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(plant_from_own_user_ns(name, sv[1]));
	ASSERT_EQ(0, reap(pid));
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	/* The planter's fd, used by root: the planter's rights, not root's. */
	EXPECT_EQ(-EPERM, perm_set(fd, SHMDEV_PERM_UID, 0, 0, 0));
	EXPECT_EQ(-EPERM, open_owned(name, SHMDEV_ACCESS_READ, 0));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

TEST(open_owner_opens_a_region_of_that_owner)
{
	const char *name = NAME("own");
	int fd = region_new(name, 4096, 0600, 0), fd2;

	ASSERT_LE(0, fd);
	fd2 = open_owned(name, SHMDEV_ACCESS_READ, 0);
	EXPECT_LE(0, fd2);
	close(fd2);
	/* Ownership given away counts, as SET_PERM made it. */
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_UID, 0, 4248, 0));
	EXPECT_EQ(-EPERM, open_owned(name, SHMDEV_ACCESS_READ, 0));
	fd2 = open_owned(name, SHMDEV_ACCESS_READ, 4248);
	EXPECT_LE(0, fd2);
	close(fd2);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(open_owner_of_a_missing_region_is_enoent)
{
	EXPECT_EQ(-ENOENT, open_owned(NAME("none"), RW, 0));
}

TEST(open_owner_of_an_unmapped_uid_or_without_the_flag_is_einval)
{
	const char *name = NAME("bad");
	struct shmdev_open o = { .name = uptr(name), .access = RW, .owner = 5 };
	int fd = region_new(name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, open_owned(name, RW, (__u32)-1));
	EXPECT_EQ(-EINVAL, control_ioctl(SHMDEV_IOC_OPEN, &o));
	o.owner = 0;
	o.pad = 1;
	EXPECT_EQ(-EINVAL, control_ioctl(SHMDEV_IOC_OPEN, &o));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST_HARNESS_MAIN
