// SPDX-License-Identifier: MIT
/*
 * libshmdev: regions, permissions and semaphores, one thin wrapper per
 * ioctl. Calls that take a name go to the control device /dev/shmdev,
 * which the library opens once per process; calls that take an fd act on
 * a region fd that shmdev_create() or shmdev_open() returned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libshmdev.h"
#include "private.h"

/* Most tries of open_or_create when others create and unlink the name. */
#define OPEN_OR_CREATE_TRIES	64

static uint64_t uptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/*
 * The library never changes errno: each system call that can fail goes
 * through one of these, which return -errno and put errno back.
 */
int __shmdev_ioctl(int fd, unsigned long cmd, void *arg)
{
	int saved = errno, ret = ioctl(fd, cmd, arg);

	if (ret < 0)
		ret = -errno;
	errno = saved;
	return ret;
}

int shmdev_open_device(void)
{
	int saved = errno, fd = open(SHMDEV_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fd = -errno;
	errno = saved;
	/* No node, or a node without a driver: the module is not loaded. */
	if (fd == -ENOENT || fd == -ENXIO || fd == -ENODEV)
		return -ENODEV;
	return fd;
}

/*
 * The control device, opened on first use and kept open (close-on-exec)
 * for the life of the process, so that creating or opening a region costs
 * no open(); a child of fork() shares it. Threads race to open it and the
 * first to publish wins. A process may close it behind the library's back
 * (closefrom(), a daemon closing every descriptor): a call that fails
 * checks that the descriptor is still the device (a character device of
 * the same number), and if not, forgets it, without closing it (the
 * number may be someone else's now), and tries once more with a new one.
 * Checking only on failure keeps the check off the fast path; a foreign
 * file that answered shmdev's own ioctl numbers with success would go
 * unnoticed, and none of the kernel's does.
 */
static int control_fd = -1;
static dev_t control_rdev;

/* The control device; *@owned set if the caller must close it. */
static int control_get(int *owned)
{
	int fd = __atomic_load_n(&control_fd, __ATOMIC_ACQUIRE), expected = -1;
	struct stat st;
	int saved;

	*owned = 0;
	if (fd >= 0)
		return fd;
	fd = shmdev_open_device();
	if (fd < 0)
		return fd;
	saved = errno;
	/* A descriptor it could not identify later is not kept. */
	if (fstat(fd, &st)) {
		errno = saved;
		*owned = 1;
		return fd;
	}
	__atomic_store_n(&control_rdev, st.st_rdev, __ATOMIC_RELAXED);
	if (__atomic_compare_exchange_n(&control_fd, &expected, fd, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return fd;
	close(fd);
	errno = saved;
	return expected;
}

/* Whether @fd is still the control device the library opened. */
static int control_is(int fd)
{
	int saved = errno, ret;
	struct stat st;

	ret = !fstat(fd, &st) && S_ISCHR(st.st_mode) &&
	      st.st_rdev == __atomic_load_n(&control_rdev, __ATOMIC_RELAXED);
	errno = saved;
	return ret;
}

int __shmdev_control_ioctl(unsigned long cmd, void *arg)
{
	int owned, fd = control_get(&owned), ret, saved;

	if (fd < 0)
		return fd;
	ret = __shmdev_ioctl(fd, cmd, arg);
	if (ret < 0 && !owned && !control_is(fd)) {
		__atomic_compare_exchange_n(&control_fd, &fd, -1, 0,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		fd = control_get(&owned);
		if (fd < 0)
			return fd;
		ret = __shmdev_ioctl(fd, cmd, arg);
	}
	if (owned) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return ret;
}

int shmdev_version(struct shmdev_version *version)
{
	struct shmdev_version v = { 0 };
	int ret;

	if (!version)
		return -EINVAL;
	ret = __shmdev_control_ioctl(SHMDEV_IOC_VERSION, &v);
	/* A driver that does not know VERSION is not shmdev. */
	if (ret == -ENOTTY)
		return -EPROTONOSUPPORT;
	if (ret < 0)
		return ret;
	*version = v;
	return 0;
}

int shmdev_check(uint64_t features)
{
	struct shmdev_version v;
	int ret = shmdev_version(&v);

	if (ret < 0)
		return ret;
	if (v.api_version != SHMDEV_LIB_API_VERSION)
		return -EPROTONOSUPPORT;
	if ((v.features & features) != features)
		return -EOPNOTSUPP;
	return 0;
}

/* CREATE: a new region fd or -errno. */
static int create_fd(const char *name, uint64_t size, unsigned int mode,
		     unsigned int flags, unsigned int nsems)
{
	struct shmdev_create c = {
		.name = uptr(name), .size = size, .mode = mode,
		.flags = flags, .nsems = nsems,
	};

	return __shmdev_control_ioctl(SHMDEV_IOC_CREATE, &c);
}

/* OPEN, insisting on @owner if @owned: a new region fd or -errno. */
static int open_fd(const char *name, unsigned int access, int owned,
		   uid_t owner)
{
	struct shmdev_open o = {
		.name = uptr(name), .access = access,
		.flags = owned ? SHMDEV_OPEN_OWNER : 0,
		.owner = owned ? owner : 0,
	};

	return __shmdev_control_ioctl(SHMDEV_IOC_OPEN, &o);
}

int shmdev_create(const char *name, uint64_t size, unsigned int mode,
		  unsigned int flags, unsigned int nsems)
{
	if (!name)
		return -EFAULT;
	return create_fd(name, size, mode, flags, nsems);
}

int shmdev_open(const char *name, unsigned int access)
{
	if (!name)
		return -EFAULT;
	return open_fd(name, access, 0, 0);
}

int shmdev_open_owned(const char *name, unsigned int access, uid_t owner)
{
	if (!name)
		return -EFAULT;
	return open_fd(name, access, 1, owner);
}

int shmdev_open_or_create(const char *name, uint64_t size, unsigned int mode,
			  unsigned int flags, unsigned int nsems,
			  unsigned int access, int *created)
{
	int owned = !!(flags & SHMDEV_OPEN_OR_CREATE_OWNED);
	int ret = -ENOENT, i;

	if (!name)
		return -EFAULT;
	flags &= ~SHMDEV_OPEN_OR_CREATE_OWNED;
	/*
	 * Another process may create the name between our OPEN and CREATE
	 * (EEXIST), or unlink it between our CREATE and OPEN (ENOENT): go
	 * round again, a bounded number of times. What CREATE makes is the
	 * caller's own, so only OPEN needs the owner check.
	 */
	for (i = 0; i < OPEN_OR_CREATE_TRIES; i++) {
		ret = open_fd(name, access, owned, geteuid());
		if (ret != -ENOENT)
			break;
		ret = create_fd(name, size, mode, flags, nsems);
		if (ret != -EEXIST) {
			if (ret >= 0 && created)
				*created = 1;
			return ret;
		}
	}
	if (ret >= 0 && created)
		*created = 0;
	return ret;
}

int shmdev_unlink(const char *name, unsigned int flags)
{
	struct shmdev_unlink u = { .name = uptr(name), .flags = flags };

	/* SHMDEV_UNLINK_ORPHANED names no region. */
	if (!name && !(flags & SHMDEV_UNLINK_ORPHANED))
		return -EFAULT;
	return __shmdev_control_ioctl(SHMDEV_IOC_UNLINK, &u);
}

int shmdev_unlink_fd(int fd, unsigned int flags)
{
	struct shmdev_unlink u = { .flags = flags };

	return __shmdev_ioctl(fd, SHMDEV_IOC_UNLINK, &u);
}

int shmdev_stat(int fd, struct shmdev_stat *st)
{
	struct shmdev_stat s = { 0 };
	int ret;

	if (!st)
		return -EFAULT;
	ret = __shmdev_ioctl(fd, SHMDEV_IOC_STAT, &s);
	if (ret < 0)
		return ret;
	*st = s;
	return 0;
}

int shmdev_stat_name(const char *name, struct shmdev_stat *st)
{
	struct shmdev_stat s = { .name = uptr(name) };
	int ret;

	if (!name || !st)
		return -EFAULT;
	ret = __shmdev_control_ioctl(SHMDEV_IOC_STAT, &s);
	if (ret < 0)
		return ret;
	s.name = 0;
	*st = s;
	return 0;
}

int shmdev_map(int fd, int prot, struct shmdev_map *map)
{
	long page = sysconf(_SC_PAGESIZE);
	struct shmdev_stat st;
	size_t length;
	void *addr;
	int ret, saved;

	if (!map)
		return -EFAULT;
	if (prot & ~(PROT_READ | PROT_WRITE) || !prot)
		return -EINVAL;
	ret = shmdev_stat(fd, &st);
	if (ret < 0)
		return ret;
	if (st.size > SIZE_MAX - page)
		return -EOVERFLOW;
	length = (st.size + page - 1) & ~(size_t)(page - 1);
	saved = errno;
	addr = mmap(NULL, length, prot, MAP_SHARED, fd, 0);
	ret = addr == MAP_FAILED ? -errno : 0;
	/*
	 * A region populated at CREATE is mapped with its page tables filled
	 * too, so that no access faults later. Before Linux 5.14 the advice
	 * fails, and the pages are mapped as they are touched.
	 */
	if (!ret && st.state & SHMDEV_STATE_POPULATED)
		madvise(addr, length, prot & PROT_WRITE ? MADV_POPULATE_WRITE :
			MADV_POPULATE_READ);
	errno = saved;
	if (ret < 0)
		return ret;
	map->addr = addr;
	map->size = st.size;
	map->length = length;
	map->prot = prot;
	return 0;
}

int __shmdev_munmap(void *addr, size_t length)
{
	int saved = errno, ret = munmap(addr, length) ? -errno : 0;

	errno = saved;
	return ret;
}

int shmdev_unmap(struct shmdev_map *map)
{
	int ret;

	if (!map || !map->addr)
		return -EINVAL;
	ret = __shmdev_munmap(map->addr, map->length);
	if (!ret)
		map->addr = NULL;
	return ret;
}

int shmdev_chmod(int fd, unsigned int mode)
{
	struct shmdev_perm p = { .flags = SHMDEV_PERM_MODE, .mode = mode };

	return __shmdev_ioctl(fd, SHMDEV_IOC_SET_PERM, &p);
}

int shmdev_chown(int fd, uid_t uid, gid_t gid)
{
	struct shmdev_perm p = { .uid = uid, .gid = gid };

	if (uid != (uid_t)-1)
		p.flags |= SHMDEV_PERM_UID;
	if (gid != (gid_t)-1)
		p.flags |= SHMDEV_PERM_GID;
	/* As fchown(2): nothing to change succeeds on any open file. */
	if (!p.flags) {
		int saved = errno, ret = fcntl(fd, F_GETFD) < 0 ? -errno : 0;

		errno = saved;
		return ret;
	}
	return __shmdev_ioctl(fd, SHMDEV_IOC_SET_PERM, &p);
}
