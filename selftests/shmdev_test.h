/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the shmdev selftests. Include after kselftest_harness.h.
 */

#ifndef _SHMDEV_TEST_H
#define _SHMDEV_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/shmdev.h>

#define SHMDEV_PATH		"/dev/shmdev"
#define SHMDEV_STATS_PATH	"/sys/kernel/debug/shmdev/stats"
#define SHMDEV_HANDLE_CACHE	"shmdev_file"

/* Output fields are pre-filled with this byte so an unwritten field shows. */
#define SENTINEL_BYTE	0xa5
#define SENTINEL_U32	0xa5a5a5a5u
#define SENTINEL_U64	0xa5a5a5a5a5a5a5a5ull

static inline int shmdev_open_dev(void)
{
	return open(SHMDEV_PATH, O_RDWR | O_CLOEXEC);
}

/* A version query argument: outputs hold the sentinel, inputs are valid. */
static inline void version_arg_init(struct shmdev_version *v)
{
	memset(v, SENTINEL_BYTE, sizeof(*v));
	v->flags = 0;
	memset(v->reserved, 0, sizeof(v->reserved));
}

/* Read one "key value" line of the driver's debugfs statistics; -1 if absent. */
static inline long debug_stat(const char *key)
{
	char k[64];
	long v, found = -1;
	FILE *f = fopen(SHMDEV_STATS_PATH, "re");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", k, &v) == 2)
		if (!strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

/* The number at the start of a file, as sysfs shows one; -1 if none. */
static inline long read_number(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Read a numeric attribute of a slab cache in /sys/kernel/slab; -1 if
 * absent. The cache is shrunk first: that flushes its per-CPU slabs and
 * drains its objects from KASAN's quarantine, where freed objects still
 * count as allocated.
 */
static inline long slab_attr(const char *cache, const char *attr)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	f = fopen(path, "we");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, attr);
	return read_number(path);
}

/* --- regions --------------------------------------------------------- */

#define RW	(SHMDEV_ACCESS_READ | SHMDEV_ACCESS_WRITE)

static inline __u64 uptr(const void *p)
{
	return (__u64)(unsigned long)p;
}

/* CREATE on the control device @fd; the new region fd or -errno. */
static inline int region_create(int fd, const char *name, __u64 size,
				__u32 mode, __u32 flags)
{
	struct shmdev_create c = {
		.name = uptr(name), .size = size, .mode = mode, .flags = flags,
	};
	int ret = ioctl(fd, SHMDEV_IOC_CREATE, &c);

	return ret < 0 ? -errno : ret;
}

/* One ioctl on a control device of its own; its result or -errno. */
static inline int control_ioctl(unsigned long cmd, void *arg)
{
	int fd = shmdev_open_dev();
	int ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, cmd, arg);
	ret = ret < 0 ? -errno : ret;
	close(fd);
	return ret;
}

/* A new region; its region fd or -errno. */
static inline int region_new(const char *name, __u64 size, __u32 mode,
			     __u32 flags)
{
	struct shmdev_create c = {
		.name = uptr(name), .size = size, .mode = mode, .flags = flags,
	};

	return control_ioctl(SHMDEV_IOC_CREATE, &c);
}

/* OPEN on the control device @fd; the new region fd or -errno. */
static inline int region_open_on(int fd, const char *name, __u32 access)
{
	struct shmdev_open o = { .name = uptr(name), .access = access };
	int ret = ioctl(fd, SHMDEV_IOC_OPEN, &o);

	return ret < 0 ? -errno : ret;
}

/* A new region fd of an existing region; the fd or -errno. */
static inline int region_open(const char *name, __u32 access)
{
	struct shmdev_open o = { .name = uptr(name), .access = access };

	return control_ioctl(SHMDEV_IOC_OPEN, &o);
}

/* UNLINK by name on a control device; 0 or -errno. */
static inline int region_unlink_flags(const char *name, __u32 flags)
{
	struct shmdev_unlink u = { .name = uptr(name), .flags = flags };

	return control_ioctl(SHMDEV_IOC_UNLINK, &u);
}

static inline int region_unlink(const char *name)
{
	return region_unlink_flags(name, 0);
}

/* UNLINK of the region fd @fd's own region; 0 or -errno. */
static inline int region_unlink_fd(int fd, __u32 flags)
{
	struct shmdev_unlink u = { .name = 0, .flags = flags };

	return ioctl(fd, SHMDEV_IOC_UNLINK, &u) ? -errno : 0;
}

/*
 * STAT by name on the control device @fd (@name non-NULL) or of the region
 * fd @fd's region (@name NULL); outputs pre-filled.
 */
