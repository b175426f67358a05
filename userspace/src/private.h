/* SPDX-License-Identifier: MIT */
/* Helpers shared by libshmdev's source files; not installed. */
#ifndef LIBSHMDEV_PRIVATE_H
#define LIBSHMDEV_PRIVATE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <linux/shmdev.h>

/* ioctl(2) returning its result or -errno. */
int __shmdev_ioctl(int fd, unsigned long cmd, void *arg);

/* munmap(2) returning 0 or -errno, with errno left as it was. */
int __shmdev_munmap(void *addr, size_t length);

/* ioctl(2) on the process's control device: its result or -errno. */
int __shmdev_control_ioctl(unsigned long cmd, void *arg);

/*
 * The semaphore area's protocol (uapi/linux/shmdev.h), inline so that an
 * uncontended call costs what glibc's sem_t does. Take a unit of @shared
 * with no system call: 1 if taken; 0 if user space holds the value and it
 * is 0; -1 if the kernel holds it, and only SEM_WAIT may take one.
 */
static inline int __shmdev_sem_take(struct shmdev_sem_shared *shared)
{
	uint32_t s = __atomic_load_n(&shared->state, __ATOMIC_RELAXED);

	while (s && !(s & SHMDEV_SEM_KERNEL))
		if (__atomic_compare_exchange_n(&shared->state, &s, s - 1, 1,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 1;
	return s ? -1 : 0;
}

/*
 * Add @count (1 to SHMDEV_SEM_VALUE_MAX) units to @shared with no system
 * call: 0, -EOVERFLOW past the maximum, or 1 if the kernel holds the
 * value, and only SEM_POST may add them.
 */
static inline int __shmdev_sem_give(struct shmdev_sem_shared *shared,
				    uint32_t count)
{
	uint32_t s = __atomic_load_n(&shared->state, __ATOMIC_RELAXED);

	while (!(s & SHMDEV_SEM_KERNEL)) {
		if (count > SHMDEV_SEM_VALUE_MAX - s)
			return -EOVERFLOW;
		if (__atomic_compare_exchange_n(&shared->state, &s, s + count,
						1, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return 0;
	}
	return 1;
}

/* Map @nsems semaphores' area of region fd @fd: 0 or -errno. */
int __shmdev_sem_area_map(int fd, unsigned int nsems,
			  struct shmdev_sem_shared **area, size_t *len);

/*
 * A wait (@abstime NULL: without a deadline) or post on semaphore @index
 * of @fd, first on its entry @shared of the mapped area if not NULL.
 */
int __shmdev_sem_fast_wait(int fd, struct shmdev_sem_shared *shared,
			   unsigned int index, unsigned int flags,
			   clockid_t clock, const struct timespec *abstime);
int __shmdev_sem_fast_post(int fd, struct shmdev_sem_shared *shared,
			   unsigned int index, unsigned int count,
			   unsigned int flags);

#endif /* LIBSHMDEV_PRIVATE_H */
