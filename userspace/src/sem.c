// SPDX-License-Identifier: MIT
/* libshmdev: the semaphores of a bound handle. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "libshmdev.h"
#include "private.h"

int shmdev_sem_wait(int fd, unsigned int index, unsigned int flags)
{
	struct shmdev_sem_wait w = {
		.index = index, .flags = flags, .timeout = SHMDEV_SEM_FOREVER,
	};

	if (flags & ~(SHMDEV_SEM_UNDO | SHMDEV_SEM_TRY))
		return -EINVAL;
	return __shmdev_ioctl(fd, SHMDEV_IOC_SEM_WAIT, &w);
}

int shmdev_sem_trywait(int fd, unsigned int index, unsigned int flags)
{
	if (flags & ~SHMDEV_SEM_UNDO)
		return -EINVAL;
	return shmdev_sem_wait(fd, index, flags | SHMDEV_SEM_TRY);
}

int __shmdev_timespec_ns(const struct timespec *ts, uint64_t *ns)
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

int shmdev_sem_timedwait(int fd, unsigned int index, unsigned int flags,
			 clockid_t clock, const struct timespec *abstime)
{
	struct shmdev_sem_wait w = { .index = index, .flags = flags };
	uint64_t ns;
	int ret;

	if (flags & ~(SHMDEV_SEM_UNDO | SHMDEV_SEM_TRY))
		return -EINVAL;
	if (clock == CLOCK_REALTIME)
		w.flags |= SHMDEV_SEM_REALTIME;
	else if (clock != CLOCK_MONOTONIC)
		return -EINVAL;
	if (!abstime)
		return -EFAULT;
	ret = __shmdev_timespec_ns(abstime, &ns);
	if (ret < 0)
		return ret;
	w.timeout = ns;
	return __shmdev_ioctl(fd, SHMDEV_IOC_SEM_WAIT, &w);
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
