/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shmdev private definitions.
 *
 * Object lifetime and locking rules
 * ---------------------------------
 * struct shmdev_file (a handle) lives exactly as long as the struct file of
 * /dev/shmdev it belongs to: it is allocated in ->open() and freed in
 * ->release(), so the VFS file reference count is its reference count.
 * While any handle exists the module is pinned through the misc device's
 * fops owner.
 *
 * Lock order, outermost first:
 *   shmdev_file.lock
 */

#ifndef _SHMDEV_H
#define _SHMDEV_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/shmdev.h>

#include "compat.h"

#define SHMDEV_DEVNAME	"shmdev"

/**
 * struct shmdev_file - state of one open file of /dev/shmdev
 * @lock: serialises the ioctls that read or change this handle's state
 */
struct shmdev_file {
	struct mutex lock;	/* serialises ioctls on this handle */
};

/**
 * struct shmdev_stats - live object counts, shown in debugfs
 * @handles: open files of /dev/shmdev
 */
struct shmdev_stats {
	atomic_long_t handles;
};

extern struct shmdev_stats shmdev_stats;

#endif /* _SHMDEV_H */
