// SPDX-License-Identifier: MIT
/*
 * libshmdev: the semaphores of a bound handle, through their ioctls
 * (shmdev_sem_*()) or, first, through their mapped semaphore area
 * (shmdev_sems_*()), where a wait or post that need not sleep or wake
 * anyone is one compare-and-swap (uapi/linux/shmdev.h, "The semaphore
 * area").
 */
#define _GNU_SOURCE
/* The semaphore area lies past 2^32: a 32-bit build needs a 64-bit off_t. */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libshmdev.h"
#include "private.h"

/*
 * The nanoseconds of deadline @ts: 0 for one before the epoch, already
 * past, and SHMDEV_SEM_FOREVER for one past 2^63 - 1; or -EINVAL.
 */
static int timespec_ns(const struct timespec *ts, uint64_t *ns)
{
	if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -EINVAL;
	/* Before the epoch has passed: any past deadline will do. */
	if (ts->tv_sec < 0) {
		*ns = 0;
		return 0;
	}
	if ((uint64_t)ts->tv_sec > (INT64_MAX - ts->tv_nsec) / 1000000000ULL) {
		*ns = SHMDEV_SEM_FOREVER;
		return 0;
	}
	*ns = (uint64_t)ts->tv_sec * 1000000000ULL + ts->tv_nsec;
	return 0;
}

/*
 * Check a wait's @flags and, if @timed, its @clock and deadline @abstime,
 * which gives *@ns: 0 or -errno, before any unit is taken.
 */
static int sem_wait_args(unsigned int flags, int timed, clockid_t clock,
			 const struct timespec *abstime, uint64_t *ns)
{
	*ns = SHMDEV_SEM_FOREVER;
	if (flags & ~(SHMDEV_SEM_UNDO | SHMDEV_SEM_TRY))
		return -EINVAL;
	if (!timed)
		return 0;
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return -EINVAL;
	if (!abstime)
		return -EFAULT;
	return timespec_ns(abstime, ns);
}

/* SEM_WAIT with checked arguments, until @ns on @clock. */
static int sem_wait_ioctl(int fd, unsigned int index, unsigned int flags,
			  clockid_t clock, uint64_t ns)
{
	struct shmdev_sem_wait w = {
		.index = index, .flags = flags, .timeout = ns,
	};

	if (clock == CLOCK_REALTIME && ns != SHMDEV_SEM_FOREVER)
		w.flags |= SHMDEV_SEM_REALTIME;
	return __shmdev_ioctl(fd, SHMDEV_IOC_SEM_WAIT, &w);
}

int shmdev_sem_wait(int fd, unsigned int index, unsigned int flags)
{
	uint64_t ns;
	int ret = sem_wait_args(flags, 0, CLOCK_MONOTONIC, NULL, &ns);

	return ret < 0 ? ret : sem_wait_ioctl(fd, index, flags,
					      CLOCK_MONOTONIC, ns);
}

int shmdev_sem_trywait(int fd, unsigned int index, unsigned int flags)
{
	if (flags & ~SHMDEV_SEM_UNDO)
		return -EINVAL;
	return shmdev_sem_wait(fd, index, flags | SHMDEV_SEM_TRY);
}

int shmdev_sem_timedwait(int fd, unsigned int index, unsigned int flags,
			 clockid_t clock, const struct timespec *abstime)
{
	uint64_t ns;
	int ret = sem_wait_args(flags, 1, clock, abstime, &ns);

	return ret < 0 ? ret : sem_wait_ioctl(fd, index, flags, clock, ns);
}

int shmdev_sem_post(int fd, unsigned int index, unsigned int count,
		    unsigned int flags)
{
	struct shmdev_sem_post p = {
		.index = index, .flags = flags, .count = count,
	};

	return __shmdev_ioctl(fd, SHMDEV_IOC_SEM_POST, &p);
}

int shmdev_sem_get(int fd, unsigned int index, struct shmdev_sem_info *info)
{
	struct shmdev_sem_get g = { .index = index };
	int ret;

	if (!info)
		return -EFAULT;
	ret = __shmdev_ioctl(fd, SHMDEV_IOC_SEM_GET, &g);
	if (ret < 0)
		return ret;
	info->value = g.value;
	info->waiters = g.waiters;
	info->status = g.status;
	return 0;
}

int shmdev_sem_getvalue(int fd, unsigned int index)
{
	struct shmdev_sem_info info;
	int ret = shmdev_sem_get(fd, index, &info);

	return ret < 0 ? ret : (int)info.value;
}

