/* SPDX-License-Identifier: MIT */
/* Helpers shared by libshmdev's source files; not installed. */
#ifndef LIBSHMDEV_PRIVATE_H
#define LIBSHMDEV_PRIVATE_H

#include <stdint.h>
#include <time.h>

/* ioctl(2) returning its result or -errno. */
int __shmdev_ioctl(int fd, unsigned long cmd, void *arg);

/* ioctl(2) on the process's control device: its result or -errno. */
int __shmdev_control_ioctl(unsigned long cmd, void *arg);

/* Nanoseconds of @ts, or -ERANGE past 2^63 - 1 (a wait without end). */
int __shmdev_timespec_ns(const struct timespec *ts, uint64_t *ns);

#endif /* LIBSHMDEV_PRIVATE_H */
