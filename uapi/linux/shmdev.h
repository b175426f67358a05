/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shmdev - named shared-memory regions with access-control lists and
 * kernel semaphores, reached through the misc device /dev/shmdev.
 *
 * ABI rules: fixed-width fields only, naturally aligned, explicit padding,
 * pointers carried as __u64. Every flags field is checked against a VALID
 * mask and every reserved or padding field must be zero, or the ioctl fails
 * with EINVAL before anything changes.
 */

#ifndef _UAPI_LINUX_SHMDEV_H
#define _UAPI_LINUX_SHMDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Interface revision reported by SHMDEV_IOC_VERSION. */
#define SHMDEV_API_VERSION	1

/* Size of a name buffer, terminating NUL included. */
#define SHMDEV_NAME_MAX		256

/* Largest value a semaphore can hold. */
#define SHMDEV_SEM_VALUE_MAX	0x7fffffff

/* Valid bits of struct shmdev_version.flags (none are defined yet). */
#define SHMDEV_VERSION_FLAGS_VALID	0

/**
 * struct shmdev_version - argument of %SHMDEV_IOC_VERSION
 * @flags: in: must be zero (no flags are defined yet)
 * @api_version: out: %SHMDEV_API_VERSION of the loaded module
 * @features: out: mask of optional features the loaded module supports;
 *	no optional features are defined yet, so it is zero
 * @name_max: out: %SHMDEV_NAME_MAX, the size of a name buffer
 * @sem_value_max: out: %SHMDEV_SEM_VALUE_MAX
 * @reserved: in: must be zero; out: zero
 *
 * Output fields are written only when the call succeeds; their input values
 * are ignored.
 */
struct shmdev_version {
	__u32 flags;
	__u32 api_version;
	__u64 features;
	__u32 name_max;
	__u32 sem_value_max;
	__u64 reserved[4];
};

/* Magic 0xBC is free in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define SHMDEV_IOC_MAGIC	0xBC

#define SHMDEV_IOC_VERSION	_IOWR(SHMDEV_IOC_MAGIC, 0x00, struct shmdev_version)

#endif /* _UAPI_LINUX_SHMDEV_H */
