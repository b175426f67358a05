/* SPDX-License-Identifier: MIT */
/*
 * Switch code written for POSIX semaphores to shmdev: include this header
 * instead of <semaphore.h> (or after it) and link with -lshmdev. Every
 * sem_*() call, sem_t, SEM_FAILED and SEM_VALUE_MAX then name the
 * shmdev_psem_*() layer, which keeps their signatures, return values and
 * errno. See shmdev_psem_init(3) for the few behaviours that differ.
 */
#ifndef LIBSHMDEV_SEMAPHORE_H
#define LIBSHMDEV_SEMAPHORE_H

#include <libshmdev.h>

#undef SEM_FAILED
#undef SEM_VALUE_MAX
#define sem_t		shmdev_psem_t
#define SEM_FAILED	SHMDEV_PSEM_FAILED
#define SEM_VALUE_MAX	SHMDEV_PSEM_VALUE_MAX
#define sem_init	shmdev_psem_init
#define sem_destroy	shmdev_psem_destroy
#define sem_wait	shmdev_psem_wait
#define sem_trywait	shmdev_psem_trywait
#define sem_timedwait	shmdev_psem_timedwait
#define sem_clockwait	shmdev_psem_clockwait
#define sem_post	shmdev_psem_post
#define sem_getvalue	shmdev_psem_getvalue
#define sem_open	shmdev_psem_open
#define sem_close	shmdev_psem_close
#define sem_unlink	shmdev_psem_unlink

#endif /* LIBSHMDEV_SEMAPHORE_H */