static inline int region_stat(int fd, const char *name, struct shmdev_stat *st)
{
	memset(st, SENTINEL_BYTE, sizeof(*st));
	st->name = uptr(name);
	st->flags = 0;
	st->pad = 0;
	return ioctl(fd, SHMDEV_IOC_STAT, st) ? -errno : 0;
}

/* STAT by name on a control device of its own; 0 or -errno. */
static inline int region_stat_name(const char *name, struct shmdev_stat *st)
{
	int fd = shmdev_open_dev();
	int ret;

	if (fd < 0)
		return -errno;
	ret = region_stat(fd, name, st);
	close(fd);
	return ret;
}

/*
 * Make two transient regions of 8 KiB, @a and @b, together, then close
 * them: the number that could be made.
 */
static inline int two_transient(const char *a, const char *b)
{
	int fa = region_new(a, 8192, 0600, SHMDEV_CREATE_TRANSIENT);
	int fb = region_new(b, 8192, 0600, SHMDEV_CREATE_TRANSIENT);

	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return (fa >= 0) + (fb >= 0);
}

/* Set a module parameter; 0 or -errno. */
static inline int shmdev_param_set(const char *param, unsigned long v)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/module/shmdev/parameters/%s", param);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	ret = fprintf(f, "%lu", v) > 0 ? 0 : -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

/* Read a module parameter; -1 if absent. */
static inline long shmdev_param(const char *param)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/shmdev/parameters/%s", param);
	return read_number(path);
}

static inline long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* CLOCK_REALTIME_COARSE in ns, the clock of a region's times. */
static inline __u64 coarse_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME_COARSE, &t);
	return (__u64)t.tv_sec * 1000000000ull + t.tv_nsec;
}

/* Wait until the region times' clock has moved on by one tick. */
static inline void coarse_tick(void)
{
	__u64 t0 = coarse_now();

	while (coarse_now() == t0)
		usleep(1000);
}

/* A name of this test's own: "<test>-<tag>". */
#define NAME(tag) name_of(_metadata, tag)
static inline const char *name_of(struct __test_metadata *m, const char *tag)
{
	static char bufs[8][SHMDEV_NAME_MAX];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, SHMDEV_NAME_MAX, "%.200s-%s", m->name, tag);
	return b;
}

static inline void *map(int fd, size_t len, int prot, off_t off)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, off);
}

/*
 * The @field line ("Rss", "FilePmdMapped") of the VMA that starts at @addr
 * in /proc/self/smaps, in kB; -1 if absent.
 */
