/* SPDX-License-Identifier: MIT */
/*
 * libshmdev - the userspace library of shmdev: named shared-memory regions
 * with access-control lists and kernel semaphores, reached through
 * /dev/shmdev.
 *
 * Every shmdev_*() function returns a value >= 0 on success or a negative
 * errno on failure; none sets errno (the POSIX layer, shmdev_psem_*(), is
 * the exception: it behaves exactly like sem_*(3)), none prints, and all
 * are safe to call from several threads at once. Each has a man page.
 */
#ifndef LIBSHMDEV_H
#define LIBSHMDEV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <linux/shmdev.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The device node every call goes through. */
#define SHMDEV_DEVICE_PATH	"/dev/shmdev"

/* The interface revision and features this library needs. */
#define SHMDEV_LIB_API_VERSION	SHMDEV_API_VERSION
#define SHMDEV_LIB_FEATURES \
	(SHMDEV_FEATURE_REGIONS | SHMDEV_FEATURE_ACL | SHMDEV_FEATURE_SEMS | \
	 SHMDEV_FEATURE_SEM_FD | SHMDEV_FEATURE_SEM_MAP)

/* Version of the library itself. */
#define SHMDEV_LIB_MAJOR	1
#define SHMDEV_LIB_MINOR	0

int shmdev_version(struct shmdev_version *version);
int shmdev_check(uint64_t features);
int shmdev_open_device(void);

int shmdev_create(const char *name, uint64_t size, unsigned int mode,
		  unsigned int flags, unsigned int nsems);
int shmdev_open(const char *name, unsigned int access);
int shmdev_open_owned(const char *name, unsigned int access, uid_t owner);

/*
 * A flag of shmdev_open_or_create() only, never passed to the module: an
 * existing region must be owned by the caller's effective user id.
 */
#define SHMDEV_OPEN_OR_CREATE_OWNED	0x80000000u

int shmdev_open_or_create(const char *name, uint64_t size, unsigned int mode,
			  unsigned int flags, unsigned int nsems,
			  unsigned int access, int *created);
int shmdev_unlink(const char *name, unsigned int flags);
int shmdev_unlink_fd(int fd, unsigned int flags);
int shmdev_stat(int fd, struct shmdev_stat *st);
int shmdev_stat_name(const char *name, struct shmdev_stat *st);

/**
 * struct shmdev_map - a mapping of a whole region, filled by shmdev_map()
 * @addr: where the region is mapped
 * @size: the region's size in bytes
 * @length: the mapping's length: @size rounded up to whole pages
 * @prot: the protection it was mapped with
 */
struct shmdev_map {
	void *addr;
	size_t size;
	size_t length;
	int prot;
};

int shmdev_map(int fd, int prot, struct shmdev_map *map);
int shmdev_unmap(struct shmdev_map *map);

/*
 * An iterator over the regions of the caller's IPC namespace, or of every
 * namespace; see shmdev_list_open(3).
 */
struct shmdev_list_iter;

int shmdev_list_open(struct shmdev_list_iter **iter);
int shmdev_list_open_flags(struct shmdev_list_iter **iter,
			   unsigned int flags);
int shmdev_list_next(struct shmdev_list_iter *iter,
		     struct shmdev_list_entry *entry);
void shmdev_list_close(struct shmdev_list_iter *iter);

/* Flags of shmdev_acl_format(). */
#define SHMDEV_ACL_FORMAT_NAMES	0x1	/* user and group names, not ids */

int shmdev_acl_get(int fd, struct shmdev_acl_entry *entries,
		   unsigned int max);
int shmdev_acl_set(int fd, const struct shmdev_acl_entry *entries,
		   unsigned int count);
int shmdev_acl_parse(const char *text, struct shmdev_acl_entry *entries,
		     unsigned int max);
int shmdev_acl_format(const struct shmdev_acl_entry *entries,
		      unsigned int count, unsigned int flags, char *buf,
		      size_t size);
int shmdev_rights_parse(const char *text);
int shmdev_rights_format(unsigned int rights, char *buf, size_t size);

int shmdev_chmod(int fd, unsigned int mode);
int shmdev_chown(int fd, uid_t uid, gid_t gid);

/**
 * struct shmdev_sem_info - a semaphore's state, filled by shmdev_sem_get()
 * @value: its value
 * @waiters: tasks sleeping in a wait on it
 * @status: %SHMDEV_SEM_UNDONE if an undo changed it since the last wait
 */