int shmdev_sem_set(int fd, unsigned int index, unsigned int value)
{
	struct shmdev_sem_set s = { .index = index, .value = value };

	return __shmdev_ioctl(fd, SHMDEV_IOC_SEM_SET, &s);
}

int shmdev_sem_fd(int fd, unsigned int index, unsigned int flags)
{
	struct shmdev_sem_fd f = { .index = index, .flags = flags };

	return __shmdev_ioctl(fd, SHMDEV_IOC_SEM_FD, &f);
}

int __shmdev_sem_area_map(int fd, unsigned int nsems,
			  struct shmdev_sem_shared **area, size_t *len)
{
	int saved = errno, ret = 0;
	void *addr;

	if (!nsems || nsems > SHMDEV_SEMS_MAX)
		return -EINVAL;
	*len = SHMDEV_SEM_AREA_SIZE(nsems);
	addr = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    SHMDEV_SEM_MMAP_OFFSET);
	if (addr == MAP_FAILED)
		ret = -errno;
	else
		*area = addr;
	errno = saved;
	return ret;
}

int __shmdev_sem_fast_wait(int fd, struct shmdev_sem_shared *shared,
			   unsigned int index, unsigned int flags,
			   clockid_t clock, const struct timespec *abstime)
{
	uint64_t ns;
	int took = sem_wait_args(flags, !!abstime, clock, abstime, &ns);

	if (took < 0)
		return took;
	took = shared && !(flags & SHMDEV_SEM_UNDO) ? __shmdev_sem_take(shared) :
						       -1;
	if (took > 0)
		return 0;
	/* At 0 in user space: nobody sleeps, so nothing is left to report. */
	if (!took && flags & SHMDEV_SEM_TRY)
		return -EAGAIN;
	return sem_wait_ioctl(fd, index, flags, clock, ns);
}

int __shmdev_sem_fast_post(int fd, struct shmdev_sem_shared *shared,
			   unsigned int index, unsigned int count,
			   unsigned int flags)
{
	int ret = 1;

	if (shared && !flags && count && count <= SHMDEV_SEM_VALUE_MAX)
		ret = __shmdev_sem_give(shared, count);
	return ret > 0 ? shmdev_sem_post(fd, index, count, flags) : ret;
}

int shmdev_sems_map(struct shmdev_sems *sems, int fd, unsigned int nsems)
{
	struct shmdev_sem_shared *area;
	size_t len;
	int ret;

	if (!sems)
		return -EFAULT;
	ret = __shmdev_sem_area_map(fd, nsems, &area, &len);
	if (ret < 0)
		return ret;
	sems->fd = fd;
	sems->nsems = nsems;
	sems->area = area;
	sems->area_len = len;
	return 0;
}

int shmdev_sems_unmap(struct shmdev_sems *sems)
{
	int ret;

	if (!sems || !sems->area)
		return -EINVAL;
	ret = __shmdev_munmap(sems->area, sems->area_len);
	if (!ret)
		sems->area = NULL;
	return ret;
}

/* @sems's entry for semaphore @index, or NULL: ask the kernel. */
static struct shmdev_sem_shared *sems_entry(const struct shmdev_sems *sems,
					    unsigned int index)
{
	return sems->area && index < sems->nsems ? &sems->area[index] : NULL;
}

int shmdev_sems_wait(struct shmdev_sems *sems, unsigned int index,
		     unsigned int flags)
{
	if (!sems)
		return -EFAULT;
	return __shmdev_sem_fast_wait(sems->fd, sems_entry(sems, index), index,
				      flags, CLOCK_REALTIME, NULL);
}

int shmdev_sems_trywait(struct shmdev_sems *sems, unsigned int index,
			unsigned int flags)
{
	if (flags & ~SHMDEV_SEM_UNDO)
		return -EINVAL;
	return shmdev_sems_wait(sems, index, flags | SHMDEV_SEM_TRY);
}

int shmdev_sems_timedwait(struct shmdev_sems *sems, unsigned int index,
			  unsigned int flags, clockid_t clock,
			  const struct timespec *abstime)
{
	if (!sems || !abstime)
		return -EFAULT;
	return __shmdev_sem_fast_wait(sems->fd, sems_entry(sems, index), index,
				      flags, clock, abstime);
}

int shmdev_sems_post(struct shmdev_sems *sems, unsigned int index,
		     unsigned int count, unsigned int flags)
{
	if (!sems)
		return -EFAULT;
	return __shmdev_sem_fast_post(sems->fd, sems_entry(sems, index), index,
				      count, flags);
}