static inline long smaps_kib(const void *addr, const char *field)
{
	char line[256], start[32];
	size_t flen = strlen(field);
	long kib = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return -1;
	snprintf(start, sizeof(start), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		char *dash = strchr(line, '-'), *space = strchr(line, ' ');

		if (dash && space && dash < space)
			in = !strncmp(line, start, strlen(start));
		else if (in && !strncmp(line, field, flen) &&
			 line[flen] == ':' &&
			 sscanf(line + flen + 1, "%ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

/* SET_ACL on @fd's region; 0 or -errno. */
static inline int acl_set(int fd, const struct shmdev_acl_entry *e, __u32 n)
{
	struct shmdev_acl a = { .entries = uptr(e), .count = n };

	return ioctl(fd, SHMDEV_IOC_SET_ACL, &a) ? -errno : 0;
}

/*
 * GET_ACL of @fd's region into @e (room for @cap, pre-filled with the
 * sentinel); the number of entries or -errno.
 */
static inline int acl_get(int fd, struct shmdev_acl_entry *e, __u32 cap)
{
	struct shmdev_acl a = { .entries = uptr(e), .count = cap };

	memset(e, SENTINEL_BYTE, cap * sizeof(*e));
	return ioctl(fd, SHMDEV_IOC_GET_ACL, &a) ? -errno : (int)a.count;
}

/* SET_PERM on @fd's region; 0 or -errno. */
static inline int perm_set(int fd, __u32 flags, __u32 mode, __u32 uid,
			   __u32 gid)
{
	struct shmdev_perm p = {
		.flags = flags, .mode = mode, .uid = uid, .gid = gid,
	};

	return ioctl(fd, SHMDEV_IOC_SET_PERM, &p) ? -errno : 0;
}

/* A new region with @nsems semaphores; its region fd or -errno. */
static inline int sem_region(const char *name, __u32 nsems)
{
	struct shmdev_create c = {
		.name = uptr(name), .size = 4096, .mode = 0600, .nsems = nsems,
	};

	return control_ioctl(SHMDEV_IOC_CREATE, &c);
}

/* SEM_WAIT: its result (>= 0) or -errno. */
static inline int sem_wait_on(int fd, __u32 index, __u32 flags, __u64 timeout)
{
	struct shmdev_sem_wait w = {
		.index = index, .flags = flags, .timeout = timeout,
	};
	int ret = ioctl(fd, SHMDEV_IOC_SEM_WAIT, &w);

	return ret < 0 ? -errno : ret;
}

/* SEM_POST: 0 or -errno. */
static inline int sem_post_on(int fd, __u32 index, __u32 flags, __u32 count)
{
	struct shmdev_sem_post p = {
		.index = index, .flags = flags, .count = count,
	};

	return ioctl(fd, SHMDEV_IOC_SEM_POST, &p) ? -errno : 0;
}

/* SEM_GET into @g (outputs pre-filled with the sentinel): 0 or -errno. */
static inline int sem_get_on(int fd, __u32 index, struct shmdev_sem_get *g)
{
	memset(g, SENTINEL_BYTE, sizeof(*g));
	g->index = index;
	g->flags = 0;
	memset(g->reserved, 0, sizeof(g->reserved));
	return ioctl(fd, SHMDEV_IOC_SEM_GET, g) ? -errno : 0;
}

/* The value of semaphore @index, or -errno. */
static inline long sem_value(int fd, __u32 index)
{
	struct shmdev_sem_get g;
	int ret = sem_get_on(fd, index, &g);

	return ret ? ret : (long)g.value;
}

/* SEM_SET: 0 or -errno. */
static inline int sem_set_on(int fd, __u32 index, __u32 value)
{
	struct shmdev_sem_set s = { .index = index, .value = value };

	return ioctl(fd, SHMDEV_IOC_SEM_SET, &s) ? -errno : 0;
}

/* Send @fd over the Unix socket @sock (SCM_RIGHTS); 0 or -errno. */
static inline int send_fd(int sock, int fd)
{
	char c = 0, buf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

/* Receive a descriptor sent with send_fd(); the fd or -1. */
static inline int recv_fd(int sock)
{
	char c, buf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Wait for child @pid: its exit status, 200 + signal if killed, or -1. */
static inline int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? 200 + WTERMSIG(status) :
				     WEXITSTATUS(status);
}

/* Run @fn(@arg) in a child: its exit status, or 200 + signal. */
static inline int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	return reap(pid);
}

/* Poll until semaphore @index of @fd has @n waiters (10 s at most). */
static inline bool wait_for_waiters(int fd, __u32 index, __u32 n)
{
	struct shmdev_sem_get g;

	for (int i = 0; i < 10000; i++) {
		if (!sem_get_on(fd, index, &g) && g.waiters == n)
			return true;
		usleep(1000);
	}
	return false;
}

/* SEM_FD on region fd @fd: the new semaphore fd, or -errno. */
static inline int sem_fd(int fd, __u32 index, __u32 flags)
{
	struct shmdev_sem_fd f = { .index = index, .flags = flags };
	int ret = ioctl(fd, SHMDEV_IOC_SEM_FD, &f);

	return ret < 0 ? -errno : ret;
}

/* Poll until semaphore @index of @fd has value @v (10 s at most). */
static inline bool wait_for_value(int fd, __u32 index, long v)
{
	for (int i = 0; i < 10000; i++) {
		if (sem_value(fd, index) == v)
			return true;
		usleep(1000);
	}
	return false;
}

/* Write @map to /proc/@pid/@file (uid_map, gid_map); 0 or -errno. */
static inline int write_map(pid_t pid, const char *file, const char *map)
{
	char path[64];
	int fd, len = strlen(map), ret;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, map, len) == len ? 0 : -errno;
	close(fd);
	return ret;
}

/* Become @uid/@gid with supplementary @groups; 0 or -errno. */
static inline int drop_to(uid_t uid, gid_t gid, const gid_t *groups, int n)
{
	if (setgroups(n, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return -errno;
	return 0;
}

/*
 * Region @name with one semaphore, whose ACL lets user @uid use it (SYNC):
 * the caller's region fd, or -1.
 */
static inline int region_synced_for(const char *name, uid_t uid)
{
	const struct shmdev_acl_entry grant = {
		.tag = SHMDEV_ACL_USER, .id = uid, .rights = SHMDEV_ACCESS_SYNC,
	};
	int fd = sem_region(name, 1);

	if (fd >= 0 && acl_set(fd, &grant, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * In a child: become user @uid (group @uid, no supplementary groups) and
 * open region @name with SYNC; the region fd, or exit 1 on failure.
 */
static inline int open_synced_as(uid_t uid, const char *name)
{
	int h;

	if (drop_to(uid, uid, NULL, 0))
		_exit(1);
	h = region_open(name, SHMDEV_ACCESS_SYNC);
	if (h < 0)
		_exit(1);
	return h;
}

#endif /* _SHMDEV_TEST_H */