struct shmdev_sem_info {
	unsigned int value;
	unsigned int waiters;
	unsigned int status;
};

int shmdev_sem_wait(int fd, unsigned int index, unsigned int flags);
int shmdev_sem_trywait(int fd, unsigned int index, unsigned int flags);
int shmdev_sem_timedwait(int fd, unsigned int index, unsigned int flags,
			 clockid_t clock, const struct timespec *abstime);
int shmdev_sem_post(int fd, unsigned int index, unsigned int count,
		    unsigned int flags);
int shmdev_sem_get(int fd, unsigned int index, struct shmdev_sem_info *info);
int shmdev_sem_getvalue(int fd, unsigned int index);
int shmdev_sem_set(int fd, unsigned int index, unsigned int value);
int shmdev_sem_fd(int fd, unsigned int index, unsigned int flags);

/**
 * struct shmdev_sems - a region fd's semaphores with their shared state
 *	mapped, so that waits and posts that need not sleep or wake anyone
 *	make no system call; filled by shmdev_sems_map()
 * @fd: the region fd (not owned: it must stay open while this is used)
 * @nsems: the semaphores reachable, from index 0
 * @area: the mapped semaphore area
 * @area_len: its length in bytes
 */
struct shmdev_sems {
	int fd;
	unsigned int nsems;
	struct shmdev_sem_shared *area;
	size_t area_len;
};

int shmdev_sems_map(struct shmdev_sems *sems, int fd, unsigned int nsems);
int shmdev_sems_unmap(struct shmdev_sems *sems);
int shmdev_sems_wait(struct shmdev_sems *sems, unsigned int index,
		     unsigned int flags);
int shmdev_sems_trywait(struct shmdev_sems *sems, unsigned int index,
			unsigned int flags);
int shmdev_sems_timedwait(struct shmdev_sems *sems, unsigned int index,
			  unsigned int flags, clockid_t clock,
			  const struct timespec *abstime);
int shmdev_sems_post(struct shmdev_sems *sems, unsigned int index,
		     unsigned int count, unsigned int flags);

/*
 * The POSIX semaphore layer: the signatures, return values and errno of
 * sem_init(3) and its family, over shmdev semaphores. See
 * shmdev_psem_init(3), and <libshmdev-semaphore.h> to switch code over.
 */

/* What shmdev_psem_open() returns on failure, like SEM_FAILED. */
#define SHMDEV_PSEM_FAILED	((shmdev_psem_t *)0)

/* The largest value, like SEM_VALUE_MAX. */
#define SHMDEV_PSEM_VALUE_MAX	SHMDEV_SEM_VALUE_MAX

/* Longest region name the layer generates or derives, NUL included. */
#define SHMDEV_PSEM_NAME_MAX	48

/**
 * struct shmdev_psem - a POSIX-style semaphore; treat it as opaque
 * @magic: tells an initialised semaphore from garbage
 * @flags: unnamed, process-shared or named
 * @fd: the handle, for semaphores private to the process
 * @id: the id of the region that carries the semaphore
 * @shared: the semaphore's entry in its mapped semaphore area, for
 *	semaphores private to the process
 * @name: the name of that region
 */
typedef struct shmdev_psem {
	uint32_t magic;
	uint32_t flags;
	int32_t fd;
	uint32_t pad;
	uint64_t id;
	struct shmdev_sem_shared *shared;
	char name[SHMDEV_PSEM_NAME_MAX];
} shmdev_psem_t;

int shmdev_psem_init(shmdev_psem_t *sem, int pshared, unsigned int value);
int shmdev_psem_destroy(shmdev_psem_t *sem);
int shmdev_psem_wait(shmdev_psem_t *sem);
int shmdev_psem_trywait(shmdev_psem_t *sem);
int shmdev_psem_timedwait(shmdev_psem_t *sem, const struct timespec *abstime);
int shmdev_psem_clockwait(shmdev_psem_t *sem, clockid_t clock,
			  const struct timespec *abstime);
int shmdev_psem_post(shmdev_psem_t *sem);
int shmdev_psem_getvalue(shmdev_psem_t *sem, int *value);
shmdev_psem_t *shmdev_psem_open(const char *name, int oflag, ...);
int shmdev_psem_close(shmdev_psem_t *sem);
int shmdev_psem_unlink(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* LIBSHMDEV_H */
